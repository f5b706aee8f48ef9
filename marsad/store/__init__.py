"""Store: the embedded database (SQLite by default) of articles, analyses, vectors and stories.

    base.py     the :class:`Store` protocol and the plain records it returns
    codec.py    Analysis ⇄ bytes (computed once, cached with the article)
    sqlite.py   :class:`SQLiteStore`: one file, WAL, versioned schema, FTS5
    schema.py   the schema and its migrations

Open one with :func:`open_store`; the pipeline and the web page only see :class:`Store`.
"""

from __future__ import annotations

from pathlib import Path

from marsad.store.base import (
    COPY_KINDS,
    ArticleQuery,
    ArticleRef,
    Batch,
    EntityCount,
    EntityMentions,
    NewArticle,
    Page,
    Store,
    StoreCounts,
    StoredArticle,
    StoryDetail,
    StoryMember,
    StoryQuery,
    StoryState,
    StorySummary,
)

DEFAULT_DB = "marsad.db"


def open_store(location: str | Path = DEFAULT_DB, *, read_only: bool = False) -> Store:
    """Open (creating and migrating when needed) the store at ``location``; ``":memory:"`` for a throwaway one.

    Raises:
        StoreError: the file is not a marsad store, is corrupt, or cannot be written.
    """
    from marsad.store.sqlite import SQLiteStore

    return SQLiteStore(location, read_only=read_only)


__all__ = [
    "COPY_KINDS",
    "DEFAULT_DB",
    "ArticleQuery",
    "ArticleRef",
    "Batch",
    "EntityCount",
    "EntityMentions",
    "NewArticle",
    "Page",
    "Store",
    "StoreCounts",
    "StoredArticle",
    "StoryDetail",
    "StoryMember",
    "StoryQuery",
    "StoryState",
    "StorySummary",
    "open_store",
]

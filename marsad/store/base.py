"""The storage interface: what the pipeline, the CLI and the web page may ask of a store.

    Store (Protocol)
    ├── read side      stories(), story(), article(), analysed(), articles(), counts()
    ├── write side     add(batch)  — one batch, one transaction; rebuild_stories(replay) — recluster in place
    ├── clustering     known(), story_of(), band_matches(), signatures(), nearest(), stories_with_entities(),
    │                  story_states(), entity_frequencies(), independent_articles(), generation(), vectors()
    └── per outlet     outlet_template(), save_outlet_template()

Everything a store returns is a plain frozen dataclass defined here, so a second backend
(PostgreSQL) only has to implement :class:`Store`; nothing above it changes. The SQLite backend
is :class:`marsad.store.sqlite.SQLiteStore`.

Identifiers: an article's id is its content hash (:attr:`marsad.models.Article.id`, 16 hex
digits); a story's id is the id of the article that started it, prefixed ``s`` — stable, short
and readable in URLs (``/story/s3f2a…``).

Dates are ISO 8601 strings (``2021-09-22``; ``added`` carries the time too); ``None`` when not known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import numpy as np

from marsad.models import Analysed, Article

T = TypeVar("T")

#: How an article relates to the earlier article it copies.
COPY_KINDS = ("wire", "near-duplicate")


# -- records the read side returns -------------------------------------------------------------
@dataclass(frozen=True)
class EntityCount:
    """A canonical entity and how many articles (of a story, or of the store) name it."""

    id: str  # canonical id shared across languages: "country:US", "person:JRSMF"
    kind: str  # "person" | "place" | "organisation"
    label: str
    articles: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "label": self.label, "articles": self.articles}


@dataclass(frozen=True)
class EntityMentions:
    """A canonical entity one article names, and how many times it names it."""

    id: str
    kind: str
    label: str
    mentions: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "label": self.label, "mentions": self.mentions}


@dataclass(frozen=True)
class ArticleRef:
    """An article as a line in a list: enough to show and link it."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    language: str | None
    published: str | None
    story_id: str | None
    copy_of: str | None = None  # id of the earliest copy this one repeats, when it is a copy
    copy_kind: str | None = None  # one of COPY_KINDS, when it is a copy

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "language": self.language,
            "published": self.published,
            "story_id": self.story_id,
            "copy_of": self.copy_of,
            "copy_kind": self.copy_kind,
        }


@dataclass(frozen=True)
class StoredArticle:
    """One stored article: its clean fields, where it sits, and what analysis found in it.

    The full :class:`~marsad.models.Analysis` (sentences, vectors, spans) is
    :meth:`Store.analysed`; this record carries what a page shows.
    """

    article: Article
    outlet: str | None
    story_id: str | None
    added: str  # when it was stored (ISO 8601, UTC)
    copy_of: str | None = None
    copy_kind: str | None = None
    copies: tuple[ArticleRef, ...] = ()  # later articles that copy this one
    entities: tuple[EntityMentions, ...] = ()
    dates: tuple[str, ...] = ()  # date values named in the text, as precise as written
    quantities: tuple[str, ...] = ()  # "6 hour", "120000 civilian"

    @property
    def id(self) -> str:
        return self.article.id

    def ref(self) -> ArticleRef:
        a = self.article
        return ArticleRef(a.id, a.title, self.outlet, a.url, a.language, a.published, self.story_id, self.copy_of, self.copy_kind)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.article.as_dict(),
            "outlet": self.outlet,
            "story_id": self.story_id,
            "added": self.added,
            "copy_of": self.copy_of,
            "copy_kind": self.copy_kind,
            "copies": [copy.as_dict() for copy in self.copies],
            "entities": [entity.as_dict() for entity in self.entities],
            "dates": list(self.dates),
            "quantities": list(self.quantities),
        }


@dataclass(frozen=True)
class StorySummary:
    """A story as a line in a list (newest first).

    ``size`` counts independent coverage: wire copies and near-duplicates are not counted;
    ``articles`` counts every stored member.
    """

    id: str
    headline: str | None  # title of the article that started the story (the first with a title)
    size: int
    articles: int
    outlets: tuple[str, ...]
    languages: tuple[str, ...]
    first_published: str | None
    last_published: str | None
    updated: str  # when an article last joined (ISO 8601, UTC)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "headline": self.headline,
            "size": self.size,
            "articles": self.articles,
            "outlets": list(self.outlets),
            "languages": list(self.languages),
            "first_published": self.first_published,
            "last_published": self.last_published,
            "updated": self.updated,
        }


@dataclass(frozen=True)
class StoryMember:
    """An independent article of a story, with the copies of it folded under it."""

    article: ArticleRef
    copies: tuple[ArticleRef, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {**self.article.as_dict(), "copies": [copy.as_dict() for copy in self.copies]}


@dataclass(frozen=True)
class StoryDetail:
    """One story: its summary, its members oldest first (copies folded), the entities they share."""

    summary: StorySummary
    members: tuple[StoryMember, ...]
    shared_entities: tuple[EntityCount, ...]  # named by ≥ 2 independent members, most shared first

    @property
    def id(self) -> str:
        return self.summary.id

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.summary.as_dict(),
            "members": [member.as_dict() for member in self.members],
            "shared_entities": [entity.as_dict() for entity in self.shared_entities],
        }


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and how many there are in all."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": [item.as_dict() for item in self.items],  # type: ignore[attr-defined]
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }


@dataclass(frozen=True)
class StoryQuery:
    """Which stories to list. Every filter is optional; they combine with AND.

    Args:
        text: full-text query over member titles and text (FTS5 syntax; plain words match all).
        entity: a canonical entity id some member names ("country:US").
        language: a member's language (ISO 639-1).
        outlet: a member's outlet ("reuters.com").
        since, until: ISO dates; a story is kept when its publication span overlaps [since, until].
            A story none of whose articles gives a publication date is left out by either.
        min_size: keep stories with at least this many independent articles.
        min_outlets: keep stories told by at least this many outlets.
        dated: True keeps only stories with a publication date, False only those without, None both.
        sort: one of :data:`STORY_SORTS`: ``published`` (newest publication first; undated stories
            last, never as new), ``size`` (most independent articles first) or ``outlets`` (most
            outlets first); ties go newest first.
        limit, offset: paging.
    """

    text: str | None = None
    entity: str | None = None
    language: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    min_size: int = 1
    limit: int = 50
    offset: int = 0
    min_outlets: int = 1
    dated: bool | None = None
    sort: str = "published"

    def __post_init__(self) -> None:
        if self.sort not in STORY_SORTS:
            from marsad.errors import ConfigError

            raise ConfigError(f"sort: unknown order {self.sort!r} (choose one of: {', '.join(STORY_SORTS)})")


#: The columns of ``marsad export`` (and :meth:`Store.export_articles` / :meth:`Store.export_stories`).
EXPORT_ARTICLE_COLUMNS = ("id", "story_id", "title", "text", "outlet", "url", "language", "published", "dateline", "agency",
                          "author", "copy_of", "copy_kind", "added")
EXPORT_STORY_COLUMNS = ("id", "headline", "size", "articles", "outlets", "languages", "first_published", "last_published", "updated")

#: How stories can be ordered (``StoryQuery.sort``, ``marsad stories --sort``, ``/api/stories?sort=``).
STORY_SORTS = ("published", "size", "outlets")


@dataclass(frozen=True)
class ArticleQuery:
    """Which articles to list (newest publication first, undated last); same filters as
    :class:`StoryQuery`, per article (``since``/``until`` leave undated articles out)."""

    text: str | None = None
    entity: str | None = None
    language: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    story_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class DeletedArticle:
    """What :meth:`Store.delete_article` did."""

    id: str
    story_id: str | None
    story_deleted: bool  # the article was its story's last
    promoted: str | None = None  # the copy that took its place as an independent article

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "story_id": self.story_id, "story_deleted": self.story_deleted, "promoted": self.promoted}


@dataclass(frozen=True)
class StoreCounts:
    """What is stored, for ``/health`` and the page footer."""

    articles: int
    copies: int  # articles marked as wire copies or near-duplicates
    stories: int
    schema_version: int
    location: str  # file path, or ":memory:"
    vectors_indexed: int  # entries in the ANN index (equal to articles when it is fresh)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "copies": self.copies,
            "stories": self.stories,
            "schema_version": self.schema_version,
            "location": self.location,
            "vectors_indexed": self.vectors_indexed,
        }


# -- records the clustering stage reads and writes ---------------------------------------------
@dataclass(frozen=True)
class StoryState:
    """What the clusterer keeps per story: centroid, entity profile, size and time span.

    ``centroid`` is the (unnormalised) sum of the document vectors of its independent members;
    ``entities`` maps entity id → number of independent members naming it.
    """

    id: str
    centroid: np.ndarray
    entities: Mapping[str, int]
    size: int
    articles: int
    first_published: str | None
    last_published: str | None
    headline: str | None = None
    headline_article: str | None = None


@dataclass(frozen=True)
class NewArticle:
    """An article ready to store: its analysis, where the clusterer put it, its LSH band keys."""

    analysed: Analysed
    story_id: str
    outlet: str | None = None
    copy_of: str | None = None
    copy_kind: str | None = None
    bands: tuple[int, ...] = ()  # MinHash LSH band keys (signed 64-bit), one per band
    signature: np.ndarray | None = None  # the MinHash signature (uint32), to confirm a band match

    @property
    def id(self) -> str:
        return self.analysed.article.id


@dataclass(frozen=True)
class Batch:
    """One atomic write: new articles, story states to upsert, stories merged into others.

    ``merged`` maps an absorbed story id → the story id it now belongs to; the store moves
    the absorbed story's members and deletes it, in the same transaction. ``generation`` is the
    store's :meth:`Store.generation` when the batch's stories were read: a batch clustered on
    stories that have been rebuilt since is refused (``None``: not checked).
    """

    articles: tuple[NewArticle, ...] = ()
    stories: tuple[StoryState, ...] = ()
    merged: Mapping[str, str] = field(default_factory=dict)
    generation: int | None = None


@runtime_checkable
class Store(Protocol):
    """The narrow storage interface. Implementations: :class:`marsad.store.sqlite.SQLiteStore`.

    A store is used by one writer at a time (the ingest process); reads may come from several
    threads or processes. Every method either completes or raises :class:`marsad.errors.StoreError`.
    """

    # read side ----------------------------------------------------------------------------
    def stories(self, query: StoryQuery = StoryQuery()) -> Page[StorySummary]:
        """Stories matching ``query``, newest first."""
        ...

    def story(self, story_id: str) -> StoryDetail | None:
        """One story with its members (oldest first, copies folded), or ``None``."""
        ...

    def article(self, article_id: str) -> StoredArticle | None:
        """One article with its fields, entities and copies, or ``None``."""
        ...

    def analysed(self, article_id: str) -> Analysed | None:
        """The stored article with its full cached analysis (for compare), or ``None``."""
        ...

    def articles(self, query: ArticleQuery = ArticleQuery()) -> Page[ArticleRef]:
        """Articles matching ``query``, newest first."""
        ...

    def counts(self) -> StoreCounts:
        ...

    def sources(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id → the source (file, URL, request) it was stored from."""
        ...

    def vector_dim(self) -> int | None:
        """Length of the stored document vectors, or None for an empty store."""
        ...

    def story_ids_starting(self, prefix: str, limit: int = 2) -> list[str]:
        """Ids of stories starting with ``prefix``, at most ``limit``."""
        ...

    def export_articles(self, query: ArticleQuery | None = None) -> Iterator[dict[str, Any]]:
        """Every stored article ``query`` keeps (all without one; paging aside) as a flat record with the keys :data:`EXPORT_ARTICLE_COLUMNS`."""
        ...

    def export_stories(self, query: StoryQuery | None = None) -> Iterator[dict[str, Any]]:
        """Every story ``query`` keeps (all without one; paging aside) as a flat record with the keys :data:`EXPORT_STORY_COLUMNS`, newest first."""
        ...

    # write side ---------------------------------------------------------------------------
    def add(self, batch: Batch) -> set[str]:
        """Write ``batch`` in one transaction: all of it is stored, or none of it.

        Articles already stored (same id) are skipped, not rewritten; their ids are returned
        (another writer may have stored them since the batch was clustered). A story's totals
        are its stored row's plus what the transaction inserts, so two writers lose no update. A batch that writes
        anything and whose ``generation`` is not the store's raises
        :class:`~marsad.errors.StaleStories` (the stories it was clustered on are gone).
        """
        ...

    def generation(self) -> int:
        """How many times every story has been rebuilt (:meth:`rebuild_stories`) or lost an article."""
        ...

    def delete_article(self, article_id: str) -> DeletedArticle | None:
        """Remove one article in one transaction, its story recomputed from the members left; None when absent."""
        ...

    def rebuild_stories(self, replay: Callable[["Store", Iterator[tuple[Analysed, str | None]]], None]) -> None:
        """Rebuild every story in place (``marsad recluster``).

        ``replay(scratch, articles)`` clusters ``articles`` ((article, outlet), in the order they
        were added) into ``scratch``, a store that starts empty; it is called again with the
        articles added meanwhile until it has seen them all. Then, in one transaction, this
        store's stories (and each article's story, copy link and copy fingerprint) become the scratch store's and
        :meth:`generation` goes up. An error leaves the stories as they were. Writers go on
        meanwhile, except during that last transaction.
        """
        ...

    # what the clusterer asks --------------------------------------------------------------
    def known(self, article_ids: Sequence[str]) -> set[str]:
        """Which of ``article_ids`` are stored already."""
        ...

    def story_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id → story id for the stored ones among ``article_ids``."""
        ...

    def band_matches(self, bands: Sequence[int], limit: int = 20) -> list[str]:
        """Up to ``limit`` stored article ids sharing at least one LSH band key with ``bands``,
        those sharing most first (ties by id, so the answer does not depend on storage order)."""
        ...

    def signatures(self, article_ids: Sequence[str]) -> dict[str, tuple[np.ndarray | None, str | None, str | None]]:
        """Article id → (MinHash signature, copy_of, published), to confirm a band match."""
        ...

    def nearest(self, vector: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` stored articles whose document vectors are nearest ``vector``: (id, cosine), best first."""
        ...

    def stories_with_entities(self, entity_ids: Sequence[str], since: str | None, until: str | None, limit: int = 20) -> list[str]:
        """Ids of stories naming any of ``entity_ids`` whose time span overlaps [since, until]."""
        ...

    def story_states(self, story_ids: Sequence[str], entity_ids: Sequence[str] | None = None) -> dict[str, StoryState]:
        """The states of the stored ones among ``story_ids``.

        With ``entity_ids``, each state's ``entities`` holds only those (a big story's whole
        profile is not read for one article's handful of entities).
        """
        ...

    def entity_frequencies(self, entity_ids: Sequence[str]) -> dict[str, int]:
        """How many stored independent articles name each entity (for rarity weights)."""
        ...

    def independent_articles(self) -> int:
        """How many stored articles are not copies (the N of the rarity weights)."""
        ...

    def vectors(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every stored (article id, document vector): rebuilds the ANN index."""
        ...

    # per outlet ---------------------------------------------------------------------------
    def outlet_template(self, outlet: str) -> dict[str, Any] | None:
        """What marsad learned of an outlet (e.g. its boilerplate lines), or ``None``."""
        ...

    def save_outlet_template(self, outlet: str, data: dict[str, Any]) -> None:
        """Replace the outlet's learned data (JSON-serialisable) in one transaction."""
        ...

    def outlet_templates(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (outlet, learned data) stored."""
        ...

    def close(self) -> None:
        ...

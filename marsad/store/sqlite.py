"""The SQLite store: one file, WAL, versioned schema, FTS5, an ANN index saved beside it.

One connection serves the writer and the readers of a process (guarded by a lock, so the web
server's threads can share it); other processes open their own, and WAL lets them read while
the ingest writes. Every :meth:`SQLiteStore.add` is one ``BEGIN IMMEDIATE … COMMIT``: a kill at
any point leaves either the whole batch or none of it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import regex

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

from marsad.analyse.normalise import normalise
from marsad.errors import StaleStories, StoreError
from marsad.models import Analysed, Article
from marsad.store.bands import BandIndex, pack, unpack
from marsad.store.base import (
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
    DeletedArticle,
    StoryState,
    StorySummary,
)
from marsad.store.codec import decode_analysis, decode_vector, encode_analysis, encode_vector
from marsad.store.schema import MIGRATIONS, OLDEST_READABLE, SCHEMA_VERSION
from marsad.store.vectors import VectorIndex, temporaries

logger = logging.getLogger(__name__)

_ARTICLE_FIELDS = {f.name for f in dataclasses.fields(Article)}
_WORD = regex.compile(r"[\p{L}\p{N}]+")
_REBUILD_WAIT = 120.0  # seconds a rebuild's final transaction waits for other writers
_WRITER_CHECKPOINT_PAGES = 10_000  # the writer checkpoints the WAL itself only past this (40 MB): see _Checkpointer
DEFAULT_CACHE_MIB = 2048  # the writer's page cache: the hot B-trees of a million-article store fit (311 MB at 222k)
# The B-trees every placed article reads or writes at a random place (its id, its story, its
# entities), least touched first, each with a query that reads all its pages: a writing store
# reads them into its own page cache at open (see SQLiteStore._warm), so that the last ones stay
# should they outgrow it. (A bare count(*) would not do: SQLite counts with the smallest index,
# whatever INDEXED BY says, and reads no overflow page.) The article rows, the full-text index
# and the fingerprints are appended to or read a few at a time: not kept.
_HOT_BTREES = (
    "SELECT count(outlet) FROM articles INDEXED BY articles_outlet",
    "SELECT count(language) FROM articles INDEXED BY articles_language",
    "SELECT count(published) FROM articles INDEXED BY articles_recent",
    "SELECT count(story_id) FROM articles INDEXED BY articles_story",
    "SELECT count(entity_id) FROM article_entities INDEXED BY article_entities_entity",
    "SELECT count(*) FROM article_entities NOT INDEXED",
    "SELECT count(*) FROM articles_fts_idx NOT INDEXED",
    "SELECT count(*) FROM entities NOT INDEXED",
    "SELECT count(recency) FROM stories INDEXED BY stories_recent",
    "SELECT count(substr(centroid, -1)) FROM stories NOT INDEXED",  # the centroid too: a 2 KB row's overflow pages
    "SELECT count(story_id) FROM story_entities INDEXED BY story_entities_story",
    "SELECT count(last_published) FROM story_entities INDEXED BY story_entities_recent",
    "SELECT count(*) FROM story_entities NOT INDEXED",
    "SELECT count(id) FROM articles INDEXED BY sqlite_autoindex_articles_1",
    "SELECT count(copy_of) FROM articles INDEXED BY articles_by_id",
)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def outlet_of(article: Article, given: str | None = None) -> str | None:
    """The outlet, one form per site: the URL's host without ``www.`` when there is a URL (a page's
    own site name, "Reuters", and a feed's host, "reuters.com", would otherwise be two outlets),
    else the name given, else the name the article carries."""
    if article.url:
        host = (urlsplit(article.url).hostname or "").lower().removeprefix("www.")
        if host:
            return host
    outlet = (given or getattr(article, "outlet", None) or "").strip()
    return outlet or None


def outlet_filter(column: str, outlet: str) -> tuple[str, list[str]]:
    """SQL matching ``outlet`` however it is written: "reuters.com", "www.Reuters.com", "Reuters"
    (the site's host starting so), "Al Jazeera" ("aljazeera.net")."""
    name = outlet.strip().lower().removeprefix("www.")
    forms = list(dict.fromkeys([name, name.replace(" ", "")]))
    clauses = [f"{column} = ? COLLATE NOCASE"] * len(forms)
    params = list(forms)
    if "." not in name:
        clauses += [f"{column} LIKE ?"] * len(forms)
        params += [f"{form}.%" for form in forms]
    return "(" + " OR ".join(clauses) + ")", params


def fts_query(text: str) -> str | None:
    """Plain words → an FTS5 query matching all of them (normalised as the index is); an Arabic
    word also matches itself behind the clitics written onto it ("موسكو" finds "وموسكو",
    "الروسية" finds "والروسية", "بالروسية" and "للروسية")."""
    words = _WORD.findall(normalise(text))
    return " AND ".join(_with_clitics(word) for word in words) or None  # FTS5 wants AND written after a group


# Conjunctions and prepositions written onto the next word, alone and as news stacks them.
_ARABIC_CLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")


def _with_clitics(word: str) -> str:
    """A definite word takes every clitic; a bare one of four letters or more too; a shorter bare
    word only "و" and "ف", since a preposition before it often spells another word: "جنة" (garden)
    and "لجنة" (committee)."""
    if len(word) < 3 or not "\u0621" <= word[0] <= "\u064a":
        return f'"{word}"'
    definite = word.startswith("ال") and len(word) > 3
    clitics = _ARABIC_CLITICS if definite or len(word) >= 4 else ("و", "ف")
    forms = [word] + [clitic + word for clitic in clitics]
    if definite:
        forms += [prefix + word[1:] for prefix in ("ل", "ول", "فل")]  # ل + الروسية is written للروسية
    return "(" + " OR ".join(f'"{form}"' for form in dict.fromkeys(forms)) + ")"


def _add_text_filter(where: list[str], params: list[Any], text: str, clause: str) -> None:
    """Add a full-text condition: ``clause`` with ``{}`` standing for the matching FTS rowids."""
    match = fts_query(text)
    if match is None:
        where.append("0")  # a search of no words ("*", '"') finds nothing, not everything
        return
    where.append(clause.format("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"))
    params.append(match)


def _article_json(article: Article) -> str:
    data = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _article_from_json(raw: str) -> Article:
    data = json.loads(raw)
    data = {key: (tuple(value) if isinstance(value, list) else value) for key, value in data.items() if key in _ARTICLE_FIELDS}
    return Article(**data)


def _later(a: str | None, b: str | None) -> str | None:
    return max(x for x in (a, b) if x) if (a or b) else None


class SQLiteStore:
    """The default :class:`~marsad.store.base.Store`.

    Args:
        location: the database file (created when missing), or ``":memory:"``.
        read_only: open without writing anything (no migrations; the web server's mode).
        save_interval: seconds between saves of the ANN index while adding (it is always
            saved on :meth:`close`; a store closed uncleanly catches its index up on open).
        busy_timeout: seconds a write waits for another writer's lock before it fails.
        persist_index: save the ANN index beside the database (False: it lives in memory
            only, as for the scratch store of :meth:`rebuild_stories`).
        checkpoint_interval: seconds between the background thread's checkpoints of the WAL
            (see :class:`_Checkpointer`).
        cache_mib: the most memory the connection's page cache takes; a writing store fills it
            at open with the B-trees every new article touches (see :meth:`_warm`).

    Raises:
        StoreError: the file is not a marsad store, is corrupt, is newer than this marsad, or
            cannot be opened.
    """

    def __init__(self, location: str | Path = "marsad.db", *, read_only: bool = False, save_interval: float = 30.0,
                 busy_timeout: float = 10.0, persist_index: bool = True, checkpoint_interval: float = 1.0,
                 cache_mib: int = DEFAULT_CACHE_MIB):
        self.location = str(location)
        self.read_only = read_only
        self.save_interval = save_interval
        self.busy_timeout = busy_timeout
        self.persist_index = persist_index
        self._lock = threading.RLock()
        self._vectors: VectorIndex | None = None
        self._bands: BandIndex | None = None
        self._last_save = time.monotonic()
        self._carried: dict[str, _StoryDelta] = {}  # totals of stories merged into another in this batch, until it is written
        self._checkpointer: _Checkpointer | None = None
        in_memory = self.location == ":memory:"
        # Opening a store another process is creating or writing can meet "database is locked" in a
        # step SQLite's busy handler does not wait on (seen in 2 of 6 runs of two ingests started
        # together); such an open is tried again until ``busy_timeout`` has passed.
        deadline = time.monotonic() + busy_timeout
        while True:
            try:
                self._prepare(in_memory, read_only, busy_timeout, cache_mib, checkpoint_interval)
                break
            except sqlite3.OperationalError as error:
                if getattr(self, "db", None) is not None:
                    self.db.close()
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise StoreError(f"{self.location}: not a readable marsad store ({error})") from None
                time.sleep(0.05)
            except sqlite3.DatabaseError as error:
                raise StoreError(f"{self.location}: not a readable marsad store ({error})") from None

    def _prepare(self, in_memory: bool, read_only: bool, busy_timeout: float, cache_mib: int, checkpoint_interval: float) -> None:
        """Connect, set the pragmas, migrate, check the index paths, start the checkpointer."""
        if read_only and not in_memory:
            if not Path(self.location).exists():
                raise StoreError(f"{self.location}: no such store")
            uri = f"file:{Path(self.location).resolve()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        else:
            self.db = sqlite3.connect(self.location, check_same_thread=False, isolation_level=None)
        self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if not in_memory and not read_only:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable on commit against process kills
        self.db.execute(f"PRAGMA cache_size = {-1024 * int(cache_mib)}")
        self._migrate()
        if not in_memory and not read_only:
            try:
                self._check_index_paths()
            except StoreError:
                self.db.close()
                raise
            _remove_killed_rebuild(self.location)
            # The writer no longer copies the WAL back into the database itself (a checkpoint
            # every 1,000 pages, which at a million articles is a burst of scattered writes
            # into a 25 GB file: p95 per article 28.7-36.0 ms with it, 20.8-26.6 ms without,
            # bench/scale.py's probe at 1.1M); a thread does, with its own connection. The
            # writer still checkpoints should the WAL pass 40 MB (the thread fallen behind).
            self.db.execute(f"PRAGMA wal_autocheckpoint = {_WRITER_CHECKPOINT_PAGES}")
            self._warm()
            self._checkpointer = _Checkpointer(self.location, checkpoint_interval, busy_timeout)

    # -- schema ---------------------------------------------------------------------------
    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.location}: store schema {version} is newer than this marsad ({SCHEMA_VERSION}); upgrade marsad")
        if version == 0 and not self.read_only:
            tables = self.db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if tables:
                raise StoreError(f"{self.location}: not a marsad store (it has other tables)")
        if version < SCHEMA_VERSION:
            if self.read_only:
                if version >= OLDEST_READABLE:
                    return
                raise StoreError(f"{self.location}: store schema {version} is older than {SCHEMA_VERSION} (open it once for writing to migrate)")
            self.db.create_aggregate("marsad_pack_bands", 1, _PackBands)  # migration 3
            for number in range(version, SCHEMA_VERSION):
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    if self.db.execute("PRAGMA user_version").fetchone()[0] > number:
                        self.db.execute("COMMIT")  # another process opening the new store applied it meanwhile
                        continue
                    for statement in _statements(MIGRATIONS[number]):
                        self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {number + 1}")
                    self.db.execute("COMMIT")
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise

    def _warm(self) -> None:
        """Read the hot B-trees (``_HOT_BTREES``) whole into this connection's page cache.

        Each article placed reads or writes about forty pages at random places in them (its id
        in two indexes, its story's row and its entities' rows in five). Once a store outgrows
        the page cache the kernel keeps (on the development VM a reclaimer keeps it at 3-5 GB
        whatever is free), those reads go to the disk, and per-article latency grows with the
        store. The connection's own cache is the process's memory: it stays, and it stays valid
        while this connection is the only writer (another process's commit empties it, as
        SQLite must).
        """
        for walk in _HOT_BTREES:
            self.db.execute(walk).fetchone()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _check_index_paths(self) -> None:
        """Refuse, before anything is written, index paths taken by something else (a folder where
        the vector index file goes, a file where the band index folder goes): one line, not a
        traceback after the first batch."""
        for path, wanted in ((self._index_path(), "file"), (self._bands_path(), "folder")):
            if path is not None and path.exists() and (path.is_dir() if wanted == "file" else not path.is_dir()):
                kind = "vector index file" if wanted == "file" else "band index folder"
                raise StoreError(f"{path}: not a {wanted}, where this store keeps its {kind} (move it away)")

    # -- vectors --------------------------------------------------------------------------
    def _index_path(self) -> Path | None:
        return None if self.location == ":memory:" or not self.persist_index else Path(self.location + ".usearch")

    def _vector_index(self, dim: int | None = None) -> VectorIndex | None:
        """The ANN index, loaded (or rebuilt, or caught up) on first use."""
        if self._vectors is not None:
            return self._vectors
        row = self.db.execute("SELECT vector FROM articles LIMIT 1").fetchone()
        if row is None and dim is None:
            return None
        dim = dim or len(decode_vector(row[0]))
        index = VectorIndex(dim, self._index_path())
        loaded = index.load()
        count = self.db.execute("SELECT count(*) FROM articles WHERE rowid <= ?", (index.watermark,)).fetchone()[0]
        if loaded and count != len(index):
            logger.warning("%s: vector index is stale (%d vectors, %d articles); rebuilding it", self.location, len(index), count)
            index, loaded = VectorIndex(dim, self._index_path()), False
        added = self._catch_up_vectors(index)
        self._vectors = index
        if added and not self.read_only:
            logger.info("%s: added %d vectors to the index", self.location, added)
            index.save()
        return index

    def _catch_up_vectors(self, index: VectorIndex) -> int:
        """Add the vectors of the articles past the index's watermark; how many were added."""
        missing = self.db.execute("SELECT rowid, id, vector FROM articles WHERE rowid > ? ORDER BY rowid", (index.watermark,))
        added = 0
        while rows := missing.fetchmany(10_000):
            index.add([r[1] for r in rows], np.stack([decode_vector(r[2]) for r in rows]), watermark=rows[-1][0])
            added += len(rows)
        return added

    def nearest(self, vector: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` stored articles nearest ``vector`` (article id, cosine), most similar first."""
        with self._lock:
            index = self._vector_index()
            if index is None:
                return []
            self._follow()
            return index.nearest(vector, k)

    # -- LSH bands ------------------------------------------------------------------------
    def _bands_path(self) -> Path | None:
        return None if self.location == ":memory:" or not self.persist_index else Path(self.location + ".bands")

    def _band_index(self) -> BandIndex:
        """The LSH band index, loaded (or rebuilt, or caught up) on first use."""
        if self._bands is not None:
            return self._bands
        index = BandIndex(self._bands_path(), version=self._counter("bands"))
        if index.load():
            count = self.db.execute("SELECT count(*) FROM article_fingerprints WHERE rowid <= ?", (index.watermark,)).fetchone()[0]
            if count != index.covered:
                logger.warning("%s: band index is stale (%d articles, %d in the store); rebuilding it", self.location, index.covered, count)
                index = BandIndex(self._bands_path(), version=index.version)
        added = self._catch_up_bands(index, self._last_rowid())
        self._bands = index
        if added and not self.read_only:
            index.save()
        return index

    def _catch_up_bands(self, index: BandIndex, last: int) -> int:
        """Add the band keys of the articles past the index's watermark up to rowid ``last``
        (rows another process added, or a crash lost before a save); how many were added."""
        rows = self.db.execute("SELECT rowid, article_id, bands FROM article_fingerprints WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                               (index.watermark, last))
        added = 0
        while chunk := rows.fetchmany(10_000):
            if len(chunk) < 100:  # a few rows another process added: into the dict, no run of its own
                for rowid, article_id, keys in chunk:
                    index.add(article_id, unpack(keys), rowid)
            else:
                index.add_packed([row[1] for row in chunk], [row[2] for row in chunk], chunk[-1][0])
            added += len(chunk)
        index.watermark = max(index.watermark, last)  # articles without bands (too short for a signature) included
        if added > 10_000:
            logger.info("%s: added %d articles to the band index", self.location, added)
        return added

    def band_matches(self, bands: Sequence[int], limit: int = 20) -> list[str]:
        if not bands:
            return []
        with self._lock:
            self._follow()
            return self._band_index().matches(bands, limit)

    def _follow(self) -> None:
        """Bring the loaded in-memory indexes up to what other processes committed: the articles
        another ingest added, the bands a recluster with other copy settings rewrote (the band
        index is then rebuilt on next use). Two small reads when nothing changed."""
        if self._bands is not None and self._bands.version != self._counter("bands"):
            self._bands = None
        last = self._last_rowid()
        if self._vectors is not None and last > self._vectors.watermark:
            self._catch_up_vectors(self._vectors)
        if self._bands is not None and last > self._bands.watermark:
            self._catch_up_bands(self._bands, last)

    def save_index(self) -> None:
        """Save the ANN and band indexes beside the database (each atomically)."""
        with self._lock:
            if self.read_only:
                return
            if self._vectors is not None:
                self._vectors.save()
            if self._bands is not None:
                self._bands.save()
            self._last_save = time.monotonic()

    # -- write ----------------------------------------------------------------------------
    def add(self, batch: Batch) -> set[str]:
        """Write ``batch`` in one transaction; returns the ids of its articles that were stored already (skipped).

        A story's totals (size, articles, centroid, time span, outlets, languages) are the stored
        row's plus what this transaction inserts, never the clusterer's copy: another process
        may have added to the story since the clusterer read it (two ingests, or the HTTP API
        beside one), and writing its copy back lost their updates (9-102 stories with wrong
        totals in two concurrent ingests). The clusterer's states give only a new story's headline.
        """
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only")
        with self._lock:
            inserted: list[tuple[int, NewArticle]] = []
            now = now_iso()
            self._carried.clear()  # a rolled-back batch must not leave its merges behind
            with self._writing("the batch"):
                self._follow()  # under the write lock: this batch's rowids come after all the indexes hold
                writes = batch.articles or batch.stories or batch.merged
                if writes and batch.generation is not None and batch.generation != self._generation():
                    raise StaleStories(f"{self.location}: the stories were rebuilt (marsad recluster) while this batch was being "
                                       "clustered; nothing of it was stored: add it again")
                for absorbed, target in batch.merged.items():
                    self._merge(absorbed, target)
                already = self.known([new.id for new in batch.articles])
                seen = set(already)
                added: dict[str, _StoryDelta] = {}
                # SQLite gives a new row max(rowid) + 1: after the newest article was deleted, its rowid
                # again, which a reader's index has already passed (its watermark). Never below the top given.
                floor = self._counter("top_rowid")
                for new in batch.articles:
                    if new.id in seen:
                        continue
                    seen.add(new.id)
                    rowid = self._insert(new, now, floor + 1 if floor and not inserted and self._last_rowid() <= floor else None)
                    inserted.append((rowid, new))
                    added.setdefault(new.story_id, _StoryDelta()).take(new)
                states = {state.id: state for state in batch.stories}
                for story_id in dict.fromkeys([*states, *added, *self._carried]):
                    self._put_story(story_id, states.get(story_id), added.get(story_id), now)
            if inserted:
                dim = len(inserted[0][1].analysed.analysis.document_vector)
                index = self._vector_index(dim)
                index.add([new.id for _, new in inserted], np.stack([new.analysed.analysis.document_vector for _, new in inserted]), watermark=inserted[-1][0])
                if self._bands is not None:
                    for rowid, new in inserted:
                        if new.bands:
                            self._bands.add(new.id, new.bands, rowid)
                    self._bands.watermark = max(self._bands.watermark, inserted[-1][0])
                if time.monotonic() - self._last_save > self.save_interval:
                    self.save_index()
            return already

    def _insert(self, new: NewArticle, now: str, rowid: int | None = None) -> int:
        article, analysis = new.analysed.article, new.analysed.analysis
        cursor = self.db.execute(
            "INSERT INTO articles (rowid, id, story_id, copy_of, copy_kind, title, url, outlet, language, published, added, fields, analysis, vector)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rowid, article.id, new.story_id, new.copy_of, new.copy_kind, article.title, article.url,
                outlet_of(article, new.outlet), article.language, article.published, now,
                _article_json(article), encode_analysis(analysis), encode_vector(analysis.document_vector),
            ),
        )
        rowid = cursor.lastrowid
        self.db.execute(
            "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
            (rowid, normalise(article.title or ""), normalise(article.text)),
        )
        if new.signature is not None:
            self.db.execute("INSERT INTO article_fingerprints (rowid, article_id, signature, bands) VALUES (?, ?, ?, ?)",
                            (rowid, article.id, np.asarray(new.signature, dtype="<u4").tobytes(), pack(new.bands)))
        mentions = Counter(mention.id for mention in analysis.entities)
        first = {}
        for mention in analysis.entities:
            first.setdefault(mention.id, mention)
        self.db.executemany(
            "INSERT INTO article_entities (article_id, entity_id, mentions) VALUES (?, ?, ?)",
            [(article.id, entity, count) for entity, count in mentions.items()],
        )
        independent = 1 if new.copy_of is None else 0
        self.db.execute("UPDATE counters SET value = value + 1 WHERE name = ?", ("articles" if independent else "copies",))
        self.db.executemany(
            "INSERT INTO entities (id, kind, label, articles) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET articles = articles + excluded.articles",
            [(entity, first[entity].kind.value, first[entity].label, independent) for entity in mentions],
        )
        if independent:
            self.db.executemany(
                "INSERT INTO story_entities (entity_id, story_id, articles, last_published) VALUES (?, ?, 1, ?)"
                " ON CONFLICT (entity_id, story_id) DO UPDATE SET articles = articles + 1,"
                " last_published = CASE WHEN excluded.last_published > coalesce(last_published, '') THEN excluded.last_published ELSE last_published END",
                [(entity, new.story_id, article.published) for entity in mentions],
            )
        return rowid

    def _merge(self, absorbed: str, target: str) -> None:
        self.db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (target, absorbed))
        self.db.execute(
            "INSERT INTO story_entities (entity_id, story_id, articles, last_published)"
            " SELECT entity_id, ?, articles, last_published FROM story_entities WHERE story_id = ? AND true"
            " ON CONFLICT (entity_id, story_id) DO UPDATE SET articles = articles + excluded.articles,"
            " last_published = CASE WHEN coalesce(excluded.last_published, '') > coalesce(last_published, '') THEN excluded.last_published ELSE last_published END",
            (target, absorbed),
        )
        self.db.execute("DELETE FROM story_entities WHERE story_id = ?", (absorbed,))
        old = self.db.execute(f"SELECT {_TOTALS} FROM stories WHERE id = ?", (absorbed,)).fetchone()
        if old:
            self.db.execute("DELETE FROM stories WHERE id = ?", (absorbed,))
            # Its totals go to the target's row, written after the merges (with the stored row's).
            self._carried.setdefault(target, _StoryDelta()).add_row(old)
        carried = self._carried.pop(absorbed, None)  # a story merged into, then merged away, in one batch
        if carried is not None:
            self._carried.setdefault(target, _StoryDelta()).add(carried)

    def _put_story(self, story_id: str, state: StoryState | None, added: _StoryDelta | None, now: str) -> None:
        """Write a story's row: the stored totals plus what this batch added and merged into it."""
        delta = self._carried.pop(story_id, None) or _StoryDelta()
        if added is not None:
            delta.add(added)
        row = self.db.execute(f"SELECT {_TOTALS}, headline, headline_article FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None and delta.articles == 0:
            return  # nothing of it is stored: its articles were stored by another writer meanwhile
        headline, headline_article = (state.headline, state.headline_article) if state is not None else (None, None)
        if row is not None:
            delta.add_row(row)
            if row[-2] is not None or headline is None:
                headline, headline_article = row[-2], row[-1]
        centroid = delta.centroid if delta.centroid is not None else np.zeros(len(state.centroid) if state is not None else 0, np.float32)
        recency = delta.last_published or ""  # undated: listed last, never as new (not the ingest day)
        self.db.execute(
            "INSERT OR REPLACE INTO stories (id, headline, headline_article, size, articles, first_published, last_published, updated, recency, outlets, languages, centroid)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                story_id, headline, headline_article, delta.size, delta.articles, delta.first_published,
                delta.last_published, now, recency, json.dumps(sorted(delta.outlets), ensure_ascii=False),
                json.dumps(sorted(delta.languages)), encode_vector(centroid),
            ),
        )

    # -- delete ---------------------------------------------------------------------------
    def delete_article(self, article_id: str) -> DeletedArticle | None:
        """Remove one article, in one transaction; None when there is no such article.

        Its story loses it: size, articles, outlets, languages, publication span, centroid and
        entity profile are recomputed from the members left, and a story left empty is deleted.
        Its earliest copy, if any, takes its place as an independent article (the other copies
        then copy that one). The article leaves the full-text and vector indexes; the band index
        keeps its keys, whose look-ups a deleted id no longer answers. The stories' generation
        goes up, so a batch another process clustered meanwhile is clustered again.
        """
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only")
        with self._lock:
            # Loaded while the saved index and the table still agree: loaded after the delete, the
            # saved one (which holds the article) would look stale and be rebuilt whole.
            index = self._vector_index()
            with self._writing(f"deleting {article_id}"):
                row = self.db.execute("SELECT rowid, story_id, copy_of, fields, vector FROM articles WHERE id = ?", (article_id,)).fetchone()
                if row is None:
                    return None
                rowid, story_id, copy_of, fields, vector = row
                article = _article_from_json(fields)
                independent = copy_of is None
                promoted = None
                if independent:
                    copies = [r[0] for r in self.db.execute("SELECT id FROM articles WHERE copy_of = ? ORDER BY published, rowid", (article_id,))]
                    if copies:
                        promoted = copies[0]
                        self.db.execute("UPDATE articles SET copy_of = NULL, copy_kind = NULL WHERE id = ?", (promoted,))
                        self.db.execute("UPDATE articles SET copy_of = ? WHERE copy_of = ?", (promoted, article_id))
                        self.db.execute("UPDATE counters SET value = value + 1 WHERE name = 'articles'")
                        self.db.execute("UPDATE counters SET value = value - 1 WHERE name = 'copies'")
                        self._count_entities(promoted, story_id, +1)
                    self._count_entities(article_id, story_id, -1)
                self.db.execute("INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                                (rowid, normalise(article.title or ""), normalise(article.text)))
                fingerprinted = self.db.execute("DELETE FROM article_fingerprints WHERE rowid = ?", (rowid,)).rowcount > 0
                self.db.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
                self.db.execute("DELETE FROM articles WHERE rowid = ?", (rowid,))
                self.db.execute("UPDATE counters SET value = value - 1 WHERE name = ?", ("articles" if independent else "copies",))
                story_deleted = self._restate_story(story_id, article_id, decode_vector(vector) if independent else None,
                                                    promoted) if story_id else False
                self.db.execute("UPDATE counters SET value = value + 1 WHERE name = 'generation'")
                self.db.execute("INSERT INTO counters (name, value) VALUES ('top_rowid', ?) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
                                (rowid,))  # so the next article is not given this rowid again (see add)
            if index is not None:
                index.remove([article_id])
                self.save_index()
            if fingerprinted:  # the band index keeps the keys; its count of articles follows the table's
                BandIndex.forget(self._bands, self._bands_path(), rowid)
        return DeletedArticle(article_id, story_id, story_deleted, promoted)

    def _count_entities(self, article_id: str, story_id: str | None, step: int) -> None:
        """Count (``step`` = 1) or uncount (-1) an article's entities as independent coverage."""
        entities = [r[0] for r in self.db.execute("SELECT entity_id FROM article_entities WHERE article_id = ?", (article_id,))]
        self.db.executemany("UPDATE entities SET articles = max(articles + ?, 0) WHERE id = ?", [(step, entity) for entity in entities])
        if story_id:
            if step > 0:
                self.db.executemany(
                    "INSERT INTO story_entities (entity_id, story_id, articles, last_published) VALUES (?, ?, 1, NULL)"
                    " ON CONFLICT (entity_id, story_id) DO UPDATE SET articles = articles + 1", [(entity, story_id) for entity in entities])
            else:
                self.db.executemany("UPDATE story_entities SET articles = articles - 1 WHERE entity_id = ? AND story_id = ?",
                                    [(entity, story_id) for entity in entities])
                self.db.execute("DELETE FROM story_entities WHERE story_id = ? AND articles <= 0", (story_id,))

    def _restate_story(self, story_id: str, deleted: str, vector: np.ndarray | None, promoted: str | None) -> bool:
        """Recompute a story's row from the members left after ``deleted`` went; True when none is left."""
        members = self.db.execute(
            "SELECT id, title, outlet, language, published, copy_of FROM articles WHERE story_id = ? ORDER BY published IS NULL, published, rowid", (story_id,),
        ).fetchall()
        if not members:
            self.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            self.db.execute("DELETE FROM story_entities WHERE story_id = ?", (story_id,))
            return True
        row = self.db.execute("SELECT headline, headline_article, centroid FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return False
        headline, headline_article, centroid = row[0], row[1], decode_vector(row[2])
        if vector is not None and len(vector) == len(centroid):
            centroid = centroid - vector  # the centroid is the sum of the independent members' vectors
        if promoted is not None:
            promoted_vector = self.db.execute("SELECT vector FROM articles WHERE id = ?", (promoted,)).fetchone()
            if promoted_vector:
                centroid = centroid + decode_vector(promoted_vector[0])
        if headline_article == deleted:
            titled = next((m for m in members if m[1]), None)
            headline, headline_article = (titled[1], titled[0]) if titled else (None, None)
        dates = [m[4] for m in members if m[4]]
        last = max(dates) if dates else None
        self.db.execute(
            "UPDATE stories SET headline = ?, headline_article = ?, size = ?, articles = ?, first_published = ?, last_published = ?,"
            " updated = ?, recency = ?, outlets = ?, languages = ?, centroid = ? WHERE id = ?",
            (headline, headline_article, sum(1 for m in members if m[5] is None), len(members), min(dates) if dates else None, last,
             now_iso(), last or "", json.dumps(sorted({m[2] for m in members if m[2]}), ensure_ascii=False),
             json.dumps(sorted({m[3] for m in members if m[3]})), encode_vector(np.asarray(centroid, dtype=np.float32)), story_id),
        )
        return False

    # -- what the clusterer asks ----------------------------------------------------------
    def known(self, article_ids: Sequence[str]) -> set[str]:
        with self._lock:
            return {row[0] for row in _select_in(self.db, "SELECT id FROM articles WHERE id IN ({})", article_ids)}

    def story_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        with self._lock:
            return dict(_select_in(self.db, "SELECT id, story_id FROM articles INDEXED BY articles_by_id WHERE id IN ({}) AND story_id IS NOT NULL",
                                   article_ids))

    def signatures(self, article_ids: Sequence[str]) -> dict[str, tuple[np.ndarray | None, str | None, str | None]]:
        """Article id → (MinHash signature, copy_of, published) for the copy check."""
        with self._lock:
            return {
                id_: (np.frombuffer(signature, dtype="<u4") if signature else None, copy_of, published)
                for id_, signature, copy_of, published in _select_in(
                    self.db, "SELECT a.id, f.signature, a.copy_of, a.published FROM articles AS a INDEXED BY articles_by_id"
                             " LEFT JOIN article_fingerprints AS f ON f.rowid = a.rowid WHERE a.id IN ({})", article_ids)
            }

    def stories_with_entities(self, entity_ids: Sequence[str], since: str | None, until: str | None, limit: int = 20) -> list[str]:
        with self._lock:
            found: dict[str, int] = {}
            for entity in entity_ids:
                # One index range per entity, newest first, capped: flat cost however common it is.
                sql = "SELECT story_id FROM story_entities WHERE entity_id = ?"
                params: list[Any] = [entity]
                if since:
                    sql += " AND last_published >= ?"
                    params.append(since)
                if until:
                    sql += " AND last_published <= ?"
                    params.append(until)
                sql += " ORDER BY last_published DESC LIMIT ?"
                params.append(limit)
                for (story_id,) in self.db.execute(sql, params):
                    found[story_id] = found.get(story_id, 0) + 1
            ranked = sorted(found, key=lambda s: -found[s])
            return ranked[:limit]

    def story_states(self, story_ids: Sequence[str], entity_ids: Sequence[str] | None = None) -> dict[str, StoryState]:
        with self._lock:
            rows = list(_select_in(
                self.db, "SELECT id, centroid, size, articles, first_published, last_published, headline, headline_article FROM stories WHERE id IN ({})",
                list(dict.fromkeys(story_ids))))
            entities: dict[str, dict[str, int]] = {row[0]: {} for row in rows}
            found = list(entities)
            if entity_ids is None:
                counts = list(_select_in(self.db, "SELECT story_id, entity_id, articles FROM story_entities WHERE story_id IN ({})", found))
            else:
                # All the stories an article is scored against in one query through the
                # (entity, story) key: a big story's whole profile is never read.
                counts, wanted = [], list(dict.fromkeys(entity_ids))
                for start in range(0, len(found), 400):
                    chunk = found[start : start + 400]
                    sql = f"SELECT story_id, entity_id, articles FROM story_entities WHERE entity_id IN ({{}}) AND story_id IN ({','.join('?' * len(chunk))})"
                    counts += _select_in(self.db, sql, wanted, after=tuple(chunk), size=400)
            for story_id, entity_id, count in counts:
                entities[story_id][entity_id] = count
            return {
                row[0]: StoryState(id=row[0], centroid=decode_vector(row[1]).copy(), entities=entities[row[0]], size=row[2], articles=row[3],
                                   first_published=row[4], last_published=row[5], headline=row[6], headline_article=row[7])
                for row in rows
            }

    def entity_frequencies(self, entity_ids: Sequence[str]) -> dict[str, int]:
        with self._lock:
            return dict(_select_in(self.db, "SELECT id, articles FROM entities WHERE id IN ({})", entity_ids))

    def independent_articles(self) -> int:
        with self._lock:
            return self.db.execute("SELECT value FROM counters WHERE name = 'articles'").fetchone()[0]

    def generation(self) -> int:
        with self._lock:
            return self._generation()

    def _generation(self) -> int:
        return self._counter("generation")

    def _counter(self, name: str) -> int:
        row = self.db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return row[0] if row else 0  # an older store opened read-only: its migrations add the counters at 0

    def vectors(self) -> Iterator[tuple[str, np.ndarray]]:
        cursor = self.db.execute("SELECT id, vector FROM articles ORDER BY rowid")
        while rows := cursor.fetchmany(1000):
            for id_, vector in rows:
                yield id_, decode_vector(vector)

    def _analysed_between(self, after: int, until: int) -> Iterator[tuple[Analysed, str | None]]:
        """Stored (article, outlet) with ``after`` < rowid ≤ ``until``, in the order they were added."""
        last = after
        while True:
            with self._lock:
                rows = self.db.execute(
                    "SELECT rowid, fields, analysis, outlet FROM articles WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT 500",
                    (last, until),
                ).fetchall()
            if not rows:
                return
            for rowid, fields, analysis, outlet in rows:
                yield Analysed(_article_from_json(fields), decode_analysis(analysis)), outlet
            last = rows[-1][0]

    # -- read side ------------------------------------------------------------------------
    def _story_filters(self, query: StoryQuery) -> tuple[str, list[Any]]:
        where, params = ["s.size >= ?"], [query.min_size]
        if query.text:
            _add_text_filter(where, params, query.text, "s.id IN (SELECT a.story_id FROM articles a WHERE a.rowid IN ({}))")
        if query.entity:
            where.append("s.id IN (SELECT story_id FROM story_entities WHERE entity_id = ?)")
            params.append(query.entity)
        if query.language:
            where.append("s.id IN (SELECT story_id FROM articles WHERE language = ?)")
            params.append(query.language.lower())  # "AR" is ar, as stored
        if query.outlet:
            clause, values = outlet_filter("outlet", query.outlet)
            where.append(f"s.id IN (SELECT story_id FROM articles WHERE {clause})")
            params.extend(values)
        if query.min_outlets > 1:
            where.append("json_array_length(s.outlets) >= ?")
            params.append(query.min_outlets)
        # Dates are publication dates only: an undated story (recency '') passes no date filter.
        # ("s.last_published IS NOT NULL" also holds for a store a writer has not migrated yet.)
        if query.since:
            where.append("s.recency >= ? AND s.last_published IS NOT NULL")
            params.append(query.since)
        if query.until:
            where.append("s.first_published <= ?")
            params.append(query.until)
        if query.dated is not None:
            where.append("s.last_published IS NOT NULL" if query.dated else "s.last_published IS NULL")
        return " AND ".join(where), params

    def stories(self, query: StoryQuery = StoryQuery()) -> Page[StorySummary]:
        where, params = self._story_filters(query)
        with self._lock:
            try:
                total = self.db.execute(f"SELECT count(*) FROM stories s WHERE {where}", params).fetchone()[0]
                rows = self.db.execute(
                    f"SELECT {_SUMMARY_COLUMNS} FROM stories s WHERE {where} ORDER BY {_STORY_ORDER[query.sort]} LIMIT ? OFFSET ?",
                    (*params, query.limit, query.offset),
                ).fetchall()
            except sqlite3.OperationalError as error:
                raise StoreError(f"bad story query: {error}") from None
        return Page(tuple(_summary(row) for row in rows), total, query.limit, query.offset)

    def story(self, story_id: str) -> StoryDetail | None:
        with self._lock:
            row = self.db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM stories s WHERE s.id = ?", (story_id,)).fetchone()
            if row is None:
                return None
            refs = [_ref(r) for r in self.db.execute(f"SELECT {_REF_COLUMNS} FROM articles WHERE story_id = ? ORDER BY published, rowid", (story_id,))]
            shared = self.db.execute(
                "SELECT se.entity_id, e.kind, e.label, se.articles FROM story_entities se JOIN entities e ON e.id = se.entity_id"
                " WHERE se.story_id = ? AND se.articles >= 2 ORDER BY se.articles DESC, se.entity_id LIMIT 50",
                (story_id,),
            ).fetchall()
        copies: dict[str, list[ArticleRef]] = {}
        for ref in refs:
            if ref.copy_of:
                copies.setdefault(ref.copy_of, []).append(ref)
        independent_ids = {ref.id for ref in refs if not ref.copy_of}
        members = [StoryMember(ref, tuple(copies.get(ref.id, ()))) for ref in refs if not ref.copy_of]
        # A copy whose original sits in another story (stories merged since) is shown on its own.
        members += [StoryMember(ref) for ref in refs if ref.copy_of and ref.copy_of not in independent_ids]
        return StoryDetail(_summary(row), tuple(members), tuple(EntityCount(*r) for r in shared))

    def article(self, article_id: str) -> StoredArticle | None:
        with self._lock:
            row = self.db.execute(
                "SELECT fields, outlet, story_id, added, copy_of, copy_kind, analysis FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                return None
            copies = tuple(_ref(r) for r in self.db.execute(f"SELECT {_REF_COLUMNS} FROM articles WHERE copy_of = ? ORDER BY published, rowid", (article_id,)))
            entities = self.db.execute(
                "SELECT ae.entity_id, e.kind, e.label, ae.mentions FROM article_entities ae JOIN entities e ON e.id = ae.entity_id"
                " WHERE ae.article_id = ? ORDER BY ae.mentions DESC, ae.entity_id",
                (article_id,),
            ).fetchall()
        analysis = decode_analysis(row[6])
        return StoredArticle(
            article=_article_from_json(row[0]), outlet=row[1], story_id=row[2], added=row[3], copy_of=row[4], copy_kind=row[5],
            copies=copies, entities=tuple(EntityMentions(*r) for r in entities),
            dates=tuple(dict.fromkeys(d.value for d in analysis.dates)),
            quantities=tuple(dict.fromkeys(q.key for q in analysis.quantities)),
        )

    def analysed(self, article_id: str) -> Analysed | None:
        with self._lock:
            row = self.db.execute("SELECT fields, analysis FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Analysed(_article_from_json(row[0]), decode_analysis(row[1])) if row else None

    def articles(self, query: ArticleQuery = ArticleQuery()) -> Page[ArticleRef]:
        clause, params = self._article_filters(query)
        with self._lock:
            total = self.db.execute(f"SELECT count(*) FROM articles WHERE {clause}", params).fetchone()[0]
            rows = self.db.execute(
                f"SELECT {_REF_COLUMNS} FROM articles WHERE {clause} ORDER BY published DESC, rowid DESC LIMIT ? OFFSET ?",
                (*params, query.limit, query.offset),
            ).fetchall()
        return Page(tuple(_ref(r) for r in rows), total, query.limit, query.offset)

    @staticmethod
    def _article_filters(query: ArticleQuery) -> tuple[str, list[Any]]:
        """The WHERE clause (and its parameters) of the articles ``query`` keeps; paging aside."""
        where, params = ["1"], []
        if query.text:
            _add_text_filter(where, params, query.text, "rowid IN ({})")
        if query.entity:
            where.append("id IN (SELECT article_id FROM article_entities WHERE entity_id = ?)")
            params.append(query.entity)
        if query.language:
            where.append("language = ?")
            params.append(query.language.lower())  # "AR" is ar, as stored
        if query.story_id:
            where.append("story_id = ?")
            params.append(query.story_id)
        if query.outlet:
            clause, values = outlet_filter("outlet", query.outlet)
            where.append(clause)
            params.extend(values)
        if query.since:
            where.append("published >= ?")
            params.append(query.since)
        if query.until:
            where.append("published <= ?")
            params.append(query.until)
        return " AND ".join(where), params

    def story_ids_starting(self, prefix: str, limit: int = 2) -> list[str]:
        """Ids of stories starting with ``prefix`` (a shortened id typed by hand), at most ``limit``."""
        if not prefix or any(ch not in "s0123456789abcdef" for ch in prefix):
            return []
        with self._lock:
            return [row[0] for row in self.db.execute("SELECT id FROM stories WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                                                       (prefix, prefix + "\uffff", limit))]

    def vector_dim(self) -> int | None:
        """Length of the stored document vectors (which encoder the store was built with), or None when empty."""
        with self._lock:
            row = self.db.execute("SELECT vector FROM articles LIMIT 1").fetchone()
        return len(decode_vector(row[0])) if row else None

    def sources(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id → the source it was stored from (file, URL or request), for ``ingest --report``."""
        with self._lock:
            return {
                article_id: source
                for article_id, source in _select_in(self.db, "SELECT id, json_extract(fields, '$.source') FROM articles INDEXED BY articles_by_id WHERE id IN ({})", article_ids)
                if source
            }

    def export_articles(self, query: ArticleQuery | None = None, batch: int = 500) -> Iterator[dict[str, Any]]:
        """Every stored article ``query`` keeps (all of them without one; its paging plays no part) as
        a flat record (``EXPORT_ARTICLE_COLUMNS``), in the order stored.

        Read ``batch`` rows at a time by rowid, so a big store streams without holding the lock."""
        clause, params = self._article_filters(query or ArticleQuery())
        last = 0
        while True:
            with self._lock:
                rows = self.db.execute(
                    "SELECT rowid, id, story_id, copy_of, copy_kind, outlet, url, language, published, added, fields"
                    f" FROM articles WHERE rowid > ? AND {clause} ORDER BY rowid LIMIT ?", (last, *params, batch),
                ).fetchall()
            if not rows:
                return
            for rowid, article_id, story_id, copy_of, copy_kind, outlet, url, language, published, added, fields in rows:
                article = _article_from_json(fields)
                yield {
                    "id": article_id, "story_id": story_id, "title": article.title, "text": "\n\n".join(article.paragraphs),
                    "outlet": outlet, "url": url, "language": language, "published": published, "dateline": article.dateline,
                    "agency": article.agency, "author": article.author, "copy_of": copy_of, "copy_kind": copy_kind, "added": added,
                }
            last = rows[-1][0]

    def export_stories(self, query: StoryQuery | None = None, batch: int = 500) -> Iterator[dict[str, Any]]:
        """Every story ``query`` keeps (all of them without one; its paging plays no part) as a flat
        record (``EXPORT_STORY_COLUMNS``), in the query's order (newest publication first by default)."""
        offset = 0
        while True:
            page = self.stories(dataclasses.replace(query or StoryQuery(), limit=batch, offset=offset))
            for story in page.items:
                yield {**story.as_dict(), "outlets": list(story.outlets), "languages": list(story.languages)}
            offset += batch
            if offset >= page.total or not page.items:
                return

    def counts(self) -> StoreCounts:
        with self._lock:
            totals = dict(self.db.execute("SELECT name, value FROM counters").fetchall())
            articles, copies = totals["articles"] + totals["copies"], totals["copies"]
            stories = self.db.execute("SELECT count(*) FROM stories").fetchone()[0]
            if self._vectors is not None:
                indexed = len(self._vectors)
            else:
                indexed = _saved_index_count(self._index_path())
            return StoreCounts(articles, copies, stories, self.schema_version, self.location, indexed)

    # -- per outlet -----------------------------------------------------------------------
    def outlet_template(self, outlet: str) -> dict[str, Any] | None:
        with self._lock:
            row = self.db.execute("SELECT data FROM outlet_templates WHERE outlet = ?", (outlet,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_outlet_template(self, outlet: str, data: dict[str, Any]) -> None:
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only")
        raw = json.dumps(data, ensure_ascii=False)
        with self._lock:
            with self._writing(f"the template of {outlet!r}"):
                self.db.execute(
                    "INSERT INTO outlet_templates (outlet, data, updated) VALUES (?, ?, ?)"
                    " ON CONFLICT (outlet) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                    (outlet, raw, now_iso()),
                )

    def outlet_templates(self) -> Iterator[tuple[str, dict[str, Any]]]:
        with self._lock:
            rows = self.db.execute("SELECT outlet, data FROM outlet_templates ORDER BY outlet").fetchall()
        for outlet, data in rows:
            yield outlet, json.loads(data)

    def integrity(self) -> str:
        """``PRAGMA integrity_check``: ``"ok"`` for a sound file."""
        with self._lock:
            return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    @contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        """One write transaction: committed whole, or rolled back on any error. An SQLite error
        ("database is locked" by another writer, "disk is full") becomes one clear line, not a
        traceback: "<location>: <what> was not stored (<error>)". Call with ``self._lock`` held."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            yield
            self.db.execute("COMMIT")
        except BaseException as error:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise StoreError(f"{self.location}: {what} was not stored ({error})") from None
            raise

    def rebuild_stories(self, replay: Callable[[Store, Iterator[tuple[Analysed, str | None]]], None]) -> None:
        """Rebuild every story in place (``marsad recluster``); see :meth:`Store.rebuild_stories`.

        The scratch store is a database file beside this one (its ANN index in memory only).
        Once ``replay`` has seen every article stored so far, the scratch file is attached and,
        in one transaction under this store's write lock, what differs is copied from it (each
        article's story, copy link and fingerprint; stories; their entity profiles; entity
        counts; totals) and the generation is raised; when articles came in meanwhile, the
        transaction is given up and they are replayed first. Articles, analyses, vectors (so
        the ANN index) and the full-text index do not change. Readers in other processes see
        the old stories until the commit and the new ones after. Writers wait for that
        transaction (their ``busy_timeout``, then "database is locked", nothing stored; a
        server's reads wait behind its own waiting write, as they share one connection), and a
        batch clustered on the old stories is refused with :class:`~marsad.errors.StaleStories`.
        """
        if self.read_only or self.location == ":memory:":
            raise StoreError(f"{self.location}: only a store file opened for writing can be rebuilt")
        scratch_location = self.location + ".rebuild"
        with _only_rebuild(self.location):
            _remove_store_files(scratch_location)  # a killed rebuild's
            scratch = SQLiteStore(scratch_location, persist_index=False)
            try:
                replayed = 0  # rowid of the last article replayed
                while not self._adopt_if_caught_up(scratch_location, replayed):
                    with self._lock:
                        last = self._last_rowid()
                    replay(scratch, self._analysed_between(replayed, last))
                    replayed = last
            finally:
                scratch.close()
                _remove_store_files(scratch_location)

    def _adopt_if_caught_up(self, scratch_location: str, replayed: int) -> bool:
        """Take the scratch store's stories when it has replayed every stored article (one transaction)."""
        with self._lock:
            if self._last_rowid() != replayed:
                return False
            # Attached only now, outside any transaction (SQLite refuses ATTACH inside one): a
            # write transaction locks every attached file, and the scratch store writes its file
            # while replaying. A rebuild waits longer for the lock than a batch does: giving up
            # would throw the whole replay away, and ingest batches hold it for a moment.
            self.db.execute("ATTACH DATABASE ? AS rebuilt", (scratch_location,))
            try:
                self.db.execute(f"PRAGMA busy_timeout = {int(max(self.busy_timeout, _REBUILD_WAIT) * 1000)}")
                with self._writing("the rebuild of the stories"):
                    caught_up = self._last_rowid() == replayed  # again, now that no writer can add one
                    if caught_up:
                        self._adopt_rebuilt()
            finally:
                self.db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
                self.db.execute("DETACH DATABASE rebuilt")
            return caught_up

    def _last_rowid(self) -> int:
        return self.db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]

    def _adopt_rebuilt(self) -> None:
        """Inside :meth:`rebuild_stories`' transaction: make this store's stories the attached scratch store's.

        Only rows that differ are written: every row written here is written under the write
        lock and into the WAL, and a recluster moves a minority of articles (rewriting all of
        them took 1.8 s and 150 MB of WAL at 20k articles). Both databases come from the same
        migrations, so their tables have the same columns in the same order.
        """
        ours, theirs = (self.db.execute(f"SELECT count(*) FROM {db}.articles").fetchone()[0] for db in ("main", "rebuilt"))
        if ours != theirs:
            raise StoreError(f"{self.location}: the rebuilt stories hold {theirs} articles, the store {ours}; nothing was changed")
        # Fingerprints differ only when the rebuild used other copy settings: other MinHash
        # settings give other signatures, other band settings over the same signatures another
        # number of band keys. The scratch store numbered its articles itself: rows are matched
        # through the article ids and keep this store's rowids.
        fingerprints_differ = self.db.execute(
            "SELECT (SELECT count(*) FROM main.article_fingerprints) != (SELECT count(*) FROM rebuilt.article_fingerprints)"
            " OR (SELECT total(length(bands)) FROM main.article_fingerprints) != (SELECT total(length(bands)) FROM rebuilt.article_fingerprints)"
            " OR EXISTS (SELECT 1 FROM main.article_fingerprints AS m JOIN main.articles AS a ON a.rowid = m.rowid"
            " JOIN rebuilt.articles AS ra ON ra.id = a.id JOIN rebuilt.article_fingerprints AS r ON r.rowid = ra.rowid"
            " WHERE m.signature IS NOT r.signature)"
        ).fetchone()[0]
        self.db.execute(
            "UPDATE articles SET story_id = r.story_id, copy_of = r.copy_of, copy_kind = r.copy_kind"
            " FROM rebuilt.articles AS r WHERE r.id = articles.id"
            " AND (articles.story_id, articles.copy_of, articles.copy_kind) IS NOT (r.story_id, r.copy_of, r.copy_kind)"
        )
        if fingerprints_differ:
            # Every process's band index sees the new count of rewrites and is rebuilt from the table.
            self.db.execute("DELETE FROM main.article_fingerprints")
            self.db.execute(
                "INSERT INTO main.article_fingerprints (rowid, article_id, signature, bands)"
                " SELECT a.rowid, r.article_id, r.signature, r.bands FROM rebuilt.article_fingerprints AS r"
                " JOIN main.articles AS a ON a.id = r.article_id"
            )
            self.db.execute("UPDATE counters SET value = value + 1 WHERE name = 'bands'")
        # A story whose members did not change keeps its row (and the time it was last updated).
        self._take_rebuilt("stories", ("id",), ("headline", "headline_article", "size", "articles", "first_published",
                                               "last_published", "outlets", "languages", "centroid"))
        self._take_rebuilt("story_entities", ("entity_id", "story_id"), ("articles", "last_published"))
        self._take_rebuilt("entities", ("id",), ("kind", "label", "articles"))
        self.db.execute(
            "UPDATE counters SET value = (SELECT value FROM rebuilt.counters AS r WHERE r.name = counters.name)"
            " WHERE name IN ('articles', 'copies')"
        )
        self.db.execute("UPDATE counters SET value = value + 1 WHERE name = 'generation'")

    def _take_rebuilt(self, table: str, key: tuple[str, ...], compared: tuple[str, ...]) -> None:
        """Make ``main.<table>`` hold ``rebuilt.<table>``'s rows, writing only those missing or
        differing in ``compared`` (NULLs compare equal: ``IS NOT``) and deleting those it lacks."""
        same = lambda a, b: " AND ".join(f"{a}.{column} = {b}.{column}" for column in key)  # noqa: E731
        self.db.execute(f"DELETE FROM main.{table} WHERE NOT EXISTS (SELECT 1 FROM rebuilt.{table} AS r WHERE {same('r', table)})")
        ours, theirs = (", ".join(f"{side}.{column}" for column in compared) for side in ("m", "r"))
        self.db.execute(
            f"INSERT OR REPLACE INTO main.{table} SELECT r.* FROM rebuilt.{table} AS r LEFT JOIN main.{table} AS m ON {same('m', 'r')}"
            f" WHERE m.{key[0]} IS NULL OR ({ours}) IS NOT ({theirs})"
        )

    def close(self) -> None:
        with self._lock:
            if self._checkpointer is not None:
                self._checkpointer.stop()
            if not self.read_only:
                for index in (self._vectors, self._bands):
                    if index is not None:
                        index.save()
            self.db.close()  # the last connection: checkpoints the WAL and removes it

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Newest publication first: ``recency`` is the last publication date, '' for an undated story,
# so undated stories come last (stories_recent serves the default order).
_STORY_ORDER = {
    "published": "s.recency DESC, s.updated DESC, s.id",
    "size": "s.size DESC, s.recency DESC, s.id",
    "outlets": "json_array_length(s.outlets) DESC, s.recency DESC, s.id",
}
_SUMMARY_COLUMNS = "s.id, s.headline, s.size, s.articles, s.outlets, s.languages, s.first_published, s.last_published, s.updated"
_REF_COLUMNS = "id, title, outlet, url, language, published, story_id, copy_of, copy_kind"


_TOTALS = "size, articles, first_published, last_published, outlets, languages, centroid"


class _StoryDelta:
    """A story's totals to write: what a batch inserted into it, plus stored rows (its own, merged ones)."""

    def __init__(self) -> None:
        self.size = 0
        self.articles = 0
        self.first_published: str | None = None
        self.last_published: str | None = None
        self.outlets: set[str] = set()
        self.languages: set[str] = set()
        self.centroid: np.ndarray | None = None

    def _dates(self, first: str | None, last: str | None) -> None:
        self.first_published = min(filter(None, (self.first_published, first)), default=None)
        self.last_published = max(filter(None, (self.last_published, last)), default=None)

    def _vector(self, vector: np.ndarray) -> None:
        vector = np.asarray(vector, dtype=np.float32)
        self.centroid = vector.copy() if self.centroid is None else self.centroid + vector

    def take(self, new: NewArticle) -> None:
        """One article inserted into the story."""
        article = new.analysed.article
        self.articles += 1
        if new.copy_of is None:  # the size and centroid count independent members only
            self.size += 1
            self._vector(new.analysed.analysis.document_vector)
        self._dates(article.published, article.published)
        outlet = outlet_of(article, new.outlet)
        if outlet:
            self.outlets.add(outlet)
        if article.language:
            self.languages.add(article.language)

    def add(self, other: _StoryDelta) -> None:
        self.size += other.size
        self.articles += other.articles
        self._dates(other.first_published, other.last_published)
        self.outlets |= other.outlets
        self.languages |= other.languages
        if other.centroid is not None:
            self._vector(other.centroid)

    def add_row(self, row: tuple) -> None:
        """A stored story row's totals (the columns of ``_TOTALS``, in order)."""
        size, articles, first, last, outlets, languages, centroid = row[:7]
        self.size += size
        self.articles += articles
        self._dates(first, last)
        self.outlets |= set(json.loads(outlets))
        self.languages |= set(json.loads(languages))
        self._vector(decode_vector(centroid))



def _summary(row) -> StorySummary:
    return StorySummary(row[0], row[1], row[2], row[3], tuple(json.loads(row[4])), tuple(json.loads(row[5])), row[6], row[7], row[8])


def _ref(row) -> ArticleRef:
    return ArticleRef(*row)


def _select_in(db: sqlite3.Connection, sql: str, values: Sequence, size: int = 500, after: tuple = ()) -> Iterator[tuple]:
    """Rows of ``sql`` with its ``IN ({})`` filled by ``values``, ``size`` at a time (SQLite bounds
    the parameters of one statement); ``after`` are the parameters that follow the list."""
    values = list(values)
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield from db.execute(sql.format(",".join("?" * len(chunk))), (*chunk, *after))


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""


def _saved_index_count(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        return int(json.loads(path.with_name(path.name + ".json").read_text())["count"])
    except (OSError, ValueError, KeyError):
        return 0


class _Checkpointer:
    """A daemon thread that copies the WAL back into the database file every ``interval`` seconds.

    PASSIVE checkpoints never wait for, or block, the writer or the readers: what a reader
    still needs stays in the WAL until the next one. A checkpoint is crash-safe at any point,
    so the thread may die with the process.
    """

    def __init__(self, location: str, interval: float, busy_timeout: float):
        self.location, self.interval, self.busy_timeout = location, interval, busy_timeout
        self.last: tuple[int, int, int] | None = None  # (busy, WAL frames, frames checkpointed) of the last checkpoint
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"checkpoint {location}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self.location, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        except sqlite3.Error as error:
            logger.warning("%s: no background checkpoints (%s); the writer checkpoints past %d pages", self.location, error,
                           _WRITER_CHECKPOINT_PAGES)
            return
        try:
            while not self._stopping.wait(self.interval):
                try:
                    self.last = tuple(db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())
                except sqlite3.Error as error:  # e.g. the disk is full: the writer's own checkpoint is the fallback
                    logger.warning("%s: background checkpoint failed (%s)", self.location, error)
        finally:
            db.close()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()


@contextmanager
def _only_rebuild(location: str) -> Iterator[None]:
    """Refuse a second rebuild of the same store while one runs (they would share, and delete, one scratch file).

    An advisory lock on ``<db>.rebuild.lock``, released by the system if the process dies;
    where ``fcntl`` does not exist (Windows) no lock is taken.
    """
    if fcntl is None:  # pragma: no cover - not on Linux or macOS
        yield
        return
    with open(location + ".rebuild.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreError(f"{location}: another recluster of this store is running") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_killed_rebuild(location: str) -> None:
    """Delete the scratch store a killed ``marsad recluster`` left beside the store (as large as
    the store's stories), unless a recluster is running now (it holds the rebuild lock)."""
    scratch = location + ".rebuild"
    if not Path(scratch).exists() or fcntl is None:
        return
    try:
        with _only_rebuild(location):
            logger.warning("%s: removing %s, left by a recluster that was stopped", location, scratch)
            _remove_store_files(scratch)
    except StoreError:
        pass  # a recluster is running: its scratch store is in use


def _remove_store_files(location: str) -> None:
    """Delete a store's database and the files SQLite and the ANN index keep beside it."""
    for suffix in ("", "-wal", "-shm", "-journal", ".usearch", ".usearch.json"):
        Path(location + suffix).unlink(missing_ok=True)
    for temporary in temporaries(Path(location + ".usearch")):
        temporary.unlink(missing_ok=True)
    BandIndex.remove(Path(location + ".bands"))


class _PackBands:
    """SQL aggregate ``marsad_pack_bands(key)``: a store's band rows → one blob per article (migration 3)."""

    def __init__(self):
        self.keys: list[int] = []

    def step(self, key: int) -> None:
        self.keys.append(key)

    def finalize(self) -> bytes:
        return pack(self.keys)

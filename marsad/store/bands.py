"""The MinHash LSH band index, held in memory and saved beside the database.

The database keeps each article's band keys in ``article_fingerprints``: one row per article,
appended in rowid order, so a batch adds rows at the end of one B-tree. The index that answers "which
articles share a band key with these?" is a cache of that table, like the ANN index: a table of
(key, article) rows was a B-tree of 32 rows per article with random keys, and at a million
articles (38M rows, 1.5 GB, in a 26 GB file outgrowing the page cache) each look-up and each
batch's 32 inserts per article read scattered pages from disk: 1.6-3 ms per article against 0.2
at 10k (bench/CLUSTERING.md, scale).

In memory the index is a list of sorted runs, each a pair of numpy arrays (band keys sorted,
article keys beside them), plus a small dict of the latest additions. A look-up is a binary
search per run. Additions collect in the dict until :data:`RUN` keys, then become a run; runs
of similar size are merged (a binary counter), up to :data:`MAX_RUN` keys, so there are about
log2(n / RUN) small runs plus n / MAX_RUN big ones and no merge sorts more than MAX_RUN keys
(0.3 s): the cost per article stays flat and no article waits for a merge of the whole index.
At a million articles it takes 16 bytes per key, about 600 MB.

Saved as ``<db>.bands/``: one ``.npy`` pair per run (written once: runs never change, merges
make new ones) and ``index.json`` naming the runs and how far into ``article_fingerprints`` (by rowid)
they reach. The note is written last, by rename, and the runs merged away are deleted after it,
so a kill at any point leaves the previous saved index whole.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from marsad.errors import StoreError
from marsad.store.vectors import id_of, key_of

logger = logging.getLogger(__name__)

RUN = 1 << 16  # band keys collected in the dict before they become a run (about 2,000 articles)
MAX_RUN = 1 << 22  # no merge makes a run longer than this (4M keys, about 130,000 articles)
NOTE = "index.json"
LOCK = "index.lock"  # held while the note is written, or read and written again (another process may write the same store)


@contextmanager
def _note_lock(path: Path) -> Iterator[None]:
    """The band folder's lock (an advisory ``flock``; none where the system has no fcntl)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path.mkdir(parents=True, exist_ok=True)
    with open(path / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _forgotten_in(path: Path, lineage: str) -> int:
    """The deletes the saved note counts, when it is a note of the same index (0 otherwise)."""
    try:
        note = json.loads((path / NOTE).read_text())
    except (OSError, ValueError):
        return 0
    return int(note.get("forgotten", 0)) if isinstance(note, dict) and note.get("lineage") == lineage else 0


def _write_note(path: Path, note: dict) -> None:
    """Write the note whole, by rename, through a temporary file of this write's own."""
    temporary = path / f"{NOTE}.{uuid.uuid4().hex}.tmp"
    temporary.write_text(json.dumps(note))
    os.replace(temporary, path / NOTE)


def pack(keys: Sequence[int]) -> bytes:
    """Band keys (signed 64-bit) → the blob kept in ``article_fingerprints`` (sorted: their band is in the hash)."""
    return np.unique(np.asarray(keys, dtype=np.int64)).astype("<i8").tobytes()


def unpack(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i8")


class _Run:
    """Band keys sorted ascending, the article key of each beside it; ``name`` once saved."""

    __slots__ = ("keys", "articles", "name")

    def __init__(self, keys: np.ndarray, articles: np.ndarray, name: str | None = None):
        self.keys, self.articles, self.name = keys, articles, name

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def sorted(cls, keys: np.ndarray, articles: np.ndarray) -> "_Run":
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], articles[order])


class BandIndex:
    """Articles by the LSH band keys they have.

    Args:
        path: the folder the index is saved in (``None`` keeps it in memory only).
    """

    def __init__(self, path: Path | None = None, version: int = 0):
        self.path = path
        self.version = version  # the store's count of band rewrites (a recluster with other copy settings) it reflects
        self.watermark = 0  # the index holds every article_fingerprints row up to this rowid
        self.articles = 0  # articles added
        # Articles up to the watermark deleted since (their keys stay; a look-up no longer finds them):
        # counted apart, in the note, by whichever process deleted them, and carried by every save of
        # the same index (its lineage), so a writer that did not see a delete cannot undo its count.
        self.forgotten = 0
        self.lineage = uuid.uuid4().hex
        self._saved: set[str] = set()  # runs this index wrote or loaded, so may delete once merged away
        self._runs: list[_Run] = []
        self._recent: dict[int, list[int]] = {}  # band key → article keys, the additions not yet in a run
        self._recent_count = 0

    def __len__(self) -> int:
        """Band keys held (one per article and band)."""
        return sum(len(run) for run in self._runs) + self._recent_count

    def add(self, article_id: str, keys: Sequence[int] | np.ndarray, rowid: int | None = None) -> None:
        article = key_of(article_id)
        for key in np.asarray(keys, dtype=np.int64).tolist():
            self._recent.setdefault(key, []).append(article)
        self._recent_count += len(keys)
        self.articles += 1
        if rowid is not None:
            self.watermark = max(self.watermark, rowid)
        if self._recent_count >= RUN:
            self._flush()

    def add_packed(self, article_ids: Sequence[str], blobs: Sequence[bytes], rowid: int) -> None:
        """Add many articles at once, each with its keys as :func:`pack` made them (a catch-up
        or rebuild from ``article_fingerprints``: one run per call, not a dict entry per key)."""
        counts = np.fromiter((len(blob) // 8 for blob in blobs), dtype=np.int64, count=len(blobs))
        if counts.sum():
            keys = np.frombuffer(b"".join(blobs), dtype="<i8").astype(np.int64)
            articles = np.repeat(np.fromiter((key_of(i) for i in article_ids), dtype=np.uint64, count=len(article_ids)), counts)
            self._push(_Run.sorted(keys, articles))
        self.articles += len(blobs)
        self.watermark = max(self.watermark, rowid)

    def matches(self, keys: Sequence[int], limit: int) -> list[str]:
        """Up to ``limit`` article ids sharing a key with ``keys``: most keys shared first, then by id."""
        if not len(keys):
            return []
        query = np.unique(np.asarray(keys, dtype=np.int64))  # sorted: each binary search starts where the last ended
        shared: Counter[int] = Counter()
        for run in self._runs:
            # One binary search per key, then the end of the (rare) matching ranges only: at a
            # million articles the searches are cache misses in 32 MB arrays, most of a look-up.
            starts = np.minimum(np.searchsorted(run.keys, query), len(run) - 1)
            found = run.keys[starts] == query
            if found.any():
                ends = np.searchsorted(run.keys, query[found], side="right")
                for start, end in zip(starts[found].tolist(), ends.tolist()):
                    shared.update(run.articles[start:end].tolist())
        for key in query.tolist():
            shared.update(self._recent.get(key, ()))
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        return [id_of(article) for article, _ in ranked[:limit]]

    def _flush(self) -> None:
        """The recent additions become a run (then runs of like size merge, up to MAX_RUN keys)."""
        if not self._recent_count:
            return
        keys = np.fromiter((key for key, articles in self._recent.items() for _ in articles), dtype=np.int64, count=self._recent_count)
        articles = np.fromiter((a for group in self._recent.values() for a in group), dtype=np.uint64, count=self._recent_count)
        self._recent, self._recent_count = {}, 0
        self._push(_Run.sorted(keys, articles))

    def _push(self, run: _Run) -> None:
        self._runs.append(run)
        while len(self._runs) >= 2:
            older, newer = self._runs[-2], self._runs[-1]
            if len(older) >= 2 * len(newer) or len(older) + len(newer) > MAX_RUN:
                break
            self._runs[-2:] = [_Run.sorted(np.concatenate([older.keys, newer.keys]), np.concatenate([older.articles, newer.articles]))]

    # -- on disk ----------------------------------------------------------------------------
    def load(self) -> bool:
        """Load the saved index; False when there is none or it cannot be read."""
        if self.path is not None and self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: not a folder, where this store keeps its band index (move it away)")
        if self.path is None or not (self.path / NOTE).exists():
            return False
        try:
            note = json.loads((self.path / NOTE).read_text())
            runs = []
            for name in note["runs"]:
                keys = np.load(self.path / f"{name}.keys.npy")
                articles = np.load(self.path / f"{name}.articles.npy")
                if keys.dtype != np.int64 or articles.dtype != np.uint64 or keys.shape != articles.shape:
                    raise ValueError(f"run {name} is malformed")
                runs.append(_Run(keys, articles, name))
            if sum(len(run) for run in runs) != note["keys"]:
                raise ValueError("it holds another number of keys than its note says")
            if note["version"] != self.version:
                raise ValueError("the bands were rewritten since it was saved")
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("%s: cannot read the band index (%s); rebuilding it", self.path, error)
            return False
        self._runs, self._recent, self._recent_count = runs, {}, 0
        self.watermark, self.articles = int(note["watermark"]), int(note["articles"])
        self.forgotten, self.lineage = int(note.get("forgotten", 0)), str(note.get("lineage") or self.lineage)
        self._saved = {run.name for run in runs}
        self._sweep(note_time=(self.path / NOTE).stat().st_mtime)
        return True

    def _sweep(self, note_time: float) -> None:
        """Delete files older than the note that it does not name: runs of a save killed before its
        note, or merged away by a process killed before it deleted them."""
        named = {f"{name}.{part}.npy" for name in self._saved for part in ("keys", "articles")} | {NOTE, LOCK}
        for file in self.path.iterdir():
            try:
                if file.name not in named and file.stat().st_mtime < note_time:
                    file.unlink()
            except OSError:
                pass  # gone already (another process swept it)

    def save(self) -> None:
        """Write the runs not yet saved, then the note (by rename), then delete the runs merged away.

        Only runs this index saved or loaded are deleted: another process writing the same store
        saves its own (the last note wins, and a note naming a run deleted since fails to load:
        the index is then rebuilt from the table)."""
        if self.path is None:
            return
        self._flush()
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: not a folder, where this store keeps its band index (move it away)")
        self.path.mkdir(parents=True, exist_ok=True)
        for run in self._runs:
            if run.name is None:
                name = uuid.uuid4().hex
                for part, values in (("keys", run.keys), ("articles", run.articles)):
                    temporary = self.path / f"{name}.{part}.tmp.npy"
                    np.save(temporary, values)
                    os.replace(temporary, self.path / f"{name}.{part}.npy")
                run.name = name
        with _note_lock(self.path):
            self.forgotten = max(self.forgotten, _forgotten_in(self.path, self.lineage))  # deletes another process noted
            note = {"runs": [run.name for run in self._runs], "keys": len(self), "articles": self.articles,
                    "watermark": self.watermark, "version": self.version, "forgotten": self.forgotten, "lineage": self.lineage}
            _write_note(self.path, note)
        named = {run.name for run in self._runs}
        for name in self._saved - named:
            for part in ("keys", "articles"):
                (self.path / f"{name}.{part}.npy").unlink(missing_ok=True)
        self._saved = named

    @property
    def covered(self) -> int:
        """Fingerprint rows up to the watermark the table should hold: loading checks this against it."""
        return self.articles - self.forgotten

    @staticmethod
    def forget(loaded: "BandIndex | None", path: Path | None, rowid: int) -> None:
        """An article at ``rowid`` left the fingerprint table: its keys stay (a look-up of them no
        longer finds it), and the index counts it forgotten, in ``loaded`` and in the saved note
        (under the folder's lock: two deletes at once each count), so neither looks stale."""
        if loaded is not None and rowid <= loaded.watermark:
            loaded.forgotten += 1
        if path is None or not (path / NOTE).exists():
            return
        try:
            with _note_lock(path):
                note = json.loads((path / NOTE).read_text())
                if rowid > int(note["watermark"]):
                    return
                note["forgotten"] = int(note.get("forgotten", 0)) + 1
                if loaded is not None and note.get("lineage") == loaded.lineage:
                    loaded.forgotten = max(loaded.forgotten, note["forgotten"])
                _write_note(path, note)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # an unreadable note is rebuilt from the table when next loaded, as before

    @staticmethod
    def remove(path: Path | None) -> None:
        """Delete a saved index (after the bands it caches were rewritten)."""
        if path is not None and path.is_dir():
            for file in path.iterdir():
                file.unlink(missing_ok=True)
            path.rmdir()

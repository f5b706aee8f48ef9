"""The LSH band index: in memory, saved beside the store, caught up and rebuilt from ``article_fingerprints``."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from marsad.store import bands as bands_module
from marsad.store.bands import BandIndex, pack
from marsad.store.base import NewArticle
from marsad.store.sqlite import SQLiteStore


def _id(number: int) -> str:
    return f"{number * 7919 + 0xA0000000_00000000:016x}"  # 16 hex digits, some above 2**63


def _keys(number: int, rng: np.random.Generator) -> list[int]:
    """32 keys: 28 of the article's own, 4 of the copy group it belongs to (articles number // 10)."""
    own = rng.integers(-2**63, 2**63 - 1, size=28, dtype=np.int64).tolist()
    return own + [(number // 10) * 1_000 + band for band in range(4)]


def _expected(added: dict[str, list[int]], query: list[int], limit: int) -> list[str]:
    shared = Counter({article: len(set(keys) & set(query)) for article, keys in added.items()})
    return [a for a, n in sorted(shared.items(), key=lambda item: (-item[1], int(item[0], 16))) if n][:limit]


@pytest.fixture()
def small_runs(monkeypatch):
    monkeypatch.setattr(bands_module, "RUN", 64)  # a run every two articles: many runs, many merges
    monkeypatch.setattr(bands_module, "MAX_RUN", 1024)


def test_matches_agree_with_counting_shared_keys_across_runs_and_merges(small_runs):
    rng = np.random.default_rng(3)
    index, added = BandIndex(), {}
    for number in range(300):
        added[_id(number)] = _keys(number, rng)
        index.add(_id(number), added[_id(number)], rowid=number + 1)
    assert len(index._runs) > 3 and max(len(run) for run in index._runs) <= 1024  # merged, capped
    assert len(index) == 300 * 32 and index.watermark == 300
    for number in (0, 5, 149, 299):
        query = added[_id(number)][:10] + added[_id(number + 1 if number < 299 else 0)][28:]
        assert index.matches(query, limit=10) == _expected(added, query, 10)
        assert index.matches(query, limit=10)[0] == _id(number)  # shares 10 keys (or 14): first
    assert index.matches([123456789], limit=5) == []


def test_a_bulk_catch_up_finds_what_one_by_one_adds_find(small_runs):
    rng = np.random.default_rng(4)
    added = {_id(number): _keys(number, rng) for number in range(250)}
    one_by_one, packed = BandIndex(), BandIndex()
    for rowid, (article_id, keys) in enumerate(added.items(), start=1):
        one_by_one.add(article_id, keys, rowid=rowid)
    ids = list(added)
    for start in range(0, 250, 100):
        chunk = ids[start : start + 100]
        packed.add_packed(chunk, [pack(added[i]) for i in chunk], rowid=start + len(chunk))
    assert (packed.articles, packed.watermark, len(packed)) == (250, 250, 250 * 32)
    for number in (3, 77, 248):
        query = added[_id(number)][:6] + added[_id(number + 1)][28:]
        assert packed.matches(query, 8) == one_by_one.matches(query, 8) == _expected(added, query, 8)


def test_saved_runs_load_back_and_merged_ones_are_deleted(small_runs, tmp_path):
    rng = np.random.default_rng(5)
    index, added = BandIndex(tmp_path / "bands"), {}
    for number in range(50):
        added[_id(number)] = _keys(number, rng)
        index.add(_id(number), added[_id(number)], rowid=number + 1)
    index.save()
    first_files = set((tmp_path / "bands").iterdir())
    for number in range(50, 200):
        added[_id(number)] = _keys(number, rng)
        index.add(_id(number), added[_id(number)], rowid=number + 1)
    index.save()
    loaded = BandIndex(tmp_path / "bands")
    assert loaded.load() and loaded.watermark == 200 and loaded.articles == 200 and len(loaded) == len(index)
    query = added[_id(42)][:5] + added[_id(177)][:3]
    assert loaded.matches(query, 5) == index.matches(query, 5) == _expected(added, query, 5)
    files = {f.name for f in (tmp_path / "bands").iterdir()} - {"index.lock"}  # the lock the note is written under stays
    assert len(files) == 2 * len(index._runs) + 1  # two arrays per run and the note: nothing merged away is left
    assert {f for f in first_files if f.name in files} != first_files


def test_a_note_naming_a_missing_run_or_another_version_is_not_loaded(tmp_path):
    index = BandIndex(tmp_path / "bands", version=2)
    index.add(_id(1), [1, 2, 3], rowid=1)
    index.save()
    assert not BandIndex(tmp_path / "bands", version=3).load()  # a recluster rewrote the bands since
    assert BandIndex(tmp_path / "bands", version=2).load()
    next(f for f in (tmp_path / "bands").iterdir() if f.name.endswith(".keys.npy")).unlink()
    assert not BandIndex(tmp_path / "bands", version=2).load()


def _article(engine, number: int) -> NewArticle:
    text = f"Report {number}. " + " ".join(f"word{number}x{i}" for i in range(80))
    analysed = engine.analyse(engine.clean_text(text, source=f"r{number}.txt")[0])
    keys = tuple(range(number * 100, number * 100 + 32))
    return NewArticle(analysed, f"s{number}", None, None, None, keys, np.zeros(128, dtype=np.uint32))


def test_the_store_catches_up_what_another_process_added_and_what_a_crash_did_not_save(engine, tmp_path):
    from marsad.store.base import Batch

    db = tmp_path / "m.db"
    first, second = SQLiteStore(db, save_interval=1e9), SQLiteStore(db, save_interval=1e9)
    a = _article(engine, 1)
    first.add(Batch(articles=(a,)))
    assert first.band_matches([100, 101], 5) == [a.analysed.article.id]
    b = _article(engine, 2)
    second.add(Batch(articles=(b,)))  # another process: first's index has not seen it
    assert first.band_matches([200, 201], 5) == [b.analysed.article.id]
    c = _article(engine, 3)
    first.add(Batch(articles=(c,)))
    assert first._bands.watermark == 3 and first._bands.articles == 3
    first.save_index()
    d = _article(engine, 4)
    first.add(Batch(articles=(d,)))  # committed, never saved: as after a kill
    first._bands = None  # what a new process would start from
    assert first.band_matches([400], 5) == [d.analysed.article.id]
    assert first.band_matches([100, 200, 300], 5) == sorted(x.analysed.article.id for x in (a, b, c))
    # A saved index that does not match the table (here: rows removed behind its back) is rebuilt.
    first.save_index()
    first.db.execute("DELETE FROM article_fingerprints WHERE rowid = 1")
    first._bands = None
    assert first.band_matches([100, 200], 5) == [b.analysed.article.id]
    second.close()
    first.close()


def test_deletes_in_parallel_processes_each_take_one_off_the_note(tmp_path):
    import json
    import multiprocessing

    index = BandIndex(tmp_path / "bands")
    for number in range(40):
        index.add(_id(number), [number, number + 1000], rowid=number + 1)
    index.save()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=BandIndex.forget, args=(None, tmp_path / "bands", rowid)) for rowid in range(1, 21)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    note = json.loads((tmp_path / "bands" / "index.json").read_text())
    assert (note["articles"], note["forgotten"]) == (40, 20)
    assert not list((tmp_path / "bands").glob("*.tmp"))


def test_a_save_by_a_writer_that_did_not_see_a_delete_keeps_the_delete_counted(tmp_path):
    first = BandIndex(tmp_path / "bands")
    for number in range(4):
        first.add(_id(number), [number, number + 1000], rowid=number + 1)
    first.save()
    BandIndex.forget(None, tmp_path / "bands", 2)  # another process deletes the article at rowid 2
    first.add(_id(9), [9, 1009], rowid=5)
    first.save()  # its own count of additions, and the delete it never saw
    loaded = BandIndex(tmp_path / "bands")
    assert loaded.load() and (loaded.articles, loaded.forgotten, loaded.covered) == (5, 1, 4)
    rebuilt = BandIndex(tmp_path / "bands")  # a rebuild starts a lineage of its own: no old deletes carried
    rebuilt.add(_id(1), [1, 1001], rowid=1)
    rebuilt.save()
    again = BandIndex(tmp_path / "bands")
    assert again.load() and (again.articles, again.forgotten) == (1, 0)

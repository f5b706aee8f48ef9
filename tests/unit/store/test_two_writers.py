"""Two writers on one store: neither loses the other's story updates, and each reports only what it stored."""

from __future__ import annotations

import re
import subprocess
import sys

from marsad.cluster import StoryClusterer
from marsad.store import open_store
from tests.integration.test_ingest_kill import _pages
from tests.unit.cluster.test_copies import OTHER, TEXT
from tests.unit.cluster.test_stories import PARAPHRASE, STAND_IN, _analyse


class _Racing:
    """A store whose first write lets another writer commit first (between clustering and writing)."""

    def __init__(self, store, before):
        self._store, self._before = store, before

    def add(self, batch):
        if self._before is not None:
            before, self._before = self._before, None
            before()
        return self._store.add(batch)

    def __getattr__(self, name):
        return getattr(self._store, name)


def _totals_match_members(db) -> list:
    return db.execute(
        "SELECT s.id, s.size, s.articles, (SELECT count(*) FROM articles a WHERE a.story_id = s.id AND a.copy_of IS NULL),"
        " (SELECT count(*) FROM articles a WHERE a.story_id = s.id) FROM stories s"
    ).fetchall()


def test_a_story_update_committed_meanwhile_is_not_lost(engine, tmp_path):
    db = tmp_path / "two.db"
    first = _analyse(engine, "Landslide cuts off villages", TEXT)
    second = _analyse(engine, "Villages cut off after landslide", PARAPHRASE)
    third = _analyse(engine, "Landslide: villages still cut off", PARAPHRASE + " Rain is forecast for the week.")
    with open_store(db) as a_store, open_store(db) as b_store:
        [started] = StoryClusterer(a_store, STAND_IN).add([(first, None)])
        b = StoryClusterer(b_store, STAND_IN)
        # Writer A reads the story (size 1) to place `second`; B adds `third` to it before A writes.
        racing = StoryClusterer(_Racing(a_store, lambda: b.add([(third, None)])), STAND_IN)
        [joined] = racing.add([(second, None)])
        assert joined.story_id == started.story_id and not joined.seen
        rows = _totals_match_members(a_store.db)
        assert all(size == independent and articles == members for _, size, articles, independent, members in rows), rows
        [(story_id, size, *_)] = rows
        assert size == 3
        centroid = a_store.story_states([story_id])[story_id].centroid
        vectors = sum(x.analysis.document_vector for x in (first, second, third))
        assert abs(centroid - vectors).max() < 1e-4


def test_articles_stored_by_another_writer_meanwhile_are_reported_seen(engine, tmp_path):
    db = tmp_path / "same.db"
    items = [(_analyse(engine, "Landslide cuts off villages", TEXT), None), (_analyse(engine, "Central bank holds rates", OTHER), None)]
    with open_store(db) as a_store, open_store(db) as b_store:
        b = StoryClusterer(b_store, STAND_IN)
        other_writer = []
        racing = StoryClusterer(_Racing(a_store, lambda: other_writer.extend(b.add(items))), STAND_IN)
        mine = racing.add(items)
        assert [a.seen for a in other_writer] == [False, False]
        assert [a.seen for a in mine] == [True, True]  # stored by the other writer, not by this one
        assert [a.story_id for a in mine] == [a.story_id for a in other_writer]
        counts = a_store.counts()
        assert (counts.articles, counts.stories) == (2, 2)
        assert all(s == i and n == m for _, s, n, i, m in _totals_match_members(a_store.db))


def test_two_concurrent_ingests_of_one_folder_store_it_once_and_claim_it_once(tmp_path):
    pages, db = tmp_path / "pages", tmp_path / "m.db"
    _pages(pages, 60)
    command = [sys.executable, "-m", "marsad", "ingest", str(pages), "--db", str(db), "--encoder", "hashing", "--workers", "0", "--batch-size", "4"]
    runs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path) for _ in range(2)]
    outputs = [run.communicate(timeout=300)[1].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    claimed = [int(re.search(r"stored (\d+) articles", out).group(1)) for out in outputs]
    seen = [int(re.search(r"(\d+) already stored", out).group(1)) for out in outputs]
    assert sum(claimed) == 60 and [c + s for c, s in zip(claimed, seen)] == [60, 60], outputs
    with open_store(db) as store:
        assert store.counts().articles == 60
        assert all(s == i and n == m for _, s, n, i, m in _totals_match_members(store.db))

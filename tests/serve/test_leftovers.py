"""Smaller gaps: a merged-away story id leads to the story it joined; a killed recluster's scratch store is removed at open."""

from __future__ import annotations

import fcntl

from fastapi.testclient import TestClient

from marsad.cluster import StoryClusterer
from marsad.serve import create_app
from marsad.store import open_store
from marsad.store.base import Batch
from tests.unit.cluster.test_copies import TEXT
from tests.unit.cluster.test_stories import PARAPHRASE, STAND_IN, _analyse


def test_a_merged_story_id_redirects_to_the_surviving_story(engine):
    store = open_store(":memory:")
    clusterer = StoryClusterer(store, STAND_IN)
    [first] = clusterer.add([(_analyse(engine, "Landslide cuts off villages", TEXT), None)])
    # Another story, founded by its own article, then merged into the first (as a bridging article would).
    [other] = StoryClusterer(store, STAND_IN.__class__(join=0.99, merge=0.99, entity_weight=0.0)).add(
        [(_analyse(engine, "Villages cut off after landslide", PARAPHRASE), None)])
    assert other.new_story and other.story_id != first.story_id
    store.add(Batch(merged={other.story_id: first.story_id}))
    client = TestClient(create_app(store, engine))
    api = client.get(f"/api/stories/{other.story_id}", follow_redirects=False)
    assert api.status_code == 308 and api.headers["location"] == f"/api/stories/{first.story_id}"
    joined = client.get(f"/api/stories/{other.story_id}").json()
    assert joined["id"] == first.story_id and (joined["size"], joined["articles"]) == (2, 2)
    page = client.get(f"/story/{other.story_id}", follow_redirects=False)
    assert page.status_code == 308 and page.headers["location"] == f"/story/{first.story_id}"
    assert client.get("/api/stories/s" + "0" * 16).status_code == 404  # never a story: still not found


def test_a_killed_reclusters_scratch_store_is_removed_at_open_unless_one_runs(tmp_path):
    db = tmp_path / "m.db"
    open_store(db).close()
    scratch = [tmp_path / "m.db.rebuild", tmp_path / "m.db.rebuild-wal"]
    for path in scratch:
        path.write_bytes(b"x" * 1000)
    with open(tmp_path / "m.db.rebuild.lock", "a") as running:  # a recluster running holds this lock
        fcntl.flock(running, fcntl.LOCK_EX)
        open_store(db).close()
        assert all(path.exists() for path in scratch)
        fcntl.flock(running, fcntl.LOCK_UN)
    open_store(db).close()
    assert not any(path.exists() for path in scratch)

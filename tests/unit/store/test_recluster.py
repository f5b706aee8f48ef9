"""`recluster` rebuilds the stories in place: in one transaction, with ingests going on meanwhile."""

from __future__ import annotations

import pytest

from marsad.cluster import StoryClusterer
from marsad.errors import StoreError
from marsad.store import open_store


@pytest.fixture()
def store_of_two(engine, sample_articles, tmp_path):
    db = tmp_path / "marsad.db"
    with open_store(db) as store:
        StoryClusterer(store).add([(engine.analyse(article), None) for article in sample_articles[:2]])
    return db


def _stories(store) -> dict[str, str]:
    ids = [row[0] for row in store.db.execute("SELECT id FROM articles")]
    return store.story_of(ids)


def test_recluster_rebuilds_the_stories_and_leaves_no_scratch_files(engine, store_of_two, tmp_path):
    with open_store(store_of_two) as store:
        before = _stories(store)
        store.db.execute("UPDATE articles SET story_id = 'stale'")  # stories the clusterer would not give
        store.db.execute("DELETE FROM stories")
    progress = engine.recluster(store_of_two)
    assert progress.stored == 2
    with open_store(store_of_two) as store:
        assert _stories(store) == before
        assert store.generation() == 1
        assert {s.id for s in store.stories().items} == set(before.values())
        assert store.counts().articles == 2
        assert store.integrity() == "ok"
    assert sorted(p.name for p in tmp_path.iterdir() if ".rebuild" in p.name) == []


def test_a_store_opened_before_a_recluster_goes_on_writing(engine, sample_articles, store_of_two):
    server = open_store(store_of_two)  # a running `marsad serve`, say
    try:
        clusterer = StoryClusterer(server)
        engine.recluster(store_of_two)
        [assignment] = clusterer.add([(engine.analyse(sample_articles[2]), None)])
        assert not assignment.seen
    finally:
        server.close()
    with open_store(store_of_two) as reopened:
        assert reopened.counts().articles == 3
        assert reopened.story(assignment.story_id) is not None


def test_articles_ingested_during_a_recluster_are_kept_and_reclustered(engine, sample_articles, store_of_two):
    added = []

    def ingest_meanwhile(progress):
        if not added:
            with open_store(store_of_two) as other:  # a second `marsad ingest` on the same file
                added.extend(StoryClusterer(other).add([(engine.analyse(sample_articles[2]), None)]))

    progress = engine.recluster(store_of_two, batch_size=1, on_batch=ingest_meanwhile)
    assert progress.stored == 3  # the article that came in was replayed before the swap
    with open_store(store_of_two) as store:
        assert store.counts().articles == 3
        stories = _stories(store)
        assert stories[added[0].article_id] in {s.id for s in store.stories().items}
        assert store.generation() == 1


def test_a_batch_clustered_on_the_old_stories_is_refused_after_the_swap(engine, sample_articles, store_of_two):
    class RebuiltBeforeItsWrite:
        """The store as a second writer sees it when a recluster commits between its reads and its write."""

        def __init__(self, store):
            self.store = store

        def __getattr__(self, name):
            return getattr(self.store, name)

        def add(self, batch):
            engine.recluster(store_of_two)
            self.store.add(batch)

    with open_store(store_of_two) as other:
        with pytest.raises(StoreError, match="rebuilt .* while this batch was being clustered"):
            StoryClusterer(RebuiltBeforeItsWrite(other)).add([(engine.analyse(sample_articles[2]), None)])
        assert other.counts().articles == 2
        # Clustered again, on the rebuilt stories, the same article is stored.
        StoryClusterer(other).add([(engine.analyse(sample_articles[2]), None)])
        assert other.counts().articles == 3


def test_a_failed_recluster_changes_nothing(engine, store_of_two, tmp_path):
    with open_store(store_of_two) as store:
        before = _stories(store)
        store.db.execute("UPDATE articles SET story_id = 'kept'")

    def fail(progress):
        raise RuntimeError("killed mid-recluster")

    with pytest.raises(RuntimeError):
        engine.recluster(store_of_two, batch_size=1, on_batch=fail)
    with open_store(store_of_two) as store:
        assert set(_stories(store).values()) == {"kept"} != set(before.values())
        assert store.generation() == 0
    assert [p.name for p in tmp_path.iterdir() if ".rebuild" in p.name] == []


def test_a_server_started_before_a_recluster_ingests_after_it(engine, sample_articles, store_of_two):
    from fastapi.testclient import TestClient

    from marsad.serve import create_app

    store = open_store(store_of_two)
    client = TestClient(create_app(store, engine))
    try:
        engine.recluster(store_of_two)
        response = client.post("/api/articles", json={"text": sample_articles[2].text, "title": "t"})
        assert response.status_code < 300, response.text
        assert client.get("/api/stories").status_code == 200
    finally:
        store.close()
    with open_store(store_of_two) as reopened:
        assert reopened.counts().articles == 3
        assert reopened.integrity() == "ok"

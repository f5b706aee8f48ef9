"""`recluster` rebuilds the stories in place: in one transaction, with ingests going on meanwhile."""

from __future__ import annotations

from dataclasses import replace

import pytest

from marsad.cluster import ClusterSettings, StoryClusterer
from marsad.cluster.copies import CopySettings
from marsad.errors import StaleStories, StoreError
from marsad.store import open_store
from marsad.store.bands import unpack
from marsad.store.schema import SCHEMA_VERSION


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
    assert [p.name for p in tmp_path.iterdir() if ".rebuild" in p.name] == ["marsad.db.rebuild.lock"]  # no scratch files


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


class RebuiltBeforeItsWrite:
    """A store as a second writer sees it when a recluster commits between its reads and its
    write, ``times`` times in a row."""

    def __init__(self, engine, store, location, times: int):
        self.engine, self.store, self.location, self.times, self.refused = engine, store, location, times, 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    def add(self, batch):
        if self.times:
            self.times -= 1
            self.engine.recluster(self.location)
        try:
            self.store.add(batch)
        except StaleStories:
            self.refused += 1
            raise


def test_a_batch_clustered_on_the_old_stories_is_clustered_again_on_the_new(engine, sample_articles, store_of_two):
    with open_store(store_of_two) as other:
        rebuilt_once = RebuiltBeforeItsWrite(engine, other, store_of_two, times=1)
        [assignment] = StoryClusterer(rebuilt_once).add([(engine.analyse(sample_articles[2]), None)])
        assert rebuilt_once.refused == 1
        assert other.counts().articles == 3 and other.story(assignment.story_id) is not None


def test_stories_rebuilt_again_during_the_second_try_reach_the_caller(engine, sample_articles, store_of_two):
    with open_store(store_of_two) as other:
        rebuilt_twice = RebuiltBeforeItsWrite(engine, other, store_of_two, times=2)
        with pytest.raises(StoreError, match="rebuilt .* while this batch was being clustered; nothing of it was stored"):
            StoryClusterer(rebuilt_twice).add([(engine.analyse(sample_articles[2]), None)])
        assert rebuilt_twice.refused == 2 and other.counts().articles == 2


def test_a_second_recluster_of_the_same_store_is_refused_while_one_runs(engine, store_of_two):
    refused = []

    def second(progress):
        if not refused:
            with pytest.raises(StoreError, match="another recluster of this store is running") as error:
                engine.recluster(store_of_two)
            refused.append(str(error.value))

    engine.recluster(store_of_two, batch_size=1, on_batch=second)
    assert refused
    with open_store(store_of_two) as store:
        assert store.generation() == 1 and store.integrity() == "ok"


def test_a_recluster_with_other_copy_settings_stores_their_fingerprints(engine, sample_articles, store_of_two):
    other_copies = ClusterSettings(copies=CopySettings(seed=2))
    engine.recluster(store_of_two, cluster_settings=other_copies)
    original = engine.analyse(sample_articles[0])
    copy = replace(original, article=replace(original.article, cleaned_id="c0c0c0c0c0c0c0c0"))
    with open_store(store_of_two) as store:
        [assignment] = StoryClusterer(store, other_copies).add([(copy, "elsewhere.example")])
    assert assignment.copy_of == original.article.id and assignment.copy_kind == "wire"


def test_a_writer_open_across_a_recluster_with_other_copy_settings_looks_up_the_new_bands(engine, sample_articles, store_of_two):
    other_copies = ClusterSettings(copies=CopySettings(seed=2))
    original = engine.analyse(sample_articles[0])
    copy = replace(original, article=replace(original.article, cleaned_id="c0c0c0c0c0c0c0c0"))
    with open_store(store_of_two) as store:
        store.band_matches([1], limit=1)  # the band index is in memory, with the old fingerprints' keys
        engine.recluster(store_of_two, cluster_settings=other_copies)
        [assignment] = StoryClusterer(store, other_copies).add([(copy, "elsewhere.example")])
    assert assignment.copy_of == original.article.id and assignment.copy_kind == "wire"


def test_a_store_not_yet_migrated_opens_read_only(store_of_two):
    with open_store(store_of_two) as store:  # back to schema 1, as a store made before migrations 2 to 4
        store.db.execute("DROP INDEX articles_by_id")
        fingerprints = {article_id: (signature, unpack(bands)) for article_id, signature, bands
                        in store.db.execute("SELECT article_id, signature, bands FROM article_fingerprints")}
        assert len(fingerprints) == 2
        store.db.execute("CREATE TABLE bands (key INTEGER NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (key, article_id)) WITHOUT ROWID")
        for article_id, (signature, bands) in fingerprints.items():
            store.db.executemany("INSERT INTO bands VALUES (?, ?)", [(int(key), article_id) for key in bands])
            store.db.execute("UPDATE articles SET signature = ? WHERE id = ?", (signature, article_id))
        store.db.execute("DROP TABLE article_fingerprints")
        store.db.execute("DELETE FROM counters WHERE name IN ('generation', 'bands')")
        store.db.execute("PRAGMA user_version = 1")
    (store_of_two.parent / "marsad.db.bands" / "index.json").unlink()  # no band index saved yet either
    with open_store(store_of_two, read_only=True) as reader:  # `marsad stories` before any writer opened it
        assert reader.counts().articles == 2 and reader.generation() == 0
    with open_store(store_of_two) as writer:
        assert writer.schema_version == SCHEMA_VERSION and writer.generation() == 0
        # Migration 3 moved each article's signature and band rows into one row, and the band index finds them.
        found = writer.signatures(list(fingerprints))
        for article_id, (signature, bands) in fingerprints.items():
            assert writer.band_matches(bands.tolist()[:3], limit=5)[0] == article_id
            assert found[article_id][0].tobytes() == signature
        assert writer.db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'bands'").fetchone()[0] == 0
        assert writer.story_of(list(fingerprints)).keys() == fingerprints.keys()  # through migration 4's index


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
    assert [p.name for p in tmp_path.iterdir() if ".rebuild" in p.name] == ["marsad.db.rebuild.lock"]


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

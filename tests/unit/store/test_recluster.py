"""`recluster` replaces the store's files: writers of the old file must fail loudly, not lose what they store."""

from __future__ import annotations

import pytest

from marsad.cluster import StoryClusterer
from marsad.errors import StoreError
from marsad.store import open_store
from marsad.store.sqlite import SQLiteStore


@pytest.fixture()
def store_of_two(engine, sample_articles, tmp_path):
    db = tmp_path / "marsad.db"
    with open_store(db) as store:
        StoryClusterer(store).add([(engine.analyse(article), None) for article in sample_articles[:2]])
    return db


def test_a_writer_holding_the_replaced_store_is_refused(engine, sample_articles, store_of_two):
    server = open_store(store_of_two)  # a running `marsad serve`, say, opened before the recluster
    try:
        engine.recluster(store_of_two)
        with pytest.raises(StoreError, match="replaced since it was opened"):
            StoryClusterer(server).add([(engine.analyse(sample_articles[2]), None)])
        with pytest.raises(StoreError, match="replaced since it was opened"):
            server.save_outlet_template("example.com", {"lines": []})
    finally:
        server.close()
    with open_store(store_of_two) as reopened:  # a fresh open writes to the new file
        assert reopened.counts().articles == 2
        StoryClusterer(reopened).add([(engine.analyse(sample_articles[2]), None)])
        assert reopened.counts().articles == 3


def test_an_ingest_during_a_recluster_fails_instead_of_being_lost(engine, sample_articles, store_of_two):
    refused = []

    def ingest_meanwhile(progress):
        other = SQLiteStore(store_of_two, busy_timeout=0.2)  # a second `marsad ingest` on the same file
        try:
            StoryClusterer(other).add([(engine.analyse(sample_articles[2]), None)])
        except StoreError as error:
            refused.append(str(error))
        finally:
            other.close()

    engine.recluster(store_of_two, batch_size=1, on_batch=ingest_meanwhile)
    assert refused and all("not stored" in message and "locked" in message for message in refused)
    with open_store(store_of_two) as reopened:
        assert reopened.counts().articles == 2  # nothing was reported stored, and nothing was


def test_a_server_started_before_a_recluster_follows_it(engine, sample_articles, store_of_two):
    from fastapi.testclient import TestClient

    from marsad.serve import create_app

    store = open_store(store_of_two)
    app = create_app(store, engine)
    client = TestClient(app)
    try:
        before = {story["id"] for story in client.get("/api/stories").json()["items"]}
        with open_store(store_of_two) as writer:  # another process adds an article, then the stories are rebuilt
            StoryClusterer(writer).add([(engine.analyse(sample_articles[2]), None)])
        engine.recluster(store_of_two)
        after = client.get("/api/stories").json()
        assert app.state.store is not store  # opened again at the first request after the swap
        assert after["total"] == len(before) + 1  # reads see the rebuilt store, the new article's story included
        page = {"text": sample_articles[0].text + "\n\nتحديث: انتهى الاجتماع مساء الأربعاء.", "title": "تحديث"}
        response = client.post("/api/articles", json=page)
        assert response.status_code == 200, response.text  # and writes go to it, not to the replaced file
        with open_store(store_of_two) as reopened:
            assert reopened.counts().articles == 4
    finally:
        store.close()
        if app.state.store is not store:
            app.state.store.close()

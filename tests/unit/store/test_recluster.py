"""`recluster` replaces the store's files: writers of the old file must fail loudly, not lose what they store."""

from __future__ import annotations

import threading
import time

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


def test_a_writer_waiting_through_a_recluster_is_refused_after_the_swap(engine, sample_articles, store_of_two):
    analysed = engine.analyse(sample_articles[2])
    outcome: list[str] = []
    waiting = threading.Event()

    def ingest():  # a second `marsad ingest` whose wait for the lock outlasts the recluster
        other = SQLiteStore(store_of_two, busy_timeout=30)
        try:
            waiting.set()
            StoryClusterer(other).add([(analysed, None)])
            outcome.append("stored")
        except StoreError as error:
            outcome.append(str(error))
        finally:
            other.close()

    writer = threading.Thread(target=ingest)

    def start_the_writer(progress):
        if not writer.is_alive() and not outcome:
            writer.start()
            waiting.wait()
            time.sleep(0.3)  # it is now waiting for the write lock the recluster holds

    engine.recluster(store_of_two, batch_size=1, on_batch=start_the_writer)
    writer.join(30)
    assert len(outcome) == 1 and "replaced since it was opened" in outcome[0]
    with open_store(store_of_two) as reopened:
        assert reopened.counts().articles == 2
        assert reopened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_server_started_before_a_recluster_refuses_writes_until_restarted(engine, sample_articles, store_of_two):
    from fastapi.testclient import TestClient

    from marsad.serve import create_app

    store = open_store(store_of_two)
    client = TestClient(create_app(store, engine))
    try:
        engine.recluster(store_of_two)
        page = {"text": sample_articles[2].text, "title": "t"}
        response = client.post("/api/articles", json=page)
        assert response.status_code == 503 and "replaced since it was opened" in response.json()["detail"]
        assert client.get("/api/stories").status_code == 200  # reads go on (from the file it holds)
    finally:
        store.close()
    with open_store(store_of_two) as reopened:
        assert reopened.counts().articles == 2
        assert reopened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

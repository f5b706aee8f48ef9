"""A served store for the API and page tests: the bundled samples plus tests/data/serve/pages.json
(a conflicting report, a wire copy, an English report, a hostile page), ingested through the API."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from marsad.serve import ServeSettings, create_app
from marsad.serve.samples import sample_store

PAGES = Path(__file__).parent.parent / "data" / "serve" / "pages.json"
WASHINGTON, REUTERS, UNRELATED = "dc11bc132f0d2cbd", "69997c81ea97e140", "7db283193084de85"  # ids of marsad/samples/*.txt


@dataclass
class Served:
    client: TestClient
    store: object
    ingested: list[dict]  # the batch response's articles, in pages.json order

    @property
    def conflicting(self) -> str:
        return self.ingested[0]["id"]

    @property
    def wire_copy(self) -> str:
        return self.ingested[1]["id"]

    @property
    def english(self) -> str:
        return self.ingested[2]["id"]

    @property
    def hostile(self) -> str:
        return self.ingested[3]["id"]


def serve_samples(engine, settings: ServeSettings | None = None) -> Served:
    store = sample_store(engine)
    client = TestClient(create_app(store, engine, settings))
    response = client.post("/api/articles/batch", content=PAGES.read_bytes(), headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["errors"] == []
    return Served(client, store, response.json()["articles"])


@pytest.fixture(scope="module")
def served(engine) -> Served:
    """Read-only tests share one served store per module."""
    return serve_samples(engine)


@pytest.fixture
def fresh(engine) -> Served:
    """A served store of its own, for tests that write."""
    return serve_samples(engine, ServeSettings(max_body_bytes=64 * 1024, max_batch_pages=5))

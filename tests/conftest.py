"""Fixtures shared by all tests. Unit tests use the hashing stand-in encoder; integration tests the real model."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from marsad.engine import Engine
from marsad.models import Article
from marsad.settings import Settings

# The two seed pages (copied from shared/samples/seeds, see marsad/samples/SOURCES.md) and an
# unrelated page written for the project.
SAMPLES = Path(str(resources.files("marsad").joinpath("samples")))
PAGE_WASHINGTON = SAMPLES / "000_ce9a9260fbf79b5c.txt"
PAGE_REUTERS = SAMPLES / "001_c27c747781909a83.txt"
PAGE_UNRELATED = SAMPLES / "unrelated_ar.txt"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """An engine with the deterministic stand-in encoder (its gazetteer is built once per session)."""
    return Engine(Settings(encoder="hashing"))


@pytest.fixture(scope="session")
def real_engine() -> Engine:
    return Engine(Settings(encoder="e5"))


@pytest.fixture(scope="session")
def sample_articles(engine):
    return [next(iter(engine.clean_paths([path]))) for path in (PAGE_WASHINGTON, PAGE_REUTERS, PAGE_UNRELATED)]


@pytest.fixture(scope="session")
def english_helsinki_report() -> Article:
    """An English report of the samples' event, written for the tests (two paragraphs)."""
    return Article(
        source="en",
        title="US, Russian military chiefs hold six hours of talks in Helsinki",
        paragraphs=(
            "The top U.S. and Russian generals held six hours of talks in Helsinki on Wednesday, their first face-to-face meeting since 2019, as both countries adjust to the U.S. withdrawal from Afghanistan and the Taliban takeover.",
            "Neither General Mark Milley, chairman of the Joint Chiefs of Staff, nor Russia's chief of general staff Valery Gerasimov disclosed details of the discussions.",
        ),
        language="en",
    )


BODY_C = "The central bank raised its main interest rate by half a point to slow inflation, the governor said. " * 3


@pytest.fixture()
def dated_and_undated(engine, tmp_path):
    """A store (issue 21's tests of dates, sorting and the CLI answers) with three stories: an old dated one (3 outlets), a newer dated one (1 outlet), and an undated one ingested last."""
    from dataclasses import replace

    from marsad.store import Batch, NewArticle
    from marsad.store.sqlite import SQLiteStore
    from tests.unit.store.test_store import BODY_A, BODY_B, _article, _state

    path = tmp_path / "m.db"
    store = SQLiteStore(path)
    old1 = _article(engine, "Ministers agree budget rule in Helsinki", BODY_A, published="2021-09-22", url="https://www.reuters.com/a")
    old2 = _article(engine, "Budget rule agreed", BODY_A + " Officials said more talks follow.", published="2021-09-23", url="https://apnews.com/b")
    old3 = _article(engine, "Helsinki budget deal", BODY_A + " A third outlet reports.", published="2021-09-23", url="https://bbc.co.uk/c")
    new = _article(engine, "Rate rise to slow inflation", BODY_C, published="2021-10-05", url="https://ft.com/d")
    undated = _article(engine, "Floods in Fes", BODY_B, url="https://hespress.com/e")
    s_old, s_new, s_undated = (f"s{a.article.id}" for a in (old1, new, undated))
    store.add(Batch(
        (NewArticle(old1, s_old), NewArticle(old2, s_old), NewArticle(old3, s_old), NewArticle(new, s_new)),
        (replace(_state(s_old, [old1, old2, old3]), first_published="2021-09-22", last_published="2021-09-23"), _state(s_new, [new], "2021-10-05")),
    ))
    store.add(Batch((NewArticle(undated, s_undated),), (_state(s_undated, [undated], None),)))  # ingested today, no date
    yield store, path, (s_old, s_new, s_undated), (old1, new, undated)
    store.close()

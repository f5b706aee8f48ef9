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

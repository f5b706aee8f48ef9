"""A store of the bundled sample pages, for ``marsad serve`` before any store exists."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from marsad.engine import Engine
from marsad.store import Store, open_store


def sample_store(engine: Engine, location: str | Path = ":memory:") -> Store:
    """A new store at ``location`` holding the pages of ``marsad/samples/``, clustered into stories."""
    store = open_store(location)
    with resources.as_file(resources.files("marsad").joinpath("samples")) as folder:
        engine.ingest(sorted(Path(folder).glob("*.txt")), store)
    return store

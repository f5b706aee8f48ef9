"""Pages from a request in, one result per page out, through :meth:`Engine.ingest_items`.

The engine cleans, analyses (one encoder call for the batch), clusters and stores in one
transaction; this only maps its results back to the request's pages, in order: a page that
cannot be cleaned becomes its :class:`~marsad.errors.InputError`, the others their
:class:`~marsad.cluster.Assignment`.
"""

from __future__ import annotations

from collections.abc import Sequence

from marsad.cluster import Assignment
from marsad.engine import Engine, IngestProgress
from marsad.errors import InputError
from marsad.models import RawPage
from marsad.store.base import Store


def ingest_pages(engine: Engine, store: Store, pages: Sequence[RawPage]) -> list[Assignment | InputError]:
    """Ingest ``pages`` as one batch; ``result[i]`` is what became of ``pages[i]``.

    Each page's ``source`` must be unique within the batch: errors are matched back by it.
    """
    assignments: list[Assignment] = []
    errors: dict[str, InputError] = {}

    def collect(progress: IngestProgress) -> None:
        assignments.extend(progress.batch)
        errors.update((error.source, error) for error in progress.errors)

    # One batch for the whole request: the engine keeps the pages' order within a batch.
    engine.ingest_items(pages, store, batch_size=max(1, len(pages)), on_batch=collect)
    placed = iter(assignments)
    return [errors[page.source] if page.source in errors else next(placed) for page in pages]

"""What each executor process loads once: one :class:`~marsad.engine.Engine` per settings.

Spark reuses its Python worker processes between tasks (``spark.python.worker.reuse``, on by
default), so an engine kept here loads the gazetteer, the language model and the encoder once
per executor process, not once per partition or per record. This is the process-wide state the
Spark job needs (as :mod:`marsad.engine`'s worker pool keeps one engine per worker process).
"""

from __future__ import annotations

from marsad.cluster import CopyFinder, CopySettings
from marsad.engine import Engine
from marsad.errors import InputError
from marsad.models import Article, RawPage
from marsad.settings import Settings

_engines: dict[Settings, Engine] = {}
_copy_finders: dict[CopySettings, CopyFinder] = {}


def engine_for(settings: Settings) -> Engine:
    """This executor's engine for ``settings``, built once.

    Engines of other settings with the same languages share one gazetteer and language model
    (about 10 s to load, and the same whatever the encoder): a job that cleans with one set of
    settings and analyses with another loads them once.
    """
    engine = _engines.get(settings)
    if engine is None:
        engine = _engines[settings] = Engine(settings)
        donor = next((other for other in _engines.values() if other is not engine and other.settings.languages == settings.languages), None)
        if donor is not None:
            engine._gazetteer, engine._languages = donor._gazetteer, donor._languages
    return engine


def copy_finder_for(settings: CopySettings) -> CopyFinder:
    finder = _copy_finders.get(settings)
    if finder is None:
        finder = _copy_finders[settings] = CopyFinder(settings)
    return finder


def clean_item(engine: Engine, item: RawPage | InputError) -> Article | InputError:
    """What ``marsad clean`` makes of one item read: the clean article (its language detected), or the error."""
    if isinstance(item, InputError):
        return item
    try:
        return engine.clean_page(item)
    except InputError as error:
        return error


def error_record(error: InputError) -> tuple[str, str, str, str | None]:
    """An error as plain values: an InputError is not rebuilt by unpickling (its constructor takes three arguments)."""
    return (type(error).__name__, error.source, error.problem, error.hint)

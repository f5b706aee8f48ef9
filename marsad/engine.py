"""The engine wires the stages with one set of models; the CLI, the API and later the store call only this.

    read_paths ─▶ clean_page ─▶ Analyser.analyse ─▶ compare_analysed
                                       └──────────▶ StoryClusterer ─▶ Store   (ingest, cluster)

Ingest runs cleaning and analysis (the costly part: the encoder) in ``workers`` processes,
each loading its models once, while this process alone clusters and writes: one writer, one
transaction per batch.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Self

from marsad.analyse.gazetteer import Gazetteer, shared_gazetteer
from marsad.analyse.language import LanguageIdentifier
from marsad.clean import clean_page
from marsad.clean.templates import OutletTemplates, strip_templates
from marsad.errors import InputError, ModelError, WorkerDied
from marsad.ingest import read_paths
from marsad.ingest.decode import check_page
from marsad.models import Analysed, Article, Comparison, RawPage
from marsad.settings import Settings

if TYPE_CHECKING:  # imported where used: `marsad clean` needs none of them, and they cost a second
    from marsad.analyse import Analyser
    from marsad.cluster import Assignment, ClusterSettings, StoryClusterer
    from marsad.store import Store

logger = logging.getLogger(__name__)

# Pages cleaned before outlet templates learned from them are applied: enough for an outlet's
# furniture to recur across several stories, few enough to keep memory and first output prompt.
TEMPLATE_BATCH = 500


class Engine:
    """Holds the models (loaded lazily, once) and runs the pipeline stages.

    Args:
        settings: what changes results; defaults to :class:`Settings()`.

    Example:
        >>> engine = Engine(Settings(encoder="hashing"))
        >>> [article] = engine.clean_text("Title of the page here\\n\\n" + "A long enough sentence of the body. " * 5)
    """

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self._gazetteer: Gazetteer | None = None
        self._languages: LanguageIdentifier | None = None
        self._analyser: Analyser | None = None
        self._clusterer: StoryClusterer | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = shared_gazetteer()
        return self._gazetteer

    @property
    def languages(self) -> LanguageIdentifier:
        if self._languages is None:
            self._languages = LanguageIdentifier(self.settings.languages)
        return self._languages

    @property
    def analyser(self) -> Analyser:
        # The encoder loads here, not for cleaning: `marsad clean` never needs it.
        if self._analyser is None:
            from marsad.analyse import Analyser
            from marsad.encoders import load_encoder, load_pair_encoder

            pair_encoder = load_pair_encoder(self.settings.pair_encoder_name)
            self._analyser = Analyser(load_encoder(self.settings.encoder), self.gazetteer, self.languages, pair_encoder, self.settings.entity_pieces)
        return self._analyser

    # -- clean ------------------------------------------------------------------------------
    def clean_page(self, page: RawPage, *, detect_language: bool = True) -> Article:
        """The clean article of ``page``; its language is detected when the page does not give it
        (``detect_language=False`` leaves that to the analyser, which detects it anyway)."""
        article = clean_page(page, self.gazetteer.is_place)
        if article.language is None and detect_language:
            article = replace(article, language=self.languages.detect(article.text))
        return article

    def clean_paths(self, paths: Iterable[str | Path], templates: OutletTemplates | None = None) -> Iterator[Article | InputError]:
        """Clean every page under ``paths``; a page that fails yields its :class:`InputError`.

        Lines recurring across one outlet's distinct stories are learned as that outlet's
        boilerplate and removed (:mod:`marsad.clean.templates`), ``TEMPLATE_BATCH`` pages at a
        time; pass ``templates`` to start from (and keep) what earlier runs learned.
        """
        cleaned = (self._clean_item(item) for item in read_paths(paths, self.settings))
        yield from strip_templates(cleaned, templates if templates is not None else OutletTemplates(), TEMPLATE_BATCH)

    def _clean_item(self, item: RawPage | Article | InputError, detect_language: bool = True) -> Article | InputError:
        if isinstance(item, InputError):
            return item
        try:
            check_page(item)  # one rule for what is text, whatever the page came from
            return self.clean_page(item, detect_language=detect_language) if isinstance(item, RawPage) else item
        except InputError as error:
            return error

    def clean_text(self, text: str, source: str = "<text>") -> list[Article]:
        return [self.clean_page(RawPage(source=source, text=text))]

    # -- analyse and compare ----------------------------------------------------------------
    def analyse(self, article: Article) -> Analysed:
        return self.analyser.analyse(article)

    def compare(self, a: Article | Analysed, b: Article | Analysed) -> Comparison:
        a = a if isinstance(a, Analysed) else self.analyse(a)
        b = b if isinstance(b, Analysed) else self.analyse(b)
        from marsad.compare import compare_analysed

        return compare_analysed(a, b)

    # -- ingest and cluster -----------------------------------------------------------------
    def open_store(self, location: str | Path = "marsad.db", *, read_only: bool = False) -> Store:
        from marsad.store import open_store

        return open_store(location, read_only=read_only)

    def clusterer(self, store: Store, settings: ClusterSettings | None = None) -> StoryClusterer:
        """The clusterer of ``store``, kept for the next call with the same store and settings, so
        the members it keeps loaded (with their judge profiles) serve every batch and request,
        not only one call's (the HTTP API ingests a request at a time). One is kept, not one
        per store: a clusterer holds its store, and a cache of them would keep every store alive."""
        from marsad.cluster import ClusterSettings, StoryClusterer

        settings = settings or ClusterSettings()
        kept = self._clusterer
        if kept is None or kept.store is not store or kept.settings != settings:
            kept = self._clusterer = StoryClusterer(store, settings)
        return kept

    def analyse_pages(self, items: Iterable[RawPage | Article | InputError], *, batch_size: int = 32, workers: int = 0,
                      templates: OutletTemplates | None = None,
                      known: Callable[[list[str]], set[str]] | None = None) -> Iterator[list[Analysed | Stored | InputError]]:
        """Clean (pages) and analyse (pages and articles) in batches, in order.

        Args:
            items: raw pages, already-clean articles, or errors (passed through in place).
            batch_size: articles per encoder call and per yielded batch.
            workers: processes to clean and analyse in (0: in this process). Each loads
                its own models once.
            templates: outlet templates to learn from and strip from each batch of cleaned pages.
            known: which of these article ids are stored already: those come back as
                :class:`Stored`, not analysed (the encoder is most of an ingest's cost, and an
                article's id is the hash of its clean text, known before it is encoded).
        """
        batches = _batched(items, batch_size)
        if workers <= 0:
            for batch in batches:
                cleaned = [self._clean_item(item, detect_language=False) for item in batch]  # see _clean_work
                yield self._analyse_batch(_mark_stored(_strip(cleaned, templates), known))
            return
        with _Workers(workers, self.settings) as pool:
            # Two passes through the workers: clean, then (after this process has stripped the
            # outlets' learned boilerplate, which needs every page of the batch) analyse. Batches
            # are submitted by hand, in order, a few ahead: the workers stay busy while the
            # writer works, and a big input is never read far ahead into memory.
            ahead = 2 * workers
            cleaning: deque = deque()
            analysing: deque = deque()
            for batch in islice(batches, ahead):
                cleaning.append(pool.submit(_clean_work, batch))
            while cleaning or analysing:
                if cleaning and len(analysing) < ahead:
                    cleaned = _mark_stored(_strip(pool.result(cleaning.popleft()), templates), known)
                    analysing.append(pool.submit(_work, cleaned))
                    for batch in islice(batches, 1):
                        cleaning.append(pool.submit(_clean_work, batch))
                if analysing and (len(analysing) >= workers or not cleaning):
                    yield pool.result(analysing.popleft())

    def _analyse_batch(self, cleaned: list[Article | InputError]) -> list[Analysed | InputError]:
        """Analyse the articles of a cleaned batch in one encoder call; errors keep their places."""
        articles = [item for item in cleaned if isinstance(item, Article)]
        analysed = iter(self.analyser.analyse_many(articles)) if articles else iter(())
        return [next(analysed) if isinstance(item, Article) else item for item in cleaned]

    def ingest(
        self,
        paths: Iterable[str | Path],
        store: Store,
        *,
        batch_size: int = 32,
        workers: int = 0,
        cluster_settings: ClusterSettings | None = None,
        on_batch: Callable[[IngestProgress], None] | None = None,
    ) -> IngestProgress:
        """Clean, analyse, cluster and store every page under ``paths``; one transaction per batch.

        ``on_batch`` is called after each committed batch with the running totals and that
        batch's assignments: what it reports is stored.
        """
        return self.ingest_items(read_paths(paths, self.settings), store, batch_size=batch_size, workers=workers,
                                 cluster_settings=cluster_settings, on_batch=on_batch)

    def ingest_items(
        self,
        items: Iterable[RawPage | Article | InputError],
        store: Store,
        *,
        batch_size: int = 32,
        workers: int = 0,
        cluster_settings: ClusterSettings | None = None,
        on_batch: Callable[[IngestProgress], None] | None = None,
    ) -> IngestProgress:
        """:meth:`ingest` over pages or articles already read."""
        from marsad.cluster import Assignment

        clusterer = self.clusterer(store, cluster_settings)
        progress = IngestProgress()
        templates = OutletTemplates(load=store.outlet_template)
        for batch in self.analyse_pages(items, batch_size=batch_size, workers=workers, templates=templates, known=store.known):
            errors = [item for item in batch if isinstance(item, InputError)]
            analysed = [(item, item.article.outlet) for item in batch if isinstance(item, Analysed)]
            placed = iter(clusterer.add(analysed) if analysed else [])
            stored = [item.article.id for item in batch if isinstance(item, Stored)]
            stories = store.story_of(stored) if stored else {}
            assignments = [  # in the batch's order
                next(placed) if isinstance(item, Analysed) else Assignment(item.article.id, stories.get(item.article.id, ""), False, seen=True)
                for item in batch if not isinstance(item, InputError)
            ]
            templates.save(store.save_outlet_template, final=False)
            progress = progress.after(assignments, errors)
            if on_batch:
                on_batch(progress)
        templates.save(store.save_outlet_template)
        return progress

    def recluster(self, location: str | Path, *, batch_size: int = 64, cluster_settings: ClusterSettings | None = None,
                  on_batch: Callable[[IngestProgress], None] | None = None) -> IngestProgress:
        """Rebuild every story of the store at ``location`` from scratch, replaying its articles in the order they came.

        The cached analyses go through the same clusterer into a scratch store; its stories then
        replace the old ones in one transaction (:meth:`~marsad.store.base.Store.rebuild_stories`).
        Ingests may go on meanwhile: what they add is replayed too, and a batch clustered on the
        old stories but written after the swap is clustered again on the new ones (once; should
        the stories be rebuilt again meanwhile, the writer gets a clear error), never half-applied.
        """
        from marsad.cluster import ClusterSettings, StoryClusterer
        from marsad.store import open_store

        progress = IngestProgress()
        clusterer: StoryClusterer | None = None

        def replay(scratch: Store, articles: Iterator[tuple[Analysed, str | None]]) -> None:
            nonlocal clusterer, progress
            if clusterer is None:
                clusterer = StoryClusterer(scratch, cluster_settings or ClusterSettings())
            for batch in _batched(articles, batch_size):
                progress = progress.after(clusterer.add(batch), [])
                if on_batch:
                    on_batch(progress)

        with open_store(location) as store:
            store.rebuild_stories(replay)
        return progress


@dataclass(frozen=True)
class IngestProgress:
    """Running totals of an ingest, and the assignments of the batch just committed."""

    stored: int = 0  # new articles written
    seen: int = 0  # already stored (same content hash): nothing written
    copies: int = 0
    new_stories: int = 0
    failed: int = 0
    batch: tuple[Assignment, ...] = ()
    errors: tuple[InputError, ...] = field(default=(), repr=False)

    def after(self, assignments: list[Assignment], errors: list[InputError]) -> IngestProgress:
        new = [a for a in assignments if not a.seen]
        return IngestProgress(
            stored=self.stored + len(new),
            seen=self.seen + len(assignments) - len(new),
            copies=self.copies + sum(1 for a in new if a.copy_of),
            new_stories=self.new_stories + sum(1 for a in new if a.new_story),
            failed=self.failed + len(errors),
            batch=tuple(assignments),
            errors=tuple(errors),
        )


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- worker processes: each holds one Engine, built once -------------------------------------
class _Workers:
    """The worker processes, surviving the death of one (the OOM killer, a crash in a model).

    A dead worker breaks the pool: every batch in flight is lost with it. The pool is started
    again and each lost batch is run once more; a batch whose worker dies a second time comes
    back as one :class:`~marsad.errors.WorkerDied` per page, naming it, and the rest goes on.
    (``multiprocessing.Pool`` replaced a dead worker but never finished its batch: the ingest
    waited forever.) Workers that die on :data:`GIVE_UP_AFTER` batches in a row end the run.
    """

    GIVE_UP_AFTER = 3

    def __init__(self, count: int, settings: Settings):
        self.count = count
        self.settings = settings
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0  # pools started so far: a task lost on an older one does not restart this one
        self._failed_in_a_row = 0

    def __enter__(self) -> Self:
        self._start()
        return self

    def __exit__(self, *exc) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def _start(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        self._generation += 1
        # The workers inherit one BLAS thread each from the variables marsad sets on import
        # (marsad/__init__.py): each one's BLAS starting a thread per core made them spin against
        # each other, 117 ms of CPU an article instead of 42 (bench/ingest_speed.py).
        self._executor = ProcessPoolExecutor(
            self.count, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(self.settings,))
        # Start every worker now: the executor starts them lazily.
        started = [self._executor.submit(_ready) for _ in range(self.count)]
        try:
            for future in as_completed(started):
                future.result()
        except BrokenProcessPool:
            raise ModelError("the worker processes could not start (their error is printed above); try --workers 0") from None

    def submit(self, work: Callable[[list], list], batch: list) -> _Task:
        assert self._executor is not None
        try:
            future = self._executor.submit(work, [_pack(item) for item in batch])
        except BrokenProcessPool as error:  # the pool broke since the last result: lost like the batches in flight
            future = Future()
            future.set_exception(error)
        return _Task(work, batch, future, self._generation)

    def _lost(self, task: _Task) -> bool:
        """Whether the task's batch was lost with a dead worker (the pool is started again if it was this one)."""
        try:
            lost = isinstance(task.future.exception(), BrokenProcessPool)
        except CancelledError:  # in flight when an older pool was shut down
            lost = True
        if lost and task.generation == self._generation:
            logger.warning("a worker process died: its batches are run again")
            self._start()
        return lost

    def result(self, task: _Task) -> list[Analysed | Article | InputError]:
        """The task's results in order; its batch is run once more if its worker died."""
        if not self._lost(task):
            return self._done(task)
        retry = self.submit(task.work, task.batch)
        if not self._lost(retry):
            return self._done(retry)
        self._failed_in_a_row += 1
        if self._failed_in_a_row >= self.GIVE_UP_AFTER:
            raise ModelError(f"worker processes died on {self._failed_in_a_row} batches in a row (out of memory?): stopped")
        return [item if isinstance(item, InputError) else WorkerDied(_source_of(item), "not analysed: the worker process died on it twice",
                                                                     "out of memory? try --workers 0 or a smaller batch")
                for item in task.batch]

    def _done(self, task: _Task) -> list[Analysed | Article | InputError]:
        self._failed_in_a_row = 0
        return [_unpack(item) for item in task.future.result()]


@dataclass
class _Task:
    work: Callable[[list], list]
    batch: list
    future: Future
    generation: int


def _ready() -> bool:
    return _worker_engine is not None


_worker_engine: Engine | None = None


def _start_worker(settings: Settings) -> None:
    global _worker_engine
    _worker_engine = Engine(settings)
    _worker_engine.analyser  # load the models now, not inside the first batch


@dataclass(frozen=True)
class Stored:
    """An article of the input that the store holds already: passed along, not analysed."""

    article: Article


def _source_of(item: RawPage | Article | Stored) -> str:
    return item.article.source if isinstance(item, Stored) else item.source


def _mark_stored(batch: list[Article | InputError], known: Callable[[list[str]], set[str]] | None) -> list[Article | Stored | InputError]:
    if known is None:
        return batch
    stored = known([item.id for item in batch if isinstance(item, Article)])
    return [Stored(item) if isinstance(item, Article) and item.id in stored else item for item in batch]


def _strip(batch: list[Article | InputError], templates: OutletTemplates | None) -> list[Article | InputError]:
    return batch if templates is None else list(strip_templates(batch, templates, len(batch) + 1))


def _clean_work(batch: list) -> list:
    assert _worker_engine is not None
    # The analyser that follows detects the language of every unit and takes the article's from
    # them (as accurate as the full model on article text: 4,771 of 4,782 SemEval-2022 texts
    # either way), so cleaning does not read the text with the full model first.
    return [_pack(_worker_engine._clean_item(_unpack(item), detect_language=False)) for item in batch]


def _work(batch: list) -> list:
    assert _worker_engine is not None
    return [_pack(item) for item in _worker_engine._analyse_batch([_unpack(item) for item in batch])]


def _pack(item: Analysed | InputError):
    # InputError's constructor takes (source, problem, hint), which pickling does not replay: an
    # error sent to a worker as it is cannot be unpickled there, and the pool waits for it forever.
    if isinstance(item, InputError):
        return ("error", type(item).__name__, item.source, item.problem, item.hint)
    return item


def _unpack(item) -> Analysed | InputError:
    if isinstance(item, tuple) and item and item[0] == "error":
        from marsad import errors

        kind = getattr(errors, item[1], InputError)
        return kind(item[2], item[3], item[4])
    return item

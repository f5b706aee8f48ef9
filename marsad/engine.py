"""The engine wires the stages with one set of models; the CLI, the API and later the store call only this.

    read_paths ─▶ clean_page ─▶ Analyser.analyse ─▶ compare_analysed
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from marsad.analyse import Analyser
from marsad.analyse.gazetteer import Gazetteer
from marsad.analyse.language import LanguageIdentifier
from marsad.clean import clean_page
from marsad.compare import compare_analysed
from marsad.encoders import load_encoder
from marsad.errors import InputError
from marsad.ingest import read_paths
from marsad.models import Analysed, Article, Comparison, RawPage
from marsad.settings import Settings

logger = logging.getLogger(__name__)


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

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer()
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
            self._analyser = Analyser(load_encoder(self.settings.encoder), self.gazetteer, self.languages)
        return self._analyser

    # -- clean ------------------------------------------------------------------------------
    def clean_page(self, page: RawPage) -> Article:
        article = clean_page(page, self.gazetteer.is_place)
        if article.language is None:
            article = replace(article, language=self.languages.detect(article.text))
        return article

    def clean_paths(self, paths: Iterable[str | Path]) -> Iterator[Article | InputError]:
        """Clean every page under ``paths``; a page that fails yields its :class:`InputError`."""
        for item in read_paths(paths, self.settings):
            if isinstance(item, InputError):
                yield item
                continue
            try:
                yield self.clean_page(item)
            except InputError as error:
                yield error

    def clean_text(self, text: str, source: str = "<text>") -> list[Article]:
        return [self.clean_page(RawPage(source=source, text=text))]

    # -- analyse and compare ----------------------------------------------------------------
    def analyse(self, article: Article) -> Analysed:
        return self.analyser.analyse(article)

    def compare(self, a: Article | Analysed, b: Article | Analysed) -> Comparison:
        a = a if isinstance(a, Analysed) else self.analyse(a)
        b = b if isinstance(b, Analysed) else self.analyse(b)
        return compare_analysed(a, b)

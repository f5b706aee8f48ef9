"""Analyse: an :class:`~marsad.models.Article` in, :class:`~marsad.models.Analysed` out.

Steps, in order: units (title, paragraphs) → language → sentences → entities, dates,
quantities → sentence and document vectors. Every later stage reads the result, never the text.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from marsad.analyse.dates import find_dates
from marsad.analyse.entities import EntityFinder, skeleton
from marsad.analyse.gazetteer import Gazetteer
from marsad.analyse.language import UNDETERMINED, LanguageIdentifier
from marsad.analyse.normalise import normalise, normalise_with_offsets
from marsad.analyse.numbers import find_quantities
from marsad.analyse.sentences import analysed_units, article_sentences
from marsad.encoders.base import Encoder
from marsad.models import Analysed, Analysis, Article, DateMention, Quantity, Span


def units_of(article: Article) -> list[tuple[str, str]]:
    """The article's text units: ``("title", …)`` then ``("p0", …)``, ``("p1", …)``."""
    units = [("title", article.title)] if article.title else []
    units += [(f"p{index}", paragraph) for index, paragraph in enumerate(article.paragraphs)]
    return units


class Analyser:
    """Runs the analysis steps with the models it is given (built once, reused for every article)."""

    def __init__(self, encoder: Encoder, gazetteer: Gazetteer, languages: LanguageIdentifier, pair_encoder: Encoder | None = None, entity_pieces: int | None = None):
        self.encoder = encoder
        self.pair_encoder = pair_encoder
        self.gazetteer = gazetteer
        self.languages = languages
        self.entities = EntityFinder(gazetteer, entity_pieces=entity_pieces)  # None: the default budget

    @property
    def models(self) -> str:
        """The encoders' names, ``+``-joined: analyses are comparable only when these match."""
        return self.encoder.name + (f"+{self.pair_encoder.name}" if self.pair_encoder is not None else "")

    def analyse(self, article: Article) -> Analysed:
        return self.analyse_many([article])[0]

    def analyse_many(self, articles: list[Article]) -> list[Analysed]:
        """Analyse several articles with one encoder call: batching amortises the model's cost."""
        prepared = [self._prepare(article) for article in articles]
        texts = [sentence.text for _, sentences, _ in prepared for sentence in sentences]
        vectors = self.encoder.encode(texts) if texts else np.zeros((0, self.encoder.dim), np.float32)
        pair_vectors = [None] * len(prepared)
        if self.pair_encoder is not None:
            pair_vectors = list(self.pair_encoder.encode([pair_source(article) for article, _, _ in prepared]))
        results, row = [], 0
        for (article, sentences, parts), pair_vector in zip(prepared, pair_vectors):
            own = vectors[row : row + len(sentences)]
            row += len(sentences)
            title_rows = [i for i, sentence in enumerate(sentences) if sentence.span.unit == "title"]
            analysis = Analysis(
                sentences=sentences,
                sentence_vectors=own,
                document_vector=_mean_direction(own),
                title_vector=_mean_direction(own[title_rows]) if title_rows else None,
                pair_vector=pair_vector,
                **parts,
            )
            results.append(Analysed(article, analysis))
        return results

    def _prepare(self, article: Article):
        """Everything but the vectors: (article with language, sentences, other Analysis fields)."""
        units = units_of(article)
        sentences = article_sentences(units)  # bounded: see marsad.analyse.sentences
        units = analysed_units(units, sentences)  # and so every step below
        detected, per_unit = self.languages.detect_article([text for _, text in units])
        language = article.language or detected
        if language != article.language:
            article = replace(article, language=language)
        # An undetermined ("und") article keeps that label; the steps read it as no language.
        language = None if language == UNDETERMINED else language
        unit_languages = {unit: unit_language or language for (unit, _), unit_language in zip(units, per_unit)}
        entities = self.entities.find(units, sentences, language, unit_languages)
        dates, quantities = [], []
        for unit, text in units:
            unit_dates = find_dates(text, article.published)
            for value, start, end in unit_dates:
                dates.append(DateMention(value, text[start:end], Span(unit, start, end), _sentence_index(sentences, unit, start)))
            taken = [(s, e) for _, s, e in unit_dates]
            for value, unit_key, start, end in find_quantities(text, skip=taken, language=unit_languages.get(unit) or language):
                quantities.append(Quantity(value, unit_key, text[start:end], Span(unit, start, end), _sentence_index(sentences, unit, start)))
        # A month name is not a place ("آب" is August, and a town in Yemen): dates win, except
        # over a longer name that holds the date word ("روسيا اليوم" is RT, not Russia "today").
        def _inside_name(date: DateMention) -> bool:
            return any(e.span.unit == date.span.unit and e.span.start <= date.span.start and date.span.end <= e.span.end and " " in e.text.strip() for e in entities)

        dates = [d for d in dates if not _inside_name(d)]
        date_spans = [(d.span.unit, d.span.start, d.span.end) for d in dates]
        entities = tuple(e for e in entities if not any(u == e.span.unit and s < e.span.end and e.span.start < t for u, s, t in date_spans))
        parts = {"language": language, "entities": entities, "dates": tuple(dates), "quantities": tuple(quantities), "unit_languages": unit_languages}
        return article, sentences, parts


def pair_source(article: Article) -> str:
    """What the pair encoder reads of an article: title and body as one text (it keeps the head)."""
    return " ".join(part for part in (article.title, *article.paragraphs) if part)


def _mean_direction(vectors: np.ndarray) -> np.ndarray:
    if len(vectors) == 0:
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0, np.float32)
    mean = vectors.mean(axis=0)
    norm = np.linalg.norm(mean)
    return (mean / norm).astype(np.float32) if norm else mean.astype(np.float32)


def _sentence_index(sentences, unit: str, offset: int) -> int:
    for index, sentence in enumerate(sentences):
        if sentence.span.unit == unit and sentence.span.start <= offset < sentence.span.end:
            return index
    return -1


__all__ = ["Analyser", "Gazetteer", "LanguageIdentifier", "normalise", "normalise_with_offsets", "skeleton", "units_of"]

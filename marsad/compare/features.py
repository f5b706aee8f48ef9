"""Pair features a reader can trust: embedding similarity, overlap of entities, dates and numbers,
narrative alignment, style. Each is a float; the judge maps them to the seven scores."""

from __future__ import annotations

from datetime import date

import numpy as np
import regex

from marsad.compare.align import coverage
from marsad.compare.evidence import _dates_compatible
from marsad.models import Analysed, EntityKind

_QUOTE = regex.compile(r"[\"«»“”„]")


def _jaccard(a: set, b: set) -> float | None:
    """None when neither side has anything: absence on both sides is no evidence."""
    if not a and not b:
        return None
    return len(a & b) / len(a | b)


def _ids(doc: Analysed, *kinds: EntityKind) -> set[str]:
    return {mention.id for mention in doc.analysis.entities if mention.kind in kinds}


def _date_overlap(a: Analysed, b: Analysed) -> float | None:
    values_a = {d.value for d in a.analysis.dates}
    values_b = {d.value for d in b.analysis.dates}
    if not values_a and not values_b:
        return None
    if not values_a or not values_b:
        return 0.0
    matched_a = sum(any(_dates_compatible(x, y) for y in values_b) for x in values_a)
    matched_b = sum(any(_dates_compatible(y, x) for x in values_a) for y in values_b)
    return (matched_a + matched_b) / (len(values_a) + len(values_b))


def _style(doc: Analysed) -> np.ndarray:
    text = doc.article.text
    sentences = doc.analysis.sentences
    words = len(text.split())
    return np.array([
        np.log1p(words),
        np.log1p(words / max(len(sentences), 1)),
        len(_QUOTE.findall(text)) / max(words, 1) * 100,
        1.0 if doc.article.agency else 0.0,
    ])


def _days_apart(a: Analysed, b: Analysed) -> float | None:
    try:
        return abs((date.fromisoformat(a.article.published) - date.fromisoformat(b.article.published)).days)
    except (TypeError, ValueError):
        return None


def pair_features(a: Analysed, b: Analysed, matrix: np.ndarray) -> dict[str, float | None]:
    """Features of one pair; ``matrix`` is the sentence similarity matrix (A rows, B columns)."""
    cover_a, cover_b = coverage(matrix)
    title_a, title_b = a.analysis.title_vector, b.analysis.title_vector
    style_distance = float(np.abs(_style(a) - _style(b)).dot([0.5, 0.8, 0.3, 0.5]))
    return {
        "document_cosine": float(a.analysis.document_vector @ b.analysis.document_vector),
        "title_cosine": float(title_a @ title_b) if title_a is not None and title_b is not None else None,
        "best_sentence_mean": float((matrix.max(axis=1).mean() + matrix.max(axis=0).mean()) / 2) if matrix.size else 0.0,
        "narrative_coverage": (cover_a + cover_b) / 2,
        "people": _jaccard(_ids(a, EntityKind.PERSON), _ids(b, EntityKind.PERSON)),
        "places": _jaccard(_ids(a, EntityKind.PLACE), _ids(b, EntityKind.PLACE)),
        "organisations": _jaccard(_ids(a, EntityKind.ORGANISATION), _ids(b, EntityKind.ORGANISATION)),
        "entities": _jaccard(_ids(a, EntityKind.PERSON, EntityKind.ORGANISATION), _ids(b, EntityKind.PERSON, EntityKind.ORGANISATION)),
        "dates": _date_overlap(a, b),
        "days_apart": _days_apart(a, b),
        "style_distance": style_distance,
        "same_language": 1.0 if a.analysis.language == b.analysis.language else 0.0,
    }

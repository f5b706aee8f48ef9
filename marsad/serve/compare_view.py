"""The compare page: two articles side by side, the seven scores as bars, the evidence marked in the text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marsad.models import Analysed, Dimension
from marsad.serve.article_view import ArticleView, article_view, fact_note
from marsad.serve.interface import DEFAULT_LANGUAGE, note
from marsad.serve.marks import UnitMarks


@dataclass(frozen=True)
class ScoreBar:
    dimension: str
    score: float
    similarity: float  # 0 … 1, the bar length: 1 at score 1, 0 at score 4
    scale: int  # the nearest point of the SemEval-2022 Task 8 scale: 1 = very similar … 4 = very dissimilar (the page says it in words)


@dataclass(frozen=True)
class CompareView:
    a: ArticleView
    b: ArticleView
    bars: tuple[ScoreBar, ...]
    aligned: tuple[dict[str, Any], ...]  # each with "number"
    only_a: tuple[dict[str, Any], ...]
    only_b: tuple[dict[str, Any], ...]
    conflicts: tuple[dict[str, Any], ...]
    shared: tuple[dict[str, Any], ...]  # every shared item with its "kind"


def score_bars(scores: dict[str, float]) -> tuple[ScoreBar, ...]:
    bars = []
    for dimension in Dimension:
        score = float(scores[dimension.value])
        similarity = min(1.0, max(0.0, (4.0 - score) / 3.0))
        bars.append(ScoreBar(dimension.value, round(score, 2), round(similarity, 3), min(4, max(1, round(score)))))
    return tuple(bars)


def compare_view(a: Analysed, b: Analysed, comparison: dict[str, Any], *, outlet_a: str | None = None, outlet_b: str | None = None,
                 language: str = DEFAULT_LANGUAGE) -> CompareView:
    """Build the compare page from two analysed articles and their ``Comparison.as_dict()``; the
    notes marked facts show on hover are in ``language``."""
    evidence = comparison["evidence"]
    marks_a, marks_b = UnitMarks(), UnitMarks()
    name_a = outlet_a or getattr(a.article, "outlet", None) or "A"
    name_b = outlet_b or getattr(b.article, "outlet", None) or "B"
    if name_a == name_b:
        name_a, name_b = f"{name_a} (A)", f"{name_b} (B)"

    aligned = []
    for number, pair in enumerate(evidence["aligned"], 1):
        said = note("note_aligned", language, number=number, similarity=f"{pair['similarity']:.2f}")
        marks_a.sentence(pair["a_span"], "aligned", said, number)
        marks_b.sentence(pair["b_span"], "aligned", said, number)
        aligned.append({**pair, "number": number})
    for item in evidence["only_a"]:
        marks_a.fact(item["span"], "only", fact_note(item, name_a, language))
    for item in evidence["only_b"]:
        marks_b.fact(item["span"], "only", fact_note(item, name_b, language))
    for conflict in evidence["conflicts"]:
        said = note("note_conflict", language, slot=conflict["slot"], a=name_a, a_text=conflict["a"]["text"], b=name_b, b_text=conflict["b"]["text"])
        marks_a.fact(conflict["a"]["span"], "conflict", said)
        marks_b.fact(conflict["b"]["span"], "conflict", said)
    shared = []
    for kind, items in evidence["shared"].items():
        for item in items:
            shared.append({**item, "kind": kind})
            said = note("note_shared", language, kind=kind)
            for span in item.get("a_spans", [item.get("a_span")]):
                if span:
                    marks_a.fact(span, "shared", said)
            for span in item.get("b_spans", [item.get("b_span")]):
                if span:
                    marks_b.fact(span, "shared", said)
    return CompareView(
        a=article_view(a, marks_a, outlet=outlet_a),
        b=article_view(b, marks_b, outlet=outlet_b),
        bars=score_bars(comparison["scores"]),
        aligned=tuple(aligned),
        only_a=tuple(evidence["only_a"]),
        only_b=tuple(evidence["only_b"]),
        conflicts=tuple(evidence["conflicts"]),
        shared=tuple(shared),
    )

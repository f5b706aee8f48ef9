"""Text cut into marked pieces for the templates: evidence spans become ``<mark>``s, never raw HTML.

The templates escape every piece (Jinja autoescape), so a page's own text can never become
markup. Marks come in two layers: sentence marks (aligned sentences, numbered) and fact marks
inside them (a fact only one side reports, a conflicting value, a shared entity).

    >>> pieces = mark_text("Six hours in Helsinki.", [], [Mark(13, 21, "only", "only this outlet")])
    >>> [(segment.text, segment.kind) for piece in pieces for segment in piece.segments]
    [('Six hours in ', None), ('Helsinki', 'only'), ('.', None)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Mark:
    """A span of a unit's text to highlight.

    Args:
        start, end: character offsets into the unit's original text.
        kind: a CSS class: ``only``, ``conflict``, ``shared``, ``aligned``.
        note: shown on hover (the ``title`` attribute).
        number: the aligned-pair number, for sentence marks.
    """

    start: int
    end: int
    kind: str
    note: str | None = None
    number: int | None = None


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Piece:
    """A run of text: a marked sentence (``kind`` set) or the text between marked sentences."""

    segments: tuple[Segment, ...]
    kind: str | None = None
    note: str | None = None
    number: int | None = None


@dataclass
class UnitMarks:
    """Marks grouped by unit (``"title"``, ``"p0"`` …), filled while reading the evidence."""

    sentences: dict[str, list[Mark]] = field(default_factory=lambda: defaultdict(list))
    facts: dict[str, list[Mark]] = field(default_factory=lambda: defaultdict(list))

    def sentence(self, span: dict[str, Any], kind: str, note: str | None = None, number: int | None = None) -> None:
        self.sentences[span["unit"]].append(Mark(span["start"], span["end"], kind, note, number))

    def fact(self, span: dict[str, Any], kind: str, note: str | None = None) -> None:
        self.facts[span["unit"]].append(Mark(span["start"], span["end"], kind, note))

    def render(self, unit: str, text: str) -> tuple[Piece, ...]:
        return mark_text(text, self.sentences.get(unit, ()), self.facts.get(unit, ()))


#: Which mark is drawn when two cover the same text: a disagreement matters most.
PRIORITY = {"conflict": 0, "only": 1, "shared": 2}


def _non_overlapping(marks: Iterable[Mark], length: int) -> list[Mark]:
    """Marks inside the text that overlap no earlier one; at one start, the longer wins, then :data:`PRIORITY`."""
    kept: list[Mark] = []
    end = 0
    for mark in sorted(marks, key=lambda m: (m.start, -(m.end - m.start), PRIORITY.get(m.kind, 9))):
        if mark.start >= end and 0 <= mark.start < mark.end <= length:
            kept.append(mark)
            end = mark.end
    return kept


def _segments(text: str, offset: int, marks: list[Mark]) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    position = 0
    for mark in marks:
        start, end = mark.start - offset, mark.end - offset
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], mark.kind, mark.note))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return tuple(segments)


def mark_text(text: str, sentence_marks: Iterable[Mark], fact_marks: Iterable[Mark]) -> tuple[Piece, ...]:
    """Cut ``text`` into pieces: marked sentences and the runs between them, each with its fact marks.

    A fact mark that crosses a sentence boundary, or overlaps another mark of its layer, is dropped
    rather than drawn wrongly.
    """
    sentences = _non_overlapping(sentence_marks, len(text))
    facts = _non_overlapping(fact_marks, len(text))
    bounds: list[tuple[int, int, Mark | None]] = []
    position = 0
    for sentence in sentences:
        if sentence.start > position:
            bounds.append((position, sentence.start, None))
        bounds.append((sentence.start, sentence.end, sentence))
        position = sentence.end
    if position < len(text) or not bounds:
        bounds.append((position, len(text), None))
    pieces = []
    for start, end, sentence in bounds:
        inside = [fact for fact in facts if start <= fact.start and fact.end <= end]
        segments = _segments(text[start:end], start, inside)
        if sentence is None:
            pieces.append(Piece(segments))
        else:
            pieces.append(Piece(segments, sentence.kind, sentence.note, sentence.number))
    return tuple(pieces)

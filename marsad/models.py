"""Plain data objects that flow between the pipeline stages.

    RawPage ──clean──▶ Article ──analyse──▶ Analysed(article, analysis) ──compare──▶ Comparison

Every object is a frozen dataclass with ``as_dict()`` giving the public JSON
form (the keys are a stable interface: the CLI and the HTTP API print them).
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class Dimension(str, enum.Enum):
    """The seven SemEval-2022 Task 8 dimensions, 1 = very similar … 4 = very dissimilar."""

    OVERALL = "overall"
    GEOGRAPHY = "geography"
    ENTITIES = "entities"
    TIME = "time"
    NARRATIVE = "narrative"
    STYLE = "style"
    TONE = "tone"


class EntityKind(str, enum.Enum):
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class RawPage:
    """One page as read from disk, before cleaning.

    Attributes:
        source: where it came from (a path, or ``"<text>"`` for a string).
        text: the decoded text.
        encoding: the encoding the bytes were decoded with.
        format: ``"text"`` (a plain-text page dump), ``"html"``, or ``"plain"`` (already-clean
            text from a feed, with its title and date given alongside).
        url, title, published: what the source says of the page, when it says it.
    """

    source: str
    text: str
    encoding: str = "utf-8"
    format: str = "text"
    url: str | None = None
    title: str | None = None  # headline given by the source (JSON Lines "plain" records)
    published: str | None = None  # date given by the source, as written; the cleaner makes it ISO
    outlet: str | None = None  # the outlet's name when the user or the feed says it


@dataclass(frozen=True)
class Article:
    """A clean article: body paragraphs plus the fields a page carries around them."""

    source: str
    title: str | None
    paragraphs: tuple[str, ...]
    dateline: str | None = None
    agency: str | None = None
    published: str | None = None  # ISO 8601 date, or None when the page does not say
    language: str | None = None  # ISO 639-1
    captions: tuple[str, ...] = ()
    url: str | None = None
    author: str | None = None  # byline
    outlet: str | None = None  # who published it: given name, the site's own name, or the URL host
    # The id of the article as first cleaned, kept when learned boilerplate is stripped later, so
    # that a page keeps its id however much its outlet's template has learned (re-ingest is a no-op).
    cleaned_id: str | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        """Content hash of title and body: the same page read twice has the same id."""
        if self.cleaned_id:
            return self.cleaned_id
        digest = hashlib.sha1()
        digest.update((self.title or "").encode())
        for paragraph in self.paragraphs:
            digest.update(b"\n" + paragraph.encode())
        return digest.hexdigest()[:16]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "author": self.author,
            "dateline": self.dateline,
            "agency": self.agency,
            "published": self.published,
            "language": self.language,
            "captions": list(self.captions),
            "paragraphs": list(self.paragraphs),
        }


@dataclass(frozen=True)
class Span:
    """Where a piece of evidence sits in the original text: a unit of the article and offsets in it.

    ``unit`` is ``"title"`` or ``"p<N>"`` (paragraph N, from 0); ``start``/``end`` are
    character offsets into that unit's original text, so evidence is shown as the writer wrote it.
    """

    unit: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    text: str
    span: Span


@dataclass(frozen=True)
class EntityMention:
    """A person, place or organisation named in the text, with a cross-language canonical id."""

    id: str  # canonical: "place:658225", "country:US", "org:taliban", "person:JRSMF"
    kind: EntityKind
    label: str  # a display name for the canonical id
    text: str  # as written
    span: Span
    sentence: int  # index into Analysis.sentences
    # "name" ("Russia", "Mark Milley") or "demonym": an adjective or people noun that points to a
    # country ("الأميركي", "Russian"): evidence of the country, not a place named.
    form: str = "name"


@dataclass(frozen=True)
class DateMention:
    """A date or period: ``value`` is as precise as the text is (``2019``, ``--08-15``, ``2001-09-11``)."""

    value: str
    text: str
    span: Span
    sentence: int


@dataclass(frozen=True)
class Quantity:
    """A number with what it measures: ``6 hour``, ``120000 civilian``, ``6 country``."""

    value: float
    unit: str | None
    text: str
    span: Span
    sentence: int

    @property
    def key(self) -> str:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return f"{value} {self.unit}" if self.unit else f"{value}"


@dataclass(frozen=True)
class Analysis:
    """What the analyse stage knows about an article; later stages read this, never re-parse."""

    language: str | None
    sentences: tuple[Sentence, ...]
    entities: tuple[EntityMention, ...]
    dates: tuple[DateMention, ...]
    quantities: tuple[Quantity, ...]
    sentence_vectors: np.ndarray  # (n_sentences, dim), L2-normalised
    document_vector: np.ndarray  # (dim,), L2-normalised
    title_vector: np.ndarray | None = None
    # Language of each unit ("title", "p0" …) where it can be told; pages mix languages.
    unit_languages: dict[str, str | None] = field(default_factory=dict)
    # The pair encoder's vector of the whole article (marsad.encoders.news), L2-normalised: its
    # cosine with another article's is trained to follow human same-event ratings. None when
    # the article was analysed without it (``pair_encoder=None``, stores from before it).
    pair_vector: np.ndarray | None = None


@dataclass(frozen=True)
class Analysed:
    """An article with its analysis: the one object the compare and cluster stages take."""

    article: Article
    analysis: Analysis

    def unit_text(self, unit: str) -> str:
        if unit == "title":
            return self.article.title or ""
        return self.article.paragraphs[int(unit[1:])]


@dataclass(frozen=True)
class Evidence:
    """Why two articles got their scores; every list item is JSON-ready."""

    shared: dict[str, list[dict[str, Any]]]  # people, places, organisations, dates, numbers
    aligned: list[dict[str, Any]]
    only_a: list[dict[str, Any]]
    only_b: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "shared": self.shared,
            "aligned": self.aligned,
            "only_a": self.only_a,
            "only_b": self.only_b,
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True)
class Comparison:
    """A pair judgement: seven scores on the 1–4 scale and the evidence behind them."""

    scores: dict[Dimension, float]
    evidence: Evidence
    features: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scores": {dimension.value: round(score, 2) for dimension, score in self.scores.items()},
            "evidence": self.evidence.as_dict(),
        }

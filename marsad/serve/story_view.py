"""The story page: its independent articles side by side, what only one outlet reports, where they
disagree, copies folded under their original, and a timeline of who published when.

Everything here reads one story's members, never the corpus, so the page costs the same in a
store of ten articles or ten million. Conflicts come from the evidence of every pair of the
members shown (at most :data:`MAX_COLUMNS`, so at most 28 pairs): sentence alignment and the
evidence read off the cached analyses, without the seven scores, which the page does not show
(about 0.07 ms a pair instead of several).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from marsad.cluster.membership import Membership, explain_members
from marsad.compare.align import align, similarity_matrix
from marsad.compare.evidence import build_evidence, dates_compatible
from marsad.compare.model import model_for_dim
from marsad.errors import ModelError
from marsad.models import Analysed, Evidence
from marsad.serve.article_view import ArticleView, article_view, fact_note
from marsad.serve.interface import DEFAULT_LANGUAGE, note
from marsad.serve.marks import UnitMarks
from marsad.store.base import ArticleRef, Store, StoryDetail

logger = logging.getLogger(__name__)

#: Articles shown as columns; the rest of a big story is listed under them.
MAX_COLUMNS = 8
#: Members listed under the columns; a bigger story links to its full list.
MAX_LISTED = 60
#: Points drawn on the timeline (members and their copies).
MAX_TIMELINE_POINTS = 80


@dataclass(frozen=True)
class Fact:
    key: str  # "place:658225", "date:2019-12", "quantity:6 hour"
    kind: str  # person | place | organisation | date | quantity
    text: str  # as the article writes it


@dataclass(frozen=True)
class Column:
    view: ArticleView
    only_here: tuple[Fact, ...]
    copy_count: int
    joined: Membership | None = None  # why it is in the story


@dataclass(frozen=True)
class Conflict:
    slot: str
    outlet_a: str
    text_a: str
    outlet_b: str
    text_b: str
    sentence_a: str
    sentence_b: str
    article_a: str
    article_b: str


@dataclass(frozen=True)
class TimelinePoint:
    x: float
    y: float
    article_id: str
    title: str
    when: str
    copy: bool


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    rows: tuple[tuple[str, float], ...]  # outlet label, y
    points: tuple[TimelinePoint, ...]
    ticks: tuple[tuple[float, str], ...]  # x, ISO date or time (the page writes it in the reader's language and calendar)
    undated: int = 0  # entries with no time, not drawn


@dataclass(frozen=True)
class StoryView:
    detail: StoryDetail
    columns: tuple[Column, ...]
    more: tuple[ArticleRef, ...]  # members beyond MAX_COLUMNS, at most MAX_LISTED
    unlisted: int  # members beyond those
    conflicts: tuple[Conflict, ...]
    timeline: Timeline | None
    undated: int = 0  # members and copies without a publication date (not on the timeline)


def _facts(doc: Analysed) -> dict[str, tuple[Fact, list[Any]]]:
    """Every fact an article states, keyed across languages, with the spans that state it."""
    found: list[tuple[str, str, str, Any]] = [(m.id, m.kind.value, m.text, m.span) for m in doc.analysis.entities]
    found += [(f"date:{d.value}", "date", d.text, d.span) for d in doc.analysis.dates]
    found += [(f"quantity:{q.key}", "quantity", q.text, q.span) for q in doc.analysis.quantities if q.unit]  # a bare number is no fact
    facts: dict[str, tuple[Fact, list[Any]]] = {}
    for key, kind, text, span in found:
        if key not in facts:
            facts[key] = (Fact(key, kind, text), [])
        facts[key][1].append({"unit": span.unit, "start": span.start, "end": span.end})
    return facts


def _reported_elsewhere(key: str, others: list[set[str]]) -> bool:
    if any(key in other for other in others):
        return True
    if key.startswith("date:"):
        # "2019" and "2019-12", "--08-15" and "--08", a Wednesday and 2021-09-22 can name the same
        # time: not a fact only one side has (the pair evidence's own test).
        return any(o.startswith("date:") and dates_compatible(key[5:], o[5:]) for other in others for o in other)
    return False


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def build_timeline(entries: list[tuple[str, str | None, ArticleRef, bool]], width: int = 640) -> Timeline | None:
    """Lay out (outlet, ISO time, article, is_copy) entries: one row per outlet, x by time."""
    timed = [(outlet, _time(when), when, ref, copy) for outlet, when, ref, copy in entries]
    undated = sum(1 for entry in timed if entry[1] is None)
    timed = [entry for entry in timed if entry[1] is not None][:MAX_TIMELINE_POINTS]
    if not timed:
        return None
    label_width, margin, row_height = 150, 14, 28
    start = min(entry[1] for entry in timed)
    end = max(entry[1] for entry in timed)
    span = (end - start).total_seconds()
    plot = width - label_width - 2 * margin
    outlets: list[str] = []
    for outlet, *_ in timed:
        if outlet not in outlets:
            outlets.append(outlet)
    rows = tuple((outlet, 24 + index * row_height) for index, outlet in enumerate(outlets))
    row_y = dict(rows)
    points = []
    for outlet, moment, when, ref, copy in timed:
        fraction = (moment - start).total_seconds() / span if span else 0.5
        points.append(TimelinePoint(round(label_width + margin + fraction * plot, 1), row_y[outlet], ref.id, ref.title or ref.id, when or "", copy))
    height = 24 + len(outlets) * row_height + 10
    dates_only = all(len(when or "") <= 10 for _, _, when, _, _ in timed)
    fmt = "%Y-%m-%dT%H:%M" if span and span < 3 * 86400 and not dates_only else "%Y-%m-%d"
    ticks = ((label_width + margin, start.strftime(fmt)),) if not span else ((label_width + margin, start.strftime(fmt)), (width - margin, end.strftime(fmt)))
    return Timeline(width, height, rows, tuple(points), ticks, undated)


def pair_evidence(a: Analysed, b: Analysed) -> Evidence:
    """The evidence half of :func:`marsad.compare.compare_analysed`, aligned with the judge's own threshold."""
    threshold = model_for_dim(int(a.analysis.document_vector.shape[-1])).statistics.aligned_similarity
    matrix = similarity_matrix(a.analysis.sentence_vectors, b.analysis.sentence_vectors)
    return build_evidence(a, b, align(matrix, threshold), matrix, threshold)


def story_view(detail: StoryDetail, store: Store, language: str = DEFAULT_LANGUAGE) -> StoryView:
    """Build the story page from the store's :class:`StoryDetail`, reading only its own members;
    the notes marked facts show on hover are in ``language``."""
    shown = detail.members[:MAX_COLUMNS]
    docs: list[Analysed] = []
    members = []
    for member in shown:
        doc = store.analysed(member.article.id)
        if doc is not None:
            docs.append(doc)
            members.append(member)
    names = [member.article.outlet or member.article.id for member in members]

    marks = [UnitMarks() for _ in docs]
    conflicts = []
    disputed: list[set[tuple[str, int, int]]] = [set() for _ in docs]  # spans of values another outlet contradicts
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            try:
                found = pair_evidence(docs[i], docs[j]).conflicts
            except ModelError as error:
                # The page still shows the story; only the cross-checks are missing.
                logger.warning("story %s: no conflicts shown: %s", detail.id, error)
                found = []
            for item in found:
                said = note("note_conflict", language, slot=item["slot"], a=names[i], a_text=item["a"]["text"], b=names[j], b_text=item["b"]["text"])
                for index, side in ((i, "a"), (j, "b")):
                    span = item[side]["span"]
                    marks[index].fact(span, "conflict", said)
                    disputed[index].add((span["unit"], span["start"], span["end"]))
                conflicts.append(
                    Conflict(item["slot"], names[i], item["a"]["text"], names[j], item["b"]["text"], item["sentences"]["a"], item["sentences"]["b"], docs[i].article.id, docs[j].article.id)
                )

    # A fact only one outlet reports (and no other contradicts: that is a conflict, shown as one).
    facts = [_facts(doc) for doc in docs]
    keys = [set(found) for found in facts]
    only_here: list[list[Fact]] = [[] for _ in docs]
    if len(docs) > 1:
        for index, found in enumerate(facts):
            others = keys[:index] + keys[index + 1:]
            for key, (fact, spans) in found.items():
                if _reported_elsewhere(key, others) or any((span["unit"], span["start"], span["end"]) in disputed[index] for span in spans):
                    continue
                only_here[index].append(fact)
                for span in spans:
                    marks[index].fact(span, "only", fact_note({"kind": fact.kind}, names[index], language))

    joined = explain_members(detail, store)
    columns = tuple(
        Column(article_view(doc, marks[index], outlet=member.article.outlet, copies=member.copies), tuple(only_here[index]), len(member.copies),
               joined.get(member.article.id))
        for index, (doc, member) in enumerate(zip(docs, members))
    )

    refs = [(ref, copy) for member in detail.members for ref, copy in [(member.article, False), *((c, True) for c in member.copies)]][:MAX_TIMELINE_POINTS]
    # Publication dates only: an undated article is counted as undated, never drawn at the time it was stored.
    entries = [(ref.outlet or "unknown outlet", ref.published, ref, copy) for ref, copy in refs]
    rest = detail.members[MAX_COLUMNS:]
    more = tuple(member.article for member in rest[:MAX_LISTED])
    undated = sum(1 for _, when, _, _ in entries if not when)
    return StoryView(detail, columns, more, len(rest) - len(more), tuple(conflicts), build_timeline(entries), undated)


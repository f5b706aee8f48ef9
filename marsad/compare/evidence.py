"""Evidence for a pair judgement: what the two articles share, what only one reports, where they disagree.

Every item carries the text as written and its span (``unit``, ``start``, ``end``) so a reader
can be shown the place in the original.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

import numpy as np

from marsad.models import Analysed, DateMention, EntityKind, Evidence, Quantity, Span

_KIND_KEYS = {EntityKind.PERSON: "people", EntityKind.PLACE: "places", EntityKind.ORGANISATION: "organisations"}


def _span(span: Span) -> dict[str, Any]:
    return {"unit": span.unit, "start": span.start, "end": span.end}


def _sentence_text(doc: Analysed, index: int) -> str | None:
    return doc.analysis.sentences[index].text if 0 <= index < len(doc.analysis.sentences) else None


def _entity_groups(doc: Analysed) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for mention in doc.analysis.entities:
        group = groups.setdefault(mention.id, {"id": mention.id, "label": mention.label, "kind": mention.kind, "texts": [], "spans": [], "named": False, "name": None})
        if mention.form != "demonym" and not group["named"]:
            # The group is shown by its first name ("وموسكو"), not by a demonym before it ("والروسي").
            group["named"], group["name"] = True, (mention.text, _span(mention.span))
        if mention.text not in group["texts"]:
            group["texts"].append(mention.text)
        group["spans"].append(_span(mention.span))
    return groups


def dates_compatible(a: str, b: str, weekdays: bool = True) -> str | None:
    """The common part of two date values, if they can name the same date: ``2019`` and ``2019-12`` → ``2019``;
    a weekday no publish date resolved (``weekday:3``) and a full date that falls on it → the full date
    (``weekdays`` False: a weekday matches only itself, as the judge's features were learned)."""
    if a == b:
        return a
    if weekdays and (a.startswith("weekday:") or b.startswith("weekday:")):
        weekday, other = (a, b) if a.startswith("weekday:") else (b, a)
        try:
            return other if str(date.fromisoformat(other).isoweekday()) == weekday[8:] else None
        except ValueError:  # another weekday, a month, a year, a relative date: not the same day as far as is known
            return None
    if a.startswith("--") or b.startswith("--"):
        month_day_a = a[-5:] if len(a) == 10 else a[1:] if a.startswith("--") else None
        month_day_b = b[-5:] if len(b) == 10 else b[1:] if b.startswith("--") else None
        if month_day_a and month_day_b:
            # "-08-15" vs "-08": same month, one side has no day
            shorter, longer = sorted((month_day_a.lstrip("-"), month_day_b.lstrip("-")), key=len)
            return "--" + shorter if longer.startswith(shorter) else None
        return None
    shorter, longer = sorted((a, b), key=len)
    return shorter if longer.startswith(shorter) else None


def build_evidence(a: Analysed, b: Analysed, aligned: list[tuple[int, int, float]], matrix: np.ndarray | None = None,
                   threshold: float | None = None) -> Evidence:
    """What the two articles share, what one alone reports, their aligned sentences and where they
    disagree. ``matrix`` (sentence similarities) and ``threshold`` (the alignment's) let a conflict
    be found between sentences a little less alike than aligned ones (see :func:`_conflicts`)."""
    shared: dict[str, list[dict[str, Any]]] = {"people": [], "places": [], "organisations": [], "dates": [], "numbers": []}
    only_a: list[dict[str, Any]] = []
    only_b: list[dict[str, Any]] = []

    groups_a, groups_b = _entity_groups(a), _entity_groups(b)
    for entity_id in sorted(set(groups_a) & set(groups_b), key=lambda k: groups_a[k]["label"]):
        group_a, group_b = groups_a[entity_id], groups_b[entity_id]
        shared[_KIND_KEYS[group_a["kind"]]].append(
            {"id": entity_id, "label": group_a["label"], "a": group_a["texts"], "b": group_b["texts"], "a_spans": group_a["spans"], "b_spans": group_b["spans"]}
        )
    fields_a, fields_b = _field_entities(a), _field_entities(b)
    for groups, other, other_fields, out in ((groups_a, groups_b, fields_b, only_a), (groups_b, groups_a, fields_a, only_b)):
        for entity_id, group in groups.items():
            # A country only a demonym points to ("الروسي") is not a place one side names; nor is
            # the city the other filed from or the agency it credits ("واشنطن (رويترز)" beside "Washington … Reuters").
            if entity_id not in other and entity_id not in other_fields and group["named"]:
                text, span = group["name"]
                out.append({"kind": _KIND_KEYS[group["kind"]][:-1] if group["kind"] is not EntityKind.PERSON else "person", "id": entity_id,
                            "label": group["label"], "text": text, "span": span})

    # Dates: matched when they can name the same day/month/year.
    matched_b: set[int] = set()
    seen_shared: set[str] = set()
    listed: dict[str, dict[str, Any]] = {}  # a date one side alone gives is listed once, however often it is named
    for date_a in a.analysis.dates:
        partner = next((k for k, date_b in enumerate(b.analysis.dates) if dates_compatible(date_a.value, date_b.value)), None)
        if partner is None:
            _list_date(only_a, listed, "a", a, date_a)
            continue
        matched_b.add(partner)
        date_b = b.analysis.dates[partner]
        common = dates_compatible(date_a.value, date_b.value)
        if common not in seen_shared:
            seen_shared.add(common)
            shared["dates"].append({"value": common, "a": date_a.text, "b": date_b.text, "a_span": _span(date_a.span), "b_span": _span(date_b.span)})
    for k, date_b in enumerate(b.analysis.dates):
        if k not in matched_b and not any(dates_compatible(date_b.value, d.value) for d in a.analysis.dates):
            _list_date(only_b, listed, "b", b, date_b)

    # Quantities: the same value and unit is shared; one side only otherwise.
    by_key_a, by_key_b = _by_key(a.analysis.quantities), _by_key(b.analysis.quantities)
    for key in sorted(set(by_key_a) & set(by_key_b)):
        qa, qb = by_key_a[key][0], by_key_b[key][0]
        shared["numbers"].append({"value": qa.value, "unit": qa.unit, "a": qa.text, "b": qb.text, "a_span": _span(qa.span), "b_span": _span(qb.span)})
    for doc, mine, theirs, out in ((a, by_key_a, by_key_b, only_a), (b, by_key_b, by_key_a, only_b)):
        for key, quantities in mine.items():
            if key not in theirs:
                first = quantities[0]
                out.append({"kind": "quantity", "value": first.value, "unit": first.unit, "text": first.text, "texts": [q.text for q in quantities], "sentence": _sentence_text(doc, first.sentence), "span": _span(first.span)})

    conflicts = _conflicts(a, b, aligned, matrix, threshold)
    aligned_items = [
        {"a": a.analysis.sentences[i].text, "b": b.analysis.sentences[j].text, "similarity": round(similarity, 3), "a_span": _span(a.analysis.sentences[i].span), "b_span": _span(b.analysis.sentences[j].span)}
        for i, j, similarity in aligned
    ]
    return Evidence(shared=shared, aligned=aligned_items, only_a=only_a, only_b=only_b, conflicts=conflicts)


def _field_entities(doc: Analysed) -> set[str]:
    """The ids of the article's dateline (a place) and credited agencies (organisations): fields,
    not mentions. "واشنطن" → place:4140963; "رويترز، أ ف ب" → org:reuters, org:afp."""
    from marsad.analyse.gazetteer import shared_gazetteer
    from marsad.analyse.normalise import normalise

    gazetteer = shared_gazetteer()
    found = set()

    def look(name: str, kind: EntityKind) -> bool:
        key = normalise(name).strip(" ()-–—.")
        if key in _AGENCY_IDS and kind is EntityKind.ORGANISATION:
            found.add(_AGENCY_IDS[key])
            return True
        entry = gazetteer.lookup(key) if key else None
        if entry is not None and entry.kind is kind and not entry.adjective:
            found.add(entry.id)
            return True
        return False

    dateline = doc.article.dateline or ""
    if dateline and not look(dateline, EntityKind.PLACE):
        look(dateline.split(",")[0], EntityKind.PLACE)  # "Washington, D.C.", "GAZA CITY, Gaza Strip"
    for name in _AGENCY_SEPARATORS.split(doc.article.agency or ""):
        # "رويترز ووام": the second credit keeps its و ("وام", "واس" begin with one) or drops it as "and".
        if not look(name, EntityKind.ORGANISATION) and name.startswith("و"):
            look(name[1:], EntityKind.ORGANISATION)
    return found


# Agencies credited as letters, which no gazetteer entry holds (a letter pair is no name to find in text).
_AGENCY_IDS = {"ا ف ب": "org:afp", "اف ب": "org:afp", "ا ب": "org:ap"}
_AGENCY_SEPARATORS = re.compile(r"\s*[،,;/|+&]\s*|\s+(?:and|-|–|—)\s+|\s+(?=و)")


def _list_date(out: list[dict[str, Any]], listed: dict[str, dict[str, Any]], side: str, doc: Analysed, date: DateMention) -> None:
    item = listed.get(f"{side}:{date.value}")
    if item is None:
        item = listed[f"{side}:{date.value}"] = _date_item(doc, date)
        out.append(item)
    elif date.text not in item["texts"]:
        item["texts"].append(date.text)


def _date_item(doc: Analysed, date: DateMention) -> dict[str, Any]:
    return {"kind": "date", "value": date.value, "text": date.text, "texts": [date.text], "sentence": _sentence_text(doc, date.sentence), "span": _span(date.span)}


def _by_key(quantities: tuple[Quantity, ...]) -> dict[str, list[Quantity]]:
    grouped: dict[str, list[Quantity]] = defaultdict(list)
    for quantity in quantities:
        if quantity.unit:  # a bare number is not a fact on its own
            grouped[quantity.key].append(quantity)
    return grouped


# How much less alike than aligned sentences two sentences may be and still report one number
# differently, when each is the other's closest and each article gives that unit one value only:
# "The meeting lasted six hours" and "The two generals talked for about five hours" (USE 0.44,
# aligned from 0.53).
CONFLICT_SLACK = 0.15


def _conflicts(a: Analysed, b: Analysed, aligned: list[tuple[int, int, float]], matrix: np.ndarray | None = None,
               threshold: float | None = None) -> list[dict[str, Any]]:
    """Same slot, different value, in two sentences that say the same thing (6 hours vs 5 hours):
    aligned sentences, and also (given ``matrix`` and ``threshold``) mutually closest sentences at
    least ``threshold - CONFLICT_SLACK`` alike where each article names the unit with one value."""
    conflicts = []
    pairs: list[tuple[int, int, float, str | None]] = [(i, j, similarity, None) for i, j, similarity in aligned]  # None: every unit, and dates
    if matrix is not None and threshold is not None and matrix.size:
        taken = {(i, j) for i, j, _ in aligned}
        for unit in sorted({q.unit for q in a.analysis.quantities if q.unit} & {q.unit for q in b.analysis.quantities if q.unit}):
            mine = [q for q in a.analysis.quantities if q.unit == unit]
            theirs = [q for q in b.analysis.quantities if q.unit == unit]
            if len({q.value for q in mine}) != 1 or len({q.value for q in theirs}) != 1:
                continue  # several values of the unit on a side: which one answers which is not known
            i, j = mine[0].sentence, theirs[0].sentence
            if (i, j) in taken or min(i, j) < 0:
                continue
            similarity = float(matrix[i, j])
            if similarity >= threshold - CONFLICT_SLACK and int(matrix[i].argmax()) == j and int(matrix[:, j].argmax()) == i:
                pairs.append((i, j, similarity, unit))  # this unit only: the sentences are not aligned
    for i, j, similarity, only_unit in pairs:
        quantities_a = [q for q in a.analysis.quantities if q.sentence == i and q.unit and only_unit in (None, q.unit)]
        quantities_b = [q for q in b.analysis.quantities if q.sentence == j and q.unit and only_unit in (None, q.unit)]
        for qa in quantities_a:
            same_unit = [qb for qb in quantities_b if qb.unit == qa.unit]
            if same_unit and all(qb.value != qa.value for qb in same_unit) and not any(q.unit == qa.unit and q.value == qa.value for q in quantities_b):
                qb = same_unit[0]
                conflicts.append({"slot": qa.unit, "a": {"value": qa.value, "text": qa.text, "span": _span(qa.span)}, "b": {"value": qb.value, "text": qb.text, "span": _span(qb.span)}, "sentences": {"a": a.analysis.sentences[i].text, "b": b.analysis.sentences[j].text}, "similarity": round(similarity, 3)})
        if only_unit is not None:
            continue
        dates_a = [d for d in a.analysis.dates if d.sentence == i]
        dates_b = [d for d in b.analysis.dates if d.sentence == j]
        for da in dates_a:
            rivals = [db for db in dates_b if len(db.value) == len(da.value) and db.value.startswith("--") == da.value.startswith("--")]
            if rivals and not any(dates_compatible(da.value, db.value) for db in dates_b):
                db = rivals[0]
                conflicts.append({"slot": "date", "a": {"value": da.value, "text": da.text, "span": _span(da.span)}, "b": {"value": db.value, "text": db.text, "span": _span(db.span)}, "sentences": {"a": a.analysis.sentences[i].text, "b": b.analysis.sentences[j].text}, "similarity": round(similarity, 3)})
    return conflicts

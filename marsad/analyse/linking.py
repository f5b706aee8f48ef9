"""The tagger's spans as mentions: trimmed, merged with the rules' findings and linked to canonical ids.

The learned tagger (:mod:`marsad.analyse.tagger`) decides where names are and of what type; the
rules and gazetteers (:mod:`marsad.analyse.entities`) decide which entity a name is:

1. Spans are trimmed: a person's span loses title and role words before it ("General Mark
   Milley" → "Mark Milley") and a possessive after it ("Biden's" → "Biden"); a span of
   function words only ("The", "of") is dropped; MISC is not kept.
2. A name a curated list knows in full overrides a shorter span inside it: "روسيا اليوم" (RT)
   is one organisation, not Russia followed by "today".
3. Linking, in order: a head word and a listed organisation ("تنظيمي القاعدة"); a listed
   organisation or person under its own name; the rules' mention of the same span, where its
   type agrees, where a capital acts as its country, or where a list or a cue typed it (a given
   name, an organisation word: "Laiki Bank"); the gazetteer's entry for the name or the name
   without Arabic clitics (a listed organisation, person, country or region keeps the list's
   type); a city whose English name is also a common word ("Geneva"); otherwise an id from the
   name itself: ``person:<skeleton of the surname>`` (so ميلي and Milley meet), ``org:<name>``,
   ``place:<name>``. A name the gazetteer knows as a demonym ("الأميركية") gets the form
   ``demonym`` and its country's id.
4. Demonyms the rules found and the tagger left out ("Russian", which the gold sets call MISC or
   O) are kept as demonyms, and so are names a list knows that the tagger passed over ("هاييتي").
5. A surname alone elsewhere in the article is the person named in full ("بتلر" after "ديف بتلر").
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections import defaultdict
from functools import lru_cache

import regex

from marsad.analyse.entities import (
    _ARABIC_STOP,
    _INSTITUTION_CUES,
    _LATIN_STOP,
    _ORG_CUES,
    _ORG_HEADS_AR,
    _ORG_WORDS,
    EntityFinder,
    _organisation,
    _sentence_of,
    _unit_order,
    _variants,
    skeleton,
)
from marsad.analyse.gazetteer import fold_hamza
from marsad.analyse.normalise import normalise
from marsad.analyse.tagger import EntityTagger, spans_of, tokenize
from marsad.models import EntityKind, EntityMention, Sentence, Span

_KINDS = {"PER": EntityKind.PERSON, "LOC": EntityKind.PLACE, "ORG": EntityKind.ORGANISATION}
_TYPES = {EntityKind.PERSON: "PER", EntityKind.PLACE: "LOC", EntityKind.ORGANISATION: "ORG"}
_LETTER = regex.compile(r"\p{L}")
# English role words that stand between a title and a name ("Chairman of the Joint Chiefs").
_ROLE_WORDS = {"general", "gen", "chairman", "chief", "chiefs", "staff", "joint", "of", "the", "commander", "secretary", "spokesman", "spokeswoman", "colonel", "col", "lieutenant", "lt", "admiral", "adm", "sergeant", "sgt", "captain", "capt", "major", "maj", "director", "head", "leader", "deputy", "former", "acting", "vice", "prime", "minister", "president", "senator", "sen", "rep", "representative", "governor", "gov", "mayor", "king", "queen", "prince", "princess", "pope", "judge", "justice", "dr", "mr", "mrs", "ms", "sir", "lord", "lady"}
_STOP = _LATIN_STOP | _ARABIC_STOP | {"'s", "’s"}
# Countries that outlets write as the feminine of their demonym (normalised, as the gazetteer keys
# them): Syrian and Lebanese outlets, SANA among them, write Syria "سورية", which is also "Syrian"
# ("مصادر سورية"). The gold sets tag it a place every time (11 in NewsFANE's and AQMAR's train and
# dev parts); it is read as the country where the tagger found a place, and as a demonym elsewhere.
_NAMES_SPELT_AS_DEMONYMS = {"سوريه": "سوريا"}


def rule_tags(token_spans: list[tuple[int, int]], mentions: list[EntityMention]) -> list[str]:
    """The rules' tag of each token: ``B-PER`` … ``I-ORG``, ``ADJ`` for a demonym, ``O``."""
    tags = ["O"] * len(token_spans)
    starts = [start for start, _ in token_spans]
    ends = [end for _, end in token_spans]
    for mention in mentions:
        label = "ADJ" if mention.form == "demonym" else _TYPES[mention.kind]
        first = bisect_right(ends, mention.span.start)
        last = bisect_left(starts, mention.span.end)
        for k in range(first, last):
            if label == "ADJ":
                tags[k] = label
            else:
                tags[k] = ("B-" if token_spans[k][0] <= mention.span.start or k == first else "I-") + label
    return tags


def _is_title(finder: EntityFinder, word: str) -> bool:
    norm = normalise(word).strip().rstrip(".")
    return norm in _ROLE_WORDS or any(form in finder.gazetteer.titles for form in _variants(norm)[:4]) if norm else False


def _trim(finder: EntityFinder, words: list[str], first: int, last: int, kind: str) -> tuple[int, int] | None:
    while first <= last and not _LETTER.search(words[first]):
        first += 1
    while last >= first and (not _LETTER.search(words[last]) or words[last] in ("'s", "’s")):
        last -= 1
    if kind == "PER":
        # Titles and role words before a name are not the name: keep at least the last word.
        while first < last and _is_title(finder, words[first]):
            first += 1
    if first > last or all(normalise(words[k]).strip() in _STOP for k in range(first, last + 1)):
        return None
    return first, last


def tagged_mentions(
    finder: EntityFinder,
    tagger: EntityTagger,
    units: list[tuple[str, str]],
    sentences: tuple[Sentence, ...],
    language: str | None,
    unit_languages: dict[str, str | None] | None,
    rule_mentions: list[EntityMention],
) -> list[EntityMention]:
    by_unit: dict[str, list[EntityMention]] = defaultdict(list)
    for mention in rule_mentions:
        by_unit[mention.span.unit].append(mention)
    mentions: list[EntityMention] = []
    # Every unit's sentences are decoded together, per language (one Viterbi pass for the article).
    pending: dict[str, list] = defaultdict(list)
    for unit, text in units:
        unit_language = (unit_languages or {}).get(unit) or language
        rules = by_unit.get(unit, [])
        if unit_language not in tagger.languages:
            mentions.extend(rules)
            continue
        pending[unit_language].append((unit, text, rules, *_chunks(unit, text, sentences, rules)))
    for unit_language, prepared in pending.items():
        labels = iter(tagger.tag_many([chunk for *_, chunks in prepared for chunk in chunks], unit_language))
        for unit, text, rules, token_spans, chunks in prepared:
            unit_labels = [label for _ in chunks for label in next(labels)]
            mentions.extend(_unit_mentions(finder, unit, text, token_spans, unit_labels, sentences, rules))
    mentions.extend(_surnames_alone(units, mentions, sentences))
    # One label per person: the longest name the article gives them ("Mark Milley" for "Milley").
    labels: dict[str, str] = {}
    for mention in mentions:
        if mention.kind is EntityKind.PERSON and mention.id.startswith("person:") and len(mention.label) > len(labels.get(mention.id, "")):
            labels[mention.id] = mention.label
    mentions = [
        EntityMention(m.id, m.kind, labels[m.id], m.text, m.span, m.sentence, m.form) if m.id in labels and labels[m.id] != m.label else m
        for m in mentions
    ]
    return sorted(mentions, key=lambda m: (m.span.unit != "title", _unit_order(m.span.unit), m.span.start))


@lru_cache(maxsize=100_000)
def _forms(word: str) -> tuple[str, ...]:
    """A word normalised, and without Arabic clitics or endings."""
    return tuple(_variants(normalise(word).strip() or word)[:4])


def _surnames_alone(units, mentions: list[EntityMention], sentences) -> list[EntityMention]:
    """A surname found alone elsewhere in the article is the person named in full ("بتلر" after "ديف بتلر")."""
    surnames: dict[str, EntityMention] = {}
    for mention in mentions:
        words = mention.text.split()
        if mention.kind is EntityKind.PERSON and len(words) > 1 and len(words[-1]) > 2:
            surnames.setdefault(normalise(words[-1]).strip(), mention)
    if not surnames:
        return []
    taken = defaultdict(list)
    for mention in mentions:
        taken[mention.span.unit].append((mention.span.start, mention.span.end))
    extra = []
    for unit, text in units:
        spans = sorted(taken[unit])
        starts = [start for start, _ in spans]
        for start, end in tokenize(text):
            word = text[start:end]
            if word[:1].islower() or len(word) < 3:
                continue
            k = bisect_right(starts, start) - 1  # the last mention starting at or before the word
            if (k >= 0 and spans[k][1] > start) or (k + 1 < len(spans) and spans[k + 1][0] < end):
                continue
            for form in _forms(word):
                person = surnames.get(form)
                if person is not None:
                    extra.append(EntityMention(person.id, EntityKind.PERSON, person.label, word, Span(unit, start, end), _sentence_of(sentences, unit, start)))
                    break
    return extra


def _chunks(unit: str, text: str, sentences, rules) -> tuple[tuple[tuple[int, int], ...], list[tuple[list[str], list[str]]]]:
    """A unit's token spans, and its sentences as ``(words, rule_tags)`` (the model was trained on sentences)."""
    token_spans = tokenize(text)
    words = [text[start:end] for start, end in token_spans]
    tags = rule_tags(token_spans, rules)
    bounds = sorted({s.span.start for s in sentences if s.span.unit == unit} | {0})
    starts = [start for start, _ in token_spans]
    cuts = sorted({bisect_left(starts, b) for b in bounds} | {len(words)})
    return token_spans, [(words[a:b], tags[a:b]) for a, b in itertools.pairwise([0, *cuts]) if b > a]


def _unit_mentions(finder, unit, text, token_spans, labels, sentences, rules) -> list[EntityMention]:
    words = [text[start:end] for start, end in token_spans]
    found: list[EntityMention] = []
    taken: list[tuple[int, int]] = []
    for first, last, kind in spans_of(labels):
        if kind not in _KINDS:
            continue
        trimmed = _trim(finder, words, first, last, kind)
        if trimmed is None:
            continue
        first, last = trimmed
        start, end = token_spans[first][0], token_spans[last][1]
        mention = _link(finder, text, unit, start, end, _KINDS[kind], rules, sentences)
        if mention is not None and not any(s < mention.span.end and mention.span.start < e for s, e in taken):
            found.append(mention)
            taken.append((mention.span.start, mention.span.end))
    for rule in rules:
        # Demonyms, and names a list knows that the tagger passed over ("هاييتي", "منظمة الصحة العالمية").
        if (rule.form == "demonym" or _listed(finder.gazetteer, rule)) and not any(s < rule.span.end and rule.span.start < e for s, e in taken):
            found.append(rule)
    return found


def _cued(gazetteer, mention: EntityMention, text: str) -> bool:
    """Whether the rules typed the name by a cue the tagger may have missed: a given name starting a
    person ("Valery Gerasimov"), an organisation word ending an organisation ("Laiki Bank") or a
    word before it that names one ("newspaper Haravgi")."""
    words = mention.text.split()
    if mention.kind is EntityKind.PERSON:
        return len(words) > 1 and fold_hamza(words[0]) in gazetteer.given_names
    if mention.kind is EntityKind.ORGANISATION:
        before = normalise(text[: mention.span.start]).split()[-1:]
        return normalise(words[-1]).strip(".") in _ORG_WORDS or (bool(before) and before[0] in _ORG_CUES | _INSTITUTION_CUES)
    return False


def _listed(gazetteer, mention: EntityMention) -> bool:
    """Whether a gazetteer list gave the mention its id (a country, city, listed organisation or person)."""
    words = normalise(mention.text).strip().split()
    if not words:
        return False
    rest = " ".join(words[1:])
    for form in _variants(words[0])[:6]:
        entry = gazetteer.lookup(f"{form} {rest}" if rest else form)
        if entry is not None:
            return entry.id == mention.id and not entry.minor
    return gazetteer.lookup_spelling(words[0]) is not None and len(words) == 1


def _link(finder, text, unit, start, end, kind, rules, sentences) -> EntityMention | None:
    gazetteer = finder.gazetteer
    # A longer name a list knows, around this span ("روسيا اليوم" around "روسيا").
    for rule in rules:
        if rule.form == "name" and rule.span.start <= start and end <= rule.span.end and (rule.span.start, rule.span.end) != (start, end):
            entry = gazetteer.lookup(normalise(rule.text).strip())
            if entry is not None and entry.kind is not EntityKind.PLACE and " " in rule.text.strip():
                # Under the list's id: the rules' own may be a capitalised run's ("org:joint-chiefs-of-staff").
                return EntityMention(entry.id, entry.kind, entry.label, rule.text, rule.span, rule.sentence, rule.form)
    name = text[start:end]
    sentence = _sentence_of(sentences, unit, start)
    span = Span(unit, start, end)
    # A head word and a listed organisation ("تنظيمي القاعدة", "حركة طالبان"): that organisation.
    head = normalise(name).split()[0] if name.strip() else ""
    if len(name.split()) > 1 and any(form in _ORG_HEADS_AR for form in (head, head[:-1], head[2:], head[2:-1])):
        for rule in rules:
            if rule.kind is EntityKind.ORGANISATION and start < rule.span.start and rule.span.end == end and _listed(gazetteer, rule):
                return EntityMention(rule.id, rule.kind, rule.label, name, span, sentence)
    # A listed organisation or person under its own name keeps the list's id ("Joint Chiefs of Staff"
    # is org:joint-chiefs, though the rules' capitalised run would name it org:joint-chiefs-of-staff).
    entry = gazetteer.lookup(normalise(name).strip())
    if entry is not None and entry.kind is kind and kind is not EntityKind.PLACE:
        return EntityMention(entry.id, kind, entry.label, name, span, sentence)
    same_span = [rule for rule in rules if rule.form == "name" and rule.span.end == end and abs(rule.span.start - start) <= 2]
    for rule in same_span:
        # The rules' reading of the same name: its aliases, a capital acting as its country, and
        # its type where a list or a cue gave it ("Laiki Bank", "Valery Gerasimov" after "Russia's").
        if rule.kind is kind or (rule.id.startswith("country:") and kind is EntityKind.ORGANISATION) or _listed(gazetteer, rule) or _cued(gazetteer, rule, text):
            return EntityMention(rule.id, rule.kind, rule.label, name, span, sentence)
    norm = normalise(name).strip()
    words = norm.split()
    if not words:
        return None
    rest = " ".join(words[1:])
    if kind is EntityKind.PLACE and not rest:
        # A country written as its own feminine demonym, where the tagger read a place ("إلى سورية").
        for form in _variants(words[0])[:2]:
            if form in _NAMES_SPELT_AS_DEMONYMS:
                entry = gazetteer.lookup(_NAMES_SPELT_AS_DEMONYMS[form])
                return EntityMention(entry.id, kind, entry.label, name, span, sentence)
    for form in _variants(words[0])[:6]:
        entry = gazetteer.lookup(f"{form} {rest}" if rest else form)
        if entry is None:
            continue
        if entry.adjective and kind is not EntityKind.ORGANISATION:
            return EntityMention(entry.id, EntityKind.PLACE, entry.label, name, span, sentence, "demonym")
        # A listed organisation, person, country or region is what the list says ("والدولة الإسلامية"
        # is Islamic State even where the tagger read a place); a city's name may be a person's.
        if not entry.adjective and (entry.kind is kind or entry.kind is not EntityKind.PLACE or entry.id.startswith(("country:", "region:"))):
            return EntityMention(entry.id, entry.kind, entry.label, name, span, sentence)
    if kind is EntityKind.PLACE:
        entry = gazetteer.common_word_places.get(norm)
        if entry is not None:
            return EntityMention(entry.id, kind, entry.label, name, span, sentence)
        return EntityMention("place:" + regex.sub(r"\s+", "-", norm), kind, name, name, span, sentence)
    if kind is EntityKind.ORGANISATION:
        entry = _organisation(words)
        return EntityMention(entry.id, kind, name, name, span, sentence)
    # The surname's consonant skeleton, the same in every script (a leading و is a vowel letter to it).
    return EntityMention(f"person:{skeleton(words[-1])}", kind, name, name, span, sentence)

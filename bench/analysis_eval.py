"""Quality and speed of the analyse stage on hand-annotated paragraphs, against a naive baseline.

    python bench/analysis_eval.py [--data bench/data/analysis/analysis_eval.jsonl] [--seconds 5] [--errors]

For every language and type (person, place, organisation, all entities, date, quantity) it prints
precision, recall and F1 of marsad and of a naive baseline in the same run, on the dev split, the
test split and both; then how well marsad links mentions to canonical ids, how often it reads the
right date and number, per-paragraph language identification, and throughput (articles/s on one
core with the hashing encoder, for articles of about 3,000 characters, counted in CPU time).

Matching: a predicted mention matches a gold mention of the same type when their character spans
overlap (at least one character in common); pairs are taken one-to-one, largest overlap first.
A prediction that matches nothing but overlaps an ``ignore`` span of its category (demonyms,
vague periods … see bench/data/analysis/README.md) counts neither way.

The baseline is what a reader gets without marsad's rules: runs of capitalised words in Latin
and Cyrillic script (kind from a gazetteer lookup of the run, else person), exact lookup of
one-to-three-word sequences in the same gazetteer for Arabic, four-digit years and d/m/y dates,
and every digit sequence as a unitless quantity.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the figures are quoted

import regex  # noqa: E402

from marsad.analyse.normalise import is_arabic_script, normalise_with_offsets  # noqa: E402
from marsad.engine import Engine  # noqa: E402
from marsad.models import Article  # noqa: E402
from marsad.settings import Settings  # noqa: E402

DATA = Path(__file__).parent / "data" / "analysis" / "analysis_eval.jsonl"
TYPES = ("person", "place", "organisation", "entity", "date", "quantity")
_CATEGORY = {"person": "entity", "place": "entity", "organisation": "entity", "entity": "entity", "date": "date", "quantity": "quantity"}


# -- predictions ----------------------------------------------------------------------------
def marsad_mentions(analysed) -> list[dict]:
    """marsad's mentions of paragraph 0 as plain dicts: type, start, end, text, id/value."""
    analysis = analysed.analysis
    found = [dict(type=m.kind.value, start=m.span.start, end=m.span.end, text=m.text, id=m.id) for m in analysis.entities]
    found += [dict(type="date", start=d.span.start, end=d.span.end, text=d.text, value=d.value) for d in analysis.dates]
    found += [dict(type="quantity", start=q.span.start, end=q.span.end, text=q.text, value=q.value, unit=q.unit) for q in analysis.quantities]
    return found


_CAPITALISED_RUN = regex.compile(r"\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*)*")
_ARABIC_WORD = regex.compile(r"[\p{Arabic}]+")
_BASE_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_BASE_NUMERIC_DATE = regex.compile(r"(?<!\d)\d{1,2}/\d{1,2}/\d{4}(?!\d)")
_BASE_NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")


def baseline_mentions(text: str, gazetteer) -> list[dict]:
    found = []
    norm, offsets = normalise_with_offsets(text)
    if is_arabic_script(text):
        words = list(_ARABIC_WORD.finditer(norm))
        i = 0
        while i < len(words):
            for length in (3, 2, 1):
                if i + length > len(words):
                    continue
                phrase = norm[words[i].start() : words[i + length - 1].end()]
                entry = gazetteer.lookup(phrase)
                if entry is not None:
                    start, end = offsets[words[i].start()], offsets[words[i + length - 1].end() - 1] + 1
                    found.append(dict(type=entry.kind.value, start=start, end=end, text=text[start:end], id=entry.id))
                    i += length - 1
                    break
            i += 1
    else:
        for match in _CAPITALISED_RUN.finditer(text):
            start = match.start()
            before = text[:start].rstrip()
            if not before or before[-1] in ".!?:\"«":
                continue  # a capital after a full stop starts a sentence, not a name
            entry = gazetteer.lookup(normalise_with_offsets(match.group(0))[0])
            kind = entry.kind.value if entry else "person"
            found.append(dict(type=kind, start=start, end=match.end(), text=match.group(0), id=entry.id if entry else match.group(0)))
    dates = []
    for pattern in (_BASE_NUMERIC_DATE, _BASE_YEAR):
        for match in pattern.finditer(text):
            if not any(s < match.end() and match.start() < e for s, e in dates):
                dates.append((match.start(), match.end()))
                found.append(dict(type="date", start=match.start(), end=match.end(), text=match.group(0), value=None))
    for match in _BASE_NUMBER.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e in dates):
            found.append(dict(type="quantity", start=match.start(), end=match.end(), text=match.group(0), value=None))
    return found


# -- scoring --------------------------------------------------------------------------------
def _gold(record: dict) -> list[dict]:
    gold = [dict(type=e["kind"], **e) for e in record["entities"]]
    gold += [dict(type="date", **d) for d in record["dates"]]
    gold += [dict(type="quantity", **q) for q in record["quantities"]]
    return gold


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def match(gold: list[dict], predicted: list[dict], kind: str, ignore: list[dict]) -> tuple[list[tuple[dict, dict]], int, int]:
    """One-to-one matches of type ``kind`` and the counted number of gold and predicted mentions."""
    entity = kind == "entity"
    gold = [g for g in gold if (g["type"] in ("person", "place", "organisation")) if entity] if entity else [g for g in gold if g["type"] == kind]
    predicted = [p for p in predicted if (p["type"] in ("person", "place", "organisation") if entity else p["type"] == kind)]
    pairs = sorted(((_overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted) if _overlap(g, p)), reverse=True)
    used_g, used_p, matched = set(), set(), []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matched.append((gold[gi], predicted[pi]))
    category = _CATEGORY[kind]
    ignored = sum(
        1 for pi, p in enumerate(predicted) if pi not in used_p and any(i["type"] == category and _overlap(i, p) for i in ignore)
    )
    return matched, len(gold), len(predicted) - ignored


class Tally:
    def __init__(self):
        self.counts = defaultdict(lambda: [0, 0, 0])  # (language, type) → matched, gold, predicted

    def add(self, language: str, kind: str, matched: int, gold: int, predicted: int) -> None:
        for key in ((language, kind), ("all", kind)):
            row = self.counts[key]
            row[0] += matched
            row[1] += gold
            row[2] += predicted

    def prf(self, language: str, kind: str) -> tuple[float, float, float, int]:
        matched, gold, predicted = self.counts[(language, kind)]
        p = matched / predicted if predicted else 0.0
        r = matched / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, gold


def pairwise_linking(mentions: list[tuple[str, str]]) -> tuple[float, float]:
    """Pairwise precision and recall of ids: (gold id, predicted id) per matched entity mention."""
    both = same_gold = same_pred = 0
    for (g1, p1), (g2, p2) in combinations(mentions, 2):
        same_gold += g1 == g2
        same_pred += p1 == p2
        both += g1 == g2 and p1 == p2
    return (both / same_pred if same_pred else 1.0), (both / same_gold if same_gold else 1.0)


# -- running --------------------------------------------------------------------------------
def evaluate(records, engine, show_errors: bool) -> dict:
    analyser, gazetteer = engine.analyser, engine.gazetteer
    tallies = {split: {"marsad": Tally(), "baseline": Tally()} for split in ("dev", "test", "all")}
    links = defaultdict(list)
    countries = defaultdict(lambda: [0, 0])
    values = defaultdict(lambda: [0, 0])
    languages = defaultdict(lambda: [0, 0])
    for record in records:
        article = Article(source=record["id"], title=None, paragraphs=(record["text"],))
        analysed = analyser.analyse(article)
        languages[record["language"]][0] += analysed.article.language == record["language"]
        languages[record["language"]][1] += 1
        gold = _gold(record)
        systems = {"marsad": marsad_mentions(analysed), "baseline": baseline_mentions(record["text"], gazetteer)}
        for system, predicted in systems.items():
            for kind in TYPES:
                matched, n_gold, n_predicted = match(gold, predicted, kind, record["ignore"])
                for split in (record["split"], "all"):
                    tallies[split][system].add(record["language"], kind, len(matched), n_gold, n_predicted)
                if system != "marsad":
                    continue
                if kind == "entity":
                    for g, p in matched:
                        links[record["language"]].append((g["id"], p["id"]))
                        links["all"].append((g["id"], p["id"]))
                        if g["id"].startswith("country:"):
                            countries[record["language"]][0] += g["id"] == p["id"]
                            countries[record["language"]][1] += 1
                if kind in ("date", "quantity"):
                    for g, p in matched:
                        if g["value"] is None:
                            continue
                        right = g["value"] == p["value"] if kind == "date" else abs(float(g["value"]) - float(p["value"])) <= 1e-6 * abs(float(g["value"]))
                        values[(record["language"], kind)][0] += right
                        values[(record["language"], kind)][1] += 1
                if show_errors and record["split"] == "dev" and kind in ("person", "place", "organisation", "date", "quantity"):
                    _print_errors(record, gold, predicted, matched, kind)
    return dict(tallies=tallies, links=links, countries=countries, values=values, languages=languages)


def _print_errors(record, gold, predicted, matched, kind) -> None:
    got_g = {id(g) for g, _ in matched}
    got_p = {id(p) for _, p in matched}
    for g in gold:
        if g["type"] == kind and id(g) not in got_g:
            print(f"  MISS {record['id']} {kind}: {g['text']}")
    for p in predicted:
        if p["type"] == kind and id(p) not in got_p and not any(_overlap(i, p) for i in record["ignore"] if i["type"] == _CATEGORY[kind]):
            print(f"  FALSE {record['id']} {kind}: {p['text']} ({p.get('id') or p.get('value')})")


def throughput(records, engine, seconds: float) -> tuple[float, int]:
    """Articles/s analysing ~3,000-character articles built from the eval paragraphs of one language."""
    by_language = defaultdict(list)
    for record in records:
        by_language[record["language"]].append(record["text"])
    articles = []
    for language, texts in sorted(by_language.items()):
        paragraphs: list[str] = []
        for text in texts * 3:
            paragraphs.append(text)
            if sum(map(len, paragraphs)) >= 3000:
                articles.append(Article(source=language, title=None, paragraphs=tuple(paragraphs)))
                paragraphs = []
    engine.analyser.analyse_many(articles)  # load the models and word lists of every language first
    # CPU time of this process, not wall time: other work on the machine does not change the figure.
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for article in articles:
            engine.analyser.analyse(article)
            count += 1
    characters = sum(len(a.text) for a in articles) // len(articles)
    return count / (time.process_time() - start), characters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--errors", action="store_true", help="list every missed and false mention of the dev split")
    args = parser.parse_args()

    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    engine = Engine(Settings(encoder="hashing"))
    result = evaluate(records, engine, args.errors)
    order = ["ar", "en", "de", "ru", "all"]
    summary = {}
    for split in ("dev", "test", "all"):
        print(f"\n== {split} ==   marsad P / R / F1        baseline P / R / F1      gold")
        for language in order:
            for kind in TYPES:
                p, r, f, n = result["tallies"][split]["marsad"].prf(language, kind)
                bp, br, bf, _ = result["tallies"][split]["baseline"].prf(language, kind)
                if n == 0 and kind != "entity":
                    continue
                print(f"{language:4} {kind:13} {p:6.2f} {r:6.2f} {f:6.2f}        {bp:6.2f} {br:6.2f} {bf:6.2f}      {n:4d}")
                summary[f"{split}.{language}.{kind}.f1"] = round(f, 3)
                summary[f"{split}.{language}.{kind}.baseline_f1"] = round(bf, 3)
    print("\nid linking (pairwise over matched entity mentions)   country ids exact")
    for language in order:
        p, r = pairwise_linking(result["links"][language])
        right, total = result["countries"][language] if language != "all" else map(sum, zip(*result["countries"].values()))
        print(f"{language:4} P {p:.2f} R {r:.2f}   {right}/{total}")
    print("\nvalues right among matched (marsad)")
    for (language, kind), (right, total) in sorted(result["values"].items()):
        print(f"{language:4} {kind:9} {right}/{total}")
    print("\nlanguage of each paragraph (marsad)")
    for language, (right, total) in sorted(result["languages"].items()):
        print(f"{language:4} {right}/{total}")
    rate, characters = throughput(records, engine, args.seconds)
    print(f"\nthroughput: {rate:.1f} articles/s of ~{characters} characters (one core, hashing encoder)")
    summary["articles_per_second"] = round(rate, 1)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

"""Entity F1 on the gold sets' test parts: the learned tagger beside the rules, in the same run.

    python bench/entities.py [--data ../shared/data/ner] [--part test] [--systems rules crf tagger encoder]
        [--articles] [--entity-pieces N] [--model CRF.npz] [--encoder-model E.onnx] [--errors 20] [--json]

Data: ``../shared/data/ner/`` (see its README.md), split as ``marsad/analyse/ner_data.py`` fixes
it (by document, frozen before any tuning), and ``bench/data/en_news_marsad/``: English news
sentences annotated in this repository (the shared sets have no English news), reported on its
own line and left out of the per-language pooled rows. Each gold sentence is given to marsad as one
paragraph, its tokens joined by spaces; gold spans are character offsets into that text. With
``--articles`` consecutive sentences are given as one article of about 400 words (paragraphs of
5 sentences), as news reaches the tagger: that is where the encoder's per-article budget
(``--entity-pieces``) shows.

Scoring, as marsad is judged from outside: entity-level precision, recall and F1 over PER, LOC and
ORG with exact boundaries and types; an Arabic clitic prefix of up to two letters at the start
of either span is tolerated ("والمانيا" for "المانيا"). MISC is not scored. Mentions marsad marks
as demonyms ("الأميركي", "Russian") are evidence of a country, not a place named, and are not
scored. Micro F1 is given per corpus, per language (the corpora of a language pooled) and per type.

Speed: articles/s of the entity step alone (CPU time, one process), on articles of about 400
words made of consecutive test sentences (5 to a paragraph), for each system: two passes. Both
follow the scoring of the same sentences, so the per-word caches are warm: a process pays about
50 µs more for each word it has not seen before (its features and weight rows).

``rules`` is the rule-based finder (gazetteers, title cues, rarity); ``crf`` the learned CRF with
the rules as features and for linking (what ingest runs by default); ``tagger`` the CRF and the
entity encoder together (:class:`marsad.analyse.entity_encoder.CombinedTagger`, over the first
``--entity-pieces`` word pieces of each article, all by default, as ``marsad entities`` runs
them); ``encoder`` the entity encoder alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marsad.analyse.ner_data import CORPORA, EVALUATION_ONLY, SCORED, load_part
from marsad.analyse.sentences import split_sentences

_KIND_TYPE = {"person": "PER", "place": "LOC", "organisation": "ORG"}
ARTICLE_WORDS = 400


def predicted_spans(finder, text: str, language: str) -> list[tuple[int, int, str]]:
    mentions = finder.find([("p0", text)], tuple(split_sentences("p0", text)), language)
    return sorted({(m.span.start, m.span.end, _KIND_TYPE[m.kind.value]) for m in mentions if getattr(m, "form", "name") != "demonym"})


def article_spans(finder, sentences, language: str) -> list[tuple[object, list]]:
    """Consecutive gold sentences read as one article (paragraphs of 5 sentences, about
    ARTICLE_WORDS words, as :func:`articles_of` groups them), the finder's spans handed back
    to each sentence in its own offsets: ``[(sentence, predicted spans)]``."""
    out = []
    for group in _article_groups(sentences):
        units, where = [], []  # where: (unit, offset of the sentence in the unit, sentence)
        for p in range(0, len(group), 5):
            paragraph, offset = [], 0
            for sentence in group[p : p + 5]:
                where.append((f"p{p // 5}", offset, sentence))
                paragraph.append(sentence.text)
                offset += len(sentence.text) + 1
            units.append((f"p{p // 5}", " ".join(paragraph)))
        mentions = finder.find(units, tuple(x for unit, text in units for x in split_sentences(unit, text)), language)
        found = {(m.span.unit, m.span.start, m.span.end, _KIND_TYPE[m.kind.value]) for m in mentions if getattr(m, "form", "name") != "demonym"}
        for unit, offset, sentence in where:
            end = offset + len(sentence.text)
            out.append((sentence, sorted((a - offset, b - offset, kind) for u, a, b, kind in found if u == unit and offset <= a and b <= end)))
    return out


def _article_groups(sentences, words: int = ARTICLE_WORDS, remainder: bool = True):
    """Consecutive sentences in groups of at least ``words`` tokens; the short remainder last, if asked."""
    group, count = [], 0
    for sentence in sentences:
        group.append(sentence)
        count += len(sentence.tokens)
        if count >= words:
            yield group
            group, count = [], 0
    if group and remainder:
        yield group


def _same(text: str, gold: tuple[int, int, str], predicted: tuple[int, int, str]) -> bool:
    if gold[2] != predicted[2] or gold[1] != predicted[1]:
        return False
    if gold[0] == predicted[0]:
        return True
    low, high = sorted((gold[0], predicted[0]))
    prefix = text[low:high]
    return high - low <= 2 and all("\u0621" <= ch <= "\u064a" for ch in prefix)


def match(text: str, gold: list, predicted: list) -> tuple[list, list, list]:
    """(true positives, false positives, false negatives), one-to-one."""
    unmatched = list(predicted)
    hits, misses = [], []
    for span in gold:
        partner = next((p for p in unmatched if _same(text, span, p)), None)
        if partner is None:
            misses.append(span)
        else:
            unmatched.remove(partner)
            hits.append(span)
    return hits, unmatched, misses


class Tally:
    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def add(self, hits, false, misses) -> None:
        for kind, key in ((hits, "tp"), (false, "fp"), (misses, "fn")):
            for span in kind:
                self.counts[span[2]][key] += 1
                self.counts["micro"][key] += 1

    def merge(self, other: Tally) -> None:
        for kind, counter in other.counts.items():
            self.counts[kind].update(counter)

    def scores(self) -> dict[str, dict[str, float]]:
        out = {}
        for kind in ("micro", *SCORED):
            c = self.counts[kind]
            precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
            recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out[kind] = {"p": round(precision, 3), "r": round(recall, 3), "f1": round(f1, 3), "gold": c["tp"] + c["fn"]}
        return out


def articles_of(sentences, words: int = ARTICLE_WORDS) -> list[list[str]]:
    """Consecutive sentences grouped into articles of about ``words`` words, 5 sentences a paragraph
    (whole articles only: a short remainder is left out)."""
    return [[" ".join(s.text for s in group[p : p + 5]) for p in range(0, len(group), 5)] for group in _article_groups(sentences, words, remainder=False)]


def speed(finder, sentences, language: str) -> list[float]:
    """Articles/s of ``finder.find`` over the articles made of ``sentences``: [first pass, second pass]."""
    articles = articles_of(sentences)
    prepared = []
    for paragraphs in articles:
        units = [(f"p{i}", text) for i, text in enumerate(paragraphs)]
        prepared.append((units, tuple(s for unit, text in units for s in split_sentences(unit, text))))
    rates = []
    for _ in ("cold", "warm"):  # the first pass fills the per-word caches; a long ingest runs warm
        start = time.process_time()
        for units, sentences_of in prepared:
            finder.find(units, sentences_of, language)
        elapsed = time.process_time() - start
        rates.append(round(len(prepared) / elapsed, 1) if elapsed else float("inf"))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner")
    parser.add_argument("--part", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--corpora", nargs="+", default=[*CORPORA, *EVALUATION_ONLY], choices=[*CORPORA, *EVALUATION_ONLY])
    parser.add_argument("--systems", nargs="+", default=["rules", "crf", "tagger"], choices=("rules", "crf", "tagger", "encoder"))
    parser.add_argument("--model", type=Path, help="a CRF model file other than the packaged one (for crf and tagger)")
    parser.add_argument("--encoder-model", type=Path, help="an entity encoder (.onnx) other than the packaged one (for tagger and encoder)")
    parser.add_argument("--articles", action="store_true", help="read the sentences as articles of about 400 words (the tagger sees them as it sees news), not one by one")
    parser.add_argument("--entity-pieces", type=int, default=-1, help="word pieces of each article the entity encoder reads, for the tagger system (default -1, all, as marsad entities reads; 0: the CRF alone)")
    parser.add_argument("--sure", type=float, nargs="*", default=[], help="also the tagger system with the encoder reading only the sentences where the CRF gives some word's label a probability under this (CombinedTagger's sure; 1: every sentence); one system per value")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors per corpus and system")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON object")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data}: not found (the gold entity sets; see ../shared/data/ner/README.md)")

    from marsad.analyse.entities import EntityFinder
    from marsad.analyse.gazetteer import Gazetteer

    gazetteer = Gazetteer()
    finders = {}
    from marsad.analyse.entity_encoder import DEFAULT_FILE, CombinedTagger, EncoderTagger
    from marsad.analyse.tagger import EntityTagger
    pieces = args.entity_pieces
    crf = EntityTagger(gazetteer, args.model.read_bytes() if args.model else None)
    for system in args.systems:
        if system == "rules":
            finders[system] = EntityFinder(gazetteer, tagger=None)
        elif system == "crf":
            finders[system] = EntityFinder(gazetteer, crf)
        elif system == "encoder":
            finders[system] = EntityFinder(gazetteer, EncoderTagger(args.encoder_model or DEFAULT_FILE))
        else:  # the shipped pipeline: the CRF, and the encoder over the first pieces of each article
            encoder = EncoderTagger(args.encoder_model or DEFAULT_FILE)
            finders[system] = EntityFinder(gazetteer, CombinedTagger(crf, encoder, budget=None if pieces < 0 else pieces) if pieces else crf)
    for sure in args.sure:
        finders[f"sure{sure:g}"] = EntityFinder(gazetteer, CombinedTagger(crf, EncoderTagger(args.encoder_model or DEFAULT_FILE), budget=None if pieces < 0 else pieces, sure=None if sure >= 1 else sure))

    results: dict = {"part": args.part, "corpora": {}, "languages": {}, "speed": {}}
    by_language: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for name in args.corpora:
        corpus = CORPORA.get(name) or EVALUATION_ONLY[name]
        sentences = load_part(name, args.part, args.data)
        if not sentences:
            continue
        results["corpora"][name] = {"language": corpus.language, "domain": corpus.domain, "sentences": len(sentences)}
        for system, finder in finders.items():
            tally, shown = Tally(), 0
            if args.articles:
                predicted = article_spans(finder, sentences, corpus.language)
            else:
                predicted = ((sentence, predicted_spans(finder, sentence.text, corpus.language)) for sentence in sentences)
            for sentence, spans in predicted:
                text = sentence.text
                hits, false, misses = match(text, sentence.spans(), spans)
                tally.add(hits, false, misses)
                if shown < args.errors and (false or misses):
                    shown += 1
                    print(f"  [{name} {system} #{sentence.index}] {text[:160]}")
                    print("     missed: " + "; ".join(f"{text[s:e]}/{t}" for s, e, t in misses) + " | wrong: " + "; ".join(f"{text[s:e]}/{t}" for s, e, t in false))
            if name in CORPORA:  # a set annotated here is reported apart, never pooled with the public gold
                by_language[(corpus.language, system)].merge(tally)
            results["corpora"][name][system] = tally.scores()
            results["speed"].setdefault(system, {})[name] = speed(finder, sentences, corpus.language)

    for (language, system), tally in sorted(by_language.items()):
        results["languages"].setdefault(language, {})[system] = tally.scores()

    systems = list(finders)
    print(f"Entity F1 (PER/LOC/ORG, exact boundaries, Arabic clitic prefix ≤2 tolerated) on the {args.part} parts, "
          + (f"read as articles of about {ARTICLE_WORDS} words" if args.articles else "one sentence at a time"))
    header = f"{'set':<30}" + "".join(f"{s + ' ' + k:>14}" for s in systems for k in ("micro", "PER", "LOC", "ORG"))
    print(header)
    rows = [(f"{n} ({c['language']}, {c['domain']})", c) for n, c in results["corpora"].items()]
    rows += [(f"all {language}", systems_scores) for language, systems_scores in results["languages"].items()]
    for label, scores in rows:
        print(f"{label:<30}" + "".join(f"{scores[s][k]['f1']:>14.3f}" for s in systems for k in ("micro", "PER", "LOC", "ORG")))
    print("precision / recall (micro): " + "; ".join(
        f"{label.split(' (')[0]} {s} {scores[s]['micro']['p']:.3f}/{scores[s]['micro']['r']:.3f}" for label, scores in rows for s in systems))
    print(f"entity step speed, articles/s of ~{ARTICLE_WORDS} words, CPU time, one process, first pass / second pass: " + "; ".join(
        f"{s}: " + ", ".join(f"{n} {cold:g}/{warm:g}" for n, (cold, warm) in per.items()) for s, per in results["speed"].items()))
    read = {s: f.tagger.sentences_read / f.tagger.sentences_seen for s, f in finders.items() if getattr(f.tagger, "sentences_seen", 0)}
    if read:
        print("sentences the encoder read: " + "; ".join(f"{s} {share:.1%}" for s, share in read.items()))
    if args.json:
        print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Story clustering quality: B-cubed on WikiRef220, and a pairwise check from SemEval-2022 Task 8.

    python bench/cluster_quality.py [--encoder use] [--data ../shared/data] [--seeds 0 1 2]

1. **WikiRef220** (220 English articles; the event is the file-name prefix): the articles are
   streamed in a shuffled order (per seed) through marsad's incremental clusterer and through
   a plain embedding-threshold baseline run the same way (each article joins the story of its
   most similar earlier article when the cosine of their document vectors reaches a threshold,
   else starts one). B-cubed precision, recall and F1 against the gold events. The baseline's
   threshold is the best of a grid on the same data: the comparison is as generous to it as
   it can be.
2. **SemEval-2022 pairs**: every text of both rating files (original pairs) is streamed through
   one store, 2,600 articles; a pair rated Overall ≤ 1.5 should end in one story, a pair
   rated ≥ 3.5 in two. Reported: the share of very similar pairs that share a story and the
   share of unrelated pairs that do not, per language pair, apart for the pairs of the frozen
   test split (:func:`marsad.compare.ratings.frozen_test`: never fitted or tuned on) and of the
   dev fold (settings are chosen on it and on WikiRef220). The bundled judge and pair encoder
   were fitted without the test split; the other articles of the stream are distractors.

Analyses are computed once per encoder and cached under ``$TMPDIR/marsad-bench``.
Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import pickle
import random
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from marsad.clean.plain import article_from_fields
from marsad.cluster import ClusterSettings, StoryClusterer
from marsad.compare.learn import analysis_code_digest
from marsad.compare.ratings import read_ratings, roles
from marsad.engine import Engine
from marsad.models import Analysed, Article
from marsad.settings import PAIR_ENCODERS, Settings
from marsad.store import open_store

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
sys.path.insert(0, str(HERE.parent / "scripts"))
import train_judge  # noqa: E402
csv.field_size_limit(sys.maxsize)


# -- data -------------------------------------------------------------------------------------
def wikiref_label(name: str) -> str:
    stem = re.sub(r"\.txt$", "", name)
    stem = re.sub(r" \(\d+\)$", "", stem)
    return re.sub(r"\.\d+$", "", stem)


def load_wikiref(engine: Engine, folder: Path) -> list[tuple[str, Article]]:
    """(gold event, clean article) per file, in file-name order."""
    items = []
    for path in sorted(folder.glob("*.txt")):
        if path.name.lower().startswith("readme"):
            continue
        [article] = [a for a in engine.clean_paths([path]) if isinstance(a, Article)]
        items.append((wikiref_label(path.name), article))
    return items


def load_semeval(paths: list[Path], is_place=lambda _: False) -> tuple[list[Article], list[tuple[str, str, str, str, float]]]:
    """Unique articles of the files, and (pair id, lang pair, id a, id b, overall) per original pair (first file wins).

    ``is_place`` confirms datelines, as the gazetteer does for ``marsad cluster``."""
    articles: dict[str, Article] = {}
    pairs, seen = [], set()
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if not re.fullmatch(r"\d+_\d+", row["pair_id"]) or row["pair_id"] in seen:
                    continue
                seen.add(row["pair_id"])
                ids = []
                for side in ("1", "2"):
                    # As `marsad cluster` reads a record: cleaned as a plain page (consent notices dropped).
                    article = article_from_fields(f"{path.name}:{row['pair_id']}:{side}", row[f"text{side}"], language=row[f"lang{side}"],
                                                  is_place=is_place)
                    articles.setdefault(article.id, article)
                    ids.append(article.id)
                pairs.append((row["pair_id"], f"{row['lang1']}-{row['lang2']}", ids[0], ids[1], float(row["Overall"])))
    return list(articles.values()), pairs


def analysed_cached(engine: Engine, articles: list[Article], name: str) -> list[Analysed]:
    # Keyed by the articles, the analysis code and model files, and the encoders' full names (model,
    # version, tokenizer), not the setting: analyses made by earlier code or models are not reused.
    key = hashlib.sha1("".join(a.id for a in articles).encode() + analysis_code_digest()).hexdigest()[:12]
    encoder = re.sub(r"[^\w.@+-]", "_", engine.analyser.models)
    cache = Path(tempfile.gettempdir()) / "marsad-bench" / f"{name}-{encoder}-{key}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    analysed = []
    for start in range(0, len(articles), 32):
        analysed += engine.analyser.analyse_many(articles[start : start + 32])
        print(f"  analysed {len(analysed)}/{len(articles)} {name}", file=sys.stderr, end="\r")
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(analysed))
    return analysed


# -- clustering runs --------------------------------------------------------------------------
def run_marsad(stream: list[Analysed], settings: ClusterSettings) -> dict[str, str]:
    """Article id → story id, streaming ``stream`` in batches of 32 through an in-memory store."""
    store = open_store(":memory:")
    clusterer = StoryClusterer(store, settings)
    for start in range(0, len(stream), 32):
        clusterer.add([(a, None) for a in stream[start : start + 32]])
    stories = store.story_of([a.article.id for a in stream])
    store.close()
    return stories


def run_baseline(stream: list[Analysed], threshold: float) -> dict[str, str]:
    """Single pass: join the story of the most similar earlier article at cosine ≥ threshold."""
    vectors = np.stack([a.analysis.document_vector for a in stream])
    stories: dict[str, str] = {}
    for i, analysed in enumerate(stream):
        article_id = analysed.article.id
        if i and (similarities := vectors[:i] @ vectors[i]).max() >= threshold:
            stories[article_id] = stories[stream[int(similarities.argmax())].article.id]
        else:
            stories[article_id] = article_id
    return stories


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    by_gold, by_predicted = defaultdict(set), defaultdict(set)
    for item, label in gold.items():
        by_gold[label].add(item)
        by_predicted[predicted[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        same_cluster = by_predicted[predicted[item]]
        same_label = by_gold[gold[item]]
        correct = len(same_cluster & same_label)
        precision += correct / len(same_cluster)
        recall += correct / len(same_label)
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def shuffled(items: list, seed: int) -> list:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def wikiref_scores(analysed: list[Analysed], labels: list[str], seeds: list[int], settings: ClusterSettings, baseline_grid) -> dict:
    gold = {a.article.id: label for a, label in zip(analysed, labels)}
    ours, base = [], {t: [] for t in baseline_grid}
    for seed in seeds:
        stream = shuffled(analysed, seed)
        ours.append(bcubed(gold, run_marsad(stream, settings)))
        for threshold in baseline_grid:
            base[threshold].append(bcubed(gold, run_baseline(stream, threshold)))
    mean = lambda runs: tuple(float(np.mean([r[i] for r in runs])) for i in range(3))  # noqa: E731
    best_threshold = max(base, key=lambda t: mean(base[t])[2])
    return {"marsad": mean(ours), "baseline": mean(base[best_threshold]), "baseline_threshold": best_threshold,
            "marsad_per_seed": [round(r[2], 4) for r in ours]}


def semeval_scores(stories: dict[str, str], pairs) -> dict:
    per_pair: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # similar together, similar, unrelated apart, unrelated
    dissimilar = [0, 0]  # apart, pairs rated 3 or more ("somewhat dissimilar": often one topic, another event)
    for _, languages, a, b, overall in pairs:
        together = stories[a] == stories[b]
        if overall <= 1.5:
            per_pair[languages][0] += together
            per_pair[languages][1] += 1
        elif overall >= 3.5:
            per_pair[languages][2] += not together
            per_pair[languages][3] += 1
        if overall >= 3.0:
            dissimilar[0] += not together
            dissimilar[1] += 1
    totals = [sum(v[i] for v in per_pair.values()) for i in range(4)]
    rate = lambda hit, n: round(hit / n, 4) if n else None  # noqa: E731
    return {
        "similar_together": rate(totals[0], totals[1]), "similar_pairs": totals[1],
        "unrelated_apart": rate(totals[2], totals[3]), "unrelated_pairs": totals[3],
        "dissimilar_apart": rate(*dissimilar), "dissimilar_pairs": dissimilar[1],
        "per_language_pair": {k: {"similar_together": rate(v[0], v[1]), "similar": v[1], "unrelated_apart": rate(v[2], v[3]), "unrelated": v[3]}
                              for k, v in sorted(per_pair.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="use", choices=["use", "e5", "hashing"])
    parser.add_argument("--pair-encoder", default="auto", choices=PAIR_ENCODERS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a ClusterSettings field (repeatable)")
    parser.add_argument("--splits", nargs="+", default=["dev", "test"], choices=["dev", "test"],
                        help="SemEval splits to report (tune with --splits dev: the test split is not printed)")
    args = parser.parse_args()
    engine = Engine(Settings(encoder=args.encoder, pair_encoder=args.pair_encoder))
    overrides = {}
    for item in args.set:
        name, _, value = item.partition("=")
        overrides[name] = None if value == "none" else float(value) if "." in value else int(value)
    settings = replace(ClusterSettings(), **overrides)

    wikiref = load_wikiref(engine, args.data / "clustering" / "wikiref220")
    analysed = analysed_cached(engine, [a for _, a in wikiref], "wikiref220")
    grid = [round(t, 2) for t in np.arange(0.30, 0.86, 0.05)]
    wiki = wikiref_scores(analysed, [label for label, _ in wikiref], args.seeds, settings, grid)

    files = [args.data / "semeval2022" / name for name in train_judge.RATING_FILES]
    articles, pairs = load_semeval(files, engine.gazetteer.is_place)
    ratings = read_ratings([str(path) for path in files])
    role = dict(zip((r.pair_id for r in ratings), roles(ratings, train_judge.held_out_articles())))
    stream = analysed_cached(engine, articles, "semeval-both")
    stories = run_marsad(shuffled(stream, args.seeds[0]), settings)  # one order: the stream is 12 times WikiRef220
    semeval = {split: semeval_scores(stories, [p for p in pairs if role.get(p[0]) == split]) for split in args.splits}

    pair_name = engine.analyser.pair_encoder.name if engine.analyser.pair_encoder is not None else "none"
    print(f"WikiRef220 B-cubed (mean of seeds {args.seeds}), encoder {args.encoder}, pair encoder {pair_name}, settings {overrides or 'defaults'}")
    print(f"  {'':<28} {'P':>6} {'R':>6} {'F1':>6}")
    print(f"  {'marsad':<28} {wiki['marsad'][0]:6.3f} {wiki['marsad'][1]:6.3f} {wiki['marsad'][2]:6.3f}")
    label = f"baseline (cosine ≥ {wiki['baseline_threshold']})"
    print(f"  {label:<28} {wiki['baseline'][0]:6.3f} {wiki['baseline'][1]:6.3f} {wiki['baseline'][2]:6.3f}")
    sizes = sorted(Counter(stories.values()).values(), reverse=True)
    big = sum(size for size in sizes if size >= 10)
    print(f"SemEval stream of {len(stream)} undated articles: {len(sizes)} stories, the largest {sizes[:5]}, "
          f"{big / len(stream):.1%} of the articles in stories of 10 or more (one topic's different events chained together, mostly)")
    for split, result in semeval.items():
        what = "frozen test split" if split == "test" else "dev fold (settings chosen on it)"
        print(f"SemEval pairs, {what}, in a stream of {len(stream)} articles: very similar together {result['similar_together']} of {result['similar_pairs']}, "
              f"unrelated apart {result['unrelated_apart']} of {result['unrelated_pairs']}, rated 3 or more apart {result['dissimilar_apart']} of {result['dissimilar_pairs']}")
        for languages, r in result["per_language_pair"].items():
            print(f"  {languages:<6} together {r['similar_together']} ({r['similar']})  apart {r['unrelated_apart']} ({r['unrelated']})")
    print(json.dumps({"encoder": args.encoder, "pair_encoder": pair_name, "settings": overrides, "wikiref220": wiki, "semeval": semeval,
                      "stream": {"stories": len(sizes), "largest": sizes[:10], "share_in_10_or_more": round(big / len(stream), 4)}}))


if __name__ == "__main__":
    main()

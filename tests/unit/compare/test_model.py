"""The learned judge's file format and tree walking, the bundled models, and the rating folds."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from marsad.compare.features import FEATURES
from marsad.compare.model import FORMAT, MISSING, MODEL_FILES, JudgeModel, feature_matrix, model_for_dim
from marsad.compare.ratings import Rating, article_groups, folds
from marsad.errors import ModelError
from marsad.models import Dimension


def tiny_model(threshold: float = 0.5) -> dict:
    """Overall: one stump on document_cosine (≤ threshold → +1, else -1) around 2.5; other dimensions flat."""
    stump = {"depth": 1, "feature": [0, -2, -2], "threshold": [threshold, 0.0, 0.0], "left": [1, -1, -1], "right": [2, -1, -1], "value": [0.0, 1.0, -1.0]}
    leaf = {"depth": 0, "feature": [-2], "threshold": [0.0], "left": [-1], "right": [-1], "value": [0.0]}
    return {
        "format": FORMAT,
        "encoder": "test",
        "features": list(FEATURES),
        "statistics": {"aligned_similarity": 0.9, "rarity": {}, "rare_weight": 1.0, "tone_axes": None},
        "dimensions": {d.value: {"baseline": 2.5, "learning_rate": 1.0, "trees": [stump if d is Dimension.OVERALL else leaf]} for d in Dimension},
    }


def test_tree_walk_follows_thresholds_and_missing_values():
    model = JudgeModel.from_dict(tiny_model())
    rows = feature_matrix([{"document_cosine": 0.9}, {"document_cosine": 0.1}, {"document_cosine": None}])
    assert rows[2, 0] == MISSING
    overall = model.predict(rows)[:, 0]
    assert overall.tolist() == [1.5, 3.5, 3.5]  # no evidence goes the low-similarity way
    assert model.score({"document_cosine": 0.9})[Dimension.GEOGRAPHY] == 2.5


def test_predictions_are_clipped_to_the_scale():
    data = tiny_model()
    data["dimensions"]["overall"]["learning_rate"] = 10.0
    model = JudgeModel.from_dict(data)
    assert model.predict(feature_matrix([{"document_cosine": 0.9}, {"document_cosine": 0.0}]))[:, 0].tolist() == [1.0, 4.0]


def test_wrong_format_is_a_model_error():
    with pytest.raises(ModelError, match="not a marsad judge model"):
        JudgeModel.from_dict({"format": "something-else"})


@pytest.mark.parametrize("dim", sorted(MODEL_FILES))
def test_bundled_models_are_small_versioned_and_complete(dim):
    path = resources.files("marsad.compare").joinpath("data", MODEL_FILES[dim])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(path.read_bytes()) < 1_500_000
    # The trees read every feature but the pair cosine, which only the blend reads.
    assert data["format"] == FORMAT and data["features"] == [name for name in FEATURES if name != "pair_cosine"]
    assert list(data["dimensions"]) == [d.value for d in Dimension]
    assert data["provenance"]["script"] == "scripts/train_judge.py" and data["provenance"]["pairs"] > 1000
    if dim != 384:  # the e5 file predates the pair encoder
        assert data["blend"]["feature"] == "pair_cosine" and list(data["blend"]["weights"]) == [d.value for d in Dimension]
        assert "frozen test split" in data["provenance"]["held_out"]
    model = model_for_dim(dim)
    rng = np.random.default_rng(0)
    rows = rng.uniform(-0.2, 1.0, size=(50, len(model.features)))
    batch = model.predict(rows)
    assert batch.shape == (50, 7) and (batch >= 1.0).all() and (batch <= 4.0).all()
    single = model.score(dict(zip(model.features, rows[3].tolist())))
    assert [single[d] for d in Dimension] == pytest.approx(batch[3].tolist())


def test_bundled_model_scores_similar_features_as_more_similar():
    model = model_for_dim(256)
    close = {name: 0.0 for name in FEATURES} | {"document_cosine": 0.95, "word_cosine": 0.8, "lead_cosine": 0.95, "chunk_best": 0.95, "sentence_best_mean": 0.95, "sentence_top": 1.0, "narrative_coverage": 0.9, "narrative_coverage_min": 0.9, "entities": 0.8, "same_language": 1.0}
    far = {name: 0.0 for name in FEATURES} | {"document_cosine": 0.0, "word_cosine": 0.02, "lead_cosine": 0.0, "chunk_best": 0.1, "sentence_best_mean": 0.1, "sentence_top": 0.2, "entities": 0.0, "same_language": 1.0}
    assert model.score(close)[Dimension.OVERALL] + 1.0 < model.score(far)[Dimension.OVERALL]


def _rating(pair_id: str, augmented: bool = False) -> Rating:
    return Rating(pair_id, "en", "en", "a", "b", {d: 2.0 for d in Dimension}, augmented)


def test_folds_keep_each_article_on_one_side():
    ratings = [_rating("1_2"), _rating("2_3"), _rating("4_5"), _rating("6_7"), _rating("1it_2it", augmented=True), _rating("8_9"), _rating("10_11")]
    groups = article_groups(ratings)
    assert groups[0] == groups[1] == groups[4]  # 1-2, 2-3 and the translated copy of 1-2 share articles
    fold_of = folds(ratings, k=3)
    seen: dict[str, int] = {}
    for rating, fold in zip(ratings, fold_of):
        for article in rating.article_ids:
            assert seen.setdefault(article, fold) == fold


def test_blend_reads_the_pair_cosine_and_falls_back_to_the_trees_without_it():
    data = tiny_model()
    data["features"] = [name for name in FEATURES if name != "pair_cosine"]
    # Overall = 4 - 3 × pair cosine, ignoring the trees; the other dimensions keep the trees' score.
    weights = {d.value: ([4.0, 0.0, -3.0] if d is Dimension.OVERALL else [0.0, 1.0, 0.0]) for d in Dimension}
    data["blend"] = {"feature": "pair_cosine", "weights": weights}
    model = JudgeModel.from_dict(data)
    assert model.features[-1] == "pair_cosine"
    rows = feature_matrix([{"document_cosine": 0.1, "pair_cosine": 0.9}, {"document_cosine": 0.1, "pair_cosine": None},
                           {"document_cosine": 0.9, "pair_cosine": -1.0}], model.features)
    scores = model.predict(rows)
    assert scores[:, 0].tolist() == pytest.approx([1.3, 3.5, 4.0])  # blended; the trees alone; clipped at 4
    assert scores[0, 1] == 2.5


def _language_rating(pair_id: str, languages: str, augmented: bool = False) -> Rating:
    a, b = languages.split("-")
    return Rating(pair_id, a, b, "a", "b", {d: 2.0 for d in Dimension}, augmented)


def test_frozen_test_split_takes_whole_components_of_every_language_pair():
    from marsad.compare.ratings import frozen_test, roles

    ratings = [_language_rating(f"{100 + i}_{200 + i}", "ar-ar") for i in range(10)]
    ratings += [_language_rating(f"{300 + i}_{400 + i}", "de-en") for i in range(10)]
    ratings += [_language_rating("300_999", "de-en"), _language_rating("300it_999it", "it-it", augmented=True)]
    test = frozen_test(ratings)
    assert test == frozen_test(list(ratings))  # fixed, not drawn
    for languages in ("ar-ar", "de-en"):
        assert 1 <= sum(flag for r, flag in zip(ratings, test) if f"{r.language_a}-{r.language_b}" == languages) <= 4
    # An article's pairs are all on one side (300 is in three pairs, one augmented).
    sides = {flag for r, flag in zip(ratings, test) if "300" in r.article_ids}
    assert len(sides) == 1
    role = roles(ratings, held_out={"105"})
    assert role.count("test") == sum(test)
    assert all(value in ("test", "held_out") for r, value in zip(ratings, role) if "105" in r.article_ids)
    assert {"train", "dev"} <= set(role)


def test_fit_blend_recovers_the_weights_of_a_linear_mix():
    from marsad.compare.learn import fit_blend

    rng = np.random.default_rng(1)
    trees = rng.uniform(1, 4, size=(200, 7))
    cosines = rng.uniform(0.7, 1.0, size=200)
    targets = 5.0 + 0.3 * trees - 4.0 * cosines[:, None]
    weights = fit_blend(trees, cosines, targets)
    assert weights.shape == (7, 3)
    assert weights[0] == pytest.approx([5.0, 0.3, -4.0], abs=1e-6)

"""The learned pair judge: boosted regression trees per dimension, read from a small JSON file.

The file is written by ``scripts/train_judge.py`` (scikit-learn, fixed seeds, one thread) and
read here with numpy alone: scoring never retrains and never needs scikit-learn. One file per
encoder, because the features' scale depends on the encoder (``use`` puts unrelated news at
cosine 0.04 and the same event at 0.65; e5 at 0.92 and 0.985).

All trees of all seven dimensions are flattened into one node table and walked together, one
numpy step per tree level, so a batch of pairs is scored in a handful of array operations.

A file may add a ``blend``: per dimension, ``intercept + tree × trees' score + pair × pair
cosine``, where the pair cosine is that of the fine-tuned pair encoder
(:mod:`marsad.encoders.news`). The trees never see that cosine (they are fitted on pairs the
encoder was trained on, where it is too good); the three blend weights are fitted on the dev
fold, which neither the encoder nor those trees saw. A pair without pair vectors gets the
trees' score alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from marsad.compare.features import FEATURES, FeatureStatistics
from marsad.errors import ModelError
from marsad.models import Dimension

FORMAT = "marsad-judge/1"
MISSING = -2.0  # stands for a feature with no evidence (below every cosine, share and gap)

# Which model file serves vectors of which width: Analysis carries vectors, not the encoder's name.
MODEL_FILES = {512: "judge-use.json", 384: "judge-e5.json", 256: "judge-hashing.json"}


def feature_matrix(rows: list[dict[str, float | None]], names: tuple[str, ...] = FEATURES) -> np.ndarray:
    return np.array([[MISSING if row.get(name) is None else row[name] for name in names] for row in rows], dtype=np.float64).reshape(len(rows), len(names))


@dataclass
class JudgeModel:
    """Seven boosted-tree regressors over the pair features, plus the statistics the features need."""

    encoder: str
    features: tuple[str, ...]
    statistics: FeatureStatistics
    dimensions: tuple[Dimension, ...]
    baselines: np.ndarray  # (n_dimensions,)
    learning_rates: np.ndarray  # (n_dimensions,)
    tree_dimension: np.ndarray  # (n_trees,) which dimension each tree adds to
    tree_root: np.ndarray  # (n_trees,) index of each tree's root node
    node_feature: np.ndarray  # (n_nodes,) feature index; leaves point to feature 0 with threshold +inf
    node_threshold: np.ndarray
    node_left: np.ndarray  # leaves point to themselves
    node_right: np.ndarray
    node_value: np.ndarray
    depth: int
    blend: np.ndarray | None = None  # (n_dimensions, 3): intercept, weight of the trees' score, weight of the pair cosine

    def __post_init__(self) -> None:
        # One-hot (n_trees, n_dimensions): summing leaf values per dimension is one matrix product.
        self._tree_to_dimension = np.eye(len(self.dimensions))[self.tree_dimension]

    @classmethod
    def from_dict(cls, data: dict) -> "JudgeModel":
        if data.get("format") != FORMAT:
            raise ModelError(f"not a marsad judge model (format {data.get('format')!r}, expected {FORMAT!r})")
        features = tuple(data["features"])
        stats = data["statistics"]
        axes = stats.get("tone_axes")
        statistics = FeatureStatistics(
            aligned_similarity=stats["aligned_similarity"],
            rarity=dict(stats.get("rarity", {})),
            rare_weight=stats.get("rare_weight", 1.0),
            tone_axes=np.asarray(axes, dtype=np.float32) if axes else None,
            stemmed_words=stats.get("stemmed_words", False),
        )
        dimensions, baselines, rates = [], [], []
        tree_dimension, tree_root = [], []
        feature, threshold, left, right, value = [], [], [], [], []
        depth = 0
        blend = data.get("blend")
        if blend is not None:
            features = (*features, blend["feature"])
        for position, (name, model) in enumerate(data["dimensions"].items()):
            dimensions.append(Dimension(name))
            baselines.append(model["baseline"])
            rates.append(model["learning_rate"])
            for tree in model["trees"]:
                offset = len(feature)
                tree_dimension.append(position)
                tree_root.append(offset)
                depth = max(depth, tree["depth"])
                for f, t, l, r, v in zip(tree["feature"], tree["threshold"], tree["left"], tree["right"], tree["value"]):
                    leaf = l < 0
                    feature.append(0 if leaf else f)
                    threshold.append(np.inf if leaf else t)
                    left.append(len(feature) - 1 if leaf else offset + l)
                    right.append(len(feature) - 1 if leaf else offset + r)
                    value.append(v)
        return cls(
            encoder=data["encoder"],
            features=features,
            statistics=statistics,
            dimensions=tuple(dimensions),
            baselines=np.array(baselines),
            learning_rates=np.array(rates),
            tree_dimension=np.array(tree_dimension, dtype=np.intp),
            tree_root=np.array(tree_root, dtype=np.intp),
            node_feature=np.array(feature, dtype=np.intp),
            node_threshold=np.array(threshold, dtype=np.float64),
            node_left=np.array(left, dtype=np.intp),
            node_right=np.array(right, dtype=np.intp),
            node_value=np.array(value, dtype=np.float64),
            depth=depth,
            blend=np.array([blend["weights"][d.value] for d in dimensions], dtype=np.float64) if blend is not None else None,
        )

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Scores ``(n_pairs, n_dimensions)`` on the 1–4 scale for a ``(n_pairs, n_features)`` matrix."""
        features = np.atleast_2d(features)
        rows = np.arange(len(features))[:, None]
        node = np.broadcast_to(self.tree_root, (len(features), len(self.tree_root)))
        for _ in range(self.depth):
            goes_left = features[rows, self.node_feature[node]] <= self.node_threshold[node]
            node = np.where(goes_left, self.node_left[node], self.node_right[node])
        sums = self.node_value[node] @ self._tree_to_dimension  # (n_pairs, n_trees) @ (n_trees, n_dimensions)
        scores = np.clip(self.baselines + self.learning_rates * sums, 1.0, 4.0)
        if self.blend is None:
            return scores
        cosine = features[:, -1:]  # the blend feature is the last column (from_dict appends it)
        blended = self.blend[:, 0] + self.blend[:, 1] * scores + self.blend[:, 2] * cosine
        return np.where(cosine == MISSING, scores, np.clip(blended, 1.0, 4.0))

    def score(self, features: dict[str, float | None]) -> dict[Dimension, float]:
        row = self.predict(feature_matrix([features], self.features))[0]
        return {dimension: float(row[position]) for position, dimension in enumerate(self.dimensions)}


def load_model_file(path) -> JudgeModel:
    try:
        with open(path, encoding="utf-8") as handle:
            return JudgeModel.from_dict(json.load(handle))
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"{path}: cannot read the judge model ({error})") from None


@lru_cache(maxsize=None)
def model_for_dim(dim: int) -> JudgeModel:
    """The bundled model for vectors of width ``dim`` (one per encoder), loaded once."""
    name = MODEL_FILES.get(dim)
    if name is None:
        raise ModelError(f"no judge model for {dim}-dimensional vectors (bundled: {sorted(MODEL_FILES)})")
    with resources.as_file(resources.files("marsad.compare").joinpath("data", name)) as path:
        if not path.exists():
            raise ModelError(f"the judge model {name} is missing (run scripts/train_judge.py)")
        return load_model_file(path)

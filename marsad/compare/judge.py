"""The pair judge: features → seven scores on the SemEval-2022 Task 8 scale (1 = very similar … 4 = unrelated).

The scores come from a model learned on human ratings (:mod:`marsad.compare.model`, trained by
``scripts/train_judge.py``); the evidence (:mod:`marsad.compare.evidence`) is read straight off
the analyses, so a reader can check every score against what the two articles say.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from marsad.compare.align import align, similarity_matrix
from marsad.compare.evidence import build_evidence
from marsad.compare.features import Profile, conflicts, pair_features, profile
from marsad.compare.model import JudgeModel, feature_matrix, model_for_dim
from marsad.models import Analysed, Comparison


def _model_for(a: Analysed, b: Analysed, model: JudgeModel | None) -> JudgeModel:
    if model is not None:
        return model
    return model_for_dim(int(a.analysis.document_vector.shape[-1]))


def compare_analysed(a: Analysed, b: Analysed, model: JudgeModel | None = None) -> Comparison:
    """Judge one pair of analysed articles: scores, evidence and the features behind the scores.

    ``model`` defaults to the bundled model of the encoder that made the vectors.
    """
    model = _model_for(a, b, model)
    matrix = similarity_matrix(a.analysis.sentence_vectors, b.analysis.sentence_vectors)
    aligned = align(matrix, model.statistics.aligned_similarity)
    features = pair_features(a, b, matrix, model.statistics)
    evidence = build_evidence(a, b, aligned, matrix, model.statistics.aligned_similarity)
    return Comparison(scores=model.score(features), evidence=evidence, features={k: v for k, v in features.items() if v is not None})


class PairScorer:
    """Scores many pairs of analysed articles, working out each article's profile once.

    For batches (``marsad score-pairs``, the benchmark): no evidence, only the seven scores,
    and the model walks all pairs of a batch at once.

    Args:
        model: the judge model.
        max_profiles: keep at most this many profiles, least recently used dropped first
            (``None``: all of them, for a batch that ends).
    """

    def __init__(self, model: JudgeModel, max_profiles: int | None = None):
        self.model = model
        self.max_profiles = max_profiles
        self._profiles: OrderedDict[int, tuple[Analysed, Profile]] = OrderedDict()

    def _profile(self, doc: Analysed) -> Profile:
        # Keyed by object identity, holding the object so the id cannot be reused while cached.
        cached = self._profiles.get(id(doc))
        if cached is None:
            cached = self._profiles[id(doc)] = (doc, profile(doc, self.model.statistics))
            if self.max_profiles is not None and len(self._profiles) > self.max_profiles:
                self._profiles.popitem(last=False)
        elif self.max_profiles is not None:
            self._profiles.move_to_end(id(doc))
        return cached[1]

    def forget(self, doc: Analysed) -> None:
        self._profiles.pop(id(doc), None)

    def features(self, a: Analysed, b: Analysed) -> dict[str, float | None]:
        matrix = similarity_matrix(a.analysis.sentence_vectors, b.analysis.sentence_vectors)
        return pair_features(a, b, matrix, self.model.statistics, (self._profile(a), self._profile(b)))

    def score_many(self, pairs: list[tuple[Analysed, Analysed]]) -> np.ndarray:
        """``(len(pairs), 7)`` scores, columns in the order of ``model.dimensions``."""
        if not pairs:
            return np.zeros((0, len(self.model.dimensions)))
        return self.model.predict(feature_matrix([self.features(a, b) for a, b in pairs], self.model.features))

    def conflicts(self, a: Analysed, b: Analysed) -> tuple[bool, bool]:
        """(places, dates) in conflict: see :func:`marsad.compare.features.conflicts`."""
        return conflicts(self._profile(a), self._profile(b))

"""The pair judge: features → seven scores on the SemEval-2022 Task 8 scale (1 = very similar … 4 = unrelated).

This first judge is a transparent hand-set blend of the features; each dimension leans on the
features that define it in the task's codebook (places for Geography, people and organisations
for Entities, dates for Time, sentence alignment for Narrative), and on the embedding similarity
where its own evidence is missing. The embedding scale was set on e5 "query:" document vectors:
same-event articles score about 0.97 and above, unrelated news articles in the same language 0.92 and below (means of sentence vectors sit high on e5's compressed scale).
"""

from __future__ import annotations

import numpy as np

from marsad.compare.align import align, similarity_matrix
from marsad.compare.evidence import build_evidence
from marsad.compare.features import pair_features
from marsad.models import Analysed, Comparison, Dimension

# Document cosine mapped linearly onto [0, 1] similarity between these two points. Across
# languages e5 puts the same content lower (0.92–0.93 for an Arabic and an English report of
# one event), so cross-language pairs have their own scale.
UNRELATED_COSINE = 0.90
SAME_EVENT_COSINE = 0.975
CROSS_LANGUAGE_UNRELATED_COSINE = 0.84
CROSS_LANGUAGE_SAME_EVENT_COSINE = 0.93


def _scaled(cosine: float | None, same_language: bool = True) -> float | None:
    if cosine is None:
        return None
    low, high = (UNRELATED_COSINE, SAME_EVENT_COSINE) if same_language else (CROSS_LANGUAGE_UNRELATED_COSINE, CROSS_LANGUAGE_SAME_EVENT_COSINE)
    return float(np.clip((cosine - low) / (high - low), 0.0, 1.0))


def _blend(*weighted: tuple[float, float | None]) -> float:
    """Weighted mean of the similarities that are known (None = no evidence either way)."""
    known = [(weight, value) for weight, value in weighted if value is not None]
    total = sum(weight for weight, _ in known)
    return sum(weight * value for weight, value in known) / total if total else 0.0


def _score(similarity: float) -> float:
    return round(4.0 - 3.0 * float(np.clip(similarity, 0.0, 1.0)), 2)


def scores_from_features(features: dict[str, float | None]) -> dict[Dimension, float]:
    same_language = bool(features["same_language"])
    embedding = _scaled(features["document_cosine"], same_language)
    title = _scaled(features["title_cosine"], same_language)
    narrative = _blend((0.5, features["narrative_coverage"] ** 0.5 if features["narrative_coverage"] is not None else None), (0.5, embedding))
    days = features["days_apart"]
    recency = None if days is None else float(np.exp(-days / 7))
    style = float(np.exp(-features["style_distance"]))
    return {
        Dimension.OVERALL: _score(_blend((0.45, embedding), (0.15, title), (0.2, features["entities"]), (0.1, features["places"]), (0.1, narrative))),
        Dimension.GEOGRAPHY: _score(_blend((0.6, features["places"]), (0.4, embedding))),
        Dimension.ENTITIES: _score(_blend((0.6, features["entities"]), (0.4, embedding))),
        Dimension.TIME: _score(_blend((0.4, features["dates"]), (0.2, recency), (0.4, embedding))),
        Dimension.NARRATIVE: _score(narrative),
        Dimension.STYLE: _score(_blend((0.6, style), (0.4, embedding))),
        Dimension.TONE: _score(_blend((0.3, style), (0.7, embedding))),
    }


def compare_analysed(a: Analysed, b: Analysed) -> Comparison:
    """Judge one pair of analysed articles."""
    matrix = similarity_matrix(a.analysis.sentence_vectors, b.analysis.sentence_vectors)
    aligned = align(matrix)
    features = pair_features(a, b, matrix)
    evidence = build_evidence(a, b, aligned)
    return Comparison(scores=scores_from_features(features), evidence=evidence, features={k: v for k, v in features.items() if v is not None})

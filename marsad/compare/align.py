"""Sentence alignment across two articles (any two languages) from sentence vectors.

The threshold for "says the same thing" depends on the encoder: each judge model carries its
own (learned as the cosine that 99% of best sentence matches between unrelated articles stay
under); :data:`ALIGNED_SIMILARITY` is only the fallback for callers without a model.
"""

from __future__ import annotations

import numpy as np

# Measured for e5 "query:" vectors on the sample pair: paraphrased sentences of the same fact
# score 0.88–0.93, same-topic unrelated sentences 0.80–0.86. Other encoders use their model's value.
ALIGNED_SIMILARITY = 0.88


def similarity_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), np.float32)
    return a @ b.T


def align(matrix: np.ndarray, threshold: float = ALIGNED_SIMILARITY) -> list[tuple[int, int, float]]:
    """Mutual best matches above ``threshold`` as ``(i, j, similarity)``, in the order of side A."""
    if matrix.size == 0:
        return []
    best_b = matrix.argmax(axis=1)
    best_a = matrix.argmax(axis=0)
    pairs = []
    for i, j in enumerate(best_b):
        if best_a[j] == i and matrix[i, j] >= threshold:
            pairs.append((i, int(j), float(matrix[i, j])))
    return pairs


def coverage(matrix: np.ndarray, threshold: float = ALIGNED_SIMILARITY) -> tuple[float, float]:
    """Share of A's sentences with a counterpart in B, and of B's in A."""
    if matrix.size == 0:
        return 0.0, 0.0
    rows, columns = matrix.shape
    return float(np.count_nonzero(matrix.max(axis=1) >= threshold)) / rows, float(np.count_nonzero(matrix.max(axis=0) >= threshold)) / columns

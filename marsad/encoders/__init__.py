"""Encoders: texts to vectors, behind one small interface (:class:`Encoder`).

``use`` (Universal Sentence Encoder multilingual v3, the default, fast) and ``e5``
(multilingual-e5-small, slower) are real multilingual models; ``hashing`` is a deterministic
stand-in for unit tests.
"""

from __future__ import annotations

from marsad.encoders.base import Encoder
from marsad.errors import ConfigError


def load_encoder(name: str, threads: int | None = None) -> Encoder:
    """The encoder called ``name`` (``"use"``, ``"e5"`` or ``"hashing"``).

    ``threads`` caps the model's threads; one thread gives bit-for-bit repeatable vectors
    (the training script needs that), more are faster.
    """
    if name == "use":
        from marsad.encoders.use import UseEncoder

        return UseEncoder(threads=threads)
    if name == "e5":
        from marsad.encoders.e5 import E5Encoder

        return E5Encoder(threads=threads)
    if name == "hashing":
        from marsad.encoders.hashing import HashingEncoder

        return HashingEncoder()
    raise ConfigError(f"unknown encoder {name!r} (choose use, e5 or hashing)")


__all__ = ["Encoder", "load_encoder"]

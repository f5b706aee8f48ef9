"""Encoders: texts to vectors, behind one small interface (:class:`Encoder`).

``e5`` is the real multilingual model; ``hashing`` a deterministic stand-in for unit tests.
"""

from __future__ import annotations

from marsad.encoders.base import Encoder
from marsad.errors import ConfigError


def load_encoder(name: str) -> Encoder:
    """The encoder called ``name`` (``"e5"`` or ``"hashing"``)."""
    if name == "e5":
        from marsad.encoders.e5 import E5Encoder

        return E5Encoder()
    if name == "hashing":
        from marsad.encoders.hashing import HashingEncoder

        return HashingEncoder()
    raise ConfigError(f"unknown encoder {name!r} (choose e5 or hashing)")


__all__ = ["Encoder", "load_encoder"]

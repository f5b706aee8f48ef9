"""A tiny deterministic stand-in encoder for unit tests: hashed word and character n-grams.

It knows nothing of meaning or of languages: two texts are similar when they share normalised
words. That is enough to test the pipeline's plumbing exactly and fast, without the real model.
"""

from __future__ import annotations

import hashlib

import numpy as np
import regex

from marsad.analyse.normalise import normalise

_WORD = regex.compile(r"[\p{L}\p{N}]+")


class HashingEncoder:
    name = "hashing-256"
    dim = 256

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(normalise(text)):
                for feature in (word, word[:4]):  # the 4-letter prefix survives Arabic suffixes
                    digest = hashlib.blake2b(feature.encode(), digest_size=4).digest()
                    index = int.from_bytes(digest, "little")
                    vectors[row, index % self.dim] += 1.0 if index & 1 << 31 else -1.0
            norm = np.linalg.norm(vectors[row])
            if norm:
                vectors[row] /= norm
        return vectors

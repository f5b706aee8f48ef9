"""Wire copies and near-duplicates: MinHash over normalised word shingles, LSH by bands.

An article's body is normalised (:func:`marsad.analyse.normalise.normalise`: Arabic letter
variants, diacritics, digits, case), cut into overlapping word n-grams, and summarised by a
datasketch :class:`~datasketch.MinHash`. The signature is split into ``bands`` bands of
``rows`` values; each band hashes to one signed 64-bit key. Two articles sharing a key are
candidates (the LSH S-curve: with 32 bands of 4 rows, pairs of Jaccard 0.5 meet with
probability 0.87, pairs of 0.2 with 0.05); the signatures then estimate their Jaccard and the
thresholds decide. Keys live in an indexed table of the store, so a look-up is one index seek
per band whatever the store holds, and nothing has to be kept in memory between runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import regex
from datasketch import MinHash

from marsad.analyse.normalise import normalise

_WORD = regex.compile(r"[\p{L}\p{N}]+")


@dataclass(frozen=True)
class CopySettings:
    """What makes a copy.

    Args:
        num_perm: MinHash permutations (signature length).
        bands: LSH bands (``num_perm`` must be a multiple); rows per band = num_perm / bands.
        shingle: words per shingle.
        near_duplicate: estimated Jaccard from which an article is a near-duplicate of an
            earlier one (lightly edited copy: new headline, a paragraph added or cut).
        wire: estimated Jaccard from which it is a wire copy (republished verbatim, up to
            the outlet's own boilerplate).
        min_words: shorter bodies are never called copies (too little text to tell).
        seed: MinHash seed (changing it changes every key).
    """

    num_perm: int = 128
    bands: int = 32
    shingle: int = 4
    near_duplicate: float = 0.5
    wire: float = 0.85
    min_words: int = 40
    seed: int = 1


@dataclass(frozen=True)
class Fingerprint:
    signature: np.ndarray | None  # uint32 MinHash values, None when the text is too short
    bands: tuple[int, ...]


class CopyFinder:
    """Computes fingerprints and judges whether two fingerprints are copies."""

    def __init__(self, settings: CopySettings | None = None):
        self.settings = settings = settings or CopySettings()
        if settings.num_perm % settings.bands:
            raise ValueError(f"num_perm ({settings.num_perm}) must be a multiple of bands ({settings.bands})")
        self.rows = settings.num_perm // settings.bands
        # The permutations are drawn once: MinHash() would draw them again for every article.
        template = MinHash(num_perm=settings.num_perm, seed=settings.seed)
        self._scheme, self._permutations = template.scheme, template.permutations

    def fingerprint(self, text: str) -> Fingerprint:
        words = _WORD.findall(normalise(text))
        if len(words) < self.settings.min_words:
            return Fingerprint(None, ())
        n = self.settings.shingle
        shingles = {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}
        minhash = MinHash(num_perm=self.settings.num_perm, seed=self.settings.seed, permutations=self._permutations, scheme=self._scheme)
        minhash.update_batch(list(shingles))
        signature = minhash.hashvalues.astype(np.uint32)
        return Fingerprint(signature, self.band_keys(signature))

    def band_keys(self, signature: np.ndarray) -> tuple[int, ...]:
        keys = []
        for band in range(self.settings.bands):
            chunk = signature[band * self.rows : (band + 1) * self.rows].astype("<u4").tobytes()
            digest = hashlib.blake2b(band.to_bytes(2, "little") + chunk, digest_size=8).digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return tuple(keys)

    @staticmethod
    def similarity(a: np.ndarray, b: np.ndarray) -> float:
        """Estimated Jaccard of the two shingle sets."""
        return float(np.count_nonzero(a == b)) / len(a)

    def kind(self, similarity: float) -> str | None:
        """``"wire"``, ``"near-duplicate"`` or ``None`` (independent)."""
        if similarity >= self.settings.wire:
            return "wire"
        if similarity >= self.settings.near_duplicate:
            return "near-duplicate"
        return None

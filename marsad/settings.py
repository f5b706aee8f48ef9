"""One frozen settings object, passed explicitly to every stage (no ``os.environ`` in stages)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from marsad.errors import ConfigError

ENCODERS = ("use", "e5", "hashing")
PAIR_ENCODERS = ("auto", "e5-pair", "hashing", "none")

# Every language lingua 2.1 has a model for, by ISO 639-1 code.
LINGUA_LANGUAGES = (
    "af", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "eo", "es", "et", "eu", "fa",
    "fi", "fr", "ga", "gu", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "ko", "la", "lg", "lt",
    "lv", "mi", "mk", "mn", "mr", "ms", "nb", "nl", "nn", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "sn", "so", "sq",
    "sr", "st", "sv", "sw", "ta", "te", "th", "tl", "tn", "tr", "ts", "uk", "ur", "vi", "xh", "yo", "zh", "zu",
)
# The languages of lingua each sentence encoder was trained on: USE multilingual v3's 16 (its model
# card; Chinese counted once) and multilingual-e5-small's (XLM-R's 100: all of lingua's but seven
# African languages and Maori). The hashing stand-in takes the default encoder's, so that unit
# tests see what users see.
_USE_LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")
ENCODER_LANGUAGES = {
    "use": _USE_LANGUAGES,
    "e5": tuple(code for code in LINGUA_LANGUAGES if code not in {"lg", "mi", "sn", "st", "ts", "tn", "yo", "zu"}),
    "hashing": _USE_LANGUAGES,
}


# Word pieces of each article the entity encoder reads by default in the pipeline (ingest, compare,
# cluster): none. Reading 512 raises entity F1 by 0.05-0.09 but costs about 32 ms an article, which
# takes ingest from 32 to 21 articles/s, below the target of 30 (bench/ENTITIES.md); pair scoring
# with embeddings computed fell under issue 20's 10 pairs/s already with the cheaper four-layer
# encoder (8.8). ``marsad entities`` reads whole texts.
DEFAULT_ENTITY_PIECES = 0

# Vector length of each sentence encoder (a test holds them equal to the encoders' own ``dim``): a
# store holds one encoder's vectors, and ingesting another's is refused before it starts.
ENCODER_DIMS = {"use": 512, "e5": 384, "hashing": 256}


def user_cache_dir() -> Path:
    """Where marsad keeps what it builds once (the gazetteer): ``$MARSAD_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/marsad``, else ``~/.cache/marsad``. Deleting it only costs a rebuild."""
    if os.environ.get("MARSAD_CACHE_DIR"):
        return Path(os.environ["MARSAD_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "marsad"


@dataclass(frozen=True)
class Settings:
    """Everything that changes a result.

    Args:
        encoder: ``"use"`` (Universal Sentence Encoder multilingual v3: the default, about
            3 ms a sentence on one core), ``"e5"`` (multilingual-e5-small: about 40 ms) or ``"hashing"``
            (a tiny deterministic stand-in for unit tests; no meaning, only shared words).
        pair_encoder: the article-level encoder fine-tuned on same-event ratings, whose vectors the
            pair judge and the stories read (:mod:`marsad.encoders.news`): ``"e5-pair"`` (about
            30 ms an article on one core), ``"hashing"`` (the unit tests' stand-in), ``"none"``
            (without it: faster, for bulk backfills, and the judge falls back to its other
            features) or ``"auto"`` (the default: ``hashing`` with the hashing encoder,
            ``e5-pair`` otherwise).
        max_page_bytes: pages larger than this are refused with a clear error, not read.
        languages: ISO 639-1 codes the language identifier chooses among; None (the default):
            every language lingua knows that ``encoder`` covers
            (:data:`marsad.analyse.language.ENCODER_LANGUAGES`). Text it is unsure of is ``und``.
        entity_pieces: how much of each Arabic or English article the entity encoder reads
            (:mod:`marsad.analyse.entity_encoder`, about 0.1 ms a piece on one core), in
            word pieces from the title on; the rest is tagged by the CRF alone. 0 (the default):
            the CRF alone; 512: entity F1 0.05–0.09 higher for about 32 ms more an article;
            -1: the whole article.
    """

    encoder: str = "use"
    pair_encoder: str = "auto"
    max_page_bytes: int = 20 * 1024 * 1024
    languages: tuple[str, ...] | None = None
    entity_pieces: int = DEFAULT_ENTITY_PIECES

    def __post_init__(self) -> None:
        if self.entity_pieces < -1:
            raise ConfigError("entity_pieces: a number of word pieces, 0 (the CRF alone) or -1 (the whole article)")
        if self.encoder not in ENCODERS:
            raise ConfigError(f"unknown encoder {self.encoder!r} (choose one of: {', '.join(ENCODERS)})")
        if self.pair_encoder not in PAIR_ENCODERS:
            raise ConfigError(f"unknown pair encoder {self.pair_encoder!r} (choose one of: {', '.join(PAIR_ENCODERS)})")
        if self.max_page_bytes <= 0:
            raise ConfigError("max_page_bytes must be positive")
        if self.languages is None:
            object.__setattr__(self, "languages", ENCODER_LANGUAGES[self.encoder])
        else:
            languages = tuple(dict.fromkeys(code.strip().lower() for code in self.languages if code.strip()))
            unknown = [code for code in languages if code not in LINGUA_LANGUAGES]
            if unknown or not languages:
                raise ConfigError(f"languages: unknown code {', '.join(unknown) or '(none given)'} (use ISO 639-1 codes among: {', '.join(LINGUA_LANGUAGES)})")
            object.__setattr__(self, "languages", languages)

    @property
    def pair_encoder_name(self) -> str | None:
        """The pair encoder actually used (``auto`` resolved), or None."""
        if self.pair_encoder == "auto":
            return "hashing" if self.encoder == "hashing" else "e5-pair"
        return None if self.pair_encoder == "none" else self.pair_encoder

    def with_(self, **changes) -> Settings:
        # Languages that were the old encoder's default follow the new encoder.
        if "encoder" in changes and "languages" not in changes and self.languages == ENCODER_LANGUAGES[self.encoder]:
            changes["languages"] = None
        return replace(self, **changes)

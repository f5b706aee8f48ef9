"""One frozen settings object, passed explicitly to every stage (no ``os.environ`` in stages)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from marsad.errors import ConfigError

ENCODERS = ("use", "e5", "hashing")
PAIR_ENCODERS = ("auto", "e5-pair", "hashing", "none")


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
        languages: ISO 639-1 codes the language identifier chooses among.
    """

    encoder: str = "use"
    pair_encoder: str = "auto"
    max_page_bytes: int = 20 * 1024 * 1024
    languages: tuple[str, ...] = ("ar", "en", "de", "es", "fr", "it", "pl", "ru", "tr", "zh", "fa", "ur")

    def __post_init__(self) -> None:
        if self.encoder not in ENCODERS:
            raise ConfigError(f"unknown encoder {self.encoder!r} (choose one of: {', '.join(ENCODERS)})")
        if self.pair_encoder not in PAIR_ENCODERS:
            raise ConfigError(f"unknown pair encoder {self.pair_encoder!r} (choose one of: {', '.join(PAIR_ENCODERS)})")
        if self.max_page_bytes <= 0:
            raise ConfigError("max_page_bytes must be positive")

    @property
    def pair_encoder_name(self) -> str | None:
        """The pair encoder actually used (``auto`` resolved), or None."""
        if self.pair_encoder == "auto":
            return "hashing" if self.encoder == "hashing" else "e5-pair"
        return None if self.pair_encoder == "none" else self.pair_encoder

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

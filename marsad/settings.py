"""One frozen settings object, passed explicitly to every stage (no ``os.environ`` in stages)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from marsad.errors import ConfigError

ENCODERS = ("use", "e5", "hashing")


@dataclass(frozen=True)
class Settings:
    """Everything that changes a result.

    Args:
        encoder: ``"use"`` (Universal Sentence Encoder multilingual v3: the default, about
            3 ms a sentence on one core), ``"e5"`` (multilingual-e5-small: about 40 ms) or ``"hashing"``
            (a tiny deterministic stand-in for unit tests; no meaning, only shared words).
        max_page_bytes: pages larger than this are refused with a clear error, not read.
        languages: ISO 639-1 codes the language identifier chooses among.
    """

    encoder: str = "use"
    max_page_bytes: int = 20 * 1024 * 1024
    languages: tuple[str, ...] = ("ar", "en", "de", "es", "fr", "it", "pl", "ru", "tr", "zh", "fa", "ur")

    def __post_init__(self) -> None:
        if self.encoder not in ENCODERS:
            raise ConfigError(f"unknown encoder {self.encoder!r} (choose one of: {', '.join(ENCODERS)})")
        if self.max_page_bytes <= 0:
            raise ConfigError("max_page_bytes must be positive")

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

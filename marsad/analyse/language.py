"""Language identification with lingua (offline models inside the PyPI package)."""

from __future__ import annotations

from marsad.analyse.normalise import is_arabic_script

_LINGUA_NAMES = {
    "ar": "ARABIC", "en": "ENGLISH", "de": "GERMAN", "es": "SPANISH", "fr": "FRENCH", "it": "ITALIAN", "pl": "POLISH",
    "ru": "RUSSIAN", "tr": "TURKISH", "zh": "CHINESE", "fa": "PERSIAN", "ur": "URDU", "nl": "DUTCH", "pt": "PORTUGUESE",
}


class LanguageIdentifier:
    """ISO 639-1 code of a text, among the configured languages.

    The lingua model loads on first use (about two seconds), so building an engine that never
    detects a language costs nothing.
    """

    def __init__(self, languages: tuple[str, ...]):
        unknown = [code for code in languages if code not in _LINGUA_NAMES]
        if unknown:
            from marsad.errors import ConfigError

            raise ConfigError(f"no language model for {', '.join(unknown)} (supported: {', '.join(sorted(_LINGUA_NAMES))})")
        self.languages = languages
        self._detector = None

    def _load(self):
        from lingua import Language, LanguageDetectorBuilder

        chosen = [getattr(Language, _LINGUA_NAMES[code]) for code in self.languages]
        return LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()

    def detect(self, text: str) -> str | None:
        """The language of ``text``, or None for text with no letters."""
        sample = text[:2000]
        if not any(ch.isalpha() for ch in sample):
            return None
        # Arabic script among the configured languages is Arabic unless Persian or Urdu are asked for.
        if is_arabic_script(sample) and not {"fa", "ur"} & set(self.languages):
            return "ar"
        if self._detector is None:
            self._detector = self._load()
        language = self._detector.detect_language_of(sample)
        if language is None:
            return None
        return language.iso_code_639_1.name.lower()

"""Language identification with lingua (offline models inside the PyPI package)."""

from __future__ import annotations

from marsad.analyse.normalise import is_arabic_script

_LINGUA_NAMES = {
    "ar": "ARABIC", "en": "ENGLISH", "de": "GERMAN", "es": "SPANISH", "fr": "FRENCH", "it": "ITALIAN", "pl": "POLISH",
    "ru": "RUSSIAN", "tr": "TURKISH", "zh": "CHINESE", "fa": "PERSIAN", "ur": "URDU", "nl": "DUTCH", "pt": "PORTUGUESE",
}


# A unit with fewer letters than this takes the article's language: too short to tell.
UNIT_MIN_LETTERS = 40
# Characters of a unit the fast detector reads: a paragraph's first 300 characters tell its language.
UNIT_SAMPLE = 300


def _only_script(text: str) -> str | None:
    """"cyrillic" or "han" when nearly all letters of ``text`` are in that script."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    han = sum("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in letters)
    if cyrillic > 0.9 * len(letters):
        return "cyrillic"
    if han > 0.5 * len(letters) and not any("\u3040" <= ch <= "\u30ff" for ch in letters):
        return "han"  # no kana: Chinese, not Japanese
    return None


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
        self._fast_detector = None

    def _load(self, fast: bool = False):
        from lingua import Language, LanguageDetectorBuilder

        chosen = [getattr(Language, _LINGUA_NAMES[code]) for code in self.languages]
        builder = LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models()
        # Low-accuracy mode (trigrams only) is several times faster and fine for a paragraph.
        return (builder.with_low_accuracy_mode() if fast else builder).build()

    def detect_article(self, texts: list[str]) -> tuple[str | None, list[str | None]]:
        """The language of an article and of each of its units, in one pass over the units.

        The article's language is the one most of its letters are in; a unit too short to tell
        gets it. Cheaper than reading the whole text once more with the full model.
        """
        units = [self.detect(text, fast=True) if sum(ch.isalpha() for ch in text[:400]) >= UNIT_MIN_LETTERS else None for text in texts]
        weight: dict[str, int] = {}
        for text, language in zip(texts, units):
            if language:
                weight[language] = weight.get(language, 0) + len(text)
        article = max(weight, key=weight.get) if weight else self.detect(" ".join(texts))
        return article, [language or article for language in units]

    def detect(self, text: str, fast: bool = False) -> str | None:
        """The language of ``text``, or None for text with no letters."""
        sample = text[:2000]
        if not any(ch.isalpha() for ch in sample):
            return None
        # Arabic script among the configured languages is Arabic unless Persian or Urdu are asked for.
        if is_arabic_script(sample) and not {"fa", "ur"} & set(self.languages):
            return "ar"
        script = _only_script(sample)
        if script == "cyrillic" and "ru" in self.languages and not {"uk", "bg", "sr", "mk", "be", "kk"} & set(self.languages):
            return "ru"
        if script == "han" and "zh" in self.languages and not {"ja"} & set(self.languages):
            return "zh"
        if fast:
            if self._fast_detector is None:
                self._fast_detector = self._load(fast=True)
            language = self._fast_detector.detect_language_of(sample[:UNIT_SAMPLE])
        else:
            if self._detector is None:
                self._detector = self._load()
            language = self._detector.detect_language_of(sample)
        if language is None:
            return None
        return language.iso_code_639_1.name.lower()

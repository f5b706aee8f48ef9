"""Language identification with lingua (offline models inside the PyPI package).

The identifier chooses among a configured set of ISO 639-1 codes (by default every language
lingua knows that the sentence encoder covers: :data:`ENCODER_LANGUAGES`). When lingua's best
guess holds less than :data:`CONFIDENCE_FLOOR` of the confidence, the answer is ``und``
(undetermined), never a wrong guess.
"""

from __future__ import annotations

from marsad.analyse.normalise import is_arabic_script
from marsad.settings import ENCODER_LANGUAGES, LINGUA_LANGUAGES

__all__ = ["ENCODER_LANGUAGES", "LINGUA_LANGUAGES", "UNDETERMINED", "LanguageIdentifier"]

UNDETERMINED = "und"

# A unit with fewer letters than this takes the article's language: too short to tell.
UNIT_MIN_LETTERS = 40
# Characters of a unit the detector reads: a paragraph's first 300 characters tell its language.
UNIT_SAMPLE = 300
# Below this many characters the accurate detector (every n-gram length) reads the text; above it,
# trigrams alone are as good (lingua's documentation) and their models load ten times faster.
SHORT_TEXT = 120
# ... but only among this many languages: the accurate models of all 75 take 10-20 s to load, the
# trigrams 0.7 s. With more languages configured, short texts are read by trigrams too.
ACCURATE_MAX_LANGUAGES = 20
# lingua's confidences sum to 1 over the languages; a best guess holding less than this is "und".
# Indonesian and Malay, the closest pair, split about 0.6/0.4 on a sentence: still answered.
CONFIDENCE_FLOOR = 0.5


_PERSIAN_URDU_LETTERS = frozenset("پچژگٹڈڑںے")


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
    """ISO 639-1 code of a text among ``languages``, or ``und`` when lingua is not confident.

    Args:
        languages: the codes to choose among (see :data:`LINGUA_LANGUAGES`).
        floor: the confidence under which the answer is ``und``.

    Raises:
        ConfigError: a code lingua has no model for.

    Note:
        Models load on first use, one language at a time as a text needs them (trigrams: a
        fraction of a second; every n-gram length, for short texts only: seconds), so an engine
        that never detects a language pays nothing.

    Example:
        >>> LanguageIdentifier(("en", "de")).detect("Das Treffen fand in der finnischen Hauptstadt statt und dauerte sechs Stunden.")
        'de'
    """

    def __init__(self, languages: tuple[str, ...], floor: float = CONFIDENCE_FLOOR):
        unknown = [code for code in languages if code not in LINGUA_LANGUAGES]
        if unknown or not languages:
            from marsad.errors import ConfigError

            raise ConfigError(
                f"languages: no language model for {', '.join(unknown) or '(none given)'} "
                f"(use ISO 639-1 codes among: {', '.join(LINGUA_LANGUAGES)})"
            )
        self.languages = tuple(languages)
        self.floor = floor
        self._detectors: dict[bool, object] = {}

    def _detector(self, accurate: bool):
        # Built once per mode, on first use; models are not preloaded: lingua loads a language's
        # models when a text's script makes it a candidate.
        if accurate not in self._detectors:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

            chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in self.languages]
            builder = LanguageDetectorBuilder.from_languages(*chosen)
            self._detectors[accurate] = (builder if accurate else builder.with_low_accuracy_mode()).build()
        return self._detectors[accurate]

    def detect_article(self, texts: list[str]) -> tuple[str | None, list[str | None]]:
        """The language of an article and of each of its units, in one pass over the units.

        The article's language is the one most of its letters are in; a unit too short to tell
        (or undetermined) gets it. Cheaper than reading the whole text once more.
        """
        # Units are read by trigrams whatever their length (as before: one model set to load); a
        # unit read wrong weighs little against the article's other letters.
        units = [self.detect(text[:UNIT_SAMPLE], accurate=False) if sum(ch.isalpha() for ch in text[:400]) >= UNIT_MIN_LETTERS else None for text in texts]
        units = [None if language == UNDETERMINED else language for language in units]
        weight: dict[str, int] = {}
        for text, language in zip(texts, units):
            if language:
                weight[language] = weight.get(language, 0) + len(text)
        article = max(weight, key=weight.get) if weight else self.detect(" ".join(texts))
        fallback = None if article == UNDETERMINED else article  # a unit is never "und" by default
        return article, [language or fallback for language in units]

    def detect(self, text: str, accurate: bool | None = None) -> str | None:
        """The language of ``text``: a code, ``und`` when unsure, None for text with no letters.

        ``accurate``: True reads every n-gram length (slower to load), False trigrams only, None
        (the default) every length for a short text among few languages, else trigrams."""
        sample = text[:2000]
        if not any(ch.isalpha() for ch in sample):
            return None
        chosen = set(self.languages)
        # Arabic script among the configured languages is Arabic unless Persian or Urdu are asked
        # for; text in those (their own letters: پ چ ژ گ ٹ ڈ ڑ ں ے) is then undetermined, not Arabic.
        if is_arabic_script(sample) and "ar" in chosen and not {"fa", "ur"} & chosen:
            letters = sum(ch.isalpha() for ch in sample)
            if sum(ch in _PERSIAN_URDU_LETTERS for ch in sample) > 0.01 * letters:
                return UNDETERMINED
            return "ar"
        script = _only_script(sample)
        if script == "cyrillic" and "ru" in chosen and not {"uk", "bg", "sr", "mk", "be", "kk", "mn"} & chosen:
            return "ru"
        if script == "han" and "zh" in chosen and "ja" not in chosen:
            return "zh"
        if len(self.languages) == 1:  # lingua needs two languages to choose between
            return self.languages[0]
        if accurate is None:
            accurate = len(sample.strip()) < SHORT_TEXT and len(self.languages) <= ACCURATE_MAX_LANGUAGES
        detector = self._detector(accurate=accurate)
        confidences = detector.compute_language_confidence_values(sample)
        if not confidences or confidences[0].value < self.floor:
            return UNDETERMINED
        return confidences[0].language.iso_code_639_1.name.lower()

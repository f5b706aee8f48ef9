"""Normalisation for matching, with offsets back to the original text.

Matching must not care whether a writer typed أ or ا, ة or ه, ی or ي, ٦ or 6, or added
diacritics and tatweel; display must show what the writer wrote. So :func:`normalise_with_offsets`
returns the normalised string together with, for every normalised character, the index of the
original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# Characters dropped: Arabic diacritics (harakat, tanwin, shadda, sukun, dagger alef),
# tatweel, and invisible joiners and direction marks.
_DROPPED = {chr(c) for c in range(0x064B, 0x0653)} | {"\u0670", "\u0640", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u00ad"}

_FOLDED = {
    # hamza-carrying and wasla alefs → bare alef
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    # alef maqsura and Persian/Urdu yeh → yeh; ta marbuta → heh; Persian kaf → kaf
    "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه", "ک": "ك", "ے": "ي", "ھ": "ه", "ۀ": "ه",
    # Arabic punctuation → Latin, quotes → plain
    "،": ",", "؛": ";", "؟": "?", "٪": "%", "«": '"', "»": '"', "“": '"', "”": '"', "„": '"',
    "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "ـ": "",
}
# Arabic-Indic and extended (Persian/Urdu) digits → ASCII
_FOLDED.update({chr(0x0660 + d): str(d) for d in range(10)})
_FOLDED.update({chr(0x06F0 + d): str(d) for d in range(10)})


@lru_cache(maxsize=512)
def normalise_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """Normalise ``text`` for matching.

    Returns:
        ``(normalised, offsets)`` where ``offsets[i]`` is the index in ``text`` of the
        character that produced ``normalised[i]`` (a ``range`` when every character folds to
        one). The result is cached (every step of the analysis normalises the same units): do
        not modify it.

    Example:
        >>> normalise_with_offsets("أُسْبُوع")[0]
        'اسبوع'
    """
    normalised = text.translate(_FOLD_TABLE)
    # Most texts fold one character to one (no diacritic dropped, no ligature split): then the
    # offsets are the positions themselves.
    if len(normalised) == len(text) and _RESIZING.isdisjoint(text):
        return normalised, range(len(text))
    offsets: list[int] = []
    done = 0
    for match in _resizing_pattern().finditer(text):
        index = match.start()
        offsets.extend(range(done, index))
        offsets.extend([index] * len(_FOLD_TABLE[ord(text[index])]))
        done = index + 1
    offsets.extend(range(done, len(text)))
    return normalised, offsets


def _resizing_pattern() -> re.Pattern:
    """A character class of ``_RESIZING``, recompiled only when the set has grown."""
    global _RESIZING_PATTERN
    if _RESIZING_PATTERN[0] != len(_RESIZING):
        _RESIZING_PATTERN = (len(_RESIZING), re.compile("[" + "".join(re.escape(char) for char in sorted(_RESIZING)) + "]"))
    return _RESIZING_PATTERN[1]


def _fold(char: str) -> str:
    if char in _DROPPED:
        return ""
    folded = _FOLDED.get(char)
    if folded is not None:
        return folded
    if "\u0600" <= char <= "\u06ff":
        return char
    # Latin and Cyrillic: case and accents do not change a match.
    folded = unicodedata.normalize("NFKD", char.lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


class _FoldTable(dict):
    """Code point → folded string, for :meth:`str.translate`: each character is folded once, on
    first sight, and kept (normalising is on the hot path of analysis and clustering). A character
    that folds to none or to several characters is also noted in ``_RESIZING``."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold(char)
        if len(folded) != 1:
            _RESIZING.add(char)  # before the table has it: another thread's text must not see one without the other
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
# Characters whose folded form is not exactly one character (``str.translate`` fills it in as it
# meets them, before ``normalise_with_offsets`` reads it for the same text).
_RESIZING: set[str] = set()
_RESIZING_PATTERN: tuple[int, re.Pattern] = (-1, re.compile("[^\\s\\S]"))


def normalise(text: str) -> str:
    """The normalised form of ``text`` (see :func:`normalise_with_offsets`).

    Not cached: folding is one C pass, and words normalised one by one would push the units out
    of :func:`normalise_with_offsets`' cache."""
    return text.translate(_FOLD_TABLE)


def is_arabic_script(text: str) -> bool:
    """True when most letters of ``text`` are Arabic-script letters."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in letters) * 2 > len(letters)

"""Normalisation for matching, with offsets back to the original text.

Matching must not care whether a writer typed أ or ا, ة or ه, ی or ي, ٦ or 6, or added
diacritics and tatweel; display must show what the writer wrote. So :func:`normalise_with_offsets`
returns the normalised string together with, for every normalised character, the index of the
original character it came from.
"""

from __future__ import annotations

import unicodedata
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
def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` for matching.

    Returns:
        ``(normalised, offsets)`` where ``offsets[i]`` is the index in ``text`` of the
        character that produced ``normalised[i]``. The result is cached (every step of the
        analysis normalises the same units): do not modify the list.

    Example:
        >>> normalise_with_offsets("أُسْبُوع")[0]
        'اسبوع'
    """
    out: list[str] = []
    offsets: list[int] = []
    fold = _FOLD_CACHE
    for index, char in enumerate(text):
        folded = fold.get(char)
        if folded is None:
            folded = fold[char] = _fold(char)
        if len(folded) == 1:
            out.append(folded)
            offsets.append(index)
        else:
            for piece in folded:
                out.append(piece)
                offsets.append(index)
    return "".join(out), offsets


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


# Every character's folded form, computed once: normalising is on the hot path of analysis.
_FOLD_CACHE: dict[str, str] = {}


def normalise(text: str) -> str:
    """The normalised form of ``text`` (see :func:`normalise_with_offsets`)."""
    return normalise_with_offsets(text)[0]


def is_arabic_script(text: str) -> bool:
    """True when most letters of ``text`` are Arabic-script letters."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in letters) * 2 > len(letters)

"""Sentence splitting for news text in Arabic and the other task languages.

Ends a sentence at . ! ? ؟ 。！？ (and a closing quote after them), except after a number with
a decimal point (3.5), a known abbreviation (Gen., Dr., U.S., z.B.), a single capital initial
(J. Smith) or inside an ellipsis that joins a headline's two halves ("منذ عامين.. رئيسا").
"""

from __future__ import annotations

import regex

from marsad.models import Sentence, Span

# A closing quote may follow the stop: » ” ’ and the German “ ‘ that close „…“ and ‚…‘.
_END = regex.compile(r"(?<!\.)[.!?؟。！？]+['\"»”’“‘)\]]*(?=\s+|$)|[。！？]")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "maj", "adm", "gov", "sen", "rep", "st", "jr", "sr",
    "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "z.b", "bzw", "usw", "nr", "vgl", "mme", "mlle", "sr", "sra", "dra", "ing", "itd", "tzn", "np",
    "г", "гг", "им", "т.е", "т.д", "etc",
}
_WORD_BEFORE = regex.compile(r"([\p{L}.]+)\.$")


def split_sentences(unit: str, text: str) -> list[Sentence]:
    """Sentences of one unit (title or paragraph) with their offsets in it.

    Example:
        >>> [s.text for s in split_sentences("p0", "قال ميلي. ورد جيراسيموف؟ نعم")]
        ['قال ميلي.', 'ورد جيراسيموف؟', 'نعم']
    """
    sentences: list[Sentence] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group(0).startswith(".") and _is_abbreviation(text[start : match.start() + 1]):
            continue
        _add(sentences, unit, text, start, end)
        start = end
    _add(sentences, unit, text, start, len(text))
    return sentences


def _is_abbreviation(before: str) -> bool:
    match = _WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1).lower().strip(".")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha() and match.group(1)[0].isupper())


def _add(sentences: list[Sentence], unit: str, text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(text[start:end], Span(unit, start, end)))

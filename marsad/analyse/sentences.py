"""Sentence splitting for news text in Arabic and the other task languages.

Ends a sentence at . ! ? ؟ 。！？ (and a closing quote after them), except after a number with
a decimal point (3.5), a known abbreviation (Gen., Dr., U.S., z.B.), a single capital initial
(J. Smith) or inside an ellipsis that joins a headline's two halves ("منذ عامين.. رئيسا").

Work per article is bounded, whatever the page: a run with no sentence end is cut into pieces of
at most :data:`MAX_SENTENCE_CHARS` (at a space where there is one), and an article gives the
encoder at most :data:`MAX_SENTENCES` sentences. The encoders' memory grows with the square of a
sentence's length: one 400 KB paragraph given whole took 7.7 GB.
"""

from __future__ import annotations

import regex

from marsad.models import Sentence, Span

# A closing quote may follow the stop: » ” ’ and the German “ ‘ that close „…“ and ‚…‘.
_END = regex.compile(r"(?<!\.)[.!?؟。！？]+['\"»”’“‘)\]]*(?=\s+|$)|[。！？]")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "maj", "adm", "gov", "sen", "rep", "st", "jr", "sr",
    "no", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "z.b", "bzw", "usw", "nr", "vgl", "mme", "mlle", "sra", "dra", "ing", "itd", "tzn", "np",
    "г", "гг", "им", "т.е", "т.д",
}
_WORD_BEFORE = regex.compile(r"([\p{L}.]+)\.$")

#: Longest sentence given to the encoder, in characters: twice a long news sentence (about 250
#: characters), so real sentences are rarely cut. The encoder's time grows faster than a
#: sentence's length: per character, 1,000-character pieces cost 3-4 times 500-character ones.
MAX_SENTENCE_CHARS = 500
#: Most sentences, and characters in them, of one article that are analysed (encoded, aligned,
#: searched for entities, dates and numbers): a long feature has about 150 sentences and 30,000
#: characters; what follows is stored but not analysed. The character budget bounds the work: a
#: 1 MB page of one endless paragraph takes about as long as two long features.
MAX_SENTENCES = 600
MAX_ANALYSED_CHARS = 40_000
# Where a piece that is too long may be cut: the last space in its final fifth.
_CUT_SEARCH = MAX_SENTENCE_CHARS // 5


def article_sentences(units: list[tuple[str, str]], limit: int = MAX_SENTENCES, max_chars: int = MAX_ANALYSED_CHARS) -> tuple[Sentence, ...]:
    """The sentences of an article's units, in order: at most ``limit`` of them, and none past
    the one that brings their length to ``max_chars``.

    Example:
        >>> len(article_sentences([("p0", "Short. " * 1000)], limit=10))
        10
    """
    sentences: list[Sentence] = []
    chars = 0
    for unit, text in units:
        for sentence in split_sentences(unit, text):
            if len(sentences) >= limit or chars >= max_chars:
                return tuple(sentences)
            sentences.append(sentence)
            chars += len(sentence.text)
    return tuple(sentences)


def analysed_units(units: list[tuple[str, str]], sentences: tuple[Sentence, ...]) -> list[tuple[str, str]]:
    """The units cut to what ``sentences`` (from :func:`article_sentences`) cover, so that entities,
    dates and numbers are looked for in the analysed text only (offsets are unchanged).

    Example:
        >>> analysed_units([("p0", "One. Two."), ("p1", "Three.")], article_sentences([("p0", "One. Two."), ("p1", "Three.")], limit=1))
        [('p0', 'One.')]
    """
    if not sentences:
        return units
    last = sentences[-1].span
    kept = []
    for unit, text in units:
        if unit == last.unit:
            kept.append((unit, text[: last.end]))
            break
        kept.append((unit, text))
    return kept


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
    while end - start > MAX_SENTENCE_CHARS:  # a run with no sentence end: cut it into pieces
        cut = start + MAX_SENTENCE_CHARS
        space = text.rfind(" ", cut - _CUT_SEARCH, cut)
        piece_end = space if space > start else cut
        sentences.append(Sentence(text[start:piece_end], Span(unit, start, piece_end)))
        start = piece_end
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        sentences.append(Sentence(text[start:end], Span(unit, start, end)))

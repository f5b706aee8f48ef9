"""Clean an HTML news page: trafilatura finds the body, marsad trims what it lets through.

1. **Parse** once (``trafilatura.load_html``); the headline, date, captions and canonical address
   are read from the tree (:mod:`marsad.clean.html_meta`).
2. **Extract** the main text with ``trafilatura.bare_extraction`` in precision mode without
   comments: measured on the two public extraction benchmarks (``bench/extraction.py``) this keeps
   recall and drops more boilerplate than the default, at no extra cost.
3. **Trim**, line by line, what a generic extractor cannot know is not news text, with the same
   phrase lists the text-dump cleaner uses (:mod:`marsad.clean.phrases`), in every task language:
   share/follow and other widget lines, cookie and newsletter notices, "read also" inserts (the
   label and its headline links), the page's captions where they sit inside the body, a repeated
   headline, and everything from an end-of-body marker (related stories, most read, tags, a
   "Source: …" line) on.
4. **Fields**: a dateline and agency are split off the first paragraph
   (:func:`marsad.clean.fields.split_dateline`); a "Source: …" line credits an agency; a date found
   nowhere in the markup is looked for in the lines the extractor kept before the body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex
from trafilatura import bare_extraction, load_html

from marsad.analyse.dates import parse_date_line
from marsad.analyse.normalise import normalise
from marsad.clean.fields import caption_credit, source_line_agency, take_dateline
from marsad.clean.html_meta import read_meta
from marsad.clean.phrases import CHROME, COOKIE, END_OF_BODY, READ_ALSO
from marsad.clean.plain import iso_date
from marsad.errors import InputError
from marsad.models import Article, RawPage

# Chrome and markers are short lines; a longer line that contains such a word is text.
CHROME_MAX_WORDS = 6
MARKER_MAX_WORDS = 12
# A cookie or newsletter notice is a short block; a long paragraph naming cookies is an article about them.
NOTICE_MAX_WORDS = 60
# A read-also insert has at most this many headline links after its label.
READ_ALSO_MAX_LINKS = 3
# An end-of-body marker only ends the body once this many words of body came before it: a
# "Related" label above the article text is page chrome, not the end.
END_MIN_BODY_WORDS = 40
# Short unpunctuated lines dropped from the end of the body, at most.
TRAILING_LABELS = 2
# A line counts as prose when it has this many words and ends as a sentence does.
PROSE_MIN_WORDS = 8
# A credited line of at most this many words is a photo caption, even when the page did not mark it.
CAPTION_MAX_WORDS = 30

_WORD = regex.compile(r"[\p{L}\p{N}]+")
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")
_PROSE_END = regex.compile(r"[.!?؟。！？…:]['\"»”’)\]]*\s*$")
_LIST_MARK = regex.compile(r"^\s*[-•*]\s+")
# Lines that invite the reader to share or follow: "Share on Facebook", "تابعونا على تويتر".
_SHARE = regex.compile(
    r"^\s*(?:share|share on|share via|follow|follow us|follow us on|شارك|شاركها|شارك عبر|شارك على|تابع|تابعنا|تابعونا|تابعونا على|تابعنا على)\b",
    regex.IGNORECASE,
)
# Photo credits that start a caption: "Photo: Reuters", "صورة: أ ف ب", "(Getty Images)".
_PHOTO_CREDIT = regex.compile(
    r"^\s*(?:photo|image|picture|credit|file photo|صورة|الصورة|صورة أرشيفية|ارشيفية|foto|bild)\s*[:：(]|(?:getty images|afp via getty|shutterstock)\s*\)?\s*$",
    regex.IGNORECASE,
)


@dataclass(frozen=True)
class _Line:
    text: str
    norm: str
    words: int

    @property
    def is_prose(self) -> bool:
        return self.words >= PROSE_MIN_WORDS and bool(_PROSE_END.search(self.text))


def _count_words(text: str) -> int:
    """Words in ``text``; scripts written without spaces count two characters as a word."""
    words = len(_WORD.findall(text))
    unspaced = len(_UNSPACED.findall(text))
    return max(words, unspaced // 2) if unspaced else words


def _line(text: str) -> _Line:
    words = _count_words(text)
    # Every phrase test is for short lines; normalising long paragraphs is most of the trim time.
    return _Line(text=text, norm=normalise(text) if words <= NOTICE_MAX_WORDS else text, words=words)


def clean_html(page: RawPage, is_place: Callable[[str], bool] = lambda _: False) -> Article:
    """Clean one HTML page.

    Args:
        page: the decoded page (``format == "html"``).
        is_place: tells whether a word names a place (confirms a dateline); see
            :meth:`marsad.analyse.gazetteer.Gazetteer.is_place`.

    Returns:
        The :class:`Article`; ``paragraphs`` is empty when no body was found.

    Raises:
        InputError: the text does not parse as HTML at all.
    """
    tree = load_html(page.text)
    if tree is None:
        raise InputError(page.source, "not an HTML page", "the markup could not be parsed")
    meta = read_meta(tree, page.url)
    # bare_extraction works on its own copy of the tree, so ``tree`` stays whole for the metadata.
    document = bare_extraction(tree, url=page.url, favor_precision=True, include_comments=False, include_tables=True)
    raw_lines = (document.text or "").splitlines() if document is not None else []
    lines = [_line(text.strip()) for text in raw_lines if text.strip()]

    captions = meta.captions
    body, source_agency = _trim(lines, meta.title, captions)
    dateline, agency, body = take_dateline(body, is_place)
    return Article(
        source=page.source,
        url=page.url or meta.url,
        title=meta.title,
        paragraphs=tuple(body),
        dateline=dateline,
        agency=source_agency or agency,
        # A date given with the page (a feed's, an API request's) is the publisher's word; else the page's own.
        published=iso_date(page.published) or meta.published or _published_in(lines),
        captions=captions,
        author=meta.author,
        outlet=meta.site_name,
    )


def _trim(lines: list[_Line], title: str | None, captions: tuple[str, ...]) -> tuple[list[str], str | None]:
    """The body lines that are news text, and the agency a "Source: …" line credits."""
    caption_norms = [normalise(caption) for caption in captions]
    seen = {normalise(title)} if title else set()
    body: list[_Line] = []
    body_words = 0
    agency = None
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        credited = source_line_agency(line.text)
        if credited and body_words:
            agency = credited
            break
        if _is_end_marker(line):
            if body_words >= END_MIN_BODY_WORDS:
                break
            continue
        if _is_read_also(line):
            index = _skip_read_also(lines, index, line)
            continue
        if line.norm in seen or _is_chrome(line) or _is_notice(line) or _is_caption(line, caption_norms):
            continue
        seen.add(line.norm)
        body.append(line)
        body_words += line.words
    # A short line or two at the very end are a label or subheading with no text under them
    # (a widget title that escaped the extractor); more than that is the article's own end.
    for _ in range(TRAILING_LABELS):
        if len(body) > 1 and not _PROSE_END.search(body[-1].text) and body[-1].words <= CHROME_MAX_WORDS:
            body.pop()
    return [line.text for line in body], agency


def _starts_with(pattern: regex.Pattern, line: _Line, within_words: int) -> bool:
    match = pattern.search(line.norm)
    return match is not None and len(_WORD.findall(line.norm[: match.start()])) < within_words


def _is_end_marker(line: _Line) -> bool:
    return line.words <= MARKER_MAX_WORDS and not line.is_prose and _starts_with(END_OF_BODY, line, 1)


def _is_read_also(line: _Line) -> bool:
    return line.words <= MARKER_MAX_WORDS + 10 and _starts_with(READ_ALSO, line, 1) and not line.is_prose


def _skip_read_also(lines: list[_Line], index: int, label: _Line) -> int:
    """Past a read-also insert: a bare label takes its headline links (short, not prose) with it."""
    rest = READ_ALSO.sub(" ", label.norm, count=1)
    if _WORD.search(rest):
        return index  # "Read also: <headline>" on one line: the line alone is the insert
    links = 0
    while index < len(lines) and links < READ_ALSO_MAX_LINKS and not lines[index].is_prose:
        if lines[index].words > MARKER_MAX_WORDS + 10 or _is_end_marker(lines[index]):
            break
        index += 1
        links += 1
    return index


def _is_chrome(line: _Line) -> bool:
    if line.words == 0:
        return True
    if line.words <= CHROME_MAX_WORDS and not _WORD.search(CHROME.sub(" ", _LIST_MARK.sub("", line.norm))):
        return True
    return line.words <= MARKER_MAX_WORDS and not line.is_prose and _SHARE.match(line.norm) is not None


def _is_notice(line: _Line) -> bool:
    return line.words <= NOTICE_MAX_WORDS and COOKIE.search(line.norm) is not None


def _is_caption(line: _Line, caption_norms: list[str]) -> bool:
    if line.words <= CAPTION_MAX_WORDS * 2 and any(
        line.norm == caption or (line.words >= 3 and line.norm in caption) for caption in caption_norms
    ):
        return True
    if line.words > CAPTION_MAX_WORDS:
        return False
    return _PHOTO_CREDIT.search(line.text) is not None or (not line.is_prose and caption_credit(line.text) is not None and line.words > 3)


def _published_in(lines: list[_Line]) -> str | None:
    for line in lines[:5]:
        date = parse_date_line(line.text)
        if date:
            return date
    return None

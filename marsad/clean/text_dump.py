"""Clean a plain-text dump of a news page: the body paragraphs, and the fields around them.

A dump is what a person gets by selecting all on a page and pasting: toolbar labels, the title
(often twice), photo captions, the dateline, the body with its subheadings, then the tail of the
page (read-also links, follow-us lines, cookie notices, related-story teasers with their dates,
most-read menus). No markup is left, so the cleaner reads signals line by line:

1. **Chrome**: short lines made only of navigation and widget labels (any task language), or short
   Latin-script lines on a non-Latin page, are dropped wherever they are.
2. **Title**: the first headline-like line near the top (no closing full stop, 3–40 words),
   preferring one the page repeats; its repeats are dropped.
3. **Body start**: the first real paragraph after the title (long, or ending as prose does) that
   is not a caption (a caption ends with a photo credit).
4. **Before the body**: lines between title and body are captions, a dateline (``واشنطن -``),
   or a publish date.
5. **Body**: paragraphs in order until an end-of-body marker (about this story, more from, most
   read, follow us, a "Source: …" line). A read-also insert inside the body drops its link
   lines and the body goes on; cookie notices are dropped; a paragraph followed by a lone date
   line is a related-story teaser and ends the body. Short lines stay as subheadings only when
   body text follows them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import regex

from marsad.analyse.dates import find_dates, parse_date_line
from marsad.analyse.normalise import is_arabic_script, normalise
from marsad.clean.fields import caption_credit, source_line_agency, split_dateline
from marsad.clean.phrases import CHROME, COOKIE, END_OF_BODY, READ_ALSO
from marsad.models import Article, RawPage

# A paragraph has at least this many words, and either ends as prose ends or is long anyway.
PARAGRAPH_MIN_WORDS = 12
PARAGRAPH_LONG_WORDS = 25
# Title: headline-like lines have this many words; it is looked for among the first lines.
TITLE_WORDS = (3, 40)
TITLE_SEARCH_LINES = 15
# Chrome and markers are short lines; longer lines that contain such words are text.
CHROME_MAX_WORDS = 6
MARKER_MAX_WORDS = 12
# A read-also insert has at most this many link lines after its label.
READ_ALSO_MAX_LINKS = 3
# A caption is a credited line of at most this many words.
CAPTION_MAX_WORDS = 60

_WORD = regex.compile(r"[\p{L}\p{N}]+")
_PROSE_END = regex.compile(r"[.!?؟。！？…]['\"»”’)\]]*\s*$")
_LATIN_ONLY = regex.compile(r"^[\p{Latin}\p{N}\p{P}\p{S}\s]+$")
_LATIN_LETTER = regex.compile(r"\p{Latin}")
_PUBLISHED_LABEL = regex.compile(
    r"^\s*(?:نشر|نشرت|تاريخ النشر|آخر تحديث|تحديث|published|updated|posted|veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|opublikowano|опубликовано|обновлено|yayınlanma|güncelleme|发布)",
    regex.IGNORECASE,
)
BYLINE_WORDS = 8  # a byline names one to three people; a longer line after "كتب" is a sentence
_BYLINE = regex.compile(r"^\s*(?:بقلم|كتب|كتبت|by|von|par|por|di|autor|автор|yazan)\s*[:\s]", regex.IGNORECASE)


@dataclass(frozen=True)
class _Line:
    text: str
    norm: str
    words: int

    @property
    def is_paragraph(self) -> bool:
        if self.words >= PARAGRAPH_LONG_WORDS:
            return True
        return self.words >= PARAGRAPH_MIN_WORDS and bool(_PROSE_END.search(self.text))

    @property
    def is_headline_like(self) -> bool:
        return TITLE_WORDS[0] <= self.words <= TITLE_WORDS[1] and not self.text.rstrip().endswith(".")


def _line(text: str) -> _Line:
    return _Line(text=text, norm=normalise(text), words=len(_WORD.findall(text)))


def _starts_with(pattern: regex.Pattern, line: _Line, within_words: int = 3) -> bool:
    match = pattern.search(line.norm)
    return match is not None and len(_WORD.findall(line.norm[: match.start()])) < within_words


def _is_chrome(line: _Line, latin_is_foreign: bool) -> bool:
    if line.words > CHROME_MAX_WORDS:
        return False
    if line.words == 0:
        return True
    rest = CHROME.sub(" ", line.norm)
    if not _WORD.search(rest):
        return True
    # "Open toolbar" on an Arabic page: a short Latin-only line is a widget label.
    return latin_is_foreign and line.words <= 4 and bool(_LATIN_ONLY.match(line.text)) and bool(_LATIN_LETTER.search(line.text))


def _is_end_marker(line: _Line) -> bool:
    return line.words <= MARKER_MAX_WORDS and _starts_with(END_OF_BODY, line)


def _is_read_also(line: _Line) -> bool:
    return line.words <= MARKER_MAX_WORDS and _starts_with(READ_ALSO, line, within_words=1)


def _is_cookie_notice(line: _Line) -> bool:
    return COOKIE.search(line.norm) is not None


def _is_caption(line: _Line) -> bool:
    return line.words <= CAPTION_MAX_WORDS and caption_credit(line.text) is not None


def _published_from(line: _Line) -> str | None:
    date = parse_date_line(line.text)
    if date:
        return date
    if _PUBLISHED_LABEL.match(line.norm):
        for value, _, _ in find_dates(line.text):
            if len(value) == 10:
                return value
    return None


def clean_text_dump(page: RawPage, is_place: Callable[[str], bool] = lambda _: False) -> Article:
    """Clean one plain-text page dump.

    Args:
        page: the decoded page.
        is_place: tells whether a word names a place (confirms a dateline); see
            :meth:`marsad.analyse.gazetteer.Gazetteer.is_place`.

    Returns:
        The :class:`Article`; ``paragraphs`` is empty when no body was found.
    """
    lines = [_line(raw.strip()) for raw in page.text.splitlines() if raw.strip()]
    latin_is_foreign = is_arabic_script(page.text) or not _LATIN_ONLY.match(page.text[:2000])
    kept = [line for line in lines if not _is_chrome(line, latin_is_foreign)]

    title_index = _find_title(kept)
    title = kept[title_index].text if title_index is not None else None
    start = (title_index + 1) if title_index is not None else 0
    body_start = _find_body_start(kept, start)

    captions: list[str] = []
    dateline = agency = published = author = None
    for line in kept[start:body_start]:
        if title and line.norm == kept[title_index].norm:
            continue
        if published is None and (date := _published_from(line)):
            published = date
            continue
        if dateline is None and line.words <= 4:
            place, credited, rest = split_dateline(line.text, is_place)
            if place and not rest:
                dateline, agency = place, credited or agency
                continue
        if _BYLINE.match(line.text):
            name = _BYLINE.sub("", line.text, count=1).strip(" :-–—|")
            if author is None and name and len(name.split()) <= BYLINE_WORDS:
                author = name
            continue
        if _is_cookie_notice(line) or _is_end_marker(line) or _is_read_also(line):
            continue
        if line.words >= TITLE_WORDS[0]:
            captions.append(line.text)

    body, source_agency = _read_body(kept, body_start, title)
    agency = source_agency or agency
    if body and dateline is None:
        place, credited, rest = split_dateline(body[0], is_place)
        if place and rest:
            dateline, body[0] = place, rest
            agency = agency or credited
    return Article(
        source=page.source,
        url=page.url,
        title=title,
        paragraphs=tuple(body),
        dateline=dateline,
        agency=agency,
        published=published,
        captions=tuple(captions),
        author=author,
    )


def _find_title(lines: list[_Line]) -> int | None:
    counts = Counter(line.norm for line in lines)
    candidates = []
    for index, line in enumerate(lines[:TITLE_SEARCH_LINES]):
        if line.is_paragraph and index > 0:
            break
        if line.is_headline_like and not _is_caption(line) and not _is_cookie_notice(line):
            candidates.append(index)
    if not candidates:
        return None
    repeated = [index for index in candidates if counts[lines[index].norm] > 1]
    return (repeated or candidates)[0]


def _find_body_start(lines: list[_Line], start: int) -> int:
    for index in range(start, len(lines)):
        line = lines[index]
        if line.is_paragraph and not _is_caption(line) and not _is_cookie_notice(line) and not _is_end_marker(line):
            return index
    return len(lines)


def _read_body(lines: list[_Line], start: int, title: str | None) -> tuple[list[str], str | None]:
    """Body lines from ``start`` to the end of the body, and the agency of a source line."""
    body: list[_Line] = []
    agency = None
    seen = {normalise(title)} if title else set()
    index = start
    while index < len(lines):
        line = lines[index]
        index += 1
        credited = source_line_agency(line.text)
        if credited:
            agency = credited
            break
        if _is_end_marker(line):
            break
        if _is_read_also(line):
            # Skip the insert's link lines; the body goes on only if real text follows.
            links = 0
            while index < len(lines) and links < READ_ALSO_MAX_LINKS and not lines[index].is_paragraph:
                if _is_end_marker(lines[index]) or source_line_agency(lines[index].text):
                    break
                index += 1
                links += 1
            if index < len(lines) and lines[index].is_paragraph and not _is_cookie_notice(lines[index]):
                continue
            break
        if _is_cookie_notice(line) or line.norm in seen:
            continue
        if parse_date_line(line.text):
            # A paragraph followed by a lone date is a related-story teaser: the body ended before it.
            if body and body[-1].is_paragraph and len(body) > 1:
                body.pop()
            break
        seen.add(line.norm)
        body.append(line)
    # Short lines are subheadings only when text follows them.
    while body and not body[-1].is_paragraph:
        body.pop()
    return [line.text for line in body], agency

"""Fields that sit around an article's body: dateline, credited agency, captions' credits."""

from __future__ import annotations

import regex

from marsad.analyse.normalise import normalise
from marsad.clean.phrases import AGENCIES, AGENCY, SOURCE_LINE

# A dateline: one to three words (a place) and an optional "(agency)", then a dash.
#   "واشنطن -"  "WASHINGTON (Reuters) -"  "القاهرة - رويترز -"
_DATELINE = regex.compile(
    # The dash is set off by a space, follows "(agency)", or (group "tight") touches both words and
    # is followed by an agency and a second dash ("عمان-بترا-"): "Corona-Krise" and "Iran-Iraq"
    # are compounds, not datelines; a tight match stands only if its agency is a known one.
    r"^\s*(?P<place>[\p{L}][\p{L}'’.]*(?:,?\s+[\p{L}][\p{L}'’.]*){0,2})"
    r"(?:\s*\((?P<agency>[^)]{1,40})\)\s*[-–—]\s*|\s+[-–—]\s*|[-–—]\s+|(?P<tight>[-–—])(?=\(?[\p{L}][\p{L} ]{0,30}\)?\s*[-–—]))"
    r"(?:\(?(?P<agency2>[\p{L}][\p{L} ]{0,30}?)\)?\s*[-–—:]\s*)?"
)
# A parenthesised credit at the end of a caption or paragraph: "(رويترز)", "(AP Photo)", "- REUTERS".
_TRAILING_CREDIT = regex.compile(r"(?:\((?P<paren>[^()]{1,40})\)|[-–—]\s*(?P<dash>[\p{L} ./]{2,40}))\s*[.]?\s*$")


def agency_name(text: str) -> str | None:
    """The display name of a news agency named in ``text`` (``"(رويترز)"`` → ``"رويترز"``), or None."""
    norm = normalise(text)
    match = AGENCY.search(norm)
    if match is None:
        return None
    return AGENCIES.get(match.group(0), text.strip())


def source_line_agency(line: str) -> str | None:
    """The agency credited by a "Source: …" line (``"المصدر : رويترز"`` → ``"رويترز"``), or None."""
    match = SOURCE_LINE.match(line)
    if match is None:
        return None
    credited = match["agency"].strip(" .")
    return agency_name(credited) or credited


def split_dateline(paragraph: str, is_place) -> tuple[str | None, str | None, str]:
    """Split a dateline off the start of a paragraph.

    Args:
        paragraph: the first body paragraph (or a line on its own, like ``"واشنطن -"``).
        is_place: callable telling whether a word or phrase names a place; a dateline is only
            taken when it does, or when the line is nothing but the dateline, so that a sentence
            that happens to start with a dash is left alone.

    Returns:
        ``(dateline, agency, rest)``; ``dateline`` is None when there is none.
    """
    match = _DATELINE.match(paragraph)
    if match is None:
        return None, None, paragraph
    place = match["place"].strip()
    rest = paragraph[match.end():].strip()
    agency_text = match["agency"] or match["agency2"]
    agency = agency_name(agency_text) if agency_text else None
    if match["tight"] and agency is None:
        return None, None, paragraph
    if match["agency2"] and agency is None:
        # "القاهرة - التقى ..." : the words after the dash were the sentence, not an agency.
        rest = paragraph[match.start("agency2"):].strip()
    if rest and not (is_place(place) or is_place(place.split(",")[0]) or agency):
        return None, None, paragraph
    display = place.title() if place.isupper() else place
    return display, agency, rest


def caption_credit(caption: str) -> str | None:
    """The photo credit at the end of a caption, if it names an agency."""
    match = _TRAILING_CREDIT.search(caption)
    if match is None:
        return None
    return agency_name(match["paren"] or match["dash"] or "")


def take_dateline(paragraphs: list[str], is_place) -> tuple[str | None, str | None, list[str]]:
    """Take a dateline off the first of ``paragraphs`` (dropping that paragraph if it was nothing else).

    Returns:
        ``(dateline, agency, paragraphs)``; the list is a new one, the argument is left alone.
    """
    if not paragraphs:
        return None, None, []
    dateline, agency, rest = split_dateline(paragraphs[0], is_place)
    if dateline is None:
        return None, None, list(paragraphs)
    return dateline, agency, ([rest] if rest else []) + list(paragraphs[1:])

"""Clean text that is already an article body (a scraper's output): split it, do not second-guess it.

A JSON Lines feed often carries the body as clean text with its headline and date in their own
fields. The text-dump cleaner would hunt that text for toolbar labels, a title and captions and
could cut real paragraphs, so these ``plain`` pages only get paragraphs split, a dateline taken
off the first one and the date read as ISO 8601.
"""

from __future__ import annotations

from collections.abc import Callable

import regex

from marsad.analyse.dates import find_dates
from marsad.clean.fields import take_dateline
from marsad.models import Article, RawPage

_BLANK_LINE = regex.compile(r"\n\s*\n")


def clean_plain(page: RawPage, is_place: Callable[[str], bool] = lambda _: False) -> Article:
    """Clean one ``plain`` page: clean article text, with title and date from the record.

    Args:
        page: the page; its title and date are ``page.title`` and ``page.published``.
        is_place: tells whether a word names a place (confirms a dateline).

    Returns:
        The :class:`Article`.
    """
    text = page.text.strip()
    title = page.title
    published = _iso_date(page.published)
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.splitlines()
    paragraphs = [" ".join(block.split()) for block in blocks if block.strip()]
    dateline, agency, paragraphs = take_dateline(paragraphs, is_place)
    return Article(
        source=page.source,
        url=page.url,
        title=(title or "").strip() or None,
        paragraphs=tuple(paragraphs),
        dateline=dateline,
        agency=agency,
        published=published,
    )


def _iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from a date as a feed gives it (ISO, "5 November 2021", "٥ نوفمبر ٢٠٢١")."""
    if not value:
        return None
    for found, _, _ in find_dates(value):
        if len(found) == 10:
            return found
    return None

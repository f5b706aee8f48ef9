"""Clean text that is already an article body (a scraper's output): split it, do not second-guess it.

A JSON Lines feed often carries the body as clean text with its headline and date in their own
fields. The text-dump cleaner would hunt that text for toolbar labels, a title and captions and
could cut real paragraphs, so these ``plain`` pages only get paragraphs split, a dateline taken
off the first one, the date read as ISO 8601, and consent notices dropped: scrapers keep the
cookie wall ("Wir setzen auf unserer Website Cookies … ein"), and two pages made of little but
the same wall would otherwise look like one story.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import regex

from marsad.analyse.dates import find_dates
from marsad.analyse.normalise import normalise
from marsad.clean.fields import take_dateline
from marsad.clean.phrases import CONSENT, COOKIE, PRIVACY_LAW
from marsad.models import Article, RawPage

_BLANK_LINE = regex.compile(r"\n\s*\n")
_SENTENCE_END = regex.compile(r"(?<=[.!?؟。])\s+")
LINK_MAX_WORDS = 6  # "zur Datenschutzerklärung", "Cookie settings": a notice's links, on lines of their own


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
    paragraphs = [kept for paragraph in paragraphs if (kept := drop_consent_notices(paragraph))]
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


def article_from_fields(source: str, text: str, *, title: str | None = None, published: str | None = None,
                        language: str | None = None, url: str | None = None, outlet: str | None = None,
                        is_place: Callable[[str], bool] = lambda _: False) -> Article:
    """An article given as fields (a ``marsad cluster`` record): cleaned as a ``plain`` page.

    When cleaning leaves no text (a record that is nothing but a consent notice), the text is
    kept as given: every record of a file to cluster gets a story.
    """
    article = clean_plain(RawPage(source=source, text=text, format="plain", url=url, title=title, published=published), is_place)
    if not article.paragraphs:
        article = replace(article, paragraphs=tuple(" ".join(line.split()) for line in text.splitlines() if line.strip()))
    return replace(article, language=language or None, outlet=outlet or None)


def drop_consent_notices(paragraph: str) -> str:
    """``paragraph`` without the sentences of a cookie or data-protection notice ("" if nothing is left).

    A cookie word alone is not enough (an article may be about cookies or the GDPR): the notice
    must also speak as one does ("we use", "you agree", "our website"). Scrapers glue the notice
    to the article, so it is cut sentence by sentence: a run of sentences each naming cookies, a
    data-protection law or speaking as a notice (one unmarked sentence inside is the notice's
    too) goes when one of its sentences does both ("Wir setzen auf unserer Website Cookies …
    ein"). A link-length paragraph naming cookies ("zur Datenschutzerklärung") goes whole.
    """
    norm = normalise(paragraph)
    if COOKIE.search(norm) and len(norm.split()) <= LINK_MAX_WORDS:
        return ""
    if not (COOKIE.search(norm) or PRIVACY_LAW.search(norm)) or not CONSENT.search(norm):
        return paragraph
    sentences = _SENTENCE_END.split(paragraph)
    norms = [normalise(sentence) for sentence in sentences]
    names = [bool(COOKIE.search(n) or PRIVACY_LAW.search(n)) for n in norms]
    speaks = [CONSENT.search(n) is not None for n in norms]
    marked = [named or speaking for named, speaking in zip(names, speaks)]
    dropped = [False] * len(sentences)
    start = None
    for i in range(len(sentences) + 1):
        if i < len(sentences) and (marked[i] or (start is not None and i + 1 < len(sentences) and marked[i + 1])):
            start = i if start is None else start
            continue
        if start is not None and any(n and c for n, c in zip(names[start:i], speaks[start:i])):
            dropped[start:i] = [True] * (i - start)
        start = None
    return " ".join(sentence for sentence, gone in zip(sentences, dropped) if not gone)


def _iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from a date as a feed gives it (ISO, "5 November 2021", "٥ نوفمبر ٢٠٢١")."""
    if not value:
        return None
    for found, _, _ in find_dates(value):
        if len(found) == 10:
            return found
    return None

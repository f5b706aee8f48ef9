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
from datetime import date, datetime, timezone

import regex

from marsad.analyse.dates import find_dates
from marsad.analyse.normalise import normalise
from marsad.clean.fields import take_dateline
from marsad.clean.phrases import COOKIE, NOTICE_VOICE, PRIVACY_LAW
from marsad.models import Article, RawPage

_BLANK_LINE = regex.compile(r"\n\s*\n")
_SENTENCE_END = regex.compile(r"(?<=[.!?؟。…][\"'”’»)\]]*)\s+")
# Quoted words are someone's statement, not the page speaking: '"We use cookies responsibly," the CEO said'.
_QUOTED = regex.compile(r'"[^"]{0,300}"|“[^”]{0,300}”|„[^“”]{0,300}[“”]|«[^»]{0,300}»|»[^«]{0,300}«')
_ENDS_SENTENCE = regex.compile(r"[.!?؟。…][\"'”’»)\]]*\s*$")
# Digits only: first a compact date-time, YYYYMMDD[HH[MM[SS]]] (GDELT, CMS exports), then Unix
# time, 9–10 digits of seconds or 12–13 of milliseconds, believed only from 1990 to next year.
_COMPACT = regex.compile(r"(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?:\d\d){0,3}")
_EPOCH = regex.compile(r"(?:\d{9,10}|(?P<ms>\d{12,13}))(?:\.\d+)?")
# Year first with slashes or dots: "2021/11/05", "2021.11.05." (alone or before a time).
_YEAR_FIRST = regex.compile(r"(?P<y>(?:19|20)\d\d)[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?![\d/]|\.\d)")
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
    published = iso_date(page.published)
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.splitlines()
    paragraphs = [" ".join(block.split()) for block in blocks if block.strip()]
    paragraphs = drop_consent_notices(paragraphs)
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


def drop_consent_notices(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without the sentences of cookie and data-protection notices (emptied ones go).

    A notice sentence names cookies, a privacy policy or a data-protection law *and* speaks as a
    notice does: the site of itself ("we use", "this site uses", "our website") or of consent by
    browsing on. A cookie word alone is not enough (articles report on cookies and the GDPR), and
    quoted words do not count ('"We use cookies responsibly," the CEO said'). Scrapers glue the
    notice to the article, so it is cut sentence by sentence: with it go the sentences around it
    that name cookies or such a law or speak as the site, and, between two notice sentences, a
    sentence that does neither ("Sie können auch zu Analysezwecken gesetzt werden."). A
    link-length line naming cookies ("zur Datenschutzerklärung") goes when it stands next to a cut.
    """
    cuts = [_cut_notice(paragraph) for paragraph in paragraphs]
    cut_at = [i for i, (cut, paragraph) in enumerate(zip(cuts, paragraphs)) if cut != paragraph]
    near = {j for i in cut_at for j in (i - 1, i + 1)}
    return [
        cut for i, cut in enumerate(cuts)
        if cut and not (i in near and len(cut.split()) <= LINK_MAX_WORDS and not _ENDS_SENTENCE.search(cut) and COOKIE.search(normalise(cut)))
    ]


def _cut_notice(paragraph: str) -> str:
    norm = normalise(_QUOTED.sub(" ", paragraph))
    if not NOTICE_VOICE.search(norm) or not (COOKIE.search(norm) or PRIVACY_LAW.search(norm)):
        return paragraph
    sentences = _SENTENCE_END.split(paragraph)
    norms = [normalise(_QUOTED.sub(" ", sentence)) for sentence in sentences]
    names = [bool(COOKIE.search(n) or PRIVACY_LAW.search(n)) for n in norms]
    voices = [NOTICE_VOICE.search(n) is not None for n in norms]
    notice = [named and voiced for named, voiced in zip(names, voices)]
    if not any(notice):
        return paragraph
    marked = [named or voiced for named, voiced in zip(names, voices)]
    dropped = list(notice)
    # Runs of sentences that name cookies or a law or speak as the site, one unmarked sentence
    # allowed inside; a run with a notice sentence in it goes, its unmarked sentences only when
    # notice sentences flank them.
    start = None
    for i in range(len(sentences) + 1):
        inside = i < len(sentences) and (marked[i] or (start is not None and i + 1 < len(sentences) and marked[i + 1]))
        if inside:
            start = i if start is None else start
            continue
        if start is not None and any(notice[start:i]):
            first, last = notice.index(True, start), i - 1 - notice[start:i][::-1].index(True)
            for j in range(start, i):
                dropped[j] = dropped[j] or marked[j] or first < j < last
        start = None
    return " ".join(sentence for sentence, gone in zip(sentences, dropped) if not gone)


def iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from a date as a feed gives it: ISO, "2021/11/05", "20211105[HHMMSS]", Unix
    time in seconds or milliseconds (the UTC day), "5 November 2021", "٥ نوفمبر ٢٠٢١", RFC 2822.
    "05/11/2021" is read day first, as most of the world (and every SemEval-2022 language but
    English) writes it."""
    if not value:
        return None
    value = value.strip()
    if parts := _COMPACT.fullmatch(value) or _YEAR_FIRST.match(value):
        try:
            return date(*map(int, parts.group("y", "m", "d"))).isoformat()
        except ValueError:  # 31 February
            return None
    if epoch := _EPOCH.fullmatch(value):
        when = datetime.fromtimestamp(float(value) / (1000 if epoch.group("ms") else 1), tz=timezone.utc)
        return when.date().isoformat() if 1990 <= when.year <= datetime.now(timezone.utc).year + 1 else None
    for found, _, _ in find_dates(value):
        if len(found) == 10:
            return found
    return None

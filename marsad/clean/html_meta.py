"""Fields an HTML page states outside its body: headline, publication date, captions, address.

These are read straight from the parsed tree with a handful of XPath queries, because the full
metadata pass of trafilatura (htmldate's extensive search, author and site-name heuristics) costs
a third of the extraction time for fields marsad does not use. htmldate runs only as a last,
non-extensive resort for the date.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import regex
from lxml.etree import XPath, _Element

logger = logging.getLogger(__name__)

_SPACE = regex.compile(r"\s+")
_ISO_DATE = regex.compile(r"(?<!\d)((?:19|20)\d\d)-([01]\d)-([0-3]\d)(?!\d)")
# Dates in a URL path: /2021/11/05/, /2021-11-05-, /20211105/.
_URL_DATE = regex.compile(r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?:[/-]|$)|/((?:19|20)\d\d)([01]\d)([0-3]\d)/")
# Separators between a headline and the site name in <title> and og:title.
_TITLE_SITE = regex.compile(r"\s+[|–—-]\s+|\s+::\s+|\s+«\s+|\s+»\s+")

_JSON_LD = XPath('//script[@type="application/ld+json"]/text()')
_DATE_META = XPath(
    '//meta[@property="article:published_time" or @property="og:published_time" or @property="og:article:published_time"'
    ' or @itemprop="datePublished" or @name="pubdate" or @name="publishdate" or @name="publish-date" or @name="date"'
    ' or @name="dc.date" or @name="DC.date" or @name="dc.date.issued" or @name="DC.date.issued" or @name="parsely-pub-date"'
    ' or @name="sailthru.date" or @name="article.published" or @name="datePublished" or @name="article:published_time"]/@content'
)
_DATE_TIME = XPath('(//*[@itemprop="datePublished"]/@datetime | //time[@pubdate]/@datetime | //article//time/@datetime)[1]')
_H1 = XPath("(//article//h1 | //h1)[1]")
_META_TITLE = XPath('(//meta[@property="og:title"]/@content | //meta[@name="twitter:title"]/@content)[1]')
_TITLE = XPath("(//head/title | //title)[1]")
_URL = XPath('(//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content)[1]')
_AUTHOR_META = XPath(
    '(//meta[@name="author" or @property="article:author" or @name="byl" or @name="sailthru.author"'
    ' or @name="parsely-author" or @name="dc.creator" or @name="DC.creator"]/@content'
    ' | //*[@itemprop="author"]//*[@itemprop="name"]/text() | //*[@rel="author"]/text())'
)
_SITE_META = XPath('(//meta[@property="og:site_name"]/@content | //meta[@name="application-name"]/@content)[1]')
_CAPTIONS = XPath(
    '//figcaption | //*[self::div or self::p or self::span][contains(concat(" ", normalize-space(@class), " "), " caption ")'
    ' or contains(@class, "wp-caption-text") or contains(@class, "image-caption") or contains(@class, "photo-caption")]'
)
_CAPTION_MAX_CHARS = 600


@dataclass(frozen=True)
class PageMeta:
    """What a page's markup says about it.

    Attributes:
        title: the headline (the page's ``<h1>``, or its ``og:title``/``<title>`` without the site name).
        published: ISO 8601 date (``YYYY-MM-DD``) the page was first published, or None.
        captions: the texts of photo captions, credits included, in page order.
        url: the canonical address the page gives for itself.
        author: the byline (names joined with ", "), or None.
        site_name: the outlet's own name (``og:site_name``, JSON-LD ``publisher``), or None.
    """

    title: str | None
    published: str | None
    captions: tuple[str, ...]
    url: str | None
    author: str | None = None
    site_name: str | None = None


def read_meta(tree: _Element, url: str | None = None) -> PageMeta:
    """Headline, date, captions and address from a parsed page.

    Args:
        tree: the page as parsed by ``trafilatura.load_html``.
        url: the address the page was fetched from, if known (a date in it is used).

    Returns:
        The :class:`PageMeta`.
    """
    own_url = _first(_URL(tree))
    return PageMeta(
        title=_title(tree),
        published=_published(tree, url or own_url),
        captions=_captions(tree),
        url=own_url.strip() if own_url else None,
        author=_author(tree),
        site_name=_site_name(tree),
    )


def _first(values) -> str | None:
    return str(values[0]) if values else None


def _text(element: _Element) -> str:
    return _SPACE.sub(" ", "".join(element.itertext())).strip()


def _title(tree: _Element) -> str | None:
    h1s = _H1(tree)
    h1 = _text(h1s[0]) if h1s else ""
    meta = _first(_META_TITLE(tree))
    if not meta:
        titles = _TITLE(tree)
        meta = _text(titles[0]) if titles else ""
    meta = _SPACE.sub(" ", meta or "").strip()
    # Keep the longest part of "Headline | Site": the site name is the short one.
    parts = [part for part in _TITLE_SITE.split(meta) if part.strip()]
    meta_headline = max(parts, key=len).strip() if parts else ""
    # An <h1> is the headline unless it is the site's logo text (short, and not in the page title).
    if h1 and (len(h1.split()) >= 3 or h1 in meta):
        return h1
    return meta_headline or h1 or None


def _iso(text: str | None) -> str | None:
    if not text:
        return None
    match = _ISO_DATE.search(text)
    if match is None:
        return None
    year, month, day = match.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    return f"{year}-{month}-{day}"


def _published(tree: _Element, url: str | None) -> str | None:
    for script in _JSON_LD(tree):
        date = _iso(_json_ld_date(script))
        if date:
            return date
    for value in _DATE_META(tree):
        date = _iso(str(value))
        if date:
            return date
    date = _iso(_first(_DATE_TIME(tree)))
    if date:
        return date
    if url:
        match = _URL_DATE.search(url)
        if match:
            year, month, day = (group for group in match.groups() if group is not None)
            if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
                return f"{year}-{int(month):02d}-{int(day):02d}"
    return _htmldate(tree, url)


def _json_ld_objects(tree: _Element):
    """Every JSON object in the page's JSON-LD scripts, depth first (bad JSON is skipped)."""
    for script in _JSON_LD(tree):
        try:
            stack = [json.loads(script)]
        except ValueError:
            continue
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(value for value in item.values() if isinstance(value, (list, dict)))


def _names(value) -> list[str]:
    """Names in a JSON-LD author/publisher value: a string, {"name": ..}, or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _clean_name(name: str) -> str | None:
    name = _SPACE.sub(" ", name).strip()
    # Profile links and e-mail addresses are not names; neither is an over-long blurb.
    if not name or "://" in name or "@" in name or len(name) > 100:
        return None
    return name


def _author(tree: _Element) -> str | None:
    names: dict[str, None] = {}
    for item in _json_ld_objects(tree):
        if "author" in item:
            for name in _names(item["author"]):
                if (clean := _clean_name(name)) is not None:
                    names.setdefault(clean)
            if names:
                break
    if not names:
        for value in _AUTHOR_META(tree):
            for part in str(value).split(";"):
                if (clean := _clean_name(part)) is not None:
                    names.setdefault(clean)
    return ", ".join(names) or None


def _site_name(tree: _Element) -> str | None:
    value = _first(_SITE_META(tree))
    if value and (clean := _clean_name(value)):
        return clean
    for item in _json_ld_objects(tree):
        for name in _names(item.get("publisher")):
            if (clean := _clean_name(name)) is not None:
                return clean
    return None


def _json_ld_date(script: str) -> str | None:
    try:
        data = json.loads(script)
    except ValueError:
        return None
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            value = item.get("datePublished") or item.get("dateCreated")
            if isinstance(value, str):
                return value
            stack.extend(value for value in item.values() if isinstance(value, (list, dict)))
    return None


def _htmldate(tree: _Element, url: str | None) -> str | None:
    """htmldate's quick search (no extensive scan of the text, which finds any date on the page)."""
    from htmldate import find_date

    try:
        return find_date(tree, url=url, extensive_search=False, original_date=True)
    except (ValueError, TypeError) as error:
        logger.debug("htmldate failed: %s", error)
        return None


def _captions(tree: _Element) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for element in _CAPTIONS(tree):
        text = _text(element)
        if 3 <= len(text) <= _CAPTION_MAX_CHARS and not any(text in other for other in seen):
            seen[text] = None
    return tuple(seen)

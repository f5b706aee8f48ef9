"""Clean: a :class:`~marsad.models.RawPage` in, an :class:`~marsad.models.Article` out.

One cleaner per page format; :func:`clean_page` picks it from ``page.format``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlsplit

from marsad.clean.text_dump import clean_text_dump
from marsad.errors import InputError
from marsad.models import Article, RawPage


def clean_page(page: RawPage, is_place: Callable[[str], bool] = lambda _: False) -> Article:
    """Clean one page with the cleaner for its format.

    Args:
        page: a decoded page.
        is_place: tells whether a word names a place (used to confirm datelines).

    Raises:
        InputError: the format has no cleaner, or the page has no article text.
    """
    if page.format == "text":
        article = clean_text_dump(page, is_place)
    elif page.format == "html":
        from marsad.clean.html import clean_html  # the HTML cleaner and its parser load only when needed

        article = clean_html(page, is_place)
    elif page.format == "plain":
        from marsad.clean.plain import clean_plain  # already-clean text with title/date from a feed

        article = clean_plain(page, is_place)
    else:
        raise InputError(page.source, f"no cleaner for format {page.format!r}")
    if not article.paragraphs:
        raise InputError(page.source, "no article text found", "is this a news page?")
    outlet = page.outlet or article.outlet or url_host(article.url or page.url)
    return replace(article, outlet=outlet) if outlet != article.outlet else article


_OTHER_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)  # a scheme, not a host's port ("example.com:8080")


def url_host(url: str | None) -> str | None:
    """The host of a page address without ``www.``: ``https://www.reuters.com/x`` → ``reuters.com``."""
    if not url:
        return None
    url = url.strip()
    # Only a web address has an outlet: "javascript:…", "mailto:…", "data:…", "file://…" have none.
    if "://" in url and not url.lower().startswith(("http://", "https://")):
        return None
    if "://" not in url and _OTHER_SCHEME.match(url):
        return None
    try:
        host = urlsplit(url if "://" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


__all__ = ["clean_page", "clean_text_dump", "url_host"]

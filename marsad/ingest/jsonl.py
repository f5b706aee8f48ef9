"""JSON Lines: one record per line, each a page given as HTML or as text with its metadata.

Feeds and scraper exports name their fields differently (``content``, ``body``, ``raw_html``,
``meta.url``), so the names are a :class:`JsonFields` argument; dotted names reach nested objects.
A record with HTML becomes an ``html`` page; text with a title (already clean, from a scraper)
becomes a ``plain`` page; bare text is treated as a page dump (``text``). A bad line yields an
:class:`~marsad.errors.InputError` naming ``file:line`` and the rest of the file is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from marsad.errors import EmptyInput, InputError, MalformedInput, TooLarge, UndecodableInput
from marsad.models import RawPage
from marsad.settings import Settings


@dataclass(frozen=True)
class JsonFields:
    """Names of the fields a JSON Lines record keeps its page in (dotted names reach nested objects).

    Args:
        text: the article text (clean text, or a page dump).
        html: the page's HTML; preferred over ``text`` when both are there.
        title: the headline.
        url: the page address.
        date: the publication date (kept as given; the cleaner reads it).
        outlet: the publishing outlet's name.
    """

    text: str = "text"
    html: str = "html"
    title: str = "title"
    url: str = "url"
    date: str = "date"
    outlet: str = "outlet"


def read_jsonl(stream: BinaryIO, source: str, settings: Settings, names: JsonFields | None = None) -> Iterator[RawPage | InputError]:
    """Every record of a JSON Lines stream as a page, or an error in place of a bad line.

    Args:
        stream: the (decompressed) bytes, read line by line.
        source: the file name; records are named ``source:line``.
        settings: ``max_page_bytes`` limits each line.
        names: the field names; the defaults are ``text``, ``html``, ``title``, ``url``, ``date``.

    Returns:
        An iterator of :class:`RawPage` and :class:`InputError`; it never raises InputError.
    """
    names = names or JsonFields()
    records = 0
    for number, line in enumerate(_lines(stream, settings.max_page_bytes), 1):
        where = f"{source}:{number}"
        if isinstance(line, int):
            yield TooLarge(where, f"line is over the {settings.max_page_bytes:,}-byte page limit", "raise the limit with --max-page-mb, or Settings(max_page_bytes=…)")
            records += 1
            continue
        if not line.strip():
            continue
        records += 1
        try:
            yield _record_page(line, where, names)
        except InputError as error:
            yield error
    if records == 0:
        yield EmptyInput(source, "no JSON records")


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | int]:
    """Lines of the stream; a line over ``limit`` bytes is skipped and given as its length instead."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            skipped = len(line)
            while line and not line.endswith(b"\n"):
                line = stream.readline(1024 * 1024)
                skipped += len(line)
            yield skipped
            continue
        yield line


def json_problem(error: json.JSONDecodeError, text: str) -> str:
    """What is wrong, in words: json's own message without its dangling "at", and a string the line
    ends inside called unterminated (json calls the line's end an "invalid control character")."""
    message = error.msg.removesuffix(" at").removesuffix(":")
    if message == "Invalid control character" and not text[error.pos :].strip():
        return "unterminated string"
    return message


def _record_page(line: bytes, where: str, names: JsonFields) -> RawPage:
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UndecodableInput(where, "line is not UTF-8", f"byte {error.start}") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedInput(where, "invalid JSON", f"{json_problem(error, text)} at column {error.colno}") from None
    except RecursionError:  # arrays or objects nested thousands deep: no page is shaped like that
        raise MalformedInput(where, "JSON nested too deeply", "a record is one flat object of fields") from None
    if not isinstance(record, dict):
        raise MalformedInput(where, f"a JSON {type(record).__name__}, not an object")
    html = _string(record, names.html, where)
    body = _string(record, names.text, where)
    url = _string(record, names.url, where)
    title = _string(record, names.title, where)
    date = _string(record, names.date, where)
    outlet = _string(record, names.outlet, where)
    if html and html.strip():
        return RawPage(source=where, text=html, encoding="utf-8", format="html", url=url, outlet=outlet)
    if body and body.strip():
        if title or date:
            # Already-clean text from a scraper, its headline and date in their own fields.
            return RawPage(source=where, text=body, encoding="utf-8", format="plain", url=url, title=title, published=date, outlet=outlet)
        return RawPage(source=where, text=body, encoding="utf-8", format="text", url=url, outlet=outlet)
    raise EmptyInput(where, f"no {names.html!r} or {names.text!r} field with content", "name the field \"text\" or \"html\", or pass JsonFields(text=…, html=…) to marsad.ingest.read_paths")


def _string(record: dict[str, Any], name: str, where: str) -> str | None:
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n\n".join(value)  # text given as a list of paragraphs
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise MalformedInput(where, f"field {name!r} is a JSON {type(value).__name__}, not a string")
    return value

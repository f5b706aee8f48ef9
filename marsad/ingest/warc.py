"""WARC archives (plain or gzipped): every successful HTML response record is a page.

Crawls hold much that is not a page (requests, images, scripts, redirects, metadata records);
those are skipped without a word, as they are not input the user meant as articles. Records are
named ``file#record N`` (counting every record from 1, as ``warcio index`` does) so an error
leads back to the record.

warcio reads an archive as one stream: after a record whose headers cannot be parsed it cannot
find the next one, so such a record ends the file with one error naming it; a record whose body
is broken or too large is reported and the archive goes on.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from marsad.errors import InputError, MalformedInput, TooLarge
from marsad.ingest.sniff import decode_html
from marsad.models import RawPage
from marsad.settings import Settings

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PAGE_RECORDS = ("response", "resource")


def _errors() -> tuple[tuple, tuple]:
    """What warcio lets through for a broken archive (headers, gzip members) and a broken body
    (chunked transfer coding, content encodings). warcio is imported here: reading a WARC is the
    only use of it, and importing it (with fsspec) cost every start 0.05 s."""
    from warcio.bufferedreaders import ChunkedDataException
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    return ((ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, EOFError, OSError, zlib.error),
            (ChunkedDataException, ValueError, EOFError, OSError, zlib.error))


def read_warc(stream: BinaryIO, source: str, settings: Settings) -> Iterator[RawPage | InputError]:
    """The HTML pages of a WARC archive, or an error in place of each bad record.

    Args:
        stream: the archive's raw bytes (gzip members are decompressed by warcio).
        source: the file name; records are named ``source#record N``.
        settings: ``max_page_bytes`` limits each record's body.

    Returns:
        An iterator of :class:`RawPage` (format ``html``, with the record's target URL) and
        :class:`InputError`; it never raises InputError.
    """
    from warcio.archiveiterator import ArchiveIterator

    archive_errors, body_errors = _errors()
    number = 0
    records = ArchiveIterator(stream)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except archive_errors as error:
            yield MalformedInput(f"{source}#record {number + 1}", "broken WARC record", _short(error) + "; rest of archive skipped")
            return
        number += 1
        where = f"{source}#record {number}"
        try:
            page = _record_page(record, where, settings, body_errors)
        except InputError as error:
            yield error
            continue
        if page is not None:
            yield page


def _record_page(record, where: str, settings: Settings, body_errors: tuple) -> RawPage | None:
    if not record.rec_type:
        # What warcio makes of bytes that are no WARC headers after "WARC/1.0": a record of no type.
        raise MalformedInput(where, "broken WARC record headers (no WARC-Type)", "the file is not a WARC archive past its first line")
    if record.rec_type not in _PAGE_RECORDS:
        return None
    declared = record.rec_headers.get_header("Content-Length")
    if declared is None or not declared.strip().isdigit():
        # warcio reads such a record as empty and goes on; say so rather than lose the page silently.
        raise MalformedInput(where, f"broken WARC record headers (Content-Length {declared!r})")
    url = record.rec_headers.get_header("WARC-Target-URI")
    charset = None
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            logger.debug("%s: skipped HTTP %s", where, status)
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in _HTML_TYPES:
        return None
    if "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'") or None
    length = record.length
    if length is not None and length > settings.max_page_bytes:
        raise TooLarge(where, f"record is {length:,} bytes, over the {settings.max_page_bytes:,}-byte page limit", "raise max_page_bytes to read it")
    try:
        data = record.content_stream().read(settings.max_page_bytes + 1)
    except body_errors as error:
        raise MalformedInput(where, "broken record body", _short(error)) from None
    if len(data) > settings.max_page_bytes:
        raise TooLarge(where, f"record body is over the {settings.max_page_bytes:,}-byte page limit", "raise max_page_bytes to read it")
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        # The archive ended (or a gzip member broke) before the length the record declares.
        raise MalformedInput(where, "truncated WARC record", f"{missing:,} of its {record.length:,} bytes missing")
    text, encoding = decode_html(data, where, declared=charset)
    return RawPage(source=where, text=text, encoding=encoding, format="html", url=url)


def _short(error: BaseException) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return message[:120]

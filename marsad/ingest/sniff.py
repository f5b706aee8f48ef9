"""Tell a file's format from its first bytes, and decode HTML with the charset it declares.

Extensions lie (a crawl saved as ``.txt``, a feed without a suffix), so the format is read from the
content: a WARC starts with its version line, a JSON Lines file with an object on its first line,
an HTML page with a tag near the top. The extension only breaks ties the content leaves open.
"""

from __future__ import annotations

import codecs
import enum
import json
import zlib

import regex

from marsad.ingest.decode import decode_bytes

GZIP_MAGIC = b"\x1f\x8b"
# Bytes looked at to decide a format; a page's doctype, or a WARC's version line, sits well inside.
HEAD_BYTES = 64 * 1024


class Format(str, enum.Enum):
    """What a file holds: one page (``HTML``, ``TEXT``) or many (``WARC``, ``JSONL``)."""

    WARC = "warc"
    JSONL = "jsonl"
    HTML = "html"
    TEXT = "text"


JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jl")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
# An HTML page opens with a doctype or a structural tag, after white space and comments.
_HTML_START = regex.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|link|script|div|article|p|h1|table)\b",
    regex.IGNORECASE | regex.DOTALL,
)
# A page saved without its head still has several of these near the top.
_HTML_TAG = regex.compile(rb"</?(?:p|div|span|a|br|h[1-6]|li|article|section|figure|img)\b[^>]*>", regex.IGNORECASE)
_HTML_MIN_TAGS = 5
_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", regex.IGNORECASE)


def gunzip_head(head: bytes) -> bytes:
    """The first decompressed bytes of a gzip stream (as many as ``head`` yields; b"" if corrupt)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, HEAD_BYTES)
    except zlib.error:
        return b""


def detect_format(head: bytes, name: str = "") -> Format:
    """The format of a file from its first (decompressed) bytes.

    Args:
        head: up to :data:`HEAD_BYTES` of the file, already decompressed.
        name: the file name without any ``.gz``; its suffix breaks ties.

    Returns:
        The :class:`Format`; ``TEXT`` when nothing else fits (decoding then tells binary from text).
    """
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return Format.WARC
    lower = name.lower()
    if stripped.startswith(b"{"):
        first_line = stripped.split(b"\n", 1)[0]
        if lower.endswith(JSONL_SUFFIXES) or _is_json_object(first_line):
            return Format.JSONL
    if lower.endswith(JSONL_SUFFIXES) and b"\x00" not in head:
        return Format.JSONL
    if _HTML_START.match(stripped):
        return Format.HTML
    tags = len(_HTML_TAG.findall(head[:8192]))
    if tags >= _HTML_MIN_TAGS or (lower.endswith(_HTML_SUFFIXES) and tags):
        return Format.HTML
    return Format.TEXT


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:  # also UnicodeDecodeError
        return False


def decode_html(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode an HTML page: UTF-8 when it is valid, else the charset the page or server declares.

    UTF-8 is tried first because a valid UTF-8 page is almost never anything else, while declared
    charsets are often stale (a template saying ``iso-8859-1`` around UTF-8 text).

    Args:
        data: the page's bytes.
        source: names the page in errors.
        declared: a charset from outside the page (an HTTP ``Content-Type`` header), if any.

    Returns:
        ``(text, encoding)``.

    Raises:
        EmptyInput, BinaryInput, UndecodableInput: as :func:`~marsad.ingest.decode.decode_bytes`.
    """
    match = _CHARSET.search(data[:4096])
    charset = declared or (match.group(1).decode("ascii") if match else None)
    if charset and b"\x00" not in data[:4096]:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            codec = None  # an unknown declared charset: fall back to detection
        if codec and codec not in ("utf-8", "utf-16", "utf-32"):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError:
                    pass
                else:
                    if text.strip():
                        return text, codec
    return decode_bytes(data, source)

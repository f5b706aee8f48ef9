"""Bytes to text: byte-order marks first, then strict UTF-8, then statistical detection.

Arabic pages still circulate as windows-1256 (and sometimes ISO-8859-6); UTF-16 comes from
Windows tools. A wrong guess silently turns a page into mojibake, so each step is strict and
the statistical detector only runs when every cheap certain answer has failed.
"""

from __future__ import annotations

import codecs
import re

from marsad.errors import BinaryInput, EmptyInput, UndecodableInput
from marsad.models import Article, RawPage

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Legacy code pages tried, in order, when a page is not UTF-8. windows-1256 first: it is the
# common Arabic one, and it decodes any byte, so it must be checked for plausibility after.
_ARABIC_LEGACY = ("cp1256", "iso8859_6")

# Share of control characters (other than tab/newline/CR/FF) above which text is binary.
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# A UTF-16 surrogate alone: JSON can spell one ("\ud800"), UTF-8 cannot hold it, and every
# later stage that encodes the text (language detection, the store) fails on it.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode a page's bytes.

    Args:
        data: the raw bytes.
        source: the file name, for error messages.

    Returns:
        ``(text, encoding)``.

    Raises:
        EmptyInput: no bytes, or only white space.
        BinaryInput: the bytes are not text (NUL bytes or control characters outside UTF-16/32).
        UndecodableInput: no encoding gives plausible text.
    """
    if not data.strip():
        raise EmptyInput(source, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), source), encoding
            except UnicodeDecodeError as error:
                raise UndecodableInput(source, f"starts with a {encoding} byte-order mark but is not {encoding}", str(error)) from None
    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), source), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise BinaryInput(source, "binary file, not text", "contains NUL bytes")
    try:
        return _checked(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.end == len(data) and error.start >= len(data) - 3:
            # A crawl capped at a byte limit cuts the last character in two: the text before it is whole.
            return _checked(data[: error.start].decode("utf-8"), source), "utf-8"
        if _damaged_utf8(data):
            # windows-1256 decodes any byte, and UTF-8 Arabic read through it is still "mostly
            # Arabic" letters (ط, ظ …): trying it would store the page as mojibake, silently.
            raise UndecodableInput(source, f"not valid UTF-8: byte 0x{data[error.start]:02X} at offset {error.start}, in text that is otherwise UTF-8",
                                   "repair the file or save it again as UTF-8") from None
    for encoding in _ARABIC_LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_arabic(text):
            return _checked(text, source), encoding
    # Imported here: UTF-8 pages, the most, never need it.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UndecodableInput(source, "unknown text encoding", "convert it to UTF-8")
    return _checked(str(best), source), best.encoding


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, from the first kilobyte.

    Text in one script puts few distinct values in the high bytes: NUL for Latin letters and
    spaces, 0x06 for Arabic, 0x04 for Cyrillic. So one of the two byte streams (odd or even
    positions) is nearly all of two or three values, NUL among them, and the other is varied.
    """
    head = data[: 1024 - (len(data[:1024]) % 2)]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]

    def high_stream(stream: bytes) -> bool:
        counts = sorted((stream.count(value) for value in set(stream)), reverse=True)
        return 0 in stream and sum(counts[:3]) >= 0.9 * len(stream)

    if high_stream(odd) and not high_stream(even):
        return "utf-16-le"
    if high_stream(even) and not high_stream(odd):
        return "utf-16-be"
    return None


def _damaged_utf8(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are UTF-8 all the same, but for a few bad bytes: many
    well-formed multi-byte sequences, and bad bytes at most 1 % of them (a legacy code page's
    text has almost no well-formed sequences: its letters are single bytes)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good >= 20 and bad <= max(3, good // 100)


def _mostly_arabic(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    return arabic / len(letters) > 0.5


def _checked(text: str, source: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise EmptyInput(source, "empty file")
    check_text(text, source)
    return text


def check_text(text: str, source: str, field: str | None = None) -> None:
    """Refuse text that is not text: the same rules for a file, a JSON record and an API request.

    Args:
        text: decoded text (a page, or one field of it).
        source: names the page in the error.
        field: the field the text came from, named in the error (``None``: the page itself).

    Raises:
        BinaryInput: a NUL character, or more than 1% control characters (other than tab,
            newline, carriage return and form feed).
        UndecodableInput: a lone UTF-16 surrogate, which no UTF-8 text can hold.

    Example:
        >>> check_text("a\x00b", "api[0]")
        Traceback (most recent call last):
        marsad.errors.BinaryInput: api[0]: binary, not text (contains NUL characters)
    """
    what = f"field {field!r} is binary, not text" if field else "binary, not text"
    if "\x00" in text:
        raise BinaryInput(source, what, "contains NUL characters")
    control = len(_CONTROL.findall(text))
    if control > _MAX_CONTROL_SHARE * len(text):
        raise BinaryInput(source, what, f"{control} control characters")
    surrogate = _SURROGATE.search(text)
    if surrogate:
        where = f"field {field!r} holds" if field else "text holds"
        raise UndecodableInput(source, f"{where} a lone surrogate U+{ord(surrogate.group()):04X} at character {surrogate.start()}",
                               "it cannot be UTF-8: fix what wrote it")


def check_page(page: RawPage | Article) -> None:
    """:func:`check_text` over a page's text and every text field it was given (title, url, date, outlet).

    Every page passes here before it is cleaned, whatever it came from (file, JSON Lines record,
    HTTP request, clean article), so one rule decides what is binary and a bad record is one
    error, not the loss of its batch.
    """
    text = page.text
    if isinstance(page, RawPage):
        check_text(text, page.source)
    else:
        check_text(text, page.source, "text")
    for name in ("title", "url", "published", "outlet"):
        value = getattr(page, name, None)
        if isinstance(value, str) and value:
            check_text(value, page.source, name)

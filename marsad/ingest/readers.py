"""Readers: paths (files, folders, globs, ``-`` for stdin) to :class:`RawPage` objects.

:func:`read_paths` is the one entry point. Each file's format is read from its content
(:func:`~marsad.ingest.sniff.detect_format`), ``.gz`` files are decompressed on the way, and the
file goes to its reader:

    HTML page   one ``html`` page
    text dump   one ``text`` page
    WARC        one ``html`` page per HTML response record  (marsad.ingest.warc)
    JSON Lines  one page per record                          (marsad.ingest.jsonl)

One bad file, record or line never stops the rest: its :class:`InputError` is yielded in its place.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath
from typing import BinaryIO

from marsad.errors import EmptyInput, InputError, MalformedInput, TooLarge
from marsad.ingest.decode import decode_bytes
from marsad.ingest.jsonl import JsonFields, read_jsonl
from marsad.ingest.sniff import GZIP_MAGIC, HEAD_BYTES, Format, decode_html, detect_format, gunzip_head
from marsad.ingest.warc import read_warc
from marsad.models import RawPage
from marsad.settings import Settings

STDIN = "-"

# Files in a folder that are never pages.
_SKIPPED_SUFFIXES = {".md", ".json", ".py", ".pyc", ".png", ".jpg", ".jpeg", ".gif", ".css", ".js", ".cdx", ".idx"}
_GLOB_CHARS = ("*", "?", "[")
# Errors a damaged gzip stream raises while it is read.
_GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def iter_files(path: str | os.PathLike) -> Iterator[Path | InputError]:
    """A file itself, or the files under a folder in sorted order (hidden files and non-page files skipped).

    Folders reached through symbolic links are not entered (a link to a folder above it made the
    walk endless); a folder that cannot be listed yields its error and the walk goes on. Entries
    that are not regular files (FIFOs, sockets, devices) are yielded too, for the reader to name
    and skip: opening a FIFO waits for a writer forever.
    """
    path = Path(path)
    if not path.is_dir():
        yield path
        return
    errors: list[OSError] = []
    for folder, subfolders, names in os.walk(path, onerror=errors.append, followlinks=False):
        yield from (InputError(error.filename or str(path), "cannot read the folder", error.strerror) for error in errors)
        errors.clear()
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            child = Path(folder) / name
            if not is_page_name(child):
                continue
            if child.is_dir():  # a link to a folder: not entered
                continue
            yield child
    yield from (InputError(error.filename or str(path), "cannot read the folder", error.strerror) for error in errors)


def is_page_name(path: PurePath) -> bool:
    """Whether a file found in a folder is read as pages: not hidden, and not a kind of file that is never a page."""
    return not path.name.startswith(".") and page_suffix(path) not in _SKIPPED_SUFFIXES


def page_suffix(path: PurePath) -> str:
    """The suffix that tells what a file is, looking through ``.gz`` (``a.json.gz`` → ``.json``)."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def read_path(path: str | os.PathLike, settings: Settings | None = None) -> RawPage:
    """Read one file that holds one page (HTML or a text dump, maybe gzipped).

    Args:
        path: the file.
        settings: ``max_page_bytes`` limits the page.

    Returns:
        The page.

    Raises:
        InputError: missing, unreadable, empty, binary, too large or undecodable; or the file is
            an archive or feed of many pages (read those with :func:`read_paths`).
    """
    items = list(_read_file(Path(path), settings or Settings()))
    if len(items) == 1 and isinstance(items[0], RawPage) and items[0].source == str(path):
        return items[0]
    for item in items:
        if isinstance(item, InputError) and item.source == str(path):
            raise item
    raise InputError(str(path), f"holds {len(items)} records, not one page", "read it with read_paths")


def read_paths(
    paths: Iterable[str | os.PathLike], settings: Settings | None = None, json_fields: JsonFields | None = None
) -> Iterator[RawPage | InputError]:
    """Every page under ``paths``; a file, record or line that cannot be read yields its error instead.

    Args:
        paths: files, folders (read recursively in sorted order), glob patterns, or ``-`` for stdin.
        settings: ``max_page_bytes`` limits each page (each record of a WARC or JSON Lines file).
        json_fields: field names for JSON Lines records.

    Returns:
        An iterator of :class:`RawPage` and :class:`InputError`; it never raises InputError.
    """
    settings = settings or Settings()
    for path in paths:
        if str(path) == STDIN:
            yield from read_stream(sys.stdin.buffer, "<stdin>", "", settings, json_fields)
            continue
        matches = expand_path(path)
        if not matches:
            yield InputError(str(path), "no such file or folder")
            continue
        for match in matches:
            for file in iter_files(match):
                if isinstance(file, InputError):
                    yield file
                else:
                    yield from _read_file(file, settings, json_fields)


def expand_path(path: str | os.PathLike) -> list[str | os.PathLike]:
    """The path itself when it exists, else the files its glob pattern matches (sorted)."""
    if os.path.lexists(path):
        return [path]
    text = str(path)
    if "**" in text:
        return _recursive_glob(text)
    if any(char in text for char in _GLOB_CHARS):
        return sorted(glob.glob(text))
    return []


def _recursive_glob(pattern: str) -> list[str]:
    """What a ``**`` pattern matches, walking without following links to folders.

    ``glob.glob(recursive=True)`` follows them, and a link to a folder above itself made it
    walk forever, its memory growing about 9 MB a second.
    """
    parts = pattern.split(os.sep)
    fixed = next(index for index, part in enumerate(parts) if any(char in part for char in _GLOB_CHARS))
    root = os.sep.join(parts[:fixed]) or ("/" if pattern.startswith(os.sep) else ".")
    matcher = re.compile(_glob_regex(os.sep.join(parts[fixed:])))
    matches = []
    for folder, subfolders, names in os.walk(root, followlinks=False):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in [*subfolders, *names]:
            if name.startswith("."):
                continue
            full = os.path.join(folder, name)
            if matcher.fullmatch(os.path.relpath(full, root)):
                matches.append(full if parts[:fixed] else os.path.relpath(full, root))
    return sorted(matches)


def _glob_regex(pattern: str) -> str:
    """A glob pattern (``**`` for any number of folders) as a regular expression over a relative path."""
    out, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**" + os.sep, index):
            out.append(f"(?:[^{re.escape(os.sep)}]*{re.escape(os.sep)})*")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append(f"[^{re.escape(os.sep)}]*")
            index += 1
        elif pattern[index] == "?":
            out.append(f"[^{re.escape(os.sep)}]")
            index += 1
        elif pattern[index] == "[" and "]" in pattern[index + 2 :]:
            end = pattern.index("]", index + 2)
            body = pattern[index + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            index = end + 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return "".join(out)


def _read_file(file: Path, settings: Settings, json_fields: JsonFields | None = None) -> Iterator[RawPage | InputError]:
    source = str(file)
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        yield InputError(source, "no such file" if not file.is_symlink() else "a broken symbolic link")
        return
    except OSError as error:
        yield InputError(source, "cannot read", error.strerror)
        return
    if not stat.S_ISREG(mode):
        yield InputError(source, f"{_kind(mode)}, not a regular file: skipped")
        return
    try:
        handle = open(file, "rb")  # noqa: SIM115 - closed below, after the generator has read it
    except FileNotFoundError:
        yield InputError(source, "no such file")
        return
    except OSError as error:
        yield InputError(source, "cannot read", error.strerror)
        return
    with handle:
        name = file.name[:-3] if file.name.lower().endswith(".gz") else file.name
        yield from read_stream(handle, source, name, settings, json_fields, size=_size(file))


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a special file"


def _size(file: Path) -> int | None:
    try:
        return file.stat().st_size
    except OSError:
        return None


def _empty_gzip(head: bytes) -> bool:
    """Whether ``head`` (the whole file, when shorter than a head) is well-formed gzip of no bytes."""
    if len(head) >= HEAD_BYTES:
        return False
    try:
        return gzip.decompress(head) == b""
    except (OSError, EOFError, zlib.error):
        return False


def read_stream(
    raw: BinaryIO, source: str, name: str, settings: Settings, json_fields: JsonFields | None = None, size: int | None = None
) -> Iterator[RawPage | InputError]:
    """Detect the format of one stream (a file, stdin, or bytes read elsewhere) and hand it to its reader.

    ``source`` names the stream in errors and page sources, ``name`` is the file name the format
    is guessed from (without ``.gz``), ``size`` its length when known."""
    try:
        head = raw.read(HEAD_BYTES)
    except OSError as error:
        yield InputError(source, "cannot read", error.strerror)
        return
    compressed = head.startswith(GZIP_MAGIC)
    plain_head = gunzip_head(head) if compressed else head
    if compressed and not plain_head:
        if _empty_gzip(head):
            yield EmptyInput(source, "empty file", "a gzip archive of nothing")
        else:
            yield MalformedInput(source, "corrupt gzip data", "the file starts like gzip but does not decompress")
        return
    page_format = detect_format(plain_head, name)
    stream: BinaryIO = io.BufferedReader(_Prefixed(head, raw), buffer_size=HEAD_BYTES)
    if page_format is Format.WARC:
        # warcio decompresses gzip members itself, record by record.
        yield from read_warc(stream, source, settings)
        return
    if compressed:
        stream = gzip.GzipFile(fileobj=stream, mode="rb")
    if page_format is Format.JSONL:
        try:
            yield from read_jsonl(stream, source, settings, json_fields)
        except _GZIP_ERRORS as error:
            yield MalformedInput(source, "truncated or corrupt gzip data", str(error) or type(error).__name__)
        return
    # One page: HTML or a text dump. A plain file's size is known before reading it.
    if not compressed and size is not None and size > settings.max_page_bytes:
        yield _too_large(source, size, settings)
        return
    try:
        data = stream.read(settings.max_page_bytes + 1)
    except _GZIP_ERRORS as error:
        yield MalformedInput(source, "truncated or corrupt gzip data", str(error) or type(error).__name__)
        return
    except OSError as error:
        yield InputError(source, "cannot read", error.strerror)
        return
    if len(data) > settings.max_page_bytes:
        yield _too_large(source, size if not compressed and size else None, settings)
        return
    try:
        if page_format is Format.HTML:
            text, encoding = decode_html(data, source)
            yield RawPage(source=source, text=text, encoding=encoding, format="html")
        else:
            text, encoding = decode_bytes(data, source)
            yield RawPage(source=source, text=text, encoding=encoding, format="text")
    except InputError as error:
        yield error


def _too_large(source: str, size: int | None, settings: Settings) -> TooLarge:
    what = f"file is {size:,} bytes" if size else "page is larger"
    return TooLarge(source, f"{what}, over the {settings.max_page_bytes:,}-byte page limit", "raise the limit with --max-page-mb, or Settings(max_page_bytes=…)")


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read (to detect its format), put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

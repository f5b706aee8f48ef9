"""JSON Lines input of the batch commands (``entities``, ``score-pairs``): one record a line,
each bad line one named error, the rest still read. ``-`` is standard input; a ``.gz`` file is
read through gzip."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from marsad.errors import InputError, MalformedInput
from marsad.ingest.jsonl import json_problem
from marsad.ingest.sniff import GZIP_MAGIC

STDIN = Path("-")


def _stdin() -> io.BufferedReader:
    """Standard input's bytes, peekable (a harness's or a program's own stream is wrapped once)."""
    if not hasattr(sys.stdin.buffer, "peek"):
        sys.stdin = io.TextIOWrapper(io.BufferedReader(sys.stdin.buffer), encoding="utf-8", errors="replace")
    return sys.stdin.buffer


def head_bytes(path: Path, size: int = 4096) -> bytes:
    """The first bytes of the content (decompressed for ``.gz``), standard input left unread.

    Raises:
        OSError: the file cannot be read; gzip.BadGzipFile / EOFError / zlib.error: a ``.gz`` (or
        gzipped standard input) that is not gzip.
    """
    if path == STDIN:
        head = _stdin().peek(size)[:size]
        if head.startswith(GZIP_MAGIC):  # `cat feed.jsonl.gz | …`: read as the file would be
            # zlib's own error for corrupt data (gunzip_head would answer b"", read as "empty").
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, size)
        return head
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:
        return handle.read(size)


def count_records(path: Path) -> int | None:
    """The non-blank lines of a file (gzip's content for ``.gz``), or None when it cannot be read
    (its reader then names the problem)."""
    try:
        with (gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")) as handle:
            return sum(1 for line in handle if line.strip())
    except (OSError, EOFError, zlib.error):
        return None


@contextlib.contextmanager
def open_text(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """The file (or standard input, for ``-``; gzip's content, for ``.gz``) as UTF-8 text."""
    if path == STDIN:
        raw = _stdin()
        if raw.peek(2)[:2] == GZIP_MAGIC:
            yield io.TextIOWrapper(gzip.GzipFile(fileobj=raw, mode="rb"), encoding="utf-8", errors="replace", newline=newline)
        else:
            yield io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline=newline)
    elif path.suffix.lower() == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", errors="replace", newline=newline) as handle:
            yield handle
    else:
        with open(path, encoding="utf-8", errors="replace", newline=newline) as handle:
            yield handle


def json_records(path: Path) -> Iterator[tuple[str, int, object] | InputError]:
    """``(source, line number, record)`` for each non-blank line of ``path``, or the line's error
    (a file that cannot be read, or a ``.gz`` cut short, is one error after the lines read)."""
    number = 0
    try:
        with open_text(path) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                source = f"{path}:{number}"
                try:
                    yield source, number, json.loads(line)
                except json.JSONDecodeError as error:
                    yield MalformedInput(source, f"not valid JSON ({json_problem(error, line)})")
                except RecursionError:  # nested thousands deep, as marsad.ingest.jsonl reads it
                    yield MalformedInput(source, "JSON nested too deeply", "a record is one flat object")
    except (OSError, EOFError, zlib.error) as error:  # gzip.BadGzipFile is an OSError; bad deflate data a zlib.error
        where = f" after line {number}" if number else ""
        yield InputError(str(path), f"cannot read{where}", str(getattr(error, "strerror", None) or error))

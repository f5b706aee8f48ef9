"""Readers: paths (files or folders) to :class:`RawPage` objects, one bad file never stopping the rest."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from marsad.errors import InputError, TooLarge
from marsad.ingest.decode import decode_bytes
from marsad.models import RawPage
from marsad.settings import Settings

# Files in a folder that are never pages.
_SKIPPED_SUFFIXES = {".md", ".json", ".py", ".pyc", ".png", ".jpg", ".jpeg", ".gif", ".css", ".js"}


def iter_files(path: str | os.PathLike) -> Iterator[Path]:
    """A file itself, or the files under a folder in sorted order (hidden files and non-page files skipped)."""
    path = Path(path)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                if child.suffix.lower() not in _SKIPPED_SUFFIXES:
                    yield child
    else:
        yield path


def read_path(path: str | os.PathLike, settings: Settings | None = None) -> RawPage:
    """Read one file as a page.

    Raises:
        InputError: missing, unreadable, empty, binary, too large or undecodable.
    """
    settings = settings or Settings()
    source = str(path)
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except OSError as error:
        raise InputError(source, "cannot read", error.strerror) from None
    if size > settings.max_page_bytes:
        raise TooLarge(source, f"file is {size:,} bytes, over the {settings.max_page_bytes:,}-byte page limit", "raise max_page_bytes to read it")
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(source, "cannot read", error.strerror) from None
    text, encoding = decode_bytes(data, source)
    return RawPage(source=source, text=text, encoding=encoding, format="text")


def read_paths(paths: Iterable[str | os.PathLike], settings: Settings | None = None) -> Iterator[RawPage | InputError]:
    """Every page under ``paths``; a file that cannot be read yields its :class:`InputError` instead."""
    settings = settings or Settings()
    for path in paths:
        if not os.path.exists(path):
            yield InputError(str(path), "no such file or folder")
            continue
        for file in iter_files(path):
            try:
                yield read_path(file, settings)
            except InputError as error:
                yield error

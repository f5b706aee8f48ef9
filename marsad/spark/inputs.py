"""Inputs of a Spark job: the files to read, in the order ``marsad clean`` reads them, and their pages.

Local paths (files, folders, globs) are listed on the driver exactly as
:func:`marsad.ingest.read_paths` lists them, and each executor reads its files with the same
readers, so every page has the same ``source`` (and so the same outlet key and id) as the local
path gives it. A URI with a scheme (``hdfs://``, ``s3a://``, ``gs://``, ``file://``) is read
through Hadoop (:meth:`SparkContext.binaryFiles`) and its bytes go to the same format sniffing
and readers. One file is one unit of work: a corpus should come as many files (Common Crawl's
WARCs are about 1 GB each; a JSON Lines dump can be split by lines beforehand).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from marsad.errors import InputError
from marsad.ingest import read_paths
from marsad.ingest.readers import STDIN, expand_path, is_page_name, iter_files, read_stream
from marsad.models import RawPage
from marsad.settings import Settings


@dataclass(frozen=True)
class InputUnit:
    """One file to read (``path``), or a path that names nothing (``missing``: read as its error)."""

    path: str
    missing: bool = False


def is_uri(path: str) -> bool:
    return "://" in path


def local_units(paths: Sequence[str]) -> list[InputUnit]:
    """The files under local ``paths``, in :func:`read_paths` order (folders sorted, globs expanded)."""
    units: list[InputUnit] = []
    for path in paths:
        if path == STDIN:
            units.append(InputUnit(path, missing=True))
            continue
        matches = expand_path(path)
        if not matches:
            units.append(InputUnit(str(path), missing=True))
        for match in matches:
            units.extend(InputUnit(str(file)) for file in iter_files(match))
    return units


def read_unit(unit: InputUnit, settings: Settings) -> Iterator[RawPage | InputError]:
    """The pages of one local file (what :func:`read_paths` yields for it)."""
    if unit.missing:
        problem = "standard input cannot be read by a Spark job" if unit.path == STDIN else "no such file or folder"
        yield InputError(unit.path, problem)
        return
    yield from read_paths([unit.path], settings)


def read_bytes(uri: str, data: bytes, settings: Settings) -> Iterator[RawPage | InputError]:
    """The pages of one file given as bytes (read through Hadoop), sniffed and read like a local file."""
    name = PurePosixPath(uri).name
    name = name[:-3] if name.lower().endswith(".gz") else name
    yield from read_stream(io.BytesIO(data), uri, name, settings, size=len(data))


def is_page_file(uri: str) -> bool:
    """Whether a file found under a URI is read, as a file in a local folder is (no hidden or non-page files)."""
    path = PurePosixPath(uri.split("://", 1)[-1])
    return is_page_name(path)


def split_paths(paths: Sequence[str | os.PathLike]) -> tuple[list[str], list[str]]:
    """(local paths, URIs)."""
    text = [str(path) for path in paths]
    return [p for p in text if not is_uri(p)], [p for p in text if is_uri(p)]

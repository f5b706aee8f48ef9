"""marsad (مرصد): an Arabic-first, multilingual news-story engine.

    >>> import marsad
    >>> a, b = marsad.clean("page1.txt"), marsad.clean("page2.txt")   # doctest: +SKIP
    >>> marsad.compare(a[0], b[0]).as_dict()["scores"]["overall"]      # doctest: +SKIP

The functions here use one shared default :class:`Engine` (real models, loaded on first use);
build your own ``Engine(Settings(...))`` to choose models or limits.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

# One BLAS thread unless the user chose otherwise, set before numpy loads its BLAS: marsad's
# parallel work is processes (ingest workers), and its matrices are small. OpenBLAS's threads
# spinning beside them on a busy two-core machine took 7 times the CPU of one thread for the same
# products (0.34 s against 0.05 s), and most of `marsad compare`'s sentence encoding time.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from marsad.engine import Engine  # noqa: E402 - after the BLAS setting
from marsad.errors import InputError, MarsadError
from marsad.models import Analysed, Article, Comparison, Dimension, RawPage
from marsad.settings import Settings

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["Analysed", "Article", "Comparison", "Dimension", "Engine", "InputError", "MarsadError", "RawPage", "Settings", "clean", "compare", "default_engine"]
__version__ = "0.1.0"

_engine: Engine | None = None


def default_engine() -> Engine:
    """The engine behind :func:`clean` and :func:`compare`, created on first use."""
    global _engine
    if _engine is None:
        _engine = Engine()
    return _engine


_PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".warc", ".gz", ".jsonl", ".ndjson", ".json", ".md")


def _looks_like_a_path(text: str) -> bool:
    """A one-word string ending like a page file ("typo.txt", "pages/a.html"): meant as a path, not as text."""
    stripped = text.strip()
    return bool(stripped) and len(stripped) < 4096 and not any(ch.isspace() for ch in stripped) and (
        stripped.lower().endswith(_PAGE_SUFFIXES) or "/" in stripped or "\\" in stripped)


def clean(path_or_text: str | os.PathLike) -> list[Article]:
    """Clean a page file, a folder of pages, or a page's text.

    A string that names an existing file or folder is read from disk; a one-word string that
    looks like a path ("typo.txt", "pages/a.html") but names nothing is an error, not a page;
    any other string is cleaned as the text of one page.

    Raises:
        InputError: a single file or text that cannot be cleaned. (In a folder, bad files are
            skipped and logged, so one bad page does not lose the rest.)
    """
    engine = default_engine()
    if isinstance(path_or_text, str) and _looks_like_a_path(path_or_text) and not Path(path_or_text).exists():
        raise InputError(path_or_text, "no such file or folder", "give an existing path, or the page's text itself")
    if isinstance(path_or_text, os.PathLike) or (isinstance(path_or_text, str) and "\n" not in path_or_text and len(path_or_text) < 4096 and Path(path_or_text).exists()):
        path = Path(path_or_text)
        if not path.exists():
            raise InputError(str(path), "no such file or folder", "give an existing path, or the page's text itself")
        articles: list[Article] = []
        for item in engine.clean_paths([path]):
            if isinstance(item, InputError):
                if path.is_file():
                    raise item
                logging.getLogger(__name__).warning("%s", item)
            else:
                articles.append(item)
        return articles
    return engine.clean_text(str(path_or_text))


def compare(a: Article | Analysed, b: Article | Analysed) -> Comparison:
    """Judge how similar two articles are on the seven SemEval-2022 Task 8 dimensions, with evidence."""
    return default_engine().compare(a, b)

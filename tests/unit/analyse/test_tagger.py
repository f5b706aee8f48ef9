"""The learned entity tagger: tokens, decoding, the packaged model against the rules."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from marsad.analyse.entities import EntityFinder
from marsad.analyse.ner_data import GoldSentence
from marsad.analyse.sentences import split_sentences
from marsad.analyse.tagger import (
    EntityTagger,
    marginals_many,
    spans_of,
    tokenize,
    viterbi,
    viterbi_many,
)

GOLD = Path(__file__).resolve().parents[2] / "data" / "entities" / "gold_sample.tsv"
_TYPES = {"person": "PER", "place": "LOC", "organisation": "ORG"}


def gold_sentences() -> list[tuple[str, GoldSentence]]:
    """The sample's sentences with their corpus's language (copied from the gold sets' train parts)."""
    out, tokens, tags, corpus = [], [], [], ""
    for line in GOLD.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# "):
            corpus = line.split()[1]
        elif not line.strip():
            if tokens:
                out.append(("ar" if corpus in ("newsfane_gold", "aqmar") else "en", GoldSentence(corpus, 0, tuple(tokens), tuple(tags))))
            tokens, tags = [], []
        else:
            token, tag = line.split("\t")
            tokens.append(token)
            tags.append(tag)
    return out


def test_tokens_split_a_possessive_and_keep_abbreviations():
    text = "Dr. Cooper's office in the U.S. and Joe Biden’s team."
    assert [text[s:e] for s, e in tokenize(text)] == ["Dr.", "Cooper", "'s", "office", "in", "the", "U.S.", "and", "Joe", "Biden", "’s", "team", "."]


def test_viterbi_finds_the_best_path():
    rng = np.random.default_rng(3)
    emissions, transitions = rng.normal(size=(5, 3)), rng.normal(size=(3, 3))

    def score(path):
        return sum(emissions[i, k] for i, k in enumerate(path)) + sum(transitions[a, b] for a, b in itertools.pairwise(path))

    best = max(itertools.product(range(3), repeat=5), key=score)
    assert tuple(viterbi(emissions, transitions)) == best


def test_bio_labels_become_spans():
    assert spans_of(["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "B-ORG", "I-ORG"]) == [(0, 1, "PER"), (3, 3, "LOC"), (4, 4, "ORG"), (5, 6, "ORG")]


def test_the_model_file_refuses_another_format(engine):
    import io

    buffer = io.BytesIO()
    np.savez(buffer, format_version=np.array(99))
    with pytest.raises(ValueError, match="format 99"):
        EntityTagger(engine.gazetteer, buffer.getvalue())


def f1_of(finder, sentences) -> float:
    hits = predicted = gold = 0
    for language, sentence in sentences:
        text = sentence.text
        found = {(m.span.start, m.span.end, _TYPES[m.kind.value]) for m in finder.find([("p0", text)], tuple(split_sentences("p0", text)), language) if m.form == "name"}
        truth = set(sentence.spans())
        hits += len(found & truth)
        predicted += len(found)
        gold += len(truth)
    return 2 * hits / (predicted + gold)


def test_the_packaged_tagger_finds_more_of_the_gold_names_than_the_rules(engine):
    sentences = gold_sentences()
    assert {language for language, _ in sentences} == {"ar", "en"}
    tagged = f1_of(EntityFinder(engine.gazetteer), sentences)
    rules = f1_of(EntityFinder(engine.gazetteer, tagger=None), sentences)
    assert tagged > rules + 0.2 and tagged > 0.8


def test_tagging_sums_the_same_weights_as_the_features_it_was_trained_on(engine):
    """The cached per-word sums give the labels the plain feature strings give."""
    tagger = EntityTagger(engine.gazetteer)
    for language, sentence in gold_sentences():
        words = list(sentence.tokens)
        rule_tags = ["B-PER" if k % 4 == 1 else "ADJ" if k % 5 == 2 else "O" for k in range(len(words))]
        model = tagger.models[language]
        features = tagger.features[language].sequence(words, rule_tags)
        emissions = np.stack([model.weights[[model.index[f] for f in token if f in model.index]].sum(axis=0) for token in features])
        assert tagger.tag(words, rule_tags, language) == [model.labels[k] for k in viterbi(emissions, model.transitions)]


def test_sequences_decoded_together_get_their_own_best_paths():
    rng = np.random.default_rng(5)
    transitions = rng.normal(size=(4, 4))
    emissions = [rng.normal(size=(length, 4)) for length in (1, 7, 3, 12)]
    assert viterbi_many(emissions, transitions) == [viterbi(e, transitions) for e in emissions]


def test_label_probabilities_are_those_of_summing_over_every_path():
    rng = np.random.default_rng(7)
    transitions = rng.normal(size=(3, 3)) * 3
    emissions = [rng.normal(size=(length, 3)) * 8 for length in (1, 4, 2, 5)]
    for sequence, found in zip(emissions, marginals_many(emissions, transitions)):
        paths = list(itertools.product(range(3), repeat=len(sequence)))
        scores = np.array([sum(sequence[i, k] for i, k in enumerate(path)) + sum(transitions[a, b] for a, b in itertools.pairwise(path)) for path in paths])
        weights = np.exp(scores - scores.max())
        expected = np.zeros_like(sequence)
        for path, weight in zip(paths, weights):
            expected[np.arange(len(path)), path] += weight
        np.testing.assert_allclose(found, expected / weights.sum(), atol=1e-9)


def test_the_english_news_set_annotated_here_is_read_for_testing_only():
    from marsad.analyse.ner_data import CORPORA, EVALUATION_ONLY, load_part

    sentences = load_part("en_news_marsad", "test")
    assert len(sentences) == 181 and all(s.tokens and len(s.tokens) == len(s.tags) for s in sentences)
    spans = [span for s in sentences for span in s.spans()]
    assert {kind for *_, kind in spans} == {"PER", "LOC", "ORG"} and len(spans) == 300
    assert (sentences[5].text[143:156], sentences[5].spans()[2][2]) == ("Myles Garrett", "PER")
    # The training scripts read CORPORA: the set annotated here has no part to train or tune on.
    assert "en_news_marsad" not in CORPORA and not load_part("en_news_marsad", "train") and not load_part("en_news_marsad", "dev")
    assert set(EVALUATION_ONLY) == {"en_news_marsad"}

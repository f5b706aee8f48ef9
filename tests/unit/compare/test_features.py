"""Pair features: rarity weighting, length robustness, the tone and word views (stand-in encoder)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from marsad.compare.align import similarity_matrix
from marsad.compare.features import FEATURES, FeatureStatistics, pair_features, term_vector, weighted_jaccard
from marsad.models import Article

STATISTICS = FeatureStatistics(aligned_similarity=0.8, rarity={"country:EG": 0.2}, rare_weight=5.0)


def features(engine, a, b, statistics=STATISTICS):
    a, b = engine.analyse(a), engine.analyse(b)
    return pair_features(a, b, similarity_matrix(a.analysis.sentence_vectors, b.analysis.sentence_vectors), statistics)


def test_weighted_jaccard_counts_rare_ids_more():
    shared_common = weighted_jaccard(frozenset({"country:EG", "place:1"}), frozenset({"country:EG", "place:2"}), STATISTICS)
    shared_rare = weighted_jaccard(frozenset({"country:EG", "place:1"}), frozenset({"country:FR", "place:1"}), STATISTICS)
    assert shared_common == pytest.approx(0.2 / 10.2)
    assert shared_rare == pytest.approx(5.0 / 10.2)
    assert weighted_jaccard(frozenset(), frozenset(), STATISTICS) is None  # nothing on either side: no evidence


def test_term_vector_weighs_rare_words_and_has_unit_length():
    vector = term_vector("The talks in Helsinki lasted six hours and the meeting ended.", "en")
    assert math.isclose(sum(w * w for w in vector.values()), 1.0, rel_tol=1e-9)
    assert vector["helsinki"] > vector["talk"] > vector["the"]  # keys are stems ("talks" → "talk")


def test_arabic_words_with_the_article_or_a_preposition_share_a_key():
    keys = {key for key in term_vector("العاصمة بالعاصمة للعاصمة الحكومة حكومة", "ar")}
    assert len(keys) == 2  # عاصم, حكوم
    assert len(term_vector("العاصمة بالعاصمة للعاصمة الحكومة حكومة", "ar", stemmed=False)) == 5


def test_word_overlap_sees_through_arabic_attached_particles():
    # وال / بال / لل attach "and the", "in the", "for the" to the word: whole words never meet.
    a, b = "وصل الوفد إلى العاصمة لإجراء المحادثات", "والعاصمة تستضيف بالمحادثات الوفد"
    overlap = lambda x, y: sum(w * y.get(k, 0.0) for k, w in x.items())  # noqa: E731
    assert overlap(term_vector(a, "ar"), term_vector(b, "ar")) > overlap(term_vector(a, "ar", stemmed=False), term_vector(b, "ar", stemmed=False)) + 0.2


def test_model_files_keep_the_word_keys_they_were_trained_on():
    from marsad.compare.model import model_for_dim

    assert model_for_dim(512).statistics.stemmed_words  # use: retrained with stems
    assert not model_for_dim(384).statistics.stemmed_words  # e5: trained before stems, keeps whole words


def test_features_cover_every_name_and_stay_in_range(engine, sample_articles):
    row = features(engine, sample_articles[0], sample_articles[1])
    assert tuple(row) == FEATURES
    for name in ("document_cosine", "word_cosine", "lead_cosine", "narrative_coverage", "entities"):
        assert -1.0 <= row[name] <= 1.0 + 1e-6, name
    assert row["same_language"] == 1.0
    assert row["days_apart"] is None or row["days_apart"] >= 0


def test_features_do_not_grow_with_length(engine, sample_articles):
    """Real articles are longer than the training texts: shares and cosines must not drift with length."""
    a, b = sample_articles[0], sample_articles[1]
    doubled_a = replace(a, paragraphs=a.paragraphs * 2)
    doubled_b = replace(b, paragraphs=b.paragraphs * 2)
    short, long = features(engine, a, b), features(engine, doubled_a, doubled_b)
    for name in ("document_cosine", "word_cosine", "sentence_best_mean", "narrative_coverage", "people", "places", "dates", "quote_gap", "length_ratio"):
        assert long[name] == pytest.approx(short[name], abs=0.03), name


def test_same_text_is_closest(engine, sample_articles):
    same = features(engine, sample_articles[0], sample_articles[0])
    other = features(engine, sample_articles[0], sample_articles[2])
    assert same["document_cosine"] == pytest.approx(1.0, abs=1e-5) and same["word_cosine"] == pytest.approx(1.0)
    assert same["narrative_coverage"] == 1.0
    assert other["document_cosine"] < same["document_cosine"] and other["word_cosine"] < 0.5


def test_tone_axes_read_polarity_off_the_vectors(engine):
    positive = Article(source="p", title=None, paragraphs=("wonderful happy victory celebration joy",), language="en")
    negative = Article(source="n", title=None, paragraphs=("terrible tragic attack killed grief",), language="en")
    axes = np.stack([engine.analyser.encoder.encode(["wonderful happy victory celebration joy"])[0] - engine.analyser.encoder.encode(["terrible tragic attack killed grief"])[0]] * 2)
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    row = features(engine, positive, negative, replace(STATISTICS, tone_axes=axes.astype(np.float32)))
    assert row["polarity_gap"] > 0.5
    assert features(engine, positive, negative)["polarity_gap"] is None  # no axes, no tone evidence


def test_conflicts_need_places_or_dates_on_both_sides(engine):
    from marsad.compare.features import FeatureStatistics, conflicts, profile
    from marsad.models import Article

    def analysed(text: str):
        return engine.analyser.analyse(Article(source="t", title=None, paragraphs=(text,), language="en", published="2023-06-05"))

    statistics = FeatureStatistics(aligned_similarity=0.9)
    chicago = profile(analysed("Three people were wounded in a shooting in Chicago on 3 June 2023."), statistics)
    houston = profile(analysed("Two men were killed in a shooting in Houston on 4 June 2023."), statistics)
    chicago_later = profile(analysed("A man was killed in a shooting in Chicago on 6 June 2023."), statistics)
    nowhere = profile(analysed("Police said the investigation goes on."), statistics)
    assert conflicts(chicago, houston) == (True, True)
    assert conflicts(chicago, chicago_later) == (False, True)
    assert conflicts(chicago, chicago) == (False, False)
    assert conflicts(chicago, nowhere) == (False, False)  # no evidence is no conflict


def test_only_dates_naming_a_month_or_a_day_can_conflict(engine):
    from marsad.compare.features import FeatureStatistics, conflicts, profile
    from marsad.models import Article

    def analysed(text: str, published: str | None):
        return profile(engine.analyser.analyse(Article(source="t", title=None, paragraphs=(text,), language="en", published=published)),
                       FeatureStatistics(aligned_similarity=0.9))

    # Background years and weekdays with no publish date to anchor them say nothing about the event's day.
    assert conflicts(analysed("The law of 2004 was passed in Paris on Tuesday.", None),
                     analysed("Rules from 1998 were changed in Berlin on Friday.", None)) == (True, False)
    # Anchored by the publish date, "on Saturday" and "on Sunday" are two different days.
    assert conflicts(analysed("A shooting in Chicago on Saturday wounded three.", "2023-06-03"),
                     analysed("A shooting in Houston on Sunday killed two.", "2023-06-04")) == (True, True)

"""Analysis of the sample pages with the stand-in encoder: entities, dates, quantities, sentences, normalisation."""

from __future__ import annotations

from marsad.analyse.dates import find_dates
from marsad.analyse.entities import skeleton
from marsad.analyse.normalise import normalise, normalise_with_offsets
from marsad.analyse.numbers import find_quantities
from marsad.analyse.sentences import split_sentences


def test_normalise_folds_letters_and_digits_and_keeps_offsets():
    text = "أُسْبوعٌ ـ مدرسة إلى ٦"
    norm, offsets = normalise_with_offsets(text)
    assert norm == "اسبوع  مدرسه الي 6"  # tatweel dropped, letters folded
    assert text[offsets[norm.index("6")]] == "٦"
    assert normalise("Gérasimov") == "gerasimov"


def test_skeleton_matches_across_scripts():
    assert skeleton("جيراسيموف") == skeleton("Gerasimov") == skeleton("Герасимов")
    assert skeleton("ميلي") == skeleton("Milley")
    assert skeleton("بتلر") == skeleton("Butler")
    assert skeleton("ميلي") != skeleton("بتلر")


def test_dates_both_arabic_month_sets_and_numeric():
    values = [value for value, *_ in find_dates("في 15 أغسطس ثم في آب 2021 وفي 18/9/2021 ومنذ ديسمبر عام 2019")]
    assert values == ["--08-15", "2021-08", "2021-09-18", "2019-12"]


def test_quantities_digits_and_words_share_a_key():
    found = {(value, unit) for value, unit, *_ in find_quantities("محادثات لمدة 6 ساعات. اجتماع ست ساعات. إجلاء 120 ألف مدني. talks lasted six hours")}
    assert found == {(6.0, "hour"), (120000.0, "civilian")}


def test_sentences_arabic_punctuation_and_abbreviations():
    assert [s.text for s in split_sentences("p0", "قال ميلي. هل اتفقا؟ نعم")] == ["قال ميلي.", "هل اتفقا؟", "نعم"]
    assert len(split_sentences("p0", "Gen. Mark Milley met Valery Gerasimov for 6.5 hours. They spoke.")) == 2


def test_sample_pages_share_canonical_entities(engine, sample_articles):
    a, b = (engine.analyse(article) for article in sample_articles[:2])
    ids_a = {m.id for m in a.analysis.entities}
    ids_b = {m.id for m in b.analysis.entities}
    generals = {f"person:{skeleton('Milley')}", f"person:{skeleton('Gerasimov')}"}
    shared = {"place:658225", "country:US", "country:RU", "country:AF", "org:taliban"} | generals
    assert shared <= ids_a & ids_b
    # the surname alone later in page 1 is the same colonel as the full name
    butler = [m for m in a.analysis.entities if m.id == f"person:{skeleton('Butler')}"]
    assert {m.text for m in butler} == {"ديف بتلر", "بتلر"}


def test_six_hours_only_in_second_page(engine, sample_articles):
    a, b = (engine.analyse(article) for article in sample_articles[:2])
    assert not [q for q in a.analysis.quantities if q.unit == "hour"]
    assert {q.text for q in b.analysis.quantities if q.unit == "hour" and q.value == 6} == {"ست ساعات", "6 ساعات"}


def test_english_article_gets_same_ids_as_arabic(engine):
    from marsad.models import Article

    english = Article(
        source="en",
        title="US and Russian military chiefs meet in Helsinki",
        paragraphs=("Gen. Mark Milley, chairman of the Joint Chiefs of Staff, met Russia's Valery Gerasimov in Helsinki for six hours, as the Taliban ruled Afghanistan.",),
    )
    analysed = engine.analyse(english)
    ids = {m.id for m in analysed.analysis.entities}
    assert {"place:658225", "country:RU", "country:AF", "org:taliban", f"person:{skeleton('ميلي')}", f"person:{skeleton('جيراسيموف')}"} <= ids
    assert analysed.article.language == "en"

"""Comparison evidence and JSON form with the stand-in encoder (scores' calibration is tested with the real model)."""

from __future__ import annotations

from marsad.compare.evidence import dates_compatible
from marsad.models import Dimension


def test_compare_json_has_public_keys(engine, sample_articles):
    result = engine.compare(sample_articles[0], sample_articles[1]).as_dict()
    assert set(result) == {"scores", "evidence"}
    assert list(result["scores"]) == [d.value for d in Dimension]
    assert all(1.0 <= value <= 4.0 for value in result["scores"].values())
    evidence = result["evidence"]
    assert set(evidence) == {"shared", "aligned", "only_a", "only_b", "conflicts"}
    assert set(evidence["shared"]) == {"people", "places", "organisations", "dates", "numbers"}


def test_compare_evidence_on_sample_pages(engine, sample_articles):
    evidence = engine.compare(sample_articles[0], sample_articles[1]).evidence
    people = {item["label"] for item in evidence.shared["people"]}
    assert any("ميلي" in label for label in people) and any("جيراسيموف" in label for label in people)
    assert "Helsinki" in {item["label"] for item in evidence.shared["places"]}
    hours_b = [item for item in evidence.only_b if item["kind"] == "quantity" and item["unit"] == "hour"]
    assert len(hours_b) == 1 and hours_b[0]["value"] == 6.0
    assert not [item for item in evidence.only_a if item.get("unit") == "hour"]
    assert evidence.conflicts == []
    # spans point back at the text as written
    item = hours_b[0]
    unit = item["span"]["unit"]
    text = sample_articles[1].title if unit == "title" else sample_articles[1].paragraphs[int(unit[1:])]
    assert text[item["span"]["start"] : item["span"]["end"]] == item["text"]


def test_conflict_when_aligned_sentences_disagree(engine):
    from marsad.models import Article

    a = Article(source="a", title=None, paragraphs=("The two generals held talks for 6 hours in Helsinki on Wednesday.",))
    b = Article(source="b", title=None, paragraphs=("The two generals held talks for 5 hours in Helsinki on Wednesday.",))
    evidence = engine.compare(a, b).evidence
    assert [(c["slot"], c["a"]["value"], c["b"]["value"]) for c in evidence.conflicts] == [("hour", 6.0, 5.0)]


def test_dates_compatible():
    assert dates_compatible("2019", "2019-12") == "2019"
    assert dates_compatible("--08-15", "--08") == "--08"
    assert dates_compatible("2021-08-15", "--08-15") == "--08-15"
    assert dates_compatible("2019", "2020") is None
    # A weekday no publish date resolved names the full dates that fall on it (2021-09-22 was a Wednesday).
    assert dates_compatible("weekday:3", "2021-09-22") == dates_compatible("2021-09-22", "weekday:3") == "2021-09-22"
    assert dates_compatible("weekday:4", "2021-09-22") is None and dates_compatible("weekday:3", "2021-09") is None
    assert dates_compatible("weekday:3", "2021-09-22", weekdays=False) is None  # as the judge's features read them


def test_date_conflict_and_count_conflict_in_aligned_sentences(engine):
    from marsad.compare.judge import compare_analysed
    from marsad.compare.model import model_for_dim
    from marsad.models import Article

    a = Article(source="a", title=None, paragraphs=("Leaders of 21 countries signed the climate pact in Paris on 12 March 2021.",), language="en")
    b = Article(source="b", title=None, paragraphs=("Leaders of 20 countries signed the climate pact in Paris on 14 March 2021.",), language="en")
    analysed_a, analysed_b = engine.analyse(a), engine.analyse(b)
    comparison = compare_analysed(analysed_a, analysed_b, model_for_dim(256))
    slots = {(c["slot"], c["a"]["text"], c["b"]["text"]) for c in comparison.evidence.conflicts}
    assert ("date", "12 March 2021", "14 March 2021") in slots
    assert any(slot != "date" and "21" in text_a and "20" in text_b for slot, text_a, text_b in slots)
    for conflict in comparison.evidence.conflicts:  # spans point back at the text as written
        span = conflict["a"]["span"]
        assert a.paragraphs[0][span["start"] : span["end"]] == conflict["a"]["text"]


def test_same_value_is_shared_not_a_conflict(engine):
    from marsad.models import Article

    a = Article(source="a", title=None, paragraphs=("The talks lasted 6 hours in Helsinki, officials said on Wednesday.",), language="en")
    b = Article(source="b", title=None, paragraphs=("Officials said the talks in Helsinki lasted six hours on Wednesday.",), language="en")
    evidence = engine.compare(a, b).evidence
    assert evidence.conflicts == []
    assert [(item["value"], item["unit"]) for item in evidence.shared["numbers"]] == [(6.0, "hour")]


def test_one_sides_facts_are_shown_by_a_name_and_a_date_is_listed_once(engine):
    from marsad.compare.evidence import build_evidence
    from marsad.models import Article

    a = engine.analyse(Article(source="a", title=None, language="ar", published="2021-09-22", paragraphs=(
        "قال المسؤول الروسي إن موسكو لن تشارك في الاجتماع يوم الخميس.",
        "وأضاف أن الوفد سيصل يوم الخميس وأن الخميس موعد نهائي.")))
    b = engine.analyse(Article(source="b", title=None, language="ar", published="2021-09-22", paragraphs=("قال وزير الخارجية الفرنسي إن باريس ترحب بالاجتماع.",)))
    evidence = build_evidence(a, b, [])
    russia = [item for item in evidence.only_a if item.get("id") == "country:RU"]
    assert [item["text"] for item in russia] == ["موسكو"]  # the name, not the demonym "الروسي" before it
    thursdays = [item for item in evidence.only_a if item["kind"] == "date"]
    assert len(thursdays) == 1 and thursdays[0]["texts"] == ["يوم الخميس", "الخميس"]  # three mentions, one date


def test_a_number_told_differently_by_each_sides_closest_sentences_is_a_conflict_even_unaligned():
    import numpy as np

    from marsad.compare.evidence import build_evidence
    from marsad.models import Analysed, Analysis, Article, Quantity, Sentence, Span

    def doc(source, sentences, quantities):
        units = tuple(Sentence(text, Span(f"p{k}", 0, len(text))) for k, text in enumerate(sentences))
        article = Article(source=source, title=None, paragraphs=tuple(sentences), language="en")
        analysis = Analysis(language="en", sentences=units, entities=(), dates=(), sentence_vectors=np.eye(len(sentences), 4, dtype=np.float32), document_vector=np.zeros(4, np.float32),
                            quantities=tuple(Quantity(value, unit, text, Span(f"p{k}", 0, 4), k) for value, unit, text, k in quantities))
        return Analysed(article, analysis)

    a = doc("a", ["The generals met in Helsinki.", "The meeting lasted six hours."], [(6.0, "hour", "six hours", 1)])
    b = doc("b", ["Milley and Gerasimov held talks.", "They talked for about five hours."], [(5.0, "hour", "five hours", 1)])
    matrix = np.array([[0.58, 0.13], [0.12, 0.44]])
    assert build_evidence(a, b, [], matrix, 0.53).conflicts[0]["slot"] == "hour"  # mutually closest, 0.44 ≥ 0.53 − slack
    assert not build_evidence(a, b, []).conflicts  # without the similarities: aligned sentences only
    assert not build_evidence(a, b, [], np.array([[0.58, 0.13], [0.12, 0.30]]), 0.53).conflicts  # too unlike
    assert not build_evidence(a, b, [], np.array([[0.58, 0.50], [0.12, 0.44]]), 0.53).conflicts  # "six hours" is closer to another
    # Let in for its hours, a pair of sentences is checked for hours only: not for the days it also gives.
    days_a = doc("a", ["The generals met in Helsinki.", "The meeting lasted six hours over 2 days."], [(6.0, "hour", "six hours", 1), (2.0, "day", "2 days", 1)])
    days_b = doc("b", ["Milley and Gerasimov held talks.", "They talked for about five hours over 3 days."],
                 [(5.0, "hour", "five hours", 1), (3.0, "day", "3 days", 1), (1.0, "day", "1 day", 1)])
    assert [c["slot"] for c in build_evidence(days_a, days_b, [], matrix, 0.53).conflicts] == ["hour"]
    two = doc("b", ["They talked for five hours.", "They talked for about five hours, then two hours more."],
              [(5.0, "hour", "five hours", 0), (2.0, "hour", "two hours", 1)])
    assert not build_evidence(a, two, [], np.array([[0.2, 0.1], [0.1, 0.44]]), 0.53).conflicts  # two values: which answers which is unknown


def test_the_city_one_side_files_from_and_the_agency_it_credits_are_not_the_others_alone(engine):
    from marsad.compare.evidence import build_evidence
    from marsad.models import Article

    a = engine.analyse(Article(source="a", title=None, language="ar", dateline="واشنطن", agency="رويترز", paragraphs=(
        "التقى رئيس الأركان الأميركي مارك ميلي نظيره الروسي فاليري جيراسيموف في هلسنكي يوم الأربعاء.",)))
    b = engine.analyse(Article(source="b", title=None, language="en", paragraphs=(
        "Mark Milley met Valery Gerasimov in Helsinki on Wednesday, Reuters reported from Washington.",)))
    only_b = {item.get("id") for item in build_evidence(a, b, []).only_b}
    assert "place:4140963" not in only_b and "org:reuters" not in only_b
    # Without the fields, the same two are the English side's own.
    plain = engine.analyse(Article(source="a2", title=None, language="ar", paragraphs=a.article.paragraphs))
    assert {"place:4140963", "org:reuters"} <= {item.get("id") for item in build_evidence(plain, b, []).only_b}


def test_a_datelines_place_and_each_credited_agency_are_found_by_kind():
    from types import SimpleNamespace

    from marsad.compare.evidence import _field_entities
    from marsad.models import Article

    def fields(dateline, agency):
        return _field_entities(SimpleNamespace(article=Article(source="x", title=None, paragraphs=("x",), dateline=dateline, agency=agency)))

    assert fields("القاهرة", "أ ف ب") == {"place:360630", "org:afp"}
    assert fields(None, "رويترز واس") == fields(None, "رويترز، واس") == {"org:reuters", "org:spa"}  # واس keeps its و
    assert fields(None, "Reuters and AFP") == fields(None, "رويترز - أ ف ب") == {"org:reuters", "org:afp"}
    assert fields("Washington, D.C.", None) == {"place:4140963"}
    assert fields("UNITED NATIONS", "Reuters") == {"org:reuters"}  # a dateline names a place, not an organisation

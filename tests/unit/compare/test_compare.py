"""Comparison evidence and JSON form with the stand-in encoder (scores' calibration is tested with the real model)."""

from __future__ import annotations

from marsad.compare.evidence import _dates_compatible
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
    assert _dates_compatible("2019", "2019-12") == "2019"
    assert _dates_compatible("--08-15", "--08") == "--08"
    assert _dates_compatible("2021-08-15", "--08-15") == "--08-15"
    assert _dates_compatible("2019", "2020") is None

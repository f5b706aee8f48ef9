"""The entity findings of issue 23, each as the reader saw it: spans, forms, ids and the evidence built on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.models import Article, EntityKind

REPORT = Path(__file__).resolve().parents[2] / "data" / "entities" / "helsinki_report_en.txt"


def mentions(engine, *paragraphs, language=None):
    analysed = engine.analyse(Article(source="t", title=None, paragraphs=paragraphs, language=language))
    return analysed.analysis.entities


def test_a_possessive_is_outside_the_person_and_keeps_the_listed_id(engine):
    found = mentions(engine, "Joe Biden's administration wants to keep the ability to strike al-Qaeda.", language="en")
    people = [(m.text, m.id) for m in found if m.kind is EntityKind.PERSON]
    assert people == [("Joe Biden", "person:biden")]


def test_titles_and_role_words_are_outside_the_person(engine):
    found = mentions(engine, "Chairman of the Joint Chiefs of Staff General Mark Milley met Russia's Chief of the General Staff Valery Gerasimov in Helsinki.", language="en")
    people = {m.text for m in found if m.kind is EntityKind.PERSON}
    assert people == {"Mark Milley", "Valery Gerasimov"}
    organisations = [m.text for m in found if m.kind is EntityKind.ORGANISATION]
    assert not [text for text in organisations if "Milley" in text or "Gerasimov" in text or text.startswith("Russia")]


def test_a_person_keeps_one_id_across_languages(engine):
    arabic = {m.id for m in mentions(engine, "التقى الجنرال مارك ميلي نظيره الروسي فاليري جيراسيموف في هلسنكي") if m.kind is EntityKind.PERSON}
    english = {m.id for m in mentions(engine, "General Mark Milley met his Russian counterpart Valery Gerasimov in Helsinki.", language="en") if m.kind is EntityKind.PERSON}
    assert arabic == english and len(english) == 2


@pytest.mark.parametrize(
    ("text", "language", "word", "country"),
    [
        ("لأول مرة منذ عامين.. رئيسا الأركان الأميركي والروسي يجتمعان في هلسنكي", "ar", "الأميركي", "country:US"),
        ("وأفادت وسائل الإعلام البريطانية بأن الاجتماع استمر ست ساعات", "ar", "البريطانية", "country:GB"),
        ("The Russian general did not comment on the talks.", "en", "Russian", "country:RU"),
    ],
)
def test_a_demonym_points_to_its_country_and_is_not_a_place_named(engine, text, language, word, country):
    found = mentions(engine, text, language=language)
    assert [(m.id, m.kind.value, m.form) for m in found if m.text == word] == [(country, "place", "demonym")]
    assert not [m for m in found if word in m.text and m.form == "name" and m.kind is EntityKind.PLACE]

def test_syria_written_as_its_feminine_demonym_is_the_country_named(engine):
    # SANA and most Syrian and Lebanese outlets write Syria "سورية", also the feminine of "سوري".
    found = mentions(engine, "وصل المبعوث الأممي إلى سورية أمس", "وتعقد المحادثات بين سورية وتركيا في أستانا")
    assert [(m.id, m.form) for m in found if m.text == "سورية"] == [("country:SY", "name")] * 2
    assert [(m.id, m.form) for m in mentions(engine, "ورفضت الحكومة السورية الاتهامات") if m.text == "السورية"] == [("country:SY", "demonym")]



def test_no_stop_word_becomes_an_organisation(engine):
    found = mentions(engine, "US AND RUSSIAN GENERALS MEET FOR THE FIRST TIME IN TWO YEARS", "The talks of the two generals were long.", language="en")
    assert not {m.id for m in found} & {"org:the", "org:and", "org:of", "org:for", "org:in"}


def test_geneva_is_found_in_english_with_the_arabic_id(engine):
    english = {m.id for m in mentions(engine, "The two presidents met at their summit in Geneva in June.", language="en")}
    arabic = {m.id for m in mentions(engine, "التقى الرئيسان في قمة جنيف في يونيو")}
    assert "place:2660646" in english and "place:2660646" in arabic


def test_a_city_whose_english_name_is_a_frequent_word_keeps_its_geonames_id(engine):
    # GeoNames lists "Frankfurt" among Frankfurt am Main's names; its word frequency kept it out of the index.
    assert "place:2925533" in {m.id for m in mentions(engine, "The central bank met in Frankfurt on Thursday.", language="en")}
    assert "place:2925533" in {m.id for m in mentions(engine, "اجتمع البنك المركزي في فرانكفورت يوم الخميس")}
    places = engine.gazetteer.common_word_places  # linked where a tagger found a place, never from the word alone
    assert (places["cologne"].id, places["bombay"].id) == ("place:2886242", "place:1275339")
    assert engine.gazetteer.lookup("cologne") is None


def test_russia_today_is_one_organisation_not_russia_and_a_date(engine):
    analysed = engine.analyse(Article(source="t", title=None, paragraphs=("وقالت قناة روسيا اليوم إن الاجتماع استمر ست ساعات",), language="ar"))
    ids = {m.id for m in analysed.analysis.entities}
    assert "org:rt" in ids and "country:RU" not in ids
    assert not [d for d in analysed.analysis.dates if d.text == "اليوم"]


def test_claims_is_no_person_and_randa_no_rwanda(engine):
    found = mentions(engine, "ونفت الحكومة مزاعم المعارضة بشأن الانتخابات", "وقالت الكاتبة راندا حبيب إن الأزمة ستطول")
    assert not [m for m in found if "مزاعم" in m.text]
    assert "country:RW" not in {m.id for m in found}


def test_the_english_report_names_people_places_and_no_stop_word_organisations(engine):
    paragraphs = tuple(p.strip() for p in REPORT.read_text(encoding="utf-8").split("\n\n") if p.strip())
    found = mentions(engine, *paragraphs[1:], language="en")
    people = {m.id for m in found if m.kind is EntityKind.PERSON}
    assert {"person:biden", "person:putin"} <= people
    assert not [m.text for m in found if m.kind is EntityKind.PERSON and ("'s" in m.text or m.text.split()[0] in ("General", "Colonel", "President"))]
    assert "place:2660646" in {m.id for m in found}  # Geneva


def test_only_one_side_lists_nothing_both_name(engine, sample_articles):
    """The Arabic seed page and an English report of the same meeting: shared names are not listed as one side's."""
    paragraphs = tuple(p.strip() for p in REPORT.read_text(encoding="utf-8").split("\n\n") if p.strip())
    english = Article(source="en", title=paragraphs[0], paragraphs=paragraphs[1:], language="en")
    arabic = sample_articles[0]
    a, b = engine.analyse(arabic), engine.analyse(english)
    evidence = engine.compare(a, b).evidence
    shared = {item["id"] for items in (evidence.shared["people"], evidence.shared["places"], evidence.shared["organisations"]) for item in items}
    assert {"person:biden"} <= shared
    milley = {m.id for m in b.analysis.entities if m.text == "Mark Milley"}
    gerasimov = {m.id for m in b.analysis.entities if m.text == "Valery Gerasimov"}
    assert milley <= shared and gerasimov <= shared and milley and gerasimov
    # What both name is shared, not listed as one side's: not "Joe Biden's", a titled span or another spelling.
    both = {"person:biden", "place:658225", "country:AF", "country:US", "country:UZ", "country:TJ", "country:KG", "region:143", "org:al-qaeda", "org:isis", "org:joint-chiefs"} | milley | gerasimov
    assert both <= shared
    one_sided = {item["id"] for side in (evidence.only_a, evidence.only_b) for item in side if item["kind"] in ("person", "place", "organisation")}
    assert not one_sided & both
    only_english = [item["text"] for item in evidence.only_b if item["kind"] in ("person", "place", "organisation")]
    assert not [text for text in only_english if any(name in text for name in ("Biden", "Milley", "Gerasimov", "Butler", "Qaeda", "Joint Chiefs"))], only_english


def test_arabic_people_the_rules_missed_are_found(engine):
    found = mentions(engine, "وقال المفكر رفعت السعيد إن كتابات حسن البنا وسيد قطب أثرت في الجماعة", "وكتب الصحفي الأميركي بوب وودورد أن الرئيس كان قلقا")
    people = {m.text for m in found if m.kind is EntityKind.PERSON}
    assert {"رفعت السعيد", "حسن البنا", "بوب وودورد"} <= people and any(text.endswith("سيد قطب") for text in people)


def test_a_common_word_is_no_place(engine):
    assert not [m for m in mentions(engine, "ويعرف التمر والماء بالأسودان في بعض البلدان العربية") if m.kind is EntityKind.PLACE and m.form == "name"]


def test_a_stored_analysis_keeps_the_demonym_form(engine):
    from marsad.store.codec import decode_analysis, encode_analysis

    analysis = engine.analyse(Article(source="t", title=None, paragraphs=("The Russian general met Mark Milley in Helsinki.",), language="en")).analysis
    forms = [(m.text, m.form) for m in analysis.entities]
    assert ("Russian", "demonym") in forms and ("Helsinki", "name") in forms
    assert [(m.text, m.form) for m in decode_analysis(encode_analysis(analysis)).entities] == forms


def test_the_russians_point_to_russia_and_a_singer_named_ross_does_not():
    from marsad.engine import Engine
    from marsad.settings import Settings

    engine = Engine(Settings(encoder="hashing"))
    found = mentions(engine, "وقال الروس إن المحادثات مع الأتراك ستستمر")
    assert {(m.text, m.id, m.form) for m in found} >= {("الروس", "country:RU", "demonym"), ("الأتراك", "country:TR", "demonym")}
    assert not [m for m in mentions(engine, "غنّت المغنية الأميركية ديانا روس في القاهرة") if m.id == "country:RU"]

"""The page is Arabic first: lang="ar" dir="rtl" with Arabic labels, English by choice or Accept-Language,
dates in the reader's language and calendar; the compare page is titled by headlines; /docs is clean (issue 21)."""

from __future__ import annotations

import re

from marsad.serve.interface import _accepted, format_date
from tests.serve.conftest import REUTERS, WASHINGTON

EN = {"accept-language": "en-US,en;q=0.9"}
AR = {"accept-language": "ar-EG,ar;q=0.9,en;q=0.5"}


def test_interface_is_arabic_right_to_left_by_default(served):
    html = served.client.get("/").text
    assert '<html lang="ar" dir="rtl">' in html
    assert ">القصص<" in html and ">بحث<" in html and "Stories" not in html
    assert 'hreflang="en"' in html  # the switch to English


def test_interface_follows_accept_language_and_the_readers_choice(served):
    english = served.client.get("/", headers=EN).text
    assert '<html lang="en" dir="ltr">' in english and ">Stories<" in english
    assert '<html lang="ar" dir="rtl">' in served.client.get("/", headers=AR).text
    assert '<html lang="ar" dir="rtl">' in served.client.get("/", headers={"accept-language": "fr-FR,de"}).text  # none we have: Arabic
    chosen = served.client.get("/", params={"lang": "en"}, headers=AR)
    assert '<html lang="en"' in chosen.text and "marsad_lang=en" in chosen.headers["set-cookie"]
    try:
        assert '<html lang="en"' in served.client.get("/", headers=AR).text  # the cookie keeps the choice
    finally:
        served.client.cookies.clear()


def test_accept_language_order_by_quality():
    assert _accepted("fr;q=0.3, en-GB;q=0.8, ar") == ["ar", "en", "fr"]
    assert _accepted("*, en;q=bad") == ["en"]


def test_dates_in_the_readers_language_and_calendar(served):
    assert format_date("2021-09-22", "ar") == "22 سبتمبر 2021"
    assert format_date("2021-09-22", "en") == "September 22, 2021"
    assert format_date("2021-09-22", "ar", "hijri") == "15 صفر 1443 هـ"
    assert format_date("2021-09-22T14:05:00+00:00", "en") == "September 22, 2021, 14:05"
    assert format_date("2021-09", "ar") == "2021-09" and format_date(None, "ar") is None
    html = served.client.get(f"/article/{served.conflicting}").text
    assert '<time datetime="2021-09-22">22 سبتمبر 2021</time>' in html
    assert "15 صفر 1443 هـ" in served.client.get(f"/article/{served.conflicting}", params={"cal": "hijri"}).text
    served.client.cookies.clear()


def test_undated_story_shown_as_undated_not_updated(served):
    html = served.client.get("/", headers=EN).text
    assert "updated" not in html
    rows = re.findall(r'<li class="story-row">.*?</li>', html, re.DOTALL)
    assert any('class="muted undated">undated<' in row for row in rows)


def test_compare_page_titled_by_headlines(served):
    html = served.client.get("/compare", params={"a": WASHINGTON, "b": REUTERS}).text
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    assert WASHINGTON not in title and REUTERS not in title
    assert "↔" in title and re.search(r"[\u0600-\u06FF]", title)


def test_docs_show_code_not_backticks_and_real_status_codes(served):
    html = served.client.get("/docs").text
    assert "`" not in html
    assert "<code>country:US</code>" in html
    story = re.search(r'<section class="operation" id="get--api-stories-story_id">.*?</section>', html, re.DOTALL).group(0)
    assert "<td><code>404</code></td>" in story
    assert "<td><code>422</code></td>" not in story  # a path id of the wrong shape is a 404, not a 422


def test_api_story_sort_filters_and_why_each_member_joined(served):
    client = served.client
    by_size = client.get("/api/stories", params={"sort": "size"}).json()["items"]
    assert [s["size"] for s in by_size] == sorted((s["size"] for s in by_size), reverse=True)
    several = client.get("/api/stories", params={"min_outlets": 2}).json()["items"]
    assert several and all(len(s["outlets"]) >= 2 for s in several)
    undated = client.get("/api/stories", params={"undated": "only"}).json()["items"]
    assert all(s["last_published"] is None for s in undated)
    assert client.get("/api/stories", params={"sort": "age"}).status_code == 422
    story_id = client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    members = client.get(f"/api/stories/{story_id}").json()["members"]
    assert members[0]["joined"]["matched_article"] is None  # it started the story
    later = members[1]["joined"]
    assert set(later) == {"score_against_story", "matched_article", "matched_score", "shared_entities"}
    assert later["matched_article"] in {m["id"] for m in members[:1]}
    assert -1 <= later["score_against_story"] <= 1
    assert any(entity["id"].startswith("place:") or entity["id"].startswith("country:") for entity in later["shared_entities"])


def test_story_page_shows_why_each_member_joined(served):
    story_id = served.client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    html = served.client.get(f"/story/{story_id}", headers=EN).text
    assert html.count('<details class="joined">') == 3
    assert "started the story" in html and "score against the story" in html


def test_article_search_documents_no_story_only_parameter(served):
    parameters = {p["name"] for p in served.client.get("/openapi.json").json()["paths"]["/api/articles"]["get"]["parameters"]}
    assert not parameters & {"sort", "undated", "min_outlets"}


def test_articles_page_lists_and_searches(served):
    html = served.client.get("/articles", headers=EN).text
    assert html.count('class="article-row"') == 7 and ">Articles<" in html
    found = served.client.get("/articles", params={"q": "هلسنكي", "outlet": "english.example.com"}, headers=EN).text
    assert found.count('class="article-row"') == 1 and "Reuters: US and Russian" in found
    assert "المقالات" in served.client.get("/articles").text


def test_language_and_calendar_switches_keep_the_search(served):
    html = served.client.get("/", params={"q": "هلسنكي", "page": 1}).text
    assert 'href="/?q=%D9%87%D9%84%D8%B3%D9%86%D9%83%D9%8A&amp;lang=en"' in html
    assert 'href="/?q=%D9%87%D9%84%D8%B3%D9%86%D9%83%D9%8A&amp;cal=hijri"' in html


def test_the_arabic_compare_page_says_scores_kinds_and_notes_in_arabic(served):
    html = served.client.get("/compare", params={"a": WASHINGTON, "b": REUTERS}, headers=AR).text
    for word in ("الإجمالي", "المكان", "الكيانات", "الزمن", "السرد", "الأسلوب", "النبرة"):
        assert f'class="bar-label">{word}<' in html
    assert re.search(r'class="bar-words">(متشابهان|مختلفان)', html)
    for english in (">overall<", "somewhat similar", "very dissimilar", "only reuters", "reports this", "aligned pair", "shared p"):
        assert english not in html, english
    assert 'title="تنفرد به ' in html and re.search(r'<span class="badge">(شخص|مكان|منظمة|تاريخ|رقم)</span>', html)
    english = served.client.get("/compare", params={"a": WASHINGTON, "b": REUTERS}, headers=EN).text
    assert 'class="bar-label">overall<' in english and "reports this" in english


def test_counts_take_the_arabic_plural_their_number_asks_for():
    from marsad.serve.interface import count_words

    said = {n: count_words(n, "stored_articles", "ar") for n in (1, 2, 3, 9, 11, 100, 103)}
    assert said == {1: "مقال واحد مخزن", 2: "مقالان مخزنان", 3: "3 مقالات مخزنة", 9: "9 مقالات مخزنة", 11: "11 مقالًا مخزنًا",
                    100: "100 مقال مخزن", 103: "103 مقالات مخزنة"}
    assert (count_words(6, "results", "ar"), count_words(1, "articles", "en"), count_words(2, "copies", "en")) == ("6 نتائج", "1 article", "2 copies")


def test_resolved_dates_are_written_for_the_reader_not_as_codes():
    from marsad.serve.interface import fact_value

    assert [fact_value(v, "ar") for v in ("weekday:3", "--08-15", "--08", "2021-09", "rel:-1D")] == ["الأربعاء", "15 أغسطس", "أغسطس", "سبتمبر 2021", "أمس"]
    assert [fact_value(v, "en") for v in ("weekday:3", "--08-15", "rel:-3D")] == ["Wednesday", "August 15", "3 days ago"]
    assert fact_value("2021-09-22", "ar", "hijri") == "15 صفر 1443 هـ"


def test_the_article_page_shows_dates_and_numbers_as_written(served):
    html = served.client.get(f"/article/{REUTERS}", headers=AR).text
    chips = re.findall(r'<span class="chip (?:date|quantity)" dir="auto" title="([^"]*)">([^<]*)</span>', html)
    assert chips and not [text for _, text in chips if text.startswith(("weekday:", "--", "rel:"))]
    dates = re.findall(r'<span class="chip date" dir="auto" title="([^"]*)">', html)
    assert dates and not [title for title in dates if title.startswith(("weekday:", "--", "rel:")) or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", title)]
    assert "بالتوقيت العالمي" in html  # the stored time says its zone


def test_a_country_chip_is_named_in_the_readers_language(served):
    story = served.client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    arabic = served.client.get(f"/story/{story}", headers=AR).text
    english = served.client.get(f"/story/{story}", headers=EN).text
    assert re.search(r'href="/\?entity=country%3ARU"[^>]*>روسيا', arabic) and re.search(r'href="/\?entity=country%3ARU"[^>]*>Russia', english)


def test_a_conflict_says_what_it_is_about_in_the_readers_language(served):
    story = served.client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    arabic = served.client.get(f"/story/{story}", headers=AR).text
    assert "<strong>الساعات</strong>" in arabic and 'title="الساعات: تقول ' in arabic
    english = served.client.get(f"/story/{story}", headers=EN).text
    assert re.search(r"<li><strong>hours</strong>: [^\n]*?</mark>, <span", english)  # an English comma between the two sides


def test_country_names_are_the_ones_news_uses():
    from types import SimpleNamespace

    from marsad.serve.interface import entity_name

    def name(identifier, language):
        request = SimpleNamespace(query_params={"lang": language}, cookies={}, headers={})
        return entity_name({"request": request}, {"id": identifier, "label": "stored"})  # a template's context holds the request

    assert [name(i, "ar") for i in ("country:PS", "country:RU", "country:HK", "person:ML")] == ["فلسطين", "روسيا", "هونغ كونغ", "stored"]
    assert [name(i, "en") for i in ("country:PS", "country:RU")] == ["Palestine", "stored"]

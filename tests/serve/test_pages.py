"""The HTML pages, read as text: what each shows, and their errors as pages."""

from __future__ import annotations

import re

from tests.serve.conftest import REUTERS, UNRELATED, WASHINGTON

EN = {"accept-language": "en-GB,en;q=0.9"}  # an English reader: the labels below are English


def story_of(served, article_id: str) -> str:
    return served.client.get(f"/api/articles/{article_id}").json()["story_id"]


def test_stories_page_lists_every_story_with_its_facts(served):
    html = served.client.get("/", headers=EN).text
    assert html.count('class="story-row"') == 4
    assert "رئيسا الأركان الأميركي والروسي يجتمعان في هلسنكي" in html
    assert "3 articles" in html and "+1 copy" in html
    assert "arabic.example.net" in html
    assert 'name="q"' in html  # the search box


def test_stories_page_search_and_paging(served, engine):
    html = served.client.get("/", params={"q": "الوداد"}).text
    assert html.count('class="story-row"') == 1 and "الأهلي" in html
    assert "No story matches" in served.client.get("/", params={"q": "zzzzqqq"}, headers=EN).text
    from fastapi.testclient import TestClient

    from marsad.serve import ServeSettings, create_app

    small = TestClient(create_app(served.store, engine, ServeSettings(page_size=3)))
    first = small.get("/").text
    assert first.count('class="story-row"') == 3 and 'rel="next"' in first
    second = small.get("/", params={"page": 2}).text
    assert second.count('class="story-row"') == 1 and 'rel="prev"' in second


def test_story_page_columns_copies_chips_timeline(served):
    html = served.client.get(f"/story/{story_of(served, REUTERS)}", headers=EN).text
    assert html.count('<section class="column"') == 3  # the three independent reports
    assert re.search(r'<details class="copies">\s*<summary>1 · copies of this article</summary>', html)
    assert "wire.example.org" in html  # the folded copy, and on the timeline
    assert 'class="chip place"' in html and "Helsinki" in html
    assert html.count("<circle") == 2  # the two dated articles on the timeline …
    assert "Articles without a publication date, not on the timeline: 2" in html  # … and the two samples without one
    assert 'dir="auto"' in html


def test_story_page_marks_one_outlet_facts(served):
    html = served.client.get(f"/story/{story_of(served, REUTERS)}", headers=EN).text
    assert '<mark class="only" title="only arabic.example.net reports this place">ستوكهولم</mark>' in html
    # 5 hours against 6: a conflict, marked in both columns and listed
    assert '<mark class="conflict" title="hours: ' in html and "Where the outlets disagree" in html
    # in the column's "only here" list: the one-outlet place, not the disputed hours
    assert '<mark class="only" dir="auto">ستوكهولم</mark>' in html
    assert '<mark class="only" dir="auto">خمس ساعات</mark>' not in html


def test_compare_page_scores_and_columns(served):
    html = served.client.get("/compare", params={"a": WASHINGTON, "b": REUTERS}, headers=EN).text
    assert html.count('<g class="bar ') == 7
    for dimension in ["overall", "geography", "entities", "time", "narrative", "style", "tone"]:
        assert f'data-dimension="{dimension}"' in html
    assert html.count('<section class="column"') == 2
    assert "Only in" in html and '<mark class="only"' in html


def test_article_page_shows_fields_entities(served):
    html = served.client.get(f"/article/{served.conflicting}").text
    assert "arabic.example.net" in html and "2021-09-22" in html
    assert 'href="https://arabic.example.net/news/helsinki-chiefs"' in html
    assert 'class="chip place"' in html


def test_unknown_pages_are_404_pages(served):
    for path in ["/story/s0000000000000000", "/article/0000000000000000", f"/compare?a={UNRELATED}&b=0000000000000000", "/nothing/here"]:
        response = served.client.get(path, headers=EN)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "not found" in response.text
    bad = served.client.get("/", params={"since": "yesterday"})
    assert bad.status_code == 422 and "since" in bad.text


def test_a_date_another_column_names_otherwise_is_not_only_here():
    from marsad.serve.story_view import _reported_elsewhere

    # The seed pages: "الأربعاء" (no publish date to resolve it) against 2021-09-22, a Wednesday;
    # "15 أغسطس" against "أغسطس" alone.
    assert _reported_elsewhere("date:weekday:3", [{"date:2021-09-22"}])
    assert _reported_elsewhere("date:--08-15", [{"place:x"}, {"date:--08"}])
    assert _reported_elsewhere("date:2021", [{"date:2021-09"}])
    assert not _reported_elsewhere("date:weekday:4", [{"date:2021-09-22"}])
    assert not _reported_elsewhere("date:--08-15", [{"date:--09"}])


def test_the_page_says_when_it_shows_the_samples_or_an_empty_store(engine):
    from fastapi.testclient import TestClient

    from marsad.serve import ServeSettings, create_app
    from marsad.serve.samples import sample_store
    from marsad.store import open_store

    samples = TestClient(create_app(sample_store(engine), engine, ServeSettings(writes_refused="the bundled samples: nothing is kept"))).get("/", headers=EN).text
    assert "bundled sample pages" in samples and "marsad ingest PAGES --db news.db" in samples
    empty = TestClient(create_app(open_store(":memory:"), engine, ServeSettings())).get("/").text
    assert "قاعدة البيانات فارغة" in empty and "marsad ingest" in empty and "العينات" not in empty


def test_a_store_with_articles_shows_no_notice(served):
    assert 'class="notice"' not in served.client.get("/").text

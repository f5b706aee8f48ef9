"""HTML cleaning: boilerplate removed, fields filled, on pages written for the project (tests/data/pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.clean.html import clean_html
from marsad.clean.plain import clean_plain
from marsad.models import RawPage

PAGES = Path(__file__).resolve().parents[2] / "data" / "pages"
PLACES = {"القاهرة", "washington"}


def is_place(word: str) -> bool:
    return word.lower() in PLACES


def clean(name: str):
    return clean_html(RawPage(source=name, text=(PAGES / name).read_text(encoding="utf-8"), format="html"), is_place)


def test_html_arabic_page_keeps_body_and_fields():
    article = clean("ar_news.html")
    assert article.title == "افتتاح محطة تحلية جديدة في الإسكندرية"
    assert article.published == "2024-03-12"
    assert (article.dateline, article.agency) == ("القاهرة", "رويترز")
    assert article.url == "https://example.org/ar/news/desalination-alexandria"
    assert (article.author, article.outlet) == ("سارة المصري", "موقع الخبر اليومي")  # JSON-LD author and publisher
    assert article.captions == ("عمال في موقع محطة التحلية الجديدة غرب الإسكندرية (رويترز)",)
    assert article.paragraphs[0].startswith("افتتحت الحكومة المصرية")
    assert "خطة لتوسيع الشبكة" in article.paragraphs  # the subheading stays, in order
    assert article.paragraphs[-1].startswith("وأكد خبراء")


@pytest.mark.parametrize(
    "boilerplate",
    ["اقرأ أيضا", "المصدر", "شارك عبر", "تابعونا", "النشرة البريدية", "ملفات تعريف الارتباط", "أخبار ذات صلة", "ترشيد استهلاك", "الحقوق محفوظة", "عمال في موقع"],
)
def test_html_arabic_page_drops_boilerplate(boilerplate):
    assert boilerplate not in clean("ar_news.html").text


def test_html_english_page_keeps_body_and_fields():
    article = clean("en_news.html")
    assert article.title == "City council approves new bridge over the river"
    assert article.published == "2023-10-04"
    assert (article.dateline, article.agency) == ("Washington", "AP")
    assert (article.author, article.outlet) == ("Jane Doe", "The Daily Example")  # meta author, og:site_name
    assert article.captions == ("An artist's impression of the planned bridge seen from the east bank. (AP Photo)",)
    assert article.paragraphs[0].startswith("The city council voted")
    assert "Construction to start next year" in article.paragraphs
    assert len(article.paragraphs) == 6


@pytest.mark.parametrize(
    "boilerplate", ["Read more", "Ferry operators", "Share on", "cookies", "Related stories", "Mayor outlines", "Most read", "All rights", "artist's impression"]
)
def test_html_english_page_drops_boilerplate(boilerplate):
    assert boilerplate not in clean("en_news.html").text


BODY = (
    "The regional government said on Monday that it would open two new hospitals in the north of the country "
    "before the end of the year, as part of a plan to cut waiting times for surgery."
)


def page_with_body_lines(*lines: str) -> RawPage:
    """An article whose body paragraphs include ``lines``, where an extractor keeps them as text."""
    paragraphs = "\n".join(f"<p>{line}</p>" for line in lines)
    html = f"<html><head><title>Hospitals to open</title></head><body><article><h1>Two hospitals to open in the north</h1>{paragraphs}</article></body></html>"
    return RawPage(source="inline.html", text=html, format="html")


def test_html_trims_widget_lines_inside_the_body():
    page = page_with_body_lines(
        "Share this article",
        BODY,
        "Photo: Reuters",
        "Follow us on Twitter",
        BODY.replace("Monday", "Tuesday").replace("two", "three"),
        "This site uses cookies to measure its audience. Read our privacy policy.",
        BODY.replace("Monday", "Friday"),
        "Related stories",
        "Minister visits flooded villages",
        "New school year starts in September",
    )
    article = clean_html(page)
    assert len(article.paragraphs) == 3
    assert all(paragraph.startswith("The regional government") for paragraph in article.paragraphs)
    assert article.title == "Two hospitals to open in the north"


def test_html_read_also_label_takes_its_links_and_the_body_goes_on():
    page = page_with_body_lines(BODY, "اقرأ أيضا", "وزير الصحة يزور المستشفى الجديد", BODY.replace("Monday", "Sunday"))
    article = clean_html(page)
    assert [p[:40] for p in article.paragraphs] == [BODY[:40], BODY.replace("Monday", "Sunday")[:40]]


def test_html_long_paragraph_about_cookies_is_kept():
    long_text = "Regulators fined the company because its cookies tracked visitors without consent, " * 12
    article = clean_html(page_with_body_lines(BODY, long_text.strip()))
    assert len(article.paragraphs) == 2


def test_html_date_from_url_when_markup_has_none():
    page = page_with_body_lines(BODY, BODY.replace("Monday", "Tuesday"))
    article = clean_html(RawPage(source=page.source, text=page.text, format="html", url="https://example.net/2022/07/09/hospitals"))
    assert article.published == "2022-07-09"


def test_html_truncated_markup_still_gives_the_text():
    html = (PAGES / "en_news.html").read_text(encoding="utf-8")
    cut = html[: html.index("Opponents said")]
    article = clean_html(RawPage(source="cut.html", text=cut, format="html"), is_place)
    assert article.paragraphs and article.paragraphs[0].startswith("The city council voted")


def test_plain_page_keeps_every_paragraph():
    text = "القاهرة - قال مسؤول إن الاجتماع انتهى.\n\nخبر قصير\n\nوأضاف أن المحادثات ستستأنف غدا."
    page = RawPage(source="feed.jsonl:3", text=text, format="plain")
    if hasattr(page, "title"):
        page = RawPage(source="feed.jsonl:3", text=text, format="plain", title="عنوان الخبر", published="2024-01-02T10:00:00Z")  # type: ignore[call-arg]
    else:
        page = RawPage(source="feed.jsonl:3", text="عنوان الخبر\n\n" + text, format="plain")
    article = clean_plain(page, is_place)
    assert article.title == "عنوان الخبر"
    assert article.dateline == "القاهرة"
    assert article.paragraphs == ("قال مسؤول إن الاجتماع انتهى.", "خبر قصير", "وأضاف أن المحادثات ستستأنف غدا.")


def test_outlet_falls_back_to_the_url_host():
    from marsad.clean import clean_page

    html = "<html><body><article>" + "<p>A long enough sentence of the body that says something about the news.</p>" * 3 + "</article></body></html>"
    article = clean_page(RawPage(source="x.html", text=html, format="html", url="https://www.example.net/2024/01/02/story"))
    assert article.outlet == "example.net"
    given = clean_page(RawPage(source="x.html", text=html, format="html", url="https://www.example.net/a", outlet="Example Net"))
    assert given.outlet == "Example Net"


def test_only_a_web_address_gives_an_outlet():
    from marsad.clean import url_host

    assert [url_host(u) for u in ("javascript:alert(1)", "mailto:desk@example.net", "data:text/html,x", "file:///etc/passwd")] == [None] * 4
    assert [url_host(u) for u in ("https://www.reuters.com/world", "reuters.com/world", "example.com:8080/x")] == ["reuters.com", "reuters.com", "example.com"]


def test_a_date_given_with_an_html_page_is_its_published_date():
    from marsad.clean import clean_page

    html = "<html><head><meta property='article:published_time' content='2020-01-01'></head><body><article>" + "<p>A long enough sentence of the body that says something about the news.</p>" * 3 + "</article></body></html>"
    given = clean_page(RawPage(source="x.html", text=html, format="html", published="Wed, 22 Sep 2021 10:00:00 GMT"))
    assert given.published == "2021-09-22"  # the feed's or the request's word, over the page's meta
    assert clean_page(RawPage(source="x.html", text=html, format="html")).published == "2020-01-01"

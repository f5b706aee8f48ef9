"""The web page in a real browser (Debian's Chromium): stories list, story, compare, phone width,
right-to-left Arabic, and a hostile page that must run nothing. Screenshots: tests/browser/screenshots/."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

REUTERS, WASHINGTON = "69997c81ea97e140", "dc11bc132f0d2cbd"  # marsad/samples/001…, 000…


def direction(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).direction")


def story_url(live, article_id: str) -> str:
    import httpx2

    return f"/story/{httpx2.get(f'{live.url}/api/articles/{article_id}').json()['story_id']}"


def arabic_font_loaded(page) -> bool:
    page.evaluate("document.fonts.ready")
    return page.evaluate("""[...document.fonts].some(face => face.family.includes('Marsad Naskh') && face.status === 'loaded')""")


def test_stories_list(page, live):
    response = page.goto(live.url + "/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    rows = page.locator(".story-row")
    assert rows.count() == 4
    arabic = rows.filter(has_text="هلسنكي").filter(has_text="الأركان").locator(".headline")
    english = rows.filter(has_text="Reuters: US and Russian").locator(".headline")
    assert direction(arabic) == "rtl"
    assert direction(english) == "ltr"  # mixed line (English first, Arabic inside) stays left-to-right
    assert arabic_font_loaded(page)  # the shipped Naskh font drew the Arabic
    box_arabic, box_list = arabic.bounding_box(), page.locator("ol.stories").bounding_box()
    assert box_arabic["x"] + box_arabic["width"] > box_list["x"] + box_list["width"] - 40  # starts on the right
    screenshot(page, "1-stories-list")
    assert page.errors == []  # nothing blocked by the CSP, nothing missing

    page.fill("header form.search input[name=q]", "الوداد")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url("**/?q=*")
    assert page.locator(".story-row").count() == 1
    assert "الأهلي" in page.locator(".story-row .headline").inner_text()


def test_story_view(page, live):
    page.goto(live.url + story_url(live, REUTERS))
    columns = page.locator("section.column")
    assert columns.count() == 3
    boxes = [columns.nth(i).bounding_box() for i in range(3)]
    assert len({round(box["y"]) for box in boxes}) == 1 and boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]  # side by side
    for paragraph in page.locator(".column .article-body p").all()[:6]:
        assert direction(paragraph) == "rtl"
    assert page.locator(".shared-entities .chip").count() >= 3
    assert page.locator(".column mark.only").count() >= 1  # a fact only one outlet reports
    copies = page.locator("details.copies")
    assert copies.count() == 1
    assert not copies.locator("li").first.is_visible()  # folded under its original
    copies.locator("summary").click()
    assert copies.locator("li").first.is_visible() and "wire.example.org" in copies.inner_text()
    assert page.locator(".timeline circle").count() == 2  # the dated articles (the samples have no date)
    screenshot(page, "2-story")
    assert page.errors == []


def test_story_view_on_a_phone(phone, live):
    phone.goto(live.url + story_url(live, REUTERS))
    columns = phone.locator("section.column")
    boxes = [columns.nth(i).bounding_box() for i in range(columns.count())]
    assert all(abs(box["x"] - boxes[0]["x"]) < 1 for box in boxes) and boxes[0]["y"] < boxes[1]["y"]  # stacked
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # nothing wider than the screen
    screenshot(phone, "3-story-phone")
    phone.goto(f"{live.url}/compare?a={WASHINGTON}&b={REUTERS}")
    sides = phone.locator("section.column")
    assert sides.nth(0).bounding_box()["y"] < sides.nth(1).bounding_box()["y"]  # A above B
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(phone, "6-compare-phone")


def test_compare_view(page, live):
    page.goto(f"{live.url}/compare?a={REUTERS}&b={live.ingested[0]['id']}")
    bars = page.locator(".scores g.bar")
    assert bars.count() == 7
    for i in range(7):  # a bar is as long as the pair is similar: full at 1, empty at 4
        score = float(bars.nth(i).get_attribute("data-score"))
        width = bars.nth(i).locator("rect.bar-fill").bounding_box()["width"]
        track = bars.nth(i).locator("rect.bar-track").bounding_box()["width"]
        assert abs(width / track - (4 - score) / 3) < 0.02
    assert page.locator("section.column").count() == 2
    assert page.locator(".pair mark.conflict").count() >= 2  # 6 hours against 5 hours, marked on both sides
    assert page.locator(".pair mark.only").count() >= 1
    if page.locator(".aligned-pair").count():
        assert page.locator(".pair .sentence.aligned").count() >= 2
    for paragraph in page.locator(".pair .article-body p").all()[:4]:
        assert direction(paragraph) == "rtl"
    screenshot(page, "4-compare")
    assert page.errors == []


def test_hostile_page_runs_nothing(page, live):
    hostile = live.ingested[3]["id"]
    for path in ["/", story_url(live, hostile), f"/article/{hostile}", f"/compare?a={hostile}&b={WASHINGTON}"]:
        page.goto(live.url + path)
        page.wait_for_load_state("load")
        assert page.get_by_text("<script>alert(1)</script>").first.is_visible(), path
    page.goto(live.url + f"/article/{hostile}")
    page.locator("text=bold").first.hover()  # the onmouseover= in the text is text, not an attribute
    assert page.evaluate("document.querySelectorAll('script, img[onerror], [onmouseover]').length") == 0
    assert page.dialogs == []
    screenshot(page, "5-hostile-page")
    assert page.errors == []

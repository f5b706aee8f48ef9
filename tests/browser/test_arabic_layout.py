"""The Arabic-first page in Chromium: lang="ar" dir="rtl", and a story of four articles shows every
column whole at 1280 px and at a phone's 390 px, with nothing wider than the window (issue 21)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from marsad.models import Article
from marsad.serve import create_app
from marsad.store import Batch, NewArticle, StoryState, open_store
from tests.browser.conftest import PAGES, LiveServer, screenshot
from tests.conftest import PAGE_REUTERS, PAGE_WASHINGTON

pytestmark = pytest.mark.browser

# Everything shown that sticks out of the window, as "tag.class: left..right" (none expected);
# folded parts (<details>) are opened first, so what they hold is checked too.
OVERFLOW = """() => {
  document.querySelectorAll('details').forEach(details => { details.open = true; });
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')].filter(element => element.checkVisibility()).filter(element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.left < -1 || box.right > width + 1);
  }).map(element => `${element.tagName.toLowerCase()}.${element.className}: ${Math.round(element.getBoundingClientRect().left)}..${Math.round(element.getBoundingClientRect().right)}`);
}"""


@pytest.fixture(scope="module")
def four_article_story(engine):
    """One story of four independent articles from four outlets (the two seed pages, two test pages)."""
    seeds = [next(iter(engine.clean_paths([path]))) for path in (PAGE_WASHINGTON, PAGE_REUTERS)]
    pages = json.loads(PAGES.read_text(encoding="utf-8"))["pages"][:3:2]  # the Arabic conflicting report, the English one
    written = [Article(source=page["url"], title=page["title"], paragraphs=tuple(p for p in page["text"].split("\n\n") if p.strip()),
                       published=page["published"], url=page["url"]) for page in pages]
    outlets = ["washingtonpost.example", "reuters.example", "arabic.example.net", "english.example.com"]
    analysed = [engine.analyse(article) for article in [*seeds, *written]]
    story_id = f"s{analysed[0].article.id}"
    store = open_store(":memory:")
    centroid = np.sum([a.analysis.document_vector for a in analysed], axis=0)
    state = StoryState(story_id, centroid, {}, 4, 4, "2021-09-22", "2021-09-22", analysed[0].article.title, analysed[0].article.id)
    store.add(Batch(tuple(NewArticle(a, story_id, outlet=outlet) for a, outlet in zip(analysed, outlets)), (state,)))
    with LiveServer(create_app(store, engine)) as server:
        server.story = f"/story/{story_id}"
        yield server
    store.close()


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_four_article_story_shows_every_column_whole(browser, four_article_story, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ar", is_mobile=width < 500)
    page = context.new_page()
    try:
        page.goto(four_article_story.url + four_article_story.story)
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        assert page.locator("header.site nav").inner_text().startswith("القصص")
        columns = page.locator("section.column")
        assert columns.count() == 4
        boxes = [columns.nth(i).bounding_box() for i in range(4)]
        shown = page.locator(".columns").bounding_box()  # what a scrolling container would clip to
        for box in boxes:  # every column whole inside the window and its container: nothing to scroll to
            assert box["x"] >= max(-1, shown["x"] - 1) and box["x"] + box["width"] <= min(width, shown["x"] + shown["width"]) + 1, box
        if width >= 1280:  # side by side, the first on the right (read right to left)
            assert len({round(box["y"]) for box in boxes}) == 1
            assert boxes[0]["x"] > boxes[1]["x"] > boxes[2]["x"] > boxes[3]["x"]
        else:  # stacked
            assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"] < boxes[3]["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        assert page.evaluate(OVERFLOW) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # with every <details> open
        label_size = page.locator(".column .meta").first.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
        assert label_size >= 14  # readable on a phone, not 12 px
        screenshot(page, f"7-story-four-articles-{width}")
    finally:
        context.close()


def test_stories_list_and_compare_whole_on_a_phone(browser, four_article_story):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar", is_mobile=True)
    page = context.new_page()
    try:
        for path in ["/", "/articles", "/docs", "/?lang=en"]:
            page.goto(four_article_story.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 391, path
            assert page.evaluate(OVERFLOW) == [], path
            assert page.evaluate("document.documentElement.scrollWidth") <= 391, path  # with the filters open
        assert page.evaluate("document.documentElement.dir") == "ltr"  # English chosen: left to right
    finally:
        context.close()

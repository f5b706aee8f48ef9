"""Outlet templates: lines recurring across one outlet's distinct stories are learned and removed.

The pages are written for these tests: five short stories of one made-up outlet, each with the
outlet's own slogan and newsletter plug (no built-in phrase list knows them), and an update of
one story that repeats a body sentence.
"""

from __future__ import annotations

import json

import numpy as np

from marsad.clean import templates as templates_module
from marsad.clean.templates import OutletTemplate, OutletTemplates, clean_with_templates, line_key
from marsad.models import Article

SLOGAN = "المثال نيوز: صوت الحقيقة منذ 1998"
PLUG = "حمّل تطبيق المثال نيوز على هاتفك لتصلك الأخبار العاجلة أولاً بأول"

STORIES = [
    ["أعلنت وزارة الصحة في الأردن افتتاح ثلاثة مستشفيات ميدانية جديدة في المحافظات الجنوبية.",
     "وقال الوزير إن المستشفيات ستعمل بكامل طاقتها قبل نهاية الشهر المقبل بعد تجهيزها بالأسرّة والأجهزة.",
     "وأضاف أن الكوادر الطبية تلقت تدريبا خاصا على التعامل مع حالات الطوارئ والحوادث."],
    ["ارتفعت أسعار النفط في التعاملات الآسيوية صباح اليوم بعد تراجع المخزونات الأمريكية.",
     "وصعد خام برنت بنسبة اثنين في المئة ليسجل أعلى مستوى له منذ ثلاثة أسابيع.",
     "ويتوقع محللون أن تستمر موجة الصعود إذا قررت أوبك خفض الإنتاج في اجتماعها القادم."],
    ["فاز المنتخب المغربي على نظيره التونسي بهدفين مقابل هدف في المباراة الودية التي أقيمت في الرباط.",
     "وسجل المهاجم الهدف الثاني في الدقائق الأخيرة من اللقاء بعد تمريرة من خط الوسط.",
     "ويستعد المنتخب لخوض تصفيات كأس الأمم الأفريقية الشهر المقبل."],
    ["افتتح معرض الكتاب الدولي أبوابه للزوار بمشاركة أكثر من خمسمئة دار نشر عربية وأجنبية.",
     "ويضم المعرض هذا العام جناحا خاصا لكتب الأطفال وندوات يومية لكتاب وشعراء.",
     "وقالت إدارة المعرض إن عدد الزوار في اليوم الأول تجاوز التوقعات."],
    ["حذرت هيئة الأرصاد الجوية من موجة حر شديدة تضرب البلاد خلال الأيام الثلاثة المقبلة.",
     "ودعت الهيئة المواطنين إلى تجنب التعرض المباشر لأشعة الشمس في ساعات الظهيرة.",
     "وتوقعت أن تتجاوز درجات الحرارة في بعض المناطق خمسا وأربعين درجة مئوية."],
]
# An update of the first story: it repeats the minister's sentence, which must survive.
UPDATE = [STORIES[0][1], "وأكد مدير المستشفى الأول أن الطاقم استقبل أول المرضى مساء أمس دون أي مشكلات.", STORIES[0][2]]


def _page(number: int, body: list[str], outlet: str = "example-news.com") -> Article:
    return Article(source=f"/crawl/{number}.html", title=f"خبر رقم {number}", paragraphs=(SLOGAN, *body, PLUG), outlet=outlet)


def test_lines_recurring_across_distinct_stories_are_removed_and_story_sentences_kept():
    pages = [_page(i, body) for i, body in enumerate(STORIES)] + [_page(9, UPDATE)]
    cleaned = clean_with_templates(pages, OutletTemplates())
    for page in cleaned:
        assert SLOGAN not in page.paragraphs and PLUG not in page.paragraphs
    # The sentence shared by the story and its update is body text, not boilerplate.
    assert STORIES[0][1] in cleaned[0].paragraphs and STORIES[0][1] in cleaned[-1].paragraphs
    assert cleaned[1].paragraphs == tuple(STORIES[1])


def test_two_stories_are_not_enough_to_call_a_line_boilerplate():
    pages = [_page(i, body) for i, body in enumerate(STORIES[:2])]
    assert clean_with_templates(pages, OutletTemplates()) == pages


def test_copies_of_one_story_do_not_make_a_template():
    # The same story republished five times: every line recurs, none is boilerplate.
    pages = [_page(i, STORIES[0]) for i in range(5)]
    assert clean_with_templates(pages, OutletTemplates()) == pages


def test_templates_are_per_outlet():
    pages = [_page(i, body, outlet="example-news.com") for i, body in enumerate(STORIES[:3])]
    other = _page(7, STORIES[3], outlet="other-site.org")
    cleaned = clean_with_templates(pages + [other], OutletTemplates())
    assert SLOGAN not in cleaned[0].paragraphs
    assert SLOGAN in cleaned[-1].paragraphs  # another outlet's line of the same words is its own business


def test_a_page_seen_alone_later_is_cleaned_with_the_stored_template():
    templates = OutletTemplates()
    clean_with_templates([_page(i, body) for i, body in enumerate(STORIES[:4])], templates)
    stored = json.loads(json.dumps(templates.get("example-news.com").to_dict()))  # as the store keeps it
    later = OutletTemplates([OutletTemplate.from_dict(stored)])
    [alone] = clean_with_templates([_page(42, STORIES[4])], later)
    assert alone.paragraphs == tuple(STORIES[4])


def test_learning_continues_from_stored_candidates():
    first = OutletTemplates()
    clean_with_templates([_page(i, body) for i, body in enumerate(STORIES[:2])], first)
    resumed = OutletTemplates([OutletTemplate.from_dict(first.get("example-news.com").to_dict())])
    [third] = clean_with_templates([_page(2, STORIES[2])], resumed)
    assert SLOGAN not in third.paragraphs


def test_a_template_never_empties_an_article():
    templates = OutletTemplates()
    clean_with_templates([_page(i, body) for i, body in enumerate(STORIES)], templates)
    only_furniture = Article(source="/crawl/x.html", title="x", paragraphs=(SLOGAN, PLUG), outlet="example-news.com")
    assert templates.apply("example-news.com", only_furniture) == only_furniture


def test_line_key_ignores_digits_spelling_and_punctuation():
    assert line_key("© 2023 المثال نيوز. جميع الحقوق محفوظة") == line_key("© 2024 المثال نيوز - جميع الحقوق محفوظة")
    assert line_key("أخبار") is None


def test_a_short_sentence_repeated_by_updates_of_one_story_is_kept():
    quote = "وقال الوزير: «سنفتتح المستشفيات في موعدها»."
    updates = [
        [STORIES[0][0], quote, STORIES[0][1]],
        [STORIES[0][0], STORIES[0][1], quote, STORIES[0][2]],
        [quote, STORIES[0][1], UPDATE[1], STORIES[0][2]],
    ]
    pages = [_page(i, body) for i, body in enumerate(updates)] + [_page(10 + i, body) for i, body in enumerate(STORIES[1:])]
    cleaned = clean_with_templates(pages, OutletTemplates())
    assert all(quote in page.paragraphs for page in cleaned[:3])
    assert all(SLOGAN not in page.paragraphs for page in cleaned)


def test_strip_templates_keeps_the_stream_order_and_passes_errors_through():
    from marsad.clean.templates import strip_templates
    from marsad.errors import EmptyInput

    error = EmptyInput("/crawl/empty.html", "empty file")
    items = [_page(0, STORIES[0]), error, *[_page(i, body) for i, body in enumerate(STORIES[1:], 1)]]
    out = list(strip_templates(items, OutletTemplates(), batch_size=3))
    assert out[1] is error
    assert [item.source for item in out if isinstance(item, Article)] == [f"/crawl/{i}.html" for i in range(5)]
    # The first batch (two pages) cannot learn; the second batch has seen three stories by then.
    assert SLOGAN in out[0].paragraphs and SLOGAN not in out[-1].paragraphs


def test_stored_candidates_of_earlier_stores_still_load():
    # Stores written before fingerprints were kept as hex hold them as lists of numbers.
    first = OutletTemplates()
    clean_with_templates([_page(i, body) for i, body in enumerate(STORIES[:2])], first)
    stored = first.get("example-news.com").to_dict()
    as_before = dict(stored, candidates={key: [list(np.frombuffer(bytes.fromhex(story), dtype="<u4").astype(int).tolist()) for story in stories]
                                         for key, stories in stored["candidates"].items()})
    assert all(isinstance(story, str) for stories in stored["candidates"].values() for story in stories)
    for data in (stored, json.loads(json.dumps(as_before))):
        resumed = OutletTemplates([OutletTemplate.from_dict(data)])
        assert resumed.get("example-news.com").to_dict() == stored
        [third] = clean_with_templates([_page(2, STORIES[2])], resumed)
        assert SLOGAN not in third.paragraphs


def test_template_lines_are_known_after_loading_and_after_forgetting(monkeypatch):
    templates = OutletTemplates()
    clean_with_templates([_page(i, body) for i, body in enumerate(STORIES[:4])], templates)
    learned = templates.get("example-news.com")
    assert learned.template_keys() == {line_key(SLOGAN), line_key(PLUG)}
    assert OutletTemplate.from_dict(learned.to_dict()).template_keys() == learned.template_keys()
    monkeypatch.setattr(templates_module, "MAX_CANDIDATES", 4)  # forgetting keeps the decided lines first
    learned.observe(_page(9, STORIES[4]))
    assert learned.template_keys() == {line_key(SLOGAN), line_key(PLUG)} == set(learned.candidates)


def test_an_ingest_saves_each_template_once_in_a_while_and_all_at_the_end(monkeypatch):
    # Writing every outlet's whole template after every batch made the writer's cost grow with the store.
    monkeypatch.setattr(templates_module, "SAVE_MIN_PAGES", 4)
    monkeypatch.setattr(templates_module, "SAVE_EVERY_PAGES", 8)
    saved: list[str] = []
    templates = OutletTemplates()
    for number in range(20):  # one page a batch, one outlet, its template decided by the 3rd story
        clean_with_templates([_page(number, STORIES[number % 5])], templates)
        templates.save(lambda outlet, data: saved.append(data["pages"]), final=False)
    # the 4th page (template lines decided since the last save), then every 8 pages
    assert saved == [4, 12, 20]
    templates.save(lambda outlet, data: saved.append(data["pages"]))
    assert saved == [4, 12, 20]  # nothing new since
    clean_with_templates([_page(99, STORIES[0])], templates)
    templates.save(lambda outlet, data: saved.append(data["pages"]), final=False)
    templates.save(lambda outlet, data: saved.append(data["pages"]))
    assert saved == [4, 12, 20, 21]

"""Issue 5's outlet templates through the store: learned while ingesting, applied to a page seen alone later."""

from __future__ import annotations

from marsad.models import RawPage
from marsad.store import open_store

SLOGAN = "المثال نيوز: صوت الحقيقة منذ 1998"
PLUG = "حمّل تطبيق المثال نيوز على هاتفك لتصلك الأخبار العاجلة أولاً بأول"
STORIES = [  # five unrelated stories, written for the tests (as in tests/unit/clean/test_templates.py)
    ["أعلنت وزارة الصحة في الأردن افتتاح ثلاثة مستشفيات ميدانية جديدة في المحافظات الجنوبية.",
     "وقال الوزير إن المستشفيات ستعمل بكامل طاقتها قبل نهاية الشهر المقبل بعد تجهيزها بالأسرّة والأجهزة."],
    ["ارتفعت أسعار النفط في التعاملات الآسيوية صباح اليوم بعد تراجع المخزونات الأمريكية.",
     "وصعد خام برنت بنسبة اثنين في المئة ليسجل أعلى مستوى له منذ ثلاثة أسابيع."],
    ["فاز المنتخب المغربي على نظيره التونسي بهدفين مقابل هدف في المباراة الودية التي أقيمت في الرباط.",
     "وسجل المهاجم الهدف الثاني في الدقائق الأخيرة من اللقاء بعد تمريرة من خط الوسط."],
    ["افتتح معرض الكتاب الدولي أبوابه للزوار بمشاركة أكثر من خمسمئة دار نشر عربية وأجنبية.",
     "ويضم المعرض هذا العام جناحا خاصا لكتب الأطفال وندوات يومية لكتاب وشعراء."],
    ["حذرت هيئة الأرصاد الجوية من موجة حر شديدة تضرب البلاد خلال الأيام الثلاثة المقبلة.",
     "ودعت الهيئة المواطنين إلى تجنب التعرض المباشر لأشعة الشمس في ساعات الظهيرة."],
]


def _page(number: int, body: list[str]) -> RawPage:
    text = "\n\n".join([SLOGAN, *body, PLUG])
    return RawPage(source=f"feed.jsonl:{number}", text=text, format="plain", title=f"خبر رقم {number} عن الأحداث", outlet="example-news.com")


def test_templates_learned_at_ingest_clean_a_later_page_and_keep_ids_stable(engine, tmp_path):
    location = tmp_path / "news.db"
    store = open_store(location)
    try:
        engine.ingest_items([_page(i, body) for i, body in enumerate(STORIES[:4])], store)
        assert store.outlet_template("example-news.com")["template"]  # learned and stored
    finally:
        store.close()

    store = open_store(location)  # a later run: only the store remembers
    try:
        engine.ingest_items([_page(9, STORIES[4])], store)
        stored = [a for a in (store.article(ref.id) for ref in store.articles().items) if a.article.title.startswith("خبر رقم 9")]
        assert stored and SLOGAN not in stored[0].article.paragraphs and PLUG not in stored[0].article.paragraphs
        before = store.counts().articles
        engine.ingest_items([_page(i, body) for i, body in enumerate(STORIES[:4])], store)  # the same pages again
        assert store.counts().articles == before  # same ids although the template now strips them
    finally:
        store.close()


def test_ingest_with_worker_processes_keeps_order_errors_and_templates(engine, tmp_path):
    # An error in the stream once hung the pool: it could not be unpickled in a worker.
    from marsad.errors import EmptyInput

    pages = [_page(i, body) for i, body in enumerate(STORIES)]
    error = EmptyInput("feed.jsonl:99", "no text")
    items = pages[:2] + [error] + pages[2:]
    store = open_store(tmp_path / "workers.db")
    try:
        batches = list(engine.analyse_pages(items, batch_size=2, workers=2, templates=None))
        flat = [item for batch in batches for item in batch]
        assert [item.article.source if hasattr(item, "article") else item.source for item in flat] == [p.source for p in pages[:2]] + ["feed.jsonl:99"] + [p.source for p in pages[2:]]
        assert isinstance(flat[2], EmptyInput)
        progress = engine.ingest_items(items, store, batch_size=2, workers=2)
        assert store.counts().articles == len(STORIES)
        assert store.outlet_template("example-news.com")["template"]
        assert progress is not None
    finally:
        store.close()

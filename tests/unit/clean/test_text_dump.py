"""Cleaning plain-text page dumps: the two seed pages exactly, and the general rules on pages written here."""

from __future__ import annotations

from marsad.clean.text_dump import clean_text_dump
from marsad.models import RawPage
from tests.conftest import PAGE_REUTERS, PAGE_WASHINGTON


def _body_lines(path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def test_text_dump_washington_page_exact_body(sample_articles):
    article = sample_articles[0]
    lines = _body_lines(PAGE_WASHINGTON)
    first = next(i for i, line in enumerate(lines) if line.startswith("التقى رئيسا"))
    last = next(i for i, line in enumerate(lines) if line.startswith("وعادت طالبان"))
    expected = [line for line in lines[first : last + 1] if line]
    assert list(article.paragraphs) == expected
    assert "قواعد وسط آسيا" in article.paragraphs  # the subheading stays, in order
    assert article.paragraphs.index("قواعد وسط آسيا") == 4
    assert article.title == "لأول مرة منذ عامين.. رئيسا الأركان الأميركي والروسي يجتمعان في هلسنكي"
    assert article.dateline == "واشنطن"
    assert article.agency is None
    assert article.published is None  # the only dates are a photo's (2007) and none is the page's
    assert article.captions == ("العلمان الروسي والأميركي خلف الأسلاك الشائكة في مصنع فورد للسيارات بالقرب من سان بطرسبرغ في روسيا. 14 فبراير 2007 - REUTERS",)
    assert article.language == "ar"


def test_text_dump_reuters_page_exact_body(sample_articles):
    article = sample_articles[1]
    lines = _body_lines(PAGE_REUTERS)
    first = next(i for i, line in enumerate(lines) if line.startswith("أجرى قائدا"))
    last = next(i for i, line in enumerate(lines) if line.startswith("وقال الرئيس الروسي"))
    assert list(article.paragraphs) == [line for line in lines[first : last + 1] if line]
    assert article.title.startswith("أول لقاء بينهما منذ 2019")
    assert article.agency == "رويترز"
    assert article.dateline is None
    assert len(article.captions) == 2 and article.captions[1].endswith("(رويترز)")
    body = "\n".join(article.paragraphs)
    for boilerplate in ("حول هذه القصة", "18/9/2021", "الناتو", "المزيد من", "الأكثر قراءة", "المصدر"):
        assert boilerplate not in body


def test_text_dump_english_page_with_inline_dateline_and_read_also():
    page = RawPage(
        source="en.txt",
        text="\n".join([
            "Share", "Menu",
            "Floods force thousands from their homes in southern Spain",
            "Rescue workers carry a child through a flooded street in Valencia. (AP Photo)",
            "Published 2024-10-30",
            "VALENCIA, Spain (AP) — Torrential rain flooded towns across southern Spain on Tuesday, forcing thousands of people from their homes and cutting roads and rail lines.",
            "Read also:", "Storms hit northern Italy",
            "Officials said at least 12 people were missing as rescue teams searched submerged cars and ground floors overnight.",
            "What comes next",
            "Forecasters expect more rain through the weekend, and the regional government has asked residents to stay indoors.",
            "Follow us on Twitter",
            "We use cookies to improve your experience on our site.",
        ]),
    )
    article = clean_text_dump(page, is_place=lambda word: word.lower() in {"valencia", "valencia, spain"})
    assert article.title == "Floods force thousands from their homes in southern Spain"
    assert article.published == "2024-10-30"
    assert article.agency == "AP"
    assert article.paragraphs[0].startswith("Torrential rain")
    assert "What comes next" in article.paragraphs
    assert not any("Storms hit" in p or "cookies" in p or "Follow us" in p for p in article.paragraphs)
    assert article.captions == ("Rescue workers carry a child through a flooded street in Valencia. (AP Photo)",)


def test_text_dump_related_teasers_with_dates_are_not_body():
    body = "وقال المتحدث باسم الوزارة إن المحادثات ستستأنف الأسبوع المقبل في العاصمة بعد توقف دام عدة أسابيع بسبب الخلافات."
    teaser = "أعلنت الحكومة خطة جديدة لدعم المزارعين المتضررين من موجة الجفاف التي ضربت المنطقة خلال الصيف الماضي."
    page = RawPage(source="ar.txt", text="\n".join(["عنوان الخبر عن استئناف المحادثات", body, body.replace("الأسبوع", "الشهر"), teaser, "12/3/2023", teaser + " أيضا", "10/3/2023"]))
    article = clean_text_dump(page)
    assert article.paragraphs == (body, body.replace("الأسبوع", "الشهر"))


def test_text_dump_byline_becomes_the_author_and_leaves_the_body():
    page = RawPage(
        source="ar.txt",
        text="\n".join([
            "الرئيسية", "سياسة",
            "البرلمان يقر قانون الموازنة العامة بعد جلسة طويلة",
            "بقلم: سارة المصري",
            "أقر البرلمان مساء أمس قانون الموازنة العامة للعام المقبل بأغلبية واضحة بعد نقاش استمر أكثر من عشر ساعات.",
            "وقال رئيس لجنة المالية إن الموازنة تركز على دعم الصحة والتعليم وخفض العجز تدريجيا خلال ثلاث سنوات.",
        ]),
    )
    article = clean_text_dump(page)
    assert article.author == "سارة المصري"
    assert article.title == "البرلمان يقر قانون الموازنة العامة بعد جلسة طويلة"
    assert not any("بقلم" in paragraph for paragraph in article.paragraphs)

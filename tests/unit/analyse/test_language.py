"""Language of the article and of each paragraph, offline."""

from __future__ import annotations

from marsad.models import Article


def test_mixed_language_page_gets_a_language_per_paragraph(engine):
    article = Article(
        source="t",
        title="رئيسا الأركان الأميركي والروسي يجتمعان في هلسنكي",
        paragraphs=(
            "التقى رئيسا هيئتي الأركان الأميركية والروسية، الأربعاء، في العاصمة الفنلندية هلسنكي، في وقت تتابع الولايات المتحدة الوضع في أفغانستان.",
            "The Pentagon said the talks were part of an effort to reduce risk and keep lines of communication open.",
            "Das Treffen fand in der finnischen Hauptstadt statt und dauerte sechs Stunden.",
            "Встреча прошла в столице Финляндии и продолжалась шесть часов.",
            "OK",
        ),
    )
    analysis = engine.analyse(article).analysis
    assert analysis.language == "ar"
    assert analysis.unit_languages == {"title": "ar", "p0": "ar", "p1": "en", "p2": "de", "p3": "ru", "p4": "ar"}

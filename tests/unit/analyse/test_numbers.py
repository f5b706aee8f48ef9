"""Numbers and quantities: digits in any script, separators by language, number words, units."""

from __future__ import annotations

from marsad.analyse.numbers import find_quantities


def found(text, language=None):
    return [(value, unit) for value, unit, *_ in find_quantities(text, language=language)]


def test_arabic_number_words_multipliers_and_duals():
    assert found("محادثات ست ساعات وإجلاء 120 ألف مدني منذ عامين") == [(6.0, "hour"), (120000.0, "civilian"), (2.0, "year")]
    assert found("ارتفاع الوفيات لـ107 أشخاص و٣ آلاف حالة") == [(107.0, "person"), (3000.0, None)]
    assert found("إيداع 2.7 مليار ريال لـ 83% من المستفيدين") == [(2.7e9, "riyal"), (83.0, "percent")]


def test_separators_follow_the_language():
    assert found("15.000 Beschäftigte, Abstand von 1,50 Metern", "de") == [(15000.0, None), (1.5, "meter")]
    assert found("1,500 people and 3.5 per cent", "en") == [(1500.0, "person"), (3.5, "percent")]


def test_english_words_and_suffixes():
    assert found("two dozen eggs, notes worth 21m, the 44th President", "en") == [(24.0, None), (21e6, None)]


def test_russian_forms():
    assert found("38-летнему мужчине, 20-ю годовщину, 20 миллионов фунтов стерлингов", "ru") == [(38.0, "year"), (20e6, "pound")]


def test_a_unit_after_the_next_number_is_not_this_numbers():
    assert found("400،000 و83%") == [(400000.0, None), (83.0, "percent")]

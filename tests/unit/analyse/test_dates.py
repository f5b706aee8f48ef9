"""Dates: absolute forms, both Arabic month sets, Hijri, weekdays and relative dates with and without a publish date."""

from __future__ import annotations

import pytest

from marsad.analyse.dates import find_dates


def values(text, published=None):
    return [value for value, *_ in find_dates(text, published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وصل في 15 أغسطس", ["--08-15"]),
        ("منذ 14 فبراير 2007", ["2007-02-14"]),
        ("بتاريخ 18/9/2021", ["2021-09-18"]),
        ("on September 22, then March 12 and 13", ["--09-22", "--03-12"]),
        ("في 3 تشرين الأول 2020", ["2020-10-03"]),
        ("Am Samstag, 29. Oktober warnte die Gemeinde", ["--10-29"]),
        ("В декабре, на этой неделе", ["--12", "rel:0W"]),
        ("اجتمعا الأربعاء بعد لقاء أمس", ["weekday:3", "rel:-1D"]),
        ("last week and this year", ["rel:-1W", "rel:0Y"]),
    ],
)
def test_forms_without_a_publish_date(text, expected):
    assert values(text) == expected


def test_weekdays_and_relative_dates_resolve_against_the_publish_date():
    published = "2021-09-23"  # a Thursday
    assert values("التقيا الأربعاء", published) == ["2021-09-22"]
    assert values("الاجتماع الأحد المقبل", published) == ["2021-09-26"]
    assert values("yesterday and last week", published) == ["2021-09-22", "2021-W37"]
    assert values("في 15 أغسطس الماضي", published) == ["2021-08-15"]
    assert values("في مارس الماضي وفي ديسمبر المقبل", published) == ["2021-03", "2021-12"]


def test_hijri_dates_become_gregorian():
    assert values("الموافق 15 صفر 1443 هـ") == ["2021-09-22"]
    assert values("في رمضان 1442 هـ") == ["2021-04"]


def test_a_month_name_alone_needs_a_cue():
    # "مارس" is also the verb "practised"; "in March" is a date.
    assert values("مارس الرياضة يوميا") == []
    assert values("in March the talks resumed") == ["--03"]


def test_offsets_point_at_the_original_text():
    text = "وعادت طالبان إلى السلطة في ١٥ أغسطس الماضي"
    [(value, start, end)] = find_dates(text)
    assert value == "--08-15" and text[start:end] == "١٥ أغسطس الماضي"

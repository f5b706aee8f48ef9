"""The page's interface language and calendar: Arabic, right to left, unless the reader asks otherwise.

The language is, in order: ``?lang=`` (which the page then keeps in a cookie), the ``marsad_lang``
cookie, the best of the reader's ``Accept-Language`` that marsad has labels for, else Arabic.
The calendar is ``?cal=`` / the ``marsad_cal`` cookie: ``gregorian`` (the default) or ``hijri``
(Umm al-Qura, by hijridate). Dates are written in the interface language by babel (CLDR).

Templates call the Jinja globals :func:`label` (``{{ label("stories") }}``) and :func:`date`;
both read the request from the template context, so any page, errors included, is translated.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Any

from jinja2 import pass_context

INTERFACE_LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"
CALENDARS = ("gregorian", "hijri")
RIGHT_TO_LEFT = {"ar"}
LANGUAGE_COOKIE, CALENDAR_COOKIE = "marsad_lang", "marsad_cal"

# key → (Arabic, English). Plural forms are separate keys: Arabic has more than two.
LABELS: dict[str, tuple[str, str]] = {
    "stories": ("القصص", "Stories"),
    "articles_page": ("المقالات", "Articles"),
    "no_article": ("لا يوجد مقال مطابق", "No article matches"),
    "api": ("واجهة البرمجة", "API"),
    "search": ("بحث", "Search"),
    "search_placeholder": ("ابحث في القصص", "Search stories"),
    "words": ("كلمات", "words"),
    "more_filters": ("مرشحات أخرى", "More filters"),
    "entity": ("كيان", "Entity"),
    "language": ("اللغة", "Language"),
    "outlet": ("الوسيلة", "Outlet"),
    "from": ("من", "From"),
    "to": ("إلى", "To"),
    "undated_filter": ("القصص غير المؤرخة", "Undated stories"),
    "undated_include": ("تُعرض بعد المؤرخة", "listed after dated ones"),
    "undated_exclude": ("تُستبعد", "left out"),
    "undated_only": ("وحدها", "only these"),
    "dates_note": ("التواريخ تواريخ النشر؛ القصص غير المؤرخة لا يشملها مرشح التاريخ.", "Dates are publication dates; undated stories are left out by a date filter."),
    "sort": ("الترتيب", "Order"),
    "sort_published": ("الأحدث نشرًا", "newest published"),
    "sort_size": ("الأكثر مقالات", "most articles"),
    "sort_outlets": ("الأكثر وسائل", "most outlets"),
    "min_outlets": ("وسائل على الأقل", "outlets at least"),
    "clear": ("مسح", "Clear"),
    "found": ("نتيجة", "found"),
    "articles_stored": ("مقالًا مخزنًا", "articles stored"),
    "no_story": ("لا توجد قصة مطابقة", "No story matches"),
    "no_headline": ("(بلا عنوان)", "(no headline)"),
    "articles_count": ("مقالات", "articles"),
    "article_one": ("مقال", "article"),
    "copies": ("نسخ", "copies"),
    "copy_one": ("نسخة", "copy"),
    "independent_note": ("مقالات مستقلة؛ النسخ والنسخ شبه المطابقة لا تُحتسب", "independent articles; wire copies and near-duplicates not counted"),
    "unknown_outlet": ("وسيلة غير معروفة", "unknown outlet"),
    "undated": ("غير مؤرخ", "undated"),
    "newer": ("الأحدث", "Newer"),
    "older": ("الأقدم", "Older"),
    "shared": ("المشترك", "Shared"),
    "timeline": ("الخط الزمني", "Timeline"),
    "timeline_undated": ("مقالات بلا تاريخ نشر ليست على الخط الزمني:", "Articles without a publication date, not on the timeline:"),
    "disagree": ("أين تختلف الوسائل", "Where the outlets disagree"),
    "says": ("يقول", "says"),
    "compare": ("قارن", "Compare"),
    "with": ("مع", "with"),
    "compare_with_first": ("قارن بالأول", "compare with first"),
    "article": ("المقال", "article"),
    "only_here": ("هنا فقط:", "only here:"),
    "copies_of_this": ("نسخ من هذا المقال", "copies of this article"),
    "more_articles": ("مقالات أخرى في هذه القصة", "More articles in this story"),
    "and_more": ("وغيرها:", "and more:"),
    "full_list": ("القائمة الكاملة (JSON)", "the full list (JSON)"),
    "why_joined": ("لماذا انضم", "why it joined"),
    "score_against_story": ("القرب من القصة", "score against the story"),
    "matched": ("أقرب مقال", "matched"),
    "shared_entities": ("كيانات مشتركة", "shared entities"),
    "started_story": ("بدأ القصة", "started the story"),
    "legend_only": ("تنفرد به وسيلة واحدة", "only one outlet reports this"),
    "legend_conflict": ("تختلف فيه الوسائل", "outlets disagree"),
    "legend_shared": ("مشترك", "shared"),
    "legend_aligned": ("جملة متقابلة", "aligned sentence"),
    "scale": ("المقياس: 1 = متشابهان جدًا … 4 = مختلفان جدًا (SemEval-2022 المهمة 8)", "scale: 1 = very similar … 4 = very dissimilar (SemEval-2022 Task 8)"),
    "aligned_sentences": ("جمل متقابلة", "Aligned sentences"),
    "no_aligned": ("لا تقول أي جملة في أحدهما ما تقوله جملة في الآخر.", "No sentence of one says what a sentence of the other says."),
    "only_in": ("فقط في", "Only in"),
    "nothing": ("لا شيء", "nothing"),
    "they_disagree": ("أين يختلفان", "Where they disagree"),
    "no_title": ("(بلا عنوان)", "(no title)"),
    "published": ("النشر", "Published"),
    "stored": ("التخزين", "Stored"),
    "unknown": ("غير معروف", "unknown"),
    "dateline": ("مكان الخبر", "Dateline"),
    "agency": ("الوكالة", "Agency"),
    "address": ("العنوان", "Address"),
    "story": ("القصة", "Story"),
    "copy_of": ("نسخة من", "Copy of"),
    "id": ("المعرّف", "Id"),
    "entities": ("الكيانات", "Entities"),
    "dates_numbers": ("تواريخ وأرقام", "Dates and numbers"),
    "not_found": ("غير موجود", "not found"),
    "back": ("العودة إلى القصص", "Back to the stories"),
    "http_api": ("واجهة HTTP", "HTTP API"),
    "calendar": ("التقويم", "Calendar"),
    "gregorian": ("ميلادي", "Gregorian"),
    "hijri": ("هجري", "Hijri"),
    "other_language": ("English", "العربية"),
}
# The language the "other language" link switches to.
OTHER_LANGUAGE = {"ar": "en", "en": "ar"}


def _accepted(header: str) -> list[str]:
    """Language codes of an ``Accept-Language`` header, most wanted first ("ar-EG;q=0.9" → "ar")."""
    weighted = []
    for position, part in enumerate(header.split(",")):
        code, _, parameters = part.strip().partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                quality = 0.0
        if code and code != "*":
            weighted.append((-quality, position, code.split("-")[0].lower()))
    return [code for _, _, code in sorted(weighted)]


def interface_language(request: Any) -> str:
    """The reader's interface language (see the module docstring)."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in INTERFACE_LANGUAGES:
        return chosen
    for code in _accepted(request.headers.get("accept-language", "")):
        if code in INTERFACE_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def calendar(request: Any) -> str:
    chosen = request.query_params.get("cal") or request.cookies.get(CALENDAR_COOKIE)
    return chosen if chosen in CALENDARS else "gregorian"


def translate(key: str, language: str) -> str:
    arabic, english = LABELS[key]
    return arabic if language == "ar" else english


def format_date(value: str | None, language: str, calendar_name: str = "gregorian") -> str | None:
    """An ISO date or time as a reader writes it ("22 سبتمبر 2021", "15 صفر 1443 هـ", "September 22, 2021, 14:05");
    None when there is none; the value itself when it is not ISO."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:  # "2021", "2021-09", or not a date: shown as written
        return value
    has_time = "T" in value or " " in value.strip()
    from babel.dates import format_date as babel_date
    from babel.dates import format_time

    if calendar_name == "hijri":
        from hijridate import Gregorian

        try:
            hijri = Gregorian(moment.year, moment.month, moment.day).to_hijri()
        except (ValueError, OverflowError):  # outside the Umm al-Qura range (1937–2077)
            text = babel_date(moment.date(), "long", locale=language)
        else:
            text = f"{hijri.day} {hijri.month_name(language)} {hijri.year} {hijri.notation(language)}"
    else:
        text = babel_date(Date(moment.year, moment.month, moment.day), "long", locale=language)
    if has_time:
        text += ("، " if language == "ar" else ", ") + format_time(moment.time(), "HH:mm", locale=language)
    return text


def _request(context) -> Any:
    return context.get("request")


@pass_context
def label(context, key: str) -> str:
    """``{{ label("stories") }}``: the label in the reader's language."""
    request = _request(context)
    return translate(key, interface_language(request) if request is not None else DEFAULT_LANGUAGE)


@pass_context
def date(context, value: str | None) -> str | None:
    """``{{ date(article.published) }}``: the date in the reader's language and calendar."""
    request = _request(context)
    if request is None:
        return format_date(value, DEFAULT_LANGUAGE)
    return format_date(value, interface_language(request), calendar(request))


@pass_context
def page_language(context) -> dict[str, str]:
    """``lang``, ``dir`` and the switch links of the page being rendered."""
    request = _request(context)
    language = interface_language(request) if request is not None else DEFAULT_LANGUAGE
    chosen_calendar = calendar(request) if request is not None else "gregorian"
    other_calendar = "gregorian" if chosen_calendar == "hijri" else "hijri"
    return {"lang": language, "dir": "rtl" if language in RIGHT_TO_LEFT else "ltr", "other": OTHER_LANGUAGE[language],
            "calendar": chosen_calendar, "other_calendar": other_calendar,
            # The same page (its search kept) in the other language or calendar.
            "language_link": _same_page(request, lang=OTHER_LANGUAGE[language]), "calendar_link": _same_page(request, cal=other_calendar)}


def _same_page(request: Any, **changes: str) -> str:
    from urllib.parse import urlencode

    if request is None:
        return "?" + urlencode(changes)
    parameters = {key: value for key, value in request.query_params.items() if key not in changes and key != "page"}
    return request.url.path + "?" + urlencode({**parameters, **changes})


def template_globals() -> dict[str, Any]:
    """What ``create_app`` adds to the Jinja environment."""
    return {"label": label, "date": date, "page_language": page_language}


def remember_choices(request: Any, response: Any) -> Any:
    """Keep a ``?lang=`` / ``?cal=`` choice in a cookie (a year), so the next pages keep it."""
    for parameter, cookie, allowed in (("lang", LANGUAGE_COOKIE, INTERFACE_LANGUAGES), ("cal", CALENDAR_COOKIE, CALENDARS)):
        value = request.query_params.get(parameter)
        if value in allowed:
            response.set_cookie(cookie, value, max_age=365 * 86400, samesite="lax", httponly=True)
    return response

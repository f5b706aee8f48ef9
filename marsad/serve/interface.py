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
    # The seven SemEval-2022 Task 8 dimensions and the four points of its scale.
    "dim_overall": ("الإجمالي", "overall"),
    "dim_geography": ("المكان", "geography"),
    "dim_entities": ("الكيانات", "entities"),
    "dim_time": ("الزمن", "time"),
    "dim_narrative": ("السرد", "narrative"),
    "dim_style": ("الأسلوب", "style"),
    "dim_tone": ("النبرة", "tone"),
    "scale_1": ("متشابهان جدًا", "very similar"),
    "scale_2": ("متشابهان إلى حد ما", "somewhat similar"),
    "scale_3": ("مختلفان إلى حد ما", "somewhat dissimilar"),
    "scale_4": ("مختلفان جدًا", "very dissimilar"),
    # Kinds of evidence, and the notes a marked fact shows on hover ({…} filled in by :func:`note`).
    "kind_person": ("شخص", "person"),
    "kind_place": ("مكان", "place"),
    "kind_organisation": ("منظمة", "organisation"),
    "kind_date": ("تاريخ", "date"),
    "kind_quantity": ("رقم", "number"),
    "note_only": ("تنفرد به {who} ({kind})", "only {who} reports this {kind}"),
    "note_shared": ("مشترك ({kind})", "shared {kind}"),
    "note_aligned": ("الزوج المتقابل رقم {number}، نسبة التشابه {similarity}", "aligned pair {number}, similarity {similarity}"),
    "note_conflict": ("{slot}: تقول {a} {a_text}، وتقول {b} {b_text}", "{slot}: {a} says {a_text}, {b} says {b_text}"),
    "similarity": ("التشابه", "similarity"),
    "copy_mark": ("نسخة", "copy"),
    "utc": ("بالتوقيت العالمي", "UTC"),
    "samples_notice": ("هذه صفحات العينات المرفقة مع marsad، محفوظة في الذاكرة: لم يُعثر على قاعدة بيانات. لعرض أخباركم:",
                       "These are marsad's bundled sample pages, held in memory: no store was found. To see your own news:"),
    "empty_store": ("قاعدة البيانات فارغة. أضيفوا صفحات:", "The store is empty. Add pages:"),
}

# What a conflict is about: the quantity's unit (marsad.analyse.numbers' keys) or "date".
SLOT_NAMES = {
    "date": ("التاريخ", "date"), "hour": ("الساعات", "hours"), "minute": ("الدقائق", "minutes"), "day": ("الأيام", "days"),
    "week": ("الأسابيع", "weeks"), "month": ("الأشهر", "months"), "year": ("السنوات", "years"), "country": ("الدول", "countries"),
    "civilian": ("المدنيون", "civilians"), "person": ("الأشخاص", "people"), "soldier": ("الجنود", "soldiers"),
    "killed": ("القتلى", "killed"), "wounded": ("الجرحى", "wounded"), "dollar": ("الدولارات", "dollars"), "euro": ("اليورو", "euros"),
    "percent": ("النسبة المئوية", "percent"), "riyal": ("الريالات", "riyals"), "pound": ("الجنيهات", "pounds"),
    "mask": ("الكمامات", "masks"), "km": ("الكيلومترات", "kilometres"), "meter": ("الأمتار", "metres"), "goal": ("الأهداف", "goals"),
}


def slot_name(slot: str, language: str) -> str:
    """What a conflict is about, in the reader's language ("hour" → "الساعات")."""
    arabic, english = SLOT_NAMES.get(slot, (slot, slot))
    return arabic if language == "ar" else english


# Counted nouns by CLDR plural category (babel's rules): Arabic has six, English two. "{n}" is the number.
COUNTED: dict[str, dict[str, dict[str, str]]] = {
    "results": {
        "ar": {"zero": "لا نتائج", "one": "نتيجة واحدة", "two": "نتيجتان", "few": "{n} نتائج", "many": "{n} نتيجة", "other": "{n} نتيجة"},
        "en": {"one": "{n} found", "other": "{n} found"},
    },
    "articles": {
        "ar": {"zero": "لا مقالات", "one": "مقال واحد", "two": "مقالان", "few": "{n} مقالات", "many": "{n} مقالًا", "other": "{n} مقال"},
        "en": {"one": "{n} article", "other": "{n} articles"},
    },
    "stored_articles": {
        "ar": {"zero": "لا مقالات مخزنة", "one": "مقال واحد مخزن", "two": "مقالان مخزنان", "few": "{n} مقالات مخزنة", "many": "{n} مقالًا مخزنًا", "other": "{n} مقال مخزن"},
        "en": {"one": "{n} article stored", "other": "{n} articles stored"},
    },
    "copies": {
        "ar": {"zero": "لا نسخ", "one": "نسخة واحدة", "two": "نسختان", "few": "{n} نسخ", "many": "{n} نسخة", "other": "{n} نسخة"},
        "en": {"one": "{n} copy", "other": "{n} copies"},
    },
}
# The evidence's plural group names ("people") as kinds ("person").
GROUP_KINDS = {"people": "person", "places": "place", "organisations": "organisation", "dates": "date", "numbers": "quantity"}
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


def note(key: str, language: str, **values: object) -> str:
    """A ``note_*`` label filled in: ``note("note_only", "ar", who="reuters.com", kind="date")``;
    a ``kind`` and a conflict's ``slot`` are given in the reader's language."""
    if "slot" in values:
        values["slot"] = slot_name(str(values["slot"]), language)
    if "kind" in values:
        kind = str(values["kind"])
        kind = GROUP_KINDS.get(kind, kind)
        values["kind"] = translate(f"kind_{kind}", language) if f"kind_{kind}" in LABELS else kind
    return translate(key, language).format(**values)


def count_words(number: int, key: str, language: str) -> str:
    """``number`` with its noun in the right plural form: "9 مقالات مخزنة", "11 مقالًا مخزنًا", "مقالان", "2 articles"."""
    from babel import Locale

    forms = COUNTED[key]["ar" if language == "ar" else "en"]
    category = Locale.parse(language if language in INTERFACE_LANGUAGES else "en").plural_form(number)
    return forms.get(category, forms["other"]).format(n=number)


_RELATIVE = {  # "rel:<n><unit>" as marsad.analyse.dates writes a date the text gives relative to its own
    "-1D": ("أمس", "yesterday"), "0D": ("اليوم", "today"), "1D": ("غدًا", "tomorrow"),
    "-1W": ("الأسبوع الماضي", "last week"), "0W": ("هذا الأسبوع", "this week"), "1W": ("الأسبوع المقبل", "next week"),
    "-1M": ("الشهر الماضي", "last month"), "0M": ("هذا الشهر", "this month"), "1M": ("الشهر المقبل", "next month"),
    "-1Y": ("العام الماضي", "last year"), "0Y": ("هذا العام", "this year"), "1Y": ("العام المقبل", "next year"),
}
_UNIT_DAYS = {"D": 1, "W": 7, "M": 30, "Y": 365}


def _relative(offset: str, language: str) -> str:
    if offset in _RELATIVE:
        arabic, english = _RELATIVE[offset]
        return arabic if language == "ar" else english
    from datetime import timedelta

    from babel.dates import format_timedelta

    unit = {"D": "day", "W": "week", "M": "month", "Y": "year"}[offset[-1]]
    return format_timedelta(timedelta(days=int(offset[:-1]) * _UNIT_DAYS[offset[-1]]), granularity=unit, threshold=2,
                            add_direction=True, locale=language)


def fact_value(value: str, language: str, calendar_name: str = "gregorian") -> str:
    """A date value the analysis resolved, as the reader writes it: "2021-09" → "سبتمبر 2021",
    "--08-15" → "15 أغسطس", "weekday:3" → "الأربعاء"; full dates as :func:`format_date`; others as they are."""
    from babel.dates import format_skeleton, get_day_names, get_month_names

    try:
        if value.startswith("rel:"):
            return _relative(value[4:], language)
        if value.startswith("weekday:"):
            return get_day_names("wide", locale=language)[int(value[8:]) - 1]  # babel counts from Monday = 0
        if value.startswith("--"):
            month, _, day = value[2:].partition("-")
            if not day:
                return get_month_names("wide", locale=language)[int(month)]
            return format_skeleton("MMMMd", Date(2000, int(month), int(day)), locale=language)
        if len(value) == 7 and value[4] == "-":
            return format_skeleton("yMMMM", Date(int(value[:4]), int(value[5:]), 1), locale=language)
    except (ValueError, KeyError, IndexError):
        return value
    return format_date(value, language, calendar_name) or value


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


@pass_context
def count(context, number: int, key: str) -> str:
    """``{{ count(result.total, "results") }}``: the number with its noun, in the reader's language."""
    request = _request(context)
    return count_words(number, key, interface_language(request) if request is not None else DEFAULT_LANGUAGE)


@pass_context
def slot(context, value: str) -> str:
    """``{{ slot(conflict.slot) }}``: what a conflict is about, in the reader's language."""
    request = _request(context)
    return slot_name(value, interface_language(request) if request is not None else DEFAULT_LANGUAGE)


@pass_context
def fact(context, value: str) -> str:
    """``{{ fact(d.value) }}``: a resolved date value in the reader's language and calendar."""
    request = _request(context)
    if request is None:
        return fact_value(value, DEFAULT_LANGUAGE)
    return fact_value(value, interface_language(request), calendar(request))


# Where CLDR's name is not the one news uses ("الأراضي الفلسطينية", "Congo - Kinshasa", "Myanmar (Burma)").
NEWS_COUNTRY_NAMES = {
    "PS": ("فلسطين", "Palestine"), "HK": ("هونغ كونغ", "Hong Kong"), "MO": ("ماكاو", "Macau"),
    "CD": ("الكونغو الديمقراطية", "DR Congo"), "CG": ("الكونغو", "Republic of the Congo"), "MM": ("ميانمار", "Myanmar"),
    "TL": ("تيمور الشرقية", "East Timor"), "BA": ("البوسنة والهرسك", "Bosnia and Herzegovina"), "CI": ("ساحل العاج", "Ivory Coast"),
    "TR": ("تركيا", "Turkey"), "CZ": ("التشيك", "Czech Republic"), "VA": ("الفاتيكان", "Vatican"),
}


@pass_context
def entity_name(context, entity: Any) -> str:
    """``{{ entity_name(entity) }}``: a country's or region's name in the reader's language ("روسيا"
    for country:RU on an Arabic page; CLDR's, or the name news uses where CLDR's differs); other
    entities by their stored label."""
    request = _request(context)
    language = interface_language(request) if request is not None else DEFAULT_LANGUAGE
    identifier, stored = (entity.get("id"), entity.get("label")) if isinstance(entity, dict) else (entity.id, entity.label)
    kind, _, code = str(identifier).partition(":")
    if kind == "country" and code in NEWS_COUNTRY_NAMES:
        arabic, english = NEWS_COUNTRY_NAMES[code]
        return arabic if language == "ar" else english
    if kind in ("country", "region") and language == "ar":
        from babel import Locale

        return Locale.parse("ar").territories.get(code, stored)
    return stored


def reader(request: Any) -> tuple[str, str]:
    """(language, calendar) of the request, for views built in Python."""
    return (interface_language(request), calendar(request)) if request is not None else (DEFAULT_LANGUAGE, "gregorian")


def template_globals() -> dict[str, Any]:
    """What ``create_app`` adds to the Jinja environment."""
    return {"label": label, "date": date, "page_language": page_language, "count": count, "fact": fact, "entity_name": entity_name, "slot": slot}


def remember_choices(request: Any, response: Any) -> Any:
    """Keep a ``?lang=`` / ``?cal=`` choice in a cookie (a year), so the next pages keep it."""
    for parameter, cookie, allowed in (("lang", LANGUAGE_COOKIE, INTERFACE_LANGUAGES), ("cal", CALENDAR_COOKIE, CALENDARS)):
        value = request.query_params.get(parameter)
        if value in allowed:
            response.set_cookie(cookie, value, max_age=365 * 86400, samesite="lax", httponly=True)
    return response

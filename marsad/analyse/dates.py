"""Dates in the forms news uses, in Arabic (both month naming sets) and the other task languages.

Values are as precise as the text: ``2019``, ``2019-12``, ``--08-15`` (day and month, year
unknown), ``2001-09-11``. Hijri dates ("15 صفر 1443 هـ") become Gregorian. Weekdays ("الأربعاء",
"Sunday") and relative expressions ("أمس", "last week", "на этой неделе") are resolved against
the publish date when it is known (``2021-09-22``, ``2021-W37``, ``2020``), else kept relative:
``weekday:3`` (ISO, Monday = 1), ``rel:-1D``, ``rel:0W``, ``rel:-1Y``. A month named alone
after a cue ("في مارس", "in December", "В декабре") is ``--03``, or with "الماضي"/"last"
and a publish date its year too. The one date parser of the project: cleaning uses it for
publish dates.
"""

from __future__ import annotations

import datetime as dt

import regex

from marsad import regex_cache
from marsad.analyse.normalise import normalise_with_offsets

# Month names, normalised (see analyse.normalise), mapped to month numbers.
MONTHS: dict[str, int] = {}
_MONTH_NAMES = {
    1: ["يناير", "كانون الثاني", "january", "jan", "januar", "janvier", "enero", "gennaio", "stycznia", "styczen", "января", "январь", "ocak"],
    2: ["فبراير", "شباط", "february", "feb", "februar", "fevrier", "febrero", "febbraio", "lutego", "luty", "февраля", "февраль", "subat"],
    3: ["مارس", "اذار", "march", "mar", "marz", "mars", "marzo", "marca", "marzec", "марта", "март", "mart"],
    4: ["ابريل", "نيسان", "april", "apr", "avril", "abril", "aprile", "kwietnia", "kwiecien", "апреля", "апрель", "nisan"],
    5: ["مايو", "ايار", "may", "mai", "mayo", "maggio", "maja", "maj", "мая", "май", "mayis"],
    6: ["يونيو", "يونيه", "حزيران", "june", "jun", "juni", "juin", "junio", "giugno", "czerwca", "czerwiec", "июня", "июнь", "haziran"],
    7: ["يوليو", "يوليه", "تموز", "july", "jul", "juli", "juillet", "julio", "luglio", "lipca", "lipiec", "июля", "июль", "temmuz"],
    8: ["اغسطس", "اب", "august", "aug", "aout", "agosto", "sierpnia", "sierpien", "августа", "август", "agustos"],
    9: ["سبتمبر", "ايلول", "september", "sep", "sept", "septembre", "septiembre", "settembre", "wrzesnia", "wrzesien", "сентября", "сентябрь", "eylul"],
    10: ["اكتوبر", "تشرين الاول", "october", "oct", "oktober", "octobre", "octubre", "ottobre", "pazdziernika", "pazdziernik", "октября", "октябрь", "ekim"],
    11: ["نوفمبر", "تشرين الثاني", "november", "nov", "novembre", "noviembre", "listopada", "listopad", "ноября", "ноябрь", "kasim"],
    12: ["ديسمبر", "كانون الاول", "december", "dec", "dezember", "decembre", "diciembre", "dicembre", "grudnia", "grudzien", "декабря", "декабрь", "aralik"],
}
# Russian months after "в" take the locative case ("в декабре"), normalised.
_RUSSIAN_LOCATIVE = {"январе": 1, "феврале": 2, "марте": 3, "апреле": 4, "мае": 5, "июне": 6, "июле": 7, "августе": 8, "сентябре": 9, "октябре": 10, "ноябре": 11, "декабре": 12}
_HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع الثاني": 4, "ربيع الاخر": 4, "جمادي الاولي": 5, "جمادي الاول": 5,
    "جمادي الاخره": 6, "جمادي الثانيه": 6, "جمادي الاخر": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعده": 11, "ذي القعده": 11, "ذو الحجه": 12, "ذي الحجه": 12,
}
# Weekdays (normalised), ISO numbers.
_WEEKDAYS = {}
for _number, _names in {
    1: "الاثنين الإثنين monday montag lundi lunes lunedi poniedzialek понедельник pazartesi",
    2: "الثلاثاء tuesday dienstag mardi martes martedi wtorek вторник",
    3: "الاربعاء wednesday mittwoch mercredi miercoles mercoledi sroda среда среду carsamba",
    4: "الخميس thursday donnerstag jeudi jueves giovedi czwartek четверг persembe",
    5: "الجمعه friday freitag vendredi viernes venerdi piatek пятница пятницу",
    6: "السبت saturday samstag sonnabend samedi sabado sabato sobota суббота субботу cumartesi",
    7: "الاحد sunday sonntag dimanche domingo domenica niedziela воскресенье",
}.items():
    for _name in _names.split():
        _WEEKDAYS[_name.replace("إ", "ا")] = _number
# Relative expressions (normalised) → (offset, unit).
_RELATIVE = {
    "اليوم": (0, "D"), "امس": (-1, "D"), "الامس": (-1, "D"), "غدا": (1, "D"), "الليله": (0, "D"),
    "الاسبوع الماضي": (-1, "W"), "الاسبوع المقبل": (1, "W"), "الاسبوع الجاري": (0, "W"), "هذا الاسبوع": (0, "W"),
    "الشهر الماضي": (-1, "M"), "الشهر المقبل": (1, "M"), "الشهر الجاري": (0, "M"), "هذا الشهر": (0, "M"),
    "العام الماضي": (-1, "Y"), "العام المقبل": (1, "Y"), "العام الجاري": (0, "Y"), "هذا العام": (0, "Y"),
    "السنه الماضيه": (-1, "Y"), "السنه المقبله": (1, "Y"), "هذه السنه": (0, "Y"),
    "today": (0, "D"), "yesterday": (-1, "D"), "tomorrow": (1, "D"), "tonight": (0, "D"), "this morning": (0, "D"),
    "this afternoon": (0, "D"), "this evening": (0, "D"), "last night": (-1, "D"),
    "last week": (-1, "W"), "next week": (1, "W"), "this week": (0, "W"), "last month": (-1, "M"), "next month": (1, "M"),
    "this month": (0, "M"), "last year": (-1, "Y"), "next year": (1, "Y"), "this year": (0, "Y"),
    "heute": (0, "D"), "gestern": (-1, "D"), "diese woche": (0, "W"), "dieser woche": (0, "W"), "letzte woche": (-1, "W"),
    "letzten woche": (-1, "W"), "vergangene woche": (-1, "W"), "vergangenen woche": (-1, "W"), "nachste woche": (1, "W"),
    "nachsten woche": (1, "W"), "dieses jahr": (0, "Y"), "dieses jahres": (0, "Y"), "letztes jahr": (-1, "Y"),
    "letzten jahr": (-1, "Y"), "vergangenen jahr": (-1, "Y"), "vergangenes jahr": (-1, "Y"), "nachstes jahr": (1, "Y"),
    "aujourd'hui": (0, "D"), "hier": (-1, "D"), "demain": (1, "D"), "la semaine derniere": (-1, "W"), "cette semaine": (0, "W"),
    "l'annee derniere": (-1, "Y"), "l'an dernier": (-1, "Y"), "cette annee": (0, "Y"),
    "hoy": (0, "D"), "ayer": (-1, "D"), "la semana pasada": (-1, "W"), "esta semana": (0, "W"), "el ano pasado": (-1, "Y"), "este ano": (0, "Y"),
    "oggi": (0, "D"), "ieri": (-1, "D"), "la settimana scorsa": (-1, "W"), "l'anno scorso": (-1, "Y"), "quest'anno": (0, "Y"),
    "dzisiaj": (0, "D"), "dzis": (0, "D"), "wczoraj": (-1, "D"), "w zeszlym tygodniu": (-1, "W"), "w tym tygodniu": (0, "W"),
    "w zeszlym roku": (-1, "Y"), "w tym roku": (0, "Y"),
    "сегодня": (0, "D"), "вчера": (-1, "D"), "завтра": (1, "D"), "на этои неделе": (0, "W"), "на прошлои неделе": (-1, "W"),
    "на следующеи неделе": (1, "W"), "в прошлом году": (-1, "Y"), "прошлыи год": (-1, "Y"), "прошедшии год": (-1, "Y"),
    "в этом году": (0, "Y"), "в следующем году": (1, "Y"),
    "bugun": (0, "D"), "dun": (-1, "D"), "gecen hafta": (-1, "W"), "bu hafta": (0, "W"), "gecen yil": (-1, "Y"), "bu yil": (0, "Y"),
}
_PAST = {"الماضي", "الماضيه", "last", "past", "letzten", "vergangenen", "dernier", "derniere", "pasado", "pasada", "scorso", "scorsa", "прошлои", "прошлыи"}
_NEXT = {"المقبل", "المقبله", "القادم", "القادمه", "next", "nachsten", "prochain", "prochaine", "proximo", "proxima", "prossimo", "prossima", "следующеи"}
# Words before a month named alone that make it a date ("في مارس", "in December", "im März").
_MONTH_CUES = "في|فى|منذ|خلال|حتى|شهر|بشهر|وفي|in|since|until|by|during|last|next|early|late|im|seit|bis|ab|en|depuis|desde|hasta|a|nel|di|od|do|в|с|до|к"

for _number, _names in _MONTH_NAMES.items():
    for _name in _names:
        MONTHS[_name] = _number

# "آب" (August) is also an ordinary word only rarely; the bare short English forms are only
# taken next to a day or year number, which the patterns below require anyway.
_MONTH_ALT = "|".join(sorted((regex.escape(name) for name in MONTHS), key=len, reverse=True))
_PREFIX = r"(?:[وبلف]?(?:في|من|منذ)?\s*)"

_NUMERIC = regex_cache.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_ISO = regex_cache.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# 15 أغسطس [عام] 2021 / 15 August 2021 / 15. März 2021
_DAY_MONTH_YEAR = regex_cache.compile(
    rf"(?<!\d)(\d{{1,2}})\.?\s+(?:[وب]?)({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?(?![\p{{L}}])(?:,?\s+(?:عام\s+|سنه\s+)?(\d{{4}}))?(?!\d)"
)
# أغسطس/آب 2021 / August 15, 2021 / in December 2019 / ديسمبر عام 2019
_MONTH_DAY_YEAR = regex_cache.compile(
    rf"(?<![\p{{L}}])(?:[وبل]|ال)?({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?(?![\p{{L}}])(?:\s+(\d{{1,2}})(?!\d)(?:\s+(?:and|und|et|y|e|и|و)\s+\d{{1,2}}(?!\d))?)?(?:,?\s+(?:عام\s+|سنه\s+|of\s+)?(\d{{4}}))?(?!\d)"
)
_HIJRI_ALT = "|".join(sorted(_HIJRI_MONTHS, key=len, reverse=True))
_HIJRI = regex_cache.compile(rf"(?<!\d)(?:(\d{{1,2}})\s+)?({_HIJRI_ALT})\s+(?:عام\s+|سنه\s+)?(1[34]\d\d)\s*(?:هـ|ه(?![\p{{L}}]))?")
_WEEKDAY_ALT = "|".join(sorted((regex.escape(name) for name in _WEEKDAYS), key=len, reverse=True))
_WEEKDAY = regex_cache.compile(rf"(?<![\p{{L}}])(?:[وبف]|يوم\s+|ويوم\s+)?({_WEEKDAY_ALT})(?![\p{{L}}])(?:\s+(المقبل|المقبله|القادم|الماضي|الماضيه))?")
_RELATIVE_RE = regex_cache.compile(
    r"(?<![\p{L}])(?:[وبف]|منذ\s+)?(" + "|".join(sorted((regex.escape(k) for k in _RELATIVE), key=len, reverse=True)) + r")(?![\p{L}])"
)
_RUSSIAN_ALT = "|".join(_RUSSIAN_LOCATIVE)
_WORD = regex_cache.compile(r"[\p{L}']+")
_MONTH_WORDS = {word for name in list(MONTHS) + list(_RUSSIAN_LOCATIVE) for word in name.split()}
_HIJRI_WORDS = {word for name in _HIJRI_MONTHS for word in name.split()}
_WEEKDAY_WORDS = set(_WEEKDAYS)
_RELATIVE_WORDS = {word for name in _RELATIVE for word in name.split()}
_MONTH_ALONE = regex_cache.compile(
    rf"(?<![\p{{L}}])(?:(?:{_MONTH_CUES})\s+(?:(?:the\s+)?(?:month\s+of\s+))?)([وبل]?(?:{_MONTH_ALT}|{_RUSSIAN_ALT}))(?![\p{{L}}])(?:\s*/\s*(?:{_MONTH_ALT}))?(?:\s+(الماضي|المقبل|الجاري|القادم))?"
    rf"|(?<![\p{{L}}])([وبل]?(?:{_MONTH_ALT}))(?:\s*/\s*(?:{_MONTH_ALT}))?\s+(الماضي|المقبل|الجاري|القادم)(?![\p{{L}}])"
)
_YEAR = regex_cache.compile(r"(?<![\d\p{L}])(?:عام\s+|سنه\s+|in\s+|year\s+)?((?:19|20)\d{2})(?![\d\p{L}])")


def _value(year: str | None, month: int | None, day: str | None) -> str | None:
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= int(day) <= 31:
        return None
    if year and month and day:
        return f"{int(year):04d}-{month:02d}-{int(day):02d}"
    if year and month:
        return f"{int(year):04d}-{month:02d}"
    if month and day:
        return f"--{month:02d}-{int(day):02d}"
    if year:
        return f"{int(year):04d}"
    if month:
        return f"--{month:02d}"
    return None


def find_dates(text: str, published: str | None = None) -> list[tuple[str, int, int]]:
    """All dates in ``text`` as ``(value, start, end)`` with offsets into ``text`` itself.

    Args:
        text: one title or paragraph, as written.
        published: the article's publish date (ISO), to resolve weekdays and relative dates.

    Example:
        >>> [v for v, *_ in find_dates("منذ ديسمبر عام 2019 وفي 15 أغسطس")]
        ['2019-12', '--08-15']
        >>> [v for v, *_ in find_dates("التقيا الأربعاء، بعد لقاء أمس", published="2021-09-23")]
        ['2021-09-22', '2021-09-22']
    """
    anchor = _parse_iso(published)
    norm, offsets = normalise_with_offsets(text)
    found: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(value: str | None, start: int, end: int) -> None:
        if value and free(start, end):
            taken.append((start, end))
            found.append((value, offsets[start], offsets[end - 1] + 1))

    # The patterns are long alternations: run each only when a word it needs is in the text.
    words = set(_WORD.findall(norm))
    words |= {word[1:] for word in words} | {word[2:] for word in words if word.startswith("ال")}
    digits = any(ch.isdigit() for ch in norm)
    months = bool(words & _MONTH_WORDS)
    for match in _HIJRI.finditer(norm) if digits and words & _HIJRI_WORDS else ():
        add(_hijri_value(match[3], _HIJRI_MONTHS[match[2]], match[1]), match.start(), match.end())
    for match in _ISO.finditer(norm) if digits else ():
        add(_value(match[1], int(match[2]), match[3]), match.start(), match.end())
    for match in _NUMERIC.finditer(norm) if digits else ():
        add(_value(match[3], int(match[2]), match[1]), match.start(), match.end())
    for match in _DAY_MONTH_YEAR.finditer(norm) if digits and months else ():
        value = _value(match[3], MONTHS[match[2]], match[1])
        end = match.end()
        direction = regex.match(r"\s+(الماضي|المقبل|القادم)(?![\p{L}])", norm[end:])
        if direction and value and value.startswith("--"):
            end += direction.end()
            if anchor is not None:
                value = _day_value(MONTHS[match[2]], int(match[1]), direction[1], anchor)
        add(value, match.start(), end)
    for match in _MONTH_DAY_YEAR.finditer(norm) if digits and months else ():
        month_name = match[1]
        if not (match[2] or match[3]):
            continue  # a month named alone is a date only after a cue (below): "مارس" is also "practised"
        add(_value(match[3], MONTHS[month_name], match[2]), match.start(1), match.end())
    for match in _MONTH_ALONE.finditer(norm) if months else ():
        word, direction = (match[1], match[2]) if match[1] else (match[3], match[4])
        month = MONTHS.get(word) or _RUSSIAN_LOCATIVE.get(word) or MONTHS.get(word[1:]) or _RUSSIAN_LOCATIVE.get(word[1:])
        if month and len(word) > 3:
            start = match.start(1) if match[1] else match.start(3)
            add(_month_value(month, direction, anchor), start, match.end())
    for match in _RELATIVE_RE.finditer(norm) if words & _RELATIVE_WORDS else ():
        offset, unit = _RELATIVE[match[1]]
        add(_relative_value(offset, unit, anchor), match.start(1), match.end())
    for match in _WEEKDAY.finditer(norm) if words & _WEEKDAY_WORDS else ():
        value = _weekday_value(_WEEKDAYS[match[1]], match[2], anchor)
        # "Samstag, 29. Oktober": the weekday and the date it names are one mention.
        after = regex.match(r"[,،]?\s*", norm[match.end() :]).end() + match.end()
        joined = next((i for i, (s, e) in enumerate(taken) if s == after), None)
        if joined is not None:
            s, e = taken[joined]
            taken[joined] = (match.start(), e)
            value_of_date = next(v for v, fs, fe in found if fs == offsets[s])
            found[:] = [(v, fs, fe) for v, fs, fe in found if fs != offsets[s]]
            found.append((value_of_date, offsets[match.start()], offsets[e - 1] + 1))
            continue
        add(value, match.start(), match.end())
    for match in _YEAR.finditer(norm) if digits else ():
        add(_value(match[1], None, None), match.start(1), match.end(1))
    if anchor is not None:
        # "on August 15" in a paper of September 2021 is 2021-08-15: the year that puts the
        # day (or month) nearest the publish date.
        found = [(_nearest_year(value, anchor) if value.startswith("--") else value, start, end) for value, start, end in found]
    found.sort(key=lambda item: item[1])
    return found


def _nearest_year(value: str, anchor: dt.date) -> str:
    month, day = int(value[2:4]), int(value[5:7]) if len(value) > 4 else 15
    best = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            distance = abs((dt.date(year, month, day) - anchor).days)
        except ValueError:
            return value  # 30 February
        if best is None or distance < best[0]:
            best = (distance, year)
    return f"{best[1]:04d}{value[1:]}"


def _day_value(month: int, day: int, direction: str, anchor: dt.date) -> str:
    year = anchor.year
    try:
        candidate = dt.date(year, month, day)
        if direction == "الماضي" and candidate > anchor:
            candidate = dt.date(year - 1, month, day)
        elif direction != "الماضي" and candidate < anchor:
            candidate = dt.date(year + 1, month, day)
    except ValueError:
        return f"--{month:02d}-{day:02d}"
    return candidate.isoformat()


def _parse_iso(published: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _hijri_value(year: str, month: int, day: str | None) -> str | None:
    from hijridate import Hijri

    try:
        gregorian = Hijri(int(year), month, int(day) if day else 1).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return gregorian.isoformat() if day else f"{gregorian.year:04d}-{gregorian.month:02d}"


def _weekday_value(weekday: int, direction: str | None, anchor: dt.date | None) -> str:
    if anchor is None:
        return f"weekday:{weekday}"
    if direction in _NEXT:
        return (anchor + dt.timedelta(days=(weekday - anchor.isoweekday()) % 7 or 7)).isoformat()
    # News names a weekday of the past week: the latest such day on or before the publish date.
    return (anchor - dt.timedelta(days=(anchor.isoweekday() - weekday) % 7)).isoformat()


def _relative_value(offset: int, unit: str, anchor: dt.date | None) -> str:
    if anchor is None:
        return f"rel:{offset}{unit}"
    if unit == "D":
        return (anchor + dt.timedelta(days=offset)).isoformat()
    if unit == "W":
        year, week, _ = (anchor + dt.timedelta(weeks=offset)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "M":
        month = anchor.year * 12 + anchor.month - 1 + offset
        return f"{month // 12:04d}-{month % 12 + 1:02d}"
    return f"{anchor.year + offset:04d}"


def _month_value(month: int, direction: str | None, anchor: dt.date | None) -> str:
    if anchor is None or direction is None:
        return f"--{month:02d}"
    if direction in ("الماضي",):
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif direction in ("المقبل", "القادم"):
        year = anchor.year if month > anchor.month else anchor.year + 1
    else:
        year = anchor.year
    return f"{year:04d}-{month:02d}"


def parse_date_line(line: str) -> str | None:
    """A full date (year, month and day) if ``line`` is nothing but a date, else None."""
    dates = find_dates(line)
    if len(dates) != 1:
        return None
    value, start, end = dates[0]
    rest = (line[:start] + line[end:]).strip(" \t-–—|,:.")
    if len(rest) > 12 or len(value) != 10:
        return None
    return value

"""Dates in the forms news uses, in Arabic (both month naming sets) and the other task languages.

Values are as precise as the text: ``2019``, ``2019-12``, ``--08-15`` (day and month, year
unknown), ``2001-09-11``. The one date parser of the project: cleaning uses it for publish dates.
"""

from __future__ import annotations

import regex

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
for _number, _names in _MONTH_NAMES.items():
    for _name in _names:
        MONTHS[_name] = _number

# "آب" (August) is also an ordinary word only rarely; the bare short English forms are only
# taken next to a day or year number, which the patterns below require anyway.
_MONTH_ALT = "|".join(sorted((regex.escape(name) for name in MONTHS), key=len, reverse=True))
_PREFIX = r"(?:[وبلف]?(?:في|من|منذ)?\s*)"

_NUMERIC = regex.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_ISO = regex.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# 15 أغسطس [عام] 2021 / 15 August 2021 / 15. März 2021
_DAY_MONTH_YEAR = regex.compile(
    rf"(?<!\d)(\d{{1,2}})\.?\s+(?:[وب]?)({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?(?![\p{{L}}])(?:,?\s+(?:عام\s+|سنه\s+)?(\d{{4}}))?(?!\d)"
)
# أغسطس/آب 2021 / August 15, 2021 / in December 2019 / ديسمبر عام 2019
_MONTH_DAY_YEAR = regex.compile(
    rf"(?<![\p{{L}}])(?:[وبل]|ال)?({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?(?![\p{{L}}])(?:\s+(\d{{1,2}})(?!\d))?(?:,?\s+(?:عام\s+|سنه\s+|of\s+)?(\d{{4}}))?(?!\d)"
)
_YEAR = regex.compile(r"(?<![\d\p{L}])(?:عام\s+|سنه\s+|in\s+|year\s+)?((?:19|20)\d{2})(?![\d\p{L}])")


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


def find_dates(text: str) -> list[tuple[str, int, int]]:
    """All dates in ``text`` as ``(value, start, end)`` with offsets into ``text`` itself.

    Example:
        >>> [v for v, *_ in find_dates("منذ ديسمبر عام 2019 وفي 15 أغسطس")]
        ['2019-12', '--08-15']
    """
    norm, offsets = normalise_with_offsets(text)
    found: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(value: str | None, start: int, end: int) -> None:
        if value and free(start, end):
            taken.append((start, end))
            found.append((value, offsets[start], offsets[end - 1] + 1))

    for match in _ISO.finditer(norm):
        add(_value(match[1], int(match[2]), match[3]), match.start(), match.end())
    for match in _NUMERIC.finditer(norm):
        add(_value(match[3], int(match[2]), match[1]), match.start(), match.end())
    for match in _DAY_MONTH_YEAR.finditer(norm):
        add(_value(match[3], MONTHS[match[2]], match[1]), match.start(), match.end())
    for match in _MONTH_DAY_YEAR.finditer(norm):
        month_name = match[1]
        if len(month_name) <= 3 and not (match[2] or match[3]):
            continue  # "may", "mar", "اب" alone are words, not dates
        add(_value(match[3], MONTHS[month_name], match[2]), match.start(1), match.end())
    for match in _YEAR.finditer(norm):
        add(_value(match[1], None, None), match.start(1), match.end(1))
    found.sort(key=lambda item: item[1])
    return found


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

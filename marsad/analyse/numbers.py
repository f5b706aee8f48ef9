"""Numbers and quantities: digits in any script and number words, with what they count.

"لمدة 6 ساعات" and "ست ساعات" are both ``6 hour``; "120 ألف مدني" is ``120000 civilian``;
"21 دولة" and "21 countries" are ``21 country``. Units are folded to one English key so that
quantities compare across languages. Years and parts of dates are left to the date finder.
"""

from __future__ import annotations

import regex

from marsad.analyse.normalise import normalise_with_offsets

# Number words (normalised), value.
_WORDS = {
    "واحد": 1, "واحده": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4,
    "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثماني": 8, "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9,
    "عشر": 10, "عشره": 10, "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80,
    "تسعون": 90, "تسعين": 90, "مئه": 100, "مائه": 100,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "dozens": 24,
}
# Multipliers after a number: "120 ألف", "3 ملايين", "2 million".
_MULTIPLIERS = {
    "الف": 1e3, "الاف": 1e3, "آلاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9,
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9, "m": 1e6,
    "tausend": 1e3, "millionen": 1e6, "milliarden": 1e9, "mille": 1e3, "millions": 1e6, "milliards": 1e9,
    "mil": 1e3, "millones": 1e6, "milioni": 1e6, "miliardi": 1e9, "tysiecy": 1e3, "milionow": 1e6, "тысяч": 1e3,
    "млн": 1e6, "миллионов": 1e6, "млрд": 1e9, "bin": 1e3, "milyon": 1e6, "milyar": 1e9,
}
# Unit and counted-noun words (normalised, without ال) → one English key.
_UNITS = {
    "hour": "ساعه ساعات ساعتين hour hours stunde stunden heure heures hora horas ora ore godzina godziny godzin час часа часов saat",
    "minute": "دقيقه دقائق minute minutes minuten minuto minutos minuti minut минут minuta dakika",
    "day": "يوم ايام يومين day days tag tage tagen jour jours dia dias giorno giorni dzien dni день дня дней gun",
    "week": "اسبوع اسابيع week weeks woche wochen semaine semaines semana semanas settimana settimane tydzien tygodni неделя недели недель hafta",
    "month": "شهر اشهر شهور month months monat monate mois mes meses mese mesi miesiac miesiecy месяц месяца месяцев ay",
    "year": "سنه سنوات سنين اعوام عاما year years jahr jahre jahren an ans ano anos anno anni rok lat год года лет yil",
    "country": "دوله دول بلد بلدان country countries land lander pays pais paises paese paesi kraj kraje krajow страна страны стран ulke",
    "civilian": "مدني مدنيين مدنيا civilian civilians zivilisten civils civiles civili cywilow мирных sivil",
    "person": "شخص اشخاص شخصا people persons person menschen personnes personas persone osob человек kisi",
    "soldier": "جندي جنود جنديا soldier soldiers soldaten soldats soldados soldati zolnierzy солдат asker",
    "killed": "قتيل قتلى قتيلا dead killed tote morts muertos morti zabitych погибших olu",
    "wounded": "جريح جرحى جريحا injured wounded verletzte blesses heridos feriti rannych раненых yarali",
    "dollar": "دولار دولارات dollar dollars usd $ доллар долларов dolar",
    "euro": "يورو euro euros евро avro €",
    "percent": "% بالمئه بالمائه في المئه percent per cent prozent pourcent por ciento per cento procent процент процентов yuzde",
    "km": "كيلومتر كيلومترات كم km kilometre kilometres kilometer kilometers километров",
    "meter": "متر امتار meter meters metre metres",
    "goal": "هدف اهداف هدفين goal goals",
}
_UNIT_OF = {word: key for key, words in _UNITS.items() for word in words.split()}

_NUMBER = regex.compile(r"(?<![\p{L}\d.,])(\d{1,3}(?:[,،]\d{3})+|\d+(?:[.,]\d+)?)(?![\d])")
_TOKEN = regex.compile(r"[\p{L}%$€]+")
_ARABIC_PREFIXES = ("ال", "وال", "بال", "لل", "و", "ب", "ل")


def _unit_word(word: str) -> str | None:
    if word in _UNIT_OF:
        return _UNIT_OF[word]
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and word[len(prefix):] in _UNIT_OF:
            return _UNIT_OF[word[len(prefix):]]
    return None


def find_quantities(text: str, skip: list[tuple[int, int]] = ()) -> list[tuple[float, str | None, int, int]]:
    """Quantities in ``text`` as ``(value, unit, start, end)``, offsets into ``text``.

    Args:
        text: one title or paragraph, as written.
        skip: original-text spans already taken (dates), whose numbers are not quantities.

    Example:
        >>> [(v, u) for v, u, *_ in find_quantities("محادثات لمدة 6 ساعات وإجلاء 120 ألف مدني")]
        [(6.0, 'hour'), (120000.0, 'civilian')]
    """
    norm, offsets = normalise_with_offsets(text)
    found = []
    candidates = []
    for match in _NUMBER.finditer(norm):
        raw = match.group(1).replace("،", ",")
        value = float(raw.replace(",", "")) if regex.fullmatch(r"\d{1,3}(,\d{3})+", raw) else float(raw.replace(",", "."))
        candidates.append((value, match.start(), match.end()))
    for match in _TOKEN.finditer(norm):
        word = match.group(0)
        value = _WORDS.get(word) or _WORDS.get(word[1:] if word[:1] in "وب" else "")
        if value:
            candidates.append((float(value), match.start(), match.end()))
    for value, start, end in sorted(candidates, key=lambda c: c[1]):
        original = (offsets[start], offsets[end - 1] + 1)
        if any(s <= original[0] < e for s, e in skip):
            continue
        words = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(norm, end, min(len(norm), end + 40))][:3]
        unit, last = None, end
        if words and words[0][0] in _MULTIPLIERS:
            value *= _MULTIPLIERS[words[0][0]]
            last = words[0][2]
            words = words[1:]
        if words and (unit := _unit_word(words[0][0])):
            last = words[0][2]
        elif norm[end:end + 1] == "%" or norm[end:end + 2] == " %":
            unit, last = "percent", norm.index("%", end) + 1
        if unit is None and value in (1.0,) and not norm[start:end].isdigit():
            continue  # "واحد"/"one" alone is a pronoun more often than a count
        found.append((value, unit, offsets[start], offsets[last - 1] + 1))
    return found

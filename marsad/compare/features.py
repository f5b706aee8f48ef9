"""Pair features a reader can trust, each a float (or None when neither side gives evidence).

The training texts are short rewordings (about 1,000 characters) and real inputs are full
articles, so every feature is a share, a ratio, a cosine or a mean, never a raw count that
grows with length:

* **embedding**: cosine of the document vectors (mean of all sentence vectors weighted by
  their length: long bodies count whole, not truncated), of the leads (the first sentences, title included), of chunks
  of consecutive sentences, and summaries of the sentence similarity matrix;
* **words**: cosine of the two texts' words weighted by rarity in the language (wordfreq), the
  classic TF-IDF view, strong within a language and still catching names and numbers across;
* **narrative**: the share of sentences with a close counterpart on the other side;
* **entities, places, dates, numbers**: overlap of canonical ids weighted by rarity;
* **time**: date overlap and the gap between publication dates;
* **style**: length, sentence length, quotes, questions, digits, agency copy;
* **tone**: polarity and subjectivity read off the sentence vectors along two learned axes.

What the features need from training (rarity of entity ids, the alignment threshold of the
encoder, the tone axes) comes in a :class:`FeatureStatistics` stored inside the model file.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import regex
import Stemmer

from marsad.analyse.frequencies import FrequencyTable, frequency_table
from marsad.analyse.normalise import normalise
from marsad.compare.align import coverage
from marsad.compare.evidence import dates_compatible
from marsad.models import Analysed, EntityKind

_QUOTE = regex.compile(r"[\"«»“”„‹›「」]")
_QUESTION = regex.compile(r"[?؟!！？]")
_DIGIT = regex.compile(r"\p{Nd}")
_WORD = regex.compile(r"\w+")
_TERM = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_HAN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
# wordfreq's lists for these languages need extra tokenisers (jieba, MeCab): their text is cut
# into character pairs and weighed alike instead.
_NO_WORD_LIST = {"zh", "ja", "ko"}
# A word's weight is how much rarer it is than this Zipf frequency (7 ≈ "the"); unknown words
# get the most (names, places, numbers), function words almost none.
_COMMON_ZIPF = 7.0
# Snowball stemmers (PyStemmer) by language code: Arabic attaches the article and prepositions
# to the word (العاصمة, بالعاصمة, للعاصمة → عاصم), Turkish and Polish inflect heavily, so word
# overlap is counted on stems. Languages without one keep whole (normalised) words.
_STEMMERS = {code: name for code, name in (
    ("ar", "arabic"), ("en", "english"), ("de", "german"), ("es", "spanish"), ("fr", "french"), ("it", "italian"),
    ("pl", "polish"), ("ru", "russian"), ("tr", "turkish"), ("pt", "portuguese"), ("nl", "dutch"), ("fa", "persian"),
    ("el", "greek"), ("sv", "swedish"), ("da", "danish"), ("no", "norwegian"), ("fi", "finnish"), ("hu", "hungarian"),
    ("ro", "romanian"), ("cs", "czech"), ("id", "indonesian"), ("hi", "hindi"), ("sr", "serbian"), ("ca", "catalan"),
)}
_MIN_TERM_WEIGHT = 0.5

LEAD_SENTENCES = 3  # title plus first sentences, or the first three sentences when there is no title
CHUNK_SENTENCES = 4  # consecutive sentences averaged into one chunk vector

FEATURES = (
    "document_cosine",
    "word_cosine",
    "lead_cosine",
    "chunk_best",
    "sentence_best_mean",
    "sentence_top",
    "sentence_mean",
    "narrative_coverage",
    "narrative_coverage_min",
    "people",
    "organisations",
    "places",
    "countries",
    "entities",
    "dates",
    "years",
    "numbers",
    "days_apart",
    "length_ratio",
    "sentence_length_ratio",
    "quote_gap",
    "question_gap",
    "digit_gap",
    "same_agency",
    "polarity_gap",
    "subjectivity_gap",
    "polarity_mean",
    "same_language",
    "pair_cosine",
)


@dataclass
class FeatureStatistics:
    """What the features learn from a training set; saved in the model file.

    Attributes:
        aligned_similarity: cosine above which two sentences say the same thing, for this encoder.
        rarity: weight of an entity id (inverse document frequency) for ids seen often in training;
            ids not listed are rare and weigh ``rare_weight``.
        tone_axes: ``(2, dim)`` unit vectors: polarity (positive minus negative) and
            subjectivity (opinion minus report), or None (tone features are then missing).
        stemmed_words: word overlap counts Snowball stems, not whole words (model files made
            before stems were introduced say False and keep the features they were trained on).
    """

    aligned_similarity: float
    rarity: dict[str, float] = field(default_factory=dict)
    rare_weight: float = 1.0
    tone_axes: np.ndarray | None = None
    stemmed_words: bool = True


@dataclass(frozen=True)
class Profile:
    """Per-article summaries the pair features read; computed once per article, reused in every pair."""

    entity_ids: dict[str, frozenset[str]]
    dates: frozenset[str]
    years: frozenset[str]
    numbers: frozenset[str]
    words: int
    words_per_sentence: float
    quote_rate: float
    question_rate: float
    digit_rate: float
    document_vector: np.ndarray
    terms: dict[str, float]  # rarity-weighted word vector, unit length
    lead_vector: np.ndarray
    chunk_vectors: np.ndarray
    polarity: float | None
    subjectivity: float | None


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    return (vector / norm).astype(np.float32) if norm else vector.astype(np.float32)


@lru_cache(maxsize=None)
def _frequencies(language: str) -> FrequencyTable | dict[str, float]:
    """wordfreq's word list for ``language`` (mapped from the user cache, see :mod:`marsad.analyse.frequencies`;
    a look-up is far cheaper than ``zipf_frequency``)."""
    try:
        return frequency_table(language)
    except (LookupError, ValueError, OSError):  # a language wordfreq does not know
        return {}


@lru_cache(maxsize=500_000)
def _term_weight(word: str, language: str) -> float:
    """Rarity weight of one (casefolded) word; words recur across articles, so cached."""
    frequency = _frequencies(language).get(word)
    zipf = math.log10(frequency) + 9.0 if frequency else 0.0
    return max(_COMMON_ZIPF - zipf, _MIN_TERM_WEIGHT)


_THREAD_STEMMERS = threading.local()  # PyStemmer objects are not documented as thread-safe: one per thread


def _stemmer(language: str) -> Stemmer.Stemmer | None:
    name = _STEMMERS.get(language)
    if name is None:
        return None
    stemmers = _THREAD_STEMMERS.__dict__.setdefault("by_name", {})
    if name not in stemmers:
        stemmers[name] = Stemmer.Stemmer(name)
    return stemmers[name]


@lru_cache(maxsize=500_000)
def _word_key(word: str, language: str | None) -> tuple[str, str, bool]:
    """(normalised stem, casefolded form for the word list, written in Han/kana) of one word; words recur, so cached.

    The stemmer reads the word as written (lower-cased): normalising first would turn ة into ه
    and keep the stemmer from removing it (الحكومة and حكومة would part). ``language`` None or
    without a stemmer: the normalised whole word.
    """
    stemmer = _stemmer(language) if language else None
    key = normalise(stemmer.stemWord(word.casefold()) if stemmer else word)
    return key, word.casefold(), bool(_HAN.search(word))


def term_vector(text: str, language: str | None, stemmed: bool = True) -> dict[str, float]:
    """The text's words weighted by √count × rarity, scaled to unit length.

    Words are keyed by their normalised stem when ``stemmed`` and the language has a Snowball
    stemmer, else by the normalised word.

    The square root damps repeats and keeps the cosine of two texts unchanged when both are
    repeated, so a full article and a short excerpt are on one scale.
    """
    language = language or "en"
    no_word_list = language in _NO_WORD_LIST
    counts: Counter[str] = Counter()
    casefolded: dict[str, str] = {}
    key_language = language if stemmed else None
    for word, count in Counter(_TERM.findall(text)).items():
        key, folded, han = _word_key(word, key_language)
        if han or no_word_list:
            for i in range(max(len(word) - 1, 1)):
                counts[word[i : i + 2]] += count
            continue
        counts[key] += count
        casefolded.setdefault(key, folded)
    weights = {
        key: math.sqrt(count) * (_term_weight(casefolded[key], language) if key in casefolded else _COMMON_ZIPF - 2.0)
        for key, count in counts.items()
    }
    norm = math.sqrt(sum(weight * weight for weight in weights.values()))
    return {key: weight / norm for key, weight in weights.items()} if norm else {}


def _sparse_cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b[key] for key, weight in a.items() if key in b)


def _weighted_mean(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return _unit((vectors * weights[:, None]).sum(axis=0)) if len(vectors) else np.zeros(vectors.shape[1], np.float32)


def _entity_ids(doc: Analysed) -> dict[str, frozenset[str]]:
    ids: dict[str, set[str]] = {"people": set(), "organisations": set(), "places": set(), "countries": set()}
    for mention in doc.analysis.entities:
        if mention.kind is EntityKind.PERSON:
            ids["people"].add(mention.id)
        elif mention.kind is EntityKind.ORGANISATION:
            ids["organisations"].add(mention.id)
        elif mention.id.startswith("country:"):
            ids["countries"].add(mention.id)
        else:
            ids["places"].add(mention.id)
    return {key: frozenset(value) for key, value in ids.items()}


def profile(doc: Analysed, statistics: FeatureStatistics) -> Profile:
    """The per-article part of the features (entity sets, style rates, lead, chunks, tone)."""
    text = doc.article.text if doc.article.paragraphs else (doc.article.title or "")
    vectors = doc.analysis.sentence_vectors
    words = max(len(_WORD.findall(text)), 1)
    # Fragments ("y hacienda.") say little: each sentence weighs its length.
    lengths = np.array([len(sentence.text) for sentence in doc.analysis.sentences], dtype=np.float32)
    characters = max(len(text), 1)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    chunks = (
        np.stack([_weighted_mean(vectors[i : i + CHUNK_SENTENCES], lengths[i : i + CHUNK_SENTENCES]) for i in range(0, len(vectors), CHUNK_SENTENCES)])
        if len(vectors)
        else np.zeros((0, dim), np.float32)
    )
    polarity = subjectivity = None
    if statistics.tone_axes is not None and len(vectors) and statistics.tone_axes.shape[1] == dim:
        polarity, subjectivity = (float(value) for value in (vectors @ statistics.tone_axes.T).mean(axis=0))
    numbers = frozenset(q.key for q in doc.analysis.quantities if q.unit)
    return Profile(
        entity_ids=_entity_ids(doc),
        dates=frozenset(d.value for d in doc.analysis.dates),
        years=frozenset(d.value[:4] for d in doc.analysis.dates if not d.value.startswith("--")),
        numbers=numbers,
        words=words,
        words_per_sentence=words / max(len(doc.analysis.sentences), 1),
        quote_rate=len(_QUOTE.findall(text)) / words * 100,
        question_rate=len(_QUESTION.findall(text)) / max(len(doc.analysis.sentences), 1),
        digit_rate=len(_DIGIT.findall(text)) / characters * 100,
        document_vector=_weighted_mean(vectors, lengths) if len(vectors) else np.zeros(dim, np.float32),
        terms=term_vector(" ".join(filter(None, (doc.article.title, text))), doc.analysis.language, statistics.stemmed_words),
        lead_vector=_weighted_mean(vectors[:LEAD_SENTENCES], lengths[:LEAD_SENTENCES]) if len(vectors) else np.zeros(dim, np.float32),
        chunk_vectors=chunks,
        polarity=polarity,
        subjectivity=subjectivity,
    )


def weighted_jaccard(a: frozenset[str], b: frozenset[str], statistics: FeatureStatistics) -> float | None:
    """Jaccard overlap where each id weighs its rarity: sharing "Sohag" says more than sharing "Egypt".

    None when neither side names anything: absence on both sides is no evidence either way.
    """
    if not a and not b:
        return None
    weight = statistics.rarity.get
    # fsum: exact in any order (set order follows the hash seed), so the same pair scores the same in every run.
    union = math.fsum(weight(key, statistics.rare_weight) for key in a | b)
    return math.fsum(weight(key, statistics.rare_weight) for key in a & b) / union if union else None


def _date_overlap(values_a: frozenset[str], values_b: frozenset[str]) -> float | None:
    if not values_a and not values_b:
        return None
    if not values_a or not values_b:
        return 0.0
    matched_a = sum(any(dates_compatible(x, y, weekdays=False) for y in values_b) for x in values_a)
    matched_b = sum(any(dates_compatible(y, x, weekdays=False) for x in values_a) for y in values_b)
    return (matched_a + matched_b) / (len(values_a) + len(values_b))


# Date values that can place an event: a day or a month (2023-06-03, 2023-06, --06-03, --06).
# Bare years are mostly background ("since 2004"), and weekdays or relative dates left
# unresolved (no publish date to anchor them) cannot be told apart: on WikiRef220, counting them
# made 20 % of same-event pairs "conflict" on date and place (34 % of different-event pairs);
# without them 5 % (17 %).
_EVENT_DATE = regex.compile(r"(?:\d{4}|-)-\d{2}(?:-\d{2})?")


def conflicts(pa: Profile, pb: Profile) -> tuple[bool, bool]:
    """(places, dates): both articles name places (cities, regions) and share none; both give
    dates naming a month or a day (resolved against the publish date where they were relative)
    and none agree."""
    places_a, places_b = pa.entity_ids["places"], pb.entity_ids["places"]
    places = bool(places_a and places_b and not places_a & places_b)
    dates_a = [value for value in pa.dates if _EVENT_DATE.fullmatch(value)]
    dates_b = [value for value in pb.dates if _EVENT_DATE.fullmatch(value)]
    dates = bool(dates_a and dates_b and not any(dates_compatible(x, y, weekdays=False) for x in dates_a for y in dates_b))
    return places, dates


def _plain_jaccard(a: frozenset[str], b: frozenset[str]) -> float | None:
    if not a and not b:
        return None
    return len(a & b) / len(a | b)


def _days_apart(a: Analysed, b: Analysed) -> float | None:
    try:
        return float(abs((date.fromisoformat(a.article.published) - date.fromisoformat(b.article.published)).days))
    except (TypeError, ValueError):
        return None


def _log_ratio(x: float, y: float) -> float:
    return abs(math.log(max(x, 1e-9) / max(y, 1e-9)))


def _gap(x: float | None, y: float | None) -> float | None:
    return None if x is None or y is None else abs(x - y)


def _best_mean(matrix: np.ndarray) -> float:
    if matrix.size == 0:
        return 0.0
    rows, columns = matrix.shape
    return float(matrix.max(axis=1).sum() / rows + matrix.max(axis=0).sum() / columns) / 2


def pair_features(
    a: Analysed, b: Analysed, matrix: np.ndarray, statistics: FeatureStatistics, profiles: tuple[Profile, Profile] | None = None
) -> dict[str, float | None]:
    """Features of one pair; ``matrix`` is the sentence similarity matrix (A rows, B columns).

    Pass ``profiles`` (from :func:`profile`) when the same article is in many pairs.
    """
    pa, pb = profiles or (profile(a, statistics), profile(b, statistics))
    cover_a, cover_b = coverage(matrix, statistics.aligned_similarity)
    chunks = pa.chunk_vectors @ pb.chunk_vectors.T if len(pa.chunk_vectors) and len(pb.chunk_vectors) else np.zeros((0, 0))
    all_a = frozenset().union(*pa.entity_ids.values())
    all_b = frozenset().union(*pb.entity_ids.values())
    same_agency = None
    if a.article.agency or b.article.agency:
        same_agency = 1.0 if a.article.agency == b.article.agency else 0.0
    return {
        "document_cosine": float(pa.document_vector @ pb.document_vector),
        "word_cosine": _sparse_cosine(pa.terms, pb.terms),
        "lead_cosine": float(pa.lead_vector @ pb.lead_vector),
        "chunk_best": _best_mean(chunks),
        "sentence_best_mean": _best_mean(matrix),
        "sentence_top": float(matrix.max()) if matrix.size else 0.0,
        "sentence_mean": float(matrix.sum()) / matrix.size if matrix.size else 0.0,
        "narrative_coverage": (cover_a + cover_b) / 2,
        "narrative_coverage_min": min(cover_a, cover_b),
        "people": weighted_jaccard(pa.entity_ids["people"], pb.entity_ids["people"], statistics),
        "organisations": weighted_jaccard(pa.entity_ids["organisations"], pb.entity_ids["organisations"], statistics),
        "places": weighted_jaccard(pa.entity_ids["places"], pb.entity_ids["places"], statistics),
        "countries": weighted_jaccard(pa.entity_ids["countries"], pb.entity_ids["countries"], statistics),
        "entities": weighted_jaccard(all_a, all_b, statistics),
        "dates": _date_overlap(pa.dates, pb.dates),
        "years": _plain_jaccard(pa.years, pb.years),
        "numbers": _plain_jaccard(pa.numbers, pb.numbers),
        "days_apart": _days_apart(a, b),
        "length_ratio": _log_ratio(pa.words, pb.words),
        "sentence_length_ratio": _log_ratio(pa.words_per_sentence, pb.words_per_sentence),
        "quote_gap": abs(pa.quote_rate - pb.quote_rate),
        "question_gap": abs(pa.question_rate - pb.question_rate),
        "digit_gap": abs(pa.digit_rate - pb.digit_rate),
        "same_agency": same_agency,
        "polarity_gap": _gap(pa.polarity, pb.polarity),
        "subjectivity_gap": _gap(pa.subjectivity, pb.subjectivity),
        "polarity_mean": None if pa.polarity is None or pb.polarity is None else (pa.polarity + pb.polarity) / 2,
        "same_language": 1.0 if a.analysis.language == b.analysis.language else 0.0,
        "pair_cosine": pair_cosine(a, b),
    }


def pair_cosine(a: Analysed, b: Analysed) -> float | None:
    """Cosine of the two articles' pair vectors (the encoder fine-tuned on same-event ratings), when both have one."""
    va, vb = a.analysis.pair_vector, b.analysis.pair_vector
    if va is None or vb is None or va.shape != vb.shape:
        return None
    return float(va @ vb)

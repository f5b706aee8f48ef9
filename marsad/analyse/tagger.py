"""A learned entity tagger: a linear-chain CRF over word features, decoded with numpy.

Trained by ``scripts/train_entity_tagger.py`` (python-crfsuite, L-BFGS with L1 and L2) on the
train parts of the gold sets in ``../shared/data/ner/`` and shipped as one small file,
``analyse/data/entity_tagger.npz`` (see ``analyse/data/ENTITY_TAGGER.md``: data, licences,
rebuild command, seed, scores). Running it needs only numpy: crfsuite is for training.

Features of a token (the same code builds them for training and tagging):

* the word itself (normalised), its prefixes and suffixes, the letter trigrams inside it, its
  shape ("Xx", "XX.", "dd");
* Arabic: the word without its clitic prefixes (و ف ب ل ك, ال) and which prefix it had;
* the gazetteer: whether the word (or its clitic-free form) is a known country, city,
  organisation, person, demonym, title word or given name, or starts a longer known name;
* its frequency in running text (wordfreq Zipf, rounded): names are rare words;
* the same for the two words either side (fewer features), the sentence start;
* what the rule-based finder (:mod:`marsad.analyse.entities`) says of the token and its
  neighbours: the rules are features the model learns how far to trust;
* optional, per language, where the model file asks for them (``GROUPS``, word clusters): the
  packaged model asks for none.

Every feature but the last two depends on one word at one offset, so tagging sums cached
weight rows per ``(word, offset)``: a word seen once in the article costs a dict lookup later.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from io import BytesIO
from itertools import pairwise

import numpy as np
import regex

from marsad.analyse.gazetteer import Gazetteer, fold_hamza, word_zipf
from marsad.analyse.normalise import normalise
from marsad.analyse.word_clusters import WordClusters

MODEL_FILE = "entity_tagger.npz"
FORMAT_VERSION = 1
# Words either side whose features a token sees, and which of their features.
CONTEXT = {
    -2: ("w", "gz", "ti", "cap", "st", "oc"),
    -1: ("w", "sh", "gz", "ti", "gn", "zf", "cap", "s3", "cl", "st", "wc", "oc"),
    1: ("w", "sh", "gz", "ti", "gn", "zf", "cap", "s3", "st", "wc", "oc"),
    2: ("w", "gz", "ti", "cap", "st", "oc"),
}
# Feature groups a language's model may switch on (the file's ``<language>_groups``): "oc", the rules' organisation
# head words and cues ("وزارة", "حزب", "Bank", "Inc", "newspaper") as a feature of the word and its
# neighbours; "cj", a word joined with how rare its neighbour is (``Features.pair``). Clusters
# ("wc", :mod:`marsad.analyse.word_clusters`) are on where the file holds ``<language>_clusters_<k>``
# centroid tables. The packaged model uses none of them (bench/ENTITIES.md: they did not help).
GROUPS = ("oc", "cj")
_CLITIC_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
# An abbreviation ("U.S.", "Dr."), a word, a possessive "'s", or one other character; "Biden's"
# is split before "'s" (as the gold sets write it).
TOKEN = regex.compile(
    r"(?:\p{L}\.){2,}|(?i:(?:mrs?|ms|drs?|prof|gen|col|lt|sgt|capt|maj|adm|gov|sen|rep|st|jr|sr|inc|ltd|co|corp|mt|ft|vs|no)\.)(?=\s)"
    r"|[\p{L}\p{M}\p{N}]+(?:[-&.'’][\p{L}\p{M}\p{N}]+)*|['’][sS](?!\p{L})|\S"
)
_POSSESSIVE = regex.compile(r"(?<=\p{L})['’][sS]$")
_CACHE_LIMIT = 200_000


@lru_cache(maxsize=1024)
def tokenize(text: str) -> tuple[tuple[int, int], ...]:
    """Token spans of ``text``: words, abbreviations, punctuation; a possessive "'s" on its own."""
    spans = []
    for match in TOKEN.finditer(text):
        start, end = match.span()
        possessive = _POSSESSIVE.search(match.group(0))
        if possessive and possessive.start() > 0:
            spans.append((start, start + possessive.start()))
            spans.append((start + possessive.start(), end))
        else:
            spans.append((start, end))
    return tuple(spans)


def _shape(word: str) -> str:
    out = []
    for ch in word:
        kind = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else "a" if "\u0600" <= ch <= "\u06ff" else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)[:6]


class Features:
    """Feature strings of words, for one language, read from one gazetteer."""

    def __init__(self, gazetteer: Gazetteer, language: str, clusters: WordClusters | None = None, groups: tuple[str, ...] = ()):
        self.gazetteer = gazetteer
        self.language = language
        self.clusters = clusters
        self.groups = frozenset(groups)
        self._word = lru_cache(maxsize=_CACHE_LIMIT)(self._word_features)
        self._at = lru_cache(maxsize=_CACHE_LIMIT)(self._features_at)
        self._pair = lru_cache(maxsize=_CACHE_LIMIT)(self._pair_features)

    def _word_features(self, word: str) -> dict[str, tuple[str, ...]]:
        from marsad.analyse.entities import (  # the rules' clitic and ending stripping, organisation words
            _ORG_CUES,
            _ORG_HEADS_AR,
            _ORG_WORDS,
            _variants,
        )

        if word in ("<s>", "</s>"):
            return {"w": (word,)}
        norm = normalise(word).strip() or word
        arabic = "\u0600" <= norm[0] <= "\u06ff"
        features: dict[str, tuple[str, ...]] = {"w": (norm,), "sh": (_shape(word),)}
        features["p"] = tuple(f"{n}{norm[:n]}" for n in (1, 2, 3) if len(norm) > n)
        features["s"] = tuple(f"{n}{norm[-n:]}" for n in (1, 2, 3, 4) if len(norm) > n)
        features["s3"] = (norm[-3:],) if len(norm) > 3 else ()
        features["len"] = (str(min(len(norm), 8)),)
        # Letter trigrams inside the word: transliterated names share them ("رامسفيلد", "ديمورا").
        core = norm.lower()
        features["c3"] = tuple(sorted({core[k : k + 3] for k in range(1, len(core) - 3)})) if len(core) > 4 else ()
        if arabic:
            stem, clitic = norm, ""
            for prefix in _CLITIC_PREFIXES:
                if norm.startswith(prefix) and len(norm) - len(prefix) >= 2:
                    stem, clitic = norm[len(prefix):], prefix
                    break
            features["cl"] = (clitic or "-",)
            features["st"] = (stem,)
            features["sp"] = tuple(f"{n}{stem[:n]}" for n in (2, 3) if len(stem) > n)
            features["ss"] = tuple(f"{n}{stem[-n:]}" for n in (1, 2, 3) if len(stem) > n)
            zipf = max(word_zipf(word, "ar"), word_zipf(stem, "ar"), word_zipf("ال" + stem, "ar") if clitic.endswith("ال") or clitic == "لل" else 0.0)
        else:
            features["cap"] = ("U" if word.isupper() and len(word) > 1 else "C" if word[:1].isupper() else "l" if word[:1].islower() else "o",)
            zipf = word_zipf(word, self.language)
            features["zl"] = (str(round(word_zipf(word.lower(), self.language))),) if word[:1].isupper() else ()
        features["zf"] = (str(round(zipf)) if zipf else "0",)
        if self.clusters is not None:
            # The word's cluster (Arabic: of its clitic-free stem): words seen once share weights with their cluster.
            features["wc"] = self.clusters.clusters(stem if arabic else word)
        gazetteer = self.gazetteer
        forms = _variants(norm)[:4]
        hits = []
        for form in forms:
            entry = gazetteer.lookup(form)
            if entry is not None:
                hits.append("ADJ" if entry.adjective else entry.kind.value + (":minor" if entry.minor else ""))
                break
        if any(form in gazetteer.first_words for form in forms):
            hits.append("first")
        features["gz"] = tuple(hits)
        features["ti"] = ("t",) if any(form.rstrip(".") in gazetteer.titles for form in forms) else ()
        if "oc" in self.groups:
            lowered = [form.lower().rstrip(".") for form in forms]
            features["oc"] = ("h",) if any(form in _ORG_HEADS_AR or form in _ORG_WORDS for form in lowered) else ("c",) if any(form in _ORG_CUES for form in lowered) else ()
        folded = fold_hamza(word)
        features["gn"] = ("g",) if folded in gazetteer.given_names or (arabic and folded[:1] in "وفبل" and folded[1:] in gazetteer.given_names) else ()
        return features

    def _features_at(self, word: str, offset: int) -> tuple[str, ...]:
        features = self._word(word)
        if offset == 0:
            return tuple(f"{key}={value}" for key, values in features.items() for value in values)
        keys = CONTEXT[offset]
        return tuple(f"{offset}{key}={value}" for key in keys for value in features.get(key, ()))

    def at(self, word: str, offset: int) -> tuple[str, ...]:
        return self._at(word, offset)

    def sequence(self, words: list[str], rule_tags: list[str]) -> list[list[str]]:
        """Every token's features (training; tagging sums the same features' weights)."""
        padded = ["<s>", "<s>", *words, "</s>", "</s>"]
        out = []
        for i in range(len(words)):
            features = ["bias"]
            for offset in (-2, -1, 0, 1, 2):
                features.extend(self.at(padded[i + 2 + offset], offset))
            features.extend(self.pair(padded[i + 1], padded[i + 2])[0])
            features.extend(self.pair(padded[i + 2], padded[i + 3])[1])
            features.extend(extra_features(words, rule_tags, i))
            out.append(features)
        return out

    def pair(self, left: str, right: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Features of two adjacent words: what they add to the right word, and to the left word."""
        return self._pair(left, right)

    def _pair_features(self, left: str, right: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        joined = f"{left.lower()}|{right.lower()}"
        to_right, to_left = [f"b-1={joined}"], [f"b1={joined}"]
        if "cj" in self.groups:
            # A word with how rare (and, in Latin script, how capitalised) its neighbour is: "قال" + a rare word, "Mr" + "Xx".
            def rarity(word: str) -> str:
                features = self._word(word)
                return features.get("zf", ("-",))[0] + (features.get("cap") or ("",))[0]

            to_right.append(f"j-1={left.lower()}|{rarity(right)}")
            to_left.append(f"j1={rarity(left)}|{right.lower()}")
        return tuple(to_right), tuple(to_left)


def extra_features(words: list[str], rule_tags: list[str], i: int) -> list[str]:
    """Features of a token that depend on the rules' tags near it (word pairs: :meth:`Features.pair`)."""
    out = [f"r0={rule_tags[i]}"]
    out.append(f"r-1={rule_tags[i - 1]}" if i > 0 else "r-1=<s>")
    out.append(f"r1={rule_tags[i + 1]}" if i + 1 < len(rule_tags) else "r1=</s>")
    out.append(f"r0|r-1={rule_tags[i]}|{rule_tags[i - 1] if i > 0 else '<s>'}")
    if i == 0:
        out.append("first")
    return out


@dataclass
class _LanguageModel:
    labels: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray  # (features, labels)
    transitions: np.ndarray  # (labels, labels): from row to column


class EntityTagger:
    """Tags tokens with B-/I- PER, LOC, ORG, MISC or O, for the languages the model file holds.

    Args:
        gazetteer: the gazetteer the features read (the one the model was trained with).
        data: the model file's bytes; the packaged ``analyse/data/entity_tagger.npz`` by default.
    """

    def __init__(self, gazetteer: Gazetteer, data: bytes | None = None):
        if data is None:
            data = resources.files("marsad.analyse").joinpath("data", MODEL_FILE).read_bytes()
        archive = np.load(BytesIO(data), allow_pickle=False)
        if int(archive["format_version"]) != FORMAT_VERSION:
            raise ValueError(f"{MODEL_FILE}: format {int(archive['format_version'])}, expected {FORMAT_VERSION} (rebuild with scripts/train_entity_tagger.py)")
        self.version = str(archive["version"])
        self.models: dict[str, _LanguageModel] = {}
        for language in [str(x) for x in archive["languages"]]:
            names = archive[f"{language}_features"].tobytes().decode("utf-8").split("\n")
            self.models[language] = _LanguageModel(
                labels=tuple(str(x) for x in archive[f"{language}_labels"]),
                index={name: row for row, name in enumerate(names)},
                # One zero row at the end, for sums over no feature.
                weights=np.vstack([archive[f"{language}_weights"].astype(np.float32), np.zeros((1, len(archive[f"{language}_labels"])), np.float32)]),
                transitions=archive[f"{language}_transitions"].astype(np.float32),
            )
        self.features = {}
        for language in self.models:
            # A language's own feature groups and word-cluster tables, where its model was trained with them.
            tables = [archive[name] for name in sorted(archive.files, key=_table_order) if name.startswith(f"{language}_clusters_")]
            groups = tuple(str(x) for x in archive[f"{language}_groups"]) if f"{language}_groups" in archive.files else ()
            self.features[language] = Features(gazetteer, language, WordClusters(tables) if tables else None, groups)
        # Weight sums, per language, in growing tables indexed by id: a word's rows at offsets
        # -2..2, a lowercased word pair's, the rules' tags around a token. Tagging gathers rows by id.
        self._tables = {language: {kind: _Table(shape, len(self.models[language].labels)) for kind, shape in (("word", 5), ("pair", 2), ("rule", 1))} for language in self.models}

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.models)

    def _sum(self, model: _LanguageModel, features) -> np.ndarray:
        rows = [row for row in map(model.index.get, features) if row is not None]
        return model.weights[rows].sum(axis=0) if rows else np.zeros(len(model.labels), np.float32)

    def _word_rows(self, model: _LanguageModel, features: Features, word: str) -> np.ndarray:
        """(5, labels): what ``word`` adds to a token when it stands 2 before it (row 0) … 2 after it (row 4)."""
        index, zero = model.index, len(model.weights) - 1  # every segment ends with the zero row: none is empty
        ids, starts = [], []
        for offset in (-2, -1, 0, 1, 2):
            starts.append(len(ids))
            ids.extend(row for row in map(index.get, features.at(word, offset)) if row is not None)
            ids.append(zero)
        return np.add.reduceat(model.weights[ids], starts, axis=0)

    def _pair_rows(self, model: _LanguageModel, features: Features, pair: tuple[str, str]) -> np.ndarray:
        """(2, labels): what a pair of adjacent words adds to its right word (row 0) and its left word (row 1)."""
        to_right, to_left = features.pair(*pair)
        return np.stack([self._sum(model, to_right), self._sum(model, to_left)])

    def _rule_rows(self, model: _LanguageModel, key: tuple[str, str, str]) -> np.ndarray:
        before, tag, after = key
        return self._sum(model, (f"r0={tag}", f"r-1={before}", f"r1={after}", f"r0|r-1={tag}|{before}"))[None, :]

    def tag(self, words: list[str], rule_tags: list[str], language: str) -> list[str]:
        """The best label sequence for one sentence's ``words`` (Viterbi); features as :meth:`Features.sequence` builds them."""
        return self.tag_many([(words, rule_tags)], language)[0]

    def tag_many(self, sentences: list[tuple[list[str], list[str]]], language: str) -> list[list[str]]:
        """:meth:`tag` for several sentences (``(words, rule_tags)`` pairs), decoded together."""
        model = self.models[language]
        emissions = [self.emissions(words, rule_tags, language) for words, rule_tags in sentences if words]
        paths = iter(viterbi_many(emissions, model.transitions))
        return [[model.labels[k] for k in next(paths)] if words else [] for words, _ in sentences]

    def emissions(self, words: list[str], rule_tags: list[str], language: str) -> np.ndarray:
        model, features, tables = self.models[language], self.features[language], self._tables[language]
        n = len(words)
        stack = tables["word"].rows(("<s>", "<s>", *words, "</s>", "</s>"), lambda word: self._word_rows(model, features, word))
        # Token i sees the word at i + k (padded position i + 2 + k) through that word's row k + 2.
        emissions = stack[0:n, 0] + stack[1 : n + 1, 1] + stack[2 : n + 2, 2] + stack[3 : n + 3, 3] + stack[4 : n + 4, 4]
        if "bias" in model.index:
            emissions += model.weights[model.index["bias"]]
        # Plain pair features see lowercased words only: one cached row for "The Hague" and "the hague".
        padded = ["<s>", *(words if "cj" in features.groups else (word.lower() for word in words)), "</s>"]
        pairs = tables["pair"].rows(list(pairwise(padded)), lambda pair: self._pair_rows(model, features, pair))
        emissions += pairs[0:n, 0] + pairs[1 : n + 1, 1]
        padded_tags = ["<s>", *rule_tags, "</s>"]
        emissions += tables["rule"].rows(list(zip(padded_tags, padded_tags[1:], padded_tags[2:])), lambda key: self._rule_rows(model, key))[:, 0]
        if "first" in model.index:
            emissions[0] += model.weights[model.index["first"]]
        return emissions


def _table_order(name: str) -> tuple[int, str]:
    """``ar_clusters_10`` after ``ar_clusters_9``."""
    head, _, number = name.rpartition("_")
    return (int(number), head) if number.isdigit() else (-1, name)


class _Table:
    """Rows of weight sums by key, in one array that grows: looking up n keys is one gather."""

    def __init__(self, height: int, labels: int, capacity: int = 4096):
        self.ids: dict = {}
        self.array = np.zeros((capacity, height, labels), np.float32)

    def rows(self, keys, compute) -> np.ndarray:
        ids = self.ids
        if len(ids) + len(keys) > _CACHE_LIMIT:
            ids.clear()  # a bounded cache: start again rather than grow without end
        found = []
        for key in keys:
            row = ids.get(key)
            if row is None:
                row = len(ids)
                if row >= len(self.array):
                    self.array = np.concatenate([self.array, np.zeros_like(self.array)])
                self.array[row] = compute(key)
                ids[key] = row
            found.append(row)
        return self.array[found]


def viterbi(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    """The highest-scoring path through ``emissions`` (n × labels) with ``transitions`` (labels × labels)."""
    score = emissions[0].copy()
    back = []
    columns = np.arange(emissions.shape[1])
    for i in range(1, len(emissions)):
        candidates = score[:, None] + transitions
        best = candidates.argmax(axis=0)
        back.append(best)
        score = candidates[best, columns] + emissions[i]
    path = [int(score.argmax())]
    for best in reversed(back):
        path.append(int(best[path[-1]]))
    return path[::-1]


def viterbi_many(emissions: list[np.ndarray], transitions: np.ndarray) -> list[list[int]]:
    """:func:`viterbi` of several sequences at once: one step per position of the longest, all
    sequences in one array (a sequence that has ended keeps its score)."""
    if not emissions:
        return []
    count, size = len(emissions), transitions.shape[0]
    lengths = np.array([len(e) for e in emissions])
    longest = int(lengths.max())
    padded = np.zeros((count, longest, size), np.float32)
    for k, e in enumerate(emissions):
        padded[k, : len(e)] = e
    score = padded[:, 0].copy()
    back = np.zeros((count, longest, size), np.intp)
    for i in range(1, longest):
        candidates = score[:, :, None] + transitions  # (count, from, to)
        best = candidates.argmax(axis=1)
        moved = np.take_along_axis(candidates, best[:, None, :], axis=1)[:, 0] + padded[:, i]
        live = lengths > i
        score = np.where(live[:, None], moved, score)
        back[:, i] = best
    # Back from each sequence's own last position, all sequences together.
    out = np.zeros((count, longest), np.intp)
    final = score.argmax(axis=1)
    current = np.zeros(count, np.intp)
    rows = np.arange(count)
    for i in range(longest - 1, -1, -1):
        current = np.where(lengths - 1 == i, final, np.where(lengths - 1 > i, back[rows, min(i + 1, longest - 1), current], current))
        out[:, i] = current
    return [out[k, :length].tolist() for k, length in enumerate(lengths)]


def spans_of(labels: list[str]) -> list[tuple[int, int, str]]:
    """``(first, last, type)`` token ranges of BIO ``labels``; an I- after another type starts a new one."""
    out, i = [], 0
    while i < len(labels):
        label = labels[i]
        if label == "O":
            i += 1
            continue
        kind, j = label[2:], i + 1
        while j < len(labels) and labels[j] == f"I-{kind}":
            j += 1
        out.append((i, j - 1, kind))
        i = j
    return out


def marginals_many(emissions: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Each label's probability at each position (forward-backward), for several sequences at once
    as :func:`viterbi_many` decodes them: a list of (n, labels) arrays whose rows sum to 1.

    In probability space with each step rescaled to sum 1 (matrix products, no log-sum-exp): an
    emission row's maximum and the transitions' maximum are subtracted first, constants that cancel."""
    if not emissions:
        return []
    count, size = len(emissions), transitions.shape[0]
    lengths = np.array([len(e) for e in emissions])
    longest = int(lengths.max())
    local = np.ones((count, longest, size))  # exp(emissions), 1 past each sequence's end
    for k, e in enumerate(emissions):
        local[k, : len(e)] = np.exp(e - e.max(axis=1, keepdims=True))
    steps = np.exp(transitions - transitions.max()).astype(np.float64)
    forward = np.empty_like(local)
    alpha = local[:, 0] / local[:, 0].sum(axis=1, keepdims=True)
    forward[:, 0] = alpha
    for i in range(1, longest):
        alpha = (alpha @ steps) * local[:, i]
        alpha /= alpha.sum(axis=1, keepdims=True)
        forward[:, i] = alpha
    backward = np.ones_like(local)  # 1 at each sequence's last position and past it
    for i in range(longest - 2, -1, -1):
        beta = (local[:, i + 1] * backward[:, i + 1]) @ steps.T
        beta /= beta.sum(axis=1, keepdims=True)
        backward[:, i] = np.where((lengths - 1 > i)[:, None], beta, 1.0)
    out = []
    for k, length in enumerate(lengths):
        joint = forward[k, :length] * backward[k, :length]
        out.append(joint / joint.sum(axis=1, keepdims=True))
    return out

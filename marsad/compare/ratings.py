"""Human similarity ratings of article pairs (SemEval-2022 Task 8) and the folds to cross-validate on.

The training script and the pair benchmark read the same rows the same way: here. A row names
its two articles by the halves of its ``pair_id``; augmented rows (machine-translated copies,
ids such as ``1484039360it_1484180228it``) name the article they were translated from plus a
language suffix, so a translated copy falls in the same fold as its original.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass

import regex

from marsad.models import Dimension

# The CSV columns of the seven scores, in the task's capitalisation.
SCORE_COLUMNS = {dimension: dimension.value.capitalize() for dimension in Dimension}

_PAIR_ID = regex.compile(r"^(\d+)([a-z]{2})?_(\d+)([a-z]{2})?$")


@dataclass(frozen=True)
class Rating:
    """One rated pair: two texts with their languages and the raters' mean scores (1–4)."""

    pair_id: str
    language_a: str
    language_b: str
    text_a: str
    text_b: str
    scores: dict[Dimension, float]
    augmented: bool  # a translated or otherwise derived copy: for training only, never for evaluation

    @property
    def article_ids(self) -> tuple[str, str]:
        """The original articles' ids (a translated copy keeps its original's id)."""
        match = _PAIR_ID.match(self.pair_id)
        if match is None:
            return (self.pair_id + "/a", self.pair_id + "/b")
        return match.group(1), match.group(3)


def read_ratings(paths: list[str]) -> list[Rating]:
    """Rows of the hfl CSV layout (pair_id, lang1, lang2, text1, text2, Geography … Tone), sorted by pair id.

    A pair rated in several files is kept once (the first file wins): the same pair twice would
    sit in one fold anyway, but would count twice in the figures.
    """
    csv.field_size_limit(sys.maxsize)
    seen: dict[str, Rating] = {}
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                pair_id = row["pair_id"].strip()
                if pair_id in seen:
                    continue
                match = _PAIR_ID.match(pair_id)
                seen[pair_id] = Rating(
                    pair_id=pair_id,
                    language_a=row["lang1"].strip(),
                    language_b=row["lang2"].strip(),
                    text_a=row["text1"].strip(),
                    text_b=row["text2"].strip(),
                    scores={dimension: float(row[column]) for dimension, column in SCORE_COLUMNS.items()},
                    augmented=match is None or bool(match.group(2) or match.group(4)),
                )
    return [seen[key] for key in sorted(seen)]


def article_groups(ratings: list[Rating]) -> list[int]:
    """For each rating, the connected component of the article graph it belongs to.

    Splitting folds by component guarantees that no article is on both sides of a split
    (an article rated against two others pulls both pairs into one group).
    """
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for rating in ratings:
        a, b = rating.article_ids
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    roots = sorted({find(rating.article_ids[0]) for rating in ratings})
    number = {root: index for index, root in enumerate(roots)}
    return [number[find(rating.article_ids[0])] for rating in ratings]


def folds(ratings: list[Rating], k: int = 5) -> list[int]:
    """A fold number (0…k-1) per rating: whole components, dealt largest first to the emptiest fold.

    Deterministic (no shuffling needed): components are ordered by size, then by their first pair id.
    """
    groups = article_groups(ratings)
    members: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    order = sorted(members.values(), key=lambda rows: (-len(rows), ratings[rows[0]].pair_id))
    sizes = [0] * k
    fold_of = [0] * len(ratings)
    for rows in order:
        # Balance the evaluable (non-augmented) pairs across folds; augmented rows ride along.
        target = min(range(k), key=lambda f: (sizes[f], f))
        for row in rows:
            fold_of[row] = target
        sizes[target] += sum(not ratings[row].augmented for row in rows)
    return fold_of


TEST_SHARE = 0.2


def frozen_test(ratings: list[Rating], share: float = TEST_SHARE) -> list[bool]:
    """Which ratings belong to the frozen test split: about ``share`` of every language pair's rated pairs.

    Whole components of the article graph go to the test side (no article on both sides, a
    translated copy with its original), in an order fixed by a hash of each component's first
    article id, never by scores or by any system's output: a component is taken while its
    language pairs are short of their quota. Augmented rows ride with their component and are
    never scored. Nothing may be tuned on these rows; they are reported apart from cross-validation.
    """
    import hashlib

    groups = article_groups(ratings)
    members: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)

    def key(rows: list[int]) -> str:
        first = min(article for row in rows for article in ratings[row].article_ids)
        return hashlib.sha256(first.encode()).hexdigest()

    def language_pair(rating: Rating) -> tuple[str, str]:
        return (rating.language_a, rating.language_b)

    totals: dict[tuple[str, str], int] = {}
    for rating in ratings:
        if not rating.augmented:
            totals[language_pair(rating)] = totals.get(language_pair(rating), 0) + 1
    quota = {pair: max(1, round(share * count)) for pair, count in totals.items()}
    taken = dict.fromkeys(totals, 0)
    test = [False] * len(ratings)
    for rows in sorted(members.values(), key=key):
        scored = [language_pair(ratings[row]) for row in rows if not ratings[row].augmented]
        if scored and all(taken[pair] < quota[pair] for pair in scored):
            for row in rows:
                test[row] = True
            for pair in scored:
                taken[pair] += 1
    return test


def roles(ratings: list[Rating], held_out: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """What each rating is for: ``"test"`` (the frozen split), ``"held_out"`` (shares an article
    with ``held_out``, the repository's test pairs), ``"dev"`` (fold 0 of the five over the rest:
    picks the pair encoder's epoch, fits the judge's blend) or ``"train"``.

    ``scripts/train_pair_encoder.py``, ``scripts/train_judge.py`` and ``bench/pairs.py`` all split this way.
    """
    test = frozen_test(ratings)
    role = ["test" if flag else "held_out" if held_out.intersection(r.article_ids) else "" for r, flag in zip(ratings, test)]
    rest = [i for i, value in enumerate(role) if not value]
    for index, fold in zip(rest, folds([ratings[i] for i in rest])):
        role[index] = "dev" if fold == 0 else "train"
    return role

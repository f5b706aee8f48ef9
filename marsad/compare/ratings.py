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

"""Near-duplicate groups of a whole corpus, in one machine's memory: the local reference of the Spark job.

Two articles are near-duplicates when they share an LSH band key (:class:`~marsad.cluster.copies.CopyFinder`)
and their MinHash signatures estimate a Jaccard of at least ``CopySettings.near_duplicate``;
groups are the connected components of those pairs (a copy of a copy is in its original's group
even when the two no longer match). Each group is named by its earliest article (lowest input
position). Articles with the same id (the same page read twice) count once, at their first position.

This is a batch view over a finished corpus. The story clusterer marks copies as they arrive
instead (each against the best match already stored, through a bounded look-up), so on a stream
its ``copy_of`` can differ from these groups where matches chain or many copies share a band.

Example:
    >>> groups = near_duplicate_groups([(0, article_a), (1, article_b)])   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from marsad.cluster.copies import CopyFinder, CopySettings
from marsad.models import Article


@dataclass(frozen=True)
class DuplicatePair:
    a: str  # the lower article id of the two
    b: str
    similarity: float
    kind: str  # "wire" or "near-duplicate"


@dataclass(frozen=True)
class DuplicateGroups:
    """``group`` maps each article in a group of two or more to its group's earliest article id."""

    group: dict[str, str]
    pairs: list[DuplicatePair]


def near_duplicate_groups(articles: Iterable[tuple[int, Article]], settings: CopySettings | None = None) -> DuplicateGroups:
    """The near-duplicate pairs and groups of ``(position, article)`` items.

    Args:
        articles: each article with its position in the input (the group's name is its earliest member).
        settings: what makes a copy (shingles, bands, thresholds).
    """
    finder = CopyFinder(settings)
    first: dict[str, int] = {}
    signatures = {}
    buckets: dict[int, list[str]] = {}
    for position, article in articles:
        if article.id in first:
            continue
        first[article.id] = position
        fingerprint = finder.fingerprint(article.text)
        if fingerprint.signature is None:
            continue
        signatures[article.id] = fingerprint.signature
        for key in fingerprint.bands:
            buckets.setdefault(key, []).append(article.id)
    candidates = {(min(x, y), max(x, y)) for members in buckets.values() for x in members for y in members if x != y}
    pairs = []
    for a, b in sorted(candidates):
        similarity = finder.similarity(signatures[a], signatures[b])
        kind = finder.kind(similarity)
        if kind:
            pairs.append(DuplicatePair(a, b, similarity, kind))
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for pair in pairs:
        ra, rb = root(pair.a), root(pair.b)
        if ra != rb:
            # The earlier article is the root, so a group is named by its earliest member.
            early, late = (ra, rb) if first[ra] <= first[rb] else (rb, ra)
            parent[late] = early
    members = {x for pair in pairs for x in (pair.a, pair.b)}
    return DuplicateGroups({x: root(x) for x in sorted(members)}, pairs)

"""How far two story assignments agree, over every pair of articles both assign.

For n articles there are n(n-1)/2 pairs; each is "together" or "apart" in each assignment.
Counted from the contingency table (articles per (story in A, story in B)), so it costs O(n),
not O(n²):

* ``agreement``: share of pairs both call the same (together in both, or apart in both; the Rand index);
* ``together_kept``: of the pairs A puts together, the share B also does (and ``together_kept_back``
  the other direction): the agreement that matters, since most pairs are apart in both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairAgreement:
    articles: int
    pairs: int
    together_a: int
    together_b: int
    together_both: int

    @property
    def agreement(self) -> float:
        disagree = (self.together_a - self.together_both) + (self.together_b - self.together_both)
        return 1.0 - disagree / self.pairs if self.pairs else 1.0

    @property
    def together_kept(self) -> float:
        return self.together_both / self.together_a if self.together_a else 1.0

    @property
    def together_kept_back(self) -> float:
        return self.together_both / self.together_b if self.together_b else 1.0

    def as_dict(self) -> dict:
        return {"articles": self.articles, "pairs": self.pairs, "agreement": round(self.agreement, 6),
                "together_a": self.together_a, "together_b": self.together_b, "together_both": self.together_both,
                "together_kept_a_to_b": round(self.together_kept, 4), "together_kept_b_to_a": round(self.together_kept_back, 4)}


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def pair_agreement(a: Mapping[str, str], b: Mapping[str, str]) -> PairAgreement:
    """Pairwise agreement of two article → story maps over the articles both have."""
    common = sorted(set(a) & set(b))
    cells = Counter((a[x], b[x]) for x in common)
    together_a = sum(_pairs(n) for n in Counter(a[x] for x in common).values())
    together_b = sum(_pairs(n) for n in Counter(b[x] for x in common).values())
    return PairAgreement(len(common), _pairs(len(common)), together_a, together_b, sum(_pairs(n) for n in cells.values()))

"""The pure parts of the Spark job: time blocks and the pairwise agreement measure (no Spark needed)."""

from __future__ import annotations

import pytest

from marsad.errors import ConfigError
from marsad.spark.agreement import pair_agreement
from marsad.spark.stories import UNDATED, Blocks


def test_blocks_put_the_last_overlap_days_in_the_next_blocks_lead_in():
    blocks = Blocks(days=7, overlap=2)
    # 1970-01-01 is day 0: days 0-6 are block 0, and days 5-6 also lead block 1 in.
    assert blocks.of("1970-01-01") == [(0, True)]
    assert blocks.of("1970-01-06") == [(0, True), (1, False)]
    assert blocks.of("1970-01-07T10:00:00") == [(0, True), (1, False)]
    assert blocks.of("1970-01-08") == [(1, True)]
    assert blocks.of(None) == [(UNDATED, True)]
    assert blocks.of("not a date") == [(UNDATED, True)]
    with pytest.raises(ConfigError):
        Blocks(days=3, overlap=3)


def test_pair_agreement_counts_pairs_both_ways():
    a = {"1": "x", "2": "x", "3": "x", "4": "y"}
    b = {"1": "p", "2": "p", "3": "q", "4": "q", "5": "r"}
    result = pair_agreement(a, b)
    # Pairs of 1-4: a together {12,13,23}; b together {12,34}; both {12}. Disagree: 13, 23, 34.
    assert (result.articles, result.pairs, result.together_a, result.together_b, result.together_both) == (4, 6, 3, 2, 1)
    assert result.agreement == pytest.approx(0.5)
    assert result.together_kept == pytest.approx(1 / 3) and result.together_kept_back == pytest.approx(0.5)
    assert pair_agreement(a, a).agreement == 1.0

"""The hand-annotated evaluation set of bench/analysis_eval.py is well formed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

EVAL_SET = Path(__file__).parents[3] / "bench" / "data" / "analysis" / "analysis_eval.jsonl"


def test_spans_match_their_text_and_the_set_has_its_size():
    records = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines()]
    for record in records:
        for key in ("entities", "dates", "quantities", "ignore"):
            for item in record[key]:
                assert record["text"][item["start"] : item["end"]] == item["text"], (record["id"], item)
        assert record["split"] in ("dev", "test")
    languages = Counter(record["language"] for record in records)
    assert len(records) >= 30 and languages["ar"] >= 12 and languages["en"] >= 8
    assert sum(count >= 5 for language, count in languages.items() if language not in ("ar", "en")) >= 2

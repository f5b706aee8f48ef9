"""JSON Lines input of `marsad entities` and `marsad score-pairs`: a bad line is one error, the rest is read."""

from marsad.cli._jsonl import json_records
from marsad.errors import MalformedInput


def test_bad_and_deeply_nested_lines_are_named_and_the_good_ones_read(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "one"}\n\nnot json\n' + "[" * 100_000 + "]" * 100_000 + '\n{"text": "two"}\n', encoding="utf-8")
    items = list(json_records(path))
    assert [item[1:] for item in items if not isinstance(item, MalformedInput)] == [(1, {"text": "one"}), (5, {"text": "two"})]
    errors = [item for item in items if isinstance(item, MalformedInput)]
    assert [error.source for error in errors] == [f"{path}:3", f"{path}:4"]
    assert "nested too deeply" in str(errors[1])

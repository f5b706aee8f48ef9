"""Hostile records: one bad record is one named error, and every good record of the batch is kept."""

from __future__ import annotations

import json

import pytest

from marsad.errors import BinaryInput, InputError, MalformedInput, UndecodableInput
from marsad.store import open_store


def _good(number: int) -> str:
    return json.dumps({"title": f"Report {number} on the talks", "text": f"Record {number}: the ministers met for six hours and agreed to meet again next month in the capital."})


def test_jsonl_with_a_lone_surrogate_a_100k_deep_line_and_nul_keeps_every_good_record(engine, tmp_path):
    lines = [_good(n) for n in range(200)]
    lines.insert(50, '{"title": "bad", "text": "a lone \\ud800 surrogate in a record of words"}')
    lines.insert(120, "[" * 100_000 + "]" * 100_000)
    lines.append('{"title": "nul", "text": "a NUL \\u0000 in a record of words"}')
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open_store(tmp_path / "h.db") as store:
        progress = engine.ingest([path], store, batch_size=16)
        assert (progress.stored, progress.failed) == (200, 3)
    errors = {error.source: error for error in _errors(engine, path)}
    assert isinstance(errors[f"{path}:51"], UndecodableInput) and "surrogate" in str(errors[f"{path}:51"])
    assert isinstance(errors[f"{path}:121"], MalformedInput) and "nested too deeply" in str(errors[f"{path}:121"])
    assert isinstance(errors[f"{path}:203"], BinaryInput)


def _errors(engine, path) -> list[InputError]:
    return [item for item in engine.clean_paths([path]) if isinstance(item, InputError)]


def test_one_rule_for_binary_text_in_files_records_and_requests(tmp_path):
    from marsad.ingest import read_paths
    from marsad.ingest.decode import check_text

    text = "Enough words of an ordinary page to be read as text. " * 20
    for bad in ("\x00", "\x01\x02\x03\x04\x05\x06\x07\x08" * 3):
        with pytest.raises(BinaryInput):
            check_text(text + bad, "api[0]")
        file = tmp_path / "page.txt"
        file.write_bytes((text + bad).encode())
        [item] = list(read_paths([file]))
        assert isinstance(item, BinaryInput), item
    check_text(text + "\t\f\r\n", "api[0]")  # white space is text
    with pytest.raises(UndecodableInput, match="U\\+DFFF"):
        check_text("x\udfff", "api[0]", "title")

"""JSON Lines input of the batch commands (``entities``, ``score-pairs``): one record a line,
each bad line one named error, the rest still read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from marsad.errors import InputError, MalformedInput


def json_records(path: Path) -> Iterator[tuple[str, int, object] | InputError]:
    """``(source, line number, record)`` for each non-blank line of ``path``, or the line's error."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            source = f"{path}:{number}"
            try:
                yield source, number, json.loads(line)
            except json.JSONDecodeError as error:
                yield MalformedInput(source, f"not valid JSON ({error.msg})")
            except RecursionError:  # nested thousands deep, as marsad.ingest.jsonl reads it
                yield MalformedInput(source, "JSON nested too deeply", "a record is one flat object")

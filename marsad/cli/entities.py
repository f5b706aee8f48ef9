"""``marsad entities FILE``: the people, places and organisations of each text, one line per input.

Inputs: JSON Lines, one text a line, ``{"id": …, "text": …, "language": …}`` (``language`` is
optional: detected when missing; a record without ``id`` is named by where it stands, ``file:line``; ``-`` reads standard input, ``.gz`` is decompressed), or any page ``marsad clean`` reads (its clean text is tagged:
title, then paragraphs, a blank line between). Output, one line per input:
``{"id", "entities": [{"start", "end", "kind", "form", "id", "text"}]}`` with offsets into the
text as given (for a page: into its clean title and paragraphs joined by blank lines). ``kind``
is person, place or organisation; ``form`` is ``name`` or ``demonym`` (an adjective or people
noun that points to a country, "الأميركي", "Russian").

A bad line or unreadable file gets one line on stderr naming it; the rest is still tagged and
the exit code is 1.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import click

from marsad.cli._jsonl import STDIN, head_bytes, json_records
from marsad.cli._options import entity_pieces_option
from marsad.cli._output import print_json_line, stderr_console
from marsad.errors import InputError, MalformedInput
from marsad.ingest.decode import check_text
from marsad.ingest.readers import page_suffix
from marsad.ingest.sniff import JSONL_SUFFIXES


def _records(path: Path) -> Iterator[tuple[object, str, str | None] | InputError]:
    for item in json_records(path):
        if isinstance(item, InputError):
            yield item
            continue
        source, number, record = item
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield MalformedInput(source, 'expected an object with "text" (and optionally "id", "language")')
            continue
        try:
            check_text(record["text"], source, "text")  # NUL, control characters, a lone surrogate
        except InputError as error:
            yield error
            continue
        language = record.get("language") or record.get("lang")
        yield record.get("id", source), record["text"], language if isinstance(language, str) and language else None  # no id: where it stands, as errors name it


def _is_jsonl(path: Path) -> bool:
    """JSON Lines by name (``.jsonl``, ``.ndjson``, ``.jl``, gzipped or not, as ingest reads them) or by a first character ``{``."""
    if page_suffix(path) in JSONL_SUFFIXES:
        return True
    try:
        head = head_bytes(path)
    except (OSError, EOFError, zlib.error):
        return False  # read as a page, which names the problem
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def entity_items(engine, finder, units: list[tuple[str, str]], language: str | None) -> list[dict]:
    """The entities of ``units`` with offsets into the units joined by blank lines."""
    from marsad.analyse.sentences import split_sentences

    detected, per_unit = engine.languages.detect_article([text for _, text in units])
    language = language or detected
    unit_languages = {unit: unit_language or language for (unit, _), unit_language in zip(units, per_unit)}
    sentences = tuple(sentence for unit, text in units for sentence in split_sentences(unit, text))
    starts, position = {}, 0
    for unit, text in units:
        starts[unit] = position
        position += len(text) + 2
    mentions = finder.find(units, sentences, language, unit_languages)
    return [
        {"start": starts[m.span.unit] + m.span.start, "end": starts[m.span.unit] + m.span.end, "kind": m.kind.value, "form": m.form, "id": m.id, "text": m.text}
        for m in mentions
    ]


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines (the default prints one readable line per entity).")
@entity_pieces_option(-1)
def entities(path: Path, as_json: bool, entity_pieces: int) -> None:
    """People, places and organisations in FILE: JSON Lines of {"id", "text", "language"}, or pages.

    FILE may be "-" (standard input) or gzip-compressed (".gz").

    One output line per input: {"id", "entities": [{"start", "end", "kind", "form", "id", "text"}]},
    offsets into the text as given. A bad line gets one line on stderr; the rest is still tagged.
    The entity encoder reads every text whole beside the CRF (--entity-pieces: ingest's default
    is the CRF alone, for speed).
    """
    from marsad.analyse.entities import EntityFinder
    from marsad.engine import Engine
    from marsad.settings import Settings

    engine = Engine(Settings(encoder="hashing"))  # cleaning and language only: no vectors are needed
    finder = EntityFinder(engine.gazetteer, entity_pieces=entity_pieces)
    failed = 0
    if path != STDIN and not path.exists():
        stderr_console().print(f"[red]error[/red] {path}: no such file", highlight=False, soft_wrap=True)
        sys.exit(1)
    if (path == STDIN or path.is_file()) and _is_jsonl(path):
        items = ((record, [("p0", record[1])] if record[1] else [], record[2]) if not isinstance(record, InputError) else (record, None, None) for record in _records(path))
    else:
        items = ((article, _units(article), article.language) if not isinstance(article, InputError) else (article, None, None) for article in engine.clean_paths([path]))
    for item, units, language in items:
        if isinstance(item, InputError):
            failed += 1
            stderr_console().print(f"[red]error[/red] {item}", highlight=False, soft_wrap=True)
            continue
        identifier = item[0] if isinstance(item, tuple) else (item.id or item.source)
        found = entity_items(engine, finder, units, language) if units else []
        if as_json:
            print_json_line({"id": identifier, "entities": found})
        else:
            print(f"{identifier}: {len(found)} entities")
            for entity in found:
                print(f"  {entity['start']}-{entity['end']}\t{entity['kind']}\t{entity['form']}\t{entity['id']}\t{entity['text']}")
    sys.exit(1 if failed else 0)


def _units(article) -> list[tuple[str, str]]:
    from marsad.analyse import units_of

    return units_of(article)

"""``marsad export``: stories or articles of a store as CSV, JSON Lines or Parquet."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

import click

from marsad.cli._output import progress_bar, stderr_console
from marsad.cli.stories import _open, db_option
from marsad.errors import MarsadError
from marsad.store.base import EXPORT_ARTICLE_COLUMNS, EXPORT_STORY_COLUMNS

FORMATS = ("csv", "jsonl", "parquet")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_LISTS = {"outlets", "languages"}  # list-valued story columns: "; "-joined in CSV, lists elsewhere
_INTEGERS = {"size", "articles"}


def _format_of(output: Path, given: str | None) -> str:
    if given:
        return given
    chosen = _SUFFIXES.get(output.suffix.lower())
    if chosen is None:
        raise click.BadParameter(f"cannot tell the format from {output.name!r}; give --format ({', '.join(FORMATS)}) or end the name in .csv, .jsonl or .parquet", param_hint="--format")
    return chosen


def _write_csv(path: Path, records, columns) -> None:
    # utf-8-sig: spreadsheet programs then read Arabic as UTF-8, not as the system code page.
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({key: "; ".join(value) if key in _LISTS else value for key, value in record.items()})


def _write_jsonl(path: Path, records, columns) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({key: record.get(key) for key in columns}, ensure_ascii=False) + "\n" for record in records)


def _write_parquet(path: Path, records, columns) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise click.ClickException("--format parquet needs pyarrow: pip install 'marsad[export]' (or choose csv or jsonl)") from None
    schema = pa.schema([(name, pa.list_(pa.string()) if name in _LISTS else pa.int64() if name in _INTEGERS else pa.string()) for name in columns])
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict] = []
        for record in records:
            batch.append({key: record.get(key) for key in columns})
            if len(batch) == 5000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))


WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}


@click.command("export")
@click.argument("what", type=click.Choice(["stories", "articles"]))
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--format", "file_format", type=click.Choice(FORMATS), help="csv, jsonl or parquet (Parquet needs pyarrow); by default from OUTPUT's suffix.")
def export(what: str, output: Path, db: Path, file_format: str | None) -> None:
    """Write every story or article of the store to OUTPUT: CSV (UTF-8, opens in spreadsheets),
    JSON Lines or Parquet. Articles carry their clean text, story and copy links; stories their
    headline, size, outlets, languages and publication span.

    The file appears whole or not at all (written beside OUTPUT, then renamed).

    \b
    Examples:
      marsad export stories stories.csv --db news.db
      marsad export articles articles.jsonl --db news.db
      marsad export articles articles.parquet --db news.db
    """
    chosen = _format_of(output, file_format)
    store = _open(db)
    columns = EXPORT_STORY_COLUMNS if what == "stories" else EXPORT_ARTICLE_COLUMNS
    total = store.counts().stories if what == "stories" else store.counts().articles
    folder = output.resolve().parent
    if not folder.is_dir():
        store.close()
        raise click.ClickException(f"{output}: no folder {folder} to write into (create it first)")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    os.close(handle)
    written = 0
    try:
        with progress_bar(f"export {what}", total) as advance:
            def records():
                nonlocal written
                for record in (store.export_stories() if what == "stories" else store.export_articles()):
                    written += 1
                    advance(1)
                    yield record

            WRITERS[chosen](Path(temporary), records(), columns)
        os.replace(temporary, output)
    except MarsadError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"{output}: cannot write ({error.strerror or error})") from None
    finally:
        store.close()
        Path(temporary).unlink(missing_ok=True)
    stderr_console().print(f"exported {written} {what} → {output} ({chosen})", highlight=False, soft_wrap=True)

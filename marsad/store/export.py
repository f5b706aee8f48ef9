"""The export formats of ``marsad export`` and ``GET /api/export``: CSV, JSON Lines and Parquet of
the flat records :meth:`Store.export_articles` and :meth:`Store.export_stories` give.

Both write the same bytes from :func:`export_chunks`: the command into a file, the server into a
streamed response, neither holding the whole export in memory.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from marsad.errors import ConfigError

FORMATS = ("csv", "jsonl", "parquet")
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson", "parquet": "application/vnd.apache.parquet"}
_LISTS = {"outlets", "languages"}  # list-valued story columns: "; "-joined in CSV, lists elsewhere
_INTEGERS = {"size", "articles"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PARQUET_ROWS = 5000  # rows per Parquet row group: the records are read and written this many at a time

Records = Iterable[dict[str, Any]]


def export_chunks(file_format: str, records: Records, columns: Sequence[str]) -> Iterator[bytes]:
    """``records`` (``columns`` of each, in that order) as the bytes of a ``file_format`` file, a piece at a time.

    Raises:
        ConfigError: an unknown format, or Parquet without pyarrow installed; raised here, before
            a record is read, so a server can still answer with an error instead of a cut file.
    """
    if file_format == "csv":
        # The byte-order mark makes spreadsheet programs read Arabic as UTF-8, not as the system code page.
        return itertools.chain(["\ufeff".encode()], (line.encode() for line in _csv_lines(records, columns)))
    if file_format == "jsonl":
        return (line.encode() for line in _jsonl_lines(records, columns))
    if file_format == "parquet":
        return _parquet_chunks(_pyarrow(), records, columns)
    raise ConfigError(f"format: unknown export format {file_format!r} (choose one of: {', '.join(FORMATS)})")


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet  # noqa: F401 - loads pa.parquet
    except ImportError:
        raise ConfigError("parquet needs pyarrow: pip install 'marsad[export]' (or choose csv or jsonl)") from None
    return pa


def _jsonl_lines(records: Records, columns: Sequence[str]) -> Iterator[str]:
    for record in records:
        yield json.dumps({key: record.get(key) for key in columns}, ensure_ascii=False) + "\n"


def _csv_lines(records: Records, columns: Sequence[str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writeheader()
    yield taken()
    for record in records:
        writer.writerow({key: _cell("; ".join(value) if key in _LISTS and value is not None else value) for key, value in record.items()})
        yield taken()


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula ("=HYPERLINK(…)" in a scraped headline) is
    given a leading apostrophe, which spreadsheets show as text (OWASP's advice for CSV files)."""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def _parquet_chunks(pa, records: Records, columns: Sequence[str], chunk_bytes: int = 1 << 20) -> Iterator[bytes]:
    # A Parquet file ends with its footer, so it is written whole (to a temporary file, not to
    # memory) and then read out.
    pq = pa.parquet
    schema = pa.schema([(name, pa.list_(pa.string()) if name in _LISTS else pa.int64() if name in _INTEGERS else pa.string()) for name in columns])
    with tempfile.TemporaryFile() as handle:
        with pq.ParquetWriter(handle, schema) as writer:
            batch: list[dict] = []
            for record in records:
                batch.append({key: record.get(key) for key in columns})
                if len(batch) == _PARQUET_ROWS:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch = []
            if batch:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        handle.seek(0)
        while chunk := handle.read(chunk_bytes):
            yield chunk

"""Ingest: files, folders, globs and stdin in, decoded :class:`~marsad.models.RawPage` objects out.

Readers never raise on a bad file: they yield an :class:`~marsad.errors.InputError`
in its place so one bad page does not stop the batch.
"""

from marsad.ingest.decode import decode_bytes
from marsad.ingest.jsonl import JsonFields
from marsad.ingest.readers import iter_files, read_path, read_paths
from marsad.ingest.sniff import Format, detect_format

__all__ = ["Format", "JsonFields", "decode_bytes", "detect_format", "iter_files", "read_path", "read_paths"]

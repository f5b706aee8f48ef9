"""Ingest: files and folders in, decoded :class:`~marsad.models.RawPage` objects out.

Readers never raise on a bad file: they yield an :class:`~marsad.errors.InputError`
in its place so one bad page does not stop the batch.
"""

from marsad.ingest.decode import decode_bytes
from marsad.ingest.readers import iter_files, read_path, read_paths

__all__ = ["decode_bytes", "iter_files", "read_path", "read_paths"]

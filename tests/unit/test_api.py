"""The public Python API: marsad.clean on a path, a folder and a text; the exported names."""

from __future__ import annotations

import pytest

import marsad
from tests.conftest import PAGE_REUTERS, SAMPLES


def test_clean_path_folder_and_text():
    [article] = marsad.clean(str(PAGE_REUTERS))
    assert article.agency == "رويترز"
    assert len(marsad.clean(SAMPLES)) == 3
    [from_text] = marsad.clean(PAGE_REUTERS.read_text(encoding="utf-8"))
    assert from_text.paragraphs == article.paragraphs
    assert from_text.source == "<text>"


def test_clean_single_bad_file_raises_named_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(marsad.InputError, match="empty.txt: empty file"):
        marsad.clean(empty)


def test_exported_names_exist():
    for name in marsad.__all__:
        assert hasattr(marsad, name), name

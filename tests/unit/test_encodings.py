"""Reading page files: every common encoding of Arabic text, and bad files reported, not raised."""

from __future__ import annotations

import pytest

from marsad.errors import BinaryInput, EmptyInput, InputError, TooLarge
from marsad.ingest import read_path, read_paths
from marsad.settings import Settings

TEXT = "التقى رئيسا هيئتي الأركان الأميركية والروسية، الأربعاء، في العاصمة الفنلندية هلسنكي.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256"])
def test_read_path_decodes_arabic_encodings(tmp_path, encoding):
    path = tmp_path / f"page-{encoding}.txt"
    path.write_bytes((TEXT * 5).encode(encoding))
    page = read_path(path)
    assert page.text.strip().startswith("التقى")
    assert page.text.count("هلسنكي") == 5


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"", EmptyInput), (b"  \n\t ", EmptyInput), (bytes(range(256)) * 10, BinaryInput), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, BinaryInput)],
)
def test_read_path_bad_files_raise_named_error(tmp_path, content, error):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error) as raised:
        read_path(path)
    assert str(path) in str(raised.value)


def test_read_path_over_limit_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(TEXT * 100, encoding="utf-8")
    with pytest.raises(TooLarge, match="page limit"):
        read_path(path, Settings(max_page_bytes=1000, encoder="hashing"))


def test_read_paths_batch_goes_on_after_bad_files(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_bytes(TEXT.encode("cp1256"))
    results = list(read_paths([tmp_path, tmp_path / "missing.txt"]))
    errors = [r for r in results if isinstance(r, InputError)]
    pages = [r for r in results if not isinstance(r, InputError)]
    assert len(pages) == 2 and len(errors) == 2
    assert {e.source.rsplit("/", 1)[-1] for e in errors} == {"b.txt", "missing.txt"}


def test_utf8_with_a_bad_byte_is_refused_not_read_as_windows_1256(tmp_path):
    from marsad.errors import UndecodableInput

    good = (TEXT * 5).encode("utf-8")
    at = good.find("هلسنكي".encode())
    path = tmp_path / "one-bad-byte.txt"
    path.write_bytes(good[:at] + b"\xff" + good[at:])
    with pytest.raises(UndecodableInput, match=rf"{path}: not valid UTF-8: byte 0xFF at offset {at}"):
        read_path(path)
    # A page written in windows-1256 is still read as windows-1256.
    (tmp_path / "legacy.txt").write_bytes((TEXT * 5).encode("cp1256"))
    assert read_path(tmp_path / "legacy.txt").text.count("هلسنكي") == 5


def test_an_empty_gzip_is_an_empty_file_and_a_cut_json_string_is_called_unterminated(tmp_path):
    import gzip

    from marsad.errors import MalformedInput

    (tmp_path / "empty.txt.gz").write_bytes(gzip.compress(b""))
    with pytest.raises(EmptyInput, match="empty file"):
        read_path(tmp_path / "empty.txt.gz")
    (tmp_path / "cut.jsonl").write_text('{"id": "a", "text": "never closed\n', encoding="utf-8")
    errors = [r for r in read_paths([tmp_path / "cut.jsonl"]) if isinstance(r, MalformedInput)]
    assert len(errors) == 1 and "invalid JSON (unterminated string at column" in str(errors[0]) and "at at" not in str(errors[0])


def test_utf8_cut_inside_its_last_character_keeps_the_text_before_it(tmp_path):
    # Crawls capped at a byte limit (Common Crawl) cut the payload wherever the limit falls.
    data = (TEXT * 5).encode("utf-8")
    (tmp_path / "capped.txt").write_bytes(data[:-3])  # "…هلسنكي.\n" less the newline, the full stop and half of "ي"
    page = read_path(tmp_path / "capped.txt")
    assert page.encoding == "utf-8" and page.text.endswith("هلسنك") and page.text.count("هلسنكي") == 4

"""Reading every input format, routed by content; each bad file, record or line gives one named error."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.errors import BinaryInput, EmptyInput, InputError, MalformedInput, TooLarge
from marsad.ingest import Format, JsonFields, detect_format, read_path, read_paths
from marsad.models import RawPage
from marsad.settings import Settings

PAGES = Path(__file__).resolve().parents[2] / "data" / "pages"
HTML = (PAGES / "en_news.html").read_text(encoding="utf-8")
TEXT = "التقى رئيسا هيئتي الأركان الأميركية والروسية، الأربعاء، في العاصمة الفنلندية هلسنكي.\n"
SMALL = Settings(encoder="hashing", max_page_bytes=2000)


def read(*paths, settings=None, fields=None):
    items = list(read_paths([str(path) for path in paths], settings, fields))
    return [i for i in items if isinstance(i, RawPage)], [i for i in items if isinstance(i, InputError)]


def write_warc(path: Path, records: list[tuple[str, str, str, bytes]], gzipped: bool) -> None:
    """records: (type, url, content type, body); responses get HTTP 200 unless the type says 'response 404'."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for kind, url, content_type, body in records:
            status = "404 Not Found" if kind.endswith("404") else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record_type = kind.split()[0]
            if record_type == "request":
                record = writer.create_warc_record(url, "request", payload=io.BytesIO(body), http_headers=StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True))
            else:
                record = writer.create_warc_record(url, record_type, payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)


# -- format detection ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "crawl", Format.WARC),
        (b'{"text": "x"}\n{"text": "y"}\n', "feed.txt", Format.JSONL),
        (b"<!-- saved -->\n<!DOCTYPE html><html>", "page.txt", Format.HTML),
        (b"<div><p>one</p><p>two</p><p>three</p></div>", "fragment", Format.HTML),
        (TEXT.encode(), "page.html", Format.TEXT),
        (b"{not json at all", "notes.txt", Format.TEXT),
    ],
)
def test_detect_format_reads_content_not_extension(head, name, expected):
    assert detect_format(head, name) is expected


# -- single pages -------------------------------------------------------------------------------
def test_read_paths_html_and_text_by_content(tmp_path):
    (tmp_path / "page.txt").write_text(HTML, encoding="utf-8")  # HTML saved with a .txt name
    (tmp_path / "dump").write_text(TEXT, encoding="utf-8")
    pages, errors = read(tmp_path)
    assert not errors
    assert {Path(p.source).name: p.format for p in pages} == {"page.txt": "html", "dump": "text"}


def test_read_paths_gzip_is_transparent(tmp_path):
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(HTML.encode()))
    (tmp_path / "dump.txt.gz").write_bytes(gzip.compress(TEXT.encode("cp1256")))
    pages, errors = read(tmp_path)
    assert not errors
    assert [p.format for p in pages] == ["text", "html"]
    assert pages[0].text == TEXT and pages[0].encoding == "cp1256"


def test_read_paths_html_charset_declared_in_page(tmp_path):
    html = '<html><head><meta charset="windows-1256"></head><body><p>' + TEXT + "</p></body></html>"
    (tmp_path / "old.html").write_bytes(html.encode("cp1256"))
    (pages,), errors = read(tmp_path / "old.html")
    assert pages.encoding == "cp1256" and "هلسنكي" in pages.text


def test_read_paths_unknown_declared_charset_falls_back_to_detection(tmp_path):
    html = '<html><head><meta charset="x-no-such-charset"></head><body><p>' + TEXT + "</p></body></html>"
    (tmp_path / "odd.html").write_bytes(html.encode("utf-8"))
    (page,), errors = read(tmp_path / "odd.html")
    assert not errors and "هلسنكي" in page.text


def test_read_paths_glob_and_stdin(tmp_path, monkeypatch):
    (tmp_path / "a.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "b.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "c.txt").write_text(TEXT, encoding="utf-8")
    pages, _ = read(tmp_path / "*.html")
    assert [Path(p.source).name for p in pages] == ["a.html", "b.html"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(HTML.encode()))))
    (page,), errors = read("-")
    assert page.source == "<stdin>" and page.format == "html" and not errors


def test_read_path_still_reads_one_html_file(tmp_path):
    path = tmp_path / "one.htm"
    path.write_text(HTML, encoding="utf-8")
    assert read_path(path).format == "html"


# -- JSON Lines ---------------------------------------------------------------------------------
def test_jsonl_records_become_pages_named_by_line(tmp_path):
    lines = [
        json.dumps({"html": HTML, "url": "https://example.com/a"}),
        json.dumps({"text": TEXT}),
        "",
        json.dumps({"text": "نص الخبر كاملا.", "title": "عنوان", "date": "2024-01-02"}, ensure_ascii=False),
        "{broken json",
        "[1, 2]",
        json.dumps({"body": "no known field"}),
        json.dumps({"text": {"nested": True}}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pages, errors = read(tmp_path / "feed.jsonl")
    feed = str(tmp_path / "feed.jsonl")
    assert [(p.source, p.format) for p in pages] == [(f"{feed}:1", "html"), (f"{feed}:2", "text"), (f"{feed}:4", "plain")]
    assert pages[0].url == "https://example.com/a"
    assert [(e.source, type(e)) for e in errors] == [
        (f"{feed}:5", MalformedInput),
        (f"{feed}:6", MalformedInput),
        (f"{feed}:7", EmptyInput),
        (f"{feed}:8", MalformedInput),
    ]
    assert "invalid JSON" in str(errors[0])


def test_jsonl_field_names_are_configurable_and_gzip_works(tmp_path):
    record = {"meta": {"link": "https://example.com/x"}, "content": TEXT, "headline": "عنوان"}
    (tmp_path / "export").write_bytes(gzip.compress((json.dumps(record) + "\n").encode()))
    fields = JsonFields(text="content", title="headline", url="meta.link")
    (page,), errors = read(tmp_path / "export", fields=fields)
    assert not errors and page.format == "plain" and page.url == "https://example.com/x"
    assert "عنوان" in (getattr(page, "title", None) or page.text)


def test_jsonl_line_over_limit_is_refused_and_rest_read(tmp_path):
    lines = [json.dumps({"text": "x" * 5000}), json.dumps({"text": TEXT})]
    (tmp_path / "big.jsonl").write_text("\n".join(lines), encoding="utf-8")
    pages, errors = read(tmp_path / "big.jsonl", settings=SMALL)
    assert len(pages) == 1 and pages[0].source.endswith(":2")
    assert isinstance(errors[0], TooLarge) and errors[0].source.endswith("big.jsonl:1")


# -- WARC ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("gzipped", [False, True])
def test_warc_html_responses_are_pages(tmp_path, gzipped):
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    write_warc(
        path,
        [
            ("request", "https://example.com/a", "", b""),
            ("response", "https://example.com/a", "text/html; charset=utf-8", HTML.encode()),
            ("response", "https://example.com/logo.png", "image/png", b"\x89PNG\r\n"),
            ("response 404", "https://example.com/gone", "text/html", b"<html><body>not found</body></html>"),
            ("response", "https://example.com/b", "text/html", HTML.replace("bridge", "tunnel").encode()),
        ],
        gzipped,
    )
    pages, errors = read(path)
    assert not errors
    assert [(p.source.rsplit("#", 1)[1], p.url, p.format) for p in pages] == [
        ("record 2", "https://example.com/a", "html"),
        ("record 5", "https://example.com/b", "html"),
    ]


def test_warc_record_over_limit_is_refused_and_rest_read(tmp_path):
    path = tmp_path / "crawl.warc"
    small = b"<html><body><p>" + TEXT.encode() + b"</p></body></html>"
    write_warc(path, [("response", "https://e.com/big", "text/html", HTML.encode()), ("response", "https://e.com/ok", "text/html", small)], False)
    pages, errors = read(path, settings=SMALL)
    assert [p.url for p in pages] == ["https://e.com/ok"]
    assert isinstance(errors[0], TooLarge) and errors[0].source.endswith("crawl.warc#record 1")


def test_warc_broken_headers_give_one_error_after_good_records(tmp_path):
    path = tmp_path / "crawl.warc"
    write_warc(path, [("response", "https://e.com/a", "text/html", HTML.encode())], False)
    with open(path, "ab") as out:
        out.write(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: not-a-number\r\n\r\ngarbage\r\n\r\n")
    pages, errors = read(path)
    assert [p.url for p in pages] == ["https://e.com/a"]
    assert len(errors) == 1 and isinstance(errors[0], MalformedInput)
    assert errors[0].source.endswith("crawl.warc#record 2")


def test_warc_truncated_gzip_gives_error_not_exception(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, [("response", "https://e.com/a", "text/html", HTML.encode()), ("response", "https://e.com/b", "text/html", HTML.encode())], True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 300])
    pages, errors = read(path)
    assert [p.url for p in pages][:1] == ["https://e.com/a"]
    assert len(errors) == 1 and "crawl.warc.gz#record" in errors[0].source


# -- bad input in a mixed folder ----------------------------------------------------------------
def test_mixed_folder_reports_each_bad_file_and_reads_the_rest(tmp_path):
    (tmp_path / "good.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40)
    (tmp_path / "cut.html.gz").write_bytes(gzip.compress(HTML.encode())[:200])
    (tmp_path / "huge.html").write_text(HTML * 3, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not a page", encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(json.dumps({"text": TEXT}) + "\n{oops\n", encoding="utf-8")
    pages, errors = read(tmp_path, settings=Settings(encoder="hashing", max_page_bytes=len(HTML.encode()) + 10))
    assert sorted(Path(p.source.split(":")[0]).name for p in pages) == ["feed.jsonl", "good.html", "good.txt"]
    by_name = {Path(e.source).name: type(e) for e in errors}
    assert by_name == {
        "empty.html": EmptyInput,
        "image.bin": BinaryInput,
        "cut.html.gz": MalformedInput,
        "huge.html": TooLarge,
        "feed.jsonl:2": MalformedInput,
    }
    assert all(str(e).startswith(e.source + ": ") for e in errors)


def test_missing_path_and_empty_glob_are_named(tmp_path):
    _, errors = read(tmp_path / "missing.html", tmp_path / "*.warc")
    assert [Path(e.source).name for e in errors] == ["missing.html", "*.warc"]

"""Damaged or misplaced index files beside a store: rebuilt with a one-line warning, or one line naming the file; never a crash."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.integration.test_ingest_kill import _pages


def _ingest(folder, db, cwd):
    command = [sys.executable, "-m", "marsad", "ingest", str(folder), "--db", str(db), "--encoder", "hashing", "--workers", "0"]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=300, check=False)


def test_a_flipped_vector_index_is_rebuilt_not_crashed_on(tmp_path):
    pages, db = tmp_path / "pages", tmp_path / "m.db"
    _pages(pages, 40)
    first = _ingest(pages, db, tmp_path)
    assert first.returncode == 0, first.stderr
    index = tmp_path / "m.db.usearch"
    data = bytearray(index.read_bytes())
    for offset in range(len(data) - 600, len(data) - 100):  # 500 bytes near the end: a segfault before
        data[offset] ^= 0xFF
    index.write_bytes(bytes(data))
    more = tmp_path / "more"
    more.mkdir()
    (more / "new.txt").write_text("تقرير جديد عن المحادثات\n\n" + "قال المسؤولون إن المحادثات ستستمر الأسبوع المقبل في العاصمة. " * 5, encoding="utf-8")
    second = _ingest(more, db, tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    warnings = [line for line in second.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1 and "m.db.usearch" in warnings[0] and "rebuilding" in warnings[0], second.stderr
    from marsad.store import open_store

    with open_store(db) as store:  # the rebuilt index answers each article with itself
        for article_id, vector in list(store.vectors())[:41]:
            assert store.nearest(vector, 1)[0][0] == article_id


def test_index_paths_of_the_wrong_kind_are_one_line(tmp_path):
    pages, db = tmp_path / "pages", tmp_path / "m.db"
    _pages(pages, 3)
    (tmp_path / "m.db.usearch").mkdir()
    folder = _ingest(pages, db, tmp_path)
    assert folder.returncode == 1 and "Traceback" not in folder.stderr
    assert "m.db.usearch: not a file" in folder.stderr and "stored" not in folder.stderr  # refused before writing
    (tmp_path / "m.db.usearch").rmdir()
    shutil.rmtree(tmp_path / "m.db.bands", ignore_errors=True)
    (tmp_path / "m.db.bands").write_text("not a folder")
    file = _ingest(pages, db, tmp_path)
    assert file.returncode == 1 and "Traceback" not in file.stderr, file.stderr
    assert "m.db.bands: not a folder" in file.stderr

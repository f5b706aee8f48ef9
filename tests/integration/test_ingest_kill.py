"""Kill an ingest with SIGKILL mid-run: every article it reported stored is there, the store opens clean, no half story."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from marsad.cli import cli
from marsad.store import open_store
from tests.conftest import PAGE_REUTERS, PAGE_UNRELATED, PAGE_WASHINGTON


def _pages(folder: Path, count: int) -> None:
    """Small pages recombined from the sample pages' real sentences, each with its own title."""
    sentences = []
    for path in (PAGE_WASHINGTON, PAGE_REUTERS, PAGE_UNRELATED):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) >= 12:
                sentences.append(line.strip())
    rng = random.Random(7)
    folder.mkdir()
    for number in range(count):
        body = "\n\n".join(rng.sample(sentences, 4))
        (folder / f"page_{number:04d}.txt").write_text(f"تقرير رقم {number} عن الأحداث الجارية في المنطقة\n\n{body}\n", encoding="utf-8")


def _stored_ids(report: Path) -> list[str]:
    if not report.exists():
        return []
    ids = []
    for line in report.read_text(encoding="utf-8").splitlines():
        try:
            ids.append(json.loads(line)["id"])
        except ValueError:
            pass  # a line cut by the kill: not complete, not claimed
    return ids


def test_kill_mid_ingest_loses_nothing_reported(tmp_path):
    pages, db, report = tmp_path / "pages", tmp_path / "m.db", tmp_path / "report.jsonl"
    _pages(pages, 400)
    command = [sys.executable, "-m", "marsad", "ingest", str(pages), "--db", str(db), "--report", str(report),
               "--encoder", "hashing", "--workers", "0", "--batch-size", "8"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while len(_stored_ids(report)) < 24 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be killed: " + process.stderr.read().decode()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    reported = _stored_ids(report)
    assert 24 <= len(reported) < 400

    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    store = open_store(db)
    assert store.known(reported) == set(reported)
    counts = store.counts()
    assert counts.articles >= len(reported)
    db_ = store.db
    # No story points at a missing article, no article at a missing story, sizes add up.
    assert db_.execute("SELECT count(*) FROM articles WHERE story_id NOT IN (SELECT id FROM stories)").fetchone()[0] == 0
    assert db_.execute("SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM articles)").fetchone()[0] == 0
    assert db_.execute(
        "SELECT count(*) FROM stories s WHERE s.articles != (SELECT count(*) FROM articles a WHERE a.story_id = s.id)"
    ).fetchone()[0] == 0
    some = store.analysed(reported[-1]).analysis.document_vector
    assert store.nearest(some, 1)[0][0] == reported[-1]  # the ANN index is caught up from SQLite on first use
    assert store.counts().vectors_indexed == counts.articles
    store.close()

    # Resuming: the pages already stored are skipped, the rest are added.
    result = CliRunner().invoke(cli, ["ingest", str(pages), "--db", str(db), "--encoder", "hashing", "--workers", "0"])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        assert store.counts().articles == 400

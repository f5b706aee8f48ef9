"""Kill one ``--workers`` child mid-ingest: the command still ends, and every page is either stored or named as failed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from marsad.store import open_store
from tests.integration.test_ingest_kill import _pages, _stored_ids


def _workers_of(pid: int) -> list[int]:
    """The spawned worker processes of ``pid`` (not multiprocessing's resource tracker)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    workers = []
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in command:
            workers.append(child)
    return workers


def test_a_killed_worker_does_not_hang_the_ingest(tmp_path):
    pages, db, report = tmp_path / "pages", tmp_path / "m.db", tmp_path / "report.jsonl"
    _pages(pages, 300)
    command = [sys.executable, "-m", "marsad", "ingest", str(pages), "--db", str(db), "--report", str(report),
               "--encoder", "hashing", "--workers", "2", "--batch-size", "4"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while len(_stored_ids(report)) < 8 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before a worker could be killed: " + process.stderr.read().decode()
    workers = _workers_of(process.pid)
    assert workers, "no worker processes found"
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError("the ingest hung after its worker was killed") from None
    stderr = stderr.decode()
    named = set(re.findall(r"(\S+page_\d{4}\.txt): not analysed", stderr))
    store = open_store(db)
    try:
        stored = store.counts().articles
        assert set(_stored_ids(report)) == store.known(_stored_ids(report))
    finally:
        store.close()
    # Every page is stored, or named on stderr as lost; the exit code says whether any was lost.
    assert stored + len(named) == 300, stderr[-2000:]
    assert process.returncode == (1 if named else 0), stderr[-2000:]

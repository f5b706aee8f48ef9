"""`marsad serve` as a user starts it: one command, one process, the samples when there is no store."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx2

from marsad.serve.samples import sample_store


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def marsad_serve(*args: str):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "marsad", "serve", "--port", str(port), "--encoder", "hashing", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx2.get(base + "/api/health", timeout=1)
                break
            except httpx2.TransportError:
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline, "marsad serve did not start"
                time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_without_a_store_serves_the_samples(tmp_path):
    missing = tmp_path / "none.db"
    with marsad_serve("--db", str(missing)) as (base, process):
        health = httpx2.get(base + "/api/health").json()
        assert health["store"]["articles"] == 3 and health["store"]["location"] == ":memory:"
        assert "رئيسا الأركان الأميركي والروسي" in httpx2.get(base + "/").text
    assert "serving the bundled sample pages" in process.stderr.read()
    assert not missing.exists()  # nothing was written where the user pointed


def test_serve_opens_an_existing_store(tmp_path, engine):
    db = tmp_path / "stories.db"
    sample_store(engine, db).close()
    with marsad_serve("--db", str(db)) as (base, _):
        health = httpx2.get(base + "/api/health").json()
        assert health["store"]["articles"] == 3 and health["store"]["location"] == str(db)

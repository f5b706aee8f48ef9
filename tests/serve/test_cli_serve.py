"""`marsad serve` as a user starts it: one command, one process, the samples when there is no store."""

from __future__ import annotations

import os
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


def test_serve_of_the_samples_refuses_writes_it_would_lose(tmp_path):
    missing = tmp_path / "typo.db"
    with marsad_serve("--db", str(missing)) as (base, _):
        page = {"title": "عنوان", "text": "نص طويل بما يكفي ليكون مقالا عن المحادثات في العاصمة. " * 3}
        response = httpx2.post(base + "/api/articles", json=page)
        assert response.status_code == 409 and "keep nothing" in response.json()["detail"]
        assert httpx2.get(base + "/api/health").json()["store"]["articles"] == 3
    assert not missing.exists()


def test_the_banner_comes_after_the_port_is_bound_and_a_taken_port_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "marsad", "serve", "--port", str(port), "--encoder", "hashing"],
                                capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "marsad: http://" not in result.stderr, result.stderr


def test_serve_beyond_loopback_makes_a_write_token(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "marsad", "serve", "--host", "0.0.0.0", "--port", str(port), "--encoder", "hashing"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "MARSAD_TOKEN": ""})
    try:
        banner = ""
        deadline = time.monotonic() + 60
        while "marsad: http://" not in banner and time.monotonic() < deadline and process.poll() is None:
            banner += process.stderr.readline()
        token = banner.split("Bearer ", 1)[1].split("'", 1)[0]
        base = f"http://127.0.0.1:{port}"
        page = {"title": "عنوان", "text": "نص طويل بما يكفي ليكون مقالا عن المحادثات في العاصمة. " * 3}
        assert httpx2.post(base + "/api/articles", json=page).status_code == 401
        assert httpx2.get(base + "/api/health").status_code == 200
        assert httpx2.post(base + "/api/articles", json=page, headers={"Authorization": f"Bearer {token}"}).status_code == 409  # samples: kept nowhere
    finally:
        process.terminate()
        process.wait(timeout=20)

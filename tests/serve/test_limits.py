"""Server limits: read deadlines for headers and body, a time limit on reads, the write token, the write lock's wait."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from marsad.serve import ServeSettings, create_app
from marsad.serve.samples import sample_store
from marsad.serve.security import RequestTimeLimit
from marsad.serve.server import timed_protocol
from tests.serve.test_api import PAGE


async def _hello(request):
    body = await request.body()
    return JSONResponse({"bytes": len(body)})


def _serve(header_timeout: float, body_timeout: float):
    app = Starlette(routes=[Route("/", _hello, methods=["GET", "POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", http=timed_protocol(header_timeout, body_timeout))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return server, thread, server.servers[0].sockets[0].getsockname()[1]


def _closed_within(connection: socket.socket, seconds: float) -> bool:
    connection.settimeout(seconds)
    try:
        while connection.recv(1024):
            pass
        return True
    except TimeoutError:
        return False


def test_slow_headers_and_slow_bodies_are_cut_off():
    server, thread, port = _serve(header_timeout=0.5, body_timeout=0.5)
    try:
        with socket.create_connection(("127.0.0.1", port)) as silent:  # connects, sends nothing
            assert _closed_within(silent, 3)
        with socket.create_connection(("127.0.0.1", port)) as slow:  # headers a piece at a time, never finished
            slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            time.sleep(0.3)
            slow.sendall(b"X-Slow: 1\r\n")
            assert _closed_within(slow, 3)
        with socket.create_connection(("127.0.0.1", port)) as body:  # promises 100 bytes, sends 10
            body.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
            assert _closed_within(body, 3)
        with socket.create_connection(("127.0.0.1", port)) as prompt:  # a whole request is answered
            prompt.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            prompt.settimeout(3)
            answer = b""
            while b'{"bytes":3}' not in answer and (chunk := prompt.recv(4096)):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b'{"bytes":3}')
    finally:
        server.should_exit = True
        thread.join(10)


def test_a_read_over_the_time_limit_is_503():
    async def slow(request):
        await asyncio.sleep(2)
        return JSONResponse({})

    app = RequestTimeLimit(Starlette(routes=[Route("/", slow)]), seconds=0.2)
    started = time.monotonic()
    response = TestClient(app).get("/")
    assert response.status_code == 503 and "over 0.2 s" in response.json()["detail"]
    assert time.monotonic() - started < 1.5


def test_a_streamed_read_that_started_in_time_is_not_cut_off():
    # An export of a large store streams for longer than the limit: it must arrive whole.
    async def chunks():
        for number in range(5):
            await asyncio.sleep(0.1)
            yield f"{number}\n".encode()

    async def streaming(request):
        return StreamingResponse(chunks(), media_type="application/x-ndjson")

    app = RequestTimeLimit(Starlette(routes=[Route("/", streaming)]), seconds=0.2)
    response = TestClient(app).get("/")
    assert response.status_code == 200 and response.text == "0\n1\n2\n3\n4\n"


def test_writes_need_the_token_when_the_server_has_one_and_reads_do_not(engine):
    client = TestClient(create_app(sample_store(engine), engine, ServeSettings(write_token="s3cret-token")))
    assert client.get("/api/health").status_code == 200
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-token"}):
        refused = client.post("/api/articles", json=PAGE, headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer", headers
        assert client.post("/api/articles/batch", json={"pages": [PAGE]}, headers=headers).status_code == 401
    assert client.get("/api/health").json()["store"]["articles"] == 3
    accepted = client.post("/api/articles", json=PAGE, headers={"Authorization": "Bearer s3cret-token"})
    assert accepted.status_code == 200, accepted.text
    assert client.get("/api/health").json()["store"]["articles"] == 4


def test_a_write_that_waits_too_long_for_the_lock_stores_nothing(engine):
    app = create_app(sample_store(engine), engine, ServeSettings(write_wait=0.2))
    client = TestClient(app)
    app.state.write_lock.acquire()  # another ingest holding the store
    try:
        response = client.post("/api/articles", json=PAGE)
    finally:
        app.state.write_lock.release()
    assert response.status_code == 503 and response.json()["detail"].startswith("nothing stored")
    assert client.get("/api/health").json()["store"]["articles"] == 3

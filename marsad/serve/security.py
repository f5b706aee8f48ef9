"""Security headers on every response, a size limit on every request body, a time limit on reads (pure ASGI middleware), and the write token.

The page loads nothing from elsewhere (users run marsad offline) and runs no inline script, so
the Content-Security-Policy can forbid both: an article whose text smuggled in markup would be
escaped by the templates anyway, and could not run if it were not.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *((n, v) for n, v in SECURITY_HEADERS if n not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimit:
    """Answers 413 to a request whose body is over ``max_bytes``, declared or streamed.

    A declared ``Content-Length`` over the limit is refused before a byte is read; a chunked body
    is counted as it arrives and refused when it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    @property
    def message(self) -> str:
        return f"request body is over the {self.max_bytes:,}-byte limit (send fewer or smaller pages per request)"

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": self.message}).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        received = 0
        tracking_send = _StartTracking(send)

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes through FastAPI's body parsing to the app's handler.
                    raise HTTPException(413, self.message)
            return message

        try:
            await self.app(scope, counting_receive, tracking_send)
        except HTTPException as error:
            if error.status_code != 413 or tracking_send.started:
                raise
            await self._refuse(send)


class RequestTimeLimit:
    """Answers 503 to a read (GET, HEAD) that has not started its response within ``seconds``.

    The limit is on the time to the first byte: a response under way (an export streaming a large
    store) is not cut off halfway, which would leave the reader a truncated file that looks whole
    until parsed. Writes are not cut short here either: an ingest stopped halfway could not say
    what it stored. They are bounded by the work per page (:mod:`marsad.analyse.sentences`), the
    body size limit and the write lock's wait (``ServeSettings.write_wait``).
    """

    def __init__(self, app: ASGIApp, seconds: float):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        tracking_send = _StartTracking(send)
        answering = asyncio.ensure_future(self.app(scope, receive, tracking_send))
        started = asyncio.ensure_future(tracking_send.started_event.wait())
        try:
            done, _ = await asyncio.wait({answering, started}, timeout=self.seconds, return_when=asyncio.FIRST_COMPLETED)
            if not done:  # neither answered nor started in time
                answering.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await answering
                body = json.dumps({"detail": f"the request took over {self.seconds:g} s and was stopped (try a narrower query)"}).encode()
                await send({"type": "http.response.start", "status": 503, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
            await answering  # finished, or streaming its body
        except asyncio.CancelledError:  # the server is stopping or the client went away
            answering.cancel()
            raise
        finally:
            started.cancel()


class _StartTracking:
    """``send``, noting whether the response has started: after that no error response can replace it."""

    def __init__(self, send: Send):
        self._send = send
        self.started = False
        self.started_event = asyncio.Event()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.started_event.set()
        await self._send(message)


def require_write_token(expected: str | None, given: str | None) -> None:
    """Raise 401 unless ``given`` (an ``Authorization`` header) is ``Bearer <expected>``; no token expected: anyone may write.

    Raises:
        HTTPException: 401, with ``WWW-Authenticate: Bearer``.
    """
    if expected is None:
        return
    scheme, _, token = (given or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise HTTPException(401, "writing needs the server's token: send 'Authorization: Bearer TOKEN' (marsad serve --token, or MARSAD_TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})

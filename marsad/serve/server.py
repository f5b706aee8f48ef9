"""The HTTP server around the app: uvicorn with read deadlines, started before it is announced.

uvicorn (h11) has no deadline for a request's headers or body: a client that opens a connection
and sends nothing, or a byte a second, held it for as long as it liked (2,000 such connections
were held for 60 s). :func:`timed_protocol` closes a connection whose request headers are not all
in ``header_timeout`` seconds after its first byte (or its opening, or the previous response),
or whose body is not all in ``body_timeout`` seconds after its headers. What the app then takes
is bounded by :class:`~marsad.serve.security.RequestTimeLimit` and the write lock's wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 30.0


def timed_protocol(header_timeout: float = HEADER_TIMEOUT, body_timeout: float = BODY_TIMEOUT) -> type[H11Protocol]:
    """uvicorn's h11 protocol with deadlines for reading a request's headers and body (pass as ``http=``)."""

    class TimedH11Protocol(H11Protocol):
        _timer: asyncio.TimerHandle | None = None
        _phase: str | None = None

        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._follow()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._follow()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._follow()

        def connection_lost(self, exc: Exception | None) -> None:
            self._arm(None)
            super().connection_lost(exc)

        def _follow(self) -> None:
            """Arm the deadline of what the connection is waiting for from the client, if anything."""
            if self.cycle is None or self.cycle.response_complete:
                phase = "headers"
            elif self.cycle.more_body:
                phase = "body"
            else:
                phase = None  # the app has the whole request: its own limits apply
            if phase != self._phase:
                self._arm(phase)

        def _arm(self, phase: str | None) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._phase = phase
            if phase is not None:
                seconds = header_timeout if phase == "headers" else body_timeout
                self._timer = self.loop.call_later(seconds, self._expired(phase))

        def _expired(self, phase: str) -> Callable[[], None]:
            def close() -> None:
                if self._phase == phase and not self.transport.is_closing():
                    self.transport.close()

            return close

    return TimedH11Protocol

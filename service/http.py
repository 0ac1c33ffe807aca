"""uvicorn's HTTP protocol with a deadline for the request head.

uvicorn times out a connection that is idle between requests (``--timeout-keep-alive``), but not
one that is sending a request line and headers a byte at a time: any byte cancels the
keep-alive timer, and before the first request there is none. A few hundred such connections
(slowloris) hold as many sockets and file descriptors for as long as the client likes. Here
the head of every request must be complete within ``ROLEFIT_HEADER_TIMEOUT`` seconds (10) of the
connection opening or of the previous response; otherwise the connection is closed. The body has
its own deadline in the app (``ROLEFIT_BODY_TIMEOUT``).

Every command that starts the service passes it to uvicorn: ``--http
service.http:HeadTimeoutProtocol`` (``make run``, the Dockerfile, ``rolefit serve``, the tests).
"""

from __future__ import annotations

import asyncio
import functools

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HeadTimeoutProtocol", "head_timeout"]


@functools.cache
def head_timeout() -> float:
    """``ROLEFIT_HEADER_TIMEOUT`` (read once per process)."""
    from service.settings import Settings

    return Settings().header_timeout


class HeadTimeoutProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` that closes a connection whose request head is late."""

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # the next request's head starts now, unless a pipelined one is already in
        if not self.transport.is_closing() and not self.pipeline:
            self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(head_timeout(), self._late)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _late(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

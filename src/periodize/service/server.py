"""The app on uvicorn, with a read timeout on request heads.

uvicorn bounds the idle time between two requests of a kept-alive connection, but not the
time a request's head (its request line and headers) may take to arrive: a client that
sends a header byte every few seconds holds its connection open for ever, and enough of
them hold every connection the server can take. Here every connection must deliver a
complete request head within ``read_timeout_s`` of opening, or of the end of its previous
response; otherwise it gets 408 and is closed. (A slow body is the app's to refuse:
`periodize.service.app.Guard`.)
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from periodize.service.settings import ServiceSettings


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request head is late."""

    head_timeout_s: float = 10.0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        if not self.transport.is_closing():
            self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_late)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        """The timer ran out: unless a complete head has come since it was armed (the
        request is then being served), answer 408 and close."""
        self._head_timer = None
        if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
            return
        body = json.dumps(
            {"detail": [f"the request head did not arrive within {self.head_timeout_s:g} s"]}
        ).encode()
        self.transport.write(
            b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
            b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        self.transport.close()


def protocol_for(settings: ServiceSettings) -> type[HeadTimeoutProtocol]:
    """The protocol class with ``settings``' read timeout (uvicorn builds one a connection)."""
    return type(
        "HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout_s": settings.read_timeout_s}
    )


def server_config(app: Any, settings: ServiceSettings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for ``app``: its h11 protocol with the head timeout, no
    access log of its own (the app writes one), and ``options`` (host, port, ...)."""
    return uvicorn.Config(app, http=protocol_for(settings), access_log=False, **options)

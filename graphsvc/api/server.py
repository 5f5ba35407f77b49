"""How the app is served: uvicorn, with limits on slow clients and a bounded shutdown.

uvicorn closes an idle keep-alive connection after a few seconds, but waits for ever for a
request's head that arrives a byte at a time; the protocol here closes a connection whose
head is not complete within HEADER_SECONDS. A body that does not arrive within the app's
BODY_SECONDS gets 408 (app.py). On SIGTERM requests under way are told to stop (their next
time-limit check ends them) and the server waits at most GRACEFUL_SECONDS for them.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import Any, Optional

import h11
import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import Service, create_app

log = logging.getLogger("graphsvc.http")

HEADER_SECONDS = 10.0  # a request's line and headers must arrive within this
KEEP_ALIVE_SECONDS = 5  # an idle connection is closed after this
GRACEFUL_SECONDS = 5  # on shutdown, requests under way get this long to finish
MAX_CONNECTIONS = 1000  # more at once are answered 503 by uvicorn
MAX_HEADER_BYTES = 16 * 1024  # a request head larger than this is refused (400)


class Protocol(H11Protocol):
    """h11, with a deadline for each request's head."""

    header_seconds = HEADER_SECONDS
    _head_timer: Any = None

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def _await_head(self) -> None:
        self._head_timer = self.loop.call_later(self.header_seconds, self._head_late)

    def handle_events(self) -> None:
        super().handle_events()
        if self._head_timer is not None and self.conn.their_state is not h11.IDLE:
            self._head_timer.cancel()  # the head is in
            self._head_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._head_timer is None:
            self._await_head()  # the next request's head, on a kept-alive connection

    def connection_lost(self, exc: Optional[Exception]) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def _head_late(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return  # gone, or the head came in after all
        # No request to answer in h11's terms; the status line says why all the same.
        self.transport.write(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        self.transport.close()


def config(app: Starlette, host: str, port: int, **overrides: Any) -> uvicorn.Config:
    settings: dict[str, Any] = dict(
        host=host, port=port, http=Protocol, timeout_keep_alive=KEEP_ALIVE_SECONDS, timeout_graceful_shutdown=GRACEFUL_SECONDS,
        limit_concurrency=MAX_CONNECTIONS, h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        # No access log: query strings can carry names; the audit log is where requests are recorded.
        access_log=False, log_level="info",
    )
    settings.update(overrides)
    return uvicorn.Config(app, **settings)


class Server(uvicorn.Server):
    """Tells the service to stop its requests as soon as the shutdown begins."""

    def __init__(self, service: Service, config: uvicorn.Config):
        super().__init__(config)
        self.service = service

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.service.stopping.set()
        super().handle_exit(sig, frame)


def serve(service: Service, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM, then close the store."""
    app = create_app(service)
    try:
        Server(service, config(app, host, port)).run()
    finally:
        service.stopping.set()
        app.state.workers.shutdown(wait=False, cancel_futures=True)
        _wait_for_workers(GRACEFUL_SECONDS)
        service.store.close()  # the embedded store may save its snapshot (store/snapshot.py)
    if _busy_workers():
        # A worker still inside one long store call would hold the exit; nothing it does now
        # can reach a client, and every acknowledged write is already durable.
        log.warning("exiting with %d request(s) still stopping", len(_busy_workers()))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _busy_workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("graphql") and t.is_alive()]


def _wait_for_workers(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for thread in _busy_workers():
        thread.join(max(0.0, deadline - time.monotonic()))

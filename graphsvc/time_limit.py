"""The time one request may take.

A request runs in a worker thread, and a thread cannot be stopped from outside, so the
domain checks the request's deadline as it works (each resolver, each item it presents, each
page) and stops with REQUEST_TIMEOUT once it has passed. The HTTP layer answers at the
deadline (and a moment's grace) whatever the thread is doing.

A request that has begun to write is not stopped: a write is bounded by its batch size, and
stopping it half-way through its answer would hide from the client what was committed.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional

from .errors import DomainError

_current: ContextVar[Optional["TimeLimit"]] = ContextVar("graphsvc_time_limit", default=None)


class RequestTimeout(DomainError):
    code = "REQUEST_TIMEOUT"


class TimeLimit:
    """stopping: set when the server shuts down, which stops every request at its next check."""

    def __init__(self, seconds: float, stopping: Optional[threading.Event] = None):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.stopping = stopping or threading.Event()
        self.writing = False

    def passed(self) -> bool:
        return not self.writing and (self.stopping.is_set() or time.monotonic() > self.deadline)

    def error(self) -> RequestTimeout:
        if self.stopping.is_set():
            return RequestTimeout("the service is shutting down; the request was stopped")
        return RequestTimeout(f"the request ran longer than {self.seconds:g} s and was stopped")


@contextmanager
def applied(limit: TimeLimit) -> Iterator[TimeLimit]:
    token = _current.set(limit)
    try:
        yield limit
    finally:
        _current.reset(token)


def check() -> None:
    """Raise RequestTimeout if this request's time is up (a no-op outside a request)."""
    limit = _current.get()
    if limit is not None and limit.passed():
        raise limit.error()


def writing() -> None:
    """This request has begun to write: from here it runs to its end."""
    limit = _current.get()
    if limit is not None:
        check()
        limit.writing = True

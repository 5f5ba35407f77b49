"""Answers to repeated reads, kept while the database they came from has not changed.

A point look-up on Neo4j is a round trip and Neo4j's work on the same two cores as the service
(the large-la benchmark: ~0.7-2 ms of a request the bare GraphQL floor answers in ~0.8-1.9).
The same entity read by readers who see the same things gets the same answer until something
is written. So the store keeps such answers, keyed by the read and everything the answer
depends on (the reader's auths, agency and name, the published imports, the scopes' version),
and drops them all when the database changes:

- at once when this process writes (the store calls `changed` after each write commits);
- within `poll_seconds` when another process does: a thread reads the database's version (its
  counters of assertions, decisions and scopes, each bumped by every write that can change
  what a reader sees) and drops everything when it moved.

So an answer is never staler than `poll_seconds` plus a poll's round trip, and never stale at
all after this process's own writes. Only reads about now are kept (no asOf, no validAt).
The Neo4j store keeps entity reads and entities' kinds and family links (which patterns read
for thousands of entities at a time).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, Mapping

log = logging.getLogger(__name__)


class ReadCache:
    """`version()` reads the database's version (any hashable; raises when unreachable).
    Answers are kept on shelves, each holding at most its size (`sizes`: shelf -> size), the
    least recently used dropped first: an entity read can hold hundreds of assertions, a kind
    is one word."""

    def __init__(self, version: Callable[[], Hashable], poll_seconds: float, sizes: Mapping[str, int]):
        if poll_seconds <= 0 or not sizes or min(sizes.values()) < 1:
            raise ValueError("poll_seconds must be positive and every shelf's size at least 1")
        self._version = version
        self._poll_seconds = poll_seconds
        self._sizes = dict(sizes)
        self._lock = threading.Lock()
        self._shelves: dict[str, OrderedDict[Hashable, Any]] = {shelf: OrderedDict() for shelf in sizes}
        self._generation = 0  # bumped whenever the answers are dropped
        self._seen: Hashable = None  # the version last read; None: not known (nothing is kept)
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="graphsvc-read-cache", daemon=True)
        self._poller.start()

    def get(self, shelf: str, key: Hashable) -> tuple[bool, Any, int]:
        """(found, answer, generation): on a miss, read, then `put` with this generation."""
        found, generation = self.get_many(shelf, [key])
        return (True, found[key], generation) if found else (False, None, generation)

    def get_many(self, shelf: str, keys: list[Hashable]) -> tuple[dict[Hashable, Any], int]:
        """({key: answer} for those of the keys kept, generation): `get` for many at once."""
        with self._lock:
            answers, found = self._shelves[shelf], {}
            for key in keys:
                if key in answers:
                    answers.move_to_end(key)
                    found[key] = answers[key]
            return found, self._generation

    def put(self, shelf: str, key: Hashable, answer: Any, generation: int) -> None:
        """Keep an answer read since `get` gave `generation`, unless the answers were dropped
        meanwhile (the read may have started before the change)."""
        self.put_many(shelf, {key: answer}, generation)

    def put_many(self, shelf: str, found: Mapping[Hashable, Any], generation: int) -> None:
        """`put` for many answers read since `get_many` gave `generation`."""
        with self._lock:
            if generation != self._generation or self._seen is None:
                return
            answers = self._shelves[shelf]
            for key, answer in found.items():
                answers[key] = answer
                answers.move_to_end(key)
            while len(answers) > self._sizes[shelf]:
                answers.popitem(last=False)

    def changed(self) -> None:
        """Something was written: drop every answer."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        for answers in self._shelves.values():
            answers.clear()
        self._generation += 1

    def _poll(self) -> None:
        while True:
            try:
                seen = self._version()
            except Exception as exc:  # unreachable: keep nothing until it answers again
                log.debug("read cache poll failed: %s", type(exc).__name__)
                seen = None
            with self._lock:
                if seen != self._seen or seen is None:
                    self._drop()
                    self._seen = seen
            if self._stop.wait(self._poll_seconds):
                return

    def close(self) -> None:
        self._stop.set()
        self._poller.join()
        with self._lock:
            self._drop()
            self._seen = None

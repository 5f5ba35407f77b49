"""A local, durable queue of accountability records (audit entries, owner notifications) on
their way to the shared store.

An answer may not leave before its audit entry, and the notices owed to the owners of what it
showed, are stored. With them in Neo4j, storing them there costs each request a write
transaction or two (round trips and Neo4j's commits): most of a point look-up's time. Stored
here first instead (SQLite in WAL mode, synchronous=FULL: on disk before the answer leaves,
through a power cut too, as the embedded store's audit entries are; requests side by side
share a commit), they are written to the shared store by a
background drainer moments later, in the order recorded, many per transaction.

Each outbox has an id of its own, kept in its file. The shared store remembers the last record
drained from each outbox in the same transaction as the records, so a record is written once
even if the process dies between that commit and the local delete.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable

from ...audit import GroupCommit
from ..base import StoreUnavailable

log = logging.getLogger(__name__)

AUDIT = "audit"  # an audit entry, to be numbered and chained into the log
ACCESS = "access"  # an owner notification (AccessNotification's record)
KINDS = (AUDIT, ACCESS)

Numbered = list[tuple[int, str, dict[str, Any]]]  # (number in the outbox, kind, record), oldest first
# drain(outbox id, records): write them to the shared store in one transaction, leaving out
# those the shared store's mark for this outbox says were written already.
Drain = Callable[[str, Numbered], None]

_SCHEMA = (
    # AUTOINCREMENT: a number is never given twice, even once every row before it was deleted
    # (the shared store's mark is a number: a reused one would be taken as written already)
    "CREATE TABLE IF NOT EXISTS outbox (n INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_BATCH = 500  # records per draining transaction at most
_ALL = 2 ** 62  # above any record's number


class Outbox:
    """`record` stores a record durably and returns; a drainer thread hands what was recorded
    to `drain`, oldest first, and deletes it here once written. `flush` drains everything
    recorded before it was called (readers of the shared records call it first, so they see
    what was recorded before they asked). A failing `drain` (the shared store unreachable)
    leaves the records here, tried again `retry_seconds` later and whenever more arrive."""

    def __init__(self, path: str | Path, drain: Drain, retry_seconds: float = 1.0, linger_seconds: float = 0.05):
        self.path = Path(path)
        self._drain = drain
        self._retry_seconds = retry_seconds
        # Woken, the drainer waits this long for more to arrive: a few transactions a second
        # instead of one per request, each a round trip and Python work beside the requests'
        # (measured at one client: the drainer was a fifth of the server's samples). Readers
        # of the shared records do not wait for it (they flush).
        self._linger_seconds = linger_seconds
        self._checkpointed = time.monotonic()
        # Every write (record, delete) goes through one connection under a Python lock: two
        # writing connections wait for each other in SQLite's busy handler, which sleeps
        # (measured: p95 above 250 ms at 8 clients). The drainer reads and checkpoints through
        # a second one, outside that lock: a checkpoint syncs the file to disk, and done by
        # each commit (SQLite's default) it held the lock requests record under (measured: 30%
        # of a loaded server's samples waiting for it). In WAL mode neither blocks a writer.
        try:
            self._db = _connect(self.path)
            self._drainer_db = _connect(self.path)
        except sqlite3.Error as exc:  # a missing folder, a read-only file: say which file, not a traceback of SQLite's
            raise ValueError(f"the outbox {self.path} cannot be opened (GRAPHSVC_OUTBOX, else beside the key files): {exc}") from None
        self._db.execute("PRAGMA wal_autocheckpoint=0")  # the drainer checkpoints
        self._lock = threading.Lock()  # the writing connection: one statement at a time
        # Requests side by side share a commit (a WAL append each, measured at 32 clients: most
        # of the server's threads queued on the lock when each request committed its own).
        self._group = GroupCommit(self._insert)
        self._drain_lock = threading.Lock()  # the reading connection; one drain at a time, so in order
        with self._lock:
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('id', ?)", (str(uuid.uuid4()),))
            self.id: str = self._db.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()[0]
        self._wake = threading.Event()
        self._stopping = False
        self._wake.set()  # what an earlier process left here goes first
        self._drainer = threading.Thread(target=self._run, name="graphsvc-outbox", daemon=True)
        self._drainer.start()

    def record(self, kind: str, records: list[dict[str, Any]]) -> None:
        """Store the records durably, together (committed before this returns)."""
        if kind not in KINDS:
            raise ValueError(f"unknown outbox record kind {kind!r}")
        rows = [(kind, json.dumps(r, separators=(",", ":"), ensure_ascii=False)) for r in records]
        if rows:
            try:
                self._group.append({"rows": rows})
            except sqlite3.Error as exc:  # a full disk, a read-only file: no answer may leave
                raise StoreUnavailable(f"the outbox {self.path} cannot be written: {exc}") from None
            self._wake.set()

    def _insert(self, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows of every call queued behind the last commit, in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT INTO outbox (kind, body) VALUES (?, ?)", [row for call in calls for row in call["rows"]])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return calls

    def pending(self) -> int:
        """How many records wait here (never behind a drain: health checks ask while Neo4j is down)."""
        with self._lock:
            return self._db.execute("SELECT count(*) FROM outbox").fetchone()[0]

    def flush(self) -> None:
        """Drain everything recorded before this call; raises what `drain` raised if it fails."""
        with self._drain_lock:
            last = self._drainer_db.execute("SELECT max(n) FROM outbox").fetchone()[0]
        while last is not None and self._drain_once(upto=last):
            pass

    def _drain_once(self, upto: int = _ALL) -> int:
        """Drain the oldest records (a batch at most, none numbered above `upto`); how many."""
        with self._drain_lock:
            rows = self._drainer_db.execute("SELECT n, kind, body FROM outbox WHERE n <= ? ORDER BY n LIMIT ?", (upto, _BATCH)).fetchall()
            if not rows:
                return 0
            self._drain(self.id, [(n, kind, json.loads(body)) for n, kind, body in rows])
            with self._lock:
                self._db.execute("DELETE FROM outbox WHERE n <= ?", (rows[-1][0],))
            if time.monotonic() - self._checkpointed > 1.0:  # a checkpoint syncs: not after every drain
                self._drainer_db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # alongside recording, never blocking it
                self._checkpointed = time.monotonic()
            return len(rows)

    def _run(self) -> None:
        while not self._stopping:
            if self._wake.wait(self._retry_seconds) and not self._stopping:
                time.sleep(self._linger_seconds)
            self._wake.clear()
            try:
                # Again at once only while a backlog is left (a full batch drained): records
                # that arrived during a drain wait for the next, after the linger. Draining
                # whatever had arrived meanwhile ran one transaction after another, a few
                # records each, at a quarter of a core (measured: 1 client, point look-ups).
                while not self._stopping and self._drain_once() == _BATCH:
                    pass
            except Exception as exc:  # the shared store unreachable: the records wait here
                # The error's type and first line only: never a record's content.
                log.warning("accountability records wait in %s: %s: %s", self.path, type(exc).__name__, (str(exc).splitlines() or [""])[0])

    def close(self) -> None:
        """Stop the drainer after a last attempt to drain what is here (what fails stays for the
        next process to open this outbox)."""
        self._stopping = True
        self._wake.set()
        self._drainer.join()
        try:
            self.flush()
        except Exception as exc:
            log.warning("accountability records left in %s: %s", self.path, type(exc).__name__)
        with self._lock, self._drain_lock:
            self._db.close()
            self._drainer_db.close()


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # NORMAL survives kill -9 but not a power cut
    return db

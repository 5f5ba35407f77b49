"""The SQLite half of a large append, in a process of its own.

A bulk import validates records in Python on one core; this process inserts the rows already
validated into the log on the other, all in one transaction that commits only when told to.
If the importer stops or dies before that, the pipe closes and the transaction rolls back, so
the log holds all of the import or none of it (EmbeddedStore.append_all).

On stdin: pickled lists of assertions' fields (sql.FIELDS), then, to commit, the import's audit
entry (a dict, sealed here into the same transaction: the import and the entry naming it
commit together) or None. On stdout, once: None when committed, or the error's text. The pipe runs between this package's own
processes.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Optional, Sequence

from .. import audit, faults
from ..model import Assertion, Chunk
from . import sql
from .sqlite import connect, rows_of, seal_into


class LogWriteError(sqlite3.DatabaseError):
    """The writer process could not write the rows; nothing was committed. An sqlite3 error, as
    the same failure of an append in this process would be."""


class Writer:
    """The importer's end: send assertions, then commit; leaving without committing rolls back."""

    def __init__(self, path: Path):
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)}
        self.process = subprocess.Popen([sys.executable, "-c", _MAIN, str(path)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.failed = threading.Event()
        self.queue: queue.SimpleQueue[Optional[bytes]] = queue.SimpleQueue()
        self.feeder = threading.Thread(target=self._feed, name="log-writer-feed", daemon=True)
        self.feeder.start()

    def send(self, assertions: Sequence[Assertion]) -> None:
        """Queue the assertions; a thread feeds the pipe, so the caller never waits for the
        writer to finish the previous ones (the write itself lets go of the GIL). They travel
        as tuples of their fields, which pickle at a third of an Assertion's cost (an import's
        Chunk has them already); the writer makes the rows, on its own core."""
        if self.failed.is_set():
            raise LogWriteError(self._reply() or "the log writer stopped")
        fields = assertions.fields if isinstance(assertions, Chunk) else list(map(sql.FIELDS, assertions))
        self.queue.put(pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL))

    def _feed(self) -> None:
        pipe = self.process.stdin
        while (data := self.queue.get()) is not None:
            if not self.failed.is_set():
                try:
                    pipe.write(data)  # type: ignore[union-attr]
                except BrokenPipeError:  # it stopped early: its reply says why
                    self.failed.set()
        try:
            pipe.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            self.failed.set()

    def _close_pipe(self, commit: bool, audit_entry: Optional[dict] = None) -> None:
        if commit:
            self.queue.put(pickle.dumps(audit_entry))
        self.queue.put(None)
        self.feeder.join()

    def commit(self, audit_entry: Optional[dict] = None) -> None:
        """Returns once the rows (and `audit_entry`, completed to name them) are committed; the
        writer goes on to checkpoint them into the database file, and leaving the `with` waits
        for that."""
        self._close_pipe(commit=True, audit_entry=audit_entry)
        problem = self._reply()
        if problem is not None:
            raise LogWriteError(problem)

    def _reply(self) -> Optional[str]:
        try:
            return pickle.load(self.process.stdout)  # type: ignore[arg-type]
        except (EOFError, pickle.UnpicklingError):
            return "the log writer stopped without a reply"

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.feeder.is_alive():  # not committed: the writer reads the end of the pipe and rolls back
            self._close_pipe(commit=False)
        self.process.wait()
        self.process.stdout.close()  # type: ignore[union-attr]


def serve(path: str, rows_in: IO[bytes], reply_out: IO[bytes]) -> int:
    gc.disable()  # what it makes is freed as it goes (no cycles); collections would walk it for nothing
    db: Optional[sqlite3.Connection] = None
    replied = False
    try:
        db = connect(path)
        # The commit only appends to the WAL (durable there); copying the import into the
        # database file, seconds for millions of rows, follows the reply (below), while the
        # importer builds its projection.
        db.execute("PRAGMA wal_autocheckpoint=0")
        db.execute("BEGIN IMMEDIATE")
        ids: list[str] = []  # the ids written, while few enough to name one by one (audit.NAME_EACH)
        count, first_id, last_id = 0, None, None
        while isinstance(sent := pickle.load(rows_in), list):
            db.executemany(sql.INSERT_ASSERTION, rows_of(sent))
            if sent:
                count += len(sent)
                first_id, last_id = first_id or sent[0][0], sent[-1][0]
                if count <= audit.NAME_EACH:
                    ids.extend(row[0] for row in sent)
        if sent is not None:  # the import's audit entry: sealed in this transaction, after the log's head
            if count > audit.NAME_EACH:
                first, last = (db.execute(sql.SEQ_OF, (i,)).fetchone()[0] for i in (first_id, last_id))
                seal_into(db, [audit.naming(sent, count=count, span=f"seq {first}..{last}")])
            else:
                seal_into(db, [audit.naming(sent, ids)])
        faults.point("log-writer.before-commit")
        db.execute("COMMIT")
        faults.point("log-writer.after-commit")
        pickle.dump(None, reply_out)
        reply_out.flush()
        replied = True
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except (EOFError, pickle.UnpicklingError):  # the importer gave up or died: nothing is kept
        return 1
    except sqlite3.Error as exc:  # the importer hears why, unless it has heard "committed"
        if not replied:
            pickle.dump(f"{type(exc).__name__}: {exc}", reply_out)
        return 0 if replied else 1
    finally:
        if db is not None:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()
    return 0


# Not `-m`: the package imports this module before running it as __main__.
_MAIN = "import sys; from graphsvc.store import log_writer; sys.exit(log_writer.serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer))"

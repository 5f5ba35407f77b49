"""The staged import: an append too large for one transaction, written in batches that nobody
sees until one last small transaction publishes them all (or none: a failed or abandoned import
is removed)."""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import uuid
from datetime import timedelta
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from neo4j import ManagedTransaction

from ... import audit, faults
from ...model import Assertion, format_time, utcnow
from ..base import StoreUnavailable
from .rows import row_of
from .sessions import _first_line

log = logging.getLogger("graphsvc.store.neo4j")

# Above this many assertions an append is staged (StagedImport._append_staged): Neo4j holds
# each written assertion in transaction memory until commit (about 6 KB each, measured: a
# 1 GB heap refuses one transaction of ~120,000), so a large import cannot be one transaction.
STAGE_ABOVE = 20_000
_WRITERS = 2  # threads writing a staged import's batches side by side (Neo4j writes a transaction on one core)
_AHEAD = 2  # batches an import validates ahead of those being written (bounded memory)
ABANDONED_AFTER = timedelta(minutes=10)  # an unpublished import not heard from for this long is removed


def _abandoned(import_id: str) -> StoreUnavailable:
    """A staged import silent for so long that another store removed it as abandoned."""
    return StoreUnavailable(f"the import {import_id} was removed as abandoned before it could be published; run it again")


def _in_background(batches: Iterable[list[dict[str, Any]]], write: Callable[[list[dict[str, Any]]], None], writers: int) -> int:
    """Write the batches in `writers` threads while this one makes the next (an import's
    validation runs in Python, its writing in Neo4j: the two overlap), at most _AHEAD batches
    ahead. Stops at the first error on either side and raises it once every writer has
    stopped; returns the number of rows written (all of them, or it raises)."""
    ahead: queue.Queue[Optional[list[dict[str, Any]]]] = queue.Queue(maxsize=_AHEAD)
    failed: list[BaseException] = []
    stop = threading.Event()
    queued = 0

    def writer() -> None:
        while (rows := ahead.get()) is not None:
            if failed or stop.is_set():
                continue  # drain, so the other side never blocks on a full queue
            try:
                write(rows)
            except BaseException as exc:
                failed.append(exc)
            # Done with: the driver keeps a query's parameters in reference cycles, which only
            # the collector frees, and bulk.import_file pauses it (heap). Left to it, every
            # batch stayed in memory to the import's end (4.4 of the 7.4 GB peak at large-la).
            rows.clear()

    threads = [threading.Thread(target=writer, name=f"neo4j-import-writer-{i}", daemon=True) for i in range(writers)]
    for thread in threads:
        thread.start()
    try:
        for rows in batches:
            if failed:
                break
            queued += len(rows)  # before the hand-over: a writer empties the batch once written
            ahead.put(rows)
    except BaseException:
        stop.set()
        raise
    finally:
        for _ in threads:
            ahead.put(None)
        for thread in threads:
            thread.join()
    if failed:
        raise failed[0]
    return queued


class StagedImport:
    """Neo4jStore's staged import (it sets these attributes up; _run, _read and _write are
    Sessions', _flush_outbox and _seal_under_lock Accountability's)."""

    batch_size: int
    abandoned_after: timedelta
    _queries: dict[str, str]

    def _append_staged(self, chunks: Iterable[Sequence[Assertion]], audit_entry: Optional[dict] = None) -> int:
        """All or none, in many transactions: every batch carries the import's id and is shown
        to nobody (fragments/shown.cypher, log, count) until one last small transaction
        publishes the import. A failure (in validating a later chunk, or in writing) removes
        what was written; an importer killed outright leaves an unpublished import, removed by
        the next store that finds it abandoned. The audit entry naming the import (by its id,
        which its assertions keep) is sealed in the publishing transaction: the import is shown
        exactly when its entry is in the log.

        The batches are numbered as they are made and written by _WRITERS threads side by side
        while this one validates the next chunk: Neo4j writes a transaction on one core, so
        one writer left the other idle."""
        self._discard_abandoned()
        import_id = uuid.uuid4().hex
        self._write("import_open", id=import_id, now=format_time(utcnow()))
        superseders: list[str] = []
        try:
            batches = self._staged_batches(import_id, chunks, superseders)
            written = _in_background(batches, lambda rows: self._write_staged(import_id, rows), _WRITERS)
            # Batches written side by side do not see each other's nodes: link what supersedes
            # again once all are written (MERGE: a link made already is left as it is).
            for i in range(0, len(superseders), self.batch_size):
                self._write("link_assertions", ids=superseders[i:i + self.batch_size])
            if audit_entry is not None:
                self._flush_outbox()

            def publish(tx: ManagedTransaction) -> bool:
                published = tx.run(self._queries["import_publish"], id=import_id, now=format_time(utcnow())).single()["published"]
                if published and audit_entry is not None:
                    self._seal_under_lock(tx, [audit.naming(audit_entry, count=written, span=f"import {import_id}")])
                faults.point("import.before-publish")
                return published

            published = self._run(True, publish)
            faults.point("import.after-commit")
            self._changed()
            if not published:
                raise _abandoned(import_id)
        except BaseException:
            try:
                self._discard(import_id)
            except Exception as exc:  # the server went away too: the next store removes it
                log.warning("could not remove the failed import %s: %s", import_id, _first_line(exc))
            raise
        return written

    def _staged_batches(self, import_id: str, chunks: Iterable[Sequence[Assertion]], superseders: list[str]) -> Iterator[list[dict[str, Any]]]:
        """The chunks' rows, batch_size at a time, numbered, each carrying the import's id; the
        scopes they use stored first. Appends the ids of those that supersede another."""
        known: set[str] = set()
        batch: list[Assertion] = []
        for chunk in itertools.chain(chunks, [None]):
            if chunk is not None:
                batch.extend(chunk)
            while len(batch) >= self.batch_size or (chunk is None and batch):
                part, batch = batch[:self.batch_size], batch[self.batch_size:]
                if new := {a.scope for a in part} - known:
                    self._write("append_scopes", scopes=sorted(new))
                    known |= new
                base = self._run(True, lambda tx: tx.run(self._queries["reserve_seqs"], n=len(part)).single()["base"])
                superseders.extend(a.id for a in part if a.supersedes)
                yield [{**row_of(a), "seq": base + i, "import_id": import_id} for i, a in enumerate(part, start=1)]

    def _write_staged(self, import_id: str, rows: list[dict[str, Any]]) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(self._queries["append_numbered"], rows=rows).consume()
            if not tx.run(self._queries["import_heartbeat"], id=import_id, now=format_time(utcnow())).single()["alive"]:
                raise _abandoned(import_id)  # and this batch is not committed: nothing is left behind

        self._run(True, work)
        faults.point("import.chunk-sent")

    def _discard(self, import_id: str) -> None:
        """Remove an unpublished import's assertions, a slice per transaction; the Import stays,
        marked discarded (import_discard says why)."""
        while self._run(True, lambda tx: tx.run(self._queries["import_discard"], id=import_id, limit=self.batch_size).single()["removed"]):
            pass

    def _discard_abandoned(self) -> None:
        before = format_time(utcnow() - self.abandoned_after)
        for (import_id,) in self._read("imports_abandoned", before=before):
            log.warning("removing the abandoned, unpublished import %s", import_id)
            self._discard(import_id)

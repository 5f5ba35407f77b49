"""The embedded store's accountability records in its SQLite file: sharing decisions,
acknowledgements, owner notifications and the hash-chained audit log; and the transaction
every write of the store commits in. Used by store/embedded.py only."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterable, Iterator, Optional, Sequence

from .. import audit, faults
from ..model import AccessNotification, Acknowledgement, SharingDecision, format_time
from . import sql
from .sqlite import seal_into


class EmbeddedAccountability:
    """EmbeddedStore's decisions, notices and audit log (it sets these attributes up; it
    indexes a decision to share itself, in append_decision)."""

    db: sqlite3.Connection
    lock: threading.RLock
    _audit: audit.GroupCommit

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing, committed before the caller goes on, with synchronous=FULL (see
        connect): on disk even through a power cut. Audit entries too: GroupCommit shares one
        commit among the requests waiting (measured: graphsvc/bench/durability.py)."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    def _write(self, statements: Iterable[tuple[str, tuple[Any, ...]]], audit_entry: Optional[dict] = None, names: Sequence[str] = ()) -> None:
        """The statements, and the audit entry naming `names` if given, in one transaction."""
        with self._transaction() as db:
            for statement, params in statements:
                db.execute(statement, params)
            if audit_entry is not None:
                seal_into(db, [audit.naming(audit_entry, names)])
            faults.point("write.before-commit")
        faults.point("write.after-commit")

    def decisions(self, assertion_id: Optional[str] = None) -> list[SharingDecision]:
        with self.lock:
            rows = self.db.execute(sql.SELECT_DECISIONS).fetchall()
        found = [SharingDecision.from_record(json.loads(body)) for (body,) in rows]
        return [d for d in found if assertion_id is None or assertion_id in d.assertion_ids]

    def append_acknowledgement(self, ack: Acknowledgement, audit_entry: Optional[dict] = None) -> None:
        self._write([(sql.INSERT_ACK, (ack.id, ack.decision_id, json.dumps(ack.to_record())))], audit_entry, [ack.id])

    def acknowledgements(self, decision_id: Optional[str] = None) -> list[Acknowledgement]:
        with self.lock:
            rows = self.db.execute(sql.SELECT_ACKS_FOR, (decision_id,)).fetchall() if decision_id else self.db.execute(sql.SELECT_ACKS).fetchall()
        return [Acknowledgement.from_record(json.loads(body)) for (body,) in rows]

    def append_access(self, notifications: Sequence[AccessNotification]) -> None:
        if notifications:
            self._write([(sql.INSERT_ACCESS, (n.id, n.owner_agency, format_time(n.at), json.dumps(n.to_record()))) for n in notifications])

    def accesses(self, owner_agency: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[AccessNotification]:
        low, high = format_time(start) or "", format_time(end) or "9999"
        with self.lock:
            rows = self.db.execute(sql.SELECT_ACCESSES, (owner_agency, low, high)).fetchall()
        return [AccessNotification.from_record(json.loads(body)) for (body,) in rows]

    def audit_append(self, entry: dict) -> dict:
        return self._audit.append(entry)

    def _commit_audit(self, entries: list[dict]) -> list[dict]:
        with self._transaction() as db:
            return seal_into(db, entries)

    def _audit_rows(self, statement: str, params: tuple[Any, ...] = ()) -> list[dict]:
        with self.lock:
            rows = self.db.execute(statement, params).fetchall()
        return [{c: json.loads(v) if c in ("roles", "returned") else v for c, v in zip(sql.AUDIT_COLUMNS, row)} for row in rows]

    def audit_entries(self) -> Iterator[dict]:
        return iter(self._audit_rows(sql.SELECT_AUDIT))

    def audit_for(self, assertion_id: str) -> list[dict]:
        return self._audit_rows(sql.SELECT_AUDIT_FOR, (assertion_id,))

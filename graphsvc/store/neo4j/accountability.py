"""The Neo4j store's accountability records: sharing decisions, acknowledgements, owner
notifications, and the hash-chained audit log, sealed in Neo4j under one lock (the AuditHead
node). As `graphsvc serve` opens the store, audit entries and notifications first wait in a
local durable outbox (outbox.py), drained here with the outbox's mark in one transaction."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable, Iterator, Optional, Sequence

from neo4j import ManagedTransaction

from ... import audit, faults
from ...model import AccessNotification, Acknowledgement, Assertion, SharingDecision, format_time
from .outbox import ACCESS, AUDIT, Numbered, Outbox
from .rows import _AUDIT_COLUMNS, _assertion, _audit, _padded
from .sessions import _unless_transient


class Accountability:
    """Neo4jStore's decisions, notices and audit log (it sets these attributes up; _run, _read,
    _trusted_read, _in_session and _pages are Sessions', _changed is the store's)."""

    _queries: dict[str, str]
    _audit: audit.GroupCommit
    _audit_tail: Optional[tuple[int, str]]
    _outbox: Optional[Outbox]
    _closed: bool

    def append_decision(self, decision: SharingDecision, audit_entry: Optional[dict] = None) -> None:
        params = {
            "id": decision.id, "share": bool(decision.share), "to_agency": decision.to_agency,
            "to_professional": decision.to_professional, "decided_at": format_time(decision.decided_at),
            "body": json.dumps(decision.to_record()), "assertion_ids": list(decision.assertion_ids),
        }
        self._write_audited("append_decision", params, audit_entry, [decision.id])
        self._changed()

    def decisions(self, assertion_id: Optional[str] = None) -> list[SharingDecision]:
        found = self._read("decisions") if assertion_id is None else self._read("decisions_for", id=assertion_id)
        return [SharingDecision.from_record(json.loads(body)) for (body,) in found]

    def flagged(self, assertion_ids: Iterable[str]) -> list[Assertion]:
        ids = sorted(set(assertion_ids))
        if not ids:
            return []
        found = self._trusted_read("flagged", ids=_padded(ids))
        return sorted((_assertion(a) for (a,) in found), key=lambda a: a.id)

    def append_acknowledgement(self, ack: Acknowledgement, audit_entry: Optional[dict] = None) -> None:
        params = {"id": ack.id, "decision_id": ack.decision_id, "body": json.dumps(ack.to_record())}
        self._write_audited("append_acknowledgement", params, audit_entry, [ack.id])

    def _write_audited(self, query: str, params: dict[str, Any], audit_entry: Optional[dict], names: list[str]) -> None:
        """One write query and, if given, the audit entry naming `names`, in one transaction."""
        if audit_entry is not None:
            self._flush_outbox()

        def work(tx: ManagedTransaction) -> None:
            tx.run(self._queries[query], params).consume()
            if audit_entry is not None:
                self._seal_under_lock(tx, [audit.naming(audit_entry, names)])
            faults.point("write.before-commit")

        self._run(True, work)
        faults.point("write.after-commit")

    def acknowledgements(self, decision_id: Optional[str] = None) -> list[Acknowledgement]:
        found = self._read("acknowledgements_for", decision_id=decision_id) if decision_id else self._read("acknowledgements")
        return [Acknowledgement.from_record(json.loads(body)) for (body,) in found]

    def append_access(self, notifications: Sequence[AccessNotification]) -> None:
        if not notifications:
            return
        rows = [{"id": n.id, "owner_agency": n.owner_agency, "at": format_time(n.at), "body": json.dumps(n.to_record())} for n in notifications]
        if self._outbox is not None:
            self._outbox.record(ACCESS, rows)
        else:
            self._run(True, lambda tx: tx.run(self._queries["append_accesses"], rows=rows).consume())

    def accesses(self, owner_agency: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[AccessNotification]:
        # The embedded store's bounds, exactly: format_time strings, "" and "9999" when open.
        low, high = format_time(start) or "", format_time(end) or "9999"
        self._flush_outbox()
        found = self._read("accesses", owner_agency=owner_agency, low=low, high=high)
        return [AccessNotification.from_record(json.loads(body)) for (body,) in found]

    # -- the audit log
    def audit_append(self, entry: dict) -> dict:
        self._flush_outbox()  # what was recorded before this entry is sealed before it
        return self._audit.append(entry)

    def _flush_outbox(self) -> None:
        """Write what waits in the outbox first: readers of the log and the notices (and a
        writer sealing after them) never miss a record made before they asked."""
        if self._outbox is not None:
            self._outbox.flush()

    def flush(self) -> None:
        if not self._closed:  # closing flushed it
            self._flush_outbox()

    def waiting(self) -> int:
        return self._outbox.pending() if self._outbox is not None and not self._closed else 0

    def audit_record(self, entry: dict) -> None:
        if self._outbox is None:
            super().audit_record(entry)
        else:
            self._outbox.record(AUDIT, [entry])

    def _seal(self, tx: Any, entries: list[dict], head: Optional[tuple[int, str]], force: bool) -> Optional[list[dict]]:
        """Store `entries` sealed after `head` (seq, hash), if the log's head is still there
        (or `force`: the caller read it under its lock); None if another writer moved it."""
        stored = audit.seal_after(entries, head)
        expected_seq, expected_hash = head or (0, "")
        found = tx.run(self._queries["audit_seal"], force=force, expected_seq=expected_seq, expected_hash=expected_hash,
                       seq=stored[-1]["seq"], hash=stored[-1]["hash"], entries=[{c: s[c] for c in _AUDIT_COLUMNS} for s in stored]).single()
        return stored if found is not None and found["fresh"] else None

    def _seal_under_lock(self, tx: Any, entries: list[dict]) -> list[dict]:
        head = tx.run(self._queries["audit_head"]).single()  # locks the log until commit
        stored = self._seal(tx, entries, (head["seq"], head["hash"]) if head else None, True)
        assert stored is not None  # forced, and audit_head made the head node
        return stored

    def _drain_outbox(self, outbox: str, numbered: Numbered) -> None:
        """A local outbox's records written here, with the outbox's mark, in one transaction;
        those the mark says were written already are left out."""

        def work(tx: ManagedTransaction) -> None:
            drained = tx.run(self._queries["outbox_claim"], outbox=outbox).single()["drained"]
            fresh = [(kind, record) for n, kind, record in numbered if n > drained]
            entries = [record for kind, record in fresh if kind == AUDIT]
            if entries:
                self._seal_under_lock(tx, entries)
            accesses = [record for kind, record in fresh if kind == ACCESS]
            if accesses:
                tx.run(self._queries["append_accesses"], rows=accesses).consume()
            tx.run(self._queries["outbox_mark"], outbox=outbox, drained=max(drained, numbered[-1][0])).consume()

        self._run(True, work)

    def _commit_audit(self, entries: list[dict]) -> list[dict]:
        """One query when the log's head is where this store last left it (nearly always: it is
        then the only writer); otherwise the head is read under its lock and the entries
        sealed after it, in the same transaction."""
        tail = self._audit_tail
        # The one query alone is its own transaction (auto-commit): one round trip, where a
        # transaction adds BEGIN and COMMIT. A transient error goes the transaction's way,
        # which retries (had the query committed after all, its entries are stored twice: the
        # log can say too much, never too little).
        stored = None
        if tail is not None:
            stored = self._in_session(lambda session: _unless_transient(lambda: self._seal(session, entries, tail, False)))
        if stored is None:
            stored = self._run(True, lambda tx: self._seal_under_lock(tx, entries))
        # Only once committed; GroupCommit runs one commit at a time.
        self._audit_tail = (stored[-1]["seq"], stored[-1]["hash"])
        return stored

    def audit_entries(self) -> Iterator[dict]:
        self._flush_outbox()
        return self._pages("audit_entries", _audit)

    def audit_for(self, assertion_id: str) -> list[dict]:
        self._flush_outbox()
        return [_audit(e) for (e,) in self._read("audit_for", id=assertion_id)]

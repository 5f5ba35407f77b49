"""The tamper-evident audit log: every read and write, hash-chained.

Each entry's hash covers its own fields and the previous entry's hash, so changing,
deleting, reordering or inserting an entry breaks the chain from that point on. Truncating
the tail leaves a valid shorter chain: a saved checkpoint (the last seq and hash) catches it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Sequence

GENESIS = "0" * 64
FIELDS = ("seq", "at", "subject", "agency", "roles", "purpose", "operation", "variables_digest", "returned", "outcome")


def entry_hash(entry: dict[str, Any], prev: str) -> str:
    body = json.dumps({k: entry[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()


def seal(entry: dict[str, Any], seq: int, prev: str) -> dict[str, Any]:
    """The entry as stored: numbered, linked to its predecessor, hashed."""
    sealed = {**{k: entry.get(k) for k in FIELDS}, "seq": seq, "prev": prev}
    sealed["returned"] = sorted(set(sealed["returned"] or []))
    sealed["roles"] = sorted(sealed["roles"] or [])
    sealed["hash"] = entry_hash(sealed, prev)
    return sealed


def seal_after(entries: Iterable[dict[str, Any]], head: Optional[tuple[int, str]]) -> list[dict[str, Any]]:
    """Entries as stored after the log's last entry (its seq and hash; None for an empty log):
    numbered on from it, each linked to the one before."""
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    out = []
    for entry in entries:
        sealed = seal(entry, seq, prev)
        seq, prev = seq + 1, sealed["hash"]
        out.append(sealed)
    return out


@dataclass(frozen=True)
class Problem:
    seq: Optional[int]
    position: int  # 1-based position in the log as read
    reason: str

    def __str__(self) -> str:
        where = f"entry seq {self.seq}" if self.seq is not None else "the log"
        return f"{where} (position {self.position}): {self.reason}"


def verify(entries: Iterable[dict[str, Any]], checkpoint: Optional[dict[str, Any]] = None) -> tuple[int, Optional[Problem]]:
    """Walk the chain; return (entries checked, the first problem or None)."""
    prev, expected_seq, count = GENESIS, 1, 0
    seen_checkpoint = checkpoint is None
    for position, entry in enumerate(entries, start=1):
        count = position
        seq = entry.get("seq")
        if entry.get("prev") != prev:
            return count, Problem(seq, position, "does not follow the entry before it (an entry was removed, inserted or moved)")
        if entry.get("hash") != entry_hash(entry, prev):
            return count, Problem(seq, position, "its content does not match its hash (the entry was changed)")
        if seq != expected_seq:
            return count, Problem(seq, position, f"is numbered {seq}, expected {expected_seq} (entries were renumbered)")
        if checkpoint is not None and seq == checkpoint["seq"]:
            if entry["hash"] != checkpoint["hash"]:
                return count, Problem(seq, position, "differs from the saved checkpoint")
            seen_checkpoint = True
        prev, expected_seq = entry["hash"], expected_seq + 1
    if not seen_checkpoint:
        assert checkpoint is not None
        return count, Problem(None, count, f"ends at entry {expected_seq - 1}, before the checkpoint's entry {checkpoint['seq']} (the log was truncated)")
    return count, None


def checkpoint(entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    last: dict[str, Any] = {"seq": 0, "hash": GENESIS}
    for entry in entries:
        last = entry
    return {"seq": last["seq"], "hash": last["hash"]}


# A write and the entry naming it commit together (ARCHITECTURE.md #6): the store seals the
# entry in the write's own transaction. Its outcome starts with COMMITTED; the request that
# made the write still leaves its own entry (status, what it showed) afterwards.
COMMITTED = "committed"
NAME_EACH = 10_000  # a write of more assertions (a large import) names them by span, not one by one


def naming(entry: dict[str, Any], ids: Sequence[str] = (), *, count: Optional[int] = None, span: Optional[str] = None) -> dict[str, Any]:
    """`entry` (who, when, which operation) completed for a write of the assertions (or the
    decision, the acknowledgement) `ids`: each id in `returned`; or, for a write of more than
    NAME_EACH assertions, the `count` written and the `span` that holds exactly them
    (embedded: "seq A..B" of the log; Neo4j: "import <id>") in the outcome, which the hash
    covers as it covers `returned`."""
    if span is not None:
        return {**entry, "returned": [], "outcome": f"{COMMITTED}: {count} written, {span}"}
    return {**entry, "returned": list(ids), "outcome": f"{COMMITTED}: {len(ids)} written"}


class GroupCommit:
    """Appends entries in groups: one transaction for every entry queued while the previous
    group was committing. Each caller still returns only once its own entry is committed (or
    raises that group's error), so an answer never leaves before its audit entry is stored;
    under concurrent requests the per-transaction cost is shared instead of paid by each.

    `commit(entries)` seals and stores the entries, in order, in one transaction, and returns
    them as stored."""

    def __init__(self, commit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]):
        self._commit = commit
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()
        self._leader = threading.Lock()  # held by the caller committing a group

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        mine = _Pending(entry)
        with self._queue_lock:
            self._queue.append(mine)
        with self._leader:
            if not mine.settled:  # no earlier leader took it: commit everything queued so far
                with self._queue_lock:
                    group, self._queue = self._queue, []
                try:
                    for pending, stored in zip(group, self._commit([p.entry for p in group]), strict=True):
                        pending.stored = stored
                except BaseException as exc:
                    for pending in group:
                        pending.error = exc
        if mine.error is not None:
            raise mine.error
        assert mine.stored is not None
        return mine.stored


@dataclass
class _Pending:
    entry: dict[str, Any]
    stored: Optional[dict[str, Any]] = None
    error: Optional[BaseException] = None

    @property
    def settled(self) -> bool:
        return self.stored is not None or self.error is not None

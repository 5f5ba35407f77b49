"""Moving a whole store: export everything as JSON Lines, restore it into another backend.

An export holds the stored assertions verbatim (ids, record times, provenance), sharing
decisions, acknowledgements, access notifications and the audit log in order, so an
embedded deployment can move to Neo4j without losing anything. `graphsvc import` reads
these records back (see restore()).

An export *for an agency* is different: it is onward sharing, so it holds only assertions
whose handling condition lets that agency pass them on.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from typing import Any, Iterable, Iterator, Optional

from . import audit, scope as scopes, vocabulary
from .ingest import IngestError, RecordError
from .model import AccessNotification, Acknowledgement, Assertion, SharingDecision, may_share
from .store.base import GraphStore

STORED = {
    "stored_assertion": Assertion,
    "stored_decision": SharingDecision,
    "stored_acknowledgement": Acknowledgement,
    "stored_access": AccessNotification,
}
AUDIT = "audit_entry"
TYPES = frozenset(STORED) | {AUDIT}


def export_all(store: GraphStore) -> Iterator[dict[str, Any]]:
    for a in store.log():
        yield {"type": "stored_assertion", **a.to_record()}
    for d in store.decisions():
        yield {"type": "stored_decision", **d.to_record()}
    for k in store.acknowledgements():
        yield {"type": "stored_acknowledgement", **k.to_record()}
    for agency in sorted({n for d in store.decisions() for n in (d.from_agency, d.to_agency)} | {a.agency for a in store.log()}):
        for n in store.accesses(agency):
            yield {"type": "stored_access", **n.to_record()}
    for e in store.audit_entries():
        yield {"type": AUDIT, **e}


def export_for_agency(store: GraphStore, agency: str) -> Iterator[dict[str, Any]]:
    """Assertions the agency may pass on: its own, and others' marked 'permitted'."""
    for a in store.log():
        if may_share(agency, a):
            yield {"type": "stored_assertion", **a.to_record()}


def write_jsonl(records: Iterable[dict[str, Any]], out: Any) -> int:
    count = 0
    for r in records:
        out.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def _restore_object(line: int, record: dict[str, Any], errors: list[RecordError]) -> Optional[Any]:
    cls = STORED[record["type"]]
    body = {k: v for k, v in record.items() if k != "type"}
    names = {f.name for f in fields(cls)}
    unknown = set(body) - names
    missing = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING and f.name not in body}
    if unknown or missing:
        errors.append(RecordError(line, "$", f"{record['type']}: unknown fields {sorted(unknown)}, missing fields {sorted(missing)}"))
        return None
    try:
        obj = cls.from_record(body)  # type: ignore[attr-defined]
        if isinstance(obj, Assertion):
            scopes.validate(obj.scope)
            if obj.predicate not in vocabulary.PREDICATES or obj.method not in vocabulary.METHODS or obj.status not in vocabulary.STATUSES:
                raise ValueError("predicate, method or status is not in the vocabulary")
        return obj
    except (TypeError, ValueError, AttributeError) as exc:
        errors.append(RecordError(line, "$", f"{record['type']}: {exc}"))
        return None


def restore(store: GraphStore, rows: list[tuple[int, dict[str, Any]]]) -> int:
    """Restore exported records verbatim. Records already present (same id, same content)
    are skipped, so a restore interrupted part-way can simply be run again; a clash raises
    IngestError and writes nothing."""
    errors: list[RecordError] = []
    objects: dict[str, list[tuple[int, Any]]] = {t: [] for t in STORED}
    entries: list[tuple[int, dict[str, Any]]] = []
    for line, record in rows:
        if record["type"] == AUDIT:
            entries.append((line, record))
            continue
        obj = _restore_object(line, record, errors)
        if obj is not None:
            objects[record["type"]].append((line, obj))
    new_assertions = []
    for line, a in objects["stored_assertion"]:
        existing = store.assertion(a.id, None)
        if existing is None:
            new_assertions.append(a)
        elif existing != a:
            errors.append(RecordError(line, "$.id", f"assertion {a.id} exists with different content"))
    known = {d.id: d for d in store.decisions()}
    new_decisions = [d for _, d in objects["stored_decision"] if d.id not in known]
    for line, d in objects["stored_decision"]:
        if d.id in known and known[d.id] != d:
            errors.append(RecordError(line, "$.id", f"decision {d.id} exists with different content"))
    acks = {k.id for k in store.acknowledgements()}
    new_acks = [k for _, k in objects["stored_acknowledgement"] if k.id not in acks]
    accesses = {n.id for agency in {n.owner_agency for _, n in objects["stored_access"]} for n in store.accesses(agency)}
    new_accesses = [n for _, n in objects["stored_access"] if n.id not in accesses]
    present = list(store.audit_entries())
    bodies = [{k: v for k, v in e.items() if k != "type"} for _, e in entries]
    _, problem = audit.verify(bodies)
    if problem is not None:
        errors.append(RecordError(entries[problem.position - 1][0] if problem.position <= len(entries) else 0, "$", f"the exported audit log is broken: {problem}"))
    for line, e in entries:
        body = {k: v for k, v in e.items() if k != "type"}
        if body.get("seq", 0) <= len(present) and present[body["seq"] - 1] != body:
            errors.append(RecordError(line, "$", f"audit entry {body.get('seq')} differs from the one already stored"))
    if errors:
        raise IngestError(errors)
    store.append(new_assertions)
    for d in new_decisions:
        store.append_decision(d)
    for k in new_acks:
        store.append_acknowledgement(k)
    store.append_access(new_accesses)
    for line, e in entries:
        body = {k: v for k, v in e.items() if k != "type"}
        if body["seq"] <= len(present):
            continue
        stored = store.audit_append({k: body[k] for k in audit.FIELDS if k != "seq"})
        if stored["hash"] != body["hash"]:
            raise IngestError([RecordError(line, "$.hash", f"audit entry {body['seq']} does not chain onto the log here (it was altered, or the log differs)")])
    return len(new_assertions) + len(new_decisions) + len(new_acks) + len(new_accesses) + sum(1 for _, e in entries if e["seq"] > len(present))

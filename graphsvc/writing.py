"""Writes through the API: the same validation as bulk import, with the recorder and agency
taken from the caller's token and the record time from the server's clock."""

from __future__ import annotations

import uuid
from typing import Any, Optional

from .errors import BadInput, NotFound
from .ingest import IngestError, Recorder, prepare
from .model import Assertion, format_time, utcnow
from .principal import Principal
from .store.base import GraphStore
from .vocabulary import NOT_SAME_PERSON, SAME_PERSON

MAX_BATCH = 1000


def _new_ref(kind: str) -> str:
    return f"graphsvc:{kind}:{uuid.uuid4().hex[:16]}"


def write_entry(principal: Principal, operation: str) -> dict[str, Any]:
    """The audit entry a write commits with (the store adds what it names and the outcome)."""
    return {"at": format_time(utcnow()), "subject": principal.subject, "agency": principal.agency, "roles": sorted(principal.roles),
            "purpose": principal.purpose, "operation": operation, "variables_digest": None}


def record(store: GraphStore, principal: Principal, records: list[Any], operation: str = "recordAssertions") -> list[Assertion]:
    """Validate and append a batch atomically; raises BadInput naming every bad record."""
    if not records:
        raise BadInput("records: give at least one record")
    if len(records) > MAX_BATCH:
        raise BadInput(f"records: at most {MAX_BATCH} records in one batch")
    # Without a scope, a record is visible to the writer's own agency only: sharing wider is a decision.
    rows = [(i, {"scope": principal.agency, **r} if isinstance(r, dict) else r) for i, r in enumerate(records)]
    try:
        assertions = prepare(rows, store, view=principal.view(), recorder=Recorder(principal.agency, principal.subject))
    except IngestError as exc:
        raise BadInput("; ".join(f"records[{e.line}]: {e.path}: " + (f"{e.code}: " if e.code else "") + e.message for e in exc.errors)) from None
    store.append(assertions, write_entry(principal, operation))
    return assertions


def _one(written: list[Assertion], rec: dict[str, Any]) -> Assertion:
    if not written:
        raise BadInput(f"source_ref {rec['source_ref']!r} was already recorded")
    return written[0]


def _target(store: GraphStore, principal: Principal, assertion_id: str) -> Assertion:
    target = store.assertion(assertion_id, principal.view())
    if target is None:
        raise NotFound.assertion(assertion_id)
    return target


def correct(store: GraphStore, principal: Principal, assertion_id: str, value: Any = None, obj: Optional[str] = None,
            source_ref: Optional[str] = None, method: Optional[str] = None, status: Optional[str] = None) -> Assertion:
    target = _target(store, principal, assertion_id)
    if (value is None) == (obj is None):
        raise BadInput("give exactly one of value (for an attribute) or object (for a link)")
    if obj is not None and store.kind_of(obj, principal.view()) is None:
        raise NotFound.entity(obj)  # as for any id argument: the same whether unknown or hidden
    rec: dict[str, Any] = {
        "type": "assertion", "subject": target.subject, "predicate": target.predicate, "supersedes": target.id,
        "source_ref": source_ref or _new_ref("correction"), "method": method or target.method, "status": status or target.status,
        "scope": target.scope, "handling": target.handling,
        **({"value": value} if value is not None else {"object": obj}),
    }
    if target.role is not None:
        rec["role"] = target.role
    for key in ("valid_from", "valid_to"):
        if getattr(target, key) is not None:
            rec[key] = getattr(target, key).isoformat()
    return _one(record(store, principal, [rec], "correctAssertion"), rec)


def retract(store: GraphStore, principal: Principal, assertion_id: str, reason: str, source_ref: Optional[str] = None) -> Assertion:
    target = _target(store, principal, assertion_id)
    rec = {"type": "retraction", "retracts": target.id, "reason": reason, "source_ref": source_ref or _new_ref("retraction"),
           "method": "document", "status": "fact", "scope": target.scope}
    return _one(record(store, principal, [rec], "retractAssertion"), rec)


def same_person(store: GraphStore, principal: Principal, a: str, b: str, reason: str, same: bool) -> Assertion:
    """A practitioner's decision on whether two records are of one person (identity.py): a
    same_person_as (same) or not_same_person link, visible to the caller's agency as any API
    write is by default, the reason kept as its evidence. Undone by retraction."""
    if not reason.strip():
        raise BadInput("reason: say why")
    if a == b:
        raise BadInput("a and b: give two different records")
    for entity_id in (a, b):
        if store.kind_of(entity_id, principal.view()) is None:
            raise NotFound.entity(entity_id)  # as for any id argument: the same whether unknown or hidden
    rec = {"type": "assertion", "subject": a, "predicate": SAME_PERSON if same else NOT_SAME_PERSON, "object": b,
           "value": {"probability": 1.0 if same else 0.0, "evidence": {"reason": reason}},
           "source_ref": _new_ref("identity"), "method": "confirmed_by_practitioner", "status": "professional_judgement"}
    return _one(record(store, principal, [rec], "confirmSamePerson" if same else "rejectSamePerson"), rec)

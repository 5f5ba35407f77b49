"""Builders for test records: each call gives a fresh source_ref, so tests read as the scenario."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

_refs = itertools.count(1)


def _prov(agency: str, scope: str, recorded_at: str | None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "agency": agency,
        "recorded_by": f"pro-{agency}-1",
        "source_ref": extra.pop("source_ref", None) or f"{agency.upper()}-{next(_refs):06d}",
        "method": extra.pop("method", "observed"),
        "status": extra.pop("status", "fact"),
        "scope": scope,
    }
    if recorded_at is not None:
        out["recorded_at"] = recorded_at
    out.update(extra)
    return out


def entity(id: str, kind: str, agency: str = "police", scope: str = "", recorded_at: str | None = None, attributes: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "entity", "id": id, "kind": kind, "attributes": attributes or {}, **_prov(agency, scope, recorded_at, **extra)}


def link(subject: str, predicate: str, obj: str, agency: str = "police", scope: str = "", recorded_at: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "assertion", "subject": subject, "predicate": predicate, "object": obj, **_prov(agency, scope, recorded_at, **extra)}


def value(subject: str, predicate: str, val: Any, agency: str = "police", scope: str = "", recorded_at: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "assertion", "subject": subject, "predicate": predicate, "value": val, **_prov(agency, scope, recorded_at, **extra)}


def event(id: str, kind: str, occurred_on: str, agency: str = "police", scope: str = "", recorded_at: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {k: extra.pop(k) for k in ("ended_on", "attributes", "participants", "occurred_at", "found_at", "found_with") if k in extra}
    return {"type": "event", "id": id, "kind": kind, "occurred_on": occurred_on, **body, **_prov(agency, scope, recorded_at, **extra)}


def retraction(target: str, reason: str = "recorded in error", agency: str = "police", recorded_at: str | None = None, **extra: Any) -> dict[str, Any]:
    extra.setdefault("method", "document")
    return {"type": "retraction", "retracts": target, "reason": reason, **_prov(agency, "", recorded_at, **extra)}


def big_file(path: Path, people: int = 6000) -> Path:
    """An import file of people, each linked to the one before: large enough to be written in
    chunks (a kill can fall between them)."""
    with path.open("w") as out:
        for i in range(people):
            out.write(json.dumps(entity(f"p-{i}", "adult", attributes={"name": f"Person {i}", "identifier": f"TEST:{i}"})) + "\n")
        for i in range(1, people):
            out.write(json.dumps(link(f"p-{i}", "associates_with", f"p-{i - 1}")) + "\n")
    return path

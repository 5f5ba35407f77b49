"""The JSON Lines record contract (schema/record.schema.json), built from the vocabulary.

Built rather than hand-written so that the enumerations can never drift from vocabulary.py;
a test checks the checked-in file equals this.
"""

from __future__ import annotations

import json
from typing import Any

from . import vocabulary as v

DATE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$"
ID = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"

_time = {"type": "string", "pattern": DATETIME}
_source_ref = {"type": "string", "minLength": 1, "maxLength": 256}
_id = {"type": "string", "pattern": ID}
_scalar = {"type": ["string", "number", "boolean"]}

PROVENANCE: dict[str, Any] = {
    "agency": {**_id, "description": "The agency that holds the source record."},
    "recorded_by": {"type": "string", "minLength": 1, "maxLength": 128, "description": "The professional who recorded it (their id)."},
    "source_ref": {**_source_ref, "description": "The agency's own record id; with the agency it identifies the record, so re-importing it creates no duplicate."},
    "recorded_at": {**_time, "description": "When the hub learned it (record time). Defaults to the time of import."},
    "valid_from": {**_time, "description": "When it became true (valid time)."},
    "valid_to": {**_time, "description": "When it stopped being true (exclusive)."},
    "method": {"enum": list(v.METHODS), "description": "How the information was obtained."},
    "status": {"enum": list(v.STATUSES), "description": "Fact, opinion, allegation or professional judgement."},
    "source_reliability": {"enum": list(v.SOURCE_RELIABILITY)},
    "information_confidence": {"enum": list(v.INFORMATION_CONFIDENCE)},
    "scope": {"type": "string", "maxLength": 1024, "description": "Access scope: an Accumulo visibility expression over authorisation tokens; empty means any authenticated user."},
    "handling": {"enum": list(v.HANDLING), "description": "Condition on onward sharing."},
    "notify_owner": {"type": "boolean", "description": "Notify the recording agency when another agency views it."},
}
REQUIRED = ["agency", "recorded_by", "source_ref", "method", "status"]


def _target(description: str) -> dict[str, Any]:
    """An earlier assertion named by its id, or by the agency and source_ref it was recorded
    under (resolved against the file and the store: it must name exactly one assertion).
    A type list, not oneOf: oneOf makes the compiled validator slow."""
    return {
        "type": ["string", "object"],
        "minLength": 1,
        "properties": {
            "agency": {**_id, "description": "The agency that recorded it; defaults to this record's agency."},
            "source_ref": {**_source_ref, "description": "The source_ref it was recorded under."},
        },
        "required": ["source_ref"],
        "additionalProperties": False,
        "description": description,
    }


_attributes = {
    "type": "object",
    "propertyNames": {"enum": sorted(v.ATTRIBUTES - {v.KIND})},
    # A value or a non-empty list of values (no oneOf: it makes the compiled validator slow).
    "additionalProperties": {"type": ["string", "number", "boolean", "array"], "items": _scalar, "minItems": 1},
}


def _record(kind: str, description: str, props: dict[str, Any], required: list[str], example: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": kind,
        "description": description,
        "type": "object",
        "properties": {"type": {"const": kind}, **props, **PROVENANCE},
        "required": ["type", *required, *REQUIRED],
        "additionalProperties": False,
        "examples": [example],
    }


_prov_example = {"agency": "police", "recorded_by": "pro-police-01", "method": "observed", "status": "fact", "scope": "police|mash"}

ENTITY = _record(
    "entity",
    "A person, agency, context or object, with attribute values. Each attribute value becomes one assertion.",
    {"id": _id, "kind": {"enum": sorted(v.ENTITY_KINDS.keys() - v.EVENTS)}, "attributes": _attributes},
    ["id", "kind"],
    {"type": "entity", "id": "child-0001", "kind": "child", "attributes": {"name": "Riley Example", "date_of_birth": "2011-04-02"}, "source_ref": "NICHE-P-104", **_prov_example},
)

ASSERTION = _record(
    "assertion",
    "One link (object) or attribute value (value) about an existing entity. With `supersedes`, it corrects an earlier assertion of the same agency.",
    {
        "subject": _id,
        "predicate": {"enum": sorted(v.PREDICATES.keys() - {v.KIND})},
        "object": _id,
        "value": {"type": ["string", "number", "boolean", "object"],
                  "description": "An attribute's value. Of the links, only " + ", ".join(sorted(v.VALUED_LINKS)) + " may carry one: "
                  "an object {\"probability\": 0..1, \"evidence\": {...}}, the match probability and what it rests on."},
        "role": {"enum": sorted({*v.INVOLVEMENT_ROLES, *v.FAMILY_ROLES})},
        "supersedes": _target("The assertion this one corrects: its id, or {\"agency\", \"source_ref\"}."),
    },
    ["subject", "predicate"],
    {"type": "assertion", "subject": "child-0001", "predicate": "seen_at", "object": "venue-0003", "valid_from": "2026-03-14T21:40:00Z", "source_ref": "NICHE-OB-7731", **_prov_example},
)

RETRACTION = _record(
    "retraction",
    "Withdraws an earlier assertion of the same agency; `reason` says why.",
    {"retracts": _target("The assertion withdrawn: its id, or {\"agency\", \"source_ref\"}."), "reason": {"type": "string", "minLength": 1, "maxLength": 2000}},
    ["retracts", "reason"],
    {"type": "retraction", "retracts": "a-4f0c2d9e8b7a6f5e4d3c2b1a", "reason": "Recorded against the wrong child.", "source_ref": "NICHE-R-88", **_prov_example},
)

EVENT = _record(
    "event",
    "Something that happened (a missing episode, incident, contact ...), who was involved and where. Each part becomes one assertion.",
    {
        "id": _id,
        "kind": {"enum": sorted(v.EVENTS)},
        "occurred_on": _time,
        "ended_on": _time,
        "attributes": _attributes,
        "participants": {
            "type": "array",
            "items": {"type": "object", "properties": {"id": _id, "role": {"enum": list(v.INVOLVEMENT_ROLES)}}, "required": ["id", "role"], "additionalProperties": False},
        },
        "occurred_at": _id,
        "found_at": {"type": "array", "items": _id},
        "found_with": {"type": "array", "items": _id},
    },
    ["id", "kind", "occurred_on"],
    {
        "type": "event",
        "id": "mis-000121",
        "kind": "missing_episode",
        "occurred_on": "2026-03-14T18:00:00Z",
        "ended_on": "2026-03-15T02:30:00Z",
        "attributes": {"episode_type": "missing", "police_reference": "MPR-26-00121", "risk_grade": "medium"},
        "participants": [{"id": "child-0001", "role": "subject"}],
        "found_at": ["venue-0003"],
        "found_with": ["adult-0042"],
        "source_ref": "COMPACT-121",
        **_prov_example,
    },
)

# The same retraction, naming its target by the agency's own reference for it.
RETRACTION["examples"].append({**RETRACTION["examples"][0], "retracts": {"agency": "police", "source_ref": "NICHE-OB-7731"}, "source_ref": "NICHE-R-89"})

RECORD_TYPES = {"entity": ENTITY, "assertion": ASSERTION, "retraction": RETRACTION, "event": EVENT}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://graphsvc.example/schema/record.schema.json",
    "title": "graphsvc import record",
    "description": "One JSON object per line. Every record carries its provenance: agency, recorder, the agency's source reference, method and epistemic status, and an access scope.",
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"enum": list(RECORD_TYPES)}},
    "oneOf": [{"$ref": f"#/$defs/{name}"} for name in RECORD_TYPES],
    "$defs": RECORD_TYPES,
}


def to_json() -> str:
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"

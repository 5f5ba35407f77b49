"""Python values as the Neo4j store writes and asks for them, and back: an assertion as its
node's properties (row_of) and a node as an assertion, audit entries, times as index keys, and
the sentinels and padding that keep every query parameter of one type."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Optional

import orjson

from ... import vocabulary as v
from ...model import Assertion, build_assertion, format_time, moment, parse_time

_TIMES = ("valid_from", "valid_to", "recorded_at")
_FIELDS = tuple(Assertion.__dataclass_fields__)  # type: ignore[attr-defined]
# Provenance no query filters on, stored as one JSON property (`detail`) rather than six:
# each property is more for Neo4j to write; measured, a staged import writes 15% more
# assertions a second. (source_ref is a property of its own, indexed: GraphStore.by_source;
# nodes written before keep it in detail too: Sessions._ensure_schema gives them the property.)
_DETAIL = ("recorded_by", "method", "status", "source_reliability", "information_confidence", "handling")
_EXACT = ("date_of_birth", "identifier")  # looked up by exact value (the embedded store's _values)
_TEXT = (v.KIND, "name")  # their value also as `text`
# The fields stored as they are (row_of): not times, not the value, not flags, not detail.
_PLAIN = tuple(f for f in _FIELDS if f not in _TIMES + _DETAIL + ("value", "retraction", "notify_owner"))
_AUDIT_COLUMNS = ("seq", "at", "subject", "agency", "roles", "purpose", "operation", "variables_digest", "returned", "outcome", "prev", "hash")
# Bounds that stand for "no bound": the same length as the real values (Neo4j also plans again
# for a parameter whose size falls in another size bucket), beyond every real one.
_AFTER_ALL = "9999-99-99T99:99:99.999Z"  # after every format_time string
_BEFORE_ALL = "0000-00-00T00:00:00.000Z"  # before every format_time string
_KEY_AFTER_ALL = "9999-99-99T99:99:99.999999Z"  # after every time_key
_KEY_BEFORE_ALL = "0000-00-00T00:00:00.000000Z"  # before every time_key
# Pads lists so that they are never empty (an empty list is a parameter of another type): not a
# valid scope expression, so never a stored assertion's scope (the stores could not read it),
# nor a predicate, kind or assertion id.
NEVER = ")"


def _padded(values: list[str]) -> list[str]:
    """At least two elements (lists of one element are planned apart from longer ones)."""
    return values + [NEVER] * (2 - len(values)) if len(values) < 2 else values


def time_key(value: datetime) -> str:
    """Fixed-width UTC text with microseconds: lexicographic order is time order, exactly."""
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _time_keys(start: Optional[datetime], end: Optional[datetime]) -> tuple[str, str]:
    """A window as time-key bounds for the (predicate, moment) index; an open end is a sentinel."""
    return _KEY_BEFORE_ALL if start is None else time_key(start), _KEY_AFTER_ALL if end is None else time_key(end)


def _floor_ms(value: Optional[datetime]) -> Optional[str]:
    """A bound for `stored <= value` over millisecond-precision stored times (format_time
    truncates, so this is exact: stored <= value iff stored <= floor_ms(value))."""
    return format_time(value)


def row_of(a: Assertion) -> dict[str, Any]:
    """An assertion as its node's properties (a missing one is not set). The staged import and
    the initial load (initial_load.py) write every node from this, a few million at a time:
    plain attribute reads, and orjson for the provenance detail (the standard library's
    encoder was a third of this function's time)."""
    row: dict[str, Any] = {name: value for name in _PLAIN if (value := getattr(a, name)) is not None}
    # The times (_TIMES) one by one rather than in a loop: 7% of this function's time.
    if (when := a.valid_from) is not None:
        row["valid_from"] = format_time(when)
    if (when := a.valid_to) is not None:
        row["valid_to"] = format_time(when)
    row["recorded_at"] = format_time(a.recorded_at)
    if a.value is not None:
        row["value"] = json.dumps(a.value)
    row["retraction"], row["notify_owner"] = bool(a.retraction), bool(a.notify_owner)
    # Index keys, mirroring the embedded store's projection exactly.
    predicate = a.predicate
    if predicate in v.DATED:
        row["moment"] = time_key(moment(a))
    if predicate in _EXACT:
        row["vkey"] = json.dumps(a.value)
    if predicate in _TEXT:
        row["text"] = str(a.value)
        if predicate == "name":
            row["folded"] = str(a.value).casefold()
    row["detail"] = orjson.dumps({name: value for name in _DETAIL if (value := getattr(a, name)) is not None}).decode()
    return row


def _assertion(props: dict[str, Any]) -> Assertion:
    # Nodes written before `detail` existed carry its fields as properties of their own.
    props = {**props, **json.loads(props["detail"])} if "detail" in props else props
    data = {name: props.get(name) for name in _FIELDS}
    for name in _TIMES:
        if data[name] is not None:
            data[name] = parse_time(data[name])
    data["value"] = None if data["value"] is None else json.loads(data["value"])
    data["retraction"] = bool(data["retraction"])
    data["notify_owner"] = bool(data["notify_owner"])
    return build_assertion(**data)


def _audit(props: dict[str, Any]) -> dict[str, Any]:
    out = {c: props.get(c) for c in _AUDIT_COLUMNS}
    out["roles"] = list(out["roles"] or [])
    out["returned"] = list(out["returned"] or [])
    return out


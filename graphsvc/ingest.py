"""Validate records (JSON Lines or GraphQL input) and turn them into assertions.

Every error is collected, not only the first, and names the record (line), the field path
and what is wrong; nothing is written unless the whole batch is good.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Optional, Protocol

import jsonschema_rs
import orjson
from jsonschema import Draft202012Validator

from . import records, scope as scopes, vocabulary as v
from .model import Assertion, Chunk, View, assertion_id, build_assertion, parse_time, utcnow

# Two validators per record type: jsonschema_rs (compiled, in Rust: 1.9 us a record against
# fastjsonschema's 9.7, a fifth of a large import's validation) for the fast yes, and jsonschema,
# which names every problem and is the judge of any record the fast one refuses.
_FAST = {name: jsonschema_rs.validator_for(schema).is_valid for name, schema in records.RECORD_TYPES.items()}
_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in records.RECORD_TYPES.items()}


def schema_says_yes(kind: str, record: dict[str, Any]) -> bool:
    """The fast check of a JSON record (as orjson or the API's JSON scalar make them). It may
    refuse a record jsonschema accepts (it reads `pattern` as ECMA-262 does: ASCII digits, `$`
    only at the very end), never the other way (tests/test_ingest.py); what it cannot read at all
    is refused here and left to jsonschema too."""
    try:
        return _FAST[kind](record)
    except ValueError:  # not a JSON value: a key that is no string, bytes
        return False


CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class RecordError:
    line: int  # 1-based line in the file, or the index in a GraphQL batch
    path: str  # JSON path of the field, "$" for the record itself
    message: str
    code: Optional[str] = None  # for errors a client may want to tell apart (UNKNOWN_TARGET, AMBIGUOUS_TARGET)

    def __str__(self) -> str:
        return f"line {self.line}: {self.path}: " + (f"{self.code}: " if self.code else "") + self.message


class IngestError(ValueError):
    def __init__(self, errors: list[RecordError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); nothing was written:\n" + "\n".join(str(e) for e in errors[:200]))


def _provenance_type() -> type:
    """Who recorded a record's assertions, when and how: the Assertion fields from valid_from
    to handling, in its order (Batch._put passes them on positionally: it runs per assertion),
    then notify_owner."""
    names = [f.name for f in fields(Assertion)]
    shared = names[names.index("valid_from"):names.index("handling") + 1]
    return NamedTuple("Provenance", [(name, Any) for name in shared] + [("notify_owner", bool)])  # type: ignore[misc]


Provenance = _provenance_type()
SHARED = len(Provenance._fields) - 1  # the fields an Assertion takes in one run


class Lookup(Protocol):
    """What validation needs from a store: existing entities and assertions, as seen by `view`
    (None: everything, for trusted bulk import), many at a time (GraphStore.kinds_of and
    GraphStore.assertions): one look-up per record is a round trip per record on Neo4j."""

    def kinds_of(self, entity_ids: Iterable[str], view: Optional[View] = None) -> dict[str, str]: ...

    def assertions(self, assertion_ids: Iterable[str], view: Optional[View] = None) -> dict[str, Assertion]: ...

    # Asked only when a record names its target by (agency, source_ref) (GraphStore.by_source).
    def by_source(self, sources: Iterable[tuple[str, str]], view: Optional[View] = None) -> dict[tuple[str, str], list[Assertion]]: ...


LOOKUP_CHUNK = 5000  # ids per look-up: bounds one Neo4j round trip's size
_UNASKED = object()


def _look_up(read: Callable[[list[str], Optional[View]], dict[str, Any]], ids: Iterable[str], view: Optional[View]) -> dict[str, Any]:
    wanted = list(set(ids))
    found: dict[str, Any] = {}
    for i in range(0, len(wanted), LOOKUP_CHUNK):
        found.update(read(wanted[i:i + LOOKUP_CHUNK], view))
    return found


def _mentions(record: Any) -> tuple[list[str], list[str]]:
    """The entity ids and assertion ids a record refers to, read before it is validated (so
    only strings where the schema expects them); what this misses is looked up one at a time."""
    if not isinstance(record, dict):
        return [], []
    entities = [record[k] for k in ("id", "subject", "object", "occurred_at") if isinstance(record.get(k), str)]
    for key in ("found_at", "found_with"):
        if isinstance(record.get(key), list):
            entities += [x for x in record[key] if isinstance(x, str)]
    if isinstance(record.get("participants"), list):
        entities += [p["id"] for p in record["participants"] if isinstance(p, dict) and isinstance(p.get("id"), str)]
    return entities, [record[k] for k in ("supersedes", "retracts") if isinstance(record.get(k), str)]


def _source(ref: Any, agency: Any) -> Optional[tuple[str, str]]:
    """The (agency, source_ref) a target given as {"agency", "source_ref"} names (the agency
    defaulting to the record's own), or None for an id or anything malformed (the schema says
    what is wrong with it)."""
    if not isinstance(ref, dict):
        return None
    agency = ref.get("agency", agency)
    source_ref = ref.get("source_ref")
    return (agency, source_ref) if isinstance(agency, str) and isinstance(source_ref, str) else None


AMBIGUOUS_SHOWN = 5  # ids an ambiguous target's error lists


@dataclass(frozen=True)
class Recorder:
    """Who is writing, when the records come through the API: taken from the token, never the input."""

    agency: str
    recorded_by: str


def _path(parts: Iterable[Any]) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def _plain_date(text: str) -> bool:
    """A YYYY-MM-DD date, which the checks below would accept, read in one C call: dates of
    birth and the like are a sixth of a large import's values, and parse_time reads a date
    through a date-time (2.8 us, not 0.14)."""
    if len(text) != 10 or text[4:5] != "-":
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_match(value: Any) -> Optional[str]:
    """An identity link's value (vocabulary.VALUED_LINKS): the match probability and its evidence."""
    if not isinstance(value, dict) or set(value) != {"probability", "evidence"}:
        return 'must be an object {"probability": 0..1, "evidence": {...}}'
    p = value["probability"]
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        return "probability must be a number from 0 to 1"
    if not isinstance(value["evidence"], dict):
        return "evidence must be an object"
    return None


def _check_value(predicate: v.Predicate, value: Any) -> Optional[str]:
    kind = predicate.value_type
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if not isinstance(value, str):
        return f"must be a string ({kind})"
    if kind == "enum" and value not in predicate.choices:
        return f"must be one of {', '.join(predicate.choices)}"
    if kind == "date" and _plain_date(value):
        return None
    if kind in ("date", "datetime"):
        try:
            parse_time(value)
        except ValueError:
            return f"is not a valid {kind} (ISO 8601)"
        if kind == "date" and len(value) != 10:
            return "must be a date (YYYY-MM-DD)"
    if kind == "text" and not value.strip():
        return "must not be empty"
    return None


class Batch:
    """Turns validated records into assertions, tracking entities and assertions the batch
    itself creates so later records may refer to them.

    What the store already holds is read in bulk: the entities and assertions the records
    mention before the first record (`prefetch`), and whether each new assertion was stored
    already as they are handed out (`take`)."""

    def __init__(self, lookup: Lookup, view: Optional[View], recorder: Optional[Recorder], now: datetime,
                 present: Optional[Callable[[list[Assertion]], None]] = None):
        self.lookup = lookup
        self.present = present  # told of the assertions `take` finds stored already
        self.view = view
        self.recorder = recorder
        self.now = now
        self.errors: list[RecordError] = []
        self.assertions: dict[str, Assertion] = {}
        self.kinds: dict[str, str] = {}
        self.where: dict[str, int] = {}  # assertion id -> the line that made it, until handed out
        self.known: dict[str, Optional[str]] = {}  # entity -> kind in the store (None: no such entity)
        self.targets: dict[str, Optional[Assertion]] = {}  # assertion id -> stored assertion, as seen by the view
        self.fresh: list[Assertion] = []  # new assertions not yet handed out (take)
        self.fresh_fields: list[tuple[Any, ...]] = []  # and what each was built from
        # Targets named by (agency, source_ref): the ids the batch made under each, from the
        # first such target on (None before: most imports have none, and this costs memory),
        # and the ids stored under each one asked about.
        self.by_source: Optional[dict[tuple[str, str], list[str]]] = None
        self.sourced: dict[tuple[str, str], list[str]] = {}

    def prefetch(self, records: Iterable[Any]) -> None:
        entities: set[str] = set()
        targets: set[str] = set()
        sources: set[tuple[str, str]] = set()
        for record in records:
            mentioned, referred = _mentions(record)
            entities.update(mentioned)
            targets.update(referred)
            if isinstance(record, dict) and ("retracts" in record or "supersedes" in record):
                agency = self.recorder.agency if self.recorder is not None else record.get("agency")
                sources.update(s for s in (_source(record.get(k), agency) for k in ("retracts", "supersedes")) if s is not None)
        if sources:
            self._look_up_sources(sources)
        # Not those asked about for earlier records, or made by them.
        entities = {e for e in entities if e not in self.known and e not in self.kinds}
        targets = {t for t in targets if t not in self.targets and t not in self.assertions}
        kinds = _look_up(self.lookup.kinds_of, entities, self.view)
        self.known.update((e, kinds.get(e)) for e in entities)
        found = _look_up(self.lookup.assertions, targets, self.view)
        self.targets.update((t, found.get(t)) for t in targets)

    # -- lookups that see the batch as well as the store
    def kind_of(self, entity_id: str) -> Optional[str]:
        kind = self.kinds.get(entity_id) or self.known.get(entity_id, _UNASKED)
        if kind is _UNASKED:
            kind = self.known[entity_id] = self.lookup.kinds_of([entity_id], self.view).get(entity_id)
        return kind  # type: ignore[return-value]

    def _look_up_sources(self, sources: Iterable[tuple[str, str]]) -> None:
        """Ask the store which assertions are recorded under these (agency, source_ref)s, and
        start indexing the batch's own by source if it is not indexed yet."""
        if self.by_source is None:
            self.by_source = {}
            for a in self.assertions.values():
                self.by_source.setdefault((a.agency, a.source_ref), []).append(a.id)
        new = [s for s in sources if s not in self.sourced]
        found = _look_up(self.lookup.by_source, new, self.view) if new else {}
        for source in new:
            stored = found.get(source, [])
            self.sourced[source] = [a.id for a in stored]
            for a in stored:
                self.targets.setdefault(a.id, a)

    def resolve(self, source: tuple[str, str]) -> list[str]:
        """The ids recorded under (agency, source_ref): earlier in the batch or in the store (as
        the view sees it), each once, the batch's first."""
        if source not in self.sourced:
            self._look_up_sources([source])
        return list(dict.fromkeys([*self.by_source.get(source, ()), *self.sourced[source]]))  # type: ignore[union-attr]

    def find(self, assertion_id: str) -> Optional[Assertion]:
        found = self.assertions.get(assertion_id) or self.targets.get(assertion_id, _UNASKED)
        if found is _UNASKED:
            found = self.targets[assertion_id] = self.lookup.assertions([assertion_id], self.view).get(assertion_id)
        return found  # type: ignore[return-value]

    def take(self) -> Chunk:
        """The assertions made since the last take, less those stored already (re-importing an
        agency's record is a no-op); a stored assertion with the same id but other content is an
        error: that needs a correction."""
        fresh, self.fresh = self.fresh, []
        made, self.fresh_fields = self.fresh_fields, []
        stored = _look_up(self.lookup.assertions, [a.id for a in fresh], None)
        for assertion_id, old in stored.items():
            new = self.assertions.pop(assertion_id)
            if old.content() != new.content():
                self.error(self.where[assertion_id], [], f"{new.subject} {new.predicate}: agency {new.agency} source_ref {new.source_ref!r} was already recorded with different content; record a correction (supersedes) instead")
        if stored and self.present is not None:
            self.present([old for a in fresh if (old := stored.get(a.id)) is not None and old.content() == a.content()])
        self.where = {}  # only a stored clash needs the line, and those are found just now
        if not stored:
            return Chunk(fresh, made)
        kept = [i for i, a in enumerate(fresh) if a.id not in stored]
        return Chunk([fresh[i] for i in kept], [made[i] for i in kept])

    def error(self, line: int, path: Iterable[Any], message: str, code: Optional[str] = None) -> None:
        self.errors.append(RecordError(line, _path(path), message, code))

    # -- one record
    def add(self, line: int, record: Any) -> None:
        if not isinstance(record, dict):
            return self.error(line, [], "a record must be a JSON object")
        if self.recorder is not None:
            # The token says who is recording; the input may not claim otherwise.
            for key in ("agency", "recorded_by", "recorded_at"):
                if key in record:
                    return self.error(line, [key], "is set from your token and may not be given")
            record = {**record, "agency": self.recorder.agency, "recorded_by": self.recorder.recorded_by}
        kind = record.get("type")
        validator = _VALIDATORS.get(kind) if isinstance(kind, str) else None
        if validator is None:
            return self.error(line, ["type"], f"must be one of {', '.join(records.RECORD_TYPES)}")
        if not schema_says_yes(kind, record):
            schema_errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
            for e in schema_errors:
                self.error(line, e.absolute_path, e.message)
            if schema_errors:
                return
        before = len(self.errors)
        prov = self._provenance(line, record)
        if len(self.errors) > before:
            return
        getattr(self, f"_{kind}")(line, record, prov)

    def _provenance(self, line: int, r: dict[str, Any]) -> Provenance:
        times: dict[str, Optional[datetime]] = {}
        for key in ("recorded_at", "valid_from", "valid_to"):
            times[key] = None
            if r.get(key) is not None:
                try:
                    times[key] = parse_time(r[key])
                except ValueError:
                    self.error(line, [key], "is not a valid ISO 8601 date-time")
        recorded_at = times["recorded_at"] or self.now
        if recorded_at > self.now + CLOCK_SKEW:
            self.error(line, ["recorded_at"], "is in the future")
        if times["valid_from"] and times["valid_to"] and times["valid_to"] < times["valid_from"]:
            self.error(line, ["valid_to"], "is before valid_from")
        try:
            scopes.validate(r.get("scope", ""))
        except scopes.ScopeError as exc:
            self.error(line, ["scope"], str(exc))
        # Positional, in Provenance's order (valid_from .. handling, notify_owner): keywords
        # cost twice as much, once per record.
        return Provenance(
            times["valid_from"], times["valid_to"], recorded_at, r["recorded_by"], r["agency"], r["source_ref"],
            r["method"], r["status"], r.get("source_reliability"), r.get("information_confidence"),
            r.get("scope", ""), r.get("handling", v.DEFAULT_HANDLING), r.get("notify_owner", False),
        )

    def _put(self, line: int, path: list[Any], part: str, prov: Provenance, subject: str, predicate: str, obj: Optional[str] = None,
             value: Any = None, role: Optional[str] = None, supersedes: Optional[str] = None, retraction: bool = False) -> None:
        # Positional, in the Assertion's field order: this runs once per assertion on import.
        made = (assertion_id(prov.agency, prov.source_ref, part), subject, predicate, obj, value, role, *prov[:SHARED], supersedes, retraction, prov.notify_owner)
        a = build_assertion(*made)
        twin = self.assertions.get(a.id)
        if twin is not None:
            if twin.content() != a.content():
                self.error(line, path, f"agency {a.agency} source_ref {a.source_ref!r} appears twice in this batch with different content")
            return
        self.assertions[a.id] = a
        if self.by_source is not None:
            self.by_source.setdefault((a.agency, a.source_ref), []).append(a.id)
        self.fresh.append(a)
        self.fresh_fields.append(made)
        self.where[a.id] = line  # the line alone: a path per assertion costs the GC 10% of a large import

    def _entity_kind(self, line: int, path: list[Any], entity_id: str, kind: str) -> bool:
        known = self.kind_of(entity_id)
        if known is not None and known != kind:
            self.error(line, path, f"{entity_id} is already recorded as a {known}, not a {kind}")
            return False
        self.kinds[entity_id] = kind
        return True

    def _attributes(self, line: int, entity_id: str, kind: str, attributes: dict[str, Any], prov: Provenance) -> None:
        for name, raw in attributes.items():
            predicate = v.PREDICATES[name]
            if kind not in predicate.subjects:
                self.error(line, ["attributes", name], f"is not an attribute of a {kind}")
                continue
            values = raw if isinstance(raw, list) else [raw]
            if predicate.functional and len(values) > 1:
                self.error(line, ["attributes", name], "takes one value")
                continue
            for i, value in enumerate(values):
                problem = _check_value(predicate, value)
                path = ["attributes", name] + ([i] if isinstance(raw, list) else [])
                if problem:
                    self.error(line, path, problem)
                    continue
                self._put(line, path, f"attr:{name}:{i}", prov, entity_id, name, None, value)

    def _entity(self, line: int, r: dict[str, Any], prov: Provenance) -> None:
        if not self._entity_kind(line, ["id"], r["id"], r["kind"]):
            return
        self._put(line, ["kind"], "kind", prov, subject=r["id"], predicate=v.KIND, value=r["kind"])
        self._attributes(line, r["id"], r["kind"], r.get("attributes", {}), prov)

    def _event(self, line: int, r: dict[str, Any], prov: Provenance) -> None:
        event, kind = r["id"], r["kind"]
        if not self._entity_kind(line, ["id"], event, kind):
            return
        times = {}
        for key in ("occurred_on", "ended_on"):
            if key in r:
                try:
                    times[key] = parse_time(r[key])
                except ValueError:
                    self.error(line, [key], "is not a valid ISO 8601 date-time")
        if "occurred_on" in times and "ended_on" in times and times["ended_on"] < times["occurred_on"]:
            self.error(line, ["ended_on"], "is before occurred_on")
        # An event is valid from when it happened, unless the record says otherwise.
        prov = prov._replace(valid_from=prov.valid_from or times.get("occurred_on"))
        self._put(line, ["kind"], "kind", prov, subject=event, predicate=v.KIND, value=kind)
        attributes = {**r.get("attributes", {}), **{k: r[k] for k in ("occurred_on", "ended_on") if k in r}}
        self._attributes(line, event, kind, attributes, prov)
        for i, p in enumerate(r.get("participants", [])):
            self._link(line, ["participants", i, "id"], f"participant:{p['id']}:{p['role']}", prov, p["id"], "involved_in", event, p["role"])
        if "occurred_at" in r:
            self._link(line, ["occurred_at"], f"occurred_at:{r['occurred_at']}", prov, event, "occurred_at", r["occurred_at"], None)
        for key in ("found_at", "found_with"):
            for i, target in enumerate(r.get(key, [])):
                self._link(line, [key, i], f"{key}:{target}", prov, event, key, target, None)

    def _link(self, line: int, path: list[Any], part: str, prov: Provenance, subject: str, predicate_name: str, obj: str, role: Optional[str]) -> None:
        if self._check_link(line, path, subject, predicate_name, obj, role):
            self._put(line, path, part, prov, subject, predicate_name, obj=obj, role=role)

    def _check_link(self, line: int, path: list[Any], subject: str, predicate_name: str, obj: str, role: Optional[str]) -> bool:
        predicate = v.PREDICATES[predicate_name]
        ok = True
        for end, entity, allowed in (("subject", subject, predicate.subjects), ("object", obj, predicate.objects)):
            kind = self.kind_of(entity)
            if kind is None:
                self.error(line, path, f"unknown {end} entity {entity!r}")
                ok = False
            elif kind not in allowed:
                self.error(line, path, f"{predicate_name} cannot have a {kind} as its {end} (allowed: {', '.join(sorted(allowed))})")
                ok = False
        if role is not None and role not in predicate.roles:
            self.error(line, path, f"{predicate_name} takes no role {role!r}" + (f" (allowed: {', '.join(predicate.roles)})" if predicate.roles else ""))
            ok = False
        return ok

    def _target_id(self, line: int, key: str, ref: Any, prov: Provenance) -> Optional[str]:
        """The id a target names: given, or the one assertion recorded under the
        (agency, source_ref) given; a source naming none or several is an error."""
        if isinstance(ref, str):
            return ref
        agency, source_ref = _source(ref, prov.agency)  # type: ignore[misc]  # the schema checked its shape
        ids = self.resolve((agency, source_ref))
        if len(ids) == 1:
            return ids[0]
        if not ids:
            seen = "" if self.view is None else " that you may see"
            self.error(line, [key], f"no assertion{seen} was recorded by agency {agency} under source_ref {source_ref!r}", "UNKNOWN_TARGET")
        else:
            listed = ", ".join(ids[:AMBIGUOUS_SHOWN]) + (", ..." if len(ids) > AMBIGUOUS_SHOWN else "")
            self.error(line, [key], f"agency {agency} recorded {len(ids)} assertions under source_ref {source_ref!r} ({listed}); "
                       "name the one meant by its id", "AMBIGUOUS_TARGET")
        return None

    def _target(self, line: int, key: str, ref: Any, prov: Provenance) -> Optional[Assertion]:
        target_id = self._target_id(line, key, ref, prov)
        if target_id is None:
            return None
        target = self.find(target_id)
        if target is None:
            self.error(line, [key], f"unknown assertion {target_id!r}")
        elif target.agency != prov.agency:
            self.error(line, [key], f"assertion {target_id} was recorded by {target.agency}; only that agency may correct or retract it")
        elif target.retraction:
            self.error(line, [key], f"assertion {target_id} is a retraction and cannot be changed")
        else:
            return target
        return None

    def _assertion(self, line: int, r: dict[str, Any], prov: Provenance) -> None:
        predicate = v.PREDICATES[r["predicate"]]
        if predicate.is_link:
            if "object" not in r or ("value" in r and predicate.name not in v.VALUED_LINKS):
                return self.error(line, ["object"], f"{predicate.name} links two entities: give object, not value")
            problem = _check_match(r["value"]) if "value" in r else None
            if problem:
                return self.error(line, ["value"], problem)
            if not self._check_link(line, ["object"], r["subject"], predicate.name, r["object"], r.get("role")):
                return
        else:
            if "value" not in r or "object" in r or "role" in r:
                return self.error(line, ["value"], f"{predicate.name} is an attribute: give value, not object or role")
            kind = self.kind_of(r["subject"])
            if kind is None:
                return self.error(line, ["subject"], f"unknown entity {r['subject']!r}")
            if kind not in predicate.subjects:
                return self.error(line, ["predicate"], f"{predicate.name} is not an attribute of a {kind}")
            problem = _check_value(predicate, r["value"])
            if problem:
                return self.error(line, ["value"], problem)
        supersedes = None
        if "supersedes" in r:
            target = self._target(line, "supersedes", r["supersedes"], prov)
            if target is None:
                return
            if (target.subject, target.predicate) != (r["subject"], r["predicate"]):
                return self.error(line, ["supersedes"], f"a correction must keep the subject and predicate of {target.id} ({target.subject} {target.predicate})")
            supersedes = target.id
        self._put(line, [], "", prov, r["subject"], predicate.name, obj=r.get("object"), value=r.get("value"), role=r.get("role"), supersedes=supersedes)

    def _retraction(self, line: int, r: dict[str, Any], prov: Provenance) -> None:
        target = self._target(line, "retracts", r["retracts"], prov)
        if target is not None:
            self._put(line, [], "", prov, subject=target.subject, predicate=target.predicate, value=r["reason"], supersedes=target.id, retraction=True)


CHUNK = 5_000  # records validated between hand-outs in `prepared`


def prepared(
    rows: Iterable[tuple[int, Any]],
    lookup: Lookup,
    view: Optional[View] = None,
    recorder: Optional[Recorder] = None,
    now: Optional[datetime] = None,
    unreadable: Optional[list[RecordError]] = None,
    present: Optional[Callable[[list[Assertion]], None]] = None,
) -> Iterator[Chunk]:
    """Validate (line, record) pairs CHUNK records at a time, as they are read, handing out
    each chunk's new assertions, so a bulk import can write while it reads and validates
    (EmbeddedStore.append_all). The store is asked about what a chunk mentions before it is
    validated (`prefetch`: one round trip per chunk on Neo4j, not per record).

    unreadable: errors found in reading the rows (read_jsonl's), appended to as they are read.
    present: called with the assertions found stored already (a record imported before),
    which are not handed out again.
    After the first error of either kind nothing more is handed out; validation goes on to
    name every error, then raises IngestError with all of them."""
    unreadable = [] if unreadable is None else unreadable
    batch = Batch(lookup, view, recorder, now or utcnow(), present)
    rows = iter(rows)
    while part := list(itertools.islice(rows, CHUNK)):
        batch.prefetch(record for _, record in part)
        for line, record in part:
            batch.add(line, record)
        chunk = batch.take()  # even after an error: it names clashes with stored assertions
        if chunk and not batch.errors and not unreadable:
            yield chunk
    if batch.errors or unreadable:
        raise IngestError(sorted(batch.errors + unreadable, key=lambda e: e.line))


def prepare(
    rows: Iterable[tuple[int, Any]],
    lookup: Lookup,
    view: Optional[View] = None,
    recorder: Optional[Recorder] = None,
    now: Optional[datetime] = None,
) -> list[Assertion]:
    """Validate (line, record) pairs; return the assertions, or raise IngestError with every error."""
    return [a for chunk in prepared(rows, lookup, view, recorder, now) for a in chunk]


def read_jsonl(lines: Iterable[str], errors: list[RecordError]) -> Iterator[tuple[int, Any]]:
    """Parse JSON Lines, recording unparseable lines as errors; blank lines are skipped.

    orjson: strict JSON (no NaN, no lone surrogates) at half the standard library's cost per
    line, which is a tenth of a large import. A line it refuses is read again by the standard
    library only to say what is wrong in its words, which name the problem better."""
    loads = orjson.loads
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            yield number, loads(text)
        except orjson.JSONDecodeError as exc:
            errors.append(RecordError(number, "$", f"not valid JSON: {_what_is_wrong(text, exc)}"))


def _what_is_wrong(text: str, refused: json.JSONDecodeError) -> str:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"{exc.msg} at column {exc.colno}"
    return f"{refused.msg} at column {refused.colno}"  # valid to the standard library, not to strict JSON

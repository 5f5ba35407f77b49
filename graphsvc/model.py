"""Domain types: assertions, the view a reader has of them, entities as a reader sees them."""

from __future__ import annotations

import hashlib
from dataclasses import MISSING, asdict, dataclass, field, fields, make_dataclass, replace
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, NamedTuple, Optional

from . import scope as scopes
from .vocabulary import KIND

Scalar = str | int | float | bool


def utcnow() -> datetime:
    # Millisecond precision: the precision records are written and read back in.
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def parse_time(text: str) -> datetime:
    """ISO 8601 date or date-time; a date means its midnight UTC, a naive time means UTC."""
    if text[-1:] == "Z" and "T" in text and text.count("Z") == 1:
        # A UTC time spelled with "Z", as the stores (format_time) and agencies' systems write
        # them and an import or an open reads millions of: one C call when that already gives
        # what read_iso would (0.3 us, not 1.6).
        try:
            value = datetime.fromisoformat(text)
            if value.tzinfo is timezone.utc and value.microsecond % 1000 == 0:
                return value
        except ValueError:
            pass  # read_iso decides
    return read_iso(text)


def read_iso(text: str) -> datetime:
    """parse_time without its shortcut: any ISO 8601 spelling."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text or " " in text else datetime.fromisoformat(text + "T00:00:00+00:00")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    # Milliseconds: the precision both stores keep, so a value reads the same before and
    # after a reopen, on either backend.
    try:
        return value.astimezone(timezone.utc).replace(microsecond=value.microsecond // 1000 * 1000)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the calendar in UTC: not a time to keep
        raise ValueError(f"{text!r} is outside the calendar in UTC") from None


_UTC_MS = "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ"  # format_time of a UTC time


def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is timezone.utc:  # as parse_time makes them: nothing to convert
        # Formatted by hand: a third faster than isoformat and slicing, and an import writes
        # millions (measured: 2.8 against 3.9 us).
        return _UTC_MS % (value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond // 1000)
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def may_share(agency: str, a: "Assertion") -> bool:
    """The originating agency may always share its own record; others only when its
    handling condition permits onward sharing."""
    return a.agency == agency or a.handling == "permitted"


def assertion_id(agency: str, source_ref: str, part: str = "") -> str:
    """Deterministic, so that importing the same agency record twice finds the first copy."""
    digest = hashlib.sha256(f"{agency}\x1f{source_ref}\x1f{part}".encode()).hexdigest()
    return "a-" + digest[:24]


@dataclass(frozen=True, slots=True)
class Assertion:
    """One thing one agency recorded: a link between entities or an attribute value.

    Never updated: a correction or a retraction is a new Assertion that `supersedes` this one.
    """

    id: str
    subject: str
    predicate: str
    object: Optional[str]  # an entity id, for links
    value: Optional[Scalar]  # a scalar, for attributes
    role: Optional[str]  # qualifier on a link: victim, suspect, sibling ...
    valid_from: Optional[datetime]
    valid_to: Optional[datetime]
    recorded_at: datetime
    recorded_by: str
    agency: str
    source_ref: str
    method: str
    status: str
    source_reliability: Optional[str]
    information_confidence: Optional[str]
    scope: str
    handling: str
    supersedes: Optional[str] = None
    retraction: bool = False
    notify_owner: bool = False  # tell the owning agency when another agency views it

    @property
    def is_link(self) -> bool:
        return self.object is not None

    def valid_at(self, when: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when < self.valid_to)

    def content(self) -> tuple[Any, ...]:
        """Everything but the record time: two imports of the same agency record compare equal."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "recorded_at")

    def to_record(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("valid_from", "valid_to", "recorded_at"):
            out[key] = format_time(out[key])
        return out

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> "Assertion":
        values = dict(data)
        for key in ("valid_from", "valid_to", "recorded_at"):
            if values.get(key) is not None:
                values[key] = parse_time(values[key])
        return cls(**{f.name: values.get(f.name, f.default) for f in fields(cls)})

    def with_(self, **changes: Any) -> "Assertion":
        return replace(self, **changes)


def _built_unfrozen(cls: type) -> Callable[..., Any]:
    """A constructor for the frozen slots dataclass `cls` that takes the same arguments and
    makes the same (frozen) object, seven times faster: the frozen __init__ sets each of the
    21 fields through object.__setattr__ (5 us an assertion, 25 s of opening or importing a
    large store). It fills an unfrozen twin with the same slots, then makes it a `cls`."""
    twin = make_dataclass(
        f"_Unfrozen{cls.__name__}",
        [(f.name, f.type, field(default=f.default) if f.default is not MISSING else field()) for f in fields(cls)],
        slots=True, eq=False,
    )
    if twin.__slots__ != cls.__slots__:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__} and its unfrozen twin differ in layout")

    def build(*args: Any, **kwargs: Any) -> Any:
        made = twin(*args, **kwargs)
        made.__class__ = cls
        return made

    return build


# Assertion(...) with the same arguments, for the paths that make millions (opening a store, import).
build_assertion: Callable[..., Assertion] = _built_unfrozen(Assertion)
FIELD_NAMES = tuple(f.name for f in fields(Assertion))


class Chunk(list[Assertion]):
    """Assertions handed out together by an import (ingest.prepared), with `fields`: each
    one's field values in FIELD_NAMES order, the tuple it was built from, so a store that sends
    them elsewhere (EmbeddedStore.append_all's writer) need not take each apart again."""

    def __init__(self, assertions: list[Assertion], fields: list[tuple[Any, ...]]):
        super().__init__(assertions)
        self.fields = fields


# Attributes whose value is the moment they describe (an event's time).
MOMENT_VALUES = frozenset({"occurred_on", "ended_on"})


def moment(a: Assertion) -> datetime:
    """When an assertion places itself in time, for windows and timelines: an event time's
    value, else the start of its valid time, else when it was recorded."""
    if a.predicate in MOMENT_VALUES and isinstance(a.value, str):
        return parse_time(a.value)
    return a.valid_from or a.recorded_at


@dataclass(frozen=True, slots=True)
class View:
    """What a reader may see: their authorisation tokens, and the time slice they ask for.

    `as_of` is record time (what had been recorded by then); `valid_at` is valid time
    (what was true then). None means now / any time.
    """

    auths: frozenset[str] = frozenset()
    agency: Optional[str] = None
    as_of: Optional[datetime] = None
    valid_at: Optional[datetime] = None
    subject: Optional[str] = None  # the reader, for shares made to one professional
    # scope -> visible to these auths: a query tests thousands of assertions against the few
    # scopes the data uses. Shared by the views `at` derives (they hold the same auths) and
    # by no other copy: dataclasses.replace makes a fresh one, so a view with other auths
    # can never answer from this one's decisions.
    _scopes: dict[str, bool] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def may_see(self, assertion: Assertion) -> bool:
        seen = self._scopes.get(assertion.scope)
        if seen is None:
            seen = self._scopes[assertion.scope] = scopes.visible(assertion.scope, self.auths)
        return seen

    def at(self, as_of: Optional[datetime] = None, valid_at: Optional[datetime] = None) -> "View":
        derived = replace(self, as_of=as_of, valid_at=valid_at)
        object.__setattr__(derived, "_scopes", self._scopes)  # the same auths: the same answers
        return derived


class _Trusted(View):
    """The trusted reader used by import, export and integrity checks: sees everything."""

    __slots__ = ()

    def may_see(self, assertion: Assertion) -> bool:
        return True


TRUSTED = _Trusted()


class ContextLink(NamedTuple):
    """One child linked to a context (patterns.shared_contexts). A named tuple: a query makes one
    per link in its window (thousands), and a frozen dataclass costs three times as much to make.

    One sighting, or (as a store may give them, Neo4j does) a context link's repeated
    sightings in the window as one: then `when` and `agency` are the first's by (when, id),
    and `assertion_ids` the first SIGHTING_IDS of their ids (one each) in that order."""

    child: str
    how: str  # the link's predicate, or found_at for an episode's subject found there
    when: datetime
    agency: str
    assertion_ids: tuple[str, ...]
    sightings: int = 1
    last_seen: Optional[datetime] = None  # the last sighting's when; None: `when`
    agencies: tuple[str, ...] = ()  # the sightings' distinct agencies, sorted; (): just `agency`


class PlacedChildren(NamedTuple):
    """A context and the links placing children there (GraphStore.context_links)."""

    context: str
    kind: str
    links: list[ContextLink]


class Sightings(NamedTuple):
    """A link recorded more than once (the same subject, predicate, object and role), as one
    reader sees it: Entity.sightings."""

    count: int  # the visible current assertions of the link
    assertion_ids: tuple[str, ...]  # the first SIGHTING_IDS of them, in the order written
    first_seen: datetime  # the earliest of their moments (valid from, else recorded)
    last_seen: datetime


SIGHTING_IDS = 100  # paging.MAX_LIST: an answer shows no more ids of one link


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity as one reader sees it: only the current assertions that reader may see.

    A link recorded again and again (a child seen at one place every day) is there once, by
    the first of its assertions in the order written; `sightings` holds, for each such link
    (by that assertion's id), how many there are and their ids. Attributes are all there."""

    id: str
    kind: str
    assertions: tuple[Assertion, ...]  # attributes and outgoing links
    incoming: tuple[Assertion, ...] = ()  # links pointing at this entity
    sightings: dict[str, Sightings] = field(default_factory=dict)  # links recorded more than once

    def values(self, predicate: str) -> list[Scalar]:
        return [a.value for a in self.assertions if a.predicate == predicate and a.value is not None]

    def first(self, predicate: str) -> Optional[Scalar]:
        found = self.values(predicate)
        return found[0] if found else None

    @property
    def attributes(self) -> list[Assertion]:
        return [a for a in self.assertions if not a.is_link and a.predicate != KIND]

    @property
    def links(self) -> list[Assertion]:
        return [a for a in self.assertions if a.is_link]


def current(candidates: Iterable[Assertion], superseders: dict[str, list[Assertion]], view: View, visible: Optional[Callable[[Assertion], bool]] = None) -> list[Assertion]:
    """The assertions a view shows: visible, recorded by as_of, not superseded by a visible
    assertion recorded by as_of, not retractions, and valid at valid_at.

    Supersession only counts when the reader can see the superseding assertion: a hidden
    correction must change nothing the reader can observe. `visible` defaults to the scope
    check alone; stores widen it with sharing decisions.
    """
    may_see = visible or view.may_see
    as_of, valid_at = view.as_of, view.valid_at
    out = []
    for a in candidates:  # spelled out, no helper calls: this runs for every assertion a query touches
        if a.retraction or not may_see(a) or (as_of is not None and a.recorded_at > as_of):
            continue
        later = superseders.get(a.id)
        if later and any(may_see(s) and (as_of is None or s.recorded_at <= as_of) for s in later):
            continue
        if valid_at is not None and not a.valid_at(valid_at):
            continue
        out.append(a)
    return out


@dataclass(frozen=True, slots=True)
class SharingDecision:
    """A recorded decision to share, or not to share, some assertions with a recipient.

    A decision to share is the only thing that widens an assertion's visibility beyond its
    scope: to the recipient agency (or one professional there) from `decided_at` on.
    """

    id: str
    share: bool
    assertion_ids: tuple[str, ...]
    from_agency: str
    decided_by: str
    to_agency: str
    to_team: Optional[str]
    to_professional: Optional[str]
    purpose: str
    lawful_basis: str
    consent: str
    consent_reason: Optional[str]
    person_informed: bool
    not_informed_reason: Optional[str]
    handling: str
    reasons: str
    decided_at: datetime
    person_id: Optional[str] = None  # whom the information is about, for auditors' searches

    def grants(self, view: View) -> bool:
        return (
            self.share
            and view.agency == self.to_agency
            and (self.to_professional is None or view.subject == self.to_professional)
            and (view.as_of is None or self.decided_at <= view.as_of)
        )

    def to_record(self) -> dict[str, Any]:
        out = asdict(self)
        out["assertion_ids"] = list(self.assertion_ids)
        out["decided_at"] = format_time(self.decided_at)
        return out

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> "SharingDecision":
        values = {f.name: data.get(f.name, f.default) for f in fields(cls)}
        values["assertion_ids"] = tuple(values["assertion_ids"])
        values["decided_at"] = parse_time(values["decided_at"])
        return cls(**values)


class _AtRecord:
    """JSON records for the accountability types whose one time field is `at`."""

    __slots__ = ()

    def to_record(self) -> dict[str, Any]:
        out = asdict(self)  # type: ignore[call-overload]
        out["at"] = format_time(out["at"])
        return out

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Any:
        return cls(**{**data, "at": parse_time(data["at"])})


@dataclass(frozen=True, slots=True)
class Acknowledgement(_AtRecord):
    """A recipient's answer to a share: received, understood, and what they did about it."""

    id: str
    decision_id: str
    agency: str
    by: str
    received: bool
    understood: bool
    action: str  # taken | planned | none
    text: str
    at: datetime



@dataclass(frozen=True, slots=True)
class AccessNotification(_AtRecord):
    """Another agency's user viewed an assertion flagged notify_owner (as NHS CP-IS does)."""

    id: str
    assertion_id: str
    owner_agency: str
    viewer: str
    viewer_agency: str
    purpose: Optional[str]
    at: datetime


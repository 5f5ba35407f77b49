"""A person's chronology: the merged, dated multi-agency list of events they were involved in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from . import identity
from .errors import BadInput, NotFound
from .model import Assertion, View, parse_time
from .sightings import grouped
from .store.base import GraphStore
from .vocabulary import KIND, PEOPLE


@dataclass(frozen=True)
class ChronologyEntry:
    event_id: str
    kind: str
    occurred_on: Optional[datetime]
    ended_on: Optional[datetime]
    agency: str
    source_ref: str
    recorded_by: str
    status: str  # fact / opinion / allegation / professional_judgement, from the event record
    role: Optional[str]  # the person's role in the event
    summary: Optional[str]
    action_taken: Optional[str]
    outcome: Optional[str]
    assertion_ids: tuple[str, ...]  # everything this entry rests on


def _time(assertions: list[Assertion], predicate: str) -> Optional[datetime]:
    for a in assertions:
        if a.predicate == predicate and isinstance(a.value, str):
            return parse_time(a.value)
    return None


def _text(assertions: list[Assertion], predicate: str) -> Optional[str]:
    values = [str(a.value) for a in assertions if a.predicate == predicate and a.value is not None]
    return "; ".join(values) if values else None


def check_window(start: Optional[datetime], end: Optional[datetime]) -> None:
    if start is not None and end is not None and start > end:
        raise BadInput("from is after to")


def chronology(store: GraphStore, view: View, person_id: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[ChronologyEntry]:
    check_window(start, end)
    if store.kind_of(person_id, view) not in PEOPLE:
        raise NotFound.entity(person_id)
    # Every record of the same person this reader sees (identity.py): one chronology. The same
    # involvement (event, role) recorded again, under any of them, is one entry, resting on each
    # of them; the event is read once.
    involved = store.about_each(identity.identities_of(store, view, person_id), view, "involved_in")
    entries = []
    for involvements in grouped([i for links in involved.values() for i in links], lambda i: (i.object, i.role)):
        involvement = involvements[0]
        event = involvement.object
        assert event is not None
        facts = sorted(store.about(event, view), key=lambda a: (a.recorded_at, a.id))
        kinds = [a for a in facts if a.predicate == KIND]
        if not kinds:
            continue  # the event itself is hidden from this view
        origin = kinds[0]
        occurred = _time(facts, "occurred_on") or origin.valid_from
        if start is not None and (occurred is None or occurred < start):
            continue
        if end is not None and (occurred is None or occurred > end):
            continue
        entries.append(ChronologyEntry(
            event_id=event, kind=str(origin.value), occurred_on=occurred, ended_on=_time(facts, "ended_on"),
            agency=origin.agency, source_ref=origin.source_ref, recorded_by=origin.recorded_by, status=origin.status,
            role=involvement.role, summary=_text(facts, "summary"), action_taken=_text(facts, "action_taken"),
            outcome=_text(facts, "outcome"),
            assertion_ids=tuple([i.id for i in involvements] + [a.id for a in facts if not a.is_link]),
        ))
    # Same event, several roles: keep one entry per (event, role); order by date, then id.
    entries.sort(key=lambda e: (e.occurred_on is None, e.occurred_on or datetime.min, e.event_id, e.role or ""))
    return entries

"""Tracing one assertion: where it came from, what it replaced, what replaced it, and what
other agencies' records say about the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .errors import NotFound
from .model import Assertion, SharingDecision, View
from .store.base import GraphStore
from .vocabulary import PREDICATES


@dataclass(frozen=True)
class Trace:
    assertion: Assertion
    supersedes: Optional[Assertion]  # the assertion this one corrected or retracted
    superseded_by: list[Assertion]
    corroborated_by: list[Assertion]  # other agencies asserting the same thing
    contradicted_by: list[Assertion]  # other agencies asserting a different value of a one-value attribute
    current: bool


def _same_claim(a: Assertion, b: Assertion) -> bool:
    if a.predicate != b.predicate:
        return False
    if a.is_link:
        same = (a.subject, a.object) == (b.subject, b.object)
        mirrored = PREDICATES[a.predicate].symmetric and (a.subject, a.object) == (b.object, b.subject)
        return same or mirrored
    return a.subject == b.subject and a.value == b.value


def trace(store: GraphStore, view: View, assertion_id: str) -> Trace:
    a = store.assertion(assertion_id, view)
    if a is None:
        raise NotFound.assertion(assertion_id)
    supersedes = store.assertion(a.supersedes, view) if a.supersedes else None
    superseded_by = store.superseders(a.id, view)
    others = [b for b in store.about(a.subject, view, [a.predicate]) if b.agency != a.agency]
    if a.is_link and PREDICATES[a.predicate].symmetric and a.object:
        others += [b for b in store.about(a.object, view, [a.predicate]) if b.agency != a.agency]
    corroborated = [b for b in others if _same_claim(a, b)]
    contradicted = [] if a.is_link or a.retraction or not PREDICATES[a.predicate].functional else [b for b in others if b.value != a.value]
    current = not a.retraction and not superseded_by
    return Trace(a, supersedes, superseded_by, _unique(corroborated), _unique(contradicted), current)


def _unique(items: list[Assertion]) -> list[Assertion]:
    seen: dict[str, Assertion] = {}
    for a in items:
        seen.setdefault(a.id, a)
    return sorted(seen.values(), key=lambda a: (a.recorded_at, a.id))


def reached_hub_via(a: Assertion, decisions: list[SharingDecision], view: View) -> str:
    """How an assertion reached the hub, and, if the viewer sees it only by a decision to
    share, the decision that let it through."""
    via = f"recorded by {a.agency} ({a.recorded_by}) from its record {a.source_ref}"
    grant = next((d for d in decisions if d.grants(view) and not view.may_see(a)), None)
    if grant is not None:
        via += f"; shared with {grant.to_agency} by {grant.from_agency} under decision {grant.id} ({grant.lawful_basis})"
    return via

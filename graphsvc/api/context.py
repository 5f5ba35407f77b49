"""Per-request context: who is asking, what they may see, and what they were shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

import strawberry

from .. import time_limit
from ..disclosure import Disclosure
from ..model import Assertion as DomainAssertion
from ..model import Entity as DomainEntity
from ..model import View, moment
from ..principal import Principal, Pseudonyms
from ..store.base import GraphStore
from ..vocabulary import KIND
from . import types


WRITES = frozenset({"record", "decide", "acknowledge"})  # operations that write (principal.OPERATIONS)


def utc(value: Optional[datetime]) -> Optional[datetime]:
    """GraphQL DateTime input without a zone means UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


@dataclass
class Context:
    principal: Principal
    store: GraphStore
    pseudonyms: Pseudonyms
    returned: set[str] = field(default_factory=set)  # assertion ids shown, for the audit log
    # The shown assertions this context holds whole: their owners are told of a view without
    # asking the store which of them are flagged (sharing.notify_owners).
    held: dict[str, DomainAssertion] = field(default_factory=dict)
    operations: list[str] = field(default_factory=list)  # the operations asked for, for the audit log

    def view(self, as_of: Optional[datetime] = None, valid_at: Optional[datetime] = None) -> View:
        return self.principal.view(utc(as_of), utc(valid_at))

    def disclosure(self, view: View) -> Disclosure:
        return Disclosure(self.principal, self.pseudonyms, self.store, view)

    def require(self, operation: str) -> None:
        self.operations.append(operation)
        self.principal.require(operation)
        if operation in WRITES:
            time_limit.writing()
        else:
            time_limit.check()

    def show(self, a: DomainAssertion, disclosure: Optional[Disclosure] = None) -> types.Assertion:
        time_limit.check()
        self.returned.add(a.id)
        self.held[a.id] = a
        d = disclosure or self.disclosure(self.principal.view())
        return types.Assertion.of(d.assertion(a))

    def entity(self, e: DomainEntity, view: View) -> types.Entity:
        time_limit.check()
        d = self.disclosure(view)
        d.learn(e)
        kinds = [a for a in e.assertions if a.predicate == KIND]
        self.returned.update(a.id for a in kinds)
        self.held.update((a.id, a) for a in kinds)
        return types.Entity(id=strawberry.ID(e.id), kind=e.kind, label=d.label(e.id), shown=types.EntityShown(self, e, d))

    def attributes(self, attributes: list[DomainAssertion], d: Disclosure) -> list[types.Assertion]:
        return [self.show(a, d) for a in attributes]

    def links(self, e: DomainEntity, links: list[tuple[types.Direction, DomainAssertion]], d: Disclosure) -> list[types.Link]:
        """Distinct links (EntityShown.links), each shown by its first assertion, with its
        sightings (model.Entity.sightings) when recorded more than once."""
        out = []
        for direction, a in links:
            seen = e.sightings.get(a.id)
            when = moment(a)
            out.append(types.Link(
                predicate=a.predicate, role=a.role, direction=direction,
                other=types.EntityRef.of(d, (a.object if direction is types.Direction.OUT else a.subject)),  # type: ignore[arg-type]
                assertion=self.show(a, d), sightings=seen.count if seen else 1,
                first_seen=seen.first_seen if seen else when, last_seen=seen.last_seen if seen else when,
                shown_ids=seen.assertion_ids if seen else (a.id,), context=self,
            ))
        return out

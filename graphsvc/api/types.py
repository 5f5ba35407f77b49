"""GraphQL output types, and their construction from domain objects.

Every assertion that leaves the service goes through `Context.show`, which applies the
caller's disclosure rules and notes the id for the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, Optional, TypeVar

import strawberry
from strawberry.scalars import JSON

from .. import chronology as chron
from .. import model, provenance as prov
from ..disclosure import Disclosure
from ..paging import MAX_LIST, Page, after_key, capped
from .accountability_types import SharingDecision

if TYPE_CHECKING:
    from .context import Context

T = TypeVar("T")


@strawberry.type(description="One thing one agency recorded, with its provenance.")
class Assertion:
    id: strawberry.ID
    subject: str
    predicate: str
    object: Optional[str] = strawberry.field(description="The linked entity's id, for a link.")
    value: Optional[JSON] = strawberry.field(description="The value, for an attribute; the reason, for a retraction.")
    role: Optional[str]
    valid_from: Optional[datetime]
    valid_to: Optional[datetime]
    recorded_at: datetime
    recorded_by: str
    agency: str
    source_ref: str = strawberry.field(description="The recording agency's own record id.")
    method: str = strawberry.field(description="observed, self_reported, third_party, document or inferred.")
    status: str = strawberry.field(description="fact, opinion, allegation or professional_judgement.")
    source_reliability: Optional[str]
    information_confidence: Optional[str]
    scope: str = strawberry.field(description="The access scope expression.")
    handling: str = strawberry.field(description="The condition on onward sharing.")
    supersedes: Optional[str]
    retraction: bool

    @classmethod
    def of(cls, a: model.Assertion) -> "Assertion":
        return cls(
            id=strawberry.ID(a.id), subject=a.subject, predicate=a.predicate, object=a.object, value=a.value,
            role=a.role, valid_from=a.valid_from, valid_to=a.valid_to, recorded_at=a.recorded_at,
            recorded_by=a.recorded_by, agency=a.agency, source_ref=a.source_ref, method=a.method,
            status=a.status, source_reliability=a.source_reliability,
            information_confidence=a.information_confidence, scope=a.scope, handling=a.handling,
            supersedes=a.supersedes, retraction=a.retraction,
        )


@strawberry.enum
class Direction(Enum):
    OUT = "out"
    IN = "in"


@strawberry.type(description="Another entity, as the caller may see it.")
class EntityRef:
    id: strawberry.ID
    # Kind and label are looked up when the query asks for them, for every entity the answer
    # mentions at once (Disclosure.mention): one read each was a round trip each on Neo4j.
    disclosure: strawberry.Private["Disclosure"]

    @classmethod
    def of(cls, d: "Disclosure", entity_id: str) -> "EntityRef":
        d.mention(entity_id)
        return cls(id=strawberry.ID(entity_id), disclosure=d)

    @strawberry.field(description="Null when the caller may not see the entity itself.")
    def kind(self) -> Optional[str]:
        return self.disclosure.kind(self.id)

    @strawberry.field(description="Its name, or a pseudonym for analysts without identity authorisation.")
    def label(self) -> Optional[str]:
        return self.disclosure.label(self.id)


@strawberry.type(description="A link from or to an entity, with the assertion it rests on. Repeated assertions of the same link (the same subject, predicate, object and role, e.g. repeated sightings at one place) are one link, shown by the first of them, with their count and ids.")
class Link:
    predicate: str
    role: Optional[str]
    direction: Direction
    other: EntityRef
    assertion: Assertion = strawberry.field(description="The first visible assertion of this link.")
    sightings: int = strawberry.field(description="How many visible assertions make this link (repeated sightings); 1 for a link recorded once.")
    first_seen: datetime = strawberry.field(description="The earliest of its assertions' times (valid from, else recorded).")
    last_seen: datetime = strawberry.field(description="The latest of its assertions' times.")
    shown_ids: strawberry.Private[tuple[str, ...]]
    context: strawberry.Private[Any]  # the request's Context, for the audit of assertionIds

    @strawberry.field(description=f"The ids of its assertions in the order recorded: the first {MAX_LIST}; `sightings` says how many there are.")
    def assertion_ids(self) -> list[strawberry.ID]:
        shown = capped(self.shown_ids)
        self.context.returned.update(shown)
        return [strawberry.ID(i) for i in shown]


@strawberry.type(description="A person, agency, context, object or event, as the caller may see it.")
class Entity:
    id: strawberry.ID
    kind: str
    label: Optional[str]
    # Attributes and links are built only when the query asks for them: building every link
    # (with each linked entity's kind and label) for a query that wants the attributes was most
    # of a point look-up's time, and put assertions the answer did not hold in the audit log.
    shown: strawberry.Private["EntityShown"]

    @strawberry.field(description=f"Attribute values, each with its provenance, in the order recorded: at most `first` (default and at most {MAX_LIST}), after the one whose assertion id is `after`; `attributeCount` says how many there are.")
    def attributes(self, first: int = MAX_LIST, after: Optional[strawberry.ID] = None) -> list[Assertion]:
        return self.shown.context.attributes(after_key(self.shown.attributes, _id, first, after), self.shown.disclosure)

    @strawberry.field(description="How many attribute values you may see.")
    def attribute_count(self) -> int:
        return len(self.shown.attributes)

    @strawberry.field(description=f"Its distinct links, out then in, each in the order first recorded: at most `first` (default and at most {MAX_LIST}), after the link whose assertion id is `after`; `linkCount` says how many there are.")
    def links(self, first: int = MAX_LIST, after: Optional[strawberry.ID] = None) -> list[Link]:
        return self.shown.context.links(self.shown.entity, after_key(self.shown.links, _first_id, first, after), self.shown.disclosure)

    @strawberry.field(description="How many distinct links you may see (repeated sightings of one link count once).")
    def link_count(self) -> int:
        return len(self.shown.links)


def _id(a: model.Assertion) -> str:
    return a.id


def _first_id(link: tuple["Direction", model.Assertion]) -> str:
    return link[1].id


@dataclass(frozen=True)
class EntityShown:
    """What an Entity's attributes and links are built from, when asked for."""

    context: "Context"
    entity: model.Entity
    disclosure: "Disclosure"

    @cached_property
    def attributes(self) -> list[model.Assertion]:
        return self.entity.attributes

    @cached_property
    def links(self) -> list[tuple["Direction", model.Assertion]]:
        """The entity's distinct links (the store keeps a link recorded again once, with its
        Sightings: model.Entity), out then in."""
        return [(direction, a) for direction, group in ((Direction.OUT, self.entity.links), (Direction.IN, self.entity.incoming))
                for a in group if (a.object if direction is Direction.OUT else a.subject) is not None]


@strawberry.type
class PageInfo:
    end_cursor: Optional[str]
    has_next_page: bool


@strawberry.type
class EntityPage:
    total_count: int
    items: list[Entity]
    page_info: PageInfo


@strawberry.type(description="One dated event in a person's merged multi-agency chronology.")
class ChronologyEntry:
    event_id: strawberry.ID
    kind: str
    occurred_on: Optional[datetime]
    ended_on: Optional[datetime]
    agency: str
    source_ref: str
    recorded_by: str
    status: str = strawberry.field(description="Whether the event record is fact, opinion, allegation or professional judgement.")
    is_fact: bool
    role: Optional[str]
    summary: Optional[str]
    action_taken: Optional[str]
    outcome: Optional[str]
    assertion_ids: list[strawberry.ID] = strawberry.field(description=f"The assertions the entry rests on: the first {MAX_LIST}; `assertionCount` says how many there are.")
    assertion_count: int

    @classmethod
    def of(cls, e: chron.ChronologyEntry) -> "ChronologyEntry":
        return cls(
            event_id=strawberry.ID(e.event_id), kind=e.kind, occurred_on=e.occurred_on, ended_on=e.ended_on,
            agency=e.agency, source_ref=e.source_ref, recorded_by=e.recorded_by, status=e.status,
            is_fact=e.status == "fact", role=e.role, summary=e.summary, action_taken=e.action_taken,
            outcome=e.outcome, assertion_ids=[strawberry.ID(i) for i in capped(e.assertion_ids)], assertion_count=len(e.assertion_ids),
        )


@strawberry.type
class ChronologyPage:
    person_id: strawberry.ID
    total_count: int
    items: list[ChronologyEntry]
    page_info: PageInfo


@strawberry.type(description="Where an assertion came from and how it stands against others.")
class Provenance:
    assertion: Assertion
    recorded_by: str
    agency: str
    source_ref: str
    method: str
    status: str
    source_reliability: Optional[str]
    information_confidence: Optional[str]
    reached_hub_via: str = strawberry.field(description="How the assertion reached the hub.")
    current: bool = strawberry.field(description="False once a visible correction or retraction supersedes it.")
    supersedes: Optional[Assertion]
    superseded_by: list[Assertion] = strawberry.field(description=f"The first {MAX_LIST}; `supersededByCount` says how many.")
    corroborated_by: list[Assertion] = strawberry.field(description=f"Other agencies' assertions of the same thing: the first {MAX_LIST}; `corroboratedByCount` says how many.")
    contradicted_by: list[Assertion] = strawberry.field(description=f"Other agencies' different values for a one-value attribute: the first {MAX_LIST}; `contradictedByCount` says how many.")
    shared_via: list[SharingDecision] = strawberry.field(description=f"Decisions to share (or not) that cover this assertion, as far as you may see them: the first {MAX_LIST}; `sharedViaCount` says how many.")
    superseded_by_count: int
    corroborated_by_count: int
    contradicted_by_count: int
    shared_via_count: int


@strawberry.type
class Me:
    subject: str
    agency: str
    roles: list[str]
    auths: list[str] = strawberry.field(description=f"The first {MAX_LIST}; `authCount` says how many.")
    purpose: Optional[str]
    pseudonymous: bool
    auth_count: int


@strawberry.type
class RecordResult:
    written: int
    assertions: list[Assertion] = strawberry.field(description=f"The first {MAX_LIST} written; `written` says how many.")


def page_info(p: Page) -> PageInfo:  # type: ignore[type-arg]
    return PageInfo(end_cursor=p.end_cursor, has_next_page=p.has_next)


def provenance_of(ctx: "Context", t: prov.Trace, decisions: list[model.SharingDecision]) -> Provenance:
    a = t.assertion
    via = f"recorded by {a.agency} ({a.recorded_by}) from its record {a.source_ref}"
    grant = next((d for d in decisions if d.grants(ctx.principal.view()) and not ctx.principal.view().may_see(a)), None)
    if grant is not None:
        via += f"; shared with {grant.to_agency} by {grant.from_agency} under decision {grant.id} ({grant.lawful_basis})"
    return Provenance(
        assertion=ctx.show(a), recorded_by=a.recorded_by, agency=a.agency, source_ref=a.source_ref,
        method=a.method, status=a.status, source_reliability=a.source_reliability,
        information_confidence=a.information_confidence,
        reached_hub_via=via, shared_via=[SharingDecision.of(d) for d in capped(decisions)],
        current=t.current, supersedes=ctx.show(t.supersedes) if t.supersedes else None,
        superseded_by=[ctx.show(x) for x in capped(t.superseded_by)],
        corroborated_by=[ctx.show(x) for x in capped(t.corroborated_by)],
        contradicted_by=[ctx.show(x) for x in capped(t.contradicted_by)],
        superseded_by_count=len(t.superseded_by), corroborated_by_count=len(t.corroborated_by),
        contradicted_by_count=len(t.contradicted_by), shared_via_count=len(decisions),
    )

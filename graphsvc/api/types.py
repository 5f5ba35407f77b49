"""GraphQL output types, and their construction from domain objects.

Every assertion that leaves the service goes through `Context.show`, which applies the
caller's disclosure rules and notes the id for the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Generic, Optional, TypeVar

import strawberry
from strawberry.scalars import JSON

from .. import chronology as chron
from .. import model, provenance as prov
from ..disclosure import Disclosure
from ..paging import Page
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


@strawberry.type(description="A link from or to an entity, with the assertion it rests on.")
class Link:
    predicate: str
    role: Optional[str]
    direction: Direction
    other: EntityRef
    assertion: Assertion


@strawberry.type(description="A person, agency, context, object or event, as the caller may see it.")
class Entity:
    id: strawberry.ID
    kind: str
    label: Optional[str]
    # Attributes and links are built only when the query asks for them: building every link
    # (with each linked entity's kind and label) for a query that wants the attributes was most
    # of a point look-up's time, and put assertions the answer did not hold in the audit log.
    shown: strawberry.Private["EntityShown"]

    @strawberry.field(description="Attribute values, each with its provenance.")
    def attributes(self) -> list[Assertion]:
        return self.shown.context.attributes(self.shown.entity, self.shown.disclosure)

    @strawberry.field
    def links(self) -> list[Link]:
        return self.shown.context.links(self.shown.entity, self.shown.disclosure)


@dataclass(frozen=True)
class EntityShown:
    """What an Entity's attributes and links are built from, when asked for."""

    context: "Context"
    entity: model.Entity
    disclosure: "Disclosure"


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
    assertion_ids: list[strawberry.ID]

    @classmethod
    def of(cls, e: chron.ChronologyEntry) -> "ChronologyEntry":
        return cls(
            event_id=strawberry.ID(e.event_id), kind=e.kind, occurred_on=e.occurred_on, ended_on=e.ended_on,
            agency=e.agency, source_ref=e.source_ref, recorded_by=e.recorded_by, status=e.status,
            is_fact=e.status == "fact", role=e.role, summary=e.summary, action_taken=e.action_taken,
            outcome=e.outcome, assertion_ids=[strawberry.ID(i) for i in e.assertion_ids],
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
    superseded_by: list[Assertion]
    corroborated_by: list[Assertion] = strawberry.field(description="Other agencies' assertions of the same thing.")
    contradicted_by: list[Assertion] = strawberry.field(description="Other agencies' different values for a one-value attribute.")
    shared_via: list[SharingDecision] = strawberry.field(description="Decisions to share (or not) that cover this assertion, as far as you may see them.")


@strawberry.type
class Me:
    subject: str
    agency: str
    roles: list[str]
    auths: list[str]
    purpose: Optional[str]
    pseudonymous: bool


@strawberry.type
class RecordResult:
    written: int
    assertions: list[Assertion]


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
        reached_hub_via=via, shared_via=[SharingDecision.of(d) for d in decisions],
        current=t.current, supersedes=ctx.show(t.supersedes) if t.supersedes else None,
        superseded_by=[ctx.show(x) for x in t.superseded_by],
        corroborated_by=[ctx.show(x) for x in t.corroborated_by],
        contradicted_by=[ctx.show(x) for x in t.contradicted_by],
    )

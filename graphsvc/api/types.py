"""GraphQL output types: what an answer may hold, nothing about how it is built.

presentation.py builds them from domain objects. The parts built only when a query asks for
them (an entity's attributes and links, a link's assertion ids, a mentioned entity's kind and
label) are asked of the protocols below, which presentation.py and the Disclosure provide.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Optional, Protocol

import strawberry
from strawberry.scalars import JSON

from ..paging import MAX_LIST
from . import terms
from .accountability_types import SharingDecision

First = Annotated[int, strawberry.argument(description=f"At most this many (default and at most {MAX_LIST}).")]


@strawberry.type(description="One thing one agency recorded, with its provenance.")
class Assertion:
    id: strawberry.ID = strawberry.field(description="The assertion's id: provenance, accessLog and sharing decisions name it by this.")
    subject: str = strawberry.field(description="The id of the entity it is about.")
    predicate: str = strawberry.field(description="What it says about the subject: a link (e.g. lives_at, found_with) or an attribute (e.g. name, date_of_birth), as the vocabulary defines them.")
    object: Optional[str] = strawberry.field(description="The linked entity's id, for a link.")
    value: Optional[JSON] = strawberry.field(description="The value, for an attribute; the reason, for a retraction; for a same_person_as, not_same_person or possibly_same_person link, the match probability and its evidence ({probability, evidence}), if recorded.")
    role: Optional[str] = strawberry.field(description=terms.ROLE)
    valid_from: Optional[datetime] = strawberry.field(description="When it became true (valid time); null if the agency did not say.")
    valid_to: Optional[datetime] = strawberry.field(description="When it stopped being true (valid time, exclusive); null if it still holds or the agency did not say.")
    recorded_at: datetime = strawberry.field(description="When the hub learned it (record time): `asOf` answers with what had been recorded by then.")
    recorded_by: str = strawberry.field(description="The professional who recorded it (their id).")
    agency: str = strawberry.field(description="The agency whose record it is.")
    source_ref: str = strawberry.field(description="The recording agency's own record id.")
    method: str = strawberry.field(description=terms.METHOD)
    status: str = strawberry.field(description=terms.STATUS)
    source_reliability: Optional[str] = strawberry.field(description=terms.RELIABILITY)
    information_confidence: Optional[str] = strawberry.field(description=terms.CONFIDENCE)
    scope: str = strawberry.field(description="Who may see it: an expression over authorisations, e.g. `police|mash` (either) or `csc&health` (both); empty means anyone signed in. A decision to share also lets its recipient see it.")
    handling: str = strawberry.field(description=terms.HANDLING)
    supersedes: Optional[str] = strawberry.field(description="The id of the assertion this one corrects or retracts; null for an original record.")
    retraction: bool = strawberry.field(description="True if it withdraws the assertion it supersedes; its value is the reason.")


@strawberry.enum(description="Which way a link points, seen from the entity asked about.")
class Direction(Enum):
    OUT = strawberry.enum_value("out", description="From the entity: it is the link's subject (it lives_at the other, say).")
    IN = strawberry.enum_value("in", description="To the entity: it is the link's object (the other lives_at it, say).")


ENTITY_ID = "The entity's id, by which the queries that take an id name it."


class Naming(Protocol):
    """What an entity is and is called, as the caller may see it (disclosure.Disclosure)."""

    def kind(self, entity_id: str) -> Optional[str]: ...

    def label(self, entity_id: str) -> Optional[str]: ...


class AssertionIds(Protocol):
    """Assertion ids as shown, noted for the audit log when shown (presentation.Presenter)."""

    def ids(self, assertion_ids: tuple[str, ...]) -> list[strawberry.ID]: ...


class EntityParts(Protocol):
    """An entity's attributes and links, built when asked for (presentation.EntityParts)."""

    def attributes(self, first: int, after: Optional[str]) -> list["Assertion"]: ...

    def attribute_count(self) -> int: ...

    def links(self, first: int, after: Optional[str]) -> list["Link"]: ...

    def link_count(self) -> int: ...

    def identities(self) -> list["Identity"]: ...


@strawberry.type(description="Another entity, as the caller may see it.")
class EntityRef:
    id: strawberry.ID = strawberry.field(description=ENTITY_ID)
    # Kind and label are looked up when the query asks for them, for every entity the answer
    # mentions at once (Disclosure.mention): one read each was a round trip each on Neo4j.
    naming: strawberry.Private[Naming]
    entity_id: strawberry.Private[str]  # the real id, which `id` is only for named readers

    @strawberry.field(description="What kind of entity it is; null when you may not see the entity itself.")
    def kind(self) -> Optional[str]:
        return self.naming.kind(self.entity_id)

    @strawberry.field(description="Its name, or a pseudonym for analysts without identity authorisation; null if it has no name you may see.")
    def label(self) -> Optional[str]:
        return self.naming.label(self.entity_id)


@strawberry.type(description="One agency's record of a person: one of the records that make up the person, as you may see them.")
class Identity:
    record: EntityRef = strawberry.field(description="The record: its id, kind and label.")
    agency: str = strawberry.field(description="The agency that recorded it (the agency of the assertion of its kind).")


@strawberry.type(description="A link from or to an entity, with the assertion it rests on. Repeated assertions of the same link (the same subject, predicate, object and role, e.g. repeated sightings at one place) are one link, shown by the first of them, with their count and ids.")
class Link:
    predicate: str = strawberry.field(description="What kind of link it is, e.g. lives_at, associates_with or involved_in (see the vocabulary).")
    role: Optional[str] = strawberry.field(description=terms.ROLE)
    direction: Direction = strawberry.field(description="OUT if the entity asked about is the link's subject, IN if it is the object.")
    other: EntityRef = strawberry.field(description="The entity at the other end.")
    assertion: Assertion = strawberry.field(description="The first visible assertion of this link.")
    sightings: int = strawberry.field(description="How many visible assertions make this link (repeated sightings); 1 for a link recorded once.")
    first_seen: datetime = strawberry.field(description="The earliest of its assertions' times (valid from, else recorded).")
    last_seen: datetime = strawberry.field(description="The latest of its assertions' times.")
    shown_ids: strawberry.Private[tuple[str, ...]]
    shown: strawberry.Private[AssertionIds]  # noted for the audit log only if asked for

    @strawberry.field(description=f"The ids of its assertions in the order recorded: the first {MAX_LIST}; `sightings` says how many there are.")
    def assertion_ids(self) -> list[strawberry.ID]:
        return self.shown.ids(self.shown_ids)


@strawberry.type(description="A person, agency, context, object or event, as the caller may see it.")
class Entity:
    id: strawberry.ID = strawberry.field(description=ENTITY_ID)
    kind: str = strawberry.field(description="What kind of entity it is, e.g. child, adult, address, phone or missing_episode (see the vocabulary's entity kinds).")
    label: Optional[str] = strawberry.field(description="Its name, or a pseudonym for analysts without identity authorisation; null if it has no name you may see.")
    # Attributes and links are built only when the query asks for them: building every link
    # (with each linked entity's kind and label) for a query that wants the attributes was most
    # of a point look-up's time, and put assertions the answer did not hold in the audit log.
    parts: strawberry.Private[EntityParts]

    @strawberry.field(description=f"Attribute values, each with its provenance, in the order recorded: at most `first` (default and at most {MAX_LIST}), after the one whose assertion id is `after`; `attributeCount` says how many there are.")
    def attributes(self, first: First = MAX_LIST,
                   after: Annotated[Optional[strawberry.ID], strawberry.argument(description="Continue after the attribute value with this assertion id (the last one you were given).")] = None) -> list[Assertion]:
        return self.parts.attributes(first, after)

    @strawberry.field(description="How many attribute values you may see.")
    def attribute_count(self) -> int:
        return self.parts.attribute_count()

    @strawberry.field(description=f"Its distinct links, out then in, each in the order first recorded: at most `first` (default and at most {MAX_LIST}), after the link whose assertion id is `after`; `linkCount` says how many there are.")
    def links(self, first: First = MAX_LIST,
              after: Annotated[Optional[strawberry.ID], strawberry.argument(description="Continue after the link whose assertion id is this (the last one you were given).")] = None) -> list[Link]:
        return self.parts.links(first, after)

    @strawberry.field(description="How many distinct links you may see (repeated sightings of one link count once).")
    def link_count(self) -> int:
        return self.parts.link_count()

    @strawberry.field(description=f"The agency records merged into this person for you, itself included, by id: those joined to it by the same_person_as links you may see (never across a not_same_person you may see); for an entity that is no person, itself alone. At most {MAX_LIST}.")
    def identities(self) -> list[Identity]:
        return self.parts.identities()


@strawberry.type(description="Where a page starts and ends (the Relay cursor connections spec's PageInfo). Pages go forwards: give `endCursor` as `after` for the next page.")
class PageInfo:
    end_cursor: Optional[str] = strawberry.field(description="The last item's cursor: give it as `after` for the next page. For an empty page, the `after` you gave (null if none).")
    has_next_page: bool = strawberry.field(description="True if items follow this page.")
    start_cursor: Optional[str] = strawberry.field(description="The first item's cursor (as `after`, it continues after that item); null for an empty page.")
    has_previous_page: bool = strawberry.field(description="True if items come before this page: it began after the cursor given as `after`.")


TOTAL = "How many there are in all, across every page (only what you may see is counted)."
PAGE_INFO = "Where this page starts and ends, for asking for the next one."


@strawberry.type(description="One page of the entities found, with how many there are in all.")
class EntityPage:
    total_count: int = strawberry.field(description=TOTAL)
    items: list[Entity] = strawberry.field(description="The entities on this page.")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type(description="One dated event in a person's merged multi-agency chronology.")
class ChronologyEntry:
    event_id: strawberry.ID = strawberry.field(description="The event's id: `entity` gives the whole event record.")
    kind: str = strawberry.field(description="What kind of event, e.g. contact, incident, missing_episode or hospital_attendance (see the vocabulary's entity kinds).")
    occurred_on: Optional[datetime] = strawberry.field(description="When the event happened or began; if the record does not say, when the event record became true (valid time).")
    ended_on: Optional[datetime] = strawberry.field(description="When the event ended (for a missing episode, when the child was found or returned); null if not recorded.")
    agency: str = strawberry.field(description="The agency that recorded the event.")
    source_ref: str = strawberry.field(description="That agency's own record id for the event.")
    recorded_by: str = strawberry.field(description="The professional who recorded the event (their id).")
    status: str = strawberry.field(description="Whether the event record is fact, opinion, allegation or professional judgement.")
    is_fact: bool = strawberry.field(description="True if the event record is fact; false for opinion, allegation or professional judgement.")
    role: Optional[str] = strawberry.field(description="The person's role in the event: victim, suspect, witness, subject, reporter or attendee.")
    summary: Optional[str] = strawberry.field(description="What happened, in the recorder's words (several recorded summaries joined by `; `).")
    action_taken: Optional[str] = strawberry.field(description="What the agency did in response, or why nothing was done (several joined by `; `).")
    outcome: Optional[str] = strawberry.field(description="The decision or outcome recorded for a contact, referral or meeting (several joined by `; `).")
    assertion_ids: list[strawberry.ID] = strawberry.field(description=f"The assertions the entry rests on: the first {MAX_LIST}; `assertionCount` says how many there are.")
    assertion_count: int = strawberry.field(description="How many assertions the entry rests on.")


@strawberry.type(description="One page of a person's chronology, with how many entries there are in all.")
class ChronologyPage:
    person_id: strawberry.ID = strawberry.field(description="The person whose chronology it is.")
    total_count: int = strawberry.field(description=TOTAL)
    items: list[ChronologyEntry] = strawberry.field(description="The entries on this page, oldest first; one per event and role the person had in it.")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type(description="Where an assertion came from and how it stands against others.")
class Provenance:
    assertion: Assertion = strawberry.field(description="The assertion traced.")
    recorded_by: str = strawberry.field(description="The professional who recorded it (their id).")
    agency: str = strawberry.field(description="The agency whose record it is.")
    source_ref: str = strawberry.field(description="The agency's own id for the record it came from.")
    method: str = strawberry.field(description=terms.METHOD)
    status: str = strawberry.field(description=terms.STATUS)
    source_reliability: Optional[str] = strawberry.field(description=terms.RELIABILITY)
    information_confidence: Optional[str] = strawberry.field(description=terms.CONFIDENCE)
    reached_hub_via: str = strawberry.field(description="How the assertion reached the hub.")
    current: bool = strawberry.field(description="False once a visible correction or retraction supersedes it.")
    supersedes: Optional[Assertion] = strawberry.field(description="The assertion it corrected or retracted; null if it corrected nothing or you may not see that one.")
    superseded_by: list[Assertion] = strawberry.field(description=f"The corrections and retractions of it you may see: the first {MAX_LIST}; `supersededByCount` says how many.")
    corroborated_by: list[Assertion] = strawberry.field(description=f"Other agencies' assertions of the same thing: the first {MAX_LIST}; `corroboratedByCount` says how many.")
    contradicted_by: list[Assertion] = strawberry.field(description=f"Other agencies' different values for a one-value attribute: the first {MAX_LIST}; `contradictedByCount` says how many.")
    shared_via: list[SharingDecision] = strawberry.field(description=f"Decisions to share (or not) that cover this assertion, as far as you may see them: the first {MAX_LIST}; `sharedViaCount` says how many.")
    superseded_by_count: int = strawberry.field(description="How many corrections and retractions of it you may see.")
    corroborated_by_count: int = strawberry.field(description="How many other agencies' assertions of the same thing you may see.")
    contradicted_by_count: int = strawberry.field(description="How many other agencies' different values you may see.")
    shared_via_count: int = strawberry.field(description="How many sharing decisions covering it you may see.")


@strawberry.type(description="Who the service thinks you are, from your token.")
class Me:
    subject: str = strawberry.field(description="Your id, as your token gives it; the audit log records you by it.")
    agency: str = strawberry.field(description="Your agency.")
    roles: list[str] = strawberry.field(description="Your roles (practitioner, mash, analyst, auditor, admin): they decide which queries and changes you may make.")
    auths: list[str] = strawberry.field(description=f"Your authorisations, which decide which assertions you may see: the first {MAX_LIST}; `authCount` says how many.")
    purpose: Optional[str] = strawberry.field(description="The purpose your token states, recorded with everything you ask; null if none (queries that return identities or patterns need one).")
    pseudonymous: bool = strawberry.field(description="True if you see people by pseudonym: an analyst without the identity authorisation.")
    auth_count: int = strawberry.field(description="How many authorisations you hold.")


@strawberry.type(description="What a write recorded.")
class RecordResult:
    written: int = strawberry.field(description="How many assertions were written.")
    assertions: list[Assertion] = strawberry.field(description=f"The first {MAX_LIST} written; `written` says how many.")

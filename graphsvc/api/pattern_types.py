"""GraphQL types for the risk-pattern queries, built from patterns.py results.

People appear as EntityRefs, so analysts without identity authorisation see pseudonyms here
as everywhere else; every item carries the assertion ids it rests on.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Optional

import strawberry

from .. import patterns as p
from ..disclosure import Disclosure
from ..paging import MAX_LIST, capped
from .types import EntityRef, PageInfo

if TYPE_CHECKING:
    from .context import Context

ID = strawberry.ID


def ref(d: Disclosure, entity_id: str) -> EntityRef:
    return EntityRef.of(d, entity_id)


def ids(c: "Context", assertion_ids: tuple[str, ...]) -> list[strawberry.ID]:
    """The first MAX_LIST of the ids (the field's count beside it says how many)."""
    shown = capped(assertion_ids)
    c.returned.update(shown)
    return [ID(i) for i in shown]


def refs(d: Disclosure, entity_ids: list[str]) -> list[EntityRef]:
    """The first MAX_LIST of the entities (the field's count beside it says how many)."""
    return [ref(d, x) for x in capped(entity_ids)]


CAPPED = f"The first {MAX_LIST}; "


@strawberry.type(description="A child's link to a shared context: repeated sightings of the child there (by the same link) are one link, with their count.")
class ContextLink:
    child: EntityRef
    how: str = strawberry.field(description="lives_at, attends, seen_at, member_of, owns_uses or found_at.")
    when: datetime = strawberry.field(description="The first sighting in the window.")
    agency: str = strawberry.field(description="The first sighting's agency.")
    assertion_ids: list[ID] = strawberry.field(description=CAPPED + "`assertionCount` says how many.")
    assertion_count: int
    sightings: int = strawberry.field(description="How many times the link was recorded in the window (1 for once).")
    last_seen: datetime = strawberry.field(description="The last sighting in the window.")


@strawberry.type(description="A place, group or object linked to several children.")
class SharedContext:
    context: EntityRef
    children: list[EntityRef] = strawberry.field(description=CAPPED + "`childCount` says how many.")
    child_count: int
    unrelated_children: int = strawberry.field(description="Children counted once per family group (siblings and other family links joined).")
    links: list[ContextLink] = strawberry.field(description=CAPPED + "one per child and link kind; `linkCount` says how many.")
    link_count: int
    first_seen: datetime
    last_seen: datetime
    agency_count: int = strawberry.field(description="How many distinct agencies reported links.")

    @classmethod
    def of(cls, c: "Context", d: Disclosure, s: p.SharedContext) -> "SharedContext":
        return cls(
            context=ref(d, s.context), children=refs(d, s.children), child_count=len(s.children),
            unrelated_children=s.unrelated_children,
            links=[ContextLink(child=ref(d, l.child), how=l.how, when=l.when, agency=l.agency, assertion_ids=ids(c, l.assertion_ids),
                               assertion_count=l.assertion_count, sightings=l.sightings, last_seen=l.last_seen) for l in capped(s.links)],
            link_count=len(s.links),
            first_seen=s.first_seen, last_seen=s.last_seen, agency_count=s.agencies,
        )


@strawberry.type
class SharedContextPage:
    total_count: int
    items: list[SharedContext]
    page_info: PageInfo


@strawberry.type(description="One missing episode: missing, or away without authorisation.")
class MissingEpisode:
    id: ID
    child: EntityRef
    episode_type: str
    last_seen: datetime
    found_or_returned: Optional[datetime]
    duration_hours: Optional[float]
    found_at: list[EntityRef] = strawberry.field(description=CAPPED + "`foundAtCount` says how many.")
    found_with: list[EntityRef] = strawberry.field(description=CAPPED + "`foundWithCount` says how many.")
    found_at_count: int
    found_with_count: int
    police_reference: Optional[str]
    risk_grade: Optional[str]
    rhi_offered: Optional[datetime] = strawberry.field(description="When a return home interview was offered.")
    rhi_accepted: Optional[bool]
    rhi_completed: Optional[datetime]
    rhi_within_72_hours: Optional[bool]
    rhi_reason_none: Optional[str]
    assertion_ids: list[ID] = strawberry.field(description=CAPPED + "`assertionCount` says how many.")
    assertion_count: int

    @classmethod
    def of(cls, c: "Context", d: Disclosure, e: p.Episode) -> "MissingEpisode":
        return cls(
            id=ID(e.id), child=ref(d, e.child), episode_type=e.episode_type, last_seen=e.started, found_or_returned=e.ended,
            duration_hours=e.duration_hours, found_at=refs(d, e.found_at), found_with=refs(d, e.found_with),
            found_at_count=len(e.found_at), found_with_count=len(e.found_with), assertion_count=len(e.assertion_ids),
            police_reference=e.police_reference, risk_grade=e.risk_grade, rhi_offered=e.rhi_offered, rhi_accepted=e.rhi_accepted,
            rhi_completed=e.rhi_completed, rhi_within_72_hours=e.rhi_within_72h, rhi_reason_none=e.rhi_reason_none,
            assertion_ids=ids(c, e.assertion_ids),
        )


@strawberry.type
class MissingHistory:
    child: EntityRef
    episodes: list[MissingEpisode] = strawberry.field(description=CAPPED + "oldest first; `episodeCount` says how many.")
    episode_count: int
    last_30_days: int
    last_90_days: int
    last_365_days: int
    median_duration_hours: Optional[float]
    longest_duration_hours: Optional[float]
    places_found_more_than_once: list[EntityRef] = strawberry.field(description=CAPPED + "`placesFoundMoreThanOnceCount` says how many.")
    people_found_with_more_than_once: list[EntityRef] = strawberry.field(description=CAPPED + "`peopleFoundWithMoreThanOnceCount` says how many.")
    places_found_more_than_once_count: int
    people_found_with_more_than_once_count: int

    @classmethod
    def of(cls, c: "Context", d: Disclosure, h: p.MissingHistory) -> "MissingHistory":
        return cls(
            child=ref(d, h.child), episodes=[MissingEpisode.of(c, d, e) for e in capped(h.episodes)], episode_count=len(h.episodes),
            last_30_days=h.last_30_days, last_90_days=h.last_90_days, last_365_days=h.last_365_days,
            median_duration_hours=h.median_hours, longest_duration_hours=h.longest_hours,
            places_found_more_than_once=refs(d, h.places_found_more_than_once),
            people_found_with_more_than_once=refs(d, h.people_found_with_more_than_once),
            places_found_more_than_once_count=len(h.places_found_more_than_once),
            people_found_with_more_than_once_count=len(h.people_found_with_more_than_once),
        )


@strawberry.type(description="A child with repeated missing episodes in the window.")
class RepeatMissingChild:
    child: EntityRef
    episodes: int
    earlier_half: int
    later_half: int
    trend: str = strawberry.field(description="rising, falling or steady: later half of the window against the earlier half.")
    first: datetime
    last: datetime
    assertion_ids: list[ID] = strawberry.field(description=CAPPED + "`assertionCount` says how many.")
    assertion_count: int

    @classmethod
    def of(cls, c: "Context", d: Disclosure, r: p.RepeatMissing) -> "RepeatMissingChild":
        return cls(child=ref(d, r.child), episodes=r.episodes, earlier_half=r.earlier_half, later_half=r.later_half, trend=r.trend,
                   first=r.first, last=r.last, assertion_ids=ids(c, r.assertion_ids), assertion_count=len(r.assertion_ids))


@strawberry.type
class RepeatMissingPage:
    total_count: int
    items: list[RepeatMissingChild]
    page_info: PageInfo


@strawberry.type(description="Why two children are paired.")
class CoMissingReason:
    reason: str = strawberry.field(description="overlapping, found_at_same_place or found_with_same_person.")
    episode: ID
    other_episode: ID
    via: Optional[EntityRef]
    assertion_ids: list[ID] = strawberry.field(description=CAPPED + "`assertionCount` says how many.")
    assertion_count: int


@strawberry.type
class CoMissingChild:
    child: EntityRef
    reasons: list[CoMissingReason] = strawberry.field(description=CAPPED + "`reasonCount` says how many.")
    reason_count: int

    @classmethod
    def of(cls, c: "Context", d: Disclosure, m: p.CoMissing) -> "CoMissingChild":
        return cls(child=ref(d, m.child), reason_count=len(m.reasons), reasons=[
            CoMissingReason(reason=r.reason, episode=ID(r.episode), other_episode=ID(r.other_episode), via=ref(d, r.via) if r.via else None,
                            assertion_ids=ids(c, unique), assertion_count=len(unique))
            for r in capped(m.reasons) for unique in [tuple(dict.fromkeys(r.assertion_ids))]
        ])


@strawberry.type
class AdultLink:
    child: EntityRef
    how: str = strawberry.field(description="associates_with, found_with, shares_object or same_event.")
    when: datetime = strawberry.field(description="The first time (repeated links of one kind through one thing are one link).")
    via: Optional[EntityRef]
    assertion_ids: list[ID] = strawberry.field(description=CAPPED + "`assertionCount` says how many.")
    assertion_count: int
    sightings: int = strawberry.field(description="How many times the link was recorded in the window (1 for once).")
    last_seen: datetime


@strawberry.type(description="An adult linked to several unrelated children.")
class LinkedAdult:
    adult: EntityRef
    children: list[EntityRef] = strawberry.field(description=CAPPED + "`childCount` says how many.")
    child_count: int
    unrelated_children: int
    links: list[AdultLink] = strawberry.field(description=CAPPED + "`linkCount` says how many.")
    link_count: int

    @classmethod
    def of(cls, c: "Context", d: Disclosure, a: p.LinkedAdult) -> "LinkedAdult":
        return cls(adult=ref(d, a.adult), children=refs(d, a.children), child_count=len(a.children), unrelated_children=a.unrelated_children,
                   link_count=len(a.links), links=[
            AdultLink(child=ref(d, l.child), how=l.how, when=l.when, via=ref(d, l.via) if l.via else None, assertion_ids=ids(c, l.assertion_ids),
                      assertion_count=len(l.assertion_ids), sightings=l.sightings, last_seen=l.last_seen or l.when)
            for l in capped(a.links)
        ])


@strawberry.type
class LinkedAdultPage:
    total_count: int
    items: list[LinkedAdult]
    page_info: PageInfo


@strawberry.type
class PeerMember:
    person: EntityRef
    degree_centrality: float
    betweenness: float


@strawberry.type
class PeerEdge:
    source: EntityRef
    target: EntityRef
    how: str
    agency: str
    handling: str
    assertion_ids: list[ID] = strawberry.field(description=CAPPED + "`assertionCount` says how many.")
    assertion_count: int
    sightings: int = strawberry.field(description="How many links of this kind (with this agency and handling) join the two: repeated ones are one edge.")


@strawberry.type(description="The people around a child through association and co-occurrence.")
class PeerNetwork:
    child: EntityRef
    hops: int
    members: list[PeerMember] = strawberry.field(description=CAPPED + "most central first; `memberCount` says how many.")
    member_count: int
    edges: list[PeerEdge] = strawberry.field(description=CAPPED + "`edgeCount` says how many.")
    edge_count: int
    components: list[list[EntityRef]] = strawberry.field(description=CAPPED + f"largest first, each its first {MAX_LIST} members; `componentCount` and `componentSizes` say how many.")
    component_count: int
    component_sizes: list[int] = strawberry.field(description=CAPPED + "the size of each component, largest first.")
    graphml: str = strawberry.field(description="The network as GraphML (Gephi, i2); edges keep their assertion ids; edges whose handling forbids onward sharing are left out.")

    @classmethod
    def of(cls, c: "Context", d: Disclosure, n: p.PeerNetwork) -> "PeerNetwork":
        labels = {m.id: d.label(m.id) or m.id for m in n.members}
        return cls(
            child=ref(d, n.child), hops=n.hops,
            members=[PeerMember(person=ref(d, m.id), degree_centrality=m.degree_centrality, betweenness=m.betweenness) for m in capped(n.members)],
            member_count=len(n.members),
            edges=[PeerEdge(source=ref(d, e.source), target=ref(d, e.target), how=e.how, agency=e.agency, handling=e.handling, assertion_ids=ids(c, e.assertion_ids),
                            assertion_count=len(e.assertion_ids), sightings=e.sightings) for e in capped(n.edges)],
            edge_count=len(n.edges),
            components=[refs(d, comp) for comp in capped(n.components)], component_count=len(n.components),
            component_sizes=[len(comp) for comp in capped(n.components)],
            graphml=n.graphml(labels, c.principal.agency),
        )

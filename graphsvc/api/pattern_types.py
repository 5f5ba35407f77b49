"""GraphQL types for the risk-pattern queries (presentation.py builds them from patterns.py results).

People appear as EntityRefs, so analysts without identity authorisation see pseudonyms here
as everywhere else; every item carries the assertion ids it rests on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional

import strawberry

from .. import vocabulary as v
from ..paging import MAX_LIST
from .terms import HANDLING, either
from .types import PAGE_INFO, TOTAL, EntityRef, Identity, PageInfo

ID = strawberry.ID

CAPPED = f"The first {MAX_LIST}; "
RESTS_ON = "The assertions it rests on. " + CAPPED + "`assertionCount` says how many."
RECENT = "How many of the episodes began in the last {} days (to `asOf`, if given)."


@strawberry.type(description="A person, as the caller may see them: one or more agency records of them, merged for you by the same_person_as links you may see (`identities`), and named by one of those records.")
class PersonRef(EntityRef):
    merged: strawberry.Private[Callable[[], list[Identity]]]  # read when the query asks for it

    @strawberry.field(description=f"The agency records merged into this person for you, the one it is named by included, by id: those joined by the same_person_as links you may see (never across a not_same_person you may see). At most {MAX_LIST}.")
    def identities(self) -> list[Identity]:
        return self.merged()


@strawberry.type(description="A child's link to a shared context: repeated sightings of the child there (by the same link) are one link, with their count.")
class ContextLink:
    child: EntityRef = strawberry.field(description="The child's record linked to it (a person's records each have their own links).")
    how: str = strawberry.field(description=f"How the child is linked to it: {either((*v.CONTEXT_LINKS, 'found_at'))} (found there after going missing).")
    when: datetime = strawberry.field(description="The first sighting in the window.")
    agency: str = strawberry.field(description="The first sighting's agency.")
    assertion_ids: list[ID] = strawberry.field(description=RESTS_ON)
    assertion_count: int = strawberry.field(description="How many assertions it rests on.")
    sightings: int = strawberry.field(description="How many times the link was recorded in the window (1 for once).")
    last_seen: datetime = strawberry.field(description="The last sighting in the window.")


@strawberry.type(description="A place, group or object linked to several children.")
class SharedContext:
    context: EntityRef = strawberry.field(description="The place, group or object.")
    children: list[PersonRef] = strawberry.field(description="The children linked to it in the window, each a person: a child's records you see joined as one person are one child (`identities`). " + CAPPED + "`childCount` says how many.")
    child_count: int = strawberry.field(description="How many distinct children (persons, not records) are linked to it in the window.")
    unrelated_children: int = strawberry.field(description="Children counted once per family group (siblings and other family links joined), whatever excludeFamily says: excludeFamily only decides whether minChildren applies to this count or to childCount.")
    links: list[ContextLink] = strawberry.field(description="How each child is linked to it. " + CAPPED + "one per child and link kind; `linkCount` says how many.")
    link_count: int = strawberry.field(description="How many links there are (one per child and link kind).")
    first_seen: datetime = strawberry.field(description="The first sighting of a child there in the window.")
    last_seen: datetime = strawberry.field(description="The last sighting of a child there in the window.")
    agency_count: int = strawberry.field(description="How many distinct agencies reported links.")


@strawberry.type(description="One page of shared contexts, with how many there are in all.")
class SharedContextPage:
    total_count: int = strawberry.field(description=TOTAL)
    items: list[SharedContext] = strawberry.field(description="The contexts on this page: most unrelated children first, then the most recently seen.")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type(description="One missing episode: missing, or away without authorisation.")
class MissingEpisode:
    id: ID = strawberry.field(description="The episode's id: `entity` gives its whole record.")
    child: EntityRef = strawberry.field(description="The child who was missing.")
    episode_type: str = strawberry.field(description=f"Whether the child was {either(v.PREDICATES['episode_type'].choices)}.")
    last_seen: datetime = strawberry.field(description="When the child was last seen: the start of the episode.")
    found_or_returned: Optional[datetime] = strawberry.field(description="When the child was found or returned; null if not recorded (still missing, or not yet known).")
    duration_hours: Optional[float] = strawberry.field(description="How long the episode lasted, in hours; null without a found or returned time.")
    found_at: list[EntityRef] = strawberry.field(description="Where the child was found or returned to. " + CAPPED + "`foundAtCount` says how many.")
    found_with: list[EntityRef] = strawberry.field(description="Who the child was with when found. " + CAPPED + "`foundWithCount` says how many.")
    found_at_count: int = strawberry.field(description="How many places the child was found at.")
    found_with_count: int = strawberry.field(description="How many people the child was found with.")
    police_reference: Optional[str] = strawberry.field(description="The police force's reference for the episode.")
    risk_grade: Optional[str] = strawberry.field(description=f"The risk grade the police gave the episode: {either(v.PREDICATES['risk_grade'].choices)}.")
    rhi_offered: Optional[datetime] = strawberry.field(description="When a return home interview was offered.")
    rhi_accepted: Optional[bool] = strawberry.field(description="Whether the child accepted the return home interview; null if not recorded.")
    rhi_completed: Optional[datetime] = strawberry.field(description="When the return home interview took place; null if not recorded.")
    rhi_within_72_hours: Optional[bool] = strawberry.field(description="Whether the return home interview took place within 72 hours of the child's return, as it is due; null without both times.")
    rhi_reason_none: Optional[str] = strawberry.field(description="Why no return home interview was held.")
    assertion_ids: list[ID] = strawberry.field(description=RESTS_ON)
    assertion_count: int = strawberry.field(description="How many assertions it rests on.")


@strawberry.type(description="A child's missing episodes that began in the window, with how often, how long, and where and with whom the child was found again and again.")
class MissingHistory:
    child: PersonRef = strawberry.field(description="The child.")
    episodes: list[MissingEpisode] = strawberry.field(description="The episodes. " + CAPPED + "oldest first; `episodeCount` says how many.")
    episode_count: int = strawberry.field(description="How many episodes began in the window.")
    last_30_days: int = strawberry.field(description=RECENT.format(30))
    last_90_days: int = strawberry.field(description=RECENT.format(90))
    last_365_days: int = strawberry.field(description=RECENT.format(365))
    median_duration_hours: Optional[float] = strawberry.field(description="The median length of the episodes that have ended, in hours; null if none has.")
    longest_duration_hours: Optional[float] = strawberry.field(description="The longest of them, in hours; null if none has ended.")
    places_found_more_than_once: list[EntityRef] = strawberry.field(description="Places the child was found at in more than one episode. " + CAPPED + "`placesFoundMoreThanOnceCount` says how many.")
    people_found_with_more_than_once: list[EntityRef] = strawberry.field(description="People the child was found with in more than one episode. " + CAPPED + "`peopleFoundWithMoreThanOnceCount` says how many.")
    places_found_more_than_once_count: int = strawberry.field(description="How many places the child was found at more than once.")
    people_found_with_more_than_once_count: int = strawberry.field(description="How many people the child was found with more than once.")


@strawberry.type(description="A child with repeated missing episodes in the window.")
class RepeatMissingChild:
    child: PersonRef = strawberry.field(description="The child.")
    episodes: int = strawberry.field(description="How many episodes began in the window.")
    earlier_half: int = strawberry.field(description="How many began in the earlier half of the window (from `from`, or the first episode, to `to`, or the last).")
    later_half: int = strawberry.field(description="How many began in the later half.")
    trend: str = strawberry.field(description="Rising, falling or steady: the later half of the window against the earlier half.")
    first: datetime = strawberry.field(description="When the first episode in the window began.")
    last: datetime = strawberry.field(description="When the last episode in the window began.")
    assertion_ids: list[ID] = strawberry.field(description=RESTS_ON)
    assertion_count: int = strawberry.field(description="How many assertions it rests on.")


@strawberry.type(description="One page of children who repeatedly go missing, with how many there are in all.")
class RepeatMissingPage:
    total_count: int = strawberry.field(description=TOTAL)
    items: list[RepeatMissingChild] = strawberry.field(description="The children on this page: most episodes first, then the most recent.")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type(description="Why two children are paired.")
class CoMissingReason:
    reason: str = strawberry.field(description="Why: overlapping (missing at the same time), found_at_same_place or found_with_same_person.")
    episode: ID = strawberry.field(description="The episode of the child asked about.")
    other_episode: ID = strawberry.field(description="The other child's episode.")
    via: Optional[EntityRef] = strawberry.field(description="The place both were found at, or the person both were found with; null for overlapping episodes.")
    assertion_ids: list[ID] = strawberry.field(description=RESTS_ON)
    assertion_count: int = strawberry.field(description="How many assertions it rests on.")


@strawberry.type(description="Another child missing with the child asked about, and why they are paired.")
class CoMissingChild:
    child: PersonRef = strawberry.field(description="The other child.")
    reasons: list[CoMissingReason] = strawberry.field(description="Why they are paired, one reason per pair of episodes. " + CAPPED + "`reasonCount` says how many.")
    reason_count: int = strawberry.field(description="How many reasons there are.")


@strawberry.type(description="How an adult is linked to one child.")
class AdultLink:
    child: EntityRef = strawberry.field(description="The child's record the adult is linked to (a person's records each have their own links).")
    how: str = strawberry.field(description="How: associates_with (in contact), found_with (the child was found with the adult after going missing), shares_object (both use one phone or vehicle) or same_event (both involved in one event).")
    when: datetime = strawberry.field(description="The first time (repeated links of one kind through one thing are one link).")
    via: Optional[EntityRef] = strawberry.field(description="The missing episode, phone, vehicle or event through which they are linked; null for an association.")
    assertion_ids: list[ID] = strawberry.field(description=RESTS_ON)
    assertion_count: int = strawberry.field(description="How many assertions it rests on.")
    sightings: int = strawberry.field(description="How many times the link was recorded in the window (1 for once).")
    last_seen: datetime = strawberry.field(description="The last time in the window.")


@strawberry.type(description="An adult linked to several unrelated children.")
class LinkedAdult:
    adult: PersonRef = strawberry.field(description="The adult: every record of them you see merged into one (`identities`).")
    children: list[PersonRef] = strawberry.field(description="The children linked to the adult in the window, each a person (`identities`). " + CAPPED + "`childCount` says how many.")
    child_count: int = strawberry.field(description="How many distinct children (persons, not records) are linked to the adult in the window.")
    unrelated_children: int = strawberry.field(description="Children counted once per family group (siblings and other family links joined): the count minChildren applies to.")
    links: list[AdultLink] = strawberry.field(description="How the adult is linked to each child, in time order. " + CAPPED + "`linkCount` says how many.")
    link_count: int = strawberry.field(description="How many links there are (one per child, kind of link and thing linking them).")


@strawberry.type(description="One page of adults linked to several unrelated children, with how many there are in all.")
class LinkedAdultPage:
    total_count: int = strawberry.field(description=TOTAL)
    items: list[LinkedAdult] = strawberry.field(description="The adults on this page: most unrelated children first.")
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type(description="A person in a child's peer network.")
class PeerMember:
    person: PersonRef = strawberry.field(description="The person: every record of them you see is one member, named by the first by id (the child asked about by their own), and links between their records are left out.")
    degree_centrality: float = strawberry.field(description="The share of the network's other members the person is directly linked to, from 0 to 1.")
    betweenness: float = strawberry.field(description="How often the person lies on the shortest path between two others, from 0 to 1: a high value marks a go-between.")


@strawberry.type(description="A link between two people in a peer network.")
class PeerEdge:
    source: EntityRef = strawberry.field(description="One of the two.")
    target: EntityRef = strawberry.field(description="The other.")
    how: str = strawberry.field(description="How they are linked: associates_with, family_member_of, same_event (both involved in one event) or found_with (one was found with the other after going missing).")
    agency: str = strawberry.field(description="The agency that recorded the link.")
    handling: str = strawberry.field(description=HANDLING + " For a link resting on two assertions, the stricter of theirs.")
    assertion_ids: list[ID] = strawberry.field(description=RESTS_ON)
    assertion_count: int = strawberry.field(description="How many assertions it rests on.")
    sightings: int = strawberry.field(description="How many links of this kind (with this agency and handling) join the two: repeated ones are one edge.")


@strawberry.type(description="The people around a child through association and co-occurrence.")
class PeerNetwork:
    child: EntityRef = strawberry.field(description="The child at its centre.")
    hops: int = strawberry.field(description="How many steps out from the child it reaches.")
    members: list[PeerMember] = strawberry.field(description="The people in it, most central first. " + CAPPED + "`memberCount` says how many.")
    member_count: int = strawberry.field(description="How many people are in it, the child included.")
    edges: list[PeerEdge] = strawberry.field(description="The links between them. " + CAPPED + "`edgeCount` says how many.")
    edge_count: int = strawberry.field(description="How many links there are between them.")
    components: list[list[EntityRef]] = strawberry.field(description="Its separate groups (connected components), largest first. " + CAPPED + f"each its first {MAX_LIST} members; `componentCount` and `componentSizes` say how many.")
    component_count: int = strawberry.field(description="How many separate groups (connected components) it has.")
    component_sizes: list[int] = strawberry.field(description="How many people are in each group, largest first. " + CAPPED.rstrip("; ") + ".")
    graphml: str = strawberry.field(description="The network as GraphML (Gephi, i2); edges keep their assertion ids; edges whose handling forbids onward sharing are left out.")

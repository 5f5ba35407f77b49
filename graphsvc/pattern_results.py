"""What the pattern queries answer (patterns.Patterns): one frozen result type each, with the
assertion ids every item rests on, so the API shows nothing it cannot trace."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Optional

import networkx as nx

from .paging import capped


@dataclass(frozen=True)
class SightedContextLink:
    """A child's distinct link to a context (child, how), over all its sightings in the window."""

    child: str
    how: str
    when: datetime  # the first sighting
    last_seen: datetime
    agency: str  # the first sighting's
    sightings: int
    assertion_ids: tuple[str, ...]  # the first SIGHTING_IDS of the sightings', in time order
    assertion_count: int  # all of them
    agencies: tuple[str, ...]  # the sightings' distinct agencies, sorted


@dataclass(frozen=True)
class SharedContext:
    context: str
    kind: str
    children: list[str]
    unrelated_children: int
    links: list[SightedContextLink]
    first_seen: datetime
    last_seen: datetime
    agencies: int


@dataclass(frozen=True)
class Episode:
    id: str
    child: str
    episode_type: str
    started: datetime
    ended: Optional[datetime]
    found_at: list[str]
    found_with: list[str]
    police_reference: Optional[str]
    risk_grade: Optional[str]
    rhi_offered: Optional[datetime]
    rhi_accepted: Optional[bool]
    rhi_completed: Optional[datetime]
    rhi_within_72h: Optional[bool]
    rhi_reason_none: Optional[str]
    assertion_ids: tuple[str, ...]

    @property
    def duration_hours(self) -> Optional[float]:
        return round((self.ended - self.started).total_seconds() / 3600, 2) if self.ended else None


@dataclass(frozen=True)
class MissingHistory:
    child: str
    episodes: list[Episode]
    last_30_days: int
    last_90_days: int
    last_365_days: int
    median_hours: Optional[float]
    longest_hours: Optional[float]
    places_found_more_than_once: list[str]
    people_found_with_more_than_once: list[str]


@dataclass(frozen=True)
class RepeatMissing:
    child: str
    episodes: int
    earlier_half: int
    later_half: int
    trend: str
    first: datetime
    last: datetime
    assertion_ids: tuple[str, ...]


@dataclass(frozen=True)
class CoMissingReason:
    reason: str  # overlapping | found_at_same_place | found_with_same_person
    episode: str
    other_episode: str
    via: Optional[str]  # the place or person they share
    assertion_ids: tuple[str, ...]


@dataclass(frozen=True)
class CoMissing:
    child: str
    reasons: list[CoMissingReason]


@dataclass(frozen=True)
class AdultLink:
    child: str
    how: str  # associates_with | found_with | shares_object | same_event
    when: datetime
    via: Optional[str]  # the episode, phone, vehicle or event through which they are linked
    assertion_ids: tuple[str, ...]
    sightings: int = 1  # repeated links (child, how, via) are one, with their count (_sighted_adult_link)
    last_seen: Optional[datetime] = None


@dataclass(frozen=True)
class LinkedAdult:
    adult: str
    children: list[str]
    unrelated_children: int
    links: list[AdultLink]


@dataclass(frozen=True)
class PeerEdge:
    source: str
    target: str
    key: str
    how: str
    handling: str
    agency: str
    assertion_ids: tuple[str, ...]

    sightings: int = 1  # how many links of this kind between the two (_sighted_edge)

    def attributes(self) -> dict[str, object]:
        return {"how": self.how, "handling": self.handling, "agency": self.agency, "assertion_ids": self.assertion_ids, "sightings": self.sightings}


@dataclass(frozen=True)
class PeerMember:
    id: str
    kind: str
    degree_centrality: float
    betweenness: float


@dataclass(frozen=True)
class PeerNetwork:
    child: str
    hops: int
    members: list[PeerMember]
    edges: list[PeerEdge]
    components: list[list[str]]

    def graphml(self, labels: dict[str, str], caller_agency: str, shown_id: Callable[[str], str]) -> str:
        """GraphML for Gephi or i2, with each person under the id the caller is shown
        (`shown_id`). Edges keep their assertion ids; an edge that may not travel (no onward
        sharing, or another agency's record needing its consent) is left out."""
        graph = nx.MultiGraph()
        for m in self.members:
            graph.add_node(shown_id(m.id), label=labels.get(m.id) or shown_id(m.id), kind=m.kind)
        for e in self.edges:
            if e.handling == "no_onward_sharing" or (e.handling == "originator_consent" and e.agency != caller_agency):
                continue
            # At most MAX_LIST ids an edge (sightings says how many links it stands for).
            graph.add_edge(shown_id(e.source), shown_id(e.target), key=e.key, how=e.how, assertion_ids=" ".join(capped(e.assertion_ids)), agency=e.agency, sightings=e.sightings)
        out = io.BytesIO()
        nx.write_graphml(graph, out)
        return out.getvalue().decode("utf-8")

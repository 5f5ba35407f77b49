"""Risk-pattern queries: shared contexts, missing episodes, co-missing, linked adults, peer networks.

Each is computed only from what the store returns for the caller's view (visible, current
as of asOf), starting from the time index or from one entity's links, so its cost grows
with the answer rather than the store. Every item lists the assertion ids it rests on.
"""

from __future__ import annotations

import bisect
import operator
import statistics
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Iterable, Optional

import networkx as nx

from .chronology import check_window
from .errors import BadInput, NotFound
from .identity import identities_of_each, named_persons
from .model import SIGHTING_IDS, Assertion, ContextLink, View, moment, parse_time, utcnow
from .pattern_results import (
    SightedContextLink, SharedContext, Episode, MissingHistory, RepeatMissing, CoMissingReason, CoMissing, AdultLink, LinkedAdult, PeerEdge, PeerMember, PeerNetwork,
)
from .sightings import grouped
from .store.base import GraphStore
from .vocabulary import CONTEXT_KINDS, PEOPLE

MAX_HOPS = 3
# Episodes are looked for this far before another episode starts, to find overlaps.
LONGEST_EPISODE = timedelta(days=31)
RHI_DUE = timedelta(hours=72)
# A context's links in time order, then by child and assertions (ContextLink's when, child,
# assertion_ids): in C, where a lambda was a tenth of sharedContexts' own time.
_IN_TIME = operator.itemgetter(2, 0, 4)
_CHILD_HOW = operator.itemgetter(0, 1)


class Patterns:
    """The pattern queries for one view. Kinds and family links are looked up once per query."""

    def __init__(self, store: GraphStore, view: View):
        self.store = store
        self.view = view
        self._kinds: dict[str, Optional[str]] = {}
        self._family: dict[str, frozenset[str]] = {}  # person -> relatives among _family_among
        self._family_among: set[str] = set()
        self._facts: dict[str, list[Assertion]] = {}  # event -> its assertions (episode)
        self._subjects: dict[str, list[Assertion]] = {}  # event -> its subjects' involvement links
        self._records: dict[str, list[str]] = {}  # record -> every record of its person (identity.py)
        self._others: dict[str, frozenset[str]] = {}  # record -> its person's other records, if any

    # -- lookups, cached for the life of one query. The plural forms fetch many entities in one
    # store read: a pattern over a window touches thousands of entities.
    def kind(self, entity_id: str) -> Optional[str]:
        if entity_id not in self._kinds:
            self.learn_kinds([entity_id])
        return self._kinds[entity_id]

    def learn_kinds(self, entity_ids: Iterable[str]) -> None:
        unknown = {e for e in entity_ids if e not in self._kinds}
        if unknown:
            found = self.store.kinds_of(unknown, self.view)
            for e in unknown:
                self._kinds[e] = found.get(e)

    def learn_families(self, people: Iterable[str]) -> None:
        """The family links among these people (every candidate of a pattern, in one read), for
        `unrelated` of any of them."""
        among = set(people)
        self._family = self.store.families(among, self.view)
        self._family_among = among

    def subjects_of(self, event: str) -> list[Assertion]:
        """The involvement links of the event's subjects (the children an episode is about)."""
        return self.subjects_of_each([event])[event]

    def subjects_of_each(self, events: Iterable[str]) -> dict[str, list[Assertion]]:
        """subjects_of for many events in one read (of those not read before in this query);
        the subjects' kinds are learned too (every caller asks whether they are children)."""
        events = list(dict.fromkeys(events))
        unknown = [e for e in events if e not in self._subjects]
        if unknown:
            found = self.store.about_each(unknown, self.view, "involved_in", incoming=True)
            self._subjects.update((e, [a for a in links if a.role == "subject"]) for e, links in found.items())
            self.learn_kinds(a.subject for e in unknown for a in self._subjects[e])
        return {e: self._subjects[e] for e in events}

    def learn_facts(self, events: Iterable[str]) -> None:
        """What is recorded about each of these events (episode reads it), in one read: an
        episode a read each was a round trip each on Neo4j, hundreds in a month's window."""
        unknown = [e for e in dict.fromkeys(events) if e not in self._facts]
        if unknown:
            self._facts.update(self.store.about_each(unknown, self.view, None))

    def learn_persons(self, records: Iterable[str]) -> None:
        """Which records are of one person for this reader (identity.py), for these records."""
        unknown = [r for r in dict.fromkeys(records) if r not in self._records]
        if unknown:
            found = identities_of_each(self.store, self.view, unknown)
            self._records.update(found)
            self._others.update((r, frozenset(rs) - {r}) for r, rs in found.items() if len(rs) > 1)

    def persons(self, records: Iterable[str]) -> dict[str, list[str]]:
        """These records by person (identity.named_persons), each named by its first record here."""
        records = list(records)
        self.learn_persons(records)
        return named_persons(records, self._records)

    def records_of(self, record: str) -> list[str]:
        """Every record of this record's person the reader sees, by id (itself included)."""
        self.learn_persons([record])
        return self._records[record]

    def unrelated(self, people: Iterable[str]) -> int:
        """How many groups these people make, joined by (visible) family links among themselves:
        siblings count once (union-find over those with relatives only: this runs for every
        candidate context, and most people in one have no relative there). The links are
        learn_families', read again if these people were not all among those it was given."""
        people = list(people)
        if not self._family_among.issuperset(people):
            self.learn_families(people)
        family = self._family
        if self._others:  # a person's records are one person: joined as family is (learn_persons)
            family = {p: family[p] | self._others.get(p, frozenset()) for p in people}
        related = [p for p in people if family[p]]
        if not related:
            return len(people)
        parent = {p: p for p in people}

        def root(p: str) -> str:
            while parent[p] != p:
                parent[p] = p = parent[parent[p]]
            return p

        groups = len(parent)
        for p in related:
            for q in family[p]:
                if q in parent and (a := root(p)) != (b := root(q)):
                    parent[a] = b
                    groups -= 1
        return groups

    def require_child(self, child_id: str) -> None:
        """A child the view sees; an id of no such child (unknown, hidden, or another kind's)
        is not found, alike in every case, as person() answers."""
        if self.kind(child_id) != "child":
            raise NotFound.child(child_id)

    # -- 1. shared contexts
    def shared_contexts(self, min_children: int, start: Optional[datetime], end: Optional[datetime], kinds: Optional[Iterable[str]] = None, exclude_family: bool = True) -> list["SharedContext"]:
        check_window(start, end)
        if min_children < 2:
            raise BadInput("minChildren must be at least 2")
        wanted = set(kinds) if kinds is not None else set(CONTEXT_KINDS)
        unknown = wanted - CONTEXT_KINDS
        if unknown:
            raise BadInput(f"unknown context kinds: {', '.join(sorted(unknown))} (use {', '.join(sorted(CONTEXT_KINDS))})")
        # The families among every child placed, whichever count the threshold is on: each
        # context says how many unrelated children it links (family grouping can only lower a
        # count, so the store's min_children cut holds for both).
        placed, self._family = self.store.context_links_and_families(self.view, wanted, start, end, min_children)
        self._family_among = set(self._family)
        links = {p.context: p.links for p in placed}
        for p in placed:
            self._kinds[p.context] = p.kind
        candidates = _with_enough_children(links, min_children)
        # Children are persons: a child's records there count once (merging, too, only lowers a count).
        self.learn_persons(c for records in candidates.values() for c in records)
        found = []
        for context, records in candidates.items():
            context_links = links[context]
            children = list(self.persons(records))
            unrelated = self.unrelated(records)
            if (unrelated if exclude_family else len(children)) < min_children:
                continue
            sighted = sighted_context_links(context_links)
            found.append(SharedContext(
                context=context, kind=self.kind(context) or "", children=children, unrelated_children=unrelated, links=sighted,
                first_seen=sighted[0].when, last_seen=max(l.last_seen for l in sighted), agencies=len({a for l in sighted for a in l.agencies}),
            ))
        # Most children first by the count the threshold is on, then most recent.
        found.sort(key=lambda c: (-(c.unrelated_children if exclude_family else len(c.children)), -c.last_seen.timestamp(), c.context))
        return found

    # -- 2. one child's missing history
    def episode(self, involvement: Assertion) -> Optional["Episode"]:
        event = involvement.object
        assert event is not None
        self.learn_facts([event])
        facts = self._facts[event]
        if not any(a.predicate == "kind" and a.value == "missing_episode" for a in facts):
            return None
        by_predicate: dict[str, list[Assertion]] = defaultdict(list)
        for a in facts:
            if not a.is_link:
                by_predicate[a.predicate].append(a)
        values = {predicate: _earliest(found) for predicate, found in by_predicate.items()}
        start = values.get("occurred_on")
        if start is None:
            return None
        end = values.get("ended_on")

        def value(name: str) -> Optional[object]:
            return values[name].value if name in values else None

        started = parse_time(str(start.value))
        ended = parse_time(str(end.value)) if end else None
        offered, completed = value("rhi_offered_on"), value("rhi_completed_on")
        completed_at = parse_time(str(completed)) if completed else None
        return Episode(
            id=event, child=involvement.subject, episode_type=str(value("episode_type") or "missing"), started=started, ended=ended,
            found_at=sorted({a.object for a in facts if a.predicate == "found_at" and a.object}),
            found_with=sorted({a.object for a in facts if a.predicate == "found_with" and a.object}),
            police_reference=_str(value("police_reference")), risk_grade=_str(value("risk_grade")),
            rhi_offered=parse_time(str(offered)) if offered else None, rhi_accepted=value("rhi_accepted") if isinstance(value("rhi_accepted"), bool) else None,
            rhi_completed=completed_at,
            rhi_within_72h=(completed_at - ended) <= RHI_DUE if completed_at and ended else None,
            rhi_reason_none=_str(value("rhi_reason_none")),
            assertion_ids=tuple(sorted({involvement.id, *(a.id for a in facts)})),
        )

    def episodes_of(self, child: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list["Episode"]:
        """The child's episodes that started in [start, end]: those of every record of the
        child's person (identity.py), each event once."""
        out = []
        involvements = [i for r in self.records_of(child) for i in self.store.about(r, self.view, ["involved_in"]) if i.role == "subject"]
        self.learn_facts(i.object for i in involvements if i.object)
        for e in _each_event_once(self._episodes_of_involvements(involvements)):
            if (start is None or e.started >= start) and (end is None or e.started <= end):
                out.append(e)
        return sorted(out, key=lambda e: (e.started, e.id))

    def missing_history(self, child: str, start: Optional[datetime], end: Optional[datetime], now: Optional[datetime] = None) -> "MissingHistory":
        check_window(start, end)
        self.require_child(child)
        episodes = self.episodes_of(child, start, end)
        now = now or self.view.as_of or utcnow()
        durations = [e.duration_hours for e in episodes if e.duration_hours is not None]
        places: dict[str, int] = defaultdict(int)
        people: dict[str, int] = defaultdict(int)
        for e in episodes:
            for p in set(e.found_at):
                places[p] += 1
            for p in set(e.found_with):
                people[p] += 1
        return MissingHistory(
            child=child, episodes=episodes,
            last_30_days=sum(1 for e in episodes if now - timedelta(days=30) <= e.started <= now),
            last_90_days=sum(1 for e in episodes if now - timedelta(days=90) <= e.started <= now),
            last_365_days=sum(1 for e in episodes if now - timedelta(days=365) <= e.started <= now),
            median_hours=statistics.median(durations) if durations else None,
            longest_hours=max(durations) if durations else None,
            places_found_more_than_once=sorted(p for p, n in places.items() if n > 1),
            people_found_with_more_than_once=sorted(p for p, n in people.items() if n > 1),
        )

    # -- 3. children who repeatedly go missing
    def missing_episodes_in(self, start: Optional[datetime], end: Optional[datetime]) -> list["Episode"]:
        """The episodes of children that started (have an occurred_on) in [start, end]."""
        return self._episodes_of_occurrences(self._occurrences(start, end))

    def _occurrences(self, start: Optional[datetime], end: Optional[datetime]) -> list[Assertion]:
        """The occurred_on of missing episodes in [start, end], oldest first."""
        occurrences = self.store.dated_of_kind(self.view, ["occurred_on"], "missing_episode", start, end)
        self._kinds.update((o.subject, "missing_episode") for o in occurrences)
        return occurrences

    def _spans(self, events: list[str]) -> dict[str, tuple[datetime, Optional[datetime]]]:
        """When each episode started and ended, as episode() reads them, from those two facts
        alone; an event without a start is left out (episode() makes no episode of it)."""
        occurred = self.store.about_each(events, self.view, "occurred_on")
        ended = self.store.about_each(events, self.view, "ended_on")
        spans: dict[str, tuple[datetime, Optional[datetime]]] = {}
        for event in events:
            start, end = (_earliest([a for a in found[event] if not a.is_link]) for found in (occurred, ended))
            if start is not None:
                spans[event] = (parse_time(str(start.value)), parse_time(str(end.value)) if end else None)
        return spans

    def _episodes_of_events(self, events: Iterable[str]) -> list["Episode"]:
        """The episodes of these events' subjects (episode() of each involvement), each event
        once; their subjects and facts read together."""
        subjects = self.subjects_of_each(events)
        self.learn_facts(event for event, links in subjects.items() if links)
        return [e for links in subjects.values() for e in self._episodes_of_involvements(links)]

    def _episodes_of_involvements(self, involvements: list[Assertion]) -> list["Episode"]:
        """episode() of each distinct (child, event) among these involvements: the same
        involvement recorded again is one episode, resting on every one of them."""
        out = []
        for group in grouped(involvements, lambda i: (i.subject, i.object)):
            e = self.episode(group[0])
            if e is not None and len(group) > 1:
                e = replace(e, assertion_ids=tuple(sorted({*e.assertion_ids, *(i.id for i in group)})))
            if e is not None:
                out.append(e)
        return out

    def _episodes_of_occurrences(self, occurrences: list[Assertion]) -> list["Episode"]:
        episodes = {f"{e.id}/{e.child}": e for e in self._episodes_of_events(o.subject for o in occurrences) if self.kind(e.child) == "child"}
        return sorted(episodes.values(), key=lambda e: (e.started, e.id, e.child))

    def repeat_missing(self, min_episodes: int, start: Optional[datetime], end: Optional[datetime]) -> list["RepeatMissing"]:
        check_window(start, end)
        if min_episodes < 2:
            raise BadInput("minEpisodes must be at least 2")
        by_record: dict[str, list[Episode]] = defaultdict(list)
        for e in self.missing_episodes_in(start, end):
            by_record[e.child].append(e)
        # A person's episodes on all their records, each event once, in time order.
        by_child = {child: sorted(_each_event_once(e for r in records for e in by_record[r]), key=lambda e: (e.started, e.id, e.child))
                    for child, records in self.persons(by_record).items()}
        out = []
        for child, episodes in by_child.items():
            if len(episodes) < min_episodes:
                continue
            first, last = start or episodes[0].started, end or episodes[-1].started
            middle = first + (last - first) / 2
            earlier = sum(1 for e in episodes if e.started < middle)
            later = len(episodes) - earlier
            trend = "rising" if later > earlier else "falling" if later < earlier else "steady"
            out.append(RepeatMissing(child, len(episodes), earlier, later, trend, episodes[0].started, episodes[-1].started,
                                     tuple(sorted({i for e in episodes for i in e.assertion_ids}))))
        out.sort(key=lambda r: (-r.episodes, -r.last.timestamp(), r.child))
        return out

    # -- 4. children missing with this one
    def co_missing(self, child: str, start: Optional[datetime], end: Optional[datetime]) -> list["CoMissing"]:
        check_window(start, end)
        self.require_child(child)
        reasons: dict[str, list[CoMissingReason]] = defaultdict(list)
        episodes = self.episodes_of(child, start, end)
        mine_records = set(self.records_of(child))  # never co-missing with their own other record
        # Others overlap an episode of mine if they started in its window. The windows of a
        # child who goes missing often overlap: the store is asked about each stretch of time
        # once, and each window takes its own from that. Whether an episode overlaps needs only
        # when it started and ended: the rest is read only for those that do (a few of thousands).
        windows = [(_before(mine.started, LONGEST_EPISODE), mine.ended or mine.started) for mine in episodes]
        occurrences = [o for low, high in _merged(windows) for o in self._occurrences(low, high)]  # oldest first
        moments = [moment(o) for o in occurrences]
        events = list(dict.fromkeys(o.subject for o in occurrences))
        involved, spans = self.subjects_of_each(events), self._spans(events)
        overlapping: list[tuple[Episode, Assertion]] = []
        for mine, (window_start, window_end) in zip(episodes, windows):
            inside = occurrences[bisect.bisect_left(moments, window_start):bisect.bisect_right(moments, window_end)]
            for event in dict.fromkeys(o.subject for o in inside):
                if event in spans:
                    started, ended = spans[event]
                    if started <= window_end and (ended or started) >= mine.started:
                        overlapping.extend((mine, i) for i in involved[event] if i.subject not in mine_records and self.kind(i.subject) == "child")
        self.learn_facts(involvement.object for _, involvement in overlapping if involvement.object)
        for mine, involvement in overlapping:
            other = self.episode(involvement)
            if other is not None:  # None only if it changed between the reads
                reasons[other.child].append(CoMissingReason("overlapping", mine.id, other.id, None, mine.assertion_ids + other.assertion_ids))
        for mine in episodes:
            for key, places in (("found_at_same_place", mine.found_at), ("found_with_same_person", mine.found_with)):
                predicate = "found_at" if key == "found_at_same_place" else "found_with"
                for place in places:
                    events = (l.subject for l in self.store.about(place, self.view, [predicate], incoming=True) if l.subject != mine.id)
                    for other in self._episodes_of_events(events):
                        if other.child not in mine_records and self.kind(other.child) == "child" and (start is None or other.started >= start) and (end is None or other.started <= end):
                            reasons[other.child].append(CoMissingReason(key, mine.id, other.id, place, mine.assertion_ids + other.assertion_ids))
        out = []
        for other, records in self.persons(reasons).items():  # another child's records are one child
            why = [r for record in records for r in reasons[record]]
            unique = {(r.reason, r.episode, r.other_episode, r.via): r for r in why}
            out.append(CoMissing(other, sorted(unique.values(), key=lambda r: (r.reason, r.episode, r.other_episode, r.via or ""))))
        out.sort(key=lambda c: (-len(c.reasons), c.child))
        return out

    # -- 5. adults linked to several unrelated children
    def adults_linked_to_children(self, min_children: int, start: Optional[datetime], end: Optional[datetime]) -> list["LinkedAdult"]:
        check_window(start, end)
        if min_children < 2:
            raise BadInput("minChildren must be at least 2")
        links: dict[str, list[AdultLink]] = defaultdict(list)

        def note(adult: str, child: str, how: str, when: datetime, ids: tuple[str, ...], via: Optional[str] = None) -> None:
            links[adult].append(AdultLink(child, how, when, via, ids))

        by_object: dict[str, list[Assertion]] = defaultdict(list)
        by_event: dict[str, list[Assertion]] = defaultdict(list)
        dated = self.store.dated(self.view, ["associates_with", "found_with", "owns_uses", "involved_in"], start, end)
        self.learn_kinds({a.subject for a in dated} | {a.object for a in dated if a.object and a.predicate in ("associates_with", "found_with")})
        subjects = self.subjects_of_each({a.subject for a in dated if a.predicate == "found_with" and a.object and self.kind(a.object) == "adult"})
        for a in dated:
            if a.predicate == "associates_with" and a.object:
                kinds = (self.kind(a.subject), self.kind(a.object))
                if kinds == ("adult", "child"):
                    note(a.subject, a.object, "associates_with", moment(a), (a.id,))
                elif kinds == ("child", "adult"):
                    note(a.object, a.subject, "associates_with", moment(a), (a.id,))
            elif a.predicate == "found_with" and a.object and self.kind(a.object) == "adult":
                for involvement in subjects[a.subject]:
                    if self.kind(involvement.subject) == "child":
                        note(a.object, involvement.subject, "found_with", moment(a), (a.id, involvement.id), a.subject)
            elif a.predicate == "owns_uses" and a.object:
                by_object[a.object].append(a)
            elif a.predicate == "involved_in" and a.object:
                by_event[a.object].append(a)
        for how, groups in (("shares_object", by_object), ("same_event", by_event)):
            for via, group in groups.items():
                adults = [a for a in group if self.kind(a.subject) == "adult"]
                children = [a for a in group if self.kind(a.subject) == "child"]
                for adult in adults:
                    for child in children:
                        note(adult.subject, child.subject, how, max(moment(adult), moment(child)), (adult.id, child.id), via)
        # An adult's records are one adult (identity.py), with the links of all. Family grouping
        # can only lower an adult's count: only adults with enough children need it.
        by_adult = {adult: [l for r in records for l in links[r]] for adult, records in self.persons(links).items()}
        candidates = _with_enough_children(by_adult, min_children)
        self.learn_families(c for children in candidates.values() for c in children)
        self.learn_persons(c for children in candidates.values() for c in children)
        out = []
        for adult, records in candidates.items():
            adult_links = by_adult[adult]
            children = list(self.persons(records))
            unrelated = self.unrelated(records)
            if unrelated < min_children:
                continue
            in_time = sorted(adult_links, key=lambda l: (l.when, l.child, l.how, l.assertion_ids))
            out.append(LinkedAdult(adult, children, unrelated, [_sighted_adult_link(group) for group in grouped(in_time, lambda l: (l.child, l.how, l.via))]))
        out.sort(key=lambda a: (-a.unrelated_children, a.adult))
        return out

    # -- 6. a child's peer network
    def peer_network(self, child: str, hops: int) -> "PeerNetwork":
        if not 1 <= hops <= MAX_HOPS:
            raise BadInput(f"hops must be between 1 and {MAX_HOPS}")
        self.require_child(child)
        graph = nx.MultiGraph()
        graph.add_node(child)
        # Edges of one kind between two people, with one handling and agency, are one edge with
        # every assertion behind it (repeated associations, or sightings together, count once).
        # Each edge (its key) is found from both ends; kept once. Members are persons: a person
        # reached is reached by all their records (identity.py), one node named by the first
        # (the child asked about by their id); a link between two records of one is dropped.
        together: dict[tuple[str, str, str, str, str], dict[str, PeerEdge]] = defaultdict(dict)
        name = {r: child for r in self.records_of(child)}
        frontier, seen = set(name), set(name)
        for _ in range(hops):
            found = [(person, other, edge) for person in frontier for other, edge in self._peer_edges(person)]
            self.learn_persons(other for _, other, _ in found)  # one read a hop
            reached: set[str] = set()
            for person, other, edge in found:
                if other not in name:
                    name.update((r, self._records[other][0]) for r in self._records[other])
                a, b = sorted((name[person], name[other]))
                if a != b:
                    together[(a, b, edge.how, edge.handling, edge.agency)].setdefault(edge.key, edge)
                reached.update(self._records[other])
            reached -= seen
            seen |= reached
            frontier = reached
        for (a, b, how, handling, agency), keyed in together.items():
            edge = _sighted_edge(a, b, [keyed[k] for k in sorted(keyed)])
            graph.add_edge(a, b, key=edge.key, **edge.attributes())
        simple = nx.Graph(graph)
        centrality = nx.degree_centrality(simple) if len(simple) > 1 else {child: 0.0}
        betweenness = nx.betweenness_centrality(simple) if len(simple) > 2 else {n: 0.0 for n in simple}
        members = [PeerMember(n, self.kind(n) or "", round(centrality.get(n, 0.0), 6), round(betweenness.get(n, 0.0), 6)) for n in graph.nodes]
        members.sort(key=lambda m: (-m.degree_centrality, -m.betweenness, m.id))
        edges = sorted((PeerEdge(*sorted((u, v)), k, **data) for u, v, k, data in graph.edges(keys=True, data=True)), key=lambda e: (e.source, e.target, e.key, e.how, e.handling, e.agency))
        components = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c))
        return PeerNetwork(child, hops, members, edges, components)

    def _peer_edges(self, person: str) -> Iterable[tuple[str, "PeerEdge"]]:
        for predicate in ("associates_with", "family_member_of"):
            for a in self.store.about(person, self.view, [predicate]) + self.store.about(person, self.view, [predicate], incoming=True):
                other = a.object if a.subject == person else a.subject
                if other and self.kind(other) in PEOPLE:
                    yield other, PeerEdge(person, other, a.id, predicate, a.handling, a.agency, (a.id,))
        # Each event read once, however many times this person's involvement in it was recorded.
        for involvements in grouped(self.store.about(person, self.view, ["involved_in"]), lambda i: i.object):
            event = involvements[0].object
            assert event is not None
            others = [t for t in self.store.about(event, self.view, ["involved_in"], incoming=True) if t.subject != person and self.kind(t.subject) in PEOPLE]
            found_with: Optional[list[Assertion]] = None
            for involvement in involvements:
                for together in others:
                    yield together.subject, PeerEdge(person, together.subject, "+".join(sorted((involvement.id, together.id))), "same_event", _strictest(involvement, together), involvement.agency, (involvement.id, together.id))
                if involvement.role == "subject":
                    if found_with is None:
                        found_with = [f for f in self.store.about(event, self.view, ["found_with"]) if f.object and f.object != person and self.kind(f.object) in PEOPLE]
                    for found in found_with:
                        yield found.object, _found_with(involvement, found)  # type: ignore[misc]
        # ... and the other way: episodes in which this person was found with a missing child.
        for found in self.store.about(person, self.view, ["found_with"], incoming=True):
            for involvement in self.subjects_of(found.subject):
                if involvement.subject != person and self.kind(involvement.subject) in PEOPLE:
                    yield involvement.subject, _found_with(involvement, found)


def sighted_context_links(links: Iterable[ContextLink]) -> list["SightedContextLink"]:
    """A context's links (GraphStore.context_links) as one per child and predicate, in time order."""
    return [_sighted_context_link(group) for group in grouped(sorted(links, key=_IN_TIME), _CHILD_HOW)]


def _sighted_context_link(links: list[ContextLink]) -> "SightedContextLink":
    """One child's links to a context by one predicate (in time order) as one link: repeated
    sightings at a place count once, with their number and their first SIGHTING_IDS ids. A
    store gives one ContextLink per sighting, or one for them all (Neo4j): the same answer."""
    first = links[0]
    if len(links) == 1:
        ids, sightings = first.assertion_ids, first.sightings
        # A link for several sightings lists the first ids of its sightings, one each.
        count = len(ids) if sightings == 1 else sightings
        last, agencies = first.last_seen or first.when, first.agencies or (first.agency,)
    else:
        ids = tuple(dict.fromkeys(i for l in links for i in l.assertion_ids))
        sightings, count, last, agencies = len(links), len(ids), links[-1].when, tuple(sorted({l.agency for l in links}))
    return SightedContextLink(first.child, first.how, first.when, last, first.agency, sightings, ids[:SIGHTING_IDS], count, agencies)


def _sighted_adult_link(links: list[AdultLink]) -> AdultLink:
    """An adult's links to a child of one kind through one thing (in time order) as one."""
    first = links[0]
    if len(links) == 1:
        return AdultLink(first.child, first.how, first.when, first.via, first.assertion_ids, 1, first.when)
    ids = tuple(dict.fromkeys(i for l in links for i in l.assertion_ids))
    return AdultLink(first.child, first.how, first.when, first.via, ids, len(links), links[-1].when)


def _each_event_once(episodes: Iterable[Episode]) -> list[Episode]:
    """A person's episodes, each event once however many of their records it names: the
    first, resting on the assertions of all."""
    out: dict[str, Episode] = {}
    for e in episodes:
        first = out.setdefault(e.id, e)
        if first is not e:
            out[e.id] = replace(first, assertion_ids=tuple(sorted({*first.assertion_ids, *e.assertion_ids})))
    return list(out.values())


def _earliest(assertions: list[Assertion]) -> Optional[Assertion]:
    """The first recorded (ties by id): the one a single value is read from."""
    return min(assertions, key=lambda a: (a.recorded_at, a.id), default=None)


def _merged(windows: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The time the windows cover, as few windows as can hold it (an empty window, ending
    before it starts, covers nothing)."""
    merged: list[tuple[datetime, datetime]] = []
    for low, high in sorted(w for w in windows if w[0] <= w[1]):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _before(moment: datetime, span: timedelta) -> datetime:
    """moment - span, or the calendar's first moment for a time recorded near it (0001-01-02)."""
    try:
        return moment - span
    except OverflowError:
        return datetime.min.replace(tzinfo=moment.tzinfo)


def _with_enough_children(links: dict[str, list[Any]], min_children: int) -> dict[str, list[str]]:
    """Per key, the distinct children of its links (sorted), for keys with at least min_children."""
    out = {}
    for key, key_links in links.items():
        children = sorted({l.child for l in key_links})
        if len(children) >= min_children:
            out[key] = children
    return out


def _sighted_edge(a: str, b: str, edges: list["PeerEdge"]) -> "PeerEdge":
    """Edges of one kind between a and b (by key) as one edge, keyed by the first."""
    first = edges[0]
    ids = first.assertion_ids if len(edges) == 1 else tuple(dict.fromkeys(i for e in edges for i in e.assertion_ids))
    return PeerEdge(a, b, first.key, first.how, first.handling, first.agency, ids, len(edges))


def _found_with(involvement: Assertion, found: Assertion) -> "PeerEdge":
    assert found.object is not None
    return PeerEdge(involvement.subject, found.object, "+".join(sorted((involvement.id, found.id))), "found_with", _strictest(involvement, found), found.agency, (involvement.id, found.id))


HANDLING_ORDER = ("permitted", "originator_consent", "no_onward_sharing")


def _strictest(*assertions: Assertion) -> str:
    return max((a.handling for a in assertions), key=HANDLING_ORDER.index)


def _str(value: object) -> Optional[str]:
    return None if value is None else str(value)

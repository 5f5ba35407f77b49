"""Resolved persons: agencies' records of one person, joined by the identity links a reader sees.

For a reader (a View), a person is a connected group of records joined by the current
same_person_as links that reader may see, never through a pair the reader sees a
not_same_person between. Which links join is decided one way for everyone who sees the same
links: in (recorded_at, id) order, a link that would put two records with a visible
not_same_person between them into one group is skipped. A link the reader may not see merges
nothing for them (the store never hands it over).
"""

from __future__ import annotations

from typing import Iterable, Optional

from .model import Assertion, Entity, View
from .store.base import GraphStore
from .vocabulary import KIND, NOT_SAME_PERSON, PEOPLE, SAME_PERSON


class _Groups:
    """Union-find over record ids, each group knowing its records and those it must never join."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.records: dict[str, set[str]] = {}  # root -> its group's records
        self.apart: dict[str, set[str]] = {}  # root -> records kept apart from its group

    def root(self, x: str) -> str:
        if x not in self.parent:
            self.parent[x], self.records[x], self.apart[x] = x, {x}, set()
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def keep_apart(self, a: str, b: str) -> None:
        self.apart[self.root(a)].add(b)
        self.apart[self.root(b)].add(a)

    def members(self, x: str) -> set[str]:
        return self.records[self.root(x)]

    def join(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra == rb or self.apart[ra] & self.records[rb] or self.apart[rb] & self.records[ra]:
            return  # already one person, or a visible not_same_person lies between the two groups
        self.parent[rb] = ra
        self.records[ra] |= self.records.pop(rb)
        self.apart[ra] |= self.apart.pop(rb)


def _grouped(links: Iterable[Assertion]) -> _Groups:
    """The groups these links make; `links` are in (recorded_at, id) order (store.identity_links)."""
    links = list(links)
    groups = _Groups()
    for a in links:  # every rejection first: a later rejection still splits an earlier match
        if a.predicate == NOT_SAME_PERSON and a.object is not None:
            groups.keep_apart(a.subject, a.object)
    for a in links:
        if a.predicate == SAME_PERSON and a.object is not None:
            groups.join(a.subject, a.object)
    return groups


def _component_links(store: GraphStore, view: View, entity_ids: Iterable[str]) -> list[Assertion]:
    """Every visible identity link reachable from these records through visible same_person_as
    links, in (recorded_at, id) order: all a group containing one of them can depend on."""
    reached = set(entity_ids)
    frontier = set(reached)
    found: dict[str, Assertion] = {}
    while frontier:
        fresh = [a for a in store.identity_links(view, frontier) if a.id not in found]
        found.update((a.id, a) for a in fresh)
        ends = {e for a in fresh if a.predicate == SAME_PERSON for e in (a.subject, a.object) if e is not None}
        frontier = ends - reached
        reached |= frontier
    return sorted(found.values(), key=lambda a: (a.recorded_at, a.id))


def identities_of_each(store: GraphStore, view: View, entity_ids: Iterable[str]) -> dict[str, list[str]]:
    """For each record, the records of the same person for this reader (itself included),
    sorted by id; a record with no visible link is a person on its own."""
    wanted = list(dict.fromkeys(entity_ids))
    groups = _grouped(_component_links(store, view, wanted))
    return {e: sorted(groups.members(e)) for e in wanted}


def identities_of(store: GraphStore, view: View, entity_id: str) -> list[str]:
    """The records of the same person as this one for this reader (itself included), by id."""
    return identities_of_each(store, view, [entity_id])[entity_id]


def persons(store: GraphStore, view: View) -> list[list[str]]:
    """Every person of more than one record this reader sees, each its records by id."""
    groups = _grouped(store.identity_links(view))
    return sorted(sorted(g) for g in groups.records.values() if len(g) > 1)


def records(store: GraphStore, view: View, entity_id: str) -> list[tuple[str, Assertion]]:
    """The person's records the reader sees (identities_of; an entity that is no person is its
    only record), each with the assertion of its kind, which says which agency recorded it."""
    found = identities_of(store, view, entity_id) if store.kind_of(entity_id, view) in PEOPLE else [entity_id]
    kinds = store.about_each(found, view, KIND)
    return [(r, kinds[r][0]) for r in found if kinds[r]]


def person(store: GraphStore, view: View, entity_id: str) -> Optional[Entity]:
    """The entity (store.entity), and if it is a person, with the attributes and links of every
    record of the same person the reader sees (each assertion keeping its own provenance): the
    asked-for record's first, then the others' by id. A link between two of them is there once."""
    e = store.entity(entity_id, view)
    if e is None or e.kind not in PEOPLE:
        return e
    out, into, sightings = list(e.assertions), list(e.incoming), dict(e.sightings)
    for other in identities_of(store, view, entity_id):
        o = store.entity(other, view) if other != entity_id else None
        if o is not None:
            out += o.assertions
            into += o.incoming
            sightings.update(o.sightings)
    shown = {a.id for a in out}
    return Entity(e.id, e.kind, tuple(out), tuple(a for a in into if a.id not in shown), sightings)


def named_persons(records: Iterable[str], identities: dict[str, list[str]]) -> dict[str, list[str]]:
    """These records grouped by person (identities: identities_of_each of them), each group
    named by its first record among these, by id: a record with no other record here is
    itself. Keys in id order."""
    out: dict[str, list[str]] = {}
    leader: dict[str, str] = {}  # a person's first record -> the name its group goes by here
    for r in sorted(set(records)):
        first = identities.get(r, [r])[0]
        out.setdefault(leader.setdefault(first, r), []).append(r)
    return out

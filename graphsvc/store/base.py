"""The GraphStore port: what every backend must answer.

Every read takes a View and returns only what that view may see, current as of `as_of` and
valid at `valid_at`: filtering happens inside the store, before anything is counted or paged.
A view of None is the trusted, unfiltered reader used by import, export and integrity checks,
never by the API.
"""

from __future__ import annotations

import abc
from collections import defaultdict
from datetime import datetime
from typing import Iterable, Iterator, Optional, Sequence

from ..model import AccessNotification, Acknowledgement, Assertion, ContextLink, Entity, PlacedChildren, SharingDecision, View, moment
from ..vocabulary import CONTEXT_LINKS, NOT_SAME_PERSON, PEOPLE, SAME_PERSON


def collapsed_entity(entity_id: str, kind: str, out: Iterable[Assertion], incoming: Iterable[Assertion]) -> Entity:
    """The Entity of these current visible assertions (each list in the order written), each
    link recorded more than once kept once, with its Sightings (sightings.collapsed)."""
    from ..sightings import collapsed

    about, repeated = collapsed(out)
    into, repeated_in = collapsed(incoming)
    return Entity(entity_id, kind, about, into, {**repeated, **repeated_in})


class StoreUnavailable(RuntimeError):
    """The backing database cannot be reached; the API answers 503."""


class GraphStore(abc.ABC):
    # -- writes
    @abc.abstractmethod
    def append(self, assertions: Sequence[Assertion], audit_entry: Optional[dict] = None) -> int:
        """Append all or none, atomically and durably; returns how many were written.
        Assertions are never updated or deleted. With `audit_entry` (who, when, operation), the
        entry naming what was written (audit.naming) is sealed into the log in the same
        transaction: no crash leaves the write without it, or it without the write."""

    def append_all(self, chunks: Iterable[Sequence[Assertion]], audit_entry: Optional[dict] = None) -> int:
        """As append, for assertions made while they are written (ingest.prepared): all the
        chunks or none; if iterating raises, nothing is written and the error propagates."""
        return self.append([a for chunk in chunks for a in chunk], audit_entry)

    # -- single reads
    @abc.abstractmethod
    def assertion(self, assertion_id: str, view: Optional[View] = None) -> Optional[Assertion]:
        """The assertion if the view may see it and it was recorded by as_of, superseded or not."""

    @abc.abstractmethod
    def kind_of(self, entity_id: str, view: Optional[View] = None) -> Optional[str]:
        """The entity's kind, if the view can see a current assertion of it."""

    @abc.abstractmethod
    def superseders(self, assertion_id: str, view: Optional[View] = None) -> list[Assertion]:
        """Visible assertions (corrections and retractions) that supersede this one."""

    # -- entity reads
    @abc.abstractmethod
    def about(self, entity_id: str, view: Optional[View], predicates: Optional[Iterable[str]] = None, incoming: bool = False) -> list[Assertion]:
        """Current visible assertions with the entity as subject (or, if incoming, as object)."""

    # -- the same reads for many entities at once: pattern queries touch thousands of entities,
    # and one call per entity is what makes them slow (a round trip each on Neo4j).
    @abc.abstractmethod
    def assertions(self, assertion_ids: Iterable[str], view: Optional[View] = None) -> dict[str, Assertion]:
        """assertion() for each id, in one read: only the ids whose assertion the view is shown."""

    @abc.abstractmethod
    def by_source(self, sources: Iterable[tuple[str, str]], view: Optional[View] = None) -> dict[tuple[str, str], list[Assertion]]:
        """For each (agency, source_ref), the assertions recorded under it that the view is
        shown, superseded or not, in the order written; only the pairs with any are keys. A
        source_ref names one record of its agency, which may have made several assertions (an
        entity's attributes), and agencies do not always keep them unique: import resolves a
        target named by its source with this (ingest.Batch), and refuses any but exactly one."""

    @abc.abstractmethod
    def kinds_of(self, entity_ids: Iterable[str], view: Optional[View] = None) -> dict[str, str]:
        """kind_of for each entity, in one read: only the entities whose kind the view sees."""

    @abc.abstractmethod
    def about_each(self, entity_ids: Iterable[str], view: Optional[View], predicate: Optional[str], incoming: bool = False) -> dict[str, list[Assertion]]:
        """about(entity, view, [predicate], incoming) for each entity, in one read (predicate
        None: about(entity, view, None, incoming), every predicate); every entity asked for is
        a key (with an empty list when the view sees nothing)."""

    def entity(self, entity_id: str, view: Optional[View]) -> Optional[Entity]:
        kind = self.kind_of(entity_id, view)
        if kind is None:
            return None
        return collapsed_entity(entity_id, kind, self.about(entity_id, view), self.about(entity_id, view, incoming=True))

    @abc.abstractmethod
    def search(self, view: Optional[View], kinds: Iterable[str] = PEOPLE, name: Optional[str] = None, date_of_birth: Optional[str] = None, identifier: Optional[str] = None) -> list[str]:
        """Ids of visible entities of these kinds matching every criterion given (name: case-
        insensitive substring; the others exact), sorted by id."""

    @abc.abstractmethod
    def dated(self, view: Optional[View], predicates: Iterable[str], start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[Assertion]:
        """Current visible assertions with these predicates whose moment (model.moment) lies in
        [start, end], oldest first: the time index that pattern queries start from, so their
        cost grows with the window, not the store."""

    def dated_of_kind(self, view: Optional[View], predicates: Iterable[str], kind: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[Assertion]:
        """dated(), keeping the assertions whose subject the view sees as of this kind: the
        missing episodes among every event of a window (at large-la, 646 of 24,475), for a store
        that can check the kinds where the assertions are rather than hand them all over first
        (Neo4j does). Over dated and kinds_of here."""
        found = self.dated(view, predicates, start, end)
        kinds = self.kinds_of({a.subject for a in found}, view)
        return [a for a in found if kinds.get(a.subject) == kind]

    def context_links(self, view: Optional[View], kinds: Iterable[str], start: Optional[datetime], end: Optional[datetime], min_children: int) -> list[PlacedChildren]:
        """The links in [start, end] that place a child (an entity whose kind the view sees as
        child) at a context whose kind is one of `kinds`: a current visible context link
        (CONTEXT_LINKS) from the child, or a found_at from an episode the child is the subject
        of (its ids: the found_at's, then the involvement's). Grouped by context, for contexts
        with links from at least min_children distinct children; in no particular order. A
        store may give a context link's repeated sightings as one ContextLink (Neo4j does).

        Written here over the port's other reads (a few calls, each over the whole window); a
        store may answer it in one query instead (Neo4j does, in the database)."""
        wanted = frozenset(kinds)
        placed = [a for a in self.dated(view, CONTEXT_LINKS, start, end) if a.object]
        kind = self.kinds_of({a.object for a in placed} | {a.subject for a in placed}, view)  # type: ignore[misc]
        links: dict[str, list[ContextLink]] = defaultdict(list)
        for a in placed:
            if kind.get(a.object) in wanted and kind.get(a.subject) == "child":  # type: ignore[arg-type]
                links[a.object].append(ContextLink(a.subject, a.predicate, moment(a), a.agency, (a.id,)))  # type: ignore[index]
        for place, link in self._found_children(view, self.dated(view, ["found_at"], start, end), wanted, kind):
            links[place].append(link)
        return [PlacedChildren(context, kind[context], context_links) for context, context_links in links.items()
                if len({l.child for l in context_links}) >= min_children]

    def context_links_and_families(self, view: Optional[View], kinds: Iterable[str], start: Optional[datetime], end: Optional[datetime],
                                   min_children: int) -> tuple[list[PlacedChildren], dict[str, frozenset[str]]]:
        """context_links, and the families (families()) among every child it places: what
        sharedContexts reads, asked for at once so that a store may read the families with the
        kinds (Neo4j does, in the same queries)."""
        placed = self.context_links(view, kinds, start, end, min_children)
        return placed, self.families({link.child for p in placed for link in p.links}, view)

    def _found_children(self, view: Optional[View], found_at: Iterable[Assertion], wanted: frozenset[str], kind: dict[str, str]) -> Iterator[tuple[str, ContextLink]]:
        """For context_links: (place, link) for each child found at a place of a wanted kind,
        through the episodes (the found_at's subjects) the child is the subject of. `found_at`
        are current and visible; `kind` holds kinds known so far, and gains those looked up."""
        found_at = [a for a in found_at if a.object]
        kind.update(self.kinds_of({a.object for a in found_at} - kind.keys(), view))  # type: ignore[operator]
        found_at = [a for a in found_at if kind.get(a.object) in wanted]  # type: ignore[arg-type]
        involved = self.about_each({a.subject for a in found_at}, view, "involved_in", incoming=True)
        subjects = {e: [i for i in links if i.role == "subject"] for e, links in involved.items()}
        kind.update(self.kinds_of({i.subject for links in subjects.values() for i in links} - kind.keys(), view))
        for a in found_at:
            for involvement in subjects[a.subject]:
                if kind.get(involvement.subject) == "child":
                    yield a.object, ContextLink(involvement.subject, "found_at", moment(a), a.agency, (a.id, involvement.id))  # type: ignore[misc]

    def families(self, people: Iterable[str], view: Optional[View]) -> dict[str, frozenset[str]]:
        """For each person, those of the same people linked to them by a current visible
        family_member_of in either direction; every person asked for is a key. Relatives not
        asked about are left out: the patterns group candidate children into families, and a
        parent or sibling who is not a candidate never joins two of them (so a store may drop
        those links before it checks whether they are shown: Neo4j does). Over about_each here."""
        wanted = list(dict.fromkeys(people))
        return among(wanted, self.relatives(wanted, view))

    def relatives(self, people: list[str], view: Optional[View]) -> dict[str, frozenset[str]]:
        """Everyone linked to each person by a current visible family_member_of, either way."""
        out = self.about_each(people, view, "family_member_of")
        into = self.about_each(people, view, "family_member_of", incoming=True)
        return {p: frozenset([a.object for a in out[p] if a.object] + [a.subject for a in into[p]]) for p in people}

    def identity_links(self, view: Optional[View], entity_ids: Optional[Iterable[str]] = None) -> list[Assertion]:
        """The current visible same_person_as and not_same_person links (identity.py) with one
        of these entities as subject or object, or every one if entity_ids is None; each once,
        in (recorded_at, id) order. Over dated (every one: identity links are dated, so the time
        index holds them all) and about_each here."""
        predicates = (SAME_PERSON, NOT_SAME_PERSON)
        if entity_ids is None:
            found = {a.id: a for a in self.dated(view, predicates)}
        else:
            wanted = list(dict.fromkeys(entity_ids))
            found = {a.id: a for p in predicates for incoming in (False, True)
                     for links in self.about_each(wanted, view, p, incoming).values() for a in links}
        return sorted(found.values(), key=lambda a: (a.recorded_at, a.id))

    # -- accountability: sharing decisions, acknowledgements, access notifications (append-only)
    @abc.abstractmethod
    def append_decision(self, decision: SharingDecision, audit_entry: Optional[dict] = None) -> None:
        """Record a decision (with `audit_entry` naming it, in one transaction, as append). A decision to share widens the visibility of its assertions to
        its recipients (SharingDecision.grants) in every read from then on."""

    @abc.abstractmethod
    def decisions(self, assertion_id: Optional[str] = None) -> list[SharingDecision]:
        """Every decision, or those covering one assertion, in the order recorded (unfiltered:
        the domain decides who may see which)."""

    @abc.abstractmethod
    def flagged(self, assertion_ids: Iterable[str]) -> list[Assertion]:
        """Those of these assertions flagged notify_owner, sorted by id (a trusted read)."""

    @abc.abstractmethod
    def append_acknowledgement(self, ack: Acknowledgement, audit_entry: Optional[dict] = None) -> None: ...

    @abc.abstractmethod
    def acknowledgements(self, decision_id: Optional[str] = None) -> list[Acknowledgement]: ...

    @abc.abstractmethod
    def append_access(self, notifications: Sequence[AccessNotification]) -> None: ...

    @abc.abstractmethod
    def accesses(self, owner_agency: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[AccessNotification]: ...

    # -- the audit log (audit.py): hash-chained, append-only
    @abc.abstractmethod
    def audit_append(self, entry: dict) -> dict:
        """Number, chain (audit.seal) and store one entry atomically; return it as stored."""

    def waiting(self) -> int:
        """Audit entries and owner notifications stored here but not yet written to the shared
        store (Neo4j's outbox while Neo4j is unreachable); 0 when every record goes there at once."""
        return 0

    def audit_record(self, entry: dict) -> None:
        """Store one entry durably before returning, to be numbered and chained into the log
        in the order recorded: at once here; a store may seal it moments later (Neo4j with a
        local audit outbox), before any read of the log sees the log without it."""
        self.audit_append(entry)

    @abc.abstractmethod
    def audit_entries(self) -> Iterator[dict]:
        """Every entry in seq order, exactly as stored (for verification)."""

    @abc.abstractmethod
    def audit_for(self, assertion_id: str) -> list[dict]:
        """Entries whose response included this assertion, oldest first."""

    # -- whole-store
    @abc.abstractmethod
    def log(self) -> Iterator[Assertion]:
        """Every assertion, in the order written (for export and integrity checks)."""

    @abc.abstractmethod
    def count(self) -> int: ...

    @abc.abstractmethod
    def ping(self) -> bool:
        """Whether the backing database answers (for /health)."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def flush(self) -> None:
        """Make durable in the database what this store still holds for it (a Neo4j store's
        outbox of audit entries and notices); nothing to do once closed, or for a store that
        writes everything as it goes."""

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def among(people: list[str], relatives: dict[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Each person's relatives who are among `people` (GraphStore.families)."""
    group, none = set(people), frozenset()
    # Most people have no relatives among the others: one empty set for them all.
    return {p: frozenset(group.intersection(found)) if (found := relatives.get(p)) else none for p in people}

"""The embedded store's in-memory projection of its log: the indexes by subject, object, value,
time and supersession, the decisions to share, a networkx graph of the links between people,
and how an assertion enters them and who may see it. Used by store/embedded.py only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable, Optional, Sequence

import networkx as nx

from .. import vocabulary as v
from ..model import TRUSTED, Assertion, SharingDecision, View, current, moment
from .embedded_timelines import _Timeline, merge

SOCIAL = frozenset({"associates_with", "family_member_of"})
Entries = Assertion | list[Assertion]  # see _add


def _add(index: dict[Any, Any], key: Any, a: Assertion) -> None:
    """Index `a` under `key`: bare while it is the only one (a list costs ~90 bytes), a list after."""
    found = index.get(key)
    if found is None:
        index[key] = a
    elif type(found) is list:
        found.append(a)
    else:
        index[key] = [found, a]


def _get(index: dict[Any, Any], key: Any) -> Sequence[Assertion]:
    found = index.get(key)
    if found is None:
        return ()
    return found if type(found) is list else (found,)


class EmbeddedProjection:
    """EmbeddedStore's indexes (it makes them with _empty_projection and sets up _shares)."""

    _shares: dict[str, list[SharingDecision]]  # assertion id -> decisions to share it

    def _empty_projection(self) -> None:
        # The social graph (people linked to people), keyed by assertion id, for network analysis.
        self.graph = nx.MultiDiGraph()
        self._all: dict[str, Assertion] = {}
        self._subject: dict[str, list[Assertion]] = defaultdict(list)
        self._object: dict[str, list[Assertion]] = defaultdict(list)
        # (entity, predicate) -> assertions, so one-predicate look-ups (an entity's kind, its
        # family links, an event's participants) never walk everything about the entity.
        # Most keys of these hold one assertion: kept bare, not in a list (see _add), to save memory.
        self._subject_predicate: dict[tuple[str, str], Entries] = {}
        self._object_predicate: dict[tuple[str, str], Entries] = {}
        self._superseders: dict[str, list[Assertion]] = defaultdict(list)
        self._values: dict[tuple[str, object], Entries] = {}  # exact-match attributes
        self._names: list[Assertion] = []
        # Per predicate, the dated assertions in (moment, seq) order, always (see embedded_timelines).
        self._timeline: dict[str, _Timeline] = {}
        self.from_snapshot = 0  # assertions read from a snapshot on open

    def _index_decision(self, d: SharingDecision) -> None:
        if d.share:
            for assertion_id in d.assertion_ids:
                self._shares[assertion_id].append(d)

    def _index_all(self, assertions: Iterable[Assertion], gathered: Optional[dict[str, _Timeline]] = None) -> None:
        """Add each assertion to every index; a dated one goes into `gathered` (a bulk load's,
        merged at its end) if given, else into its place in the timeline. One loop, the indexes
        held in locals: it runs once per assertion on every open and import."""
        everything, by_subject, by_object = self._all, self._subject, self._object
        by_subject_predicate, by_object_predicate = self._subject_predicate, self._object_predicate
        superseders, values, names, timelines, add_edge = self._superseders, self._values, self._names, self._timeline, self.graph.add_edge
        for a in assertions:
            everything[a.id] = a
            subject, predicate, obj = a.subject, a.predicate, a.object
            by_subject[subject].append(a)
            _add(by_subject_predicate, (subject, predicate), a)
            if obj is not None:
                by_object[obj].append(a)
                _add(by_object_predicate, (obj, predicate), a)
                if predicate in SOCIAL:
                    add_edge(subject, obj, key=a.id)
            if a.supersedes is not None:
                superseders[a.supersedes].append(a)
            if predicate in ("date_of_birth", "identifier"):
                _add(values, (predicate, a.value), a)
            elif predicate == "name":
                names.append(a)
            if predicate in v.DATED:
                when, seq = moment(a), len(everything)
                if gathered is not None:
                    new = gathered.get(predicate) or gathered.setdefault(predicate, _Timeline.empty())
                    new.moments.append(when)
                    new.seqs.append(seq)
                    new.assertions.append(a)
                    continue
                (timelines.get(predicate) or timelines.setdefault(predicate, _Timeline.empty())).place(when, seq, a)

    def _merge(self, gathered: dict[str, _Timeline]) -> None:
        """Merge a bulk load's dated entries into the timelines (see embedded_timelines.merge)."""
        merge(self._timeline, gathered)

    def _visible(self, view: View) -> Callable[[Assertion], bool]:
        """Scope, widened by decisions to share with this reader."""

        def visible(a: Assertion) -> bool:
            return view.may_see(a) or any(d.grants(view) for d in self._shares.get(a.id, ()))

        return visible

    def _current(self, candidates: Iterable[Assertion], view: Optional[View]) -> list[Assertion]:
        if view is None:
            return current(candidates, self._superseders, TRUSTED)
        return current(candidates, self._superseders, view, self._visible(view))

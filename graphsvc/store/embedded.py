"""The zero-setup store: a durable SQLite log (WAL) and an in-memory projection kept in step.

SQLite is the truth; the projection (indexes by subject, object, value, time and
supersession, plus a networkx graph of the links between people) is rebuilt from it on open
and updated only after a commit, so a crash can never leave the two disagreeing.
"""

from __future__ import annotations

import bisect
import itertools
import json
import logging
import os
import sqlite3
import threading
from array import array
from contextlib import contextmanager
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import networkx as nx

from .. import vocabulary as v
from datetime import datetime

from .. import audit, faults, heap
from ..model import TRUSTED, AccessNotification, Acknowledgement, Assertion, ContextLink, Entity, PlacedChildren, Sightings, SharingDecision, build_assertion, View, current, format_time, moment, parse_time
from . import log_writer, snapshot, sql
from .sqlite import TimeTexts, connect, rows_of, seal_into
from .base import GraphStore, among

log = logging.getLogger("graphsvc.store")
SOCIAL = frozenset({"associates_with", "family_member_of"})


class _Times(dict[Optional[str], Optional[datetime]]):
    """Time text -> datetime, each distinct text parsed once (a look-up is a C-level hit)."""

    def __missing__(self, text: str) -> datetime:
        found = self[text] = parse_time(text)
        return found


class _Values(dict[Optional[str], object]):
    """Value JSON -> value, each distinct text decoded once: kinds, enumerations and dates repeat."""

    def __init__(self, strings: dict[str, str]) -> None:
        super().__init__({None: None})
        self.strings = strings

    def __missing__(self, text: str) -> object:
        found = json.loads(text)
        if isinstance(found, str):
            found = self.strings.setdefault(found, found)
        self[text] = found
        return found


class _Decoder:
    """Rows -> Assertions, sharing equal strings and times: an entity id, an agency or a
    record time repeats across many assertions, and the projection holds millions.
    Spelled out with C-level look-ups only: this runs once per stored assertion on open."""

    def __init__(self) -> None:
        self.times = _Times({None: None})
        self.strings: dict[Optional[str], Optional[str]] = {}
        self.values = _Values(self.strings)  # type: ignore[arg-type]

    def __call__(self, row: Sequence[Any]) -> Assertion:
        (id_, subject, predicate, obj, value, role, valid_from, valid_to, recorded_at, recorded_by, agency, source_ref,
         method, status, reliability, confidence, scope, handling, supersedes, retraction, notify_owner) = row
        s, t = self.strings.setdefault, self.times
        return build_assertion(
            id_, s(subject, subject), s(predicate, predicate), s(obj, obj), self.values[value], s(role, role),  # type: ignore[arg-type]
            t[valid_from], t[valid_to], t[recorded_at], s(recorded_by, recorded_by), s(agency, agency),  # type: ignore[arg-type]
            s(source_ref, source_ref), s(method, method), s(status, status), s(reliability, reliability),  # type: ignore[arg-type]
            s(confidence, confidence), s(scope, scope), s(handling, handling),  # type: ignore[arg-type]
            supersedes, retraction == 1, notify_owner == 1,
        )


BULK = 10_000
# Rows an open would read from SQLite (not in the snapshot) before close saves a new snapshot:
# reading fewer costs under two seconds; writing one costs seconds per million assertions.
# GRAPHSVC_SNAPSHOT_AFTER overrides it.
SNAPSHOT_AFTER = 100_000
MEMO_READERS = 8  # readers whose answers are remembered at once (see EmbeddedStore._memo)
MEMO_ENTRIES = 500_000  # entities remembered per reader and kind of read, at most
_UNKNOWN = object()


def _snapshot_after() -> int:
    configured = os.environ.get("GRAPHSVC_SNAPSHOT_AFTER")
    if configured is None:
        return SNAPSHOT_AFTER
    try:
        return max(1, int(configured))
    except ValueError:
        log.warning("GRAPHSVC_SNAPSHOT_AFTER is not a whole number; using %d", SNAPSHOT_AFTER)
        return SNAPSHOT_AFTER


class _Timeline:
    """One predicate's time index as parallel arrays, not a tuple per assertion: it holds
    millions of entries, and a (moment, seq, assertion) tuple costs ~100 bytes each."""

    __slots__ = ("moments", "seqs", "assertions")

    def __init__(self, moments: list[datetime], seqs: "array[int]", assertions: list[Assertion]) -> None:
        self.moments, self.seqs, self.assertions = moments, seqs, assertions

    def span(self, start: Optional[datetime], end: Optional[datetime]) -> slice:
        """Where the entries with moments in [start, end] are."""
        lo = 0 if start is None else bisect.bisect_left(self.moments, start)
        hi = len(self.moments) if end is None else bisect.bisect_right(self.moments, end)
        return slice(lo, hi)


class _Memo:
    """One reader's remembered answers, as strings and tuples of strings only: the garbage
    collector stops tracking those, so a memo of hundreds of thousands of entries costs full
    collections nothing. (Tuples of assertions stayed tracked: after one wide query each full
    collection walked them, ~110 ms every few pattern queries at large-la.)"""

    __slots__ = ("kinds", "links", "families", "entities")

    def __init__(self) -> None:
        self.kinds: dict[str, Optional[str]] = {}
        self.links: dict[tuple[str, bool], dict[str, tuple[str, ...]]] = {}  # assertion ids
        self.families: dict[str, tuple[str, ...]] = {}
        # entity(): (kind, outgoing ids, incoming ids, the sightings as (first id, count, ids,
        # first seen, last seen)): a person seen at one place 29,000 times is read once.
        self.entities: dict[str, Optional[tuple[str, tuple[str, ...], tuple[str, ...], tuple[tuple[Any, ...], ...]]]] = {}


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


class EmbeddedStore(GraphStore):
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = connect(self.path)
        self.lock = threading.RLock()
        self._audit = audit.GroupCommit(self._commit_audit)
        self._empty_projection()
        self._shares: dict[str, list[SharingDecision]] = defaultdict(list)  # assertion id -> decisions to share it
        # Answers of the many-entity reads per reader (see _memo); replaced, never edited, by writes.
        self._memos: dict[tuple[Any, ...], _Memo] = {}
        with heap.paused():
            gathered: dict[str, _Timeline] = {}
            after = self._load_snapshot(gathered)
            # What the snapshot does not hold (all of it, without one) comes from the log.
            before = len(self._all)
            self._index_all(map(_Decoder(), self.db.execute(sql.SELECT_LOG, (after,))), gathered)
            self.replayed = len(self._all) - before  # rows read from SQLite on open (reported by the benchmark)
            self._merge(gathered)
            for (body,) in self.db.execute(sql.SELECT_DECISIONS):
                self._index_decision(SharingDecision.from_record(json.loads(body)))
            # Inside the pause: re-enabling the collector first would walk every object made
            # since it was paused (millions, all uncollected) in its first collection, and
            # settling walks them again (~3 s each at large-la).
            if len(self._all) >= BULK:
                heap.settle()

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
        # Per predicate, the dated assertions in (moment, seq) order, always: a bulk load gathers
        # its entries apart and merges them in once (_merge), a small append places each one. So
        # no read sorts, and no large list is made after the projection was settled out of the
        # garbage collector's reach (a list of a million entries made later costs every full
        # collection ~90 ms, which showed as a doubled p95 on the pattern queries).
        self._timeline: dict[str, _Timeline] = {}
        self.from_snapshot = 0  # assertions read from a snapshot on open

    def _load_snapshot(self, gathered: dict[str, _Timeline]) -> int:
        """Index the snapshot's rows if it matches the log; the seq of its last row (0 if none
        was used: then the projection is left empty)."""
        found = snapshot.open_snapshot(self.path)
        if found is None:
            return 0
        try:
            at = self.db.execute(sql.ID_AT, (found.last_seq,)).fetchone()
            if at is None or at[0] != found.last_id or found.rows != self.db.execute(sql.COUNT_UP_TO, (found.last_seq,)).fetchone()[0]:
                return 0  # another log, or rows the snapshot's writer never saw
            strings: dict[Optional[str], Optional[str]] = {}
            s, times, build = strings.setdefault, _Times({None: None}), build_assertion
            for chunk in found.chunks():
                # Entity ids and source refs repeat across chunks: share them again (memory).
                self._index_all((
                    build(id_, s(subject, subject), predicate, s(obj, obj), value, role, times[valid_from], times[valid_to],
                          times[recorded_at], recorded_by, agency, s(source_ref, source_ref), method, status, reliability,
                          confidence, scope, handling, supersedes, retraction, notify_owner)
                    for (id_, subject, predicate, obj, value, role, valid_from, valid_to, recorded_at, recorded_by, agency, source_ref,
                         method, status, reliability, confidence, scope, handling, supersedes, retraction, notify_owner) in chunk), gathered)
            if len(self._all) != found.rows:
                raise snapshot.SnapshotDamaged(f"{len(self._all)} rows, its header says {found.rows}")
        except Exception as exc:  # whatever is wrong with it, the log is whole: read that instead
            log.warning("not using the snapshot beside %s (%s); reading the log", self.path.name, type(exc).__name__)
            self._empty_projection()
            gathered.clear()
            return 0
        finally:
            found.close()
        self.from_snapshot = found.rows
        return found.last_seq

    def save_snapshot(self) -> int:
        """Save the assertions as a snapshot beside the SQLite file (see store/snapshot.py);
        the rows written."""
        with self.lock:
            if not self._all:
                return 0
            last_id = next(reversed(self._all))  # the projection holds the log in order
            (last_seq,) = self.db.execute(sql.SEQ_OF, (last_id,)).fetchone()
            texts = TimeTexts({None: None})
            # Equal strings written as one (marshal refers back to an object it has written):
            # assertions made by an import hold a copy per record, which would be read back as
            # copies too (~180 bytes per assertion more resident at large-la). Only strings:
            # 1 and True are equal keys.
            strings: dict[Any, Any] = {}
            s = strings.setdefault
            rows = (
                (a.id, s(a.subject, a.subject), s(a.predicate, a.predicate), s(a.object, a.object), s(a.value, a.value) if type(a.value) is str else a.value, s(a.role, a.role),
                 texts[a.valid_from], texts[a.valid_to], texts[a.recorded_at], s(a.recorded_by, a.recorded_by), s(a.agency, a.agency),
                 s(a.source_ref, a.source_ref), s(a.method, a.method), s(a.status, a.status), s(a.source_reliability, a.source_reliability),
                 s(a.information_confidence, a.information_confidence), s(a.scope, a.scope), s(a.handling, a.handling),
                 a.supersedes, a.retraction, a.notify_owner)
                for a in self._all.values()
            )
            written = snapshot.save(self.path, last_seq, last_id, len(self._all), rows)
            self.from_snapshot, self.replayed = written, 0
            return written

    def _index_decision(self, d: SharingDecision) -> None:
        if d.share:
            for assertion_id in d.assertion_ids:
                self._shares[assertion_id].append(d)

    # -- projection
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
                    new = gathered.get(predicate) or gathered.setdefault(predicate, _Timeline([], array("q"), []))
                    new.moments.append(when)
                    new.seqs.append(seq)
                    new.assertions.append(a)
                    continue
                timeline = timelines.get(predicate) or timelines.setdefault(predicate, _Timeline([], array("q"), []))
                at = bisect.bisect_right(timeline.moments, when)  # after equal moments: its seq is the largest
                timeline.moments.insert(at, when)
                timeline.seqs.insert(at, seq)
                timeline.assertions.insert(at, a)

    def _merge(self, gathered: dict[str, _Timeline]) -> None:
        """Merge a bulk load's dated entries into the timelines: new lists, swapped in whole, so
        a reader holds either the old timeline or the new one."""
        for predicate, new in gathered.items():
            old = self._timeline.get(predicate)
            moments = old.moments + new.moments if old else new.moments
            seqs = old.seqs + new.seqs if old else new.seqs
            assertions = old.assertions + new.assertions if old else new.assertions
            order = sorted(range(len(moments)), key=moments.__getitem__)  # stable: equal moments stay in seq order
            self._timeline[predicate] = _Timeline([moments[i] for i in order], array("q", (seqs[i] for i in order)), [assertions[i] for i in order])

    # -- writes
    def append(self, assertions: Sequence[Assertion], audit_entry: Optional[dict] = None) -> int:
        if not assertions and audit_entry is None:
            return 0
        with self._transaction() as db:
            if assertions:
                db.executemany(sql.INSERT_ASSERTION, rows_of(map(sql.FIELDS, assertions)))
            if audit_entry is not None:  # in the write's transaction: both or neither survive a crash
                ids = [a.id for a in assertions]
                named = audit.naming(audit_entry, ids)
                if len(ids) > audit.NAME_EACH:
                    first, last = (db.execute(sql.SEQ_OF, (i,)).fetchone()[0] for i in (ids[0], ids[-1]))
                    named = audit.naming(audit_entry, count=len(ids), span=f"seq {first}..{last}")
                seal_into(db, [named])
            faults.point("write.before-commit")
        faults.point("write.after-commit")
        self._project(assertions)
        return len(assertions)

    def append_all(self, chunks: Iterable[Sequence[Assertion]], audit_entry: Optional[dict] = None) -> int:
        """More than one chunk goes to a writer process (log_writer), which inserts each into one
        transaction on the other core while the caller makes the next; the projection follows
        the commit, as for append. The lock keeps this store's other writes out meanwhile."""
        stream = iter(chunks)
        first = next(stream, None)
        second = next(stream, None) if first is not None else None
        if second is None:
            return self.append(first or (), audit_entry)
        written: list[Assertion] = []
        with self.lock, log_writer.Writer(self.path) as writer:
            for chunk in itertools.chain((first, second), stream):
                writer.send(chunk)
                written.extend(chunk)
                faults.point("import.chunk-sent")
            try:
                writer.commit(audit_entry)  # the writer seals the entry into the import's transaction
            except log_writer.LogWriteError:
                # A writer killed between its commit and its reply: the log says which it was.
                if self.db.execute(sql.SEQ_OF, (written[-1].id,)).fetchone() is None:
                    raise
            faults.point("import.after-commit")
            self._project(written)
        return len(written)

    def _project(self, assertions: Sequence[Assertion]) -> None:
        """Add committed assertions to the projection."""
        bulk = len(assertions) >= BULK
        with self.lock:
            gathered: Optional[dict[str, _Timeline]] = {} if bulk else None
            self._index_all(assertions, gathered)
            if gathered:
                self._merge(gathered)
            self._memos = {}
        if bulk:
            heap.settle()

    # -- reads
    def _visible(self, view: View) -> Callable[[Assertion], bool]:
        """Scope, widened by decisions to share with this reader."""

        def visible(a: Assertion) -> bool:
            return view.may_see(a) or any(d.grants(view) for d in self._shares.get(a.id, ()))

        return visible

    def _current(self, candidates: Iterable[Assertion], view: Optional[View]) -> list[Assertion]:
        if view is None:
            return current(candidates, self._superseders, TRUSTED)
        return current(candidates, self._superseders, view, self._visible(view))

    def assertion(self, assertion_id: str, view: Optional[View] = None) -> Optional[Assertion]:
        a = self._all.get(assertion_id)
        if a is None or view is None:
            return a
        if not self._visible(view)(a) or (view.as_of is not None and a.recorded_at > view.as_of):
            return None
        return a

    def assertions(self, assertion_ids: Iterable[str], view: Optional[View] = None) -> dict[str, Assertion]:
        return {i: a for i in assertion_ids if (a := self.assertion(i, view)) is not None}

    def by_source(self, sources: Iterable[tuple[str, str]], view: Optional[View] = None) -> dict[tuple[str, str], list[Assertion]]:
        # From the log (the projection keeps no index by source: it would cost memory for every
        # assertion, to answer the few imports that name a target by its source).
        wanted = sorted(set(sources))
        if not wanted:
            return {}
        with self.lock:
            rows = self.db.execute(sql.SELECT_BY_SOURCE, (json.dumps(wanted),)).fetchall()
        found: dict[tuple[str, str], list[Assertion]] = defaultdict(list)
        for (assertion_id,) in rows:
            a = self.assertion(assertion_id, view)
            if a is not None:
                found[(a.agency, a.source_ref)].append(a)
        return dict(found)

    def entity(self, entity_id: str, view: Optional[View]) -> Optional[Entity]:
        """The port's answer, remembered for a "now" reader (_memo) until the next write: its
        cost is then the entity's distinct links, not every sighting of them."""
        memo = self._memo(view)
        if memo is None:
            return super().entity(entity_id, view)
        kept = memo.entities.get(entity_id, _UNKNOWN)
        if kept is _UNKNOWN:
            found = super().entity(entity_id, view)
            if len(memo.entities) < MEMO_ENTRIES:
                memo.entities[entity_id] = None if found is None else (
                    found.kind, tuple(a.id for a in found.assertions), tuple(a.id for a in found.incoming),
                    tuple((first, *s) for first, s in found.sightings.items()))
            return found
        if kept is None:
            return None
        kind, out, incoming, repeated = kept  # type: ignore[misc]
        everything = self._all
        return Entity(entity_id, kind, tuple(everything[i] for i in out), tuple(everything[i] for i in incoming),
                      {first: Sightings(*rest) for first, *rest in repeated})

    def kind_of(self, entity_id: str, view: Optional[View] = None) -> Optional[str]:
        return self.kinds_of((entity_id,), view).get(entity_id)

    def _memo(self, view: Optional[View]) -> Optional["_Memo"]:
        """The remembered answers for this reader, while nothing has been written since: a
        pattern query asks the kinds and family links of thousands of entities, and the next
        query asks most of them again. Only for "now" readers (no as_of, no valid_at), who
        are nearly all of them; a reader is its auths, agency and identity (shares can name one
        professional). Writes replace the whole dict, so an answer computed from the store
        before a write can only land in a memo nobody reads any more."""
        if view is not None and (view.as_of is not None or view.valid_at is not None):
            return None
        memos = self._memos
        # The class is part of the key: the trusted reader holds no auths yet sees everything.
        key = (None,) if view is None else (type(view), view.auths, view.agency, view.subject)
        memo = memos.get(key)
        if memo is None:
            if len(memos) >= MEMO_READERS:
                memos.pop(next(iter(memos)))  # the oldest reader's
            memo = memos[key] = _Memo()
        return memo

    def kinds_of(self, entity_ids: Iterable[str], view: Optional[View] = None) -> dict[str, str]:
        memo = self._memo(view)
        known = memo.kinds if memo is not None else {}
        found: dict[str, str] = {}
        candidates: list[Assertion] = []
        asked = []
        for entity_id in set(entity_ids):
            kind = known.get(entity_id, _UNKNOWN)
            if kind is _UNKNOWN:
                asked.append(entity_id)
                candidates.extend(_get(self._subject_predicate, (entity_id, v.KIND)))
            elif kind is not None:
                found[entity_id] = kind  # type: ignore[assignment]
        fresh: dict[str, str] = {}
        for a in self._current(candidates, view):  # one pass; each entity's first current kind wins, as in kind_of
            fresh.setdefault(a.subject, str(a.value))
        found.update(fresh)
        if memo is not None and len(known) < MEMO_ENTRIES:
            known.update((entity_id, fresh.get(entity_id)) for entity_id in asked)
        return found

    def about_each(self, entity_ids: Iterable[str], view: Optional[View], predicate: Optional[str], incoming: bool = False) -> dict[str, list[Assertion]]:
        if predicate is None:
            every = self._object if incoming else self._subject
            candidates_of: Callable[[str], Iterable[Assertion]] = lambda entity_id: every.get(entity_id, ())
        else:
            index = self._object_predicate if incoming else self._subject_predicate
            candidates_of = lambda entity_id: _get(index, (entity_id, predicate))
        memo = self._memo(view)
        known = memo.links.setdefault((predicate, incoming), {}) if memo is not None else {}
        found: dict[str, list[Assertion]] = {}
        fresh: dict[str, list[Assertion]] = {}
        candidates: list[Assertion] = []
        everything = self._all
        for entity_id in entity_ids:
            links = known.get(entity_id)
            if links is None:
                found[entity_id] = fresh[entity_id] = []
                candidates.extend(candidates_of(entity_id))
            else:
                found[entity_id] = [everything[i] for i in links]
        for a in self._current(candidates, view):
            fresh[a.object if incoming else a.subject].append(a)  # type: ignore[index]
        if memo is not None and len(known) < MEMO_ENTRIES:
            known.update((entity_id, tuple([a.id for a in links])) for entity_id, links in fresh.items())
        return found

    def superseders(self, assertion_id: str, view: Optional[View] = None) -> list[Assertion]:
        return [s for s in self._superseders.get(assertion_id, ()) if self.assertion(s.id, view) is not None]

    def about(self, entity_id: str, view: Optional[View], predicates: Optional[Iterable[str]] = None, incoming: bool = False) -> list[Assertion]:
        wanted = set(predicates) if predicates is not None else None
        if wanted is not None and len(wanted) == 1:
            by_predicate = self._object_predicate if incoming else self._subject_predicate
            return self._current(_get(by_predicate, (entity_id, next(iter(wanted)))), view)
        index = self._object if incoming else self._subject
        return self._current((a for a in index.get(entity_id, ()) if wanted is None or a.predicate in wanted), view)

    def dated(self, view: Optional[View], predicates: Iterable[str], start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[Assertion]:
        found: list[tuple[datetime, int, Assertion]] = []
        with self.lock:  # a small append inserts into these lists in place
            for predicate in predicates:
                timeline = self._timeline.get(predicate)
                if timeline is not None:
                    at = timeline.span(start, end)
                    found.extend(zip(timeline.moments[at], timeline.seqs[at], timeline.assertions[at]))
        found.sort(key=lambda entry: entry[:2])
        return self._current((a for _, _, a in found), view)

    def _window(self, predicates: Iterable[str], start: Optional[datetime], end: Optional[datetime]) -> list[Assertion]:
        """The dated assertions with these predicates in [start, end], before any visibility
        check and in no particular order (see dated, which sorts and filters them)."""
        found: list[Assertion] = []
        with self.lock:  # a small append inserts into these lists in place
            for predicate in predicates:
                timeline = self._timeline.get(predicate)
                if timeline is not None:
                    found += timeline.assertions[timeline.span(start, end)]
        return found

    def context_links(self, view: Optional[View], kinds: Iterable[str], start: Optional[datetime], end: Optional[datetime], min_children: int) -> list[PlacedChildren]:
        """The port's answer (GraphStore.context_links, which the tests hold this to) with less
        work: the timelines are read unsorted, and a place's links are checked for visibility
        and supersession only if links from enough distinct children reach it before that
        check; most places in a window do not (large-la, 30 days: 2,535 places, 807 answered)."""
        wanted = frozenset(kinds)
        # The children found at places first, completely: there are few, and they add to a place's count.
        kind: dict[str, str] = {}
        links: dict[str, list[ContextLink]] = defaultdict(list)
        for place, link in self._found_children(view, self._current(self._window(("found_at",), start, end), view), wanted, kind):
            links[place].append(link)
        # Then the direct links: from a child to a place of a wanted kind (kinds are remembered
        # per reader, so asked first), checked further only at places reached by enough children.
        unchecked = self._window(v.CONTEXT_LINKS, start, end)
        kind.update(self.kinds_of(({a.object for a in unchecked} | {a.subject for a in unchecked}) - kind.keys(), view))  # type: ignore[operator]
        candidates = [a for a in unchecked if kind.get(a.object) in wanted and kind.get(a.subject) == "child"]  # type: ignore[arg-type]
        reach: dict[str, set[str]] = {place: {l.child for l in place_links} for place, place_links in links.items()}
        for a in candidates:
            children = reach.get(a.object)  # type: ignore[arg-type]
            if children is None:
                reach[a.object] = {a.subject}  # type: ignore[index]
            else:
                children.add(a.subject)
        for a in self._current((a for a in candidates if len(reach[a.object]) >= min_children), view):  # type: ignore[index]
            links[a.object].append(ContextLink(a.subject, a.predicate, moment(a), a.agency, (a.id,)))  # type: ignore[index]
        return [PlacedChildren(place, kind[place], place_links) for place, place_links in links.items()
                if len({l.child for l in place_links}) >= min_children]

    def families(self, people: Iterable[str], view: Optional[View]) -> dict[str, frozenset[str]]:
        """The port's answer over each person's relatives remembered per reader (see _memo):
        shared_contexts asks the families of thousands of children, most of them the same as
        the last time, among other candidates."""
        wanted = list(dict.fromkeys(people))
        memo = self._memo(view)
        known = memo.families if memo is not None else {}
        found: dict[str, Iterable[str]] = {}
        asked = []
        for person in wanted:
            relatives = known.get(person)
            if relatives is None:
                asked.append(person)
            else:
                found[person] = relatives
        if asked:
            fresh = self.relatives(asked, view)
            found.update(fresh)
            if memo is not None and len(known) < MEMO_ENTRIES:
                known.update((person, tuple(relatives)) for person, relatives in fresh.items())
        return among(wanted, found)

    def search(self, view: Optional[View], kinds: Iterable[str] = v.PEOPLE, name: Optional[str] = None, date_of_birth: Optional[str] = None, identifier: Optional[str] = None) -> list[str]:
        kinds = set(kinds)
        # Start from the most selective criterion the index can answer; then check the rest.
        if identifier is not None:
            candidates = _get(self._values, ("identifier", identifier))
        elif date_of_birth is not None:
            candidates = _get(self._values, ("date_of_birth", date_of_birth))
        elif name is not None:
            needle = name.casefold()
            candidates = [a for a in self._names if needle in str(a.value).casefold()]
        else:
            raise ValueError("give at least one of name, date_of_birth, identifier")
        found = []
        for entity_id in sorted({a.subject for a in self._current(candidates, view)}):
            if self.kind_of(entity_id, view) not in kinds:
                continue
            if not self._matches(entity_id, view, name, date_of_birth, identifier):
                continue
            found.append(entity_id)
        return found

    def _matches(self, entity_id: str, view: Optional[View], name: Optional[str], date_of_birth: Optional[str], identifier: Optional[str]) -> bool:
        shown = self.about(entity_id, view, ("name", "date_of_birth", "identifier"))
        if name is not None and not any(a.predicate == "name" and name.casefold() in str(a.value).casefold() for a in shown):
            return False
        if date_of_birth is not None and not any(a.predicate == "date_of_birth" and a.value == date_of_birth for a in shown):
            return False
        if identifier is not None and not any(a.predicate == "identifier" and a.value == identifier for a in shown):
            return False
        return True

    # -- accountability
    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing, committed before the caller goes on, with synchronous=FULL (see
        connect): on disk even through a power cut. Audit entries too: GroupCommit shares one
        commit among the requests waiting (measured: graphsvc/bench/durability.py)."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    def _write(self, statements: Iterable[tuple[str, tuple[Any, ...]]], audit_entry: Optional[dict] = None, names: Sequence[str] = ()) -> None:
        """The statements, and the audit entry naming `names` if given, in one transaction."""
        with self._transaction() as db:
            for statement, params in statements:
                db.execute(statement, params)
            if audit_entry is not None:
                seal_into(db, [audit.naming(audit_entry, names)])
            faults.point("write.before-commit")
        faults.point("write.after-commit")

    def append_decision(self, decision: SharingDecision, audit_entry: Optional[dict] = None) -> None:
        with self.lock:
            self._write([(sql.INSERT_DECISION, (decision.id, json.dumps(decision.to_record())))], audit_entry, [decision.id])
            self._index_decision(decision)
            self._memos = {}

    def decisions(self, assertion_id: Optional[str] = None) -> list[SharingDecision]:
        with self.lock:
            rows = self.db.execute(sql.SELECT_DECISIONS).fetchall()
        found = [SharingDecision.from_record(json.loads(body)) for (body,) in rows]
        return [d for d in found if assertion_id is None or assertion_id in d.assertion_ids]

    def flagged(self, assertion_ids: Iterable[str]) -> list[Assertion]:
        found = (self._all.get(i) for i in set(assertion_ids))
        return sorted((a for a in found if a is not None and a.notify_owner), key=lambda a: a.id)

    def append_acknowledgement(self, ack: Acknowledgement, audit_entry: Optional[dict] = None) -> None:
        self._write([(sql.INSERT_ACK, (ack.id, ack.decision_id, json.dumps(ack.to_record())))], audit_entry, [ack.id])

    def acknowledgements(self, decision_id: Optional[str] = None) -> list[Acknowledgement]:
        with self.lock:
            rows = self.db.execute(sql.SELECT_ACKS_FOR, (decision_id,)).fetchall() if decision_id else self.db.execute(sql.SELECT_ACKS).fetchall()
        return [Acknowledgement.from_record(json.loads(body)) for (body,) in rows]

    def append_access(self, notifications: Sequence[AccessNotification]) -> None:
        if notifications:
            self._write([(sql.INSERT_ACCESS, (n.id, n.owner_agency, format_time(n.at), json.dumps(n.to_record()))) for n in notifications])

    def accesses(self, owner_agency: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[AccessNotification]:
        low, high = format_time(start) or "", format_time(end) or "9999"
        with self.lock:
            rows = self.db.execute(sql.SELECT_ACCESSES, (owner_agency, low, high)).fetchall()
        return [AccessNotification.from_record(json.loads(body)) for (body,) in rows]

    def audit_append(self, entry: dict) -> dict:
        return self._audit.append(entry)

    def _commit_audit(self, entries: list[dict]) -> list[dict]:
        with self._transaction() as db:
            return seal_into(db, entries)

    def _audit_rows(self, statement: str, params: tuple[Any, ...] = ()) -> list[dict]:
        with self.lock:
            rows = self.db.execute(statement, params).fetchall()
        return [{c: json.loads(v) if c in ("roles", "returned") else v for c, v in zip(sql.AUDIT_COLUMNS, row)} for row in rows]

    def audit_entries(self) -> Iterator[dict]:
        return iter(self._audit_rows(sql.SELECT_AUDIT))

    def audit_for(self, assertion_id: str) -> list[dict]:
        return self._audit_rows(sql.SELECT_AUDIT_FOR, (assertion_id,))

    def log(self) -> Iterator[Assertion]:
        with self.lock:
            rows = self.db.execute(sql.SELECT_LOG, (0,)).fetchall()
        decode = _Decoder()
        return (decode(r) for r in rows)

    def count(self) -> int:
        return len(self._all)

    def ping(self) -> bool:
        try:
            with self.lock:
                self.db.execute(sql.PING).fetchone()
            return True
        except sqlite3.Error:
            return False

    def meta(self, key: str) -> Optional[str]:
        with self.lock:
            row = self.db.execute(sql.GET_META, (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self.db.execute(sql.PUT_META, (key, value))

    def close(self) -> None:
        with self.lock:
            if len(self._all) - self.from_snapshot >= _snapshot_after():
                try:
                    self.save_snapshot()
                except OSError as exc:  # the log is whole; the next open reads it all
                    log.warning("could not save the snapshot beside %s: %s", self.path.name, exc.strerror)
            self.db.close()


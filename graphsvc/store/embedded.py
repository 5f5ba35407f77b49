"""The zero-setup store: a durable SQLite log (WAL) and an in-memory projection kept in step.

SQLite is the truth; the projection (indexes by subject, object, value, time and
supersession, plus a networkx graph of the links between people) is rebuilt from it on open
and updated only after a commit, so a crash can never leave the two disagreeing.

One concern a module: embedded.py (EmbeddedStore, the port's methods), embedded_projection.py
(the indexes and who may see what), embedded_timelines.py (the time index),
embedded_memo.py (answers remembered per reader), embedded_rows.py (rows as assertions and
back), embedded_accountability.py (decisions, notices, the audit log and the transaction),
sqlite.py, log_writer.py and snapshot.py.
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
import threading
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from .. import audit, faults, heap
from .. import vocabulary as v
from ..model import Assertion, ContextLink, Entity, PlacedChildren, Sightings, SharingDecision, View, moment
from ..settings import BY_NAME
from . import log_writer, snapshot, sql
from .base import GraphStore, among
from .embedded_accountability import EmbeddedAccountability
from .embedded_memo import MEMO_ENTRIES, _UNKNOWN, _Memo, memo_for
from .embedded_projection import EmbeddedProjection, _get
from .embedded_rows import _Decoder, _Times, snapshot_reader, snapshot_rows
from .embedded_timelines import _Timeline
from .sqlite import connect, rows_of, seal_into

__all__ = ["EmbeddedStore", "BULK", "SNAPSHOT_AFTER", "_Times"]  # _Times: tests/test_store.py checks time parsing through it

log = logging.getLogger("graphsvc.store")
BULK = 10_000  # an append of this many merges its dated assertions in whole and settles the heap (so does an open)
# Rows an open would read from SQLite (not in the snapshot) before close saves a new snapshot:
# reading fewer costs under two seconds; writing one costs seconds per million assertions.
# The default of the GRAPHSVC_SNAPSHOT_AFTER setting, declared with it in settings.py.
SNAPSHOT_AFTER: int = BY_NAME["GRAPHSVC_SNAPSHOT_AFTER"].default


class EmbeddedStore(EmbeddedProjection, EmbeddedAccountability, GraphStore):
    def __init__(self, path: str | Path, snapshot_after: Optional[int] = None):
        self.path = Path(path)
        # The module's default read now, not when this was defined: tests lower it.
        self.snapshot_after = SNAPSHOT_AFTER if snapshot_after is None else snapshot_after
        self.db = connect(self.path)
        self.lock = threading.RLock()
        self._audit = audit.GroupCommit(self._commit_audit)
        self._empty_projection()
        self._shares = defaultdict(list)
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
            read = snapshot_reader()
            for chunk in found.chunks():
                self._index_all(read(chunk), gathered)
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
            written = snapshot.save(self.path, last_seq, last_id, len(self._all), snapshot_rows(self._all.values()))
            self.from_snapshot, self.replayed = written, 0
            return written

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
        """The remembered answers for this reader while nothing has been written since (see
        embedded_memo.memo_for): None for a reader in the past, whose answers are not kept."""
        return memo_for(self._memos, view)

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

    # -- accountability (the rest: EmbeddedAccountability)
    def append_decision(self, decision: SharingDecision, audit_entry: Optional[dict] = None) -> None:
        with self.lock:
            self._write([(sql.INSERT_DECISION, (decision.id, json.dumps(decision.to_record())))], audit_entry, [decision.id])
            self._index_decision(decision)
            self._memos = {}

    def flagged(self, assertion_ids: Iterable[str]) -> list[Assertion]:
        found = (self._all.get(i) for i in set(assertion_ids))
        return sorted((a for a in found if a is not None and a.notify_owner), key=lambda a: a.id)

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
            if len(self._all) - self.from_snapshot >= self.snapshot_after:
                try:
                    self.save_snapshot()
                except OSError as exc:  # the log is whole; the next open reads it all
                    log.warning("could not save the snapshot beside %s: %s", self.path.name, exc.strerror)
            self.db.close()


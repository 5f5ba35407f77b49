"""Neo4jStore: the GraphStore port's methods on Neo4j, with the concerns they share in mixins
(sessions.py, parallel.py, staged.py, accountability.py)."""

from __future__ import annotations

import functools
import itertools
import json
import logging
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from neo4j import GraphDatabase, ManagedTransaction

from ... import audit, faults
from ... import vocabulary as v
from ...model import (
    _Trusted,
    SIGHTING_IDS,
    Sightings,
    Assertion,
    ContextLink,
    Entity,
    PlacedChildren,
    View,
    parse_time,
)
from ..base import GraphStore, StoreUnavailable, among
from .accountability import Accountability
from .outbox import Outbox
from .parallel import READ_PARTS, SPLIT_ABOVE, ParallelReads, _id_parts, _time_windows
from .queries import QUERIES
from .read_cache import ReadCache
from .rows import NEVER, _assertion, _padded, _time_keys, row_of
from .sessions import PAGE, Sessions
from .staged import ABANDONED_AFTER, STAGE_ABOVE, StagedImport

log = logging.getLogger("graphsvc.store.neo4j")

# Reads kept by the read cache (read_cache.py), per reader: entity reads (a child's can hold
# hundreds of assertions), entities' kinds and their family links from their own end (a
# pattern over a 90-day window at large-la reads the kinds of ~10,000 entities).
KEPT = {"entity": 4096, "kind": 65_536, "family": 65_536}


def _both_ends(people: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """GraphStore.families from family links read from their subjects' end: each person's
    relatives among `people` (base.among), whichever end of a link they are at."""
    relatives: dict[str, set[str]] = defaultdict(set)
    for subject, object_ in links:
        relatives[subject].add(object_)
        relatives[object_].add(subject)
    return among(list(people), relatives)


class Neo4jStore(Accountability, StagedImport, ParallelReads, Sessions, GraphStore):
    """A GraphStore in one Neo4j database (5.x; Community is enough).

    `uri` may be bolt:// (one server) or neo4j:// (routing, for a cluster). `driver` lets
    several stores share one driver (tests): the store then does not close it.
    """

    def __init__(self, uri: str, user: Optional[str] = None, password: Optional[str] = None, database: str = "neo4j", *,
                 driver: Any = None, batch_size: int = PAGE, retry_seconds: float = 5.0, connect_seconds: float = 5.0,
                 replan: Optional[str] = None, stage_above: int = STAGE_ABOVE, abandoned_after: timedelta = ABANDONED_AFTER,
                 read_parts: int = READ_PARTS, split_above: int = SPLIT_ABOVE, outbox: Optional[str | Path] = None,
                 cache_poll_seconds: Optional[float] = None):
        self.uri = uri
        if read_parts < 1 or split_above < 1:
            raise ValueError("read_parts and split_above must be at least 1")
        self.read_parts = read_parts
        self.split_above = split_above
        # The other parts of split reads (the caller reads the first itself); shared by every
        # request, so a part may wait behind another's under load, never more than one read long.
        self._readers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="graphsvc-neo4j-read") if read_parts > 1 else None
        self._audit = audit.GroupCommit(self._commit_audit)
        self._audit_tail: Optional[tuple[int, str]] = None  # (seq, hash) of the last entry this store wrote
        # replan="skip": keep cached plans when the statistics change (the test suite, whose
        # database is emptied and refilled all the time); by default Neo4j plans again as data grows.
        if replan not in (None, "default", "skip", "force"):
            raise ValueError(f"replan must be default, skip or force, not {replan!r}")
        prefix = f"CYPHER replan={replan} " if replan not in (None, "default") else ""
        self._queries = {name: prefix + text for name, text in QUERIES.items()}
        self.database = database or "neo4j"
        self.batch_size = batch_size
        self.stage_above = stage_above
        self.abandoned_after = abandoned_after
        self._owns_driver = driver is None
        if driver is None:
            user = user or ("neo4j" if password else None)  # a password alone is the default user's
            auth = (user, password or "") if user else None
            driver = GraphDatabase.driver(
                uri, auth=auth,
                # Fail fast when the server is gone (the API answers 503) and let the pool
                # drop dead connections, so the store recovers by itself when Neo4j returns.
                max_transaction_retry_time=retry_seconds, connection_timeout=connect_seconds,
                connection_acquisition_timeout=max(connect_seconds * 2, 10.0), liveness_check_timeout=30.0,
                notifications_min_severity="OFF",  # "property does not exist yet" on an empty store is noise
            )
        self._driver = driver
        # Causal chaining between this store's sessions: on a cluster a read sees earlier writes.
        self._bookmarks = GraphDatabase.bookmark_manager()
        self._closed = False
        self._schema_lock = threading.Lock()
        self._schema_ready = False
        # The scope expressions and published imports as last read (version, exprs,
        # {auths: visible exprs}, published import ids).
        self._scope_lock = threading.Lock()
        self._scopes: tuple[Optional[str], tuple[str, ...], dict[frozenset[str], list[str]], list[str]] = ("", (), {}, [NEVER, NEVER])
        try:
            self._ensure_schema()
        except StoreUnavailable as exc:  # come up anyway; every call retries the schema first
            log.warning("%s; the schema will be applied when it answers", exc)
        # audit_record's entries and owner notifications wait here, durably, until written (outbox.py).
        self._outbox = Outbox(outbox, self._drain_outbox) if outbox is not None else None
        # Entity reads, kinds and family links about now, kept until the database changes (read_cache.py),
        # keyed by numbered readers (_reader_key).
        self._reader_numbers: dict[tuple[Any, ...], int] = {}
        self._reader_count = itertools.count()
        self._cache = ReadCache(self._data_version, cache_poll_seconds, KEPT) if cache_poll_seconds else None


    # -- writes
    def append(self, assertions: Sequence[Assertion], audit_entry: Optional[dict] = None) -> int:
        if len(assertions) > self.stage_above:
            return self._append_staged([assertions], audit_entry)
        if not assertions and audit_entry is None:
            return 0
        rows = [row_of(a) for a in assertions]
        size = self.batch_size
        if audit_entry is not None:
            self._flush_outbox()  # what was recorded before this entry is sealed before it

        def work(tx: ManagedTransaction) -> None:
            # One transaction, in batches: all or nothing; the audit entry naming them in it too.
            for i in range(0, len(rows), size):
                self._write_batch(tx, rows[i:i + size])
            if audit_entry is not None:
                self._seal_under_lock(tx, [audit.naming(audit_entry, [r["id"] for r in rows])])
            faults.point("write.before-commit")

        self._run(True, work)
        faults.point("write.after-commit")
        self._changed()
        return len(assertions)

    def _changed(self) -> None:
        """After a write that can change what readers see has committed."""
        if self._cache is not None:
            self._cache.changed()

    def _data_version(self) -> Any:
        return tuple(tuple(c) for c in self._read("data_version")[0][0])

    def append_all(self, chunks: Iterable[Sequence[Assertion]], audit_entry: Optional[dict] = None) -> int:
        """As append. Up to stage_above assertions are one transaction; a larger import is
        staged and written while the rest is still being validated (the chunks are
        ingest.prepared's), so Neo4j writes one chunk while Python checks the next."""
        chunks = iter(chunks)
        first: list[Assertion] = []
        for chunk in chunks:
            first.extend(chunk)
            if len(first) > self.stage_above:
                return self._append_staged(itertools.chain([first], chunks), audit_entry)
        return self.append(first, audit_entry)

    def _write_batch(self, tx: ManagedTransaction, rows: list[dict[str, Any]]) -> None:
        """One batch in the caller's transaction: its new scopes, its nodes, then their
        SUPERSEDES and COVERS links. Linking each batch as it is written links every pair:
        of an assertion and the one it supersedes, whichever is written second finds the
        other (link_assertions looks both ways)."""
        tx.run(self._queries["append_scopes"], scopes=sorted({r.get("scope", "") for r in rows})).consume()
        tx.run(self._queries["append_assertions"], rows=rows).consume()
        tx.run(self._queries["link_assertions"], ids=[r["id"] for r in rows]).consume()

    # -- reads
    def assertion(self, assertion_id: str, view: Optional[View] = None) -> Optional[Assertion]:
        found = self._view_read("assertion", view, id=assertion_id)
        return _assertion(found[0]) if found else None

    def assertions(self, assertion_ids: Iterable[str], view: Optional[View] = None) -> dict[str, Assertion]:
        ids = sorted(set(assertion_ids))
        return {props["id"]: _assertion(props) for props in self._each_read("assertions", view, ids)} if ids else {}

    def by_source(self, sources: Iterable[tuple[str, str]], view: Optional[View] = None) -> dict[tuple[str, str], list[Assertion]]:
        wanted = [{"agency": agency, "source_ref": source_ref} for agency, source_ref in sorted(set(sources))]
        if not wanted:
            return {}
        padding = [{"agency": NEVER, "source_ref": NEVER}] * (2 - len(wanted))  # as _padded: one plan for every size
        found: dict[tuple[str, str], list[Assertion]] = defaultdict(list)
        for props in self._view_read("by_source", view, sources=wanted + padding):
            a = _assertion(props)
            found[(a.agency, a.source_ref)].append(a)
        return dict(found)

    def _reader_key(self, view: Optional[View]) -> Optional[int]:
        """The number standing for everything a kept read's answer depends on besides the read
        itself, or None when the read is not kept (no cache; a trusted internal read; asOf or
        validAt): two readers with the same number see the same things. The reader's own auths,
        not only the scopes they were last worked out to see: before the first read of the
        scopes (or after a new one) that list is stale, and the same for readers who see
        different things. A number, not the tuple, in the keys: the tuple holds every published
        import and is hashed once per call here, not once per entity a pattern reads. Numbers
        are never reused, so a number forgotten here can never pick up another reader's answers."""
        if self._cache is None or view is None or view.as_of is not None or view.valid_at is not None:
            return None
        trusted = isinstance(view, _Trusted)
        auths = frozenset() if trusted else frozenset(view.auths)
        version, _, published = self._visible_scopes(None if trusted else auths)
        reader = (trusted, auths, view.agency, view.subject, tuple(published), version)
        with self._scope_lock:
            number = self._reader_numbers.get(reader)
            if number is None:
                if len(self._reader_numbers) > 4096:
                    self._reader_numbers.clear()
                number = self._reader_numbers[reader] = next(self._reader_count)
            return number

    def entity(self, entity_id: str, view: Optional[View]) -> Optional[Entity]:
        reader = self._reader_key(view)
        if reader is None or self._cache is None:
            return self._entity(entity_id, view)
        key = (entity_id, reader)
        found, answer, generation = self._cache.get("entity", key)
        if not found:
            answer = self._entity(entity_id, view)
            self._cache.put("entity", key, answer, generation)
        return answer

    def _entity(self, entity_id: str, view: Optional[View]) -> Optional[Entity]:
        # One round trip instead of the port's three (kind, outgoing, incoming).
        # Links recorded more than once come once, with their count (entity.cypher).
        out, incoming = self._view_read("entity", view, id=entity_id, max_ids=SIGHTING_IDS)
        about = tuple(_assertion(row[0]) for row in out)
        kind = next((str(a.value) for a in about if a.predicate == v.KIND), None)
        if kind is None:
            return None
        into = tuple(_assertion(row[0]) for row in incoming)
        repeated = {a.id: Sightings(count, tuple(ids), parse_time(first), parse_time(last))
                    for a, (_, count, ids, first, last) in zip(about + into, out + incoming) if count > 1}
        return Entity(entity_id, kind, about, into, repeated)

    def kind_of(self, entity_id: str, view: Optional[View] = None) -> Optional[str]:
        found = self._view_read("kind_of", view, id=entity_id)
        return found[0] if found else None

    def kinds_of(self, entity_ids: Iterable[str], view: Optional[View] = None) -> dict[str, str]:
        ids = sorted(set(entity_ids))
        kept, missing, keep = self._kept("kind", ids, view)
        if missing:
            read = dict(self._each_read("kinds_of", view, missing))
            if keep is not None:
                keep(read)
            kept.update(read)
        return {entity_id: kind for entity_id, kind in kept.items() if kind is not None}

    def _kept(self, shelf: str, ids: list[str], view: Optional[View]) -> tuple[dict[str, Any], list[str], Optional[Callable[[dict[str, Any]], None]]]:
        """(what is kept on the shelf for those of ids this reader was given it for, the ids
        still to read, the function that keeps what is read for them, or None for a reader the
        cache does not serve: _reader_key). A pattern reads the kinds and family links of
        thousands of entities, the same ones call after call."""
        reader = self._reader_key(view)
        if reader is None or self._cache is None:
            return {}, ids, None
        cache = self._cache
        found, generation = cache.get_many(shelf, [(entity_id, reader) for entity_id in ids])
        kept = {key[0]: answer for key, answer in found.items()}
        missing = [entity_id for entity_id in ids if entity_id not in kept] if len(kept) < len(ids) else []

        def keep(read: dict[str, Any]) -> None:  # the padding (NEVER) is not an entity
            cache.put_many(shelf, {(entity_id, reader): answer for entity_id, answer in read.items() if entity_id != NEVER}, generation)

        return kept, missing, keep

    def about_each(self, entity_ids: Iterable[str], view: Optional[View], predicate: Optional[str], incoming: bool = False) -> dict[str, list[Assertion]]:
        found: dict[str, list[Assertion]] = {entity_id: [] for entity_id in entity_ids}
        query = ("about_each" if predicate is not None else "about_each_every") + ("_incoming" if incoming else "")
        if found:
            for entity_id, a in self._each_read(query, view, list(found), predicate=predicate or ""):
                found[entity_id].append(_assertion(a))
        return found

    def identity_links(self, view: Optional[View], entity_ids: Optional[Iterable[str]] = None) -> list[Assertion]:
        # Every one: the port's read of the time index. Those touching some records: one query
        # (identity_links.cypher), each link once however many of its ends were asked about.
        if entity_ids is None:
            return super().identity_links(view)
        ids = list(dict.fromkeys(entity_ids))
        if not ids:
            return []
        found = [_assertion(a) for a in self._view_read("identity_links", view, ids=_padded(ids), predicates=[v.SAME_PERSON, v.NOT_SAME_PERSON])]
        return sorted(found, key=lambda a: (a.recorded_at, a.id))

    def superseders(self, assertion_id: str, view: Optional[View] = None) -> list[Assertion]:
        return [_assertion(a) for a in self._view_read("superseders", view, id=assertion_id)]

    def about(self, entity_id: str, view: Optional[View], predicates: Optional[Iterable[str]] = None, incoming: bool = False) -> list[Assertion]:
        wanted = None if predicates is None else sorted(set(predicates))
        if wanted == []:
            return []
        found = self._view_read("about_incoming" if incoming else "about", view, id=entity_id, any_predicate=wanted is None, predicates=_padded(wanted or []))
        return [_assertion(a) for a in found]

    def dated(self, view: Optional[View], predicates: Iterable[str], start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[Assertion]:
        wanted = sorted(set(predicates) & v.DATED)
        if not wanted:
            return []
        low, high = _time_keys(start, end)
        return [_assertion(a) for a in self._view_read("dated", view, predicates=_padded(wanted), start=low, end=high)]

    def dated_of_kind(self, view: Optional[View], predicates: Iterable[str], kind: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[Assertion]:
        # The kinds are checked in Neo4j, in read_parts shorter windows side by side (one index
        # seek per subject, on one core each); the parts, adjacent and each in time order, are
        # concatenated in order.
        wanted = sorted(set(predicates) & v.DATED)
        if not wanted:
            return []
        parts = self._side_by_side([functools.partial(self._view_read, "dated_of_kind", view, predicates=_padded(wanted), kind=kind, start=low, end=high)
                                    for low, high in _time_windows(start, end, self.read_parts)])
        return [_assertion(a) for rows in parts for a in rows]

    def context_links(self, view: Optional[View], kinds: Iterable[str], start: Optional[datetime], end: Optional[datetime], min_children: int) -> list[PlacedChildren]:
        return self._context_links(view, kinds, start, end, min_children, families=False)[0]

    def context_links_and_families(self, view: Optional[View], kinds: Iterable[str], start: Optional[datetime], end: Optional[datetime],
                                   min_children: int) -> tuple[list[PlacedChildren], dict[str, frozenset[str]]]:
        return self._context_links(view, kinds, start, end, min_children, families=True)

    def _context_links(self, view: Optional[View], kinds: Iterable[str], start: Optional[datetime], end: Optional[datetime], min_children: int,
                       families: bool) -> tuple[list[PlacedChildren], dict[str, frozenset[str]]]:
        # The port's version is four round trips carrying every link in the window to Python as
        # a full assertion. Here Neo4j reads the window's links grouped by context and entity,
        # in read_parts parts of the contexts side by side (each query runs on one core), and
        # keeps the contexts with enough entities linked (an upper bound: only children count).
        # Then one split read of the kinds of those contexts and entities (and the family links
        # among them) decides which are of the kinds wanted.
        wanted = frozenset(kinds)
        if not wanted:
            return [], {}
        candidates = self._linked_entities(view, start, end, min_children)
        entities = sorted(candidates.keys() | {entity for linked in candidates.values() for entity in linked})
        relatives: Optional[dict[str, list[str]]] = None  # read with the kinds, or after them
        if families:
            kind, missing, keep = self._kept("kind", entities, view)
            if missing:  # one read for both, of every entity (kinds_and_families.cypher says why)
                kind, relatives = {}, {}
                for entity, entity_kind, entity_relatives in self._each_read("kinds_and_families", view, entities, among=_padded(entities)):
                    kind[entity], relatives[entity] = entity_kind, entity_relatives
                if keep is not None:
                    keep(kind)
        else:
            kind = self.kinds_of(entities, view)
        when = functools.lru_cache(maxsize=None)(datetime.fromisoformat)  # a time key is ISO 8601, and episodes share theirs
        placed = []
        for context, linked in candidates.items():
            if kind.get(context) in wanted:
                children = [links for entity, links in linked.items() if kind.get(entity) == "child"]
                if len(children) >= min_children:
                    # A link seen more than once comes grouped (context_links.cypher): one ContextLink for its sightings.
                    placed.append(PlacedChildren(context, kind[context], [
                        ContextLink(child, how, when(at), agency, tuple(ids)) if sightings == 1 else
                        ContextLink(child, how, when(at), agency, tuple(ids), sightings, when(last), tuple(sorted(agencies)))
                        for links in children for child, how, at, agency, ids, sightings, last, agencies in links]))
        if not families:
            return placed, {}
        children = {link.child for p in placed for link in p.links}
        if relatives is None:  # the kinds were kept: the family links of the children placed only
            return placed, self.families(sorted(children), view)
        return placed, _both_ends(children, ((child, relative) for child in children for relative in relatives[child]))

    def _linked_entities(self, view: Optional[View], start: Optional[datetime], end: Optional[datetime], min_children: int) -> dict[str, dict[str, list[Any]]]:
        """context -> entity -> its links there (rows of context_links.cypher), for contexts
        with links from at least min_children entities. Read in read_parts parts side by side,
        each holding the contexts whose ids end in its characters (_id_parts): every link of a
        context is in one part, so each part keeps only contexts with enough entities. (Parts by
        time had to send every context back, to be counted across parts: 3,780 contexts for
        807 kept at large-la, and 88 ms against 77 here.)"""
        low, high = _time_keys(start, end)
        parts = self._side_by_side([functools.partial(self._view_read, "context_links", view, predicates=_padded(list(v.CONTEXT_LINKS)), start=low, end=high,
                                                      min=min_children, tails=tails, inside=inside)
                                    for tails, inside in _id_parts(self.read_parts)])
        return {context: {links[0][0]: links for links in linked} for rows in parts for context, linked in rows}

    def families(self, people: Iterable[str], view: Optional[View]) -> dict[str, frozenset[str]]:
        asked = list(dict.fromkeys(people))
        if not asked:
            return {}
        kept, missing, keep = self._kept("family", asked, view)
        if keep is None:
            # Nothing can be kept: split by the links' subjects, each part checking objects
            # against everyone asked about (links to anyone else dropped unchecked).
            return _both_ends(asked, self._each_read("families", view, asked, among=_padded(asked)))
        if missing:  # every link of theirs, kept per entity for any later group of people
            read = {entity: tuple(relatives) for entity, relatives in self._each_read("family_of_each", view, missing)}
            keep(read)
            kept.update(read)
        return _both_ends(asked, ((person, relative) for person in asked for relative in kept[person]))

    def search(self, view: Optional[View], kinds: Iterable[str] = v.PEOPLE, name: Optional[str] = None, date_of_birth: Optional[str] = None, identifier: Optional[str] = None) -> list[str]:
        wanted = sorted(set(kinds))
        if identifier is None and date_of_birth is None and name is None:
            raise ValueError("give at least one of name, date_of_birth, identifier")
        if not wanted:
            return []
        params: dict[str, Any] = {
            "kinds": _padded(wanted),
            "by_name": name is not None, "needle": "" if name is None else name.casefold(),
            "by_dob": date_of_birth is not None, "dob": "" if date_of_birth is None else json.dumps(date_of_birth),
            "by_identifier": identifier is not None, "identifier": "" if identifier is None else json.dumps(identifier),
        }
        # Start from the most selective criterion the indexes can answer; the query checks the rest.
        if identifier is not None:
            found = self._view_read("search_by_value", view, predicate="identifier", key=params["identifier"], **params)
        elif date_of_birth is not None:
            found = self._view_read("search_by_value", view, predicate="date_of_birth", key=params["dob"], **params)
        else:
            found = self._view_read("search_by_name", view, **params)
        return sorted(found)  # Python's order, as the embedded store

    # -- whole-store
    def log(self) -> Iterator[Assertion]:
        return self._pages("log", _assertion, self._trusted_read)

    def count(self) -> int:
        # A write transaction: count.cypher locks the unpublished imports before it counts.
        return self._run(True, lambda tx: tx.run(self._queries["count"]).single()["n"])

    def holds_anything(self) -> bool:
        """Whether the database holds any node (initial_load.py loads only an empty one)."""
        return bool(self._read("holds_anything")[0][0])

    def ping(self) -> bool:
        if self._closed:
            return False
        try:
            with self._driver.session(database=self.database) as session:
                session.run(self._queries["ping"]).consume()
            return True
        except Exception:  # down, unreachable, refused, misconfigured: not healthy
            return False

    def close(self) -> None:
        if self._closed:
            return
        if self._outbox is not None:  # a last drain while the driver is still open
            self._outbox.close()
        if self._cache is not None:
            self._cache.close()
        self._closed = True
        if self._readers is not None:
            self._readers.shutdown(wait=True)
        if self._owns_driver:
            try:
                self._driver.close()
            except Exception:  # closing a driver whose server is gone
                pass

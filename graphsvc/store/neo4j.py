"""The Neo4j store: the same port as the embedded store, answered by Cypher in one database.

Every query lives in ``cypher/`` (one file per query, loaded by name at import time) and is
always parameterised. The shared rules (which assertions a reader may see, which are current)
are written once in ``cypher/fragments/`` and spliced into the query files as they are loaded:
``{{ current(a) }}`` in a query file becomes the text of fragments/current.cypher with ``@``
replaced by ``a``. Only file text is ever spliced into file text, never input.

Model::

    (:Assertion {id, seq, subject, predicate, object, value (JSON text), ..., times as
                 model.format_time strings, detail (JSON text: the provenance no query
                 filters on), moment, vkey, text, folded})
    (:Assertion)-[:SUPERSEDES]->(:Assertion)
    (:Scope {expr})                               one per distinct scope expression
    (:Decision {id, seq, share, to_agency, to_professional, decided_at, body})
    (:Decision)-[:COVERS]->(:Assertion), and -[:SHARES]-> when it is a decision to share
    (:Acknowledgement {id, seq, decision_id, body}), (:Access {id, seq, owner_agency, at, body})
    (:AuditEntry {seq, at, ..., prev, hash}), (:AuditReturned {assertion_id, seq}),
    (:AuditHead {id, seq, hash})                  the lock writers take, and the last entry's seq and hash
    (:Counter {name, value})                      the seq of each append-only kind of node
    (:Outbox {id, drained})                       each local outbox's last record written (outbox.py)

Subject and object are indexed properties rather than relationships to entity nodes: every
read starts from an index (subject, object, supersedes, (predicate, moment), (predicate,
vkey), the text index on folded names), never from a label scan.

Visibility is decided inside each query, before anything is ordered or counted: the store
knows the (few) distinct scope expressions, works out in Python which of them the reader's
auths satisfy (scope.visible) and passes that list as ``$scopes``; sharing decisions widen it
inside the query. The scope list is cached with a version (fragments/scope_version.cypher) that
every such query returns: when another writer has stored a new scope, the store reads the
scopes again and re-runs the query in the same transaction.

Each call is one managed transaction (session.execute_read / execute_write, retried by the
driver on transient errors); losing the server raises StoreUnavailable with a one-line message,
and the driver's pool reconnects by itself when Neo4j is back.

As `graphsvc serve` opens it (store.open_store), a request does not wait on Neo4j for what it
only writes, nor for an entity it read before: audit entries and owner notifications go to a
local durable outbox written here in the background (outbox.py), and entity reads about now are
kept per reader until the database changes (read_cache.py), as are the kinds and family links
of the thousands of entities a pattern reads.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import queue
import re
import threading
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import orjson
from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ConnectionAcquisitionTimeoutError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from .. import audit, faults
from .. import scope as scopes
from .. import vocabulary as v
from ..model import (
    _Trusted,
    SIGHTING_IDS,
    Sightings,
    AccessNotification,
    Acknowledgement,
    Assertion,
    ContextLink,
    Entity,
    PlacedChildren,
    SharingDecision,
    View,
    build_assertion,
    format_time,
    moment,
    parse_time,
    utcnow,
)
from .base import GraphStore, StoreUnavailable, among
from .embedded import DATED  # the reference store's time index: the same predicates here
from .outbox import ACCESS, AUDIT, Numbered, Outbox
from .read_cache import ReadCache

log = logging.getLogger("graphsvc.store.neo4j")

__all__ = ["Neo4jStore", "CYPHER_DIR", "QUERIES", "CONSTRAINTS"]

# -- the Cypher files ---------------------------------------------------------------------------

CYPHER_DIR = Path(os.environ.get("GRAPHSVC_CYPHER_DIR") or Path(__file__).resolve().parents[2] / "cypher")
_MACRO = re.compile(r"\{\{\s*(\w+)\(\s*(\w*)\s*\)\s*\}\}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuntimeError(f"cannot read the Cypher file {path} (set GRAPHSVC_CYPHER_DIR to the cypher/ directory): {exc}") from None


def _expand(text: str, fragments: dict[str, str], depth: int = 0) -> str:
    """Splice fragment files into query text: {{ name(var) }} -> (fragment with @ as var)."""
    if depth > 10:
        raise RuntimeError("Cypher fragments nest too deeply (a fragment includes itself?)")

    def splice(match: re.Match[str]) -> str:
        name, var = match.group(1), match.group(2)
        if name not in fragments:
            raise RuntimeError(f"unknown Cypher fragment {name!r} (no {CYPHER_DIR / 'fragments' / (name + '.cypher')})")
        return "(\n" + _expand(fragments[name].replace("@", var), fragments, depth + 1) + "\n)" if var else _expand(fragments[name], fragments, depth + 1)

    return _MACRO.sub(splice, text)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip()


def _load() -> tuple[dict[str, str], list[tuple[str, str]]]:
    fragments = {p.stem: _strip_comments(_read(p)) for p in sorted((CYPHER_DIR / "fragments").glob("*.cypher"))}
    queries = {p.stem: _expand(_read(p), fragments).strip() for p in sorted(CYPHER_DIR.glob("*.cypher")) if p.stem != "constraints"}
    constraints = []
    for statement in (s.strip() for s in _strip_comments(_read(CYPHER_DIR / "constraints.cypher")).split(";")):
        if statement:
            name = re.match(r"CREATE\s+(?:CONSTRAINT|(?:TEXT\s+|RANGE\s+|POINT\s+)?INDEX)\s+(\w+)", statement)
            if name is None:
                raise RuntimeError(f"constraints.cypher: every statement must create a named index or constraint: {statement[:80]}")
            constraints.append((name.group(1), statement))
    return queries, constraints


QUERIES, CONSTRAINTS = _load()

# -- mapping between Python values and node properties ------------------------------------------

_TIMES = ("valid_from", "valid_to", "recorded_at")
_FIELDS = tuple(Assertion.__dataclass_fields__)  # type: ignore[attr-defined]
# Provenance no query filters on, stored as one JSON property (`detail`) rather than seven:
# each property is more for Neo4j to write; measured, a staged import writes 15% more
# assertions a second.
_DETAIL = ("recorded_by", "source_ref", "method", "status", "source_reliability", "information_confidence", "handling")
_EXACT = ("date_of_birth", "identifier")  # looked up by exact value (the embedded store's _values)
_TEXT = (v.KIND, "name")  # their value also as `text`
# The fields stored as they are (row_of): not times, not the value, not flags, not detail.
_PLAIN = tuple(f for f in _FIELDS if f not in _TIMES + _DETAIL + ("value", "retraction", "notify_owner"))
_AUDIT_COLUMNS = ("seq", "at", "subject", "agency", "roles", "purpose", "operation", "variables_digest", "returned", "outcome", "prev", "hash")
# Bounds that stand for "no bound": the same length as the real values (Neo4j also plans again
# for a parameter whose size falls in another size bucket), beyond every real one.
_AFTER_ALL = "9999-99-99T99:99:99.999Z"  # after every format_time string
_BEFORE_ALL = "0000-00-00T00:00:00.000Z"  # before every format_time string
_KEY_AFTER_ALL = "9999-99-99T99:99:99.999999Z"  # after every time_key
_KEY_BEFORE_ALL = "0000-00-00T00:00:00.000000Z"  # before every time_key
# Pads lists so that they are never empty (an empty list is a parameter of another type): not a
# valid scope expression, so never a stored assertion's scope (the stores could not read it),
# nor a predicate, kind or assertion id.
NEVER = ")"
_PAGE = 5000
# Above this many assertions an append is staged (see Neo4jStore._append_staged): Neo4j holds
# each written assertion in transaction memory until commit (about 6 KB each, measured: a
# 1 GB heap refuses one transaction of ~120,000), so a large import cannot be one transaction.
STAGE_ABOVE = 20_000
_WRITERS = 2  # threads writing a staged import's batches side by side (Neo4j writes a transaction on one core)
_AHEAD = 2  # batches an import validates ahead of those being written (bounded memory)
ABANDONED_AFTER = timedelta(minutes=10)  # an unpublished import not heard from for this long is removed
# A read over many entities (their kinds, family links, one predicate of each) is split into
# READ_PARTS queries run side by side above SPLIT_ABOVE ids: Neo4j Community runs a query on
# one core, and a pattern's reads of thousands of entities are index seeks each answers
# independently. Measured at large-la (kinds of 3,866 entities): 51 ms as one query, 36 ms as two.
READ_PARTS = 2
SPLIT_ABOVE = 512
# Reads kept by the read cache (read_cache.py), per reader: entity reads (a child's can hold
# hundreds of assertions), entities' kinds and their family links from their own end (a
# pattern over a 90-day window at large-la reads the kinds of ~10,000 entities).
KEPT = {"entity": 4096, "kind": 65_536, "family": 65_536}


def _padded(values: list[str]) -> list[str]:
    """At least two elements (lists of one element are planned apart from longer ones)."""
    return values + [NEVER] * (2 - len(values)) if len(values) < 2 else values


def time_key(value: datetime) -> str:
    """Fixed-width UTC text with microseconds: lexicographic order is time order, exactly."""
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _time_keys(start: Optional[datetime], end: Optional[datetime]) -> tuple[str, str]:
    """A window as time-key bounds for the (predicate, moment) index; an open end is a sentinel."""
    return _KEY_BEFORE_ALL if start is None else time_key(start), _KEY_AFTER_ALL if end is None else time_key(end)


def _time_windows(start: Optional[datetime], end: Optional[datetime], parts: int) -> list[tuple[str, str]]:
    """_time_keys of the window cut into `parts` adjacent windows of equal length (both ends
    given; else the window whole). Time keys are on a microsecond grid, so a window ending at
    a cut and the next starting a microsecond after it leave no key out and hold none twice."""
    if start is None or end is None or parts < 2 or end <= start:
        return [_time_keys(start, end)]
    cuts = [start + (end - start) * i / parts for i in range(1, parts)]
    lows = [start] + [cut + timedelta(microseconds=1) for cut in cuts]
    return [(time_key(low), time_key(high)) for low, high in zip(lows, cuts + [end])]


def _id_parts(parts: int) -> list[tuple[list[str], bool]]:
    """Ids cut into `parts` parts by their last character, as ($tails, $inside) for a query's
    `(right(id, 1) IN $tails) = $inside`: part k < parts - 1 holds the ids ending in an ASCII
    character whose code is k modulo parts, the last part every other id. Every id is in exactly
    one part, and ids ending in digits, hex or letters spread about evenly."""
    if parts < 2:
        return [([], False)]
    split = [[c for c in map(chr, range(32, 127)) if ord(c) % parts == k] for k in range(parts - 1)]
    return [(tails, True) for tails in split] + [([c for tails in split for c in tails], False)]


def _both_ends(people: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """GraphStore.families from family links read from their subjects' end: each person's
    relatives among `people` (base.among), whichever end of a link they are at."""
    relatives: dict[str, set[str]] = defaultdict(set)
    for subject, object_ in links:
        relatives[subject].add(object_)
        relatives[object_].add(subject)
    return among(list(people), relatives)


def _floor_ms(value: Optional[datetime]) -> Optional[str]:
    """A bound for `stored <= value` over millisecond-precision stored times (format_time
    truncates, so this is exact: stored <= value iff stored <= floor_ms(value))."""
    return format_time(value)


def row_of(a: Assertion) -> dict[str, Any]:
    """An assertion as its node's properties (a missing one is not set). The staged import and
    the initial load (initial_load.py) write every node from this, a few million at a time:
    plain attribute reads, and orjson for the provenance detail (the standard library's
    encoder was a third of this function's time)."""
    row: dict[str, Any] = {name: value for name in _PLAIN if (value := getattr(a, name)) is not None}
    # The times (_TIMES) one by one rather than in a loop: 7% of this function's time.
    if (when := a.valid_from) is not None:
        row["valid_from"] = format_time(when)
    if (when := a.valid_to) is not None:
        row["valid_to"] = format_time(when)
    row["recorded_at"] = format_time(a.recorded_at)
    if a.value is not None:
        row["value"] = json.dumps(a.value)
    row["retraction"], row["notify_owner"] = bool(a.retraction), bool(a.notify_owner)
    # Index keys, mirroring the embedded store's projection exactly.
    predicate = a.predicate
    if predicate in DATED:
        row["moment"] = time_key(moment(a))
    if predicate in _EXACT:
        row["vkey"] = json.dumps(a.value)
    if predicate in _TEXT:
        row["text"] = str(a.value)
        if predicate == "name":
            row["folded"] = str(a.value).casefold()
    row["detail"] = orjson.dumps({name: value for name in _DETAIL if (value := getattr(a, name)) is not None}).decode()
    return row


def _assertion(props: dict[str, Any]) -> Assertion:
    # Nodes written before `detail` existed carry its fields as properties of their own.
    props = {**props, **json.loads(props["detail"])} if "detail" in props else props
    data = {name: props.get(name) for name in _FIELDS}
    for name in _TIMES:
        if data[name] is not None:
            data[name] = parse_time(data[name])
    data["value"] = None if data["value"] is None else json.loads(data["value"])
    data["retraction"] = bool(data["retraction"])
    data["notify_owner"] = bool(data["notify_owner"])
    return build_assertion(**data)


def _audit(props: dict[str, Any]) -> dict[str, Any]:
    out = {c: props.get(c) for c in _AUDIT_COLUMNS}
    out["roles"] = list(out["roles"] or [])
    out["returned"] = list(out["returned"] or [])
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


_UNAVAILABLE = (ServiceUnavailable, SessionExpired, TransientError, AuthError, ConnectionAcquisitionTimeoutError)


def _abandoned(import_id: str) -> StoreUnavailable:
    """A staged import silent for so long that another store removed it as abandoned."""
    return StoreUnavailable(f"the import {import_id} was removed as abandoned before it could be published; run it again")


def _in_background(batches: Iterable[list[dict[str, Any]]], write: Callable[[list[dict[str, Any]]], None], writers: int) -> int:
    """Write the batches in `writers` threads while this one makes the next (an import's
    validation runs in Python, its writing in Neo4j: the two overlap), at most _AHEAD batches
    ahead. Stops at the first error on either side and raises it once every writer has
    stopped; returns the number of rows written (all of them, or it raises)."""
    ahead: queue.Queue[Optional[list[dict[str, Any]]]] = queue.Queue(maxsize=_AHEAD)
    failed: list[BaseException] = []
    stop = threading.Event()
    queued = 0

    def writer() -> None:
        while (rows := ahead.get()) is not None:
            if failed or stop.is_set():
                continue  # drain, so the other side never blocks on a full queue
            try:
                write(rows)
            except BaseException as exc:
                failed.append(exc)
            # Done with: the driver keeps a query's parameters in reference cycles, which only
            # the collector frees, and bulk.import_file pauses it (heap). Left to it, every
            # batch stayed in memory to the import's end (4.4 of the 7.4 GB peak at large-la).
            rows.clear()

    threads = [threading.Thread(target=writer, name=f"neo4j-import-writer-{i}", daemon=True) for i in range(writers)]
    for thread in threads:
        thread.start()
    try:
        for rows in batches:
            if failed:
                break
            queued += len(rows)  # before the hand-over: a writer empties the batch once written
            ahead.put(rows)
    except BaseException:
        stop.set()
        raise
    finally:
        for _ in threads:
            ahead.put(None)
        for thread in threads:
            thread.join()
    if failed:
        raise failed[0]
    return queued


def _unless_transient(attempt: Callable[[], Any]) -> Any:
    """An auto-commit query's answer, or None after a transient error (a deadlock, a lock
    timeout, a leader switch): the caller then goes the transaction way, which retries.
    An outage is no transient error: it is reported at once, not tried twice."""
    try:
        return attempt()
    except (TransientError, SessionExpired):
        return None


class Neo4jStore(GraphStore):
    """A GraphStore in one Neo4j database (5.x; Community is enough).

    `uri` may be bolt:// (one server) or neo4j:// (routing, for a cluster). `driver` lets
    several stores share one driver (tests): the store then does not close it.
    """

    def __init__(self, uri: str, user: Optional[str] = None, password: Optional[str] = None, database: str = "neo4j", *,
                 driver: Any = None, batch_size: int = _PAGE, retry_seconds: float = 5.0, connect_seconds: float = 5.0,
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

    # -- plumbing
    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        if isinstance(exc, AuthError):
            return StoreUnavailable(f"Neo4j at {self.uri} refused the credentials (check NEO4J_USER / NEO4J_PASSWORD): {_first_line(exc)}")
        return StoreUnavailable(f"Neo4j at {self.uri} (database {self.database!r}) is unavailable: {_first_line(exc)}")

    def _session(self, mode: str = WRITE_ACCESS) -> Any:
        if self._closed:
            raise StoreUnavailable("the Neo4j store has been closed")
        return self._driver.session(database=self.database, bookmark_manager=self._bookmarks, default_access_mode=mode)

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._schema_lock:
            if self._schema_ready:
                return
            try:
                with self._session() as session:
                    # Schema commands run on their own (auto-commit), never inside a data transaction.
                    existing = set(session.run(QUERIES["schema_indexes"]).single()["names"])
                    existing |= set(session.run(QUERIES["schema_constraints"]).single()["names"])
                    missing = [statement for name, statement in CONSTRAINTS if name not in existing]
                    for statement in missing:
                        session.run(statement).consume()
                    if missing:
                        session.run(QUERIES["schema_await"]).consume()
            except _UNAVAILABLE as exc:
                raise self._unavailable(exc) from None
            self._schema_ready = True
        self._discard_abandoned()  # what a killed importer left: its writer is gone, so remove it

    def _run(self, write: bool, work: Callable[[ManagedTransaction], Any]) -> Any:
        return self._in_session(lambda session: session.execute_write(work) if write else session.execute_read(work))

    def _in_session(self, work: Callable[[Any], Any], mode: str = WRITE_ACCESS) -> Any:
        try:
            self._ensure_schema()
            with self._session(mode) as session:
                return work(session)
        except _UNAVAILABLE as exc:
            raise self._unavailable(exc) from None
        except DriverError:
            if self._closed:  # closed by another thread while this call ran
                raise StoreUnavailable("the Neo4j store has been closed") from None
            raise

    def _read(self, query: str, **params: Any) -> list[Any]:
        text = self._queries[query]
        return self._run(False, lambda tx: [r.values() for r in tx.run(text, params)])

    def _view_read(self, query: str, view: Optional[View], **params: Any) -> list[Any]:
        """A read under a view, in one round trip when the cached scopes are current.

        Every view query returns one row: the scope version and the rows. The visible scopes
        are worked out from the cached scope list; if the query reports another version (a
        writer stored a new scope), the scopes are read again and the query re-run, in the same
        transaction."""
        text = self._queries[query]
        fixed = self._reader_params(view)
        auths = None if fixed["trusted"] else frozenset(view.auths)  # type: ignore[union-attr]

        def work(tx: ManagedTransaction) -> list[Any]:
            for _ in range(5):
                version, visible, published = self._visible_scopes(auths)
                record = tx.run(text, {**params, **fixed, "scopes": visible, "published": published}).single()
                if record["scope_version"] == version:
                    return record["rows"]
                self._read_scopes(tx)
            return record["rows"]  # scopes keep arriving: the last answer is as of its own read

        # Nearly always the cached scopes are current and the query is the whole read: sent as
        # one auto-commit query it is one round trip, where a transaction adds BEGIN and COMMIT
        # (~0.8 ms of a ~1.5 ms trivial read here). Stale scopes, or a transient error the
        # transaction function would retry, take the transaction path.
        version, visible, published = self._visible_scopes(auths)
        first = {**params, **fixed, "scopes": visible, "published": published}
        record = self._in_session(lambda session: _unless_transient(lambda: session.run(text, first).single()), READ_ACCESS)
        if record is not None and record["scope_version"] == version:
            return record["rows"]
        return self._run(False, work)

    def _side_by_side(self, reads: list[Callable[[], list[Any]]]) -> list[list[Any]]:
        """The results of these reads, run side by side: the first in this thread, the others
        by the store's readers (Neo4j Community runs each query on one core)."""
        if self._readers is None:
            return [read() for read in reads]
        others = [self._readers.submit(read) for read in reads[1:]]
        first = reads[0]()
        return [first] + [other.result() for other in others]

    def _each_read(self, query: str, view: Optional[View], ids: list[str], **params: Any) -> list[Any]:
        """_view_read of a query over many ids ($ids) whose rows for one id do not depend on the
        others: above split_above ids, split into read_parts reads side by side, their rows
        concatenated in the order of the parts."""
        if self.read_parts == 1 or len(ids) <= self.split_above:
            return self._view_read(query, view, ids=_padded(ids), **params)
        size = -(-len(ids) // self.read_parts)
        parts = [_padded(ids[i:i + size]) for i in range(0, len(ids), size)]
        found = self._side_by_side([functools.partial(self._view_read, query, view, ids=part, **params) for part in parts])
        return [row for rows in found for row in rows]

    def _trusted_read(self, query: str, **params: Any) -> list[Any]:
        """A trusted read outside the scope-versioned queries (log, flagged): the
        published imports are read first, in the same transaction."""
        text = self._queries[query]

        def work(tx: ManagedTransaction) -> list[Any]:
            published = self._read_scopes(tx)
            return [r.values() for r in tx.run(text, {**params, "published": published})]

        return self._run(False, work)

    @staticmethod
    def _reader_params(view: Optional[View]) -> dict[str, Any]:
        """The reader, as parameters of fixed types (strings, booleans, non-empty string lists):
        Neo4j plans a query again for every new combination of parameter types, so "none" is
        a sentinel or a flag, never a null."""
        trusted = view is None or isinstance(view, _Trusted)
        as_of = None if view is None else _floor_ms(view.as_of)
        valid_at = None if view is None else _floor_ms(view.valid_at)
        agency = None if trusted else view.agency  # type: ignore[union-attr]
        subject = None if trusted else view.subject  # type: ignore[union-attr]
        return {
            "trusted": trusted, "scopes": [NEVER, NEVER],
            "as_of": as_of or _AFTER_ALL, "as_of_now": as_of is None,  # no as_of: recorded at any time
            "valid_at_from": valid_at or _AFTER_ALL, "valid_at_to": valid_at or _BEFORE_ALL, "valid_always": valid_at is None,  # no valid_at: always valid
            "has_agency": agency is not None, "agency": agency or "",
            "has_subject": subject is not None, "subject": subject or "",
        }

    def _visible_scopes(self, auths: Optional[frozenset[str]]) -> tuple[Optional[str], list[str], list[str]]:
        """(version, the scopes these auths see, published imports); auths None: trusted."""
        with self._scope_lock:
            version, exprs, visible, published = self._scopes
            if auths is None:
                return version, [NEVER, NEVER], published
            if auths not in visible:
                if len(visible) > 4096:
                    visible.clear()
                visible[auths] = _padded([e for e in exprs if scopes.visible(e, auths)])
            return version, visible[auths], published

    def _read_scopes(self, tx: ManagedTransaction) -> list[str]:
        found = tx.run(self._queries["scopes"]).single()
        published = _padded(sorted(found["published"]))
        with self._scope_lock:
            self._scopes = (found["version"], tuple(sorted(found["exprs"])), {}, published)
        return published

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

    def _append_staged(self, chunks: Iterable[Sequence[Assertion]], audit_entry: Optional[dict] = None) -> int:
        """All or none, in many transactions: every batch carries the import's id and is shown
        to nobody (fragments/shown.cypher, log, count) until one last small transaction
        publishes the import. A failure (in validating a later chunk, or in writing) removes
        what was written; an importer killed outright leaves an unpublished import, removed by
        the next store that finds it abandoned. The audit entry naming the import (by its id,
        which its assertions keep) is sealed in the publishing transaction: the import is shown
        exactly when its entry is in the log.

        The batches are numbered as they are made and written by _WRITERS threads side by side
        while this one validates the next chunk: Neo4j writes a transaction on one core, so
        one writer left the other idle."""
        self._discard_abandoned()
        import_id = uuid.uuid4().hex
        self._write("import_open", id=import_id, now=format_time(utcnow()))
        superseders: list[str] = []
        try:
            batches = self._staged_batches(import_id, chunks, superseders)
            written = _in_background(batches, lambda rows: self._write_staged(import_id, rows), _WRITERS)
            # Batches written side by side do not see each other's nodes: link what supersedes
            # again once all are written (MERGE: a link made already is left as it is).
            for i in range(0, len(superseders), self.batch_size):
                self._write("link_assertions", ids=superseders[i:i + self.batch_size])
            if audit_entry is not None:
                self._flush_outbox()

            def publish(tx: ManagedTransaction) -> bool:
                published = tx.run(self._queries["import_publish"], id=import_id, now=format_time(utcnow())).single()["published"]
                if published and audit_entry is not None:
                    self._seal_under_lock(tx, [audit.naming(audit_entry, count=written, span=f"import {import_id}")])
                faults.point("import.before-publish")
                return published

            published = self._run(True, publish)
            faults.point("import.after-commit")
            self._changed()
            if not published:
                raise _abandoned(import_id)
        except BaseException:
            try:
                self._discard(import_id)
            except Exception as exc:  # the server went away too: the next store removes it
                log.warning("could not remove the failed import %s: %s", import_id, _first_line(exc))
            raise
        return written

    def _staged_batches(self, import_id: str, chunks: Iterable[Sequence[Assertion]], superseders: list[str]) -> Iterator[list[dict[str, Any]]]:
        """The chunks' rows, batch_size at a time, numbered, each carrying the import's id; the
        scopes they use stored first. Appends the ids of those that supersede another."""
        known: set[str] = set()
        batch: list[Assertion] = []
        for chunk in itertools.chain(chunks, [None]):
            if chunk is not None:
                batch.extend(chunk)
            while len(batch) >= self.batch_size or (chunk is None and batch):
                part, batch = batch[:self.batch_size], batch[self.batch_size:]
                if new := {a.scope for a in part} - known:
                    self._write("append_scopes", scopes=sorted(new))
                    known |= new
                base = self._run(True, lambda tx: tx.run(self._queries["reserve_seqs"], n=len(part)).single()["base"])
                superseders.extend(a.id for a in part if a.supersedes)
                yield [{**row_of(a), "seq": base + i, "import_id": import_id} for i, a in enumerate(part, start=1)]

    def _write(self, query: str, **params: Any) -> None:
        self._run(True, lambda tx: tx.run(self._queries[query], params).consume())

    def _write_staged(self, import_id: str, rows: list[dict[str, Any]]) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(self._queries["append_numbered"], rows=rows).consume()
            if not tx.run(self._queries["import_heartbeat"], id=import_id, now=format_time(utcnow())).single()["alive"]:
                raise _abandoned(import_id)  # and this batch is not committed: nothing is left behind

        self._run(True, work)
        faults.point("import.chunk-sent")

    def _discard(self, import_id: str) -> None:
        """Remove an unpublished import's assertions, a slice per transaction; the Import stays,
        marked discarded (import_discard says why)."""
        while self._run(True, lambda tx: tx.run(self._queries["import_discard"], id=import_id, limit=self.batch_size).single()["removed"]):
            pass

    def _discard_abandoned(self) -> None:
        before = format_time(utcnow() - self.abandoned_after)
        for (import_id,) in self._read("imports_abandoned", before=before):
            log.warning("removing the abandoned, unpublished import %s", import_id)
            self._discard(import_id)

    # -- reads
    def assertion(self, assertion_id: str, view: Optional[View] = None) -> Optional[Assertion]:
        found = self._view_read("assertion", view, id=assertion_id)
        return _assertion(found[0]) if found else None

    def assertions(self, assertion_ids: Iterable[str], view: Optional[View] = None) -> dict[str, Assertion]:
        ids = sorted(set(assertion_ids))
        return {props["id"]: _assertion(props) for props in self._each_read("assertions", view, ids)} if ids else {}

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

    def superseders(self, assertion_id: str, view: Optional[View] = None) -> list[Assertion]:
        return [_assertion(a) for a in self._view_read("superseders", view, id=assertion_id)]

    def about(self, entity_id: str, view: Optional[View], predicates: Optional[Iterable[str]] = None, incoming: bool = False) -> list[Assertion]:
        wanted = None if predicates is None else sorted(set(predicates))
        if wanted == []:
            return []
        found = self._view_read("about_incoming" if incoming else "about", view, id=entity_id, any_predicate=wanted is None, predicates=_padded(wanted or []))
        return [_assertion(a) for a in found]

    def dated(self, view: Optional[View], predicates: Iterable[str], start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[Assertion]:
        wanted = sorted(set(predicates) & DATED)
        if not wanted:
            return []
        low, high = _time_keys(start, end)
        return [_assertion(a) for a in self._view_read("dated", view, predicates=_padded(wanted), start=low, end=high)]

    def dated_of_kind(self, view: Optional[View], predicates: Iterable[str], kind: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[Assertion]:
        # The kinds are checked in Neo4j, in read_parts shorter windows side by side (one index
        # seek per subject, on one core each); the parts, adjacent and each in time order, are
        # concatenated in order.
        wanted = sorted(set(predicates) & DATED)
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

    # -- accountability
    def append_decision(self, decision: SharingDecision, audit_entry: Optional[dict] = None) -> None:
        params = {
            "id": decision.id, "share": bool(decision.share), "to_agency": decision.to_agency,
            "to_professional": decision.to_professional, "decided_at": format_time(decision.decided_at),
            "body": json.dumps(decision.to_record()), "assertion_ids": list(decision.assertion_ids),
        }
        self._write_audited("append_decision", params, audit_entry, [decision.id])
        self._changed()

    def decisions(self, assertion_id: Optional[str] = None) -> list[SharingDecision]:
        found = self._read("decisions") if assertion_id is None else self._read("decisions_for", id=assertion_id)
        return [SharingDecision.from_record(json.loads(body)) for (body,) in found]

    def flagged(self, assertion_ids: Iterable[str]) -> list[Assertion]:
        ids = sorted(set(assertion_ids))
        if not ids:
            return []
        found = self._trusted_read("flagged", ids=_padded(ids))
        return sorted((_assertion(a) for (a,) in found), key=lambda a: a.id)

    def append_acknowledgement(self, ack: Acknowledgement, audit_entry: Optional[dict] = None) -> None:
        params = {"id": ack.id, "decision_id": ack.decision_id, "body": json.dumps(ack.to_record())}
        self._write_audited("append_acknowledgement", params, audit_entry, [ack.id])

    def _write_audited(self, query: str, params: dict[str, Any], audit_entry: Optional[dict], names: list[str]) -> None:
        """One write query and, if given, the audit entry naming `names`, in one transaction."""
        if audit_entry is not None:
            self._flush_outbox()

        def work(tx: ManagedTransaction) -> None:
            tx.run(self._queries[query], params).consume()
            if audit_entry is not None:
                self._seal_under_lock(tx, [audit.naming(audit_entry, names)])
            faults.point("write.before-commit")

        self._run(True, work)
        faults.point("write.after-commit")

    def acknowledgements(self, decision_id: Optional[str] = None) -> list[Acknowledgement]:
        found = self._read("acknowledgements_for", decision_id=decision_id) if decision_id else self._read("acknowledgements")
        return [Acknowledgement.from_record(json.loads(body)) for (body,) in found]

    def append_access(self, notifications: Sequence[AccessNotification]) -> None:
        if not notifications:
            return
        rows = [{"id": n.id, "owner_agency": n.owner_agency, "at": format_time(n.at), "body": json.dumps(n.to_record())} for n in notifications]
        if self._outbox is not None:
            self._outbox.record(ACCESS, rows)
        else:
            self._run(True, lambda tx: tx.run(self._queries["append_accesses"], rows=rows).consume())

    def accesses(self, owner_agency: str, start: Optional[datetime] = None, end: Optional[datetime] = None) -> list[AccessNotification]:
        # The embedded store's bounds, exactly: format_time strings, "" and "9999" when open.
        low, high = format_time(start) or "", format_time(end) or "9999"
        self._flush_outbox()
        found = self._read("accesses", owner_agency=owner_agency, low=low, high=high)
        return [AccessNotification.from_record(json.loads(body)) for (body,) in found]

    # -- the audit log
    def audit_append(self, entry: dict) -> dict:
        self._flush_outbox()  # what was recorded before this entry is sealed before it
        return self._audit.append(entry)

    def _flush_outbox(self) -> None:
        """Write what waits in the outbox first: readers of the log and the notices (and a
        writer sealing after them) never miss a record made before they asked."""
        if self._outbox is not None:
            self._outbox.flush()

    def waiting(self) -> int:
        return self._outbox.pending() if self._outbox is not None and not self._closed else 0

    def audit_record(self, entry: dict) -> None:
        if self._outbox is None:
            super().audit_record(entry)
        else:
            self._outbox.record(AUDIT, [entry])

    def _seal(self, tx: Any, entries: list[dict], head: Optional[tuple[int, str]], force: bool) -> Optional[list[dict]]:
        """Store `entries` sealed after `head` (seq, hash), if the log's head is still there
        (or `force`: the caller read it under its lock); None if another writer moved it."""
        stored = audit.seal_after(entries, head)
        expected_seq, expected_hash = head or (0, "")
        found = tx.run(self._queries["audit_seal"], force=force, expected_seq=expected_seq, expected_hash=expected_hash,
                       seq=stored[-1]["seq"], hash=stored[-1]["hash"], entries=[{c: s[c] for c in _AUDIT_COLUMNS} for s in stored]).single()
        return stored if found is not None and found["fresh"] else None

    def _seal_under_lock(self, tx: Any, entries: list[dict]) -> list[dict]:
        head = tx.run(self._queries["audit_head"]).single()  # locks the log until commit
        stored = self._seal(tx, entries, (head["seq"], head["hash"]) if head else None, True)
        assert stored is not None  # forced, and audit_head made the head node
        return stored

    def _drain_outbox(self, outbox: str, numbered: Numbered) -> None:
        """A local outbox's records written here, with the outbox's mark, in one transaction;
        those the mark says were written already are left out."""

        def work(tx: ManagedTransaction) -> None:
            drained = tx.run(self._queries["outbox_claim"], outbox=outbox).single()["drained"]
            fresh = [(kind, record) for n, kind, record in numbered if n > drained]
            entries = [record for kind, record in fresh if kind == AUDIT]
            if entries:
                self._seal_under_lock(tx, entries)
            accesses = [record for kind, record in fresh if kind == ACCESS]
            if accesses:
                tx.run(self._queries["append_accesses"], rows=accesses).consume()
            tx.run(self._queries["outbox_mark"], outbox=outbox, drained=max(drained, numbered[-1][0])).consume()

        self._run(True, work)

    def _commit_audit(self, entries: list[dict]) -> list[dict]:
        """One query when the log's head is where this store last left it (nearly always: it is
        then the only writer); otherwise the head is read under its lock and the entries
        sealed after it, in the same transaction."""
        tail = self._audit_tail
        # The one query alone is its own transaction (auto-commit): one round trip, where a
        # transaction adds BEGIN and COMMIT. A transient error goes the transaction's way,
        # which retries (had the query committed after all, its entries are stored twice: the
        # log can say too much, never too little).
        stored = None
        if tail is not None:
            stored = self._in_session(lambda session: _unless_transient(lambda: self._seal(session, entries, tail, False)))
        if stored is None:
            stored = self._run(True, lambda tx: self._seal_under_lock(tx, entries))
        # Only once committed; GroupCommit runs one commit at a time.
        self._audit_tail = (stored[-1]["seq"], stored[-1]["hash"])
        return stored

    def _pages(self, query: str, convert: Callable[[dict[str, Any]], Any], read: Optional[Callable[..., list[Any]]] = None) -> Iterator[Any]:
        """Everything in seq order, a page per transaction; the first page is read now (so an
        outage raises here), the rest as the caller iterates."""
        read = read or self._read
        first = read(query, after=0, limit=_PAGE)

        def pages() -> Iterator[Any]:
            page = first
            while True:
                for (props,) in page:
                    yield convert(props)
                if len(page) < _PAGE:
                    return
                page = read(query, after=page[-1][0]["seq"], limit=_PAGE)

        return pages()

    def audit_entries(self) -> Iterator[dict]:
        self._flush_outbox()
        return self._pages("audit_entries", _audit)

    def audit_for(self, assertion_id: str) -> list[dict]:
        self._flush_outbox()
        return [_audit(e) for (e,) in self._read("audit_for", id=assertion_id)]

    # -- whole-store
    def log(self) -> Iterator[Assertion]:
        return self._pages("log", _assertion, self._trusted_read)

    def count(self) -> int:
        # A write transaction: count.cypher locks the unpublished imports before it counts.
        return self._run(True, lambda tx: tx.run(self._queries["count"]).single()["n"])

    def holds_anything(self) -> bool:
        """Whether the database holds any node (store/initial_load.py loads only an empty one)."""
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

"""Running the Neo4j store's queries: sessions and managed transactions, the schema applied
first, the driver's errors as StoreUnavailable, and reads under a reader's view.

Each call is one managed transaction (session.execute_read / execute_write, retried by the
driver on transient errors); losing the server raises StoreUnavailable with a one-line message,
and the driver's pool reconnects by itself when Neo4j is back.

Visibility is decided inside each query, before anything is ordered or counted: the store
knows the (few) distinct scope expressions, works out in Python which of them the reader's
auths satisfy (scope.visible) and passes that list as ``$scopes``; sharing decisions widen it
inside the query. The scope list is cached with a version (fragments/scope_version.cypher) that
every such query returns: when another writer has stored a new scope, the store reads the
scopes again and re-runs the query in the same transaction.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Callable, Iterator, Optional

from neo4j import READ_ACCESS, WRITE_ACCESS, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ConnectionAcquisitionTimeoutError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from ... import scope as scopes
from ...model import _Trusted, View
from ..base import StoreUnavailable
from .queries import CONSTRAINTS, QUERIES
from .rows import _AFTER_ALL, _BEFORE_ALL, NEVER, _floor_ms, _padded

PAGE = 5000


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


_UNAVAILABLE = (ServiceUnavailable, SessionExpired, TransientError, AuthError, ConnectionAcquisitionTimeoutError)


def _unless_transient(attempt: Callable[[], Any]) -> Any:
    """An auto-commit query's answer, or None after a transient error (a deadlock, a lock
    timeout, a leader switch): the caller then goes the transaction way, which retries.
    An outage is no transient error: it is reported at once, not tried twice."""
    try:
        return attempt()
    except (TransientError, SessionExpired):
        return None


def _set_source_refs(session: Any) -> int:
    """Give each assertion that keeps its source_ref only in `detail` (written before the
    assertion_source index) the property, a page at a time in seq order; how many were given it.
    Run once, when the index is made: every node written since carries the property."""
    after, given = 0, 0
    while True:
        page = session.execute_read(lambda tx: [r.values() for r in tx.run(QUERIES["source_refs_unset"], after=after, limit=PAGE)])
        if not page:
            return given
        found = ((assertion_id, json.loads(detail).get("source_ref")) for _, assertion_id, detail in page if detail is not None)
        rows = [{"id": assertion_id, "source_ref": source_ref} for assertion_id, source_ref in found if source_ref is not None]
        if rows:
            session.execute_write(lambda tx: tx.run(QUERIES["source_refs_set"], rows=rows).consume())
            given += len(rows)
        after = page[-1][0]


class Sessions:
    """The store's way to Neo4j, for Neo4jStore (which sets these attributes up); schema
    checks end by removing abandoned imports (StagedImport._discard_abandoned)."""

    uri: str
    database: str
    _driver: Any
    _bookmarks: Any
    _closed: bool
    _queries: dict[str, str]
    _schema_lock: threading.Lock
    _schema_ready: bool
    _scope_lock: threading.Lock
    _scopes: tuple[Optional[str], tuple[str, ...], dict[frozenset[str], list[str]], list[str]]

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
                    if "assertion_source" not in existing:  # first, so an interrupted backfill is run again
                        _set_source_refs(session)
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

    def _write(self, query: str, **params: Any) -> None:
        self._run(True, lambda tx: tx.run(self._queries[query], params).consume())

    def _pages(self, query: str, convert: Callable[[dict[str, Any]], Any], read: Optional[Callable[..., list[Any]]] = None) -> Iterator[Any]:
        """Everything in seq order, a page per transaction; the first page is read now (so an
        outage raises here), the rest as the caller iterates."""
        read = read or self._read
        first = read(query, after=0, limit=PAGE)

        def pages() -> Iterator[Any]:
            page = first
            while True:
                for (props,) in page:
                    yield convert(props)
                if len(page) < PAGE:
                    return
                page = read(query, after=page[-1][0]["seq"], limit=PAGE)

        return pages()

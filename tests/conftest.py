"""Shared fixtures. Tests that take `store` (or `store_factory`) run against every backend:
the embedded store and a real Neo4j, as `test_x[embedded]` and `test_x[neo4j]`.

The Neo4j is one server for the whole session: tests/neo4j/server.py starts Neo4j 5.26 in a
JVM on a loopback port, or NEO4J_URI (with NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE) names
one to use. Each test gets an empty database. Without a Neo4j the neo4j tests are skipped with
the reason, unless GRAPHSVC_REQUIRE_NEO4J=1, when they fail.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Callable, Optional

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # the helper modules beside the tests

from graphsvc.store import EmbeddedStore  # noqa: E402
from graphsvc.store.base import GraphStore  # noqa: E402

BACKENDS = ["embedded", "neo4j"]

# Tests that take `store` but inspect the embedded store's own file (SQLite triggers and the
# like): nothing to ask of Neo4j there.
EMBEDDED_ONLY = {
    "test_append_only_at_the_database_level": "reads the embedded store's SQLite file",
    "test_an_export_for_another_agency_honours_handling": "runs the CLI on the store's file path",
}

# Marks an external database (NEO4J_URI) as one the tests may empty.
TEST_MARKER = "GraphsvcTestDatabase"


def pytest_configure(config):
    config.addinivalue_line("markers", "backend(name): the store backend a test runs against (set by the store fixtures)")


def _harness():
    # Loaded by path: tests/neo4j must never become a package (it would shadow the driver).
    name = "graphsvc_tests_neo4j_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "neo4j" / "server.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


class Neo4jForTests:
    """The session's Neo4j: one server, one driver, emptied before each test."""

    def __init__(self) -> None:
        self.reason: Optional[str] = None
        self.server = None
        self.driver = None
        self.database = os.environ.get("NEO4J_DATABASE") or "neo4j"
        uri, self.server, self.reason = _harness().neo4j_uri_for_tests()
        self.uri = uri or ""
        if self.reason:
            return
        try:
            self._connect()
            if self.server is None:
                self._check_it_may_be_emptied()
        except Exception as exc:
            self.reason = f"Neo4j at {self.uri} cannot be used: {type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"
            self.close()

    def _connect(self) -> None:
        from neo4j import GraphDatabase

        user = os.environ.get("NEO4J_USER")
        auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user and self.server is None else None
        self.driver = GraphDatabase.driver(self.uri, auth=auth, notifications_min_severity="OFF",
                                           max_transaction_retry_time=5.0, connection_timeout=10.0)
        self.driver.verify_connectivity()

    def reconnect(self) -> None:
        """A new driver, after the database was replaced by an offline load: the old driver's
        execute_query bookmarks name transactions of the database that is gone, and a new one
        numbers its transactions from the start again, so every query would wait on them."""
        self.driver.close()
        self._connect()

    def _check_it_may_be_emptied(self) -> None:
        """Never wipe a database the tests did not set up: NEO4J_URI must name an empty one."""
        records, _, _ = self.driver.execute_query(
            f"CALL () {{ MATCH (n) WHERE NOT n:{TEST_MARKER} RETURN count(n) > 0 AS used }} "
            f"RETURN used, EXISTS {{ MATCH (:{TEST_MARKER}) }} AS ours", database_=self.database)
        if records[0]["used"] and not records[0]["ours"]:
            raise RuntimeError(f"database {self.database!r} is not empty and was not set up by these tests; "
                               "point NEO4J_URI / NEO4J_DATABASE at a scratch database")

    def empty(self) -> None:
        with self.driver.session(database=self.database) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
            if self.server is None:
                session.run(f"MERGE (:{TEST_MARKER})").consume()

    def store(self, outbox: Optional[Path] = None, cache_poll_seconds: Optional[float] = None) -> GraphStore:
        from graphsvc.store.neo4j import Neo4jStore

        self.empty()
        # replan=skip: the database is emptied and refilled for every test, and Neo4j would
        # otherwise plan its queries again each time the statistics jump (same answers, slower).
        return Neo4jStore(self.uri, database=self.database, driver=self.driver, replan="skip", outbox=outbox,
                          cache_poll_seconds=cache_poll_seconds)

    def close(self) -> None:
        if self.driver is not None:
            self.driver.close()
            self.driver = None
        if self.server is not None:
            self.server.close()
            self.server = None


@pytest.fixture(scope="session")
def neo4j_for_tests():
    n = Neo4jForTests()
    yield n
    n.close()


def need_neo4j(n: Neo4jForTests) -> Neo4jForTests:
    if n.reason:
        if os.environ.get("GRAPHSVC_REQUIRE_NEO4J") == "1":
            pytest.fail(f"GRAPHSVC_REQUIRE_NEO4J=1 but no Neo4j: {n.reason}", pytrace=False)
        pytest.skip(f"no Neo4j: {n.reason}")
    return n


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    if request.param == "neo4j" and request.node.originalname in EMBEDDED_ONLY:
        pytest.skip(f"embedded only: {EMBEDDED_ONLY[request.node.originalname]}")
    return request.param


@pytest.fixture
def store_factory(backend, request, tmp_path, tmp_path_factory) -> Callable[[], GraphStore]:
    """Each call gives a new, empty store of this test's backend.

    Neo4j has one database here, so on neo4j a new store empties it: the stores of one test
    are to be used one after another, never side by side.
    """
    opened: list[GraphStore] = []
    neo4j = need_neo4j(request.getfixturevalue("neo4j_for_tests")) if backend == "neo4j" else None

    def make() -> GraphStore:
        if neo4j is not None:
            for earlier in opened:  # what they recorded goes to the database they were made for
                earlier.flush()
            # As `graphsvc serve` opens it: audit entries and owner notifications through an
            # outbox, entity reads kept until the database changes.
            s = neo4j.store(tmp_path_factory.mktemp("outbox") / "outbox", cache_poll_seconds=0.1)
        else:  # the first at tmp_path/store.db, as tests that run the CLI on it expect
            s = EmbeddedStore((tmp_path_factory.mktemp("store") if opened else tmp_path) / "store.db")
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


@pytest.fixture
def store(store_factory) -> GraphStore:
    return store_factory()


@pytest.fixture
def live(store, tmp_path):
    from live import LiveServer, make_service

    # The path keys the local token signer and the pseudonym key (beside the store, or a
    # stand-in beside nothing for Neo4j); the data is wherever the store keeps it.
    db = getattr(store, "path", None) or tmp_path / "store.db"
    with LiveServer(make_service(store, db), db) as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server for the leak properties, one per test module: each example points it at
    the stores it builds (server.service.store), so its own stand-in store is never read."""
    from live import LiveServer, make_service

    db = tmp_path_factory.mktemp("property") / "base.db"
    base = EmbeddedStore(db)
    with LiveServer(make_service(base, db), db, check_audit=False) as live:
        yield live
    base.close()

"""Smoke test of the in-process Neo4j harness (server.py) against a real Neo4j 5.26.

Skips when no server can be started (no Java, no Maven, ...), unless
GRAPHSVC_REQUIRE_NEO4J=1, in which case it fails with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import ServiceUnavailable

pytestmark = pytest.mark.neo4j


def _load_server_module():
    # Loaded by path under a unique name: a module called plain "server" could
    # clash with others, and tests/neo4j must never become a package "neo4j"
    # (that would shadow the driver), so no __init__.py here.
    name = "graphsvc_tests_neo4j_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("server.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


harness = _load_server_module()


@pytest.fixture(scope="module")
def server():
    srv = harness.Neo4jServer()
    try:
        srv.start()
    except Exception as exc:  # reported by each test: fail or skip
        srv.close()
        yield f"{type(exc).__name__}: {exc}"
        return
    print(f"\nNeo4j up at {srv.uri} in {srv.startup_seconds:.1f} s (data {srv.data_dir})")
    yield srv
    srv.close()


def _need(server) -> "harness.Neo4jServer":
    if isinstance(server, str):
        if os.environ.get("GRAPHSVC_REQUIRE_NEO4J") == "1":
            pytest.fail(f"GRAPHSVC_REQUIRE_NEO4J=1 but no Neo4j: {server}", pytrace=False)
        pytest.skip(f"no Neo4j: {server}")
    return server


def _count(uri: str, key: str) -> int:
    with GraphDatabase.driver(uri, auth=None) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:HarnessSmoke {key: $key}) RETURN count(n) AS c", key=key)
    return records[0]["c"]


def test_bolt_roundtrip(server):
    srv = _need(server)
    key = uuid.uuid4().hex
    with GraphDatabase.driver(srv.uri, auth=None) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS x")
        assert records[0]["x"] == 1
        assert driver.get_server_info().agent.startswith("Neo4j/5.26.")
        driver.execute_query("CREATE (:HarnessSmoke {key: $key, name: 'a'})", key=key)
        records, _, _ = driver.execute_query(
            "MATCH (n:HarnessSmoke {key: $key}) RETURN n.name AS name", key=key)
        assert [r["name"] for r in records] == ["a"]


def test_stop_start_keeps_port_and_data_then_close(server):
    srv = _need(server)
    key = uuid.uuid4().hex
    with GraphDatabase.driver(srv.uri, auth=None) as driver:
        driver.execute_query("CREATE (:HarnessSmoke {key: $key})", key=key)
    uri, data_dir = srv.uri, srv.data_dir

    srv.stop()
    assert not srv.running
    with GraphDatabase.driver(uri, auth=None, connection_timeout=5) as driver:
        with pytest.raises(ServiceUnavailable):
            driver.verify_connectivity()

    srv.start()
    assert (srv.uri, srv.data_dir) == (uri, data_dir)
    assert _count(srv.uri, key) == 1

    srv.close()
    assert not srv.running
    assert not data_dir.exists()


def test_env_uri_wins(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://example.invalid:7687")
    assert harness.neo4j_uri_for_tests() == ("bolt://example.invalid:7687", None, None)

"""The offline initial load (graphsvc initial-load, store/neo4j/initial_load.py) against a real Neo4j:
the harness's server is stopped, loaded by Neo4j's own import tool and started again
(tests/neo4j/control.py). What it loads must be what `graphsvc import` would have stored:
the same nodes, property for property, the same answers, the same refusals."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import records as r
from conftest import need_neo4j
from graphsvc import audit, cli
from graphsvc.bulk import import_file
from graphsvc.ingest import IngestError, prepare
from graphsvc.store import EmbeddedStore
from graphsvc import initial_load
from graphsvc.store.neo4j import Neo4jStore
from graphsvc.store.neo4j.initial_load import COLUMNS
from graphsvc.store.neo4j.rows import row_of

# Strings the CSV must carry exactly: quotes, the delimiters, line breaks, the import tool's
# array delimiter, blanks, an empty string, non-ASCII, a backslash before a quote.
HOSTILE = ['', ' ', '"', '""', 'a,b', 'a;b', 'line\nbreak', 'cr\rlf\r\n', '\\"', "it's", '  padded  ', 'Zoë Ångström',
           '名前', '\t', 'emoji 🙂', 'x"y"z', ',', '\\', 'null', 'NULL', 'true']


@pytest.fixture
def harness(neo4j_for_tests):
    n = need_neo4j(neo4j_for_tests)
    if n.server is None:
        pytest.skip("NEO4J_URI names a server these tests cannot stop and restart")
    n.empty()
    # Transactions through the shared driver, as a full test run has made before this point: its
    # bookmarks are then ahead of any transaction the loaded database has (see reconnect).
    for _ in range(150):
        n.driver.execute_query("CREATE (:Warm)", database_=n.database)
    n.driver.execute_query("MATCH (n) DETACH DELETE n", database_=n.database)  # the load needs no node at all
    return n


def _records(seed: int) -> list[dict]:
    """People named with hostile strings (a name's value is also its folded, indexed text), a
    date of birth (an exact-value key), links, a correction (a SUPERSEDES link) and a
    retraction, over several scopes."""
    rng = random.Random(seed)
    out: list[dict] = [r.entity("place-1", "address", attributes={"description": "a flat, \"top floor\"\nback door"})]
    for i, text in enumerate(HOSTILE + ["".join(rng.choice('a"\n,;\\ é') for _ in range(rng.randint(0, 12))) for _ in range(20)]):
        scope = rng.choice(["", "police", "health&police", text and "police|health"])
        out.append(r.entity(f"child-{i}", "child", scope=scope, attributes={"name": f"{text}{i}", "date_of_birth": "2012-03-04"}))
        out.append(r.link(f"child-{i}", "lives_at", "place-1", recorded_at="2024-01-02T03:04:05.678Z"))
    first = r.value("child-0", "name", "first spelling", source_ref="POL-NAME-1")
    out.append(first)
    return out


def _write(path: Path, rows: list[dict]) -> Path:
    """The records as JSON Lines, each with a recording time (else each reading stamps its own)."""
    rows = [{"recorded_at": "2024-01-02T03:04:05.678Z", **row} for row in rows]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _load(harness, data: Path, folder: Path, tmp_path: Path) -> int:
    try:
        return cli.main(["initial-load", str(data), "--dir", str(folder), "--run", " ".join(map(str, harness.server.load_command)),
                         "--db", str(tmp_path / "keys.db"), "--no-progress"])
    finally:
        harness.reconnect()  # also after a load that raised half-way: the database may be replaced


def test_a_load_stores_exactly_what_an_import_stores(harness, tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", harness.uri)
    data = _write(tmp_path / "in.jsonl", _records(7))
    assert _load(harness, data, tmp_path / "load", tmp_path) == 0

    reference = EmbeddedStore(tmp_path / "ref.db")
    import_file(reference, data)
    expected = list(reference.log())
    store = Neo4jStore(harness.uri)
    try:
        assert list(store.log()) == expected
        # Every node property as the staged import writes it (row_of), numbered in file order.
        nodes = {rec["p"]["id"]: rec["p"] for rec in harness.driver.execute_query(
            "MATCH (a:Assertion) RETURN properties(a) AS p", database_=harness.database).records}
        assert nodes == {a.id: {**row_of(a), "seq": i} for i, a in enumerate(expected, start=1)}
        # The indexes answer: a hostile name found by substring, a date of birth by exact value.
        for name in ('x"y"z', "a,b", "line\nbreak"):
            assert store.search(None, name=name) == reference.search(None, name=name)
        assert store.search(None, date_of_birth="2012-03-04") == reference.search(None, date_of_birth="2012-03-04")
        # Scopes are known to readers, as after an import.
        exprs = {rec[0] for rec in harness.driver.execute_query("MATCH (s:Scope) RETURN s.expr", database_=harness.database).records}
        assert exprs == {a.scope for a in expected}
        # And the load is the first entry of the audit log, loaded with it (one of the nodes the
        # tool wrote: no crash leaves the load without it), naming every assertion by its seq.
        entries = list(store.audit_entries())
        assert [e["operation"] for e in entries] == ["initial load: in.jsonl"]
        assert audit.verify(entries) == (1, None)
        assert (entries[0]["roles"], entries[0]["returned"]) == (["admin"], [])
        assert entries[0]["outcome"] == f"committed: {len(expected)} written, seq 1..{len(expected)}"
        # Later writes number after the load and are read back with it.
        more = _write(tmp_path / "more.jsonl", [r.value("child-1", "name", "second spelling")])
        import_file(store, more)
        assert [a.value for a in store.log()][-1] == "second spelling"
        assert store.count() == len(expected) + 1
    finally:
        store.close()
        reference.close()


def test_supersedes_links_are_loaded(harness, tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", harness.uri)
    first = r.value("child-1", "name", "Ann", source_ref="POL-A")
    rows = [r.entity("child-1", "child"), first]
    data = _write(tmp_path / "in.jsonl", rows)
    # The correction names the first by id: read it from an import of the first two.
    reference = EmbeddedStore(tmp_path / "ref.db")
    import_file(reference, data)
    target = next(a.id for a in reference.log() if a.value == "Ann")
    rows.append({**r.value("child-1", "name", "Anne"), "supersedes": target})
    data = _write(tmp_path / "in.jsonl", rows)
    assert _load(harness, data, tmp_path / "load", tmp_path) == 0
    links = harness.driver.execute_query("MATCH (a:Assertion)-[:SUPERSEDES]->(t:Assertion) RETURN a.value, t.id", database_=harness.database).records
    assert [(rec[0], rec[1]) for rec in links] == [('"Anne"', target)]
    reference.close()


def test_bad_records_are_refused_and_the_database_is_not_touched(harness, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEO4J_URI", harness.uri)
    data = _write(tmp_path / "in.jsonl", [r.entity("child-1", "child"), r.link("child-1", "lives_at", "nowhere")])
    folder = tmp_path / "load"
    started = harness.server.startup_seconds
    assert _load(harness, data, folder, tmp_path) == 1
    assert "line 2" in capsys.readouterr().err
    assert not (folder / initial_load.ARGS).exists()  # nothing a later run could load by mistake
    assert harness.driver.execute_query("MATCH (n) RETURN count(n)", database_=harness.database).records[0][0] == 0
    assert harness.server.startup_seconds == started


def test_a_database_holding_anything_is_refused(harness, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEO4J_URI", harness.uri)
    store = Neo4jStore(harness.uri)
    import_file(store, _write(tmp_path / "first.jsonl", [r.entity("child-1", "child")]))
    before = store.count()
    store.close()
    data = _write(tmp_path / "in.jsonl", [r.entity("child-2", "child")])
    assert _load(harness, data, tmp_path / "load", tmp_path) == 1
    assert "not empty" in capsys.readouterr().err
    store = Neo4jStore(harness.uri)
    assert store.count() == before
    store.close()


def test_an_export_file_is_refused(tmp_path):
    data = _write(tmp_path / "in.jsonl", [{"type": "stored_assertion", "id": "a-1"}])
    with pytest.raises(IngestError, match="export"):
        initial_load.write(data, tmp_path / "load")


def test_a_failing_load_command_is_reported(tmp_path):
    data = _write(tmp_path / "in.jsonl", [r.entity("child-1", "child")])
    initial_load.write(data, tmp_path / "load")
    with pytest.raises(initial_load.LoadError, match="exited with 3: no room"):
        initial_load.run(["sh", "-c", "echo no room >&2; exit 3", "load"], tmp_path / "load")
    with pytest.raises(initial_load.LoadError, match="no import.args"):
        initial_load.run(["true"], tmp_path)


def test_every_property_a_node_gets_has_a_column(tmp_path):
    """row_of's properties are the load's columns: a property added there and not here would
    be refused by the load (LoadError), never silently dropped."""
    for a in prepare(enumerate(_records(3), start=1), initial_load.LoadFiles(tmp_path)):
        assert set(row_of(a)) <= {name for name, _ in COLUMNS}

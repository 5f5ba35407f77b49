"""A write and the audit entry naming it commit together (ARCHITECTURE.md #6): kill -9 at each
step of each kind of write and of an import (the named points of graphsvc/faults.py, armed by
GRAPHSVC_FAULT in a real process), reopen, and every committed assertion, decision and
acknowledgement is named by an entry committed with it, every such entry names what is there,
and `graphsvc audit verify` passes. And audit commits, the outbox's included, use
synchronous=FULL (durable through a power cut, not only a killed process)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any, Optional

import pytest

from conftest import need_neo4j
from graphsvc import audit
from graphsvc.store import EmbeddedStore
from records import big_file

pytestmark = pytest.mark.slow

# One "request" per run: five writes, each with its entry (the points pass once per write, in
# this order), then the request's own entry. Args: store kind, db, neo4j uri, database, tag.
WORKER = textwrap.dedent('''
    import sys
    from graphsvc import sharing, writing
    from graphsvc.principal import Principal
    from graphsvc.store import EmbeddedStore
    kind, db, uri, database, tag = sys.argv[1:6]
    if kind == "embedded":
        store = EmbeddedStore(db)
    else:
        from graphsvc.store.neo4j import Neo4jStore
        store = Neo4jStore(uri, database=database, outbox=db + ".outbox", replan="skip")
    police = Principal(f"pc-{tag}", "police", frozenset({"practitioner"}), frozenset({"police"}), "s47 enquiry")
    health = Principal(f"hv-{tag}", "health", frozenset({"practitioner"}), frozenset({"health"}), "s47 enquiry")
    made = writing.record(store, police, [
        {"type": "entity", "id": f"child-{tag}", "kind": "child", "attributes": {"name": f"Kim {tag}"},
         "source_ref": f"POL-{tag}", "method": "observed", "status": "fact", "scope": "police"}])
    name = next(a for a in made if a.predicate == "name")
    fixed = writing.correct(store, police, name.id, value=f"Kim Testperson {tag}")
    writing.retract(store, police, fixed.id, "recorded in error")
    decision = sharing.record_decision(store, police, sharing.DecisionInput(
        share=True, assertion_ids=[name.id], to_agency="health", purpose="s47 enquiry", lawful_basis="art6_1e_public_task",
        consent="not_sought", consent_reason="would place the child at risk", person_informed=True, reasons="risk"))
    sharing.acknowledge(store, health, decision.id, True, True, "planned", "home visit")
    store.audit_record({"at": "2026-03-01T00:00:00.000Z", "subject": police.subject, "agency": "police", "roles": ["practitioner"],
                        "purpose": "s47 enquiry", "operation": "-: record", "variables_digest": None, "returned": [name.id], "outcome": "200 OK"})
    store.close()
''')
WRITES = 5
WRITE_POINTS = [f"{point}#{n}" for n in range(1, WRITES + 1) for point in ("write.before-commit", "write.after-commit")]
EMBEDDED_IMPORT_POINTS = ["import.chunk-sent#1", "import.chunk-sent#3", "log-writer.before-commit", "log-writer.after-commit", "import.after-commit"]
NEO4J_IMPORT_POINTS = ["import.chunk-sent#1", "import.chunk-sent#4", "import.before-publish", "import.after-commit"]
SPAN = re.compile(r"^committed: (\d+) written, (?:seq (\d+)\.\.(\d+)|import (\w+))$")


def _run(args: list[str], fault: Optional[str], extra_env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GRAPHSVC_FAULT"}
    env.update(extra_env or {})
    if fault:
        env["GRAPHSVC_FAULT"] = fault
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)


class Target:
    """One store, as the worker and the command line open it, and as the checks read it."""

    def __init__(self, kind: str, db: Path, n4: Any = None):
        self.kind, self.db, self.n4 = kind, db, n4

    @property
    def env(self) -> dict[str, str]:
        if self.kind == "embedded":
            return {"GRAPHSVC_STORE": "embedded"}
        return {"GRAPHSVC_STORE": "neo4j", "NEO4J_URI": self.n4.uri, "NEO4J_DATABASE": self.n4.database, "GRAPHSVC_OUTBOX": f"{self.db}.outbox"}

    def writes(self, tag: str, fault: Optional[str]) -> subprocess.CompletedProcess:
        uri, database = (self.n4.uri, self.n4.database) if self.n4 else ("", "")
        return _run([sys.executable, "-c", WORKER, self.kind, str(self.db), uri, database, tag], fault)

    def cli(self, *args: str, fault: Optional[str] = None) -> subprocess.CompletedProcess:
        return _run([sys.executable, "-m", "graphsvc.cli", *args, "--db", str(self.db)], fault, self.env)

    def open(self) -> Any:
        if self.kind == "embedded":
            return EmbeddedStore(self.db)
        from graphsvc.store.neo4j import Neo4jStore  # reopened: what the killed one left in its outbox is sent
        return Neo4jStore(self.n4.uri, database=self.n4.database, driver=self.n4.driver, replan="skip", outbox=f"{self.db}.outbox",
                          abandoned_after=timedelta(0))

    def positions(self, store: Any) -> dict[str, Any]:
        """Each stored assertion's place: its log seq (embedded), its import's id or None (Neo4j)."""
        if self.kind == "embedded":
            with sqlite3.connect(self.db) as db:
                return dict(db.execute("SELECT id, seq FROM assertions"))
        shown = {a.id for a in store.log()}  # published only
        rows = self.n4.driver.execute_query("MATCH (a:Assertion) RETURN a.id AS id, a.import_id AS import_id", database_=self.n4.database).records
        return {r["id"]: r["import_id"] for r in rows if r["id"] in shown}


def check(target: Target, context: str) -> tuple[int, int]:
    """Every committed assertion, decision and acknowledgement is named by an entry committed
    with it, each such entry names only what is there, and the chain verifies (in-process and
    through `graphsvc audit verify`). Returns (assertions, write entries)."""
    with target.open() as store:
        entries = list(store.audit_entries())
        assert audit.verify(entries) == (len(entries), None), context
        where = target.positions(store)
        decisions = {d.id for d in store.decisions()}
        acks = {k.id for k in store.acknowledgements()}
    named: set[str] = set()
    spans: list[tuple[int, int]] = []
    imports: set[str] = set()
    writes = [e for e in entries if e["outcome"].startswith(audit.COMMITTED)]
    for e in writes:
        named.update(e["returned"])
        found = SPAN.match(e["outcome"])
        if found:
            count, first, last, import_id = found.groups()
            if import_id:
                imports.add(import_id)
                assert sum(1 for i in where.values() if i == import_id) == int(count), context
            else:
                spans.append((int(first), int(last)))
                assert int(last) - int(first) + 1 == int(count), context
    for assertion_id, place in where.items():
        by_span = (place in imports) if target.kind == "neo4j" else any(a <= place <= b for a, b in spans)
        assert assertion_id in named or by_span, f"{context}: assertion {assertion_id} is named by no audit entry"
    assert (decisions | acks) <= named, f"{context}: a decision or acknowledgement is named by no audit entry"
    # The other way: no entry names a write that is not there.
    assert named <= set(where) | decisions | acks, f"{context}: an entry names {sorted(named - set(where) - decisions - acks)[:3]}, not stored"
    for a, b in spans:
        assert all(i in where.values() for i in (a, b)), context
    verified = target.cli("audit", "verify")
    assert verified.returncode == 0 and "audit log intact" in verified.stdout, f"{context}: {verified.stdout}{verified.stderr}"
    return len(where), len(writes)


@pytest.fixture(params=["embedded", "neo4j"])
def target(request, tmp_path) -> Target:
    if request.param == "embedded":
        return Target("embedded", tmp_path / "store.db")
    n4 = need_neo4j(request.getfixturevalue("neo4j_for_tests"))
    n4.empty()
    return Target("neo4j", tmp_path / "store.db", n4)


def test_a_write_killed_at_any_step_leaves_it_with_its_audit_entry_or_neither(target):
    done = target.writes("clean", None)
    assert done.returncode == 0, done.stderr
    assertions, writes = check(target, "no fault")
    assert (assertions, writes) == (4, WRITES)  # kind + name, correction, retraction; 3 writes of them, a decision, an ack
    for n, fault in enumerate(WRITE_POINTS):
        killed = target.writes(f"run{n}", fault)
        assert killed.returncode == -signal.SIGKILL, f"{fault}: {killed.returncode} {killed.stderr[-2000:]}"
        now, writes_now = check(target, f"killed at {fault}")
        # Killed before a commit, the write is not there; after it, it is, entry and all.
        step, after = int(fault.split("#")[1]), fault.startswith("write.after-commit")
        assert writes_now - writes == step - (0 if after else 1), fault
        writes = writes_now


def test_an_import_killed_at_any_step_leaves_it_with_its_audit_entry_or_neither(target, tmp_path):
    path = big_file(tmp_path / "big.jsonl")
    points = EMBEDDED_IMPORT_POINTS if target.kind == "embedded" else NEO4J_IMPORT_POINTS
    everything = 6000 * 3 + 5999
    for fault in points:
        killed = target.cli("import", str(path), "--no-progress", fault=fault)
        if fault == "log-writer.before-commit":  # the writer is killed: the importer says nothing was imported
            assert killed.returncode == 1 and "nothing was imported" in killed.stderr, killed.stderr
        elif fault == "log-writer.after-commit":  # the writer is killed; the importer finds its commit
            assert killed.returncode == 0, killed.stderr
        else:
            assert killed.returncode == -signal.SIGKILL, f"{fault}: {killed.returncode} {killed.stderr[-2000:]}"
        count, _ = check(target, f"import killed at {fault}")
        assert count in (0, everything), f"{fault}: {count}"
        committed = fault in ("log-writer.after-commit", "import.after-commit")
        assert count == (everything if committed else 0), fault
        if count:
            # The entry names the whole import by its span, in one entry.
            with target.open() as store:
                imports = [e for e in store.audit_entries() if e["operation"] == "import: big.jsonl"]
            assert len(imports) == 1 and SPAN.match(imports[0]["outcome"]), imports
            if target.kind == "embedded":
                target.db.unlink()
                for suffix in ("-wal", "-shm", ".snapshot"):
                    Path(f"{target.db}{suffix}").unlink(missing_ok=True)
            else:
                target.n4.empty()
    done = target.cli("import", str(path), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert check(target, "after the kills, imported whole")[0] == everything


def test_a_small_import_is_named_id_by_id(target, tmp_path):
    path = big_file(tmp_path / "small.jsonl", people=50)
    for fault in ("write.before-commit", "write.after-commit"):
        killed = target.cli("import", str(path), "--no-progress", fault=fault)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        count, _ = check(target, f"small import killed at {fault}")
        assert count == (0 if fault == "write.before-commit" else 50 * 3 + 49)
    with target.open() as store:
        (entry,) = [e for e in store.audit_entries() if e["operation"] == "import: small.jsonl"]
        assert sorted(entry["returned"]) == sorted(a.id for a in store.log()) and entry["outcome"] == "committed: 199 written"


# -- defect 6: synchronous=FULL for audit commits and the outbox


def test_audit_entries_commit_with_synchronous_full(tmp_path):
    with EmbeddedStore(tmp_path / "s.db") as store:
        store.audit_append({"at": "2026-03-01T00:00:00.000Z", "subject": "x", "agency": "police", "roles": [], "purpose": None,
                            "operation": "op", "variables_digest": None, "returned": [], "outcome": "200 OK"})
        # The connection every audit commit (and write) goes through: 2 = FULL, 1 = NORMAL.
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_the_outbox_commits_with_synchronous_full(tmp_path):
    from graphsvc.store.neo4j.outbox import AUDIT, Outbox

    box = Outbox(tmp_path / "outbox", lambda outbox, records: None)
    try:
        box.record(AUDIT, [{"subject": "x"}])
        assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert box._drainer_db.execute("PRAGMA synchronous").fetchone()[0] == 2
    finally:
        box.close()

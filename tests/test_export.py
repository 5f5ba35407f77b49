"""Moving up: export the whole store, import it elsewhere, export again: nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import scenario
from graphsvc.bulk import import_file, import_records
from graphsvc.export import export_all, write_jsonl
from graphsvc.ingest import IngestError
from graphsvc.model import assertion_id
from graphsvc.store import EmbeddedStore
from records import value


def cli(*args):
    result = subprocess.run([sys.executable, "-m", "graphsvc.cli", *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def lines(path):
    return [json.loads(l) for l in path.read_text().splitlines()]


@pytest.fixture
def busy(live, store):
    """A store with assertions, a correction, a share, an acknowledgement, an access notification and an audit trail."""
    scenario.load(store)
    import_records(store, [value("child-1", "looked_after", True, agency="health", source_ref="CP-1", notify_owner=True, handling="no_onward_sharing")])
    decide = """mutation($ids: [ID!]!) { recordSharingDecision(decision: {share: true, assertionIds: $ids, toAgency: "csc", purpose: "strategy",
      lawfulBasis: "dpa2018_sch1_para18_safeguarding", consent: "not_sought", consentReason: "risk", personInformed: true, reasons: "risk to child"}) { id } }"""
    made = live.data(decide, {"ids": [scenario.INTEL]}, auths=["police"])["recordSharingDecision"]
    live.data('mutation($id: ID!) { acknowledge(decisionId: $id, received: true, understood: true, action: "taken", text: "visited") { id } }', {"id": made["id"]}, agency="csc", auths=["csc"])
    live.data('{ person(id: "child-1") { attributes { id } } }', agency="csc", auths=["csc"])
    return live, store


def test_export_import_export_loses_nothing(busy, tmp_path):
    live, store = busy
    first = tmp_path / "first.jsonl"
    with first.open("w") as out:
        write_jsonl(export_all(store), out)
    kinds = {r["type"] for r in lines(first)}
    assert kinds == {"stored_assertion", "stored_decision", "stored_acknowledgement", "stored_access", "audit_entry"}
    target = tmp_path / "target.db"
    cli("import", str(first), "--db", str(target))
    cli("export", "--db", str(target), "--out", str(tmp_path / "second.jsonl"))
    a, b = lines(first), lines(tmp_path / "second.jsonl")
    # The second export is the first plus the target's own audit entry for the import.
    assert b[: len(a)] == a
    assert [(r["type"], r["operation"]) for r in b[len(a):]] == [("audit_entry", "import: first.jsonl")]
    assert cli("audit", "verify", "--db", str(target)).returncode == 0
    with EmbeddedStore(target) as copy:
        assert list(copy.log()) == list(store.log())
        assert copy.decisions() == store.decisions()
        assert copy.entity("child-1", None) == store.entity("child-1", None)


def test_restore_is_idempotent_and_refuses_a_broken_chain(busy, tmp_path):
    live, store = busy
    first = tmp_path / "first.jsonl"
    with first.open("w") as out:
        write_jsonl(export_all(store), out)
    with EmbeddedStore(tmp_path / "t.db") as target:
        import_file(target, first)
        count = target.count()
        assert import_file(target, first).written == 0
        assert target.count() == count
    records = lines(first)
    audit_rows = [i for i, r in enumerate(records) if r["type"] == "audit_entry"]
    records[audit_rows[1]]["purpose"] = "something else"
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(json.dumps(r) + "\n" for r in records))
    with EmbeddedStore(tmp_path / "u.db") as target:
        with pytest.raises(IngestError, match="audit log is broken"):
            import_file(target, broken)
        assert target.count() == 0 and list(target.audit_entries()) == []


def test_an_export_for_another_agency_honours_handling(busy, tmp_path):
    live, store = busy
    flagged = assertion_id("health", "CP-1")
    out = tmp_path / "for-csc.jsonl"
    cli("export", "--db", str(live.db), "--for-agency", "csc", "--out", str(out))
    ids = {r["id"] for r in lines(out)}
    assert flagged not in ids  # health's, no onward sharing
    assert scenario.INTEL not in ids  # police's, originator consent needed
    cli("export", "--db", str(live.db), "--for-agency", "health", "--out", str(out))
    assert flagged in {r["id"] for r in lines(out)}

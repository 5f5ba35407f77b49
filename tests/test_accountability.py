"""Sharing decisions, feedback, owner notification, the audit log and PROV export, over HTTP."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from prov.model import ProvDocument

import scenario
from graphsvc.bulk import import_records
from graphsvc.model import assertion_id
from records import event, value

LINKS = 'query($id: ID!, $asOf: DateTime) { person(id: $id, asOf: $asOf) { links { assertion { id } } } }'
DECIDE = """mutation($d: SharingDecisionInput!) { recordSharingDecision(decision: $d) {
  id share fromAgency decidedBy toAgency lawfulBasis consent assertionIds decidedAt } }"""
PROVENANCE = 'query($id: ID!) { provenance(assertionId: $id) { reachedHubVia sharedVia { id share toAgency } } }'


def decision(**overrides):
    d = {"share": True, "assertionIds": [scenario.INTEL], "toAgency": "csc", "purpose": "Strategy discussion for the child",
         "lawfulBasis": "dpa2018_sch1_para18_safeguarding", "consent": "not_sought", "consentReason": "Seeking consent could increase risk",
         "personInformed": False, "notInformedReason": "Telling the family could increase risk", "reasons": "Adult associating with a child at risk"}
    d.update(overrides)
    return d


@pytest.fixture
def world(live, store):
    scenario.load(store)
    return live


def sees_intel(world, asOf=None, **who):
    links = world.data(LINKS, {"id": "child-1", "asOf": asOf}, **who)["person"]["links"]
    return scenario.INTEL in {l["assertion"]["id"] for l in links}


def test_a_share_widens_visibility_to_exactly_its_recipients(world):
    csc = dict(agency="csc", auths=["csc"], sub="sw-1")
    assert not sees_intel(world, **csc)
    made = world.data(DECIDE, {"d": decision()}, auths=["police"], sub="di-7")["recordSharingDecision"]
    assert (made["fromAgency"], made["decidedBy"], made["toAgency"]) == ("police", "di-7", "csc")
    assert sees_intel(world, **csc)
    assert sees_intel(world, agency="csc", auths=[], sub="sw-2")  # anyone at the recipient agency
    assert not sees_intel(world, agency="health", auths=["health"])
    assert not sees_intel(world, agency="csc", auths=["csc"], asOf="2026-04-15T00:00:00Z")  # not before the decision
    p = world.data(PROVENANCE, {"id": scenario.INTEL}, **csc)["provenance"]
    assert made["id"] in p["reachedHubVia"] and [d["id"] for d in p["sharedVia"]] == [made["id"]]


def test_a_share_to_one_professional(world):
    world.data(DECIDE, {"d": decision(toProfessional="sw-1")}, auths=["police"])
    assert sees_intel(world, agency="csc", auths=["csc"], sub="sw-1")
    assert not sees_intel(world, agency="csc", auths=["csc"], sub="sw-2")


def test_a_decision_not_to_share_changes_no_visibility_but_is_auditable(world):
    made = world.data(DECIDE, {"d": decision(share=False, reasons="Not proportionate at this stage")}, auths=["police"])["recordSharingDecision"]
    assert not sees_intel(world, agency="csc", auths=["csc"])
    q = 'query($share: Boolean) { decisions(share: $share) { id share reasons lawfulBasis } }'
    found = world.data(q, {"share": False}, roles=["auditor"], agency="ig", auths=[])["decisions"]
    assert [(d["id"], d["share"]) for d in found] == [(made["id"], False)]
    assert world.error_code(q, {"share": False}, roles=["practitioner"]) == "FORBIDDEN"


@pytest.mark.parametrize("overrides, words", [
    ({"lawfulBasis": "because"}, "lawfulBasis"),
    ({"consent": "maybe"}, "consent"),
    ({"consentReason": None}, "consentReason"),
    ({"notInformedReason": None}, "notInformedReason"),
    ({"assertionIds": []}, "assertionIds"),
    ({"purpose": " "}, "purpose"),
])
def test_a_decision_must_be_complete(world, store, overrides, words):
    before = len(store.decisions())
    error = world.gql(DECIDE, {"d": decision(**overrides)}, auths=["police"])["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and words in error["message"]
    assert len(store.decisions()) == before


def test_handling_conditions_limit_onward_sharing(world):
    world.data(DECIDE, {"d": decision()}, auths=["police"])
    onward = decision(toAgency="health", assertionIds=[scenario.INTEL])
    error = world.gql(DECIDE, {"d": onward}, agency="csc", auths=["csc"])["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "only police may share it" in error["message"]
    hidden = world.gql(DECIDE, {"d": onward}, agency="health", auths=["health"])["errors"][0]
    assert hidden["extensions"]["code"] == "NOT_FOUND"


def test_acknowledgement_and_the_awaiting_list(world):
    made = world.data(DECIDE, {"d": decision()}, auths=["police"])["recordSharingDecision"]
    awaiting = 'query { awaitingAcknowledgement(olderThanHours: 0) { id } }'
    assert [d["id"] for d in world.data(awaiting, auths=["police"])["awaitingAcknowledgement"]] == [made["id"]]
    assert world.data('query { awaitingAcknowledgement(olderThanHours: 48) { id } }', auths=["police"])["awaitingAcknowledgement"] == []
    ack = 'mutation($id: ID!, $action: String!, $text: String!) { acknowledge(decisionId: $id, received: true, understood: true, action: $action, text: $text) { id agency action } }'
    assert world.error_code(ack, {"id": made["id"], "action": "taken", "text": ""}, agency="health", auths=["health"]) == "NOT_FOUND"
    assert world.error_code(ack, {"id": made["id"], "action": "planned", "text": ""}, agency="csc", auths=["csc"]) == "BAD_USER_INPUT"
    done = world.data(ack, {"id": made["id"], "action": "planned", "text": "Joint visit on Monday"}, agency="csc", auths=["csc"])["acknowledge"]
    assert done["agency"] == "csc"
    assert world.data(awaiting, auths=["police"])["awaitingAcknowledgement"] == []
    shares = world.data('{ myShares { decision { id } acknowledged acknowledgements { action text } } }', auths=["police"])["myShares"]
    assert shares == [{"decision": {"id": made["id"]}, "acknowledged": True, "acknowledgements": [{"action": "planned", "text": "Joint visit on Monday"}]}]


def test_owner_is_notified_exactly_when_another_agency_views_a_flagged_assertion(world, store):
    flagged = value("child-1", "looked_after", True, agency="health", source_ref="CP-IS-1", notify_owner=True, recorded_at="2026-01-05T00:00:00Z")
    import_records(store, [flagged])
    flagged_id = assertion_id("health", "CP-IS-1")
    accesses = 'query { accessesToMyRecords { assertionId viewer viewerAgency purpose } }'
    world.data(LINKS, {"id": "child-1"}, agency="health", auths=["health"])  # links only: the flag is not shown
    world.data('query { person(id: "child-1") { attributes { id } } }', agency="health", auths=["health"])  # own agency
    assert world.data(accesses, agency="health", auths=["health"])["accessesToMyRecords"] == []
    world.data('query { person(id: "child-1") { attributes { id } } }', agency="csc", auths=["csc"], sub="sw-3", purpose="child protection enquiry")
    notes = world.data(accesses, agency="health", auths=["health"])["accessesToMyRecords"]
    assert notes == [{"assertionId": flagged_id, "viewer": "sw-3", "viewerAgency": "csc", "purpose": "child protection enquiry"}]
    assert world.data(accesses, agency="csc", auths=["csc"])["accessesToMyRecords"] == []



def test_owner_is_notified_of_flagged_assertions_an_answer_names_by_id_only(world, store):
    """A chronology entry carries the ids of the assertions it rests on, not the assertions:
    which of those are flagged is the store's to say, and their owner is told."""
    import_records(store, [event("ed-1", "hospital_attendance", "2026-01-20T10:00:00Z", agency="health", source_ref="ED-1", notify_owner=True,
                                 recorded_at="2026-01-20T12:00:00Z", participants=[{"id": "child-1", "role": "subject"}])])
    q = 'query($id: ID!) { chronology(personId: $id) { items { eventId assertionIds } } }'
    items = world.data(q, {"id": "child-1"}, agency="csc", auths=["csc"], sub="sw-4", purpose="child protection enquiry")["chronology"]["items"]
    shown = {i for item in items if item["eventId"] == "ed-1" for i in item["assertionIds"]}
    assert shown
    notes = world.data('query { accessesToMyRecords { assertionId viewer viewerAgency } }', agency="health", auths=["health"])["accessesToMyRecords"]
    assert {n["assertionId"] for n in notes} == shown and {(n["viewer"], n["viewerAgency"]) for n in notes} == {("sw-4", "csc")}

def test_the_audit_entry_names_what_the_answer_held_not_what_it_could_have(world):
    """Asking for a person's attributes does not put their links in the audit log (nor tell
    the links' owners their records were viewed), and the other way round."""
    q = 'query($id: ID!) { person(id: $id) { attributes { id } links { assertion { id } } } }'
    both = world.data(q, {"id": "child-1"}, auths=["police"])["person"]
    attributes, links = {a["id"] for a in both["attributes"]}, {l["assertion"]["id"] for l in both["links"]}
    assert attributes and links
    world.data('query($id: ID!) { person(id: $id) { attributes { id } } }', {"id": "child-1"}, auths=["police"])
    returned = set(world.audit_entries()[-1]["returned"])
    assert attributes <= returned and not links & returned
    world.data('query($id: ID!) { person(id: $id) { links { predicate } } }', {"id": "child-1"}, auths=["police"])
    returned = set(world.audit_entries()[-1]["returned"])
    assert links <= returned and not attributes & returned


def test_every_request_leaves_one_audit_entry_with_the_returned_ids(world):
    before = len(world.audit_entries())
    body = world.data('query($id: ID!) { person(id: $id) { attributes { id } links { assertion { id } } } }', {"id": "child-1"}, auths=["police"], sub="pc-1", purpose="welfare check")
    shown = {a["id"] for a in body["person"]["attributes"]} | {l["assertion"]["id"] for l in body["person"]["links"]}
    entry = world.audit_entries()[-1]
    assert len(world.audit_entries()) == before + 1
    assert (entry["subject"], entry["agency"], entry["roles"], entry["purpose"]) == ("pc-1", "police", ["practitioner"], "welfare check")
    assert entry["operation"] == "-: entity" and entry["outcome"] == "200 OK"
    assert shown <= set(entry["returned"])
    assert all(world.service.store.assertion(i, None).scope in ("", "police", scenario.SHARED) for i in entry["returned"])
    world.http.post("/graphql", json={"query": "{ me { subject } }"})  # no token
    assert world.audit_entries()[-1]["outcome"] == "401 UNAUTHENTICATED" and world.audit_entries()[-1]["returned"] == []
    world.gql('{ person(id: "nobody") { id } }')
    assert world.audit_entries()[-1]["outcome"] == "200 NOT_FOUND"
    assert len(world.audit_entries()) == before + 3


def test_access_log_for_auditors(world):
    world.data(LINKS, {"id": "child-1"}, auths=["police"], sub="pc-9", purpose="missing person enquiry")
    q = 'query($id: ID!) { accessLog(assertionId: $id) { subject agency purpose operation } }'
    log = world.data(q, {"id": scenario.INTEL}, roles=["auditor"], agency="ig", auths=["police"])["accessLog"]
    assert {"subject": "pc-9", "agency": "police", "purpose": "missing person enquiry", "operation": "-: entity"} in log
    assert world.error_code(q, {"id": scenario.INTEL}, roles=["practitioner"], auths=["police"]) == "FORBIDDEN"
    assert world.error_code(q, {"id": scenario.INTEL}, roles=["auditor"], auths=["csc"]) == "NOT_FOUND"


def test_prov_export(world, store):
    import_records(store, [value("child-1", "gender", "female", agency="health", source_ref="NHS-G-1", handling="no_onward_sharing", recorded_at="2026-01-05T00:00:00Z")])
    q = 'query($a: ID, $p: ID) { provExport(assertionId: $a, personId: $p) { provJson included withheld } }'
    out = world.data(q, {"a": scenario.DOB_FIX}, auths=["police"])["provExport"]
    doc = ProvDocument.deserialize(content=out["provJson"], format="json")
    records = {str(r.identifier) for r in doc.get_records() if r.identifier}
    assert any(scenario.DOB_FIX in r for r in records) and any(scenario.DOB_OLD in r for r in records)
    assert "prov:Revision" in out["provJson"] and out["included"] == 2  # the correction is a revision of the original
    gender = assertion_id("health", "NHS-G-1")
    mine = world.data(q, {"a": gender}, agency="health", auths=["health"])["provExport"]
    theirs = world.data(q, {"a": gender}, agency="csc", auths=["csc"])["provExport"]
    assert mine["included"] == 1 and gender in mine["provJson"]
    assert theirs["included"] == 0 and theirs["withheld"] == 1 and gender not in theirs["provJson"]
    chron = world.data(q, {"p": "child-1"}, auths=["police", "csc", "health", "mash"])["provExport"]
    assert chron["included"] > 0


# -- tampering with the audit log in a real store file
def cli(*args):
    return subprocess.run([sys.executable, "-m", "graphsvc.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def audited(tmp_path):
    from graphsvc.store import EmbeddedStore

    db = tmp_path / "audit.db"
    with EmbeddedStore(db) as s:
        for i in range(6):
            s.audit_append({"at": f"2026-01-0{i + 1}T00:00:00.000Z", "subject": f"u{i}", "agency": "police", "roles": ["practitioner"],
                            "purpose": "p", "operation": "-: entity", "variables_digest": "d", "returned": [f"a-{i}"], "outcome": "200 OK"})
    checkpoint = tmp_path / "checkpoint.json"
    assert cli("audit", "checkpoint", "--db", str(db), "--out", str(checkpoint)).returncode == 0
    return db, checkpoint


def tamper(db, *statements):
    conn = sqlite3.connect(db)
    for table in ("audit_log",):
        conn.execute(f"DROP TRIGGER {table}_no_update")
        conn.execute(f"DROP TRIGGER {table}_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_an_untouched_log_verifies(audited):
    db, checkpoint = audited
    result = cli("audit", "verify", "--db", str(db), "--checkpoint", str(checkpoint))
    assert result.returncode == 0 and "6 entries" in result.stdout


def test_the_log_refuses_updates_and_deletes(audited):
    conn = sqlite3.connect(audited[0])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit_log SET purpose = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit_log WHERE seq = 6")
    conn.close()


SWAP = ["UPDATE audit_log SET seq = -3 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = 4", "UPDATE audit_log SET seq = 4 WHERE seq = -3"]
FIELDS = "at, subject, agency, roles, purpose, operation, variables_digest, returned, outcome, prev, hash"


@pytest.mark.parametrize("statements, first_bad", [
    (["UPDATE audit_log SET purpose = 'q' WHERE seq = 3"], "seq 3"),  # a changed byte
    (["DELETE FROM audit_log WHERE seq = 2"], "seq 3"),  # a removed entry: the next no longer follows
    (SWAP, "seq 3"),  # two entries swapped
    ([f"INSERT INTO audit_log (seq, {FIELDS}) SELECT 100, {FIELDS} FROM audit_log WHERE seq = 2",
      "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3 AND seq < 100", "UPDATE audit_log SET seq = 3 WHERE seq = 100",
      "UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000"], "seq 3"),  # an entry inserted
    (["DELETE FROM audit_log WHERE seq >= 5"], "truncated"),  # the tail cut off: only the checkpoint can tell
])
def test_tampering_is_detected(audited, statements, first_bad):
    db, checkpoint = audited
    tamper(db, *statements)
    result = cli("audit", "verify", "--db", str(db), "--checkpoint", str(checkpoint))
    assert result.returncode != 0
    assert "BROKEN" in result.stderr and first_bad in result.stderr, result.stderr

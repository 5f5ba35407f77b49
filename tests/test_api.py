"""The GraphQL API over real HTTP: authentication, roles, disclosure, chronology, provenance."""

from __future__ import annotations

import collections
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

import scenario

PERSON = """query($id: ID!, $asOf: DateTime) { person(id: $id, asOf: $asOf) {
  id kind label attributes { id predicate value agency } links { predicate role direction other { id kind label } assertion { id agency } } } }"""
CHRONOLOGY = """query($id: ID!, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  chronology(personId: $id, from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    items { eventId kind occurredOn agency sourceRef status isFact role summary actionTaken assertionIds } } }"""
PROVENANCE = """query($id: ID!, $asOf: DateTime) { provenance(assertionId: $id, asOf: $asOf) {
  recordedBy agency sourceRef method status sourceReliability informationConfidence reachedHubVia current
  assertion { id value } supersedes { id value } supersededBy { id value } corroboratedBy { id agency } contradictedBy { id agency value } } }"""

SHARED_AUTHS = ("police", "csc", "health", "mash")


@pytest.fixture
def world(live, store):
    scenario.load(store)
    return live


def attrs(person, predicate):
    return [a["value"] for a in person["attributes"] if a["predicate"] == predicate]


# -- authentication
def other_key_token():
    key = ec.generate_private_key(ec.SECP256R1())
    now = int(time.time())
    return jwt.encode({"iss": "graphsvc-local", "aud": "graphsvc", "sub": "x", "iat": now, "exp": now + 600, "agency": "police", "roles": ["practitioner"]}, key, algorithm="ES256")


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer " + other_key_token(),
    "Bearer " + jwt.encode({"sub": "x"}, "a-shared-secret-that-is-long-enough-for-hs256", algorithm="HS256"),
])
def test_no_data_without_a_valid_token(world, header):
    headers = {"Authorization": header} if header is not None else {}
    response = world.http.post("/graphql", json={"query": '{ person(id: "child-1") { label } }'}, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Robin" not in response.text


def test_an_expired_token_is_refused(world):
    token = world.token(ttl=-120)
    response = world.post('{ me { subject } }', token=token)
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]


def test_health_needs_no_token_and_says_whether_the_store_answers(world):
    response = world.http.get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    world.service.store.close()
    assert world.http.get("/health").status_code == 503


def test_graphiql_in_a_browser(world):
    response = world.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


# -- roles and purpose
def test_roles_decide_operations(world):
    assert world.error_code(PERSON, {"id": "child-1"}, roles=["admin"]) == "FORBIDDEN"
    assert world.error_code('mutation { retractAssertion(assertionId: "x", reason: "r") { id } }', roles=["auditor"]) == "FORBIDDEN"
    assert world.error_code('{ searchPeople(name: "Robin") { totalCount } }', roles=["analyst"]) == "FORBIDDEN"
    assert world.data('{ searchPeople(name: "Robin") { totalCount } }', roles=["analyst"], auths=["identity"])["searchPeople"]["totalCount"] == 1


def test_identities_need_a_stated_purpose(world):
    body = world.gql(PERSON, {"id": "child-1"}, purpose=None)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "purpose" in body["errors"][0]["message"]
    assert world.data("{ me { purpose agency roles } }", purpose=None)["me"]["agency"] == "police"


# -- reading
def test_person_with_provenance_per_value(world):
    p = world.data(PERSON, {"id": "child-1"}, auths=SHARED_AUTHS)["person"]
    assert p["kind"] == "child" and p["label"] == "Robin Testperson"
    assert sorted(attrs(p, "date_of_birth")) == ["2010-05-06", "2010-06-05"]  # health's and police's (corrected)
    assert {(l["predicate"], l["direction"], l["other"]["id"], l["role"]) for l in p["links"]} == {
        ("involved_in", "OUT", "contact-1", "subject"), ("involved_in", "OUT", "incident-1", "victim"),
        ("involved_in", "OUT", "mis-1", "subject"), ("associates_with", "OUT", "adult-1", None),
    }


def test_scopes_hide_the_police_only_link(world):
    police = world.data(PERSON, {"id": "child-1"}, auths=["police"])["person"]
    csc = world.data(PERSON, {"id": "child-1"}, agency="csc", auths=["csc"])["person"]
    assert scenario.INTEL in {l["assertion"]["id"] for l in police["links"]}
    assert scenario.INTEL not in {l["assertion"]["id"] for l in csc["links"]}


def test_hidden_and_missing_ids_are_indistinguishable(world):
    hidden = world.gql(PERSON, {"id": "adult-1"}, auths=[])["errors"][0]
    missing = world.gql(PERSON, {"id": "adult-9"}, auths=[])["errors"][0]
    assert hidden["extensions"]["code"] == missing["extensions"]["code"] == "NOT_FOUND"
    assert hidden["message"].replace("adult-1", "X") == missing["message"].replace("adult-9", "X")
    hidden = world.gql(PROVENANCE, {"id": scenario.INTEL}, auths=["csc"])["errors"][0]
    missing = world.gql(PROVENANCE, {"id": "a-000000000000000000000000"}, auths=["csc"])["errors"][0]
    assert hidden["message"].replace(scenario.INTEL, "X") == missing["message"].replace("a-000000000000000000000000", "X")


# One answer for "not there": NOT_FOUND, the same for an id that does not exist and one the
# caller may not see, whatever the query or mutation takes it (BAD_USER_INPUT is for malformed
# arguments only). The caller is csc; the hidden ones are police-only.
DECIDE_ABOUT = """mutation($id: ID) { recordSharingDecision(decision: {share: true, assertionIds: ["%s"], toAgency: "health",
  purpose: "Safeguarding", lawfulBasis: "dpa2018_sch1_para18_safeguarding", consent: "given", personInformed: true,
  reasons: "Needed for the health assessment", personId: $id}) { id } }"""
NOT_THERE = {
    "person": ("query($id: ID!) { person(id: $id) { id } }", "child"),
    "chronology": ("query($id: ID!) { chronology(personId: $id) { totalCount } }", "child"),
    "missingHistory": ("query($id: ID!) { missingHistory(childId: $id) { episodeCount } }", "child"),
    "coMissing": ("query($id: ID!) { coMissing(childId: $id) { child { id } } }", "child"),
    "peerNetwork": ("query($id: ID!) { peerNetwork(childId: $id) { memberCount } }", "child"),
    "provExport person": ("query($id: ID!) { provExport(personId: $id) { included } }", "child"),
    "provenance": ("query($id: ID!) { provenance(assertionId: $id) { current } }", "assertion"),
    "accessLog": ("query($id: ID!) { accessLog(assertionId: $id) { seq } }", "assertion"),
    "provExport assertion": ("query($id: ID!) { provExport(assertionId: $id) { included } }", "assertion"),
    "retractAssertion": ('mutation($id: ID!) { retractAssertion(assertionId: $id, reason: "wrong") { id } }', "assertion"),
    "correctAssertion": ('mutation($id: ID!) { correctAssertion(assertionId: $id, value: "x") { id } }', "assertion"),
    "correctAssertion object": ('mutation($id: ID!) { correctAssertion(assertionId: "%s", object: $id) { id } }', "venue"),
    "recordSharingDecision personId": (DECIDE_ABOUT, "child"),
    "acknowledge": ('mutation($id: ID!) { acknowledge(decisionId: $id, received: true, understood: true, action: "taken") { id } }', "decision"),
}


@pytest.mark.parametrize("name", NOT_THERE)
def test_an_unknown_id_and_a_hidden_one_get_the_same_not_found(world, store, name):
    from graphsvc.bulk import import_records
    from graphsvc.model import assertion_id
    from records import entity, link

    import_records(store, [
        entity("child-2", "child", scope="police", source_ref="POL-CHILD-2", attributes={"name": "Sam Hidden"}),
        entity("venue-2", "venue", scope="police", source_ref="POL-VENUE-2", attributes={"name": "Closed Club"}),
        link("child-1", "seen_at", "venue-1", agency="csc", scope="csc", source_ref="CSC-SEEN-1"),
    ])
    seen = assertion_id("csc", "CSC-SEEN-1")
    # A share police made to health: not one made to csc.
    share = world.data(DECIDE_ABOUT % scenario.INTEL, {"id": None}, roles=["mash"], auths=["police"])["recordSharingDecision"]["id"]
    hidden, unknown = {"child": ("child-2", "child-9"), "assertion": (scenario.INTEL, "a-000000000000000000000000"),
                       "venue": ("venue-2", "venue-9"), "decision": (share, "d-000000000000000000000000")}[NOT_THERE[name][1]]
    query = NOT_THERE[name][0].replace("%s", seen)
    before = store.count()
    who = dict(agency="csc", roles=["mash", "auditor"], auths=["csc"])
    errors = [world.gql(query, {"id": i}, **who)["errors"] for i in (hidden, unknown)]
    assert errors[0][0]["extensions"]["code"] == "NOT_FOUND", errors[0]
    assert str(errors[0]).replace(hidden, "X") == str(errors[1]).replace(unknown, "X")
    assert store.count() == before


def test_as_of_returns_the_state_before_the_correction(world):
    now = world.data(PERSON, {"id": "child-1"}, auths=["police"])["person"]
    before = world.data(PERSON, {"id": "child-1", "asOf": "2026-03-15T00:00:00Z"}, auths=["police"])["person"]
    assert sorted(attrs(now, "date_of_birth")) == ["2010-05-06", "2010-06-05"]
    assert sorted(attrs(before, "date_of_birth")) == ["2010-05-06", "2010-05-06"]
    assert scenario.DOB_OLD in {a["id"] for a in before["attributes"]}
    assert scenario.DOB_OLD not in {a["id"] for a in now["attributes"]}
    early = world.gql(PERSON, {"id": "child-1", "asOf": "2025-12-01T00:00:00Z"})
    assert early["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_chronology(world):
    c = world.data(CHRONOLOGY, {"id": "child-1"}, auths=SHARED_AUTHS)["chronology"]
    assert c["totalCount"] == 3
    assert [(e["eventId"], e["agency"], e["sourceRef"], e["kind"], e["isFact"], e["role"]) for e in c["items"]] == [
        ("contact-1", "csc", "CSC-CONTACT-1", "contact", True, "subject"),
        ("incident-1", "police", "POL-INC-1", "incident", False, "victim"),
        ("mis-1", "police", "POL-MIS-1", "missing_episode", True, "subject"),
    ]
    assert c["items"][0]["actionTaken"] == "Strategy discussion held"
    assert c["items"][1]["status"] == "allegation"
    assert all(e["assertionIds"] for e in c["items"])
    window = world.data(CHRONOLOGY, {"id": "child-1", "from": "2026-01-15T00:00:00Z", "to": "2026-02-15T00:00:00Z"}, auths=SHARED_AUTHS)["chronology"]
    assert [e["eventId"] for e in window["items"]] == ["incident-1"]
    # Paging: two pages of 2 and 1, with a cursor.
    first = world.data(CHRONOLOGY, {"id": "child-1", "first": 2}, auths=SHARED_AUTHS)["chronology"]
    assert first["pageInfo"]["hasNextPage"] and len(first["items"]) == 2
    rest = world.data(CHRONOLOGY, {"id": "child-1", "first": 2, "after": first["pageInfo"]["endCursor"]}, auths=SHARED_AUTHS)["chronology"]
    assert [e["eventId"] for e in rest["items"]] == ["mis-1"] and not rest["pageInfo"]["hasNextPage"]
    # Without the shared authorisations the events are invisible, and so not counted.
    assert world.data(CHRONOLOGY, {"id": "child-1"}, auths=[])["chronology"]["totalCount"] == 0


def test_page_info_says_where_a_page_starts_and_ends(world):
    # The Relay cursor connections spec's PageInfo, for pages that go forwards: a page after a
    # cursor has items before it; each cursor, given as `after`, continues after its item.
    query = """query($id: ID!, $first: Int, $after: String) { chronology(personId: $id, first: $first, after: $after) {
      items { eventId } pageInfo { startCursor endCursor hasPreviousPage hasNextPage } } }"""

    def chronology(auths=SHARED_AUTHS, **args):
        found = world.data(query, {"id": "child-1", **args}, auths=auths)["chronology"]
        return [e["eventId"] for e in found["items"]], found["pageInfo"]

    whole, _ = chronology()
    assert len(whole) == 3
    first, first_info = chronology(first=2)
    assert first == whole[:2] and (first_info["hasPreviousPage"], first_info["hasNextPage"]) == (False, True)
    rest, rest_info = chronology(first=2, after=first_info["endCursor"])
    assert rest == whole[2:] and (rest_info["hasPreviousPage"], rest_info["hasNextPage"]) == (True, False)
    # A page of one item starts and ends with it.
    assert rest_info["startCursor"] == rest_info["endCursor"] != first_info["startCursor"]
    assert chronology(after=first_info["startCursor"])[0] == whole[1:]
    # After the last item: an empty page, with items before it and no first item.
    beyond, beyond_info = chronology(after=rest_info["startCursor"])
    assert beyond == [] and beyond_info["hasPreviousPage"] is True and beyond_info["startCursor"] is None
    # Nothing to see: nothing before, nothing after, no cursors.
    assert chronology(auths=[]) == ([], {"startCursor": None, "endCursor": None, "hasPreviousPage": False, "hasNextPage": False})


def test_chronology_bad_window(world):
    assert world.error_code(CHRONOLOGY, {"id": "child-1", "from": "2026-03-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}) == "BAD_USER_INPUT"


def test_provenance(world):
    p = world.data(PROVENANCE, {"id": scenario.DOB_OLD}, auths=["police", "health"])["provenance"]
    assert (p["recordedBy"], p["agency"], p["sourceRef"], p["method"], p["status"]) == ("pro-police-1", "police", scenario.CHILD_REF, "observed", "fact")
    assert p["current"] is False
    assert [s["id"] for s in p["supersededBy"]] == [scenario.DOB_FIX]
    assert [c["id"] for c in p["corroboratedBy"]] == [scenario.HEALTH_DOB]
    fix = world.data(PROVENANCE, {"id": scenario.DOB_FIX}, auths=["police", "health"])["provenance"]
    assert fix["supersedes"]["id"] == scenario.DOB_OLD and fix["current"] is True
    assert [(c["agency"], c["value"]) for c in fix["contradictedBy"]] == [("health", "2010-05-06")]
    intel = world.data(PROVENANCE, {"id": scenario.INTEL}, auths=["police"])["provenance"]
    assert (intel["sourceReliability"], intel["informationConfidence"], intel["status"]) == ("2", "C", "allegation")
    # As of before the correction, nothing supersedes the old value.
    then = world.data(PROVENANCE, {"id": scenario.DOB_OLD, "asOf": "2026-03-01T00:00:00Z"}, auths=["police"])["provenance"]
    assert then["current"] is True and then["supersededBy"] == []


# -- disclosure
def test_analysts_without_identity_see_stable_pseudonyms(world):
    q = 'query($id: ID!) { person(id: $id) { id label attributes { predicate value subject } links { other { id label } assertion { subject object } } } }'
    child = world.pseudonym("child-1")
    a = world.data(q, {"id": child}, roles=["analyst"], auths=SHARED_AUTHS)["person"]
    b = world.data(q, {"id": child}, roles=["analyst"], auths=SHARED_AUTHS, sub="another-analyst")["person"]
    assert a == b  # stable across queries and callers
    assert a["id"] == child and a["label"].startswith("Child ") and "Robin" not in str(a)
    assert attrs(a, "name") == [a["label"]]
    assert all(v.startswith("PSN:") for v in attrs(a, "identifier"))
    assert sorted(attrs(a, "date_of_birth")) == ["2010", "2010"]
    adult_labels = {l["other"]["label"] for l in a["links"] if l["other"]["id"] == world.pseudonym("adult-1")}
    assert adult_labels and all(label is None or label.startswith("Adult ") for label in adult_labels)
    # No real entity id anywhere in the answer: entities, links and every assertion's ends.
    for raw in ("child-1", "adult-1", "contact-1", "incident-1", "mis-1"):
        assert raw not in str(a)
    # A real id names nothing for them, exactly as an unknown id does.
    real = world.gql(q, {"id": "child-1"}, roles=["analyst"], auths=SHARED_AUTHS)["errors"][0]
    unknown = world.gql(q, {"id": "child-404"}, roles=["analyst"], auths=SHARED_AUTHS)["errors"][0]
    assert real["extensions"] == unknown["extensions"] == {"code": "NOT_FOUND"}
    assert real["message"].replace("child-1", "X") == unknown["message"].replace("child-404", "X")
    named = world.data(q, {"id": "child-1"}, roles=["analyst"], auths=[*SHARED_AUTHS, "identity"])["person"]
    assert named["label"] == "Robin Testperson" and named["id"] == "child-1"


# -- writing
RECORD = "mutation($records: [JSON!]!) { recordAssertions(records: $records) { written assertions { id agency recordedBy scope value } } }"


def test_a_pseudonymous_reader_cannot_write_under_real_ids(world, store):
    """Records and decisions name people by the agencies' ids, which such a reader is never shown."""
    before = len(list(store.log()))
    rec = {"type": "assertion", "subject": "child-1", "predicate": "gender", "value": "female", "source_ref": "CSC-PSN", "method": "self_reported", "status": "fact"}
    body = world.gql(RECORD, {"records": [rec]}, roles=["mash", "analyst"], agency="csc", auths=SHARED_AUTHS)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and "identity" in body["errors"][0]["message"]
    assert len(list(store.log())) == before
    assert world.data(RECORD, {"records": [rec]}, roles=["mash", "analyst"], agency="csc", auths=[*SHARED_AUTHS, "identity"])["recordAssertions"]["written"] == 1


def test_record_takes_recorder_and_agency_from_the_token(world, store):
    rec = {"type": "assertion", "subject": "child-1", "predicate": "gender", "value": "female", "source_ref": "CSC-9", "method": "self_reported", "status": "fact"}
    out = world.data(RECORD, {"records": [rec]}, sub="sw-7", agency="csc", auths=["csc"])["recordAssertions"]
    assert out["written"] == 1
    assert (out["assertions"][0]["agency"], out["assertions"][0]["recordedBy"], out["assertions"][0]["scope"]) == ("csc", "sw-7", "csc")
    before = store.count()
    body = world.gql(RECORD, {"records": [{**rec, "source_ref": "CSC-10", "agency": "police"}]}, agency="csc")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and "token" in body["errors"][0]["message"]
    assert store.count() == before


def test_a_bad_batch_changes_nothing_and_names_every_problem(world, store):
    before = list(store.log())
    records = [
        {"type": "assertion", "subject": "child-1", "predicate": "gender", "value": "male", "source_ref": "P-1", "method": "observed", "status": "fact"},
        {"type": "assertion", "subject": "child-404", "predicate": "gender", "value": "male", "source_ref": "P-2", "method": "observed", "status": "fact"},
        {"type": "assertion", "subject": "child-1", "predicate": "gender", "value": "male", "source_ref": "P-3", "method": "telepathy", "status": "fact"},
    ]
    error = world.gql(RECORD, {"records": records}, auths=["police"])["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "records[1]" in error["message"] and "child-404" in error["message"]
    assert "records[2]" in error["message"] and "method" in error["message"]
    assert list(store.log()) == before


def test_correct_and_retract(world):
    fixed = world.data('mutation($id: ID!) { correctAssertion(assertionId: $id, value: "2010-06-06") { id value supersedes } }', {"id": scenario.DOB_FIX}, auths=["police"])["correctAssertion"]
    assert fixed["supersedes"] == scenario.DOB_FIX and fixed["value"] == "2010-06-06"
    p = world.data(PERSON, {"id": "child-1"}, auths=["police"])["person"]
    assert "2010-06-06" in attrs(p, "date_of_birth") and "2010-06-05" not in attrs(p, "date_of_birth")
    gone = world.data('mutation($id: ID!) { retractAssertion(assertionId: $id, reason: "wrong child") { id retraction supersedes } }', {"id": scenario.INTEL}, auths=["police"])["retractAssertion"]
    assert gone["retraction"] and gone["supersedes"] == scenario.INTEL
    p = world.data(PERSON, {"id": "child-1"}, auths=["police"])["person"]
    assert scenario.INTEL not in {l["assertion"]["id"] for l in p["links"]}
    # Another agency cannot correct police's record, and cannot even find a hidden one.
    assert world.error_code('mutation($id: ID!) { correctAssertion(assertionId: $id, value: "x") { id } }', {"id": scenario.HEALTH_DOB}, auths=["health", "police"]) == "BAD_USER_INPUT"
    assert world.error_code('mutation($id: ID!) { retractAssertion(assertionId: $id, reason: "x") { id } }', {"id": scenario.INTEL}, agency="csc", auths=["csc"]) == "NOT_FOUND"


def test_the_entities_an_answer_mentions_are_kinded_and_labelled_together(world, monkeypatch):
    """The entities at the far end of a person's links get their kinds from one kinds_of and
    their names from one about_each, however many there are (a read each was a round trip
    each on Neo4j); the person's own kind and label come from the read of the person."""
    store = world.service.store
    calls: collections.Counter[str] = collections.Counter()
    for name in ("kind_of", "about", "kinds_of", "about_each"):
        real = getattr(store, name)
        monkeypatch.setattr(store, name, lambda *a, _real=real, _name=name, **k: (calls.update([_name]), _real(*a, **k))[1])

    def reads(query: str) -> tuple[collections.Counter[str], dict]:
        calls.clear()
        if isinstance(getattr(store, "_memos", None), dict):
            store._memos = {}  # the embedded store remembers the person for this reader: read it again each time
        person = world.data(query, {"id": "child-1"}, auths=SHARED_AUTHS)["person"]
        return collections.Counter(calls), person

    bare, _ = reads('query($id: ID!) { person(id: $id) { links { other { id } } } }')
    labelled, person = reads('query($id: ID!) { person(id: $id) { id kind label links { other { id kind label } } } }')
    others = {l["other"]["id"]: (l["other"]["kind"], l["other"]["label"]) for l in person["links"]}
    assert len(others) >= 3 and (person["kind"], person["label"]) == ("child", "Robin Testperson")
    assert others["adult-1"] == ("adult", "Dale Madeup") and others["contact-1"][0] == "contact"
    extra = labelled - bare
    assert extra == collections.Counter({"kinds_of": 1, "about_each": 1}), (bare, labelled)

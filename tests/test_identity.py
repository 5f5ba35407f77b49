"""Resolved persons (identity.py): one child recorded by three agencies, merged by the
same_person_as links the reader may see, never across a visible not_same_person; through the
real app, on both stores."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from graphsvc import identity
from graphsvc.bulk import import_records
from graphsvc.ingest import IngestError
from graphsvc.model import View
from graphsvc.scope import visible
from records import entity, event, link, value
from strategies import PEOPLE_TOKENS, identity_worlds

MATCH = {"probability": 0.97, "evidence": {"name": "close", "date_of_birth": "exact"}}
ALL = ["police", "csc", "health"]

PERSON = """query($id: ID!, $asOf: DateTime) { person(id: $id, asOf: $asOf) { id kind label
  identities { record { id kind label } agency }
  attributes { id predicate value agency } linkCount links { predicate other { id } assertion { id agency method value } } } }"""
CHRONOLOGY = """query($id: ID!, $asOf: DateTime) { chronology(personId: $id, asOf: $asOf) {
  totalCount items { eventId kind agency assertionIds } } }"""
CONFIRM = """mutation($a: ID!, $b: ID!, $reason: String!) { confirmSamePerson(a: $a, b: $b, reason: $reason) {
  id predicate subject object value agency method status scope } }"""
REJECT = """mutation($a: ID!, $b: ID!, $reason: String!) { rejectSamePerson(a: $a, b: $b, reason: $reason) {
  id predicate subject object value agency method status scope } }"""


def three_records(hidden_scope: str = "") -> list[dict]:
    """Riley, recorded by the police, children's social care and health, each with an event;
    police-csc matched (visible to all), csc-health matched under `hidden_scope`."""
    return [
        entity("pol-c1", "child", agency="police", source_ref="P-1", recorded_at="2026-01-01T09:00:00Z", attributes={"name": "Riley Example", "date_of_birth": "2012-04-02"}),
        entity("csc-c1", "child", agency="csc", source_ref="C-1", recorded_at="2026-01-01T09:00:00Z", attributes={"name": "Riley Exampel"}),
        entity("hea-c1", "child", agency="health", source_ref="H-1", recorded_at="2026-01-01T09:00:00Z", attributes={"name": "Ryley Example", "date_of_birth": "2012-02-04"}),
        event("inc-1", "incident", "2026-02-01T10:00:00Z", agency="police", source_ref="P-INC", recorded_at="2026-02-02T09:00:00Z", participants=[{"id": "pol-c1", "role": "victim"}]),
        event("con-1", "contact", "2026-02-03T10:00:00Z", agency="csc", source_ref="C-CON", recorded_at="2026-02-04T09:00:00Z", participants=[{"id": "csc-c1", "role": "subject"}]),
        event("att-1", "hospital_attendance", "2026-02-05T10:00:00Z", agency="health", source_ref="H-ATT", recorded_at="2026-02-06T09:00:00Z", participants=[{"id": "hea-c1", "role": "subject"}]),
        link("pol-c1", "same_person_as", "csc-c1", agency="mash", source_ref="M-1", method="matched_probabilistic", status="professional_judgement", recorded_at="2026-03-01T09:00:00Z", value=MATCH),
        link("csc-c1", "same_person_as", "hea-c1", agency="mash", scope=hidden_scope, source_ref="M-2", method="shared_identifier", status="fact", recorded_at="2026-03-02T09:00:00Z", value=MATCH),
    ]


@pytest.fixture
def world(live, store):
    return live


def records_of(person):
    return [(i["record"]["id"], i["agency"]) for i in person["identities"]]


# -- the domain, on the store directly

def test_a_visible_not_same_person_splits_what_the_links_would_join(store):
    import_records(store, [entity(x, "child", source_ref=x) for x in "ABCD"] + [
        link("A", "same_person_as", "B", source_ref="l1", recorded_at="2026-01-01T00:00:00Z"),
        link("B", "same_person_as", "C", source_ref="l2", recorded_at="2026-01-02T00:00:00Z"),
        link("C", "same_person_as", "D", source_ref="l3", recorded_at="2026-01-03T00:00:00Z"),
        # recorded last, yet it splits: A-B joins first, B-C would bring A and C together
        link("A", "not_same_person", "C", source_ref="n1", scope="csc", recorded_at="2026-01-04T00:00:00Z"),
    ])
    sees_rejection, does_not = View(frozenset({"csc"}), "csc"), View(frozenset(), "police")
    assert identity.identities_of_each(store, sees_rejection, "ABCD") == {"A": ["A", "B"], "B": ["A", "B"], "C": ["C", "D"], "D": ["C", "D"]}
    assert identity.identities_of(store, does_not, "A") == ["A", "B", "C", "D"]
    assert identity.persons(store, sees_rejection) == [["A", "B"], ["C", "D"]]
    assert [a.predicate for a in store.identity_links(sees_rejection, ["C"])] == ["same_person_as", "same_person_as", "not_same_person"]
    assert len(store.identity_links(does_not)) == 3


def test_a_match_value_is_checked_and_kept(store):
    base = [entity("A", "child", source_ref="A"), entity("B", "child", source_ref="B")]
    bad = [{"probability": 1.5, "evidence": {}}, {"probability": True, "evidence": {}}, {"probability": 0.5}, {"probability": 0.5, "evidence": "x"},
           {"probability": 0.5, "evidence": {}, "extra": 1}, "0.5"]
    for wrong in bad:
        with pytest.raises(IngestError):
            import_records(store, base + [link("A", "same_person_as", "B", value=wrong)])
    with pytest.raises(IngestError):  # no other link carries a value
        import_records(store, base + [link("A", "associates_with", "B", value=MATCH)])
    with pytest.raises(IngestError):  # nor an attribute an object
        import_records(store, base + [value("A", "name", MATCH)])
    assert store.count() == 0
    import_records(store, base + [link("A", "possibly_same_person", "B", source_ref="cand", value=MATCH)])
    assert [a.value for a in store.log() if a.predicate == "possibly_same_person"] == [MATCH]


# -- through the API

def test_three_agencies_records_are_one_person(world, store):
    import_records(store, three_records())
    for asked in ("pol-c1", "csc-c1", "hea-c1"):
        person = world.data(PERSON, {"id": asked}, auths=ALL)["person"]
        assert person["id"] == asked
        assert records_of(person) == [("csc-c1", "csc"), ("hea-c1", "health"), ("pol-c1", "police")]
        assert sorted((a["predicate"], a["value"], a["agency"]) for a in person["attributes"]) == [
            ("date_of_birth", "2012-02-04", "health"), ("date_of_birth", "2012-04-02", "police"),
            ("name", "Riley Exampel", "csc"), ("name", "Riley Example", "police"), ("name", "Ryley Example", "health")]
        matches = [l["assertion"] for l in person["links"] if l["predicate"] == "same_person_as"]
        assert sorted(m["method"] for m in matches) == ["matched_probabilistic", "shared_identifier"]  # each link once, with its own provenance
        assert all(m["value"] == MATCH for m in matches)
        chronology = world.data(CHRONOLOGY, {"id": asked}, auths=ALL)["chronology"]
        assert [(i["eventId"], i["agency"]) for i in chronology["items"]] == [("inc-1", "police"), ("con-1", "csc"), ("att-1", "health")]
        assert chronology["totalCount"] == 3
    # an entity that is no person is its only record
    assert records_of(world.data('{ entity(id: "inc-1") { identities { record { id kind label } agency } } }', auths=ALL)["entity"]) == [("inc-1", "police")]


def test_a_link_hidden_from_the_reader_merges_nothing_and_leaks_nothing(world, store):
    import_records(store, three_records(hidden_scope="intel"))
    hidden = next(a.id for a in store.log() if a.source_ref == "M-2")
    texts = []
    for asked, merged, events, links in (("pol-c1", ["csc-c1", "pol-c1"], ["inc-1", "con-1"], 3), ("csc-c1", ["csc-c1", "pol-c1"], ["inc-1", "con-1"], 3),
                                         ("hea-c1", ["hea-c1"], ["att-1"], 1)):
        response = world.post(PERSON, {"id": asked}, world.token(auths=ALL))
        person = response.json()["data"]["person"]
        assert [r for r, _ in records_of(person)] == merged
        assert person["linkCount"] == len(person["links"]) == links  # the visible match, if any, and the involvements
        chronology = world.post(CHRONOLOGY, {"id": asked}, world.token(auths=ALL))
        assert [i["eventId"] for i in chronology.json()["data"]["chronology"]["items"]] == events
        texts += [response.text, chronology.text]
    assert not any(hidden in t or "shared_identifier" in t for t in texts)
    # the same question from a reader who may see the link: one person
    assert len(world.data(PERSON, {"id": "hea-c1"}, auths=[*ALL, "intel"])["person"]["identities"]) == 3


def test_a_confirmed_match_retracted_merges_before_and_not_after(world, store):
    import_records(store, three_records()[:6])  # the records and events, no links
    confirmed = world.data(CONFIRM, {"a": "pol-c1", "b": "hea-c1", "reason": "Same NHS number on both records"}, auths=ALL)["confirmSamePerson"]
    assert {k: confirmed[k] for k in ("predicate", "subject", "object", "agency", "method", "status", "scope")} == {
        "predicate": "same_person_as", "subject": "pol-c1", "object": "hea-c1", "agency": "police", "method": "confirmed_by_practitioner",
        "status": "professional_judgement", "scope": "police"}
    assert confirmed["value"] == {"probability": 1.0, "evidence": {"reason": "Same NHS number on both records"}}
    time.sleep(0.01)
    between = datetime.now(timezone.utc).isoformat()
    time.sleep(0.01)
    world.data('mutation($id: ID!) { retractAssertion(assertionId: $id, reason: "Twins, not one child") { id } }', {"id": confirmed["id"]}, auths=ALL)
    merged = world.data(PERSON, {"id": "pol-c1", "asOf": between}, auths=ALL)["person"]
    assert records_of(merged) == [("hea-c1", "health"), ("pol-c1", "police")]
    assert world.data(CHRONOLOGY, {"id": "pol-c1", "asOf": between}, auths=ALL)["chronology"]["totalCount"] == 2
    assert records_of(world.data(PERSON, {"id": "pol-c1"}, auths=ALL)["person"]) == [("pol-c1", "police")]
    assert world.data(CHRONOLOGY, {"id": "pol-c1"}, auths=ALL)["chronology"]["totalCount"] == 1
    # the match is visible to the confirming agency only (the API's default scope)
    assert records_of(world.data(PERSON, {"id": "hea-c1", "asOf": between}, agency="health", auths=["health", "police"])["person"]) == [("hea-c1", "health"), ("pol-c1", "police")]
    assert records_of(world.data(PERSON, {"id": "hea-c1", "asOf": between}, agency="health", auths=["health"])["person"]) == [("hea-c1", "health")]
    operations = [e["operation"] for e in world.audit_entries() if e["outcome"].startswith("committed")]
    assert operations == ["confirmSamePerson", "retractAssertion"]


def test_a_rejection_blocks_an_automatic_match(world, store):
    import_records(store, three_records())  # pol-c1 = csc-c1 = hea-c1, matched automatically
    rejected = world.data(REJECT, {"a": "hea-c1", "b": "pol-c1", "reason": "Different mothers"}, roles=["mash"], agency="mash", auths=["mash"])["rejectSamePerson"]
    assert (rejected["predicate"], rejected["method"], rejected["scope"]) == ("not_same_person", "confirmed_by_practitioner", "mash")
    # pol-c1 = csc-c1 came first; csc-c1 = hea-c1 would put the rejected pair together
    assert records_of(world.data(PERSON, {"id": "hea-c1"}, auths=[*ALL, "mash"])["person"]) == [("hea-c1", "health")]
    assert [r for r, _ in records_of(world.data(PERSON, {"id": "csc-c1"}, auths=[*ALL, "mash"])["person"])] == ["csc-c1", "pol-c1"]
    assert len(world.data(PERSON, {"id": "hea-c1"}, auths=ALL)["person"]["identities"]) == 3  # a reader who cannot see the rejection


def test_bad_confirmations_change_nothing(world, store):
    import_records(store, three_records()[:3])
    before = store.count()
    assert world.error_code(CONFIRM, {"a": "pol-c1", "b": "pol-c1", "reason": "x"}) == "BAD_USER_INPUT"
    assert world.error_code(CONFIRM, {"a": "pol-c1", "b": "csc-c1", "reason": "  "}) == "BAD_USER_INPUT"
    assert world.error_code(CONFIRM, {"a": "pol-c1", "b": "nobody", "reason": "x"}) == "NOT_FOUND"
    assert world.error_code(CONFIRM, {"a": "pol-c1", "b": "csc-c1", "reason": "x"}, roles=["analyst"], auths=ALL) == "FORBIDDEN"
    assert world.error_code(REJECT, {"a": "pol-c1", "b": "csc-c1", "reason": "x"}, roles=["auditor"]) == "FORBIDDEN"
    assert store.count() == before


def test_pseudonymous_readers_are_shown_pseudonymous_identities(world, store):
    import_records(store, three_records())
    person = world.data(PERSON, {"id": world.pseudonym("pol-c1")}, roles=["analyst"], auths=ALL)["person"]
    assert sorted(r for r, _ in records_of(person)) == sorted(world.pseudonym(x) for x in ("pol-c1", "csc-c1", "hea-c1"))
    assert "Riley" not in json.dumps(person["identities"])
    # A confirmation's reason is a practitioner's own words: withheld from them, shown to others.
    reason = "Same NHS number; Riley's mother confirmed the move"
    world.data(CONFIRM, {"a": "pol-c1", "b": "hea-c1", "reason": reason}, auths=ALL)
    shown = world.data(PERSON, {"id": world.pseudonym("pol-c1")}, roles=["analyst"], auths=ALL)["person"]
    values = [l["assertion"]["value"] for l in shown["links"] if l["predicate"] == "same_person_as" and l["assertion"]["method"] == "confirmed_by_practitioner"]
    assert values and all(v["evidence"]["reason"].startswith("withheld") and v["probability"] == 1.0 for v in values)
    assert reason not in json.dumps(shown)
    named = world.data(PERSON, {"id": "pol-c1"}, auths=ALL)["person"]
    assert reason in json.dumps(named)


# -- property: hidden same-person links change nothing observable

QUERIES = [
    'query($id: ID!) { person(id: $id) { id kind label identities { record { id kind label } agency } attributes { id value agency } linkCount links { predicate other { id } assertion { id value } } } }',
    'query($id: ID!) { chronology(personId: $id, first: 2) { totalCount pageInfo { endCursor hasNextPage } items { eventId agency assertionIds } } }',
]



@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=identity_worlds(), auths=st.frozensets(st.sampled_from(PEOPLE_TOKENS)))
def test_hidden_same_person_links_change_nothing_observable(server, store_factory, world, auths):
    n, records = world
    token = server.token(auths=[*auths, "identity"])

    def answers(store):
        server.service.store = store
        out = []
        for query in QUERIES:
            for i in range(n):
                response = server.post(query, {"id": f"p-{i}"}, token)
                assert response.status_code == 200
                out.append(response.text)
        return out

    with store_factory() as everything:
        import_records(everything, records)
        log = list(everything.log())
        shown = [a for a in log if visible(a.scope, auths)]
        hidden = {a.id for a in log} - {a.id for a in shown}
        a = answers(everything)
    with store_factory() as only_visible:
        only_visible.append(shown)
        assert answers(only_visible) == a
    text = "\n".join(a)
    assert not any(h in text for h in hidden)

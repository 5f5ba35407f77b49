"""Repeated sightings (issue 33): one child seen at one venue thousands of times is one link.

Reads and patterns answer one item per distinct link, with the count of its visible sightings
and their assertion ids (the first MAX_LIST of them); every list in an answer is bounded; both
stores answer the same; a sighting the caller may not see changes nothing the caller can see.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from graphsvc.bulk import import_records
from graphsvc.model import assertion_id
from graphsvc.paging import MAX_LIST
from conftest import need_neo4j
from records import entity, link

S = "police|csc|health|mash"
REPEATS = 2_000
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def at(minutes: float) -> str:
    return (BASE + timedelta(minutes=minutes)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def load(store, repeats: int = REPEATS) -> None:
    people = [entity(c, "child", scope=S, source_ref=f"REF-{c}", recorded_at=at(0), attributes={"name": f"Child {c}"}) for c in ("c1", "c2", "c3")]
    people += [entity("a1", "adult", scope=S, source_ref="REF-a1", recorded_at=at(0), attributes={"name": "Adult a1"}),
               entity("v1", "venue", scope=S, source_ref="REF-v1", recorded_at=at(0), attributes={"name": "Chicken shop"})]
    import_records(store, people)
    import_records(store, [
        link("c2", "seen_at", "v1", agency="csc", scope=S, source_ref="L-c2", valid_from=at(10), recorded_at=at(11)),
        link("c3", "seen_at", "v1", scope=S, source_ref="L-c3", valid_from=at(20), recorded_at=at(21)),
        link("a1", "associates_with", "c1", scope=S, source_ref="L-a1c1", valid_from=at(30), recorded_at=at(31)),
        link("a1", "associates_with", "c2", scope=S, source_ref="L-a1c2", valid_from=at(30), recorded_at=at(31)),
    ])
    # c1 seen at v1 again and again: legitimate repeated sightings, each its own record.
    import_records(store, [link("c1", "seen_at", "v1", scope=S, source_ref=f"SEEN-{i}", valid_from=at(100 + i), recorded_at=at(100 + i))
                           for i in range(repeats)])


def hidden_sighting(store) -> None:
    """One more sighting of c1 at v1, police only (scope police): hidden from csc. Recorded last, it
    says it was the earliest (valid from): it must move no firstSeen the caller sees."""
    import_records(store, [link("c1", "seen_at", "v1", scope="police", source_ref="SEEN-HIDDEN", valid_from=at(1), recorded_at=at(99_000))])


FIELDS = """id attributeCount linkCount attributes { id predicate value }
  links { predicate role direction other { id kind } sightings firstSeen lastSeen assertion { id } assertionIds }"""
PERSON = "query($id: ID!) { person(id: $id) { %s } }" % FIELDS
ENTITY = "query($id: ID!) { entity(id: $id) { %s } }" % FIELDS
SHARED = """{ sharedContexts(minChildren: 3, excludeFamily: false) { totalCount items {
  context { id } childCount children { id } linkCount agencyCount firstSeen lastSeen
  links { child { id } how when lastSeen agency sightings assertionCount assertionIds } } } }"""
ADULTS = """{ adultsLinkedToChildren(minChildren: 2) { totalCount items { adult { id } childCount children { id } linkCount
  links { child { id } how sightings assertionCount assertionIds } } } }"""


@pytest.fixture
def world(live, store):
    load(store)
    return live


def lists_in(answer, path="") -> list[tuple[str, int]]:
    """Every list in a JSON answer, with its length."""
    if isinstance(answer, list):
        return [(path, len(answer))] + [x for i, item in enumerate(answer) for x in lists_in(item, f"{path}[{i}]")]
    if isinstance(answer, dict):
        return [x for k, v in answer.items() for x in lists_in(v, f"{path}.{k}")]
    return []


def bounded(answer) -> None:
    too_long = [(p, n) for p, n in lists_in(answer) if n > MAX_LIST]
    assert not too_long


def test_person_has_one_link_per_distinct_pair_with_its_sightings(world):
    person = world.data(PERSON, {"id": "c1"}, auths=["csc"])["person"]
    bounded(person)
    seen = [l for l in person["links"] if l["predicate"] == "seen_at"]
    assert len(seen) == 1 and person["linkCount"] == 2  # seen_at v1 (out), associates_with a1 (in)
    link = seen[0]
    assert link["other"] == {"id": "v1", "kind": "venue"} and link["direction"] == "OUT"
    assert link["sightings"] == REPEATS
    first = assertion_id("police", "SEEN-0")
    assert link["assertion"]["id"] == first  # shown by the first recorded
    assert link["assertionIds"] == [assertion_id("police", f"SEEN-{i}") for i in range(MAX_LIST)]
    assert link["firstSeen"].startswith(at(100)[:16]) and link["lastSeen"].startswith(at(100 + REPEATS - 1)[:16])
    assert len(json.dumps(person)) < 30_000  # was one link (with its assertion) per sighting


def test_links_and_attributes_page_by_first_and_after(world):
    q = """query($first: Int!, $after: ID) { person(id: "c1") { linkCount links(first: $first, after: $after) { predicate assertion { id } } } }"""
    one = world.data(q, {"first": 1}, auths=["csc"])["person"]
    assert len(one["links"]) == 1 and one["linkCount"] == 2
    rest = world.data(q, {"first": 1, "after": one["links"][0]["assertion"]["id"]}, auths=["csc"])["person"]
    assert len(rest["links"]) == 1 and rest["links"][0]["predicate"] != one["links"][0]["predicate"]
    assert world.data(q, {"first": 1, "after": rest["links"][0]["assertion"]["id"]}, auths=["csc"])["person"]["links"] == []
    assert world.error_code(q, {"first": MAX_LIST + 1}, auths=["csc"]) == "BAD_USER_INPUT"
    assert world.error_code(q, {"first": 1, "after": "a-not-one-of-them"}, auths=["csc"]) == "BAD_USER_INPUT"
    q = """query($after: ID) { person(id: "c1") { attributeCount attributes(first: 1, after: $after) { id } } }"""
    one = world.data(q, auths=["csc"])["person"]
    assert one["attributeCount"] == 1 and len(one["attributes"]) == 1
    assert world.data(q, {"after": one["attributes"][0]["id"]}, auths=["csc"])["person"]["attributes"] == []


def test_shared_contexts_count_a_child_once_with_its_sightings(world):
    found = world.data(SHARED, roles=["mash"], auths=["csc"])["sharedContexts"]
    bounded(found)
    [v1] = found["items"]
    assert v1["childCount"] == 3 and v1["linkCount"] == 3
    by_child = {l["child"]["id"]: l for l in v1["links"]}
    assert {c: (l["sightings"], l["assertionCount"]) for c, l in by_child.items()} == {"c1": (REPEATS, REPEATS), "c2": (1, 1), "c3": (1, 1)}
    c1 = by_child["c1"]
    assert c1["assertionIds"] == [assertion_id("police", f"SEEN-{i}") for i in range(MAX_LIST)]
    assert c1["when"].startswith(at(100)[:16]) and c1["lastSeen"].startswith(at(100 + REPEATS - 1)[:16])
    assert v1["agencyCount"] == 2


def test_adults_linked_collapse_repeated_associations(world, store):
    import_records(store, [link("a1", "associates_with", "c1", scope=S, source_ref=f"AS-{i}", valid_from=at(200 + i), recorded_at=at(200 + i))
                           for i in range(300)])
    found = world.data(ADULTS, roles=["mash"], auths=["csc"])["adultsLinkedToChildren"]
    bounded(found)
    [a1] = found["items"]
    assert a1["linkCount"] == 2
    by_child = {l["child"]["id"]: l for l in a1["links"]}
    assert by_child["c1"]["sightings"] == 301 and by_child["c1"]["assertionCount"] == 301
    assert len(by_child["c1"]["assertionIds"]) == MAX_LIST


def test_a_hidden_sighting_changes_nothing_the_caller_sees(world, store):
    before = [world.data(PERSON, {"id": "c1"}, auths=["csc"]), world.data(ENTITY, {"id": "v1"}, auths=["csc"]),
              world.data(SHARED, roles=["mash"], auths=["csc"])]
    hidden_sighting(store)
    after = [world.data(PERSON, {"id": "c1"}, auths=["csc"]), world.data(ENTITY, {"id": "v1"}, auths=["csc"]),
             world.data(SHARED, roles=["mash"], auths=["csc"])]
    assert after == before
    # ... while the police see it.
    police = world.data(SHARED, roles=["mash"], auths=["police"])["sharedContexts"]["items"][0]
    assert {l["child"]["id"]: l["sightings"] for l in police["links"]}["c1"] == REPEATS + 1


def test_both_stores_give_the_same_answers(neo4j_for_tests, tmp_path):
    """The same records in both stores: the same answers, through the schema in-process."""
    from graphsvc.api.context import Context
    from graphsvc.api.schema import schema
    from graphsvc.principal import Principal, Pseudonyms
    from graphsvc.store import EmbeddedStore

    who = Principal(subject="t", agency="mash", roles=frozenset({"mash"}), auths=frozenset({"csc"}), purpose="test")
    answers = []
    for store in (EmbeddedStore(tmp_path / "e.db"), need_neo4j(neo4j_for_tests).store()):
        load(store, repeats=300)
        hidden_sighting(store)
        answer = []
        for query, variables in ((PERSON, {"id": "c1"}), (ENTITY, {"id": "v1"}), (SHARED, None), (ADULTS, None)):
            result = schema.execute_sync(query, variable_values=variables, context_value=Context(principal=who, store=store, pseudonyms=Pseudonyms(b"k" * 32)))
            assert not result.errors, result.errors
            bounded(result.data)
            answer.append(result.data)
        answers.append(answer)
        store.close()
    assert answers[0] == answers[1]
    person, venue = answers[0][0]["person"], answers[0][1]["entity"]
    assert [l["sightings"] for l in person["links"] if l["predicate"] == "seen_at"] == [300]
    assert {l["other"]["id"]: l["sightings"] for l in venue["links"]} == {"c1": 300, "c2": 1, "c3": 1}


def test_an_involvement_recorded_again_is_one_chronology_entry_and_one_episode(world, store):
    from records import event

    import_records(store, [event("e1", "missing_episode", at(500), ended_on=at(900), scope=S, source_ref="EP-1", recorded_at=at(901),
                                 attributes={"episode_type": "missing"}, participants=[{"id": "c1", "role": "subject"}], found_at=["v1"])])
    import_records(store, [link("c1", "involved_in", "e1", role="subject", scope=S, source_ref=f"INV-{i}", recorded_at=at(1000 + i)) for i in range(150)])
    chronology = world.data('{ chronology(personId: "c1") { totalCount items { eventId role assertionCount assertionIds } } }', auths=["csc"])["chronology"]
    bounded(chronology)
    [entry] = chronology["items"]
    assert chronology["totalCount"] == 1 and entry["eventId"] == "e1" and entry["role"] == "subject"
    assert entry["assertionCount"] > 151 and len(entry["assertionIds"]) == MAX_LIST
    history = world.data('{ missingHistory(childId: "c1") { episodeCount episodes { id foundAt { id } foundAtCount assertionCount assertionIds } } }',
                         roles=["mash"], auths=["csc"])["missingHistory"]
    bounded(history)
    assert history["episodeCount"] == 1 and history["episodes"][0]["foundAt"] == [{"id": "v1"}]
    assert history["episodes"][0]["assertionCount"] > 151


def test_plain_lists_take_first_and_after(world):
    """A plain list (no page type) gives at most `first` (default MAX_LIST) and continues after
    the key of the last item given."""
    for _ in range(3):
        world.data(PERSON, {"id": "c2"}, auths=["csc"])
    seen = assertion_id("csc", "L-c2")
    q = "query($id: ID!, $first: Int!, $after: String) { accessLog(assertionId: $id, first: $first, after: $after) { seq } }"
    every = world.data("query($id: ID!) { accessLog(assertionId: $id) { seq } }", {"id": seen}, roles=["auditor"], auths=["csc"])["accessLog"]
    assert len(every) >= 3
    one = world.data(q, {"id": seen, "first": 1}, roles=["auditor"], auths=["csc"])["accessLog"]
    assert one == every[:1]
    rest = world.data(q, {"id": seen, "first": 100, "after": str(one[0]["seq"])}, roles=["auditor"], auths=["csc"])["accessLog"]
    assert one + rest == every
    assert world.error_code(q, {"id": seen, "first": 1, "after": "no-such-seq"}, roles=["auditor"], auths=["csc"]) == "BAD_USER_INPUT"

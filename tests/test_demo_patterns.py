"""Every pattern planted in the demo data is found by its query, with the right members and
the assertion ids it rests on."""

from __future__ import annotations

import pytest

from graphsvc import demo
from graphsvc.bulk import import_records

P = demo.planted("small", 7)
MASH = dict(roles=["mash"], agency="mash", auths=["mash"])


@pytest.fixture(scope="module")
def demo_records():
    return list(demo.generate("small", 7))


@pytest.fixture
def world(live, store, demo_records):
    import_records(store, demo_records)
    return live


def test_the_hotspot_venue(world, store):
    q = """{ sharedContexts(minChildren: 3) { items { context { id } children { id } unrelatedChildren agencyCount
             links { child { id } how assertionIds } } } }"""
    items = world.data(q, **MASH)["sharedContexts"]["items"]
    hot = next(i for i in items if i["context"]["id"] == P["hotspot_venue"]["venue"])
    children = {c["id"] for c in hot["children"]}
    assert set(P["hotspot_venue"]["children"]) <= children
    assert P["hotspot_venue"]["retracted_child"] not in children
    assert hot["unrelatedChildren"] >= len(P["hotspot_venue"]["unrelated_children"])
    assert hot["agencyCount"] >= 2
    for link in hot["links"]:
        for i in link["assertionIds"]:
            assert store.assertion(i, None) is not None


def test_siblings_count_once(world):
    q = 'query($f: Boolean!) { sharedContexts(minChildren: 2, excludeFamily: $f) { items { context { id } childCount unrelatedChildren } } }'
    venue = P["siblings"]["venue"]
    with_family = next(i for i in world.data(q, {"f": True}, **MASH)["sharedContexts"]["items"] if i["context"]["id"] == venue)
    assert with_family["unrelatedChildren"] < with_family["childCount"]


def test_the_child_who_keeps_going_missing(world):
    child = P["repeat_missing"]["child"]
    q = 'query($n: Int!) { repeatMissing(minEpisodes: $n, first: 100) { items { child { id } episodes assertionIds } } }'
    items = world.data(q, {"n": P["repeat_missing"]["min_episodes_365d"]}, **MASH)["repeatMissing"]["items"]
    found = next(i for i in items if i["child"]["id"] == child)
    assert found["episodes"] >= P["repeat_missing"]["min_episodes_365d"] and found["assertionIds"]
    h = world.data('query($id: ID!) { missingHistory(childId: $id) { episodes { id } } }', {"id": child}, **MASH)["missingHistory"]
    assert set(P["repeat_missing"]["episodes"]) <= {e["id"] for e in h["episodes"]}


def test_two_children_missing_together_and_found_with_the_same_adult(world):
    a, b = P["missing_together"]["children"]
    q = 'query($id: ID!) { coMissing(childId: $id) { child { id } reasons { reason via { id } assertionIds } } }'
    pairs = world.data(q, {"id": a}, **MASH)["coMissing"]
    partner = next(p for p in pairs if p["child"]["id"] == b)
    reasons = {(r["reason"], (r["via"] or {}).get("id")) for r in partner["reasons"]}
    assert ("overlapping", None) in reasons
    assert ("found_with_same_person", P["missing_together"]["found_with"]) in reasons
    adults = world.data('{ adultsLinkedToChildren(minChildren: 2, first: 100) { items { adult { id } children { id } } } }', **MASH)["adultsLinkedToChildren"]["items"]
    adult = next(x for x in adults if x["adult"]["id"] == P["missing_together"]["found_with"])
    assert {a, b} <= {c["id"] for c in adult["children"]}


def test_the_corrected_fact(world):
    c = P["correction"]
    prov = world.data('query($id: ID!) { provenance(assertionId: $id) { current supersededBy { id } } }', {"id": c["supersedes"]}, **MASH)["provenance"]
    assert prov["current"] is False and [s["id"] for s in prov["supersededBy"]] == [c["assertion"]]


def test_the_police_only_assertion(world):
    p = P["police_only"]
    q = 'query($id: ID!) { entity(id: $id) { links { assertion { id } } } }'
    police = world.data(q, {"id": p["subject"]}, roles=["mash"], agency="police", auths=["police", "mash"])["entity"]
    mash = world.data(q, {"id": p["subject"]}, **MASH)["entity"]
    assert p["assertion"] in {l["assertion"]["id"] for l in police["links"]}
    assert p["assertion"] not in {l["assertion"]["id"] for l in mash["links"]}

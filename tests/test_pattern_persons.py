"""Risk patterns over resolved persons (identity.py): a child recorded twice is one child in
every pattern, for a reader who sees the same_person_as link; for one who does not, or across
a visible not_same_person, two. Through the real app, on both stores."""

from __future__ import annotations

import pytest

from graphsvc.bulk import import_records
from records import entity, event, link

S = "police|csc|health|mash"
READER = ["police", "csc", "mash"]  # sees S, not what only health sees
MATCH = {"probability": 0.9, "evidence": {}}


def mis(id, child, start, end, agency):
    return event(id, "missing_episode", start, ended_on=end, agency=agency, scope=S, source_ref=f"REF-{id}", recorded_at=end,
                 attributes={"episode_type": "missing"}, participants=[{"id": child, "role": "subject"}])


def load(store, match_scope=S, rejected=False):
    """k1 (police) and k1b (csc), one child joined by a same_person_as under match_scope; k2
    another child; all three seen at w1; each record of k1 missing once, the two overlapping,
    and k2 missing at the same time as both."""
    at = "2026-01-01T00:00:00Z"
    records = [entity(c, "child", agency=agency, scope=S, source_ref=f"REF-{c}", recorded_at=at, attributes={"name": f"Child {c}"})
               for c, agency in (("k1", "police"), ("k1b", "csc"), ("k2", "police"))]
    records += [entity("w1", "venue", scope=S, source_ref="REF-w1", recorded_at=at)]
    records += [entity(b, "adult", agency=agency, scope=S, source_ref=f"REF-{b}", recorded_at=at) for b, agency in (("b1", "police"), ("b2", "police"), ("b2b", "csc"))]
    records += [link(c, "seen_at", "w1", scope=S, source_ref=f"L-{c}", valid_from="2026-01-05T20:00:00Z", recorded_at="2026-01-06T00:00:00Z") for c in ("k1", "k1b", "k2")]
    records += [link("b1", "associates_with", c, scope=S, source_ref=f"A-{c}", valid_from="2026-01-07T00:00:00Z", recorded_at="2026-01-08T00:00:00Z") for c in ("k1", "k1b", "k2")]
    # b2 and b2b, one adult for whom sees their link, each in contact with one child.
    records += [link(b, "associates_with", c, scope=S, source_ref=f"A-{b}", valid_from="2026-01-07T00:00:00Z", recorded_at="2026-01-08T00:00:00Z") for b, c in (("b2", "k2"), ("b2b", "k1"))]
    records += [link("b2", "same_person_as", "b2b", agency="mash", scope=match_scope, source_ref="M-2", method="matched_probabilistic",
                     recorded_at="2026-03-01T00:00:00Z", value=MATCH),
                link("k1", "associates_with", "k2", scope=S, source_ref="A-k1k2", valid_from="2026-01-07T00:00:00Z", recorded_at="2026-01-08T00:00:00Z"),
                mis("e1", "k1", "2026-02-01T18:00:00Z", "2026-02-02T06:00:00Z", "police"),
                mis("e2", "k1b", "2026-02-02T01:00:00Z", "2026-02-02T09:00:00Z", "csc"),
                mis("e3", "k2", "2026-02-01T20:00:00Z", "2026-02-02T03:00:00Z", "police"),  # overlaps both
                link("k1", "same_person_as", "k1b", agency="mash", scope=match_scope, source_ref="M-1", method="matched_probabilistic",
                     recorded_at="2026-03-01T00:00:00Z", value=MATCH)]
    if rejected:
        records.append(link("k1", "not_same_person", "k1b", agency="mash", scope=S, source_ref="N-1", method="confirmed_by_practitioner",
                            recorded_at="2026-03-02T00:00:00Z"))
    import_records(store, records)


SHARED = """{ sharedContexts(minChildren: 2, first: 5) { items { context { id } children { id identities { record { id } agency } } childCount unrelatedChildren
  links { child { id } } } } }"""
SHARED_3 = "{ sharedContexts(minChildren: 3) { totalCount } }"
ADULTS = "{ adultsLinkedToChildren(minChildren: 2, first: 5) { items { adult { id identities { record { id } } } children { id identities { record { id } } } childCount unrelatedChildren } } }"
HISTORY = 'query($id: ID!) { missingHistory(childId: $id) { child { id identities { record { id } } } episodeCount episodes { id child { id } } } }'
REPEAT = "{ repeatMissing(minEpisodes: 2, first: 5) { items { child { id identities { record { id } } } episodes } } }"
CO = 'query($id: ID!) { coMissing(childId: $id) { child { id } reasons { reason episode otherEpisode } } }'
PEERS = 'query($id: ID!) { peerNetwork(childId: $id, hops: 2) { memberCount members { person { id identities { record { id } agency } } } edges { source { id } target { id } how sightings } } }'


def ask(live, query, **variables):
    return live.data(query, variables, roles=["mash"], auths=READER)


def w1(live):
    return next(c for c in ask(live, SHARED)["sharedContexts"]["items"] if c["context"]["id"] == "w1")


def test_two_records_of_one_child_are_one_child_where_the_link_is_seen(live, store):
    load(store)
    found = w1(live)
    assert (found["childCount"], found["unrelatedChildren"]) == (2, 2)
    assert [(c["id"], [(i["record"]["id"], i["agency"]) for i in c["identities"]]) for c in found["children"]] == [
        ("k1", [("k1", "police"), ("k1b", "csc")]), ("k2", [("k2", "police")])]
    assert sorted(l["child"]["id"] for l in found["links"]) == ["k1", "k1b", "k2"]  # each record's own link
    assert ask(live, SHARED_3)["sharedContexts"]["totalCount"] == 0  # two children: below minChildren 3
    adults = ask(live, ADULTS)["adultsLinkedToChildren"]["items"]
    assert [(a["adult"]["id"], [i["record"]["id"] for i in a["adult"]["identities"]], [c["id"] for c in a["children"]], a["childCount"], a["unrelatedChildren"])
            for a in adults] == [("b1", ["b1"], ["k1", "k2"], 2, 2), ("b2", ["b2", "b2b"], ["k1", "k2"], 2, 2)]


@pytest.mark.parametrize("how", ["hidden", "rejected"])
def test_a_link_hidden_or_rejected_merges_nothing(live, store, how):
    load(store, match_scope="health") if how == "hidden" else load(store, rejected=True)
    found = w1(live)
    assert (found["childCount"], found["unrelatedChildren"]) == (3, 3)
    assert [(c["id"], [i["record"]["id"] for i in c["identities"]]) for c in found["children"]] == [("k1", ["k1"]), ("k1b", ["k1b"]), ("k2", ["k2"])]
    assert ask(live, SHARED_3)["sharedContexts"]["totalCount"] == 1
    # b2 and b2b: two adults of one child each, unless their own (visible) link joins them.
    adults = ask(live, ADULTS)["adultsLinkedToChildren"]["items"]
    assert [(a["adult"]["id"], [c["id"] for c in a["children"]], a["unrelatedChildren"]) for a in adults] == [
        ("b1", ["k1", "k1b", "k2"], 3), *([("b2", ["k1", "k2"], 2)] if how == "rejected" else [])]
    assert [(c["child"]["id"], len(c["reasons"])) for c in ask(live, CO, id="k1")["coMissing"]] == [("k1b", 1), ("k2", 1)]  # two children, missing together
    assert [(c["child"]["id"], len(c["reasons"])) for c in ask(live, CO, id="k2")["coMissing"]] == [("k1", 1), ("k1b", 1)]
    assert ask(live, HISTORY, id="k1b")["missingHistory"]["episodeCount"] == 1
    assert ask(live, REPEAT)["repeatMissing"]["items"] == []


def test_a_childs_missing_history_is_every_episode_of_every_record(live, store):
    load(store)
    for asked in ("k1", "k1b"):
        history = ask(live, HISTORY, id=asked)["missingHistory"]
        assert history["child"] == {"id": asked, "identities": [{"record": {"id": "k1"}}, {"record": {"id": "k1b"}}]}
        assert (history["episodeCount"], [(e["id"], e["child"]["id"]) for e in history["episodes"]]) == (2, [("e1", "k1"), ("e2", "k1b")])
    assert [(r["child"]["id"], r["episodes"]) for r in ask(live, REPEAT)["repeatMissing"]["items"]] == [("k1", 2)]
    # Never missing "with" their own other record; k2 with both of theirs, as one child.
    assert [(c["child"]["id"], [(r["episode"], r["otherEpisode"]) for r in c["reasons"]]) for c in ask(live, CO, id="k1")["coMissing"]] == [
        ("k2", [("e1", "e3"), ("e2", "e3")])]
    assert [(c["child"]["id"], [(r["episode"], r["otherEpisode"]) for r in c["reasons"]]) for c in ask(live, CO, id="k2")["coMissing"]] == [
        ("k1", [("e3", "e1"), ("e3", "e2")])]


def test_a_peer_network_is_of_persons(live, store):
    load(store)
    network = ask(live, PEERS, id="k1b")["peerNetwork"]
    # k1b's person (named k1b, as asked), b1 and k2; the two records' links are one person's.
    members = {m["person"]["id"]: [(i["record"]["id"], i["agency"]) for i in m["person"]["identities"]] for m in network["members"]}
    assert members == {"k1b": [("k1", "police"), ("k1b", "csc")], "b1": [("b1", "police")], "k2": [("k2", "police")], "b2": [("b2", "police"), ("b2b", "csc")]}
    assert network["memberCount"] == 4
    # b1's links to both records are one edge of two sightings.
    assert sorted((e["source"]["id"], e["target"]["id"], e["how"], e["sightings"]) for e in network["edges"]) == [
        ("b1", "k1b", "associates_with", 2), ("b1", "k2", "associates_with", 1), ("b2", "k1b", "associates_with", 1), ("b2", "k2", "associates_with", 1),
        ("k1b", "k2", "associates_with", 1)]

"""Risk-pattern queries on a hand-built scenario, over real HTTP."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from graphsvc.bulk import import_records
from graphsvc.model import assertion_id
from records import entity, event, link, retraction

S = "police|csc|health|mash"
ALL = ["police", "csc", "health", "mash"]
NAMED = [*ALL, "identity"]  # analysts shown real ids and names (others see pseudonymous ones)
CSC_ONLY = ["csc"]


def mis(id, child, start, end, agency="police", found_at=(), found_with=(), recorded_at=None, **attributes):
    attributes.setdefault("episode_type", "missing")
    return event(id, "missing_episode", start, ended_on=end, agency=agency, scope=S, source_ref=f"REF-{id}", recorded_at=recorded_at or end,
                 attributes=attributes, participants=[{"id": child, "role": "subject"}], found_at=list(found_at), found_with=list(found_with))


def load(store):
    people = [entity(c, "child", scope=S, source_ref=f"REF-{c}", recorded_at="2025-12-01T00:00:00Z", attributes={"name": f"Child {c}"})
              for c in ("c1", "c2", "c3", "c4", "c5", "c6", "s1", "s2")]
    people += [entity(a, "adult", scope=S, source_ref=f"REF-{a}", recorded_at="2025-12-01T00:00:00Z", attributes={"name": f"Adult {a}"}) for a in ("a1", "a2")]
    people += [entity("v1", "venue", scope=S, source_ref="REF-v1", recorded_at="2025-12-01T00:00:00Z", attributes={"name": "Chicken shop"}),
               entity("v2", "park", scope=S, source_ref="REF-v2", recorded_at="2025-12-01T00:00:00Z", attributes={"name": "Rec ground"}),
               entity("ph1", "phone", scope=S, source_ref="REF-ph1", recorded_at="2025-12-01T00:00:00Z")]
    import_records(store, people)
    import_records(store, [
        link("s1", "family_member_of", "s2", role="sibling", scope=S, source_ref="FAM-1", recorded_at="2025-12-02T00:00:00Z"),
        link("c1", "seen_at", "v1", scope=S, source_ref="L-c1", valid_from="2026-01-05T20:00:00Z", recorded_at="2026-01-06T00:00:00Z"),
        link("c2", "seen_at", "v1", agency="csc", scope=S, source_ref="L-c2", valid_from="2026-01-10T20:00:00Z", recorded_at="2026-01-11T00:00:00Z"),
        link("s1", "seen_at", "v1", scope=S, source_ref="L-s1", valid_from="2026-01-12T20:00:00Z", recorded_at="2026-01-13T00:00:00Z"),
        link("s2", "seen_at", "v1", scope=S, source_ref="L-s2", valid_from="2026-01-12T20:00:00Z", recorded_at="2026-01-13T00:00:00Z"),
        link("s1", "seen_at", "v2", scope=S, source_ref="L-s1b", valid_from="2026-01-14T20:00:00Z", recorded_at="2026-01-15T00:00:00Z"),
        link("s2", "seen_at", "v2", scope=S, source_ref="L-s2b", valid_from="2026-01-14T20:00:00Z", recorded_at="2026-01-15T00:00:00Z"),
        # Police-only intelligence: c4 at the venue.
        link("c4", "seen_at", "v1", scope="police", source_ref="L-c4", valid_from="2026-01-16T20:00:00Z", recorded_at="2026-01-17T00:00:00Z"),
        # Recorded, then retracted.
        link("c5", "seen_at", "v1", scope=S, source_ref="L-c5", valid_from="2026-01-18T20:00:00Z", recorded_at="2026-01-19T00:00:00Z"),
        # Recorded only in March.
        link("c6", "seen_at", "v1", scope=S, source_ref="L-c6", valid_from="2026-01-19T20:00:00Z", recorded_at="2026-03-01T00:00:00Z"),
        link("a1", "associates_with", "c3", scope=S, source_ref="L-a1c3", valid_from="2026-01-07T00:00:00Z", recorded_at="2026-01-08T00:00:00Z"),
        link("a2", "associates_with", "s1", scope=S, source_ref="L-a2s1", valid_from="2026-01-07T00:00:00Z", recorded_at="2026-01-08T00:00:00Z"),
        link("a2", "associates_with", "s2", scope=S, source_ref="L-a2s2", valid_from="2026-01-07T00:00:00Z", recorded_at="2026-01-08T00:00:00Z"),
        link("a2", "owns_uses", "ph1", scope=S, source_ref="L-a2ph", valid_from="2026-01-07T00:00:00Z", recorded_at="2026-01-08T00:00:00Z"),
        link("c4", "owns_uses", "ph1", scope=S, source_ref="L-c4ph", valid_from="2026-01-09T00:00:00Z", recorded_at="2026-01-10T00:00:00Z"),
        mis("m1", "c1", "2026-01-01T18:00:00Z", "2026-01-02T02:00:00Z", found_at=["v1"], found_with=["a1"], police_reference="MPR-1", risk_grade="medium",
            rhi_offered_on="2026-01-02T10:00:00Z", rhi_accepted=True, rhi_completed_on="2026-01-03T10:00:00Z"),
        mis("m2", "c1", "2026-01-15T18:00:00Z", "2026-01-16T06:00:00Z", found_at=["v1"], found_with=["a1"], rhi_reason_none="Child declined"),
        mis("m3", "c1", "2026-01-31T23:00:00Z", "2026-02-01T05:00:00Z"),
        mis("m4", "c1", "2026-02-20T18:00:00Z", "2026-02-21T18:00:00Z", rhi_offered_on="2026-02-22T10:00:00Z", rhi_completed_on="2026-02-27T10:00:00Z"),
        mis("m5", "c2", "2026-02-01T01:00:00Z", "2026-02-01T09:00:00Z", found_with=["a1"]),
        mis("m6", "c3", "2026-01-20T18:00:00Z", "2026-01-20T23:00:00Z", found_at=["v1"]),
    ])
    import_records(store, [retraction(assertion_id("police", "L-c5"), recorded_at="2026-01-25T00:00:00Z")])


@pytest.fixture
def world(live, store):
    load(store)
    return live


SHARED = """query($min: Int!, $from: DateTime, $to: DateTime, $kinds: [String!], $family: Boolean!, $asOf: DateTime) {
  sharedContexts(minChildren: $min, from: $from, to: $to, contextKinds: $kinds, excludeFamily: $family, asOf: $asOf) {
    totalCount items { context { id kind label } children { id } childCount unrelatedChildren agencyCount firstSeen lastSeen
      links { child { id } how when agency assertionIds sightings } } } }"""


def shared(world, auths=ALL, **variables):
    variables = {"min": 2, "family": True, **variables}
    return world.data(SHARED, variables, roles=["mash"], auths=auths)["sharedContexts"]


def test_shared_contexts(world):
    found = shared(world, min=3)
    assert [c["context"]["id"] for c in found["items"]] == ["v1"]
    v1 = found["items"][0]
    # c1, c2, s1+s2 (one family), c3 (found there), c4 (police intelligence, visible to police), not c5 (retracted), c6 (recorded in March: still counts now)
    assert [c["id"] for c in v1["children"]] == ["c1", "c2", "c3", "c4", "c6", "s1", "s2"]
    assert v1["unrelatedChildren"] == 6 and v1["childCount"] == 7
    assert v1["agencyCount"] == 2  # police and csc
    found_at = [l for l in v1["links"] if l["how"] == "found_at"]
    assert {l["child"]["id"] for l in found_at} == {"c1", "c3"}
    # The found_at link and the child's involvement, for each episode; c1 was found there in two
    # (m1, m2): one link, two sightings.
    assert {l["child"]["id"]: (l["sightings"], len(l["assertionIds"])) for l in found_at} == {"c1": (2, 4), "c3": (1, 2)}
    assert assertion_id("police", "L-c1") in {i for l in v1["links"] for i in l["assertionIds"]}


def test_siblings_count_once_unless_asked(world):
    assert [c["context"]["id"] for c in shared(world, min=2)["items"]] == ["v1"]  # v2 only has the two siblings
    both = shared(world, min=2, family=False)
    assert [c["context"]["id"] for c in both["items"]] == ["v1", "v2"]


def test_unrelated_children_is_the_family_joined_count_either_way(world):
    # excludeFamily decides only which count minChildren applies to.
    for family in (True, False):
        v1 = next(c for c in shared(world, min=2, family=family)["items"] if c["context"]["id"] == "v1")
        assert (v1["childCount"], v1["unrelatedChildren"]) == (7, 6), family  # s1 and s2 are one family
    v2 = next(c for c in shared(world, min=2, family=False)["items"] if c["context"]["id"] == "v2")
    assert (v2["childCount"], v2["unrelatedChildren"]) == (2, 1)  # in by its two children, though one family


def test_unrelated_reads_families_again_for_people_outside_the_last_read(store):
    """Families are read once for every candidate, as links among the candidates only; a
    group with someone outside that read is read again rather than split wrongly."""
    from graphsvc.model import View
    from graphsvc.patterns import Patterns

    load(store)
    patterns = Patterns(store, View(auths=frozenset(ALL)))
    patterns.learn_families(["s1", "c1"])
    assert patterns.unrelated(["s1", "c1"]) == 2  # s2 was not asked about
    assert patterns.unrelated(["s1", "s2", "c1"]) == 2  # the siblings once, and c1
    assert patterns.unrelated(["s1", "s2"]) == 1


def test_an_agency_only_link_is_invisible_and_not_counted(world):
    v1 = shared(world, auths=CSC_ONLY, min=3)["items"][0]
    assert "c4" not in [c["id"] for c in v1["children"]]
    assert v1["unrelatedChildren"] == 5
    assert assertion_id("police", "L-c4") not in str(v1)


def test_as_of_before_a_link_was_recorded(world):
    v1 = shared(world, min=3, asOf="2026-02-01T00:00:00Z")["items"][0]
    assert "c6" not in [c["id"] for c in v1["children"]]
    # before the retraction was recorded, c5 still counted
    v1 = shared(world, min=3, asOf="2026-01-20T00:00:00Z")["items"][0]
    assert "c5" in [c["id"] for c in v1["children"]]


def test_window_and_kinds(world):
    window = shared(world, min=2, **{"from": "2026-01-10T00:00:00Z", "to": "2026-01-13T00:00:00Z"}, family=False)
    assert [(c["context"]["id"], [x["id"] for x in c["children"]]) for c in window["items"]] == [("v1", ["c2", "s1", "s2"])]
    assert shared(world, min=2, kinds=["park"], family=False)["items"][0]["context"]["id"] == "v2"
    assert shared(world, min=2, kinds=["phone"], family=False)["totalCount"] == 0  # one child only


@pytest.mark.parametrize("variables, words", [
    ({"min": 1, "family": True}, "minChildren"),
    ({"min": 2, "family": True, "from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "from is after to"),
    ({"min": 2, "family": True, "kinds": ["spaceship"]}, "spaceship"),
])
def test_shared_contexts_bad_parameters(world, variables, words):
    error = world.gql(SHARED, variables, roles=["mash"], auths=ALL)["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and words in error["message"]


HISTORY = """query($id: ID!, $from: DateTime, $to: DateTime) { missingHistory(childId: $id, from: $from, to: $to) {
  child { id } last30Days last90Days last365Days medianDurationHours longestDurationHours
  placesFoundMoreThanOnce { id } peopleFoundWithMoreThanOnce { id }
  episodes { id episodeType lastSeen foundOrReturned durationHours foundAt { id } foundWith { id } policeReference riskGrade
    rhiOffered rhiAccepted rhiCompleted rhiWithin72Hours rhiReasonNone assertionIds } } }"""


def test_missing_history(world):
    h = world.data(HISTORY, {"id": "c1"}, roles=["mash"], auths=ALL)["missingHistory"]
    assert [e["id"] for e in h["episodes"]] == ["m1", "m2", "m3", "m4"]
    m1, m2, _, m4 = h["episodes"]
    assert (m1["durationHours"], m1["policeReference"], m1["riskGrade"], m1["rhiAccepted"], m1["rhiWithin72Hours"]) == (8.0, "MPR-1", "medium", True, True)
    assert m2["rhiReasonNone"] == "Child declined" and m2["rhiWithin72Hours"] is None
    assert m4["rhiWithin72Hours"] is False  # completed 5.7 days after return
    assert h["longestDurationHours"] == 24.0 and h["medianDurationHours"] == 10.0
    assert [p["id"] for p in h["placesFoundMoreThanOnce"]] == ["v1"]
    assert [p["id"] for p in h["peopleFoundWithMoreThanOnce"]] == ["a1"]
    assert assertion_id("police", "REF-m1", "found_at:v1") in m1["assertionIds"]
    # A window that cuts an episode: m3 started on 31 January, before the window.
    window = world.data(HISTORY, {"id": "c1", "from": "2026-02-01T00:00:00Z"}, roles=["mash"], auths=ALL)["missingHistory"]
    assert [e["id"] for e in window["episodes"]] == ["m4"]


def test_repeat_missing(world):
    q = "query($n: Int!, $from: DateTime, $to: DateTime) { repeatMissing(minEpisodes: $n, from: $from, to: $to) { totalCount items { child { id } episodes earlierHalf laterHalf trend assertionIds } } }"
    r = world.data(q, {"n": 3}, roles=["analyst"], auths=NAMED)["repeatMissing"]
    assert [(i["child"]["id"], i["episodes"]) for i in r["items"]] == [("c1", 4)]
    assert r["items"][0]["assertionIds"]
    assert world.data(q, {"n": 3, "from": "2026-01-10T00:00:00Z"}, roles=["analyst"], auths=NAMED)["repeatMissing"]["totalCount"] == 1
    assert world.data(q, {"n": 3, "from": "2026-01-20T00:00:00Z"}, roles=["analyst"], auths=NAMED)["repeatMissing"]["totalCount"] == 0
    assert world.gql(q, {"n": 1}, roles=["analyst"], auths=NAMED)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_co_missing(world):
    q = "query($id: ID!) { coMissing(childId: $id) { child { id } reasons { reason episode otherEpisode via { id } assertionIds } } }"
    pairs = world.data(q, {"id": "c1"}, roles=["mash"], auths=ALL)["coMissing"]
    why = {(p["child"]["id"], r["reason"], r["episode"], r["otherEpisode"], (r["via"] or {}).get("id")) for p in pairs for r in p["reasons"]}
    assert ("c2", "overlapping", "m3", "m5", None) in why
    assert ("c2", "found_with_same_person", "m1", "m5", "a1") in why
    assert ("c3", "found_at_same_place", "m1", "m6", "v1") in why
    assert {p["child"]["id"] for p in pairs} == {"c2", "c3"}
    assert world.gql(q, {"id": "a1"}, roles=["mash"], auths=ALL)["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # not a child


def test_adults_linked_to_children(world):
    q = "query($n: Int!) { adultsLinkedToChildren(minChildren: $n) { totalCount items { adult { id } children { id } unrelatedChildren links { child { id } how via { id } assertionIds } } } }"
    found = world.data(q, {"n": 2}, roles=["analyst"], auths=NAMED)["adultsLinkedToChildren"]["items"]
    # a1: found with c1 (twice) and c2, associates with c3. a2: the two siblings (one family) and c4 through the phone.
    assert [(a["adult"]["id"], [c["id"] for c in a["children"]], a["unrelatedChildren"]) for a in found] == [
        ("a1", ["c1", "c2", "c3"], 3), ("a2", ["c4", "s1", "s2"], 2)]
    hows = {(l["child"]["id"], l["how"]) for l in found[1]["links"]}
    assert ("c4", "shares_object") in hows
    assert world.data(q, {"n": 3}, roles=["analyst"], auths=NAMED)["adultsLinkedToChildren"]["totalCount"] == 1


def test_peer_network_and_graphml(world):
    q = "query($id: ID!, $hops: Int!) { peerNetwork(childId: $id, hops: $hops) { members { person { id label } degreeCentrality } edges { source { id } target { id } how assertionIds sightings } components { id } graphml } }"
    one = world.data(q, {"id": "s1", "hops": 1}, roles=["analyst"], auths=NAMED)["peerNetwork"]
    assert {m["person"]["id"] for m in one["members"]} == {"s1", "s2", "a2"}
    two = world.data(q, {"id": "s1", "hops": 2}, roles=["analyst"], auths=NAMED)["peerNetwork"]
    assert {m["person"]["id"] for m in two["members"]} == {"s1", "s2", "a2"}
    c1 = world.data(q, {"id": "c1", "hops": 2}, roles=["analyst"], auths=NAMED)["peerNetwork"]
    # c1 was found with a1, who was also found with c2 and associates with c3
    assert {m["person"]["id"] for m in c1["members"]} == {"c1", "a1", "c2", "c3"}
    assert c1["members"][0]["person"]["id"] == "a1"  # the most central
    root = ET.fromstring(c1["graphml"])
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:edge", ns)) == len(c1["edges"])
    edge_ids = {d.text for d in root.findall(".//g:edge/g:data", ns) if d.text and d.text.startswith("a-")}
    assert edge_ids == {" ".join(e["assertionIds"]) for e in c1["edges"]}
    # Police records needing the originator's consent stay out of another agency's export.
    csc = world.data(q, {"id": "c1", "hops": 2}, roles=["analyst"], agency="csc", auths=NAMED)["peerNetwork"]
    # c1 was found with a1 twice (m1, m2): one edge, two sightings; a1-c2 found_with, a1-c3 associates_with.
    assert len(csc["edges"]) == 3 and ET.fromstring(csc["graphml"]).findall(".//g:edge", ns) == []
    assert sorted((e["source"]["id"], e["target"]["id"], e["how"], e["sightings"], len(e["assertionIds"])) for e in csc["edges"]) == [
        ("a1", "c1", "found_with", 2, 4), ("a1", "c2", "found_with", 1, 2), ("a1", "c3", "associates_with", 1, 1)]
    # Analysts without identity get pseudonymous ids and labels, in the export too.
    hidden = world.data(q, {"id": world.pseudonym("c1"), "hops": 2}, roles=["analyst"], auths=ALL)["peerNetwork"]
    assert all(m["person"]["label"].startswith(("Child ", "Adult ")) for m in hidden["members"])
    assert {m["person"]["id"] for m in hidden["members"]} == {world.pseudonym(x) for x in ("c1", "a1", "c2", "c3")}
    nodes = {n.get("id") for n in ET.fromstring(hidden["graphml"]).findall(".//g:node", ns)}
    assert nodes == {world.pseudonym(x) for x in ("c1", "a1", "c2", "c3")}
    assert not any(raw in hidden["graphml"] for raw in ('"c1"', '"a1"', "Child c1"))
    assert world.gql(q, {"id": "c1", "hops": 4}, roles=["analyst"], auths=NAMED)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_patterns_need_the_right_role_and_a_purpose(world):
    q = '{ repeatMissing(minEpisodes: 2) { totalCount } }'
    assert world.error_code(q, roles=["practitioner"], auths=ALL) == "FORBIDDEN"
    assert world.error_code(q, roles=["analyst"], auths=ALL, purpose=None) == "FORBIDDEN"


def test_episode_patterns_read_each_episode_once_and_together(store):
    """An episode's facts were a store read each (a round trip each on Neo4j: hundreds in a
    month's window, seconds for coMissing at large-la, which looks at a window per episode of
    the child's). Now no read is about one episode: they are read together, and each
    episode's facts and subjects at most once in a query."""
    from collections import Counter

    from graphsvc.model import View
    from graphsvc.patterns import Patterns

    load(store)
    episodes = {f"m{i}" for i in range(1, 7)}
    reads: list[tuple[str, object, tuple[str, ...]]] = []

    def watch(name):
        real = getattr(store, name)

        def counted(ids, view, *args, **kwargs):
            asked = (ids,) if isinstance(ids, str) else tuple(ids)
            predicate = args[0] if args else kwargs.get("predicate", kwargs.get("predicates"))
            reads.append((name, predicate if isinstance(predicate, (str, type(None))) else tuple(predicate), asked))
            return real(asked[0] if isinstance(ids, str) else asked, view, *args, **kwargs)

        return counted

    for name in ("about", "about_each", "kind_of"):
        setattr(store, name, watch(name))
    view = View(frozenset(ALL), "police")

    def check(answer):
        assert [r for r in reads if r[0] in ("about", "kind_of") and r[2][0] in episodes] == []
        per_episode = Counter((predicate, e) for name, predicate, asked in reads if name == "about_each" for e in asked if e in episodes)
        assert per_episode and max(per_episode.values()) == 1, per_episode
        reads.clear()
        return answer

    assert [(r.child, r.episodes) for r in check(Patterns(store, view).repeat_missing(2, None, None))] == [("c1", 4)]
    assert [e.id for e in check(Patterns(store, view).missing_history("c1", None, None)).episodes] == ["m1", "m2", "m3", "m4"]
    assert {c.child for c in check(Patterns(store, view).co_missing("c1", None, None))} == {"c2", "c3"}


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 150), st.one_of(st.none(), st.integers(0, 40 * 24))), min_size=1, max_size=14))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_co_missing_finds_the_overlaps_its_windows_would_each_find(tmp_path_factory, episodes):
    """coMissing asks the store about each stretch of time its episodes' windows cover once
    (merged), and gives each window its own share: the overlaps must be those found by asking
    about each window on its own (missing_episodes_in), for any spread of episodes, open
    ones included."""
    from datetime import datetime, timedelta, timezone

    from graphsvc.model import View, format_time
    from graphsvc.patterns import LONGEST_EPISODE, Patterns
    from graphsvc.store import EmbeddedStore

    day0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    children = [f"k{i}" for i in range(4)]
    records = [entity(c, "child", scope=S, source_ref=f"REF-{c}", recorded_at="2024-12-01T00:00:00Z") for c in children]
    for n, (child, days, hours) in enumerate(episodes):
        started = day0 + timedelta(days=days, hours=n)
        ended = None if hours is None else started + timedelta(hours=hours)
        record = mis(f"e{n}", f"k{child}", format_time(started), None if ended is None else format_time(ended), recorded_at="2025-12-01T00:00:00Z")
        if ended is None:  # still missing
            del record["ended_on"]
        records.append(record)
    with EmbeddedStore(tmp_path_factory.mktemp("co") / "s.db") as store:
        import_records(store, records)
        view = View(frozenset(ALL), "police")
        for child in children:
            found = {(p.child, r.episode, r.other_episode) for p in Patterns(store, view).co_missing(child, None, None) for r in p.reasons if r.reason == "overlapping"}
            expected = set()
            patterns = Patterns(store, view)
            for mine in patterns.episodes_of(child):
                window_end = mine.ended or mine.started
                for other in patterns.missing_episodes_in(mine.started - LONGEST_EPISODE, window_end):
                    if other.child != child and other.started <= window_end and (other.ended or other.started) >= mine.started:
                        expected.add((other.child, mine.id, other.id))
            assert found == expected

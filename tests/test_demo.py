"""The synthetic demo data: valid, importable, deterministic, and carrying the planted patterns."""

from __future__ import annotations

import io
import itertools
import json
import re
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest

from graphsvc import demo, ingest
from graphsvc.model import parse_time
from graphsvc.scope import visible
from graphsvc.store.embedded import EmbeddedStore

NOW = demo.DEFAULT_NOW


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(demo.generate("small", seed=7))


@pytest.fixture(scope="module")
def store(records, tmp_path_factory):
    s = EmbeddedStore(tmp_path_factory.mktemp("demo") / "demo.db")
    s.append(ingest.prepare(enumerate(records, 1), s))
    yield s
    s.close()


def _times(record: dict) -> list[datetime]:
    out = [parse_time(record[k]) for k in ("valid_from", "valid_to", "occurred_on", "ended_on") if k in record]
    for name in ("rhi_offered_on", "rhi_completed_on"):
        if name in record.get("attributes", {}):
            out.append(parse_time(record["attributes"][name]))
    return out


# --- validity and shape --------------------------------------------------------------------------


def test_small_generates_quickly():
    start = time.perf_counter()
    n = sum(1 for _ in demo.generate("small"))
    assert time.perf_counter() - start < 2
    assert n > 1000


def test_small_imports_with_no_errors(records, store):
    expected = sum(demo.count_assertions(r) for r in records)
    assert store.count() == expected
    assert 3000 < expected < 20000
    kinds = Counter(r["kind"] for r in records if r["type"] in ("entity", "event"))
    assert 150 <= len({r["id"] for r in records if r.get("kind") == "child"}) <= 500
    for kind in ("agency", "professional", "child", "adult", "address", "school", "venue", "park", "transport_route",
                 "peer_group", "phone", "vehicle", "contact", "incident", "hospital_attendance", "missing_episode", "strategy_meeting"):
        assert kinds[kind] > 0, kind
    assert {r["id"] for r in records if r.get("kind") == "agency"} >= {"police", "csc", "health", "education", "yjs"}


def test_every_record_carries_full_provenance(records):
    refs: dict[str, set[str]] = defaultdict(set)
    statuses = Counter()
    for r in records:
        agency = r["agency"]
        assert r["recorded_by"].startswith(f"pro-{agency}-")
        assert r["source_ref"].startswith(demo.PREFIX[agency] + "-")
        assert r["source_ref"] not in refs[agency], r
        refs[agency].add(r["source_ref"])
        assert r["method"] and r["status"] and r["handling"]
        assert r["scope"] in demo.SCOPES
        recorded = parse_time(r["recorded_at"])
        assert recorded < NOW
        for t in _times(r):
            assert t <= recorded, r  # record time is on or after valid time
        if agency == "police":
            assert r["source_reliability"] in "123" and r["information_confidence"] in "ABCDE"
        statuses[r["status"]] += 1
    assert statuses.most_common(1)[0][0] == "fact"
    assert set(statuses) == {"fact", "opinion", "allegation", "professional_judgement"}


def test_deterministic_per_seed(records):
    assert list(demo.generate("small", seed=7)) == records
    assert list(demo.generate("small", seed=8)) != records


def test_write_json_lines(records, tmp_path):
    buf = io.StringIO()
    assert demo.write(buf, "small", 7) == len(records)
    lines = buf.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == records
    assert ", " not in lines[0] and '": ' not in lines[0]  # compact separators
    path = tmp_path / "demo.jsonl"
    assert demo.write(path, "small", 7) == len(records)
    assert path.read_text(encoding="utf-8") == buf.getvalue()


def test_now_can_be_overridden():
    now = datetime(2025, 6, 1, 12, tzinfo=timezone.utc)
    recs = list(demo.generate("small", seed=7, now=now))
    assert max(parse_time(r["recorded_at"]) for r in recs) < now
    episodes = [r for r in recs if r.get("kind") == "missing_episode" and r["participants"][0]["id"] == demo.REPEAT_CHILD]
    assert all(now - timedelta(days=365) <= parse_time(e["occurred_on"]) < now for e in episodes)


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError):
        demo.generate("huge")


def test_large_la_is_a_lazy_stream():
    start = time.perf_counter()
    first = list(itertools.islice(demo.generate("large-la", seed=7), 1000))
    assert len(first) == 1000
    assert time.perf_counter() - start < 3


# --- synthetic, not real, personal data ----------------------------------------------------------


def test_names_come_only_from_the_built_in_lists(records):
    people = [r for r in records if r["type"] == "entity" and r["kind"] in ("child", "adult", "professional")]
    assert people
    for r in people:
        names = r["attributes"]["name"]
        for name in names if isinstance(names, list) else [names]:
            first, last = name.split(" ")
            assert first in demo.FIRST_NAMES and last in demo.SURNAMES, name
    for r in records:  # and no name is slipped in through a later assertion
        assert not (r["type"] == "assertion" and r["predicate"] == "name")


def test_identifiers_are_in_never_issued_ranges(records):
    text = "\n".join(json.dumps(r) for r in records)
    postcodes = re.findall(r"\b([A-Z]{1,2}\d{1,2}[A-Z]?) \d[A-Z]{2}\b", text)
    assert postcodes and all(p.startswith("ZZ") for p in postcodes)
    idents = [r["attributes"]["identifier"] for r in records if r["type"] == "entity" and "identifier" in r["attributes"]]
    nhs = [i for i in idents if i.startswith("NHS:")]
    assert nhs and all(re.fullmatch(r"NHS:999\d{7}", i) for i in nhs)
    assert len(set(nhs)) == len({r["id"] for r in records if r["type"] == "entity" and r["attributes"].get("identifier", "").startswith("NHS:")})
    phones = [i for i in idents if i.startswith("TEL:")]
    assert phones and all(re.fullmatch(r"TEL:07700900\d{3}", i) for i in phones)
    vrms = [i for i in idents if i.startswith("VRM:")]
    assert vrms and all(re.fullmatch(r"VRM:ZZ\d{2} [A-Z]{3}", i) for i in vrms)
    assert len(set(vrms)) == len(vrms)


def test_children_are_aged_8_to_17(records):
    for r in records:
        if r["type"] == "entity" and r["kind"] == "child":
            dob = date.fromisoformat(r["attributes"]["date_of_birth"])
            age = NOW.date().year - dob.year - ((NOW.date().month, NOW.date().day) < (dob.month, dob.day))
            assert 8 <= age <= 17, r


def test_missing_episodes_have_realistic_shape(records):
    episodes = [r for r in records if r.get("kind") == "missing_episode"]
    hours = [(parse_time(e["ended_on"]) - parse_time(e["occurred_on"])).total_seconds() / 3600 for e in episodes]
    assert sum(h <= 24 for h in hours) / len(hours) > 0.6  # most found within a day
    assert max(hours) > 24  # with a tail
    for e in episodes:
        a = e["attributes"]
        assert a["episode_type"] in ("missing", "away_without_authorisation") and a["police_reference"] and a["risk_grade"]
        assert ("rhi_completed_on" in a) + ("rhi_reason_none" in a) <= 1
        assert e["participants"][0]["role"] == "subject"


# --- the planted patterns -------------------------------------------------------------------------


def _ids(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _ids(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _ids(v, key)
    elif isinstance(value, str) and key not in ("predicate", "predicates", "scope"):
        yield value


def test_planted_is_the_same_at_every_scale_and_seed():
    assert demo.planted("small", 7) == demo.planted("large-la", 99) == demo.PLANTED


def test_every_planted_id_exists(store):
    ids = list(_ids(demo.PLANTED))
    assert len(ids) > 30
    for i in ids:
        if i.startswith("a-"):
            assert store.assertion(i) is not None, i
        else:
            assert store.kind_of(i) is not None, i


def _subjects_of(store, event: str) -> list[str]:
    return [a.subject for a in store.about(event, None, ["involved_in"], incoming=True) if a.role == "subject"]


def test_hotspot_venue_links_unrelated_children_across_agencies(store):
    p = demo.PLANTED["hotspot_venue"]
    assert store.kind_of(p["venue"]) == "venue"
    children, agencies = set(), set()
    for a in store.about(p["venue"], None, incoming=True):
        if a.predicate == "seen_at" and store.kind_of(a.subject) == "child":
            children.add(a.subject)
            agencies.add(a.agency)
        elif a.predicate == "found_at":
            children.update(_subjects_of(store, a.subject))
            agencies.add(a.agency)
    assert children == set(p["children"])
    assert p["retracted_child"] not in children
    assert agencies == set(p["agencies"])
    # group the children into families: the siblings count once
    family = {c: {c} for c in children}
    for c in children:
        for a in store.about(c, None, ["family_member_of"]):
            if a.object in children:
                merged = family[c] | family[a.object]
                for m in merged:
                    family[m] = merged
    groups = {frozenset(g) for g in family.values()}
    assert len(groups) >= 4
    assert frozenset(demo.PLANTED["siblings"]["children"]) in groups
    assert len(set(p["unrelated_children"])) == len(groups)


def test_siblings_share_a_parent_and_both_frequent_the_venue(store):
    p = demo.PLANTED["siblings"]
    a, b = p["children"]
    assert any(x.object == b and x.role == "sibling" for x in store.about(a, None, ["family_member_of"]))
    for child in (a, b):
        assert any(x.object == p["venue"] for x in store.about(child, None, ["seen_at"]))
        assert any(x.subject == p["parent"] and x.role == "parent" for x in store.about(child, None, ["family_member_of"], incoming=True))


def _episodes(store, child: str) -> list[str]:
    return [a.object for a in store.about(child, None, ["involved_in"]) if store.kind_of(a.object) == "missing_episode" and a.role == "subject"]


def _when(store, event: str, predicate: str) -> datetime:
    (a,) = store.about(event, None, [predicate])
    return parse_time(a.value)


def test_repeat_missing_child(store):
    p = demo.PLANTED["repeat_missing"]
    recent = [e for e in _episodes(store, p["child"]) if NOW - timedelta(days=365) <= _when(store, e, "occurred_on") < NOW]
    assert len(recent) >= p["min_episodes_365d"] >= 8
    assert set(p["episodes"]) <= set(recent)
    assert [a.value for a in store.about(p["child"], None, ["looked_after"])] == [True]


def test_two_children_missing_together_found_with_the_same_adult(store):
    p = demo.PLANTED["missing_together"]
    assert store.kind_of(p["found_with"]) == "adult"
    for ea, eb in p["episodes"]:
        assert _subjects_of(store, ea) == [p["children"][0]] and _subjects_of(store, eb) == [p["children"][1]]
        # the episodes overlap in time
        assert _when(store, ea, "occurred_on") < _when(store, eb, "ended_on")
        assert _when(store, eb, "occurred_on") < _when(store, ea, "ended_on")
        for e in (ea, eb):
            assert [a.object for a in store.about(e, None, ["found_with"])] == [p["found_with"]]
            assert [a.object for a in store.about(e, None, ["found_at"])] == [p["found_at"]]


def test_police_only_assertion(store):
    p = demo.PLANTED["police_only"]
    a = store.assertion(p["assertion"])
    assert (a.subject, a.predicate, a.object, a.scope) == (p["subject"], p["predicate"], p["object"], "police")
    assert visible(a.scope, frozenset({"police"}))
    assert not visible(a.scope, frozenset({"csc"}))
    assert not visible(a.scope, frozenset({"csc", "mash", "health", "education", "yjs"}))


def test_correction_supersedes_the_earlier_fact(store):
    p = demo.PLANTED["correction"]
    new, old = store.assertion(p["assertion"]), store.assertion(p["supersedes"])
    assert new.supersedes == old.id
    assert (old.agency, old.subject, old.predicate) == (new.agency, new.subject, new.predicate) == (p["agency"], p["subject"], p["predicate"])
    assert old.value != new.value and new.recorded_at > old.recorded_at
    current = store.about(p["subject"], None, predicates=[p["predicate"]])
    assert old.id not in {a.id for a in current}
    assert new.id in {a.id for a in current}
    # other agencies held the right date all along
    assert {a.value for a in current} == {new.value}


def test_retraction_withdraws_the_sighting(store):
    p = demo.PLANTED["retraction"]
    retraction, target = store.assertion(p["assertion"]), store.assertion(p["retracts"])
    assert retraction.retraction and retraction.supersedes == target.id
    assert (target.subject, target.predicate, target.object, target.agency) == (p["subject"], p["predicate"], p["object"], p["agency"])
    assert target.id not in {a.id for a in store.about(p["subject"], None, predicates=[p["predicate"]])}


def test_background_noise_surrounds_the_patterns(records):
    planted_children = set(demo.PLANTED["hotspot_venue"]["children"]) | {demo.PLANTED["retraction"]["subject"], demo.PLANTED["correction"]["subject"]}
    missing = Counter(r["participants"][0]["id"] for r in records if r.get("kind") == "missing_episode")
    assert len(set(missing) - planted_children) >= 5
    assert sum(1 for r in records if r["type"] == "retraction") > 1
    assert sum(1 for r in records if r["type"] == "assertion" and "supersedes" in r) > 1

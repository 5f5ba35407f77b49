"""Bulk import: validation that names line and field, atomicity, idempotence."""

from __future__ import annotations

import dataclasses
import itertools
import json

import pytest
from hypothesis import given, settings, strategies as st

from graphsvc import demo, ingest, records as record_types, vocabulary as v
from graphsvc.bulk import import_file, import_records
from graphsvc.ingest import IngestError, Provenance
from graphsvc.model import Assertion, assertion_id, parse_time
from records import entity, event, link, retraction, value


def write(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def good_records():
    return [
        entity("child-1", "child", attributes={"name": "Kit Example", "date_of_birth": "2011-02-03"}),
        entity("venue-1", "venue", attributes={"name": "Late Shop"}),
        link("child-1", "seen_at", "venue-1", valid_from="2026-01-05T22:00:00Z"),
        event("mis-1", "missing_episode", "2026-01-05T18:00:00Z", ended_on="2026-01-06T01:00:00Z",
              attributes={"episode_type": "missing", "risk_grade": "medium"},
              participants=[{"id": "child-1", "role": "subject"}], found_at=["venue-1"]),
    ]


def test_a_good_file_imports(store, tmp_path):
    result = import_file(store, write(tmp_path / "ok.jsonl", good_records()))
    assert result.records == 4
    # entity child: kind+2 attrs; venue: kind+name; link; event: kind, type, risk, occurred_on, ended_on, participant, found_at
    assert result.written == 3 + 2 + 1 + 7 == store.count()


def test_a_bad_file_changes_nothing_and_every_error_names_line_and_field(store, tmp_path):
    import_records(store, [entity("child-0", "child")])
    before = list(store.log())
    records = good_records()
    records.insert(1, "{not json")  # line 2
    records[2]["attributes"]["name"] = 42  # line 3: wrong type
    records.append(link("child-1", "seen_at", "nowhere-9"))  # line 6: unknown id
    records.append({**value("child-1", "date_of_birth", "2011-13-45")})  # line 7: bad date
    records.append({**entity("child-2", "child"), "scope": "a|b&c"})  # line 8: bad scope
    records.append({**entity("child-3", "child"), "method": "guessed"})  # line 9: bad enum
    records.append(link("child-1", "lives_at", "venue-1"))  # line 10: wrong object kind
    with pytest.raises(IngestError) as info:
        import_file(store, write(tmp_path / "bad.jsonl", records))
    found = {(e.line, e.path) for e in info.value.errors}
    assert (2, "$") in found
    assert (3, "$.attributes.name") in found
    assert (6, "$.object") in found
    assert (7, "$.value") in found
    assert (8, "$.scope") in found
    assert (9, "$.method") in found
    assert (10, "$.object") in found
    messages = {e.line: e.message for e in info.value.errors}
    assert "nowhere-9" in messages[6]
    assert "mixed" in messages[8]
    assert "address" in messages[10]
    assert list(store.log()) == before


@pytest.mark.parametrize("record, path, words", [
    ({"type": "nonsense"}, "$.type", "must be one of"),
    ([1, 2], "$", "JSON object"),
    ({**entity("c-1", "child"), "extra": 1}, "$", "extra"),
    ({k: v for k, v in entity("c-1", "child").items() if k != "agency"}, "$", "agency"),
    (entity("c-1", "child", recorded_at="2999-01-01T00:00:00Z"), "$.recorded_at", "future"),
    (link("c-0", "seen_at", "c-0", valid_from="2026-02-01", valid_to="2026-01-01"), "$.valid_to", "before valid_from"),
    (link("c-0", "involved_in", "c-0", role="sibling"), "$.object", "missing_episode"),
    (value("c-0", "seen_at", "x"), "$.object", "links two entities"),
    (value("c-0", "looked_after", "yes"), "$.value", "true or false"),
    (retraction("a-000000000000000000000000"), "$.retracts", "unknown assertion"),
])
def test_each_kind_of_bad_record_is_named(store, record, path, words):
    import_records(store, [entity("c-0", "child")])
    with pytest.raises(IngestError) as info:
        import_records(store, [record])
    assert any(e.path == path and words in e.message for e in info.value.errors), info.value.errors
    assert store.count() == 1


def test_reimport_is_idempotent(store, tmp_path):
    path = write(tmp_path / "ok.jsonl", good_records())
    import_file(store, path)
    log = list(store.log())
    again = import_file(store, path)
    assert again.written == 0
    assert list(store.log()) == log


def test_reimport_with_changed_content_is_refused(store):
    rec = entity("child-1", "child", attributes={"name": "A"})
    import_records(store, [rec])
    with pytest.raises(IngestError, match="already recorded with different content"):
        import_records(store, [{**rec, "attributes": {"name": "B"}}])


def test_validation_reads_the_store_in_bulk_not_once_per_record(store):
    """Records refer to entities and assertions already stored; validation asks the store about
    them a chunk at a time (one round trip per record is what made a Neo4j import crawl)."""
    from graphsvc import ingest

    stored = [entity(f"child-{i}", "child") for i in range(30)] + [entity("venue-1", "venue")]
    import_records(store, stored)
    calls: list[tuple[str, int]] = []

    class Counting:
        def kinds_of(self, ids, view=None):
            ids = list(ids)
            calls.append(("kinds_of", len(ids)))
            return store.kinds_of(ids, view)

        def assertions(self, ids, view=None):
            ids = list(ids)
            calls.append(("assertions", len(ids)))
            return store.assertions(ids, view)

    target = assertion_id("police", stored[3]["source_ref"], "kind")
    records = [link(f"child-{i}", "seen_at", "venue-1") for i in range(30)] + [stored[0]]
    out = ingest.prepare(enumerate(records + [retraction(target, agency="police")], 1), Counting())
    assert len(out) == 31  # 30 links and the retraction; child-0's kind is stored already
    assert calls == [("kinds_of", 31), ("assertions", 1), ("assertions", 32)]
    with pytest.raises(IngestError, match=r"line 2: \$\.object: unknown object entity 'venue-2'") as caught:
        ingest.prepare(enumerate([records[0], link("child-1", "seen_at", "venue-2")], 1), Counting())
    assert len(caught.value.errors) == 1


def test_only_the_recording_agency_may_correct(store):
    rec = entity("child-1", "child", agency="police", attributes={"name": "A"})
    import_records(store, [rec])
    target = assertion_id("police", rec["source_ref"], "attr:name:0")
    with pytest.raises(IngestError, match="only that agency"):
        import_records(store, [value("child-1", "name", "B", agency="csc", supersedes=target)])
    with pytest.raises(IngestError, match="keep the subject and predicate"):
        import_records(store, [value("child-1", "gender", "x", agency="police", supersedes=target)])


def test_records_may_refer_to_entities_earlier_in_the_same_file(store):
    import_records(store, [entity("a-1", "adult"), entity("c-1", "child"), link("c-1", "associates_with", "a-1")])
    assert [a.object for a in store.about("c-1", None, ["associates_with"])] == ["a-1"]


def test_an_entity_cannot_change_kind(store):
    import_records(store, [entity("x-1", "child")])
    with pytest.raises(IngestError, match="already recorded as a child"):
        import_records(store, [entity("x-1", "adult", agency="csc")])


def test_not_utf8(store, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"type": "entity", "id": "c\xe9"}\n')
    with pytest.raises(IngestError, match="UTF-8"):
        import_file(store, path)
    assert store.count() == 0


def test_provenance_fields_are_in_the_order_an_assertion_takes_them():
    # Batch._put passes them on positionally.
    assertion_fields = [f.name for f in dataclasses.fields(Assertion)]
    assert list(Provenance._fields[:12]) == assertion_fields[6:18] and Provenance._fields[12] == "notify_owner"


def _date_check_without_shortcut(text: str) -> str | None:
    """What _check_value said of a date before _plain_date (kept here to compare)."""
    try:
        parse_time(text)
    except ValueError:
        return "is not a valid date (ISO 8601)"
    return None if len(text) == 10 else "must be a date (YYYY-MM-DD)"


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.dates().map(str),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),  # ISO 8601 too, but not YYYY-MM-DD
    st.dates().map(lambda d: d.strftime("%G-W%V-%u")),  # a week date: ten characters
    st.text(alphabet="0123456789-WTZ +:.", min_size=8, max_size=12),
    st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
    st.text(max_size=12),
))
def test_the_date_shortcut_answers_as_the_full_reading(text):
    assert ingest._check_value(v.PREDICATES["date_of_birth"], text) == _date_check_without_shortcut(text)


# -- the fast schema check: it may only ever shorten the way to "valid"

_ODD_TEXT = st.sampled_from(["", " ", "child-1", "child-1\n", "-x", "a" * 129, "٢٠٢٦-01-05", "2026-01-05", "2026-01-05T22:00:00Z",
                             "2026-01-05T22:00:00+01:00", "2026-1-5", "police|mash", "observed", "fact", "subject", "missing_episode",
                             "seen_at", "name", "\ud800", "é" * 128, "😀" * 129])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
    | st.floats(allow_nan=False, allow_infinity=False) | _ODD_TEXT | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_ODD_TEXT | st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def near_valid_records(draw):
    """A record type's example with a few of its fields (or its attributes' or participants')
    changed, removed or added: JSON values only, as read_jsonl and the API hand them over."""
    kind = draw(st.sampled_from(sorted(record_types.RECORD_TYPES)))
    record = json.loads(json.dumps(draw(st.sampled_from(record_types.RECORD_TYPES[kind]["examples"]))))
    names = sorted(record_types.RECORD_TYPES[kind]["properties"]) + ["extra"]
    for _ in range(draw(st.integers(1, 3))):
        target = record
        inner = draw(st.sampled_from(["top", "attributes", "participants"]))
        if inner == "attributes" and isinstance(record.get("attributes"), dict):
            target, key = record["attributes"], draw(st.sampled_from(sorted(v.PREDICATES) + ["made_up"]))
        elif inner == "participants" and isinstance(record.get("participants"), list) and record["participants"] and isinstance(record["participants"][0], dict):
            target, key = record["participants"][0], draw(st.sampled_from(["id", "role", "extra"]))
        else:
            key = draw(st.sampled_from(names))
        if key != "type" and draw(st.booleans()) and key in target:
            del target[key]
        else:
            target[key] = draw(_JSON)
    return kind, record


@settings(max_examples=400, deadline=None)
@given(near_valid_records())
def test_the_fast_schema_check_never_passes_what_jsonschema_refuses(case):
    kind, record = case
    if ingest.schema_says_yes(kind, record):
        assert list(ingest._VALIDATORS[kind].iter_errors(record)) == [], record


def test_the_fast_schema_check_passes_good_records():
    """Else every record would take jsonschema's slow way (right, but five times the cost)."""
    good = [r for kind in record_types.RECORD_TYPES for r in record_types.RECORD_TYPES[kind]["examples"]] + list(itertools.islice(demo.generate("small", seed=3), 3000))
    assert good and all(ingest.schema_says_yes(r["type"], r) for r in good)


def test_what_the_fast_check_cannot_read_is_judged_by_jsonschema(store):
    with pytest.raises(IngestError) as info:
        import_records(store, [entity("child-1", "child", attributes={1: "a"}), {**entity("child-2", "child"), "recorded_by": b"x"}])
    assert {(e.line, e.path) for e in info.value.errors} >= {(1, "$.attributes"), (2, "$.recorded_by")}


# -- naming a target by the agency's own reference for it: {"agency", "source_ref"}

def _by_source(source_ref, agency=None):
    return {"source_ref": source_ref, **({"agency": agency} if agency else {})}


def test_a_retraction_may_name_its_target_by_source_earlier_in_the_file(store):
    seen = link("child-1", "seen_at", "venue-1")
    result = import_records(store, [*good_records(), seen, retraction(_by_source(seen["source_ref"], "police"))])
    target = assertion_id("police", seen["source_ref"])
    (withdrawn,) = store.superseders(target)
    assert withdrawn.retraction and withdrawn.supersedes == target
    assert target not in {a.id for a in store.about("child-1", None)}  # no longer current
    assert result.kinds == {"entity": 2, "assertion": 1, "event": 1, "retraction": 1} | {"assertion": 2}


def test_a_retraction_and_a_correction_may_name_a_stored_target_by_source(store):
    import_records(store, good_records())
    stored = value("child-1", "gender", "male", agency="csc")
    import_records(store, [stored])
    target = assertion_id("csc", stored["source_ref"])
    # The agency defaults to the record's own: csc's source_ref, not another agency's.
    fix = {**value("child-1", "gender", "female", agency="csc"), "supersedes": _by_source(stored["source_ref"])}
    import_records(store, [fix])
    (correction,) = store.superseders(target)
    assert correction.supersedes == target and correction.value == "female" and not correction.retraction
    import_records(store, [retraction(_by_source(fix["source_ref"], "csc"), agency="csc")])
    (withdrawn,) = store.superseders(correction.id)
    assert withdrawn.retraction
    assert [a.value for a in store.about("child-1", None, ["gender"])] == []


@pytest.mark.parametrize("chunk", [2, 5000], ids=["chunks-of-2", "one-chunk"])
def test_a_target_named_by_source_is_found_in_an_earlier_chunk_and_in_its_own(store, monkeypatch, chunk):
    monkeypatch.setattr(ingest, "CHUNK", chunk)
    records = good_records()
    seen = [link("child-1", "seen_at", "venue-1") for _ in range(3)]
    # The first retraction's target is chunks back; the second's is the record just before it.
    records += [seen[0], entity("child-2", "child"), entity("child-3", "child"), retraction(_by_source(seen[0]["source_ref"])),
                seen[1], retraction(_by_source(seen[1]["source_ref"])), seen[2]]
    import_records(store, records)
    retracted = {a.supersedes for a in store.log() if a.retraction}
    assert retracted == {assertion_id("police", s["source_ref"]) for s in seen[:2]}


@pytest.mark.parametrize("stored_first", [False, True], ids=["in-file", "in-store"])
def test_an_ambiguous_or_unknown_source_is_refused_and_changes_nothing(store, stored_first):
    person = entity("child-9", "child", attributes={"name": "Ash Example"})  # two assertions under one source_ref
    reused = [entity("venue-2", "venue", source_ref="POL-REUSED"), value("child-1", "gender", "male", source_ref="POL-REUSED")]  # reused by the agency
    earlier = [*good_records(), person, *reused]
    if stored_first:
        import_records(store, earlier)
        earlier = []
    before = list(store.log())
    cases = [
        (retraction(_by_source(person["source_ref"])), "AMBIGUOUS_TARGET", "2 assertions"),
        (retraction(_by_source("POL-REUSED")), "AMBIGUOUS_TARGET", "2 assertions"),
        (retraction(_by_source("POL-NEVER")), "UNKNOWN_TARGET", "no assertion"),
        (retraction(_by_source(person["source_ref"], "csc"), agency="csc"), "UNKNOWN_TARGET", "agency csc"),
    ]
    for bad, code, words in cases:
        with pytest.raises(IngestError) as info:
            import_records(store, [*earlier, bad])
        (error,) = info.value.errors
        assert (error.line, error.path, error.code) == (len(earlier) + 1, "$.retracts", code)
        assert words in error.message and code in str(error)
        assert list(store.log()) == before
    ids = [assertion_id("police", person["source_ref"], part) for part in ("kind", "attr:name:0")]
    with pytest.raises(IngestError) as info:
        import_records(store, [*earlier, retraction(_by_source(person["source_ref"]))])
    assert all(i in info.value.errors[0].message for i in ids)  # the candidates, to choose from by id


def test_a_source_of_another_agency_is_refused_as_its_id_is(store):
    stored = value("child-1", "gender", "male", agency="csc")
    import_records(store, [*good_records(), stored])
    with pytest.raises(IngestError, match="only that agency may correct or retract it"):
        import_records(store, [retraction(_by_source(stored["source_ref"], "csc"), agency="police")])


def test_a_malformed_source_target_is_named_by_the_schema(store):
    import_records(store, good_records())
    for bad in ({}, {"agency": "police"}, {"source_ref": ""}, {"source_ref": "X", "extra": 1}, {"source_ref": 7}):
        with pytest.raises(IngestError) as info:
            import_records(store, [retraction(bad)])
        assert {e.path for e in info.value.errors} <= {"$.retracts", "$.retracts.source_ref"} and info.value.errors


def test_targets_named_by_source_are_looked_up_once_a_chunk(store, monkeypatch):
    """As entities and ids are: one round trip per chunk, not per record (Neo4j)."""
    monkeypatch.setattr(ingest, "CHUNK", 50)
    stored = [value("child-1", "gender", "male") for _ in range(40)]
    import_records(store, [*good_records(), *stored])
    asked: list[int] = []

    class Counting:
        kinds_of = staticmethod(store.kinds_of)
        assertions = staticmethod(store.assertions)

        def by_source(self, sources, view=None):
            sources = list(sources)
            asked.append(len(sources))
            return store.by_source(sources, view)

    records = [retraction(_by_source(s["source_ref"])) for s in stored] + [retraction(_by_source(s["source_ref"])) for s in stored[:20]]
    out = ingest.prepare(enumerate(records, 1), Counting())
    assert len(out) == 60 and asked == [40]  # 40 sources in the first chunk; the second names none new


def test_by_source_gives_each_sources_assertions_as_the_view_sees_them(store):
    from graphsvc.model import View

    person = entity("child-9", "child", attributes={"name": "Ash Example"}, scope="police")
    shared = value("child-9", "gender", "male", agency="csc", scope="csc", source_ref="SHARED-REF")
    same_ref = value("child-9", "date_of_birth", "2012-01-01", scope="police", source_ref="SHARED-REF")
    import_records(store, [person, shared, same_ref])
    everything = store.by_source([("police", person["source_ref"]), ("police", "SHARED-REF"), ("csc", "SHARED-REF"), ("police", "NONE")])
    assert {k: [a.id for a in v] for k, v in everything.items()} == {
        ("police", person["source_ref"]): [assertion_id("police", person["source_ref"], p) for p in ("kind", "attr:name:0")],
        ("police", "SHARED-REF"): [assertion_id("police", "SHARED-REF")],
        ("csc", "SHARED-REF"): [assertion_id("csc", "SHARED-REF")],
    }
    police = View(auths=frozenset({"police"}), agency="police")
    assert set(store.by_source([("police", "SHARED-REF"), ("csc", "SHARED-REF")], police)) == {("police", "SHARED-REF")}
    assert store.by_source([], None) == {}


def test_through_the_api_a_source_target_is_the_callers_agencys(live, store):
    import_records(store, good_records())
    mutation = "mutation($records: [JSON!]!) { recordAssertions(records: $records) { written assertions { id } } }"
    rec = {"type": "assertion", "subject": "child-1", "predicate": "gender", "value": "female", "source_ref": "CSC-9", "method": "self_reported", "status": "fact"}
    live.data(mutation, {"records": [rec]}, agency="csc", auths=["csc"])
    withdraw = {"type": "retraction", "retracts": {"source_ref": "CSC-9"}, "reason": "wrong child", "source_ref": "CSC-10", "method": "document", "status": "fact"}
    # police has no CSC-9: the target is looked for under the caller's agency, as the caller sees it
    error = live.gql(mutation, {"records": [withdraw]}, agency="police", auths=["police", "csc"])["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "UNKNOWN_TARGET" in error["message"]
    (written,) = live.data(mutation, {"records": [withdraw]}, agency="csc", auths=["csc"])["recordAssertions"]["assertions"]
    assert store.assertion(written["id"]).supersedes == assertion_id("csc", "CSC-9")


def test_neo4j_assertions_holding_source_ref_in_detail_only_are_found_by_source_once_reopened(neo4j_for_tests):
    """Neo4j stores written before the assertion_source index kept source_ref inside `detail`:
    the first store to make the index gives those nodes the property, so by_source finds them."""
    from conftest import need_neo4j
    from graphsvc.store.neo4j import Neo4jStore

    n4 = need_neo4j(neo4j_for_tests)
    first = n4.store()
    stored = value("child-1", "gender", "male")
    import_records(first, [*good_records(), stored])
    before = list(first.log())
    first.close()
    nodes = n4.driver.execute_query("MATCH (a:Assertion) RETURN a.id, a.detail, a.source_ref", database_=n4.database).records
    old_shape = [{"id": i, "detail": json.dumps({**json.loads(detail), "source_ref": source_ref})} for i, detail, source_ref in nodes]
    n4.driver.execute_query("UNWIND $rows AS row MATCH (a:Assertion {id: row.id}) SET a.detail = row.detail REMOVE a.source_ref",
                            rows=old_shape, database_=n4.database)
    n4.driver.execute_query("DROP INDEX assertion_source", database_=n4.database)
    reopened = Neo4jStore(n4.uri, database=n4.database, driver=n4.driver, replan="skip")
    try:
        assert list(reopened.log()) == before
        target = assertion_id("police", stored["source_ref"])
        assert [a.id for a in reopened.by_source([("police", stored["source_ref"])])[("police", stored["source_ref"])]] == [target]
        import_records(reopened, [retraction(_by_source(stored["source_ref"]))])
        assert [a.supersedes for a in reopened.superseders(target)] == [target]
    finally:
        reopened.close()
    unset = n4.driver.execute_query("MATCH (a:Assertion) WHERE a.source_ref IS NULL RETURN count(a)", database_=n4.database).records[0][0]
    assert unset == 0

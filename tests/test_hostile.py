"""Hostile and malformed input: a clear error naming the problem, nothing changed, never a 500."""

from __future__ import annotations

import json

import graphql
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import scenario
from graphsvc.api.schema import schema
from graphsvc.bounds import RANGES


@pytest.fixture
def world(live, store):
    scenario.load(store)
    return live


def deep_introspection(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"ofType {{ {inner} }}"
    return f"{{ __schema {{ types {{ fields {{ type {{ {inner} }} }} }} }} }}"


def test_depth_limit(world):
    body = world.gql(deep_introspection(20))
    assert "data" not in body or body.get("data") is None
    assert "deeper" in body["errors"][0]["message"].lower()
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "depth", "max": 20}
    assert "errors" not in world.gql(deep_introspection(3))
    from graphql import get_introspection_query
    assert "errors" not in world.gql(get_introspection_query())  # GraphiQL's own query still works


def test_alias_limit_counts_aliases_in_fragments(world):
    direct = "{ " + " ".join(f"a{i}: me {{ subject }}" for i in range(40)) + " }"
    assert "alias" in world.gql(direct)["errors"][0]["message"].lower()
    fragment = "fragment F on Query { " + " ".join(f"a{i}: me {{ subject }}" for i in range(40)) + " } { ...F }"
    assert "alias" in world.gql(fragment)["errors"][0]["message"].lower()
    few = "{ " + " ".join(f"a{i}: me {{ subject }}" for i in range(5)) + " }"
    assert "errors" not in world.gql(few)


def test_token_limit(world):
    huge = "{ " + " ".join("me { subject }" for _ in range(2000)) + " }"
    body = world.gql(huge)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "token" in body["errors"][0]["message"].lower()


def test_oversized_body_is_refused(world):
    response = world.http.post("/graphql", content=json.dumps({"query": "{ me { subject } }", "variables": {"x": "y" * (2 * 1024 * 1024)}}),
                               headers={"Authorization": f"Bearer {world.token()}", "Content-Type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize("query, variables, words", [
    ("{ searchPeople(name: \"Robin\", first: 1000) { totalCount } }", {}, "first must be between"),
    ("{ searchPeople(name: \"Robin\", first: 0) { totalCount } }", {}, "first must be between"),
    ("{ searchPeople(name: \"Robin\", after: \"bm9wZQ==\") { totalCount } }", {}, "cursor"),
    ("{ searchPeople { totalCount } }", {}, "at least one of"),
    ("{ searchPeople(name: \"R\") { totalCount } }", {}, "two characters"),
    ("query($f: DateTime) { chronology(personId: \"child-1\", from: $f) { totalCount } }", {"f": "yesterday"}, "yesterday"),
    ("query($n: Int) { searchPeople(name: \"Robin\", first: $n) { totalCount } }", {"n": "ten"}, "Int"),
    ("{ person(id: \"child-1\") { nonsense } }", {}, "nonsense"),
    ("{ person(id: \"child-1\") ", {}, "Syntax Error"),
])
def test_bad_requests_get_bad_user_input(world, query, variables, words):
    body = world.gql(query, variables)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert words in error["message"]


def test_unknown_ids_are_not_found(world):
    for query in ('{ person(id: "nobody") { id } }', '{ entity(id: "nothing") { id } }', '{ chronology(personId: "nobody") { totalCount } }',
                  '{ provenance(assertionId: "a-nope") { current } }'):
        assert world.error_code(query) == "NOT_FOUND", query


def test_a_place_is_not_a_person(world):
    assert world.error_code('{ person(id: "venue-1") { id } }') == "NOT_FOUND"
    assert world.data('{ entity(id: "venue-1") { kind } }')["entity"]["kind"] == "venue"


def test_mutations_are_refused_over_get(world):
    response = world.http.get("/graphql", params={"query": 'mutation { retractAssertion(assertionId: "x", reason: "y") { id } }'},
                              headers={"Authorization": f"Bearer {world.token()}"})
    assert response.status_code == 405


def test_bad_writes_change_nothing(world, store):
    before = store.count()
    for records in ([], [None], [{"type": "entity"}], [{"type": "entity", "id": "x" * 500, "kind": "child"}], ["not a record"] * 3, [{}] * 1001):
        body = world.gql("mutation($r: [JSON!]!) { recordAssertions(records: $r) { written } }", {"r": records})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert store.count() == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300), variables=st.one_of(st.none(), st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3)))
def test_no_input_produces_a_500(world, query, variables):
    response = world.http.post("/graphql", content=json.dumps({"query": query, "variables": variables}),
                               headers={"Authorization": f"Bearer {world.token()}", "Content-Type": "application/json"})
    assert response.status_code < 500
    body = response.json()
    assert "data" in body or body["errors"][0]["extensions"]["code"]


# Every Int and Float argument in the schema has a range (graphsvc/bounds.py); a number outside
# it, however spelt, is BAD_USER_INPUT naming the argument and its range, changes nothing, and
# is audited. The arguments are read from the schema, so a new one is covered (or this fails).
NUMERIC_ARGS = sorted(
    (type_name, field_name, arg_name, graphql.get_named_type(arg.type).name)
    for type_name, t in schema._schema.type_map.items() if isinstance(t, graphql.GraphQLObjectType) and not type_name.startswith("__")
    for field_name, field in t.fields.items()
    for arg_name, arg in field.args.items() if graphql.get_named_type(arg.type).name in ("Int", "Float")
)
# How to reach a field of each type that has numeric arguments, with the other arguments it needs.
REACH = {"Query": "{{ {} }}", "Entity": '{{ person(id: "child-1") {{ {} }} }}'}
NEEDED = {"childId": '"child-1"', "personId": '"child-1"', "assertionId": json.dumps(scenario.INTEL), "name": '"Robin"', "text": '"Robin"'}
# Sees everything the scenario holds that these fields answer from: patterns, shares and the audit.
EVERY_READ = dict(agency="police", roles=("mash", "auditor"), auths=("police", "csc", "health", "mash"))


def numeric_document(type_name: str, field_name: str, arg_name: str, value: str) -> str:
    field = schema._schema.type_map[type_name].fields[field_name]
    args = {name: NEEDED[name] for name, a in field.args.items() if (graphql.is_required_argument(a) or name in ("name", "text")) and name != arg_name}
    args[arg_name] = value
    selection = " { __typename }" if graphql.is_composite_type(graphql.get_named_type(field.type)) else ""
    assert type_name in REACH, f"{type_name}.{field_name}({arg_name}:) is numeric: say in REACH how to reach {type_name}"
    return REACH[type_name].format(f"{field_name}({', '.join(f'{k}: {v}' for k, v in args.items())}){selection}")


def test_every_numeric_argument_has_a_range():
    assert {arg for _, _, arg, _ in NUMERIC_ARGS} == set(RANGES)


@pytest.mark.parametrize("type_name, field_name, arg_name, kind", NUMERIC_ARGS)
def test_numbers_out_of_range_are_refused_by_name(world, store, type_name, field_name, arg_name, kind):
    allowed = RANGES[arg_name]
    token = world.token(**EVERY_READ)
    for edge in (allowed.low, allowed.high):
        body = world.gql(numeric_document(type_name, field_name, arg_name, json.dumps(edge)), token=token)
        assert "errors" not in body, (edge, body)
    outside = [allowed.low - 1, allowed.high + 1, 2**31 - 1, -(2**31)] + (["1e300", "-1e300", "1e999", "-1e999"] if kind == "Float" else [])
    before = store.count()
    for value in outside:
        body = world.gql(numeric_document(type_name, field_name, arg_name, str(value)), token=token)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (value, body)
        assert f"{arg_name} must be {allowed}" == error["message"], (value, body)
        assert error["locations"], body
        assert world.audit_entries()[-1]["outcome"] == "200 BAD_USER_INPUT"
    assert store.count() == before


@pytest.mark.parametrize("value", ["1e300", "-1e300", "1e999", "-Infinity", "NaN", "-1" + "0" * 400])
def test_float_variables_out_of_range_are_refused(world, value):
    # Python's JSON parser, the service's, reads NaN, Infinity and 1e999 (as infinity).
    query = "query($h: Float!) { awaitingAcknowledgement(olderThanHours: $h) { id } }"
    response = world.http.post("/graphql", content=f'{{"query": {json.dumps(query)}, "variables": {{"h": {value}}}}}',
                               headers={"Authorization": f"Bearer {world.token(**EVERY_READ)}", "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    body = response.json()
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    assert "olderThanHours must be between 0 and 87600 hours" == error["message"] or "$h" in error["message"], body
    assert error["locations"], body


@pytest.mark.parametrize("query, variables, shown, at", [
    ('{ chronology(personId: "child-1", from: "yesterday") { totalCount } }', {}, "'yesterday'", '"yesterday"'),
    ('{ chronology(personId: "child-1", from: "") { totalCount } }', {}, "''", '""'),
    ('{ chronology(personId: "child-1", from: 20260301) { totalCount } }', {}, "20260301", "20260301"),
    ('{ chronology(personId: "child-1", from: "2026-02-30T00:00:00Z") { totalCount } }', {}, "2026-02-30", '"2026-02-30'),
    # The edges of the calendar in another zone: past them in UTC.
    ('{ person(id: "child-1", asOf: "9999-12-31T23:59:59-05:00") { id } }', {}, "9999-12-31", '"9999-12-31'),
    ('{ person(id: "child-1", validAt: "0001-01-01T00:00:00+05:00") { id } }', {}, "0001-01-01", '"0001-01-01'),
    ('query($f: DateTime) { chronology(personId: "child-1", from: $f) { totalCount } }', {"f": "yesterday"}, "'yesterday'", "$f"),
    ('query($f: DateTime) { chronology(personId: "child-1", from: $f) { totalCount } }', {"f": 20260301}, "non-string", "$f"),
    ('query($f: DateTime) { person(id: "child-1", asOf: $f) { id } }', {"f": "9999-12-31T23:59:59-05:00"}, "9999-12-31", "$f"),
])
def test_malformed_times_are_located(world, query, variables, shown, at):
    body = world.gql(query, variables)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    assert shown in error["message"] and "ISO 8601" in error["message"], body
    [location] = error["locations"]  # at the literal in the document, or at the variable's definition
    assert location["line"] == 1 and query[location["column"] - 1:].startswith(at), (location, query)


RECORD = "mutation($r: [JSON!]!) { recordAssertions(records: $r) { written } }"
PROVENANCE = {"method": "observed", "status": "fact", "scope": "police|mash"}
WRITER = dict(agency="police", roles=("mash",), auths=("police", "mash"))


@pytest.mark.parametrize("key, record", [
    ("occurred_on", {"type": "event", "id": "mis-9", "kind": "missing_episode", "occurred_on": "9999-12-31T20:00:00-05:00"}),
    ("ended_on", {"type": "event", "id": "mis-9", "kind": "missing_episode", "occurred_on": "2026-04-01T18:00:00Z", "ended_on": "9999-12-31T23:59:59-12:00"}),
    ("valid_from", {"type": "entity", "id": "child-9", "kind": "child", "valid_from": "0001-01-01T00:00:00+05:00"}),
])
def test_times_past_the_calendar_in_utc_are_refused_in_records(world, store, key, record):
    # Found probing with the schema fuzzer's calendar edges: an OverflowError turning them into UTC, INTERNAL_SERVER_ERROR.
    before = store.count()
    body = world.gql(RECORD, {"r": [{**record, "source_ref": "EDGE-1", **PROVENANCE}]}, **WRITER)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    assert f"$.{key}: is not a valid ISO 8601 date-time" in error["message"], body
    assert store.count() == before


def test_episodes_at_the_ends_of_the_calendar(world):
    # Episodes that begin on the calendar's first day or end on its last are answered for,
    # over any window: a window opened a month before the first day stops at it.
    episodes = [{"type": "event", "id": f"mis-edge-{i}", "kind": "missing_episode", "occurred_on": start, "source_ref": f"EDGE-{i}",
                 "participants": [{"id": "child-1", "role": "subject"}], "found_at": ["venue-1"], **PROVENANCE, **({"ended_on": end} if end else {})}
                for i, (start, end) in enumerate([("0001-01-01T00:00:00Z", "0001-01-01T06:00:00Z"), ("9999-12-31T23:00:00Z", None),
                                                  ("0001-01-01", "9999-12-31T23:59:59.999Z")])]
    assert world.data(RECORD, {"r": episodes}, **WRITER)["recordAssertions"]["written"]
    for window in ("", ', from: "0001-01-01T00:00:00Z", to: "9999-12-31T23:59:59.999999Z"', ', from: "0001-01-01T00:00:00Z", to: "0001-01-01T00:00:00Z"'):
        for query in (f'coMissing(childId: "child-1"{window}) {{ __typename }}', f'missingHistory(childId: "child-1"{window}) {{ __typename }}',
                      f'repeatMissing(minEpisodes: 2{window}) {{ totalCount }}', f'chronology(personId: "child-1"{window}) {{ totalCount }}',
                      f'sharedContexts(minChildren: 2{window}) {{ totalCount }}', f'adultsLinkedToChildren(minChildren: 2{window}) {{ totalCount }}'):
            world.data("{ " + query + " }", **WRITER)


def test_a_number_too_long_to_read_is_bad_input(world):
    # Python's JSON reader refuses integers of more than 4300 digits with a ValueError that is
    # no JSONDecodeError: it was a 500 (found probing the variables the fuzzer cannot send).
    huge = "1" + "0" * 5000
    query = "query($h: Float!) { awaitingAcknowledgement(olderThanHours: $h) { id } }"
    headers = {"Authorization": f"Bearer {world.token(**EVERY_READ)}"}
    post = world.http.post("/graphql", content=f'{{"query": {json.dumps(query)}, "variables": {{"h": {huge}}}}}', headers={**headers, "Content-Type": "application/json"})
    get = world.http.get("/graphql", params={"query": query, "variables": f'{{"h": {huge}}}'}, headers=headers)
    for response in (post, get):
        assert response.status_code == 400, response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and "digits" in error["message"], error
        assert world.audit_entries()[-1]["outcome"].startswith("400 BAD_USER_INPUT")

"""Hostile and malformed input: a clear error naming the problem, nothing changed, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import scenario


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
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
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

"""Schema-driven fuzzing: queries and mutations generated from the real schema by
hypothesis-graphql, valid ones and ones with a schema violation, sent over real HTTP to the
live app over the scenario's data, with a token of every role. Whatever comes back, never a
5xx and never an INTERNAL_SERVER_ERROR: bad input gets a coded error naming the problem.

Bounded for CI: a fixed number of documents per role (EXAMPLES), from a fixed seed for each
role, so every run sends the same ones. The mutations write into this test's own store,
thrown away after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, seed, settings, strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

import scenario
from graphsvc import vocabulary
from graphsvc.api.schema import schema

ROLES: dict[str, dict[str, Any]] = {
    "practitioner": dict(agency="police", roles=("practitioner",), auths=("police",)),
    "mash": dict(agency="mash", roles=("mash",), auths=("mash", "police", "csc", "health")),
    "analyst": dict(agency="mash", roles=("analyst",), auths=("mash", "police")),
    "auditor": dict(agency="audit", roles=("auditor",), auths=("police", "mash", "csc", "health")),
    "admin": dict(agency="ops", roles=("admin",), auths=()),
}
# Documents per role, (queries, mutations): more of what the role may call (the rest are
# refused once valid). 650 a backend: well under a minute on either.
EXAMPLES = {"practitioner": (80, 120), "mash": (80, 120), "analyst": (80, 20), "auditor": (80, 20), "admin": (30, 20)}

IDS = ["child-1", "adult-1", "venue-1", "contact-1", "incident-1", "mis-1", scenario.DOB_OLD, scenario.DOB_FIX, scenario.HEALTH_DOB, scenario.INTEL]
WORDS = sorted({"police", "csc", "health", "mash", "Robin", "Testperson", "NHS:9990000001", "2010-05-06", *vocabulary.CONTEXT_KINDS,
                *vocabulary.LAWFUL_BASES, *vocabulary.CONSENT, *vocabulary.ACTIONS, *vocabulary.HANDLING, *vocabulary.METHODS, *vocabulary.STATUSES})
ZONES = st.sampled_from([timezone.utc, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)), timezone(timedelta(minutes=330))])
# Times at the ends of the calendar, in zones that take them past it in UTC.
CALENDAR_EDGES = ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "0001-01-01T03:00:00+05:30",
                  "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59-12:00", "9999-12-31T20:00:00-05:00"]
PROVENANCE = {"method": "observed", "status": "fact", "scope": "police|mash"}
TEMPLATES = [
    {"type": "entity", "id": "child-9", "kind": "child", "attributes": {"name": "Sam Fuzzperson", "date_of_birth": "2012-01-02"}, **PROVENANCE},
    {"type": "assertion", "subject": "child-1", "predicate": "date_of_birth", "value": "2010-05-06", **PROVENANCE},
    {"type": "assertion", "subject": "child-1", "predicate": "associates_with", "object": "adult-1", **PROVENANCE},
    {"type": "event", "id": "mis-9", "kind": "missing_episode", "occurred_on": "2026-04-01T18:00:00Z", "ended_on": "2026-04-02T02:00:00Z",
     "participants": [{"id": "child-1", "role": "subject"}], "found_at": ["venue-1"], "found_with": ["adult-1"], **PROVENANCE},
    {"type": "retraction", "retracts": scenario.INTEL, "reason": "recorded in error", **PROVENANCE},
]
MALFORMED_TIMES = ["yesterday", "", "now", "2026-13-01T00:00:00Z", "2026-02-30", "2026-03-01T25:00", "10000-01-01T00:00:00Z", "2026-03-01T18:00:00+24:00"]


def _ast(value: Any) -> graphql.ValueNode:
    """A JSON value as a GraphQL literal (for the JSON scalar)."""
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return graphql.IntValueNode(value=str(value))
    if isinstance(value, float):
        return graphql.FloatValueNode(value=repr(value))
    if isinstance(value, str):
        return graphql.StringValueNode(value=value)
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(_ast(v) for v in value))
    return graphql.ObjectValueNode(fields=tuple(graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=_ast(v)) for k, v in value.items()))


def scalar_strategies(ids, texts, times, ints, floats, any_json: bool) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Strategies for every scalar's literals (floats gives Float literals: 1e999 has no float);
    JSON is a record, or with any_json also any JSON value."""
    scalars = st.one_of(st.none(), st.booleans(), ints, st.floats(allow_nan=False, allow_infinity=False), texts, times)
    # Records of the import format: a valid one of each type, some of its fields replaced by
    # this family's values (so a write gets past the record's shape to what it says).
    fields = {
        "id": st.one_of(ids, texts), "kind": st.one_of(st.sampled_from(sorted(vocabulary.ENTITY_KINDS)), texts),
        "subject": ids, "object": ids, "predicate": st.sampled_from(sorted(vocabulary.PREDICATES)), "value": scalars, "source_ref": texts,
        "recorded_at": times, "valid_from": times, "valid_to": times, "occurred_on": times, "ended_on": times,
        "method": st.sampled_from(sorted(vocabulary.METHODS)), "status": st.sampled_from(sorted(vocabulary.STATUSES)),
        "scope": st.sampled_from(["", "police", "police|mash", "(csc|health)&mash", "&|("]), "retracts": ids, "reason": texts,
        "attributes": st.dictionaries(st.sampled_from(sorted(vocabulary.ATTRIBUTES)), scalars, max_size=3),
        "participants": st.lists(st.fixed_dictionaries({"id": ids, "role": st.sampled_from(vocabulary.INVOLVEMENT_ROLES)}), max_size=2),
        "found_at": st.lists(ids, max_size=2), "found_with": st.lists(ids, max_size=2),
    }
    # Extreme records always carry one of their times (the edge of a record is its times).
    first = st.sampled_from(["recorded_at", "valid_from", "valid_to", "occurred_on", "ended_on"] if any_json else sorted(fields))
    keys = st.tuples(first, st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True)).map(lambda k: [k[0], *k[1]])
    overrides = keys.flatmap(lambda keys: st.fixed_dictionaries({k: fields[k] for k in keys}))
    records = st.tuples(st.sampled_from(TEMPLATES), st.uuids().map(str), overrides).map(lambda t: {**t[0], "source_ref": t[1], **t[2]})
    json_values = st.one_of(records, st.lists(records, max_size=2), scalars, st.dictionaries(st.text(max_size=8), scalars, max_size=3)) if any_json else records
    return {"ID": ids.map(nodes.String), "String": texts.map(nodes.String), "DateTime": times.map(nodes.String),
            "JSON": json_values.map(_ast), "Int": ints.map(nodes.Int), "Float": floats}


# Three families of documents. One odd argument spoils a whole document, so each document draws
# all its values from one family: ordinary ones (to reach the resolvers and the data behind),
# extreme ones that are still well-formed (to reach the resolvers with numbers and times at the
# edges), and malformed times (to reach the scalar's errors).
ORDINARY = scalar_strategies(
    ids=st.sampled_from(IDS), texts=st.sampled_from(WORDS),
    times=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31), timezones=ZONES).map(datetime.isoformat),
    ints=st.integers(1, 5), floats=st.floats(0, 1000).map(nodes.Float), any_json=False,
)
EXTREME = scalar_strategies(
    ids=st.one_of(st.sampled_from(IDS), st.text(max_size=40)), texts=st.text(max_size=40),
    times=st.sampled_from(CALENDAR_EDGES),
    ints=st.one_of(st.sampled_from([0, -1, 2**31 - 1, -(2**31), 101, 1001]), st.integers(-(2**31), 2**31 - 1)),
    # Numbers that overflow a float (1e999 is infinity) or a timedelta.
    floats=st.one_of(st.sampled_from(["1e999", "-1e999", "1e300", "-1e300", "87601", "-0.0", "5e-324"]).map(lambda v: graphql.FloatValueNode(value=v)),
                     st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float)),
    any_json=True,
)
MALFORMED = {**ORDINARY, "DateTime": st.one_of(st.sampled_from(MALFORMED_TIMES), st.text(max_size=30)).map(nodes.String)}
FAMILIES = (ORDINARY, EXTREME, EXTREME, MALFORMED)  # the edges twice as often: they find faults
SDL = schema.as_str()


def documents(make, root: graphql.GraphQLObjectType) -> st.SearchStrategy[str]:
    """One root field a document (a document asking for several fails as a whole when one of
    them is refused), with its values from one family, or with one violation of the schema."""
    def one(name: str) -> st.SearchStrategy[str]:
        generated = [make(SDL, fields=[name], custom_scalars=family, mode=Mode.POSITIVE) for family in FAMILIES]
        if root.fields[name].args:  # else nothing to violate
            generated.append(make(SDL, fields=[name], custom_scalars=ORDINARY, mode=Mode.NEGATIVE))
        return st.one_of(generated)
    return st.sampled_from(sorted(root.fields)).flatmap(one)


# A fixed seed for each role (below), so every run sends the same documents and each role
# gets documents of its own.
FUZZ = dict(deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def world(live, store):
    scenario.load(store)
    return live


def _check(world, token: str, document: str) -> None:
    response = world.post(document, token=token)
    assert response.status_code < 500, (document, response.text)
    body = response.json()
    for error in body.get("errors", []):
        code = error.get("extensions", {}).get("code")
        assert code and code != "INTERNAL_SERVER_ERROR", (document, body)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_generated_queries_and_mutations_never_fail_inside(world, role):
    token = world.token(sub=f"fuzz-{role}", **ROLES[role])
    role_seed = sorted(ROLES).index(role)

    @settings(max_examples=EXAMPLES[role][0], **FUZZ)
    @seed(role_seed)
    @given(document=documents(queries, schema._schema.query_type))
    def any_query(document: str) -> None:
        _check(world, token, document)

    @settings(max_examples=EXAMPLES[role][1], **FUZZ)
    @seed(role_seed)
    @given(document=documents(mutations, schema._schema.mutation_type))
    def any_mutation(document: str) -> None:
        _check(world, token, document)

    any_query()
    any_mutation()

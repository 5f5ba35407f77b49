"""searchEntities (and searchPeople, its special case) over HTTP: criteria, kinds, paging, who
may search by what, and that hidden values neither match nor count."""

from __future__ import annotations

import pytest

from graphsvc.bulk import import_records
from graphsvc.model import assertion_id
from graphsvc.vocabulary import ENTITY_KINDS
from records import entity, value

S = "police|csc"
CSC = dict(agency="csc", auths=["csc"])
POLICE = dict(agency="police", auths=["police"])
SEARCH = """query($kind: String, $text: String, $identifier: String, $first: Int, $after: String) {
  searchEntities(kind: $kind, text: $text, identifier: $identifier, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } items { id kind label attributes { predicate value } } } }"""


def load(store):
    import_records(store, [
        entity("veh-1", "vehicle", scope=S, source_ref="V-1", attributes={"name": "ZZ19 KXT", "identifier": "VRM:ZZ19 KXT", "description": "Black hatchback"}),
        # A vehicle everyone may know of, whose registration only police may see.
        entity("veh-2", "vehicle", scope=S, source_ref="V-2"),
        value("veh-2", "name", "ZZ19 ABC", scope="police", source_ref="V-2-NAME"),
        value("veh-2", "identifier", "VRM:ZZ19 ABC", scope="police", source_ref="V-2-VRM"),
        value("veh-1", "description", "Seen with false plates", scope="police", source_ref="V-1-NOTE"),
        entity("ph-1", "phone", scope=S, source_ref="P-1", attributes={"name": "07700 900123", "identifier": "TEL:07700900123"}),
        entity("ven-1", "venue", scope=S, source_ref="VN-1", attributes={"name": "Zz19 Chicken"}),
        entity("adr-1", "address", scope=S, source_ref="A-1", attributes={"name": "1 Zz19 Street, Testtown ZZ1 1ZZ"}),
        entity("chi-1", "child", scope=S, source_ref="C-1", attributes={"name": "Robin Zz19test", "identifier": "NHS:9990000009"}),
    ])


@pytest.fixture
def world(live, store):
    load(store)
    return live


def search(world, who=CSC, roles=("practitioner",), **variables):
    return world.data(SEARCH, variables, roles=roles, **who)["searchEntities"]


def found(page):
    return [(e["id"], e["kind"]) for e in page["items"]]


def test_text_matches_a_name_of_the_kind_asked_for(world):
    assert found(search(world, kind="vehicle", text="zz19 k")) == [("veh-1", "vehicle")]
    assert found(search(world, kind="phone", text="900123")) == [("ph-1", "phone")]
    assert found(search(world, kind="address", text="zz1 1zz")) == [("adr-1", "address")]
    assert found(search(world, kind="venue", text=" chicken ")) == [("ven-1", "venue")]
    assert search(world, kind="venue", text="hatchback")["totalCount"] == 0  # a description is not a name
    # Without a kind, every kind, by id.
    assert found(search(world, text="zz19")) == [("adr-1", "address"), ("chi-1", "child"), ("veh-1", "vehicle"), ("ven-1", "venue")]


def test_identifier_matches_exactly(world):
    assert found(search(world, kind="vehicle", identifier="VRM:ZZ19 KXT")) == [("veh-1", "vehicle")]
    assert found(search(world, identifier="TEL:07700900123")) == [("ph-1", "phone")]
    assert search(world, kind="vehicle", identifier="VRM:ZZ19")["totalCount"] == 0
    assert found(search(world, kind="vehicle", text="kxt", identifier="VRM:ZZ19 KXT")) == [("veh-1", "vehicle")]
    assert search(world, kind="vehicle", text="abc", identifier="VRM:ZZ19 KXT")["totalCount"] == 0  # every criterion


def test_a_hidden_value_neither_matches_nor_counts(world):
    assert found(search(world, POLICE, kind="vehicle", text="zz19")) == [("veh-1", "vehicle"), ("veh-2", "vehicle")]
    csc = search(world, kind="vehicle", text="zz19")
    assert csc["totalCount"] == 1 and found(csc) == [("veh-1", "vehicle")]
    assert search(world, POLICE, identifier="VRM:ZZ19 ABC")["totalCount"] == 1
    assert search(world, identifier="VRM:ZZ19 ABC")["totalCount"] == 0
    # What is shown of an entity found is what the caller may see of it.
    [shown] = csc["items"]
    assert sorted(a["predicate"] for a in shown["attributes"]) == ["description", "identifier", "name"]
    assert "Seen with false plates" not in str(shown)
    [police] = [e for e in search(world, POLICE, kind="vehicle", text="kxt")["items"]]
    assert "Seen with false plates" in str(police)


def test_search_people_is_the_people_kinds_of_it(world):
    q = 'query($name: String) { searchPeople(name: $name) { totalCount items { id kind } } }'
    people = world.data(q, {"name": "zz19"}, **CSC)["searchPeople"]
    assert [(e["id"], e["kind"]) for e in people["items"]] == [("chi-1", "child")]
    assert people["items"] == [{"id": e["id"], "kind": e["kind"]} for e in search(world, kind="child", text="zz19")["items"]]


def test_pages(world):
    first = search(world, text="zz19", first=3)
    assert first["totalCount"] == 4 and first["pageInfo"]["hasNextPage"] and len(first["items"]) == 3
    rest = search(world, text="zz19", first=3, after=first["pageInfo"]["endCursor"])
    assert found(rest) == [("ven-1", "venue")] and not rest["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("variables, words", [
    ({"kind": "spaceship", "text": "zz19"}, ["spaceship", *ENTITY_KINDS]),
    ({"kind": "vehicle"}, ["at least one of text, identifier"]),
    ({"kind": "vehicle", "text": " z "}, ["text", "two characters"]),
    ({"text": "zz19", "first": 0}, ["first"]),
    ({"text": "zz19", "after": "bm9wZQ=="}, ["cursor"]),
])
def test_bad_arguments_are_bad_user_input_and_audited(world, variables, words):
    error = world.gql(SEARCH, variables, **CSC)["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert all(w in error["message"] for w in words), error
    assert world.audit_entries()[-1]["outcome"] == "200 BAD_USER_INPUT"


def test_roles_and_purpose_as_for_search_people(world):
    assert world.error_code(SEARCH, {"text": "zz19"}, roles=["admin"], **CSC) == "FORBIDDEN"
    assert world.error_code(SEARCH, {"text": "zz19"}, purpose=None, **CSC) == "FORBIDDEN"
    for role in ("practitioner", "mash", "auditor"):
        assert search(world, roles=(role,), text="zz19")["totalCount"] == 4


def test_analysts_without_identity_search_only_by_what_they_are_shown(world):
    analyst = dict(roles=["analyst"], **CSC)
    # Names of people, phones, vehicles and addresses reach them as pseudonyms, identifiers as tokens.
    for variables in ({"kind": "vehicle", "text": "zz19"}, {"kind": "child", "text": "robin"}, {"kind": "address", "text": "zz19"},
                      {"kind": "venue", "identifier": "VRM:ZZ19 KXT"}, {"identifier": "VRM:ZZ19 KXT"}):
        error = world.gql(SEARCH, variables, **analyst)["errors"][0]
        assert error["extensions"]["code"] == "FORBIDDEN" and "identity authorisation" in error["message"], (variables, error)
    assert world.error_code('{ searchPeople(name: "robin") { totalCount } }', **analyst) == "FORBIDDEN"
    # A venue's name they are shown as recorded: without a kind, the kinds whose names they see.
    for variables in ({"kind": "venue", "text": "zz19"}, {"text": "zz19"}):
        page = world.data(SEARCH, variables, **analyst)["searchEntities"]
        assert [(e["kind"], e["label"]) for e in page["items"]] == [("venue", "Zz19 Chicken")] and page["totalCount"] == 1
    named = world.data(SEARCH, {"kind": "vehicle", "text": "zz19"}, roles=["analyst"], agency="csc", auths=["csc", "identity"])["searchEntities"]
    assert found(named) == [("veh-1", "vehicle")]


def test_every_search_is_audited_with_what_it_showed(world):
    search(world, kind="vehicle", text="zz19")
    entry = world.audit_entries()[-1]
    assert entry["operation"].endswith(": searchEntities") and entry["outcome"] == "200 OK"
    shown = {assertion_id("police", "V-1", "kind"), assertion_id("police", "V-1", "attr:name:0")}
    assert shown <= set(entry["returned"]) and assertion_id("police", "V-1-NOTE") not in entry["returned"]
    world.gql(SEARCH, {"kind": "vehicle", "text": "zz19"}, roles=["analyst"], **CSC)
    refused = world.audit_entries()[-1]
    assert refused["operation"].endswith(": searchEntities") and refused["outcome"] == "200 FORBIDDEN" and refused["returned"] == []

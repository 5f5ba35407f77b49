"""Property: what a caller cannot see changes nothing it can observe.

Hypothesis generates graphs (people, places, events, links, corrections) with random scopes,
and callers with random authorisations. Each query's response must be byte-identical whether
the store holds everything or only what the caller may see; no invisible assertion id may
appear anywhere; every count must equal the count over visible assertions only.
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from graphsvc.bulk import import_records
from graphsvc.scope import visible
from records import entity, link, value
from strategies import PEOPLE_TOKENS, people_worlds

QUERIES = [
    ('query($id: ID!) { person(id: $id) { id kind label attributes { id value agency } links { predicate direction other { id kind label } assertion { id } } } }', "person"),
    ('query($id: ID!) { chronology(personId: $id, first: 2) { totalCount pageInfo { endCursor hasNextPage } items { eventId agency sourceRef assertionIds } } }', "person"),
    ('{ searchPeople(name: "Person", first: 3) { totalCount pageInfo { endCursor hasNextPage } items { id label } } }', None),
    ('{ searchPeople(dateOfBirth: "2012-01-01") { totalCount items { id } } }', None),
    ('query($id: ID!) { provenance(assertionId: $id) { current supersedes { id } supersededBy { id } corroboratedBy { id } contradictedBy { id } } }', "assertion"),
]



def responses(server, store, token, n, ids, pseudonymous=False):
    server.service.store = store
    out = []
    for query, arg in QUERIES:
        targets = [f"p-{i}" for i in range(n)] if arg == "person" else ids if arg == "assertion" else [None]
        for target in targets:
            if arg == "person" and pseudonymous:
                target = server.pseudonym(target)  # the ids such a reader is shown, and names people by
            response = server.post(query, {"id": target} if target else {}, token)
            assert response.status_code == 200
            # An error may echo the id asked about; that is the caller's input, not a leak.
            out.append(response.text.replace(f'"{target}"', '"<asked>"').replace(f"'{target}'", "'<asked>'") if target else response.text)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=people_worlds(), auths=st.frozensets(st.sampled_from(PEOPLE_TOKENS)), role=st.sampled_from(["practitioner", "analyst"]))
def test_hidden_assertions_change_nothing_observable(server, store_factory, world, auths, role):
    # store_factory: a new empty store of the backend under test (test_x[embedded], test_x[neo4j]).
    # Neo4j has a single database, so the second store empties it: the two stores are used one
    # after the other, never side by side.
    n, records = world
    token = server.token(roles=[role], auths=[*auths, "identity"] if role == "practitioner" else auths)
    with store_factory() as everything:
        import_records(everything, records)
        log = list(everything.log())
        shown = [a for a in log if visible(a.scope, auths)]
        hidden = {a.id for a in log} - {a.id for a in shown}
        ids = sorted(a.id for a in log)  # ask about hidden ids too: they must look like unknown ones
        a = responses(server, everything, token, n, ids, role == "analyst")
    with store_factory() as only_visible:
        only_visible.append(shown)
        b = responses(server, only_visible, token, n, ids, role == "analyst")
        # Compare with ids that exist only in one store made indistinguishable: they are NOT_FOUND in both.
        assert a == b
        text = "\n".join(a)
        assert not any(h in text for h in hidden)
        # The counts are counts over visible assertions only.
        people = {x.subject for x in shown if x.predicate == "kind" and x.value in ("child", "adult")}
        search = json.loads(a[2 * n])  # the first searchPeople response
        if role == "practitioner":
            named = {x.subject for x in shown if x.predicate == "name" and x.subject in people}
            assert search["data"]["searchPeople"]["totalCount"] == len(named)


PSEUDONYMOUS_QUERIES = [
    ('query($id: ID!) { person(id: $id) { id label attributes { subject object value } links { other { id label } assertion { subject object value } } } }', "person"),
    ('query($id: ID!) { entity(id: $id) { id label attributes { subject value } links { other { id label } } } }', "entity"),
    ('query($id: ID!) { chronology(personId: $id) { personId items { eventId assertionIds } } }', "person"),
    ('query($id: ID!) { provenance(assertionId: $id) { assertion { subject object value } supersedes { subject } corroboratedBy { subject object value } sharedVia { personId } } }', "assertion"),
    ('query($id: ID!) { peerNetwork(childId: $id, hops: 3) { child { id } members { person { id label } } edges { source { id } target { id } } components { id } graphml } }', "person"),
    ('query($id: ID!) { missingHistory(childId: $id) { child { id } episodes { id child { id } foundAt { id label } foundWith { id label } } } }', "person"),
    ('query($id: ID!) { coMissing(childId: $id) { child { id label } reasons { episode otherEpisode via { id label } } } }', "person"),
    ('{ sharedContexts(minChildren: 2, excludeFamily: false) { items { context { id label } children { id label } links { child { id } } } } }', None),
    ('{ adultsLinkedToChildren(minChildren: 1) { items { adult { id label } links { child { id } via { id } } } } }', None),
    ('{ repeatMissing(minEpisodes: 2) { items { child { id label } } } }', None),
]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=people_worlds(), auths=st.frozensets(st.sampled_from(PEOPLE_TOKENS)))
def test_pseudonymous_readers_see_no_real_id_or_identifier(server, store_factory, world, auths):
    """An analyst without the identity authorisation is shown no real entity id and no
    identifier value, anywhere, yet can follow every entity by the ids it is shown."""
    n, records = world
    records = [*records,
               entity("car-0", "vehicle", scope="", source_ref="VEH0", recorded_at="2026-01-01T00:00:00Z",
                      attributes={"name": "ZZ00 AAA", "identifier": "VRM:ZZ00AAA"}),
               *(value(f"p-{i}", "identifier", f"LA:ZZ{i:04d}", scope="", source_ref=f"ID{i}", recorded_at="2026-01-02T00:00:00Z") for i in range(n)),
               link("p-0", "owns_uses", "car-0", scope="", source_ref="OWN0", recorded_at="2026-01-03T00:00:00Z")]
    token = server.token(roles=["analyst"], auths=auths)
    with store_factory() as store:
        import_records(store, records)
        server.service.store = store
        log = list(store.log())
        raw_ids = {a.subject for a in log} | {a.object for a in log if a.object}
        secrets = {str(a.value).split(":", 1)[1] for a in log if a.predicate == "identifier"} | {"ZZ00 AAA"}
        texts = []
        for query, arg in PSEUDONYMOUS_QUERIES:
            targets = ([server.pseudonym(i) for i in sorted(raw_ids)] if arg in ("person", "entity")
                       else sorted(a.id for a in log) if arg == "assertion" else [None])
            for target in targets:
                response = server.post(query, {"id": target} if target else {}, token)
                assert response.status_code == 200
                texts.append(response.text)
        # Every entity the reader may see is reachable by the id it is shown.
        kinds = {a.subject for a in log if a.predicate == "kind" and visible(a.scope, auths)}
        shown = {json.loads(t)["data"]["entity"]["id"] for t in texts if '"entity"' in t and (json.loads(t).get("data") or {}).get("entity")}
        assert shown == {server.pseudonym(i) for i in kinds}
    text = "\n".join(texts)
    leaked = [i for i in raw_ids if re.search(rf'(?<![\w-]){re.escape(i)}(?![\w-])', text)]
    assert not leaked, leaked
    assert not [s for s in secrets if s in text]

"""Property: no invisible assertion changes any pattern result, count or cursor.

Hypothesis generates children, adults, places, phones, family links, sightings and missing
episodes, same-person links and rejections, with random scopes (and retractions), and
callers with random authorisations. Every
pattern query must answer byte-for-byte the same over the whole store as over a store holding
only what the caller may see, and never mention an assertion the caller may not see.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from graphsvc.bulk import import_records
from graphsvc.scope import visible
from strategies import PATTERN_TOKENS, pattern_worlds

PATTERNS = [
    ("{ sharedContexts(minChildren: 2, excludeFamily: true, first: 2) { totalCount pageInfo { endCursor hasNextPage } items { context { id kind label } children { id label identities { record { id label } agency } } childCount unrelatedChildren agencyCount firstSeen lastSeen links { child { id } how when agency assertionIds } } } }", False),
    ("{ sharedContexts(minChildren: 2, excludeFamily: false) { totalCount items { context { id } childCount links { assertionIds } } } }", False),
    ("{ repeatMissing(minEpisodes: 2) { totalCount items { child { id label identities { record { id label } agency } } episodes earlierHalf laterHalf trend first last assertionIds } } }", False),
    ("{ adultsLinkedToChildren(minChildren: 2) { totalCount items { adult { id label } children { id identities { record { id label } agency } } unrelatedChildren links { child { id } how when via { id } assertionIds } } } }", False),
    ('query($id: ID!) { missingHistory(childId: $id) { child { id identities { record { id label } agency } } episodeCount last365Days medianDurationHours placesFoundMoreThanOnce { id } peopleFoundWithMoreThanOnce { id } episodes { id lastSeen foundAt { id } foundWith { id label } assertionIds } } }', True),
    ('query($id: ID!) { coMissing(childId: $id) { child { id identities { record { id label } agency } } reasons { reason episode otherEpisode via { id } assertionIds } } }', True),
    ('query($id: ID!) { peerNetwork(childId: $id, hops: 3) { members { person { id label identities { record { id label } agency } } degreeCentrality betweenness } edges { source { id } target { id } how assertionIds } components { id } graphml } }', True),
]



def answers(server, store, token, children, pseudonymous):
    server.service.store = store
    out = []
    for query, per_child in PATTERNS:
        for child in [f"c{i}" for i in range(children)] if per_child else [None]:
            if child and pseudonymous:
                child = server.pseudonym(child)  # the ids such a reader is shown, and names children by
            response = server.post(query, {"id": child} if child else {}, token)
            assert response.status_code == 200
            out.append(response.text)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=pattern_worlds(), auths=st.frozensets(st.sampled_from(PATTERN_TOKENS)), role=st.sampled_from(["mash", "analyst"]))
def test_hidden_assertions_change_no_pattern(server, store_factory, world, auths, role):
    # store_factory: a new empty store of the backend under test; on Neo4j (one database) the
    # second store empties it, so the two are used one after the other.
    children, records = world
    token = server.token(roles=[role], auths=auths, agency="mash")
    pseudonymous = role == "analyst"
    with store_factory() as everything:
        import_records(everything, records)
        log = list(everything.log())
        shown = [a for a in log if visible(a.scope, auths)]
        hidden = {a.id for a in log} - {a.id for a in shown}
        a = answers(server, everything, token, children, pseudonymous)
    with store_factory() as only_visible:
        only_visible.append(shown)
        b = answers(server, only_visible, token, children, pseudonymous)
    assert a == b
    assert not any(h in text for h in hidden for text in a)

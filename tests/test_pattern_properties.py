"""Property: no invisible assertion changes any pattern result, count or cursor.

Hypothesis generates children, adults, places, phones, family links, sightings and missing
episodes with random scopes (and retractions), and callers with random authorisations. Every
pattern query must answer byte-for-byte the same over the whole store as over a store holding
only what the caller may see, and never mention an assertion the caller may not see.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from graphsvc.bulk import import_records
from graphsvc.model import assertion_id
from graphsvc.scope import visible
from graphsvc.store import EmbeddedStore
from live import LiveServer, make_service
from records import entity, event, link, retraction

TOKENS = ["police", "csc", "mash"]
SCOPES = st.one_of(st.just(""), st.sampled_from(TOKENS), st.just("police|mash"), st.just("csc&mash"))


@st.composite
def worlds(draw):
    children = draw(st.integers(2, 5))
    adults = draw(st.integers(1, 2))
    records = [entity(f"c{i}", "child", scope=draw(SCOPES), source_ref=f"C{i}", recorded_at="2026-01-01T00:00:00Z") for i in range(children)]
    records += [entity(f"a{i}", "adult", scope=draw(SCOPES), source_ref=f"A{i}", recorded_at="2026-01-01T00:00:00Z") for i in range(adults)]
    records += [entity("v0", "venue", source_ref="V0", recorded_at="2026-01-01T00:00:00Z"), entity("v1", "park", scope=draw(SCOPES), source_ref="V1", recorded_at="2026-01-01T00:00:00Z"),
                entity("ph0", "phone", source_ref="PH0", recorded_at="2026-01-01T00:00:00Z")]
    people = [f"c{i}" for i in range(children)] + [f"a{i}" for i in range(adults)]
    n = 0

    def ref():
        nonlocal n
        n += 1
        return f"R{n}"

    for c in range(children):
        for place in draw(st.lists(st.sampled_from(["v0", "v1", "ph0"]), max_size=2, unique=True)):
            predicate = "owns_uses" if place == "ph0" else "seen_at"
            records.append(link(f"c{c}", predicate, place, scope=draw(SCOPES), source_ref=ref(), valid_from=f"2026-02-{draw(st.integers(1, 28)):02d}T20:00:00Z", recorded_at="2026-03-01T00:00:00Z"))
    if draw(st.booleans()):
        records.append(link("c0", "family_member_of", "c1", role="sibling", scope=draw(SCOPES), source_ref=ref(), recorded_at="2026-01-02T00:00:00Z"))
    for a in range(adults):
        for c in draw(st.lists(st.integers(0, children - 1), max_size=2, unique=True)):
            records.append(link(f"a{a}", "associates_with", f"c{c}", scope=draw(SCOPES), source_ref=ref(), valid_from="2026-02-10T00:00:00Z", recorded_at="2026-03-01T00:00:00Z"))
        if draw(st.booleans()):  # shares a phone with any child who uses it
            records.append(link(f"a{a}", "owns_uses", "ph0", scope=draw(SCOPES), source_ref=ref(), valid_from="2026-02-11T00:00:00Z", recorded_at="2026-03-01T00:00:00Z"))
    for e in range(draw(st.integers(0, 5))):
        c = draw(st.integers(0, children - 1))
        start = datetime(2026, 4, draw(st.integers(1, 20)), 18, tzinfo=timezone.utc)
        end = start + timedelta(hours=draw(st.integers(1, 60)))
        found_at = draw(st.lists(st.sampled_from(["v0", "v1"]), max_size=1))
        found_with = draw(st.lists(st.sampled_from(people), max_size=1).filter(lambda xs: f"c{c}" not in xs))
        records.append(event(f"m{e}", "missing_episode", start.isoformat(), ended_on=end.isoformat(),
                             scope=draw(SCOPES), source_ref=f"M{e}", recorded_at="2026-05-01T00:00:00Z", attributes={"episode_type": "missing"},
                             participants=[{"id": f"c{c}", "role": "subject"}], found_at=found_at, found_with=found_with))
    # Some links are retracted, with a scope of their own (a hidden retraction must not hide the link).
    links = [r for r in records if r["type"] == "assertion"]
    for r in draw(st.lists(st.sampled_from(links), max_size=2, unique_by=lambda r: r["source_ref"])) if links else []:
        records.append({**retraction(assertion_id("police", r["source_ref"]), recorded_at="2026-06-01T00:00:00Z", source_ref=ref()), "scope": draw(SCOPES)})
    return children, records


PATTERNS = [
    ("{ sharedContexts(minChildren: 2, excludeFamily: true, first: 2) { totalCount pageInfo { endCursor hasNextPage } items { context { id kind label } children { id label } childCount unrelatedChildren agencyCount firstSeen lastSeen links { child { id } how when agency assertionIds } } } }", False),
    ("{ sharedContexts(minChildren: 2, excludeFamily: false) { totalCount items { context { id } childCount links { assertionIds } } } }", False),
    ("{ repeatMissing(minEpisodes: 2) { totalCount items { child { id label } episodes earlierHalf laterHalf trend first last assertionIds } } }", False),
    ("{ adultsLinkedToChildren(minChildren: 2) { totalCount items { adult { id label } children { id } unrelatedChildren links { child { id } how when via { id } assertionIds } } } }", False),
    ('query($id: ID!) { missingHistory(childId: $id) { last365Days medianDurationHours placesFoundMoreThanOnce { id } peopleFoundWithMoreThanOnce { id } episodes { id lastSeen foundAt { id } foundWith { id label } assertionIds } } }', True),
    ('query($id: ID!) { coMissing(childId: $id) { child { id } reasons { reason episode otherEpisode via { id } assertionIds } } }', True),
    ('query($id: ID!) { peerNetwork(childId: $id, hops: 3) { members { person { id label } degreeCentrality betweenness } edges { source { id } target { id } how assertionIds } components { id } graphml } }', True),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("patterns") / "base.db"
    base = EmbeddedStore(db)
    with LiveServer(make_service(base, db), db, check_audit=False) as live:
        yield live
    base.close()


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
@given(world=worlds(), auths=st.frozensets(st.sampled_from(TOKENS)), role=st.sampled_from(["mash", "analyst"]))
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

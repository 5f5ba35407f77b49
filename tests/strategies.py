"""The suite's hypothesis strategies, in one place: generated store histories (histories, with
loading one into stores and comparing every read of two stores, for the parity tests and
each store's own read paths), people worlds for the API leak properties, and pattern worlds
for the pattern leak properties."""

from __future__ import annotations

from dataclasses import astuple
from datetime import datetime, timedelta, timezone
from typing import Iterable, Optional

from hypothesis import strategies as st

from graphsvc import audit
from graphsvc.bulk import import_records
from graphsvc.model import TRUSTED, AccessNotification, Acknowledgement, Assertion, PlacedChildren, SharingDecision, View, assertion_id, parse_time
from graphsvc.patterns import sighted_context_links
from graphsvc.store.base import GraphStore
from graphsvc.vocabulary import CONTEXT_KINDS
from records import entity, event, link, retraction, value

TOKENS = ["police", "csc", "health", "intel"]
AGENCIES = ["police", "csc", "health"]
SCOPES = ["", "police", "csc", "health", "intel", "police|csc", "police&intel", "csc|health|police", "health&csc"]
NAMES = ["Alex Straße", "ALEX strasse", "Jo Brook", "Jo Brookes", "Sam O'Neil", "Élodie Marsh", "İpek Yıldız"]
DOBS = ["2011-02-03", "2012-05-06", "2013-07-08"]
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def day(n: float) -> str:
    """A record time n days after 1 January 2026, with milliseconds (the precision stored)."""
    return (BASE + timedelta(days=n)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def both(stores: Iterable[GraphStore], fn):
    a, b = (fn(s) for s in stores)
    assert a == b
    return a


def compare_reads(e: GraphStore, n: GraphStore, views: list[Optional[View]], extra_ids: Iterable[str] = (), sample: Optional[int] = None) -> int:
    """Every port read, under every view, on both stores; returns how many reads compared equal."""
    log = both((e, n), lambda s: list(s.log()))
    assert both((e, n), lambda s: s.count()) == len(log)
    entities = sorted({a.subject for a in log} | {a.object for a in log if a.object})
    ids = sorted({a.id for a in log} | {a.supersedes for a in log if a.supersedes} | set(extra_ids))
    sample = sample or 25
    # Every entity and every assertion that is superseded or supersedes; a sample of the rest.
    special = {a.id for a in log if a.supersedes or a.retraction} | {a.supersedes for a in log if a.supersedes}
    entities = entities[:: max(1, len(entities) // sample)]
    ids = sorted(special | set(ids[:: max(1, len(ids) // sample)]) | {"a-unknown", ""})
    predicates = sorted({a.predicate for a in log})
    names = sorted({str(a.value) for a in log if a.predicate == "name"})
    needles = sorted({w[: max(2, len(w) // 2)] for nm in names for w in nm.split()[:1]})[:3] + ["", "ss", "İ"]
    values = {p: sorted({a.value for a in log if a.predicate == p}, key=str)[:2] + ["none-such"] for p in ("date_of_birth", "identifier")}
    moments = sorted({a.valid_from or a.recorded_at for a in log})
    windows = [(None, None)] + [(moments[i], moments[j]) for i, j in ((0, len(moments) // 2), (-1, -1))] + [(moments[0], None), (None, moments[0])] if moments else [(None, None)]
    dated_sets = [["seen_at", "found_at", "associates_with", "occurred_on"], ["involved_in", "found_with", "owns_uses", "name", "kind"], list(predicates)]
    checks = 0
    for view in views:
        # The many-entity reads answer exactly what the one-entity reads do.
        asked = entities + ["nobody"]
        kinds = both((e, n), lambda s: s.kinds_of(asked, view))
        assert kinds == {x: k for x in asked if (k := e.kind_of(x, view)) is not None}
        families = both((e, n), lambda s: s.families(asked, view))
        relatives = {x: {a.object for a in e.about(x, view, ["family_member_of"]) if a.object} | {a.subject for a in e.about(x, view, ["family_member_of"], incoming=True)} for x in asked}
        assert families == {x: relatives[x] & set(asked) for x in asked}  # relatives among those asked about
        some = asked[::2]
        assert both((e, n), lambda s: s.families(some, view)) == {x: relatives[x] & set(some) for x in some}
        for predicate in ("kind", "name", "involved_in", "associates_with", "family_member_of", "found_at", None):  # None: every one
            for incoming in (False, True):
                each = both((e, n), lambda s: s.about_each(asked, view, predicate, incoming))
                assert each == {x: e.about(x, view, None if predicate is None else [predicate], incoming) for x in asked}
                checks += 1
        for entity_id in asked:
            both((e, n), lambda s: s.kind_of(entity_id, view))
            both((e, n), lambda s: s.entity(entity_id, view))
            for few in (["name", "date_of_birth"], ["seen_at", "associates_with", "involved_in"]):
                both((e, n), lambda s: s.about(entity_id, view, few))
            both((e, n), lambda s: s.about(entity_id, view, [], incoming=True))
            checks += 5
        shown = both((e, n), lambda s: s.assertions(ids, view))
        assert shown == {x: a for x in ids if (a := e.assertion(x, view)) is not None}
        sources = sorted({(a.agency, a.source_ref) for a in log if a.id in ids}) + [("police", "none-such")]
        by_source = both((e, n), lambda s: s.by_source(sources, view))
        assert by_source == {k: found for k in sources if (found := [a for a in log if (a.agency, a.source_ref) == k and e.assertion(a.id, view)])}
        for assertion_id_ in ids:
            both((e, n), lambda s: s.assertion(assertion_id_, view))
            both((e, n), lambda s: s.superseders(assertion_id_, view))
            checks += 2
        for kinds in (("child", "adult"), ("venue", "park", "child")):
            for needle in needles:
                both((e, n), lambda s: s.search(view, kinds, name=needle))
                checks += 1
            for dob in values["date_of_birth"]:
                both((e, n), lambda s: s.search(view, kinds, date_of_birth=dob))
                both((e, n), lambda s: s.search(view, kinds, name="a", date_of_birth=dob))
                checks += 2
            for ident in values["identifier"]:
                both((e, n), lambda s: s.search(view, kinds, identifier=ident))
                both((e, n), lambda s: s.search(view, kinds, name="o", date_of_birth=DOBS[0], identifier=ident))
                checks += 2
        for preds in dated_sets:
            for start, end in windows:
                dated = both((e, n), lambda s: s.dated(view, preds, start, end))
                kinds = e.kinds_of({a.subject for a in dated}, view)
                for kind in ("missing_episode", "child", "none-such"):  # a kind checked where the assertions are
                    assert both((e, n), lambda s: s.dated_of_kind(view, preds, kind, start, end)) == [a for a in dated if kinds.get(a.subject) == kind]
                checks += 4
        for start, end in windows:
            for kinds, least in ((CONTEXT_KINDS, 1), (CONTEXT_KINDS, 2), ({"venue", "address"}, 1)):
                placed = both((e, n), lambda s: in_order(s.context_links(view, kinds, start, end, least)))
                # With the families among the children placed (Neo4j reads them with the kinds).
                assert both((e, n), lambda s: (lambda r: (in_order(r[0]), r[1]))(s.context_links_and_families(view, kinds, start, end, least))) == \
                    (placed, e.families({link[0] for _, _, links in placed for link in links}, view))
                checks += 2
    both((e, n), lambda s: s.flagged(ids))
    return checks


def in_order(placed: Iterable[PlacedChildren]) -> list:
    """A context_links answer in a fixed order (the port leaves it open), each context's links
    as patterns sees them: a store may give a link's repeated sightings as one (Neo4j does)."""
    return sorted((p.context, p.kind, sorted(map(astuple, sighted_context_links(p.links)))) for p in placed)


def views_for(times: list[datetime], draw_auths: Iterable[frozenset[str]] = ()) -> list[Optional[View]]:
    """Readers: trusted, several agencies and auths (one of them a named professional a share
    may be made to), and time slices at, between, before and after the record times."""
    police = View(frozenset({"police"}), "police", subject="pc-1")
    csc = View(frozenset({"csc"}), "csc", subject="sw-1")
    intel = View(frozenset({"police", "intel"}), "police")
    everyone = View(frozenset(TOKENS), None)
    first, middle, last = times[0], times[len(times) // 2], times[-1]
    return [
        None, TRUSTED.at(as_of=middle),
        police, csc, View(frozenset({"csc"}), "csc", subject="sw-2"), View(frozenset({"health"}), "health"), intel, everyone,
        *(View(a, "csc") for a in draw_auths),
        police.at(as_of=middle), csc.at(as_of=first), csc.at(as_of=last + timedelta(microseconds=1500)),
        intel.at(valid_at=middle), everyone.at(as_of=last - timedelta(days=1), valid_at=first - timedelta(days=1)),
    ]


# -- generated histories ---------------------------------------------------------------------------

@st.composite
def histories(draw):
    """Records in batches (with record times), sharing decisions (some made before the assertions
    they cover exist), acknowledgements, accesses and audit entries."""
    n = draw(st.integers(2, 6))
    batch1, batch2, batch3 = [], [], []
    people = []
    for i in range(n):
        kind = draw(st.sampled_from(["child", "adult"]))
        agency = draw(st.sampled_from(AGENCIES))
        attributes = {"name": draw(st.sampled_from(NAMES)), "date_of_birth": draw(st.sampled_from(DOBS))}
        if draw(st.booleans()):
            attributes["identifier"] = f"NHS:99900000{i:02d}"
        ref = f"P{i}"
        batch1.append(entity(f"p-{i}", kind, agency=agency, scope=draw(st.sampled_from(SCOPES)), source_ref=ref,
                             recorded_at=day(i), attributes=attributes))
        people.append((f"p-{i}", agency, ref))
    batch1.append(entity("v-0", "venue", scope=draw(st.sampled_from(SCOPES)), source_ref="V0", recorded_at=day(0), attributes={"name": "Chicken Shop"}))
    batch1.append(entity("v-1", "park", scope="", source_ref="V1", recorded_at=day(0), attributes={"name": "Rec Ground"}))
    for j, (a, b, sc, d) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(SCOPES), st.integers(5, 40)), max_size=6))):
        batch2.append(link(f"p-{a}", "associates_with", f"p-{b}", scope=sc, source_ref=f"L{j}", recorded_at=day(d), valid_from=day(d - 3)))
    for j, (a, b, sc, d) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(SCOPES), st.integers(5, 40)), max_size=3))):
        if a != b:
            batch2.append(link(f"p-{a}", "family_member_of", f"p-{b}", scope=sc, source_ref=f"F{j}", recorded_at=day(d), role=draw(st.sampled_from(["parent", "sibling"]))))
    for j, (a, place, sc, d, until) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(["v-0", "v-1"]), st.sampled_from(SCOPES),
                                                                           st.integers(5, 40), st.sampled_from([None, 2, 10])), max_size=6))):
        batch2.append(link(f"p-{a}", "seen_at", place, scope=sc, source_ref=f"S{j}", recorded_at=day(d), valid_from=day(d - 1),
                           **({"valid_to": day(d - 1 + until)} if until else {})))
    for j, (a, sc, d, minutes) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(SCOPES), st.integers(5, 40), st.integers(0, 1439)), max_size=4))):
        when = (BASE + timedelta(days=d, minutes=minutes, milliseconds=123 * (j % 2))).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        kind = draw(st.sampled_from(["contact", "missing_episode"]))
        found = draw(st.sampled_from([[], ["v-1"], ["v-0", "v-1"]])) if kind == "missing_episode" else []  # found_at places a child too
        batch2.append(event(f"ev-{j}", kind, when, agency="csc", scope=sc, source_ref=f"E{j}", recorded_at=day(d + 1),
                            attributes={"summary": f"Contact {j}"}, participants=[{"id": f"p-{a}", "role": "subject"}], found_at=found))
        if found and draw(st.booleans()):  # the found_at stays, the child's part in the episode is retracted
            batch3.append(retraction(assertion_id("csc", f"E{j}", f"participant:p-{a}:subject"), agency="csc", recorded_at=day(d + 2), source_ref=f"RE{j}"))
    # Corrections (each by the recording agency, with its own scope) and retractions.
    for j, (i, sc, d) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(SCOPES), st.integers(41, 60)), max_size=3, unique_by=lambda t: t[0]))):
        person, agency, ref = people[i]
        batch3.append(value(person, "date_of_birth", draw(st.sampled_from(DOBS)), agency=agency, scope=sc, source_ref=f"C{j}",
                            supersedes=assertion_id(agency, ref, "attr:date_of_birth:0"), recorded_at=day(d)))
    links = [r for r in batch2 if r["type"] == "assertion"]
    targets = sorted({links[k % len(links)]["source_ref"] for k in draw(st.lists(st.integers(0, 20), max_size=2))}) if links else []
    for j, ref in enumerate(targets):
        batch3.append(retraction(assertion_id("police", ref), recorded_at=day(61 + j), source_ref=f"R{j}"))
    decisions = draw(st.lists(st.tuples(st.booleans(), st.sampled_from(AGENCIES), st.sampled_from([None, "sw-1"]), st.integers(0, 70),
                                        st.lists(st.integers(0, 200), min_size=1, max_size=3)), max_size=4))
    auths = draw(st.lists(st.frozensets(st.sampled_from(TOKENS)), max_size=2))
    return [batch1, batch2, batch3], decisions, auths


def decision(k: int, share: bool, to: str, professional: Optional[str], at: str, ids: list[str]) -> SharingDecision:
    return SharingDecision(
        id=f"d-{k}", share=share, assertion_ids=tuple(ids), from_agency="police", decided_by="di-1", to_agency=to, to_team=None,
        to_professional=professional, purpose="strategy discussion", lawful_basis="dpa2018_sch1_para18_safeguarding", consent="not_sought",
        consent_reason="risk", person_informed=False, not_informed_reason="risk", handling="permitted", reasons="risk to the child",
        decided_at=parse_time(at), person_id="p-0")


def load_history(stores: Iterable[GraphStore], batches, decisions) -> None:
    stores = list(stores)
    # Ids of everything, known in advance (deterministic): a decision may cover an assertion
    # that is only written afterwards, and must widen its visibility from then on.
    first, *rest = batches
    for s in stores:
        import_records(s, first)
    known = [a.id for a in stores[0].log()]
    later = [a.id for s in stores[:1] for a in _prepared(s, rest)]
    pool = known + later
    made = [decision(k, share, to, prof, day(d), [pool[i % len(pool)] for i in idx]) for k, (share, to, prof, d, idx) in enumerate(decisions)]
    for s in stores:
        for d in made[: len(made) // 2]:
            s.append_decision(d)
        for records in rest:
            if records:
                import_records(s, records)
        for d in made[len(made) // 2:]:
            s.append_decision(d)
        for k, d in enumerate(made):
            s.append_acknowledgement(Acknowledgement(f"k-{k}", d.id, d.to_agency, "sw-1", True, True, "taken", "visited", d.decided_at + timedelta(hours=1)))
        s.append_access([AccessNotification(f"n-{k}-{m}", pool[(k + m) % len(pool)], AGENCIES[m % 3], "sw-9", "csc", "enquiry" if m else None,
                                            parse_time(day(k + m / 7))) for k in range(3) for m in range(3)])
        s.append_access([])
        for k in range(4):
            s.audit_append({"at": day(70 + k), "subject": f"pro-{k}", "agency": AGENCIES[k % 3], "roles": ["practitioner", "analyst"][: k % 2 + 1],
                            "purpose": None if k == 2 else "s47 enquiry", "operation": f"query Op{k}", "variables_digest": None if k % 2 else "ab" * 32,
                            "returned": pool[k:k + 3] if k != 1 else [], "outcome": "ok"})


def _prepared(store: GraphStore, batches) -> list[Assertion]:
    """The assertions these batches will write (validated against the store plus earlier batches)."""
    from graphsvc.ingest import prepare

    out: list[Assertion] = []

    class Seen:
        def kinds_of(self, entity_ids, view=None):
            found = store.kinds_of(entity_ids, view)
            for entity_id in entity_ids:
                found[entity_id] = next((str(a.value) for a in out if a.subject == entity_id and a.predicate == "kind"), None) or found.get(entity_id)
            return {k: kind for k, kind in found.items() if kind is not None}

        def assertions(self, ids, view=None):
            found = store.assertions(ids, view)
            return {**found, **{a.id: a for a in out if a.id in set(ids)}}

    for records in batches:
        if records:
            out += prepare(enumerate(records, 1), Seen())
    return out


def compare_accountability(e: GraphStore, n: GraphStore) -> None:
    decisions = both((e, n), lambda s: s.decisions())
    for d in decisions:
        for aid in d.assertion_ids:
            both((e, n), lambda s: s.decisions(aid))
        both((e, n), lambda s: s.acknowledgements(d.id))
    both((e, n), lambda s: s.decisions("a-unknown"))
    both((e, n), lambda s: s.acknowledgements())
    for agency in AGENCIES + ["nobody"]:
        for start, end in ((None, None), (parse_time(day(1)), None), (None, parse_time(day(2))), (parse_time(day(1)), parse_time(day(1 + 3 / 7)))):
            both((e, n), lambda s: s.accesses(agency, start, end))
    entries = both((e, n), lambda s: list(s.audit_entries()))
    assert audit.verify(iter(entries)) == (len(entries), None)
    for aid in {i for entry in entries for i in entry["returned"]} | {"a-unknown"}:
        both((e, n), lambda s: s.audit_for(aid))
    for entry in entries:  # the same shape, field by field: lists stay lists, None stays None
        assert list(entry) == ["seq", "at", "subject", "agency", "roles", "purpose", "operation", "variables_digest", "returned", "outcome", "prev", "hash"]
        assert isinstance(entry["roles"], list) and isinstance(entry["returned"], list)


def sample(i: int, **changes) -> Assertion:
    a = Assertion(id=f"a-{i:04d}", subject="c-1", predicate="name", object=None, value=f"Name {i}", role=None, valid_from=None, valid_to=None,
                  recorded_at=parse_time("2026-01-01T00:00:00.123Z") + timedelta(seconds=i), recorded_by="pro-1", agency="police",
                  source_ref=f"R-{i}", method="observed", status="fact", source_reliability=None, information_confidence=None, scope="",
                  handling="permitted")
    return a.with_(**changes)


# -- people worlds (test_api_properties) --------------------------------------------------

PEOPLE_TOKENS = ["police", "csc", "health", "intel"]
PEOPLE_SCOPES = st.one_of(
    st.just(""), st.sampled_from(PEOPLE_TOKENS),
    st.lists(st.sampled_from(PEOPLE_TOKENS), min_size=2, max_size=3, unique=True).map("|".join),
    st.lists(st.sampled_from(PEOPLE_TOKENS), min_size=2, max_size=2, unique=True).map("&".join),
)
PEOPLE_AGENCIES = ["police", "csc", "health"]


@st.composite
def people_worlds(draw):
    """People with names and dates of birth, a venue, links, sightings and contacts with
    random scopes, and corrections under scopes of their own."""
    n = draw(st.integers(1, 6))
    records, people = [], []
    for i in range(n):
        kind = draw(st.sampled_from(["child", "adult"]))
        ref = f"P{i}"
        records.append(entity(f"p-{i}", kind, agency=draw(st.sampled_from(PEOPLE_AGENCIES)), scope=draw(PEOPLE_SCOPES), source_ref=ref,
                              recorded_at=f"2026-01-0{1 + i % 9}T00:00:00Z", attributes={"name": f"Person {i}", "date_of_birth": "2012-01-01"}))
        people.append((f"p-{i}", records[-1]["agency"], ref))
    records.append(entity("place-0", "venue", scope=draw(PEOPLE_SCOPES), source_ref="V0", recorded_at="2026-01-01T00:00:00Z", attributes={"name": "Venue"}))
    for j, (a, b, sc) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), PEOPLE_SCOPES), max_size=6))):
        records.append(link(f"p-{a}", "associates_with", f"p-{b}", scope=sc, source_ref=f"L{j}", recorded_at="2026-02-01T00:00:00Z"))
    for j, (a, sc) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), PEOPLE_SCOPES), max_size=4))):
        records.append(link(f"p-{a}", "seen_at", "place-0", scope=sc, source_ref=f"S{j}", recorded_at="2026-02-02T00:00:00Z"))
    for j, (a, sc, day) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), PEOPLE_SCOPES, st.integers(1, 28)), max_size=4))):
        records.append(event(f"ev-{j}", "contact", f"2026-03-{day:02d}T10:00:00Z", agency="csc", scope=sc, source_ref=f"E{j}",
                             recorded_at="2026-04-01T00:00:00Z", attributes={"summary": f"Contact {j}"}, participants=[{"id": f"p-{a}", "role": "subject"}]))
    # Corrections with their own scopes: a hidden correction must not hide the original.
    for j, (i, sc) in enumerate(draw(st.lists(st.tuples(st.integers(0, n - 1), PEOPLE_SCOPES), max_size=2, unique_by=lambda t: t[0]))):
        person, agency, ref = people[i]
        records.append(value(person, "date_of_birth", "2012-02-02", agency=agency, scope=sc, source_ref=f"C{j}",
                             supersedes=assertion_id(agency, ref, "attr:date_of_birth:0"), recorded_at="2026-05-01T00:00:00Z"))
    return n, records


@st.composite
def identity_worlds(draw):
    """People worlds with same_person_as and not_same_person links between the people, under
    random scopes, some retracted under scopes of their own."""
    n, records = draw(people_worlds())
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]) if n > 1 else st.nothing()
    matches = draw(st.lists(st.tuples(pairs, st.sampled_from(["same_person_as", "same_person_as", "not_same_person"]), PEOPLE_SCOPES), max_size=6 if n > 1 else 0))
    for j, ((a, b), predicate, sc) in enumerate(matches):
        records.append(link(f"p-{a}", predicate, f"p-{b}", agency="csc", scope=sc, source_ref=f"I{j}", method="matched_probabilistic",
                            recorded_at=f"2026-02-{3 + j:02d}T00:00:00Z", value={"probability": 0.9, "evidence": {"rule": j}}))
    for j in draw(st.lists(st.integers(0, len(matches) - 1), max_size=2, unique=True)) if matches else []:
        records.append({**retraction("a-placeholder", agency="csc", source_ref=f"R{j}", recorded_at="2026-02-20T00:00:00Z"),
                        "retracts": {"agency": "csc", "source_ref": f"I{j}"}, "scope": draw(PEOPLE_SCOPES)})
    return n, records


# -- pattern worlds (test_pattern_properties) ---------------------------------------------

PATTERN_TOKENS = ["police", "csc", "mash"]
PATTERN_SCOPES = st.one_of(st.just(""), st.sampled_from(PATTERN_TOKENS), st.just("police|mash"), st.just("csc&mash"))


@st.composite
def pattern_worlds(draw):
    """Children, adults, places, a phone, family links, sightings, missing episodes and
    same-person links (and rejections) with random scopes, and some links retracted under
    scopes of their own."""
    children = draw(st.integers(2, 5))
    adults = draw(st.integers(1, 2))
    records = [entity(f"c{i}", "child", scope=draw(PATTERN_SCOPES), source_ref=f"C{i}", recorded_at="2026-01-01T00:00:00Z") for i in range(children)]
    records += [entity(f"a{i}", "adult", scope=draw(PATTERN_SCOPES), source_ref=f"A{i}", recorded_at="2026-01-01T00:00:00Z") for i in range(adults)]
    records += [entity("v0", "venue", source_ref="V0", recorded_at="2026-01-01T00:00:00Z"), entity("v1", "park", scope=draw(PATTERN_SCOPES), source_ref="V1", recorded_at="2026-01-01T00:00:00Z"),
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
            records.append(link(f"c{c}", predicate, place, scope=draw(PATTERN_SCOPES), source_ref=ref(), valid_from=f"2026-02-{draw(st.integers(1, 28)):02d}T20:00:00Z", recorded_at="2026-03-01T00:00:00Z"))
    if draw(st.booleans()):
        records.append(link("c0", "family_member_of", "c1", role="sibling", scope=draw(PATTERN_SCOPES), source_ref=ref(), recorded_at="2026-01-02T00:00:00Z"))
    for a in range(adults):
        for c in draw(st.lists(st.integers(0, children - 1), max_size=2, unique=True)):
            records.append(link(f"a{a}", "associates_with", f"c{c}", scope=draw(PATTERN_SCOPES), source_ref=ref(), valid_from="2026-02-10T00:00:00Z", recorded_at="2026-03-01T00:00:00Z"))
        if draw(st.booleans()):  # shares a phone with any child who uses it
            records.append(link(f"a{a}", "owns_uses", "ph0", scope=draw(PATTERN_SCOPES), source_ref=ref(), valid_from="2026-02-11T00:00:00Z", recorded_at="2026-03-01T00:00:00Z"))
    for e in range(draw(st.integers(0, 5))):
        c = draw(st.integers(0, children - 1))
        start = datetime(2026, 4, draw(st.integers(1, 20)), 18, tzinfo=timezone.utc)
        end = start + timedelta(hours=draw(st.integers(1, 60)))
        found_at = draw(st.lists(st.sampled_from(["v0", "v1"]), max_size=1))
        found_with = draw(st.lists(st.sampled_from(people), max_size=1).filter(lambda xs: f"c{c}" not in xs))
        records.append(event(f"m{e}", "missing_episode", start.isoformat(), ended_on=end.isoformat(),
                             scope=draw(PATTERN_SCOPES), source_ref=f"M{e}", recorded_at="2026-05-01T00:00:00Z", attributes={"episode_type": "missing"},
                             participants=[{"id": f"c{c}", "role": "subject"}], found_at=found_at, found_with=found_with))
    # Same-person links and rejections between two children or two adults, under random scopes:
    # a reader's patterns merge the records of a person only by those the reader sees.
    pairs = st.sampled_from([(a, b) for group in (people[:children], people[children:]) for a in group for b in group if a < b] or [("c0", "c1")])
    for (a, b), predicate in draw(st.lists(st.tuples(pairs, st.sampled_from(["same_person_as", "same_person_as", "not_same_person"])), min_size=1, max_size=3)):
        records.append(link(a, predicate, b, scope=draw(PATTERN_SCOPES), source_ref=ref(), method="matched_probabilistic",
                            recorded_at=f"2026-03-{draw(st.integers(2, 9)):02d}T00:00:00Z", value={"probability": 0.9, "evidence": {}}))
    # Some links are retracted, with a scope of their own (a hidden retraction must not hide the link).
    links = [r for r in records if r["type"] == "assertion"]
    for r in draw(st.lists(st.sampled_from(links), max_size=2, unique_by=lambda r: r["source_ref"])) if links else []:
        records.append({**retraction(assertion_id("police", r["source_ref"]), recorded_at="2026-06-01T00:00:00Z", source_ref=ref()), "scope": draw(PATTERN_SCOPES)})
    return children, records

"""The assertion graph and the embedded store: append-only, bitemporal, scoped."""

from __future__ import annotations

import dataclasses
import gc
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from graphsvc import bulk, heap, model
from graphsvc.bulk import import_records
from graphsvc.model import Assertion, View, assertion_id, build_assertion, format_time, parse_time
from graphsvc.scope import visible
from graphsvc.store import EmbeddedStore, embedded
from records import entity, link, retraction, value

POLICE = View(auths=frozenset({"police"}), agency="police")
CSC = View(auths=frozenset({"csc"}), agency="csc")


def kid(store, id="child-1", agency="police", scope="", **kw):
    import_records(store, [entity(id, "child", agency=agency, scope=scope, attributes={"name": "Sam Testcase"}, **kw)])


def test_append_only_at_the_database_level(store):
    kid(store)
    db = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE assertions SET value = '\"x\"'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM assertions")
    db.close()
    assert store.count() == 2


def test_a_correction_adds_and_never_overwrites(store):
    rec = entity("child-1", "child", recorded_at="2026-01-01T10:00:00Z", attributes={"date_of_birth": "2012-05-01"})
    import_records(store, [rec])
    old = assertion_id("police", rec["source_ref"], "attr:date_of_birth:0")
    fix = value("child-1", "date_of_birth", "2012-06-01", recorded_at="2026-02-01T10:00:00Z", supersedes=old)
    import_records(store, [fix])
    # Both versions are still in the log, unchanged.
    log = {a.id: a for a in store.log()}
    assert log[old].value == "2012-05-01"
    assert store.count() == 3
    assert [a.value for a in store.about("child-1", POLICE, ["date_of_birth"])] == ["2012-06-01"]
    # What we knew before the correction was recorded:
    before = POLICE.at(as_of=parse_time("2026-01-15"))
    assert [a.value for a in store.about("child-1", before, ["date_of_birth"])] == ["2012-05-01"]
    # Before anything was recorded, the child does not exist.
    assert store.entity("child-1", POLICE.at(as_of=parse_time("2025-12-31"))) is None
    assert [s.value for s in store.superseders(old, POLICE)] == ["2012-06-01"]


def test_a_retraction_removes_the_fact_from_the_current_view_only(store):
    kid(store)
    rec = link("child-1", "seen_at", "park-1", recorded_at="2026-03-01T00:00:00Z")
    import_records(store, [entity("park-1", "park", recorded_at="2026-01-01T00:00:00Z"), rec])
    target = assertion_id("police", rec["source_ref"])
    import_records(store, [retraction(target, recorded_at="2026-03-02T00:00:00Z")])
    assert store.about("child-1", POLICE, ["seen_at"]) == []
    assert [a.id for a in store.about("child-1", POLICE.at(as_of=parse_time("2026-03-01T12:00:00Z")), ["seen_at"])] == [target]
    assert store.assertion(target, POLICE) is not None  # provenance can still reach it


def test_valid_time(store):
    kid(store)
    import_records(store, [
        entity("addr-1", "address"), entity("addr-2", "address"),
        link("child-1", "lives_at", "addr-1", valid_from="2020-01-01", valid_to="2024-01-01"),
        link("child-1", "lives_at", "addr-2", valid_from="2024-01-01"),
    ])
    at = lambda when: sorted(a.object for a in store.about("child-1", POLICE.at(valid_at=parse_time(when)), ["lives_at"]))
    assert at("2019-06-01") == []
    assert at("2022-06-01") == ["addr-1"]
    assert at("2024-01-01") == ["addr-2"]  # valid_to is exclusive
    assert sorted(a.object for a in store.about("child-1", POLICE, ["lives_at"])) == ["addr-1", "addr-2"]


def test_scope_hides_assertions_and_entities(store):
    kid(store, scope="police")
    import_records(store, [value("child-1", "gender", "female", agency="police", scope="police&intel")])
    assert store.entity("child-1", CSC) is None
    assert store.kind_of("child-1", CSC) is None
    e = store.entity("child-1", POLICE)
    assert e is not None and e.kind == "child"
    assert e.values("gender") == []  # needs police AND intel
    assert store.entity("child-1", View(auths=frozenset({"police", "intel"}))).values("gender") == ["female"]


def test_a_hidden_correction_changes_nothing_for_those_who_cannot_see_it(store):
    rec = entity("child-1", "child", attributes={"name": "Alex Original"})
    import_records(store, [rec])
    old = assertion_id("police", rec["source_ref"], "attr:name:0")
    import_records(store, [value("child-1", "name", "Alex Corrected", scope="police", supersedes=old)])
    assert store.entity("child-1", CSC).values("name") == ["Alex Original"]
    assert store.entity("child-1", POLICE).values("name") == ["Alex Corrected"]
    assert store.superseders(old, CSC) == []


def test_reopening_gives_exactly_the_same_state(tmp_path):
    path = tmp_path / "s.db"
    with EmbeddedStore(path) as s:
        kid(s)
        import_records(s, [entity("addr-1", "address"), link("child-1", "lives_at", "addr-1", valid_from="2021-02-03T04:05:06.789Z")])
        before = list(s.log())
        views = [s.entity("child-1", v) for v in (POLICE, CSC)]
        edges = sorted(s.graph.edges(keys=True))
    with EmbeddedStore(path) as s:
        assert list(s.log()) == before
        assert [s.entity("child-1", v) for v in (POLICE, CSC)] == views
        assert sorted(s.graph.edges(keys=True)) == edges
        assert s.count() == len(before)


def test_search(store):
    import_records(store, [
        entity("child-1", "child", attributes={"name": "Jo Brook", "date_of_birth": "2012-01-02", "identifier": "NHS:9990000001"}),
        entity("child-2", "child", scope="police", attributes={"name": "Jo Brookes", "date_of_birth": "2012-01-02"}),
        entity("venue-1", "venue", attributes={"name": "Brook Cafe"}),
    ])
    assert store.search(CSC, name="brook") == ["child-1"]
    assert store.search(POLICE, name="brook") == ["child-1", "child-2"]
    assert store.search(POLICE, name="brook", kinds=["venue"]) == ["venue-1"]
    assert store.search(POLICE, date_of_birth="2012-01-02") == ["child-1", "child-2"]
    assert store.search(CSC, identifier="NHS:9990000001") == ["child-1"]
    assert store.search(POLICE, name="jo", identifier="NHS:9990000001") == ["child-1"]


TOKENS = ["police", "csc", "health", "intel"]
scope_exprs = st.one_of(
    st.just(""),
    st.sampled_from(TOKENS),
    st.lists(st.sampled_from(TOKENS), min_size=2, max_size=3, unique=True).map("|".join),
    st.lists(st.sampled_from(TOKENS), min_size=2, max_size=3, unique=True).map("&".join),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    scopes=st.lists(scope_exprs, min_size=1, max_size=8),
    links=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), scope_exprs), max_size=10),
    auths=st.frozensets(st.sampled_from(TOKENS)),
)
def test_a_viewer_never_receives_an_assertion_it_may_not_see(tmp_path_factory, scopes, links, auths):
    with EmbeddedStore(tmp_path_factory.mktemp("p") / "s.db") as s:
        records = [entity(f"p-{i}", "adult", scope=sc, attributes={"name": f"Person {i}"}) for i, sc in enumerate(scopes)]
        records += [link(f"p-{a}", "associates_with", f"p-{b}", scope=sc) for a, b, sc in links if a < len(scopes) and b < len(scopes)]
        import_records(s, records)
        view = View(auths=auths)
        seen = []
        for i in range(len(scopes)):
            e = s.entity(f"p-{i}", view)
            if e is None:
                assert not visible(scopes[i], auths)
                continue
            seen += [*e.assertions, *e.incoming]
        seen += [s.assertion(a.id, view) for a in s.log() if s.assertion(a.id, view)]
        assert all(visible(a.scope, auths) for a in seen)
        expected = {a.id for a in s.log() if visible(a.scope, auths)}
        assert {a.id for a in seen} == expected


def test_many_entity_reads_follow_every_write(store):
    """kinds_of, about_each and families (which the embedded store remembers per reader) never answer
    from before a write: a new assertion, a correction or a share shows at once, for each reader."""

    from graphsvc.model import TRUSTED, SharingDecision

    kid(store, "kid-1", agency="csc", scope="csc")
    kid(store, "kid-2", scope="police")
    nobody = View()  # authenticated, no auths: sees only unscoped assertions
    asked = ["kid-1", "kid-2", "kid-3"]
    assert store.kinds_of(asked, CSC) == {"kid-1": "child"}
    assert store.kinds_of(asked, POLICE) == {"kid-2": "child"}
    assert store.kinds_of(asked, TRUSTED) == store.kinds_of(asked) == {"kid-1": "child", "kid-2": "child"}
    assert store.kinds_of(asked, nobody) == {}  # the trusted reader's answers are not another auth-less reader's
    assert store.about_each(asked, CSC, "family_member_of") == {"kid-1": [], "kid-2": [], "kid-3": []}
    assert store.families(asked, CSC) == {"kid-1": frozenset(), "kid-2": frozenset(), "kid-3": frozenset()}
    everything = store.about_each(asked, CSC, None)  # every predicate
    assert everything["kid-3"] == [] and {a.predicate for a in everything["kid-1"]} == {"kind", "name"}

    kid(store, "kid-3", agency="csc", scope="csc")
    import_records(store, [link("kid-1", "family_member_of", "kid-3", agency="csc", scope="csc", role="sibling")])
    assert store.kinds_of(asked, CSC) == {"kid-1": "child", "kid-3": "child"}
    family = store.about_each(asked, CSC, "family_member_of")
    assert [a.object for a in family["kid-1"]] == ["kid-3"] and family["kid-2"] == family["kid-3"] == []
    assert [a.subject for a in store.about_each(asked, CSC, "family_member_of", incoming=True)["kid-3"]] == ["kid-1"]
    assert [a.predicate for a in store.about_each(asked, CSC, None)["kid-1"]] == ["kind", "name", "family_member_of"]
    assert [a.predicate for a in store.about_each(asked, CSC, None)["kid-3"]] == ["kind", "name"]
    assert store.families(asked, CSC) == {"kid-1": {"kid-3"}, "kid-2": frozenset(), "kid-3": {"kid-1"}}
    assert store.families(asked, POLICE) == {"kid-1": frozenset(), "kid-2": frozenset(), "kid-3": frozenset()}  # csc's link
    assert store.families(["kid-1", "kid-2"], CSC) == {"kid-1": frozenset(), "kid-2": frozenset()}  # kid-3 not asked about

    # A retraction of the link takes it away; a share of kid-2's kind assertion widens it to csc.
    link_id = family["kid-1"][0].id
    import_records(store, [retraction(link_id, agency="csc")])
    assert store.about_each(asked, CSC, "family_member_of")["kid-1"] == []
    assert store.families(asked, CSC)["kid-3"] == frozenset()
    kind_2 = store.about("kid-2", POLICE, ["kind"])[0].id
    store.append_decision(SharingDecision(
        id="d-1", share=True, assertion_ids=(kind_2,), from_agency="police", decided_by="di-1", to_agency="csc", to_team=None,
        to_professional=None, purpose="strategy discussion", lawful_basis="dpa2018_sch1_para18_safeguarding", consent="not_sought",
        consent_reason="risk", person_informed=False, not_informed_reason="risk", handling="permitted", reasons="risk to the child",
        decided_at=datetime(2026, 1, 1, tzinfo=timezone.utc), person_id="kid-2"))
    assert store.kinds_of(asked, CSC) == {"kid-1": "child", "kid-2": "child", "kid-3": "child"}
    assert store.kind_of("kid-2", CSC) == "child"


@given(st.builds(
    lambda subject, obj, value, supersedes, retraction: dict(
        id=assertion_id("police", subject), subject=subject, predicate="lives_at" if obj else "name", object=obj,
        value=None if obj else value, role=None, valid_from=None, valid_to=None, recorded_at=parse_time("2026-01-01T10:00:00Z"),
        recorded_by="officer-1", agency="police", source_ref=subject, method="reported", status="open",
        source_reliability=None, information_confidence=None, scope="police", handling="share-with-partners",
        supersedes=supersedes, retraction=retraction),
    st.text(min_size=1, max_size=8), st.one_of(st.none(), st.text(min_size=1, max_size=8)), st.text(max_size=8),
    st.one_of(st.none(), st.text(min_size=1, max_size=8)), st.booleans()))
def test_the_fast_constructor_makes_the_same_frozen_assertion(fields):
    made = build_assertion(**fields)
    assert type(made) is Assertion
    assert made == Assertion(**fields) and hash(made) == hash(Assertion(**fields))
    assert build_assertion(*fields.values()) == made  # positionally too, defaults included
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.subject = "someone-else"  # type: ignore[misc]


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-5, minutes=-30))])))
def test_every_time_written_as_isoformat_writes_it(when):
    """format_time spells a UTC time by hand (faster than isoformat): the same text, every year."""
    assert format_time(when) == when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-5, minutes=-30))])),
       st.sampled_from(["", "T", " ", "+01:00", "Z", "seconds", "micro", "junk"]), st.text(alphabet="0123456789-:.TWZ+ ", min_size=8, max_size=30))
def test_times_read_and_written_through_the_shortcuts_as_in_general(when, variant, junk):
    """parse_time and format_time take a shortcut for UTC times spelled with "Z"; every text
    must read exactly as read_iso reads it, tzinfo included, or fail alike, and every time must
    be written as the general conversion writes it."""
    assert format_time(when) == when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    text = format_time(when)
    if variant in ("T", " "):  # not the store's spelling: a date alone, or a space for the T
        text = text[:10] if variant == "T" else text.replace("T", " ")
    elif variant in ("seconds", "micro"):  # other spellings with "Z", as agencies send them
        utc = when.astimezone(timezone.utc)
        text = utc.strftime("%Y-%m-%dT%H:%M:%SZ") if variant == "seconds" else utc.isoformat(timespec="microseconds")[:-6] + "Z"
    elif variant == "junk":  # ending in Z, mostly not a time
        text = junk + "Z"
    elif variant:
        text = text[:-1] + variant
    try:
        general = model.read_iso(text)
    except ValueError:
        with pytest.raises(ValueError):
            parse_time(text)
        return
    read = parse_time(text)
    assert read == general and read.tzinfo is general.tzinfo
    assert embedded._Times()[text] == read


def test_bulk_work_pauses_the_collector_and_restores_it():
    assert gc.isenabled()
    with heap.paused():
        assert not gc.isenabled()
        with heap.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves it to the outer one
    assert gc.isenabled()
    with pytest.raises(RuntimeError), heap.paused():
        raise RuntimeError("a failed import")
    assert gc.isenabled()


@pytest.mark.parametrize("module", ["graphsvc.cli", "graphsvc.bench"])
def test_graphsvc_processes_collect_the_young_generation_less_often(module):
    """`graphsvc` (every command, the server) and the bench's own processes (python -m
    graphsvc.bench: its servers and probe) set heap.for_service's threshold before any work."""
    program = f"import gc, {module} as m\ntry:\n    m.main(['--help'])\nexcept SystemExit:\n    pass\nprint(gc.get_threshold()[0])"
    found = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True)
    assert int(found.stdout.split()[-1]) == heap.YOUNG_GENERATION != 700  # 700: CPython's own


def test_an_import_runs_without_collections_and_reenables_them(store, monkeypatch):
    seen = []
    real_prepared = bulk.prepared
    monkeypatch.setattr(bulk, "prepared", lambda *a, **kw: (seen.append(gc.isenabled()), real_prepared(*a, **kw))[1])
    kid(store)
    assert seen == [False] and gc.isenabled()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=9), min_size=1, max_size=5))
def test_timelines_stay_in_time_order_through_bulk_and_small_appends(tmp_path_factory, batches):
    """Each batch of links (days into January) goes in as one append: a bulk one (>= BULK, set
    low) merges into the timelines, a small one places each link; either way a window read
    gives the links in (moment, append) order, before and after reopening."""
    path = tmp_path_factory.mktemp("timeline") / "s.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(embedded, "BULK", 4)
        with EmbeddedStore(path) as s:
            import_records(s, [entity("child-1", "child")] + [entity(f"addr-{d}", "address") for d in range(1, 7)])
            for days in batches:
                import_records(s, [link("child-1", "lives_at", f"addr-{d}", valid_from=f"2026-01-0{d}T00:00:00Z") for d in days])
            expected = sorted((a for a in s.log() if a.predicate == "lives_at"), key=lambda a: a.valid_from)  # stable: append order
            assert s.dated(None, ["lives_at"]) == expected
            assert s.dated(None, ["lives_at"], parse_time("2026-01-02"), parse_time("2026-01-04")) == [
                a for a in expected if parse_time("2026-01-02") <= a.valid_from <= parse_time("2026-01-04")]
        with EmbeddedStore(path) as s:
            assert s.dated(None, ["lives_at"]) == expected


def test_the_timelines_are_settled_out_of_the_collectors_reach(tmp_path, monkeypatch):
    """A large list made after the projection was settled is walked by every full collection
    (~90 ms for a million entries at large-la): the timelines are built before settling, on
    open and on a bulk append, and a read never makes new ones."""
    monkeypatch.setattr(embedded, "BULK", 4)
    path = tmp_path / "s.db"
    try:
        with EmbeddedStore(path) as s:
            import_records(s, [entity("child-1", "child")] + [entity(f"addr-{d}", "address") for d in range(1, 7)])
            import_records(s, [link("child-1", "lives_at", f"addr-{d}", valid_from=f"2026-01-0{d}T00:00:00Z") for d in (3, 1, 2, 6, 5)])
        for reads in range(2):
            with EmbeddedStore(path) as s:
                assert len(s.dated(None, ["lives_at"])) == 5
                timeline = s._timeline["lives_at"]
                walked = {id(o) for o in gc.get_objects()}
                assert id(timeline.moments) not in walked and id(timeline.assertions) not in walked
                if reads:  # a small append places its link in the settled lists, makes no new ones
                    import_records(s, [link("child-1", "lives_at", "addr-4", valid_from="2026-01-04T00:00:00Z")])
                    assert s._timeline["lives_at"] is timeline and len(s.dated(None, ["lives_at"])) == 6
    finally:
        gc.unfreeze()


def test_remembered_answers_cost_full_collections_nothing(tmp_path):
    """What the embedded store remembers per reader (kinds, links, families) grows with every
    wide query; held as assertions, each full collection walked all of it (~110 ms at large-la
    after one wide sharedContexts). Held as strings, the collector stops tracking it."""
    with EmbeddedStore(tmp_path / "s.db") as store:
        for n in range(6):
            kid(store, f"kid-{n}", agency="csc", scope="csc")
        import_records(store, [link("kid-0", "family_member_of", f"kid-{n}", agency="csc", scope="csc", role="sibling") for n in range(1, 6)])
        asked = [f"kid-{n}" for n in range(6)] + ["nobody"]
        first = (store.kinds_of(asked, CSC), store.about_each(asked, CSC, "family_member_of"), store.families(asked, CSC))
        gc.collect()
        (memo,) = store._memos.values()
        assert memo.families and all(memo.links.values())
        for held in [memo.kinds, *memo.links.values(), memo.families]:
            assert not gc.is_tracked(held), held
            assert not any(gc.is_tracked(value) for value in held.values())
        # and what is remembered answers as the first reads did, with the store's own assertions
        assert (store.kinds_of(asked, CSC), store.about_each(asked, CSC, "family_member_of"), store.families(asked, CSC)) == first
        assert store.about_each(["kid-0"], CSC, "family_member_of")["kid-0"][0] is first[1]["kid-0"][0]


def test_an_entity_whose_first_kind_was_retracted_has_the_kind_recorded_next(store):
    """kind_of and kinds_of read the first current visible `kind` in the order written: one
    retracted is passed over, whatever came after it is the kind (here another, as the importer
    allows once the first is retracted)."""
    kid(store, "kid-1", agency="police")
    import_records(store, [entity("kid-1", "child", agency="csc", source_ref="CSC-KID-1")])
    first = store.about("kid-1", CSC, ["kind"])
    assert [a.agency for a in first] == ["police", "csc"]
    import_records(store, [retraction(first[0].id, agency="police")])
    assert store.kind_of("kid-1", POLICE) == "child" and store.kinds_of(["kid-1", "x"], POLICE) == {"kid-1": "child"}
    import_records(store, [retraction(first[1].id, agency="csc")])
    assert store.kind_of("kid-1", CSC) is None and store.kinds_of(["kid-1"], CSC) == {}
    import_records(store, [entity("kid-1", "adult", agency="health", source_ref="H-KID-1")])
    assert store.kind_of("kid-1", CSC) == "adult" and store.kinds_of(["kid-1"], CSC) == {"kid-1": "adult"}

"""Candidate same-person matches with Splink (graphsvc/linkage): the planted duplicates across
agencies are found and the twins are not; a candidate's scope is the conjunction of its
evidence's scopes; the saved model reloads and scores the same; `graphsvc resolve`.

Synthetic people only (tests/linkage_people.py)."""

from __future__ import annotations

import itertools
import json

import pytest

from graphsvc import cli
from graphsvc.bulk import import_records
from graphsvc.linkage import candidates as cands
from graphsvc.linkage import names, priors, run
from graphsvc.linkage.model import ModelError, load, train
from graphsvc.linkage.people import postcode, read_people
from graphsvc.model import TRUSTED, View
from graphsvc.scope import visible
from graphsvc.store import EmbeddedStore
from linkage_people import NAMESAKES, PLANTED, SAME, TWINS, background, records
from records import link

MISSING_DOB = ("h-tyler", "p-tyler")  # less to go on: waits for a person
BACKGROUND = 80


@pytest.fixture
def embedded(tmp_path):
    """An embedded store, for the cases that need not run on Neo4j too (linkage reads through
    the port: the two parametrised cases above show both stores give the same rows)."""
    with EmbeddedStore(tmp_path / "store.db") as store:
        yield store


def rows_of(people, folder):
    with EmbeddedStore(folder / "store.db") as store:
        import_records(store, records(people))
        return read_people(store)


def load_people(store) -> None:
    import_records(store, records(PLANTED + background(BACKGROUND)))


def pairs(found, at_least: float, below: float = 2.0) -> set[tuple[str, str]]:
    return {(c.left, c.right) for c in found if at_least <= c.probability < below}


def test_the_planted_duplicates_are_found_and_the_twins_are_not(store):
    load_people(store)
    done = run.resolve(store)
    assert done.people == len(PLANTED) + BACKGROUND
    found = done.candidates
    # At the review threshold: every planted duplicate (recall 1) and nothing else (precision 1):
    # not the twins (one surname, date of birth and address, different first names).
    assert pairs(found, cands.REVIEW_THRESHOLD) == SAME
    assert not pairs(found, 0.0) & TWINS
    # A father and son of one name at one address: their dates of birth set them apart.
    assert not pairs(found, cands.REVIEW_THRESHOLD) & NAMESAKES
    assert pairs(found, cands.ACCEPT_THRESHOLD) == SAME - {MISSING_DOB}
    assert pairs(found, cands.REVIEW_THRESHOLD, cands.ACCEPT_THRESHOLD) == {MISSING_DOB}
    by_pair = {(r["subject"], r["object"]): r for r in done.records}
    assert {p: r["predicate"] for p, r in by_pair.items()} == {p: cands.POSSIBLY if p == MISSING_DOB else cands.SAME for p in SAME}
    assert done.counts() == {cands.SAME: len(SAME) - 1, cands.POSSIBLY: 1}


def test_each_candidate_carries_its_waterfall(embedded):
    load_people(embedded)
    done = run.resolve(embedded)
    jess = cands.find(done.candidates, "p-jess", "h-jessica")
    waterfall = jess.evidence
    assert waterfall["first_name"]["level"] == "nickname or variant (Jess/Jessica)"
    assert waterfall["dob"]["level"] == "Exact match on dob"
    amira = cands.find(done.candidates, "p-amira", "c-amira").evidence
    assert amira["dob"]["level"] == "day and month swapped"
    kayla = cands.find(done.candidates, "s-kayla", "h-kayla").evidence
    assert kayla["nhs"]["level"] == "Exact match on nhs" and kayla["nhs"]["match_weight"] > 0
    for c in done.candidates:  # the parts add up to the pair's match weight
        total = sum(part["match_weight"] + part.get("tf_adjustment", 0.0) for part in c.evidence.values())
        assert total == pytest.approx(c.match_weight, abs=1e-3)
    record = next(r for r in done.records if r["subject"] == "h-jessica")
    assert set(record["value"]) == {"probability", "evidence"}
    assert record["value"]["evidence"]["waterfall"] == waterfall
    assert record["method"] == cands.METHOD and record["agency"] == cands.AGENCY
    assert record["source_ref"] == cands.source_ref(cands.SAME, "h-jessica", "p-jess")


def test_a_candidate_is_seen_only_by_who_sees_all_its_evidence(store):
    load_people(store)
    done = run.resolve(store)
    jess = cands.find(done.candidates, "p-jess", "h-jessica")  # the police record is scoped police
    assert jess.scope == "(health|mash)&(police)"
    assert not visible(jess.scope, frozenset({"csc"}))
    assert not visible(jess.scope, frozenset({"mash"}))
    assert visible(jess.scope, frozenset({"mash", "police"}))
    tokens = sorted({"police", "csc", "health", "mash", "education"})
    auth_sets = [frozenset(c) for n in range(len(tokens) + 1) for c in itertools.combinations(tokens, n)]
    for c in done.candidates:
        evidence = store.assertions(c.assertions, TRUSTED)
        assert set(evidence) == set(c.assertions)
        # The two records' own assertions, and their addresses' names (the postcodes), only.
        assert {a.subject for a in evidence.values() if not a.subject.startswith("addr-")} == {c.left, c.right}
        for auths in auth_sets:
            assert visible(c.scope, auths) == all(visible(a.scope, auths) for a in evidence.values()), (c.left, c.right, auths)


def test_a_reader_s_view_gives_only_the_records_it_sees(embedded):
    load_people(embedded)
    csc = read_people(embedded, View(auths=frozenset({"csc"})))
    assert {row.id for row in csc} == {pid for pid, agency, *_ in PLANTED + background(BACKGROUND) if agency == "csc"}
    assert all(set(row.evidence.values()) <= {"csc", ""} for row in csc)


def test_a_rejected_match_makes_no_candidate(embedded):
    load_people(embedded)
    import_records(embedded, [link("c-amira", "not_same_person", "p-amira", agency="csc")])
    found = run.resolve(embedded).candidates
    assert ("c-amira", "p-amira") not in pairs(found, 0.0)
    assert pairs(found, cands.REVIEW_THRESHOLD) == SAME - {("c-amira", "p-amira")}


def test_the_saved_model_reloads_and_scores_the_same(tmp_path):
    with EmbeddedStore(tmp_path / "store.db") as store:
        load_people(store)
        saved = run.model_path(tmp_path / "store.db")
        first = run.resolve(store, saved)
        again = run.resolve(store, saved)
        retrained = run.resolve(store, saved, retrain=True)
    assert first.trained and not again.trained and retrained.trained
    assert again.model == first.model and load(saved) == retrained.model
    assert again.model.version == first.model.version and again.model.splink == first.model.splink
    assert again.records == first.records == retrained.records
    assert [(c.left, c.right, c.probability) for c in again.candidates] == [(c.left, c.right, c.probability) for c in first.candidates]
    saved.write_text('{"format": 99}')
    with pytest.raises(ModelError, match="LINKAGE_MODEL_FORMAT"):
        load(saved)
    saved.write_text("not json")
    with pytest.raises(ModelError, match="LINKAGE_MODEL_UNREADABLE"):
        load(saved)


def test_resolve_on_the_command_line(tmp_path, capsys):
    db = tmp_path / "store.db"
    with EmbeddedStore(db) as store:
        load_people(store)
        audited = len(list(store.audit_entries()))
    out = tmp_path / "candidates.jsonl"
    assert cli.main(["resolve", "--db", str(db), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"{len(PLANTED) + BACKGROUND} people" in said and f"{len(SAME) - 1} same_person_as, 1 possibly_same_person" in said
    assert "Harlow" not in said  # counts, never contents
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert {(r["subject"], r["object"]) for r in written} == SAME
    assert run.model_path(db).exists()
    # --apply imports them; a rerun finds them stored (the ids come from the pair).
    assert cli.main(["resolve", "--db", str(db), "--apply"]) == 0
    assert f"applied: {len(SAME)} new assertions" in capsys.readouterr().out
    assert cli.main(["resolve", "--db", str(db), "--apply"]) == 0
    assert "applied: 0 new assertions" in capsys.readouterr().out
    with EmbeddedStore(db) as store:
        links = store.about_each(["p-jess"], View(auths=frozenset({"police", "health"})), cands.SAME, incoming=True)["p-jess"]
        assert [(a.subject, a.method, a.agency) for a in links] == [("h-jessica", cands.METHOD, cands.AGENCY)]
        assert store.about_each(["p-jess"], View(auths=frozenset({"health", "mash"})), cands.SAME, incoming=True)["p-jess"] == []
        outcomes = [e["outcome"] for e in list(store.audit_entries())[audited:] if e["operation"] == "resolve"]
    assert len(outcomes) == 3 and all(o.startswith("ok: ") for o in outcomes)


def test_bad_arguments_are_refused_and_audited(tmp_path, capsys):
    db = tmp_path / "store.db"
    with EmbeddedStore(db) as store:
        load_people(store)
        before = store.count()
    assert cli.main(["resolve", "--db", str(db), "--review", "0.9", "--accept", "0.5", "--apply"]) == 1
    assert "LINKAGE_THRESHOLDS" in capsys.readouterr().err
    with EmbeddedStore(db) as store:
        assert store.count() == before
        assert list(store.audit_entries())[-1]["outcome"].startswith("rejected: LINKAGE_THRESHOLDS")
    assert cli.main(["resolve", "--db", str(db), "--agency", "not an id!", "--apply"]) == 1
    assert "nothing was imported" in capsys.readouterr().err
    with EmbeddedStore(db) as store:
        assert store.count() == before
        assert list(store.audit_entries())[-1]["outcome"] == f"rejected: {len(SAME)} errors"


def test_a_store_without_duplicates_still_trains_a_model_that_favours_agreement(tmp_path):
    # With no duplicates to learn from, EM converges on something else (an exact surname or
    # date of birth counting against a match): those comparisons take priors.M instead.
    rows = [row.features() for row in rows_of(background(BACKGROUND), tmp_path)]
    trained = train(rows)
    for comparison in trained.splink["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        exact = levels[0]
        assert exact["m_probability"] > exact.get("u_probability", 0), comparison["output_column_name"]
        assert all(lv.get("m_probability") is not None for lv in levels), comparison["output_column_name"]
    assert set(trained.priors) >= {"upn", "pnc"}  # never seen: nobody here has a PNC id
    assert set(trained.priors) <= set(priors.M)


@pytest.mark.parametrize("name, first, surname", [("Riley Smith-Jones", "riley", "smith-jones"), ("  JESS  ", "jess", None),
                                                  ("Mary Ann O'Neil", "mary", "ann o'neil"), ("", None, None)])
def test_names_split(name, first, surname):
    assert names.split(name) == (first, surname)


def test_nicknames_soundex_and_postcodes():
    assert names.canonical("jess") == names.canonical("jessica") == "jessica"
    assert names.canonical("zebedee") == "zebedee"
    assert names.soundex("Smith") == names.soundex("smyth") == "s530"
    assert names.soundex("Ashcraft") == "a261" and names.soundex("Tymczak") == "t522" and names.soundex("") is None
    assert postcode("1 Example Road, Leeds ls6 2ab") == "LS6 2AB"
    assert postcode("Flat 2, 10 High St, EC1A1BB") == "EC1A 1BB"
    assert postcode("The Old Mill") is None


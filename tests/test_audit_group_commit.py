"""The audit log's group commit: entries appended side by side from many threads form one
unbroken chain, each caller gets back its own entry as stored, and a failed group fails
every caller in it without touching the next group."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import need_neo4j
from graphsvc import audit


def _entry(k: int) -> dict:
    return {"at": f"2026-03-01T00:00:{k % 60:02d}.000Z", "subject": f"pro-{k}", "agency": "police", "roles": ["practitioner"],
            "purpose": "s47 enquiry", "operation": f"op-{k}: person", "variables_digest": "0" * 64, "returned": [f"a-{k}"], "outcome": "200 OK"}


def test_concurrent_appends_make_one_unbroken_chain(store):
    callers = 24
    barrier = threading.Barrier(8)

    def append(k: int) -> dict:
        if k < 8:
            barrier.wait()  # the first eight start together, so groups really form
        return store.audit_append(_entry(k))

    with ThreadPoolExecutor(8) as pool:
        stored = list(pool.map(append, range(callers)))
    for k, sealed in enumerate(stored):
        assert sealed["subject"] == f"pro-{k}" and sealed["returned"] == [f"a-{k}"]
    entries = list(store.audit_entries())
    assert sorted(e["seq"] for e in entries) == list(range(1, callers + 1))
    assert {e["seq"]: e["hash"] for e in entries} == {s["seq"]: s["hash"] for s in stored}
    assert audit.verify(entries) == (callers, None)
    assert [e["subject"] for e in store.audit_for("a-5")] == ["pro-5"]


def test_callers_queued_behind_a_commit_share_the_next_one():
    groups: list[int] = []
    first_started = threading.Event()

    def commit(entries: list[dict]) -> list[dict]:
        groups.append(len(entries))
        first_started.set()
        time.sleep(0.3)  # long enough for every other caller to queue behind this group
        return [dict(e, stored=True) for e in entries]

    log = audit.GroupCommit(commit)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(log.append, {"k": 0})
        assert first_started.wait(5)
        rest = [pool.submit(log.append, {"k": k}) for k in range(1, 6)]
        answers = [first.result()] + [f.result() for f in rest]
    assert [a["k"] for a in answers] == list(range(6)) and all(a["stored"] for a in answers)
    assert groups == [1, 5]


def test_a_failed_group_fails_each_of_its_callers_and_not_the_next():
    calls = {"n": 0}

    def commit(entries: list[dict]) -> list[dict]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk full")
        return entries

    log = audit.GroupCommit(commit)
    with pytest.raises(OSError, match="disk full"):
        log.append({"k": 1})
    assert log.append({"k": 2}) == {"k": 2}


def test_two_neo4j_stores_on_one_log_keep_one_chain(neo4j_for_tests):
    """Two service instances on one Neo4j database: each remembers where it last left the log
    and appends in one query while that holds; when the other has moved the head, it reads
    the head under the lock and seals after it. Taking turns and side by side, one chain."""
    from graphsvc.store.neo4j import Neo4jStore

    n4 = need_neo4j(neo4j_for_tests)
    first = n4.store()
    second = Neo4jStore(n4.uri, database=n4.database, driver=n4.driver, replan="skip")
    turns = [first, second, second, first, first, second, first]
    stored = [s.audit_append(_entry(k)) for k, s in enumerate(turns)]
    assert [e["seq"] for e in stored] == list(range(1, len(turns) + 1))

    with ThreadPoolExecutor(8) as pool:
        stored += list(pool.map(lambda k: (first, second)[k % 2].audit_append(_entry(k)), range(len(turns), len(turns) + 40)))
    entries = list(first.audit_entries())
    assert [e["seq"] for e in entries] == list(range(1, len(turns) + 41))
    assert {e["seq"]: e["hash"] for e in entries} == {s["seq"]: s["hash"] for s in stored}
    assert audit.verify(entries) == (len(turns) + 40, None)
    assert [e["subject"] for e in second.audit_for("a-3")] == ["pro-3"]

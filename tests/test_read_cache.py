"""The Neo4j store's read cache (store/read_cache.py): a kept entity read is only ever given to a
reader who sees the same things, and never outlives a write: at once for this process's own,
within the poll for another process's."""

from __future__ import annotations

import time
from typing import Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import need_neo4j
from graphsvc.bulk import import_records
from graphsvc.model import View
from graphsvc.store.neo4j import Neo4jStore
from records import entity, value

AGENCIES = ("police", "health", "csc")
SCOPES = ("", "police", "health", "csc", "police|csc", "health&mash")
POLICE = View(auths=frozenset({"police"}), agency="police", subject="pc-1")


def _kept(store: Neo4jStore, entity_id: str, view: View, seconds: float = 5.0):
    """An answer the store now keeps (the poller has seen the database's version at least once)."""
    deadline = time.monotonic() + seconds
    while True:
        first = store.entity(entity_id, view)
        if store.entity(entity_id, view) is first or time.monotonic() > deadline:
            return first
        time.sleep(0.02)


def test_a_kept_read_is_dropped_by_this_process_s_write(neo4j_for_tests):
    store = need_neo4j(neo4j_for_tests).store(cache_poll_seconds=0.05)
    try:
        import_records(store, [entity("child-1", "child", attributes={"name": "Ann Testchild"})])
        kept = _kept(store, "child-1", POLICE)
        assert store.entity("child-1", POLICE) is kept  # kept: the same answer, not read again
        import_records(store, [value("child-1", "gender", "female")])
        after = store.entity("child-1", POLICE)
        assert after is not kept and "female" in after.values("gender")
        assert store.entity("child-1", POLICE.at(as_of=None, valid_at=None)) is after  # the same reader: kept again
    finally:
        store.close()


def test_another_process_s_write_reaches_readers_within_the_poll(neo4j_for_tests):
    n4 = need_neo4j(neo4j_for_tests)
    store = n4.store(cache_poll_seconds=0.05)
    other = Neo4jStore(n4.uri, database=n4.database, driver=n4.driver, replan="skip")  # another service instance
    try:
        import_records(store, [entity("child-1", "child", attributes={"name": "Ann Testchild"})])
        _kept(store, "child-1", POLICE)
        import_records(other, [value("child-1", "gender", "female")])
        written = time.monotonic()
        while "female" not in store.entity("child-1", POLICE).values("gender"):
            assert time.monotonic() - written < 3.0, "another process's write not seen 3 s later (poll: 0.05 s)"
            time.sleep(0.01)
    finally:
        other.close()
        store.close()


def test_readers_who_differ_only_in_auths_get_their_own_answers(neo4j_for_tests):
    """Same agency, same name, different auths: each keeps its own answer, from the store's
    first reads on. (The key holds the reader's auths, not only the scopes worked out for them:
    readers keyed before a read refreshed a stale scope list would otherwise share one key;
    that window needs two readers side by side and is not reproduced here.)"""
    n4 = need_neo4j(neo4j_for_tests)
    writer = n4.store()
    import_records(writer, [entity("child-1", "child", attributes={"name": "Ann Testchild"}),
                            value("child-1", "description", "health only", agency="health", scope="health")])
    writer.close()
    store = Neo4jStore(n4.uri, database=n4.database, driver=n4.driver, replan="skip", cache_poll_seconds=0.05)
    try:
        time.sleep(0.3)  # the poller has seen the database's version: answers are kept from now on
        nurse = View(auths=frozenset({"health"}), agency="police", subject="pc-1")
        officer = View(auths=frozenset(), agency="police", subject="pc-1")
        assert "health only" in store.entity("child-1", nurse).values("description")
        assert "health only" not in store.entity("child-1", officer).values("description")
        assert "health only" in store.entity("child-1", nurse).values("description")
    finally:
        store.close()


def test_reads_about_another_time_are_not_kept(neo4j_for_tests):
    store = need_neo4j(neo4j_for_tests).store(cache_poll_seconds=0.05)
    try:
        import_records(store, [entity("child-1", "child", attributes={"name": "Ann Testchild"})])
        _kept(store, "child-1", POLICE)
        then = POLICE.at(as_of=store.entity("child-1", POLICE).assertions[0].recorded_at)
        assert store.entity("child-1", then) is not store.entity("child-1", then)
    finally:
        store.close()


readers = st.builds(
    View,
    auths=st.frozensets(st.sampled_from(("police", "health", "csc", "mash")), max_size=3),
    agency=st.sampled_from(AGENCIES + (None,)),
    subject=st.sampled_from(("pc-1", "sw-1", None)),
)
steps = st.lists(st.one_of(
    st.tuples(st.just("read"), readers),
    st.tuples(st.just("write"), st.sampled_from(SCOPES), st.sampled_from(AGENCIES)),
), min_size=2, max_size=14)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(first=st.lists(st.tuples(st.sampled_from(SCOPES), st.sampled_from(AGENCIES)), min_size=1, max_size=4), steps=steps)
def test_a_kept_answer_is_what_the_reader_would_read_now(neo4j_for_tests, first, steps):
    """Readers of every kind, interleaved with writes in every scope: each answer equals a
    fresh read for that reader, whatever was kept for whom before."""
    store = need_neo4j(neo4j_for_tests).store(cache_poll_seconds=0.05)
    try:
        import_records(store, [entity("child-1", "child", attributes={"name": "Ann Testchild"})]
                       + [value("child-1", "description", f"note {k}", agency=agency, scope=scope) for k, (scope, agency) in enumerate(first)])
        _kept(store, "child-1", POLICE)
        for k, step in enumerate(steps):
            if step[0] == "write":
                import_records(store, [value("child-1", "description", f"later {k}", agency=step[2], scope=step[1])])
                continue
            reader: Optional[View] = step[1]
            for _ in range(2):  # the second is the kept one, if kept
                assert store.entity("child-1", reader) == store._entity("child-1", reader)
    finally:
        store.close()

"""Large imports into Neo4j: written in many transactions, shown all at once, or not at all.

Neo4j keeps each written assertion in transaction memory until commit, so an import of
millions cannot be one transaction. Above `stage_above` assertions the store stages it: every
batch carries the import's id and is shown to nobody until one small transaction publishes
the import. These tests use a tiny `stage_above` so the small demo data (thousands of
assertions) goes through many batches.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from datetime import timedelta

import pytest

from conftest import need_neo4j
from graphsvc import demo, heap, ingest
from graphsvc.bulk import import_records
from graphsvc.ingest import IngestError, prepare
from graphsvc.model import View
from graphsvc.store import EmbeddedStore
from graphsvc.store.base import StoreUnavailable
from graphsvc.store.neo4j import Neo4jStore
from graphsvc.store.neo4j.rows import row_of
from graphsvc.store.neo4j.staged import _in_background
from records import link
from strategies import compare_reads

POLICE = View(frozenset({"police"}), "police")
_counting = threading.Lock()  # the store's writer threads count its batches


@pytest.fixture
def neo4j(neo4j_for_tests):
    n4 = need_neo4j(neo4j_for_tests)
    n4.empty()
    return n4


@pytest.fixture(scope="module")
def records():
    return list(demo.generate("small", 7))


def staged(n4, cls=Neo4jStore, **options) -> Neo4jStore:
    """A store on the tests' database and driver that stages every append above 500 assertions."""
    options = {"stage_above": 500, "batch_size": 700, "replan": "skip", **options}
    return cls(n4.uri, database=n4.database, driver=n4.driver, **options)


def nodes(n4, query: str) -> int:
    records, _, _ = n4.driver.execute_query(query, database_=n4.database)
    return records[0][0]


def test_a_staged_import_reads_exactly_as_one_written_at_once(neo4j, records, tmp_path):
    with EmbeddedStore(tmp_path / "e.db") as e, staged(neo4j) as n:
        for s in (e, n):
            import_records(s, records)
        assert n.count() == e.count() > 9 * n.batch_size  # many batches
        assert nodes(neo4j, "MATCH (i:Import) WHERE i.published RETURN count(i)") == 1
        views = [None, View(frozenset({"mash"}), "mash"), POLICE, View(frozenset({"csc", "health"}), "csc")]
        assert compare_reads(e, n, views, sample=40) > 0


def test_batches_written_side_by_side_still_link_every_correction(neo4j, records, tmp_path):
    """Batches written at the same time do not see each other's nodes, so neither links a
    correction in one to what it corrects in the other. Here no batch links anything (the
    worst case): what supersedes is linked once every batch is written."""
    unlinked = "UNWIND $rows AS row CREATE (a:Assertion) SET a = row"
    with EmbeddedStore(tmp_path / "e.db") as e, staged(neo4j) as n:
        n._queries = {**n._queries, "append_numbered": unlinked}
        for s in (e, n):
            import_records(s, records)
        assert nodes(neo4j, "MATCH (a:Assertion) WHERE a.supersedes IS NOT NULL RETURN count(a)") >= 5
        assert nodes(neo4j, "MATCH (:Assertion)-[r:SUPERSEDES]->(:Assertion) RETURN count(r)") == nodes(
            neo4j, "MATCH (a:Assertion) WHERE a.supersedes IS NOT NULL RETURN count(a)")
        assert compare_reads(e, n, [None, POLICE], sample=40) > 0


def test_writers_side_by_side_never_share_a_seq(neo4j, records):
    """seq is indexed, not constrained unique: the Counter alone keeps seqs apart. A staged
    import (two writer threads) and small appends from other threads at the same time: every
    assertion has its own seq, and the log reads each once, in seq order."""
    from strategies import sample

    errors: list[BaseException] = []

    def appender(k: int) -> None:
        try:
            with staged(neo4j) as other:
                for m in range(6):
                    other.append([sample(1000 + 100 * k + 10 * m + i) for i in range(10)])
        except BaseException as exc:  # reported below
            errors.append(exc)

    with staged(neo4j) as n:
        threads = [threading.Thread(target=appender, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        import_records(n, records)
        for t in threads:
            t.join(120)
        assert not errors, errors
        total = nodes(neo4j, "MATCH (a:Assertion) RETURN count(a)")
        assert total > 9 * n.batch_size + 180
        assert nodes(neo4j, "MATCH (a:Assertion) RETURN count(DISTINCT a.seq)") == total
        assert nodes(neo4j, "MATCH (a:Assertion) WHERE a.seq IS NULL RETURN count(a)") == 0
        log = list(n.log())
        assert len(log) == len({a.id for a in log}) == n.count() == total


class Watched(Neo4jStore):
    """Checks, after each staged batch is committed, what another store shows of the import."""

    seen: list[tuple[int, int, bool, dict]]
    probe: Neo4jStore
    asked: list[str]

    def _write_staged(self, import_id, rows):
        super()._write_staged(import_id, rows)
        p = self.probe
        self.seen.append((p.count(), sum(1 for _ in p.log()), p.assertion(rows[0]["id"]) is not None, p.kinds_of(self.asked, POLICE)))


def test_nothing_of_a_staged_import_shows_until_it_is_published(neo4j, records):
    first, rest = records[:40], records[40:]
    with staged(neo4j) as plain:
        import_records(plain, first)  # small: one transaction
        before = plain.count()
    probe = staged(neo4j)
    store = staged(neo4j, Watched)
    store.seen, store.probe = [], probe
    store.asked = sorted({r["id"] for r in rest if r.get("type") == "entity"})[:50]
    try:
        import_records(store, rest)
        assert len(store.seen) > 5
        assert [seen for seen in store.seen if seen != (before, before, False, {})] == []
        after = probe.count()
        assert after > before and sum(1 for _ in probe.log()) == after  # published: all of it, to every store
        assert probe.kinds_of(store.asked, POLICE)  # and through the visibility rules as usual
    finally:
        store.close()
        probe.close()


class Counted(Neo4jStore):
    """Counts the staged batches and rows it has committed (its writer threads count under a lock)."""

    batches = 0
    committed = 0

    def _write_staged(self, import_id, rows):
        super()._write_staged(import_id, rows)
        with _counting:
            self.batches += 1
            self.committed += len(rows)
            return self.batches


class Failing(Counted):
    """Fails after its third staged batch is committed (others may be committed beside it: the
    batches are written by two threads); with `keep`, also fails to clean up (an importer
    killed outright leaves its batches behind)."""

    keep = False

    def _write_staged(self, import_id, rows):
        if super()._write_staged(import_id, rows) == 3:
            raise RuntimeError("the import failed here")

    def _discard(self, import_id):
        if not self.keep:
            super()._discard(import_id)


class Killed(Failing):
    keep = True


def test_a_failed_staged_import_leaves_nothing_and_may_be_run_again(neo4j, records):
    with staged(neo4j, Failing) as store:
        with pytest.raises(RuntimeError, match="failed here"):
            import_records(store, records)
        assert store.count() == 0
        assert nodes(neo4j, "MATCH (a:Assertion) RETURN count(a)") == 0
        assert nodes(neo4j, "MATCH (i:Import) WHERE NOT i.discarded RETURN count(i)") == 0
    with staged(neo4j) as store:
        assert import_records(store, records).written == store.count() > 9000


def test_an_import_is_written_while_it_is_validated_and_a_late_error_leaves_nothing(neo4j, records, monkeypatch):
    monkeypatch.setattr(ingest, "CHUNK", 300)  # many chunks: batches are written before the last is checked
    bad = link("police", "associates_with", "nobody-at-all")
    with staged(neo4j, Counted) as store:
        with pytest.raises(IngestError, match=rf"line {len(records) + 1}: .*unknown object entity 'nobody-at-all'"):
            import_records(store, [*records, bad])
        assert store.batches > 5  # written before the bad record, at the end, was read
        assert store.count() == 0
        assert nodes(neo4j, "MATCH (a:Assertion) RETURN count(a)") == 0
        assert nodes(neo4j, "MATCH (i:Import) WHERE NOT i.discarded RETURN count(i)") == 0
    with staged(neo4j) as store:
        assert import_records(store, records).written == store.count() > 9000


def test_an_abandoned_import_is_removed_by_the_next_store_and_stays_hidden_until_then(neo4j, records):
    with staged(neo4j, Killed) as store:
        with pytest.raises(RuntimeError):
            import_records(store, records)
    left = nodes(neo4j, "MATCH (a:Assertion) RETURN count(a)")
    assert left == store.committed >= 3 * 700  # what the killed importer committed
    with staged(neo4j) as fresh:  # not yet abandoned (heard from just now): left alone, and hidden
        assert fresh.count() == 0 and list(fresh.log()) == [] and fresh.kinds_of(["child-000001"]) == {}
        assert nodes(neo4j, "MATCH (a:Assertion) RETURN count(a)") == left
    with staged(neo4j, abandoned_after=timedelta(0)) as later:  # once abandoned, the next store removes it
        assert nodes(neo4j, "MATCH (a:Assertion) RETURN count(a)") == 0
        assert nodes(neo4j, "MATCH (i:Import) WHERE NOT i.discarded RETURN count(i)") == 0
        assert import_records(later, records).written == later.count() > 9000


def test_a_staged_import_lets_go_of_each_batch_once_written(neo4j, records, monkeypatch):
    """An import runs with the collector paused (heap), and the driver keeps each query's
    parameters in reference cycles that only the collector frees: a batch's rows must not be
    left to it, or every batch stays in memory until the import ends."""

    class Row(dict):  # a dict that can be watched (weakref)
        pass

    written: list[weakref.ref] = []
    real = Neo4jStore._write_staged

    def watched(self, import_id, rows):
        rows[:] = [Row(row) for row in rows]
        written.extend(weakref.ref(row) for row in rows)
        real(self, import_id, rows)

    monkeypatch.setattr(Neo4jStore, "_write_staged", watched)
    with staged(neo4j) as store, heap.paused():
        assert import_records(store, records).written == store.count() > 9 * store.batch_size  # many batches
        assert len(written) == store.count()
        assert not gc.isenabled()  # nothing was collected: each batch went when it was written
        assert [ref for ref in written if ref() is not None] == []


def test_the_rows_written_are_counted_before_a_writer_lets_go_of_them():
    """The writers empty each batch once written (see the test above): the importer counts a
    batch's rows before handing it over, not after, when a writer may have emptied it. Here a
    batch asked its length after the hand-over answers only once it has been written."""

    class Batch(list):
        def __init__(self, rows):
            super().__init__(rows)
            self.written = threading.Event()

        def __len__(self):
            self.written.wait(0.5)  # before the hand-over, nothing sets it: the true length
            return super().__len__()

    def write(rows):
        rows.written.set()

    batches = [Batch([{"n": i} for i in range(5)]), Batch([{"n": 5}, {"n": 6}])]
    assert _in_background(iter(batches), write, 2) == 7
    assert [list(b) for b in batches] == [[], []]  # and both were let go of


def test_a_batch_waiting_on_its_import_while_the_import_is_discarded_is_not_committed(neo4j, records):
    """The race a stalled writer runs into: its batch reaches the import's lock while another
    store holds it to discard the import. Once the discard commits, the batch must fail."""
    with staged(neo4j) as store:
        store._write("import_open", id="raced", now="2026-01-01T00:00:00.000Z")
        rows = [{**row_of(a), "seq": 10_000 + i, "import_id": "raced"} for i, a in enumerate(prepare(enumerate(records[:50], 1), store))]
        outcome = {}

        def write():
            try:
                store._write_staged("raced", rows)
                outcome["committed"] = True
            except StoreUnavailable as exc:
                outcome["refused"] = str(exc)

        with neo4j.driver.session(database=neo4j.database) as other:
            tx = other.begin_transaction()
            tx.run("MATCH (i:Import {id: 'raced'}) SET i.lock = true").consume()  # as import_discard does first
            writer = threading.Thread(target=write)
            writer.start()
            time.sleep(1.0)  # the batch is written and waits on the lock in import_heartbeat
            assert writer.is_alive()
            tx.run("MATCH (i:Import {id: 'raced'}) SET i.discarded = true").consume()
            tx.commit()
        writer.join(30)
        assert outcome == {"refused": "the import raced was removed as abandoned before it could be published; run it again"}
        assert nodes(neo4j, "MATCH (a:Assertion {import_id: 'raced'}) RETURN count(a)") == 0


def test_an_import_removed_as_abandoned_while_it_ran_is_not_published_half_written(neo4j, records):
    """A writer silent past `abandoned_after` (a stalled process) loses its import to the next
    store that looks; when it wakes up it must fail, not publish what is left of it."""

    class Stalled(Neo4jStore):
        batches = 0

        def _write_staged(self, import_id, rows):
            with _counting:
                self.batches += 1
                fourth = self.batches == 4
            if fourth:  # a few batches written, then a stall
                staged(neo4j, abandoned_after=timedelta(0)).close()  # another store opens and clears it
            super()._write_staged(import_id, rows)

    with staged(neo4j, Stalled) as store:
        with pytest.raises(StoreUnavailable, match="removed as abandoned"):
            import_records(store, records)
        assert store.count() == 0
        assert nodes(neo4j, "MATCH (a:Assertion) RETURN count(a)") == 0

"""A large import is written while it is validated (ingest.prepared -> GraphStore.append_all;
on the embedded store by a writer process, store/log_writer.py) and is still all of the file
or none of it. CHUNK is made small here so a few records make many chunks."""

from __future__ import annotations

import gc
import json
import sqlite3
import subprocess
import sys
import weakref

import pytest

from graphsvc import heap, ingest
from graphsvc.bulk import import_file
from graphsvc.ingest import IngestError
from graphsvc.model import Assertion, assertion_id
from graphsvc.store import EmbeddedStore, log_writer, sql
from records import entity, link, retraction


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(ingest, "CHUNK", 4)


@pytest.fixture
def writers(monkeypatch):
    """The writer processes started (the real ones, counted)."""
    started = []
    real = log_writer.Writer.__init__

    def counted(self, path):
        started.append(path)
        real(self, path)

    monkeypatch.setattr(log_writer.Writer, "__init__", counted)
    return started


def people(n):
    when = "2026-01-01T10:00:00Z"  # not "now": two imports of the file must store the same rows
    out = [entity(f"p-{i}", "adult", recorded_at=when, attributes={"name": f"Person {i}"}) for i in range(n)]
    return out + [link(f"p-{i}", "associates_with", f"p-{i - 1}", recorded_at=when) for i in range(1, n)]


def write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def log_rows(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM assertions ORDER BY seq").fetchall()


def test_a_chunked_import_stores_what_one_append_stores(tmp_path, monkeypatch, writers):
    path = write(tmp_path / "people.jsonl", people(25))
    with EmbeddedStore(tmp_path / "whole.db") as whole:
        assert import_file(whole, path).written == 25 * 2 + 24
    assert writers == []  # one chunk: appended in this process
    monkeypatch.setattr(ingest, "CHUNK", 4)
    with EmbeddedStore(tmp_path / "chunked.db") as chunked:
        assert import_file(chunked, path).written == 25 * 2 + 24
        projected = list(chunked.log())
        assert chunked.count() == 74 and chunked.kind_of("p-24") == "adult"
        assert {a.id for a in chunked.about("p-3", None)} == {a.id for a in projected if a.subject == "p-3"}
    assert len(writers) == 1
    assert log_rows(tmp_path / "chunked.db") == log_rows(tmp_path / "whole.db")
    with EmbeddedStore(tmp_path / "chunked.db") as reopened:
        assert list(reopened.log()) == projected
        assert import_file(reopened, path).written == 0  # re-importing, chunk by chunk, finds every one


def test_an_error_after_chunks_were_written_leaves_nothing(store, tmp_path, small_chunks):
    records = people(20) + [link("p-19", "associates_with", "p-nobody")]
    with pytest.raises(IngestError, match=r"line 40: \$\.object: unknown object entity 'p-nobody'") as caught:
        import_file(store, write(tmp_path / "bad-at-the-end.jsonl", records))
    assert len(caught.value.errors) == 1
    assert store.count() == 0 and list(store.log()) == []
    if isinstance(store, EmbeddedStore):
        assert log_rows(store.path) == []
        with EmbeddedStore(store.path) as reopened:
            assert reopened.count() == 0


def test_every_error_is_named_even_after_the_first_stopped_the_writing(store, tmp_path, small_chunks):
    """A clash with a stored assertion is found as its chunk is handed out; after an earlier
    error nothing is handed out any more, and the clash must still be named."""
    stored = entity("p-0", "adult", attributes={"name": "Person 0"})
    import_file(store, write(tmp_path / "first.jsonl", [stored]))
    records = [link("p-0", "associates_with", "p-nobody")] + people(12)[1:] + [{**stored, "attributes": {"name": "Someone else"}}]
    with pytest.raises(IngestError) as caught:
        import_file(store, write(tmp_path / "second.jsonl", records))
    named = [(e.line, e.message) for e in caught.value.errors]
    assert named[0] == (1, "unknown object entity 'p-nobody'")
    assert named[1][0] == len(records) and "already recorded with different content" in named[1][1]
    assert len(named) == 2 and store.count() == 2  # p-0's kind and name, from the first import


def test_a_writer_that_cannot_write_leaves_nothing_and_says_why(tmp_path, small_chunks, writers):
    """The writer process fails part-way (here: a row already in the log, put there behind the
    store's back); the import raises its reason and neither the log nor the projection changes."""
    records = people(10)
    db = tmp_path / "store.db"
    with EmbeddedStore(db) as store:
        clash = assertion_id("police", records[7]["source_ref"], "kind")
        with sqlite3.connect(db) as conn:
            row = (clash, "p-7", "kind", None, '"adult"', None, None, None, "2026-01-01T00:00:00.000Z", "x", "police", "x", "observed", "fact", None, None, "", "permitted", None, 0, 0)
            conn.execute(f"INSERT INTO assertions ({', '.join(log_writer.sql.COLUMNS)}) VALUES ({', '.join('?' * len(row))})", row)
        with pytest.raises(log_writer.LogWriteError, match="UNIQUE constraint failed: assertions.id"):
            import_file(store, write(tmp_path / "people.jsonl", records))
        assert len(writers) == 1
        assert store.count() == 0 and store.kind_of("p-0") is None
    assert [r[1] for r in log_rows(db)] == [clash]


def test_a_writer_killed_part_way_leaves_nothing(tmp_path, small_chunks, monkeypatch):
    real_send = log_writer.Writer.send
    sent = []

    def send_then_kill(self, assertions):
        real_send(self, assertions)
        sent.append(len(assertions))
        if len(sent) == 2:
            self.process.kill()
            self.process.wait()

    monkeypatch.setattr(log_writer.Writer, "send", send_then_kill)
    db = tmp_path / "store.db"
    with EmbeddedStore(db) as store:
        with pytest.raises(log_writer.LogWriteError, match="stopped"):
            import_file(store, write(tmp_path / "people.jsonl", people(30)))
        assert store.count() == 0
    assert log_rows(db) == []


def test_a_swept_pause_lets_settle_skip_its_collection_and_lose_nothing():
    """Bulk import pauses with sweep: garbage made before is collected as the pause begins, so
    settle only freezes (a collection then would walk every new object to free nothing)."""

    class Node:
        pass

    def cycle():
        a, b = Node(), Node()
        a.other, b.other = b, a
        return weakref.ref(a)

    try:
        before = cycle()
        with heap.paused(sweep=True):
            assert before() is None  # collected as the pause began
            during = cycle()
            heap.settle()
            assert during() is not None  # not collected: settle only froze
        gc.unfreeze()
        gc.collect()
        assert during() is None
        with heap.paused():
            unswept = cycle()
            heap.settle()  # no sweep at the start: settle collects first
            assert unswept() is None
    finally:
        gc.unfreeze()


def test_unreadable_lines_after_chunks_were_written_leave_nothing(store, tmp_path, small_chunks):
    """Lines are read as they are validated: a line that is not strict JSON, after many chunks
    went to the writer, is named with every other error and nothing is kept. Strict: NaN and
    a lone surrogate are refused (one would be a number no record takes, the other a string
    SQLite cannot store)."""
    lines = [json.dumps(r) for r in people(15)]
    lines[20:20] = ['{"type": "entity", "id": "x", "kind": NaN}']
    lines += ['{"type": "entity",', json.dumps(entity("p-ok", "adult")), '"\\ud800"', json.dumps(link("p-ok", "associates_with", "p-none"))]
    path = tmp_path / "unreadable.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(IngestError) as caught:
        import_file(store, path)
    named = [(e.line, e.message) for e in caught.value.errors]
    assert [line for line, _ in named] == [21, 31, 33, 34]
    assert all(m.startswith("not valid JSON") for _, m in named[:3]) and "column" in named[1][1]
    assert named[3][1] == "unknown object entity 'p-none'"
    assert store.count() == 0


def test_a_writer_that_cannot_begin_says_why(tmp_path, small_chunks):
    """Another process holds the log's write lock for longer than SQLite waits: the writer
    cannot begin its transaction, and the import says so instead of "stopped"."""
    db = tmp_path / "store.db"
    with EmbeddedStore(db) as store:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(log_writer.LogWriteError, match="database is locked"):
                import_file(store, write(tmp_path / "people.jsonl", people(10)))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert store.count() == 0
        assert import_file(store, tmp_path / "people.jsonl").written == 10 * 2 + 9  # and once free, it imports


def test_chunks_carry_the_fields_of_exactly_the_assertions_they_hand_out(tmp_path, small_chunks):
    """The writer inserts Chunk.fields, not the assertions: they must stay paired, also when a
    chunk drops assertions stored already (a file imported again, with new records in it)."""
    records = people(12)
    stored = records[:12:3]  # every third person, in different chunks
    with EmbeddedStore(tmp_path / "s.db") as store:
        import_file(store, write(tmp_path / "first.jsonl", stored))
        chunks = list(ingest.prepared(enumerate(records, start=1), store))
    handed = [a for c in chunks for a in c]
    assert len(handed) == len({a.id for a in handed}) == 12 * 2 + 11 - 2 * len(stored)
    for chunk in chunks:
        assert chunk.fields == [sql.FIELDS(a) for a in chunk]
        assert [Assertion(*f) for f in chunk.fields] == list(chunk)


@pytest.mark.parametrize("many", [False, True], ids=["in-process", "writer-process"])
def test_the_cli_says_why_a_store_could_not_write_and_writes_nothing(tmp_path, many):
    """A log locked by another writer: `graphsvc import` names the reason, without a traceback."""
    db = tmp_path / "s.db"
    EmbeddedStore(db).close()
    path = write(tmp_path / "people.jsonl", people(3000 if many else 3))  # 5,999 records: two chunks
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        run = subprocess.run([sys.executable, "-m", "graphsvc.cli", "import", str(path), "--db", str(db), "--no-progress"],
                             capture_output=True, text=True, timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == 1
    said = run.stderr
    assert "the store could not write it (" in said and "database is locked" in said and "nothing was imported" in said
    assert "Traceback" not in said
    assert log_rows(db) == []


# -- what `graphsvc import` reports, and the ids it writes

def cli_import(*args):
    return subprocess.run([sys.executable, "-m", "graphsvc.cli", "import", *map(str, args), "--no-progress"],
                          capture_output=True, text=True, timeout=300)


def mixed_records():
    """Three entities, two links, a correction and a retraction, each naming its target by source."""
    when = "2026-01-01T10:00:00Z"
    out = [entity("c-1", "child", recorded_at=when, attributes={"name": "Quill Sample", "date_of_birth": "2012-03-04"}),
           entity("v-1", "venue", recorded_at=when), entity("v-2", "venue", recorded_at=when),
           link("c-1", "seen_at", "v-1", recorded_at=when), link("c-1", "seen_at", "v-2", recorded_at=when)]
    return out + [
        {**link("c-1", "seen_at", "v-2", recorded_at=when), "supersedes": {"agency": "police", "source_ref": out[3]["source_ref"]}},
        {**retraction({"source_ref": out[4]["source_ref"]}, recorded_at=when)},
    ]


def test_the_cli_reports_what_an_import_wrote_by_record_type(tmp_path):
    db = tmp_path / "s.db"
    path = write(tmp_path / "mixed.jsonl", mixed_records())
    run = cli_import(path, "--db", db)
    assert run.returncode == 0, run.stderr
    with EmbeddedStore(db) as store:
        stored = store.count()
    assert stored == 3 + 1 + 1 + 2 + 1 + 1
    assert run.stdout.splitlines() == [
        f"imported {path}: 7 records, {stored} new assertions",
        "records by type: entity 3, assertion 2, correction 1, retraction 1",
    ]
    again = cli_import(path, "--db", db)
    assert again.stdout.splitlines()[0] == f"imported {path}: 7 records, 0 new assertions"
    assert f"already stored (skipped): {stored} assertions" in again.stdout.splitlines()
    for said in (run.stdout + run.stderr, again.stdout + again.stderr):  # counts, never contents
        assert "Quill" not in said and "2012-03-04" not in said and "c-1" not in said


def test_a_rejected_import_says_how_many_lines_and_leaves_no_ids_file(tmp_path):
    db = tmp_path / "s.db"
    records = mixed_records()
    records[6]["retracts"] = {"source_ref": records[0]["source_ref"]}  # the entity: three assertions
    path = write(tmp_path / "bad.jsonl", records + [link("c-1", "seen_at", "v-404")])
    run = cli_import(path, "--db", db, "--ids", tmp_path / "ids.jsonl")
    assert run.returncode == 1 and run.stdout == ""
    assert "2 lines rejected" in run.stderr and "line 7: $.retracts: AMBIGUOUS_TARGET" in run.stderr
    assert list(tmp_path.glob("*ids*")) == [] and log_rows(db) == []


def _jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_ids_file_maps_each_source_to_the_assertions_stored(tmp_path):
    db, ids = tmp_path / "s.db", tmp_path / "ids.jsonl"
    records = mixed_records()
    run = cli_import(write(tmp_path / "first.jsonl", records[:5]), "--db", db, "--ids", ids)
    assert run.returncode == 0, run.stderr
    assert "assertion ids: 7 written to" in run.stdout
    with EmbeddedStore(db) as store:
        log = list(store.log())
    rows = _jsonl(ids)
    assert rows == [{"agency": a.agency, "source_ref": a.source_ref, "id": a.id, "subject": a.subject, "predicate": a.predicate, "new": True} for a in log]
    parts = {"kind": "kind", "name": "attr:name:0", "date_of_birth": "attr:date_of_birth:0", "seen_at": ""}  # as the README says
    assert all(r["id"] == assertion_id(r["agency"], r["source_ref"], parts[r["predicate"]]) for r in rows)
    # The whole file again: what was stored before is listed too, as not new.
    run = cli_import(write(tmp_path / "all.jsonl", records), "--db", db, "--ids", ids)
    assert run.returncode == 0, run.stderr
    with EmbeddedStore(db) as store:
        after = list(store.log())
    rows = _jsonl(ids)
    assert sorted((r["id"], r["new"]) for r in rows) == sorted([(a.id, False) for a in log] + [(a.id, True) for a in after[len(log):]])
    assert len(after) == len(log) + 2


def test_ids_are_written_while_a_chunked_import_is_and_only_kept_if_it_commits(tmp_path, small_chunks, writers):
    ids = tmp_path / "ids.jsonl"
    with EmbeddedStore(tmp_path / "s.db") as store:
        with pytest.raises(IngestError):
            import_file(store, write(tmp_path / "bad.jsonl", people(20) + [link("p-19", "associates_with", "p-nobody")]), ids=ids)
        assert len(writers) == 1 and store.count() == 0  # chunks went to the writer, then were rolled back
        assert list(tmp_path.glob("*ids*")) == []
        result = import_file(store, write(tmp_path / "good.jsonl", people(20)), ids=ids)
        assert [r["id"] for r in _jsonl(ids)] == [a.id for a in store.log()] and result.written == store.count() == 20 * 2 + 19
        assert result.kinds == {"entity": 20, "assertion": 19}


def test_an_export_file_is_reported_by_type_and_its_ids_listed(tmp_path):
    source, target, ids = tmp_path / "source.db", tmp_path / "target.db", tmp_path / "ids.jsonl"
    assert cli_import(write(tmp_path / "mixed.jsonl", mixed_records()), "--db", source).returncode == 0
    exported = tmp_path / "export.jsonl"
    subprocess.run([sys.executable, "-m", "graphsvc.cli", "export", "--db", str(source), "--out", str(exported)], check=True, capture_output=True, timeout=120)
    with EmbeddedStore(source) as store:
        log = list(store.log())
    entries = sum(1 for r in _jsonl(exported) if r["type"] == "audit_entry")  # the import's entry (the export's came after)
    run = cli_import(exported, "--db", target, "--ids", ids)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[:2] == [f"imported {exported}: {len(log) + entries} records, {len(log)} new assertions",
                                           f"records by type: stored_assertion {len(log)}, audit_entry {entries}"]
    assert [(r["id"], r["new"]) for r in _jsonl(ids)] == [(a.id, True) for a in log]

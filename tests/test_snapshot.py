"""The embedded store's snapshot: a faster way to read a prefix of the log, never a second truth."""

from __future__ import annotations

import shutil

import pytest

from graphsvc import demo
from graphsvc.bulk import import_records
from graphsvc.model import TRUSTED, View
from graphsvc.store import EmbeddedStore, embedded, snapshot
from graphsvc.vocabulary import DATED
from records import entity, link, retraction

VIEWS = (View(auths=frozenset({"police"}), agency="police"), View(auths=frozenset({"csc", "health"}), agency="csc"), None)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("snapshot") / "demo.db"
    with EmbeddedStore(path) as s:
        import_records(s, list(demo.generate("small")))
    return path


def copy(db, to):
    target = to / "s.db"
    shutil.copy(db, target)
    return target


def state(s: EmbeddedStore) -> dict:
    """What readers can observe of the projection."""
    ids = sorted({a.subject for a in s.log()})
    return {
        "count": s.count(),
        "log": list(s.log()),
        "entities": [s.entity(i, v) for i in ids[:: max(1, len(ids) // 150)] for v in VIEWS],
        "kinds": [s.kinds_of(ids, v) for v in VIEWS],
        "dated": [s.dated(v, sorted(DATED)) for v in VIEWS],
        "graph": sorted(s.graph.edges(keys=True)),
        "assertions": s.assertions([a.id for a in s.log()], None),
    }


def from_log(path) -> dict:
    snapshot.remove(path)
    with EmbeddedStore(path) as s:
        assert s.from_snapshot == 0
        return state(s)


def test_a_store_opens_from_its_snapshot_as_from_its_log(demo_db, tmp_path):
    path = copy(demo_db, tmp_path)
    expected = from_log(path)
    with EmbeddedStore(path) as s:
        assert s.save_snapshot() == expected["count"]
    with EmbeddedStore(path) as s:
        assert (s.from_snapshot, s.replayed) == (expected["count"], 0)
        assert state(s) == expected
        assert s.entity("child-000001", TRUSTED) is not None


def test_rows_appended_after_the_snapshot_are_read_from_the_log(demo_db, tmp_path):
    path = copy(demo_db, tmp_path)
    with EmbeddedStore(path) as s:
        saved = s.save_snapshot()
        import_records(s, [entity("child-snap-1", "child"), link("child-snap-1", "lives_at", "address-000001", valid_from="2026-01-05T00:00:00Z")])
        target = next(a.id for a in s.log() if a.subject == "child-snap-1" and a.predicate == "lives_at")
        import_records(s, [retraction(target)])
    with EmbeddedStore(path) as s:
        assert s.from_snapshot == saved and s.replayed == 3
        reopened = state(s)
    assert reopened == from_log(path)
    assert reopened["count"] == saved + 3


def test_a_snapshot_of_another_log_is_not_used(demo_db, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    with EmbeddedStore(other / "s.db") as s:
        import_records(s, [entity("child-elsewhere", "child")])
        s.save_snapshot()
    path = copy(demo_db, tmp_path)
    shutil.copy(snapshot.path_for(other / "s.db"), snapshot.path_for(path))
    with EmbeddedStore(path) as s:
        assert s.from_snapshot == 0
        assert s.kind_of("child-elsewhere") is None
        seen = state(s)
    assert seen == from_log(path)


def test_a_snapshot_missing_rows_another_process_appended_is_not_used(demo_db, tmp_path):
    path = copy(demo_db, tmp_path)
    first, second = EmbeddedStore(path), EmbeddedStore(path)
    import_records(second, [entity("child-from-second", "child")])
    import_records(first, [entity("child-from-first", "child")])
    first.save_snapshot()  # its projection never saw the second store's rows
    first.db.close()
    second.db.close()
    with EmbeddedStore(path) as s:
        assert s.from_snapshot == 0
        assert s.kind_of("child-from-second") == "child" and s.kind_of("child-from-first") == "child"


@pytest.mark.parametrize("damage", ["cut at 10", "cut at half", "cut before the end mark", "garbage at half", "not a snapshot", "empty"])
def test_a_damaged_snapshot_is_ignored(demo_db, tmp_path, damage):
    path = copy(demo_db, tmp_path)
    with EmbeddedStore(path) as s:
        s.save_snapshot()
    data = snapshot.path_for(path).read_bytes()
    damaged = {
        "cut at 10": data[:10],
        "cut at half": data[: len(data) // 2],
        "cut before the end mark": data[:-12],
        "garbage at half": data[: len(data) // 2] + bytes(range(256)) * 64 + data[len(data) // 2 + 16384:],
        "not a snapshot": b"PK\x03\x04" + data[4:],
        "empty": b"",
    }[damage]
    snapshot.path_for(path).write_bytes(damaged)
    with EmbeddedStore(path) as s:
        assert s.from_snapshot == 0
        seen = state(s)
    assert seen == from_log(path)


def test_close_saves_a_snapshot_once_enough_rows_are_outside_one(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "SNAPSHOT_AFTER", 5)
    path = tmp_path / "s.db"
    with EmbeddedStore(path) as s:
        import_records(s, [entity("child-1", "child", attributes={"name": "Sam Testcase"})])  # 2 assertions
    assert not snapshot.path_for(path).exists()
    with EmbeddedStore(path) as s:
        import_records(s, [entity(f"addr-{i}", "address") for i in range(3)])  # 5 outside a snapshot now
    assert snapshot.path_for(path).exists()
    with EmbeddedStore(path) as s:
        assert (s.from_snapshot, s.replayed) == (5, 0)
        import_records(s, [entity("addr-9", "address")])
    with EmbeddedStore(path) as s:
        assert (s.from_snapshot, s.replayed) == (5, 1)  # one row outside it: not worth a new one yet


def test_a_partial_snapshot_left_by_a_crash_is_not_read(demo_db, tmp_path):
    path = copy(demo_db, tmp_path)
    with EmbeddedStore(path) as s:
        s.save_snapshot()
    partial = snapshot.path_for(path).with_name(snapshot.path_for(path).name + ".partial")
    snapshot.path_for(path).rename(partial)  # as if killed before the rename
    with EmbeddedStore(path) as s:
        assert s.from_snapshot == 0 and s.count() > 0


def test_a_snapshot_changed_inside_a_record_is_not_used(demo_db, tmp_path):
    """Same shape, other content (a value edited in place): the checksum refuses it, so a
    reader never sees what the log does not hold."""
    path = copy(demo_db, tmp_path)
    with EmbeddedStore(path) as s:
        s.save_snapshot()
    data = bytearray(snapshot.path_for(path).read_bytes())
    at = data.find(b"Residential")
    if at < 0:
        at = len(data) // 2
    data[at] ^= 0x01
    snapshot.path_for(path).write_bytes(bytes(data))
    with EmbeddedStore(path) as s:
        assert s.from_snapshot == 0
        seen = state(s)
    assert seen == from_log(path)

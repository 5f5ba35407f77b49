"""The Neo4j store's local outbox (store/neo4j/outbox.py): an API audit entry or owner notification
is on disk before the answer leaves, reaches Neo4j once, in the order recorded, and survives
Neo4j being down and the process being killed."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import need_neo4j
from graphsvc import audit
from graphsvc.model import AccessNotification
from graphsvc.store import outbox_path, read_cache_poll
from graphsvc.store.neo4j.outbox import AUDIT, Outbox
from graphsvc.store.neo4j import Neo4jStore

ROOT = Path(__file__).resolve().parent.parent


def _entry(k: int) -> dict:
    return {"at": f"2026-03-01T00:00:{k % 60:02d}.000Z", "subject": f"pro-{k}", "agency": "police", "roles": ["practitioner"],
            "purpose": "s47 enquiry", "operation": f"op-{k}: person", "variables_digest": "0" * 64, "returned": [f"a-{k}"], "outcome": "200 OK"}


def _notice(k: int) -> AccessNotification:
    return AccessNotification(id=f"n-{k}", assertion_id=f"a-{k}", owner_agency="health", viewer=f"pro-{k}", viewer_agency="police",
                              purpose="s47 enquiry", at=datetime(2026, 3, 1, 0, 0, k, tzinfo=timezone.utc))


def _waiting(outbox: Path) -> list[tuple[int, str, dict]]:
    """What an outbox file holds, read as another process would."""
    with sqlite3.connect(outbox) as db:
        return [(n, kind, json.loads(body)) for n, kind, body in db.execute("SELECT n, kind, body FROM outbox ORDER BY n")]


def _unreachable(outbox: Path) -> Neo4jStore:
    return Neo4jStore("bolt://127.0.0.1:9", retry_seconds=0.5, connect_seconds=1.0, outbox=outbox)  # nothing listens there


def test_recorded_entries_reach_the_log_once_in_the_order_recorded(neo4j_for_tests, tmp_path):
    n4 = need_neo4j(neo4j_for_tests)
    store = n4.store(tmp_path / "outbox")
    try:
        for k in range(5):  # one caller: its entries in its order
            store.audit_record(_entry(k))
        with ThreadPoolExecutor(8) as pool:  # many side by side, as under load
            list(pool.map(lambda k: store.audit_record(_entry(k)), range(5, 45)))
        sealed = store.audit_append(_entry(45))  # sealed after everything recorded before it
        entries = list(store.audit_entries())
        assert audit.verify(entries) == (46, None)
        assert sorted(e["subject"] for e in entries) == sorted(f"pro-{k}" for k in range(46))
        assert [e["subject"] for e in entries[:5]] == [f"pro-{k}" for k in range(5)]
        assert entries[-1] == {**sealed, **{k: entries[-1][k] for k in entries[-1] if k not in sealed}} and sealed["seq"] == 46
        assert [e["subject"] for e in store.audit_for("a-7")] == ["pro-7"]
        assert _waiting(tmp_path / "outbox") == []
    finally:
        store.close()


def test_what_is_recorded_after_the_outbox_emptied_reaches_the_log_too(neo4j_for_tests, tmp_path):
    """Numbers are never reused: the log's mark would take a reused one for written already."""
    store = need_neo4j(neo4j_for_tests).store(tmp_path / "outbox")
    try:
        for k in range(3):
            store.audit_record(_entry(k))
            assert [e["subject"] for e in store.audit_entries()] == [f"pro-{j}" for j in range(k + 1)]
            assert _waiting(tmp_path / "outbox") == []
    finally:
        store.close()


def test_records_wait_while_neo4j_is_down_and_a_drained_batch_is_not_written_twice(neo4j_for_tests, tmp_path):
    n4 = need_neo4j(neo4j_for_tests)
    outbox = tmp_path / "outbox"
    down = _unreachable(outbox)
    for k in range(6):  # each returns: on disk, whatever Neo4j is doing
        down.audit_record(_entry(k))
        down.append_access([_notice(k)])
    down.close()  # its last drain fails; the records stay
    waiting = _waiting(outbox)
    assert [(kind, r.get("subject") or r.get("id")) for _, kind, r in waiting] == [x for k in range(6) for x in (("audit", f"pro-{k}"), ("access", f"n-{k}"))]

    store = n4.store()
    try:
        # A drainer that wrote the first seven and died before deleting them here.
        with sqlite3.connect(outbox) as db:
            outbox_id = db.execute("SELECT value FROM meta WHERE key = 'id'").fetchone()[0]
        store._drain_outbox(outbox_id, waiting[:7])
        assert _waiting(outbox) == waiting
    finally:
        store.close()

    reopened = Neo4jStore(n4.uri, database=n4.database, driver=n4.driver, replan="skip", outbox=outbox)
    try:
        entries = list(reopened.audit_entries())
        assert [e["subject"] for e in entries] == [f"pro-{k}" for k in range(6)]  # each once, in order
        assert audit.verify(entries) == (6, None)
        assert reopened.accesses("health") == [_notice(k) for k in range(6)]
        assert _waiting(outbox) == []
    finally:
        reopened.close()


def test_an_entry_recorded_before_a_kill_reaches_the_log(neo4j_for_tests, tmp_path):
    n4 = need_neo4j(neo4j_for_tests)
    n4.empty()
    outbox = tmp_path / "outbox"
    child = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT / 'tests')!r})
        from test_outbox import _entry
        from graphsvc.store.neo4j import Neo4jStore
        store = Neo4jStore({n4.uri!r}, database={n4.database!r}, outbox={str(outbox)!r})
        for k in range(200):
            store.audit_record(_entry(k))
        print("recorded", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # the drainer may be anywhere in its work
    """)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == -signal.SIGKILL and done.stdout.strip() == "recorded", done.stderr
    reopened = Neo4jStore(n4.uri, database=n4.database, driver=n4.driver, replan="skip", outbox=outbox)
    try:
        entries = list(reopened.audit_entries())
        assert [e["subject"] for e in entries] == [f"pro-{k}" for k in range(200)]
        assert audit.verify(entries) == (200, None)
    finally:
        reopened.close()


def test_readers_of_the_log_see_what_was_recorded_before_they_asked(neo4j_for_tests, tmp_path):
    """Drained by the background thread yet or not: a reader of the log drains first, so it
    never misses an entry recorded before it asked (while other callers keep recording)."""
    n4 = need_neo4j(neo4j_for_tests)
    store = n4.store(tmp_path / "outbox")
    stop = threading.Event()

    def others() -> None:
        while not stop.wait(0.002):  # a busy service's pace, not a spin
            store.audit_record({**_entry(0), "returned": ["a-other"]})

    writer = threading.Thread(target=others)
    writer.start()
    try:
        for k in range(1, 21):
            store.audit_record(_entry(k))
            assert [e["subject"] for e in store.audit_for(f"a-{k}")] == [f"pro-{k}"]
        stop.set()
        writer.join()
        assert audit.verify(list(store.audit_entries()))[1] is None
    finally:
        stop.set()
        writer.join()
        store.close()


@pytest.mark.parametrize("setting, error", [
    ("soon", "must be a number of seconds or off, not 'soon'"),
    ("-1", "must be a finite number of seconds, not negative, not '-1'"),
    ("inf", "must be a finite number of seconds, not negative, not 'inf'"),
    ("nan", "must be a finite number of seconds, not negative, not 'nan'"),
])
def test_a_bad_read_cache_poll_setting_is_named(monkeypatch, setting, error):
    monkeypatch.setenv("GRAPHSVC_READ_CACHE_POLL", setting)
    with pytest.raises(ValueError, match="GRAPHSVC_READ_CACHE_POLL " + re.escape(error)):
        read_cache_poll()


def test_the_outbox_and_cache_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("GRAPHSVC_OUTBOX", raising=False)
    monkeypatch.delenv("GRAPHSVC_READ_CACHE_POLL", raising=False)
    assert outbox_path(tmp_path / "g.db") == f"{tmp_path / 'g.db'}.outbox" and outbox_path(None) is None
    assert read_cache_poll() == 0.1
    monkeypatch.setenv("GRAPHSVC_OUTBOX", "off")
    monkeypatch.setenv("GRAPHSVC_READ_CACHE_POLL", "OFF")
    assert outbox_path(tmp_path / "g.db") is None and read_cache_poll() is None
    monkeypatch.setenv("GRAPHSVC_READ_CACHE_POLL", "0")
    assert read_cache_poll() is None


def test_an_outbox_that_cannot_be_opened_is_named_and_nothing_is_made(tmp_path):
    where = tmp_path / "no-such-folder" / "outbox"
    with pytest.raises(ValueError, match=re.escape(f"the outbox {where} cannot be opened")):
        Outbox(where, lambda outbox, numbered: None)
    assert not (tmp_path / "no-such-folder").exists()


def test_records_arriving_while_a_batch_drains_wait_for_the_next_batch(tmp_path):
    """The drainer lingers before each batch, so records arriving steadily go in a few large
    batches, not one small transaction after another as fast as they drain (which cost a
    quarter of a core under one client's point look-ups); every record still goes once, in
    order. No Neo4j: the drain here is a function that takes its time."""
    batches: list[list[int]] = []

    def drain(outbox_id: str, numbered: list) -> None:
        batches.append([n for n, _, _ in numbered])
        threading.Event().wait(0.01)  # a round trip or two to the shared store

    box = Outbox(tmp_path / "outbox", drain, linger_seconds=0.2)
    try:
        for k in range(200):  # one every 2 ms for 0.4 s
            box.record(AUDIT, [_entry(k)])
            threading.Event().wait(0.002)
        box.flush()
    finally:
        box.close()
    drained = [n for batch in batches for n in batch]
    assert drained == sorted(drained) and len(drained) == len(set(drained)) == 200
    assert len(batches) <= 6, f"{len(batches)} batches: drained as fast as records came"

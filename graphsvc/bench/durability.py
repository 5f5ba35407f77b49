"""What synchronous=FULL costs: audit entries and small acknowledged writes committed with
SQLite's synchronous=NORMAL (WAL: survives a killed process, not a power cut) against FULL
(every commit synced: survives both), in the same run, on a real file in `work`.

Measured through the store's own code: EmbeddedStore.audit_append (GroupCommit: entries queued
while a commit runs share the next one), a one-record recordAssertions write with its audit
entry (writing.record), and the Neo4j store's local outbox (Outbox.record), one caller and
THREADS side by side. The connection's pragma is set after opening, which is the only
difference between the two runs.
"""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from .. import writing
from ..principal import Principal
from ..store.embedded import EmbeddedStore
from ..store.neo4j.outbox import AUDIT, Outbox

MODES = ("NORMAL", "FULL")
THREADS = 8
SINGLE = 1500  # appends by one caller, per mode
EACH = 300  # appends per thread with THREADS callers, per mode
WRITES = 500  # small writes by one caller, per mode
BUDGET_SECONDS = 2.0  # per measurement at most: a slow disk takes fewer samples, not longer


def _entry(k: int) -> dict[str, Any]:
    return {"at": "2026-03-01T00:00:00.000Z", "subject": f"bench-{k}", "agency": "police", "roles": ["practitioner"],
            "purpose": "bench", "operation": "-: entity", "variables_digest": "0" * 64, "returned": [f"a-{k}"], "outcome": "200 OK"}


def _figures(latencies: list[float], elapsed: float) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 3),
        "per_second": round(len(ordered) / elapsed, 1) if elapsed > 0 else 0.0,
    }


def _single(call: Callable[[int], Any], n: int) -> dict[str, float]:
    latencies: list[float] = []
    started = time.perf_counter()
    for k in range(n):
        t = time.perf_counter()
        call(k)
        latencies.append(time.perf_counter() - t)
        if t - started > BUDGET_SECONDS:
            break
    return _figures(latencies, time.perf_counter() - started)


def _threads(call: Callable[[int], Any], threads: int, each: int) -> dict[str, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()

    def caller(worker: int) -> None:
        mine = []
        for k in range(each):
            t = time.perf_counter()
            call(worker * each + k)
            mine.append(time.perf_counter() - t)
            if t - started > BUDGET_SECONDS:
                break
        with lock:
            latencies.extend(mine)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(caller, range(threads)))
    return _figures(latencies, time.perf_counter() - started)


def _ratio(by_mode: dict[str, dict[str, float]]) -> dict[str, Any]:
    normal, full = by_mode["NORMAL"], by_mode["FULL"]
    return {**by_mode, "full_over_normal": {
        "p50": round(full["p50_ms"] / normal["p50_ms"], 2) if normal["p50_ms"] else None,
        "p95": round(full["p95_ms"] / normal["p95_ms"], 2) if normal["p95_ms"] else None,
        "throughput": round(full["per_second"] / normal["per_second"], 2) if normal["per_second"] else None,
    }}


def sync_cost(work: Path) -> dict[str, Any]:
    """p50/p95 per append and appends per second, NORMAL and FULL, and FULL over NORMAL, for:
    audit entries by one caller and by THREADS callers (the group commit), a small
    acknowledged write (one record and its audit entry, one transaction) and the outbox's
    records by THREADS callers. Well under 20 seconds on a 2-core host."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, dict[str, dict[str, float]]] = {"audit_single": {}, "audit_threads": {}, "write_single": {}, "outbox_threads": {}}
    writer = Principal("bench-writer", "police", frozenset({"practitioner"}), frozenset({"police"}), "bench")
    for mode in MODES:
        path = work / f"sync-{mode.lower()}.db"
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.outbox"), Path(f"{path}.outbox-wal"), Path(f"{path}.outbox-shm")):
            leftover.unlink(missing_ok=True)
        store = EmbeddedStore(path)
        try:
            store.db.execute(f"PRAGMA synchronous={mode}")  # the one difference between the runs
            results["audit_single"][mode] = _single(lambda k: store.audit_append(_entry(k)), SINGLE)
            results["audit_threads"][mode] = _threads(lambda k: store.audit_append(_entry(k)), THREADS, EACH)
            record = lambda k: writing.record(store, writer, [{  # noqa: E731
                "type": "entity", "id": f"bench-{mode}-{k}", "kind": "adult", "attributes": {},
                "source_ref": f"BENCH-{mode}-{k}", "method": "observed", "status": "fact", "scope": "police"}])
            results["write_single"][mode] = _single(record, WRITES)
        finally:
            store.close()
        box = Outbox(f"{path}.outbox", lambda outbox, records: None)
        try:
            box._db.execute(f"PRAGMA synchronous={mode}")
            results["outbox_threads"][mode] = _threads(lambda k: box.record(AUDIT, [_entry(k)]), THREADS, EACH)
        finally:
            box.close()
    out: dict[str, Any] = {name: _ratio(by_mode) for name, by_mode in results.items()}
    out["threads"] = THREADS
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out


if __name__ == "__main__":  # python -m graphsvc.bench.durability [DIR]
    import json
    import sys
    import tempfile

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="graphsvc-sync-"))
    print(json.dumps(sync_cost(folder), indent=2))

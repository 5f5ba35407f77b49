"""Profiles of what missed a target: pyinstrument over calls (import, pattern queries, opening
the store), py-spy over the server under load, tracemalloc over the store's projection."""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import heap
from . import load
from .latency import graphql_ops, store_ops
from .targets import TARGETS, at_path
from .timing import log
from .workload import Params

if TYPE_CHECKING:
    from .http_load import Server


def profile_calls(fn: Callable[[int], Any], calls: int, limit: int = 30) -> dict[str, Any]:
    """pyinstrument over a few calls: the functions where the time goes (flat, by own time)."""
    try:
        from pyinstrument import Profiler
        from pyinstrument.renderers import ConsoleRenderer
    except ImportError:
        return {"unavailable": "pyinstrument is not installed (pip install pyinstrument)"}
    profiler = Profiler(interval=0.0005)
    profiler.start()
    t0 = time.perf_counter()
    for i in range(calls):
        fn(i)
    elapsed = time.perf_counter() - t0
    profiler.stop()
    flat = profiler.output(ConsoleRenderer(unicode=False, color=False, flat=True, time="percent_of_total", show_all=False))
    tree = profiler.output(ConsoleRenderer(unicode=False, color=False, time="percent_of_total", show_all=False))
    return {"tool": "pyinstrument", "calls": calls, "seconds": round(elapsed, 3),
            "flat": _trim(flat, limit), "tree": _trim(tree, 90)}


def _trim(text: str, lines: int) -> str:
    kept = [l.rstrip() for l in text.splitlines() if "%" in l and not l.lstrip().startswith(("Profile at", "Recorded:"))]
    return "\n".join(kept[:lines])


def profile_server(server: Server, bodies: Path, token: str, seconds: float, work: Path, generator: str) -> dict[str, Any]:
    """py-spy on the server process while a load runs: which functions hold the time (all threads)."""
    spy = shutil.which("py-spy")
    if not spy:
        return {"unavailable": "py-spy is not installed (pip install py-spy)"}
    raw = work / "server-profile.txt"
    cmd = [spy, "record", "--pid", str(server.pid), "--duration", str(int(seconds)), "--rate", "200", "--format", "raw", "--output", str(raw), "--nonblocking"]
    spy_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    load.run_load(server.url + "/graphql", bodies, token, 8, seconds, work, generator)
    out, _ = spy_proc.communicate(timeout=seconds + 60)
    if spy_proc.returncode != 0 or not raw.exists():
        return {"unavailable": f"py-spy failed: {out.decode(errors='replace').strip()[-500:]}"}
    return {"tool": "py-spy", "seconds": seconds, "concurrency": 8, **summarise_stacks(raw.read_text())}


def summarise_stacks(collapsed: str, top: int = 25) -> dict[str, Any]:
    """Inclusive and own shares of samples per function from py-spy's collapsed stacks,
    counting only samples where a thread was doing Python work (idle event-loop waits and idle
    threadpool workers are set apart)."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = idle = 0
    idle_markers = ("select (selectors.py", "_worker (concurrent/futures/thread.py", "wait (threading.py", "_run_once (asyncio/base_events.py")
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        leaf = frames[-1]
        if any(m in leaf for m in idle_markers) or leaf.startswith(("get (queue.py", "_worker (concurrent")):
            idle += count
            continue
        total += count
        for f in set(frames):
            inclusive[f] = inclusive.get(f, 0) + count
        own[leaf] = own.get(leaf, 0) + count

    def table(d: dict[str, int]) -> list[list[Any]]:
        return [[round(100 * n / total, 1), f] for f, n in sorted(d.items(), key=lambda x: -x[1])[:top]] if total else []

    return {"busy_samples": total, "idle_samples": idle, "inclusive_percent": table(inclusive), "own_percent": table(own)}


def _head(data: Path, head: Path, records: int) -> Path:
    """The first `records` lines of the data, written to `head` (the demo file is in dependency
    order, so any prefix imports)."""
    with open(data, encoding="utf-8") as src, open(head, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= records:
                break
            dst.write(line)
    return head


def profile_import(data: Path, work: Path, records: int) -> dict[str, Any]:
    """pyinstrument over importing the first `records` records (the demo file is in dependency
    order, so any prefix imports) into a fresh embedded store, plus the phase split."""
    from ..bulk import import_file
    from ..ingest import prepare, read_jsonl
    from ..store import open_store

    head = _head(data, work / "profile-head.jsonl", records)
    phases: dict[str, float] = {}
    db = work / "profile-phases.db"
    with heap.paused():  # as import_file runs: no automatic collections
        store = open_store(db)
        try:
            t0 = time.perf_counter()
            with open(head, encoding="utf-8") as handle:
                rows = list(read_jsonl(handle, []))
            phases["read_and_validate_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            assertions = prepare(rows, store)
            phases["prepare_s"] = time.perf_counter() - t0
            from ..store import embedded, sql

            t0 = time.perf_counter()
            sql_rows = list(embedded.rows_of(map(sql.FIELDS, assertions)))
            phases["row_encoding_s"] = time.perf_counter() - t0
            # store.append, split: the SQLite insert (one transaction), then the in-memory projection.
            t0 = time.perf_counter()
            with store._transaction() as conn:  # type: ignore[attr-defined]
                conn.executemany(sql.INSERT_ASSERTION, sql_rows)
            phases["sqlite_insert_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            with store.lock:  # type: ignore[attr-defined]
                gathered: dict[str, Any] = {}  # as store.append does for a bulk load
                store._index_all(assertions, gathered)  # type: ignore[attr-defined]
                store._merge(gathered)  # type: ignore[attr-defined]
            phases["projection_index_s"] = time.perf_counter() - t0
            count = store.count()
            del sql_rows
        finally:
            store.close()
    db2 = work / "profile-import.db"
    store = open_store(db2)
    try:
        prof = profile_calls(lambda i: import_file(store, head, progress=False), 1, limit=35)
    finally:
        store.close()
    for p in (head, db, db2):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    return {"records": records, "assertions": count, "phases": {k: round(v, 2) for k, v in phases.items()}, **prof}


def profile_patterns(kind: str, store, params: Params, keys: Path, out: dict[str, Any], profiles: dict[str, Any]) -> None:
    """pyinstrument on the pattern queries that missed their targets, while the store is open."""
    shared = at_path(out, "latency", "store", "sharedContexts", "p95_ms")
    if shared is not None and shared > TARGETS[f"{kind}_shared_contexts_p95_ms"]:
        log(f"  profiling sharedContexts {kind}")
        profiles[f"sharedContexts ({kind}, store path)"] = profile_calls(store_ops(store, params)["sharedContexts"], 5)
    missing = at_path(out, "latency", "graphql", "missingHistory", "p95_ms")
    if kind == "embedded" and missing is not None and missing > TARGETS["embedded_missing_history_graphql_p95_ms"]:
        log(f"  profiling missingHistory {kind}")
        profiles[f"missingHistory ({kind}, GraphQL path)"] = profile_calls(graphql_ops(store, params, keys)["missingHistory"], 300)


def _prefix_store(data: Path, work: Path, records: int) -> tuple[Path, int]:
    """An embedded store holding the first `records` records of the data (any prefix imports:
    the demo file is in dependency order)."""
    from ..bulk import import_file
    from ..store import open_store

    head = _head(data, work / "profile-prefix.jsonl", records)
    db = work / "profile-prefix.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = open_store(db)
    try:
        import_file(store, head, progress=False)
        count = store.count()
    finally:
        store.close()
    head.unlink(missing_ok=True)
    return db, count


STRING_FIELDS = ("id", "subject", "predicate", "object", "role", "recorded_by", "agency", "source_ref", "method", "status",
                 "source_reliability", "information_confidence", "scope", "handling", "supersedes")


def profile_memory(db: Path, count: int) -> dict[str, Any]:
    """What the embedded store's projection is made of: tracemalloc by allocating line while
    opening the store, and how many of the assertions' strings and datetimes are distinct
    objects though equal in value (a measure of what interning would save)."""
    import tracemalloc

    from ..store import open_store

    gc.collect()
    tracemalloc.start(1)
    store = open_store(db)
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    try:
        stats = snapshot.statistics("lineno")
        total = sum(st.size for st in stats)
        lines = [[round(st.size / count, 1), f"{Path(st.traceback[0].filename).name}:{st.traceback[0].lineno}", linecache_line(st.traceback[0].filename, st.traceback[0].lineno)]
                 for st in stats[:12]]
        objects: dict[str, set[int]] = {}
        values: dict[str, set[Any]] = {}
        str_bytes = dup_bytes = 0
        times_total = times_distinct_objects = 0
        time_values: set[Any] = set()
        for a in store._all.values():  # type: ignore[attr-defined]
            for f in STRING_FIELDS:
                v = getattr(a, f)
                if not isinstance(v, str):
                    continue
                size = sys.getsizeof(v)
                str_bytes += size
                o, seen = objects.setdefault(f, set()), values.setdefault(f, set())
                if id(v) not in o:
                    o.add(id(v))
                    if v in seen:
                        dup_bytes += size
                    seen.add(v)
            for f in ("valid_from", "valid_to", "recorded_at"):
                t = getattr(a, f)
                if t is not None:
                    times_total += 1
                    time_values.add(t)
        times_distinct_objects = len({id(getattr(a, f)) for a in store._all.values() for f in ("valid_from", "valid_to", "recorded_at") if getattr(a, f) is not None})  # type: ignore[attr-defined]
        per_field = {f: {"distinct_objects": len(objects[f]), "distinct_values": len(values[f])} for f in objects}
    finally:
        store.close()
    return {
        "tool": "tracemalloc",
        "assertions": count,
        "traced_bytes_per_assertion": round(total / count, 1),
        "top_lines_bytes_per_assertion": lines,
        "string_bytes_per_assertion": round(str_bytes / count, 1),
        "duplicate_string_bytes_per_assertion": round(dup_bytes / count, 1),
        "strings_by_field": per_field,
        "datetimes": {"references": times_total, "distinct_objects": times_distinct_objects, "distinct_values": len(time_values),
                      "bytes_per_assertion_if_shared_saved": round((times_distinct_objects - len(time_values)) * 48 / count, 1)},
    }


def linecache_line(filename: str, lineno: int) -> str:
    import linecache

    return linecache.getline(filename, lineno).strip()[:120]


def profile_open(db: Path) -> dict[str, Any]:
    """pyinstrument over opening the embedded store (what a cold start spends its time on)."""
    from ..store import open_store

    opened: list[Any] = []
    try:
        return profile_calls(lambda i: opened.append(open_store(db)), 1, limit=30)
    finally:
        for store in opened:
            store.close()


def profile_missed(report: dict[str, Any], args: argparse.Namespace, data: Path, work: Path, profiles: dict[str, Any]) -> None:
    """pyinstrument on the import (a prefix of the data) if it missed its target; tracemalloc
    and pyinstrument on opening a store of a prefix if memory or cold start missed theirs."""
    missed = {t["target"] for t in report["targets"] if t["met"] is False and t["store"] == "embedded"}

    def guarded(name: str, fn: Callable[[], Any]) -> None:
        try:
            profiles[name] = fn()
        except Exception as exc:  # one failed profile costs neither the others nor the report
            profiles[name] = {"unavailable": f"{type(exc).__name__}: {exc}"}

    if "import rate" in missed:
        log("  profiling import")
        guarded("import (embedded, prefix of the data)", lambda: profile_import(data, work, args.profile_records))
    if missed & {"resident bytes per assertion", "cold start"}:
        log("  profiling memory and opening the store (prefix of the data)")
        db, count = _prefix_store(data, work, args.profile_records)
        if "resident bytes per assertion" in missed:
            guarded("memory (embedded, store of a prefix of the data)", lambda: profile_memory(db, count))
        if "cold start" in missed:
            guarded("cold start: opening the embedded store (prefix of the data)", lambda: {**profile_open(db), "assertions": count})
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

"""`graphsvc bench`: measure ingest, pattern latency, HTTP load and memory, against baselines
measured in the same run, and write DIR/report.json and DIR/report.md.

    graphsvc bench [--scale small|large-la] [--store embedded|neo4j|both] [--out DIR]
    python -m graphsvc.bench ...          (the same)

What it does, per store (the same functions, the store passed in):
 1. ingest: the seeded demo data is written as JSON Lines once, then imported with the real
    importer (bulk.import_file: validate every line, prepare, one atomic append) into an empty
    store: assertions per second end to end. Cold start: a fresh process opens the store and
    answers a first query.
 2. pattern latency: sharedContexts, missingHistory, repeatMissing, coMissing,
    adultsLinkedToChildren, chronology (and a point look-up) through the store (the domain
    code over the GraphStore port) and through GraphQL (the real schema, executed in process
    with a real Context): warm-up, then >= 1,000 timed calls (time.perf_counter_ns).
 3. baselines: the same sharedContexts answer by a plain SQL GROUP BY over the SQLite tables
    (as the store defines them, and with two helping indexes), and by hand-written Cypher
    through the driver; a bare strawberry `{ hello }` served the same way (starlette, uvicorn,
    execute_sync in the threadpool) as the floor for HTTP + GraphQL overhead.
 4. HTTP load: the real app (auth, access filter, audit) under uvicorn in a subprocess on a
    loopback port, driven by wrk (or an async httpx client in another process) at 1, 8 and 32
    concurrent clients: a point look-up, a chronology and a pattern query.
 5. memory: resident memory of a fresh process before and after opening the embedded store,
    per assertion.

Internal sub-commands (used by the benchmark itself): `_serve`, `_floor`, `_probe`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import resource
import shutil
import shlex
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from . import bench_hardening, bench_load, heap

STORES = ("embedded", "neo4j")
CONCURRENCY = (1, 8, 32)
PATTERN_OPS = ("sharedContexts", "missingHistory", "repeatMissing", "coMissing", "adultsLinkedToChildren", "chronology", "pointLookup")
# The per-child queries and the Params list of children each rotates over.
PER_CHILD = {"missingHistory": "missing_children", "coMissing": "missing_children", "chronology": "missing_children", "pointLookup": "people"}
SIZE_SAMPLE = 10  # children of a rotation whose answers the report sizes
HTTP_WORKLOADS = ("pointLookup", "chronology", "missingHistory")
WINDOW_SWEEP_DAYS = (7, 30, 90, 365)
SWEEP_CALLS = 20

# The issue's targets, at large-la scale on this 2-core machine.
TARGETS = {
    "embedded_import_aps": 50_000,
    "neo4j_import_aps": 20_000,
    "embedded_shared_contexts_p95_ms": 100,
    "neo4j_shared_contexts_p95_ms": 150,
    "embedded_missing_history_graphql_p95_ms": 5,
    "lookup_rps_share_of_floor": 0.70,
    "embedded_bytes_per_assertion": 700,
    "cold_start_s": 60,
}

BENCH_PRINCIPAL = dict(subject="bench-mash", agency="mash", roles=("mash",), auths=("mash",), purpose="benchmark: MASH screening")

# --- the GraphQL documents the benchmark sends --------------------------------------------------

Q = {
    "sharedContexts": """query($min: Int!, $from: DateTime, $to: DateTime) { sharedContexts(minChildren: $min, from: $from, to: $to, first: 20) {
        totalCount items { context { id kind label } childCount unrelatedChildren agencyCount firstSeen lastSeen children { id } } } }""",
    "missingHistory": """query($id: ID!) { missingHistory(childId: $id) { child { id label } last30Days last90Days last365Days
        medianDurationHours longestDurationHours placesFoundMoreThanOnce { id } peopleFoundWithMoreThanOnce { id }
        episodes { id lastSeen durationHours riskGrade foundAt { id } foundWith { id } rhiWithin72Hours assertionIds } } }""",
    "repeatMissing": """query($min: Int!, $from: DateTime, $to: DateTime) { repeatMissing(minEpisodes: $min, from: $from, to: $to, first: 50) {
        totalCount items { child { id label } episodes earlierHalf laterHalf trend first last } } }""",
    "coMissing": """query($id: ID!) { coMissing(childId: $id) { child { id label } reasons { reason episode otherEpisode via { id } assertionIds } } }""",
    "adultsLinkedToChildren": """query($min: Int!, $from: DateTime, $to: DateTime) { adultsLinkedToChildren(minChildren: $min, from: $from, to: $to, first: 50) {
        totalCount items { adult { id label } children { id } unrelatedChildren } } }""",
    "chronology": """query($id: ID!) { chronology(personId: $id, first: 50) { totalCount
        items { eventId kind occurredOn endedOn agency sourceRef status role summary outcome assertionIds } } }""",
    "pointLookup": """query($id: ID!) { person(id: $id) { id kind label attributes { predicate value agency recordedAt } } }""",
}
FLOOR_QUERY = "{ hello }"


# --- small utilities --------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(sorted_values: list[float], q: float) -> Optional[float]:
    return bench_load.percentile(sorted_values, q)


def summarise(samples_ns: list[int]) -> dict[str, Any]:
    ms = sorted(s / 1e6 for s in samples_ns)
    if not ms:
        return {"calls": 0}
    return {
        "calls": len(ms),
        "p50_ms": round(percentile(ms, 50) or 0, 4),
        "p95_ms": round(percentile(ms, 95) or 0, 4),
        "p99_ms": round(percentile(ms, 99) or 0, 4),
        "mean_ms": round(sum(ms) / len(ms), 4),
        "min_ms": round(ms[0], 4),
        "max_ms": round(ms[-1], 4),
    }


def measure(fn: Callable[[int], Any], calls: int, warmup: int, budget_s: float, min_calls: int = 30) -> dict[str, Any]:
    """Warm up, then time `calls` calls of fn(i) with perf_counter_ns. A time budget may end the
    run early (never below min_calls): the result then says so (cut_short)."""
    warm_deadline = time.perf_counter() + max(1.0, budget_s * 0.1)
    warmed = 0
    for i in range(warmup):
        fn(i)
        warmed += 1
        if time.perf_counter() > warm_deadline:
            break
    samples: list[int] = []
    deadline = time.perf_counter_ns() + int(budget_s * 1e9)
    for i in range(calls):
        t0 = time.perf_counter_ns()
        fn(i)
        samples.append(time.perf_counter_ns() - t0)
        if len(samples) >= min_calls and time.perf_counter_ns() > deadline:
            break
    out = summarise(samples)
    out["warmup_calls"] = warmed
    out["requested_calls"] = calls
    out["cut_short"] = len(samples) < calls
    return out


def rss_bytes() -> int:
    """Resident memory of this process now (VmRSS)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def hwm_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def child_env(extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    env = bench_load._child_env()
    env.update(extra or {})
    return env


class Unavailable(RuntimeError):
    """This store cannot be benchmarked here; the message says why (it goes into the report)."""


# --- opening a store ------------------------------------------------------------------------------


def neo4j_settings() -> dict[str, Optional[str]]:
    return {
        "uri": os.environ.get("NEO4J_URI"),
        "user": os.environ.get("NEO4J_USER") or os.environ.get("NEO4J_USERNAME"),
        "password": os.environ.get("NEO4J_PASSWORD"),
        "database": os.environ.get("NEO4J_DATABASE"),
    }


def open_backend(kind: str, db: Path):
    """Open the store of this kind through graphsvc.store.open_store. `db` is the embedded
    store's file, and for Neo4j the prefix of the local key files (tokens, pseudonyms).
    Raises Unavailable, with the reason, when the store cannot be had."""
    from .store import open_store

    if kind == "embedded":
        return open_store(db)
    if kind != "neo4j":
        raise ValueError(kind)
    try:
        import graphsvc.store.neo4j as adapter  # noqa: F401
    except Exception as exc:  # ImportError while the adapter is being written, or its own deps
        raise Unavailable(f"the Neo4j adapter (graphsvc.store.neo4j) is not importable: {type(exc).__name__}: {exc}") from None
    uri = neo4j_settings()["uri"]
    if not uri:
        raise Unavailable("NEO4J_URI is not set (also NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE if needed)")
    errors = []
    # The selection goes through open_store; the adapter's own constructors are the fall-backs.
    for attempt in (lambda: open_store(str(db), kind="neo4j"), lambda: adapter.Neo4jStore.from_env(), lambda: adapter.Neo4jStore(uri)):  # type: ignore[attr-defined]
        try:
            store = attempt()
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        if type(store).__module__ == adapter.__name__ or "neo4j" in type(store).__name__.lower():
            return store
        try:
            store.close()
        except Exception:
            pass
        errors.append(f"open_store({uri!r}) gave a {type(store).__name__}, not the Neo4j store")
    raise Unavailable("could not open the Neo4j store: " + "; ".join(errors))


def clear_neo4j() -> None:
    """Empty the Neo4j database (only with --neo4j-clear)."""
    from neo4j import GraphDatabase

    s = neo4j_settings()
    auth = (s["user"], s["password"] or "") if s["user"] else None
    with GraphDatabase.driver(s["uri"], auth=auth) as driver, driver.session(database=s["database"] or "neo4j") as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


# --- the bench principal, view and context ----------------------------------------------------------


def principal():
    from .principal import Principal

    p = BENCH_PRINCIPAL
    return Principal(subject=p["subject"], agency=p["agency"], roles=frozenset(p["roles"]), auths=frozenset(p["auths"]), purpose=p["purpose"])


def token_for(db: Path) -> str:
    from .api.auth import issue_local_token

    p = BENCH_PRINCIPAL
    return issue_local_token(db, sub=p["subject"], agency=p["agency"], roles=p["roles"], auths=p["auths"], purpose=p["purpose"], ttl_seconds=12 * 3600)


@dataclass
class Params:
    """What the queries are asked about: fixed, seeded choices so runs compare."""

    now: datetime
    start: datetime
    end: datetime
    min_children: int
    min_episodes: int
    min_adult_children: int
    # Children with missing episodes (missingHistory, coMissing, chronology: the children whose
    # chronology a MASH team reads; a child picked at random has one or two entries).
    missing_children: list[str]
    people: list[str]  # children for point look-ups
    notes: list[str] = field(default_factory=list)

    def rotation(self, op: str) -> list[str]:
        """The children a per-child query (PER_CHILD) rotates over."""
        return getattr(self, PER_CHILD[op])

    def child(self, op: str, i: int) -> str:
        """The child the i-th call of a per-child query asks about."""
        rotation = self.rotation(op)
        return rotation[i % len(rotation)]

    def window(self) -> dict[str, str]:
        from .model import format_time

        return {"from": format_time(self.start), "to": format_time(self.end)}

    def describe(self) -> dict[str, Any]:
        from .model import format_time

        return {
            "window": {"from": format_time(self.start), "to": format_time(self.end), "days": (self.end - self.start).days},
            "sharedContexts": {"minChildren": self.min_children, "excludeFamily": True, "window": True},
            "repeatMissing": {"minEpisodes": self.min_episodes, "window": True},
            "adultsLinkedToChildren": {"minChildren": self.min_adult_children, "window": True},
            "missingHistory/coMissing/chronology": {"children": len(self.missing_children), "rotated": True, "window": "all time"},
            "pointLookup": {"people": len(self.people), "rotated": True},
            "viewer": {k: list(v) if isinstance(v, tuple) else v for k, v in BENCH_PRINCIPAL.items()},
            "notes": self.notes,
        }


def choose_params(store, scale: str, seed: int, window_days: int) -> Params:
    from . import demo
    from .patterns import Patterns

    view = principal().view()
    now = demo.DEFAULT_NOW
    rng = random.Random(seed)
    cfg = demo.SCALES[scale]
    # Children who go missing: the planted ones plus a seeded sample of the rest (found through
    # the repeat-missing query over all time, so only children this viewer may see).
    repeaters = [r.child for r in Patterns(store, view).repeat_missing(2, None, None)]
    planted = [demo.REPEAT_CHILD, *demo.PAIR]
    others = [c for c in repeaters if c not in planted]
    rng.shuffle(others)
    missing = planted + others[:47]
    people: list[str] = []
    candidates = list(range(1, cfg.children + 9))
    rng.shuffle(candidates)
    for n in candidates:
        cid = f"child-{n:06d}"
        if store.kind_of(cid, view) == "child":
            people.append(cid)
        if len(people) >= 50:
            break
    return Params(now=now, start=now - timedelta(days=window_days), end=now, min_children=3, min_episodes=3, min_adult_children=2,
                  missing_children=missing, people=people)


# --- 1. ingest -------------------------------------------------------------------------------------


def generate_data(scale: str, seed: int, path: Path) -> dict[str, Any]:
    from . import demo

    t0 = time.perf_counter()
    records = demo.write(path, scale=scale, seed=seed)
    return {"scale": scale, "seed": seed, "records": records, "file_bytes": path.stat().st_size, "generate_seconds": round(time.perf_counter() - t0, 2), "file": path.name}


def bench_ingest(store, data: Path) -> dict[str, Any]:
    """The real importer, end to end: every line read, validated and appended, a chunk at a
    time, in one all-or-nothing write (bulk.import_file)."""
    from .bulk import import_file
    from .ingest import CHUNK

    before = store.count()
    if before:
        raise Unavailable(f"the store is not empty ({before} assertions): ingest must start from an empty store")
    gc.collect()
    machine, own = machine_cpu_seconds(), own_cpu_seconds()
    t0 = time.perf_counter()
    result = import_file(store, data, progress=False)
    seconds = time.perf_counter() - t0
    machine_after, own_after = machine_cpu_seconds(), own_cpu_seconds()
    count = store.count()
    cpu: dict[str, Any] = {}
    if machine is not None and machine_after is not None and count and seconds:
        # Whose CPU the import took: this process (and the writer process it waited for)
        # against the rest of the machine, which is the Neo4j server where it runs here.
        spent = {"importer": own_after - own, "rest": max(0.0, (machine_after - machine) - (own_after - own))}  # max: clock ticks against exact times
        cpu = cpu_per_assertion(spent, count)
        cpu["busy_share"] = round(sum(spent.values()) / (seconds * cpu["machine_cpus"]), 3)
    return {
        "records": result.records,
        "assertions": count,
        "seconds": round(seconds, 2),
        "assertions_per_second": round(count / seconds, 1) if seconds else None,
        "records_per_second": round(result.records / seconds, 1) if seconds else None,
        "batching": f"bulk.import_file, as `graphsvc import`: read and validated {CHUNK:,} records at a time, all of it one all-or-nothing store.append_all (embedded: one SQLite transaction written by a second process as chunks are validated; Neo4j: above stage_above assertions a staged import, written as chunks are validated by two writer threads and published at once)",
        "cpu": cpu,
        "process_peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        # The embedded store's writer process, if it ran (the largest child this process waited for).
        "writer_peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 or None,
    }


def cpu_per_assertion(spent: dict[str, float], count: int) -> dict[str, Any]:
    """Core-seconds spent, by part, as the report gives them: each part's and the total's
    core-microseconds an assertion, to hold against what a rate leaves on this machine's cores
    (budget_text)."""
    per = {part: round(busy * 1e6 / count, 1) for part, busy in spent.items()}
    per["total"] = round(sum(spent.values()) * 1e6 / count, 1)
    return {"machine_cpus": os.cpu_count() or 1, "core_seconds": {part: round(busy, 1) for part, busy in spent.items()},
            "core_microseconds_per_assertion": per}


def budget_text(kind: str, cores: int) -> str:
    """What the store's import target leaves an assertion on `cores` cores, for the report."""
    rate = TARGETS[f"{kind}_import_aps"]
    return f"where {rate:,} assertions/s leaves {cores} x {1e6 / rate:g} = {cores * 1e6 / rate:g} on this machine"


def own_cpu_seconds() -> float:
    """CPU time, user and system, of this process's threads and of the child processes it has
    waited for (the embedded store's writer), in core-seconds."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def machine_cpu_seconds() -> Optional[float]:
    """CPU time the whole machine has spent busy since boot (every process, Neo4j's JVM too),
    in core-seconds, from /proc/stat; None where there is none. The difference over a phase
    is what the phase cost the machine, however its work was spread over processes."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    # cpu user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait
    ticks = [int(value) for value in fields[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _import_tool_stages(log: Path) -> dict[str, float]:
    """The import tool's stages and their seconds from its log ("Node import COMPLETED in 1m
    2s 3ms"), where the load command left one (the tests' launcher does; docker compose logs
    to the container's output)."""
    stages: dict[str, float] = {}
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return stages
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    for line in lines:
        name, done, took = line.strip().partition(" COMPLETED in ")
        if not done:
            name, done, took = line.strip().partition(" DONE in ")
        if done and name:
            parts = re.findall(r"(\d+)(ms|h|m|s)\b", took)
            if parts:
                stages["Import in all" if name == "IMPORT" else name] = round(sum(int(n) * units[u] for n, u in parts), 2)
    return stages


# The initial load's phases, in order, and how the report names them.
LOAD_PHASES = {"validate_and_write": "validated and written", "load_command": "load command", "index": "indexes built"}


def bench_initial_load(data: Path, work: Path, command: list[str], reopen: Callable[[], Any], wait: float) -> tuple[dict[str, Any], Any]:
    """The offline initial load, end to end (as `graphsvc initial-load`): every line read and
    validated, written as CSV, loaded by the command (Neo4j stopped, neo4j-admin's import, Neo4j
    started), then the store reopened with its indexes and constraints built. Replaces the
    database. Returns the figures and the reopened store."""
    from .store import initial_load

    folder = work / "initial-load"
    gc.collect()
    marks = [(machine_cpu_seconds(), time.perf_counter())]  # at the start and after each of LOAD_PHASES
    written = initial_load.write(data, folder, progress=False)
    marks.append((machine_cpu_seconds(), time.perf_counter()))
    csv_bytes = sum(f.stat().st_size for f in folder.iterdir())
    initial_load.run(command, folder)
    marks.append((machine_cpu_seconds(), time.perf_counter()))
    store = initial_load.reopen(reopen, wait)
    marks.append((machine_cpu_seconds(), time.perf_counter()))
    count = store.count()
    stages = _import_tool_stages(folder / "import.log")
    shutil.rmtree(folder, ignore_errors=True)
    seconds = marks[-1][1] - marks[0][1]
    wall = {phase: after[1] - before[1] for phase, before, after in zip(LOAD_PHASES, marks, marks[1:])}
    cpu: dict[str, Any] = {}
    if all(busy is not None for busy, _ in marks) and count:
        # What each phase cost the machine per assertion, against what a rate leaves: at
        # 20,000/s, cores x 50 us of CPU an assertion. Busy time is the whole machine's.
        spent = {phase: after[0] - before[0] for phase, before, after in zip(LOAD_PHASES, marks, marks[1:])}  # type: ignore[operator]
        cpu = cpu_per_assertion(spent, count)
        cpu["busy_share"] = {phase: round(busy / (wall[phase] * cpu["machine_cpus"]), 3) for phase, busy in spent.items()}
    return {
        "assertions": count,
        "written": written.assertions,
        "seconds": round(seconds, 2),
        "assertions_per_second": round(count / seconds, 1) if seconds else None,
        **{f"{phase}_seconds": round(took, 2) for phase, took in wall.items()},
        "csv_bytes": csv_bytes,
        "cpu": cpu,
        "import_tool_stages_seconds": stages,
        "how": "graphsvc initial-load: read and validated as bulk.import_file does, CSV lines made by a second process; the load command stops Neo4j, "
               "runs `neo4j-admin database import full` and starts it; the store reopened creates the indexes and constraints and waits until they are online",
    }, store


# --- 2. pattern latency ------------------------------------------------------------------------------


def store_ops(store, params: Params) -> dict[str, Callable[[int], Any]]:
    from .chronology import chronology
    from .patterns import Patterns

    view = principal().view()
    p = params

    return {
        "sharedContexts": lambda i: Patterns(store, view).shared_contexts(p.min_children, p.start, p.end),
        "missingHistory": lambda i: Patterns(store, view).missing_history(p.child("missingHistory", i), None, None, now=p.now),
        "repeatMissing": lambda i: Patterns(store, view).repeat_missing(p.min_episodes, p.start, p.end),
        "coMissing": lambda i: Patterns(store, view).co_missing(p.child("coMissing", i), None, None),
        "adultsLinkedToChildren": lambda i: Patterns(store, view).adults_linked_to_children(p.min_adult_children, p.start, p.end),
        "chronology": lambda i: chronology(store, view, p.child("chronology", i)),
        "pointLookup": lambda i: store.entity(p.child("pointLookup", i), view),
    }


def _answer_size(answer: Any) -> int:
    """Rows in an answer: a list's entries, a missing history's episodes, else one."""
    if isinstance(answer, list):
        return len(answer)
    return len(answer.episodes) if hasattr(answer, "episodes") else 1


def variables_for(op: str, params: Params, i: int) -> dict[str, Any]:
    if op == "sharedContexts":
        return {"min": params.min_children, **params.window()}
    if op == "repeatMissing":
        return {"min": params.min_episodes, **params.window()}
    if op == "adultsLinkedToChildren":
        return {"min": params.min_adult_children, **params.window()}
    return {"id": params.child(op, i)}


def graphql_ops(store, params: Params, keys: Path) -> dict[str, Callable[[int], Any]]:
    from .api.app import pseudonym_key
    from .api.context import Context
    from .api.schema import schema
    from .principal import Pseudonyms

    who = principal()
    pseudonyms = Pseudonyms(pseudonym_key(keys))

    def op(name: str) -> Callable[[int], Any]:
        query = Q[name]

        def call(i: int) -> Any:
            context = Context(principal=who, store=store, pseudonyms=pseudonyms)
            result = schema.execute_sync(query, variable_values=variables_for(name, params, i), context_value=context)
            if result.errors:
                raise RuntimeError(f"{name}: {result.errors[0].message}")
            return result.data

        return call

    return {name: op(name) for name in PATTERN_OPS}


def bench_latency(store, params: Params, keys: Path, calls: int, warmup: int, budget: float) -> dict[str, Any]:
    out: dict[str, Any] = {"store": {}, "graphql": {}}
    for path, ops in (("store", store_ops(store, params)), ("graphql", graphql_ops(store, params, keys))):
        for name in PATTERN_OPS:
            _log(f"  latency {path} {name}")
            try:
                out[path][name] = measure(ops[name], calls, warmup, budget)
            except Exception as exc:
                out[path][name] = {"error": f"{type(exc).__name__}: {exc}"}
    # How sharedContexts grows with the window (the answer), not with the store.
    sweep: dict[str, Any] = {}
    for days in WINDOW_SWEEP_DAYS:
        swept = Params(**{**params.__dict__, "start": params.end - timedelta(days=days), "notes": []})
        _log(f"  latency store sharedContexts over {days} days")
        fn = store_ops(store, swept)["sharedContexts"]
        try:
            stats = measure(fn, max(3, min(SWEEP_CALLS, calls // 10)), min(warmup, 2), budget / 4, min_calls=3)
            stats["contexts"] = len(fn(0))
        except Exception as exc:
            stats = {"error": f"{type(exc).__name__}: {exc}"}
        sweep[str(days)] = stats
    out["shared_contexts_by_window_days"] = sweep
    # What the answers look like, so the figures can be read against their size: the per-child
    # queries over the first SIZE_SAMPLE children of their rotation (mean, max).
    sizes: dict[str, Any] = {}
    ops = store_ops(store, params)
    for name in PATTERN_OPS:
        try:
            counts = [_answer_size(ops[name](i)) for i in range(SIZE_SAMPLE if name in PER_CHILD else 1)]
            sizes[name] = counts[0] if len(counts) == 1 else f"{sum(counts) / len(counts):.1f} (max {max(counts)})"
        except Exception as exc:
            sizes[name] = f"{type(exc).__name__}: {exc}"
    out["answer_sizes"] = sizes
    return out


# --- 3a. baselines for sharedContexts ----------------------------------------------------------------

SQL_SHARED_CONTEXTS = """
WITH sup AS MATERIALIZED (SELECT supersedes AS id FROM assertions WHERE supersedes IS NOT NULL AND scope IN ({scopes})),
links AS (
    SELECT a.object AS context, a.subject AS child FROM assertions a
    WHERE a.predicate IN ('lives_at', 'attends', 'seen_at', 'member_of', 'owns_uses')
      AND coalesce(a.valid_from, a.recorded_at) BETWEEN :start AND :end
      AND a.retraction = 0 AND a.scope IN ({scopes}) AND a.id NOT IN sup
    UNION ALL
    SELECT f.object AS context, i.subject AS child
    FROM assertions f JOIN assertions i ON i.object = f.subject AND i.predicate = 'involved_in'
    WHERE f.predicate = 'found_at' AND coalesce(f.valid_from, f.recorded_at) BETWEEN :start AND :end
      AND f.retraction = 0 AND f.scope IN ({scopes}) AND f.id NOT IN sup
      AND i.role = 'subject' AND i.retraction = 0 AND i.scope IN ({scopes}) AND i.id NOT IN sup
)
SELECT l.context, count(DISTINCT l.child) AS children
FROM links l
WHERE EXISTS (SELECT 1 FROM assertions k WHERE k.subject = l.child AND k.predicate = 'kind' AND k.value = '"child"'
                AND k.retraction = 0 AND k.scope IN ({scopes}) AND k.id NOT IN sup)
  AND EXISTS (SELECT 1 FROM assertions k WHERE k.subject = l.context AND k.predicate = 'kind' AND k.value IN ({context_kinds})
                AND k.retraction = 0 AND k.scope IN ({scopes}) AND k.id NOT IN sup)
GROUP BY l.context HAVING count(DISTINCT l.child) >= :min
ORDER BY children DESC, l.context
"""
# What a competent SQL user adds for this query: look-ups by subject and by object (the store's
# log has none: it answers from its projection), the time index our store keeps in memory
# (predicate, moment) as an expression index, and an index on supersedes.
SQL_HELPING_INDEXES = (
    "CREATE INDEX IF NOT EXISTS bench_assertions_subject ON assertions (subject, predicate)",
    "CREATE INDEX IF NOT EXISTS bench_assertions_object ON assertions (object, predicate)",
    "CREATE INDEX IF NOT EXISTS bench_assertions_moment ON assertions (predicate, coalesce(valid_from, recorded_at))",
    "CREATE INDEX IF NOT EXISTS bench_assertions_supersedes ON assertions (supersedes) WHERE supersedes IS NOT NULL",
)


def _quote(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def sql_baseline(db: Path, params: Params, ours: dict[str, int], calls: int, warmup: int, budget: float) -> dict[str, Any]:
    """sharedContexts (excludeFamily false) as one SQL GROUP BY over the store's SQLite tables,
    with the indexes it needs built first (not timed), on a separate connection. The viewer's
    visible scopes are worked out once beforehand (scope expressions are evaluated in Python);
    sharing decisions are not consulted. (The log's schema alone has no index by subject or
    object, which would leave the query a table scan per link.)"""
    from .model import format_time
    from .patterns import CONTEXT_KINDS
    from .scope import visible

    conn = sqlite3.connect(f"file:{db}?mode=rw", uri=True, check_same_thread=False)
    try:
        t0 = time.perf_counter()
        for statement in SQL_HELPING_INDEXES:
            conn.execute(statement)
        conn.execute("ANALYZE")
        setup_s = round(time.perf_counter() - t0, 2)
        auths = frozenset(BENCH_PRINCIPAL["auths"])
        scopes = [s for (s,) in conn.execute("SELECT DISTINCT scope FROM assertions") if visible(s, auths)]
        statement = SQL_SHARED_CONTEXTS.format(scopes=_quote(scopes), context_kinds=_quote([json.dumps(k) for k in sorted(CONTEXT_KINDS)]))
        args = {"start": format_time(params.start), "end": format_time(params.end), "min": params.min_children}
        answer = {c: n for c, n in conn.execute(statement, args)}
        stats = measure(lambda i: conn.execute(statement, args).fetchall(), calls, warmup, budget, min_calls=10)
        plan = [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + statement, args)]
    finally:
        conn.close()
    return {
        **stats,
        "indexes": "store schema + " + "; ".join(SQL_HELPING_INDEXES),
        "index_build_seconds": setup_s,
        "contexts": len(answer),
        "same_answer": answer == ours,
        "difference": None if answer == ours else _diff(ours, answer),
        "query_plan": plan,
    }


def _diff(ours: dict[str, int], theirs: dict[str, int]) -> dict[str, Any]:
    keys = sorted(set(ours) | set(theirs))
    wrong = [k for k in keys if ours.get(k) != theirs.get(k)]
    return {"contexts_differing": len(wrong), "examples": {k: {"ours": ours.get(k), "baseline": theirs.get(k)} for k in wrong[:5]}}


CYPHER_BASELINE_FILE = "baseline_shared_contexts.cypher"
# Hand-written against the Neo4j adapter's model (graphsvc/store/neo4j.py): (:Assertion) nodes
# with subject/object/predicate/scope/retraction properties, `moment` as a fixed-width time key
# for dated predicates, `text` holding a kind's value, and (:Assertion)-[:SUPERSEDES]->(:Assertion).
CYPHER_SHARED_CONTEXTS = """
CALL () {
  MATCH (a:Assertion)
  WHERE a.predicate IN ['lives_at', 'attends', 'seen_at', 'member_of', 'owns_uses']
    AND a.moment >= $startKey AND a.moment <= $endKey
    AND NOT a.retraction AND a.scope IN $scopes
    AND NOT EXISTS { MATCH (s:Assertion)-[:SUPERSEDES]->(a) WHERE s.scope IN $scopes }
  RETURN a.object AS context, a.subject AS child
  UNION ALL
  MATCH (f:Assertion)
  WHERE f.predicate = 'found_at' AND f.moment >= $startKey AND f.moment <= $endKey
    AND NOT f.retraction AND f.scope IN $scopes
    AND NOT EXISTS { MATCH (s:Assertion)-[:SUPERSEDES]->(f) WHERE s.scope IN $scopes }
  MATCH (i:Assertion {object: f.subject})
  WHERE i.predicate = 'involved_in' AND i.role = 'subject' AND NOT i.retraction AND i.scope IN $scopes
    AND NOT EXISTS { MATCH (s:Assertion)-[:SUPERSEDES]->(i) WHERE s.scope IN $scopes }
  RETURN f.object AS context, i.subject AS child
}
WITH DISTINCT context, child
WHERE EXISTS { MATCH (k:Assertion {subject: child}) WHERE k.predicate = 'kind' AND k.text = 'child' AND NOT k.retraction AND k.scope IN $scopes
                 AND NOT EXISTS { MATCH (s:Assertion)-[:SUPERSEDES]->(k) WHERE s.scope IN $scopes } }
  AND EXISTS { MATCH (k:Assertion {subject: context}) WHERE k.predicate = 'kind' AND k.text IN $contextKinds AND NOT k.retraction AND k.scope IN $scopes
                 AND NOT EXISTS { MATCH (s:Assertion)-[:SUPERSEDES]->(k) WHERE s.scope IN $scopes } }
WITH context, count(child) AS children
WHERE children >= $min
RETURN context, children
ORDER BY children DESC, context
"""


def cypher_baseline(params: Params, ours: dict[str, int], calls: int, warmup: int, budget: float) -> dict[str, Any]:
    """sharedContexts (excludeFamily false) as hand-written Cypher through the driver, on its own
    driver. The Cypher depends on the adapter's graph model: the adapter's
    BASELINE_SHARED_CONTEXTS or cypher/baseline_shared_contexts.cypher replace the text here if
    present. Parameters: $scopes (the viewer's visible scope expressions, worked out once),
    $startKey/$endKey (the adapter's time keys), $start/$end (format_time strings),
    $startTime/$endTime (datetimes), $min, $contextKinds; rows (context, children)."""
    from neo4j import GraphDatabase

    from .model import format_time
    from .patterns import CONTEXT_KINDS
    from .scope import visible

    import graphsvc.store.neo4j as adapter

    cypher = getattr(adapter, "BASELINE_SHARED_CONTEXTS", None)
    path = Path(getattr(adapter, "CYPHER_DIR", Path(__file__).resolve().parent.parent / "cypher")) / CYPHER_BASELINE_FILE
    source = "graphsvc.store.neo4j.BASELINE_SHARED_CONTEXTS" if cypher else None
    if cypher is None and path.exists():
        cypher, source = path.read_text(), f"cypher/{CYPHER_BASELINE_FILE}"
    if cypher is None:
        cypher, source = CYPHER_SHARED_CONTEXTS, "graphsvc.bench.CYPHER_SHARED_CONTEXTS"
    key = getattr(adapter, "time_key", format_time)
    s = neo4j_settings()
    auth = (s["user"], s["password"] or "") if s["user"] else None
    database = s["database"] or "neo4j"
    with GraphDatabase.driver(s["uri"], auth=auth, notifications_min_severity="OFF") as driver:
        auths = frozenset(BENCH_PRINCIPAL["auths"])
        records, _, _ = driver.execute_query("MATCH (s:Scope) RETURN s.expr AS scope UNION MATCH (a:Assertion) WITH DISTINCT a.scope AS scope RETURN scope", database_=database)
        scopes = sorted({r["scope"] for r in records if r["scope"] is not None and visible(r["scope"], auths)})
        args = {"scopes": scopes, "startKey": key(params.start), "endKey": key(params.end), "start": format_time(params.start), "end": format_time(params.end),
                "startTime": params.start, "endTime": params.end, "min": params.min_children, "contextKinds": sorted(CONTEXT_KINDS)}

        def run(i: int) -> list[Any]:
            rows, _, _ = driver.execute_query(cypher, args, database_=database, routing_="r")
            return rows

        answer = {r["context"]: r["children"] for r in run(0)}
        stats = measure(run, calls, warmup, budget, min_calls=10)
    return {**stats, "contexts": len(answer), "same_answer": answer == ours, "difference": None if answer == ours else _diff(ours, answer),
            "cypher_source": source, "cypher": cypher.strip()}


def our_shared_contexts(store, params: Params, calls: int, warmup: int, budget: float) -> tuple[dict[str, Any], dict[str, int]]:
    """Our sharedContexts with excludeFamily false: the exact question the baselines answer."""
    from .patterns import Patterns

    view = principal().view()

    def run(i: int):
        return Patterns(store, view).shared_contexts(params.min_children, params.start, params.end, exclude_family=False)

    answer = {c.context: len(c.children) for c in run(0)}
    return measure(run, calls, warmup, budget), answer


def bench_baselines(kind: str, store, db: Path, params: Params, calls: int, warmup: int, budget: float) -> dict[str, Any]:
    out: dict[str, Any] = {"question": "sharedContexts(minChildren, window) with excludeFamily=false: contexts and distinct visible children"}
    _log("  baseline: ours (excludeFamily=false)")
    ours_stats, ours = our_shared_contexts(store, params, calls, warmup, budget)
    out["ours_exclude_family_false"] = {**ours_stats, "contexts": len(ours)}
    if kind == "embedded":
        _log("  baseline: sql_groupby_indexed")
        try:
            out["sql_groupby_indexed"] = sql_baseline(db, params, ours, calls, warmup, budget)
        except Exception as exc:
            out["sql_groupby_indexed"] = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        _log("  baseline: cypher")
        try:
            out["cypher"] = cypher_baseline(params, ours, calls, warmup, budget)
        except Unavailable as exc:
            out["cypher"] = {"unavailable": str(exc)}
        except Exception as exc:
            out["cypher"] = {"error": f"{type(exc).__name__}: {exc}"}
    for name in ("sql_groupby_indexed", "cypher"):
        base = out.get(name, {})
        if base.get("p95_ms"):
            base["ours_over_baseline_p95"] = round(ours_stats["p95_ms"] / base["p95_ms"], 4)
            base["ours_over_baseline_p50"] = round(ours_stats["p50_ms"] / base["p50_ms"], 4)
    return out


# --- cold start and memory: a fresh process -----------------------------------------------------------


def probe(kind: str, db: Path) -> dict[str, Any]:
    """In this (fresh) process: resident memory before and after opening the store, and the time
    to open it and answer a first query."""
    from . import demo
    from .api import schema as _schema  # noqa: F401  (the service's imports, as a server has them)
    from .patterns import Patterns  # noqa: F401

    gc.collect()
    rss0 = rss_bytes()
    t0 = time.perf_counter()
    store = open_backend(kind, db)
    opened = time.perf_counter() - t0
    t1 = time.perf_counter()
    entity = store.entity(demo.REPEAT_CHILD, principal().view())
    first = time.perf_counter() - t1
    gc.collect()
    rss1 = rss_bytes()
    count = store.count()
    from_snapshot, replayed = getattr(store, "from_snapshot", None), getattr(store, "replayed", None)
    store.close()
    return {
        "from_snapshot": from_snapshot,
        "read_from_log": replayed,
        "open_seconds": round(opened, 3),
        "first_query": "store.entity(child-000001) for the bench viewer",
        "first_query_seconds": round(first, 4),
        "cold_start_seconds": round(opened + first, 3),
        "first_query_found": entity is not None,
        "assertions": count,
        "rss_before_bytes": rss0,
        "rss_after_bytes": rss1,
        "rss_peak_bytes": hwm_bytes(),
        "bytes_per_assertion": round((rss1 - rss0) / count, 1) if count else None,
        "peak_bytes_per_assertion": round((hwm_bytes() - rss0) / count, 1) if count else None,
    }


def run_probe(kind: str, db: Path, timeout: float, env: Optional[dict[str, str]] = None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "graphsvc.bench", "_probe", "--kind", kind, "--db", str(db)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=child_env(env), timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"probe failed (exit {out.returncode}): {out.stderr.strip()[-1500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- 4. HTTP: servers in subprocesses, load from another process --------------------------------------


def _floor_app():
    """A bare strawberry query returning a constant, served the same way as the real app:
    starlette route, JSON body, execute_sync in the threadpool, JSON response."""
    import strawberry
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    @strawberry.type
    class FloorQuery:
        @strawberry.field
        def hello(self) -> str:
            return "world"

    floor_schema = strawberry.Schema(query=FloorQuery)

    async def graphql(request: Request) -> Response:
        params = json.loads(await request.body())
        result = await run_in_threadpool(floor_schema.execute_sync, params["query"], params.get("variables"), None, None, params.get("operationName"))
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [{"message": e.message} for e in result.errors]
        return Response(json.dumps(body), media_type="application/json")

    async def health(request: Request) -> Response:
        return Response('{"status":"ok"}', media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"]), Route("/health", health, methods=["GET"])])


def _service_app(kind: str, db: Path):
    """The real app as `graphsvc serve` builds it (cli.build_service), on the store of this kind."""
    from .api.app import Service, create_app, pseudonym_key
    from .api.auth import Verifier
    from .principal import Pseudonyms

    store = open_backend(kind, db)
    return create_app(Service(store=store, verifier=Verifier.from_env(db), pseudonyms=Pseudonyms(pseudonym_key(db))))


def serve(app, port_file: Path) -> int:
    """uvicorn on 127.0.0.1, a free port written to port_file once listening (as `graphsvc serve`
    configures it: api/server.py)."""
    import asyncio

    import uvicorn

    from .api import server as serving

    server = uvicorn.Server(serving.config(app, "127.0.0.1", 0, log_level="warning", lifespan="off"))

    async def main() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        tmp = port_file.with_suffix(".tmp")
        tmp.write_text(str(port))
        tmp.rename(port_file)
        await task

    asyncio.run(main())
    return 0


class Server:
    """A server subprocess (`python -m graphsvc.bench _serve|_floor`), stopped on exit."""

    def __init__(self, args: list[str], work: Path, name: str, start_timeout: float):
        self.port_file = work / f"{name}.port"
        self.log_path = work / f"{name}.log"
        self.port_file.unlink(missing_ok=True)
        self.args = [sys.executable, "-m", "graphsvc.bench", *args, "--port-file", str(self.port_file)]
        self.start_timeout = start_timeout
        self.proc: Optional[subprocess.Popen] = None
        self.url = ""

    def __enter__(self) -> "Server":
        log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.args, stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=child_env())
        log.close()
        deadline = time.monotonic() + self.start_timeout
        while not self.port_file.exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_path.read_text()[-1500:]}")
            if time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"server did not start within {self.start_timeout:.0f} s")
            time.sleep(0.1)
        self.startup_seconds = time.perf_counter() - t0
        self.url = f"http://127.0.0.1:{int(self.port_file.read_text())}"
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


def _bodies(work: Path, name: str, query: str, variables: list[dict[str, Any]]) -> Path:
    path = work / f"bodies-{name}.jsonl"
    path.write_text("".join(json.dumps({"query": query, "variables": v}, separators=(",", ":")) + "\n" for v in variables))
    return path


def _check_once(url: str, bodies: Path, token: str) -> None:
    import urllib.request

    body = bodies.read_text().splitlines()[0].encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url + "/graphql", data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    if "errors" in answer:
        raise RuntimeError(f"the server answered with errors: {answer['errors'][:1]}")


def load_series(url: str, bodies: Path, token: str, seconds: float, warm_seconds: float, work: Path, generator: str) -> dict[str, Any]:
    _check_once(url, bodies, token)
    bench_load.run_load(url + "/graphql", bodies, token, 8, warm_seconds, work, generator)  # warm-up, not recorded
    out = {}
    for c in CONCURRENCY:
        # A load generator stops with requests still running in the server; one request
        # answered alone first keeps them out of the next run's figures.
        _check_once(url, bodies, token)
        out[str(c)] = bench_load.run_load(url + "/graphql", bodies, token, c, seconds, work, generator)
    return out


def bench_http(kind: str, db: Path, params: Params, work: Path, seconds: float, warm_seconds: float, generator: str, start_timeout: float,
               profile_seconds: float = 0.0) -> dict[str, Any]:
    token = token_for(db)
    workloads = {
        "pointLookup": _bodies(work, f"{kind}-lookup", Q["pointLookup"], [{"id": c} for c in params.rotation("pointLookup")]),
        "chronology": _bodies(work, f"{kind}-chronology", Q["chronology"], [{"id": c} for c in params.rotation("chronology")]),
        "missingHistory": _bodies(work, f"{kind}-missing", Q["missingHistory"], [{"id": c} for c in params.rotation("missingHistory")]),
    }
    out: dict[str, Any] = {"queries": {name: Q[name] for name in workloads}}
    with Server(["_serve", "--kind", kind, "--db", str(db)], work, f"server-{kind}", start_timeout) as server:
        out["server_startup_seconds"] = round(server.startup_seconds, 2)
        for name, bodies in workloads.items():
            _log(f"  http {kind} {name}")
            out[name] = load_series(server.url, bodies, token, seconds, warm_seconds, work, generator)
        if profile_seconds:
            out["profile_pointLookup"] = profile_server(server, workloads["pointLookup"], token, profile_seconds, work, generator)
    return out


def bench_floor(work: Path, seconds: float, warm_seconds: float, generator: str) -> dict[str, Any]:
    bodies = _bodies(work, "floor", FLOOR_QUERY, [{}])
    with Server(["_floor"], work, "server-floor", 60) as server:
        _log("  http floor { hello }")
        return {"query": FLOOR_QUERY, "hello": load_series(server.url, bodies, "", seconds, warm_seconds, work, generator)}


# --- profiling ------------------------------------------------------------------------------------------


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
    bench_load.run_load(server.url + "/graphql", bodies, token, 8, seconds, work, generator)
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


def profile_import(data: Path, work: Path, records: int) -> dict[str, Any]:
    """pyinstrument over importing the first `records` records (the demo file is in dependency
    order, so any prefix imports) into a fresh embedded store, plus the phase split."""
    from .bulk import import_file
    from .ingest import prepare, read_jsonl
    from .store import open_store

    head = work / "profile-head.jsonl"
    with open(data, encoding="utf-8") as src, open(head, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= records:
                break
            dst.write(line)
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
            from .store import embedded, sql

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


# --- machine and versions ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = None
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "hostname_hash": __import__("hashlib").sha256(platform.node().encode()).hexdigest()[:10],
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "affinity_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_bytes": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "loadavg_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "gc_threshold": gc.get_threshold(),  # heap.for_service, as every graphsvc process sets it
    }


def versions() -> dict[str, Any]:
    from importlib import metadata

    out: dict[str, Any] = {"sqlite": sqlite3.sqlite_version}
    for name in ("graphsvc", "strawberry-graphql", "graphql-core", "starlette", "uvicorn", "networkx", "neo4j", "PyJWT", "cryptography", "httpx", "uvloop", "httptools", "pyinstrument", "py-spy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    try:
        from . import __version__ as v

        out["graphsvc"] = out["graphsvc"] or v
    except ImportError:
        pass
    out["wrk"] = bench_load.wrk_version()
    try:
        out["git_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent, timeout=10).stdout.strip() or None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, cwd=Path(__file__).parent, timeout=10).stdout.strip()
        out["git_dirty"] = bool(dirty)
    except (OSError, subprocess.SubprocessError):
        out["git_commit"] = None
    return out


def neo4j_server_version() -> Optional[str]:
    try:
        from neo4j import GraphDatabase

        s = neo4j_settings()
        auth = (s["user"], s["password"]) if s["user"] else None
        with GraphDatabase.driver(s["uri"], auth=auth) as driver:
            records, _, _ = driver.execute_query("CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition")
            return ", ".join(f"{r['name']} {'/'.join(r['versions'])} {r['edition']}" for r in records)
    except Exception as exc:
        return f"unknown ({type(exc).__name__})"


# --- targets ----------------------------------------------------------------------------------------------


def _get(d: Any, *path: str) -> Any:
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def evaluate_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(name: str, store: str, measured: Any, target: float, unit: str, higher_is_better: bool, how: str) -> None:
        if measured is None:
            rows.append({"target": name, "store": store, "goal": f"{'>=' if higher_is_better else '<='} {target:g} {unit}", "measured": None, "met": None, "how": how, "miss": "not measured"})
            return
        met = measured >= target if higher_is_better else measured <= target
        if met:
            miss = None
        elif higher_is_better:
            miss = f"{target - measured:,.4g} {unit} short ({measured / target:.0%} of target)"
        else:
            miss = f"{measured - target:,.4g} {unit} over ({measured / target:.2f}x the target)"
        rows.append({"target": name, "store": store, "goal": f"{'>=' if higher_is_better else '<='} {target:g} {unit}", "measured": measured, "met": met, "how": how, "miss": miss})

    stores = report.get("stores", {})
    for kind in STORES:
        s = stores.get(kind)
        if not s or s.get("status") != "ok":
            continue
        loaded = _get(s, "initial_load", "assertions_per_second")
        if loaded is not None:
            # A first load of millions goes in offline (graphsvc initial-load); the staged import
            # is for what arrives afterwards, shown beside it against the same goal.
            add("import rate", kind, loaded, TARGETS[f"{kind}_import_aps"], "assertions/s", True, "initial load (graphsvc initial-load) end to end, indexes built")
            add("staged import rate (later feeds)", kind, _get(s, "ingest", "assertions_per_second"), TARGETS[f"{kind}_import_aps"], "assertions/s", True, "bulk.import_file end to end")
        else:
            add("import rate", kind, _get(s, "ingest", "assertions_per_second"), TARGETS[f"{kind}_import_aps"], "assertions/s", True, "bulk.import_file end to end")
        p95 = _get(s, "latency", "store", "sharedContexts", "p95_ms")
        add("sharedContexts p95", kind, p95, TARGETS[f"{kind}_shared_contexts_p95_ms"], "ms", False, "through the store (GraphQL figure in the latency table)")
        ours = _get(s, "baselines", "ours_exclude_family_false", "p95_ms")
        for base in ("sql_groupby_indexed", "cypher"):
            theirs = _get(s, "baselines", base, "p95_ms")
            if theirs is not None and ours is not None:
                met = ours < theirs
                rows.append({"target": f"sharedContexts faster than {base}", "store": kind, "goal": "ours/baseline p95 < 1", "measured": round(ours / theirs, 4), "met": met,
                             "how": "same question (excludeFamily=false), same run", "miss": None if met else f"ours is {ours / theirs:.2f}x the baseline's p95"})
        if kind == "embedded":
            add("missingHistory via GraphQL p95", kind, _get(s, "latency", "graphql", "missingHistory", "p95_ms"), TARGETS["embedded_missing_history_graphql_p95_ms"], "ms", False, "schema.execute_sync in process")
            add("resident bytes per assertion", kind, _get(s, "memory", "bytes_per_assertion"), TARGETS["embedded_bytes_per_assertion"], "bytes", False, "fresh process, VmRSS after open minus before, / assertions")
        add("cold start", kind, _get(s, "cold_start", "cold_start_seconds"), TARGETS["cold_start_s"], "s", False, "fresh process: open the store + first query")
        floor = _get(report, "floor", "hello")
        lookup = _get(s, "http", "pointLookup")
        if isinstance(floor, dict) and isinstance(lookup, dict):
            for c in CONCURRENCY:
                f, l = _get(floor, str(c), "rps"), _get(lookup, str(c), "rps")
                if f and l is not None:
                    add(f"point look-up rps / floor rps at {c} clients", kind, round(l / f, 3), TARGETS["lookup_rps_share_of_floor"], "of floor", True, "full service vs bare strawberry, same load generator")
        if isinstance(s.get("http"), dict):
            errors = sum(int(_get(s, "http", w, str(c), "errors") or 0) for w in HTTP_WORKLOADS for c in CONCURRENCY)
            rows.append({"target": "HTTP errors", "store": kind, "goal": "= 0", "measured": errors, "met": errors == 0, "how": "all HTTP load runs", "miss": None if errors == 0 else f"{errors} errors"})
    return rows


# --- the report ---------------------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _mb(n: Optional[int]) -> str:
    return "-" if n is None else f"{n / 2**20:,.0f} MiB"


def render_markdown(r: dict[str, Any]) -> str:
    L: list[str] = []
    cfg = r["config"]
    L.append(f"# graphsvc benchmark: {cfg['scale']} scale, store {cfg['store']}")
    L.append("")
    L.append(f"Run {r['started_at']} to {r['finished_at']} ({r.get('duration_seconds', 0):,.0f} s): `{r['command']}`.")
    if cfg.get("quick"):
        L.append("")
        L.append(f"**Quick mode** (smoke test): {cfg['calls']} timed calls per figure and {cfg['load_seconds']} s load runs; not for comparison.")
    L.append("")
    L.append("## Machine and versions")
    L.append("")
    m, v = r["machine"], r["versions"]
    L.append(f"- CPU: {m.get('cpu')} x {m.get('cpus')} (usable {m.get('affinity_cpus')}); memory {_mb(m.get('memory_bytes'))}; {m.get('os')}")
    L.append(f"- Python {m.get('python')} (collector thresholds {tuple(m.get('gc_threshold') or ())}, heap.for_service); SQLite {v.get('sqlite')}; strawberry {v.get('strawberry-graphql')}; graphql-core {v.get('graphql-core')}; starlette {v.get('starlette')}; "
             f"uvicorn {v.get('uvicorn')} (uvloop {v.get('uvloop') or 'absent'}, httptools {v.get('httptools') or 'absent'}); networkx {v.get('networkx')}; neo4j driver {v.get('neo4j')}; PyJWT {v.get('PyJWT')}")
    L.append(f"- Load generator: {r.get('load_generator')} ({v.get('wrk') or 'wrk absent'}); graphsvc {v.get('graphsvc')} at {v.get('git_commit')}{' (uncommitted changes)' if v.get('git_dirty') else ''}")
    la = m.get("loadavg_1m_during_run") or {}
    if la:
        L.append(f"- Machine load (1-minute load average, sampled every {la.get('every_seconds')} s): mean {la.get('mean')}, max {la.get('max')} on {la.get('cpus')} CPUs"
                 + (" — the machine was not idle: other work competed with the benchmark, so figures are pessimistic." if la.get("mean", 0) > 2.5 else "."))
    if r.get("neo4j_server"):
        L.append(f"- Neo4j server: {r['neo4j_server']}")
    d = r.get("data", {})
    L.append("")
    L.append("## Data")
    L.append("")
    L.append(f"Demo data `{d.get('scale')}`, seed {d.get('seed')}: {_fmt(d.get('records'))} records ({_mb(d.get('file_bytes'))} of JSON Lines, generated in {_fmt(d.get('generate_seconds'))} s).")
    params = r.get("params") or {}
    if params:
        w = params.get("window", {})
        L.append(f"Windowed patterns use {w.get('from')} to {w.get('to')} ({w.get('days')} days); per-child queries rotate over "
                 f"{params.get('missingHistory/coMissing/chronology', {}).get('children')} children with missing episodes (missingHistory, coMissing, chronology) and "
                 f"{params.get('pointLookup', {}).get('people')} children for look-ups. Viewer: role mash, auths {params.get('viewer', {}).get('auths')}.")
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("Targets are set for large-la scale (about 5 million assertions) on this 2-core machine" + ("; at this scale they are shown for reference only." if cfg["scale"] != "large-la" else "."))
    L.append("")
    L.append("| target | store | goal | measured | met | miss |")
    L.append("|---|---|---|---|---|---|")
    for t in r.get("targets", []):
        L.append(f"| {t['target']} | {t['store']} | {t['goal']} | {_fmt(t['measured'])} | {_fmt(t['met']) if t['met'] is not None else '-'} | {t['miss'] or ''} |")
    for kind in STORES:
        s = r["stores"].get(kind)
        if s is None:
            continue
        L.append("")
        L.append(f"## Store: {kind}")
        L.append("")
        if s.get("status") != "ok":
            L.append(f"**{kind}: {s.get('status')}** ({s.get('reason')})")
            continue
        for problem in s.get("errors", []):
            L.append(f"- error in {problem['stage']}: {problem['error']}")
        ing = s.get("ingest", {})
        L.append("### 1. Ingest and cold start")
        L.append("")
        if ing:
            L.append(f"- Bulk import ({ing.get('batching')}): {_fmt(ing.get('assertions'))} assertions from {_fmt(ing.get('records'))} records in {_fmt(ing.get('seconds'))} s = "
                     f"**{_fmt(ing.get('assertions_per_second'))} assertions/s** ({_fmt(ing.get('records_per_second'))} records/s); importing process peak RSS {_mb(ing.get('process_peak_rss_bytes'))}"
                     + (f", its writer process's {_mb(ing['writer_peak_rss_bytes'])}" if ing.get("writer_peak_rss_bytes") else "") + ".")
            cpu = ing.get("cpu") or {}
            if cpu:
                per, cores = cpu["core_microseconds_per_assertion"], cpu["machine_cpus"]
                rest = " (Neo4j's server, when it runs on this machine)" if kind == "neo4j" else ""
                L.append(f"- Bulk import's CPU, core-microseconds an assertion: the importing process (with its writer process) {_fmt(per['importer'])}, "
                         f"the rest of the machine{rest} {_fmt(per['rest'])}; **{_fmt(per['total'])} in all** ({cpu['busy_share'] * 100:.0f}% of {cores} cores busy), "
                         f"{budget_text(kind, cores)}.")
        il = s.get("initial_load", {})
        if il:
            staged = ing.get("assertions_per_second")
            L.append(f"- Initial load ({il.get('how')}): {_fmt(il.get('assertions'))} assertions in {_fmt(il.get('seconds'))} s = **{_fmt(il.get('assertions_per_second'))} assertions/s**"
                     + (f" ({il['assertions_per_second'] / staged:.2f}x the staged import above, same run)" if staged else "")
                     + f": validated and written as CSV {_fmt(il.get('validate_and_write_seconds'))} s ({_mb(il.get('csv_bytes'))}), load command {_fmt(il.get('load_command_seconds'))} s, "
                     f"indexes and constraints built {_fmt(il.get('index_seconds'))} s.")
            cpu = il.get("cpu") or {}
            if cpu:
                per, busy, cores = cpu["core_microseconds_per_assertion"], cpu["busy_share"], cpu["machine_cpus"]
                L.append(f"- Initial load's CPU, the whole machine's (Neo4j's too), core-microseconds an assertion: "
                         + ", ".join(f"{name} {_fmt(per[k])} ({busy[k] * 100:.0f}% of {cores} cores busy)" for k, name in LOAD_PHASES.items())
                         + f"; **{_fmt(per['total'])} in all**, {budget_text(kind, cores)}.")
            stages = il.get("import_tool_stages_seconds") or {}
            if stages:
                L.append("- The import tool's own stages (its log), s: " + ", ".join(f"{name} {_fmt(sec)}" for name, sec in stages.items()) + ".")
        cs = s.get("cold_start", {})
        if cs:
            source = (f" (from the snapshot of {_fmt(cs.get('from_snapshot'))} assertions saved when the benchmark's store closed, in {_fmt(s.get('close_seconds'))} s; "
                      f"{_fmt(cs.get('read_from_log'))} rows read from SQLite)") if cs.get("from_snapshot") else ""
            L.append(f"- Cold start (fresh process): open {_fmt(cs.get('open_seconds'))} s{source} + first query ({cs.get('first_query')}) {_fmt(cs.get('first_query_seconds'), 4)} s = "
                     f"**{_fmt(cs.get('cold_start_seconds'))} s**. The OS page cache was warm (the files had just been written).")
            lo = cs.get("log_only")
            if lo:
                L.append(f"- Cold start from the SQLite log alone (snapshot moved aside, as after a writer killed before closing): open {_fmt(lo.get('open_seconds'))} s, "
                         f"cold start {_fmt(lo.get('cold_start_seconds'))} s, {_fmt(lo.get('bytes_per_assertion'), 1)} bytes per assertion resident.")
        mem = s.get("memory", {})
        if mem:
            L.append(f"- Memory (fresh process): RSS {_mb(mem.get('rss_before_bytes'))} before opening, {_mb(mem.get('rss_after_bytes'))} after, peak {_mb(mem.get('rss_peak_bytes'))}: "
                     f"**{_fmt(mem.get('bytes_per_assertion'), 1)} bytes per assertion** resident ({_fmt(mem.get('peak_bytes_per_assertion'), 1)} at peak while opening).")
        lat = s.get("latency", {})
        if lat:
            L.append("")
            L.append("### 2. Pattern latency (ms)")
            L.append("")
            L.append("| query | path | calls | p50 | p95 | p99 | mean | max | answer size |")
            L.append("|---|---|---|---|---|---|---|---|---|")
            for name in PATTERN_OPS:
                for path in ("store", "graphql"):
                    st = lat.get(path, {}).get(name, {})
                    if "error" in st:
                        L.append(f"| {name} | {path} | error: {st['error']} | | | | | | |")
                        continue
                    calls = _fmt(st.get("calls")) + (" (cut short by time budget)" if st.get("cut_short") else "")
                    L.append(f"| {name} | {path} | {calls} | {_fmt(st.get('p50_ms'), 3)} | {_fmt(st.get('p95_ms'), 3)} | {_fmt(st.get('p99_ms'), 3)} | {_fmt(st.get('mean_ms'), 3)} | {_fmt(st.get('max_ms'), 3)} | {lat.get('answer_sizes', {}).get(name, '')} |")
        sweep = lat.get("shared_contexts_by_window_days") if lat else None
        if sweep:
            L.append("")
            L.append("sharedContexts through the store by window length (few calls each: how cost follows the answer):")
            L.append("")
            L.append("| window days | calls | p50 ms | p95 ms | contexts found |")
            L.append("|---|---|---|---|---|")
            for days, st in sweep.items():
                if "error" in st:
                    L.append(f"| {days} | error: {st['error']} | | | |")
                else:
                    L.append(f"| {days} | {_fmt(st.get('calls'))} | {_fmt(st.get('p50_ms'), 3)} | {_fmt(st.get('p95_ms'), 3)} | {_fmt(st.get('contexts'))} |")
        b = s.get("baselines", {})
        if b:
            L.append("")
            L.append("### 3a. Baselines: the same sharedContexts answer")
            L.append("")
            L.append(f"Question: {b.get('question')}.")
            L.append("")
            L.append("| how | calls | p50 ms | p95 ms | p99 ms | contexts | same answer | ours / baseline (p95) |")
            L.append("|---|---|---|---|---|---|---|---|")
            for name, label in (("ours_exclude_family_false", "ours (Patterns over the store)"), ("sql_groupby_indexed", "SQL GROUP BY + the indexes it needs"),
                                ("cypher", "hand-written Cypher via the driver")):
                st = b.get(name)
                if st is None:
                    continue
                if "unavailable" in st or "error" in st:
                    L.append(f"| {label} | {st.get('unavailable') or st.get('error')} | | | | | | |")
                    continue
                calls = _fmt(st.get("calls")) + (" (time budget)" if st.get("cut_short") else "")
                L.append(f"| {label} | {calls} | {_fmt(st.get('p50_ms'), 3)} | {_fmt(st.get('p95_ms'), 3)} | {_fmt(st.get('p99_ms'), 3)} | {_fmt(st.get('contexts'))} | "
                         f"{_fmt(st.get('same_answer')) if 'same_answer' in st else ''} | {_fmt(st.get('ours_over_baseline_p95'), 3) if 'ours_over_baseline_p95' in st else ''} |")
            st = b.get("sql_groupby_indexed") or {}
            if st.get("difference"):
                L.append(f"- sql_groupby_indexed differs from ours: {json.dumps(st['difference'])}")
            idx = st.get("index_build_seconds")
            if idx is not None:
                L.append(f"- The indexes took {_fmt(idx)} s to build (not timed in the baseline; the store's log has no index by subject or object, since the store answers from its projection). The viewer's visible scopes were worked out once beforehand; sharing decisions are not consulted by the SQL (the demo data has none).")
        h = s.get("http")
        if h:
            L.append("")
            L.append("### 4. HTTP load (real app in a uvicorn subprocess; loopback)")
            L.append("")
            if "error" in h:
                L.append(f"error: {h['error']}")
            else:
                L.append(f"Server start-up (open the store, listen): {_fmt(h.get('server_startup_seconds'))} s.")
                L.append("")
                L.append(_http_table(h, HTTP_WORKLOADS, r.get("floor", {}).get("hello")))
                prof = h.get("profile_pointLookup")
                if prof:
                    L.append("")
                    L.append(_profile_md("Server profile during point look-ups (py-spy, all threads, share of busy samples)", prof))
    fl = r.get("floor")
    if fl:
        L.append("")
        L.append("## 3b. Floor: bare strawberry `{ hello }` served the same way")
        L.append("")
        if "error" in fl:
            L.append(f"error: {fl['error']}")
        else:
            L.append(_http_table({"hello": fl["hello"]}, ("hello",), None))
    if r.get("hardening"):
        L.extend(bench_hardening.render(r["hardening"]))
    profiles = r.get("profiles") or {}
    if profiles:
        L.append("")
        L.append("## Profiles of missed targets")
        for name, prof in profiles.items():
            L.append("")
            L.append(_profile_md(name, prof))
    if r.get("notes"):
        L.append("")
        L.append("## Notes")
        L.append("")
        for n in r["notes"]:
            L.append(f"- {n}")
    L.append("")
    return "\n".join(L)


def _http_table(h: dict[str, Any], workloads: tuple[str, ...], floor: Optional[dict[str, Any]]) -> str:
    rows = ["| workload | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors | vs floor req/s |", "|---|---|---|---|---|---|---|---|---|"]
    for w in workloads:
        series = h.get(w) or {}
        for c in CONCURRENCY:
            st = series.get(str(c)) or {}
            f = (floor or {}).get(str(c), {}).get("rps")
            ratio = f"{st['rps'] / f:.0%}" if f and st.get("rps") is not None and floor is not None else ""
            rows.append(f"| {w} | {c} | {_fmt(st.get('requests'))} | {_fmt(st.get('rps'), 1)} | {_fmt(st.get('p50_ms'), 2)} | {_fmt(st.get('p95_ms'), 2)} | {_fmt(st.get('p99_ms'), 2)} | {_fmt(st.get('errors'))} | {ratio} |")
    return "\n".join(rows)


def _profile_md(title: str, prof: dict[str, Any]) -> str:
    out = [f"### {title}", ""]
    if "unavailable" in prof:
        out.append(f"(profile unavailable: {prof['unavailable']})")
        return "\n".join(out)
    if prof.get("phases"):
        out.append("Phases, each run alone (" + ", ".join(f"{k} {v} s" for k, v in prof["phases"].items()) + f") for {prof.get('records')} records / {prof.get('assertions')} assertions."
                   " An import runs the row encoding and the SQLite insert in its writer process, alongside the validation.")
        out.append("")
    if prof.get("tool") == "tracemalloc":
        out.append(f"Opening a store of {prof['assertions']:,} assertions traced {prof['traced_bytes_per_assertion']} bytes per assertion. Largest allocating lines (bytes per assertion):")
        out.append("")
        out.append("| bytes/assertion | where | code |")
        out.append("|---|---|---|")
        for size, where, code in prof["top_lines_bytes_per_assertion"]:
            out.append(f"| {size} | `{where}` | `{code}` |")
        out.append("")
        out.append(f"The assertions' string fields hold {prof['string_bytes_per_assertion']} bytes per assertion, of which {prof['duplicate_string_bytes_per_assertion']} are "
                   "separate copies of a value already held (what interning would save). Distinct objects vs distinct values per field:")
        out.append("")
        out.append("| field | objects | values |")
        out.append("|---|---|---|")
        for f, c in prof["strings_by_field"].items():
            out.append(f"| {f} | {c['distinct_objects']:,} | {c['distinct_values']:,} |")
        dt = prof["datetimes"]
        out.append("")
        out.append(f"Datetimes: {dt['references']:,} references, {dt['distinct_objects']:,} objects, {dt['distinct_values']:,} distinct values "
                   f"(sharing equal ones would save about {dt['bytes_per_assertion_if_shared_saved']} bytes per assertion).")
        return "\n".join(out)
    if prof.get("tool") == "py-spy":
        out.append(f"{prof.get('busy_samples')} busy samples ({prof.get('idle_samples')} idle) over {prof.get('seconds')} s at 8 clients.")
        out.append("")
        out.append("| inclusive % | function |")
        out.append("|---|---|")
        for pct, fn in prof.get("inclusive_percent", [])[:25]:
            out.append(f"| {pct} | `{fn}` |")
        out.append("")
        out.append("| own % | function |")
        out.append("|---|---|")
        for pct, fn in prof.get("own_percent", [])[:15]:
            out.append(f"| {pct} | `{fn}` |")
        return "\n".join(out)
    out.append(f"{prof.get('tool')}, {prof.get('calls')} call(s), {prof.get('seconds')} s. Flat (own time, % of total):")
    out.append("")
    out.append("```")
    out.append(prof.get("flat", ""))
    out.append("```")
    out.append("")
    out.append("Call tree (% of total):")
    out.append("")
    out.append("```")
    out.append(prof.get("tree", ""))
    out.append("```")
    return "\n".join(out)


# --- the run ------------------------------------------------------------------------------------------------


class LoadSampler:
    """The machine's 1-minute load average every few seconds through the run: other work on
    the machine (other sessions' tests, servers) shows here and skews every figure."""

    def __init__(self, every: float = 5.0):
        import threading

        self.every = every
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = time.perf_counter()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((round(time.perf_counter() - self._t0, 1), os.getloadavg()[0]))
            self._stop.wait(self.every)

    def __enter__(self) -> "LoadSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def summary(self) -> dict[str, Any]:
        values = [v for _, v in self.samples]
        if not values:
            return {}
        return {"samples": len(values), "every_seconds": self.every, "mean": round(sum(values) / len(values), 2), "max": round(max(values), 2),
                "min": round(min(values), 2), "cpus": os.cpu_count()}


def run(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    with LoadSampler() as sampler:
        report = _run(args, argv)
    report["machine"]["loadavg_1m_during_run"] = sampler.summary()
    report["loadavg_samples"] = sampler.samples
    return report


def _run(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="graphsvc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    kinds = list(STORES) if args.store == "both" else [args.store]
    generator = args.load_generator
    if generator == "auto":
        generator = "wrk" if bench_load.wrk_path() else "httpx"
    started = time.perf_counter()
    report: dict[str, Any] = {
        "report_version": 1,
        "command": "graphsvc bench " + " ".join(argv),
        "started_at": _now(),
        "config": {"scale": args.scale, "seed": args.seed, "store": args.store, "calls": args.calls, "warmup": args.warmup, "budget_seconds": args.budget,
                   "load_seconds": args.load_seconds, "window_days": args.window_days, "quick": args.quick, "profile": args.profile,
                   "neo4j_initial_load": bool(args.neo4j_initial_load)},
        "machine": machine(),
        "versions": versions(),
        "load_generator": generator,
        "stores": {},
        "notes": [],
    }
    if "neo4j" in kinds and neo4j_settings()["uri"]:
        report["neo4j_server"] = neo4j_server_version()

    data = work / f"demo-{args.scale}-{args.seed}.jsonl"
    _log(f"generating demo data ({args.scale}, seed {args.seed}) into {data}")
    report["data"] = generate_data(args.scale, args.seed, data)
    profiles: dict[str, Any] = {}
    for kind in kinds:
        _log(f"store {kind}")
        report["stores"][kind] = bench_store(kind, args, data, work, generator, profiles, report)
    _log("hardening: hostile validation, durable commits, repeated sightings")
    report["hardening"] = bench_hardening.measure(work, report["stores"], args.quick)
    _log("floor: bare strawberry")
    try:
        report["floor"] = bench_floor(work, args.load_seconds, args.warm_seconds, generator)
    except Exception as exc:
        report["floor"] = {"error": f"{type(exc).__name__}: {exc}"}
    report["targets"] = evaluate_targets(report)
    if args.profile:
        try:
            profile_missed(report, args, data, work, profiles)
        except Exception as exc:  # a profile that fails must not cost the report
            profiles["error"] = {"unavailable": f"{type(exc).__name__}: {exc}"}
    report["profiles"] = profiles
    report["notes"] += [
        "Latency figures: perf_counter_ns around each call, after a warm-up; percentiles are nearest-rank over the timed calls. "
        "'store' calls the domain code (patterns.Patterns, chronology.chronology, GraphStore.entity) on the open store; 'graphql' executes the real schema in process "
        "with a real Context (roles, purpose, disclosure) but without HTTP, token verification or the audit write, which the HTTP figures include.",
        "HTTP figures: closed-loop clients, each sending its next request when the previous answer arrives; an error is a transport error, a non-200 answer, or a GraphQL "
        "body carrying errors. The server is one uvicorn process as `graphsvc serve` runs it; the load generator runs in its own process on the same 2 cores.",
        "Every request to the real app writes one hash-chained audit entry and checks owner notifications (embedded: SQLite with synchronous=FULL, group-committed; a write commits its own entry in its transaction; Neo4j: "
        "the same into a local outbox, written to Neo4j by a background thread, store/outbox.py); the floor does neither, nor token verification.",
        "Neo4j, as `graphsvc serve` opens it: entity reads about now, and the kinds and family links of the entities patterns read, are kept per reader until the database changes "
        "(store/read_cache.py: dropped at once by this process's writes, within 0.1 s of another's), so a point look-up of a child read before, through the store or over "
        "HTTP, is answered from memory, and a pattern repeated with no write between calls (as measured here) reads no kinds or family links from Neo4j; after any write it reads them all.",
    ]
    report["finished_at"] = _now()
    report["duration_seconds"] = round(time.perf_counter() - started, 1)
    if not args.keep_work and not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return report


def bench_store(kind: str, args: argparse.Namespace, data: Path, work: Path, generator: str, profiles: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    db = work / f"{kind}.db"
    for path in (db, f"{db}.outbox"):  # the Neo4j store's outbox lives beside it
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    try:
        if kind == "neo4j" and args.neo4j_clear and neo4j_settings()["uri"]:
            import graphsvc.store.neo4j  # noqa: F401  (only clear when the adapter is there to refill it)

            clear_neo4j()
        store = open_backend(kind, db)
    except Unavailable as exc:
        return {"status": "unavailable", "reason": str(exc)}
    except Exception as exc:
        return {"status": "unavailable", "reason": f"{type(exc).__name__}: {exc}"}
    out: dict[str, Any] = {"status": "ok", "errors": []}

    def stage(name: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except Unavailable as exc:
            out["errors"].append({"stage": name, "error": str(exc)})
        except Exception as exc:
            out["errors"].append({"stage": name, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=8)})
        return None

    params: Optional[Params] = None
    try:
        if kind == "neo4j" and store.count():
            return {"status": "skipped", "reason": f"the Neo4j database at NEO4J_URI is not empty ({store.count()} assertions); use --neo4j-clear to empty it first"}
        _log(f"  ingest {kind}")
        out["ingest"] = stage("ingest", lambda: bench_ingest(store, data))
        if not out["ingest"]:
            return {**out, "status": "failed", "reason": "ingest failed"}
        if kind == "neo4j" and args.neo4j_initial_load:
            _log("  initial load neo4j (replaces what the staged import wrote)")
            store.close()
            loaded = stage("initial_load", lambda: bench_initial_load(data, work, shlex.split(args.neo4j_initial_load), lambda: open_backend(kind, db), args.start_timeout))
            if loaded is None:
                store = open_backend(kind, db)
                return {**out, "status": "failed", "reason": "the initial load failed"}
            out["initial_load"], store = loaded
        params = stage("params", lambda: choose_params(store, args.scale, args.seed, args.window_days))
        if params is None:
            return {**out, "status": "failed", "reason": "could not choose query parameters"}
        report["params"] = params.describe()
        out["latency"] = stage("latency", lambda: bench_latency(store, params, db, args.calls, args.warmup, args.budget))
        baseline_calls = args.baseline_calls or args.calls
        out["baselines"] = stage("baselines", lambda: bench_baselines(kind, store, db, params, baseline_calls, args.warmup, args.budget))
        if args.profile:
            stage("profile", lambda: profile_patterns(kind, store, params, db, out, profiles))
    finally:
        t_close = time.perf_counter()
        store.close()  # the embedded store saves its snapshot here (store/snapshot.py)
        out["close_seconds"] = round(time.perf_counter() - t_close, 2)
    del store
    gc.collect()
    _log(f"  cold start and memory {kind} (fresh process)")
    probe_result = stage("cold_start", lambda: run_probe(kind, db, args.start_timeout))
    if probe_result:
        out["cold_start"] = {k: probe_result[k] for k in ("open_seconds", "first_query", "first_query_seconds", "cold_start_seconds", "first_query_found", "from_snapshot", "read_from_log")}
        out["memory"] = {k: probe_result[k] for k in ("assertions", "rss_before_bytes", "rss_after_bytes", "rss_peak_bytes", "bytes_per_assertion", "peak_bytes_per_assertion")}
    if kind == "embedded" and probe_result and probe_result.get("from_snapshot"):
        # And without the snapshot (a store whose last writer was killed before closing).
        from .store import snapshot

        aside = snapshot.path_for(db).with_name(snapshot.path_for(db).name + ".aside")
        snapshot.path_for(db).rename(aside)
        try:
            _log(f"  cold start {kind} from the log alone (fresh process)")
            # Its close would save a new snapshot, only to be replaced by the one set aside.
            no_save = {"GRAPHSVC_SNAPSHOT_AFTER": str(10**12)}
            log_only = stage("cold_start_log_only", lambda: run_probe(kind, db, args.start_timeout, no_save))
        finally:
            aside.rename(snapshot.path_for(db))
        if log_only:
            out["cold_start"]["log_only"] = {k: log_only[k] for k in ("open_seconds", "cold_start_seconds", "bytes_per_assertion", "read_from_log")}
    _log(f"  http {kind}")
    out["http"] = stage("http", lambda: bench_http(kind, db, params, work, args.load_seconds, args.warm_seconds, generator, args.start_timeout,
                                                      profile_seconds=args.profile_seconds if args.profile else 0.0))
    if not out["errors"]:
        del out["errors"]
    return out


def profile_patterns(kind: str, store, params: Params, keys: Path, out: dict[str, Any], profiles: dict[str, Any]) -> None:
    """pyinstrument on the pattern queries that missed their targets, while the store is open."""
    shared = _get(out, "latency", "store", "sharedContexts", "p95_ms")
    if shared is not None and shared > TARGETS[f"{kind}_shared_contexts_p95_ms"]:
        _log(f"  profiling sharedContexts {kind}")
        profiles[f"sharedContexts ({kind}, store path)"] = profile_calls(store_ops(store, params)["sharedContexts"], 5)
    missing = _get(out, "latency", "graphql", "missingHistory", "p95_ms")
    if kind == "embedded" and missing is not None and missing > TARGETS["embedded_missing_history_graphql_p95_ms"]:
        _log(f"  profiling missingHistory {kind}")
        profiles[f"missingHistory ({kind}, GraphQL path)"] = profile_calls(graphql_ops(store, params, keys)["missingHistory"], 300)


def _prefix_store(data: Path, work: Path, records: int) -> tuple[Path, int]:
    """An embedded store holding the first `records` records of the data (any prefix imports:
    the demo file is in dependency order)."""
    from .bulk import import_file
    from .store import open_store

    head = work / "profile-prefix.jsonl"
    with open(data, encoding="utf-8") as src, open(head, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= records:
                break
            dst.write(line)
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

    from .store import open_store

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
    from .store import open_store

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
        _log("  profiling import")
        guarded("import (embedded, prefix of the data)", lambda: profile_import(data, work, args.profile_records))
    if missed & {"resident bytes per assertion", "cold start"}:
        _log("  profiling memory and opening the store (prefix of the data)")
        db, count = _prefix_store(data, work, args.profile_records)
        if "resident bytes per assertion" in missed:
            guarded("memory (embedded, store of a prefix of the data)", lambda: profile_memory(db, count))
        if "cold start" in missed:
            guarded("cold start: opening the embedded store (prefix of the data)", lambda: {**profile_open(db), "assertions": count})
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="graphsvc bench", description=__doc__.split("\n\n")[0],
                                epilog="Writes DIR/report.json and DIR/report.md. Targets are for large-la scale; `--quick` lowers counts for smoke tests.")
    p.add_argument("--scale", choices=("small", "large-la"), default="small")
    p.add_argument("--store", choices=("embedded", "neo4j", "both"), default="embedded", help="neo4j uses NEO4J_URI (NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)")
    p.add_argument("--out", default="bench-report", help="directory for report.json and report.md (default ./bench-report)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--calls", type=int, default=1000, help="timed calls per latency figure after warm-up (default 1000)")
    p.add_argument("--baseline-calls", type=int, default=None, help="timed calls for the baselines (default: --calls)")
    p.add_argument("--warmup", type=int, default=50, help="warm-up calls before timing")
    p.add_argument("--budget", type=float, default=600.0, help="seconds per latency figure before it is cut short (reported; default 600)")
    p.add_argument("--load-seconds", type=float, default=10.0, help="seconds per HTTP load run (1, 8 and 32 clients)")
    p.add_argument("--warm-seconds", type=float, default=2.0, help="seconds of unrecorded load before each workload")
    p.add_argument("--window-days", type=int, default=30, help="window of the windowed pattern queries, ending at the demo's 'now'")
    p.add_argument("--load-generator", choices=("auto", "wrk", "httpx"), default="auto")
    p.add_argument("--start-timeout", type=float, default=1800.0, help="seconds allowed for a server or probe to open the store")
    p.add_argument("--profile", action="store_true", help="profile what misses a target (pyinstrument; py-spy on the server) and put it in the report")
    p.add_argument("--profile-seconds", type=float, default=8.0)
    p.add_argument("--profile-records", type=int, default=200_000, help="records of the data imported under the profiler")
    p.add_argument("--quick", action="store_true", help="smoke test: 20 timed calls, 1 s load runs (figures not for comparison)")
    p.add_argument("--neo4j-initial-load", metavar="CMD", help="also measure `graphsvc initial-load` after the staged import, with this load command "
                   "(run with the CSV folder appended; it stops Neo4j, runs neo4j-admin's import and starts Neo4j: it replaces the database)")
    p.add_argument("--neo4j-clear", action="store_true", help="empty the Neo4j database at NEO4J_URI before importing into it")
    p.add_argument("--work", help="scratch directory (default: a temporary one, removed afterwards)")
    p.add_argument("--keep-work", action="store_true", help="keep the temporary scratch directory (data file, stores)")
    return p


def main(argv: Optional[list[str]] = None) -> int:
    heap.for_service()  # as `graphsvc` sets it, for the servers and probe started as python -m graphsvc.bench
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("_serve", "_floor", "_probe"):
        return _internal(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.quick:
        args.calls, args.warmup, args.load_seconds, args.warm_seconds = min(args.calls, 20), min(args.warmup, 2), min(args.load_seconds, 2.0), min(args.warm_seconds, 0.3)
        args.baseline_calls = min(args.baseline_calls or args.calls, 10)
        args.profile_records = min(args.profile_records, 2000)
    if args.calls < 1 or args.load_seconds <= 0 or args.load_seconds > 300:
        parser.error("--calls must be >= 1 and --load-seconds in (0, 300]")
    report = run(args, argv)
    out = Path(args.out)
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (out / "report.md").write_text(render_markdown(report))
    missed = [t for t in report["targets"] if t["met"] is False]
    _log(f"wrote {out / 'report.json'} and {out / 'report.md'}: {len(report['targets'])} targets, {len(missed)} missed")
    for kind, s in report["stores"].items():
        if s.get("status") != "ok":
            _log(f"{kind}: {s.get('status')} ({s.get('reason')})")
    return 0


def _internal(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="graphsvc bench " + argv[0])
    p.add_argument("--kind", choices=STORES, default="embedded")
    p.add_argument("--db")
    p.add_argument("--port-file")
    args = p.parse_args(argv[1:])
    if argv[0] == "_probe":
        print(json.dumps(probe(args.kind, Path(args.db))))
        return 0
    if argv[0] == "_floor":
        return serve(_floor_app(), Path(args.port_file))
    return serve(_service_app(args.kind, Path(args.db)), Path(args.port_file))


if __name__ == "__main__":
    sys.exit(main())

"""A benchmark run: the data generated once, each store measured in turn, then the hardening
section, the floor, the targets and the profiles of what missed them."""

from __future__ import annotations

import argparse
import gc
import shlex
import shutil
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Optional

from . import hardening, load
from .backends import Unavailable, clear_neo4j, neo4j_settings, open_backend
from .baselines import bench_baselines
from .http_load import bench_floor, bench_http
from .ingest import bench_ingest, bench_initial_load, generate_data
from .latency import bench_latency
from .machine import LoadSampler, machine, neo4j_server_version, versions
from .probe import run_probe
from .profile import profile_missed, profile_patterns
from .targets import evaluate_targets
from .timing import log, timestamp
from .workload import STORES, Params, choose_params


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
        generator = "wrk" if load.wrk_path() else "httpx"
    started = time.perf_counter()
    report: dict[str, Any] = {
        "report_version": 1,
        "command": "graphsvc bench " + " ".join(argv),
        "started_at": timestamp(),
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
    log(f"generating demo data ({args.scale}, seed {args.seed}) into {data}")
    report["data"] = generate_data(args.scale, args.seed, data)
    profiles: dict[str, Any] = {}
    for kind in kinds:
        log(f"store {kind}")
        report["stores"][kind] = bench_store(kind, args, data, work, generator, profiles, report)
    log("hardening: hostile validation, durable commits, repeated sightings")
    report["hardening"] = hardening.measure(work, report["stores"], args.quick)
    log("floor: bare strawberry")
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
        "the same into a local outbox, written to Neo4j by a background thread, store/neo4j/outbox.py); the floor does neither, nor token verification.",
        "Neo4j, as `graphsvc serve` opens it: entity reads about now, and the kinds and family links of the entities patterns read, are kept per reader until the database changes "
        "(store/neo4j/read_cache.py: dropped at once by this process's writes, within 0.1 s of another's), so a point look-up of a child read before, through the store or over "
        "HTTP, is answered from memory, and a pattern repeated with no write between calls (as measured here) reads no kinds or family links from Neo4j; after any write it reads them all.",
    ]
    report["finished_at"] = timestamp()
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
        log(f"  ingest {kind}")
        out["ingest"] = stage("ingest", lambda: bench_ingest(store, data))
        if not out["ingest"]:
            return {**out, "status": "failed", "reason": "ingest failed"}
        if kind == "neo4j" and args.neo4j_initial_load:
            log("  initial load neo4j (replaces what the staged import wrote)")
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
    log(f"  cold start and memory {kind} (fresh process)")
    probe_result = stage("cold_start", lambda: run_probe(kind, db, args.start_timeout))
    if probe_result:
        out["cold_start"] = {k: probe_result[k] for k in ("open_seconds", "first_query", "first_query_seconds", "cold_start_seconds", "first_query_found", "from_snapshot", "read_from_log")}
        out["memory"] = {k: probe_result[k] for k in ("assertions", "rss_before_bytes", "rss_after_bytes", "rss_peak_bytes", "bytes_per_assertion", "peak_bytes_per_assertion")}
    if kind == "embedded" and probe_result and probe_result.get("from_snapshot"):
        # And without the snapshot (a store whose last writer was killed before closing).
        from ..store import snapshot

        aside = snapshot.path_for(db).with_name(snapshot.path_for(db).name + ".aside")
        snapshot.path_for(db).rename(aside)
        try:
            log(f"  cold start {kind} from the log alone (fresh process)")
            # Its close would save a new snapshot, only to be replaced by the one set aside.
            no_save = {"GRAPHSVC_SNAPSHOT_AFTER": str(10**12)}
            log_only = stage("cold_start_log_only", lambda: run_probe(kind, db, args.start_timeout, no_save))
        finally:
            aside.rename(snapshot.path_for(db))
        if log_only:
            out["cold_start"]["log_only"] = {k: log_only[k] for k in ("open_seconds", "cold_start_seconds", "bytes_per_assertion", "read_from_log")}
    log(f"  http {kind}")
    out["http"] = stage("http", lambda: bench_http(kind, db, params, work, args.load_seconds, args.warm_seconds, generator, args.start_timeout,
                                                      profile_seconds=args.profile_seconds if args.profile else 0.0))
    if not out["errors"]:
        del out["errors"]
    return out

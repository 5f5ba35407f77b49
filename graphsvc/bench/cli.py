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
import json
import sys
from pathlib import Path
from typing import Optional

from .. import heap
from .http_load import floor_app, serve, service_app
from .probe import probe
from .report import render_markdown
from .runner import run
from .timing import log
from .workload import STORES


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
    log(f"wrote {out / 'report.json'} and {out / 'report.md'}: {len(report['targets'])} targets, {len(missed)} missed")
    for kind, s in report["stores"].items():
        if s.get("status") != "ok":
            log(f"{kind}: {s.get('status')} ({s.get('reason')})")
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
        return serve(floor_app(), Path(args.port_file))
    return serve(service_app(args.kind, Path(args.db)), Path(args.port_file))


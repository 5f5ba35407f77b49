"""1. Ingest: the demo data written once, then imported by the real importer (staged) and, for
Neo4j, by the offline initial load, with what each cost in time and CPU."""

from __future__ import annotations

import gc
import re
import resource
import shutil
import time
from pathlib import Path
from typing import Any, Callable

from .backends import Unavailable
from .timing import cpu_per_assertion, machine_cpu_seconds, own_cpu_seconds


def generate_data(scale: str, seed: int, path: Path) -> dict[str, Any]:
    from .. import demo

    t0 = time.perf_counter()
    records = demo.write(path, scale=scale, seed=seed)
    return {"scale": scale, "seed": seed, "records": records, "file_bytes": path.stat().st_size, "generate_seconds": round(time.perf_counter() - t0, 2), "file": path.name}


def bench_ingest(store, data: Path) -> dict[str, Any]:
    """The real importer, end to end: every line read, validated and appended, a chunk at a
    time, in one all-or-nothing write (bulk.import_file)."""
    from ..bulk import import_file
    from ..ingest import CHUNK

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
    from .. import initial_load

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

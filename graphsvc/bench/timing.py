"""Timing and resource figures: timed calls and their percentiles, resident memory, CPU time
(this process's and the whole machine's), and the bench's log lines."""

from __future__ import annotations

import os
import resource
import sys
import time
from datetime import datetime, timezone
from typing import Any, Callable, Optional


def timestamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(sorted_values: list[float], q: float) -> Optional[float]:
    """Nearest-rank percentile of already sorted values (q in 0..100)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil(n * q / 100), at least 1
    return sorted_values[int(min(rank, len(sorted_values))) - 1]


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
    return _status_bytes("VmRSS:")


def hwm_bytes() -> int:
    """The most resident memory this process has had (VmHWM)."""
    return _status_bytes("VmHWM:")


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def cpu_per_assertion(spent: dict[str, float], count: int) -> dict[str, Any]:
    """Core-seconds spent, by part, as the report gives them: each part's and the total's
    core-microseconds an assertion, to hold against what a rate leaves on this machine's cores
    (budget_text)."""
    per = {part: round(busy * 1e6 / count, 1) for part, busy in spent.items()}
    per["total"] = round(sum(spent.values()) * 1e6 / count, 1)
    return {"machine_cpus": os.cpu_count() or 1, "core_seconds": {part: round(busy, 1) for part, busy in spent.items()},
            "core_microseconds_per_assertion": per}


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

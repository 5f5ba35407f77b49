"""Cold start and memory: a fresh process opens the store and answers a first query
(`python -m graphsvc.bench _probe`), with its resident memory before and after."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

from .backends import open_backend
from .load import child_env
from .timing import hwm_bytes, rss_bytes
from .workload import principal


def probe(kind: str, db: Path) -> dict[str, Any]:
    """In this (fresh) process: resident memory before and after opening the store, and the time
    to open it and answer a first query."""
    from .. import demo
    from ..api import schema as _schema  # noqa: F401  (the service's imports, as a server has them)
    from ..patterns import Patterns  # noqa: F401

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

"""The machine and versions a run had, and the machine's load through it."""

from __future__ import annotations

import gc
import os
import platform
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any, Optional

from . import load
from .backends import neo4j_settings


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
        from .. import __version__ as v

        out["graphsvc"] = out["graphsvc"] or v
    except ImportError:
        pass
    out["wrk"] = load.wrk_version()
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

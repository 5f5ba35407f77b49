"""The bench's hardening section: what hostile documents cost to validate, what durable
commits (synchronous=FULL) cost, and what repeated sightings of one link cost the reads and
patterns, each as a ratio within the same run."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Callable

from ..api import limits
from .markdown import section


def _stage(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:  # a failed part must not cost the report
        return {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=6)}


def measure(work: Path, stores: dict[str, Any], quick: bool) -> dict[str, Any]:
    """stores: the report's store sections. A Neo4j database the bench filled itself holds only
    the bench's data, which the repeated-sightings figures may replace; any other is left alone."""
    from . import durability, repeats as repeated, validation

    repeats = 2_000 if quick else 10_000
    return {
        "validation": _stage(lambda: validation.hostile_validation(3 if quick else 10)),
        "synchronous_full": _stage(lambda: durability.sync_cost(work)),
        "repeated_links": {kind: _stage(lambda kind=kind: repeated.repeated_links(kind, work, repeats, clear=kind == "neo4j"))
                           for kind, section in stores.items() if section.get("status") == "ok"},
    }


def _fmt(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def render(h: dict[str, Any]) -> list[str]:
    v = h.get("validation") or {}
    s = h.get("synchronous_full") or {}
    L = ["", "## Hardening"]
    L += section(f"### Validation of hostile documents (size cap {limits.MAX_TOKENS:,} tokens)", v, lambda: _validation(v))
    L += section("### Durable commits: synchronous=FULL against NORMAL", s, lambda: _durable_commits(s))
    L.append("")
    L.append("### Repeated sightings of one link")
    L.append("")
    L.append("The same data with and without repeated sightings of one (child, venue) link, through the in-process GraphQL schema (bench/repeats.py); target: within 2x.")
    L.append("")
    L.append("| store | query | without p50 / p95 ms | with p50 / p95 ms | ratio p50 / p95 | answer bytes without / with |")
    L.append("|---|---|---:|---:|---:|---:|")
    for kind, r in (h.get("repeated_links") or {}).items():
        if "error" in r:
            L.append(f"| {kind} | error: {r['error']} | | | | |")
            continue
        for query in ("sharedContexts", "person"):
            w, o, q = r["with"][query], r["without"][query], r["ratio"][query]
            L.append(f"| {kind} ({r['repeats']:,} repeats; met: {'yes' if r['met'] else 'no'}) | {query} | {_fmt(o['p50_ms'])} / {_fmt(o['p95_ms'])} | "
                     f"{_fmt(w['p50_ms'])} / {_fmt(w['p95_ms'])} | {_fmt(q['p50'])} / {_fmt(q['p95'])} | {o.get('answer_bytes', '')} / {w.get('answer_bytes', '')} |")
    return L


def _validation(v: dict[str, Any]) -> list[str]:
    L = [f"Parse and validate, uncached, {v['repeats']} times each (limits.validate: the limits, then the standard rules for a document within them).", ""]
    L.append("| document | bytes | median ms | max ms | outcome |")
    L.append("|---|---:|---:|---:|---|")
    for name, d in v["documents"].items():
        L.append(f"| {name} | {d['bytes']:,} | {_fmt(d['median_ms'])} | {_fmt(d['max_ms'])} | {d['outcome']} |")
    L.append("")
    L.append(f"Worst: {v['worst']['document']}, {_fmt(v['worst']['max_ms'])} ms.")
    return L


def _durable_commits(s: dict[str, Any]) -> list[str]:
    L = [f"On a real SQLite file in the run's work folder ({s.get('threads')} threads where threaded; bench/durability.py).", ""]
    L.append("| case | NORMAL p50 / p95 ms | FULL p50 / p95 ms | NORMAL per s | FULL per s | FULL/NORMAL p50 | throughput FULL/NORMAL |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for case, c in s.items():
        if isinstance(c, dict) and "FULL" in c:
            n, f, r = c["NORMAL"], c["FULL"], c["full_over_normal"]
            L.append(f"| {case} | {_fmt(n['p50_ms'])} / {_fmt(n['p95_ms'])} | {_fmt(f['p50_ms'])} / {_fmt(f['p95_ms'])} | {n['per_second']:,.0f} | "
                     f"{f['per_second']:,.0f} | {_fmt(r['p50'])} | {_fmt(r['throughput'])} |")
    return L

"""The bench's hardening section: what hostile documents cost to validate, what durable
commits (synchronous=FULL) cost, and what repeated sightings of one link cost the reads and
patterns, each as a ratio within the same run."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Callable

from .api import limits


def _stage(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:  # a failed part must not cost the report
        return {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=6)}


def measure(work: Path, stores: dict[str, Any], quick: bool) -> dict[str, Any]:
    """stores: the report's store sections. A Neo4j database the bench filled itself holds only
    the bench's data, which the repeated-sightings figures may replace; any other is left alone."""
    from . import bench_durability, bench_repeats, bench_validation

    repeats = 2_000 if quick else 10_000
    return {
        "validation": _stage(lambda: bench_validation.hostile_validation(3 if quick else 10)),
        "synchronous_full": _stage(lambda: bench_durability.sync_cost(work)),
        "repeated_links": {kind: _stage(lambda kind=kind: bench_repeats.repeated_links(kind, work, repeats, clear=kind == "neo4j"))
                           for kind, section in stores.items() if section.get("status") == "ok"},
    }


def _fmt(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def render(h: dict[str, Any]) -> list[str]:
    L = ["", "## Hardening", ""]
    v = h.get("validation") or {}
    L.append(f"### Validation of hostile documents (size cap {limits.MAX_TOKENS:,} tokens)")
    L.append("")
    if "error" in v:
        L.append(f"error: {v['error']}")
    else:
        L.append(f"Parse and validate, uncached, {v['repeats']} times each (limits.validate: the limits, then the standard rules for a document within them).")
        L.append("")
        L.append("| document | bytes | median ms | max ms | outcome |")
        L.append("|---|---:|---:|---:|---|")
        for name, d in v["documents"].items():
            L.append(f"| {name} | {d['bytes']:,} | {_fmt(d['median_ms'])} | {_fmt(d['max_ms'])} | {d['outcome']} |")
        L.append("")
        L.append(f"Worst: {v['worst']['document']}, {_fmt(v['worst']['max_ms'])} ms.")
    s = h.get("synchronous_full") or {}
    L.append("")
    L.append("### Durable commits: synchronous=FULL against NORMAL")
    L.append("")
    L.extend(_block(s))
    r = h.get("repeated_links") or {}
    L.append("")
    L.append("### Repeated sightings of one link")
    for kind, figures in r.items():
        L.append("")
        L.append(f"{kind}:")
        L.append("")
        L.extend(_block(figures))
    return L


def _block(figures: dict[str, Any]) -> list[str]:
    if "error" in figures:
        return [f"error: {figures['error']}"]
    return ["```", *_lines(figures), "```"]


def _lines(d: dict[str, Any], indent: str = "") -> list[str]:
    out = []
    for key, value in d.items():
        if isinstance(value, dict):
            out.append(f"{indent}{key}:")
            out.extend(_lines(value, indent + "  "))
        else:
            out.append(f"{indent}{key}: {_fmt(value)}")
    return out

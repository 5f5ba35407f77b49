"""Benchmark: repeated sightings (issue 33) against the same data without them.

One small synthetic dataset is built twice in a store of the given kind: as it is, and with
`repeats` more sightings of one child at one venue (the same link recorded again and again, as
a place a child is seen at every day). sharedContexts and person() (that child, with its links)
are timed through the in-process GraphQL schema, as latency.graphql_ops does; the answers with
the repeats should cost within TARGET_RATIO of those without, since reads and patterns answer
one item per distinct link (graphsvc.sightings).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from .backends import Unavailable, clear_neo4j, open_backend
from .timing import measure
from .workload import principal

TARGET_RATIO = 2.0
SCOPE = "police|csc|mash"
CHILDREN = 200
VENUES = 20
ADULTS = 20
SEEN_PER_CHILD = 3
REPEATED = ("child-0000", "venue-00")
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)

QUERIES = {
    "sharedContexts": """{ sharedContexts(minChildren: 3, first: 20) { totalCount items { context { id kind label } childCount
        unrelatedChildren agencyCount firstSeen lastSeen children { id } linkCount
        links { child { id } how when lastSeen agency sightings assertionIds } } } }""",
    "person": """query($id: ID!) { person(id: $id) { id kind label attributes { predicate value agency recordedAt } linkCount
        links { predicate role direction other { id kind label } sightings firstSeen lastSeen assertion { id agency } assertionIds } } }""",
}


def _at(minutes: float) -> str:
    return (BASE + timedelta(minutes=minutes)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _prov(agency: str, ref: str, minutes: float) -> dict[str, Any]:
    return {"agency": agency, "recorded_by": f"bench-{agency}", "source_ref": ref, "method": "observed", "status": "fact",
            "scope": SCOPE, "recorded_at": _at(minutes)}


def records(repeats: int) -> list[dict[str, Any]]:
    """The dataset: children, venues and adults; each child seen at a few venues, each adult
    associating with a few children; then `repeats` more sightings of REPEATED."""
    out: list[dict[str, Any]] = []
    for i in range(CHILDREN):
        out.append({"type": "entity", "id": f"child-{i:04d}", "kind": "child", "attributes": {"name": f"Child {i}"}, **_prov("csc", f"C-{i}", 0)})
    for v in range(VENUES):
        out.append({"type": "entity", "id": f"venue-{v:02d}", "kind": "venue", "attributes": {"name": f"Venue {v}"}, **_prov("police", f"V-{v}", 0)})
    for a in range(ADULTS):
        out.append({"type": "entity", "id": f"adult-{a:02d}", "kind": "adult", "attributes": {"name": f"Adult {a}"}, **_prov("police", f"A-{a}", 0)})
    n = 0
    for i in range(CHILDREN):
        for k in range(SEEN_PER_CHILD):
            n += 1
            venue = (i * 7 + k * 3) % VENUES
            out.append({"type": "assertion", "subject": f"child-{i:04d}", "predicate": "seen_at", "object": f"venue-{venue:02d}",
                        "valid_from": _at(60 + n), **_prov("police" if k % 2 else "csc", f"S-{i}-{k}", 61 + n)})
        out.append({"type": "assertion", "subject": f"adult-{i % ADULTS:02d}", "predicate": "associates_with", "object": f"child-{i:04d}",
                    "valid_from": _at(60 + n), **_prov("police", f"AS-{i}", 61 + n)})
    child, venue = REPEATED
    for r in range(repeats):
        out.append({"type": "assertion", "subject": child, "predicate": "seen_at", "object": venue,
                    "valid_from": _at(10_000 + r), **_prov("police", f"R-{r}", 10_001 + r)})
    return out


def _ops(store) -> dict[str, Callable[[int], Any]]:
    from ..api.context import Context
    from ..api.schema import schema
    from ..principal import Pseudonyms

    who = principal()
    pseudonyms = Pseudonyms(os.urandom(32))

    def op(name: str, variables: Optional[dict[str, Any]]) -> Callable[[int], Any]:
        def call(i: int) -> Any:
            result = schema.execute_sync(QUERIES[name], variable_values=variables, context_value=Context(principal=who, store=store, pseudonyms=pseudonyms))
            if result.errors:
                raise RuntimeError(f"{name}: {result.errors[0].message}")
            return result.data

        return call

    return {"sharedContexts": op("sharedContexts", None), "person": op("person", {"id": REPEATED[0]})}


def _domain_ops(store) -> dict[str, Callable[[int], Any]]:
    """The same two through the domain and the store alone (no GraphQL answer built)."""
    from ..patterns import Patterns

    view = principal().view()
    return {"sharedContexts": lambda i: Patterns(store, view).shared_contexts(3, None, None),
            "person": lambda i: store.entity(REPEATED[0], view)}


def _build(kind: str, db: Path, repeats: int, clear: bool):
    from ..bulk import import_records

    if kind == "neo4j":
        if clear:
            clear_neo4j()
    store = open_backend(kind, db)
    if kind == "neo4j" and not clear and store.holds_anything():  # type: ignore[attr-defined]
        store.close()
        raise Unavailable("the Neo4j database holds data: this benchmark builds its own twice (pass clear=True to empty it)")
    import_records(store, records(repeats))
    return store


def repeated_links(kind: str, work: Path, repeats: int = 10_000, calls: int = 40, warmup: int = 5, budget_s: float = 20.0,
                   clear: bool = False) -> dict[str, Any]:
    """sharedContexts and person() p50/p95 on the dataset without and with `repeats` repeated
    links on one pair, in a store of this kind (Neo4j: the database NEO4J_URI names, emptied
    first only with clear=True), and the ratios with/without. `with`, `without` and `ratio`
    are through the in-process GraphQL schema (what a caller waits for), and `met` says
    whether both ratios, p50 and p95, are within TARGET_RATIO; `domain` holds the same through
    the domain and the store alone (Patterns.shared_contexts, GraphStore.entity), for the part
    of the work that is not building the answer."""
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"kind": kind, "repeats": repeats, "dataset": {"children": CHILDREN, "venues": VENUES, "adults": ADULTS,
                                                                        "repeated": "/".join(REPEATED)},
                           "target_ratio": TARGET_RATIO}
    for label, n in (("without", 0), ("with", repeats)):
        store = _build(kind, work / f"repeats-{label}.db", n, clear)
        try:
            out[label] = {}
            for name, fn in _ops(store).items():
                figures = measure(fn, calls, warmup, budget_s, min_calls=min(calls, 10))
                figures["answer_bytes"] = len(json.dumps(fn(0), default=str))
                out[label][name] = figures
            domain = out.setdefault("domain", {}).setdefault(label, {})
            for name, fn in _domain_ops(store).items():
                domain[name] = measure(fn, calls, warmup, budget_s, min_calls=min(calls, 10))
        finally:
            store.close()
    out["ratio"] = _ratios(out["with"], out["without"])
    out["domain"]["ratio"] = _ratios(out["domain"]["with"], out["domain"]["without"])
    out["met"] = all(r[q] <= TARGET_RATIO for r in out["ratio"].values() for q in ("p50", "p95"))
    return out


def _ratios(with_: dict[str, Any], without: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {name: {q: round(with_[name][f"{q}_ms"] / without[name][f"{q}_ms"], 3) for q in ("p50", "p95")} for name in QUERIES}


if __name__ == "__main__":  # python -m graphsvc.bench.repeats [embedded|neo4j] [work dir] [repeats]
    import sys
    import tempfile

    kind = sys.argv[1] if len(sys.argv) > 1 else "embedded"
    work = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="bench-repeats-"))
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    print(json.dumps(repeated_links(kind, work, repeats, clear=os.environ.get("NEO4J_CLEAR") == "1"), indent=2))

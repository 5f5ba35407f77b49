"""3a. Baselines: the same sharedContexts answer by a plain SQL GROUP BY over the embedded
store's SQLite tables and by hand-written Cypher through the driver, timed beside ours."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from .backends import Unavailable, neo4j_settings
from .timing import log, measure
from .workload import BENCH_PRINCIPAL, Params, principal


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
    from ..model import format_time
    from ..patterns import CONTEXT_KINDS
    from ..scope import visible

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
# Hand-written against the Neo4j adapter's model (graphsvc/store/neo4j/): (:Assertion) nodes
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

    from ..model import format_time
    from ..patterns import CONTEXT_KINDS
    from ..scope import visible

    import graphsvc.store.neo4j as adapter

    cypher = getattr(adapter, "BASELINE_SHARED_CONTEXTS", None)
    path = adapter.cypher_folder() / CYPHER_BASELINE_FILE
    source = "graphsvc.store.neo4j.BASELINE_SHARED_CONTEXTS" if cypher else None
    if cypher is None and path.is_file():
        cypher, source = path.read_text(), f"cypher/{CYPHER_BASELINE_FILE}"
    if cypher is None:
        cypher, source = CYPHER_SHARED_CONTEXTS, "graphsvc.bench.baselines.CYPHER_SHARED_CONTEXTS"
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
    from ..patterns import Patterns

    view = principal().view()

    def run(i: int):
        return Patterns(store, view).shared_contexts(params.min_children, params.start, params.end, exclude_family=False)

    answer = {c.context: len(c.children) for c in run(0)}
    return measure(run, calls, warmup, budget), answer


def bench_baselines(kind: str, store, db: Path, params: Params, calls: int, warmup: int, budget: float) -> dict[str, Any]:
    out: dict[str, Any] = {"question": "sharedContexts(minChildren, window) with excludeFamily=false: contexts and distinct visible children"}
    log("  baseline: ours (excludeFamily=false)")
    ours_stats, ours = our_shared_contexts(store, params, calls, warmup, budget)
    out["ours_exclude_family_false"] = {**ours_stats, "contexts": len(ours)}
    if kind == "embedded":
        log("  baseline: sql_groupby_indexed")
        try:
            out["sql_groupby_indexed"] = sql_baseline(db, params, ours, calls, warmup, budget)
        except Exception as exc:
            out["sql_groupby_indexed"] = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        log("  baseline: cypher")
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

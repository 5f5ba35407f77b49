"""2. Pattern latency: each pattern query through the store (the domain code over the
GraphStore port) and through the GraphQL schema in process, timed after a warm-up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

from .timing import log, measure
from .workload import PATTERN_OPS, PER_CHILD, Q, Params, principal

SIZE_SAMPLE = 10  # children of a rotation whose answers the report sizes
WINDOW_SWEEP_DAYS = (7, 30, 90, 365)
SWEEP_CALLS = 20


def store_ops(store, params: Params) -> dict[str, Callable[[int], Any]]:
    from ..chronology import chronology
    from ..patterns import Patterns

    view = principal().view()
    p = params

    return {
        "sharedContexts": lambda i: Patterns(store, view).shared_contexts(p.min_children, p.start, p.end),
        "missingHistory": lambda i: Patterns(store, view).missing_history(p.child("missingHistory", i), None, None, now=p.now),
        "repeatMissing": lambda i: Patterns(store, view).repeat_missing(p.min_episodes, p.start, p.end),
        "coMissing": lambda i: Patterns(store, view).co_missing(p.child("coMissing", i), None, None),
        "adultsLinkedToChildren": lambda i: Patterns(store, view).adults_linked_to_children(p.min_adult_children, p.start, p.end),
        "chronology": lambda i: chronology(store, view, p.child("chronology", i)),
        "pointLookup": lambda i: store.entity(p.child("pointLookup", i), view),
    }


def _answer_size(answer: Any) -> int:
    """Rows in an answer: a list's entries, a missing history's episodes, else one."""
    if isinstance(answer, list):
        return len(answer)
    return len(answer.episodes) if hasattr(answer, "episodes") else 1


def variables_for(op: str, params: Params, i: int) -> dict[str, Any]:
    if op == "sharedContexts":
        return {"min": params.min_children, **params.window()}
    if op == "repeatMissing":
        return {"min": params.min_episodes, **params.window()}
    if op == "adultsLinkedToChildren":
        return {"min": params.min_adult_children, **params.window()}
    return {"id": params.child(op, i)}


def graphql_ops(store, params: Params, keys: Path) -> dict[str, Callable[[int], Any]]:
    from ..api.app import pseudonym_key
    from ..api.context import Context
    from ..api.schema import schema
    from ..principal import Pseudonyms

    who = principal()
    pseudonyms = Pseudonyms(pseudonym_key(keys))

    def op(name: str) -> Callable[[int], Any]:
        query = Q[name]

        def call(i: int) -> Any:
            context = Context(principal=who, store=store, pseudonyms=pseudonyms)
            result = schema.execute_sync(query, variable_values=variables_for(name, params, i), context_value=context)
            if result.errors:
                raise RuntimeError(f"{name}: {result.errors[0].message}")
            return result.data

        return call

    return {name: op(name) for name in PATTERN_OPS}


def bench_latency(store, params: Params, keys: Path, calls: int, warmup: int, budget: float) -> dict[str, Any]:
    out: dict[str, Any] = {"store": {}, "graphql": {}}
    for path, ops in (("store", store_ops(store, params)), ("graphql", graphql_ops(store, params, keys))):
        for name in PATTERN_OPS:
            log(f"  latency {path} {name}")
            try:
                out[path][name] = measure(ops[name], calls, warmup, budget)
            except Exception as exc:
                out[path][name] = {"error": f"{type(exc).__name__}: {exc}"}
    # How sharedContexts grows with the window (the answer), not with the store.
    sweep: dict[str, Any] = {}
    for days in WINDOW_SWEEP_DAYS:
        swept = Params(**{**params.__dict__, "start": params.end - timedelta(days=days), "notes": []})
        log(f"  latency store sharedContexts over {days} days")
        fn = store_ops(store, swept)["sharedContexts"]
        try:
            stats = measure(fn, max(3, min(SWEEP_CALLS, calls // 10)), min(warmup, 2), budget / 4, min_calls=3)
            stats["contexts"] = len(fn(0))
        except Exception as exc:
            stats = {"error": f"{type(exc).__name__}: {exc}"}
        sweep[str(days)] = stats
    out["shared_contexts_by_window_days"] = sweep
    # What the answers look like, so the figures can be read against their size: the per-child
    # queries over the first SIZE_SAMPLE children of their rotation (mean, max).
    sizes: dict[str, Any] = {}
    ops = store_ops(store, params)
    for name in PATTERN_OPS:
        try:
            counts = [_answer_size(ops[name](i)) for i in range(SIZE_SAMPLE if name in PER_CHILD else 1)]
            sizes[name] = counts[0] if len(counts) == 1 else f"{sum(counts) / len(counts):.1f} (max {max(counts)})"
        except Exception as exc:
            sizes[name] = f"{type(exc).__name__}: {exc}"
    out["answer_sizes"] = sizes
    return out

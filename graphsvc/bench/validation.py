"""How long validation takes on hostile documents: the bench's evidence that no document
within the size cap (MAX_TOKENS) holds a worker.

Each document is parsed afresh and validated as a request is (api/limits.validate without its
cache: the limits, then the standard rules if it is within them).
"""

from __future__ import annotations

import time
from typing import Any, Callable

from graphql import GraphQLError, parse, specified_rules

from ..api import limits
from ..api.schema import schema


def doubling(levels: int) -> str:
    """Fragment F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^levels paths (1.2 KB at 30)."""
    parts = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on Query {{ me {{ subject }} }}")
    return "{ ...F0 } " + " ".join(parts)


def _introspection(depth: int) -> str:
    """__schema { types { fields { type { ofType { ... name } } } } }, depth fields deep."""
    return "{ __schema { types { fields { type { " + "ofType { " * (depth - 4) + "name" + " }" * (depth - 4) + " } } } } }"


HOSTILE: dict[str, Callable[[], str]] = {
    "doubling fragments, 30 levels (1.2 KB)": lambda: doubling(30),
    "doubling fragments, 9 levels (within the repeat limit's reach)": lambda: doubling(9),
    "990 identical fields": lambda: "{ " + " ".join("me { subject }" for _ in range(990)) + " }",
    "400 fields with conflicting arguments": lambda: "{ " + " ".join(f'person(id: "c{i}") {{ id }}' for i in range(400)) + " }",
    "a chain of 300 fragments": lambda: "{ ...F0 } " + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(300))
    + " fragment F300 on Query { me { subject } }",
    "300 fragments spread in one selection": lambda: "{ " + " ".join(f"...F{i}" for i in range(300)) + " } "
    + " ".join(f"fragment F{i} on Query {{ me {{ subject }} }}" for i in range(300)),
    "30 aliased full pages of sharedContexts (cost)": lambda: "{ " + " ".join(
        f"a{i}: sharedContexts(minChildren: 1, first: 100) {{ items {{ links {{ child {{ id }} }} }} }}" for i in range(30)) + " }",
    "introspection 44 deep": lambda: _introspection(44),
    "10 repeats of a field with 10 repeats inside (accepted)": lambda: "{ " + " ".join(
        "me { " + " ".join("subject" for _ in range(10)) + " }" for _ in range(10)) + " }",
    "introspection 20 deep, the depth limit (accepted)": lambda: _introspection(20),
}


def hostile_validation(repeats: int = 5) -> dict[str, Any]:
    rules = tuple(specified_rules)  # what strawberry runs after the limits (and its own two)
    out: dict[str, Any] = {"documents": {}, "repeats": repeats}
    for name, make in HOSTILE.items():
        text = make()
        times = []
        errors: list[GraphQLError] = []
        for _ in range(repeats):
            started = time.perf_counter()
            document = parse(text, max_tokens=limits.MAX_TOKENS)
            errors = limits.validate.__wrapped__(schema._schema, document, rules)
            times.append(time.perf_counter() - started)
        first = errors[0] if errors else None
        out["documents"][name] = {
            "bytes": len(text.encode()),
            "max_ms": round(max(times) * 1000, 2),
            "median_ms": round(sorted(times)[len(times) // 2] * 1000, 2),
            "outcome": "accepted" if first is None else f"{(first.extensions or {}).get('code', 'BAD_USER_INPUT')} ({(first.extensions or {}).get('limit') or first.message[:60]})",
        }
    worst = max(out["documents"].items(), key=lambda item: item[1]["max_ms"])
    out["worst"] = {"document": worst[0], "max_ms": worst[1]["max_ms"]}
    return out

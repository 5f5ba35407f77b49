"""Opening the store of either kind for the benchmark, or saying why it cannot be had."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..settings import Settings


class Unavailable(RuntimeError):
    """This store cannot be benchmarked here; the message says why (it goes into the report)."""


def neo4j_settings() -> dict[str, Optional[str]]:
    s = Settings.from_env()
    return {"uri": s["NEO4J_URI"], "user": s["NEO4J_USER"], "password": s["NEO4J_PASSWORD"], "database": s["NEO4J_DATABASE"]}


def open_backend(kind: str, db: Path):
    """Open the store of this kind through graphsvc.store.open_store. `db` is the embedded
    store's file, and for Neo4j the prefix of the local key files (tokens, pseudonyms).
    Raises Unavailable, with the reason, when the store cannot be had."""
    from ..store import open_store

    if kind == "embedded":
        return open_store(db)
    if kind != "neo4j":
        raise ValueError(kind)
    try:
        import graphsvc.store.neo4j as adapter  # noqa: F401
    except Exception as exc:  # ImportError while the adapter is being written, or its own deps
        raise Unavailable(f"the Neo4j adapter (graphsvc.store.neo4j) is not importable: {type(exc).__name__}: {exc}") from None
    uri = neo4j_settings()["uri"]
    if not uri:
        raise Unavailable("NEO4J_URI is not set (also NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE if needed)")
    errors = []
    # The selection goes through open_store; the adapter's own constructors are the fall-backs.
    for attempt in (lambda: open_store(str(db), kind="neo4j"), lambda: adapter.Neo4jStore.from_env(), lambda: adapter.Neo4jStore(uri)):  # type: ignore[attr-defined]
        try:
            store = attempt()
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        if type(store).__module__ == adapter.__name__ or "neo4j" in type(store).__name__.lower():
            return store
        try:
            store.close()
        except Exception:
            pass
        errors.append(f"open_store({uri!r}) gave a {type(store).__name__}, not the Neo4j store")
    raise Unavailable("could not open the Neo4j store: " + "; ".join(errors))


def clear_neo4j() -> None:
    """Empty the Neo4j database (only with --neo4j-clear)."""
    from neo4j import GraphDatabase

    s = neo4j_settings()
    auth = (s["user"], s["password"] or "") if s["user"] else None
    with GraphDatabase.driver(s["uri"], auth=auth) as driver, driver.session(database=s["database"] or "neo4j") as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

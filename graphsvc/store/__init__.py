"""Stores: the GraphStore port and its adapters."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..settings import OFF, Settings

from .base import GraphStore, StoreUnavailable
from .embedded import EmbeddedStore

__all__ = ["GraphStore", "StoreUnavailable", "EmbeddedStore", "open_store", "store_kind"]

KINDS = ("embedded", "neo4j")
_URI_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def store_kind(db_or_uri: Optional[str | Path] = None, kind: Optional[str] = None, settings: Optional[Settings] = None) -> str:
    """Which backend: `kind` if given; else neo4j for a bolt:// or neo4j:// URI; else the
    GRAPHSVC_STORE setting (default embedded)."""
    if kind is None and isinstance(db_or_uri, str) and db_or_uri.lower().startswith(_URI_SCHEMES):
        kind = "neo4j"
    if kind is None:
        return (settings or Settings.from_env())["GRAPHSVC_STORE"]
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown store {kind!r}: use one of {', '.join(KINDS)}")
    return kind


def open_store(db_or_uri: Optional[str | Path] = None, kind: Optional[str] = None, *, user: Optional[str] = None,
               password: Optional[str] = None, database: Optional[str] = None, settings: Optional[Settings] = None) -> GraphStore:
    """Open the configured store (`settings`: as `graphsvc` read them at start-up; else read now).

    embedded (the default): `db_or_uri` is the SQLite file.
    neo4j (kind="neo4j", GRAPHSVC_STORE=neo4j, or a bolt:// / neo4j:// URI as `db_or_uri`):
    the URI is `db_or_uri` if it is one, else NEO4J_URI; the credentials and database are the
    arguments, else NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE (default "neo4j"). A file
    path given with kind neo4j is not where the data is (callers keep their key files, and the
    outbox, beside it).
    """
    settings = settings or Settings.from_env()
    if store_kind(db_or_uri, kind, settings) == "embedded":
        if db_or_uri is None:
            raise ValueError("the embedded store needs a database file path")
        return EmbeddedStore(db_or_uri, snapshot_after=settings["GRAPHSVC_SNAPSHOT_AFTER"])
    from .neo4j import Neo4jStore  # only now: the embedded default needs neither the driver nor cypher/

    given_uri = isinstance(db_or_uri, str) and db_or_uri.lower().startswith(_URI_SCHEMES)
    uri = str(db_or_uri) if given_uri else settings["NEO4J_URI"]
    if not uri:
        raise ValueError("the neo4j store needs a URI: set NEO4J_URI (e.g. bolt://localhost:7687) or pass one")
    return Neo4jStore(
        uri,
        user=user if user is not None else settings["NEO4J_USER"],
        password=password if password is not None else settings["NEO4J_PASSWORD"],
        database=database or settings["NEO4J_DATABASE"],
        outbox=outbox_path(None if given_uri else db_or_uri, settings),
        cache_poll_seconds=settings["GRAPHSVC_READ_CACHE_POLL"],
    )


def outbox_path(db: Optional[str | Path], settings: Optional[Settings] = None) -> Optional[str]:
    """Where a Neo4j store's API audit entries and owner notifications wait, durably, to be
    written to Neo4j (store/neo4j/outbox.py): the GRAPHSVC_OUTBOX setting (a file; "off":
    none, each request then commits them to Neo4j before answering), else beside the local
    key files."""
    configured = (settings or Settings.from_env())["GRAPHSVC_OUTBOX"]
    if configured is OFF:
        return None
    return configured or (f"{db}.outbox" if db is not None else None)


def read_cache_poll(settings: Optional[Settings] = None) -> Optional[float]:
    """How often a Neo4j store checks whether the database changed (store/neo4j/read_cache.py):
    the GRAPHSVC_READ_CACHE_POLL setting; None keeps nothing. Writes through this process
    drop what is kept at once."""
    return (settings or Settings.from_env())["GRAPHSVC_READ_CACHE_POLL"]

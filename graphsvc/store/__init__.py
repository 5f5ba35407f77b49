"""Stores: the GraphStore port and its adapters."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Optional

from .base import GraphStore, StoreUnavailable
from .embedded import EmbeddedStore

__all__ = ["GraphStore", "StoreUnavailable", "EmbeddedStore", "open_store", "store_kind"]

KINDS = ("embedded", "neo4j")
_URI_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def store_kind(db_or_uri: Optional[str | Path] = None, kind: Optional[str] = None) -> str:
    """Which backend: `kind` if given; else neo4j for a bolt:// or neo4j:// URI; else the
    GRAPHSVC_STORE environment variable; else embedded."""
    if kind is None and isinstance(db_or_uri, str) and db_or_uri.lower().startswith(_URI_SCHEMES):
        kind = "neo4j"
    kind = (kind or os.environ.get("GRAPHSVC_STORE") or "embedded").strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown store {kind!r} (GRAPHSVC_STORE): use one of {', '.join(KINDS)}")
    return kind


def open_store(db_or_uri: Optional[str | Path] = None, kind: Optional[str] = None, *, user: Optional[str] = None,
               password: Optional[str] = None, database: Optional[str] = None) -> GraphStore:
    """Open the configured store.

    embedded (the default): `db_or_uri` is the SQLite file.
    neo4j (kind="neo4j", GRAPHSVC_STORE=neo4j, or a bolt:// / neo4j:// URI as `db_or_uri`):
    the URI is `db_or_uri` if it is one, else NEO4J_URI; the credentials and database are the
    arguments, else NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE (default "neo4j"). A file
    path given with kind neo4j is not where the data is (callers keep their key files, and the
    outbox, beside it).
    """
    if store_kind(db_or_uri, kind) == "embedded":
        if db_or_uri is None:
            raise ValueError("the embedded store needs a database file path")
        return EmbeddedStore(db_or_uri)
    from .neo4j import Neo4jStore  # only now: the embedded default needs neither the driver nor cypher/

    given_uri = isinstance(db_or_uri, str) and db_or_uri.lower().startswith(_URI_SCHEMES)
    uri = str(db_or_uri) if given_uri else os.environ.get("NEO4J_URI")
    if not uri:
        raise ValueError("the neo4j store needs a URI: set NEO4J_URI (e.g. bolt://localhost:7687) or pass one")
    return Neo4jStore(
        uri,
        user=user if user is not None else os.environ.get("NEO4J_USER") or None,
        password=password if password is not None else os.environ.get("NEO4J_PASSWORD"),
        database=database or os.environ.get("NEO4J_DATABASE") or "neo4j",
        outbox=outbox_path(None if given_uri else db_or_uri),
        cache_poll_seconds=read_cache_poll(),
    )


def outbox_path(db: Optional[str | Path]) -> Optional[str]:
    """Where a Neo4j store's API audit entries and owner notifications wait, durably, to be
    written to Neo4j (store/neo4j/outbox.py): GRAPHSVC_OUTBOX (a file; "off": none, each request
    then commits them to Neo4j before answering), else beside the local key files."""
    configured = os.environ.get("GRAPHSVC_OUTBOX")
    if configured:
        return None if configured.strip().lower() == "off" else configured
    return f"{db}.outbox" if db is not None else None


def read_cache_poll() -> Optional[float]:
    """How often a Neo4j store checks whether the database changed, dropping the entity reads,
    kinds and family links it keeps when it did (store/neo4j/read_cache.py): GRAPHSVC_READ_CACHE_POLL seconds (default 0.1;
    "off" or 0: keep nothing, read Neo4j every time). Writes through this process drop them at once."""
    configured = (os.environ.get("GRAPHSVC_READ_CACHE_POLL") or "0.1").strip().lower()
    if configured == "off":
        return None
    try:
        seconds = float(configured)
    except ValueError:
        raise ValueError(f"GRAPHSVC_READ_CACHE_POLL must be a number of seconds or off, not {configured!r}") from None
    if seconds < 0 or not math.isfinite(seconds):
        raise ValueError(f"GRAPHSVC_READ_CACHE_POLL must be a finite number of seconds, not negative, not {configured!r}")
    return seconds or None

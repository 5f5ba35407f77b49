"""Stores: the GraphStore port and its adapters."""

from __future__ import annotations

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
    path given with kind neo4j is not where the data is (callers keep their key files beside it).
    """
    if store_kind(db_or_uri, kind) == "embedded":
        if db_or_uri is None:
            raise ValueError("the embedded store needs a database file path")
        return EmbeddedStore(db_or_uri)
    from .neo4j import Neo4jStore  # only now: the embedded default needs neither the driver nor cypher/

    uri = str(db_or_uri) if isinstance(db_or_uri, str) and db_or_uri.lower().startswith(_URI_SCHEMES) else os.environ.get("NEO4J_URI")
    if not uri:
        raise ValueError("the neo4j store needs a URI: set NEO4J_URI (e.g. bolt://localhost:7687) or pass one")
    return Neo4jStore(
        uri,
        user=user if user is not None else os.environ.get("NEO4J_USER") or None,
        password=password if password is not None else os.environ.get("NEO4J_PASSWORD"),
        database=database or os.environ.get("NEO4J_DATABASE") or "neo4j",
    )

"""Stores: the GraphStore port and its adapters."""

from __future__ import annotations

from pathlib import Path

from .base import GraphStore, StoreUnavailable
from .embedded import EmbeddedStore

__all__ = ["GraphStore", "StoreUnavailable", "EmbeddedStore", "open_store"]


def open_store(db: str | Path) -> GraphStore:
    return EmbeddedStore(db)

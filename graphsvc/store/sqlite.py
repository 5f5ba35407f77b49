"""The embedded store's SQLite file: opened one way (connect), and the writes that both the
store and its log-writer process (log_writer.py) make into it: assertions' rows and sealed
audit entries."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from .. import audit
from ..model import format_time
from . import sql


def connect(path: str | Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    # FULL: an acknowledged write, and every audit entry, is on disk (through a power cut)
    # before we say so. Never lowered: audit entries share their commits (GroupCommit) instead.
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    # Index pages stay in memory during bulk imports (ids are hashes, so inserts are random).
    db.execute("PRAGMA cache_size=-262144")
    db.execute("PRAGMA temp_store=MEMORY")
    db.executescript(sql.SCHEMA + sql.TRIGGERS)
    return db


def seal_into(db: sqlite3.Connection, entries: list[dict]) -> list[dict]:
    """Seal the entries after the log's head and store them, in the caller's transaction (which
    holds the write lock, so the head cannot move): as few statements as the entries need, one
    per entry and one executemany for the ids each names. Also run by log_writer's process."""
    stored = audit.seal_after(entries, db.execute(sql.AUDIT_HEAD).fetchone())
    for sealed in stored:
        db.execute(sql.INSERT_AUDIT, tuple(json.dumps(sealed[c]) if c in ("roles", "returned") else sealed[c] for c in sql.AUDIT_COLUMNS))
        db.executemany(sql.INSERT_AUDIT_RETURNED, ((sealed["seq"], i) for i in sealed["returned"]))
    return stored


def rows_of(fields: Iterable[tuple[Any, ...]]) -> Iterator[tuple[object, ...]]:
    """SQLite rows from assertions' fields (sql.FIELDS: the columns' attributes, in their order),
    spelled out: this runs once per assertion on bulk import. A record's assertions share their
    times, so each distinct time is formatted once."""
    texts = TimeTexts({None: None})
    dumps = json.dumps
    for (id_, subject, predicate, obj, value, role, valid_from, valid_to, recorded_at, recorded_by, agency, source_ref,
         method, status, reliability, confidence, scope, handling, supersedes, retraction, notify_owner) in fields:
        yield (
            id_, subject, predicate, obj, None if value is None else dumps(value), role,
            texts[valid_from], texts[valid_to], texts[recorded_at], recorded_by, agency,
            source_ref, method, status, reliability, confidence, scope, handling,
            supersedes, int(retraction), int(notify_owner),
        )


class TimeTexts(dict[Optional[datetime], Optional[str]]):
    """datetime -> format_time text, each distinct time formatted once."""

    def __missing__(self, value: datetime) -> Optional[str]:
        text = self[value] = format_time(value)
        return text

"""Bulk import of a JSON Lines file: all of it or none of it."""

from __future__ import annotations

import io
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from . import export, heap
from .ingest import IngestError, RecordError, prepared, read_jsonl
from .store.base import GraphStore

PROGRESS_BYTES = 4 * 1024 * 1024  # below this a file imports too fast for a bar to help


@dataclass(frozen=True)
class ImportResult:
    records: int
    written: int  # new assertions; re-imported ones are skipped
    audited: bool = False  # the audit entry given was committed with the assertions


def _lines(handle: IO[str], total: int, show: bool) -> Iterator[str]:
    if not show:
        yield from handle
        return
    columns = (TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("import", total=total)
        for line in handle:
            progress.advance(task, len(line.encode()))
            yield line


def import_file(store: GraphStore, path: str | Path, progress: bool | None = None, exports: bool = True, audit_entry: dict | None = None) -> ImportResult:
    """Read, validate and append every line in one transaction, a chunk at a time
    (ingest.prepared -> GraphStore.append_all).

    Raises IngestError naming every bad line and field; the store is then unchanged.
    exports: False refuses a file written by `graphsvc export` (an initial load takes new
    records only). audit_entry: committed with the assertions, naming them (GraphStore.append);
    not for an export file, which is restored with its own audit log.
    """
    with heap.paused(sweep=True):
        return _import_file(store, path, progress, exports, audit_entry)


def _import_file(store: GraphStore, path: str | Path, progress: bool | None, exports: bool, audit_entry: dict | None = None) -> ImportResult:
    path = Path(path)
    size = path.stat().st_size
    show = progress if progress is not None else (size >= PROGRESS_BYTES and sys.stderr.isatty())
    unreadable: list[RecordError] = []
    with io.open(path, encoding="utf-8", errors="strict") as handle:
        try:
            rows = read_jsonl(_lines(handle, size, show), unreadable)
            first = next(rows, None)
            if first is not None and isinstance(first[1], dict) and first[1].get("type") in export.TYPES:
                if not exports:
                    raise IngestError([RecordError(first[0], "$.type", "a file written by `graphsvc export` is restored with `graphsvc import`, not loaded")])
                return _restore(store, [first, *rows], unreadable)
            counted = _Counted(itertools.chain([first] if first else [], rows))
            # Read, validated and written a chunk at a time; an error anywhere raises out of
            # append_all and nothing is kept.
            if audit_entry is not None:
                written = store.append_all(prepared(counted, store, unreadable=unreadable), audit_entry)
            else:  # a sink that keeps no log (initial_load.LoadFiles)
                written = store.append_all(prepared(counted, store, unreadable=unreadable))
        except UnicodeDecodeError as exc:
            raise IngestError([RecordError(0, "$", f"file is not UTF-8: {exc.reason} at byte {exc.start}")]) from None
    return ImportResult(records=counted.count, written=written, audited=audit_entry is not None)


def _restore(store: GraphStore, rows: list[tuple[int, Any]], unreadable: list[RecordError]) -> ImportResult:
    """A file written by `graphsvc export` (its first record says so): restored verbatim."""
    if unreadable:
        raise IngestError(unreadable)
    mixed = next((line for line, r in rows if not (isinstance(r, dict) and r.get("type") in export.TYPES)), None)
    if mixed is not None:
        raise IngestError([RecordError(mixed, "$.type", "an export file cannot be mixed with new records")])
    return ImportResult(records=len(rows), written=export.restore(store, rows))


class _Counted(Iterator[tuple[int, Any]]):
    def __init__(self, rows: Iterator[tuple[int, Any]]):
        self.rows, self.count = rows, 0

    def __next__(self) -> tuple[int, Any]:
        row = next(self.rows)
        self.count += 1
        return row


def import_records(store: GraphStore, records: list[dict], audit_entry: dict | None = None) -> ImportResult:
    """Import records already in memory (demo data, tests); with audit_entry as import_file."""
    with heap.paused():
        chunks = prepared(enumerate(records, start=1), store)
        written = store.append_all(chunks, audit_entry) if audit_entry is not None else store.append_all(chunks)
        return ImportResult(records=len(records), written=written, audited=audit_entry is not None)

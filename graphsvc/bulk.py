"""Bulk import of a JSON Lines file: all of it or none of it."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from . import export, heap
from .ingest import IngestError, RecordError, prepare, read_jsonl
from .store.base import GraphStore

PROGRESS_BYTES = 4 * 1024 * 1024  # below this a file imports too fast for a bar to help


@dataclass(frozen=True)
class ImportResult:
    records: int
    written: int  # new assertions; re-imported ones are skipped


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


def import_file(store: GraphStore, path: str | Path, progress: bool | None = None) -> ImportResult:
    """Validate every line, then append everything in one transaction.

    Raises IngestError naming every bad line and field; the store is then unchanged.
    """
    with heap.paused():
        return _import_file(store, path, progress)


def _import_file(store: GraphStore, path: str | Path, progress: bool | None) -> ImportResult:
    path = Path(path)
    size = path.stat().st_size
    show = progress if progress is not None else (size >= PROGRESS_BYTES and sys.stderr.isatty())
    errors: list[RecordError] = []
    with io.open(path, encoding="utf-8", errors="strict") as handle:
        try:
            rows = list(read_jsonl(_lines(handle, size, show), errors))
        except UnicodeDecodeError as exc:
            raise IngestError([RecordError(0, "$", f"file is not UTF-8: {exc.reason} at byte {exc.start}")]) from None
    exported = [r for r in rows if isinstance(r[1], dict) and r[1].get("type") in export.TYPES]
    if exported and not errors:
        # A file written by `graphsvc export`: restore it verbatim.
        if len(exported) != len(rows):
            raise IngestError([RecordError(next(line for line, r in rows if not (isinstance(r, dict) and r.get("type") in export.TYPES)), "$.type",
                                           "an export file cannot be mixed with new records")])
        return ImportResult(records=len(rows), written=export.restore(store, exported))
    try:
        assertions = prepare(rows, store)
    except IngestError as exc:
        errors.extend(exc.errors)
    if errors:  # every error in the file, not only the first
        raise IngestError(sorted(errors, key=lambda e: e.line))
    return ImportResult(records=len(rows), written=store.append(assertions))


def import_records(store: GraphStore, records: list[dict]) -> ImportResult:
    """Import records already in memory (demo data, tests)."""
    with heap.paused():
        assertions = prepare(enumerate(records, start=1), store)
        return ImportResult(records=len(records), written=store.append(assertions))

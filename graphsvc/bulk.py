"""Bulk import of a JSON Lines file: all of it or none of it."""

from __future__ import annotations

import io
import itertools
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Optional, Sequence

import orjson

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from . import export, heap
from .ingest import IngestError, RecordError, prepared, read_jsonl
from .model import Assertion, Chunk
from .store.base import GraphStore

PROGRESS_BYTES = 4 * 1024 * 1024  # below this a file imports too fast for a bar to help


@dataclass(frozen=True)
class ImportResult:
    records: int
    written: int  # new assertions; re-imported ones are skipped
    audited: bool = False  # the audit entry given was committed with the assertions
    kinds: dict[str, int] = field(default_factory=dict)  # records by type ("correction": an assertion that supersedes)
    present: int = 0  # assertions the records made that were stored already (skipped)


class IdsFile:
    """Where each assertion an import stands for went: one JSON object a line, {"agency",
    "source_ref", "id", "subject", "predicate", "new"} (new: false for one stored by an earlier
    import), a chunk of records at a time: those stored already, then the new ones in the order
    written. Written as the chunks go to the store, into a
    file beside `path` that becomes `path` only once the import has committed: the file never
    names an assertion that is not stored, and a failed import leaves no such file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.partial")
        self.out = open(self.partial, "wb")
        self.rows = 0

    def write(self, assertions: Iterable[Assertion], new: bool) -> None:
        dumps = orjson.dumps
        lines = [dumps({"agency": a.agency, "source_ref": a.source_ref, "id": a.id, "subject": a.subject, "predicate": a.predicate, "new": new})
                 for a in assertions]
        if lines:
            self.out.write(b"\n".join(lines) + b"\n")
            self.rows += len(lines)

    def passing(self, chunks: Iterable[Chunk]) -> Iterator[Chunk]:
        """The chunks, each written down as it is handed on to the store."""
        for chunk in chunks:
            self.write(chunk, True)
            yield chunk

    def commit(self) -> None:
        self.out.close()
        os.replace(self.partial, self.path)

    def discard(self) -> None:
        self.out.close()
        self.partial.unlink(missing_ok=True)


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


def import_file(store: GraphStore, path: str | Path, progress: bool | None = None, exports: bool = True, audit_entry: dict | None = None,
                ids: str | Path | None = None) -> ImportResult:
    """Read, validate and append every line in one transaction, a chunk at a time
    (ingest.prepared -> GraphStore.append_all).

    Raises IngestError naming every bad line and field; the store is then unchanged.
    exports: False refuses a file written by `graphsvc export` (an initial load takes new
    records only). audit_entry: committed with the assertions, naming them (GraphStore.append);
    not for an export file, which is restored with its own audit log. ids: a file to write
    the assertions' ids to (IdsFile), there only if the import succeeds.
    """
    out = IdsFile(ids) if ids is not None else None
    try:
        with heap.paused(sweep=True):
            result = _import_file(store, path, progress, exports, audit_entry, out)
    except BaseException:
        if out is not None:
            out.discard()
        raise
    if out is not None:
        out.commit()
    return result


def _import_file(store: GraphStore, path: str | Path, progress: bool | None, exports: bool, audit_entry: dict | None = None,
                 ids: Optional[IdsFile] = None) -> ImportResult:
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
                return _restore(store, [first, *rows], unreadable, ids)
            counted = _Counted(itertools.chain([first] if first else [], rows))
            present = _Present(ids)
            # Read, validated and written a chunk at a time; an error anywhere raises out of
            # append_all and nothing is kept.
            chunks: Iterable[Chunk] = prepared(counted, store, unreadable=unreadable, present=present)
            if ids is not None:
                chunks = ids.passing(chunks)
            if audit_entry is not None:
                written = store.append_all(chunks, audit_entry)
            else:  # a sink that keeps no log (initial_load.LoadFiles)
                written = store.append_all(chunks)
        except UnicodeDecodeError as exc:
            raise IngestError([RecordError(0, "$", f"file is not UTF-8: {exc.reason} at byte {exc.start}")]) from None
    return ImportResult(records=counted.count, written=written, audited=audit_entry is not None, kinds=counted.kinds, present=present.count)


def _restore(store: GraphStore, rows: list[tuple[int, Any]], unreadable: list[RecordError], ids: Optional[IdsFile] = None) -> ImportResult:
    """A file written by `graphsvc export` (its first record says so): restored verbatim."""
    if unreadable:
        raise IngestError(unreadable)
    mixed = next((line for line, r in rows if not (isinstance(r, dict) and r.get("type") in export.TYPES)), None)
    if mixed is not None:
        raise IngestError([RecordError(mixed, "$.type", "an export file cannot be mixed with new records")])
    kinds: dict[str, int] = {}
    for _, r in rows:
        kinds[r["type"]] = kinds.get(r["type"], 0) + 1
    restored = [r["id"] for _, r in rows if r["type"] == "stored_assertion" and isinstance(r.get("id"), str)]
    stored = store.assertions(restored, None)
    export.restore(store, rows)  # (its count includes decisions, audit entries and the like)
    if ids is not None:
        shown = store.assertions(restored, None)
        ids.write([stored[i] for i in restored if i in stored], False)
        ids.write([shown[i] for i in restored if i not in stored and i in shown], True)
    return ImportResult(records=len(rows), written=len(set(restored) - stored.keys()), kinds=kinds, present=len(stored))


class _Counted(Iterator[tuple[int, Any]]):
    """The rows, counted, and their records by type (a correction apart from other assertions)."""

    def __init__(self, rows: Iterator[tuple[int, Any]]):
        self.rows, self.count = rows, 0
        self.kinds: dict[str, int] = {}

    def __next__(self) -> tuple[int, Any]:
        row = next(self.rows)
        self.count += 1
        record = row[1]
        kind = record.get("type") if type(record) is dict else None
        if type(kind) is str:  # only well-formed ones: an import that counts the others fails
            if kind == "assertion" and "supersedes" in record:
                kind = "correction"
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
        return row


class _Present:
    """Told by ingest.prepared of the assertions stored already: counted, and written down."""

    def __init__(self, ids: Optional[IdsFile]):
        self.ids, self.count = ids, 0

    def __call__(self, assertions: Sequence[Assertion]) -> None:
        self.count += len(assertions)
        if self.ids is not None:
            self.ids.write(assertions, False)


def import_records(store: GraphStore, records: list[dict], audit_entry: dict | None = None) -> ImportResult:
    """Import records already in memory (demo data, tests); with audit_entry as import_file."""
    with heap.paused():
        counted = _Counted(enumerate(records, start=1))
        present = _Present(None)
        chunks = prepared(counted, store, present=present)
        written = store.append_all(chunks, audit_entry) if audit_entry is not None else store.append_all(chunks)
        return ImportResult(records=len(records), written=written, audited=audit_entry is not None, kinds=counted.kinds, present=present.count)

"""The embedded store's assertions saved beside its SQLite file as ready rows, so opening a
large store reads one file instead of decoding millions of rows from SQLite.

SQLite stays the truth; a snapshot is only a faster way to read a prefix of it. It names the
last row it holds (seq and assertion id) and is used only while the log still holds that
assertion at that seq: the log is append-only, so every row before it is the same. Rows
appended since are read from SQLite. It also counts its rows, and is not used if the log
holds more up to that seq (a writer that missed rows another process appended). A snapshot
that is missing, of another format, damaged or not matching is ignored (the store opens from
SQLite) and replaced at the next save.

Format: a magic line, then records, each its length, its CRC-32 and a marshal dump: a header
dict, lists of rows (CHUNK at a time, so neither writing nor reading holds every row twice),
and None as the end mark. marshal, not pickle: reading it runs no code. Within one record a
string shared in memory is written once and read back shared: a smaller file, a faster load.
"""

from __future__ import annotations

import marshal
import os
import struct
import zlib
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Optional

MAGIC = b"graphsvc assertions snapshot 2\n"
CHUNK = 50_000

Row = tuple[Any, ...]
_HEAD = struct.Struct("<QI")  # length, CRC-32 of the record


def _write(out: IO[bytes], value: Any) -> None:
    data = marshal.dumps(value)
    out.write(_HEAD.pack(len(data), zlib.crc32(data)))
    out.write(data)


def _read(handle: IO[bytes]) -> Any:
    head = handle.read(_HEAD.size)
    if len(head) != _HEAD.size:
        raise EOFError("the file ends early")
    length, crc = _HEAD.unpack(head)
    data = handle.read(length)
    if len(data) != length:
        raise EOFError("the file ends early")
    if zlib.crc32(data) != crc:
        raise ValueError("a record does not match its checksum")
    return marshal.loads(data)


def path_for(db: str | Path) -> Path:
    return Path(f"{db}.snapshot")


def save(db: str | Path, last_seq: int, last_id: str, count: int, rows: Iterable[Row]) -> int:
    """Write the `count` rows (in log order, ending with the row at last_seq) atomically: a
    crash leaves the previous snapshot or none, never part of one. Returns the rows written."""
    target = path_for(db)
    partial = target.with_name(target.name + ".partial")
    written = 0
    with open(partial, "wb") as out:
        out.write(MAGIC)
        _write(out, {"last_seq": last_seq, "last_id": last_id, "rows": count})
        chunk: list[Row] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                _write(out, chunk)
                written += len(chunk)
                chunk = []
        _write(out, chunk)
        written += len(chunk)
        _write(out, None)
        out.flush()
        os.fsync(out.fileno())
    if written != count:
        partial.unlink()
        raise ValueError(f"{written} rows given, {count} announced")
    os.replace(partial, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return written


class Snapshot:
    """An open snapshot: its header, then its rows chunk by chunk (`chunks` raises
    SnapshotDamaged if the file ends before its end mark or holds something else)."""

    def __init__(self, handle: IO[bytes], header: dict[str, Any]):
        self._handle = handle
        self.last_seq: int = header["last_seq"]
        self.last_id: str = header["last_id"]
        self.rows: int = header["rows"]

    def chunks(self) -> Iterator[list[Row]]:
        try:
            while True:
                chunk = _read(self._handle)
                if chunk is None:
                    return
                if not isinstance(chunk, list):
                    raise SnapshotDamaged("a record that is not a list of rows")
                yield chunk
        except (EOFError, ValueError, TypeError) as exc:
            raise SnapshotDamaged(str(exc)) from None

    def close(self) -> None:
        self._handle.close()


class SnapshotDamaged(Exception):
    pass


def open_snapshot(db: str | Path) -> Optional[Snapshot]:
    """The snapshot beside `db`, or None if there is none or it is not one we can read."""
    try:
        handle = open(path_for(db), "rb")
    except OSError:
        return None
    try:
        header = _read(handle) if handle.read(len(MAGIC)) == MAGIC else None
    except (EOFError, ValueError, TypeError):
        header = None
    if not (isinstance(header, dict) and isinstance(header.get("last_seq"), int) and isinstance(header.get("last_id"), str)
            and isinstance(header.get("rows"), int)):
        handle.close()
        return None
    return Snapshot(handle, header)


def remove(db: str | Path) -> None:
    path_for(db).unlink(missing_ok=True)

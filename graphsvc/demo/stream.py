"""The demo's records in dependency order, as a lazy stream or a JSON Lines file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Iterator, Optional

from . import events, planted_patterns as planted, population
from .records import Generator

# The stream's parts in order, each with whether it draws from the planted patterns' random stream.
PARTS = (
    (False, population.agencies), (True, planted.contexts), (False, population.contexts), (True, planted.people),
    (False, population.families), (False, population.links), (True, planted.events), (False, events.background),
    (True, planted.changes), (False, population.changes),
)


def records(gen: Generator) -> Iterator[dict[str, Any]]:
    for planted_mode, part in PARTS:
        gen.planted_mode = planted_mode
        yield from part(gen)


def count_assertions(record: dict[str, Any]) -> int:
    """How many assertions a record becomes on import (entity: kind + attribute values; event: kind
    + attributes incl. occurred_on/ended_on + participants + found_at + found_with + occurred_at)."""
    t = record["type"]
    if t in ("assertion", "retraction"):
        return 1
    n = 1 + sum(len(v) if isinstance(v, list) else 1 for v in record.get("attributes", {}).values())
    if t == "event":
        n += ("occurred_on" in record) + ("ended_on" in record) + ("occurred_at" in record)
        n += len(record.get("participants", ())) + len(record.get("found_at", ())) + len(record.get("found_with", ()))
    return n


def generate(scale: str = "small", seed: int = 7, now: Optional[datetime] = None) -> Iterator[dict[str, Any]]:
    """Yield JSON-ready records in dependency order (an entity before anything refers to it; a
    correction after the assertion it corrects). Lazy: nothing is generated until iterated."""
    return records(Generator(scale, seed, now))


def write(path_or_file: "str | Path | IO[str]", scale: str = "small", seed: int = 7, now: Optional[datetime] = None) -> int:
    """Write the records as JSON Lines to a path or an open text file; return how many."""
    if isinstance(path_or_file, (str, Path)):
        with open(path_or_file, "w", encoding="utf-8", newline="\n") as f:
            return write(f, scale, seed, now)
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    out, buf, n = path_or_file, [], 0
    for record in generate(scale, seed, now):
        buf.append(dumps(record))
        if len(buf) == 4096:
            out.write("\n".join(buf) + "\n")
            n += len(buf)
            buf.clear()
    if buf:
        out.write("\n".join(buf) + "\n")
        n += len(buf)
    return n

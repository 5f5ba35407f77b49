"""The checked-in contracts under schema/, generated from the code that defines them."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import records, vocabulary


def _sdl() -> str:
    from .api.schema import schema

    return schema.as_str() + "\n"


CONTRACTS: dict[str, Callable[[], str]] = {
    "vocabulary.json": vocabulary.to_json,
    "record.schema.json": records.to_json,
    "schema.graphql": _sdl,
}


def write_contracts(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in CONTRACTS.items():
        path = directory / name
        path.write_text(render(), encoding="utf-8")
        written.append(path)
    return written

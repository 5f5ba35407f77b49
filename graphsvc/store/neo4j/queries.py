"""The Neo4j store's queries: the Cypher files of the package graphsvc.cypher (the
repository's cypher/ folder, mapped into the package by pyproject.toml), loaded by name once.

The shared rules (which assertions a reader may see, which are current) are written once in
fragments/ and spliced into the query files as they are loaded: ``{{ current(a) }}`` in a
query file becomes the text of fragments/current.cypher with ``@`` replaced by ``a``. Only file
text is ever spliced into file text, never input.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_MACRO = re.compile(r"\{\{\s*(\w+)\(\s*(\w*)\s*\)\s*\}\}")
_SUFFIX = ".cypher"


def cypher_folder() -> Traversable:
    """The Cypher files: graphsvc.cypher's package data, wherever graphsvc is installed. A
    source checkout put on sys.path without installing it has no graphsvc.cypher to import:
    there, the folder pyproject.toml maps to it, beside the package."""
    try:
        return resources.files("graphsvc.cypher")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[3] / "cypher"


def _read(file: Traversable) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuntimeError(f"cannot read the Cypher file {file} (graphsvc.cypher, installed with the package): {exc}") from None


def _files(folder: Traversable) -> dict[str, Traversable]:
    """name -> file, of the folder's .cypher files, in name order."""
    try:
        found = sorted((f for f in folder.iterdir() if f.name.endswith(_SUFFIX)), key=lambda f: f.name)
    except OSError as exc:
        raise RuntimeError(f"cannot list the Cypher files in {folder} (graphsvc.cypher, installed with the package): {exc}") from None
    return {f.name[:-len(_SUFFIX)]: f for f in found}


def _expand(text: str, fragments: dict[str, str], depth: int = 0) -> str:
    """Splice fragment files into query text: {{ name(var) }} -> (fragment with @ as var)."""
    if depth > 10:
        raise RuntimeError("Cypher fragments nest too deeply (a fragment includes itself?)")

    def splice(match: re.Match[str]) -> str:
        name, var = match.group(1), match.group(2)
        if name not in fragments:
            raise RuntimeError(f"unknown Cypher fragment {name!r} (no fragments/{name}{_SUFFIX})")
        return "(\n" + _expand(fragments[name].replace("@", var), fragments, depth + 1) + "\n)" if var else _expand(fragments[name], fragments, depth + 1)

    return _MACRO.sub(splice, text)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip()


def _load() -> tuple[dict[str, str], list[tuple[str, str]]]:
    folder = cypher_folder()
    fragments = {name: _strip_comments(_read(f)) for name, f in _files(folder / "fragments").items()}
    queries = {name: _expand(_read(f), fragments).strip() for name, f in _files(folder).items() if name != "constraints"}
    constraints = []
    for statement in (s.strip() for s in _strip_comments(_read(folder / "constraints.cypher")).split(";")):
        if statement:
            name = re.match(r"CREATE\s+(?:CONSTRAINT|(?:TEXT\s+|RANGE\s+|POINT\s+)?INDEX)\s+(\w+)", statement)
            if name is None:
                raise RuntimeError(f"constraints.cypher: every statement must create a named index or constraint: {statement[:80]}")
            constraints.append((name.group(1), statement))
    return queries, constraints


QUERIES, CONSTRAINTS = _load()

"""The container image's build context: what the Dockerfile copies is let in by .dockerignore,
and stores, keys and the tests' jars are kept out. (No Docker engine here: the rules are read as
Docker reads them, last matching pattern wins, `!` lets a path back in.)"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = "".join(".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part)
                        for part in re.split(r"(\*\*|\*)", pattern))
        rules.append((keep, re.compile(regex.replace(".*/", "(?:.*/)?"))))
    return rules


def ignored(path: str) -> bool:
    """Whether Docker leaves `path` out: a pattern matching the path or a folder above it."""
    parts = path.strip("/").split("/")
    out = False
    for keep, rule in _rules():
        if any(rule.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            out = not keep
    return out


def copied_sources() -> list[str]:
    sources = []
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("COPY "):
            words = shlex.split(line)
            sources += [w for w in words[1:-1] if not w.startswith("--")]
    return sources


def test_the_dockerfile_copies_something():
    assert set(copied_sources()) >= {"graphsvc", "cypher", "pyproject.toml"}


@pytest.mark.parametrize("source", copied_sources())
def test_what_the_dockerfile_copies_is_in_the_context(source):
    assert not ignored(source)
    for path in (ROOT / source).rglob("*.py") if (ROOT / source).is_dir() else [ROOT / source]:
        rel = path.relative_to(ROOT).as_posix()
        assert "__pycache__" in rel or not ignored(rel), rel


@pytest.mark.parametrize("path", ["graphsvc.db", "data/graphsvc.db-wal", "graphsvc/x.key", "graphsvc/__pycache__/a.pyc",
                                  "tests/neo4j/deps/neo4j-5.26.jar", "tests/test_api.py", ".git/config", "docs/benchmarks/x.md"])
def test_stores_keys_jars_and_tests_stay_out(path):
    assert ignored(path)

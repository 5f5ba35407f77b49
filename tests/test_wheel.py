"""The wheel that `pip install .` builds (the Dockerfile's install) stands on its own: it holds
every module and the Cypher files, and graphsvc installed from it, in a new virtual environment
and run outside the repository, imports a file into Neo4j, exports it and verifies its audit log.

The venv sees the system's site-packages for the dependencies (pip installs with no index:
the machine has no wheels of them to install from); graphsvc itself must come from the wheel,
which the test checks rather than assumes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import records as r
from conftest import need_neo4j
from test_image import ROOT, copied_sources

pytestmark = [pytest.mark.slow, pytest.mark.neo4j]


def _run(argv: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{argv}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(the source the wheel was built from: what the Dockerfile copies, the wheel)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in copied_sources():
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", work / "dist", source])
    (wheel,) = (work / "dist").glob("graphsvc-*.whl")
    return source, wheel


def test_the_wheel_holds_every_module_and_every_cypher_file(built):
    source, wheel = built
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(source).as_posix() for p in (source / "graphsvc").rglob("*.py")}
    assert modules and modules <= names, sorted(modules - names)
    cypher = {f"graphsvc/cypher/{p.relative_to(source / 'cypher').as_posix()}" for p in (source / "cypher").rglob("*.cypher")}
    assert "graphsvc/cypher/fragments/current.cypher" in cypher and cypher <= names, sorted(cypher - names)


def test_graphsvc_from_the_wheel_imports_into_neo4j_and_reads_it_back(built, tmp_path, neo4j_for_tests):
    n4 = need_neo4j(neo4j_for_tests)
    n4.empty()
    _, wheel = built
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", venv])
    python, graphsvc = venv / "bin" / "python", venv / "bin" / "graphsvc"
    _run([python, "-m", "pip", "install", "--no-index", "--no-cache-dir", "--disable-pip-version-check", "-q", wheel])

    # Outside the repository, with nothing on PYTHONPATH: the checkout cannot stand in for the wheel.
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRAPHSVC_OUTBOX")}
    if n4.server is not None:  # the suite's own server takes no credentials
        env = {k: v for k, v in env.items() if k not in ("NEO4J_USER", "NEO4J_PASSWORD")}
    env.update(GRAPHSVC_STORE="neo4j", NEO4J_URI=n4.uri, NEO4J_DATABASE=n4.database, GRAPHSVC_DB=str(tmp_path / "keys" / "graphsvc.db"))
    (tmp_path / "keys").mkdir()
    found = _run([python, "-c", "import graphsvc; print(graphsvc.__file__)"], cwd=away, env=env).stdout.strip()
    assert Path(found).resolve().is_relative_to(venv.resolve()), found

    data = away / "records.jsonl"
    data.write_text("".join(json.dumps(record) + "\n" for record in (
        r.entity("child-w1", "child", attributes={"name": "Wheel Test Child"}),
        r.entity("school-w1", "school"),
        r.link("child-w1", "attends", "school-w1"),
    )), encoding="utf-8")
    imported = _run([graphsvc, "import", data, "--no-progress"], cwd=away, env=env)
    assert "3 records" in imported.stdout, imported.stdout

    exported = [json.loads(line) for line in _run([graphsvc, "export"], cwd=away, env=env).stdout.splitlines()]
    about_child = {(e.get("predicate"), json.dumps(e.get("value") or e.get("object"))) for e in exported if e.get("subject") == "child-w1"}
    assert {("kind", '"child"'), ("name", '"Wheel Test Child"'), ("attends", '"school-w1"')} <= about_child, exported

    verified = _run([graphsvc, "audit", "verify"], cwd=away, env=env)
    assert verified.stdout.startswith("audit log intact: 2 entries"), verified.stdout  # the import's and the export's

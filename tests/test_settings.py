"""One settings table (graphsvc/settings.py): every variable the code reads is declared there
or in the README's table of test-harness variables, the README's settings table is the one
`graphsvc settings` prints, and a bad value stops a command with one message naming it."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graphsvc.settings import BY_NAME, SETTINGS, SettingError, Settings, table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NAME = re.compile(r"\b(?:GRAPHSVC|NEO4J)_[A-Z0-9_]*[A-Z0-9]\b")
# Modules that may read the environment themselves: the settings, the crash-test fault points
# (a harness variable, read before anything else runs), and tooling outside the service.
READ_ENVIRONMENT = {"graphsvc/settings.py", "graphsvc/faults.py", "graphsvc/bench/load.py", "graphsvc/bench/repeats.py"}


def _sources(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".mjs", ".java") and "node_modules" not in p.parts)


def _harness_table() -> set[str]:
    section = README[README.index("The test suite and the tools around it read a few more"):]
    rows = [line for line in section.splitlines()[3:] if line.startswith("|")]
    return {name for row in rows for name in NAME.findall(row.split("|")[1])}


def test_the_readme_settings_table_is_the_declared_one():
    assert table() in README


def test_every_variable_the_code_names_is_declared_once():
    named = {(str(p.relative_to(ROOT)), n) for folder in ("graphsvc", "tests") for p in _sources(folder)
             for n in NAME.findall(p.read_text(encoding="utf-8"))}
    harness = _harness_table()
    # Names that are not our variables: a test's list of fault points, and the Neo4j image's own.
    not_variables = {"NEO4J_IMPORT_POINTS", "NEO4J_HOME", "NEO4J_CONF", "NEO4J_AUTH"}
    unknown = {(where, n) for where, n in named if n not in BY_NAME and n not in harness and n not in not_variables}
    assert not unknown, f"declare these in graphsvc/settings.py or the README's harness table: {sorted(unknown)}"
    # NEO4J_URI alone is both: the suite tests against the server it names, as the service would.
    assert harness & set(BY_NAME) == {"NEO4J_URI"}, "a variable is a setting or a harness variable, not both"


def test_only_the_settings_module_reads_the_environment():
    readers = set()
    for path in (ROOT / "graphsvc").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and getattr(node.value, "id", None) == "os":
                readers.add(str(path.relative_to(ROOT)))
    # log_writer passes the environment on to the process it starts, reading nothing from it.
    assert readers - READ_ENVIRONMENT - {"graphsvc/store/log_writer.py"} == set()


@pytest.mark.parametrize("name, value, says", [
    ("GRAPHSVC_STORE", "mongo", "must be one of embedded, neo4j, not 'mongo'"),
    ("GRAPHSVC_READ_CACHE_POLL", "soon", "must be a number of seconds or off, not 'soon'"),
    ("GRAPHSVC_SNAPSHOT_AFTER", "many", "must be a whole number, not 'many'"),
    ("GRAPHSVC_SNAPSHOT_AFTER", "0", "must be at least 1, not '0'"),
    ("GRAPHSVC_REQUEST_SECONDS", "0", "must be more than 0 seconds, not '0'"),
    ("GRAPHSVC_PSEUDONYM_KEY", "not hex", "must be hex"),
    ("GRAPHSVC_PSEUDONYM_KEY", "00" * 8, "must be at least 16 bytes (32 hex digits)"),
])
def test_a_bad_value_is_named_once_at_start_up(tmp_path, name, value, says):
    with pytest.raises(SettingError, match=re.escape(f"{name} {says}")) as caught:
        Settings.from_env({name: value})
    assert caught.value.name == name
    if BY_NAME[name].secret:
        assert value not in str(caught.value)  # a secret's value is never repeated
    env = {**os.environ, name: value}
    done = subprocess.run([sys.executable, "-m", "graphsvc.cli", "serve", "--db", str(tmp_path / "s.db")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and f"graphsvc: {name} {says}" in done.stderr, done.stderr
    assert not list(tmp_path.iterdir())  # stopped before anything was made


def test_defaults_and_the_command_line_over_the_environment():
    s = Settings.from_env({})
    assert {x.name: s[x.name] for x in SETTINGS} == {x.name: x.default for x in SETTINGS}
    assert Settings.from_env({"GRAPHSVC_READ_CACHE_POLL": "off", "GRAPHSVC_OUTBOX": "OFF"})["GRAPHSVC_READ_CACHE_POLL"] is None
    assert s.with_(GRAPHSVC_REQUEST_SECONDS=2.5)["GRAPHSVC_REQUEST_SECONDS"] == 2.5
    with pytest.raises(KeyError):
        s.with_(NOT_A_SETTING=1)

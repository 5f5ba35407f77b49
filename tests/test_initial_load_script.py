"""scripts/neo4j-initial-load, the docker compose load command: the order of its docker calls
and what it mounts. Docker is the outside boundary here (no Docker engine on the test
machine), so a stand-in `docker` on PATH records its arguments and can fail on request."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "neo4j-initial-load"

FAKE_DOCKER = """#!/bin/sh
printf '%s\\n' "$*" >> "$DOCKER_CALLS"
case "$2" in "$DOCKER_FAILS") echo "import failed: duplicate id" >&2; exit 3;; esac
exit 0
"""


@pytest.fixture
def docker(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "docker"
    fake.write_text(FAKE_DOCKER)
    fake.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "DOCKER_CALLS": str(tmp_path / "calls"), "DOCKER_FAILS": "none"}


def load_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "load dir"  # a space: the path must reach docker as one argument
    folder.mkdir()
    (folder / "import.args").write_text("--nodes=Assertion=assertions.csv\n")
    return folder


def calls(env: dict[str, str]) -> list[str]:
    return Path(env["DOCKER_CALLS"]).read_text().splitlines()


def test_stops_imports_into_the_compose_volume_and_starts_again(tmp_path, docker):
    folder = load_folder(tmp_path)
    done = subprocess.run([str(SCRIPT), str(folder)], env=docker, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    stop, run, start = calls(docker)
    assert stop == "compose stop graphsvc neo4j"
    assert run.startswith(f"compose run --rm --no-deps -T --volume {folder.resolve()}:/load:ro neo4j sh -c ")
    assert "neo4j-admin database import full --overwrite-destination=true" in run
    assert run.endswith("@import.args neo4j")
    assert start == "compose start neo4j graphsvc"


def test_a_failed_import_still_starts_neo4j_and_fails(tmp_path, docker):
    folder = load_folder(tmp_path)
    done = subprocess.run([str(SCRIPT), str(folder)], env={**docker, "DOCKER_FAILS": "run"},
                          capture_output=True, text=True)
    assert done.returncode == 3
    assert "duplicate id" in done.stderr
    assert calls(docker)[-1] == "compose start neo4j graphsvc"


def test_a_folder_without_import_args_is_refused_before_anything_stops(tmp_path, docker):
    done = subprocess.run([str(SCRIPT), str(tmp_path)], env=docker, capture_output=True, text=True)
    assert done.returncode == 2
    assert "import.args" in done.stderr
    assert not Path(docker["DOCKER_CALLS"]).exists()

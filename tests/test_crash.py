"""A killed import leaves all of the file or none of it: a real process, SIGKILL, reopen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from graphsvc.store import EmbeddedStore
from records import big_file

pytestmark = pytest.mark.slow


def run_import(db, path):
    return subprocess.Popen([sys.executable, "-m", "graphsvc.cli", "import", str(path), "--db", str(db), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_killed_import_leaves_all_or_nothing(tmp_path):
    path = big_file(tmp_path / "big.jsonl")
    full_db = tmp_path / "full.db"
    proc = run_import(full_db, path)
    started = time.monotonic()
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    duration = time.monotonic() - started
    with EmbeddedStore(full_db) as s:
        everything = s.count()
    assert everything == 6000 * 3 + 5999

    outcomes = set()
    # Kill at points spread across the whole run, including the final commit.
    for n, fraction in enumerate((0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)):
        db = tmp_path / f"killed-{n}.db"
        proc = run_import(db, path)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with EmbeddedStore(db) as s:  # reopening recovers from the WAL
            count = s.count()
        assert count in (0, everything), f"killed at {fraction:.0%}: {count} assertions"
        outcomes.add(count)
        if os.path.exists(db):
            # Importing again after a crash completes the file, without duplicates.
            assert run_import(db, path).wait(timeout=300) == 0
            with EmbeddedStore(db) as s:
                assert s.count() == everything
    assert 0 in outcomes  # at least one kill landed mid-import

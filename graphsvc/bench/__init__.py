"""`graphsvc bench` (also `python -m graphsvc.bench`): the benchmark, by concern.

cli.py (arguments and the internal sub-commands), runner.py (a run, store by store),
workload.py (what is asked, of which stores, as whom), timing.py, backends.py, ingest.py,
latency.py, baselines.py, probe.py (cold start and memory), http_load.py with load.py (the
load generator), profile.py, machine.py, targets.py, report.py with markdown.py (report.md);
the hardening section: hardening.py with validation.py, durability.py and repeats.py.
"""

from __future__ import annotations

from typing import Optional


def main(argv: Optional[list[str]] = None) -> int:
    # Imported here so that `python -m graphsvc.bench.load` (a load client process) stays lean.
    from .cli import main as run

    return run(argv)

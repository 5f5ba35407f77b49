"""The synchronous=FULL cost benchmark (graphsvc/bench/durability.py) returns sane figures."""

from __future__ import annotations

import pytest

from graphsvc.bench import durability as bench_durability


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(bench_durability, "SINGLE", 30)
    monkeypatch.setattr(bench_durability, "EACH", 10)
    monkeypatch.setattr(bench_durability, "WRITES", 10)


def test_sync_cost_measures_normal_and_full_side_by_side(tmp_path):
    found = bench_durability.sync_cost(tmp_path)
    assert found["threads"] == bench_durability.THREADS and 0 < found["seconds"] < 20
    for name, expected in (("audit_single", 30), ("audit_threads", 10 * bench_durability.THREADS), ("write_single", 10), ("outbox_threads", 10 * bench_durability.THREADS)):
        part = found[name]
        for mode in ("NORMAL", "FULL"):
            figures = part[mode]
            assert figures["n"] == expected, (name, mode, figures)
            assert 0 < figures["p50_ms"] <= figures["p95_ms"] < 5000 and figures["per_second"] > 0, (name, mode, figures)
        ratio = part["full_over_normal"]
        assert ratio["p50"] > 0 and ratio["throughput"] > 0
        assert ratio["throughput"] == round(part["FULL"]["per_second"] / part["NORMAL"]["per_second"], 2)
    # The runs went to real files in the folder given, and left them whole.
    assert (tmp_path / "sync-full.db").exists() and (tmp_path / "sync-normal.db").exists()

"""The repeated-sightings benchmark (graphsvc.bench.repeats) gives sane figures."""

from __future__ import annotations

import pytest

from conftest import need_neo4j
from graphsvc.bench import repeats as bench_repeats
from graphsvc.paging import MAX_LIST


def check(report: dict, repeats: int) -> None:
    assert report["repeats"] == repeats and report["target_ratio"] == bench_repeats.TARGET_RATIO
    for label in ("without", "with"):
        for name in bench_repeats.QUERIES:
            figures = report[label][name]
            assert figures["calls"] >= 3 and 0 < figures["p50_ms"] <= figures["p95_ms"]
    for name in bench_repeats.QUERIES:
        assert set(report["ratio"][name]) == {"p50", "p95"} and report["ratio"][name]["p50"] > 0
        # What an answer holds grows with the distinct links, not the sightings: at most
        # MAX_LIST ids of the repeated link more (~30 bytes each), not 2,000 links.
        assert report["with"][name]["answer_bytes"] < report["without"][name]["answer_bytes"] + 30 * MAX_LIST
    assert isinstance(report["met"], bool)


def test_embedded(tmp_path):
    report = bench_repeats.repeated_links("embedded", tmp_path, repeats=2_000, calls=5, warmup=1, budget_s=5)
    check(report, 2_000)
    print(report["ratio"])


def test_neo4j(neo4j_for_tests, tmp_path, monkeypatch):
    n = need_neo4j(neo4j_for_tests)
    if n.server is None:
        pytest.skip("runs only against the suite's own Neo4j (it empties the database)")
    monkeypatch.setenv("NEO4J_URI", n.uri)
    for name in ("NEO4J_USER", "NEO4J_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEO4J_DATABASE", n.database)
    report = bench_repeats.repeated_links("neo4j", tmp_path, repeats=2_000, calls=5, warmup=1, budget_s=5, clear=True)
    check(report, 2_000)
    print(report["ratio"])

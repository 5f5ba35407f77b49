"""`graphsvc bench` as a smoke test: it runs at small scale and writes a complete report.

No timing assertions: the figures depend on the machine. What is checked is that every section
of the report is there, with figures where figures belong, and that the HTTP runs were clean.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphsvc.bench import cli, ingest, runner, targets, timing
from graphsvc.bench.latency import WINDOW_SWEEP_DAYS
from graphsvc.bench.workload import CONCURRENCY, HTTP_WORKLOADS, PATTERN_OPS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.timeout(600)


def _run_bench(out: Path, store: str, env: dict[str, str] | None = None, more: list[str] | None = None) -> dict:
    """The real command line in a fresh process, as CI would run it."""
    cmd = [sys.executable, "-m", "graphsvc.bench", "--scale", "small", "--store", store, "--out", str(out), "--quick", *(more or [])]
    run_env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **(env or {})}
    done = subprocess.run(cmd, capture_output=True, text=True, env=run_env, timeout=540, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "report.md").is_file()
    report = json.loads((out / "report.json").read_text())
    return report


def _check_figures(stats: dict, what: str) -> None:
    assert "error" not in stats, f"{what}: {stats.get('error')}"
    assert stats["calls"] > 0, what
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        assert isinstance(stats[key], (int, float)) and stats[key] >= 0, (what, key)
    assert stats["p50_ms"] <= stats["p95_ms"] <= stats["p99_ms"], what


def _check_store_section(report: dict, kind: str) -> None:
    s = report["stores"][kind]
    assert s["status"] == "ok", s
    assert not s.get("errors"), s.get("errors")
    ingest = s["ingest"]
    assert ingest["assertions"] > 3000 and ingest["assertions_per_second"] > 0
    # Whose CPU the import took: the importing process, and the rest of the machine.
    per = ingest["cpu"]["core_microseconds_per_assertion"]
    assert per["importer"] > 0 and per["rest"] >= 0
    assert per["total"] == pytest.approx(per["importer"] + per["rest"], abs=0.2)
    assert 0 < ingest["cpu"]["busy_share"] <= 1.05
    assert s["cold_start"]["cold_start_seconds"] > 0 and s["cold_start"]["first_query_found"] is True
    assert s["memory"]["assertions"] == ingest["assertions"]
    if kind == "embedded":
        assert s["memory"]["bytes_per_assertion"] > 0
    for path in ("store", "graphql"):
        for op in PATTERN_OPS:
            _check_figures(s["latency"][path][op], f"{kind} {path} {op}")
    sweep = s["latency"]["shared_contexts_by_window_days"]
    assert set(sweep) == {str(d) for d in WINDOW_SWEEP_DAYS}
    for days, stats in sweep.items():
        _check_figures(stats, f"{kind} sharedContexts over {days} days")
    baselines = s["baselines"]
    _check_figures(baselines["ours_exclude_family_false"], "ours")
    names = ("sql_groupby_indexed",) if kind == "embedded" else ("cypher",)
    for name in names:
        _check_figures(baselines[name], name)
        assert baselines[name]["same_answer"] is True, baselines[name].get("difference")
        assert baselines[name]["ours_over_baseline_p95"] > 0
    http = s["http"]
    for workload in HTTP_WORKLOADS:
        for c in CONCURRENCY:
            run = http[workload][str(c)]
            assert {"requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors"} <= set(run), run
            # Quick runs last two seconds: a slow store at 32 clients may complete none in them.
            assert run["requests"] > 0 or c > 1, (workload, c, run)
            assert run["errors"] == 0, (workload, c, run)
            assert run["p95_ms"] >= run["p50_ms"] >= 0
    targets = {(t["target"], t["store"]) for t in report["targets"]}
    assert ("import rate", kind) in targets and ("sharedContexts p95", kind) in targets and ("cold start", kind) in targets
    assert any(name.startswith("point look-up rps") and store == kind for name, store in targets)


def _check_report(report: dict, out: Path) -> None:
    for section in ("command", "config", "machine", "versions", "data", "params", "stores", "floor", "targets", "notes", "load_generator"):
        assert section in report, section
    assert report["machine"]["cpus"] and report["machine"]["python"]
    assert report["versions"]["sqlite"] and report["versions"]["strawberry-graphql"]
    assert report["data"]["records"] > 1000
    for c in CONCURRENCY:
        floor = report["floor"]["hello"][str(c)]
        assert floor["requests"] > 0 and floor["errors"] == 0, floor
    for t in report["targets"]:
        assert set(t) >= {"target", "store", "goal", "measured", "met", "miss"}
        assert t["met"] is not False or t["miss"], t  # a missed target says by how much
    hardening = report["hardening"]
    for name, d in hardening["validation"]["documents"].items():
        assert d["max_ms"] > 0, name
        assert (d["outcome"] == "accepted") == ("(accepted)" in name), (name, d["outcome"])  # every hostile one refused
    assert "error" not in hardening["synchronous_full"], hardening["synchronous_full"]
    for kind in report["stores"]:
        assert "error" not in hardening["repeated_links"][kind], hardening["repeated_links"][kind]
    md = (out / "report.md").read_text()
    for heading in ("## Machine and versions", "## Targets", "### 1. Ingest and cold start", "### 2. Pattern latency", "### 3a. Baselines", "### 4. HTTP load", "## 3b. Floor",
                    "## Hardening", "### Validation of hostile documents", "### Durable commits", "### Repeated sightings"):
        assert heading in md, heading


def test_bench_small_embedded_writes_a_complete_report(tmp_path):
    out = tmp_path / "report"
    # A snapshot even at small scale, so the report's two cold starts (from it; from the log alone) are exercised.
    report = _run_bench(out, "embedded", env={"GRAPHSVC_SNAPSHOT_AFTER": "1000"})
    _check_report(report, out)
    _check_store_section(report, "embedded")
    assert "neo4j" not in report["stores"]
    cold = report["stores"]["embedded"]["cold_start"]
    assert cold["from_snapshot"] == report["stores"]["embedded"]["ingest"]["assertions"] and cold["read_from_log"] == 0
    assert cold["log_only"]["read_from_log"] == cold["from_snapshot"] and cold["log_only"]["open_seconds"] > 0
    assert "Cold start from the SQLite log alone" in (out / "report.md").read_text()


def _harness():
    name = "graphsvc_tests_neo4j_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).parent / "neo4j" / "server.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.mark.neo4j
def test_bench_small_both_stores_writes_a_complete_report(tmp_path):
    # Always a server of its own, even when NEO4J_URI names one: the bench imports into an
    # empty database, and an external one may hold data it must not touch.
    server = _harness().Neo4jServer()
    try:
        server.start()
    except Exception as exc:
        server.close()
        reason = f"{type(exc).__name__}: {exc}"
        if os.environ.get("GRAPHSVC_REQUIRE_NEO4J") == "1":
            pytest.fail(f"GRAPHSVC_REQUIRE_NEO4J=1 but no Neo4j: {reason}", pytrace=False)
        pytest.skip(f"no Neo4j: {reason}")
    try:
        out = tmp_path / "report"
        report = _run_bench(out, "both", env={"NEO4J_URI": server.uri, "NEO4J_USER": "", "NEO4J_PASSWORD": "", "NEO4J_DATABASE": ""},
                            more=["--neo4j-initial-load", shlex.join(server.load_command)])
    finally:
        server.close()
    _check_report(report, out)
    _check_store_section(report, "embedded")
    _check_store_section(report, "neo4j")
    # The initial load replaced the staged import's assertions with the same ones, and the
    # figures after it were measured on what it loaded.
    loaded, staged = report["stores"]["neo4j"]["initial_load"], report["stores"]["neo4j"]["ingest"]
    assert loaded["assertions"] == loaded["written"] == staged["assertions"] > 0
    assert loaded["seconds"] >= loaded["validate_and_write_seconds"] + loaded["load_command_seconds"] > 0
    rows = {t["target"]: t for t in report["targets"] if t["store"] == "neo4j"}
    assert rows["import rate"]["measured"] == loaded["assertions_per_second"]
    assert rows["staged import rate (later feeds)"]["measured"] == staged["assertions_per_second"]
    # What each phase cost the machine, and the import tool's stages from its log (the tests'
    # launcher keeps one in the load's folder).
    per = loaded["cpu"]["core_microseconds_per_assertion"]
    assert all(per[phase] > 0 for phase in ("validate_and_write", "load_command", "index"))
    assert per["total"] == pytest.approx(per["validate_and_write"] + per["load_command"] + per["index"], abs=0.5)
    assert all(0 < share <= 1.05 for share in loaded["cpu"]["busy_share"].values())
    assert loaded["import_tool_stages_seconds"]["Node import"] > 0
    text = (out / "report.md").read_text()
    assert "Initial load (" in text and "Initial load's CPU" in text and "Node import" in text
    assert "Bulk import's CPU" in text and "Neo4j's server" in text
    assert report["neo4j_server"] and "unknown" not in report["neo4j_server"]


def test_neo4j_unavailable_is_reported_not_raised(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = runner.bench_store("neo4j", cli.build_parser().parse_args(["--quick"]), tmp_path / "none.jsonl", tmp_path, "httpx", {}, {})
    assert result["status"] == "unavailable" and "NEO4J_URI" in result["reason"]


def test_targets_say_by_how_much_they_are_missed():
    report = {"stores": {"embedded": {"status": "ok", "ingest": {"assertions_per_second": 25_000.0},
                                      "latency": {"store": {"sharedContexts": {"p95_ms": 50.0}}, "graphql": {"missingHistory": {"p95_ms": 10.0}}},
                                      "memory": {"bytes_per_assertion": 700.0}, "cold_start": {"cold_start_seconds": 61.0}}}}
    rows = {t["target"]: t for t in targets.evaluate_targets(report)}
    assert rows["import rate"]["met"] is False and "50%" in rows["import rate"]["miss"]
    assert rows["sharedContexts p95"]["met"] is True and rows["sharedContexts p95"]["miss"] is None
    assert rows["missingHistory via GraphQL p95"]["met"] is False and "2.00x" in rows["missingHistory via GraphQL p95"]["miss"]
    assert rows["resident bytes per assertion"]["met"] is True
    assert rows["cold start"]["met"] is False


def test_import_tool_stages_are_read_from_its_log(tmp_path):
    log = tmp_path / "import.log"
    log.write_text("Import starting 2026-12-05\n(1/4) Node import 2026-12-05 18:09:58\n"
                   "Node import COMPLETED in 1m 2s 513ms\nPost processing COMPLETED in 472ms\nIMPORT DONE in 1h 3s. \n")
    assert ingest._import_tool_stages(log) == {"Node import": 62.51, "Post processing": 0.47, "Import in all": 3603.0}
    assert ingest._import_tool_stages(tmp_path / "none.log") == {}


def test_machine_cpu_seconds_count_busy_time():
    before = timing.machine_cpu_seconds()
    if before is None:
        pytest.skip("no /proc/stat here")
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:  # busy, so the machine's count must move
        pass
    assert timing.machine_cpu_seconds() - before >= 0.2


def test_own_cpu_seconds_count_this_process_and_children_waited_for():
    before = timing.own_cpu_seconds()
    spin = "import time\nt = time.process_time() + 0.3\nwhile time.process_time() < t: pass"
    subprocess.run([sys.executable, "-c", spin], check=True)  # a writer process, waited for
    assert timing.own_cpu_seconds() - before >= 0.25


def test_percentiles_are_nearest_rank():
    values = [float(i) for i in range(1, 1001)]
    assert timing.percentile(values, 50) == 500.0
    assert timing.percentile(values, 95) == 950.0
    assert timing.percentile(values, 99) == 990.0
    assert timing.percentile([3.0], 99) == 3.0
    assert timing.percentile([], 50) is None


def test_load_generator_refuses_non_loopback(tmp_path):
    from graphsvc.bench import load as bench_load

    with pytest.raises(SystemExit):
        bench_load.run_load("http://10.0.0.1:80/graphql", tmp_path / "b.jsonl", "", 1, 1, tmp_path)

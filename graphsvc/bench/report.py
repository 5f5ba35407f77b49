"""The report as Markdown: report.md, from the figures in report.json."""

from __future__ import annotations

import json
from typing import Any, Optional

from . import hardening
from .ingest import LOAD_PHASES
from .markdown import section
from .targets import budget_text
from .workload import CONCURRENCY, HTTP_WORKLOADS, PATTERN_OPS, STORES


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _mb(n: Optional[int]) -> str:
    return "-" if n is None else f"{n / 2**20:,.0f} MiB"


def render_markdown(r: dict[str, Any]) -> str:
    L: list[str] = []
    cfg = r["config"]
    L.append(f"# graphsvc benchmark: {cfg['scale']} scale, store {cfg['store']}")
    L.append("")
    L.append(f"Run {r['started_at']} to {r['finished_at']} ({r.get('duration_seconds', 0):,.0f} s): `{r['command']}`.")
    if cfg.get("quick"):
        L.append("")
        L.append(f"**Quick mode** (smoke test): {cfg['calls']} timed calls per figure and {cfg['load_seconds']} s load runs; not for comparison.")
    L.append("")
    L.append("## Machine and versions")
    L.append("")
    m, v = r["machine"], r["versions"]
    L.append(f"- CPU: {m.get('cpu')} x {m.get('cpus')} (usable {m.get('affinity_cpus')}); memory {_mb(m.get('memory_bytes'))}; {m.get('os')}")
    L.append(f"- Python {m.get('python')} (collector thresholds {tuple(m.get('gc_threshold') or ())}, heap.for_service); SQLite {v.get('sqlite')}; strawberry {v.get('strawberry-graphql')}; graphql-core {v.get('graphql-core')}; starlette {v.get('starlette')}; "
             f"uvicorn {v.get('uvicorn')} (uvloop {v.get('uvloop') or 'absent'}, httptools {v.get('httptools') or 'absent'}); networkx {v.get('networkx')}; neo4j driver {v.get('neo4j')}; PyJWT {v.get('PyJWT')}")
    L.append(f"- Load generator: {r.get('load_generator')} ({v.get('wrk') or 'wrk absent'}); graphsvc {v.get('graphsvc')} at {v.get('git_commit')}{' (uncommitted changes)' if v.get('git_dirty') else ''}")
    la = m.get("loadavg_1m_during_run") or {}
    if la:
        L.append(f"- Machine load (1-minute load average, sampled every {la.get('every_seconds')} s): mean {la.get('mean')}, max {la.get('max')} on {la.get('cpus')} CPUs"
                 + (" — the machine was not idle: other work competed with the benchmark, so figures are pessimistic." if la.get("mean", 0) > 2.5 else "."))
    if r.get("neo4j_server"):
        L.append(f"- Neo4j server: {r['neo4j_server']}")
    d = r.get("data", {})
    L.append("")
    L.append("## Data")
    L.append("")
    L.append(f"Demo data `{d.get('scale')}`, seed {d.get('seed')}: {_fmt(d.get('records'))} records ({_mb(d.get('file_bytes'))} of JSON Lines, generated in {_fmt(d.get('generate_seconds'))} s).")
    params = r.get("params") or {}
    if params:
        w = params.get("window", {})
        L.append(f"Windowed patterns use {w.get('from')} to {w.get('to')} ({w.get('days')} days); per-child queries rotate over "
                 f"{params.get('missingHistory/coMissing/chronology', {}).get('children')} children with missing episodes (missingHistory, coMissing, chronology) and "
                 f"{params.get('pointLookup', {}).get('people')} children for look-ups. Viewer: role mash, auths {params.get('viewer', {}).get('auths')}.")
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("Targets are set for large-la scale (about 5 million assertions) on this 2-core machine" + ("; at this scale they are shown for reference only." if cfg["scale"] != "large-la" else "."))
    L.append("")
    L.append("| target | store | goal | measured | met | miss |")
    L.append("|---|---|---|---|---|---|")
    for t in r.get("targets", []):
        L.append(f"| {t['target']} | {t['store']} | {t['goal']} | {_fmt(t['measured'])} | {_fmt(t['met']) if t['met'] is not None else '-'} | {t['miss'] or ''} |")
    for kind in STORES:
        s = r["stores"].get(kind)
        if s is None:
            continue
        L.append("")
        L.append(f"## Store: {kind}")
        L.append("")
        if s.get("status") != "ok":
            L.append(f"**{kind}: {s.get('status')}** ({s.get('reason')})")
            continue
        for problem in s.get("errors", []):
            L.append(f"- error in {problem['stage']}: {problem['error']}")
        ing = s.get("ingest", {})
        L.append("### 1. Ingest and cold start")
        L.append("")
        if ing:
            L.append(f"- Bulk import ({ing.get('batching')}): {_fmt(ing.get('assertions'))} assertions from {_fmt(ing.get('records'))} records in {_fmt(ing.get('seconds'))} s = "
                     f"**{_fmt(ing.get('assertions_per_second'))} assertions/s** ({_fmt(ing.get('records_per_second'))} records/s); importing process peak RSS {_mb(ing.get('process_peak_rss_bytes'))}"
                     + (f", its writer process's {_mb(ing['writer_peak_rss_bytes'])}" if ing.get("writer_peak_rss_bytes") else "") + ".")
            cpu = ing.get("cpu") or {}
            if cpu:
                per, cores = cpu["core_microseconds_per_assertion"], cpu["machine_cpus"]
                rest = " (Neo4j's server, when it runs on this machine)" if kind == "neo4j" else ""
                L.append(f"- Bulk import's CPU, core-microseconds an assertion: the importing process (with its writer process) {_fmt(per['importer'])}, "
                         f"the rest of the machine{rest} {_fmt(per['rest'])}; **{_fmt(per['total'])} in all** ({cpu['busy_share'] * 100:.0f}% of {cores} cores busy), "
                         f"{budget_text(kind, cores)}.")
        il = s.get("initial_load", {})
        if il:
            staged = ing.get("assertions_per_second")
            L.append(f"- Initial load ({il.get('how')}): {_fmt(il.get('assertions'))} assertions in {_fmt(il.get('seconds'))} s = **{_fmt(il.get('assertions_per_second'))} assertions/s**"
                     + (f" ({il['assertions_per_second'] / staged:.2f}x the staged import above, same run)" if staged else "")
                     + f": validated and written as CSV {_fmt(il.get('validate_and_write_seconds'))} s ({_mb(il.get('csv_bytes'))}), load command {_fmt(il.get('load_command_seconds'))} s, "
                     f"indexes and constraints built {_fmt(il.get('index_seconds'))} s.")
            cpu = il.get("cpu") or {}
            if cpu:
                per, busy, cores = cpu["core_microseconds_per_assertion"], cpu["busy_share"], cpu["machine_cpus"]
                L.append(f"- Initial load's CPU, the whole machine's (Neo4j's too), core-microseconds an assertion: "
                         + ", ".join(f"{name} {_fmt(per[k])} ({busy[k] * 100:.0f}% of {cores} cores busy)" for k, name in LOAD_PHASES.items())
                         + f"; **{_fmt(per['total'])} in all**, {budget_text(kind, cores)}.")
            stages = il.get("import_tool_stages_seconds") or {}
            if stages:
                L.append("- The import tool's own stages (its log), s: " + ", ".join(f"{name} {_fmt(sec)}" for name, sec in stages.items()) + ".")
        cs = s.get("cold_start", {})
        if cs:
            source = (f" (from the snapshot of {_fmt(cs.get('from_snapshot'))} assertions saved when the benchmark's store closed, in {_fmt(s.get('close_seconds'))} s; "
                      f"{_fmt(cs.get('read_from_log'))} rows read from SQLite)") if cs.get("from_snapshot") else ""
            L.append(f"- Cold start (fresh process): open {_fmt(cs.get('open_seconds'))} s{source} + first query ({cs.get('first_query')}) {_fmt(cs.get('first_query_seconds'), 4)} s = "
                     f"**{_fmt(cs.get('cold_start_seconds'))} s**. The OS page cache was warm (the files had just been written).")
            lo = cs.get("log_only")
            if lo:
                L.append(f"- Cold start from the SQLite log alone (snapshot moved aside, as after a writer killed before closing): open {_fmt(lo.get('open_seconds'))} s, "
                         f"cold start {_fmt(lo.get('cold_start_seconds'))} s, {_fmt(lo.get('bytes_per_assertion'), 1)} bytes per assertion resident.")
        mem = s.get("memory", {})
        if mem:
            L.append(f"- Memory (fresh process): RSS {_mb(mem.get('rss_before_bytes'))} before opening, {_mb(mem.get('rss_after_bytes'))} after, peak {_mb(mem.get('rss_peak_bytes'))}: "
                     f"**{_fmt(mem.get('bytes_per_assertion'), 1)} bytes per assertion** resident ({_fmt(mem.get('peak_bytes_per_assertion'), 1)} at peak while opening).")
        lat = s.get("latency", {})
        if lat:
            L.append("")
            L.append("### 2. Pattern latency (ms)")
            L.append("")
            L.append("| query | path | calls | p50 | p95 | p99 | mean | max | answer size |")
            L.append("|---|---|---|---|---|---|---|---|---|")
            for name in PATTERN_OPS:
                for path in ("store", "graphql"):
                    st = lat.get(path, {}).get(name, {})
                    if "error" in st:
                        L.append(f"| {name} | {path} | error: {st['error']} | | | | | | |")
                        continue
                    calls = _fmt(st.get("calls")) + (" (cut short by time budget)" if st.get("cut_short") else "")
                    L.append(f"| {name} | {path} | {calls} | {_fmt(st.get('p50_ms'), 3)} | {_fmt(st.get('p95_ms'), 3)} | {_fmt(st.get('p99_ms'), 3)} | {_fmt(st.get('mean_ms'), 3)} | {_fmt(st.get('max_ms'), 3)} | {lat.get('answer_sizes', {}).get(name, '')} |")
        sweep = lat.get("shared_contexts_by_window_days") if lat else None
        if sweep:
            L.append("")
            L.append("sharedContexts through the store by window length (few calls each: how cost follows the answer):")
            L.append("")
            L.append("| window days | calls | p50 ms | p95 ms | contexts found |")
            L.append("|---|---|---|---|---|")
            for days, st in sweep.items():
                if "error" in st:
                    L.append(f"| {days} | error: {st['error']} | | | |")
                else:
                    L.append(f"| {days} | {_fmt(st.get('calls'))} | {_fmt(st.get('p50_ms'), 3)} | {_fmt(st.get('p95_ms'), 3)} | {_fmt(st.get('contexts'))} |")
        b = s.get("baselines", {})
        if b:
            L.append("")
            L.append("### 3a. Baselines: the same sharedContexts answer")
            L.append("")
            L.append(f"Question: {b.get('question')}.")
            L.append("")
            L.append("| how | calls | p50 ms | p95 ms | p99 ms | contexts | same answer | ours / baseline (p95) |")
            L.append("|---|---|---|---|---|---|---|---|")
            for name, label in (("ours_exclude_family_false", "ours (Patterns over the store)"), ("sql_groupby_indexed", "SQL GROUP BY + the indexes it needs"),
                                ("cypher", "hand-written Cypher via the driver")):
                st = b.get(name)
                if st is None:
                    continue
                if "unavailable" in st or "error" in st:
                    L.append(f"| {label} | {st.get('unavailable') or st.get('error')} | | | | | | |")
                    continue
                calls = _fmt(st.get("calls")) + (" (time budget)" if st.get("cut_short") else "")
                L.append(f"| {label} | {calls} | {_fmt(st.get('p50_ms'), 3)} | {_fmt(st.get('p95_ms'), 3)} | {_fmt(st.get('p99_ms'), 3)} | {_fmt(st.get('contexts'))} | "
                         f"{_fmt(st.get('same_answer')) if 'same_answer' in st else ''} | {_fmt(st.get('ours_over_baseline_p95'), 3) if 'ours_over_baseline_p95' in st else ''} |")
            st = b.get("sql_groupby_indexed") or {}
            if st.get("difference"):
                L.append(f"- sql_groupby_indexed differs from ours: {json.dumps(st['difference'])}")
            idx = st.get("index_build_seconds")
            if idx is not None:
                L.append(f"- The indexes took {_fmt(idx)} s to build (not timed in the baseline; the store's log has no index by subject or object, since the store answers from its projection). The viewer's visible scopes were worked out once beforehand; sharing decisions are not consulted by the SQL (the demo data has none).")
        h = s.get("http")
        if h:
            L.extend(section("### 4. HTTP load (real app in a uvicorn subprocess; loopback)", h, lambda: _http_section(h, r.get("floor", {}).get("hello"))))
    fl = r.get("floor")
    if fl:
        L.extend(section("## 3b. Floor: bare strawberry `{ hello }` served the same way", fl, lambda: [_http_table({"hello": fl["hello"]}, ("hello",), None)]))
    if r.get("hardening"):
        L.extend(hardening.render(r["hardening"]))
    profiles = r.get("profiles") or {}
    if profiles:
        L.append("")
        L.append("## Profiles of missed targets")
        for name, prof in profiles.items():
            L.append("")
            L.append(_profile_md(name, prof))
    if r.get("notes"):
        L.append("")
        L.append("## Notes")
        L.append("")
        for n in r["notes"]:
            L.append(f"- {n}")
    L.append("")
    return "\n".join(L)


def _http_section(h: dict[str, Any], floor: Optional[dict[str, Any]]) -> list[str]:
    out = [f"Server start-up (open the store, listen): {_fmt(h.get('server_startup_seconds'))} s.", "", _http_table(h, HTTP_WORKLOADS, floor)]
    prof = h.get("profile_pointLookup")
    if prof:
        out += ["", _profile_md("Server profile during point look-ups (py-spy, all threads, share of busy samples)", prof)]
    return out


def _http_table(h: dict[str, Any], workloads: tuple[str, ...], floor: Optional[dict[str, Any]]) -> str:
    rows = ["| workload | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors | vs floor req/s |", "|---|---|---|---|---|---|---|---|---|"]
    for w in workloads:
        series = h.get(w) or {}
        for c in CONCURRENCY:
            st = series.get(str(c)) or {}
            f = (floor or {}).get(str(c), {}).get("rps")
            ratio = f"{st['rps'] / f:.0%}" if f and st.get("rps") is not None and floor is not None else ""
            rows.append(f"| {w} | {c} | {_fmt(st.get('requests'))} | {_fmt(st.get('rps'), 1)} | {_fmt(st.get('p50_ms'), 2)} | {_fmt(st.get('p95_ms'), 2)} | {_fmt(st.get('p99_ms'), 2)} | {_fmt(st.get('errors'))} | {ratio} |")
    return "\n".join(rows)


def _profile_md(title: str, prof: dict[str, Any]) -> str:
    out = [f"### {title}", ""]
    if "unavailable" in prof:
        out.append(f"(profile unavailable: {prof['unavailable']})")
        return "\n".join(out)
    if prof.get("phases"):
        out.append("Phases, each run alone (" + ", ".join(f"{k} {v} s" for k, v in prof["phases"].items()) + f") for {prof.get('records')} records / {prof.get('assertions')} assertions."
                   " An import runs the row encoding and the SQLite insert in its writer process, alongside the validation.")
        out.append("")
    if prof.get("tool") == "tracemalloc":
        out.append(f"Opening a store of {prof['assertions']:,} assertions traced {prof['traced_bytes_per_assertion']} bytes per assertion. Largest allocating lines (bytes per assertion):")
        out.append("")
        out.append("| bytes/assertion | where | code |")
        out.append("|---|---|---|")
        for size, where, code in prof["top_lines_bytes_per_assertion"]:
            out.append(f"| {size} | `{where}` | `{code}` |")
        out.append("")
        out.append(f"The assertions' string fields hold {prof['string_bytes_per_assertion']} bytes per assertion, of which {prof['duplicate_string_bytes_per_assertion']} are "
                   "separate copies of a value already held (what interning would save). Distinct objects vs distinct values per field:")
        out.append("")
        out.append("| field | objects | values |")
        out.append("|---|---|---|")
        for f, c in prof["strings_by_field"].items():
            out.append(f"| {f} | {c['distinct_objects']:,} | {c['distinct_values']:,} |")
        dt = prof["datetimes"]
        out.append("")
        out.append(f"Datetimes: {dt['references']:,} references, {dt['distinct_objects']:,} objects, {dt['distinct_values']:,} distinct values "
                   f"(sharing equal ones would save about {dt['bytes_per_assertion_if_shared_saved']} bytes per assertion).")
        return "\n".join(out)
    if prof.get("tool") == "py-spy":
        out.append(f"{prof.get('busy_samples')} busy samples ({prof.get('idle_samples')} idle) over {prof.get('seconds')} s at 8 clients.")
        out.append("")
        out.append("| inclusive % | function |")
        out.append("|---|---|")
        for pct, fn in prof.get("inclusive_percent", [])[:25]:
            out.append(f"| {pct} | `{fn}` |")
        out.append("")
        out.append("| own % | function |")
        out.append("|---|---|")
        for pct, fn in prof.get("own_percent", [])[:15]:
            out.append(f"| {pct} | `{fn}` |")
        return "\n".join(out)
    out.append(f"{prof.get('tool')}, {prof.get('calls')} call(s), {prof.get('seconds')} s. Flat (own time, % of total):")
    out.append("")
    out.append("```")
    out.append(prof.get("flat", ""))
    out.append("```")
    out.append("")
    out.append("Call tree (% of total):")
    out.append("")
    out.append("```")
    out.append(prof.get("tree", ""))
    out.append("```")
    return "\n".join(out)

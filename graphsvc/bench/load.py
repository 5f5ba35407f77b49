"""HTTP load generation for `graphsvc bench`: wrk when it is installed, else an async httpx
client run in its own process (so the client never shares the server's GIL).

Both are closed-loop: `concurrency` connections, each sending its next request as soon as the
previous answer arrives, for a bounded time, against a loopback URL only. A request counts as
an error when it fails, times out, is not HTTP 200, or its GraphQL body carries "errors".

    python -m graphsvc.bench.load --url http://127.0.0.1:PORT/graphql --bodies FILE \
        --token TOKEN --concurrency 8 --seconds 10

prints one JSON object: requests, seconds, rps, errors and latency percentiles in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from .timing import percentile

LOOPBACK = ("127.", "localhost", "[::1]", "::1")


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise SystemExit(f"refusing to load {url}: the benchmark only sends traffic to loopback addresses")


# --- wrk ------------------------------------------------------------------------------------------

WRK_SCRIPT = r"""
-- Written by graphsvc.bench.load: rotate request bodies, count non-200 and GraphQL errors.
local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do table.insert(bodies, line) end
local token = os.getenv("BENCH_TOKEN")
local headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json"}
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  seen = 0
  i = tid * 7919
end

function request()
  i = i + 1
  return wrk.format("POST", nil, headers, bodies[(i % #bodies) + 1])
end

function response(status, hdrs, body)
  seen = seen + 1
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b, s = 0, 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
    s = s + t:get("seen")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"bad":%d,"seen":%d,"p50_us":%.1f,"p95_us":%.1f,"p99_us":%.1f,"mean_us":%.1f,"max_us":%.1f,"min_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    b, s, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max, latency.min))
end
"""


def wrk_path() -> Optional[str]:
    return shutil.which("wrk")


def wrk_version() -> Optional[str]:
    path = wrk_path()
    if not path:
        return None
    out = subprocess.run([path, "--version"], capture_output=True, text=True)
    return (out.stdout + out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "wrk"


def run_wrk(url: str, bodies: Path, token: str, concurrency: int, seconds: float, work: Path) -> dict[str, Any]:
    _check_loopback(url)
    script = work / "bench-wrk.lua"
    if not script.exists():
        script.write_text(WRK_SCRIPT)
    threads = max(1, min(concurrency, 2))
    cmd = [wrk_path() or "wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(seconds))}s", "--timeout", "30s", "-s", str(script), url]
    env = {"BENCH_BODIES": str(bodies), "BENCH_TOKEN": token, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 120)
    line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (exit {out.returncode}): {(out.stdout + out.stderr).strip()[-800:]}")
    raw = json.loads(line[len("BENCH_JSON "):])
    duration = raw["duration_us"] / 1e6
    transport = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "generator": "wrk",
        "concurrency": concurrency,
        "seconds": round(duration, 3),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / duration, 1) if duration else None,
        "errors": transport + raw["bad"],
        "error_detail": {"transport": transport, "non_200_or_graphql_errors": raw["bad"]},
        "p50_ms": round(raw["p50_us"] / 1000, 3),
        "p95_ms": round(raw["p95_us"] / 1000, 3),
        "p99_ms": round(raw["p99_us"] / 1000, 3),
        "mean_ms": round(raw["mean_us"] / 1000, 3),
        "max_ms": round(raw["max_us"] / 1000, 3),
    }


# --- the async httpx fallback ---------------------------------------------------------------------


async def _load(url: str, bodies: list[bytes], token: str, concurrency: int, seconds: float) -> dict[str, Any]:
    import httpx

    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    latencies: list[float] = []
    errors = {"transport": 0, "non_200_or_graphql_errors": 0}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30.0, headers=headers) as client:
        deadline = time.perf_counter() + seconds

        async def worker(w: int) -> None:
            i = w * 7919
            while time.perf_counter() < deadline:
                i += 1
                t0 = time.perf_counter_ns()
                try:
                    r = await client.post(url, content=bodies[i % len(bodies)])
                    ok = r.status_code == 200 and b'"errors"' not in r.content
                    if not ok:
                        errors["non_200_or_graphql_errors"] += 1
                except httpx.HTTPError:
                    errors["transport"] += 1
                latencies.append((time.perf_counter_ns() - t0) / 1e6)

        started = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "generator": "httpx-async",
        "concurrency": concurrency,
        "seconds": round(elapsed, 3),
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else None,
        "errors": sum(errors.values()),
        "error_detail": errors,
        "p50_ms": round(percentile(latencies, 50) or 0, 3),
        "p95_ms": round(percentile(latencies, 95) or 0, 3),
        "p99_ms": round(percentile(latencies, 99) or 0, 3),
        "mean_ms": round(sum(latencies) / len(latencies), 3) if latencies else None,
        "max_ms": round(latencies[-1], 3) if latencies else None,
    }


def run_httpx(url: str, bodies: Path, token: str, concurrency: int, seconds: float) -> dict[str, Any]:
    """Run the async client in a separate process and return its figures."""
    _check_loopback(url)
    cmd = [sys.executable, "-m", "graphsvc.bench.load", "--url", url, "--bodies", str(bodies), "--concurrency", str(concurrency), "--seconds", str(seconds)]
    env = child_env({"BENCH_TOKEN": token})
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 120)
    if out.returncode != 0:
        raise RuntimeError(f"load client failed (exit {out.returncode}): {out.stderr.strip()[-800:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def child_env(extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    """The environment of a process the bench starts (servers, probes, load clients): this
    one's, with this checkout first on PYTHONPATH, and `extra`."""
    import os

    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra or {})
    return env


def run_load(url: str, bodies: Path, token: str, concurrency: int, seconds: float, work: Path, generator: str = "auto") -> dict[str, Any]:
    """wrk if it is installed (or asked for), else the httpx client in a separate process."""
    if generator == "wrk" or (generator == "auto" and wrk_path()):
        return run_wrk(url, bodies, token, concurrency, seconds, work)
    return run_httpx(url, bodies, token, concurrency, seconds)


def main(argv: Optional[list[str]] = None) -> int:
    import os

    p = argparse.ArgumentParser(prog="python -m graphsvc.bench.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--bodies", required=True, help="a file of JSON request bodies, one a line (rotated)")
    p.add_argument("--token", default=None, help="bearer token (default $BENCH_TOKEN)")
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--seconds", type=float, default=10.0)
    args = p.parse_args(argv)
    _check_loopback(args.url)
    if not 0 < args.seconds <= 600:
        p.error("--seconds must be in (0, 600]")
    bodies = [line.encode() for line in Path(args.bodies).read_text().splitlines() if line.strip()]
    token = args.token if args.token is not None else os.environ.get("BENCH_TOKEN", "")
    result = asyncio.run(_load(args.url, bodies, token, args.concurrency, args.seconds))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

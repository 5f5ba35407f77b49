"""4. HTTP: the real app (and a bare strawberry floor) served by uvicorn in a subprocess on a
loopback port, under load from another process at each client count."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

from . import load
from .backends import open_backend
from .load import child_env
from .profile import profile_server
from .timing import log
from .workload import CONCURRENCY, FLOOR_QUERY, Q, Params, token_for


def floor_app():
    """A bare strawberry query returning a constant, served the same way as the real app:
    starlette route, JSON body, execute_sync in the threadpool, JSON response."""
    import strawberry
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    @strawberry.type
    class FloorQuery:
        @strawberry.field
        def hello(self) -> str:
            return "world"

    floor_schema = strawberry.Schema(query=FloorQuery)

    async def graphql(request: Request) -> Response:
        params = json.loads(await request.body())
        result = await run_in_threadpool(floor_schema.execute_sync, params["query"], params.get("variables"), None, None, params.get("operationName"))
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [{"message": e.message} for e in result.errors]
        return Response(json.dumps(body), media_type="application/json")

    async def health(request: Request) -> Response:
        return Response('{"status":"ok"}', media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"]), Route("/health", health, methods=["GET"])])


def service_app(kind: str, db: Path):
    """The real app as `graphsvc serve` builds it (cli.build_service), on the store of this kind."""
    from ..api.app import Service, create_app, pseudonym_key
    from ..api.auth import Verifier
    from ..principal import Pseudonyms

    store = open_backend(kind, db)
    return create_app(Service(store=store, verifier=Verifier.from_env(db), pseudonyms=Pseudonyms(pseudonym_key(db))))


def serve(app, port_file: Path) -> int:
    """uvicorn on 127.0.0.1, a free port written to port_file once listening (as `graphsvc serve`
    configures it: api/server.py)."""
    import asyncio

    import uvicorn

    from ..api import server as serving

    server = uvicorn.Server(serving.config(app, "127.0.0.1", 0, log_level="warning", lifespan="off"))

    async def main() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        tmp = port_file.with_suffix(".tmp")
        tmp.write_text(str(port))
        tmp.rename(port_file)
        await task

    asyncio.run(main())
    return 0


class Server:
    """A server subprocess (`python -m graphsvc.bench _serve|_floor`), stopped on exit."""

    def __init__(self, args: list[str], work: Path, name: str, start_timeout: float):
        self.port_file = work / f"{name}.port"
        self.log_path = work / f"{name}.log"
        self.port_file.unlink(missing_ok=True)
        self.args = [sys.executable, "-m", "graphsvc.bench", *args, "--port-file", str(self.port_file)]
        self.start_timeout = start_timeout
        self.proc: Optional[subprocess.Popen] = None
        self.url = ""

    def __enter__(self) -> "Server":
        log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.args, stdout=log, stderr=log, stdin=subprocess.DEVNULL, env=child_env())
        log.close()
        deadline = time.monotonic() + self.start_timeout
        while not self.port_file.exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_path.read_text()[-1500:]}")
            if time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"server did not start within {self.start_timeout:.0f} s")
            time.sleep(0.1)
        self.startup_seconds = time.perf_counter() - t0
        self.url = f"http://127.0.0.1:{int(self.port_file.read_text())}"
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


def _bodies(work: Path, name: str, query: str, variables: list[dict[str, Any]]) -> Path:
    path = work / f"bodies-{name}.jsonl"
    path.write_text("".join(json.dumps({"query": query, "variables": v}, separators=(",", ":")) + "\n" for v in variables))
    return path


def _check_once(url: str, bodies: Path, token: str) -> None:
    import urllib.request

    body = bodies.read_text().splitlines()[0].encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url + "/graphql", data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    if "errors" in answer:
        raise RuntimeError(f"the server answered with errors: {answer['errors'][:1]}")


def load_series(url: str, bodies: Path, token: str, seconds: float, warm_seconds: float, work: Path, generator: str) -> dict[str, Any]:
    _check_once(url, bodies, token)
    load.run_load(url + "/graphql", bodies, token, 8, warm_seconds, work, generator)  # warm-up, not recorded
    out = {}
    for c in CONCURRENCY:
        # A load generator stops with requests still running in the server; one request
        # answered alone first keeps them out of the next run's figures.
        _check_once(url, bodies, token)
        out[str(c)] = load.run_load(url + "/graphql", bodies, token, c, seconds, work, generator)
    return out


def bench_http(kind: str, db: Path, params: Params, work: Path, seconds: float, warm_seconds: float, generator: str, start_timeout: float,
               profile_seconds: float = 0.0) -> dict[str, Any]:
    token = token_for(db)
    workloads = {
        "pointLookup": _bodies(work, f"{kind}-lookup", Q["pointLookup"], [{"id": c} for c in params.rotation("pointLookup")]),
        "chronology": _bodies(work, f"{kind}-chronology", Q["chronology"], [{"id": c} for c in params.rotation("chronology")]),
        "missingHistory": _bodies(work, f"{kind}-missing", Q["missingHistory"], [{"id": c} for c in params.rotation("missingHistory")]),
    }
    out: dict[str, Any] = {"queries": {name: Q[name] for name in workloads}}
    with Server(["_serve", "--kind", kind, "--db", str(db)], work, f"server-{kind}", start_timeout) as server:
        out["server_startup_seconds"] = round(server.startup_seconds, 2)
        for name, bodies in workloads.items():
            log(f"  http {kind} {name}")
            out[name] = load_series(server.url, bodies, token, seconds, warm_seconds, work, generator)
        if profile_seconds:
            out["profile_pointLookup"] = profile_server(server, workloads["pointLookup"], token, profile_seconds, work, generator)
    return out


def bench_floor(work: Path, seconds: float, warm_seconds: float, generator: str) -> dict[str, Any]:
    bodies = _bodies(work, "floor", FLOOR_QUERY, [{}])
    with Server(["_floor"], work, "server-floor", 60) as server:
        log("  http floor { hello }")
        return {"query": FLOOR_QUERY, "hello": load_series(server.url, bodies, "", seconds, warm_seconds, work, generator)}

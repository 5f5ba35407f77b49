"""No request, however small, holds the service: document limits, time limits, slow and
oversize clients, deeply nested JSON, and shutdown while hostile requests are under way.

These run over real HTTP against the real app on the embedded store: they are about the
HTTP layer and validation, which are the same for both stores.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from graphql import parse

import scenario
from graphsvc.api import app as app_module
from graphsvc.api import limits
from graphsvc.api.schema import schema
from graphsvc.api.server import Protocol
from graphsvc.store import EmbeddedStore
from graphsvc.bench.validation import HOSTILE, doubling
from live import LiveServer, make_service

ROOT = Path(__file__).resolve().parent.parent


REFUSED = {name: make for name, make in HOSTILE.items() if "(accepted)" not in name}  # the bench's set, measured there


@pytest.fixture
def server(tmp_path):
    db = tmp_path / "store.db"
    store = EmbeddedStore(db)
    scenario.load(store)
    with LiveServer(make_service(store, db), db) as live:
        yield live
    store.close()


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_documents_are_refused_with_a_code(server, name):
    body = server.gql(REFUSED[name](), roles=("mash",), auths=("police",))
    assert body.get("data") is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    assert error["extensions"]["limit"] in {"depth", "aliases", "fields", "repeats", "fragmentNesting", "cost"}
    assert str(error["extensions"]["max"]) in error["message"].replace(",", "")
    assert error["locations"], error


def test_each_fragment_is_measured_once(monkeypatch):
    calls: dict[int, int] = {}
    original = limits._Measurer.selection_set

    def counting(self, selections, parent, depth):
        calls[id(selections)] = calls.get(id(selections), 0) + 1
        return original(self, selections, parent, depth)

    monkeypatch.setattr(limits._Measurer, "selection_set", counting)
    document = parse(doubling(3))  # 8 paths, within every limit
    measured = limits.measure(schema._schema, document)
    assert measured[""].fields == 2 ** 3 * 2  # me and subject, once per path
    assert max(calls.values()) == 1  # every selection set, fragments included, walked once


def test_a_document_within_the_limits_is_measured_as_its_fragments_spread():
    document = parse("query { chronology(personId: \"x\", first: 7) { items { summary } totalCount } me { roles } }")
    m = limits.measure(schema._schema, document)[""]
    assert m.data_depth == 2 and m.fields == 6  # depth: fields with fields in them
    assert m.cost == 7 * (1 + 1) + 1  # a page of 7 chronologies' items (its page's items count once), and me


def test_introspection_may_nest_to_20_and_no_further():
    from graphsvc.bench.validation import _introspection

    m = limits.measure(schema._schema, parse(_introspection(20)))[""]
    assert (m.depth, m.data_depth) == (20, 0)  # typed as introspection all the way down
    with pytest.raises(limits.TooComplex, match="deeper than 20"):
        limits.measure(schema._schema, parse(_introspection(21)))


def test_the_introspection_query_is_within_the_limits(server):
    from graphql import get_introspection_query

    assert "errors" not in server.gql(get_introspection_query())


def test_concurrent_hostile_documents_do_not_hold_other_clients(server):
    token = server.token()
    headers = {"Authorization": f"Bearer {token}"}
    hostile = json.dumps({"query": doubling(30)})

    def attack(_: int) -> int:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            return client.post("/graphql", content=hostile, headers={**headers, "Content-Type": "application/json"}).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        attacks = [pool.submit(attack, i) for i in range(40)]
        with httpx.Client(base_url=server.url, timeout=2.0) as other:  # a client that would see any stall
            assert other.get("/health").status_code == 200
            answer = other.post("/graphql", json={"query": "{ me { subject } }"}, headers=headers)
            assert answer.json()["data"]["me"]["subject"] == "pro-test"
        assert [a.result() for a in attacks] == [200] * 40
    server.graphql_requests += 41  # the audit check counts requests made through server.http only


def test_a_request_past_its_time_limit_is_stopped_coded_and_audited(server):
    server.service.request_seconds = 1e-9  # every request is past it at its first check
    response = server.post('{ searchPeople(name: "robin") { totalCount } }', token=server.token(roles=("mash",), auths=("police",)))
    assert response.status_code == 503
    assert response.json() == {"errors": [{"message": "the request ran longer than 1e-09 s and was stopped", "extensions": {"code": "REQUEST_TIMEOUT"}}]}
    assert server.audit_entries()[-1]["outcome"] == "503 REQUEST_TIMEOUT"
    server.service.request_seconds = app_module.REQUEST_SECONDS
    assert "errors" not in server.gql("{ me { subject } }")


class SlowDatabase(EmbeddedStore):
    """A store whose search takes longer than any time limit, as a database under load might:
    the request's thread is inside one store call and cannot check its deadline."""

    release = threading.Event()

    def search(self, *args, **kwargs):
        self.release.wait(30)
        return super().search(*args, **kwargs)


def test_a_request_stuck_in_the_store_is_answered_at_its_limit(tmp_path):
    db = tmp_path / "slow.db"
    store = SlowDatabase(db)
    scenario.load(store)
    service = make_service(store, db)
    service.request_seconds = 0.5
    try:
        with LiveServer(service, db) as server:
            token = server.token(roles=("mash",), auths=("police",))
            started = time.monotonic()
            response = server.post('{ searchPeople(name: "robin") { totalCount } }', token=token)
            assert response.status_code == 503 and response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
            assert time.monotonic() - started < 0.5 + app_module.GRACE_SECONDS + 2
            assert server.http.get("/health").status_code == 200  # the stuck thread holds nothing else
            SlowDatabase.release.set()
            time.sleep(0.3)  # the worker finishes its store call, finds it was answered, and writes nothing
            entries = server.audit_entries()
            assert [e["outcome"] for e in entries] == ["503 REQUEST_TIMEOUT"]
    finally:
        SlowDatabase.release.set()
        store.close()


def _nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("method, depth", [("POST", 5000), ("GET", 3000), ("POST", app_module.MAX_JSON_DEPTH + 1)])
def test_deeply_nested_json_is_a_coded_400_and_audited(server, method, depth):
    before = len(server.audit_entries())
    nested = "[" * depth + "1" + "]" * depth
    headers = {"Authorization": f"Bearer {server.token()}"}
    if method == "POST":
        text = '{"query": "{ me { subject } }", "variables": {"v": ' + nested + "}}"
        response = server.http.post("/graphql", content=text, headers={**headers, "Content-Type": "application/json"})
    else:
        response = server.http.get("/graphql", params={"query": "{ me { subject } }", "variables": '{"v": ' + nested + "}"}, headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "nested deeper than" in response.json()["errors"][0]["message"]
    entries = server.audit_entries()[before:]
    assert [e["outcome"] for e in entries] == ["400 BAD_USER_INPUT"]


def test_json_nested_within_the_limit_is_taken(server):
    response = server.http.post("/graphql", json={"query": "{ me { subject } }", "extensions": {"v": _nested(20)}},
                                headers={"Authorization": f"Bearer {server.token()}"})
    assert response.status_code == 200 and "errors" not in response.json(), response.text


def _raw(server: LiveServer, data: bytes, read_timeout: float = 10.0) -> bytes:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=read_timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                raise AssertionError("the connection was reset before an answer was read") from None
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_an_oversize_body_always_gets_413(server):
    token = server.token()
    body = json.dumps({"query": "{ me { subject } }", "variables": {"x": "y" * (2 * 1024 * 1024)}}).encode()
    head = (f"POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    before = len(server.audit_entries())
    for _ in range(5):
        answer = _raw(server, head + body)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b'"code":"BAD_USER_INPUT"' in answer.replace(b" ", b"")
    assert [e["outcome"] for e in server.audit_entries()[before:]] == ["413 BAD_USER_INPUT"] * 5
    server.graphql_requests += 5


def test_a_half_sent_body_is_answered_408(server, monkeypatch):
    monkeypatch.setattr(app_module, "BODY_SECONDS", 1.0)
    token = server.token()
    head = (f"POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: 100\r\n\r\n").encode()
    started = time.monotonic()
    answer = _raw(server, head + b'{"query": ')
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert time.monotonic() - started < 5
    assert server.audit_entries()[-1]["outcome"] == "408 BAD_USER_INPUT"
    server.graphql_requests += 1


def test_slow_headers_are_cut_off(server, monkeypatch):
    monkeypatch.setattr(Protocol, "header_seconds", 1.0)
    host, port = server.url.removeprefix("http://").split(":")
    sockets = [socket.create_connection((host, int(port)), timeout=10) for _ in range(50)]
    try:
        for s in sockets:
            s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        started = time.monotonic()
        for s in sockets:
            answer = b""
            while chunk := s.recv(1024):  # the server closes: recv returns b""
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 408") or answer == b""
        assert time.monotonic() - started < 8
    finally:
        for s in sockets:
            s.close()
    assert server.http.get("/health").status_code == 200


@pytest.mark.slow
def test_sigterm_stops_the_server_promptly_under_hostile_load(tmp_path):
    db = tmp_path / "served.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    served = subprocess.Popen([sys.executable, "-m", "graphsvc.cli", "serve", "--db", str(db), "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and served.poll() is None, served.stderr.read().decode()[-2000:] if served.poll() is not None else "no start"
            time.sleep(0.2)
        token = subprocess.run([sys.executable, "-m", "graphsvc.cli", "token", "--db", str(db), "--sub", "t", "--agency", "police", "--role", "mash"],
                               env=env, capture_output=True, text=True, check=True).stdout.strip()
        hostile = json.dumps({"query": doubling(30)})
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
        for s in slow:
            s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")

        def attack() -> None:
            try:
                httpx.post(f"{url}/graphql", content=hostile, timeout=30,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            except httpx.HTTPError:
                pass

        attackers = [threading.Thread(target=attack) for _ in range(40)]
        for t in attackers:
            t.start()
        time.sleep(0.5)
        started = time.monotonic()
        served.send_signal(signal.SIGTERM)
        served.wait(timeout=15)
        assert time.monotonic() - started < 10
        for t in attackers:
            t.join(5)
        for s in slow:
            s.close()
        audit = subprocess.run([sys.executable, "-m", "graphsvc.cli", "audit", "verify", "--db", str(db)], env=env, capture_output=True, text=True)
        assert audit.returncode == 0, audit.stdout + audit.stderr
    finally:
        if served.poll() is None:
            served.kill()
            served.wait()

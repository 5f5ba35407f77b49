"""A real server for tests: the real app under uvicorn on a loopback port, real HTTP."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Iterable, Optional

import httpx
import uvicorn

from graphsvc import audit
from graphsvc.api import server
from graphsvc.api.app import Service, create_app, pseudonym_key
from graphsvc.api.auth import Verifier, issue_local_token
from graphsvc.principal import Pseudonyms
from graphsvc.store.base import GraphStore


def make_service(store: GraphStore, db: Path) -> Service:
    return Service(store=store, verifier=Verifier.local(db), pseudonyms=Pseudonyms(pseudonym_key(db)))


class LiveServer:
    """With check_audit, leaving the server checks that every /graphql request made through
    `http` left exactly one audit entry of its own (the GraphiQL page excepted), besides the
    entries its writes committed with them."""

    def __init__(self, service: Service, db: Path, check_audit: bool = True):
        self.service = service
        self.db = db
        self.check_audit = check_audit
        self.graphql_requests = 0
        self.app = create_app(service)
        self.server = uvicorn.Server(server.config(self.app, "127.0.0.1", 0, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.http = httpx.Client(base_url=self.url, timeout=180, event_hooks={"request": [self._count]})
        self.audit_at_start = len(list(self.service.store.audit_entries()))
        return self

    def _count(self, request: httpx.Request) -> None:
        page = request.method == "GET" and "text/html" in request.headers.get("accept", "") and "query" not in request.url.params
        if request.url.path == "/graphql" and not page:
            self.graphql_requests += 1

    def audit_entries(self) -> list[dict]:
        return list(self.service.store.audit_entries())[self.audit_at_start:]

    def __exit__(self, *exc: object) -> None:
        if self.check_audit and exc[0] is None and self.service.store.ping():
            every = self.audit_entries()
            # A write commits an entry of its own, with it, naming what it wrote (outcome
            # "committed ..."); each request then leaves exactly one entry of its own besides.
            writes = [e for e in every if e["outcome"].startswith(audit.COMMITTED)]
            assert all(e["returned"] or ", " in e["outcome"] or e["outcome"] == f"{audit.COMMITTED}: 0 written" for e in writes), writes
            entries = [e for e in every if not (e["subject"] or "").startswith("cli:") and e not in writes]  # command-line writes are audited too
            assert len(entries) == self.graphql_requests, f"{self.graphql_requests} requests left {len(entries)} audit entries"
        self.http.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.workers.shutdown(wait=False)

    def token(self, sub: str = "pro-test", agency: str = "police", roles: Iterable[str] = ("practitioner",), auths: Iterable[str] = (), purpose: Optional[str] = "section 47 enquiry", ttl: int = 600) -> str:
        return issue_local_token(self.db, sub=sub, agency=agency, roles=roles, auths=auths, purpose=purpose, ttl_seconds=ttl)

    def post(self, query: str, variables: Optional[dict[str, Any]] = None, token: Optional[str] = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kw.pop("headers", {}))
        return self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers, **kw)

    def gql(self, query: str, variables: Optional[dict[str, Any]] = None, token: Optional[str] = None, **kw: Any) -> dict[str, Any]:
        response = self.post(query, variables, token or self.token(**kw))
        assert response.status_code == 200, response.text
        return response.json()

    def data(self, query: str, variables: Optional[dict[str, Any]] = None, **kw: Any) -> dict[str, Any]:
        body = self.gql(query, variables, **kw)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def pseudonym(self, entity_id: str) -> str:
        """The id a pseudonymous reader is shown for an entity (the service's own key)."""
        return self.service.pseudonyms.entity_id(entity_id)

    def error_code(self, query: str, variables: Optional[dict[str, Any]] = None, **kw: Any) -> str:
        body = self.gql(query, variables, **kw)
        assert body.get("errors"), body
        return body["errors"][0]["extensions"]["code"]

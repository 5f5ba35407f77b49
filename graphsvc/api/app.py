"""The starlette app: /graphql (GraphQL over HTTP, GraphiQL in a browser) and /health.

GraphQL over HTTP is handled here rather than by strawberry's view so that authentication
comes before anything else, `application/graphql-response+json` is spoken, and every
request ends in exactly one audit entry.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import anyio
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from .. import time_limit
from ..accounting import account
from ..errors import DomainError, Unauthenticated
from ..principal import Principal, Pseudonyms
from ..store.base import GraphStore, StoreUnavailable
from .auth import Verifier
from .context import Context
from .schema import schema

log = logging.getLogger("graphsvc.http")

MAX_BODY = 1024 * 1024
MAX_JSON_DEPTH = 64  # arrays and objects nested in a request's JSON (variables, extensions)
BODY_SECONDS = 10.0  # the whole body must arrive within this (a half-sent body holds nothing longer)
DRAIN_BYTES = 16 * MAX_BODY  # an oversize body is read and dropped up to this, so the 413 reaches the client
REQUEST_SECONDS = 10.0  # the default time limit of one request's execution
GRACE_SECONDS = 1.0  # past the time limit, the answer leaves whatever the worker is doing
WORKERS = 32  # threads executing GraphQL; /health has its own
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON_TYPE = "application/json"


def pseudonym_key(db: str | Path, configured: Optional[bytes] = None) -> bytes:
    """The key behind pseudonyms: the GRAPHSVC_PSEUDONYM_KEY setting (the same for every
    replica), else a key kept beside the store, so pseudonyms stay stable."""
    if configured:
        return configured
    path = Path(f"{db}.pseudonym-key")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


@dataclass
class Service:
    store: GraphStore
    verifier: Verifier
    pseudonyms: Pseudonyms
    request_seconds: float = REQUEST_SECONDS
    # Set when the server begins to shut down: requests under way stop at their next check.
    stopping: threading.Event = field(default_factory=threading.Event)


def _unavailable() -> "Outcome":
    return 503, {"errors": [_error("the store is unavailable; try again shortly", "SERVICE_UNAVAILABLE")]}, {"Retry-After": "5"}


class RequestError(Exception):
    """A request that is not well-formed GraphQL over HTTP (bad JSON, missing or mistyped parameters).

    The spec says such requests SHOULD get 400 whatever the Accept header; only GraphQL request
    errors in a well-formed request (parse, validation, variables) get 200 under application/json.
    """

    def __init__(self, message: str, status: int = 400, headers: Optional[dict[str, str]] = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def _media_type(request: Request) -> str:
    """Content negotiation: graphql-response+json when the client prefers it, else JSON."""
    best, best_q = JSON_TYPE, -1.0
    for part in request.headers.get("accept", "").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media in (GRAPHQL_RESPONSE, JSON_TYPE, "*/*", "application/*") and q > best_q:
            best, best_q = (GRAPHQL_RESPONSE if media == GRAPHQL_RESPONSE else JSON_TYPE), q
    return best


def _json_response(body: dict[str, Any], status: int, media: str, headers: Optional[dict[str, str]] = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=f"{media}; charset=utf-8", headers=headers)


def _error(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code}}


def format_error(error: GraphQLError, context: Optional[Context] = None) -> dict[str, Any]:
    original = error.original_error
    out = error.formatted
    if isinstance(original, DomainError):
        out["message"] = context.error_message(str(original)) if context is not None else str(original)
        out["extensions"] = {"code": original.code}
    elif original is None or isinstance(original, GraphQLError):
        # Errors that name their own code (the limits: QUERY_TOO_COMPLEX) keep it.
        out["extensions"] = error.extensions if (error.extensions or {}).get("code") else {"code": "BAD_USER_INPUT"}
    else:
        # Never show internals (or data) in an unexpected error; log its type only.
        log.error("unexpected %s in %s", type(original).__name__, ".".join(map(str, error.path or [])))
        out["message"] = "internal error"
        out["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    return out


def _json(text: str | bytes, what: str) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        raise RequestError(f"{what} is nested deeper than {MAX_JSON_DEPTH} levels") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RequestError(f"{what} is not valid UTF-8 JSON") from None
    except ValueError:  # Python reads no integer of more digits (sys.get_int_max_str_digits)
        raise RequestError(f"{what} holds a number of more than {sys.get_int_max_str_digits()} digits") from None
    if _json_depth(value) > MAX_JSON_DEPTH:
        raise RequestError(f"{what} is nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _json_depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


async def _drain(request: Request, read: int) -> None:
    """Read what is left of an oversize body (up to DRAIN_BYTES): closing the connection with
    it unread makes the client's socket reset, and the 413 is lost."""
    try:
        async for chunk in request.stream():
            read += len(chunk)
            if read > DRAIN_BYTES:
                break
    except Exception:  # the client went away, or the stream is spent: the 413 is still the answer
        pass


def _too_large() -> RequestError:
    return RequestError(f"the request body is larger than {MAX_BODY} bytes", status=413, headers={"Connection": "close"})


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        if request.headers.get("expect", "").lower() != "100-continue":  # else the client waits for this answer
            await _drain(request, 0)
        raise _too_large()
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            await _drain(request, len(body))
            raise _too_large()
    return body


async def _params(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        for key in ("variables", "extensions"):
            if key in params:
                params[key] = _json(params[key], key)
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not content_type:
        raise RequestError("a POST needs Content-Type: application/json", status=415)
    if content_type != JSON_TYPE:
        raise RequestError(f"unsupported Content-Type {content_type!r}: use application/json", status=415)
    try:
        with anyio.fail_after(BODY_SECONDS):
            body = await _body(request)
    except TimeoutError:
        raise RequestError(f"the request body did not arrive within {BODY_SECONDS:g} s", status=408, headers={"Connection": "close"}) from None
    params = _json(body, "the request body")
    if not isinstance(params, dict):
        raise RequestError("the request body must be a JSON object")
    return params


def _check(params: dict[str, Any]) -> tuple[str, Optional[dict[str, Any]], Optional[str], Optional[dict[str, Any]]]:
    query, variables, operation, extensions = (params.get(k) for k in ("query", "variables", "operationName", "extensions"))
    if query is None:
        raise RequestError("the request has no query")
    if not isinstance(query, str):
        raise RequestError("query must be a string")
    if not query:
        raise RequestError("the request has no query")  # strawberry would raise MissingQueryError for ""
    if variables is not None and not isinstance(variables, dict):
        raise RequestError("variables must be an object")
    if operation is not None and not isinstance(operation, str):
        raise RequestError("operationName must be a string")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError("extensions must be an object")
    return query, variables, operation, extensions


Outcome = tuple[int, dict[str, Any], Optional[dict[str, str]]]  # status, body, extra headers


def _timed_out(stopped: time_limit.RequestTimeout) -> "Outcome":
    return 503, {"errors": [_error(str(stopped), stopped.code)]}, None


class _Once:
    """The request's one audit entry: written by whichever comes first, the worker with its
    outcome or the handler answering at the time limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claimed = False

    def claim(self) -> bool:
        with self._lock:
            claimed, self._claimed = self._claimed, True
            return not claimed


def create_app(service: Service) -> Starlette:
    # Requests execute on threads of their own, so a slow one never holds up /health (which
    # uses starlette's pool) and a request past its time limit is answered while its thread
    # winds down at its next check (time_limit.py).
    workers = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="graphql")

    async def graphql(request: Request) -> Response:
        media = _media_type(request)
        wants_page = request.method == "GET" and "text/html" in request.headers.get("accept", "") and "query" not in request.query_params
        if wants_page:
            return HTMLResponse(get_graphql_ide_html("graphiql"))
        principal: Optional[Principal] = None
        refused: Optional[Outcome] = None
        query, variables, operation = "", None, None
        try:
            principal = service.verifier.principal(request.headers.get("authorization"))
            query, variables, operation, _ = _check(await _params(request))
        except Unauthenticated as exc:
            refused = (401, {"errors": [_error(str(exc), exc.code)]}, {"WWW-Authenticate": 'Bearer realm="graphsvc"'})
        except RequestError as exc:
            refused = (exc.status, {"errors": [_error(str(exc), "BAD_USER_INPUT")]}, exc.headers)
        limit = time_limit.TimeLimit(service.request_seconds, service.stopping)
        once = _Once()
        # One worker-thread hop per request: execution and its audit entry together.
        work = asyncio.get_running_loop().run_in_executor(
            workers, _answer, request.method, media, principal, refused, query, variables, operation, limit, once)
        done, _ = await asyncio.wait({work}, timeout=service.request_seconds + GRACE_SECONDS)
        if not done and not limit.writing and once.claim():
            # Past the limit and the worker has not finished: answer now; it stops at its next check.
            outcome = _timed_out(limit.error())
            try:
                await run_in_threadpool(_account, principal, None, operation, variables, outcome)
            except StoreUnavailable:
                outcome = _unavailable()
            status, body, headers = outcome
        else:
            status, body, headers = await work  # a write runs to its end; or the worker has its answer
        return _json_response(body, status, media, headers)

    def _answer(method: str, media: str, principal: Optional[Principal], refused: Optional[Outcome], query: str,
                variables: Optional[dict[str, Any]], operation: Optional[str], limit: time_limit.TimeLimit, once: _Once) -> Outcome:
        context: Optional[Context] = None
        if refused is not None:
            outcome = refused
        else:
            assert principal is not None
            context = Context(principal=principal, store=service.store, pseudonyms=service.pseudonyms)
            with time_limit.applied(limit):
                outcome = _execute(method, context, media, query, variables, operation)
        if not once.claim():
            return outcome  # answered at the time limit, and audited then
        # Every request leaves exactly one audit entry; if it cannot be written, no data leaves.
        try:
            _account(principal, context, operation, variables, outcome)
        except StoreUnavailable:
            return _unavailable()
        return outcome

    def _account(principal: Optional[Principal], context: Optional[Context], operation: Optional[str], variables: Optional[dict[str, Any]], outcome: Outcome) -> None:
        # The request's own entry (accounting.account): what it showed counts only if its
        # answer holds data.
        status, body, _ = outcome
        codes = [e.get("extensions", {}).get("code", "ERROR") for e in body.get("errors", [])]
        shown = context.shown if context is not None and body.get("data") is not None else None
        account(service.store, principal, operation, context.operations if context is not None else [], variables, status, codes, shown)

    def _execute(method: str, context: Context, media: str, query: str, variables: Optional[dict[str, Any]], operation: Optional[str]) -> Outcome:
        allowed = {OperationType.QUERY} if method == "GET" else {OperationType.QUERY, OperationType.MUTATION}
        # GraphQL request errors (the request was well-formed but the operation could not start) have
        # no data entry: 400 under graphql-response+json, 200 under application/json, as the spec says.
        request_error_status = 400 if media == GRAPHQL_RESPONSE else 200
        try:
            result = schema.execute_sync(query, variables, context, None, operation, allowed)
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.MUTATION:  # only over GET: the spec asks for 405
                return 405, {"errors": [_error(exc.as_http_error_reason(method), "BAD_USER_INPUT")]}, {"Allow": "POST"}
            # Subscriptions are refused by every method, so 405 with an Allow would mislead.
            return request_error_status, {"errors": [_error("subscriptions are not supported", "BAD_USER_INPUT")]}, None
        except CannotGetOperationTypeError:
            # No operation to run: operationName names none in the document, or it holds only fragments
            # (strawberry raises here instead of answering with an error).
            message = f"unknown operation named {operation!r}" if operation is not None else "the document has no operation"
            return request_error_status, {"errors": [_error(message, "BAD_USER_INPUT")]}, None
        errors = [format_error(e, context) for e in result.errors or []]
        if any(isinstance(e.original_error, StoreUnavailable) for e in result.errors or []):
            return _unavailable()
        stopped = next((e.original_error for e in result.errors or [] if isinstance(e.original_error, time_limit.RequestTimeout)), None)
        if stopped is not None:  # no part of a stopped answer leaves
            return _timed_out(stopped)
        # A request error (parse, validation, variables) never started executing: no data entry.
        request_error = isinstance(result, PreExecutionError) or (result.data is None and errors and all(e.path is None for e in result.errors or []))
        if request_error:
            return request_error_status, {"errors": errors}, None
        body: dict[str, Any] = {"data": result.data}
        if errors:
            body["errors"] = errors
        return 200, body, None

    async def health(request: Request) -> Response:
        ok = await run_in_threadpool(service.store.ping)
        # waiting: audit entries and owner notices kept locally until the store takes them.
        waiting = await run_in_threadpool(service.store.waiting)
        return JSONResponse({"status": "ok" if ok else "unavailable", "store": type(service.store).__name__, "waiting": waiting},
                            status_code=200 if ok else 503)

    app = Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"]), Route("/health", health, methods=["GET"])])
    app.state.workers = workers  # shut down with the server (server.serve)
    return app

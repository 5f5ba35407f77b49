"""GraphQL over HTTP conformance: graphql-http's server audit against the real running server.

The audit (tests/http-audit, pinned in its package-lock.json) runs under Node; its dependencies
are installed on demand. Without npm the test is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from node_tools import node_with

AUDIT_DIR = Path(__file__).parent / "http-audit"


@pytest.fixture(scope="session")
def audit_node() -> str:
    """The node binary, with tests/http-audit's dependencies installed from its lockfile."""
    return node_with(AUDIT_DIR, "graphql-http")


def test_graphql_over_http_audit_is_clean(live, audit_node):
    done = subprocess.run([audit_node, "audit.mjs", f"{live.url}/graphql", live.token()], cwd=AUDIT_DIR,
                          capture_output=True, text=True, timeout=300)
    # audit.mjs exits 1 when some audit is not ok, 2 when the audit could not run at all.
    assert done.returncode in (0, 1), f"the audit did not run (exit {done.returncode}):\n{done.stderr}"
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(results) > 40, f"only {len(results)} audits ran:\n{done.stdout}\n{done.stderr}"
    # Each audit is one request from outside `live.http`: each must leave one audit entry too.
    live.graphql_requests += len(results)
    offenders = [r for r in results if r["status"] in ("error", "warn")]
    assert not offenders, "GraphQL-over-HTTP audit failures:\n" + "\n".join(
        f"  {r['status']} {r['id']} {r['name']}: {r['reason']}" for r in offenders)
    # Exit status and printed results must agree, or the output above is not the whole story.
    assert (done.returncode == 0) == all(r["status"] == "ok" for r in results), done.stderr

"""The README's example queries work against the demo data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphsvc import demo
from graphsvc.bulk import import_records

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README, flags=re.S)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 12


@pytest.fixture(scope="module")
def demo_records():
    return list(demo.generate("small", 7))


@pytest.mark.parametrize("query", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs_against_the_demo_data(live, store, demo_records, query):
    import_records(store, demo_records)
    body = live.gql(query, roles=["mash"], agency="mash", auths=["mash", "police"], purpose="MASH triage")
    assert "errors" not in body, body["errors"]
    assert body["data"]
    if "awaitingAcknowledgement" not in query:  # the demo data holds no shares yet
        assert any(v not in (None, [], {}) for v in body["data"].values())

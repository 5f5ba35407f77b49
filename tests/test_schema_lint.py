"""schema/schema.graphql passes graphql-schema-linter: every type, field, argument, input field
and enum value has a capitalised description, and PageInfo is the Relay cursor connections
spec's.

The linter (tests/schema-lint, pinned in its package-lock.json) runs under Node with the config
there: its default rules except the ordering ones (the config says why).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from node_tools import node_with

LINT_DIR = Path(__file__).parent / "schema-lint"
SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"
LINTER = LINT_DIR / "node_modules" / "graphql-schema-linter" / "lib" / "cli.js"

# The rules the schema is held to, each of which the undocumented schema below breaks.
HELD_TO = {
    "types-have-descriptions", "fields-have-descriptions", "arguments-have-descriptions",
    "input-object-values-have-descriptions", "enum-values-have-descriptions",
    "descriptions-are-capitalized", "relay-page-info-spec",
}
UNDOCUMENTED = """
type Query { things(first: Int): ThingPage }
type ThingPage { items: [Thing!]! pageInfo: PageInfo! }
\"\"\"A thing.\"\"\" type Thing { \"\"\"lower case.\"\"\" id: ID! kind: Kind! }
type PageInfo { endCursor: String hasNextPage: Boolean! }
enum Kind { B A }
input ThingInput { b: Int a: Int }
type Mutation { add(thing: ThingInput!): Thing }
"""


@pytest.fixture(scope="session")
def lint_node() -> str:
    return node_with(LINT_DIR, "graphql-schema-linter")


def lint(node: str, *args: str, stdin: str | None = None) -> list[dict]:
    done = subprocess.run([node, str(LINTER), "--config-directory", ".", "--format", "json", *args], cwd=LINT_DIR,
                          input=stdin, capture_output=True, text=True, timeout=120)
    # The linter exits 0 when clean, 1 with violations, 2 when it could not run (config, schema).
    assert done.returncode in (0, 1), f"the linter did not run (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    errors = json.loads(done.stdout)["errors"]
    assert (done.returncode == 0) == (not errors), done.stderr
    return errors


def test_the_schema_has_no_lint_violations(lint_node):
    errors = lint(lint_node, str(SCHEMA))
    assert not errors, f"graphql-schema-linter: {len(errors)} violations in schema/schema.graphql:\n" + "\n".join(
        f"  line {e['location']['line']}: {e['message']} ({e['rule']})" for e in errors)


def test_the_config_holds_the_schema_to_the_description_and_relay_rules(lint_node):
    # A clean schema means something only if the config runs these rules: each finds its fault
    # in a schema made to break them, and the ordering rules (left out) find none.
    found = {e["rule"] for e in lint(lint_node, "--stdin", stdin=UNDOCUMENTED)}
    assert HELD_TO <= found, f"rules the config does not run: {sorted(HELD_TO - found)}"
    assert not {r for r in found if "sorted" in r}, found

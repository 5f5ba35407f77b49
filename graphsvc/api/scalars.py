"""The DateTime scalar, parsed here rather than by strawberry's built-in one.

strawberry's DateTime raises its coercion error without the literal's node, so graphql-core
reports a malformed literal in the document (`from: "yesterday"`) with no `locations`. This
one raises every error with the node (a variable's error gets its definition's location from
graphql-core). It also gives every time in UTC, so a time at the edge of the calendar in
another zone is refused here instead of overflowing later. The same name and description:
the schema reads as before.
"""

from __future__ import annotations

from datetime import datetime, timezone
from operator import methodcaller
from typing import Any, Optional

import dateutil.parser
from graphql import GraphQLError, StringValueNode, ValueNode, print_ast
from strawberry.types.scalar import ScalarDefinition

HINT = "give an ISO 8601 date and time, e.g. 2026-03-01T18:00:00Z"


def parse_value(value: object, node: Optional[ValueNode] = None) -> datetime:
    if not isinstance(value, str):
        raise GraphQLError(f"DateTime cannot represent a non-string value: {print_ast(node) if node else type(value).__name__}; {HINT}", node)
    try:
        parsed = dateutil.parser.isoparse(value)
        # A time without a zone means UTC, as everywhere in this service.
        return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise GraphQLError(f"DateTime cannot represent {shown!r}: {HINT}", node) from None


def parse_literal(node: ValueNode, _variables: Any = None) -> datetime:
    return parse_value(node.value if isinstance(node, StringValueNode) else None, node)


DateTime = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=methodcaller("isoformat"),
    parse_value=parse_value,
    parse_literal=parse_literal,
    origin=datetime,
)

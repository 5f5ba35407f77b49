"""A depth limit that also covers introspection.

strawberry's QueryDepthLimiter skips `__schema`/`__type` subtrees, so a deeply nested
`ofType { ofType { ... } }` would be unbounded. GraphiQL's own introspection query is about
13 deep; this cap leaves room for it and stops anything much deeper.
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode, OperationDefinitionNode, ValidationRule
from graphql.language import SelectionSetNode

INTROSPECTION_MAX_DEPTH = 20


def _depth(selection_set: SelectionSetNode | None, fragments: dict[str, Any], seen: frozenset[str]) -> int:
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            deepest = max(deepest, (1 + _depth(selection.selection_set, fragments, seen)) if selection.selection_set else 0)
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue  # cycles and unknown fragments are reported by the standard rules
            deepest = max(deepest, _depth(fragments[name].selection_set, fragments, seen | {name}))
    return deepest


class TotalDepthRule(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        fragments = {f.name.value: f for f in self.context.document.definitions if hasattr(f, "type_condition")}
        if _depth(node.selection_set, fragments, frozenset()) > INTROSPECTION_MAX_DEPTH:
            self.report_error(GraphQLError(f"the query is nested deeper than {INTROSPECTION_MAX_DEPTH} levels", node))

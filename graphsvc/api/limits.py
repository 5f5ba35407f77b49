"""What one GraphQL document may ask for, checked before the standard validation rules run.

The standard rules and strawberry's depth and alias limiters walk every path through the
fragments, so a short document whose fragments each spread the next one twice costs 2^n of
them; graphql-core's OverlappingFieldsCanBeMerged compares every pair of fields with the same
name. This module measures a document in one pass in which each fragment is measured once,
and refuses it before those rules see it if it is too deep, has too many aliases or fields,
repeats one field too often in one selection set, or would cost too much to answer. What is
left for the standard rules is then small enough for them to finish quickly (the bench
measures the worst of a set of hostile documents).

The cost estimate counts how many times each object field would be resolved: a list of
objects multiplies its subtree by the page asked for (`first`) or by the cap every other
list of objects has (paging.MAX_LIST); lists of scalars are one value each.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Any, Iterator, Optional

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    get_named_type,
    is_composite_type,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from .. import paging

MAX_TOKENS = 4000
MAX_DEPTH = 12  # fields nested in one another, not counting introspection's
INTROSPECTION_MAX_DEPTH = 20  # GraphiQL's own introspection query is 13 deep
MAX_ALIASES = 30
MAX_FIELDS = 2000  # field selections once every fragment is spread where it is used
MAX_REPEATS = 10  # selections of one response name in one selection set
MAX_FRAGMENT_NESTING = 50  # fragments spread inside fragments
MAX_COST = 250_000  # estimated object resolutions: a full page of sharedContexts with every link is about 70,000

CODE = "QUERY_TOO_COMPLEX"


class Refused(Exception):
    def __init__(self, error: GraphQLError):
        super().__init__(error.message)
        self.graphql_error = error

    def error(self) -> GraphQLError:
        return self.graphql_error


class TooComplex(Exception):
    def __init__(self, limit: str, maximum: int, message: str, node: Any = None):
        super().__init__(message)
        self.limit, self.maximum, self.node = limit, maximum, node

    def error(self) -> GraphQLError:
        return GraphQLError(str(self), self.node, extensions={"code": CODE, "limit": self.limit, "max": self.maximum})


@dataclass
class Measure:
    """A selection set, every fragment in it spread: how deep, how many of what, what cost."""
    depth: int = 0  # every field
    data_depth: int = 0  # fields outside introspection
    fields: int = 0
    aliases: int = 0
    cost: int = 0
    names: Counter = field(default_factory=Counter)  # response names at this level, with repeats


# The introspection fields every type has, which no type lists among its fields.
_META_FIELDS = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef, "__typename": TypeNameMetaFieldDef}


def _list_of_objects(type_: Any) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList) and is_composite_type(get_named_type(type_))


def _times(node: FieldNode, definition: GraphQLField, parent: Any) -> int:
    """How many times the field's subtree may be resolved for one resolution of the field."""
    first = definition.args.get("first")
    if first is not None:  # the field returns, or holds in its page's items, at most `first`
        for given in node.arguments or ():
            if given.name.value == "first":
                if isinstance(given.value, IntValueNode):
                    return max(1, min(int(given.value.value), paging.MAX_PAGE))
                return paging.MAX_PAGE  # a variable: the most it may be
        default = first.default_value
        return default if isinstance(default, int) and default > 0 else paging.DEFAULT_PAGE
    if not _list_of_objects(definition.type):
        return 1
    if node.name.value == "items" and getattr(parent, "name", "").endswith("Page"):
        return 1  # the page's size was counted at the field that took `first`
    return paging.MAX_LIST


def _spreads(selections: SelectionSetNode) -> set[str]:
    found, stack = set(), [selections]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                found.add(selection.name.value)
            elif selection.selection_set is not None:
                stack.append(selection.selection_set)
    return found


class _Measurer:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode):
        self.schema = schema
        self.measured: dict[str, Measure] = {}
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        # Fragments are measured once each, those spread first, so no walk recurses from one
        # fragment into another (a long chain of them would exhaust the stack).
        needs = {name: _spreads(d.selection_set) & fragments.keys() for name, d in fragments.items()}
        try:
            order = list(TopologicalSorter(needs).static_order())
        except CycleError as exc:
            raise Refused(GraphQLError(f"Cannot spread fragment '{exc.args[1][0]}' within itself.", fragments[exc.args[1][0]],
                                       extensions={"code": "BAD_USER_INPUT"})) from None
        chain: dict[str, int] = {}
        for name in order:
            chain[name] = 1 + max((chain[n] for n in needs[name]), default=0)
            if chain[name] > MAX_FRAGMENT_NESTING:
                raise TooComplex("fragmentNesting", MAX_FRAGMENT_NESTING,
                                 f"fragments are spread inside one another more than {MAX_FRAGMENT_NESTING} deep", fragments[name])
            definition = fragments[name]
            self.measured[name] = self.selection_set(definition.selection_set, self.schema.get_type(definition.type_condition.name.value), 0)

    def selection_set(self, selections: Optional[SelectionSetNode], parent: Any, depth: int) -> Measure:
        out = Measure()
        if selections is None:
            return out
        if depth > INTROSPECTION_MAX_DEPTH:
            # Deeper than anything allowed: say so without walking further (nor recursing further).
            raise TooComplex("depth", INTROSPECTION_MAX_DEPTH, f"the query is nested deeper than {INTROSPECTION_MAX_DEPTH} levels", selections)
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                self._field(selection, parent, depth, out)
            elif isinstance(selection, InlineFragmentNode):
                condition = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                self._add(out, self.selection_set(selection.selection_set, condition, depth))
            elif isinstance(selection, FragmentSpreadNode):
                self._add(out, self.measured.get(selection.name.value) or Measure())  # unknown: the standard rules say so
        self._check(out, selections)
        return out

    def _field(self, node: FieldNode, parent: Any, depth: int, out: Measure) -> None:
        name = node.name.value
        out.fields += 1
        out.names[(node.alias or node.name).value] += 1
        if node.alias is not None:
            out.aliases += 1
        definition = _META_FIELDS.get(name) or getattr(parent, "fields", {}).get(name)
        if node.selection_set is None:
            return
        child_type = get_named_type(definition.type) if definition is not None else None
        below = self.selection_set(node.selection_set, child_type, depth + 1)
        out.depth = max(out.depth, 1 + below.depth)
        # Introspection (its fields and the fields of its types, fragments on them included)
        # is bounded by the schema's size: only the overall depth limit applies to it.
        introspection = name.startswith("__") or getattr(parent, "name", "").startswith("__")
        if not introspection:
            out.data_depth = max(out.data_depth, 1 + below.data_depth)
        out.fields += below.fields
        out.aliases += below.aliases
        times = 1 if introspection or definition is None else _times(node, definition, parent)
        out.cost += times * (1 + below.cost)

    @staticmethod
    def _add(out: Measure, part: Measure) -> None:
        out.depth = max(out.depth, part.depth)
        out.data_depth = max(out.data_depth, part.data_depth)
        out.fields += part.fields
        out.aliases += part.aliases
        out.cost += part.cost
        out.names.update(part.names)

    @staticmethod
    def _check(m: Measure, node: Any) -> None:
        # Checked at every level, so a document far over a limit is refused before its total is known.
        if m.data_depth > MAX_DEPTH:
            raise TooComplex("depth", MAX_DEPTH, f"the query is nested deeper than {MAX_DEPTH} levels", node)
        if m.depth > INTROSPECTION_MAX_DEPTH:
            raise TooComplex("depth", INTROSPECTION_MAX_DEPTH, f"the query is nested deeper than {INTROSPECTION_MAX_DEPTH} levels", node)
        if m.aliases > MAX_ALIASES:
            raise TooComplex("aliases", MAX_ALIASES, f"the query uses more than {MAX_ALIASES} aliases", node)
        if m.fields > MAX_FIELDS:
            raise TooComplex("fields", MAX_FIELDS, f"the query selects more than {MAX_FIELDS} fields once its fragments are spread", node)
        if m.names:
            name, times = m.names.most_common(1)[0]
            if times > MAX_REPEATS:
                raise TooComplex("repeats", MAX_REPEATS, f"the field {name!r} is selected more than {MAX_REPEATS} times in one selection set", node)
        if m.cost > MAX_COST:
            raise TooComplex("cost", MAX_COST, f"the query's estimated cost is over {MAX_COST} (lists count as their page size, `first`, or {paging.MAX_LIST})", node)


def measure(schema: GraphQLSchema, document: DocumentNode) -> dict[str, Measure]:
    """Each operation's measure; raises TooComplex at the first limit passed."""
    measurer = _Measurer(schema, document)
    out = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            out[definition.name.value if definition.name else ""] = measurer.selection_set(definition.selection_set, root, 0)
    return out


def check(schema: GraphQLSchema, document: DocumentNode) -> Optional[GraphQLError]:
    try:
        measure(schema, document)
    except (TooComplex, Refused) as exc:
        return exc.error()
    return None


@lru_cache(maxsize=256)
def validate(schema: GraphQLSchema, document: DocumentNode, rules: tuple[Any, ...]) -> list[GraphQLError]:
    """The limits, then (only for a document within them) the standard rules. Cached by
    document, which the parser cache hands out once per query text."""
    error = check(schema, document)
    if error is not None:
        return [error]
    return validate_document(schema, document, rules)


class RequestLimits(SchemaExtension):
    """Validation with the limits first. It replaces strawberry's ValidationCache, which would
    run the standard rules whatever an earlier extension had found."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = validate(context.schema._schema, context.graphql_document, context.validation_rules)
        yield

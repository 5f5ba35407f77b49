"""Access-scope expressions (Apache Accumulo ColumnVisibility grammar).

A scope such as ``social_care&(police|"health:gp")`` says which callers may
see an assertion: the caller holds a set of authorisation tokens, and the
assertion is visible when the expression evaluates true over that set.

Grammar (see accumulo-access's specification.abnf)::

    scope      = [expression]                 ; "" = any authenticated caller
    expression = term *("&" term) / term *("|" term)   ; no mixing at one level
    term       = token / "(" expression ")"
    token      = 1*(ALPHA / DIGIT / "_" / "-" / ":" / "." / "/")
               / DQUOTE 1*(any char but DQUOTE and "\\" / "\\" DQUOTE / "\\\\") DQUOTE

Stdlib only, and a hand-written recursive-descent parser: the grammar is tiny
and there is no well-kept PyPI package for it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

__all__ = ["ScopeError", "Token", "And", "Or", "Node", "parse", "validate", "visible", "tokens", "quote"]

# Characters allowed in an unquoted token; anything else must be quoted.
_UNQUOTED_RE = re.compile(r"[A-Za-z0-9_\-:./]+")
# Guards the recursion: a hostile "((((...." must fail as a ScopeError, not a RecursionError.
_MAX_DEPTH = 100


class ScopeError(ValueError):
    """Invalid scope expression; .expression, .position (0-based index), .reason; str() names the problem and position."""

    def __init__(self, expression: str, position: int, reason: str) -> None:
        # Passing all three to ValueError keeps the exception picklable (args match __init__).
        super().__init__(expression, position, reason)
        self.expression = expression
        self.position = position
        self.reason = reason

    def __str__(self) -> str:
        return f"invalid scope expression {self.expression!r}: {self.reason} at position {self.position}"


@dataclass(frozen=True, slots=True)
class Token:
    """One authorisation token, stored unescaped so quoted and unquoted forms compare equal."""

    name: str

    def evaluate(self, auths: Collection[str]) -> bool:
        return self.name in auths

    def __str__(self) -> str:
        return quote(self.name)


@dataclass(frozen=True, slots=True)
class And:
    """All children must hold. ``And(())`` is the empty expression: vacuously true."""

    children: tuple[Node, ...]

    def evaluate(self, auths: Collection[str]) -> bool:
        return all(child.evaluate(auths) for child in self.children)

    def __str__(self) -> str:
        return "&".join(_render_child(child) for child in self.children)


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child must hold."""

    children: tuple[Node, ...]

    def evaluate(self, auths: Collection[str]) -> bool:
        return any(child.evaluate(auths) for child in self.children)

    def __str__(self) -> str:
        return "|".join(_render_child(child) for child in self.children)


Node = Union[Token, And, Or]


def _render_child(node: Node) -> str:
    # Compound children always get parentheses: that keeps str() re-parseable to an equal tree.
    return str(node) if isinstance(node, Token) else f"({node})"


class _Parser:
    """Single-use recursive-descent parser; positions are indexes into the str."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, reason: str, position: int | None = None) -> ScopeError:
        return ScopeError(self.text, self.pos if position is None else position, reason)

    def unexpected(self) -> ScopeError:
        # Called where a term has ended and neither an operator nor the expected closer follows.
        c = self.text[self.pos]
        if c == ")":
            return self.fail("unbalanced ')'")
        if c in '("' or _UNQUOTED_RE.match(c):
            return self.fail(f"missing '&' or '|' before {c!r}")
        return self.fail(f"invalid character {c!r}")

    def expression(self, depth: int) -> Node:
        children = [self.term(depth)]
        operator = None
        while self.pos < len(self.text) and self.text[self.pos] in "&|":
            c = self.text[self.pos]
            if operator is None:
                operator = c
            elif c != operator:
                # Accumulo has no precedence between & and |, so a|b&c is ambiguous: reject it.
                raise self.fail("mixed '&' and '|' without parentheses")
            self.pos += 1
            children.append(self.term(depth))
        if operator is None:
            return children[0]
        return (And if operator == "&" else Or)(tuple(children))

    def term(self, depth: int) -> Node:
        text, start = self.text, self.pos
        if start >= len(text):
            raise self.fail("expected a token or '(' but the expression ends")
        c = text[start]
        if c == "(":
            if depth >= _MAX_DEPTH:
                raise self.fail(f"parentheses nested deeper than {_MAX_DEPTH}")
            if text.startswith("()", start):
                raise self.fail("empty parentheses", start + 1)
            self.pos += 1
            node = self.expression(depth + 1)
            if self.pos >= len(text):
                raise self.fail("unclosed '('", start)
            if text[self.pos] != ")":
                raise self.unexpected()
            self.pos += 1
            return node
        if c == '"':
            return self.quoted()
        match = _UNQUOTED_RE.match(text, start)
        if match:
            self.pos = match.end()
            return Token(match.group())
        # Here the previous character is nothing, '(' or an operator.
        after_operator = start > 0 and text[start - 1] in "&|"
        if c in "&|":
            raise self.fail("two operators in a row" if after_operator else f"operator {c!r} has no left operand")
        if c == ")":
            raise self.fail("operator has no right operand" if after_operator else "unbalanced ')'")
        raise self.fail(f"invalid character {c!r}")

    def quoted(self) -> Token:
        text, start = self.text, self.pos
        out: list[str] = []
        i = start + 1
        while i < len(text):
            c = text[i]
            if c == '"':
                if not out:
                    raise self.fail("empty quoted token", start)
                self.pos = i + 1
                return Token("".join(out))
            if c == "\\":
                if i + 1 < len(text) and text[i + 1] in '"\\':
                    out.append(text[i + 1])
                    i += 2
                    continue
                raise self.fail('bad escape (only \\" and \\\\ are allowed)', i)
            if "\ud800" <= c <= "\udfff":
                # A lone surrogate has no UTF-8 encoding, so it cannot be a stored token.
                raise self.fail("lone surrogate is not valid UTF-8", i)
            out.append(c)
            i += 1
        raise self.fail("unterminated quoted token", start)


@lru_cache(maxsize=4096)
def parse(expression: str) -> Node:
    """Parse a scope expression into a tree; cached because the same few scopes recur on every read."""
    if expression == "":
        return And(())
    parser = _Parser(expression)
    node = parser.expression(0)
    if parser.pos < len(expression):
        raise parser.unexpected()
    return node


def validate(expression: str) -> None:
    """Raise ScopeError unless the expression is well-formed (used when scopes are written)."""
    parse(expression)


@lru_cache(maxsize=16384)
def _visible(expression: str, auths: frozenset[str]) -> bool:
    return parse(expression).evaluate(auths)


def visible(expression: str, auths: frozenset[str]) -> bool:
    """True when a caller holding ``auths`` may see data with this scope; raises ScopeError if invalid."""
    # frozenset() is a no-op on a frozenset and makes a plain set usable as a cache key.
    return _visible(expression, frozenset(auths))


visible.cache_info = _visible.cache_info  # type: ignore[attr-defined]
visible.cache_clear = _visible.cache_clear  # type: ignore[attr-defined]


def tokens(expression: str) -> frozenset[str]:
    """Every (unescaped) token the expression mentions, e.g. to check they are all known auths."""
    found: set[str] = set()
    stack: list[Node] = [parse(expression)]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            found.add(node.name)
        else:
            stack.extend(node.children)
    return frozenset(found)


def quote(token: str) -> str:
    """Render one token for an expression, quoting (and escaping) only when the bare form is not allowed."""
    if token == "":
        raise ValueError("an empty token cannot be rendered")
    if any("\ud800" <= c <= "\udfff" for c in token):
        raise ValueError("token contains a lone surrogate, which is not valid UTF-8")
    if _UNQUOTED_RE.fullmatch(token):
        return token
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'

"""Tests for graphsvc.scope.

Fixed cases are taken from Apache Accumulo's ColumnVisibilityTest and
VisibilityEvaluatorTest and from accumulo-access's testdata.json; property
tests check the parser against an independent evaluator of generated trees.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.scope import And, Or, ScopeError, Token, parse, quote, tokens, validate, visible

# --- validity: ColumnVisibilityTest and accumulo-access testdata.json ----------------------------

VALID = [
    # testEmpty / testSimple
    "",
    "test",
    "(one)",
    # testCompound
    "a|b",
    "a&b",
    "ab&bc",
    "A&B&C&D&E",
    "A|B|C|D|E",
    "(A|B|C)",
    "(A)|B|(C)",
    "A&(B)&(C)",
    "A&B&(L)",
    "_&-&:",
    # testComplexCompound
    "(a|b)&(x|y)",
    "a&(x|y)",
    "A&(L|M)",
    "B&(L|M)",
    "A&B&(L|M)",
    "A&FOO&(L|M)",
    "(A|B)&FOO&(L|M)",
    "A&B&(L|M|FOO)",
    "((A|B|C)|foo)&bar",
    "(one&two)|(foo&bar)",
    "(one|foo)&three",
    "one|foo|bar",
    "(one|foo)|bar",
    "((one|foo)|bar)&two",
    # testNormalization inputs
    "(b|(a|c))&x",
    "(((a)))",
    "(d&c&b&a)|(b&c&a&d)",
    # testQuotes
    '"A"',
    '("A")',
    'A&"B.D"',
    'A&"B\\\\D"',
    'A&"B\\"D"',
    # every unquoted character, and quoted unicode
    "abcdefghijklmnopqrstuzwxyz&ABCDEFGHIJKLMNOPQRSTUVWXYZ&0123456789&/.-_:&Ab3/zy8",
    '"五"&("四"|"五十")',
    '"A#C"|"A?C"',
    '"a b"',  # whitespace is fine inside quotes
    '"(&|)"',
]

INVALID = [
    # testBadCharacters
    "=",
    "*",
    "^",
    "%",
    "@",
    "a*b",
    "A$B",
    "!|a",
    "(a|@)",
    "[A|Z]",
    "{a|c}",
    "#A",
    " ",
    "\n",
    "a b",
    "a\tb",
    " a",
    "a ",
    # testDanglingOperators
    "a|b&",
    "(|a)",
    "|",
    "a|",
    "|a",
    "&",
    "&(five)",
    "|(five)",
    "(five)&",
    "five|",
    "a|(b)&",
    "(&five)",
    "(five|)",
    "five&(four|)",
    "A|(B&)",
    "A|(&B)",
    "&&",
    "a&&b",
    "a|b||c",
    "&|",
    "|&",
    # testMissingSeparators
    "one(five)",
    "(five)one",
    "(one)(two)",
    "a|(b(c))",
    "&a&b(a&b)",
    # testMismatchedParentheses
    "(",
    ")",
    "(a&b",
    "b|a)",
    "A|B)",
    "((A)",
    "))",
    "(A|B))",
    "A&)",
    "(|B",
    # testMixedOperators
    "(A&B)|(C&D)&(E)",
    "a|b&c",
    "A&B&C|D",
    "(a|b)&c|d",
    "(A&B|C)|(C&Z)",
    "(A&B|C)&(D|C&Z)",
    # empty parentheses
    "()",
    "()|()",
    "(A|(B&()))",
    # testQuotes: empty, unterminated, missing separators, bad escapes
    '""',
    '""|A',
    'A&""',
    '("")',
    '"A"A',
    '"A""B"',
    '(A)"B"',
    '"A"(B)',
    '"A',
    '"',
    '"B',
    'A&"B',
    "A&\"B\\'",
    '"\\c"',
    '"\\"',
    '"""',
    '"a\\nb"',
    '"a\\',
]


@pytest.mark.parametrize("expression", VALID)
def test_valid(expression: str) -> None:
    validate(expression)
    assert isinstance(parse(expression), (Token, And, Or))


@pytest.mark.parametrize("expression", INVALID)
def test_invalid(expression: str) -> None:
    with pytest.raises(ScopeError) as info:
        validate(expression)
    err = info.value
    assert err.expression == expression
    assert 0 <= err.position <= len(expression)
    assert f"position {err.position}" in str(err)
    with pytest.raises(ScopeError):
        visible(expression, frozenset({"a", "A", "five"}))
    with pytest.raises(ScopeError):
        tokens(expression)


# --- error positions and messages ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "position", "words"),
    [
        ("a|b&c", 3, "mixed"),
        ("(a|b)&c|d", 7, "mixed"),
        ("a*b", 1, "'*'"),
        ("a b", 1, "' '"),
        ("a|", 2, "ends"),
        ("|a", 0, "'|'"),
        ("(&five)", 1, "'&'"),
        ("five&(four|)", 11, "operand"),
        ("a&&b", 2, "operators"),
        ("()", 1, "empty parentheses"),
        ("x&(a|())", 6, "empty parentheses"),
        ("(a&b", 0, "unclosed"),
        ("b|a)", 3, "unbalanced"),
        (")", 0, "unbalanced"),
        ("one(five)", 3, "missing"),
        ('"A"A', 3, "missing"),
        ('""', 0, "empty quoted"),
        ('a|"b', 2, "unterminated"),
        ('"ab\\c"', 3, "escape"),
        ('"a\ud800"', 2, "surrogate"),
    ],
)
def test_error_position(expression: str, position: int, words: str) -> None:
    with pytest.raises(ScopeError) as info:
        parse(expression)
    err = info.value
    assert (err.position, err.expression) == (position, expression)
    assert words in err.reason
    assert err.reason in str(err) and f"position {position}" in str(err)


def test_scope_error_is_value_error_and_picklable() -> None:
    with pytest.raises(ValueError):
        parse("a|b&c")
    err = ScopeError("a|b&c", 3, "mixed")
    clone = pickle.loads(pickle.dumps(err))
    assert (clone.expression, clone.position, clone.reason, str(clone)) == (
        err.expression,
        err.position,
        err.reason,
        str(err),
    )


def test_deep_nesting_is_a_scope_error_not_recursion_error() -> None:
    assert visible("(" * 50 + "a" + ")" * 50, frozenset({"a"}))
    with pytest.raises(ScopeError, match="nested"):
        parse("(" * 5000 + "a" + ")" * 5000)


# --- evaluation: VisibilityEvaluatorTest and testdata.json ---------------------------------------

ONE_TO_FOUR = frozenset({"one", "two", "three", "four"})
CASES = [
    # testVisibilityEvaluator
    *[(ONE_TO_FOUR, e, True) for e in [
        "",
        "one&two",
        "foor|four",
        "one",
        "one|five",
        "five|one",
        "(one)",
        "(one&two)|(foo&bar)",
        "(one|foo)&three",
        "one|foo|bar",
        "(one|foo)|bar",
        "((one|foo)|bar)&two",
        "one&two&three&four",
        "(one|five|six)&(two|seven|eight)&(three|eleven|nine|twenty)&four",
        "(two&one&four)|(one&five&six)|(three&eleven&nine&twenty)|onehundred",
    ]],
    *[(ONE_TO_FOUR, e, False) for e in [
        "five",
        "one&five",
        "five&one",
        "((one|foo)|bar)&goober",
        "(one&five&six)|(two&seven&eight)|(three&eleven&nine&twenty)|onehundred",
        "one&two&three&four&five",
        "six|seven|eight|nine",
    ]],
    # testQuotedExpressions
    *[(frozenset({"A#C", 'A"C', "A\\C", "AC"}), e, r) for e, r in [
        ('"A#C"|"A?C"', True),
        ('"A\\"C"&"A\\\\C"', True),
        ('("A\\"C"|B)&("A#C"|D)', True),
        ('"A#C"', True),
        ('("A#C")', True),
        ('"A#C"&B', False),
    ]],
    # testNonAscii
    *[(frozenset({"五", "六", "八", "九", "五十"}), e, r) for e, r in [
        ('"五"|"四"', True),
        ('"五"&"四"', False),
        ('"五"&("四"|"九")', True),
        ('"五"&("四"|"五十")', True),
        ('"五"&("四"|"三")', False),
    ]],
    # non-alphanumeric unquoted tokens; quoted and unquoted forms are the same token
    *[(frozenset({"a_b", "a-c", "a/d", "a:e", "a.f"}), e, r) for e, r in [
        ('"a_b"', True),
        ("a_b&a-c&a/d&a:e&a.f", True),
        ('a_b&"a-c"&a/d', True),
        ("(a-z|a-c)&(a/d|a/z)", True),
        ("a_b&a-b&a/d", False),
        ("a_c", False),
    ]],
    *[(frozenset({"_", "-", "/", ":", "."}), e, r) for e, r in [
        ("_&-", True),
        ("_&(a|:)", True),
        ("A&_", False),
        ("B|(_&C)", False),
    ]],
    # no authorisations: only the empty expression is visible
    *[(frozenset(), e, e == "") for e in ["", "A", "A&B", "A|B", "AB&(CD|E)"]],
]


@pytest.mark.parametrize(("auths", "expression", "expected"), CASES)
def test_visible(auths: frozenset[str], expression: str, expected: bool) -> None:
    assert visible(expression, auths) is expected
    assert parse(expression).evaluate(auths) is expected


def test_visible_accepts_plain_set_and_caches() -> None:
    assert visible("a&b", {"a", "b"})  # type: ignore[arg-type]
    before = visible.cache_info().hits  # type: ignore[attr-defined]
    assert visible("a&b", frozenset({"a", "b"}))
    assert visible.cache_info().hits == before + 1  # type: ignore[attr-defined]


# --- trees, tokens(), quote() --------------------------------------------------------------------


def test_parse_tree_shapes() -> None:
    assert parse("") == And(())
    assert parse("(((a)))") == Token("a")
    assert parse('"a"') == parse("a") == Token("a")
    assert parse("a&b&c") == And((Token("a"), Token("b"), Token("c")))
    assert parse("(a|b)&c") == And((Or((Token("a"), Token("b"))), Token("c")))
    assert parse('"A\\"C"&"A\\\\C"') == And((Token('A"C'), Token("A\\C")))


def test_tokens() -> None:
    assert tokens("") == frozenset()
    assert tokens('(a|"b")&a&"五"') == {"a", "b", "五"}
    assert tokens('"x\\"y"|"x\\\\y"') == {'x"y', "x\\y"}


@pytest.mark.parametrize(
    ("token", "rendered"),
    [
        ("A#C", '"A#C"'),
        ('A"C', '"A\\"C"'),
        ('A"\\C', '"A\\"\\\\C"'),
        ("ACS", "ACS"),
        ("a_b-c/d:e.f", "a_b-c/d:e.f"),
        ("九", '"九"'),
        ("五十", '"五十"'),
        ("a b", '"a b"'),
    ],
)
def test_quote(token: str, rendered: str) -> None:
    assert quote(token) == rendered
    assert parse(rendered) == Token(token)


@pytest.mark.parametrize("token", ["", "a\ud800"])
def test_quote_rejects_unrepresentable(token: str) -> None:
    with pytest.raises(ValueError):
        quote(token)


# --- property tests ------------------------------------------------------------------------------
# A generated tree is ("tok", name, force_quote) or (op, children, extra_parens) with op in "&|";
# it is rendered and evaluated here, independently of graphsvc.scope's own Node classes.

_token_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=4)
_token_names = st.one_of(st.sampled_from(["a", "b", "c", "A_1", "x.y/z", "-", ":"]), _token_text)
_leaves = st.tuples(st.just("tok"), _token_names, st.booleans())
_trees = st.recursive(
    _leaves,
    lambda kids: st.tuples(st.sampled_from("&|"), st.lists(kids, min_size=2, max_size=4), st.booleans()),
    max_leaves=12,
)


def _render(tree: tuple, parent_op: str | None = None) -> str:
    kind, payload, flag = tree
    if kind == "tok":
        if flag:  # quote even when not needed: quoted and unquoted forms must agree
            return '"' + payload.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return quote(payload)
    body = kind.join(_render(child, kind) for child in payload)
    # Parentheses are required under a different operator, optional (flag) otherwise.
    needs = parent_op is not None and (parent_op != kind or flag)
    return f"({body})" if needs or (parent_op is None and flag) else body


def _eval(tree: tuple, auths: frozenset[str]) -> bool:
    kind, payload, _ = tree
    if kind == "tok":
        return payload in auths
    results = [_eval(child, auths) for child in payload]
    return all(results) if kind == "&" else any(results)


def _names(tree: tuple) -> set[str]:
    kind, payload, _ = tree
    return {payload} if kind == "tok" else set().union(*(_names(c) for c in payload))


@settings(max_examples=100, deadline=None)
@given(tree=_trees, data=st.data())
def test_generated_trees_round_trip_and_evaluate(tree: tuple, data: st.DataObject) -> None:
    expression = _render(tree)
    names = _names(tree)
    node = parse(expression)
    assert tokens(expression) == names
    assert parse(str(node)) == node  # the canonical rendering re-parses to the same tree
    for _ in range(3):
        auths = data.draw(st.frozensets(st.sampled_from(sorted(names))) | st.frozensets(_token_names, max_size=3))
        assert visible(expression, auths) == _eval(tree, auths) == node.evaluate(auths)


@settings(max_examples=100, deadline=None)
@given(_token_text)
def test_quote_round_trips(token: str) -> None:
    assert tokens(quote(token)) == {token}
    assert visible(quote(token), frozenset({token}))


_fuzz_chars = st.one_of(st.sampled_from(list('ab_五()&|"\\ =*')), st.characters())


@settings(max_examples=200, deadline=None)
@given(st.text(_fuzz_chars, max_size=24))
def test_random_strings_only_raise_scope_error(text: str) -> None:
    try:
        node = parse(text)
    except ScopeError as err:
        assert 0 <= err.position <= len(text)
        assert f"position {err.position}" in str(err)
        return
    assert parse(str(node)) == node
    assert visible(text, tokens(text)) is True  # holding every mentioned token satisfies any scope


def test_a_view_copied_with_other_auths_decides_afresh() -> None:
    """A view remembers which scopes its auths satisfy; a copy with other auths (made with
    dataclasses.replace) must not answer from that memory, while `at` (same auths) may."""
    from dataclasses import replace

    from graphsvc.model import View, build_assertion

    secret = build_assertion(id="a-1", subject="child-1", predicate="name", value="X", agency="police", recorded_by="p",
                             source_ref="S", method="observed", status="fact", scope="police", recorded_at="2026-01-01T00:00:00Z",
                             object=None, role=None, valid_from=None, valid_to=None, source_reliability=None,
                             information_confidence=None, handling="permitted")
    police = View(auths=frozenset({"police"}))
    assert police.may_see(secret)
    assert police.at().may_see(secret) and police.at()._scopes is police._scopes
    assert not replace(police, auths=frozenset({"csc"})).may_see(secret)

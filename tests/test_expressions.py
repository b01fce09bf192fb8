"""The expression whitelist of docs/format.md#expressions: what loads, what is refused, and how fast."""

from __future__ import annotations

import contextlib
import time

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.errors import ExpressionError
from bargaining.expressions import as_expression, indicator_symbol, parameter_symbol, parse_expression

P = ["a", "b", "c", "delta", "T"]


def sym(name: str) -> sympy.Symbol:
    return parameter_symbol(name)


def test_arithmetic_builds_the_sympy_expression() -> None:
    expr = parse_expression("a * delta**T - (b + c) / 2", parameters=P)
    assert expr == sym("a") * sym("delta") ** sym("T") - (sym("b") + sym("c")) / 2


def test_decimal_literals_are_exact_rationals() -> None:
    assert parse_expression("0.1 + 0.2", parameters=[]) == sympy.Rational(3, 10)


def test_functions_of_the_whitelist() -> None:
    expr = parse_expression("min(a, b) + max(a, b, c) + abs(a) + exp(a) + log(b) + sqrt(c)", parameters=P)
    a, b, c = sym("a"), sym("b"), sym("c")
    assert expr == sympy.Min(a, b) + sympy.Max(a, b, c) + sympy.Abs(a) + sympy.exp(a) + sympy.log(b) + sympy.sqrt(c)


def test_indicators_only_where_allowed() -> None:
    indicators = {"KZ": {"sign": indicator_symbol("KZ", "sign"), "out": indicator_symbol("KZ", "out")}}
    expr = parse_expression("KZ.sign * a", parameters=P, indicators=indicators)
    assert expr == indicator_symbol("KZ", "sign") * sym("a")
    with pytest.raises(ExpressionError, match="attribute"):
        parse_expression("KZ.sign * a", parameters=P)
    with pytest.raises(ExpressionError, match="strategy of KZ"):
        parse_expression("KZ.sgn", parameters=P, indicators=indicators)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "call"),
        ("a.__class__", "attribute"),
        ("(lambda: 1)()", "call"),
        ("[1, 2][0]", "subscript"),
        ("a if b else c", "ifexp"),
        ("open('x')", "call of 'open'"),
        ("exec('1')", "call of 'exec'"),
        ("'text'", "constant"),
        ("True", "constant"),
        ("1j", "constant"),
        ("a // b", "'//'"),
        ("a % b", "'%'"),
        ("a < b", "compare"),
        ("a and b", "boolop"),
        ("x", "parameter name"),
        ("a ** 65", "at most 64"),
        ("(a ** 8) ** 9", "product"),
        ("2 ** 2 ** 2 ** 2 ** 2", "at most 64"),
        ("1 / 0", "finite"),
        ("1e999", "finite"),
        ("min()", "argument"),
        ("sqrt(a, b)", "argument"),
        ("max(a, key=b)", "keyword"),
        ("", "empty"),
        ("a +", "syntax"),
        ("a" * 2001, "2000 characters"),
        ("-" * 100 + "a", "depth"),
        ("(" * 70 + "a" + "+1)" * 70, "depth"),
        ("a\n+ b; import os", "syntax"),
    ],
)
def test_hostile_or_malformed_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_expression(text, parameters=P)


def test_python_values_and_foreign_symbols_map_to_parameters() -> None:
    c = sympy.Symbol("c")  # no assumptions: matched by name to the toolkit's real symbol
    assert as_expression(c * 2, parameters=P) == 2 * sym("c")
    assert as_expression(0.5, parameters=P) == sympy.Rational(1, 2)
    with pytest.raises(ExpressionError, match="parameter name"):
        as_expression(sympy.Symbol("zeta"), parameters=P)


ALPHABET = "abcT().*+-/ 0123456789,e_x[]'\"lambdaimportsqrtminlog<>=:;\n"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_random_text_parses_or_raises_expression_error_quickly(text: str) -> None:
    start = time.perf_counter()
    try:
        result = parse_expression(text, parameters=P)
    except ExpressionError:
        pass
    else:
        assert isinstance(result, sympy.Expr)
        assert {s.name for s in result.free_symbols} <= set(P)
    assert time.perf_counter() - start < 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "2", "(", ")", "**", "*", "-", "64", "9", "exp(", "0.5"]), max_size=60))
def test_token_soup_never_escapes_the_error_family(tokens: list[str]) -> None:
    with contextlib.suppress(ExpressionError):
        parse_expression(" ".join(tokens), parameters=P)

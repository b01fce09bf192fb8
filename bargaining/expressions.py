"""Safe arithmetic expressions: text -> Python ``ast`` -> whitelist -> sympy.

A payoff in a scenario file is a string such as ``"p * delta**tau * r - c"`` (docs/format.md#expressions).
It is parsed with :func:`ast.parse` and every node is checked against a whitelist *before* anything
is built: numbers, parameter names, ``+ - * / **``, unary minus, parentheses, the functions
``min max abs exp log sqrt`` and, in normal-form formulas, the indicators ``ACTOR.strategy``.
Only then is the sympy expression built, node by node, with exact rationals for decimal literals
(``0.95`` becomes ``19/20``). The text never reaches ``eval``, ``exec``, ``sympify`` or
``parse_expr``.

Limits that keep a hostile file from hanging the program: at most 2,000 characters, nesting depth
at most 64, every number finite, and numeric exponents of absolute value at most 64 (the product
of numeric exponents nested inside one another too, so ``(9**64)**64`` is refused). An exponent
that contains a parameter, such as ``delta**T``, is allowed: it is only ever evaluated in floating
point.

>>> parse_expression("p * delta**tau * r - c", parameters=["p", "delta", "tau", "r", "c"])
-c + delta**tau*p*r
>>> parse_expression("0.95 * x", parameters=["x"])
19*x/20
>>> parse_expression("__import__('os')", parameters=[])
Traceback (most recent call last):
...
bargaining.errors.ExpressionError: expected one of the functions abs, ..., found a call of '__import__'
"""

from __future__ import annotations

import ast
import functools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy

from bargaining.errors import ExpressionError

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "as_expression",
    "field_expression",
    "indicator_symbol",
    "parameter_symbol",
    "parse_expression",
]

MAX_LENGTH = 2000
MAX_DEPTH = 64
MAX_EXPONENT = 64

FUNCTIONS: Mapping[str, Callable[..., sympy.Expr]] = {
    "abs": sympy.Abs,
    "exp": sympy.exp,
    "log": sympy.log,
    "max": sympy.Max,
    "min": sympy.Min,
    "sqrt": sympy.sqrt,
}
_ARITY = {"abs": (1, 1), "exp": (1, 1), "log": (1, 1), "sqrt": (1, 1), "max": (1, 64), "min": (1, 64)}

_BINOPS: Mapping[type[ast.operator], Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_OPNAMES = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}


def parameter_symbol(name: str) -> sympy.Symbol:
    """The sympy symbol that stands for parameter ``name`` everywhere in the toolkit (real)."""
    return sympy.Symbol(name, real=True)


def indicator_symbol(actor: str, strategy: str) -> sympy.Symbol:
    """The 0/1 symbol ``ACTOR.strategy`` of normal-form payoff formulas."""
    return sympy.Symbol(f"{actor}.{strategy}", real=True)


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else ast.unparse(func)
        return f"a call of {name!r}"
    if isinstance(node, ast.Constant):
        return f"the constant {node.value!r}"
    if isinstance(node, ast.BinOp):
        return f"the operator {_OPNAMES.get(type(node.op), type(node.op).__name__)!r}"
    text = ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__
    kind = type(node).__name__.lower()
    return f"{kind} {text[:40]!r}"


def _check_depth(tree: ast.AST) -> None:
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"nesting depth at most {MAX_DEPTH}", found="a deeper expression")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _number(value: object) -> sympy.Expr:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError("a number", found=f"the constant {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionError("a finite number", found=repr(value))
        return sympy.Rational(repr(value))
    return sympy.Integer(value)


class _Builder:
    """Builds sympy from a checked ``ast`` tree; refuses anything off the whitelist."""

    def __init__(
        self,
        parameters: Mapping[str, sympy.Symbol],
        indicators: Mapping[str, Mapping[str, sympy.Symbol]] | None,
    ) -> None:
        self.parameters = parameters
        self.indicators = indicators

    def build(self, node: ast.AST, power: int = 1) -> sympy.Expr:
        if isinstance(node, ast.Expression):
            return self.build(node.body, power)
        if isinstance(node, ast.Constant):
            return _number(node.value)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Attribute):
            return self._indicator(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.build(node.operand, power)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self._power(node, power)
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise ExpressionError("one of + - * / **", found=_describe(node))
            return op(self.build(node.left, power), self.build(node.right, power))
        if isinstance(node, ast.Call):
            return self._call(node, power)
        raise ExpressionError(
            "numbers, parameter names, + - * / ** and min, max, abs, exp, log, sqrt",
            found=_describe(node),
        )

    def _name(self, name: str) -> sympy.Expr:
        if name in self.parameters:
            return self.parameters[name]
        known = ", ".join(sorted(self.parameters)) or "none declared"
        raise ExpressionError(f"a parameter name ({known})", found=repr(name))

    def _indicator(self, node: ast.Attribute) -> sympy.Expr:
        if self.indicators is None:
            raise ExpressionError("no attribute access here", found=_describe(node))
        if not isinstance(node.value, ast.Name) or node.value.id not in self.indicators:
            actors = ", ".join(sorted(self.indicators))
            raise ExpressionError(f"ACTOR.strategy with an actor among {actors}", found=_describe(node))
        strategies = self.indicators[node.value.id]
        if node.attr not in strategies:
            known = ", ".join(strategies)
            raise ExpressionError(
                f"a strategy of {node.value.id} ({known})", found=repr(f"{node.value.id}.{node.attr}")
            )
        return strategies[node.attr]

    def _power(self, node: ast.BinOp, power: int) -> sympy.Expr:
        exponent = self.build(node.right, 1)
        if exponent.free_symbols:
            return sympy.Pow(self.build(node.left, power), exponent)
        if not exponent.is_real or abs(exponent) > MAX_EXPONENT:
            raise ExpressionError(f"an exponent of absolute value at most {MAX_EXPONENT}", found=str(exponent))
        nested = power * max(1, math.ceil(abs(float(exponent))))
        if nested > MAX_EXPONENT:
            raise ExpressionError(
                f"nested numeric exponents whose product is at most {MAX_EXPONENT}", found=str(nested)
            )
        return sympy.Pow(self.build(node.left, nested), exponent)

    def _call(self, node: ast.Call, power: int) -> sympy.Expr:
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            raise ExpressionError("one of the functions " + ", ".join(sorted(FUNCTIONS)), found=_describe(node))
        if node.keywords:
            raise ExpressionError(f"{func.id}() without keyword arguments", found=_describe(node))
        low, high = _ARITY[func.id]
        if not low <= len(node.args) <= high or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError(
                f"{func.id}() with {low}{'' if low == high else f' to {high}'} argument(s)",
                found=f"{len(node.args)}",
            )
        return FUNCTIONS[func.id](*(self.build(arg, power) for arg in node.args))


class _AnyParameter(dict[str, sympy.Symbol]):
    """A parameter map that accepts any identifier (for games built in Python without a list)."""

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __missing__(self, key: str) -> sympy.Symbol:
        symbol = parameter_symbol(key)
        self[key] = symbol
        return symbol


def allowed_parameters(names: Iterable[str] | None) -> dict[str, sympy.Symbol]:
    """The parameters expressions may use: exactly ``names``, or any identifier when None."""
    if names is None:
        return _AnyParameter()
    return {name: parameter_symbol(name) for name in names}


def numpy_modules() -> list[Any]:
    """numpy translations for lambdify; Min/Max reduce elementwise so scalars and arrays mix."""
    return [
        {
            "Min": lambda *a: functools.reduce(np.minimum, a),
            "Max": lambda *a: functools.reduce(np.maximum, a),
        },
        "numpy",
    ]


def compile_numpy(symbols: Sequence[sympy.Symbol], expressions: Any) -> Callable[..., Any]:
    """One numpy function of ``symbols`` computing ``expressions`` (one, or a list): the only place
    where the toolkit turns sympy into numpy (``sympy.lambdify`` on the safe, already-built expression)."""
    return sympy.lambdify(list(symbols), expressions, modules=numpy_modules())  # type: ignore[no-any-return]


def _parameter_map(parameters: Iterable[str] | Mapping[str, sympy.Symbol]) -> Mapping[str, sympy.Symbol]:
    if isinstance(parameters, Mapping):
        return parameters
    return {name: parameter_symbol(name) for name in parameters}


def parse_expression(
    text: str,
    *,
    parameters: Iterable[str] | Mapping[str, sympy.Symbol],
    indicators: Mapping[str, Mapping[str, sympy.Symbol]] | None = None,
) -> sympy.Expr:
    """Parse ``text`` under the whitelist of docs/format.md#expressions into a sympy expression.

    ``parameters`` names the parameters that may appear; ``indicators`` maps actor -> strategy ->
    symbol for the ``ACTOR.strategy`` notation of normal-form formulas (absent: not allowed).
    Raises :class:`~bargaining.errors.ExpressionError` (a ``ScenarioError``) on anything else.

    >>> parse_expression("max(0, b - k*v)", parameters=["b", "k", "v"])
    Max(0, b - k*v)
    >>> parse_expression("x ** 100", parameters=["x"])
    Traceback (most recent call last):
    ...
    bargaining.errors.ExpressionError: expected an exponent of absolute value at most 64, found 100
    """
    if not isinstance(text, str):
        raise ExpressionError("an expression string", found=type(text).__name__)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"at most {MAX_LENGTH} characters", found=f"{len(text)}")
    if not text.strip():
        raise ExpressionError("an expression", found="an empty string")
    try:
        with warnings.catch_warnings():  # the parser's warnings on odd text are not for the user
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError("an arithmetic expression", found=f"a syntax error ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("an arithmetic expression", found="text the parser cannot read") from None
    _check_depth(tree)
    try:
        expr = _Builder(_parameter_map(parameters), indicators).build(tree)
    except RecursionError:
        raise ExpressionError(f"nesting depth at most {MAX_DEPTH}", found="a deeper expression") from None
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError("a finite expression", found=f"{text.strip()!r}, which is {expr}")
    return sympy.sympify(expr) if not isinstance(expr, sympy.Expr) else expr


def as_expression(
    value: str | float | int | sympy.Expr,
    *,
    parameters: Iterable[str] | Mapping[str, sympy.Symbol],
    indicators: Mapping[str, Mapping[str, sympy.Symbol]] | None = None,
) -> sympy.Expr:
    """An expression given in Python (a string, a number or a sympy expression) as sympy.

    Strings go through :func:`parse_expression`. A sympy expression's symbols are matched to
    parameters (and indicators) by name, so ``sympy.Symbol("c")`` and the toolkit's real ``c``
    are the same parameter; an unknown symbol is an error.

    >>> c, p = sympy.symbols("c p")
    >>> as_expression(c / p, parameters=["c", "p"]).free_symbols == {parameter_symbol("c"), parameter_symbol("p")}
    True
    """
    pmap = _parameter_map(parameters)
    if isinstance(value, str):
        return parse_expression(value, parameters=pmap, indicators=indicators)
    if isinstance(value, bool):
        raise ExpressionError("a number or an expression", found=repr(value))
    if isinstance(value, int | float):
        return _number(value)
    if not isinstance(value, sympy.Expr):
        raise ExpressionError("a string, a number or a sympy expression", found=type(value).__name__)
    by_name: dict[str, sympy.Symbol] = dict(pmap)
    for strategies in (indicators or {}).values():
        by_name.update({s.name: s for s in strategies.values()})
    replace: dict[sympy.Basic, sympy.Basic] = {}
    for symbol in value.free_symbols:
        name = getattr(symbol, "name", str(symbol))
        if name not in by_name:
            known = ", ".join(sorted(pmap)) or "none declared"
            raise ExpressionError(f"a parameter name ({known})", found=repr(name))
        replace[symbol] = by_name[name]
    expr = value.xreplace(replace)
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError("a finite expression", found=str(expr))
    return expr


def field_expression(value: object, where: str, parameters: Iterable[str] | Mapping[str, sympy.Symbol]) -> sympy.Expr:
    """A file's field as an expression: a string or a number, else an error naming the field ``where``.

    >>> field_expression("2 * x", "outcomes.deal.A", ["x"])
    2*x
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float | sympy.Expr):
        raise ExpressionError("an expression string or a number", found=type(value).__name__, field=where)
    try:
        return as_expression(value, parameters=parameters)
    except ExpressionError as err:
        raise err.located(field=where) from None

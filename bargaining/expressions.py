"""Safe arithmetic expressions: text -> Python ``ast`` -> whitelist -> sympy.

A payoff in a scenario file is a string such as ``"p * delta**tau * r - c"`` (docs/format.md#expressions).
It is parsed with :func:`ast.parse` and every node is checked against a whitelist *before* anything
is built: numbers, parameter names, ``+ - * / **``, unary minus, parentheses, the functions
``min max abs exp log sqrt`` and, in normal-form formulas, the indicators ``ACTOR.strategy``.
Only then is the sympy expression built, node by node, with exact rationals for decimal literals
(``0.95`` becomes ``19/20``). The text never reaches ``eval``, ``exec``, ``sympify`` or
``parse_expr``.

Limits that keep a hostile file from hanging the program: at most 2,000 characters, nesting depth
at most 64, every number finite and within the float range (an integer of 400 digits is refused),
numeric exponents of absolute value at most 64 (the product of numeric exponents nested inside one
another too, so ``(9**64)**64`` is refused), exact constants of at most :data:`MAX_BITS` bits, and
an expanded size of total degree at most :data:`MAX_DEGREE` and at most :data:`MAX_TERMS` terms
(:func:`expression_size`: a balanced product of 128 factors ``a**64`` is ``a**8192``, refused). An
exponent that contains a parameter, such as ``delta**T``, is allowed: it is only ever evaluated in
floating point.

Numbers at parameter values: :func:`evaluate_real` evaluates an expression in floating point (on
arrays too) and says why a value is not a finite real number (``sqrt(-1)``, ``log(0)``, ``1e308*10``,
``0/0``); :func:`check_finite_real` raises an error naming the field. :func:`compile_numpy` is the
one sympy -> numpy compiler; the functions it makes never return complex numbers (a value with an
imaginary part is NaN), never see a parameter's name (so a parameter called ``minimum`` or
``reduce`` cannot shadow what they call) and broadcast ``min``, ``max``, ``and``, ``or`` over
arrays and scalars alike.

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
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy
from sympy.printing.numpy import NumPyPrinter

from bargaining.errors import ExpressionError

__all__ = [
    "FUNCTIONS",
    "MAX_BITS",
    "MAX_DEGREE",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_TERMS",
    "as_expression",
    "check_finite_real",
    "compile_numpy",
    "evaluate_real",
    "expression_size",
    "field_expression",
    "indicator_symbol",
    "parameter_symbol",
    "parse_expression",
]

MAX_LENGTH = 2000
MAX_DEPTH = 64
MAX_EXPONENT = 64
#: The largest total degree of an expression once expanded (docs/format.md#budgets).
MAX_DEGREE = 256
#: The most terms an expression may have once expanded, estimated before expanding.
MAX_TERMS = 1_000_000
#: The most bits in the numerator or denominator of an exact constant (about 1,200 digits).
MAX_BITS = 4096
#: The largest finite float, and the base-10 logarithm above which a number overflows it.
FLOAT_MAX = sys.float_info.max
_LOG10_FLOAT_MAX = math.log10(FLOAT_MAX)

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


_PLAIN_NUMBER = re.compile(
    r"[ \t]*([+-]?)[ \t]*((?:0|[1-9][0-9]{0,299})(?:\.[0-9]{0,300})?(?:[eE][+-]?[0-9]{1,3})?)[ \t]*\Z"
)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__


def _check_depth(tree: ast.AST) -> None:
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"nesting depth at most {MAX_DEPTH}", found="a deeper expression")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _digits(n: int) -> int:
    """How many decimal digits ``n`` has (estimated from its bits beyond Python's 4,300-digit limit of
    converting integers to strings)."""
    if abs(n).bit_length() <= 14_000:
        return len(str(abs(n)))
    return math.floor(math.log10(abs(n))) + 1


def _number(value: object) -> sympy.Expr:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError("a number", found=f"the constant {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionError("a finite number", found=repr(value))
        return sympy.Rational(repr(value))
    try:
        float(value)
    except OverflowError:
        raise ExpressionError(
            f"a number within the float range (at most about {FLOAT_MAX:.3g})",
            found=f"an integer of {_digits(value)} digits",
        ) from None
    return sympy.Integer(value)


def _log10_abs(x: sympy.Rational) -> float:
    """``log10 |x|`` of a non-zero exact rational, whatever its size."""
    return math.log10(abs(int(x.p))) - math.log10(int(x.q))


def _check_constant(value: sympy.Expr) -> sympy.Expr:
    """``value``, unless it is an exact rational with more than :data:`MAX_BITS` bits above or below."""
    if isinstance(value, sympy.Rational) and max(int(value.p).bit_length(), int(value.q).bit_length()) > MAX_BITS:
        raise ExpressionError(
            f"exact constants of at most {MAX_BITS} bits (about {round(MAX_BITS * math.log10(2))} digits)",
            found=f"a constant of about {max(_digits(int(value.p)), _digits(int(value.q)))} digits",
        )
    return value


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
                return _check_constant(self._power(node, power))
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise ExpressionError("one of + - * / **", found=_describe(node))
            return _check_constant(op(self.build(node.left, power), self.build(node.right, power)))
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
        base = self.build(node.left, nested)
        if isinstance(base, sympy.Rational) and base != 0:  # a number: its size before sympy computes it
            size = float(exponent) * _log10_abs(base)
            if size > _LOG10_FLOAT_MAX:
                raise ExpressionError(
                    f"a number within the float range (at most about {FLOAT_MAX:.3g})",
                    found=f"a power of about 1e{size:.0f}",
                )
        return sympy.Pow(base, exponent)

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
        args = [self.build(arg, power) for arg in node.args]
        for arg in args:
            if isinstance(arg, sympy.Rational) and arg != 0 and _log10_abs(arg) > _LOG10_FLOAT_MAX:
                raise ExpressionError(
                    f"an argument of {func.id}() within the float range (at most about {FLOAT_MAX:.3g})",
                    found=f"a number of about 1e{_log10_abs(arg):.0f}",
                )
        try:
            return FUNCTIONS[func.id](*args)
        except (TypeError, ValueError):  # min/max of zoo (1/0), nan (0/0) or I: "not comparable"
            raise ExpressionError(
                f"{func.id}() of finite real numbers",
                found=f"{ast.unparse(node)[:60]!r}, with an argument that is not one",
            ) from None


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


class _NumpyPrinter(NumPyPrinter):  # type: ignore[misc]
    """numpy code for the toolkit's expressions: ``min``/``max``/``and``/``or`` as nested binary calls
    (they broadcast a scalar against an array, where ``reduce((x, y))`` builds a ragged array), and
    integers or rationals too large for numpy's integers as float literals (``inf`` beyond the range)."""

    def _nested(self, op: str, args: Sequence[sympy.Basic]) -> str:
        if len(args) == 1:
            return str(self._print(args[0]))
        half = len(args) // 2
        return f"{op}({self._nested(op, args[:half])}, {self._nested(op, args[half:])})"

    def _print_Add(self, expr: sympy.Basic, order: str | None = None) -> str:
        """A long sum as a balanced tree of ``+`` (a chain of 3,600 terms overflows Python's compiler)."""
        if len(expr.args) <= 32:
            return str(super()._print_Add(expr, order))

        def balanced(terms: Sequence[sympy.Basic]) -> str:
            if len(terms) == 1:
                return f"({self._print(terms[0])})"
            half = len(terms) // 2
            return f"({balanced(terms[:half])} + {balanced(terms[half:])})"

        return balanced(expr.args)

    def _print_Min(self, expr: sympy.Basic) -> str:
        return self._nested(self._module_format("numpy.minimum"), expr.args)

    def _print_Max(self, expr: sympy.Basic) -> str:
        return self._nested(self._module_format("numpy.maximum"), expr.args)

    def _print_And(self, expr: sympy.Basic) -> str:
        return self._nested(self._module_format("numpy.logical_and"), expr.args)

    def _print_Or(self, expr: sympy.Basic) -> str:
        return self._nested(self._module_format("numpy.logical_or"), expr.args)

    def _print_Heaviside(self, expr: sympy.Basic) -> str:
        """``numpy.heaviside`` (sympy's printer rewrites it as a Piecewise, simplifying for seconds)."""
        h0 = expr.args[1] if len(expr.args) > 1 else sympy.S.Half
        return f"{self._module_format('numpy.heaviside')}({self._print(expr.args[0])}, {self._print(h0)})"

    def _print_Piecewise(self, expr: sympy.Basic) -> str:
        """Nested ``where(cond, value, rest)``: conditions and values broadcast, scalars or arrays."""
        from sympy.logic.boolalg import ITE, simplify_logic

        where = self._module_format("numpy.where")
        out = str(self._module_format("numpy.nan"))
        for piece in reversed(expr.args):
            cond = piece.cond
            text = self._print(simplify_logic(cond) if cond.has(ITE) else cond)
            out = f"{where}({text}, {self._print(piece.expr)}, {out})"
        return out

    def _float_literal(self, p: int, q: int) -> str:
        try:
            x = p / q
        except OverflowError:
            x = math.inf if p > 0 else -math.inf
        if math.isinf(x):
            return f"({'-' if x < 0 else ''}{self._module_format('numpy.inf')})"
        return f"({x!r})"

    def _print_Integer(self, expr: sympy.Integer) -> str:
        if abs(int(expr.p)) <= 2**53:
            return str(super()._print_Integer(expr))
        return self._float_literal(int(expr.p), 1)

    def _print_Rational(self, expr: sympy.Rational) -> str:
        if max(abs(int(expr.p)), int(expr.q)) <= 2**53:
            return str(super()._print_Rational(expr))
        return self._float_literal(int(expr.p), int(expr.q))


def _real_values(value: Any) -> Any:
    """``value`` with every complex number replaced by its real part when that is all it has, else NaN."""
    if isinstance(value, list | tuple):
        return type(value)(_real_values(v) for v in value)
    if isinstance(value, complex | np.complexfloating):
        return float(value.real) if value.imag == 0 else math.nan
    if isinstance(value, np.ndarray) and np.iscomplexobj(value):
        return np.where(value.imag == 0, value.real, np.nan)
    return value


def compile_numpy(symbols: Sequence[sympy.Symbol], expressions: Any) -> Callable[..., Any]:
    """One numpy function of ``symbols`` computing ``expressions`` (one, or a list): the only place
    where the toolkit turns sympy into numpy (``sympy.lambdify`` on the safe, already-built expression).

    The symbols are renamed ``_arg0, _arg1, ...`` first, so no parameter name (``minimum``, ``reduce``,
    ``select``, ``sum``) can shadow a function the generated code calls; ``min``/``max`` broadcast; a
    value with an imaginary part comes back as NaN, never as a complex number or its real part.

    >>> minimum, x = parameter_symbol("minimum"), parameter_symbol("x")
    >>> f = compile_numpy([minimum, x], sympy.Min(minimum, x, 2) + sympy.log(10**30) + sympy.sqrt(x))
    >>> f(np.array([0.5, 3.0]), 4.0) - math.log(1e30)  # min(0.5, 4, 2) + 2 and min(3, 4, 2) + 2
    array([2.5, 4. ])
    >>> bool(np.isnan(compile_numpy([x], sympy.Pow(x, sympy.Rational(1, 3)))(-8.0)))
    True
    """
    args = list(symbols)
    safe = {s: sympy.Symbol(f"_arg{k}", real=True) for k, s in enumerate(args)}

    def rename(e: Any) -> Any:
        if isinstance(e, list | tuple):
            return type(e)(rename(x) for x in e)
        return e.xreplace(safe) if isinstance(e, sympy.Basic) else e

    printer = _NumpyPrinter(
        {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True, "user_functions": {}}
    )
    f = sympy.lambdify([safe[s] for s in args], rename(expressions), modules="numpy", printer=printer)

    @functools.wraps(f)
    def real(*values: Any) -> Any:
        return _real_values(f(*values))

    return real


# --------------------------------------------------------------------------------- size and values

_CAP = 10**30  # sizes are capped here: beyond it, only "too large" matters


def _monomials(terms: int, n: int) -> int:
    """How many monomials ``(t_1 + ... + t_terms)**n`` has once expanded: C(terms + n - 1, n), capped."""
    if terms <= 1 or n == 0:
        return 1
    k = min(n, terms - 1)
    top = terms + n - 1
    out = 1
    for i in range(k):
        out = out * (top - i) // (i + 1)
        if out > _CAP:
            return _CAP
    return out


def expression_size(expr: sympy.Basic) -> tuple[int, int]:
    """``(degree, terms)``: the total degree of ``expr`` once expanded and an estimate of its number of
    terms, computed from its tree before anything is expanded (both capped at 10**30).

    Symbols count as degree 1; sums take the largest degree and add their terms; products add degrees
    and multiply terms; ``b**n`` with a numeric ``n`` has ``n`` times the degree of ``b`` and
    C(t + n - 1, n) terms if ``b`` has ``t`` (the monomials of degree ``n`` in ``t`` terms; ``|n|`` for
    a denominator, the ceiling for a root); functions (``exp``, ``log``, ``min``...) and powers with a
    symbolic exponent take the largest degree and the sum of terms of their arguments. The estimate
    is an upper bound (nothing cancels).

    >>> a, b, c, d, e = (parameter_symbol(n) for n in "abcde")
    >>> expression_size((a + b + c + d + e)**8)
    (8, 495)
    >>> expression_size(sympy.Mul(*[a**64] * 128))
    (8192, 1)
    >>> expression_size(sympy.Add(*(parameter_symbol(n) for n in "abcdefgh"))**64)
    (64, 1329890705)
    """
    memo: dict[sympy.Basic, tuple[int, int]] = {}

    def size(e: sympy.Basic) -> tuple[int, int]:
        hit = memo.get(e)
        if hit is not None:
            return hit
        out: tuple[int, int]
        if not e.free_symbols:
            out = (0, 1)
        elif e.is_Symbol:
            out = (1, 1)
        elif e.is_Add:
            parts = [size(a) for a in e.args]
            out = (max(d for d, _ in parts), min(_CAP, sum(t for _, t in parts)))
        elif e.is_Mul:
            parts = [size(a) for a in e.args]
            out = (min(_CAP, sum(d for d, _ in parts)), min(_CAP, math.prod(t for _, t in parts)))
        elif e.is_Pow and e.args[1].is_Rational:
            degree, terms = size(e.args[0])
            exponent = e.args[1]
            n = min(_CAP, -(-abs(int(exponent.p)) // int(exponent.q)))  # ceil(|p/q|) in integers
            out = (min(_CAP, degree * n), _monomials(terms, n) if exponent.is_Integer else terms)
        else:  # functions, and powers with a symbolic exponent
            parts = [size(a) for a in e.args]
            out = (max(d for d, _ in parts), min(_CAP, sum(t for _, t in parts)))
        memo[e] = out
        return out

    return size(expr)


def _check_size(expr: sympy.Basic) -> None:
    degree, terms = expression_size(expr)
    if degree > MAX_DEGREE:
        raise ExpressionError(f"a total degree of at most {MAX_DEGREE} once expanded", found=f"degree {degree}")
    if terms > MAX_TERMS:
        raise ExpressionError(f"at most {MAX_TERMS:,} terms once expanded", found=f"about {terms:.3g} terms")


def _short(expr: object, limit: int = 80) -> str:
    """``str(expr)`` cut to ``limit`` characters (and safe for numbers too long to print)."""
    if isinstance(expr, sympy.Rational) and expr != 0 and abs(_log10_abs(expr)) > 20:
        return f"about {'-' if expr < 0 else ''}1e{_log10_abs(expr):.0f}"
    try:
        text = str(expr)
    except ValueError:  # an integer past Python's int-to-string limit
        return f"a {type(expr).__name__} too long to print"
    return text if len(text) <= limit else text[: limit - 3] + "..."


FloatArray = npt.NDArray[np.float64]


def _rational_float(x: sympy.Rational) -> float:
    try:
        return int(x.p) / int(x.q)
    except OverflowError:
        return math.inf if x.p > 0 else -math.inf


class _RealEvaluator:
    """Evaluates a sympy expression in float64 (scalars or broadcast arrays), noting what goes wrong."""

    def __init__(self, values: Mapping[str, npt.ArrayLike]) -> None:
        self.values = values
        self.complex = False  # a root, log or fractional power of a negative number was taken
        self.division = False  # a division by zero
        self.memo: dict[sympy.Basic, FloatArray] = {}

    def __call__(self, e: sympy.Basic) -> FloatArray:
        hit = self.memo.get(e)
        if hit is None:
            with np.errstate(all="ignore"):
                hit = self._evaluate(e)
            self.memo[e] = hit
        return hit

    def _evaluate(self, e: sympy.Basic) -> FloatArray:
        if e.is_Symbol:
            name = str(getattr(e, "name", e))
            if name not in self.values:
                raise ExpressionError("a value for every parameter", found=f"none for {name}")
            return np.asarray(self.values[name], dtype=float)
        if e.is_Rational:
            return np.asarray(_rational_float(e))
        if e in (sympy.nan, sympy.zoo):
            return np.asarray(math.nan)
        if e.is_Float or e.is_NumberSymbol or e in (sympy.oo, -sympy.oo):
            return np.asarray(float(e))
        if e is sympy.I:
            self.complex = True
            return np.asarray(math.nan)
        if e.is_Add:
            return functools.reduce(np.add, (self(a) for a in e.args))
        if e.is_Mul:
            return functools.reduce(np.multiply, (self(a) for a in e.args))
        if e.is_Pow:
            base, exponent = self(e.args[0]), self(e.args[1])
            out = np.power(base, exponent)
            if np.any((base < 0) & (exponent != np.floor(exponent)) & np.isfinite(exponent)):
                self.complex = True
            if np.any((base == 0) & (exponent < 0)):
                self.division = True
            return np.asarray(out, dtype=float)
        if isinstance(e, sympy.exp):
            return np.exp(self(e.args[0]))
        if isinstance(e, sympy.log) and len(e.args) == 1:
            x = self(e.args[0])
            if np.any(x < 0):
                self.complex = True
            return np.log(x)
        if isinstance(e, sympy.Abs):
            return np.abs(self(e.args[0]))
        if isinstance(e, sympy.Min | sympy.Max):
            op = np.minimum if isinstance(e, sympy.Min) else np.maximum
            return functools.reduce(op, (self(a) for a in e.args))
        # anything else (sin, Piecewise, ... from Python): numpy through the one compiler
        symbols = sorted(e.free_symbols, key=lambda s: str(s))
        missing = [str(s) for s in symbols if str(s) not in self.values]
        if missing:
            raise ExpressionError("a value for every parameter", found=f"none for {', '.join(missing)}")
        value = compile_numpy(symbols, e)(*(np.asarray(self.values[str(s)], dtype=float) for s in symbols))
        return np.asarray(value, dtype=float)

    def reason(self, value: FloatArray) -> str | None:
        """Why ``value`` is not a finite real number everywhere (None: it is)."""
        if np.all(np.isfinite(value)):
            return None
        if np.any(np.isnan(value)):
            if self.complex:
                return "not a real number (a root, logarithm or fractional power of a negative number)"
            if self.division:
                return "undefined (a division by zero)"
            return "undefined (NaN: 0/0, inf - inf or 0 * inf)"
        if self.division:
            return "infinite (a division by zero)"
        return f"infinite or beyond the float range (about {FLOAT_MAX:.3g})"


def evaluate_real(expr: sympy.Basic, values: Mapping[str, npt.ArrayLike]) -> tuple[FloatArray, str | None]:
    """``expr`` in floating point at ``values`` (parameter name -> number or array, broadcast together),
    and why it is not a finite real number where it is not (None when it is everywhere).

    Every operation is the float64 one; a square root, logarithm or fractional power of a negative
    number is NaN (its imaginary part is never dropped), a division by zero is infinite, and a
    number beyond the float range (``1e308*10``, ``exp(exp(exp(exp(10))))``) is infinite.

    >>> x = parameter_symbol("x")
    >>> evaluate_real(sympy.sqrt(x - 1), {"x": 5.0})
    (array(2.), None)
    >>> evaluate_real(sympy.sqrt(x - 1), {"x": 0.0})[1]
    'not a real number (a root, logarithm or fractional power of a negative number)'
    >>> evaluate_real(sympy.exp(sympy.exp(sympy.exp(sympy.exp(10)))), {})[1]
    'infinite or beyond the float range (about 1.8e+308)'
    """
    evaluator = _RealEvaluator(values)
    value = evaluator(sympy.sympify(expr))
    return value, evaluator.reason(value)


def check_finite_real(
    expr: sympy.Basic,
    values: Mapping[str, npt.ArrayLike],
    *,
    field: str | None = None,
    where: str = "at the default values",
) -> FloatArray:
    """``expr`` at ``values`` (see :func:`evaluate_real`), or an ``ExpressionError`` naming ``field``
    and saying why it is not a finite real number ``where``.

    >>> check_finite_real(sympy.sqrt(parameter_symbol("x")), {"x": -1.0}, field="payoffs[0].X")
    Traceback (most recent call last):
    ...
    bargaining.errors.ExpressionError: payoffs[0].X: expected a finite real number at the default values, \
found sqrt(x), which is not a real number (a root, logarithm or fractional power of a negative number)
    """
    value, reason = evaluate_real(expr, values)
    if reason is not None:
        raise ExpressionError(f"a finite real number {where}", found=f"{_short(expr)}, which is {reason}", field=field)
    return value


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
    plain = _PLAIN_NUMBER.match(text)
    if plain:  # a number alone, as most entries of a payoff table: what the parser would build, faster
        sign, digits = plain.group(1), plain.group(2)
        value = _number(int(digits) if digits.isdigit() else float(digits))
        return -value if sign == "-" else value
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
    except ExpressionError:
        raise
    except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
        raise ExpressionError(
            "an arithmetic expression of real numbers", found=f"{text.strip()[:60]!r} ({_first_line(exc)})"
        ) from None
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError("a finite expression", found=f"{text.strip()[:60]!r}, which is {_short(expr)}")
    expr = sympy.sympify(expr) if not isinstance(expr, sympy.Expr) else expr
    _check_size(expr)
    return expr


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
        raise ExpressionError("a finite expression", found=_short(expr))
    _check_size(expr)
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

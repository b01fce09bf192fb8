r"""The sign of an expression over a box of parameters: decided by sympy, confirmed by sampling.

Comparative statics ask whether :math:`\partial r^*/\partial q` is positive, negative, zero or of
changing sign as the parameters range over their declared ``[min, max]``. The decision is made, in
order, by

1. **simplification**: an expression that simplifies to 0 is ``"0"``;
2. **assumptions**: each parameter becomes a sympy symbol that knows its bounds' signs (positive,
   non-negative, ...), and sympy's assumption system decides the factored expression's sign;
3. **interval arithmetic**: each factor is evaluated on the box with ``sympy.AccumBounds``;

and every decision is then **confirmed by sampling** the expression at the box's corners and at
random points. Sampling also settles ``"?"``: points of both signs are witnesses that the sign
changes inside the box. A sign seen by sampling alone, where sympy could not prove it, is reported
with ``proven=False``, never passed off as a proof.

A ``"+"`` or ``"-"`` is **strict** (``strict=True``) only when every factor of the factored
expression is proven non-zero on the box (by assumptions or intervals; factors with a negative
exponent are poles, not zeros). Otherwise the sign is weak, :math:`\ge 0` or :math:`\le 0`, and
``zeros`` says where it vanishes: each factor that is 0 when one parameter sits at a bound of its
range (``tau = 0``), or, inside the box, where the factor is 0 (``c - 5 = 0``).

>>> c, p, tau = sympy.symbols("c p tau", real=True)
>>> sign_over_box(-c / p**2, {c: (0.0, 10.0), p: (0.01, 1.0)}).description
'<= 0, = 0 at c = 0'
>>> sign_over_box(-c / p**2, {c: (1.0, 10.0), p: (0.01, 1.0)}).description
'< 0'
>>> sign_over_box(c - 5, {c: (0.0, 10.0)}).sign
'?'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import sympy

from bargaining.expressions import compile_numpy

__all__ = ["Sign", "SignResult", "bounded_symbols", "interval_on_box", "sampled_sign", "sign_over_box"]

Sign = Literal["+", "-", "0", "?"]
Box = Mapping[sympy.Symbol, tuple[float, float]]


@dataclass(frozen=True)
class SignResult:
    """A sign over a box and how it was established (``method``), with what sampling saw.

    ``strict`` is True for a ``"+"`` or ``"-"`` proven never to be 0 on the box; a weak sign
    (``strict=False``) is 0 somewhere, where ``zeros`` says (``"tau = 0"``), or could not be proven
    to stay away from 0 (``zeros`` empty). ``description`` reads ``"<= 0, = 0 at tau = 0"``,
    ``"< 0"``, ``"= 0"`` or ``"changes sign"``; ``text`` is the same with ``≤``/``≥``.
    """

    sign: Sign
    proven: bool
    method: str
    sampled: Sign
    strict: bool = False
    zeros: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        if self.sign == "0":
            return "= 0"
        if self.sign == "?":
            return "changes sign"
        if self.strict:
            return "> 0" if self.sign == "+" else "< 0"
        weak = ">= 0" if self.sign == "+" else "<= 0"
        if self.zeros:
            return f"{weak}, = 0 at {' or '.join(self.zeros)}"
        return f"{weak} (not proven to stay away from 0)"

    @property
    def text(self) -> str:
        """``description`` with ``≤`` and ``≥``."""
        return self.description.replace("<=", "≤").replace(">=", "≥")

    def __str__(self) -> str:
        return self.text if self.proven else f"{self.text} (sampled, not proven)"


def _assumed_symbol(symbol: sympy.Symbol, lo: float, hi: float) -> sympy.Symbol:
    kw: dict[str, bool] = {"real": True}
    if lo > 0:
        kw["positive"] = True
    elif lo >= 0:
        kw["nonnegative"] = True
    elif hi < 0:
        kw["negative"] = True
    elif hi <= 0:
        kw["nonpositive"] = True
    return sympy.Dummy(symbol.name, **kw)


def _sign_by_assumptions(expr: sympy.Expr) -> Sign | None:
    if expr.is_zero:
        return "0"
    if expr.is_positive or expr.is_nonnegative:
        return "+"
    if expr.is_negative or expr.is_nonpositive:
        return "-"
    return None


def interval_on_box(expr: sympy.Expr, box: Box) -> tuple[sympy.Expr, sympy.Expr] | None:
    """An enclosure ``(lo, hi)`` of ``expr`` over the box by interval arithmetic (``sympy.AccumBounds``),
    or None where sympy cannot give one."""
    bounds = {s: sympy.AccumBounds(_num(lo), _num(hi)) for s, (lo, hi) in box.items() if s in expr.free_symbols}
    try:
        value = expr.xreplace(bounds) if bounds else expr
        value = sympy.sympify(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if isinstance(value, sympy.AccumBounds):
        return value.min, value.max
    if value.is_number and value.is_real:
        return value, value
    return None


def bounded_symbols(box: Box) -> dict[sympy.Symbol, sympy.Symbol]:
    """Each symbol of the box replaced by one that knows its bounds' signs (positive, non-negative, ...)."""
    return {s: _assumed_symbol(s, lo, hi) for s, (lo, hi) in box.items()}


def _sign_by_intervals(expr: sympy.Expr, box: Box) -> Sign | None:
    found = interval_on_box(expr, box)
    if found is None:
        return None
    lo, hi = found
    if lo.is_nonnegative:
        return "+" if not (lo == 0 and hi == 0) else "0"
    if hi.is_nonpositive:
        return "-"
    return None


def _num(x: float) -> sympy.Expr:
    if math.isinf(x):
        return sympy.oo if x > 0 else -sympy.oo
    return sympy.Rational(repr(float(x)))


def _combine(signs: list[Sign]) -> Sign:
    if "0" in signs:
        return "0"
    negatives = sum(1 for s in signs if s == "-")
    return "-" if negatives % 2 else "+"


def _factor_signs(expr: sympy.Expr, box: Box, assumed: Mapping[sympy.Symbol, sympy.Symbol]) -> Sign | None:
    """Sign of a product from the signs of its factors (each by assumptions, then intervals)."""
    factored = sympy.factor(expr)
    coeff, factors = factored.as_coeff_mul()
    signs: list[Sign] = ["+" if coeff > 0 else "-" if coeff < 0 else "0"]
    for f in factors:
        base, exp = f.as_base_exp()
        if exp.is_integer and exp.is_even:
            signs.append("+")
            continue
        s = _sign_by_assumptions(f.xreplace(assumed)) or _sign_by_intervals(f, box)
        if s is None and exp.is_integer:
            s = _sign_by_assumptions(base.xreplace(assumed)) or _sign_by_intervals(base, box)
        if s is None:
            return None
        signs.append(s)
    return _combine(signs)


def _nonzero(expr: sympy.Expr, box: Box, assumed: Mapping[sympy.Symbol, sympy.Symbol]) -> bool:
    """Proven never 0 on the box: by the bounded symbols' assumptions, else by an interval enclosure."""
    if expr.xreplace(assumed).is_nonzero:
        return True
    found = interval_on_box(expr, box)
    return found is not None and bool(found[0].is_positive or found[1].is_negative)


def _bound_text(x: float) -> str:
    return f"{x:g}"


def _zeros(
    expr: sympy.Expr, box: Box, assumed: Mapping[sympy.Symbol, sympy.Symbol], samples: int, seed: int
) -> tuple[bool, tuple[str, ...]]:
    """Whether ``expr`` is proven non-zero on the box, and where its factors vanish: at a bound of one
    parameter (``"tau = 0"``), or, when a factor changes sign or touches 0 inside, ``"<factor> = 0"``."""
    _, factors = sympy.factor(expr).as_coeff_mul()
    strict = True
    where: list[str] = []
    for f in factors:
        base, exponent = f.as_base_exp()
        if exponent.is_negative:  # a pole, not a zero
            continue
        if _nonzero(f, box, assumed):
            continue
        strict = False
        found = []
        for s in sorted(f.free_symbols & set(box), key=lambda s: s.name):
            for bound in box[s]:
                if math.isfinite(bound) and sympy.simplify(f.xreplace({s: _num(bound)})) == 0:
                    found.append(f"{s.name} = {_bound_text(bound)}")
        if not found and _sampled_sign(base, box, samples, seed) in ("?", "0"):
            found.append(f"{base} = 0")
        where += found
    return strict, tuple(dict.fromkeys(where))


def _sampling_box(lo: float, hi: float) -> tuple[float, float]:
    if math.isfinite(lo) and math.isfinite(hi):
        return lo, hi
    if math.isfinite(lo):
        return lo, lo + 10.0 * (1.0 + abs(lo))
    if math.isfinite(hi):
        return hi - 10.0 * (1.0 + abs(hi)), hi
    return -10.0, 10.0


MAX_CORNERS = 1024
"""Corners of the box sampled: all of them up to 10 parameters, else this many, drawn at random."""


def _corners(ranges: list[tuple[float, float]], rng: np.random.Generator) -> np.ndarray:
    """The box's corners (one column each): every one of the :math:`2^k` for k <= 10 parameters, else
    :data:`MAX_CORNERS` drawn at random (never the whole :math:`2^k`, which numpy cannot even index)."""
    lo = np.array([r[0] for r in ranges], dtype=float)
    hi = np.array([r[1] for r in ranges], dtype=float)
    k = len(ranges)
    if 2**k <= MAX_CORNERS:
        bits = (np.arange(2**k)[None, :] >> np.arange(k)[::-1, None]) & 1
    else:
        bits = rng.integers(0, 2, size=(k, MAX_CORNERS))
    return np.where(bits == 1, hi[:, None], lo[:, None])


def _sampled_sign(expr: sympy.Expr, box: Box, samples: int, seed: int, within: sympy.Expr | None = None) -> Sign:
    free = expr.free_symbols | (within.free_symbols if within is not None else set())
    symbols = sorted((s for s in free if s in box), key=lambda s: s.name)
    f = compile_numpy(symbols, expr)
    g = compile_numpy(symbols, within) if within is not None else None
    rng = np.random.default_rng(seed)
    ranges = [_sampling_box(*box[s]) for s in symbols]
    if symbols:
        corners = _corners(ranges, rng)
        random = np.array([rng.uniform(lo, hi, samples) for lo, hi in ranges])
        points = np.hstack([corners, random])
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(f(*points), dtype=float), (points.shape[1],)).copy()
            if g is not None:  # only where the quantity differentiated exists (a real, finite number)
                defined = np.broadcast_to(np.asarray(g(*points), dtype=complex), values.shape)
                values[~(np.isfinite(defined) & (np.abs(defined.imag) < 1e-12))] = np.nan
    else:
        values = np.array([float(expr)])
    values = values[np.isfinite(values)]
    scale = max(1.0, float(np.max(np.abs(values)))) if values.size else 1.0
    pos = bool(np.any(values > 1e-12 * scale))
    neg = bool(np.any(values < -1e-12 * scale))
    return "?" if pos and neg else "+" if pos else "-" if neg else "0"


def sign_over_box(
    expr: sympy.Expr, box: Box, *, samples: int = 2000, seed: int = 0, within: sympy.Expr | None = None
) -> SignResult:
    """The sign of ``expr`` as its symbols range over ``box`` (symbol -> (min, max)).

    Symbols of ``expr`` missing from ``box`` range over the whole real line. With ``within`` (the
    quantity whose derivative ``expr`` is), sampling keeps only points where it is a real number,
    so a threshold that does not exist somewhere in the box does not make its statics "?" there.
    """
    full: dict[sympy.Symbol, tuple[float, float]] = dict(box)
    for s in expr.free_symbols:
        full.setdefault(s, (-math.inf, math.inf))
    if within is not None:
        for s in within.free_symbols:
            full.setdefault(s, (-math.inf, math.inf))
    sampled = _sampled_sign(expr, full, samples, seed, within)
    if sympy.simplify(expr) == 0:
        return SignResult("0", True, "simplifies to 0", sampled)
    assumed = {s: _assumed_symbol(s, lo, hi) for s, (lo, hi) in full.items()}
    decided = _sign_by_assumptions(sympy.factor(expr).xreplace(assumed))
    method = "sympy assumptions"
    if decided is None:
        decided = _factor_signs(expr, full, assumed)
        method = "sympy assumptions and interval arithmetic on each factor"
    if decided is not None:
        if sampled in (decided, "0"):
            return _with_zeros(
                SignResult(decided, True, method + ", confirmed by sampling", sampled), expr, full, samples
            )
        return SignResult("?", False, f"{method} said {decided} but sampling found {sampled}", sampled)
    if sampled == "?":
        return SignResult("?", True, "sampling found points of both signs", sampled)
    return _with_zeros(
        SignResult(sampled, False, "sampling only: sympy could not decide", sampled), expr, full, samples
    )


def sampled_sign(
    expr: sympy.Expr, box: Box, *, samples: int = 2000, seed: int = 0, within: sympy.Expr | None = None
) -> SignResult:
    """The sign of ``expr`` over ``box`` by sampling alone (``proven=False``): what sympy's proofs fall
    back to when they are over the budget (:func:`bargaining.analysis.statics.comparative_statics`).

    >>> c = sympy.Symbol("c", real=True)
    >>> str(sampled_sign(c + 1, {c: (0.0, 1.0)}))
    '≥ 0 (not proven to stay away from 0) (sampled, not proven)'
    """
    full: dict[sympy.Symbol, tuple[float, float]] = dict(box)
    for s in expr.free_symbols | (within.free_symbols if within is not None else set()):
        full.setdefault(s, (-math.inf, math.inf))
    found = _sampled_sign(expr, full, samples, seed, within)
    return SignResult(found, False, "sampling only: sympy's proof was over the budget", found)


def _with_zeros(result: SignResult, expr: sympy.Expr, box: Box, samples: int) -> SignResult:
    """``result`` with ``strict`` and ``zeros`` filled in for a ``"+"`` or ``"-"``."""
    if result.sign not in ("+", "-"):
        return result
    assumed = {s: _assumed_symbol(s, lo, hi) for s, (lo, hi) in box.items()}
    strict, zeros = _zeros(expr, box, assumed, max(200, samples // 4), 1)
    return replace(result, strict=strict, zeros=zeros)

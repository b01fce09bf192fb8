r"""Exact equilibria: on the support a numeric solver found, sympy solves the indifference conditions.

At a mixed equilibrium :math:`(x, y)` of a bimatrix game with symbolic payoffs :math:`A, B`, the
row actor's mixture makes every column in the column actor's best-response set indifferent:
:math:`\sum_{i\in S_1} x_i B_{ij} = v` for those columns and :math:`\sum_{i \in S_1} x_i = 1`;
symmetrically for :math:`y` with :math:`A` (Nisan et al. 2007, ch. 3, eq. 3.3). These are linear in
the probabilities, so :func:`sympy.linsolve` gives them as formulas in the parameters, such as
the inspection game's :math:`P(\text{monitor}) = e/f` (docs/models.md#the-inspection-game). Each formula is checked
against the numeric equilibrium at the parameter values; one that disagrees, or that the equations
do not pin down, is not reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import sympy

__all__ = ["Entries", "exact_mixture", "indifference", "matches"]


class Entries(Protocol):
    """A table of symbolic payoffs ``M[s, t]`` with a ``shape``: an object array, or entries worked out on demand."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __getitem__(self, key: Any) -> Any: ...


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    out = sympy.factor(sympy.cancel(expr))
    return out if sympy.count_ops(out) <= sympy.count_ops(expr) else expr


def matches(expr: sympy.Expr, value: float, values: Mapping[str, float], tol: float = 1e-7) -> bool:
    """Whether ``expr`` evaluated at the parameter ``values`` equals ``value`` to within ``tol``."""
    subs = {
        s: sympy.Float(values[s.name], 30)
        for s in expr.free_symbols
        if isinstance(s, sympy.Symbol) and s.name in values
    }
    try:
        got = complex(expr.xreplace(subs).evalf(20))
    except (TypeError, ValueError):
        return False
    return abs(got.imag) <= tol and abs(got.real - value) <= tol * max(1.0, abs(value))


def indifference(
    M: Entries, support: Sequence[int], tight: Sequence[int]
) -> tuple[tuple[sympy.Expr, ...], sympy.Expr] | None:
    """Solve ``sum_s p_s M[s, t] = w`` for t in ``tight`` and ``sum p = 1``; None unless unique.

    The mixture over ``support`` (rows of M) that makes the opponent indifferent among ``tight``
    (columns), and the opponent's payoff ``w`` there.
    """
    p = sympy.symbols(f"p0:{len(support)}")
    w = sympy.Symbol("w")
    eqs = [sympy.Add(*p) - 1] + [sympy.Add(*(p[k] * M[s, t] for k, s in enumerate(support))) - w for t in tight]
    sols = sympy.linsolve(eqs, [*p, w])
    if not isinstance(sols, sympy.FiniteSet) or len(sols) != 1:
        return None
    (sol,) = tuple(sols)
    if any(e.free_symbols & {*p, w} for e in sol):
        return None
    return tuple(_tidy(e) for e in sol[:-1]), _tidy(sol[-1])


def exact_mixture(
    M: Entries,
    support: Sequence[int],
    tight: Sequence[int],
    numeric: npt.NDArray[np.float64],
    values: Mapping[str, float],
    solve: Callable[[Sequence[int]], tuple[tuple[sympy.Expr, ...], sympy.Expr] | None] | None = None,
) -> tuple[tuple[sympy.Expr, ...], sympy.Expr] | None:
    """Exact probabilities (over all rows of ``M``) and the opponent's payoff ``w``, or None.

    ``M[s, t]`` is the *opponent's* symbolic payoff when this actor plays s and the opponent t;
    ``support`` lists this actor's strategies in use and ``tight`` the opponent's best responses.
    In a degenerate game there are more tight columns than the support needs; the full system is
    tried first and then square subsystems, and a solution is kept only if it matches ``numeric``.
    ``solve(cols)`` solves the system of columns ``cols`` (default :func:`indifference` on ``M``
    and ``support``; a caller may pass one that keeps its solutions).
    """
    rows = M.shape[0]
    need = len(support)
    candidates: list[Sequence[int]] = [tight]
    if len(tight) > need:
        candidates += [c for c in combinations(tight, need)]
    for cols in candidates:
        solved = indifference(M, support, cols) if solve is None else solve(cols)
        if solved is None:
            continue
        probs_s, w = solved
        full = [sympy.Integer(0)] * rows
        for k, s in enumerate(support):
            full[s] = probs_s[k]
        if all(matches(full[r], float(numeric[r]), values) for r in range(rows)):
            return tuple(full), w
    return None

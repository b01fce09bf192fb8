r"""The external-incentives model of conditionality (MODELS.md section 1), exactly and numerically.

A principal P promises a reward :math:`r \le \bar r`, paid only if the target A complies, after
:math:`\tau` years and with probability :math:`p` (credibility). Complying costs A a net
:math:`c`. So :math:`U_A(\text{comply}) = p\,\delta^\tau r - c` and :math:`U_A(\text{not}) = 0`;
:math:`U_P(\text{comply}) = B - p k r - \kappa` and :math:`U_P(\text{not}) = d_P`
(Schimmelfennig & Sedelmeier 2004, "Governance by conditionality", *JEPP* 11(4): 661-679).

- A complies iff :math:`r \ge r^* = c / (p\,\delta^\tau)`.
- The **win set** is :math:`W = [r^*, \min(\bar r, (B - \kappa - d_P)/(p k))]`, non-empty iff
  :math:`c \le p\,\delta^\tau \bar r` and :math:`k c \delta^{-\tau} \le B - \kappa - d_P`.
- With the cost unknown to P, drawn from a distribution :math:`F`, compliance has probability
  :math:`\pi(r) = F(p\,\delta^\tau r)`, and P's best reward maximises
  :math:`\pi(r)(B - \kappa - p k r) + (1 - \pi(r)) d_P` (Laffont & Martimort 2002). For
  :math:`c \sim U[0, \bar c]` (and :math:`\tau = \kappa = d_P = 0`) the interior optimum is
  :math:`r^\circ = B/(2pk)`, :math:`\pi^\circ = B/(2k\bar c)`, :math:`U_P^\circ = B^2/(4k\bar c)`.

Every input may be a number or a sympy symbol, so results come as formulas or numbers.

>>> m = ExternalIncentives(c=1.3, p=0.8, B=0.9, k=0.15)
>>> m.threshold()
1.62500000000000
>>> best = m.best_reward(Uniform(0, 6))
>>> round(float(best.reward), 6), round(float(best.probability), 6), round(float(best.payoff), 6)
(3.75, 0.5, 0.225)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.optimize
import sympy

__all__ = ["BestReward", "ExternalIncentives", "Normal", "Uniform", "WinSet"]

Num = Any  # a number or a sympy expression


def _s(x: Num) -> sympy.Expr:
    if isinstance(x, float):
        return sympy.Float(x) if not float(x).is_integer() else sympy.Integer(int(x))
    return sympy.sympify(x)


def _decimal(x: Num) -> sympy.Expr:
    """A float as the exact decimal it prints as; anything else as sympy."""
    if isinstance(x, float):
        return sympy.Rational(repr(x))
    return sympy.sympify(x)


@dataclass(frozen=True)
class Uniform:
    """Cost uniformly distributed on [low, high]."""

    low: Num
    high: Num

    def cdf(self, x: sympy.Expr) -> sympy.Expr:
        lo, hi = _s(self.low), _s(self.high)
        return sympy.Min(1, sympy.Max(0, (x - lo) / (hi - lo)))

    def ppf(self, q: Num) -> sympy.Expr:
        return _s(self.low) + _s(q) * (_s(self.high) - _s(self.low))


@dataclass(frozen=True)
class Normal:
    """Cost normally distributed with ``mean`` and standard deviation ``sd``."""

    mean: Num
    sd: Num

    def cdf(self, x: sympy.Expr) -> sympy.Expr:
        return (1 + sympy.erf((x - _s(self.mean)) / (_s(self.sd) * sympy.sqrt(2)))) / 2

    def ppf(self, q: Num) -> sympy.Expr:
        return _s(self.mean) + _s(self.sd) * sympy.sqrt(2) * sympy.erfinv(2 * _s(q) - 1)


Distribution = Uniform | Normal


@dataclass(frozen=True)
class WinSet:
    """Rewards at which both sides gain: [lower, upper], formulas and whether it is non-empty."""

    lower: sympy.Expr
    upper: sympy.Expr
    nonempty: bool | None

    def __str__(self) -> str:
        if self.nonempty is False:
            return "no deal is possible (the win set is empty)"
        return f"[{self.lower}, {self.upper}]"


@dataclass(frozen=True)
class BestReward:
    """The principal's best reward, the compliance probability and its payoff there."""

    reward: sympy.Expr
    probability: sympy.Expr
    payoff: sympy.Expr
    exact: bool


@dataclass(frozen=True)
class ExternalIncentives:
    """The EIM of MODELS.md section 1; inputs are numbers or sympy symbols."""

    c: Num
    p: Num = 1
    B: Num = 0
    k: Num = 0
    delta: Num = 1
    tau: Num = 0
    kappa: Num = 0
    d_P: Num = 0
    r_cap: Num = sympy.oo

    @property
    def _x(self) -> sympy.Expr:
        return _s(self.p) * _s(self.delta) ** _s(self.tau)

    def threshold(self) -> sympy.Expr:
        """The least reward at which the target complies, :math:`c/(p\\delta^\\tau)`."""
        return _s(self.c) / self._x

    def complies(self, r: Num) -> bool:
        """Whether the target complies with reward ``r`` (an indifferent target complies)."""
        # floats are read as the decimals they print as (0.3 is 3/10), and the comparison is exact:
        # at c = 0.9, p = 0.3, r = 3 the target is indifferent and complies, as a class computes it
        exact = [_decimal(v) for v in (self.c, self.p, self.delta, self.tau, r)]
        c, p, delta, tau, reward = exact
        return bool(p * delta**tau * reward - c >= 0)

    def win_set(self) -> WinSet:
        """:math:`[r^*, \\min(\\bar r, (B-\\kappa-d_P)/(pk))]`; ``nonempty`` is None while symbolic."""
        lower = self.threshold()
        budget = (_s(self.B) - _s(self.kappa) - _s(self.d_P)) / (_s(self.p) * _s(self.k))
        upper = sympy.Min(_s(self.r_cap), budget)
        diff = sympy.simplify(upper - lower)
        nonempty = None if diff.free_symbols else bool(diff >= 0)
        return WinSet(lower, upper, nonempty)

    def compliance_probability(self, r: Num, costs: Distribution) -> sympy.Expr:
        """:math:`\\pi(r) = F(p\\delta^\\tau r)` for the target's cost distribution ``costs``."""
        return costs.cdf(self._x * _s(r))

    def reward_for_probability(self, q: Num, costs: Distribution) -> sympy.Expr:
        """The least reward that makes compliance probability ``q``: :math:`F^{-1}(q)/(p\\delta^\\tau)`."""
        return costs.ppf(q) / self._x

    def principal_payoff(self, r: Num, costs: Distribution) -> sympy.Expr:
        """:math:`\\pi(r)(B - \\kappa - p k r) + (1-\\pi(r)) d_P`."""
        pi = self.compliance_probability(r, costs)
        return pi * (_s(self.B) - _s(self.kappa) - _s(self.p) * _s(self.k) * _s(r)) + (1 - pi) * _s(self.d_P)

    def best_reward(self, costs: Distribution) -> BestReward:
        """The principal's optimal reward: exact for uniform costs, numeric (bounded search) otherwise."""
        r = sympy.Symbol("r", nonnegative=True)
        if isinstance(costs, Uniform):
            lo, hi = _s(costs.low), _s(costs.high)
            G = _s(self.B) - _s(self.kappa) - _s(self.d_P)
            kk = _s(self.k) * _s(self.p)
            # interior: d/dr [(x r - lo)/(hi - lo) (G - kk r)] = 0
            interior = (G * self._x + kk * lo) / (2 * kk * self._x)
            reward = sympy.Min(_s(self.r_cap), hi / self._x, sympy.Max(lo / self._x, interior))
            reward = sympy.simplify(reward)
            return BestReward(
                reward,
                sympy.simplify(self.compliance_probability(reward, costs)),
                sympy.simplify(self.principal_payoff(reward, costs)),
                True,
            )
        U = sympy.lambdify([r], self.principal_payoff(r, costs), modules=["numpy", "scipy"])
        cap = float(_s(self.r_cap)) if _s(self.r_cap).is_finite else float(costs.ppf(0.999999) / self._x)
        grid = np.linspace(0.0, cap, 2001)
        k = int(np.argmax(U(grid)))
        lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
        res = scipy.optimize.minimize_scalar(
            lambda v: -float(U(v)), bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}
        )
        best = float(res.x) if -res.fun >= float(U(grid[k])) else float(grid[k])
        return BestReward(
            sympy.Float(best),
            sympy.Float(float(self.compliance_probability(best, costs))),
            sympy.Float(float(U(best))),
            False,
        )

    def compliance_curve(self, costs: Distribution, rewards: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """:math:`\\pi(r)` evaluated on an array of rewards (numeric model parameters)."""
        r = sympy.Symbol("r", nonnegative=True)
        f = sympy.lambdify([r], self.compliance_probability(r, costs), modules=["numpy", "scipy"])
        grid = np.asarray(rewards, dtype=float)
        return grid, np.broadcast_to(np.asarray(f(grid), dtype=float), grid.shape)

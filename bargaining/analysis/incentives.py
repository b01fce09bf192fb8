r"""Analyses of the external-incentives model: the reward threshold, the target's best reply, the
win set, the principal's best reward and the compliance curve (``docs/models.md#conditionality``).

The **threshold** is the core's (:func:`bargaining.analysis.threshold.threshold`) on the model's
game: the target compares comply with defy against a promised reward, so the payoff difference is
:math:`\Delta = p\,\delta^\tau r - c` and its root is :math:`r^* = c/(p\,\delta^\tau)`
(Schimmelfennig & Sedelmeier 2004). The **best reply** to a promise decides the sign of
:math:`\Delta` exactly, the inputs read as the decimals they print as, and an indifferent target
complies. The **win set** is :math:`W = [r^*, \min(\bar r, (B - \kappa - d_P)/(p k))]`, the
rewards that both sides prefer to no deal. With the cost unknown to the principal and drawn from
:math:`F`, compliance has probability :math:`\pi(r) = F(p\,\delta^\tau r)` and the principal's
**best reward** maximises :math:`U_P(r) = \pi(r)(B - \kappa - p k r) + (1 - \pi(r))\,d_P`
(Laffont & Martimort 2002). For a uniform cost on :math:`[\underline c, \bar c]` this is a concave
quadratic where :math:`0 < \pi < 1`, maximised at
:math:`r^\circ = (x G + k p \underline c)/(2 k p x)` with :math:`x = p\,\delta^\tau` and
:math:`G = B - \kappa - d_P`, clipped to :math:`[\max(0, \underline c/x), \bar c/x]` and capped at
:math:`\bar r`; at :math:`\tau = \kappa = d_P = \underline c = 0` it is :math:`r^\circ = B/(2pk)`,
:math:`\pi^\circ = B/(2k\bar c)`, :math:`U_P^\circ = B^2/(4k\bar c)`. For other distributions the
best reward is a numeric maximum (a grid, then a bounded search).

>>> from bargaining.games.incentives import ExternalIncentives, Uniform
>>> model = ExternalIncentives(c=1.3, p=0.8, B=0.9, k=0.15)
>>> reward_threshold(model).formula
13/8
>>> best_reply(model, {"r": 1.625}).reply  # indifferent at r* = 1.625: complies
'comply'
>>> best = best_reward(model, Uniform(0, 6))
>>> best.reward, best.probability, best.payoff
(15/4, 1/2, 9/40)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.threshold import Threshold, threshold, threshold_again
from bargaining.errors import ScenarioError
from bargaining.games.incentives import (
    COMPLY,
    DEFY,
    REWARD,
    Distribution,
    ExternalIncentives,
    Number,
    Uniform,
    exact,
)
from bargaining.games.normal import NormalFormGame
from bargaining.scenario import Scenario

__all__ = [
    "BestReply",
    "BestReward",
    "ComplianceCurve",
    "WinSet",
    "best_reply",
    "best_reward",
    "compliance_curve",
    "complies",
    "reward_threshold",
    "win_set",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
Model: TypeAlias = ExternalIncentives | Scenario | NormalFormGame

DECIMALS = "Inputs are read as the decimals they print as (0.3 is 3/10) and compared exactly."


def _json_number(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else clean_number(x)


def decimal_values(values: Mapping[str, float]) -> dict[sympy.Basic, sympy.Expr]:
    """Each parameter's value as the exact decimal it prints as, keyed by its symbol."""
    return {exact(sympy.Symbol(name)): exact(v, name) for name, v in values.items()}


def _at(expr: sympy.Expr, values: Mapping[str, float]) -> float | None:
    """``expr`` at ``values`` as a float (inf allowed), None where symbols remain or it is not real."""
    e = expr.xreplace(decimal_values(values))
    if e.free_symbols:
        return None
    v = complex(sympy.N(e, 20)) if e.is_finite is not False else complex(float(e))
    return v.real if abs(v.imag) <= 1e-12 * max(1.0, abs(v.real)) else None


def _reward_name(model: ExternalIncentives) -> str:
    name = model.reward_parameter
    if name is None:
        raise ScenarioError("a symbol for the reward r (a parameter to solve for)", found=str(model.r), field="r")
    return name


@functools.lru_cache(maxsize=256)
def _model_threshold(model: ExternalIncentives, values: tuple[tuple[str, float], ...], statics: bool) -> Threshold:
    return threshold(
        model.game(),
        model.target,
        prefer=COMPLY,
        over=DEFY,
        solve_for=_reward_name(model),
        given={model.principal: REWARD},
        values=dict(values),
        statics=statics,
    )


def reward_threshold(
    model: ExternalIncentives, values: Mapping[str, float] | None = None, *, statics: bool = True
) -> Threshold:
    r"""The least reward at which the target complies, from the core on ``model.game()``:
    :math:`r^* = c/(p\,\delta^\tau)`, with its comparative statics when ``statics``.

    >>> import sympy
    >>> reward_threshold(ExternalIncentives(c=sympy.Symbol("c"), p=0.5, tau=2, delta=0.9)).formula
    200*c/81
    """
    vals = model.space.values(values)
    return _model_threshold(model, tuple(sorted(vals.items())), statics)


@dataclass(frozen=True, eq=False)
class BestReply(Result):
    r"""The target's best reply to a promised reward, decided exactly.

    ``reply`` is ``"comply"`` or ``"defy"`` (an indifferent target complies); ``gain`` the exact
    :math:`u(\text{comply}) - u(\text{defy})` at the decimal values; ``reward`` the promised reward;
    ``exact_threshold`` :math:`r^*` at the decimal values and ``threshold_value`` its float;
    ``clears`` whether :math:`r \ge r^*`; ``threshold`` the core's :class:`Threshold` (its
    formula, and comparative statics when asked for).
    """

    actor: str
    reply: str
    reward: float
    gain: sympy.Expr
    exact_threshold: sympy.Expr
    threshold_value: float
    clears: bool
    threshold: Threshold
    method: str = (
        "exact sign of the core threshold's payoff difference u(comply) - u(defy) at the decimal values; "
        "r* by bargaining.analysis.threshold.threshold"
    )
    values: Mapping[str, float] = None  # type: ignore[assignment]
    notes: tuple[str, ...] = ()

    @property
    def formula(self) -> sympy.Expr:
        """The exact threshold :math:`r^*` as a formula in the parameters."""
        assert self.threshold.formula is not None
        return self.threshold.formula

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "reply": self.reply,
            "reward": clean_number(self.reward),
            "gain": str(self.gain),
            "threshold": {
                "parameter": self.threshold.parameter,
                "formula": str(self.formula),
                "latex": sympy.latex(self.formula),
                "exact": str(self.exact_threshold),
                "value": _json_number(self.threshold_value),
            },
            "clears": self.clears,
            "method": self.method,
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


def _roles(
    model: Model, principal: str | None, target: str | None, reward: str | None
) -> tuple[Scenario, str, str, str]:
    if isinstance(model, ExternalIncentives):
        return (
            Scenario.of(model.game()),
            principal or model.principal,
            target or model.target,
            reward or _reward_name(model),
        )
    scenario = Scenario.of(model)
    game = scenario.game
    if not isinstance(game, NormalFormGame) or len(game.actors) != 2:
        raise ScenarioError(
            "a two-actor normal-form game (principal: reward or withhold; target: comply or defy)",
            found=f"a {scenario.kind} game with {len(game.actors)} actors",
            file=scenario.path or None,
        )
    return scenario, principal or game.actors[0], target or game.actors[1], reward or "r"


def best_reply(
    model: Model,
    values: Mapping[str, float] | None = None,
    *,
    principal: str | None = None,
    target: str | None = None,
    reward: str | None = None,
    statics: bool = False,
    prepared: Threshold | None = None,
) -> BestReply:
    r"""The target's best reply to a promised reward at ``values``, and the threshold :math:`r^*`.

    ``model`` is an :class:`ExternalIncentives`, or a scenario or game laid out as the built-in
    ``conditionality`` (the first actor, the principal, plays ``reward``; the second, the target,
    chooses ``comply`` or ``defy``; ``reward`` names the reward's parameter, ``"r"`` by default).
    The payoff difference :math:`\Delta` and :math:`r^*` come from the core threshold; the sign of
    :math:`\Delta` is decided in exact rationals at the values read as decimals, so at
    :math:`c = 0.9`, :math:`p = 0.3`, :math:`r = 3` the target is indifferent and complies,
    although ``0.3 * 3 < 0.9`` in floating point. ``prepared`` (a previous answer's ``threshold``,
    for the same roles) is solved again from its payoff difference
    (:func:`~bargaining.analysis.threshold.threshold_again`) instead of from the game: what a
    slider demo pays per move.

    >>> from bargaining.io.scenario_file import load
    >>> b = best_reply(load("conditionality"), {"r": 3, "c": 0.9, "p": 0.3})
    >>> b.reply, b.gain, b.exact_threshold, b.clears
    ('comply', 0, 3, True)
    """
    scenario, principal, target, reward = _roles(model, principal, target, reward)
    vals = scenario.values(values)
    if prepared is not None and not statics:
        if (prepared.actor, prepared.prefer, prepared.over, prepared.parameter) != (target, COMPLY, DEFY, reward):
            raise ScenarioError(
                f"a threshold of {target}'s {COMPLY} over {DEFY} in {reward}",
                found=f"{prepared.actor}'s {prepared.prefer} over {prepared.over} in {prepared.parameter}",
                field="prepared",
            )
        t = prepared if dict(prepared.values) == dict(vals) else threshold_again(prepared, scenario, vals)
    elif isinstance(model, ExternalIncentives):
        t = reward_threshold(model, vals, statics=statics)
    else:
        t = threshold(
            scenario,
            target,
            prefer=COMPLY,
            over=DEFY,
            solve_for=reward,
            given={principal: REWARD},
            values=vals,
            statics=statics,
        )
    at = decimal_values(vals)
    r_symbol = exact(sympy.Symbol(reward))
    slope = sympy.diff(t.difference, r_symbol).xreplace(at)
    # "r clears r*" means "comply" only where the difference rises with r
    if t.formula is None or slope.free_symbols or not bool(slope > 0):
        raise ScenarioError(
            "a payoff difference u(comply) - u(defy) that rises with r and has a closed-form root r*",
            found=str(t.difference),
            file=scenario.path or None,
            field="payoffs",
        )
    gain = sympy.simplify(t.difference.xreplace(at))
    r_star = sympy.simplify(t.formula.xreplace(at))
    return BestReply(
        actor=target,
        reply=COMPLY if bool(gain >= 0) else DEFY,
        reward=vals[reward],
        gain=gain,
        exact_threshold=r_star,
        threshold_value=float(r_star),
        clears=bool(at[r_symbol] >= r_star),
        threshold=t,
        values=vals,
        notes=(DECIMALS, "An indifferent target complies."),
    )


def complies(model: ExternalIncentives, r: Number, values: Mapping[str, float] | None = None) -> bool:
    r"""Whether the target complies with the promised reward ``r`` (a number or an exact rational):
    the sign of the core's payoff difference :math:`p\,\delta^\tau r - c \ge 0`, decided exactly.

    >>> complies(ExternalIncentives(c=0.9, p=0.3), 3), complies(ExternalIncentives(c=0.9, p=0.3), 2.99)
    (True, False)
    """
    vals = model.space.values(values)
    t = reward_threshold(model, vals, statics=False)
    at = decimal_values(vals) | {exact(sympy.Symbol(_reward_name(model))): exact(r, "r")}
    return bool(t.difference.xreplace(at) >= 0)


@dataclass(frozen=True, eq=False)
class WinSet(Result):
    r"""The rewards both sides prefer to no deal, :math:`[r^*, \min(\bar r, (B-\kappa-d_P)/(pk))]`.

    ``lower`` (from the core threshold) and ``upper`` are exact formulas; ``nonempty`` decides
    :math:`\text{upper} \ge \text{lower}` exactly, None while symbols remain; ``lower_value``,
    ``upper_value`` and ``nonempty_at_values`` are the same at ``values``.
    """

    lower: sympy.Expr
    upper: sympy.Expr
    nonempty: bool | None
    lower_value: float | None
    upper_value: float | None
    nonempty_at_values: bool
    method: str = "lower bound by the core threshold on the model's game; upper bound the closed form"
    values: Mapping[str, float] = None  # type: ignore[assignment]
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.nonempty is False:
            return "no deal is possible (the win set is empty)"
        return f"[{self.lower}, {self.upper}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower": str(self.lower),
            "upper": str(self.upper),
            "latex": [sympy.latex(self.lower), sympy.latex(self.upper)],
            "nonempty": self.nonempty,
            "lower_value": _json_number(self.lower_value),
            "upper_value": _json_number(self.upper_value),
            "nonempty_at_values": self.nonempty_at_values,
            "method": self.method,
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


def _budget(model: ExternalIncentives) -> sympy.Expr:
    """The largest reward the principal would pay, :math:`(B - \\kappa - d_P)/(p k)` (±oo when k = 0)."""
    surplus, cost = model.surplus(), model.expr("p") * model.expr("k")
    if cost == 0:
        if surplus.free_symbols:
            raise ScenarioError("a numeric surplus B - kappa - d_P when k = 0", found=str(surplus), field="k")
        return sympy.oo if surplus >= 0 else -sympy.oo
    return surplus / cost


def win_set(model: ExternalIncentives, values: Mapping[str, float] | None = None) -> WinSet:
    """The win set :math:`W`: non-empty iff :math:`c \\le p\\,\\delta^\\tau \\bar r` and
    :math:`k c \\delta^{-\\tau} \\le B - \\kappa - d_P`.

    >>> w = win_set(ExternalIncentives(c=4.9366, p=1, B=3.687, k=0.4, r_cap=5))
    >>> str(w), w.nonempty
    ('[24683/5000, 5]', True)
    """
    vals = model.space.values(values)
    t = reward_threshold(model, vals, statics=False)
    if t.formula is None:
        raise ScenarioError("a closed-form threshold r*", found=str(t.difference), field="r")
    lower = t.formula
    upper = sympy.Min(model.expr("r_cap"), _budget(model))
    width = sympy.simplify(upper - lower)
    nonempty = None if width.free_symbols else bool(width >= 0)
    here = width.xreplace(decimal_values(vals))
    return WinSet(
        lower=lower,
        upper=upper,
        nonempty=nonempty,
        lower_value=_at(lower, vals),
        upper_value=_at(upper, vals),
        nonempty_at_values=bool(here >= 0) if not here.free_symbols else False,
        values=vals,
    )


@dataclass(frozen=True, eq=False)
class BestReward(Result):
    r"""The principal's best reward against an unknown cost, the compliance probability there and
    its expected payoff: exact formulas (``exact``) for uniform costs, floats otherwise; the
    ``*_value`` fields are their values at ``values`` (None while other symbols remain)."""

    reward: sympy.Expr
    probability: sympy.Expr
    payoff: sympy.Expr
    exact: bool
    costs: Distribution
    reward_value: float | None
    probability_value: float | None
    payoff_value: float | None
    method: str = ""
    values: Mapping[str, float] = None  # type: ignore[assignment]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "reward": str(self.reward),
            "probability": str(self.probability),
            "payoff": str(self.payoff),
            "reward_value": _json_number(self.reward_value),
            "probability_value": _json_number(self.probability_value),
            "payoff_value": _json_number(self.payoff_value),
            "exact": self.exact,
            "costs": _costs_dict(self.costs),
            "method": self.method,
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


def _costs_dict(costs: Distribution) -> dict[str, str]:
    if isinstance(costs, Uniform):
        return {"distribution": "uniform", "low": str(exact(costs.low)), "high": str(exact(costs.high))}
    return {"distribution": "normal", "mean": str(exact(costs.mean)), "sd": str(exact(costs.sd))}


def _numbers(model: ExternalIncentives, values: Mapping[str, float]) -> dict[str, float]:
    """Every input as a float at ``values`` (a numeric evaluation needs numbers)."""
    at = decimal_values(values)
    out = {}
    for name in ExternalIncentives.INPUTS:
        if name == model.reward_parameter:
            continue
        e = model.expr(name).xreplace(at)
        if e.free_symbols:
            raise ScenarioError("numbers (a numeric evaluation)", found=str(e), field=name)
        out[name] = float(e)
    return out


def best_reward(
    model: ExternalIncentives, costs: Distribution, values: Mapping[str, float] | None = None
) -> BestReward:
    r"""The reward that maximises :math:`U_P(r) = \pi(r)(B - \kappa - p k r) + (1 - \pi(r))\,d_P`.

    Exact for :class:`Uniform` costs (the clipped interior optimum of the module's text, formulas
    when the inputs are symbols); for :class:`Normal` costs a grid of 2001 rewards on
    :math:`[0, \bar r]` (or up to the cost's :math:`1 - 10^{-6}` quantile over :math:`p\,\delta^\tau`),
    refined by a bounded scalar search, the inputs at ``values``.
    """
    vals = model.space.values(values)
    x = model.discount()
    if isinstance(costs, Uniform):
        lo, hi = exact(costs.low), exact(costs.high)
        G, kk = model.surplus(), model.expr("k") * model.expr("p")
        if kk == 0:
            if G.free_symbols:
                raise ScenarioError("a numeric surplus B - kappa - d_P when k = 0", found=str(G), field="k")
            reward: sympy.Expr = hi / x if G >= 0 else sympy.Max(0, lo / x)
        else:
            interior = (G * x + kk * lo) / (2 * kk * x)
            reward = sympy.Max(0, lo / x, sympy.Min(hi / x, interior))
        reward = sympy.simplify(sympy.Min(model.expr("r_cap"), reward))
        probability = sympy.simplify(model.compliance_probability(reward, costs))
        payoff = sympy.simplify(model.principal_payoff(reward, costs))
        return BestReward(
            reward=reward,
            probability=probability,
            payoff=payoff,
            exact=True,
            costs=costs,
            reward_value=_at(reward, vals),
            probability_value=_at(probability, vals),
            payoff_value=_at(payoff, vals),
            method="closed form: the interior optimum of a concave quadratic, clipped to where 0 <= pi <= 1 and capped",
            values=vals,
        )
    n = _numbers(model, vals)
    xf, G, kk = float(x.xreplace(decimal_values(vals))), n["B"] - n["kappa"] - n["d_P"], n["k"] * n["p"]

    def expected(r: FloatArray) -> FloatArray:
        pi = costs.cdf_values(xf * r)
        return np.asarray(pi * (G - kk * r) + (1 - pi) * n["d_P"], dtype=np.float64)

    cap = n["r_cap"] if math.isfinite(n["r_cap"]) else max(costs.upper(), 0.0) / xf
    grid = np.linspace(0.0, cap, 2001)
    u = expected(grid)
    k = int(np.argmax(u))
    import scipy.optimize  # imported where used: start-up time

    found = scipy.optimize.minimize_scalar(
        lambda v: -float(expected(np.array([v]))[0]),
        bounds=(grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]),
        method="bounded",
        options={"xatol": 1e-12},
    )
    best = float(found.x) if -float(found.fun) >= float(u[k]) else float(grid[k])
    pi = float(costs.cdf_values(np.array([xf * best]))[0])
    value = float(expected(np.array([best]))[0])
    return BestReward(
        reward=sympy.Float(best),
        probability=sympy.Float(pi),
        payoff=sympy.Float(value),
        exact=False,
        costs=costs,
        reward_value=best,
        probability_value=pi,
        payoff_value=value,
        method="numeric: the best of 2001 rewards on [0, cap], refined by a bounded scalar search (xatol 1e-12)",
        values=vals,
        notes=(f"Search range [0, {cap:.6g}].",),
    )


@dataclass(frozen=True, eq=False)
class ComplianceCurve(Result):
    r"""The compliance probability :math:`\pi(r) = F(p\,\delta^\tau r)` on an array of rewards."""

    rewards: FloatArray
    probabilities: FloatArray
    costs: Distribution
    method: str = "F(p delta^tau r) evaluated on the rewards (numeric inputs at values)"
    values: Mapping[str, float] = None  # type: ignore[assignment]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rewards": [clean_number(float(r)) for r in self.rewards],
            "probabilities": [clean_number(float(p)) for p in self.probabilities],
            "costs": _costs_dict(self.costs),
            "method": self.method,
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


def compliance_curve(
    model: ExternalIncentives,
    costs: Distribution,
    rewards: npt.ArrayLike,
    values: Mapping[str, float] | None = None,
) -> ComplianceCurve:
    r""":math:`\pi(r)` on ``rewards``, the model's inputs at ``values``.

    >>> curve = compliance_curve(ExternalIncentives(c=0, p=0.8), Uniform(0, 6), [0, 3.75, 10])
    >>> curve.probabilities.tolist()
    [0.0, 0.5, 1.0]
    """
    vals = model.space.values(values)
    xf = float(model.discount().xreplace(decimal_values(vals)))
    grid = np.asarray(rewards, dtype=np.float64)
    return ComplianceCurve(grid, costs.cdf_values(xf * grid), costs, values=vals)

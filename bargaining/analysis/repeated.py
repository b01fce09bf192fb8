r"""Repeated games: when is cooperation sustained by the threat of punishment (grim trigger)?

The stage game :math:`G` (any two-or-more-actor normal form) is played in every period
:math:`t = 0, 1, \dots` with perfect monitoring; payoffs are averaged with the discount factor
:math:`\delta`: :math:`(1-\delta)\sum_t \delta^t u_i(a^t)`. Under **grim trigger** everybody plays
the cooperative profile :math:`c` until someone deviates, and the punishment profile :math:`p` (a Nash
equilibrium of the stage game, pure or mixed, possibly in a punishment phase where some parameters
change: facilitation suspended, :math:`V = 0`) forever after. Repeating a stage Nash equilibrium is
subgame-perfect, so by the **one-shot deviation principle** grim trigger is a subgame-perfect
equilibrium exactly when no actor gains from deviating once from :math:`c`:

.. math::

   (1-\delta)\,\big(u_i^D - u_i^C\big) \le \delta\,\big(u_i^C - u_i^P\big) \quad\text{for every } i,

with :math:`u_i^C = u_i(c)`, :math:`u_i^D = \max_{s_i} u_i(s_i, c_{-i})` (the best one-shot
deviation) and :math:`u_i^P` the punishment payoff. Solved for :math:`\delta` (with sympy):
:math:`\delta_i^* = (u_i^D - u_i^C)/(u_i^D - u_i^P)` when actor i gains from deviating (0 when it
does not; never when :math:`u_i^C \le u_i^P` while it gains), and :math:`\delta^* = \max_i \delta_i^*`
(docs/models.md#repeated-compliance).

In the inspection game of implementation (docs/models.md#the-inspection-game) with Russia's
per-period value V of visa facilitation, suspended forever after a stall, the cooperative profile
(trust, readmit) is sustained when :math:`\delta \ge e/(e+V)`; the stage game's mixed equilibrium
:math:`P(\text{monitor}) = e/f`, :math:`P(\text{readmit}) = 1 - m/l` is the benchmark.

>>> from bargaining.io.scenario_file import load
>>> r = grim_trigger(load("eu_russia_compliance"), {"EU": "trust", "RU": "readmit"}, punishment_values={"V": 0})
>>> r.formula, round(r.critical, 6), r.binding
(e/(V + e), 0.666667, ('RU',))
>>> r.check(0.9), r.check(0.6)
({'EU': True, 'RU': True}, {'EU': True, 'RU': False})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from bargaining.analysis.nash import EquilibriumSet, equilibria
from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.analysis.statics import ComparativeStatics, comparative_statics
from bargaining.errors import ScenarioError
from bargaining.expressions import check_finite_real, parameter_symbol
from bargaining.games.normal import NormalFormGame
from bargaining.scenario import Scenario

__all__ = ["STAGE_NASH", "Incentive", "RepeatedResult", "grim_trigger"]

STAGE_NASH = "stage Nash"
"""The punishment that reverts to the stage game's (unique) Nash equilibrium forever."""

TOL = 1e-12


@dataclass(frozen=True)
class Incentive:
    """One actor's one-shot deviation from the cooperative profile: payoffs, formulas, critical delta.

    ``critical`` is the least discount factor at which the actor does not gain by deviating once
    (0 when it never gains; None when no discount factor below 1 deters it).
    """

    actor: str
    cooperative: float
    deviation: float
    deviation_strategy: str
    punishment: float
    critical: float | None
    cooperative_formula: sympy.Expr
    deviation_formula: sympy.Expr
    punishment_formula: sympy.Expr | None
    critical_formula: sympy.Expr | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "cooperative": clean_number(self.cooperative),
            "deviation": clean_number(self.deviation),
            "deviation_strategy": self.deviation_strategy,
            "punishment": clean_number(self.punishment),
            "critical_delta": None if self.critical is None else clean_number(self.critical),
            "exact": {
                "cooperative": str(self.cooperative_formula),
                "deviation": str(self.deviation_formula),
                "punishment": None if self.punishment_formula is None else str(self.punishment_formula),
                "critical_delta": None if self.critical_formula is None else str(self.critical_formula),
            },
        }


@dataclass(frozen=True, eq=False)
class RepeatedResult(Result):
    """Grim trigger in the infinitely repeated stage game: the critical discount factor and its statics.

    ``critical`` is :math:`\\delta^*` (None when cooperation cannot be sustained by this punishment),
    ``formula`` its formula (the binding actors' :math:`\\delta_i^*`), ``punishment`` each actor's mixed
    strategy in the punishment, ``stage_equilibria`` the stage game's Nash equilibria (the benchmark),
    ``delta`` the discount factor asked about and ``sustained`` whether grim trigger is then subgame-perfect.
    """

    stage: NormalFormGame
    cooperate: tuple[str, ...]
    punish: str
    punishment: tuple[tuple[float, ...], ...]
    incentives: tuple[Incentive, ...]
    critical: float | None
    formula: sympy.Expr | None
    binding: tuple[str, ...]
    stage_equilibria: EquilibriumSet
    statics: ComparativeStatics | None = None
    delta: float | None = None
    sustained: bool | None = None
    method: str = "one-shot deviation principle under grim trigger, solved for delta with sympy"
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def incentive(self, actor: str) -> Incentive:
        """``actor``'s deviation incentive."""
        return self.incentives[self.stage.actors.index(actor)]

    def deviation_gain(self, actor: str, delta: float) -> float:
        """What ``actor`` gains (average discounted payoff) by deviating once at ``delta`` and being punished."""
        i = self.incentive(actor)
        return (1 - delta) * i.deviation + delta * i.punishment - i.cooperative

    def check(self, delta: float) -> dict[str, bool]:
        """For each actor, whether no one-shot deviation pays at discount factor ``delta`` (the principle)."""
        if not 0 <= delta < 1:
            raise ScenarioError("a discount factor in [0, 1)", found=repr(delta), field="delta")
        return {i.actor: self.deviation_gain(i.actor, delta) <= TOL * (1 + abs(i.cooperative)) for i in self.incentives}

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``critical_delta``, ``formula``, ``incentives``, ``stage_equilibria``."""
        actors = self.stage.actors
        out: dict[str, Any] = {
            "game": "repeated",
            "cooperate": dict(zip(actors, self.cooperate, strict=True)),
            "punish": self.punish,
            "punishment": {
                a: dict(zip(ss, (clean_number(p) for p in ps), strict=True))
                for a, ss, ps in zip(actors, self.stage.strategies, self.punishment, strict=True)
            },
            "critical_delta": None if self.critical is None else clean_number(self.critical),
            "formula": None if self.formula is None else str(self.formula),
            "binding": list(self.binding),
            "incentives": {i.actor: i.to_dict() for i in self.incentives},
            "stage_equilibria": self.stage_equilibria.to_dict(),
            "delta": self.delta,
            "sustained": self.sustained,
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "method": self.method,
            "notes": list(self.notes),
        }
        if self.statics is not None:
            out["comparative_statics"] = self.statics.to_dict()
        return out


def _num(expr: sympy.Expr, values: Mapping[str, float], where: str) -> float:
    return float(check_finite_real(expr, values, field=where, where="at these values"))


def _profile(game: NormalFormGame, profile: Mapping[str, str], where: str) -> tuple[str, ...]:
    if not isinstance(profile, Mapping):
        raise ScenarioError("a profile, actor -> strategy", found=type(profile).__name__, field=where)
    extra = [a for a in profile if a not in game.actors]
    if extra:
        raise ScenarioError(f"an actor among {', '.join(game.actors)}", found=repr(extra[0]), field=where)
    out = []
    for a, ss in zip(game.actors, game.strategies, strict=True):
        if a not in profile:
            raise ScenarioError(
                f"a strategy for every actor ({', '.join(game.actors)})", found=f"none for {a}", field=where
            )
        if profile[a] not in ss:
            raise ScenarioError(f"a strategy of {a} ({', '.join(ss)})", found=repr(profile[a]), field=f"{where}.{a}")
        out.append(profile[a])
    return tuple(out)


def _expected(game: NormalFormGame, actor: int, exact: Sequence[Sequence[sympy.Expr]]) -> sympy.Expr:
    """Actor's expected payoff formula under the mixed profile ``exact`` (probabilities as formulas)."""
    total: sympy.Expr = sympy.Integer(0)
    for idx in np.ndindex(*game.shape):
        weight: sympy.Expr = sympy.Integer(1)
        for k, j in enumerate(idx):
            weight = weight * exact[k][j]
        if weight != 0:
            total = total + weight * game.entry(actor, list(idx))
    return sympy.simplify(total)


def grim_trigger(
    stage: Scenario | NormalFormGame,
    cooperate: Mapping[str, str],
    punish: Mapping[str, str] | str = STAGE_NASH,
    values: Mapping[str, float] | None = None,
    *,
    punishment_values: Mapping[str, float] | None = None,
    delta: float | None = None,
    discount: str = "delta",
    statics: bool = True,
) -> RepeatedResult:
    """The critical discount factor above which ``cooperate`` is a grim-trigger subgame-perfect outcome.

    ``punish`` is a profile (actor -> strategy) or ``"stage Nash"`` (the stage game's Nash equilibrium,
    which must be unique); either way it must be a Nash equilibrium of the stage game played in the
    punishment phase, whose parameters are ``values`` updated by ``punishment_values`` (e.g.
    ``{"V": 0}``: facilitation suspended). ``delta`` asks whether grim trigger is subgame-perfect at
    that discount factor; ``discount`` names the discount factor's symbol in the formulas (it must
    not be a parameter of the stage game). Formulas in the parameters are exact (sympy).
    """
    scenario = Scenario.of(stage)
    game = scenario.normal_form
    vals = scenario.values(values)
    if discount in game.parameters.names:
        raise ScenarioError(
            "a name for the discount factor that is not a stage-game parameter", found=repr(discount), field="discount"
        )
    changed = dict(punishment_values or {})
    unknown = [k for k in changed if k not in game.parameters.names]
    if unknown:
        raise ScenarioError(
            f"a parameter of the stage game ({', '.join(game.parameters.names) or 'none'})",
            found=repr(unknown[0]),
            field="punishment_values",
        )
    after = scenario.values({**vals, **changed})
    subs_after = {parameter_symbol(k): sympy.nsimplify(v, rational=True) for k, v in changed.items()}
    coop = _profile(game, cooperate, "cooperate")
    n = game.n_actors
    notes: list[str] = []
    stage_set = equilibria(scenario, vals)
    after_set = stage_set if not changed else equilibria(scenario, after)
    # the punishment: a mixed profile (numbers, and formulas where known) that is a stage equilibrium
    exact_mixed: tuple[tuple[sympy.Expr, ...], ...] | None
    if isinstance(punish, str):
        if punish != STAGE_NASH:
            raise ScenarioError(f'a profile or "{STAGE_NASH}"', found=repr(punish), field="punish")
        if len(after_set) != 1:
            raise ScenarioError(
                "a stage game with one Nash equilibrium (else give the punishment profile)",
                found=f"{len(after_set)} equilibria",
                field="punish",
            )
        eq = after_set[0]
        mixed = eq.probabilities
        exact_mixed = eq.exact_probabilities
        label = STAGE_NASH
    else:
        prof = _profile(game, punish, "punish")
        mixed = tuple(tuple(1.0 if s == p else 0.0 for s in ss) for ss, p in zip(game.strategies, prof, strict=True))
        exact_mixed = tuple(tuple(sympy.Integer(int(x)) for x in row) for row in mixed)
        label = ", ".join(f"{a} plays {s}" for a, s in zip(game.actors, prof, strict=True))
        if not any(np.allclose(np.concatenate(e.probabilities), np.concatenate(mixed)) for e in after_set):
            raise ScenarioError(
                "a punishment profile that is a Nash equilibrium of the stage game (else the threat is not credible)",
                found=label,
                field="punish",
            )
    arr_after = game.payoff_array(after)
    arr = game.payoff_array(vals)
    d = parameter_symbol(discount)
    incentives: list[Incentive] = []
    for i, actor in enumerate(game.actors):
        u_c = game.payoff_expr(actor, coop)
        options: list[tuple[float, str, list[str]]] = []
        for s in game.strategies[i]:
            dev = list(coop)
            dev[i] = s
            options.append((_num(game.payoff_expr(actor, dev), vals, f"cooperate.{actor}"), s, dev))
        u_d_num, best, best_prof = max(options, key=lambda o: o[0])
        u_d = game.payoff_expr(actor, best_prof)
        # expected punishment payoff: numbers from the stage array, formula over the exact mixed profile
        weights = np.ones(game.shape)
        for k in range(n):
            shape = [1] * n
            shape[k] = game.shape[k]
            weights = weights * np.asarray(mixed[k], dtype=float).reshape(shape)
        u_p_num = float(np.sum(weights * arr_after[i]))
        u_p: sympy.Expr | None = None
        if exact_mixed is not None:
            u_p = sympy.simplify(_expected(game, i, exact_mixed).xreplace(subs_after))
            if u_p.free_symbols <= set(map(parameter_symbol, vals)) and not np.isclose(
                _num(u_p, vals, f"punish.{actor}"), u_p_num, rtol=1e-9, atol=1e-9
            ):
                notes.append(f"{actor}'s punishment payoff formula does not reproduce the number; dropped.")
                u_p = None
        u_c_num = float(arr[(i, *[game.strategy_index(a, s) for a, s in zip(game.actors, coop, strict=True)])])
        gain = u_d_num - u_c_num
        loss = u_c_num - u_p_num
        scale = TOL * (1 + abs(u_c_num) + abs(u_d_num) + abs(u_p_num))
        critical: float | None
        critical_formula: sympy.Expr | None = None
        if gain <= scale:
            critical, critical_formula = 0.0, sympy.Integer(0)
        elif loss <= scale:
            critical = None
        else:
            critical = gain / (gain + loss)
            if u_p is not None:
                roots = sympy.solve((1 - d) * (u_d - u_c) - d * (u_c - u_p), d)
                if len(roots) == 1:
                    critical_formula = sympy.factor(sympy.simplify(roots[0]))
                    if not np.isclose(_num(critical_formula, vals, "critical"), critical, rtol=1e-9, atol=1e-12):
                        critical_formula = None
        incentives.append(Incentive(actor, u_c_num, u_d_num, best, u_p_num, critical, u_c, u_d, u_p, critical_formula))
    if any(i.critical is None for i in incentives):
        critical_all: float | None = None
        binding = tuple(i.actor for i in incentives if i.critical is None)
        formula = None
        notes.append(
            f"Cooperation cannot be sustained by this punishment: {', '.join(binding)} gains by deviating and "
            "loses nothing by the punishment."
        )
    else:
        critical_all = max(float(i.critical) for i in incentives)  # type: ignore[arg-type]
        binding = tuple(
            i.actor for i in incentives if i.critical is not None and abs(i.critical - critical_all) <= 1e-12
        )
        formula = incentives[game.actors.index(binding[0])].critical_formula
    cs = None
    if statics and formula is not None and formula.free_symbols:
        cs = comparative_statics(formula, game.parameters)
    sustained = None
    if delta is not None:
        if not 0 <= delta < 1:
            raise ScenarioError("a discount factor in [0, 1)", found=repr(delta), field="delta")
        sustained = critical_all is not None and delta >= critical_all - 1e-12
    return RepeatedResult(
        game,
        coop,
        label,
        tuple(tuple(float(p) for p in row) for row in mixed),
        tuple(incentives),
        critical_all,
        formula,
        binding,
        stage_set,
        cs,
        delta,
        sustained,
        values=vals,
        notes=tuple(notes),
    )

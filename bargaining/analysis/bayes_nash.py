r"""Bayes–Nash equilibria of a Bayesian normal-form game (Harsanyi 1967–68), through the agent form.

In the **agent normal form** every (actor, type) pair is an agent that maximises its *interim*
expected payoff: with independent priors, agent :math:`(i, t_i)` playing :math:`a` against the
others' type strategies :math:`s_{-i}` expects

.. math:: U_{i,t_i}(a, s_{-i}) = \sum_{t_{-i}} \Big(\prod_{j\ne i}\pi_j(t_j)\Big)\,
          u_i\big(t_i, t_{-i}, a, s_{-i}(t_{-i})\big).

A profile of type strategies is a **pure Bayes–Nash equilibrium** when no agent gains by deviating.
:func:`bayes_nash` checks every pure profile of the agent form with numpy (the payoffs evaluated once
per type and action profile), within the budget's count. **Mixed** equilibria are those of the
type-strategy (ex-ante) form (:meth:`~bargaining.games.bayesian.BayesianGame.exante`) when it has
two actors, found by :func:`bargaining.analysis.nash.equilibria` (support enumeration with exact
probabilities where possible) and read back as behaviour per type.

>>> from bargaining.games.bayesian import BayesianGame
>>> g = BayesianGame.from_formulas(
...     {"RU": ["press", "wait"], "KZ": ["sign", "stay_out"]},
...     {"KZ": ["low", "high"]},
...     {"KZ": {"low": "mu", "high": "1 - mu"}},
...     {"RU": "RU.press * (g * KZ.sign - c * KZ.stay_out)", "KZ": "KZ.sign * (D * RU.press - KZ.low - 3 * KZ.high)"},
...     parameters={"mu": (0.3, 0.0, 1.0), "g": (1.0, 0.0, 5.0), "c": (1.0, 0.0, 5.0), "D": (1.5, 0.0, 5.0)})
>>> [{a: dict(p) for a, p in eq.items()} for eq in bayes_nash(g).pure]
[{'RU': {'only': 'wait'}, 'KZ': {'low': 'stay_out', 'high': 'stay_out'}}]
>>> [eq["RU"]["only"] + ", KZ low " + eq["KZ"]["low"] for eq in bayes_nash(g, {"mu": 0.7}).pure]
['press, KZ low sign', 'wait, KZ low stay_out']
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import sympy

from bargaining.analysis.nash import EquilibriumSet, equilibria
from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.threshold import Threshold, threshold
from bargaining.budget import check_count
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.games.bayesian import BayesianGame
from bargaining.scenario import Scenario

__all__ = ["BayesNash", "BeliefThreshold", "bayes_nash", "belief_thresholds", "exante_scenario", "interim_payoffs"]

TIE = 1e-9
MAX_PROFILES = 1_000_000
"""Pure profiles of the agent form checked at the default budget."""
MAX_THRESHOLD_PROFILES = 4096
"""Pure profiles of the agent form searched for belief thresholds at the default budget."""

Plan = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class BeliefThreshold:
    """Where agent (``actor``, ``type``) stops preferring ``action`` to ``over`` as a belief moves, in the
    pure profile ``plan`` (actor -> type -> action): ``threshold`` is :func:`bargaining.threshold` on the
    ex-ante form (its ``formula``, ``value`` and the side it ``favours``), ``equilibrium_here`` whether
    ``plan`` is a Bayes–Nash equilibrium at the values."""

    plan: Mapping[str, Mapping[str, str]]
    actor: str
    type: str
    action: str
    over: str
    threshold: Threshold
    equilibrium_here: bool

    def to_dict(self) -> dict[str, Any]:
        t = self.threshold
        return {
            "plan": {a: dict(p) for a, p in self.plan.items()},
            "actor": self.actor,
            "type": self.type,
            "action": self.action,
            "over": self.over,
            "parameter": t.parameter,
            "formula": None if t.formula is None else str(t.formula),
            "value": None if t.value is None else clean_number(t.value),
            "favours": t.favours,
            "exact": t.exact,
            "comparative_statics": {q: r.sign for q, r in t.comparative_statics.items()},
            "equilibrium_here": self.equilibrium_here,
        }


@dataclass(frozen=True, eq=False)
class BayesNash(Result):
    """Every pure Bayes–Nash equilibrium (``pure``: actor -> type -> action, with each agent's interim
    payoff in ``interim``), and for two actors the ex-ante form's equilibria (``exante``, mixed
    included) read as behaviour per type (``behaviour``: actor -> type -> action -> probability)."""

    game: BayesianGame
    values: Mapping[str, float]
    pure: tuple[Plan, ...]
    interim: tuple[Mapping[str, Mapping[str, float]], ...]
    behaviour: tuple[Mapping[str, Mapping[str, Mapping[str, float]]], ...] = ()
    exante: EquilibriumSet | None = None
    thresholds: tuple[BeliefThreshold, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    method: str = (
        "agent normal form: every pure profile of (actor, type) agents checked for an interim profitable deviation"
        " (numpy); mixed: Nash equilibria of the two-actor type-strategy form"
    )

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``{"game": "bayesian", "pure": [...], "mixed": [...]}``."""
        return {
            "game": "bayesian",
            "pure": [{a: dict(p) for a, p in eq.items()} for eq in self.pure],
            "interim": [{a: {t: clean_number(u) for t, u in p.items()} for a, p in eq.items()} for eq in self.interim],
            "mixed": [
                {a: {t: {x: clean_number(q) for x, q in d.items()} for t, d in p.items()} for a, p in b.items()}
                for b in self.behaviour
            ],
            "thresholds": [t.to_dict() for t in self.thresholds],
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


_KEPT: dict[int, tuple[object, dict[Any, Any]]] = {}
_KEPT_GAMES = 32


def _kept(game: BayesianGame) -> dict[Any, Any]:
    """The value-independent work kept for the game object ``game`` (for the last 32 games): its
    compiled payoffs and priors, its ex-ante scenario. A game is immutable, so what is kept stays
    true; the object itself is held, so its id is not reused while kept."""
    entry = _KEPT.get(id(game))
    if entry is None or entry[0] is not game:
        if len(_KEPT) >= _KEPT_GAMES:
            _KEPT.clear()
        entry = (game, {})
        _KEPT[id(game)] = entry
    return entry[1]


def _compiled(game: BayesianGame, names: tuple[str, ...]) -> tuple[Callable[..., Any], list[Callable[..., Any]]]:
    """The payoffs at every type and action profile, and each actor's prior, compiled to numpy in the
    parameters ``names`` (once per game object and names)."""
    kept = _kept(game)
    key = ("compiled", names)
    if key not in kept:
        symbols = [game.parameters[n].symbol for n in names]
        types = list(game.type_profiles())
        actions = list(product(*game.actions))
        exprs = [game.payoff_expr(a, t, x) for a in game.actors for t in types for x in actions]
        kept[key] = (compile_numpy(symbols, exprs), [compile_numpy(symbols, list(row)) for row in game.prior])
    found: tuple[Callable[..., Any], list[Callable[..., Any]]] = kept[key]
    return found


def _arrays(game: BayesianGame, values: Mapping[str, float]) -> tuple[np.ndarray, list[np.ndarray]]:
    """``u[i][type profile][action profile]`` and each actor's prior as numbers."""
    names = tuple(sorted(values))
    args = [values[n] for n in names]
    f, prior_functions = _compiled(game, names)
    size = len(game.actors) * math.prod(len(t) for t in game.types) * math.prod(len(x) for x in game.actions)
    flat = np.broadcast_to(np.asarray(f(*args), dtype=float), (size,))
    u = flat.reshape(len(game.actors), *(len(t) for t in game.types), *(len(x) for x in game.actions))
    priors = [
        np.asarray(g(*args), dtype=float).reshape(len(row)) for g, row in zip(prior_functions, game.prior, strict=True)
    ]
    return u, priors


def exante_scenario(model: Scenario | BayesianGame) -> Scenario:
    """The Bayesian game's type-strategy (ex-ante) form (:meth:`~bargaining.games.bayesian.BayesianGame.exante`)
    as a scenario with the same title and parameters; kept for the game object, so that the form's
    compiled payoff tables serve every call.

    >>> from bargaining.io.scenario_file import load
    >>> sc = load("central_asia_beliefs")
    >>> form = exante_scenario(sc)
    >>> form.game.strategies[1], form is exante_scenario(sc)
    (('sign__sign', 'sign__stay_out', 'stay_out__sign', 'stay_out__stay_out'), True)
    """
    scenario = Scenario.of(model)
    game = scenario.game
    if not isinstance(game, BayesianGame):
        raise ScenarioError('a Bayesian game (game = "bayesian")', found=f"a {scenario.kind} game", field="game")
    kept = _kept(game)
    key = ("exante", scenario.title, scenario.parameters)
    if key not in kept:
        kept[key] = Scenario(scenario.title, game.exante(), parameters=scenario.parameters)
    found: Scenario = kept[key]
    return found


def interim_payoffs(
    game: BayesianGame, values: Mapping[str, float], plan: Plan, actor: str, own_type: str
) -> dict[str, float]:
    """Agent (``actor``, ``own_type``)'s interim expected payoff of each of its actions when the
    others follow ``plan`` (actor -> type -> action), with independent priors."""
    u, priors = _arrays(game, values)
    i = game.index(actor)
    ti = game.types[i].index(own_type)
    out: dict[str, float] = {}
    for a in game.actions[i]:
        total = 0.0
        for t in product(*(range(len(ts)) for ts in game.types)):
            if t[i] != ti:
                continue
            w = float(np.prod([priors[j][t[j]] for j in range(len(game.actors)) if j != i]))
            acts = [
                game.actions[j].index(a if j == i else plan[game.actors[j]][game.types[j][t[j]]])
                for j in range(len(game.actors))
            ]
            total += w * float(u[(i, *t, *acts)])
        out[a] = total
    return out


def _agents(game: BayesianGame) -> list[tuple[int, int]]:
    """The agents of the agent form: one per (actor, type), as index pairs."""
    return [(i, k) for i in range(len(game.actors)) for k in range(len(game.types[i]))]


def _profile_count(game: BayesianGame, agents: list[tuple[int, int]]) -> int:
    """How many pure profiles the agent form has: the product of each agent's number of actions."""
    return math.prod(len(game.actions[i]) for i, _ in agents)


def bayes_nash(
    model: Scenario | BayesianGame,
    values: Mapping[str, float] | None = None,
    *,
    thresholds: bool = False,
    exante_solver: Callable[[Mapping[str, float]], EquilibriumSet] | None = None,
) -> BayesNash:
    """Every pure Bayes–Nash equilibrium of the agent form, and the two-actor ex-ante form's equilibria;
    with ``thresholds``, the belief thresholds of :func:`belief_thresholds` too.

    The ex-ante form's equilibria are ``equilibria(exante_scenario(model), values)``; ``exante_solver``,
    given the values, answers in its place and must give the same (the prepared solver of
    :func:`bargaining.analysis.live.live` does, keeping the exact forms it has solved)."""
    scenario = Scenario.of(model)
    game = scenario.game
    if not isinstance(game, BayesianGame):
        raise ScenarioError('a Bayesian game (game = "bayesian")', found=f"a {scenario.kind} game", field="game")
    vals = scenario.values(values)
    game.check_prior(vals)
    u, priors = _arrays(game, vals)
    n = len(game.actors)
    agents = _agents(game)
    check_count(
        "the agent form",
        _profile_count(game, agents),
        MAX_PROFILES,
        unit="pure profiles",
        field="types",
        instead="fewer types or actions",
    )
    type_grid = list(product(*(range(len(ts)) for ts in game.types)))
    weights = {
        (i, t): float(np.prod([priors[j][t[j]] for j in range(n) if j != i])) for i in range(n) for t in type_grid
    }
    pure: list[Plan] = []
    interim: list[dict[str, dict[str, float]]] = []
    for choice in product(*(range(len(game.actions[i])) for i, _ in agents)):
        plan = {(i, k): c for (i, k), c in zip(agents, choice, strict=True)}
        ok = True
        values_here: dict[str, dict[str, float]] = {}
        for i, k in agents:
            best = -np.inf
            mine = 0.0
            for a in range(len(game.actions[i])):
                total = 0.0
                for t in type_grid:
                    if t[i] != k:
                        continue
                    acts = tuple(a if j == i else plan[(j, t[j])] for j in range(n))
                    total += weights[(i, t)] * float(u[(i, *t, *acts)])
                best = max(best, total)
                if a == plan[(i, k)]:
                    mine = total
            if mine < best - TIE * (1 + abs(best)):
                ok = False
                break
            values_here.setdefault(game.actors[i], {})[game.types[i][k]] = mine
        if ok:
            pure.append(
                {
                    game.actors[i]: {game.types[i][k]: game.actions[i][plan[(i, k)]] for k in range(len(game.types[i]))}
                    for i in range(n)
                }
            )
            interim.append(values_here)
    notes = ["The prior is independent across actors: each actor's types are drawn from its own prior."]
    behaviour: list[dict[str, dict[str, dict[str, float]]]] = []
    exante_set: EquilibriumSet | None = None
    if n == 2:
        solver = exante_solver or functools.partial(equilibria, exante_scenario(scenario))
        exante_set = solver(vals)
        for eq in exante_set:
            per: dict[str, dict[str, dict[str, float]]] = {}
            for j, who in enumerate(game.actors):
                plans = game.type_strategies(who)
                per[who] = {
                    t: {
                        x: float(sum(p for p, s in zip(eq.probabilities[j], plans, strict=True) if s[k] == x))
                        for x in game.actions[j]
                    }
                    for k, t in enumerate(game.types[j])
                }
            behaviour.append(per)
    else:
        notes.append("Mixed equilibria are computed for two actors only (the ex-ante form's two-actor solvers).")
    return BayesNash(
        game=game,
        values=vals,
        pure=tuple(pure),
        interim=tuple(interim),
        behaviour=tuple(behaviour),
        exante=exante_set,
        thresholds=belief_thresholds(scenario, vals) if thresholds else (),
        notes=tuple(notes),
    )


def _belief_symbols(game: BayesianGame, i: int) -> set[sympy.Symbol]:
    """The parameters of the other actors' priors that are not in actor ``i``'s own: ``i``'s beliefs."""

    def of(j: int) -> set[sympy.Symbol]:
        return {x for p in game.prior[j] for x in p.free_symbols if isinstance(x, sympy.Symbol)}

    others: set[sympy.Symbol] = set()
    for j in range(len(game.actors)):
        if j != i:
            others |= of(j)
    return others - of(i)


def _interim_difference(game: BayesianGame, plan: Plan, i: int, k: int, mine: str, other: str) -> sympy.Expr:
    """Agent (i, type k)'s interim payoff of ``mine`` minus that of ``other``, others playing ``plan``
    (exact, in the parameters and the prior)."""
    total = sympy.Integer(0)
    for t in game.type_profiles():
        if t[i] != game.types[i][k]:
            continue
        w = sympy.Mul(*(game.prior[j][game.types[j].index(t[j])] for j in range(len(game.actors)) if j != i))
        acts = [plan[a][t[j]] for j, a in enumerate(game.actors)]
        for action, sign in ((mine, 1), (other, -1)):
            acts[i] = action
            total += sign * w * game.payoff_expr(game.actors[i], t, acts)
    return sympy.expand(total)


def belief_thresholds(
    model: Scenario | BayesianGame, values: Mapping[str, float] | None = None
) -> tuple[BeliefThreshold, ...]:
    r"""The beliefs at which pure Bayes–Nash equilibria appear or vanish.

    Actor :math:`i`'s **beliefs** are the parameters of the other actors' priors that are not in its
    own. For every pure profile :math:`s` of the agent form in which every agent whose interim payoff
    difference :math:`\Delta = U_{i,t_i}(s_i(t_i), s_{-i}) - U_{i,t_i}(a', s_{-i})` does not depend on
    its beliefs already best-replies (at ``values``), each remaining condition :math:`\Delta \ge 0` is
    solved for each belief :math:`\mu` by :func:`bargaining.threshold` on the ex-ante form
    (``prefer`` the type strategy of :math:`s_i`, ``over`` the one deviating at :math:`t_i`, ``given`` the
    others' type strategies): :math:`s` is a Bayes–Nash equilibrium exactly on the side of each
    threshold that the threshold ``favours``.

    >>> from bargaining.games.bayesian import BayesianGame
    >>> g = BayesianGame.from_formulas(
    ...     {"RU": ["press", "wait"], "KZ": ["sign", "stay_out"]}, {"KZ": ["low", "high"]},
    ...     {"KZ": {"low": "mu", "high": "1 - mu"}},
    ...     {"RU": "RU.press * (g * KZ.sign - c * KZ.stay_out)",
    ...      "KZ": "KZ.sign * (D * RU.press - KZ.low - 3 * KZ.high)"},
    ...     parameters={"mu": (0.3, 0.0, 1.0), "g": (1.0, 0.0, 5.0), "c": (1.0, 0.0, 5.0), "D": (1.5, 0.0, 5.0)})
    >>> [(b.actor, b.action, b.over, str(b.threshold.formula), b.threshold.favours) for b in belief_thresholds(g)]
    [('RU', 'press', 'wait', 'c/(c + g)', 'above')]
    """
    scenario = Scenario.of(model)
    game = scenario.game
    if not isinstance(game, BayesianGame):
        raise ScenarioError('a Bayesian game (game = "bayesian")', found=f"a {scenario.kind} game", field="game")
    vals = scenario.values(values)
    n = len(game.actors)
    beliefs = [_belief_symbols(game, i) for i in range(n)]
    if not any(beliefs):
        return ()
    agents = _agents(game)
    check_count(
        "the belief thresholds",
        _profile_count(game, agents),
        MAX_THRESHOLD_PROFILES,
        unit="pure profiles",
        field="types",
        instead="fewer types or actions",
    )
    at = {game.parameters[name].symbol: sympy.Float(v) for name, v in vals.items()}
    exante: Scenario | None = None
    out: list[BeliefThreshold] = []
    for choice in product(*(range(len(game.actions[i])) for i, _ in agents)):
        pick = dict(zip(agents, choice, strict=True))
        plan = {
            a: {t: game.actions[i][pick[(i, k)]] for k, t in enumerate(game.types[i])}
            for i, a in enumerate(game.actors)
        }
        open_conditions: list[tuple[int, int, str, sympy.Expr]] = []
        candidate = True
        for i, k in agents:
            mine = plan[game.actors[i]][game.types[i][k]]
            for other in game.actions[i]:
                if other == mine:
                    continue
                d = _interim_difference(game, plan, i, k, mine, other)
                if d.free_symbols & beliefs[i]:
                    open_conditions.append((i, k, other, d))
                elif float(d.xreplace(at)) < -TIE * (1 + abs(float(d.xreplace(at)))):
                    candidate = False
                    break
            if not candidate:
                break
        if not candidate or not open_conditions:
            continue
        here = all(float(d.xreplace(at)) >= -TIE * (1 + abs(float(d.xreplace(at)))) for *_, d in open_conditions)
        if exante is None:
            exante = exante_scenario(scenario)
        for i, k, other, d in open_conditions:
            a = game.actors[i]
            prefer = BayesianGame.strategy_name([plan[a][t] for t in game.types[i]])
            over = BayesianGame.strategy_name([other if kk == k else plan[a][t] for kk, t in enumerate(game.types[i])])
            given = {
                b: BayesianGame.strategy_name([plan[b][t] for t in game.types[j]])
                for j, b in enumerate(game.actors)
                if j != i
            }
            for mu in sorted(d.free_symbols & beliefs[i], key=lambda x: x.name):
                found = threshold(exante, a, prefer=prefer, over=over, solve_for=mu.name, given=given, values=vals)
                out.append(BeliefThreshold(plan, a, game.types[i][k], plan[a][game.types[i][k]], other, found, here))
    return tuple(out)

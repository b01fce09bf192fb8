r"""Bayesian normal-form games: actors with private types drawn from a prior (Harsanyi 1967–68).

Each actor :math:`i` has a finite set of types :math:`T_i` (possibly one) and of actions
:math:`A_i`. Nature draws every actor's type independently, :math:`P(t_i) = \pi_i(t_i)` (the
probabilities are expressions in the parameters, e.g. ``mu`` and ``1 - mu``); each actor learns its
own type only. Payoffs :math:`u_i(t, a)` are sympy formulas in the indicators ``ACTOR.action`` and
``ACTOR.type`` (1 when the actor takes that action / has that type, else 0), as in normal-form files'
``[payoff_formulas]`` (docs/format.md#bayesian-games).

A strategy maps types to actions. The **type-strategy (ex-ante) form** (:meth:`BayesianGame.exante`)
is the normal-form game whose strategies are those maps, named by the actions in the order of the
types joined by ``__`` (``sign__stay_out``: sign as the first type, stay out as the second), with
payoffs the prior expectations

.. math:: U_i(s) = \sum_{t} \Big(\prod_j \pi_j(t_j)\Big)\, u_i\big(t, s_1(t_1), \dots, s_n(t_n)\big),

exact sympy expressions in the parameters and the prior. Its Nash equilibria are the Bayes–Nash
equilibria (for types of positive probability), and its thresholds in the prior are the beliefs at
which a best reply switches (:func:`bargaining.analysis.threshold.threshold`).

>>> g = BayesianGame.from_formulas(
...     {"RU": ["press", "wait"], "KZ": ["sign", "stay_out"]},
...     {"KZ": ["low", "high"]},
...     {"KZ": {"low": "mu", "high": "1 - mu"}},
...     {"RU": "RU.press * (g * KZ.sign - c * KZ.stay_out)", "KZ": "KZ.sign * (D * RU.press - KZ.low - 3 * KZ.high)"},
...     parameters={"mu": (0.3, 0.0, 1.0), "g": (1.0, 0.0, 5.0), "c": (1.0, 0.0, 5.0), "D": (1.5, 0.0, 5.0)})
>>> g.kind, g.exante().strategies[1]
('bayesian', ('sign__sign', 'sign__stay_out', 'stay_out__sign', 'stay_out__stay_out'))
>>> g.exante().payoff_expr("RU", ("press", "sign__stay_out"))
c*mu - c + g*mu
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import ClassVar

import sympy

from bargaining._repr import repr_html
from bargaining.errors import GameError, ScenarioError
from bargaining.expressions import allowed_parameters, as_expression, indicator_symbol
from bargaining.games.normal import NormalFormGame
from bargaining.parameters import (
    GameKind,
    Parameterised,
    ParametersLike,
    ParameterSpace,
    check_identifier,
    default_values,
    parsing_names,
)

__all__ = ["MAX_TYPE_STRATEGIES", "BayesianGame"]

MAX_TYPE_STRATEGIES = 4096
"""Most type strategies (maps from types to actions) per actor in the ex-ante form."""


@dataclass(frozen=True)
class BayesianGame(Parameterised):
    """A finite Bayesian game with independent priors over each actor's types.

    ``types[i]`` and ``actions[i]`` are actor ``actors[i]``'s labels; ``prior[i][k]`` the probability
    of its type ``types[i][k]`` (a sympy expression); ``formulas[i]`` its payoff in the indicators
    ``ACTOR.action`` and ``ACTOR.type``.
    """

    actors: tuple[str, ...]
    types: tuple[tuple[str, ...], ...]
    actions: tuple[tuple[str, ...], ...]
    prior: tuple[tuple[sympy.Expr, ...], ...]
    formulas: tuple[sympy.Expr, ...]
    parameters: ParameterSpace = field(default_factory=ParameterSpace)
    kind: ClassVar[GameKind] = "bayesian"

    def __post_init__(self) -> None:
        n = len(self.actors)
        if n < 1:
            raise GameError("at least one actor", found="none", field="actors")
        if not (len(self.types) == len(self.actions) == len(self.prior) == len(self.formulas) == n):
            raise GameError("types, actions, a prior and a payoff for every actor", found="a mismatch", field="actors")
        for i, a in enumerate(self.actors):
            check_identifier(a, f"actors[{i}].id")
            labels = [*self.types[i], *self.actions[i]]
            for name in labels:
                check_identifier(name, f"actors[{i}]")
            if not self.types[i] or not self.actions[i]:
                raise GameError("at least one type and one action", found="none", field=f"actors[{i}]")
            if len(set(labels)) != len(labels):
                dup = next(x for x in labels if labels.count(x) > 1)
                raise GameError("types and actions with distinct names", found=f"{dup!r} twice", field=f"actors[{i}]")
            if len(self.prior[i]) != len(self.types[i]):
                raise GameError("a probability for every type", found="a mismatch", field=f"prior.{a}")
        if len(set(self.actors)) != n:
            raise GameError("unique actor ids", found="a repeated id", field="actors")
        self._complete_parameters()

    @classmethod
    def from_formulas(
        cls,
        actions: Mapping[str, Sequence[str]],
        types: Mapping[str, Sequence[str]],
        prior: Mapping[str, Mapping[str, str | float | sympy.Expr]],
        formulas: Mapping[str, str | float | sympy.Expr],
        *,
        parameters: ParametersLike = None,
    ) -> BayesianGame:
        """A Bayesian game from formulas: ``actions`` and ``types`` by actor (an actor missing from
        ``types`` has one type, ``only``), ``prior`` actor -> type -> probability (an actor with one
        type needs none), ``formulas`` actor -> payoff in the indicators ``ACTOR.action``, ``ACTOR.type``."""
        actors = tuple(actions)
        for a in [*types, *prior, *formulas]:
            if a not in actions:
                raise GameError(f"an actor among {', '.join(actors)}", found=repr(a), field="actors")
        type_lists = tuple(tuple(types.get(a, ("only",))) for a in actors)
        action_lists = tuple(tuple(actions[a]) for a in actors)
        params = allowed_parameters(parsing_names(parameters))
        indicators = {
            a: {x: indicator_symbol(a, x) for x in (*ts, *acts)}
            for a, ts, acts in zip(actors, type_lists, action_lists, strict=True)
        }
        probs: list[tuple[sympy.Expr, ...]] = []
        for a, ts in zip(actors, type_lists, strict=True):
            given = prior.get(a, {})
            if len(ts) == 1 and not given:
                probs.append((sympy.Integer(1),))
                continue
            unknown = [t for t in given if t not in ts]
            if unknown:
                raise GameError(f"a type of {a} ({', '.join(ts)})", found=repr(unknown[0]), field=f"prior.{a}")
            row = []
            for t in ts:
                if t not in given:
                    raise GameError(f"a probability for every type of {a}", found=f"none for {t}", field=f"prior.{a}")
                try:
                    row.append(as_expression(given[t], parameters=params))
                except ScenarioError as err:
                    raise err.located(field=f"prior.{a}.{t}") from None
            probs.append(tuple(row))
        exprs = []
        for a in actors:
            if a not in formulas:
                raise GameError("a payoff formula for every actor", found=f"none for {a}", field="payoff_formulas")
            try:
                exprs.append(as_expression(formulas[a], parameters=params, indicators=indicators))
            except ScenarioError as err:
                raise err.located(field=f"payoff_formulas.{a}") from None
        game = cls(actors, type_lists, action_lists, tuple(probs), tuple(exprs), ParameterSpace.of(parameters))
        at = default_values(parameters)
        if at is not None:
            game.check_prior(at)
        return game

    # -- structure ------------------------------------------------------------------------------

    def index(self, actor: str) -> int:
        """The position of ``actor`` (a ``ScenarioError`` naming the actors otherwise)."""
        if actor not in self.actors:
            raise ScenarioError(f"an actor ({', '.join(self.actors)})", found=repr(actor), field="actor")
        return self.actors.index(actor)

    def _indicator_symbols(self) -> set[sympy.Symbol]:
        return {
            indicator_symbol(a, x)
            for a, ts, acts in zip(self.actors, self.types, self.actions, strict=True)
            for x in (*ts, *acts)
        }

    def parameter_symbols(self) -> set[sympy.Symbol]:
        """Every parameter symbol of the payoffs and the prior."""
        found: set[sympy.Symbol] = set()
        for e in (*self.formulas, *(p for row in self.prior for p in row)):
            found |= {s for s in e.free_symbols if isinstance(s, sympy.Symbol)}
        return found - self._indicator_symbols()

    def type_profiles(self) -> Iterator[tuple[str, ...]]:
        """Every profile of types, the first actor's varying slowest."""
        return product(*self.types)

    def prior_of(self, types: Sequence[str]) -> sympy.Expr:
        """The prior probability of a type profile, :math:`\\prod_i \\pi_i(t_i)`."""
        return sympy.Mul(*(self.prior[i][self.types[i].index(t)] for i, t in enumerate(types)))

    def payoff_expr(self, actor: str, types: Sequence[str], actions: Sequence[str]) -> sympy.Expr:
        """:math:`u_i(t, a)`: ``actor``'s payoff formula with the indicators set for ``types`` and ``actions``."""
        i = self.index(actor)
        subs: dict[sympy.Symbol, sympy.Expr] = {}
        for j, a in enumerate(self.actors):
            for x in self.types[j]:
                subs[indicator_symbol(a, x)] = sympy.Integer(1 if x == types[j] else 0)
            for x in self.actions[j]:
                subs[indicator_symbol(a, x)] = sympy.Integer(1 if x == actions[j] else 0)
        return sympy.expand(self.formulas[i].xreplace(subs))

    def check_prior(self, values: Mapping[str, float]) -> None:
        """Every actor's type probabilities are in [0, 1] and sum to 1 at ``values`` (a ``ScenarioError`` otherwise)."""
        for a, row in zip(self.actors, self.prior, strict=True):
            numbers = [
                float(p.xreplace({s: sympy.Float(values.get(s.name, 0.0)) for s in p.free_symbols})) for p in row
            ]
            if any(not (-1e-12 <= x <= 1 + 1e-12) for x in numbers) or not math.isclose(
                sum(numbers), 1.0, abs_tol=1e-9
            ):
                raise ScenarioError(
                    "type probabilities in [0, 1] that sum to 1",
                    found=", ".join(f"{x:g}" for x in numbers),
                    field=f"prior.{a}",
                )

    # -- the type-strategy form -----------------------------------------------------------------

    def type_strategies(self, actor: str) -> tuple[tuple[str, ...], ...]:
        """Every map from ``actor``'s types to its actions, as the actions in type order."""
        i = self.index(actor)
        count = len(self.actions[i]) ** len(self.types[i])
        if count > MAX_TYPE_STRATEGIES:
            raise ScenarioError(
                f"at most {MAX_TYPE_STRATEGIES} type strategies per actor in the ex-ante form",
                found=f"{count} for {actor}",
                field="types",
            )
        return tuple(product(self.actions[i], repeat=len(self.types[i])))

    @staticmethod
    def strategy_name(plan: Sequence[str]) -> str:
        """``sign__stay_out``: a type strategy's name, its actions in type order joined by ``__``."""
        return "__".join(plan)

    def exante(self) -> NormalFormGame:
        """The type-strategy (ex-ante) normal form: strategies are maps from types to actions, payoffs
        the prior expectations (exact sympy expressions in the parameters and the prior)."""
        plans = [self.type_strategies(a) for a in self.actors]
        profiles = list(self.type_profiles())
        weights = [self.prior_of(t) for t in profiles]
        names = [[self.strategy_name(p) for p in ps] for ps in plans]
        terms: list[list[sympy.Expr]] = [[] for _ in self.actors]
        for combo in product(*(range(len(ps)) for ps in plans)):
            weight = sympy.Mul(
                *(indicator_symbol(a, names[j][k]) for j, (a, k) in enumerate(zip(self.actors, combo, strict=True)))
            )
            for i, a in enumerate(self.actors):
                total = sympy.Integer(0)
                for t, w in zip(profiles, weights, strict=True):
                    acts = tuple(plans[j][k][self.types[j].index(t[j])] for j, k in enumerate(combo))
                    total += w * self.payoff_expr(a, t, acts)
                terms[i].append(sympy.expand(total) * weight)
        return NormalFormGame(
            self.actors, tuple(tuple(n) for n in names), tuple(sympy.Add(*t) for t in terms), self.parameters
        )

    def type_strategy_form(self) -> NormalFormGame:
        """The same as :meth:`exante`."""
        return self.exante()

    def complete_information(self, types: Mapping[str, str] | None = None) -> NormalFormGame:
        """The normal-form game played when every type is known (``types``: actor -> type; by default
        each actor's first type)."""
        chosen = tuple((types or {}).get(a, ts[0]) for a, ts in zip(self.actors, self.types, strict=True))
        terms: list[list[sympy.Expr]] = [[] for _ in self.actors]
        for acts in product(*self.actions):
            weight = sympy.Mul(*(indicator_symbol(a, x) for a, x in zip(self.actors, acts, strict=True)))
            for i, a in enumerate(self.actors):
                terms[i].append(self.payoff_expr(a, chosen, acts) * weight)
        return NormalFormGame(self.actors, self.actions, tuple(sympy.Add(*t) for t in terms), self.parameters)

    def _repr_html_(self) -> str:
        return repr_html(self)

"""bargaining: game-theoretic models of negotiation package deals.

Write a typed model (actors, parameters, strategies, payoffs) in a scenario file or in Python, and
solve it: every Nash equilibrium, subgame-perfect play, bargaining solutions and conditionality
thresholds, with exact formulas in the parameters. Every verb accepts a scenario or a bare game.

>>> import bargaining
>>> scenario = bargaining.load("conditionality")
>>> result = bargaining.equilibria(scenario)
>>> all(eq.strategy("CA")["defy"] == 1.0 for eq in result)
True
>>> t = bargaining.threshold(scenario, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"})
>>> t.formula
c/(delta**tau*p)

The layers, each importing only from those below it: ``kernels`` (numpy) -> ``expressions`` ->
``parameters`` -> ``games`` -> ``scenario`` -> ``analysis`` -> ``io`` -> ``display`` -> ``cli``.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for type checkers; at run time they load on first use (__getattr__)
    from bargaining.analysis.bayes_nash import bayes_nash
    from bargaining.analysis.cascade import Cascade, cascade
    from bargaining.analysis.deal import BargainResult, bargain
    from bargaining.analysis.dispatch import solve
    from bargaining.analysis.nash import Equilibrium, EquilibriumSet, equilibria, pure_equilibria
    from bargaining.analysis.pbe import perfect_bayesian
    from bargaining.analysis.record import consistent_region, history
    from bargaining.analysis.repeated import grim_trigger
    from bargaining.analysis.screening import screening_threshold
    from bargaining.analysis.selection import fictitious_play, quantal_response, replicator_dynamics
    from bargaining.analysis.statics import ComparativeStatics, comparative_statics
    from bargaining.analysis.subgame import SubgamePerfect, reduced_normal_form, subgame_perfect
    from bargaining.analysis.sweep import sweep
    from bargaining.analysis.threshold import Threshold, best_reply_map, concession, threshold
    from bargaining.analysis.two_level import ratify
    from bargaining.errors import ExpressionError, GameError, ScenarioError, ScenarioFileError, UnknownScenarioError
    from bargaining.expressions import parameter_symbol, parse_expression
    from bargaining.games.bargain import BargainingProblem
    from bargaining.games.bayesian import BayesianGame
    from bargaining.games.normal import NormalFormGame
    from bargaining.games.signalling import SignallingGame
    from bargaining.games.tree import TreeGame
    from bargaining.games.two_level import TwoLevelGame
    from bargaining.io.scenario_file import load, loads
    from bargaining.kernels import best_responses, iterated_elimination, strategy_payoffs
    from bargaining.parameters import Parameter, ParameterSpace
    from bargaining.scenario import Actor, Fact, Observed, Scenario

__version__ = "0.2.0"

_LAZY: dict[str, str] = {
    "perfect_bayesian": "bargaining.analysis.pbe",
    "bayes_nash": "bargaining.analysis.bayes_nash",
    "ratify": "bargaining.analysis.two_level",
    "grim_trigger": "bargaining.analysis.repeated",
    "screening_threshold": "bargaining.analysis.screening",
    "SignallingGame": "bargaining.games.signalling",
    "BayesianGame": "bargaining.games.bayesian",
    "TwoLevelGame": "bargaining.games.two_level",
    "Actor": "bargaining.scenario",
    "bargain": "bargaining.analysis.deal",
    "BargainingProblem": "bargaining.games.bargain",
    "BargainResult": "bargaining.analysis.deal",
    "best_reply_map": "bargaining.analysis.threshold",
    "best_responses": "bargaining.kernels",
    "Cascade": "bargaining.analysis.cascade",
    "cascade": "bargaining.analysis.cascade",
    "comparative_statics": "bargaining.analysis.statics",
    "ComparativeStatics": "bargaining.analysis.statics",
    "concession": "bargaining.analysis.threshold",
    "consistent_region": "bargaining.analysis.record",
    "equilibria": "bargaining.analysis.nash",
    "Equilibrium": "bargaining.analysis.nash",
    "EquilibriumSet": "bargaining.analysis.nash",
    "ExpressionError": "bargaining.errors",
    "Fact": "bargaining.scenario",
    "fictitious_play": "bargaining.analysis.selection",
    "GameError": "bargaining.errors",
    "history": "bargaining.analysis.record",
    "iterated_elimination": "bargaining.kernels",
    "load": "bargaining.io.scenario_file",
    "loads": "bargaining.io.scenario_file",
    "NormalFormGame": "bargaining.games.normal",
    "Observed": "bargaining.scenario",
    "Parameter": "bargaining.parameters",
    "parameter_symbol": "bargaining.expressions",
    "ParameterSpace": "bargaining.parameters",
    "parse_expression": "bargaining.expressions",
    "pure_equilibria": "bargaining.analysis.nash",
    "quantal_response": "bargaining.analysis.selection",
    "reduced_normal_form": "bargaining.analysis.subgame",
    "replicator_dynamics": "bargaining.analysis.selection",
    "Scenario": "bargaining.scenario",
    "ScenarioError": "bargaining.errors",
    "ScenarioFileError": "bargaining.errors",
    "solve": "bargaining.analysis.dispatch",
    "strategy_payoffs": "bargaining.kernels",
    "subgame_perfect": "bargaining.analysis.subgame",
    "SubgamePerfect": "bargaining.analysis.subgame",
    "sweep": "bargaining.analysis.sweep",
    "Threshold": "bargaining.analysis.threshold",
    "threshold": "bargaining.analysis.threshold",
    "TreeGame": "bargaining.games.tree",
    "UnknownScenarioError": "bargaining.errors",
}
"""Each public name and the module that defines it: loaded on first use (PEP 562), so that
``import bargaining`` is quick and the command's ``--help`` never loads sympy."""

_SUBPACKAGES = frozenset(
    {"analysis", "budget", "display", "errors", "expressions", "games", "io", "kernels", "parameters", "scenario"}
)
"""Subpackages reachable as attributes after a bare ``import bargaining`` (as when every name was
imported at the top); the deprecated old modules are not among them."""


def __getattr__(name: str) -> Any:
    """A public name or subpackage, imported on first use and then kept in the module's namespace."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBPACKAGES})


__all__ = [
    "Actor",
    "BargainResult",
    "BargainingProblem",
    "BayesianGame",
    "Cascade",
    "ComparativeStatics",
    "Equilibrium",
    "EquilibriumSet",
    "ExpressionError",
    "Fact",
    "GameError",
    "NormalFormGame",
    "Observed",
    "Parameter",
    "ParameterSpace",
    "Scenario",
    "ScenarioError",
    "ScenarioFileError",
    "SignallingGame",
    "SubgamePerfect",
    "Threshold",
    "TreeGame",
    "TwoLevelGame",
    "UnknownScenarioError",
    "bargain",
    "bayes_nash",
    "best_reply_map",
    "best_responses",
    "cascade",
    "comparative_statics",
    "concession",
    "consistent_region",
    "equilibria",
    "fictitious_play",
    "grim_trigger",
    "history",
    "iterated_elimination",
    "load",
    "loads",
    "parameter_symbol",
    "parse_expression",
    "perfect_bayesian",
    "pure_equilibria",
    "quantal_response",
    "ratify",
    "reduced_normal_form",
    "replicator_dynamics",
    "screening_threshold",
    "solve",
    "strategy_payoffs",
    "subgame_perfect",
    "sweep",
    "threshold",
]

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

from bargaining.analysis.cascade import Cascade, cascade
from bargaining.analysis.deal import BargainResult, bargain
from bargaining.analysis.dispatch import solve
from bargaining.analysis.nash import Equilibrium, EquilibriumSet, equilibria, pure_equilibria
from bargaining.analysis.record import consistent_region, history
from bargaining.analysis.selection import fictitious_play, quantal_response, replicator_dynamics
from bargaining.analysis.statics import ComparativeStatics, comparative_statics
from bargaining.analysis.subgame import SubgamePerfect, reduced_normal_form, subgame_perfect
from bargaining.analysis.sweep import sweep
from bargaining.analysis.threshold import Threshold, best_reply_map, concession, threshold
from bargaining.errors import ExpressionError, GameError, ScenarioError, ScenarioFileError, UnknownScenarioError
from bargaining.expressions import parameter_symbol, parse_expression
from bargaining.games.bargain import BargainingProblem
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import TreeGame
from bargaining.io.scenario_file import load, loads
from bargaining.kernels import best_responses, iterated_elimination, strategy_payoffs
from bargaining.parameters import Parameter, ParameterSpace
from bargaining.scenario import Actor, Fact, Observed, Scenario

__version__ = "0.2.0"

__all__ = [
    "Actor",
    "BargainResult",
    "BargainingProblem",
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
    "SubgamePerfect",
    "Threshold",
    "TreeGame",
    "UnknownScenarioError",
    "bargain",
    "best_reply_map",
    "best_responses",
    "cascade",
    "comparative_statics",
    "concession",
    "consistent_region",
    "equilibria",
    "fictitious_play",
    "history",
    "iterated_elimination",
    "load",
    "loads",
    "parameter_symbol",
    "parse_expression",
    "pure_equilibria",
    "quantal_response",
    "reduced_normal_form",
    "replicator_dynamics",
    "solve",
    "strategy_payoffs",
    "subgame_perfect",
    "sweep",
    "threshold",
]

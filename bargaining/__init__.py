"""bargaining: game-theoretic models of negotiation package deals.

Write a typed model (actors, parameters, strategies, payoffs) in a scenario file or in Python, and
solve it: every Nash equilibrium, with exact formulas in the parameters.

>>> import bargaining
>>> scenario = bargaining.load("conditionality")
>>> result = bargaining.equilibria(scenario)
>>> all(eq.strategy("CA")["defy"] == 1.0 for eq in result)
True
"""

from bargaining.analysis.nash import Equilibrium, EquilibriumSet, equilibria
from bargaining.errors import ExpressionError, GameError, ScenarioError, ScenarioFileError, UnknownScenarioError
from bargaining.expressions import parameter_symbol, parse_expression
from bargaining.games.normal import NormalFormGame
from bargaining.io.scenario_file import load, loads
from bargaining.kernels import best_responses, iterated_elimination, pure_equilibria, strategy_payoffs
from bargaining.scenario import Actor, Fact, Observed, Parameter, Scenario

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Equilibrium",
    "EquilibriumSet",
    "ExpressionError",
    "Fact",
    "GameError",
    "NormalFormGame",
    "Observed",
    "Parameter",
    "Scenario",
    "ScenarioError",
    "ScenarioFileError",
    "UnknownScenarioError",
    "best_responses",
    "equilibria",
    "iterated_elimination",
    "load",
    "loads",
    "parameter_symbol",
    "parse_expression",
    "pure_equilibria",
    "strategy_payoffs",
]

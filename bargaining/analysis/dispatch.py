"""The one place that branches on a game's kind: what "solve" means for each.

A normal-form game is solved by every Nash equilibrium (:func:`~bargaining.analysis.nash.equilibria`),
a tree by subgame-perfect play (:func:`~bargaining.analysis.subgame.subgame_perfect`; a tree with
information sets by the Nash equilibria of its reduced normal form), a package deal
by its bargaining solutions (:func:`~bargaining.analysis.deal.bargain`), a two-level game by its win
sets and negotiated outcome (:func:`~bargaining.analysis.two_level.ratify`), a Bayesian game by its
Bayes–Nash equilibria (:func:`~bargaining.analysis.bayes_nash.bayes_nash`). The command line's
``solve`` and the record check both call :func:`solve`.

>>> from bargaining.io.scenario_file import load
>>> type(solve(load("eu_russia_offer"))).__name__
'SubgamePerfect'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bargaining.analysis.bayes_nash import BayesNash, bayes_nash
from bargaining.analysis.deal import BargainResult, bargain
from bargaining.analysis.nash import EquilibriumSet, equilibria
from bargaining.analysis.pbe import PBEResult, perfect_bayesian
from bargaining.analysis.subgame import SubgamePerfect, subgame_perfect
from bargaining.analysis.two_level import Ratification, ratify
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import TreeGame
from bargaining.scenario import Scenario

if TYPE_CHECKING:
    from bargaining.scenario import Game

__all__ = ["Solution", "solve"]

Solution = EquilibriumSet | SubgamePerfect | BargainResult | PBEResult | Ratification | BayesNash


def solve(model: Scenario | Game, values: Mapping[str, float] | None = None) -> Solution:
    """The model's solution at ``values`` (its defaults if omitted), by the kind of its game."""
    scenario = Scenario.of(model)
    if isinstance(scenario.game, TreeGame) and scenario.game.perfect_information:
        return subgame_perfect(scenario, values)
    if scenario.game.kind == "bargain":
        return bargain(scenario, values)
    if isinstance(scenario.game, SignallingGame):  # every pure perfect Bayesian equilibrium
        return perfect_bayesian(scenario, values)
    if scenario.game.kind == "two_level":
        return ratify(scenario, values)
    if scenario.game.kind == "bayesian":  # every pure Bayes-Nash equilibrium of the agent form
        return bayes_nash(scenario, values)
    return equilibria(scenario, values)

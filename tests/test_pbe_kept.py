"""perfect_bayesian keeps the belief-threshold formulas per game object (pbe._threshold_formulas):
a warm call gives what a cold one gives, and the kept formula is the receiver's indifference."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from bargaining.analysis import pbe
from bargaining.analysis.pbe import perfect_bayesian
from bargaining.display.explore import slider_range
from bargaining.games.signalling import SignallingGame
from bargaining.io.scenario_file import load

SCENARIO = load("conditionality_signalling")


def test_warm_calls_equal_cold_ones_at_random_points() -> None:
    rng = np.random.default_rng(5)
    for _ in range(15):
        values = {p.name: float(np.round(rng.uniform(*slider_range(p)[:2]), 2)) for p in SCENARIO.parameters}
        pbe._FORMULAS.clear()
        cold = perfect_bayesian(SCENARIO, values)
        assert len(pbe._FORMULAS) == 1
        warm = perfect_bayesian(SCENARIO, values)
        assert warm == cold
        assert warm.thresholds == cold.thresholds


def test_the_kept_threshold_makes_the_receiver_indifferent() -> None:
    """After each message, the receiver's expected payoff of the two actions is equal at mu = formula
    (checked exactly at the defaults, from the game's payoffs)."""
    game = SCENARIO.game
    assert isinstance(game, SignallingGame)
    result = perfect_bayesian(SCENARIO)
    at = {s: sympy.Rational(repr(v)) for s, v in ((p.symbol, p.value) for p in SCENARIO.parameters)}
    assert result.thresholds
    for t in result.thresholds:
        j = game.messages.index(t.message)
        a, b = (game.actions.index(x) for x in t.actions)
        mu = t.formula.xreplace(at)
        ur = game.receiver_payoffs
        gap = mu * (ur[0][j][a] - ur[0][j][b]) + (1 - mu) * (ur[1][j][a] - ur[1][j][b])
        assert sympy.simplify(gap.xreplace(at)) == 0
        assert t.value == Fraction(str(sympy.Rational(mu)))

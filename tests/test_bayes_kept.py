"""bayes_nash keeps per game object its compiled payoffs and its ex-ante scenario (bayes_nash._kept):
a warm call gives what a cold one gives, on a scenario and on a bare game (a new scenario per call)."""

from __future__ import annotations

import numpy as np

from bargaining.analysis import bayes_nash as module
from bargaining.analysis.bayes_nash import bayes_nash, exante_scenario, interim_payoffs
from bargaining.display.explore import slider_range
from bargaining.games.bayesian import BayesianGame
from bargaining.io.scenario_file import load

SCENARIO = load("central_asia_beliefs")


def _points(n: int, seed: int) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    box = [(p.name, slider_range(p)[:2]) for p in SCENARIO.parameters]
    return [{name: float(np.round(rng.uniform(*bounds), 2)) for name, bounds in box} for _ in range(n)]


def test_warm_calls_equal_cold_ones() -> None:
    for values in _points(10, 3):
        module._KEPT.clear()
        cold = bayes_nash(SCENARIO, values)
        warm = bayes_nash(SCENARIO, values)
        assert warm == cold
        assert warm.exante is not None and cold.exante is not None
        assert [e.exact_probabilities for e in warm.exante] == [e.exact_probabilities for e in cold.exante]


def test_a_bare_game_is_kept_by_the_game_object() -> None:
    game = SCENARIO.game
    assert isinstance(game, BayesianGame)
    first = exante_scenario(game)
    assert exante_scenario(game) is first  # a new Scenario around the game each call, one ex-ante form
    assert exante_scenario(SCENARIO) is not first  # another title: its own
    assert exante_scenario(SCENARIO) is exante_scenario(SCENARIO)
    values = SCENARIO.values({"mu": 0.7})
    assert bayes_nash(game, values).pure == bayes_nash(SCENARIO, values).pure


def test_interim_payoffs_of_an_equilibrium_leave_no_gain() -> None:
    """The kept compiled payoffs give every agent of a pure equilibrium its best interim payoff."""
    game = SCENARIO.game
    assert isinstance(game, BayesianGame)
    for values in _points(10, 4):
        result = bayes_nash(SCENARIO, values)
        for plan, interim in zip(result.pure, result.interim, strict=True):
            for actor, types in plan.items():
                for own_type, action in types.items():
                    pays = interim_payoffs(game, result.values, plan, actor, own_type)
                    assert abs(pays[action] - interim[actor][own_type]) <= 1e-12 * (1 + abs(pays[action]))
                    assert pays[action] >= max(pays.values()) - 1e-9 * (1 + max(abs(x) for x in pays.values()))

"""Bayesian normal-form games and their Bayes–Nash equilibria (agent form, ex-ante form)."""

from __future__ import annotations

from itertools import product

import numpy as np
import pygambit as gbt  # type: ignore[import-untyped]
import pytest

from bargaining.analysis.bayes_nash import bayes_nash, interim_payoffs
from bargaining.analysis.nash import equilibria
from bargaining.analysis.threshold import threshold
from bargaining.games.bayesian import BayesianGame

PARAMS = {"mu": (0.3, 0.0, 1.0), "g": (1.0, 0.0, 5.0), "c": (1.0, 0.0, 5.0), "D": (1.5, 0.0, 5.0)}


def pressing(**types: list[str]) -> BayesianGame:
    """Russia presses (gains g if Kazakhstan signs, loses c if it stays out) or waits; Kazakhstan's cost
    of signing is 1 (low) or 3 (high), and pressing adds D to signing's gain."""
    kz = types.get("KZ", ["low", "high"])
    prior = {"KZ": {"low": "mu", "high": "1 - mu"}} if len(kz) == 2 else {}
    return BayesianGame.from_formulas(
        {"RU": ["press", "wait"], "KZ": ["sign", "stay_out"]},
        {"KZ": kz},
        prior,
        {
            "RU": "RU.press * (g * KZ.sign - c * KZ.stay_out)",
            "KZ": f"KZ.sign * (D * RU.press - {' - '.join(f'{k}*KZ.{t}' for k, t in zip((1, 3), kz, strict=False))})",
        },
        parameters=PARAMS,
    )


def independent_check(game: BayesianGame, values: dict[str, float], plan: dict[str, dict[str, str]]) -> bool:
    """No (actor, type) agent gains by deviating, from the formulas evaluated one by one."""
    at = {game.parameters[n].symbol: v for n, v in values.items()}

    def interim(i: int, a: str, t: str, action: str) -> float:
        total = 0.0
        for others in product(*game.types):
            if others[i] != t:
                continue
            w = 1.0
            for j, tj in enumerate(others):
                if j != i:
                    w *= float(game.prior[j][game.types[j].index(tj)].subs(at))
            acts = tuple(action if j == i else plan[b][others[j]] for j, b in enumerate(game.actors))
            total += w * float(game.payoff_expr(a, others, acts).subs(at))
        return total

    for i, a in enumerate(game.actors):
        for t in game.types[i]:
            mine = interim(i, a, t, plan[a][t])
            if any(interim(i, a, t, x) > mine + 1e-9 for x in game.actions[i]):
                return False
    return True


@pytest.mark.parametrize("mu", [0.0, 0.3, 0.49, 0.51, 0.7, 1.0])
def test_every_pure_equilibrium_survives_every_interim_deviation(mu: float) -> None:
    game = pressing()
    values = game.parameters.values() | {"mu": mu}
    result = bayes_nash(game, {"mu": mu})
    found = [{a: dict(p) for a, p in eq.items()} for eq in result.pure]
    every = [
        {"RU": {"only": r}, "KZ": {"low": lo, "high": hi}}
        for r, lo, hi in product(game.actions[0], game.actions[1], game.actions[1])
    ]
    assert found == [p for p in every if independent_check(game, values, p)]
    assert found, "a pure equilibrium exists here"
    # waiting with no signature is always an equilibrium; pressing (the low type signs) exactly when
    # Russia's belief that Kazakhstan's burden is low reaches c/(c + g) = 1/2
    press = {"RU": {"only": "press"}, "KZ": {"low": "sign", "high": "stay_out"}}
    assert {"RU": {"only": "wait"}, "KZ": {"low": "stay_out", "high": "stay_out"}} in found
    assert (press in found) == (mu >= 0.5)
    for eq, interim in zip(result.pure, result.interim, strict=True):
        plan = {a: dict(p) for a, p in eq.items()}
        direct = interim_payoffs(game, values, plan, "KZ", "low")
        assert interim["KZ"]["low"] == pytest.approx(direct[plan["KZ"]["low"]])


def test_one_type_is_the_complete_information_game() -> None:
    game = pressing(KZ=["low"])
    complete = game.complete_information()
    pure = [{a: dict(p) for a, p in eq.items()} for eq in bayes_nash(game).pure]
    reference = [eq for eq in equilibria(complete) if all(max(p) == 1 for p in eq.probabilities)]
    assert len(pure) == len(reference)
    for eq in reference:
        chosen = {a: game.actions[j][int(np.argmax(eq.probabilities[j]))] for j, a in enumerate(game.actors)}
        assert {"RU": {"only": chosen["RU"]}, "KZ": {"low": chosen["KZ"]}} in pure


def test_the_exante_form_against_gambit() -> None:
    game = pressing()
    values = game.parameters.values() | {"mu": 0.5}
    exante = game.exante()
    arrays = exante.payoff_array(values)
    g = gbt.StrategicGame.from_arrays(arrays[0].astype(float), arrays[1].astype(float))
    reference = gbt.nash.enummixed_solve(g, rational=False).equilibria
    ours = bayes_nash(game, {"mu": 0.5})
    assert ours.exante is not None
    mine = sorted(tuple(np.round(np.concatenate(eq.probabilities), 6)) for eq in ours.exante)
    theirs = sorted(tuple(np.round([float(x) for p in g.players for x in dict(eq[p]).values()], 6)) for eq in reference)
    assert all(any(np.allclose(t, m, atol=1e-6) for m in mine) for t in theirs)
    # every behaviour read back from the ex-ante form is a probability per type
    for b in ours.behaviour:
        for per in b.values():
            for dist in per.values():
                assert sum(dist.values()) == pytest.approx(1.0)


def test_the_belief_threshold_from_the_exante_form() -> None:
    game = pressing()
    exante = game.exante()
    t = threshold(exante, "RU", prefer="press", over="wait", solve_for="mu", given={"KZ": "sign__stay_out"})
    assert str(t.formula) == "c/(c + g)" and t.value == pytest.approx(0.5) and t.favours == "above"
    assert t.comparative_statics["c"].sign == "+" and t.comparative_statics["g"].sign == "-"

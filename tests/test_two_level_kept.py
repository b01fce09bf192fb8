"""ratify keeps the Nash point's formulas by the packages it mixes (two_level._nash_formulas):
a call that finds them kept gives what a cold call (bargain with exact=True, as ratify always did)
gives, and the kept formulas evaluate to the numbers at every sampled point."""

from __future__ import annotations

import numpy as np
import pytest

from bargaining.analysis import two_level
from bargaining.analysis.two_level import Ratification, ratify
from bargaining.display.explore import slider_range
from bargaining.expressions import evaluate_real
from bargaining.io.scenario_file import load

SCENARIO = load("eu_russia_ratification")


def _same(a: Ratification, b: Ratification) -> None:
    assert a == b  # Result equality: every field, formulas included
    assert a.payoff_formulas == b.payoff_formulas and a.offer_formula == b.offer_formula
    assert a.notes == b.notes


@pytest.mark.parametrize("values", [{}, {"delta": 0.57}, {"cap_c": 0.9}])
def test_a_kept_formula_is_the_cold_one(values: dict[str, float]) -> None:
    two_level._NASH.clear()
    cold = ratify(SCENARIO, values)
    assert two_level._NASH  # the formula was kept (no deadline at these small formulas)
    warm = ratify(SCENARIO, values)
    _same(cold, warm)
    assert cold.agreement and cold.payoff_formulas is not None


def test_kept_formulas_give_the_numbers_at_sampled_points() -> None:
    rng = np.random.default_rng(13)
    seen_lotteries = set()
    for _ in range(60):
        values = dict(SCENARIO.values())
        pars = list(SCENARIO.parameters)
        for k in rng.choice(len(pars), size=2, replace=False):
            par = pars[int(k)]
            low, high, _ = slider_range(par)
            values[par.name] = round(float(rng.uniform(low, high)), 2)
        r = ratify(SCENARIO, values)
        if not r.agreement:
            assert r.payoff_formulas is None
            continue
        seen_lotteries.add(len(r.lottery))
        assert r.payoff_formulas is not None
        for formula, number in zip(r.payoff_formulas, r.payoffs, strict=True):
            got, why = evaluate_real(formula, values)
            assert why is None and float(got) == pytest.approx(number, rel=1e-9, abs=1e-9)
        if r.offer is not None and r.offer_formula is not None:
            got, why = evaluate_real(r.offer_formula, values)
            assert why is None and float(got) == pytest.approx(r.offer, rel=1e-9, abs=1e-9)
    assert seen_lotteries == {1, 2}  # both a corner and a point inside an edge were met


def test_without_exact_nothing_is_solved() -> None:
    two_level._NASH.clear()
    r = ratify(SCENARIO, {"delta": 0.57}, exact=False)
    assert r.payoff_formulas is None and not two_level._NASH

"""The screening tree (docs/models.md#screening): the EU's offer not knowing Russia's TCN cost."""

from __future__ import annotations

import itertools
import json

import pytest
import sympy

from bargaining.analysis.screening import screening_node, screening_threshold
from bargaining.analysis.subgame import subgame_perfect
from bargaining.cli import run
from bargaining.errors import ScenarioError
from bargaining.io.scenario_file import load

SCREENING = load("eu_russia_screening")


def closed_form(**overrides: float) -> dict[str, float]:
    """v_L, v_H, the expected payoffs and mu* recomputed from docs/models.md#screening's formulas."""
    v = {k: sympy.Rational(repr(x)) for k, x in SCREENING.values(overrides).items()}
    x = v["delta"] ** v["T"]
    b = v["b_N"] + x * v["B_TCN"]
    v_low = (v["c_N"] + x * v["C_L"] + v["d_R"]) / v["a"]
    v_high = (v["c_N"] + x * v["C_H"] + v["d_R"]) / v["a"]
    mu_star = (b - v["d_EU"] - v["k"] * v_high) / (b - v["d_EU"] - v["k"] * v_low)
    pool = b - v["k"] * v_high
    separate = v["mu"] * (b - v["k"] * v_low) + (1 - v["mu"]) * v["d_EU"]
    return {
        k: float(e) for k, e in {"v_L": v_low, "v_H": v_high, "mu*": mu_star, "pool": pool, "sep": separate}.items()
    }


def test_the_numbers_of_the_model() -> None:
    want = closed_form()
    assert want["v_L"] == pytest.approx(0.43534, abs=5e-6) and want["v_H"] == pytest.approx(0.49366, abs=5e-6)
    assert want["mu*"] == pytest.approx(0.8801, abs=5e-5)
    s = screening_threshold(SCREENING)
    assert s.offers["separating"] == pytest.approx(want["v_L"], abs=1e-12)
    assert s.offers["pooling"] == pytest.approx(want["v_H"], abs=1e-12)
    assert s.expected["pooling"] == pytest.approx(want["pool"], abs=1e-12)
    assert s.expected["separating"] == pytest.approx(want["sep"], abs=1e-12)
    assert s.threshold is not None and s.threshold.exact
    assert s.threshold.value == pytest.approx(want["mu*"], abs=1e-12)
    assert s.threshold.value is not None and 0 <= s.threshold.value <= 1 and s.threshold.favours == "above"
    assert dict(s.replies["pooling"]) == {"low": "accept", "high": "accept"}
    assert dict(s.replies["separating"]) == {"low": "accept", "high": "reject"}


@pytest.mark.parametrize("mu", [0.0, 0.3, 0.85, 0.88, 0.89, 0.95, 1.0])
def test_the_choice_is_the_argmax_of_the_expected_payoff(mu: float) -> None:
    want = closed_form(mu=mu)
    s = screening_threshold(SCREENING, {"mu": mu}, statics=False)
    expected = "separating" if want["sep"] > want["pool"] else "pooling"
    assert s.choice == expected
    spe = subgame_perfect(SCREENING, {"mu": mu})
    assert spe.offers["v"] == pytest.approx(want["v_L"] if expected == "separating" else want["v_H"], abs=1e-12)
    assert spe.payoff["EU"] == pytest.approx(max(want["sep"], want["pool"]), abs=1e-12)


def test_the_formula_is_the_models_and_falls_in_the_high_cost() -> None:
    s = screening_threshold(SCREENING)
    assert s.threshold is not None and s.threshold.formula is not None
    sym = {p.name: p.symbol for p in SCREENING.parameters}
    x = sym["delta"] ** sym["T"]
    b = sym["b_N"] + x * sym["B_TCN"]
    v_low = (sym["c_N"] + x * sym["C_L"] + sym["d_R"]) / sym["a"]
    v_high = (sym["c_N"] + x * sym["C_H"] + sym["d_R"]) / sym["a"]
    model = (b - sym["d_EU"] - sym["k"] * v_high) / (b - sym["d_EU"] - sym["k"] * v_low)
    assert sympy.simplify(s.threshold.formula - model) == 0
    # the derivative in C_H is -k delta^T / (a (b - d_EU - k v_L)): negative wherever separating pays
    derivative = sympy.diff(s.threshold.formula, sym["C_H"])
    assert sympy.simplify(derivative * (b - sym["d_EU"] - sym["k"] * v_low) + sym["k"] * x / sym["a"]) == 0
    assert float(derivative.subs({sym[k]: v for k, v in SCREENING.values().items()})) < 0
    assert s.statics_where_defined["C_H"].sign == "-"
    # and by finite differences of the recomputed closed form
    steps = [closed_form(C_H=c)["mu*"] for c in (5.0, 5.2, 5.4, 5.6, 5.8)]
    assert all(a > b for a, b in itertools.pairwise(steps))
    found = [screening_threshold(SCREENING, {"C_H": c}, statics=False).threshold for c in (5.2, 5.6)]
    low, high = (t.value if t is not None else None for t in found)
    assert low is not None and high is not None and low > high


def test_alike_types_give_the_offer_game() -> None:
    offer = subgame_perfect(load("eu_russia_offer"))
    same = SCREENING.values({"C_L": 5.4, "C_H": 5.4})
    s = screening_threshold(SCREENING, same)
    assert s.choice == "pooling" and s.threshold is None and "separating" not in s.offers
    assert s.offers["pooling"] == pytest.approx(offer.offers["v"], abs=1e-12)
    assert s.subgame_perfect.payoff["EU"] == pytest.approx(offer.payoff["EU"], abs=1e-12)
    assert s.subgame_perfect.payoff["RU"] == pytest.approx(offer.payoff["RU"], abs=1e-12)
    assert str(s.offer_formulas["pooling"]).replace("C_H", "C_TCN") == str(offer.offer_formulas["v"])


def test_not_a_screening_tree() -> None:
    assert screening_node(load("eu_russia_offer").game) is None
    with pytest.raises(ScenarioError, match="screening tree"):
        screening_threshold(load("eu_russia_offer"))
    with pytest.raises(ScenarioError, match="offer node"):
        screening_threshold(SCREENING, at="eu")


def test_the_command_prints_the_choice_and_the_threshold() -> None:
    text = run(["solve", "eu_russia_screening"])
    assert "EU's choice: pooling" in text and "mu* = 0.880101" in text
    out = json.loads(run(["solve", "eu_russia_screening", "--json", "--set", "mu=0.95"]))
    assert out["screening"]["choice"] == "separating"
    assert out["screening"]["threshold"]["value"] == pytest.approx(closed_form()["mu*"], abs=1e-9)
    assert out["subgame_perfect"]["offers"]["v"] == pytest.approx(closed_form()["v_L"], abs=1e-9)

"""The built-in scenarios reproduce the record, with numbers recomputed from docs/models.md's closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from bargaining.analysis.nash import equilibria
from bargaining.analysis.record import matching_equilibria
from bargaining.io.builtins import DEFAULT_SCENARIO, builtin_names
from bargaining.io.scenario_file import load
from bargaining.kernels.best_response import best_responses
from bargaining.scenario import Scenario
from tests.helpers import brute_pure


def exact_values(scenario: Scenario, **overrides: float) -> dict[str, sympy.Rational]:
    """Parameter values as exact rationals (the file's decimals, e.g. 0.9 -> 9/10)."""
    values = scenario.values(overrides)
    return {k: sympy.Rational(repr(v)) for k, v in values.items()}


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_loads_and_documents_its_numbers(name: str) -> None:
    scenario = load(name)
    assert scenario.title and scenario.summary
    for p in scenario.parameters:
        assert p.source.strip(), f"{p.name} needs a source"
        assert p.description.strip(), f"{p.name} needs a description"
    for fact in scenario.facts:
        assert fact.source.strip()
    for obs in scenario.observed:
        assert obs.source.strip()


def test_default_is_eu_russia_2007() -> None:
    assert DEFAULT_SCENARIO == "eu_russia_2007" and DEFAULT_SCENARIO in builtin_names()


def test_assumptions_say_so_and_data_cite_a_source() -> None:
    scenario = load("eu_russia_2007")
    for p in scenario.parameters:
        if p.name == "T":
            assert "Korneev 2012" in p.source  # the 3-year transitory period is data
        else:
            assert "assumption" in p.source.lower()


class TestEURussia2007:
    """docs/models.md#the-offer-game at the section 8 defaults."""

    scenario = load("eu_russia_2007")

    def closed_form(self, T: float) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
        v = exact_values(self.scenario, T=T)
        x = v["delta"] ** v["T"]
        u_eu = v["b_N"] + x * v["B_TCN"] - v["k"] * v["v_cap"]
        u_ru = v["a"] * v["v_cap"] - v["c_N"] - x * v["C_TCN"]
        v_star = (v["c_N"] + x * v["C_TCN"] + v["d_R"]) / v["a"]  # Russia's least acceptable offer
        return u_eu, u_ru, v_star

    def test_the_deal_is_an_equilibrium_with_the_closed_form_payoffs(self) -> None:
        result = equilibria(self.scenario)
        deal = [eq for eq in result if eq.strategy("EU")["offer"] == 1 and eq.strategy("RU")["accept"] == 1]
        assert len(deal) == 1
        u_eu, u_ru, v_star = self.closed_form(3)
        assert deal[0].payoffs == pytest.approx((float(u_eu), float(u_ru)), abs=1e-12)
        assert float(v_star) == pytest.approx(0.49366, abs=5e-6)  # docs/models.md: v*(3) = 0.49366 <= 0.5
        # Russia's surplus over its outside option at the cap is the "small dog": a*v_cap - ... - d_R
        v = exact_values(self.scenario)
        assert float(u_ru - v["d_R"]) == pytest.approx(0.0634, abs=5e-5)

    def test_exact_payoffs_equal_the_formulas_of_section_3(self) -> None:
        result = equilibria(self.scenario)
        deal = next(eq for eq in result if eq.strategy("EU")["offer"] == 1)
        assert deal.exact_payoffs is not None
        s = {p.name: p.symbol for p in self.scenario.parameters}
        expected_ru = s["a"] * s["v_cap"] - s["c_N"] - s["delta"] ** s["T"] * s["C_TCN"]
        assert sympy.simplify(deal.exact_payoffs[1] - expected_ru) == 0

    def test_russia_accepts_exactly_from_the_minimal_transitory_period_on(self) -> None:
        v = exact_values(self.scenario)
        t_min = sympy.log((v["a"] * v["v_cap"] - v["c_N"] - v["d_R"]) / v["C_TCN"]) / sympy.log(v["delta"])
        assert float(t_min) == pytest.approx(2.848, abs=5e-4)  # docs/models.md: T_min = ln(20/27)/ln(0.9)
        for T in range(0, 6):
            accepts = any(eq.strategy("RU")["accept"] == 1 for eq in equilibria(self.scenario, {"T": T}))
            assert accepts == (T >= math.ceil(float(t_min))), T
            assert accepts == bool(self.closed_form(T)[2] <= v["v_cap"])

    def test_the_record_is_an_equilibrium(self) -> None:
        result = equilibria(self.scenario)
        assert all(matching_equilibria(result, obs) for obs in self.scenario.observed)

    def test_the_game_is_degenerate_and_the_no_offer_equilibrium_is_reported(self) -> None:
        result = equilibria(self.scenario)
        assert result.degenerate
        assert any(eq.strategy("EU")["no_offer"] == 1 for eq in result)


class TestConditionality:
    """docs/models.md#conditionality: the target complies with a promised reward iff r >= c / (p delta^tau)."""

    scenario = load("conditionality")

    def reply_to_reward(self, r: float) -> set[str]:
        values = self.scenario.values({"r": r})
        payoffs = self.scenario.normal_form.payoff_array(values)
        reward = np.eye(2)[self.scenario.normal_form.strategy_index("EU", "reward")]
        replies = best_responses(payoffs, 1, [reward, np.zeros(2)], tol=0.0)
        return {self.scenario.normal_form.strategies[1][k] for k in replies}

    def test_best_reply_switches_at_the_closed_form_threshold(self) -> None:
        v = exact_values(self.scenario)
        r_star = v["c"] / (v["p"] * v["delta"] ** v["tau"])
        assert float(r_star) == pytest.approx(1.625)  # docs/models.md#conditionality(c): Russia -> Uzbekistan 2007
        assert "comply" in self.reply_to_reward(float(r_star) + 1e-9)
        assert self.reply_to_reward(float(r_star) - 1e-9) == {"defy"}
        assert self.reply_to_reward(float(r_star) + 1e-6) == {"comply"}

    def test_without_commitment_the_target_defies_in_every_equilibrium(self) -> None:
        result = equilibria(self.scenario)
        assert all(eq.strategy("CA")["defy"] == 1 for eq in result)
        assert result.continuum  # the principal may promise with any probability up to c / (p r)


class TestCentralAsiaSigning:
    """docs/models.md#the-signing-game: only Uzbekistan signs in 2007; Kazakhstan and Kyrgyzstan join by 2012."""

    scenario = load("central_asia_signing")

    def signers(self, overrides: dict[str, float] | None = None) -> list[set[str]]:
        result = equilibria(self.scenario, self.scenario.values(overrides or {}) if overrides else None)
        return [{a for a in self.scenario.game.actors if eq.strategy(a)["sign"] == 1} for eq in result]

    def test_2007_the_only_equilibrium_is_uzbekistan_alone(self) -> None:
        assert self.signers() == [{"UZ"}]

    def test_enumeration_equals_brute_force(self) -> None:
        arr = self.scenario.normal_form.payoff_array(self.scenario.values())
        found = {tuple(int(k) for k in row) for row in np.argwhere(np.ones(arr.shape[1:], bool))}
        from bargaining.kernels.pure import pure_equilibria

        assert {tuple(int(k) for k in r) for r in pure_equilibria(arr)} == brute_pure(arr)
        assert len(found) == 2**5

    def test_thresholds_of_section_5_at_2007_values(self) -> None:
        v = exact_values(self.scenario)

        def theta(j: str) -> sympy.Expr:
            R = v[f"p_{j}"] * v[f"L_{j}"] + v[f"D_{j}"]
            K = v[f"cN_{j}"] + v[f"tau_{j}"] * v[f"H_{j}"] + v[f"beta_{j}"]
            return (K - R) / v[f"gamma_{j}"]

        assert float(theta("UZ")) == pytest.approx(-3.667, abs=1e-3)
        assert float(theta("KZ")) == pytest.approx(4.375)
        assert float(theta("KG")) == pytest.approx(1.833, abs=1e-3)
        assert float(theta("TJ")) == pytest.approx(8.2)

    def test_2012_kazakhstan_and_kyrgyzstan_sign(self) -> None:
        assert self.signers({"p_KZ": 0.9, "L_KZ": 4.0, "D_KZ": 1.0}) == [{"UZ", "KZ", "KG"}]

    def test_the_record_is_an_equilibrium(self) -> None:
        from bargaining.analysis.record import history

        assert [obs.settings != {} for obs in self.scenario.observed].count(True) == 2  # the 2012 entries
        result = history(self.scenario)
        assert result.agree == result.total == len(self.scenario.observed)

"""The external-incentives model (docs/models.md#conditionality): the builder's game, the threshold from
the core against the closed form c/(p δ^τ), the analyses' invariants and worked numbers, recomputed."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import bargaining
from bargaining.analysis.incentives import (
    BestReply,
    BestReward,
    ComplianceCurve,
    WinSet,
    best_reply,
    best_reward,
    compliance_curve,
    complies,
    reward_threshold,
    win_set,
)
from bargaining.analysis.nash import equilibria
from bargaining.analysis.result import Result
from bargaining.display.plots import compliance_figure
from bargaining.errors import ScenarioError
from bargaining.expressions import parameter_symbol
from bargaining.games.incentives import ExternalIncentives, Normal, Uniform
from bargaining.games.normal import NormalFormGame
from bargaining.parameters import ParameterSpace

positive = st.floats(0.05, 10)
credibility = st.floats(0.05, 1)
SCENARIO = bargaining.load("conditionality")
c_, p_, delta_, tau_, B_, k_, r_ = (parameter_symbol(n) for n in ("c", "p", "delta", "tau", "B", "k", "r"))


def decimal(x: float) -> sympy.Rational:
    """The decimal a float prints as, exactly (0.3 is 3/10)."""
    f = Fraction(repr(x))
    return sympy.Rational(f.numerator, f.denominator)


def core_threshold(model: ExternalIncentives) -> sympy.Expr:
    """r* from the core, on the builder's game, exactly as a user calls it."""
    t = bargaining.threshold(model.game(), "A", prefer="comply", over="defy", solve_for="r", given={"P": "reward"})
    assert t.formula is not None
    return t.formula


# -- the threshold comes from the core and is the closed form ------------------------------------


def test_core_threshold_on_the_symbolic_game_is_the_closed_form() -> None:
    c, p, delta, tau = sympy.symbols("c p delta tau", positive=True)  # assumptions are dropped by name
    model = ExternalIncentives(c=c, p=p, delta=delta, tau=tau)
    formula = core_threshold(model)
    assert sympy.simplify(formula - c_ / (p_ * delta_**tau_)) == 0
    assert formula.free_symbols == {c_, p_, delta_, tau_}
    assert reward_threshold(model).formula == formula  # the analysis layer goes through the core


@pytest.mark.parametrize(
    "inputs",
    [
        {"c": sympy.Symbol("c"), "p": 0.8},
        {"c": 1.3, "p": sympy.Symbol("p"), "delta": 0.9, "tau": 2},
        {"c": sympy.Symbol("c"), "p": sympy.Rational(1, 3), "delta": sympy.Symbol("delta"), "tau": 3},
        {"c": sympy.Symbol("c") + sympy.Symbol("d_R"), "p": sympy.Symbol("p")},  # a net cost as a sum
    ],
)
def test_core_threshold_with_mixed_inputs_is_the_closed_form(inputs: dict[str, object]) -> None:
    model = ExternalIncentives(**inputs)  # type: ignore[arg-type]
    closed = model.expr("c") / (model.expr("p") * model.expr("delta") ** model.expr("tau"))
    assert sympy.simplify(core_threshold(model) - closed) == 0


@settings(max_examples=40, deadline=None)
@given(positive, credibility, st.floats(0.5, 1), st.integers(0, 5))
def test_core_threshold_with_numbers_is_the_closed_form(c: float, p: float, delta: float, tau: int) -> None:
    model = ExternalIncentives(c=c, p=p, delta=delta, tau=tau)
    exact = decimal(c) / (decimal(p) * decimal(delta) ** tau)
    assert core_threshold(model) == exact  # exactly, the numbers read as decimals
    assert reward_threshold(model).value == pytest.approx(c / (p * delta**tau), rel=1e-12)


def test_threshold_is_exact_with_rationals() -> None:
    c, p, d = sympy.Rational(13, 10), sympy.Rational(4, 5), sympy.Rational(9, 10)
    r = reward_threshold(ExternalIncentives(c=c, p=p, delta=d, tau=2)).formula
    assert r is not None
    assert p * d**2 * r == c  # the target is exactly indifferent at r*
    assert r == sympy.Rational(13, 10) / (sympy.Rational(4, 5) * sympy.Rational(81, 100))


def test_comparative_statics_signs_from_the_core() -> None:
    model = ExternalIncentives(
        c=sympy.Symbol("c"),
        p=sympy.Symbol("p"),
        delta=sympy.Symbol("delta"),
        tau=sympy.Symbol("tau"),
        values={"c": (1.3, 0, 10), "p": (0.8, 0.01, 1), "delta": (0.9, 0.5, 0.99), "tau": (1, 0, 10), "r": (2, 0, 10)},
    )
    signs = {q: s.sign for q, s in reward_threshold(model).comparative_statics.items()}
    assert signs == {"c": "+", "delta": "-", "p": "-", "tau": "+"}


# -- the builder's game ---------------------------------------------------------------------------


def symbolic_like_the_scenario(space: ParameterSpace = SCENARIO.game.parameters) -> ExternalIncentives:
    s = {n: sympy.Symbol(n) for n in ("c", "p", "delta", "tau", "B", "k")}
    return ExternalIncentives(**s, values=space, principal="EU", target="CA")


def test_builder_game_is_the_scenario_game() -> None:
    game, loaded = symbolic_like_the_scenario().game(), SCENARIO.normal_form
    assert isinstance(game, NormalFormGame)
    assert (game.actors, game.strategies) == (loaded.actors, loaded.strategies)
    assert game.formulas == loaded.formulas
    assert game.parameters == loaded.parameters


def profiles(result: bargaining.EquilibriumSet) -> list[tuple[float, ...]]:
    return sorted(tuple(round(x, 9) for row in eq.probabilities for x in row) for eq in result)


box = SCENARIO.game.parameters


@settings(max_examples=15, deadline=None)
@given(
    st.floats(box["r"].min, box["r"].max),
    st.floats(box["c"].min, box["c"].max),
    st.floats(box["p"].min, box["p"].max),
    st.sampled_from([0.0, 1.0, 2.0]),
)
def test_builder_game_has_the_scenario_equilibria(r: float, c: float, p: float, tau: float) -> None:
    values = SCENARIO.values({"r": r, "c": c, "p": p, "tau": tau})
    expected = profiles(equilibria(SCENARIO, values))
    assert profiles(equilibria(symbolic_like_the_scenario().game(), values)) == expected
    numeric = ExternalIncentives(
        c=c, p=p, delta=values["delta"], tau=tau, B=values["B"], k=values["k"], r=r, principal="EU", target="CA"
    )
    assert numeric.game().parameters.names == ()  # numbers are constants
    assert profiles(equilibria(numeric.game())) == expected


def test_symbols_become_parameters_and_numbers_constants() -> None:
    model = ExternalIncentives(c=sympy.Symbol("c"), p=0.8, B=3, k=sympy.Symbol("k"), values={"c": (1.3, 0, 10)})
    space = model.game().parameters
    assert space.names == ("c", "k", "r")
    assert (space["c"].value, space["c"].min, space["c"].max) == (1.3, 0.0, 10.0)
    assert (space["k"].value, space["r"].value) == (1.0, 1.0)  # undeclared symbols: value 1, no bounds
    assert model.game().payoff_expr("P", ("reward", "comply")) == 3 - sympy.Rational(4, 5) * k_ * r_


def test_kappa_and_outside_option_enter_the_principal_payoffs() -> None:
    kappa, d_P = sympy.symbols("kappa d_P")
    game = ExternalIncentives(c=1, p=1, B=B_, k=k_, kappa=kappa, d_P=d_P).game()
    assert game.payoff_expr("P", ("reward", "comply")) == B_ - k_ * r_ - parameter_symbol("kappa")
    assert game.payoff_expr("P", ("withhold", "defy")) == parameter_symbol("d_P")


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"c": 1.3, "p": 1.5}, "p"),
        ({"c": 1.3, "p": 0}, "p"),
        ({"c": 1.3, "delta": 0}, "delta"),
        ({"c": 1.3, "tau": -1}, "tau"),
        ({"c": "1.3"}, "c"),
        ({"c": True}, "c"),
        ({"c": float("nan")}, "c"),
        ({"c": float("inf")}, "c"),
        ({"c": 1.3, "values": {"x": 1.0}}, "values"),
        ({"c": 1.3, "principal": "A"}, "target"),
    ],
)
def test_bad_input_is_a_scenario_error_naming_the_argument(inputs: dict[str, object], field: str) -> None:
    with pytest.raises(ScenarioError) as err:
        ExternalIncentives(**inputs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_a_numeric_reward_has_no_threshold_to_solve_for() -> None:
    with pytest.raises(ScenarioError) as err:
        reward_threshold(ExternalIncentives(c=1.3, p=0.8, r=2))
    assert err.value.field == "r"


# -- compliance -----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(positive, credibility, st.floats(0.5, 1), st.integers(0, 5))
def test_target_complies_at_the_threshold_and_not_just_below(c: float, p: float, delta: float, tau: int) -> None:
    cq, pq, dq = (decimal(v) for v in (c, p, delta))
    exact = ExternalIncentives(c=cq, p=pq, delta=dq, tau=tau)
    r_star = cq / (pq * dq**tau)  # the closed form, recomputed
    assert complies(exact, r_star)
    assert not complies(exact, r_star - sympy.Rational(1, 10**30))
    floats = ExternalIncentives(c=c, p=p, delta=delta, tau=tau)
    assert complies(floats, float(r_star) * (1 + 1e-12))
    assert not complies(floats, float(r_star) * (1 - 1e-12))


def test_knife_edge_complies_in_decimals() -> None:
    """c = 0.9, p = 0.3, r = 3: 0.3 * 3 < 0.9 in binary, but the target is indifferent and complies."""
    assert 0.3 * 3 < 0.9
    model = ExternalIncentives(c=0.9, p=0.3)
    assert complies(model, 3.0)
    reply = best_reply(model, {"r": 3.0})
    assert (reply.reply, reply.gain, reply.exact_threshold, reply.clears) == ("comply", 0, 3, True)


@settings(max_examples=60, deadline=None)
@given(positive, credibility, st.floats(0, 20), st.floats(0, 0.5))
def test_compliance_is_monotone(c: float, p: float, r: float, bump: float) -> None:
    base = complies(ExternalIncentives(c=c, p=p), r)
    assert complies(ExternalIncentives(c=c, p=p), r + bump) >= base  # non-decreasing in r
    assert complies(ExternalIncentives(c=c, p=min(1.0, p + bump)), r) >= base  # ... and in p
    assert complies(ExternalIncentives(c=c + bump, p=p), r) <= base  # non-increasing in c


def test_threshold_matches_bisection() -> None:
    m = ExternalIncentives(c=1.3, p=0.8, delta=0.9, tau=1)
    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if complies(m, mid) else (mid, hi)
    assert reward_threshold(m).value == pytest.approx(hi, abs=1e-12)


def test_best_reply_on_the_scenario_and_on_the_builder_agree() -> None:
    model = symbolic_like_the_scenario()
    for values in ({"r": 2.0}, {"r": 1.6}, {"r": 5.0, "p": 0.25}, {"r": 3.0, "c": 0.9, "p": 0.3}):
        a, b = best_reply(SCENARIO, values), best_reply(model, values)
        assert (a.reply, a.exact_threshold, a.clears, a.gain) == (b.reply, b.exact_threshold, b.clears, b.gain)
        vals = SCENARIO.values(values)
        covers = decimal(vals["p"]) * decimal(vals["r"]) >= decimal(vals["c"])  # tau = 0 at the defaults
        assert a.reply == ("comply" if covers else "defy")


# -- the win set ----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(positive, credibility, positive, st.floats(0.01, 2), st.floats(0.5, 20))
def test_win_set_nonempty_iff_both_conditions(c: float, p: float, B: float, k: float, cap: float) -> None:
    w = win_set(ExternalIncentives(c=c, p=p, B=B, k=k, r_cap=cap))
    cq, pq, Bq, kq, capq = (decimal(v) for v in (c, p, B, k, cap))
    assert w.nonempty == ((cq <= pq * capq) and (kq * cq <= Bq))  # exact, in the decimals
    assert w.lower == cq / pq


def test_symbolic_win_set_is_the_closed_form() -> None:
    kappa, d_P, cap = sympy.symbols("kappa d_P r_bar")
    m = ExternalIncentives(c=c_, p=p_, B=B_, k=k_, delta=delta_, tau=tau_, kappa=kappa, d_P=d_P, r_cap=cap)
    w = win_set(m)
    assert w.nonempty is None  # undecided while symbolic
    assert sympy.simplify(w.lower - c_ / (p_ * delta_**tau_)) == 0
    K, D, R = (parameter_symbol(n) for n in ("kappa", "d_P", "r_bar"))
    assert w.upper == sympy.Min(R, (B_ - K - D) / (p_ * k_))


def test_eu_russia_win_set_is_the_small_dog() -> None:
    """docs/models.md: c = 4.4366 + 0.5, p = 1, r_cap = a v_cap = 5, B = b(3) = 3.687, k' = k/a = 0.4."""
    a, v_cap, k = 10, sympy.Rational(1, 2), 4
    c_N, d_R, C_TCN, x = sympy.Rational(1, 2), sympy.Rational(1, 2), sympy.Rational(27, 5), sympy.Rational(9, 10) ** 3
    c = c_N + x * C_TCN + d_R  # Russia's net cost: readmission costs plus the forgone visa-free campaign
    B = sympy.Rational(3, 2) + 3 * sympy.Rational(9, 10) ** 3
    w = win_set(ExternalIncentives(c=c, p=1, B=B, k=sympy.Rational(k, a), r_cap=a * v_cap))
    assert w.nonempty is True and w.nonempty_at_values
    assert float(w.lower) == pytest.approx(4.9366) and w.upper == 5
    p_min = c / (a * v_cap)  # the least credibility that still allows a deal
    assert float(p_min) == pytest.approx(0.98732)
    doubtful = ExternalIncentives(c=c, p=p_min * sympy.Rational(999, 1000), B=B, k=sympy.Rational(k, a), r_cap=5)
    assert win_set(doubtful).nonempty is False
    assert str(win_set(doubtful)) == "no deal is possible (the win set is empty)"


# -- the principal's best reward with an unknown cost ---------------------------------------------


def grid_argmax(p: float, B: float, k: float, costs: Uniform, cap: float) -> tuple[float, float, float]:
    r = np.linspace(0, cap, 750_001)
    pi = np.clip((p * r - float(costs.low)) / (float(costs.high) - float(costs.low)), 0, 1)
    u = pi * (B - p * k * r)
    i = int(np.argmax(u))
    return float(r[i]), float(pi[i]), float(u[i])


def test_classroom_best_reward_by_formula_and_by_grid() -> None:
    """docs/models.md: B = 0.9, k' = 0.15, p = 0.8, cbar = 6 -> r = 3.75, pi = 0.5, U = 0.225;
    with the cap r = 3: pi = 0.4, U = 0.216."""
    m = ExternalIncentives(c=0, p=0.8, B=0.9, k=0.15)
    best = best_reward(m, Uniform(0, 6))
    assert best.exact
    r, pi, u = grid_argmax(0.8, 0.9, 0.15, Uniform(0, 6), 10.0)
    assert float(best.reward) == pytest.approx(r, abs=2e-5)
    assert float(best.probability) == pytest.approx(pi, abs=1e-5) and float(best.payoff) == pytest.approx(u, abs=1e-9)
    assert best.reward == sympy.Rational(9, 10) / (2 * sympy.Rational(4, 5) * sympy.Rational(3, 20))
    capped = best_reward(ExternalIncentives(c=0, p=0.8, B=0.9, k=0.15, r_cap=3), Uniform(0, 6))
    assert float(capped.probability) == pytest.approx(0.8 * 3 / 6)
    assert float(capped.payoff) == pytest.approx(0.4 * (0.9 - 0.8 * 0.15 * 3))


def test_symbolic_best_reward_is_the_textbook_formula() -> None:
    p, B, k, cbar = sympy.symbols("p B k cbar", positive=True)
    best = best_reward(ExternalIncentives(c=0, p=p, B=B, k=k), Uniform(0, cbar))
    P, Bs, K, C = (parameter_symbol(n) for n in ("p", "B", "k", "cbar"))
    interior = {P: sympy.Rational(4, 5), Bs: sympy.Rational(9, 10), K: sympy.Rational(3, 20), C: 6}
    assert best.reward.xreplace(interior) == (Bs / (2 * P * K)).xreplace(interior)
    assert sympy.simplify(best.payoff.xreplace(interior) - (Bs**2 / (4 * K * C)).xreplace(interior)) == 0
    assert sympy.simplify(best.probability.xreplace(interior) - (Bs / (2 * K * C)).xreplace(interior)) == 0


@settings(max_examples=40, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.2, 1), st.floats(0.5, 5), st.floats(0.1, 2))
def test_reward_for_probability_inverts_the_compliance_curve(q: float, p: float, mean: float, sd: float) -> None:
    m = ExternalIncentives(c=0, p=p)
    for costs in (Uniform(0, 2 * mean), Normal(mean, sd)):
        r = m.reward_for_probability(q, costs)
        assert float(m.compliance_probability(r, costs)) == pytest.approx(q, abs=1e-9)
        # the numeric curve (scipy) agrees with the formula (sympy) at that reward
        assert compliance_curve(m, costs, [float(r)]).probabilities[0] == pytest.approx(q, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.2, 1), st.floats(0.5, 5), st.floats(0.1, 2))
def test_compliance_probability_is_a_cdf_in_the_reward(p: float, mean: float, sd: float) -> None:
    m = ExternalIncentives(c=0, p=p)
    for costs in (Uniform(0, 2 * mean), Normal(mean, sd)):
        probs = compliance_curve(m, costs, np.linspace(0, 30, 301)).probabilities
        assert np.all(np.diff(probs) >= -1e-12) and probs.min() >= 0 and probs.max() <= 1


def test_normal_costs_best_reward_is_a_grid_maximum() -> None:
    m = ExternalIncentives(c=0, p=0.8, B=0.9, k=0.15)
    best = best_reward(m, Normal(3, 1))
    assert not best.exact
    r = np.linspace(0, 15, 151)
    u = np.array([float(m.principal_payoff(v, Normal(3, 1))) for v in r])  # sympy's erf, not scipy's
    assert float(best.payoff) >= u.max() - 1e-12
    assert float(best.payoff) == pytest.approx(float(m.principal_payoff(float(best.reward), Normal(3, 1))), abs=1e-12)


# -- the result contract --------------------------------------------------------------------------


def results() -> list[BestReply | WinSet | BestReward | ComplianceCurve]:
    m = ExternalIncentives(c=1.3, p=0.8, B=0.9, k=0.15, r_cap=5)
    return [
        best_reply(m, {"r": 2.0}),
        best_reply(SCENARIO),
        win_set(m),
        win_set(symbolic_like_the_scenario()),
        best_reward(m, Uniform(0, 6)),
        best_reward(m, Normal(3, 1)),
        compliance_curve(m, Normal(3, 1), np.linspace(0, 10, 11)),
    ]


@pytest.mark.parametrize("index", range(7))
def test_results_keep_the_contract(index: int) -> None:
    result, again = results()[index], results()[index]
    assert isinstance(result, Result)
    assert result == again and hash(result) == hash(again)
    first = dataclasses.fields(result)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(result, first, None)
    assert {"method", "values", "notes"} <= {f.name for f in dataclasses.fields(result)}
    assert result.method
    text = json.dumps(result.to_dict(), allow_nan=False)
    assert json.loads(text) == result.to_dict()


def test_results_differ_when_their_inputs_do() -> None:
    m = ExternalIncentives(c=1.3, p=0.8)
    assert best_reply(m, {"r": 2.0}) != best_reply(m, {"r": 1.0})
    assert win_set(m) != win_set(ExternalIncentives(c=1.4, p=0.8))


def test_compliance_figure_draws_the_curve_and_marks_the_best_reward() -> None:
    m = ExternalIncentives(c=0, p=0.8, B=0.9, k=0.15)
    curve = compliance_curve(m, Uniform(0, 6), np.linspace(0, 10, 101))
    best = best_reward(m, Uniform(0, 6))
    threshold_value = 1.625
    fig = compliance_figure(curve, best=best, threshold=threshold_value)
    lines = fig.axes[0].get_lines()
    drawn = [(np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)) for ln in lines]
    assert any(np.array_equal(x, curve.rewards) and np.array_equal(y, curve.probabilities) for x, y in drawn)
    assert any(x.tolist() == [3.75] and y.tolist() == [0.5] for x, y in drawn)
    assert any(x.tolist() == [threshold_value] * 2 for x, _ in drawn)

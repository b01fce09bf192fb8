"""Thresholds: the formula against bisection, the switch of best reply, comparative statics against
finite differences."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import scipy.optimize
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.analysis.threshold import best_reply_map, threshold, threshold_of
from bargaining.errors import ScenarioError
from bargaining.io.scenario_file import load
from bargaining.kernels.best_response import best_responses
from bargaining.scenario import Parameter

COND = load("conditionality")
EURU = load("eu_russia_2007")
BOX = {p.name: (p.min, p.max) for p in COND.parameters}


def cond_threshold(**values: float):  # type: ignore[no-untyped-def]
    return threshold(COND, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"}, values=values)


def point(data: st.DataObject) -> dict[str, float]:
    out = {}
    for name in ("c", "p", "delta", "tau"):
        lo, hi = BOX[name]
        out[name] = data.draw(st.floats(max(lo, 0.05) if name != "tau" else lo, hi), label=name)
    return out


def reply(values: dict[str, float]) -> set[str]:
    arr = COND.normal_form.payoff_array(COND.values(values))
    return {
        COND.normal_form.strategies[1][k] for k in best_responses(arr, 1, [np.array([1.0, 0.0]), np.zeros(2)], tol=0.0)
    }


def test_conditionality_threshold_is_the_eim_formula() -> None:
    t = cond_threshold()
    c, p, delta, tau = (sympy.Symbol(n, real=True) for n in ("c", "p", "delta", "tau"))
    assert sympy.simplify(t.formula - c / (p * delta**tau)) == 0
    assert t.exact and t.favours == "above"
    assert {q: s.sign for q, s in t.comparative_statics.items()} == {
        "B": "0",
        "c": "+",
        "delta": "-",
        "k": "0",
        "p": "-",
        "tau": "+",
    }
    assert all(s.proven for s in t.comparative_statics.values())


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_formula_equals_a_bisection_root_of_the_payoff_difference(data: st.DataObject) -> None:
    values = point(data)
    t = cond_threshold(**values)
    assert t.value is not None
    vals = COND.values(values)

    def diff(r: float) -> float:
        arr = COND.normal_form.payoff_array({**vals, "r": r})
        return float(arr[1, 0, 0] - arr[1, 0, 1])

    hi = 1.0
    while diff(hi) < 0:
        hi *= 2
    root = scipy.optimize.bisect(diff, 0.0, hi, xtol=1e-14, rtol=1e-15, maxiter=500)
    assert t.value == pytest.approx(root, rel=1e-10, abs=1e-12)
    # the best reply switches at the threshold: comply at it and above, defy just below (one ulp)
    r_star = t.value
    above = math.nextafter(r_star, math.inf) * (1 + 1e-12)
    below = r_star * (1 - 1e-9)
    if BOX["r"][0] <= below and above <= BOX["r"][1]:
        assert reply({**values, "r": above}) == {"comply"}
        assert reply({**values, "r": below}) == {"defy"}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_comparative_statics_signs_agree_with_finite_differences(data: st.DataObject) -> None:
    values = point(data)
    t = cond_threshold()
    assert t.formula is not None
    f = sympy.lambdify(sorted(t.formula.free_symbols, key=lambda s: s.name), t.formula)
    names = sorted(s.name for s in t.formula.free_symbols)

    def at(v: dict[str, float]) -> float:
        return float(f(*(v[n] for n in names)))

    for q in names:
        h = 1e-6 * max(1.0, abs(values[q]))
        lo, hi = BOX[q]
        if values[q] - h < lo or values[q] + h > hi:
            continue
        slope = (at({**values, q: values[q] + h}) - at({**values, q: values[q] - h})) / (2 * h)
        sign = t.comparative_statics[q].sign
        if sign == "+":
            assert slope >= -1e-7 * max(1.0, abs(at(values)))
        elif sign == "-":
            assert slope <= 1e-7 * max(1.0, abs(at(values)))
        elif sign == "0":
            assert abs(slope) <= 1e-7


def test_eu_russia_thresholds_are_the_section_3_closed_forms() -> None:
    t = threshold(EURU, "RU", prefer="accept", over="reject", solve_for="v_cap", given={"EU": "offer"})
    v = {p.name: sympy.Rational(repr(p.value)) for p in EURU.parameters}
    v_star = (v["c_N"] + v["delta"] ** v["T"] * v["C_TCN"] + v["d_R"]) / v["a"]
    assert t.value == pytest.approx(float(v_star), abs=1e-12)  # docs/models.md: v*(3) = 0.49366
    assert t.comparative_statics["c_N"].sign == "+" and t.comparative_statics["a"].sign == "-"
    assert t.comparative_statics["C_TCN"].sign == "+" and t.comparative_statics["T"].sign == "-"
    t_min = threshold(EURU, "RU", prefer="accept", over="reject", solve_for="T", given={"EU": "offer"})
    expected = sympy.log((v["a"] * v["v_cap"] - v["c_N"] - v["d_R"]) / v["C_TCN"]) / sympy.log(v["delta"])
    assert t_min.value == pytest.approx(float(expected), abs=1e-9)
    assert t_min.value is not None and math.ceil(t_min.value) == 3 and t_min.favours == "above"


def test_equilibrium_play_of_the_others_is_used_when_not_given() -> None:
    t = threshold(EURU, "RU", prefer="accept", over="reject", solve_for="v_cap")
    assert any("equilibrium #1" in n for n in t.notes)
    assert t.value == pytest.approx(0.49366, abs=1e-9)


def test_numeric_fallback_where_sympy_has_no_closed_form() -> None:
    params = [
        Parameter("x", 1.0, min=0.0, max=5.0, source="test"),
        Parameter("c", 3.0, min=0.0, max=10.0, source="test"),
    ]
    x, c = (p.symbol for p in params)
    difference = x * sympy.exp(x) + sympy.sqrt(x) * sympy.cos(x) - c
    t = threshold_of(difference, "x", params)
    assert not t.exact and t.formula is None
    root = scipy.optimize.brentq(lambda v: v * math.exp(v) + math.sqrt(v) * math.cos(v) - 3.0, 0.0, 5.0)
    assert t.value == pytest.approx(root, abs=1e-10)
    assert any("numeric root" in n for n in t.notes)


def test_no_sign_change_in_the_range_says_always_or_never() -> None:
    params = [Parameter("x", 1.0, min=0.0, max=5.0, source="test")]
    x = params[0].symbol
    up = threshold_of(x + 10, "x", params)
    assert up.favours == "always" and up.value == pytest.approx(-10.0)
    assert any("outside" in n for n in up.notes)
    assert threshold_of(-x - 10, "x", params).favours == "never"
    flat = threshold_of(x**2 + 1, "x", params)  # no real root at all
    assert flat.favours == "always" and flat.value is None and flat.formula is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"actor": "XX"}, "an actor among EU, CA"),
        ({"prefer": "obey"}, "a strategy of CA"),
        ({"solve_for": "zz"}, "a parameter"),
        ({"solve_for": "B"}, "depends on"),
        ({"given": {"EU": "bribe"}}, "a strategy of EU"),
        ({"given": {"CA": "comply"}}, "another actor"),
    ],
)
def test_bad_requests_are_scenario_errors(kwargs: dict[str, object], message: str) -> None:
    request: dict[str, object] = {
        "actor": "CA",
        "prefer": "comply",
        "over": "defy",
        "solve_for": "r",
        "given": {"EU": "reward"},
    }
    request.update(kwargs)
    actor = request.pop("actor")
    with pytest.raises(ScenarioError, match=message):
        threshold(COND, actor, **request)  # type: ignore[arg-type]


def test_best_reply_map_agrees_with_the_threshold_curve() -> None:
    xs, ys = np.linspace(0, 10, 101), np.linspace(0.1, 1, 10)
    m = best_reply_map(COND, "CA", prefer="comply", over="defy", x=("r", xs), y=("p", ys), given={"EU": "reward"})
    assert m.difference.shape == (10, 101)
    for row, p in enumerate(ys):
        r_star = 1.3 / p
        assert np.allclose(m.curve_x[row], r_star)
        assert np.all((m.difference[row] >= -1e-12) == (xs >= r_star - 1e-12))


# -- weak and strict signs ------------------------------------------------------------------------


def test_weak_sign_where_the_derivative_vanishes_on_the_box() -> None:
    """dr*/d delta = -c tau delta**(-tau-1)/p is 0 at tau = 0 (and c = 0): "-" but not strict."""
    t = cond_threshold()
    d_delta = t.comparative_statics["delta"]
    assert d_delta.sign == "-" and d_delta.proven and not d_delta.strict
    assert "tau = 0" in d_delta.zeros and "c = 0" in d_delta.zeros
    assert d_delta.description == "<= 0, = 0 at c = 0 or tau = 0"
    assert t.comparative_statics["c"].strict and t.comparative_statics["c"].description == "> 0"
    # the derivative really is 0 there, and negative inside the box
    formula = t.formula
    assert formula is not None
    derivative = sympy.diff(formula, sympy.Symbol("delta", real=True))
    at = {sympy.Symbol(n, real=True): v for n, v in {"c": 1.3, "p": 0.8, "delta": 0.9}.items()}
    assert derivative.subs(at | {sympy.Symbol("tau", real=True): 0}) == 0
    assert float(derivative.subs(at | {sympy.Symbol("tau", real=True): 2})) < 0
    out = t.to_dict()
    assert out["comparative_statics"]["delta"] == "-" and out["strict"]["delta"] is False
    assert out["sign_text"]["delta"] == "≤ 0, = 0 at c = 0 or tau = 0" and out["strict"]["c"] is True


def test_the_sign_becomes_strict_when_the_box_excludes_the_zeros() -> None:
    params = [
        replace(p, min=0.5, value=1.0) if p.name == "tau" else replace(p, min=0.1) if p.name == "c" else p
        for p in COND.parameters
    ]
    difference = cond_threshold().difference
    t = threshold_of(difference, "r", params, {"tau": 1.0})
    d_delta = t.comparative_statics["delta"]
    assert d_delta.sign == "-" and d_delta.strict and d_delta.zeros == () and d_delta.description == "< 0"
    d_tau = t.comparative_statics["tau"]  # -c log(delta)/(p delta**tau): still 0 at delta = 1
    assert d_tau.sign == "+" and not d_tau.strict and d_tau.zeros == ("delta = 1",)


# -- every validity condition ---------------------------------------------------------------------


def test_transitory_period_formula_states_that_the_logs_argument_is_positive() -> None:
    t = threshold(EURU, "RU", prefer="accept", over="reject", solve_for="T", given={"EU": "offer"})
    a, v_cap, c_N, d_R, C_TCN = (sympy.Symbol(n, real=True) for n in ("a", "v_cap", "c_N", "d_R", "C_TCN"))
    argument = (a * v_cap - c_N - d_R) / C_TCN
    assert any(isinstance(c, sympy.Gt) and sympy.simplify(c.lhs - argument) == 0 for c in t.conditions)
    # log(delta) != 0 is guaranteed by delta in [0.5, 0.99]: not listed
    assert not any("log(delta)" in str(c) and isinstance(c, sympy.Ne) for c in t.conditions)
    # with delta allowed to reach 1 it is listed
    params = [replace(p, max=1.0) if p.name == "delta" else p for p in EURU.parameters]
    wide = threshold_of(t.difference, "T", params, statics=False)
    delta = sympy.Symbol("delta", real=True)
    assert sympy.Ne(sympy.log(delta), 0) in wide.conditions


def test_even_roots_need_a_non_negative_base_unless_the_bounds_guarantee_it() -> None:
    x_neg = [Parameter("x", 1.0, min=0.0, max=5.0, source="test"), Parameter("c", 1.0, min=-1.0, max=4.0, source="t")]
    x, c = (p.symbol for p in x_neg)
    t = threshold_of(x**2 - c, "x", x_neg, statics=False)
    assert sympy.simplify(t.formula - sympy.sqrt(c)) == 0 if t.formula is not None else False
    assert sympy.Ge(c, 0) in t.conditions
    x_pos = [x_neg[0], Parameter("c", 1.0, min=0.0, max=4.0, source="t")]
    assert threshold_of(x**2 - c, "x", x_pos, statics=False).conditions == ()


# -- functions numpy cannot evaluate ---------------------------------------------------------------


def test_lambert_w_threshold_is_a_flagged_numeric_root() -> None:
    params = [Parameter("r", 2.0, min=0.0, max=10.0, source="t"), Parameter("c", 1.3, min=0.0, max=5.0, source="t")]
    r, c = (p.symbol for p in params)
    t = threshold_of(r - c * sympy.exp(-r), "r", params)  # r* = LambertW(c)
    assert t.formula == sympy.LambertW(c)  # kept for display
    assert not t.exact and any("LambertW" in n and "numeric root" in n for n in t.notes)
    lo, hi = 0.0, 10.0
    for _ in range(200):  # plain bisection on r - 1.3 exp(-r), increasing in r
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mid - 1.3 * math.exp(-mid) < 0 else (lo, mid)
    assert t.value == pytest.approx((lo + hi) / 2, abs=1e-12)
    assert t.value == pytest.approx(float(sympy.LambertW(1.3)), abs=1e-12)
    assert t.favours == "above" and t.comparative_statics == {}
    assert t.to_dict()["exact"] is False


def test_lambert_w_threshold_through_a_game_and_its_best_reply_map() -> None:
    from bargaining.games.normal import NormalFormGame

    game = NormalFormGame.from_table(
        {"P": ["reward", "withhold"], "T": ["comply", "defy"]},
        {
            ("reward", "comply"): ("3 - r", "r - c*exp(-r)"),
            ("reward", "defy"): (0, 0),
            ("withhold", "comply"): (3, "-c"),
            ("withhold", "defy"): (0, 0),
        },
        parameters={"r": (2.0, 0.0, 10.0), "c": (1.3, 0.0, 5.0)},
    )
    t = threshold(game, "T", prefer="comply", over="defy", solve_for="r", given={"P": "reward"})
    assert not t.exact and t.value == pytest.approx(float(sympy.LambertW(1.3)), abs=1e-12)
    cs = np.array([0.5, 1.3, 4.0])
    m = best_reply_map(game, "T", prefer="comply", over="defy", x=("r", np.linspace(0, 10, 11)), y=("c", cs),
                       given={"P": "reward"})  # fmt: skip
    assert m.curve_x == pytest.approx([float(sympy.LambertW(v)) for v in cs], abs=1e-10)


# -- forgetting given -----------------------------------------------------------------------------


def test_forgetting_given_suggests_it() -> None:
    from bargaining.cli import as_flags

    with pytest.raises(ScenarioError) as err:
        threshold(COND, "CA", prefer="comply", over="defy", solve_for="r")
    e = err.value
    assert e.field == "given"
    assert "equilibrium #1" in str(e) and "does not depend on r" in str(e) and "given={'EU': 'reward'}" in str(e)
    assert str(as_flags(e)).startswith("--given: ")

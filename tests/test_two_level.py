"""Two-level games (docs/models.md#two-level-games): win sets, agreement, Nash outcome, thresholds.

Numbers are recomputed from the closed forms with exact rationals: with caps v_i under unanimity
W_EU = [0, min v_i], W_R = [(c_N + delta**T C_TCN + max(d_R, d_R_II))/a, 1], and the Nash offer
maximises (U_EU(v) - d_EU)(U_R(v) - d_R) over the zone.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bargaining.analysis.two_level import Ratification, ratification_threshold, ratify, win_set
from bargaining.errors import ScenarioError
from bargaining.games.two_level import TwoLevelGame
from bargaining.io.scenario_file import load, loads

SCENARIO = load("eu_russia_ratification")


def _two_level() -> TwoLevelGame:
    game = SCENARIO.game
    assert isinstance(game, TwoLevelGame)
    return game


GAME = _two_level()


def exact(**overrides: float) -> dict[str, sympy.Rational]:
    return {k: sympy.Rational(repr(v)) for k, v in SCENARIO.values(overrides).items()}


def closed_form(caps: tuple[float, ...], **overrides: float) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr] | None:
    """The Nash offer and payoffs by hand: the unconstrained maximiser clipped to the zone, or None."""
    p = exact(**overrides)
    x = p["delta"] ** p["T"]
    b, c = p["b_N"] + x * p["B_TCN"], p["c_N"] + x * p["C_TCN"]
    low = (c + max(p["d_R"], p["d_R_II"])) / p["a"]
    high = min([sympy.Rational(repr(v)) for v in caps] + [(b - p["d_EU"]) / p["k"], sympy.Integer(1)])
    if low > high:
        return None
    v = sympy.Symbol("v")
    product = (b - p["k"] * v - p["d_EU"]) * (p["a"] * v - c - p["d_R"])
    peak = sympy.solve(sympy.diff(product, v), v)[0]
    best = min(max(peak, low), high)
    return best, b - p["k"] * best, p["a"] * best - c


def test_the_built_in_reproduces_the_record_numbers() -> None:
    r = ratify(SCENARIO)
    v, u_eu, u_r = closed_form((0.8, 0.6, 0.5))  # type: ignore[misc]
    assert r.agreement and v == sympy.Rational(1, 2)
    assert r.offer == pytest.approx(float(v), abs=1e-12)
    assert r.payoffs == pytest.approx((float(u_eu), float(u_r)), abs=1e-12)
    assert r.payoffs == pytest.approx((1.687, 0.5634), abs=5e-5)  # the numbers docs/models.md states
    assert r.offer_formula == sympy.Symbol("cap_c", real=True)  # the tightest cap binds
    assert r.payoff_formulas is not None
    assert float(r.payoff_formulas[0].subs({sympy.Symbol(k, real=True): w for k, w in exact().items()})) == float(u_eu)
    w_eu, w_r = r.win("EU"), r.win("RU")
    assert [(i.low.value, i.high.value) for i in w_eu.intervals] == [(0.0, 0.5)]
    p = exact()
    low = (p["c_N"] + p["delta"] ** p["T"] * p["C_TCN"] + max(p["d_R"], p["d_R_II"])) / p["a"]
    assert w_r.intervals[0].low.value == pytest.approx(float(low), abs=1e-12)
    assert w_r.intervals[0].high.value == 1.0
    assert "duma" in w_r.intervals[0].low.by


def test_tied_hands_are_worth_the_difference_the_tightest_bloc_makes() -> None:
    tied = ratify(SCENARIO)
    for free in (ratify(GAME.without("bloc_c"), SCENARIO.values()), ratify(SCENARIO, {"cap_c": 1.0})):
        v, u_eu, u_r = closed_form((0.8, 0.6))  # type: ignore[misc]
        assert free.offer == pytest.approx(float(v), abs=1e-12) and float(v) == pytest.approx(0.6)
        assert free.payoffs == pytest.approx((float(u_eu), float(u_r)), abs=1e-12)
        assert free.payoffs == pytest.approx((1.287, 1.5634), abs=5e-5)
        assert tied.payoff("EU") - free.payoff("EU") == pytest.approx(4 * 0.1, abs=1e-12)  # k * (0.6 - 0.5)


def test_a_cap_of_045_closes_the_zone_and_the_transitory_period_reopens_it() -> None:
    assert closed_form((0.8, 0.6, 0.45)) is None
    r = ratify(SCENARIO, {"cap_c": 0.45})
    assert not r.agreement and r.offer is None and r.zone == ()
    assert r.payoffs == r.disagreement == (0.0, 0.5)
    t = ratification_threshold(SCENARIO, "T", {"cap_c": 0.45})
    p = exact(cap_c=0.45)
    by_hand = math.log(float((p["a"] * p["cap_c"] - p["c_N"] - p["d_R"]) / p["C_TCN"])) / math.log(float(p["delta"]))
    assert t.value == pytest.approx(by_hand, rel=1e-12) and round(t.value, 3) == 4.116
    assert t.agreement_when == "above" and t.high_by == ("bloc_c",)
    a, cap, c_n, d, C, delta = sympy.symbols("a cap_c c_N d_R_II C_TCN delta", real=True)
    assert sympy.simplify(t.formula - sympy.log((a * cap - c_n - d) / C) / sympy.log(delta)) == 0
    assert ratify(SCENARIO, {"cap_c": 0.45, "T": 4.2}).agreement
    assert not ratify(SCENARIO, {"cap_c": 0.45, "T": 4.0}).agreement
    assert ratify(SCENARIO, {"cap_c": 0.45, "T": math.ceil(t.value)}).agreement  # five years
    assert t.statics is not None and t.statics.signs["C_TCN"].sign == "+"


def test_the_outcome_agrees_with_a_fine_grid_of_offers() -> None:
    """A second method: the Nash product maximised over 10^5 offers in the zone."""
    for caps in ((0.8, 0.6, 0.5), (0.8, 0.6, 1.0), (0.9, 0.9, 0.9), (0.52, 1.0, 1.0)):
        values = dict(zip(("cap_a", "cap_b", "cap_c"), caps, strict=True))
        r = ratify(SCENARIO, values, exact=False)
        zone = r.zone[0]
        grid = np.linspace(zone.low.value, zone.high.value, 100_001)
        p = SCENARIO.values(values)
        x = p["delta"] ** p["T"]
        u_eu = p["b_N"] + x * p["B_TCN"] - p["k"] * grid
        u_r = p["a"] * grid - p["c_N"] - x * p["C_TCN"]
        best = grid[np.argmax((u_eu - p["d_EU"]) * (u_r - p["d_R"]))]
        assert r.offer == pytest.approx(best, abs=2 * (grid[1] - grid[0]))


def test_an_interior_nash_offer_has_its_formula() -> None:
    r = ratify(SCENARIO, {"cap_a": 0.9, "cap_b": 0.9, "cap_c": 0.9})
    v, _, _ = closed_form((0.9, 0.9, 0.9))  # type: ignore[misc]
    assert r.offer is not None and r.offer == pytest.approx(float(v), abs=1e-12) and 0.5 < r.offer < 0.9
    assert r.offer_formula is not None and sympy.Symbol("k", real=True) in r.offer_formula.free_symbols
    value = r.offer_formula.subs({sympy.Symbol(k, real=True): w for k, w in exact().items()})
    assert sympy.nsimplify(value) == v or float(value) == pytest.approx(float(v), abs=1e-12)


def test_majority_rule_takes_the_median_cap_and_a_quota_the_kth() -> None:
    g = GAME
    vals = SCENARIO.values()
    assert [(i.low.value, i.high.value) for i in win_set(g.with_rule("EU", "majority"), "EU", vals).intervals] == [
        (0.0, 0.6)
    ]
    assert win_set(g.with_rule("EU", "majority", quota=1), "EU", vals).intervals[0].high.value == 0.8
    assert win_set(g.with_rule("EU", "unanimity"), "EU", vals).intervals[0].high.value == 0.5
    r = ratify(g.with_rule("EU", "majority"), vals)
    assert r.offer == pytest.approx(0.6, abs=1e-12)


def test_a_quota_over_mixed_bounds_can_give_a_union_of_intervals() -> None:
    g = TwoLevelGame.build(
        ["A", "B"],
        payoffs={"A": "1 - v", "B": "v"},
        ratifiers=[
            {"side": "A", "id": "low", "max_offer": 0.3},
            {"side": "A", "id": "high", "min_offer": 0.7},
        ],
        quotas={"A": 1},
    )
    w = win_set(g, "A")
    assert [(i.low.value, i.high.value) for i in w.intervals] == [(0.0, 0.3), (0.7, 1.0)]
    r = ratify(g)
    assert r.agreement and len(r.zone) == 2
    # The payoff image is the segment u_A + u_B = 1; the Nash point (1/2, 1/2) needs v = 0.5, which is
    # not ratified: it is a lottery over ratified offers in both parts, so no single offer is reported.
    assert r.payoffs == pytest.approx((0.5, 0.5), abs=1e-12)
    assert r.offer is None and all(v in w for v, _ in r.lottery)
    assert sum(v * p for v, p in r.lottery) == pytest.approx(0.5, abs=1e-12)
    assert {any(v in i for v, _ in r.lottery) for i in r.zone} == {True}


def test_the_schelling_conjecture_on_a_sweep_of_the_tightest_cap() -> None:
    """While the zone is non-empty, lowering min cap weakly raises the EU's Nash payoff; Russia's falls."""
    caps = np.linspace(1.0, 0.4, 61)
    eu, ru, ok = [], [], []
    for cap in caps:
        r = ratify(SCENARIO, {"cap_c": float(cap)}, exact=False)
        ok.append(r.agreement)
        eu.append(r.payoff("EU"))
        ru.append(r.payoff("RU"))
    ok_arr = np.array(ok)
    assert ok_arr[0] and not ok_arr[-1]
    first_empty = int(np.argmin(ok_arr))
    assert ok_arr[:first_empty].all() and not ok_arr[first_empty:].any()  # one switch, at v_R = 0.49366
    assert np.all(np.diff(eu[:first_empty]) >= -1e-12)
    assert np.all(np.diff(ru[:first_empty]) <= 1e-12)
    assert eu[first_empty - 1] > eu[0]  # strictly, once the cap binds


POSITIVE = st.floats(0.05, 5.0, allow_nan=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    caps=st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=4),
    a=st.floats(1.0, 20.0),
    k=st.floats(0.1, 10.0),
    b=POSITIVE,
    c=POSITIVE,
    d_r=st.floats(0.0, 3.0),
    d_r2=st.floats(0.0, 3.0),
    lower=st.floats(0.0, 1.0),
)
def test_properties_over_random_parameters(
    caps: list[float], a: float, k: float, b: float, c: float, d_r: float, d_r2: float, lower: float
) -> None:
    def game(caps: list[float]) -> TwoLevelGame:
        return TwoLevelGame.build(
            ["EU", "RU"],
            payoffs={"EU": f"{b!r} - {k!r}*v", "RU": f"{a!r}*v - {c!r}"},
            disagreement={"EU": 0, "RU": d_r},
            ratifiers=[{"side": "EU", "id": f"bloc_{j}", "max_offer": x} for j, x in enumerate(caps)]
            + [{"side": "RU", "id": "duma", "min_payoff": d_r2}],
        )

    r = ratify(game(caps), exact=False)
    w_eu, w_r = r.win("EU"), r.win("RU")
    # agreement iff the win sets intersect (checked on a grid of offers as well as by the intervals)
    grid = np.linspace(0, 1, 2001)
    both = [v for v in grid if v in w_eu and v in w_r]
    if both:
        assert r.agreement
    if r.agreement:
        lo, hi = r.zone[0].low.value, r.zone[0].high.value
        assert lo in w_eu and lo in w_r and hi in w_eu and hi in w_r
        assert r.payoff("EU") >= -1e-9 and r.payoff("RU") >= d_r - 1e-9  # individually rational
    else:
        assert not both and r.offer is None
    # W_EU monotone in each cap: raising one cap never removes an offer
    for j in range(len(caps)):
        raised = list(caps)
        raised[j] = min(1.0, caps[j] + 0.1)
        w_up = ratify(game(raised), exact=False).win("EU")
        assert all(v in w_up for v in grid if v in w_eu)
    # Schelling: lowering the tightest cap (while the zone stays non-empty) weakly raises the EU's
    # Nash payoff and weakly lowers Russia's
    tight = [min(x, lower * min(caps) + (1 - lower) * 0.0) for x in caps]
    tied = ratify(game(tight), exact=False)
    if r.agreement and tied.agreement:
        assert tied.payoff("EU") >= r.payoff("EU") - 1e-9
        assert tied.payoff("RU") <= r.payoff("RU") + 1e-9


def test_a_file_written_by_a_user_round_trips_and_errors_name_their_fields() -> None:
    text = """
format = "bargaining/1"
title = "a two-level toy"
game = "two_level"
[[actors]]
id = "A"
[[actors]]
id = "B"
[payoffs]
A = "1 - x"
B = "x"
offer = "x"
[[ratifiers]]
side = "A"
id = "senate"
max_offer = "s"
[parameters.s]
value = 0.3
source = "illustrative assumption"
"""
    text = text.replace('offer = "x"\n', "").replace('game = "two_level"', 'game = "two_level"\noffer = "x"')
    s = loads(text)
    r = ratify(s)
    assert r.offer == pytest.approx(0.3) and r.payoffs == pytest.approx((0.7, 0.3))
    with pytest.raises(ScenarioError, match=r"payoffs\.A"):
        loads(text.replace('A = "1 - x"', 'A = "1 - x**2"'))
    with pytest.raises(ScenarioError, match=r"ratifiers\[0\].side"):
        loads(text.replace('side = "A"', 'side = "C"'))
    with pytest.raises(ScenarioError, match=r"rules\.A"):
        loads(text + '[rules]\nA = "plurality"\n')
    with pytest.raises(ScenarioError, match=r"ratifiers\[0\]"):
        loads(text.replace('max_offer = "s"', 'cap = "s"'))


def test_errors_name_the_argument() -> None:
    with pytest.raises(ScenarioError, match="solve_for"):
        ratification_threshold(SCENARIO, "nope")
    with pytest.raises(ScenarioError, match="solve_for"):
        ratification_threshold(SCENARIO, "cap_a")  # the zone's width does not depend on a slack cap
    with pytest.raises(ScenarioError, match="model"):
        ratify(load("eu_russia_offer"))


def test_the_result_keeps_the_contract() -> None:
    r = ratify(SCENARIO)
    assert isinstance(r, Ratification) and r == ratify(SCENARIO) and hash(r) == hash(ratify(SCENARIO))
    d = r.to_dict()
    assert d["game"] == "two_level" and d["agreement"] is True and d["offer"] == 0.5
    assert d["win_sets"]["EU"]["intervals"][0]["high"]["formula"] == "cap_c"
    assert d["exact_offer"] == "cap_c"

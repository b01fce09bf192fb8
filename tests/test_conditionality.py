"""The external-incentives model (MODELS.md section 1): its invariants and worked numbers, recomputed."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.games.incentives import ExternalIncentives, Normal, Uniform

positive = st.floats(0.05, 10)
credibility = st.floats(0.05, 1)


def test_threshold_is_exact_with_rationals() -> None:
    c, p, d = sympy.Rational(13, 10), sympy.Rational(4, 5), sympy.Rational(9, 10)
    m = ExternalIncentives(c=c, p=p, delta=d, tau=2)
    r = m.threshold()
    assert p * d**2 * r == c  # interior optimum condition holds exactly
    assert r == sympy.Rational(13, 10) / (sympy.Rational(4, 5) * sympy.Rational(81, 100))


@settings(max_examples=200, deadline=None)
@given(positive, credibility, st.floats(0.5, 1), st.integers(0, 5))
def test_target_complies_at_the_threshold_and_not_just_below(c: float, p: float, delta: float, tau: int) -> None:
    # exactly, in rationals: complies at r*, not at r* minus any positive amount
    cq, pq, dq = (sympy.Rational(repr(v)) for v in (c, p, delta))
    exact = ExternalIncentives(c=cq, p=pq, delta=dq, tau=tau)
    r_star = exact.threshold()
    assert exact.complies(r_star)
    assert not exact.complies(r_star - sympy.Rational(1, 10**30))
    # in floats, to within the rounding of the product p delta^tau r
    floats = ExternalIncentives(c=c, p=p, delta=delta, tau=tau)
    assert floats.complies(float(r_star) * (1 + 1e-12))
    assert not floats.complies(float(r_star) * (1 - 1e-12))


@settings(max_examples=100, deadline=None)
@given(positive, credibility, st.floats(0, 20), st.floats(0, 0.5))
def test_compliance_is_monotone(c: float, p: float, r: float, bump: float) -> None:
    base = ExternalIncentives(c=c, p=p).complies(r)
    assert ExternalIncentives(c=c, p=p).complies(r + bump) >= base  # non-decreasing in r
    assert ExternalIncentives(c=c, p=min(1.0, p + bump)).complies(r) >= base  # ... and in p
    assert ExternalIncentives(c=c + bump, p=p).complies(r) <= base  # non-increasing in c


def test_threshold_matches_bisection() -> None:
    m = ExternalIncentives(c=1.3, p=0.8, delta=0.9, tau=1)
    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if m.complies(mid) else (mid, hi)
    assert float(m.threshold()) == pytest.approx(hi, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(positive, credibility, positive, st.floats(0.01, 2), st.floats(0.5, 20))
def test_win_set_nonempty_iff_both_conditions(c: float, p: float, B: float, k: float, cap: float) -> None:
    w = ExternalIncentives(c=c, p=p, B=B, k=k, r_cap=cap).win_set()
    condition = (c <= p * cap + 1e-12) and (k * c <= B + 1e-12)
    if abs(c - p * cap) > 1e-9 and abs(k * c - B) > 1e-9:
        assert w.nonempty == condition


def test_eu_russia_win_set_is_the_small_dog() -> None:
    """MODELS.md 1(c): c = 4.4366 + 0.5, p = 1, r_cap = a v_cap = 5, B = b(3) = 3.687, k' = k/a = 0.4."""
    a, v_cap, k = 10, sympy.Rational(1, 2), 4
    c_N, d_R, C_TCN, x = sympy.Rational(1, 2), sympy.Rational(1, 2), sympy.Rational(27, 5), sympy.Rational(9, 10) ** 3
    c = c_N + x * C_TCN + d_R  # Russia's net cost: readmission costs plus the forgone visa-free campaign
    B = sympy.Rational(3, 2) + 3 * sympy.Rational(9, 10) ** 3
    m = ExternalIncentives(c=c, p=1, B=B, k=sympy.Rational(k, a), r_cap=a * v_cap)
    w = m.win_set()
    assert w.nonempty is True
    assert float(w.lower) == pytest.approx(4.9366) and float(w.upper) == 5.0
    p_min = c / (a * v_cap)  # the least credibility that still allows a deal
    assert float(p_min) == pytest.approx(0.98732)
    assert (
        ExternalIncentives(c=c, p=p_min * sympy.Rational(999, 1000), B=B, k=sympy.Rational(k, a), r_cap=5)
        .win_set()
        .nonempty
        is False
    )


def grid_argmax(m: ExternalIncentives, costs: Uniform, cap: float) -> tuple[float, float, float]:
    r = np.linspace(0, cap, 750_001)
    x = float(m.p) * r
    pi = np.clip((x - float(costs.low)) / (float(costs.high) - float(costs.low)), 0, 1)
    u = pi * (float(m.B) - float(m.p) * float(m.k) * r)
    i = int(np.argmax(u))
    return float(r[i]), float(pi[i]), float(u[i])


def test_classroom_best_reward_by_formula_and_by_grid() -> None:
    """MODELS.md 1(c): B = 0.9, k' = 0.15, p = 0.8, cbar = 6 -> r = 3.75, pi = 0.5, U = 0.225.

    With the cap r = 3: pi = 0.4, U = 0.216."""
    m = ExternalIncentives(c=0, p=0.8, B=0.9, k=0.15)
    best = m.best_reward(Uniform(0, 6))
    r, pi, u = grid_argmax(m, Uniform(0, 6), 10.0)
    assert float(best.reward) == pytest.approx(r, abs=2e-5)
    assert float(best.probability) == pytest.approx(pi, abs=1e-5) and float(best.payoff) == pytest.approx(u, abs=1e-9)
    assert float(best.reward) == pytest.approx(0.9 / (2 * 0.8 * 0.15))
    capped = ExternalIncentives(c=0, p=0.8, B=0.9, k=0.15, r_cap=3).best_reward(Uniform(0, 6))
    assert float(capped.probability) == pytest.approx(0.8 * 3 / 6) and float(capped.payoff) == pytest.approx(
        0.4 * (0.9 - 0.8 * 0.15 * 3)
    )


def test_symbolic_best_reward_is_the_textbook_formula() -> None:
    p, B, k, cbar = sympy.symbols("p B k cbar", positive=True)
    best = ExternalIncentives(c=0, p=p, B=B, k=k).best_reward(Uniform(0, cbar))
    interior = {p: sympy.Rational(4, 5), B: sympy.Rational(9, 10), k: sympy.Rational(3, 20), cbar: 6}
    assert best.reward.subs(interior) == (B / (2 * p * k)).subs(interior)
    assert sympy.simplify(best.payoff.subs(interior) - (B**2 / (4 * k * cbar)).subs(interior)) == 0


@settings(max_examples=60, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.2, 1), st.floats(0.5, 5), st.floats(0.1, 2))
def test_reward_for_probability_inverts_the_compliance_curve(q: float, p: float, mean: float, sd: float) -> None:
    m = ExternalIncentives(c=0, p=p)
    for costs in (Uniform(0, 2 * mean), Normal(mean, sd)):
        r = m.reward_for_probability(q, costs)
        assert float(m.compliance_probability(r, costs)) == pytest.approx(q, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.2, 1), st.floats(0.5, 5), st.floats(0.1, 2))
def test_compliance_probability_is_a_cdf_in_the_reward(p: float, mean: float, sd: float) -> None:
    m = ExternalIncentives(c=0, p=p)
    for costs in (Uniform(0, 2 * mean), Normal(mean, sd)):
        _, probs = m.compliance_curve(costs, np.linspace(0, 30, 301))
        assert np.all(np.diff(probs) >= -1e-12) and probs.min() >= 0 and probs.max() <= 1


def test_normal_costs_best_reward_is_a_grid_maximum() -> None:
    m = ExternalIncentives(c=0, p=0.8, B=0.9, k=0.15)
    best = m.best_reward(Normal(3, 1))
    assert not best.exact
    r = np.linspace(0, 15, 150_001)
    u = np.array([float(m.principal_payoff(v, Normal(3, 1))) for v in r[::1000]])
    assert float(best.payoff) >= u.max() - 1e-9

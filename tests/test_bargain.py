"""Package deals: docs/models.md#package-deals-and-issue-linkage and docs/models.md#bargaining-solutions
recomputed, Nash's axioms and Rubinstein's limits as properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bargaining.analysis.deal import bargain
from bargaining.analysis.threshold import concession
from bargaining.io.scenario_file import load
from bargaining.kernels.axiomatic import (
    egalitarian,
    finite_horizon,
    ideal_point,
    kalai_smorodinsky,
    nash_solution,
    pareto_frontier,
    rubinstein,
    utilitarian,
)

PACKAGE = load("eu_russia_package")
PIE = pareto_frontier(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
ZERO = np.zeros(2)


def point(result: object, package: dict[str, str]) -> np.ndarray:
    return result.points[result.problem.index(package)]  # type: ignore[attr-defined, no-any-return]


class TestEURussiaPackage:
    result = bargain(PACKAGE)

    def test_the_packages_of_section_2(self) -> None:
        v = {k: sympy.Rational(repr(x)) for k, x in PACKAGE.values().items()}
        x = v["delta"] ** v["T"]
        ft = point(self.result, {"visa": "facilitation", "readmission": "with_tcn"})
        assert ft[0] == pytest.approx(float(v["b_N"] + x * v["B_TCN"] - v["k"] * v["v_cap"]))
        assert ft[1] == pytest.approx(float(v["a"] * v["v_cap"] - v["c_N"] - x * v["C_TCN"]))
        assert ft.tolist() == pytest.approx([1.687, 0.5634])

    def test_linkage_enables_the_deal(self) -> None:
        link = self.result.linkage
        assert link.separate == {"visa": (), "readmission": ()}
        assert [self.result.problem.package(k) for k in link.linked] == [
            {"visa": "facilitation", "readmission": "with_tcn"}
        ]
        assert link.enables
        # without the transitory period the package is (2.5, -0.9): no deal at all
        at_zero = bargain(PACKAGE, {"T": 0})
        assert point(at_zero, {"visa": "facilitation", "readmission": "with_tcn"}).tolist() == pytest.approx(
            [2.5, -0.9]
        )
        assert not at_zero.linkage.linked

    def test_frontier_vertices_of_section_2(self) -> None:
        labels = [self.result.problem.package(int(k)) for k in self.result.frontier.vertices]
        expected = [
            ("visa_free", "none"),
            ("visa_free", "own_nationals"),
            ("facilitation", "own_nationals"),
            ("facilitation", "with_tcn"),
            ("none", "with_tcn"),
        ]
        assert [(p["visa"], p["readmission"]) for p in labels] == expected

    def test_nash_and_kalai_smorodinsky_of_section_2(self) -> None:
        nash = self.result.solutions["nash"]
        assert nash.point.tolist() == pytest.approx([1.0, 1.8], abs=1e-12)
        weights = dict(nash.lottery)
        ft = self.result.problem.index({"visa": "facilitation", "readmission": "with_tcn"})
        assert weights[ft] == pytest.approx(500 / 729)
        assert ideal_point(self.result.frontier, ZERO).tolist() == pytest.approx([1.91236, 3.6])
        assert self.result.solutions["kalai_smorodinsky"].point.tolist() == pytest.approx([0.97760, 1.84032], abs=5e-6)

    def test_exact_nash_formula_matches_the_numbers(self) -> None:
        exact = self.result.exact["nash"]
        assert exact is not None
        subs = {sympy.Symbol(k, real=True): sympy.Rational(repr(v)) for k, v in PACKAGE.values().items()}
        assert [float(e.xreplace(subs)) for e in exact] == pytest.approx(
            self.result.solutions["nash"].point.tolist(), abs=1e-12
        )
        assert sympy.nsimplify(exact[1].xreplace(subs)) == sympy.Rational(9, 5)

    def test_every_solution_is_individually_rational(self) -> None:
        for s in self.result.solutions.values():
            assert np.all(s.point >= self.result.disagreement - 1e-12), s.name

    def test_the_transitory_period_as_the_smallest_concession(self) -> None:
        t = concession(PACKAGE, {"visa": "facilitation", "readmission": "with_tcn"}, "RU", "T")
        v = PACKAGE.values()
        expected = math.log((v["a"] * v["v_cap"] - v["c_N"]) / v["C_TCN"]) / math.log(v["delta"])
        assert t.value == pytest.approx(expected)
        assert t.favours == "above"


def test_uzbekistan_signs_without_the_tcn_clause() -> None:
    scenario = load("russia_uzbekistan_2007")
    result = bargain(scenario)
    deal = {"readmission": "own_nationals", "labour": "agreement"}
    assert [result.problem.package(k) for k in result.linkage.linked] == [deal]
    assert result.linkage.enables
    nash = result.solutions["nash"]
    assert result.problem.index(deal) in dict(nash.lottery)


# -- the unit pie: Rubinstein (docs/models.md#bargaining-solutions) -----------------------------------------------


def test_rubinstein_closed_form_and_finite_horizon() -> None:
    d1, d2 = 0.9, 0.8
    x_star = (1 - d2) / (1 - d1 * d2)
    assert rubinstein(PIE, ZERO, (d1, d2)).point[0] == pytest.approx(5 / 7, abs=1e-12)
    assert [round(float(finite_horizon(PIE, ZERO, (d1, d2), n).point[0]), 6) for n in range(1, 6)] == [
        1,
        0.2,
        0.92,
        0.344,
        0.8624,
    ]
    for n in (39, 40, 79, 80):
        x_n = finite_horizon(PIE, ZERO, (d1, d2), n).point[0]
        exact = (d1 * d2) ** ((n - 1) / 2) * (1 - x_star) if n % 2 else -((d1 * d2) ** (n / 2)) * x_star
        assert x_n - x_star == pytest.approx(exact, abs=1e-12)


@pytest.mark.parametrize(("w2", "x"), [(0.1, 5 / 7), (2 / 7, 5 / 7), (0.4, 0.6), (0.7, 0.3)])
def test_outside_option_principle(w2: float, x: float) -> None:
    assert rubinstein(PIE, ZERO, (0.9, 0.8), outside=(0.0, w2)).point[0] == pytest.approx(x, abs=1e-12)


def test_two_sided_options_and_the_contrast_with_moving_d() -> None:
    assert rubinstein(PIE, ZERO, (0.9, 0.8), outside=(0.6, 0.3)).point[0] == pytest.approx(0.7)
    moved = np.array([0.0, 0.4])
    assert nash_solution(PIE, moved).point.tolist() == pytest.approx([0.3, 0.7])
    assert kalai_smorodinsky(PIE, moved).point.tolist() == pytest.approx([0.3, 0.7])


@settings(max_examples=60, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95))
def test_rubinstein_shares_and_comparative_statics(d1: float, d2: float) -> None:
    x = rubinstein(PIE, ZERO, (d1, d2)).point
    assert 0 < x[0] < 1 and x.sum() == pytest.approx(1.0)
    assert x[0] == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-10)
    assert rubinstein(PIE, ZERO, (min(d1 + 0.04, 0.99), d2)).point[0] >= x[0] - 1e-12
    assert rubinstein(PIE, ZERO, (d1, min(d2 + 0.04, 0.99))).point[0] <= x[0] + 1e-12


@pytest.mark.parametrize(("r1", "r2"), [(0.05, 0.1), (1.0, 1.0), (0.3, 0.1)])
def test_patience_limit_is_the_asymmetric_nash_solution(r1: float, r2: float) -> None:
    """Binmore, Rubinstein & Wolinsky 1986: delta_i = exp(-r_i h), h -> 0 gives alpha = r2/(r1+r2)."""
    alpha = r2 / (r1 + r2)
    target = nash_solution(PIE, ZERO, (alpha, 1 - alpha)).point[0]
    errors = [
        abs(rubinstein(PIE, ZERO, (math.exp(-r1 * h), math.exp(-r2 * h))).point[0] - target)
        for h in (1, 0.1, 0.01, 0.001)
    ]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-3
    first = rubinstein(PIE, ZERO, (math.exp(-0.001), math.exp(-0.001))).point[0]
    second = rubinstein(PIE, ZERO, (math.exp(-0.001), math.exp(-0.001)), proposer=1).point[0]
    assert abs(first - second) < 1e-3  # the first proposer's advantage vanishes


def test_brw_numbers_of_section_6() -> None:
    got = [rubinstein(PIE, ZERO, (math.exp(-0.05 * h), math.exp(-0.1 * h))).point[0] for h in (1, 0.1, 0.01)]
    assert got == pytest.approx([0.683188, 0.668332, 0.666833], abs=1e-6)


# -- Nash's axioms on random package sets ---------------------------------------------------------

point_sets = hnp.arrays(np.float64, st.tuples(st.integers(3, 12), st.just(2)), elements=st.integers(-5, 10).map(float))


def with_gains(points: np.ndarray) -> bool:
    return bool(np.any(np.all(points > 0.5, axis=1)))


@settings(max_examples=150, deadline=None)
@given(point_sets)
def test_nash_is_pareto_optimal_and_individually_rational(points: np.ndarray) -> None:
    assume(with_gains(points))
    f = pareto_frontier(points)
    s = nash_solution(f, ZERO).point
    assert np.all(s >= -1e-12)
    assert not np.any(np.all(points > s + 1e-9, axis=1))  # no package strictly better for both
    # and the Nash product at s beats every package and random lotteries of packages
    prod = s[0] * s[1]
    ok = np.all(points >= 0, axis=1)
    assert np.all(points[ok, 0] * points[ok, 1] <= prod + 1e-9)
    rng = np.random.default_rng(0)
    mixes = rng.dirichlet(np.ones(len(points)), 200) @ points
    ok = np.all(mixes >= 0, axis=1)
    assert np.all(mixes[ok, 0] * mixes[ok, 1] <= prod + 1e-9)


@settings(max_examples=100, deadline=None)
@given(point_sets, st.floats(0.2, 5), st.floats(-3, 3), st.floats(0.2, 5), st.floats(-3, 3))
def test_nash_is_invariant_to_affine_rescaling(points: np.ndarray, a1: float, b1: float, a2: float, b2: float) -> None:
    assume(with_gains(points))
    scale, shift = np.array([a1, a2]), np.array([b1, b2])
    s = nash_solution(pareto_frontier(points), ZERO).point
    t = nash_solution(pareto_frontier(points * scale + shift), shift).point
    assert np.allclose(t, s * scale + shift, atol=1e-7)


@settings(max_examples=100, deadline=None)
@given(point_sets)
def test_symmetric_problems_have_symmetric_solutions(points: np.ndarray) -> None:
    sym = np.vstack([points, points[:, ::-1]])
    assume(with_gains(sym))
    f = pareto_frontier(sym)
    for s in (nash_solution(f, ZERO), kalai_smorodinsky(f, ZERO), egalitarian(f, ZERO)):
        assert s.point[0] == pytest.approx(s.point[1], abs=1e-9), s.name


@settings(max_examples=100, deadline=None)
@given(point_sets, st.data())
def test_independence_of_irrelevant_alternatives(points: np.ndarray, data: st.DataObject) -> None:
    assume(with_gains(points))
    s = nash_solution(pareto_frontier(points), ZERO)
    needed = {k for k, _ in s.lottery}
    drop = data.draw(st.sets(st.sampled_from(range(len(points)))))
    keep = [k for k in range(len(points)) if k in needed or k not in drop]
    t = nash_solution(pareto_frontier(points[keep]), ZERO)
    assert np.allclose(t.point, s.point, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(point_sets, st.floats(0.1, 5))
def test_kalai_smorodinsky_individual_monotonicity(points: np.ndarray, boost: float) -> None:
    """Enlarging the set only in actor 2's direction, with actor 1's ideal unchanged, never hurts actor 2."""
    assume(with_gains(points))
    f = pareto_frontier(points)
    base = kalai_smorodinsky(f, ZERO)
    m = ideal_point(f, ZERO)
    extra = np.array([[0.0, m[1] + boost]])  # more for actor 2 where actor 1 gets nothing
    bigger = pareto_frontier(np.vstack([points, extra]))
    assume(abs(ideal_point(bigger, ZERO)[0] - m[0]) <= 1e-12)  # the axiom's premise: actor 1's ideal unchanged
    assert kalai_smorodinsky(bigger, ZERO).point[1] >= base.point[1] - 1e-9


@settings(max_examples=100, deadline=None)
@given(point_sets)
def test_ks_lies_on_the_segment_to_the_ideal_point_and_equals_nash_on_linear_frontiers(points: np.ndarray) -> None:
    assume(with_gains(points))
    f = pareto_frontier(points)
    ks, m = kalai_smorodinsky(f, ZERO).point, ideal_point(f, ZERO)
    assert ks[0] * m[1] == pytest.approx(ks[1] * m[0], abs=1e-7)
    line = pareto_frontier(np.array([[0.0, 0.0], [m[0], 0.0], [0.0, m[1]]]))
    assert np.allclose(kalai_smorodinsky(line, ZERO).point, nash_solution(line, ZERO).point, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(point_sets)
def test_utilitarian_maximises_the_sum_among_rational_points(points: np.ndarray) -> None:
    assume(with_gains(points))
    f = pareto_frontier(points)
    u = utilitarian(f, ZERO).point
    ok = np.all(points >= 0, axis=1)
    assert u.sum() >= points[ok].sum(axis=1).max() - 1e-9


@settings(max_examples=60, deadline=None)
@given(st.floats(0.5, 5), st.floats(0.5, 5), st.floats(0.5, 5), st.floats(0.5, 5))
def test_tollison_willett_joint_gain_iff_ab_exceeds_kc(a: float, b: float, c: float, k: float) -> None:
    """Two issues in levels (v, y) in [0, 1]^2: u_EU = -k v + b y, u_R = a v - c y
    (docs/models.md#package-deals-and-issue-linkage)."""
    assume(abs(a * b - k * c) > 1e-3)
    corners = np.array([[0.0, 0.0], [-k, a], [b, -c], [b - k, a - c]])
    # the joint-gain set is a cone from the origin, so it meets [0, 1]^2 iff it meets the square's top or
    # right edge: a dense brute force along those two edges (a grid of the square misses thin cones)
    t = np.linspace(0, 1, 200_001)
    V = np.concatenate([np.ones_like(t), t])
    Y = np.concatenate([t, np.ones_like(t)])
    brute = bool(np.any((-k * V + b * Y > 1e-12) & (a * V - c * Y > 1e-12)))
    s = nash_solution(pareto_frontier(corners), ZERO).point
    assert brute == (a * b > k * c)
    assert (bool(np.all(s > 1e-9))) == (a * b > k * c)


def test_single_vertex_frontier_and_rays_that_miss() -> None:
    """Found by the benchmark: one package best for both, and an equal-gains ray leaving the set."""
    single = pareto_frontier(np.array([[0.0, 0.0], [1.0, 1.0]]))
    for solve in (kalai_smorodinsky, egalitarian):
        assert solve(single, ZERO).point.tolist() == [1.0, 1.0]
    f = pareto_frontier(np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 0.0]]))
    assert egalitarian(f, np.array([1.0, -3.0])).point.tolist() == [2.0, 0.0]


@settings(max_examples=100, deadline=None)
@given(point_sets, st.floats(-3, 3), st.floats(-3, 3))
def test_every_solution_is_individually_rational_when_some_point_is(points: np.ndarray, d1: float, d2: float) -> None:
    d = np.array([d1, d2])
    assume(bool(np.any(np.all(points >= d + 1e-6, axis=1))))
    f = pareto_frontier(points)
    for s in (nash_solution(f, d), kalai_smorodinsky(f, d), egalitarian(f, d), utilitarian(f, d)):
        assert s.lottery, s.name
        assert np.all(s.point >= d - 1e-9), s.name

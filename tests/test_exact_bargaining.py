"""Rubinstein's division as an exact formula, checked against the numeric stationary offers; the
numeric solver near discount 1 and its error when it cannot converge; the utilitarian point's
restriction to individually rational lotteries."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.analysis.deal import bargain
from bargaining.analysis.sweep_deal import solutions_at
from bargaining.errors import ScenarioError
from bargaining.games.bargain import BargainingProblem
from bargaining.io.scenario_file import load
from bargaining.kernels.axiomatic import pareto_frontier, rubinstein, utilitarian

PIE = pareto_frontier(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
ZERO = np.zeros(2)
D1, D2, S, W = sympy.symbols("d1 d2 S w", real=True)


def pie(outside: bool = False) -> BargainingProblem:
    """A pie of size S split by lotteries between A getting it and B getting it, discount factors d1, d2."""
    parameters: dict[str, tuple[float, float, float]] = {
        "S": (1.0, 1.0, 10.0),
        "d1": (0.9, 0.01, 0.99),
        "d2": (0.8, 0.01, 0.99),
    }
    if outside:
        parameters["w"] = (0.0, 0.0, 10.0)
    return BargainingProblem.build(
        ["A", "B"],
        [
            {
                "id": "split",
                "options": {"none": {"A": 0, "B": 0}, "to_A": {"A": "S", "B": 0}, "to_B": {"A": 0, "B": "S"}},
            }
        ],
        discount={"A": "d1", "B": "d2"},
        parameters=parameters,
    )


# -- the numeric solver --------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.floats(0.0, 0.999999), st.floats(0.0, 0.999999))
def test_numeric_offer_is_the_closed_form_on_random_discounts(d1: float, d2: float) -> None:
    x = rubinstein(PIE, ZERO, (d1, d2)).point[0]
    assert x == pytest.approx((1 - d2) / (1 - d1 * d2), rel=1e-9, abs=1e-12)
    second = rubinstein(PIE, ZERO, (d1, d2), proposer=1).point[1]
    assert second == pytest.approx((1 - d1) / (1 - d1 * d2), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("delta", [0.999, 0.9999, 0.99999, 0.999999])
def test_near_discount_one(delta: float) -> None:
    """(1 - delta)/(1 - delta**2) = 1/(1 + delta): 0.5000025 at 0.99999 (the old iteration stopped at 0.5677)."""
    s = rubinstein(PIE, ZERO, (delta, delta))
    assert s.point[0] == pytest.approx(1 / (1 + delta), rel=1e-9)
    assert s.counter is not None and s.counter[1] == pytest.approx(1 / (1 + delta), rel=1e-9)


def test_near_discount_one_asymmetric_and_value() -> None:
    assert round(float(rubinstein(PIE, ZERO, (0.99999, 0.99999)).point[0]), 7) == 0.5000025
    d1, d2 = 0.99999, 0.99998
    assert rubinstein(PIE, ZERO, (d1, d2)).point[0] == pytest.approx((1 - d2) / (1 - d1 * d2), rel=1e-8)


def test_non_convergence_raises_and_names_the_discount_factors() -> None:
    kinked = pareto_frontier(np.array([[0.0, 4.0], [1.0, 3.5], [2.5, 2.0], [3.5, 0.0], [0.0, 0.0]]))
    with pytest.raises(ScenarioError, match=r"discount factors \(0\.9, 0\.8\)") as err:
        rubinstein(kinked, ZERO, (0.9, 0.8), max_iter=1)
    assert err.value.field == "discount"
    ok = rubinstein(kinked, ZERO, (0.9, 0.8))  # the same problem with the default cap converges
    assert ok.counter is not None


@pytest.mark.parametrize("discount", [(1.0, 1.0), (1.2, 0.5), (-0.1, 0.5)])
def test_discount_factors_without_a_unique_equilibrium_are_refused(discount: tuple[float, float]) -> None:
    with pytest.raises(ScenarioError, match="discount factors"):
        rubinstein(PIE, ZERO, discount)


# -- the exact formula ---------------------------------------------------------------------------


def test_share_is_rubinsteins_formula_and_matches_the_numbers() -> None:
    r = bargain(pie())
    split = r.rubinstein
    assert split is not None and split.binding == ()
    assert sympy.simplify(split.share - (1 - D2) / (1 - D1 * D2)) == 0
    assert sympy.simplify(split.payoffs[0] - S * (1 - D2) / (1 - D1 * D2)) == 0
    assert sympy.simplify(split.payoffs[1] - S * D2 * (1 - D1) / (1 - D1 * D2)) == 0
    assert r.exact["rubinstein"] == split.payoffs
    assert r.solutions["rubinstein"].point[0] == pytest.approx((1 - 0.8) / (1 - 0.72))
    # comparative statics of the proposer's payoff: more patient proposer gains, more patient responder loses
    assert split.statics is not None
    signs = split.statics.signs
    assert (signs["d1"].sign, signs["d2"].sign, signs["S"].sign) == ("+", "-", "+")
    assert signs["d1"].strict and signs["d2"].strict


@settings(max_examples=25, deadline=None)
@given(st.floats(0.02, 0.98), st.floats(0.02, 0.98), st.floats(1.0, 10.0))
def test_exact_formula_equals_the_numeric_offer_at_random_points(d1: float, d2: float, size: float) -> None:
    values = {"d1": d1, "d2": d2, "S": size}
    r = bargain(pie(), values)
    assert r.rubinstein is not None
    subs = {D1: d1, D2: d2, S: size}
    exact = [float(e.subs(subs)) for e in r.rubinstein.payoffs]
    assert exact == pytest.approx(r.solutions["rubinstein"].point.tolist(), rel=1e-9, abs=1e-12)
    assert exact[0] == pytest.approx(size * (1 - d2) / (1 - d1 * d2), rel=1e-9)


@pytest.mark.parametrize(
    ("outside", "x", "binding"),
    [
        ({"B": "w"}, 0.6, ("B",)),  # w = 0.4 > 0.8 * 5/14 * ...: the responder's option binds, B gets w
        ({"A": "w"}, 0.76, ("A",)),  # w = 0.7 > 0.9 * x: the proposer's option binds in the counter-offer
        ({"B": "w"}, 5 / 7, ()),  # w = 0.1: does not bind, Rubinstein's share stands
    ],
)
def test_outside_options_bind_only_above_the_share(outside: dict[str, str], x: float, binding: tuple[str, ...]) -> None:
    w = {("B",): 0.4, ("A",): 0.7, (): 0.1}[binding]
    r = bargain(pie(outside=True), {"w": w, "d1": 0.9, "d2": 0.8, "S": 1.0}, outside=outside)
    assert r.solutions["rubinstein"].point[0] == pytest.approx(x, abs=1e-12)
    split = r.rubinstein
    assert split is not None and split.binding == binding
    assert float(split.payoffs[0].subs({W: w, D1: 0.9, D2: 0.8, S: 1.0})) == pytest.approx(x, abs=1e-12)
    if binding == ("B",):  # B gets exactly its option; A the rest of the pie
        assert sympy.simplify(split.payoffs[1] - W) == 0 and sympy.simplify(split.share - (1 - W / S)) == 0
    elif binding == ("A",):  # share 1 - d2 + d2 * w / S
        assert sympy.simplify(split.share - (1 - D2 + D2 * W / S)) == 0
    else:
        assert sympy.simplify(split.share - (1 - D2) / (1 - D1 * D2)) == 0
    assert split.conditions  # the case's condition (binding or not) is stated


def test_eu_russia_package_split_and_its_json() -> None:
    r = bargain(load("eu_russia_package"))
    split = r.rubinstein
    assert split is not None and split.proposer == "EU"
    assert sympy.simplify(split.share - 1 / (1 + sympy.Symbol("delta", real=True))) == 0
    assert float(split.payoffs[0].subs({s: r.values[s.name] for s in split.payoffs[0].free_symbols})) == (
        pytest.approx(20 / 19)
    )  # P = 2 for the EU on the edge, times 0.1/0.19
    out = r.to_dict()["rubinstein"]
    assert out["split"]["share"] == "1/(delta + 1)"
    assert out["split"]["comparative_statics"]["comparative_statics"]["k"] == "-"
    assert set(out["exact"]) == {"EU", "RU"}


def test_exact_false_skips_the_formulas_and_keeps_the_numbers() -> None:
    scenario = load("eu_russia_package")
    full, quick = bargain(scenario), bargain(scenario, exact=False)
    assert quick.rubinstein is None and all(v is None for v in quick.exact.values())
    for name, s in full.solutions.items():
        assert quick.solutions[name].point.tolist() == s.point.tolist()
    assert isinstance(scenario.game, BargainingProblem)
    by_sweep = solutions_at(scenario.game, full.values)
    assert {k: v.point.tolist() for k, v in by_sweep.items()} == {
        k: v.point.tolist() for k, v in full.solutions.items()
    }


def test_utilitarian_point_says_it_is_restricted_to_individually_rational_lotteries() -> None:
    r = bargain(load("eu_russia_package"))
    u = r.solutions["utilitarian"]
    assert "individually rational" in u.note
    assert "individually rational" in r.to_dict()["utilitarian"]["note"]
    # the largest sum overall (-0.5 + 4.5 = 4) leaves the EU below its disagreement payoff 0
    assert u.point.sum() == pytest.approx(3.6) and "4" in u.note
    points = np.array([[0.0, 0.0], [-1.0, 5.0], [1.0, 1.0]])
    f = pareto_frontier(points)
    assert utilitarian(f).note == ""  # without a disagreement point nothing is restricted
    restricted = utilitarian(f, ZERO)  # (-1, 5) sums to 4 but leaves actor 1 below 0: (0, 3) on the edge
    assert (
        restricted.point.tolist() == pytest.approx([0.0, 3.0]) and "largest sum over all packages, 4" in restricted.note
    )
    assert math.isclose(float(utilitarian(f).point.sum()), 4.0)


# -- the report claims a lattice only for games declared signing games ------------------------------


def _report(name: str, values: dict[str, float] | None = None) -> str:
    from bargaining.analysis.cascade import cascade
    from bargaining.analysis.nash import equilibria
    from bargaining.display.text import report

    scenario = load(name)
    return report(scenario, equilibria(scenario, values), None, cascade(scenario, values))


def test_offer_and_reply_report_has_no_lattice_block() -> None:
    from bargaining.analysis.cascade import cascade

    assert cascade(load("eu_russia_2007")) is not None  # the 2x2 game has increasing differences ...
    text = _report("eu_russia_2007")  # ... but it is not declared a signing game
    assert "Strategic complements" not in text and "coordination failure" not in text and "cascade" not in text


def test_signing_game_report_has_the_lattice_and_no_dangling_arrow() -> None:
    assert load("central_asia_signing").extra.get("lattice") is True
    text = _report("central_asia_signing")
    assert "least equilibrium: {UZ}; greatest: {UZ}" in text
    assert "cascade from the status quo: nobody → {UZ}" in text
    nobody = _report("central_asia_signing", {"p_UZ": 0.0, "D_UZ": 0.0})
    assert (
        "cascade from the status quo: nobody signs first; the status quo, where nobody signs, is an equilibrium"
        in nobody
    )
    assert not any(line.rstrip().endswith("→") for line in (text + "\n" + nobody).splitlines())


def test_lattice_flag_must_be_a_boolean() -> None:
    from bargaining.io.scenario_file import loads

    text = (
        'format = "bargaining/1"\ntitle = "t"\ngame = "normal"\nlattice = "yes"\n'
        '[[actors]]\nid = "A"\nstrategies = ["x", "y"]\n[[actors]]\nid = "B"\nstrategies = ["x", "y"]\n'
        '[payoff_formulas]\nA = "0"\nB = "0"\n'
    )
    with pytest.raises(ScenarioError, match="lattice: expected true or false"):
        loads(text, name="t.toml")
    assert loads(text.replace('"yes"', "true"), name="t.toml").extra["lattice"] is True


def test_a_missed_deadline_leaves_every_formula_key_with_the_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the exact forms miss their deadline, the result still names every solution's formula
    (None: not found), says why in its notes, and its numbers are those of the numeric run."""
    import bargaining.budget
    from bargaining.analysis.deal import FORMULA_KEYS

    monkeypatch.setattr(bargaining.budget, "DEFAULT_DEADLINE", 1e-4)
    package = load("eu_russia_package")
    late = bargain(package)
    assert set(late.exact) == {*FORMULA_KEYS, "rubinstein"} and all(v is None for v in late.exact.values())
    assert any(n.startswith("Exact forms:") for n in late.notes)
    numeric = bargain(package, exact=False)
    for name, solution in numeric.solutions.items():
        assert late.solutions[name].point.tolist() == solution.point.tolist(), name

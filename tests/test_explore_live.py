"""explore() and the classroom answer slider moves from compiled forms (bargaining.analysis.live): what
they show must be what the slow path (solve, subgame_perfect, threshold_again, best_reply) shows.

Every comparison recomputes the slow answer at the same values; nothing is copied from the module.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import bargaining
from bargaining._repr import repr_html
from bargaining.analysis.bayes_nash import BayesNash
from bargaining.analysis.deal import BargainResult
from bargaining.analysis.dispatch import solve
from bargaining.analysis.incentives import best_reply
from bargaining.analysis.live import LiveSolver, LiveThreshold, live, live_threshold
from bargaining.analysis.subgame import SubgamePerfect, subgame_perfect
from bargaining.analysis.threshold import threshold, threshold_again
from bargaining.display.classroom import conditionality_view
from bargaining.display.explore import explore, slider_range

MODELS = Path(bargaining.__file__).resolve().parents[1] / "models"
BUILTINS = sorted(p.stem for p in MODELS.glob("*.toml"))
TREES = ["eu_russia_offer", "eu_russia_screening", "eurasia_chain"]
CONDITIONALITY = bargaining.load("conditionality")
PREPARED = threshold(
    CONDITIONALITY, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"}, statics=False
)


def _slider_moves(name: str, seed: int, moves: int = 2) -> list[tuple[str, float]]:
    """Seeded slider moves: a parameter and a value on its slider's range (two decimals)."""
    sc = bargaining.load(name)
    rng = random.Random(f"{name}-{seed}")
    out = []
    for _ in range(moves):
        par = rng.choice(sc.parameters)
        low, high, _ = slider_range(par)
        out.append((par.name, round(rng.uniform(low, high), 2)))
    return out


def _result_html(box: widgets.VBox) -> str:
    def walk(w: Any) -> Any:
        yield w
        for c in getattr(w, "children", ()):
            yield from walk(c)

    (result,) = [w for w in walk(box) if isinstance(w, widgets.HTML) and "bargaining-explore-result" in w._dom_classes]
    return str(result.value)


@pytest.mark.parametrize("name", BUILTINS)
def test_explore_shows_what_the_slow_path_shows_after_seeded_moves(name: str) -> None:
    """For every built-in, at three seeded slider positions, the widget's result is the HTML of
    solve() at the slider values (equilibria, path and offers, bargaining solutions...)."""
    sc = bargaining.load(name)
    box = explore(sc)
    state = box.explore_state
    for seed in range(3):
        for par, value in _slider_moves(name, seed):
            state.sliders[par].value = value
        values = dict(state.values)
        try:
            slow = solve(sc, values)
        except bargaining.ScenarioError as err:
            assert state.error == str(err)
            continue
        assert state.error is None
        assert type(state.solution) is type(slow)
        assert _result_html(box) == repr_html(slow), (name, values)


def solved_both_ways(sc: bargaining.Scenario, solver: LiveSolver, values: dict[str, float]) -> tuple[Any, Any] | None:
    """``solve()``'s result and the live solver's at ``values``; None where ``solve()`` refuses the
    values, after checking that the live solver refuses them too."""
    try:
        slow = solve(sc, values)
    except bargaining.ScenarioError:
        with pytest.raises(bargaining.ScenarioError):
            solver.solve(values)
        return None
    return slow, solver.solve(values)


@pytest.mark.parametrize("name", BUILTINS)
def test_live_solution_equals_solve_field_by_field(name: str) -> None:
    """Every kind but trees gives the very result solve() gives (Result equality); a tree the same
    plan, offers, path, payoffs, ties and offer formulas (equal as formulas)."""
    sc = bargaining.load(name)
    solver = live(sc)
    for seed in range(2):
        values = sc.values(dict(_slider_moves(name, 100 + seed, moves=3)))
        both = solved_both_ways(sc, solver, values)
        if both is None:
            continue
        slow, fast = both
        if isinstance(slow, SubgamePerfect):
            assert isinstance(fast, SubgamePerfect)
            _same_play(fast, slow)
            for p, f in slow.offer_formulas.items():
                g = fast.offer_formulas[p]
                assert (f is None) == (g is None)
                if f is not None and g is not None:
                    assert sympy.simplify(f - g) == 0
                assert str(g) == str(f)  # shown in the same form
        elif isinstance(slow, BargainResult):  # exact=False: the numbers shown, not the edge formulas
            assert isinstance(fast, BargainResult)
            assert np.array_equal(fast.points, slow.points)
            assert np.array_equal(fast.frontier.vertices, slow.frontier.vertices)
            assert {k: tuple(s.point) for k, s in fast.solutions.items()} == {
                k: tuple(s.point) for k, s in slow.solutions.items()
            }
        else:
            assert fast == slow


def _same_play(fast: SubgamePerfect, slow: SubgamePerfect) -> None:
    assert fast.plan == slow.plan
    assert (fast.path, fast.outcome) == (slow.path, slow.outcome)
    assert fast.ties == slow.ties
    assert set(fast.all_offers) == set(slow.all_offers)
    for n, v in slow.all_offers.items():
        assert fast.all_offers[n] == pytest.approx(v, rel=1e-9, abs=1e-12)
    for a, u in slow.payoff.items():
        assert fast.payoff[a] == pytest.approx(u, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", TREES)
def test_compiled_tree_at_one_point_equals_backward_induction_on_random_points(name: str) -> None:
    """30 random points of every parameter's slider box: plan (off the path too), every offer,
    the path, payoffs and ties as subgame_perfect computes them (numbers: exact=False)."""
    sc = bargaining.load(name)
    solver = live(sc)
    assert solver.route == "compiled tree"
    rng = np.random.default_rng(7)
    for _ in range(30):
        values = {p.name: float(np.round(rng.uniform(*slider_range(p)[:2]), 2)) for p in sc.parameters}
        try:
            slow = subgame_perfect(sc, values, exact=False)
        except bargaining.ScenarioError:
            continue
        fast = solver.solve(values)
        assert isinstance(fast, SubgamePerfect)
        _same_play(fast, slow)


def test_tree_knife_edge_tie_is_reported_as_the_slow_path_does() -> None:
    """eu_russia_offer at the defaults: Russia is offered exactly v*, indifferent, and accepts."""
    sc = bargaining.load("eu_russia_offer")
    fast, slow = live(sc).solve(), subgame_perfect(sc)
    assert isinstance(fast, SubgamePerfect)
    assert fast.ties == slow.ties == ("ru",)
    assert fast.notes == tuple(n for n in slow.notes if n.startswith("Ties"))


def test_live_is_kept_per_scenario() -> None:
    sc = bargaining.load("eu_russia_offer")
    assert live(sc) is live(sc)
    assert live_threshold(PREPARED, CONDITIONALITY) is live_threshold(PREPARED, CONDITIONALITY)


decimals = st.integers(0, 1000).map(lambda k: k / 100)


@settings(max_examples=40, deadline=None)
@given(
    r=decimals,
    c=decimals,
    p=st.integers(1, 100).map(lambda k: k / 100),
    delta=st.integers(50, 99).map(lambda k: k / 100),
    tau=st.one_of(st.integers(0, 5).map(float), st.integers(0, 500).map(lambda k: k / 100)),
)
def test_live_threshold_and_best_reply_equal_the_slow_path(
    r: float, c: float, p: float, delta: float, tau: float
) -> None:
    """The prepared threshold answered per move equals threshold_again (Result equality), and the best
    reply equals best_reply's: reply, clears, r* (the same float), the gain equal as a number."""
    values = {"r": r, "c": c, "p": p, "delta": delta, "tau": tau}
    fast = LiveThreshold(PREPARED, CONDITIONALITY)
    assert fast.at(values) == threshold_again(PREPARED, CONDITIONALITY, values)
    mine = fast.best_reply(values)
    slow = best_reply(CONDITIONALITY, values, principal="EU", target="CA", reward="r", prepared=PREPARED)
    assert (mine.reply, mine.clears, mine.threshold_value) == (slow.reply, slow.clears, slow.threshold_value)
    assert mine.threshold == slow.threshold
    assert sympy.simplify(mine.gain - slow.gain) == 0


def test_knife_edge_stays_exact_on_the_fast_path() -> None:
    """0.3 * 3 = 0.9 in decimals (not in binary floats): indifferent, so the target complies; one
    ulp either side of r* = 3 the verdict follows the exact sign of p δ^τ r - c."""
    fast = live_threshold(PREPARED, CONDITIONALITY)
    at = {"c": 0.9, "p": 0.3, "tau": 0.0}
    assert 0.3 * 3.0 < 0.9
    edge = fast.best_reply({**at, "r": 3.0})
    assert (edge.reply, edge.clears, edge.gain) == ("comply", True, 0)
    for r in (math.nextafter(3.0, 0.0), math.nextafter(3.0, 9.0)):
        exact_gain = Fraction(3, 10) * Fraction(repr(r)) - Fraction(9, 10)
        assert fast.best_reply({**at, "r": r}).reply == ("comply" if exact_gain >= 0 else "defy")
    # and through the demo's view, which answers from the prepared threshold
    view = conditionality_view(3.0, 0.9, 0.3, tau=0.0, prepared=PREPARED)
    assert (view.best_reply, view.clears, view.threshold) == ("comply", True, 3.0)


def test_demo_view_from_the_prepared_threshold_equals_the_view_solved_afresh() -> None:
    """conditionality_view with ``prepared`` (the demo's moves) shows what it shows without it."""
    rng = random.Random(3)
    for _ in range(5):
        r, c, p = round(rng.uniform(0, 10), 2), round(rng.uniform(0, 10), 2), round(rng.uniform(0.01, 1), 2)
        delta, tau = round(rng.uniform(0.5, 0.99), 2), round(rng.uniform(0, 5), 2)
        fast = conditionality_view(r, c, p, delta=delta, tau=tau, prepared=PREPARED, scenario=CONDITIONALITY)
        slow = conditionality_view(r, c, p, delta=delta, tau=tau, scenario=CONDITIONALITY)
        assert (fast.verdict_html, fast.table_html, fast.formula_latex) == (
            slow.verdict_html,
            slow.table_html,
            slow.formula_latex,
        )
        assert np.array_equal(fast.map.difference >= 0, slow.map.difference >= 0)


def test_bayesian_route_equals_bayes_nash_at_random_points_and_at_the_belief_threshold() -> None:
    """central_asia_beliefs on the prepared route (payoffs compiled once, the ex-ante form's exact
    forms kept per support) gives the very BayesNash of solve() (Result equality: pure equilibria,
    interim payoffs, behaviour and the ex-ante EquilibriumSet with its exact probabilities), at 25
    random points of the slider box and on the belief threshold mu* = c/(c + g), where Russia is
    indifferent and a continuum of mixed equilibria appears."""
    sc = bargaining.load("central_asia_beliefs")
    solver = live(sc)
    assert solver.route == "Bayesian, exact forms kept"
    rng = np.random.default_rng(11)
    points = [{p.name: float(np.round(rng.uniform(*slider_range(p)[:2]), 2)) for p in sc.parameters} for _ in range(25)]
    points += [{"mu": 0.6, "c": 3.0, "g": 2.0}, {"mu": 0.5, "c": 1.0, "g": 1.0}, {"mu": 0.25, "c": 1.0, "g": 3.0}]
    exact_forms = 0
    for values in points:
        both = solved_both_ways(sc, solver, values)
        if both is None:
            continue
        slow, fast = both
        assert fast == slow, values
        assert isinstance(fast, BayesNash) and isinstance(slow, BayesNash)
        assert fast.exante is not None and slow.exante is not None
        for a, b in zip(fast.exante.equilibria, slow.exante.equilibria, strict=True):
            assert a.exact_probabilities == b.exact_probabilities and a.exact_payoffs == b.exact_payoffs
            exact_forms += a.exact_probabilities is not None
    assert exact_forms > 0


def test_a_bayesian_game_too_large_for_its_ex_ante_form_answers_as_solve_does() -> None:
    """13 types of two actions are 8,192 type strategies, more than the ex-ante form allows: live()
    still prepares (route "solve") and each move raises the ScenarioError solve() raises."""
    from bargaining.games.bayesian import BayesianGame
    from bargaining.scenario import Scenario

    types = [f"t{k}" for k in range(13)]
    game = BayesianGame.from_formulas(
        {"RU": ["press", "wait"], "KZ": ["sign", "stay_out"]},
        {"KZ": types},
        {"KZ": dict.fromkeys(types, "1/13")},
        {"RU": "RU.press * (g * KZ.sign - 1)", "KZ": "KZ.sign * RU.press"},
        parameters={"g": (1.0, 0.0, 5.0)},
    )
    sc = Scenario.of(game)
    solver = live(sc)
    assert solver.route == "solve"
    with pytest.raises(bargaining.ScenarioError) as slow:
        solve(sc, {"g": 2.0})
    with pytest.raises(bargaining.ScenarioError) as fast:
        solver.solve({"g": 2.0})
    assert str(fast.value) == str(slow.value)

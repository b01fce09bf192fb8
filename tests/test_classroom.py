"""The class demo: the target's best reply switches at r* = c/(p δ^τ), and the sliders redraw it.

Thresholds are recomputed here from the closed form of Schimmelfennig & Sedelmeier's (2004)
external-incentives model (docs/models.md#conditionality), never copied from the module; the view's
verdict and threshold must be the analysis layer's (analysis/incentives.py), not the face's own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import bargaining
from bargaining.analysis.incentives import best_reply
from bargaining.display.classroom import ConditionalityView, conditionality_demo, conditionality_view
from bargaining.display.text import number
from bargaining.errors import ScenarioError
from bargaining.games.incentives import ExternalIncentives

SCENARIO = bargaining.load("conditionality")
DEFAULTS = SCENARIO.values()

rewards = st.floats(SCENARIO.parameter("r").min, SCENARIO.parameter("r").max)
# costs below 1e-9 only test subnormal floating point, not the model
costs = st.floats(max(SCENARIO.parameter("c").min, 1e-9), SCENARIO.parameter("c").max)
credibilities = st.floats(SCENARIO.parameter("p").min, SCENARIO.parameter("p").max)


def decimal(x: float) -> Fraction:
    """The number a float prints as (0.3 is 3/10): the view compares decimals exactly."""
    return Fraction(repr(x))


def discount(values: dict[str, float]) -> Fraction:
    """δ^τ exactly, for the integer delays these tests use."""
    assert float(values["tau"]).is_integer()
    return decimal(values["delta"]) ** int(values["tau"])


def closed_form_threshold(c: float, p: float, values: dict[str, float] = DEFAULTS) -> float:
    """r* = c / (p δ^τ), exactly, then rounded once."""
    return float(decimal(c) / (decimal(p) * discount(values)))


def test_defaults_the_uzbek_numbers_comply_at_the_default_reward() -> None:
    """docs/models.md#conditionality, Russia -> Uzbekistan 2007: c = 1.3, p = 0.8 and r = 2 >= r*."""
    c, p, r = DEFAULTS["c"], DEFAULTS["p"], DEFAULTS["r"]
    view = conditionality_view(r, c, p)
    assert view.threshold == closed_form_threshold(c, p)
    assert view.threshold == pytest.approx(c / (p * DEFAULTS["delta"] ** DEFAULTS["tau"]), rel=1e-15)
    assert (view.best_reply, view.clears) == ("comply", True)
    assert str(view.formula) == "c/(delta**tau*p)"


def test_best_reply_switches_exactly_at_the_threshold() -> None:
    c, p = DEFAULTS["c"], DEFAULTS["p"]
    r_star = closed_form_threshold(c, p)
    assert decimal(r_star) * decimal(p) == decimal(c)  # 1.3 / 0.8 is a short decimal: r* is met exactly
    at = conditionality_view(r_star, c, p)
    above = conditionality_view(math.nextafter(r_star, math.inf), c, p)
    below = conditionality_view(math.nextafter(r_star, 0.0), c, p)
    assert at.best_reply == "comply"  # an indifferent target complies
    assert at.payoffs[1, 0, 0] == pytest.approx(0.0, abs=1e-15)
    assert (above.best_reply, above.clears) == ("comply", True)
    assert (below.best_reply, below.clears) == ("defy", False)


def test_knife_edge_is_decided_in_decimals_not_binary() -> None:
    """c = 0.9, p = 0.3, r = 3: p r = c, so the target is indifferent and complies, as by hand."""
    c, p, r = 0.9, 0.3, 3.0
    assert p * r < c  # the binary floats would say defy
    assert decimal(p) * decimal(r) == decimal(c)
    view = conditionality_view(r, c, p)
    assert view.threshold == closed_form_threshold(c, p) == r
    assert (view.best_reply, view.clears) == ("comply", True)


@settings(max_examples=30, deadline=None)
@given(costs, credibilities)
def test_best_reply_switches_one_ulp_around_the_closed_form(c: float, p: float) -> None:
    r_star = closed_form_threshold(c, p)
    r_par = SCENARIO.parameter("r")
    assume(r_par.min < r_star < r_par.max)
    view = conditionality_view(r_star, c, p)
    assert view.threshold == r_star
    assert view.threshold == pytest.approx(c / (p * DEFAULTS["delta"] ** DEFAULTS["tau"]), rel=1e-15)
    assert conditionality_view(math.nextafter(r_star, math.inf), c, p).best_reply == "comply"
    if c > 0:
        assert conditionality_view(math.nextafter(r_star, 0.0), c, p).best_reply == "defy"


@settings(max_examples=60, deadline=None)
@given(rewards, costs, credibilities)
def test_complies_iff_discounted_expected_reward_covers_the_cost(r: float, c: float, p: float) -> None:
    """Best reply is comply iff p δ^τ r >= c (in the decimals the inputs print as)."""
    view = conditionality_view(r, c, p)
    complies = decimal(p) * discount(DEFAULTS) * decimal(r) >= decimal(c)
    assert view.best_reply == ("comply" if complies else "defy")
    assert view.clears == complies
    assert view.reply_text.startswith("Comply:" if complies else "Defy:")


def test_threshold_with_a_delayed_reward_includes_the_discount() -> None:
    """τ = 2 years at δ = 0.9: the reward is worth δ² of its face value, so r* = c / (p δ²)."""
    delayed = SCENARIO.with_values({"tau": 2})
    values = delayed.values()
    c, p = values["c"], values["p"]
    r_star = closed_form_threshold(c, p, values)
    assert conditionality_view(2.0, c, p, scenario=delayed).threshold == r_star
    assert conditionality_view(math.nextafter(r_star, math.inf), c, p, scenario=delayed).best_reply == "comply"
    assert conditionality_view(math.nextafter(r_star, 0.0), c, p, scenario=delayed).best_reply == "defy"
    assert conditionality_view(2.0, c, p, scenario=delayed).best_reply == ("comply" if 2.0 >= r_star else "defy")


@pytest.mark.parametrize(
    ("r", "c", "p"), [(2.0, 1.3, 0.8), (1.0, 1.3, 0.8), (7.5, 4.9366, 1.0), (0.0, 0.0, 0.01), (9.0, 10.0, 0.5)]
)
def test_table_shows_the_payoffs_computed_from_the_game(r: float, c: float, p: float) -> None:
    view = conditionality_view(r, c, p)
    game = SCENARIO.normal_form
    payoffs = game.payoff_array(SCENARIO.values({"r": r, "c": c, "p": p}))
    assert (view.payoffs == payoffs).all()
    for i, s in enumerate(game.strategies[0]):
        assert f"<b>{s}</b>" in view.table_html
        for j, t in enumerate(game.strategies[1]):
            assert t in view.table_html
            assert f"{number(payoffs[0, i, j])}, {number(payoffs[1, i, j])}</td>" in view.table_html


def test_reply_text_names_the_formula_and_both_numbers() -> None:
    view = conditionality_view(1.5, 1.3, 0.8)
    assert view.reply_text == "Defy: the promised reward r = 1.50 falls short of the threshold r* = 1.625."
    assert view.reply_text in view.html()
    assert view.formula_latex == r"r^* = \frac{c}{\delta^{\tau} p}"  # LaTeX, not Python's c/(delta**tau*p)
    assert f"$${view.formula_latex}$$" in view.html()


def test_figure_marks_the_current_point() -> None:
    view = conditionality_view(3.0, 1.3, 0.5)
    ax = view.figure.axes[0]
    points = [
        (np.asarray(ln.get_xdata(), float).tolist(), np.asarray(ln.get_ydata(), float).tolist())
        for ln in ax.get_lines()
    ]
    assert ([3.0], [0.5]) in points
    assert view.png().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("r", "c", "p", "field"),
    [(-1.0, 1.3, 0.8, "parameters.r"), (2.0, 10.5, 0.8, "parameters.c"), (2.0, 1.3, 0.0, "parameters.p")],
)
def test_out_of_range_input_is_a_scenario_error(r: float, c: float, p: float, field: str) -> None:
    with pytest.raises(ScenarioError, match="expected a number in") as err:
        conditionality_view(r, c, p)
    assert err.value.field == field


def test_threshold_beyond_the_reward_range_means_defy_everywhere() -> None:
    """c = 6, p = 0.5: r* = 12 lies above every reward the slider offers."""
    r_max = SCENARIO.parameter("r").max
    view = conditionality_view(r_max, 6.0, 0.5)
    assert view.threshold == closed_form_threshold(6.0, 0.5) > r_max
    assert (view.best_reply, view.clears) == ("defy", False)


def test_nan_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError):
        conditionality_view(math.nan, 1.3, 0.8)


def shown_threshold(reply_html: str) -> float:
    """The threshold in the demo's reply: its data-threshold attribute, which the text shows rounded."""
    found = re.search(r"threshold r\* = ([0-9.e+-]+)\.<", reply_html)
    attribute = re.search(r'data-threshold="([^"]+)"', reply_html)
    assert found and attribute, reply_html
    value = float(attribute.group(1))
    assert float(found.group(1)) == pytest.approx(value, rel=1e-5)
    return value


def _walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def demo_parts(demo: Any) -> tuple[dict[str, Any], Any, Any, Any, Any]:
    """The demo's sliders by label, its verdict, its payoff table, its formula and its picture."""
    parts = list(_walk(demo))
    sliders = {w.description: w for w in parts if isinstance(w, widgets.FloatSlider)}
    (verdict,) = [w for w in parts if isinstance(w, widgets.HTML) and "bargaining-verdict" in w.value]
    (table,) = [w for w in parts if isinstance(w, widgets.HTML) and "bargaining-payoffs" in w.value]
    (formula,) = [w for w in parts if isinstance(w, widgets.HTMLMath)]
    (picture,) = [w for w in parts if isinstance(w, widgets.Image)]
    return sliders, verdict, table, formula, picture


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data.startswith(b"\x89PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_demo_sliders_redraw_the_reply_table_and_picture() -> None:
    demo = conditionality_demo()
    assert isinstance(demo, widgets.Widget)
    sliders, reply, table, formula, picture = demo_parts(demo)
    names = {
        "reward r": "r",
        "cost c": "c",
        "credibility p": "p",
        "discount factor δ": "delta",
        "delay τ (years)": "tau",
    }
    assert set(sliders) == set(names)
    for label, name in names.items():
        slider, par = sliders[label], SCENARIO.parameter(name)
        assert (slider.min, slider.max, slider.value) == (par.min, par.max, par.value)
        assert 0 < slider.step <= (par.max - par.min) / 50
        assert slider.continuous_update  # redrawn while dragging, not on release
    r, c, p = sliders["reward r"], sliders["cost c"], sliders["credibility p"]
    assert r"\frac{c}{\delta^{\tau} p}" in formula.value and "$$" in formula.value

    assert "<b>Comply:" in reply.value
    before = bytes(picture.value)

    r.value = 1.0  # below r* = 1.3 / 0.8
    assert "Defy: the promised reward r = 1.00 falls short of" in reply.value
    assert 'data-reply="defy"' in reply.value
    assert shown_threshold(reply.value) == pytest.approx(closed_form_threshold(1.3, 0.8), rel=1e-6)
    assert bytes(picture.value) != before and bytes(picture.value).startswith(b"\x89PNG")
    assert png_size(bytes(picture.value)) == png_size(before) == (int(picture.width), int(picture.height))

    p.value = 0.25  # r* = 1.3 / 0.25 = 5.2
    r.value = 6.0
    assert "Comply: the promised reward r = 6.00 clears" in reply.value
    assert shown_threshold(reply.value) == pytest.approx(closed_form_threshold(1.3, 0.25), rel=1e-6)
    payoffs = SCENARIO.normal_form.payoff_array(SCENARIO.values({"r": 6.0, "c": 1.3, "p": 0.25}))
    assert f"{number(payoffs[0, 0, 0])}, {number(payoffs[1, 0, 0])}" in table.value

    c.value = 2.0  # r* = 8
    assert "Defy" in reply.value
    assert shown_threshold(reply.value) == pytest.approx(closed_form_threshold(2.0, 0.25), rel=1e-6)


def test_demo_delay_and_discount_sliders_move_the_threshold() -> None:
    """τ = 2 at δ = 0.9: r* = c / (p δ²); δ = 0.5 then halves the reward's worth per year."""
    sliders, reply, _, _, _ = demo_parts(conditionality_demo())
    sliders["delay τ (years)"].value = 2.0
    at = DEFAULTS | {"tau": 2.0}
    assert shown_threshold(reply.value) == pytest.approx(closed_form_threshold(1.3, 0.8, at), rel=1e-6)
    assert "<b>Defy:" in reply.value  # 2 < 1.625 / 0.81 = 2.006...
    sliders["discount factor δ"].value = 0.5
    at = at | {"delta": 0.5}
    assert shown_threshold(reply.value) == pytest.approx(closed_form_threshold(1.3, 0.8, at), rel=1e-6)
    assert shown_threshold(reply.value) == pytest.approx(1.3 / (0.8 * 0.25), rel=1e-6)


def test_demo_picture_is_one_figure_redrawn_in_place() -> None:
    """Every move redraws the same figure: the same size, the axes where they were, the legend readable."""
    first = conditionality_view(2.0, 1.3, 0.8)
    picture = first.picture
    box = picture.axes.get_position().bounds
    sizes = set()
    for r, c, p in ((1.0, 1.3, 0.8), (9.99, 9.99, 0.01), (0.0, 0.0, 1.0)):
        view = conditionality_view(r, c, p, prepared=first.analysis.threshold, picture=picture)
        assert view.figure is first.figure
        sizes.add(png_size(view.png()))
        assert picture.axes.get_position().bounds == box
    assert sizes == {picture.size_px}
    legend = picture.axes.get_legend()
    assert legend is not None
    assert min(float(t.get_fontsize()) for t in legend.get_texts()) >= 11
    assert any(r"\dfrac{c}{\delta^{\tau} p}" in t.get_text() for t in legend.get_texts())  # mathtext


def test_prepared_threshold_gives_the_same_answers_as_a_fresh_one() -> None:
    """The demo's fast path (the threshold solved again from its payoff difference) is the full analysis."""
    fresh_scenario = SCENARIO.with_values({})
    for r, c, p, tau in ((2.0, 1.3, 0.8, 0.0), (3.0, 0.9, 0.3, 0.0), (2.0, 1.3, 0.8, 2.0), (5.0, 2.5, 0.6, 1.5)):
        fast = conditionality_view(r, c, p, tau=tau)
        full = best_reply(fresh_scenario, SCENARIO.values({"r": r, "c": c, "p": p, "tau": tau}))
        assert (fast.best_reply, fast.clears, fast.threshold) == (full.reply, full.clears, full.threshold_value)
        assert fast.analysis.exact_threshold == full.exact_threshold


def test_view_is_a_frozen_result() -> None:
    view = conditionality_view(2.0, 1.3, 0.8)
    assert isinstance(view, ConditionalityView)
    with pytest.raises(AttributeError):
        view.r = 3.0  # type: ignore[misc]
    assert view.values == SCENARIO.values({"r": 2.0})


@pytest.mark.parametrize(("r", "c", "p"), [(2.0, 1.3, 0.8), (3.0, 0.9, 0.3), (1.5, 1.3, 0.8), (10.0, 6.0, 0.5)])
def test_verdict_and_threshold_are_the_analysis_layers(r: float, c: float, p: float) -> None:
    view = conditionality_view(r, c, p)
    values = SCENARIO.values({"r": r, "c": c, "p": p})
    analysis = best_reply(SCENARIO, values)
    assert view.analysis == analysis
    assert (view.best_reply, view.clears, view.threshold) == (analysis.reply, analysis.clears, analysis.threshold_value)
    core = bargaining.threshold(SCENARIO, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"})
    assert view.formula == core.formula  # r* is the core's formula
    assert core.formula is not None
    assert view.threshold == float(core.formula.subs({s: decimal(values[s.name]) for s in core.formula.free_symbols}))


def test_view_of_the_builders_game_is_the_view_of_the_scenario() -> None:
    """The model built in Python (ExternalIncentives) shows as the scenario file does."""
    names = ("c", "p", "delta", "tau", "B", "k")
    model = ExternalIncentives(
        **{n: sympy.Symbol(n) for n in names}, values=SCENARIO.game.parameters, principal="EU", target="CA"
    )
    built = bargaining.Scenario.of(model.game())
    for r, c, p in ((2.0, 1.3, 0.8), (3.0, 0.9, 0.3), (1.0, 1.3, 0.8)):
        a, b = conditionality_view(r, c, p), conditionality_view(r, c, p, scenario=built)
        assert (a.best_reply, a.threshold, a.clears, a.reply_text) == (
            b.best_reply,
            b.threshold,
            b.clears,
            b.reply_text,
        )
        assert (a.payoffs == b.payoffs).all()


def test_a_game_whose_target_gains_less_with_more_reward_is_refused() -> None:
    """A payoff difference falling in r would turn "clears r*" upside down: the analysis refuses it."""
    game = bargaining.NormalFormGame.from_table(
        {"EU": ["reward", "withhold"], "CA": ["comply", "defy"]},
        {
            ("reward", "comply"): ("B - p*k*r", "c - p*r"),
            ("reward", "defy"): (0, 0),
            ("withhold", "comply"): ("B", "-c"),
            ("withhold", "defy"): (0, 0),
        },
        parameters=SCENARIO.game.parameters,
    )
    with pytest.raises(ScenarioError) as err:
        conditionality_view(2.0, 1.3, 0.8, scenario=bargaining.Scenario.of(game))
    assert err.value.field == "payoffs"


OFFER = bargaining.load("eu_russia_offer")
SIGNING = bargaining.load("central_asia_signing")


def least_offer_closed_form(values: dict[str, float]) -> float:
    """v* = (c_N + δ^T C_TCN + d_R) / a, recomputed here."""
    v = values
    return float((v["c_N"] + v["delta"] ** v["T"] * v["C_TCN"] + v["d_R"]) / v["a"])


@pytest.mark.parametrize(("T", "C_TCN"), [(3.0, 5.4), (2.0, 5.4), (10.0, 0.0), (0.0, 10.0), (2.85, 5.4)])
def test_offer_view_is_the_closed_form_and_the_subgame_perfect_play(T: float, C_TCN: float) -> None:
    from bargaining.display.lessons import offer_view

    view = offer_view(T, C_TCN)
    values = OFFER.values({"T": T, "C_TCN": C_TCN})
    v_star = least_offer_closed_form(values)
    assert view.least_offer == pytest.approx(v_star, rel=1e-12)
    assert view.fits == (v_star <= values["v_cap"])
    exact = bargaining.subgame_perfect(OFFER, values)  # the exact solution, against the demo's numeric one
    assert view.path == tuple(exact.path) and view.outcome == exact.outcome
    assert view.offer == pytest.approx(exact.offers["v"], abs=1e-9)
    if view.fits:
        assert view.outcome == "deal"
        assert view.offer == pytest.approx(v_star, rel=1e-9)
    assert f'data-least-offer="{view.least_offer!r}"' in view.html
    assert view.formula_latex == r"v^* = \frac{C_{TCN} \delta^{T} + c_{N} + d_{R}}{a}"


def test_offer_demo_redraws_as_the_sliders_move() -> None:
    from bargaining.display.lessons import offer_demo

    parts = list(_walk(offer_demo()))
    sliders = {w.description: w for w in parts if isinstance(w, widgets.FloatSlider)}
    (result,) = [w for w in parts if isinstance(w, widgets.HTML) and "bargaining-offer" in w.value]
    t = sliders["transitory period T (years)"]
    assert (t.min, t.max, t.value, t.continuous_update) == (0.0, 10.0, 3.0, True)
    assert 'data-outcome="deal"' in result.value
    t.value = 2.0  # v*(2) = 0.5374 > v_cap = 0.5: no deal (the scenario's own claim)
    assert 'data-outcome="no_deal"' in result.value
    v_star = least_offer_closed_form(OFFER.values({"T": 2.0}))
    assert f"v* = {number(v_star)}" in result.value


@pytest.mark.parametrize("settings", [None, {"p_KZ": 0.9, "L_KZ": 4.0, "D_KZ": 1.0}, {"H_KZ": 2.0}])
def test_cascade_view_walks_the_analysis_steps(settings: dict[str, float] | None) -> None:
    from bargaining.analysis.cascade import cascade
    from bargaining.display.lessons import cascade_view

    found = cascade(SIGNING, SIGNING.values(settings))
    assert found is not None
    assert cascade_view(0, settings=settings).signed == ()
    for k, signed in enumerate(found.steps, 1):
        view = cascade_view(k, settings=settings)
        assert view.signed == signed
        assert set(view.new) == set(signed) - set(found.steps[k - 2] if k >= 2 else ())
        assert view.png.startswith(b"\x89PNG")
    last = cascade_view(len(found.steps) + 5, settings=settings)
    assert last.step == len(found.steps) and last.signed == found.least
    assert "stops here" in last.text


def test_cascade_demo_steps_one_state_at_a_time_in_2012() -> None:
    """Kazakhstan's 2012 values: Uzbekistan, then Kazakhstan, then Kyrgyzstan (docs/models.md#the-signing-game)."""
    from bargaining.display.lessons import cascade_demo

    parts = list(_walk(cascade_demo()))
    (which,) = [w for w in parts if isinstance(w, widgets.ToggleButtons)]
    buttons = {w.description: w for w in parts if isinstance(w, widgets.Button)}
    (text,) = [w for w in parts if isinstance(w, widgets.HTML) and "bargaining-cascade" in w.value]
    which.value = "2012"
    seen = []
    while not buttons["step"].disabled:
        buttons["step"].click()
        seen.append(re.search(r'data-signed="([^"]*)"', text.value).group(1))  # type: ignore[union-attr]
    assert seen == ["UZ", "UZ KZ", "UZ KZ KG"]
    buttons["back to the status quo"].click()
    assert 'data-step="0"' in text.value and not buttons["step"].disabled


def test_explore_normal_form_threshold_follows_the_sliders() -> None:
    from bargaining.display.explore import explore

    box = explore(
        SCENARIO, threshold=dict(actor="CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"})
    )
    state = box.explore_state
    assert set(state.sliders) == {p.name for p in SCENARIO.parameters}
    for par in SCENARIO.parameters:
        s = state.sliders[par.name]
        assert (s.min, s.max, s.value, s.continuous_update) == (par.min, par.max, par.value, True)
    parts = list(_walk(box))
    (formula,) = [w for w in parts if isinstance(w, widgets.HTMLMath)]
    assert r"r^* = \frac{c}{\delta^{\tau} p}" in formula.value
    (picture,) = [w for w in parts if isinstance(w, widgets.Image)]
    (result,) = [w for w in parts if isinstance(w, widgets.HTML) and "bargaining-explore-result" in w._dom_classes]
    before_table, before_png = result.value, bytes(picture.value)
    state.sliders["c"].value = 2.6
    state.sliders["tau"].value = 2.0
    at = DEFAULTS | {"c": 2.6, "tau": 2.0}
    assert state.threshold is not None
    assert state.threshold.value == pytest.approx(closed_form_threshold(2.6, 0.8, at), rel=1e-12)
    assert result.value != before_table and bytes(picture.value) != before_png
    expected = bargaining.equilibria(SCENARIO, SCENARIO.values({"c": 2.6, "tau": 2.0}))
    assert len(state.solution) == len(expected)


def test_explore_tree_updates_while_moving_and_shows_the_path() -> None:
    """A tree answers from its compiled form, so it updates as a slider moves (``continuous=False``: on release)."""
    from bargaining.display.explore import explore

    released = explore("eu_russia_offer", continuous=False).explore_state
    assert not any(s.continuous_update for s in released.sliders.values())
    box = explore("eu_russia_offer")
    state = box.explore_state
    assert all(s.continuous_update for s in state.sliders.values())
    assert tuple(state.solution.path) == ("offer", "accept")
    state.sliders["T"].value = 2.0  # the scenario's claim: with two years Russia rejects
    assert tuple(state.solution.path) == tuple(bargaining.subgame_perfect(OFFER, OFFER.values({"T": 2.0})).path)
    assert "reject" in state.solution.path


def test_explore_bargain_and_unbounded_parameters() -> None:
    from bargaining.display.explore import explore, slider_range
    from bargaining.parameters import Parameter

    box = explore("eu_russia_package")
    state = box.explore_state
    assert type(state.solution).__name__ == "BargainResult"
    assert slider_range(Parameter("x", -3.0)) == (-6.0, 0.0, True)
    assert slider_range(Parameter("y", 0.5, min=0.0)) == (0.0, 1.5, True)
    game = bargaining.NormalFormGame.from_table(
        {"A": ["x", "y"], "B": ["x", "y"]},
        {("x", "x"): ("a", 1), ("x", "y"): (0, 0), ("y", "x"): (0, 0), ("y", "y"): (1, "a")},
        parameters={"a": 2.0},
    )
    state = explore(game).explore_state
    s = state.sliders["a"]
    assert (s.min, s.max) == (0.0, 4.0)
    parts = [w for w in _walk(explore(game)) if isinstance(w, widgets.HTML)]
    assert any("value ± max(1, |value|): a ∈ [0, 4]" in w.value for w in parts)


def test_classroom_without_voila_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    from bargaining import app

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a))
    assert app.serve(open_browser=False) == 2
    err = capsys.readouterr().err
    assert err == "bargaining classroom needs the classroom extra: pip install 'bargaining[classroom]'\n"


def test_classroom_lays_out_lessons_index_kernel_and_an_offline_template(tmp_path: Path) -> None:
    """The lessons copied (the package untouched), conditionality first, this interpreter's kernel, no CDN."""
    pytest.importorskip("voila")
    import json
    import sys

    from bargaining import app

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "99_my_lesson.ipynb").write_text(
        json.dumps(
            {
                "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Mine"}],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    before = {p.name: p.stat().st_mtime_ns for p in mine.iterdir()}
    lessons = app.prepare(tmp_path / "root", mine)
    index = json.loads((lessons / "index.ipynb").read_text())
    links = re.findall(r"\]\(([^)]+)\)", index["cells"][0]["source"])
    assert links[0] == app.FIRST_LESSON and links[-1] == "99_my_lesson.ipynb"
    assert {"05_offer_game_in_class.ipynb", "06_signing_cascade_in_class.ipynb"} <= set(links)
    assert {p.name: p.stat().st_mtime_ns for p in mine.iterdir()} == before
    spec = json.loads((tmp_path / "root/jupyter/kernels/python3/kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    template = (tmp_path / "root/jupyter/voila/templates" / app.TEMPLATE / "index.html.j2").read_text()
    assert "{%- extends" in template and "://" not in "".join(line for line in template.splitlines() if "<link" in line)
    copied = json.loads((lessons / app.FIRST_LESSON).read_text())
    assert copied["metadata"]["kernelspec"]["name"] == "python3"

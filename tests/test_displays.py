"""The faces: pictures of sweeps along one axis and of thresholds, and the notebook displays of sweeps
and equilibria. Each picture is checked on the Figure it returns (its artists and their data against
the result drawn), each display on its HTML."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
import sympy
from matplotlib.collections import PolyCollection, QuadMesh
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

import bargaining
from bargaining.analysis.sweep import AnySweep, Sweep
from bargaining.analysis.sweep_deal import DealSweep
from bargaining.analysis.sweep_tree import TreeSweep
from bargaining.analysis.threshold_line import threshold_line
from bargaining.display.plots import formula_label, outcome_figure, threshold_figure


@cache
def _load(name: str) -> bargaining.Scenario:
    return bargaining.load(name)


def _artists(fig: Figure) -> list[object]:
    return [a for ax in fig.axes for a in (*ax.lines, *ax.patches, *ax.collections)]


def _gid(fig: Figure, prefix: str) -> list[object]:
    return [a for a in _artists(fig) if str(getattr(a, "get_gid", lambda: None)() or "").startswith(prefix)]


def _span(artist: object) -> tuple[float, float]:
    """The x extent of a band (a Rectangle from axvspan or a PolyCollection from fill_between)."""
    if isinstance(artist, Rectangle):
        return artist.get_x(), artist.get_x() + artist.get_width()
    assert isinstance(artist, PolyCollection)
    xs = np.concatenate([np.asarray(p.vertices, dtype=float)[:, 0] for p in artist.get_paths()])
    return float(xs.min()), float(xs.max())


SWEEPS = {
    "normal": ("conditionality", "r", np.linspace(0.0, 10.0, 41)),
    "tree": ("eu_russia_offer", "T", np.linspace(1.0, 5.0, 33)),
    "bargain": ("eu_russia_package", "alpha", np.linspace(0.0, 1.0, 21)),
}


@cache
def _sweep(kind: str) -> AnySweep:
    name, axis, values = SWEEPS[kind]
    return bargaining.sweep(_load(name), {axis: values})


@pytest.mark.parametrize("kind", list(SWEEPS))
def test_a_one_axis_sweep_draws_bands_and_curves_over_the_whole_grid(kind: str) -> None:
    result = _sweep(kind)
    xs = SWEEPS[kind][2]
    fig = outcome_figure(result)
    assert not [a for ax in fig.axes for a in ax.collections if isinstance(a, QuadMesh)]  # not a map
    curves = [a for a in _gid(fig, "payoff:") if isinstance(a, Line2D)]
    assert curves, "no payoff curve"
    for line in curves:
        assert isinstance(line, Line2D)
        x = np.asarray(line.get_xdata(), dtype=float)
        assert x.min() == xs.min() and x.max() == xs.max() and len(x) == len(xs)
    bands = _gid(fig, "equilibrium:" if kind == "normal" else "outcome:")
    assert bands, "no band"
    lo = min(_span(b)[0] for b in bands)
    hi = max(_span(b)[1] for b in bands)
    assert lo < xs.min() and hi > xs.max()  # the bands cover the grid, half a step beyond each end
    assert fig.axes[-1].get_xlabel()  # the parameter, named
    fig.savefig(__import__("io").BytesIO(), format="png")


def test_a_normal_form_row_is_filled_exactly_where_its_equilibrium_holds() -> None:
    result = _sweep("normal")
    assert isinstance(result, Sweep)
    xs = SWEEPS["normal"][2]
    fig = outcome_figure(result)
    step = xs[1] - xs[0]
    for c in range(len(result.candidates)):
        valid = result.valid[c]
        spans = [_span(b) for b in _gid(fig, f"equilibrium:{c}")]
        if not valid.any():
            assert spans == []
            continue
        covered = np.array([any(a < x < b for a, b in spans) for x in xs])
        assert (covered == valid).all(), result.label(c)
        # the curves are the sweep's payoffs where the equilibrium holds, blank elsewhere
        for a, actor in enumerate(result.game.actors):
            (line,) = _gid(fig, f"payoff:{c}:{actor}")
            assert isinstance(line, Line2D)
            ys = np.asarray(line.get_ydata(), dtype=float)
            assert np.isnan(ys[~valid]).all()
            np.testing.assert_allclose(ys[valid], result.payoffs[c][valid, a])
    # the switch from 'EU reward' to the mixed equilibrium sits at r* = c / (delta^tau p) = 1.625
    t = bargaining.threshold(
        _load("conditionality"), "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"}
    )
    assert t.value == pytest.approx(1.625)
    assert t.value is not None
    reward = next(c for c in range(len(result.candidates)) if result.label(c) == "EU reward; CA defy")
    (span,) = [_span(b) for b in _gid(fig, f"equilibrium:{reward}")]
    assert abs(span[1] - t.value) <= step


def test_a_tree_sweep_switches_outcome_at_the_responder_threshold() -> None:
    result = _sweep("tree")
    assert isinstance(result, TreeSweep)
    fig = outcome_figure(result)
    t = bargaining.threshold(_load("eu_russia_offer"), "RU", prefer="accept", over="reject", solve_for="T", at="ru")
    # docs/models.md#the-offer-game: T_min = ln(20/27)/ln(0.9) at the defaults
    assert t.value == pytest.approx(math.log(20 / 27) / math.log(0.9), rel=1e-9)
    assert t.value is not None
    deal = result.labels.index("offer, accept (deal)")
    outcomes, _ = result.outcome_codes()
    g = next(k for k, o in enumerate(outcomes) if o["label"] == result.labels[deal])
    (span,) = [_span(b) for b in _gid(fig, f"outcome:{g}")]
    step = float(np.diff(SWEEPS["tree"][2])[0])
    assert abs(span[0] - t.value) <= step
    (offer,) = _gid(fig, "offer:v")
    assert isinstance(offer, Line2D)
    np.testing.assert_allclose(np.asarray(offer.get_ydata(), dtype=float), result.offers["v"], equal_nan=True)


def test_a_deal_sweep_draws_every_solution_payoff() -> None:
    result = _sweep("bargain")
    assert isinstance(result, DealSweep)
    fig = outcome_figure(result)
    for solution in result.solutions:
        for actor in result.problem.actors:
            (line,) = _gid(fig, f"payoff:{solution}:{actor}")
            assert isinstance(line, Line2D)
            np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), result.payoffs[solution][actor])
    # the weighted Nash solution moves with alpha (the bargaining power), so its curve is not flat
    (weighted,) = _gid(fig, "payoff:nash_weighted:EU")
    assert isinstance(weighted, Line2D)
    assert np.ptp(np.asarray(weighted.get_ydata(), dtype=float)) > 0.5


def test_two_axes_keep_the_map() -> None:
    result = bargaining.sweep(_load("conditionality"), {"r": np.linspace(0, 10, 11), "p": np.linspace(0.1, 1, 5)})
    fig = outcome_figure(result)
    meshes = [a for ax in fig.axes for a in ax.collections if isinstance(a, QuadMesh)]
    assert len(meshes) == 1
    drawn = meshes[0].get_array()
    assert drawn is not None and drawn.size == 11 * 5


@pytest.mark.parametrize(
    ("scenario", "kwargs"),
    [
        (
            "conditionality",
            {"actor": "CA", "prefer": "comply", "over": "defy", "solve_for": "r", "given": {"EU": "reward"}},
        ),
        ("eu_russia_offer", {"actor": "RU", "prefer": "accept", "over": "reject", "solve_for": "T", "at": "ru"}),
    ],
    ids=["normal", "tree"],
)
def test_threshold_picture_crosses_zero_at_the_threshold_with_its_formula_in_latex(
    scenario: str, kwargs: dict[str, object]
) -> None:
    sc = _load(scenario)
    actor = kwargs.pop("actor")
    t = bargaining.threshold(sc, actor, **kwargs)  # type: ignore[arg-type]
    line = threshold_line(sc, t)
    assert t.value is not None and t.formula is not None
    # the line is the difference: zero at the threshold, the sign the threshold says on either side
    at = int(np.flatnonzero(line.x == t.value)[0])
    assert abs(line.difference[at]) < 1e-9
    above, below = line.difference[line.x > t.value], line.difference[line.x < t.value]
    assert t.favours == "above"  # both: the preferred reply wins above the threshold
    assert (above > 0).all() and (below < 0).all()
    fig = threshold_figure(line)
    (vline,) = _gid(fig, "threshold")
    assert isinstance(vline, Line2D)
    assert float(np.asarray(vline.get_xdata(), dtype=float)[0]) == pytest.approx(t.value)
    legend = fig.axes[0].get_legend()
    assert legend is not None
    texts = [x.get_text() for x in legend.get_texts()]
    assert any(sympy.latex(t.formula) in x and x.startswith("$") for x in texts), texts
    assert _gid(fig, "better:")  # both sides shaded
    fig.savefig(__import__("io").BytesIO(), format="png")  # mathtext draws it


def test_formula_label_falls_back_to_plain_text_where_mathtext_cannot_draw() -> None:
    x = sympy.Symbol("x")
    piecewise = sympy.Piecewise((x, x > 1), (0, True))
    assert "\\begin{cases}" in sympy.latex(piecewise)
    label = formula_label("r", piecewise, 2.0)
    assert not label.startswith("$") and "Piecewise" in label and label.endswith("= 2")
    assert formula_label("delta", None, 0.5).startswith("$\\delta^{\\ast}$")


def test_a_sweep_of_ten_thousand_points_displays_in_a_few_kilobytes() -> None:
    result = bargaining.sweep(_load("conditionality"), {"r": np.linspace(0, 10, 100), "p": np.linspace(0.01, 1, 100)})
    html = result._repr_html_()
    assert len(html) < 10_000, len(html)
    outcomes, _ = result.outcome_codes()
    assert len(outcomes) >= 2
    for o in outcomes:
        assert o["label"] in html and f"{o['points']:,}" in html
    assert "100 × 100 = 10,000 points" in html
    assert sum(o["points"] for o in outcomes) == 10_000


@pytest.mark.parametrize("kind", ["tree", "bargain"])
def test_tree_and_deal_sweeps_display_their_outcomes(kind: str) -> None:
    result = _sweep(kind)
    html = result._repr_html_()
    outcomes, _ = result.outcome_codes()
    assert len(html) < 10_000
    for o in outcomes:
        assert str(o["label"]).replace("&", "&amp;") in html


def test_an_equilibrium_displays_its_strategies_payoffs_and_exact_forms() -> None:
    found = bargaining.equilibria(_load("central_asia_signing"), {"H_KZ": 2})
    mixed = next(eq for eq in found if not eq.pure)
    html = mixed._repr_html_()
    assert "mixed Nash equilibrium" in html
    for actor in mixed.actors:
        assert f"<b>{actor}</b>" in html
    assert "P(sign) = 5/6" in html and "P(sign) = 7/8" in html  # KZ's and KG's exact mixtures
    pure = next(eq for eq in found if eq.pure)
    html = pure._repr_html_()
    assert "pure Nash equilibrium" in html and "stay_out" in html and "sign" in html


@pytest.mark.parametrize("kind", list(SWEEPS))
def test_a_sweep_repr_is_one_short_line(kind: str) -> None:
    result = _sweep(kind)
    text = repr(result)
    _, axis, values = SWEEPS[kind]
    assert "\n" not in text and len(text) < 200, text
    assert text.startswith(f"<{type(result).__name__}: {axis}=") and f"{len(values):,} points" in text

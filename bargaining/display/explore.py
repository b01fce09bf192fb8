r"""``explore(scenario)``: a slider for every parameter, and the model's solution redrawn as they move.

Below the sliders: the equilibria (a normal-form game), the subgame-perfect path and offers (a
tree) or the bargaining solutions (a package deal), from :func:`bargaining.analysis.live.live`: the
model is prepared once (a tree's backward induction compiled, a normal form's exact forms kept per
support) and each move answers from that, showing what :func:`bargaining.solve` shows at the
slider values (tested at seeded positions of every built-in); with
``threshold=dict(actor=..., prefer=..., over=..., solve_for=..., given=...)`` also the threshold's
formula (LaTeX, typeset once) and value, from :func:`bargaining.threshold` (prepared once and, when
every other actor's play is given, answered per move by a
:class:`~bargaining.analysis.live.LiveThreshold`: its root found once, evaluated per move), and for
a normal-form game the best-reply picture in the plane of ``solve_for`` and another parameter of
the payoff difference (:func:`~bargaining.analysis.threshold.best_reply_map`). Each slider runs over its parameter's
``[min, max]``; a parameter without bounds gets ``value ± max(1, |value|)`` on the missing side(s),
and a line under the sliders says which. Values where the analysis refuses (a
:class:`~bargaining.errors.ScenarioError`) show its message instead of a result.

Every model updates while a slider moves (throttled to the latest value): a move costs a few
milliseconds of computation for trees and package deals too (``benchmarks/classroom.py``).
``continuous=False`` updates on release instead.

This is a face: it formats what the analyses return and computes nothing itself.

>>> box = explore("conditionality", threshold=dict(actor="CA", prefer="comply", over="defy",
...     solve_for="r", given={"EU": "reward"}))
>>> state = box.explore_state
>>> sorted(state.sliders)
['B', 'c', 'delta', 'k', 'p', 'r', 'tau']
>>> state.sliders["c"].value = 2.6
>>> round(state.threshold.value, 6)  # r* = c / (p δ^τ) = 2.6 / 0.8
3.25
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from bargaining._repr import repr_html
from bargaining.analysis.dispatch import Solution
from bargaining.analysis.live import live, live_threshold
from bargaining.analysis.threshold import Threshold, best_reply_map, threshold
from bargaining.display.classroom import ReplyPicture, Throttle, latex, parameter_slider, read_slider
from bargaining.display.text import number, side_text
from bargaining.errors import ScenarioError
from bargaining.io.scenario_file import load
from bargaining.parameters import Parameter
from bargaining.scenario import Scenario

if TYPE_CHECKING:
    from bargaining.scenario import Game

__all__ = ["ExploreState", "explore", "slider_range"]

_THRESHOLD_KEYS = {"actor", "prefer", "over", "solve_for", "given", "at"}


def slider_range(parameter: Parameter) -> tuple[float, float, bool]:
    """``parameter``'s ``[min, max]``, a missing bound replaced by ``value ∓ max(1, |value|)``; and
    whether a bound was replaced.

    >>> slider_range(Parameter("x", 2.0))
    (0.0, 4.0, True)
    >>> slider_range(Parameter("p", 0.5, min=0, max=1))
    (0.0, 1.0, False)
    """
    width = max(1.0, abs(parameter.value))
    low = parameter.min if math.isfinite(parameter.min) else parameter.value - width
    high = parameter.max if math.isfinite(parameter.max) else parameter.value + width
    return float(low), float(high), not (math.isfinite(parameter.min) and math.isfinite(parameter.max))


@dataclass
class ExploreState:
    """What an :func:`explore` box shows now: its sliders, the last solution and threshold, or the error."""

    scenario: Scenario
    sliders: dict[str, widgets.FloatSlider]
    solution: Solution | None = None
    threshold: Threshold | None = None
    error: str | None = None
    values: dict[str, float] = field(default_factory=dict)


def _threshold_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(options) - _THRESHOLD_KEYS
    if unknown or not {"prefer", "over", "solve_for"} <= set(options):
        raise ScenarioError(
            "threshold=dict(actor=..., prefer=..., over=..., solve_for=..., given=... or at=...)",
            found=", ".join(sorted(options)) or "nothing",
            field="threshold",
        )
    return dict(options)


def explore(
    scenario: Scenario | Game | str | Path,
    *,
    threshold: Mapping[str, Any] | None = None,
    continuous: bool | None = None,
) -> widgets.VBox:
    """Sliders for every parameter of ``scenario`` (a scenario, a game, or a file or built-in name)
    and its solution, redrawn on every move; with ``threshold``, the threshold's formula, value and
    (normal form) best-reply picture. The returned box carries its :class:`ExploreState` as
    ``explore_state``.
    """
    sc = load(scenario) if isinstance(scenario, str | Path) else Scenario.of(scenario)
    solver = live(sc)  # prepared once: each move answers from the compiled forms
    moving = True if continuous is None else continuous
    sliders: dict[str, widgets.FloatSlider] = {}
    widened: list[str] = []
    for par in sc.parameters:
        low, high, replaced = slider_range(par)
        if replaced:
            widened.append(f"{par.name} ∈ [{number(low)}, {number(high)}]")
        sliders[par.name] = parameter_slider(par, low=low, high=high, continuous=moving, width="460px")
    state = ExploreState(sc, sliders)
    note = (
        "Without bounds in the model, these sliders run over value ± max(1, |value|): " + "; ".join(widened) + "."
        if widened
        else ""
    )
    how = "as a slider moves" if moving else "when a slider is released"
    header = widgets.HTML(f"<p><i>{escape(note)}</i></p><p>Updated {how}.</p>")
    result = widgets.HTML(layout=widgets.Layout(width="100%"))
    result.add_class("bargaining-explore-result")
    parts: list[widgets.Widget] = [*sliders.values(), header]

    options = _threshold_options(threshold) if threshold is not None else None
    prepared: Threshold | None = None
    formula_box = value_box = None
    picture: ReplyPicture | None = None
    image: widgets.Image | None = None
    y_name: str | None = None
    reuse = False
    if options is not None:
        actor = options.get("actor")
        prepared = _threshold(sc, options, sc.values())
        shown = latex(prepared.formula) if prepared.formula is not None else "\\text{(numeric root)}"
        formula_box = widgets.HTMLMath(f"$${escape(options['solve_for'])}^* = {escape(shown)}$$")
        value_box = widgets.HTML()
        parts += [formula_box, value_box]
        game = sc.game
        reuse = (
            sc.kind == "normal"
            and "at" not in options
            and set(game.actors) - {prepared.actor} <= set(options.get("given") or {})
        )
        others = sorted(
            (s.name for s in prepared.difference.free_symbols if s.name != options["solve_for"] and s.name in sliders),
        )
        if sc.kind == "normal" and others and actor is not None:
            y_name = others[0]
    parts.append(result)

    def draw() -> None:
        values = {name: read_slider(s) for name, s in sliders.items()}
        state.values = values
        try:
            state.solution = solver.solve(values)
            t: Threshold | None = None
            if options is not None and prepared is not None:
                t = live_threshold(prepared, sc).at(values) if reuse else _threshold(sc, options, values)
            state.threshold, state.error = t, None
        except ScenarioError as err:
            state.error = str(err)
            result.value = f'<p class="bargaining-error" style="color:#a50f15">{escape(str(err))}</p>'
            return
        result.value = repr_html(state.solution)
        if t is not None and value_box is not None:
            value = number(t.value) if t.value is not None else "none in range"
            who = (
                f"{escape(t.actor)} prefers <b>{escape(t.prefer)}</b> over <b>{escape(t.over)}</b> " if t.actor else ""
            )
            value_box.value = (
                f'<p class="bargaining-threshold" data-value="{t.value!r}">{escape(t.parameter)}* = {value}; '
                f"{who}{escape(side_text(t))}</p>"
            )
            if y_name is not None and options is not None:
                _draw_picture(t, values)

    def _draw_picture(t: Threshold, values: dict[str, float]) -> None:
        nonlocal picture, image
        assert options is not None and y_name is not None
        x_par, y_par = sliders[t.parameter], sliders[y_name]
        data = best_reply_map(
            sc,
            t.actor,
            prefer=t.prefer,
            over=t.over,
            x=(t.parameter, np.linspace(x_par.min, x_par.max, 161)),
            y=(y_name, np.linspace(y_par.min, y_par.max, 81)),
            given=options.get("given"),
            values=values,
            prepared=t if reuse else None,
        )
        if picture is None or image is None:
            formula = latex(t.formula) if t.formula is not None else "\\mathrm{numeric}"
            picture = ReplyPicture(data, formula_latex=f"{t.parameter}^* = {formula}")
            w, h = picture.size_px
            image = widgets.Image(format="png", layout=widgets.Layout(width=f"{w}px", height=f"{h}px"))
            image.add_class("bargaining-picture")
            box.children = (*box.children, image)
        picture.draw(data, (values[t.parameter], values[y_name]))
        image.value = picture.png()

    box = widgets.VBox(parts)
    box.add_class("bargaining-explore")
    redraw = Throttle(draw)
    for slider in sliders.values():
        slider.observe(redraw, names="value")
    draw()
    box.explore_state = state
    return box


def _threshold(sc: Scenario, options: Mapping[str, Any], values: Mapping[str, float]) -> Threshold:
    return threshold(
        sc,
        options.get("actor"),
        prefer=options["prefer"],
        over=options["over"],
        solve_for=options["solve_for"],
        given=options.get("given"),
        at=options.get("at"),
        values=values,
        statics=False,
    )

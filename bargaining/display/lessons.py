r"""Two more class demos: the EU–Russia offer game and the Central Asian signing cascade.

**The offer game** (``eu_russia_offer``, ``docs/models.md#the-offer-game``): the EU offers visa
facilitation :math:`v \le v_{cap}` for readmission; Russia accepts iff the deal is worth its
outside option, :math:`a v - c_N - \delta^T C_{TCN} \ge d_R`, so the least offer it accepts is

.. math:: v^* = \frac{c_N + \delta^T C_{TCN} + d_R}{a},

and in subgame-perfect play the EU offers exactly :math:`v^*` when it fits under its cap (and the
deal is worth it to the EU). :func:`offer_view` shows :math:`v^*` (from
:func:`bargaining.analysis.threshold.threshold_at` at Russia's node, prepared once and solved again
per move by :func:`~bargaining.analysis.threshold.threshold_again`) and the EU's choice (from
:func:`bargaining.analysis.subgame.subgame_perfect`, numeric); :func:`offer_demo` puts sliders on
the transitory period :math:`T` and the cost :math:`C_{TCN}`. The first solution of the tree takes
about half a second and later ones about 20 ms (its compiled parts are kept), so the sliders update
as they move, throttled to the latest value.

**The signing cascade** (``central_asia_signing``, ``docs/models.md#the-signing-game``): each
state signs a readmission agreement with Russia when enough border neighbours have signed; from
the status quo (nobody signs) the cascade adds the states whose best reply is to sign, step by
step, up to the least equilibrium (:func:`bargaining.analysis.cascade.cascade`).
:func:`cascade_view` shows the states after ``step`` steps; :func:`cascade_demo` walks through
them with a button, with the 2007 values or Kazakhstan's 2012 ones.

These are faces: every number comes from the analysis layer.

>>> view = offer_view(3.0, 5.4)
>>> round(view.least_offer, 5), view.path, view.outcome
(0.49366, ('offer', 'accept'), 'deal')
>>> offer_view(2.0, 5.4).fits  # two years: v* = 0.5374 > v_cap = 0.5, no acceptable offer fits
False
>>> cascade_view(step=1).signed
('UZ',)
>>> cascade_view(step=2, settings=KAZAKHSTAN_2012).signed
('UZ', 'KZ')
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bargaining.analysis.cascade import Cascade, cascade
from bargaining.analysis.subgame import SubgamePerfect, subgame_perfect
from bargaining.analysis.threshold import Threshold, threshold_again, threshold_at
from bargaining.display.classroom import Throttle, latex, parameter_slider, read_slider, shown
from bargaining.display.text import number
from bargaining.io.scenario_file import load
from bargaining.scenario import Scenario

__all__ = [
    "KAZAKHSTAN_2012",
    "CascadeView",
    "OfferView",
    "cascade_demo",
    "cascade_view",
    "offer_demo",
    "offer_view",
]

#: Kazakhstan's 2012 values (after the Customs Union), as the scenario records them with its 2012 observation
KAZAKHSTAN_2012: Mapping[str, float] = {"p_KZ": 0.9, "L_KZ": 4.0, "D_KZ": 1.0}

_BAR_WIDTH = 400


@functools.cache
def _offer_scenario() -> Scenario:
    return load("eu_russia_offer")


@functools.cache
def _least_offer() -> Threshold:
    """v*, Russia's least acceptable offer, solved once (under the symbolic deadline)."""
    return threshold_at(_offer_scenario(), "ru", prefer="accept", over="reject", solve_for="v", statics=False)


@dataclass(frozen=True, eq=False)
class OfferView:
    r"""The offer game at one (T, C_TCN): Russia's least acceptable offer and the EU's subgame-perfect choice.

    ``least_offer`` is :math:`v^*` at these values (``formula`` exact, ``formula_latex`` as LaTeX);
    ``cap`` the EU's cap; ``fits`` whether :math:`v^* \le v_{cap}`; ``offer`` the EU's offer in
    subgame-perfect play, ``path`` the moves, ``outcome`` where play ends; ``text`` all of it in
    words and ``html`` with a number line of :math:`v` (data attributes ``data-least-offer``,
    ``data-offer``, ``data-outcome``). ``threshold`` and ``solution`` are the analyses behind it.
    """

    values: Mapping[str, float]
    least_offer: float
    formula_latex: str
    cap: float
    fits: bool
    offer: float
    path: tuple[str, ...]
    outcome: str | None
    text: str
    html: str
    threshold: Threshold
    solution: SubgamePerfect
    method: str = "threshold_at (Russia's node, solved again per move) and subgame_perfect (numeric)"

    def _repr_html_(self) -> str:
        return self.html


def _number_line(least: float, cap: float, offer: float, accepted: bool) -> str:
    """v from 0 to 1: v* (the least Russia accepts), the EU's cap and the offer, at fixed positions."""

    def at(v: float) -> int:
        return round(min(max(v, 0.0), 1.0) * _BAR_WIDTH)

    def mark(v: float, colour: str, label: str, top: int) -> str:
        return (
            f'<div style="position:absolute;left:{at(v) - 1}px;top:{top}px;width:3px;height:22px;background:{colour}">'
            f"</div>"
            f'<div style="position:absolute;left:{at(v) + 4}px;top:{top}px;font-size:12px;white-space:nowrap;'
            f'color:{colour}">{escape(label)}</div>'
        )

    acceptable = (
        f'<div style="position:absolute;left:{at(least)}px;top:30px;width:{_BAR_WIDTH - at(least)}px;'
        f'height:8px;background:#c6dbef" title="offers Russia accepts"></div>'
    )
    return (
        f'<div style="position:relative;width:{_BAR_WIDTH + 90}px;height:96px;margin:0.5em 0">'
        f'<div style="position:absolute;left:0;top:33px;width:{_BAR_WIDTH}px;height:2px;background:#888"></div>'
        f"{acceptable}"
        f"{mark(least, '#08519c', f'v* = {number(least)}', 6)}"
        f"{mark(cap, '#a50f15', f'cap {shown(cap)}', 44)}"
        f"{mark(offer, '#000000', f'offer {number(offer)}' + (' ✓' if accepted else ' ✗'), 70)}"
        f'<div style="position:absolute;left:0;top:36px;font-size:11px">0</div>'
        f'<div style="position:absolute;left:{_BAR_WIDTH - 6}px;top:36px;font-size:11px">1</div>'
        "</div>"
    )


def offer_view(T: float, C_TCN: float, *, values: Mapping[str, float] | None = None) -> OfferView:
    """Russia's least acceptable offer and the EU's choice at the transitory period ``T`` and the cost ``C_TCN``.

    ``values`` sets other parameters of ``eu_russia_offer`` (the rest at their defaults).
    """
    sc = _offer_scenario()
    vals = sc.values({**dict(values or {}), "T": T, "C_TCN": C_TCN})
    prepared = _least_offer()
    least = threshold_again(prepared, sc, vals)
    solution = subgame_perfect(sc, vals, exact=False)
    v_star = least.value if least.value is not None else math.nan
    cap = vals["v_cap"]
    fits = v_star <= cap
    offer = float(solution.offers.get("v", math.nan))
    accepted = solution.plan.get("ru") == "accept" and "accept" in solution.path
    moves = " → ".join(solution.path)
    where = f" ({solution.outcome})" if solution.outcome else ""
    if fits:
        why = f"Russia accepts any offer of at least v* = {number(v_star)}, and the cap {shown(cap)} allows it."
    else:
        why = (
            f"Russia needs at least v* = {number(v_star)}, more than the EU's cap {shown(cap)}: "
            "no acceptable offer fits."
        )
    text = (
        f"{why} Subgame-perfect play: {moves}{where}; the EU offers v = {number(offer)}, "
        f"Russia {'accepts' if accepted else 'rejects'}."
    )
    html = (
        f'<div class="bargaining-offer" data-least-offer="{v_star!r}" data-offer="{offer!r}" '
        f'data-outcome="{escape(solution.outcome or "")}" data-T="{vals["T"]!r}" '
        f'style="width:{_BAR_WIDTH + 90}px;min-height:4.5em;font-variant-numeric:tabular-nums">'
        f"<p>{escape(text)}</p></div>{_number_line(v_star, cap, offer, accepted)}"
    )
    return OfferView(
        values=vals,
        least_offer=v_star,
        formula_latex=f"v^* = {latex(prepared.formula)}" if prepared.formula is not None else "v^*",
        cap=cap,
        fits=fits,
        offer=offer,
        path=tuple(solution.path),
        outcome=solution.outcome,
        text=text,
        html=html,
        threshold=least,
        solution=solution,
    )


def offer_demo() -> widgets.VBox:
    """Sliders for the transitory period T and the cost C_TCN; v*, the EU's offer and Russia's reply below.

    The formula of :math:`v^*` is typeset once (``HTMLMath``); the sliders update as they move,
    throttled to the latest value (:class:`~bargaining.display.classroom.Throttle`).
    """
    sc = _offer_scenario()
    sliders = {
        "T": parameter_slider(sc.parameter("T"), label="transitory period T (years)"),
        "C_TCN": parameter_slider(sc.parameter("C_TCN"), label="Russia's TCN cost C_TCN"),
    }
    first = offer_view(read_slider(sliders["T"]), read_slider(sliders["C_TCN"]))
    formula = widgets.HTMLMath(
        value=f"Russia's least acceptable offer: $${first.formula_latex}$$",
        layout=widgets.Layout(width=f"{_BAR_WIDTH + 90}px"),
    )
    result = widgets.HTML(first.html, layout=widgets.Layout(width=f"{_BAR_WIDTH + 90}px"))

    def draw() -> None:
        result.value = offer_view(read_slider(sliders["T"]), read_slider(sliders["C_TCN"])).html

    redraw = Throttle(draw)
    for slider in sliders.values():
        slider.observe(redraw, names="value")
    demo = widgets.VBox([*sliders.values(), formula, result], layout=widgets.Layout(width=f"{_BAR_WIDTH + 110}px"))
    demo.add_class("bargaining-demo")
    return demo


# Where each state sits on the small map (longitude-like x, latitude-like y) and its borders
# (docs/models.md#the-signing-game; the scenario's comments list them): display data only.
_PLACES: Mapping[str, tuple[float, float]] = {
    "KZ": (0.55, 0.78),
    "UZ": (0.42, 0.42),
    "KG": (0.75, 0.42),
    "TJ": (0.62, 0.16),
    "TM": (0.15, 0.30),
}
_BORDERS = (("KZ", "UZ"), ("KZ", "KG"), ("UZ", "KG"), ("UZ", "TJ"), ("KG", "TJ"), ("TM", "UZ"), ("TM", "KZ"))


@functools.cache
def _signing_scenario() -> Scenario:
    return load("central_asia_signing")


@dataclass(frozen=True, eq=False)
class CascadeView:
    """The cascade from the status quo after ``step`` steps: who has signed, who signs next, where it stops.

    ``signed`` are the states signed after ``step`` steps (``steps`` of the cascade in all);
    ``new`` those who signed at this step; ``least`` and ``greatest`` the least and greatest
    equilibria's signers; ``text`` and ``png`` the step in words and as a small map.
    """

    step: int
    steps: int
    signed: tuple[str, ...]
    new: tuple[str, ...]
    least: tuple[str, ...]
    greatest: tuple[str, ...]
    text: str
    png: bytes
    analysis: Cascade
    values: Mapping[str, float]
    method: str = "bargaining.analysis.cascade.cascade (the lattice of a game of strategic complements)"


def _map_png(actors: tuple[str, ...], signed: tuple[str, ...], new: tuple[str, ...]) -> bytes:
    """A small map: every state a disc (filled once signed, ringed when it signs at this step), borders as lines."""
    fig = Figure(figsize=(4.0, 3.0), dpi=90)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    places = {
        a: _PLACES.get(
            a,
            (0.5 + 0.4 * math.cos(2 * math.pi * k / len(actors)), 0.5 + 0.4 * math.sin(2 * math.pi * k / len(actors))),
        )
        for k, a in enumerate(actors)
    }
    for a, b in _BORDERS:
        if a in places and b in places:
            ax.plot([places[a][0], places[b][0]], [places[a][1], places[b][1]], color="#bbbbbb", lw=2, zorder=1)
    for a, (x, y) in places.items():
        face = "#2171b5" if a in signed else "white"
        edge = "#d94801" if a in new else "#444444"
        ax.scatter([x], [y], s=900, c=face, edgecolors=edge, linewidths=3 if a in new else 1.5, zorder=2)
        ax.text(x, y, a, ha="center", va="center", fontsize=12, color="white" if a in signed else "black", zorder=3)
    buffer = io.BytesIO()
    canvas.print_png(buffer)  # type: ignore[no-untyped-call]
    return buffer.getvalue()


def cascade_view(step: int = 0, *, settings: Mapping[str, float] | None = None) -> CascadeView:
    """The signing cascade of ``central_asia_signing`` after ``step`` steps from the status quo.

    ``settings`` change parameters (e.g. :data:`KAZAKHSTAN_2012`); ``step`` is clipped to the cascade's length.
    """
    sc = _signing_scenario()
    vals = sc.values(settings)
    found = cascade(sc, vals)
    if found is None:  # the built-in game is one of complements; a changed one might not be
        raise ValueError("central_asia_signing at these values is not a game of strategic complements")
    k = max(0, min(step, len(found.steps)))
    signed = found.steps[k - 1] if k else ()
    before = found.steps[k - 2] if k >= 2 else ()
    new = tuple(a for a in signed if a not in before) if k else ()
    names = {a.id: a.name or a.id for a in sc.actors}
    who = ", ".join(names.get(a, a) for a in new)
    if k == 0:
        text = "The status quo: no state has signed."
    else:
        text = f"Step {k}: {who} sign{'s' if len(new) == 1 else ''}; signed so far: {', '.join(signed)}."
    if k == len(found.steps):
        stop = ", ".join(found.least) or "nobody"
        text += f" The cascade stops here, at the least equilibrium ({stop})."
        if not found.unique:
            text += f" Another equilibrium has more signers: {', '.join(found.greatest)}."
    return CascadeView(
        step=k,
        steps=len(found.steps),
        signed=tuple(signed),
        new=new,
        least=found.least,
        greatest=found.greatest,
        text=text,
        png=_map_png(sc.normal_form.actors, tuple(signed), new),
        analysis=found,
        values=vals,
    )


def cascade_demo() -> widgets.VBox:
    """A "step" button walking through the cascade from the status quo, a reset, and 2007 or 2012 values.

    Each press shows the next state(s) to sign (a ring marks them on the map) until the least
    equilibrium; the values switch between 2007 and Kazakhstan's 2012 values (:data:`KAZAKHSTAN_2012`).
    """
    which = widgets.ToggleButtons(
        options=[("2007 values", "2007"), ("Kazakhstan 2012", "2012")], value="2007", description="values"
    )
    step_button = widgets.Button(description="step", button_style="primary", icon="forward")
    reset = widgets.Button(description="back to the status quo")
    first = cascade_view(0)
    text = widgets.HTML(
        f'<p class="bargaining-cascade" data-step="0">{escape(first.text)}</p>',
        layout=widgets.Layout(width="520px", min_height="3.5em"),
    )
    picture = widgets.Image(value=first.png, format="png", layout=widgets.Layout(width="360px", height="270px"))
    picture.add_class("bargaining-picture")
    state = {"step": 0}

    def show() -> None:
        settings = KAZAKHSTAN_2012 if which.value == "2012" else None
        view = cascade_view(state["step"], settings=settings)
        state["step"] = view.step
        text.value = (
            f'<p class="bargaining-cascade" data-step="{view.step}" data-signed="{" ".join(view.signed)}">'
            f"{escape(view.text)}</p>"
        )
        picture.value = view.png
        step_button.disabled = view.step >= view.steps

    def forward(_button: object) -> None:
        state["step"] += 1
        show()

    def back(_change: object = None) -> None:
        state["step"] = 0
        show()

    step_button.on_click(forward)
    reset.on_click(back)
    which.observe(back, names="value")
    demo = widgets.VBox([which, widgets.HBox([step_button, reset]), text, picture])
    demo.add_class("bargaining-demo")
    return demo

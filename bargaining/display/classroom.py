r"""The class demo of conditionality: a promised reward, the target's best reply, and the threshold.

The principal (EU) promises a reward :math:`r`, paid only if the target (CA) complies; the reward
arrives after :math:`\tau` years and is delivered with probability :math:`p` (credibility), and
complying costs the target :math:`c`. Against the promise the target compares

.. math:: U_{CA}(\text{reward}, \text{comply}) = p\,\delta^\tau r - c
          \quad\text{with}\quad U_{CA}(\text{reward}, \text{defy}) = 0,

so its best reply is to comply iff :math:`p\,\delta^\tau r \ge c`, that is iff

.. math:: r \ge r^* = \frac{c}{p\,\delta^\tau},

the external-incentives model of Schimmelfennig & Sedelmeier (2004), "Governance by
conditionality", *JEPP* 11(4): 661-679 (``docs/models.md#conditionality``). A target that is
indifferent complies. :func:`conditionality_view` shows one point :math:`(r, c, p)` of the
``conditionality`` scenario (the other parameters at their defaults): the payoff table, the best
reply and :math:`r^*` as a formula and a number, both from
:func:`bargaining.analysis.incentives.best_reply` (which takes :math:`r^*` from the core threshold),
and the best-reply picture in the :math:`(r, p)` plane from
:func:`bargaining.analysis.threshold.best_reply_map`. This module computes nothing itself: it
formats and draws. :func:`conditionality_demo` wires sliders to the view and does nothing else.

The analysis reads inputs as the decimals they print as (``0.3`` is 3/10, not the nearest binary
float) and decides :math:`p\,\delta^\tau r \ge c` exactly, so the knife edge that a class checks
by hand comes out as by hand: at :math:`c = 0.9`, :math:`p = 0.3`, :math:`r = 3` the target is
indifferent and complies, although ``0.3 * 3 < 0.9`` in floating point.

>>> view = conditionality_view(2.0, 1.3, 0.8)
>>> view.best_reply, view.threshold, view.clears
('comply', 1.625, True)
>>> view.formula
c/(delta**tau*p)
>>> print(view.reply_text)
Comply: the promised reward 2.00 clears the threshold c/(p·δ^τ) = 1.625.
>>> conditionality_view(1.62, 1.3, 0.8).best_reply
'defy'
>>> conditionality_view(3.0, 0.9, 0.3).best_reply  # the knife edge: 0.3 * 3 = 0.9 exactly
'comply'
"""

from __future__ import annotations

import base64
import functools
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets
import numpy as np
import numpy.typing as npt
import sympy
from matplotlib.figure import Figure

from bargaining.analysis.incentives import BestReply, best_reply
from bargaining.analysis.threshold import best_reply_map
from bargaining.display.plots import best_reply_figure
from bargaining.display.text import number
from bargaining.games.normal import NormalFormGame
from bargaining.io.scenario_file import load
from bargaining.scenario import Parameter, Scenario

__all__ = ["ConditionalityView", "conditionality_demo", "conditionality_view", "payoff_table_html"]

PRINCIPAL, TARGET = "EU", "CA"
PROMISE, COMPLY, DEFY = "reward", "comply", "defy"

_GREEK = {"delta": "δ", "tau": "τ", "kappa": "κ", "pi": "π"}
_CELL = "border:1px solid #bbb;padding:2px 8px;text-align:left"


@dataclass(frozen=True, eq=False)
class ConditionalityView:
    """What the demo shows at one point (r, c, p): made by :func:`conditionality_view`.

    ``best_reply`` is the target's better strategy against the promised reward (``"comply"`` or
    ``"defy"``); ``threshold`` is :math:`r^*` at these values and ``formula`` its exact form;
    ``clears`` whether :math:`r \\ge r^*`; ``table_html`` the payoff table at these values;
    ``reply_text`` the best reply in words; ``figure`` the best-reply picture in the (r, p) plane
    with the current point marked. ``values`` are every parameter value used, ``payoffs`` the
    payoff array ``(actor, EU strategy, CA strategy)`` behind the table, ``analysis`` the
    :class:`~bargaining.analysis.incentives.BestReply` all of it comes from.
    """

    r: float
    c: float
    p: float
    best_reply: str
    threshold: float
    formula: sympy.Expr
    formula_text: str
    clears: bool
    reply_text: str
    table_html: str
    figure: Figure
    values: Mapping[str, float]
    payoffs: npt.NDArray[np.float64]
    analysis: BestReply
    method: str = "bargaining.analysis.incentives.best_reply (exact, at the decimal inputs) and best_reply_map"

    def png(self, dpi: int = 90) -> bytes:
        """The figure as PNG bytes (what the demo's image widget shows)."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    def html(self) -> str:
        """The reply in words, the payoff table and the picture, as one HTML fragment."""
        picture = base64.b64encode(self.png()).decode("ascii")
        return (
            f"<p><b>{escape(self.reply_text)}</b></p>{self.table_html}"
            f'<img alt="best-reply picture" src="data:image/png;base64,{picture}">'
        )

    def _repr_html_(self) -> str:
        return self.html()


def _formula_text(expr: sympy.Expr) -> str:
    """``c/(delta**tau*p)`` as a reader writes it: ``c/(p·δ^τ)``."""
    names = {s: sympy.Symbol(_GREEK.get(s.name, s.name)) for s in expr.free_symbols}
    return str(expr.xreplace(names)).replace("**", "^").replace("*", "·")


def _shown(x: float) -> str:
    """Two decimals when they are exact (slider values), else up to six significant digits."""
    two = f"{x:.2f}"
    return two if float(two) == x else number(x)


def payoff_table_html(
    game: NormalFormGame, payoffs: npt.NDArray[np.float64], *, mark: tuple[int, int] = (-1, -1)
) -> str:
    """A two-actor game's numeric payoff table; the cell ``mark`` (row, column) is shaded."""
    a, b = game.actors
    head = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in (f"{a} \\ {b}", *game.strategies[1]))
    rows = []
    for i, s in enumerate(game.strategies[0]):
        cells = [f'<td style="{_CELL}"><b>{escape(s)}</b></td>']
        for j in range(game.shape[1]):
            shade = ";background:#c6dbef" if (i, j) == mark else ""
            cells.append(f'<td style="{_CELL}{shade}">{number(payoffs[0, i, j])}, {number(payoffs[1, i, j])}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<p>Payoffs ({escape(a)}, {escape(b)}):</p>"
        f'<table style="border-collapse:collapse;margin:0.4em 0"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


@functools.cache
def _conditionality() -> Scenario:
    return load("conditionality")


def _mark_point(fig: Figure, r: float, p: float, c: float) -> None:
    """The current (r, p) on the best-reply picture, and axis names a class reads."""
    ax = fig.axes[0]
    ax.set_xlabel("promised reward r")
    ax.set_ylabel("credibility p")
    (point,) = ax.plot(
        [r],
        [p],
        ls="none",
        marker="o",
        ms=9,
        mfc="white",
        mec="black",
        mew=2,
        label=f"now: r = {_shown(r)}, p = {_shown(p)} (cost c = {_shown(c)})",
    )
    legend = ax.get_legend()
    handles = [*legend.legend_handles, point] if legend is not None else [point]
    labels = (
        [*(t.get_text() for t in legend.get_texts()), point.get_label()] if legend is not None else [point.get_label()]
    )
    ax.legend(handles=handles, labels=labels, loc="upper right", fontsize=8)


def conditionality_view(r: float, c: float, p: float, *, scenario: Scenario | None = None) -> ConditionalityView:
    """The payoff table, the target's best reply to the promised reward ``r``, :math:`r^*` and the picture.

    ``scenario`` defaults to the built-in ``conditionality``; its other parameters keep their
    default values. A value outside a parameter's range is a :class:`~bargaining.errors.ScenarioError`.
    """
    sc = scenario if scenario is not None else _conditionality()
    values = sc.values({"r": r, "c": c, "p": p})
    game = sc.normal_form
    reply = best_reply(sc, values, principal=PRINCIPAL, target=TARGET, reward="r")
    r_par, p_par = sc.parameter("r"), sc.parameter("p")
    data = best_reply_map(
        sc,
        TARGET,
        prefer=COMPLY,
        over=DEFY,
        x=("r", np.linspace(r_par.min, r_par.max, 201)),
        y=("p", np.linspace(p_par.min, p_par.max, 100)),
        given={PRINCIPAL: PROMISE},
        values=values,
    )
    best, clears, r_star_value = reply.reply, reply.clears, reply.threshold_value
    formula_text = _formula_text(reply.formula)
    shown_r, shown_star = _shown(values["r"]), _shown(r_star_value)
    if shown_r == shown_star and values["r"] != r_star_value:
        shown_r, shown_star = repr(values["r"]), repr(r_star_value)
    verdict = "clears" if clears else "falls short of"
    reply_text = (
        f"{best.capitalize()}: the promised reward {shown_r} {verdict} the threshold {formula_text} = {shown_star}."
    )
    payoffs = game.payoff_array(values)
    mark = (game.strategy_index(PRINCIPAL, PROMISE), game.strategy_index(TARGET, best))
    figure = best_reply_figure(data)
    _mark_point(figure, values["r"], values["p"], values["c"])
    return ConditionalityView(
        r=values["r"],
        c=values["c"],
        p=values["p"],
        best_reply=best,
        threshold=r_star_value,
        formula=reply.formula,
        formula_text=formula_text,
        clears=clears,
        reply_text=reply_text,
        table_html=payoff_table_html(game, payoffs, mark=mark),
        figure=figure,
        values=values,
        payoffs=payoffs,
        analysis=reply,
    )


def _step(parameter: Parameter) -> float:
    """Two decimals, or a thousandth of the range rounded to a power of ten, whichever is coarser."""
    span = parameter.max - parameter.min
    return float(10.0 ** max(-2, math.floor(math.log10(span)) - 3)) if span > 0 else 0.01


def _read(slider: widgets.FloatSlider) -> float:
    """A slider's value without binary noise: the front end may send 0.30000000000000004 for 0.3."""
    return float(f"{float(slider.value):.12g}")


def conditionality_demo(*, scenario: Scenario | None = None) -> widgets.VBox:
    """Sliders for the reward r, the cost c and the credibility p, redrawing the view on every move.

    Returns an ``ipywidgets.VBox``: the sliders, the best reply in words (an ``HTML`` widget),
    then the payoff table (``HTML``) beside the best-reply picture (an ``Image`` of a PNG, so no
    figure stays open). The sliders redraw when released (``continuous_update=False``): one
    redraw takes about a tenth of a second, too long to follow every pixel of a drag.
    """
    sc = scenario if scenario is not None else _conditionality()
    labels = {"r": "reward r", "c": "cost c", "p": "credibility p"}
    sliders: dict[str, widgets.FloatSlider] = {}
    for name, label in labels.items():
        par = sc.parameter(name)
        step = _step(par)
        decimals = max(0, -math.floor(math.log10(step)))
        sliders[name] = widgets.FloatSlider(
            value=par.value,
            min=par.min,
            max=par.max,
            step=step,
            description=label,
            readout_format=f".{decimals}f",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
    reply = widgets.HTML()
    table = widgets.HTML()
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="600px"))

    def redraw(_change: object = None) -> None:
        view = conditionality_view(_read(sliders["r"]), _read(sliders["c"]), _read(sliders["p"]), scenario=sc)
        reply.value = f"<p><b>{escape(view.reply_text)}</b></p>"
        table.value = view.table_html
        picture.value = view.png()

    for slider in sliders.values():
        slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([*sliders.values(), reply, widgets.HBox([table, picture])])

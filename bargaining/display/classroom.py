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
indifferent complies. :func:`conditionality_view` shows one point :math:`(r, c, p, \delta, \tau)` of the
``conditionality`` scenario (the other parameters at their defaults): the payoff table, the best
reply and :math:`r^*` as a formula (LaTeX) and a number, both from
:func:`bargaining.analysis.incentives.best_reply` (which takes :math:`r^*` from the core threshold),
and the best-reply picture in the :math:`(r, p)` plane from
:func:`bargaining.analysis.threshold.best_reply_map`. This module computes nothing itself: it
formats and draws. :func:`conditionality_demo` wires sliders to the view and does nothing else.

A slider move answers from the prepared threshold (:func:`~bargaining.analysis.live.live_threshold`:
the root :math:`r^*` found once, evaluated at the move's values, the verdict decided exactly; no
``sympy.solve`` or ``simplify`` per move, no worker process), the picture's grid and one PNG of a
figure that is made once and redrawn in place (computation under 50 ms; measured by
``benchmarks/classroom.py``). The layout is a fixed grid: the picture never moves when a
number's width changes.

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
Comply: the promised reward r = 2.00 clears the threshold r* = 1.625.
>>> view.formula_latex
'r^* = \\frac{c}{\\delta^{\\tau} p}'
>>> conditionality_view(2.0, 1.3, 0.8, tau=2).threshold  # a reward two years away: r* = 1.625 / 0.81
2.006172839506173
>>> conditionality_view(1.62, 1.3, 0.8).best_reply
'defy'
>>> conditionality_view(3.0, 0.9, 0.3).best_reply  # the knife edge: 0.3 * 3 = 0.9 exactly
'comply'
"""

from __future__ import annotations

import asyncio
import base64
import functools
import io
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets
import numpy as np
import numpy.typing as npt
import PIL.Image
import sympy
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bargaining.analysis.incentives import BestReply, best_reply
from bargaining.analysis.live import live_threshold
from bargaining.analysis.threshold import BestReplyMap, Threshold, best_reply_map
from bargaining.display.text import number
from bargaining.games.normal import NormalFormGame
from bargaining.io.scenario_file import load
from bargaining.scenario import Parameter, Scenario

__all__ = [
    "ConditionalityView",
    "ReplyPicture",
    "Throttle",
    "conditionality_demo",
    "conditionality_view",
    "latex",
    "parameter_slider",
    "payoff_table_html",
    "read_slider",
]

PRINCIPAL, TARGET = "EU", "CA"
PROMISE, COMPLY, DEFY = "reward", "comply", "defy"

_CELL = "border:1px solid #bbb;padding:2px 8px;text-align:left;font-variant-numeric:tabular-nums"
_PREFER_COLOUR, _OVER_COLOUR = "#c6dbef", "#f2d0c4"
#: the demo's grid of (r, p) points for the picture
_GRID = (201, 100)


class ReplyPicture:
    """One best-reply picture, made once and redrawn in place: fixed size, axes, labels and legend.

    The regions where ``prefer`` and ``over`` are the better reply (an image of the sign of the
    payoff difference on a :class:`~bargaining.analysis.threshold.BestReplyMap`'s grid), the
    threshold curve and the current point. Only their data change in :meth:`draw`; the axes, the
    labels and the legend (beside the axes, 12 pt, the threshold as mathtext from ``formula_latex``)
    are rendered once and reused, so a move redraws three artists and every PNG has the same size.

    >>> import numpy as np
    >>> from bargaining.analysis.threshold import best_reply_map
    >>> sc = load("conditionality")
    >>> data = best_reply_map(sc, "CA", prefer="comply", over="defy", x=("r", np.linspace(0, 10, 11)),
    ...     y=("p", np.linspace(0.01, 1, 5)), given={"EU": "reward"})
    >>> picture = ReplyPicture(data, formula_latex=r"r^* = \\frac{c}{p}")
    >>> picture.draw(data, (2.0, 0.8))
    >>> picture.png()[:4], picture.size_px
    (b'\\x89PNG', (720, 396))
    """

    def __init__(
        self,
        data: BestReplyMap,
        *,
        formula_latex: str,
        x_label: str | None = None,
        y_label: str | None = None,
        title: str | None = None,
        size: tuple[float, float] = (8.0, 4.4),
        dpi: int = 90,
    ) -> None:
        t = data.threshold
        self.dpi = dpi
        self.figure = Figure(figsize=size, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.1, right=0.66, bottom=0.13, top=0.91)
        ax = self.figure.add_subplot()
        self.axes = ax
        dx = (data.x[-1] - data.x[0]) / max(len(data.x) - 1, 1)
        dy = (data.y[-1] - data.y[0]) / max(len(data.y) - 1, 1)
        extent = (data.x[0] - dx / 2, data.x[-1] + dx / 2, data.y[0] - dy / 2, data.y[-1] + dy / 2)
        self._image = ax.imshow(
            np.zeros((len(data.y), len(data.x))),
            origin="lower",
            extent=extent,
            aspect="auto",
            cmap=ListedColormap([_OVER_COLOUR, _PREFER_COLOUR]),
            vmin=0,
            vmax=1,
            interpolation="nearest",
        )
        (self._curve,) = ax.plot([], [], color="black", lw=2)
        (self._point,) = ax.plot([], [], ls="none", marker="o", ms=10, mfc="white", mec="black", mew=2)
        ax.set_xlim(data.x[0], data.x[-1])
        ax.set_ylim(data.y[0], data.y[-1])
        ax.set_xlabel(x_label or data.x_name, fontsize=12)
        ax.set_ylabel(y_label or data.y_name, fontsize=12)
        ax.tick_params(labelsize=11)
        ax.set_title(title or f"{t.actor}'s best reply", fontsize=12)
        handles = [
            Patch(color=_PREFER_COLOUR, label=f"{t.prefer} is better"),
            Patch(color=_OVER_COLOUR, label=f"{t.over} is better"),
            Line2D([], [], color="black", lw=2, label="$" + formula_latex.replace("\\frac", "\\dfrac") + "$"),
            Line2D([], [], ls="none", marker="o", ms=10, mfc="white", mec="black", mew=2, label="now"),
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.03, 1.0), fontsize=12, frameon=False)
        self._dynamic = (self._image, self._curve, self._point)
        self._background: object | None = None

    @property
    def size_px(self) -> tuple[int, int]:
        """The PNG's width and height in pixels (the same for every move)."""
        w, h = self.figure.get_size_inches()
        return round(w * self.dpi), round(h * self.dpi)

    def draw(self, data: BestReplyMap, point: tuple[float, float]) -> None:
        """Show ``data``'s regions and threshold curve and mark ``point``; nothing else changes."""
        self._image.set_data((data.difference >= 0).astype(float))
        self._curve.set_data(data.curve_x, data.y)
        self._point.set_data([point[0]], [point[1]])

    def _render(self) -> None:
        """The static parts rendered once (kept as a background), then the three moving artists."""
        if self._background is None or self.figure.dpi != self.dpi:
            self.figure.set_dpi(self.dpi)
            for artist in self._dynamic:
                artist.set_animated(True)
            self.canvas.draw()  # type: ignore[no-untyped-call]
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[no-untyped-call]
            for artist in self._dynamic:
                artist.set_animated(False)  # a full draw (Jupyter's display, savefig) shows them too
        self.canvas.restore_region(self._background)  # type: ignore[no-untyped-call]
        for artist in self._dynamic:
            self.axes.draw_artist(artist)
        for spine in self.axes.spines.values():
            self.axes.draw_artist(spine)

    def png(self) -> bytes:
        """The figure as PNG bytes, always :attr:`size_px` (no tight bounding box)."""
        self._render()
        w, h = self.size_px
        buffer = io.BytesIO()
        pixels = self.canvas.buffer_rgba()  # type: ignore[no-untyped-call]
        PIL.Image.frombuffer("RGBA", (w, h), pixels, "raw", "RGBA", 0, 1).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


@dataclass(frozen=True, eq=False)
class ConditionalityView:
    r"""What the demo shows at one point (r, c, p, delta, tau): made by :func:`conditionality_view`.

    ``best_reply`` is the target's better strategy against the promised reward (``"comply"`` or
    ``"defy"``); ``threshold`` is :math:`r^*` at these values and ``formula`` its exact form
    (``formula_latex`` as LaTeX, ``r^* = ...``); ``clears`` whether :math:`r \ge r^*`;
    ``table_html`` the payoff table at these values; ``reply_text`` the best reply in words;
    ``verdict_html`` the same with the numbers as data attributes (``data-reply``,
    ``data-threshold``, ``data-r``), for a browser to read; ``figure`` the best-reply picture in
    the (r, p) plane with the current point marked (``picture`` draws it; in a demo it is the one
    figure redrawn by every move). ``values`` are every parameter value used, ``payoffs`` the
    payoff array ``(actor, EU strategy, CA strategy)`` behind the table, ``analysis`` the
    :class:`~bargaining.analysis.incentives.BestReply` and ``map`` the
    :class:`~bargaining.analysis.threshold.BestReplyMap` all of it comes from.
    """

    r: float
    c: float
    p: float
    delta: float
    tau: float
    best_reply: str
    threshold: float
    formula: sympy.Expr
    formula_latex: str
    clears: bool
    reply_text: str
    verdict_html: str
    table_html: str
    picture: ReplyPicture
    values: Mapping[str, float]
    payoffs: npt.NDArray[np.float64]
    analysis: BestReply
    map: BestReplyMap
    method: str = "bargaining.analysis.incentives.best_reply (exact, at the decimal inputs) and best_reply_map"

    @property
    def figure(self) -> Figure:
        return self.picture.figure

    def png(self) -> bytes:
        """The figure as PNG bytes (what the demo's image widget shows)."""
        return self.picture.png()

    def html(self) -> str:
        """The reply in words, the threshold as LaTeX, the payoff table and the picture, as one fragment."""
        picture = base64.b64encode(self.png()).decode("ascii")
        w, h = self.picture.size_px
        return (
            f"{self.verdict_html}<p>$${escape(self.formula_latex)}$$</p>{self.table_html}"
            f'<img alt="best-reply picture" width="{w}" height="{h}" src="data:image/png;base64,{picture}">'
        )

    def _repr_html_(self) -> str:
        return self.html()


def latex(expr: sympy.Expr) -> str:
    r"""``expr`` as LaTeX with every negative power in the denominator: :math:`\frac{c}{\delta^{\tau} p}`,
    not sympy's default ``\frac{c \delta^{- \tau}}{p}``.

    >>> latex(sympy.sympify("c/(delta**tau*p)"))
    '\\frac{c}{\\delta^{\\tau} p}'
    """
    numerator, denominator = sympy.fraction(expr)
    if denominator == 1:
        return str(sympy.latex(expr))
    return f"\\frac{{{sympy.latex(numerator)}}}{{{sympy.latex(denominator)}}}"


def shown(x: float) -> str:
    """Two decimals when they are exact (slider values), else up to six significant digits."""
    two = f"{x:.2f}"
    return two if float(two) == x else number(x)


def payoff_table_html(
    game: NormalFormGame, payoffs: npt.NDArray[np.float64], *, mark: tuple[int, int] = (-1, -1)
) -> str:
    """A two-actor game's numeric payoff table; the cell ``mark`` (row, column) is shaded.

    Fixed column widths (``table-layout: fixed``) and tabular digits: a number that grows a digit
    does not move anything on the page.
    """
    a, b = game.actors
    width = 130
    cols = f'<col style="width:{width}px">' * (1 + game.shape[1])
    head = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in (f"{a} \\ {b}", *game.strategies[1]))
    rows = []
    for i, s in enumerate(game.strategies[0]):
        cells = [f'<td style="{_CELL}"><b>{escape(s)}</b></td>']
        for j in range(game.shape[1]):
            shade = f";background:{_PREFER_COLOUR}" if (i, j) == mark else ""
            cells.append(f'<td style="{_CELL}{shade}">{number(payoffs[0, i, j])}, {number(payoffs[1, i, j])}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<p>Payoffs ({escape(a)}, {escape(b)}):</p>"
        f'<table class="bargaining-payoffs" style="border-collapse:collapse;margin:0.4em 0;table-layout:fixed;'
        f'width:{width * (1 + game.shape[1])}px">{cols}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


@functools.cache
def _conditionality() -> Scenario:
    return load("conditionality")


@functools.cache
def _default_threshold() -> Threshold:
    """r* of the built-in scenario, found once (under the symbolic deadline) and reused by every view."""
    return best_reply(_conditionality(), principal=PRINCIPAL, target=TARGET, reward="r").threshold


def _picture_for(data: BestReplyMap, formula_latex: str) -> ReplyPicture:
    return ReplyPicture(
        data,
        formula_latex=formula_latex,
        x_label="promised reward r",
        y_label="credibility p",
        title=f"{TARGET}'s best reply to the promised reward",
    )


def conditionality_view(
    r: float,
    c: float,
    p: float,
    *,
    delta: float | None = None,
    tau: float | None = None,
    scenario: Scenario | None = None,
    prepared: Threshold | None = None,
    picture: ReplyPicture | None = None,
) -> ConditionalityView:
    """The payoff table, the target's best reply to the promised reward ``r``, :math:`r^*` and the picture.

    ``scenario`` defaults to the built-in ``conditionality``; ``delta`` and ``tau`` default to its
    values, as do its other parameters. ``prepared`` is a previous view's ``analysis.threshold``
    (the built-in scenario's is kept): the threshold is then solved again from its payoff
    difference rather than from the game. ``picture`` is redrawn in place if given (a demo's one
    figure), else a new one is made. A value outside a parameter's range is a
    :class:`~bargaining.errors.ScenarioError`.
    """
    sc = scenario if scenario is not None else _conditionality()
    given = (
        {"r": r, "c": c, "p": p} | ({} if delta is None else {"delta": delta}) | ({} if tau is None else {"tau": tau})
    )
    values = sc.values(given)
    if prepared is None and scenario is None:
        prepared = _default_threshold()
    reply = (
        best_reply(sc, values, principal=PRINCIPAL, target=TARGET, reward="r")
        if prepared is None
        else live_threshold(prepared, sc).best_reply(values, reward="r")
    )
    r_par, p_par = sc.parameter("r"), sc.parameter("p")
    data = best_reply_map(
        sc,
        TARGET,
        prefer=COMPLY,
        over=DEFY,
        x=("r", np.linspace(r_par.min, r_par.max, _GRID[0])),
        y=("p", np.linspace(p_par.min, p_par.max, _GRID[1])),
        given={PRINCIPAL: PROMISE},
        values=values,
        prepared=reply.threshold,
    )
    best, clears, r_star_value = reply.reply, reply.clears, reply.threshold_value
    formula_latex = f"r^* = {latex(reply.formula)}"
    shown_r, shown_star = shown(values["r"]), shown(r_star_value)
    if shown_r == shown_star and values["r"] != r_star_value:
        shown_r, shown_star = repr(values["r"]), repr(r_star_value)
    verdict = "clears" if clears else "falls short of"
    reply_text = f"{best.capitalize()}: the promised reward r = {shown_r} {verdict} the threshold r* = {shown_star}."
    verdict_html = (
        f'<div class="bargaining-verdict" data-reply="{best}" data-clears="{str(clears).lower()}" '
        f'data-threshold="{r_star_value!r}" data-r="{values["r"]!r}" '
        f'style="font-size:1.15em;min-height:3.2em;font-variant-numeric:tabular-nums"><b>{escape(reply_text)}</b></div>'
    )
    game = sc.normal_form
    payoffs = game.payoff_array(values)
    mark = (game.strategy_index(PRINCIPAL, PROMISE), game.strategy_index(TARGET, best))
    if picture is None:
        picture = _picture_for(data, formula_latex)
    picture.draw(data, (values["r"], values["p"]))
    return ConditionalityView(
        r=values["r"],
        c=values["c"],
        p=values["p"],
        delta=values["delta"],
        tau=values["tau"],
        best_reply=best,
        threshold=r_star_value,
        formula=reply.formula,
        formula_latex=formula_latex,
        clears=clears,
        reply_text=reply_text,
        verdict_html=verdict_html,
        table_html=payoff_table_html(game, payoffs, mark=mark),
        picture=picture,
        values=values,
        payoffs=payoffs,
        analysis=reply,
        map=data,
    )


def slider_step(parameter: Parameter) -> float:
    """Two decimals, or a thousandth of the range rounded to a power of ten, whichever is coarser."""
    span = parameter.max - parameter.min
    if not math.isfinite(span) or span <= 0:
        return 0.01
    return float(10.0 ** max(-2, math.floor(math.log10(span)) - 3))


def parameter_slider(
    parameter: Parameter,
    *,
    label: str | None = None,
    low: float | None = None,
    high: float | None = None,
    continuous: bool = True,
    width: str = "420px",
) -> widgets.FloatSlider:
    """A slider over ``parameter``'s ``[min, max]`` (or ``[low, high]``), starting at its value."""
    lo = parameter.min if low is None else low
    hi = parameter.max if high is None else high
    step = slider_step(Parameter(parameter.name, parameter.value, min=lo, max=hi))
    decimals = max(0, -math.floor(math.log10(step)))
    return widgets.FloatSlider(
        value=parameter.value,
        min=lo,
        max=hi,
        step=step,
        description=label or parameter.name,
        readout_format=f".{decimals}f",
        continuous_update=continuous,
        style={"description_width": "150px"},
        layout=widgets.Layout(width=width),
    )


def read_slider(slider: widgets.FloatSlider) -> float:
    """A slider's value without binary noise: the front end may send 0.30000000000000004 for 0.3."""
    return float(f"{float(slider.value):.12g}")


class Throttle:
    """Run ``draw`` for the latest request, at most once per ``interval`` seconds, the last one always.

    A slider with continuous updates sends a value for every pixel of a drag; drawing each would
    queue the kernel behind the hand. In a running event loop (a Jupyter or Voila kernel) each
    request only marks the state stale, and one draw runs after the messages waiting have been
    read; without a loop (a script, a test) every request draws at once.
    """

    def __init__(self, draw: Callable[[], None], interval: float = 0.0) -> None:
        self._draw = draw
        self.interval = interval
        self._pending = False
        self._last = 0.0

    def __call__(self, _change: object = None) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._draw()
            return
        if self._pending:
            return
        self._pending = True
        delay = max(0.0, self._last + self.interval - time.monotonic())
        loop.call_later(max(delay, 0.005), self._run)

    def _run(self) -> None:
        self._pending = False
        try:
            self._draw()
        finally:
            self._last = time.monotonic()


def _grid(left: Sequence[widgets.Widget], right: widgets.Widget, left_width: int, right_width: int) -> widgets.GridBox:
    """Two fixed columns: controls and text on the left, the picture on the right; nothing moves."""
    column = widgets.VBox(list(left), layout=widgets.Layout(width=f"{left_width}px", overflow="hidden"))
    return widgets.GridBox(
        [column, right],
        layout=widgets.Layout(
            grid_template_columns=f"{left_width}px {right_width}px", grid_gap="0px 16px", align_items="flex-start"
        ),
    )


def conditionality_demo(*, scenario: Scenario | None = None) -> widgets.GridBox:
    """Sliders for r, c, p, delta and tau, redrawing the verdict, the table and the picture as they move.

    Returns an ``ipywidgets.GridBox`` of two fixed columns: on the left the sliders (each over its
    parameter's ``[min, max]``), the threshold as LaTeX (an ``HTMLMath`` widget, typeset once by
    MathJax), the verdict (``HTML``, with its numbers as data attributes) and the payoff table
    (``HTML``); on the right the best-reply picture (an ``Image`` of a fixed-size PNG of one
    figure redrawn in place). The sliders update continuously; redraws are throttled to the
    latest value (:class:`Throttle`), so a drag never queues the kernel.
    """
    sc = scenario if scenario is not None else _conditionality()
    labels = {
        "r": "reward r",
        "c": "cost c",
        "p": "credibility p",
        "delta": "discount factor δ",
        "tau": "delay τ (years)",
    }
    sliders = {name: parameter_slider(sc.parameter(name), label=label) for name, label in labels.items()}
    first = conditionality_view(*(read_slider(sliders[n]) for n in ("r", "c", "p")), scenario=sc)
    prepared, picture = first.analysis.threshold, first.picture
    w, h = picture.size_px
    formula = widgets.HTMLMath(
        value=f"Threshold: $${first.formula_latex}$$", layout=widgets.Layout(width="420px", height="64px")
    )
    verdict = widgets.HTML(first.verdict_html, layout=widgets.Layout(width="420px"))
    table = widgets.HTML(first.table_html, layout=widgets.Layout(width="420px"))
    image = widgets.Image(
        value=first.png(), format="png", width=w, height=h, layout=widgets.Layout(width=f"{w}px", height=f"{h}px")
    )
    image.add_class("bargaining-picture")

    def draw() -> None:
        view = conditionality_view(
            read_slider(sliders["r"]),
            read_slider(sliders["c"]),
            read_slider(sliders["p"]),
            delta=read_slider(sliders["delta"]),
            tau=read_slider(sliders["tau"]),
            scenario=sc,
            prepared=prepared,
            picture=picture,
        )
        verdict.value = view.verdict_html
        table.value = view.table_html
        image.value = view.png()

    redraw = Throttle(draw)
    for slider in sliders.values():
        slider.observe(redraw, names="value")
    demo = _grid([*sliders.values(), formula, verdict, table], image, 440, w)
    demo.add_class("bargaining-demo")
    return demo

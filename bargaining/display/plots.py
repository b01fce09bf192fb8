"""Pictures (matplotlib): they draw results computed elsewhere and return a ``Figure``.

Figures are made with :class:`matplotlib.figure.Figure` directly, not pyplot, so nothing depends
on a global state or a display; Jupyter shows the returned figure, and ``fig.savefig`` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import sympy
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bargaining.analysis.sweep import AnySweep, Sweep
from bargaining.analysis.sweep_deal import DealSweep
from bargaining.analysis.sweep_tree import TreeSweep
from bargaining.analysis.threshold import BestReplyMap
from bargaining.analysis.threshold_line import ThresholdLine
from bargaining.expressions import parameter_symbol

if TYPE_CHECKING:
    from bargaining.analysis.deal import BargainResult
    from bargaining.analysis.incentives import BestReward, ComplianceCurve
    from bargaining.analysis.selection import LearningPath, QuantalResponse

__all__ = [
    "best_reply_figure",
    "compliance_figure",
    "formula_label",
    "learning_figure",
    "outcome_figure",
    "payoff_plane_figure",
    "qre_figure",
    "threshold_figure",
]

FloatArray = npt.NDArray[np.float64]

COLOURS = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974"]


def best_reply_figure(data: BestReplyMap, *, prefer: str = "", over: str = "") -> Figure:
    """Regions of the plane where each strategy is the better reply, and the threshold curve."""
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.add_subplot()
    t = data.threshold
    prefer, over = prefer or t.prefer, over or t.over
    region = (data.difference >= 0).astype(float)
    ax.pcolormesh(
        data.x, data.y, region, cmap=ListedColormap(["#f2d0c4", "#c6dbef"]), vmin=0, vmax=1, shading="nearest"
    )
    if np.isfinite(data.curve_x).any():
        ax.plot(data.curve_x, data.y, color="black", lw=2, label=formula_label(data.x_name, t.formula, t.value))
    ax.set_xlim(data.x.min(), data.x.max())
    ax.set_ylim(data.y.min(), data.y.max())
    ax.set_xlabel(_symbol(data.x_name))
    ax.set_ylabel(_symbol(data.y_name))
    ax.set_title(f"{t.actor}'s best reply: {prefer} (blue) or {over} (red)")
    handles = [Patch(color="#c6dbef", label=prefer), Patch(color="#f2d0c4", label=over)]
    ax.legend(handles=handles + ax.get_legend_handles_labels()[0], loc="best", fontsize=8)
    return fig


def threshold_figure(line: ThresholdLine) -> Figure:
    """The best reply around a threshold (:func:`bargaining.analysis.threshold_line.threshold_line`):
    the payoff difference u(prefer) - u(over) against the parameter, the parameter's values where
    each strategy (or move, or the package) is the better reply shaded, and a vertical line at the
    threshold, its formula in the legend as LaTeX (sympy's, drawn by matplotlib's mathtext)."""
    t = line.threshold
    x, d = np.asarray(line.x, dtype=float), np.asarray(line.difference, dtype=float)
    fig = Figure(figsize=(7.2, 4.4), layout="constrained")
    ax = fig.add_subplot()
    edges = _edges(x)
    prefer, over = t.prefer or "prefer", t.over or "over"
    for colour, where, label in (
        ("#c6dbef", d > 0, f"{prefer} is the better reply"),
        ("#f2d0c4", d < 0, f"{over} is the better reply"),
    ):
        for n, (i, j) in enumerate(_runs(where)):
            ax.axvspan(
                edges[i], edges[j], color=colour, lw=0, gid=f"better:{label.split()[0]}", label=None if n else label
            )
    ax.axhline(0.0, color="grey", lw=0.8)
    ax.plot(x, d, color=COLOURS[0], lw=2, gid="difference", label=f"u({prefer}) − u({over})")
    if t.value is not None and np.isfinite(t.value) and x[0] <= t.value <= x[-1]:
        ax.axvline(
            t.value,
            color="black",
            lw=1.6,
            ls="--",
            gid="threshold",
            label=formula_label(t.parameter, t.formula, t.value),
        )
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(_symbol(t.parameter))
    ax.set_ylabel("payoff difference")
    who = f"{t.actor}: {prefer} or {over}" if t.actor else f"{prefer} or {over}"
    ax.set_title(who + (f" ({t.others})" if t.others else ""), fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=9, ncols=2)
    if line.notes:
        fig.supxlabel(" ".join(line.notes), fontsize=8)
    return fig


def compliance_figure(
    curve: ComplianceCurve,
    *,
    best: BestReward | None = None,
    threshold: float | None = None,
    label: str = "",
) -> Figure:
    """The probability of compliance against the reward (``curve``, from
    :func:`bargaining.analysis.incentives.compliance_curve`), with the principal's best reward
    ``best`` marked and the complete-information threshold ``threshold`` as a dashed line."""
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(curve.rewards, curve.probabilities, color=COLOURS[0], lw=2, label=label or "P(comply)")
    if best is not None and best.reward_value is not None and best.probability_value is not None:
        ax.plot(
            [best.reward_value],
            [best.probability_value],
            "o",
            color="black",
            label=f"the principal's best reward $r^\\circ$ = {best.reward_value:.4g}",
        )
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1, label=f"$r^*$ = {threshold:.4g} (cost known)")
    ax.set_xlabel("reward $r$")
    ax.set_ylabel("probability of compliance")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def outcome_figure(result: AnySweep) -> Figure:
    """The outcome at each grid point, for every game kind (through ``outcome_codes()``): the set of
    equilibria, the subgame-perfect path, or the Nash solution's packages, as a map over two axes.

    Along one axis (the others, if any, of one value) the picture is bands and curves over the
    parameter instead (:func:`_outcome_line`): a normal-form sweep draws one row per equilibrium,
    filled where it is one, above each actor's payoff in it (kept as outcomes: bands of each point's set
    of equilibria, with no payoffs, which were not kept); a tree sweep draws the subgame-perfect
    outcome as bands above the offers on the path and the payoffs; a package-deal sweep draws the
    Nash solution's packages as bands above each solution's payoffs."""
    axes = list(result.axes.items())
    wide = [k for k, (_, v) in enumerate(axes) if len(v) > 1]
    if len(wide) <= 1:
        return _outcome_line(result, wide[0] if wide else 0)
    outcomes, code = result.outcome_codes()
    fig = Figure(figsize=(7.2, 4.4), layout="constrained")
    ax = fig.add_subplot()
    labels = [o["label"] for o in outcomes]
    colours = [COLOURS[g % len(COLOURS)] for g in range(max(1, len(outcomes)))]
    cmap = ListedColormap(colours)
    (xn, xs), (yn, ys) = axes[wide[0]], axes[wide[1]]
    index = [slice(None) if j in wide[:2] else 0 for j in range(len(axes))]
    shown = code[tuple(index)]
    ax.pcolormesh(xs, ys, shown.T.astype(float), cmap=cmap, vmin=-0.5, vmax=len(colours) - 0.5, shading="nearest")
    ax.set_xlabel(_symbol(xn))
    ax.set_ylabel(_symbol(yn))
    handles = [Patch(color=colours[g], label=_short(lbl)) for g, lbl in enumerate(labels)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=7, ncol=1)
    ax.set_title(_sweep_title(result))
    return fig


_SWEEP_TITLES = {
    "normal": "Nash equilibria over the grid",
    "tree": "Subgame-perfect play over the grid",
    "bargain": "The Nash bargaining solution's packages over the grid",
}
_STYLES = ["-", "--", ":", "-."]


def _sweep_title(result: AnySweep) -> str:
    """The title of a sweep's picture: by its kind, or what a point-by-point sweep's labels are."""
    what = getattr(result, "what", "")
    return _SWEEP_TITLES.get(result.kind, f"{what[:1].upper()}{what[1:]} over the grid" if what else "Over the grid")


def _along(values: npt.ArrayLike, k: int, n_axes: int) -> FloatArray:
    """The values of a grid array (grid shape, then any trailing dimensions) along axis ``k``, the
    other axes (one value each) dropped."""
    arr = np.asarray(values, dtype=float)
    index = tuple(slice(None) if j == k else 0 for j in range(n_axes))
    return np.asarray(arr[index], dtype=float)


def _edges(xs: FloatArray) -> FloatArray:
    """Cell edges around sorted grid values: half-way between neighbours, half a step beyond the ends."""
    if len(xs) == 1:
        return np.array([xs[0] - 0.5, xs[0] + 0.5])
    mid = (xs[:-1] + xs[1:]) / 2
    return np.concatenate([[2 * xs[0] - mid[0]], mid, [2 * xs[-1] - mid[-1]]])


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """The maximal runs ``[i, j)`` of True in ``mask``.

    >>> _runs(np.array([True, True, False, True]))
    [(0, 2), (3, 4)]
    """
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    change = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(change[i]), int(change[i + 1])) for i in range(0, len(change), 2)]


def _bands(ax: Axes, edges: FloatArray, codes: npt.NDArray[np.int64], labels: Sequence[str]) -> None:
    """Coloured bands along x, one colour per outcome code, each run of one code one patch
    (``gid`` ``outcome:<code>``), the first of each code named in the legend."""
    for g in range(len(labels)):
        for n, (i, j) in enumerate(_runs(codes == g)):
            ax.axvspan(
                edges[i],
                edges[j],
                color=COLOURS[g % len(COLOURS)],
                lw=0,
                gid=f"outcome:{g}",
                label=None if n else _short(labels[g]),
            )


def _outcome_line(result: AnySweep, k: int) -> Figure:
    """One swept axis (axis ``k``): bands of the outcome and curves of the numbers over it."""
    names = list(result.axes)
    name, raw = names[k], np.asarray(result.axes[names[k]], dtype=float)
    n_axes = len(names)
    order = np.argsort(raw, kind="stable")
    xs = raw[order]
    edges = _edges(xs)
    fig = Figure(figsize=(7.6, 6.4), layout="constrained")
    if isinstance(result, Sweep) and result.kept != "outcomes":
        labels = [result.label(c) for c in range(len(result.candidates))]
        valid = np.stack([_along(result.valid[c], k, n_axes)[order] > 0 for c in range(len(labels))])
        rows = [c for c in range(len(labels)) if valid[c].any()]
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(max(1, len(rows)) * 0.5 + 0.6, 3))
        for r, c in enumerate(rows):
            colour = COLOURS[r % len(COLOURS)]
            for i, j in _runs(valid[c]):
                top.fill_between([edges[i], edges[j]], r - 0.4, r + 0.4, color=colour, lw=0, gid=f"equilibrium:{c}")
            for a, actor in enumerate(result.game.actors):
                ys = _along(result.payoffs[c][..., a], k, n_axes)[order]
                ys = np.where(valid[c], ys, np.nan)
                bottom.plot(
                    xs,
                    ys,
                    color=colour,
                    ls=_STYLES[a % len(_STYLES)],
                    lw=1.8,
                    marker="." if len(xs) <= 40 else None,
                    gid=f"payoff:{c}:{actor}",
                    label=f"{actor} in #{r + 1}",
                )
        top.set_yticks(range(len(rows)), [f"#{r + 1}" for r in range(len(rows))])
        top.set_ylim(len(rows) - 0.5, -0.5)
        top.set_ylabel("equilibrium", fontsize=8)
        top.legend(
            handles=[
                Patch(color=COLOURS[r % len(COLOURS)], label=f"#{r + 1} {_short(labels[c])}")
                for r, c in enumerate(rows)
            ],
            loc="lower center",
            bbox_to_anchor=(0.5, 1.02),
            fontsize=7,
            ncol=1,
            frameon=False,
            title=_sweep_title(result) + " (filled where each is one)",
            title_fontsize=10,
        )
        bottom.set_ylabel("payoff in the equilibrium")
        degenerate = int((_along(result.degenerate, k, n_axes) > 0).sum())
        if degenerate:
            bottom.set_title(f"the game is degenerate at {degenerate} of {len(xs)} points", fontsize=8)
    else:
        outcomes, code = result.outcome_codes()
        labels = [o["label"] for o in outcomes]
        line = _along(code, k, n_axes)[order].astype(np.int64)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1, 3))
        _bands(top, edges, line, labels)
        top.set_yticks([])
        top.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.02),
            fontsize=7,
            ncol=1,
            frameon=False,
            title=_sweep_title(result),
            title_fontsize=10,
        )
        if isinstance(result, TreeSweep):
            for j, (actor, v) in enumerate(result.payoffs.items()):
                bottom.plot(
                    xs,
                    _along(v, k, n_axes)[order],
                    color=COLOURS[j % len(COLOURS)],
                    lw=1.8,
                    gid=f"payoff:{actor}",
                    label=f"payoff of {actor}",
                )
            for j, (param, v) in enumerate(result.offers.items()):
                ys = _along(v, k, n_axes)[order]
                if np.isfinite(ys).any():
                    bottom.plot(
                        xs,
                        ys,
                        color="black",
                        lw=1.5,
                        ls=_STYLES[j % len(_STYLES)],
                        gid=f"offer:{param}",
                        label=f"offer {_symbol(param)} on the path",
                    )
            bottom.set_ylabel("payoff, offer")
        elif isinstance(result, DealSweep):
            actors = result.problem.actors
            for j, solution in enumerate(result.solutions):
                for a, actor in enumerate(actors):
                    bottom.plot(
                        xs,
                        _along(result.payoffs[solution][actor], k, n_axes)[order],
                        color=COLOURS[j % len(COLOURS)],
                        ls=_STYLES[a % len(_STYLES)],
                        lw=2.4 if solution == "nash" else 1.3,
                        gid=f"payoff:{solution}:{actor}",
                        label=f"{actor}, {_SOLUTION_NAMES.get(solution, solution)}",
                    )
            bottom.set_ylabel("utility under each solution")
    bottom.set_xlim(edges[0], edges[-1])
    bottom.set_xlabel(_symbol(name))
    if bottom.get_legend_handles_labels()[0]:
        bottom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=7, ncols=3)
    return fig


_SOLUTION_NAMES = {
    "nash": "Nash",
    "nash_weighted": "Nash (weighted)",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
    "egalitarian": "egalitarian",
    "utilitarian": "utilitarian",
    "rubinstein": "Rubinstein",
}


def _symbol(name: str) -> str:
    """A parameter's name as mathtext (``delta`` -> ``$\\delta$``, ``p_KZ`` -> ``$p_{KZ}$``)."""
    return _mathtext(sympy.latex(parameter_symbol(name)), plain=name)


def _mathtext(latex: str, *, plain: str) -> str:
    """``$latex$`` when matplotlib's mathtext can draw it, else ``plain`` (sympy's LaTeX for a
    piecewise formula or a matrix goes beyond mathtext)."""
    from matplotlib.mathtext import MathTextParser

    text = f"${latex}$"
    try:
        MathTextParser("path").parse(text)
    except ValueError:
        return plain
    return text


def formula_label(parameter: str, formula: sympy.Expr | None, value: float | None) -> str:
    r"""``$r^{\ast} = \frac{c}{p}$ = 1.625``: a threshold as mathtext for a legend (sympy's LaTeX), its
    value after it; the plain formula where mathtext cannot draw sympy's LaTeX.

    >>> formula_label("r", sympy.Symbol("c") / sympy.Symbol("p"), 1.625)
    '$r^{\\ast} = \\frac{c}{p}$ = 1.625'
    """
    head = sympy.latex(parameter_symbol(parameter)) + "^{\\ast}"
    shown = f"{value:.4g}" if value is not None else "—"
    if formula is None:
        return _mathtext(head, plain=f"{parameter}*") + f" ≈ {shown} (numeric root)"
    text = _mathtext(f"{head} = {sympy.latex(formula)}", plain=f"{parameter}* = {formula}")
    return f"{text} = {shown}"


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def payoff_plane_figure(result: BargainResult, *, solutions: Sequence[str] | None = None) -> Figure:
    """A package deal in the payoff plane: packages, lottery set, frontier, disagreement and solutions.

    Every package of ``result`` is a labelled point; a package's label joins one short code per
    issue, ``0`` for the issue's status quo (its first option) and the initials of the option's
    words otherwise (``facilitation`` -> ``F``, ``with_tcn`` -> ``WT``); the key is printed under
    the plot. The lottery set (the convex hull of the packages) is shaded, the Pareto frontier
    (``result.frontier``) is a thick line, dashed lines through the disagreement point bound the
    individually rational region, and each solution in ``solutions`` (default: all of
    ``result.solutions``, in their order) is marked and named in the legend. When the solutions lie
    close together, a second panel enlarges them and names each one beside its mark.

    Artists carry a ``gid``: ``package:<index>``, ``solution:<name>``, ``frontier``,
    ``lottery_set`` and ``disagreement`` in the main panel, the same prefixed with ``zoom:`` in the
    enlargement.
    """
    p = result.problem
    points = np.asarray(result.points, dtype=float)
    d = np.asarray(result.disagreement, dtype=float)
    chosen = list(result.solutions) if solutions is None else list(solutions)
    unknown = [name for name in chosen if name not in result.solutions]
    if unknown:
        raise ValueError(f"no solution {unknown[0]!r} in the result; it has {', '.join(result.solutions)}")
    names = {
        "nash": "Nash",
        "nash_weighted": "Nash (weighted)",
        "kalai_smorodinsky": "Kalai–Smorodinsky",
        "egalitarian": "egalitarian",
        "utilitarian": "utilitarian",
        "rubinstein": "Rubinstein",
    }
    markers = ["*", "D", "s", "^", "v", "P", "h", "<", ">"]

    codes: list[dict[str, str]] = []  # per issue: option -> short code
    for issue in p.issues:
        short = {issue.options[0]: "0"}
        for o in issue.options[1:]:
            initials = "".join(w[0] for w in o.split("_") if w).upper()
            short[o] = o if not initials or initials in short.values() else initials
        codes.append(short)
    labels = [",".join(c[o] for c, o in zip(codes, p.package(k).values(), strict=True)) for k in range(len(points))]

    # the lottery set: the convex hull of the packages (Andrew's monotone chain, for the shading only)
    order = sorted(range(len(points)), key=lambda k: (points[k, 0], points[k, 1]))
    hull: list[int] = []
    for sweep in (order, order[::-1]):
        chain: list[int] = []
        for k in sweep:
            while len(chain) >= 2:
                a, b = points[chain[-2]], points[chain[-1]]
                if (b[0] - a[0]) * (points[k, 1] - a[1]) - (b[1] - a[1]) * (points[k, 0] - a[0]) <= 0:
                    chain.pop()
                else:
                    break
            chain.append(k)
        hull += chain[:-1]
    frontier = np.asarray(result.frontier.coordinates, dtype=float)

    tags: dict[str, str] = {}  # names beside the marks in the enlargement; solutions at one point share one
    for name in chosen:
        first = next(m for m in chosen if np.allclose(result.solutions[m].point, result.solutions[name].point))
        tags[first] = tags[first] + " = " + names.get(name, name) if first in tags else names.get(name, name)

    def draw(ax: Axes, prefix: str, zoomed: bool) -> None:
        if len(hull) >= 3:
            ax.fill(
                points[hull, 0],
                points[hull, 1],
                color="#c6dbef",
                alpha=0.6,
                lw=0,
                gid=f"{prefix}lottery_set",
                label="lotteries over packages",
            )
        ax.plot(
            frontier[:, 0],
            frontier[:, 1],
            color=COLOURS[0],
            lw=3.5,
            solid_capstyle="round",
            zorder=2,
            gid=f"{prefix}frontier",
            label="Pareto frontier",
        )
        ax.axvline(d[0], color="grey", ls="--", lw=0.8, zorder=1)
        ax.axhline(d[1], color="grey", ls="--", lw=0.8, zorder=1)
        for k, (x, y) in enumerate(points):
            ax.plot([x], [y], "o", color="#404040", ms=6, zorder=3, gid=f"{prefix}package:{k}", label="_packages")
            ax.annotate(labels[k], (x, y), xytext=(5, 5), textcoords="offset points", fontsize=9)
        ax.plot(
            [d[0]],
            [d[1]],
            "X",
            color="black",
            ms=10,
            zorder=4,
            gid=f"{prefix}disagreement",
            label=f"disagreement ({d[0]:.4g}, {d[1]:.4g})",
        )
        for n, name in enumerate(chosen):
            s = result.solutions[name]
            title = names.get(name, name) + (f" ({result.proposer} proposes first)" if name == "rubinstein" else "")
            ax.plot(
                [s.point[0]],
                [s.point[1]],
                markers[n % len(markers)],
                color=COLOURS[(n + 1) % len(COLOURS)],
                mec="black",
                mew=0.6,
                ms=13 if n == 0 else 9,
                zorder=5 + n,
                gid=f"{prefix}solution:{name}",
                label=f"{title} ({s.point[0]:.4g}, {s.point[1]:.4g})" + ("" if s.lottery else ", no agreement"),
            )
            if zoomed and name in tags:
                ax.annotate(
                    tags[name],
                    (s.point[0], s.point[1]),
                    xytext=(9, -3 - 11 * (n % 2)),
                    textcoords="offset points",
                    fontsize=8,
                )

    shown = np.array([result.solutions[name].point for name in chosen], dtype=float).reshape(-1, 2)
    span = np.ptp(np.vstack([points, d[None, :]]), axis=0)
    span = np.where(span > 0, span, 1.0)
    lo, hi = (shown.min(axis=0), shown.max(axis=0)) if len(shown) else (d, d)
    zoom = len(shown) >= 2 and bool(np.all(hi - lo < 0.2 * span))

    fig = Figure(figsize=(12.0, 6.2) if zoom else (8.0, 6.4), layout="constrained")
    if zoom:
        main, enlarged = fig.subplots(1, 2, width_ratios=(3, 2))
    else:
        main, enlarged = fig.add_subplot(), None
    draw(main, "", False)
    a1, a2 = p.actors
    main.set_xlabel(f"utility of {a1}")
    main.set_ylabel(f"utility of {a2}")
    main.set_title(f"Packages and lotteries in the payoff plane ({a1}, {a2})")
    handles, texts = main.get_legend_handles_labels()
    package_handle = next((line for line in main.get_lines() if line.get_gid() == "package:0"), None)
    if package_handle is not None:
        at = texts.index("Pareto frontier") + 1
        handles.insert(at, package_handle)
        texts.insert(at, "packages")
    if enlarged is not None:
        draw(enlarged, "zoom:", True)
        pad = np.maximum(hi - lo, 0.02 * span) * 0.6
        enlarged.set_xlim(lo[0] - pad[0], hi[0] + pad[0] * 1.6)
        enlarged.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        enlarged.set_xlabel(f"utility of {a1}")
        enlarged.set_ylabel(f"utility of {a2}")
        enlarged.set_title("the solutions, enlarged")
        main.indicate_inset(
            (lo[0] - pad[0], lo[1] - pad[1], hi[0] - lo[0] + 2.6 * pad[0], hi[1] - lo[1] + 2 * pad[1]),
            edgecolor="black",
        )
        enlarged.legend(handles, texts, loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=8, ncols=2)
    else:
        main.legend(handles, texts, loc="best", fontsize=8, framealpha=0.9)
    key = [
        f"{issue.id}: " + ", ".join(f"{c[o]} = {o}" for o in issue.options)
        for issue, c in zip(p.issues, codes, strict=True)
    ]
    fig.supxlabel(f"packages ({', '.join(i.id for i in p.issues)}).  " + ";  ".join(key), fontsize=8)
    return fig


def qre_figure(result: QuantalResponse) -> Figure:
    """The logit QRE principal branch (:func:`bargaining.analysis.selection.quantal_response`): each
    actor's strategy probabilities against λ on a log axis (λ = 0, uniform play, is the left end's
    value), the equilibrium the trace ends at as dotted lines and markers, bifurcations dashed."""
    fig = Figure(figsize=(9.6, 4.0), layout="constrained")
    axes = fig.subplots(1, len(result.actors), sharey=True, squeeze=False)[0]
    lambdas = np.asarray(result.lambdas)
    shown = lambdas > 0
    chosen = result.equilibria[result.selected] if result.selected is not None else None
    for i, (ax, actor) in enumerate(zip(axes, result.actors, strict=True)):
        probs = np.asarray(result.probabilities[i])
        for j, strategy in enumerate(result.strategies[i]):
            colour = COLOURS[j % len(COLOURS)]
            ax.plot(lambdas[shown], probs[shown, j], color=colour, lw=2, label=strategy)
            if chosen is not None:
                p = chosen.probabilities[i][j]
                ax.axhline(p, color=colour, ls=":", lw=1)
                ax.plot([lambdas[-1]], [p], "o", color=colour, mec="black")
        for b in result.bifurcations:
            ax.axvline(b, color="black", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("precision λ (log scale)")
        ax.set_title(actor)
        ax.legend(loc="best", fontsize=8, title="strategy", title_fontsize=8)
    axes[0].set_ylabel("probability")
    if chosen is not None and result.selected is not None:
        what = f"ends at equilibrium #{result.selected + 1} (dots)"
        if not result.bifurcations:
            what = f"selects equilibrium #{result.selected + 1} (dots)"
    elif result.component is not None:
        what = f"selects a point of the continuum #{result.component + 1}"
    else:
        what = "ends at no extreme equilibrium"
    extra = "; dashed: a bifurcation" if result.bifurcations else ""
    fig.suptitle(f"Logit QRE principal branch: the tracing {what}{extra}", fontsize=11)
    return fig


def learning_figure(result: LearningPath) -> Figure:
    """A learning run (:func:`bargaining.analysis.selection.fictitious_play` or
    :func:`~bargaining.analysis.selection.replicator_dynamics`): each actor's mixture over time
    (iterations on a log axis for fictitious play), the nearest equilibrium dotted; for a 2x2 game
    also the path in the plane of the two actors' first strategies, with every equilibrium marked."""
    two_by_two = all(len(s) == 2 for s in result.strategies)
    fig = Figure(figsize=(12.8 if two_by_two else 9.6, 4.0), layout="constrained")
    axes = fig.subplots(1, len(result.actors) + (1 if two_by_two else 0), squeeze=False)[0]
    times = np.asarray(result.times)
    near = result.equilibria[result.nearest] if result.nearest is not None else None
    fictitious = result.dynamic == "fictitious play"
    for i, actor in enumerate(result.actors):
        ax = axes[i]
        path = np.asarray(result.paths[i])
        for j, strategy in enumerate(result.strategies[i]):
            colour = COLOURS[j % len(COLOURS)]
            ax.plot(times, path[:, j], color=colour, lw=1.5, label=strategy)
            if near is not None:
                ax.axhline(near.probabilities[i][j], color=colour, ls=":", lw=1)
        if fictitious and times.min() > 0:
            ax.set_xscale("log")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("iteration" if fictitious else "time")
        ax.set_ylabel("empirical frequency" if fictitious else "population share")
        ax.set_title(actor)
        ax.legend(loc="best", fontsize=8, title="strategy", title_fontsize=8)
    if two_by_two:
        ax = axes[-1]
        xs, ys = np.asarray(result.paths[0])[:, 0], np.asarray(result.paths[1])[:, 0]
        ax.plot(xs, ys, color=COLOURS[0], lw=1)
        ax.plot([xs[0]], [ys[0]], "s", color=COLOURS[0], label="start")
        ax.plot([xs[-1]], [ys[-1]], "o", color=COLOURS[0], mec="black", label="end")
        for k, eq in enumerate(result.equilibria):
            ax.plot([eq.probabilities[0][0]], [eq.probabilities[1][0]], "x", color="black", ms=9)
            ax.annotate(
                f"#{k + 1}",
                (eq.probabilities[0][0], eq.probabilities[1][0]),
                textcoords="offset points",
                xytext=(5, 5),
                fontsize=8,
            )
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_aspect("equal")
        ax.set_xlabel(f"P({result.actors[0]} plays {result.strategies[0][0]})")
        ax.set_ylabel(f"P({result.actors[1]} plays {result.strategies[1][0]})")
        ax.set_title("path (x: the equilibria)")
        ax.legend(loc="best", fontsize=8)
    if result.equilibrium is not None:
        verdict = f"reaches equilibrium #{result.equilibrium + 1}"
    else:
        verdict = f"not within {result.tol:g} of an equilibrium"
    fig.suptitle(f"{result.dynamic.capitalize()} (seed {result.seed}): {verdict}", fontsize=11)
    return fig

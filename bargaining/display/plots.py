"""Pictures (matplotlib): they draw results computed elsewhere and return a ``Figure``.

Figures are made with :class:`matplotlib.figure.Figure` directly, not pyplot, so nothing depends
on a global state or a display; Jupyter shows the returned figure, and ``fig.savefig`` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bargaining.analysis.sweep import AnySweep
from bargaining.analysis.threshold import BestReplyMap

if TYPE_CHECKING:
    from bargaining.analysis.deal import BargainResult
    from bargaining.analysis.incentives import BestReward, ComplianceCurve
    from bargaining.analysis.selection import LearningPath, QuantalResponse

__all__ = [
    "best_reply_figure",
    "compliance_figure",
    "learning_figure",
    "outcome_figure",
    "payoff_plane_figure",
    "qre_figure",
]

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
        ax.plot(data.curve_x, data.y, color="black", lw=2, label=f"threshold {data.x_name}* = {t.formula}")
    ax.set_xlim(data.x.min(), data.x.max())
    ax.set_ylim(data.y.min(), data.y.max())
    ax.set_xlabel(data.x_name)
    ax.set_ylabel(data.y_name)
    ax.set_title(f"{t.actor}'s best reply: {prefer} (blue) or {over} (red)")
    handles = [Patch(color="#c6dbef", label=prefer), Patch(color="#f2d0c4", label=over)]
    ax.legend(handles=handles + ax.get_legend_handles_labels()[0], loc="best", fontsize=8)
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
            label=f"the principal's best reward r° = {best.reward_value:.4g}",
        )
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1, label=f"r* = {threshold:.4g} (cost known)")
    ax.set_xlabel("reward r")
    ax.set_ylabel("probability of compliance")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def outcome_figure(result: AnySweep) -> Figure:
    """The outcome at each grid point, for every game kind (through ``outcome_codes()``): the set of
    equilibria, the subgame-perfect path, or the Nash solution's packages. A map over two axes; a
    strip of coloured bands along one (with the offers on the path drawn over it for a tree)."""
    outcomes, code = result.outcome_codes()
    fig = Figure(figsize=(7.2, 4.4), layout="constrained")
    ax = fig.add_subplot()
    labels = [o["label"] for o in outcomes]
    colours = [COLOURS[g % len(COLOURS)] for g in range(max(1, len(outcomes)))]
    cmap = ListedColormap(colours)
    axes = list(result.axes.items())
    wide = [k for k, (_, v) in enumerate(axes) if len(v) > 1]
    if len(wide) <= 1:  # one axis that varies: bands along it
        k = wide[0] if wide else 0
        name, xs = axes[k]
        line = np.moveaxis(code, k, 0).reshape(len(xs), -1)[:, 0]
        order = np.argsort(xs, kind="stable")
        xs_sorted, line = np.asarray(xs)[order], line[order]
        half = (xs_sorted[-1] - xs_sorted[0]) / (2 * (len(xs_sorted) - 1)) if len(xs_sorted) > 1 else 0.5
        edges = np.concatenate([[xs_sorted[0] - half], (xs_sorted[:-1] + xs_sorted[1:]) / 2, [xs_sorted[-1] + half]])
        for i, g in enumerate(line):
            ax.axvspan(edges[i], edges[i + 1], color=colours[int(g) % len(colours)], lw=0)
        ax.set_xlim(edges[0], edges[-1])
        ax.set_yticks([])
        ax.set_xlabel(name)
        offers = getattr(result, "offers", None)
        if offers:
            twin = ax.twinx()
            for j, (p, v) in enumerate(offers.items()):
                ys = np.moveaxis(np.asarray(v), k, 0).reshape(len(xs), -1)[:, 0][order]
                if np.isfinite(ys).any():
                    twin.plot(
                        xs_sorted, ys, color="black", lw=1.5, ls=["-", "--", ":", "-."][j % 4], label=f"offer {p}"
                    )
            twin.set_ylabel("offer on the path")
            if twin.get_legend_handles_labels()[0]:
                twin.legend(loc="upper right", fontsize=7)
    else:
        (xn, xs), (yn, ys) = axes[wide[0]], axes[wide[1]]
        index = [slice(None) if j in wide[:2] else 0 for j in range(len(axes))]
        shown = code[tuple(index)]
        ax.pcolormesh(xs, ys, shown.T.astype(float), cmap=cmap, vmin=-0.5, vmax=len(colours) - 0.5, shading="nearest")
        ax.set_xlabel(xn)
        ax.set_ylabel(yn)
    handles = [Patch(color=colours[g], label=_short(lbl)) for g, lbl in enumerate(labels)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=7, ncol=1)
    title = {
        "normal": "Nash equilibria over the grid",
        "tree": "Subgame-perfect play over the grid",
        "bargain": "The Nash bargaining solution's packages over the grid",
    }[result.kind]
    ax.set_title(title)
    return fig


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

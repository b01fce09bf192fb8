"""Pictures for games with beliefs: a tree whose information sets stay apart when they share a level.

:func:`~bargaining.display.tree.tree_figure` joins the nodes of an information set by a straight dashed
line. When two sets sit on one level and interleave, as the receiver's sets do in every two-type,
two-message signalling tree (docs/models.md#signalling-and-perfect-bayesian-equilibrium), the two
lines overlap and read as one. :func:`information_sets_figure` draws the same tree and redraws each
such line as dashed arcs in a colour of its own, bending the sets alternately above and below the
level, with a legend naming each set. A face: it computes nothing.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bargaining.analysis.subgame import SubgamePerfect
from bargaining.display.tree import tree_figure
from bargaining.games.tree import TreeGame

__all__ = ["information_sets_figure"]

SET_COLOURS = ("#7b3294", "#008837", "#c2a5cf", "#a6dba0", "#e66101", "#5e3c99")
"""Colours of the information sets, in the order the tree lists them."""


def information_sets_figure(
    tree: TreeGame,
    solution: SubgamePerfect | None = None,
    *,
    width: float | None = None,
    bend: float = 0.3,
) -> Figure:
    """The tree as :func:`~bargaining.display.tree.tree_figure` draws it, each information set of several
    nodes drawn as dashed arcs in its own colour (``gid`` ``"infoset:NAME"`` kept) and named in a legend.

    ``width`` (inches) widens the figure so that the leaves' payoffs do not overlap; ``bend`` is the
    arcs' height in levels, the k-th set bending up for even k and down for odd k.

    >>> from bargaining.io.scenario_file import load
    >>> fig = information_sets_figure(load("conditionality_signalling").game.tree(), width=12)
    >>> sorted(str(line.get_gid()) for line in fig.axes[0].lines if str(line.get_gid()).startswith("infoset:"))
    ['infoset:after_reform', 'infoset:after_wait']
    >>> round(float(fig.get_size_inches()[0]), 1)
    12.0
    """
    fig = tree_figure(tree, solution)
    if width is not None:
        fig.set_size_inches(width, fig.get_size_inches()[1])
    ax = fig.axes[0]
    sets = [line for line in ax.lines if str(line.get_gid()).startswith("infoset:")]
    legend = ax.get_legend()
    handles = [h for h in legend.legend_handles if h is not None] if legend is not None else []
    for k, line in enumerate(sets):
        name = str(line.get_gid()).removeprefix("infoset:")
        xs = np.asarray(line.get_xdata(), dtype=float)
        ys = np.asarray(line.get_ydata(), dtype=float)
        colour = SET_COLOURS[k % len(SET_COLOURS)]
        height = bend if k % 2 == 0 else -bend
        t = np.linspace(0.0, 1.0, 41)
        arc_x: list[float] = []
        arc_y: list[float] = []
        for j in range(len(xs) - 1):
            arc_x.extend(xs[j] + (xs[j + 1] - xs[j]) * t)
            arc_y.extend(ys[j] + (ys[j + 1] - ys[j]) * t + height * np.sin(np.pi * t))
        line.set_data(arc_x, arc_y)
        line.set_color(colour)
        line.set_linewidth(1.8)
        handles.append(Line2D([], [], color=colour, lw=1.8, ls=(0, (4, 3)), label=f"information set {name}"))
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    return fig

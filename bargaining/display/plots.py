"""Pictures (matplotlib): they draw results computed elsewhere and return a ``Figure``.

Figures are made with :class:`matplotlib.figure.Figure` directly, not pyplot, so nothing depends
on a global state or a display; Jupyter shows the returned figure, and ``fig.savefig`` writes it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bargaining.sweep import Sweep
from bargaining.threshold import BestReplyMap

__all__ = ["best_reply_figure", "compliance_figure", "outcome_figure"]

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
    rewards: npt.NDArray[np.float64],
    probabilities: npt.NDArray[np.float64],
    *,
    threshold: float | None = None,
    label: str = "",
) -> Figure:
    """The probability of compliance against the reward, with the complete-information threshold."""
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(rewards, probabilities, color=COLOURS[0], lw=2, label=label or "P(comply)")
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1, label=f"r* = {threshold:.4g} (cost known)")
    ax.set_xlabel("reward r")
    ax.set_ylabel("probability of compliance")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def outcome_figure(result: Sweep) -> Figure:
    """The set of equilibria at each grid point: bands along one axis, a map over two."""
    outcomes, code = result.outcome_codes()
    fig = Figure(figsize=(7.2, 4.4), layout="constrained")
    ax = fig.add_subplot()
    labels = [" | ".join(o["equilibria"]) or "none" for o in outcomes]
    cmap = ListedColormap(COLOURS[: max(1, len(outcomes))])
    axes = list(result.axes.items())
    if len(axes) == 1:
        ((name, xs),) = axes
        ax.pcolormesh(
            xs, [0.0], code[None, :].astype(float), cmap=cmap, vmin=-0.5, vmax=len(outcomes) - 0.5, shading="nearest"
        )
        ax.set_yticks([])
        ax.set_xlabel(name)
    else:
        (xn, xs), (yn, ys) = axes[0], axes[1]
        shown = code if code.ndim == 2 else code.reshape(len(xs), len(ys), -1)[..., 0]
        ax.pcolormesh(xs, ys, shown.T.astype(float), cmap=cmap, vmin=-0.5, vmax=len(outcomes) - 0.5, shading="nearest")
        ax.set_xlabel(xn)
        ax.set_ylabel(yn)
    handles = [Patch(color=COLOURS[g % len(COLOURS)], label=_short(lbl)) for g, lbl in enumerate(labels)]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.15), fontsize=7, ncol=1)
    ax.set_title("Nash equilibria over the grid")
    return fig


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

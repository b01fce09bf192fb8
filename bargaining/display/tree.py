r"""Game trees drawn: a plain-text tree for the command line and a layered matplotlib figure.

Both are faces: they draw a :class:`~bargaining.games.tree.TreeGame` and, if given, its
:class:`~bargaining.analysis.subgame.SubgamePerfect` solution computed elsewhere; they solve nothing. With a
solution, the move :math:`\sigma(h)` of the subgame-perfect plan is marked at every decision node
:math:`h`, on the path of play or off it (``▶`` in text; thick and coloured in the figure, thickest
along the path), every offer node shows the number its actor chooses, chance nodes show their
probabilities, and every outcome :math:`z` shows the payoffs :math:`u_i(z)` evaluated at the
solution's parameter values :math:`\theta`, with the numbers :math:`v` chosen at the offer nodes
above :math:`z` substituted (as the solver evaluates them). Without a solution, payoffs and
probabilities are shown as formulas.

A node that several moves lead to is drawn once, under its shallowest occurrence; the others refer
to it. Large trees are drawn to their first levels only, and the drawing says how many nodes and
outcomes were left out. Both functions walk the tree with explicit stacks, so any depth is safe.

>>> import bargaining
>>> from bargaining.analysis.subgame import subgame_perfect
>>> scenario = bargaining.load("eu_russia_offer")
>>> print(tree_text(scenario.game, subgame_perfect(scenario)))
eu (EU)
├── offer ▶ eu_offer (EU offers v in [0, v_cap]: 0.49366)
│   └── ru (RU, tie)
│       ├── accept ▶ deal: EU 1.71236, RU 0.5
│       └── reject   no_deal: EU 0, RU 0.5
└── no_offer   status_quo: EU 0, RU 0.5
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import sympy

from bargaining.analysis.result import clean_number
from bargaining.analysis.subgame import SubgamePerfect
from bargaining.display.numbers import number
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["tree_figure", "tree_text"]

MARK = "▶"
HIGHLIGHT = "#C44E52"
EDGE = "#9a9a9a"

Kind = Literal["node", "outcome", "ref"]


@dataclass(frozen=True)
class _Item:
    """A line of the text, a drawn node of the figure: a node, an outcome, or a reference to a node drawn elsewhere."""

    target: str
    kind: Kind
    depth: int
    parent: int  # index of the parent item; -1 for the root
    move: int  # index of the move at the parent that leads here; -1 for the root
    offers: Mapping[str, float]  # parameter -> number chosen at the offer nodes above (with a solution)
    prefix: str  # the tree-drawing characters before this item's text
    child_prefix: str  # ... and before its children's
    below: int  # items left out under a node whose moves are cut off by the depth limit


@dataclass(frozen=True)
class _Shape:
    items: list[_Item]  # in pre-order: a parent before its children, children in the order of the moves
    children: list[list[int]]
    cut: int | None  # the last level shown, None when everything is
    hidden_nodes: int
    hidden_outcomes: int


def _shape(tree: TreeGame, solution: SubgamePerfect | None, max_items: int, max_depth: int) -> _Shape:
    """What to draw: the tree (a node under its shallowest occurrence) down to the level that fits."""
    depth = {tree.root: 0}
    primary: dict[str, tuple[str, int]] = {}
    bfs = [tree.root]
    i = 0
    while i < len(bfs):
        nid = bfs[i]
        i += 1
        for k, (_, target) in enumerate(tree.moves_at(nid)):
            if target in tree.nodes and target not in depth:
                depth[target] = depth[nid] + 1
                primary[target] = (nid, k)
                bfs.append(target)
    per_level: Counter[int] = Counter({0: 1})  # items (nodes, outcomes, references) per level
    nodes_at = Counter(depth.values())
    for nid in bfs:
        per_level[depth[nid] + 1] += len(tree.moves_at(nid))
    last = max(per_level)
    cut: int | None = None
    if sum(per_level.values()) > max_items or last > max_depth:
        # the deepest level whose items, a "more below" line per node on it and a summary line all fit
        cut, seen = 0, 1
        while cut < min(last, max_depth) and seen + per_level[cut + 1] + nodes_at[cut + 1] + 1 <= max_items:
            cut += 1
            seen += per_level[cut]
        cut = max(cut, 1)
    # items under each node, children before parents (reverse breadth-first order)
    size: dict[str, int] = {}
    for nid in reversed(bfs):
        size[nid] = sum(
            1 + (size[t] if primary.get(t) == (nid, k) else 0) for k, (_, t) in enumerate(tree.moves_at(nid))
        )
    hidden_nodes = hidden_outcomes = 0
    if cut is not None:
        hidden_nodes = sum(1 for d in depth.values() if d > cut)
        hidden_outcomes = sum(
            1 for nid in bfs if depth[nid] >= cut for _, t in tree.moves_at(nid) if t in tree.outcomes
        )

    items: list[_Item] = []
    children: list[list[int]] = []
    # (target, kind, depth, parent item, move index, offers above, own prefix, children's prefix)
    stack: list[tuple[str, Kind, int, int, int, Mapping[str, float], str, str]] = [
        (tree.root, "node", 0, -1, -1, {}, "", "")
    ]
    while stack:
        target, kind, d, parent, move, offers, prefix, child_prefix = stack.pop()
        index = len(items)
        children.append([])
        if parent >= 0:
            children[parent].append(index)
        expand = kind == "node" and (cut is None or d < cut)
        below = size[target] if kind == "node" and not expand else 0
        items.append(_Item(target, kind, d, parent, move, offers, prefix, child_prefix, below))
        if not expand:
            continue
        node = tree.nodes[target]
        if isinstance(node, OfferNode) and solution is not None and target in solution.all_offers:
            offers = {**offers, node.parameter: solution.all_offers[target]}
        moves = tree.moves_at(target)
        for k in reversed(range(len(moves))):
            t = moves[k][1]
            last_move = k == len(moves) - 1
            child_kind: Kind = "outcome" if t in tree.outcomes else "node" if primary[t] == (target, k) else "ref"
            stack.append(
                (
                    t,
                    child_kind,
                    d + 1,
                    index,
                    k,
                    offers,
                    child_prefix + ("└── " if last_move else "├── "),
                    child_prefix + ("    " if last_move else "│   "),
                )
            )
    return _Shape(items, children, cut, hidden_nodes, hidden_outcomes)


def _evaluate(expr: sympy.Expr, values: Mapping[str, float]) -> float | None:
    """The number ``expr`` takes at ``values``; None if a symbol has no value or the result is not real."""
    known = {s: sympy.Float(values[s.name]) for s in expr.free_symbols if s.name in values}
    at = expr.xreplace(known)
    if at.free_symbols:
        return None
    try:
        return float(at)
    except TypeError:
        return None


def _values(solution: SubgamePerfect, item: _Item) -> dict[str, float]:
    return {**solution.values, **item.offers}


def _shown(expr: sympy.Expr, solution: SubgamePerfect | None, item: _Item, digits: int | None = None) -> str:
    """``expr`` as a number at the solution's values (as a formula without a solution)."""
    if solution is None:
        return str(expr)
    x = _evaluate(expr, _values(solution, item))
    if x is None:
        return str(expr)
    return number(x) if digits is None else f"{clean_number(x, 10):.{digits}g}"


def _offer(node: OfferNode, solution: SubgamePerfect | None) -> float | None:
    return None if solution is None else solution.all_offers.get(node.id)


def _move(tree: TreeGame, items: list[_Item], item: _Item) -> str:
    """The move that leads to ``item`` ('' for the root and under an offer node, which has no named move)."""
    if item.parent < 0:
        return ""
    parent = tree.nodes[items[item.parent].target]
    return "" if isinstance(parent, OfferNode) else parent.moves[item.move][0]


def _planned(solution: SubgamePerfect | None, tree: TreeGame, items: list[_Item], item: _Item) -> bool:
    if solution is None or item.parent < 0:
        return False
    parent = tree.nodes[items[item.parent].target]
    return isinstance(parent, DecisionNode) and solution.plan.get(parent.id) == parent.moves[item.move][0]


def _probability(tree: TreeGame, solution: SubgamePerfect | None, items: list[_Item], item: _Item) -> str | None:
    if item.parent < 0:
        return None
    parent_item = items[item.parent]
    parent = tree.nodes[parent_item.target]
    if not isinstance(parent, ChanceNode):
        return None
    return _shown(parent.probabilities[item.move], solution, parent_item)


def _label(tree: TreeGame, solution: SubgamePerfect | None, item: _Item) -> str:
    """The text of a node, a reference or an outcome (without the move that leads to it)."""
    if item.kind == "outcome":
        pays = tree.outcomes[item.target].payoffs
        return f"{item.target}: " + ", ".join(f"{a} {_shown(pays[a], solution, item)}" for a in tree.actors)
    node = tree.nodes[item.target]
    if isinstance(node, DecisionNode):
        tie = ", tie" if solution is not None and node.id in solution.ties else ""
        text = f"{node.id} ({node.actor}{tie})"
    elif isinstance(node, ChanceNode):
        text = f"{node.id} (chance)"
    else:
        v = _offer(node, solution)
        chosen = "" if v is None else f": {number(v)}"
        text = f"{node.id} ({node.actor} offers {node.parameter} in [{node.low}, {node.high}]{chosen})"
    if item.kind == "ref":
        text += ", its moves shown at its other occurrence"
    return text


def tree_text(
    tree: TreeGame, solution: SubgamePerfect | None = None, *, max_lines: int = 200, max_depth: int = 40
) -> str:
    """The tree as indented text, subgame-perfect moves marked ``▶`` and payoffs at the leaves.

    A line per node and outcome: ``move ▶ target`` for the planned move of a decision node,
    ``move   target`` for the others, ``move (probability p)   target`` below a chance node. Leaves read
    ``outcome: actor payoff, ...``, numbers at the solution's values (offers above substituted), or
    formulas without a solution. Trees of more than ``max_lines`` lines or ``max_depth`` levels are
    shown to the deepest level that fits, with a count of what was left out.
    """
    shape = _shape(tree, solution, max_lines, max_depth)
    items = shape.items
    lines: list[str] = []
    for item in items:
        name = _move(tree, items, item)
        p = _probability(tree, solution, items, item)
        if p is not None:
            name += f" (probability {p})"
        head = ""
        if name:
            head = name + (f" {MARK} " if _planned(solution, tree, items, item) else "   ")
        lines.append(item.prefix + head + _label(tree, solution, item))
        if item.below:
            lines.append(f"{item.child_prefix}└── … {item.below:,} more below")
    if shape.cut is not None:
        lines.append(
            f"({shape.hidden_nodes:,} nodes and {shape.hidden_outcomes:,} outcomes below level {shape.cut} left out)"
        )
    return "\n".join(lines)


def _path_items(tree: TreeGame, solution: SubgamePerfect | None, shape: _Shape) -> set[int]:
    """Items on the path of play (the plan followed from the root up to a chance node or an outcome)."""
    on: set[int] = set()
    if solution is None:
        return on
    at = 0
    while shape.children[at]:
        item = shape.items[at]
        node = tree.nodes[item.target]
        if isinstance(node, OfferNode):
            at = shape.children[at][0]
        elif isinstance(node, DecisionNode) and node.id in solution.plan:
            move = solution.plan[node.id]
            at = next(c for c in shape.children[at] if node.moves[shape.items[c].move][0] == move)
        else:
            break
        on.add(at)
    return on


INFOSET_COLOURS = ("#444444", "#8e44ad", "#16a085", "#c0392b", "#2c3e50")
"""The dashed arcs' colours, one per information set in turn."""


def tree_figure(
    tree: TreeGame, solution: SubgamePerfect | None = None, *, max_nodes: int = 120, max_depth: int = 12
) -> Figure:
    """A layered drawing of the tree, root at the top, subgame-perfect moves thick and coloured.

    Decision and offer nodes are boxes in their actor's colour (an offer node shows the number chosen),
    chance nodes grey boxes, edges carry their moves (and probabilities), and leaves their payoffs,
    numbers at the solution's values when a solution is given. Leaves are spaced evenly and every
    parent is centred over its children. Each edge is a line whose ``gid`` reads
    ``"{kind}:{node}:{move}"``, kind ``spe-path`` (the planned move of a decision node on the path),
    ``spe`` (planned, off the path), ``offer-path``/``offer`` (out of an offer node) or ``edge``.
    An information set of several nodes is a dashed arc through its nodes, bent below their level and
    one colour per set, named in the legend (``gid`` ``"infoset:NAME"``).
    Trees larger than ``max_nodes`` items or deeper than ``max_depth`` are drawn to their first levels.
    """
    from matplotlib.figure import Figure  # imported where used: the tree's text needs no matplotlib
    from matplotlib.lines import Line2D

    from bargaining.display.plots import COLOURS

    shape = _shape(tree, solution, max_nodes, max_depth)
    items, children = shape.items, shape.children
    x = [0.0] * len(items)
    leaves = 0
    for i in range(len(items)):
        if not children[i]:
            x[i] = float(leaves)
            leaves += 1
    for i in reversed(range(len(items))):
        if children[i]:
            x[i] = (x[children[i][0]] + x[children[i][-1]]) / 2
    levels = max(item.depth for item in items)
    fig = Figure(
        figsize=(min(max(5.0, 0.85 * leaves + 1.2), 40.0), min(max(3.2, 1.35 * levels + 2.0), 30.0)),
        layout="constrained",
    )
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_xlim(-0.75, leaves - 0.25)
    ax.set_ylim(-levels - 0.8, 0.45)
    colour = {a: COLOURS[k % len(COLOURS)] for k, a in enumerate(tree.actors)}
    path = _path_items(tree, solution, shape)
    off_path_plan = False

    for i, item in enumerate(items):
        y = -float(item.depth)
        if item.parent >= 0:
            p = items[item.parent]
            parent = tree.nodes[p.target]
            move = parent.moves[item.move][0]
            px, py = x[item.parent], -float(p.depth)
            if isinstance(parent, OfferNode):
                kind = "offer-path" if i in path else "offer"
            elif _planned(solution, tree, items, item):
                kind = "spe-path" if i in path else "spe"
            else:
                kind = "edge"
            off_path_plan |= kind == "spe"
            highlighted = kind in ("spe-path", "spe", "offer-path")
            ax.plot(
                [px, x[i]],
                [py, y],
                color=HIGHLIGHT if highlighted else EDGE,
                lw=3.6 if kind in ("spe-path", "offer-path") else 2.6 if kind == "spe" else 1.2,
                alpha=0.5 if kind == "spe" else 1.0,
                solid_capstyle="round",
                zorder=1,
                gid=f"{kind}:{parent.id}:{move}",
            )
            if not isinstance(parent, OfferNode):
                prob = _probability(tree, solution, items, item)
                text = move if prob is None else f"{move}\np = {prob}"
                ax.text(
                    (px + x[i]) / 2,
                    (py + y) / 2,
                    text,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=HIGHLIGHT if highlighted else "#333333",
                    fontweight="bold" if highlighted else "normal",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9},
                    zorder=3,
                )
        if item.kind == "outcome":
            pays = tree.outcomes[item.target].payoffs
            text = "\n".join([item.target, *(f"{a} {_shown(pays[a], solution, item, 4)}" for a in tree.actors)])
            ax.text(
                x[i],
                y,
                text,
                ha="center",
                va="top",
                fontsize=8,
                linespacing=1.15,
                bbox={
                    "boxstyle": "round,pad=0.3",
                    "fc": "#f6f6f6",
                    "ec": HIGHLIGHT if i in path else "#bbbbbb",
                    "lw": 2.0 if i in path else 0.8,
                },
                zorder=4,
            )
            continue
        node = tree.nodes[item.target]
        if item.kind == "ref":
            ax.text(x[i], y, f"see {node.id}", ha="center", va="top", fontsize=8, style="italic", color="#555555")
            continue
        if isinstance(node, ChanceNode):
            label, face, ink = "chance", "#dddddd", "black"
        elif isinstance(node, OfferNode):
            v = _offer(node, solution)
            label = f"{node.actor} sets {node.parameter}" + ("" if v is None else f"\n= {clean_number(v, 10):.4g}")
            face, ink = colour[node.actor], "white"
        else:
            tie = "\n(tie)" if solution is not None and node.id in solution.ties else ""
            label, face, ink = node.actor + tie, colour[node.actor], "white"
        ax.text(
            x[i],
            y,
            label,
            ha="center",
            va="center",
            fontsize=9,
            color=ink,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.35", "fc": face, "ec": "black", "lw": 0.8},
            zorder=5,
        )
        ax.annotate(
            node.id,
            (x[i], y),
            xytext=(0, 16 + 6 * label.count("\n")),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            color="#555555",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.9},
            zorder=3,
        )
        if item.below:
            ax.annotate(
                f"… {item.below:,} more below",
                (x[i], y),
                xytext=(0, -16),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7,
                color="#666666",
            )
    # an information set of several nodes: a dashed arc from node to node, bent below the level so
    # that sets interleaved on one level stay apart, one colour per set (gid "infoset:NAME")
    import numpy as np

    sets = [(name, members) for name, members in tree.information_sets().items() if len(members) >= 2]
    set_handles = []
    for k, (name, members) in enumerate(sets):
        drawn = sorted(
            (x[i], -float(item.depth))
            for i, item in enumerate(items)
            if item.kind not in ("outcome", "ref") and item.target in members
        )
        if len(drawn) < 2:
            continue
        ink = INFOSET_COLOURS[k % len(INFOSET_COLOURS)]
        depth = 0.18 + 0.12 * (k % 3)  # a different bend for each set
        xs: list[float] = [drawn[0][0]]
        ys: list[float] = [drawn[0][1]]
        for (x0, y0), (x1, y1) in itertools.pairwise(drawn):
            t = np.linspace(0.0, 1.0, 25)[1:]
            xs += (x0 + (x1 - x0) * t).tolist()
            ys += (y0 + (y1 - y0) * t - depth * 4 * t * (1 - t)).tolist()
        ax.plot(xs, ys, color=ink, lw=1.5, ls=(0, (4, 3)), zorder=2, gid=f"infoset:{name}")
        set_handles.append(Line2D([], [], color=ink, lw=1.5, ls=(0, (4, 3)), label=f"information set {name}"))
    if set_handles and solution is None:
        ax.legend(handles=set_handles, loc="upper left", fontsize=8, frameon=False)
    if solution is not None:
        handles = [Line2D([], [], color=HIGHLIGHT, lw=3.6, label="subgame-perfect path")]
        if off_path_plan:
            handles.append(
                Line2D([], [], color=HIGHLIGHT, lw=2.6, alpha=0.5, label="subgame-perfect move off the path")
            )
        ax.legend(handles=handles + set_handles, loc="upper left", fontsize=8, frameon=False)
    if shape.cut is not None:
        ax.text(
            0.0,
            0.0,
            f"{shape.hidden_nodes:,} nodes and {shape.hidden_outcomes:,} outcomes below level {shape.cut} not drawn",
            transform=ax.transAxes,
            fontsize=8,
            color="#666666",
        )
    return fig

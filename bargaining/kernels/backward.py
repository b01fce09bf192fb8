r"""Backward induction on a numeric tree stored as arrays: no recursion, one numpy pass per level.

Nodes are numbered so that every parent comes before its children; node ``i``'s children are
``children[start[i] : start[i] + count[i]]`` (compressed sparse rows). ``actor[i]`` is the actor
who moves at a decision node, ``-1`` at a chance node (with ``probability`` per edge) and ``-2``
at an outcome (with ``payoff[i]``). Kuhn's (1953) backward induction assigns each outcome its
payoffs, each chance node the expectation of its children's values and each decision node the
value of its mover's best child, the first listed among equals (docs/format.md#game-trees). Nodes are
processed level by level from the deepest up, each level with vectorised segment reductions
(``np.maximum.reduceat``), so a path 10^4 deep or a tree of 10^6 nodes needs no recursion.

>>> import numpy as np
>>> # root 0 (actor 0): moves to 1 (outcome (1, 0)) or 2 (actor 1: moves to 3 (2, 2) or 4 (3, 1))
>>> res = backward_induction(
...     actor=np.array([0, -2, 1, -2, -2]), start=np.array([0, 2, 2, 4, 4]), count=np.array([2, 0, 2, 0, 0]),
...     children=np.array([1, 2, 3, 4]), probability=np.zeros(4),
...     payoff=np.array([[0, 0], [1, 0], [0, 0], [2, 2], [3, 1]], dtype=float))
>>> res.value[0].tolist(), res.choice.tolist()
([2.0, 2.0], [1, -1, 2, -1, -1])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["TreeSolution", "backward_induction", "depths"]

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TreeSolution:
    """``value[i]``: the payoff vector reached from node i; ``choice[i]``: the chosen edge at a
    decision node (an index into ``children``; -1 elsewhere); ``tied[i]``: whether another move
    was as good for the mover."""

    value: FloatArray
    choice: IntArray
    tied: npt.NDArray[np.bool_]


def depths(start: IntArray, count: IntArray, children: IntArray) -> IntArray:
    """Depth of every node below node 0, by breadth-first levels (vectorised)."""
    n = len(start)
    depth = np.full(n, -1, dtype=np.intp)
    frontier = np.array([0], dtype=np.intp)
    level = 0
    while frontier.size:
        depth[frontier] = level
        counts = count[frontier]
        if not counts.sum():
            break
        edge = np.repeat(start[frontier] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        frontier = children[edge]
        level += 1
    return depth


def backward_induction(
    *,
    actor: IntArray,
    start: IntArray,
    count: IntArray,
    children: IntArray,
    probability: FloatArray,
    payoff: FloatArray,
    tol: float = 1e-12,
) -> TreeSolution:
    """Subgame-perfect values and choices of a tree given as arrays (see the module docstring)."""
    n = len(actor)
    empty = np.flatnonzero((actor >= -1) & (count <= 0))
    if empty.size:
        raise ValueError(f"node {int(empty[0])} is a decision or chance node without children")
    value = np.array(payoff, dtype=float, copy=True)
    choice = np.full(n, -1, dtype=np.intp)
    tied = np.zeros(n, dtype=bool)
    depth = depths(start, count, children)
    inner = np.flatnonzero(actor >= -1)
    order = inner[np.argsort(-depth[inner], kind="stable")]
    if not order.size:
        return TreeSolution(value, choice, tied)
    bounds = np.flatnonzero(np.diff(depth[order])) + 1
    for level in np.split(order, bounds):
        counts = count[level]
        offsets = np.cumsum(counts) - counts  # where each node's edges start among the level's edges
        edge = np.repeat(start[level] - offsets, counts) + np.arange(counts.sum())
        kids = children[edge]
        movers = actor[level]
        chance = movers == -1
        if chance.any():
            weighted = probability[edge][:, None] * value[kids]
            sums = np.add.reduceat(weighted, offsets, axis=0)
            value[level[chance]] = sums[chance]
        decide = ~chance
        if decide.any():
            who = np.repeat(np.where(decide, movers, 0), counts)
            own = value[kids, who]
            best = np.maximum.reduceat(own, offsets)
            scale = tol * (1.0 + np.abs(best))
            near = own >= np.repeat(best - scale, counts)
            position = np.arange(edge.size)
            first = np.minimum.reduceat(np.where(near, position, edge.size), offsets)
            ties = np.add.reduceat(near.astype(np.intp), offsets) > 1
            chosen = edge[first[decide]]
            value[level[decide]] = value[children[chosen]]
            choice[level[decide]] = chosen
            tied[level[decide]] = ties[decide]
    return TreeSolution(value, choice, tied)

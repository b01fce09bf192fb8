r"""Subgame-perfect play of a game tree at every point of a parameter grid.

At every grid point :math:`\theta` the tree is solved by backward induction
(:func:`~bargaining.analysis.subgame.subgame_perfect` with ``exact=False``: numbers only, the
compiled payoffs and the symbolic switch points cached per tree), giving the path from the root,
the outcome reached, the number chosen at each offer node on the path and the payoffs. The points
are solved one by one, so a sweep takes at most :data:`~bargaining.analysis.sweep_grid.MAX_POINTS`
points; the path changes only where some mover is indifferent, so the map of outcomes over the grid
is a partition of the parameter box into the regions of docs/models.md#the-offer-game. (At T = 0
no acceptable offer fits under the cap: the EU, indifferent, makes an offer that is refused.)

>>> from bargaining.io.scenario_file import load
>>> s = sweep_tree(load("eu_russia_offer"), {"T": [0, 3, 6]})
>>> [s.labels[c] for c in s.codes.tolist()]
['offer, reject (no_deal)', 'offer, accept (deal)', 'offer, accept (deal)']
>>> [round(v, 5) for v in s.offers["v"][1:].tolist()]  # v* = (c_N + delta**T C_TCN + d_R)/a
[0.49366, 0.38698]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.subgame import subgame_perfect
from bargaining.analysis.sweep_grid import GridAxes, check_budget, grid_axes, nested, outcome_table, point_values
from bargaining.errors import ScenarioError
from bargaining.games.tree import OfferNode, TreeGame
from bargaining.scenario import Scenario

__all__ = ["TreeSweep", "path_label", "sweep_tree"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def path_label(path: tuple[str, ...], outcome: str | None) -> str:
    """``offer, accept (deal)``: the moves from the root and where play ends (``chance`` after a chance node)."""
    return f"{', '.join(path) or 'no move'} ({outcome if outcome is not None else 'then chance'})"


@dataclass(frozen=True, eq=False, repr=False)  # repr: GridAxes's, short
class TreeSweep(GridAxes, Result):
    """The subgame-perfect play of a tree at every point of a grid.

    ``axes`` maps each swept parameter to its 1-D values (the grid is their product, in order);
    ``values`` holds the parameters not swept. ``labels`` are the distinct (path, outcome) pairs
    found, ``paths`` and ``outcomes`` the same as tuples, ``codes`` (grid shape) each point's index
    into them; ``offers`` maps each offer node's parameter to its chosen number (NaN where that
    node is not on the path); ``payoffs`` maps each actor to its payoff; ``ties`` marks points
    where some mover was indifferent (the first listed move was taken).
    """

    tree: TreeGame
    axes: Mapping[str, FloatArray]
    labels: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]
    outcomes: tuple[str | None, ...]
    codes: IntArray
    offers: Mapping[str, FloatArray]
    payoffs: Mapping[str, FloatArray]
    ties: npt.NDArray[np.bool_]
    method: str = ""
    values: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    kind = "tree"

    def outcome_codes(self) -> tuple[list[dict[str, Any]], IntArray]:
        """The distinct (path, outcome) pairs with their share of the grid, axis ranges and the range
        of each offer where they hold, and each point's index into them (``codes``)."""
        table = outcome_table(self.labels, self.codes, self.axes)
        flat = self.codes.reshape(-1)
        for k, row in enumerate(table):
            where = flat == k
            row["path"] = list(self.paths[k])
            row["outcome"] = self.outcomes[k]
            offers = {}
            for p, arr in self.offers.items():
                vals = arr.reshape(-1)[where]
                vals = vals[np.isfinite(vals)]
                if vals.size:
                    offers[p] = [clean_number(float(vals.min())), clean_number(float(vals.max()))]
            row["offers"] = offers
        return table, self.codes

    def to_dict(self) -> dict[str, Any]:
        """JSON: ``game``, ``axes`` (from, to, n), ``grid`` (each axis' values), ``fixed``, ``points``,
        ``labels``, ``codes`` (nested lists over the grid), ``offers`` and ``payoffs`` (nested lists,
        None where an offer is off the path), ``outcomes`` (share and ranges of each), ``method``, ``notes``."""
        return {
            "game": "tree",
            **self.grid_json(),
            "method": self.method,
            "labels": list(self.labels),
            "codes": nested(self.codes),
            "offers": {p: nested(v) for p, v in self.offers.items()},
            "payoffs": {a: nested(v) for a, v in self.payoffs.items()},
            "tie_points": int(self.ties.sum()),
            "outcomes": self.outcome_codes()[0],
            "notes": list(self.notes),
        }


def offer_parameters(tree: TreeGame) -> tuple[str, ...]:
    """The parameters chosen at the tree's offer nodes, in the tree's order."""
    out: list[str] = []
    for nid in tree.offer_nodes():
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        if node.parameter not in out:
            out.append(node.parameter)
    return tuple(out)


def sweep_tree(
    model: Scenario | TreeGame,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> TreeSweep:
    """Path, outcome, offers on the path and payoffs of the subgame-perfect play at every grid point.

    Parameters chosen at offer nodes cannot be swept (the mover sets them). ``progress(done, total)``
    is called every few points.
    """
    scenario = Scenario.of(model)
    tree = scenario.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError('a game tree (game = "tree")', found=f"a {scenario.kind} game", field="model")
    axes = grid_axes(scenario, grid)
    chosen = offer_parameters(tree)
    for name in axes:
        if name in chosen:
            raise ScenarioError(
                "a parameter not chosen at an offer node (the mover sets it)", found=repr(name), field=f"grid.{name}"
            )
    total = check_budget(axes, "tree")
    fixed = {k: v for k, v in scenario.values(values).items() if k not in axes}
    shape = tuple(len(v) for v in axes.values())
    keys: dict[tuple[tuple[str, ...], str | None], int] = {}
    codes = np.zeros(total, dtype=np.int64)
    offers = {p: np.full(total, np.nan) for p in chosen}
    payoffs = {a: np.zeros(total) for a in tree.actors}
    ties = np.zeros(total, dtype=bool)
    numeric: set[str] = set()
    step = max(1, total // 100)
    for flat in range(total):
        spe = subgame_perfect(scenario, point_values(axes, fixed, flat), exact=False)
        codes[flat] = keys.setdefault((spe.path, spe.outcome), len(keys))
        for p, v in spe.offers.items():
            offers[p][flat] = v
        for a, v in spe.payoff.items():
            payoffs[a][flat] = v
        ties[flat] = bool(spe.ties)
        numeric |= {n for n in spe.notes if n.startswith("Offers at")}
        if progress is not None and ((flat + 1) % step == 0 or flat + 1 == total):
            progress(flat + 1, total)
    ordered = sorted(keys, key=lambda k: keys[k])
    notes = []
    if ties.any():
        notes.append(
            f"At {int(ties.sum())} grid points some mover is indifferent between moves and the first listed move"
            " is taken (a responder offered exactly the least it accepts is indifferent by construction, and"
            " accepts when accept is listed first)."
        )
    notes.extend(sorted(numeric))
    return TreeSweep(
        tree=tree,
        axes=axes,
        labels=tuple(path_label(p, o) for p, o in ordered),
        paths=tuple(p for p, _ in ordered),
        outcomes=tuple(o for _, o in ordered),
        codes=codes.reshape(shape),
        offers={p: v.reshape(shape) for p, v in offers.items()},
        payoffs={a: v.reshape(shape) for a, v in payoffs.items()},
        ties=ties.reshape(shape),
        method="backward induction at every grid point (subgame_perfect, numeric; offers at switch points)",
        values=fixed,
        notes=tuple(notes),
    )

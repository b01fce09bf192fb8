r"""Subgame-perfect play of a game tree at every point of a parameter grid.

At every grid point :math:`\theta` the tree is solved by backward induction
(:func:`~bargaining.analysis.subgame.subgame_perfect` with ``exact=False``: numbers only, the
compiled payoffs and the symbolic switch points cached per tree), giving the path from the root,
the outcome reached, the number chosen at each offer node on the path and the payoffs. The path
changes only where some mover is indifferent, so the map of outcomes over the grid is a partition
of the parameter box into the regions of docs/models.md#the-offer-game. (At T = 0 no acceptable
offer fits under the cap: the EU, indifferent, makes an offer that is refused.)

**Routes.** By default the backward induction is compiled once per tree
(:func:`~bargaining.analysis.compiled_tree.compile_tree`, cached per tree and budget) and
evaluated on the whole grid in one vectorised pass; the grid is then limited only by the memory
budget, as a normal-form sweep's is. Where compiling fails (a tree of imperfect information, an
error), or with ``route="per-point"``, every point is solved on its own by ``subgame_perfect``
and the grid takes at most :data:`~bargaining.analysis.sweep_grid.MAX_POINTS` points. Both give
the same labels (in order of first appearance over the grid), codes, offers, payoffs and ties;
``method`` says which route was taken.

>>> from bargaining.io.scenario_file import load
>>> s = sweep_tree(load("eu_russia_offer"), {"T": [0, 3, 6]})
>>> [s.labels[c] for c in s.codes.tolist()]
['offer, reject (no_deal)', 'offer, accept (deal)', 'offer, accept (deal)']
>>> [round(v, 5) for v in s.offers["v"][1:].tolist()]  # v* = (c_N + delta**T C_TCN + d_R)/a
[0.49366, 0.38698]
>>> s.method.startswith("compiled")
True
>>> p = sweep_tree(load("eu_russia_offer"), {"T": [0, 3, 6]}, route="per-point")
>>> p.labels == s.labels and bool((p.codes == s.codes).all()) and p.method.startswith("backward")
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bargaining.analysis.compiled_tree import (
    CHUNK,
    MESH_CHUNK,
    CompiledTree,
    TreeEvaluation,
    compile_tree,
    numeric_notes,
    path_label,
)
from bargaining.analysis.engine import Scheduler, describe, map_chunks
from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.subgame import SubgamePerfect, subgame_perfect
from bargaining.analysis.sweep_grid import GridAxes, check_budget, grid_axes, nested, outcome_table, point_values
from bargaining.budget import budget_mb, check_bytes, describe_bytes
from bargaining.errors import ScenarioError
from bargaining.games.tree import OfferNode, TreeGame
from bargaining.scenario import Scenario

__all__ = ["SweepRoute", "TreeSweep", "path_label", "sweep_tree"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SweepRoute = Literal["auto", "compiled", "per-point"]
"""How :func:`sweep_tree` solves the grid: compiled when it can (``auto``), compiled or an error, or point by point."""

_COMPILED: dict[tuple[int, float], tuple[TreeGame, CompiledTree]] = {}


def compiled_tree_of(tree: TreeGame) -> CompiledTree:
    """The tree's compiled backward induction, kept per tree (by identity: trees hold dicts, so do not
    hash) and budget (the symbolic route's deadline scales with it)."""
    key = (id(tree), budget_mb())
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is tree:
        return hit[1]
    compiled = compile_tree(tree)
    if len(_COMPILED) > 64:
        _COMPILED.clear()
    _COMPILED[key] = (tree, compiled)
    return compiled


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


POINTS_PER_TASK = 16
"""Grid points one task solves on the per-point route (a chunk of the grid on a Dask cluster)."""


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
    route: SweepRoute = "auto",
    scheduler: Scheduler = None,
) -> TreeSweep:
    """Path, outcome, offers on the path and payoffs of the subgame-perfect play at every grid point.

    Parameters chosen at offer nodes cannot be swept (the mover sets them). ``route`` (module
    docstring): ``"auto"`` compiles the tree and falls back to solving point by point when compiling
    fails, ``"compiled"`` raises instead, ``"per-point"`` solves every point with ``subgame_perfect``.
    The compiled route refuses grids whose arrays exceed the memory budget, the per-point route
    grids above :data:`~bargaining.analysis.sweep_grid.MAX_POINTS` points (both scaled by the
    budget). ``progress(done, total)`` is called as chunks of points are done. Both routes evaluate the
    grid in chunks, in this process or, with ``scheduler`` (a ``dask.distributed`` Client or a
    scheduler's address), on a Dask cluster (:func:`~bargaining.analysis.engine.map_chunks`), with
    the same result.
    """
    if route not in ("auto", "compiled", "per-point"):
        raise ScenarioError('"auto", "compiled" or "per-point"', found=repr(route), field="route")
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
    fixed = {k: v for k, v in scenario.values(values).items() if k not in axes}
    why = ""
    if route != "per-point":
        shape = tuple(len(v) for v in axes.values())
        total = math.prod(shape)
        # codes (twice: evaluated, then relabelled), ties, offers and payoffs; chunks are bounded apart
        per_point = 2 * 8 + 1 + 8 * (len(chosen) + len(tree.actors))
        check_bytes(
            "a tree sweep's arrays",
            float(total) * per_point,
            field="grid",
            instead="a coarser grid or fewer axes",
            found=f"{total:,} points of about {per_point:,} bytes, {describe_bytes(float(total) * per_point)}",
        )
        try:
            compiled = compiled_tree_of(tree)
        except Exception as err:  # any failure of compiling falls back to the per-point route
            if route == "compiled":
                raise
            why = f"{type(err).__name__}: {err}"
        else:
            return _sweep_compiled(compiled, tree, axes, fixed, scheduler, progress)
    return _sweep_per_point(scenario, tree, axes, fixed, chosen, progress, why, scheduler)


def _tie_note(count: int) -> str:
    return (
        f"At {count} grid points some mover is indifferent between moves and the first listed move"
        " is taken (a responder offered exactly the least it accepts is indifferent by construction, and"
        " accepts when accept is listed first)."
    )


WORKER_CHUNK = 1 << 13
"""Points a Dask worker evaluates at a time: arrays of 64 KiB, below glibc's mmap threshold. Dask's
nanny sets ``MALLOC_TRIM_THRESHOLD_``, which freezes that threshold at 128 KiB, so larger temporary
arrays are mapped and unmapped on every operation and page faults make the evaluation about 5x slower."""


def _compiled_chunk(
    compiled: CompiledTree,
    start: int,
    stop: int,
    *,
    axes: Mapping[str, FloatArray],
    given: Mapping[str, float],
    inner: int,
) -> TreeEvaluation:
    """The compiled tree evaluated at flat grid points ``start`` to ``stop``, ``inner`` points at a time
    (a pure function). Where the points are whole rows of a grid of two axes or more (``start`` and
    ``stop`` multiples of a row's points, a row within ``inner`` points), they are given as a mesh by
    its axes (a block of the first axis, every other axis whole), which the compiled tree evaluates
    by rows with formulas of some axes on those axes only; else as scattered points. Both give the
    same numbers (tests/test_compiled_tree.py)."""
    shape = tuple(len(v) for v in axes.values())
    row = math.prod(shape[1:]) if len(shape) >= 2 else 0
    if compiled.route == "symbolic" and 0 < row <= inner and start % row == 0 and stop % row == 0:
        names = list(axes)
        ndim = len(shape)
        mesh: dict[str, FloatArray] = {
            names[0]: axes[names[0]][start // row : stop // row].reshape(-1, *(1,) * (ndim - 1))
        }
        for k, name in enumerate(names[1:], start=1):
            mesh[name] = axes[name].reshape((1,) * k + (-1,) + (1,) * (ndim - k - 1))
        out = compiled.evaluate(mesh, given, chunk=inner)
        return TreeEvaluation(
            labels=out.labels,
            paths=out.paths,
            outcomes=out.outcomes,
            codes=out.codes.reshape(-1),
            offers={p: v.reshape(-1) for p, v in out.offers.items()},
            payoffs={a: v.reshape(-1) for a, v in out.payoffs.items()},
            ties=out.ties.reshape(-1),
            route=out.route,
            notes=out.notes,
            warnings=out.warnings,
        )
    idx = np.unravel_index(np.arange(start, stop), shape) if shape else ()
    points = {name: arr[i] for (name, arr), i in zip(axes.items(), idx, strict=True)}
    return compiled.evaluate(points, given, chunk=max(1, min(inner, stop - start)))


def _sweep_compiled(
    compiled: CompiledTree,
    tree: TreeGame,
    axes: Mapping[str, FloatArray],
    fixed: Mapping[str, float],
    scheduler: Scheduler = None,
    progress: Callable[[int, int], None] | None = None,
) -> TreeSweep:
    """The grid evaluated by the compiled tree, chunk by chunk into preallocated arrays, then relabelled
    as the per-point route labels it: the paths found, numbered in order of first appearance over the
    grid (C order)."""
    shape = tuple(len(v) for v in axes.values())
    total = math.prod(shape)
    chosen = offer_parameters(tree)
    given = {k: v for k, v in fixed.items() if k in compiled.defaults and k not in chosen}
    flat = np.empty(total, dtype=np.int64)
    ties = np.empty(total, dtype=bool)
    offers = {p: np.empty(total) for p in chosen}
    payoffs = {a: np.empty(total) for a in tree.actors}
    warnings: dict[str, int] = {}
    row = math.prod(shape[1:]) if len(shape) >= 2 else 0
    by_rows = compiled.route == "symbolic" and 0 < row <= (MESH_CHUNK if scheduler is None else WORKER_CHUNK)
    inner = WORKER_CHUNK if scheduler is not None else MESH_CHUNK if by_rows else CHUNK
    # whole rows per chunk where a grid of two axes or more is evaluated as a mesh (_compiled_chunk)
    step = max(1, CHUNK // row) * row if by_rows else CHUNK
    work = functools.partial(_compiled_chunk, axes=axes, given=given, inner=inner)
    first = np.full(len(compiled.labels), -1, dtype=np.int64)  # each path's first grid point
    if total:
        chunks = map_chunks(work, total, step, scheduler=scheduler, progress=progress, shared=compiled)
        for start, stop, out in chunks:
            flat[start:stop] = out.codes
            ties[start:stop] = out.ties
            for p in chosen:
                offers[p][start:stop] = out.offers[p]
            for a in tree.actors:
                payoffs[a][start:stop] = out.payoffs[a]
            for key, count in out.warnings.items():
                warnings[key] = warnings.get(key, 0) + count
            if out.codes.size and int(out.codes.min()) < 0:
                raise ScenarioError("a path from the root at every grid point", found="a point with none", field="grid")
            found = np.bincount(out.codes, minlength=first.size) > 0
            for k in np.flatnonzero(found & (first < 0)).tolist():
                first[k] = start + int(np.argmax(out.codes == k))
    seen = np.flatnonzero(first >= 0)
    order = seen[np.argsort(first[seen], kind="stable")]
    relabel = np.zeros(len(compiled.labels), dtype=np.int64)
    relabel[order] = np.arange(order.size)
    codes = relabel[flat].reshape(shape)
    notes = [_tie_note(int(ties.sum()))] if ties.any() else []
    if compiled.route == "numeric":
        notes.extend(numeric_notes(compiled.why, warnings))
    return TreeSweep(
        tree=tree,
        axes=axes,
        labels=tuple(path_label(compiled.paths[k], compiled.outcomes[k]) for k in order.tolist()),
        paths=tuple(compiled.paths[k] for k in order.tolist()),
        outcomes=tuple(compiled.outcomes[k] for k in order.tolist()),
        codes=codes,
        offers={p: v.reshape(shape) for p, v in offers.items()},
        payoffs={a: v.reshape(shape) for a, v in payoffs.items()},
        ties=ties.reshape(shape),
        method=(
            f"compiled backward induction, solved once for the tree ({compiled.route} route: "
            + ("every offer a formula" if compiled.route == "symbolic" else "offers by sampling and bisection")
            + ") and evaluated on the whole grid (compile_tree)"
            + ("" if scheduler is None else f", on {describe(scheduler)}")
        ),
        values=dict(fixed),
        notes=tuple(notes),
    )


def _spe_chunk(
    scenario: Scenario, axes: Mapping[str, FloatArray], fixed: Mapping[str, float], start: int, stop: int
) -> list[SubgamePerfect]:
    """The subgame-perfect play at flat grid points ``start`` to ``stop`` (a pure function)."""
    return [subgame_perfect(scenario, point_values(axes, fixed, flat), exact=False) for flat in range(start, stop)]


def _sweep_per_point(
    scenario: Scenario,
    tree: TreeGame,
    axes: Mapping[str, FloatArray],
    fixed: Mapping[str, float],
    chosen: tuple[str, ...],
    progress: Callable[[int, int], None] | None,
    why: str,
    scheduler: Scheduler = None,
) -> TreeSweep:
    """Every grid point solved on its own by ``subgame_perfect`` (``why``: why the compiled route was not taken)."""
    total = check_budget(axes, "tree")
    shape = tuple(len(v) for v in axes.values())
    keys: dict[tuple[tuple[str, ...], str | None], int] = {}
    codes = np.zeros(total, dtype=np.int64)
    offers = {p: np.full(total, np.nan) for p in chosen}
    payoffs = {a: np.zeros(total) for a in tree.actors}
    ties = np.zeros(total, dtype=bool)
    numeric: set[str] = set()
    work = functools.partial(_spe_chunk, scenario, axes, fixed)
    step = max(1, min(POINTS_PER_TASK, total // 100))
    for start, _stop, found in map_chunks(work, total, step, scheduler=scheduler, progress=progress):
        for flat, spe in enumerate(found, start):
            codes[flat] = keys.setdefault((spe.path, spe.outcome), len(keys))
            for p, v in spe.offers.items():
                offers[p][flat] = v
            for a, v in spe.payoff.items():
                payoffs[a][flat] = v
            ties[flat] = bool(spe.ties)
            numeric |= {n for n in spe.notes if n.startswith("Offers at")}
    ordered = sorted(keys, key=lambda k: keys[k])
    notes = []
    if ties.any():
        notes.append(_tie_note(int(ties.sum())))
    notes.extend(sorted(numeric))
    if why:
        notes.append(f"The tree could not be compiled for the whole grid ({why}); every point was solved on its own.")
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
        method="backward induction at every grid point (subgame_perfect, numeric; offers at switch points)"
        + ("" if scheduler is None else f", on {describe(scheduler)}"),
        values=fixed,
        notes=tuple(notes),
    )

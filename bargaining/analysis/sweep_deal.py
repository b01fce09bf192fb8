r"""The bargaining solutions of a package deal at every point of a parameter grid.

At every grid point :math:`\theta` the packages' utilities are evaluated, the Pareto frontier of
lotteries over packages is built and the solutions :func:`~bargaining.analysis.deal.bargain`
reports are computed from it: Nash (symmetric and with the bargaining powers),
Kalai–Smorodinsky, egalitarian, utilitarian and, where the problem has discount factors,
Rubinstein's alternating offers (the first actor proposing, outside options from the scenario's
``[outside]`` table). Only the numbers are computed: the exact forms on frontier edges and the
linkage zones that :func:`bargain` adds are skipped. A point's outcome is the support of the Nash
solution: the package it picks, or the two packages it mixes on an edge of the frontier.

Two routes give the same result (tests/test_deal_arrays.py compares them): the **arrays** route
(the default) computes the whole grid with numpy, chunk by chunk
(:mod:`bargaining.analysis.deal_arrays`: every formula compiled once, loops over packages and
frontier edges only), bounded by the memory budget; the **per-point** route calls
``bargain(..., exact=False)`` at every point (:mod:`bargaining.kernels.axiomatic`), bounded by
:data:`~bargaining.analysis.sweep_grid.MAX_POINTS` points. ``method`` says which was taken.

>>> from bargaining.io.scenario_file import load
>>> s = sweep_deal(load("eu_russia_package"), {"T": [0, 3, 10]})
>>> s.labels[s.codes[1]]
'visa=facilitation, readmission=own_nationals / visa=facilitation, readmission=with_tcn'
>>> s.codes.tolist()  # at T = 10 the Nash solution moves to another edge of the frontier
[0, 0, 1]
>>> [round(float(x), 5) for x in s.payoffs["nash"]["RU"].tolist()]  # Nash (1, 9/5) while on that edge
[1.8, 1.8, 1.99111]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bargaining.analysis.deal import bargain
from bargaining.analysis.deal_arrays import NO_DEAL, SOLUTIONS, CompiledDeal, chunk_points, compile_deal, deal_solutions
from bargaining.analysis.deal_arrays import support_labels as numbered_supports
from bargaining.analysis.engine import Scheduler, describe, map_chunks
from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.sweep_grid import GridAxes, check_budget, grid_axes, nested, outcome_table, point_values
from bargaining.budget import check_bytes, describe_bytes
from bargaining.errors import ScenarioError
from bargaining.games.bargain import BargainingProblem
from bargaining.kernels.axiomatic import Solution
from bargaining.scenario import Scenario

__all__ = ["DealRoute", "DealSweep", "solutions_at", "sweep_deal"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
DealRoute = Literal["auto", "arrays", "per-point"]
POINTS_PER_TASK = 16
"""Grid points one task solves on the per-point route (a chunk of the grid on a Dask cluster)."""
NO_DISCOUNT = "No [discount] table: Rubinstein's alternating offers are not computed."


@dataclass(frozen=True, eq=False, repr=False)  # repr: GridAxes's, short
class DealSweep(GridAxes, Result):
    """The bargaining solutions of a package deal at every point of a grid.

    ``axes`` maps each swept parameter to its 1-D values (the grid is their product); ``values``
    holds the parameters not swept. ``solutions`` names the solutions computed; ``payoffs[s][a]``
    is actor a's payoff under solution s (grid shape); ``weights[s]`` gives, at every point, the
    weight of each package in solution s's lottery (grid shape + (packages,)). ``labels`` are the
    distinct supports of the Nash solution and ``codes`` each point's index into them.
    """

    problem: BargainingProblem
    axes: Mapping[str, FloatArray]
    solutions: tuple[str, ...]
    payoffs: Mapping[str, Mapping[str, FloatArray]]
    weights: Mapping[str, FloatArray]
    labels: tuple[str, ...]
    codes: IntArray
    method: str = ""
    values: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    kind = "bargain"

    def outcome_codes(self) -> tuple[list[dict[str, Any]], IntArray]:
        """The distinct supports of the Nash solution with their share of the grid, axis ranges and
        the range of the Nash payoffs where they hold, and each point's index into them."""
        table = outcome_table(self.labels, self.codes, self.axes)
        flat = self.codes.reshape(-1)
        for k, row in enumerate(table):
            where = flat == k
            row["nash"] = {
                a: [clean_number(float(v.reshape(-1)[where].min())), clean_number(float(v.reshape(-1)[where].max()))]
                for a, v in self.payoffs["nash"].items()
                if where.any()
            }
        return table, self.codes

    def to_dict(self) -> dict[str, Any]:
        """JSON: ``game``, ``axes`` (from, to, n), ``grid`` (each axis' values), ``fixed``, ``points``,
        ``solutions``, ``labels``, ``codes`` (nested lists over the grid), ``payoffs`` (solution ->
        actor -> nested lists), ``outcomes`` (share and ranges of each), ``method``, ``notes``."""
        return {
            "game": "bargain",
            **self.grid_json(),
            "method": self.method,
            "solutions": list(self.solutions),
            "labels": list(self.labels),
            "codes": nested(self.codes),
            "payoffs": {s: {a: nested(v) for a, v in by.items()} for s, by in self.payoffs.items()},
            "outcomes": self.outcome_codes()[0],
            "notes": list(self.notes),
        }


def solutions_at(
    problem: BargainingProblem, values: Mapping[str, float], outside: Mapping[str, Any] | None = None
) -> dict[str, Solution]:
    """The solutions :func:`~bargaining.analysis.deal.bargain` computes at ``values``, numbers only
    (``bargain(..., exact=False)``: Rubinstein with the first actor proposing; ``outside`` maps
    actors to outside-option formulas)."""
    return dict(bargain(problem, values, outside=outside, exact=False).solutions)


def _support_label(problem: BargainingProblem, s: Solution) -> str:
    if not s.lottery:
        return NO_DEAL
    return " / ".join(problem.label(k) for k, _ in sorted(s.lottery))


def sweep_deal(
    model: Scenario | BargainingProblem,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    route: DealRoute = "auto",
    scheduler: Scheduler = None,
) -> DealSweep:
    """Every bargaining solution's payoffs and lottery, and the Nash solution's packages, at every grid point.

    ``route``: ``"arrays"`` computes the whole grid with numpy, chunk by chunk
    (:func:`~bargaining.analysis.deal_arrays.deal_solutions`, the same numbers and lotteries as the
    per-point solver, checked at sampled points in the tests), refused only when the sweep's arrays
    exceed the memory budget; ``"per-point"`` calls ``bargain(..., exact=False)`` at every point,
    refused above :data:`~bargaining.analysis.sweep_grid.MAX_POINTS` points (both scaled by the
    budget); ``"auto"`` takes the arrays route and falls back to the per-point one, with a note, if the
    problem's formulas cannot be compiled. Chunks run in this process or, with ``scheduler`` (a
    ``dask.distributed`` Client or a scheduler's address), on a Dask cluster
    (:func:`~bargaining.analysis.engine.map_chunks`), with the same result. ``progress(done, total)`` is
    called as chunks are done. Labels are the Nash solution's supports, numbered in order of first
    appearance over the grid (C order) on both routes.
    """
    if route not in ("auto", "arrays", "per-point"):
        raise ScenarioError('"auto", "arrays" or "per-point"', found=repr(route), field="route")
    scenario = Scenario.of(model)
    problem = scenario.game
    if not isinstance(problem, BargainingProblem):
        raise ScenarioError('a package deal (game = "bargain")', found=f"a {scenario.kind} game", field="model")
    axes = grid_axes(scenario, grid)
    fixed = {k: v for k, v in scenario.values(values).items() if k not in axes}
    outside = scenario.extra.get("outside")
    outside_map = outside if isinstance(outside, Mapping) else None
    why = ""
    if route != "per-point":
        total = math.prod(len(v) for v in axes.values())
        solutions = len(SOLUTIONS) + (problem.discount is not None)
        per_point = 8 * solutions * (2 + problem.size) + 2 * 8  # payoffs, weights, support keys and codes
        check_bytes(
            "a package-deal sweep's arrays",
            float(total) * per_point,
            field="grid",
            instead="a coarser grid, fewer axes or fewer packages",
            found=f"{total:,} points of about {per_point:,} bytes, {describe_bytes(float(total) * per_point)}",
        )
        try:
            compiled = compile_deal(problem, outside_map)
        except ScenarioError:
            raise
        except Exception as err:  # a formula numpy cannot evaluate: solve point by point
            if route == "arrays":
                raise
            why = f"{type(err).__name__}: {err}"
        else:
            return _sweep_arrays(compiled, axes, fixed, scheduler, progress)
    return _sweep_per_point(scenario, problem, axes, fixed, outside_map, progress, why, scheduler)


def _arrays_chunk(
    compiled: CompiledDeal, axes: Mapping[str, FloatArray], fixed: Mapping[str, float], start: int, stop: int
) -> tuple[dict[str, FloatArray], dict[str, FloatArray], IntArray]:
    """Payoffs (solution -> (n, 2)), weights (solution -> (n, K)) and Nash support keys at flat grid
    points ``start`` to ``stop`` (a pure function)."""
    shape = tuple(len(v) for v in axes.values())
    idx = np.unravel_index(np.arange(start, stop), shape)
    params: dict[str, npt.ArrayLike] = {**fixed, **{a: axes[a][i] for a, i in zip(axes, idx, strict=True)}}
    out = deal_solutions(compiled, params)
    return dict(out.payoffs), {s: out.weights(s) for s in out.solutions}, out.support_keys("nash")


def _sweep_arrays(
    compiled: CompiledDeal,
    axes: Mapping[str, FloatArray],
    fixed: Mapping[str, float],
    scheduler: Scheduler,
    progress: Callable[[int, int], None] | None,
) -> DealSweep:
    """The grid solved with numpy arrays, chunk by chunk into preallocated arrays."""
    problem = compiled.problem
    shape = tuple(len(v) for v in axes.values())
    total = math.prod(shape)
    names = SOLUTIONS + (("rubinstein",) if problem.discount is not None else ())
    payoffs = {n: {a: np.empty(total) for a in problem.actors} for n in names}
    weights = {n: np.empty((total, problem.size)) for n in names}
    keys = np.empty(total, dtype=np.int64)
    work = functools.partial(_arrays_chunk, compiled, axes, dict(fixed))
    for start, stop, (pay, wts, sup) in map_chunks(
        work, total, chunk_points(problem), scheduler=scheduler, progress=progress
    ):
        for n in names:
            for k, a in enumerate(problem.actors):
                payoffs[n][a][start:stop] = pay[n][:, k]
            weights[n][start:stop] = wts[n]
        keys[start:stop] = sup
    codes, labels = numbered_supports(problem, keys)
    return DealSweep(
        problem=problem,
        axes=axes,
        solutions=names,
        payoffs={n: {a: v.reshape(shape) for a, v in by.items()} for n, by in payoffs.items()},
        weights={n: w.reshape(*shape, problem.size) for n, w in weights.items()},
        labels=labels,
        codes=codes.reshape(shape),
        method="frontier of lotteries and the axiomatic and alternating-offers solutions for the whole grid at once "
        "(numpy arrays, deal_arrays; numbers; Rubinstein with the first actor proposing)"
        + ("" if scheduler is None else f", on {describe(scheduler)}"),
        values=dict(fixed),
        notes=() if problem.discount is not None else (NO_DISCOUNT,),
    )


def _per_point_chunk(
    problem: BargainingProblem,
    axes: Mapping[str, FloatArray],
    fixed: Mapping[str, float],
    outside: Mapping[str, Any] | None,
    start: int,
    stop: int,
) -> list[dict[str, Solution]]:
    """The solutions at flat grid points ``start`` to ``stop``, one by one (a pure function)."""
    return [solutions_at(problem, point_values(axes, fixed, flat), outside) for flat in range(start, stop)]


def _sweep_per_point(
    scenario: Scenario,
    problem: BargainingProblem,
    axes: Mapping[str, FloatArray],
    fixed: Mapping[str, float],
    outside_map: Mapping[str, Any] | None,
    progress: Callable[[int, int], None] | None,
    why: str,
    scheduler: Scheduler,
) -> DealSweep:
    """Every grid point solved on its own by ``bargain(..., exact=False)`` (``why``: why the arrays route
    was not taken)."""
    total = check_budget(axes, "bargain")
    shape = tuple(len(v) for v in axes.values())
    names: list[str] = []
    payoffs: dict[str, dict[str, FloatArray]] = {}
    weights: dict[str, FloatArray] = {}
    keys: dict[str, int] = {}
    codes = np.zeros(total, dtype=np.int64)
    work = functools.partial(_per_point_chunk, problem, axes, dict(fixed), outside_map)
    step = max(1, min(POINTS_PER_TASK, total // 100))
    for start, _stop, chunk in map_chunks(work, total, step, scheduler=scheduler, progress=progress):
        for flat, found in enumerate(chunk, start):
            for name, s in found.items():
                if name not in payoffs:
                    names.append(name)
                    payoffs[name] = {a: np.full(total, np.nan) for a in problem.actors}
                    weights[name] = np.zeros((total, problem.size))
                for k, a in enumerate(problem.actors):
                    payoffs[name][a][flat] = float(s.point[k])
                for pkg, w in s.lottery:
                    weights[name][flat, pkg] += w
            codes[flat] = keys.setdefault(_support_label(problem, found["nash"]), len(keys))
    notes = [] if "rubinstein" in names else [NO_DISCOUNT]
    if why:
        notes.append(
            f"The formulas could not be compiled for the whole grid ({why}); every point was solved on its own."
        )
    return DealSweep(
        problem=problem,
        axes=axes,
        solutions=tuple(names),
        payoffs={n: {a: v.reshape(shape) for a, v in by.items()} for n, by in payoffs.items()},
        weights={n: w.reshape(*shape, problem.size) for n, w in weights.items()},
        labels=tuple(sorted(keys, key=lambda k: keys[k])),
        codes=codes.reshape(shape),
        method="frontier of lotteries and the axiomatic and alternating-offers solutions at every grid point "
        "(numbers; Rubinstein with the first actor proposing)"
        + ("" if scheduler is None else f", on {describe(scheduler)}"),
        values=fixed,
        notes=tuple(notes),
    )

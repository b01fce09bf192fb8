r"""The bargaining solutions of a package deal at every point of a parameter grid.

At every grid point :math:`\theta` the packages' utilities are evaluated, the Pareto frontier of
lotteries over packages is built and the solutions :func:`~bargaining.analysis.deal.bargain`
reports are computed from it with the same kernels (:mod:`bargaining.kernels.axiomatic`): Nash
(symmetric and with the bargaining powers), Kalai–Smorodinsky, egalitarian, utilitarian and,
where the problem has discount factors, Rubinstein's alternating offers (the first actor proposing,
outside options from the scenario's ``[outside]`` table). Only the numbers are computed: the
exact forms on frontier edges and the linkage zones that :func:`bargain` adds are skipped, which
makes a point about a hundred times cheaper. A point's outcome is the support of the Nash
solution: the package it picks, or the two packages it mixes on an edge of the frontier.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bargaining.analysis.deal import bargain
from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.sweep_grid import GridAxes, check_budget, grid_axes, nested, outcome_table, point_values
from bargaining.errors import ScenarioError
from bargaining.games.bargain import BargainingProblem
from bargaining.kernels.axiomatic import Solution
from bargaining.scenario import Scenario

__all__ = ["DealSweep", "solutions_at", "sweep_deal"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
NO_DEAL = "no package beats disagreement"


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
) -> DealSweep:
    """Every bargaining solution's payoffs, and the Nash solution's packages, at every grid point."""
    scenario = Scenario.of(model)
    problem = scenario.game
    if not isinstance(problem, BargainingProblem):
        raise ScenarioError('a package deal (game = "bargain")', found=f"a {scenario.kind} game", field="model")
    axes = grid_axes(scenario, grid)
    total = check_budget(axes, "bargain")
    fixed = {k: v for k, v in scenario.values(values).items() if k not in axes}
    shape = tuple(len(v) for v in axes.values())
    outside = scenario.extra.get("outside")
    outside_map = outside if isinstance(outside, Mapping) else None
    names: list[str] = []
    payoffs: dict[str, dict[str, FloatArray]] = {}
    weights: dict[str, FloatArray] = {}
    keys: dict[str, int] = {}
    codes = np.zeros(total, dtype=np.int64)
    step = max(1, total // 100)
    for flat in range(total):
        found = solutions_at(problem, point_values(axes, fixed, flat), outside_map)
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
        if progress is not None and ((flat + 1) % step == 0 or flat + 1 == total):
            progress(flat + 1, total)
    notes = [] if "rubinstein" in names else ["No [discount] table: Rubinstein's alternating offers are not computed."]
    return DealSweep(
        problem=problem,
        axes=axes,
        solutions=tuple(names),
        payoffs={n: {a: v.reshape(shape) for a, v in by.items()} for n, by in payoffs.items()},
        weights={n: w.reshape(*shape, problem.size) for n, w in weights.items()},
        labels=tuple(sorted(keys, key=lambda k: keys[k])),
        codes=codes.reshape(shape),
        method="frontier of lotteries and the axiomatic and alternating-offers solutions at every grid point "
        "(numbers; Rubinstein with the first actor proposing)",
        values=fixed,
        notes=tuple(notes),
    )

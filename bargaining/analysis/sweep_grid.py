"""What sweeps of every kind share: the grid's axes checked against the parameters' bounds, the
budget of points for the per-point sweeps, and the table of distinct outcomes over the grid.

A grid is the outer product of 1-D axes :math:`\\theta_1 \\times \\dots \\times \\theta_k`; a point's
flat index runs in C order over the axes (the last axis fastest).

>>> from bargaining.games.normal import NormalFormGame
>>> from bargaining.scenario import Scenario
>>> game = NormalFormGame.from_table({"A": ["x", "y"], "B": ["x", "y"]},
...     {("x", "x"): ("r", 1), ("x", "y"): (0, 0), ("y", "x"): (0, 0), ("y", "y"): (1, "r")},
...     parameters={"r": (2.0, 0.0, 10.0)})
>>> axes = grid_axes(Scenario.of(game), {"r": [0, 5, 10]})
>>> axes["r"].tolist()
[0.0, 5.0, 10.0]
>>> grid_axes(Scenario.of(game), {"r": [11]})
Traceback (most recent call last):
...
bargaining.errors.ScenarioError: grid.r: expected values in [0, 10], found 11
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from bargaining.analysis.result import clean_number
from bargaining.budget import check_count
from bargaining.errors import ScenarioError
from bargaining.scenario import Scenario

__all__ = ["MAX_POINTS", "check_budget", "grid_axes", "nested", "outcome_table", "point_values"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_POINTS = 20_000
"""The most grid points a tree or package-deal sweep takes (each point is solved on its own)."""


def grid_axes(scenario: Scenario, grid: Mapping[str, npt.ArrayLike]) -> dict[str, FloatArray]:
    """Each swept parameter's 1-D values, checked: a known parameter, finite values within its bounds."""
    if not grid:
        raise ScenarioError("at least one parameter to sweep", found="none", field="grid")
    axes: dict[str, FloatArray] = {}
    for name, raw in grid.items():
        try:
            p = scenario.parameter(name)
        except ScenarioError as err:
            raise err.located(field=f"grid.{name}") from None
        arr = np.atleast_1d(np.asarray(raw, dtype=float))
        if arr.ndim != 1 or arr.size == 0:
            raise ScenarioError("a 1-D list of values", found=f"shape {arr.shape}", field=f"grid.{name}")
        bad = arr[(arr < p.min) | (arr > p.max) | ~np.isfinite(arr)]
        if bad.size:
            raise ScenarioError(f"values in [{p.min:g}, {p.max:g}]", found=f"{bad[0]:g}", field=f"grid.{name}")
        axes[name] = arr
    return axes


def check_budget(
    axes: Mapping[str, FloatArray] | Sequence[int], kind: str, limit: int = MAX_POINTS, budget: float | None = None
) -> int:
    """The number of grid points, or a ``ScenarioError`` (field ``grid``) above ``limit`` (at the default
    budget; scaled with ``budget``, docs/format.md#budgets). ``axes`` may be the axes' lengths alone."""
    sizes = [len(v) for v in axes.values()] if isinstance(axes, Mapping) else [int(n) for n in axes]
    total = math.prod(sizes)
    check_count(
        "a grid",
        total,
        limit,
        budget,
        unit="points",
        field="grid",
        instead=f"a coarser grid: each point of a {kind} game is solved on its own",
    )
    return total


def point_values(axes: Mapping[str, FloatArray], fixed: Mapping[str, float], flat: int) -> dict[str, float]:
    """All parameter values at flat grid index ``flat`` (C order over the axes)."""
    shape = tuple(len(v) for v in axes.values())
    idx = np.unravel_index(flat, shape)
    return {**fixed, **{a: float(axes[a][int(i)]) for a, i in zip(axes, idx, strict=True)}}


def outcome_table(
    labels: Sequence[str], codes: npt.NDArray[np.integer[Any]], axes: Mapping[str, FloatArray]
) -> list[dict[str, Any]]:
    """For each label (in order): ``label``, ``points``, ``share`` of the grid and the ``ranges`` of
    every axis over the points where it holds (empty ranges for a label that holds nowhere)."""
    mesh = [m.reshape(-1) for m in np.meshgrid(*axes.values(), indexing="ij")]
    flat = np.asarray(codes).reshape(-1)
    total = max(flat.size, 1)
    out: list[dict[str, Any]] = []
    for k, label in enumerate(labels):
        idx = np.flatnonzero(flat == k)
        out.append(
            {
                "label": label,
                "points": int(idx.size),
                "share": idx.size / total,
                "ranges": {
                    a: [clean_number(float(v[idx].min())), clean_number(float(v[idx].max()))]
                    for a, v in zip(axes, mesh, strict=True)
                }
                if idx.size
                else {},
            }
        )
    return out


def nested(values: npt.NDArray[Any]) -> Any:
    """An array as nested lists of plain floats (NaN as None), ints or strings, for JSON."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return _clean(arr.tolist())
    return arr.tolist()


def _clean(x: Any) -> Any:
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return None if math.isnan(x) else clean_number(float(x))


class GridAxes:
    """What every sweep result shares: the swept ``axes`` (name -> 1-D values), their outer product
    as the grid, and the parameters held fixed (``values``)."""

    axes: Mapping[str, npt.NDArray[np.float64]]
    values: Mapping[str, float]

    @property
    def fixed(self) -> Mapping[str, float]:
        """The parameters not swept (the same as ``values``)."""
        return self.values

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.axes.values())

    def grid(self) -> dict[str, npt.NDArray[np.float64]]:
        """Each swept parameter's value at every grid point (arrays of the grid's shape)."""
        mesh = np.meshgrid(*self.axes.values(), indexing="ij")
        return dict(zip(self.axes, mesh, strict=True))

    def __repr__(self) -> str:
        """Short: the class, the axes and the number of points, never the arrays (a sweep's dataclass
        repr ran to tens of thousands of characters); ``outcomes``/``to_dict()`` hold the answer."""
        axes = ", ".join(f"{a}={float(v.min()):g}..{float(v.max()):g} ({len(v)})" for a, v in self.axes.items())
        return f"<{type(self).__name__}: {axes}; {int(np.prod(self.shape)):,} points>"

    def grid_json(self) -> dict[str, Any]:
        """The JSON every sweep starts with: ``axes`` (from, to, n), ``grid``, ``fixed``, ``points``."""
        return {
            "axes": {
                a: {"from": clean_number(float(v[0])), "to": clean_number(float(v[-1])), "n": len(v)}
                for a, v in self.axes.items()
            },
            "grid": {a: [clean_number(float(x)) for x in v] for a, v in self.axes.items()},
            "fixed": {k: clean_number(v) for k, v in self.values.items()},
            "points": int(np.prod(self.shape)),
        }

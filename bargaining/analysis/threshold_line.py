"""The best reply along one parameter: a threshold's payoff difference evaluated on a line.

A :class:`~bargaining.analysis.threshold.Threshold` of ``prefer`` over ``over`` in a parameter
:math:`x` carries the payoff difference :math:`D(x) = u(\\text{prefer}) - u(\\text{over})` with the
other parameters as symbols. Holding them at the threshold's values, ``prefer`` is the better reply
where :math:`D(x) > 0`, ``over`` where :math:`D(x) < 0`, and the threshold :math:`x^*` is where
:math:`D` changes sign. :func:`threshold_line` evaluates :math:`D` on a grid of :math:`x` over the
parameter's range (its bounds, or around the value and the threshold when a bound is infinite):
the picture of the lesson's centre, for every game kind (the difference of two strategies given the
others' play, of two moves at a tree's node with play below subgame perfect, or of a package over
disagreement).

>>> from bargaining.analysis.threshold import threshold
>>> from bargaining.io.scenario_file import load
>>> sc = load("conditionality")
>>> t = threshold(sc, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"}, statics=False)
>>> line = threshold_line(sc, t, points=5)
>>> line.x.tolist()
[0.0, 1.625, 2.5, 5.0, 7.5, 10.0]
>>> t.formula, t.value  # the threshold is a point of the line, where the difference is zero
(c/(delta**tau*p), 1.625)
>>> [round(float(d), 6) for d in line.difference]  # comply is the better reply above r*
[-1.3, 0.0, 0.7, 2.7, 4.7, 6.7]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.threshold import Threshold
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.scenario import Scenario

if TYPE_CHECKING:
    from bargaining.games.bargain import BargainingProblem
    from bargaining.games.normal import NormalFormGame
    from bargaining.games.tree import TreeGame

__all__ = ["ThresholdLine", "threshold_line"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ThresholdLine(Result):
    """``difference[k]`` = u(prefer) - u(over) at ``x[k]`` of ``threshold.parameter`` (NaN where it is
    not a finite real number), the other parameters at ``values``; ``threshold`` is the answer drawn."""

    threshold: Threshold
    x: FloatArray
    difference: FloatArray
    method: str = "the threshold's payoff difference compiled to numpy along the parameter"
    values: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def parameter(self) -> str:
        return self.threshold.parameter

    def to_dict(self) -> dict[str, Any]:
        """``parameter``, ``x``, ``difference`` (None where not a finite number), ``threshold``, ``parameters``."""
        return {
            "parameter": self.parameter,
            "x": [clean_number(float(v)) for v in self.x],
            "difference": [clean_number(float(v)) if math.isfinite(v) else None for v in self.difference],
            "threshold": self.threshold.to_dict(),
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


def _span(lo: float, hi: float, centre: float) -> tuple[float, float]:
    """Finite ends of the line: the bounds where finite, else as far again beyond ``centre``."""
    width = max(1.0, abs(centre))
    if not math.isfinite(lo):
        lo = min(centre, hi) - width if math.isfinite(hi) else centre - width
    if not math.isfinite(hi):
        hi = max(centre, lo) + width
    return lo, hi


def threshold_line(
    model: Scenario | NormalFormGame | TreeGame | BargainingProblem,
    threshold: Threshold,
    *,
    values: Mapping[str, float] | None = None,
    points: int = 401,
) -> ThresholdLine:
    """``threshold``'s payoff difference on ``points`` values of its parameter over the parameter's
    range (bounds that are infinite replaced by a span around the value and the threshold), the
    other parameters at ``values`` (default: the values the threshold was found at).

    The threshold's own value is one of the points when it lies in the range, so the line crosses
    zero on the grid where the threshold says."""
    scenario = Scenario.of(model)
    if points < 2:
        raise ScenarioError("at least 2 points", found=str(points), field="points")
    target = scenario.parameter(threshold.parameter)
    vals = dict(threshold.values) if values is None else scenario.values(values)
    star = threshold.value if threshold.value is not None and math.isfinite(threshold.value) else None
    centre = star if star is not None else vals.get(target.name, target.value)
    lo, hi = _span(target.min, target.max, centre)
    xs = np.linspace(lo, hi, points)
    if star is not None and lo < star < hi:
        xs = np.unique(np.append(xs, star))
    symbols = sorted(threshold.difference.free_symbols, key=lambda s: s.name)
    missing = [s.name for s in symbols if s.name != target.name and s.name not in vals]
    if missing:
        raise ScenarioError("a value for each parameter of the difference", found=", ".join(missing), field="values")
    f = compile_numpy(symbols, threshold.difference)
    env = {name: np.full(xs.shape, float(v)) for name, v in vals.items()} | {target.name: xs}
    with np.errstate(all="ignore"):
        diff = np.broadcast_to(np.asarray(f(*(env[s.name] for s in symbols)), dtype=float), xs.shape)
    diff = np.where(np.isfinite(diff), diff, np.nan)
    if not np.isfinite(diff).any():
        raise ScenarioError(
            f"a payoff difference with a finite value somewhere along {target.name}",
            found=f"none at {points} points from {lo:g} to {hi:g} ({threshold.difference})",
            field="plot",
        )
    notes: tuple[str, ...] = ()
    if star is not None and not (target.min <= star <= target.max):
        notes = (f"The threshold {target.name}* = {star:.6g} lies outside {target.name}'s range.",)
    return ThresholdLine(threshold=threshold, x=xs, difference=np.array(diff), values=vals, notes=notes)

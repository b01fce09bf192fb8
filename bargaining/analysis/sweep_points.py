r"""Point-by-point sweeps of the kinds with their own solvers: two-level, signalling and Bayesian games.

At every point :math:`\theta` of the grid (the outer product of the swept axes, C order) the game
is solved on its own and the solution summarised by a short **label** and a few **numbers**:

- a two-level game (:func:`~bargaining.analysis.two_level.ratify`, numbers only): ``"no agreement"``
  when the win sets do not intersect, else ``"agreement at v = F"`` with ``F`` the formula of the
  zone's end where the Nash bargaining outcome lies (the bound that binds, e.g. ``cap_c``), or
  ``"agreement at v inside the zone"`` when it lies strictly between the ends; the numbers are the
  offer (NaN without agreement) and each side's payoff;
- a signalling game (:func:`~bargaining.analysis.pbe.perfect_bayesian`): the set of pure perfect
  Bayesian equilibria, each named pooling or separating with the types' messages and the
  receiver's replies; the number is how many there are;
- a Bayesian game (:func:`~bargaining.analysis.bayes_nash.bayes_nash`): the set of pure Bayes–Nash
  equilibria, each type's action; the number is how many there are;
- any game with a ``label`` function of one's own, e.g. :func:`screening_label` for a screening
  tree: the proposer's choice, pooling or separating, at the offer's formula.

Every point is solved by the same function the command's ``solve`` uses, so the sweep agrees with
solving each point by hand; grids above :data:`~bargaining.analysis.sweep_grid.MAX_POINTS` points
(scaled by the budget) are refused before any work.

>>> from bargaining.io.scenario_file import load
>>> s = sweep_points(load("eu_russia_ratification"), {"cap_c": [0.3, 0.5, 0.9]}, {"cap_b": 0.9})
>>> [s.labels[c] for c in s.codes.tolist()]
['no agreement', 'agreement at v = cap_c', 'agreement at v inside the zone']
>>> [round(float(x), 4) for x in s.numbers["offer"][1:]]
[0.5, 0.7077]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bargaining.analysis.bayes_nash import bayes_nash
from bargaining.analysis.engine import Scheduler, describe, map_chunks
from bargaining.analysis.pbe import perfect_bayesian
from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.screening import screening_threshold
from bargaining.analysis.sweep_grid import GridAxes, check_budget, grid_axes, nested, outcome_table, point_values
from bargaining.analysis.two_level import ratify
from bargaining.budget import using_budget
from bargaining.errors import ScenarioError
from bargaining.games.bayesian import BayesianGame
from bargaining.games.signalling import SignallingGame
from bargaining.games.two_level import TwoLevelGame
from bargaining.scenario import Scenario

__all__ = [
    "KINDS",
    "Labeller",
    "PointSweep",
    "bayes_nash_label",
    "pbe_label",
    "ratification_label",
    "screening_label",
    "sweep_points",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Summary = tuple[str, Mapping[str, float]]
Labeller = Callable[[Scenario, Mapping[str, float]], Summary]
NO_AGREEMENT = "no agreement"
POINTS_PER_CHUNK = 64
"""Grid points one task solves (a chunk of the grid on a Dask cluster)."""


def _label_chunk(
    scenario: Scenario,
    start: int,
    stop: int,
    *,
    label: Labeller,
    axes: Mapping[str, FloatArray],
    fixed: Mapping[str, float],
) -> list[Summary]:
    """The summaries of flat grid points ``start`` to ``stop`` (a pure function of its arguments)."""
    return [label(scenario, point_values(axes, fixed, flat)) for flat in range(start, stop)]


def ratification_label(scenario: Scenario, values: Mapping[str, float]) -> Summary:
    """A two-level game at ``values``: agreement (and at which end of the zone) or not; the offer and
    each side's payoff."""
    r = ratify(scenario, values, exact=False)
    game = r.game
    assert isinstance(game, TwoLevelGame)
    numbers = {
        "offer": math.nan if r.offer is None else r.offer,
        **{f"U_{a}": u for a, u in zip(game.actors, r.payoffs, strict=True)},
    }
    if not r.agreement:
        return NO_AGREEMENT, numbers
    if r.offer_formula is not None:
        return f"agreement at {game.offer} = {r.offer_formula}", numbers
    if r.offer is None:
        return "agreement by a lottery over parts of the zone", numbers
    return f"agreement at {game.offer} inside the zone", numbers


def pbe_label(scenario: Scenario, values: Mapping[str, float]) -> Summary:
    """A signalling game at ``values``: its pure perfect Bayesian equilibria, named."""
    result = perfect_bayesian(scenario, values)
    g = result.game
    names = sorted(
        {
            f"{e.kind} ({', '.join(f'{t} {m}' for t, m in e.sender.items())}; "
            f"{g.receiver}: {', '.join(f'{m} {a}' for m, a in e.receiver.items())})"
            for e in result.equilibria
        }
    )
    return (" | ".join(names) or "no pure PBE"), {"equilibria": float(len(result.equilibria))}


def bayes_nash_label(scenario: Scenario, values: Mapping[str, float]) -> Summary:
    """A Bayesian game at ``values``: its pure Bayes–Nash equilibria, each type's action."""
    result = bayes_nash(scenario, values)
    names = sorted(
        "; ".join(
            f"{a} " + (next(iter(plan.values())) if len(plan) == 1 else ", ".join(f"{t} {x}" for t, x in plan.items()))
            for a, plan in eq.items()
        )
        for eq in result.pure
    )
    return (" | ".join(names) or "no pure Bayes-Nash equilibrium"), {"equilibria": float(len(result.pure))}


def screening_label(scenario: Scenario, values: Mapping[str, float]) -> Summary:
    """A screening tree at ``values``: the proposer's choice, pooling or separating, and the offer's
    formula; the numbers are the offer and the proposer's expected payoff.

    >>> from bargaining.io.scenario_file import load
    >>> screening_label(load("eu_russia_screening"), {"mu": 0.95})[0]
    'separating at v = (C_L*delta**T + c_N + d_R)/a'
    """
    s = screening_threshold(scenario, values, statics=False)
    numbers = {"offer": s.offers[s.choice], "expected": s.expected[s.choice]}
    return f"{s.choice} at {s.parameter} = {s.offer_formulas[s.choice]}", numbers


KINDS: Mapping[str, Labeller] = {
    "two_level": ratification_label,
    "signalling": pbe_label,
    "bayesian": bayes_nash_label,
}
"""The label function for each kind :func:`sweep_points` sweeps by default."""

_TITLES = {
    "two_level": "agreement and the negotiated offer",
    "signalling": "the pure perfect Bayesian equilibria",
    "bayesian": "the pure Bayes-Nash equilibria",
}


@dataclass(frozen=True, eq=False, repr=False)  # repr: GridAxes's, short
class PointSweep(GridAxes, Result):
    """A game solved at every point of a grid, each point summarised by a label and numbers.

    ``kind`` is the game's kind; ``axes`` the swept parameters' 1-D values (the grid is their
    product, C order), ``values`` the parameters held fixed; ``labels`` the distinct labels in the
    order first met and ``codes`` each point's index into them (grid shape); ``numbers`` name ->
    array of the grid's shape (NaN where a number does not apply); ``what`` says what the labels are.
    """

    kind: str
    axes: Mapping[str, FloatArray]
    labels: tuple[str, ...]
    codes: IntArray
    numbers: Mapping[str, FloatArray]
    what: str = ""
    method: str = ""
    values: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def outcome_codes(self) -> tuple[list[dict[str, Any]], IntArray]:
        """The distinct labels with their share of the grid, the axes' ranges and the numbers' ranges
        where each holds, and each point's index into them."""
        table = outcome_table(self.labels, self.codes, self.axes)
        flat = self.codes.reshape(-1)
        for k, row in enumerate(table):
            where = flat == k
            ranges = {}
            for name, v in self.numbers.items():
                xs = v.reshape(-1)[where]
                xs = xs[np.isfinite(xs)]
                if xs.size:
                    ranges[name] = [clean_number(float(xs.min())), clean_number(float(xs.max()))]
            row["numbers"] = ranges
        return table, self.codes

    def outcomes(self) -> list[dict[str, Any]]:
        """The distinct labels, their share of the grid and where they hold."""
        return self.outcome_codes()[0]

    def where(self, label: str) -> npt.NDArray[np.bool_]:
        """The grid points (a boolean array of the grid's shape) where the outcome is ``label``."""
        if label not in self.labels:
            return np.zeros(self.shape, dtype=bool)
        return np.asarray(self.codes == self.labels.index(label))

    def to_dict(self) -> dict[str, Any]:
        """JSON: ``game``, ``axes``, ``grid``, ``fixed``, ``points``, ``what``, ``labels``, ``codes``
        (nested lists over the grid), ``numbers`` (name -> nested lists, NaN as null), ``outcomes``,
        ``method``, ``notes``."""
        return {
            "game": self.kind,
            **self.grid_json(),
            "what": self.what,
            "method": self.method,
            "labels": list(self.labels),
            "codes": nested(self.codes),
            "numbers": {k: nested(v) for k, v in self.numbers.items()},
            "outcomes": self.outcomes(),
            "notes": list(self.notes),
        }


def sweep_points(
    model: Scenario | TwoLevelGame | SignallingGame | BayesianGame,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    label: Labeller | None = None,
    progress: Callable[[int, int], None] | None = None,
    budget: float | None = None,
    scheduler: Scheduler = None,
) -> PointSweep:
    """Solve ``model`` at every point of ``grid`` and summarise each point by ``label(scenario, values)``
    (a label and numbers; by default the kind's own, :data:`KINDS`).

    ``grid`` maps parameters to 1-D values within their bounds; the others keep ``values`` (or their
    defaults). More than :data:`~bargaining.analysis.sweep_grid.MAX_POINTS` points (scaled by
    ``budget``, in MiB) are refused before any work; ``progress(done, total)`` is called as points are
    done. The points are solved in chunks of at most :data:`POINTS_PER_CHUNK`, in this process or, with
    ``scheduler`` (a ``dask.distributed`` Client or a scheduler's address), on a Dask cluster
    (:func:`~bargaining.analysis.engine.map_chunks`); the result is the same.
    """
    scenario = Scenario.of(model)
    if label is None:
        if scenario.kind not in KINDS:
            raise ScenarioError(
                f"a {', '.join(KINDS)} game, or a label function (others: bargaining.sweep)",
                found=f"a {scenario.kind} game",
                field="label",
            )
        label = KINDS[scenario.kind]
        what = _TITLES[scenario.kind]
    else:
        what = getattr(label, "__name__", "the label")
    axes = grid_axes(scenario, grid)
    with using_budget(budget):
        total = check_budget(axes, scenario.kind)
    fixed = {k: v for k, v in scenario.values(values).items() if k not in axes}
    shape = tuple(len(v) for v in axes.values())
    keys: dict[str, int] = {}
    codes = np.zeros(total, dtype=np.int64)
    numbers: dict[str, FloatArray] = {}
    work = functools.partial(_label_chunk, label=label, axes=axes, fixed=fixed)
    # in this process, chunks of about 1 % of the grid (for progress); on a cluster, at least 32 tasks
    step = max(1, min(POINTS_PER_CHUNK, total // 100 if scheduler is None else -(-total // 32)))
    for start, _stop, found in map_chunks(work, total, step, scheduler=scheduler, progress=progress, shared=scenario):
        for offset, (text, nums) in enumerate(found):
            flat = start + offset
            codes[flat] = keys.setdefault(text, len(keys))
            for name, x in nums.items():
                if name not in numbers:
                    numbers[name] = np.full(total, np.nan)
                numbers[name][flat] = float(x)
    return PointSweep(
        kind=scenario.kind,
        axes=axes,
        labels=tuple(sorted(keys, key=lambda k: keys[k])),
        codes=codes.reshape(shape),
        numbers={k: v.reshape(shape) for k, v in numbers.items()},
        what=what,
        method=f"solved at every grid point and summarised by {getattr(label, '__name__', 'a label function')}"
        + ("" if scheduler is None else f", on {describe(scheduler)}"),
        values=fixed,
    )

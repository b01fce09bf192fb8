"""Speed of parameter sweeps and thresholds against baselines timed in the same process.

What is measured
----------------
1. **Every equilibrium over a grid of parameter values** with :func:`bargaining.analysis.sweep.sweep`, on two
   games built in Python (a ``Scenario`` around ``NormalFormGame.from_table``):

   * ``2x2``: the inspection game of docs/models.md#the-inspection-game. The EU (monitor / trust) gets
     ``[[g-m, -m], [g, -l]]`` and Russia (readmit / stall) ``[[-e, -f], [-e, 0]]``. The sweep covers
     f and l over [1.5, 5], with e = 1, g = 2, m = 1. Since e < f and m < l everywhere, the game is
     non-degenerate and its unique equilibrium is mixed at every point;
   * ``3x3``: a game on two parameters, a and b, both over [-1, 3]. Both actors gain from
     coordinating on x (payoff a) or on y (payoff b), while x against z is an anti-coordination pair
     (3/2 and 2). Its other entries are distinct constants. It has 1, 3, 5 or 7 equilibria depending
     on the point. The script reports the number of degenerate grid points, which is 0 on these grids.

   Each game is swept on a grid of 10^4 points (100 x 100) and one of 10^6 points (1000 x 1000). In
   ``--quick`` mode the 3x3 game's large grid is 10^5 points (100 x 1000), and there are fewer calls.
   The scenario is built once, outside the timing. The first call on a game does the symbolic
   setup: sympy solves the indifference conditions and lambdify compiles them, cached per game
   inside the library. That call is timed on its own and reported as the setup.

2. **Baselines on the same games.**

   * ``numpy closed form`` (2x2 only) is a hand-written numpy formula for the inspection game's
     equilibrium over the whole grid: P(monitor) = e/f and P(readmit) = 1 - m/l where e < f and
     m < l. It returns both actors' full probability vectors and the validity mask, the same output
     as the sweep. This is the practical limit.
   * ``loop: ...`` rows are per-point loops. They call nashpy's ``Game(A, B).vertex_enumeration()``
     and ``.support_enumeration()``, QuantEcon's ``vertex_enumeration`` (numba, compiled by the
     warm-up) and the project's :func:`bargaining.kernels.bimatrix.vertex_enumeration`. The numeric
     loops get the payoff matrices of their points from one vectorised call made before the timing;
     building the solver's game object and solving are timed. The sympy loop (``loop: sympy subs +
     vertex_enumeration``) substitutes each point's values into the symbolic payoff table, then
     solves with the project's vertex enumeration.

   The loops run on a fixed-seed random sample of points of the large grid: 10^3 points, or 10^2
   with ``--quick``. Their times are extrapolated linearly to the grid sizes and marked ``~``.

3. **Agreement** (asserted; the script stops with an error if it fails).

   * At 50 random points of each game's large grid, the sweep's equilibria (the probabilities of the
     valid candidates) equal those of the project's per-point vertex enumeration, each within 1e-7.
   * At every point of both 2x2 grids, the sweep equals the numpy closed form.

   Each loop's count of equilibria at its sample points is compared with the sweep's and reported
   (``#eq agree``), not asserted.

4. **A threshold with its comparative statics.** The call timed is
   ``bargaining.analysis.threshold.threshold(load("conditionality"), "CA", prefer="comply", over="defy",
   solve_for="r", given={"EU": "reward"})``. It runs first, before anything else, so that the
   first call (sympy caches) is as cold as a user's. The figure reported is the median of the
   calls that follow.

5. **Scaling** (issue 13, items 3 and 4). Each game is swept on grids of 10^4, 10^5, 10^6 and 10^7
   points (``--quick``: 10^4 and 10^5), each time against a hand-written numpy baseline on the same
   grid, timed in the same process: the 2x2 closed form above, and for the 3x3 game
   :func:`vertex_formulas_3x3`, the same vertex formulas (support enumeration with the indifference
   conditions solved in closed form: Cramer's rule for two strategies, cofactor sums for three) and
   the best-reply checks, evaluated with plain numpy on the whole grid. The 3x3 sweep keeps
   everything up to 10^6 points (10^7 points of it would need about 6 GiB) and is also run keeping
   only the outcomes (``keep="outcomes"``) at every size, against the same baseline in blocks of
   10^6 points keeping only counts. Agreement is asserted on every grid: the 2x2 sweep equals the
   closed form at every point, the 3x3 sweep's count of equilibria equals the baseline's at every
   non-degenerate point. The table gives time per point and sweep / baseline (below 1: the sweep
   is faster).

   The 2x2 closed form works its formulas out on the axes (e/f on the 1,000 values of f, 1 - m/l on
   those of l) and broadcasts them into its full outputs (validity, both mixtures), so it does far
   less arithmetic than a solver that sees one payoff table a point. Beside it (``full``),
   :func:`inspection_closed_form_full` evaluates the same formulas at every grid point from full
   parameter arrays and also gives both payoffs, zero where no equilibrium: the sweep's own output;
   both are checked equal to the sweep at every point, and the ratio to each is reported. Each size is
   timed over 5 calls (10^4) or 3 (larger); the table also gives the first call's time, and per call
   the CPU time, the kernel's CPU time and the minor page faults (getrusage): only the first call at a
   size pays the kernel for memory the process never had.

   In full mode the 2x2 game is then swept over 10^8 points keeping only outcomes, in a fresh process
   whose peak resident memory is reported against the default 1 GiB budget.

Times are medians over calls (``time.perf_counter``, garbage collector off during a call). The ratio
columns are *baseline time / sweep time* on the same grid: above 1 means the sweep is faster. For the
large grid, the script also reports how much of the sweep's time is kernel time. This is mostly page
faults on the freshly allocated output arrays, and it varies from run to run.

Goals
-----
* 10^6 points of the 2x2 game in under 1 s, and within 3x of the hand-written numpy closed form.
* The sweep at least 100x faster than the fastest per-point loop, for both games, on the large grid.
* The threshold with its comparative statics (the payoff is linear in r) in under 0.5 s.
* From the scaling table: at 10^6 points the 2x2 sweep within 3x of the closed form (reported against
  both forms of it) and the 3x3 sweep
  within 5x of the hand-written vertex formulas; time per point flat (largest over smallest within 2x)
  from 10^4 to 10^7 points (2x2 keeping everything, 3x3 keeping outcomes); the outcomes-only sweep of
  10^8 points within the default budget of 1 GiB (peak resident memory of its process).

Each goal ends in one line ``goal ...: met (...)`` or ``goal ...: not met (...)``. Speed is reported,
never enforced: the exit status is non-zero only if an agreement check fails.

How to run
----------
From the repository root, with the ``bench`` extra (QuantEcon) installed::

    python benchmarks/sweep.py           # full run, a few minutes (10^7-point grids, 10^8 outcomes-only)
    python benchmarks/sweep.py --quick   # smoke run: smaller 3x3 grid, 10^2-point loops, scaling to 10^5 (~20 s)
"""

from __future__ import annotations

import argparse
import itertools
import math
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import nashpy
import numpy as np
import numpy.typing as npt
import quantecon
import quantecon.game_theory as qe_gt
import sympy
from common import time_call, unmatched

import bargaining
from bargaining import NormalFormGame, Parameter, Scenario
from bargaining.analysis.sweep import Sweep, sweep
from bargaining.analysis.threshold import Threshold, threshold
from bargaining.kernels.bimatrix import vertex_enumeration

T = TypeVar("T")
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Pair = tuple[FloatArray, FloatArray]

MATCH_TOL = 1e-7
SEED = 20240607


# --------------------------------------------------------------------------- the games


def inspection_scenario() -> Scenario:
    """docs/models.md#the-inspection-game: EU monitor/trust against Russia readmit/stall, five costs as parameters."""

    def p(name: str, value: float, low: float, high: float, description: str) -> Parameter:
        return Parameter(name, value, min=low, max=high, description=description, source="benchmark")

    table: Mapping[tuple[str, ...], Sequence[str]] = {
        ("monitor", "readmit"): ["g - m", "-e"],
        ("monitor", "stall"): ["-m", "-f"],
        ("trust", "readmit"): ["g", "-e"],
        ("trust", "stall"): ["-l", "0"],
    }
    game = NormalFormGame.from_table(
        {"EU": ["monitor", "trust"], "RU": ["readmit", "stall"]}, table, parameters=["e", "f", "g", "m", "l"]
    )
    return Scenario(
        title="inspection game (docs/models.md#the-inspection-game)",
        game=game,
        parameters=(
            p("e", 1, 0.1, 5, "Russia's cost of processing a readmission request"),
            p("f", 4, 1.5, 5, "sanction on Russia if caught stalling"),
            p("g", 2, 0, 5, "EU's gain from readmission"),
            p("m", 1, 0.1, 5, "EU's monitoring cost"),
            p("l", 2, 1.5, 5, "EU's loss from undetected stalling"),
        ),
    )


def coordination_scenario() -> Scenario:
    """A 3x3 game: coordination on x (worth a) and y (worth b), anti-coordination between x and z."""
    strategies = ["x", "y", "z"]
    row = [["a", "0", "3/2"], ["1/5", "b", "-1/2"], ["2", "-1/5", "1/10"]]
    col = [["a", "1/5", "2"], ["-1/10", "b", "-1/5"], ["3/2", "-1/2", "3/10"]]
    table: Mapping[tuple[str, ...], Sequence[str]] = {
        (strategies[i], strategies[j]): [row[i][j], col[i][j]] for i in range(3) for j in range(3)
    }
    game = NormalFormGame.from_table({"R": strategies, "C": strategies}, table, parameters=["a", "b"])
    return Scenario(
        title="3x3 coordination / anti-coordination",
        game=game,
        parameters=(
            Parameter("a", 1, min=-1, max=3, description="value of coordinating on x", source="benchmark"),
            Parameter("b", 1, min=-1, max=3, description="value of coordinating on y", source="benchmark"),
        ),
    )


@dataclass(frozen=True)
class Case:
    """One game and the box swept: ``axes`` holds (parameter, low, high) for each of the two axes."""

    key: str
    title: str
    scenario: Scenario
    axes: tuple[tuple[str, float, float], tuple[str, float, float]]

    def grid(self, shape: tuple[int, int]) -> dict[str, FloatArray]:
        return {name: np.linspace(lo, hi, n) for (name, lo, hi), n in zip(self.axes, shape, strict=True)}


def cases() -> list[Case]:
    return [
        Case(
            "2x2",
            "2x2 inspection game (EU monitor/trust vs RU readmit/stall), f x l in [1.5, 5]^2, e = 1, g = 2, m = 1",
            inspection_scenario(),
            (("f", 1.5, 5.0), ("l", 1.5, 5.0)),
        ),
        Case(
            "3x3",
            "3x3 coordination / anti-coordination game, a x b in [-1, 3]^2",
            coordination_scenario(),
            (("a", -1.0, 3.0), ("b", -1.0, 3.0)),
        ),
    ]


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Config:
    """Everything that differs between the full run and ``--quick``."""

    name: str
    grids: dict[str, tuple[tuple[int, int], tuple[int, int]]]  # per game: small and large grid shapes
    sweep_repeats: tuple[int, int]  # calls on the small and on the large grid (after the first call)
    loop_points: int  # sample size of the numeric per-point loops
    subs_points: int  # sample size of the sympy loop
    loop_repeats: dict[str, int]  # passes over the sample, per loop
    agree_points: int
    threshold_calls: int


LOOPS = (
    "nashpy vertex_enumeration",
    "nashpy support_enumeration",
    "QuantEcon vertex_enumeration",
    "bargaining vertex_enumeration",
    "sympy subs + vertex_enumeration",
)
FAST_LOOPS = ("QuantEcon vertex_enumeration", "bargaining vertex_enumeration")  # several passes in full mode

FULL = Config(
    name="full",
    grids={"2x2": ((100, 100), (1000, 1000)), "3x3": ((100, 100), (1000, 1000))},
    sweep_repeats=(9, 5),
    loop_points=1000,
    subs_points=1000,
    loop_repeats={name: 3 if name in FAST_LOOPS else 1 for name in LOOPS},
    agree_points=50,
    threshold_calls=9,
)

QUICK = Config(
    name="quick",
    grids={"2x2": ((100, 100), (1000, 1000)), "3x3": ((100, 100), (100, 1000))},
    sweep_repeats=(3, 1),
    loop_points=100,
    subs_points=100,
    loop_repeats=dict.fromkeys(LOOPS, 1),
    agree_points=50,
    threshold_calls=3,
)


# --------------------------------------------------------------------------- timing


def kernel_seconds() -> float:
    """System (kernel) CPU seconds used by this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def timed_with_kernel(fn: Callable[[], T], calls: int) -> tuple[float, float, T]:
    """Like :func:`timed`, plus the median kernel time of a call (page faults on fresh memory)."""

    def one() -> tuple[float, float, T]:
        before = kernel_seconds()
        elapsed, out = time_call(fn)
        return elapsed, kernel_seconds() - before, out

    elapsed, kernel, first = one()
    times, kernels = [elapsed], [kernel]
    for _ in range(calls - 1):
        elapsed, kernel, out = one()
        del out  # before the next call, so that only the first result is held
        times.append(elapsed)
        kernels.append(kernel)
    return statistics.median(times), statistics.median(kernels), first


def timed(fn: Callable[[], T], calls: int) -> tuple[float, T]:
    """Median seconds over ``calls`` calls of ``fn`` (at least one), and the first call's result."""
    elapsed, first = time_call(fn)
    times = [elapsed]
    times.extend(time_call(fn)[0] for _ in range(calls - 1))
    return statistics.median(times), first


@dataclass(frozen=True)
class Usage:
    """One timed series of calls: the median wall seconds, the first call's, and per call (means over the
    calls) CPU seconds (time.process_time), kernel seconds and minor page faults."""

    median_s: float
    first_s: float
    cpu_s: float
    kernel_s: float
    faults: float


def timed_usage(fn: Callable[[], T], calls: int) -> tuple[Usage, T]:
    """:func:`timed` with the first call's time, CPU and kernel time and page faults (getrusage)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu = time.process_time()
    elapsed, first = time_call(fn)
    times = [elapsed]
    times.extend(time_call(fn)[0] for _ in range(calls - 1))
    cpu = time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_SELF)
    usage = Usage(
        statistics.median(times),
        elapsed,
        cpu / calls,
        (after.ru_stime - before.ru_stime) / calls,
        (after.ru_minflt - before.ru_minflt) / calls,
    )
    return usage, first


# --------------------------------------------------------------------------- closed form (2x2)


def inspection_closed_form(
    f: FloatArray, loss: FloatArray, e: float, m: float
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Validity (grid) and the EU's and Russia's mixtures (grid x 2) over the grid ``f x loss``."""
    F = f[:, None]
    L = loss[None, :]
    valid = (e < F) & (m < L)
    monitor = np.where(valid, e / F, np.nan)
    readmit = np.where(valid, 1.0 - m / L, np.nan)
    return valid, np.stack([monitor, 1.0 - monitor], axis=-1), np.stack([readmit, 1.0 - readmit], axis=-1)


def inspection_closed_form_full(
    f: FloatArray, loss: FloatArray, e: float, g: float, m: float
) -> tuple[BoolArray, FloatArray, FloatArray, FloatArray]:
    """The closed form evaluated at every grid point, as the sweep works: f and l first written out as
    full arrays (C order over the grid ``f x loss``), then validity, both mixtures and both actors'
    payoffs (x^T A y, x^T B y), each a full array (grid, grid x 2, grid x 2, grid x 2). The output of
    the sweep on a grid with one equilibrium a point; :func:`inspection_closed_form` instead works
    the formulas out on the axes (1,000 values each) and broadcasts them into its full outputs."""
    shape = (f.size, loss.size)
    F = np.repeat(f, loss.size).reshape(shape)
    L = np.tile(loss, f.size).reshape(shape)
    valid = (e < F) & (m < L)
    with np.errstate(all="ignore"):
        p = e / F  # P(monitor)
        q = 1.0 - m / L  # P(readmit)
        x = np.stack([p, 1.0 - p], axis=-1)
        y = np.stack([q, 1.0 - q], axis=-1)
        # EU: [[g-m, -m], [g, -l]]; Russia: [[-e, -f], [-e, 0]]
        eu = p * (q * (g - m) - (1.0 - q) * m) + (1.0 - p) * (q * g - (1.0 - q) * L)
        ru = p * (-q * e - (1.0 - q) * F) + (1.0 - p) * (-q * e)
    pays = np.stack([eu, ru], axis=-1)
    mask = valid[..., None]
    return valid, np.where(mask, x, 0.0), np.where(mask, y, 0.0), np.where(mask, pays, 0.0)


def check_closed_form_full(s: Sweep, result: tuple[BoolArray, FloatArray, FloatArray, FloatArray]) -> None:
    """The sweep's validity, mixtures and payoffs equal the full-array closed form's at every point."""
    valid, x, y, pays = result
    check_closed_form(s, (valid, x, y))
    k = next(k for k, c in enumerate(s.candidates) if c.supports == ((0, 1), (0, 1)))
    gap = float(np.max(np.abs(s.payoffs[k] - pays), initial=0.0))
    assert gap <= MATCH_TOL, f"sweep and closed form differ in payoffs by {gap:.3g}"


def check_closed_form(s: Sweep, result: tuple[BoolArray, FloatArray, FloatArray]) -> None:
    """The sweep finds exactly the closed form's equilibrium at every grid point."""
    valid, x, y = result
    assert np.array_equal(s.count, valid.astype(np.int64)), "sweep and closed form disagree on where the NE exists"
    k = next(k for k, c in enumerate(s.candidates) if c.supports == ((0, 1), (0, 1)))
    assert np.array_equal(s.valid[k], valid), "the mixed candidate is not valid exactly where the closed form says"
    for ours, theirs in ((s.probabilities[0][k], x), (s.probabilities[1][k], y)):
        gap = float(np.max(np.abs(ours[valid] - theirs[valid]), initial=0.0))
        assert gap <= MATCH_TOL, f"sweep and closed form differ by {gap:.3g}"


# --------------------------------------------------------------------------- per-point loops


@dataclass(frozen=True)
class Sample:
    """Grid points for the loops: flat indices into the large grid, every parameter's value at each,
    and the numeric payoff matrices A and B (points x m x n)."""

    flat: IntArray
    values: dict[str, FloatArray]
    A: FloatArray
    B: FloatArray

    def head(self, n: int) -> Sample:
        return Sample(self.flat[:n], {k: v[:n] for k, v in self.values.items()}, self.A[:n], self.B[:n])


def point_values(s: Sweep, flat: IntArray) -> dict[str, FloatArray]:
    """Every parameter's value at the flat grid indices ``flat`` of ``s``."""
    idx = np.unravel_index(flat, s.shape)
    out = {name: np.full(flat.size, float(v)) for name, v in s.fixed.items()}
    out |= {name: np.asarray(axis, dtype=float)[i] for (name, axis), i in zip(s.axes.items(), idx, strict=True)}
    return out


def make_sample(game: NormalFormGame, s: Sweep, n: int, seed: int) -> Sample:
    rng = np.random.default_rng(seed)
    total = int(np.prod(s.shape))
    flat = rng.choice(total, size=min(n, total), replace=False).astype(np.int64)
    values = point_values(s, flat)
    P = game.payoff_array(values)  # (2, m, n, points)
    return Sample(
        flat, values, np.ascontiguousarray(P[0].transpose(2, 0, 1)), np.ascontiguousarray(P[1].transpose(2, 0, 1))
    )


def loop_nashpy_vertex(sample: Sample) -> list[int]:
    return [len(list(nashpy.Game(a, b).vertex_enumeration())) for a, b in zip(sample.A, sample.B, strict=True)]


def loop_nashpy_support(sample: Sample) -> list[int]:
    return [len(list(nashpy.Game(a, b).support_enumeration())) for a, b in zip(sample.A, sample.B, strict=True)]


def loop_quantecon(sample: Sample) -> list[int]:
    return [
        len(qe_gt.vertex_enumeration(qe_gt.NormalFormGame([qe_gt.Player(a), qe_gt.Player(b.T)])))
        for a, b in zip(sample.A, sample.B, strict=True)
    ]


def loop_ours(sample: Sample) -> list[int]:
    return [len(vertex_enumeration(a, b).equilibria) for a, b in zip(sample.A, sample.B, strict=True)]


def loop_sympy_subs(game: NormalFormGame, sample: Sample) -> list[int]:
    """Substitute each point into the symbolic payoff table, then solve: what a user without sweeps writes."""
    table = game.payoff_table()
    cells: list[Any] = list(table.flat)  # sympy expressions
    symbols = {name: game.symbol(name) for name in sample.values}
    counts = []
    for k in range(sample.flat.size):
        point = {symbols[name]: float(v[k]) for name, v in sample.values.items()}
        M = np.array([float(c.subs(point)) for c in cells]).reshape(table.shape)
        counts.append(len(vertex_enumeration(M[0], M[1]).equilibria))
    return counts


# --------------------------------------------------------------------------- agreement


def check_points(game: NormalFormGame, s: Sweep, n: int, seed: int) -> int:
    """Assert that the sweep's equilibria equal the per-point vertex enumeration's at ``n`` random grid
    points; return how many equilibria were matched."""
    rng = np.random.default_rng(seed)
    K = len(s.candidates)
    total = int(np.prod(s.shape))
    valid = s.valid.reshape(K, total)
    probs = [p.reshape(K, total, p.shape[-1]) for p in s.probabilities]
    flat = rng.choice(total, size=min(n, total), replace=False).astype(np.int64)
    values = point_values(s, flat)
    matched = 0
    for k, idx in enumerate(flat):
        pay = game.payoff_array({name: float(v[k]) for name, v in values.items()})
        reference = list(vertex_enumeration(pay[0], pay[1]).equilibria)
        found = [(probs[0][c, idx], probs[1][c, idx]) for c in np.flatnonzero(valid[:, idx])]
        bad = unmatched(found, reference, MATCH_TOL)
        where = ", ".join(f"{name} = {float(v[k]):.6g}" for name, v in values.items())
        assert bad == 0, (
            f"at {where}: sweep {len(found)} equilibria, vertex_enumeration {len(reference)}, {bad} unmatched"
        )
        matched += len(found)
    return matched


# --------------------------------------------------------------------------- one game


@dataclass
class Row:
    """One method on one game: seconds on each grid (None: not measured), and whether extrapolated."""

    label: str
    timed_on: str
    calls: str
    seconds: list[float | None]
    estimated: bool = False
    agree: str = ""


@dataclass
class GameResult:
    case: Case
    shapes: tuple[tuple[int, int], tuple[int, int]]
    setup_s: float
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sizes(self) -> list[int]:
        return [math.prod(shape) for shape in self.shapes]

    def row(self, label: str) -> Row:
        return next(r for r in self.rows if r.label == label)


def bench_case(case: Case, config: Config, seed: int) -> GameResult:
    game = case.scenario.normal_form
    shapes = config.grids[case.key]
    sizes = [math.prod(shape) for shape in shapes]
    grids = [case.grid(shape) for shape in shapes]

    # first call on a fresh game: symbolic setup (cached per game) plus the small grid
    first_s, _ = time_call(partial(sweep, case.scenario, grids[0]))
    small_s, _ = timed(partial(sweep, case.scenario, grids[0]), config.sweep_repeats[0])
    large_s, large_kernel_s, large = timed_with_kernel(partial(sweep, case.scenario, grids[1]), config.sweep_repeats[1])
    result = GameResult(case, shapes, setup_s=first_s - small_s)
    result.rows.append(Row("sweep (first call, incl. setup)", "small grid", "1", [first_s, None]))
    calls = f"{config.sweep_repeats[0]}/{config.sweep_repeats[1]}"
    result.rows.append(Row("sweep", "both grids", calls, [small_s, large_s]))
    spread = Counter(large.count.reshape(-1).tolist())
    result.notes.append(
        "equilibria per point on the large grid: "
        + ", ".join(f"{n}: {100 * c / sizes[1]:.1f}%" for n, c in sorted(spread.items()))
        + f"; degenerate points: {int(large.degenerate.sum())}; candidates: {len(large.candidates)}"
    )
    result.notes.append(
        f"of the sweep's {fmt_s(large_s)} on the large grid, {fmt_s(large_kernel_s)} is kernel time (median; mostly"
        " page faults on the freshly allocated output arrays, which varies from run to run)"
    )
    print(f"  {case.key}: sweeps done")

    if case.key == "2x2":
        fixed = case.scenario.values()
        times: list[float | None] = []
        first = sweep(case.scenario, grids[0])
        assert isinstance(first, Sweep)
        swept = (first, large)
        for grid, s, repeats in zip(grids, swept, config.sweep_repeats, strict=True):
            fn = partial(inspection_closed_form, grid["f"], grid["l"], fixed["e"], fixed["m"])
            seconds, closed = timed(fn, repeats)
            check_closed_form(s, closed)
            times.append(seconds)
        result.rows.append(Row("numpy closed form", "both grids", calls, times))
        result.notes.append("sweep = numpy closed form at every point of both grids (each probability within 1e-7)")

    matched = check_points(game, large, config.agree_points, seed)
    result.notes.append(
        f"sweep = per-point vertex_enumeration at {config.agree_points} random points of the large grid "
        f"({matched} equilibria, each within {MATCH_TOL:g})"
    )

    sample = make_sample(game, large, max(config.loop_points, config.subs_points), seed + 1)
    loops: dict[str, tuple[Callable[[Sample], list[int]], int]] = {
        "nashpy vertex_enumeration": (loop_nashpy_vertex, config.loop_points),
        "nashpy support_enumeration": (loop_nashpy_support, config.loop_points),
        "QuantEcon vertex_enumeration": (loop_quantecon, config.loop_points),
        "bargaining vertex_enumeration": (loop_ours, config.loop_points),
        "sympy subs + vertex_enumeration": (partial(loop_sympy_subs, game), config.subs_points),
    }
    expected = large.count.reshape(-1)
    for name, (loop, points) in loops.items():
        part = sample.head(points)
        seconds, counts = timed(partial(loop, part), config.loop_repeats[name])
        per_point = seconds / points
        agree = int(np.sum(np.asarray(counts) == expected[part.flat]))
        result.rows.append(
            Row(
                f"loop: {name}",
                f"{points:,} pts",
                str(config.loop_repeats[name]),
                [per_point * n for n in sizes],
                estimated=True,
                agree=f"{agree}/{points}",
            )
        )
    print(f"  {case.key}: baselines and agreement checks done")
    return result


# --------------------------------------------------------------------------- threshold


@dataclass
class ThresholdResult:
    first_s: float
    median_s: float
    calls: int
    result: Threshold


def bench_threshold(config: Config) -> ThresholdResult:
    scenario = bargaining.load("conditionality")
    fn = partial(threshold, scenario, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"})
    first_s, result = time_call(fn)
    median_s, _ = timed(fn, config.threshold_calls)
    return ThresholdResult(first_s, median_s, config.threshold_calls, result)


# --------------------------------------------------------------------------- report


def fmt_s(seconds: float | None, estimated: bool = False) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        text = f"{1e3 * seconds:.3f} ms"
    elif seconds < 0.1:
        text = f"{1e3 * seconds:.1f} ms"
    elif seconds < 1:
        text = f"{1e3 * seconds:.0f} ms"
    elif seconds < 120:
        text = f"{seconds:.2f} s"
    elif seconds < 7200:
        text = f"{seconds / 60:.1f} min"
    else:
        text = f"{seconds / 3600:.1f} h"
    return ("~" if estimated else "") + text


def fmt_ratio(baseline: float | None, ours: float | None) -> str:
    if baseline is None or ours is None:
        return "-"
    r = baseline / ours
    if r < 0.1:
        return f"{r:.2g}x"
    return f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


def fmt_points(n: int) -> str:
    exponent = math.log10(n)
    return f"10^{exponent:.0f}" if exponent.is_integer() else f"{n:,}"


def print_game(result: GameResult) -> None:
    key = result.case.key
    sweep_row = result.row("sweep")
    g0, g1 = (fmt_points(n) for n in result.sizes)
    print(result.case.title)
    header = (
        f"{'method':<42} {'timed on':>10} {'calls':>5} {g0 + ' grid':>11} {'ratio':>7} {g1 + ' grid':>11} "
        f"{'ratio':>7} {'#eq agree':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in result.rows:
        vs_sweep = r.label.startswith("sweep")
        print(
            f"{key + ' ' + r.label:<42} {r.timed_on:>10} {r.calls:>5} {fmt_s(r.seconds[0], r.estimated):>11} "
            f"{fmt_ratio(r.seconds[0], sweep_row.seconds[0]) if not vs_sweep else '':>7} "
            f"{fmt_s(r.seconds[1], r.estimated):>11} "
            f"{fmt_ratio(r.seconds[1], sweep_row.seconds[1]) if not vs_sweep else '':>7} {r.agree:>10}"
        )
    setup = result.setup_s
    print(f"setup (first call minus the median call on the {g0} grid): {fmt_s(max(setup, 0.0))}")
    for note in result.notes:
        print(note)
    short = [
        f"{r.label.removeprefix('loop: ')} at {r.agree}" for r in result.rows if r.agree and not _all_agree(r.agree)
    ]
    if short:
        print("equilibrium counts equal to the sweep's (not asserted): " + "; ".join(short) + " points")


def _all_agree(agree: str) -> bool:
    hits, _, total = agree.partition("/")
    return hits == total


def goal_line(text: str, met: bool | None, detail: str) -> str:
    """``goal <text>: met (<detail>)``, ``... not met (...)``, or not met because it was not measured."""
    if met is None:
        return f"goal {text}: not met (not measured in this mode)"
    return f"goal {text}: {'met' if met else 'not met'} ({detail})"


def goals(results: list[GameResult], th: ThresholdResult) -> list[str]:
    lines = []
    two = next(r for r in results if r.case.key == "2x2")
    ours = two.row("sweep").seconds[1]
    closed = two.row("numpy closed form").seconds[1]
    million = two.sizes[1] == 10**6
    lines.append(
        goal_line(
            "2x2 sweep of 10^6 points under 1 s",
            None if ours is None or not million else ours < 1,
            f"{fmt_s(ours)}",
        )
    )
    slowdown = None if ours is None or closed is None else ours / closed
    lines.append(
        goal_line(
            "2x2 sweep of 10^6 points within 3x of the numpy closed form",
            None if slowdown is None or not million else slowdown <= 3,
            f"sweep {fmt_s(ours)} = {slowdown or 0:.1f}x the closed form's {fmt_s(closed)}",
        )
    )
    for r in results:
        ours = r.row("sweep").seconds[1]
        loops = [row for row in r.rows if row.label.startswith("loop: ") and row.seconds[1] is not None]
        fastest = min(loops, key=lambda row: row.seconds[1] or math.inf)
        best = fastest.seconds[1]
        speedup = None if ours is None or best is None else best / ours
        lines.append(
            goal_line(
                f"{r.case.key} sweep at least 100x faster than the fastest per-point loop",
                None if speedup is None else speedup >= 100,
                f"{speedup or 0:.0f}x on {r.sizes[1]:,} points: sweep {fmt_s(ours)} vs "
                f"{fastest.label.removeprefix('loop: ')} {fmt_s(best, estimated=True)} (extrapolated)",
            )
        )
    lines.append(
        goal_line(
            "threshold with comparative statics under 0.5 s",
            th.median_s < 0.5,
            f"median {fmt_s(th.median_s)} over {th.calls} calls; first call {fmt_s(th.first_s)}",
        )
    )
    return lines


# --------------------------------------------------------------------------- scaling (issue 13, items 3 and 4)


COORD_ROW: list[list[Any]] = [["a", 0.0, 1.5], [0.2, "b", -0.5], [2.0, -0.2, 0.1]]
COORD_COL: list[list[Any]] = [["a", 0.2, 2.0], [-0.1, "b", -0.2], [1.5, -0.5, 0.3]]


def coordination_payoffs(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The 3x3 game's payoff arrays A, B (3, 3, N) at the points (a, b), written out by hand."""
    N = a.size

    def fill(table: list[list[Any]]) -> FloatArray:
        M = np.empty((3, 3, N))
        for i in range(3):
            for j in range(3):
                cell = table[i][j]
                M[i, j] = a if cell == "a" else b if cell == "b" else cell
        return M

    return fill(COORD_ROW), fill(COORD_COL)


def _cofactor_sums(M: FloatArray, by_row: bool) -> list[FloatArray]:
    """Row sums (by_row) or column sums of the cofactor matrix of each 3x3 M[..., k]."""
    cof: list[list[FloatArray]] = [[np.empty(0)] * 3 for _ in range(3)]
    for i in range(3):
        for j in range(3):
            r0, r1 = [r for r in range(3) if r != i]
            c0, c1 = [c for c in range(3) if c != j]
            minor = M[r0, c0] * M[r1, c1] - M[r0, c1] * M[r1, c0]
            cof[i][j] = minor if (i + j) % 2 == 0 else -minor
    if by_row:
        return [cof[i][0] + cof[i][1] + cof[i][2] for i in range(3)]
    return [cof[0][j] + cof[1][j] + cof[2][j] for j in range(3)]


def vertex_formulas_3x3(A: FloatArray, B: FloatArray, tol: float = 1e-9) -> tuple[BoolArray, list[Pair]]:
    """Hand-written numpy evaluation of a 3x3 game's candidate formulas at every point (support
    enumeration, Avis et al. 2010): for every pair of supports S, T of equal size k, the row mixture
    on S that makes the column player indifferent over T and the column mixture on T that makes the
    row player indifferent over S, in closed form (k = 1: pure; k = 2: x_s0 = d1 / (d0 + d1) with
    d0 = B[s0,t0] - B[s0,t1], d1 = B[s1,t1] - B[s1,t0]; k = 3: cofactor sums of the 3x3 matrix),
    kept where both are positive on their supports and every support strategy is a best reply.
    Exact for non-degenerate games. Returns validity (pairs, N) and, for the pairs valid somewhere,
    the two mixtures (N, 3), zero where the pair is not an equilibrium."""
    N = A.shape[-1]
    valid_rows: list[BoolArray] = []
    mixtures: list[Pair] = []
    with np.errstate(all="ignore"):
        for k in (1, 2, 3):
            for S in itertools.combinations(range(3), k):
                for T in itertools.combinations(range(3), k):
                    x = np.zeros((3, N))
                    y = np.zeros((3, N))
                    if k == 1:
                        x[S[0]] = 1.0
                        y[T[0]] = 1.0
                    elif k == 2:
                        (s0, s1), (t0, t1) = S, T
                        d0, d1 = B[s0, t0] - B[s0, t1], B[s1, t1] - B[s1, t0]
                        x[s0], x[s1] = d1 / (d0 + d1), d0 / (d0 + d1)
                        e0, e1 = A[s0, t0] - A[s1, t0], A[s1, t1] - A[s0, t1]
                        y[t0], y[t1] = e1 / (e0 + e1), e0 / (e0 + e1)
                    else:
                        cx = _cofactor_sums(B, by_row=True)
                        cy = _cofactor_sums(A, by_row=False)
                        total_x, total_y = cx[0] + cx[1] + cx[2], cy[0] + cy[1] + cy[2]
                        for s in range(3):
                            x[s] = cx[s] / total_x
                            y[s] = cy[s] / total_y
                    ok = np.ones(N, dtype=bool)
                    for s in S:
                        ok &= x[s] > tol
                    for t in T:
                        ok &= y[t] > tol
                    row_pay = A[:, 0] * y[0] + A[:, 1] * y[1] + A[:, 2] * y[2]  # (3, N)
                    col_pay = B[0] * x[0] + B[1] * x[1] + B[2] * x[2]  # (3, N)
                    row_best, col_best = row_pay.max(axis=0) - tol, col_pay.max(axis=0) - tol
                    for s in S:
                        ok &= row_pay[s] >= row_best
                    for t in T:
                        ok &= col_pay[t] >= col_best
                    valid_rows.append(ok)
                    if ok.any():
                        mixtures.append((np.where(ok, x, 0.0).T, np.where(ok, y, 0.0).T))
    return np.array(valid_rows), mixtures


def vertex_formula_counts(case: Case, shape: tuple[int, int], block: int = 10**6) -> npt.NDArray[np.int8]:
    """Equilibria per point of the 3x3 game by :func:`vertex_formulas_3x3`, in blocks of ``block``
    points (only the counts kept: the baseline of the outcomes-only sweep on large grids)."""
    grid = case.grid(shape)
    total = math.prod(shape)
    counts = np.empty(total, dtype=np.int8)
    for start in range(0, total, block):
        stop = min(total, start + block)
        i, j = np.unravel_index(np.arange(start, stop), shape)
        A, B = coordination_payoffs(grid["a"][i], grid["b"][j])
        valid, _ = vertex_formulas_3x3(A, B)
        counts[start:stop] = valid.sum(axis=0)
    return counts


def vertex_formulas_grid(case: Case, shape: tuple[int, int]) -> tuple[BoolArray, list[Pair]]:
    """:func:`vertex_formulas_3x3` on the whole grid at once (what a user writes)."""
    grid = case.grid(shape)
    a = np.repeat(grid["a"], shape[1])
    b = np.tile(grid["b"], shape[0])
    return vertex_formulas_3x3(*coordination_payoffs(a, b))


@dataclass
class ScaleRow:
    """One grid size of one game: seconds of the sweep and of its baseline (None: not run)."""

    points: int
    keep: str
    sweep_s: float
    baseline_s: float | None
    calls: int
    full_s: float | None = None  # 2x2: the closed form at every point (full arrays, payoffs too)
    usage: Usage | None = None  # the sweep's first call, CPU and kernel time, page faults


def scale_sizes(config: Config) -> list[tuple[int, int]]:
    return [(100, 100), (100, 1000), (1000, 1000), (1000, 10000)][: 2 if config.name == "quick" else 4]


def bench_scaling(case: Case, config: Config) -> tuple[list[ScaleRow], list[str]]:
    """Time per point from 10^4 to 10^7 points (10^5 in quick mode), against the hand-written baseline
    on the same grid: the 2x2 closed form, the 3x3 vertex formulas (whole grid, or in blocks keeping
    counts when the sweep keeps only outcomes). Agreement is asserted on every grid."""
    rows: list[ScaleRow] = []
    notes: list[str] = []
    fixed = case.scenario.values()
    sweep(case.scenario, case.grid((10, 10)))  # the plan (sympy) is cached per game: not timed here
    modes = [("all", 10**7)] if case.key == "2x2" else [("all", 10**6), ("outcomes", 10**7)]
    for keep, most in modes:
        for shape in scale_sizes(config):
            points = math.prod(shape)
            if points > most:
                continue
            # 3 calls from 10^5 on: the median is not the first call at a size, which alone pays the kernel
            # for memory the process never had (huge pages compacted: ~140 ns a point for 49 bytes a point
            # with plain numpy on a busy machine, ~8 ns once freed memory is reused)
            calls = 5 if points <= 10**4 else 3
            grid = case.grid(shape)
            usage, s = timed_usage(partial(sweep, case.scenario, grid, keep=keep), calls)
            sweep_s = usage.median_s
            assert isinstance(s, Sweep)
            full_s = None
            plain = ~s.degenerate.reshape(-1)
            label = f"{fmt_points(points)} ({keep}):"
            if case.key == "2x2":
                fn = partial(inspection_closed_form, grid["f"], grid["l"], fixed["e"], fixed["m"])
                base_s, closed = timed(fn, calls)
                check_closed_form(s, closed)
                del closed
                fn_full = partial(inspection_closed_form_full, grid["f"], grid["l"], fixed["e"], fixed["g"], fixed["m"])
                full_s, closed_full = timed(fn_full, calls)
                check_closed_form_full(s, closed_full)
                del closed_full
                notes.append(f"{label} sweep = both numpy closed forms at every point (payoffs too, full arrays)")
            elif keep == "all":
                base_s, (valid, _) = timed(partial(vertex_formulas_grid, case, shape), calls)
                assert np.array_equal(valid.sum(axis=0)[plain], s.count.reshape(-1)[plain]), "3x3: counts differ"
                notes.append(
                    f"{label} sweep count = vertex formulas' count at all {int(plain.sum()):,} non-degenerate points"
                )
            else:
                base_s, counts = timed(partial(vertex_formula_counts, case, shape), calls)
                assert np.array_equal(counts[plain], s.count.reshape(-1)[plain]), "3x3: counts differ"
                notes.append(
                    f"{label} sweep count = vertex formulas' count (blocks of 10^6, counts kept) at all "
                    f"{int(plain.sum()):,} non-degenerate points"
                )
            rows.append(ScaleRow(points, keep, sweep_s, base_s, calls, full_s, usage))
            del s
            print(f"  {case.key}: {fmt_points(points)} points ({keep}) done")
    return rows, notes


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB: VmHWM from /proc (Linux), else ru_maxrss. (ru_maxrss
    alone would not do in a child: it keeps the parent's peak across fork and exec.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 2**20)


def summary_child(key: str, points: int) -> None:
    """Run in a child process: the outcomes-only sweep of ``points`` points; prints seconds and peak RSS."""
    case = next(c for c in cases() if c.key == key)
    side = math.isqrt(points)
    shape = (side, points // side)
    sweep(case.scenario, case.grid((10, 10)))
    seconds, s = time_call(partial(sweep, case.scenario, case.grid(shape), keep="outcomes"))
    assert isinstance(s, Sweep) and s.codes is not None
    rss_mib = peak_rss_mib()
    print(f"{seconds} {rss_mib} {s.codes.dtype} {len(s.sets)} {math.prod(shape)}")


def bench_summary(key: str, points: int) -> tuple[float, float, str]:
    """The outcomes-only sweep of ``points`` points in a fresh process: seconds, peak RSS (MiB), detail."""
    proc = subprocess.run(
        [sys.executable, __file__, "--summary-child", key, str(points)], capture_output=True, text=True, check=True
    )
    seconds, rss, dtype, sets, total = proc.stdout.split()[-5:]
    return float(seconds), float(rss), f"{int(total):,} points, codes {dtype}, {sets} sets of equilibria"


def print_scaling(case: Case, rows: list[ScaleRow], notes: list[str]) -> None:
    two = case.key == "2x2"
    print(
        f"{case.key}: time per point by grid size (sweep keep=..., baseline = "
        + (
            "numpy closed form worked out on the axes and broadcast into full outputs; 'full' = the closed "
            "form at every point, payoffs too, full arrays)"
            if two
            else "hand-written numpy vertex formulas at every point)"
        )
    )
    header = (
        f"{'points':>8} {'keep':>9} {'calls':>5} {'sweep':>10} {'per point':>11} {'1st call':>10} {'cpu/pt':>9} "
        f"{'kernel/pt':>9} {'faults':>8} {'baseline':>10} {'per point':>11} {'sweep/baseline':>15}"
        + (f" {'full':>10} {'per point':>11} {'sweep/full':>11}" if two else "")
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        base, u = r.baseline_s, r.usage
        line = (
            f"{fmt_points(r.points):>8} {r.keep:>9} {r.calls:>5} {fmt_s(r.sweep_s):>10} "
            f"{1e9 * r.sweep_s / r.points:>8.1f} ns "
            f"{'-' if u is None else fmt_s(u.first_s):>10} "
            f"{'-' if u is None else f'{1e9 * u.cpu_s / r.points:.1f} ns':>9} "
            f"{'-' if u is None else f'{1e9 * u.kernel_s / r.points:.1f} ns':>9} "
            f"{'-' if u is None else f'{u.faults:,.0f}':>8} "
            f"{fmt_s(base):>10} {'-' if base is None else f'{1e9 * base / r.points:.1f} ns':>11} "
            f"{'-' if base is None else f'{r.sweep_s / base:.2f}x':>15}"
        )
        if two:
            full = r.full_s
            line += (
                f" {fmt_s(full):>10} {'-' if full is None else f'{1e9 * full / r.points:.1f} ns':>11} "
                f"{'-' if full is None else f'{r.sweep_s / full:.2f}x':>11}"
            )
        print(line)
    print(
        "sweep and baselines: median wall time of the calls; 1st call: the first call's wall time; cpu/pt, "
        "kernel/pt and faults: means a call (getrusage: CPU, kernel CPU, minor page faults)"
    )
    for note in notes:
        print(note)


def scaling_goals(scaled: dict[str, list[ScaleRow]], summary: tuple[float, float, str] | None) -> list[str]:
    lines = []
    for key, limit in (("2x2", 3.0), ("3x3", 5.0)):
        rows = scaled[key]
        at = next((r for r in rows if r.points == 10**6 and r.keep == "all"), None)
        ratio = None if at is None or at.baseline_s is None else at.sweep_s / at.baseline_s
        what = "numpy closed form" if key == "2x2" else "hand-written numpy vertex formulas"
        lines.append(
            goal_line(
                f"{key} sweep of 10^6 points within {limit:g}x of the {what} (scaling table)",
                None if ratio is None else ratio <= limit,
                f"{ratio or 0:.2f}x",
            )
        )
        if key == "2x2":
            full = None if at is None or at.full_s is None else at.sweep_s / at.full_s
            lines.append(
                goal_line(
                    f"{key} sweep of 10^6 points within {limit:g}x of the numpy closed form at every point "
                    "(full arrays, payoffs too: the sweep's output)",
                    None if full is None else full <= limit,
                    f"{full or 0:.2f}x",
                )
            )
        flat = "all" if key == "2x2" else "outcomes"
        rows = [r for r in rows if r.keep == flat]
        per = [r.sweep_s / r.points for r in rows]
        spread = max(per) / min(per)
        reached = fmt_points(rows[-1].points)
        lines.append(
            goal_line(
                f"{key} flat time per point from 10^4 to 10^7 points, keep={flat} (largest / smallest within 2x)",
                None if rows[-1].points < 10**7 else spread <= 2,
                f"{spread:.2f}x up to {reached} points: "
                + ", ".join(f"{fmt_points(r.points)} {1e9 * p:.0f} ns" for r, p in zip(rows, per, strict=True)),
            )
        )
    lines.append(
        goal_line(
            "outcomes-only sweep of 10^8 points within the default 1 GiB budget",
            None if summary is None else summary[1] <= 1024,
            "-" if summary is None else f"2x2, {summary[2]}: {fmt_s(summary[0])}, peak RSS {summary[1]:,.0f} MiB",
        )
    )
    return lines


# --------------------------------------------------------------------------- main


def warm_up() -> None:
    """Compile QuantEcon's numba code and touch the baselines once, outside any timing (not the sweep:
    its first call on each game is reported as the setup)."""
    rng = np.random.default_rng(99)
    A, B = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    vertex_enumeration(A, B)
    qe_gt.vertex_enumeration(qe_gt.NormalFormGame([qe_gt.Player(A), qe_gt.Player(B.T)]))
    list(nashpy.Game(A, B).vertex_enumeration())
    list(nashpy.Game(A, B).support_enumeration())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="smoke mode: smaller 3x3 grid, fewer calls, 10^2-point loops"
    )
    parser.add_argument("--summary-child", nargs=2, metavar=("GAME", "POINTS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.summary_child:
        summary_child(args.summary_child[0], int(args.summary_child[1]))
        return 0
    config = QUICK if args.quick else FULL
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"nashpy(\.|$)")

    start = time.perf_counter()
    print(
        f"sweep benchmark ({config.name} mode) | Python {platform.python_version()} | numpy {np.__version__}"
        f" | sympy {sympy.__version__} | quantecon {quantecon.__version__} | nashpy {nashpy.__version__}"
    )
    th = bench_threshold(config)
    warm_up()
    print(f"threshold timed and warm-up done in {time.perf_counter() - start:.1f} s")
    results = [bench_case(case, config, SEED + k) for k, case in enumerate(cases())]

    print()
    print("Median time per call; ratio = baseline / sweep on the same grid (above 1: the sweep is faster).")
    print(
        "~ = per-point loop timed on a random sample of the large grid's points and extrapolated linearly to the"
        " grid size; the numeric loops' payoff matrices are precomputed, the sympy loop substitutes."
    )
    for r in results:
        print()
        print_game(r)
    print()
    t = th.result
    statics = ", ".join(f"{q} {s.sign}" for q, s in t.comparative_statics.items())
    print(
        f"threshold (conditionality, CA comply over defy, EU reward, solve for r): r* = {t.formula} = {t.value:.6g}"
        f" ({t.favours}); comparative statics: {statics}"
    )
    print(f"threshold first call {fmt_s(th.first_s)}, median of the next {th.calls} calls {fmt_s(th.median_s)}")
    print()
    print("Scaling: one game at a time, median seconds per call (the first call on a game, with its sympy")
    print("setup, is made before); sweep/baseline is the sweep's time over the baseline's on the same grid.")
    scaled: dict[str, list[ScaleRow]] = {}
    for case in cases():
        rows, notes = bench_scaling(case, config)
        scaled[case.key] = rows
        print_scaling(case, rows, notes)
    summary = None
    if config.name == "full":
        summary = bench_summary("2x2", 10**8)
        print(
            f"2x2 outcomes-only sweep of 10^8 points in a fresh process: {fmt_s(summary[0])}, peak RSS "
            f"{summary[1]:,.0f} MiB ({summary[2]})"
        )
    print()
    for line in goals(results, th) + scaling_goals(scaled, summary):
        print(line)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

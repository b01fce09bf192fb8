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

Times are medians over calls (``time.perf_counter``, garbage collector off during a call). The ratio
columns are *baseline time / sweep time* on the same grid: above 1 means the sweep is faster. For the
large grid, the script also reports how much of the sweep's time is kernel time. This is mostly page
faults on the freshly allocated output arrays, and it varies from run to run.

Goals
-----
* 10^6 points of the 2x2 game in under 1 s, and within 3x of the hand-written numpy closed form.
* The sweep at least 100x faster than the fastest per-point loop, for both games, on the large grid.
* The threshold with its comparative statics (the payoff is linear in r) in under 0.5 s.

Each goal ends in one line ``goal ...: met (...)`` or ``goal ...: not met (...)``. Speed is reported,
never enforced: the exit status is non-zero only if an agreement check fails.

How to run
----------
From the repository root, with the ``bench`` extra (QuantEcon) installed::

    python benchmarks/sweep.py           # full run, under a minute
    python benchmarks/sweep.py --quick   # smoke run: smaller 3x3 grid, 10^2-point loops (under 10 s)
"""

from __future__ import annotations

import argparse
import math
import platform
import resource
import statistics
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
    args = parser.parse_args(argv)
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
    for line in goals(results, th):
        print(line)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

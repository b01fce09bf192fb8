"""Speed of package-deal frontiers and bargaining solutions against baselines timed in the same process.

What is measured
----------------
1. **Random package deals** of 5 issues x 4 options (1,024 packages) and 8 issues x 4 options (65,536
   packages), built with :meth:`bargaining.games.bargain.BargainingProblem.build` from plain mappings
   as a user would: actors A and B, disagreement point (0, 0), discount factors 0.9 and 0.8, no
   parameters. Every option of every issue (the status quo included) gives each actor a utility drawn
   uniformly from [-1, 1] and rounded to 3 decimals; A's is given as a number on even issues and as a
   numeric string on odd ones, B's the other way round. Two interactions each add a bonus (uniform in
   [-0.5, 0.5], 3 decimals) to the packages that pick given non-status-quo options of two random
   issues. Problems use fixed seeds and are built outside the timing.

2. **The project's two ways of solving a problem.**

   * ``pipeline`` is the numeric pipeline: ``problem.utilities({})`` (every package's utilities,
     numpy), ``problem.disagreement_point({})``, :func:`bargaining.kernels.axiomatic.pareto_frontier`, then
     ``nash_solution``, ``kalai_smorodinsky``, ``egalitarian``, ``utilitarian`` and ``rubinstein``
     (discount factors 0.9, 0.8) on the frontier.
   * ``bargain`` is :func:`bargaining.analysis.deal.bargain`, which does all of that (plus the weighted Nash
     solution, the list of Pareto-efficient packages and the linkage analysis) and also derives the
     solutions' exact forms with sympy (``sympy.solve`` and ``simplify`` on the frontier edge the
     solution lies on). Sympy's cache is cleared before each timed call (outside the timing), so a call
     cannot reuse the previous call's exact forms. The very first call in the process also pays
     sympy's lazy imports; it is timed on its own, before anything else, and reported on one line.

3. **Baselines.**

   * ``python loop``: the straightforward way in plain Python, from the same utilities as Python
     floats: ``itertools.product`` over every issue's options, summing each package's utilities (and
     its interactions' bonuses) in a Python loop; an O(n^2) Pareto filter (a package is kept unless
     some package is at least as good for both and better for one; ``any()`` stops at the first such
     package, so the cost depends on the order of the packages); the frontier's vertices by gift
     wrapping over the efficient points (from the best point for B, repeatedly the point to the right
     with the least steep descent, the farthest one among collinear points); and the Nash product
     ``(u1 - d1)(u2 - d2)`` maximised over every pure package and over the lotteries on each edge
     between consecutive frontier vertices (the closed-form maximiser on the edge). It computes the
     Nash solution only, less than either of the project's calls.
   * ``scipy``: ``scipy.spatial.ConvexHull`` (Qhull) on all packages' points, then the upper-right
     chain of its vertices (in counterclockwise order, from the vertex with the largest u1 to the one
     with the largest u2). This is a frontier baseline only.

   The ``frontier`` table compares the frontier alone, from the packages' points:
   :func:`~bargaining.kernels.axiomatic.pareto_frontier` on the numpy array against the python loop's
   Pareto filter and gift wrapping (timed inside its full calls, on its list of points) and against
   scipy. The ``solve`` table compares whole solves from the problem.

4. **Agreement** (asserted before any timing; the script stops with an error if it fails): on
   every problem, the python loop's utilities equal ``problem.utilities({})`` within 1e-9; the
   Pareto-efficient points and the frontier vertices of the project, the python loop and scipy are
   the same sets of points within 1e-9; and the Nash solution of the pipeline and of ``bargain``
   equals the python loop's within 1e-9, as does the float value of ``bargain``'s exact Nash form.
   Collinear points are not frontier vertices; the gift wrapping treats three points as collinear
   with the project's tolerance (cross product within 1e-12 times 1 + the largest absolute utility).

5. **Package-deal sweeps** (``sweep`` section): ``eu_russia_package`` swept over a square grid of
   its parameters ``T`` (0..10) and ``C_TCN`` (0..10), the others at their defaults: 1,000 x 1,000 =
   10^6 points (quick mode: 317 x 317 = 100,489), by
   :func:`bargaining.analysis.sweep_deal.sweep_deal` on its arrays route (every solution's payoffs and
   lottery and the Nash support at every point, numpy, chunk by chunk; one call, timed with the
   garbage collector off, the chunk function's compilation included) against the per-point route
   (``bargain(..., exact=False)`` at every point, which the per-point route refuses above 20,000
   points): the per-point solver is timed on a sample of seeded random grid points (300; quick: 60)
   and its mean time per point multiplied by the grid's size, an **extrapolation**, printed with
   ``~``. At every sampled point the arrays route's payoffs equal the per-point solver's within 1e-9
   and its Nash label is the same (asserted; the script stops with an error otherwise). The full run
   holds about 0.5 GB of result arrays (six solutions' weights on nine packages).

Every size uses several fixed-seed problems. Each method is called several times per problem and the
figure reported is the median over problems of the per-problem median (``time.perf_counter``, garbage
collector off during a call). The ratio columns are *baseline time / our time*: above 1 means the
project is faster.

Goals
-----
* The 65,536-package problem solved in under 1 s: by the numeric pipeline, and by ``bargain`` with
  its exact forms.

Each goal ends in one line ``goal ...: met (...)`` or ``goal ...: not met (...)``. Speed is reported,
never enforced: the exit status is non-zero only if an agreement check fails.

How to run
----------
From the repository root::

    python benchmarks/bargain.py           # full run, about a minute
    python benchmarks/bargain.py --quick   # smoke run: fewer problems and calls (under 20 s)
"""

from __future__ import annotations

import argparse
import itertools
import math
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import scipy
import sympy
from common import fmt_range, fmt_ratio, fmt_s, median_seconds, time_call
from scipy.spatial import ConvexHull
from sympy.core.cache import clear_cache

from bargaining.analysis.deal import BargainResult, bargain
from bargaining.games.bargain import BargainingProblem
from bargaining.kernels.axiomatic import (
    Frontier,
    Solution,
    egalitarian,
    kalai_smorodinsky,
    nash_solution,
    pareto_efficient,
    pareto_frontier,
    rubinstein,
    utilitarian,
)

T = TypeVar("T")
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Point = tuple[float, float]

OPTIONS = 4
DISCOUNT = (0.9, 0.8)
INTERACTIONS = 2
AGREE_TOL = 1e-9
COLLINEAR_TOL = 1e-12  # the project's tolerance (bargaining.kernels.axiomatic.TOL), scaled the same way


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Plan:
    """``problems`` fixed-seed problems of one size; calls per problem for each method."""

    problems: int
    ours: int  # the numeric pipeline, and pareto_frontier alone
    bargain: int
    loop: int
    scipy: int


@dataclass(frozen=True)
class Config:
    """Everything that differs between the full run and ``--quick``."""

    name: str
    sizes: dict[int, Plan]  # number of issues -> plan
    sweep_side: int  # the package-deal sweep's grid is sweep_side x sweep_side points
    sweep_sample: int  # grid points the per-point solver is timed on


FULL = Config(
    name="full",
    sizes={
        5: Plan(problems=10, ours=21, bargain=21, loop=9, scipy=21),
        8: Plan(problems=10, ours=15, bargain=15, loop=3, scipy=15),
    },
    sweep_side=1000,
    sweep_sample=300,
)

QUICK = Config(
    name="quick",
    sizes={
        5: Plan(problems=3, ours=5, bargain=5, loop=3, scipy=5),
        8: Plan(problems=2, ours=3, bargain=3, loop=1, scipy=3),
    },
    sweep_side=317,
    sweep_sample=60,
)

GOAL_ISSUES = 8
GOAL_SECONDS = 1.0


# --------------------------------------------------------------------------- timing


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Case:
    """A problem built by the project, and the same utilities as plain Python floats for the loop."""

    problem: BargainingProblem
    options: list[list[Point]]  # [issue][option] -> (u_A, u_B)
    interactions: list[tuple[list[tuple[int, int]], Point]]  # [(issue, option) ...] -> bonus (u_A, u_B)


def random_case(issues: int, seed: int) -> Case:
    """A random package deal (see the module docstring), with fixed seed."""
    rng = np.random.default_rng([7, issues, seed])

    def draw(low: float, high: float) -> float:
        return round(float(rng.uniform(low, high)), 3)

    def pair(k: int, low: float, high: float) -> tuple[dict[str, Any], Point]:
        a, b = draw(low, high), draw(low, high)
        given: dict[str, Any] = {"A": a, "B": f"{b:.3f}"} if k % 2 == 0 else {"A": f"{a:.3f}", "B": b}
        return given, (a, b)

    specs: list[dict[str, Any]] = []
    options: list[list[Point]] = []
    for k in range(issues):
        drawn = [pair(k, -1.0, 1.0) for _ in range(OPTIONS)]
        specs.append({"id": f"i{k}", "options": {f"o{j}": given for j, (given, _) in enumerate(drawn)}})
        options.append([floats for _, floats in drawn])
    inter_specs: list[dict[str, Any]] = []
    interactions: list[tuple[list[tuple[int, int]], Point]] = []
    for n in range(INTERACTIONS):
        which = sorted(int(k) for k in rng.choice(issues, size=2, replace=False))
        when = [(k, int(rng.integers(1, OPTIONS))) for k in which]
        given, bonus = pair(n, -0.5, 0.5)
        inter_specs.append({"when": {f"i{k}": f"o{j}" for k, j in when}, **given})
        interactions.append((when, bonus))
    problem = BargainingProblem.build(
        ["A", "B"],
        specs,
        interactions=inter_specs,
        disagreement={"A": 0, "B": 0},
        discount={"A": DISCOUNT[0], "B": DISCOUNT[1]},
        parameters=[],
    )
    return Case(problem, options, interactions)


# --------------------------------------------------------------------------- the project


@dataclass(frozen=True)
class PipelineResult:
    frontier: Frontier
    solutions: dict[str, Solution]


def ours_pipeline(problem: BargainingProblem) -> PipelineResult:
    """The numeric pipeline, from the problem to the five solutions."""
    points = problem.utilities({})
    d = problem.disagreement_point({})
    frontier = pareto_frontier(points)
    solutions = {
        "nash": nash_solution(frontier, d),
        "kalai_smorodinsky": kalai_smorodinsky(frontier, d),
        "egalitarian": egalitarian(frontier, d),
        "utilitarian": utilitarian(frontier, d),
        "rubinstein": rubinstein(frontier, d, DISCOUNT),
    }
    return PipelineResult(frontier, solutions)


def ours_bargain(problem: BargainingProblem) -> BargainResult:
    return bargain(problem)


# --------------------------------------------------------------------------- the python loop


@dataclass
class LoopResult:
    points: list[Point]
    efficient: list[int]
    vertices: list[Point]  # frontier vertices, u1 ascending
    nash: Point | None
    frontier_seconds: float  # time spent on the Pareto filter and the gift wrapping


def loop_utilities(case: Case) -> list[Point]:
    """Every package's utilities, in the project's order (C order over the issues)."""
    points: list[Point] = []
    for combo in itertools.product(*(range(len(o)) for o in case.options)):
        a = b = 0.0
        for k, j in enumerate(combo):
            x, y = case.options[k][j]
            a += x
            b += y
        for when, (x, y) in case.interactions:
            if all(combo[k] == j for k, j in when):
                a += x
                b += y
        points.append((a, b))
    return points


def loop_pareto(points: list[Point]) -> list[int]:
    """Indices of the packages no other package beats for one actor without losing for the other."""
    return [i for i, (a, b) in enumerate(points) if not any(c >= a and e >= b and (c > a or e > b) for c, e in points)]


def loop_gift_wrap(points: list[Point], efficient: list[int]) -> list[Point]:
    """Frontier vertices (u1 ascending) by gift wrapping over the efficient points."""
    candidates = sorted({points[i] for i in efficient})
    if not candidates:
        return []
    tol = COLLINEAR_TOL * (1 + max(max(abs(a), abs(b)) for a, b in points))
    hull = [candidates[0]]  # the efficient point with the smallest u1 has the largest u2
    while True:
        c0, c1 = hull[-1]
        best: Point | None = None
        for q in candidates:
            if q[0] <= c0:
                continue
            if best is None:
                best = q
                continue
            cross = (best[0] - c0) * (q[1] - c1) - (best[1] - c1) * (q[0] - c0)
            if cross > tol or (cross >= -tol and q[0] > best[0]):  # q turns less, or is farther on the line
                best = q
        if best is None:
            return hull
        hull.append(best)


def loop_nash(points: list[Point], vertices: list[Point], d: Point) -> Point | None:
    """The point maximising (u1 - d1)(u2 - d2) over packages and lotteries of consecutive vertices."""
    d1, d2 = d
    best_value, best = -math.inf, None
    for a, b in points:
        if a >= d1 and b >= d2 and (a - d1) * (b - d2) > best_value:
            best_value, best = (a - d1) * (b - d2), (a, b)
    for (p1, p2), (q1, q2) in itertools.pairwise(vertices):
        e1, e2 = q1 - p1, q2 - p2
        t = -(e1 * (p2 - d2) + e2 * (p1 - d1)) / (2 * e1 * e2)  # d/dt log of the product = 0
        if 0 < t < 1:
            u1, u2 = p1 + t * e1, p2 + t * e2
            if u1 >= d1 and u2 >= d2 and (u1 - d1) * (u2 - d2) > best_value:
                best_value, best = (u1 - d1) * (u2 - d2), (u1, u2)
    return best


def loop_solve(case: Case) -> LoopResult:
    points = loop_utilities(case)
    start = time.perf_counter()
    efficient = loop_pareto(points)
    vertices = loop_gift_wrap(points, efficient)
    frontier_seconds = time.perf_counter() - start
    return LoopResult(points, efficient, vertices, loop_nash(points, vertices, (0.0, 0.0)), frontier_seconds)


# --------------------------------------------------------------------------- scipy


def scipy_frontier(points: FloatArray) -> IntArray:
    """Frontier vertices (indices, u1 ascending): the upper-right chain of Qhull's hull."""
    hull = ConvexHull(points)
    vertices: IntArray = hull.vertices  # counterclockwise in 2-D
    v = points[vertices]
    n = len(vertices)
    right = max(range(n), key=lambda i: (v[i, 0], v[i, 1]))
    top = max(range(n), key=lambda i: (v[i, 1], v[i, 0]))
    chain = [right]
    while chain[-1] != top:
        chain.append((chain[-1] + 1) % n)
    return vertices[chain[::-1]]


# --------------------------------------------------------------------------- agreement


def same_points(label: str, ours: FloatArray, theirs: Sequence[Point] | FloatArray, who: str) -> None:
    """Assert that two lists of points are the same set within AGREE_TOL."""
    a = sorted({(float(x), float(y)) for x, y in np.asarray(ours).tolist()})
    b = sorted({(float(x), float(y)) for x, y in np.asarray(theirs, dtype=float).tolist()})
    agree = len(a) == len(b) and all(
        abs(p[0] - q[0]) <= AGREE_TOL and abs(p[1] - q[1]) <= AGREE_TOL for p, q in zip(a, b, strict=True)
    )
    assert agree, f"{label}: ours {a} != {who} {b}"


def same_point(label: str, ours: FloatArray | Sequence[float], theirs: Point | None, who: str) -> None:
    assert theirs is not None, f"{label}: {who} found no point that gives both their disagreement payoff"
    diff = max(abs(float(ours[0]) - theirs[0]), abs(float(ours[1]) - theirs[1]))
    assert diff <= AGREE_TOL, f"{label}: ours {[float(x) for x in ours]} != {who} {list(theirs)}"


@dataclass
class Agreement:
    efficient: int
    vertices: int
    nash_on_edge: bool  # the Nash solution is a lottery of two packages
    max_diff: float  # largest |difference| between the project's and the loop's Nash points


def check(label: str, case: Case) -> Agreement:
    """Assert that the project, the python loop and scipy agree (see the module docstring)."""
    problem = case.problem
    points = problem.utilities({})
    loop = loop_solve(case)
    diff = float(np.abs(points - np.asarray(loop.points)).max())
    assert diff <= AGREE_TOL, f"{label}: utilities differ from the python loop's by {diff}"
    efficient = pareto_efficient(points)
    same_points(
        f"{label}, efficient points", points[efficient], [loop.points[i] for i in loop.efficient], "python loop"
    )

    mine = ours_pipeline(problem)
    result = ours_bargain(problem)
    frontier = mine.frontier
    same_points(f"{label}, frontier", frontier.coordinates, loop.vertices, "python loop")
    same_points(f"{label}, frontier", frontier.coordinates, points[scipy_frontier(points)], "scipy")
    assert np.array_equal(result.frontier.vertices, frontier.vertices), f"{label}: bargain's frontier differs"

    same_point(f"{label}, Nash (pipeline)", mine.solutions["nash"].point, loop.nash, "python loop")
    same_point(f"{label}, Nash (bargain)", result.solutions["nash"].point, loop.nash, "python loop")
    exact = result.exact["nash"]
    assert exact is not None, f"{label}: bargain gives no exact Nash form"
    same_point(f"{label}, Nash (bargain, exact form)", [float(e) for e in exact], loop.nash, "python loop")
    assert loop.nash is not None
    return Agreement(
        efficient=len(efficient),
        vertices=len(frontier.vertices),
        nash_on_edge=len(mine.solutions["nash"].lottery) == 2,
        max_diff=max(abs(float(x) - y) for x, y in zip(mine.solutions["nash"].point, loop.nash, strict=True)),
    )


# --------------------------------------------------------------------------- benchmark


@dataclass
class Row:
    """Per-problem medians of every method on one size."""

    issues: int
    plan: Plan
    packages: int = 0
    checks: list[Agreement] = field(default_factory=list)
    frontier_ours: list[float] = field(default_factory=list)
    frontier_loop: list[float] = field(default_factory=list)
    frontier_scipy: list[float] = field(default_factory=list)
    pipeline: list[float] = field(default_factory=list)
    bargain: list[float] = field(default_factory=list)
    loop: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.issues}x{OPTIONS}"

    @staticmethod
    def median(times: list[float]) -> float | None:
        return statistics.median(times) if times else None


def bench(issues: int, plan: Plan) -> Row:
    row = Row(issues, plan)
    for seed in range(plan.problems):
        case = random_case(issues, seed)
        row.checks.append(check(f"{issues}x{OPTIONS} problem {seed}", case))
        points = case.problem.utilities({})
        row.packages = len(points)
        row.frontier_ours.append(median_seconds(partial(pareto_frontier, points), plan.ours))
        row.frontier_scipy.append(median_seconds(partial(scipy_frontier, points), plan.scipy))
        row.pipeline.append(median_seconds(partial(ours_pipeline, case.problem), plan.ours))
        row.bargain.append(median_seconds(partial(ours_bargain, case.problem), plan.bargain, before=clear_cache))
        total, frontier = [], []
        for _ in range(plan.loop):
            elapsed, result = time_call(partial(loop_solve, case))
            total.append(elapsed)
            frontier.append(result.frontier_seconds)
        row.loop.append(statistics.median(total))
        row.frontier_loop.append(statistics.median(frontier))
    s = "s" if plan.problems > 1 else ""
    print(f"  {row.label} ({row.packages:,} packages): done ({plan.problems} problem{s}, all agree)")
    return row


# --------------------------------------------------------------------------- report


def print_frontier_table(rows: Sequence[Row]) -> None:
    header = (
        f"{'frontier':<10} {'packages':>9} {'efficient':>9} {'vertices':>8} {'calls':>12} {'ours':>10} "
        f"{'python loop':>11} {'scipy':>10} {'loop/ours':>9} {'scipy/ours':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        ours, loop, qhull = Row.median(r.frontier_ours), Row.median(r.frontier_loop), Row.median(r.frontier_scipy)
        calls = f"{len(r.frontier_ours)}p x{r.plan.ours}/{r.plan.loop}/{r.plan.scipy}"
        print(
            f"{r.label:<10} {r.packages:>9,} {fmt_range([c.efficient for c in r.checks]):>9} "
            f"{fmt_range([c.vertices for c in r.checks]):>8} {calls:>12} {fmt_s(ours):>10} {fmt_s(loop):>11} "
            f"{fmt_s(qhull):>10} {fmt_ratio(loop, ours):>9} {fmt_ratio(qhull, ours):>10}"
        )


def print_solve_table(rows: Sequence[Row]) -> None:
    header = (
        f"{'solve':<10} {'packages':>9} {'calls':>12} {'pipeline':>10} {'bargain':>10} {'python loop':>11} "
        f"{'loop/pipeline':>13} {'loop/bargain':>12} {'Nash on an edge':>15} {'max |dNash|':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        pipe, barg, loop = Row.median(r.pipeline), Row.median(r.bargain), Row.median(r.loop)
        calls = f"{len(r.pipeline)}p x{r.plan.ours}/{r.plan.bargain}/{r.plan.loop}"
        on_edge = f"{sum(c.nash_on_edge for c in r.checks)} of {len(r.checks)}"
        diff = max((c.max_diff for c in r.checks), default=math.nan)
        print(
            f"{r.label:<10} {r.packages:>9,} {calls:>12} {fmt_s(pipe):>10} {fmt_s(barg):>10} {fmt_s(loop):>11} "
            f"{fmt_ratio(loop, pipe):>13} {fmt_ratio(loop, barg):>12} {on_edge:>15} {diff:>11.1e}"
        )


def goal_line(text: str, met: bool | None, detail: str) -> str:
    """``goal <text>: met (<detail>)``, ``... not met (...)``, or not met because it was not measured."""
    if met is None:
        return f"goal {text}: not met (not measured in this mode)"
    return f"goal {text}: {'met' if met else 'not met'} ({detail})"


def goals(rows: Sequence[Row]) -> list[str]:
    big = next((r for r in rows if r.issues == GOAL_ISSUES), None)
    packages = f"{OPTIONS**GOAL_ISSUES:,}"
    lines = []
    for text, times in (
        ("numeric pipeline", None if big is None else big.pipeline),
        ("bargain with exact forms", None if big is None else big.bargain),
    ):
        t = None if not times else Row.median(times)
        n = 0 if not times else len(times)
        lines.append(
            goal_line(
                f"{text} on {packages} packages under {GOAL_SECONDS:g} s",
                None if t is None else t < GOAL_SECONDS,
                f"median {fmt_s(t)} over {n} problem{'s' if n > 1 else ''}",
            )
        )
    return lines


# --------------------------------------------------------------------------- package-deal sweeps

SWEEP_SCENARIO = "eu_russia_package"
SWEEP_AXES = ("T", "C_TCN")


def sweep_section(config: Config) -> list[str]:
    """The package-deal sweep by arrays against the per-point solver (extrapolated from a sample)."""
    from bargaining.analysis.sweep_deal import DealSweep, solutions_at, sweep_deal
    from bargaining.analysis.sweep_grid import point_values
    from bargaining.io.scenario_file import load

    scenario = load(SWEEP_SCENARIO)
    problem = scenario.game
    assert isinstance(problem, BargainingProblem)
    n = config.sweep_side
    grid = {a: np.linspace(0.0, 10.0, n) for a in SWEEP_AXES}
    sweep_deal(scenario, {a: v[:50] for a, v in grid.items()})  # warm-up: imports, first compilation
    arrays_s, result = time_call(partial(sweep_deal, scenario, grid, route="arrays"))
    assert isinstance(result, DealSweep)
    total = n * n
    rng = np.random.default_rng(2007)
    flats = rng.choice(total, size=config.sweep_sample, replace=False)
    times = []
    for flat in flats.tolist():
        vals = point_values(result.axes, result.values, flat)
        elapsed, found = time_call(partial(solutions_at, problem, vals))
        times.append(elapsed)
        idx = np.unravel_index(flat, result.shape)
        for name, s in found.items():
            for k, a in enumerate(problem.actors):
                gap = abs(float(result.payoffs[name][a][idx]) - float(s.point[k]))
                if not gap <= AGREE_TOL * (1 + abs(float(s.point[k]))):
                    raise SystemExit(f"sweep: arrays and per-point differ at {vals} ({name}, {a}: {gap:.3g})")
        label = (
            " / ".join(problem.label(k) for k, _ in sorted(found["nash"].lottery)) or "no package beats disagreement"
        )
        if result.labels[int(result.codes[idx])] != label:
            raise SystemExit(f"sweep: the Nash support differs at {vals}")
    per_point = statistics.fmean(times)
    extrapolated = per_point * total
    axes = " x ".join(f"{a} ({n})" for a in SWEEP_AXES)
    per_arrays = f"{1e6 * arrays_s / total:.1f} us"
    return [
        f"Package-deal sweep: {SWEEP_SCENARIO} over {axes} = {total:,} points, {problem.size} packages,"
        f" {len(result.solutions)} solutions; {len(result.labels)} Nash supports on the grid.",
        f"Per-point solver timed at {config.sweep_sample} seeded random grid points"
        f" (mean {fmt_s(per_point)} per point), agreeing with the arrays route within {AGREE_TOL:g};"
        " its whole-grid time is extrapolated (~).",
        f"{'route':<28}{'time':>12}{'per point':>14}{'ratio':>10}",
        f"{'arrays (sweep_deal)':<28}{fmt_s(arrays_s):>12}{per_arrays:>14}"
        f"{fmt_ratio(extrapolated, arrays_s):>10}",
        f"{'per-point (bargain, ~)':<28}{'~' + fmt_s(extrapolated):>12}{fmt_s(per_point):>14}{'1x':>10}",
    ]


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke mode: fewer problems and calls")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL

    start = time.perf_counter()
    print(
        f"bargain benchmark ({config.name} mode) | Python {platform.python_version()} | numpy {np.__version__}"
        f" | scipy {scipy.__version__} | sympy {sympy.__version__}"
    )
    first_case = random_case(GOAL_ISSUES, 0)
    first, _ = time_call(partial(ours_bargain, first_case.problem))  # cold: the first call in the process
    ours_pipeline(random_case(3, 99).problem)  # warm-up, outside any timing
    rows = [bench(n, plan) for n, plan in config.sizes.items()]

    print()
    print(
        "Median over problems of the per-problem median time per call; calls = problems x calls per problem"
        " (frontier: ours/loop/scipy; solve: pipeline/bargain/loop)."
    )
    print(
        "Frontier from the packages' points: ours = pareto_frontier; python loop = O(n^2) Pareto filter + gift"
        " wrapping (timed inside its solve calls); scipy = ConvexHull + upper-right chain."
    )
    print(
        "Solve from the problem: pipeline = utilities + disagreement point + pareto_frontier + Nash, KS, egalitarian,"
        " utilitarian, Rubinstein (numeric); bargain = bargaining.analysis.deal.bargain, incl. sympy exact forms"
        " and linkage; python loop = utilities + Pareto filter + gift wrapping + Nash (Nash only)."
    )
    print(
        f"Agreement asserted before timing: utilities, efficient points and frontier vertices (project, python loop,"
        f" scipy) as sets within {AGREE_TOL:g}; Nash points (pipeline, bargain, bargain's exact form, python loop)"
        f" within {AGREE_TOL:g}. Ratios = baseline / ours (above 1: ours is faster)."
    )
    print()
    print_frontier_table(rows)
    print()
    print_solve_table(rows)
    print()
    print(
        f"first bargain call in this process ({GOAL_ISSUES}x{OPTIONS} problem 0, {OPTIONS**GOAL_ISSUES:,} packages;"
        f" sympy's lazy imports and caches cold): {fmt_s(first)}"
    )
    print()
    for line in sweep_section(config):
        print(line)
    print()
    for line in goals(rows):
        print(line)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

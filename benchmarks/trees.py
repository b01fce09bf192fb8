"""Speed of backward induction on large trees against a recursive baseline timed in the same process.

What is measured
----------------
1. **Random trees of 10^5 and 10^6 nodes.** The project's
   :func:`bargaining.kernels.backward.backward_induction` (array input, one vectorised pass per level)
   against ``recursive_backward_induction`` below: a straightforward recursive Python function over
   the same arrays. Its timed call includes converting the arrays to Python lists (``tolist``), which
   makes the loop faster than indexing numpy arrays one scalar at a time.

   A tree is grown level by level with numpy: every node of a level gets a random number of children,
   0 to 4, until the node budget is reached (the last level is cut short to hit it exactly; if a level
   would have no children at all, one of its nodes gets 1 to 4). Node ids are shuffled within each
   level, so parents still come before their children but the children of a node are not adjacent
   ids, and CSR ``start`` is not sorted. Leaves are outcomes with standard normal payoffs (continuous,
   so exact ties have probability 0); every other node is a chance node with probability 0.1 (edge
   probabilities Dirichlet(1, ..., 1)) and otherwise a decision node of one of the actors, drawn
   uniformly. Trees alternate between 2 and 3 actors.

2. **A path 10^4 deep** (and 10^3): a caterpillar whose spine nodes 0, ..., d-1 each have two
   children, the next spine node and an outcome in random order (the last spine node has two
   outcomes), so the deepest outcome is d levels below the root. Spine nodes are decisions or, with
   probability 0.1, chance nodes. The project's solver runs in the main thread at the default
   recursion limit. The baseline is first tried at the default limit (it fails with RecursionError,
   which is reported), then run with ``sys.setrecursionlimit`` raised to ``d + 1000``, in a thread
   whose stack is set to 256 MiB with ``threading.stack_size`` so that deep recursion cannot overflow
   the C stack. If it still cannot run, the output says so and the run continues.

3. **Agreement** (asserted before any timing; the script stops with an error if it fails): both
   methods give every node's value (in particular the root's) within 1e-9, the same choice (edge
   index into ``children``) at every decision node where the baseline's best child beats the second
   best by more than 1e-9 (the others are counted and reported), -1 as the choice elsewhere, and the
   project's solver reports no tie at those nodes.

4. **Compiled game trees** (:func:`bargaining.analysis.compiled_tree.compile_tree`): the offer tree
   ``eu_russia_offer`` over a grid of 10^6 points of (T, C_TCN) and the chain ``eurasia_chain`` over
   10^5 points, evaluated in one vectorised pass (the mesh given by its axes, ``T[:, None]`` and
   ``C_TCN[None, :]``, as ``np.meshgrid(..., sparse=True)`` gives it; the same mesh given as full
   arrays, evaluated as scattered points, is timed too and printed beside it), against calling
   :func:`bargaining.analysis.subgame.subgame_perfect` (``exact=False``) point by point. The per-point
   time is measured on a few hundred random points of the same box and extrapolated per point; the
   compiled evaluation is the median of several calls over the whole grid (compiling, once per tree,
   is timed and printed separately). Before timing, the compiled evaluation is checked against the
   per-point solver at every one of those points (path, offers and payoffs within 1e-9).

Every size uses several fixed-seed trees (built outside the timing). Each method is called several
times per tree; the figure reported is the median over trees of the per-tree median
(``time.perf_counter``, garbage collector off during a call). The ratio column is *baseline time / our
time*: above 1 means the project is faster.

Goals
-----
* A random tree of 10^6 nodes solved in under 2 s.
* A path 10^4 deep solved by the project's solver with no recursion-limit failure.
* The offer tree over 10^6 points at least 10^4 times faster per point than ``subgame_perfect``
  point by point, and the chain over 10^5 points at least 10^3 times faster.

Each goal ends in one line ``goal ...: met (...)`` or ``goal ...: not met (...)``. Speed is reported,
never enforced: the exit status is non-zero only if an agreement check fails.

How to run
----------
From the repository root::

    python benchmarks/trees.py           # full run, under a minute
    python benchmarks/trees.py --quick   # smoke run: 10^4- and 10^5-node trees, fewer calls, compiled trees
                                         # on 10^5 / 10^4 points (under 20 s)
"""

from __future__ import annotations

import argparse
import math
import platform
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from common import fmt_range, fmt_ratio, fmt_s, median_seconds

from bargaining.analysis.compiled_tree import compile_tree
from bargaining.analysis.subgame import subgame_perfect
from bargaining.io.scenario_file import load
from bargaining.kernels.backward import TreeSolution, backward_induction

T = TypeVar("T")
IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]

MAX_CHILDREN = 4
CHANCE_SHARE = 0.1
VALUE_TOL = 1e-9  # values must agree within this; choices are compared where the best wins by more
BASELINE_STACK = 256 * 2**20  # bytes of C stack for the thread that runs the baseline on paths
OUTCOME, CHANCE = -2, -1


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Plan:
    """``trees`` fixed-seed trees of one size; ``ours`` and ``baseline`` calls per tree."""

    trees: int
    ours: int
    baseline: int


@dataclass(frozen=True)
class GamePlan:
    """A built-in tree over a ``shape`` grid of (T, C_TCN): ``calls`` compiled evaluations of the whole
    grid, the per-point solver timed on ``baseline`` random points, ``goal`` the per-point ratio sought
    (None: not a goal in this mode)."""

    name: str
    shape: tuple[int, int]
    calls: int
    baseline: int
    goal: float | None


@dataclass(frozen=True)
class Config:
    """Everything that differs between the full run and ``--quick``."""

    name: str
    random: dict[int, Plan]  # node count -> plan
    paths: dict[int, Plan]  # depth -> plan
    games: tuple[GamePlan, ...] = ()


FULL = Config(
    name="full",
    random={10**5: Plan(trees=5, ours=15, baseline=7), 10**6: Plan(trees=3, ours=7, baseline=3)},
    paths={10**3: Plan(trees=3, ours=9, baseline=9), 10**4: Plan(trees=3, ours=5, baseline=5)},
    games=(
        GamePlan("eu_russia_offer", (1000, 1000), calls=7, baseline=300, goal=1e4),
        GamePlan("eurasia_chain", (400, 250), calls=7, baseline=300, goal=1e3),
    ),
)

QUICK = Config(
    name="quick",
    random={10**4: Plan(trees=2, ours=5, baseline=3), 10**5: Plan(trees=2, ours=3, baseline=1)},
    paths={10**3: Plan(trees=2, ours=3, baseline=3), 10**4: Plan(trees=1, ours=2, baseline=1)},
    games=(
        GamePlan("eu_russia_offer", (400, 250), calls=3, baseline=60, goal=None),
        GamePlan("eurasia_chain", (100, 100), calls=3, baseline=30, goal=None),
    ),
)

GOAL_NODES = 10**6
GOAL_SECONDS = 2.0
GOAL_DEPTH = 10**4


# --------------------------------------------------------------------------- timing


# --------------------------------------------------------------------------- trees


@dataclass(frozen=True)
class Tree:
    """A game tree in the solver's array layout (see :mod:`bargaining.kernels.backward`)."""

    actor: IntArray
    start: IntArray
    count: IntArray
    children: IntArray
    probability: FloatArray
    payoff: FloatArray
    depth: int

    @property
    def nodes(self) -> int:
        return len(self.actor)


def random_tree(nodes: int, actors: int, seed: int) -> Tree:
    """A random tree of exactly ``nodes`` nodes, grown level by level (see the module docstring)."""
    rng = np.random.default_rng([3, nodes, actors, seed])
    levels: list[IntArray] = []  # child counts of the nodes of each level, breadth-first order
    width, made = 1, 1
    while made < nodes:
        k = rng.integers(0, MAX_CHILDREN + 1, size=width)
        if not k.any():
            k[rng.integers(width)] = rng.integers(1, MAX_CHILDREN + 1)
        before = np.cumsum(k) - k
        k = np.clip(nodes - made - before, 0, k)
        levels.append(k)
        width = int(k.sum())
        made += width
    levels.append(np.zeros(width, dtype=np.intp))
    count_bfs = np.concatenate(levels).astype(np.intp)
    level_bfs = np.repeat(np.arange(len(levels)), [len(k) for k in levels])
    # Breadth-first, node b's children are b's edges start_bfs[b] ... and edge e leads to node e + 1.
    start_bfs = np.cumsum(count_bfs) - count_bfs
    # New ids: shuffled within each level, so parents still come before children.
    new_id = np.empty(nodes, dtype=np.intp)
    new_id[np.argsort(level_bfs + rng.random(nodes), kind="stable")] = np.arange(nodes)
    count = np.empty(nodes, dtype=np.intp)
    start = np.empty(nodes, dtype=np.intp)
    count[new_id] = count_bfs
    start[new_id] = start_bfs
    children = new_id[1:].copy()
    parent_of_edge = np.repeat(np.arange(nodes), count_bfs)  # breadth-first parent of every edge

    inner = count > 0
    actor = np.where(inner, rng.integers(0, actors, size=nodes), OUTCOME).astype(np.intp)
    actor[inner & (rng.random(nodes) < CHANCE_SHARE)] = CHANCE
    weight = rng.exponential(size=nodes - 1)  # Dirichlet(1, ..., 1) = normalised exponentials
    weight /= np.bincount(parent_of_edge, weights=weight, minlength=nodes)[parent_of_edge]
    probability = np.where(actor[new_id[parent_of_edge]] == CHANCE, weight, 0.0)
    payoff = np.zeros((nodes, actors))
    leaves = actor == OUTCOME
    payoff[leaves] = rng.standard_normal((int(leaves.sum()), actors))
    return Tree(actor, start, count, children, probability, payoff, depth=len(levels) - 1)


def random_path(depth: int, actors: int, seed: int) -> Tree:
    """A caterpillar ``depth`` levels deep: each spine node has the next spine node and an outcome."""
    rng = np.random.default_rng([4, depth, actors, seed])
    nodes = 2 * depth + 1
    # Spine node k's children are nodes 2k+1 and 2k+2 (edges 2k and 2k+1); one of them, at random,
    # is spine node k+1 (for k < depth - 1), the other an outcome.
    spine = np.zeros(depth, dtype=np.intp)
    spine[1:] = 2 * np.arange(depth - 1) + 1 + rng.integers(0, 2, size=depth - 1)
    count = np.zeros(nodes, dtype=np.intp)
    start = np.zeros(nodes, dtype=np.intp)
    count[spine] = 2
    start[spine] = 2 * np.arange(depth)
    children = np.arange(1, nodes, dtype=np.intp)
    actor = np.full(nodes, OUTCOME, dtype=np.intp)
    actor[spine] = np.where(rng.random(depth) < CHANCE_SHARE, CHANCE, rng.integers(0, actors, size=depth))
    first = rng.random(depth)
    probability = np.zeros(nodes - 1)
    chance = spine[actor[spine] == CHANCE]
    probability[start[chance]] = first[actor[spine] == CHANCE]
    probability[start[chance] + 1] = 1 - first[actor[spine] == CHANCE]
    payoff = np.zeros((nodes, actors))
    leaves = actor == OUTCOME
    payoff[leaves] = rng.standard_normal((int(leaves.sum()), actors))
    return Tree(actor, start, count, children, probability, payoff, depth=depth)


# --------------------------------------------------------------------------- the two methods


def ours(tree: Tree) -> TreeSolution:
    return backward_induction(
        actor=tree.actor,
        start=tree.start,
        count=tree.count,
        children=tree.children,
        probability=tree.probability,
        payoff=tree.payoff,
    )


@dataclass
class BaselineSolution:
    """The baseline's values, choices (edge indices) and, at decision nodes, how much the best
    child beats the second best by for the mover (inf with a single child)."""

    value: list[list[float]]
    choice: list[int]
    margin: list[float]


def recursive_backward_induction(tree: Tree) -> BaselineSolution:
    """Baseline: the textbook recursion, in plain Python over the tree's arrays (as lists)."""
    actor: list[int] = tree.actor.tolist()
    start: list[int] = tree.start.tolist()
    count: list[int] = tree.count.tolist()
    children: list[int] = tree.children.tolist()
    probability: list[float] = tree.probability.tolist()
    payoff: list[list[float]] = tree.payoff.tolist()
    n = len(actor)
    value: list[list[float]] = [[] for _ in range(n)]
    choice = [-1] * n
    margin = [math.inf] * n

    def solve(i: int) -> list[float]:
        a = actor[i]
        if a == OUTCOME:
            v = payoff[i]
        elif a == CHANCE:
            v = [0.0] * len(payoff[i])
            for e in range(start[i], start[i] + count[i]):
                w = solve(children[e])
                p = probability[e]
                v = [x + p * y for x, y in zip(v, w, strict=True)]
        else:
            best = second = -math.inf
            v = []
            for e in range(start[i], start[i] + count[i]):
                w = solve(children[e])
                if w[a] > best:  # strict: the first listed child wins among exact equals
                    best, second, v, choice[i] = w[a], best, w, e
                elif w[a] > second:
                    second = w[a]
            margin[i] = best - second
        value[i] = v
        return v

    solve(0)
    return BaselineSolution(value, choice, margin)


# --------------------------------------------------------------------------- agreement


@dataclass
class Agreement:
    """What was checked on one tree."""

    max_value_diff: float
    compared: int  # decision nodes whose choices were compared
    close: int  # decision nodes skipped: best within VALUE_TOL of the second best
    tied: int  # decision nodes the project's solver reports as tied


def check(label: str, tree: Tree, mine: TreeSolution, base: BaselineSolution) -> Agreement:
    """Assert that the two solutions agree (see the module docstring); stop with the first difference."""
    value = np.asarray(base.value, dtype=float)
    diff = np.abs(mine.value - value).max(axis=1)
    worst = int(np.argmax(diff))
    assert diff[0] <= VALUE_TOL, f"{label}: root value {mine.value[0].tolist()} != baseline {value[0].tolist()}"
    assert diff[worst] <= VALUE_TOL, (
        f"{label}: node {worst} value {mine.value[worst].tolist()} != baseline {value[worst].tolist()}"
    )
    decision = tree.actor >= 0
    choice = np.asarray(base.choice, dtype=np.intp)
    clear = decision & (np.asarray(base.margin) > VALUE_TOL)
    wrong = np.flatnonzero(clear & (mine.choice != choice))
    assert not wrong.size, (
        f"{label}: {wrong.size} choices differ, first at node {wrong[0]}: "
        f"ours edge {mine.choice[wrong[0]]}, baseline edge {choice[wrong[0]]}"
    )
    elsewhere = np.flatnonzero(~decision & ((mine.choice != -1) | (choice != -1)))
    assert not elsewhere.size, f"{label}: a choice at non-decision node {elsewhere[0]}"
    false_ties = np.flatnonzero(clear & mine.tied)
    assert not false_ties.size, f"{label}: node {false_ties[0]} reported tied, its best wins by more than {VALUE_TOL}"
    return Agreement(
        max_value_diff=float(diff[worst]),
        compared=int(clear.sum()),
        close=int((decision & ~clear).sum()),
        tied=int((decision & mine.tied).sum()),
    )


# --------------------------------------------------------------------------- random trees


@dataclass
class Row:
    """Per-tree medians of both methods on one size, with what the agreement check covered."""

    label: str
    nodes: list[int] = field(default_factory=list)
    depths: list[int] = field(default_factory=list)
    ours: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    checks: list[Agreement] = field(default_factory=list)
    plan: Plan | None = None
    note: str = ""

    @staticmethod
    def median(times: list[float]) -> float | None:
        return statistics.median(times) if times else None


def bench_random(nodes: int, plan: Plan) -> Row:
    row = Row(f"random {fmt_count(nodes)} nodes", plan=plan)
    for seed in range(plan.trees):
        tree = random_tree(nodes, actors=2 + seed % 2, seed=seed)
        label = f"{row.label}, tree {seed}"
        row.checks.append(check(label, tree, ours(tree), recursive_backward_induction(tree)))
        row.nodes.append(tree.nodes)
        row.depths.append(tree.depth)
        row.ours.append(median_seconds(partial(ours, tree), plan.ours))
        row.baseline.append(median_seconds(partial(recursive_backward_induction, tree), plan.baseline))
    print(f"  {row.label}: done ({plan.trees} tree{'s' if plan.trees > 1 else ''}, all agree)")
    return row


# --------------------------------------------------------------------------- paths


def run_deep(fn: Callable[[], T], depth: int) -> tuple[T | None, str | None]:
    """``fn()`` with the recursion limit raised to ``depth + 1000``, in a thread with a
    BASELINE_STACK-byte stack; its result, or None and the error it raised."""
    result: list[T] = []
    error: list[str] = []

    def work() -> None:
        try:
            result.append(fn())
        except (RecursionError, MemoryError) as exc:
            error.append(f"{type(exc).__name__}: {exc}")

    old_limit = sys.getrecursionlimit()
    old_stack = threading.stack_size(BASELINE_STACK)
    sys.setrecursionlimit(depth + 1000)
    try:
        worker = threading.Thread(target=work, name="recursive-baseline")
        worker.start()
        worker.join()
    finally:
        sys.setrecursionlimit(old_limit)
        threading.stack_size(old_stack)
    return (result[0] if result else None), (error[0] if error else None)


@dataclass
class PathRow(Row):
    ours_ok: bool = True
    default_limit: int = 0
    at_default: str = ""  # what the baseline did at the default recursion limit
    limit_used: int = 0


def bench_path(depth: int, plan: Plan) -> PathRow:
    row = PathRow(f"path {fmt_count(depth)} deep", plan=plan, default_limit=sys.getrecursionlimit())
    for seed in range(plan.trees):
        tree = random_path(depth, actors=2 + seed % 2, seed=seed)
        label = f"{row.label}, tree {seed}"
        row.nodes.append(tree.nodes)
        row.depths.append(tree.depth)
        try:  # the project's solver: main thread, default recursion limit
            mine = ours(tree)
        except RecursionError as exc:
            row.ours_ok = False
            row.note = f"ours failed: RecursionError: {exc}"
            break
        if seed == 0:
            try:
                recursive_backward_induction(tree)
                row.at_default = "ran"
            except RecursionError as exc:
                row.at_default = f"RecursionError ({exc})"
        solution, error = run_deep(partial(recursive_backward_induction, tree), tree.depth)
        row.limit_used = tree.depth + 1000
        if solution is None:
            row.note = f"baseline could not run even with the limit raised: {error}"
        else:
            row.checks.append(check(label, tree, mine, solution))
            seconds, error = run_deep(
                partial(median_seconds, partial(recursive_backward_induction, tree), plan.baseline), tree.depth
            )
            if seconds is None:
                row.note = f"baseline could not be timed even with the limit raised: {error}"
            else:
                row.baseline.append(seconds)
        row.ours.append(median_seconds(partial(ours, tree), plan.ours))
    agree = ", all agree" if len(row.checks) == plan.trees else ", baseline not run on all"
    print(f"  {row.label}: done ({plan.trees} tree{'s' if plan.trees > 1 else ''}{agree})")
    return row


# --------------------------------------------------------------------------- compiled game trees


@dataclass
class GameRow:
    """One built-in tree: grid size, compile time, compiled median over the grid, per-point baseline."""

    plan: GamePlan
    points: int
    route: str
    compile_s: float
    compiled_s: float
    baseline_per_point: float
    checked: int
    full_s: float = math.nan
    kernel_s: float = math.nan
    """Kernel CPU time a call of the compiled evaluation on the mesh (getrusage), mostly page faults."""
    faults: float = math.nan
    """Minor page faults a call: fresh pages for the output arrays."""

    @property
    def ratio(self) -> float:
        return self.baseline_per_point / (self.compiled_s / self.points)


def bench_game(plan: GamePlan) -> GameRow:
    """Compile the tree, check it against the per-point solver at ``plan.baseline`` random points (which
    also times the solver), then time the compiled evaluation of the whole grid."""
    scenario = load(plan.name)
    start = time.perf_counter()
    compiled = compile_tree(scenario)
    compile_s = time.perf_counter() - start
    box = {p.name: (p.min, p.max) for p in scenario.parameters}
    rng = np.random.default_rng(7)
    pts = {a: rng.uniform(*box[a], plan.baseline) for a in ("T", "C_TCN")}
    subgame_perfect(scenario, {"T": 1.0, "C_TCN": 1.0}, exact=False)  # warm-up: the solver's caches
    answers = []
    start = time.perf_counter()
    for k in range(plan.baseline):
        answers.append(subgame_perfect(scenario, {a: float(v[k]) for a, v in pts.items()}, exact=False))
    per_point = (time.perf_counter() - start) / plan.baseline
    out = compiled.evaluate(pts)
    for k, spe in enumerate(answers):
        code = int(out.codes[k])
        assert (out.paths[code], out.outcomes[code]) == (spe.path, spe.outcome), f"{plan.name}: point {k} path"
        for p, v in spe.offers.items():
            assert abs(out.offers[p][k] - v) <= 1e-9 * (1 + abs(v)), f"{plan.name}: point {k} offer {p}"
        for a, v in spe.payoff.items():
            assert abs(out.payoffs[a][k] - v) <= 1e-9 * (1 + abs(v)), f"{plan.name}: point {k} payoff {a}"
    axes = [np.linspace(*box[a], n) for a, n in zip(("T", "C_TCN"), plan.shape, strict=True)]
    mesh = dict(zip(("T", "C_TCN"), np.meshgrid(*axes, indexing="ij", sparse=True), strict=True))
    full = dict(zip(("T", "C_TCN"), np.meshgrid(*axes, indexing="ij"), strict=True))
    on_axes, on_full = compiled.evaluate(mesh), compiled.evaluate(full)  # warm-up, and the same answers
    assert np.array_equal(on_axes.codes, on_full.codes), f"{plan.name}: codes on the axes and on full arrays"
    pairs = [(on_axes.offers[p], on_full.offers[p]) for p in on_axes.offers]
    pairs += [(on_axes.payoffs[a], on_full.payoffs[a]) for a in on_axes.payoffs]
    for mine, other in pairs:
        assert np.array_equal(mine, other, equal_nan=True), f"{plan.name}: on the axes and on full arrays"
    before = resource.getrusage(resource.RUSAGE_SELF)
    seconds = median_seconds(partial(compiled.evaluate, mesh), plan.calls)
    after = resource.getrusage(resource.RUSAGE_SELF)
    kernel = (after.ru_stime - before.ru_stime) / plan.calls
    faults = (after.ru_minflt - before.ru_minflt) / plan.calls
    full_s = median_seconds(partial(compiled.evaluate, full), plan.calls)
    row = GameRow(
        plan,
        math.prod(plan.shape),
        compiled.route,
        compile_s,
        seconds,
        per_point,
        plan.baseline,
        full_s,
        kernel,
        faults,
    )
    print(f"  {plan.name} over {fmt_count(row.points)} points: done ({plan.baseline} points agree)")
    return row


def print_games(rows: Sequence[GameRow]) -> None:
    header = (
        f"{'tree':<16} {'points':>8} {'route':>9} {'compile':>9} {'compiled':>10} {'per point':>10}"
        f" {'subgame_perfect/pt':>19} {'ratio/pt':>9} {'full arrays':>12}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.plan.name:<16} {fmt_count(r.points):>8} {r.route:>9} {fmt_s(r.compile_s):>9}"
            f" {fmt_s(r.compiled_s):>10} {r.compiled_s / r.points * 1e9:>8.0f}ns"
            f" {fmt_s(r.baseline_per_point):>19} {r.ratio:>8.0f}x {fmt_s(r.full_s):>12}"
        )
    for r in rows:
        print(
            f"of {r.plan.name}'s compiled {fmt_s(r.compiled_s)}, {fmt_s(r.kernel_s)} a call is kernel time"
            f" ({r.faults:,.0f} page faults a call: fresh pages for the output arrays, which the allocator"
            " may or may not reuse from the previous call)"
        )


def game_goals(rows: Sequence[GameRow]) -> list[str]:
    lines = []
    for plan in FULL.games:
        assert plan.goal is not None
        text = (
            (
                f"{plan.name} over {fmt_count(math.prod(plan.shape))} points at least {plan.goal:.0e} times faster per"
                " point than subgame_perfect"
            )
            .replace("1e+04", "10^4")
            .replace("1e+03", "10^3")
        )
        row = next((r for r in rows if r.plan == plan), None)
        if row is None:
            lines.append(goal_line(text, None, ""))
        else:
            lines.append(
                goal_line(
                    text,
                    row.ratio >= plan.goal,
                    f"{row.ratio:.0f}x: {fmt_s(row.compiled_s)} for the grid against"
                    f" {fmt_s(row.baseline_per_point)} a point",
                )
            )
    return lines


# --------------------------------------------------------------------------- report


def fmt_count(n: int) -> str:
    exponent = math.log10(n)
    return f"10^{exponent:.0f}" if exponent.is_integer() else f"{n:,}"


def print_table(rows: Sequence[Row]) -> None:
    header = (
        f"{'case':<22} {'nodes':>9} {'depth':>11} {'calls':>10} {'ours':>10} {'baseline':>10} "
        f"{'base/ours':>9} {'choices compared / close':>25} {'max |dv|':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        assert r.plan is not None
        ours_s, base_s = Row.median(r.ours), Row.median(r.baseline)
        compared = sum(c.compared for c in r.checks)
        close = sum(c.close for c in r.checks)
        dv = max((c.max_value_diff for c in r.checks), default=math.nan)
        calls = f"{len(r.ours)}t x{r.plan.ours}/x{r.plan.baseline}"
        print(
            f"{r.label:<22} {fmt_range(r.nodes):>9} {fmt_range(r.depths):>11} {calls:>10} {fmt_s(ours_s):>10} "
            f"{fmt_s(base_s):>10} {fmt_ratio(base_s, ours_s):>9} {f'{compared:,} / {close}':>25} {dv:>9.1e}"
        )


def goal_line(text: str, met: bool | None, detail: str) -> str:
    """``goal <text>: met (<detail>)``, ``... not met (...)``, or not met because it was not measured."""
    if met is None:
        return f"goal {text}: not met (not measured in this mode)"
    return f"goal {text}: {'met' if met else 'not met'} ({detail})"


def goals(random_rows: list[Row], path_rows: list[PathRow]) -> list[str]:
    big = next((r for r in random_rows if r.nodes and r.nodes[0] == GOAL_NODES), None)
    t = None if big is None else Row.median(big.ours)
    lines = [
        goal_line(
            f"random tree of {fmt_count(GOAL_NODES)} nodes under {GOAL_SECONDS:g} s",
            None if t is None else t < GOAL_SECONDS,
            f"median {fmt_s(t)}" if big is None else f"median {fmt_s(t)} over {len(big.ours)} trees",
        )
    ]
    deep = next((r for r in path_rows if r.depths and r.depths[0] == GOAL_DEPTH), None)
    t = None if deep is None else Row.median(deep.ours)
    lines.append(
        goal_line(
            f"path {fmt_count(GOAL_DEPTH)} deep with no recursion-limit failure",
            None if deep is None else deep.ours_ok,
            f"median {fmt_s(t)} in the main thread at the default recursion limit"
            if deep is not None and deep.ours_ok
            else deep.note
            if deep is not None
            else "",
        )
    )
    return lines


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="smoke mode: 10^4- and 10^5-node trees, paths 10^3 and 10^4, fewer calls"
    )
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL

    start = time.perf_counter()
    print(f"trees benchmark ({config.name} mode) | Python {platform.python_version()} | numpy {np.__version__}")
    ours(random_tree(100, actors=2, seed=99))  # warm-up, outside any timing
    random_rows = [bench_random(n, plan) for n, plan in config.random.items()]
    path_rows = [bench_path(d, plan) for d, plan in config.paths.items()]
    game_rows = [bench_game(plan) for plan in config.games]

    print()
    print(
        "Median over trees of the per-tree median time per call; base/ours = baseline / ours (above 1: ours is"
        " faster); calls = trees x ours calls / baseline calls per tree."
    )
    print(
        "Baseline = recursive Python over the same arrays (converted with tolist inside its timed call). Agreement"
        f" asserted before timing: every node's value within {VALUE_TOL:g}; choices at every decision node whose best"
        f" child wins by more than {VALUE_TOL:g} (close = decision nodes not compared)."
    )
    print()
    print_table([*random_rows, *path_rows])
    print()
    for r in path_rows:
        print(
            f"{r.label}: ours in the main thread at the default recursion limit ({r.default_limit}): "
            + ("ran" if r.ours_ok else "FAILED")
            + f"; baseline at the default limit: {r.at_default or 'not tried'}; so the baseline needs a raised limit:"
            f" run with sys.setrecursionlimit({r.limit_used}) in a thread with a {BASELINE_STACK // 2**20} MiB stack"
            " (a precaution against C-stack overflow)" + (f"; {r.note}" if r.note else "")
        )
    print()
    print(
        "Compiled game trees: compile = compile_tree once (symbolic backward induction, formulas compiled);"
        " compiled = median of the evaluation of the whole grid of (T, C_TCN) given by its axes (full arrays = the"
        " same grid given as full arrays, evaluated as scattered points); subgame_perfect/pt = the per-point"
        " solver (exact=False, warm caches) timed on random points of the same box, which also checked the"
        " compiled answers; ratio/pt = its time per point / the compiled time per point."
    )
    print()
    print_games(game_rows)
    print()
    for line in [*goals(random_rows, path_rows), *game_goals(game_rows)]:
        print(line)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

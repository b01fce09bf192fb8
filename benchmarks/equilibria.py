"""Speed of the equilibrium solvers against baselines timed in the same process.

What is measured
----------------
1. **Pure equilibria of n-actor binary-action games** (n = 6, 10, 14, 16; payoff array of shape
   ``(n, 2, ..., 2)`` holding random integers in [-3, 3], so ties occur). The project's
   :func:`bargaining.kernels.pure.pure_equilibria` against

   * a plain Python loop over every profile (``itertools.product``) that, for each actor and each
     alternative action, checks that no unilateral deviation pays more. It is written the
     straightforward way, so ``all()`` stops at the first improving deviation it meets;
   * QuantEcon's ``pure_nash_brute`` on a ``NormalFormGame`` built from the same payoffs (QuantEcon's
     player ``i`` holds its payoffs with its own action first and then the opponents ``i+1, ..., n-1,
     0, ..., i-1``, so ``payoffs[i]`` is transposed with those axes). Building the game is not timed.

   All three must return the same set of equilibria: the script asserts it on every game (using the
   result of each method's first timed call) before it prints anything about that size.

2. **Every equilibrium of two-actor games** (2x2, 4x4, 6x6, 8x8, 10x10; standard normal payoffs, so
   the games are non-degenerate with probability 1). The project's
   :func:`bargaining.kernels.bimatrix.vertex_enumeration` (and, as a second column, its
   :func:`~bargaining.kernels.bimatrix.support_enumeration`) against QuantEcon's
   ``vertex_enumeration`` (numba; compiled by a warm-up call before any timing) and nashpy's
   ``Game.support_enumeration`` (consumed with ``list``; its RuntimeWarnings are silenced). The
   project's vertex enumeration is matched, equilibrium by equilibrium, to QuantEcon's within 1e-6;
   a mismatch prints a WARNING and does not stop the run. nashpy compares payoffs with exact float
   equality and so sometimes misses equilibria: its counts are reported, not asserted.

3. **A large degenerate two-actor game** (15x15, payoffs in {0, 1, 2}, seed 15; it once raised
   ``MemoryError: Unable to allocate 27.4 GiB``). Reported: the cost estimate and the refusal under the
   default memory budget (1024 MiB), Lemke-Howson from every label, and (full mode only) the complete
   vertex enumeration with ``budget=4096``: time, Python peak memory (``tracemalloc``; numpy's arrays
   included, qhull's C allocations not) and the process's peak resident memory
   (``resource.getrusage``), and whether every Lemke-Howson end is among the complete list.

3. **Every equilibrium of three-actor games** (2x2x2 and 3x3x3; payoffs random integers in [-9, 9],
   so ties are rare but possible). The project's :func:`bargaining.analysis.nash_n.all_equilibria`
   (support enumeration, each support's polynomial system solved exactly with sympy Groebner bases)
   against Gambit's ``enumpoly_solve`` (pygambit, C++; support enumeration with numeric root
   isolation). Every equilibrium Gambit finds must be among ours (within 1e-6) or in a continuum we
   report; an equilibrium of ours that Gambit does not list is reported (Gambit's enumpoly is known
   to miss some), not asserted.

Every size uses several fixed-seed games; each method is called several times per game and the
figure reported is the median over games of the per-game median (``time.perf_counter``, garbage
collector off during a call). Slow baselines get fewer calls per game and a time budget: once a
method has spent its budget on a size, the remaining games of that size are not timed for it (the
table says how many games were). The ratio columns are *baseline time / our time*: above 1 means
the project is faster.

Goals
-----
* 14-actor game (16,384 profiles): under 20 ms, and at least 50x faster than the Python loop.
* 6x6 and 8x8 bimatrix games: within 2x of QuantEcon's median, and at least 100x faster than nashpy.

The three-actor table has no goal: exact solving in sympy is expected to be much slower than Gambit's
numeric C++; the table says how much.

Each goal ends in one line ``goal ...: met (...)`` or ``goal ...: not met (...)``. Speed is reported,
never enforced: the exit status is non-zero only if the solvers disagree on pure equilibria.

How to run
----------
From the repository root, with the ``bench`` extra (QuantEcon) installed::

    python benchmarks/equilibria.py           # full run, a few minutes (the exact 3x3x3 solves dominate)
    python benchmarks/equilibria.py --quick   # smoke run: 2 games per size, fewer calls (under 10 s)
"""

from __future__ import annotations

import argparse
import itertools
import math
import platform
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import nashpy
import numpy as np
import numpy.typing as npt
import pygambit  # type: ignore[import-untyped]
import quantecon
import quantecon.game_theory as qe_gt
from common import time_call, unmatched

from bargaining.analysis.nash_n import all_equilibria
from bargaining.errors import ScenarioError
from bargaining.kernels.bimatrix import enumeration_cost, lemke_howson, support_enumeration, vertex_enumeration
from bargaining.kernels.pure import pure_equilibria

T = TypeVar("T")
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Profile = tuple[int, ...]
Pair = tuple[FloatArray, FloatArray]

PURE_ACTORS = (6, 10, 14, 16)
BIMATRIX_SIZES = (2, 4, 6, 8, 10)
THREE_ACTOR_SIZES = (2, 3)  # strategies per actor: 2x2x2 and 3x3x3
PAYOFF_LOW, PAYOFF_HIGH = -3, 3  # inclusive range of the integer payoffs in the n-actor games
MATCH_TOL = 1e-6


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Plan:
    """How one method is timed on one size: ``repeats`` calls per game (0: skipped), and a budget in
    seconds after which no further game of that size is timed for the method (at least one is)."""

    repeats: int
    budget_s: float = math.inf


SKIP = Plan(0)


@dataclass(frozen=True)
class Config:
    """Everything that differs between the full run and ``--quick``."""

    name: str
    games: int
    pure: dict[str, dict[int, Plan]]
    bimatrix: dict[str, dict[int, Plan]]
    three: dict[str, dict[int, Plan]]


FULL = Config(
    name="full",
    games=5,
    pure={
        "ours": {n: Plan(9) for n in PURE_ACTORS},
        "loop": {6: Plan(9), 10: Plan(7), 14: Plan(5), 16: Plan(3)},
        "quantecon": {6: Plan(9), 10: Plan(5), 14: Plan(3), 16: Plan(1, budget_s=20.0)},
    },
    bimatrix={
        "ours": {m: Plan(9) for m in BIMATRIX_SIZES},
        "ours_support": {2: Plan(9), 4: Plan(9), 6: Plan(9), 8: Plan(9), 10: Plan(3)},
        "quantecon": {m: Plan(9) for m in BIMATRIX_SIZES},
        "nashpy": {2: Plan(9), 4: Plan(5), 6: Plan(3), 8: Plan(1, budget_s=15.0), 10: SKIP},
    },
    three={"ours": {2: Plan(5), 3: Plan(3, budget_s=60.0)}, "gambit": {2: Plan(9), 3: Plan(5)}},
)

QUICK = Config(
    name="quick",
    games=2,
    pure={
        "ours": {n: Plan(3) for n in PURE_ACTORS},
        "loop": {6: Plan(3), 10: Plan(3), 14: Plan(1), 16: SKIP},
        "quantecon": {6: Plan(3), 10: Plan(1), 14: Plan(1), 16: SKIP},
    },
    bimatrix={
        "ours": {m: Plan(3) for m in BIMATRIX_SIZES},
        "ours_support": {2: Plan(3), 4: Plan(3), 6: Plan(3), 8: Plan(3), 10: Plan(1)},
        "quantecon": {m: Plan(3) for m in BIMATRIX_SIZES},
        "nashpy": {2: Plan(3), 4: Plan(1), 6: Plan(1), 8: Plan(1, budget_s=0.5), 10: SKIP},
    },
    three={"ours": {2: Plan(3), 3: Plan(1, budget_s=1.0)}, "gambit": {2: Plan(3), 3: Plan(1)}},
)


# --------------------------------------------------------------------------- timing


@dataclass
class Timing:
    """Per-game median times of one method on one size, and the time it has spent so far."""

    plan: Plan
    per_game: list[float] = field(default_factory=list)
    spent: float = 0.0

    def wants_game(self) -> bool:
        return self.plan.repeats > 0 and (not self.per_game or self.spent < self.plan.budget_s)

    def run(self, fn: Callable[[], T]) -> T:
        """Time ``plan.repeats`` calls of ``fn`` on one game; return the first call's result."""
        elapsed, first = time_call(fn)
        times = [elapsed]
        times.extend(time_call(fn)[0] for _ in range(self.plan.repeats - 1))
        self.per_game.append(statistics.median(times))
        self.spent += sum(times)
        return first

    @property
    def median_ms(self) -> float | None:
        return 1e3 * statistics.median(self.per_game) if self.per_game else None


# --------------------------------------------------------------------------- n-actor pure games


def random_binary_game(actors: int, seed: int) -> IntArray:
    """Payoffs of shape ``(actors, 2, ..., 2)``: integers in [PAYOFF_LOW, PAYOFF_HIGH], ties common."""
    rng = np.random.default_rng([1, actors, seed])
    return rng.integers(PAYOFF_LOW, PAYOFF_HIGH + 1, size=(actors, *(2,) * actors))


def loop_pure_equilibria(payoffs: IntArray) -> list[Profile]:
    """Baseline: every profile, every actor, every alternative action, in plain Python."""
    n = payoffs.shape[0]
    actions = payoffs.shape[1:]
    found: list[Profile] = []
    for profile in itertools.product(*(range(m) for m in actions)):
        if all(
            payoffs[(i, *profile[:i], t, *profile[i + 1 :])] <= payoffs[(i, *profile)]
            for i in range(n)
            for t in range(actions[i])
        ):
            found.append(profile)
    return found


def quantecon_game(payoffs: npt.NDArray[Any]) -> Any:
    """QuantEcon ``NormalFormGame`` of ``payoffs`` (shape ``(n, m_1, ..., m_n)``).

    QuantEcon's player ``i`` indexes its payoff array by its own action, then by the actions of
    players ``i+1, ..., n-1, 0, ..., i-1``.
    """
    n = payoffs.shape[0]
    players = [qe_gt.Player(np.transpose(payoffs[i], [(i + k) % n for k in range(n)])) for i in range(n)]
    return qe_gt.NormalFormGame(players)


def quantecon_pure(game: Any) -> list[Profile]:
    result: list[Profile] = qe_gt.pure_nash_brute(game)
    return result


def profile_set(profiles: IntArray | Sequence[Sequence[int]]) -> set[Profile]:
    rows = profiles.tolist() if isinstance(profiles, np.ndarray) else profiles
    return {tuple(int(a) for a in row) for row in rows}


@dataclass
class PureRow:
    actors: int
    ours: Timing
    loop: Timing
    quantecon: Timing
    equilibria: list[int] = field(default_factory=list)


def bench_pure(config: Config) -> list[PureRow]:
    rows = []
    for n in PURE_ACTORS:
        row = PureRow(
            n, Timing(config.pure["ours"][n]), Timing(config.pure["loop"][n]), Timing(config.pure["quantecon"][n])
        )
        for seed in range(config.games):
            payoffs = random_binary_game(n, seed)
            game = quantecon_game(payoffs)
            found = profile_set(row.ours.run(partial(pure_equilibria, payoffs)))
            row.equilibria.append(len(found))
            if row.loop.wants_game():
                by_loop = profile_set(row.loop.run(partial(loop_pure_equilibria, payoffs)))
                assert by_loop == found, f"{n} actors, game {seed}: loop {sorted(by_loop)} != ours {sorted(found)}"
            if row.quantecon.wants_game():
                by_qe = profile_set(row.quantecon.run(partial(quantecon_pure, game)))
                assert by_qe == found, f"{n} actors, game {seed}: QuantEcon {sorted(by_qe)} != ours {sorted(found)}"
        rows.append(row)
        print(f"  pure, {n} actors: done ({sum(row.equilibria)} equilibria in {config.games} games, all agree)")
    return rows


# --------------------------------------------------------------------------- bimatrix games


def random_bimatrix(size: int, seed: int) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng([2, size, seed])
    return rng.standard_normal((size, size)), rng.standard_normal((size, size))


def ours_vertex(A: FloatArray, B: FloatArray) -> list[Pair]:
    return list(vertex_enumeration(A, B).equilibria)


def quantecon_vertex(game: Any) -> list[Pair]:
    result: list[Pair] = qe_gt.vertex_enumeration(game)
    return result


def nashpy_support(game: Any) -> list[Pair]:
    return list(game.support_enumeration())


@dataclass
class BimatrixRow:
    size: int
    ours: Timing
    ours_support: Timing
    quantecon: Timing
    nashpy: Timing
    counts: dict[str, list[int]] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)


def bench_bimatrix(config: Config) -> list[BimatrixRow]:
    rows = []
    plans = config.bimatrix
    for m in BIMATRIX_SIZES:
        row = BimatrixRow(
            m,
            Timing(plans["ours"][m]),
            Timing(plans["ours_support"][m]),
            Timing(plans["quantecon"][m]),
            Timing(plans["nashpy"][m]),
        )
        counts: dict[str, list[int]] = {"ours": [], "support": [], "quantecon": [], "nashpy": []}
        for seed in range(config.games):
            A, B = random_bimatrix(m, seed)
            qe_game = qe_gt.NormalFormGame([qe_gt.Player(A), qe_gt.Player(B.T)])
            np_game = nashpy.Game(A, B)
            ours = row.ours.run(partial(ours_vertex, A, B))
            by_qe = row.quantecon.run(partial(quantecon_vertex, qe_game))
            counts["ours"].append(len(ours))
            counts["quantecon"].append(len(by_qe))
            bad = unmatched(ours, by_qe, MATCH_TOL)
            if bad:
                msg = f"{m}x{m} game {seed}: ours {len(ours)} equilibria, QuantEcon {len(by_qe)}, {bad} unmatched"
                row.mismatches.append(msg)
                print(f"  WARNING: vertex_enumeration disagrees with QuantEcon: {msg}")
            if row.ours_support.wants_game():
                counts["support"].append(len(row.ours_support.run(partial(support_enumeration, A, B))))
            if row.nashpy.wants_game():
                counts["nashpy"].append(len(row.nashpy.run(partial(nashpy_support, np_game))))
        row.counts = counts
        rows.append(row)
        print(f"  bimatrix {m}x{m}: done")
    return rows


# --------------------------------------------------------------------------- a large degenerate game


def large_degenerate_game() -> tuple[IntArray, IntArray]:
    """15x15, payoffs in {0, 1, 2}, seed 15 (the game of tests/test_scale.py)."""
    rng = np.random.default_rng(15)
    return rng.integers(0, 3, (15, 15)), rng.integers(0, 3, (15, 15))


def traced(fn: Callable[[], T]) -> tuple[float, float, T]:
    """Seconds and Python peak MiB (tracemalloc) of one call, and its result."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return elapsed, peak, result


def bench_large(config: Config) -> list[str]:
    """The 15x15 degenerate game: refusal under the default budget, Lemke-Howson, and (full mode)
    complete enumeration with a raised budget. Returns the report lines."""
    A, B = large_degenerate_game()
    lines = [f"estimate: {enumeration_cost(15, 15).describe()}"]
    try:
        vertex_enumeration(A, B)
        lines.append("default budget: not refused")
    except ScenarioError as err:
        lines.append(f"default budget (1024 MiB): refused before allocating ({err.field})")
    seconds, peak, ends = traced(partial(lemke_howson, A, B))
    lines.append(f"Lemke-Howson, 30 labels: {len(ends)} equilibria in {seconds:.2f} s, Python peak {peak:.1f} MiB")
    if config.name == "full":
        seconds, peak, res = traced(partial(vertex_enumeration, A, B, budget=4096))
        every = [np.concatenate(e) for e in res.equilibria]
        inside = all(any(np.allclose(np.concatenate(e), v, atol=1e-9) for v in every) for e in ends)
        lines.append(
            f"complete, budget=4096: {len(every)} extreme equilibria in {seconds:.1f} s (under tracemalloc), "
            f"Python peak {peak:.0f} MiB; Lemke-Howson ends among them: {inside}"
        )
    else:
        lines.append("complete enumeration: skipped in quick mode (about 11 s)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    lines.append(f"process peak resident memory so far: {rss:.0f} MiB")
    return lines


# --------------------------------------------------------------------------- three-actor games


def random_three_actor(m: int, seed: int) -> IntArray:
    rng = np.random.default_rng([3, m, seed])
    return rng.integers(-9, 10, size=(3, m, m, m))


Profile3 = list[FloatArray]


def ours_three(payoffs: IntArray) -> list[tuple[Profile3, bool]]:
    """Every equilibrium we report, and whether it is a sample point of a continuum."""
    return [
        ([np.asarray(p, dtype=float) for p in e.probabilities], e.continuum is not None)
        for e in all_equilibria(payoffs).equilibria
    ]


def gambit_game(payoffs: IntArray) -> Any:
    return pygambit.StrategicGame.from_arrays(*[payoffs[i].astype(float) for i in range(payoffs.shape[0])])


def gambit_three(game: Any) -> list[Profile3]:
    return [
        [np.array([float(x) for x in dict(e[p]).values()]) for p in game.players]
        for e in pygambit.nash.enumpoly_solve(game).equilibria
    ]


def profile_matched(profile: Profile3, among: list[Profile3]) -> bool:
    return any(all(np.allclose(a, b, atol=MATCH_TOL) for a, b in zip(profile, other, strict=True)) for other in among)


@dataclass
class ThreeRow:
    size: int
    ours: Timing
    gambit: Timing
    counts: dict[str, list[int]] = field(default_factory=dict)
    gambit_missing: list[str] = field(default_factory=list)
    ours_missing: list[str] = field(default_factory=list)


def bench_three(config: Config) -> list[ThreeRow]:
    rows = []
    for m in THREE_ACTOR_SIZES:
        row = ThreeRow(m, Timing(config.three["ours"][m]), Timing(config.three["gambit"][m]))
        counts: dict[str, list[int]] = {"ours": [], "gambit": []}
        for seed in range(config.games):
            payoffs = random_three_actor(m, seed)
            game = gambit_game(payoffs)
            by_gambit = row.gambit.run(partial(gambit_three, game))
            counts["gambit"].append(len(by_gambit))
            if not row.ours.wants_game():
                continue
            ours = row.ours.run(partial(ours_three, payoffs))
            counts["ours"].append(len(ours))
            points = [o for o, _ in ours]
            lost = sum(not profile_matched(g, points) for g in by_gambit)
            isolated = sum(not profile_matched(o, by_gambit) for o, sample in ours if not sample)
            samples = sum(not profile_matched(o, by_gambit) for o, sample in ours if sample)
            if lost:
                row.ours_missing.append(f"{m}x{m}x{m} game {seed}: {lost} of Gambit's equilibria not among ours")
                print(f"  WARNING: {row.ours_missing[-1]}")
            if isolated or samples:
                row.gambit_missing.append(
                    f"{m}x{m}x{m} game {seed}: {isolated} isolated equilibria and {samples} sample points of "
                    "continua (Gambit skips singular supports)"
                )
        row.counts = counts
        rows.append(row)
        print(f"  three actors {m}x{m}x{m}: done")
    return rows


def print_three_table(rows: list[ThreeRow], games: int) -> None:
    header = f"{'case':<22} {'ours (exact) ms':>18} {'Gambit enumpoly ms':>20} {'ours/Gambit':>12}  #eq ours/Gambit"
    print(header)
    print("-" * len(header))
    for r in rows:
        slowdown = ratio(r.ours.median_ms, r.gambit.median_ms)
        n_ours = len(r.counts["ours"])
        eq = f"{sum(r.counts['ours'])}/{sum(r.counts['gambit'][:n_ours])}"
        print(
            f"{f'three actors {r.size}x{r.size}x{r.size}':<22} {fmt_timing(r.ours, games):>18} "
            f"{fmt_timing(r.gambit, games):>20} {(f'{slowdown:.0f}x slower' if slowdown else '-'):>12}  {eq}"
        )


# --------------------------------------------------------------------------- report


def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "skipped"
    if ms < 1:
        return f"{ms:.4f}"
    if ms < 100:
        return f"{ms:.2f}"
    return f"{ms:.0f}"


def fmt_ratio(baseline: Timing, ours: Timing) -> str:
    if baseline.median_ms is None or ours.median_ms is None:
        return "-"
    return f"{baseline.median_ms / ours.median_ms:.1f}x"


def fmt_timing(t: Timing, games: int) -> str:
    text = fmt_ms(t.median_ms)
    if t.per_game and (len(t.per_game) < games or t.plan.repeats < 3):
        text += f" [{len(t.per_game)}g x{t.plan.repeats}]"
    return text


def print_pure_table(rows: list[PureRow], games: int) -> None:
    header = (
        f"{'case':<30} {'ours ms':>10} {'loop ms':>18} {'QuantEcon ms':>18} {'loop/ours':>10} {'QE/ours':>9} {'#eq':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        case = f"pure {r.actors} actors ({2**r.actors:,} prof.)"
        print(
            f"{case:<30} {fmt_timing(r.ours, games):>10} {fmt_timing(r.loop, games):>18} "
            f"{fmt_timing(r.quantecon, games):>18} {fmt_ratio(r.loop, r.ours):>10} "
            f"{fmt_ratio(r.quantecon, r.ours):>9} {sum(r.equilibria):>5}"
        )


def print_bimatrix_table(rows: list[BimatrixRow], games: int) -> None:
    header = (
        f"{'case':<15} {'ours vertex ms':>14} {'ours support ms':>16} {'QuantEcon ms':>13} {'nashpy ms':>16} "
        f"{'QE/ours':>8} {'nashpy/ours':>12}  #eq ours/support/QE/nashpy"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        c = r.counts
        # nashpy's count is compared with QuantEcon's on the same games (it may time fewer)
        eq = f"{sum(c['ours'])}/{sum(c['support'])}/{sum(c['quantecon'])}/" + (
            f"{sum(c['nashpy'])} of {sum(c['quantecon'][: len(c['nashpy'])])}" if c["nashpy"] else "-"
        )
        print(
            f"{f'bimatrix {r.size}x{r.size}':<15} {fmt_timing(r.ours, games):>14} "
            f"{fmt_timing(r.ours_support, games):>16} {fmt_timing(r.quantecon, games):>13} "
            f"{fmt_timing(r.nashpy, games):>16} {fmt_ratio(r.quantecon, r.ours):>8} "
            f"{fmt_ratio(r.nashpy, r.ours):>12}  {eq}"
        )


def goal_line(text: str, met: bool | None, detail: str) -> str:
    """``goal <text>: met (<detail>)``, ``... not met (...)``, or not met because it was not measured."""
    if met is None:
        return f"goal {text}: not met (not measured in this mode)"
    return f"goal {text}: {'met' if met else 'not met'} ({detail})"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or denominator is None else numerator / denominator


def goals(pure_rows: list[PureRow], bimatrix_rows: list[BimatrixRow]) -> list[str]:
    p14 = next(r for r in pure_rows if r.actors == 14)
    ours, loop = p14.ours.median_ms, p14.loop.median_ms
    lines = [goal_line("pure 14 actors under 20 ms", None if ours is None else ours < 20, f"{fmt_ms(ours)} ms")]
    speedup = ratio(loop, ours)
    lines.append(
        goal_line(
            "pure 14 actors at least 50x faster than the Python loop",
            None if speedup is None else speedup >= 50,
            f"{speedup or 0:.1f}x: {fmt_ms(ours)} ms vs {fmt_ms(loop)} ms",
        )
    )
    for r in bimatrix_rows:
        if r.size not in (6, 8):
            continue
        ours, qe, nash = r.ours.median_ms, r.quantecon.median_ms, r.nashpy.median_ms
        slowdown = ratio(ours, qe)
        lines.append(
            goal_line(
                f"bimatrix {r.size}x{r.size} within 2x of QuantEcon",
                None if slowdown is None else slowdown <= 2,
                f"ours {fmt_ms(ours)} ms = {slowdown or 0:.2f}x QuantEcon's {fmt_ms(qe)} ms",
            )
        )
        speedup = ratio(nash, ours)
        lines.append(
            goal_line(
                f"bimatrix {r.size}x{r.size} at least 100x faster than nashpy",
                None if speedup is None else speedup >= 100,
                f"{speedup or 0:.0f}x: {fmt_ms(ours)} ms vs {fmt_ms(nash)} ms",
            )
        )
    return lines


# --------------------------------------------------------------------------- main


def warm_up() -> None:
    """Compile QuantEcon's numba code and touch every code path once, outside any timing."""
    payoffs = random_binary_game(4, 99)
    pure_equilibria(payoffs)
    loop_pure_equilibria(payoffs)
    quantecon_pure(quantecon_game(payoffs))
    A, B = random_bimatrix(3, 99)
    ours_vertex(A, B)
    support_enumeration(A, B)
    quantecon_vertex(qe_gt.NormalFormGame([qe_gt.Player(A), qe_gt.Player(B.T)]))
    nashpy_support(nashpy.Game(A, B))
    three = random_three_actor(2, 99)
    ours_three(three)
    gambit_three(gambit_game(three))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="smoke mode: fewer games and calls, slow baselines skipped"
    )
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"nashpy(\.|$)")

    start = time.perf_counter()
    print(
        f"equilibria benchmark ({config.name} mode, {config.games} games per size) | Python {platform.python_version()}"
        f" | numpy {np.__version__} | quantecon {quantecon.__version__} | nashpy {nashpy.__version__}"
        f" | pygambit {pygambit.__version__}"
    )
    warm_up()
    print(f"warm-up done in {time.perf_counter() - start:.1f} s")
    pure_rows = bench_pure(config)
    bimatrix_rows = bench_bimatrix(config)
    three_rows = bench_three(config)
    large_lines = bench_large(config)

    print()
    print("Median time per game (ms); ratio = baseline / ours; [Ng xR] = only N games timed, R calls each.")
    print()
    print_pure_table(pure_rows, config.games)
    print()
    print_bimatrix_table(bimatrix_rows, config.games)
    print()
    print_three_table(three_rows, config.games)
    lost = [m for r in three_rows for m in r.ours_missing]
    print(
        "every equilibrium Gambit's enumpoly lists is among ours"
        if not lost
        else f"WARNING: {len(lost)} game(s) where Gambit lists an equilibrium we do not: " + "; ".join(lost)
    )
    extra = [m for r in three_rows for m in r.gambit_missing]
    if extra:
        print("equilibria of ours that Gambit's enumpoly does not list: " + "; ".join(extra))
    print()
    mismatches = [m for r in bimatrix_rows for m in r.mismatches]
    if mismatches:
        print(f"WARNING: {len(mismatches)} game(s) where vertex_enumeration and QuantEcon disagree:")
        for m in mismatches:
            print(f"  {m}")
    else:
        print("vertex_enumeration matches QuantEcon on every game (each equilibrium within 1e-6).")
    short = [
        f"{r.size}x{r.size} game {k}: nashpy {n_np}, QuantEcon {n_qe}"
        for r in bimatrix_rows
        for k, (n_np, n_qe) in enumerate(zip(r.counts["nashpy"], r.counts["quantecon"], strict=False))
        if n_np != n_qe
    ]
    if short:
        print(f"nashpy's count differs from QuantEcon's on {len(short)} game(s): " + "; ".join(short))
    print()
    print("Large degenerate game, 15x15, payoffs in {0, 1, 2}:")
    for line in large_lines:
        print(f"  {line}")
    print()
    for line in goals(pure_rows, bimatrix_rows):
        print(line)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

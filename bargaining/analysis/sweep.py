r"""The outcome of a game over a grid of parameter values, computed as array operations in chunks.

For two actors the symbolic work is done once. Every extreme Nash equilibrium is a pair of vertices
of the best-response polytopes (von Stengel 2007; Avis et al. 2010), and a vertex :math:`x` with
support :math:`S_1` is fixed by :math:`|S_1|` of the opponent's strategies :math:`T_2` that it makes
indifferent. So on every pair :math:`(S_1, T_2)` of equal size sympy solves the indifference
conditions for :math:`x` as formulas in the parameters (likewise :math:`(S_2, T_1)` for :math:`y`).
numpy then evaluates every such vertex on a whole chunk of grid points at once, keeps those with
positive probabilities on their support that really make :math:`T_2` best replies, and pairs
:math:`x` with :math:`y` when each one's support is among the other's best replies. The pairs that
pass are the extreme equilibria at each point, degenerate points included; points where the game is
degenerate are flagged, and where two extreme equilibria share a strategy a continuum joins them
(``continuum``). For three or more actors every pure profile is a candidate and the
pure-equilibrium test is applied to the payoff array of the whole chunk.

The grid is processed in chunks of flat indices by a pure function of the chunk's bounds
(:func:`_solve_points`, around :func:`solve_chunk`) through
:func:`~bargaining.analysis.engine.map_chunks`: in this process, or with ``scheduler=`` on a Dask
cluster. Each chunk's equilibria are written into arrays allocated once for the whole grid (at the
most candidates the memory budget allows; pages never written are never touched) and cut to size in
place at the end, or, with ``keep="outcomes"``, folded into each point's code of its set of
equilibria (:class:`OutcomeSet`), which keeps 10^8 points within the default budget. The symbolic
plan is cached per game and deadline, so only a game's first sweep pays sympy. A 2 x 2 game's
chunk is solved in one fused pass (:func:`_solve_2x2`, :func:`_side_2x2`; :func:`_vertices_2x2` in
:func:`solve_chunk`): the same comparisons on the same numbers as the general route, bit for bit, with
each shared term computed once, payoffs that use no swept parameter kept as numbers, and the mixed
vertex's tests only where its probabilities can pass. Computed in this process, a chunk's largest
temporaries are buffers reused from chunk to chunk (:class:`_Scratch`), so chunks do not page-fault on
fresh memory, and a 2 x 2 chunk's results are written straight into the sweep's arrays.

>>> from bargaining.io.scenario_file import load
>>> s = sweep(load("eu_russia_2007"), {"T": [0, 1, 2, 3, 4]})
>>> [s.label(k) for k in range(len(s.candidates)) if s.valid[k, 3]]
['EU offer; RU accept', 'EU no_offer; RU reject']
>>> s.valid[s.index("EU offer; RU accept")].tolist()  # the deal is an equilibrium from T = 3 on
[False, False, False, True, True]
"""

from __future__ import annotations

import functools
import itertools
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.deadline import DeadlineExceeded, too_large, within_deadline
from bargaining.analysis.engine import Scheduler, describe, map_chunks
from bargaining.analysis.indifference import indifference
from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.sweep_deal import DealSweep, sweep_deal
from bargaining.analysis.sweep_grid import MAX_POINTS, GridAxes, grid_axes
from bargaining.analysis.sweep_points import KINDS, PointSweep, sweep_points
from bargaining.analysis.sweep_tree import TreeSweep, sweep_tree
from bargaining.budget import (
    RAISE,
    budget_mb,
    check_bytes,
    check_count,
    deadline_seconds,
    describe_bytes,
    using_budget,
)
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.games.bargain import BargainingProblem
from bargaining.games.bayesian import BayesianGame
from bargaining.games.normal import NormalFormGame
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import TreeGame
from bargaining.games.two_level import TwoLevelGame
from bargaining.kernels.pure import pure_equilibrium_mask
from bargaining.scenario import Scenario

__all__ = [
    "KEEP",
    "MAX_POINTS",
    "AnySweep",
    "Candidate",
    "DealSweep",
    "OutcomeSet",
    "Sweep",
    "TreeSweep",
    "parse_grid",
    "parse_grids",
    "solve_chunk",
    "sweep",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
TOL = 1e-9
"""Tolerance of a probability, and of a payoff comparison relative to the actor's payoff range at the point."""
ROUNDING = 64 * float(np.finfo(float).eps)
"""Rounding allowance per unit of payoff magnitude (payoffs far from 0 are known less precisely)."""
DEFAULT_CHUNK = 1 << 16
"""Points a chunk: each numpy call does enough work to make its fixed cost small, and a 2 x 2 actor's
vertices worked out on an axis's values (:func:`_side_on_axis`) are shared by more points; the
temporaries are buffers reused from chunk to chunk (:class:`_Scratch`), so a larger chunk costs no page
faults (measured with benchmarks/sweep.py's games: 2x2 at 10^6 points 52, 39, 32, 35 ns a point of CPU
for chunks of 2^14, 2^15, 2^16, 2^17; 3x3 the same for 2^14 and 2^16)."""


def _normalised(payoffs: FloatArray) -> tuple[FloatArray, FloatArray]:
    """One actor's payoffs (strategies..., N) mapped into [0, 1] at each grid point by their own
    positive affine map (equilibria are unchanged), and the relative tolerance at each point:
    :data:`TOL`, or the rounding of the largest payoff in units of the range if that is larger."""
    axes = tuple(range(payoffs.ndim - 1))
    lo = payoffs.min(axis=axes)
    hi = payoffs.max(axis=axes)
    size = np.maximum(np.abs(lo), np.abs(hi))
    span = hi - lo
    constant = span <= ROUNDING * size
    if not constant.any():  # the usual case: no point where the payoffs are all equal, fewer passes
        scaled = payoffs - lo
        scaled /= span
        size *= ROUNDING
        size /= span
        return np.asarray(scaled, dtype=float), np.maximum(TOL, size)
    span = np.where(constant, 1.0, span)
    scaled = np.where(constant, 0.0, (payoffs - lo) / span)
    return np.asarray(scaled, dtype=float), np.asarray(np.maximum(TOL, ROUNDING * size / span), dtype=float)


@dataclass(frozen=True)
class Vertex:
    """A possible vertex of one actor's best-response polytope: its support, the opponent's
    strategies it makes indifferent, and the probabilities on the support as formulas."""

    support: tuple[int, ...]
    tight: tuple[int, ...]
    mixture: tuple[sympy.Expr, ...]


@dataclass(frozen=True)
class Candidate:
    """A possible equilibrium: one support per actor (and, for two actors, the vertices' indices)."""

    supports: tuple[tuple[int, ...], ...]
    vertices: tuple[int, ...] = ()


def _vertices(M: npt.NDArray[np.object_]) -> tuple[Vertex, ...]:
    """Vertices of the polytope of the actor whose strategies are M's columns, M the opponent's payoffs
    with the opponent's strategies as rows: support S (columns), tight T (rows), |S| = |T|."""
    rows, cols = M.shape
    out = []
    for k in range(1, min(rows, cols) + 1):
        for support in itertools.combinations(range(cols), k):
            for tight in itertools.combinations(range(rows), k):
                if k == 1:
                    out.append(Vertex(support, tight, (sympy.Integer(1),)))
                    continue
                # the mixture on ``support`` (columns of M) that makes the rows ``tight`` indifferent
                solved = indifference(M.T, support, tight)
                if solved is not None:
                    out.append(Vertex(support, tight, solved[0]))
    return tuple(out)


@dataclass(frozen=True)
class VertexPlan:
    """What every chunk needs: the game, its possible vertices compiled to numpy (None: solved
    numerically at each point), parameter order, and a note when the formulas were not found."""

    game: NormalFormGame
    names: tuple[str, ...]
    vertices: tuple[tuple[Vertex, ...], ...]
    compiled: tuple[tuple[Callable[..., Any] | None, ...], ...]
    note: str | None = None
    uses: tuple[frozenset[str], ...] = ()
    """Per actor of a 2 x 2 game, the parameters its vertices depend on: the opponent's payoffs' and its
    mixtures' (empty for other games)."""


MAX_VERTICES = 5_000
"""Candidate vertices per actor of a two-actor sweep at the default budget: pairs of a support and as
many opponent's strategies, :math:`\\binom{m+n}{m} - 1` for an m x n game."""


def candidate_vertices(m: int, n: int) -> int:
    """How many (support, tight set) pairs of equal size an m x n game has: :math:`\\binom{m+n}{m} - 1`.

    >>> candidate_vertices(2, 2), candidate_vertices(3, 3)
    (5, 19)
    """
    return math.comb(m + n, m) - 1


def _numeric_vertices(rows: int, cols: int) -> tuple[Vertex, ...]:
    """Every (support, tight) pair of equal size, with no formula: solved numerically at each point."""
    out = []
    for k in range(1, min(rows, cols) + 1):
        for support in itertools.combinations(range(cols), k):
            for tight in itertools.combinations(range(rows), k):
                out.append(Vertex(support, tight, (sympy.Integer(1),) if k == 1 else ()))
    return tuple(out)


def _symbolic_vertices(game: NormalFormGame) -> tuple[tuple[Vertex, ...], tuple[Vertex, ...]]:
    table = game.payoff_table()
    A, B = table[0], table[1]
    # x: support among rows of A, tight among columns (B, the column actor's payoffs); y: the other way
    return _vertices(B.T), _vertices(A)


@functools.cache
def _parameter_names(game: NormalFormGame) -> tuple[str, ...]:
    """The game's parameters' names, sorted: found once per game (its formulas' free symbols)."""
    return tuple(sorted(s.name for s in game.parameter_symbols()))


@functools.cache
def vertex_plan(game: NormalFormGame, names: tuple[str, ...], seconds: float) -> VertexPlan:
    """What every chunk of a sweep of ``game`` over the parameters ``names`` needs: for two actors,
    each one's candidate vertices as formulas compiled to numpy (worked out by sympy within ``seconds``,
    else left to be solved numerically at each point, with a note saying why)."""
    if game.n_actors != 2:
        return VertexPlan(game, names, (), ())
    m, n = game.shape
    check_count(
        "a two-actor game to sweep",
        candidate_vertices(m, n),
        MAX_VERTICES,
        unit="candidate vertices per actor",
        field="game",
        instead="fewer strategies, or equilibria() at single points",
    )
    note = None
    symbolic: tuple[tuple[Vertex, ...], tuple[Vertex, ...]] | None = None
    big = too_large([e for i in range(2) for idx in np.ndindex(m, n) for e in [game.entry(i, idx)]])
    if big is not None:
        note = f"The vertices' formulas are not tried: a payoff is {big}; they are solved numerically at each point."
    else:
        try:
            symbolic = within_deadline(lambda: _symbolic_vertices(game), seconds)
        except DeadlineExceeded as late:
            note = f"The vertices' formulas: {late}; they are solved numerically at each point."
    if symbolic is None:
        vx, vy = _numeric_vertices(n, m), _numeric_vertices(m, n)
        compiled: tuple[tuple[Callable[..., Any] | None, ...], ...] = tuple(
            tuple(None if len(v.support) > 1 else _one for v in vs) for vs in (vx, vy)
        )
        return VertexPlan(game, names, (vx, vy), compiled, note)
    symbols = [sympy.Symbol(n, real=True) for n in names]
    compiled = tuple(tuple(compile_numpy(symbols, list(v.mixture)) for v in vs) for vs in symbolic)
    if (m, n) != (2, 2):  # the parameters each actor's vertices use: for 2 x 2 games' chunks (_side_on_axis)
        return VertexPlan(game, names, symbolic, compiled)
    table = game.payoff_table()
    uses = tuple(
        frozenset(str(x) for e in table[1 - side].flat for x in sympy.sympify(e).free_symbols)
        | frozenset(str(x) for v in symbolic[side] for e in v.mixture for x in sympy.sympify(e).free_symbols)
        for side in (0, 1)
    )
    return VertexPlan(game, names, symbolic, compiled, uses=uses)


def _one(*args: Any) -> list[float]:
    return [1.0]


def _numeric_mixture(opponent: FloatArray, support: Sequence[int], tight: Sequence[int]) -> FloatArray:
    """The mixture on ``support`` that makes the opponent indifferent among ``tight``, at each point:
    ``sum_s p_s opponent[s, t] = w`` for t in ``tight`` and ``sum_s p_s = 1``, one linear system a
    point (k, N); NaN where the system is singular."""
    k = len(support)
    N = opponent.shape[-1]
    system = np.zeros((N, k + 1, k + 1))
    system[:, :k, :k] = opponent[np.ix_(list(support), list(tight))].transpose(2, 1, 0)
    system[:, :k, k] = -1.0
    system[:, k, :k] = 1.0
    rhs = np.zeros((N, k + 1))
    rhs[:, k] = 1.0
    with np.errstate(all="ignore"):
        det = np.linalg.det(system)
    ok = np.isfinite(det) & (np.abs(det) > 1e-12)
    system[~ok] = np.eye(k + 1)
    solved = np.linalg.solve(system, rhs[..., None])[..., 0]
    solved[~ok] = np.nan
    return np.asarray(solved[:, :k].T)


def _det_indifference(opponent: FloatArray, support: Sequence[int], tight: Sequence[int]) -> FloatArray:
    """Determinant, at each point, of the indifference system that fixes a vertex (N,)."""
    k = len(support)
    if k == 2:  # |[[a, b, -1], [c, d, -1], [1, 1, 0]]| = a - b - c + d, rows = tight, columns = support
        (s0, s1), (t0, t1) = support, tight
        return np.asarray(opponent[s0, t0] - opponent[s1, t0] - opponent[s0, t1] + opponent[s1, t1])
    if k == 3:  # the bordered determinant is the sum of the cofactors of the 3 x 3 block (up to sign)
        m = [[opponent[s, t] for t in tight] for s in support]
        total = np.zeros(opponent.shape[-1])
        for i in range(3):
            for j in range(3):
                r0, r1 = [r for r in range(3) if r != i]
                c0, c1 = [c for c in range(3) if c != j]
                minor = m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]
                total += minor if (i + j) % 2 == 0 else -minor
        return total
    N = opponent.shape[-1]
    system = np.zeros((N, k + 1, k + 1))
    system[:, :k, :k] = opponent[np.ix_(list(support), list(tight))].transpose(2, 1, 0)
    system[:, :k, k] = -1.0
    system[:, k, :k] = 1.0
    return np.asarray(np.linalg.det(system))


def _evaluate_vertices(
    plan: VertexPlan,
    side: int,
    args: Sequence[FloatArray],
    opponent: FloatArray,
    size: int,
    N: int,
    mem: _Fresh | None = None,
) -> tuple[FloatArray, BoolArray, BoolArray]:
    """Mixtures (V, size, N), validity (V, N) and the opponent's best replies (V, other, N).

    ``opponent`` is the opponent's payoff array arranged (size, other, N): entry [s, t] is its
    payoff when this actor plays s and the opponent t. Arrays are strategy-major, so reductions
    over a handful of strategies are elementwise operations over the grid.
    """
    vertices = plan.vertices[side]
    V = len(vertices)
    other = opponent.shape[1]
    mem = mem or _Fresh()  # the three arrays, in this thread's reused buffers (_Scratch) or new
    X = mem.take(f"X{side}", (V, size, N))
    ok = mem.take(f"ok{side}", (V, N), np.bool_)
    br = mem.take(f"br{side}", (V, other, N), np.bool_)
    for arr in (X, ok, br):
        arr.fill(0)
    # every comparison on the opponent's payoffs normalised to [0, 1] at each point: scale-free
    opponent, tol = _normalised(opponent)
    one = 1.0 > tol  # a pure strategy's probability exceeds the tolerance
    replies: dict[int, BoolArray] = {}  # pure strategy s -> the opponent's best replies to it
    taken: dict[int, BoolArray] = {}  # pure strategy s -> where an earlier tight set already gave it
    with np.errstate(all="ignore"):
        for v, (vert, f) in enumerate(zip(vertices, plan.compiled[side], strict=True)):
            if len(vert.support) == 1:  # pure: the same vertex whichever best reply is tight; keep the first
                (s,), (t,) = vert.support, vert.tight
                if s not in replies:
                    row = opponent[s]
                    replies[s] = row >= row.max(axis=0) - tol
                    taken[s] = np.zeros(N, dtype=bool)
                X[v, s] = 1.0
                br[v] = replies[s]
                ok[v] = one & replies[s][t] & ~taken[s]
                taken[s] |= ok[v]
                continue
            values = f(*args) if f is not None else _numeric_mixture(opponent, vert.support, vert.tight)
            good = np.ones(N, dtype=bool)
            for pos, s in enumerate(vert.support):
                X[v, s] = np.broadcast_to(np.asarray(values[pos], dtype=float), (N,))
                good &= X[v, s] > tol  # also False for nan
            if not good.any():
                continue
            pay = opponent[vert.support[0]] * X[v, vert.support[0]]
            for s in vert.support[1:]:
                pay += opponent[s] * X[v, s]
            best = pay.max(axis=0)
            br[v] = pay >= best - tol
            for t in vert.tight:
                good &= br[v, t]
            if good.any():
                # a vertex only where its tight constraints are independent: the indifference system
                # must be non-singular at the point (a cancelled factor can hide a singular one)
                if len(vert.support) == 2 or 8 * np.count_nonzero(good) > N:
                    good &= np.abs(_det_indifference(opponent, vert.support, vert.tight)) > tol
                else:  # only where the vertex is still a candidate
                    where = np.flatnonzero(good)
                    det = _det_indifference(opponent[..., where], vert.support, vert.tight)
                    good[where] &= np.abs(det) > tol[where]  # on payoffs normalised to [0, 1]
            ok[v] = good
    # one vertex may be reached through several tight sets at degenerate points: keep the first
    near = tol * 10
    for v, vert in enumerate(vertices):
        if len(vert.support) == 1 or not ok[v].any():  # pure vertices: done above
            continue
        for w in range(v):
            if vertices[w].support == vert.support and ok[w].any():
                same = ok[w].copy()  # equal on the support (both are 0 off it)
                for s in vert.support:
                    same &= np.abs(X[w, s] - X[v, s]) <= near
                ok[v] &= ~same
    return X, ok, br


GENERAL_ONLY = False
"""Set True (tests) to solve 2 x 2 games by the general route instead of their closed forms."""


def _closed_2x2(plan: VertexPlan) -> bool:
    """Whether a chunk of ``plan``'s game is solved by the 2 x 2 closed forms (:func:`_vertices_2x2`):
    a 2 x 2 game whose vertices' formulas were found."""
    return not GENERAL_ONLY and plan.game.shape == (2, 2) and plan.note is None


def _vertices_2x2(
    opponent: FloatArray, compiled: Sequence[Callable[..., Any] | None], args: Sequence[FloatArray], N: int
) -> tuple[FloatArray, BoolArray, BoolArray]:
    r""":func:`_evaluate_vertices` of a 2 x 2 game in closed form, the same numbers in fewer operations.

    ``opponent[s, u]`` (2, 2, N) is the opponent's payoff when this actor plays s and it plays u,
    normalised to [0, 1] at each point with tolerance ``tol`` (:func:`_normalised`). The vertices, in
    the order of :func:`_vertices`: pure s with tight u (index 2s + u) is a vertex where u is a best
    reply to s, :math:`o_{su} \ge \max_{u'} o_{su'} - tol`, and the first such u is kept (the
    second reaches the same point); the mixed vertex (index 4, when the indifference has a
    solution) is :math:`p = (o_{11} - o_{10}) / (o_{00} - o_{10} - o_{01} + o_{11})` on strategy 0
    (von Stengel 2007, section 3.3), here its formula from :func:`vertex_plan` evaluated at the points,
    valid where both probabilities exceed ``tol``, both replies are best, and the indifference system's
    determinant :math:`o_{00} - o_{10} - o_{01} + o_{11}` exceeds ``tol`` in size.

    >>> opp = np.array([[[1.0], [0.0]], [[0.0], [1.0]]])  # matching: the opponent copies (normalised)
    >>> X, ok, br = _vertices_2x2(opp, [None] * 4 + [lambda: [0.5, 0.5]], [], 1)
    >>> ok[:, 0].tolist(), X[4, :, 0].tolist()
    ([True, False, False, True, True], [0.5, 0.5])
    """
    scaled, tol = _normalised(opponent)
    V = 5 if len(compiled) == 5 else 4
    X = np.zeros((V, 2, N))
    ok = np.empty((V, N), dtype=bool)
    br = np.empty((V, 2, N), dtype=bool)
    one = 1.0 > tol
    with np.errstate(all="ignore"):
        for s in (0, 1):
            row = scaled[s]
            replies = row >= np.maximum(row[0], row[1]) - tol
            X[2 * s : 2 * s + 2, s] = 1.0
            br[2 * s] = replies
            br[2 * s + 1] = replies
            ok[2 * s] = one & replies[0]
            ok[2 * s + 1] = one & replies[1] & ~ok[2 * s]
        if V == 5:
            f = compiled[4]
            assert f is not None
            values = f(*args)
            p0 = np.broadcast_to(np.asarray(values[0], dtype=float), (N,))
            p1 = np.broadcast_to(np.asarray(values[1], dtype=float), (N,))
            X[4, 0], X[4, 1] = p0, p1
            pay = scaled[0] * p0 + scaled[1] * p1
            replies = pay >= np.maximum(pay[0], pay[1]) - tol
            br[4] = replies
            det = scaled[0, 0] - scaled[1, 0] - scaled[0, 1] + scaled[1, 1]
            ok[4] = (p0 > tol) & (p1 > tol) & replies[0] & replies[1] & (np.abs(det) > tol)
    return X, ok, br


def _covers(
    ok: BoolArray, br: BoolArray, live: Sequence[int], supports: Sequence[tuple[int, ...]]
) -> dict[tuple[int, tuple[int, ...]], BoolArray]:
    """``(v, T) -> ok[v] & (every t in T is a best reply to vertex v)``, for the pairs where that holds
    at some point of the chunk."""
    out = {}
    for v in live:
        for T in supports:
            m = ok[v] & br[v, T[0]]
            for t in T[1:]:
                m &= br[v, t]
            if m.any():
                out[(v, T)] = m
    return out


class _Fresh:
    """New arrays for a chunk's temporaries and results (what :class:`_Scratch` gives, never reused)."""

    def take(self, name: str, shape: tuple[int, ...], dtype: type[Any] = np.float64) -> npt.NDArray[Any]:
        return np.empty(shape, dtype)


class _Scratch(_Fresh):
    """Arrays reused from chunk to chunk by one thread: a chunk's temporaries (and, computed in this
    process, its results, copied out before the next chunk) are written with ``out=`` into memory
    taken once, so no chunk asks the allocator, and through it the kernel, for fresh pages (glibc
    returns freed blocks of 128 KiB and more to the kernel, and every new page then faults). Each
    name is one buffer, grown to the largest size asked; a chunk uses each name once.

    >>> mem = _Scratch()
    >>> a = mem.take("a", (2, 3))
    >>> b = mem.take("a", (4,))
    >>> b.base is a.base, b.shape  # the same memory again
    (True, (4,))
    >>> mem.trim(1 << 10), len(mem.store)  # kept: 48 bytes
    (None, 1)
    >>> mem.trim(0), len(mem.store)
    (None, 0)
    """

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], npt.NDArray[Any]] = {}

    def take(self, name: str, shape: tuple[int, ...], dtype: type[Any] = np.float64) -> npt.NDArray[Any]:
        size = math.prod(shape)
        key = (name, np.dtype(dtype).char)
        buf = self.store.get(key)
        if buf is None or buf.size < size:
            buf = self.store[key] = np.empty(max(size, 1), dtype)
        return buf[:size].reshape(shape)

    def trim(self, keep: int) -> None:
        """Drop every buffer if together they hold more than ``keep`` bytes (a large game's chunks)."""
        if sum(b.nbytes for b in self.store.values()) > keep:
            self.store.clear()


_LOCAL = threading.local()
SCRATCH_KEEP = 32 << 20
"""Bytes of reused buffers a thread keeps after a sweep (more, from a large game's chunks, are freed)."""


def _scratch() -> _Scratch:
    """This thread's :class:`_Scratch`, kept between sweeps up to :data:`SCRATCH_KEEP` bytes."""
    found: _Scratch | None = getattr(_LOCAL, "scratch", None)
    if found is None:
        found = _LOCAL.scratch = _Scratch()
    return found


class _Side2x2:
    """One actor's five vertices of a 2 x 2 game on a chunk (:func:`_side_2x2`): validity ``ok``, the
    opponent's best replies ``br`` (a pair of arrays, None where never needed), whether a vertex has
    more best replies than its support's size (``over``, a degenerate game), and its mixture (a pair
    of arrays or numbers)."""

    __slots__ = ("br", "done", "mix", "ok", "over", "spread")

    def __init__(self) -> None:
        self.ok: list[BoolArray] = []
        self.br: list[tuple[BoolArray, BoolArray] | None] = []
        self.over: list[BoolArray | None] = []
        self.mix: list[tuple[Any, Any]] = []
        self.spread: Callable[[npt.NDArray[Any]], npt.NDArray[Any]] | None = None
        self.done: dict[int, tuple[npt.NDArray[Any], npt.NDArray[Any]]] = {}

    def full(self, arr: Any) -> Any:
        """``arr`` (one of this side's arrays) on the chunk's points: itself, or, for a side worked out
        on an axis's values (``spread`` set, :func:`_side_on_axis`), spread onto the points once."""
        if self.spread is None or not isinstance(arr, np.ndarray):
            return arr
        found = self.done.get(id(arr))
        if found is None:  # the array is kept with its spread copy, so its id is not reused meanwhile
            found = self.done[id(arr)] = (arr, self.spread(arr))
        return found[1]

    def on(
        self, index: slice | npt.NDArray[np.intp], spread: Callable[[npt.NDArray[Any]], npt.NDArray[Any]]
    ) -> _Side2x2:
        """This side, worked out on an axis's values, at the values ``index`` picks (the ones a chunk
        meets), spread onto the chunk's points by ``spread``: the same numbers as worked out there."""

        def at(arr: Any) -> Any:
            return arr[index] if isinstance(arr, np.ndarray) else arr

        out = _Side2x2()
        out.ok = [at(k) for k in self.ok]
        out.br = [None if b is None else (at(b[0]), at(b[1])) for b in self.br]
        out.over = [None if v is None else at(v) for v in self.over]
        out.mix = [(at(p0), at(p1)) for p0, p1 in self.mix]
        out.spread = spread
        return out


SUPPORTS_2X2 = ((0,), (0,), (1,), (1,), (0, 1))
"""The supports of a 2 x 2 game's vertices, in the order of :func:`_vertices` (pure s tight u at 2s + u)."""


def _side_2x2(
    o00: FloatArray | float,
    o01: FloatArray | float,
    o10: FloatArray | float,
    o11: FloatArray | float,
    f: Callable[..., Any] | None,
    args: Sequence[FloatArray],
    N: int,
    mem: _Fresh | None = None,
    name: str = "",
) -> _Side2x2:
    r""":func:`_vertices_2x2` fused: the same comparisons on the same numbers, each shared term computed
    once and written in place, and the mixed vertex's replies and determinant only where its
    probabilities both exceed the tolerance somewhere in the chunk.

    ``o[s][u]`` is the opponent's payoff when this actor plays s and it plays u. Normalised as in
    :func:`_normalised`: :math:`\hat o = (o - lo) / span` with :math:`lo, hi` the least and greatest
    of the four, :math:`span = hi - lo` (1 where :math:`span \le \rho \max(|lo|, |hi|)`, :math:`\rho` =
    :data:`ROUNDING`, the table then being constant and :math:`\hat o = 0`), tolerance
    :math:`\tau = \max(TOL, \rho \max(|lo|, |hi|) / span)`. ``mem`` gives the temporaries
    (:class:`_Scratch`: reused, under names starting with ``name``).

    >>> one, zero = np.ones(1), np.zeros(1)
    >>> side = _side_2x2(one, zero, zero, one, lambda: [0.5, 0.5], [], 1)  # the opponent copies
    >>> [bool(k[0]) for k in side.ok], [float(p[0]) for p in side.mix[4]]
    ([True, False, False, True, True], [0.5, 0.5])
    """
    side = _Side2x2()
    mem = mem or _Fresh()

    def vec(what: str, dtype: type[Any] = np.float64) -> npt.NDArray[Any]:
        return mem.take(name + what, (N,), dtype)

    entries = (o00, o01, o10, o11)
    arrays = [o for o in entries if isinstance(o, np.ndarray)]
    numbers = [float(o) for o in entries if not isinstance(o, np.ndarray)]
    if not arrays:  # the same four payoffs at every point
        arrays = [np.full(N, numbers[0])]
    lo, hi = vec("lo"), vec("hi")
    np.copyto(lo, arrays[0])
    np.copyto(hi, arrays[0])
    for o in arrays[1:]:
        np.minimum(lo, o, out=lo)
        np.maximum(hi, o, out=hi)
    if numbers:  # the least and greatest are exact whatever the order: the numbers folded first
        np.minimum(lo, min(numbers), out=lo)
        np.maximum(hi, max(numbers), out=hi)
    size = np.abs(lo, out=vec("size"))
    np.maximum(size, np.abs(hi, out=vec("m")), out=size)
    span = np.subtract(hi, lo, out=hi)
    size *= ROUNDING  # size * ROUNDING == ROUNDING * size (one rounding either way)
    constant = np.less_equal(span, size, out=vec("constant", np.bool_))
    flat = constant.any()
    if flat:
        span[constant] = 1.0
    scaled = mem.take(name + "scaled", (4, N))
    for k, entry in enumerate(entries):
        np.subtract(entry, lo, out=scaled[k])
        scaled[k] /= span
    if flat:
        scaled[:, constant] = 0.0
    tol = np.divide(size, span, out=size)
    np.maximum(tol, TOL, out=tol)
    one = np.greater(1.0, tol, out=vec("one", np.bool_))
    every = bool(one.all())
    with np.errstate(all="ignore"):
        m = vec("m")
        for s in (0, 1):
            r0, r1 = scaled[2 * s], scaled[2 * s + 1]
            np.maximum(r0, r1, out=m)
            m -= tol
            rep0, rep1 = r0 >= m, r1 >= m
            first = rep0 if every else one & rep0
            second = rep1 & ~first if every else one & rep1 & ~first
            side.ok += [first, second]
            side.br += [(rep0, rep1), (rep0, rep1)]
            both = rep0 & rep1
            side.over += [both, both]
            side.mix += [(1.0, 0.0), (1.0, 0.0)] if s == 0 else [(0.0, 1.0), (0.0, 1.0)]
        if f is None:
            return side
        values = f(*args)
        p0 = np.broadcast_to(np.asarray(values[0], dtype=float), (N,))
        p1 = np.broadcast_to(np.asarray(values[1], dtype=float), (N,))
        side.mix.append((p0, p1))
        side.over.append(None)  # two best replies are never more than a support of two
        good = p0 > tol
        good &= p1 > tol
        if not good.any():
            side.ok.append(good)
            side.br.append(None)
            return side
        pay0 = np.multiply(scaled[0], p0, out=vec("pay0"))
        pay0 += np.multiply(scaled[2], p1, out=lo)  # lo, hi: free again
        pay1 = np.multiply(scaled[1], p0, out=vec("pay1"))
        pay1 += np.multiply(scaled[3], p1, out=lo)
        np.maximum(pay0, pay1, out=m)
        m -= tol
        rep0, rep1 = pay0 >= m, pay1 >= m
        det = np.subtract(scaled[0], scaled[2], out=pay0)
        det -= scaled[1]
        det += scaled[3]
        np.abs(det, out=det)
        good &= rep0
        good &= rep1
        good &= det > tol
        side.ok.append(good)
        side.br.append((rep0, rep1))
    return side


def _table_2x2(
    game: NormalFormGame, params: Mapping[str, Any], N: int, mem: _Fresh | None = None, *, finite: bool = True
) -> list[list[list[Any]]] | None:
    """A 2 x 2 payoff table's eight entries ``[actor][s][t]`` on a chunk, each a number where it uses
    no parameter that varies over the chunk, else an array (N,): the game's own compiled table
    (what :meth:`~bargaining.games.normal.NormalFormGame.payoff_array` evaluates, called with the same
    arguments, so the same numbers) without writing constants out at every point. None when the
    payoffs are not a table of terms, or are not finite somewhere (``payoff_array`` then says where;
    arrays are not checked without ``finite``)."""
    tables = game.compiled_tables
    if any(t is None for t in tables):
        return None
    mem = mem or _Fresh()
    args = [np.asarray(params[s.name], dtype=float) for s in game.parameter_order]
    out: list[list[list[Any]]] = []
    with np.errstate(all="ignore"):
        for actor, table in enumerate(tables):
            assert table is not None
            keys, slots, g = table
            found = g(*args) if g is not None else []
            entry: list[list[Any]] = [[0.0, 0.0], [0.0, 0.0]]
            for key, slot in zip(keys, slots, strict=True):
                try:
                    value = np.asarray(found[slot], dtype=float)
                except (OverflowError, TypeError, ValueError):
                    return None
                if value.ndim == 0:
                    number = float(value) + 0.0  # no negative zeros in tables
                    if not math.isfinite(number):
                        return None
                    entry[key[0]][key[1]] = number
                    continue
                value = np.add(value, 0.0, out=mem.take(f"table{actor}{key}", (N,)))
                if finite and not np.isfinite(value).all():
                    return None
                entry[key[0]][key[1]] = value
            out.append(entry)
    return out


def _solve_2x2(
    P: Sequence[Sequence[Sequence[Any]]],
    compiled: Sequence[Sequence[Callable[..., Any] | None]],
    args: Sequence[FloatArray],
    full: bool,
    N: int,
    mem: _Fresh | None = None,
    sides: Sequence[_Side2x2 | None] = (None, None),
    into: tuple[_Rows, int] | None = None,
) -> dict[str, Any]:
    """:func:`_solve_points`' result for a 2 x 2 game from its payoffs ``P`` (2, 2, 2, N) on the chunk:
    :func:`solve_chunk` with :func:`_side_2x2`, the same pairs in the same order, the same flags,
    mixtures and payoffs, bit for bit.

    A pair (i, j) of vertices is an equilibrium where both are vertices and each one's support is
    among the other's best replies; the game is degenerate at a point where an equilibrium's vertex
    has more best replies than its support's size; the payoffs are :math:`x^\\top A y` and
    :math:`x^\\top B y` summed over the supports in the general route's order. With ``mem`` a
    :class:`_Scratch`, the results too are its buffers, valid until the next chunk in this thread.
    ``sides`` may give either actor's vertices already worked out (:func:`_side_on_axis`). With
    ``into`` (the sweep's :class:`_Rows` and the chunk's first flat index), the pairs' validity,
    mixtures and payoffs are written straight into the sweep's arrays instead (``written`` in the
    result; no ``valid``, ``probabilities`` or ``payoffs``).
    """
    mem = mem or _Fresh()
    A, B = P[0], P[1]
    fx = compiled[0][4] if len(compiled[0]) == 5 else None
    fy = compiled[1][4] if len(compiled[1]) == 5 else None
    x = sides[0] or _side_2x2(B[0][0], B[0][1], B[1][0], B[1][1], fx, args, N, mem, "x")
    y = sides[1] or _side_2x2(A[0][0], A[1][0], A[0][1], A[1][1], fy, args, N, mem, "y")
    live_x = [i for i, ok in enumerate(x.ok) if ok.any()]
    live_y = [j for j, ok in enumerate(y.ok) if ok.any()]
    covers: dict[tuple[int, int, tuple[int, ...]], BoolArray | None] = {}

    def cover(side: _Side2x2, a: int, v: int, T: tuple[int, ...]) -> BoolArray | None:
        key = (a, v, T)
        if key not in covers:
            br = side.br[v]
            assert br is not None
            m = side.ok[v] & br[T[0]]
            if len(T) == 2:
                m &= br[T[1]]
            covers[key] = None if not m.any() else m if side.spread is None else side.spread(m)
        return covers[key]

    keys, valid = _pair_up(
        live_x,
        live_y,
        lambda i, j: cover(x, 0, i, SUPPORTS_2X2[j]),
        lambda i, j: cover(y, 1, j, SUPPORTS_2X2[i]),
    )
    K = len(keys)
    degenerate = np.zeros(N, dtype=bool)
    continuum = np.zeros(N, dtype=bool)
    for k, (i, j) in enumerate(keys):
        for side, over in ((x, x.over[i]), (y, y.over[j])):
            if over is not None:
                degenerate |= valid[k] & side.full(over)
    for a, b in itertools.combinations(range(K), 2):
        if keys[a][0] == keys[b][0] or keys[a][1] == keys[b][1]:  # two extreme equilibria share a strategy
            continuum |= valid[a] & valid[b]
    result: dict[str, Any] = {"keys": keys, "degenerate": degenerate, "continuum": continuum}
    if not full or into is None:
        result["valid"] = np.array(valid, dtype=bool).reshape(K, N)
    if not full:
        return result
    # each pair's mixtures and payoffs: into the sweep's own arrays (zeros until written) at the
    # chunk's columns, or into reused buffers (old numbers: every entry written) returned as results
    if into is None:
        zeroed = False
        probs = [mem.take("prob0", (K, N, 2)), mem.take("prob1", (K, N, 2))]
        pays = mem.take("payoffs", (K, N, 2))
        dests = [(probs[0][k], probs[1][k], pays[k]) for k in range(K)]
        result["probabilities"] = probs
        result["payoffs"] = pays
    else:
        zeroed = True
        rows, start = into
        at = rows.rows(keys)  # may grow the arrays: views are taken after
        stop = start + N
        dests = [(rows.probs[0][r, start:stop], rows.probs[1][r, start:stop], rows.pays[r, start:stop]) for r in at]
        for r, ok in zip(at, valid, strict=True):
            rows.valid[r, start:stop] = ok
        result["written"] = True
    total, inner, term = mem.take("total", (N,)), mem.take("inner", (N,)), mem.take("term", (N,))
    with np.errstate(all="ignore"):
        for k, (i, j) in enumerate(keys):
            ok = valid[k]
            every = bool(ok.all())  # then plain copies, no mask
            X, Y = tuple(x.full(p) for p in x.mix[i]), tuple(y.full(p) for p in y.mix[j])
            dx, dy, dp = dests[k]
            if not (every or zeroed):
                for d in (dx, dy, dp):
                    d.fill(0.0)
            for dest, mix in ((dx, X), (dy, Y)):
                for s in (0, 1):
                    if every:
                        dest[:, s] = mix[s]
                    elif isinstance(mix[s], np.ndarray):
                        np.copyto(dest[:, s], mix[s], where=ok)
                    elif mix[s]:
                        dest[:, s] = ok
            sx, sy = SUPPORTS_2X2[i], SUPPORTS_2X2[j]
            for a, M in enumerate((A, B)):
                # x^T M y over the supports as solve_chunk sums it, 0 + inner_0 (+ inner_1): here
                # inner_0 (+ inner_1) + 0, the same number (IEEE addition commutes; 0 + u = u except
                # that -0 becomes +0, and u + v is -0 only when both are -0)
                for n_s, s in enumerate(sx):
                    acc = inner if n_s else total
                    np.multiply(M[s][sy[0]], Y[sy[0]], out=acc)
                    for t in sy[1:]:
                        acc += np.multiply(M[s][t], Y[t], out=term)
                    acc *= X[s]
                    if n_s:
                        total += inner
                if every:
                    np.add(total, 0.0, out=dp[:, a])
                else:
                    np.add(total, 0.0, out=dp[:, a], where=ok)
    return result


def solve_chunk(
    plan: VertexPlan, params: Mapping[str, FloatArray], *, payoffs: bool = True, mem: _Fresh | None = None
) -> dict[str, npt.NDArray[Any]]:
    """Equilibria on one chunk of N points; ``params`` maps every parameter to an array (N,).

    Two actors: ``pairs`` (2, K) vertex indices of the candidates, ``valid`` (K, N), ``prob0`` and
    ``prob1`` (V, m, N) per actor's vertex, ``payoffs`` (K, N, 2) (K, 0, 2 without ``payoffs``),
    ``degenerate`` (N,). More actors:
    ``valid`` (K, N) over all pure profiles and ``payoffs`` (K, N, n).
    With ``mem`` a :class:`_Scratch`, ``prob0`` and ``prob1`` are its buffers (reused by the next chunk).
    """
    game = plan.game
    P = game.payoff_array(params)  # (n, m_1, ..., m_n, N)
    n = game.n_actors
    if P.ndim == n + 1:  # payoffs that use no parameter: the same table at every point
        P = np.repeat(P[..., None], max((np.size(v) for v in params.values()), default=1), axis=-1)
    N = P.shape[-1]
    if n != 2:
        K = int(np.prod(game.shape))
        # a deviation gain within TOL of the actor's payoff range at the point (plus rounding) is a tie
        mask = pure_equilibrium_mask(P, tol=ROUNDING * float(np.abs(P).max()), rtol=TOL).reshape(K, N)
        return {"valid": mask, "payoffs": P.reshape(n, K, N).transpose(1, 2, 0), "degenerate": np.zeros(N, bool)}
    A, B = P[0], P[1]  # (m, n, N)
    m, nn = game.shape
    args = [np.asarray(params[name], dtype=float) for name in plan.names]
    if _closed_2x2(plan):
        X, okx, brx = _vertices_2x2(B, plan.compiled[0], args, N)
        Y, oky, bry = _vertices_2x2(A.transpose(1, 0, 2), plan.compiled[1], args, N)
    else:
        X, okx, brx = _evaluate_vertices(plan, 0, args, B, m, N, mem)  # brx: column best replies to x
        Y, oky, bry = _evaluate_vertices(plan, 1, args, A.transpose(1, 0, 2), nn, N, mem)  # bry: row best replies to y
    vx, vy = plan.vertices
    live_x = [i for i in range(len(vx)) if okx[i].any()]
    live_y = [j for j in range(len(vy)) if oky[j].any()]
    # where vertex i is one and its best replies cover the support T of some vertex of the opponent
    # (kept only where that happens somewhere in the chunk: a pair needs it both ways)
    covers_x = _covers(okx, brx, live_x, sorted({vy[j].support for j in live_y}))
    covers_y = _covers(oky, bry, live_y, sorted({vx[i].support for i in live_x}))
    pairs, valid = _pair_up(
        live_x,
        live_y,
        lambda i, j: covers_x.get((i, vy[j].support)),
        lambda i, j: covers_y.get((j, vx[i].support)),
    )
    K = len(pairs)
    valid_arr = np.array(valid, dtype=bool).reshape(K, N)
    pair_arr = np.array(pairs, dtype=np.intp).reshape(K, 2).T
    pays = np.zeros((K, N, 2) if payoffs else (K, 0, 2))
    degenerate = np.zeros(N, dtype=bool)
    replies_x: dict[int, npt.NDArray[np.int64]] = {}
    replies_y: dict[int, npt.NDArray[np.int64]] = {}
    for k, (vi, vj) in enumerate(pairs):
        if payoffs:  # x^T M y for M = A, B, summed over the supports; zero where the pair is no equilibrium
            sx, sy = vx[vi].support, vy[vj].support
            with np.errstate(all="ignore"):  # off the points where the pair is valid, mixtures may be nan
                for a, M in enumerate((A, B)):
                    total = np.zeros(N)
                    for s in sx:
                        inner = M[s, sy[0]] * Y[vj, sy[0]]
                        for t in sy[1:]:
                            inner += M[s, t] * Y[vj, t]
                        inner *= X[vi, s]
                        total += inner
                    pays[k, :, a] = np.where(valid_arr[k], total, 0.0)
        nx = replies_x[vi] if vi in replies_x else replies_x.setdefault(vi, brx[vi].sum(axis=0))
        ny = replies_y[vj] if vj in replies_y else replies_y.setdefault(vj, bry[vj].sum(axis=0))
        degenerate |= valid_arr[k] & ((nx > len(vx[vi].support)) | (ny > len(vy[vj].support)))
    return {"pairs": pair_arr, "valid": valid_arr, "prob0": X, "prob1": Y, "payoffs": pays, "degenerate": degenerate}


Axes = tuple[tuple[str, FloatArray], ...]
Keep = Literal["all", "outcomes"]
KEEP: tuple[Keep, ...] = ("all", "outcomes")
"""What a normal-form sweep keeps: ``"all"`` (every candidate's validity, mixtures and payoffs at every
point) or ``"outcomes"`` (each point's set of equilibria as a small integer code, and counts)."""


def _axis_chunk(
    values: FloatArray, n: int, stride: int, start: int, stop: int
) -> tuple[FloatArray, Callable[[npt.NDArray[Any]], npt.NDArray[Any]]]:
    r"""The values an axis of stride :math:`s` (the product of the later axes' lengths) takes on the flat
    grid indices ``[start, stop)``, and how an array over those values spreads onto the chunk.

    Axis value :math:`\lfloor k / s \rfloor \bmod n` at flat index k is constant on runs of :math:`s`
    indices: the chunk meets a few values, each repeated over its run; the last axis (:math:`s = 1`)
    meets all its values over and over, from the chunk's offset.

    >>> seen, spread = _axis_chunk(np.array([10.0, 20.0, 30.0]), 3, 1, 2, 7)
    >>> seen.tolist(), spread(seen).tolist()
    ([10.0, 20.0, 30.0], [30.0, 10.0, 20.0, 30.0, 10.0])
    """
    values = np.asarray(values)
    N = stop - start
    if stride == 1:
        offset = start % n
        reps = -(-(offset + N) // n)
        return values, lambda arr: np.tile(arr, reps)[offset : offset + N]
    first, last = start // stride, (stop - 1) // stride
    runs = np.arange(first, last + 2) * stride
    np.clip(runs, start, stop, out=runs)
    counts = np.diff(runs)
    return values[np.arange(first, last + 1) % n], lambda arr: np.repeat(arr, counts, axis=0)


def _strides(shape: tuple[int, ...]) -> list[int]:
    """Each axis's stride in the flat C-order index of a grid of ``shape``."""
    return [math.prod(shape[a + 1 :]) for a in range(len(shape))]


def _chunk_params(
    axes: Axes, fixed: Mapping[str, float], shape: tuple[int, ...], start: int, stop: int
) -> dict[str, FloatArray]:
    """Every parameter's values at the flat grid indices ``[start, stop)`` (C order over the axes): an
    array (N,) for each axis (:func:`_axis_chunk`, no index arrays), a 0-d array for each parameter
    held fixed (broadcast where used).

    >>> a, b = np.array([0.0, 1.0]), np.array([10.0, 20.0, 30.0])
    >>> p = _chunk_params((("a", a), ("b", b)), {"c": 5.0}, (2, 3), 2, 5)
    >>> p["a"].tolist(), p["b"].tolist(), float(p["c"])
    ([0.0, 1.0, 1.0], [30.0, 10.0, 20.0], 5.0)
    """
    params: dict[str, FloatArray] = {k: np.asarray(float(v)) for k, v in fixed.items()}  # the same everywhere
    for (a, values), n, stride in zip(axes, shape, _strides(shape), strict=True):
        seen, spread = _axis_chunk(values, n, stride, start, stop)
        params[a] = spread(seen)
    return params


AXIS_SHARE = 4
"""A 2 x 2 actor's vertices depending on one axis are worked out on the values that axis takes in a
chunk when they are at most 1 / AXIS_SHARE of its points, then spread onto the points."""


def _side_on_axis(
    plan: VertexPlan,
    side: int,
    params: Mapping[str, FloatArray],
    axis: str,
    seen: FloatArray,
    spread: Callable[[npt.NDArray[Any]], npt.NDArray[Any]],
    mem: _Fresh,
) -> _Side2x2 | None:
    """One actor's vertices of a 2 x 2 game (:func:`_side_2x2`) on a chunk, when they depend on one swept
    axis only: worked out at the values ``seen`` of that axis in the chunk, the other axes held at any
    of their values (the vertices do not use them), kept on those values and spread onto the chunk's
    points only where needed (:meth:`_Side2x2.full`: a pair's cover, a valid pair's mixture and
    flags). Each point's numbers are those of the same operations on the same values, so they equal
    the pointwise ones bit for bit; every value in ``seen`` occurs in the chunk, so a test "somewhere
    in the chunk" (``any``) is the same on ``seen``. None when the payoffs there are no table (the
    pointwise route then answers)."""
    n = len(seen)
    sub = {k: (seen if k == axis else v if v.ndim == 0 else np.asarray(v[0])) for k, v in params.items()}
    table = _table_2x2(plan.game, sub, n, _Fresh())
    if table is None:
        return None
    compiled = plan.compiled[side]
    f = compiled[4] if len(compiled) == 5 else None
    args = [np.asarray(sub[name], dtype=float) for name in plan.names]
    A, B = table
    o = (B[0][0], B[0][1], B[1][0], B[1][1]) if side == 0 else (A[0][0], A[1][0], A[0][1], A[1][1])
    small = _side_2x2(*o, f, args, n, mem, f"axis{side}")
    small.spread = spread  # its arrays are spread onto the points only where needed (_Side2x2.full)
    return small


AxisTable = tuple[tuple[tuple[tuple[int, Any], ...], ...], ...]
"""A 2 x 2 table worked out on the axes (:func:`_axis_tables`): ``[actor][s][t]`` is ``(-1, number)``
for an entry that uses no swept parameter, ``(k, values)`` for one that uses axis k only, its values
(n_k,) at each of that axis's values."""


def _axis_tables(game: NormalFormGame, axes: Axes, fixed: Mapping[str, float]) -> AxisTable | None:
    """A 2 x 2 payoff table whose every entry uses at most one swept parameter, worked out once on the
    values of that axis (:func:`_table_2x2` with the other axes at any of their values, which the
    entry does not use): each point's entries are then the same operations on the same numbers. None
    when an entry uses several axes or the payoffs are no table (chunks then evaluate it at their
    points); non-finite values are left for each chunk to find among the values it meets."""
    if not axes:
        return None
    params = {k: np.asarray(float(v)) for k, v in fixed.items()} | {a: np.asarray(v[0], dtype=float) for a, v in axes}
    on: list[list[list[list[Any]]]] = []
    for a, values in axes:
        table = _table_2x2(game, params | {a: np.asarray(values, dtype=float)}, len(values), _Fresh(), finite=False)
        if table is None:
            return None
        on.append(table)
    out: list[tuple[tuple[tuple[int, Any], ...], ...]] = []
    for actor in (0, 1):
        rows = []
        for s in (0, 1):
            row = []
            for t in (0, 1):
                used = [k for k, table in enumerate(on) if isinstance(table[actor][s][t], np.ndarray)]
                if len(used) > 1:
                    return None
                row.append((used[0], on[used[0]][actor][s][t]) if used else (-1, on[0][actor][s][t]))
            rows.append(tuple(row))
        out.append(tuple(rows))
    return tuple(out)


def _table_on_axes(
    tables: AxisTable, at: Callable[[int], tuple[slice | npt.NDArray[np.intp], Callable[..., Any]]]
) -> list[list[list[Any]]] | None:
    """:func:`_table_2x2` on a chunk from the table worked out on the axes: each entry's values at the
    axis values the chunk meets (``at(k)``: which, and how they spread onto its points), the same
    numbers; None where one is not finite (the chunk's own evaluation then says the same)."""
    out: list[list[list[Any]]] = []
    for actor in (0, 1):
        entry: list[list[Any]] = [[0.0, 0.0], [0.0, 0.0]]
        for s in (0, 1):
            for t in (0, 1):
                k, values = tables[actor][s][t]
                if k < 0:
                    entry[s][t] = values
                    continue
                index, spread = at(k)
                met = values[index]
                if not np.isfinite(met).all():
                    return None
                entry[s][t] = spread(met)
        out.append(entry)
    return out


def _axis_values(n: int, stride: int, start: int, stop: int) -> slice | npt.NDArray[np.intp]:
    """Which of an axis's n values the flat grid indices ``[start, stop)`` meet, in the order
    :func:`_axis_chunk` gives them: a slice where they do not wrap around the axis.

    >>> _axis_values(3, 1, 2, 7), _axis_values(4, 5, 6, 14), _axis_values(3, 2, 4, 12).tolist()
    (slice(None, None, None), slice(1, 3, None), [2, 0, 1, 2])
    """
    if stride == 1:
        return slice(None)
    first, last = start // stride, (stop - 1) // stride
    if last - first < n and first % n <= last % n:
        return slice(first % n, last % n + 1)
    return np.arange(first, last + 1) % n


def _whole_axis_sides(
    plan: VertexPlan, axes: Axes, fixed: Mapping[str, float]
) -> tuple[_Side2x2 | None, _Side2x2 | None]:
    """Each actor's vertices of a 2 x 2 game worked out once on all the values of the one swept axis
    they depend on (:func:`_side_on_axis` on the whole axis, in new arrays), for every chunk to take
    the values it meets (:meth:`_Side2x2.on`); None for an actor whose vertices use no axis or several."""
    out: list[_Side2x2 | None] = [None, None]
    if not plan.uses or GENERAL_ONLY or not _closed_2x2(plan):
        return out[0], out[1]
    params = {k: np.asarray(float(v)) for k, v in fixed.items()} | {a: np.asarray(v, dtype=float) for a, v in axes}
    for side in (0, 1):
        used = [a for a, _ in axes if a in plan.uses[side]]
        if len(used) == 1:
            out[side] = _side_on_axis(plan, side, params, used[0], params[used[0]], _same, _Fresh())
    return out[0], out[1]


def _same(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    return arr


def _solve_points(
    plan: VertexPlan,
    axes: Axes,
    fixed: Mapping[str, float],
    shape: tuple[int, ...],
    full: bool,
    start: int,
    stop: int,
    *,
    scratch: bool = False,
    into: _Rows | None = None,
    whole: Sequence[_Side2x2 | None] = (),
    tables: AxisTable | None = None,
) -> dict[str, Any]:
    """The chunk function of a normal-form sweep, pure in its bounds: the equilibria at the flat grid
    indices ``[start, stop)``, compacted to the candidates valid somewhere in the chunk.

    ``keys`` names each candidate (vertex pair, or pure profile), ``valid`` (K, N), ``degenerate`` and
    ``continuum`` (N,); with ``full`` also ``probabilities`` (one (K, N, m_i) per actor) and ``payoffs``
    (K, N, n), zero where the candidate is not an equilibrium. With ``scratch`` (chunks computed in this
    process, each result copied out before the next chunk) a 2 x 2 game's temporaries and results are
    this thread's reused buffers (:class:`_Scratch`). With ``into`` (the sweep's :class:`_Rows`, chunks
    computed in this process, in order) a 2 x 2 game's pairs are written straight into its arrays
    (``written`` in the result, :func:`_solve_2x2`). ``whole`` may give a 2 x 2 actor's vertices worked
    out once on the whole axis they depend on (:func:`_whole_axis_sides`): a chunk takes the values it
    meets instead of working them out again, and ``tables`` its payoff table worked out on the axes
    (:func:`_axis_tables`): then a chunk needs its parameters' values at its points only where
    something uses several axes.
    """
    game = plan.game
    N = stop - start
    n = game.n_actors
    continuum = np.zeros(N, dtype=bool)
    if n == 2 and _closed_2x2(plan):
        mem = _scratch() if scratch else _Fresh()
        found = _solve_2x2_points(plan, axes, fixed, shape, full, start, stop, mem, into, whole, tables)
        if found is not None:
            return found
    params = _chunk_params(axes, fixed, shape, start, stop)
    if n != 2:
        out = solve_chunk(plan, params)
        live = np.flatnonzero(out["valid"].any(axis=1))
        valid = out["valid"][live]
        result: dict[str, Any] = {
            "keys": [(int(k),) for k in live],
            "valid": valid,
            "degenerate": out["degenerate"],
            "continuum": continuum,
        }
        if full:
            result["payoffs"] = np.where(valid[..., None], out["payoffs"][live], 0.0)
            chosen = np.array(np.unravel_index(live, game.shape), dtype=np.intp).reshape(n, -1)  # (n, K)
            probs = []
            for a, m in enumerate(game.shape):
                p = np.zeros((len(live), N, m))
                for k in range(len(live)):
                    p[k, :, chosen[a, k]] = valid[k]
                probs.append(p)
            result["probabilities"] = probs
        return result
    mem = _scratch() if scratch else _Fresh()
    out = solve_chunk(plan, params, payoffs=full, mem=mem)  # its mixtures are copied below
    pairs = out["pairs"]
    valid = out["valid"]
    keys = [(int(i), int(j)) for i, j in pairs.T]
    for a, b in itertools.combinations(range(len(keys)), 2):
        if keys[a][0] == keys[b][0] or keys[a][1] == keys[b][1]:  # two extreme equilibria share a strategy
            continuum |= valid[a] & valid[b]
    result = {"keys": keys, "valid": valid, "degenerate": out["degenerate"], "continuum": continuum}
    if full:
        mask = valid[:, :, None]
        result["probabilities"] = [
            np.where(mask, out["prob0"][pairs[0]].transpose(0, 2, 1), 0.0),
            np.where(mask, out["prob1"][pairs[1]].transpose(0, 2, 1), 0.0),
        ]
        result["payoffs"] = out["payoffs"]
    return result


def _solve_2x2_points(
    plan: VertexPlan,
    axes: Axes,
    fixed: Mapping[str, float],
    shape: tuple[int, ...],
    full: bool,
    start: int,
    stop: int,
    mem: _Fresh,
    into: _Rows | None,
    whole: Sequence[_Side2x2 | None],
    tables: AxisTable | None,
) -> dict[str, Any] | None:
    """:func:`_solve_points` for a 2 x 2 game solved in closed form (:func:`_solve_2x2`), the chunk's
    parameters at its points computed only if used; None where its payoffs are no finite table (the
    general route then answers)."""
    N = stop - start
    strides = _strides(shape)
    met: dict[int, tuple[FloatArray, Callable[..., Any]]] = {}
    lazy: list[dict[str, FloatArray]] = []

    def seen(k: int) -> tuple[FloatArray, Callable[..., Any]]:
        if k not in met:
            met[k] = _axis_chunk(axes[k][1], shape[k], strides[k], start, stop)
        return met[k]

    def at(k: int) -> tuple[slice | npt.NDArray[np.intp], Callable[..., Any]]:
        return _axis_values(shape[k], strides[k], start, stop), seen(k)[1]

    def params() -> dict[str, FloatArray]:
        if not lazy:
            lazy.append(_chunk_params(axes, fixed, shape, start, stop))
        return lazy[0]

    table = _table_on_axes(tables, at) if tables is not None else None
    if table is None:
        table = _table_2x2(plan.game, params(), N, mem)
    if table is None:
        return None
    sides: list[_Side2x2 | None] = [None, None]
    for side in (0, 1) if plan.uses and not GENERAL_ONLY else ():
        used = [k for k, (a, _) in enumerate(axes) if a in plan.uses[side]]
        if len(used) != 1:
            continue
        (k,) = used
        values, spread = seen(k)
        if AXIS_SHARE * len(values) > N:
            continue
        pre = whole[side] if whole else None
        if pre is not None:  # worked out on the whole axis once: the values this chunk meets
            sides[side] = pre.on(at(k)[0], spread)
        else:
            sides[side] = _side_on_axis(plan, side, params(), axes[k][0], values, spread, mem)
    # the mixed vertices' formulas at the points, for an actor whose vertices are not worked out on an axis
    args = [] if all(sides) else [np.asarray(params()[name], dtype=float) for name in plan.names]
    return _solve_2x2(table, plan.compiled, args, full, N, mem, sides, None if into is None else (into, start))


def _bytes_per_row(total: int, sizes: Sequence[int]) -> int:
    """Bytes of one candidate's arrays over the grid: validity, every actor's mixture, the payoffs."""
    return total * (1 + 8 * sum(sizes) + 8 * len(sizes))


class _Rows:
    """The candidates of a sweep in order of first appearance, and (keeping everything) the arrays
    their chunks are written into: allocated once, at the most rows the memory budget allows (pages
    never written are never touched), grown by doubling if more are needed, cut to size at the end.
    With ``lazy`` (a grid of one chunk) they are allocated at the first chunk's number of candidates,
    exactly what is needed: small arrays then come from memory the allocator already has, where the
    largest size would be fresh pages from the kernel (measured: 10^4 points of a 2 x 2 game, 0.03 ms
    against 0.3 ms). Fresh pages of a large array are huge pages where Linux allows them: numpy asks
    for them on every allocation of 4 MiB or more (its ``madvise`` hint, on by default), so first
    writes fault once per 2 MiB, not once per 4 KiB (measured: 2,600 against 127,000 faults for 10^7
    points of a 2 x 2 game)."""

    def __init__(
        self, total: int, sizes: Sequence[int], full: bool, budget_rows: int, most: int, lazy: bool = False
    ) -> None:
        self.total, self.sizes, self.full = total, tuple(sizes), full
        self.keys: dict[tuple[int, ...], int] = {}
        self.cap = max(1, min(budget_rows, most)) if full and not lazy else 0
        self.valid = np.zeros((self.cap, total), dtype=bool)
        self.probs = [np.zeros((self.cap, total, m)) for m in self.sizes]
        self.pays = np.zeros((self.cap, total, len(self.sizes)))

    def rows(self, keys: Sequence[tuple[int, ...]]) -> list[int]:
        """The row of each candidate (new ones appended, growing the arrays if needed)."""
        out: list[int] = []
        for key in keys:
            row = self.keys.setdefault(key, len(self.keys))
            if self.full and row >= self.cap:  # lazy, not yet allocated: this chunk's candidates exactly
                self._grow(2 * self.cap if self.cap else len(self.keys) + len(keys) - len(out) - 1)
            out.append(row)
        return out

    def _grow(self, cap: int) -> None:
        per_row = _bytes_per_row(self.total, self.sizes)
        check_bytes(
            "a sweep's arrays",
            float(cap) * per_row,
            field="grid",
            instead='a coarser grid, fewer axes, or keep="outcomes"',
            found=f"{len(self.keys)} candidate equilibria of {describe_bytes(per_row)} each over the grid",
        )
        self.valid.resize((cap, self.total), refcheck=False)
        for p in self.probs:
            p.resize((cap, self.total, p.shape[-1]), refcheck=False)
        self.pays.resize((cap, self.total, len(self.sizes)), refcheck=False)
        self.cap = cap

    def write(self, start: int, stop: int, rows: Sequence[int], out: Mapping[str, Any]) -> None:
        for k, row in enumerate(rows):
            self.valid[row, start:stop] = out["valid"][k]
            for p, q in zip(self.probs, out["probabilities"], strict=True):
                p[row, start:stop] = q[k]
            self.pays[row, start:stop] = out["payoffs"][k]

    def finish(self, shape: tuple[int, ...]) -> tuple[BoolArray, tuple[FloatArray, ...], FloatArray]:
        """The arrays cut to the candidates found and shaped (K, grid..., ...), read-only, in place."""
        K = len(self.keys)
        if not self.full:
            return (
                np.zeros((K, 0), dtype=bool),
                tuple(np.zeros((K, 0, m)) for m in self.sizes),
                np.zeros((K, 0, len(self.sizes))),
            )
        self.valid.resize((K, *shape), refcheck=False)  # in place: no copy, and freeze() keeps them
        for p in self.probs:
            p.resize((K, *shape, p.shape[-1]), refcheck=False)
        self.pays.resize((K, *shape, len(self.sizes)), refcheck=False)
        for arr in (self.valid, *self.probs, self.pays):
            arr.flags.writeable = False
        return self.valid, tuple(self.probs), self.pays


@dataclass(frozen=True)
class OutcomeSet:
    """One set of equilibria met on a grid kept as outcomes: the candidates' rows, whether the game is
    degenerate there, how many points have it and the least and greatest value of each axis there."""

    rows: tuple[int, ...]
    degenerate: bool
    points: int
    low: tuple[float, ...]
    high: tuple[float, ...]


class _Outcomes:
    """Each point's set of equilibria as a code (int8, widened to int16 or int32 when more sets are
    met), and per set its count and axis ranges: the summary a grid too large to keep whole needs."""

    def __init__(self, total: int) -> None:
        self.codes: npt.NDArray[np.signedinteger[Any]] = np.zeros(total, dtype=np.int8)
        self.sets: dict[tuple[tuple[int, ...], bool], int] = {}
        self.points: list[int] = []
        self.low: list[list[float]] = []
        self.high: list[list[float]] = []

    def _code(self, key: tuple[tuple[int, ...], bool], n_axes: int) -> int:
        code = self.sets.get(key)
        if code is None:
            code = self.sets[key] = len(self.sets)
            self.points.append(0)
            self.low.append([math.inf] * n_axes)
            self.high.append([-math.inf] * n_axes)
            if code > np.iinfo(self.codes.dtype).max:
                wider = np.int16 if self.codes.dtype == np.int8 else np.int32
                self.codes = self.codes.astype(wider)
        return code

    def write(
        self, start: int, stop: int, rows: Sequence[int], out: Mapping[str, Any], axes: Axes, shape: tuple[int, ...]
    ) -> None:
        valid: BoolArray = out["valid"]
        K = len(rows)
        N = stop - start
        bits = K + 1
        if bits <= 62:  # the point's set as a number: bit k for the chunk's candidate k, bit K degenerate
            local = out["degenerate"].astype(np.int64) << K
            for k in range(K):
                local |= valid[k].astype(np.int64) << k
            if bits <= 12:  # few candidates: which numbers occur by counting, in linear time
                present = np.flatnonzero(np.bincount(local, minlength=1 << bits))
                where = np.searchsorted(present, local)
            else:
                present, where = np.unique(local, return_inverse=True)
            patterns = [[bool((int(p) >> k) & 1) for k in range(bits)] for p in present]
        else:
            table = np.vstack([valid, out["degenerate"][None, :]]).T
            uniq, where = np.unique(table, axis=0, return_inverse=True)
            patterns = [[bool(b) for b in row] for row in uniq]
        where = np.asarray(where).reshape(-1)
        idx = np.unravel_index(np.arange(start, stop), shape) if shape else ()
        values = [v[i] for (_, v), i in zip(axes, idx, strict=True)]
        codes = np.empty(len(patterns), dtype=np.int64)
        for g, pattern in enumerate(patterns):
            key = (tuple(sorted(rows[k] for k in range(K) if pattern[k])), pattern[K])
            codes[g] = self._code(key, len(axes))
        chunk_codes = codes[where]
        self.codes[start:stop] = chunk_codes
        if len(patterns) == 1:
            c = int(codes[0])
            self.points[c] += N
            for a, v in enumerate(values):
                self.low[c][a] = min(self.low[c][a], float(v.min()))
                self.high[c][a] = max(self.high[c][a], float(v.max()))
            return
        order = np.argsort(where, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(where[order]) != 0])
        counts = np.diff(np.r_[starts, N])
        lows = [np.minimum.reduceat(v[order], starts) for v in values]
        highs = [np.maximum.reduceat(v[order], starts) for v in values]
        for g, c in enumerate(codes.tolist()):
            self.points[c] += int(counts[g])
            for a in range(len(values)):
                self.low[c][a] = min(self.low[c][a], float(lows[a][g]))
                self.high[c][a] = max(self.high[c][a], float(highs[a][g]))

    def finish(self, shape: tuple[int, ...]) -> tuple[npt.NDArray[np.signedinteger[Any]], tuple[OutcomeSet, ...]]:
        sets = tuple(
            OutcomeSet(rows, degen, self.points[c], tuple(self.low[c]), tuple(self.high[c]))
            for (rows, degen), c in self.sets.items()
        )
        self.codes.resize(shape, refcheck=False)
        self.codes.flags.writeable = False
        return self.codes, sets


def _pair_up(
    live_x: Sequence[int],
    live_y: Sequence[int],
    cover_x: Callable[[int, int], BoolArray | None],
    cover_y: Callable[[int, int], BoolArray | None],
) -> tuple[list[tuple[int, int]], list[BoolArray]]:
    """The vertex pairs (i, j) that are equilibria somewhere in the chunk, and where: ``cover_x(i, j)``
    is where x's vertex i is one and its best replies cover the support of y's vertex j (None: nowhere),
    ``cover_y(i, j)`` the same the other way (asked only where ``cover_x`` holds somewhere)."""
    pairs: list[tuple[int, int]] = []
    valid: list[BoolArray] = []
    for i in live_x:
        for j in live_y:
            cx = cover_x(i, j)
            cy = None if cx is None else cover_y(i, j)
            if cx is None or cy is None:
                continue
            ok = cx & cy
            if ok.any():
                pairs.append((i, j))
                valid.append(ok)
    return pairs, valid


def _outcome(
    eqs: tuple[str, ...], degenerate: bool, points: int, total: int, ranges: Mapping[str, tuple[float, float]]
) -> dict[str, Any]:
    """One entry of :meth:`Sweep.outcomes`: a set of equilibria, where and how often it holds."""
    return {
        "label": " | ".join(eqs) + (" (degenerate)" if degenerate else "") if eqs else "no equilibrium found",
        "equilibria": list(eqs),
        "degenerate": degenerate,
        "points": points,
        "share": points / total,
        "ranges": {a: [clean_number(lo), clean_number(hi)] for a, (lo, hi) in ranges.items()},
    }


@dataclass(frozen=True, eq=False, repr=False)  # repr: GridAxes's, short
class Sweep(GridAxes, Result):
    """The equilibria of a game at every point of a parameter grid.

    ``axes`` maps each swept parameter to its 1-D values (the grid is their product, in order);
    ``valid[k]`` (shape of the grid) says where candidate k is an equilibrium;
    ``probabilities[i][k]`` gives actor i's mixture (grid shape + (m_i,)); ``payoffs[k]`` the
    payoffs (grid shape + (n,)); both are zero where candidate k is not an equilibrium.
    ``degenerate`` marks points where the game is degenerate and ``continuum`` those where a
    continuum joins two extreme equilibria; ``thresholds`` holds any threshold formulas evaluated on
    the grid.

    Kept as outcomes (``kept == "outcomes"``, ``sweep(..., keep="outcomes")``) the per-candidate
    arrays ``valid``, ``probabilities`` and ``payoffs`` are empty (K, 0, ...); instead ``codes``
    (grid-shaped, the smallest integer type that holds them) numbers each point's set of
    equilibria, ``sets[c]`` (:class:`OutcomeSet`) says which candidates form set c, whether the
    game is degenerate there, at how many points and over which ranges of the axes. ``count``,
    :meth:`outcome_codes`, :meth:`outcomes` and :meth:`to_dict` give the same as when kept whole.
    """

    game: NormalFormGame
    axes: Mapping[str, FloatArray]
    candidates: tuple[Candidate, ...]
    valid: BoolArray
    probabilities: tuple[FloatArray, ...]
    payoffs: FloatArray
    degenerate: BoolArray
    continuum: BoolArray
    complete: bool
    thresholds: Mapping[str, FloatArray] = field(default_factory=dict)
    method: str = ""
    values: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    kept: str = "all"
    codes: npt.NDArray[np.signedinteger[Any]] | None = None
    sets: tuple[OutcomeSet, ...] = ()

    kind = "normal"

    @property
    def count(self) -> npt.NDArray[np.int64]:
        """Number of extreme equilibria at each grid point."""
        if self.codes is not None:
            sizes = np.array([len(s.rows) for s in self.sets], dtype=np.int64)
            return np.asarray(sizes[self.codes], dtype=np.int64)
        return np.asarray(self.valid.sum(axis=0), dtype=np.int64)

    def index(self, label: str) -> int:
        """The candidate with this label (see :meth:`label`)."""
        for k in range(len(self.candidates)):
            if self.label(k) == label:
                return k
        raise KeyError(label)

    def label(self, k: int) -> str:
        """A candidate in words: ``EU offer; RU accept`` or ``EU 0.25 monitor + 0.75 trust; ...``."""
        c = self.candidates[k]
        parts = []
        for i, (a, support) in enumerate(zip(self.game.actors, c.supports, strict=True)):
            names = [self.game.strategies[i][s] for s in support]
            parts.append(f"{a} {names[0]}" if len(names) == 1 else f"{a} mixes {'/'.join(names)}")
        return "; ".join(parts)

    def outcome_codes(self) -> tuple[list[dict[str, Any]], npt.NDArray[np.signedinteger[Any]]]:
        """Distinct sets of equilibria over the grid (most frequent first), and each point's set number."""
        labels = [self.label(k) for k in range(len(self.candidates))]
        if self.codes is not None:
            return self._outcome_codes_kept(labels, self.codes)
        flat = self.valid.reshape(len(self.candidates), -1)
        degenerate = self.degenerate.reshape(-1)
        grid = {k: v.reshape(-1) for k, v in self.grid().items()}
        codes, inverse = np.unique(np.vstack([flat, degenerate[None, :]]).T, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        groups: dict[tuple[tuple[str, ...], bool], list[int]] = {}
        for g, code in enumerate(codes):
            key = (tuple(sorted({labels[k] for k in np.flatnonzero(code[:-1])})), bool(code[-1]))
            groups.setdefault(key, []).append(g)
        total = flat.shape[1]
        found: list[tuple[dict[str, Any], BoolArray]] = []
        for (eqs, degen), members in groups.items():
            where = np.isin(inverse, members)
            idx = np.flatnonzero(where)
            ranges = {a: (float(v[idx].min()), float(v[idx].max())) for a, v in grid.items()}
            found.append((_outcome(eqs, degen, int(idx.size), total, ranges), where))
        found.sort(key=lambda item: -item[0]["points"])
        point_code = np.zeros(total, dtype=np.int64)
        for g, (_, where) in enumerate(found):
            point_code[where] = g
        return [o for o, _ in found], point_code.reshape(self.shape)

    def _outcome_codes_kept(
        self, labels: Sequence[str], codes: npt.NDArray[np.signedinteger[Any]]
    ) -> tuple[list[dict[str, Any]], npt.NDArray[np.signedinteger[Any]]]:
        """:meth:`outcome_codes` from the sets kept (no per-candidate arrays): the same groups in the
        same order, the sets taken as np.unique orders the rows (validity..., degenerate)."""
        K = len(self.candidates)
        order = sorted(
            range(len(self.sets)),
            key=lambda c: (*(k in self.sets[c].rows for k in range(K)), self.sets[c].degenerate),
        )
        groups: dict[tuple[tuple[str, ...], bool], list[int]] = {}
        for c in order:
            s = self.sets[c]
            groups.setdefault((tuple(sorted({labels[k] for k in s.rows})), s.degenerate), []).append(c)
        total = max(1, int(np.prod(self.shape)))
        names = list(self.axes)
        found: list[tuple[dict[str, Any], list[int]]] = []
        for (eqs, degen), members in groups.items():
            points = sum(self.sets[c].points for c in members)
            ranges = {
                a: (min(self.sets[c].low[i] for c in members), max(self.sets[c].high[i] for c in members))
                for i, a in enumerate(names)
            }
            found.append((_outcome(eqs, degen, points, total, ranges), members))
        found.sort(key=lambda item: -item[0]["points"])
        table = np.zeros(max(1, len(self.sets)), dtype=codes.dtype)
        for g, (_, members) in enumerate(found):
            table[members] = g
        return [o for o, _ in found], np.asarray(table[codes])

    def outcomes(self) -> list[dict[str, Any]]:
        """Distinct sets of equilibria over the grid: which ones, share of points, axis ranges."""
        return self.outcome_codes()[0]

    def to_dict(self) -> dict[str, Any]:
        """A summary for ``--json``: axes, fixed values, outcomes with shares and ranges."""
        return {
            "game": "normal",
            "axes": {
                a: {"from": clean_number(float(v[0])), "to": clean_number(float(v[-1])), "n": len(v)}
                for a, v in self.axes.items()
            },
            "fixed": {k: clean_number(v) for k, v in self.fixed.items()},
            "points": int(np.prod(self.shape)),
            "method": self.method,
            "mixed_enumerated": self.complete,
            "degenerate_points": int(self.degenerate.sum()),
            "continuum_points": int(self.continuum.sum()),
            "outcomes": self.outcomes(),
            "notes": list(self.notes),
        } | ({"kept": self.kept} if self.kept != "all" else {})


MIN_BYTES_PER_POINT = 64
"""The least memory a grid point costs a sweep (a candidate's validity, mixtures and payoffs, the
outcome table's coordinates): grids are refused above the budget divided by this, before any array."""


def _grid_spec(text: str) -> tuple[str, float, float, int]:
    name, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or not name.strip() or len(parts) != 3:
        raise ScenarioError("NAME=LOW:HIGH:N", found=repr(text), field="grid")
    try:
        lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise ScenarioError(
            "numbers LOW and HIGH and a whole number N", found=repr(spec[:60]), field=f"grid {name.strip()}"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or n < 1:
        raise ScenarioError("finite LOW, HIGH and N >= 1", found=repr(spec[:60]), field=f"grid {name.strip()}")
    return name.strip(), lo, hi, n


OUTCOME_BYTES_PER_POINT = 6
"""The least memory a grid point costs a sweep that keeps only outcomes (its code and two flags)."""


def _check_points(total: int, budget: float | None, keep: Keep = "all") -> None:
    per_point = MIN_BYTES_PER_POINT if keep == "all" else OUTCOME_BYTES_PER_POINT
    most = int(budget_mb(budget) * 2**20 // per_point)
    if total > most:
        raise ScenarioError(
            f"a grid of at most {most:,} points within the memory budget of {budget_mb(budget):,.0f} MiB "
            f"(at least {per_point} bytes a point; a coarser grid or fewer axes, or {RAISE})",
            found=f"{total:,} points" if total < 10**15 else f"{float(total):.3g} points",
            field="grid",
        )


def parse_grid(text: str, *, budget: float | None = None, keep: Keep = "all") -> tuple[str, FloatArray]:
    """``"p=0:1:11"`` -> ``("p", array of 11 points from 0 to 1)``; N is checked against the budget
    (at least :data:`MIN_BYTES_PER_POINT` bytes a point, :data:`OUTCOME_BYTES_PER_POINT` with
    ``keep="outcomes"``) before the axis is allocated.

    >>> name, values = parse_grid("p=0:1:5")
    >>> name, values.tolist()
    ('p', [0.0, 0.25, 0.5, 0.75, 1.0])
    """
    name, lo, hi, n = _grid_spec(text)
    _check_points(n, budget, keep)
    return name, np.linspace(lo, hi, n)


def parse_grids(texts: Sequence[str], *, budget: float | None = None, keep: Keep = "all") -> dict[str, FloatArray]:
    """Several ``NAME=LOW:HIGH:N`` axes as a grid: each parameter once, and the product of the axes'
    lengths checked against the budget before any axis is allocated.

    >>> sorted(parse_grids(["p=0:1:3", "c=0:2:5"]).items())[0][1].tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0]
    >>> parse_grids(["p=0:1:3", "p=0:2:3"])
    Traceback (most recent call last):
    ...
    bargaining.errors.ScenarioError: grid p: expected each parameter on one axis, found p twice
    """
    specs = [_grid_spec(t) for t in texts]
    seen: set[str] = set()
    for name, *_ in specs:
        if name in seen:
            raise ScenarioError("each parameter on one axis", found=f"{name} twice", field=f"grid {name}")
        seen.add(name)
    _check_points(math.prod(n for *_, n in specs), budget, keep)
    return {name: np.linspace(lo, hi, n) for name, lo, hi, n in specs}


AnySweep = Sweep | TreeSweep | DealSweep | PointSweep


@overload
def sweep(
    model: NormalFormGame,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = DEFAULT_CHUNK,
    thresholds: Sequence[Any] = (),
    budget: float | None = None,
    scheduler: Scheduler = None,
    keep: Keep = "all",
) -> Sweep: ...
@overload
def sweep(
    model: TreeGame,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = DEFAULT_CHUNK,
    thresholds: Sequence[Any] = (),
    budget: float | None = None,
    scheduler: Scheduler = None,
    keep: Keep = "all",
) -> TreeSweep: ...
@overload
def sweep(
    model: BargainingProblem,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = DEFAULT_CHUNK,
    thresholds: Sequence[Any] = (),
    budget: float | None = None,
    scheduler: Scheduler = None,
    keep: Keep = "all",
) -> DealSweep: ...
@overload
def sweep(
    model: TwoLevelGame | SignallingGame | BayesianGame,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = DEFAULT_CHUNK,
    thresholds: Sequence[Any] = (),
    budget: float | None = None,
    scheduler: Scheduler = None,
    keep: Keep = "all",
) -> PointSweep: ...
@overload
def sweep(
    model: Scenario,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = DEFAULT_CHUNK,
    thresholds: Sequence[Any] = (),
    budget: float | None = None,
    scheduler: Scheduler = None,
    keep: Keep = "all",
) -> AnySweep: ...


def sweep(
    model: Scenario | NormalFormGame | TreeGame | BargainingProblem | TwoLevelGame | SignallingGame | BayesianGame,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = DEFAULT_CHUNK,
    thresholds: Sequence[Any] = (),
    budget: float | None = None,
    scheduler: Scheduler = None,
    keep: Keep = "all",
) -> AnySweep:
    """The outcome of ``model``'s game (a scenario or a bare game) at every point of ``grid``.

    ``grid`` maps parameter names to 1-D values, the grid being their outer product; every value
    must lie in the parameter's [min, max]. Parameters not swept keep ``values`` (or their
    defaults), checked against their bounds. By the game's kind:

    - ``"normal"``: every extreme Nash equilibrium, vectorised over chunks of ``chunk`` points
      (:class:`Sweep`); ``thresholds`` (:class:`~bargaining.analysis.threshold.Threshold`) are
      evaluated on the grid too;
    - ``"tree"``: the subgame-perfect path, outcome, offers and payoffs at each point
      (:class:`~bargaining.analysis.sweep_tree.TreeSweep`);
    - ``"bargain"``: the bargaining solutions at each point
      (:class:`~bargaining.analysis.sweep_deal.DealSweep`);
    - ``"two_level"``, ``"signalling"``, ``"bayesian"``: the game solved at each point and summarised
      by a label (agreement and where; the perfect Bayesian or Bayes-Nash equilibria)
      (:class:`~bargaining.analysis.sweep_points.PointSweep`, :func:`~bargaining.analysis.sweep_points.sweep_points`).

    Budgets (docs/format.md#budgets; ``budget`` in MiB, scaling every limit): what is solved point by
    point (trees that cannot be compiled, two-level, signalling and Bayesian games) is refused above
    :data:`MAX_POINTS` points before any work; a tree compiled once, and a package deal compiled
    once, are evaluated on the whole grid, refused only when their arrays would exceed the memory
    budget; a normal-form grid is refused when its arrays would exceed the memory budget, or when the
    game has more than :data:`MAX_VERTICES` candidate vertices per actor. The vertices' formulas
    are worked out under the budget's deadline; past it (or for payoffs too large to expand) the
    vertices are solved numerically at every point, with a note. ``progress(done, total)`` is
    called as points are done.

    ``scheduler`` (every kind): ``None`` computes the chunks in this process; a
    ``dask.distributed.Client`` or a scheduler's address computes them on that Dask cluster
    (:func:`~bargaining.analysis.engine.map_chunks`), with the same result. ``keep`` (normal-form
    games): ``"all"`` keeps every candidate's validity, mixtures and payoffs at every point;
    ``"outcomes"`` keeps only each point's set of equilibria (``codes``, ``sets``), about 3 bytes a
    point, for grids too large for the per-candidate arrays: its outcomes, counts and ``to_dict``
    are the same.

    >>> from bargaining.io.scenario_file import load
    >>> light = sweep(load("eu_russia_2007"), {"T": [0, 1, 2, 3, 4]}, keep="outcomes")
    >>> light.count.tolist(), light.outcome_codes()[1].tolist()
    ([2, 2, 2, 2, 2], [0, 0, 0, 1, 1])
    >>> [o["label"] for o in light.outcomes()][1]
    'EU no_offer; RU reject | EU offer; RU accept (degenerate)'

    >>> type(sweep(load("eu_russia_offer"), {"T": [1, 4]})).__name__
    'TreeSweep'
    """
    scenario = Scenario.of(model)
    if keep not in KEEP:
        raise ScenarioError(" or ".join(repr(k) for k in KEEP), found=repr(keep)[:40], field="keep")
    if keep != "all" and scenario.kind != "normal":
        raise ScenarioError(
            'keep="all" for a game of this kind (keep="outcomes" is for normal-form games)',
            found=repr(keep),
            field="keep",
        )
    with using_budget(budget):
        if scenario.kind == "tree":
            return sweep_tree(scenario, grid, values, progress=progress, scheduler=scheduler)
        if scenario.kind == "bargain":
            return sweep_deal(scenario, grid, values, progress=progress, scheduler=scheduler)
        if scenario.kind in KINDS:
            return sweep_points(scenario, grid, values, progress=progress, scheduler=scheduler)
        return _sweep_normal(
            scenario,
            grid,
            values,
            chunk=chunk,
            progress=progress,
            thresholds=thresholds,
            scheduler=scheduler,
            keep=keep,
        )


def _sweep_normal(
    scenario: Scenario,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None,
    *,
    chunk: int,
    progress: Callable[[int, int], None] | None,
    thresholds: Sequence[Any],
    scheduler: Scheduler = None,
    keep: Keep = "all",
) -> Sweep:
    """Every (extreme) equilibrium of a normal-form game at every grid point, in chunks of points
    computed by :func:`_solve_points` through :func:`~bargaining.analysis.engine.map_chunks` and
    streamed into arrays allocated once (or, ``keep="outcomes"``, into each point's code)."""
    game = scenario.normal_form
    axes = grid_axes(scenario, grid)
    fixed = {k: v for k, v in scenario.values(values).items() if k not in axes}
    names = _parameter_names(game)
    shape = tuple(len(v) for v in axes.values())
    total = math.prod(shape)
    n_profiles = math.prod(game.shape)
    full = keep == "all"
    per_row = _bytes_per_row(1, game.shape)
    # kept whole: at least one candidate's arrays, the point flags and the outcome table's coordinates;
    # kept as outcomes: each point's code (at most int32) and its two flags
    per_point = per_row + 2 + 8 * len(shape) if full else 4 + 2
    check_bytes(
        "a sweep's arrays",
        float(total) * per_point,
        field="grid",
        instead="a coarser grid or fewer axes" + (', or keep="outcomes"' if full else ""),
        found=f"{total:,} points of about {per_point:,} bytes, {describe_bytes(float(total) * per_point)}",
    )
    plan = vertex_plan(game, names, deadline_seconds())
    # a chunk's payoff array (and, for two actors, its vertices' mixtures) within a quarter of the budget
    chunk_bytes = 8 * (game.n_actors + 2) * n_profiles
    if game.n_actors == 2:
        chunk_bytes += 8 * sum(
            len(vs) * (size + 1 + other)
            for vs, size, other in zip(plan.vertices, game.shape, game.shape[::-1], strict=True)
        )
    step = max(1, min(chunk, int(budget_mb() * 2**20 / 4 // max(1, chunk_bytes))))
    most = math.prod(len(vs) for vs in plan.vertices) if game.n_actors == 2 else n_profiles
    budget_rows = int(budget_mb() * 2**20 // max(1, _bytes_per_row(total, game.shape)))
    rows = _Rows(total, game.shape, full, budget_rows, most, lazy=total <= step)
    kept = None if full else _Outcomes(total)
    degenerate = np.zeros(total, dtype=bool)
    continuum = np.zeros(total, dtype=bool)
    axis_items = tuple(axes.items())
    # computed here, a chunk's results are copied out before the next chunk (they may reuse memory), or
    # a 2 x 2 game's are written straight into the sweep's arrays
    here = scheduler is None
    # a 2 x 2 game's vertices and payoffs worked out once on the axes' values, when no axis is longer
    # than a chunk (their arrays then take no more memory than a chunk's)
    short = all(len(v) <= step for _, v in axis_items)
    whole = _whole_axis_sides(plan, axis_items, fixed) if here and short and game.n_actors == 2 else ()
    closed = here and short and game.n_actors == 2 and _closed_2x2(plan)
    tables = _axis_tables(game, axis_items, fixed) if closed else None
    work = functools.partial(
        _solve_points,
        plan,
        axis_items,
        fixed,
        shape,
        full,
        scratch=here,
        into=rows if here and full else None,
        whole=whole,
        tables=tables,
    )
    for start, stop, out in map_chunks(work, total, step, scheduler=scheduler, progress=progress):
        at = rows.rows(out["keys"])
        if kept is None:
            if not out.get("written"):
                rows.write(start, stop, at, out)
        else:
            kept.write(start, stop, at, out, axis_items, shape)
        degenerate[start:stop] = out["degenerate"]
        continuum[start:stop] = out["continuum"]
    if scheduler is None:
        _scratch().trim(SCRATCH_KEEP)
    K = len(rows.keys)
    valid, probs, pays = rows.finish(shape)
    codes, sets = kept.finish(shape) if kept is not None else (None, ())
    if game.n_actors == 2:  # Nash (1951): never empty
        empty = [c for c, s in enumerate(sets) if not s.rows]
        if kept is None and not valid.reshape(K, -1).any(axis=0).all():
            nowhere = ~valid.reshape(K, -1).any(axis=0)
        elif empty:
            nowhere = np.isin(np.asarray(codes).reshape(-1), empty)
        else:
            nowhere = None
        if nowhere is not None:
            flat = int(np.flatnonzero(nowhere)[0])
            raise RuntimeError(
                f"sweep found no equilibrium at {params_at(axes, fixed, shape, flat)} "
                f"({int(nowhere.sum())} such points): a finite game always has one, so this is a "
                "numerical failure or a bug; equilibria() at that point gives the answer"
            )
    ordered = sorted(rows.keys, key=lambda key: rows.keys[key])
    if game.n_actors == 2:
        vx, vy = plan.vertices
        candidates = tuple(Candidate((vx[i].support, vy[j].support), (i, j)) for i, j in ordered)
    else:
        profiles = list(np.ndindex(*game.shape))
        candidates = tuple(Candidate(tuple((int(s),) for s in profiles[k])) for (k,) in ordered)
    evaluated = {}
    if thresholds:
        mesh = dict(zip(axes, np.meshgrid(*axes.values(), indexing="ij", sparse=True), strict=True))
        for t in thresholds:
            if t.formula is None:
                continue
            syms = sorted(t.formula.free_symbols, key=lambda s: s.name)
            f = compile_numpy(syms, t.formula)
            with np.errstate(all="ignore"):
                evaluated[t.parameter] = np.broadcast_to(
                    np.asarray(f(*(mesh.get(s.name, fixed.get(s.name)) for s in syms)), dtype=float), shape
                )
    notes = [plan.note] if plan.note else []
    if game.n_actors == 2 and continuum.any():
        notes.append(
            f"At {int(continuum.sum())} grid points two extreme equilibria share a strategy: a continuum of "
            "equilibria joins them there."
        )
    degenerate.resize(shape, refcheck=False)
    continuum.resize(shape, refcheck=False)
    for arr in (degenerate, continuum):
        arr.flags.writeable = False
    method = (
        "vertex pairs from symbolic indifference conditions, evaluated with numpy (every extreme equilibrium)"
        if game.n_actors == 2 and plan.note is None
        else "vertex pairs from indifference conditions solved numerically at each point (every extreme equilibrium)"
        if game.n_actors == 2
        else "pure-profile test on the payoff array (mixed equilibria not enumerated)"
    )
    if scheduler is not None:
        method += f", on {describe(scheduler)}"
    return Sweep(
        game=game,
        axes=axes,
        values=fixed,
        candidates=candidates,
        valid=valid,
        probabilities=probs,
        payoffs=pays,
        degenerate=degenerate,
        continuum=continuum,
        complete=game.n_actors == 2,
        thresholds=evaluated,
        notes=tuple(notes),
        method=method,
        kept=keep,
        codes=codes,
        sets=sets,
    )


def params_at(
    axes: Mapping[str, FloatArray], fixed: Mapping[str, float], shape: tuple[int, ...], flat: int
) -> dict[str, float]:
    """The parameter values at flat grid index ``flat``."""
    idx = np.unravel_index(flat, shape) if shape else ()
    return {**fixed, **{a: float(axes[a][i]) for a, i in zip(axes, idx, strict=True)}}

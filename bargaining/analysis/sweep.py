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

The grid is processed in chunks of flat indices by a pure function of the chunk's parameter arrays
(:func:`solve_chunk`), so the same code can be mapped over blocks by Dask.

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.deadline import DeadlineExceeded, too_large, within_deadline
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
    "MAX_POINTS",
    "AnySweep",
    "Candidate",
    "DealSweep",
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
DEFAULT_CHUNK = 1 << 17


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
class _Plan:
    """What every chunk needs: the game, its possible vertices compiled to numpy (None: solved
    numerically at each point), parameter order, and a note when the formulas were not found."""

    game: NormalFormGame
    names: tuple[str, ...]
    vertices: tuple[tuple[Vertex, ...], ...]
    compiled: tuple[tuple[Callable[..., Any] | None, ...], ...]
    note: str | None = None


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
def _plan(game: NormalFormGame, names: tuple[str, ...], seconds: float) -> _Plan:
    if game.n_actors != 2:
        return _Plan(game, names, (), ())
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
        return _Plan(game, names, (vx, vy), compiled, note)
    symbols = [sympy.Symbol(n, real=True) for n in names]
    compiled = tuple(tuple(compile_numpy(symbols, list(v.mixture)) for v in vs) for vs in symbolic)
    return _Plan(game, names, symbolic, compiled)


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
    plan: _Plan, side: int, args: Sequence[FloatArray], opponent: FloatArray, size: int, N: int
) -> tuple[FloatArray, BoolArray, BoolArray]:
    """Mixtures (V, size, N), validity (V, N) and the opponent's best replies (V, other, N).

    ``opponent`` is the opponent's payoff array arranged (size, other, N): entry [s, t] is its
    payoff when this actor plays s and the opponent t. Arrays are strategy-major, so reductions
    over a handful of strategies are elementwise operations over the grid.
    """
    vertices = plan.vertices[side]
    V = len(vertices)
    other = opponent.shape[1]
    X = np.zeros((V, size, N))
    ok = np.zeros((V, N), dtype=bool)
    br = np.zeros((V, other, N), dtype=bool)
    # every comparison on the opponent's payoffs normalised to [0, 1] at each point: scale-free
    opponent, tol = _normalised(opponent)
    with np.errstate(all="ignore"):
        for v, (vert, f) in enumerate(zip(vertices, plan.compiled[side], strict=True)):
            values = f(*args) if f is not None else _numeric_mixture(opponent, vert.support, vert.tight)
            good = np.ones(N, dtype=bool)
            for pos, s in enumerate(vert.support):
                X[v, s] = np.broadcast_to(np.asarray(values[pos], dtype=float), (N,))
                good &= X[v, s] > tol  # also False for nan
            if not good.any():
                continue
            pay = np.zeros((other, N))
            for s in vert.support:
                pay += opponent[s] * X[v, s]
            best = pay.max(axis=0)
            br[v] = pay >= best - tol
            for t in vert.tight:
                good &= br[v, t]
            if len(vert.support) > 1 and good.any():
                # a vertex only where its tight constraints are independent: the indifference system
                # must be non-singular at the point (a cancelled factor can hide a singular one)
                where = np.flatnonzero(good)  # only where the vertex is still a candidate
                det = _det_indifference(opponent[..., where], vert.support, vert.tight)
                good[where] &= np.abs(det) > tol[where]  # on payoffs normalised to [0, 1]
            ok[v] = good
    # one vertex may be reached through several tight sets at degenerate points: keep the first
    for v, vert in enumerate(vertices):
        if not ok[v].any():
            continue
        for w in range(v):
            if vertices[w].support == vert.support and ok[w].any():
                same = ok[w] & np.all(np.abs(X[w] - X[v]) <= tol * 10, axis=0)
                ok[v] &= ~same
    return X, ok, br


def solve_chunk(plan: _Plan, params: Mapping[str, FloatArray]) -> dict[str, npt.NDArray[Any]]:
    """Equilibria on one chunk of N points; ``params`` maps every parameter to an array (N,).

    Two actors: ``pairs`` (2, K) vertex indices of the candidates, ``valid`` (K, N), ``prob0`` and
    ``prob1`` (V, m, N) per actor's vertex, ``payoffs`` (K, N, 2), ``degenerate`` (N,). More actors:
    ``valid`` (K, N) over all pure profiles and ``payoffs`` (K, N, n).
    """
    game = plan.game
    P = game.payoff_array(params)  # (n, m_1, ..., m_n, N)
    N = P.shape[-1]
    n = game.n_actors
    if n != 2:
        K = int(np.prod(game.shape))
        # a deviation gain within TOL of the actor's payoff range at the point (plus rounding) is a tie
        mask = pure_equilibrium_mask(P, tol=ROUNDING * float(np.abs(P).max()), rtol=TOL).reshape(K, N)
        return {"valid": mask, "payoffs": P.reshape(n, K, N).transpose(1, 2, 0), "degenerate": np.zeros(N, bool)}
    A, B = P[0], P[1]  # (m, n, N)
    m, nn = game.shape
    args = [np.asarray(params[name], dtype=float) for name in plan.names]
    X, okx, brx = _evaluate_vertices(plan, 0, args, B, m, N)  # brx: column best replies to x
    Y, oky, bry = _evaluate_vertices(plan, 1, args, A.transpose(1, 0, 2), nn, N)  # bry: row best replies to y
    vx, vy = plan.vertices
    live_x = [i for i in range(len(vx)) if okx[i].any()]
    live_y = [j for j in range(len(vy)) if oky[j].any()]
    # x's best replies cover y's support, and y's best replies cover x's support
    cover_y = {(i, vy[j].support): brx[i][list(vy[j].support)].all(axis=0) for i in live_x for j in live_y}
    cover_x = {(j, vx[i].support): bry[j][list(vx[i].support)].all(axis=0) for j in live_y for i in live_x}
    pairs = []
    valid = []
    for i in live_x:
        for j in live_y:
            ok = okx[i] & oky[j] & cover_y[(i, vy[j].support)] & cover_x[(j, vx[i].support)]
            if ok.any():
                pairs.append((i, j))
                valid.append(ok)
    K = len(pairs)
    valid_arr = np.array(valid, dtype=bool).reshape(K, N)
    pair_arr = np.array(pairs, dtype=np.intp).reshape(K, 2).T
    pays = np.zeros((K, N, 2))
    degenerate = np.zeros(N, dtype=bool)
    for k, (vi, vj) in enumerate(pairs):
        with np.errstate(all="ignore"):  # off the points where the pair is valid, mixtures may be nan
            for s in vx[vi].support:
                for t in vy[vj].support:
                    w = X[vi, s] * Y[vj, t]
                    pays[k, :, 0] += w * A[s, t]
                    pays[k, :, 1] += w * B[s, t]
        pays[k][~valid_arr[k]] = 0.0
        extra_br = (brx[vi].sum(axis=0) > len(vx[vi].support)) | (bry[vj].sum(axis=0) > len(vy[vj].support))
        degenerate |= valid_arr[k] & extra_br
    return {"pairs": pair_arr, "valid": valid_arr, "prob0": X, "prob1": Y, "payoffs": pays, "degenerate": degenerate}


@dataclass(frozen=True, eq=False, repr=False)  # repr: GridAxes's, short
class Sweep(GridAxes, Result):
    """The equilibria of a game at every point of a parameter grid.

    ``axes`` maps each swept parameter to its 1-D values (the grid is their product, in order);
    ``valid[k]`` (shape of the grid) says where candidate k is an equilibrium;
    ``probabilities[i][k]`` gives actor i's mixture (grid shape + (m_i,)); ``payoffs[k]`` the
    payoffs (grid shape + (n,)); ``degenerate`` marks points where the game is degenerate and
    ``continuum`` those where a continuum joins two extreme equilibria; ``thresholds`` holds any
    threshold formulas evaluated on the grid.
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

    kind = "normal"

    @property
    def count(self) -> npt.NDArray[np.int64]:
        """Number of extreme equilibria at each grid point."""
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

    def outcome_codes(self) -> tuple[list[dict[str, Any]], npt.NDArray[np.int64]]:
        """Distinct sets of equilibria over the grid (most frequent first), and each point's set number."""
        labels = [self.label(k) for k in range(len(self.candidates))]
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
            found.append(
                (
                    {
                        "label": " | ".join(eqs) + (" (degenerate)" if degen else "")
                        if eqs
                        else "no equilibrium found",
                        "equilibria": list(eqs),
                        "degenerate": degen,
                        "points": int(idx.size),
                        "share": idx.size / total,
                        "ranges": {
                            a: [clean_number(float(v[idx].min())), clean_number(float(v[idx].max()))]
                            for a, v in grid.items()
                        },
                    },
                    where,
                )
            )
        found.sort(key=lambda item: -item[0]["points"])
        point_code = np.zeros(total, dtype=np.int64)
        for g, (_, where) in enumerate(found):
            point_code[where] = g
        return [o for o, _ in found], point_code.reshape(self.shape)

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
        }


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


def _check_points(total: int, budget: float | None) -> None:
    most = int(budget_mb(budget) * 2**20 // MIN_BYTES_PER_POINT)
    if total > most:
        raise ScenarioError(
            f"a grid of at most {most:,} points within the memory budget of {budget_mb(budget):,.0f} MiB "
            f"(at least {MIN_BYTES_PER_POINT} bytes a point; a coarser grid or fewer axes, or {RAISE})",
            found=f"{total:,} points" if total < 10**15 else f"{float(total):.3g} points",
            field="grid",
        )


def parse_grid(text: str, *, budget: float | None = None) -> tuple[str, FloatArray]:
    """``"p=0:1:11"`` -> ``("p", array of 11 points from 0 to 1)``; N is checked against the budget
    (at least :data:`MIN_BYTES_PER_POINT` bytes a point) before the axis is allocated.

    >>> name, values = parse_grid("p=0:1:5")
    >>> name, values.tolist()
    ('p', [0.0, 0.25, 0.5, 0.75, 1.0])
    """
    name, lo, hi, n = _grid_spec(text)
    _check_points(n, budget)
    return name, np.linspace(lo, hi, n)


def parse_grids(texts: Sequence[str], *, budget: float | None = None) -> dict[str, FloatArray]:
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
    _check_points(math.prod(n for *_, n in specs), budget)
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

    Budgets (docs/format.md#budgets; ``budget`` in MiB, scaling every limit): package deals (and
    trees that cannot be compiled) are solved point by point, and grids above :data:`MAX_POINTS`
    points are refused before any work; a tree compiled once is evaluated on the whole grid, refused
    only when its arrays would exceed the memory budget; a normal-form grid is refused when its
    arrays would exceed the memory budget, or when the
    game has more than :data:`MAX_VERTICES` candidate vertices per actor. The vertices' formulas
    are worked out under the budget's deadline; past it (or for payoffs too large to expand) the
    vertices are solved numerically at every point, with a note. ``progress(done, total)`` is
    called as points are done.

    >>> from bargaining.io.scenario_file import load
    >>> type(sweep(load("eu_russia_offer"), {"T": [1, 4]})).__name__
    'TreeSweep'
    """
    scenario = Scenario.of(model)
    with using_budget(budget):
        if scenario.kind == "tree":
            return sweep_tree(scenario, grid, values, progress=progress)
        if scenario.kind == "bargain":
            return sweep_deal(scenario, grid, values, progress=progress)
        if scenario.kind in KINDS:
            return sweep_points(scenario, grid, values, progress=progress)
        return _sweep_normal(scenario, grid, values, chunk=chunk, progress=progress, thresholds=thresholds)


def _sweep_normal(
    scenario: Scenario,
    grid: Mapping[str, npt.ArrayLike],
    values: Mapping[str, float] | None,
    *,
    chunk: int,
    progress: Callable[[int, int], None] | None,
    thresholds: Sequence[Any],
) -> Sweep:
    """Every (extreme) equilibrium of a normal-form game at every grid point, in chunks of points."""
    game = scenario.normal_form
    axes = grid_axes(scenario, grid)
    fixed = {k: v for k, v in scenario.values(values).items() if k not in axes}
    names = tuple(sorted(s.name for s in game.parameter_symbols()))
    shape = tuple(len(v) for v in axes.values())
    total = math.prod(shape)
    n_profiles = math.prod(game.shape)
    if game.n_actors == 2:
        per_point = 8 * 2 * (sum(game.shape) + game.n_actors + 1) + 8 * len(shape) + 4
    else:  # every pure profile is a candidate: its validity, and the payoffs of those that hold somewhere
        per_point = n_profiles + 8 * (2 * (sum(game.shape) + game.n_actors)) + 8 * len(shape) + 4
    check_bytes(
        "a sweep's arrays",
        float(total) * per_point,
        field="grid",
        instead="a coarser grid or fewer axes",
        found=f"{total:,} points of about {per_point:,} bytes, {describe_bytes(float(total) * per_point)}",
    )
    plan = _plan(game, names, deadline_seconds())
    # a chunk's payoff array (and, for two actors, its vertices' mixtures) within a quarter of the budget
    chunk_bytes = 8 * (game.n_actors + 2) * n_profiles
    if game.n_actors == 2:
        chunk_bytes += 8 * sum(
            len(vs) * (size + 1 + other)
            for vs, size, other in zip(plan.vertices, game.shape, game.shape[::-1], strict=True)
        )
    step = max(1, min(chunk, int(budget_mb() * 2**20 / 4 // max(1, chunk_bytes))))
    rows: dict[tuple[int, ...], int] = {}
    pieces: list[tuple[int, int, dict[str, npt.NDArray[Any]]]] = []
    degenerate = np.zeros(total, dtype=bool)
    for start in range(0, total, step):
        stop = min(total, start + step)
        idx = np.unravel_index(np.arange(start, stop), shape) if shape else ()
        params = {k: np.full(stop - start, v) for k, v in fixed.items()}
        params |= {a: axes[a][i] for a, i in zip(axes, idx, strict=True)}
        out = solve_chunk(plan, params)
        keys = (
            [tuple(int(v) for v in col) for col in out["pairs"].T]
            if game.n_actors == 2
            else [(k,) for k in range(out["valid"].shape[0])]
        )
        for k, key in enumerate(keys):
            if out["valid"][k].any():
                rows.setdefault(key, len(rows))
        out["keys"] = np.array([rows.get(key, -1) for key in keys], dtype=np.intp)
        if game.n_actors == 2:  # keep only the valid pairs' mixtures, not every vertex's
            live = [k for k, row in enumerate(out["keys"]) if row >= 0]
            out["pair_prob0"] = np.stack([out["prob0"][out["pairs"][0, k]].T for k in live]) if live else np.zeros(0)
            out["pair_prob1"] = np.stack([out["prob1"][out["pairs"][1, k]].T for k in live]) if live else np.zeros(0)
            out["live"] = np.array(live, dtype=np.intp)
            del out["prob0"], out["prob1"]
        pieces.append((start, stop, out))
        degenerate[start:stop] = out["degenerate"]
        if progress is not None:
            progress(stop, total)
    K = len(rows)
    valid = np.zeros((K, total), dtype=bool)
    probs = [np.zeros((K, total, m)) for m in game.shape]
    pays = np.zeros((K, total, game.n_actors))
    for start, stop, out in pieces:
        for k, row in enumerate(out["keys"]):
            if row < 0:
                continue
            valid[row, start:stop] = out["valid"][k]
            pays[row, start:stop] = out["payoffs"][k]
            if game.n_actors == 2:
                slot = int(np.flatnonzero(out["live"] == k)[0])
                probs[0][row, start:stop] = out["pair_prob0"][slot]
                probs[1][row, start:stop] = out["pair_prob1"][slot]
    if game.n_actors == 2 and not valid.any(axis=0).all():  # Nash (1951): never empty
        flat = int(np.flatnonzero(~valid.any(axis=0))[0])
        raise RuntimeError(
            f"sweep found no equilibrium at {params_at(axes, fixed, shape, flat)} "
            f"({int((~valid.any(axis=0)).sum())} such points): a finite game always has one, so this is a "
            "numerical failure or a bug; equilibria() at that point gives the answer"
        )
    ordered = sorted(rows, key=lambda key: rows[key])
    if game.n_actors == 2:
        vx, vy = plan.vertices
        candidates = tuple(Candidate((vx[i].support, vy[j].support), (i, j)) for i, j in ordered)
    else:
        profiles = list(np.ndindex(*game.shape))
        candidates = tuple(Candidate(tuple((int(s),) for s in profiles[k])) for (k,) in ordered)
        for row, (k,) in enumerate(ordered):
            for a, s in enumerate(profiles[k]):
                probs[a][row, :, s] = 1.0
    continuum = np.zeros(total, dtype=bool)
    if game.n_actors == 2:
        for a, b in itertools.combinations(range(K), 2):
            if any(candidates[a].vertices[s] == candidates[b].vertices[s] for s in (0, 1)):
                continuum |= valid[a] & valid[b]
    evaluated = {}
    mesh = dict(zip(axes, np.meshgrid(*axes.values(), indexing="ij"), strict=True))
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
    return Sweep(
        game=game,
        axes=axes,
        values=fixed,
        candidates=candidates,
        valid=valid.reshape(K, *shape),
        probabilities=tuple(p.reshape(K, *shape, p.shape[-1]) for p in probs),
        payoffs=pays.reshape(K, *shape, game.n_actors),
        degenerate=degenerate.reshape(shape),
        continuum=continuum.reshape(shape),
        complete=game.n_actors == 2,
        thresholds=evaluated,
        notes=tuple(notes),
        method=(
            "vertex pairs from symbolic indifference conditions, evaluated with numpy (every extreme equilibrium)"
            if game.n_actors == 2 and plan.note is None
            else "vertex pairs from indifference conditions solved numerically at each point (every extreme "
            "equilibrium)"
            if game.n_actors == 2
            else "pure-profile test on the payoff array (mixed equilibria not enumerated)"
        ),
    )


def params_at(
    axes: Mapping[str, FloatArray], fixed: Mapping[str, float], shape: tuple[int, ...], flat: int
) -> dict[str, float]:
    """The parameter values at flat grid index ``flat``."""
    idx = np.unravel_index(flat, shape) if shape else ()
    return {**fixed, **{a: float(axes[a][i]) for a, i in zip(axes, idx, strict=True)}}

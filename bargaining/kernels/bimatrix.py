r"""Every Nash equilibrium of a two-actor game (bimatrix game), degenerate games included.

Let :math:`A, B` be the :math:`m\times n` payoffs of the row and column actor, shifted and scaled
(which leaves equilibria unchanged) so that every entry lies in [1, 2]. The best-response polytopes
are (von Stengel 2007, Algorithmic Game Theory ch. 3, eq. 3.18)

.. math::
    P = \{x \in \mathbb{R}^m : x \ge 0,\ B^\top x \le 1\},\qquad
    Q = \{y \in \mathbb{R}^n : A y \le 1,\ y \ge 0\}.

A point of :math:`P` has label :math:`i` when :math:`x_i = 0` and label :math:`m + j` when
:math:`(B^\top x)_j = 1`; a point of :math:`Q` has label :math:`i` when :math:`(Ay)_i = 1` and
:math:`m+j` when :math:`y_j = 0`. A pair :math:`(x, y) \ne (0, 0)` that carries all
:math:`m + n` labels is, rescaled to sum 1, a Nash equilibrium. **Vertex enumeration**
(:func:`vertex_enumeration`) lists the vertices of both polytopes with scipy's qhull (polar
duality, as QuantEcon does), computes every vertex's *full* label set from the constraints, and
matches complementary pairs in one matrix product. Because labels are read off the constraints and
not off qhull's simplices, degenerate games are handled: the complementary vertex pairs are exactly
the *extreme* equilibria, and every equilibrium is a convex combination of extreme ones within a
maximal Nash subset (Avis, Rosenberg, Savani & von Stengel 2010, "Enumeration of Nash equilibria
for two-player games", *Economic Theory* 42: 9-37). The game is **degenerate** iff some vertex has
more labels than its dimension (some mixed strategy with :math:`k` pure strategies in its support
has more than :math:`k` pure best responses). Connected components of the graph whose edges are
the extreme equilibria are the components of the equilibrium set; a component with more than one
extreme equilibrium is a continuum.

:func:`support_enumeration` is a second, independent algorithm for non-degenerate games (Nisan et
al. 2007, Algorithm 3.4): for every pair of supports of equal size it solves the indifference
conditions, all pairs of one size in a single stacked ``numpy.linalg.solve``.

>>> import numpy as np
>>> A = np.array([[1, -1], [-1, 1]]); B = -A   # matching pennies
>>> res = vertex_enumeration(A, B)
>>> [(x.tolist(), y.tolist()) for x, y in res.equilibria]
[([0.5, 0.5], [0.5, 0.5])]
>>> res.degenerate
False
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, islice

import numpy as np
import numpy.typing as npt

from bargaining.budget import BUDGET_ENV, DEFAULT_BUDGET_MB, RAISE, budget_mb
from bargaining.errors import ScenarioError

__all__ = [
    "BUDGET_ENV",
    "DEFAULT_BUDGET_MB",
    "BimatrixEquilibria",
    "EnumerationCost",
    "budget_mb",
    "enumeration_cost",
    "lemke_howson",
    "payoff_tolerance",
    "support_enumeration",
    "vertex_enumeration",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
REL_TOL = 1e-11
"""Tolerance of every comparison, relative to an actor's payoff range (after normalisation to [1, 2])."""
ROUNDING = 64 * float(np.finfo(float).eps)
"""Rounding allowance per unit of payoff magnitude: a payoff :math:`u` is only known to about
:math:`|u|\varepsilon`, so a game shifted far from 0 (``u + 10^5``) gets a tolerance that covers it."""
PAIR_CHUNK = 1 << 22
"""Vertex pairs tested for complementarity at once (bounds the matching's temporary memory)."""


@dataclass(frozen=True)
class BimatrixEquilibria:
    """Extreme equilibria of a bimatrix game, with their labels and components.

    ``equilibria[k] = (x, y)``; ``row_labels[k]`` and ``col_labels[k]`` are the boolean label
    vectors (length m + n) of the two vertices; ``components`` groups equilibria indices that are
    joined by a continuum of equilibria; ``degenerate`` says whether the game is degenerate.
    """

    equilibria: tuple[tuple[FloatArray, FloatArray], ...]
    row_labels: tuple[BoolArray, ...]
    col_labels: tuple[BoolArray, ...]
    components: tuple[tuple[int, ...], ...]
    degenerate: bool
    method: str

    @property
    def continuum(self) -> bool:
        """Whether some component holds more than one extreme equilibrium (infinitely many NE)."""
        return any(len(c) > 1 for c in self.components)


def _relative_tolerance(M: FloatArray) -> float:
    """Tolerance in units of M's range: :data:`REL_TOL`, or the rounding of M's largest payoff if larger."""
    lo, hi = float(M.min()), float(M.max())
    size = max(abs(lo), abs(hi))
    if _constant(lo, hi):
        return REL_TOL  # the game is normalised to ones: comparisons are exact
    return max(REL_TOL, ROUNDING * size / (hi - lo))


def _constant(lo: float, hi: float) -> bool:
    """Whether payoffs in [lo, hi] are equal up to rounding."""
    return hi - lo <= ROUNDING * max(abs(lo), abs(hi))


def payoff_tolerance(M: npt.ArrayLike) -> float:
    r"""The tolerance, in M's own units, below which two payoffs of one actor count as equal.

    It is :math:`\max(10^{-11}\,(\max M - \min M),\ 64\,\varepsilon \max|M|)`: relative to the
    actor's payoff range, so scaling or shifting the actor's payoffs scales it too and leaves the
    equilibria unchanged; the second term is the rounding error of payoffs far from zero.

    >>> payoff_tolerance([[0, 1], [2, 3]]) == 3e-11
    True
    """
    arr = np.asarray(M, dtype=float)
    lo, hi = float(arr.min()), float(arr.max())
    return ROUNDING * max(abs(lo), abs(hi), 1e-300) if _constant(lo, hi) else _relative_tolerance(arr) * (hi - lo)


def _normalise(M: FloatArray) -> FloatArray:
    """Positive affine rescaling of a payoff matrix into [1, 2] (equilibria are unchanged)."""
    lo, hi = float(M.min()), float(M.max())
    if _constant(lo, hi):  # constant up to rounding: do not amplify noise
        return np.ones_like(M)
    return (M - lo) / (hi - lo) + 1.0


def _vertices_qhull(M: FloatArray) -> FloatArray:
    """Vertices of :math:`\\{x \\ge 0 : Mx \\le 1\\}` (M positive, ``k x d``, d >= 2) by qhull on the polar."""
    _k, d = M.shape
    row_sums = M.sum(axis=1)
    t = 0.5 / row_sums.max()  # interior point z = t * 1
    points = np.vstack([-np.eye(d) / t, M / (1.0 - t * row_sums)[:, None]])
    import scipy.spatial  # imported where used: start-up time

    hull = scipy.spatial.ConvexHull(points)
    eq = hull.equations
    vertices = -eq[:, :-1] / eq[:, -1:] + t
    return np.vstack([np.zeros(d), vertices])


def _vertices_bases(M: FloatArray, tol: float) -> FloatArray:
    """Vertices of the same polytope by solving every choice of d tight constraints (robust, slower)."""
    k, d = M.shape
    G = np.vstack([-np.eye(d), M])
    h = np.concatenate([np.zeros(d), np.ones(k)])
    found = []
    for combos in _chunks(combinations(range(k + d), d), max(1, PAIR_CHUNK // (d * d))):
        mats = G[combos]
        ok = np.abs(np.linalg.det(mats)) > 1e-12
        sols = np.linalg.solve(mats[ok], h[combos[ok]][..., None])[..., 0]
        found.append(sols[np.all(sols @ G.T <= h + tol, axis=1)])
    return np.vstack(found) if found else np.zeros((0, d))


def _chunks(items: Iterator[tuple[int, ...]], size: int) -> Iterator[npt.NDArray[np.intp]]:
    """Successive arrays of at most ``size`` items (bounded memory over a long iterator)."""
    while True:
        block = list(islice(items, size))
        if not block:
            return
        yield np.array(block, dtype=np.intp)


def _polytope_vertices(M: FloatArray, tol: float) -> FloatArray:
    """Vertices of :math:`\\{x \\ge 0 : Mx \\le 1\\}`, possibly with repeats at degenerate vertices."""
    _k, d = M.shape
    if d == 1:
        return np.array([[0.0], [1.0 / M.max()]])
    import scipy.spatial

    try:
        return _vertices_qhull(M)
    except (scipy.spatial.QhullError, ValueError):
        return _vertices_bases(M, tol)


def _pack(L: BoolArray) -> npt.NDArray[np.uint64]:
    """Label sets as bit masks, one uint64 word per 64 labels: shape (rows, words)."""
    width = L.shape[1]
    words = (width + 63) // 64
    padded = np.zeros((L.shape[0], words * 64), dtype=np.uint64)
    padded[:, :width] = L
    weights = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))
    packed: npt.NDArray[np.uint64] = (padded.reshape(L.shape[0], words, 64) * weights).sum(axis=2, dtype=np.uint64)
    return packed


def _unique_by_labels(V: FloatArray, L: BoolArray) -> tuple[FloatArray, BoolArray]:
    """One row per vertex: a vertex is the one point where its tight constraints (labels) hold, so
    rows with the same label set are copies of one vertex (qhull repeats it once per simplex)."""
    _, first = np.unique(_pack(L), axis=0, return_index=True)
    keep = np.sort(first)
    return np.asarray(V[keep]), np.asarray(L[keep])


def _complementary_pairs(LX: BoolArray, LY: BoolArray) -> npt.NDArray[np.intp]:
    """Index pairs (i, j) whose label sets together cover every label.

    Labels are packed into bit masks and every pair is tested with a bitwise or, in chunks of rows
    of X so that at most :data:`PAIR_CHUNK` pairs are held at once (memory stays bounded whatever
    the number of vertices).
    """
    width = LX.shape[1]
    bx, by = _pack(LX), _pack(LY)
    full = _pack(np.ones((1, width), dtype=bool))[0]
    rows = max(1, PAIR_CHUNK // max(1, len(by) * bx.shape[1]))
    found = []
    for start in range(0, len(bx), rows):
        block = bx[start : start + rows]
        cover = np.ones((len(block), len(by)), dtype=bool)
        for w in range(bx.shape[1]):
            cover &= (block[:, w, None] | by[None, :, w]) == full[w]
        i, j = np.nonzero(cover)
        found.append(np.column_stack([i + start, j]))
    return np.vstack(found).astype(np.intp) if found else np.zeros((0, 2), dtype=np.intp)


def _simple_pairs(LX: BoolArray, LY: BoolArray) -> npt.NDArray[np.intp]:
    """Complementary pairs when both polytopes are simple (a non-degenerate game, m + n <= 63): each
    vertex has exactly its dimension in labels, so x's partner is the vertex labelled by the
    complement of x's labels: a sorted look-up of bit-packed labels, O(V log V)."""
    width = LX.shape[1]
    weights = np.left_shift(np.uint64(1), np.arange(width, dtype=np.uint64))
    bx = (LX.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    full = np.uint64((1 << width) - 1)
    by_comp = np.bitwise_xor((LY.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64), full)
    order = np.argsort(by_comp)
    pos = np.minimum(np.searchsorted(by_comp[order], bx), len(order) - 1)
    hit = by_comp[order][pos] == bx
    return np.column_stack([np.flatnonzero(hit), order[pos[hit]]]).astype(np.intp)


def _components(pairs: list[tuple[int, int]]) -> tuple[tuple[int, ...], ...]:
    """Connected components of the bipartite graph whose edges are ``pairs`` (x-vertex, y-vertex)."""
    parent = list(range(len(pairs)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    by_vertex: dict[tuple[int, int], int] = {}
    for e, (i, j) in enumerate(pairs):
        for key in ((0, i), (1, j)):
            if key in by_vertex:
                parent[find(e)] = find(by_vertex[key])
            else:
                by_vertex[key] = e
    groups: dict[int, list[int]] = {}
    for e in range(len(pairs)):
        groups.setdefault(find(e), []).append(e)
    return tuple(tuple(g) for g in sorted(groups.values()))


# --------------------------------------------------------------------------- the cost of enumeration


def _upper_bound_vertices(d: int, facets: int) -> int:
    r"""McMullen's upper bound on the vertices of a d-polytope with ``facets`` facets (also the bound
    on the simplices of a triangulated boundary, which is what qhull returns in a degenerate game)."""
    if d <= 1:
        return 2
    lo, hi = d // 2, (d + 1) // 2
    return math.comb(facets - hi, lo) + math.comb(facets - lo - 1, hi - 1)


@dataclass(frozen=True)
class EnumerationCost:
    """What a complete enumeration of an m x n game may cost, estimated before any allocation.

    ``vertices`` bounds the rows qhull may return for each polytope (McMullen's upper bound theorem,
    valid for degenerate games too); ``pairs`` the vertex pairs tested; ``bytes`` the peak memory
    (vertices, their labels and qhull's facets, about ``BYTES_PER_FACET_COORD`` bytes per facet and
    coordinate, measured, plus one chunk of pairs); ``seconds`` a rough time at 10^9 pair tests and
    10^6 facet-coordinates a second.
    """

    m: int
    n: int
    vertices: tuple[int, int]
    pairs: int
    bytes: int
    seconds: float

    def describe(self) -> str:
        """One line: the estimate in words."""
        return (
            f"a {self.m}x{self.n} game: up to {self.vertices[0]:,} and {self.vertices[1]:,} vertices, "
            f"{self.pairs:,} vertex pairs, about {self.bytes / 2**20:,.0f} MiB and {_duration(self.seconds)}"
        )


BYTES_PER_FACET_COORD = 160


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:,.0f} h"


def enumeration_cost(m: int, n: int) -> EnumerationCost:
    """The worst-case cost of :func:`vertex_enumeration` on an m x n game (see :class:`EnumerationCost`).

    >>> enumeration_cost(2, 2).vertices
    (4, 4)
    >>> enumeration_cost(15, 15).vertices
    (341088, 341088)
    """
    vx = _upper_bound_vertices(m, m + n)
    vy = _upper_bound_vertices(n, m + n)
    per_vertex = [(d + 1) * BYTES_PER_FACET_COORD + (m + n) for d in (m, n)]
    chunk = PAIR_CHUNK * 10
    total = vx * per_vertex[0] + vy * per_vertex[1] + chunk
    seconds = vx * vy / 1e9 + (vx * m + vy * n) / 1e6
    return EnumerationCost(m, n, (vx, vy), vx * vy, int(total), seconds)


def check_budget(m: int, n: int, budget: float | None = None) -> EnumerationCost:
    """The cost of enumerating an m x n game, or a ``ScenarioError`` (field ``budget``) when its
    estimate exceeds the budget, saying the estimate, the limit and what to do."""
    cost = enumeration_cost(m, n)
    limit = budget_mb(budget)
    if cost.bytes > limit * 2**20:
        raise ScenarioError(
            f"a game whose complete enumeration fits the memory budget of {limit:,.0f} MiB "
            "(ask for some equilibria with method='lemke-howson' or method='some', "
            f"or {RAISE})",
            found=cost.describe(),
            field="budget",
        )
    return cost


def vertex_enumeration(A: npt.ArrayLike, B: npt.ArrayLike, *, budget: float | None = None) -> BimatrixEquilibria:
    """Every extreme Nash equilibrium of the bimatrix game (A, B), degenerate or not.

    Each actor's payoffs are first mapped into [1, 2] by their own positive affine map (equilibria
    are unchanged), and every comparison uses a tolerance relative to that actor's payoff range
    (:func:`payoff_tolerance`), so scaling or shifting either actor's payoffs gives the same
    equilibria. Before anything is allocated the worst-case cost is checked against the memory
    budget (``budget`` in MiB, see :func:`budget_mb`); above it a ``ScenarioError`` says the
    estimate and what to do. Returns a :class:`BimatrixEquilibria`; equilibria are ordered by
    the row actor's vertex.
    """
    A0 = np.asarray(A, dtype=float)
    B0 = np.asarray(B, dtype=float)
    m, n = A0.shape
    check_budget(m, n, budget)
    A_, B_ = _normalise(A0), _normalise(B0)
    ta, tb = _relative_tolerance(A0), _relative_tolerance(B0)
    X = _polytope_vertices(B_.T, tb)  # P = {x >= 0 : B^T x <= 1}
    Y = _polytope_vertices(A_, ta)  # Q = {y >= 0 : A y <= 1}
    X = X[X.sum(axis=1) > tb]
    Y = Y[Y.sum(axis=1) > ta]
    LX = np.hstack([X <= tb, X @ B_ >= 1.0 - tb])
    LY = np.hstack([Y @ A_.T >= 1.0 - ta, Y <= ta])
    degenerate = bool((LX.sum(axis=1) > m).any() or (LY.sum(axis=1) > n).any())
    if degenerate or m + n > 63:
        X, LX = _unique_by_labels(X, LX)
        Y, LY = _unique_by_labels(Y, LY)
        found = _complementary_pairs(LX, LY)
    else:
        found = _simple_pairs(LX, LY)
    pairs = [(int(i), int(j)) for i, j in found]
    # report in a reading order: strategies listed first, played with more probability, come first
    pairs.sort(
        key=lambda ij: tuple(np.round(-np.concatenate([X[ij[0]] / X[ij[0]].sum(), Y[ij[1]] / Y[ij[1]].sum()]), 9))
    )
    X = np.where(LX[:, :m], 0.0, X)
    Y = np.where(LY[:, m:], 0.0, Y)
    eqs = tuple((X[i] / X[i].sum(), Y[j] / Y[j].sum()) for i, j in pairs)
    return BimatrixEquilibria(
        equilibria=eqs,
        row_labels=tuple(LX[i] for i, _ in pairs),
        col_labels=tuple(LY[j] for _, j in pairs),
        components=_components(pairs),
        degenerate=degenerate,
        method="vertex enumeration (qhull)",
    )


# --------------------------------------------------------------------------- Lemke-Howson


def _pivot(T: FloatArray, basis: list[int], col: int, slack: slice) -> int:
    """One pivot on column ``col`` of tableau ``T`` (rows = basic variables, last column = rhs),
    leaving row chosen by the lexicographic minimum-ratio test (which never cycles, even in
    degenerate games); returns the label that left the basis."""
    column = T[:, col]
    rows = np.flatnonzero(column > 1e-12)
    if rows.size == 0:  # cannot happen with positive payoffs (the polytopes are bounded)
        raise RuntimeError("Lemke-Howson: unbounded ray (payoffs not positive)")
    keys = np.column_stack([T[rows, -1], T[rows, slack]]) / column[rows, None]
    for c in range(keys.shape[1]):  # lexicographic min: keep the rows tied on every key so far
        best = keys[:, c].min()
        tied = keys[:, c] <= best + 1e-12 * max(1.0, abs(best))
        rows, keys = rows[tied], keys[tied]
        if rows.size == 1:
            break
    r = int(rows[0])
    T[r] /= T[r, col]
    others = np.arange(T.shape[0]) != r
    T[others] -= np.outer(T[others, col], T[r])
    left = basis[r]
    basis[r] = col
    return left


def _lemke_howson_path(A_: FloatArray, B_: FloatArray, dropped: int, max_pivots: int) -> tuple[FloatArray, FloatArray]:
    """The equilibrium at the end of the Lemke-Howson path that starts by dropping label ``dropped``.

    Tableaux (von Stengel 2007, sec. 3.5): ``B^T x + s = 1`` (variables by label: x_i is label i,
    s_j label m + j) and ``r + A y = 1`` (r_i label i, y_j label m + j), positive A, B.
    """
    m, n = A_.shape
    TP = np.hstack([B_.T, np.eye(n), np.ones((n, 1))])  # rows: n; basic s (labels m..m+n-1)
    TQ = np.hstack([np.eye(m), A_, np.ones((m, 1))])  # rows: m; basic r (labels 0..m-1)
    basis_p = list(range(m, m + n))
    basis_q = list(range(m))
    entering = dropped
    in_p = dropped < m  # x_i enters P; y_j enters Q
    for _ in range(max_pivots):
        left = _pivot(TP, basis_p, entering, slice(m, m + n)) if in_p else _pivot(TQ, basis_q, entering, slice(0, m))
        if left == dropped:
            break
        entering, in_p = left, not in_p
    else:
        raise RuntimeError(f"Lemke-Howson: no end of the path from label {dropped} in {max_pivots} pivots")
    x = np.zeros(m + n)
    y = np.zeros(m + n)
    x[basis_p] = TP[:, -1]
    y[basis_q] = TQ[:, -1]
    xs, ys = np.clip(x[:m], 0.0, None), np.clip(y[m:], 0.0, None)
    return xs / xs.sum(), ys / ys.sum()


def lemke_howson(
    A: npt.ArrayLike, B: npt.ArrayLike, labels: Sequence[int] | None = None
) -> list[tuple[FloatArray, FloatArray]]:
    """Equilibria of (A, B) found by Lemke-Howson from each dropped label (default: all m + n).

    Each path ends at an extreme equilibrium (Lemke & Howson 1964); lexicographic pivoting makes it
    terminate in degenerate games too. The ends are checked by a deviation test (regret at most the
    actor's :func:`payoff_tolerance`) and deduplicated. Memory is a pair of small tableaux,
    whatever the game; but the list is **not necessarily every equilibrium**.

    >>> [(x.round(12).tolist(), y.round(12).tolist()) for x, y in lemke_howson([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])]
    [([0.5, 0.5], [0.5, 0.5])]
    """
    A0 = np.asarray(A, dtype=float)
    B0 = np.asarray(B, dtype=float)
    m, n = A0.shape
    A_, B_ = _normalise(A0), _normalise(B0)
    ta, tb = payoff_tolerance(A0), payoff_tolerance(B0)
    found: list[tuple[FloatArray, FloatArray]] = []
    for k in range(m + n) if labels is None else labels:
        x, y = _lemke_howson_path(A_, B_, int(k), max_pivots=50 * (m + n) ** 2)
        ok = (A0 @ y).max() - x @ A0 @ y <= ta * 10 and (x @ B0).max() - x @ B0 @ y <= tb * 10
        if ok and not any(np.allclose(x, u, atol=1e-9) and np.allclose(y, v, atol=1e-9) for u, v in found):
            found.append((x, y))
    return found


def _indifferent_mixtures(
    M: FloatArray, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """For each pair (rows[p], cols[p]) of equal-size supports, the mixture over ``cols`` that makes
    every row in ``rows`` indifferent under M: solve ``M[rows, cols] y = u 1, sum(y) = 1``.

    Returns (y on cols, u, solvable) stacked over pairs.
    """
    P, k = rows.shape
    sub = M[rows[:, :, None], cols[:, None, :]]
    system = np.zeros((P, k + 1, k + 1))
    system[:, :k, :k] = sub
    system[:, :k, k] = -1.0
    system[:, k, :k] = 1.0
    rhs = np.zeros((P, k + 1))
    rhs[:, k] = 1.0
    ok = np.abs(np.linalg.det(system)) > 1e-12
    sol = np.full((P, k + 1), np.nan)
    if ok.any():
        sol[ok] = np.linalg.solve(system[ok], rhs[ok][..., None])[..., 0]
    return sol[:, :k], sol[:, k], ok


def support_enumeration(
    A: npt.ArrayLike, B: npt.ArrayLike, tol: float | None = None
) -> list[tuple[FloatArray, FloatArray]]:
    """Nash equilibria of a *non-degenerate* bimatrix game by support enumeration.

    For each size k, every pair of k-supports is solved at once (in chunks of at most
    :data:`PAIR_CHUNK` matrix entries, so memory stays bounded); a candidate is kept when both
    mixtures are non-negative and no pure strategy outside a support does better. Each actor's
    payoffs are first mapped into [0, 1] (equilibria are unchanged) and ``tol`` is relative to
    that range (default: the one of :func:`payoff_tolerance`). In a degenerate game equilibria with
    supports of unequal size are missed: use :func:`vertex_enumeration`.

    >>> import numpy as np
    >>> [(x.tolist(), y.tolist()) for x, y in support_enumeration([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])]
    [([0.5, 0.5], [0.5, 0.5])]
    """
    A0 = np.asarray(A, dtype=float)
    B0 = np.asarray(B, dtype=float)
    A_, B_ = _normalise(A0) - 1.0, _normalise(B0) - 1.0
    ta = _relative_tolerance(A0) if tol is None else tol
    tb = _relative_tolerance(B0) if tol is None else tol
    m, n = A_.shape
    found: list[tuple[FloatArray, FloatArray]] = []
    for k in range(1, min(m, n) + 1):
        C = np.array(list(combinations(range(n), k)), dtype=np.intp)
        block = max(1, PAIR_CHUNK // (len(C) * (k + 1) ** 2))
        for R in _chunks(combinations(range(m), k), block):
            rows = np.repeat(R, len(C), axis=0)
            cols = np.tile(C, (len(R), 1))
            found.extend(_support_pairs(A_, B_, rows, cols, ta, tb))
    return found


def _support_pairs(
    A_: FloatArray, B_: FloatArray, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp], ta: float, tb: float
) -> list[tuple[FloatArray, FloatArray]]:
    """The equilibria among the support pairs (rows[p], cols[p]) of one size."""
    m, n = A_.shape
    y_s, u, ok_y = _indifferent_mixtures(A_, rows, cols)
    x_s, v, ok_x = _indifferent_mixtures(B_.T, cols, rows)
    ok = ok_x & ok_y
    ok &= np.all(np.nan_to_num(y_s, nan=-1.0) >= -ta, axis=1) & np.all(np.nan_to_num(x_s, nan=-1.0) >= -tb, axis=1)
    P = len(rows)
    y = np.zeros((P, n))
    x = np.zeros((P, m))
    np.put_along_axis(y, cols, np.nan_to_num(y_s), axis=1)
    np.put_along_axis(x, rows, np.nan_to_num(x_s), axis=1)
    ok &= np.all(y @ A_.T <= np.nan_to_num(u)[:, None] + ta, axis=1)
    ok &= np.all(x @ B_ <= np.nan_to_num(v)[:, None] + tb, axis=1)
    return [(np.clip(x[p], 0.0, None), np.clip(y[p], 0.0, None)) for p in np.flatnonzero(ok)]

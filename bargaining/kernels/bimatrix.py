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

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt
import scipy.spatial

__all__ = ["BimatrixEquilibria", "support_enumeration", "vertex_enumeration"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
LABEL_TOL = 1e-9


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


def _normalise(M: FloatArray) -> FloatArray:
    """Positive affine rescaling of a payoff matrix into [1, 2] (equilibria are unchanged)."""
    lo, hi = float(M.min()), float(M.max())
    if hi - lo <= 1e-12 * max(1.0, abs(lo), abs(hi)):  # constant up to rounding: do not amplify noise
        return np.ones_like(M)
    return (M - lo) / (hi - lo) + 1.0


def _vertices_qhull(M: FloatArray) -> FloatArray:
    """Vertices of :math:`\\{x \\ge 0 : Mx \\le 1\\}` (M positive, ``k x d``, d >= 2) by qhull on the polar."""
    _k, d = M.shape
    row_sums = M.sum(axis=1)
    t = 0.5 / row_sums.max()  # interior point z = t * 1
    points = np.vstack([-np.eye(d) / t, M / (1.0 - t * row_sums)[:, None]])
    hull = scipy.spatial.ConvexHull(points)
    eq = hull.equations
    vertices = -eq[:, :-1] / eq[:, -1:] + t
    return np.vstack([np.zeros(d), vertices])


def _vertices_bases(M: FloatArray) -> FloatArray:
    """Vertices of the same polytope by solving every choice of d tight constraints (robust, slower)."""
    k, d = M.shape
    G = np.vstack([-np.eye(d), M])
    h = np.concatenate([np.zeros(d), np.ones(k)])
    combos = np.array(list(combinations(range(k + d), d)), dtype=np.intp)
    mats = G[combos]
    ok = np.abs(np.linalg.det(mats)) > 1e-12
    sols = np.linalg.solve(mats[ok], h[combos[ok]][..., None])[..., 0]
    feasible = np.all(sols @ G.T <= h + LABEL_TOL, axis=1)
    return np.asarray(sols[feasible])


def _polytope_vertices(M: FloatArray) -> FloatArray:
    """Vertices of :math:`\\{x \\ge 0 : Mx \\le 1\\}`, possibly with repeats at degenerate vertices."""
    _k, d = M.shape
    if d == 1:
        return np.array([[0.0], [1.0 / M.max()]])
    try:
        return _vertices_qhull(M)
    except (scipy.spatial.QhullError, ValueError):
        return _vertices_bases(M)


def _unique_rows(V: FloatArray) -> FloatArray:
    """``V`` without repeated rows (qhull reports a degenerate vertex once per simplex)."""
    keys = np.round(V / (LABEL_TOL * 100)).astype(np.int64)
    _, first = np.unique(keys, axis=0, return_index=True)
    return np.asarray(V[np.sort(first)])


def _complementary_pairs(LX: BoolArray, LY: BoolArray, simple: bool) -> npt.NDArray[np.intp]:
    """Index pairs (i, j) whose label sets together cover every label.

    When both polytopes are simple (a non-degenerate game) each vertex has exactly its dimension
    in labels, so the partner of x is the vertex labelled by the complement: a sorted look-up of
    bit-packed labels. Otherwise every pair is tested in one matrix product of missing labels.
    """
    width = LX.shape[1]
    if simple and width <= 63:
        weights = np.left_shift(np.uint64(1), np.arange(width, dtype=np.uint64))
        bx = (LX.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
        full = np.uint64((1 << width) - 1)
        by_comp = np.bitwise_xor((LY.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64), full)
        order = np.argsort(by_comp)
        pos = np.searchsorted(by_comp[order], bx)
        pos = np.minimum(pos, len(order) - 1)
        hit = by_comp[order][pos] == bx
        return np.column_stack([np.flatnonzero(hit), order[pos[hit]]]).astype(np.intp)
    missing = (~LX).astype(float) @ (~LY).astype(float).T
    return np.argwhere(missing < 0.5)


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


def vertex_enumeration(A: npt.ArrayLike, B: npt.ArrayLike) -> BimatrixEquilibria:
    """Every extreme Nash equilibrium of the bimatrix game (A, B), degenerate or not.

    Returns a :class:`BimatrixEquilibria`; equilibria are ordered by the row actor's vertex.
    """
    A_ = _normalise(np.asarray(A, dtype=float))
    B_ = _normalise(np.asarray(B, dtype=float))
    m, n = A_.shape
    X = _polytope_vertices(B_.T)  # P = {x >= 0 : B^T x <= 1}
    Y = _polytope_vertices(A_)  # Q = {y >= 0 : A y <= 1}
    X = X[X.sum(axis=1) > LABEL_TOL]
    Y = Y[Y.sum(axis=1) > LABEL_TOL]

    def labels_x(X: FloatArray) -> BoolArray:
        return np.hstack([X <= LABEL_TOL, X @ B_ >= 1.0 - LABEL_TOL])

    def labels_y(Y: FloatArray) -> BoolArray:
        return np.hstack([Y @ A_.T >= 1.0 - LABEL_TOL, Y <= LABEL_TOL])

    LX, LY = labels_x(X), labels_y(Y)
    degenerate = bool((LX.sum(axis=1) > m).any() or (LY.sum(axis=1) > n).any())
    if degenerate:
        X, Y = _unique_rows(X), _unique_rows(Y)
        LX, LY = labels_x(X), labels_y(Y)
    pairs = [(int(i), int(j)) for i, j in _complementary_pairs(LX, LY, simple=not degenerate)]
    # report in a reading order: strategies listed first, played with more probability, come first
    pairs.sort(
        key=lambda ij: tuple(np.round(-np.concatenate([X[ij[0]] / X[ij[0]].sum(), Y[ij[1]] / Y[ij[1]].sum()]), 9))
    )
    X = np.where(X <= LABEL_TOL, 0.0, X)
    Y = np.where(Y <= LABEL_TOL, 0.0, Y)
    eqs = tuple((X[i] / X[i].sum(), Y[j] / Y[j].sum()) for i, j in pairs)
    return BimatrixEquilibria(
        equilibria=eqs,
        row_labels=tuple(LX[i] for i, _ in pairs),
        col_labels=tuple(LY[j] for _, j in pairs),
        components=_components(pairs),
        degenerate=degenerate,
        method="vertex enumeration (qhull)",
    )


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


def support_enumeration(A: npt.ArrayLike, B: npt.ArrayLike, tol: float = 1e-9) -> list[tuple[FloatArray, FloatArray]]:
    """Nash equilibria of a *non-degenerate* bimatrix game by support enumeration.

    For each size k, every pair of k-supports is solved at once; a candidate is kept when both
    mixtures are non-negative and no pure strategy outside a support does better. In a degenerate
    game equilibria with supports of unequal size are missed: use :func:`vertex_enumeration`.

    >>> import numpy as np
    >>> [(x.tolist(), y.tolist()) for x, y in support_enumeration([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])]
    [([0.5, 0.5], [0.5, 0.5])]
    """
    A_ = np.asarray(A, dtype=float)
    B_ = np.asarray(B, dtype=float)
    m, n = A_.shape
    found: list[tuple[FloatArray, FloatArray]] = []
    for k in range(1, min(m, n) + 1):
        R = np.array(list(combinations(range(m), k)), dtype=np.intp)
        C = np.array(list(combinations(range(n), k)), dtype=np.intp)
        rows = np.repeat(R, len(C), axis=0)
        cols = np.tile(C, (len(R), 1))
        y_s, u, ok_y = _indifferent_mixtures(A_, rows, cols)
        x_s, v, ok_x = _indifferent_mixtures(B_.T, cols, rows)
        ok = ok_x & ok_y
        ok &= np.all(np.nan_to_num(y_s, nan=-1.0) >= -tol, axis=1) & np.all(
            np.nan_to_num(x_s, nan=-1.0) >= -tol, axis=1
        )
        P = len(rows)
        y = np.zeros((P, n))
        x = np.zeros((P, m))
        np.put_along_axis(y, cols, np.nan_to_num(y_s), axis=1)
        np.put_along_axis(x, rows, np.nan_to_num(x_s), axis=1)
        ok &= np.all(y @ A_.T <= np.nan_to_num(u)[:, None] + tol, axis=1)
        ok &= np.all(x @ B_ <= np.nan_to_num(v)[:, None] + tol, axis=1)
        found.extend((np.clip(x[p], 0.0, None), np.clip(y[p], 0.0, None)) for p in np.flatnonzero(ok))
    return found

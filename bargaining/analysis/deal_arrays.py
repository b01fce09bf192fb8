r"""A package deal's frontier and bargaining solutions at many parameter points at once (numpy arrays).

At every point :math:`\theta_n` of a batch the packages' utilities :math:`u(x; \theta_n)` are
evaluated (every utility formula compiled once with :func:`bargaining.expressions.compile_numpy`),
and the solutions :func:`~bargaining.analysis.deal.bargain` reports with ``exact=False`` are
computed for all points together: loops run over packages, frontier vertices and edges, never
over points. Each step mirrors :mod:`bargaining.kernels.axiomatic` operation for operation, its
tolerances and tie rules included, so that the numbers and the lotteries are those of the per-point
solver (checked at sampled points in tests/test_deal_arrays.py; the agreement is numeric, to about
1e-9, not a proof):

- **Frontier** (the upper-right boundary of the convex hull of the K package points): the
  Pareto-efficient packages (no package weakly better for both, strictly for one; of equal points the
  first), then Andrew's monotone chain in order of :math:`u_1`, run for all points in step with one
  stack per point (a vertex is dropped when the turn is not a right turn within
  :math:`10^{-12}(1 + \max|u|)`).
- **Nash** (1950), asymmetric with powers :math:`(\alpha, \beta)` (Kalai 1977): the product
  :math:`(u_1 - d_1)^\alpha (u_2 - d_2)^\beta` over individually rational lotteries is maximised on
  an edge :math:`u = A + t(B - A)` of the frontier at :math:`t \in \{0, 1, t^*\}` with
  :math:`t^* = -\frac{\alpha D_1 (A_2 - d_2) + \beta D_2 (A_1 - d_1)}{(\alpha+\beta) D_1 D_2}`,
  :math:`D = B - A` (the root of the log product's derivative), clipped to [0, 1]. Candidates are
  taken edge by edge in frontier order (increasing :math:`u_1`), each edge's in the order
  :math:`0, 1, t^*`; a candidate replaces the best so far only if its product is larger by more than
  :math:`10^{-12}`: **ties go to the first**, the per-point rule.
- **Kalai–Smorodinsky** (1975): where the segment from :math:`d` towards the ideal point
  :math:`m_i = \max\{u_i : u \in S, u \ge d\}` meets the frontier (the farthest hit; of equal ones
  the first edge); **egalitarian**: the same with the direction :math:`(1, 1)`. Where the ray misses,
  the frontier vertex maximising the least scaled gain (then :math:`10^{-9}` times the sum), first
  of equals.
- **Utilitarian**: the largest :math:`u_1 + u_2` among the frontier's vertices and its crossings of
  :math:`u_i = d_i` that leave both at least :math:`d` (the first of equals).
- **Rubinstein** (1982), the first actor proposing, with outside options :math:`w` (Binmore,
  Rubinstein & Wolinsky 1986): the proposer's own payoff :math:`x` in its stationary offer solves
  :math:`G(x) = x`, :math:`G(x) = f_1(\max(w_2, d_2 + \delta_2 (f_2(\max(w_1, d_1 + \delta_1(x -
  d_1))) - d_2)))` with :math:`f_2` the frontier's :math:`u_2` as a function of :math:`u_1` and
  :math:`f_1` its inverse (:func:`~bargaining.kernels.axiomatic.rubinstein`). :math:`G(x) - x` is
  piecewise linear and strictly decreasing; its root is bracketed between the proposer's least and
  greatest frontier payoffs, bisected for all points together, and taken by one secant step once
  the bracket is on one linear piece (accepted where :math:`|G(x) - x| \le 10^{-12}` times the
  scale, the per-point check; bisection to the last float elsewhere). On a linear frontier this is
  the share :math:`(1 - \delta_2)/(1 - \delta_1\delta_2)` of the proposer's end gain
  (:mod:`bargaining.analysis.deal`).

Every solution's lottery is held as arrays: ``first`` and ``second`` (package indices; equal for a
single package, -1 where no individually rational point exists) and ``weight`` (the weight of
``second``, that of ``first`` being 1 - weight), with the per-point rounding: an edge parameter
within :math:`10^{-12}` of 0 or 1 is the end package alone.

>>> import numpy as np
>>> from bargaining.io.scenario_file import load
>>> s = load("eu_russia_package")
>>> out = deal_solutions(s.game, {**s.values(), "T": np.array([0.0, 3.0, 10.0])})
>>> out.payoffs["nash"].round(5).tolist()
[[1.0, 1.8], [1.0, 1.8], [0.79644, 1.99111]]
>>> codes, labels = nash_codes(s.game, {**s.values(), "T": np.array([0.0, 3.0, 10.0])})
>>> codes.tolist(), labels[0]
([0, 0, 1], 'visa=facilitation, readmission=own_nationals / visa=facilitation, readmission=with_tcn')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.deal import outside_options
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.games.bargain import BargainingProblem

__all__ = [
    "NO_DEAL",
    "SOLUTIONS",
    "CompiledDeal",
    "DealArrays",
    "compile_deal",
    "deal_solutions",
    "nash_codes",
    "support_labels",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
TOL = 1e-12  # bargaining.kernels.axiomatic.TOL
RUBINSTEIN_TOL = 1e-12  # bargaining.kernels.axiomatic.rubinstein's tol
NO_DEAL = "no package beats disagreement"
SOLUTIONS = ("nash", "nash_weighted", "kalai_smorodinsky", "egalitarian", "utilitarian")
"""The solutions always computed, in :func:`~bargaining.analysis.deal.bargain`'s order; ``"rubinstein"``
follows where the problem has discount factors."""


@dataclass(frozen=True, eq=False, repr=False)
class CompiledDeal:
    """A package deal's formulas compiled once: every utility, the disagreement point, the discount
    factors and powers (if any) and the outside options (if any) in one numpy function of
    ``symbols`` (parameter names, sorted)."""

    problem: BargainingProblem
    symbols: tuple[str, ...]
    function: Callable[..., Any]
    outside: tuple[bool, bool]  # which actors have an outside option

    def __repr__(self) -> str:
        return f"<CompiledDeal: {self.problem.size} packages, parameters {', '.join(self.symbols) or 'none'}>"


@dataclass(frozen=True, eq=False, repr=False)
class DealArrays:
    """The solutions of a package deal at N points (arrays with N rows).

    ``payoffs[s]`` is solution s's payoff point, shape (N, 2), in the problem's actor order;
    ``first[s]``, ``second[s]`` and ``weight[s]`` its lottery (module docstring); ``frontier`` the
    frontier's vertices at each point, package indices in order of increasing :math:`u_1`, padded
    with -1 (shape (N, K)); ``disagreement`` the disagreement point, shape (N, 2).
    """

    problem: BargainingProblem
    solutions: tuple[str, ...]
    payoffs: Mapping[str, FloatArray]
    first: Mapping[str, IntArray]
    second: Mapping[str, IntArray]
    weight: Mapping[str, FloatArray]
    frontier: IntArray
    disagreement: FloatArray
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return int(self.disagreement.shape[0])

    def __repr__(self) -> str:
        return f"<DealArrays: {len(self):,} points, {self.problem.size} packages, {', '.join(self.solutions)}>"

    def weights(self, name: str) -> FloatArray:
        """Solution ``name``'s weight on every package at every point, shape (N, K) (zeros where there is
        no lottery): what :func:`bargain`'s lottery gives, package by package."""
        n, k = len(self), self.problem.size
        out = np.zeros((n, k))
        a, b, w = self.first[name], self.second[name], self.weight[name]
        rows = np.flatnonzero(a >= 0)
        out[rows, a[rows]] += 1.0 - w[rows]  # one package per row in each step: no repeated index
        out[rows, b[rows]] += w[rows]
        return out

    def support_keys(self, name: str = "nash") -> IntArray:
        """One integer per point naming the support of solution ``name`` (the set of its packages):
        ``lo * K + hi`` with lo <= hi the packages (equal for one), -1 where there is none."""
        a, b = self.first[name], self.second[name]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        return np.where(a >= 0, lo * self.problem.size + hi, -1).astype(np.int64)


def support_label(problem: BargainingProblem, key: int) -> str:
    """The label of a support key (:meth:`DealArrays.support_keys`): the packages' labels in order of
    their index, joined by `` / `` (as :func:`~bargaining.analysis.sweep_deal.sweep_deal` labels them), or
    :data:`NO_DEAL`."""
    if key < 0:
        return NO_DEAL
    lo, hi = divmod(int(key), problem.size)
    return problem.label(lo) if lo == hi else f"{problem.label(lo)} / {problem.label(hi)}"


def support_labels(problem: BargainingProblem, keys: npt.ArrayLike) -> tuple[IntArray, tuple[str, ...]]:
    """Codes numbered by first appearance (in the order of ``keys``) and their labels."""
    flat = np.asarray(keys, dtype=np.int64).reshape(-1)
    seen, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    codes = rank[inverse.reshape(-1)].reshape(np.shape(keys))
    return codes, tuple(support_label(problem, int(seen[k])) for k in order.tolist())


def _expressions(problem: BargainingProblem, options: Mapping[str, sympy.Expr]) -> list[sympy.Expr]:
    exprs = [e for i in problem.issues for row in i.utilities for e in row]
    exprs += [e for x in problem.interactions for e in x.utilities]
    exprs += list(problem.disagreement) + list(problem.discount or ()) + list(problem.power or ())
    exprs += [options[a] for a in problem.actors if a in options]
    return exprs


def compile_deal(problem: BargainingProblem, outside: Mapping[str, object] | None = None) -> CompiledDeal:
    """``problem``'s formulas compiled once (``outside``: actor -> outside option, a number or a formula
    in the parameters, as in a scenario's ``[outside]`` table)."""
    options = outside_options(problem, outside, {})
    exprs = _expressions(problem, options)
    symbols = sorted({s for e in exprs for s in e.free_symbols}, key=lambda s: s.name)
    f = compile_numpy(symbols, exprs)
    return CompiledDeal(
        problem, tuple(s.name for s in symbols), f, (problem.actors[0] in options, problem.actors[1] in options)
    )


# ------------------------------------------------------------------------------- evaluation


def _batch(compiled: CompiledDeal, params: Mapping[str, npt.ArrayLike]) -> tuple[int, list[FloatArray]]:
    """Every formula's value at every point, each an array of shape (N,)."""
    missing = [s for s in compiled.symbols if s not in params]
    if missing:
        raise ScenarioError("a value for every parameter", found=f"none for {', '.join(missing)}", field="parameters")
    args = [np.asarray(params[s], dtype=float) for s in compiled.symbols]
    sizes = {a.size for a in args if a.ndim > 0}
    if any(a.ndim > 1 for a in args) or len(sizes) > 1:
        raise ScenarioError(
            "parameter values as numbers or 1-D arrays of one length", found=str(sorted(sizes)), field="parameters"
        )
    n = sizes.pop() if sizes else 1
    with np.errstate(all="ignore"):
        raw = compiled.function(*args)
        out = [np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in raw]
    return n, out


def _points(problem: BargainingProblem, values: Sequence[FloatArray], n: int) -> FloatArray:
    """Every package's utility point at every point, shape (N, K, 2), as ``problem.utilities`` sums them."""
    K = len(problem.issues)
    total = np.zeros((n, *problem.shape, 2))
    pos = 0
    for k, issue in enumerate(problem.issues):
        m = len(issue.options)
        table = np.stack(values[pos : pos + 2 * m], axis=1).reshape(n, m, 2)
        pos += 2 * m
        view = [n] + [1] * K + [2]
        view[k + 1] = m
        total = total + table.reshape(view)
    for x in problem.interactions:
        extra = np.stack(values[pos : pos + 2], axis=1)
        pos += 2
        where: list[Any] = [slice(None)]
        free = 0
        for issue in problem.issues:
            if issue.id in x.when:
                where.append(issue.options.index(x.when[issue.id]))
            else:
                where.append(slice(None))
                free += 1
        total[tuple(where)] += extra.reshape(n, *([1] * free), 2)
    return total.reshape(n, -1, 2) + 0.0


def _take(arr: FloatArray | IntArray, idx: IntArray) -> Any:
    """``arr[i, idx[i]]`` for every row i."""
    return np.take_along_axis(arr, idx[:, None], axis=1)[:, 0]


def _frontier(pts: FloatArray) -> tuple[IntArray, IntArray]:
    """The frontier's vertices at every point, (N, K) padded with -1, and their number (N,):
    :func:`~bargaining.kernels.axiomatic.pareto_frontier` for all points in step."""
    n, k, _ = pts.shape
    rows = np.arange(n)
    u1, u2 = pts[..., 0], pts[..., 1]
    order = np.lexsort((-u2, -u1), axis=1)  # u1 descending, then u2 descending (stable)
    u2o = np.take_along_axis(u2, order, axis=1)
    before = np.concatenate([np.full((n, 1), -np.inf), np.maximum.accumulate(u2o, axis=1)[:, :-1]], axis=1)
    keep = np.zeros((n, k), dtype=bool)
    np.put_along_axis(keep, order, u2o > before + TOL, axis=1)
    count = keep.sum(axis=1)
    ascending = np.lexsort((u2, np.where(keep, u1, np.inf)), axis=1)  # candidates first, u1 ascending
    tol = TOL * (1 + np.abs(pts).reshape(n, -1).max(axis=1))
    hull = np.full((n, k), -1, dtype=np.int64)
    size = np.zeros(n, dtype=np.int64)
    for j in range(k):
        new = ascending[:, j]
        active = j < count
        px, py = u1[rows, new], u2[rows, new]
        while True:
            idx = np.flatnonzero(active & (size >= 2))
            if idx.size == 0:
                break
            a = hull[idx, size[idx] - 2]
            b = hull[idx, size[idx] - 1]
            ax, ay, bx, by = u1[idx, a], u2[idx, a], u1[idx, b], u2[idx, b]
            cross = (bx - ax) * (py[idx] - ay) - (by - ay) * (px[idx] - ax)
            pop = idx[cross >= -tol[idx]]
            if pop.size == 0:
                break
            size[pop] -= 1
        at = np.flatnonzero(active)
        hull[at, size[at]] = new[at]
        size[at] += 1
    hull[np.arange(k)[None, :] >= size[:, None]] = -1
    return hull, size


@dataclass(frozen=True)
class _Frontier:
    """The frontier of every point as arrays: coordinates of the vertices in order (padded), and the
    same reversed (u2 ascending), for interpolation both ways."""

    pts: FloatArray  # (N, K, 2)
    hull: IntArray  # (N, K)
    size: IntArray  # (N,)
    c1: FloatArray  # (N, K) vertices' u1, +inf padded
    c2: FloatArray  # (N, K) vertices' u2
    r1: FloatArray  # (N, K) reversed: u1
    r2: FloatArray  # (N, K) reversed: u2, +inf padded

    @classmethod
    def of(cls, pts: FloatArray, hull: IntArray, size: IntArray) -> _Frontier:
        _n, k, _ = pts.shape
        slots = np.arange(k)[None, :]
        valid = slots < size[:, None]
        safe = np.where(valid, hull, 0)
        c1 = np.where(valid, np.take_along_axis(pts[..., 0], safe, axis=1), np.inf)
        c2 = np.where(valid, np.take_along_axis(pts[..., 1], safe, axis=1), np.inf)
        rev = np.clip(size[:, None] - 1 - slots, 0, k - 1)
        r1 = np.where(valid, np.take_along_axis(c1, rev, axis=1), np.inf)
        r2 = np.where(valid, np.take_along_axis(c2, rev, axis=1), np.inf)
        return cls(pts, hull, size, c1, c2, r1, r2)

    @property
    def valid(self) -> BoolArray:
        return np.asarray(np.arange(self.hull.shape[1])[None, :] < self.size[:, None])

    def u2_at(self, x: FloatArray) -> FloatArray:
        return _interp(x, self.c1, self.c2, self.size)

    def u1_at(self, y: FloatArray) -> FloatArray:
        return _interp(y, self.r2, self.r1, self.size)

    def edges(self) -> list[tuple[IntArray, IntArray, BoolArray]]:
        """Edge slots in frontier order: packages (a, b) and where the slot is an edge (a single
        vertex is the edge (v, v), as in the per-point solver)."""
        k = self.hull.shape[1]
        out = []
        for e in range(max(k - 1, 1)):
            a = self.hull[:, e]
            if k == 1:
                out.append((a, a, np.ones(a.shape, dtype=bool)))
                continue
            b = np.where(self.size == 1, a, self.hull[:, e + 1]) if e == 0 else self.hull[:, e + 1]
            out.append((a, b, (e + 1 < self.size) | ((e == 0) & (self.size == 1))))
        return out

    def point(self, a: IntArray, b: IntArray, t: FloatArray) -> FloatArray:
        """``pts[a] + t * (pts[b] - pts[a])`` at every point, shape (N, 2)."""
        rows = np.arange(a.shape[0])
        A, B = self.pts[rows, np.maximum(a, 0)], self.pts[rows, np.maximum(b, 0)]
        return np.asarray(A + t[:, None] * (B - A))

    def locate(self, u1: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
        """The edge and edge parameter where the frontier has first utility ``u1`` (the per-point ``_locate``)."""
        k = self.hull.shape[1]
        below = (self.c1 < u1[:, None]).sum(axis=1)  # searchsorted, side left
        j = np.clip(below - 1, 0, np.maximum(self.size - 2, 0))
        a = _take(self.hull, j)
        b = _take(self.hull, np.minimum(j + 1, k - 1))
        single = self.size == 1
        b = np.where(single, a, b)
        rows = np.arange(u1.shape[0])
        xa, xb = self.pts[rows, a, 0], self.pts[rows, b, 0]
        width = xb - xa
        with np.errstate(all="ignore"):
            t = np.where(width <= TOL, 0.0, np.clip((u1 - xa) / width, 0.0, 1.0))
        return a, b, np.where(single, 0.0, t)


def _interp(x: FloatArray, xp: FloatArray, fp: FloatArray, size: IntArray) -> FloatArray:
    """``np.interp(x[i], xp[i, :size[i]], fp[i, :size[i]])`` for every row i (numpy's formula: the value at
    a node where x equals one, the end values outside)."""
    _n, k = xp.shape
    if k == 1:
        return np.where(np.isnan(x), x, fp[:, 0])
    j = (xp <= x[:, None]).sum(axis=1) - 1
    last = size - 1
    jc = np.clip(j, 0, k - 2)
    x0, x1, f0, f1 = _take(xp, jc), _take(xp, jc + 1), _take(fp, jc), _take(fp, jc + 1)
    with np.errstate(all="ignore"):
        inner = (f1 - f0) / (x1 - x0) * (x - x0) + f0
    out = np.where(x0 == x, f0, inner)
    out = np.where(j >= last, _take(fp, last), out)
    out = np.where(j < 0, fp[:, 0], out)
    return np.asarray(np.where(np.isnan(x), x, out))


@dataclass
class _Best:
    """A running choice per point: package pair, edge parameter, score, and whether any was taken."""

    a: IntArray
    b: IntArray
    t: FloatArray
    score: FloatArray
    have: BoolArray

    @classmethod
    def empty(cls, n: int) -> _Best:
        return cls(
            np.full(n, -1, dtype=np.int64),
            np.full(n, -1, dtype=np.int64),
            np.zeros(n),
            np.full(n, -np.inf),
            np.zeros(n, dtype=bool),
        )

    def take(self, where: BoolArray, a: IntArray, b: IntArray, t: FloatArray, score: FloatArray) -> None:
        self.a = np.where(where, a, self.a)
        self.b = np.where(where, b, self.b)
        self.t = np.where(where, t, self.t)
        self.score = np.where(where, score, self.score)
        self.have = self.have | where


def _lottery(best: _Best) -> tuple[IntArray, IntArray, FloatArray]:
    """The per-point ``_lottery`` rule: one package at t <= TOL (or a == b) or t >= 1 - TOL."""
    a, b, t = best.a, best.b, best.t
    single_a = (a == b) | (t <= TOL)
    single_b = ~single_a & (t >= 1 - TOL)
    first = np.where(single_b, b, a)
    second = np.where(single_a, a, b)
    weight = np.where(single_a | single_b, 0.0, t)
    none = ~best.have
    return np.where(none, -1, first), np.where(none, -1, second), np.where(none, 0.0, weight)


def _nash(f: _Frontier, d: FloatArray, alpha: FloatArray, beta: FloatArray) -> _Best:
    n = d.shape[0]
    rows = np.arange(n)
    best = _Best.empty(n)
    both = (alpha > 0) & (beta > 0)
    for a, b, valid in f.edges():
        A, B = f.pts[rows, np.maximum(a, 0)], f.pts[rows, np.maximum(b, 0)]
        D = B - A
        denom = (alpha + beta) * D[:, 0] * D[:, 1]
        has = np.abs(denom) > TOL
        with np.errstate(all="ignore"):
            star = -(alpha * D[:, 0] * (A[:, 1] - d[:, 1]) + beta * D[:, 1] * (A[:, 0] - d[:, 0])) / denom
        for raw, ok in ((np.zeros(n), valid), (np.ones(n), valid), (star, valid & has)):
            ok = ok & (raw >= -TOL) & (raw <= 1 + TOL)
            t = np.minimum(np.maximum(raw, 0.0), 1.0)
            with np.errstate(all="ignore"):
                g = A + t[:, None] * D - d
                ok = ok & np.all(g >= -TOL, axis=1)
                g = np.maximum(g, 0.0)
                value = np.where(both, g[:, 0] ** alpha * g[:, 1] ** beta, np.where(beta == 0, g[:, 0], g[:, 1]))
            best.take(ok & (~best.have | (value > best.score + TOL)), a, b, t, value)
    return best


def _ray(f: _Frontier, start: FloatArray, direction: FloatArray, use: BoolArray) -> _Best:
    """Where the ray start + s * direction (s >= 0) meets the frontier (the per-point ``_ray``): the
    largest s, the first edge of equals."""
    n = start.shape[0]
    rows = np.arange(n)
    best = _Best.empty(n)
    for a, b, valid in f.edges():
        A, B = f.pts[rows, np.maximum(a, 0)], f.pts[rows, np.maximum(b, 0)]
        D = B - A
        det = direction[:, 0] * -D[:, 1] - (-D[:, 0]) * direction[:, 1]
        r = A - start
        with np.errstate(all="ignore"):
            s = (r[:, 0] * -D[:, 1] - (-D[:, 0]) * r[:, 1]) / det
            t = (direction[:, 0] * r[:, 1] - direction[:, 1] * r[:, 0]) / det
        ok = use & valid & (np.abs(det) > TOL) & (s >= -TOL) & (t >= -TOL) & (t <= 1 + TOL)
        best.take(ok & (~best.have | (s > best.score)), a, b, np.minimum(np.maximum(t, 0.0), 1.0), s)
    return best


def _best_vertex(f: _Frontier, d: FloatArray, scale: FloatArray, into: _Best, where: BoolArray) -> None:
    """Where the ray missed (``where``): the vertex with the largest least scaled gain (per-point ``_best_vertex``)."""
    n, k = f.hull.shape
    pick = _Best.empty(n)
    valid = f.valid
    for j in range(k):
        g1 = (f.c1[:, j] - d[:, 0]) / scale[:, 0]
        g2 = (f.c2[:, j] - d[:, 1]) / scale[:, 1]
        ok = valid[:, j] & (g1 >= -TOL) & (g2 >= -TOL)
        score = np.minimum(g1, g2) + 1e-9 * (g1 + g2)
        v = f.hull[:, j]
        pick.take(ok & (~pick.have | (score > pick.score)), v, v, np.zeros(n), score)
    take = where & pick.have
    into.take(take, pick.a, pick.b, pick.t, np.zeros(n))
    into.have = into.have & ~(where & ~pick.have)


def _kalai_smorodinsky(f: _Frontier, d: FloatArray) -> _Best:
    _n, _k = f.hull.shape
    valid = f.valid
    max1 = np.where(valid, f.c1, -np.inf).max(axis=1)
    max2 = np.where(valid, f.c2, -np.inf).max(axis=1)
    u1max = np.where(max2 >= d[:, 1], f.u1_at(d[:, 1]), np.nan)
    u2max = np.where(max1 >= d[:, 0], f.u2_at(d[:, 0]), np.nan)
    m = np.stack([np.where(max1 < u1max, max1, u1max), np.where(max2 < u2max, max2, u2max)], axis=1)
    gap = m - d
    inside = np.all(gap > TOL, axis=1)
    best = _ray(f, d, gap, inside)
    missed = ~best.have
    _best_vertex(f, d, np.where(gap > TOL, gap, 1.0), best, missed)
    return best


def _egalitarian(f: _Frontier, d: FloatArray) -> _Best:
    n = d.shape[0]
    best = _ray(f, d, np.ones((n, 2)), np.ones(n, dtype=bool))
    _best_vertex(f, d, np.ones((n, 2)), best, ~best.have)
    return best


def _utilitarian(f: _Frontier, d: FloatArray) -> _Best:
    n, k = f.hull.shape
    valid = f.valid
    pick = _Best.empty(n)  # score: u1 + u2; a holds nothing here, t the chosen u1
    cands = [(f.c1[:, j], f.c2[:, j], valid[:, j]) for j in range(k)]
    cands.append((d[:, 0], f.u2_at(d[:, 0]), np.ones(n, dtype=bool)))
    cands.append((f.u1_at(d[:, 1]), d[:, 1], np.ones(n, dtype=bool)))
    for x, y, ok in cands:
        ok = ok & (x >= d[:, 0] - TOL) & (y >= d[:, 1] - TOL)
        total = x + y + 0.0
        pick.take(ok & (~pick.have | (total > pick.score)), pick.a, pick.b, x, total)
    a, b, t = f.locate(np.where(pick.have, pick.t, 0.0))
    return _Best(a, b, t, pick.score, pick.have)


class _Gap:
    """:math:`G(x) - x` at a subset of the points (the arrays it needs, cut down as points are done)."""

    def __init__(self, f: _Frontier, d: FloatArray, delta: FloatArray, w: FloatArray) -> None:
        self.arrays: list[Any] = [
            f.c1,
            f.c2,
            f.r1,
            f.r2,
            f.size,
            d[:, 0],
            d[:, 1],
            delta[:, 0],
            delta[:, 1],
            w[:, 0],
            w[:, 1],
        ]

    def keep(self, where: BoolArray | IntArray) -> None:
        self.arrays = [a[where] for a in self.arrays]

    def __call__(self, x: FloatArray) -> FloatArray:
        c1, c2, r1, r2, size, dp, dr, delta_p, delta_r, wp, wr = self.arrays
        counter = _interp(np.maximum(wp, dp + delta_p * (x - dp)), c1, c2, size)
        return _interp(np.maximum(wr, dr + delta_r * (counter - dr)), r2, r1, size) - x


def _rubinstein(f: _Frontier, d: FloatArray, delta: FloatArray, w: FloatArray) -> _Best:
    """Rubinstein's first offer, the first actor proposing (the per-point ``rubinstein`` with proposer 0)."""
    n = d.shape[0]
    valid = f.valid
    delta_p, delta_r = delta[:, 0], delta[:, 1]
    lo = np.where(valid, f.c1, np.inf).min(axis=1)
    hi = np.where(valid, f.c1, -np.inf).max(axis=1)
    cmax = np.where(valid, np.maximum(np.abs(f.c1), np.abs(f.c2)), 0.0).max(axis=1)
    scale = np.maximum.reduce([np.ones(n), cmax, *np.abs(d).T, *np.abs(w).T])
    limit = RUBINSTEIN_TOL * scale
    gap = _Gap(f, d, delta, w)
    g_lo, g_hi = gap(lo), gap(hi)
    x = np.where(np.abs(g_hi) <= limit, hi, np.where(np.abs(g_lo) <= limit, lo, np.nan))
    todo = np.flatnonzero(np.isnan(x))
    if todo.size and not np.all((g_lo[todo] >= 0) & (g_hi[todo] <= 0)):
        bad = todo[~((g_lo[todo] >= 0) & (g_hi[todo] <= 0))][0]
        raise ScenarioError(
            "a stationary offer of the alternating-offers game",
            found=f"no bracketed root at discount factors ({delta_p[bad]:g}, {delta_r[bad]:g})",
            field="discount",
        )
    rows, a_lo, a_hi, ga, gb, lim = todo, lo[todo], hi[todo], g_lo[todo], g_hi[todo], limit[todo]
    gap.keep(todo)

    def drop(done: BoolArray) -> None:
        nonlocal rows, a_lo, a_hi, ga, gb, lim
        keep = ~done
        rows, a_lo, a_hi, ga, gb, lim = rows[keep], a_lo[keep], a_hi[keep], ga[keep], gb[keep], lim[keep]
        gap.keep(keep)

    for step in range(1100):
        if rows.size == 0:
            break
        if step >= 4:  # a secant step on the bracket: exact (to rounding) once G - x is linear on it
            with np.errstate(all="ignore"):
                guess = a_lo - ga * (a_hi - a_lo) / (gb - ga)
            guess = np.where(np.isfinite(guess), np.clip(guess, a_lo, a_hi), a_lo)
            done = np.abs(gap(guess)) <= lim
            x[rows[done]] = guess[done]
            drop(done)
            if rows.size == 0:
                break
        mid = a_lo + (a_hi - a_lo) / 2
        stuck = (mid <= a_lo) | (mid >= a_hi)  # the bracket is two neighbouring floats
        if stuck.any():
            x[rows[stuck]] = np.where(np.abs(ga[stuck]) <= np.abs(gb[stuck]), a_lo[stuck], a_hi[stuck])
            mid = mid[~stuck]
            drop(stuck)
            if rows.size == 0:
                break
        gm = gap(mid)
        up = gm > 0
        a_lo, ga = np.where(up, mid, a_lo), np.where(up, gm, ga)
        a_hi, gb = np.where(up, a_hi, mid), np.where(up, gb, gm)
    everyone = _Gap(f, d, delta, w)
    residual = np.abs(everyone(x))
    bad_rows = np.flatnonzero(~(residual <= limit))
    if bad_rows.size:
        bad = bad_rows[0]
        raise ScenarioError(
            "a stationary offer of the alternating-offers game",
            found=f"a residual of {residual[bad]:.3g} at discount factors ({delta_p[bad]:g}, {delta_r[bad]:g})",
            field="discount",
        )
    a, b, t = f.locate(x)
    return _Best(a, b, t, np.zeros(n), np.ones(n, dtype=bool))


def _check(values: FloatArray, what: str, field_name: str) -> None:
    if not np.all(np.isfinite(values)):
        raise ScenarioError(what, found="a value that is not", field=field_name)


def deal_solutions(
    model: BargainingProblem | CompiledDeal,
    params: Mapping[str, npt.ArrayLike],
    outside: Mapping[str, object] | None = None,
    *,
    only: Sequence[str] | None = None,
) -> DealArrays:
    """The frontier and the bargaining solutions at every point of ``params`` (parameter name -> number
    or 1-D array; arrays of one length N, numbers held at every point).

    ``model`` is the problem or its :func:`compile_deal` (compile once to evaluate many batches;
    ``outside`` is then ignored: the compiled deal carries its outside options). ``only`` limits the
    solutions computed (default: all, Rubinstein where the problem has discount factors). Values at
    which the per-point solver refuses a point (utilities not finite, discount factors outside (0, 1),
    powers that are negative or do not sum to 1) raise the same :class:`ScenarioError`.
    """
    compiled = model if isinstance(model, CompiledDeal) else compile_deal(model, outside)
    problem = compiled.problem
    n, vals = _batch(compiled, params)
    nu = 2 * sum(len(i.options) for i in problem.issues) + 2 * len(problem.interactions)
    utilities = np.stack(vals[:nu], axis=1) if nu else np.zeros((n, 0))
    _check(utilities, "finite utilities at these parameter values", "issues")
    pos = nu
    d = np.stack(vals[pos : pos + 2], axis=1)
    pos += 2
    _check(d, "finite utilities at these parameter values", "issues")
    delta: FloatArray | None = None
    if problem.discount is not None:
        delta = np.stack(vals[pos : pos + 2], axis=1)
        pos += 2
        _check(delta, "finite utilities at these parameter values", "issues")
        bad = ~np.all((delta > 0) & (delta < 1), axis=1)
        if bad.any():
            raise ScenarioError(
                "discount factors in (0, 1)", found=str(delta[np.argmax(bad)].tolist()), field="discount"
            )
    power = np.full((n, 2), 0.5)
    if problem.power is not None:
        power = np.stack(vals[pos : pos + 2], axis=1)
        pos += 2
        _check(power, "finite utilities at these parameter values", "issues")
        bad = np.any(power < 0, axis=1) | ~np.isclose(power.sum(axis=1), 1.0)
        if bad.any():
            raise ScenarioError(
                "non-negative bargaining powers that sum to 1", found=str(power[np.argmax(bad)].tolist()), field="power"
            )
    w = d.copy()
    for k in range(2):
        if compiled.outside[k]:
            w[:, k] = vals[pos]
            pos += 1
    _check(w, "finite outside options at these parameter values", "outside")
    pts = _points(problem, vals[:nu], n)
    hull, size = _frontier(pts)
    f = _Frontier.of(pts, hull, size)
    wanted = tuple(only) if only is not None else SOLUTIONS + (("rubinstein",) if delta is not None else ())
    unknown = [s for s in wanted if s not in (*SOLUTIONS, "rubinstein")]
    if unknown or ("rubinstein" in wanted and delta is None):
        raise ScenarioError(
            f"solutions among {', '.join(SOLUTIONS)}" + (", rubinstein" if delta is not None else ""),
            found=repr((unknown or ["rubinstein"])[0]),
            field="only",
        )
    half = np.full(n, 0.5)
    solvers: dict[str, Callable[[], _Best]] = {
        "nash": lambda: _nash(f, d, half, half),
        "nash_weighted": lambda: _nash(f, d, power[:, 0], power[:, 1]),
        "kalai_smorodinsky": lambda: _kalai_smorodinsky(f, d),
        "egalitarian": lambda: _egalitarian(f, d),
        "utilitarian": lambda: _utilitarian(f, d),
        "rubinstein": lambda: _rubinstein(f, d, delta if delta is not None else d, w),
    }
    payoffs: dict[str, FloatArray] = {}
    first: dict[str, IntArray] = {}
    second: dict[str, IntArray] = {}
    weight: dict[str, FloatArray] = {}
    for name in wanted:
        best = solvers[name]()
        pa, pb, pw = _lottery(best)
        payoffs[name] = np.where(best.have[:, None], f.point(best.a, best.b, best.t), d)
        first[name], second[name], weight[name] = pa, pb, pw
    return DealArrays(problem, wanted, payoffs, first, second, weight, hull, d)


def nash_codes(problem: BargainingProblem, params: Mapping[str, npt.ArrayLike]) -> tuple[IntArray, tuple[str, ...]]:
    """The support of the symmetric Nash solution at every point of ``params`` (as :func:`deal_solutions`
    takes them): codes numbered by first appearance in the order of the points, and their labels,
    formatted as :func:`~bargaining.analysis.sweep_deal.sweep_deal` labels them (the packages of the
    solution's lottery, sorted by index, each as ``issue=option`` pairs joined by a comma, packages
    by a slash; or
    :data:`NO_DEAL`). Outside options do not move the Nash solution, so none are asked for.

    >>> from bargaining.io.scenario_file import load
    >>> s = load("russia_uzbekistan_2007")
    >>> codes, labels = nash_codes(s.game, {**s.values(), "L": [0.0, 3.0]})
    >>> codes.tolist(), labels[0]
    ([0, 1], 'readmission=none, labour=none')
    >>> labels[1]
    'readmission=own_nationals, labour=none / readmission=own_nationals, labour=agreement'
    """
    out = deal_solutions(problem, params, only=("nash",))
    return support_labels(problem, out.support_keys("nash"))


def chunk_points(problem: BargainingProblem) -> int:
    """Points per batch that keep a batch's arrays near 32 MiB (about 40 arrays of N x K floats)."""
    return max(1, min(65_536, (32 * 2**20) // (8 * 40 * max(1, problem.size))))

r"""Bargaining solutions on the lottery frontier of a package deal, and alternating offers.

The feasible set of a package deal is :math:`S = \mathrm{conv}\{u(x) : x \in P\}`; its **Pareto
frontier** is the upper-right boundary of that hull, found by Andrew's monotone chain in
:math:`O(n \log n)` (docs/models.md#package-deals-and-issue-linkage). On it:

- **Nash** (1950), asymmetric with weights :math:`(\alpha, 1-\alpha)` (Kalai 1977): maximise
  :math:`(u_1 - d_1)^\alpha (u_2 - d_2)^{1-\alpha}` over :math:`S \cap \{u \ge d\}`; on each edge of
  the frontier a closed form (the derivative of the log product is linear in the edge parameter);
- **Kalai–Smorodinsky** (1975): the Pareto point on the segment from :math:`d` to the ideal point
  :math:`m_i = \max\{u_i : u \in S, u \ge d\}`;
- **egalitarian**: the Pareto point with equal gains :math:`u_1 - d_1 = u_2 - d_2`;
- **utilitarian**: the largest :math:`u_1 + u_2` among individually rational points
  (:math:`u \ge d`): a package with a larger sum that leaves one actor below its disagreement payoff
  is not a candidate, and the solution says so in its note.

**Rubinstein** (1982) alternating offers with discount factors :math:`\delta_i` and perpetual
disagreement at the impasse point :math:`d`: in the unique subgame-perfect equilibrium the first
proposer's offer :math:`x` and the second's :math:`y` lie on the frontier with
:math:`u_2(x) - d_2 = \max(w_2 - d_2, \delta_2 (u_2(y) - d_2))` and
:math:`u_1(y) - d_1 = \max(w_1 - d_1, \delta_1 (u_1(x) - d_1))` (outside options :math:`w` by the
outside-option principle, Binmore, Osborne & Rubinstein 1992). The stationary map is a contraction
of modulus :math:`\delta_1 \delta_2`, which near 1 converges too slowly to iterate; its fixed point
is found directly as the root of the stationary condition (bracketed, Brent's method) and checked,
and an error naming the discount factors is raised if that fails. On a unit pie
:math:`x^* = (1 - \delta_2)/(1 - \delta_1\delta_2)`. :func:`finite_horizon` is backward induction over N periods.

>>> pts = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])   # a unit pie (lotteries over who gets it)
>>> f = pareto_frontier(pts)
>>> nash_solution(f, np.zeros(2)).point.tolist()
[0.5, 0.5]
>>> round(float(rubinstein(f, np.zeros(2), (0.9, 0.8)).point[0]), 6)
0.714286
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bargaining.errors import ScenarioError

__all__ = [
    "Frontier",
    "Solution",
    "egalitarian",
    "finite_horizon",
    "kalai_smorodinsky",
    "lottery_at",
    "nash_solution",
    "pareto_efficient",
    "pareto_frontier",
    "rubinstein",
    "utilitarian",
]

FloatArray = npt.NDArray[np.float64]
TOL = 1e-12


@dataclass(frozen=True)
class Frontier:
    """The Pareto frontier of the lottery set: vertices from the best point for actor 2 to the best
    for actor 1 (u1 increasing, u2 decreasing), each an index into the packages' points."""

    points: FloatArray  # all packages' utility points (n, 2)
    vertices: npt.NDArray[np.intp]  # indices into points, in frontier order

    @property
    def coordinates(self) -> FloatArray:
        return np.asarray(self.points[self.vertices])

    def u2_at(self, u1: FloatArray | float) -> FloatArray:
        """The frontier's u2 as a function of u1 (piecewise linear, decreasing)."""
        c = self.coordinates
        return np.asarray(np.interp(u1, c[:, 0], c[:, 1]))

    def u1_at(self, u2: FloatArray | float) -> FloatArray:
        """The frontier's u1 as a function of u2."""
        c = self.coordinates[::-1]
        return np.asarray(np.interp(u2, c[:, 1], c[:, 0]))


@dataclass(frozen=True)
class Solution:
    """A payoff point and the lottery that reaches it: packages (indices) with their weights."""

    name: str
    point: FloatArray
    lottery: tuple[tuple[int, float], ...]
    note: str = ""
    counter: FloatArray | None = None  # Rubinstein: the responder's stationary counter-offer


def pareto_efficient(points: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Indices of packages that no other package weakly dominates with one strict gain (pure packages)."""
    pts = np.asarray(points, dtype=float)
    order = np.lexsort((-pts[:, 1], -pts[:, 0]))  # u1 descending, then u2 descending
    u2 = pts[order, 1]
    before = np.concatenate([[-np.inf], np.maximum.accumulate(u2)[:-1]])  # best u2 among larger u1
    keep = order[u2 > before + TOL]
    return np.asarray(keep[np.lexsort((-pts[keep, 1], pts[keep, 0]))], dtype=np.intp)


def pareto_frontier(points: npt.ArrayLike) -> Frontier:
    """The upper-right boundary of the convex hull of ``points`` (monotone chain), as a :class:`Frontier`."""
    pts = np.asarray(points, dtype=float)
    candidates = pareto_efficient(pts)  # only undominated points can be on the upper-right boundary
    order = candidates[np.lexsort((pts[candidates, 1], pts[candidates, 0]))]  # u1 ascending
    hull: list[int] = []
    for k in order:
        while len(hull) >= 2:
            a, b = pts[hull[-2]], pts[hull[-1]]
            cross = (b[0] - a[0]) * (pts[k, 1] - a[1]) - (b[1] - a[1]) * (pts[k, 0] - a[0])
            if cross >= -TOL * (1 + np.abs(pts).max()):  # not a right turn: b is not on the upper hull
                hull.pop()
            else:
                break
        hull.append(int(k))
    return Frontier(pts, np.array(hull, dtype=np.intp))


def _edges(frontier: Frontier) -> list[tuple[int, int]]:
    v = frontier.vertices
    return [(int(v[k]), int(v[k + 1])) for k in range(len(v) - 1)] or [(int(v[0]), int(v[0]))]


def _lottery(frontier: Frontier, a: int, b: int, t: float) -> tuple[tuple[int, float], ...]:
    if a == b or t <= TOL:
        return ((a, 1.0),)
    if t >= 1 - TOL:
        return ((b, 1.0),)
    return ((a, 1.0 - t), (b, t))


def nash_solution(
    frontier: Frontier, d: FloatArray, power: Sequence[float] = (0.5, 0.5), *, name: str = "nash"
) -> Solution:
    """The (asymmetric) Nash bargaining solution from disagreement point ``d`` with weights ``power``."""
    alpha, beta = float(power[0]), float(power[1])
    pts = frontier.points
    best: tuple[float, int, int, float] | None = None
    for a, b in _edges(frontier):
        A, B = pts[a], pts[b]
        D = B - A
        candidates = [0.0, 1.0]
        # d/dt [alpha log(u1 - d1) + beta log(u2 - d2)] = 0 with u = A + t D
        denom = (alpha + beta) * D[0] * D[1]
        if abs(denom) > TOL:
            candidates.append(-(alpha * D[0] * (A[1] - d[1]) + beta * D[1] * (A[0] - d[0])) / denom)
        for t in candidates:
            if not -TOL <= t <= 1 + TOL:
                continue
            t = min(max(t, 0.0), 1.0)
            u = A + t * D
            g = u - d
            if np.any(g < -TOL):
                continue
            g = np.maximum(g, 0.0)
            value = (g[0] ** alpha) * (g[1] ** beta) if alpha > 0 and beta > 0 else (g[0] if beta == 0 else g[1])
            if best is None or value > best[0] + TOL:
                best = (float(value), a, b, float(t))
    if best is None:
        return Solution(
            "nash", np.array(d, dtype=float), (), "no feasible point gives both actors their disagreement payoff"
        )
    _, a, b, t = best
    return Solution(name, pts[a] + t * (pts[b] - pts[a]), _lottery(frontier, a, b, t))


def _ray(frontier: Frontier, start: FloatArray, direction: FloatArray) -> tuple[int, int, float] | None:
    """Where the ray start + s * direction (s >= 0) meets the frontier: edge (a, b) and edge parameter t."""
    pts = frontier.points
    best: tuple[float, int, int, float] | None = None
    for a, b in _edges(frontier):
        A, B = pts[a], pts[b]
        D = B - A
        M = np.array([[direction[0], -D[0]], [direction[1], -D[1]]])
        if abs(np.linalg.det(M)) <= TOL:
            continue
        s, t = np.linalg.solve(M, A - start)
        if s >= -TOL and -TOL <= t <= 1 + TOL and (best is None or s > best[0]):
            best = (float(s), a, b, float(min(max(t, 0.0), 1.0)))
    return None if best is None else best[1:]


def ideal_point(frontier: Frontier, d: FloatArray) -> FloatArray:
    """:math:`m_i = \\max\\{u_i : u \\in S, u \\ge d\\}` on the frontier."""
    c = frontier.coordinates
    u1_max = float(frontier.u1_at(d[1])) if c[:, 1].max() >= d[1] else float("nan")
    u2_max = float(frontier.u2_at(d[0])) if c[:, 0].max() >= d[0] else float("nan")
    return np.array([min(u1_max, c[:, 0].max()), min(u2_max, c[:, 1].max())])


def _best_vertex(frontier: Frontier, d: FloatArray, scale: FloatArray, name: str) -> Solution:
    """Where the ray misses the strict frontier (a single vertex, or the ray leaving the set): the
    frontier vertex that maximises the smallest scaled gain over ``d`` (then the sum), if any is >= d."""
    gains = (frontier.coordinates - d) / scale
    ok = np.all(gains >= -TOL, axis=1)
    if not ok.any():
        return Solution(name, np.array(d, dtype=float), (), "no point gives both actors their disagreement payoff")
    score = np.where(ok, gains.min(axis=1) + 1e-9 * gains.sum(axis=1), -np.inf)
    v = int(frontier.vertices[int(np.argmax(score))])
    return Solution(name, frontier.points[v].copy(), ((v, 1.0),))


def kalai_smorodinsky(frontier: Frontier, d: FloatArray) -> Solution:
    """The Pareto point on the segment from ``d`` to the ideal point."""
    m = ideal_point(frontier, d)
    hit = _ray(frontier, d, m - d) if np.all(m - d > TOL) else None
    if hit is None:
        return _best_vertex(frontier, d, np.where(m - d > TOL, m - d, 1.0), "kalai_smorodinsky")
    a, b, t = hit
    pts = frontier.points
    return Solution("kalai_smorodinsky", pts[a] + t * (pts[b] - pts[a]), _lottery(frontier, a, b, t))


def egalitarian(frontier: Frontier, d: FloatArray) -> Solution:
    """The Pareto point with equal gains over ``d``."""
    hit = _ray(frontier, d, np.array([1.0, 1.0]))
    if hit is None:
        return _best_vertex(frontier, d, np.ones(2), "egalitarian")
    a, b, t = hit
    pts = frontier.points
    return Solution("egalitarian", pts[a] + t * (pts[b] - pts[a]), _lottery(frontier, a, b, t))


def utilitarian(frontier: Frontier, d: FloatArray | None = None) -> Solution:
    """The largest sum of utilities among points that give each actor at least ``d`` (if given).

    The sum is linear, so the maximum is at a frontier vertex or where the frontier crosses
    :math:`u_i = d_i` (the first of equals in frontier order)."""
    c = frontier.coordinates
    candidates = [(float(u1), float(u2)) for u1, u2 in c]
    if d is not None:
        candidates += [(float(d[0]), float(frontier.u2_at(d[0]))), (float(frontier.u1_at(d[1])), float(d[1]))]
        candidates = [u for u in candidates if u[0] >= d[0] - TOL and u[1] >= d[1] - TOL]
        if not candidates:
            return Solution(
                "utilitarian", np.array(d, dtype=float), (), "no feasible point gives both their disagreement payoff"
            )
    best = max(candidates, key=lambda u: u[0] + u[1] + 0.0)
    a, b, t = _locate(frontier, best[0])
    point = frontier.points[a] + t * (frontier.points[b] - frontier.points[a])
    note = ""
    if d is not None:
        note = "restricted to individually rational points (each actor at least its disagreement payoff)"
        overall = float((c[:, 0] + c[:, 1]).max())
        if overall > best[0] + best[1] + TOL * (1 + abs(overall)):
            note += f"; the largest sum over all packages, {overall:.6g}, leaves an actor below it"
    return Solution("utilitarian", point, _lottery(frontier, a, b, t), note)


def lottery_at(frontier: Frontier, u1: float) -> tuple[tuple[int, float], ...]:
    """The lottery over frontier packages that reaches the frontier point with first utility ``u1``."""
    return _lottery(frontier, *_locate(frontier, u1))


def _locate(frontier: Frontier, u1: float) -> tuple[int, int, float]:
    c = frontier.coordinates
    k = int(np.clip(np.searchsorted(c[:, 0], u1) - 1, 0, max(len(c) - 2, 0)))
    if len(c) == 1:
        return int(frontier.vertices[0]), int(frontier.vertices[0]), 0.0
    a, b = int(frontier.vertices[k]), int(frontier.vertices[k + 1])
    width = frontier.points[b, 0] - frontier.points[a, 0]
    t = 0.0 if width <= TOL else float(np.clip((u1 - frontier.points[a, 0]) / width, 0.0, 1.0))
    return a, b, t


def rubinstein(
    frontier: Frontier,
    d: FloatArray,
    discount: Sequence[float],
    *,
    proposer: int = 0,
    outside: Sequence[float] | None = None,
    tol: float = 1e-12,
    max_iter: int = 200,
) -> Solution:
    r"""Rubinstein's subgame-perfect first offer on the frontier, with impasse ``d`` and outside options.

    With :math:`x` the proposer's utility in its own stationary offer, the responder's counter-offer
    leaves the proposer :math:`y_p = \max(w_p, d_p + \delta_p (x - d_p))`, and the proposer's offer
    leaves the responder :math:`\max(w_r, d_r + \delta_r (y_r - d_r))`, which fixes the proposer's
    :math:`G(x)` on the frontier. The stationary condition :math:`G(x) = x` is solved directly:
    :math:`G` is increasing with slope at most :math:`\delta_1\delta_2 < 1` on a concave frontier,
    so :math:`G(x) - x` is strictly decreasing, non-negative at the proposer's least frontier payoff
    and non-positive at its greatest; its one root is bracketed there and found by Brent's method
    (at most ``max_iter`` iterations, to a relative tolerance ``tol``). The root is then checked:
    :math:`|G(x) - x|` must be at most ``tol`` times the frontier's scale. No iteration of the
    contraction is needed, so discount factors near 1 (modulus near 1) cost nothing more.

    Raises :class:`~bargaining.errors.ScenarioError` naming the discount factors when they are not
    in [0, 1] with :math:`\delta_1\delta_2 < 1` (otherwise every split is an equilibrium), or when
    the root is not found within ``max_iter`` iterations or fails the check.

    ``Solution.counter`` is the responder's stationary offer.

    >>> pie = pareto_frontier(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    >>> round(float(rubinstein(pie, np.zeros(2), (0.99999, 0.99999)).point[0]), 10)  # 1/(1 + delta)
    0.5000025
    """
    d1, d2 = (float(x) for x in discount)
    named = f"discount factors ({d1:g}, {d2:g})"
    if not (0.0 <= d1 <= 1.0 and 0.0 <= d2 <= 1.0 and d1 * d2 < 1.0):
        raise ScenarioError(
            "discount factors in [0, 1] whose product is below 1 (at 1 every split is an equilibrium)",
            found=named,
            field="discount",
        )
    w = np.array(outside if outside is not None else d, dtype=float)
    c = frontier.coordinates
    p = proposer
    delta_p, delta_r = (d1, d2) if p == 0 else (d2, d1)
    dp, dr, wp, wr = float(d[p]), float(d[1 - p]), float(w[p]), float(w[1 - p])

    def others_share(mine: float, me: int) -> float:
        """On the frontier: what the other actor gets when actor ``me`` gets ``mine``."""
        return float(frontier.u2_at(mine)) if me == 0 else float(frontier.u1_at(mine))

    def counter(x: float) -> float:
        """The responder's own utility in its counter-offer when the proposer offers itself ``x``."""
        return others_share(max(wp, dp + delta_p * (x - dp)), p)

    def gap(x: float) -> float:
        """G(x) - x: the proposer's utility in its best offer given the counter-offer, less x."""
        return others_share(max(wr, dr + delta_r * (counter(x) - dr)), 1 - p) - x

    lo, hi = float(c[:, p].min()), float(c[:, p].max())
    scale = max(1.0, float(np.abs(c).max()), abs(dp), abs(dr), abs(wp), abs(wr))
    g_lo, g_hi = gap(lo), gap(hi)
    if abs(g_hi) <= tol * scale:
        x = hi
    elif abs(g_lo) <= tol * scale:
        x = lo
    else:
        try:
            import scipy.optimize  # imported where used: start-up time

            x = float(
                scipy.optimize.brentq(
                    gap, lo, hi, xtol=tol * scale * 1e-3, rtol=4 * np.finfo(float).eps, maxiter=max_iter
                )
            )
        except (RuntimeError, ValueError) as err:
            raise ScenarioError(
                "a stationary offer of the alternating-offers game",
                found=f"no convergence at {named} within {max_iter} iterations ({err})",
                field="discount",
            ) from None
    if not abs(gap(x)) <= tol * scale:
        raise ScenarioError(
            "a stationary offer of the alternating-offers game",
            found=f"a residual of {abs(gap(x)):.3g} at {named}",
            field="discount",
        )
    y_r = counter(x)
    u1 = x if p == 0 else others_share(x, 1)
    a, b, t = _locate(frontier, u1)
    point = frontier.points[a] + t * (frontier.points[b] - frontier.points[a])
    y = np.array([others_share(y_r, 1), y_r]) if p == 0 else np.array([y_r, others_share(y_r, 0)])
    return Solution("rubinstein", point, _lottery(frontier, a, b, t), counter=y)


def finite_horizon(
    frontier: Frontier, d: FloatArray, discount: Sequence[float], periods: int, *, proposer: int = 0
) -> Solution:
    """Backward induction over ``periods`` rounds of alternating offers; after the last rejection, ``d``.

    In the last round the proposer takes the best point for itself that leaves the responder its
    impasse payoff; in each earlier round it offers the responder its discounted continuation.
    """
    d1, d2 = float(d[0]), float(d[1])
    c = frontier.coordinates
    # continuation value (u1, u2) of the game starting in round k, computed from the last round back
    u: FloatArray | None = None
    for k in reversed(range(periods)):
        mover = proposer if k % 2 == 0 else 1 - proposer
        if u is None:
            cont = np.array([d1, d2])
        else:
            cont = np.array([d1 + float(discount[0]) * (u[0] - d1), d2 + float(discount[1]) * (u[1] - d2)])
        if mover == 0:
            u2 = float(cont[1])
            u1 = float(frontier.u1_at(u2)) if u2 <= c[:, 1].max() else float(c[0, 0])
            u = np.array([u1, float(frontier.u2_at(u1))])
        else:
            u1 = float(cont[0])
            u2 = float(frontier.u2_at(u1)) if u1 <= c[:, 0].max() else float(c[-1, 1])
            u = np.array([float(frontier.u1_at(u2)), u2])
    assert u is not None
    a, b, t = _locate(frontier, float(u[0]))
    return Solution("finite_horizon", u, _lottery(frontier, a, b, t), f"{periods} periods")

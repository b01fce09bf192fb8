r"""Which equilibrium? The logit tracing procedure, fictitious play and replicator dynamics.

**Logit quantal response equilibrium** (McKelvey & Palfrey 1995, "Quantal response equilibria
for normal form games", *Games and Economic Behavior* 10: 6-38). At precision
:math:`\lambda \ge 0` each actor plays every strategy with probability proportional to the
exponential of :math:`\lambda` times its expected payoff against the other's mixture,

.. math::
    x_j = \frac{e^{\lambda (A y)_j}}{\sum_k e^{\lambda (A y)_k}},\qquad
    y_j = \frac{e^{\lambda (B^\top x)_j}}{\sum_k e^{\lambda (B^\top x)_k}}.

At :math:`\lambda = 0` the unique solution is uniform play; for almost every game the solutions
reachable from it form one smooth curve, the *principal branch*, whose limit as
:math:`\lambda\to\infty` is a Nash equilibrium: the one the **logit tracing procedure selects**.
:func:`quantal_response` follows that curve by predictor-corrector continuation in the
log-probabilities :math:`z = \log(x, y)` and :math:`\lambda` together (Turocy 2005, "A dynamic
homotopy interpretation of the logistic quantal response equilibrium correspondence", *Games and
Economic Behavior* 51: 243-263): the equations

.. math::
    H(z, \lambda) = \Big(z_{1j} - z_{10} - \lambda\big((A y)_j - (A y)_0\big),\ \
    \textstyle\sum_j e^{z_{1j}} - 1,\ \ \text{the same for the column actor}\Big) = 0

define a curve in :math:`(z, \lambda)`; each step moves along its tangent (the null vector of
the Jacobian :math:`DH`, oriented as the previous one) by an arclength :math:`h` and returns to the
curve by Newton's method with Moore-Penrose (minimum-norm) corrections; :math:`h` grows while the
corrector converges at once and halves when it does not. Following arclength, not :math:`\lambda`,
passes the turning points where the branch bends back in :math:`\lambda`. A change of sign of
:math:`\det\binom{DH}{t^\top}` marks a bifurcation, which a generic game does not have: there
(a symmetric game, say) the selection is not defined, and the result says so. Internally payoffs
are divided by their range, so that step sizes do not depend on units; the reported
:math:`\lambda` is in the game's own payoff units. The trace stops when the largest regret
(best-reply payoff minus payoff) is at most ``maxregret`` times the payoff range, and its end is
matched to the nearest of :func:`bargaining.analysis.nash.equilibria`'s equilibria.

**Fictitious play** and **replicator dynamics** are nashpy's (``nashpy.Game(A, B)``'s
``fictitious_play`` and ``asymmetric_replicator_dynamics``): this module runs them with a fixed
seed, and judges where they end against the same list of equilibria.

>>> from bargaining.games.normal import NormalFormGame
>>> stag = NormalFormGame.from_arrays([[4, 0], [3, 3]], [[4, 3], [0, 3]])
>>> q = quantal_response(stag)
>>> q.probabilities[0][0].tolist()     # uniform play at lambda = 0
[0.5, 0.5]
>>> q.selected, q.equilibria[q.selected].strategy("P1")
(2, {'s0': 0.0, 's1': 1.0})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from bargaining.analysis.nash import EquilibriumSet, equilibria
from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.errors import ScenarioError
from bargaining.scenario import Scenario

if TYPE_CHECKING:
    from bargaining.games.normal import NormalFormGame

__all__ = ["LearningPath", "QuantalResponse", "fictitious_play", "quantal_response", "replicator_dynamics"]

FloatArray = npt.NDArray[np.float64]
Profile = tuple[tuple[float, ...], ...]


def _bimatrix(
    model: NormalFormGame | Scenario, values: Mapping[str, float] | None
) -> tuple[NormalFormGame, dict[str, float], FloatArray, FloatArray]:
    scenario = Scenario.of(model)
    game = scenario.normal_form
    if game.n_actors != 2:
        raise ScenarioError(
            "a game of two actors (equilibrium selection and learning are for bimatrix games)",
            found=f"{game.n_actors} actors ({', '.join(game.actors)})",
            field="game",
        )
    vals = scenario.values(values)
    arr = game.payoff_array(vals)
    return game, vals, np.asarray(arr[0], dtype=float), np.asarray(arr[1], dtype=float)


def _scale(A: FloatArray, B: FloatArray) -> float:
    """The payoff range ``max - min`` over both actors (1 for a game of constant payoffs)."""
    lo = min(float(A.min()), float(B.min()))
    hi = max(float(A.max()), float(B.max()))
    return hi - lo if hi > lo else 1.0


def regret(A: FloatArray, B: FloatArray, x: FloatArray, y: FloatArray) -> float:
    """The larger of the two actors' regrets at ``(x, y)``: best-reply payoff minus payoff.

    >>> A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    >>> regret(A, -A, np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    1.0
    """
    Ay, xB = A @ y, x @ B
    return float(max(Ay.max() - x @ Ay, xB.max() - xB @ y, 0.0))


def _nearest(found: EquilibriumSet, x: FloatArray, y: FloatArray) -> tuple[int | None, float]:
    """The index of the equilibrium nearest ``(x, y)`` in the sup norm, and that distance."""
    best: int | None = None
    dist = float("inf")
    for k, eq in enumerate(found):
        d = max(
            float(np.abs(np.asarray(eq.probabilities[0]) - x).max()),
            float(np.abs(np.asarray(eq.probabilities[1]) - y).max()),
        )
        if d < dist:
            best, dist = k, d
    return best, dist


def _in_hull(points: FloatArray, target: FloatArray, tol: float) -> bool:
    """Whether ``target`` is within ``tol`` of the convex hull of the rows of ``points`` (NNLS with
    a heavily weighted sum-to-one row)."""
    weight = 1e3
    M = np.vstack([points.T, np.full(len(points), weight)])
    from scipy.optimize import nnls  # imported where used: start-up time

    w, _ = nnls(M, np.concatenate([target, [weight]]))
    return bool(np.abs(points.T @ w - target).max() <= tol and abs(w.sum() - 1.0) <= tol)


def _component(found: EquilibriumSet, x: FloatArray, y: FloatArray, tol: float) -> int | None:
    """The component (a continuum) whose extreme equilibria's hulls, actor by actor, contain ``(x, y)``."""
    for c, members in enumerate(found.components):
        if len(members) < 2:
            continue
        xs = np.array([found[k].probabilities[0] for k in members])
        ys = np.array([found[k].probabilities[1] for k in members])
        if _in_hull(xs, x, tol) and _in_hull(ys, y, tol):
            return c
    return None


def _profile(x: FloatArray, y: FloatArray) -> Profile:
    return (tuple(float(p) for p in x), tuple(float(q) for q in y))


def _mixture_dict(strategies: tuple[tuple[str, ...], ...], actors: tuple[str, ...], prof: Profile) -> dict[str, Any]:
    return {
        a: {s: clean_number(p) for s, p in zip(ss, ps, strict=True)}
        for a, ss, ps in zip(actors, strategies, prof, strict=True)
    }


# --------------------------------------------------------------------------- logit QRE


@dataclass(frozen=True, eq=False)
class QuantalResponse(Result):
    """The principal branch of the logit QRE correspondence and the equilibrium it selects.

    ``lambdas[k]`` is the precision at the k-th traced point and ``probabilities[i][k]`` actor
    ``i``'s mixed strategy there (row 0: uniform play at :math:`\\lambda = 0`). ``limit`` is the last
    point, ``regret`` its largest regret divided by the payoff range, ``selected`` the index in
    ``equilibria`` of the equilibrium within ``distance`` (sup norm) of it (None if none is within
    the matching tolerance; past a bifurcation, the one the trace reached), ``component`` the index
    in ``equilibria.components`` of the continuum of equilibria the limit lies in when it is not an
    extreme equilibrium (each actor's part in the hull of the component's), ``bifurcations`` the
    precisions where the branch crossed a bifurcation (none in a generic game), ``turning_points``
    those where it bent back in λ.
    """

    actors: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    lambdas: FloatArray
    probabilities: tuple[FloatArray, ...]
    limit: Profile
    regret: float
    selected: int | None
    distance: float
    equilibria: EquilibriumSet
    component: int | None = None
    bifurcations: tuple[float, ...] = ()
    turning_points: tuple[float, ...] = ()
    method: str = "logit QRE principal branch: arclength predictor-corrector in (log p, λ)"
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def strategy(self, actor: str, k: int = -1) -> dict[str, float]:
        """Actor's mixed strategy at the k-th traced point (the last by default)."""
        i = self.actors.index(actor)
        return {s: float(p) for s, p in zip(self.strategies[i], self.probabilities[i][k], strict=True)}

    def to_dict(self) -> dict[str, Any]:
        """The branch (λ and each actor's mixture), its limit and the selected equilibrium."""
        return {
            "analysis": "quantal_response",
            "method": self.method,
            "actors": list(self.actors),
            "strategies": {a: list(s) for a, s in zip(self.actors, self.strategies, strict=True)},
            "lambda": [clean_number(v) for v in self.lambdas],
            "probabilities": {
                a: [[clean_number(p) for p in row] for row in probs]
                for a, probs in zip(self.actors, self.probabilities, strict=True)
            },
            "limit": _mixture_dict(self.strategies, self.actors, self.limit),
            "regret": clean_number(self.regret, 15),
            "selected": None if self.selected is None else self.selected + 1,
            "selected_equilibrium": None if self.selected is None else self.equilibria[self.selected].to_dict(),
            "distance": clean_number(self.distance, 15),
            "component": None if self.component is None else self.component + 1,
            "bifurcations": [clean_number(v) for v in self.bifurcations],
            "turning_points": [clean_number(v) for v in self.turning_points],
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


class _Logit:
    """The homotopy :math:`H(z, \\mu) = 0` for payoffs scaled to range 1 (``mu`` = λ × range)."""

    def __init__(self, A: FloatArray, B: FloatArray) -> None:
        self.A, self.B = A, B
        self.m, self.n = A.shape
        self.N = self.m + self.n

    def split(self, w: FloatArray) -> tuple[FloatArray, FloatArray, float]:
        return np.exp(w[: self.m]), np.exp(w[self.m : self.N]), float(w[self.N])

    def H(self, w: FloatArray) -> FloatArray:
        m, N = self.m, self.N
        x, y, mu = self.split(w)
        u, v = self.A @ y, self.B.T @ x
        z1, z2 = w[:m], w[m:N]
        return np.concatenate(
            [
                [x.sum() - 1.0],
                z1[1:] - z1[0] - mu * (u[1:] - u[0]),
                [y.sum() - 1.0],
                z2[1:] - z2[0] - mu * (v[1:] - v[0]),
            ]
        )

    def J(self, w: FloatArray) -> FloatArray:
        m, n, N = self.m, self.n, self.N
        x, y, mu = self.split(w)
        u, v = self.A @ y, self.B.T @ x
        out = np.zeros((N, N + 1))
        out[0, :m] = x
        out[1:m, 1:m] = np.eye(m - 1)
        out[1:m, 0] = -1.0
        out[1:m, m:N] = -mu * (self.A[1:] - self.A[0]) * y
        out[1:m, N] = -(u[1:] - u[0])
        out[m, m:N] = y
        out[m + 1 : N, m + 1 : N] = np.eye(n - 1)
        out[m + 1 : N, m] = -1.0
        out[m + 1 : N, :m] = -mu * (self.B.T[1:] - self.B.T[0]) * x
        out[m + 1 : N, N] = -(v[1:] - v[0])
        return out

    def tangent(self, w: FloatArray, previous: FloatArray) -> tuple[FloatArray, float]:
        """The unit tangent oriented along ``previous``, and the sign of det of the bordered Jacobian."""
        J = self.J(w)
        rhs = np.zeros(self.N + 1)
        rhs[-1] = 1.0
        t = np.linalg.solve(np.vstack([J, previous]), rhs)
        t /= np.linalg.norm(t)
        return t, float(np.sign(np.linalg.det(np.vstack([J, t]))))

    def locate(self, w: FloatArray, t: FloatArray, h: float, orientation: float, tol: float) -> float:
        """The precision where the bordered determinant changes sign between ``w`` and the point one
        step ``h`` along ``t`` (bisection in the arclength, to 2**-30 of the step)."""
        lo, hi = 0.0, h
        for _ in range(30):
            mid = 0.5 * (lo + hi)
            point, ok = self.correct(w + mid * t, t, tol)
            if not ok:
                break
            if self.tangent(point, t)[1] == orientation:
                lo = mid
            else:
                hi = mid
        point, _ = self.correct(w + 0.5 * (lo + hi) * t, t, tol)
        return float(point[-1])

    def correct(self, w: FloatArray, t: FloatArray, tol: float, iterations: int = 8) -> tuple[FloatArray, bool]:
        """Newton's method on H with minimum-norm steps (orthogonal to ``t``)."""
        previous = np.inf
        for _ in range(iterations):
            h = self.H(w)
            size = float(np.abs(h).max())
            if not np.isfinite(size):
                return w, False
            if size <= tol:
                return w, True
            if size > 0.5 * previous:  # not contracting
                return w, False
            previous = size
            step = np.linalg.solve(np.vstack([self.J(w), t]), np.concatenate([-h, [0.0]]))
            w = w + step
        return w, bool(np.abs(self.H(w)).max() <= tol)


def quantal_response(
    model: NormalFormGame | Scenario,
    values: Mapping[str, float] | None = None,
    *,
    maxregret: float = 1e-8,
    first_step: float = 0.03,
    max_accel: float = 1.2,
    max_steps: int = 20_000,
    match_tol: float = 1e-5,
) -> QuantalResponse:
    """The logit QRE principal branch from uniform play (λ = 0) to an approximate equilibrium.

    The trace stops when the regret at the current point is at most ``maxregret`` times the
    payoff range; the limit is matched to the equilibrium of
    :func:`~bargaining.analysis.nash.equilibria` within ``match_tol`` of it (sup norm over
    probabilities). See the module's docstring for the mathematics.

    >>> from bargaining.games.normal import NormalFormGame
    >>> pennies = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> q = quantal_response(pennies)
    >>> q.strategy("P1"), q.selected
    ({'s0': 0.5, 's1': 0.5}, 0)
    """
    game, vals, A, B = _bimatrix(model, values)
    scale = _scale(A, B)
    logit = _Logit(A / scale, B / scale)
    m, n, N = logit.m, logit.n, logit.N
    w = np.concatenate([np.full(m, -np.log(m)), np.full(n, -np.log(n)), [0.0]])
    t = np.zeros(N + 1)
    t[-1] = 1.0
    t, orientation = logit.tangent(w, t)
    points = [w.copy()]
    bifurcations: list[float] = []
    turning: list[float] = []
    h = first_step
    notes: list[str] = []
    finished = False
    for _ in range(max_steps):
        x, y, mu = logit.split(w)
        if mu > 0 and regret(logit.A, logit.B, x / x.sum(), y / y.sum()) <= maxregret:
            finished = True
            break
        tol = 1e-11 * (1.0 + abs(mu))
        candidate, ok = logit.correct(w + h * t, t, tol)
        new_t: FloatArray | None = None
        if ok:
            new_t, new_orientation = logit.tangent(candidate, t)
            ok = float(new_t @ t) > 0.9  # turn by less than about 25 degrees per step
        if not ok or new_t is None:
            h /= 2.0
            if h < 1e-12:
                notes.append(f"The corrector failed at λ ≈ {mu / scale:.4g}: the trace stopped there.")
                break
            continue
        if new_t[-1] * t[-1] < 0:
            turning.append(float(candidate[-1]) / scale)
        if new_orientation != orientation:
            bifurcations.append(logit.locate(w, t, h, orientation, tol) / scale)
            orientation = new_orientation
        w, t = candidate, new_t
        points.append(w.copy())
        h *= max_accel
    else:
        notes.append(f"The trace stopped after {max_steps} steps (max_steps) before the regret fell to maxregret.")
    path = np.array(points)
    lambdas = path[:, -1] / scale
    xs = np.exp(path[:, :m])
    ys = np.exp(path[:, m:N])
    xs /= xs.sum(axis=1, keepdims=True)
    ys /= ys.sum(axis=1, keepdims=True)
    x_end, y_end = xs[-1], ys[-1]
    found = equilibria(game, vals, exact=False)
    nearest, dist = _nearest(found, x_end, y_end)
    rel = regret(A, B, x_end, y_end) / scale
    selected = nearest if nearest is not None and dist <= match_tol else None
    component = _component(found, x_end, y_end, match_tol) if selected is None and finished else None
    if component is not None:
        members = ", ".join(f"#{k + 1}" for k in found.components[component])
        notes.insert(
            0,
            f"The logit tracing selects a point of a continuum of equilibria, not an extreme one: component "
            f"#{component + 1} (joining {members}), at the result's limit.",
        )
    elif selected is not None and not bifurcations:
        notes.insert(0, f"The logit tracing selects equilibrium #{selected + 1}.")
    elif selected is not None:
        notes.insert(0, f"The trace ends at equilibrium #{selected + 1}, past a bifurcation (see below).")
    elif finished:
        notes.insert(
            0,
            f"The branch ends at an approximate equilibrium (regret {rel:.2g} of the payoff range) that is not "
            f"an extreme equilibrium: the nearest, #{(nearest or 0) + 1}, is {dist:.3g} away (a continuum?).",
        )
    if bifurcations:
        where = ", ".join(f"{b:.4g}" for b in bifurcations)
        notes.append(
            f"The branch crosses a bifurcation at λ ≈ {where}: the game is not generic (a symmetry?), the "
            "principal branch is not unique beyond it and the logit selection is not defined; this trace "
            "continues straight through (another tracer, e.g. Gambit's, may take another branch)."
        )
    if turning:
        notes.append(f"The branch bends back in λ at λ ≈ {', '.join(f'{v:.4g}' for v in turning)}.")
    return QuantalResponse(
        game.actors,
        game.strategies,
        lambdas,
        (xs, ys),
        _profile(x_end, y_end),
        rel,
        selected,
        dist,
        found,
        component,
        tuple(bifurcations),
        tuple(turning),
        values=vals,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- learning


Dynamic = Literal["fictitious play", "replicator dynamics"]


@dataclass(frozen=True, eq=False)
class LearningPath(Result):
    """A learning trajectory and where it ends, judged against the game's equilibria.

    ``times`` are iterations (fictitious play) or time points (replicator dynamics);
    ``paths[i][k]`` is actor ``i``'s mixed strategy at ``times[k]`` (fictitious play: the empirical
    frequencies of play so far). ``limit`` is the last point, ``regret`` its largest regret over the
    payoff range, ``nearest`` the index in ``equilibria`` of the equilibrium nearest to it at
    ``distance`` (sup norm). ``converged`` holds when both ``regret`` and ``distance`` are at most
    ``tol``; ``equilibrium`` is then ``nearest``, else None. ``seed`` and ``start`` say how the run
    began (the seed drives fictitious play's tie-breaking, or draws the replicator's start).
    """

    dynamic: Dynamic
    actors: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    times: FloatArray
    paths: tuple[FloatArray, ...]
    limit: Profile
    regret: float
    nearest: int | None
    distance: float
    converged: bool
    equilibrium: int | None
    tol: float
    seed: int
    start: Profile
    equilibria: EquilibriumSet
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The run (thinned to at most about 1000 points), its limit and the equilibrium it reached."""
        stride = max(1, -(-len(self.times) // 1000))
        return {
            "analysis": self.dynamic.replace(" ", "_"),
            "method": self.method,
            "actors": list(self.actors),
            "strategies": {a: list(s) for a, s in zip(self.actors, self.strategies, strict=True)},
            "path_stride": stride,
            "times": [clean_number(v) for v in self.times[::stride]],
            "paths": {
                a: [[clean_number(p) for p in row] for row in path[::stride]]
                for a, path in zip(self.actors, self.paths, strict=True)
            },
            "start": _mixture_dict(self.strategies, self.actors, self.start),
            "limit": _mixture_dict(self.strategies, self.actors, self.limit),
            "regret": clean_number(self.regret, 15),
            "nearest": None if self.nearest is None else self.nearest + 1,
            "distance": clean_number(self.distance, 15),
            "converged": self.converged,
            "equilibrium": None if self.equilibrium is None else self.equilibrium + 1,
            "tol": self.tol,
            "seed": self.seed,
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


def _judge(
    dynamic: Dynamic,
    game: NormalFormGame,
    vals: dict[str, float],
    A: FloatArray,
    B: FloatArray,
    times: FloatArray,
    xs: FloatArray,
    ys: FloatArray,
    *,
    tol: float,
    seed: int,
    start: Profile,
    method: str,
    notes: list[str],
) -> LearningPath:
    found = equilibria(game, vals, exact=False)
    x, y = xs[-1], ys[-1]
    rel = regret(A, B, x, y) / _scale(A, B)
    nearest, dist = _nearest(found, x, y)
    converged = rel <= tol and dist <= tol
    which = nearest if converged else None
    if which is not None:
        notes.insert(0, f"{dynamic.capitalize()} reaches equilibrium #{which + 1} (within {tol:g}).")
    else:
        notes.insert(
            0,
            f"{dynamic.capitalize()} has not reached an equilibrium within {tol:g}: regret {rel:.3g} of the payoff "
            f"range, {dist:.3g} from the nearest equilibrium #{(nearest or 0) + 1}.",
        )
    return LearningPath(
        dynamic,
        game.actors,
        game.strategies,
        times,
        (xs, ys),
        _profile(x, y),
        rel,
        nearest,
        dist,
        converged,
        which,
        tol,
        seed,
        start,
        found,
        method=method,
        values=vals,
        notes=tuple(notes),
    )


def fictitious_play(
    model: NormalFormGame | Scenario,
    values: Mapping[str, float] | None = None,
    *,
    iterations: int = 2000,
    play_counts: Sequence[Sequence[float]] | None = None,
    seed: int = 0,
    tol: float = 0.02,
) -> LearningPath:
    """Fictitious play (Brown 1951; Fudenberg & Levine 1998, ch. 2), run by nashpy.

    Each round both actors best-reply to the other's empirical frequency of play so far (ties
    broken at random: nashpy draws from numpy's global generator, which is seeded with ``seed``
    for the run and restored afterwards). The path is the empirical frequencies after each round
    (from the first round with a count). In zero-sum 2x2 games they converge to the equilibrium
    (Robinson 1951), slowly; in some games (Shapley 1964) they cycle.

    >>> from bargaining.games.normal import NormalFormGame
    >>> pennies = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> run = fictitious_play(pennies, iterations=3000)
    >>> run.equilibrium, run.converged
    (0, True)
    """
    game, vals, A, B = _bimatrix(model, values)
    if iterations < 1:
        raise ScenarioError("a positive number of iterations", found=str(iterations), field="iterations")
    counts0: list[FloatArray] | None = None
    if play_counts is not None:
        counts0 = [np.asarray(c, dtype=float) for c in play_counts]
        if len(counts0) != 2 or counts0[0].shape != (A.shape[0],) or counts0[1].shape != (A.shape[1],):
            raise ScenarioError(
                f"two count vectors of lengths {A.shape[0]} and {A.shape[1]}",
                found=str([c.shape for c in counts0]),
                field="play_counts",
            )
        if any((c < 0).any() for c in counts0):
            raise ScenarioError(
                "non-negative play counts", found=str([c.tolist() for c in counts0]), field="play_counts"
            )
    import nashpy  # imported where used: start-up time

    state = np.random.get_state()
    np.random.seed(seed)
    try:
        runs = list(nashpy.Game(A, B).fictitious_play(iterations=iterations, play_counts=counts0))
    finally:
        np.random.set_state(state)
    rows = np.array([np.concatenate([np.asarray(r[0], float), np.asarray(r[1], float)]) for r in runs])
    m = A.shape[0]
    first = int(np.argmax((rows[:, :m].sum(axis=1) > 0) & (rows[:, m:].sum(axis=1) > 0)))
    rows = rows[first:]
    xs = rows[:, :m] / rows[:, :m].sum(axis=1, keepdims=True)
    ys = rows[:, m:] / rows[:, m:].sum(axis=1, keepdims=True)
    times = np.arange(first, first + len(rows), dtype=float)
    return _judge(
        "fictitious play",
        game,
        vals,
        A,
        B,
        times,
        xs,
        ys,
        tol=tol,
        seed=seed,
        start=_profile(xs[0], ys[0]),
        method=f"fictitious play, nashpy {nashpy.__version__} (Game.fictitious_play), ties by numpy seed {seed}",
        notes=[],
    )


def _interior(given: npt.ArrayLike | None, size: int, rng: np.random.Generator, name: str) -> FloatArray:
    if given is None:
        return np.asarray(rng.dirichlet(np.ones(size)), dtype=float)
    out = np.asarray(given, dtype=float)
    if out.shape != (size,) or (out < 0).any() or not np.isclose(out.sum(), 1.0):
        raise ScenarioError(f"a probability vector of length {size}", found=str(out.tolist()), field=name)
    return out


def replicator_dynamics(
    model: NormalFormGame | Scenario,
    values: Mapping[str, float] | None = None,
    *,
    x0: npt.ArrayLike | None = None,
    y0: npt.ArrayLike | None = None,
    timepoints: npt.ArrayLike | None = None,
    seed: int = 0,
    tol: float = 1e-3,
) -> LearningPath:
    r"""Two-population (asymmetric) replicator dynamics, integrated by nashpy.

    :math:`\dot x_j = x_j\big((Ay)_j - x^\top A y\big)`, :math:`\dot y_j = y_j\big((B^\top x)_j
    - x^\top B y\big)` (Taylor 1979; Weibull 1995, ch. 5), by nashpy's
    ``Game.asymmetric_replicator_dynamics`` (scipy's ``odeint``). A start not given is drawn
    uniformly from the interior of the simplex with ``seed``. ``timepoints`` default to 0..200
    in units of the payoff range (1001 points), long enough for play to settle at a strict
    equilibrium. Interior rest points are Nash equilibria, but trajectories may cycle around one
    (matching pennies) instead of reaching it.

    >>> from bargaining.games.normal import NormalFormGame
    >>> coordination = NormalFormGame.from_arrays([[2, 0], [0, 1]], [[2, 0], [0, 1]])
    >>> run = replicator_dynamics(coordination, x0=[0.5, 0.5], y0=[0.5, 0.5])
    >>> run.equilibrium, run.equilibria[run.equilibrium].pure
    (0, True)
    """
    game, vals, A, B = _bimatrix(model, values)
    rng = np.random.default_rng(seed)
    x_start = _interior(x0, A.shape[0], rng, "x0")
    y_start = _interior(y0, A.shape[1], rng, "y0")
    scale = _scale(A, B)
    times = np.linspace(0.0, 200.0 / scale, 1001) if timepoints is None else np.asarray(timepoints, dtype=float).ravel()
    if times.size < 2 or (np.diff(times) <= 0).any():
        raise ScenarioError("increasing time points (at least two)", found=str(times[:5].tolist()), field="timepoints")
    import nashpy  # imported where used: start-up time

    xs, ys = nashpy.Game(A, B).asymmetric_replicator_dynamics(x0=x_start, y0=y_start, timepoints=times)
    xs = np.clip(np.asarray(xs, dtype=float), 0.0, None)
    ys = np.clip(np.asarray(ys, dtype=float), 0.0, None)
    xs /= xs.sum(axis=1, keepdims=True)
    ys /= ys.sum(axis=1, keepdims=True)
    notes = [] if x0 is not None and y0 is not None else [f"The start was drawn from the simplex with seed {seed}."]
    return _judge(
        "replicator dynamics",
        game,
        vals,
        A,
        B,
        times,
        xs,
        ys,
        tol=tol,
        seed=seed,
        start=_profile(x_start, y_start),
        method=f"two-population replicator dynamics, nashpy {nashpy.__version__} (Game.asymmetric_replicator_dynamics)",
        notes=notes,
    )

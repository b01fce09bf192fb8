r"""Every Nash equilibrium of a game of three or more actors, mixed included, by support enumeration.

A profile :math:`\sigma` is a Nash equilibrium with supports :math:`S_1, \dots, S_n` (the strategies
each actor plays with positive probability) iff, writing :math:`v_i(s) = u_i(s, \sigma_{-i})`,

* each actor is indifferent across its support: :math:`v_i(s) = v_i(t)` for :math:`s, t \in S_i`;
* the probabilities are positive on the support and sum to one: :math:`\sigma_i(s) > 0` on
  :math:`S_i`, :math:`\sum_{s \in S_i} \sigma_i(s) = 1`, zero elsewhere;
* no strategy outside the support is better: :math:`v_i(t) \le v_i(s)` for :math:`t \notin S_i`.

With the supports fixed, the first conditions are :math:`\sum_i (|S_i| - 1)` polynomial equations
(multilinear in the other actors' probabilities) in as many unknowns (McKelvey & McLennan 1996,
*Computation of equilibria in finite games*, §6; the approach of Gambit's ``enumpoly``, Datta 2003).
:func:`all_equilibria` visits every support profile, :math:`\prod_i (2^{m_i} - 1)` of them, after
iterated elimination of strictly dominated strategies (:mod:`bargaining.kernels.dominance`) and a
cheap test per profile: a support strategy weakly dominated (with one strict inequality) by another
strategy against the opponents' supports cannot be a best reply at any profile giving every
opponent profile positive weight, so the profile is skipped.

The surviving systems are solved exactly: the payoffs become rational numbers (the parameters
enter as ``sympy.Rational(repr(value))``), a lexicographic Groebner basis (``sympy.groebner`` in
graded order, converted by FGLM) triangulates the system, and its real roots are found exactly
(rationals, square roots, or ``CRootOf`` algebraic numbers); each root inside the simplex is checked
as a mutual best response in exact arithmetic (high precision for algebraic numbers) and in floats.
A basis that is not zero-dimensional means a continuum: its points are sampled (exactly where the
free coordinates are fixed at rationals) and reported together as one component, never dropped.

The budget, stated: complete enumeration is refused above :data:`MAX_SUPPORT_PROFILES` support
profiles (after elimination; six actors with three strategies each is :math:`7^6 = 117\,649`), with a
``ScenarioError`` suggesting ``method="some"``. A support with more than :data:`EXACT_MAX_UNKNOWNS`
unknowns, or whose Bezout bound exceeds :data:`EXACT_MAX_BEZOUT`, is not solved exactly but by
``scipy.optimize.root`` from :data:`NUMERIC_STARTS` random starts; what it finds is flagged numeric,
and the set is then not certified complete. ``method="some"`` gives the pure equilibria and what a
local search on the Lyapunov function finds from random starts: some equilibria, not necessarily all.

>>> import numpy as np
>>> # three actors, each paid 1 for matching the next actor's choice (a cyclic matching game)
>>> u = np.zeros((3, 2, 2, 2), dtype=int)
>>> for a, b, c in np.ndindex(2, 2, 2):
...     u[:, a, b, c] = [int(a == b), int(b == c), int(c != a)]
>>> found = all_equilibria(u)
>>> [[str(p) for p in probs] for probs in found.equilibria[0].exact]
[['1/2', '1/2'], ['1/2', '1/2'], ['1/2', '1/2']]
>>> found.complete, len(found.equilibria)
(True, 1)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.errors import ScenarioError
from bargaining.kernels.dominance import iterated_elimination
from bargaining.kernels.pure import pure_equilibria as pure_profiles

if TYPE_CHECKING:
    from bargaining.games.normal import NormalFormGame

__all__ = [
    "EXACT_MAX_BEZOUT",
    "EXACT_MAX_UNKNOWNS",
    "MAX_SUPPORT_PROFILES",
    "NUMERIC_STARTS",
    "Continuum",
    "Found",
    "NashN",
    "all_equilibria",
    "rational_payoffs",
    "solve",
    "some_equilibria",
    "support_profile_count",
]

MAX_SUPPORT_PROFILES = 7**6
"""Complete enumeration is refused above this many support profiles (six actors, three strategies each)."""
EXACT_MAX_UNKNOWNS = 6
"""A support system with more unknowns than this is solved numerically, not exactly."""
EXACT_MAX_BEZOUT = 64
"""A support system whose multihomogeneous Bezout bound exceeds this is solved numerically (3x3x3: 10)."""
NUMERIC_STARTS = 48
"""Random starts of the numeric root finder on one support (and of the local search of ``method="some"``)."""
SAMPLES_PER_CONTINUUM = 4
"""At most this many sample points are reported for one continuum."""

Exact = tuple[tuple[sympy.Expr, ...], ...]
Probabilities = tuple[tuple[float, ...], ...]
Support = tuple[tuple[int, ...], ...]
ObjArray = npt.NDArray[np.object_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Found:
    """One equilibrium: probabilities over every strategy, exact where ``exact`` is not None.

    ``numeric`` says it was found by numeric root finding (not certified exactly); ``continuum`` is
    the index in :attr:`NashN.continua` of the continuum it samples, None for an isolated one.
    """

    support: Support
    probabilities: Probabilities
    exact: Exact | None
    numeric: bool = False
    continuum: int | None = None
    payoffs: tuple[float, ...] = ()
    exact_payoffs: tuple[sympy.Expr, ...] | None = None


@dataclass(frozen=True)
class Continuum:
    """A support whose indifference conditions have a positive-dimensional solution set.

    ``dimension`` is the number of free coordinates found; ``samples`` index the equilibria
    reported as its points (empty: no point of it was found inside the simplex, so whether it holds
    equilibria is undecided).
    """

    support: Support
    dimension: int
    samples: tuple[int, ...]


@dataclass(frozen=True)
class NashN:
    """What the n-actor solver found: equilibria, continua, completeness and notes."""

    equilibria: tuple[Found, ...]
    continua: tuple[Continuum, ...]
    complete: bool
    method: str
    supports_total: int
    supports_solved: int
    notes: tuple[str, ...]


# --------------------------------------------------------------------------- exact payoffs


def rational_payoffs(game: NormalFormGame, values: Mapping[str, float]) -> tuple[ObjArray, list[str]]:
    """The game's payoffs at ``values`` as exact rationals, and a note per payoff that is not rational.

    Each parameter enters as ``sympy.Rational(repr(value))`` (0.3 is 3/10); a payoff that is still
    irrational (``sqrt(2)``, ``log(3)``) is replaced by the rational value of its float, and named.
    """
    subs = {s: sympy.Rational(repr(float(values[s.name]))) for s in game.parameter_symbols() if s.name in values}
    table = game.payoff_table()
    out = np.empty(table.shape, dtype=object)
    rounded: list[str] = []
    for idx in np.ndindex(*table.shape):
        expr = sympy.sympify(table[idx])
        val = expr.xreplace(subs) if expr.free_symbols else expr
        if not isinstance(val, sympy.Rational):
            val = sympy.nsimplify(val) if val.is_number and val.is_rational else val
        if not isinstance(val, sympy.Rational):
            val = sympy.Rational(repr(float(val)))
            profile = ", ".join(game.strategies[j][k] for j, k in enumerate(idx[1:]))
            rounded.append(f"{game.actors[idx[0]]} at ({profile})")
        out[idx] = val
    return out, rounded


def _as_rational(payoffs: npt.ArrayLike) -> ObjArray:
    raw = np.asarray(payoffs, dtype=object)
    out = np.empty(raw.shape, dtype=object)
    for idx in np.ndindex(*raw.shape):
        x = raw[idx]
        if isinstance(x, sympy.Rational):
            out[idx] = x
        elif isinstance(x, int | np.integer):
            out[idx] = sympy.Integer(int(x))
        elif isinstance(x, Fraction):
            out[idx] = sympy.Rational(x.numerator, x.denominator)
        else:
            out[idx] = sympy.Rational(repr(float(x)))
    return out


def support_profile_count(shape: Sequence[int]) -> int:
    """:math:`\\prod_i (2^{m_i} - 1)`: the number of support profiles of a game of this shape."""
    return math.prod(2**m - 1 for m in shape)


# --------------------------------------------------------------------------- payoff contractions


def _values(sub: npt.NDArray[np.generic], i: int, sigma: Sequence[Sequence[object]]) -> list[Any]:
    """:math:`v_i(s) = u_i(s, \\sigma_{-i})` for every s along axis i of ``sub`` (actor i's payoffs).

    The entries are numbers of whatever kind came in (sympy expressions, fractions, high-precision
    floats): an object array contracted with ``dot``, so the result's element type is theirs."""
    v: npt.NDArray[np.generic] = np.moveaxis(sub, i, 0)
    for j in reversed(range(len(sigma))):
        if j != i:
            v = v.dot(np.asarray(sigma[j], dtype=v.dtype))
    return list(v)


def _float_values(arr: FloatArray, i: int, sigma: Sequence[FloatArray]) -> FloatArray:
    v = np.moveaxis(arr[i], i, 0)
    for j in reversed(range(len(sigma))):
        if j != i:
            v = v @ sigma[j]
    return np.asarray(v, dtype=float)


def _regret(arr: FloatArray, sigma: Sequence[FloatArray]) -> float:
    """The largest gain any actor has from a pure deviation."""
    worst = 0.0
    for i in range(arr.shape[0]):
        v = _float_values(arr, i, sigma)
        worst = max(worst, float(v.max() - v @ sigma[i]))
    return worst


def _scale(arr: FloatArray) -> float:
    return max(1.0, float(np.abs(arr).max()))


# --------------------------------------------------------------------------- pruning


def _conditionally_dominated(arr: FloatArray, i: int, others: Support) -> frozenset[int]:
    """Strategies of actor i weakly dominated, with one strict inequality, by another of i's
    strategies against every profile of the opponents' supports ``others`` (own axis ignored)."""
    idx = [others[j] if j != i else list(range(arr.shape[1 + i])) for j in range(arr.shape[0])]
    sub = np.moveaxis(arr[i][np.ix_(*idx)], i, 0).reshape(arr.shape[1 + i], -1)
    ge = np.all(sub[:, None, :] >= sub[None, :, :], axis=2)
    gt = np.any(sub[:, None, :] > sub[None, :, :], axis=2)
    beats = ge & gt  # beats[t, s]: t weakly dominates s with one strict inequality
    return frozenset(int(s) for s in np.flatnonzero(beats.any(axis=0)))


def _subsets(items: Sequence[int]) -> list[tuple[int, ...]]:
    return [c for k in range(1, len(items) + 1) for c in itertools.combinations(items, k)]


def _candidate_supports(arr: FloatArray, alive: Support) -> tuple[list[Support], int]:
    """Support profiles over the surviving strategies that pass the conditional-dominance test."""
    n = arr.shape[0]
    options = [_subsets(a) for a in alive]
    total = math.prod(len(o) for o in options)
    memo: list[dict[Support, frozenset[int]]] = [{} for _ in range(n)]
    out = []
    for prof in itertools.product(*options):
        ok = True
        for i in range(n):
            key = prof[:i] + prof[i + 1 :]
            bad = memo[i].get(key)
            if bad is None:
                bad = _conditionally_dominated(arr, i, prof)
                memo[i][key] = bad
            if bad.intersection(prof[i]):
                ok = False
                break
        if ok:
            out.append(prof)
    return out, total


# --------------------------------------------------------------------------- one support, exactly


@dataclass(frozen=True)
class _System:
    symbols: tuple[sympy.Symbol, ...]
    sigma: tuple[tuple[sympy.Expr, ...], ...]  # per actor, over its support
    equations: tuple[sympy.Expr, ...]
    bezout: int


def _system(Q: ObjArray, support: Support) -> _System:
    n = Q.shape[0]
    symbols: list[sympy.Symbol] = []
    sigma: list[tuple[sympy.Expr, ...]] = []
    for i, s in enumerate(support):
        xs = [sympy.Symbol(f"p{i}_{t}") for t in s[1:]]
        symbols += xs
        sigma.append((sympy.Integer(1) - sum(xs, sympy.Integer(0)), *xs))
    eqs = []
    for i in range(n):
        if len(support[i]) < 2:
            continue
        sub = Q[i][np.ix_(*support)]
        v = _values(sub, i, sigma)
        for t in range(1, len(v)):
            e = sympy.expand(v[t] - v[0])
            if e != 0:
                eqs.append(e)
    return _System(tuple(symbols), tuple(sigma), tuple(eqs), _multihomogeneous_bezout([len(s) - 1 for s in support]))


def _multihomogeneous_bezout(unknowns: Sequence[int]) -> int:
    """McKelvey & McLennan's bound on the isolated totally mixed equilibria of a support profile.

    Actor i's :math:`d_i = |S_i| - 1` equations have degree one in each other actor's unknowns, so
    the bound is the coefficient of :math:`\\prod_j z_j^{d_j}` in :math:`\\prod_i (\\sum_{j \ne i} z_j)^{d_i}`.
    """
    mixing = [k for k, d in enumerate(unknowns) if d > 0]
    if not mixing:
        return 1
    z = sympy.symbols(f"z0:{len(unknowns)}")
    prod = sympy.Integer(1)
    for i in mixing:
        prod *= sum((z[j] for j in mixing if j != i), sympy.Integer(0)) ** unknowns[i]
    poly = sympy.Poly(sympy.expand(prod), *(z[j] for j in mixing))
    return int(poly.coeff_monomial(math.prod(z[j] ** unknowns[j] for j in mixing)))


def _is_zero(x: sympy.Expr) -> bool:
    return bool(abs(sympy.N(x, 60)) < sympy.Float("1e-45"))


def _real_roots(f: sympy.Poly) -> list[sympy.Expr]:
    if f.degree() == 2:
        return [r for r in sympy.roots(f, multiple=True) if r.is_real]
    return list(f.real_roots())


def _shape_position(G: list[sympy.Poly], xs: Sequence[sympy.Symbol]) -> dict[sympy.Symbol, sympy.Expr] | None:
    """x_k = g_k(x_last) for every other unknown, if the lex basis has that shape."""
    last = xs[-1]
    found: dict[sympy.Symbol, sympy.Expr] = {}
    for g in G:
        e = g.as_expr()
        free = e.free_symbols - {last}
        if len(free) != 1:
            continue
        (x,) = free
        p = sympy.Poly(e, x)
        if p.degree() == 1 and not p.coeffs()[0].free_symbols:
            found[x] = sympy.expand(-p.coeff_monomial(1) / p.coeff_monomial(x))
    return found if all(x in found for x in xs[:-1]) else None


def _basis(exprs: Sequence[sympy.Expr], xs: Sequence[sympy.Symbol], *, lex: bool) -> Any:
    """A Groebner basis of ``exprs``: graded reverse lexicographic (the cheap one to compute), and
    converted to lexicographic by FGLM when ``lex`` and the system is zero-dimensional (about four
    times faster than computing the lexicographic basis directly on 3x3x3 supports)."""
    G = sympy.groebner(list(exprs), *xs, order="grevlex")
    if lex and list(G.exprs) != [1] and G.is_zero_dimensional:
        return G.fglm("lex")
    return G


def _solve_zero_dim(
    exprs: Sequence[sympy.Expr], xs: Sequence[sympy.Symbol], *, triangular: bool = False
) -> list[tuple[sympy.Expr, ...]] | None:
    """Every real solution of a zero-dimensional system, exactly; None when it cannot be done exactly.

    ``triangular``: ``exprs`` are (a specialisation of) a lexicographic basis already, so the
    lexicographic basis is computed directly (cheap from there; costly through the graded order)."""
    G = sympy.groebner(list(exprs), *xs, order="lex") if triangular else _basis(exprs, xs, lex=True)
    if list(G.exprs) == [1]:
        return []
    if not G.is_zero_dimensional:
        return None
    last = xs[-1]
    h = G.exprs[-1]
    if h.free_symbols - {last}:
        return None
    sols: list[tuple[sympy.Expr, ...]] = []
    for f, _ in sympy.factor_list(h, last)[1]:
        fp = sympy.Poly(f, last)
        if fp.degree() < 1:
            continue
        if fp.degree() == 1:
            r = -fp.coeff_monomial(1) / fp.coeff_monomial(last)
            if len(xs) == 1:
                sols.append((r,))
                continue
            rest = [e for e in (sympy.expand(g.subs(last, r)) for g in G.exprs) if e != 0]
            inner = _solve_zero_dim(rest, xs[:-1], triangular=True) if rest else None
            if inner is None:
                return None
            sols += [(*s, r) for s in inner]
            continue
        roots = _real_roots(fp)
        if not roots:
            continue
        if len(xs) == 1:
            sols += [(r,) for r in roots]
            continue
        Gf = sympy.groebner([*G.exprs, f], *xs, order="lex")
        if list(Gf.exprs) == [1]:
            continue
        shape = _shape_position(list(Gf.polys), xs)
        if shape is None:
            return None
        for r in roots:
            sols.append((*(sympy.expand(shape[x].subs(last, r)) for x in xs[:-1]), r))
    return sols


def _exact_profile(
    system: _System, point: Sequence[sympy.Expr], support: Support, shape: Sequence[int]
) -> Exact | None:
    """Full-length exact probabilities at ``point``, or None if one is not positive on the support."""
    subs = dict(zip(system.symbols, point, strict=True))
    out = []
    for i, s in enumerate(support):
        full: list[sympy.Expr] = [sympy.Integer(0)] * shape[i]
        for k, t in enumerate(s):
            p = system.sigma[i][k]
            p = sympy.expand(p.xreplace(subs)) if p.free_symbols else p
            if _is_zero(p) or sympy.N(p, 60) < 0:
                return None
            full[t] = p
        out.append(tuple(full))
    return tuple(out)


def _exact_best_response(Q: ObjArray, exact: Exact, support: Support) -> bool:
    """No strategy outside a support does better, exactly (high precision for algebraic numbers)."""
    rational = all(isinstance(p, sympy.Rational) for row in exact for p in row)
    if rational:
        sigma: list[list[object]] = [[Fraction(int(p.p), int(p.q)) for p in row] for row in exact]
        q = np.vectorize(lambda r: Fraction(int(r.p), int(r.q)), otypes=[object])(Q)
        for i in range(Q.shape[0]):
            v = _values(q[i], i, sigma)
            best = v[support[i][0]]
            if any(v[t] > best for t in range(len(v))):
                return False
        return True
    hp = [[sympy.N(p, 50) for p in row] for row in exact]
    tol = sympy.Float("1e-35") * max(1.0, max(abs(float(x)) for x in Q.flat))
    for i in range(Q.shape[0]):
        v = _values(Q[i], i, hp)
        best = v[support[i][0]]
        if any(v[t] - best > tol for t in range(len(v))):
            return False
    return True


def _floats(exact: Exact) -> Probabilities:
    return tuple(tuple(float(sympy.N(p, 30)) for p in row) for row in exact)


# --------------------------------------------------------------------------- numeric root finding


def _residual(arr: FloatArray, support: Support) -> Callable[[FloatArray], tuple[FloatArray, list[FloatArray]]]:
    n = arr.shape[0]
    subs = [arr[i][np.ix_(*support)] for i in range(n)]

    def f(x: FloatArray) -> tuple[FloatArray, list[FloatArray]]:
        sig: list[FloatArray] = []
        k = 0
        for s in support:
            xs = x[k : k + len(s) - 1]
            k += len(s) - 1
            sig.append(np.concatenate(([1.0 - xs.sum()], xs)))
        res = []
        for i in range(n):
            if len(support[i]) > 1:
                v = np.moveaxis(subs[i], i, 0)
                for j in reversed(range(n)):
                    if j != i:
                        v = v @ sig[j]
                res.append(v[1:] - v[0])
        return (np.concatenate(res) if res else np.zeros(0)), sig

    return f


def _full(sig: Sequence[FloatArray], support: Support, shape: Sequence[int]) -> list[FloatArray]:
    out = []
    for s, p, m in zip(support, sig, shape, strict=True):
        full = np.zeros(m)
        full[list(s)] = p
        out.append(full)
    return out


def _numeric_support(
    arr: FloatArray, support: Support, rng: np.random.Generator, starts: int
) -> list[list[FloatArray]]:
    """Roots of one support's system from random starts, inside the simplex, that are equilibria."""
    import scipy.optimize  # imported where used: start-up time

    f = _residual(arr, support)
    d = sum(len(s) - 1 for s in support)
    tol = 1e-8 * _scale(arr)
    found: list[list[FloatArray]] = []
    for _ in range(starts):
        x0 = np.concatenate([rng.dirichlet(np.ones(len(s)))[1:] for s in support])
        sol = scipy.optimize.root(lambda x: f(x)[0], x0, method="hybr") if d else None
        x = sol.x if sol is not None else x0
        res, sig = f(x)
        if res.size and np.abs(res).max() > tol:
            continue
        if any(p.min() <= 1e-9 for p in sig):
            continue
        full = _full(sig, support, arr.shape[1:])
        if _regret(arr, full) > tol:
            continue
        if not any(all(np.allclose(a, b, atol=1e-7) for a, b in zip(full, g, strict=True)) for g in found):
            found.append(full)
    return found


def _rationalise(Q: ObjArray, full: Sequence[FloatArray], support: Support) -> Exact | None:
    """Nearby rationals (denominators up to 10^4) that are exactly an equilibrium, or None."""
    exact = []
    for i, p in enumerate(full):
        row = [sympy.Rational(Fraction(float(x)).limit_denominator(10_000)) if x > 0 else sympy.Integer(0) for x in p]
        s = support[i]
        row[s[0]] = 1 - sum((row[t] for t in s[1:]), sympy.Integer(0))
        if any(row[t] <= 0 for t in s):
            return None
        exact.append(tuple(row))
    ex = tuple(exact)
    if not _exact_best_response(Q, ex, support):
        return None
    # indifference inside each support, exactly
    sigma = [list(r) for r in ex]
    for i, s in enumerate(support):
        v = _values(Q[i], i, sigma)
        if any(v[t] != v[s[0]] for t in s):
            return None
    return ex


# --------------------------------------------------------------------------- continua


def _sample_continuum(
    Q: ObjArray, arr: FloatArray, system: _System, support: Support, rng: np.random.Generator
) -> tuple[int, list[Exact], list[list[FloatArray]]]:
    """Free coordinates of a positive-dimensional system and sample equilibria on it, exactly.

    The free coordinates are found by pinning unknowns one at a time to generic rationals (a pin
    that keeps the system consistent marks a free unknown); the samples fix them at grid values and
    at rationals near numeric points of the continuum, and solve the remaining zero-dimensional
    system exactly."""
    xs = list(system.symbols)
    eqs = list(system.equations)
    free: list[sympy.Symbol] = []
    fixed = list(eqs)
    for x in reversed(xs):
        # a generic value of x keeps the system consistent iff x is free on some component
        pin = x - sympy.Rational(int(rng.integers(1, 96)), 97)
        G = _basis([*fixed, pin], xs, lex=False)
        if list(G.exprs) != [1]:
            free.append(x)
            fixed.append(pin)
            if G.is_zero_dimensional:
                break
    dim = len(free)
    grid = [sympy.Rational(k, 8) for k in range(1, 8)] if dim == 1 else [sympy.Rational(k, 4) for k in range(1, 4)]
    tries: list[dict[sympy.Symbol, sympy.Expr]] = [
        dict(zip(free, combo, strict=True)) for combo in itertools.islice(itertools.product(grid, repeat=dim), 27)
    ]
    import scipy.optimize  # imported where used: start-up time

    seeds = 0
    # numeric points on the continuum first: their free coordinates, rationalised, seed exact samples
    f = _residual(arr, support)
    tol = 1e-8 * _scale(arr)
    positions = {x: k for k, x in enumerate(xs)}
    for _ in range(NUMERIC_STARTS):
        x0 = np.concatenate([rng.dirichlet(np.ones(len(s)))[1:] for s in support])
        sol = scipy.optimize.least_squares(lambda x: f(x)[0], x0, bounds=(0.0, 1.0))
        res, sig = f(sol.x)
        if np.abs(res).max() > tol or any(p.min() < -1e-12 for p in sig):
            continue
        if _regret(arr, _full(sig, support, arr.shape[1:])) > tol:
            continue
        tries.insert(0, {x: sympy.Rational(Fraction(float(sol.x[positions[x]])).limit_denominator(100)) for x in free})
        seeds += 1
        if seeds >= 6:
            break
    exact_samples: list[Exact] = []
    seen: set[Exact] = set()
    for fix in tries:
        sub = [sympy.expand(e.xreplace(fix)) for e in eqs]
        sub = [e for e in sub if e != 0]
        rest = [x for x in xs if x not in fix]
        if rest and sub:
            sols = _solve_zero_dim(sub, rest)
        elif not sub:
            sols = [()] if not rest else None
        else:
            sols = []
        if not sols:
            continue
        for s in sols:
            point_map = {**fix, **dict(zip(rest, s, strict=True))}
            point = [point_map[x] for x in xs]
            ex = _exact_profile(system, point, support, Q.shape[1:])
            if ex is None or ex in seen or not _exact_best_response(Q, ex, support):
                continue
            seen.add(ex)
            exact_samples.append(ex)
        if len(exact_samples) >= 3 * SAMPLES_PER_CONTINUUM:
            break
    chosen = _spread(exact_samples, SAMPLES_PER_CONTINUUM)
    return dim, chosen, []


def _spread(points: list[Exact], k: int) -> list[Exact]:
    """Up to k of the points, far apart (greedy farthest-point selection)."""
    if len(points) <= k:
        return points
    flat = [np.concatenate([np.array(r, dtype=float) for r in _floats(p)]) for p in points]
    chosen = [0]
    while len(chosen) < k:
        dist = [min(float(np.abs(flat[a] - flat[c]).sum()) for c in chosen) for a in range(len(points))]
        chosen.append(int(np.argmax(dist)))
    return [points[c] for c in sorted(set(chosen))]


# --------------------------------------------------------------------------- the enumeration


def _pure_found(Q: ObjArray, arr: FloatArray) -> list[Found]:
    out = []
    for idx in pure_profiles(arr, tol=0.0):
        support = tuple((int(s),) for s in idx)
        exact = tuple(
            tuple(sympy.Integer(int(t == s)) for t in range(m)) for s, m in zip(idx, arr.shape[1:], strict=True)
        )
        if _exact_best_response(Q, exact, support):
            out.append(Found(support, _floats(exact), exact))
    return out


def all_equilibria(payoffs: npt.ArrayLike, *, seed: int = 0) -> NashN:
    """Every Nash equilibrium of the game with payoff array ``payoffs`` (shape ``(n, m_1, ..., m_n)``).

    Entries may be integers, fractions, sympy rationals or floats (a float x is taken as the
    rational ``repr(x)``). See the module's docstring for the method and the budget.
    """
    Q = _as_rational(payoffs)
    arr = Q.astype(float)
    n = arr.shape[0]
    shape = arr.shape[1:]
    rng = np.random.default_rng(seed)
    alive = iterated_elimination(arr).surviving  # float rounding is monotone: strict > on floats is exact
    total = support_profile_count([len(a) for a in alive])
    if total > MAX_SUPPORT_PROFILES:
        raise ScenarioError(
            f"at most {MAX_SUPPORT_PROFILES:,} support profiles for complete enumeration "
            f'(six actors with three strategies each); use method="some" for some equilibria',
            found=f"{total:,} (strategies per actor after eliminating dominated ones: "
            f"{'x'.join(str(len(a)) for a in alive)})",
            field="method",
        )
    candidates, _ = _candidate_supports(arr, alive)
    found: list[Found] = []
    continua: list[Continuum] = []
    numeric_supports: list[Support] = []
    undecided: list[Support] = []
    for support in candidates:
        if all(len(s) == 1 for s in support):
            continue
        system = _system(Q, support)
        d = len(system.symbols)
        too_big = d > EXACT_MAX_UNKNOWNS or system.bezout > EXACT_MAX_BEZOUT
        sols: list[tuple[sympy.Expr, ...]] | None = None
        positive_dim = False
        if not too_big:
            if not system.equations:
                positive_dim = True
            else:
                G = _basis(system.equations, system.symbols, lex=True)
                if list(G.exprs) == [1]:
                    continue
                if not G.is_zero_dimensional:
                    positive_dim = True
                else:
                    sols = _solve_zero_dim(list(G.exprs), system.symbols, triangular=True)
        if positive_dim:
            dim, samples, _ = _sample_continuum(Q, arr, system, support, rng)
            first = len(found)
            for ex in samples:
                found.append(Found(support, _floats(ex), ex, continuum=len(continua)))
            continua.append(Continuum(support, dim, tuple(range(first, len(found)))))
            if not samples:
                undecided.append(support)
            continue
        if sols is None:
            numeric_supports.append(support)
            for full in _numeric_support(arr, support, rng, NUMERIC_STARTS):
                near = _rationalise(Q, full, support)
                if near is not None:
                    found.append(Found(support, _floats(near), near))
                else:
                    found.append(Found(support, tuple(tuple(float(p) for p in r) for r in full), None, numeric=True))
            continue
        for point in sols:
            at = _exact_profile(system, point, support, shape)
            if at is None or not _exact_best_response(Q, at, support):
                continue
            probs = _floats(at)
            if _regret(arr, [np.array(r) for r in probs]) > 1e-7 * _scale(arr):
                continue  # exact and float arithmetic disagree: not reported as exact
            found.append(Found(support, probs, at))
    pure = _pure_found(Q, arr)
    mixed = sorted(found, key=lambda e: (sum(len(s) for s in e.support), e.support))
    renumber = {id(e): k + len(pure) for k, e in enumerate(mixed)}
    continua = [Continuum(c.support, c.dimension, tuple(renumber[id(found[k])] for k in c.samples)) for c in continua]
    notes = _notes(n, total, len(candidates), numeric_supports, continua, undecided)
    complete = not numeric_supports and not undecided
    return NashN(
        tuple(pure + mixed),
        tuple(continua),
        complete,
        "support enumeration (exact: sympy Groebner bases)",
        total,
        len(candidates),
        tuple(notes),
    )


def _support_text(support: Support) -> str:
    return "(" + "; ".join(",".join(str(t) for t in s) for s in support) + ")"


def _notes(
    n: int,
    total: int,
    examined: int,
    numeric_supports: list[Support],
    continua: list[Continuum],
    undecided: list[Support],
) -> list[str]:
    notes = [
        f"A game of {n} actors: every support profile was enumerated ({total:,} after eliminating strictly "
        f"dominated strategies, {examined:,} passing the dominance test); probabilities are exact numbers at these "
        "parameter values."
    ]
    for c in continua:
        if c.samples:
            which = ", ".join(f"#{k + 1}" for k in c.samples)
            notes.append(
                f"Continuum: equilibria {which} are sample points of a {c.dimension}-dimensional set of equilibria "
                "(one support, infinitely many equilibria); its boundary may reach equilibria listed separately."
            )
    if undecided:
        notes.append(
            f"{len(undecided)} support profile(s) have a continuum of solutions to their indifference conditions "
            "but no point of it inside the simplex was found: equilibria there are not ruled out."
        )
    if numeric_supports:
        notes.append(
            f"{len(numeric_supports)} support profile(s) exceeded the exact-solving budget (more than "
            f"{EXACT_MAX_UNKNOWNS} unknowns or a Bezout bound above {EXACT_MAX_BEZOUT}) and were solved numerically "
            f"from {NUMERIC_STARTS} starts: equilibria there without an exact form are numeric, and some may be missed."
        )
    return notes


def some_equilibria(payoffs: npt.ArrayLike, *, seed: int = 0, starts: int = NUMERIC_STARTS) -> NashN:
    """Some Nash equilibria, not necessarily all: the pure ones, and local minima of the Lyapunov function.

    The Lyapunov function :math:`L(\\sigma) = \\sum_i \\sum_s \\max(0, v_i(s) - u_i(\\sigma))^2` is zero
    exactly at the equilibria; it is minimised (L-BFGS-B on a softmax parametrisation) from
    ``starts`` random profiles, each minimum with :math:`L \\approx 0` is polished on its support
    and, where nearby rationals are exactly an equilibrium, given exactly.
    """
    Q = _as_rational(payoffs)
    arr = Q.astype(float)
    n = arr.shape[0]
    shape = arr.shape[1:]
    rng = np.random.default_rng(seed)
    tol = 1e-8 * _scale(arr)
    scale = _scale(arr)
    bounds = np.cumsum([0, *shape])

    def split(z: FloatArray) -> list[FloatArray]:
        out = []
        for i in range(n):
            w = z[bounds[i] : bounds[i + 1]]
            e = np.exp(w - w.max())
            out.append(e / e.sum())
        return out

    def liap(z: FloatArray) -> float:
        sig = split(z)
        total = 0.0
        for i in range(n):
            v = _float_values(arr, i, sig) / scale
            total += float((np.maximum(0.0, v - v @ sig[i]) ** 2).sum())
        return total

    import scipy.optimize  # imported where used: start-up time

    pure = _pure_found(Q, arr)
    found: list[Found] = []
    for _ in range(starts):
        z0 = rng.normal(size=int(bounds[-1]))
        sol = scipy.optimize.minimize(liap, z0, method="L-BFGS-B")
        sig = split(sol.x)
        support = tuple(tuple(int(t) for t in np.flatnonzero(p > 1e-4)) for p in sig)
        if all(len(s) == 1 for s in support):
            continue
        cands = _numeric_support(arr, support, rng, 4)
        for full in cands:
            if any(
                e.support == support
                and all(np.allclose(a, b, atol=1e-7) for a, b in zip(full, e.probabilities, strict=True))
                for e in found
            ):
                continue
            ex = _rationalise(Q, full, support)
            if ex is not None:
                found.append(Found(support, _floats(ex), ex))
            elif _regret(arr, full) <= tol:
                found.append(Found(support, tuple(tuple(float(p) for p in r) for r in full), None, numeric=True))
    mixed = sorted(found, key=lambda e: (sum(len(s) for s in e.support), e.support))
    notes = (
        f"Some equilibria, not necessarily all: every pure equilibrium, and what a local search from {starts} "
        "random starts found; the others are numeric where marked.",
    )
    return NashN(tuple(pure + mixed), (), False, "pure profiles and Lyapunov local search", 0, 0, notes)


def solve(game: NormalFormGame, values: Mapping[str, float], *, method: Literal["all", "some"] = "all") -> NashN:
    """Every equilibrium (``"all"``) or some (``"some"``) of ``game`` at ``values``, with payoffs.

    Each equilibrium's payoffs come as floats and, where its probabilities are exact, exactly: as
    formulas in the parameters for a pure equilibrium, as exact numbers at ``values`` for a mixed one.
    """
    Q, rounded = rational_payoffs(game, values)
    found = some_equilibria(Q) if method == "some" else all_equilibria(Q)
    arr = game.payoff_array(values)
    out = []
    for e in found.equilibria:
        sigma = [np.asarray(p, dtype=float) for p in e.probabilities]
        pays = tuple(float(_float_values(arr, i, sigma) @ sigma[i]) for i in range(game.n_actors))
        exact_pays: tuple[sympy.Expr, ...] | None = None
        if e.exact is not None:
            if all(len(s) == 1 for s in e.support):
                profile = tuple(game.strategies[j][s[0]] for j, s in enumerate(e.support))
                exact_pays = tuple(game.payoff_expr(a, profile) for a in game.actors)
            else:
                exact_pays = tuple(
                    sympy.nsimplify(sympy.expand(_values(Q[i], i, [list(r) for r in e.exact])[e.support[i][0]]))
                    if all(isinstance(p, sympy.Rational) for r in e.exact for p in r)
                    else sympy.expand(_values(Q[i], i, [list(r) for r in e.exact])[e.support[i][0]])
                    for i in range(game.n_actors)
                )
        out.append(replace(e, payoffs=pays, exact_payoffs=exact_pays))
    notes = list(found.notes)
    if rounded:
        notes.append(
            "Payoffs not rational at these values were replaced by the rational value of their float: "
            + "; ".join(rounded[:5])
            + ("; ..." if len(rounded) > 5 else "")
            + "."
        )
    return replace(found, equilibria=tuple(out), notes=tuple(notes))

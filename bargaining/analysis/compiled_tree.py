r"""A game tree's subgame-perfect play solved once in the parameters, then evaluated on a whole grid
in one vectorised pass.

**What is compiled.** Backward induction (Kuhn 1953) with offer nodes, as in
:func:`~bargaining.analysis.subgame.subgame_perfect`, but done once for every parameter value. Below
an offer node (the mover picks :math:`w \in [\underline w, \bar w]`) play is piecewise constant in
:math:`w`; it can switch only where some mover below is indifferent. So, for every node :math:`n`,

* its *alternatives* :math:`A(n)`: every payoff vector play from :math:`n` can end in (an outcome's
  payoffs; at a decision node the union over its moves; at a chance node the expectations over every
  combination of its children's; at an offer node every alternative below with :math:`w` replaced by
  each of the node's candidate numbers);
* its *switch conditions* :math:`S(n)`: at a decision node, the mover's payoff in an alternative
  of one move minus its payoff in an alternative of another; at an offer node, the mover's payoff
  in one alternative minus another's and each candidate minus the bounds (and the conditions
  below, with :math:`w` replaced by each candidate).

The *candidates* of an offer node are its bounds, the roots in :math:`w` of every condition in
:math:`S(\text{next})` (solved exactly by sympy: the responder's least acceptable offer
:math:`v^* = (c_N + \delta^T C_{TCN} + d_R)/a` of docs/models.md#the-offer-game is one) and the
roots of the derivative of the mover's payoff in every alternative (interior optima). This is a
superset of the points the per-point solver compares, held as a finite list of formulas; each is
compiled once with :func:`bargaining.expressions.compile_numpy`. No nested ``Piecewise`` is built.

**Evaluation.** At a grid of parameter values, the tree is solved backwards with numpy arrays:
at a decision node the mover's best move (the first listed among moves within
:math:`10^{-9}(1 + |u|)` of the best, the project's tie rule); at a chance node the expectation;
at an offer node the play below is evaluated at every candidate inside the bounds and the best
for the mover is kept (among candidates within the tie tolerance of the best, the least number,
as the per-point solver does). Loops run over nodes and candidates, never over points.

**Numeric route.** Where sympy does not give every root in :math:`w` as a formula (a condition
not polynomial in it), does not finish within the deadline
(:func:`~bargaining.analysis.deadline.within_deadline`) or gives more than
:data:`MAX_CANDIDATES` candidates at a node, the offer nodes are solved numerically per point,
vectorised: the play below is evaluated at :data:`SAMPLES` + 1 equally spaced numbers and at the
midpoints between them; between neighbours whose play differs, the switch point is found by
bisection (:data:`BISECTIONS` halvings, the exact comparison deciding the side), and the
candidates are the bounds and both sides of every switch. This assumes that play switches at
most once between neighbouring samples and that the mover's payoff is monotone between switches
(true when every responder's continuation difference is monotone in the number offered and the
payoffs are affine in it, as in the built-ins); points where a sample or midpoint contradicts it
(more than one switch seen in an interval, or a sample paying the mover more than the chosen
number) are counted in the result's notes.

>>> from bargaining.io.scenario_file import load
>>> import numpy as np
>>> compiled = compile_tree(load("eu_russia_offer"))
>>> compiled.route
'symbolic'
>>> out = compiled.evaluate({"T": np.array([0.0, 3.0, 6.0])})
>>> [out.labels[c] for c in out.codes.tolist()]
['offer, reject (no_deal)', 'offer, accept (deal)', 'offer, accept (deal)']
>>> [round(v, 5) for v in out.offers["v"][1:].tolist()]  # v* = (c_N + delta**T C_TCN + d_R)/a
[0.49366, 0.38698]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.deadline import DeadlineExceeded, within_deadline
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.scenario import Scenario

__all__ = [
    "BISECTIONS",
    "CHUNK",
    "MAX_ALTERNATIVES",
    "MAX_CANDIDATES",
    "MAX_SWITCHES",
    "MESH_CHUNK",
    "SAMPLES",
    "CompiledTree",
    "TreeEvaluation",
    "compile_tree",
    "path_label",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

TIE = 1e-9
"""Relative tolerance of the tie rule (the same as the per-point solver's)."""
MAX_CANDIDATES = 200
"""Candidate numbers an offer node may have on the symbolic route."""
MAX_ALTERNATIVES = 2_000
"""Alternatives (payoff vectors) a node may have on the symbolic route."""
SAMPLES = 8
"""Equal intervals the numeric route splits an offer's range into before bisecting."""
MAX_SWITCHES = 4
"""Switches of play the numeric route looks for between two neighbouring samples."""
BISECTIONS = 56
"""Halvings of a sample interval on the numeric route (2**-56 of it: below a double's resolution)."""
CHUNK = 1 << 15
"""Scattered points evaluated at once (arrays that fit in a core's cache)."""
MESH_CHUNK = 1 << 16
"""Points of a mesh given by its axes evaluated at once (whole rows: arrays of one axis are small,
so more points fit the same cache; benchmarks/trees.py measured 2^15 to 2^17)."""

Route = Literal["symbolic", "numeric"]


class _Incomplete(Exception):
    """The symbolic route cannot give every candidate as a formula (or would give too many)."""


# ------------------------------------------------------------------------------------ symbolic


@dataclass(frozen=True)
class _Symbolic:
    """What the symbolic route found (picklable: it comes back from the deadline's worker).
    ``roots[node]``: the roots of the switch conditions in the node's number; ``critical[node]``:
    the interior stationary points of the mover's payoff."""

    roots: Mapping[str, tuple[sympy.Expr, ...]]
    critical: Mapping[str, tuple[sympy.Expr, ...]]


def _offer_symbol(node: OfferNode) -> sympy.Symbol:
    return sympy.Symbol(node.parameter, real=True)


def _roots_in(expr: sympy.Expr, w: sympy.Symbol) -> list[sympy.Expr]:
    """Every root of ``expr`` in ``w`` as a formula (poles included), or :class:`_Incomplete`.

    An ``expr`` affine in ``w`` with integer polynomial coefficients (no denominator: ``together``
    would leave it whole) gives :math:`-b/a` at once, as below."""
    try:
        whole = sympy.Poly(expr, w)
    except sympy.PolynomialError:
        whole = None
    if (
        whole is not None
        and whole.degree() == 1
        and (whole.domain.is_ZZ or (whole.domain.is_PolynomialRing and whole.domain.domain.is_ZZ))
    ):
        a, b = whole.all_coeffs()
        root = sympy.expand(-b / a)
        return [] if root.is_real is False else [root]
    num, den = sympy.fraction(sympy.together(expr))
    if not (num.is_polynomial(w) and den.is_polynomial(w)):
        raise _Incomplete(f"a switch condition not polynomial in {w}: {expr}")
    if w not in den.free_symbols:  # affine in w (the common case): -b/a, as sympy.solve gives it
        try:
            poly = sympy.Poly(num, w)
        except sympy.PolynomialError:
            poly = None
        if poly is not None and poly.degree() == 1:
            a, b = poly.all_coeffs()
            root = sympy.expand(-b / a)
            return [] if root.is_real is False else [root]
    try:
        roots = list(sympy.solve(num, w))
        if w in den.free_symbols:
            roots += list(sympy.solve(den, w))
    except (NotImplementedError, ValueError, TypeError) as err:
        raise _Incomplete(f"sympy could not solve {expr} = 0 for {w}: {err}") from None
    if any(r.has(sympy.RootOf) for r in roots):
        raise _Incomplete(f"roots of {expr} in {w} without a closed form")
    return [sympy.expand(r) for r in roots]


def _symbolic(tree: TreeGame, max_candidates: int, max_alternatives: int) -> _Symbolic:
    """Alternatives, switch conditions and candidates of every node (see the module docstring)."""
    actors = tree.actors
    alts_memo: dict[str, list[tuple[sympy.Expr, ...]]] = {}
    conds_memo: dict[str, list[sympy.Expr]] = {}
    roots: dict[str, tuple[sympy.Expr, ...]] = {}
    critical: dict[str, tuple[sympy.Expr, ...]] = {}

    offered = {_offer_symbol(tree.nodes[n]) for n in tree.offer_nodes()}  # type: ignore[arg-type]

    symbols_of: dict[sympy.Expr, frozenset[sympy.Symbol]] = {}

    def free(e: sympy.Expr) -> frozenset[sympy.Symbol]:
        """``e.free_symbols``, kept (sympy works it out again at every call)."""
        got = symbols_of.get(e)
        if got is None:
            got = symbols_of[e] = frozenset(sympy.sympify(e).free_symbols)
        return got

    def unique(items: Sequence[Any]) -> list[Any]:
        return list(dict.fromkeys(items))

    def live(*exprs: sympy.Expr) -> bool:
        """Whether an offered number appears (a condition free of them never gives a candidate:
        only offered numbers are ever substituted, and only conditions in them are solved)."""
        return any(free(e) & offered for e in exprs)

    def substituted(w: sympy.Symbol, cands: Sequence[sympy.Expr], items: Sequence[Any], one: bool) -> list[Any]:
        """``items`` (expressions, or tuples of them if not ``one``) with ``w`` replaced by each candidate
        in turn, candidate by candidate; an item free of ``w`` only at the first (it would repeat).
        Conditions (``one``) that would be free of offered numbers are left out (never solved)."""
        out: list[Any] = []
        for k, c in enumerate(cands):
            keeps = bool(free(c) & offered)
            for x in items:
                parts = (x,) if one else x
                if not any(w in free(e) for e in parts):
                    if not k:
                        out.append(x)
                    continue
                if one and not keeps and not (free(x) - {w}) & offered:
                    continue
                new = tuple(sympy.expand(e.xreplace({w: c})) for e in parts)
                out.append(new[0] if one else new)
        return out

    def differences(xs: Sequence[Any], ys: Sequence[Any] | None, i: int) -> list[sympy.Expr]:
        """``x[i] - y[i]`` for x in ``xs``, y in ``ys`` (None: y after x in ``xs``), expanded where an
        offered number appears in either."""
        out: list[sympy.Expr] = []
        for k, x in enumerate(xs):
            for y in xs[k + 1 :] if ys is None else ys:
                if live(x[i], y[i]):
                    out.append(sympy.expand(x[i] - y[i]))
        return out

    def check(n: str, items: list[Any]) -> list[Any]:
        if len(items) > max_alternatives:
            raise _Incomplete(f"{len(items)} alternatives at {n} (more than {max_alternatives})")
        return items

    def candidates(nid: str) -> list[sympy.Expr]:
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        if nid not in roots:
            w = _offer_symbol(node)
            found: list[sympy.Expr] = []
            for e in conds(node.next):
                if w in free(e):
                    found += _roots_in(e, w)
            i = actors.index(node.actor)
            stationary: list[sympy.Expr] = []
            for alt in alts(node.next):
                slope = sympy.diff(alt[i], w)
                if w in slope.free_symbols:
                    stationary += _roots_in(slope, w)
            bounds = {sympy.expand(node.low), sympy.expand(node.high)}
            roots[nid] = tuple(r for r in unique(found) if r not in bounds)
            critical[nid] = tuple(r for r in unique(stationary) if r not in bounds and r not in roots[nid])
            total = 2 + len(roots[nid]) + len(critical[nid])
            if total > max_candidates:
                raise _Incomplete(f"{total} candidate numbers at {nid} (more than {max_candidates})")
        return [node.low, node.high, *roots[nid], *critical[nid]]

    def alts(n: str) -> list[tuple[sympy.Expr, ...]]:
        if n in alts_memo:
            return alts_memo[n]
        if n in tree.outcomes:
            out = [tuple(sympy.expand(tree.outcomes[n].payoffs[a]) for a in actors)]
        else:
            node = tree.nodes[n]
            if isinstance(node, DecisionNode):
                out = unique([x for _, t in node.moves for x in alts(t)])
            elif isinstance(node, ChanceNode):
                combos = math.prod(len(alts(t)) for _, t in node.moves)
                if combos > max_alternatives:
                    raise _Incomplete(f"{combos} alternatives at chance node {n}")
                out = unique(
                    [
                        tuple(
                            sympy.expand(
                                sum((p * x[k] for p, x in zip(node.probabilities, xs, strict=True)), sympy.S(0))
                            )
                            for k in range(len(actors))
                        )
                        for xs in product(*(alts(t) for _, t in node.moves))
                    ]
                )
            else:
                out = unique(substituted(_offer_symbol(node), candidates(n), alts(node.next), one=False))
        alts_memo[n] = check(n, out)
        return alts_memo[n]

    def conds(n: str) -> list[sympy.Expr]:
        if n in conds_memo:
            return conds_memo[n]
        out: list[sympy.Expr] = []
        if n in tree.nodes:
            node = tree.nodes[n]
            if isinstance(node, DecisionNode):
                i = actors.index(node.actor)
                for j, (_, t1) in enumerate(node.moves):
                    for _, t2 in node.moves[j + 1 :]:
                        out += differences(alts(t1), alts(t2), i)
                for _, t in node.moves:
                    out += conds(t)
            elif isinstance(node, ChanceNode):
                for _, t in node.moves:
                    out += conds(t)
            else:
                i = actors.index(node.actor)
                w = _offer_symbol(node)
                out += differences(alts(n), None, i)
                cands = candidates(n)
                for c in cands[2:]:
                    out += [sympy.expand(c - node.low), sympy.expand(node.high - c)]
                out += substituted(w, cands, conds(node.next), one=True)
        conds_memo[n] = check(n, unique([e for e in out if e != 0 and live(e)]))
        return conds_memo[n]

    for nid in reversed(tree.order):
        if isinstance(tree.nodes[nid], OfferNode):
            candidates(nid)
    return _Symbolic(roots=roots, critical=critical)


# ------------------------------------------------------------------------------------ evaluation


@dataclass
class _Play:
    """Play from one node at a chunk of points: each actor's payoff, the move index chosen at every
    decision node below, the number chosen at every offer node below (with which candidate it was:
    ``kind``) and whether some mover below was indifferent. Every array is broadcastable to the
    points' shape (0-d where play does not vary, ``(rows, 1)`` where it varies along one axis of a
    mesh only); ``tied`` is None where no mover is indifferent."""

    value: list[FloatArray]
    choice: dict[str, IntArray]
    offer: dict[str, FloatArray]
    kind: dict[str, IntArray]
    tied: BoolArray | None


def _or(a: BoolArray | None, b: BoolArray | None) -> BoolArray | None:
    """``a | b`` where None stands for no tie anywhere."""
    return b if a is None else a if b is None else a | b


def _select(mask: Any, a: Any, b: Any, count: int | None = None) -> Any:
    """``np.where(mask, a, b)``, without the work where ``mask`` is the same at every point (then
    ``a`` or ``b`` itself, which broadcasts to the same values).

    Booleans and one-byte integers (the moves chosen) are selected bit by bit, as
    ``b ^ ((a ^ b) & m)`` with ``m`` all ones where ``mask`` holds: the same values in fewer,
    branch-free passes. ``count``: ``np.count_nonzero(mask)`` if the caller has it."""
    if not getattr(mask, "ndim", 0):
        return a if mask else b
    if count is None:
        count = int(np.count_nonzero(mask))
    if not count:
        return b
    if count == mask.size:
        return a
    if mask.dtype == np.bool_:
        a_bool, b_bool = _is_bool(a), _is_bool(b)
        if a_bool and b_bool:
            out = np.bitwise_and(np.bitwise_xor(a, b), mask)
            return np.bitwise_xor(out, b, out=out)
        if (
            not (a_bool or b_bool)
            and isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype == np.int8
        ):
            out = np.bitwise_and(np.bitwise_xor(a, b), np.negative(mask.view(np.int8)))
            return np.bitwise_xor(out, b, out=out)
    return np.where(mask, a, b)


def _is_bool(x: Any) -> bool:
    """Whether ``x`` is a boolean array or a Python or numpy boolean."""
    return isinstance(x, bool | np.bool_) or (isinstance(x, np.ndarray) and x.dtype == np.bool_)


def _two(u0: Any, u1: Any, tie: float) -> tuple[Any, Any]:
    r"""Whether the first of two moves is within the tie tolerance of the best (``u0``, ``u1``: the
    mover's payoffs) and where both are (None: nowhere), by the rule: best :math:`= \max(u_0, u_1)`,
    floor :math:`=` best :math:`- t(1 + |\text{best}|)`, move :math:`j` near where :math:`u_j \ge`
    floor.

    When ``u1`` is one finite number :math:`s` the floor is :math:`s`'s own wherever
    :math:`u_0 \le s`, and where :math:`u_0 > s + 4t(1 + |s|)` the second move is not near (its
    payoff is more than the tolerance below :math:`u_0`, rounding included); if no point lies
    between the two, the first move is near where :math:`u_0 \ge s - t(1 + |s|)` and
    :math:`u_0 < \infty` (the rule's floor is NaN at :math:`u_0 = \infty`) and there is no tie.
    Otherwise the first move is near at the same points, and both moves are where
    :math:`s - t(1 + |s|) \le u_0 \le s`, or where :math:`s < u_0 \le s + 4t(1 + |s|)` and
    :math:`s \ge u_0 - t(1 + |u_0|)` (there the best is :math:`u_0`; its floor computed as the rule
    does). Whenever ``u1`` varies the rule is applied as it stands."""
    if getattr(u1, "ndim", 1) == 0 and getattr(u0, "ndim", 0) and math.isfinite(u1) and tie >= 0:
        floor_s = u1 - tie * (1.0 + np.abs(u1))
        high = u1 + 4.0 * tie * (1.0 + np.abs(u1))
        ge = u0 >= floor_s
        above = u0 > high  # within ge (high >= floor_s): no point between where the counts agree
        over = np.count_nonzero(above)
        between = np.count_nonzero(ge) != over
        near0 = ge if not over or np.max(u0) < np.inf else _and_into(ge.copy(), u0 < np.inf)
        if not between:
            return near0, None
        # between s and high the rule's floor is u0's own (u0 > s is the best), which u0 reaches:
        # the first move is near wherever ge (and u0 finite), both are where u0 <= s or where
        # s reaches u0's floor below high
        reaches = np.greater_equal(u1, _floor(u0, tie))
        np.bitwise_and(reaches, ~above, out=reaches)
        np.bitwise_or(reaches, u0 <= u1, out=reaches)
        tied = np.bitwise_and(reaches, ge, out=reaches)
        return near0, tied if tied.any() else None
    if getattr(u1, "ndim", 1) == 0 and getattr(u0, "ndim", 0):  # numpy's maximum is faster on two arrays
        best = np.full(np.shape(u0), u1)
        np.maximum(u0, best, out=best)
    else:
        best = np.maximum(u0, u1)
    floor = _floor(best, tie)
    near0 = u0 >= floor
    tied = _and_into(np.greater_equal(u1, floor), near0)
    return near0, tied if tied.any() else None


def _floor(best: Any, tie: float) -> Any:
    """``best - tie * (1 + |best|)``, the least payoff within the tie tolerance of ``best`` (the same
    operations in the same order as the per-point solver, on one scratch array)."""
    scale = np.abs(best)
    if scale.ndim:
        np.add(scale, 1.0, out=scale)
        np.multiply(scale, tie, out=scale)
        return np.subtract(best, scale, out=scale)
    return best - tie * (1.0 + scale)


def _owned(x: Any) -> Any:
    """``x`` if it is an array with dimensions (fresh from an operation: ours to overwrite), else None."""
    return x if isinstance(x, np.ndarray) and x.ndim else None


def _tol(u: Any) -> Any:
    """``TIE * (1 + |u|)``, the tie tolerance at payoff ``u`` (the same operations, on one scratch array)."""
    scale = np.abs(u)
    if isinstance(scale, np.ndarray) and scale.ndim:
        np.add(scale, 1.0, out=scale)
        return np.multiply(scale, TIE, out=scale)
    return TIE * (1.0 + scale)


def _plus_tol(u: Any) -> Any:
    """``u + TIE * (1 + |u|)``, the upper tie threshold of payoff ``u`` (one scratch array)."""
    tol = _tol(u)
    if isinstance(tol, np.ndarray) and tol.ndim and tol.shape == np.shape(u):
        return np.add(tol, u, out=tol)
    return u + tol


def _and_into(a: Any, b: Any) -> Any:
    """``a & b``, into ``a`` when it is an array of the result's shape (``a`` fresh: not shared)."""
    if isinstance(a, np.ndarray) and a.ndim and a.shape == np.broadcast_shapes(a.shape, np.shape(b)):
        return np.bitwise_and(a, b, out=a)
    return a & b


def _or_into(a: Any, b: Any) -> Any:
    """``a | b``, into ``a`` when it is an array of the result's shape (``a`` fresh: not shared)."""
    if isinstance(a, np.ndarray) and a.ndim and a.shape == np.broadcast_shapes(a.shape, np.shape(b)):
        return np.bitwise_or(a, b, out=a)
    return a | b


def _take(x: Any, idx: IntArray, shape: tuple[int, ...]) -> Any:
    """``x`` (broadcastable to ``shape``, 0-d kept as it is) at the flat positions ``idx`` of ``shape``."""
    if not getattr(x, "ndim", 0):
        return x
    arr = np.asarray(x)
    if arr.shape == shape:
        return arr.reshape(-1)[idx]
    return np.broadcast_to(arr, shape)[np.unravel_index(idx, shape)]


def _part(x: npt.NDArray[Any], n: int, mask: BoolArray) -> npt.NDArray[Any]:
    """``x`` (full-length or 0-d, over ``n`` points) at the points of ``mask``."""
    return np.broadcast_to(x, (n,))[mask]


def _shape(size: int | tuple[int, ...]) -> tuple[int, ...]:
    return (size,) if isinstance(size, int) else tuple(size)


_BOOL_TRUE = np.ones((), dtype=bool)


class _Best:
    """An offer node's running best candidate: its play (the mover's payoff is ``play.value[i]``,
    the number ``play.offer[node]``), whether its arrays are full, writable copies of our own, and
    the best payoff's upper tie threshold :math:`u + 10^{-9}(1 + |u|)` once computed."""

    __slots__ = ("owned", "play", "thr")

    def __init__(self, play: _Play) -> None:
        self.play = play
        self.owned = False
        self.thr: Any = None


class Evaluator:
    """Backward induction over a chunk of points (see the module docstring); one per chunk.

    ``env`` holds arrays broadcastable to the chunk's ``shape`` (an int: that many scattered
    points); formulas free of offered numbers are evaluated once, on the arrays as given (on a
    mesh's axes before they are broadcast)."""

    def __init__(self, compiled: CompiledTree, env: dict[str, npt.NDArray[Any]], size: int | tuple[int, ...]) -> None:
        self.c = compiled
        self.tree = compiled.tree
        self.env = env
        self.shape = _shape(size)
        self.size = math.prod(self.shape)
        self.warnings: dict[str, int] = {}
        self.kinds = True
        """Whether to keep which candidate each offer is (``_Play.kind``: the numeric route's
        signatures need it, a compiled tree's evaluation does not)."""
        self.memo: dict[tuple[str, float], tuple[Any, tuple[int, ...], tuple[Any, ...], _Play]] = {}
        """The last play of each memoised node at each tie tolerance (:meth:`play`): ``at``, shape,
        the arrays of the offered numbers it depends on (kept, so that their ids stay theirs) and the
        play."""
        # every formula free of offered numbers, once per chunk (common subexpressions once)
        steps, reduced = compiled._static
        args: list[Any] = [env[s.name] for s in compiled._symbols]
        for step in steps:
            args.append(step(*args))
        self.static: list[Any] = list(reduced(*args)) if reduced is not None else []

    def call(self, formula: _Formula, env: Mapping[str, npt.NDArray[Any]], at: IntArray | None) -> Any:
        """A compiled formula at ``env``; one free of offered numbers is taken from the chunk's values,
        at the chunk's points ``at`` (None: all of them)."""
        fn, where, many = formula
        if fn is not None:
            return fn(*(env[s.name] for s in self.c._symbols))
        out = [self.static[k] for k in where]
        if at is not None:
            out = [_take(x, at, self.shape) for x in out]
        return out if many else out[0]

    def chance(self, node_id: str, env: Mapping[str, npt.NDArray[Any]], at: IntArray | None) -> list[Any]:
        """The probabilities of the chance node ``node_id``'s moves at ``env`` (points ``at``)."""
        return list(self.call(self.c._probabilities[node_id], env, at))

    def full(self, x: Any, shape: tuple[int, ...]) -> npt.NDArray[Any]:
        arr = np.asarray(x, dtype=float)
        return arr if arr.shape == shape else np.broadcast_to(arr, shape).copy()

    def fresh(self, x: Any, shape: tuple[int, ...], dtype: Any = np.float64) -> npt.NDArray[Any]:
        """A writable, contiguous copy of ``x`` of the whole ``shape``."""
        return np.array(np.broadcast_to(np.asarray(x, dtype=dtype), shape))

    def outcome(self, oid: str, env: Mapping[str, npt.NDArray[Any]], at: IntArray | None) -> list[FloatArray]:
        out: list[FloatArray] = []
        for const, coeffs in self.c._payoffs[oid]:
            val = self.call(const, env, at)
            for w, f in coeffs:
                term = self.call(f, env, at) * env[w]
                if (
                    isinstance(term, np.ndarray)
                    and term.ndim
                    and term.dtype == np.float64
                    and term.shape == np.broadcast_shapes(term.shape, np.shape(val))
                ):
                    val = np.add(val, term, out=term)  # the product is fresh: the sum goes into it
                else:
                    val = val + term
            out.append(np.asarray(val, dtype=float))
        return out

    def play(
        self, n: str, env: dict[str, npt.NDArray[Any]], size: int | tuple[int, ...], tie: float, at: IntArray | None
    ) -> _Play:
        """Play from node ``n`` at ``env`` (points of shape ``size``: the chunk's points ``at``, None
        for all). Arrays may be smaller than the shape where play does not vary (broadcastable to it);
        ``tied`` is None where no mover is indifferent.

        Memoised at the nodes :func:`_varying` marks: their play is a function of the chunk's
        parameters and of the offered numbers above them that their subtree uses, so it is kept
        (the last one per node and tie tolerance) and given again while those numbers' arrays and
        ``at`` are the same objects; one that uses no offered number varying above it is evaluated once at
        every point of the chunk and taken at ``at``. Callers get a shallow copy (they change the
        play's lists and dicts, never its arrays)."""
        uses = self.c._varying.get(n)
        if uses is None:
            return self._play(n, env, size, tie, at)
        if not uses and at is not None:
            full = self.play(n, self.env, self.shape, tie, None)
            shape = self.shape
            return _Play(
                [_take(x, at, shape) for x in full.value],
                {k: _take(x, at, shape) for k, x in full.choice.items()},
                {k: _take(x, at, shape) for k, x in full.offer.items()},
                {k: _take(x, at, shape) for k, x in full.kind.items()},
                None if full.tied is None else _take(full.tied, at, shape),
            )
        shape = _shape(size)
        args = tuple(env[p] for p in uses)
        kept = self.memo.get((n, tie))
        if (
            kept is not None
            and kept[0] is at
            and kept[1] == shape
            and all(a is b for a, b in zip(kept[2], args, strict=True))
        ):
            p = kept[3]
        else:
            p = self._play(n, env, shape, tie, at)
            self.memo[n, tie] = (at, shape, args, p)
        return _Play(list(p.value), dict(p.choice), dict(p.offer), dict(p.kind), p.tied)

    def _play(
        self, n: str, env: dict[str, npt.NDArray[Any]], size: int | tuple[int, ...], tie: float, at: IntArray | None
    ) -> _Play:
        """Play from node ``n`` (:meth:`play`, not memoised at ``n`` itself)."""
        shape = _shape(size)
        tree = self.tree
        if n in tree.outcomes:
            return _Play(self.outcome(n, env, at), {}, {}, {}, None)
        node = tree.nodes[n]
        if isinstance(node, OfferNode):
            return self.offer(node, env, shape, tie, at)
        plays = [self.play(t, env, shape, tie, at) for _, t in node.moves]
        result = _Play([], {}, {}, {}, None)
        for p in plays:
            result.choice.update(p.choice)
            result.offer.update(p.offer)
            result.kind.update(p.kind)
            result.tied = _or(result.tied, p.tied)
        if isinstance(node, ChanceNode):
            probs = self.chance(n, env, at)
            value = [np.zeros(()) for _ in tree.actors]
            for pr, pl in zip(probs, plays, strict=True):
                value = [v + pr * x for v, x in zip(value, pl.value, strict=True)]
            result.value = value
            return result
        i = tree.actors.index(node.actor)
        own = [p.value[i] for p in plays]
        if len(plays) == 2:  # the common case, in fewer operations
            near0, tied = _two(own[0], own[1], tie)
            result.tied = _or(result.tied, tied)
            # 1 where the second move is taken, as one byte a point (a view of the mask, no copy)
            result.choice[n] = np.asarray(np.logical_not(near0)).view(np.int8)
            result.value = [_select(near0, a, b) for a, b in zip(plays[0].value, plays[1].value, strict=True)]
            return result
        best = own[0]
        for u in own[1:]:
            best = np.maximum(best, u)
        floor = _floor(best, tie)
        near = [u >= floor for u in own]
        taken = np.zeros(np.shape(near[0]), dtype=bool)
        count = np.zeros(np.shape(near[0]), dtype=np.int64)
        choice = np.zeros(np.shape(near[0]), dtype=np.int64)
        value = list(plays[-1].value)
        for j, m in enumerate(near):
            count = count + m
            first = m & ~taken
            choice = np.where(first, j, choice)
            value = [_select(first, a, b) for a, b in zip(plays[j].value, value, strict=True)]
            taken = taken | m
        result.choice[n] = choice
        result.value = value
        result.tied = _or(result.tied, count > 1)
        return result

    def bounds(
        self, node: OfferNode, env: Mapping[str, npt.NDArray[Any]], at: IntArray | None
    ) -> tuple[FloatArray, FloatArray]:
        """The offer's bounds (0-d where they are constants), checked: finite, low <= high."""
        lo, hi = (np.asarray(x, dtype=float) for x in self.call(self.c._bounds[node.id], env, at))
        bad = ~(np.isfinite(lo) & np.isfinite(hi) & (lo <= hi))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            low, high = (np.broadcast_to(x, bad.shape).reshape(-1)[k] for x in (lo, hi))
            raise ScenarioError(
                "finite bounds with low <= high", found=f"[{low:g}, {high:g}]", field=f"nodes.{node.id}.within"
            )
        return lo, hi

    def offer(
        self, node: OfferNode, env: dict[str, npt.NDArray[Any]], shape: tuple[int, ...], tie: float, at: IntArray | None
    ) -> _Play:
        lo, hi = self.bounds(node, env, at)
        i = self.tree.actors.index(node.actor)
        size = math.prod(shape)
        eps = 1e-12 * (1.0 + np.abs(lo) + np.abs(hi))
        state: list[_Best] = []  # the running best (none before the first candidate)

        def own() -> _Play:
            """The running best with full, writable arrays (for updates at some points)."""
            keep = state[0]
            best = keep.play
            if not keep.owned:
                best.value = [self.fresh(x, shape) for x in best.value]
                best.choice = {k: self.fresh(x, shape, np.int64) for k, x in best.choice.items()}
                best.offer = {k: self.fresh(x, shape) for k, x in best.offer.items()}
                best.kind = {k: self.fresh(x, shape, np.int64) for k, x in best.kind.items()}
                best.tied = self.fresh(False if best.tied is None else best.tied, shape, np.bool_)
                keep.owned = True
            return best

        def consider(v: Any, kind: int, valid: Any, sub_tie: float = tie, last: bool = False) -> None:
            """Play below at ``v`` (only where ``valid``; None: everywhere), kept where it beats the best
            so far by the per-point solver's rule: more by the tolerance, or as good and a smaller number.
            ``last``: no candidate follows (the best's tie threshold is not kept)."""
            if valid is not None and (not getattr(valid, "ndim", 0) or valid.all()):
                if not valid.all():
                    return
                valid = None
            count = size if valid is None else int(np.count_nonzero(valid)) * (size // valid.size)
            if not count:
                return
            if not state or 4 * count >= size:  # the whole chunk, the invalid points masked
                idx = None
                # invalid points are masked out below; an offer node further down checks its bounds
                # (which may depend on this number), so there they are evaluated at the low bound
                v_at = v if valid is None or not self.c._nested[node.id] else np.where(valid, v, lo)
                p = self.play(node.next, {**env, node.parameter: v_at}, shape, sub_tie, at)
            else:  # only the valid points
                idx = np.flatnonzero(np.broadcast_to(valid, shape))
                sub_env = {k: _take(x, idx, shape) for k, x in env.items()}
                v_at = _take(v, idx, shape)
                sub_env[node.parameter] = v_at
                p = self.play(node.next, sub_env, idx.size, sub_tie, idx if at is None else at[idx])
            u = p.value[i]
            p.offer[node.id] = v_at
            if self.kinds:
                p.kind[node.id] = np.asarray(kind, dtype=np.int64)
            if not state:
                state.append(_Best(p))
                return
            keep = state[0]
            best_u, best_v = keep.play.value[i], keep.play.offer[node.id]
            bu, bv = (best_u, best_v) if idx is None else (_take(best_u, idx, shape), _take(best_v, idx, shape))
            if keep.thr is None or idx is not None:
                thr = _plus_tol(bu)
                if idx is None:
                    keep.thr = thr
            else:
                thr = keep.thr
            better = u > thr
            smaller = v_at < bv
            u_thr = None
            if smaller.any():
                tol = _tol(u)
                near = _owned(u - bu)
                near = np.abs(near, out=near) if near is not None else np.abs(u - bu)
                near = near <= tol
                better = _or_into(better, _and_into(near, smaller))
                if not last:
                    u_thr = np.add(tol, u, out=tol) if _owned(tol) is not None and tol.shape == np.shape(u) else u + tol
            if valid is not None and idx is None:
                better = _and_into(better, valid)
            won = int(np.count_nonzero(better))
            if not won:
                return
            if idx is not None:
                best = own()
                n = idx.size
                where = idx[better]
                for k in range(len(best.value)):
                    best.value[k].reshape(-1)[where] = _part(p.value[k], n, better)
                for key, arr in p.choice.items():
                    best.choice[key].reshape(-1)[where] = _part(arr, n, better)
                for key, farr in p.offer.items():
                    best.offer[key].reshape(-1)[where] = _part(farr, n, better)
                for key, karr in p.kind.items():
                    best.kind[key].reshape(-1)[where] = _part(karr, n, better)
                assert best.tied is not None
                best.tied.reshape(-1)[where] = False if p.tied is None else _part(p.tied, n, better)
                keep.thr = None
                return
            best = keep.play
            keep.owned = False
            keep.thr = None if u_thr is None or keep.thr is None else _select(better, u_thr, keep.thr, won)
            best.value = [_select(better, a, b, won) for a, b in zip(p.value, best.value, strict=True)]
            for key in best.choice:
                best.choice[key] = _select(better, p.choice[key], best.choice[key], won)
            for key in best.offer:
                best.offer[key] = _select(better, p.offer[key], best.offer[key], won)
            for key in best.kind:
                best.kind[key] = _select(better, p.kind[key], best.kind[key], won)
            if best.tied is not None or p.tied is not None:
                tied = _select(
                    better, False if p.tied is None else p.tied, False if best.tied is None else best.tied, won
                )
                best.tied = None if not getattr(tied, "ndim", 0) and not tied else tied

        consider(lo, 0, None)
        if self.c.route == "symbolic":
            formulas = self.c._candidates[node.id]
            consider(hi, 1, None, last=not formulas)
            for k, formula in enumerate(formulas):
                r = np.asarray(self.call(formula, env, at), dtype=float)
                consider(r, 2 + k, (r > lo + eps) & (r < hi - eps), last=k == len(formulas) - 1)
        else:
            consider(hi, 1, None)
            lo_f, hi_f = self.full(lo, shape), self.full(hi, shape)
            sampled = self.numeric(node, env, shape, lo_f, hi_f, consider, at)
            best_u = state[0].play.value[i]
            worse = sampled > best_u + TIE * (1.0 + np.abs(best_u))
            if worse.any():
                self.warnings["sample"] = self.warnings.get("sample", 0) + int(worse.sum())
        return state[0].play

    def signature(self, p: _Play, size: int) -> IntArray:
        """A number for the play below (moves at every decision node, the kind of every offer)."""
        sig = np.zeros(size, dtype=np.int64)
        for key in sorted(p.choice):
            sig = sig * 1_000_003 + np.asarray(p.choice[key], dtype=np.int64) + 1
        for key in sorted(p.kind):
            sig = sig * 1_000_003 + np.minimum(np.asarray(p.kind[key], dtype=np.int64), 2) + 7
        return sig

    def numeric(
        self,
        node: OfferNode,
        env: dict[str, npt.NDArray[Any]],
        shape: tuple[int, ...],
        lo: FloatArray,
        hi: FloatArray,
        consider: Callable[..., None],
        at: IntArray | None,
    ) -> FloatArray:
        """Switch points below ``node`` by sampling and bisection (module docstring), each side a
        candidate; returns the mover's best payoff over the samples (for the check of the assumption).
        Scattered points only (``shape`` one-dimensional, ``lo`` and ``hi`` full)."""
        i = self.tree.actors.index(node.actor)
        (size,) = shape

        def below(v: FloatArray, sub: dict[str, npt.NDArray[Any]], n: int, where: IntArray | None) -> _Play:
            return self.play(node.next, {**sub, node.parameter: v}, n, 0.0, where)

        grid = [lo + (hi - lo) * (j / SAMPLES) for j in range(SAMPLES + 1)]
        plays = [below(v, env, size, at) for v in grid]
        sigs = [self.signature(p, size) for p in plays]
        sample_best = np.max(np.stack([np.broadcast_to(p.value[i], shape) for p in plays]), axis=0)
        for j in range(SAMPLES):
            mid = (grid[j] + grid[j + 1]) / 2
            mid_sig = self.signature(below(mid, env, size, at), size)
            back = (sigs[j] == sigs[j + 1]) & (mid_sig != sigs[j])  # play left and came back: missed switches
            if back.any():
                self.warnings["return"] = self.warnings.get("return", 0) + int(back.sum())
            # switch after switch from the left end: each bisection finds where play first leaves the
            # left end's, then the search goes on from there to the right end (at most MAX_SWITCHES)
            start, left = grid[j].copy(), sigs[j].copy()
            end_sig = sigs[j + 1]
            idx = np.flatnonzero(left != end_sig)
            for _ in range(MAX_SWITCHES):
                if not idx.size:
                    break
                sub = {k: (x[idx] if np.ndim(x) else x) for k, x in env.items()}
                where = idx if at is None else at[idx]
                a, b, here = start[idx], grid[j + 1][idx].copy(), left[idx]
                b_sig = end_sig[idx].copy()
                for _ in range(BISECTIONS):
                    m = (a + b) / 2
                    m_sig = self.signature(below(m, sub, idx.size, where), idx.size)
                    same = m_sig == here
                    a = np.where(same, m, a)
                    b = np.where(same, b, m)
                    b_sig = np.where(same, b_sig, m_sig)
                valid = np.zeros(size, dtype=bool)
                valid[idx] = True
                for kind, side in ((2, a), (3, b)):
                    v = lo.copy()
                    v[idx] = side
                    consider(v, kind, valid)
                start[idx], left[idx] = b, b_sig
                idx = idx[b_sig != end_sig[idx]]
            if idx.size:
                self.warnings["switch"] = self.warnings.get("switch", 0) + int(idx.size)
        return sample_best  # type: ignore[no-any-return]


def _offers_on_paths(tree: TreeGame) -> dict[str, bool]:
    """For every node and outcome, whether a path from it passes an offer node before it ends (at an
    outcome or a chance node)."""
    out: dict[str, bool] = {o: False for o in tree.outcomes}
    for nid in reversed(tree.order):
        node = tree.nodes[nid]
        if isinstance(node, OfferNode):
            out[nid] = True
        elif isinstance(node, ChanceNode):
            out[nid] = False
        else:
            out[nid] = any(out[t] for _, t in node.moves)
    return out


def _nested_offers(tree: TreeGame) -> dict[str, bool]:
    """For every offer node, whether another offer node lies below it."""
    under: dict[str, bool] = {o: False for o in tree.outcomes}
    out: dict[str, bool] = {}
    for nid in reversed(tree.order):
        node = tree.nodes[nid]
        targets = [node.next] if isinstance(node, OfferNode) else [t for _, t in node.moves]
        if isinstance(node, OfferNode):
            out[nid] = under[node.next]
        under[nid] = isinstance(node, OfferNode) or any(under[t] for t in targets)
    return out


def _varying(tree: TreeGame, candidates: Mapping[str, tuple[sympy.Expr, ...]]) -> dict[str, tuple[str, ...]]:
    r"""The nodes whose play is worth keeping while an offer node above tries its candidates, each
    with the offered numbers its play depends on.

    A node's play depends on the chunk's parameters and on :math:`D(n)`, the offered numbers its
    subtree's formulas use (payoffs, probabilities, bounds, candidates) that no offer node between
    sets: :math:`D` of an outcome is its payoffs' symbols, of a decision or chance node the union
    over its moves (and its probabilities' symbols), of an offer node setting :math:`w`
    :math:`(D(\text{next}) \cup \text{candidates}) \setminus \{w\} \cup \text{bounds}`. Calls
    of :math:`n` differ only in :math:`E(n) = D(n) \cap V(n)`, :math:`V(n)` the numbers set by offer
    nodes above it (on any path). A node is kept where :math:`E(n)` is smaller than what varies
    between calls of its parent (:math:`E(m)`, and :math:`m`'s own number at an offer node): there
    its parent calls it again with the same inputs. In Ståhl's alternating offers the next round
    uses no earlier offer, so it is evaluated once per chunk instead of once per candidate above."""
    offered = {tree.nodes[n].parameter for n in tree.offer_nodes()}  # type: ignore[union-attr]

    def names(*exprs: Any) -> set[str]:
        return {s.name for e in exprs for s in sympy.sympify(e).free_symbols} & offered

    deps: dict[str, set[str]] = {o: names(*tree.outcomes[o].payoffs.values()) for o in tree.outcomes}
    for nid in reversed(tree.order):
        node = tree.nodes[nid]
        if isinstance(node, OfferNode):
            inner = deps[node.next] | names(*candidates.get(nid, ())[2:])
            deps[nid] = (inner - {node.parameter}) | names(node.low, node.high)
        else:
            deps[nid] = set().union(*(deps[t] for _, t in node.moves))
            if isinstance(node, ChanceNode):
                deps[nid] |= names(*node.probabilities)
    above: dict[str, set[str]] = {tree.root: set()}
    for nid in tree.order:
        node = tree.nodes[nid]
        mine = above.get(nid, set()) | ({node.parameter} if isinstance(node, OfferNode) else set())
        for t in [node.next] if isinstance(node, OfferNode) else [t for _, t in node.moves]:
            above[t] = above.get(t, set()) | mine
    varies = {n: deps[n] & above.get(n, set()) for n in deps}
    out: dict[str, tuple[str, ...]] = {}
    for nid in tree.order:
        node = tree.nodes[nid]
        calls = varies[nid] | ({node.parameter} if isinstance(node, OfferNode) else set())
        for t in [node.next] if isinstance(node, OfferNode) else [t for _, t in node.moves]:
            if varies[t] < calls:
                out[t] = tuple(sorted(varies[t]))
    return out


def path_label(path: tuple[str, ...], outcome: str | None) -> str:
    """``offer, accept (deal)``: the moves from the root and where play ends (``chance`` after a chance node).

    The one label of a path, for compiled and per-point tree sweeps alike.
    """
    return f"{', '.join(path) or 'no move'} ({outcome if outcome is not None else 'then chance'})"


def _paths(tree: TreeGame) -> list[tuple[tuple[str, ...], str | None, tuple[tuple[str, int], ...], tuple[str, ...]]]:
    """Every path from the root as the per-point solver reports it: moves up to an outcome or the first
    chance node, the outcome (None after a chance node), the (decision node, move index) pairs taken
    and the offer nodes passed."""
    out: list[tuple[tuple[str, ...], str | None, tuple[tuple[str, int], ...], tuple[str, ...]]] = []

    def walk(at: str, moves: tuple[str, ...], taken: tuple[tuple[str, int], ...], offers: tuple[str, ...]) -> None:
        if at in tree.outcomes:
            out.append((moves, at, taken, offers))
            return
        node = tree.nodes[at]
        if isinstance(node, ChanceNode):
            out.append((moves, None, taken, offers))
        elif isinstance(node, OfferNode):
            walk(node.next, moves, taken, (*offers, at))
        else:
            for k, (m, t) in enumerate(node.moves):
                walk(t, (*moves, m), (*taken, (at, k)), offers)

    walk(tree.root, (), (), ())
    return out


@dataclass(frozen=True, eq=False, repr=False)
class TreeEvaluation:
    """The subgame-perfect play at every point of a grid (arrays of the grid's shape).

    ``codes`` indexes ``labels`` (every path the tree has, as ``offer, accept (deal)``; ``paths`` and
    ``outcomes`` the same as tuples); ``offers`` maps each offer node's parameter to the number chosen
    (NaN where the node is not on the path, or lies after a chance node); ``payoffs`` maps each actor
    to its (expected) payoff; ``ties`` marks points where some mover was indifferent (the first listed
    move was taken); ``route`` says how the offers were found.
    """

    labels: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]
    outcomes: tuple[str | None, ...]
    codes: IntArray
    offers: Mapping[str, FloatArray]
    payoffs: Mapping[str, FloatArray]
    ties: BoolArray
    route: Route
    notes: tuple[str, ...] = ()
    warnings: Mapping[str, int] = field(default_factory=dict)
    """Counts behind the numeric route's notes (:func:`numeric_notes`), to be summed over chunks."""

    def __repr__(self) -> str:
        return f"<TreeEvaluation: {self.codes.size:,} points, {self.route} route>"


_Formula = tuple[Callable[..., Any] | None, tuple[int, ...], bool]
"""A compiled formula (one or a list: the flag): its own function, or None and its place among the
formulas free of offered numbers, which are computed together once per chunk."""
_Payoff = tuple[_Formula, tuple[tuple[str, _Formula], ...]]
"""One actor's payoff at an outcome: a constant term and (offered number, coefficient) pairs when it
is affine in the offered numbers, else the whole formula and no pairs."""
_Static = tuple[tuple[Callable[..., Any], ...], Callable[..., Any] | None]
"""The formulas free of offered numbers: one function per common subexpression (each of the
parameters and the subexpressions before it), then one for all the formulas."""


@dataclass(frozen=True, eq=False, repr=False)
class CompiledTree:
    """A tree's subgame-perfect play compiled for evaluation on grids (:func:`compile_tree`).

    ``route`` is ``"symbolic"`` (every candidate number a formula: ``candidates`` by offer node, the
    bounds first) or ``"numeric"`` (offers found per point by sampling and bisection; ``why`` says
    why); ``compile_seconds`` the time compiling took; ``defaults`` the parameter values used where a
    parameter is neither swept nor fixed.
    """

    tree: TreeGame
    defaults: Mapping[str, float]
    route: Route
    why: str
    candidates: Mapping[str, tuple[sympy.Expr, ...]]
    compile_seconds: float
    labels: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]
    outcomes: tuple[str | None, ...]
    _symbols: tuple[sympy.Symbol, ...] = field(repr=False)
    _payoffs: Mapping[str, tuple[_Payoff, ...]] = field(repr=False)
    _static: _Static = field(repr=False)
    _probabilities: Mapping[str, _Formula] = field(repr=False)
    _bounds: Mapping[str, _Formula] = field(repr=False)
    _candidates: Mapping[str, tuple[_Formula, ...]] = field(repr=False)
    _routes: tuple[tuple[tuple[tuple[str, int], ...], tuple[str, ...]], ...] = field(repr=False)
    _offers_below: Mapping[str, bool] = field(repr=False, default_factory=dict)
    _nested: Mapping[str, bool] = field(repr=False, default_factory=dict)
    _varying: Mapping[str, tuple[str, ...]] = field(repr=False, default_factory=dict)

    def __repr__(self) -> str:
        count = sum(len(c) for c in self.candidates.values())
        return (
            f"<CompiledTree: {len(self.tree.nodes)} nodes, {self.route} route"
            + (f", {count} candidate formulas" if self.route == "symbolic" else f" ({self.why})")
            + ">"
        )

    def evaluate(
        self, grid: Mapping[str, npt.ArrayLike], fixed: Mapping[str, float] | None = None, *, chunk: int | None = None
    ) -> TreeEvaluation:
        """Path code, offers on the path, payoffs and ties at every point of ``grid``.

        ``grid`` maps parameters to arrays (broadcast together: give a mesh, or 1-D arrays of one
        length for scattered points); ``fixed`` sets other parameters; the rest keep ``defaults``.
        Parameters chosen at offer nodes cannot be given (the mover sets them). ``chunk``: points
        evaluated at once (:data:`CHUNK` for scattered points, :data:`MESH_CHUNK` for a mesh given by
        its axes, which is evaluated by whole rows).
        """
        fixed = dict(fixed or {})
        offered = {self.tree.nodes[n].parameter for n in self.tree.offer_nodes()}  # type: ignore[union-attr]
        for name in [*grid, *fixed]:
            if name in offered:
                raise ScenarioError(
                    "a parameter not chosen at an offer node (the mover sets it)",
                    found=repr(name),
                    field=f"grid.{name}",
                )
            if name not in self.defaults:
                raise ScenarioError(
                    f"a parameter of the tree ({', '.join(sorted(self.defaults))})",
                    found=repr(name),
                    field=f"grid.{name}",
                )
        given = [np.asarray(v, dtype=float) for v in grid.values()]
        shape = np.broadcast_shapes(*(a.shape for a in given)) if given else ()
        total = max(1, math.prod(shape))
        inner = math.prod(shape[1:]) if len(shape) >= 2 else 0
        mesh_chunk = MESH_CHUNK if chunk is None else chunk
        if self.route == "symbolic" and 0 < inner <= mesh_chunk and any(a.shape != shape for a in given):
            # a mesh given by its axes: chunks of whole rows, every array kept as given (broadcastable
            # to the chunk), so formulas of some axes only are computed on those axes
            layout: tuple[int, ...] = shape
            inputs = {
                name: a.reshape((1,) * (len(shape) - a.ndim) + a.shape) for name, a in zip(grid, given, strict=True)
            }
            step = max(1, mesh_chunk // inner)
        else:  # scattered points (or a mesh given in full): chunks of the flattened points
            layout = (total,)
            inputs = {
                name: np.ascontiguousarray(a).reshape(-1)
                for name, a in zip(grid, np.broadcast_arrays(*given) if given else [], strict=True)
            }
            step = CHUNK if chunk is None else chunk
        scalars = {k: np.float64(v) for k, v in {**self.defaults, **fixed}.items() if k not in inputs}
        actors = self.tree.actors
        codes = np.empty(layout, dtype=np.int64)
        params = list(dict.fromkeys(self.tree.nodes[n].parameter for n in self.tree.offer_nodes()))  # type: ignore[union-attr]
        offers = {p: np.empty(layout) for p in params}  # every chunk written by _paths_taken
        payoffs = {a: np.empty(layout) for a in actors}
        ties = np.zeros(layout, dtype=bool)
        warnings: dict[str, int] = {}
        with np.errstate(all="ignore"):
            for start in range(0, layout[0], step):
                stop = min(layout[0], start + step)
                part = (stop - start, *layout[1:])
                env: dict[str, npt.NDArray[Any]] = {k: np.asarray(v) for k, v in scalars.items()}
                for name, arr in inputs.items():
                    env[name] = arr if arr.shape[0] == 1 else arr[start:stop]
                ev = Evaluator(self, env, part)
                ev.kinds = self.route == "numeric"
                play = ev.play(self.tree.root, env, part, TIE, None)
                for key, val in ev.warnings.items():
                    warnings[key] = warnings.get(key, 0) + val
                self._paths_taken(play, part, codes[start:stop], {p: v[start:stop] for p, v in offers.items()})
                for actor, pay in zip(actors, play.value, strict=True):
                    payoffs[actor][start:stop] = pay
                ties[start:stop] = False if play.tied is None else play.tied
        notes = list(numeric_notes(self.why, warnings) if self.route == "numeric" else ())
        if ties.any():
            notes.append(
                f"At {int(ties.sum())} points some mover is indifferent between moves and the first listed move is"
                " taken."
            )
        return TreeEvaluation(
            labels=self.labels,
            paths=self.paths,
            outcomes=self.outcomes,
            codes=codes.reshape(shape),
            offers={p: v.reshape(shape) for p, v in offers.items()},
            payoffs={a: v.reshape(shape) for a, v in payoffs.items()},
            ties=ties.reshape(shape),
            route=self.route,
            notes=tuple(notes),
            warnings=warnings,
        )

    def _paths_taken(
        self, play: _Play, part: tuple[int, ...], codes: IntArray, offers: Mapping[str, FloatArray]
    ) -> None:
        """Write the path code of ``play`` into ``codes`` (the paths numbered as :func:`_paths` lists
        them) and the numbers of the offer nodes on the path into ``offers`` (NaN elsewhere, and in the
        whole of a parameter set only after a chance node), walking
        the tree once: a decision node's code is its chosen move's, an offer node's number is shown
        where the moves above lead to it (a deeper offer node's of the same parameter over it)."""
        tree = self.tree
        shown: dict[str, Any] = {}
        counter = [0]

        def move_is(nid: str, j: int) -> Any:
            c = np.asarray(play.choice[nid])
            if c.dtype == np.int8 and len(tree.nodes[nid].moves) == 2:
                return c.view(np.bool_) if j else np.logical_not(c.view(np.bool_))
            return c == j

        def walk(at: str, reach: Any) -> Any:
            """The code from ``at`` (reached where ``reach``: True, or a mask)."""
            if at in tree.outcomes or isinstance(tree.nodes[at], ChanceNode):
                counter[0] += 1
                return np.int64(counter[0] - 1)
            node = tree.nodes[at]
            if isinstance(node, OfferNode):
                shown[node.parameter] = _select(reach, play.offer[at], shown.get(node.parameter, np.nan))
                return walk(node.next, reach)
            assert isinstance(node, DecisionNode)
            below = [self._offers_below[t] for _, t in node.moves]
            subs = [walk(t, (reach & move_is(at, j)) if below[j] else reach) for j, (_, t) in enumerate(node.moves)]
            if all(isinstance(x, np.int64) for x in subs) and subs == list(range(subs[0], subs[0] + len(subs))):
                c = np.asarray(play.choice[at])
                return c if subs[0] == 0 else np.add(c, subs[0], dtype=np.int64)
            code = subs[-1]
            for j in range(len(subs) - 2, -1, -1):
                code = _select(move_is(at, j), subs[j], code)
            return code

        codes[...] = walk(tree.root, np.True_)
        for p, arr in offers.items():
            arr[...] = shown.get(p, np.nan)


def numeric_notes(why: str, warnings: Mapping[str, int]) -> tuple[str, ...]:
    """The notes of the numeric route: why it was taken, and where its assumptions may fail
    (``warnings`` counts ``"return"``, ``"switch"`` and ``"sample"`` events over the points)."""
    notes = [f"Offers found numerically per point (sampling and bisection): {why}."]
    if warnings.get("return"):
        notes.append(
            f"At {warnings['return']} (point, interval) pairs play below an offer node left a play and came"
            " back to it between neighbouring samples: switches there may be missed (the numeric route's"
            " assumption fails)."
        )
    if warnings.get("switch"):
        notes.append(
            f"At {warnings['switch']} (point, interval) pairs play below an offer node switched more than"
            f" {MAX_SWITCHES} times between neighbouring samples: later switches are not candidates."
        )
    if warnings.get("sample"):
        notes.append(
            f"At {warnings['sample']} (point, offer node) pairs a sampled number paid the mover more than the"
            " number chosen: its payoff is not monotone between switches there, and the offer may be off."
        )
    return tuple(notes)


class _Formulas:
    """Compiles formulas: those with an offered number on their own, the others gathered to be
    computed together (:meth:`static`), their common subexpressions once (``sympy.cse``)."""

    def __init__(self, symbols: Sequence[sympy.Symbol], offered: set[sympy.Symbol]) -> None:
        self.symbols = list(symbols)
        self.offered = offered
        self.gathered: list[sympy.Expr] = []

    def __call__(self, expr: sympy.Expr | Sequence[sympy.Expr]) -> _Formula:
        many = isinstance(expr, list | tuple)
        exprs = [sympy.sympify(e) for e in (expr if isinstance(expr, list | tuple) else [expr])]
        if any(e.free_symbols & self.offered for e in exprs):
            return compile_numpy(self.symbols, list(exprs) if many else exprs[0]), (), many
        start = len(self.gathered)
        self.gathered += exprs
        return None, tuple(range(start, start + len(exprs))), many

    def static(self) -> _Static:
        if not self.gathered:
            return (), None
        names = sympy.numbered_symbols("_cse", real=True)
        steps, reduced = sympy.cse(self.gathered, symbols=names, optimizations=None)
        known = list(self.symbols)
        compiled: list[Callable[..., Any]] = []
        for sym, e in steps:
            compiled.append(compile_numpy(list(known), e))
            known.append(sym)
        return tuple(compiled), compile_numpy(known, list(reduced))


def compile_tree(
    model: Scenario | TreeGame,
    *,
    route: Route | None = None,
    deadline: float | None = None,
    budget: float | None = None,
    max_candidates: int = MAX_CANDIDATES,
) -> CompiledTree:
    """Compile a tree's backward induction once for evaluation on grids (module docstring).

    ``route`` forces ``"symbolic"`` (a :class:`ScenarioError` if it cannot be had) or ``"numeric"``;
    by default the symbolic route is tried within ``deadline`` seconds (the budget's deadline of
    symbolic work if omitted, docs/format.md#budgets) and the numeric route taken otherwise.
    """
    scenario = Scenario.of(model)
    tree = scenario.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError('a game tree (game = "tree")', found=f"a {scenario.kind} game", field="model")
    shared = next(((h, ns) for h, ns in tree.information_sets().items() if len(ns) > 1), None)
    if shared is not None:
        raise ScenarioError(
            "a tree of perfect information (every information set one node)",
            found=f"information set {shared[0]!r} holding {', '.join(shared[1])}",
            field=f"nodes.{shared[1][0]}.info",
        )
    began = time.perf_counter()
    symbols = tuple(sorted(tree.parameter_symbols(), key=lambda s: s.name))
    offer_ids = tree.offer_nodes()
    offered_syms = {_offer_symbol(tree.nodes[n]) for n in offer_ids}  # type: ignore[arg-type]
    why = "the numeric route was asked for" if route == "numeric" else ""
    found: _Symbolic | None = None
    if route != "numeric":
        if not offer_ids:
            found = _Symbolic({}, {})
        else:
            try:
                found = within_deadline(
                    lambda: _symbolic(tree, max_candidates, MAX_ALTERNATIVES), deadline, budget=budget
                )
            except _Incomplete as err:
                why = str(err)
            except DeadlineExceeded as late:
                why = str(late)
        if found is None and route == "symbolic":
            raise ScenarioError("a tree whose offers the symbolic route solves", found=why, field="route")
    chosen: Route = "symbolic" if found is not None else "numeric"
    payoffs: dict[str, tuple[_Payoff, ...]] = {}
    formula = _Formulas(symbols, offered_syms)
    ordered_offers = sorted(offered_syms, key=lambda s: s.name)
    for oid, o in tree.outcomes.items():
        parts: list[_Payoff] = []
        for a in tree.actors:
            e = sympy.expand(o.payoffs[a])
            affine = None
            if ordered_offers and e.free_symbols & offered_syms:
                try:
                    poly = sympy.Poly(e, *ordered_offers)
                    if poly.total_degree() <= 1:
                        affine = poly
                except sympy.PolynomialError:
                    affine = None
            if affine is not None:
                zero = {w: 0 for w in ordered_offers}
                coeffs = tuple((w.name, formula(sympy.diff(e, w))) for w in ordered_offers if w in e.free_symbols)
                parts.append((formula(e.xreplace(zero)), coeffs))
            else:
                parts.append((formula(e), ()))
        payoffs[oid] = tuple(parts)
    probabilities = {nid: formula(list(n.probabilities)) for nid, n in tree.nodes.items() if isinstance(n, ChanceNode)}
    bounds = {nid: formula([n.low, n.high]) for nid, n in tree.nodes.items() if isinstance(n, OfferNode)}
    formulas: dict[str, tuple[sympy.Expr, ...]] = {}
    candidates: dict[str, tuple[_Formula, ...]] = {}
    if found is not None:
        for nid in offer_ids:
            node = tree.nodes[nid]
            assert isinstance(node, OfferNode)
            extra = (*found.roots.get(nid, ()), *found.critical.get(nid, ()))
            formulas[nid] = (node.low, node.high, *extra)
            candidates[nid] = tuple(formula(e) for e in extra)
    routes = _paths(tree)
    return CompiledTree(
        tree=tree,
        defaults=scenario.values(),
        route=chosen,
        why=why,
        candidates=formulas,
        compile_seconds=time.perf_counter() - began,
        labels=tuple(path_label(p, o) for p, o, _, _ in routes),
        paths=tuple(p for p, _, _, _ in routes),
        outcomes=tuple(o for _, o, _, _ in routes),
        _symbols=symbols,
        _static=formula.static(),
        _payoffs=payoffs,
        _probabilities=probabilities,
        _bounds=bounds,
        _candidates=candidates,
        _routes=tuple((taken, passed) for _, _, taken, passed in routes),
        _offers_below=_offers_on_paths(tree),
        _nested=_nested_offers(tree),
        _varying=_varying(tree, formulas),
    )

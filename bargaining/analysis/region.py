r"""The record's judge on many points at once: what :func:`~bargaining.analysis.record.history`
decides at one point, decided for arrays of parameter values with numpy.

At a point the judge only needs the game's *discrete* solution there
(:mod:`bargaining.analysis.record`):

* **game tree**: the subgame-perfect path. :func:`~bargaining.analysis.compiled_tree.compile_tree`
  solves backward induction once in the parameters (Kuhn 1953) and evaluates it on arrays; the path
  code at each point gives every actor's moves on the path, and an entry agrees when each observed
  actor makes the observed move at one of its nodes on the path (as ``record.judge_tree``);
* **normal form, two actors**: the set of extreme Nash equilibria. The sweep's vertex pairs
  (von Stengel 2007; :func:`~bargaining.analysis.sweep.solve_chunk`) give, per candidate pair of
  best-response-polytope vertices, where it is an equilibrium and its probabilities. A group of
  entries is explained when some equilibrium has every observed actor play the observed strategy
  with probability :math:`\ge 1 - 10^{-9}`; a claim holds when there is an equilibrium and every one
  plays it. Both statements are the same on the extreme equilibria as on all equilibria: the
  equilibria with :math:`\sigma_i(s_i) = 1` form a face of each (convex) component, whose vertices
  are extreme equilibria;
* **normal form, three or more actors**: the per-point judge uses every equilibrium, mixed included
  (:mod:`bargaining.analysis.nash_n`); the arrays test the pure profiles and *certify* the cases
  where a mixed equilibrium cannot change the verdict, by iterated elimination of strictly dominated
  strategies (Fudenberg & Tirole 1991, §2.1), which keeps every equilibrium: a group no pure
  equilibrium explains is certainly unexplained when, with its observed actors held at their
  observed strategies, elimination leaves one profile of the others, or leaves some observed
  actor's strategy strictly worse than another against every surviving profile; a claim every pure
  equilibrium plays certainly holds when elimination in the whole game leaves the claimed actors
  only their claimed strategies. Points not certified are marked *unsure*;
* **package deal**: the symmetric Nash bargaining solution's lottery (Nash 1950) at every point,
  from :func:`~bargaining.analysis.deal_arrays.deal_solutions` (which mirrors the per-point solver's
  tolerances and tie rules): an entry agrees when the observed package's weight :math:`w` exceeds
  :math:`10^{-9}` and every rival's weight by :math:`10^{-9}` (as ``record.judge_package``); weights
  within :data:`BAND` of either threshold are unsure.

Every answer comes with an ``unsure`` mask: points where the arrays do not decide as the per-point
judge would for certain (possible mixed equilibria; for three or more actors, a verdict resting on a
pure profile whose best replies are tied within :data:`BAND` of an actor's payoff range; no
equilibrium found; parameters out of bounds). The caller
(:func:`~bargaining.analysis.record.consistent_region`) judges those points one by one, so the
region is identical to the per-point judge's.

>>> import numpy as np
>>> from bargaining.io.scenario_file import load
>>> s = load("eu_russia_2007")
>>> judge = ArrayJudge(s)
>>> sol = judge.solve(judge.parameters({"T": np.array([0.0, 2.0, 5.0])}, 3), 3)
>>> ok, unsure = sol.explains(s.observed)
>>> ok.tolist(), unsure.tolist()
([False, False, True], [False, False, False])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from bargaining.analysis.compiled_tree import CompiledTree
from bargaining.analysis.deal_arrays import CompiledDeal, compile_deal, deal_solutions
from bargaining.analysis.sweep import solve_chunk, vertex_plan
from bargaining.analysis.sweep_tree import compiled_tree_of
from bargaining.budget import deadline_seconds
from bargaining.games.bargain import BargainingProblem
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.scenario import Claim, Observed, Scenario

__all__ = ["BAND", "TOL", "VECTORISED", "ArrayJudge", "PointSolution", "array_kind"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Entry: TypeAlias = Observed | Claim
Kind = Literal["tree", "normal2", "normal_n", "bargain"]

TOL = 1e-9
"""Probability within which an observed strategy counts as played for sure (record.TOL)."""
BAND = 1e-7
"""Relative to an actor's payoff range at a point: payoff differences this small are near-ties,
judged point by point (games of three or more actors)."""
VECTORISED = ("tree", "normal", "bargain")
"""Game kinds whose record is judged as arrays (the others have no record to judge)."""


def array_kind(scenario: Scenario) -> Kind | None:
    """How the arrays judge ``scenario``'s game: ``"tree"``, ``"normal2"`` (two actors),
    ``"normal_n"`` (three or more), ``"bargain"`` (a package deal), or None (judged point by point).

    >>> from bargaining.io.scenario_file import load
    >>> array_kind(load("eurasia_chain")), array_kind(load("central_asia_signing"))
    ('tree', 'normal_n')
    """
    game = scenario.game
    if isinstance(game, TreeGame):
        shared = any(len(ns) > 1 for ns in game.information_sets().values())
        return None if shared else "tree"
    if isinstance(game, NormalFormGame):
        if game.n_actors == 2:
            return "normal2"
        return "normal_n" if game.n_actors >= 3 else None
    if isinstance(game, BargainingProblem):
        return "bargain"
    return None


class PointSolution:
    """The solution at N points: ``explains(entries)`` (a group) and ``holds(claim)``, each
    ``(verdict, unsure)`` boolean arrays (N,)."""

    size: int
    unsure: BoolArray

    def explains(self, entries: Sequence[Entry]) -> tuple[BoolArray, BoolArray]:
        raise NotImplementedError

    def holds(self, claim: Entry) -> tuple[BoolArray, BoolArray]:
        raise NotImplementedError


class _TreeSolution(PointSolution):
    def __init__(self, codes: npt.NDArray[np.int64], moves: Sequence[Mapping[str, tuple[str, ...]]]) -> None:
        self.codes = codes
        self.moves = moves
        self.size = int(codes.size)
        self.unsure = codes < 0

    def _agrees(self, entry: Entry) -> BoolArray:
        table = np.array(
            [all(m in moves.get(a, ()) for a, m in entry.what.items()) for moves in self.moves] + [False], dtype=bool
        )
        return np.asarray(table[self.codes], dtype=bool)  # code -1 reads the last (False) slot

    def explains(self, entries: Sequence[Entry]) -> tuple[BoolArray, BoolArray]:
        ok = np.ones(self.size, dtype=bool)
        for e in entries:
            ok &= self._agrees(e)
        return ok, self.unsure

    def holds(self, claim: Entry) -> tuple[BoolArray, BoolArray]:
        return self._agrees(claim), self.unsure


def _strategy_index(game: NormalFormGame, entry: Entry) -> dict[int, int]:
    return {game.actors.index(a): game.strategies[game.actors.index(a)].index(s) for a, s in entry.what.items()}


def _observed_profile(game: NormalFormGame, entries: Sequence[Entry]) -> dict[int, int] | None:
    """Actor index -> strategy index over every entry, or None when two entries disagree."""
    out: dict[int, int] = {}
    for e in entries:
        for i, s in _strategy_index(game, e).items():
            if out.setdefault(i, s) != s:
                return None
    return out


class _Normal2Solution(PointSolution):
    def __init__(self, game: NormalFormGame, out: Mapping[str, npt.NDArray[Any]], size: int) -> None:
        self.game = game
        self.size = size
        self.valid = np.asarray(out["valid"], dtype=bool)  # (K, N)
        self.pairs = out["pairs"]
        self.probs = (out["prob0"], out["prob1"])  # (V, m, N) per actor's vertex
        self.unsure = np.asarray(~self.valid.any(axis=0), dtype=np.bool_)  # no equilibrium found: point by point

    def _plays(self, profile: Mapping[int, int]) -> BoolArray:
        """(K, N): candidate k has every actor in ``profile`` play its strategy for sure."""
        K = self.valid.shape[0]
        plays = np.ones((K, self.size), dtype=bool)
        for i, s in profile.items():
            plays &= np.asarray(self.probs[i][self.pairs[i], s] >= 1 - TOL, dtype=np.bool_)
        return plays

    def explains(self, entries: Sequence[Entry]) -> tuple[BoolArray, BoolArray]:
        profile = _observed_profile(self.game, entries)
        if profile is None:
            return np.zeros(self.size, dtype=bool), self.unsure
        return np.asarray((self.valid & self._plays(profile)).any(axis=0), dtype=np.bool_), self.unsure

    def holds(self, claim: Entry) -> tuple[BoolArray, BoolArray]:
        plays = self._plays(_strategy_index(self.game, claim))
        return np.asarray(self.valid.any(axis=0) & (plays | ~self.valid).all(axis=0), dtype=np.bool_), self.unsure


class _NormalNSolution(PointSolution):
    """Pure profiles tested on the payoff array, mixed equilibria ruled out by elimination where they can be.

    A profile is *surely* an equilibrium when every actor's strategy beats each alternative by more
    than the margin (:data:`BAND` of the actor's payoff range), *surely not* when some alternative
    beats it by more; a verdict that rests on a profile in between (a near-tie) is unsure.
    """

    def __init__(self, game: NormalFormGame, payoffs: FloatArray, size: int) -> None:
        self.game = game
        self.size = size
        self.P = payoffs  # (n, m_1, ..., m_n, N)
        n = game.n_actors
        span = payoffs.max(axis=tuple(range(1, n + 1))) - payoffs.min(axis=tuple(range(1, n + 1)))  # (n, N)
        self.margin = BAND * (1.0 + span)  # (n, N)
        loose = np.ones((*game.shape, size), dtype=bool)
        tight = np.ones((*game.shape, size), dtype=bool)
        for i in range(n):
            u = payoffs[i]
            margin = self.margin[i]
            best_other = np.full(u.shape, -np.inf)
            for t in range(game.shape[i]):
                alt = np.take(u, [t], axis=i)  # every profile's payoff had i played t
                others = np.broadcast_to(alt, u.shape).copy()
                index = [slice(None)] * u.ndim
                index[i] = t  # type: ignore[call-overload]
                others[tuple(index)] = -np.inf  # t against itself is no alternative
                best_other = np.maximum(best_other, others)
            loose &= best_other - u <= margin
            tight &= best_other - u < -margin
        self.loose = loose  # (m_1, ..., m_n, N): an equilibrium within the margin
        self.tight = tight  # a strict equilibrium by more than the margin
        self.unsure = np.asarray(~np.isfinite(payoffs).reshape(-1, size).all(axis=0), dtype=np.bool_)

    def _mask(self, alive: Sequence[BoolArray], i: int) -> BoolArray:
        """(others' strategies..., N): the surviving profiles of the actors other than ``i``."""
        game, n, N = self.game, self.game.n_actors, self.size
        others = [alive[j] for j in range(n) if j != i]
        mask = np.ones((*[game.shape[j] for j in range(n) if j != i], N), dtype=bool)
        for k, a in enumerate(others):
            shape = [1] * (n - 1) + [N]
            shape[k] = a.shape[0]
            mask &= a.reshape(shape)
        return mask

    def _beaten(self, alive: Sequence[BoolArray], i: int, s: int, t: int) -> BoolArray:
        """Where ``t`` beats ``s`` for actor ``i`` by more than the margin against every surviving profile."""
        n = self.game.n_actors
        u = self.P[i]
        gain = np.take(u, t, axis=i) - np.take(u, s, axis=i)  # (others..., N)
        worst = np.where(self._mask(alive, i), gain, np.inf).min(axis=tuple(range(n - 1)))
        return np.asarray(worst > self.margin[i], dtype=np.bool_)

    def _alive(self, fixed: Mapping[int, int]) -> list[BoolArray]:
        """Strategies surviving iterated strict dominance (by pure strategies, by more than the
        margin) with the actors in ``fixed`` held at their strategies: (m_i, N) per actor."""
        game, N = self.game, self.size
        alive = []
        for i, m in enumerate(game.shape):
            a = np.ones((m, N), dtype=bool)
            if i in fixed:
                a[:] = False
                a[fixed[i]] = True
            alive.append(a)
        for _ in range(sum(game.shape)):
            changed = False
            for i, m in enumerate(game.shape):
                if i in fixed or m < 2:
                    continue
                for s in range(m):
                    for t in range(m):
                        if s == t:
                            continue
                        beaten = alive[i][s] & alive[i][t] & self._beaten(alive, i, s, t)
                        if beaten.any():
                            alive[i][s] &= ~beaten
                            changed = True
            if not changed:
                break
        return alive

    def explains(self, entries: Sequence[Entry]) -> tuple[BoolArray, BoolArray]:
        game, n, N = self.game, self.game.n_actors, self.size
        profile = _observed_profile(game, entries)
        if profile is None:
            return np.zeros(N, dtype=bool), self.unsure
        index = tuple(profile.get(i, slice(None)) for i in range(n))
        surely = self.tight[index].reshape(-1, N).any(axis=0)  # a pure equilibrium explains the group
        maybe = self.loose[index].reshape(-1, N).any(axis=0)
        alive = self._alive(profile)
        unique = np.ones(N, dtype=bool)  # the others' one surviving profile: no mixed equilibrium either
        for i in range(n):
            if i not in profile:
                unique &= alive[i].sum(axis=0) == 1
        refuted = np.zeros(N, dtype=bool)  # an observed actor's strategy beaten against every surviving profile
        for i, s in profile.items():
            for t in range(game.shape[i]):
                if t != s:
                    refuted |= self._beaten(alive, i, s, t)
        certain = surely | (~maybe & (unique | refuted))
        return np.asarray(surely, dtype=np.bool_), self.unsure | ~certain

    def holds(self, claim: Entry) -> tuple[BoolArray, BoolArray]:
        game, N = self.game, self.size
        profile = _strategy_index(game, claim)
        plays = np.array([all(p[i] == s for i, s in profile.items()) for p in np.ndindex(*game.shape)], dtype=bool)
        tight, loose = self.tight.reshape(-1, N), self.loose.reshape(-1, N)
        refuted = (tight & ~plays[:, None]).any(axis=0)  # a pure equilibrium not playing the claim
        pure_all = tight.any(axis=0) & ~(loose & ~plays[:, None]).any(axis=0)
        alive = self._alive({})
        forced = np.ones(N, dtype=bool)  # elimination leaves the claimed actors their claim alone
        for i, s in profile.items():
            forced &= alive[i][s] & (alive[i].sum(axis=0) == 1)
        holds = pure_all & forced
        return np.asarray(holds, dtype=np.bool_), self.unsure | ~(refuted | holds)


class _DealSolution(PointSolution):
    def __init__(self, problem: BargainingProblem, weights: FloatArray) -> None:
        self.problem = problem
        self.weights = weights  # (N, K): the Nash solution's weight on every package
        self.size = int(weights.shape[0])
        self.unsure = np.asarray(~np.isfinite(weights).all(axis=1), dtype=np.bool_)

    def _agrees(self, entry: Entry) -> tuple[BoolArray, BoolArray]:
        k = self.problem.index(entry.what)
        w = self.weights[:, k]
        others = np.delete(self.weights, k, axis=1)
        rival = others.max(axis=1) if others.shape[1] else np.zeros(self.size)
        rival = np.maximum(rival, 0.0)  # record.judge_package: the most weight of another package, 0 if none
        ok = (w > TOL) & (w > rival + TOL)
        # a weight of exactly 0 (the package is not in the lottery) certainly does not agree
        near = (w > 0) & ((np.abs(w - TOL) <= BAND) | (np.abs(w - rival - TOL) <= BAND))
        return np.asarray(ok, dtype=np.bool_), np.asarray(self.unsure | near, dtype=np.bool_)

    def explains(self, entries: Sequence[Entry]) -> tuple[BoolArray, BoolArray]:
        ok = np.ones(self.size, dtype=np.bool_)
        unsure = np.array(self.unsure, dtype=np.bool_)
        for e in entries:
            a, u = self._agrees(e)
            ok &= a
            unsure |= u
        return ok, unsure

    def holds(self, claim: Entry) -> tuple[BoolArray, BoolArray]:
        return self._agrees(claim)


def _path_moves(tree: TreeGame, path: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each actor's moves along ``path`` from the root (up to an outcome or the first chance node)."""
    by_actor: dict[str, list[str]] = {}
    at = tree.root
    rest = list(path)
    while at in tree.nodes:
        node = tree.nodes[at]
        if isinstance(node, ChanceNode):
            break
        if isinstance(node, OfferNode):
            at = node.next
            continue
        assert isinstance(node, DecisionNode)
        if not rest:
            break
        move = rest.pop(0)
        by_actor.setdefault(node.actor, []).append(move)
        at = dict(node.moves)[move]
    return {a: tuple(m) for a, m in by_actor.items()}


@dataclass
class ArrayJudge:
    """The solution of ``scenario``'s game at many points at once (prepared once, used per chunk).

    Picklable (the compiled tree is rebuilt on first use after unpickling, e.g. on a Dask worker).
    """

    scenario: Scenario
    _tree: CompiledTree | None = None
    _deal: CompiledDeal | None = None

    def __post_init__(self) -> None:
        self.kind = array_kind(self.scenario)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_tree"] = None
        state["_deal"] = None
        return state

    def parameters(self, given: Mapping[str, FloatArray], size: int) -> dict[str, FloatArray]:
        """Every parameter as an array (N,): ``given`` where given, else the scenario's value."""
        out = {p.name: np.full(size, float(p.value)) for p in self.scenario.parameters}
        for name, v in given.items():
            out[name] = np.broadcast_to(np.asarray(v, dtype=float), (size,))
        return out

    def out_of_bounds(self, params: Mapping[str, FloatArray]) -> BoolArray:
        """Points where some value is not a finite number within its parameter's bounds (the
        per-point judge refuses them)."""
        size = len(next(iter(params.values()))) if params else 0
        bad = np.zeros(size, dtype=bool)
        for p in self.scenario.parameters:
            v = params[p.name]
            with np.errstate(invalid="ignore"):
                bad |= ~np.isfinite(v) | (v < p.min) | (v > p.max)
        return bad

    def compiled(self) -> CompiledTree:
        if self._tree is None:
            tree = self.scenario.game
            assert isinstance(tree, TreeGame)
            self._tree = compiled_tree_of(tree)
        return self._tree

    def solve(self, params: Mapping[str, FloatArray], size: int) -> PointSolution:
        """The solution at the ``size`` points given by ``params`` (every parameter an array (N,))."""
        if self.kind == "tree":
            compiled = self.compiled()
            tree = compiled.tree
            offered = {tree.nodes[n].parameter for n in tree.offer_nodes()}  # type: ignore[union-attr]
            grid = {k: v for k, v in params.items() if k not in offered and k in compiled.defaults}
            evaluation = compiled.evaluate(grid)
            moves = [_path_moves(tree, p) for p in compiled.paths]
            return _TreeSolution(np.asarray(evaluation.codes, dtype=np.int64).reshape(-1), moves)
        if self.kind == "bargain":
            problem = self.scenario.game
            assert isinstance(problem, BargainingProblem)
            if self._deal is None:
                self._deal = compile_deal(problem)  # outside options do not move the Nash solution
            deal = deal_solutions(self._deal, params, only=("nash",))
            return _DealSolution(problem, deal.weights("nash"))
        game = self.scenario.normal_form
        if self.kind == "normal_n":
            return _NormalNSolution(game, game.payoff_array(params), size)
        names = tuple(sorted(s.name for s in game.parameter_symbols()))
        plan = vertex_plan(game, names, deadline_seconds())
        with np.errstate(all="ignore"):
            out = solve_chunk(plan, params)
        return _Normal2Solution(game, out, size)


def chunk_size(scenario: Scenario) -> int:
    """Points judged at once: arrays of a few MiB per chunk.

    >>> from bargaining.io.scenario_file import load
    >>> chunk_size(load("central_asia_signing"))
    9216
    """
    game = scenario.game
    if isinstance(game, NormalFormGame):
        per_point = 8 * (game.n_actors + 2) * math.prod(game.shape)
        return int(max(256, min(1 << 14, (16 << 20) // per_point // 256 * 256)))
    return 1 << 14

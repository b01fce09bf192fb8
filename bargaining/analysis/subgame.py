r"""Subgame-perfect play of a game tree, numbers chosen at offer nodes included.

Backward induction (Kuhn 1953; Selten 1975): at every decision node the mover takes the move whose
continuation pays it most (the first listed among equals, docs/format.md#game-trees, so that a
responder who is indifferent accepts when ``accept`` is listed first), at every chance node the
continuation is the expectation. At an **offer node** the mover picks a number :math:`v` in
:math:`[\underline v, \bar v]`. Play below is piecewise constant in :math:`v`: it changes only where
some actor below is indifferent. Those switch points are found on a grid, refined by bisection and
then solved exactly with sympy on the indifference condition (the responder's least acceptable
offer :math:`v^* = (c_N + \delta^T C_{TCN} + d_R)/a` in docs/models.md#the-offer-game); with the bounds and
the interior critical points of the mover's payoff they are the only candidates, and the best one
is taken (the least :math:`v` among equals). Where sympy cannot solve a switch condition the
numeric point is used and the offer is flagged as numeric.

For the plan found, :func:`plan_conditions` gives the region of the parameters in which it is
subgame perfect: at every decision node, the chosen move's continuation is at least every other's.

>>> from bargaining.io.scenario_file import load
>>> spe = subgame_perfect(load("eu_russia_offer"))
>>> spe.path, round(spe.offers["v"], 5), spe.offer_formulas["v"]
(('offer', 'accept'), 0.49366, (C_TCN*delta**T + c_N + d_R)/a)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import sympy

from bargaining.analysis.result import Result, clean_number
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.scenario import Scenario

__all__ = ["SubgamePerfect", "continuation", "plan_conditions", "reduced_normal_form", "subgame_perfect"]

GRID = 33
EXACT_LIMIT = 150
TIE = 1e-9


@dataclass(frozen=True, eq=False)
class SubgamePerfect(Result):
    """The subgame-perfect plan of a tree at given parameter values.

    ``plan`` gives the move at every decision node, on the path or off it; ``offers`` the number
    chosen at each offer node on the path (``all_offers``: at every offer node, by node), with
    ``offer_formulas`` (sympy, None where only numeric) ; ``path`` the moves from the root, up to
    the first chance node; ``outcome`` where play ends (None after a chance node); ``payoff``
    the expected payoffs, ``exact_payoff`` as formulas; ``ties`` the decision nodes where another
    move was as good; ``conditions`` the region where this plan is subgame perfect.
    """

    tree: TreeGame
    values: Mapping[str, float]
    plan: Mapping[str, str]
    offers: Mapping[str, float]
    offer_formulas: Mapping[str, sympy.Expr | None]
    all_offers: Mapping[str, float]
    path: tuple[str, ...]
    outcome: str | None
    payoff: Mapping[str, float]
    exact_payoff: Mapping[str, sympy.Expr] | None
    ties: tuple[str, ...] = ()
    conditions: tuple[sympy.Basic, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    method: str = "backward induction; offers from the switch points of play below (bisection, then sympy)"

    def to_dict(self) -> dict[str, Any]:
        """The JSON of docs/format.md#json-output:
        ``{"game": "tree", "subgame_perfect": {path, outcome, payoff, plan, offers}}``."""
        spe: dict[str, Any] = {
            "path": list(self.path),
            "payoff": {a: clean_number(v) for a, v in self.payoff.items()},
            "plan": dict(self.plan),
            "offers": {k: clean_number(v) for k, v in self.offers.items()},
        }
        if self.outcome is not None:
            spe["outcome"] = self.outcome
        out: dict[str, Any] = {
            "game": "tree",
            "subgame_perfect": spe,
            "offer_formulas": {k: None if f is None else str(f) for k, f in self.offer_formulas.items()},
            "exact_payoff": None if self.exact_payoff is None else {a: str(e) for a, e in self.exact_payoff.items()},
            "ties": list(self.ties),
            "conditions": [str(c) for c in self.conditions],
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
        }
        if self.notes:
            out["note"] = " ".join(self.notes)
        return out


_COMPILED: dict[int, tuple[TreeGame, dict[str, Any]]] = {}


def _compiled(tree: TreeGame) -> dict[str, Any]:
    """Per-tree compiled payoffs and symbolic results that do not depend on parameter values."""
    hit = _COMPILED.get(id(tree))
    if hit is not None and hit[0] is tree:
        return hit[1]
    symbols = sorted(tree.parameter_symbols(), key=lambda s: s.name)
    store: dict[str, Any] = {
        "symbols": symbols,
        "pay": {oid: compile_numpy(symbols, [o.payoffs[a] for a in tree.actors]) for oid, o in tree.outcomes.items()},
        "prob": {
            nid: compile_numpy(symbols, list(n.probabilities))
            for nid, n in tree.nodes.items()
            if isinstance(n, ChanceNode)
        },
        "bounds": {
            nid: compile_numpy(symbols, [n.low, n.high]) for nid, n in tree.nodes.items() if isinstance(n, OfferNode)
        },
        "roots": {},
    }
    if len(_COMPILED) > 64:
        _COMPILED.clear()
    _COMPILED[id(tree)] = (tree, store)
    return store


class _Solver:
    """Numeric backward induction with compiled payoffs; offers solved by candidates."""

    def __init__(self, tree: TreeGame, values: Mapping[str, float]) -> None:
        self.tree = tree
        self.values = dict(values)
        compiled = _compiled(tree)
        self.symbols = compiled["symbols"]
        self.pay = compiled["pay"]
        self.prob = compiled["prob"]
        self.bounds = compiled["bounds"]
        self.roots: dict[Any, list[sympy.Expr]] = compiled["roots"]
        self.numeric_offers: set[str] = set()
        self.formulas: dict[str, sympy.Expr | None] = {}

    def _args(self, vals: Mapping[str, float]) -> list[float]:
        return [float(vals.get(s.name, self.values.get(s.name, 0.0))) for s in self.symbols]

    def solve(
        self, start: str, vals: Mapping[str, float]
    ) -> tuple[dict[str, np.ndarray], dict[str, str], dict[str, float], set[str]]:
        """Values of every node below ``start``, the plan, offers by node, ties, at ``vals``."""
        args = self._args(vals)
        value: dict[str, np.ndarray] = {}
        plan: dict[str, str] = {}
        offers: dict[str, float] = {}
        ties: set[str] = set()
        for oid, f in self.pay.items():
            value[oid] = np.asarray(f(*args), dtype=float)
        nodes = self.tree.subtree(start)
        done: set[str] = set()
        for nid in reversed(nodes):
            if nid in done:
                continue
            node = self.tree.nodes[nid]
            if isinstance(node, DecisionNode):
                i = self.tree.actors.index(node.actor)
                options = [value[t][i] for _, t in node.moves]
                best = max(options)
                near = [k for k, v in enumerate(options) if v >= best - TIE * (1 + abs(best))]
                k = near[0]
                plan[nid] = node.moves[k][0]
                value[nid] = value[node.moves[k][1]]
                if len(near) > 1:
                    ties.add(nid)
            elif isinstance(node, ChanceNode):
                probs = np.asarray(self.prob[nid](*args), dtype=float)
                value[nid] = sum(
                    (p * value[t] for p, (_, t) in zip(probs, node.moves, strict=True)), np.zeros(len(self.tree.actors))
                )
            else:
                v, sub_value, sub_plan, sub_offers, sub_ties = self.best_offer(node, vals)
                offers[nid] = v
                value[nid] = sub_value
                plan.update(sub_plan)
                offers.update(sub_offers)
                ties |= sub_ties
                below = set(self.tree.subtree(node.next)) if node.next in self.tree.nodes else set()
                for b in below:
                    value.setdefault(b, np.full(len(self.tree.actors), np.nan))
                done |= below
        return value, plan, offers, ties

    def _at(
        self, node: OfferNode, vals: Mapping[str, float], v: float
    ) -> tuple[np.ndarray, dict[str, str], dict[str, float], set[str]]:
        inner = {**vals, node.parameter: v}
        if node.next in self.tree.outcomes:
            f = self.pay[node.next]
            return np.asarray(f(*self._args(inner)), dtype=float), {}, {}, set()
        value, plan, offers, ties = self.solve(node.next, inner)
        return value[node.next], plan, offers, ties

    def best_offer(
        self, node: OfferNode, vals: Mapping[str, float]
    ) -> tuple[float, np.ndarray, dict[str, str], dict[str, float], set[str]]:
        """The mover's best number at an offer node, with the play below it."""
        lo, hi = (float(x) for x in self.bounds[node.id](*self._args(vals)))
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
            raise ScenarioError(
                "finite bounds with low <= high", found=f"[{lo:g}, {hi:g}]", field=f"nodes.{node.id}.within"
            )
        i = self.tree.actors.index(node.actor)
        grid = np.linspace(lo, hi, GRID) if hi > lo else np.array([lo])
        plans = [self._at(node, vals, float(v))[1] for v in grid]
        candidates: list[tuple[float, sympy.Expr | None]] = [(lo, node.low), (hi, node.high)]
        for a, b, pa, pb in zip(grid[:-1], grid[1:], plans[:-1], plans[1:], strict=True):
            if pa != pb:
                candidates.append(self._switch(node, vals, float(a), float(b), pa))
        for a, b, p in zip(grid[:-1], grid[1:], plans[:-1], strict=True):
            candidates.extend(self._critical(node, vals, float(a), float(b), p))
        best: tuple[float, float, sympy.Expr | None] | None = None
        for v, formula in candidates:
            if not lo - 1e-12 <= v <= hi + 1e-12:
                continue
            v = min(max(v, lo), hi)
            u = float(self._at(node, vals, v)[0][i])
            if (
                best is None
                or u > best[0] + TIE * (1 + abs(best[0]))
                or (abs(u - best[0]) <= TIE * (1 + abs(u)) and v < best[1])
            ):
                best = (u, v, formula)
        assert best is not None
        _, v, formula = best
        self.formulas[node.id] = formula
        if formula is None:
            self.numeric_offers.add(node.id)
        value, plan, offers, ties = self._at(node, vals, v)
        return v, value, plan, offers, ties

    def _switch(
        self, node: OfferNode, vals: Mapping[str, float], a: float, b: float, plan_a: Mapping[str, str]
    ) -> tuple[float, sympy.Expr | None]:
        """Where play below switches between a and b: bisection, then sympy on the indifference."""
        for _ in range(64):  # 2^-64 of the interval: below a double's resolution
            mid = (a + b) / 2
            if mid in (a, b):
                break
            if self._at(node, vals, mid)[1] == plan_a:
                a = mid
            else:
                b = mid
        plan_b = self._at(node, vals, b)[1]
        changed = [n for n in self.tree.subtree(node.next) if n in plan_a and plan_a.get(n) != plan_b.get(n)]
        v_sym = sympy.Symbol(node.parameter, real=True)
        for nid in reversed(changed):  # the deepest switch causes the others
            d = self.tree.nodes[nid]
            assert isinstance(d, DecisionNode)
            targets = dict(d.moves)
            i = self.tree.actors.index(d.actor)
            key = (
                "switch",
                node.id,
                nid,
                tuple(sorted(plan_a.items())),
                tuple(sorted(plan_b.items())),
                tuple(sorted(self.formulas.items(), key=lambda kf: kf[0])),
            )
            if key not in self.roots:
                left = continuation(self.tree, targets[plan_a[nid]], plan_a, self.formulas)[i]
                right = continuation(self.tree, targets[plan_b[nid]], plan_b, self.formulas)[i]
                try:
                    self.roots[key] = [sympy.simplify(r) for r in sympy.solve(sympy.simplify(right - left), v_sym)]
                except (NotImplementedError, ValueError):
                    self.roots[key] = []
            roots = self.roots[key]
            for r in roots:
                try:
                    value = complex(
                        sympy.N(
                            r.xreplace({s: sympy.Float(vals[s.name], 30) for s in r.free_symbols if s.name in vals})
                        )
                    )
                except (TypeError, ValueError):
                    continue
                if abs(value.imag) < 1e-9 and abs(value.real - b) <= 1e-7 * (1 + abs(b)):
                    return value.real, r
        return b, None

    def _critical(
        self, node: OfferNode, vals: Mapping[str, float], a: float, b: float, plan: Mapping[str, str]
    ) -> list[tuple[float, sympy.Expr | None]]:
        """Interior maxima of the mover's payoff on an interval of constant play below."""
        i = self.tree.actors.index(node.actor)
        v_sym = sympy.Symbol(node.parameter, real=True)
        key = (
            "critical",
            node.id,
            tuple(sorted(plan.items())),
            tuple(sorted(self.formulas.items(), key=lambda kf: kf[0])),
        )
        if key not in self.roots:
            expr = continuation(self.tree, node.next, plan, self.formulas)[i]
            slope = sympy.diff(expr, v_sym)
            if v_sym not in slope.free_symbols:  # linear (or constant) in v: no interior maximum
                self.roots[key] = []
            else:
                try:
                    self.roots[key] = [sympy.simplify(r) for r in sympy.solve(slope, v_sym)]
                except (NotImplementedError, ValueError):
                    self.roots[key] = []
        roots = self.roots[key]
        out: list[tuple[float, sympy.Expr | None]] = []
        for r in roots:
            try:
                value = complex(
                    sympy.N(r.xreplace({s: sympy.Float(vals[s.name], 30) for s in r.free_symbols if s.name in vals}))
                )
            except (TypeError, ValueError):
                continue
            if abs(value.imag) < 1e-9 and a <= value.real <= b:
                out.append((value.real, r))
        return out


def continuation(
    tree: TreeGame, start: str, plan: Mapping[str, str], offer_formulas: Mapping[str, sympy.Expr | None] | None = None
) -> tuple[sympy.Expr, ...]:
    """Each actor's payoff from ``start`` on when play follows ``plan``, as sympy expressions.

    Below an offer node the offered parameter is replaced by its formula where one is known.
    """
    formulas = offer_formulas or {}
    if start in tree.outcomes:
        return tuple(tree.outcomes[start].payoffs[a] for a in tree.actors)
    memo: dict[str, tuple[sympy.Expr, ...]] = {
        o: tuple(out.payoffs[a] for a in tree.actors) for o, out in tree.outcomes.items()
    }
    for nid in reversed(tree.subtree(start)):
        node = tree.nodes[nid]
        if isinstance(node, DecisionNode):
            move = plan.get(nid, node.moves[0][0])
            memo[nid] = memo[dict(node.moves)[move]]
        elif isinstance(node, ChanceNode):
            memo[nid] = tuple(
                sympy.Add(*(p * memo[t][k] for p, (_, t) in zip(node.probabilities, node.moves, strict=True)))
                for k in range(len(tree.actors))
            )
        else:
            f = formulas.get(nid)
            below = memo[node.next]
            if f is not None:
                below = tuple(e.xreplace({sympy.Symbol(node.parameter, real=True): f}) for e in below)
            memo[nid] = below
    return memo[start]


def plan_conditions(
    tree: TreeGame, plan: Mapping[str, str], offer_formulas: Mapping[str, sympy.Expr | None] | None = None
) -> tuple[sympy.Basic, ...]:
    """Inequalities in the parameters under which ``plan`` is subgame perfect (given the offers)."""
    out: list[sympy.Basic] = []
    for nid in tree.decision_nodes():
        node = tree.nodes[nid]
        assert isinstance(node, DecisionNode)
        i = tree.actors.index(node.actor)
        targets = dict(node.moves)
        chosen = continuation(tree, targets[plan[nid]], plan, offer_formulas)[i]
        for m, t in node.moves:
            if m == plan[nid]:
                continue
            diff = sympy.simplify(chosen - continuation(tree, t, plan, offer_formulas)[i])
            if diff.is_nonnegative:
                continue
            out.append(sympy.Ge(diff, 0))
    return tuple(dict.fromkeys(out))


def _region(
    tree: TreeGame, plan: Mapping[str, str], formulas: Mapping[str, sympy.Expr | None], offer_path: Sequence[str]
) -> tuple[sympy.Basic, ...]:
    """Where the plan and the offers' formulas are subgame perfect: the plan's conditions with the
    offers on the path substituted, and each offer formula within its bounds."""
    replace: dict[sympy.Basic, sympy.Basic] = {}
    bounds: list[sympy.Basic] = []
    for nid in tree.offer_nodes():  # off the path too: the plan there depends on them
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        f = formulas.get(nid)
        if f is not None:
            replace[sympy.Symbol(node.parameter, real=True)] = f
            bounds += [sympy.Ge(sympy.simplify(f - node.low), 0), sympy.Ge(sympy.simplify(node.high - f), 0)]
    out: list[sympy.Basic] = []
    for cond in (*plan_conditions(tree, plan, formulas), *bounds):
        c = sympy.simplify(cond.xreplace(replace)) if replace else cond
        if c is sympy.true or c == sympy.true:
            continue
        out.append(c)
    return tuple(dict.fromkeys(out))


def _path(tree: TreeGame, plan: Mapping[str, str]) -> tuple[tuple[str, ...], str | None, list[str]]:
    moves: list[str] = []
    offer_nodes: list[str] = []
    at = tree.root
    while at in tree.nodes:
        node = tree.nodes[at]
        if isinstance(node, ChanceNode):
            return tuple(moves), None, offer_nodes
        if isinstance(node, OfferNode):
            offer_nodes.append(at)
            at = node.next
            continue
        moves.append(plan[at])
        at = dict(node.moves)[plan[at]]
    return tuple(moves), at, offer_nodes


def subgame_perfect(
    scenario: Scenario | TreeGame, values: Mapping[str, float] | None = None, *, exact: bool = True
) -> SubgamePerfect:
    """The subgame-perfect plan, path, offers and payoffs of a tree at ``values`` (defaults if omitted).

    With ``exact=False`` the payoffs as formulas and the region's conditions are skipped (faster,
    for sweeps over many points)."""
    model = Scenario.of(scenario)
    tree = model.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError('a game tree (game = "tree")', found=f"a {model.kind} game", field="model")
    vals = model.values(values)
    solver = _Solver(tree, vals)
    value, plan, offers_by_node, ties = solver.solve(tree.root, vals)
    notes = []
    if exact and len(tree.nodes) > EXACT_LIMIT:
        exact = False
        notes.append(
            f"A tree of {len(tree.nodes)} nodes: payoffs as formulas and the region's conditions are skipped"
            f" (they are computed for trees of at most {EXACT_LIMIT} nodes)."
        )
    # off-path decision nodes below offer nodes are solved at the chosen offers by the solver
    path, outcome, offer_path = _path(tree, plan)
    params = {tree.nodes[n].parameter: offers_by_node[n] for n in offer_path if n in offers_by_node}  # type: ignore[union-attr]
    formulas_by_param = {tree.nodes[n].parameter: solver.formulas.get(n) for n in offer_path}  # type: ignore[union-attr]
    exact_pay = continuation(tree, tree.root, plan, solver.formulas) if exact else None
    if solver.numeric_offers:
        notes.append(
            "Offers at "
            + ", ".join(sorted(solver.numeric_offers))
            + " are numeric: sympy found no closed form for the switch."
        )
    if ties:
        notes.append(
            "Ties (another move as good for the mover) at "
            + ", ".join(sorted(ties))
            + "; the first listed move is taken."
        )
    return SubgamePerfect(
        tree=tree,
        values=vals,
        plan={n: plan[n] for n in tree.decision_nodes() if n in plan},
        offers=params,
        offer_formulas=formulas_by_param,
        all_offers=dict(offers_by_node),
        path=path,
        outcome=outcome,
        payoff={a: float(value[tree.root][k]) for k, a in enumerate(tree.actors)},
        exact_payoff=None
        if exact_pay is None
        else {a: sympy.simplify(e) for a, e in zip(tree.actors, exact_pay, strict=True)},
        ties=tuple(sorted(ties)),
        conditions=_region(tree, plan, solver.formulas, offer_path) if exact else (),
        notes=tuple(notes),
    )


def reduced_normal_form(
    tree: TreeGame, values: Mapping[str, float], offers: Mapping[str, float] | None = None
) -> tuple[NormalFormGame, dict[str, list[dict[str, str]]]]:
    """The tree's normal form at ``values``: a strategy is a move at each of the actor's decision
    nodes; offer nodes are fixed at ``offers`` (by node; default: their subgame-perfect numbers).
    Strategies that give every actor the same payoffs against everything are merged (reduced).

    Returns the numeric game and, per actor, the plans each strategy stands for.
    """
    if offers is None:
        offers = subgame_perfect(tree, values).all_offers
    vals = dict(values)
    for nid, v in offers.items():
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        vals[node.parameter] = v
    nodes_of = {a: tree.decision_nodes(a) for a in tree.actors}
    plans = {
        a: [
            dict(zip(nodes_of[a], ms, strict=True))
            for ms in product(*(tuple(m for m, _ in tree.nodes[n].moves) for n in nodes_of[a]))
        ]
        for a in tree.actors
    }
    total = math.prod(len(p) for p in plans.values())
    if total > 200_000:
        raise ScenarioError("a tree whose normal form has at most 200,000 profiles", found=f"{total}")
    solver = _Solver(tree, vals)
    args = solver._args(vals)
    pay = {o: np.asarray(f(*args), dtype=float) for o, f in solver.pay.items()}
    probs = {n: np.asarray(f(*args), dtype=float) for n, f in solver.prob.items()}

    def play(plan: Mapping[str, str]) -> np.ndarray:
        memo: dict[str, np.ndarray] = dict(pay)
        for nid in reversed(tree.order):
            node = tree.nodes[nid]
            if isinstance(node, DecisionNode):
                memo[nid] = memo[dict(node.moves)[plan[nid]]]
            elif isinstance(node, ChanceNode):
                memo[nid] = sum(
                    (p * memo[t] for p, (_, t) in zip(probs[nid], node.moves, strict=True)), np.zeros(len(tree.actors))
                )
            else:
                memo[nid] = memo[node.next]
        return memo[tree.root]

    shape = tuple(len(plans[a]) for a in tree.actors)
    arr = np.empty((len(tree.actors), *shape))
    for idx in np.ndindex(*shape):
        plan: dict[str, str] = {}
        for a, k in zip(tree.actors, idx, strict=True):
            plan.update(plans[a][k])
        arr[(slice(None), *idx)] = play(plan)
    # reduce: keep the first of strategies that are payoff-equivalent for every actor
    keep: dict[str, list[int]] = {}
    for i, a in enumerate(tree.actors):
        moved = np.moveaxis(arr, 1 + i, 0).reshape(shape[i], -1)
        seen: list[int] = []
        for k in range(shape[i]):
            if not any(np.allclose(moved[k], moved[s], atol=1e-12) for s in seen):
                seen.append(k)
        keep[a] = seen
    reduced = arr[np.ix_(range(len(tree.actors)), *(keep[a] for a in tree.actors))]
    labels = {a: ["_".join(f"{plans[a][k][n]}" for n in nodes_of[a]) or "none" for k in keep[a]] for a in tree.actors}
    game = NormalFormGame.from_arrays(
        *reduced,
        actors=list(tree.actors),
        strategies=[[f"s{j}_{label}" for j, label in enumerate(labels[a])] for a in tree.actors],
    )
    return game, {a: [plans[a][k] for k in keep[a]] for a in tree.actors}

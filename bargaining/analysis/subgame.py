r"""Subgame-perfect play of a game tree, numbers chosen at offer nodes included.

Backward induction (Kuhn 1953; Selten 1975): at every decision node the mover takes the move whose
continuation pays it most (the first listed among equals, docs/format.md#game-trees, so that a
responder who is indifferent accepts when ``accept`` is listed first), at every chance node the
continuation is the expectation.

At an **offer node** the mover picks a number :math:`v` in :math:`[\underline v, \bar v]`. Play
below is piecewise constant in :math:`v`: it stays the same as long as every condition that keeps
it keeps its sign. Those conditions are, at each decision node below, the chosen move's continuation
minus every other move's, and at each offer node below, its number within bounds and its payoff
against every other candidate's (all in :math:`v`, given the plan below). Their roots in :math:`v`
are solved exactly with sympy (polynomial numerators: every root; otherwise what ``sympy.solve``
finds, with a dense bracketing and Brent's method for the rest, and the offer flagged numeric). The
interval is cut at the roots inside it and each piece re-examined with its own play until no root
falls inside a piece. The mover's payoff is then compared at every piece's endpoints (with the play
at that number) and at its interior critical points; the best is taken, the least :math:`v` among
equals. The responder's least acceptable offer is such a root,
:math:`v^* = (c_N + \delta^T C_{TCN} + d_R)/a` in docs/models.md#the-offer-game.

For the plan found, the region where it is subgame perfect (``conditions``) states every optimality
condition: every decision node's (:func:`plan_conditions`), every offer formula within its bounds,
and at every offer node that no other candidate is better, e.g. for (offer 0, reject) that the
responder's threshold :math:`v^*` lies outside the bounds or pays the proposer no more.
:func:`credibility` labels every Nash equilibrium of the reduced normal form subgame perfect or
resting on a non-credible threat at a named node.

>>> from bargaining.io.scenario_file import load
>>> spe = subgame_perfect(load("eu_russia_offer"))
>>> spe.path, round(spe.offers["v"], 5), spe.offer_formulas["v"]
(('offer', 'accept'), 0.49366, (C_TCN*delta**T + c_N + d_R)/a)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise, product
from typing import Any

import numpy as np
import sympy

from bargaining.analysis.deadline import DeadlineExceeded, within_deadline
from bargaining.analysis.nash import EquilibriumSet, equilibria, pure_equilibria
from bargaining.analysis.result import Result, clean_number
from bargaining.budget import count_limit, using_budget
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.scenario import Scenario

__all__ = [
    "CredibilityCheck",
    "SequentialReading",
    "SubgamePerfect",
    "continuation",
    "credibility",
    "plan_conditions",
    "reduced_normal_form",
    "sequential_reading",
    "subgame_perfect",
    "tie_note",
]

GRID = 2001  # dense bracketing for conditions sympy cannot solve
EXACT_LIMIT = 150
TIE = 1e-9
MAX_PIECES = 400


@dataclass(frozen=True, eq=False)
class SubgamePerfect(Result):
    """The subgame-perfect plan of a tree at given parameter values.

    ``plan`` gives the move at every decision node, on the path or off it; ``offers`` the number
    chosen at each offer node on the path (``all_offers``: at every offer node, by node), with
    ``offer_formulas`` (sympy, None where only numeric) ; ``path`` the moves from the root, up to
    the first chance node; ``outcome`` where play ends (None after a chance node); ``payoff``
    the expected payoffs, ``exact_payoff`` as formulas; ``ties`` the decision nodes where another
    move was as good; ``conditions`` the region where this plan (with every offer formula) is
    subgame perfect; ``nash`` every Nash equilibrium of the reduced normal form, labelled subgame
    perfect or not (:func:`credibility`; computed with ``exact``).
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
    method: str = (
        "backward induction; at an offer node, play below split at the exact roots (sympy) of the conditions"
        " that keep it, every piece's endpoints and critical points compared"
    )
    all_offer_formulas: Mapping[str, sympy.Expr | None] = field(default_factory=dict)
    nash: CredibilityCheck | None = None

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
        if self.nash is not None:
            nash = self.nash.to_dict()
            out["nash_equilibria"] = nash.pop("nash_equilibria")
            out["normal_form"] = nash
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
        "uses": {},
    }
    if len(_COMPILED) > 64:
        _COMPILED.clear()
    _COMPILED[id(tree)] = (tree, store)
    return store


@dataclass(frozen=True)
class _Candidate:
    """A number the mover at an offer node may choose: ``v`` (``formula``: sympy, None if numeric), the
    play below it (``plan``, ``inner``: the formulas of offer nodes below) and the mover's payoff
    (NaN for a *limit* candidate: the play of an adjacent piece, not the play at ``v`` itself)."""

    v: float
    formula: sympy.Expr | None
    plan: tuple[tuple[str, str], ...]
    inner: tuple[tuple[str, sympy.Expr | None], ...]
    payoff: float
    limit: bool = False


@dataclass(frozen=True)
class _OfferSolution:
    """What the solver found at one offer node: the chosen candidate and every candidate compared."""

    chosen: _Candidate
    candidates: tuple[_Candidate, ...]
    numeric: bool


_ABSENT: Any = object()


def _key(plan: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(plan.items()))


class TreeSolver:
    """Backward induction with compiled payoffs; at an offer node the play below is split into pieces
    of constant play at the exact roots (in the offered number) of every condition that keeps it, and
    the best number is taken among the pieces' endpoints and interior critical points."""

    def __init__(self, tree: TreeGame, values: Mapping[str, float], *, exact: bool = False) -> None:
        self.tree = tree
        self.values = dict(values)
        self.exact = exact
        compiled = _compiled(tree)
        self.symbols: list[sympy.Symbol] = compiled["symbols"]
        self.pay = compiled["pay"]
        self.prob = compiled["prob"]
        self.bounds = compiled["bounds"]
        self.cache: dict[Any, Any] = compiled["roots"]
        self.numeric_offers: set[str] = set()
        self.formulas: dict[str, sympy.Expr | None] = {}
        self.solutions: dict[str, _OfferSolution] = {}
        self.unattained: set[str] = set()
        self.uses: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = compiled["uses"]
        self.kept: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        """Offer nodes solved at this point (:meth:`best_offer`), by the values their subtree uses."""

    def args(self, vals: Mapping[str, float]) -> list[float]:
        """The compiled formulas' arguments at ``vals``: each parameter's value, the solver's own
        values where ``vals`` has none, 0 where neither has."""
        return [float(vals.get(s.name, self.values.get(s.name, 0.0))) for s in self.symbols]

    def solve(
        self, start: str, vals: Mapping[str, float]
    ) -> tuple[dict[str, np.ndarray], dict[str, str], dict[str, float], set[str]]:
        """Values of every node below ``start``, the plan, offers by node, ties, at ``vals``."""
        args = self.args(vals)
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
            return np.asarray(f(*self.args(inner)), dtype=float), {}, {}, set()
        value, plan, offers, ties = self.solve(node.next, inner)
        return value[node.next], plan, offers, ties

    def _inner(self, node: OfferNode) -> tuple[tuple[str, sympy.Expr | None], ...]:
        below = self.tree.subtree(node.next) if node.next in self.tree.nodes else ()
        return tuple((n, self.formulas.get(n)) for n in below if isinstance(self.tree.nodes[n], OfferNode))

    def _inner_state(self, node: OfferNode) -> tuple[Any, ...]:
        """The offer solutions below ``node`` as they stand (after play at some number was solved)."""
        below = self.tree.subtree(node.next) if node.next in self.tree.nodes else ()
        return tuple(
            (n, self.solutions[n]) for n in below if isinstance(self.tree.nodes[n], OfferNode) and n in self.solutions
        )

    # -- the conditions that keep play below an offer node, and their roots in the offered number ---------

    def conditions_below(
        self, node: OfferNode, plan: tuple[tuple[str, str], ...], state: tuple[Any, ...]
    ) -> tuple[sympy.Expr, ...]:
        """Expressions :math:`e \\ge 0` under which ``plan`` (with the offer solutions ``state`` below) is
        the play below ``node``: at every decision node below, the chosen move's continuation minus each
        other's; at every offer node below, its number within bounds and its payoff minus every other
        candidate's, with each candidate's position against the bounds."""
        inner = {n: s.chosen.formula for n, s in state}
        key = ("below", node.id, plan, tuple((n, s.chosen.formula, s.chosen.plan, _sig(s)) for n, s in state))
        hit = self.cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        tree = self.tree
        out = _decision_expressions(tree, node, dict(plan), inner)
        for n, s in state:
            m_node = tree.nodes[n]
            assert isinstance(m_node, OfferNode)
            out += _offer_expressions(tree, m_node, s)
        result = tuple(e for e in dict.fromkeys(out) if e != 0)
        self.cache[key] = result
        return result

    def _roots(self, expr: sympy.Expr, v_sym: sympy.Symbol) -> tuple[list[tuple[sympy.Expr, Any]], Any]:
        """The roots of ``expr`` in ``v_sym`` as formulas with compiled evaluators, and a compiled
        ``expr`` for the numeric fallback (None when sympy found every root)."""
        key = ("roots", expr, v_sym)
        hit = self.cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        roots: list[sympy.Expr] = []
        complete = False
        num, den = sympy.fraction(sympy.together(expr))
        try:
            if num.is_polynomial(v_sym) and den.is_polynomial(v_sym):
                poles = sympy.solve(den, v_sym) if v_sym in den.free_symbols else []
                roots = [*sympy.solve(num, v_sym), *poles]
                complete = True
            else:
                roots = list(sympy.solve(expr, v_sym))
        except (NotImplementedError, ValueError, TypeError):
            roots, complete = [], False
        compiled = [(r, compile_numpy(self.symbols, r)) for r in roots]
        fallback = None if complete else compile_numpy(self.symbols, expr)
        self.cache[key] = (compiled, fallback)
        return compiled, fallback

    def _switches(
        self, node: OfferNode, exprs: Sequence[sympy.Expr], args: list[float], a: float, b: float, where: int
    ) -> tuple[list[tuple[float, sympy.Expr | None]], list[tuple[float, sympy.Expr | None]]]:
        """Roots of ``exprs`` strictly inside (a, b), and (when solving exactly) every other real root."""
        v_sym = sympy.Symbol(node.parameter, real=True)
        inside: list[tuple[float, sympy.Expr | None]] = []
        outside: list[tuple[float, sympy.Expr | None]] = []
        eps = 1e-12 * (1 + abs(a) + abs(b))
        for e in exprs:
            if v_sym not in e.free_symbols:
                continue
            compiled, fallback = self._roots(e, v_sym)
            for formula, f in compiled:
                r = _real(f, args)
                if r is None:
                    continue
                if a + eps < r < b - eps:
                    inside.append((r, formula))
                elif self.exact:
                    outside.append((r, formula))
            if fallback is not None:
                inside += [(r, None) for r in _brackets(fallback, args, where, a, b) if a + eps < r < b - eps]
        return inside, outside

    def _subtree_uses(self, node: OfferNode) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The parameters the formulas of ``node``'s subtree use (payoffs, probabilities, bounds) and
        the offer nodes in it (``node`` first)."""
        hit = self.uses.get(node.id)
        if hit is None:
            tree = self.tree
            nodes = tree.subtree(node.id)
            exprs: list[Any] = []
            for n in nodes:
                m = tree.nodes[n]
                if isinstance(m, OfferNode):
                    exprs += [m.low, m.high]
                    targets = [m.next]
                else:
                    targets = [t for _, t in m.moves]
                    if isinstance(m, ChanceNode):
                        exprs += list(m.probabilities)
                exprs += [e for t in targets if t in tree.outcomes for e in tree.outcomes[t].payoffs.values()]
            names = sorted({s.name for e in exprs for s in sympy.sympify(e).free_symbols})
            offers = tuple(n for n in nodes if isinstance(tree.nodes[n], OfferNode))
            hit = self.uses[node.id] = (tuple(names), offers)
        return hit

    def best_offer(
        self, node: OfferNode, vals: Mapping[str, float]
    ) -> tuple[float, np.ndarray, dict[str, str], dict[str, float], set[str]]:
        """The mover's best number at an offer node, with the play below it.

        Kept for the point: an offer node is solved once for the values of the parameters its subtree
        uses (a nested offer node whose subtree does not use the number offered above it is not
        solved again for every number tried above); again, the offer solutions found below it then
        are put back."""
        names, below = self._subtree_uses(node)
        key = (node.id, *(float(vals.get(n, self.values.get(n, 0.0))).hex() for n in names))
        hit = self.kept.get(key)
        if hit is None:
            found = self._best_offer(node, vals)
            state = tuple((n, self.formulas.get(n, _ABSENT), self.solutions.get(n, _ABSENT)) for n in below)
            hit = self.kept[key] = (found, state)
        else:
            for n, formula, solution in hit[1]:
                if formula is not _ABSENT:
                    self.formulas[n] = formula
                if solution is not _ABSENT:
                    self.solutions[n] = solution
        v, value, plan, offers, ties = hit[0]
        return v, value.copy(), dict(plan), dict(offers), set(ties)

    def _best_offer(
        self, node: OfferNode, vals: Mapping[str, float]
    ) -> tuple[float, np.ndarray, dict[str, str], dict[str, float], set[str]]:
        """:meth:`best_offer`, worked out."""
        lo, hi = (float(x) for x in self.bounds[node.id](*self.args(vals)))
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
            raise ScenarioError(
                "finite bounds with low <= high", found=f"[{lo:g}, {hi:g}]", field=f"nodes.{node.id}.within"
            )
        i = self.tree.actors.index(node.actor)
        where = self.symbols.index(sympy.Symbol(node.parameter, real=True))
        points: dict[float, sympy.Expr | None] = {lo: node.low, hi: node.high}
        outside: dict[float, sympy.Expr | None] = {}
        pieces: list[tuple[float, float, tuple[tuple[str, str], ...], tuple[Any, ...]]] = []
        numeric = False
        pending = [(lo, hi)] if hi > lo else []
        while pending:
            a, b = pending.pop()
            mid = (a + b) / 2
            _, plan, _, _ = self._at(node, vals, mid)
            pk, state = _key(plan), self._inner_state(node)
            args = self.args({**vals, node.parameter: mid})
            inside, out = self._switches(node, self.conditions_below(node, pk, state), args, a, b, where)
            for r, f in out:
                outside.setdefault(r, f)
            if not inside or len(pieces) + len(pending) > MAX_PIECES:
                pieces.append((a, b, pk, state))
                continue
            cuts = sorted({r for r, _ in inside})
            for r, f in inside:
                if points.get(r) is None:
                    points[r] = f
                if f is None:
                    numeric = True
            edges = [a, *cuts, b]
            pending += list(pairwise(edges))
        candidates: list[_Candidate] = []
        for v, formula in sorted(points.items()):
            u, plan, _, _ = self._at(node, vals, v)
            candidates.append(_Candidate(v, formula, _key(plan), self._inner(node), float(u[i])))
        sup = -math.inf
        for a, b, pk, state in sorted(pieces):
            inner = tuple((n, s.chosen.formula) for n, s in state)
            for v, formula in self._critical(node, pk, inner, vals, a, b):
                u, plan, _, _ = self._at(node, vals, v)
                candidates.append(_Candidate(v, formula, _key(plan), self._inner(node), float(u[i])))
            if self.exact:
                for v in (a, b):
                    candidates.append(_Candidate(v, points.get(v), pk, inner, math.nan, limit=True))
            for v in (a + (b - a) * 1e-9, b - (b - a) * 1e-9):  # the pieces' limits, to see a supremum not attained
                sup = max(sup, float(self._at(node, vals, v)[0][i]))
        for v, formula in sorted(outside.items()):
            if formula is None or any(abs(v - c.v) <= 1e-12 * (1 + abs(v)) for c in candidates):
                continue
            u, plan, _, _ = self._at(node, vals, v)
            candidates.append(_Candidate(v, formula, _key(plan), self._inner(node), float(u[i]), limit=True))
        best: _Candidate | None = None
        for c in candidates:
            if c.limit or not lo - 1e-12 <= c.v <= hi + 1e-12:
                continue
            if (
                best is None
                or c.payoff > best.payoff + TIE * (1 + abs(best.payoff))
                or (abs(c.payoff - best.payoff) <= TIE * (1 + abs(c.payoff)) and c.v < best.v)
            ):
                best = c
        assert best is not None
        if sup > best.payoff + 1e-6 * (1 + abs(best.payoff)):
            self.unattained.add(node.id)
        v = min(max(best.v, lo), hi)
        value, plan, offers, ties = self._at(node, vals, v)
        chosen = _Candidate(v, best.formula, _key(plan), self._inner(node), best.payoff)
        numeric = numeric or best.formula is None
        self.formulas[node.id] = best.formula
        self.solutions[node.id] = _OfferSolution(chosen, tuple(candidates), numeric)
        if best.formula is None:
            self.numeric_offers.add(node.id)
        return v, value, plan, offers, ties

    def _critical(
        self,
        node: OfferNode,
        plan: tuple[tuple[str, str], ...],
        inner: tuple[tuple[str, sympy.Expr | None], ...],
        vals: Mapping[str, float],
        a: float,
        b: float,
    ) -> list[tuple[float, sympy.Expr | None]]:
        """Interior stationary points of the mover's payoff on a piece of constant play below."""
        i = self.tree.actors.index(node.actor)
        v_sym = sympy.Symbol(node.parameter, real=True)
        key = ("slope", node.id, plan, inner)
        slope = self.cache.get(key)
        if slope is None:
            expr = continuation(self.tree, node.next, dict(plan), dict(inner))[i]
            slope = sympy.diff(expr, v_sym)
            self.cache[key] = slope
        if v_sym not in slope.free_symbols:  # linear (or constant) in v: no interior maximum
            return []
        args = self.args({**vals, node.parameter: (a + b) / 2})
        inside, _ = self._switches(node, [slope], args, a, b, self.symbols.index(v_sym))
        return inside


def _decision_expressions(
    tree: TreeGame, node: OfferNode, plan: Mapping[str, str], inner: Mapping[str, sympy.Expr | None]
) -> list[sympy.Expr]:
    """At every decision node below ``node`` in ``plan``: the chosen move's continuation minus each other
    move's (:math:`e \\ge 0` keeps the plan), offer numbers below replaced by ``inner``."""
    out: list[sympy.Expr] = []
    for nid in tree.subtree(node.next) if node.next in tree.nodes else ():
        d = tree.nodes[nid]
        if not isinstance(d, DecisionNode) or nid not in plan:
            continue
        i = tree.actors.index(d.actor)
        targets = dict(d.moves)
        chosen = continuation(tree, targets[plan[nid]], plan, inner)[i]
        for m, t in d.moves:
            if m != plan[nid]:
                out.append(sympy.expand(chosen - continuation(tree, t, plan, inner)[i]))
    return out


def _sig(s: _OfferSolution) -> tuple[Any, ...]:
    return tuple((c.formula, c.plan, c.inner, c.limit) for c in s.candidates)


def _offer_expressions(tree: TreeGame, node: OfferNode, s: _OfferSolution) -> list[sympy.Expr]:
    """At an offer node solved as ``s``: its number within bounds, its payoff against every other
    candidate's, and each candidate against the bounds (all as :math:`e \\ge 0`)."""
    f = s.chosen.formula
    if f is None:
        return []
    i = tree.actors.index(node.actor)
    v_sym = sympy.Symbol(node.parameter, real=True)
    mine = continuation(tree, node.next, dict(s.chosen.plan), dict(s.chosen.inner))[i].xreplace({v_sym: f})
    out = [sympy.expand(f - node.low), sympy.expand(node.high - f)]
    for c in s.candidates:
        if c.formula is None or (c.formula == f and c.plan == s.chosen.plan):
            continue
        other = continuation(tree, node.next, dict(c.plan), dict(c.inner))[i].xreplace({v_sym: c.formula})
        out += [sympy.expand(mine - other), sympy.expand(c.formula - node.low), sympy.expand(node.high - c.formula)]
    return out


def _real(f: Any, args: list[float]) -> float | None:
    with np.errstate(all="ignore"):
        try:
            r = complex(f(*args))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            return None
    if not (math.isfinite(r.real) and math.isfinite(r.imag)) or abs(r.imag) > 1e-9 * (1 + abs(r.real)):
        return None
    return r.real


def _brackets(f: Any, args: list[float], where: int, a: float, b: float) -> list[float]:
    """Numeric roots of ``f`` on [a, b] (its argument ``where`` varying): sign changes on a dense grid,
    each refined by Brent's method."""
    grid = np.linspace(a, b, GRID)
    call = list(args)
    call[where] = grid  # type: ignore[call-overload]
    with np.errstate(all="ignore"):
        y = np.broadcast_to(np.asarray(f(*call), dtype=float), grid.shape)

    def g(x: float) -> float:
        c = list(args)
        c[where] = x
        with np.errstate(all="ignore"):
            return float(f(*c))

    from scipy.optimize import brentq  # imported where used: start-up time

    out: list[float] = []
    for k in range(len(grid) - 1):
        y0, y1 = y[k], y[k + 1]
        if not (math.isfinite(y0) and math.isfinite(y1)):
            continue
        if y0 == 0:
            out.append(float(grid[k]))
        elif y0 * y1 < 0:
            out.append(float(brentq(g, grid[k], grid[k + 1], xtol=1e-15, rtol=4 * np.finfo(float).eps)))
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


def _tidy(cond: sympy.Basic, cache: dict[Any, Any]) -> sympy.Basic:
    """``cond`` (a relation) as ``e >= 0`` (or ``>``, ``<=``, ``<``) with ``e`` over one common
    denominator and its common factors drawn out: cheap, and the same for the same condition."""
    key = ("tidy", cond)
    hit = cache.get(key)
    if hit is not None:
        return hit
    out = cond
    if isinstance(cond, sympy.core.relational.Relational):
        e = sympy.factor_terms(sympy.together(sympy.expand(cond.lhs - cond.rhs)))
        out = type(cond)(e, 0)
    cache[key] = out
    return out


def _region(tree: TreeGame, plan: Mapping[str, str], solver: TreeSolver) -> tuple[tuple[sympy.Basic, ...], bool]:
    r"""Where the plan and the offers' formulas are subgame perfect, and whether every offer entered it.

    The conjunction of: at every decision node, the chosen move's continuation at least every other's
    (:func:`plan_conditions`, the offers' formulas substituted); at every offer node, its formula within
    its bounds; and, for every other candidate :math:`(g, Q)` compared there (an endpoint of a piece of
    constant play :math:`Q` below, a root outside the bounds, an interior critical point), the
    condition that it is not better:

    .. math:: g < \underline v \;\lor\; g > \bar v \;\lor\; Q \text{ is not the play at } g
              \;\lor\; u_i(f, P) \ge u_i(g, Q).

    Disjuncts that are false wherever the rest of the region holds (the negation of one of its
    conditions) are left out, and so are conditions a region condition already states."""
    formulas = solver.formulas
    cache = solver.cache
    offered = {tree.nodes[n].parameter for n in tree.offer_nodes()}  # type: ignore[union-attr]
    signed: dict[sympy.Basic, sympy.Basic] = {}
    for p in tree.parameters:
        if p.name in offered:
            continue
        if p.min > 0:
            signed[p.symbol] = sympy.Symbol(p.name, positive=True)
        elif p.min >= 0:
            signed[p.symbol] = sympy.Symbol(p.name, nonnegative=True)
        elif p.max < 0:
            signed[p.symbol] = sympy.Symbol(p.name, negative=True)
        elif p.max <= 0:
            signed[p.symbol] = sympy.Symbol(p.name, nonpositive=True)

    def settled(cond: sympy.Basic) -> sympy.Basic:
        """``cond`` itself, or true/false when the signs of the parameters' box decide it."""
        if cond is sympy.true or cond is sympy.false:
            return cond
        t = cond.xreplace(signed)
        return t if t is sympy.true or t is sympy.false else cond

    replace: dict[sympy.Basic, sympy.Basic] = {}
    for nid in tree.offer_nodes():
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        f = formulas.get(nid)
        if f is not None:
            replace[sympy.Symbol(node.parameter, real=True)] = f

    def sub(e: sympy.Basic) -> sympy.Basic:
        for _ in range(len(replace) + 1):
            new = e.xreplace(replace)
            if new == e:
                break
            e = new
        return e

    main: list[sympy.Basic] = []
    for cond in plan_conditions(tree, plan, formulas):
        main.append(settled(_tidy(sub(cond), cache)))
    complete = True
    for nid in tree.offer_nodes():  # off the path too: the plan there depends on them
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        f = formulas.get(nid)
        if f is None:
            complete = False
            continue
        main += [settled(_tidy(sub(sympy.Ge(b, 0)), cache)) for b in (f - node.low, node.high - f)]
    main = [c for c in dict.fromkeys(main) if c is not sympy.true]
    known = set(main)
    extra: list[sympy.Basic] = []
    for nid in tree.offer_nodes():
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        solution = solver.solutions.get(nid)
        f = formulas.get(nid)
        if solution is None or f is None:
            continue
        i = tree.actors.index(node.actor)
        v_sym = sympy.Symbol(node.parameter, real=True)
        chosen = solution.chosen
        mine = continuation(tree, node.next, dict(chosen.plan), dict(chosen.inner))[i].xreplace({v_sym: f})
        for c in solution.candidates:
            if c.formula is None:
                complete = False
                continue
            if c.formula == f and c.plan == chosen.plan:
                continue
            if any(g is None for _, g in c.inner):
                complete = False
                continue
            other = continuation(tree, node.next, dict(c.plan), dict(c.inner))[i].xreplace({v_sym: c.formula})
            conclusion = settled(_tidy(sub(sympy.Ge(mine - other, 0)), cache))
            if conclusion is sympy.true or conclusion in known:
                continue
            atoms = [sympy.Ge(c.formula - node.low, 0), sympy.Ge(node.high - c.formula, 0)]
            atoms += [
                sympy.Ge(e.xreplace({v_sym: c.formula}), 0)
                for e in _decision_expressions(tree, node, dict(c.plan), dict(c.inner))
            ]
            negated: list[sympy.Basic] = []
            holds = True
            for atom in atoms:
                t = settled(_tidy(sub(atom), cache))
                if t is sympy.true or t in known:
                    continue
                if t is sympy.false:
                    holds = False
                    break
                negated.append(sympy.Not(t))
            if not holds:
                continue
            cond = sympy.Or(*negated, conclusion) if negated else conclusion
            if cond is not sympy.true and cond not in known:
                extra.append(cond)
                known.add(cond)
    return tuple(dict.fromkeys([*main, *extra])), complete


def play_path(tree: TreeGame, plan: Mapping[str, str]) -> tuple[tuple[str, ...], str | None, list[str]]:
    """The moves a plan (decision node -> move) takes from the root, the outcome it ends at (None at a
    chance node) and the offer nodes it passes."""
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


MAX_EXACT_OFFERS = 4
"""Offer nodes a tree may have for its offers to be solved exactly at the default budget: the exact
piecewise search multiplies with every offer nested below another (docs/format.md#budgets)."""


def _perfect_information(model: Scenario, tree: TreeGame) -> None:
    """Refuse a tree with an information set of more than one node: backward induction needs every
    mover to know where it is."""
    shared = next(((h, ns) for h, ns in tree.information_sets().items() if len(ns) > 1), None)
    if shared is not None:
        name, members = shared
        raise ScenarioError(
            "a tree of perfect information for subgame perfection by backward induction (every information"
            " set one node); for a tree with information sets use reduced_normal_form or equilibria (its Nash"
            " equilibria), or the perfect Bayesian equilibria of bargaining.analysis.pbe for signalling games",
            found=f"information set {name!r} holding {', '.join(members)}",
            file=model.path or None,
            field=f"nodes.{members[0]}.info",
        )


def tie_note(ties: Iterable[str]) -> str:
    """The note of a subgame-perfect play with ties at the nodes ``ties``."""
    moves = ", ".join(sorted(ties))
    return f"Ties (another move as good for the mover) at {moves}; the first listed move is taken."


def subgame_perfect(
    scenario: Scenario | TreeGame,
    values: Mapping[str, float] | None = None,
    *,
    exact: bool = True,
    budget: float | None = None,
) -> SubgamePerfect:
    """The subgame-perfect plan, path, offers and payoffs of a tree at ``values`` (defaults if omitted).

    With ``exact=False`` the payoffs as formulas and the region's conditions are skipped (faster,
    for sweeps over many points). Budgets (docs/format.md#budgets; ``budget`` in MiB): the exact
    solution is sought for trees of at most :data:`MAX_EXACT_OFFERS` offer nodes and
    :data:`EXACT_LIMIT` nodes, within the budget's deadline (2 s by default); otherwise the numbers
    are computed as with ``exact=False``, and a note says why."""
    model = Scenario.of(scenario)
    tree = model.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError('a game tree (game = "tree")', found=f"a {model.kind} game", field="model")
    _perfect_information(model, tree)
    with using_budget(budget):
        if not exact:
            return _subgame_perfect(model, tree, values, exact=False)
        offers = len(tree.offer_nodes())
        limit = count_limit(MAX_EXACT_OFFERS)
        if offers > limit:
            why = (
                f"A tree of {offers} offer nodes: offers, payoffs and the region are computed numerically "
                f"(exact solving is budgeted for at most {limit} offer nodes)."
            )
        else:
            try:
                return within_deadline(lambda: _subgame_perfect(model, tree, values, exact=True))
            except DeadlineExceeded as late:
                why = f"The exact solution: {late}; offers and payoffs are numeric, the region is not given."
        found = _subgame_perfect(model, tree, values, exact=False)
        return replace(found, notes=(why, *found.notes))


def _subgame_perfect(
    model: Scenario, tree: TreeGame, values: Mapping[str, float] | None, *, exact: bool
) -> SubgamePerfect:
    vals = model.values(values)
    notes = []
    if exact and len(tree.nodes) > EXACT_LIMIT:
        exact = False
        notes.append(
            f"A tree of {len(tree.nodes)} nodes: payoffs as formulas and the region's conditions are skipped"
            f" (they are computed for trees of at most {EXACT_LIMIT} nodes)."
        )
    solver = TreeSolver(tree, vals, exact=exact)
    value, plan, offers_by_node, ties = solver.solve(tree.root, vals)
    # off-path decision nodes below offer nodes are solved at the chosen offers by the solver
    path, outcome, offer_path = play_path(tree, plan)
    params = {tree.nodes[n].parameter: offers_by_node[n] for n in offer_path if n in offers_by_node}  # type: ignore[union-attr]
    formulas_by_param = {tree.nodes[n].parameter: solver.formulas.get(n) for n in offer_path}  # type: ignore[union-attr]
    exact_pay = continuation(tree, tree.root, plan, solver.formulas) if exact else None
    if solver.numeric_offers:
        notes.append(
            "Offers at "
            + ", ".join(sorted(solver.numeric_offers))
            + " are numeric: sympy found no closed form for a switch of play below (roots bracketed on a"
            f" {GRID}-point grid and refined by Brent's method)."
        )
    if solver.unattained:
        notes.append(
            "At "
            + ", ".join(sorted(solver.unattained))
            + " the mover's best payoff is a supremum not attained (play below switches against it at the"
            " limit); the best number attained is taken."
        )
    conditions: tuple[sympy.Basic, ...] = ()
    nash: CredibilityCheck | None = None
    if exact:
        conditions, complete = _region(tree, plan, solver)
        full_plan = {n: plan[n] for n in tree.decision_nodes() if n in plan}
        try:
            nash = credibility(model, vals, offers=dict(offers_by_node), spe_plan=full_plan)
        except ScenarioError as err:
            notes.append(f"The reduced normal form is not examined: {err}")
        if not complete:
            notes.append(
                "Some offers or candidates are numeric: the region's conditions leave out the comparisons"
                " with them and may be larger than the true region."
            )
    if ties:
        notes.append(tie_note(ties))
    return SubgamePerfect(
        tree=tree,
        values=vals,
        plan={n: plan[n] for n in tree.decision_nodes() if n in plan},
        offers=params,
        offer_formulas=formulas_by_param,
        all_offers=dict(offers_by_node),
        all_offer_formulas={n: solver.formulas.get(n) for n in offers_by_node},
        path=path,
        outcome=outcome,
        payoff={a: float(value[tree.root][k]) for k, a in enumerate(tree.actors)},
        exact_payoff=None
        if exact_pay is None
        else {a: sympy.simplify(e) for a, e in zip(tree.actors, exact_pay, strict=True)},
        ties=tuple(sorted(ties)),
        conditions=conditions,
        notes=tuple(notes),
        nash=nash,
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
        offers = subgame_perfect(tree, values, exact=False).all_offers
    game, classes = _normal_form(tree, values, offers)
    return game, {a: [c[0] for c in cs] for a, cs in classes.items()}


def _normal_form(
    tree: TreeGame, values: Mapping[str, float], offers: Mapping[str, float]
) -> tuple[NormalFormGame, dict[str, list[list[dict[str, str]]]]]:
    """The reduced normal form and, per actor and strategy, every plan it stands for (the first kept)."""
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
    solver = TreeSolver(tree, vals)
    args = solver.args(vals)
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
    members: dict[str, dict[int, list[int]]] = {}
    for i, a in enumerate(tree.actors):
        moved = np.moveaxis(arr, 1 + i, 0).reshape(shape[i], -1)
        seen: list[int] = []
        groups: dict[int, list[int]] = {}
        for k in range(shape[i]):
            same = next((s for s in seen if np.allclose(moved[k], moved[s], atol=1e-12)), None)
            if same is None:
                seen.append(k)
                groups[k] = [k]
            else:
                groups[same].append(k)
        keep[a] = seen
        members[a] = groups
    reduced = arr[np.ix_(range(len(tree.actors)), *(keep[a] for a in tree.actors))]
    labels = {a: ["_".join(f"{plans[a][k][n]}" for n in nodes_of[a]) or "none" for k in keep[a]] for a in tree.actors}
    game = NormalFormGame.from_arrays(
        *reduced,
        actors=list(tree.actors),
        strategies=[[f"s{j}_{label}" for j, label in enumerate(labels[a])] for a in tree.actors],
    )
    return game, {a: [[plans[a][j] for j in members[a][k]] for k in keep[a]] for a in tree.actors}


@dataclass(frozen=True, eq=False)
class CredibilityCheck(Result):
    """Every Nash equilibrium of a tree's reduced normal form, labelled subgame perfect or not.

    ``equilibria`` are those of ``game`` (the reduced normal form, offers fixed at ``offers``);
    ``plans`` gives, per actor, the plan each strategy stands for (among plans merged into one
    strategy, the one closest to the subgame-perfect plan); ``subgame_perfect[k]`` says whether
    equilibrium ``k`` prescribes an optimal move at every decision node, off the path included, and
    ``non_credible_at[k]`` names the nodes where it does not (the threats that are not credible).
    """

    game: NormalFormGame
    equilibria: EquilibriumSet
    plans: Mapping[str, tuple[Mapping[str, str], ...]]
    offers: Mapping[str, float]
    subgame_perfect: tuple[bool, ...]
    non_credible_at: tuple[tuple[str, ...], ...]
    values: Mapping[str, float]
    method: str = (
        "every Nash equilibrium of the reduced normal form; at each decision node, every move played with"
        " positive probability checked against the best continuation under the equilibrium's behaviour"
    )
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"nash_equilibria": [{strategies, payoffs, plans, subgame_perfect, non_credible_at}], ...}``."""
        rows = []
        for eq, ok, bad in zip(self.equilibria, self.subgame_perfect, self.non_credible_at, strict=True):
            rows.append(
                {
                    "strategies": {
                        a: {s: clean_number(p) for s, p in eq.strategy(a).items() if p > 1e-12} for a in eq.actors
                    },
                    "plans": {
                        a: {
                            s: dict(self.plans[a][k])
                            for k, s in enumerate(eq.strategies[j])
                            if eq.strategy(a)[s] > 1e-12
                        }
                        for j, a in enumerate(eq.actors)
                    },
                    "payoffs": {a: clean_number(u) for a, u in zip(eq.actors, eq.payoffs, strict=True)},
                    "subgame_perfect": ok,
                    "non_credible_at": list(bad),
                }
            )
        return {
            "nash_equilibria": rows,
            "mixed_enumerated": len(self.game.actors) == 2,
            "offers": {k: clean_number(v) for k, v in self.offers.items()},
            "notes": list(self.notes),
        }


def credibility(
    scenario: Scenario | TreeGame,
    values: Mapping[str, float] | None = None,
    *,
    offers: Mapping[str, float] | None = None,
    spe_plan: Mapping[str, str] | None = None,
) -> CredibilityCheck:
    """Every Nash equilibrium of the tree's reduced normal form, labelled subgame perfect or resting on
    a non-credible threat at a named node.

    The normal form fixes each offer node at its subgame-perfect number (or ``offers``, by node).
    An equilibrium's behaviour at a decision node is the probability of each move under its mixed
    strategy; the equilibrium is subgame perfect when at every decision node, reached or not, every
    move played with positive probability is a best reply in that subgame (Selten 1975). A move
    that ties with the best only at the offered number, and is beaten by the subgame-perfect move
    for any number nearby (a responder rejecting its least acceptable offer), counts as not credible:
    against it the proposer would have no best offer.

    >>> t = TreeGame.build(["P", "R"], "p",
    ...     {"p": {"actor": "P", "moves": {"enter": "r", "out": "o"}},
    ...      "r": {"actor": "R", "moves": {"share": "s", "fight": "f"}}},
    ...     {"o": {"P": "0", "R": "2"}, "s": {"P": "1", "R": "1"}, "f": {"P": "-1", "R": "-1"}})
    >>> check = credibility(t, {})
    >>> [(e.strategy("P")["s0_enter"], ok, bad) for e, ok, bad in
    ...  zip(check.equilibria, check.subgame_perfect, check.non_credible_at) if e.pure]
    [(1.0, True, ()), (0.0, False, ('r',))]
    """
    model = Scenario.of(scenario)
    tree = model.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError('a game tree (game = "tree")', found=f"a {model.kind} game", field="model")
    _perfect_information(model, tree)
    vals = model.values(values)
    if offers is None or spe_plan is None:
        spe = subgame_perfect(model, vals, exact=False)
        offers = spe.all_offers if offers is None else offers
        spe_plan = spe.plan if spe_plan is None else spe_plan
    game, classes = _normal_form(tree, vals, offers)
    found = equilibria(game, {}, exact=False) if len(tree.actors) == 2 else pure_equilibria(game, {}, exact=False)
    plans = {
        a: tuple(max(cs, key=lambda p: sum(p.get(n) == m for n, m in spe_plan.items())) for cs in classes[a])
        for a in tree.actors
    }
    at = dict(vals)
    for nid, v in offers.items():
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        at[node.parameter] = v
    solver = TreeSolver(tree, at)
    labels: list[bool] = []
    where: list[tuple[str, ...]] = []
    for eq in found:
        behaviour: dict[str, dict[str, float]] = {}
        for j, a in enumerate(eq.actors):
            for k, p in enumerate(eq.probabilities[j]):
                for n, m in plans[a][k].items():
                    behaviour.setdefault(n, {}).setdefault(m, 0.0)
                    behaviour[n][m] += p
        bad = _threats(tree, solver, at, behaviour, spe_plan, offers)
        labels.append(not bad)
        where.append(bad)
    notes = []
    if offers:
        notes.append(
            "Offer nodes are fixed at their subgame-perfect numbers ("
            + ", ".join(f"{n} = {v:.6g}" for n, v in offers.items())
            + "); a threat about the number itself is outside this normal form."
        )
    if len(tree.actors) != 2:
        notes.append(f"{len(tree.actors)} actors: only the pure equilibria are enumerated and labelled.")
    return CredibilityCheck(
        game=game,
        equilibria=found,
        plans=plans,
        offers=dict(offers),
        subgame_perfect=tuple(labels),
        non_credible_at=tuple(where),
        values=vals,
        notes=tuple(notes),
    )


def _threats(
    tree: TreeGame,
    solver: TreeSolver,
    at: Mapping[str, float],
    behaviour: Mapping[str, Mapping[str, float]],
    spe_plan: Mapping[str, str],
    offers: Mapping[str, float],
) -> tuple[str, ...]:
    """Decision nodes where ``behaviour`` plays a move that is not a best reply in that subgame."""

    def values_at(point: Mapping[str, float]) -> dict[str, np.ndarray]:
        args = solver.args(point)
        memo: dict[str, np.ndarray] = {o: np.asarray(f(*args), dtype=float) for o, f in solver.pay.items()}
        for nid in reversed(tree.order):
            node = tree.nodes[nid]
            if isinstance(node, DecisionNode):
                memo[nid] = sum(
                    (behaviour[nid].get(m, 0.0) * memo[t] for m, t in node.moves), np.zeros(len(tree.actors))
                )
            elif isinstance(node, ChanceNode):
                probs = np.asarray(solver.prob[nid](*args), dtype=float)
                memo[nid] = sum(
                    (p * memo[t] for p, (_, t) in zip(probs, node.moves, strict=True)), np.zeros(len(tree.actors))
                )
            else:
                memo[nid] = memo[node.next]
        return memo

    memo = values_at(at)
    above = {n: [m for m in offers if n in tree.subtree(m)] for n in tree.decision_nodes()}
    bad: list[str] = []
    for nid in tree.decision_nodes():
        node = tree.nodes[nid]
        assert isinstance(node, DecisionNode)
        i = tree.actors.index(node.actor)
        conts = {m: float(memo[t][i]) for m, t in node.moves}
        best = max(conts.values())
        played = [m for m in conts if behaviour[nid].get(m, 0.0) > 1e-9]
        if any(conts[m] < best - TIE * (1 + abs(best)) for m in played):
            bad.append(nid)
            continue
        knife = [m for m in played if m != spe_plan.get(nid)]
        for m in knife:
            for offer in above[nid]:
                o = tree.nodes[offer]
                assert isinstance(o, OfferNode)
                h = 1e-6 * (1 + abs(offers[offer]))
                for step in (h, -h):
                    near = values_at({**at, o.parameter: offers[offer] + step})
                    c = {mm: float(near[t][i]) for mm, t in node.moves}
                    worse = c[m] < max(c.values()) - 1e-12 * (1 + abs(max(c.values()))) and c[m] < c[spe_plan[nid]]
                    if worse and nid not in bad:
                        bad.append(nid)
    return tuple(bad)


@dataclass(frozen=True, eq=False)
class SequentialReading(Result):
    """A two-actor normal form read as move-then-reply: ``leader`` moves first, ``follower`` replies
    having seen the move. ``kept[k]`` says whether equilibrium ``k`` of ``equilibria`` survives
    subgame perfection in that reading, ``reasons[k]`` why it is ruled out (empty when kept)."""

    leader: str
    follower: str
    equilibria: EquilibriumSet
    kept: tuple[bool, ...]
    reasons: tuple[str, ...]
    values: Mapping[str, float]
    method: str = (
        "the normal form read as an extensive game (leader first, follower replying to the move seen):"
        " an equilibrium survives when the follower's strategy is a best reply to every move on its support"
        " and no other move of the leader pays it more against the follower's least favourable best reply"
    )
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"sequential": [leader, follower], "equilibria": [{strategies, kept, reason}]}``."""
        return {
            "sequential": [self.leader, self.follower],
            "equilibria": [
                {
                    "strategies": {
                        a: {s: clean_number(p) for s, p in eq.strategy(a).items() if p > 1e-12} for a in eq.actors
                    },
                    "kept": ok,
                    "reason": why,
                }
                for eq, ok, why in zip(self.equilibria, self.kept, self.reasons, strict=True)
            ],
        }


def sequential_reading(scenario: Scenario, values: Mapping[str, float] | None = None) -> SequentialReading:
    r"""Which Nash equilibria of a two-actor normal form the declared move-then-reply reading rules out.

    The scenario declares ``sequential = [leader, follower]`` (docs/format.md#sequential-reading): the
    leader moves first and the follower replies having seen the move. An equilibrium :math:`(x, y)`
    is the path of a subgame-perfect equilibrium of that reading exactly when :math:`y` is a best
    reply to every move :math:`s` in the support of :math:`x`, and for every other move :math:`s'` the
    leader's payoff :math:`u_L(x, y)` is at least :math:`\min_{t \in BR(s')} u_L(s', t)` (after
    :math:`s'` the follower can only credibly play a best reply, the one worst for the leader at
    most). Otherwise it rests on a threat the follower would not carry out once the move is seen.

    >>> from bargaining.io.scenario_file import load
    >>> r = sequential_reading(load("eu_russia_2007"))
    >>> [(e.strategy("EU")["offer"], ok) for e, ok in zip(r.equilibria, r.kept)]
    [(1.0, True), (0.0, False)]
    """
    order = scenario.extra.get("sequential")
    game = scenario.game
    if not isinstance(game, NormalFormGame) or game.n_actors != 2:
        raise ScenarioError("a two-actor normal-form game", found=f"a {scenario.kind} game", field="model")
    if not isinstance(order, Sequence) or len(order) != 2 or set(order) != set(game.actors):
        raise ScenarioError(
            f"a scenario declaring sequential = [leader, follower] among {', '.join(game.actors)}",
            found=repr(order),
            field="sequential",
        )
    leader, follower = str(order[0]), str(order[1])
    vals = scenario.values(values)
    found = equilibria(scenario, vals, exact=False)
    arr = game.payoff_array(vals)
    li, fi = game.actors.index(leader), game.actors.index(follower)
    # u[k][s, t]: actor k's payoff when the leader plays s and the follower t
    u = [np.asarray(arr[k] if li == 0 else arr[k].T, dtype=float) for k in (li, fi)]
    lead_s, follow_s = game.strategies[li], game.strategies[fi]

    def best(s: int) -> list[int]:
        row = u[1][s]
        return [t for t in range(len(follow_s)) if row[t] >= row.max() - TIE * (1 + abs(row.max()))]

    kept: list[bool] = []
    reasons: list[str] = []
    for eq in found:
        x = np.array(eq.probabilities[li])
        y = np.array(eq.probabilities[fi])
        value = float(x @ u[0] @ y)
        why = ""
        for s in np.flatnonzero(x > 1e-12):
            off = [t for t in np.flatnonzero(y > 1e-12) if t not in best(int(s))]
            if off:
                why = f"{follower}'s {follow_s[off[0]]} is not a best reply once {leader} is seen to play {lead_s[s]}"
                break
        if not why:
            for s in np.flatnonzero(x <= 1e-12):
                replies = best(int(s))
                worst = min(replies, key=lambda t: u[0][s, t])
                if u[0][s, worst] > value + TIE * (1 + abs(value)):
                    threat = ", ".join(follow_s[t] for t in np.flatnonzero(y > 1e-12))
                    why = (
                        f"it rests on a non-credible threat: {follower} would play {threat} after {lead_s[s]}, but"
                        f" having seen {lead_s[s]} it replies {follow_s[worst]}"
                        + (" (or as good)" if len(replies) > 1 else "")
                        + f", and {leader} would then play {lead_s[s]}"
                    )
                    break
        kept.append(not why)
        reasons.append(why)
    return SequentialReading(
        leader=leader,
        follower=follower,
        equilibria=found,
        kept=tuple(kept),
        reasons=tuple(reasons),
        values=vals,
    )

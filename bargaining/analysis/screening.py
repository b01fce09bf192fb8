r"""Screening: an offer made not knowing the responder's type, and the belief at which it changes.

A **screening tree** is a game tree in which a proposer's offer node is followed by a chance node
that draws the responder's type, each type then replying at its own decision node
(docs/models.md#screening). The proposer moves before the type matters to anyone but the responder,
so the tree has perfect information and :func:`~bargaining.analysis.subgame.subgame_perfect` solves
it: each type :math:`\theta` accepts exactly when the offer reaches its least acceptable offer
:math:`v_\theta`, and the proposer compares the numbers at which the replies switch.

:func:`screening_threshold` takes those candidate numbers from the subgame-perfect solver itself
(every :math:`v_\theta` is an exact root that the solver found, not a formula typed in) and sorts
them into the best **pooling** offer (every type replies alike) and the best **separating** offer
(the types reply differently). With the proposer's expected payoffs :math:`U_{pool}(\mu)` and
:math:`U_{sep}(\mu)` (continuation values, linear in the prior), the **belief threshold** is the root
:math:`\mu^*` of :math:`U_{sep} - U_{pool} = 0`, solved exactly by
:func:`~bargaining.analysis.threshold.threshold_of`, with its comparative statics. In the EU–Russia
screening game, with :math:`b = b_N + \delta^T B_{TCN}`,

.. math:: \mu^* = \frac{b - d_{EU} - k\,v_H}{b - d_{EU} - k\,v_L},\qquad
          v_\theta = \frac{c_N + \delta^T C_\theta + d_R}{a},

and the EU separates (offers :math:`v_L`, only the low-cost type accepts) exactly when
:math:`\mu > \mu^*`.

>>> from bargaining.io.scenario_file import load
>>> s = screening_threshold(load("eu_russia_screening"))
>>> s.choice, round(s.offers["pooling"], 5), round(s.offers["separating"], 5)
('pooling', 0.49366, 0.43534)
>>> round(s.threshold.value, 4), s.threshold.favours, s.statics_where_defined["C_H"].sign
(0.8801, 'above', '-')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import sympy

from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.signs import SignResult, sign_over_box
from bargaining.analysis.subgame import SubgamePerfect, TreeSolver, continuation, subgame_perfect
from bargaining.analysis.threshold import Threshold, threshold_of
from bargaining.errors import ScenarioError
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.scenario import Scenario

if TYPE_CHECKING:
    from bargaining.scenario import Game

__all__ = ["Screening", "screening_node", "screening_threshold"]

Kind = Literal["pooling", "separating"]


@dataclass(frozen=True, eq=False)
class Screening(Result):
    r"""The proposer's best pooling and separating offers in a screening tree, and the belief between them.

    ``node`` is the offer node, ``chance`` the chance node drawing the type, ``types`` the type's
    decision nodes (by chance move); ``belief`` the parameter of the prior solved for. For each kind
    (``"pooling"``, ``"separating"``): ``offers`` the number, ``offer_formulas`` its formula (an exact
    root found by the subgame-perfect solver), ``replies`` each type node's move, ``expected`` and
    ``expected_formulas`` the proposer's expected payoff. ``choice`` is the kind the proposer takes at
    ``values``; ``threshold`` the belief at which separating becomes better (``favours`` says on which
    side; None when no separating offer exists, e.g. when the types are alike); ``subgame_perfect``
    the tree's solution. ``threshold.comparative_statics`` are signs over the whole parameter box,
    where the threshold may not be a belief at all; ``statics_where_defined`` are the derivatives'
    signs sampled only where :math:`0 \le \mu^* \le 1` and separating gains with the belief on
    the side the threshold states (not proven: sampling).
    """

    node: str
    chance: str
    actor: str
    parameter: str
    belief: str
    types: Mapping[str, str]
    choice: Kind
    offers: Mapping[str, float]
    offer_formulas: Mapping[str, sympy.Expr]
    replies: Mapping[str, Mapping[str, str]]
    expected: Mapping[str, float]
    expected_formulas: Mapping[str, sympy.Expr]
    threshold: Threshold | None
    subgame_perfect: SubgamePerfect
    values: Mapping[str, float]
    statics_where_defined: Mapping[str, SignResult] = field(default_factory=dict)
    notes: tuple[str, ...] = field(default_factory=tuple)
    method: str = (
        "subgame-perfect play of the tree; the candidate offers are the exact roots found at the offer node,"
        " sorted into pooling (every type replies alike) and separating; the belief threshold is the root of"
        " the proposer's expected-payoff difference (sympy.solve), with comparative statics"
    )

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``{"screening": {choice, offers, offer_formulas, replies,
        expected, belief, threshold}}``."""
        return {
            "node": self.node,
            "chance": self.chance,
            "actor": self.actor,
            "offered": self.parameter,
            "belief": self.belief,
            "types": dict(self.types),
            "choice": self.choice,
            "offers": {k: clean_number(v) for k, v in self.offers.items()},
            "offer_formulas": {k: str(f) for k, f in self.offer_formulas.items()},
            "replies": {k: dict(r) for k, r in self.replies.items()},
            "expected": {k: clean_number(v) for k, v in self.expected.items()},
            "expected_formulas": {k: str(f) for k, f in self.expected_formulas.items()},
            "threshold": None if self.threshold is None else self.threshold.to_dict(),
            "statics_where_defined": {q: r.sign for q, r in self.statics_where_defined.items()},
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


def screening_node(tree: Game) -> tuple[str, str] | None:
    """``(offer node, chance node)`` of the first offer node followed by a chance node with at least two
    decision nodes among its children, or None when the tree is not a screening tree.

    >>> from bargaining.io.scenario_file import load
    >>> screening_node(load("eu_russia_screening").game), screening_node(load("eu_russia_offer").game)
    (('eu_offer', 'nature'), None)
    """
    if not isinstance(tree, TreeGame):
        return None
    for nid in tree.offer_nodes():
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        if node.next not in tree.nodes:
            continue
        for below in tree.subtree(node.next):
            chance = tree.nodes[below]
            if not isinstance(chance, ChanceNode):
                continue
            if sum(isinstance(tree.nodes.get(t), DecisionNode) for _, t in chance.moves) >= 2:
                return nid, below
            break
    return None


def _position(tree: TreeGame, node: str, move: str) -> int:
    """Where ``move`` is listed among the moves at decision node ``node`` (-1 if it is not)."""
    d = tree.nodes[node]
    assert isinstance(d, DecisionNode)
    return next((k for k, (m, _) in enumerate(d.moves) if m == move), -1)


def screening_threshold(
    model: Scenario | Game,
    values: Mapping[str, float] | None = None,
    *,
    at: str | None = None,
    solve_for: str | None = None,
    statics: bool = True,
) -> Screening:
    r"""The best pooling and separating offers at the offer node ``at`` and the belief between them.

    ``at`` defaults to the tree's screening node (:func:`screening_node`); ``solve_for`` to the one
    parameter in the chance node's probabilities. Candidates are the numbers the subgame-perfect solver
    compared at the node (the bounds and every exact root at which some reply switches), each with the
    replies it draws; the best pooling one and the best separating one (the mover's payoff at
    ``values``, the least number among equals) give the expected payoffs
    :math:`U_{pool}, U_{sep}` as formulas, and the threshold is the root of :math:`U_{sep} - U_{pool}`.
    """
    scenario = Scenario.of(model)
    tree = scenario.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError("a game tree with a chance node after an offer", found=f"a {scenario.kind} game")
    found = screening_node(tree)
    if at is not None:
        node_at = tree.nodes.get(at)
        if not isinstance(node_at, OfferNode):
            raise ScenarioError(f"an offer node ({', '.join(tree.offer_nodes())})", found=repr(at), field="at")
        found = None
        if node_at.next in tree.nodes:
            chance_id = next((n for n in tree.subtree(node_at.next) if isinstance(tree.nodes[n], ChanceNode)), None)
            found = None if chance_id is None else (at, chance_id)
    if found is None:
        raise ScenarioError(
            "a screening tree: an offer node followed by a chance node whose moves lead to decision nodes",
            found="none",
            file=scenario.path or None,
            field="at",
        )
    node_id, chance_id = found
    node = tree.nodes[node_id]
    chance = tree.nodes[chance_id]
    assert isinstance(node, OfferNode) and isinstance(chance, ChanceNode)
    declared = {p.name for p in scenario.parameters}
    in_prior = sorted(
        {s.name for p in chance.probabilities for s in p.free_symbols if s.name in declared} - {node.parameter}
    )
    if solve_for is None:
        if len(in_prior) != 1:
            raise ScenarioError(
                f"the parameter of the prior to solve for ({', '.join(in_prior) or 'none in the probabilities'})",
                found="none",
                field="solve_for",
            )
        solve_for = in_prior[0]
    types = {m: t for m, t in chance.moves if isinstance(tree.nodes.get(t), DecisionNode)}
    vals = scenario.values(values)
    spe = subgame_perfect(scenario, vals)

    solver = TreeSolver(tree, vals)
    solver.solve(tree.root, vals)
    solution = solver.solutions.get(node_id)
    if solution is None:
        raise ScenarioError("an offer node that subgame-perfect play reaches", found=repr(node_id), field="at")
    i = tree.actors.index(node.actor)
    v_sym = sympy.Symbol(node.parameter, real=True)
    lo, hi = (float(x) for x in solver.bounds[node_id](*solver.args(vals)))
    best: dict[Kind, tuple[float, float, sympy.Expr, dict[str, str], sympy.Expr]] = {}
    notes: list[str] = []
    numeric = False
    for c in solution.candidates:
        if c.limit or not lo - 1e-12 <= c.v <= hi + 1e-12 or math.isnan(c.payoff):
            continue
        if c.formula is None or any(g is None for _, g in c.inner):
            numeric = True
            continue
        plan = dict(c.plan)
        positions = {_position(tree, t, plan[t]) for t in types.values()}
        kind: Kind = "pooling" if len(positions) == 1 else "separating"
        expected = continuation(tree, node.next, plan, dict(c.inner))[i].xreplace({v_sym: c.formula})
        key = (c.payoff, -c.v)
        if kind not in best or key > (best[kind][0], -best[kind][1]):
            best[kind] = (c.payoff, c.v, c.formula, {m: plan[t] for m, t in types.items()}, expected)
    if numeric:
        notes.append("Some candidate offers have no formula (numeric roots) and are left out of the comparison.")
    if "pooling" not in best:
        raise ScenarioError("an offer at which every type replies alike", found="none", field="at")
    plan_types = {m: spe.plan.get(t, "") for m, t in types.items()}
    spe_positions = {_position(tree, t, spe.plan.get(t, "")) for t in types.values()}
    choice: Kind = "pooling" if len(spe_positions) == 1 else "separating"
    if best[choice][3] != plan_types:
        notes.append("The subgame-perfect plan's replies differ from the best candidate's of its kind.")
    thr: Threshold | None = None
    where_defined: dict[str, SignResult] = {}
    if "separating" in best:
        difference = sympy.simplify(best["separating"][4] - best["pooling"][4])
        if sympy.Symbol(solve_for, real=True) in difference.free_symbols:
            thr = threshold_of(difference, solve_for, scenario.parameters, vals, statics=statics)
            thr = replace(
                thr,
                actor=node.actor,
                prefer=f"separating ({node.parameter} = {best['separating'][2]})",
                over=f"pooling ({node.parameter} = {best['pooling'][2]})",
                others=f"at node {node_id}, the types reply as subgame-perfect play",
            )
            if statics and thr.formula is not None and thr.exact:
                box = {p.symbol: (p.min, p.max) for p in scenario.parameters}
                # real iff 0 <= mu* <= 1 and separating gains with the belief on the side the threshold states
                slope = sympy.diff(difference, sympy.Symbol(solve_for, real=True))
                slope = slope if thr.direction != "below" else -slope
                inside = sympy.sqrt(thr.formula) * sympy.sqrt(1 - thr.formula) * sympy.sqrt(slope)
                for q, d in thr.derivatives.items():
                    found_sign = sign_over_box(d, box, within=inside)
                    if not found_sign.proven or found_sign.sign == "?":
                        found_sign = replace(found_sign, sign=found_sign.sampled, proven=False)
                    where_defined[q] = found_sign
        else:
            notes.append(f"The expected-payoff difference does not depend on {solve_for}: no belief threshold.")
    else:
        notes.append("No separating offer: every type replies alike at every offer (the types are alike here).")
    return Screening(
        node=node_id,
        chance=chance_id,
        actor=node.actor,
        parameter=node.parameter,
        belief=solve_for,
        types=types,
        choice=choice,
        offers={k: b[1] for k, b in best.items()},
        offer_formulas={k: b[2] for k, b in best.items()},
        replies={k: b[3] for k, b in best.items()},
        expected={k: b[0] for k, b in best.items()},
        expected_formulas={k: b[4] for k, b in best.items()},
        threshold=thr,
        subgame_perfect=spe,
        values=vals,
        statics_where_defined=where_defined,
        notes=tuple(notes),
    )

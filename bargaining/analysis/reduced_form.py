r"""The reduced normal form of a game tree with information sets (Kuhn 1953).

A **pure strategy** of an actor picks one move at each of its information sets
(docs/format.md#information-sets); a node without ``info`` is a set of its own. Strategies that
differ only at sets which the actor's own moves make unreachable lead to the same play against
everything the others and nature do, so they are identified: a **reduced strategy** gives a move
at the sets its own earlier moves leave reachable and nothing elsewhere (Gambit's "reduced
strategic form"; Osborne and Rubinstein 1994, ch. 11). A set is *reachable* under a plan when some
node of it is reached with the actor following the plan and every other actor and nature making
any move.

The payoff of a profile is the expectation over nature's moves of the outcome reached,
:math:`u_i(s) = \sum_z \Pr(z \mid s)\, u_i(z)`, with :math:`\Pr(z \mid s)` the product of the chance
probabilities along the path to :math:`z`: a sympy expression in the parameters, so thresholds,
signs and sweeps work on the normal form as on any other. Offer nodes (an actor choosing a number
in an interval, a continuum of strategies) are refused.

With perfect recall (:meth:`~bargaining.games.tree.TreeGame.perfect_recall`), every mixed
strategy of the reduced normal form has an equivalent behaviour strategy and conversely (Kuhn's
theorem), so the Nash equilibria of the reduced normal form are those of the tree.

>>> from bargaining.games.tree import TreeGame
>>> pennies = TreeGame.build(
...     actors=["A", "B"], root="a",
...     nodes={"a": {"actor": "A", "moves": {"H": "bh", "T": "bt"}},
...            "bh": {"actor": "B", "moves": {"H": "w", "T": "l"}, "info": "b"},
...            "bt": {"actor": "B", "moves": {"H": "l", "T": "w"}, "info": "b"}},
...     outcomes={"w": {"A": "x", "B": "-x"}, "l": {"A": "-x", "B": "x"}}, parameters={"x": 1.0})
>>> game = reduced_normal_form(pennies)
>>> game.strategies
(('H', 'T'), ('H', 'T'))
>>> game.payoff_expr("A", ("T", "H"))
-x
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import product

import sympy

from bargaining.budget import count_limit
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.scenario import Scenario

__all__ = ["MAX_PLANS", "reduced_normal_form", "reduced_strategies"]

MAX_PLANS = 100_000
"""The most plans (one move per information set) of one actor, and the most profiles of the
reduced normal form, at the default budget (docs/format.md#budgets)."""

Plan = Mapping[str, str]


def _tree(model: Scenario | TreeGame) -> tuple[Scenario, TreeGame]:
    scenario = Scenario.of(model)
    tree = scenario.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError('a game tree (game = "tree")', found=f"a {scenario.kind} game", field="game")
    offers = tree.offer_nodes()
    if offers:
        node = tree.nodes[offers[0]]
        assert isinstance(node, OfferNode)
        raise ScenarioError(
            "a tree without offer nodes for the reduced normal form (an offer is a continuum of strategies;"
            " solve the tree with subgame_perfect, or write it with finitely many moves)",
            found=f"the offer node {node.id!r} ({node.actor} sets {node.parameter})",
            file=scenario.path or None,
            field=f"nodes.{node.id}",
        )
    return scenario, tree


def _reached(tree: TreeGame, actor: str, plan: Plan) -> set[str]:
    """The actor's information sets reached when it follows ``plan`` and every other mover may move anyhow."""
    seen: set[str] = set()
    sets: set[str] = set()
    stack = [tree.root]
    while stack:
        nid = stack.pop()
        if nid in seen or nid not in tree.nodes:
            continue
        seen.add(nid)
        node = tree.nodes[nid]
        if isinstance(node, DecisionNode) and node.actor == actor:
            sets.add(node.information_set)
            stack.append(dict(node.moves)[plan[node.information_set]])
        else:
            stack.extend(t for _, t in node.moves)
    return sets


def reduced_strategies(model: Scenario | TreeGame) -> dict[str, tuple[dict[str, str], ...]]:
    """Each actor's reduced strategies: set -> move at the sets its own moves leave reachable.

    Strategies come in the order of the plans they reduce (the first set's move changing
    slowest); an actor without a decision node has one strategy, the empty one.

    >>> from bargaining.games.tree import TreeGame
    >>> t = TreeGame.build(actors=["A", "B"], root="a",
    ...     nodes={"a": {"actor": "A", "moves": {"in": "b", "out": "o"}},
    ...            "b": {"actor": "B", "moves": {"l": "c", "r": "o"}},
    ...            "c": {"actor": "A", "moves": {"u": "o", "d": "o2"}}},
    ...     outcomes={"o": {"A": "0", "B": "0"}, "o2": {"A": "1", "B": "1"}})
    >>> reduced_strategies(t)["A"]
    ({'a': 'in', 'c': 'u'}, {'a': 'in', 'c': 'd'}, {'a': 'out'})
    """
    _, tree = _tree(model)
    out: dict[str, tuple[dict[str, str], ...]] = {}
    limit = count_limit(MAX_PLANS)
    for actor in tree.actors:
        sets = tree.information_sets(actor)
        moves = [tuple(m for m, _ in tree.nodes[members[0]].moves) for members in sets.values()]
        count = math.prod(len(m) for m in moves)
        if count > limit:
            raise ScenarioError(
                f"at most {limit:,} plans per actor (one move per information set; docs/format.md#budgets)",
                found=f"{count:,} for {actor}",
                field="nodes",
            )
        found: dict[tuple[tuple[str, str], ...], None] = {}
        for choice in product(*moves):
            plan = dict(zip(sets, choice, strict=True))
            reached = _reached(tree, actor, plan)
            found.setdefault(tuple((h, m) for h, m in plan.items() if h in reached), None)
        out[actor] = tuple(dict(key) for key in found)
    return out


def _labels(strategies: tuple[dict[str, str], ...]) -> list[str]:
    """A strategy's name: its moves joined by ``_`` (``none`` for the empty one), numbered if repeated."""
    names: list[str] = []
    for plan in strategies:
        base = "_".join(plan.values()) or "none"
        name, k = base, 2
        while name in names:
            name, k = f"{base}_{k}", k + 1
        names.append(name)
    return names


def _payoffs(tree: TreeGame, plan: Plan) -> tuple[sympy.Expr, ...]:
    """The expected payoffs when every actor follows ``plan`` (set -> move at every set reached)."""
    reached: set[str] = set()
    stack = [tree.root]
    while stack:
        nid = stack.pop()
        if nid in reached or nid not in tree.nodes:
            continue
        reached.add(nid)
        node = tree.nodes[nid]
        if isinstance(node, DecisionNode):
            stack.append(dict(node.moves)[plan[node.information_set]])
        else:
            stack.extend(t for _, t in node.moves)
    value: dict[str, tuple[sympy.Expr, ...]] = {
        o: tuple(out.payoffs[a] for a in tree.actors) for o, out in tree.outcomes.items()
    }
    for nid in reversed(tree.order):
        if nid not in reached:
            continue
        node = tree.nodes[nid]
        if isinstance(node, DecisionNode):
            value[nid] = value[dict(node.moves)[plan[node.information_set]]]
        else:
            assert isinstance(node, ChanceNode)
            parts = [value[t] for _, t in node.moves]
            value[nid] = tuple(
                sympy.Add(*(p * part[k] for p, part in zip(node.probabilities, parts, strict=True)))
                for k in range(len(tree.actors))
            )
    return value[tree.root]


def reduced_normal_form(model: Scenario | TreeGame, values: Mapping[str, float] | None = None) -> NormalFormGame:
    r"""The reduced normal form of a tree without offer nodes: actors as in the tree, strategies
    :func:`reduced_strategies` (named by their moves, ``in_u``), payoffs the expected payoffs as
    sympy expressions in the tree's parameters. ``values`` (checked against the parameters'
    bounds) become the game's default values.

    >>> from bargaining.games.tree import TreeGame
    >>> t = TreeGame.build(actors=["A", "B"], root="n",
    ...     nodes={"n": {"moves": {"good": "a1", "bad": "a2"}, "probabilities": {"good": "p", "bad": "1 - p"}},
    ...            "a1": {"actor": "A", "moves": {"go": "g", "stay": "z"}, "info": "h"},
    ...            "a2": {"actor": "A", "moves": {"go": "b", "stay": "z"}, "info": "h"}},
    ...     outcomes={"g": {"A": "1", "B": "0"}, "b": {"A": "-1", "B": "0"}, "z": {"A": "0", "B": "0"}},
    ...     parameters={"p": (0.5, 0, 1)})
    >>> g = reduced_normal_form(t, {"p": 0.75})
    >>> sympy.factor(g.payoff_expr("A", ("go", "none"))), g.parameters.values()["p"]
    (2*p - 1, 0.75)
    """
    scenario, tree = _tree(model)
    space = tree.parameters.with_values(scenario.values(values)) if values else tree.parameters
    strategies = reduced_strategies(tree)
    names = {a: _labels(strategies[a]) for a in tree.actors}
    total = math.prod(len(s) for s in strategies.values())
    limit = count_limit(MAX_PLANS)
    if total > limit:
        raise ScenarioError(
            f"a reduced normal form of at most {limit:,} profiles (docs/format.md#budgets)",
            found=f"{total:,}",
            field="nodes",
        )
    table: dict[tuple[str, ...], tuple[sympy.Expr, ...]] = {}
    for idx in product(*(range(len(strategies[a])) for a in tree.actors)):
        plan: dict[str, str] = {}
        for a, k in zip(tree.actors, idx, strict=True):
            plan.update(strategies[a][k])
        table[tuple(names[a][k] for a, k in zip(tree.actors, idx, strict=True))] = _payoffs(tree, plan)
    game = NormalFormGame.from_table(
        {a: names[a] for a in tree.actors}, table, parameters=list(space.names), values=space.values()
    )
    return game.with_parameters(space)

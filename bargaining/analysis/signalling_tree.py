r"""Reading a game tree as a signalling game, so that a sender-receiver tree gets its perfect Bayesian equilibria.

A theorist may write a signalling game as a tree (docs/format.md#game-trees, with information sets as in
docs/format.md#information-sets) rather than as ``game = "signalling"``. :func:`signalling_game_of`
recognises the shape exactly and returns the same game as a
:class:`~bargaining.games.signalling.SignallingGame`:

* the root is a chance node; its moves are the sender's **types** :math:`T` and its probabilities the
  prior :math:`p(t)` (the expressions kept);
* each type's move leads to a decision node of one **sender** actor, an information set of its own (the
  sender knows its type), all with the same move labels, the **messages** :math:`M`;
* each message leads to a decision node of one **receiver** actor (another actor), all with the same
  move labels, the **actions** :math:`A`; the receiver's nodes after one message :math:`m` form exactly
  one information set, :math:`\{(t, m) : t \in T\}` (it sees the message, not the type);
* each action leads to an outcome, whose payoffs are :math:`u_S(t, m, a)` and :math:`u_R(t, m, a)`; the
  tree has no other actor.

Any other tree gives None, and :func:`why_not` the first reason (naming the node).
:meth:`SignallingGame.tree() <bargaining.games.signalling.SignallingGame.tree>` is the inverse: reading
its tree back gives the same game.

>>> from bargaining.games.signalling import SignallingGame
>>> g = SignallingGame.build("S", ["a", "b"], ["x", "y"], "R", ["u", "v"], {"a": "p", "b": "1 - p"},
...     {(t, m, a): (int(a == "u"), int(t == "a")) for t in "ab" for m in "xy" for a in "uv"},
...     parameters={"p": (0.5, 0, 1)})
>>> back = signalling_game_of(g.tree())
>>> back is not None and (back.types, back.messages, back.actions, back.prior) == (g.types, g.messages,
...     g.actions, g.prior)
True
>>> from bargaining.games.tree import TreeGame
>>> t = TreeGame.build(["A", "B"], "a", {"a": {"actor": "A", "moves": {"l": "z", "r": "z"}}},
...     {"z": {"A": "1", "B": "0"}})
>>> signalling_game_of(t) is None, why_not(t)
(True, "the root a is not a chance node (nature drawing the sender's type)")
"""

from __future__ import annotations

import dataclasses

import sympy

from bargaining.errors import GameError, ScenarioError
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import ChanceNode, DecisionNode, TreeGame
from bargaining.scenario import Actor, Scenario

__all__ = ["as_signalling_scenario", "signalling_game_of", "why_not"]


class _NotSignalling(Exception):
    """The first reason a tree is not a signalling game (internal)."""


def _read(tree: TreeGame) -> SignallingGame:
    """The signalling game, or :class:`_NotSignalling` with the first reason."""

    def no(reason: str) -> _NotSignalling:
        return _NotSignalling(reason)

    root = tree.nodes[tree.root]
    if not isinstance(root, ChanceNode):
        raise no(f"the root {tree.root} is not a chance node (nature drawing the sender's type)")
    types = tuple(m for m, _ in root.moves)
    prior = tuple(root.probabilities)
    sender_nodes: list[DecisionNode] = []
    for t, target in root.moves:
        node = tree.nodes.get(target)
        if not isinstance(node, DecisionNode):
            raise no(f"type {t} at {tree.root} leads to {target}, not a decision node of the sender")
        sender_nodes.append(node)
    if len({n.id for n in sender_nodes}) != len(sender_nodes):
        raise no(f"two types at {tree.root} lead to the same node")
    sender = sender_nodes[0].actor
    messages = tuple(m for m, _ in sender_nodes[0].moves)
    sets = tree.information_sets()
    for node in sender_nodes:
        if node.actor != sender:
            raise no(f"node {node.id} belongs to {node.actor}, but {sender_nodes[0].id} to {sender}: two sender actors")
        if len(sets[node.information_set]) != 1:
            raise no(f"the sender's node {node.id} shares an information set: the sender must know its type")
        if {m for m, _ in node.moves} != set(messages) or len(node.moves) != len(messages):
            raise no(f"the sender's node {node.id} has other moves than {sender_nodes[0].id} ({', '.join(messages)})")
    receiver: str | None = None
    actions: tuple[str, ...] = ()
    first_receiver = ""
    at: dict[tuple[str, str], DecisionNode] = {}
    for t, node in zip(types, sender_nodes, strict=True):
        moves = dict(node.moves)
        for m in messages:
            target = moves[m]
            nxt = tree.nodes.get(target)
            if not isinstance(nxt, DecisionNode):
                raise no(f"message {m} at {node.id} leads to {target}, not a decision node of the receiver")
            if receiver is None:
                receiver, actions, first_receiver = nxt.actor, tuple(a for a, _ in nxt.moves), nxt.id
                if receiver == sender:
                    raise no(f"node {nxt.id} belongs to the sender {sender}: the receiver must be another actor")
            elif nxt.actor != receiver:
                raise no(f"node {nxt.id} belongs to {nxt.actor}, but {first_receiver} to {receiver}: two receivers")
            if {a for a, _ in nxt.moves} != set(actions) or len(nxt.moves) != len(actions):
                raise no(f"the receiver's node {nxt.id} has other moves than {first_receiver} ({', '.join(actions)})")
            for a, end in nxt.moves:
                if end not in tree.outcomes:
                    raise no(f"action {a} at {nxt.id} leads to {end}, not an outcome")
            at[(t, m)] = nxt
    assert receiver is not None  # at least one type and one message: a node has at least one move
    if len({n.id for n in at.values()}) != len(at):
        raise no("two (type, message) pairs lead to the same receiver node")
    for m in messages:
        members = {at[(t, m)].id for t in types}
        names = {at[(t, m)].information_set for t in types}
        if len(names) != 1:
            first = at[(types[0], m)]
            other = next(at[(t, m)] for t in types if at[(t, m)].information_set != first.information_set)
            raise no(
                f"the receiver's nodes after {m}, {first.id} and {other.id}, are in different information sets:"
                " the receiver must see the message only"
            )
        name = names.pop()
        if set(sets[name]) != members:
            stray = sorted(set(sets[name]) - members)[0]
            raise no(f"information set {name} holds {stray}, which does not follow message {m}")
    extra = [a for a in tree.actors if a not in (sender, receiver)]
    if extra:
        raise no(f"actor {extra[0]} neither sends nor receives (a signalling game has two actors)")
    us: list[tuple[tuple[sympy.Expr, ...], ...]] = []
    ur: list[tuple[tuple[sympy.Expr, ...], ...]] = []
    for t in types:
        rows_s, rows_r = [], []
        for m in messages:
            moves = dict(at[(t, m)].moves)
            ends = [tree.outcomes[moves[a]] for a in actions]
            rows_s.append(tuple(e.payoffs[sender] for e in ends))
            rows_r.append(tuple(e.payoffs[receiver] for e in ends))
        us.append(tuple(rows_s))
        ur.append(tuple(rows_r))
    try:
        return SignallingGame(sender, receiver, types, messages, actions, prior, tuple(us), tuple(ur), tree.parameters)
    except ScenarioError as err:  # e.g. a prior sympy cannot prove sums to 1
        raise no(f"at {tree.root}: {err}") from None


def signalling_game_of(tree: TreeGame) -> SignallingGame | None:
    """``tree`` as a signalling game (types = the root's chance moves, messages = the sender's moves,
    actions = the receiver's moves, the tree's actor ids and parameters), or None if it has another shape."""
    try:
        return _read(tree)
    except _NotSignalling:
        return None


def why_not(tree: TreeGame) -> str | None:
    """The first reason ``tree`` is not a signalling game, in one line naming the node (None if it is one)."""
    try:
        _read(tree)
    except _NotSignalling as reason:
        return str(reason)
    return None


def as_signalling_scenario(scenario: Scenario) -> Scenario:
    """A scenario of a signalling-shaped tree as the scenario of its signalling game (same title, facts,
    actors, parameters); a ``ScenarioError`` naming the reason if the tree has another shape."""
    tree = scenario.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError("a game tree", found=f"a {scenario.kind} game", field="game")
    try:
        game = _read(tree)
    except _NotSignalling as reason:
        raise GameError(
            "a signalling tree (a chance root drawing the type, the sender's nodes, the receiver's information"
            " sets by message, outcomes)",
            found=str(reason),
            field="game",
        ) from None
    by_id = {a.id: a for a in scenario.actors}
    actors = tuple(by_id.get(a, Actor(a)) for a in game.actors)
    return dataclasses.replace(scenario, game=game, kind="signalling", actors=actors)

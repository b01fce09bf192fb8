r"""Game trees: decision, chance and offer nodes, outcomes with payoffs, and information sets.

A tree (docs/format.md#game-trees) has a root; each **decision node** belongs to an actor who picks one
of its moves; each **chance node** picks a move with the probabilities given (expressions that sum
to 1); each **offer node** lets its actor set a parameter (the level of visa facilitation, say)
within bounds before play goes on; **outcomes** give every actor a payoff. Payoffs and
probabilities are sympy expressions in the parameters. A tree is checked when it is built: every
node reachable from the root, no cycle, every outcome paying every actor, probabilities summing to
1 (symbolically, or else at sampled points of the parameters' box).

**Information sets** (docs/format.md#information-sets): a decision node may name the information set
it belongs to (``info``); the actor cannot tell apart the nodes of one set, so they have the same
actor and the same moves (in the same order), and no set holds a node and one of its descendants
(no absent-mindedness: the weak form of perfect recall that is checked when the tree is built;
:meth:`TreeGame.perfect_recall` checks the full one). A node without ``info`` is a set of its own,
named by its id. :meth:`TreeGame.information_sets` lists them.

>>> t = TreeGame.build(
...     actors=["EU", "RU"], root="eu",
...     nodes={"eu": {"actor": "EU", "moves": {"offer": "ru", "no_offer": "sq"}},
...            "ru": {"actor": "RU", "moves": {"accept": "deal", "reject": "sq"}}},
...     outcomes={"deal": {"EU": "b - k", "RU": "a - c"}, "sq": {"EU": "0", "RU": "0"}})
>>> t.decision_nodes("RU")
('ru',)
>>> pennies = TreeGame.build(
...     actors=["A", "B"], root="a",
...     nodes={"a": {"actor": "A", "moves": {"H": "bh", "T": "bt"}},
...            "bh": {"actor": "B", "moves": {"H": "w", "T": "l"}, "info": "b"},
...            "bt": {"actor": "B", "moves": {"H": "l", "T": "w"}, "info": "b"}},
...     outcomes={"w": {"A": "1", "B": "-1"}, "l": {"A": "-1", "B": "1"}})
>>> dict(pennies.information_sets())
{'a': ('a',), 'b': ('bh', 'bt')}
>>> pennies.perfect_information, pennies.perfect_recall()
(False, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import sympy

from bargaining._repr import repr_html
from bargaining.errors import GameError, ScenarioError
from bargaining.expressions import allowed_parameters, check_finite_real, evaluate_real, field_expression
from bargaining.games.normal import ExprLike
from bargaining.parameters import (
    DEFAULT_VALUE,
    GameKind,
    Parameterised,
    ParametersLike,
    ParameterSpace,
    check_identifier,
    default_values,
    parsing_names,
)

__all__ = ["ChanceNode", "DecisionNode", "OfferNode", "Outcome", "TreeGame"]


@dataclass(frozen=True)
class DecisionNode:
    """An actor picks one of ``moves`` (move -> next node or outcome), in the order listed.

    ``info`` names the information set the node belongs to (None: a set of its own, named by the
    node's id); :attr:`information_set` is that name either way.
    """

    id: str
    actor: str
    moves: tuple[tuple[str, str], ...]
    info: str | None = None

    @property
    def information_set(self) -> str:
        """The name of the node's information set: ``info``, else the node's id."""
        return self.info if self.info is not None else self.id


@dataclass(frozen=True)
class ChanceNode:
    """Nature picks a move with the given probabilities (expressions in the parameters)."""

    id: str
    moves: tuple[tuple[str, str], ...]
    probabilities: tuple[sympy.Expr, ...]


@dataclass(frozen=True)
class OfferNode:
    """The actor sets parameter ``parameter`` within [low, high] (expressions), then play goes to ``next``."""

    id: str
    actor: str
    parameter: str
    low: sympy.Expr
    high: sympy.Expr
    next: str

    @property
    def moves(self) -> tuple[tuple[str, str], ...]:
        return ((self.parameter, self.next),)


Node = DecisionNode | ChanceNode | OfferNode


@dataclass(frozen=True)
class Outcome:
    """An end of play: a payoff for every actor."""

    id: str
    payoffs: Mapping[str, sympy.Expr]


@dataclass(frozen=True)
class TreeGame(Parameterised):
    """A perfect-information game tree; build it with :meth:`build` (checked) or from a scenario file."""

    actors: tuple[str, ...]
    root: str
    nodes: Mapping[str, Node]
    outcomes: Mapping[str, Outcome]
    order: tuple[str, ...] = field(default=())  # nodes in a topological order, root first
    parameters: ParameterSpace = field(default_factory=ParameterSpace)
    kind: ClassVar[GameKind] = "tree"

    def __post_init__(self) -> None:
        self._complete_parameters()

    @classmethod
    def build(
        cls,
        actors: Sequence[str],
        root: str,
        nodes: Mapping[str, Mapping[str, Any]],
        outcomes: Mapping[str, Mapping[str, ExprLike]],
        *,
        parameters: ParametersLike = None,
        box: Mapping[str, tuple[float, float]] | None = None,
        values: Mapping[str, float] | None = None,
    ) -> TreeGame:
        """A checked tree from plain mappings, as in a scenario file (``nodes.ID`` and ``outcomes.ID``).

        ``parameters`` are the names expressions may use (None: any); ``box`` their [min, max], used
        to check that chance probabilities sum to 1 where sympy cannot prove it. At ``values`` (by
        default the defaults ``parameters`` gives, if any) every payoff and offer bound must be a
        finite real number, every chance probability one in [0, 1], and every offer's low bound at
        most its high bound.
        """
        params = allowed_parameters(parsing_names(parameters))
        actor_ids = tuple(actors)
        for k, a in enumerate(actor_ids):
            check_identifier(a, f"actors[{k}].id")

        def expr(value: object, where: str) -> sympy.Expr:
            return field_expression(value, where, params)

        built: dict[str, Node] = {}
        for nid, spec in nodes.items():
            where = f"nodes.{nid}"
            check_identifier(nid, where)
            if not isinstance(spec, Mapping):
                raise GameError("a table", found=type(spec).__name__, field=where)
            keys = set(spec)
            if "info" in spec and ("offer" in spec or "probabilities" in spec):
                raise GameError(
                    "info only at decision nodes (an actor picking one of its moves), not at "
                    + ("an offer node" if "offer" in spec else "a chance node"),
                    found=repr(spec["info"]),
                    field=f"{where}.info",
                )
            if "offer" in spec:
                allowed = {"actor", "offer", "within", "next"}
                extra = sorted(keys - allowed)
                if extra:
                    raise GameError(
                        "an offer node's keys actor, offer, within, next",
                        found=repr(extra[0]),
                        field=f"{where}.{extra[0]}",
                    )
                actor = cls._actor(spec.get("actor"), actor_ids, f"{where}.actor")
                name = spec["offer"]
                if not isinstance(name, str) or name not in params:
                    raise GameError("the name of a declared parameter", found=repr(name), field=f"{where}.offer")
                within = spec.get("within")
                if not isinstance(within, Sequence) or isinstance(within, str) or len(within) != 2:
                    raise GameError('two bounds, ["low", "high"]', found=repr(within), field=f"{where}.within")
                low, high = expr(within[0], f"{where}.within[0]"), expr(within[1], f"{where}.within[1]")
                if params[name] in (low.free_symbols | high.free_symbols):
                    raise GameError(
                        f"bounds that do not depend on {name} itself", found=f"{low}, {high}", field=f"{where}.within"
                    )
                nxt = spec.get("next")
                if not isinstance(nxt, str):
                    raise GameError("the id of the next node or outcome", found=repr(nxt), field=f"{where}.next")
                built[nid] = OfferNode(nid, actor, name, low, high, nxt)
                continue
            moves = spec.get("moves")
            if not isinstance(moves, Mapping) or not moves:
                raise GameError(
                    "a table of moves, move -> next node or outcome", found=repr(moves), field=f"{where}.moves"
                )
            for m, target in moves.items():
                check_identifier(m, f"{where}.moves.{m}")
                if not isinstance(target, str):
                    raise GameError("the id of a node or an outcome", found=repr(target), field=f"{where}.moves.{m}")
            pairs = tuple((str(m), str(t)) for m, t in moves.items())
            if "probabilities" in spec:
                extra = sorted(keys - {"moves", "probabilities"})
                if extra:
                    raise GameError(
                        "a chance node's keys moves, probabilities", found=repr(extra[0]), field=f"{where}.{extra[0]}"
                    )
                probs = spec["probabilities"]
                if not isinstance(probs, Mapping) or set(probs) != set(moves):
                    raise GameError("one probability per move", found=repr(probs), field=f"{where}.probabilities")
                built[nid] = ChanceNode(
                    nid, pairs, tuple(expr(probs[m], f"{where}.probabilities.{m}") for m, _ in pairs)
                )
            else:
                extra = sorted(keys - {"actor", "moves", "info"})
                if extra:
                    raise GameError(
                        "a decision node's keys actor, moves, info", found=repr(extra[0]), field=f"{where}.{extra[0]}"
                    )
                info = spec.get("info")
                if info is not None:
                    if not isinstance(info, str):
                        raise GameError("the name of an information set", found=repr(info), field=f"{where}.info")
                    check_identifier(info, f"{where}.info")
                actor = cls._actor(spec.get("actor"), actor_ids, f"{where}.actor")
                built[nid] = DecisionNode(nid, actor, pairs, info)
        finished: dict[str, Outcome] = {}
        for oid, pays in outcomes.items():
            where = f"outcomes.{oid}"
            check_identifier(oid, where)
            if oid in built:
                raise GameError("an outcome id that is not also a node id", found=repr(oid), field=where)
            if not isinstance(pays, Mapping):
                raise GameError("a table actor -> payoff", found=type(pays).__name__, field=where)
            extra = [a for a in pays if a not in actor_ids]
            if extra:
                raise GameError(
                    f"an actor among {', '.join(actor_ids)}", found=repr(extra[0]), field=f"{where}.{extra[0]}"
                )
            missing = [a for a in actor_ids if a not in pays]
            if missing:
                raise GameError(
                    f"a payoff for every actor ({', '.join(actor_ids)})", found=f"none for {missing[0]}", field=where
                )
            finished[oid] = Outcome(oid, {a: expr(pays[a], f"{where}.{a}") for a in actor_ids})
        tree = cls(actor_ids, root, built, finished)
        order = tree._check()
        tree = cls(actor_ids, root, built, finished, order)
        tree._check_information_sets()
        at = values if values is not None else default_values(parameters)
        if at is not None:
            tree._check_values(at)
        tree._check_probabilities(box or {})
        return cls(actor_ids, root, built, finished, order, ParameterSpace.of(parameters))

    @staticmethod
    def _actor(value: object, actors: tuple[str, ...], where: str) -> str:
        if value not in actors:
            raise GameError(f"an actor among {', '.join(actors)}", found=repr(value), field=where)
        return str(value)

    def _check(self) -> tuple[str, ...]:
        if self.root not in self.nodes:
            raise GameError("the id of a node", found=repr(self.root), field="root")
        for nid, node in self.nodes.items():
            for m, target in node.moves:
                if target not in self.nodes and target not in self.outcomes:
                    raise GameError(
                        "the id of a node or an outcome", found=repr(target), field=f"nodes.{nid}.moves.{m}"
                    )
        # depth-first with an explicit stack: detects cycles, yields a topological order (root first)
        state: dict[str, int] = {}
        post: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(self.root, iter([t for _, t in self.nodes[self.root].moves]))]
        state[self.root] = 1
        while stack:
            nid, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[nid] = 2
                post.append(nid)
                continue
            if child in self.outcomes:
                continue
            if state.get(child) == 1:
                raise GameError("a tree without cycles", found=f"a cycle through {child!r}", field=f"nodes.{nid}")
            if child not in state:
                state[child] = 1
                stack.append((child, iter([t for _, t in self.nodes[child].moves])))
        unreachable = sorted(set(self.nodes) - set(state))
        if unreachable:
            raise GameError(
                "every node reachable from the root",
                found=f"{unreachable[0]!r} unreachable",
                field=f"nodes.{unreachable[0]}",
            )
        reached = {t for n in self.nodes.values() for _, t in n.moves}
        unused = sorted(set(self.outcomes) - reached)
        if unused:
            raise GameError(
                "every outcome reachable from the root",
                found=f"{unused[0]!r} unreachable",
                field=f"outcomes.{unused[0]}",
            )
        return tuple(reversed(post))

    def _check_information_sets(self) -> None:
        """Each set: one actor, the same moves in the same order, no node below another of its set, and
        a name that is not the id of a node outside the set."""
        for name, members in self.information_sets().items():
            first = self.nodes[members[0]]
            assert isinstance(first, DecisionNode)
            if name in self.nodes and name not in members:
                raise GameError(
                    f"an information set name that is not the id of another node ({name!r} is a node outside the set)",
                    found=repr(name),
                    field=f"nodes.{members[0]}.info",
                )
            labels = tuple(m for m, _ in first.moves)
            for nid in members[1:]:
                node = self.nodes[nid]
                assert isinstance(node, DecisionNode)
                if node.actor != first.actor:
                    raise GameError(
                        f"the actor of the other nodes of information set {name!r} ({first.actor}, at {first.id})",
                        found=node.actor,
                        field=f"nodes.{nid}.info",
                    )
                own = tuple(m for m, _ in node.moves)
                if own != labels:
                    raise GameError(
                        f"the moves of the other nodes of information set {name!r} in the same order"
                        f" ({', '.join(labels)}, at {first.id})",
                        found=", ".join(own),
                        field=f"nodes.{nid}.info",
                    )
            if len(members) > 1:
                inside = set(members)
                for nid in members:
                    below = next((d for d in self.subtree(nid) if d != nid and d in inside), None)
                    if below is not None:
                        raise GameError(
                            f"no two nodes of information set {name!r} on one path (the actor would not know"
                            " whether it has moved already)",
                            found=f"{below!r} below {nid!r}",
                            field=f"nodes.{below}.info",
                        )

    def _check_values(self, values: Mapping[str, float]) -> None:
        """Payoffs and bounds finite real numbers, probabilities in [0, 1], bounds in order, at ``values``."""
        at = dict(values)
        for s in self.parameter_symbols():
            at.setdefault(s.name, DEFAULT_VALUE)
        for node in self.nodes.values():
            where = f"nodes.{node.id}"
            if isinstance(node, OfferNode):
                low = float(check_finite_real(node.low, at, field=f"{where}.within[0]"))
                high = float(check_finite_real(node.high, at, field=f"{where}.within[1]"))
                if low > high:
                    raise GameError(
                        "bounds low <= high at the default values",
                        found=f"{low:g} > {high:g}",
                        field=f"{where}.within",
                    )
            elif isinstance(node, ChanceNode):
                for (m, _), p in zip(node.moves, node.probabilities, strict=True):
                    field = f"{where}.probabilities.{m}"
                    value = float(check_finite_real(p, at, field=field))
                    if not 0 <= value <= 1:
                        raise GameError(
                            "a probability in [0, 1] at the default values", found=f"{value:g}", field=field
                        )
        for outcome in self.outcomes.values():
            for actor, payoff in outcome.payoffs.items():
                check_finite_real(payoff, at, field=f"outcomes.{outcome.id}.{actor}")

    def _check_probabilities(self, box: Mapping[str, tuple[float, float]]) -> None:
        """Each chance node's probabilities sum to 1: exactly when sympy's sum is the number 1, else at
        64 random points of the box (a parameter without bounds drawn from [-10, 10]); a constant
        probability lies in [0, 1]."""
        rng = np.random.default_rng(0)
        for node in self.nodes.values():
            if not isinstance(node, ChanceNode):
                continue
            field = f"nodes.{node.id}.probabilities"
            total = sympy.Add(*node.probabilities) - 1
            if total != 0:
                point = {}
                for s in sorted(total.free_symbols, key=lambda s: s.name):
                    lo, hi = box.get(s.name, (-10.0, 10.0))
                    lo, hi = (lo if math.isfinite(lo) else -10.0), (hi if math.isfinite(hi) else 10.0)
                    point[s.name] = rng.uniform(lo, hi, 64)
                sums, _ = evaluate_real(total, point)
                sums = np.asarray(sums)[np.isfinite(sums)]  # where the probabilities are numbers
                if np.any(np.abs(sums) > 1e-9):
                    raise GameError(
                        "probabilities that sum to 1" + (" for all allowed parameters" if point else ""),
                        found=f"a sum of {str(1 + total)[:80]}",
                        field=field,
                    )
            for m, p in zip((m for m, _ in node.moves), node.probabilities, strict=True):
                if not p.free_symbols:
                    value = float(check_finite_real(p, {}, field=f"{field}.{m}", where="(a probability)"))
                    if not 0 <= value <= 1:
                        raise GameError("a probability in [0, 1]", found=str(p)[:80], field=f"{field}.{m}")

    # -- structure -----------------------------------------------------------------------------

    def decision_nodes(self, actor: str | None = None) -> tuple[str, ...]:
        """Decision nodes (of ``actor``), in topological order."""
        return tuple(
            n
            for n in self.order
            if isinstance(self.nodes[n], DecisionNode) and (actor is None or self.nodes[n].actor == actor)  # type: ignore[union-attr]
        )

    def information_sets(self, actor: str | None = None) -> Mapping[str, tuple[str, ...]]:
        """The information sets (of ``actor``): set name -> its decision nodes, sets in the order of
        first node in topological order, each set's nodes in the order the tree lists them. A node
        without ``info`` is a set of its own, named by its id."""
        sets: dict[str, list[str]] = {}
        for nid in self.decision_nodes(actor):
            node = self.nodes[nid]
            assert isinstance(node, DecisionNode)
            sets.setdefault(node.information_set, [])
        listed = list(self.nodes)
        for nid in listed:
            node = self.nodes[nid]
            if isinstance(node, DecisionNode) and node.information_set in sets:
                sets[node.information_set].append(nid)
        return {name: tuple(members) for name, members in sets.items()}

    @property
    def perfect_information(self) -> bool:
        """Whether every information set holds one node."""
        return all(len(m) == 1 for m in self.information_sets().values())

    def perfect_recall(self) -> bool:
        """Whether every actor remembers what it knew and did (Kuhn 1953): at all nodes of one set,
        along every path from the root, the actor's own earlier sets and moves are the same sequence."""
        History = tuple[tuple[str, str], ...]
        own: dict[str, dict[str, set[History]]] = {self.root: {a: {()} for a in self.actors}}
        for nid in self.order:
            node = self.nodes[nid]
            here = own.get(nid, {a: set() for a in self.actors})
            for m, target in node.moves:
                if target not in self.nodes:
                    continue
                there = own.setdefault(target, {a: set() for a in self.actors})
                for a in self.actors:
                    if isinstance(node, DecisionNode) and node.actor == a:
                        there[a].update((*h, (node.information_set, m)) for h in here[a])
                    else:
                        there[a].update(here[a])
        for members in self.information_sets().values():
            actor = self.nodes[members[0]].actor  # type: ignore[union-attr]
            if len({h for nid in members for h in own[nid][actor]}) > 1:
                return False
        return True

    def moves_at(self, node: str) -> tuple[tuple[str, str], ...]:
        """The moves (move, next) at ``node``."""
        return self.nodes[node].moves

    def offer_nodes(self) -> tuple[str, ...]:
        return tuple(n for n in self.order if isinstance(self.nodes[n], OfferNode))

    def parameter_symbols(self) -> set[sympy.Symbol]:
        """Parameters used anywhere: payoffs, probabilities, bounds."""
        found: set[sympy.Symbol] = set()
        for o in self.outcomes.values():
            for e in o.payoffs.values():
                found |= e.free_symbols
        for n in self.nodes.values():
            if isinstance(n, ChanceNode):
                for p in n.probabilities:
                    found |= p.free_symbols
            if isinstance(n, OfferNode):
                found |= n.low.free_symbols | n.high.free_symbols
                found.add(sympy.Symbol(n.parameter, real=True))
        return found

    def subtree(self, start: str) -> tuple[str, ...]:
        """Nodes below ``start`` (included), in topological order."""
        seen = {start}
        stack = [start]
        while stack:
            nid = stack.pop()
            for _, t in self.nodes[nid].moves:
                if t in self.nodes and t not in seen:
                    seen.add(t)
                    stack.append(t)
        return tuple(n for n in self.order if n in seen)

    def _repr_html_(self) -> str:
        return repr_html(self)


def check_tree_parameters(tree: TreeGame, declared: Sequence[str], file: str | None = None) -> None:
    """Every parameter the tree uses is declared."""
    unknown = sorted(s.name for s in tree.parameter_symbols() if s.name not in declared)
    if unknown:
        raise ScenarioError(
            "every symbol declared under [parameters]", found=", ".join(unknown), file=file, field="parameters"
        )

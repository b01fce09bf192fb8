r"""Signalling games: a sender with private types sends a message, a receiver who sees only the message acts.

A (finite) signalling game is :math:`\Gamma = (T, p, M, A, u_S, u_R)`: nature draws the sender's type
:math:`t \in T` with prior probability :math:`p(t)`; the sender, knowing :math:`t`, sends a message
:math:`m \in M`; the receiver sees :math:`m` (not :math:`t`) and chooses an action :math:`a \in A`.
Payoffs are :math:`u_S(t, m, a)` and :math:`u_R(t, m, a)`. Here the prior and every payoff are sympy
expressions in the model's parameters, so belief thresholds come out as formulas
(docs/models.md#signalling-and-perfect-bayesian-equilibrium, docs/format.md#signalling-games).

A pure strategy of the sender maps types to messages, :math:`\sigma : T \to M`; one of the receiver maps
messages to actions, :math:`\rho : M \to A`. :meth:`SignallingGame.normal_form` is the ex-ante game between
them, with the expected payoffs :math:`U_S(\sigma, \rho) = \sum_t p(t)\, u_S(t, \sigma(t), \rho(\sigma(t)))`
and :math:`U_R` likewise (its Nash equilibria include every perfect Bayesian equilibrium's strategies).

>>> g = SignallingGame.build("S", ["weak", "strong"], ["beer", "quiche"], "R", ["duel", "not"],
...     {"weak": "q", "strong": "1 - q"},
...     {(t, m, a): (int(a == "not") * 2 + int((t, m) in {("weak", "quiche"), ("strong", "beer")}),
...                  int((t == "weak") == (a == "duel"))) for t in ["weak", "strong"]
...                  for m in ["beer", "quiche"] for a in ["duel", "not"]},
...     parameters={"q": (0.1, 0, 1)})
>>> g.actors, g.payoff("S", "strong", "beer", "not")
(('S', 'R'), 3)
>>> g.normal_form().shape
(4, 4)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import ClassVar, TypeAlias

import sympy

from bargaining.budget import check_count
from bargaining.errors import GameError, ScenarioError
from bargaining.expressions import allowed_parameters, as_expression, check_finite_real
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import TreeGame
from bargaining.parameters import (
    GameKind,
    Parameterised,
    ParametersLike,
    ParameterSpace,
    check_identifier,
    default_values,
    parsing_names,
)

__all__ = ["MAX_PROFILES", "SignallingGame", "Triple"]

ExprLike: TypeAlias = str | float | int | sympy.Expr
Triple: TypeAlias = tuple[str, str, str]
MAX_PROFILES = 200_000
"""Pure strategy profiles :math:`|M|^{|T|}\\,|A|^{|M|}` enumerated at the default budget (docs/format.md#budgets)."""


def _labels(items: Sequence[str], where: str, what: str) -> tuple[str, ...]:
    out = tuple(items)
    if not out:
        raise GameError(f"at least one {what}", found="none", field=where)
    for k, s in enumerate(out):
        check_identifier(s, f"{where}[{k}]")
    if len(set(out)) != len(out):
        dup = next(s for s in out if out.count(s) > 1)
        raise GameError(f"unique {what}s", found=f"{dup!r} twice", field=where)
    return out


@dataclass(frozen=True)
class SignallingGame(Parameterised):
    """A sender-receiver game with a prior over the sender's types and symbolic payoffs.

    ``prior[k]`` is the probability of ``types[k]``; ``sender_payoffs`` and ``receiver_payoffs`` are
    indexed ``[type][message][action]``. Build one with :meth:`build`; the constructor checks labels,
    that every entry is a sympy expression and that the prior sums to 1 identically.
    """

    sender: str
    receiver: str
    types: tuple[str, ...]
    messages: tuple[str, ...]
    actions: tuple[str, ...]
    prior: tuple[sympy.Expr, ...]
    sender_payoffs: tuple[tuple[tuple[sympy.Expr, ...], ...], ...]
    receiver_payoffs: tuple[tuple[tuple[sympy.Expr, ...], ...], ...]
    parameters: ParameterSpace = field(default_factory=ParameterSpace)
    kind: ClassVar[GameKind] = "signalling"

    def __post_init__(self) -> None:
        check_identifier(self.sender, "sender.id")
        check_identifier(self.receiver, "receiver.id")
        if self.sender == self.receiver:
            raise GameError(
                "different ids for the sender and the receiver", found=repr(self.sender), field="receiver.id"
            )
        _labels(self.types, "sender.types", "type")
        _labels(self.messages, "sender.messages", "message")
        _labels(self.actions, "receiver.actions", "action")
        shape = (len(self.types), len(self.messages), len(self.actions))
        if len(self.prior) != shape[0]:
            raise GameError("one prior probability per type", found=f"{len(self.prior)}", field="prior")
        for name, table in (("sender", self.sender_payoffs), ("receiver", self.receiver_payoffs)):
            ok = len(table) == shape[0] and all(
                len(row) == shape[1] and all(len(cell) == shape[2] for cell in row) for row in table
            )
            if not ok:
                raise GameError(
                    f"a {name} payoff for every (type, message, action)", found="a mismatch", field="payoffs"
                )
            for row in table:
                for cell in row:
                    for e in cell:
                        if not isinstance(e, sympy.Expr):
                            raise GameError("a sympy expression", found=type(e).__name__, field="payoffs")
        for t, p in zip(self.types, self.prior, strict=True):
            if not isinstance(p, sympy.Expr):
                raise GameError("a sympy expression", found=type(p).__name__, field=f"prior.{t}")
        total = sympy.simplify(sympy.Add(*self.prior) - 1)
        if total != 0:
            raise GameError(
                "prior probabilities that sum to 1 for every parameter value",
                found=f"a sum of {total + 1}",
                field="prior",
            )
        self._complete_parameters()

    @classmethod
    def build(
        cls,
        sender: str,
        types: Sequence[str],
        messages: Sequence[str],
        receiver: str,
        actions: Sequence[str],
        prior: Mapping[str, ExprLike],
        payoffs: Mapping[Triple, Sequence[ExprLike] | Mapping[str, ExprLike]],
        *,
        parameters: ParametersLike = None,
        values: Mapping[str, float] | None = None,
    ) -> SignallingGame:
        """A checked game from plain mappings: ``prior`` type -> probability, ``payoffs``
        (type, message, action) -> (sender's, receiver's) payoff (or a mapping actor id -> payoff),
        every triple exactly once. At ``values`` (by default the defaults ``parameters`` gives, if any)
        every payoff must be a finite real number and every prior probability one in [0, 1]."""
        ts = _labels(types, "sender.types", "type")
        ms = _labels(messages, "sender.messages", "message")
        acts = _labels(actions, "receiver.actions", "action")
        params = allowed_parameters(parsing_names(parameters))
        at = values if values is not None else default_values(parameters)

        def expr(value: object, where: str) -> sympy.Expr:
            if isinstance(value, bool) or not isinstance(value, str | int | float | sympy.Expr):
                raise GameError("an expression string or a number", found=type(value).__name__, field=where)
            try:
                e = as_expression(value, parameters=params)
                if at is not None:
                    check_finite_real(e, at)
            except ScenarioError as err:
                raise err.located(field=where) from None
            return e

        extra = sorted(set(prior) - set(ts))
        if extra:
            raise GameError(f"a type among {', '.join(ts)}", found=repr(extra[0]), field=f"prior.{extra[0]}")
        probs = []
        for t in ts:
            if t not in prior:
                raise GameError("a prior probability for every type", found="none", field=f"prior.{t}")
            p = expr(prior[t], f"prior.{t}")
            if at is not None:
                v = float(check_finite_real(p, at))
                if not -1e-12 <= v <= 1 + 1e-12:
                    raise GameError(
                        "a probability in [0, 1] at the default values", found=f"{p} = {v:g}", field=f"prior.{t}"
                    )
            probs.append(p)
        cells: dict[Triple, tuple[sympy.Expr, sympy.Expr]] = {}
        for k, (triple, pay) in enumerate(payoffs.items()):
            where = f"payoffs[{k}]"
            if not isinstance(triple, tuple) or len(triple) != 3:
                raise GameError("a (type, message, action) triple", found=repr(triple), field=where)
            t, m, a = triple
            for label, known, what in ((t, ts, "type"), (m, ms, "message"), (a, acts, "action")):
                if label not in known:
                    raise GameError(f"a {what} among {', '.join(known)}", found=repr(label), field=f"{where}.{what}")
            if isinstance(pay, Mapping):
                unknown = sorted(set(pay) - {sender, receiver})
                if unknown:
                    raise GameError(f"payoffs for {sender} and {receiver}", found=repr(unknown[0]), field=where)
                missing = [x for x in (sender, receiver) if x not in pay]
                if missing:
                    raise GameError(f"a payoff for {missing[0]}", found="none", field=f"{where}.{missing[0]}")
                pair = (pay[sender], pay[receiver])
            else:
                if isinstance(pay, str) or len(pay) != 2:
                    raise GameError("two payoffs, the sender's and the receiver's", found=repr(pay)[:40], field=where)
                pair = (pay[0], pay[1])
            cells[(t, m, a)] = (expr(pair[0], f"{where}.{sender}"), expr(pair[1], f"{where}.{receiver}"))
        total = len(ts) * len(ms) * len(acts)
        if len(cells) != total:
            missing_triple = next(x for x in product(ts, ms, acts) if x not in cells)
            raise GameError(
                f"every one of the {total} (type, message, action) triples once",
                found=f"no entry for {missing_triple}",
                field="payoffs",
            )
        us = tuple(tuple(tuple(cells[(t, m, a)][0] for a in acts) for m in ms) for t in ts)
        ur = tuple(tuple(tuple(cells[(t, m, a)][1] for a in acts) for m in ms) for t in ts)
        return cls(sender, receiver, ts, ms, acts, tuple(probs), us, ur, ParameterSpace.of(parameters))

    # -- structure ----------------------------------------------------------------------------

    @property
    def actors(self) -> tuple[str, str]:
        """The sender's and the receiver's ids."""
        return (self.sender, self.receiver)

    def parameter_symbols(self) -> set[sympy.Symbol]:
        """The parameters the prior and the payoffs depend on."""
        found: set[sympy.Symbol] = set()
        exprs = list(self.prior)
        for table in (self.sender_payoffs, self.receiver_payoffs):
            exprs += [e for row in table for cell in row for e in cell]
        for e in exprs:
            found |= {s for s in e.free_symbols if isinstance(s, sympy.Symbol)}
        return found

    def payoff(self, actor: str, type_: str, message: str, action: str) -> sympy.Expr:
        """``actor``'s payoff (the sender's or the receiver's) at (type, message, action)."""
        if actor not in self.actors:
            raise GameError(f"{self.sender} or {self.receiver}", found=repr(actor), field="actor")
        table = self.sender_payoffs if actor == self.sender else self.receiver_payoffs
        for label, known, what in (
            (type_, self.types, "type"),
            (message, self.messages, "message"),
            (action, self.actions, "action"),
        ):
            if label not in known:
                raise GameError(f"a {what} among {', '.join(known)}", found=repr(label), field=what)
        return table[self.types.index(type_)][self.messages.index(message)][self.actions.index(action)]

    def profile_count(self) -> int:
        """The number of pure strategy profiles, :math:`|M|^{|T|}\\,|A|^{|M|}`."""
        return int(len(self.messages) ** len(self.types) * len(self.actions) ** len(self.messages))

    def sender_strategies(self) -> list[tuple[str, ...]]:
        """Every pure sender strategy: a message per type, in the order of ``types``."""
        return list(product(self.messages, repeat=len(self.types)))

    def receiver_strategies(self) -> list[tuple[str, ...]]:
        """Every pure receiver strategy: an action per message, in the order of ``messages``."""
        return list(product(self.actions, repeat=len(self.messages)))

    @staticmethod
    def strategy_label(choices: Sequence[str]) -> str:
        """A strategy's name in :meth:`normal_form`: its choices joined by ``__`` (in the order of the
        types for the sender, of the messages for the receiver).

        >>> SignallingGame.strategy_label(("beer", "quiche"))
        'beer__quiche'
        """
        return "__".join(choices)

    def normal_form(self, *, budget: float | None = None) -> NormalFormGame:
        """The ex-ante game between sender strategies :math:`\\sigma` and receiver strategies :math:`\\rho`,
        with payoffs :math:`\\sum_t p(t)\\,u(t, \\sigma(t), \\rho(\\sigma(t)))` (formulas in the parameters).
        Strategies are named by :meth:`strategy_label`; the size is checked against the budget first."""
        check_count(
            "a signalling game's ex-ante normal form",
            self.profile_count(),
            MAX_PROFILES,
            budget,
            unit="strategy profiles",
            field="sender.types",
            instead="fewer types, messages or actions",
        )
        senders = self.sender_strategies()
        receivers = self.receiver_strategies()
        table: dict[tuple[str, ...], tuple[sympy.Expr, sympy.Expr]] = {}
        for sigma in senders:
            for rho in receivers:
                us: list[sympy.Expr] = []
                ur: list[sympy.Expr] = []
                for k, p in enumerate(self.prior):
                    j = self.messages.index(sigma[k])
                    a = self.actions.index(rho[j])
                    us.append(p * self.sender_payoffs[k][j][a])
                    ur.append(p * self.receiver_payoffs[k][j][a])
                table[(self.strategy_label(sigma), self.strategy_label(rho))] = (
                    sympy.expand(sympy.Add(*us)),
                    sympy.expand(sympy.Add(*ur)),
                )
        return NormalFormGame.from_table(
            {
                self.sender: [self.strategy_label(s) for s in senders],
                self.receiver: [self.strategy_label(r) for r in receivers],
            },
            table,
            parameters=list(self.parameters.names),
        ).with_parameters(self.parameters)

    def tree(self) -> TreeGame:
        """The same game as a tree with information sets: a chance node ``nature`` draws the type
        with the prior; the sender moves at ``type_T`` (one node per type, each its own set); the
        receiver moves at ``after_T_M``, the nodes after message ``M`` forming the information set
        ``after_M`` (it sees the message, not the type); outcome ``z_T_M_A`` pays both.

        >>> g = SignallingGame.build("S", ["a", "b"], ["x", "y"], "R", ["u", "v"], {"a": "p", "b": "1 - p"},
        ...     {(t, m, a): (1, 0) for t in "ab" for m in "xy" for a in "uv"}, parameters={"p": (0.5, 0, 1)})
        >>> g.tree().information_sets("R")["after_x"]
        ('after_a_x', 'after_b_x')
        """
        nodes: dict[str, dict[str, object]] = {
            "nature": {
                "moves": {t: f"type_{t}" for t in self.types},
                "probabilities": dict(zip(self.types, self.prior, strict=True)),
            }
        }
        outcomes: dict[str, dict[str, sympy.Expr]] = {}
        for i, t in enumerate(self.types):
            nodes[f"type_{t}"] = {"actor": self.sender, "moves": {m: f"after_{t}_{m}" for m in self.messages}}
            for j, m in enumerate(self.messages):
                nodes[f"after_{t}_{m}"] = {
                    "actor": self.receiver,
                    "moves": {a: f"z_{t}_{m}_{a}" for a in self.actions},
                    "info": f"after_{m}",
                }
                for k, a in enumerate(self.actions):
                    outcomes[f"z_{t}_{m}_{a}"] = {
                        self.sender: self.sender_payoffs[i][j][k],
                        self.receiver: self.receiver_payoffs[i][j][k],
                    }
        return TreeGame.build(
            list(self.actors), "nature", nodes, outcomes, parameters=list(self.parameters.names)
        ).with_parameters(self.parameters)

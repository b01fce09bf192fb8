r"""Two-level games (Putnam 1988): a level-I offer that each side's domestic ratifiers must accept.

Two negotiators agree on an offer :math:`v` in an offer space :math:`[\underline v, \overline v]`
(by default :math:`[0, 1]`, the level of visa facilitation of docs/models.md#the-offer-game). The
level-I payoffs :math:`U_1(v), U_2(v)` are expressions in :math:`v` and the parameters, **affine in
v** (so the payoff image of an interval of offers is a segment and every bound below is a formula);
without agreement each side gets its disagreement value :math:`d_i`.

At level II each side has ratifiers. A ratifier accepts an interval of offers, given by any of

- ``max_offer = e``: it accepts :math:`v \le e` (an EU bloc with its cap :math:`\bar v_i`);
- ``min_offer = e``: it accepts :math:`v \ge e`;
- ``min_payoff = e``: it accepts :math:`U_{side}(v) \ge e` (the Duma demanding :math:`U_R \ge d_R^{II}`),
  which is a bound on :math:`v` because :math:`U_{side}` is affine.

A side's rule says how many of its ratifiers must accept: ``"unanimity"`` (all), ``"majority"``
(more than half) or an explicit ``quota``. The side's **win set** :math:`W_i` is the set of offers
that its ratifiers accept under its rule and that its negotiator prefers to no agreement
(:math:`U_i(v) \ge d_i`); the **zone of agreement** is :math:`W_1 \cap W_2`, and there is an
agreement exactly when it is non-empty (docs/models.md#two-level-games).
:func:`bargaining.analysis.two_level.ratify` computes the win sets and the Nash bargaining outcome.

>>> g = TwoLevelGame.build(
...     ["EU", "RU"],
...     payoffs={"EU": "3.687 - 4*v", "RU": "10*v - 4.4366"},
...     disagreement={"EU": 0, "RU": 0.5},
...     ratifiers=[{"side": "EU", "id": "bloc_a", "max_offer": "cap_a"},
...                {"side": "EU", "id": "bloc_b", "max_offer": 0.5}],
...     parameters={"cap_a": (0.8, 0.0, 1.0)})
>>> g.kind, g.rules, [r.id for r in g.ratifiers_of("EU")]
('two_level', ('unanimity', 'unanimity'), ['bloc_a', 'bloc_b'])
>>> g.payoff_line("RU")
(-22183/5000, 10)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

import sympy

from bargaining.errors import GameError
from bargaining.expressions import (
    allowed_parameters,
    check_finite_real,
    field_expression,
    parameter_symbol,
)
from bargaining.games.bargain import actor_pair
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

__all__ = ["BOUND_KEYS", "RULES", "Ratifier", "Rule", "TwoLevelGame"]

Rule = Literal["unanimity", "majority"]
RULES: tuple[Rule, ...] = ("unanimity", "majority")
BOUND_KEYS = ("max_offer", "min_offer", "min_payoff")
"""The keys of a ratifier's acceptance constraints (docs/format.md#two-level-games)."""


@dataclass(frozen=True)
class Ratifier:
    """A domestic veto player of ``side``: it accepts the offers meeting every one of its bounds."""

    side: str
    id: str
    name: str = ""
    max_offer: sympy.Expr | None = None
    min_offer: sympy.Expr | None = None
    min_payoff: sympy.Expr | None = None

    def bounds(self) -> dict[str, sympy.Expr]:
        """The ratifier's constraints that are set, key -> expression."""
        return {k: e for k in BOUND_KEYS if (e := getattr(self, k)) is not None}


@dataclass(frozen=True)
class TwoLevelGame(Parameterised):
    """Two negotiators, an offer ``v`` in ``within``, affine level-I payoffs, ratifiers per side and rules.

    ``quotas[i]`` is the number of side i's ratifiers that must accept (None: the rule's own, all
    for unanimity, more than half for majority).
    """

    actors: tuple[str, str]
    payoffs: tuple[sympy.Expr, sympy.Expr]
    disagreement: tuple[sympy.Expr, sympy.Expr]
    ratifiers: tuple[Ratifier, ...] = ()
    rules: tuple[Rule, Rule] = ("unanimity", "unanimity")
    quotas: tuple[int | None, int | None] = (None, None)
    offer: str = "v"
    within: tuple[sympy.Expr, sympy.Expr] = (sympy.Integer(0), sympy.Integer(1))
    parameters: ParameterSpace = field(default_factory=ParameterSpace)
    kind: ClassVar[GameKind] = "two_level"

    def __post_init__(self) -> None:
        self._complete_parameters()

    @property
    def offer_symbol(self) -> sympy.Symbol:
        """The symbol of the offer in the payoffs and bounds."""
        return parameter_symbol(self.offer)

    def ratifiers_of(self, actor: str) -> tuple[Ratifier, ...]:
        """Side ``actor``'s ratifiers, in the order given."""
        return tuple(r for r in self.ratifiers if r.side == actor)

    def quota(self, actor: str) -> int:
        """How many of ``actor``'s ratifiers must accept an offer under its rule."""
        k = self.actors.index(actor)
        n = len(self.ratifiers_of(actor))
        if self.quotas[k] is not None:
            return int(self.quotas[k])  # type: ignore[arg-type]
        return n if self.rules[k] == "unanimity" else n // 2 + 1

    def with_rule(self, actor: str, rule: Rule, quota: int | None = None) -> TwoLevelGame:
        """The same game with side ``actor`` ratifying by ``rule`` (and ``quota``, if given).

        >>> g = TwoLevelGame.build(["A", "B"], payoffs={"A": "1 - v", "B": "v"})
        >>> g.with_rule("A", "majority").rules
        ('majority', 'unanimity')
        """
        if actor not in self.actors:
            raise GameError(f"a side among {', '.join(self.actors)}", found=repr(actor), field="actor")
        if rule not in RULES:
            raise GameError('"unanimity" or "majority"', found=repr(rule), field="rule")
        n = len(self.ratifiers_of(actor))
        if quota is not None and (isinstance(quota, bool) or not isinstance(quota, int) or not 1 <= quota <= max(n, 1)):
            raise GameError(
                f"an integer from 1 to {max(n, 1)} (the side's ratifiers)", found=repr(quota), field="quota"
            )
        k = self.actors.index(actor)
        rules, quotas = list(self.rules), list(self.quotas)
        rules[k], quotas[k] = rule, quota
        return replace(self, rules=(rules[0], rules[1]), quotas=(quotas[0], quotas[1]))

    def without(self, *ids: str) -> TwoLevelGame:
        """The same game without the ratifiers ``ids`` (a side's explicit quota must still fit).

        >>> g = TwoLevelGame.build(["A", "B"], payoffs={"A": "1 - v", "B": "v"},
        ...     ratifiers=[{"side": "A", "id": "r1", "max_offer": 0.5}])
        >>> g.without("r1").ratifiers
        ()
        """
        unknown = [i for i in ids if all(r.id != i for r in self.ratifiers)]
        if unknown:
            known = ", ".join(r.id for r in self.ratifiers) or "none"
            raise GameError(f"a ratifier ({known})", found=repr(unknown[0]), field="without")
        kept = tuple(r for r in self.ratifiers if r.id not in ids)
        for k, a in enumerate(self.actors):
            q = self.quotas[k]
            if q is not None and q > max(1, sum(1 for r in kept if r.side == a)):
                raise GameError(f"at most {q} ratifiers removed from {a}'s quota", found=f"{len(ids)}", field="without")
        return replace(self, ratifiers=kept)

    def payoff_line(self, actor: str) -> tuple[sympy.Expr, sympy.Expr]:
        """``actor``'s level-I payoff as intercept and slope: :math:`U(v) = \\alpha + \\beta v`."""
        u = self.payoffs[self.actors.index(actor)]
        v = self.offer_symbol
        return sympy.expand(u.subs(v, 0)), sympy.expand(sympy.diff(u, v))

    def parameter_symbols(self) -> set[sympy.Symbol]:
        exprs = [*self.payoffs, *self.disagreement, *self.within]
        exprs += [e for r in self.ratifiers for e in r.bounds().values()]
        found: set[sympy.Symbol] = set()
        for e in exprs:
            found |= e.free_symbols
        return found - {self.offer_symbol}

    @classmethod
    def build(
        cls,
        actors: Sequence[str],
        *,
        payoffs: Mapping[str, Any],
        disagreement: Mapping[str, Any] | None = None,
        ratifiers: Sequence[Mapping[str, Any]] = (),
        rules: Mapping[str, str] | None = None,
        quotas: Mapping[str, int] | None = None,
        offer: str = "v",
        within: Sequence[Any] = (0, 1),
        parameters: ParametersLike = None,
        values: Mapping[str, float] | None = None,
    ) -> TwoLevelGame:
        """A checked two-level game from plain mappings, as in a scenario file (docs/format.md#two-level-games).

        Every expression may use the parameters and (payoffs only) the offer ``offer``; the payoffs
        must be affine in the offer; at ``values`` (by default the defaults ``parameters`` gives)
        every expression is a finite real number and ``within`` is an interval.
        """
        names = tuple(actors)
        if len(names) != 2:
            raise GameError("exactly two actors", found=f"{len(names)}", field="actors")
        for k, a in enumerate(names):
            check_identifier(a, f"actors[{k}].id")
        check_identifier(offer, "offer")
        declared = parsing_names(parameters)
        if declared is not None and offer in declared:
            raise GameError("an offer name that is not a parameter", found=repr(offer), field="offer")
        params = allowed_parameters(declared)
        with_offer = allowed_parameters([*declared, offer]) if declared is not None else params
        v = parameter_symbol(offer)

        def expr(value: object, where: str, *, offer_allowed: bool = False) -> sympy.Expr:
            e = field_expression(value, where, with_offer if offer_allowed else params)
            if not offer_allowed and v in e.free_symbols:
                raise GameError(f"an expression without the offer {offer}", found=str(e), field=where)
            return e

        def per_actor(table: object, where: str, *, offer_allowed: bool = False) -> tuple[sympy.Expr, sympy.Expr]:
            return actor_pair(
                table, names, where, lambda value, at: expr(value, at, offer_allowed=offer_allowed), what="expression"
            )

        pays = per_actor(payoffs, "payoffs", offer_allowed=True)
        for a, u in zip(names, pays, strict=True):
            if sympy.simplify(sympy.diff(u, v, 2)) != 0:
                raise GameError(f"a payoff affine in the offer {offer}", found=str(u), field=f"payoffs.{a}")
        d = per_actor(disagreement if disagreement is not None else dict.fromkeys(names, 0), "disagreement")
        if not isinstance(within, Sequence) or isinstance(within, str) or len(within) != 2:
            raise GameError("two bounds [low, high]", found=repr(within), field="within")
        span = (expr(within[0], "within[0]"), expr(within[1], "within[1]"))
        built: list[Ratifier] = []
        for k, spec in enumerate(ratifiers):
            where = f"ratifiers[{k}]"
            if not isinstance(spec, Mapping):
                raise GameError("a table", found=type(spec).__name__, field=where)
            extra_keys = sorted(set(spec) - {"side", "id", "name", *BOUND_KEYS})
            if extra_keys:
                raise GameError(
                    "the keys side, id, name, " + ", ".join(BOUND_KEYS),
                    found=repr(extra_keys[0]),
                    field=f"{where}.{extra_keys[0]}",
                )
            side = spec.get("side")
            if side not in names:
                raise GameError(f"a side among {', '.join(names)}", found=repr(side), field=f"{where}.side")
            rid = spec.get("id")
            check_identifier(rid, f"{where}.id")
            if any(r.id == rid for r in built):
                raise GameError("a unique ratifier id", found=f"{rid!r} again", field=f"{where}.id")
            bounds = {key: expr(spec[key], f"{where}.{key}") for key in BOUND_KEYS if key in spec}
            if not bounds:
                raise GameError("at least one of " + ", ".join(BOUND_KEYS), found="none", field=where)
            built.append(Ratifier(str(side), str(rid), str(spec.get("name", rid)), **bounds))
        rule_list: list[Rule] = []
        for a in names:
            rule = (rules or {}).get(a, "unanimity")
            if rule not in RULES:
                raise GameError('"unanimity" or "majority"', found=repr(rule), field=f"rules.{a}")
            rule_list.append(rule)
        extra_rules = [a for a in (rules or {}) if a not in names]
        if extra_rules:
            raise GameError(f"an actor among {', '.join(names)}", found=repr(extra_rules[0]), field="rules")
        quota_list: list[int | None] = []
        for a in names:
            q = (quotas or {}).get(a)
            n = sum(1 for r in built if r.side == a)
            if q is not None and (isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= max(n, 1)):
                raise GameError(
                    f"an integer from 1 to {max(n, 1)} (the side's ratifiers)", found=repr(q), field=f"quota.{a}"
                )
            quota_list.append(q)
        extra_quotas = [a for a in (quotas or {}) if a not in names]
        if extra_quotas:
            raise GameError(f"an actor among {', '.join(names)}", found=repr(extra_quotas[0]), field="quota")
        game = cls(
            names,
            pays,
            d,
            tuple(built),
            (rule_list[0], rule_list[1]),
            (quota_list[0], quota_list[1]),
            offer,
            span,
            ParameterSpace.of(parameters),
        )
        at = values if values is not None else default_values(parameters)
        if at is not None:
            game.check_values(at)
        return game

    def check_values(self, values: Mapping[str, float]) -> None:
        """Every expression a finite real number at ``values`` and ``within`` a non-empty interval."""
        at = dict(values)
        for s in self.parameter_symbols():
            at.setdefault(s.name, DEFAULT_VALUE)
        for a in self.actors:
            for e in self.payoff_line(a):
                check_finite_real(e, at, field=f"payoffs.{a}")
        for a, e in zip(self.actors, self.disagreement, strict=True):
            check_finite_real(e, at, field=f"disagreement.{a}")
        low = float(check_finite_real(self.within[0], at, field="within[0]"))
        high = float(check_finite_real(self.within[1], at, field="within[1]"))
        if low > high:
            raise GameError("within = [low, high] with low <= high", found=f"[{low:g}, {high:g}]", field="within")
        for k, r in enumerate(self.ratifiers):
            for key, e in r.bounds().items():
                check_finite_real(e, at, field=f"ratifiers[{k}].{key}")

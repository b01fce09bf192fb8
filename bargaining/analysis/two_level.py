r"""Two-level games: win sets, the zone of agreement and the negotiated outcome (Putnam 1988).

For a :class:`~bargaining.games.two_level.TwoLevelGame` at given parameter values:

- each ratifier accepts an interval of offers (its bounds; a ``min_payoff`` bound
  :math:`\alpha + \beta v \ge e` is :math:`v \ge (e - \alpha)/\beta` when :math:`\beta > 0`, and
  :math:`v \le (e-\alpha)/\beta` when :math:`\beta < 0`);
- side i's **win set** :math:`W_i` is the set of offers accepted by at least :math:`q_i` of its
  ratifiers (its quota: all under unanimity, more than half under majority) and by its negotiator
  (:math:`U_i(v) \ge d_i`). Under unanimity with caps it is :math:`[0, \min_j \bar v_j]`; under
  majority with three caps, :math:`[0, \text{median cap}]`. In general it is a union of closed
  intervals, each endpoint a ratifier's bound: the **formula** reported for an endpoint is that
  bound's expression in the parameters (valid while the same bound binds);
- the **zone of agreement** is :math:`W_1 \cap W_2`: an agreement exists exactly when it is non-empty;
- the **outcome** is the Nash bargaining solution over the payoff image of the zone (lotteries
  allowed), with disagreement point :math:`d`. The payoffs are affine in the offer, so the image of
  an interval of offers is the segment between its endpoints' payoffs, and the problem is the
  package deal whose packages are the zone's endpoints: it is solved by
  :func:`bargaining.analysis.deal.bargain` (the toolkit's one Nash solution, exact formulas included).

:func:`ratification_threshold` solves for the parameter value at which the zone closes (the width
``high - low`` of the intersection of the win sets is 0), exactly with sympy.

>>> from bargaining.io.scenario_file import load
>>> r = ratify(load("eu_russia_ratification"))
>>> r.agreement, round(r.offer, 4), [round(u, 4) for u in r.payoffs]
(True, 0.5, [1.687, 0.5634])
>>> t = ratification_threshold(load("eu_russia_ratification"), "T", {"cap_c": 0.45})
>>> round(t.value, 3), t.agreement_when
(4.116, 'above')
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import sympy

from bargaining.analysis.deadline import too_large
from bargaining.analysis.deal import bargain
from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.analysis.statics import ComparativeStatics, comparative_statics
from bargaining.errors import ScenarioError
from bargaining.expressions import check_finite_real, parameter_symbol
from bargaining.games.bargain import BargainingProblem, Issue
from bargaining.games.two_level import Ratifier, TwoLevelGame
from bargaining.kernels.axiomatic import Solution
from bargaining.scenario import Scenario

__all__ = [
    "Bound",
    "Interval",
    "Ratification",
    "RatificationThreshold",
    "WinSet",
    "acceptance",
    "ratification_threshold",
    "ratify",
    "win_set",
]

TOL = 1e-12


@dataclass(frozen=True)
class Bound:
    """An endpoint of an interval of offers: its value, its formula and the constraints that set it."""

    value: float
    formula: sympy.Expr
    by: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"value": clean_number(self.value), "formula": str(self.formula), "by": list(self.by)}


@dataclass(frozen=True)
class Interval:
    """A closed interval of offers :math:`[low, high]`."""

    low: Bound
    high: Bound

    def __contains__(self, v: object) -> bool:
        return isinstance(v, int | float) and self.low.value - TOL <= float(v) <= self.high.value + TOL

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low.to_dict(), "high": self.high.to_dict()}


@dataclass(frozen=True)
class WinSet:
    """Side ``actor``'s win set: the offers its ratifiers (``quota`` of them) and negotiator accept."""

    actor: str
    rule: str
    quota: int
    intervals: tuple[Interval, ...]
    accepts: Mapping[str, Interval | None]  # each ratifier's own acceptance interval (None: empty)

    @property
    def empty(self) -> bool:
        return not self.intervals

    def __contains__(self, v: object) -> bool:
        return any(v in i for i in self.intervals)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "quota": self.quota,
            "intervals": [i.to_dict() for i in self.intervals],
            "ratifiers": {k: (i.to_dict() if i is not None else None) for k, i in self.accepts.items()},
        }


def _game(model: Scenario | TwoLevelGame, values: Mapping[str, float] | None) -> tuple[TwoLevelGame, dict[str, float]]:
    scenario = Scenario.of(model)
    if not isinstance(scenario.game, TwoLevelGame):
        raise ScenarioError('a two-level game (game = "two_level")', found=f"a {scenario.kind} game", field="model")
    vals = scenario.values(values)
    scenario.game.check_values(vals)
    return scenario.game, vals


def _num(expr: sympy.Expr, values: Mapping[str, float], where: str) -> float:
    return float(check_finite_real(expr, values, field=where, where="at these values"))


def _pick(bounds: Sequence[Bound], largest: bool) -> Bound:
    """The largest (or smallest) bound, its ``by`` joining every bound tied with it."""
    best = max(bounds, key=lambda b: b.value) if largest else min(bounds, key=lambda b: b.value)
    scale = 1.0 + abs(best.value)
    tied = tuple(dict.fromkeys(n for b in bounds if abs(b.value - best.value) <= TOL * scale for n in b.by))
    return Bound(best.value, best.formula, tied)


@functools.lru_cache(maxsize=512)
def _cut(demand: sympy.Expr, alpha: sympy.Expr, beta: sympy.Expr) -> sympy.Expr:
    """The offer at which the payoff line :math:`\\alpha + \\beta v` meets ``demand``: :math:`(e - \\alpha)/\\beta`,
    simplified (value-independent: kept for the expressions, not found again at every call)."""
    return sympy.simplify((demand - alpha) / beta)


def acceptance(
    game: TwoLevelGame, ratifier: Ratifier | None, values: Mapping[str, float], *, actor: str | None = None
) -> Interval | None:
    """The offers ``ratifier`` accepts (or, with ``ratifier=None``, ``actor``'s negotiator: U >= d), or None.

    >>> from bargaining.io.scenario_file import load
    >>> s = load("eu_russia_ratification")
    >>> i = acceptance(s.game, s.game.ratifiers[2], s.values())
    >>> i.high.formula, i.high.value
    (cap_c, 0.5)
    """
    side = ratifier.side if ratifier is not None else actor
    if side not in game.actors:
        raise ScenarioError(f"a side among {', '.join(game.actors)}", found=repr(side), field="actor")
    name = ratifier.id if ratifier is not None else f"{side} negotiator"
    where = f"ratifiers.{name}" if ratifier is not None else f"disagreement.{side}"
    lows = [Bound(_num(game.within[0], values, "within[0]"), game.within[0], ("offer space",))]
    highs = [Bound(_num(game.within[1], values, "within[1]"), game.within[1], ("offer space",))]
    if ratifier is not None:
        if ratifier.max_offer is not None:
            highs.append(Bound(_num(ratifier.max_offer, values, where), ratifier.max_offer, (name,)))
        if ratifier.min_offer is not None:
            lows.append(Bound(_num(ratifier.min_offer, values, where), ratifier.min_offer, (name,)))
        demand = ratifier.min_payoff
    else:
        demand = game.disagreement[game.actors.index(side)]
    if demand is not None:
        alpha, beta = game.payoff_line(side)
        slope = _num(beta, values, f"payoffs.{side}")
        if abs(slope) <= TOL:
            if _num(alpha, values, f"payoffs.{side}") < _num(demand, values, where) - TOL:
                return None  # a constant payoff below the demand: nothing is accepted
        else:
            cut = _cut(demand, alpha, beta)
            (lows if slope > 0 else highs).append(Bound(_num(cut, values, where), cut, (name,)))
    low, high = _pick(lows, largest=True), _pick(highs, largest=False)
    if low.value > high.value + TOL * (1 + abs(high.value)):
        return None
    return Interval(low, high)


def _intersect(a: Sequence[Interval], b: Sequence[Interval]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    for x in a:
        for y in b:
            low, high = _pick([x.low, y.low], largest=True), _pick([x.high, y.high], largest=False)
            if low.value <= high.value + TOL * (1 + abs(high.value)):
                out.append(Interval(low, high))
    return tuple(sorted(out, key=lambda i: i.low.value))


def _quota_set(intervals: Sequence[Interval], quota: int) -> tuple[Interval, ...]:
    """The offers in at least ``quota`` of ``intervals``: a union of closed intervals, by a sweep."""
    ends = sorted({b.value for i in intervals for b in (i.low, i.high)})

    def count(v: float) -> int:
        return sum(1 for i in intervals if i.low.value - TOL <= v <= i.high.value + TOL)

    out: list[Interval] = []
    start: float | None = None
    for k, x in enumerate(ends):
        at = count(x) >= quota
        after = k + 1 < len(ends) and count((x + ends[k + 1]) / 2) >= quota
        if at and start is None:
            start = x
        if at and not after and start is not None:
            lows = [i.low for i in intervals if abs(i.low.value - start) <= TOL * (1 + abs(start))]
            highs = [i.high for i in intervals if abs(i.high.value - x) <= TOL * (1 + abs(x))]
            out.append(Interval(_pick(lows, largest=True), _pick(highs, largest=False)))
            start = None
    return tuple(out)


def win_set(model: Scenario | TwoLevelGame, actor: str, values: Mapping[str, float] | None = None) -> WinSet:
    """Side ``actor``'s win set at ``values``: offers accepted by its quota of ratifiers and its negotiator.

    >>> from bargaining.io.scenario_file import load
    >>> w = win_set(load("eu_russia_ratification"), "EU")
    >>> [(i.low.value, i.high.value) for i in w.intervals], w.intervals[0].high.by
    ([(0.0, 0.5)], ('bloc_c',))
    >>> w = win_set(load("eu_russia_ratification").game.with_rule("EU", "majority"), "EU")
    >>> w.rule, w.quota, [(i.low.value, i.high.value) for i in w.intervals]
    ('majority', 2, [(0.0, 0.6)])
    """
    game, vals = _game(model, values)
    if actor not in game.actors:
        raise ScenarioError(f"a side among {', '.join(game.actors)}", found=repr(actor), field="actor")
    ratifiers = game.ratifiers_of(actor)
    accepts = {r.id: acceptance(game, r, vals) for r in ratifiers}
    quota = game.quota(actor)
    level2 = _quota_set([i for i in accepts.values() if i is not None], quota) if ratifiers else (_whole(game, vals),)
    own = acceptance(game, None, vals, actor=actor)
    intervals = _intersect(level2, [own]) if own is not None else ()
    return WinSet(actor, game.rules[game.actors.index(actor)], quota, intervals, accepts)


def _whole(game: TwoLevelGame, vals: Mapping[str, float]) -> Interval:
    return Interval(
        Bound(_num(game.within[0], vals, "within[0]"), game.within[0], ("offer space",)),
        Bound(_num(game.within[1], vals, "within[1]"), game.within[1], ("offer space",)),
    )


@dataclass(frozen=True, eq=False)
class Ratification(Result):
    """Win sets, the zone of agreement and the Nash bargaining outcome of a two-level game.

    ``offer`` is the negotiated offer (None without agreement, or when the Nash point is a lottery
    over offers in different parts of the zone: then ``lottery`` lists them); ``payoffs`` the
    outcome's payoffs (the disagreement point without agreement); ``offer_formula`` and
    ``payoff_formulas`` their formulas in the parameters where known.
    """

    game: TwoLevelGame
    win_sets: tuple[WinSet, WinSet]
    zone: tuple[Interval, ...]
    agreement: bool
    offer: float | None
    payoffs: tuple[float, float]
    disagreement: tuple[float, float]
    lottery: tuple[tuple[float, float], ...] = ()
    offer_formula: sympy.Expr | None = None
    payoff_formulas: tuple[sympy.Expr, sympy.Expr] | None = None
    method: str = "win sets by interval arithmetic on the ratifiers' bounds; Nash bargaining solution (deal.bargain)"
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def win(self, actor: str) -> WinSet:
        """Side ``actor``'s win set."""
        return self.win_sets[self.game.actors.index(actor)]

    def payoff(self, actor: str) -> float:
        """``actor``'s payoff in the outcome."""
        return self.payoffs[self.game.actors.index(actor)]

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``win_sets``, ``zone``, ``agreement``, ``offer``, ``payoff``."""
        actors = self.game.actors
        out: dict[str, Any] = {
            "game": "two_level",
            "win_sets": {w.actor: w.to_dict() for w in self.win_sets},
            "zone": [i.to_dict() for i in self.zone],
            "agreement": self.agreement,
            "offer": None if self.offer is None else clean_number(self.offer),
            "payoff": {a: clean_number(u) for a, u in zip(actors, self.payoffs, strict=True)},
            "disagreement": {a: clean_number(u) for a, u in zip(actors, self.disagreement, strict=True)},
            "lottery": [{"offer": clean_number(v), "weight": clean_number(w)} for v, w in self.lottery],
        }
        if self.offer_formula is not None:
            out["exact_offer"] = str(self.offer_formula)
        if self.payoff_formulas is not None:
            out["exact_payoff"] = {a: str(e) for a, e in zip(actors, self.payoff_formulas, strict=True)}
        out["parameters"] = {k: clean_number(v) for k, v in self.values.items()}
        out["method"] = self.method
        out["notes"] = list(self.notes)
        return out


def ratify(
    model: Scenario | TwoLevelGame,
    values: Mapping[str, float] | None = None,
    *,
    exact: bool = True,
    budget: float | None = None,
) -> Ratification:
    """The win sets, zone of agreement and negotiated outcome of a two-level game at ``values``.

    The outcome is the symmetric Nash bargaining solution over the payoff image of the zone, found
    by :func:`bargaining.analysis.deal.bargain` on the package deal whose packages are the zone's
    endpoints (``exact`` asks for its formulas, under ``budget``'s deadline).
    """
    game, vals = _game(model, values)
    wins = (win_set(game, game.actors[0], vals), win_set(game, game.actors[1], vals))
    zone = _intersect(wins[0].intervals, wins[1].intervals)
    d = tuple(_num(e, vals, f"disagreement.{a}") for a, e in zip(game.actors, game.disagreement, strict=True))
    disagreement = (d[0], d[1])
    if not zone:
        why = [f"{w.actor}'s win set is empty" for w in wins if w.empty]
        if not why:
            lows = sorted((w.intervals[0].low.value, w.actor) for w in wins)
            why = [
                "the win sets do not intersect ("
                + "; ".join(f"W_{w.actor} = {_text(w.intervals)}" for w in wins)
                + f"): {lows[-1][1]} asks for more than the other side ratifies"
            ]
        return Ratification(game, wins, zone, False, None, disagreement, disagreement, values=vals, notes=tuple(why))
    ends: list[tuple[str, Bound]] = []
    for j, i in enumerate(zone):
        suffix = f"_{j + 1}" if len(zone) > 1 else ""
        ends.append((f"low{suffix}", i.low))
        if i.high.value > i.low.value + TOL * (1 + abs(i.low.value)):
            ends.append((f"high{suffix}", i.high))
    v = game.offer_symbol
    utilities = tuple(tuple(sympy.expand(u.subs(v, b.formula)) for u in game.payoffs) for _, b in ends)
    problem = BargainingProblem(
        game.actors,
        (Issue("offer", "offer", tuple(n for n, _ in ends), utilities),),
        (),
        game.disagreement,
        parameters=game.parameters,
    )
    deal = bargain(problem, vals, exact=False, budget=budget)
    nash = deal.solutions["nash"]
    lottery = tuple((ends[k][1].value, float(w)) for k, w in nash.lottery)
    component = {k: next(j for j, i in enumerate(zone) if ends[k][1].value in i) for k, _ in nash.lottery}
    notes: list[str] = []
    offer: float | None
    if len(set(component.values())) == 1:
        offer = float(sum(x * w for x, w in lottery))
    else:
        offer = None
        notes.append("The Nash point is a lottery over offers in different parts of the zone: see the lottery.")
    formulas = _nash_formulas(problem, nash, vals, budget) if exact else None
    offer_formula: sympy.Expr | None = None
    if len(nash.lottery) == 1:
        offer_formula = ends[nash.lottery[0][0]][1].formula
    elif formulas is not None and offer is not None:
        offer_formula = _offer_formula(game, formulas, vals, offer)
    if exact and formulas is None:
        notes.append("No exact formula for the Nash point (see bargain's notes); the numbers stand.")
    payoffs = (float(nash.point[0]), float(nash.point[1]))
    return Ratification(
        game,
        wins,
        zone,
        True,
        offer,
        payoffs,
        disagreement,
        lottery,
        offer_formula,
        None if formulas is None else (formulas[0], formulas[1]),
        values=vals,
        notes=tuple(notes),
    )


_NASH: dict[tuple[Any, ...], tuple[sympy.Expr, sympy.Expr] | None] = {}
_NASH_KEPT = 256


def _nash_formulas(
    problem: BargainingProblem, nash: Solution, values: Mapping[str, float], budget: float | None
) -> tuple[sympy.Expr, sympy.Expr] | None:
    """The Nash point's payoffs as formulas: ``bargain(problem, values, exact=True).exact["nash"]``.

    Those formulas depend on the values only through which packages the Nash point mixes
    (``nash.lottery``): a package's utilities, or the point of the segment between two packages where
    :math:`(u_1 - d_1)(u_2 - d_2)` is largest, solved with sympy. They are kept by the formulas of
    the lottery's packages and of the disagreement point, so a second call with the same packages
    in the lottery (a slider move in explore) does not solve again; a call that ran out of time is
    not kept. Not tried (None), as ``bargain`` does, when a formula is too large to expand."""
    exprs = [e for i in problem.issues for row in i.utilities for e in row]
    exprs += [e for x in problem.interactions for e in x.utilities] + list(problem.disagreement)
    exprs += list(problem.discount or ()) + list(problem.power or ())
    if too_large(exprs) is not None:
        return None
    key = (tuple(problem.utility_expr(k) for k, _ in nash.lottery), tuple(problem.disagreement), problem.power)
    if key in _NASH:
        return _NASH[key]
    full = bargain(problem, values, exact=True, budget=budget)
    found = full.exact.get("nash")
    same = [k for k, _ in full.solutions["nash"].lottery] == [k for k, _ in nash.lottery]
    late = any(note.startswith("Exact forms:") for note in full.notes)
    if same and not late:
        if len(_NASH) >= _NASH_KEPT:
            _NASH.clear()
        _NASH[key] = found
    return found


def _offer_formula(
    game: TwoLevelGame, payoffs: Sequence[sympy.Expr], values: Mapping[str, float], offer: float
) -> sympy.Expr | None:
    """The offer whose payoff is the Nash payoff's formula, solved for v (affine payoffs), if it checks."""
    v = game.offer_symbol
    for a, target in zip(game.actors, payoffs, strict=True):
        alpha, beta = game.payoff_line(a)
        if abs(_num(beta, values, f"payoffs.{a}")) <= TOL:
            continue
        formula = _cut(target, alpha, beta)
        if v not in formula.free_symbols and np.isclose(_num(formula, values, "offer"), offer, rtol=1e-9, atol=1e-9):
            return formula
    return None


def _text(intervals: Sequence[Interval]) -> str:
    if not intervals:
        return "empty"
    return " ∪ ".join(f"[{i.low.value:.6g}, {i.high.value:.6g}]" for i in intervals)


@dataclass(frozen=True, eq=False)
class RatificationThreshold(Result):
    """The value of ``parameter`` at which the zone of agreement opens or closes.

    ``gap`` is the zone's width, ``high - low`` (the tighter upper bound less the tighter lower
    bound, from the constraints ``low_by`` and ``high_by`` that bind at ``values``); ``formula``
    solves ``gap = 0`` for the parameter, ``value`` is it at ``values``; there is an agreement for
    parameter values ``agreement_when`` ("above" or "below") the threshold, while the same bounds bind.
    """

    parameter: str
    formula: sympy.Expr
    value: float
    gap: sympy.Expr
    low_by: tuple[str, ...]
    high_by: tuple[str, ...]
    agreement_when: Literal["above", "below"]
    statics: ComparativeStatics | None = None
    method: str = "sympy.solve of the zone's width = 0 in the parameter"
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "parameter": self.parameter,
            "formula": str(self.formula),
            "latex": sympy.latex(self.formula),
            "value": clean_number(self.value),
            "gap": str(self.gap),
            "low_by": list(self.low_by),
            "high_by": list(self.high_by),
            "agreement_when": self.agreement_when,
            "method": self.method,
            "notes": list(self.notes),
        }
        if self.statics is not None:
            out["comparative_statics"] = self.statics.to_dict()
        return out


def ratification_threshold(
    model: Scenario | TwoLevelGame,
    solve_for: str,
    values: Mapping[str, float] | None = None,
    *,
    statics: bool = True,
) -> RatificationThreshold:
    """The value of parameter ``solve_for`` at which the win sets start (or stop) intersecting.

    At ``values`` each side's win set must be one interval; the zone's width is the smaller upper
    end less the larger lower end, each the formula of the bound that sets it, and ``gap = 0`` is
    solved for ``solve_for`` with sympy. Raises ``ScenarioError`` (field ``solve_for``) when the
    width does not depend on the parameter or has no single real root there.
    """
    scenario = Scenario.of(model)
    game, vals = _game(scenario, values)
    if solve_for not in game.parameters.names:
        raise ScenarioError(
            f"a parameter of the game ({', '.join(game.parameters.names)})", found=repr(solve_for), field="solve_for"
        )
    wins = [win_set(game, a, vals) for a in game.actors]
    for w in wins:
        if len(w.intervals) != 1:
            raise ScenarioError(
                "each side's win set one non-empty interval at these values",
                found=f"W_{w.actor} = {_text(w.intervals)}",
                field="values",
            )
    low = _pick([w.intervals[0].low for w in wins], largest=True)
    high = _pick([w.intervals[0].high for w in wins], largest=False)
    gap = sympy.simplify(high.formula - low.formula)
    p = parameter_symbol(solve_for)
    if p not in gap.free_symbols:
        raise ScenarioError(
            f"a zone whose width depends on {solve_for}",
            found=f"width {gap} (set by {', '.join(low.by + high.by)})",
            field="solve_for",
        )
    others = {k: x for k, x in vals.items() if k != solve_for}
    found: list[tuple[sympy.Expr, float]] = []
    for root in sympy.solve(gap, p):
        try:
            x = _num(root, others, solve_for)
        except ScenarioError:
            continue
        found.append((root, x))
    if len(found) != 1:
        raise ScenarioError(
            "one real root of the zone's width in the parameter",
            found=f"{len(found)} roots of {gap} = 0",
            field="solve_for",
        )
    formula, value = found[0]
    slope = _num(sympy.diff(gap, p), {**others, solve_for: value}, solve_for)
    if abs(slope) <= TOL:
        raise ScenarioError(
            "a zone that opens or closes at the root", found=f"a flat width at {value:g}", field="solve_for"
        )
    cs = comparative_statics(formula, game.parameters, exclude=[solve_for]) if statics else None
    return RatificationThreshold(
        solve_for,
        formula,
        value,
        gap,
        low.by,
        high.by,
        "above" if slope > 0 else "below",
        cs,
        values=vals,
    )

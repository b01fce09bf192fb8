r"""A package deal solved: its packages, frontier, bargaining solutions, alternating offers and linkage.

:func:`bargain` evaluates every package's utilities (numpy, all packages at once), finds the
Pareto-efficient packages and the frontier of lotteries, and computes the Nash (symmetric and with
the scenario's bargaining powers), Kalai–Smorodinsky, egalitarian and utilitarian solutions and
Rubinstein's alternating-offers division (:mod:`bargaining.kernels.axiomatic`). Where the solution lies on
an edge of the frontier, its exact form is computed with sympy from the two packages' symbolic
utilities.

**Rubinstein's division as a formula.** On a linear frontier, with discount factors
:math:`\delta_p` (the first proposer's) and :math:`\delta_r` (the responder's), the first
proposer's gain over disagreement is the share

.. math:: \frac{1 - \delta_r}{1 - \delta_p \delta_r}

of its gain :math:`P` at the line's end where the responder gets :math:`d_r` (Rubinstein 1982;
Osborne & Rubinstein 1990, ch. 3), and the responder gets :math:`\delta_r (1 - \delta_p)/(1 -
\delta_p\delta_r)` of its own end gain :math:`R`. With outside options :math:`w` (Binmore,
Rubinstein & Wolinsky 1986) an option binds only if it exceeds what the actor is offered without
it: the responder's binds iff :math:`w_r - d_r > \delta_r (y_r - d_r)`, and then it gets exactly
:math:`w_r` and the proposer :math:`P (1 - (w_r - d_r)/R)`; the proposer's binds iff
:math:`w_p - d_p > \delta_p (x_p - d_p)`, and then the counter-offer gives it :math:`w_p` and the
first offer gives it :math:`P (1 - \delta_r + \delta_r (w_p - d_p)/P)`. When both stationary
offers lie on one edge of the package frontier, :func:`bargain` solves these stationary conditions
with sympy on that edge's line (:class:`ExactSplit`, with the conditions under which the case and
the edge hold and the comparative statics of the proposer's payoff), and checks the formula
against the numbers. **Linkage** (Tollison & Willett 1979; Sebenius 1983;
docs/models.md#package-deals-and-issue-linkage): separate
talks on issue k can only move issue k away from its status quo (first option); linkage *enables*
a deal when no issue alone has an agreement both prefer to disagreement, while some package does.

>>> from bargaining.io.scenario_file import load
>>> r = bargain(load("eu_russia_package"))
>>> r.linkage.enables, [round(float(x), 5) for x in r.solutions["nash"].point]
(True, [1.0, 1.8])
>>> r.rubinstein.share  # EU proposes first; both discount by delta: (1 - delta)/(1 - delta**2)
1/(delta + 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy
from sympy.logic.boolalg import BooleanAtom

from bargaining.analysis.deadline import DeadlineExceeded, too_large, within_deadline
from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.analysis.statics import ComparativeStatics, comparative_statics
from bargaining.errors import ScenarioError
from bargaining.expressions import parse_expression
from bargaining.games.bargain import BargainingProblem
from bargaining.kernels.axiomatic import (
    Frontier,
    Solution,
    egalitarian,
    kalai_smorodinsky,
    lottery_at,
    nash_solution,
    pareto_efficient,
    pareto_frontier,
    rubinstein,
    utilitarian,
)
from bargaining.parameters import ParameterSpace
from bargaining.scenario import Scenario

# the solutions that may have formulas; a result has every key, None where no formula was found
FORMULA_KEYS = ("nash", "nash_weighted", "egalitarian", "utilitarian")

__all__ = ["BargainResult", "ExactSplit", "Linkage", "bargain", "linkage", "rubinstein_exact"]

FloatArray = npt.NDArray[np.float64]
TOL = 1e-9


@dataclass(frozen=True, eq=False)
class Linkage(Result):
    """Zones of agreement: per issue in separate talks, and for the package as a whole."""

    separate: Mapping[str, tuple[str, ...]]  # issue -> options (besides the status quo) both accept
    linked: tuple[int, ...]  # packages both weakly prefer to disagreement, one strictly
    enables: bool
    linked_packages: tuple[Mapping[str, str], ...] = ()  # the packages of ``linked``, issue -> option
    method: str = "packages both weakly prefer to disagreement, one strictly"
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "separate": {k: list(v) for k, v in self.separate.items()},
            "linked": [dict(p) for p in self.linked_packages],
            "linkage_enables_a_deal": self.enables,
        }


def linkage(problem: BargainingProblem, points: FloatArray, d: FloatArray) -> Linkage:
    """The zones of possible agreement in separate and in linked talks."""
    gains = points - d
    acceptable = np.all(gains >= -TOL, axis=1) & np.any(gains > TOL, axis=1)
    separate: dict[str, tuple[str, ...]] = {}
    for issue in problem.issues:
        ok = []
        for o in issue.options[1:]:
            k = problem.index({issue.id: o})
            if acceptable[k]:
                ok.append(o)
        separate[issue.id] = tuple(ok)
    linked = tuple(int(k) for k in np.flatnonzero(acceptable))
    return Linkage(
        separate, linked, bool(linked) and not any(separate.values()), tuple(problem.package(k) for k in linked)
    )


@dataclass(frozen=True)
class ExactSplit:
    r"""Rubinstein's division as formulas, valid while both stationary offers stay on one frontier edge.

    ``share`` is the first proposer's gain over disagreement as a share of its gain :math:`P` at the
    edge line's end where the responder gets its disagreement payoff: :math:`(1 - \delta_r)/(1 -
    \delta_p\delta_r)` when no outside option binds. ``payoffs`` are both actors' payoffs in the
    first offer, ``counter`` in the responder's counter-offer; ``binding`` the actors whose outside
    option binds; ``conditions`` where this case and this edge hold (each option binding or not, both
    offers on the edge); ``statics`` the comparative statics of the proposer's payoff formula (its
    signs over the whole parameter box: the formula itself holds where ``conditions`` hold).
    """

    proposer: str
    edge: tuple[int, int]
    share: sympy.Expr
    payoffs: tuple[sympy.Expr, sympy.Expr]
    counter: tuple[sympy.Expr, sympy.Expr]
    binding: tuple[str, ...]
    conditions: tuple[sympy.Basic, ...]
    statics: ComparativeStatics | None = None

    @property
    def formula(self) -> str:
        """The case in words: the share formula and which outside options bind."""
        if not self.binding:
            return "share (1 - delta_r)/(1 - delta_p*delta_r) of the proposer's end gain; no outside option binds"
        return "outside option binds for " + ", ".join(self.binding) + f"; proposer's share {self.share}"

    def to_dict(self, actors: tuple[str, str]) -> dict[str, Any]:
        return {
            "proposer": self.proposer,
            "share": str(self.share),
            "payoff": {a: str(e) for a, e in zip(actors, self.payoffs, strict=True)},
            "counter_offer": {a: str(e) for a, e in zip(actors, self.counter, strict=True)},
            "outside_option_binds": list(self.binding),
            "valid_where": [str(c) for c in self.conditions],
            "comparative_statics": None if self.statics is None else self.statics.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class BargainResult(Result):
    """Everything :func:`bargain` found for a package deal at given parameter values."""

    problem: BargainingProblem
    values: Mapping[str, float]
    points: FloatArray
    efficient: npt.NDArray[np.intp]
    frontier: Frontier
    disagreement: FloatArray
    solutions: Mapping[str, Solution]
    exact: Mapping[str, tuple[sympy.Expr, sympy.Expr] | None]
    linkage: Linkage
    proposer: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    rubinstein: ExactSplit | None = None
    method: str = (
        "Pareto frontier of lotteries (monotone chain); Nash, Kalai-Smorodinsky, egalitarian, utilitarian; Rubinstein"
    )

    def _point(self, u: FloatArray) -> dict[str, float]:
        return {a: clean_number(float(x)) for a, x in zip(self.problem.actors, u, strict=True)}

    def _solution(self, s: Solution) -> dict[str, Any]:
        out: dict[str, Any] = {
            "payoff": self._point(s.point),
            "lottery": [{"package": self.problem.package(k), "weight": clean_number(w)} for k, w in s.lottery],
        }
        ex = self.exact.get(s.name)
        if ex is not None:
            out["exact"] = {a: str(e) for a, e in zip(self.problem.actors, ex, strict=True)}
        if s.note:
            out["note"] = s.note
        return out

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``pareto_frontier``, ``nash``, ``kalai_smorodinsky``, ``rubinstein``."""
        out: dict[str, Any] = {
            "game": "bargain",
            "pareto_frontier": [self._point(self.points[k]) for k in self.frontier.vertices],
            "frontier_packages": [self.problem.package(int(k)) for k in self.frontier.vertices],
            "efficient_packages": [self.problem.package(int(k)) for k in self.efficient],
            "disagreement": self._point(self.disagreement),
            "packages": len(self.points),
        }
        for name, s in self.solutions.items():
            out[name] = self._solution(s)
        if "rubinstein" in out:
            out["rubinstein"]["proposer"] = self.proposer
            if self.rubinstein is not None:
                out["rubinstein"]["split"] = self.rubinstein.to_dict(self.problem.actors)
        out["linkage"] = self.linkage.to_dict()
        out["parameters"] = {k: clean_number(v) for k, v in self.values.items()}
        if self.notes:
            out["note"] = " ".join(self.notes)
        return out


def _exact_on_edge(
    problem: BargainingProblem, s: Solution, name: str, power: tuple[sympy.Expr, sympy.Expr]
) -> tuple[sympy.Expr, sympy.Expr] | None:
    if not s.lottery:
        return None
    if len(s.lottery) == 1:
        return problem.utility_expr(s.lottery[0][0])
    (a, _), (b, _) = s.lottery
    A, B = problem.utility_expr(a), problem.utility_expr(b)
    d = problem.disagreement
    t = sympy.Symbol("t")
    u1, u2 = A[0] + t * (B[0] - A[0]), A[1] + t * (B[1] - A[1])
    if name == "nash":
        alpha, beta = power
        condition = alpha * (B[0] - A[0]) * (u2 - d[1]) + beta * (B[1] - A[1]) * (u1 - d[0])
    elif name == "egalitarian":
        condition = (u1 - d[0]) - (u2 - d[1])
    else:
        return None
    roots = sympy.solve(condition, t)
    if len(roots) != 1:
        return None
    return sympy.simplify(u1.subs(t, roots[0])), sympy.simplify(u2.subs(t, roots[0]))


def _problem(
    scenario: Scenario | BargainingProblem, values: Mapping[str, float] | None
) -> tuple[Scenario, BargainingProblem, dict[str, float]]:
    model = Scenario.of(scenario)
    if not isinstance(model.game, BargainingProblem):
        raise ScenarioError('a package deal (game = "bargain")', found=f"a {model.kind} game", field="model")
    return model, model.game, model.values(values)


def _on_line(
    u: tuple[sympy.Expr, sympy.Expr], A: tuple[sympy.Expr, sympy.Expr], B: tuple[sympy.Expr, sympy.Expr]
) -> sympy.Expr:
    """Zero exactly when the point ``u`` lies on the line through A and B."""
    return (u[1] - A[1]) * (B[0] - A[0]) - (B[1] - A[1]) * (u[0] - A[0])


def _between(x: sympy.Expr, a: sympy.Expr, b: sympy.Expr, at_a: float, at_b: float) -> list[sympy.Basic]:
    lo, hi = (a, b) if at_a <= at_b else (b, a)
    return [sympy.Ge(x - lo, 0), sympy.Le(x - hi, 0)]


def rubinstein_exact(
    problem: BargainingProblem,
    solution: Solution,
    values: Mapping[str, float],
    *,
    proposer: int,
    outside: Mapping[str, sympy.Expr],
    frontier: Frontier,
    space: ParameterSpace | None = None,
) -> tuple[ExactSplit | None, str]:
    r"""Rubinstein's division as formulas on the frontier edge holding both stationary offers.

    The stationary conditions are solved with sympy on the line through the edge's two packages:
    both offers :math:`x` (the proposer's) and :math:`y` (the responder's) on the line,
    :math:`x_r - d_r = \delta_r (y_r - d_r)` or :math:`x_r = w_r` where the responder's option
    binds, :math:`y_p - d_p = \delta_p (x_p - d_p)` or :math:`y_p = w_p` where the proposer's binds
    (which bind is read from the numbers). The formulas are then evaluated at ``values`` and must
    reproduce the numeric offers, or no formula is returned. The second item says why not, if so.
    """
    if solution.counter is None or not solution.lottery:
        return None, "no stationary offers to put into formulas"
    p, r = proposer, 1 - proposer
    x_num = np.asarray(solution.point, dtype=float)
    y_num = np.asarray(solution.counter, dtype=float)
    packages = {k for k, _ in solution.lottery} | {k for k, _ in lottery_at(frontier, float(y_num[0]))}
    vertices = [int(v) for v in frontier.vertices]
    if len(packages) == 1:
        return None, f"both offers are the single package ({problem.label(next(iter(packages)))}), a corner"
    ordered = sorted(packages, key=vertices.index)
    if len(ordered) > 2 or vertices.index(ordered[1]) - vertices.index(ordered[0]) != 1:
        return None, "the two stationary offers lie on different edges of the frontier"
    edge = (ordered[0], ordered[1])
    A, B = problem.utility_expr(edge[0]), problem.utility_expr(edge[1])
    d = problem.disagreement
    assert problem.discount is not None
    delta = problem.discount
    w = (outside.get(problem.actors[0], d[0]), outside.get(problem.actors[1], d[1]))
    subs = {sympy.Symbol(k, real=True): sympy.Float(v, 30) for k, v in values.items()}

    def num(e: sympy.Expr) -> float:
        return float(sympy.N(sympy.sympify(e).xreplace(subs), 20))

    scale = 1.0 + float(np.abs(frontier.coordinates).max())
    gap = 1e-9 * scale
    binds_r = problem.actors[r] in outside and num(w[r]) > num(d[r]) + num(delta[r]) * (y_num[r] - num(d[r])) + gap
    binds_p = problem.actors[p] in outside and num(w[p]) > num(d[p]) + num(delta[p]) * (x_num[p] - num(d[p])) + gap
    xs = sympy.symbols("x1 x2", real=True)
    ys = sympy.symbols("y1 y2", real=True)
    equations = [
        xs[r] - w[r] if binds_r else (xs[r] - d[r]) - delta[r] * (ys[r] - d[r]),
        ys[p] - w[p] if binds_p else (ys[p] - d[p]) - delta[p] * (xs[p] - d[p]),
    ]
    equations += [_on_line((xs[0], xs[1]), A, B), _on_line((ys[0], ys[1]), A, B)]
    found = sympy.solve(equations, [*xs, *ys], dict=True)
    if len(found) != 1:
        return None, "sympy found no unique solution of the stationary conditions on the edge"
    x_exprs = (sympy.factor(found[0][xs[0]]), sympy.factor(found[0][xs[1]]))
    y_exprs = (sympy.factor(found[0][ys[0]]), sympy.factor(found[0][ys[1]]))
    try:
        check = [num(e) for e in (*x_exprs, *y_exprs)]
    except (TypeError, ValueError):
        return None, "the formulas could not be evaluated at these values"
    if not np.allclose(check, [*x_num, *y_num], rtol=1e-9, atol=1e-9 * scale):
        return None, "the formulas on the edge do not reproduce the numeric offers"
    # the proposer's end gain P: where the edge's line gives the responder d_r
    end = A[p] + (d[r] - A[r]) * (B[p] - A[p]) / (B[r] - A[r]) - d[p]
    share = sympy.simplify((x_exprs[p] - d[p]) / end)
    conditions: list[sympy.Basic] = []
    for who, binds, lhs, rhs in (
        (r, binds_r, w[r] - d[r], delta[r] * (y_exprs[r] - d[r])),
        (p, binds_p, w[p] - d[p], delta[p] * (x_exprs[p] - d[p])),
    ):
        if problem.actors[who] in outside:
            conditions.append(sympy.Gt(lhs - rhs, 0) if binds else sympy.Le(lhs - rhs, 0))
    at_a, at_b = frontier.points[edge[0], p], frontier.points[edge[1], p]
    conditions += _between(x_exprs[p], A[p], B[p], at_a, at_b)
    conditions += _between(y_exprs[p], A[p], B[p], at_a, at_b)
    kept = tuple(
        dict.fromkeys(
            f
            for f in (type(c)(sympy.factor(c.lhs), 0) for c in conditions if not isinstance(c, BooleanAtom))
            if not isinstance(f, BooleanAtom)
        )
    )
    statics = comparative_statics(x_exprs[p], space) if space is not None and x_exprs[p].free_symbols else None
    split = ExactSplit(
        problem.actors[p],
        edge,
        share,
        x_exprs,
        y_exprs,
        tuple(problem.actors[k] for k, b in ((r, binds_r), (p, binds_p)) if b),
        kept,
        statics,
    )
    return split, ""


def outside_options(
    problem: BargainingProblem, given: Mapping[str, object] | None, extra: Mapping[str, object]
) -> dict[str, sympy.Expr]:
    """Outside options as formulas: ``given`` (numbers, formulas or expression strings in the
    parameters), else the scenario's ``[outside]`` table."""
    table = given if given else extra.get("outside")
    if not isinstance(table, Mapping):
        return {}
    out: dict[str, sympy.Expr] = {}
    for a, e in table.items():
        if a not in problem.actors:
            raise ScenarioError(f"an actor among {', '.join(problem.actors)}", found=repr(a), field="outside")
        if e is None:
            continue
        if isinstance(e, sympy.Expr):
            out[str(a)] = e
        elif isinstance(e, str):
            try:
                out[str(a)] = parse_expression(e, parameters=problem.parameters.symbols())
            except ScenarioError as err:
                raise err.located(field=f"outside.{a}") from None
        elif isinstance(e, int | float) and not isinstance(e, bool):
            out[str(a)] = sympy.Float(e) if not float(e).is_integer() else sympy.Integer(int(e))
        else:
            raise ScenarioError("a number or a formula", found=repr(e), field=f"outside.{a}")
    return out


def bargain(
    scenario: Scenario | BargainingProblem,
    values: Mapping[str, float] | None = None,
    *,
    proposer: str | None = None,
    outside: Mapping[str, float | str | sympy.Expr] | None = None,
    exact: bool = True,
    budget: float | None = None,
) -> BargainResult:
    """Frontier, solutions, Rubinstein and linkage of a package deal at ``values``.

    ``proposer`` moves first in Rubinstein's game (default: the first actor); ``outside`` gives
    outside options, numbers or formulas (default: the scenario's ``[outside]`` table, else none
    beyond disagreement). With ``exact=False`` only the numbers are computed (no formulas on the
    frontier's edges, no Rubinstein formula): what :func:`~bargaining.analysis.sweep_deal.sweep_deal`
    does at every grid point.

    Budgets (docs/format.md#budgets; ``budget`` in MiB): the number of packages is checked before
    their utilities are computed (:meth:`~bargaining.games.bargain.BargainingProblem.utilities`); the
    formulas are not tried for utilities too large to expand, and stop at the budget's deadline
    (2 s by default), the numbers standing, with a note.
    """
    model, problem, vals = _problem(scenario, values)
    points = problem.utilities(vals, budget=budget)
    d = problem.disagreement_point(vals)
    frontier = pareto_frontier(points)
    power = problem.powers(vals)
    solutions: dict[str, Solution] = {
        "nash": nash_solution(frontier, d),
        "nash_weighted": nash_solution(frontier, d, tuple(float(x) for x in power), name="nash_weighted"),
        "kalai_smorodinsky": kalai_smorodinsky(frontier, d),
        "egalitarian": egalitarian(frontier, d),
        "utilitarian": utilitarian(frontier, d),
    }
    notes: list[str] = []
    who = proposer or problem.actors[0]
    if who not in problem.actors:
        raise ScenarioError(f"an actor among {', '.join(problem.actors)}", found=repr(who), field="proposer")
    p = problem.actors.index(who)
    discount = problem.discount_factors(vals)
    options = outside_options(problem, outside, model.extra)
    subs = {sympy.Symbol(k, real=True): v for k, v in vals.items()}
    if discount is not None:
        w = np.array([float(options[a].subs(subs)) if a in options else d[k] for k, a in enumerate(problem.actors)])
        solutions["rubinstein"] = rubinstein(frontier, d, tuple(discount), proposer=p, outside=tuple(w.tolist()))
    else:
        notes.append("No [discount] table: Rubinstein's alternating offers are not computed.")
    formulas: dict[str, tuple[sympy.Expr, sympy.Expr] | None] = {}
    split: ExactSplit | None = None

    def exact_forms() -> tuple[dict[str, tuple[sympy.Expr, sympy.Expr] | None], ExactSplit | None, list[str]]:
        """The formulas on the frontier's edges and Rubinstein's, with their notes (run under the deadline)."""
        found: list[str] = []
        split: ExactSplit | None = None
        symbolic_power = problem.power or (sympy.Rational(1, 2), sympy.Rational(1, 2))
        half = (sympy.Rational(1, 2), sympy.Rational(1, 2))
        formulas: dict[str, tuple[sympy.Expr, sympy.Expr] | None] = {
            "nash": _exact_on_edge(problem, solutions["nash"], "nash", half),
            "nash_weighted": _exact_on_edge(problem, solutions["nash_weighted"], "nash", symbolic_power),
            "egalitarian": _exact_on_edge(problem, solutions["egalitarian"], "egalitarian", symbolic_power),
            "utilitarian": _exact_on_edge(problem, solutions["utilitarian"], "utilitarian", symbolic_power),
        }
        if "rubinstein" in solutions:
            split, why = rubinstein_exact(
                problem,
                solutions["rubinstein"],
                vals,
                proposer=p,
                outside=options,
                frontier=frontier,
                space=model.space,
            )
            formulas["rubinstein"] = None if split is None else split.payoffs
            if split is None:
                found.append(f"Rubinstein's division has no single formula here ({why}); the numbers stand.")
        return formulas, split, found

    if exact:
        exprs = [e for i in problem.issues for row in i.utilities for e in row]
        exprs += [e for x in problem.interactions for e in x.utilities] + list(problem.disagreement)
        exprs += list(problem.discount or ()) + list(problem.power or ()) + list(options.values())
        big = too_large(exprs)
        if big is not None:
            notes.append(f"Exact forms are not tried: a utility is {big}; the numbers stand.")
        else:
            try:
                formulas, split, more = within_deadline(exact_forms, budget=budget)
                notes += more
            except DeadlineExceeded as late:
                notes.append(f"Exact forms: {late}.")
                formulas = dict.fromkeys(FORMULA_KEYS + (("rubinstein",) if "rubinstein" in solutions else ()))
    return BargainResult(
        problem,
        vals,
        points,
        pareto_efficient(points),
        frontier,
        d,
        solutions,
        formulas,
        linkage(problem, points, d),
        who,
        tuple(notes),
        rubinstein=split,
    )

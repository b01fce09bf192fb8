r"""A package deal solved: its packages, frontier, bargaining solutions, alternating offers and linkage.

:func:`bargain` evaluates every package's utilities (numpy, all packages at once), finds the
Pareto-efficient packages and the frontier of lotteries, and computes the Nash (symmetric and with
the scenario's bargaining powers), Kalai–Smorodinsky, egalitarian and utilitarian solutions and
Rubinstein's alternating-offers division (:mod:`bargaining.kernels.axiomatic`). Where the solution lies on
an edge of the frontier, its exact form is computed with sympy from the two packages' symbolic
utilities. **Linkage** (Tollison & Willett 1979; Sebenius 1983;
docs/models.md#package-deals-and-issue-linkage): separate
talks on issue k can only move issue k away from its status quo (first option); linkage *enables*
a deal when no issue alone has an agreement both prefer to disagreement, while some package does.

>>> from bargaining.io.scenario_file import load
>>> r = bargain(load("eu_russia_package"))
>>> r.linkage.enables, [round(float(x), 5) for x in r.solutions["nash"].point]
(True, [1.0, 1.8])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.errors import ScenarioError
from bargaining.games.bargain import BargainingProblem
from bargaining.kernels.axiomatic import (
    Frontier,
    Solution,
    egalitarian,
    kalai_smorodinsky,
    nash_solution,
    pareto_efficient,
    pareto_frontier,
    rubinstein,
    utilitarian,
)
from bargaining.scenario import Scenario

__all__ = ["BargainResult", "Linkage", "bargain", "linkage"]

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
) -> tuple[BargainingProblem, dict[str, float], Mapping[str, Any]]:
    model = Scenario.of(scenario)
    if not isinstance(model.game, BargainingProblem):
        raise ScenarioError('a package deal (game = "bargain")', found=f"a {model.kind} game", field="model")
    return model.game, model.values(values), model.extra


def bargain(
    scenario: Scenario | BargainingProblem,
    values: Mapping[str, float] | None = None,
    *,
    proposer: str | None = None,
    outside: Mapping[str, float] | None = None,
) -> BargainResult:
    """Frontier, solutions, Rubinstein and linkage of a package deal at ``values``.

    ``proposer`` moves first in Rubinstein's game (default: the first actor); ``outside`` gives
    outside options (default: the scenario's ``[outside]`` table, else none beyond disagreement).
    """
    problem, vals, extra = _problem(scenario, values)
    points = problem.utilities(vals)
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
        raise ScenarioError(f"an actor among {', '.join(problem.actors)}", found=repr(who), field="--proposer")
    discount = problem.discount_factors(vals)
    options = dict(outside or {})
    if not options and isinstance(extra.get("outside"), Mapping):
        options = {
            a: float(sympy.sympify(e).subs({sympy.Symbol(k, real=True): v for k, v in vals.items()}))
            for a, e in extra["outside"].items()
        }
    if discount is not None:
        w = np.array([options.get(a, d[k]) for k, a in enumerate(problem.actors)], dtype=float)
        solutions["rubinstein"] = rubinstein(
            frontier, d, tuple(discount), proposer=problem.actors.index(who), outside=tuple(float(x) for x in w)
        )
    else:
        notes.append("No [discount] table: Rubinstein's alternating offers are not computed.")
    symbolic_power = problem.power or (sympy.Rational(1, 2), sympy.Rational(1, 2))
    exact = {
        "nash": _exact_on_edge(problem, solutions["nash"], "nash", (sympy.Rational(1, 2), sympy.Rational(1, 2))),
        "nash_weighted": _exact_on_edge(problem, solutions["nash_weighted"], "nash", symbolic_power),
        "egalitarian": _exact_on_edge(problem, solutions["egalitarian"], "egalitarian", symbolic_power),
        "utilitarian": _exact_on_edge(problem, solutions["utilitarian"], "utilitarian", symbolic_power),
    }
    return BargainResult(
        problem,
        vals,
        points,
        pareto_efficient(points),
        frontier,
        d,
        solutions,
        exact,
        linkage(problem, points, d),
        who,
        tuple(notes),
    )

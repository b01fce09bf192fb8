r"""Package deals: two actors bargain over issues, each with options; a package picks one per issue.

A package :math:`x \in P = O_1 \times \dots \times O_K` gives actor :math:`i` the utility
:math:`u_i(x) = \sum_k u_i^k(x_k) + \sum_{\text{interactions } e \text{ matching } x} \varepsilon_i^e`
(docs/models.md#package-deals-and-issue-linkage; Tollison & Willett 1979; Sebenius 1983).
Lotteries over packages make the
feasible set the convex hull of the packages' utility points. The first listed option of each issue
is that issue's status quo, so "separate talks on issue k" are the packages that change issue k
alone. The disagreement point, per-round discount factors (alternating offers) and bargaining
weights (the asymmetric Nash solution) are expressions in the parameters.

>>> none = {"EU": "0", "RU": "0"}
>>> p = BargainingProblem.build(
...     ["EU", "RU"],
...     [{"id": "visa", "options": {"none": none, "facilitation": {"EU": "-2", "RU": "5"}}},
...      {"id": "readmission", "options": {"none": none, "with_tcn": {"EU": "3.687", "RU": "-4.4366"}}}])
>>> p.utilities({}).round(4).tolist()
[[0.0, 0.0], [3.687, -4.4366], [-2.0, 5.0], [1.687, 0.5634]]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.budget import check_bytes, check_count
from bargaining.errors import GameError, ScenarioError
from bargaining.expressions import allowed_parameters, check_finite_real, compile_numpy, field_expression
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

__all__ = ["BargainingProblem", "Interaction", "Issue"]

FloatArray = npt.NDArray[np.float64]

MAX_PACKAGES = 1_000_000
"""Packages (one option per issue) a package deal may have at the default budget (docs/format.md#budgets)."""


def actor_pair(
    table: object,
    names: Sequence[str],
    where: str,
    expr: Callable[[object, str], sympy.Expr],
    what: str = "utility",
) -> tuple[sympy.Expr, sympy.Expr]:
    """A two-actor table ``{actor: expression}`` read as the pair of expressions in the order of ``names`` (two);
    a table that is not one, names another actor or misses one is a :class:`GameError` at ``where``."""
    if not isinstance(table, Mapping):
        raise GameError(f"a table actor -> {what}", found=type(table).__name__, field=where)
    extra = [a for a in table if a not in names]
    if extra:
        raise GameError(f"an actor among {', '.join(names)}", found=repr(extra[0]), field=f"{where}.{extra[0]}")
    missing = [a for a in names if a not in table]
    if missing:
        raise GameError(f"a value for every actor ({', '.join(names)})", found=f"none for {missing[0]}", field=where)
    return expr(table[names[0]], f"{where}.{names[0]}"), expr(table[names[1]], f"{where}.{names[1]}")


@dataclass(frozen=True)
class Issue:
    """An issue with its options, in order (the first is the status quo), and each option's utilities."""

    id: str
    name: str
    options: tuple[str, ...]
    utilities: tuple[tuple[sympy.Expr, ...], ...]  # [option][actor]


@dataclass(frozen=True)
class Interaction:
    """Extra utility that only a combination of options brings."""

    when: Mapping[str, str]
    utilities: tuple[sympy.Expr, ...]  # [actor]


@dataclass(frozen=True)
class BargainingProblem(Parameterised):
    """Two actors, issues with options, interactions, disagreement point, discounts and powers."""

    actors: tuple[str, str]
    issues: tuple[Issue, ...]
    interactions: tuple[Interaction, ...]
    disagreement: tuple[sympy.Expr, sympy.Expr]
    discount: tuple[sympy.Expr, sympy.Expr] | None = None
    power: tuple[sympy.Expr, sympy.Expr] | None = None
    parameters: ParameterSpace = field(default_factory=ParameterSpace)
    kind: ClassVar[GameKind] = "bargain"

    def __post_init__(self) -> None:
        self._complete_parameters()

    @classmethod
    def build(
        cls,
        actors: Sequence[str],
        issues: Sequence[Mapping[str, Any]],
        *,
        interactions: Sequence[Mapping[str, Any]] = (),
        disagreement: Mapping[str, Any] | None = None,
        discount: Mapping[str, Any] | None = None,
        power: Mapping[str, Any] | None = None,
        parameters: ParametersLike = None,
        values: Mapping[str, float] | None = None,
    ) -> BargainingProblem:
        """A checked problem from plain mappings, as in a scenario file (docs/format.md#package-deals).

        At ``values`` (by default the defaults ``parameters`` gives, if any) every utility is a finite
        real number, each discount factor lies in (0, 1) and the bargaining powers are non-negative
        and sum to 1 (what :meth:`discount_factors` and :meth:`powers` require).
        """
        params = allowed_parameters(parsing_names(parameters))
        names = tuple(actors)
        if len(names) != 2:
            raise GameError("exactly two actors", found=f"{len(names)}", field="actors")
        for k, a in enumerate(names):
            check_identifier(a, f"actors[{k}].id")

        def expr(value: object, where: str) -> sympy.Expr:
            return field_expression(value, where, params)

        def per_actor(table: object, where: str) -> tuple[sympy.Expr, sympy.Expr]:
            return actor_pair(table, names, where, expr)

        built: list[Issue] = []
        if not issues:
            raise GameError("at least one [[issues]] table", found="none", field="issues")
        for k, spec in enumerate(issues):
            where = f"issues[{k}]"
            if not isinstance(spec, Mapping):
                raise GameError("a table", found=type(spec).__name__, field=where)
            extra = sorted(set(spec) - {"id", "name", "options"})
            if extra:
                raise GameError("the keys id, name, options", found=repr(extra[0]), field=f"{where}.{extra[0]}")
            iid = spec.get("id")
            check_identifier(iid, f"{where}.id")
            if any(i.id == iid for i in built):
                raise GameError("a unique issue id", found=f"{iid!r} again", field=f"{where}.id")
            options = spec.get("options")
            if not isinstance(options, Mapping) or not options:
                raise GameError(
                    "a table of options, option -> { actor = utility }", found=repr(options), field=f"{where}.options"
                )
            for o in options:
                check_identifier(o, f"{where}.options.{o}")
            utils = tuple(per_actor(options[o], f"{where}.options.{o}") for o in options)
            name = spec.get("name", iid)
            built.append(Issue(str(iid), str(name), tuple(str(o) for o in options), utils))
        inter: list[Interaction] = []
        for k, spec in enumerate(interactions):
            where = f"interactions[{k}]"
            if not isinstance(spec, Mapping) or not isinstance(spec.get("when"), Mapping) or not spec["when"]:
                raise GameError(
                    "a table with when = { issue = option } and a utility per actor", found=repr(spec), field=where
                )
            when = spec["when"]
            for iid, o in when.items():
                match = next((i for i in built if i.id == iid), None)
                if match is None:
                    raise GameError(
                        f"an issue ({', '.join(i.id for i in built)})", found=repr(iid), field=f"{where}.when.{iid}"
                    )
                if o not in match.options:
                    raise GameError(
                        f"an option of {iid} ({', '.join(match.options)})", found=repr(o), field=f"{where}.when.{iid}"
                    )
            pays = {a: spec.get(a, 0) for a in names}
            extra = sorted(set(spec) - {"when", *names})
            if extra:
                raise GameError(
                    f"when and the actors {', '.join(names)}", found=repr(extra[0]), field=f"{where}.{extra[0]}"
                )
            inter.append(Interaction(dict(when), per_actor(pays, where)))
        d = per_actor(disagreement if disagreement is not None else {a: 0 for a in names}, "disagreement")
        disc = per_actor(discount, "discount") if discount is not None else None
        powr = per_actor(power, "power") if power is not None else None
        problem = cls(names, tuple(built), tuple(inter), d, disc, powr, ParameterSpace.of(parameters))
        at = values if values is not None else default_values(parameters)
        if at is not None:
            problem._check_values(at)
        return problem

    def _check_values(self, values: Mapping[str, float]) -> None:
        """Utilities finite real numbers, discounts in (0, 1), powers >= 0 summing to 1, at ``values``."""
        at = dict(values)
        for s in self.parameter_symbols():
            at.setdefault(s.name, DEFAULT_VALUE)
        for k, issue in enumerate(self.issues):
            for option, row in zip(issue.options, issue.utilities, strict=True):
                for actor, u in zip(self.actors, row, strict=True):
                    check_finite_real(u, at, field=f"issues[{k}].options.{option}.{actor}")
        for k, x in enumerate(self.interactions):
            for actor, u in zip(self.actors, x.utilities, strict=True):
                check_finite_real(u, at, field=f"interactions[{k}].{actor}")
        for actor, u in zip(self.actors, self.disagreement, strict=True):
            check_finite_real(u, at, field=f"disagreement.{actor}")
        if self.discount is not None:
            for actor, u in zip(self.actors, self.discount, strict=True):
                delta = float(check_finite_real(u, at, field=f"discount.{actor}"))
                if not 0 < delta < 1:
                    raise GameError(
                        "a discount factor in (0, 1) at the default values",
                        found=f"{delta:g}",
                        field=f"discount.{actor}",
                    )
        if self.power is not None:
            weights = [
                float(check_finite_real(u, at, field=f"power.{actor}"))
                for actor, u in zip(self.actors, self.power, strict=True)
            ]
            for actor, w in zip(self.actors, weights, strict=True):
                if w < 0:
                    raise GameError(
                        "a non-negative bargaining power at the default values", found=f"{w:g}", field=f"power.{actor}"
                    )
            if not np.isclose(sum(weights), 1.0):  # the test powers() applies
                raise GameError(
                    "bargaining powers that sum to 1 at the default values",
                    found=f"{weights[0]:g} + {weights[1]:g} = {sum(weights):g}",
                    field="power",
                )

    # -- structure -----------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(i.options) for i in self.issues)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def package(self, index: int) -> dict[str, str]:
        """The package at flat ``index`` (in C order over the issues), issue -> option."""
        idx = np.unravel_index(index, self.shape)
        return {i.id: i.options[int(k)] for i, k in zip(self.issues, idx, strict=True)}

    def label(self, index: int) -> str:
        return ", ".join(f"{i}={o}" for i, o in self.package(index).items())

    def index(self, package: Mapping[str, str]) -> int:
        """The flat index of a package given as issue -> option (unnamed issues at their status quo)."""
        idx = []
        for i in self.issues:
            o = package.get(i.id, i.options[0])
            if o not in i.options:
                raise ScenarioError(f"an option of {i.id} ({', '.join(i.options)})", found=repr(o), field=i.id)
            idx.append(i.options.index(o))
        return int(np.ravel_multi_index(tuple(idx), self.shape))

    def parameter_symbols(self) -> set[sympy.Symbol]:
        exprs = [e for i in self.issues for row in i.utilities for e in row]
        exprs += [e for x in self.interactions for e in x.utilities] + list(self.disagreement)
        exprs += list(self.discount or ()) + list(self.power or ())
        found: set[sympy.Symbol] = set()
        for e in exprs:
            found |= e.free_symbols
        return found

    def utility_expr(self, index: int) -> tuple[sympy.Expr, sympy.Expr]:
        """The package's utilities as formulas."""
        pkg = self.package(index)
        total = [sympy.Integer(0), sympy.Integer(0)]
        for i in self.issues:
            row = i.utilities[i.options.index(pkg[i.id])]
            total = [total[0] + row[0], total[1] + row[1]]
        for x in self.interactions:
            if all(pkg[k] == v for k, v in x.when.items()):
                total = [total[0] + x.utilities[0], total[1] + x.utilities[1]]
        return total[0], total[1]

    # -- numbers -------------------------------------------------------------------------------

    def _evaluate(self, exprs: Sequence[sympy.Expr], values: Mapping[str, float]) -> FloatArray:
        symbols = sorted({s for e in exprs for s in e.free_symbols}, key=lambda s: s.name)
        missing = [s.name for s in symbols if s.name not in values]
        if missing:
            raise ScenarioError(
                "a value for every parameter", found=f"none for {', '.join(missing)}", field="parameters"
            )
        f = compile_numpy(symbols, list(exprs))
        with np.errstate(all="ignore"):
            out = np.array(
                [np.asarray(v, dtype=float) for v in f(*(float(values[s.name]) for s in symbols))], dtype=float
            )
        if not np.all(np.isfinite(out)):
            raise ScenarioError(
                "finite utilities at these parameter values", found="a value that is not", field="issues"
            )
        return out

    def utilities(self, values: Mapping[str, float], *, budget: float | None = None) -> FloatArray:
        """Every package's utility point, shape (size, 2), in flat C order over the issues.

        Before anything is allocated the number of packages, :math:`\\prod_k` (options of issue k), is
        checked against :data:`MAX_PACKAGES` and their points' memory against the budget (``budget``
        in MiB, docs/format.md#budgets).
        """
        check_count(
            "a package deal",
            self.size,
            MAX_PACKAGES,
            budget,
            unit="packages",
            field="issues",
            instead="fewer issues or options: every package's utilities are computed",
        )
        check_bytes(
            "the packages' utility points",
            8.0 * 2 * 3 * self.size,
            budget,
            field="issues",
            instead="fewer issues or options",
        )
        K = len(self.issues)
        exprs = [e for i in self.issues for row in i.utilities for e in row]
        exprs += [e for x in self.interactions for e in x.utilities]
        flat = self._evaluate(exprs, values) if exprs else np.zeros(0)
        total = np.zeros((*self.shape, 2))
        pos = 0
        for k, issue in enumerate(self.issues):
            m = len(issue.options)
            table = flat[pos : pos + 2 * m].reshape(m, 2)
            pos += 2 * m
            view = [1] * K + [2]
            view[k] = m
            total = total + table.reshape(view)
        for x in self.interactions:
            extra = flat[pos : pos + 2]
            pos += 2
            where: list[Any] = [slice(None)] * K
            for k, issue in enumerate(self.issues):
                if issue.id in x.when:
                    where[k] = issue.options.index(x.when[issue.id])
            total[tuple(where)] += extra
        return total.reshape(-1, 2) + 0.0

    def disagreement_point(self, values: Mapping[str, float]) -> FloatArray:
        return self._evaluate(list(self.disagreement), values)

    def discount_factors(self, values: Mapping[str, float]) -> FloatArray | None:
        if self.discount is None:
            return None
        out = self._evaluate(list(self.discount), values)
        if not np.all((out > 0) & (out < 1)):
            raise ScenarioError("discount factors in (0, 1)", found=str(out.tolist()), field="discount")
        return out

    def powers(self, values: Mapping[str, float]) -> FloatArray:
        if self.power is None:
            return np.array([0.5, 0.5])
        out = self._evaluate(list(self.power), values)
        if np.any(out < 0) or not np.isclose(out.sum(), 1.0):
            raise ScenarioError("non-negative bargaining powers that sum to 1", found=str(out.tolist()), field="power")
        return out

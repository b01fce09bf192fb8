r"""Normal-form games with payoffs that are sympy expressions in named parameters.

A normal-form game is :math:`G = (N, (S_i)_{i\in N}, (u_i)_{i\in N})`: a finite set of actors
:math:`N`, a finite strategy set :math:`S_i` for each and payoffs
:math:`u_i : S_1\times\dots\times S_n \to \mathbb{R}`. Here each :math:`u_i` is one sympy
expression in the model's parameters and in the indicators :math:`[\,j = s\,]` (written
``ACTOR.strategy`` in files, 1 when actor ``j`` plays ``s`` and 0 otherwise). A payoff table is
stored the same way, as :math:`u_i = \sum_{\sigma} u_i(\sigma)\prod_j [\,j=\sigma_j\,]`, so one
representation serves both styles of docs/format.md#normal-form-games. Evaluating the game at parameter values
gives the numeric payoff array of shape ``(n, m_1, ..., m_n)`` on which the solvers work.

>>> g = NormalFormGame.from_table(
...     {"EU": ["reward", "withhold"], "CA": ["comply", "defy"]},
...     {("reward", "comply"): ("B - p*k*r", "p*r - c"), ("reward", "defy"): (0, 0),
...      ("withhold", "comply"): ("B", "-c"), ("withhold", "defy"): (0, 0)})
>>> g.payoff_expr("CA", ("reward", "comply"))
-c + p*r
>>> g.payoff_array({"B": 3, "p": 0.8, "k": 0.15, "r": 2, "c": 1.3})[1]
array([[ 0.3,  0. ],
       [-1.3,  0. ]])
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any, ClassVar, TypeAlias

import numpy as np
import numpy.typing as npt
import sympy

from bargaining._repr import repr_html
from bargaining.budget import check_bytes, check_count, describe_bytes
from bargaining.errors import GameError, ScenarioError
from bargaining.expressions import (
    allowed_parameters,
    as_expression,
    check_finite_real,
    compile_numpy,
    evaluate_real,
    indicator_symbol,
)
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

__all__ = ["ExprLike", "NormalFormGame", "Profile"]

ExprLike: TypeAlias = str | float | int | sympy.Expr
Profile: TypeAlias = tuple[str, ...]
FloatArray = npt.NDArray[np.float64]

_Table: TypeAlias = tuple[tuple[tuple[int, ...], ...], tuple[int, ...], Callable[..., Any] | None]
MAX_SYMBOLIC_ENTRIES = 20_000
"""Payoff entries worked out symbolically (one substitution each) at the default budget (docs/format.md#budgets)."""


@dataclass(frozen=True)
class NormalFormGame(Parameterised):
    """A finite game in normal form with labelled actors and strategies and symbolic payoffs.

    Build one with :meth:`from_table`, :meth:`from_formulas` or :meth:`from_arrays`; the
    constructor checks labels and that every payoff is a sympy expression.
    """

    actors: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    formulas: tuple[sympy.Expr, ...]
    parameters: ParameterSpace = field(default_factory=ParameterSpace)
    kind: ClassVar[GameKind] = "normal"

    def __post_init__(self) -> None:
        if len(self.actors) < 1:
            raise GameError("at least one actor", found="none", field="actors")
        if len(set(self.actors)) != len(self.actors):
            dup = next(a for a in self.actors if self.actors.count(a) > 1)
            raise GameError("unique actor ids", found=f"{dup!r} twice", field="actors")
        if len(self.strategies) != len(self.actors) or len(self.formulas) != len(self.actors):
            raise GameError("one strategy list and one payoff per actor", found="a mismatch", field="actors")
        for i, (actor, strategies) in enumerate(zip(self.actors, self.strategies, strict=True)):
            check_identifier(actor, f"actors[{i}].id")
            if not strategies:
                raise GameError("at least one strategy", found="none", field=f"actors[{i}].strategies")
            for j, s in enumerate(strategies):
                check_identifier(s, f"actors[{i}].strategies[{j}]")
            if len(set(strategies)) != len(strategies):
                dup = next(s for s in strategies if strategies.count(s) > 1)
                raise GameError("unique strategies", found=f"{dup!r} twice", field=f"actors[{i}].strategies")
        for actor, f in zip(self.actors, self.formulas, strict=True):
            if not isinstance(f, sympy.Expr):
                raise GameError("a sympy expression", found=type(f).__name__, field=f"payoffs.{actor}")
        self._complete_parameters()

    # -- construction -------------------------------------------------------------------------

    @staticmethod
    def _indicators(actors: Sequence[str], strategies: Sequence[Sequence[str]]) -> dict[str, dict[str, sympy.Symbol]]:
        return {a: {s: indicator_symbol(a, s) for s in ss} for a, ss in zip(actors, strategies, strict=True)}

    @classmethod
    def from_formulas(
        cls,
        strategies: Mapping[str, Sequence[str]],
        formulas: Mapping[str, ExprLike],
        *,
        parameters: ParametersLike = None,
        values: Mapping[str, float] | None = None,
    ) -> NormalFormGame:
        """A game whose payoffs are formulas using the indicators ``ACTOR.strategy``.

        Every payoff must be a finite real number at ``values`` (by default the defaults that
        ``parameters`` gives, if it gives any), at every profile (at most 4,096 sampled ones).

        >>> g = NormalFormGame.from_formulas({"A": ["sign", "out"], "B": ["sign", "out"]},
        ...     {"A": "A.sign * (g - c + s * B.sign)", "B": "B.sign * (g - c + s * A.sign)"})
        >>> g.payoff_array({"g": 1, "c": 2, "s": 3})[0].tolist()
        [[2.0, -1.0], [0.0, 0.0]]
        """
        actors = tuple(strategies)
        strats = tuple(tuple(strategies[a]) for a in actors)
        cls._check_labels(actors, strats)
        indicators = cls._indicators(actors, strats)
        params = allowed_parameters(parsing_names(parameters))
        missing = [a for a in actors if a not in formulas]
        if missing:
            raise GameError("a payoff formula for every actor", found=f"none for {missing[0]}", field="payoff_formulas")
        extra = [a for a in formulas if a not in strategies]
        if extra:
            raise GameError(f"an actor among {', '.join(actors)}", found=repr(extra[0]), field="payoff_formulas")
        exprs = []
        for a in actors:
            try:
                exprs.append(as_expression(formulas[a], parameters=params, indicators=indicators))
            except ScenarioError as err:
                raise err.located(field=f"payoff_formulas.{a}") from None
        at = values if values is not None else default_values(parameters)
        if at is not None:
            for a, e in zip(actors, exprs, strict=True):
                _check_payoff(e, at, indicators, f"payoff_formulas.{a}")
        return cls(actors, strats, tuple(exprs), ParameterSpace.of(parameters))

    @classmethod
    def from_table(
        cls,
        strategies: Mapping[str, Sequence[str]],
        payoffs: Mapping[Profile, Sequence[ExprLike] | Mapping[str, ExprLike]]
        | Sequence[tuple[Mapping[str, str], Mapping[str, ExprLike]]],
        *,
        parameters: ParametersLike = None,
        values: Mapping[str, float] | None = None,
    ) -> NormalFormGame:
        """A game from a payoff table: one entry per strategy profile, every profile exactly once.

        ``payoffs`` maps a profile (a tuple of strategy names, one per actor in order) to the
        actors' payoffs (a sequence in actor order or a mapping actor -> payoff); or it is a
        sequence of ``(profile mapping, payoff mapping)`` pairs, as in a scenario file, whose
        positions name the entries in error messages (``payoffs[2].CA``). Every payoff must be a
        finite real number at ``values`` (by default the defaults ``parameters`` gives, if any).
        """
        actors = tuple(strategies)
        strats = tuple(tuple(strategies[a]) for a in actors)
        cls._check_labels(actors, strats)
        params = allowed_parameters(parsing_names(parameters))
        at = values if values is not None else default_values(parameters)
        entries: list[tuple[str, Mapping[str, str], Mapping[str, ExprLike]]] = []
        if isinstance(payoffs, Mapping):
            for prof, pay in payoffs.items():
                where = f"payoffs[{prof!r}]"
                if not isinstance(prof, tuple) or len(prof) != len(actors):
                    raise GameError(f"a profile of {len(actors)} strategies", found=repr(prof), field=where)
                pay_map = pay if isinstance(pay, Mapping) else cls._by_actor(actors, pay, where)
                entries.append((where, dict(zip(actors, prof, strict=True)), pay_map))
        else:
            entries = [(f"payoffs[{k}]", prof, pay) for k, (prof, pay) in enumerate(payoffs)]
        seen: dict[Profile, str] = {}
        terms: list[list[sympy.Expr]] = [[] for _ in actors]
        symbols = [{s: indicator_symbol(a, s) for s in ss} for a, ss in zip(actors, strats, strict=True)]
        order = sorted((x for row in symbols for x in row.values()), key=functools.cmp_to_key(sympy.Basic.compare))
        rank = {x: k for k, x in enumerate(order)}
        for where, prof_map, pay_map in entries:
            profile = cls._profile(actors, strats, prof_map, f"{where}.profile")
            if profile in seen:
                raise GameError(
                    "every profile exactly once", found=f"{profile} again (first at {seen[profile]})", field=where
                )
            seen[profile] = where
            extra = [k for k in pay_map if k not in actors]
            if extra:
                raise GameError(f"payoffs for the actors {', '.join(actors)}", found=repr(extra[0]), field=where)
            weight = _product([symbols[j][s] for j, s in enumerate(profile)], rank)
            for i, a in enumerate(actors):
                if a not in pay_map:
                    raise GameError(f"a payoff for {a}", found="none", field=f"{where}.{a}")
                try:
                    value = as_expression(pay_map[a], parameters=params)
                    if at is not None:
                        _check_number(value, at)
                except ScenarioError as err:
                    raise err.located(field=f"{where}.{a}") from None
                terms[i].append(_times(value, weight))
        total = math.prod(len(s) for s in strats)
        if len(seen) != total:
            missing = next(p for p in product(*strats) if p not in seen)
            raise GameError(f"every one of the {total} profiles", found=f"no entry for {missing}", field="payoffs")
        return cls(actors, strats, tuple(sympy.Add(*t) for t in terms), ParameterSpace.of(parameters))

    @classmethod
    def from_arrays(
        cls,
        *arrays: npt.ArrayLike,
        actors: Sequence[str] | None = None,
        strategies: Sequence[Sequence[str]] | None = None,
    ) -> NormalFormGame:
        """A numeric game from one payoff array per actor, each of shape ``(m_1, ..., m_n)``.

        ``NormalFormGame.from_arrays(A, B)`` is nashpy's ``Game(A, B)`` with labels
        (default actors ``P1, P2, ...`` and strategies ``s0, s1, ...``).

        >>> NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]).strategies
        (('s0', 's1'), ('s0', 's1'))
        """
        mats = [np.asarray(a, dtype=object) for a in arrays]
        if not mats:
            raise GameError("at least one payoff array", found="none")
        shape = mats[0].shape
        if any(m.shape != shape for m in mats) or len(shape) != len(mats):
            raise GameError(
                f"{len(mats)} arrays of {len(mats)} dimensions with one shape", found=str([m.shape for m in mats])
            )
        names = tuple(actors) if actors is not None else tuple(f"P{i + 1}" for i in range(len(mats)))
        strats = (
            tuple(tuple(s) for s in strategies)
            if strategies is not None
            else tuple(tuple(f"s{k}" for k in range(m)) for m in shape)
        )
        table = {
            tuple(strats[i][k] for i, k in enumerate(idx)): tuple(m[idx] for m in mats) for idx in np.ndindex(*shape)
        }
        return cls.from_table(dict(zip(names, strats, strict=True)), table, parameters=[])

    @staticmethod
    def _check_labels(actors: tuple[str, ...], strats: tuple[tuple[str, ...], ...]) -> None:
        NormalFormGame(actors, strats, tuple(sympy.Integer(0) for _ in actors))

    @staticmethod
    def _by_actor(actors: tuple[str, ...], pay: Sequence[ExprLike], where: str) -> dict[str, ExprLike]:
        if isinstance(pay, str) or len(pay) != len(actors):
            raise GameError(f"{len(actors)} payoffs, one per actor", found=repr(pay), field=where)
        return dict(zip(actors, pay, strict=True))

    @staticmethod
    def _profile(
        actors: tuple[str, ...], strats: tuple[tuple[str, ...], ...], prof: Mapping[str, str], where: str
    ) -> Profile:
        if not isinstance(prof, Mapping):
            raise GameError("a table actor -> strategy", found=type(prof).__name__, field=where)
        extra = [k for k in prof if k not in actors]
        if extra:
            raise GameError(f"an actor among {', '.join(actors)}", found=repr(extra[0]), field=where)
        out = []
        for a, ss in zip(actors, strats, strict=True):
            if a not in prof:
                raise GameError(f"a strategy for {a}", found="none", field=where)
            if prof[a] not in ss:
                raise GameError(f"a strategy of {a} ({', '.join(ss)})", found=repr(prof[a]), field=f"{where}.{a}")
            out.append(prof[a])
        return tuple(out)

    # -- structure ----------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of strategies of each actor."""
        return tuple(len(s) for s in self.strategies)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    def index(self, actor: str) -> int:
        """Position of ``actor`` (a ``GameError`` names the actors otherwise)."""
        if actor not in self.actors:
            raise GameError(f"an actor among {', '.join(self.actors)}", found=repr(actor), field="--actor")
        return self.actors.index(actor)

    def strategy_index(self, actor: str, strategy: str) -> int:
        """Position of ``strategy`` in ``actor``'s list."""
        ss = self.strategies[self.index(actor)]
        if strategy not in ss:
            raise GameError(f"a strategy of {actor} ({', '.join(ss)})", found=repr(strategy))
        return ss.index(strategy)

    def profiles(self) -> Iterator[Profile]:
        """Every strategy profile, in array order."""
        return product(*self.strategies)

    @functools.cached_property
    def _indicator_symbols(self) -> tuple[tuple[sympy.Symbol, ...], ...]:
        return tuple(
            tuple(indicator_symbol(a, s) for s in ss) for a, ss in zip(self.actors, self.strategies, strict=True)
        )

    def symbol(self, name: str) -> sympy.Symbol:
        """The sympy symbol of parameter ``name`` as the payoffs use it (real, unlike ``sympy.Symbol(name)``)."""
        for s in self.parameter_symbols():
            if s.name == name:
                return s
        known = ", ".join(sorted(s.name for s in self.parameter_symbols())) or "none"
        raise ScenarioError(f"a parameter of the game ({known})", found=repr(name))

    def parameter_symbols(self) -> set[sympy.Symbol]:
        """The parameters the payoffs depend on."""
        indicators = {s for row in self._indicator_symbols for s in row}
        found: set[sympy.Symbol] = set()
        for f in self.formulas:
            found |= {s for s in f.free_symbols if isinstance(s, sympy.Symbol) and s not in indicators}
        return found

    def payoff_expr(self, actor: str, profile: Sequence[str]) -> sympy.Expr:
        """Actor's payoff at ``profile`` as a sympy expression in the parameters."""
        i = self.index(actor)
        if len(profile) != self.n_actors:
            raise GameError(f"a profile of {self.n_actors} strategies", found=repr(tuple(profile)))
        idx = [self.strategy_index(a, s) for a, s in zip(self.actors, profile, strict=True)]
        return self.entry(i, idx)

    def payoff_table(self, *, budget: float | None = None) -> npt.NDArray[np.object_]:
        """All payoffs as sympy expressions, an object array of shape ``(n, m_1, ..., m_n)``.

        A payoff table (one term per profile, as :meth:`from_table` builds) is read off its terms;
        other formulas are evaluated profile by profile, at most :data:`MAX_SYMBOLIC_ENTRIES` entries
        at the default budget (``budget`` in MiB, docs/format.md#budgets), checked before any work.
        """
        entries = self.n_actors * math.prod(self.shape)
        check_bytes(
            "a symbolic payoff table",
            entries * 8,
            budget,
            field="actors",
            instead="fewer actors or strategies",
            found=f"{self.n_actors} actors, {self._profiles_text()}: {entries:,} symbolic payoffs",
        )
        terms = [self._table_terms(i) for i in range(self.n_actors)]
        if any(t is None for t in terms):
            check_count(
                "a game whose payoffs are worked out symbolically",
                entries,
                MAX_SYMBOLIC_ENTRIES,
                budget,
                unit="payoff entries",
                field="actors",
                instead="fewer actors or strategies, or exact=False where the analysis offers it",
            )
        out = np.empty((self.n_actors, *self.shape), dtype=object)
        zero = sympy.Integer(0)
        for i, found in enumerate(terms):
            if found is not None:
                out[i] = zero
                for idx, coeff in found.items():
                    out[(i, *idx)] = coeff
                continue
            for idx in np.ndindex(*self.shape):
                out[(i, *idx)] = self.entry(i, idx)
        return out

    def entry(self, actor: int, idx: Sequence[int]) -> sympy.Expr:
        """Actor number ``actor``'s payoff at the profile of strategy indices ``idx``, as a sympy expression.

        >>> g = NormalFormGame.from_formulas({"A": ["x", "y"], "B": ["x", "y"]}, {"A": "A.x * c", "B": "B.y"})
        >>> g.entry(0, (0, 1)), g.entry(1, (0, 1))
        (c, 1)
        """
        found = self._table_terms(actor)
        key = tuple(int(k) for k in idx)
        if found is not None:
            return found.get(key, sympy.Integer(0))
        f = self.formulas[actor]
        subs: dict[sympy.Basic, sympy.Basic] = {}
        for j, k in enumerate(key):
            for kk, sym in enumerate(self._indicator_symbols[j]):
                if sym in self._free_indicators[actor]:
                    subs[sym] = sympy.Integer(1 if kk == k else 0)
        return f.xreplace(subs)

    def _profiles_text(self) -> str:
        shape = self.shape
        if len(set(shape)) == 1:
            return f"{shape[0]} strategies each"
        return "strategies " + " x ".join(str(m) for m in shape)

    @functools.cached_property
    def _free_indicators(self) -> tuple[frozenset[sympy.Symbol], ...]:
        """The indicators each payoff formula uses."""
        every = {s for row in self._indicator_symbols for s in row}
        return tuple(frozenset(f.free_symbols & every) for f in self.formulas)

    def _table_terms(self, actor: int) -> dict[tuple[int, ...], sympy.Expr] | None:
        """A payoff table's terms: profile indices -> payoff, when the formula is a sum of terms
        ``payoff * [1 = s_1] * ... * [n = s_n]`` (one indicator per actor, as :meth:`from_table`
        builds), else None (a formula, evaluated by substitution)."""
        return self._tables[actor]

    @functools.cached_property
    def _tables(self) -> tuple[dict[tuple[int, ...], sympy.Expr] | None, ...]:
        return tuple(self._read_table(i) for i in range(self.n_actors))

    def _read_table(self, actor: int) -> dict[tuple[int, ...], sympy.Expr] | None:
        where = {sym: (j, k) for j, row in enumerate(self._indicator_symbols) for k, sym in enumerate(row)}
        indicators = frozenset(where)
        out: dict[tuple[int, ...], sympy.Expr] = {}
        f = self.formulas[actor]
        if f == 0:
            return out
        for term in f.args if f.is_Add else (f,):
            idx: list[int | None] = [None] * self.n_actors
            rest = []
            for factor in term.args if term.is_Mul else (term,):
                if factor in where:
                    j, k = where[factor]
                    if idx[j] is not None:
                        return None
                    idx[j] = k
                elif not factor.is_Number and not indicators.isdisjoint(factor.free_symbols):
                    return None
                else:
                    rest.append(factor)
            if any(k is None for k in idx):
                return None
            key = tuple(k for k in idx if k is not None)
            value = sympy.Mul(*rest)
            out[key] = out[key] + value if key in out else value
        return out

    # -- evaluation ---------------------------------------------------------------------------

    @functools.cached_property
    def parameter_order(self) -> tuple[sympy.Symbol, ...]:
        """The parameters, sorted by name, in the order the compiled payoffs take them as arguments
        (for tables, only those their payoffs use)."""
        if all(t is not None for t in self._tables):  # tables: the parameters of their payoffs (a few symbols each)
            found = {s for t in self._tables if t is not None for e in t.values() for s in e.free_symbols}
            return tuple(sorted(found, key=lambda s: s.name))
        return tuple(sorted(self.parameter_symbols(), key=lambda s: s.name))

    @functools.cached_property
    def _compiled(self) -> tuple[tuple[Callable[..., Any] | None, tuple[tuple[int, int], ...]], ...]:
        """Each formula compiled to numpy, with the (actor, strategy) of the indicators it takes after the
        parameters (only those it uses: a game of 100,000 strategies does not compile 100,000 arguments)."""
        out: list[tuple[Callable[..., Any] | None, tuple[tuple[int, int], ...]]] = []
        for i, f in enumerate(self.formulas):
            if self._table_terms(i) is not None:  # a table: evaluated from its terms (compiled_tables)
                out.append((None, ()))
                continue
            used = [
                (j, k)
                for j, row in enumerate(self._indicator_symbols)
                for k, sym in enumerate(row)
                if sym in self._free_indicators[i]
            ]
            args = [*self.parameter_order, *(self._indicator_symbols[j][k] for j, k in used)]
            out.append((compile_numpy(args, f), tuple(used)))
        return tuple(out)

    @functools.cached_property
    def compiled_tables(self) -> tuple[_Table | None, ...]:
        """For each payoff table (:meth:`_table_terms`): its profiles, each one's index among the
        table's distinct payoffs, and one numpy function of the parameters giving those as a list
        (numbers are read once; a formula repeated across profiles is compiled once)."""
        out: list[_Table | None] = []
        for i in range(self.n_actors):
            found = self._table_terms(i)
            if found is None:
                out.append(None)
                continue
            keys = tuple(found)
            distinct: dict[sympy.Expr, int] = {}
            slots = tuple(distinct.setdefault(found[k], len(distinct)) for k in keys)
            exprs = list(distinct)
            f = compile_numpy(list(self.parameter_order), exprs) if exprs else None
            out.append((keys, slots, f))
        return tuple(out)

    def payoff_array(
        self, values: Mapping[str, npt.ArrayLike] | None = None, *, budget: float | None = None
    ) -> FloatArray:
        """Numeric payoffs at parameter ``values``: shape ``(n, m_1, ..., m_n)``.

        Values may also be arrays (a grid of parameter points, broadcast together to a shape
        ``G``): the result then has shape ``(n, m_1, ..., m_n, *G)``, computed in one pass.
        Every parameter the payoffs use must have a value; a payoff that is not a finite number
        (``log`` of a negative number, say) is a ``ScenarioError``. Before anything is allocated the
        array's size, :math:`n \\prod_i m_i` floats times the grid's points (and room for the
        evaluation), is checked against the memory budget (``budget`` in MiB, docs/format.md#budgets).

        >>> g = NormalFormGame.from_formulas({"A": ["x", "y"]}, {"A": "A.x * c"})
        >>> g.payoff_array({"c": [1.0, 2.0, 3.0]}).shape
        (1, 2, 3)
        """
        values = values or {}
        missing = [s.name for s in self.parameter_order if s.name not in values]
        if missing:
            raise ScenarioError(
                "a value for every parameter", found=f"none for {', '.join(missing)}", field="parameters"
            )
        params = [np.asarray(values[s.name], dtype=float) for s in self.parameter_order]
        grid = np.broadcast_shapes(*(p.shape for p in params)) if params else ()
        shape = self.shape
        full = (*shape, *grid)
        points = math.prod(full)
        check_bytes(
            "a payoff array",
            8.0 * points * (self.n_actors + 2),
            budget,
            field="actors",
            instead="fewer actors or strategies" + (", or a coarser grid" if grid else ""),
            found=f"{self.n_actors} actors, {self._profiles_text()}"
            + (f", at {math.prod(grid):,} grid points" if grid else "")
            + f": {self.n_actors * points:,} payoffs, {describe_bytes(8.0 * points * (self.n_actors + 2))}",
        )
        lifted = [np.broadcast_to(p, grid).reshape((1,) * len(shape) + grid) if grid else p for p in params]
        out = np.empty((self.n_actors, *full))
        with np.errstate(all="ignore"):
            for i, (f, used) in enumerate(self._compiled):
                table = self.compiled_tables[i]
                if table is not None:
                    out[i] = 0.0
                    keys, slots, g = table
                    if g is not None:
                        found = [_as_floats(v, grid) for v in g(*params)]
                        for key, slot in zip(keys, slots, strict=True):
                            out[(i, *key)] = found[slot]
                    continue
                assert f is not None
                indicators = []
                for j, k in used:
                    m = shape[j]
                    e = np.zeros(m)
                    e[k] = 1.0
                    view = [1] * len(full)
                    view[j] = m
                    indicators.append(np.broadcast_to(e.reshape(view), full))
                out[i] = np.broadcast_to(_as_floats(f(*lifted, *indicators), ()), full)
        out += 0.0  # no negative zeros in tables
        if not np.all(np.isfinite(out)):
            bad = np.argwhere(~np.isfinite(out))[0]
            where = ""
            if grid:
                point = tuple(int(k) for k in bad[1 + len(shape) :])
                where = " at " + ", ".join(
                    f"{s.name} = {float(np.broadcast_to(p, grid)[point]):g}"
                    for s, p in zip(self.parameter_order, params, strict=True)
                )
            raise ScenarioError(
                "finite payoffs at these parameter values",
                found=f"a payoff of {self.actors[int(bad[0])]} that is not{where}",
                field="payoffs",
            )
        return out

    def __getstate__(self) -> dict[str, Any]:
        """The fields alone: compiled functions and caches are not pickled (a worker process of
        :mod:`bargaining.analysis.deadline` sends results holding games back)."""
        keep = {f.name for f in dataclasses.fields(self)}
        return {k: v for k, v in self.__dict__.items() if k in keep}

    def _repr_html_(self) -> str:
        return repr_html(self)


def _as_floats(value: Any, grid: tuple[int, ...]) -> Any:
    """A computed payoff as floats (a number too large for a float becomes NaN, refused as not finite)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (OverflowError, TypeError, ValueError):
        return np.full(grid, np.nan) if grid else np.nan
    return np.broadcast_to(arr, grid) if grid else arr


_SAMPLED_PROFILES = 4096


def _with_defaults(expr: sympy.Expr, values: Mapping[str, float]) -> dict[str, float]:
    """``values``, with the default value for a symbol of ``expr`` that it does not give (as a game
    completes its parameter space)."""
    out = dict(values)
    for s in expr.free_symbols:
        out.setdefault(str(s), DEFAULT_VALUE)
    return out


def _check_number(expr: sympy.Expr, values: Mapping[str, float]) -> None:
    """A payoff without indicators: a finite real number at ``values`` (an ``ExpressionError`` otherwise)."""
    if isinstance(expr, sympy.Rational) and abs(int(expr.p)) < 2**1000 and int(expr.q) < 2**1000:
        return  # the common case of a table of numbers: no tree to walk
    check_finite_real(expr, _with_defaults(expr, values))


def _check_payoff(
    expr: sympy.Expr,
    values: Mapping[str, float],
    indicators: Mapping[str, Mapping[str, sympy.Symbol]],
    field: str,
) -> None:
    """A payoff formula is a finite real number at ``values`` at every profile.

    A term of the formula is a factor free of indicators times a product of indicators (0 or 1 at
    every profile): only the factor is evaluated. A term with indicators inside a function or a
    division is evaluated at every profile of the actors it involves (at most 4,096 of them; a
    random sample of that many beyond).
    """
    where = {s: (j, k) for j, ss in enumerate(indicators.values()) for k, s in enumerate(ss.values())}
    sizes = [len(ss) for ss in indicators.values()]
    for term in sympy.Add.make_args(expr):
        plain: list[sympy.Expr] = []
        rest: list[sympy.Expr] = []
        for factor in sympy.Mul.make_args(term):
            (rest if any(s in where for s in factor.free_symbols) else plain).append(factor)
        try:
            _check_number(sympy.Mul(*plain), values)
        except ScenarioError as err:
            raise err.located(field=field) from None
        if all(f in where or (f.is_Pow and f.base in where and f.exp.is_positive) for f in rest):
            continue  # a product of indicators: 0 or 1
        used = sorted({where[s][0] for f in rest for s in f.free_symbols if s in where})
        total = math.prod(sizes[j] for j in used)
        if total <= _SAMPLED_PROFILES:
            picks = np.unravel_index(np.arange(total), tuple(sizes[j] for j in used))
        else:
            rng = np.random.default_rng(0)
            picks = tuple(rng.integers(0, sizes[j], _SAMPLED_PROFILES) for j in used)
        chosen = dict(zip(used, picks, strict=True))
        at: dict[str, Any] = _with_defaults(term, values)
        for s, (j, k) in where.items():
            if s in term.free_symbols:
                at[str(s)] = (chosen[j] == k).astype(float)
        value, reason = evaluate_real(term, at)
        if reason is not None:
            bad = int(np.flatnonzero(~np.isfinite(np.broadcast_to(value, np.shape(picks[0]))))[0])
            actors = list(indicators)
            profile = ", ".join(f"{actors[j]} = {list(indicators[actors[j]])[int(chosen[j][bad])]}" for j in used)
            raise ScenarioError(
                "a finite real number at the default values at every profile",
                found=f"{str(term)[:80]} at {profile}, which is {reason}",
                field=field,
            )


def _product(symbols: Sequence[sympy.Symbol], rank: Mapping[sympy.Symbol, int]) -> sympy.Expr:
    """``sympy.Mul(*symbols)`` of distinct symbols, built in the canonical order sympy gives it
    (``rank``: each symbol's place when sorted by ``Basic.compare``) without its general
    simplification (a table of 40,000 profiles builds 40,000 of them).

    >>> x, y = indicator_symbol("B", "t"), indicator_symbol("A", "s")
    >>> rank = {s: k for k, s in enumerate(sorted([x, y], key=functools.cmp_to_key(sympy.Basic.compare)))}
    >>> _product([x, y], rank) == sympy.Mul(x, y) and _product([x, y], rank).args == sympy.Mul(x, y).args
    True
    """
    if len(symbols) == 1:
        return symbols[0]
    if len(set(symbols)) != len(symbols):
        return sympy.Mul(*symbols)
    return sympy.Mul._from_args(tuple(sorted(symbols, key=rank.__getitem__)))


def _times(value: sympy.Expr, weight: sympy.Expr) -> sympy.Expr:
    """``value * weight`` for a product of indicators ``weight``: a rational coefficient goes first,
    as in sympy's canonical form, without a general multiplication.

    >>> w = sympy.Mul(indicator_symbol("A", "s"), indicator_symbol("B", "t"))
    >>> all(_times(sympy.Rational(c), w) == sympy.Rational(c) * w for c in ("0", "1", "-1", "7/3"))
    True
    """
    if not isinstance(value, sympy.Rational) or not (weight.is_Mul or weight.is_Symbol):
        return value * weight
    if value == 0:
        return sympy.Integer(0)
    if value == 1:
        return weight
    return sympy.Mul._from_args((value, *sympy.Mul.make_args(weight)))

"""The typed model: actors, parameters, facts, observed outcomes and the scenario that holds a game.

Everything a scenario file can say is a frozen dataclass here, so that a theorist in a notebook
builds the same objects in Python. Objects are checked when they are built: a :class:`Parameter`
whose value lies outside its bounds cannot exist.

>>> from bargaining.model import Parameter
>>> Parameter("p", 0.8, min=0, max=1, source="illustrative assumption").value
0.8
>>> Parameter("p", 1.5, min=0, max=1, source="assumed")
Traceback (most recent call last):
...
bargaining.errors.ScenarioError: parameters.p.value: expected a number in [0, 1], found 1.5
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import sympy

from bargaining.errors import ScenarioError
from bargaining.expressions import parameter_symbol

if TYPE_CHECKING:
    from bargaining.games.bargain import BargainingProblem
    from bargaining.games.normal import NormalFormGame
    from bargaining.games.tree import TreeGame

__all__ = ["FORMAT", "Actor", "Fact", "Observed", "Parameter", "Scenario", "check_identifier"]

FORMAT = "bargaining/1"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset({"min", "max", "abs", "exp", "log", "sqrt"})

GameKind = Literal["normal", "tree", "bargain"]


def check_identifier(name: object, field_path: str) -> str:
    """``name`` if it is an identifier ``[A-Za-z_][A-Za-z0-9_]*``, else a ``ScenarioError``."""
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise ScenarioError("an identifier [A-Za-z_][A-Za-z0-9_]*", found=repr(name), field=field_path)
    return name


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class Actor:
    """A player: an identifier used in formulas and a readable name."""

    id: str
    name: str = ""

    def __post_init__(self) -> None:
        check_identifier(self.id, "actors.id")
        if not self.name:
            object.__setattr__(self, "name", self.id)


@dataclass(frozen=True)
class Parameter:
    """A named number of the model with its default value, bounds and where it comes from.

    ``source`` is required: a citation for data, or the words "illustrative assumption".
    """

    name: str
    value: float
    min: float = -math.inf
    max: float = math.inf
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        where = f"parameters.{self.name}"
        check_identifier(self.name, where)
        if self.name in RESERVED:
            raise ScenarioError(
                "a name other than the functions min, max, abs, exp, log, sqrt", found=repr(self.name), field=where
            )
        for attr in ("value", "min", "max"):
            v = getattr(self, attr)
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ScenarioError("a number", found=repr(v), field=f"{where}.{attr}")
            if attr == "value" and not math.isfinite(v):
                raise ScenarioError("a finite number", found=repr(v), field=f"{where}.{attr}")
            if math.isnan(v):
                raise ScenarioError("a number", found="nan", field=f"{where}.{attr}")
            object.__setattr__(self, attr, float(v))
        if self.min > self.max:
            raise ScenarioError("min <= max", found=f"min {_fmt(self.min)} > max {_fmt(self.max)}", field=where)
        self.check(self.value, f"{where}.value")

    def check(self, value: float, field_path: str | None = None) -> float:
        """``value`` if it is a number in [min, max], else a ``ScenarioError`` naming the bounds."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ScenarioError("a number", found=repr(value), field=field_path or f"parameters.{self.name}")
        if not math.isfinite(value) or not self.min <= value <= self.max:
            raise ScenarioError(
                f"a number in [{_fmt(self.min)}, {_fmt(self.max)}]",
                found=_fmt(value),
                field=field_path or f"parameters.{self.name}",
            )
        return float(value)

    @property
    def symbol(self) -> sympy.Symbol:
        """The real sympy symbol of this parameter."""
        return parameter_symbol(self.name)


@dataclass(frozen=True)
class Fact:
    """A dated real-world fact the model rests on, with its source."""

    date: str
    text: str
    source: str


@dataclass(frozen=True)
class Observed:
    """What really happened: actor -> strategy (or move), to hold the model against."""

    what: Mapping[str, str]
    date: str = ""
    source: str = ""
    note: str = ""
    settings: Mapping[str, float] = field(default_factory=dict)  # parameter values under which it was observed


def _date_text(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Scenario:
    """A titled, sourced model: actors, parameters, facts, observed outcomes and a game.

    ``values()`` gives the parameters' default values, optionally overridden and checked against
    their bounds; ``with_values`` returns the scenario with new defaults.
    """

    title: str
    game: NormalFormGame | TreeGame | BargainingProblem
    parameters: tuple[Parameter, ...] = ()
    actors: tuple[Actor, ...] = ()
    summary: str = ""
    facts: tuple[Fact, ...] = ()
    observed: tuple[Observed, ...] = ()
    kind: GameKind = "normal"
    path: str = ""
    extra: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [p.name for p in self.parameters]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ScenarioError(
                "unique parameter names", found=f"{dupes[0]!r} twice", file=self.path or None, field="parameters"
            )
        if not self.actors:
            object.__setattr__(self, "actors", tuple(Actor(a) for a in self.game.actors))
        if tuple(a.id for a in self.actors) != self.game.actors:
            raise ScenarioError(
                f"the game's actors {list(self.game.actors)}",
                found=str([a.id for a in self.actors]),
                file=self.path or None,
                field="actors",
            )
        unknown = {s.name for s in self.game.parameter_symbols()} - set(names)
        if unknown:
            raise ScenarioError(
                "every symbol of the payoffs declared under [parameters]",
                found=", ".join(sorted(unknown)),
                file=self.path or None,
                field="parameters",
            )

    @property
    def name(self) -> str:
        """The file's stem, or the title when built in Python."""
        if self.path:
            from pathlib import Path

            return Path(self.path).stem
        return self.title

    @property
    def normal_form(self) -> NormalFormGame:
        """The scenario's normal-form game (a ``ScenarioError`` for a game tree)."""
        from bargaining.games.normal import NormalFormGame

        if not isinstance(self.game, NormalFormGame):
            raise ScenarioError(
                'a normal-form game (game = "normal")',
                found=f"a {self.kind} game",
                file=self.path or None,
                field="game",
            )
        return self.game

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (a ``ScenarioError`` names the known ones otherwise)."""
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ScenarioError(f"a parameter of the scenario ({known})", found=repr(name), file=self.path or None)

    def values(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """Parameter values: the defaults, with ``overrides`` checked against each parameter's bounds."""
        values = {p.name: p.value for p in self.parameters}
        for name, v in (overrides or {}).items():
            values[name] = self.parameter(name).check(v, f"parameters.{name}")
        return values

    def symbols(self) -> dict[str, sympy.Symbol]:
        """The parameters' sympy symbols by name (real symbols: ``sympy.Symbol("c")`` is a different one)."""
        return {p.name: p.symbol for p in self.parameters}

    def with_values(self, overrides: Mapping[str, float]) -> Scenario:
        """The same scenario whose parameters default to ``overrides`` where given."""
        self.values(overrides)
        params = tuple(
            replace(p, value=float(overrides[p.name])) if p.name in overrides else p for p in self.parameters
        )
        return replace(self, parameters=params)

    def _repr_html_(self) -> str:
        from bargaining.display.html import scenario_html

        return scenario_html(self)


def fact_from_mapping(item: Mapping[str, object]) -> Fact:
    """A :class:`Fact` from a TOML table (the loader checks the fields first)."""
    return Fact(_date_text(item.get("date", "")), str(item.get("text", "")), str(item.get("source", "")))

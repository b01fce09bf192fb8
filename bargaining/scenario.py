"""The scenario: a titled, sourced model holding a game, its facts and the observed record.

Everything a scenario file can say is a frozen dataclass here or in :mod:`bargaining.parameters`
and :mod:`bargaining.games`, so that a theorist in a notebook builds the same objects in Python.
Objects are checked when they are built. A scenario's parameters are its game's
(:class:`~bargaining.parameters.ParameterSpace`); :meth:`Scenario.of` wraps a bare game, so every
analysis accepts either.

>>> from bargaining.games.normal import NormalFormGame
>>> game = NormalFormGame.from_table({"P": ["reward", "withhold"], "T": ["comply", "defy"]},
...     {("reward", "comply"): ("3 - r", "r - c"), ("reward", "defy"): (0, 0),
...      ("withhold", "comply"): (3, "-c"), ("withhold", "defy"): (0, 0)},
...     parameters={"r": (2.0, 0.0, 10.0), "c": (1.3, 0.0, 5.0)})
>>> Scenario.of(game).values({"r": 4})
{'r': 4.0, 'c': 1.3}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeAlias

import sympy

from bargaining._repr import repr_html
from bargaining.errors import ScenarioError
from bargaining.parameters import FORMAT, GameKind, Parameter, ParameterSpace, check_identifier

if TYPE_CHECKING:
    from bargaining.games.bargain import BargainingProblem
    from bargaining.games.bayesian import BayesianGame
    from bargaining.games.normal import NormalFormGame
    from bargaining.games.signalling import SignallingGame
    from bargaining.games.tree import TreeGame
    from bargaining.games.two_level import TwoLevelGame

    Game: TypeAlias = NormalFormGame | TreeGame | BargainingProblem | TwoLevelGame | SignallingGame | BayesianGame

__all__ = ["FORMAT", "Actor", "Claim", "Fact", "GameKind", "Observed", "Parameter", "Scenario", "check_identifier"]


@dataclass(frozen=True)
class Actor:
    """A player: an identifier used in formulas and a readable name."""

    id: str
    name: str = ""

    def __post_init__(self) -> None:
        check_identifier(self.id, "actors.id")
        if not self.name:
            object.__setattr__(self, "name", self.id)


def _date_text(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


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


@dataclass(frozen=True)
class Claim:
    """A counterfactual claim of the model, checked like an observation: under ``settings`` (the
    defaults updated by these values) the actors would play ``what``.

    ``text`` states the claim in words and ``source`` says whose claim it is (a model's own claim
    cites where the model makes it). Example: with a transitory period of 2 years Russia rejects,

    >>> claim = Claim({"RU": "reject"}, {"T": 2.0}, "with T = 2 Russia rejects", "model claim (docs/models.md)")
    >>> dict(claim.what), dict(claim.settings)
    ({'RU': 'reject'}, {'T': 2.0})
    """

    what: Mapping[str, str]
    settings: Mapping[str, float] = field(default_factory=dict)
    text: str = ""
    source: str = ""


@dataclass(frozen=True)
class Scenario:
    """A titled, sourced model: actors, parameters, facts, observed outcomes and a game.

    ``values()`` gives the parameters' default values, optionally overridden and checked against
    their bounds; ``with_values`` returns the scenario with new defaults. ``claims`` are the model's
    counterfactual claims, checked like the ``observed`` record.
    """

    title: str
    game: Game
    parameters: tuple[Parameter, ...] = ()
    actors: tuple[Actor, ...] = ()
    summary: str = ""
    facts: tuple[Fact, ...] = ()
    observed: tuple[Observed, ...] = ()
    kind: GameKind = "normal"
    path: str = ""
    extra: Mapping[str, object] = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()

    def __post_init__(self) -> None:
        given = self.parameters
        try:
            game = self.game.with_parameters(ParameterSpace.of(given)) if given else self.game
        except ScenarioError as err:
            raise err.located(file=self.path or None) from None
        object.__setattr__(self, "game", game)
        object.__setattr__(self, "parameters", game.parameters.parameters)
        if not self.actors:
            object.__setattr__(self, "actors", tuple(Actor(a) for a in self.game.actors))
        if tuple(a.id for a in self.actors) != self.game.actors:
            raise ScenarioError(
                f"the game's actors {list(self.game.actors)}",
                found=str([a.id for a in self.actors]),
                file=self.path or None,
                field="actors",
            )
        if self.kind != game.kind:
            object.__setattr__(self, "kind", game.kind)

    @classmethod
    def of(cls, model: Scenario | Game, title: str = "") -> Scenario:
        """``model`` itself if it is a scenario, else a scenario around a bare game (with its parameters).

        Every analysis calls this, so that it accepts a scenario or a game built in Python alike.
        """
        if isinstance(model, Scenario):
            return model
        if not hasattr(model, "with_parameters") or not hasattr(model, "kind"):
            raise ScenarioError("a Scenario or a game (normal form, tree or package deal)", found=type(model).__name__)
        return cls(title or f"a {model.kind} game built in Python", model, kind=model.kind)

    @property
    def space(self) -> ParameterSpace:
        """The game's parameter space."""
        return self.game.parameters

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
        try:
            return self.space[name]
        except ScenarioError as err:
            raise err.located(file=self.path or None) from None

    def values(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """Parameter values: the defaults, with ``overrides`` checked against each parameter's bounds."""
        values = {p.name: p.value for p in self.parameters}
        for name, v in (overrides or {}).items():
            values[name] = self.parameter(name).check(v, f"parameters.{name}")
        return values

    def symbols(self) -> dict[str, sympy.Symbol]:
        """The parameters' sympy symbols by name (real symbols: ``sympy.Symbol("c")`` is a different one)."""
        return self.space.symbols()

    def with_values(self, overrides: Mapping[str, float]) -> Scenario:
        """The same scenario whose parameters default to ``overrides`` where given."""
        self.values(overrides)
        space = self.space.with_values(overrides)
        return replace(self, game=self.game.with_parameters(space), parameters=())

    def _repr_html_(self) -> str:
        return repr_html(self)


def fact_from_mapping(item: Mapping[str, object]) -> Fact:
    """A :class:`Fact` from a TOML table (the loader checks the fields first)."""
    return Fact(_date_text(item.get("date", "")), str(item.get("text", "")), str(item.get("source", "")))

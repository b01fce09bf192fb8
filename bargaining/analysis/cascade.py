"""The domino question for signing games: least and greatest equilibria and the cascade, labelled.

A game where every actor chooses between two strategies is read with the **last listed strategy
as the status quo** (``stay_out``) and the first as the move away from it (``sign``). When the game
has increasing differences in that order (signing is worth more the more others sign), the least
and greatest equilibria and the cascade from the status quo answer "why did the domino not fall?"
(docs/models.md#the-signing-game; :mod:`bargaining.kernels.lattice`).

>>> from bargaining.io.scenario_file import load
>>> c = cascade(load("central_asia_signing"))
>>> c.least, c.steps
(('UZ',), (('UZ',),))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bargaining.analysis.result import FrozenMap, Result
from bargaining.games.normal import NormalFormGame
from bargaining.kernels.lattice import lattice
from bargaining.scenario import Scenario

__all__ = ["Cascade", "cascade"]


@dataclass(frozen=True, eq=False)
class Cascade(Result):
    """Who moves (signs) in the least and greatest equilibria, and the cascade's steps from nobody."""

    move: Mapping[str, str]
    least: tuple[str, ...]
    greatest: tuple[str, ...]
    steps: tuple[tuple[str, ...], ...]
    descent: tuple[tuple[str, ...], ...]
    method: str = "lattice of a game of strategic complements: least and greatest equilibria (Topkis; Tarski)"
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    @property
    def unique(self) -> bool:
        return self.least == self.greatest

    def to_dict(self) -> dict[str, Any]:
        return {
            "move": dict(self.move),
            "least": list(self.least),
            "greatest": list(self.greatest),
            "cascade": [list(s) for s in self.steps],
            "descent": [list(s) for s in self.descent],
            "unique": self.unique,
            "method": self.method,
        }


def cascade(model: Scenario | NormalFormGame, values: Mapping[str, float] | None = None) -> Cascade | None:
    """The lattice of a two-strategy game of complements, or None when the game is not one."""
    scenario = Scenario.of(model)
    game = scenario.game
    if not isinstance(game, NormalFormGame) or game.n_actors < 2 or any(m != 2 for m in game.shape):
        return None
    vals = scenario.values(values)
    arr = game.payoff_array(vals)
    lat = lattice(arr, high=[0] * game.n_actors, low=[1] * game.n_actors)
    if not lat.supermodular:
        return None

    def movers(profile: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(a for a, s in zip(game.actors, profile, strict=True) if s == 0)

    return Cascade(
        move={a: ss[0] for a, ss in zip(game.actors, game.strategies, strict=True)},
        least=movers(lat.least),
        greatest=movers(lat.greatest),
        steps=tuple(movers(p) for p in lat.cascade[1:]),
        descent=tuple(movers(p) for p in lat.descent[1:]),
        values=vals,
    )

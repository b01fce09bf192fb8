"""Result objects: frozen, labelled by actor and strategy, carrying how they were obtained.

A result knows its numbers, its exact (sympy) form where one exists, the parameter values and the
method; ``to_dict()`` gives the ``--json`` keys of FORMAT.md section 7 and ``_repr_html_`` a
table in Jupyter.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy

from bargaining._repr import repr_html

if TYPE_CHECKING:
    from bargaining.games.normal import NormalFormGame

__all__ = ["Equilibrium", "EquilibriumSet", "clean_number"]


def clean_number(x: float, digits: int = 12) -> float:
    """``x`` rounded to ``digits`` decimals, with ``-0.0`` made ``0.0`` (for printing and JSON)."""
    r = round(float(x), digits)
    return 0.0 if r == 0 else r


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium: each actor's mixed strategy and expected payoff.

    ``exact_probabilities`` and ``exact_payoffs`` are sympy expressions in the parameters when the
    indifference conditions could be solved symbolically (and agree with the numbers), else None.
    ``component`` numbers the connected component of the equilibrium set it belongs to.
    """

    actors: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    probabilities: tuple[tuple[float, ...], ...]
    payoffs: tuple[float, ...]
    exact_probabilities: tuple[tuple[sympy.Expr, ...], ...] | None = None
    exact_payoffs: tuple[sympy.Expr, ...] | None = None
    component: int = 0

    @property
    def pure(self) -> bool:
        """Whether every actor plays one strategy with probability 1."""
        return all(sum(1 for p in probs if p > 0) == 1 for probs in self.probabilities)

    def strategy(self, actor: str) -> dict[str, float]:
        """Actor's mixed strategy as strategy -> probability."""
        i = self.actors.index(actor)
        return dict(zip(self.strategies[i], self.probabilities[i], strict=True))

    def payoff(self, actor: str) -> float:
        """Actor's expected payoff."""
        return self.payoffs[self.actors.index(actor)]

    def support(self, actor: str) -> tuple[str, ...]:
        """The strategies actor plays with positive probability."""
        return tuple(s for s, p in self.strategy(actor).items() if p > 0)

    def to_dict(self) -> dict[str, Any]:
        """FORMAT.md section 7: ``strategy``, ``payoff``, ``pure``; ``exact`` when known."""
        out: dict[str, Any] = {
            "strategy": {
                a: {s: clean_number(p) for s, p in zip(ss, ps, strict=True)}
                for a, ss, ps in zip(self.actors, self.strategies, self.probabilities, strict=True)
            },
            "payoff": {a: clean_number(u) for a, u in zip(self.actors, self.payoffs, strict=True)},
            "pure": self.pure,
            "component": self.component,
        }
        if self.exact_probabilities is not None and self.exact_payoffs is not None:
            out["exact"] = {
                "strategy": {
                    a: {s: str(p) for s, p in zip(ss, ps, strict=True)}
                    for a, ss, ps in zip(self.actors, self.strategies, self.exact_probabilities, strict=True)
                },
                "payoff": {a: str(u) for a, u in zip(self.actors, self.exact_payoffs, strict=True)},
                "latex": {a: sympy.latex(u) for a, u in zip(self.actors, self.exact_payoffs, strict=True)},
            }
        return out


@dataclass(frozen=True)
class EquilibriumSet:
    """Every Nash equilibrium a solver found for a game at given parameter values.

    ``complete`` says whether mixed equilibria were enumerated (two actors) or only pure ones
    (three or more); ``degenerate`` whether the game is degenerate (None where not examined);
    ``components`` groups equilibria joined by a continuum; ``notes`` says, in words, what a reader
    must know (a continuum, mixed equilibria not enumerated, an exact form that is missing).
    """

    game: NormalFormGame
    equilibria: tuple[Equilibrium, ...]
    values: Mapping[str, float]
    method: str
    complete: bool
    degenerate: bool | None = None
    components: tuple[tuple[int, ...], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self) -> Iterator[Equilibrium]:
        return iter(self.equilibria)

    def __getitem__(self, k: int) -> Equilibrium:
        return self.equilibria[k]

    @property
    def pure(self) -> tuple[Equilibrium, ...]:
        """The pure equilibria."""
        return tuple(e for e in self.equilibria if e.pure)

    @property
    def continuum(self) -> bool:
        """Whether some equilibria are joined by a continuum (infinitely many equilibria)."""
        return any(len(c) > 1 for c in self.components)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` output of ``bargaining solve`` for a normal-form game (FORMAT.md section 7)."""
        out: dict[str, Any] = {
            "game": "normal",
            "equilibria": [e.to_dict() for e in self.equilibria],
            "method": self.method,
            "mixed_enumerated": self.complete,
            "degenerate": self.degenerate,
            "components": [list(c) for c in self.components],
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
        }
        if self.notes:
            out["note"] = " ".join(self.notes)
        return out

    def _repr_html_(self) -> str:
        return repr_html(self)

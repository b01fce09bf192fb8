"""Plain-text reports for the command line."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bargaining.games.normal import NormalFormGame
from bargaining.model import Scenario
from bargaining.results import Equilibrium, EquilibriumSet, clean_number

__all__ = ["equilibria_text", "number", "payoff_table_text", "report", "strategy_text"]


def number(x: float) -> str:
    """A number as a reader wants it: at most 6 significant digits, no ``-0``."""
    return f"{clean_number(x, 10):.6g}"


def strategy_text(eq: Equilibrium, actor: str) -> str:
    """``offer`` for a pure strategy, ``0.25 monitor + 0.75 trust`` for a mixed one."""
    mix = {s: p for s, p in eq.strategy(actor).items() if p > 1e-12}
    if len(mix) == 1:
        return next(iter(mix))
    return " + ".join(f"{number(p)} {s}" for s, p in mix.items())


def _grid(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def payoff_table_text(game: NormalFormGame, payoffs: npt.NDArray[np.float64]) -> list[str]:
    """A two-actor game's payoff table: rows for the first actor, columns for the second."""
    a, b = game.actors
    header = [f"{a} \\ {b}", *game.strategies[1]]
    rows = [header]
    for i, s in enumerate(game.strategies[0]):
        rows.append([s, *(f"{number(payoffs[0, i, j])}, {number(payoffs[1, i, j])}" for j in range(game.shape[1]))])
    return _grid(rows)


def equilibria_text(result: EquilibriumSet, *, exact: bool = True) -> list[str]:
    """One block per equilibrium: strategies, payoffs and, where known, exact payoffs."""
    kind = "every equilibrium, mixed included" if result.complete else "every pure equilibrium"
    lines = [f"Nash equilibria ({kind}; {result.method}): {len(result)}"]
    if not len(result):
        lines.append("  none in pure strategies")
    for k, eq in enumerate(result):
        strategies = "; ".join(f"{a} plays {strategy_text(eq, a)}" for a in eq.actors)
        pays = ", ".join(f"{a} {number(u)}" for a, u in zip(eq.actors, eq.payoffs, strict=True))
        lines.append(f"  #{k + 1}  {strategies}")
        lines.append(f"       payoffs: {pays}")
        if exact and eq.exact_payoffs is not None:
            if not eq.pure and eq.exact_probabilities is not None:
                for a, ss, ps in zip(eq.actors, eq.strategies, eq.exact_probabilities, strict=True):
                    mixed = ", ".join(f"P({s}) = {p}" for s, p in zip(ss, ps, strict=True) if p != 0)
                    lines.append(f"       exactly, {a}: {mixed}")
            formulas = ", ".join(f"{a} = {u}" for a, u in zip(eq.actors, eq.exact_payoffs, strict=True))
            lines.append(f"       payoffs as formulas: {formulas}")
    for note in result.notes:
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    return lines


def report(scenario: Scenario, result: EquilibriumSet, observed_matches: Sequence[Sequence[int]] = ()) -> str:
    """The short readable report of ``bargaining`` and ``bargaining solve``."""
    game = scenario.game
    lines = [scenario.title, "=" * len(scenario.title)]
    if scenario.summary:
        lines += [*textwrap.wrap(" ".join(scenario.summary.split()), 96), ""]
    names = "; ".join(
        f"{a.id} ({a.name}): {', '.join(ss)}" for a, ss in zip(scenario.actors, game.strategies, strict=True)
    )
    lines += textwrap.wrap(f"Actors and strategies: {names}", 96, subsequent_indent="  ")
    changed = {
        k: v
        for k, v in result.values.items()
        if k in {p.name for p in scenario.parameters} and v != scenario.parameter(k).value
    }
    values = ", ".join(f"{k} = {number(v)}" + (" (set)" if k in changed else "") for k, v in result.values.items())
    lines += textwrap.wrap(f"Parameters: {values}", 96, subsequent_indent="  ")
    if game.n_actors == 2 and max(game.shape) <= 8:
        lines += ["", "Payoffs (" + ", ".join(game.actors) + "):"]
        lines += ["  " + row for row in payoff_table_text(game, game.payoff_array(dict(result.values)))]
    lines += ["", *equilibria_text(result)]
    if scenario.observed:
        lines += ["", "The record:"]
        for obs, hits in zip(scenario.observed, observed_matches or [[] for _ in scenario.observed], strict=True):
            what = ", ".join(f"{a} {s}" for a, s in obs.what.items())
            where = ("equilibrium " + ", ".join(f"#{h + 1}" for h in hits)) if hits else "no equilibrium"
            when = f" ({obs.date})" if obs.date else ""
            lines.append(f"  {what}{when}: played in {where}. Source: {obs.source}")
    return "\n".join(lines)

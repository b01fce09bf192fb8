"""Plain-text reports for the command line."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bargaining.games.normal import NormalFormGame
from bargaining.model import Scenario
from bargaining.results import Equilibrium, EquilibriumSet, clean_number
from bargaining.sweep import Sweep
from bargaining.threshold import Threshold

__all__ = [
    "equilibria_text",
    "number",
    "payoff_table_text",
    "report",
    "side_text",
    "strategy_text",
    "sweep_text",
    "threshold_text",
]


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


def side_text(t: Threshold) -> str:
    """Where the preferred strategy is the better reply, in words."""
    if t.favours == "above":
        return f"when {t.parameter} >= {t.parameter}* (indifferent at it)"
    if t.favours == "below":
        return f"when {t.parameter} <= {t.parameter}* (indifferent at it)"
    if t.favours == "always":
        return f"for every {t.parameter} in its range"
    return f"for no {t.parameter} in its range"


def threshold_text(t: Threshold) -> str:
    """The report of ``bargaining threshold``."""
    lines = [f"Threshold for {t.parameter}: {t.actor} prefers {t.prefer} over {t.over} {side_text(t)}"]
    if t.others:
        lines.append(f"  given: {t.others}")
    if t.formula is not None:
        lines.append(f"  {t.parameter}* = {t.formula}")
    if t.value is not None:
        kind = "" if t.exact else " (numeric root, no closed form)"
        lines.append(f"  value at the scenario's parameters: {number(t.value)}{kind}")
    if t.conditions:
        lines.append("  valid where: " + ", ".join(str(c) for c in t.conditions))
    if len(t.solutions) > 1:
        lines.append("  all roots: " + ", ".join(str(s) for s in t.solutions))
    lines.append(f"  payoff difference {t.prefer} - {t.over}: {t.difference}")
    if t.comparative_statics:
        lines.append("  comparative statics (sign of the derivative over the parameters' [min, max]):")
        width = max(len(q) for q in t.comparative_statics)
        for q, s in t.comparative_statics.items():
            lines.append(f"    d{t.parameter}*/d{q:<{width}}  {s!s:<26} {t.derivatives[q]}")
    for note in t.notes:
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    return "\n".join(lines)


def sweep_text(result: Sweep) -> str:
    """The report of ``bargaining sweep``: the grid, then each distinct set of equilibria and where it holds."""
    axes = ", ".join(f"{a} from {number(v[0])} to {number(v[-1])} ({len(v)} values)" for a, v in result.axes.items())
    points = int(np.prod(result.shape))
    lines = [f"Sweep over {axes}: {points} points", f"  method: {result.method}"]
    if result.fixed:
        lines += textwrap.wrap(
            "  fixed: " + ", ".join(f"{k} = {number(v)}" for k, v in result.fixed.items()), 96, subsequent_indent="    "
        )
    lines.append("Equilibria found, by share of the grid:")
    for o in result.outcomes():
        ranges = ", ".join(f"{a} in [{number(lo)}, {number(hi)}]" for a, (lo, hi) in o["ranges"].items())
        flag = " (degenerate)" if o["degenerate"] else ""
        lines.append(f"  {100 * o['share']:5.1f}%  {ranges}{flag}")
        for eq in o["equilibria"] or ["no equilibrium found"]:
            lines.append(f"           {eq}")
    for note in result.notes:
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    return "\n".join(lines)

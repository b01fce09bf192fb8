"""Text for two-level games: each side's win set, the zone of agreement and the negotiated outcome.

A face: it only formats a :class:`~bargaining.analysis.two_level.Ratification` (docs/models.md#two-level-games).

>>> from bargaining.analysis.two_level import ratify
>>> from bargaining.io.scenario_file import load
>>> print(ratification_text(ratify(load("eu_russia_ratification"))).splitlines()[0])
Win sets (offers v each side ratifies):
"""

from __future__ import annotations

from collections.abc import Sequence

from bargaining.analysis.two_level import Bound, Interval, Ratification

__all__ = ["ratification_text"]


def _bound(b: Bound) -> str:
    who = ", ".join(b.by)
    formula = str(b.formula)
    shown = f"{b.value:.6g}" if formula == f"{b.value:g}" or b.by == ("offer space",) else f"{b.value:.6g} = {formula}"
    return f"{shown} ({who})" if b.by != ("offer space",) else shown


def _intervals(intervals: Sequence[Interval]) -> str:
    if not intervals:
        return "empty"
    return " ∪ ".join(f"[{_bound(i.low)}, {_bound(i.high)}]" for i in intervals)


def ratification_text(result: Ratification, title: str = "") -> str:
    """The command's report of a two-level game: win sets, zone, agreement and the Nash outcome."""
    game = result.game
    v = game.offer
    lines = ([title, ""] if title else []) + ["Win sets (offers v each side ratifies):"]
    for w in result.win_sets:
        n = len(game.ratifiers_of(w.actor))
        rule = f"{w.rule}, {w.quota} of {n} ratifiers" if n else "no ratifiers"
        lines.append(f"  W_{w.actor} = {_intervals(w.intervals)}   [{rule}; its negotiator's U >= d too]")
    lines.append(f"Zone of agreement W_{game.actors[0]} ∩ W_{game.actors[1]} = {_intervals(result.zone)}")
    if not result.agreement:
        lines.append("No agreement: " + " ".join(result.notes))
        pays = ", ".join(f"U_{a} = {u:.6g}" for a, u in zip(game.actors, result.payoffs, strict=True))
        lines.append(f"Outcome: the status quo ({pays})")
        return "\n".join(lines)
    lines.append("Agreement: the win sets intersect.")
    pays = ", ".join(f"U_{a} = {u:.6g}" for a, u in zip(game.actors, result.payoffs, strict=True))
    if result.offer is not None:
        formula = f" = {result.offer_formula}" if result.offer_formula is not None else ""
        lines.append(f"Nash bargaining outcome: {v} = {result.offer:.6g}{formula}, {pays}")
    else:
        lottery = ", ".join(f"{v} = {x:.6g} with probability {w:.6g}" for x, w in result.lottery)
        lines.append(f"Nash bargaining outcome: a lottery ({lottery}), {pays}")
    if result.payoff_formulas is not None:
        for a, e in zip(game.actors, result.payoff_formulas, strict=True):
            lines.append(f"  U_{a} = {e}")
    lines += [f"Note: {n}" for n in result.notes]
    return "\n".join(lines)

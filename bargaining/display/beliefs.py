"""Plain-text reports for games with beliefs: screening trees and Bayesian games (faces: no computing)."""

from __future__ import annotations

import textwrap

from bargaining.analysis.screening import Screening
from bargaining.display.numbers import number
from bargaining.display.text import side_text

__all__ = ["screening_text"]


def screening_text(result: Screening) -> str:
    """The screening part of ``bargaining solve`` for a screening tree: the pooling and separating
    offers, the proposer's choice and the belief threshold with its comparative statics."""
    lines = [
        f"Screening at {result.node}: {result.actor} chooses {result.parameter} not knowing the type drawn at "
        f"{result.chance} ({result.belief} = {number(result.values[result.belief])})"
    ]
    for kind in ("pooling", "separating"):
        if kind not in result.offers:
            lines.append(f"  {kind}: no such offer")
            continue
        replies = ", ".join(f"{t} {m}" for t, m in result.replies[kind].items())
        lines.append(
            f"  {kind}: {result.parameter} = {result.offer_formulas[kind]} = {number(result.offers[kind])}"
            f" ({replies}); {result.actor} expects {number(result.expected[kind])}"
        )
    lines.append(f"  {result.actor}'s choice: {result.choice}")
    t = result.threshold
    if t is not None:
        lines.append(f"  {result.actor} separates rather than pools {side_text(t)}")
        if t.formula is not None:
            lines += textwrap.wrap(f"{t.parameter}* = {t.formula}", 96, initial_indent="  ", subsequent_indent="    ")
        if t.value is not None:
            lines.append(f"  {t.parameter}* = {number(t.value)} at the scenario's parameters")
        if result.statics_where_defined:
            lines.append(f"  comparative statics of {t.parameter}* where 0 ≤ {t.parameter}* ≤ 1 (sampled):")
            for q, s in result.statics_where_defined.items():
                if s.sign != "0":
                    lines.append(f"    d{t.parameter}*/d{q}  {s.sign}")
    for note in (*result.notes, *(t.notes if t is not None else ())):
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    return "\n".join(lines)

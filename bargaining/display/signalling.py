"""The command's text for a signalling game's perfect Bayesian equilibria (a face: it computes nothing).

>>> from bargaining.io.scenario_file import load
>>> from bargaining.analysis.pbe import perfect_bayesian
>>> scenario = load("conditionality_signalling")
>>> print(pbe_text(scenario, perfect_bayesian(scenario)).splitlines()[3])
1. separating: low sends reform, high sends wait; EU answers reform with reward, wait with withhold
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from bargaining.analysis.pbe import PBEResult
from bargaining.scenario import Scenario

__all__ = ["pbe_text"]


def _n(x: Fraction) -> str:
    return str(x) if x.denominator <= 1000 else f"{float(x):.6g}"


def _belief(types: Sequence[str], belief: Sequence[Fraction]) -> str:
    return ", ".join(f"{t} {_n(v)}" for t, v in zip(types, belief, strict=True))


def pbe_text(scenario: Scenario, result: PBEResult) -> str:
    """Every PBE (its name, strategies, beliefs on and off the path, payoffs, the intuitive
    criterion) and the belief thresholds with their formulas."""
    g = result.game
    at = ", ".join(f"{k} = {v:g}" for k, v in result.values.items())
    lines = [
        f"{scenario.title}",
        f"Perfect Bayesian equilibria (pure) at {at}; prior: {_belief(g.types, list(result.prior.values()))}",
        "",
    ]
    if not result.equilibria:
        lines.append("No pure-strategy perfect Bayesian equilibrium.")
    for k, eq in enumerate(result.equilibria, 1):
        sends = ", ".join(f"{t} sends {m}" for t, m in eq.sender.items())
        answers = ", ".join(f"{m} with {a}" for m, a in eq.receiver.items())
        lines.append(f"{k}. {eq.kind}: {sends}; {g.receiver} answers {answers}")
        for m, post in eq.beliefs.items():
            lines.append(f"   belief after {m} (Bayes' rule): {_belief(g.types, post)}")
        for m, region in eq.off_path.items():
            if region.interval is not None:
                lo, hi = region.interval
                lines.append(
                    f"   belief after {m} (off the path): any with P({g.types[0]}) in [{_n(lo)}, {_n(hi)}]"
                    f" makes {region.action} a best reply"
                )
            else:
                corners = "; ".join("(" + _belief(g.types, v) + ")" for v in region.vertices)
                lines.append(f"   beliefs after {m} (off the path): the region with corners {corners}")
        pays = ", ".join(f"{t} {_n(v)}" for t, v in eq.sender_payoffs.items())
        lines.append(f"   payoffs: {g.sender} ({pays}); {g.receiver} {_n(eq.receiver_payoff)} (expected)")
        lines.append(f"   intuitive criterion: {eq.intuitive_reason}")
    if result.thresholds:
        lines += ["", f"Belief thresholds (the belief in {g.types[0]} at which {g.receiver} is indifferent):"]
        for th in result.thresholds:
            value = "no value here" if th.value is None else _n(th.value)
            above = f"; above it {th.better_above} is better" if th.better_above else ""
            lines.append(
                f"   after {th.message}, {th.actions[0]} vs {th.actions[1]}: mu* = {th.formula} = {value}{above}"
            )
    lines += ["", *result.notes]
    return "\n".join(lines)

"""The command's text for a Bayesian game's Bayes–Nash equilibria and belief thresholds (a face: it computes nothing).

>>> from bargaining.analysis.bayes_nash import bayes_nash
>>> from bargaining.games.bayesian import BayesianGame
>>> game = BayesianGame.from_formulas(
...     {"RU": ["press", "wait"], "KZ": ["sign", "stay_out"]}, {"KZ": ["low", "high"]},
...     {"KZ": {"low": "mu", "high": "1 - mu"}},
...     {"RU": "RU.press * (g * KZ.sign - c * KZ.stay_out)",
...      "KZ": "KZ.sign * (D * RU.press - KZ.low - 3 * KZ.high)"},
...     parameters={"mu": (0.3, 0.0, 1.0), "g": (1.0, 0.0, 5.0), "c": (1.0, 0.0, 5.0), "D": (1.5, 0.0, 5.0)})
>>> scenario = Scenario.of(game)
>>> text = bayes_nash_text(scenario, bayes_nash(scenario, thresholds=True))
>>> print(text.splitlines()[3])
1. RU: wait; KZ: low stay_out, high stay_out
>>> print(text.splitlines()[8])
      RU prefers press to wait at or above it: mu* = c/(c + g) = 0.5 (not an equilibrium here)
"""

from __future__ import annotations

from collections.abc import Mapping

from bargaining.analysis.bayes_nash import BayesNash
from bargaining.scenario import Scenario

__all__ = ["bayes_nash_text"]


def _plan(plan: Mapping[str, Mapping[str, str]]) -> str:
    parts = []
    for actor, per in plan.items():
        if list(per) == ["only"]:
            parts.append(f"{actor}: {per['only']}")
        else:
            parts.append(f"{actor}: " + ", ".join(f"{t} {x}" for t, x in per.items()))
    return "; ".join(parts)


def _n(x: float) -> str:
    return f"{x:.6g}"


def bayes_nash_text(scenario: Scenario, result: BayesNash) -> str:
    """Every pure Bayes–Nash equilibrium (each agent's interim payoff), the mixed ones read as
    behaviour per type, and the belief thresholds with their formulas."""
    g = result.game
    at = ", ".join(f"{k} = {v:g}" for k, v in result.values.items())
    priors = "; ".join(
        f"{a}: " + ", ".join(f"P({t}) = {p}" for t, p in zip(ts, row, strict=True))
        for a, ts, row in zip(g.actors, g.types, g.prior, strict=True)
        if len(ts) > 1
    )
    lines = [
        scenario.title,
        f"Bayes–Nash equilibria (pure, agent form) at {at}" + (f"; prior: {priors}" if priors else ""),
        "",
    ]
    if not result.pure:
        lines.append("No pure-strategy Bayes–Nash equilibrium.")
    for k, (eq, interim) in enumerate(zip(result.pure, result.interim, strict=True), 1):
        lines.append(f"{k}. {_plan(eq)}")
        pays = "; ".join(
            f"{a} " + ", ".join((f"{t} {_n(u)}" if t != "only" else _n(u)) for t, u in per.items())
            for a, per in interim.items()
        )
        lines.append(f"   interim payoffs: {pays}")
    mixed = [b for b in result.behaviour if any(max(d.values()) < 1 - 1e-9 for per in b.values() for d in per.values())]
    if mixed:
        lines += ["", "Mixed equilibria (the ex-ante form's, as behaviour per type):"]
        for b in mixed:
            lines.append(
                "   "
                + "; ".join(
                    f"{a} "
                    + ", ".join(
                        (f"{t}: " if t != "only" else "") + " ".join(f"{x} {_n(q)}" for x, q in d.items() if q > 1e-12)
                        for t, d in per.items()
                    )
                    for a, per in b.items()
                )
            )
    if result.thresholds:
        lines += ["", "Belief thresholds (where a profile stops or starts being an equilibrium):"]
        for th in result.thresholds:
            t = th.threshold
            value = "no value here" if t.value is None else _n(t.value)
            who = th.actor if th.type == "only" else f"{th.actor} ({th.type})"
            side = {"above": "at or above it", "below": "at or below it"}.get(t.favours, t.favours)
            lines.append(f"   {_plan(th.plan)}")
            lines.append(
                f"      {who} prefers {th.action} to {th.over} {side}: {t.parameter}* = {t.formula} = {value}"
                f" ({'an equilibrium' if th.equilibrium_here else 'not an equilibrium'} here)"
            )
            if t.comparative_statics:
                moves = ", ".join(f"{q} {s.sign}" for q, s in t.comparative_statics.items())
                lines.append(f"      how {t.parameter}* moves: {moves}")
    lines += ["", *result.notes]
    return "\n".join(lines)

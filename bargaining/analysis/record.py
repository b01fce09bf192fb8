"""The model held against the record: each observed entry beside the model's prediction.

For a normal-form game an observation agrees when some Nash equilibrium has every observed actor
play the observed strategy for sure; for a tree, when the subgame-perfect path has every observed
actor make the observed move. An entry may carry ``set`` (parameter values under which it was
observed: Kazakhstan's 2012 package, say). :func:`consistent_region` measures how much of the
parameters' box reproduces every entry: a model tuned to the record proves little by matching it
(DOMAIN.md), so the share of the box says how robust the match is.

>>> from bargaining.io.scenario_file import load
>>> from bargaining.analysis.nash import equilibria
>>> s = load("eu_russia_2007")
>>> [matching_equilibria(equilibria(s), obs) for obs in s.observed]
[[0]]
>>> history(s).agree
1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from bargaining.analysis.nash import EquilibriumSet, equilibria
from bargaining.analysis.result import clean_number
from bargaining.games.bargain import BargainingProblem
from bargaining.games.tree import TreeGame
from bargaining.scenario import Observed, Scenario

__all__ = ["ConsistentRegion", "History", "Verdict", "consistent_region", "history", "matching_equilibria"]


def matching_equilibria(result: EquilibriumSet, observed: Observed, tol: float = 1e-9) -> list[int]:
    """Indices of the equilibria in which every observed actor plays the observed strategy for sure."""
    return [
        k
        for k, eq in enumerate(result)
        if all(eq.strategy(actor).get(strategy, 0.0) >= 1 - tol for actor, strategy in observed.what.items())
    ]


@dataclass(frozen=True)
class Verdict:
    """One observed entry, what the model predicts for the same actors, and whether they agree."""

    observed: Observed
    predicted: Mapping[str, str]
    agrees: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "what": dict(self.observed.what),
            "predicted": dict(self.predicted),
            "agrees": self.agrees,
            "date": self.observed.date,
            "source": self.observed.source,
        }
        if self.observed.settings:
            out["set"] = dict(self.observed.settings)
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True)
class History:
    """Every observed entry of a scenario beside the model's prediction."""

    scenario: str
    verdicts: tuple[Verdict, ...]

    @property
    def agree(self) -> int:
        return sum(v.agrees for v in self.verdicts)

    @property
    def total(self) -> int:
        return len(self.verdicts)

    def to_dict(self) -> dict[str, Any]:
        """FORMAT.md section 7: ``{"history": [...], "agree": k, "total": n}``."""
        return {"history": [v.to_dict() for v in self.verdicts], "agree": self.agree, "total": self.total}


def _tree_moves(tree: TreeGame, plan: Mapping[str, str], path_nodes: Sequence[str]) -> dict[str, list[str]]:
    moves: dict[str, list[str]] = {}
    for nid in path_nodes:
        node = tree.nodes[nid]
        actor = getattr(node, "actor", None)
        if actor is not None and nid in plan:
            moves.setdefault(actor, []).append(plan[nid])
    return moves


def _path_nodes(tree: TreeGame, plan: Mapping[str, str]) -> list[str]:
    from bargaining.games.tree import ChanceNode, OfferNode

    out = []
    at = tree.root
    while at in tree.nodes:
        node = tree.nodes[at]
        out.append(at)
        if isinstance(node, ChanceNode):
            break
        at = node.next if isinstance(node, OfferNode) else dict(node.moves)[plan[at]]
    return out


def _solve(scenario: Scenario, vals: Mapping[str, float]) -> Any:
    """Subgame-perfect play (trees) or every equilibrium (normal form) at ``vals``."""
    if isinstance(scenario.game, TreeGame):
        from bargaining.analysis.subgame import subgame_perfect

        return subgame_perfect(scenario, vals, exact=False)
    if isinstance(scenario.game, BargainingProblem):
        from bargaining.analysis.deal import bargain

        return bargain(scenario, vals)
    return equilibria(scenario, vals, exact=False)


def _judge(scenario: Scenario, obs: Observed, solved: Any) -> Verdict:
    game = scenario.game
    if isinstance(game, BargainingProblem):
        nash = solved.solutions["nash"]
        support = [k for k, w in nash.lottery if w > 1e-9]
        main = max(nash.lottery, key=lambda kw: kw[1])[0] if nash.lottery else None
        predicted = game.package(main) if main is not None else {}
        agrees = game.index(obs.what) in support
        lottery = "; ".join(f"{w:.3g} × ({game.label(k)})" for k, w in nash.lottery)
        return Verdict(obs, {k: predicted.get(k, "") for k in obs.what}, agrees, f"Nash solution: {lottery}")
    if isinstance(game, TreeGame):
        spe = solved
        moves = _tree_moves(game, spe.plan, _path_nodes(game, spe.plan))
        predicted = {a: ", ".join(moves.get(a, [])) or "(no move on the path)" for a in obs.what}
        agrees = all(m in moves.get(a, []) for a, m in obs.what.items())
        return Verdict(obs, predicted, agrees, "subgame-perfect path: " + " → ".join(spe.path))
    result: EquilibriumSet = solved
    hits = matching_equilibria(result, obs)
    shown = result[hits[0]] if hits else (result[0] if len(result) else None)
    predicted = {}
    for a in obs.what:
        if shown is None:
            predicted[a] = "(no equilibrium)"
        else:
            mix = {s: p for s, p in shown.strategy(a).items() if p > 1e-12}
            predicted[a] = (
                next(iter(mix)) if len(mix) == 1 else " + ".join(f"{clean_number(p, 4)} {s}" for s, p in mix.items())
            )
    detail = (
        f"played in equilibrium {', '.join(f'#{h + 1}' for h in hits)} of {len(result)}"
        if hits
        else f"in none of {len(result)} equilibria"
    )
    return Verdict(obs, predicted, bool(hits), detail)


def _verdicts(scenario: Scenario, values: Mapping[str, float]) -> list[Verdict]:
    """Verdicts for every entry, solving the game once per distinct set of parameter values."""
    solved: dict[tuple[tuple[str, float], ...], Any] = {}
    out = []
    for obs in scenario.observed:
        key = tuple(sorted(obs.settings.items()))
        if key not in solved:
            solved[key] = _solve(scenario, scenario.values({**values, **obs.settings}))
        out.append(_judge(scenario, obs, solved[key]))
    return out


def history(scenario: Scenario, values: Mapping[str, float] | None = None) -> History:
    """Each ``[[observed]]`` entry beside the model's prediction at ``values`` (and the entry's ``set``)."""
    return History(scenario.name, tuple(_verdicts(scenario, dict(values or {}))))


@dataclass(frozen=True)
class ConsistentRegion:
    """The part of the parameters' box where the model reproduces every observed entry.

    ``share`` of the ``points`` sampled (a grid over ``varied`` or a random sample of the box);
    ``agrees`` per point; ``conditions`` the symbolic conditions where the game allows (the
    subgame-perfect region of the observed plan for trees, the equilibrium inequalities of the
    observed profile for normal-form games with every actor observed).
    """

    varied: tuple[str, ...]
    points: Mapping[str, np.ndarray]
    agrees: np.ndarray
    conditions: tuple[sympy.Basic, ...] = ()
    gridded: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def share(self) -> float:
        return float(self.agrees.mean()) if self.agrees.size else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "varied": list(self.varied),
            "points": int(self.agrees.size),
            "share": self.share,
            "ranges": {
                k: [clean_number(float(v[self.agrees].min())), clean_number(float(v[self.agrees].max()))]
                for k, v in self.points.items()
                if self.agrees.any()
            },
            "conditions": [str(c) for c in self.conditions],
            "notes": list(self.notes),
        }


def consistent_region(
    scenario: Scenario,
    vary: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    *,
    samples: int = 400,
    seed: int = 0,
) -> ConsistentRegion:
    """Share of the box where every observed entry agrees with the model.

    With ``vary`` (parameter -> values) the grid of those values is checked, others at their
    defaults; without it, ``samples`` random points of the box of every parameter with finite
    bounds (offer parameters excluded, since the actors choose them).
    """
    game = scenario.game
    offered = (
        {n.parameter for n in game.nodes.values() if hasattr(n, "parameter")} if isinstance(game, TreeGame) else set()
    )
    if vary:
        names = tuple(vary)
        mesh = np.meshgrid(*(np.asarray(v, dtype=float) for v in vary.values()), indexing="ij")
        points = {n: m.reshape(-1) for n, m in zip(names, mesh, strict=True)}
    else:
        rng = np.random.default_rng(seed)
        names = tuple(
            p.name for p in scenario.parameters if np.isfinite(p.min) and np.isfinite(p.max) and p.name not in offered
        )
        points = {n: rng.uniform(scenario.parameter(n).min, scenario.parameter(n).max, samples) for n in names}
    count = len(next(iter(points.values()))) if points else 1
    agrees = np.zeros(count, dtype=bool)
    for k in range(count):
        vals = {n: float(points[n][k]) for n in names}
        try:
            agrees[k] = all(v.agrees for v in _verdicts(scenario, vals))
        except Exception:
            agrees[k] = False
    conditions: tuple[sympy.Basic, ...] = ()
    if isinstance(game, TreeGame) and scenario.observed:
        from bargaining.analysis.subgame import subgame_perfect

        conditions = subgame_perfect(scenario).conditions
    return ConsistentRegion(names, points, agrees, conditions, gridded=bool(vary))

r"""The model held against the record: one judge for every ``[[observed]]`` entry.

:func:`history` (also called :func:`judge`) is the only place where an observation is compared with
the model; ``bargaining solve`` and ``bargaining history`` both print its verdicts. For each entry
the game is solved at the given values updated by the entry's ``set`` (the parameter values under
which it was observed: Kazakhstan's 2012 package, say), once per distinct set of values, and

* **normal form**: the entry agrees when some Nash equilibrium :math:`\sigma` at those values has
  :math:`\sigma_i(s_i) = 1` for every observed actor :math:`i` and observed strategy :math:`s_i`
  (within :math:`10^{-9}`); ``matches`` are the indices of those equilibria in the equilibrium set
  solved at ``values``;
* **tree**: the entry agrees when, on the subgame-perfect path, every observed actor makes the
  observed move (at one of its decision nodes on the path);
* **package deal**: the entry agrees when the observed package is in the support of the lottery
  that reaches the (symmetric) Nash bargaining solution.

:func:`consistent_region` measures how much of the parameters' box reproduces every entry: a model
tuned to its record proves little by matching it, so the share of the box says how robust the match
is (docs/models.md).

>>> from bargaining.io.scenario_file import load
>>> signing = history(load("central_asia_signing"))
>>> signing.agree, signing.total
(5, 5)
>>> v = signing.verdicts[3]  # Kazakhstan signs in 2012, under the 2012 package
>>> dict(v.observed.what), dict(v.observed.settings), v.matches
({'KZ': 'sign'}, {'p_KZ': 0.9, 'L_KZ': 4.0, 'D_KZ': 1.0}, (0,))
>>> [a for a in v.equilibria.game.actors if v.matched[0].strategy(a)["sign"] == 1]
['UZ', 'KZ', 'KG']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import sympy

from bargaining.analysis.deal import BargainResult, bargain
from bargaining.analysis.nash import Equilibrium, EquilibriumSet, equilibria
from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.analysis.subgame import SubgamePerfect, subgame_perfect
from bargaining.errors import ScenarioError
from bargaining.games.bargain import BargainingProblem
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.scenario import Observed, Scenario

__all__ = [
    "ConsistentRegion",
    "History",
    "Solved",
    "Verdict",
    "consistent_region",
    "history",
    "judge",
    "matching_equilibria",
]

TOL = 1e-9

#: What the judge solves a game to: every equilibrium (normal form), subgame-perfect play (tree)
#: or the bargaining solutions (package deal).
Solved: TypeAlias = EquilibriumSet | SubgamePerfect | BargainResult


def matching_equilibria(result: EquilibriumSet, observed: Observed, tol: float = TOL) -> list[int]:
    """Indices of the equilibria of ``result`` in which every observed actor plays the observed strategy for sure.

    A helper of the judge: it does not apply the entry's ``set`` (``result`` must already be solved there).

    >>> from bargaining.io.scenario_file import load
    >>> s = load("eu_russia_2007")
    >>> matching_equilibria(equilibria(s), s.observed[0])
    [0]
    """
    return [
        k
        for k, eq in enumerate(result)
        if all(eq.strategy(actor).get(strategy, 0.0) >= 1 - tol for actor, strategy in observed.what.items())
    ]


@dataclass(frozen=True, eq=False)
class Verdict(Result):
    """One observed entry, what the model predicts for the same actors at ``values``, and whether they agree.

    ``values`` are the parameter values the game was solved at (the entry's ``set`` applied).
    ``predicted`` gives, for each observed actor, what the model has it do (the strategy in the first
    matching equilibrium, or in the first equilibrium if none matches; its moves on the
    subgame-perfect path; the option of the Nash solution's main package). The prediction itself:

    * normal form: ``equilibria``, the equilibrium set at ``values``, and ``matches``, the indices of
      the equilibria that play the observation (``matched`` gives them);
    * tree: ``path``, the subgame-perfect moves from the root, and ``moves``, each actor's moves on it;
    * package deal: ``lottery``, the packages (issue -> option) and weights reaching the Nash solution.
    """

    observed: Observed
    predicted: Mapping[str, str]
    agrees: bool
    matches: tuple[int, ...] = ()
    equilibria: EquilibriumSet | None = None
    path: tuple[str, ...] = ()
    moves: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)
    lottery: tuple[tuple[Mapping[str, str], float], ...] = ()
    detail: str = ""
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        obs = self.observed  # read-only (and hashable) like every other field
        frozen = dataclasses.replace(obs, what=FrozenMap(obs.what), settings=FrozenMap(obs.settings))
        object.__setattr__(self, "observed", frozen)

    @property
    def matched(self) -> tuple[Equilibrium, ...]:
        """The equilibria (normal form) in which every observed actor plays as observed."""
        if self.equilibria is None:
            return ()
        return tuple(self.equilibria[k] for k in self.matches)

    def to_dict(self) -> dict[str, Any]:
        """``{"what", "predicted", "agrees", "date", "source"}``, with ``set`` and ``detail`` where given."""
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


@dataclass(frozen=True, eq=False)
class History(Result):
    """Every observed entry of a scenario beside the model's prediction (one :class:`Verdict` each).

    ``values`` are the values given to the judge (each verdict carries its own, with the entry's
    ``set`` applied); ``agree`` counts the entries that agree, ``total`` all of them.
    """

    scenario: str
    verdicts: tuple[Verdict, ...]
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    @property
    def agree(self) -> int:
        return sum(v.agrees for v in self.verdicts)

    @property
    def total(self) -> int:
        return len(self.verdicts)

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``{"history": [...], "agree": k, "total": n}``."""
        return {"history": [v.to_dict() for v in self.verdicts], "agree": self.agree, "total": self.total}


METHODS = {
    "normal": "an entry agrees when some Nash equilibrium has every observed actor play the observed strategy for sure",
    "tree": "an entry agrees when the subgame-perfect path has every observed actor make the observed move",
    "bargain": "an entry agrees when the observed package is in the support of the Nash bargaining solution",
}


def _scenario(model: object) -> Scenario:
    if not isinstance(model, Scenario):
        raise ScenarioError("a scenario with [[observed]] entries", found=type(model).__name__, field="model")
    return model


def _check(scenario: Scenario) -> None:
    """Every observed actor and strategy (move, option) exists in the game: a ``ScenarioError`` otherwise."""
    game = scenario.game
    for k, obs in enumerate(scenario.observed):
        for actor, s in obs.what.items():
            where = f"observed[{k}].what.{actor}"
            if isinstance(game, BargainingProblem):
                options = {i.id: i.options for i in game.issues}
                if actor not in options:
                    raise ScenarioError("an issue among " + ", ".join(options), found=repr(actor), field=where)
                known: Sequence[str] = options[actor]
            else:
                if actor not in game.actors:
                    raise ScenarioError("an actor among " + ", ".join(game.actors), found=repr(actor), field=where)
                if isinstance(game, NormalFormGame):
                    known = game.strategies[game.actors.index(actor)]
                else:
                    known = [m for nid in game.decision_nodes(actor) for m, _ in game.nodes[nid].moves]
            if s not in known:
                raise ScenarioError(f"a strategy of {actor} ({', '.join(known)})", found=repr(s), field=where)


def _solve(scenario: Scenario, vals: Mapping[str, float]) -> Solved:
    """Every equilibrium (normal form), subgame-perfect play (tree) or the bargaining solutions at ``vals``."""
    game = scenario.game
    if isinstance(game, TreeGame):
        return subgame_perfect(scenario, vals, exact=False)
    if isinstance(game, BargainingProblem):
        return bargain(scenario, vals)
    return equilibria(scenario, vals, exact=False)


def _path_nodes(tree: TreeGame, plan: Mapping[str, str]) -> list[str]:
    """The nodes ``plan`` passes through from the root, up to the first chance node (included)."""
    out = []
    at = tree.root
    while at in tree.nodes:
        node = tree.nodes[at]
        out.append(at)
        if isinstance(node, ChanceNode):
            break
        at = node.next if isinstance(node, OfferNode) else dict(node.moves)[plan[at]]
    return out


def _normal(obs: Observed, result: EquilibriumSet, vals: Mapping[str, float]) -> Verdict:
    hits = tuple(matching_equilibria(result, obs))
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
    notes: tuple[str, ...] = ()
    if not hits and not result.complete:
        notes = (
            "only pure equilibria were enumerated; an equilibrium in which other actors mix could still "
            "have the observed actors play as observed",
        )
    return Verdict(
        obs,
        predicted,
        bool(hits),
        matches=hits,
        equilibria=result,
        detail=detail,
        method=f"Nash equilibria ({result.method})",
        values=vals,
        notes=notes,
    )


def _tree(obs: Observed, spe: SubgamePerfect, vals: Mapping[str, float]) -> Verdict:
    nodes = _path_nodes(spe.tree, spe.plan)
    by_actor: dict[str, list[str]] = {}
    for nid in nodes:
        node = spe.tree.nodes[nid]
        if isinstance(node, DecisionNode):
            by_actor.setdefault(node.actor, []).append(spe.plan[nid])
    moves = {a: tuple(m) for a, m in by_actor.items()}
    predicted = {a: ", ".join(moves.get(a, ())) or "(no move on the path)" for a in obs.what}
    agrees = all(m in moves.get(a, ()) for a, m in obs.what.items())
    tied = [
        f"{node.actor} at {nid}"
        for nid in nodes
        if nid in spe.ties and isinstance(node := spe.tree.nodes[nid], DecisionNode) and node.actor in obs.what
    ]
    notes = (
        (f"indifferent on the path: {', '.join(tied)}; the move listed first is taken (docs/models.md#conventions)",)
        if tied
        else ()
    )
    return Verdict(
        obs,
        predicted,
        agrees,
        path=spe.path,
        moves=moves,
        detail="subgame-perfect path: " + " → ".join(spe.path),
        method="subgame-perfect path (backward induction)",
        values=vals,
        notes=notes,
    )


def _bargain(obs: Observed, result: BargainResult, vals: Mapping[str, float]) -> Verdict:
    game = result.problem
    nash = result.solutions["nash"]
    support = [k for k, w in nash.lottery if w > TOL]
    main = max(nash.lottery, key=lambda kw: kw[1])[0] if nash.lottery else None
    package = game.package(main) if main is not None else {}
    lottery = "; ".join(f"{w:.3g} × ({game.label(k)})" for k, w in nash.lottery)
    return Verdict(
        obs,
        {k: package.get(k, "") for k in obs.what},
        game.index(obs.what) in support,
        lottery=tuple((game.package(k), float(w)) for k, w in nash.lottery),
        detail=f"Nash solution: {lottery}",
        method="support of the Nash bargaining solution's lottery",
        values=vals,
    )


def _verdicts(scenario: Scenario, values: Mapping[str, float]) -> tuple[Verdict, ...]:
    """A verdict for every entry, solving the game once per distinct set of parameter values."""
    solved: dict[tuple[tuple[str, float], ...], tuple[dict[str, float], Solved]] = {}
    out = []
    for obs in scenario.observed:
        key = tuple(sorted(obs.settings.items()))
        if key not in solved:
            vals = scenario.values({**values, **obs.settings})
            solved[key] = (vals, _solve(scenario, vals))
        vals, result = solved[key]
        if isinstance(result, EquilibriumSet):
            out.append(_normal(obs, result, vals))
        elif isinstance(result, SubgamePerfect):
            out.append(_tree(obs, result, vals))
        else:
            out.append(_bargain(obs, result, vals))
    return tuple(out)


def history(model: Scenario, values: Mapping[str, float] | None = None) -> History:
    """The judge: each ``[[observed]]`` entry of ``model`` beside the model's prediction.

    Each entry is judged at ``values`` (the scenario's defaults where not given) updated by the
    entry's ``set``; see the module's docstring for when an entry agrees. A bare game has no record:
    ``model`` must be a :class:`~bargaining.scenario.Scenario`.

    >>> from bargaining.io.scenario_file import load
    >>> h = history(load("eu_russia_offer"))
    >>> [(dict(v.observed.what), v.agrees) for v in h.verdicts]
    [({'EU': 'offer', 'RU': 'accept'}, True)]
    """
    scenario = _scenario(model)
    _check(scenario)
    given = scenario.values(values)
    return History(
        scenario.name,
        _verdicts(scenario, given),
        method=METHODS[scenario.game.kind],
        values=given,
    )


judge = history


@dataclass(frozen=True, eq=False)
class ConsistentRegion(Result):
    """The part of the parameters' box where the model reproduces every observed entry.

    ``share`` of the ``points`` checked (a grid over ``varied`` or a random sample of the box, the
    other parameters at ``values``); ``agrees`` per point; ``conditions`` the symbolic conditions
    where the game allows (for trees: the region where the default subgame-perfect plan holds).
    """

    varied: tuple[str, ...]
    points: Mapping[str, np.ndarray]
    agrees: np.ndarray
    conditions: tuple[sympy.Basic, ...] = ()
    gridded: bool = False
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return float(self.agrees.mean()) if self.agrees.size else 0.0

    def to_dict(self) -> dict[str, Any]:
        """``{"varied", "points", "share", "ranges", "conditions", "notes"}``."""
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
    model: Scenario,
    vary: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    *,
    samples: int = 400,
    seed: int = 0,
) -> ConsistentRegion:
    """Share of the box where the judge finds every observed entry agreeing with the model.

    With ``vary`` (parameter -> values) the grid of those values is checked, others at their
    defaults; without it, ``samples`` random points of the box of every parameter with finite
    bounds (offer parameters excluded, since the actors choose them). Each entry's ``set`` still
    applies at every point. A point where the game cannot be solved counts as not reproducing the
    record, and a note says how many there were.

    >>> from bargaining.io.scenario_file import load
    >>> r = consistent_region(load("eu_russia_2007"), {"T": [0, 5]})
    >>> r.agrees.tolist()
    [False, True]
    """
    scenario = _scenario(model)
    _check(scenario)
    game = scenario.game
    offered = (
        {n.parameter for n in game.nodes.values() if isinstance(n, OfferNode)} if isinstance(game, TreeGame) else set()
    )
    if vary:
        names = tuple(vary)
        mesh = np.meshgrid(*(np.asarray(v, dtype=float) for v in vary.values()), indexing="ij")
        points = {n: m.reshape(-1) for n, m in zip(names, mesh, strict=True)}
        method = "grid over " + ", ".join(names)
    else:
        rng = np.random.default_rng(seed)
        names = tuple(
            p.name for p in scenario.parameters if np.isfinite(p.min) and np.isfinite(p.max) and p.name not in offered
        )
        points = {n: rng.uniform(scenario.parameter(n).min, scenario.parameter(n).max, samples) for n in names}
        method = f"uniform random sample of the box (seed {seed})"
    count = len(next(iter(points.values()))) if points else 1
    agrees = np.zeros(count, dtype=bool)
    failed: list[str] = []
    for k in range(count):
        vals = {n: float(points[n][k]) for n in names}
        try:
            agrees[k] = all(v.agrees for v in _verdicts(scenario, scenario.values(vals)))
        except (ScenarioError, ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
            failed.append(type(exc).__name__)
    notes: tuple[str, ...] = ()
    if failed:
        notes = (
            f"{len(failed)} of {count} points could not be solved ({', '.join(sorted(set(failed)))}); "
            "they count as not reproducing the record",
        )
    conditions: tuple[sympy.Basic, ...] = ()
    if isinstance(game, TreeGame) and scenario.observed:
        conditions = subgame_perfect(scenario).conditions
    return ConsistentRegion(
        names, points, agrees, conditions, gridded=bool(vary), method=method, values=scenario.values(), notes=notes
    )

r"""The model held against the record: one judge for every ``[[observed]]`` entry and ``[[claims]]`` entry.

:func:`history` (also called :func:`judge`) is the only place where an observation is compared with
the model; ``bargaining solve`` and ``bargaining history`` both print its verdicts.

**Dates are judged together.** Entries whose dates meet (equal, or one contains the other: ``2007``
contains ``2007-07-04``) and whose ``set`` values are equal form one *group*: one situation, which
one prediction must explain at once. The game is solved at the given values updated by the group's
``set`` (the parameter values under which it was observed: Kazakhstan's 2012 package, say), and

* **normal form**: the group is explained by an equilibrium :math:`\sigma` when
  :math:`\sigma_i(s_i) = 1` (within :math:`10^{-9}`) for every observed actor :math:`i` and observed
  strategy :math:`s_i` of *every* entry of the group. The group's equilibrium is the first that
  explains it, or, if none does, the first that explains the most of its entries; an entry agrees
  when it is played in its group's equilibrium. So one equilibrium never explains one entry of 2007
  and another equilibrium the next;
* **tree**: an entry agrees when, on the (one) subgame-perfect path, every observed actor makes the
  observed move (at one of its decision nodes on the path);
* **package deal**: an entry agrees when the observed package is *the* package of the symmetric Nash
  bargaining solution: the one its lottery puts the most weight on (the whole weight when the
  solution is that package alone). A package with a small weight in the lottery does not agree,
  nor does one tied with another (a 0.5/0.5 lottery singles out neither).

A group agrees when all its entries do. Entries without a date are judged alone.

**Claims** (``[[claims]]``) are the model's counterfactual statements ("with a transitory period of
two years Russia rejects"), judged by the same judge at the given values updated by the claim's
``set``, each alone. A claim is a prediction, so in a normal form it must hold in *every*
equilibrium there (an observation need only be explained by one); in a tree it must be on the
subgame-perfect path, and in a package deal it must be the Nash solution's package.

:func:`consistent_region` measures how much of the box of the model's *assumptions* reproduces every
group and every claim: a model tuned to its record proves little by matching it, so the share of the
box says how robust the match is (docs/models.md). Data are held at their values, 0/1 switches are
drawn as 0 or 1, and the assumed values in an observation's ``set`` are drawn too
(docs/format.md#assumptions-data-and-switches); the share comes with a Wilson score interval.

>>> from bargaining.io.scenario_file import load
>>> signing = history(load("central_asia_signing"))
>>> signing.agree, signing.total
(5, 5)
>>> [(g.date, g.entries, g.agrees, g.equilibrium) for g in signing.groups]
[('2007', (0, 1, 2), True, 0), ('2012', (3, 4), True, 0)]
>>> v = signing.verdicts[3]  # Kazakhstan signs in 2012, under the 2012 package
>>> dict(v.observed.what), dict(v.observed.settings), v.matches
({'KZ': 'sign'}, {'p_KZ': 0.9, 'L_KZ': 4.0, 'D_KZ': 1.0}, (0,))
>>> [a for a in v.equilibria.game.actors if v.matched[0].strategy(a)["sign"] == 1]
['UZ', 'KZ', 'KG']
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import numpy as np
import sympy

from bargaining.analysis.engine import Scheduler, describe, map_chunks
from bargaining.analysis.nash import Equilibrium, EquilibriumSet, equilibria
from bargaining.analysis.region import ArrayJudge, PointSolution, array_kind, chunk_size
from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.analysis.subgame import SubgamePerfect, subgame_perfect
from bargaining.budget import check_bytes, check_count, describe_bytes, using_budget
from bargaining.errors import ScenarioError
from bargaining.games.bargain import BargainingProblem
from bargaining.games.normal import NormalFormGame
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.kernels.axiomatic import nash_solution, pareto_frontier
from bargaining.scenario import Claim, Observed, Scenario

__all__ = [
    "ConsistentRegion",
    "Group",
    "History",
    "NashPackage",
    "Solved",
    "Verdict",
    "consistent_region",
    "groups_of",
    "history",
    "judge",
    "matching_equilibria",
    "wilson_interval",
]

TOL = 1e-9
Z95 = 1.959963984540054  # the standard normal's 97.5 % quantile

#: An entry the judge holds against the model: an observation or a claim.
Entry: TypeAlias = Observed | Claim


@dataclass(frozen=True)
class NashPackage:
    """What the judge needs of a package deal at some values: the symmetric Nash bargaining
    solution's lottery over packages (flat package index, weight), computed from the Pareto frontier
    of the packages' utility points and the disagreement point (:mod:`bargaining.kernels.axiomatic`;
    the same solution :func:`bargaining.analysis.deal.bargain` reports as ``nash``)."""

    problem: BargainingProblem
    lottery: tuple[tuple[int, float], ...]


#: What the judge solves a game to: every equilibrium (normal form), subgame-perfect play (tree)
#: or the Nash bargaining solution (package deal).
Solved: TypeAlias = EquilibriumSet | SubgamePerfect | NashPackage


def matching_equilibria(result: EquilibriumSet, observed: Entry, tol: float = TOL) -> list[int]:
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


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    r"""The Wilson score interval for a share of ``successes`` in ``n`` independent draws.

    With :math:`\hat p = k/n`, the interval is
    :math:`\big(\hat p + z^2/2n \pm z\sqrt{\hat p(1-\hat p)/n + z^2/4n^2}\big)/(1 + z^2/n)`
    (Wilson 1927); :math:`z = 1.96` gives 95 %. Unlike :math:`\hat p \pm z\sqrt{\hat p(1-\hat p)/n}`
    it stays in :math:`[0, 1]` and is not empty when :math:`k = 0`.

    >>> lo, hi = wilson_interval(0, 2000)
    >>> lo, round(hi, 5)
    (0.0, 0.00192)
    """
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if successes == 0 else max(0.0, centre - half)  # exactly 0 and 1 at the ends, not 1e-19
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return (lo, hi)


def _entry_dict(entry: Entry) -> dict[str, Any]:
    if isinstance(entry, Claim):
        return {"text": entry.text, "source": entry.source}
    return {"date": entry.date, "source": entry.source}


@dataclass(frozen=True, eq=False)
class Verdict(Result):
    """One observed entry (or claim), what the model predicts for the same actors at ``values``, and whether they agree.

    ``values`` are the parameter values the game was solved at (the entry's ``set`` applied).
    ``predicted`` gives, for each observed actor, what the model has it do (the strategy in the
    equilibrium the entry is judged by; its moves on the subgame-perfect path; the option of the Nash
    solution's main package). The prediction itself:

    * normal form: ``equilibria``, the equilibrium set at ``values``; ``matches``, the indices of the
      equilibria that play this entry (``matched`` gives them); ``equilibrium``, the index of the
      equilibrium its group is judged by (None for a claim, or when there is no equilibrium);
    * tree: ``path``, the subgame-perfect moves from the root, and ``moves``, each actor's moves on it;
    * package deal: ``lottery``, the packages (issue -> option) and weights reaching the Nash solution.
    """

    observed: Observed | Claim
    predicted: Mapping[str, str]
    agrees: bool
    matches: tuple[int, ...] = ()
    equilibria: EquilibriumSet | None = None
    path: tuple[str, ...] = ()
    moves: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)
    lottery: tuple[tuple[Mapping[str, str], float], ...] = ()
    detail: str = ""
    equilibrium: int | None = None
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        obs = self.observed  # read-only (and hashable) like every other field
        frozen = dataclasses.replace(obs, what=FrozenMap(obs.what), settings=FrozenMap(obs.settings))
        object.__setattr__(self, "observed", frozen)

    @property
    def claim(self) -> bool:
        """Whether this is the verdict on a claim of the model rather than on an observation."""
        return isinstance(self.observed, Claim)

    @property
    def matched(self) -> tuple[Equilibrium, ...]:
        """The equilibria (normal form) in which every observed actor plays as observed."""
        if self.equilibria is None:
            return ()
        return tuple(self.equilibria[k] for k in self.matches)

    def to_dict(self) -> dict[str, Any]:
        """``{"what", "predicted", "agrees", "date", "source"}`` (a claim: ``"text"`` instead of
        ``"date"``), with ``set``, ``detail`` and ``equilibrium`` where given."""
        out: dict[str, Any] = {
            "what": dict(self.observed.what),
            "predicted": dict(self.predicted),
            "agrees": self.agrees,
            **_entry_dict(self.observed),
        }
        if self.observed.settings:
            out["set"] = dict(self.observed.settings)
        if self.detail:
            out["detail"] = self.detail
        if self.equilibrium is not None:
            out["equilibrium"] = self.equilibrium
        return out


@dataclass(frozen=True, eq=False)
class Group(Result):
    """Observed entries of one date (dates that meet, the same ``set``), judged together.

    ``entries`` are indices into the scenario's ``observed``; ``date`` is the widest of their dates.
    ``equilibrium`` (normal form) is the index, in the equilibrium set solved at ``values``, of the
    equilibrium the group is judged by: the first that explains every entry, or else the first
    that explains the most; ``explained_by`` lists every equilibrium that explains them all.
    ``agrees`` when one prediction (that equilibrium, the subgame-perfect path, the Nash
    solution's package) explains every entry.
    """

    date: str
    entries: tuple[int, ...]
    agrees: bool
    equilibrium: int | None = None
    explained_by: tuple[int, ...] = ()
    settings: Mapping[str, float] = field(default_factory=FrozenMap)
    detail: str = ""
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"date", "entries", "agrees", "equilibrium", "explained_by", "detail"}`` (and ``set``)."""
        out: dict[str, Any] = {
            "date": self.date,
            "entries": list(self.entries),
            "agrees": self.agrees,
            "equilibrium": self.equilibrium,
            "explained_by": list(self.explained_by),
            "detail": self.detail,
        }
        if self.settings:
            out["set"] = dict(self.settings)
        return out


@dataclass(frozen=True, eq=False)
class History(Result):
    """Every observed entry of a scenario beside the model's prediction (one :class:`Verdict` each),
    the entries grouped by date (:class:`Group`), and the model's claims.

    ``values`` are the values given to the judge (each verdict carries its own, with the entry's
    ``set`` applied); ``agree`` counts the observed entries that agree, ``total`` all of them;
    ``hold`` counts the claims that hold.
    """

    scenario: str
    verdicts: tuple[Verdict, ...]
    groups: tuple[Group, ...] = ()
    claims: tuple[Verdict, ...] = ()
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    @property
    def agree(self) -> int:
        return sum(v.agrees for v in self.verdicts)

    @property
    def total(self) -> int:
        return len(self.verdicts)

    @property
    def hold(self) -> int:
        return sum(v.agrees for v in self.claims)

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``{"history": [...], "agree": k, "total": n, "groups": [...],
        "claims": [...]}``."""
        return {
            "history": [v.to_dict() for v in self.verdicts],
            "agree": self.agree,
            "total": self.total,
            "groups": [g.to_dict() for g in self.groups],
            "claims": [v.to_dict() for v in self.claims],
        }


METHODS = {
    "normal": "the entries of one date agree when one Nash equilibrium has every observed actor play the observed "
    "strategy for sure; a claim holds when every equilibrium plays it",
    "tree": "an entry agrees when the subgame-perfect path has every observed actor make the observed move",
    "bargain": "an entry agrees when the observed package has the most weight in the symmetric Nash bargaining "
    "solution's lottery",
    "signalling": "a signalling game has no [[observed]] entries or [[claims]] (its file refuses them): "
    "nothing to judge",
    "two_level": "a two-level game has no [[observed]] entries or [[claims]] (its file refuses them): nothing to judge",
    "bayesian": "a Bayesian game has no [[observed]] entries or [[claims]] (its file refuses them): nothing to judge",
}


def _scenario(model: object) -> Scenario:
    if not isinstance(model, Scenario):
        raise ScenarioError("a scenario with [[observed]] entries", found=type(model).__name__, field="model")
    return model


def _check(scenario: Scenario) -> None:
    """Every actor and strategy (move, option) named by an entry or a claim exists in the game.

    A ``ScenarioError`` naming the field (``observed[0].what.RU``, ``claims[0].what.RU``) otherwise.
    """
    game = scenario.game
    entries: list[tuple[str, Entry]] = [(f"observed[{k}]", o) for k, o in enumerate(scenario.observed)]
    entries += [(f"claims[{k}]", c) for k, c in enumerate(scenario.claims)]
    for prefix, obs in entries:
        for actor, s in obs.what.items():
            where = f"{prefix}.what.{actor}"
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
                elif isinstance(game, SignallingGame):
                    known = game.messages if actor == game.sender else game.actions
                elif isinstance(game, TreeGame):
                    known = [m for nid in game.decision_nodes(actor) for m, _ in game.nodes[nid].moves]
                else:  # a two-level game has no strategies to observe
                    known = ()
            if s not in known:
                raise ScenarioError(f"a strategy of {actor} ({', '.join(known)})", found=repr(s), field=where)


def _nash(problem: BargainingProblem, vals: Mapping[str, float]) -> NashPackage:
    frontier = pareto_frontier(problem.utilities(vals))
    solution = nash_solution(frontier, problem.disagreement_point(vals))
    return NashPackage(problem, tuple((int(k), float(w)) for k, w in solution.lottery))


def _solve(scenario: Scenario, vals: Mapping[str, float]) -> Solved:
    """Every equilibrium (normal form), subgame-perfect play (tree) or the Nash solution at ``vals``."""
    game = scenario.game
    if isinstance(game, TreeGame):
        return subgame_perfect(scenario, vals, exact=False)
    if isinstance(game, BargainingProblem):
        return _nash(game, vals)
    return equilibria(scenario, vals, exact=False)


def _dates_meet(a: str, b: str) -> bool:
    """Equal dates, or one containing the other (``2007`` contains ``2007-07`` and ``2007-07-04``)."""
    return bool(a) and bool(b) and (a == b or a.startswith(b + "-") or b.startswith(a + "-"))


def _key(settings: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((k, float(v)) for k, v in settings.items()))


def groups_of(observed: Sequence[Observed]) -> list[tuple[int, ...]]:
    """The entries judged together: connected by dates that meet, with equal ``set`` values.

    Undated entries stand alone. Groups are listed in the order of their first entry.

    >>> groups_of([Observed({"A": "x"}, "2007-07-04"), Observed({"B": "y"}, "2007"), Observed({"A": "x"}, "2008")])
    [(0, 1), (2,)]
    """
    parent = list(range(len(observed)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, a in enumerate(observed):
        for j in range(i):
            b = observed[j]
            if _dates_meet(a.date, b.date) and _key(a.settings) == _key(b.settings):
                parent[root(i)] = root(j)
    out: dict[int, list[int]] = {}
    for k in range(len(observed)):
        out.setdefault(root(k), []).append(k)
    return sorted((tuple(g) for g in out.values()), key=lambda g: g[0])


def _widest(dates: Sequence[str]) -> str:
    given = [d for d in dates if d]
    return min(given, key=lambda d: (len(d), d)) if given else ""


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


def _predicted(entry: Entry, shown: Equilibrium | None) -> dict[str, str]:
    predicted = {}
    for a in entry.what:
        if shown is None:
            predicted[a] = "(no equilibrium)"
        else:
            mix = {s: p for s, p in shown.strategy(a).items() if p > 1e-12}
            predicted[a] = (
                next(iter(mix)) if len(mix) == 1 else " + ".join(f"{clean_number(p, 4)} {s}" for s, p in mix.items())
            )
    return predicted


def _numbers(ks: Sequence[int]) -> str:
    return ", ".join(f"#{k + 1}" for k in ks)


def _normal_group(
    entries: Sequence[Observed], result: EquilibriumSet, vals: Mapping[str, float], date: str
) -> tuple[list[Verdict], int | None, tuple[int, ...], str]:
    """Verdicts of a group's entries judged by one equilibrium; the group's equilibrium, every
    equilibrium explaining all entries, and a detail line."""
    hits = [matching_equilibria(result, obs) for obs in entries]
    joint = tuple(k for k in range(len(result)) if all(k in h for h in hits))
    counts = [sum(k in h for h in hits) for k in range(len(result))]
    chosen: int | None
    if joint:
        chosen = joint[0]
    elif counts and max(counts) > 0:
        chosen = counts.index(max(counts))
    else:
        chosen = None
    n = len(result)
    where = f"the entries of {date}" if date else "these entries"
    if joint:
        detail = f"equilibrium #{chosen + 1} of {n} explains {where}" if chosen is not None else ""
        if len(joint) > 1:
            detail += f" (so do {_numbers(joint[1:])})"
    elif chosen is not None:
        detail = f"no one equilibrium of {n} explains {where}; #{chosen + 1} explains {max(counts)} of {len(entries)}"
    else:
        detail = f"no equilibrium of {n} plays any of {where}"
    notes: tuple[str, ...] = ()
    if not joint and not result.complete:
        notes = (
            "only pure equilibria were enumerated; an equilibrium in which other actors mix could still "
            "have the observed actors play as observed",
        )
    shown = result[chosen] if chosen is not None else (result[0] if n else None)
    out = []
    for obs, h in zip(entries, hits, strict=True):
        agrees = chosen is not None and chosen in h
        if agrees and chosen is not None:
            text = f"played in equilibrium #{chosen + 1} of {n}"
            if len(entries) > 1:
                text += f", with the other entries of {date}" if joint else ""
        elif h:
            text = (
                f"played in equilibrium {_numbers(h)} of {n}, but not in #{(chosen or 0) + 1}, "
                f"which explains the most entries of {date}"
            )
        else:
            text = f"in none of {n} equilibria"
        out.append(
            Verdict(
                obs,
                _predicted(obs, shown),
                agrees,
                matches=tuple(h),
                equilibria=result,
                detail=text,
                equilibrium=chosen,
                method=f"Nash equilibria ({result.method})",
                values=vals,
                notes=notes,
            )
        )
    return out, chosen, joint, detail


def _normal_claim(claim: Claim, result: EquilibriumSet, vals: Mapping[str, float]) -> Verdict:
    hits = tuple(matching_equilibria(result, claim))
    n = len(result)
    holds = n > 0 and len(hits) == n
    every = "every" if result.complete else "every pure"
    if holds:
        detail = f"played in {every} equilibrium ({n})"
    elif hits:
        detail = f"played in equilibrium {_numbers(hits)} of {n}, not in {every} one"
    else:
        detail = f"in none of {n} equilibria"
    missing = next((k for k in range(n) if k not in hits), None)
    shown = result[missing] if missing is not None else (result[0] if n else None)
    notes: tuple[str, ...] = ()
    if not result.complete:
        notes = ("only pure equilibria were enumerated: the claim is checked in every pure equilibrium",)
    return Verdict(
        claim,
        _predicted(claim, shown),
        holds,
        matches=hits,
        equilibria=result,
        detail=detail,
        method=f"Nash equilibria ({result.method}): a claim holds in every equilibrium",
        values=vals,
        notes=notes,
    )


def judge_tree(obs: Entry, spe: SubgamePerfect, vals: Mapping[str, float]) -> Verdict:
    """An observed move against a subgame-perfect plan: it agrees when every named actor makes the
    observed move at one of its nodes on the path."""
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


def _lottery_text(nash: NashPackage) -> str:
    text = "; ".join(f"{x:.3g} × ({nash.problem.label(k)})" for k, x in nash.lottery)
    return "Nash solution: " + (text or "none (no feasible point)")


def judge_package(obs: Entry, nash: NashPackage, vals: Mapping[str, float]) -> Verdict:
    """An observed package against the Nash solution's lottery: it agrees when it carries the most
    weight, more than every other package's."""
    game = nash.problem
    weights = dict(nash.lottery)
    top = max(weights.values(), default=0.0)
    main = next((k for k, w in nash.lottery if w >= top - TOL), None) if nash.lottery else None
    package = game.package(main) if main is not None else {}
    observed = game.index(obs.what)
    w = weights.get(observed, 0.0)
    rival = max((x for k, x in nash.lottery if k != observed), default=0.0)
    agrees = w > TOL and w > rival + TOL  # the most weight, not shared: a 0.5/0.5 tie singles out neither
    if w >= 1 - TOL:
        verdict = "the solution is the observed package alone"
    elif agrees:
        verdict = f"the observed package has the most weight (w = {w:.3g})"
    elif w > TOL and w >= rival - TOL:
        verdict = f"the observed package ties for the most weight (w = {w:.3g}): the solution does not single it out"
    elif w > TOL:
        verdict = f"the observed package has weight {w:.3g}, less than the main package's {top:.3g}"
    else:
        verdict = "the observed package is not in the lottery"
    return Verdict(
        obs,
        {k: package.get(k, "") for k in obs.what},
        agrees,
        lottery=tuple((game.package(k), float(x)) for k, x in nash.lottery),
        detail=f"{_lottery_text(nash)}: {verdict}",
        method="the package with the most weight in the symmetric Nash bargaining solution's lottery",
        values=vals,
    )


def _judge_group(
    scenario: Scenario, entries: tuple[int, ...], result: Solved, vals: Mapping[str, float]
) -> tuple[Group, list[Verdict]]:
    """One group of observed entries (indices ``entries``) judged by one prediction ``result``."""
    observed = [scenario.observed[i] for i in entries]
    date = _widest([o.date for o in observed])
    settings = observed[0].settings
    if isinstance(result, EquilibriumSet):
        verdicts, chosen, joint, detail = _normal_group(observed, result, vals, date)
        method = f"one Nash equilibrium for every entry ({result.method})"
    else:
        chosen, joint = None, ()
        if isinstance(result, SubgamePerfect):
            verdicts = [judge_tree(o, result, vals) for o in observed]
            detail, method = verdicts[0].detail, "the subgame-perfect path"
        else:
            verdicts = [judge_package(o, result, vals) for o in observed]
            detail, method = _lottery_text(result), "the symmetric Nash bargaining solution"
    agrees = all(v.agrees for v in verdicts)
    notes = tuple(dict.fromkeys(n for v in verdicts for n in v.notes))
    group = Group(
        date,
        entries,
        agrees,
        equilibrium=chosen,
        explained_by=joint,
        settings=settings,
        detail=detail,
        method=method,
        values=vals,
        notes=notes,
    )
    return group, verdicts


def _judge_claim(claim: Claim, result: Solved, vals: Mapping[str, float]) -> Verdict:
    if isinstance(result, EquilibriumSet):
        return _normal_claim(claim, result, vals)
    if isinstance(result, SubgamePerfect):
        return judge_tree(claim, result, vals)
    return judge_package(claim, result, vals)


class _Solver:
    """Solves the game once per distinct set of values (the judge of one point)."""

    def __init__(self, scenario: Scenario, values: Mapping[str, float]) -> None:
        self.scenario = scenario
        self.values = dict(values)
        self.cache: dict[tuple[tuple[str, float], ...], tuple[dict[str, float], Solved]] = {}

    def at(self, settings: Mapping[str, float]) -> tuple[dict[str, float], Solved]:
        key = _key(settings)
        if key not in self.cache:
            vals = self.scenario.values({**self.values, **settings})
            self.cache[key] = (vals, _solve(self.scenario, vals))
        return self.cache[key]


def _record(
    scenario: Scenario, values: Mapping[str, float]
) -> tuple[tuple[Verdict, ...], tuple[Group, ...], tuple[Verdict, ...]]:
    """Every observed entry (in order), its groups and every claim, judged at ``values``."""
    solver = _Solver(scenario, values)
    verdicts: dict[int, Verdict] = {}
    groups = []
    for entries in groups_of(scenario.observed):
        vals, result = solver.at(scenario.observed[entries[0]].settings)
        group, judged = _judge_group(scenario, entries, result, vals)
        groups.append(group)
        verdicts.update(zip(entries, judged, strict=True))
    claims = []
    for claim in scenario.claims:
        vals, result = solver.at(claim.settings)
        claims.append(_judge_claim(claim, result, vals))
    return tuple(verdicts[k] for k in range(len(scenario.observed))), tuple(groups), tuple(claims)


def history(model: Scenario, values: Mapping[str, float] | None = None) -> History:
    """The judge: each ``[[observed]]`` entry of ``model`` beside the model's prediction, grouped by
    date, and each of the model's ``[[claims]]``.

    Each group is judged at ``values`` (the scenario's defaults where not given) updated by its
    ``set``, each claim at ``values`` updated by the claim's ``set``; see the module's docstring for
    when an entry agrees and a claim holds. A bare game has no record: ``model`` must be a
    :class:`~bargaining.scenario.Scenario`.

    >>> from bargaining.io.scenario_file import load
    >>> h = history(load("eu_russia_offer"))
    >>> [(dict(v.observed.what), v.agrees) for v in h.verdicts]
    [({'EU': 'offer', 'RU': 'accept'}, True)]
    >>> [(dict(c.observed.what), dict(c.observed.settings), c.agrees) for c in h.claims]
    [({'RU': 'reject'}, {'T': 2.0}, True)]
    """
    scenario = _scenario(model)
    _check(scenario)
    given = scenario.values(values)
    verdicts, groups, claims = _record(scenario, given)
    return History(scenario.name, verdicts, groups, claims, method=METHODS[scenario.game.kind], values=given)


judge = history


def _consistent(
    scenario: Scenario,
    values: Mapping[str, float],
    sets: Mapping[tuple[tuple[str, float], ...], Mapping[str, float]],
) -> tuple[bool, bool]:
    """(every group agrees, and every claim holds too) at ``values``, each group's ``set`` replaced by
    ``sets[key]`` where given; it stops at the first group or claim that fails."""
    solver = _Solver(scenario, values)
    for entries in groups_of(scenario.observed):
        settings = scenario.observed[entries[0]].settings
        vals, result = solver.at(sets.get(_key(settings), settings))
        group, _ = _judge_group(scenario, entries, result, vals)
        if not group.agrees:
            return False, False
    for claim in scenario.claims:
        vals, result = solver.at(claim.settings)
        if not _judge_claim(claim, result, vals).agrees:
            return True, False
    return True, True


@dataclass(frozen=True, eq=False)
class ConsistentRegion(Result):
    """The part of the box of the model's assumptions where it reproduces its record and its claims.

    ``agrees`` per point: every group of observed entries agrees and every claim holds;
    ``observed_agrees``: the observed groups alone. ``points`` are the values checked for each name
    in ``varied`` (a grid over ``varied``, or a random sample of the box); ``held`` the values held
    fixed (data, or what cannot be sampled); a name ``p@date`` is the value of ``p`` in the ``set``
    of the observations of that date. ``share`` is the share of points that agree, with ``interval``
    its 95 % Wilson score interval (for a random sample; None for a grid). ``conditions`` are the
    symbolic conditions where the game allows (for trees: the region where the default
    subgame-perfect plan holds). ``route`` says how the points were judged: as arrays (and how many
    of them one by one) or point by point, and where the chunks ran.
    """

    varied: tuple[str, ...]
    points: Mapping[str, np.ndarray]
    agrees: np.ndarray
    conditions: tuple[sympy.Basic, ...] = ()
    gridded: bool = False
    observed_agrees: np.ndarray | None = None
    held: Mapping[str, float] = field(default_factory=FrozenMap)
    claims: int = 0
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()
    route: str = ""

    @property
    def share(self) -> float:
        return float(self.agrees.mean()) if self.agrees.size else 0.0

    @property
    def samples(self) -> int:
        return int(self.agrees.size)

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95 % Wilson score interval of ``share`` (None for a grid, which is not a sample)."""
        if self.gridded:
            return None
        return wilson_interval(int(self.agrees.sum()), self.samples)

    @property
    def observed_share(self) -> float:
        """The share of points where every group of observed entries agrees (claims aside)."""
        base = self.agrees if self.observed_agrees is None else self.observed_agrees
        return float(base.mean()) if base.size else 0.0

    def to_dict(self) -> dict[str, Any]:
        """``{"varied", "points", "share", "interval", "samples", "held", "share_observed", "claims",
        "ranges", "conditions", "notes"}``."""
        interval = self.interval
        return {
            "varied": list(self.varied),
            "points": self.samples,
            "samples": self.samples,
            "share": self.share,
            "interval": None if interval is None else [interval[0], interval[1]],
            "share_observed": self.observed_share,
            "claims": self.claims,
            "held": {k: clean_number(v) for k, v in self.held.items()},
            "ranges": {
                k: [clean_number(float(v[self.agrees].min())), clean_number(float(v[self.agrees].max()))]
                for k, v in self.points.items()
                if self.agrees.any()
            },
            "conditions": [str(c) for c in self.conditions],
            "notes": list(self.notes),
        }


def _draw(rng: np.random.Generator, role: str, lo: float, hi: float, samples: int) -> np.ndarray:
    if role == "switch":
        return rng.integers(0, 2, samples).astype(float)
    return rng.uniform(lo, hi, samples)


def consistent_region(
    model: Scenario,
    vary: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    *,
    samples: int = 400,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    budget: float | None = None,
    scheduler: Scheduler = None,
    route: Route = "auto",
) -> ConsistentRegion:
    """Share of the box of the model's assumptions where every group of observed entries agrees and
    every claim holds (the judge of :func:`history` at each point).

    With ``vary`` (parameter -> values) the grid of those values is checked, the others at their
    defaults and each observation's ``set`` as written. Without it, ``samples`` random points: every
    parameter whose role is ``"assumption"`` (:attr:`~bargaining.parameters.Parameter.role`) and
    that has finite bounds is drawn uniformly from ``[min, max]``, every ``"switch"`` is 0 or 1 with
    probability 1/2, data are held at their values, and offer parameters are left to the actors who
    choose them. The value of an assumption (or switch) in an observation's ``set`` is drawn in the
    same way, once for each distinct ``set`` (as ``name@date``); a claim's ``set`` is the claim's
    condition and is kept. A point where the game cannot be solved counts as not reproducing the
    record, and a note says how many there were.

    **Routes.** Game trees, normal-form games and package deals are judged as arrays
    (``route="arrays"``; the default ``"auto"`` where possible): every sample is drawn first, with
    the same draws as point by point, then the points are judged in chunks by
    :mod:`bargaining.analysis.region` (the subgame-perfect path compiled once; the sweep's vertex
    pairs; pure profiles and elimination of dominated strategies for three or more actors; the Nash
    solution's weights), and the points the arrays leave unsure (possible mixed equilibria,
    near-ties, values out of bounds) are judged one by one, so the verdicts are the per-point
    judge's. The arrays are bounded by the memory budget (``budget`` in MiB,
    docs/format.md#budgets). ``route="per-point"`` solves each point on its own: at most
    :data:`MAX_SAMPLES` points (scaled with ``budget``). Either limit is checked before any work.
    The chunks run through :func:`~bargaining.analysis.engine.map_chunks`: ``scheduler`` (None:
    this process; a ``dask.distributed.Client`` or a scheduler's address) says where; the result's
    ``route`` says how and where. ``progress(done, total)`` is called as chunks are done.

    >>> from bargaining.io.scenario_file import load
    >>> r = consistent_region(load("eu_russia_2007"), {"T": [0, 5]})
    >>> r.agrees.tolist()
    [False, True]
    >>> r = consistent_region(load("eu_russia_2007"), samples=50)
    >>> "T" in r.varied, r.held["T"], r.samples
    (False, 3.0, 50)
    >>> r.agrees.tolist() == consistent_region(load("eu_russia_2007"), samples=50, route="per-point").agrees.tolist()
    True
    """
    with using_budget(budget):
        if route not in ("auto", "arrays", "per-point"):
            raise ScenarioError('"auto", "arrays" or "per-point"', found=repr(route)[:40], field="route")
        scenario = _scenario(model)
        arrays = array_kind(scenario) is not None
        if route == "arrays" and not arrays:
            raise ScenarioError(
                "a game tree, a normal-form game or a package deal for the arrays route",
                found=f"a {scenario.kind} game (judged point by point)",
                field="route",
            )
        use_arrays = arrays and route != "per-point"
        if vary:
            count = math.prod(len(v) for v in vary.values())
            field_name, what = "vary", "a grid"
        else:
            if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
                raise ScenarioError("a whole number of samples, at least 1", found=repr(samples)[:40], field="samples")
            count, field_name, what = int(samples), "samples", "a sample"
        if use_arrays:
            columns = len(scenario.parameters) + sum(len(o.settings) for o in scenario.observed)
            per_point = 8 * columns + 2
            check_bytes(
                f"{what}'s arrays",
                float(count) * per_point,
                field=field_name,
                instead="fewer points",
                found=f"{count:,} points of about {per_point:,} bytes, {describe_bytes(float(count) * per_point)}",
            )
        else:
            check_count(
                what,
                count,
                MAX_SAMPLES,
                unit="points",
                field=field_name,
                instead="fewer " + ("values" if vary else "samples") + ": each point is solved on its own",
            )
        return _consistent_region(model, vary, int(samples), seed, progress, scheduler, use_arrays)


MAX_SAMPLES = 20_000
"""Points :func:`consistent_region` solves at the default budget on the per-point route (each one on
its own); the arrays route is bounded by the memory budget instead."""

Route: TypeAlias = Literal["auto", "arrays", "per-point"]


@dataclass
class _RegionChunks:
    """The judge of a chunk of the region's points ``[start, stop)``: a pure function of the bounds
    (the points are drawn before), picklable for :func:`~bargaining.analysis.engine.map_chunks`.

    Returns (every group agrees, and every claim holds too, the names of the exceptions at points
    that could not be solved, the number of points judged one by one)."""

    scenario: Scenario
    points: Mapping[str, np.ndarray]
    names: tuple[str, ...]
    columns: Mapping[tuple[tuple[str, float], ...], Mapping[str, str]]
    set_keys: tuple[tuple[tuple[str, float], ...], ...]
    judge: ArrayJudge | None

    def _base(self, k: int) -> dict[str, float]:
        return {n: float(self.points[n][k]) for n in self.names}

    def _sets(self, k: int) -> dict[tuple[tuple[str, float], ...], dict[str, float]]:
        return {
            key: {
                name: float(self.points[self.columns[key][name]][k]) if name in self.columns.get(key, {}) else v
                for name, v in key
            }
            for key in self.set_keys
        }

    def one(self, k: int) -> tuple[bool, bool, str | None]:
        """The per-point judge at point ``k``."""
        try:
            obs, ok = _consistent(self.scenario, self.scenario.values(self._base(k)), self._sets(k))
        except (ScenarioError, ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
            return False, False, type(exc).__name__
        return obs, ok, None

    def __call__(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, list[str], int]:
        n = stop - start
        observed_agrees = np.zeros(n, dtype=bool)
        agrees = np.zeros(n, dtype=bool)
        if self.judge is None:
            need = np.ones(n, dtype=bool)
        else:
            try:
                observed_agrees, agrees, need = self._arrays(start, stop)
            except (ScenarioError, ArithmeticError, ValueError, np.linalg.LinAlgError):
                need = np.ones(n, dtype=bool)  # the chunk as a whole failed: find the points one by one
        failed = []
        for j in np.flatnonzero(need):
            observed_agrees[j], agrees[j], exc = self.one(start + int(j))
            if exc is not None:
                failed.append(exc)
        return observed_agrees, agrees, failed, int(need.sum())

    def _arrays(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        judge = self.judge
        assert judge is not None
        scenario = self.scenario
        n = stop - start
        base = {name: np.asarray(self.points[name][start:stop], dtype=float) for name in self.names}
        need = judge.out_of_bounds(judge.parameters(base, n))  # the per-point judge refuses these at once
        solved: dict[tuple[tuple[str, float], ...], tuple[PointSolution, np.ndarray]] = {}

        def at(key: tuple[tuple[str, float], ...], drawn: bool) -> tuple[PointSolution, np.ndarray]:
            tag = (*key, ("@drawn", float(drawn)))
            if tag not in solved:
                given: dict[str, np.ndarray | float] = dict(base)
                for name, v in key:
                    column = self.columns.get(key, {}).get(name) if drawn else None
                    given[name] = np.asarray(self.points[column][start:stop], dtype=float) if column else v
                params = judge.parameters(given, n)  # type: ignore[arg-type]
                solved[tag] = (judge.solve(params, n), judge.out_of_bounds(params))
            return solved[tag]

        failed = np.zeros(n, dtype=bool)  # a group certainly fails (the per-point judge stops there)
        for entries in groups_of(scenario.observed):
            solution, bad = at(_key(scenario.observed[entries[0]].settings), True)
            ok, unsure = solution.explains([scenario.observed[i] for i in entries])
            need |= (unsure | bad) & ~failed
            failed |= ~ok & ~unsure & ~bad
        observed_agrees = ~failed
        for claim in scenario.claims:
            solution, bad = at(_key(claim.settings), False)
            ok, unsure = solution.holds(claim)
            need |= (unsure | bad) & ~failed
            failed |= ~ok & ~unsure & ~bad
        return observed_agrees, ~failed, need


def _consistent_region(
    model: Scenario,
    vary: Mapping[str, Sequence[float] | np.ndarray] | None,
    samples: int,
    seed: int,
    progress: Callable[[int, int], None] | None,
    scheduler: Scheduler = None,
    use_arrays: bool = False,
) -> ConsistentRegion:
    scenario = _scenario(model)
    _check(scenario)
    game = scenario.game
    offered = (
        {n.parameter for n in game.nodes.values() if isinstance(n, OfferNode)} if isinstance(game, TreeGame) else set()
    )
    set_keys: dict[tuple[tuple[str, float], ...], str] = {}
    for k, obs in enumerate(scenario.observed):
        if obs.settings and _key(obs.settings) not in set_keys:
            label = obs.date or f"observed[{k}]"
            set_keys[_key(obs.settings)] = label if label not in set_keys.values() else f"observed[{k}]"
    held: dict[str, float] = {}
    notes: list[str] = []
    if vary:
        names = tuple(vary)
        mesh = np.meshgrid(*(np.asarray(v, dtype=float) for v in vary.values()), indexing="ij")
        points = {n: m.reshape(-1) for n, m in zip(names, mesh, strict=True)}
        for n in names:
            scenario.parameter(n)
        held = {p.name: p.value for p in scenario.parameters if p.name not in names and p.name not in offered}
        method = "grid over " + ", ".join(names)
        columns: dict[tuple[tuple[str, float], ...], dict[str, str]] = {}
    else:
        rng = np.random.default_rng(seed)
        points = {}
        unbounded = []
        for p in scenario.parameters:
            if p.name in offered:
                continue
            role = p.role
            if role == "data" or (role == "assumption" and not (np.isfinite(p.min) and np.isfinite(p.max))):
                held[p.name] = p.value
                if role == "assumption":
                    unbounded.append(p.name)
                continue
            points[p.name] = _draw(rng, role, p.min, p.max, samples)
        columns = {}
        for key, label in set_keys.items():
            columns[key] = {}
            for name, v in key:
                p = scenario.parameter(name)
                column = f"{name}@{label}"
                if p.role == "switch" or (p.role == "assumption" and np.isfinite(p.min) and np.isfinite(p.max)):
                    points[column] = _draw(rng, p.role, p.min, p.max, samples)
                    columns[key][name] = column
                else:
                    held[column] = v
        names = tuple(points)
        method = f"uniform random sample of the assumptions' box (seed {seed}); switches 0 or 1; data held"
        if unbounded:
            notes.append(f"assumptions without finite bounds are held at their values: {', '.join(unbounded)}")
    count = len(next(iter(points.values()))) if points else 1
    chunks = _RegionChunks(
        scenario,
        points,
        tuple(n for n in names if n in scenario.space),
        columns,
        tuple(set_keys),
        ArrayJudge(scenario) if use_arrays else None,
    )
    step = chunk_size(scenario) if use_arrays else max(1, min(1000, count // 100 or 1))
    agrees = np.zeros(count, dtype=bool)
    observed_agrees = np.zeros(count, dtype=bool)
    failed: list[str] = []
    one_by_one = 0
    for start, stop, (obs_ok, ok, exc, singles) in map_chunks(
        chunks, count, step, scheduler=scheduler, progress=progress
    ):
        observed_agrees[start:stop] = obs_ok
        agrees[start:stop] = ok
        failed += exc
        one_by_one += singles
    if failed:
        notes.append(
            f"{len(failed)} of {count} points could not be solved ({', '.join(sorted(set(failed)))}); "
            "they count as not reproducing the record"
        )
    where = describe(scheduler)
    if use_arrays:
        route = f"arrays ({array_kind(scenario)}), {one_by_one} of {count} points judged one by one, in {where}"
        if one_by_one:
            notes.append(
                f"{one_by_one} of {count} points were judged one by one (the arrays left them unsure: possible "
                "mixed equilibria, near-ties or values out of bounds)"
            )
    else:
        route = f"per-point, in {where}"
    conditions: tuple[sympy.Basic, ...] = ()
    if isinstance(game, TreeGame) and scenario.observed:
        conditions = subgame_perfect(scenario).conditions
    return ConsistentRegion(
        names,
        points,
        agrees,
        conditions,
        gridded=bool(vary),
        observed_agrees=observed_agrees,
        held=held,
        claims=len(scenario.claims),
        method=method,
        values=scenario.values(),
        notes=tuple(notes),
        route=route,
    )

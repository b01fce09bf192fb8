r"""Perfect Bayesian equilibria of signalling games, exact at the parameter values, with belief thresholds as formulas.

In a signalling game (:class:`~bargaining.games.signalling.SignallingGame`) a pure **perfect Bayesian
equilibrium** (PBE) is a sender strategy :math:`\sigma : T \to M`, a receiver strategy
:math:`\rho : M \to A` and beliefs :math:`\mu(\cdot \mid m) \in \Delta(T)` at every message such that

1. *the sender is sequentially rational*: for every type :math:`t` and message :math:`m'`,
   :math:`u_S(t, \sigma(t), \rho(\sigma(t))) \ge u_S(t, m', \rho(m'))`;
2. *the receiver is sequentially rational*: at every message :math:`m`, :math:`\rho(m)` maximises
   :math:`\sum_t \mu(t \mid m)\, u_R(t, m, a)`;
3. *beliefs follow Bayes' rule on the path*: if :math:`P(m) = \sum_{t : \sigma(t) = m} p(t) > 0` then
   :math:`\mu(t \mid m) = p(t)\,[\sigma(t) = m] / P(m)`; off the path they are free.

:func:`perfect_bayesian` enumerates every pure :math:`(\sigma, \rho)` (refused above a count that scales
with the budget) and keeps those for which beliefs exist. On the path the beliefs are Bayes' posteriors,
exact rationals at the values; off the path it reports the whole set of beliefs under which
:math:`\rho(m)` is a best reply, the polytope
:math:`\{\mu \in \Delta(T) : \sum_t \mu_t (u_R(t,m,\rho(m)) - u_R(t,m,a)) \ge 0\ \forall a\}`, by its vertices
(found exactly: every choice of :math:`|T|-1` tight constraints solved in rationals), and for two types as
an interval of :math:`\mu(t_1 \mid m)`. The PBE exists iff that set is non-empty.

Each equilibrium is named **pooling** (every type sends one message), **separating** (every type a
different one) or **semi-separating** (partial pooling, three or more types). With two types the
**belief threshold** after each message, the belief :math:`\mu^*` in the first type at which the receiver
is indifferent between two actions, is solved with sympy as a formula in the parameters:
:math:`\mu^* u_R(t_1,m,a) + (1-\mu^*) u_R(t_2,m,a) = \mu^* u_R(t_1,m,b) + (1-\mu^*) u_R(t_2,m,b)`.

**The intuitive criterion** (Cho and Kreps 1987), for every PBE with an off-path message :math:`m`: type
:math:`t` is *equilibrium-dominated* at :math:`m` if its equilibrium payoff :math:`u^*_t` exceeds
:math:`\max_{a \in BR(T, m)} u_S(t, m, a)` (the best it could get from any best reply to any belief).
If not every type is, beliefs must put zero weight on the dominated set :math:`J`; the PBE fails the
criterion if some type :math:`t'` gets more than :math:`u^*_{t'}` from every best reply to beliefs on
:math:`T \setminus J`. It is checked for any number of types.

Only pure strategies are covered: equilibria in which a type or the receiver mixes (the
semi-separating equilibria with mixing) are not reported, and the result says so.

>>> from bargaining.games.signalling import SignallingGame
>>> types, msgs, acts = ["weak", "strong"], ["beer", "quiche"], ["duel", "not"]
>>> pay = {(t, m, a): (2 * (a == "not") + ((t, m) in {("weak", "quiche"), ("strong", "beer")}),
...                    int((t == "weak") == (a == "duel"))) for t in types for m in msgs for a in acts}
>>> g = SignallingGame.build("S", types, msgs, "R", acts, {"weak": "q", "strong": "1 - q"}, pay,
...     parameters={"q": (0.1, 0, 1)})
>>> result = perfect_bayesian(g)
>>> [(e.kind, dict(e.sender), e.intuitive) for e in result.equilibria]
[('pooling', {'weak': 'beer', 'strong': 'beer'}, True), ('pooling', {'weak': 'quiche', 'strong': 'quiche'}, False)]
>>> result.thresholds[0].formula, str(result.thresholds[0].value)
(1/2, '1/2')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations, product
from typing import Any

import sympy

from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.analysis.signalling_tree import as_signalling_scenario
from bargaining.budget import check_count
from bargaining.errors import ScenarioError
from bargaining.games.signalling import MAX_PROFILES, SignallingGame
from bargaining.games.tree import TreeGame
from bargaining.scenario import Scenario

__all__ = ["PBE", "BeliefRegion", "BeliefThreshold", "PBEResult", "check_equilibrium", "perfect_bayesian"]

PURE_ONLY = (
    "pure strategies only: equilibria in which a type or the receiver mixes (semi-separating with mixing) "
    "are not covered"
)


def _num(x: Fraction) -> float:
    return clean_number(float(x))


def _text(x: Fraction) -> str:
    return str(x)


@dataclass(frozen=True)
class BeliefRegion:
    """The beliefs at an off-path ``message`` under which ``action`` is a best reply: the polytope's
    ``vertices`` (each a probability per type, in the game's type order) and, with two types,
    ``interval``, the range of the belief in the first type."""

    message: str
    action: str
    vertices: tuple[tuple[Fraction, ...], ...]
    interval: tuple[Fraction, Fraction] | None

    def to_dict(self, types: Sequence[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "vertices": [{t: _num(v) for t, v in zip(types, vertex, strict=True)} for vertex in self.vertices],
            "vertices_exact": [{t: _text(v) for t, v in zip(types, vertex, strict=True)} for vertex in self.vertices],
        }
        if self.interval is not None:
            out["interval"] = [_num(self.interval[0]), _num(self.interval[1])]
            out["interval_exact"] = [_text(self.interval[0]), _text(self.interval[1])]
            out["belief_of"] = types[0]
        return out


@dataclass(frozen=True)
class PBE:
    """One pure perfect Bayesian equilibrium.

    ``sender`` maps each type to its message, ``receiver`` each message to the action; ``beliefs``
    the on-path messages to Bayes' posterior (a probability per type, in type order); ``off_path``
    the off-path messages to the :class:`BeliefRegion` that supports the receiver's action there;
    ``sender_payoffs`` each type's payoff, ``receiver_payoff`` the receiver's expected payoff (over the
    prior); ``intuitive`` whether it survives the intuitive criterion (True when no message is off
    the path) and ``intuitive_reason`` why.
    """

    kind: str
    sender: Mapping[str, str]
    receiver: Mapping[str, str]
    beliefs: Mapping[str, tuple[Fraction, ...]]
    off_path: Mapping[str, BeliefRegion]
    sender_payoffs: Mapping[str, Fraction]
    receiver_payoff: Fraction
    intuitive: bool
    intuitive_reason: str

    def to_dict(self, types: Sequence[str]) -> dict[str, Any]:
        beliefs: dict[str, Any] = {}
        for m, post in self.beliefs.items():
            beliefs[m] = {
                "on_path": True,
                "belief": {t: _num(v) for t, v in zip(types, post, strict=True)},
                "belief_exact": {t: _text(v) for t, v in zip(types, post, strict=True)},
            }
        for m, region in self.off_path.items():
            beliefs[m] = {"on_path": False, **region.to_dict(types)}
        return {
            "kind": self.kind,
            "sender": dict(self.sender),
            "receiver": dict(self.receiver),
            "beliefs": beliefs,
            "payoff": {
                "sender": {t: _num(v) for t, v in self.sender_payoffs.items()},
                "sender_exact": {t: _text(v) for t, v in self.sender_payoffs.items()},
                "receiver": _num(self.receiver_payoff),
                "receiver_exact": _text(self.receiver_payoff),
            },
            "intuitive": self.intuitive,
            "intuitive_reason": self.intuitive_reason,
        }


@dataclass(frozen=True)
class BeliefThreshold:
    """With two types: the belief in the first type (``belief_of``) at which the receiver is indifferent
    between ``actions`` after ``message``. ``formula`` is the solution in the parameters (sympy),
    ``value`` its exact value at the values, ``better_above`` the action strictly better for beliefs
    above it (None when the two are equally good at every belief there)."""

    message: str
    actions: tuple[str, str]
    belief_of: str
    formula: sympy.Expr
    value: Fraction | None
    better_above: str | None

    def to_dict(self) -> dict[str, Any]:
        inside = self.value is not None and 0 <= self.value <= 1
        return {
            "message": self.message,
            "actions": list(self.actions),
            "belief_of": self.belief_of,
            "formula": str(self.formula),
            "latex": sympy.latex(self.formula),
            "value": None if self.value is None else _num(self.value),
            "value_exact": None if self.value is None else _text(self.value),
            "in_unit_interval": inside,
            "better_above": self.better_above,
        }


@dataclass(frozen=True, eq=False)
class PBEResult(Result):
    """Every pure perfect Bayesian equilibrium of a signalling game at ``values``, with the belief
    thresholds (two types) and the prior there (exact). ``exact`` says whether every number at the
    values was rational (else some were compared as floats, and a note says so)."""

    game: SignallingGame
    values: Mapping[str, float]
    prior: Mapping[str, Fraction]
    equilibria: tuple[PBE, ...]
    thresholds: tuple[BeliefThreshold, ...]
    exact: bool = True
    method: str = (
        "enumeration of pure strategy profiles; beliefs by Bayes' rule, "
        "off-path belief sets by exact vertex enumeration"
    )
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __iter__(self) -> Any:
        return iter(self.equilibria)

    def __len__(self) -> int:
        return len(self.equilibria)

    def of_kind(self, kind: str) -> tuple[PBE, ...]:
        """The equilibria named ``kind`` ("pooling", "separating" or "semi-separating")."""
        return tuple(e for e in self.equilibria if e.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        g = self.game
        return {
            "game": "signalling",
            "sender": g.sender,
            "receiver": g.receiver,
            "types": list(g.types),
            "messages": list(g.messages),
            "actions": list(g.actions),
            "prior": {t: _num(v) for t, v in self.prior.items()},
            "prior_exact": {t: _text(v) for t, v in self.prior.items()},
            "equilibria": [e.to_dict(g.types) for e in self.equilibria],
            "thresholds": [t.to_dict() for t in self.thresholds],
            "exact": self.exact,
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "method": self.method,
            "notes": list(self.notes),
        }


# -- exact arithmetic ------------------------------------------------------------------------------


class _Numbers:
    """The game's prior and payoffs at the values, as Fractions (exact where sympy gives a rational)."""

    def __init__(self, game: SignallingGame, values: Mapping[str, float]) -> None:
        self.exact = True
        subs = {s: sympy.Rational(repr(float(values[s.name]))) for s in game.parameter_symbols()}
        self.subs = subs
        self.prior = [self.number(p, f"prior.{t}") for t, p in zip(game.types, game.prior, strict=True)]
        for t, p in zip(game.types, self.prior, strict=True):
            if not 0 <= p <= 1:
                raise ScenarioError(
                    "a prior probability in [0, 1] at the values", found=f"{float(p):g}", field=f"prior.{t}"
                )
        self.us = [[[self.number(e, "payoffs") for e in cell] for cell in row] for row in game.sender_payoffs]
        self.ur = [[[self.number(e, "payoffs") for e in cell] for cell in row] for row in game.receiver_payoffs]

    def number(self, expr: sympy.Expr, where: str) -> Fraction:
        x = expr.xreplace(self.subs)
        if isinstance(x, sympy.Rational):
            return Fraction(int(x.p), int(x.q))
        try:
            f = float(sympy.N(x, 30))
        except (TypeError, ValueError):
            raise ScenarioError("a real number at the values", found=str(x)[:60], field=where) from None
        if not math.isfinite(f):
            raise ScenarioError("a finite real number at the values", found=str(x)[:60], field=where)
        self.exact = False
        return Fraction(f)


def _solve(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """The solution of a square linear system in rationals (Gaussian elimination), None if singular."""
    n = len(rhs)
    a = [[*row, b] for row, b in zip(matrix, rhs, strict=True)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if a[r][col] != 0), None)
        if pivot is None:
            return None
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col], strict=True)]
    return [a[r][n] / a[r][r] for r in range(n)]


def _region(
    ur: list[list[list[Fraction]]], m: int, a: int, support: Sequence[int], n_types: int
) -> tuple[tuple[Fraction, ...], ...]:
    """The vertices of {beliefs on ``support``: action ``a`` is a best reply at message ``m``}, exactly.

    Constraints: mu_s >= 0, sum_s mu_s (u_R(s,m,a) - u_R(s,m,b)) >= 0 for every action b, sum mu_s = 1.
    A vertex makes |support| - 1 of the inequalities tight; each choice is solved and kept if feasible."""
    d = len(support)
    n_actions = len(ur[0][0])
    rows: list[list[Fraction]] = []
    for k in range(d):
        rows.append([Fraction(int(j == k)) for j in range(d)])
    for b in range(n_actions):
        if b != a:
            rows.append([ur[s][m][a] - ur[s][m][b] for s in support])
    found: set[tuple[Fraction, ...]] = set()
    for tight in combinations(range(len(rows)), d - 1):
        matrix = [rows[i] for i in tight] + [[Fraction(1)] * d]
        rhs = [Fraction(0)] * (d - 1) + [Fraction(1)]
        x = _solve(matrix, rhs)
        if x is None:
            continue
        if all(sum((r * v for r, v in zip(row, x, strict=True)), Fraction(0)) >= 0 for row in rows):
            full = [Fraction(0)] * n_types
            for s, v in zip(support, x, strict=True):
                full[s] = v
            found.add(tuple(full))
    return tuple(sorted(found))


def _best_replies(ur: list[list[list[Fraction]]], m: int, belief: Sequence[Fraction]) -> list[int]:
    scores = [sum((q * ur[t][m][a] for t, q in enumerate(belief)), Fraction(0)) for a in range(len(ur[0][0]))]
    top = max(scores)
    return [a for a, s in enumerate(scores) if s == top]


def _kind(sigma: Sequence[int], n_types: int) -> str:
    used = len(set(sigma))
    if used == 1:
        return "pooling"
    if used == n_types:
        return "separating"
    return "semi-separating"


# -- the analysis ----------------------------------------------------------------------------------


def perfect_bayesian(
    model: Scenario | SignallingGame | TreeGame,
    values: Mapping[str, float] | None = None,
    *,
    budget: float | None = None,
) -> PBEResult:
    """Every pure perfect Bayesian equilibrium of a signalling game at ``values`` (the defaults if omitted).

    A game tree of the signalling shape (a chance root drawing the type, the sender's nodes, the
    receiver's information sets by message, outcomes) is read as its signalling game first
    (:func:`~bargaining.analysis.signalling_tree.signalling_game_of`); a tree of another shape is
    refused with the first reason.

    The enumeration of :math:`|M|^{|T|}|A|^{|M|}` strategy profiles is refused above
    :data:`~bargaining.games.signalling.MAX_PROFILES` at the default budget (``budget`` in MiB,
    docs/format.md#budgets). Every equilibrium reported is checked again by :func:`check_equilibrium`
    (sequential rationality of both players, Bayes' rule on the path, the off-path beliefs).
    """
    scenario = Scenario.of(model)
    tree = scenario.game if isinstance(scenario.game, TreeGame) else None
    if tree is not None:
        scenario = as_signalling_scenario(scenario)
    game = scenario.game
    if not isinstance(game, SignallingGame):
        raise ScenarioError(
            'a signalling game (game = "signalling", or a signalling tree)',
            found=f"a {scenario.kind} game",
            field="game",
        )
    at = scenario.values(values)
    check_count(
        "a signalling game",
        game.profile_count(),
        MAX_PROFILES,
        budget,
        unit="pure strategy profiles",
        field="sender.types",
        instead="fewer types, messages or actions",
    )
    nums = _Numbers(game, at)
    n, k, n_actions = len(game.types), len(game.messages), len(game.actions)
    everyone = tuple(range(n))
    regions: dict[tuple[int, int, tuple[int, ...]], tuple[tuple[Fraction, ...], ...]] = {}

    def region(m: int, a: int, support: tuple[int, ...] = everyone) -> tuple[tuple[Fraction, ...], ...]:
        key = (m, a, support)
        if key not in regions:
            regions[key] = _region(nums.ur, m, a, support, n)
        return regions[key]

    found: list[PBE] = []
    for sigma in product(range(k), repeat=n):
        posteriors: dict[int, tuple[Fraction, ...]] = {}
        options: list[list[int]] = []
        for m in range(k):
            mass = sum((nums.prior[t] for t in range(n) if sigma[t] == m), Fraction(0))
            if mass > 0:
                post = tuple(nums.prior[t] / mass if sigma[t] == m else Fraction(0) for t in range(n))
                posteriors[m] = post
                options.append(_best_replies(nums.ur, m, post))
            else:
                options.append([a for a in range(n_actions) if region(m, a)])
        for rho in product(*options):
            payoffs = [nums.us[t][sigma[t]][rho[sigma[t]]] for t in range(n)]
            if any(nums.us[t][m][rho[m]] > payoffs[t] for t in range(n) for m in range(k)):
                continue
            found.append(_equilibrium(game, nums, sigma, rho, posteriors, payoffs, region))
    notes = [PURE_ONLY]
    if tree is not None:
        notes.append(
            f"the game tree read as a signalling game: types = the moves at {tree.root}, {game.sender} sends,"
            f" {game.receiver} sees the message only"
        )
    if not nums.exact:
        notes.append("some numbers are irrational at these values: they were compared as floating-point numbers")
    if n == 2:
        thresholds = _thresholds(game, nums)
    else:
        thresholds = ()
        notes.append("belief thresholds as formulas are given for two types only")
    result = PBEResult(
        game=game,
        values=at,
        prior={t: p for t, p in zip(game.types, nums.prior, strict=True)},
        equilibria=tuple(found),
        thresholds=thresholds,
        exact=nums.exact,
        notes=tuple(notes),
    )
    for eq in result.equilibria:
        problems = check_equilibrium(game, eq, at)
        if problems:  # pragma: no cover - the enumeration above builds only equilibria
            raise RuntimeError("internal error: a reported PBE fails its check: " + "; ".join(problems))
    return result


def _equilibrium(
    game: SignallingGame,
    nums: _Numbers,
    sigma: tuple[int, ...],
    rho: tuple[int, ...],
    posteriors: Mapping[int, tuple[Fraction, ...]],
    payoffs: list[Fraction],
    region: Any,
) -> PBE:
    n = len(game.types)
    off: dict[str, BeliefRegion] = {}
    for m in range(len(game.messages)):
        if m in posteriors:
            continue
        vertices = region(m, rho[m])
        interval = (min(v[0] for v in vertices), max(v[0] for v in vertices)) if n == 2 else None
        off[game.messages[m]] = BeliefRegion(game.messages[m], game.actions[rho[m]], vertices, interval)
    receiver = sum((nums.prior[t] * nums.ur[t][sigma[t]][rho[sigma[t]]] for t in range(n)), Fraction(0))
    intuitive, reason = _intuitive(
        game, nums, rho, payoffs, [m for m in range(len(game.messages)) if m not in posteriors], region
    )
    return PBE(
        kind=_kind(sigma, n),
        sender=FrozenMap({t: game.messages[sigma[i]] for i, t in enumerate(game.types)}),
        receiver=FrozenMap({m: game.actions[rho[j]] for j, m in enumerate(game.messages)}),
        beliefs=FrozenMap({game.messages[m]: post for m, post in sorted(posteriors.items())}),
        off_path=FrozenMap(off),
        sender_payoffs=FrozenMap({t: payoffs[i] for i, t in enumerate(game.types)}),
        receiver_payoff=receiver,
        intuitive=intuitive,
        intuitive_reason=reason,
    )


def _intuitive(
    game: SignallingGame,
    nums: _Numbers,
    rho: tuple[int, ...],
    payoffs: list[Fraction],
    off_path: list[int],
    region: Any,
) -> tuple[bool, str]:
    """Cho and Kreps's test at every off-path message: (survives, why)."""
    if not off_path:
        return True, "no message is off the path: the intuitive criterion restricts nothing"
    n = len(game.types)
    n_actions = len(game.actions)
    said = []
    for m in off_path:
        msg = game.messages[m]
        replies = [a for a in range(n_actions) if region(m, a)]
        dominated = [t for t in range(n) if payoffs[t] > max(nums.us[t][m][a] for a in replies)]
        if not dominated:
            said.append(f"at {msg} no type is equilibrium-dominated")
            continue
        names = ", ".join(game.types[t] for t in dominated)
        if len(dominated) == n:
            said.append(f"at {msg} every type is equilibrium-dominated, so beliefs there are not restricted")
            continue
        rest = tuple(t for t in range(n) if t not in dominated)
        restricted = [a for a in range(n_actions) if region(m, a, rest)]
        for t in range(n):
            worst = min(nums.us[t][m][a] for a in restricted)
            if worst > payoffs[t]:
                return False, (
                    f"fails: {names} would never gain from {msg} (equilibrium dominance), so beliefs after {msg} "
                    f"put no weight on {names}; every best reply to such beliefs ("
                    + ", ".join(game.actions[a] for a in restricted)
                    + f") gives {game.types[t]} at least {_num(worst):g} > its equilibrium payoff {_num(payoffs[t]):g}"
                )
        said.append(
            f"at {msg} beliefs must put no weight on {names} (equilibrium-dominated), and no type gains from {msg} "
            "against every best reply to such beliefs"
        )
    return True, "survives: " + "; ".join(said)


_Formulas = tuple[tuple[int, int, int, sympy.Expr, sympy.Expr], ...]
_FORMULAS: dict[int, tuple[SignallingGame, _Formulas]] = {}


def _threshold_formulas(game: SignallingGame) -> _Formulas:
    """For two types: ``(message, a, b, slope, formula)`` for every message and pair of actions whose
    comparison depends on the belief: the receiver's payoff difference of ``a`` over ``b`` is
    ``slope * mu + const`` in the belief ``mu`` in the first type, and ``formula`` solves it for 0.
    Value-independent, so found once per game object (kept for the last 32 games)."""
    kept = _FORMULAS.get(id(game))
    if kept is not None and kept[0] is game:
        return kept[1]
    mu = sympy.Dummy("mu")
    out = []
    ur = game.receiver_payoffs
    for j in range(len(game.messages)):
        for a, b in combinations(range(len(game.actions)), 2):
            diff = mu * (ur[0][j][a] - ur[0][j][b]) + (1 - mu) * (ur[1][j][a] - ur[1][j][b])
            slope = sympy.expand(diff).coeff(mu, 1)
            if sympy.simplify(slope) == 0:
                continue  # the two actions compare the same way at every belief: no threshold
            solutions = sympy.solve(sympy.Eq(diff, 0), mu)
            if len(solutions) != 1:  # pragma: no cover - linear in mu with a non-zero slope
                continue
            out.append((j, a, b, slope, sympy.simplify(solutions[0])))
    found = tuple(out)
    if len(_FORMULAS) >= 32:
        _FORMULAS.clear()
    _FORMULAS[id(game)] = (game, found)
    return found


def _thresholds(game: SignallingGame, nums: _Numbers) -> tuple[BeliefThreshold, ...]:
    """For two types: at every message and pair of actions, the belief in the first type that makes
    the receiver indifferent, solved with sympy in the parameters (once per game:
    :func:`_threshold_formulas`) and evaluated exactly at the values."""
    out = []
    for j, a, b, slope, formula in _threshold_formulas(game):
        slope_at = nums.number(slope, "payoffs")
        value: Fraction | None
        if slope_at == 0:
            value, above = None, None
        else:
            value = nums.number(formula, "payoffs")
            above = game.actions[a] if slope_at > 0 else game.actions[b]
        m = game.messages[j]
        out.append(BeliefThreshold(m, (game.actions[a], game.actions[b]), game.types[0], formula, value, above))
    return tuple(out)


def check_equilibrium(game: SignallingGame, eq: PBE, values: Mapping[str, float]) -> list[str]:
    """What is wrong with ``eq`` as a pure PBE of ``game`` at ``values`` (an empty list: nothing).

    Checks, from the game's definition: no type gains by another message given the receiver's
    strategy; the beliefs at on-path messages are Bayes' posteriors; the receiver's action is a best
    reply to them; at off-path messages every reported vertex is a belief (non-negative, summing to 1)
    to which the action is a best reply, and there is at least one.
    """
    nums = _Numbers(game, {**{p.name: p.value for p in game.parameters}, **dict(values)})
    problems = []
    t_index = {t: i for i, t in enumerate(game.types)}
    m_index = {m: j for j, m in enumerate(game.messages)}
    a_index = {a: i for i, a in enumerate(game.actions)}
    rho = [a_index[eq.receiver[m]] for m in game.messages]
    for t in game.types:
        i, j = t_index[t], m_index[eq.sender[t]]
        own = nums.us[i][j][rho[j]]
        if own != eq.sender_payoffs[t]:
            problems.append(f"{t}'s payoff is {own}, not {eq.sender_payoffs[t]}")
        for m in game.messages:
            if nums.us[i][m_index[m]][rho[m_index[m]]] > own:
                problems.append(f"{t} gains by sending {m}")
    for m in game.messages:
        j = m_index[m]
        senders = [t_index[t] for t in game.types if eq.sender[t] == m]
        mass = sum((nums.prior[i] for i in senders), Fraction(0))
        if mass > 0:
            bayes = tuple(nums.prior[i] / mass if i in senders else Fraction(0) for i in range(len(game.types)))
            if eq.beliefs.get(m) != bayes:
                problems.append(f"the belief at {m} is not Bayes' posterior {bayes}")
            if rho[j] not in _best_replies(nums.ur, j, bayes):
                problems.append(f"{eq.receiver[m]} is not a best reply at {m}")
        else:
            region = eq.off_path.get(m)
            if region is None or not region.vertices:
                problems.append(f"no belief is given at the off-path message {m}")
                continue
            for vertex in region.vertices:
                if any(v < 0 for v in vertex) or sum(vertex) != 1:
                    problems.append(f"{vertex} is not a belief")
                elif rho[j] not in _best_replies(nums.ur, j, vertex):
                    problems.append(f"{eq.receiver[m]} is not a best reply at {m} to the belief {vertex}")
    return problems

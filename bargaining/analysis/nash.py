r"""Every Nash equilibrium of a normal-form game: the solver the command and notebooks call.

For two actors, :func:`equilibria` enumerates every extreme equilibrium, mixed included, by vertex
enumeration of the best-response polytopes (:mod:`bargaining.kernels.bimatrix`), says whether the
game is degenerate and which equilibria form a continuum, and gives each equilibrium exactly, as
formulas in the parameters (:mod:`bargaining.analysis.indifference`). For three or more actors it gives every pure
equilibrium (:mod:`bargaining.kernels.pure`) and says that mixed ones are not enumerated.

>>> from bargaining.games.normal import NormalFormGame
>>> inspection = NormalFormGame.from_table(
...     {"EU": ["monitor", "trust"], "RU": ["readmit", "stall"]},
...     {("monitor", "readmit"): ("g - m", "-e"), ("monitor", "stall"): ("-m", "-f"),
...      ("trust", "readmit"): ("g", "-e"), ("trust", "stall"): ("-l", "0")})
>>> result = equilibria(inspection, {"e": 1, "f": 4, "g": 2, "m": 1, "l": 2})
>>> result[0].strategy("EU"), result[0].strategy("RU")
({'monitor': 0.25, 'trust': 0.75}, {'readmit': 0.5, 'stall': 0.5})
>>> result[0].exact_probabilities[0][0]
e/f
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.deadline import DeadlineExceeded, too_large, within_deadline
from bargaining.analysis.indifference import exact_mixture
from bargaining.analysis.nash_n import solve as solve_n
from bargaining.analysis.reduced_form import reduced_normal_form
from bargaining.analysis.result import FrozenMap, Result, clean_number
from bargaining.budget import using_budget
from bargaining.errors import ScenarioError
from bargaining.kernels.best_response import strategy_payoffs
from bargaining.kernels.bimatrix import (
    BUDGET_ENV,
    check_budget,
    lemke_howson,
    payoff_tolerance,
    support_enumeration,
    vertex_enumeration,
)
from bargaining.kernels.pure import pure_equilibria as pure_profiles
from bargaining.scenario import Scenario

if TYPE_CHECKING:
    from bargaining.games.normal import NormalFormGame
    from bargaining.games.tree import TreeGame

__all__ = ["Equilibrium", "EquilibriumSet", "equilibria", "pure_equilibria"]


@dataclass(frozen=True, eq=False)
class Equilibrium(Result):
    """One Nash equilibrium: each actor's mixed strategy and expected payoff.

    ``exact_probabilities`` and ``exact_payoffs`` are sympy expressions in the parameters when the
    indifference conditions could be solved symbolically (and agree with the numbers), else None.
    ``component`` numbers the connected component of the equilibrium set it belongs to.
    """

    actors: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    probabilities: tuple[tuple[float, ...], ...]
    payoffs: tuple[float, ...]
    exact_probabilities: tuple[tuple[sympy.Expr, ...], ...] | None = None
    exact_payoffs: tuple[sympy.Expr, ...] | None = None
    component: int = 0
    method: str = ""
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    @property
    def pure(self) -> bool:
        """Whether every actor plays one strategy with probability 1."""
        return all(sum(1 for p in probs if p > 0) == 1 for probs in self.probabilities)

    def strategy(self, actor: str) -> dict[str, float]:
        """Actor's mixed strategy as strategy -> probability."""
        i = self.actors.index(actor)
        return dict(zip(self.strategies[i], self.probabilities[i], strict=True))

    def payoff(self, actor: str) -> float:
        """Actor's expected payoff."""
        return self.payoffs[self.actors.index(actor)]

    def support(self, actor: str) -> tuple[str, ...]:
        """The strategies actor plays with positive probability."""
        return tuple(s for s, p in self.strategy(actor).items() if p > 0)

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``strategy``, ``payoff``, ``pure``; ``exact`` when known."""
        out: dict[str, Any] = {
            "strategy": {
                a: {s: clean_number(p) for s, p in zip(ss, ps, strict=True)}
                for a, ss, ps in zip(self.actors, self.strategies, self.probabilities, strict=True)
            },
            "payoff": {a: clean_number(u) for a, u in zip(self.actors, self.payoffs, strict=True)},
            "pure": self.pure,
            "component": self.component,
        }
        if self.exact_probabilities is not None and self.exact_payoffs is not None:
            out["exact"] = {
                "strategy": {
                    a: {s: str(p) for s, p in zip(ss, ps, strict=True)}
                    for a, ss, ps in zip(self.actors, self.strategies, self.exact_probabilities, strict=True)
                },
                "payoff": {a: str(u) for a, u in zip(self.actors, self.exact_payoffs, strict=True)},
                "latex": {a: sympy.latex(u) for a, u in zip(self.actors, self.exact_payoffs, strict=True)},
            }
        return out


@dataclass(frozen=True, eq=False)
class EquilibriumSet(Result):
    """Every Nash equilibrium a solver found for a game at given parameter values.

    ``complete`` says whether mixed equilibria were enumerated (two actors) or only pure ones
    (three or more); ``degenerate`` whether the game is degenerate (None where not examined);
    ``components`` groups equilibria joined by a continuum; ``notes`` says, in words, what a reader
    must know (a continuum, mixed equilibria not enumerated, an exact form that is missing).
    """

    game: NormalFormGame
    equilibria: tuple[Equilibrium, ...]
    values: Mapping[str, float]
    method: str
    complete: bool
    degenerate: bool | None = None
    components: tuple[tuple[int, ...], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self) -> Iterator[Equilibrium]:
        return iter(self.equilibria)

    def __getitem__(self, k: int) -> Equilibrium:
        return self.equilibria[k]

    @property
    def pure(self) -> tuple[Equilibrium, ...]:
        """The pure equilibria."""
        return tuple(e for e in self.equilibria if e.pure)

    @property
    def continuum(self) -> bool:
        """Whether some equilibria are joined by a continuum (infinitely many equilibria)."""
        return any(len(c) > 1 for c in self.components)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` output of ``bargaining solve`` for a normal-form game (docs/format.md#json-output)."""
        out: dict[str, Any] = {
            "game": "normal",
            "equilibria": [e.to_dict() for e in self.equilibria],
            "method": self.method,
            "mixed_enumerated": self.complete,
            "degenerate": self.degenerate,
            "components": [list(c) for c in self.components],
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
        }
        if self.notes:
            out["note"] = " ".join(self.notes)
        return out


Method = Literal["vertex", "support", "lemke-howson", "some"]
METHODS: tuple[Method, ...] = ("vertex", "support", "lemke-howson", "some")


class PayoffEntries:
    """One actor's symbolic payoffs ``M[s, t]`` (row actor's strategy s, column actor's t), worked out
    only where asked: the exact forms need the entries of an equilibrium's supports, not the whole table."""

    def __init__(self, game: NormalFormGame, actor: int, transposed: bool = False) -> None:
        self.game, self.actor, self.transposed = game, actor, transposed
        m, n = game.shape
        self.shape = (n, m) if transposed else (m, n)

    def __getitem__(self, st: tuple[int, int]) -> sympy.Expr:
        s, t = st
        return _entry(self.game, self.actor, (t, s) if self.transposed else (s, t))

    @property
    def T(self) -> PayoffEntries:
        return PayoffEntries(self.game, self.actor, not self.transposed)


@cache
def _entry(game: NormalFormGame, actor: int, idx: tuple[int, int]) -> sympy.Expr:
    return game.entry(actor, idx)


def _resolve(
    game: NormalFormGame | TreeGame | Scenario, values: Mapping[str, float] | None
) -> tuple[NormalFormGame, dict[str, float]]:
    scenario = Scenario.of(game)
    if scenario.game.kind == "tree":  # a tree: its reduced normal form (bargaining.analysis.reduced_form)
        return reduced_normal_form(scenario), scenario.values(values)
    return scenario.normal_form, scenario.values(values)


def _on_tree(game: NormalFormGame | TreeGame | Scenario, found: EquilibriumSet) -> EquilibriumSet:
    """The result, said to be on the reduced normal form when ``game`` is a tree."""
    tree = Scenario.of(game).game
    if tree.kind != "tree":
        return found
    recall = getattr(tree, "perfect_recall", lambda: True)()
    note = (
        "A game tree: the Nash equilibria of its reduced normal form (a strategy is one move per information"
        " set, strategies differing only where the actor's own moves never lead identified; payoffs expected"
        " over chance moves)"
        + (
            "; with perfect recall they are the tree's equilibria in behaviour strategies (Kuhn 1953)."
            if recall
            else "; the tree has imperfect recall, so a mixed strategy may have no equivalent behaviour strategy."
        )
    )
    return replace(found, method=f"{found.method} on the reduced normal form", notes=(note, *found.notes))


def _pure(
    game: NormalFormGame, arr: npt.NDArray[np.float64], values: dict[str, float], exact: bool, only_pure: bool = False
) -> EquilibriumSet:
    found = pure_profiles(arr, tol=1e-9 * (1.0 + float(np.abs(arr).max())))  # ties up to rounding count
    eqs = []
    for k, idx in enumerate(found):
        profile = tuple(game.strategies[j][int(s)] for j, s in enumerate(idx))
        probs = tuple(
            tuple(1.0 if t == int(s) else 0.0 for t in range(m)) for s, m in zip(idx, game.shape, strict=True)
        )
        pays = tuple(float(arr[(i, *idx)]) for i in range(game.n_actors))
        exact_probs = tuple(tuple(sympy.Integer(int(p)) for p in row) for row in probs) if exact else None
        exact_pays = tuple(game.payoff_expr(a, profile) for a in game.actors) if exact else None
        eqs.append(
            Equilibrium(
                game.actors,
                game.strategies,
                probs,
                pays,
                exact_probs,
                exact_pays,
                component=k,
                method="pure-profile enumeration (numpy)",
                values=values,
            )
        )
    notes = []
    if only_pure:
        notes.append("Pure equilibria only: mixed equilibria were not asked for (equilibria() gives them).")
    else:
        notes.append("A one-actor game: the equilibria are the actor's best strategies (and any mixture of them).")
    return EquilibriumSet(
        game,
        tuple(eqs),
        values,
        "pure-profile enumeration (numpy)",
        complete=False,
        components=tuple((k,) for k in range(len(eqs))),
        notes=tuple(notes),
    )


def _bimatrix(
    game: NormalFormGame,
    arr: npt.NDArray[np.float64],
    values: dict[str, float],
    exact: bool,
    method: Method,
    budget: float | None = None,
) -> EquilibriumSet:
    A, B = arr[0], arr[1]
    m, n = A.shape
    notes: list[str] = []
    complete = True
    row_labels: tuple[npt.NDArray[np.bool_], ...] | None = None
    col_labels: tuple[npt.NDArray[np.bool_], ...] | None = None
    components: tuple[tuple[int, ...], ...]
    degenerate: bool | None = None
    if method == "some":
        try:
            check_budget(m, n, budget)
            method = "vertex"
        except ScenarioError as err:
            method = "lemke-howson"
            notes.append(f"Complete enumeration would exceed the budget ({err.found}).")
    if method == "lemke-howson":
        pairs = lemke_howson(A, B)
        components = tuple((k,) for k in range(len(pairs)))
        complete = False
        label = "Lemke-Howson from every dropped label (not necessarily all equilibria)"
        notes.append(
            f"Lemke-Howson from each of the {m + n} labels: not necessarily all equilibria "
            f"(method='vertex' enumerates every one; raise budget= or {BUDGET_ENV} if it is refused)."
        )
    elif method == "support":
        check_budget(m, n, budget)
        pairs = support_enumeration(A, B)
        components = tuple((k,) for k in range(len(pairs)))
        label = "support enumeration (numpy, non-degenerate games)"
    else:
        res = vertex_enumeration(A, B, budget=budget)
        pairs = list(res.equilibria)
        row_labels, col_labels = res.row_labels, res.col_labels
        components, degenerate, label = res.components, res.degenerate, res.method
    component_of = {e: c for c, comp in enumerate(components) for e in comp}
    specs: list[_Spec] = []
    for k, (x, y) in enumerate(pairs):
        sx = [i for i in range(m) if x[i] > 0]
        sy = [j for j in range(n) if y[j] > 0]
        tight_cols = (
            [j for j in range(n) if col_tight(row_labels, k, m + j)]
            if row_labels is not None
            else _tight(strategy_payoffs(arr, 1, [x, y]), payoff_tolerance(B))
        )
        tight_rows = (
            [i for i in range(m) if col_tight(col_labels, k, i)]
            if col_labels is not None
            else _tight(strategy_payoffs(arr, 0, [x, y]), payoff_tolerance(A))
        )
        specs.append((sx, tight_cols, x, sy, tight_rows, y))
    forms: list[_Form] = [None] * len(pairs)
    if exact and pairs:
        forms, late = _exact_forms(game, specs, values)
        if late is not None:
            notes.append(late)
    missing_exact = 0
    eqs = []
    for k, (x, y) in enumerate(pairs):
        pays = (float(x @ A @ y), float(x @ B @ y))
        exact_probs = exact_pays = None
        if exact:
            found = forms[k]
            if found is not None:
                exact_probs, exact_pays = found
            else:
                missing_exact += 1
        eqs.append(
            Equilibrium(
                game.actors,
                game.strategies,
                (tuple(float(p) for p in x), tuple(float(q) for q in y)),
                pays,
                exact_probs,
                exact_pays,
                component=component_of.get(k, k),
                method=label,
                values=values,
            )
        )
    if degenerate:
        notes.append("The game is degenerate: some strategy has more best responses than its support has strategies.")
    for c, comp in enumerate(components):
        if len(comp) > 1:
            joined = ", ".join(f"#{e + 1}" for e in comp)
            notes.append(
                f"Equilibria {joined} are the extreme points of one component (#{c + 1}): a continuum of "
                "equilibria joins them (convex combinations within each maximal Nash subset)."
            )
    if missing_exact and not any(n.startswith(LATE_NOTE) for n in notes):
        notes.append(
            f"{missing_exact} equilibrium(s) have no exact form: their indifference conditions do not pin them down."
        )
    return EquilibriumSet(
        game,
        tuple(eqs),
        values,
        label,
        complete=complete,
        degenerate=degenerate,
        components=components,
        notes=tuple(notes),
    )


_Spec = tuple[list[int], list[int], npt.NDArray[np.float64], list[int], list[int], npt.NDArray[np.float64]]
_Form = tuple[tuple[tuple[sympy.Expr, ...], tuple[sympy.Expr, ...]], tuple[sympy.Expr, sympy.Expr]] | None
LATE_NOTE = "Exact forms"
"""How the note begins when the exact forms were not found (past the deadline or too large)."""


def _exact_forms(game: NormalFormGame, specs: list[_Spec], values: dict[str, float]) -> tuple[list[_Form], str | None]:
    """Each equilibrium's exact probabilities and payoffs (None where the indifference conditions do
    not pin it down), or none and a note: when the payoffs on the supports are too large to expand
    (:func:`~bargaining.analysis.deadline.too_large`), or when the work passes its deadline."""
    col, row = PayoffEntries(game, 1), PayoffEntries(game, 0).T
    used = {col[s, t] for sx, tc, _, _, _, _ in specs for s in sx for t in tc}
    used |= {row[s, t] for _, _, _, sy, tr, _ in specs for s in sy for t in tr}
    big = too_large(used)
    if big is not None:
        return [None] * len(specs), f"{LATE_NOTE} are not tried: a payoff on the supports is {big}; the numbers stand."

    def solve() -> list[_Form]:
        out: list[_Form] = []
        for sx, tight_cols, x, sy, tight_rows, y in specs:
            ex = exact_mixture(col, sx, tight_cols, x, values)
            ey = exact_mixture(row, sy, tight_rows, y, values)
            out.append(((ex[0], ey[0]), (ey[1], ex[1])) if ex is not None and ey is not None else None)
        return out

    try:
        return within_deadline(solve), None
    except DeadlineExceeded as late:
        return [None] * len(specs), f"{LATE_NOTE}: {late}."


def col_tight(labels: tuple[npt.NDArray[np.bool_], ...] | None, k: int, label: int) -> bool:
    """Whether equilibrium k's vertex carries ``label`` (read off the vertex enumeration's labels)."""
    return bool(labels is not None and labels[k][label])


def _tight(values: npt.NDArray[np.float64], tol: float) -> list[int]:
    """The pure strategies whose payoff is within ``tol`` of the best; ``tol`` is the actor's
    :func:`~bargaining.kernels.bimatrix.payoff_tolerance` (relative to its payoff range)."""
    return [int(i) for i in np.flatnonzero(values >= values.max() - tol)]


def equilibria(
    game: NormalFormGame | TreeGame | Scenario,
    values: Mapping[str, float] | None = None,
    *,
    exact: bool = True,
    method: Method = "vertex",
    budget: float | None = None,
) -> EquilibriumSet:
    """Every Nash equilibrium of ``game`` at parameter ``values`` (a scenario's defaults if omitted).

    Two actors: every extreme equilibrium, mixed included (``method="vertex"``, any game; or
    ``"support"``, non-degenerate games only). Three or more: every equilibrium, mixed included, by
    support enumeration with exact polynomial solving (:mod:`bargaining.analysis.nash_n`; its budget
    is stated there, and ``method="some"`` gives some equilibria of larger games). With ``exact``, each
    equilibrium also comes exactly: as sympy formulas in the parameters (two actors, and pure
    equilibria), as exact numbers at ``values`` (mixed equilibria of three or more actors).

    Two actors, scale: Nash equilibria are unchanged when one actor's payoffs are multiplied by a
    positive number or shifted; the solvers normalise each actor's payoffs to [1, 2] and compare
    payoffs within :func:`~bargaining.kernels.bimatrix.payoff_tolerance` (relative to the actor's
    payoff range), so they give the same equilibria on every such transform. Payoffs are reported
    in the game's own scale.

    Two actors, size: before enumerating, the worst-case cost (McMullen's upper bound on the
    vertices of the best-response polytopes; :func:`~bargaining.kernels.bimatrix.enumeration_cost`)
    is compared with a memory ``budget`` in MiB: the argument, else the environment variable
    ``BARGAINING_BUDGET_MB``, else 1024 MiB. Above it ``method="vertex"`` or ``"support"`` raises a
    ``ScenarioError`` (field ``budget``) giving the estimate and the limit; ``method="some"``
    enumerates every equilibrium within the budget and otherwise, like ``"lemke-howson"``, follows
    the Lemke-Howson path from each of the m + n labels (bounded memory; the result has
    ``complete=False`` and says "not necessarily all equilibria").

    Any number of actors, size and time (docs/format.md#budgets): the payoff array
    (:math:`n\\prod_i m_i` floats) is checked against the same budget before it is allocated, and
    the symbolic table of three or more actors against a count of entries; refusals are
    ``ScenarioError`` naming the size and the limit. The exact forms are not tried when a payoff on
    the supports would expand beyond :data:`~bargaining.analysis.deadline.MAX_EXPANDED_TERMS` terms,
    and stop at the budget's deadline (2 s by default): the equilibria are then given in numbers,
    with a note.

    >>> from bargaining.games.normal import NormalFormGame
    >>> pennies = NormalFormGame.from_arrays([[1e9, -1e9], [-1e9, 1e9]], [[-1e-6, 1e-6], [1e-6, -1e-6]])
    >>> [e.strategy("P1") for e in equilibria(pennies, exact=False)]
    [{'s0': 0.5, 's1': 0.5}]
    >>> some = equilibria(pennies, method="lemke-howson", exact=False)
    >>> len(some), some.complete
    (1, False)
    """
    if method not in METHODS:
        raise ScenarioError(" or ".join(repr(m) for m in METHODS), found=repr(method), field="method")
    with using_budget(budget):
        g, vals = _resolve(game, values)
        arr = g.payoff_array(vals)  # its size checked against the budget before it is allocated
        if g.n_actors >= 3:
            return _on_tree(game, _n_actor(g, vals, exact, method))
        if g.n_actors == 2:
            return _on_tree(game, _bimatrix(g, arr, vals, exact, method, budget))
        return _on_tree(game, _pure(g, arr, vals, exact))


def _n_actor(game: NormalFormGame, values: dict[str, float], exact: bool, method: Method) -> EquilibriumSet:
    """Three or more actors: :func:`bargaining.analysis.nash_n.solve` (every equilibrium, mixed included,
    by support enumeration; ``method="some"``: some), wrapped in the result classes."""
    found = solve_n(game, values, method="some" if method == "some" else "all")
    component = {k: len(found.equilibria) + c for c, cont in enumerate(found.continua) for k in cont.samples}
    eqs = tuple(
        Equilibrium(
            game.actors,
            game.strategies,
            e.probabilities,
            e.payoffs,
            e.exact if exact else None,
            e.exact_payoffs if exact else None,
            component=component.get(k, k),
            method=found.method,
            values=values,
            notes=(("numeric: found by numeric root finding, not exactly",) if e.numeric else ())
            + (("continuum: a sample point of a continuum of equilibria",) if e.continuum is not None else ()),
        )
        for k, e in enumerate(found.equilibria)
    )
    groups: dict[int, list[int]] = {}
    for k, e in enumerate(eqs):
        groups.setdefault(e.component, []).append(k)
    renumber = {c: j for j, c in enumerate(sorted(groups))}
    eqs = tuple(replace(e, component=renumber[e.component]) for e in eqs)
    return EquilibriumSet(
        game,
        eqs,
        values,
        found.method,
        complete=found.complete,
        degenerate=True if found.continua else None,
        components=tuple(tuple(groups[c]) for c in sorted(groups)),
        notes=found.notes,
    )


def pure_equilibria(
    game: NormalFormGame | TreeGame | Scenario,
    values: Mapping[str, float] | None = None,
    *,
    exact: bool = True,
    budget: float | None = None,
) -> EquilibriumSet:
    """Every pure-strategy Nash equilibrium of ``game`` at ``values``, for any number of actors.

    A profile :math:`s` is an equilibrium when no actor gains by a unilateral deviation,
    :math:`u_i(s) \\ge u_i(t_i, s_{-i})` for every :math:`i` and :math:`t_i`; every profile is
    checked at once on the payoff array (:func:`bargaining.kernels.pure.pure_equilibria`).

    >>> from bargaining.games.normal import NormalFormGame
    >>> stag = NormalFormGame.from_arrays([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    >>> [(e.strategy("P1"), e.strategy("P2")) for e in pure_equilibria(stag)]  # doctest: +NORMALIZE_WHITESPACE
    [({'s0': 1.0, 's1': 0.0}, {'s0': 1.0, 's1': 0.0}), ({'s0': 0.0, 's1': 1.0}, {'s0': 0.0, 's1': 1.0})]
    """
    with using_budget(budget):
        g, vals = _resolve(game, values)
        return _on_tree(game, _pure(g, g.payoff_array(vals), vals, exact, only_pure=True))

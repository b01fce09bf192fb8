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

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.indifference import exact_mixture
from bargaining.analysis.result import Equilibrium, EquilibriumSet
from bargaining.kernels.best_response import strategy_payoffs
from bargaining.kernels.bimatrix import support_enumeration, vertex_enumeration
from bargaining.kernels.pure import pure_equilibria

if TYPE_CHECKING:
    from bargaining.games.normal import NormalFormGame
    from bargaining.scenario import Scenario

__all__ = ["equilibria"]

Method = Literal["vertex", "support"]


@cache
def _table(game: NormalFormGame) -> npt.NDArray[np.object_]:
    return game.payoff_table()


def _resolve(
    game: NormalFormGame | Scenario, values: Mapping[str, float] | None
) -> tuple[NormalFormGame, dict[str, float]]:
    from bargaining.scenario import Scenario

    if isinstance(game, Scenario):
        return game.normal_form, game.values(values)
    return game, dict(values or {})


def _pure(game: NormalFormGame, arr: npt.NDArray[np.float64], values: dict[str, float], exact: bool) -> EquilibriumSet:
    found = pure_equilibria(arr, tol=1e-9 * (1.0 + float(np.abs(arr).max())))  # ties up to rounding count
    eqs = []
    for k, idx in enumerate(found):
        profile = tuple(game.strategies[j][int(s)] for j, s in enumerate(idx))
        probs = tuple(
            tuple(1.0 if t == int(s) else 0.0 for t in range(m)) for s, m in zip(idx, game.shape, strict=True)
        )
        pays = tuple(float(arr[(i, *idx)]) for i in range(game.n_actors))
        exact_probs = tuple(tuple(sympy.Integer(int(p)) for p in row) for row in probs) if exact else None
        exact_pays = tuple(game.payoff_expr(a, profile) for a in game.actors) if exact else None
        eqs.append(Equilibrium(game.actors, game.strategies, probs, pays, exact_probs, exact_pays, component=k))
    notes = []
    if game.n_actors >= 3:
        notes.append(
            f"A game of {game.n_actors} actors: these are every pure equilibrium; mixed equilibria are not enumerated."
        )
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
    game: NormalFormGame, arr: npt.NDArray[np.float64], values: dict[str, float], exact: bool, method: Method
) -> EquilibriumSet:
    A, B = arr[0], arr[1]
    m, n = A.shape
    notes: list[str] = []
    if method == "support":
        pairs = support_enumeration(A, B)
        row_labels = col_labels = None
        components: tuple[tuple[int, ...], ...] = tuple((k,) for k in range(len(pairs)))
        degenerate = None
        label = "support enumeration (numpy, non-degenerate games)"
    else:
        res = vertex_enumeration(A, B)
        pairs = list(res.equilibria)
        row_labels, col_labels = res.row_labels, res.col_labels
        components, degenerate, label = res.components, res.degenerate, res.method
    component_of = {e: c for c, comp in enumerate(components) for e in comp}
    table = _table(game) if exact else None
    missing_exact = 0
    eqs = []
    for k, (x, y) in enumerate(pairs):
        pays = (float(x @ A @ y), float(x @ B @ y))
        exact_probs = exact_pays = None
        if table is not None:
            sx = [i for i in range(m) if x[i] > 0]
            sy = [j for j in range(n) if y[j] > 0]
            tight_cols = (
                [j for j in range(n) if col_tight(row_labels, k, m + j)]
                if row_labels is not None
                else _tight(strategy_payoffs(arr, 1, [x, y]))
            )
            tight_rows = (
                [i for i in range(m) if col_tight(col_labels, k, i)]
                if col_labels is not None
                else _tight(strategy_payoffs(arr, 0, [x, y]))
            )
            ex = exact_mixture(table[1], sx, tight_cols, x, values)
            ey = exact_mixture(table[0].T, sy, tight_rows, y, values)
            if ex is not None and ey is not None:
                exact_probs = (ex[0], ey[0])
                exact_pays = (ey[1], ex[1])
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
    if missing_exact:
        notes.append(
            f"{missing_exact} equilibrium(s) have no exact form: their indifference conditions do not pin them down."
        )
    return EquilibriumSet(
        game, tuple(eqs), values, label, complete=True, degenerate=degenerate, components=components, notes=tuple(notes)
    )


def col_tight(labels: tuple[npt.NDArray[np.bool_], ...] | None, k: int, label: int) -> bool:
    return bool(labels is not None and labels[k][label])


def _tight(values: npt.NDArray[np.float64], tol: float = 1e-9) -> list[int]:
    return [int(i) for i in np.flatnonzero(values >= values.max() - tol)]


def equilibria(
    game: NormalFormGame | Scenario,
    values: Mapping[str, float] | None = None,
    *,
    exact: bool = True,
    method: Method = "vertex",
) -> EquilibriumSet:
    """Every Nash equilibrium of ``game`` at parameter ``values`` (a scenario's defaults if omitted).

    Two actors: every extreme equilibrium, mixed included (``method="vertex"``, any game; or
    ``"support"``, non-degenerate games only). Three or more: every pure equilibrium. With
    ``exact``, each equilibrium also comes as sympy formulas in the parameters.
    """
    g, vals = _resolve(game, values)
    arr = g.payoff_array(vals)
    if g.n_actors == 2:
        return _bimatrix(g, arr, vals, exact, method)
    return _pure(g, arr, vals, exact)

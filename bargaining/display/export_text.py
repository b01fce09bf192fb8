r"""One entry point for the command's ``bargaining export SCENARIO --to FORMAT``: the text of a
scenario in Gambit's formats or in LaTeX.

* ``nfg``: :func:`bargaining.io.gambit.write_nfg`, for a normal-form game;
* ``efg``: :func:`bargaining.io.gambit.write_efg`, for a game tree (its offers with ``offer_grid``);
* ``latex``: :func:`bargaining.display.latex.latex_table`, the payoff table of a normal-form game;
* ``equilibria``: :func:`bargaining.display.latex.latex_equilibria` of the game's equilibria;
* ``tikz``: :func:`bargaining.display.latex.tikz_tree`, a game tree drawn.

Any other combination is a :class:`~bargaining.errors.ScenarioError` saying which format suits
the game (field ``to``); ``standalone`` applies to the LaTeX formats only (field ``standalone``).

>>> print(export_text("conditionality", "nfg", {"r": 2}).splitlines()[-4])
69/25 3/10
>>> export_text("conditionality", "tikz")
Traceback (most recent call last):
...
bargaining.errors.ScenarioError: to: expected a game tree for tikz (a normal game is written as nfg, ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, get_args

from bargaining.analysis.nash import equilibria
from bargaining.display.latex import latex_equilibria, latex_table, tikz_tree
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import TreeGame
from bargaining.io.gambit import write_efg, write_nfg
from bargaining.io.scenario_file import load
from bargaining.scenario import Scenario

__all__ = ["EXPORT_FORMATS", "ExportFormat", "export_text"]

ExportFormat = Literal["nfg", "efg", "latex", "equilibria", "tikz"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)
_SUITS = {
    "normal": "nfg, latex or equilibria",
    "tree": "efg or tikz",
    "bargain": "none yet",
    "signalling": "efg or tikz",
}


def export_text(
    scenario: Scenario | NormalFormGame | TreeGame | str,
    to: str,
    values: Mapping[str, float] | None = None,
    standalone: bool = False,
    *,
    offer_grid: Mapping[str, Sequence[float]] | int | None = None,
) -> str:
    """The text of ``scenario`` (a scenario, a game, or a file or built-in name) in format ``to``.

    ``values`` override the parameters' defaults (Gambit's files and numeric tables are written at
    them; LaTeX shows formulas when ``values`` is None); ``standalone`` wraps LaTeX in a complete
    document; ``offer_grid`` gives the values offered at a tree's offer nodes (``efg`` only).
    """
    model = load(scenario) if isinstance(scenario, str) else Scenario.of(scenario)
    if to not in EXPORT_FORMATS:
        raise ScenarioError("one of " + ", ".join(EXPORT_FORMATS), found=repr(to), field="to")
    if isinstance(model.game, SignallingGame) and to in ("efg", "tikz"):  # as its tree with information sets
        model = Scenario(model.title, model.game.tree(), summary=model.summary, path=model.path)
    kind = model.kind
    needs = "tree" if to in ("efg", "tikz") else "normal"
    if kind != needs:
        raise ScenarioError(
            f"a {'game tree' if needs == 'tree' else 'normal-form game'} for {to}"
            f" (a {kind} game is written as {_SUITS.get(kind, 'none yet')})",
            found=f"a {kind} game",
            field="to",
        )
    if standalone and to in ("nfg", "efg"):
        raise ScenarioError("standalone only with latex, equilibria or tikz", found=f"to = {to!r}", field="standalone")
    if offer_grid is not None and to != "efg":
        raise ScenarioError("offer_grid only with efg", found=f"to = {to!r}", field="offer_grid")
    if to == "nfg":
        return write_nfg(model, values)
    if to == "efg":
        return write_efg(model, values, offer_grid=offer_grid)
    if to == "latex":
        return latex_table(model, values, standalone=standalone)
    if to == "equilibria":
        return latex_equilibria(equilibria(model, values), standalone=standalone)
    return tikz_tree(model, values, standalone=standalone)

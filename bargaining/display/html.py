"""HTML tables for Jupyter (``_repr_html_`` of scenarios, games and results).

Each function is registered with :func:`bargaining._repr.html`, the one registry through which the
model and the results reach this layer.
"""

from __future__ import annotations

from html import escape

import numpy as np
import sympy

from bargaining._repr import html
from bargaining.analysis.deal import BargainResult
from bargaining.analysis.nash import Equilibrium, EquilibriumSet
from bargaining.analysis.selection import LearningPath, QuantalResponse
from bargaining.analysis.subgame import SubgamePerfect
from bargaining.analysis.sweep import AnySweep, Sweep
from bargaining.analysis.sweep_deal import DealSweep
from bargaining.analysis.sweep_tree import TreeSweep
from bargaining.analysis.threshold import Threshold
from bargaining.display.text import number, side_text, strategy_text
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import TreeGame
from bargaining.scenario import Scenario

__all__ = ["equilibria_html", "equilibrium_html", "game_html", "scenario_html", "sweep_html", "threshold_html"]

_STYLE = "border-collapse:collapse;margin:0.4em 0"
_CELL = "border:1px solid #bbb;padding:2px 8px;text-align:left"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in r) + "</tr>" for r in rows)
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


@html.register(NormalFormGame)
def game_html(game: NormalFormGame) -> str:
    """Symbolic payoffs: a bimatrix for two actors, one row per profile otherwise (small games)."""
    if game.n_actors == 2:
        a, b = game.actors
        rows = [
            [f"<b>{escape(s)}</b>"]
            + [
                f"{escape(str(game.payoff_expr(a, (s, t))))}, {escape(str(game.payoff_expr(b, (s, t))))}"
                for t in game.strategies[1]
            ]
            for s in game.strategies[0]
        ]
        return f"<p>Normal-form game; payoffs ({escape(a)}, {escape(b)}):</p>" + _table(
            [f"{escape(a)} \\ {escape(b)}", *(escape(t) for t in game.strategies[1])], rows
        )
    count = 1
    for m in game.shape:
        count *= m
    if count > 64:
        return f"<p>Normal-form game of {game.n_actors} actors and {count} profiles; payoffs by formula:</p>" + _table(
            ["actor", "payoff"], [[escape(a), escape(str(f))] for a, f in zip(game.actors, game.formulas, strict=True)]
        )
    rows = [
        [escape(", ".join(p)), *(escape(str(game.payoff_expr(a, p))) for a in game.actors)] for p in game.profiles()
    ]
    return "<p>Normal-form game:</p>" + _table(["profile", *(escape(a) for a in game.actors)], rows)


@html.register(Scenario)
def scenario_html(scenario: Scenario) -> str:
    """Title, summary, actors and parameters with their sources, then the game."""
    params = [
        [
            escape(p.name),
            number(p.value),
            f"[{number(p.min)}, {number(p.max)}]",
            escape(p.description),
            escape(p.source),
        ]
        for p in scenario.parameters
    ]
    actors = "; ".join(f"<b>{escape(a.id)}</b> ({escape(a.name)})" for a in scenario.actors)
    return (
        f"<h4>{escape(scenario.title)}</h4><p>{escape(scenario.summary)}</p><p>Actors: {actors}</p>"
        + _table(["parameter", "value", "range", "meaning", "source"], params)
        + (
            game_html(scenario.game)
            if isinstance(scenario.game, NormalFormGame)
            else tree_html(scenario.game)
            if isinstance(scenario.game, TreeGame)
            else ""
        )
    )


@html.register(EquilibriumSet)
def equilibria_html(result: EquilibriumSet) -> str:
    """One row per equilibrium: each actor's strategy, payoffs, exact payoffs where known."""
    actors = result.game.actors
    rows = []
    for k, eq in enumerate(result):
        exact = ", ".join(
            f"{escape(a)} = {escape(str(u))}" for a, u in zip(actors, eq.exact_payoffs or (), strict=False)
        )
        if not eq.pure and eq.exact_probabilities is not None:
            mixed = "; ".join(
                f"P({escape(s)}) = {escape(str(p))}"
                for ss, ps in zip(eq.strategies, eq.exact_probabilities, strict=True)
                for s, p in zip(ss, ps, strict=True)
                if p != 0
            )
            exact = f"{mixed}<br>{exact}"
        rows.append(
            [
                f"#{k + 1}",
                *(escape(strategy_text(eq, a)) for a in actors),
                ", ".join(number(u) for u in eq.payoffs),
                exact or "—",
            ]
        )
    kind = "every equilibrium, mixed included" if result.complete else "every pure equilibrium"
    notes = "".join(f"<p><i>{escape(n)}</i></p>" for n in result.notes)
    return (
        f"<p>Nash equilibria ({kind}; {escape(result.method)}):</p>"
        + _table(["", *(escape(a) for a in actors), "payoffs", "exact form"], rows)
        + notes
    )


@html.register(Equilibrium)
def equilibrium_html(eq: Equilibrium) -> str:
    """One equilibrium: each actor's strategy (a mixture's probabilities, exact where known) and payoff
    (exact where known), pure or mixed, and the notes."""
    rows = []
    for i, a in enumerate(eq.actors):
        exact_p = (
            "; ".join(
                f"P({escape(s)}) = {escape(str(p))}"
                for s, p in zip(eq.strategies[i], eq.exact_probabilities[i], strict=True)
                if p != 0
            )
            if eq.exact_probabilities is not None and not eq.pure
            else ""
        )
        exact_u = escape(str(eq.exact_payoffs[i])) if eq.exact_payoffs is not None else ""
        rows.append(
            [
                f"<b>{escape(a)}</b>",
                escape(strategy_text(eq, a)),
                number(eq.payoffs[i]),
                "<br>".join(x for x in (exact_p, f"payoff {exact_u}" if exact_u else "") if x) or "—",
            ]
        )
    kind = "pure" if eq.pure else "mixed"
    notes = "".join(f"<p><i>{escape(n)}</i></p>" for n in eq.notes)
    method = f"; {escape(eq.method)}" if eq.method else ""
    return (
        f"<p>A {kind} Nash equilibrium{method}:</p>"
        + _table(["actor", "strategy", "payoff", "exact form"], rows)
        + notes
    )


SWEEP_ROWS = 20
"""The most outcomes a sweep's display lists (the most frequent first); the rest are counted."""


def _ranges_html(ranges: dict[str, list[float]]) -> str:
    return "; ".join(
        f"{escape(a)} {number(lo)}" if lo == hi else f"{escape(a)} {number(lo)}–{number(hi)}"
        for a, (lo, hi) in ranges.items()
    )


@html.register(Sweep)
@html.register(TreeSweep)
@html.register(DealSweep)
def sweep_html(result: AnySweep) -> str:
    """A sweep of any kind, compactly: the axes (from, to, points), the grid's shape, the values held
    fixed, and one row per distinct outcome (the set of equilibria, the subgame-perfect path, or the
    Nash solution's packages) with its points, share of the grid and the axes' ranges where it holds
    (at most :data:`SWEEP_ROWS` rows, the most frequent first), never a row per point."""
    outcomes, _ = result.outcome_codes()
    what = {
        "normal": "Nash equilibria",
        "tree": "subgame-perfect play",
        "bargain": "the Nash bargaining solution's packages",
    }[result.kind]
    axes = ", ".join(
        f"<b>{escape(a)}</b> from {number(float(v.min()))} to {number(float(v.max()))} ({len(v)} values)"
        for a, v in result.axes.items()
    )
    shape = " × ".join(str(n) for n in result.shape)
    total = 1
    for n in result.shape:
        total *= n
    fixed = ", ".join(f"{escape(k)} = {number(v)}" for k, v in list(result.fixed.items())[:12])
    more_fixed = len(result.fixed) - 12
    if more_fixed > 0:
        fixed += f", and {more_fixed} more"
    head = (
        f"<p>Sweep of {what} over {axes}: a grid of {shape} = {total:,} points"
        + (f"; fixed {fixed}" if fixed else "")
        + ".</p>"
    )
    extra = ""
    if isinstance(result, Sweep):
        extra = (
            f"<p>{int(result.degenerate.sum()):,} degenerate points, {int(result.continuum.sum()):,} points where "
            "a continuum joins two extreme equilibria" + ("" if result.complete else "; pure equilibria only") + ".</p>"
        )
    elif isinstance(result, TreeSweep) and result.ties.any():
        extra = f"<p>{int(result.ties.sum()):,} points where a mover is indifferent (the first move listed taken).</p>"
    header = ["", "outcome", "points", "share", "where (ranges of the axes)"]
    rows = [
        [
            f"#{k + 1}",
            escape(str(o["label"])),
            f"{int(o['points']):,}",
            f"{100 * float(o['share']):.1f}%",
            _ranges_html(o.get("ranges", {})),
        ]
        for k, o in enumerate(outcomes[:SWEEP_ROWS])
    ]
    rest = outcomes[SWEEP_ROWS:]
    if rest:
        rows.append(
            [
                "…",
                f"{len(rest)} more outcomes",
                f"{sum(int(o['points']) for o in rest):,}",
                f"{100 * sum(float(o['share']) for o in rest):.1f}%",
                "",
            ]
        )
    notes = "".join(f"<p><i>{escape(n)}</i></p>" for n in result.notes)
    method = f"<p>Method: {escape(result.method)}</p>" if result.method else ""
    return head + extra + _table(header, rows) + method + notes


@html.register(Threshold)
def threshold_html(t: Threshold) -> str:
    """The threshold formula (LaTeX for Jupyter's MathJax), its value, side and comparative statics."""
    if t.formula is None:
        head = f"<p>{escape(t.parameter)}* ≈ {number(t.value) if t.value is not None else '—'} (numeric root)</p>"
    else:
        head = (
            f"<p>$${escape(t.parameter)}^* = {escape(sympy.latex(t.formula))}$$ = {number(t.value or float('nan'))}</p>"
        )
    who = f"{escape(t.actor)} prefers <b>{escape(t.prefer)}</b> over <b>{escape(t.over)}</b>" if t.actor else ""
    side = f"<p>{who} {escape(side_text(t))}</p>"
    rows = [
        [escape(q), escape(str(s)), escape(str(t.derivatives.get(q, "")))] for q, s in t.comparative_statics.items()
    ]
    notes = "".join(f"<p><i>{escape(n)}</i></p>" for n in t.notes)
    return head + side + _table(["parameter", "sign of ∂/∂", "derivative"], rows) + notes


@html.register(TreeGame)
def tree_html(tree: TreeGame) -> str:
    """A game tree as preformatted text (payoffs as formulas)."""
    from bargaining.display.tree import tree_text

    return f"<pre>{escape(tree_text(tree))}</pre>"


@html.register(SubgamePerfect)
def subgame_html(spe: SubgamePerfect) -> str:
    """The tree with subgame-perfect moves marked, the path, the offers and the payoffs."""
    from bargaining.display.tree import tree_text

    offers = ", ".join(
        f"{escape(p)} = {number(v)}"
        + (f" = {escape(str(spe.offer_formulas[p]))}" if spe.offer_formulas.get(p) is not None else "")
        for p, v in spe.offers.items()
    )
    pays = ", ".join(f"{escape(a)} {number(u)}" for a, u in spe.payoff.items())
    path = " → ".join(escape(m) for m in spe.path)
    return (
        f"<p>Subgame-perfect path: <b>{path}</b>{' → ' + escape(spe.outcome) if spe.outcome else ''}; "
        f"payoffs {pays}{'; offers ' + offers if offers else ''}</p><pre>{escape(tree_text(spe.tree, spe))}</pre>"
    )


@html.register(BargainResult)
def bargain_html(result: BargainResult) -> str:
    """The frontier and the solutions as tables."""
    p = result.problem
    a, b = p.actors
    frontier = [
        [number(result.points[k][0]), number(result.points[k][1]), escape(p.label(int(k)))]
        for k in result.frontier.vertices
    ]
    sols = [
        [
            escape(name),
            number(s.point[0]),
            number(s.point[1]),
            escape(" + ".join(f"{number(w)} × ({p.label(k)})" for k, w in s.lottery)),
        ]
        for name, s in result.solutions.items()
    ]
    return (
        "<p>Pareto frontier of lotteries over packages:</p>"
        + _table([escape(a), escape(b), "package"], frontier)
        + "<p>Solutions:</p>"
        + _table(["solution", escape(a), escape(b), "lottery"], sols)
    )


def _mixture_html(strategies: tuple[str, ...], probabilities: tuple[float, ...]) -> str:
    return ", ".join(f"{escape(s)} {number(p)}" for s, p in zip(strategies, probabilities, strict=True) if p > 5e-7)


@html.register(QuantalResponse)
def quantal_response_html(result: QuantalResponse) -> str:
    """The selected equilibrium, the branch at a few precisions, and the notes."""
    picks = sorted({0, *np.linspace(0, len(result.lambdas) - 1, 7).round().astype(int).tolist()})
    rows = [
        [
            number(float(result.lambdas[k])),
            *(
                _mixture_html(result.strategies[i], tuple(float(p) for p in result.probabilities[i][k]))
                for i in range(len(result.actors))
            ),
        ]
        for k in picks
    ]
    head = (
        f"<p>Logit QRE principal branch; it ends at <b>equilibrium #{result.selected + 1}</b>"
        if result.selected is not None
        else f"<p>Logit QRE principal branch; it ends in <b>the continuum #{result.component + 1}</b>"
        if result.component is not None
        else "<p>Logit QRE principal branch; it ends at no extreme equilibrium"
    )
    head += f" (regret {number(result.regret)} of the payoff range, {len(result.lambdas)} points).</p>"
    notes = "".join(f"<p><i>{escape(n)}</i></p>" for n in result.notes)
    return head + _table(["λ", *(escape(a) for a in result.actors)], rows) + notes


@html.register(LearningPath)
def learning_html(result: LearningPath) -> str:
    """Start, end, the verdict against the equilibria, and the notes."""
    rows = [
        [what, *(_mixture_html(result.strategies[i], prof[i]) for i in range(len(result.actors)))]
        for what, prof in (("start", result.start), ("end", result.limit))
    ]
    verdict = (
        f"reaches <b>equilibrium #{result.equilibrium + 1}</b>"
        if result.equilibrium is not None
        else f"has not reached an equilibrium within {number(result.tol)}"
    )
    head = (
        f"<p>{escape(result.dynamic.capitalize())} (seed {result.seed}) {verdict}: regret "
        f"{number(result.regret)} of the payoff range, {number(result.distance)} from the nearest equilibrium.</p>"
    )
    notes = "".join(f"<p><i>{escape(n)}</i></p>" for n in result.notes)
    return head + _table(["", *(escape(a) for a in result.actors)], rows) + notes

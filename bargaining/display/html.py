"""HTML tables for Jupyter (``_repr_html_`` of scenarios, games and results).

Each function is registered with :func:`bargaining._repr.html`, the one registry through which the
model and the results reach this layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from html import escape

import numpy as np
import sympy

from bargaining._repr import html
from bargaining.analysis.bayes_nash import BayesNash
from bargaining.analysis.deal import BargainResult
from bargaining.analysis.nash import Equilibrium, EquilibriumSet
from bargaining.analysis.pbe import PBEResult
from bargaining.analysis.repeated import RepeatedResult
from bargaining.analysis.screening import Screening
from bargaining.analysis.selection import LearningPath, QuantalResponse
from bargaining.analysis.subgame import SubgamePerfect
from bargaining.analysis.sweep import AnySweep, Sweep
from bargaining.analysis.sweep_deal import DealSweep
from bargaining.analysis.sweep_points import PointSweep
from bargaining.analysis.sweep_tree import TreeSweep
from bargaining.analysis.threshold import Threshold
from bargaining.analysis.two_level import Bound, Interval, Ratification, RatificationThreshold
from bargaining.display.text import number, side_text, strategy_text
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import TreeGame
from bargaining.scenario import Scenario

__all__ = [
    "bayes_nash_html",
    "equilibria_html",
    "equilibrium_html",
    "game_html",
    "pbe_html",
    "ratification_html",
    "ratification_threshold_html",
    "repeated_html",
    "scenario_html",
    "screening_html",
    "sweep_html",
    "threshold_html",
]

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
@html.register(PointSweep)
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
    }.get(result.kind, result.what if isinstance(result, PointSweep) else "the outcome")
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
            _ranges_html(o.get("ranges", {})) + (f"<br>{_ranges_html(o['numbers'])}" if o.get("numbers") else ""),
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


# -- the kinds of issue 12: signalling, screening, two-level, repeated and Bayesian games ------------


def _q(x: Fraction) -> str:
    """An exact number as a fraction when short, else to 6 significant digits."""
    return escape(str(x)) if x.denominator <= 1000 else number(float(x))


def _latex(expr: sympy.Basic) -> str:
    return escape(sympy.latex(expr))


def _notes(notes: Sequence[str]) -> str:
    return "".join(f"<p><i>{escape(n)}</i></p>" for n in notes)


@html.register(PBEResult)
def pbe_html(result: PBEResult) -> str:
    """Every pure perfect Bayesian equilibrium, named pooling or separating: each type's message, the
    receiver's action per message, the beliefs on the path, the off-path belief interval (two types)
    or region, whether it survives the intuitive criterion; then the belief thresholds as formulas."""
    g = result.game
    first = escape(g.types[0])

    def belief(post: Sequence[Fraction]) -> str:
        return ", ".join(f"{escape(t)} {_q(v)}" for t, v in zip(g.types, post, strict=True))

    rows = []
    for k, eq in enumerate(result.equilibria):
        off = []
        for m, region in eq.off_path.items():
            if region.interval is not None:
                lo, hi = region.interval
                off.append(f"after {escape(m)}: P({first}) in [{_q(lo)}, {_q(hi)}] ({escape(region.action)})")
            else:
                corners = "; ".join(f"({belief(v)})" for v in region.vertices)
                off.append(f"after {escape(m)}: corners {corners} ({escape(region.action)})")
        rows.append(
            [
                f"#{k + 1}",
                f"<b>{escape(eq.kind)}</b>",
                "<br>".join(f"{escape(t)} → {escape(m)}" for t, m in eq.sender.items()),
                "<br>".join(f"{escape(m)} → {escape(a)}" for m, a in eq.receiver.items()),
                "<br>".join(f"after {escape(m)}: {belief(p)}" for m, p in eq.beliefs.items()),
                "<br>".join(off) or "—",
                ", ".join(f"{escape(t)} {_q(v)}" for t, v in eq.sender_payoffs.items())
                + f"; {escape(g.receiver)} {_q(eq.receiver_payoff)}",
                f'<span title="{escape(eq.intuitive_reason)}">{"yes" if eq.intuitive else "no"}</span>',
            ]
        )
    at = ", ".join(f"{escape(k)} = {number(v)}" for k, v in result.values.items())
    prior = ", ".join(f"{escape(t)} {_q(p)}" for t, p in result.prior.items())
    head = (
        f"<p>Perfect Bayesian equilibria (pure) of {escape(g.sender)} signalling to {escape(g.receiver)}; "
        f"prior {prior}{'; at ' + at if at else ''}:</p>"
    )
    table = (
        _table(
            [
                "",
                "kind",
                f"{escape(g.sender)}: type → message",
                f"{escape(g.receiver)}: message → action",
                "beliefs on the path (Bayes)",
                "beliefs off the path",
                "payoffs",
                "intuitive criterion",
            ],
            rows,
        )
        if rows
        else "<p>No pure-strategy perfect Bayesian equilibrium.</p>"
    )
    thresholds = ""
    if result.thresholds:
        items = []
        for th in result.thresholds:
            value = "no value here" if th.value is None else _q(th.value)
            above = f"; above it <b>{escape(th.better_above)}</b> is better" if th.better_above else ""
            items.append(
                f"<li>after {escape(th.message)}, {escape(th.actions[0])} vs {escape(th.actions[1])}: "
                f"$$\\mu^* = {_latex(th.formula)}$$ = {value}{above}</li>"
            )
        thresholds = (
            f"<p>Belief thresholds (the belief in {first} at which {escape(g.receiver)} is indifferent):</p>"
            f"<ul>{''.join(items)}</ul>"
        )
    return head + table + thresholds + _notes(result.notes)


@html.register(Screening)
def screening_html(s: Screening) -> str:
    """The proposer's best pooling and separating offers (value and formula, the types' replies, its
    expected payoff), its choice, and the belief threshold mu* with its formula and value."""
    rows = []
    for kind in ("pooling", "separating"):
        if kind not in s.offers:
            continue
        mark = " (chosen)" if kind == s.choice else ""
        rows.append(
            [
                f"<b>{kind}</b>{mark}",
                f"{escape(s.parameter)} = {number(s.offers[kind])}<br>$${_latex(s.offer_formulas[kind])}$$",
                "<br>".join(f"{escape(t)}: {escape(r)}" for t, r in s.replies[kind].items()),
                number(s.expected[kind]),
            ]
        )
    head = (
        f"<p>Screening at node {escape(s.node)}: {escape(s.actor)} chooses the <b>{escape(s.choice)}</b> offer "
        f"{escape(s.parameter)} = {number(s.offers[s.choice])}.</p>"
    )
    table = _table(["offer", "value and formula", "replies", f"{escape(s.actor)}'s expected payoff"], rows)
    if s.threshold is None:
        thr = "<p>No belief threshold.</p>"
    else:
        t = s.threshold
        value = number(t.value) if t.value is not None else "—"
        formula = (
            f"$${_latex(sympy.Symbol(s.belief))}^* = {_latex(t.formula)}$$ = {value}"
            if t.formula is not None
            else value
        )
        side = f"; {escape(s.actor)} separates {escape(t.favours)} it" if t.favours in ("above", "below") else ""
        statics = ", ".join(f"∂/∂{escape(q)} {escape(r.sign)}" for q, r in s.statics_where_defined.items())
        thr = f"<p>Belief threshold: {formula}{side}.</p>" + (
            f"<p>Where it is a belief: {statics} (sampled).</p>" if statics else ""
        )
    return head + table + thr + _notes(s.notes)


def _bound_html(b: Bound) -> str:
    if b.by == ("offer space",):
        return number(b.value)
    return f"{number(b.value)} = ${_latex(b.formula)}$ ({escape(', '.join(b.by))})"


def _intervals_html(intervals: Sequence[Interval]) -> str:
    if not intervals:
        return "empty"
    return " ∪ ".join(f"[{_bound_html(i.low)}, {_bound_html(i.high)}]" for i in intervals)


@html.register(Ratification)
def ratification_html(r: Ratification) -> str:
    """Each side's win set as intervals (each end the bound that sets it, with its formula), the zone
    of agreement, and the Nash bargaining outcome with its formulas (or the status quo)."""
    game = r.game
    v = escape(game.offer)
    rows = [
        [
            f"<b>{escape(w.actor)}</b>",
            f"{escape(w.rule)}, {w.quota} of {len(game.ratifiers_of(w.actor))}",
            _intervals_html(w.intervals),
        ]
        for w in r.win_sets
    ]
    a, b = (escape(x) for x in game.actors)
    zone = f"<p>Zone of agreement W<sub>{a}</sub> ∩ W<sub>{b}</sub> = {_intervals_html(r.zone)}.</p>"
    pays = ", ".join(f"U<sub>{escape(x)}</sub> = {number(u)}" for x, u in zip(game.actors, r.payoffs, strict=True))
    if not r.agreement:
        outcome = f"<p><b>No agreement</b>: the status quo ({pays}).</p>"
    elif r.offer is not None:
        formula = f" = ${_latex(r.offer_formula)}$" if r.offer_formula is not None else ""
        outcome = f"<p><b>Agreement</b>; Nash bargaining outcome {v} = {number(r.offer)}{formula}, {pays}.</p>"
    else:
        lottery = ", ".join(f"{v} = {number(x)} with probability {number(w)}" for x, w in r.lottery)
        outcome = f"<p><b>Agreement</b>; Nash bargaining outcome a lottery ({lottery}), {pays}.</p>"
    if r.agreement and r.payoff_formulas is not None:
        outcome += (
            "<p>"
            + "; ".join(
                f"$$U_{{{_latex(sympy.Symbol(x))}}} = {_latex(e)}$$"
                for x, e in zip(game.actors, r.payoff_formulas, strict=True)
            )
            + "</p>"
        )
    return (
        f"<p>Two-level game: win sets (offers {v} each side ratifies):</p>"
        + _table(["side", "rule", "win set"], rows)
        + zone
        + outcome
        + _notes(r.notes)
    )


@html.register(RatificationThreshold)
def ratification_threshold_html(t: RatificationThreshold) -> str:
    """The parameter value at which the zone of agreement opens, as a formula with its value."""
    rows = []
    if t.statics is not None:
        rows = [
            [escape(q), escape(str(s.sign)), escape(str(t.statics.derivatives.get(q, "")))]
            for q, s in t.statics.signs.items()
        ]
    return (
        f"<p>$${_latex(sympy.Symbol(t.parameter))}^* = {_latex(t.formula)}$$ = {number(t.value)}: "
        f"the win sets intersect for {escape(t.parameter)} <b>{escape(t.agreement_when)}</b> it (the zone's width "
        f"${_latex(t.gap)}$; its ends set by {escape(', '.join(t.low_by))} and {escape(', '.join(t.high_by))}).</p>"
        + (_table(["parameter", "sign of ∂/∂", "derivative"], rows) if rows else "")
        + _notes(t.notes)
    )


@html.register(RepeatedResult)
def repeated_html(r: RepeatedResult) -> str:
    """Grim trigger: each actor's one-shot deviation (payoffs, its critical discount factor as a formula
    and a value), the critical delta* and who binds, and the stage game's equilibria as the benchmark."""
    game = r.stage
    coop = ", ".join(f"{escape(a)} {escape(s)}" for a, s in zip(game.actors, r.cooperate, strict=True))
    rows = []
    for i in r.incentives:
        crit = "never deterred" if i.critical is None else number(i.critical)
        if i.critical_formula is not None:
            crit = f"$$\\delta^*_{{{_latex(sympy.Symbol(i.actor))}}} = {_latex(i.critical_formula)}$$ = {crit}"
        rows.append(
            [
                f"<b>{escape(i.actor)}</b>",
                number(i.cooperative),
                f"{number(i.deviation)} ({escape(i.deviation_strategy)})",
                number(i.punishment),
                crit,
            ]
        )
    if r.critical is None:
        verdict = "<p>Cooperation cannot be sustained by this punishment.</p>"
    else:
        formula = f"$$\\delta^* = {_latex(r.formula)}$$ = " if r.formula is not None else "δ* = "
        verdict = (
            f"<p>{formula}{number(r.critical)}: cooperation is sustained for δ ≥ δ* "
            f"(binding: {escape(', '.join(r.binding))}).</p>"
        )
    if r.delta is not None:
        verdict += f"<p>At δ = {number(r.delta)}: {'sustained' if r.sustained else 'not sustained'}.</p>"
    return (
        f"<p>Repeated game under grim trigger: cooperation {coop}; punishment {escape(r.punish)}.</p>"
        + _table(["actor", "cooperating", "best one-shot deviation", "punished", "critical δ"], rows)
        + verdict
        + "<p>The stage game's equilibria (the benchmark):</p>"
        + equilibria_html(r.stage_equilibria)
        + _notes(r.notes)
    )


@html.register(BayesNash)
def bayes_nash_html(r: BayesNash) -> str:
    """Each pure Bayes–Nash equilibrium: every type's action and interim payoff; then the mixed
    equilibria of the ex-ante form, as behaviour per type."""
    g = r.game
    rows = [
        [
            f"#{k + 1}",
            *(
                "<br>".join(
                    f"{escape(t)}: <b>{escape(a)}</b> ({number(r.interim[k][actor][t])})"
                    for t, a in plan[actor].items()
                )
                for actor in g.actors
            ),
        ]
        for k, plan in enumerate(r.pure)
    ]
    out = "<p>Pure Bayes–Nash equilibria (each type's action, interim payoff in brackets):</p>" + (
        _table(["", *(escape(a) for a in g.actors)], rows) if rows else "<p>None.</p>"
    )
    mixed = [b for b in r.behaviour if any(any(0 < q < 1 for q in d.values()) for p in b.values() for d in p.values())]
    if mixed:
        mrows = [
            [
                f"#{k + 1}",
                *(
                    "<br>".join(
                        f"{escape(t)}: " + ", ".join(f"{escape(x)} {number(q)}" for x, q in d.items() if q > 5e-7)
                        for t, d in b[actor].items()
                    )
                    for actor in g.actors
                ),
            ]
            for k, b in enumerate(mixed)
        ]
        out += "<p>Mixed equilibria of the ex-ante form, as behaviour per type:</p>" + _table(
            ["", *(escape(a) for a in g.actors)], mrows
        )
    return out + _notes(r.notes)

"""Plain-text reports for the command line."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from bargaining.analysis.cascade import Cascade
from bargaining.analysis.deal import BargainResult, ExactSplit
from bargaining.analysis.nash import Equilibrium, EquilibriumSet
from bargaining.analysis.record import ConsistentRegion, History, Verdict
from bargaining.analysis.subgame import SequentialReading, SubgamePerfect
from bargaining.analysis.sweep import AnySweep
from bargaining.analysis.threshold import Threshold
from bargaining.display.numbers import number
from bargaining.games.normal import NormalFormGame
from bargaining.scenario import Claim, Scenario

__all__ = [
    "cascade_text",
    "equilibria_text",
    "number",
    "payoff_table_text",
    "report",
    "side_text",
    "strategy_text",
    "sweep_text",
    "threshold_text",
]


def strategy_text(eq: Equilibrium, actor: str) -> str:
    """``offer`` for a pure strategy, ``0.25 monitor + 0.75 trust`` for a mixed one."""
    mix = {s: p for s, p in eq.strategy(actor).items() if p > 1e-12}
    if len(mix) == 1:
        return next(iter(mix))
    return " + ".join(f"{number(p)} {s}" for s, p in mix.items())


def _grid(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def payoff_table_text(game: NormalFormGame, payoffs: npt.NDArray[np.float64]) -> list[str]:
    """A two-actor game's payoff table: rows for the first actor, columns for the second."""
    a, b = game.actors
    header = [f"{a} \\ {b}", *game.strategies[1]]
    rows = [header]
    for i, s in enumerate(game.strategies[0]):
        rows.append([s, *(f"{number(payoffs[0, i, j])}, {number(payoffs[1, i, j])}" for j in range(game.shape[1]))])
    return _grid(rows)


def _exact_text(p: object) -> str:
    """An exact number as sympy prints it, or, when that runs long (a root of a high-degree
    polynomial), its decimal value and where the exact form is kept."""
    text = str(p)
    if len(text) <= 60 or getattr(p, "free_symbols", None):
        return text
    return f"{number(float(p))} (algebraic; exact form in exact_probabilities)"  # type: ignore[arg-type]


def equilibria_text(result: EquilibriumSet, *, exact: bool = True) -> list[str]:
    """One block per equilibrium: strategies, payoffs and, where known, exact probabilities and payoffs."""
    if result.complete:
        kind = "every equilibrium, mixed included"
    elif result.method.startswith("pure"):
        kind = "every pure equilibrium"
    else:
        kind = "some equilibria, not necessarily all"
    lines = [f"Nash equilibria ({kind}; {result.method}): {len(result)}"]
    if not len(result):
        lines.append("  none in pure strategies" if kind == "every pure equilibrium" else "  none found")
    for k, eq in enumerate(result):
        strategies = "; ".join(f"{a} plays {strategy_text(eq, a)}" for a in eq.actors)
        pays = ", ".join(f"{a} {number(u)}" for a, u in zip(eq.actors, eq.payoffs, strict=True))
        lines.append(f"  #{k + 1}  {strategies}")
        lines.append(f"       payoffs: {pays}")
        if exact and eq.exact_payoffs is not None:
            if not eq.pure and eq.exact_probabilities is not None:
                for a, ss, ps in zip(eq.actors, eq.strategies, eq.exact_probabilities, strict=True):
                    mixed = ", ".join(f"P({s}) = {_exact_text(p)}" for s, p in zip(ss, ps, strict=True) if p != 0)
                    lines.append(f"       exactly, {a}: {mixed}")
            formulas = ", ".join(f"{a} = {_exact_text(u)}" for a, u in zip(eq.actors, eq.exact_payoffs, strict=True))
            symbolic = any(getattr(u, "free_symbols", None) for u in eq.exact_payoffs)
            lines.append(f"       payoffs {'as formulas' if symbolic else 'exactly'}: {formulas}")
        for note in eq.notes:
            lines.append(f"       ({note})")
    for note in result.notes:
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    return lines


def _heading(scenario: Scenario, values: Mapping[str, float]) -> list[str]:
    lines = [scenario.title, "=" * len(scenario.title)]
    if scenario.summary:
        lines += [*textwrap.wrap(" ".join(scenario.summary.split()), 96), ""]
    game = scenario.game
    if isinstance(game, NormalFormGame):
        names = "; ".join(
            f"{a.id} ({a.name}): {', '.join(ss)}" for a, ss in zip(scenario.actors, game.strategies, strict=True)
        )
        lines += textwrap.wrap(f"Actors and strategies: {names}", 96, subsequent_indent="  ")
    else:
        lines += textwrap.wrap("Actors: " + "; ".join(f"{a.id} ({a.name})" for a in scenario.actors), 96)
    declared = {p.name: p.value for p in scenario.parameters}
    shown = ", ".join(
        f"{k} = {number(v)}" + (" (set)" if k in declared and v != declared[k] else "") for k, v in values.items()
    )
    lines += textwrap.wrap(f"Parameters: {shown}", 96, subsequent_indent="  ")
    return lines


def report(
    scenario: Scenario,
    result: EquilibriumSet,
    record: History | None = None,
    lattice: Cascade | None = None,
    sequential: SequentialReading | None = None,
) -> str:
    """The short readable report of ``bargaining`` and ``bargaining solve`` for a normal-form game.

    ``lattice`` (least and greatest equilibria, the cascade) is shown only for a scenario declared a
    signing game (``lattice = true``, in ``scenario.extra``): for a game of offer and reply, a lattice
    reading of simultaneous moves would mislead.

    ``record`` is the judge's verdict on the scenario's observed entries
    (:func:`bargaining.analysis.record.history`), printed as it is; ``sequential`` which equilibria
    the scenario's declared move-then-reply reading rules out."""
    game = result.game
    lines = _heading(scenario, result.values)
    if game.n_actors == 2 and max(game.shape) <= 8:
        lines += ["", "Payoffs (" + ", ".join(game.actors) + "):"]
        lines += ["  " + row for row in payoff_table_text(game, game.payoff_array(dict(result.values)))]
    lines += ["", *equilibria_text(result)]
    if lattice is not None and scenario.extra.get("lattice") is True:  # declared a signing game

        def named(group: Sequence[str]) -> str:
            return "{" + ", ".join(group) + "}" if group else "nobody"

        moves = sorted(set(lattice.move.values()))
        lines += ["", f"Strategic complements ({'/'.join(moves)} is worth more the more others do it):"]
        lines.append(f"  least equilibrium: {named(lattice.least)}; greatest: {named(lattice.greatest)}")
        lines.append("  " + cascade_text(lattice))
        if not lattice.unique:
            lines.append(
                "  coordination failure: the greatest equilibrium lies above the least; the cascade stops at the least"
            )
    if sequential is not None:
        lines += ["", f"Read as move-then-reply ({sequential.leader} moves first, {sequential.follower} replies):"]
        for k, (ok, why) in enumerate(zip(sequential.kept, sequential.reasons, strict=True)):
            verdict = "kept (subgame perfect in that reading)" if ok else f"ruled out: {why}"
            lines += textwrap.wrap(f"#{k + 1} {verdict}", 96, initial_indent="  ", subsequent_indent="      ")
    if record is not None and record.verdicts:
        lines += ["", *history_lines(record)]
    return "\n".join(lines)


def cascade_text(lattice: Cascade) -> str:
    """The cascade from the status quo in words: each round's movers from nobody on, and where it stops
    (the least equilibrium); when nobody moves even alone, that the status quo is an equilibrium.

    >>> move = {"A": "sign", "B": "sign"}
    >>> cascade_text(Cascade(move=move, least=(), greatest=("A", "B"), steps=(), descent=()))
    'cascade from the status quo: nobody signs first; the status quo, where nobody signs, is an equilibrium'
    >>> cascade_text(Cascade(move=move, least=("A",), greatest=("A",), steps=(("A",),), descent=()))
    'cascade from the status quo: nobody → {A}, where it stops (the least equilibrium)'
    """
    moves = set(lattice.move.values())
    does = f"{next(iter(moves))}s" if len(moves) == 1 else "moves"
    steps = ["{" + ", ".join(s) + "}" for s in lattice.steps if s]
    if not steps:
        return (
            f"cascade from the status quo: nobody {does} first; the status quo, where nobody {does}, is an equilibrium"
        )
    return "cascade from the status quo: " + " → ".join(["nobody", *steps]) + ", where it stops (the least equilibrium)"


def side_text(t: Threshold) -> str:
    """Where the preferred strategy is the better reply, in words."""
    if t.favours == "above":
        return f"when {t.parameter} ≥ {t.parameter}* (indifferent at it)"
    if t.favours == "below":
        return f"when {t.parameter} ≤ {t.parameter}* (indifferent at it)"
    if t.favours == "always":
        return f"for every {t.parameter} in its range"
    return f"for no {t.parameter} in its range"


def _condition_text(c: object) -> str:
    """``log(delta) ≠ 0``, ``(a - c)/C > 0``: a validity condition as a reader writes it."""
    symbols = {"!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "="}
    op = symbols.get(str(getattr(c, "rel_op", "")))
    return f"{getattr(c, 'lhs', '')} {op} {getattr(c, 'rhs', '')}" if op is not None else str(c)


def threshold_text(t: Threshold) -> str:
    """The report of ``bargaining threshold``: the formula, where it is valid, the comparative statics
    with their signs strict (``< 0``) or weak (``≤ 0, = 0 at tau = 0``)."""
    who = f"{t.actor} prefers {t.prefer} over {t.over}" if t.actor else f"{t.prefer} rather than {t.over}"
    lines = [f"Threshold for {t.parameter}: {who} {side_text(t)}"]
    if t.others:
        lines.append(f"  given: {t.others}")
    if t.formula is not None:
        shown = "" if t.exact else "  (sympy's formula; the value below is a numeric root)"
        lines.append(f"  {t.parameter}* = {t.formula}{shown}")
    if t.value is not None:
        kind = "" if t.exact else " (numeric root, Brent's method)"
        lines.append(f"  value at the scenario's parameters: {number(t.value)}{kind}")
    if t.conditions:
        lines += textwrap.wrap(
            "valid where: " + ", ".join(_condition_text(c) for c in t.conditions),
            96,
            initial_indent="  ",
            subsequent_indent="    ",
        )
    if len(t.solutions) > 1:
        lines.append("  all roots: " + ", ".join(str(s) for s in t.solutions))
    lines.append(f"  payoff difference {t.prefer} - {t.over}: {t.difference}")
    if t.comparative_statics:
        lines.append("  comparative statics (sign of the derivative over the parameters' [min, max]):")
        width = max(len(q) for q in t.comparative_statics)
        signs = {q: str(s) for q, s in t.comparative_statics.items()}
        column = max(len(x) for x in signs.values())
        for q, text in signs.items():
            lines.append(f"    d{t.parameter}*/d{q:<{width}}  {text:<{column}}  {t.derivatives[q]}")
    for note in t.notes:
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    return "\n".join(lines)


def sweep_text(result: AnySweep) -> str:
    """The report of ``bargaining sweep`` for every game kind: the grid, then each distinct outcome
    (set of equilibria, subgame-perfect path, or the Nash solution's packages) and where it holds."""
    axes = ", ".join(f"{a} from {number(v[0])} to {number(v[-1])} ({len(v)} values)" for a, v in result.axes.items())
    points = int(np.prod(result.shape))
    lines = [f"Sweep over {axes}: {points} points", f"  method: {result.method}"]
    if result.fixed:
        lines += textwrap.wrap(
            "  fixed: " + ", ".join(f"{k} = {number(v)}" for k, v in result.fixed.items()), 96, subsequent_indent="    "
        )
    heading = {
        "normal": "Equilibria found, by share of the grid:",
        "tree": "Subgame-perfect play (path and outcome), by share of the grid:",
        "bargain": "The Nash solution's packages, by share of the grid:",
    }.get(result.kind, "By share of the grid, " + getattr(result, "what", "the outcome") + ":")
    lines.append(heading)
    outcomes, _ = result.outcome_codes()
    for o in sorted(outcomes, key=lambda o: -o["points"]):
        ranges = ", ".join(f"{a} in [{number(lo)}, {number(hi)}]" for a, (lo, hi) in o["ranges"].items())
        flag = " (degenerate)" if o.get("degenerate") else ""
        lines.append(f"  {100 * o['share']:5.1f}%  {ranges}{flag}")
        details = (list(o["equilibria"]) or ["no equilibrium found"]) if "equilibria" in o else [o["label"]]
        for p, (lo, hi) in o.get("offers", {}).items():
            details.append(f"offer {p} = {number(lo)}" if lo == hi else f"offer {p} from {number(lo)} to {number(hi)}")
        if o.get("nash"):
            details.append(
                "Nash payoffs: "
                + ", ".join(f"{a} in [{number(lo)}, {number(hi)}]" for a, (lo, hi) in o["nash"].items())
            )
        for d in details:
            lines.append(f"           {d}")
    for note in result.notes:
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    return "\n".join(lines)


def tree_report(scenario: Scenario, spe: SubgamePerfect, verdicts: History | None = None) -> str:
    """The report of ``bargaining solve`` for a game tree: the tree, the subgame-perfect play, the record."""
    from bargaining.display.tree import tree_text

    lines = _heading(scenario, spe.values)
    lines += ["", "The game tree (▶ marks subgame-perfect moves):", tree_text(spe.tree, spe), ""]
    lines.append(
        "Subgame-perfect play: " + (" → ".join(spe.path) or "(no move)") + (f" → {spe.outcome}" if spe.outcome else "")
    )
    for param, v in spe.offers.items():
        formula = spe.offer_formulas.get(param)
        exact = f" = {formula}" if formula is not None else " (numeric)"
        lines.append(f"  offer {param}{exact} = {number(v)}")
    lines.append("  payoffs: " + ", ".join(f"{a} {number(u)}" for a, u in spe.payoff.items()))
    if spe.exact_payoff is not None:
        lines += textwrap.wrap(
            "  payoffs as formulas: " + ", ".join(f"{a} = {e}" for a, e in spe.exact_payoff.items()),
            96,
            subsequent_indent="    ",
        )
    if spe.conditions:
        lines.append("  subgame perfect (with these offers) where:")
        for c in spe.conditions:
            lines += textwrap.wrap(str(c), 96, initial_indent="    ", subsequent_indent="        ")
    for note in spe.notes:
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    if spe.nash is not None:
        check = spe.nash
        fixed = ", ".join(f"{n} = {number(v)}" for n, v in check.offers.items())
        kind = "every equilibrium, mixed included" if len(check.game.actors) == 2 else "pure equilibria"
        lines.append("")
        lines += textwrap.wrap(
            f"Nash equilibria of the reduced normal form ({kind}"
            + (f"; offers fixed at {fixed}" if fixed else "")
            + f"): {len(check.equilibria)}, of which {sum(check.subgame_perfect)} subgame perfect",
            96,
        )
        shown = 12
        for k, (eq, ok, bad) in enumerate(
            zip(check.equilibria, check.subgame_perfect, check.non_credible_at, strict=True)
        ):
            if k == shown:
                lines.append(f"  ... and {len(check.equilibria) - shown} more (all of them with --json)")
                break
            parts = []
            for j, a in enumerate(eq.actors):
                pure = [i for i, p in enumerate(eq.probabilities[j]) if p > 1 - 1e-12]
                plan = check.plans[a][pure[0]] if pure else None
                parts.append(
                    f"{a} " + ", ".join(f"{m} at {n}" for n, m in plan.items())
                    if plan
                    else f"{a} " + re.sub(r"\bs[0-9]+_", "", strategy_text(eq, a))
                )
            label = "subgame perfect" if ok else "rests on a non-credible threat at " + ", ".join(bad)
            lines += textwrap.wrap(
                f"#{k + 1}  " + "; ".join(parts) + f": {label}", 96, initial_indent="  ", subsequent_indent="       "
            )
    if verdicts is not None and verdicts.verdicts:
        lines += ["", *history_lines(verdicts)]
    return "\n".join(lines)


def _settings_text(settings: Mapping[str, float]) -> str:
    return ", ".join(f"{k} = {number(x)}" for k, x in settings.items())


def _verdict_lines(v: Verdict, indent: str) -> list[str]:
    what = ", ".join(f"{a} {s}" for a, s in v.observed.what.items())
    predicted = ", ".join(f"{a} {s}" for a, s in v.predicted.items())
    under = f" (with {_settings_text(v.observed.settings)})" if v.observed.settings else ""
    if isinstance(v.observed, Claim):
        head = f"{indent}with {_settings_text(v.observed.settings)}: " if v.observed.settings else indent
        lines = [f"{head}claimed {what}; model {predicted}: {'holds' if v.agrees else 'FAILS'}"]
        lines.append(f"{indent}    {v.detail}")
        lines += textwrap.wrap(
            f'"{v.observed.text}". Source: {v.observed.source}',
            96,
            initial_indent=indent + "    ",
            subsequent_indent=indent + "      ",
            break_on_hyphens=False,
            break_long_words=False,
        )
    else:
        when = f"{v.observed.date}: " if v.observed.date else ""
        lines = [f"{indent}{when}observed {what}; model {predicted}{under}: {'agrees' if v.agrees else 'DIFFERS'}"]
        lines.append(f"{indent}    {v.detail}. Source: {v.observed.source}")
    for note in v.notes:
        lines.extend(
            textwrap.wrap("Note: " + note, 96, initial_indent=indent + "    ", subsequent_indent=indent + "      ")
        )
    return lines


def history_lines(result: History) -> list[str]:
    """The judge's verdicts: the observed entries by date (the entries of one date explained by one
    prediction), each beside the prediction, agrees or DIFFERS; then the model's claims, holds or FAILS."""
    lines: list[str] = []
    if result.verdicts:
        explained = sum(g.agrees for g in result.groups)
        lines.append(
            f"The record: the model agrees with {result.agree} of {result.total} observed entries; "
            f"one prediction explains {explained} of {len(result.groups)} dates"
        )
        for g in result.groups:
            if len(g.entries) == 1:
                lines += _verdict_lines(result.verdicts[g.entries[0]], "  ")
                continue
            under = f" (with {_settings_text(g.settings)})" if g.settings else ""
            mark = "one prediction explains them all" if g.agrees else "NOT EXPLAINED by one prediction"
            lines.append(f"  {g.date or 'undated'}, {len(g.entries)} entries{under}: {mark}")
            lines.extend(textwrap.wrap(g.detail, 96, initial_indent="      ", subsequent_indent="        "))
            for k in g.entries:
                lines += _verdict_lines(result.verdicts[k], "    ")
    if result.claims:
        lines.append(f"The model's claims: {result.hold} of {len(result.claims)} hold")
        for v in result.claims:
            lines += _verdict_lines(v, "  ")
    return lines


def history_text(result: History, region: ConsistentRegion | None = None) -> str:
    """The report of ``bargaining history``: the verdicts and, if given, the consistent region (its
    share with a 95 % Wilson interval, the parameters varied and those held fixed)."""
    lines = history_lines(result)
    if region is not None:
        what = "every date's entries" + (" and every claim" if region.claims else "")
        where = (
            " of the grid over " + ", ".join(region.varied)
            if region.gridded
            else " sampled in the box of the assumptions"
        )
        interval = region.interval
        ci = f" (95% interval {100 * interval[0]:.2f}% to {100 * interval[1]:.2f}%)" if interval is not None else ""
        lines.append(
            f"Consistent region: {100 * region.share:.2f}%{ci} of {region.samples} points{where} reproduce {what}."
        )
        if region.claims:
            lines.append(f"  the record alone (without the claims): {100 * region.observed_share:.2f}%")
        if not region.gridded:
            lines += textwrap.wrap(
                f"varied ({len(region.varied)}): " + ", ".join(region.varied),
                96,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        if region.held:
            lines += textwrap.wrap(
                f"held fixed ({len(region.held)}): " + ", ".join(f"{k} = {number(v)}" for k, v in region.held.items()),
                96,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        for note in region.notes:
            lines += textwrap.wrap("Note: " + note, 96, initial_indent="  ", subsequent_indent="    ")
        if region.conditions:
            lines.append("  symbolically, where the observed plan is subgame perfect (at the defaults):")
            lines += [f"    {c}" for c in region.conditions]
    return "\n".join(lines)


def _split_lines(split: ExactSplit) -> list[str]:
    """Rubinstein's division as formulas: the proposer's share, which options bind, where it holds,
    and the signs of the proposer's payoff in each parameter."""
    binding = (
        "outside option binds for " + ", ".join(split.binding)
        if split.binding
        else "no outside option binds: (1 - delta_r)/(1 - delta_p delta_r)"
    )
    text = [f"{split.proposer}'s share of its gain at the edge's end: {split.share} ({binding})"]
    if split.conditions:
        text.append("valid where: " + ", ".join(_condition_text(c) for c in split.conditions))
    if split.statics is not None:
        moving = [f"{q} {s}" for q, s in split.statics.signs.items() if s.sign != "0"]
        if moving:
            text.append(f"{split.proposer}'s payoff in each parameter: " + "; ".join(moving))
    out: list[str] = []
    for line in text:
        out += textwrap.wrap(line, 92, initial_indent="      ", subsequent_indent="        ")
    return out


def bargain_text(scenario: Scenario, result: BargainResult, verdicts: History | None = None) -> str:
    """The report of ``bargaining bargain``: packages, frontier, solutions, linkage, the record."""
    p = result.problem
    a, b = p.actors
    lines = _heading(scenario, result.values)
    lines.append(
        "Issues: " + "; ".join(f"{i.id} ({', '.join(i.options)}; status quo {i.options[0]})" for i in p.issues)
    )
    lines.append(
        f"{len(result.points)} packages; disagreement point: "
        f"{a} {number(result.disagreement[0])}, {b} {number(result.disagreement[1])}"
    )
    lines += ["", f"Pareto frontier of lotteries over packages ({a}, {b}), from {b}'s best to {a}'s best:"]
    for k in result.frontier.vertices:
        u = result.points[k]
        lines.append(f"  ({number(u[0])}, {number(u[1])})  {p.label(int(k))}")
    if len(result.efficient) > len(result.frontier.vertices):
        lines.append(f"  ({len(result.efficient)} Pareto-efficient packages in all; the others lie inside the hull)")
    names = {
        "nash": "Nash (symmetric)",
        "nash_weighted": "Nash (with the bargaining powers)",
        "kalai_smorodinsky": "Kalai–Smorodinsky",
        "egalitarian": "egalitarian",
        "utilitarian": "utilitarian",
        "rubinstein": f"Rubinstein ({result.proposer} proposes first)",
    }
    lines += ["", "Solutions:"]
    for key, s in result.solutions.items():
        lottery = " + ".join(f"{number(w)} × ({p.label(k)})" for k, w in s.lottery)
        lines.append(f"  {names.get(key, key)}: {a} {number(s.point[0])}, {b} {number(s.point[1])}  = {lottery or '—'}")
        ex = result.exact.get(key)
        if ex is not None and len(s.lottery) > 1:
            lines += textwrap.wrap(
                f"exactly: {a} = {ex[0]}, {b} = {ex[1]}", 92, initial_indent="      ", subsequent_indent="        "
            )
        if key == "rubinstein" and result.rubinstein is not None:
            lines += _split_lines(result.rubinstein)
        if s.note:
            lines += textwrap.wrap(f"note: {s.note}", 92, initial_indent="      ", subsequent_indent="        ")
    link = result.linkage
    lines += ["", "Linkage:"]
    for issue, ok in link.separate.items():
        lines.append(
            f"  separate talks on {issue}: " + (", ".join(ok) if ok else "no agreement both prefer to disagreement")
        )
    lines.append("  linked talks: " + ("; ".join(f"({p.label(k)})" for k in link.linked) or "no agreement"))
    if link.enables:
        lines.append("  linkage makes a deal possible that no issue alone allows")
    for note in result.notes:
        lines.extend(textwrap.wrap("Note: " + note, 96, subsequent_indent="      "))
    if verdicts is not None and verdicts.verdicts:
        lines += ["", *history_lines(verdicts)]
    return "\n".join(lines)

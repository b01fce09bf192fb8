r"""LaTeX for papers: payoff tables, tables of equilibria and game trees (a face: it only formats).

Each function returns a fragment a paper can ``\input``: a ``tabular`` with booktabs rules
(``\usepackage{booktabs}``) or a ``tikzpicture`` (``\usepackage{tikz}``); with ``standalone=True``
the fragment is wrapped in a complete ``\documentclass{standalone}`` document that compiles on
its own. Every string that comes from a user (actors, strategies, moves, nodes, outcomes, titles)
is escaped (:func:`escape`); numbers and formulas are typeset by ``sympy.latex``.

Payoffs are shown as formulas in the parameters when ``values`` is None, and as exact numbers at
``values`` otherwise (rationals as fractions, others exactly, as ``\sqrt{2}``): the numbers are
worked out by :func:`bargaining.io.gambit.evaluate_exact`, the same as Gambit's files get.

>>> from bargaining.games.normal import NormalFormGame
>>> g = NormalFormGame.from_table({"EU": ["reward", "withhold"], "CA": ["comply", "defy"]},
...     {("reward", "comply"): ("B - k", "r - c"), ("reward", "defy"): (0, 0),
...      ("withhold", "comply"): ("B", "-c"), ("withhold", "defy"): (0, 0)})
>>> print(latex_table(g))
\begin{tabular}{llcc}
\toprule
 &  & \multicolumn{2}{c}{CA} \\
\cmidrule(lr){3-4}
 &  & comply & defy \\
\midrule
EU & reward & $B - k,\; - c + r$ & $0,\; 0$ \\
 & withhold & $B,\; - c$ & $0,\; 0$ \\
\bottomrule
\end{tabular}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

import sympy

from bargaining.analysis.nash import EquilibriumSet
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.io.gambit import evaluate_exact, exact_values
from bargaining.scenario import Scenario

__all__ = ["MAX_LEAVES", "MAX_TABLES", "escape", "latex_equilibria", "latex_table", "standalone_document", "tikz_tree"]

#: The most tables :func:`latex_table` writes for a game of three or more actors (one per profile of the later ones).
MAX_TABLES = 64
#: The most ends of play :func:`tikz_tree` draws (a node reached along several paths is drawn once per path).
MAX_LEAVES = 400

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}


def escape(text: str) -> str:
    r"""``text`` safe in LaTeX's running text: the special characters escaped, control characters
    and line breaks turned into spaces.

    >>> escape("a_b & 50% {x} \\ ~^$#")
    'a\\_b \\& 50\\% \\{x\\} \\textbackslash{} \\textasciitilde{}\\textasciicircum{}\\$\\#'
    """
    out = []
    for ch in text:
        if ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029":
            out.append(" ")
        else:
            out.append(_SPECIAL.get(ch, ch))
    return "".join(out)


def standalone_document(body: str, *, tikz: bool = False) -> str:
    r"""``body`` in a complete document of class ``standalone`` (booktabs, amsmath and TikZ loaded).

    >>> standalone_document("x").splitlines()[0]
    '\\documentclass[border=5pt,varwidth=\\maxdimen]{standalone}'
    """
    options = "tikz,border=5pt" if tikz else "border=5pt,varwidth=\\maxdimen"
    return (
        f"\\documentclass[{options}]{{standalone}}\n"
        "\\usepackage[T1]{fontenc}\n"
        "\\usepackage[utf8]{inputenc}\n"
        "\\usepackage{amsmath}\n"
        "\\usepackage{booktabs}\n"
        "\\usepackage{tikz}\n"
        "\\begin{document}\n"
        f"{body}"
        "\\end{document}\n"
    )


def _math(expr: sympy.Expr) -> str:
    return str(sympy.latex(expr))


def _values_comment(values: Mapping[str, float] | None) -> str:
    if not values:
        return ""
    return "% at " + ", ".join(f"{k} = {float(v):g}" for k, v in values.items()) + "\n"


def _payoff_cells(
    game: NormalFormGame, scenario: Scenario, values: Mapping[str, float] | None
) -> dict[tuple[int, ...], str]:
    """Each profile's payoffs as one math cell: formulas, or exact numbers at ``values``."""
    table = game.payoff_table()
    subs = exact_values(scenario.values(values), game.parameter_symbols()) if values is not None else None
    cells = {}
    for idx in product(*(range(m) for m in game.shape)):
        parts = []
        for i, a in enumerate(game.actors):
            expr = table[(i, *idx)]
            if subs is not None:
                expr = evaluate_exact(expr, subs, f"payoffs.{a}")
            parts.append(_math(expr))
        cells[idx] = "$" + ",\\; ".join(parts) + "$"
    return cells


def latex_table(
    game: NormalFormGame | Scenario, values: Mapping[str, float] | None = None, *, standalone: bool = False
) -> str:
    r"""A booktabs payoff table of a normal-form game: the first actor's strategies in rows, the
    second's in columns, each cell the actors' payoffs in order (formulas, or numbers at ``values``).

    A game of three or more actors gives one table per profile of the later actors (each headed by
    that profile), at most :data:`MAX_TABLES`; a game tree or a package deal is refused (draw a
    tree with :func:`tikz_tree`).
    """
    scenario = Scenario.of(game)
    if not isinstance(scenario.game, NormalFormGame):
        raise ScenarioError(
            'a normal-form game (game = "normal") for a payoff table; draw a game tree with tikz_tree',
            found=f"a {scenario.kind} game",
            field="game",
        )
    nfg = scenario.game
    cells = _payoff_cells(nfg, scenario, values)
    if nfg.n_actors == 1:
        rows = ["\\begin{tabular}{lc}", "\\toprule", f"{escape(nfg.actors[0])} & payoff \\\\", "\\midrule"]
        rows += [f"{escape(s)} & {cells[(k,)]} \\\\" for k, s in enumerate(nfg.strategies[0])]
        rows += ["\\bottomrule", "\\end{tabular}"]
        body = "\n".join(rows) + "\n"
    else:
        later = [range(m) for m in nfg.shape[2:]]
        count = 1
        for m in nfg.shape[2:]:
            count *= m
        if count > MAX_TABLES:
            raise ScenarioError(
                f"at most {MAX_TABLES} tables (one per profile of the actors after the first two)",
                found=f"{count:,}",
                field="actors",
            )
        parts = []
        for rest in product(*later):
            head = ""
            if rest:
                shown = ", ".join(
                    f"{escape(nfg.actors[2 + j])} plays {escape(nfg.strategies[2 + j][k])}" for j, k in enumerate(rest)
                )
                head = f"\\noindent {shown}:\\par\\smallskip\n"
            parts.append(head + _two_way(nfg, cells, tuple(rest)))
        body = "\\par\\medskip\n".join(parts)
    body = _values_comment(values) + body
    return standalone_document(body) if standalone else body


def _two_way(game: NormalFormGame, cells: Mapping[tuple[int, ...], str], rest: tuple[int, ...]) -> str:
    rows_actor, cols_actor = game.actors[0], game.actors[1]
    cols = game.strategies[1]
    n = len(cols)
    lines = [
        "\\begin{tabular}{ll" + "c" * n + "}",
        "\\toprule",
        f" &  & \\multicolumn{{{n}}}{{c}}{{{escape(cols_actor)}}} \\\\",
        f"\\cmidrule(lr){{3-{n + 2}}}",
        " &  & " + " & ".join(escape(s) for s in cols) + " \\\\",
        "\\midrule",
    ]
    for r, s in enumerate(game.strategies[0]):
        first = escape(rows_actor) if r == 0 else ""
        row = " & ".join(cells[(r, c, *rest)] for c in range(n))
        lines.append(f"{first} & {escape(s)} & {row} \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


def _probability(exact: sympy.Expr | None, number: float) -> str:
    if exact is not None:
        return _math(exact)
    return f"{number:.6g}"


def latex_equilibria(result: EquilibriumSet, *, formulas: bool = False, standalone: bool = False) -> str:
    r"""A booktabs table of the equilibria of an :class:`~bargaining.analysis.nash.EquilibriumSet`:
    one row per equilibrium, each actor's strategy (a pure strategy by name, a mixed one as its
    probabilities, exact where the solver found them, typeset by ``sympy.latex``) and each actor's
    expected payoff. The exact forms are shown at the result's parameter values (exact numbers:
    a value ``1.3`` is 13/10), or as the solver's formulas in the parameters with ``formulas=True``.

    >>> from bargaining.analysis.nash import equilibria
    >>> from bargaining.games.normal import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], actors=["A", "B"])
    >>> print(latex_equilibria(equilibria(g)).splitlines()[6])
    1 & $\frac{1}{2}$ s0, $\frac{1}{2}$ s1 & $\frac{1}{2}$ s0, $\frac{1}{2}$ s1 & $0$ & $0$ \\
    """
    if not isinstance(result, EquilibriumSet):
        raise ScenarioError("the equilibria of a normal-form game (an EquilibriumSet)", found=type(result).__name__)
    actors = result.game.actors
    n = len(actors)
    subs = None if formulas else exact_values(result.values, _symbols(result))

    def at(expr: sympy.Expr | None, where: str) -> sympy.Expr | None:
        return expr if expr is None or subs is None else evaluate_exact(expr, subs, where)

    lines = [
        "\\begin{tabular}{r" + "l" * n + "c" * n + "}",
        "\\toprule",
        f" & \\multicolumn{{{n}}}{{c}}{{strategies}} & \\multicolumn{{{n}}}{{c}}{{payoffs}} \\\\",
        f"\\cmidrule(lr){{2-{n + 1}}}\\cmidrule(lr){{{n + 2}-{2 * n + 1}}}",
        "\\# & " + " & ".join(escape(a) for a in actors) + " & " + " & ".join(escape(a) for a in actors) + " \\\\",
        "\\midrule",
    ]
    for k, eq in enumerate(result.equilibria, start=1):
        strategies = []
        for i in range(n):
            probs = eq.probabilities[i]
            exact = (
                tuple(at(p, f"equilibria[{k - 1}].{actors[i]}") for p in eq.exact_probabilities[i])
                if eq.exact_probabilities is not None
                else None
            )
            support = [j for j, p in enumerate(probs) if p > 0]
            if len(support) == 1 and (exact is None or exact[support[0]] == 1):
                strategies.append(escape(eq.strategies[i][support[0]]))
                continue
            strategies.append(
                ", ".join(
                    f"${_probability(exact[j] if exact is not None else None, probs[j])}$ {escape(eq.strategies[i][j])}"
                    for j in support
                )
            )
        payoffs = [
            "$"
            + _probability(
                at(eq.exact_payoffs[i], f"equilibria[{k - 1}].payoffs") if eq.exact_payoffs is not None else None,
                eq.payoffs[i],
            )
            + "$"
            for i in range(n)
        ]
        lines.append(f"{k} & " + " & ".join(strategies) + " & " + " & ".join(payoffs) + " \\\\")
    if not result.equilibria:
        lines.append(f"\\multicolumn{{{2 * n + 1}}}{{c}}{{no equilibrium found}} \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    body = _values_comment(result.values) + "\n".join(lines) + "\n"
    return standalone_document(body) if standalone else body


def _symbols(result: EquilibriumSet) -> set[sympy.Symbol]:
    found: set[sympy.Symbol] = set()
    for eq in result.equilibria:
        for row in eq.exact_probabilities or ():
            for p in row:
                found |= {s for s in p.free_symbols if isinstance(s, sympy.Symbol)}
        for p in eq.exact_payoffs or ():
            found |= {s for s in p.free_symbols if isinstance(s, sympy.Symbol)}
    return found


@dataclass
class _Drawn:
    """A node of the drawn tree (a node reached along several paths is drawn once per path)."""

    key: str
    target: str
    depth: int
    children: list[tuple[str, int]]  # (edge label, index of the child)
    x: float = 0.0


def tikz_tree(tree: TreeGame | Scenario, values: Mapping[str, float] | None = None, *, standalone: bool = False) -> str:
    r"""A TikZ picture of a game tree, laid out in layers: the root on top, each end of play at the
    bottom of its branch, ends of play evenly spaced and each node centred over its children.

    Decision nodes are filled dots labelled with their actor, chance nodes open dots, offer nodes
    squares labelled with what the actor sets; moves label the edges (with their probability at a
    chance node, the bounds at an offer node) and each end of play shows the actors' payoffs in
    order: formulas, or exact numbers at ``values``. At most :data:`MAX_LEAVES` ends of play.

    >>> t = TreeGame.build(actors=["A", "B"], root="a",
    ...     nodes={"a": {"actor": "A", "moves": {"go": "b", "stop": "end"}},
    ...            "b": {"actor": "B", "moves": {"yes": "deal", "no": "end"}}},
    ...     outcomes={"deal": {"A": "x/3", "B": "1"}, "end": {"A": "0", "B": "0"}})
    >>> picture = tikz_tree(t)
    >>> picture.count("\\node"), picture.count("\\draw"), "$\\frac{x}{3}$" in picture
    (5, 4, True)
    """
    scenario = Scenario.of(tree)
    game = scenario.game
    if not isinstance(game, TreeGame):
        raise ScenarioError(
            'a game tree (game = "tree") for a TikZ tree; a normal-form game is a table (latex_table)',
            found=f"a {scenario.kind} game",
            field="game",
        )
    subs = exact_values(scenario.values(values), game.parameter_symbols()) if values is not None else None
    drawn = _expand(game)
    _layout(drawn)
    names = {a.id: a.name for a in scenario.actors}
    leaves: dict[int, list[str]] = {}
    for k, d in enumerate(drawn):
        if d.target in game.outcomes:
            outcome = game.outcomes[d.target]
            pays = []
            for a in game.actors:
                expr = outcome.payoffs[a]
                if subs is not None:
                    expr = evaluate_exact(expr, subs, f"outcomes.{d.target}.{a}")
                pays.append(f"${_math(expr)}$")
            leaves[k] = pays
    widest = max((len(p) for pays in leaves.values() for p in pays), default=0)
    lines = [
        f"\\begin{{tikzpicture}}[x={max(1.7, 0.11 * widest):.2f}cm, y=1.5cm, font=\\small,",
        "  decision/.style={circle, draw, fill=black, inner sep=1.6pt},",
        "  chance/.style={circle, draw, inner sep=2pt},",
        "  offer/.style={rectangle, draw, inner sep=2.5pt},",
        "  move/.style={fill=white, inner sep=1pt, font=\\footnotesize}]",
    ]
    for k, d in enumerate(drawn):
        where = f"({d.x:.3f}, {-d.depth:.3f})"
        if k in leaves:
            text = "\\\\".join(leaves[k])
            lines.append(f"\\node[align=center, anchor=north] (v{k}) at {where} {{{text}}};")
            continue
        node = game.nodes[d.target]
        if isinstance(node, DecisionNode):
            who = escape(names.get(node.actor, node.actor))
            lines.append(f"\\node[decision, label=above:{{{who}}}] (v{k}) at {where} {{}};")
        elif isinstance(node, ChanceNode):
            lines.append(f"\\node[chance, label=above:{{chance}}] (v{k}) at {where} {{}};")
        else:
            who = escape(names.get(node.actor, node.actor))
            sets = f"{who} sets ${_math(sympy.Symbol(node.parameter))}$"
            lines.append(f"\\node[offer, label=above:{{{sets}}}] (v{k}) at {where} {{}};")
    for k, d in enumerate(drawn):
        for label, child in d.children:
            lines.append(f"\\draw (v{k}) -- node[move] {{{label}}} (v{child});")
    lines.append("\\end{tikzpicture}")
    body = _values_comment(values) + "\n".join(lines) + "\n"
    return standalone_document(body, tikz=True) if standalone else body


def _edge_labels(game: TreeGame, target: str) -> list[tuple[str, str]]:
    node = game.nodes[target]
    if isinstance(node, ChanceNode):
        return [(f"{escape(m)} (${_math(p)}$)", t) for (m, t), p in zip(node.moves, node.probabilities, strict=True)]
    if isinstance(node, OfferNode):
        v = _math(sympy.Symbol(node.parameter))
        return [(f"${v} \\in [{_math(node.low)}, {_math(node.high)}]$", node.next)]
    return [(escape(m), t) for m, t in node.moves]


def _expand(game: TreeGame) -> list[_Drawn]:
    """The tree's nodes in prefix order, a shared node copied once per path (at most MAX_LEAVES ends)."""
    drawn: list[_Drawn] = []
    leaves = 0
    stack: list[tuple[str, int, int | None, str]] = [(game.root, 0, None, "")]
    while stack:
        target, depth, parent, label = stack.pop()
        index = len(drawn)
        drawn.append(_Drawn(target, target, depth, []))
        if parent is not None:
            drawn[parent].children.append((label, index))
        if target in game.outcomes:
            leaves += 1
            if leaves > MAX_LEAVES:
                raise ScenarioError(
                    f"a tree of at most {MAX_LEAVES} ends of play to draw (a node reached along several paths"
                    " is drawn once per path)",
                    found="more",
                    field="nodes",
                )
            continue
        for edge, child in reversed(_edge_labels(game, target)):
            stack.append((child, depth + 1, index, edge))
    return drawn


def _layout(drawn: Sequence[_Drawn]) -> None:
    """Ends of play at x = 0, 1, 2, ... in prefix order; a node centred over its first and last child."""
    leaf = 0
    for d in drawn:
        if not d.children:
            d.x = float(leaf)
            leaf += 1
    for d in reversed(drawn):  # children come after their parent in prefix order
        if d.children:
            d.x = (drawn[d.children[0][1]].x + drawn[d.children[-1][1]].x) / 2

"""LaTeX for papers (bargaining.display.latex and the export dispatcher): booktabs rules, one row per
strategy, exact numbers, escaped user strings, balanced braces and environments, refusals for
games that do not fit, and, where pdflatex or lualatex is installed, the standalone documents compiled."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import bargaining
from bargaining.display.export_text import EXPORT_FORMATS, export_text
from bargaining.display.latex import escape, latex_equilibria, latex_table, tikz_tree
from bargaining.errors import ScenarioError
from bargaining.scenario import Actor, Scenario

NASTY = "EU & 50% {x} #1 $ ~ ^ \\ <a> | _"
TEX_PACKAGES = ["texlive-latex-base", "texlive-latex-recommended", "texlive-latex-extra", "texlive-pictures"]


@pytest.fixture(scope="session")
def latex() -> str:
    """pdflatex or lualatex; installed with apt-get once where that is possible (root, Debian), else skipped."""
    found = shutil.which("pdflatex") or shutil.which("lualatex")
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-q", *TEX_PACKAGES], check=False, capture_output=True, timeout=1200
        )
        found = shutil.which("pdflatex") or shutil.which("lualatex")
    if found is None:
        pytest.skip(
            "neither pdflatex nor lualatex is installed (Debian: apt-get install " + " ".join(TEX_PACKAGES) + ")"
        )
    return found


def _balanced(text: str) -> None:
    """Braces balance (escaped ones aside) and every environment begun is ended, in order."""
    plain = text.replace("\\{", "").replace("\\}", "").replace("\\\\", "")
    depth = 0
    for ch in plain:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, text
    assert depth == 0, text
    stack: list[str] = []
    for kind, name in re.findall(r"\\(begin|end)\{(\w+)\}", text):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, text
    assert not stack, text


def _rows(table: str) -> list[str]:
    body = table.split("\\midrule\n", 1)[1].split("\\bottomrule", 1)[0]
    return [line for line in body.splitlines() if line.endswith("\\\\")]


def test_a_two_actor_table_has_booktabs_rules_and_one_row_per_strategy() -> None:
    scenario = bargaining.load("conditionality")
    table = latex_table(scenario, {"r": 2})
    for rule in ("\\toprule", "\\midrule", "\\bottomrule", "\\cmidrule"):
        assert table.count(rule) == 1
    rows = _rows(table)
    game = scenario.normal_form
    assert len(rows) == len(game.strategies[0])
    assert all(row.count("&") == 1 + len(game.strategies[1]) for row in rows)
    # exact numbers at r = 2: the EU's 3 - 0.8 * 2 * 0.15 = 69/25 and CA's 0.8 * 2 - 1.3 = 3/10
    assert "$\\frac{69}{25},\\; \\frac{3}{10}$" in rows[0]
    _balanced(table)
    formulas = latex_table(scenario)  # no values: the payoffs as formulas
    assert "\\delta" in formulas and "\\frac{69}{25}" not in formulas
    _balanced(formulas)


def test_a_game_of_five_actors_gives_one_table_per_profile_of_the_later_three() -> None:
    scenario = bargaining.load("central_asia_signing")
    text = latex_table(scenario, scenario.values())
    game = scenario.normal_form
    later = 1
    for m in game.shape[2:]:
        later *= m
    assert text.count("\\begin{tabular}") == later == 8
    assert text.count("\\toprule") == later
    assert sum(len(_rows(part)) for part in text.split("\\end{tabular}")[:-1]) == later * len(game.strategies[0])
    _balanced(text)


def test_the_equilibria_table_gives_exact_probabilities_and_payoffs() -> None:
    result = bargaining.equilibria(bargaining.load("central_asia_signing"), {"H_KZ": 2})
    text = latex_equilibria(result)
    assert len(_rows(text)) == len(result) == 3
    assert "\\frac{5}{6}" in text and "\\frac{7}{8}" in text  # the mixed equilibrium, exactly
    _balanced(text)
    formulas = latex_equilibria(bargaining.equilibria(bargaining.load("conditionality")), formulas=True)
    assert "\\delta" in formulas  # the solver's formulas in the parameters
    assert "\\frac{13}{16}" in latex_equilibria(bargaining.equilibria(bargaining.load("conditionality")))


def test_every_user_string_is_escaped() -> None:
    assert escape(NASTY) == (
        "EU \\& 50\\% \\{x\\} \\#1 \\$ \\textasciitilde{} \\textasciicircum{} \\textbackslash{} "
        "\\textless{}a\\textgreater{} \\textbar{} \\_"
    )
    assert escape("a\nb\x1bc") == "a b c"
    base = bargaining.load("eu_russia_offer")
    scenario = Scenario(
        title=base.title,
        game=base.game,
        actors=(Actor("EU", NASTY), Actor("RU", "Russia")),
        path="nasty.toml",
    )
    picture = tikz_tree(scenario)
    assert escape(NASTY) in picture
    assert "no\\_offer" in picture and "no_offer}" not in picture
    _balanced(picture)


def test_the_tree_has_a_node_per_place_an_edge_per_move_and_payoffs_at_the_ends() -> None:
    scenario = bargaining.load("eu_russia_offer")
    picture = tikz_tree(scenario)
    assert picture.startswith("\\begin{tikzpicture}") and picture.rstrip().endswith("\\end{tikzpicture}")
    # eu (2 moves), the offer (1), ru (2): 5 edges, 6 places, 3 ends of play
    assert picture.count("\\draw") == 5 and picture.count("\\node") == 6
    assert "$v \\in [0, v_{cap}]$" in picture
    assert "- C_{TCN} \\delta^{T} + a v - c_{N}" in picture  # RU's payoff at the deal, as a formula
    numbers = tikz_tree(scenario, scenario.values())
    assert "\\delta" not in numbers.split("\\node[align")[1]  # at the values: numbers at the ends
    _balanced(numbers)


def test_games_that_do_not_fit_are_refused_clearly() -> None:
    with pytest.raises(ScenarioError, match=r"a normal-form game .* for a payoff table"):
        latex_table(bargaining.load("eu_russia_offer"))
    with pytest.raises(ScenarioError, match=r"a game tree .* for a TikZ tree"):
        tikz_tree(bargaining.load("conditionality"))
    with pytest.raises(ScenarioError, match=r"^to: expected a game tree for efg"):
        export_text("conditionality", "efg")
    with pytest.raises(ScenarioError, match=r"^to: expected a normal-form game for nfg"):
        export_text("eu_russia_offer", "nfg")
    with pytest.raises(ScenarioError, match=r"^to: expected one of nfg, efg, latex, equilibria, tikz"):
        export_text("conditionality", "pdf")
    with pytest.raises(ScenarioError, match=r"^standalone: expected standalone only with"):
        export_text("conditionality", "nfg", standalone=True)
    with pytest.raises(ScenarioError, match=r"^offer_grid: expected offer_grid only with efg"):
        export_text("eu_russia_offer", "tikz", offer_grid=3)
    assert set(EXPORT_FORMATS) == {"nfg", "efg", "latex", "equilibria", "tikz"}


def test_the_dispatcher_gives_each_format() -> None:
    assert export_text("conditionality", "nfg").startswith("NFG 1 R ")
    assert export_text("eu_russia_offer", "efg", offer_grid=2).startswith("EFG 2 R ")
    assert export_text("conditionality", "latex").startswith("\\begin{tabular}")
    assert "\\documentclass" in export_text("conditionality", "equilibria", standalone=True)
    assert export_text("eurasia_chain", "tikz").startswith("\\begin{tikzpicture}")


def _documents() -> dict[str, str]:
    scenario = bargaining.load("eu_russia_offer")
    nasty = Scenario(title="x", game=scenario.game, actors=(Actor("EU", NASTY), Actor("RU", "RU")), path="n.toml")
    return {
        "table": latex_table(bargaining.load("conditionality"), {"r": 2}, standalone=True),
        "five": latex_table(bargaining.load("central_asia_signing"), standalone=True),
        "equilibria": latex_equilibria(
            bargaining.equilibria(bargaining.load("central_asia_signing"), {"H_KZ": 2}), standalone=True
        ),
        "tree": tikz_tree(nasty, standalone=True),
        "chain": tikz_tree(bargaining.load("eurasia_chain"), standalone=True),
    }


def test_the_standalone_documents_are_complete() -> None:
    for name, doc in _documents().items():
        assert doc.startswith("\\documentclass[") and "{standalone}" in doc.splitlines()[0], name
        assert doc.rstrip().endswith("\\end{document}"), name
        _balanced(doc)


def test_the_standalone_documents_compile(tmp_path: Path, latex: str) -> None:
    for name, doc in _documents().items():
        source = tmp_path / f"{name}.tex"
        source.write_text(doc, encoding="utf-8")
        done = subprocess.run(
            [latex, "-interaction=nonstopmode", "-halt-on-error", source.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, name + "\n" + done.stdout[-3000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 1000

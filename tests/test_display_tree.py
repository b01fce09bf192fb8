"""Game trees drawn as text and as figures: marks, leaf payoffs, deep trees, highlighted edges."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import bargaining
from bargaining.analysis.subgame import SubgamePerfect, subgame_perfect
from bargaining.display.tree import MARK, _shape, tree_figure, tree_text
from bargaining.games.tree import DecisionNode, OfferNode, TreeGame

MOVE_LINE = re.compile(r"^[│ ]*[├└]── (\w+)( ▶ |   )")


def evaluate(expr: Any, values: dict[str, float]) -> float:
    return float(expr.xreplace({s: sympy.Float(values[s.name]) for s in expr.free_symbols}))


def leaf_payoffs(text: str, outcome: str) -> list[dict[str, float]]:
    """``{actor: payoff}`` from every line of ``text`` that shows ``outcome``."""
    found = []
    for line in text.splitlines():
        m = re.search(rf"\b{outcome}: (.*)$", line)
        if m:
            found.append({a: float(v) for a, v in (part.split(" ") for part in m.group(1).split(", "))})
    return found


def marked_moves(text: str) -> dict[str, bool]:
    """move -> whether its line carries the subgame-perfect mark (move names unique in the tree)."""
    return {m.group(1): m.group(2) == f" {MARK} " for line in text.splitlines() if (m := MOVE_LINE.match(line))}


def edge_gids(fig: Any) -> list[str]:
    return [line.get_gid() for ax in fig.axes for line in ax.lines if line.get_gid()]


def random_tree(rng: random.Random, size: int) -> TreeGame:
    """A tree of up to ``size`` nodes, two or three moves each (named ``node_k``), some chance nodes."""
    nodes: dict[str, dict[str, Any]] = {}
    outcomes: dict[str, dict[str, str]] = {}
    pending, count = ["n0"], 1
    while pending:
        nid = pending.pop(0)
        moves: dict[str, str] = {}
        for k in range(rng.randint(2, 3)):
            if count < size and rng.random() < 0.6:
                child = f"n{count}"
                count += 1
                pending.append(child)
            else:
                child = f"o{len(outcomes)}"
                outcomes[child] = {"A": str(rng.randint(-4, 4)), "B": str(rng.randint(-4, 4))}
            moves[f"{nid}_{k}"] = child
        if nid != "n0" and rng.random() < 0.25:
            probs = ["1/2", "1/2"] if len(moves) == 2 else ["1/5", "3/10", "1/2"]
            nodes[nid] = {"moves": moves, "probabilities": dict(zip(moves, probs, strict=True))}
        else:
            nodes[nid] = {"actor": rng.choice(["A", "B"]), "moves": moves}
    return TreeGame.build(actors=["A", "B"], root="n0", nodes=nodes, outcomes=outcomes)


def centipede(n: int) -> TreeGame:
    """Rosenthal's (1981) centipede: at node i the mover takes (i + 2 for it, i for the other) or passes."""
    nodes = {
        f"n{i}": {"actor": "AB"[i % 2], "moves": {"take": f"take{i}", "pass": f"n{i + 1}" if i + 1 < n else "end"}}
        for i in range(n)
    }
    outcomes = {f"take{i}": {"AB"[i % 2]: str(i + 2), "AB"[1 - i % 2]: str(i)} for i in range(n)}
    outcomes["end"] = {"A": str(n), "B": str(n)}
    return TreeGame.build(actors=["A", "B"], root="n0", nodes=nodes, outcomes=outcomes)


def centipede_solution(tree: TreeGame) -> SubgamePerfect:
    """Backward induction by hand: the mover takes at every node (Rosenthal 1981)."""
    return SubgamePerfect(
        tree=tree,
        values={},
        plan=dict.fromkeys(tree.decision_nodes(), "take"),
        offers={},
        offer_formulas={},
        all_offers={},
        path=("take",),
        outcome="take0",
        payoff={"A": 2.0, "B": 0.0},
        exact_payoff=None,
    )


def market() -> TreeGame:
    """A seller asks a price p <= w; the buyer buys, or walks to a search that finds another seller with chance q."""
    return TreeGame.build(
        actors=["S", "B"],
        root="s",
        nodes={
            "s": {"actor": "S", "moves": {"sell": "price", "keep": "kept"}},
            "price": {"actor": "S", "offer": "p", "within": ["0", "w"], "next": "b"},
            "b": {"actor": "B", "moves": {"buy": "sold", "walk": "luck"}},
            "luck": {"moves": {"found": "other", "none": "nothing"}, "probabilities": {"found": "q", "none": "1 - q"}},
        },
        outcomes={
            "sold": {"S": "p - c", "B": "w - p"},
            "kept": {"S": "0", "B": "0"},
            "other": {"S": "0", "B": "w/2"},
            "nothing": {"S": "0", "B": "0"},
        },
        parameters=["p", "w", "c", "q"],
    )


def two_responders() -> TreeGame:
    """A moves left or right; B answers at either node, so one of B's nodes is off the path."""
    return TreeGame.build(
        actors=["A", "B"],
        root="a",
        nodes={
            "a": {"actor": "A", "moves": {"left": "bl", "right": "br"}},
            "bl": {"actor": "B", "moves": {"l_up": "o1", "l_down": "o2"}},
            "br": {"actor": "B", "moves": {"r_up": "o3", "r_down": "o4"}},
        },
        outcomes={
            "o1": {"A": "3", "B": "1"},
            "o2": {"A": "2", "B": "2"},
            "o3": {"A": "1", "B": "1"},
            "o4": {"A": "2", "B": "0"},
        },
    )


# -- text --------------------------------------------------------------------------------------


def test_eu_russia_offer_drawn_as_in_the_report() -> None:
    scenario = bargaining.load("eu_russia_offer")
    assert isinstance(scenario.game, TreeGame)
    text = tree_text(scenario.game, subgame_perfect(scenario))
    assert text.splitlines() == [
        "eu (EU)",
        "├── offer ▶ eu_offer (EU offers v in [0, v_cap]: 0.49366)",
        "│   └── ru (RU, tie)",
        "│       ├── accept ▶ deal: EU 1.71236, RU 0.5",
        "│       └── reject   no_deal: EU 0, RU 0.5",
        "└── no_offer   status_quo: EU 0, RU 0.5",
    ]


def test_without_a_solution_payoffs_and_probabilities_are_formulas() -> None:
    text = tree_text(market())
    assert MARK not in text
    assert "sold: S -c + p, B -p + w" in text
    assert "found (probability q)   other: S 0, B w/2" in text
    assert "none (probability 1 - q)" in text
    assert "price (S offers p in [0, w])" in text


def test_text_marks_the_move_off_the_path_too() -> None:
    tree = two_responders()
    spe = subgame_perfect(tree)
    assert dict(spe.plan) == {"a": "left", "bl": "l_down", "br": "r_up"}
    assert marked_moves(tree_text(tree, spe)) == {
        "left": True,
        "right": False,
        "l_up": False,
        "l_down": True,
        "r_up": True,
        "r_down": False,
    }


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(2, 14))
def test_text_marks_exactly_the_planned_move_at_every_decision_node(rng: random.Random, size: int) -> None:
    tree = random_tree(rng, size)
    spe = subgame_perfect(tree)
    text = tree_text(tree, spe)
    marks = marked_moves(text)
    decision_moves = {m for n in tree.decision_nodes() for m, _ in tree.moves_at(n)}
    assert set(marks) == decision_moves
    assert {m for m, marked in marks.items() if marked} == {f"{m}" for m in spe.plan.values()}
    assert text.count(MARK) == len(tree.decision_nodes()) == len(spe.plan)
    for move, marked in marks.items():
        assert marked == (spe.plan[move.rsplit("_", 1)[0]] == move)


def test_leaf_payoffs_are_the_outcome_formulas_at_the_values_and_offers() -> None:
    scenario = bargaining.load("eu_russia_offer")
    tree = scenario.game
    assert isinstance(tree, TreeGame)
    spe = subgame_perfect(scenario)
    values = dict(spe.values)
    for nid, v in spe.all_offers.items():
        node = tree.nodes[nid]
        assert isinstance(node, OfferNode)
        values[node.parameter] = v
    text = tree_text(tree, spe)
    for oid, outcome in tree.outcomes.items():
        (shown,) = leaf_payoffs(text, oid)
        assert shown == {a: pytest.approx(evaluate(e, values), rel=1e-5, abs=1e-9) for a, e in outcome.payoffs.items()}
    assert spe.outcome is not None
    assert leaf_payoffs(text, spe.outcome) == [pytest.approx(dict(spe.payoff), rel=1e-5)]


def test_market_leaves_use_the_price_offered_above_them_and_chance_shows_numbers() -> None:
    # B walks to a search worth q * w/2 = 2, so S asks p = w - 2 = 8 and B, indifferent, buys
    spe = subgame_perfect(market(), {"w": 10, "c": 2, "q": 0.4, "p": 0})
    assert spe.path == ("sell", "buy")
    assert spe.offers["p"] == pytest.approx(8)
    text = tree_text(market(), spe)
    assert "price (S offers p in [0, w]: 8)" in text
    assert leaf_payoffs(text, "sold") == [{"S": pytest.approx(6), "B": pytest.approx(2)}]
    assert leaf_payoffs(text, "other") == [{"S": 0, "B": 5}]
    assert "found (probability 0.4)   other" in text
    assert "none (probability 0.6)   nothing" in text
    assert "b (B, tie)" in text


def test_a_node_reached_twice_is_drawn_once() -> None:
    tree = TreeGame.build(
        actors=["A", "B"],
        root="a",
        nodes={
            "a": {"actor": "A", "moves": {"now": "b", "wait": "a2"}},
            "a2": {"actor": "A", "moves": {"go": "b", "stop": "sq"}},
            "b": {"actor": "B", "moves": {"yes": "deal", "no": "sq"}},
        },
        outcomes={"deal": {"A": "1", "B": "1"}, "sq": {"A": "0", "B": "0"}},
    )
    text = tree_text(tree, subgame_perfect(tree))
    assert text.count("yes ▶ deal") == 1
    assert "go ▶ b (B), its moves shown at its other occurrence" in text


def test_a_wide_tree_is_cut_at_the_level_that_fits() -> None:
    # a complete ternary tree of depth 5: 1 + 3 + 9 + 27 + 81 nodes and 243 outcomes, 364 lines
    nodes: dict[str, dict[str, Any]] = {}
    outcomes: dict[str, dict[str, str]] = {}
    level = ["r"]
    for _ in range(5):
        below: list[str] = []
        for nid in level:
            moves = {f"m{k}": f"{nid}{k}" for k in range(3)}
            nodes[nid] = {"actor": "A", "moves": moves}
            below.extend(moves.values())
        level = below
    for oid in level:
        outcomes[oid] = {"A": "1"}
    tree = TreeGame.build(actors=["A"], root="r", nodes=nodes, outcomes=outcomes)
    text = tree_text(tree)
    # with a "more below" line under each of the 81 nodes of level 4, that level no longer fits in 200 lines
    assert text.endswith("(81 nodes and 243 outcomes below level 3 left out)")
    assert len(text.splitlines()) == 40 + 27 + 1 <= 200
    assert text.count("└── … 12 more below") == 27
    assert len(tree_text(tree, max_lines=400).splitlines()) == 364


# -- deep trees --------------------------------------------------------------------------------


def test_centipede_solution_by_hand_is_the_solvers() -> None:
    tree = centipede(12)
    by_hand, solved = centipede_solution(tree), subgame_perfect(tree)
    assert dict(solved.plan) == dict(by_hand.plan)
    assert (solved.path, solved.outcome, dict(solved.payoff)) == (by_hand.path, by_hand.outcome, by_hand.payoff)


def test_a_centipede_of_5000_nodes_is_drawn_without_recursion() -> None:
    tree = centipede(5000)
    spe = centipede_solution(tree)
    text = tree_text(tree, spe)
    lines = text.splitlines()
    assert lines[0] == "n0 (A)"
    assert lines[1] == "├── take ▶ take0: A 2, B 0"
    assert text.count(MARK) == 40
    assert f"└── … {9920:,} more below" in text
    assert lines[-1] == "(4,959 nodes and 4,961 outcomes below level 40 left out)"
    assert len(lines) <= 200
    # the whole tree, all 5,000 levels, walked without recursion
    shape = _shape(tree, spe, 20_000, 10_000)
    assert (len(shape.items), max(i.depth for i in shape.items), shape.cut) == (10_001, 5000, None)
    fig = tree_figure(tree, spe)
    assert edge_gids(fig).count("spe-path:n0:take") == 1
    # twelve levels drawn: the moves of n0 ... n11, of which only n0's is on the path
    assert sum(g.startswith("spe:") for g in edge_gids(fig)) == 11


# -- figures -----------------------------------------------------------------------------------


def test_figure_highlights_one_edge_per_decision_node_on_the_path(tmp_path: Path) -> None:
    scenario = bargaining.load("eu_russia_offer")
    tree = scenario.game
    assert isinstance(tree, TreeGame)
    spe = subgame_perfect(scenario)
    fig = tree_figure(tree, spe)
    gids = edge_gids(fig)
    assert sorted(g for g in gids if g.startswith("spe-path:")) == ["spe-path:eu:offer", "spe-path:ru:accept"]
    assert len([g for g in gids if g.startswith("spe-path:")]) == len(spe.path)
    assert gids.count("offer-path:eu_offer:v") == 1
    assert not any(g.startswith("spe:") for g in gids)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "deal\nEU 1.712\nRU 0.5" in texts
    assert "EU sets v\n= 0.4937" in texts
    out = tmp_path / "eu_russia_offer.png"
    fig.savefig(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_figure_highlights_planned_moves_off_the_path_apart(tmp_path: Path) -> None:
    tree = two_responders()
    fig = tree_figure(tree, subgame_perfect(tree))
    gids = edge_gids(fig)
    assert sorted(g for g in gids if g.startswith("spe")) == ["spe-path:a:left", "spe-path:bl:l_down", "spe:br:r_up"]
    assert len(gids) == 6
    fig.savefig(tmp_path / "two_responders.png")


def test_figure_without_a_solution_highlights_nothing_and_shows_formulas(tmp_path: Path) -> None:
    fig = tree_figure(market())
    gids = edge_gids(fig)
    assert not any(g.startswith(("spe", "offer-path")) for g in gids)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "sold\nS -c + p\nB -p + w" in texts
    assert "found\np = q" in texts
    fig.savefig(tmp_path / "market.png")


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(2, 14))
def test_figure_highlights_every_planned_move_once(rng: random.Random, size: int) -> None:
    tree = random_tree(rng, size)
    spe = subgame_perfect(tree)
    gids = edge_gids(tree_figure(tree, spe))
    planned = sorted(g.split(":", 1)[1] for g in gids if g.startswith("spe"))
    assert planned == sorted(f"{n}:{m}" for n, m in spe.plan.items())
    on_path = [g for g in gids if g.startswith("spe-path:")]
    assert len(on_path) == len(spe.path)
    assert all(isinstance(tree.nodes[g.split(":")[1]], DecisionNode) for g in on_path)

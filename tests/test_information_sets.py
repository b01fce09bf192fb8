"""Trees with information sets: the reduced normal form, its Nash equilibria against Gambit, refusals.

The references: indifference conditions worked out here, pygambit (``lcp_solve``, ``enummixed_solve``)
on the same game written as ``.efg`` by our writer, and subgame-perfect play for perfect information.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pygambit as gbt  # type: ignore[import-untyped]
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import bargaining
from bargaining.analysis.reduced_form import reduced_normal_form, reduced_strategies
from bargaining.analysis.subgame import reduced_normal_form as numeric_normal_form
from bargaining.errors import ScenarioError
from bargaining.expressions import parameter_symbol
from bargaining.games.tree import TreeGame
from bargaining.io.gambit import write_efg

PENNIES: dict[str, Any] = {
    "actors": ["A", "B"],
    "root": "a",
    "nodes": {
        "a": {"actor": "A", "moves": {"H": "bh", "T": "bt"}},
        "bh": {"actor": "B", "moves": {"H": "win", "T": "lose"}, "info": "b"},
        "bt": {"actor": "B", "moves": {"H": "lose", "T": "win"}, "info": "b"},
    },
    "outcomes": {"win": {"A": "1", "B": "-1"}, "lose": {"A": "-1", "B": "1"}},
}

# nature draws the sender's type (strong with probability p); the sender sees it and sends a message;
# the receiver sees the message only (one information set per message)
SIGNALLING: dict[str, Any] = {
    "actors": ["S", "R"],
    "root": "n",
    "nodes": {
        "n": {"moves": {"strong": "s1", "weak": "s2"}, "probabilities": {"strong": "p", "weak": "1 - p"}},
        "s1": {"actor": "S", "moves": {"beer": "r1", "quiche": "r2"}},
        "s2": {"actor": "S", "moves": {"beer": "r3", "quiche": "r4"}},
        "r1": {"actor": "R", "moves": {"fight": "o1", "yield": "o2"}, "info": "after_beer"},
        "r3": {"actor": "R", "moves": {"fight": "o5", "yield": "o6"}, "info": "after_beer"},
        "r2": {"actor": "R", "moves": {"fight": "o3", "yield": "o4"}, "info": "after_quiche"},
        "r4": {"actor": "R", "moves": {"fight": "o7", "yield": "o8"}, "info": "after_quiche"},
    },
    "outcomes": {
        "o1": {"S": "1", "R": "-1"},
        "o2": {"S": "3", "R": "0"},
        "o3": {"S": "0", "R": "-1"},
        "o4": {"S": "2", "R": "0"},
        "o5": {"S": "0", "R": "1"},
        "o6": {"S": "2", "R": "0"},
        "o7": {"S": "1", "R": "1"},
        "o8": {"S": "3", "R": "0"},
    },
}


def _read(tree: TreeGame, tmp_path: Path, values: dict[str, float] | None = None) -> Any:
    path = tmp_path / "game.efg"
    path.write_text(write_efg(tree, values), encoding="utf-8")
    return gbt.read_efg(str(path))


def _payoff_set(found: Any) -> set[tuple[float, ...]]:
    return {tuple(round(float(u), 9) for u in e.payoffs) for e in found}


def _gambit_payoffs(equilibria: Any) -> set[tuple[float, ...]]:
    return {tuple(round(float(x), 9) for x in dict(e.payoffs).values()) for e in equilibria}


def test_matching_pennies_as_a_tree_has_the_one_mixed_equilibrium(tmp_path: Path) -> None:
    tree = TreeGame.build(**PENNIES)
    assert dict(tree.information_sets("B")) == {"b": ("bh", "bt")}
    game = reduced_normal_form(tree)
    assert game.strategies == (("H", "T"), ("H", "T"))
    # indifference: B plays H with q; A's H pays q - (1 - q), A's T pays -q + (1 - q): equal at q = 1/2,
    # and by symmetry A plays H with 1/2
    q = sympy.Symbol("q")
    u_h = sum(game.payoff_expr("A", ("H", b)) * w for b, w in (("H", q), ("T", 1 - q)))
    u_t = sum(game.payoff_expr("A", ("T", b)) * w for b, w in (("H", q), ("T", 1 - q)))
    (root,) = sympy.solve(sympy.Eq(u_h, u_t), q)
    assert root == sympy.Rational(1, 2)
    found = bargaining.equilibria(tree)
    assert len(found) == 1 and "reduced normal form" in found.method
    assert found[0].exact_probabilities is not None
    assert found[0].exact_probabilities[1][0] == root and found[0].exact_probabilities[0][0] == root
    g = _read(tree, tmp_path)
    lcp = gbt.nash.lcp_solve(g, rational=True).equilibrium
    assert [{m: sympy.Rational(str(x)) for m, x in dict(d).items()} for _, d in lcp["B"]] == [
        {"H": root, "T": 1 - root}
    ]
    assert [{m: sympy.Rational(str(x)) for m, x in dict(d).items()} for _, d in lcp["A"]] == [
        {"H": root, "T": 1 - root}
    ]
    (mixed,) = gbt.nash.enummixed_solve(g, rational=True).equilibria
    assert _gambit_payoffs([mixed]) == _gambit_payoffs([lcp]) == _payoff_set(found) == {(0.0, 0.0)}


def test_a_signalling_tree_has_gambits_nash_equilibria(tmp_path: Path) -> None:
    tree = TreeGame.build(**SIGNALLING, parameters={"p": (0.9, 0, 1)})
    assert dict(tree.information_sets("R")) == {"after_beer": ("r1", "r3"), "after_quiche": ("r2", "r4")}
    assert tree.perfect_recall() and not tree.perfect_information
    strategies = reduced_strategies(tree)
    assert len(strategies["S"]) == 4 and len(strategies["R"]) == 4  # nothing for the actors' own moves to avoid
    game = reduced_normal_form(tree)
    # an entry recomputed by hand: the sender always sends beer, the receiver fights after beer
    # (strong: o1 pays S 1; weak: o5 pays S 0), so p * 1 + (1 - p) * 0
    assert sympy.expand(game.payoff_expr("S", ("beer_beer", "fight_fight"))) == parameter_symbol("p")
    for p in (0.9, 0.3):
        found = bargaining.equilibria(tree, {"p": p}, exact=False)
        theirs = gbt.nash.enummixed_solve(_read(tree, tmp_path, {"p": p}), rational=False).equilibria
        assert _payoff_set(found) == _gambit_payoffs(theirs)
    # subgame perfection is refused: the receiver does not know the type
    with pytest.raises(ScenarioError, match=r"nodes\.r[12]\.info: .*perfect information.*reduced_normal_form"):
        bargaining.subgame_perfect(tree)


ENTRY: dict[str, Any] = {
    "actors": ["E", "I"],
    "root": "e",
    "nodes": {
        "e": {"actor": "E", "moves": {"enter": "i", "out": "stay"}},
        "i": {"actor": "I", "moves": {"fight": "c", "share": "peace"}},
        "c": {"actor": "E", "moves": {"retreat": "war", "dig_in": "ruin"}},
    },
    "outcomes": {
        "war": {"E": "-1", "I": "1"},
        "ruin": {"E": "-2", "I": "-1"},
        "peace": {"E": "1", "I": "1"},
        "stay": {"E": "0", "I": "2"},
    },
}


def test_singleton_sets_give_the_old_normal_forms_equilibria_and_the_spe_among_them() -> None:
    tree = TreeGame.build(**ENTRY)
    assert tree.perfect_information
    # reduced: "out" makes the entrant's second node unreachable, so out_retreat and out_dig_in are one
    assert reduced_strategies(tree)["E"] == (
        {"e": "enter", "c": "retreat"},
        {"e": "enter", "c": "dig_in"},
        {"e": "out"},
    )
    ours = bargaining.equilibria(tree, exact=False)
    old, _ = numeric_normal_form(tree, {})
    assert _payoff_set(ours) == _payoff_set(bargaining.equilibria(old, exact=False))
    spe = bargaining.subgame_perfect(tree)
    assert tuple(round(spe.payoff[a], 9) for a in tree.actors) in _payoff_set(ours)


@st.composite
def _trees(draw: st.DrawFn) -> dict[str, Any]:
    """A random tree of perfect information: two actors, 1 to 5 decision nodes, 2 moves each, distinct payoffs."""
    count = draw(st.integers(1, 5))
    nodes: dict[str, Any] = {}
    outcomes: dict[str, Any] = {}
    pays = iter(draw(st.permutations(range(40))))
    frontier = ["d0"]
    made = 1
    while frontier:
        nid = frontier.pop(0)
        moves = {}
        for m in ("l", "r"):
            if made < count and draw(st.booleans()):
                child = f"d{made}"
                made += 1
                frontier.append(child)
                moves[m] = child
            else:
                oid = f"o{len(outcomes)}"
                outcomes[oid] = {"A": str(next(pays)), "B": str(next(pays))}
                moves[m] = oid
        nodes[nid] = {"actor": draw(st.sampled_from(["A", "B"])), "moves": moves}
    return {"actors": ["A", "B"], "root": "d0", "nodes": nodes, "outcomes": outcomes}


@settings(max_examples=40, deadline=None)
@given(_trees())
def test_the_spe_payoffs_are_among_the_reduced_normal_forms_nash_equilibria(spec: dict[str, Any]) -> None:
    tree = TreeGame.build(**spec)
    spe = bargaining.subgame_perfect(tree, exact=False)
    found = bargaining.equilibria(tree, exact=False)
    assert tuple(round(spe.payoff[a], 9) for a in tree.actors) in _payoff_set(found)
    # and the spe plan, reduced, is a pure equilibrium of the reduced normal form
    pure = bargaining.pure_equilibria(tree, exact=False)
    assert any(
        tuple(round(u, 9) for u in e.payoffs) == tuple(round(spe.payoff[a], 9) for a in tree.actors) for e in pure
    )


def _toml(nodes: str) -> str:
    return (
        'format = "bargaining/1"\ntitle = "t"\ngame = "tree"\nroot = "a"\n[[actors]]\nid = "A"\n[[actors]]\nid = "B"\n'
        + nodes
        + '[outcomes]\nw = { A = "1", B = "-1" }\nl = { A = "-1", B = "1" }\n'
    )


BAD = {
    "actors.toml": (
        '[nodes.a]\nactor = "A"\nmoves = { H = "bh", T = "bt" }\n'
        '[nodes.bh]\nactor = "B"\nmoves = { H = "w", T = "l" }\ninfo = "b"\n'
        '[nodes.bt]\nactor = "A"\nmoves = { H = "l", T = "w" }\ninfo = "b"\n',
        "nodes.bt.info: expected the actor of the other nodes of information set 'b'",
    ),
    "moves.toml": (
        '[nodes.a]\nactor = "A"\nmoves = { H = "bh", T = "bt" }\n'
        '[nodes.bh]\nactor = "B"\nmoves = { H = "w", T = "l" }\ninfo = "b"\n'
        '[nodes.bt]\nactor = "B"\nmoves = { T = "l", H = "w" }\ninfo = "b"\n',
        "nodes.bt.info: expected the moves of the other nodes of information set 'b' in the same order",
    ),
    "path.toml": (
        '[nodes.a]\nactor = "A"\nmoves = { H = "c", T = "l" }\ninfo = "x"\n'
        '[nodes.c]\nactor = "A"\nmoves = { H = "w", T = "l" }\ninfo = "x"\n',
        "nodes.c.info: expected no two nodes of information set 'x' on one path",
    ),
    "offer.toml": (
        '[nodes.a]\nactor = "A"\noffer = "v"\nwithin = ["0", "1"]\nnext = "w"\ninfo = "x"\n',
        "nodes.a.info: expected info only at decision nodes",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_information_sets_exit_2_with_one_line(name: str, tmp_path: Path) -> None:
    nodes, message = BAD[name]
    text = _toml(nodes)
    if name == "offer.toml":
        text = text.replace(
            '[[actors]]\nid = "A"',
            '[parameters.v]\nvalue = 0.5\nmin = 0\nmax = 1\nsource = "illustrative"\n\n[[actors]]\nid = "A"',
            1,
        )
        text = text.replace("l = {", "# l = {")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bargaining", "solve", str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and message in lines[0], done.stderr


def test_offer_nodes_are_refused_by_the_reduced_normal_form() -> None:
    tree = TreeGame.build(
        actors=["A", "B"],
        root="o",
        nodes={
            "o": {"actor": "A", "offer": "v", "within": ["0", "1"], "next": "r"},
            "r": {"actor": "B", "moves": {"yes": "deal", "no": "none"}},
        },
        outcomes={"deal": {"A": "1 - v", "B": "v"}, "none": {"A": "0", "B": "0"}},
        parameters={"v": (0.5, 0, 1)},
    )
    with pytest.raises(ScenarioError, match=r"nodes\.o: expected a tree without offer nodes"):
        reduced_normal_form(tree)


def test_the_tree_picture_joins_each_information_set_with_one_dashed_arc() -> None:
    """One dashed arc per information set, through exactly the set's nodes (the arc's ends and its
    lowest points between nodes bend below the level), each set in its own colour."""
    from bargaining.display.tree import tree_figure

    for spec, sets in (
        (PENNIES, {"b": ("bh", "bt")}),
        (SIGNALLING, {"after_beer": ("r1", "r3"), "after_quiche": ("r2", "r4")}),
    ):
        tree = TreeGame.build(**spec)
        (ax,) = tree_figure(tree).axes
        lines = {
            str(ln.get_gid()).split(":", 1)[1]: ln for ln in ax.get_lines() if str(ln.get_gid()).startswith("infoset:")
        }
        assert set(lines) == set(sets)
        # where the picture puts each node: the box whose text is the node's actor, labelled by its id
        ids = {t.get_text(): t.xy for t in ax.texts if hasattr(t, "xy") and t.get_text() in tree.nodes}
        for name, line in lines.items():
            assert line.get_linestyle() == "--"
            xs, ys = np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)
            points = {(round(float(a), 9), round(float(b), 9)) for a, b in zip(xs, ys, strict=True)}
            for node in sets[name]:
                nx, ny = ids[node]
                assert (round(float(nx), 9), round(float(ny), 9)) in points, (name, node)
            assert ys.min() < ys[0]  # bent below the nodes' level
        assert len({ln.get_color() for ln in lines.values()}) == len(lines)
    # a tree of perfect information has no such line
    plain = TreeGame.build(
        **{
            **PENNIES,
            "nodes": {k: {kk: vv for kk, vv in v.items() if kk != "info"} for k, v in PENNIES["nodes"].items()},
        }
    )
    assert not [
        ln for ax in tree_figure(plain).axes for ln in ax.get_lines() if str(ln.get_gid()).startswith("infoset:")
    ]


def test_the_command_solves_a_tree_with_an_information_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``bargaining solve`` on a tree with an information set of several nodes reports the Nash
    equilibria of its reduced normal form (no backward induction), in text and JSON."""
    import json

    from bargaining.cli import main

    nodes = "".join(
        f'\n[nodes.{n}]\nactor = "{spec["actor"]}"\n'
        + (f'info = "{spec["info"]}"\n' if "info" in spec else "")
        + "moves = { "
        + ", ".join(f'{m} = "{ {"win": "w", "lose": "l"}.get(t, t) }"' for m, t in spec["moves"].items())
        + " }\n"
        for n, spec in PENNIES["nodes"].items()
    )
    path = tmp_path / "pennies.toml"
    path.write_text(_toml(nodes), encoding="utf-8")
    assert main(["solve", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["game"] == "tree"  # the file's kind, its equilibria beside it
    (eq,) = out["equilibria"]
    assert eq["strategy"] == {"A": {"H": 0.5, "T": 0.5}, "B": {"H": 0.5, "T": 0.5}}
    assert main(["solve", str(path)]) == 0
    assert "reduced normal form" in capsys.readouterr().out

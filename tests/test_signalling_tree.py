"""A signalling game written as a game tree (chance root, sender's nodes, receiver's information sets by
message) is read back as the same signalling game and gets its perfect Bayesian equilibria."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import sympy

from bargaining.analysis.pbe import PBEResult, perfect_bayesian
from bargaining.analysis.signalling_tree import as_signalling_scenario, signalling_game_of, why_not
from bargaining.errors import ScenarioError
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import TreeGame
from bargaining.io.scenario_file import load, loads
from bargaining.scenario import Scenario
from tests.test_pbe import beer_quiche


def conditionality() -> SignallingGame:
    game = load("conditionality_signalling").game
    assert isinstance(game, SignallingGame)
    return game


def pbe_set(result: PBEResult) -> set[tuple[Any, ...]]:
    """Everything an equilibrium says, as comparable values (off-path regions by their exact vertices)."""
    return {
        (
            e.kind,
            tuple(sorted(e.sender.items())),
            tuple(sorted(e.receiver.items())),
            tuple(sorted(e.beliefs.items())),
            tuple(sorted((m, r.action, r.vertices, r.interval) for m, r in e.off_path.items())),
            tuple(sorted(e.sender_payoffs.items())),
            e.receiver_payoff,
            e.intuitive,
        )
        for e in result.equilibria
    }


# ---------------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("make", [beer_quiche, conditionality], ids=["beer_quiche", "conditionality_signalling"])
def test_the_tree_of_a_signalling_game_reads_back_as_the_same_game(make: Callable[[], SignallingGame]) -> None:
    game = make()
    tree = game.tree()
    back = signalling_game_of(tree)
    assert back is not None and why_not(tree) is None
    assert (back.sender, back.receiver) == (game.sender, game.receiver)
    assert (back.types, back.messages, back.actions) == (game.types, game.messages, game.actions)
    # the prior and the payoffs are the same expressions (not numbers at the defaults)
    assert all(sympy.simplify(a - b) == 0 for a, b in zip(back.prior, game.prior, strict=True))
    assert any(p.free_symbols for p in back.prior)
    for ours, theirs in ((back.sender_payoffs, game.sender_payoffs), (back.receiver_payoffs, game.receiver_payoffs)):
        for row_a, row_b in zip(ours, theirs, strict=True):
            for cell_a, cell_b in zip(row_a, row_b, strict=True):
                assert all(sympy.simplify(x - y) == 0 for x, y in zip(cell_a, cell_b, strict=True))
    assert back.parameters.names == game.parameters.names
    assert back.parameters.values() == game.parameters.values()
    direct, via_tree = perfect_bayesian(game), perfect_bayesian(tree)
    assert pbe_set(via_tree) == pbe_set(direct) and len(direct.equilibria) > 0
    assert [(t.message, t.actions, t.value, sympy.simplify(t.formula)) for t in via_tree.thresholds] == [
        (t.message, t.actions, t.value, sympy.simplify(t.formula)) for t in direct.thresholds
    ]
    assert via_tree.prior == direct.prior
    assert any("read as a signalling game" in n for n in via_tree.notes)


def test_a_scenario_of_the_tree_keeps_its_title_and_values() -> None:
    tree = beer_quiche().tree()
    scenario = Scenario("Beer and quiche as a tree", tree)
    converted = as_signalling_scenario(scenario)
    assert converted.kind == "signalling" and converted.title == scenario.title
    assert isinstance(converted.game, SignallingGame)
    # at another prior the equilibria move with it: a weak majority (q = 0.6) has no pure PBE
    assert perfect_bayesian(scenario, {"q": 0.6}).equilibria == ()
    assert len(perfect_bayesian(scenario, {"q": 0.1}).equilibria) == 2


# ---------------------------------------------------------------------------------- written by hand

BEER_QUICHE_TREE = """
format = "bargaining/1"
title = "Beer and quiche, written as a tree"
game = "tree"
root = "nature"

[[actors]]
id = "S"

[[actors]]
id = "R"

[parameters.q]
value = 0.1
min = 0
max = 1
source = "illustrative assumption: the prior of the weak type in Cho and Kreps (1987)"

[nodes.nature]
moves = { weak = "s_weak", strong = "s_strong" }
probabilities = { weak = "q", strong = "1 - q" }

[nodes.s_weak]
actor = "S"
moves = { beer = "r_weak_beer", quiche = "r_weak_quiche" }

[nodes.s_strong]
actor = "S"
moves = { beer = "r_strong_beer", quiche = "r_strong_quiche" }

[nodes.r_weak_beer]
actor = "R"
info = "saw_beer"
moves = { duel = "wbd", not = "wbn" }

[nodes.r_strong_beer]
actor = "R"
info = "saw_beer"
moves = { duel = "sbd", not = "sbn" }

[nodes.r_weak_quiche]
actor = "R"
info = "saw_quiche"
moves = { duel = "wqd", not = "wqn" }

[nodes.r_strong_quiche]
actor = "R"
info = "saw_quiche"
moves = { duel = "sqd", not = "sqn" }

[outcomes.wbd]
S = "0"
R = "1"

[outcomes.wbn]
S = "2"
R = "0"

[outcomes.wqd]
S = "1"
R = "1"

[outcomes.wqn]
S = "3"
R = "0"

[outcomes.sbd]
S = "1"
R = "0"

[outcomes.sbn]
S = "3"
R = "1"

[outcomes.sqd]
S = "0"
R = "0"

[outcomes.sqn]
S = "2"
R = "1"
"""


def by_hand() -> Scenario:
    return loads(BEER_QUICHE_TREE)


def test_the_hand_written_tree_is_beer_and_quiche() -> None:
    scenario = by_hand()
    assert isinstance(scenario.game, TreeGame)
    game = signalling_game_of(scenario.game)
    assert game is not None
    reference = beer_quiche()
    assert (game.types, game.messages, game.actions) == (reference.types, reference.messages, reference.actions)
    assert pbe_set(perfect_bayesian(scenario)) == pbe_set(perfect_bayesian(reference))


def test_the_hand_written_tree_has_two_pooling_pbe_and_only_beer_is_intuitive() -> None:
    result = perfect_bayesian(by_hand())
    assert [e.kind for e in result.equilibria] == ["pooling", "pooling"]
    by_message = {e.sender["weak"]: e for e in result.equilibria}
    beer, quiche = by_message["beer"], by_message["quiche"]
    assert beer.sender["strong"] == "beer" and quiche.sender["strong"] == "quiche"
    assert beer.intuitive is True and quiche.intuitive is False
    # recomputed by hand: pooling on beer, the weak type gets 0 + 2 (not its breakfast, no duel), strong 1 + 2;
    # the receiver expects 0.9 (it does not duel, which is right against the strong type, prior 0.9)
    assert dict(beer.sender_payoffs) == {"weak": 2, "strong": 3}
    assert dict(quiche.sender_payoffs) == {"weak": 3, "strong": 2}
    assert beer.receiver_payoff == quiche.receiver_payoff == Fraction(9, 10)
    # off the path the receiver duels: a best reply iff P(weak) >= 1/2, the indifference of 1 - mu = mu
    assert beer.off_path["quiche"].interval == (Fraction(1, 2), Fraction(1))
    assert quiche.off_path["beer"].interval == (Fraction(1, 2), Fraction(1))
    assert "strong" in quiche.intuitive_reason and "fails" in quiche.intuitive_reason


def test_solve_json_of_the_hand_written_tree_has_its_perfect_bayesian_equilibria(tmp_path: Path) -> None:
    path = tmp_path / "beer_quiche_tree.toml"
    path.write_text(BEER_QUICHE_TREE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bargaining", "solve", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert "equilibria" in out  # the Nash equilibria of the reduced normal form come first, as before
    pbe = out["perfect_bayesian"]
    assert (pbe["sender"], pbe["receiver"]) == ("S", "R")
    found = {(e["sender"]["weak"], e["sender"]["strong"], e["intuitive"]) for e in pbe["equilibria"]}
    assert found == {("beer", "beer", True), ("quiche", "quiche", False)}
    text = subprocess.run(
        [sys.executable, "-m", "bargaining", "solve", str(path)], capture_output=True, text=True, timeout=120
    )
    assert text.returncode == 0, text.stderr
    assert text.stdout.index("Perfect Bayesian equilibria") > 0
    assert "intuitive criterion: fails" in text.stdout


def test_a_tree_of_another_shape_gets_no_perfect_bayesian_section(tmp_path: Path) -> None:
    path = tmp_path / "mixed.toml"
    path.write_text(BEER_QUICHE_TREE.replace('info = "saw_quiche"', 'info = "saw_beer"'), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bargaining", "solve", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "perfect_bayesian" not in json.loads(done.stdout)


# ---------------------------------------------------------------------------------- other shapes


def perfect_information() -> TreeGame:
    return TreeGame.build(
        actors=["EU", "RU"],
        root="eu",
        nodes={
            "eu": {"actor": "EU", "moves": {"offer": "ru", "no_offer": "sq"}},
            "ru": {"actor": "RU", "moves": {"accept": "deal", "reject": "sq"}},
        },
        outcomes={"deal": {"EU": "1", "RU": "1"}, "sq": {"EU": "0", "RU": "0"}},
    )


def mixing_messages() -> TreeGame:
    """The receiver's nodes after beer and after quiche of the weak type share one set."""
    return loads(
        BEER_QUICHE_TREE.replace(
            '[nodes.r_weak_quiche]\nactor = "R"\ninfo = "saw_quiche"',
            '[nodes.r_weak_quiche]\nactor = "R"\ninfo = "saw_beer"',
        )
    ).game  # type: ignore[return-value]


def two_senders() -> TreeGame:
    text = BEER_QUICHE_TREE.replace('[[actors]]\nid = "R"', '[[actors]]\nid = "R"\n\n[[actors]]\nid = "T"')
    text = text.replace('[nodes.s_strong]\nactor = "S"', '[nodes.s_strong]\nactor = "T"')
    for outcome in ("wbd", "wbn", "wqd", "wqn", "sbd", "sbn", "sqd", "sqn"):
        text = text.replace(f"[outcomes.{outcome}]\n", f'[outcomes.{outcome}]\nT = "0"\n')
    game = loads(text).game
    assert isinstance(game, TreeGame)
    return game


@pytest.mark.parametrize(
    ("make", "node"),
    [(perfect_information, "eu"), (mixing_messages, "r_weak_quiche"), (two_senders, "s_strong")],
    ids=["perfect_information", "receiver_set_mixing_messages", "two_sender_actors"],
)
def test_a_tree_of_another_shape_is_not_read_and_perfect_bayesian_refuses_in_one_line(
    make: Callable[[], TreeGame], node: str
) -> None:
    tree = make()
    assert signalling_game_of(tree) is None
    reason = why_not(tree)
    assert reason is not None and node in reason and "\n" not in reason
    with pytest.raises(ScenarioError) as caught:
        perfect_bayesian(tree)
    message = str(caught.value)
    assert "\n" not in message and node in message and "signalling tree" in message

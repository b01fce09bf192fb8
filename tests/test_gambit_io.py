"""Gambit's .nfg and .efg files (bargaining.io.gambit), checked against Gambit itself (pygambit 17,
an independent implementation): what we write Gambit reads with the same payoffs, its equilibria
are ours, Gambit's own example games (tests/gambit/ and the catalog pygambit ships) solve the same
with us, and malformed or hostile files end in exit 2 with one line.

pygambit 17.0.0b2 refuses files whose node labels repeat (its own nim.efg among them), so Gambit
reads the copy we write of such a file; it is what we read that we compare.
"""

from __future__ import annotations

import fractions
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pygambit as gbt  # type: ignore[import-untyped]
import pytest
import sympy

import bargaining
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import ChanceNode, TreeGame
from bargaining.io.gambit import load_gambit, loads_gambit, read_efg, read_nfg, write_efg, write_nfg

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE / "gambit"
CATALOG = Path(gbt.__file__).resolve().parent / "catalog_data"

Profiles = set[tuple[tuple[float, ...], ...]]


def _rounded(rows: Iterable[Sequence[object]]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(round(float(x), 9) + 0.0 for x in row) for row in rows)  # type: ignore[arg-type]


def _ours(game: NormalFormGame | bargaining.Scenario, values: dict[str, float] | None = None) -> Profiles:
    return {_rounded(e.probabilities) for e in bargaining.equilibria(game, values)}


def _theirs(g: gbt.Game) -> Profiles:
    return {
        _rounded(list(dict(e[p]).values()) for p in g.players)
        for e in gbt.nash.enummixed_solve(g, rational=True).equilibria
    }


def _theirs_pure(g: gbt.Game) -> Profiles:
    return {_rounded(list(dict(e[p]).values()) for p in g.players) for e in gbt.nash.enumpure_solve(g).equilibria}


def _exact_table(game: NormalFormGame, values: dict[str, float]) -> npt.NDArray[np.object_]:
    """Every payoff at ``values`` exactly, computed here by substituting the decimals the values print as
    (sympy reads a decimal string exactly)."""
    table = game.payoff_table()
    subs = {s: sympy.Rational(repr(values[s.name])) for s in game.parameter_symbols()}
    out = np.empty(table.shape, dtype=object)
    for idx in np.ndindex(*table.shape):
        entry: sympy.Expr = table[idx]
        out[idx] = entry.xreplace(subs)
    return out


def _gambit_arrays(g: gbt.Game) -> list[npt.NDArray[np.object_]]:
    return [np.asarray(a) for a in g.to_arrays(dtype=fractions.Fraction)]


# --------------------------------------------------------------------------- our games, written and read back


@pytest.mark.parametrize("name", ["conditionality", "eu_russia_2007", "central_asia_signing"])
def test_builtin_normal_forms_round_trip_with_the_same_payoffs_and_equilibria(name: str, tmp_path: Path) -> None:
    scenario = bargaining.load(name)
    values = scenario.values()
    text = write_nfg(scenario)
    back = read_nfg(text, source=f"{name}.nfg")
    game = scenario.normal_form
    assert back.actors == game.actors and back.strategies == game.strategies
    expected = _exact_table(game, values)
    read = back.payoff_table()
    assert all(sympy.Rational(read[idx]) == expected[idx] for idx in np.ndindex(*expected.shape))
    # Gambit reads the same payoffs, exactly (its own arithmetic: Fractions)
    path = tmp_path / f"{name}.nfg"
    path.write_text(text, encoding="utf-8")
    g = gbt.read_nfg(str(path))
    arrays = _gambit_arrays(g)
    for i in range(len(game.actors)):
        assert all(sympy.Rational(arrays[i][idx]) == expected[(i, *idx)] for idx in np.ndindex(*arrays[i].shape))
    # the same equilibria: ours before and after the trip; Gambit's where it enumerates them all
    ours = _ours(scenario)
    assert _ours(back) == ours
    if len(game.actors) == 2:
        assert _theirs(g) == ours
    else:
        assert {e for e in ours if all(max(row) == 1.0 for row in e)} == _theirs_pure(g)
        for e in bargaining.equilibria(back):
            profile = g.mixed_strategy_profile(data=[[float(p) for p in row] for row in e.probabilities])
            assert float(profile.max_regret()) <= 1e-9


def test_loading_a_written_file_by_path_gives_the_game_and_the_command_solves_it(tmp_path: Path) -> None:
    path = tmp_path / "cond.nfg"
    path.write_text(write_nfg(bargaining.load("conditionality"), {"r": 2.5}), encoding="utf-8")
    scenario = bargaining.load(path)
    assert scenario.title.startswith("Conditionality")
    assert scenario.normal_form.payoff_expr("CA", ("reward", "comply")) == sympy.Rational(
        7, 10
    )  # p r - c = 0.8 * 2.5 - 1.3
    done = subprocess.run(
        [sys.executable, "-m", "bargaining", "solve", str(path), "--json"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert '"equilibria"' in done.stdout


def test_numbers_are_written_exactly_rational_or_with_17_digits() -> None:
    game = NormalFormGame.from_table(
        {"A": ["x"], "B": ["y"]}, {("x", "y"): ("sqrt(c)", "c / 3")}, parameters={"c": (2.0, 0.0, 5.0)}
    )
    line = write_nfg(game).splitlines()[-1]
    assert line == "1.4142135623730950 2/3"
    back = read_nfg(write_nfg(game), source="x.nfg")
    assert back.payoff_expr("B", ("x", "y")) == sympy.Rational(2, 3)
    assert back.payoff_expr("A", ("x", "y")) == sympy.Rational(14142135623730950, 10**16)


def test_offer_trees_are_refused_without_a_grid_and_written_with_one(tmp_path: Path) -> None:
    scenario = bargaining.load("eu_russia_offer")
    with pytest.raises(ScenarioError, match=r"nodes\.eu_offer: .*offer_grid"):
        write_efg(scenario)
    spe = bargaining.subgame_perfect(scenario)
    v_star = spe.offers["v"]
    assert v_star == pytest.approx(0.49366)  # (c_N + delta**T C_TCN + d_R) / a at the defaults
    text = write_efg(scenario, offer_grid={"v": [0.0, 0.25, 0.49366, 0.5]})
    back = read_efg(text, source="offer.efg")
    ours = bargaining.subgame_perfect(back)
    assert ours.payoff == pytest.approx(dict(spe.payoff), abs=1e-9)  # the optimum is a grid point
    assert ours.path == ("offer", "v_24683_50000", "accept")
    path = tmp_path / "offer.efg"
    path.write_text(text, encoding="utf-8")
    g = gbt.read_efg(str(path))
    # Gambit's strategic form of the tree: our subgame-perfect payoffs are those of one of its pure equilibria
    pure = [dict(e.payoffs) for e in gbt.nash.enumpure_solve(g).equilibria]
    assert any(all(float(p[a]) == pytest.approx(ours.payoff[a], abs=1e-12) for a in back.actors) for p in pure)
    with pytest.raises(ScenarioError, match=r"offer_grid\.v\[1\]: expected offers within \[0, 1/2\], found 3/5"):
        write_efg(scenario, offer_grid={"v": [0.0, 0.6]})
    evenly = read_efg(write_efg(scenario, offer_grid=3), source="even.efg")
    assert [m for m, _ in evenly.moves_at("eu_offer")] == ["v_0", "v_1_4", "v_1_2"]


def test_the_chain_tree_with_chance_and_three_offers_is_written_and_read_by_gambit(tmp_path: Path) -> None:
    scenario = bargaining.load("eurasia_chain")
    text = write_efg(scenario, offer_grid=2)
    back = read_efg(text, source="chain.efg")
    path = tmp_path / "chain.efg"
    path.write_text(text, encoding="utf-8")
    g = gbt.read_efg(str(path))
    terminals = sum(1 for line in text.splitlines() if line.startswith("t "))
    histories = g.get_histories(gbt.H.after())  # every node of Gambit's tree
    assert terminals == sum(1 for h in histories if not g.get_actions(gbt.H.path(*h.actions)))
    assert len(histories) == len(text.splitlines()) - 3  # one line per node after the three of the head
    assert sum(len(g.get_infosets(p)) for p in g.players) == len(back.nodes)  # one information set per node
    assert bargaining.subgame_perfect(back).outcome in back.outcomes


def test_a_tree_with_chance_is_written_exactly_and_gambit_finds_our_subgame_perfect_payoffs(tmp_path: Path) -> None:
    tree = TreeGame.build(
        actors=["EU", "RU"],
        root="eu",
        nodes={
            "eu": {"actor": "EU", "moves": {"offer": "luck", "wait": "sq"}},
            "luck": {"moves": {"good": "ru", "bad": "sq"}, "probabilities": {"good": "q", "bad": "1 - q"}},
            "ru": {"actor": "RU", "moves": {"accept": "deal", "reject": "sq"}},
        },
        outcomes={"deal": {"EU": "b - k", "RU": "a - c"}, "sq": {"EU": "0", "RU": "0"}},
        parameters={"q": 0.3, "b": 2.0, "k": 1.5, "a": 1.0, "c": 0.25},
    )
    text = write_efg(tree)
    assert 'c "luck" 1 "" { "good" 3/10 "bad" 7/10 } 0' in text
    back = read_efg(text, source="luck.efg")
    ours = bargaining.subgame_perfect(back)
    assert ours.payoff == pytest.approx({"EU": 0.3 * 0.5, "RU": 0.3 * 0.75})
    path = tmp_path / "luck.efg"
    path.write_text(text, encoding="utf-8")
    g = gbt.read_efg(str(path))
    pure = {
        tuple(fractions.Fraction(x) for x in dict(e.payoffs).values()) for e in gbt.nash.enumpure_solve(g).equilibria
    }
    assert (fractions.Fraction(3, 20), fractions.Fraction(9, 40)) in pure


def test_read_efg_adds_the_outcomes_met_on_the_way_and_reads_chance_exactly() -> None:
    tree = read_efg(
        """EFG 2 R "stages" { "A" "B" } ""
        c "" 1 "" { "h" 1/3 "t" .6666666666666666666666666666666666666666666666666666666666666666666666666 } 0
        p "" 1 1 "" { "go" "stop" } 1 "fee" { -1/2, 0 }
        t "" 2 "win" { 2, 1 }
        t "" 3 "lose" { 0, 0 }
        t "" 2""",
        source="stages.efg",
    )
    assert isinstance(tree, TreeGame)
    win = [o for o in tree.outcomes.values() if o.payoffs["B"] == 1]
    assert sorted(o.payoffs["A"] for o in win) == [sympy.Rational(3, 2), 2]  # 2 - 1/2 after the fee, 2 without
    chance = tree.nodes[tree.root]
    assert isinstance(chance, ChanceNode) and chance.probabilities[0] == sympy.Rational(1, 3)
    assert chance.probabilities[1] == sympy.Rational(int("6" * 73), 10**73)  # the decimal, exactly


def test_probabilities_that_do_not_sum_to_one_are_refused_with_the_file() -> None:
    with pytest.raises(ScenarioError, match=r"^p\.efg: nodes\.n1\.probabilities: expected probabilities that sum to 1"):
        read_efg('EFG 2 R "" { "A" } "" c "" 1 "" { "h" 1/3 "t" 1/3 } 0 t "" 0 t "" 0', source="p.efg")


# --------------------------------------------------------------------------- Gambit's own games


@pytest.mark.parametrize("name", ["e02.nfg", "2x2.nfg", "pd.nfg"])
def test_gambits_example_normal_forms_have_gambits_equilibria(name: str) -> None:
    path = EXAMPLES / name
    scenario = load_gambit(path)
    assert _ours(scenario) == _theirs(gbt.read_nfg(str(path)))


def test_the_example_games_read_as_their_documentation_says() -> None:
    e02 = load_gambit(EXAMPLES / "e02.nfg")  # payoff form, { 3 2 }: the first player's strategy changes fastest
    g = e02.normal_form
    assert g.strategies == (("s1", "s2", "s3"), ("s1", "s2"))
    assert [g.payoff_expr("Player_2", (r, "s1")) for r in ("s1", "s2", "s3")] == [1, 2, 2]
    assert e02.actors[0].name == "Player 1" and e02.title.startswith("Selten")
    two = load_gambit(EXAMPLES / "2x2.nfg").normal_form  # outcome form
    assert two.payoff_expr("Player_1", ("s1", "s1")) == 2 and two.payoff_expr("Player_2", ("s2", "s1")) == 1


def test_gambits_nim_solves_the_same_as_in_gambit(tmp_path: Path) -> None:
    scenario = load_gambit(EXAMPLES / "nim.efg")
    ours = bargaining.subgame_perfect(scenario)
    path = tmp_path / "nim.efg"
    path.write_text(write_efg(scenario), encoding="utf-8")  # unique node labels, which pygambit 17 requires
    g = gbt.read_efg(str(path))
    values = {tuple(float(x) for x in dict(e.payoffs).values()) for e in gbt.nash.enumpure_solve(g).equilibria}
    assert values == {tuple(ours.payoff[a] for a in scenario.game.actors)}  # zero-sum: one value
    assert isinstance(scenario.game, TreeGame)
    assert read_efg(path.read_text(encoding="utf-8"), source="nim.efg").outcomes.keys() == scenario.game.outcomes.keys()


def _catalog(suffix: str) -> list[Path]:
    return sorted(CATALOG.rglob(f"*{suffix}")) if CATALOG.is_dir() else []


@pytest.mark.skipif(not _catalog(".nfg"), reason="this pygambit ships no catalog of games")
@pytest.mark.parametrize("path", _catalog(".nfg"), ids=lambda p: p.stem)
def test_the_catalogs_normal_forms_solve_as_in_gambit(path: Path) -> None:
    scenario = load_gambit(path)
    g = gbt.read_nfg(str(path))
    game = scenario.normal_form
    arrays = _gambit_arrays(g)
    assert all(
        game.payoff_expr(a, tuple(game.strategies[j][k] for j, k in enumerate(idx))) == sympy.Rational(arrays[i][idx])
        for i, a in enumerate(game.actors)
        for idx in np.ndindex(*arrays[i].shape)
    )
    if len(game.actors) == 2:
        assert _ours(scenario) == _theirs(g)
    else:
        ours = bargaining.pure_equilibria(scenario)
        assert {_rounded(e.probabilities) for e in ours} == _theirs_pure(g)


@pytest.mark.skipif(not _catalog(".efg"), reason="this pygambit ships no catalog of games")
@pytest.mark.parametrize("path", _catalog(".efg"), ids=lambda p: p.stem)
def test_the_catalogs_trees_are_read_with_their_information_sets(path: Path) -> None:
    """Every catalog tree is read, each information set of several nodes as one of ours (absent-minded
    ones, a set holding a node and one below it, refused); a tree of perfect information has the subgame
    perfect payoffs among Gambit's pure equilibria, a two-player tree with perfect recall the same Nash
    equilibrium payoffs on its reduced normal form as Gambit's enummixed."""
    g = gbt.read_efg(str(path))
    sizes = [len(g.get_members(gbt.H.path(*h.actions))) for p in g.players for h in g.get_infosets(p)]
    recall = bool(getattr(g, "is_perfect_recall", True))
    try:
        scenario = load_gambit(path)
    except ScenarioError as err:
        assert not recall and "no two nodes of information set" in str(err), str(err)
        return
    tree = scenario.game
    assert isinstance(tree, TreeGame)
    assert sorted(len(ns) for ns in tree.information_sets().values() if len(ns) > 1) == sorted(
        x for x in sizes if x > 1
    )
    assert tree.perfect_recall() == recall
    if all(x == 1 for x in sizes):
        ours = bargaining.subgame_perfect(scenario)
        pure = {tuple(float(x) for x in dict(e.payoffs).values()) for e in gbt.nash.enumpure_solve(g).equilibria}
        assert tuple(ours.payoff[a] for a in scenario.game.actors) in pure
        return
    if len(tree.actors) != 2 or not recall:
        return
    found = bargaining.equilibria(scenario, exact=False)
    assert "reduced normal form" in found.method
    mine = {tuple(round(u, 6) for u in e.payoffs) for e in found}
    theirs = {
        tuple(round(float(x), 6) for x in dict(e.payoffs).values())
        for e in gbt.nash.enummixed_solve(g, rational=False).equilibria
    }
    assert mine == theirs


# --------------------------------------------------------------------------- malformed and hostile files

HOSTILE = {
    "truncated.nfg": 'NFG 1 R "t" { "A" "B" } { 2 2 } 1 2 3',
    "version.nfg": 'NFG 3 R "t" { "A" } { 1 } 0',
    "huge.nfg": 'NFG 1 R "t" { "A" "B" } { 100000000 100000000 } 0 0',
    "control.nfg": 'NFG 1 R "t" { "A\x1b[31m" "B" } { 1 1 } 0 0',
    "exponent.nfg": 'NFG 1 R "t" { "A" } { 1 } 1e999999999',
    "rational.nfg": 'NFG 1 R "t" { "A" } { 1 } 1/0',
    "unterminated.efg": 'EFG 2 R "t { "A" } "" t "" 0',
    "infoset.efg": 'EFG 2 R "t" { "A" "B" } "" p "" 1 1 "" { "l" "r" } 0 p "x" 2 1 "" { "a" } 0 t "" 0 '
    'p "y" 2 1 "" { "a" "b" } 0 t "" 0 t "" 0',
    "undefined.efg": 'EFG 2 R "t" { "A" } "" p "" 1 1 "" { "l" "r" } 0 t "" 1 t "" 0',
    "neither.nfg": "this is not a game",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_malformed_and_hostile_files_exit_2_with_one_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(HOSTILE[name], encoding="utf-8")
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bargaining", "solve", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], done.stderr
    assert "\x1b" not in done.stderr
    assert time.monotonic() - start < 60


def test_hostile_files_name_the_place_and_what_was_expected() -> None:
    cases = {
        "truncated.nfg": "line 1, column 38: expected a payoff (a number), found the end of the file",
        "version.nfg": "line 1, column 5: expected version 1",
        "huge.nfg": "expected at most 10,000 strategies of a player",
        "control.nfg": "expected a label without control characters, found the character U+001B",
        "exponent.nfg": "expected a number within the float range",
        "rational.nfg": "expected a rational a/b with b not 0",
        "infoset.efg": "expected the same actions as the first node of player 2's information set 1 (a, at 'x'),"
        " found a, b",
        "undefined.efg": "expected outcome 1 described",
    }
    for name, message in cases.items():
        with pytest.raises(ScenarioError) as info:
            loads_gambit(HOSTILE[name], name=name)
        assert str(info.value).startswith(name + ": ") and message in str(info.value), str(info.value)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.nfg"
    with path.open("wb") as fh:
        fh.truncate(2 * 2**30)  # 2 GB, sparse
    with pytest.raises(ScenarioError, match=r"expected a file of at most 10\.0 MB"):
        bargaining.load(path)


def test_a_long_list_is_counted_while_it_is_parsed() -> None:
    many = " ".join(f'"s{k}"' for k in range(10_001))
    start = time.monotonic()
    with pytest.raises(ScenarioError, match="expected at most 10,000 strategies of a player"):
        read_nfg(f'NFG 1 R "t" {{ "A" }} {{ {{ {many} }} }} 0', source="long.nfg")
    assert time.monotonic() - start < 5

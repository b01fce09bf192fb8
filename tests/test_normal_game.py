"""The typed normal-form game: construction, checks, symbolic and numeric payoffs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from bargaining.errors import GameError, ScenarioError
from bargaining.expressions import parameter_symbol
from bargaining.games.normal import ExprLike, NormalFormGame

STRATS = {"EU": ["reward", "withhold"], "CA": ["comply", "defy"]}
TABLE: dict[tuple[str, ...], tuple[ExprLike, ...]] = {
    ("reward", "comply"): ("B - p*k*r", "p*r - c"),
    ("reward", "defy"): (0, 0),
    ("withhold", "comply"): ("B", "-c"),
    ("withhold", "defy"): (0, 0),
}
VALUES = {"B": 3.0, "p": 0.8, "k": 0.15, "r": 2.0, "c": 1.3}


def test_table_and_formula_styles_give_the_same_game() -> None:
    table = NormalFormGame.from_table(STRATS, TABLE)
    formulas = NormalFormGame.from_formulas(
        STRATS,
        {
            "EU": "CA.comply * (B - EU.reward * p * k * r)",
            "CA": "CA.comply * (EU.reward * p * r - c)",
        },
    )
    assert np.allclose(table.payoff_array(VALUES), formulas.payoff_array(VALUES))
    for profile in table.profiles():
        for actor in table.actors:
            assert sympy.simplify(table.payoff_expr(actor, profile) - formulas.payoff_expr(actor, profile)) == 0


def test_payoff_array_has_shape_n_by_strategies_and_the_right_entries() -> None:
    game = NormalFormGame.from_table(STRATS, TABLE)
    arr = game.payoff_array(VALUES)
    assert arr.shape == (2, 2, 2)
    assert arr[1, 0, 0] == pytest.approx(0.8 * 2 - 1.3)
    assert arr[0, 0, 0] == pytest.approx(3 - 0.8 * 0.15 * 2)
    assert game.payoff_expr("CA", ("reward", "comply")) == parameter_symbol("p") * parameter_symbol(
        "r"
    ) - parameter_symbol("c")


def test_three_actor_formula_game_broadcasts_over_profiles() -> None:
    strategies = {a: ["sign", "out"] for a in ("A", "B", "C")}
    game = NormalFormGame.from_formulas(
        strategies,
        {
            "A": "A.sign * (g - 2 + s * (B.sign + C.sign))",
            "B": "B.sign * (g - 2 + s * A.sign)",
            "C": "C.sign * min(g, s * B.sign)",
        },
    )
    arr = game.payoff_array({"g": 1.0, "s": 1.5})
    for idx in np.ndindex(2, 2, 2):
        a, b, c = (1 - k for k in idx)  # index 0 is "sign"
        assert arr[(0, *idx)] == pytest.approx(a * (1 - 2 + 1.5 * (b + c)))
        assert arr[(1, *idx)] == pytest.approx(b * (1 - 2 + 1.5 * a))
        assert arr[(2, *idx)] == pytest.approx(c * min(1, 1.5 * b))


def test_from_arrays_is_a_labelled_numeric_game() -> None:
    game = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], actors=["R", "C"])
    assert game.actors == ("R", "C")
    assert game.payoff_array().tolist() == [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]


@pytest.mark.parametrize(
    ("payoffs", "message"),
    [
        ({k: v for k, v in TABLE.items() if k != ("withhold", "defy")}, "no entry for"),
        ({**TABLE, ("reward", "nope"): (0, 0)}, "strategy of CA"),
        ({**TABLE, ("reward",): (0, 0)}, "profile of 2"),
        ({**TABLE, ("reward", "comply"): (0,)}, "2 payoffs"),
        ({**TABLE, ("reward", "comply"): ("1/0", 0)}, "finite"),
    ],
)
def test_malformed_tables_are_refused(payoffs: dict[tuple[str, ...], tuple[ExprLike, ...]], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        NormalFormGame.from_table(STRATS, payoffs)


def test_repeated_profile_names_both_places() -> None:
    entries: list[tuple[dict[str, str], dict[str, ExprLike]]] = [
        ({"EU": "reward", "CA": "comply"}, {"EU": "0", "CA": "0"})
    ] * 2
    with pytest.raises(GameError, match=r"payoffs\[1\].*first at payoffs\[0\]"):
        NormalFormGame.from_table(STRATS, entries)


@pytest.mark.parametrize(
    ("strategies", "message"),
    [
        ({"EU": ["a", "a"], "CA": ["b"]}, "unique strategies"),
        ({"EU": [], "CA": ["b"]}, "at least one strategy"),
        ({"E-U": ["a"], "CA": ["b"]}, "identifier"),
        ({"EU": ["a b"], "CA": ["b"]}, "identifier"),
    ],
)
def test_bad_labels_are_refused(strategies: dict[str, list[str]], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        NormalFormGame.from_formulas(strategies, {a: "0" for a in strategies})


def test_missing_parameter_value_and_non_finite_payoffs_are_errors() -> None:
    game = NormalFormGame.from_formulas({"A": ["x", "y"]}, {"A": "A.x * log(c)"})
    with pytest.raises(ScenarioError, match="none for c"):
        game.payoff_array({})
    with pytest.raises(ScenarioError, match="finite payoffs"):
        game.payoff_array({"c": -1.0})

"""Signalling games and their perfect Bayesian equilibria (bargaining.analysis.pbe), checked from the definitions.

Every reported PBE is checked here, independently of the library: no type gains by another message, the
receiver's action is a best reply to the stated beliefs at every message (on the path Bayes' posterior,
off it every corner of the stated region) and the on-path beliefs are Bayes' rule. Completeness: a
brute force over every pure profile and every off-path belief with denominator up to 12 (which holds
every threshold of the integer games drawn) finds exactly the equilibria reported. Gambit (pygambit)
is the reference for the Nash equilibria of the same game written as an extensive game.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from fractions import Fraction
from itertools import product
from pathlib import Path

import numpy as np
import pygambit as gbt  # type: ignore[import-untyped]
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bargaining.analysis.nash import Equilibrium, pure_equilibria
from bargaining.analysis.pbe import PBE, PBEResult, check_equilibrium, perfect_bayesian
from bargaining.analysis.subgame import subgame_perfect
from bargaining.errors import ScenarioError
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import TreeGame
from bargaining.io.scenario_file import load, loads
from bargaining.scenario import Scenario

# ------------------------------------------------------------------------------------ helpers

Payoffs = list[list[list[Fraction]]]  # [type][message][action]


def signalling(scenario: Scenario) -> SignallingGame:
    """The scenario's game, which these tests load as a signalling game."""
    assert isinstance(scenario.game, SignallingGame)
    return scenario.game


def played(strategy: dict[str, float]) -> str:
    """The strategy a pure equilibrium plays (the one with the largest probability)."""
    return max(strategy, key=lambda k: strategy[k])


def numbers_of(game: SignallingGame, values: dict[str, float] | None = None) -> tuple[list[Fraction], Payoffs, Payoffs]:
    """Prior and payoffs at the values, exactly, by substituting the values' decimals (independent of pbe.py)."""
    at = {p.name: (values or {}).get(p.name, p.value) for p in game.parameters}
    subs = {p.symbol: sympy.Rational(repr(float(at[p.name]))) for p in game.parameters}

    def f(e: sympy.Expr) -> Fraction:
        x = sympy.Rational(e.xreplace(subs))
        return Fraction(int(x.p), int(x.q))

    prior = [f(p) for p in game.prior]
    us = [[[f(e) for e in cell] for cell in row] for row in game.sender_payoffs]
    ur = [[[f(e) for e in cell] for cell in row] for row in game.receiver_payoffs]
    return prior, us, ur


def expected(ur: Payoffs, m: int, belief: tuple[Fraction, ...], a: int) -> Fraction:
    return sum((q * ur[t][m][a] for t, q in enumerate(belief)), Fraction(0))


def is_best(ur: Payoffs, m: int, belief: tuple[Fraction, ...], a: int) -> bool:
    return all(expected(ur, m, belief, a) >= expected(ur, m, belief, b) for b in range(len(ur[0][0])))


def independent_check(game: SignallingGame, eq: PBE, values: dict[str, float] | None = None) -> None:
    prior, us, ur = numbers_of(game, values)
    T, M, A = game.types, game.messages, game.actions
    sigma = [M.index(eq.sender[t]) for t in T]
    rho = [A.index(eq.receiver[m]) for m in M]
    for t in range(len(T)):  # the sender: no type gains by another message
        own = us[t][sigma[t]][rho[sigma[t]]]
        assert eq.sender_payoffs[T[t]] == own
        assert all(us[t][m][rho[m]] <= own for m in range(len(M))), (T[t], eq)
    for m in range(len(M)):
        mass = sum((prior[t] for t in range(len(T)) if sigma[t] == m), Fraction(0))
        if mass > 0:  # on the path: Bayes' rule, and a best reply to it
            bayes = tuple(prior[t] / mass if sigma[t] == m else Fraction(0) for t in range(len(T)))
            assert tuple(eq.beliefs[M[m]]) == bayes
            assert is_best(ur, m, bayes, rho[m])
            assert M[m] not in eq.off_path
        else:  # off the path: a non-empty region of beliefs, each corner (hence each point) supporting the action
            region = eq.off_path[M[m]]
            assert region.vertices and region.action == A[rho[m]]
            for v in region.vertices:
                assert all(x >= 0 for x in v) and sum(v) == 1
                assert is_best(ur, m, tuple(v), rho[m])
            if len(T) == 2:
                assert region.interval is not None
                lo, hi = region.interval
                for mu in (lo, (lo + hi) / 2, hi):
                    assert is_best(ur, m, (mu, 1 - mu), rho[m])
    kinds = len(set(sigma))
    assert eq.kind == ("pooling" if kinds == 1 else "separating" if kinds == len(T) else "semi-separating")
    assert check_equilibrium(game, eq, values or {}) == []


GRID = sorted({Fraction(p, q) for q in range(1, 13) for p in range(q + 1)})


def brute_force(game: SignallingGame) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every pure PBE of a two-type game: each profile, Bayes on the path, a grid belief off it."""
    prior, us, ur = numbers_of(game)
    n, k, na = len(game.types), len(game.messages), len(game.actions)
    found = set()
    for sigma in product(range(k), repeat=n):
        for rho in product(range(na), repeat=k):
            if any(us[t][m][rho[m]] > us[t][sigma[t]][rho[sigma[t]]] for t in range(n) for m in range(k)):
                continue
            ok = True
            for m in range(k):
                mass = sum((prior[t] for t in range(n) if sigma[t] == m), Fraction(0))
                if mass > 0:
                    post = tuple(prior[t] / mass if sigma[t] == m else Fraction(0) for t in range(n))
                    ok = ok and is_best(ur, m, post, rho[m])
                else:
                    ok = ok and any(is_best(ur, m, (mu, 1 - mu), rho[m]) for mu in GRID)
            if ok:
                found.add((tuple(game.messages[m] for m in sigma), tuple(game.actions[a] for a in rho)))
    return found


def reported(result: PBEResult) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    g = result.game
    return {(tuple(e.sender[t] for t in g.types), tuple(e.receiver[m] for m in g.messages)) for e in result}


def efg(game: SignallingGame, values: dict[str, float] | None = None) -> str:
    """The game as a Gambit extensive game: a chance node with the prior, one information set per type
    for the sender, one per message for the receiver (the nodes after that message, under every type)."""
    prior, us, ur = numbers_of(game, values)
    players = f'{{ "{game.sender}" "{game.receiver}" }}'
    lines = [f'EFG 2 R "signalling" {players}', '""', ""]
    chance = " ".join(f'"{t}" {p}' for t, p in zip(game.types, prior, strict=True))
    lines.append(f'c "root" 1 "" {{ {chance} }} 0')
    outcome = 0
    msgs = " ".join(f'"{m}"' for m in game.messages)
    acts = " ".join(f'"{a}"' for a in game.actions)
    for t, tname in enumerate(game.types):
        lines.append(f'p "n_{tname}" 1 {t + 1} "{tname}" {{ {msgs} }} 0')
        for m, mname in enumerate(game.messages):
            lines.append(f'p "n_{tname}_{mname}" 2 {m + 1} "after_{mname}" {{ {acts} }} 0')
            for a, aname in enumerate(game.actions):
                outcome += 1
                lines.append(f't "z_{tname}_{mname}_{aname}" {outcome} "" {{ {us[t][m][a]}, {ur[t][m][a]} }}')
    return "\n".join(lines) + "\n"


def gambit_game(game: SignallingGame, tmp_path: Path) -> gbt.Game:
    path = tmp_path / "signalling.efg"
    path.write_text(efg(game), encoding="utf-8")
    return gbt.read_efg(str(path))


def beer_quiche(q: float = 0.1) -> SignallingGame:
    """Cho and Kreps (1987): the sender (weak with prior q, else strong) has beer or quiche for breakfast;
    it gets 1 for its preferred breakfast (weak: quiche, strong: beer) and 2 if the receiver does not
    duel; the receiver gets 1 for dueling a weak sender or not dueling a strong one."""
    types, msgs, acts = ["weak", "strong"], ["beer", "quiche"], ["duel", "not"]
    preferred = {"weak": "quiche", "strong": "beer"}
    pay = {
        (t, m, a): (int(m == preferred[t]) + 2 * int(a == "not"), int((t == "weak") == (a == "duel")))
        for t in types
        for m in msgs
        for a in acts
    }
    return SignallingGame.build(
        "S", types, msgs, "R", acts, {"weak": "q", "strong": "1 - q"}, pay, parameters={"q": (q, 0, 1)}
    )


# ------------------------------------------------------------------------------------ beer and quiche


def test_beer_quiche_has_two_pooling_pbe_and_only_beer_is_intuitive() -> None:
    game = beer_quiche()
    result = perfect_bayesian(game)
    assert [e.kind for e in result] == ["pooling", "pooling"]
    by_message = {e.sender["weak"]: e for e in result}
    assert set(by_message) == {"beer", "quiche"} and all(e.sender["strong"] == e.sender["weak"] for e in result)
    beer, quiche = by_message["beer"], by_message["quiche"]
    assert beer.intuitive is True and quiche.intuitive is False
    assert "strong" in quiche.intuitive_reason and "weak" in quiche.intuitive_reason
    # payoffs recomputed from the definition: pooled, the receiver (prior weak 1/10 < 1/2) does not duel
    assert dict(beer.sender_payoffs) == {"weak": 0 + 2, "strong": 1 + 2}
    assert dict(quiche.sender_payoffs) == {"weak": 1 + 2, "strong": 0 + 2}
    assert beer.receiver_payoff == quiche.receiver_payoff == Fraction(9, 10)  # not dueling: 1 for the strong type
    # off the path the receiver duels, supported by beliefs putting at least 1/2 on weak
    assert beer.receiver["quiche"] == "duel" and beer.off_path["quiche"].interval == (Fraction(1, 2), 1)
    assert quiche.receiver["beer"] == "duel" and quiche.off_path["beer"].interval == (Fraction(1, 2), 1)
    assert [th.value for th in result.thresholds] == [Fraction(1, 2)] * 2
    for e in result:
        independent_check(game, e)
    assert reported(result) == brute_force(game)


def test_beer_quiche_with_a_weak_majority_has_no_pure_pbe() -> None:
    # with prior weak q > 1/2 pooling is answered by a duel, so each type would rather eat its favourite:
    # separation then fails too (the receiver would duel the quiche eater, the weak type copies the strong)
    game = beer_quiche(0.6)
    result = perfect_bayesian(game)
    assert reported(result) == brute_force(game) == set()


# ------------------------------------------------------------------------------------ one type


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(-20, 20), min_size=8, max_size=8, unique=True),
    st.lists(st.integers(-20, 20), min_size=8, max_size=8, unique=True),
)
def test_with_one_type_the_pbe_is_the_subgame_perfect_plan_of_the_complete_information_game(
    sender: list[int], receiver: list[int]
) -> None:
    msgs, acts = ["m0", "m1"], ["a0", "a1", "a2", "a3"]
    cells = list(product(msgs, acts))
    pay = {("only", m, a): (sender[k], receiver[k]) for k, (m, a) in enumerate(cells)}
    game = SignallingGame.build("S", ["only"], msgs, "R", acts, {"only": 1}, pay, parameters=[])
    result = perfect_bayesian(game)
    tree = TreeGame.build(
        ["S", "R"],
        "root",
        {"root": {"actor": "S", "moves": {m: f"after_{m}" for m in msgs}}}
        | {f"after_{m}": {"actor": "R", "moves": {a: f"z_{m}_{a}" for a in acts}} for m in msgs},
        {f"z_{m}_{a}": {"S": sender[k], "R": receiver[k]} for k, (m, a) in enumerate(cells)},
        parameters=[],
    )
    spe = subgame_perfect(tree)
    assert len(result) == 1  # generic payoffs: one equilibrium
    (eq,) = result.equilibria
    assert eq.kind == "pooling" and eq.sender["only"] == spe.plan["root"]
    assert {m: eq.receiver[m] for m in msgs} == {m: spe.plan[f"after_{m}"] for m in msgs}
    assert float(eq.sender_payoffs["only"]) == spe.payoff["S"]
    # the receiver's beliefs are trivial: after either message it is sure of the one type
    for m in msgs:
        if m in eq.beliefs:
            assert tuple(eq.beliefs[m]) == (Fraction(1),)
        else:
            assert eq.off_path[m].vertices == ((Fraction(1),),)
    independent_check(game, eq)


# ------------------------------------------------------------------------------------ random 2x2x2 games

payoff = st.integers(-3, 3)
priors = st.sampled_from(sorted({Fraction(p, q) for q in range(1, 11) for p in range(q + 1)}))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(payoff, min_size=16, max_size=16), priors)
def test_every_pbe_is_sequentially_rational_and_bayes_consistent_and_none_is_missed(
    numbers: list[int], p: Fraction
) -> None:
    types, msgs, acts = ["t1", "t2"], ["m1", "m2"], ["a1", "a2"]
    triples = list(product(types, msgs, acts))
    pay = {x: (numbers[2 * k], numbers[2 * k + 1]) for k, x in enumerate(triples)}
    game = SignallingGame.build(
        "S",
        types,
        msgs,
        "R",
        acts,
        {"t1": f"{p.numerator}/{p.denominator}", "t2": f"1 - {p.numerator}/{p.denominator}"},
        pay,
        parameters=[],
    )
    result = perfect_bayesian(game)
    for eq in result:
        independent_check(game, eq)
    assert reported(result) == brute_force(game)
    # the thresholds: at mu* the receiver is indifferent, and better_above is better just above it
    _, _, ur = numbers_of(game)
    for th in result.thresholds:
        if th.value is None:
            continue
        m = msgs.index(th.message)
        a, b = (acts.index(x) for x in th.actions)
        mu = th.value
        assert expected(ur, m, (mu, 1 - mu), a) == expected(ur, m, (mu, 1 - mu), b)
        up = mu + 1
        assert th.better_above is not None
        better = acts.index(th.better_above)
        other = b if better == a else a
        assert expected(ur, m, (up, 1 - up), better) > expected(ur, m, (up, 1 - up), other)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(payoff, min_size=24, max_size=24))
def test_three_types_every_reported_pbe_checks_and_covers_the_vertex_beliefs(numbers: list[int]) -> None:
    types, msgs, acts = ["t1", "t2", "t3"], ["m1", "m2"], ["a1", "a2"]
    triples = list(product(types, msgs, acts))
    pay = {x: (numbers[2 * k], numbers[2 * k + 1]) for k, x in enumerate(triples)}
    game = SignallingGame.build(
        "S", types, msgs, "R", acts, {"t1": "1/2", "t2": "1/3", "t3": "1/6"}, pay, parameters=[]
    )
    result = perfect_bayesian(game)
    prior, us, ur = numbers_of(game)
    for eq in result:
        independent_check(game, eq)
    # completeness on a grid of the simplex (denominator 12): every profile supported there is reported
    simplex = [(Fraction(i, 12), Fraction(j, 12), Fraction(12 - i - j, 12)) for i in range(13) for j in range(13 - i)]
    found = reported(result)
    for sigma in product(range(2), repeat=3):
        for rho in product(range(2), repeat=2):
            if any(us[t][m][rho[m]] > us[t][sigma[t]][rho[sigma[t]]] for t in range(3) for m in range(2)):
                continue
            ok = True
            for m in range(2):
                mass = sum((prior[t] for t in range(3) if sigma[t] == m), Fraction(0))
                if mass > 0:
                    post = tuple(prior[t] / mass if sigma[t] == m else Fraction(0) for t in range(3))
                    ok = ok and is_best(ur, m, post, rho[m])
                else:
                    ok = ok and any(is_best(ur, m, v, rho[m]) for v in simplex)
            if ok:
                assert (tuple(msgs[m] for m in sigma), tuple(acts[a] for a in rho)) in found


# ------------------------------------------------------------------------------------ Gambit


@pytest.mark.parametrize("make", [beer_quiche, lambda: signalling(load("conditionality_signalling"))])
def test_every_pbe_is_a_nash_equilibrium_of_the_gambit_tree_and_the_pure_nash_agree(
    make: Callable[[], SignallingGame], tmp_path: Path
) -> None:
    game = make()
    g = gambit_game(game, tmp_path)
    result = perfect_bayesian(game)
    assert result.equilibria
    senders, receivers = game.sender_strategies(), game.receiver_strategies()
    assert [len(g.get_strategies(p)) for p in g.players] == [len(senders), len(receivers)]
    for eq in result:
        s = senders.index(tuple(eq.sender[t] for t in game.types))
        r = receivers.index(tuple(eq.receiver[m] for m in game.messages))
        data = [[int(k == s) for k in range(len(senders))], [int(k == r) for k in range(len(receivers))]]
        profile = g.mixed_strategy_profile(data=data, rational=True)
        assert profile.max_regret() == 0
        ex_ante = sum((result.prior[t] * eq.sender_payoffs[t] for t in game.types), Fraction(0))
        assert Fraction(str(dict(profile.payoffs)[game.sender])) == ex_ante  # Gambit's strategy order is ours
        assert Fraction(str(dict(profile.payoffs)[game.receiver])) == eq.receiver_payoff
    # our pure Nash equilibria of the ex-ante normal form are Gambit's
    ours = {
        (
            played(e.strategy(game.sender)),
            played(e.strategy(game.receiver)),
        )
        for e in pure_equilibria(game.normal_form())
    }
    theirs = set()
    for e in gbt.nash.enumpure_solve(g).equilibria:
        s = next(k for k, x in enumerate(dict(e[game.sender]).values()) if x == 1)
        r = next(k for k, x in enumerate(dict(e[game.receiver]).values()) if x == 1)
        theirs.add((SignallingGame.strategy_label(senders[s]), SignallingGame.strategy_label(receivers[r])))
    assert ours == theirs
    # and every PBE is among them
    assert {(SignallingGame.strategy_label(a), SignallingGame.strategy_label(b)) for a, b in reported(result)} <= ours


# ------------------------------------------------------------------------------------ the built-in


class TestConditionalitySignalling:
    scenario = load("conditionality_signalling")

    def exact(self, **overrides: float) -> dict[str, sympy.Rational]:
        return {k: sympy.Rational(repr(v)) for k, v in self.scenario.values(overrides).items()}

    def kinds(self, **overrides: float) -> set[tuple[str, str, str]]:
        result = perfect_bayesian(self.scenario, self.scenario.values(overrides))
        return {(e.kind, e.sender["low"] + "/" + e.sender["high"], e.receiver[e.sender["low"]]) for e in result}

    def test_mu_star_is_r_over_b_as_a_formula_and_by_hand(self) -> None:
        result = perfect_bayesian(self.scenario)
        s = self.scenario.symbols()
        v = self.exact()
        by_hand = v["r"] / v["B"]  # mu B - r = 0: rewarding a belief mu in the low type pays mu (B - r) - (1 - mu) r
        assert by_hand == sympy.Rational(2, 5)
        for th in result.thresholds:
            assert th.belief_of == "low" and th.actions == ("reward", "withhold") and th.better_above == "reward"
            assert sympy.simplify(th.formula - s["r"] / s["B"]) == 0
            assert th.value == Fraction(2, 5)
            mu = sympy.Symbol("mu")
            assert sympy.solve(mu * (v["B"] - v["r"]) + (1 - mu) * (-v["r"]), mu) == [by_hand]

    def test_at_the_defaults_separating_survives_and_pooling_fails_the_intuitive_criterion(self) -> None:
        result = perfect_bayesian(self.scenario)
        assert [e.kind for e in result] == ["separating", "pooling"]
        sep, pool = result.equilibria
        assert dict(sep.sender) == {"low": "reform", "high": "wait"} and sep.intuitive
        assert dict(pool.sender) == {"low": "wait", "high": "wait"} and not pool.intuitive
        v = self.exact()
        assert sep.sender_payoffs["low"] == v["r"] - v["s"] * v["c_L"]  # 2 - 0.75 = 5/4
        assert sep.receiver_payoff == v["mu"] * (v["B"] - v["r"])  # 0.3 * 3 = 9/10
        # withholding after a step needs belief <= mu*
        assert pool.off_path["reform"].interval == (Fraction(0), Fraction(2, 5))
        for e in result:
            independent_check(signalling(self.scenario), e)

    @pytest.mark.parametrize("mu", [0.1, 0.39, 0.4, 0.41, 0.9])
    def test_pooling_with_the_reward_exactly_when_mu_reaches_mu_star(self, mu: float) -> None:
        pooled_reward = ("pooling", "wait/wait", "reward") in self.kinds(mu=mu)
        assert pooled_reward == (Fraction(repr(mu)) >= Fraction(2, 5))

    @pytest.mark.parametrize(("s", "c_L"), [(0.2, 1.0), (0.49, 1.0), (0.5, 1.0), (1.0, 1.0), (0.8, 3.0), (0.6, 3.5)])
    def test_separating_exactly_when_s_c_l_le_r_le_s_c_h(self, s: float, c_L: float) -> None:
        v = self.exact(s=s, c_L=c_L)
        separating = ("separating", "reform/wait", "reward") in self.kinds(s=s, c_L=c_L)
        assert separating == (v["s"] * v["c_L"] <= v["r"] <= v["s"] * v["c_H"])
        # the pooling PBE without the reward (mu = 0.3 < mu*) fails the intuitive criterion iff s c_L < r < s c_H
        result = perfect_bayesian(self.scenario, self.scenario.values({"s": s, "c_L": c_L}))
        (pool,) = [e for e in result if e.kind == "pooling" and set(e.receiver.values()) == {"withhold"}]
        assert pool.intuitive == (not v["s"] * v["c_L"] < v["r"] < v["s"] * v["c_H"])

    def test_the_pbe_are_nash_of_the_ex_ante_game(self) -> None:
        game = signalling(self.scenario)
        nash = pure_equilibria(game.normal_form(), self.scenario.values())
        labels = {(played(e.strategy("TS")), played(e.strategy("EU"))) for e in nash}
        for e in perfect_bayesian(self.scenario):
            key = (
                SignallingGame.strategy_label([e.sender[t] for t in game.types]),
                SignallingGame.strategy_label([e.receiver[m] for m in game.messages]),
            )
            assert key in labels


# ------------------------------------------------------------------------------------ files and the command

GOOD = """
format = "bargaining/1"
title = "t"
game = "signalling"
[sender]
id = "S"
types = ["a", "b"]
messages = ["x", "y"]
[receiver]
id = "R"
actions = ["u", "v"]
[prior]
a = "p"
b = "1 - p"
[parameters.p]
value = 0.5
min = 0
max = 1
source = "illustrative assumption"
"""


def good_payoffs() -> str:
    return "".join(
        f'[[payoffs]]\ntype = "{t}"\nmessage = "{m}"\naction = "{a}"\nS = "{k}"\nR = "{k % 3}"\n'
        for k, (t, m, a) in enumerate(product("ab", "xy", "uv"))
    )


def test_a_user_file_solves() -> None:
    scenario = loads(GOOD + good_payoffs(), name="user.toml")
    assert scenario.kind == "signalling" and [a.id for a in scenario.actors] == ["S", "R"]
    result = perfect_bayesian(scenario)
    for e in result:
        independent_check(signalling(scenario), e)
    assert reported(result) == brute_force(signalling(scenario))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (GOOD + good_payoffs().replace('S = "0"', 'S = "__import__(1)"'), "payoffs[0].S"),
        (GOOD.replace('b = "1 - p"', 'b = "1 - p/2"') + good_payoffs(), "prior"),
        (GOOD + good_payoffs().replace('type = "a"', 'type = "c"', 1), "payoffs[0].type"),
        (
            GOOD
            + good_payoffs().split("[[payoffs]]", 2)[0]
            + "[[payoffs]]"
            + good_payoffs().split("[[payoffs]]", 2)[1],
            "payoffs",
        ),
        (GOOD + good_payoffs() + good_payoffs().split("[[payoffs]]")[1].join(["[[payoffs]]", ""]), "payoffs[8]"),
        (GOOD.replace('id = "R"', 'id = "S"') + good_payoffs(), "receiver.id"),
        (GOOD.replace('messages = ["x", "y"]', 'messages = ["x", "x"]') + good_payoffs(), "sender.messages[1]"),
        (GOOD + good_payoffs() + '[[actors]]\nid = "S"\n', "actors"),
        (GOOD.replace('a = "p"', 'a = "q"') + good_payoffs(), "prior.a"),
        (GOOD + good_payoffs().replace('R = "0"', 'Q = "0"', 1), "payoffs[0].Q"),
    ],
)
def test_bad_files_name_the_field(text: str, field: str) -> None:
    with pytest.raises(ScenarioError) as err:
        loads(text, name="bad.toml")
    assert err.value.field == field, str(err.value)
    assert str(err.value).startswith("bad.toml: ") and "\n" not in str(err.value)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bargaining", *args], capture_output=True, text=True, timeout=300)


def test_the_command_prints_and_serialises_the_pbe(tmp_path: Path) -> None:
    done = run("solve", "conditionality_signalling")
    assert done.returncode == 0, done.stderr
    assert "separating: low sends reform, high sends wait" in done.stdout
    assert "pooling: low sends wait, high sends wait" in done.stdout
    assert "mu* = r/B = 2/5" in done.stdout
    out = json.loads(run("solve", "conditionality_signalling", "--json", "--set", "mu=0.5").stdout)
    assert out["game"] == "signalling" and out["scenario"] == "conditionality_signalling"
    assert out["parameters"]["mu"] == 0.5
    assert {(e["kind"], e["receiver"]["wait"]) for e in out["equilibria"]} == {
        ("separating", "withhold"),
        ("pooling", "reward"),
    }
    assert out["thresholds"][0]["formula"] == "r/B" and out["thresholds"][0]["value"] == pytest.approx(0.4)
    for e in out["equilibria"]:
        assert set(e) >= {"kind", "sender", "receiver", "beliefs", "payoff", "intuitive", "intuitive_reason"}
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('b = "1 - p"', 'b = "p"') + good_payoffs(), encoding="utf-8")
    done = run("solve", str(bad))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "prior" in done.stderr


def test_the_budget_refuses_large_games() -> None:
    msgs = [f"m{k}" for k in range(6)]
    acts = [f"a{k}" for k in range(6)]
    types = [f"t{k}" for k in range(6)]
    pay = {x: (0, 0) for x in product(types, msgs, acts)}
    game = SignallingGame.build("S", types, msgs, "R", acts, {t: "1/6" for t in types}, pay, parameters=[])
    with pytest.raises(ScenarioError, match="at most 200,000 pure strategy profiles"):
        perfect_bayesian(game)
    assert np.isclose(game.profile_count(), 6**6 * 6**6)


@pytest.mark.parametrize("make", [beer_quiche, lambda: signalling(load("conditionality_signalling"))])
def test_the_tree_with_information_sets_is_the_same_game(make: Callable[[], SignallingGame]) -> None:
    game = make()
    tree = game.tree()
    assert not tree.perfect_information and tree.perfect_recall()
    sets = tree.information_sets(game.receiver)
    assert set(sets) == {f"after_{m}" for m in game.messages}
    assert all(len(nodes) == len(game.types) for nodes in sets.values())  # the receiver sees the message only
    assert all(len(nodes) == 1 for nodes in tree.information_sets(game.sender).values())  # the sender knows its type
    values = game.parameters.values()

    def payoffs(result: Iterable[Equilibrium]) -> list[tuple[float, ...]]:
        return sorted(tuple(round(float(x), 9) for x in e.payoffs) for e in result)

    # the tree's reduced normal form (bargaining.analysis.reduced_form) has the ex-ante game's pure equilibria
    assert payoffs(pure_equilibria(tree, values)) == payoffs(pure_equilibria(game.normal_form(), values))


def test_export_efg_writes_the_tree_that_gambit_solves_alike(tmp_path: Path) -> None:
    from bargaining.display.export_text import export_text

    scenario = load("conditionality_signalling")
    path = tmp_path / "cs.efg"
    path.write_text(export_text(scenario, "efg"), encoding="utf-8")
    g = gbt.read_efg(str(path))
    theirs = sorted(
        tuple(Fraction(str(x)) for x in dict(e.payoffs).values()) for e in gbt.nash.enumpure_solve(g).equilibria
    )
    ex_ante = pure_equilibria(signalling(scenario).normal_form(), scenario.values())
    ours = sorted(tuple(Fraction(x).limit_denominator(1000) for x in e.payoffs) for e in ex_ante)
    assert theirs == ours
    with pytest.raises(ScenarioError, match="signalling game is written as efg or tikz"):
        export_text(scenario, "nfg")

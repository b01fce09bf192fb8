"""Exact subgame perfection with offers: offers from the exact switch points of play below (checked
against a brute force over 10,001 offers), regions that state every optimality condition (checked
point by point against backward induction), and Nash equilibria labelled subgame perfect or resting
on a non-credible threat (checked on textbook games and against pygambit)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pygambit  # type: ignore[import-untyped]
import pytest
import sympy
from scipy.optimize import brentq

from bargaining.analysis.compiled_tree import compile_tree
from bargaining.analysis.nash import equilibria
from bargaining.analysis.subgame import (
    SubgamePerfect,
    continuation,
    credibility,
    reduced_normal_form,
    sequential_reading,
    subgame_perfect,
)
from bargaining.expressions import compile_numpy
from bargaining.games.tree import DecisionNode, OfferNode, TreeGame
from bargaining.io.scenario_file import load, loads

OFFER = load("eu_russia_offer")
CHAIN = load("eurasia_chain")


def inside(conditions: tuple[Any, ...], values: dict[str, float]) -> bool:
    point = {sympy.Symbol(k, real=True): sympy.Float(v, 30) for k, v in values.items()}
    return all(bool(c.xreplace(point)) for c in conditions)


def signature(spe: SubgamePerfect) -> tuple[Any, ...]:
    """The plan at every decision node and the formula of every offer: what a region is about."""
    return tuple(sorted(spe.plan.items())), tuple(sorted((n, str(f)) for n, f in spe.all_offer_formulas.items()))


def brute_force(tree: TreeGame, values: dict[str, float], n: int = 10_001) -> tuple[float, float]:
    """The best offer and the mover's payoff at a tree's only offer node, by backward induction below
    it at each of ``n`` evenly spaced offers (numpy, independent of the solver)."""
    (offer_id,) = tree.offer_nodes()
    node = tree.nodes[offer_id]
    assert isinstance(node, OfferNode)
    symbols = sorted(tree.parameter_symbols(), key=lambda s: s.name)
    args = {s.name: values.get(s.name, 0.0) for s in symbols}
    lo = float(node.low.xreplace({sympy.Symbol(k, real=True): v for k, v in args.items()}))
    hi = float(node.high.xreplace({sympy.Symbol(k, real=True): v for k, v in args.items()}))
    grid = np.linspace(lo, hi, n)
    args[node.parameter] = grid  # type: ignore[assignment]
    value: dict[str, np.ndarray] = {}
    for oid, out in tree.outcomes.items():
        f = compile_numpy(symbols, [out.payoffs[a] for a in tree.actors])
        value[oid] = np.array([np.broadcast_to(np.asarray(x, dtype=float), grid.shape) for x in f(*args.values())])
    for nid in reversed(tree.subtree(node.next)):
        d = tree.nodes[nid]
        assert isinstance(d, DecisionNode)
        i = tree.actors.index(d.actor)
        options = np.array([value[t][i] for _, t in d.moves])
        pick = np.argmax(options >= options.max(axis=0) - 1e-9 * (1 + np.abs(options.max(axis=0))), axis=0)
        value[nid] = np.choose(pick, [value[t] for _, t in d.moves])
    u = value[node.next][tree.actors.index(node.actor)]
    k = int(np.argmax(u))
    return float(grid[k]), float(u[k])


# -- the region of (offer 0, reject) at T = 2 no longer contains T = 3 ------------------------------


def test_the_region_at_t2_states_that_no_acceptable_offer_pays_the_eu() -> None:
    spe = subgame_perfect(OFFER, {"T": 2})
    assert spe.path == ("offer", "reject") and spe.offers["v"] == 0.0
    at_2, at_3 = OFFER.values({"T": 2}), OFFER.values({"T": 3})
    assert inside(spe.conditions, at_2)
    # the old region (the reply's condition and the bound) contained T = 3; the offer's optimality does not
    assert not inside(spe.conditions, at_3)
    assert subgame_perfect(OFFER, {"T": 3}, exact=False).path == ("offer", "accept")
    s = {p.name: p.symbol for p in OFFER.parameters}
    v_star = (s["c_N"] + s["delta"] ** s["T"] * s["C_TCN"] + s["d_R"]) / s["a"]
    # the condition is: v* beyond the cap, or v* below 0, or the deal at v* pays the EU no more than d_EU
    (cond,) = [c for c in spe.conditions if isinstance(c, sympy.Or)]
    expected = sympy.Or(
        v_star > s["v_cap"], v_star < 0, s["b_N"] + s["delta"] ** s["T"] * s["B_TCN"] - s["k"] * v_star <= s["d_EU"]
    )
    rng = np.random.default_rng(7)
    for _ in range(300):
        point = {p.name: float(rng.uniform(p.min, p.max)) for p in OFFER.parameters}
        assert inside((cond,), point) == inside((expected,), point)


@pytest.mark.parametrize(("scenario", "n_a", "n_b"), [(OFFER, 10, 250), (CHAIN, 6, 120)], ids=["offer", "chain"])
def test_a_region_contains_exactly_the_points_with_the_same_plan(scenario: Any, n_a: int, n_b: int) -> None:
    rng = np.random.default_rng(3)
    offered = {scenario.game.nodes[n].parameter for n in scenario.game.offer_nodes()}
    points = [
        {p.name: float(rng.uniform(p.min, p.max)) for p in scenario.parameters if p.name not in offered}
        for _ in range(n_b)
    ]
    solved = [signature(subgame_perfect(scenario, p, exact=False)) for p in points]
    assert len(set(solved)) >= 2  # several plans in the box: the test can fail
    picks = [solved.index(s) for s in dict.fromkeys(solved)][:n_a]
    for a in picks:
        spe = subgame_perfect(scenario, points[a])
        assert signature(spe) == solved[a]
        for b, point in enumerate(points):
            assert inside(spe.conditions, point) == (solved[b] == solved[a]), (a, b)


def test_offers_match_a_brute_force_over_ten_thousand_offers() -> None:
    rng = np.random.default_rng(11)
    for _ in range(40):
        point = {p.name: float(rng.uniform(p.min, p.max)) for p in OFFER.parameters if p.name != "v"}
        spe = subgame_perfect(OFFER, point, exact=False)
        _, best = brute_force(OFFER.game, point)  # type: ignore[arg-type]
        assert best <= spe.payoff["EU"] + 1e-9 * (1 + abs(best))
        assert best >= spe.payoff["EU"] - 1e-3 * (1 + abs(best))  # the grid comes within its step


# -- two switches between two points of the old 33-point grid -----------------------------------------


NARROW = TreeGame.build(
    ["P", "R"],
    "offer",
    {
        "offer": {"actor": "P", "offer": "x", "within": ["0", "1"], "next": "r"},
        "r": {"actor": "R", "moves": {"accept": "deal", "reject": "none"}},
    },
    {
        # the responder accepts only within [0.3, 0.3005]: two switches 0.0005 apart
        "deal": {"P": "1 - x", "R": "-1000 * (x - 3/10) * (x - 3005/10000)"},
        "none": {"P": "0", "R": "0"},
    },
    parameters=["x"],
)


def test_two_switches_between_grid_points_are_found() -> None:
    old_grid = np.linspace(0, 1, 33)
    k = int(np.searchsorted(old_grid, 0.3))
    assert old_grid[k - 1] < 0.3 < 0.3005 < old_grid[k]  # the old grid saw rejection on both sides
    spe = subgame_perfect(NARROW, {})
    assert spe.offers["x"] == pytest.approx(0.3, abs=1e-15)
    assert spe.offer_formulas["x"] == sympy.Rational(3, 10)
    assert spe.path == ("accept",) and spe.payoff["P"] == pytest.approx(0.7)
    v, best = brute_force(NARROW, {}, 10_001)  # 0.3 is on this grid
    assert best <= spe.payoff["P"] + 1e-12 and v == pytest.approx(0.3)
    # the region: 3/10 is feasible and beats every other candidate
    assert spe.conditions == () or inside(spe.conditions, {})


def test_a_condition_sympy_cannot_solve_falls_back_to_brent_and_is_flagged() -> None:
    tree = TreeGame.build(
        ["P", "R"],
        "offer",
        {
            "offer": {"actor": "P", "offer": "x", "within": ["0", "2"], "next": "r"},
            "r": {"actor": "R", "moves": {"accept": "deal", "reject": "none"}},
        },
        {"deal": {"P": "2 - x", "R": "x + exp(x) + log(1 + x) - 2"}, "none": {"P": "0", "R": "0"}},
        parameters=["x"],
    )
    spe = subgame_perfect(tree, {})
    root = brentq(lambda t: t + math.exp(t) + math.log(1 + t) - 2, 0, 2, xtol=1e-15)
    assert spe.offers["x"] == pytest.approx(root, abs=1e-12)
    assert spe.offer_formulas["x"] is None and any("numeric" in n for n in spe.notes)
    _, best = brute_force(tree, {})
    assert best <= spe.payoff["P"] + 1e-12


def test_the_chain_still_solves_and_agrees_with_its_compiled_form() -> None:
    spe = subgame_perfect(CHAIN, exact=False)
    assert spe.path == ("offer", "accept", "press", "without_tcn", "sign")
    assert spe.offers["v"] == pytest.approx(0.48379, abs=1e-5) and spe.offers["L0"] == pytest.approx(1.625)
    years = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    out = compile_tree(CHAIN).evaluate({"T": years})
    for j, t in enumerate(years.tolist()):
        at = subgame_perfect(CHAIN, {"T": t}, exact=False)
        code = int(out.codes[j])
        assert (out.paths[code], out.outcomes[code]) == (at.path, at.outcome), t
        for name, v in at.offers.items():
            assert float(out.offers[name][j]) == pytest.approx(v, rel=1e-9, abs=1e-9), (t, name)
        for actor, v in at.payoff.items():
            assert float(out.payoffs[actor][j]) == pytest.approx(v, rel=1e-9, abs=1e-9), (t, actor)


# -- Nash equilibria of the reduced normal form, labelled ---------------------------------------------


ENTRY = TreeGame.build(
    ["E", "I"],
    "e",
    {
        "e": {"actor": "E", "moves": {"enter": "i", "out": "o"}},
        "i": {"actor": "I", "moves": {"share": "s", "fight": "f"}},
    },
    {"o": {"E": "0", "I": "2"}, "s": {"E": "1", "I": "1"}, "f": {"E": "-1", "I": "-1"}},
)

# a discrete ultimatum game: the proposer offers 0, 1 or 2 of a pie of 2; a reply after each offer
ULTIMATUM = TreeGame.build(
    ["P", "R"],
    "p",
    {
        "p": {"actor": "P", "moves": {"give0": "r0", "give1": "r1", "give2": "r2"}},
        "r0": {"actor": "R", "moves": {"accept0": "a0", "reject0": "z"}},
        "r1": {"actor": "R", "moves": {"accept1": "a1", "reject1": "z"}},
        "r2": {"actor": "R", "moves": {"accept2": "a2", "reject2": "z"}},
    },
    {
        "a0": {"P": "2", "R": "0"},
        "a1": {"P": "1", "R": "1"},
        "a2": {"P": "0", "R": "2"},
        "z": {"P": "0", "R": "0"},
    },
)


def labels(check: Any) -> list[tuple[dict[str, str], bool, frozenset[str]]]:
    out = []
    for eq, ok, bad in zip(check.equilibria, check.subgame_perfect, check.non_credible_at, strict=True):
        if eq.pure:
            plan: dict[str, str] = {}
            for j, a in enumerate(eq.actors):
                k = int(np.argmax(eq.probabilities[j]))
                plan.update(check.plans[a][k])
            out.append((plan, ok, frozenset(bad)))
    return out


def not_optimal(tree: TreeGame, plan: dict[str, str]) -> set[str]:
    """Decision nodes where ``plan`` moves to a worse continuation than another move (sympy, exact)."""
    bad = set()
    for nid in tree.decision_nodes():
        node = tree.nodes[nid]
        assert isinstance(node, DecisionNode)
        i = tree.actors.index(node.actor)
        conts = {m: continuation(tree, t, plan)[i] for m, t in node.moves}
        if any(sympy.simplify(c - conts[plan[nid]]) > 0 for c in conts.values()):
            bad.add(nid)
    return bad


def test_the_entry_games_fight_is_a_non_credible_threat() -> None:
    found = labels(credibility(ENTRY, {}))
    assert ({"e": "enter", "i": "share"}, True, frozenset()) in found
    assert ({"e": "out", "i": "fight"}, False, frozenset({"i"})) in found


def test_the_ultimatum_games_rejections_of_positive_offers_are_non_credible() -> None:
    found = labels(credibility(ULTIMATUM, {}))
    spe = subgame_perfect(ULTIMATUM, {})
    assert spe.path == ("give0", "accept0")
    # offer 0, accepted, every positive offer rejected: a Nash equilibrium resting on threats at r1, r2
    threat = {"p": "give0", "r0": "accept0", "r1": "reject1", "r2": "reject2"}
    assert (threat, False, frozenset({"r1", "r2"})) in found
    assert (dict(spe.plan), True, frozenset()) in found
    for plan, ok, bad in found:  # every label against an exact check of every node
        assert bad == not_optimal(ULTIMATUM, plan) and ok == (not bad)


def test_rejecting_the_least_acceptable_offer_is_a_non_credible_threat() -> None:
    spe = subgame_perfect(OFFER)
    assert spe.nash is not None
    found = labels(spe.nash)
    assert ({"eu": "offer", "ru": "accept"}, True, frozenset()) in found
    # at the least acceptable offer Russia is indifferent, but any better offer it would accept
    assert ({"eu": "no_offer", "ru": "reject"}, False, frozenset({"ru"})) in found
    rows = spe.to_dict()["nash_equilibria"]
    assert sum(r["subgame_perfect"] for r in rows) == 1 and all("non_credible_at" in r for r in rows)


@pytest.mark.parametrize("tree", [ENTRY, ULTIMATUM, OFFER.game], ids=["entry", "ultimatum", "offer"])
def test_reduced_normal_form_equilibria_agree_with_pygambit(tree: Any) -> None:
    values = OFFER.values() if tree is OFFER.game else {}
    game, _ = reduced_normal_form(tree, values)
    arr = game.payoff_array({})
    ours = equilibria(game, {}, exact=False)
    solved = pygambit.nash.enummixed_solve(pygambit.StrategicGame.from_arrays(arr[0], arr[1]), rational=False)
    theirs = [
        np.array([float(p) for player in solved.equilibria[0].game.players for _, p in eq[player]])
        for eq in solved.equilibria
    ]
    mine = [np.concatenate([np.asarray(p, dtype=float) for p in eq.probabilities]) for eq in ours]
    assert len(mine) == len(theirs)
    for t in theirs:
        assert any(np.allclose(t, m, atol=1e-9) for m in mine)


# -- the declared move-then-reply reading of a normal form ---------------------------------------------


def test_the_sequential_reading_rules_out_the_non_credible_equilibrium() -> None:
    scenario = load("eu_russia_2007")
    assert scenario.extra["sequential"] == ("EU", "RU")
    reading = sequential_reading(scenario)
    by_profile = {
        (
            next(s for s, p in e.strategy("EU").items() if p == 1),
            next(s for s, p in e.strategy("RU").items() if p == 1),
        ): (
            ok,
            why,
        )
        for e, ok, why in zip(reading.equilibria, reading.kept, reading.reasons, strict=True)
    }
    assert by_profile[("offer", "accept")] == (True, "")
    ok, why = by_profile[("no_offer", "reject")]
    assert not ok and "non-credible" in why
    # the same verdicts from the offer-then-reply tree with the offer fixed at the cap (as in the 2x2)
    tree_check = credibility(OFFER, offers={"eu_offer": 0.5}, spe_plan={"eu": "offer", "ru": "accept"})
    from_tree = {(p["eu"], p["ru"]): ok for p, ok, _ in labels(tree_check)}
    assert from_tree == {k: v[0] for k, v in by_profile.items()}


def test_files_without_the_field_load_and_bad_fields_are_refused() -> None:
    text = (load.__globals__["resolve"]("eu_russia_2007")).read_text(encoding="utf-8")
    plain = text.replace('sequential = ["EU", "RU"]\n', "")
    assert "sequential" not in loads(plain).extra
    with pytest.raises(Exception, match="sequential"):
        loads(text.replace('sequential = ["EU", "RU"]', 'sequential = ["EU", "XX"]'))

"""Game trees: the checks at the door, subgame perfection against closed forms, brute force and the normal form."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.analysis.nash import equilibria
from bargaining.analysis.subgame import reduced_normal_form, subgame_perfect
from bargaining.analysis.threshold import threshold_at
from bargaining.errors import ScenarioError
from bargaining.games.tree import ChanceNode, DecisionNode, TreeGame
from bargaining.io.scenario_file import load
from bargaining.kernels.backward import backward_induction

OFFER = load("eu_russia_offer")
CHAIN = load("eurasia_chain")


def exact(scenario: Any, **overrides: float) -> dict[str, sympy.Expr]:
    return {k: sympy.Rational(repr(v)) for k, v in scenario.values(overrides).items()}


def test_offer_game_gives_the_least_acceptable_offer_of_section_3() -> None:
    spe = subgame_perfect(OFFER)
    v = exact(OFFER)
    v_star = (v["c_N"] + v["delta"] ** v["T"] * v["C_TCN"] + v["d_R"]) / v["a"]
    assert spe.offers["v"] == pytest.approx(float(v_star), abs=1e-12)
    assert spe.path == ("offer", "accept") and spe.outcome == "deal"
    assert spe.payoff["RU"] == pytest.approx(float(v["d_R"]))  # Russia gets exactly its outside option
    sigma = (
        v["b_N"]
        + v["delta"] ** v["T"] * v["B_TCN"]
        - v["d_EU"]
        - v["k"] / v["a"] * (v["c_N"] + v["delta"] ** v["T"] * v["C_TCN"] + v["d_R"])
    )
    assert spe.payoff["EU"] == pytest.approx(float(sigma + v["d_EU"]))  # the EU takes the whole surplus
    s = {p.name: p.symbol for p in OFFER.parameters}
    assert (
        sympy.simplify(spe.offer_formulas["v"] - (s["c_N"] + s["delta"] ** s["T"] * s["C_TCN"] + s["d_R"]) / s["a"])
        == 0
    )


def test_the_transitory_period_is_needed_from_the_minimal_t_on() -> None:
    v = exact(OFFER)
    t_min = float(sympy.log((v["a"] * v["v_cap"] - v["c_N"] - v["d_R"]) / v["C_TCN"]) / sympy.log(v["delta"]))
    for T in range(0, 6):
        accepted = subgame_perfect(OFFER, {"T": T}, exact=False).path == ("offer", "accept")
        assert accepted == (T >= math.ceil(t_min)), T


@pytest.mark.parametrize("h", [0.05, 0.01, 0.001])
def test_backward_induction_on_an_offer_grid_agrees_within_the_step(h: float) -> None:
    vals = OFFER.values()
    grid = np.arange(0, vals["v_cap"] + 1e-12, h)
    delta_t = vals["delta"] ** vals["T"]
    ru = vals["a"] * grid - vals["c_N"] - delta_t * vals["C_TCN"]
    eu = np.where(ru >= vals["d_R"], vals["b_N"] + delta_t * vals["B_TCN"] - vals["k"] * grid, vals["d_EU"])
    assert abs(grid[int(np.argmax(eu))] - subgame_perfect(OFFER, exact=False).offers["v"]) <= h


def test_the_region_is_section_3s_feasibility_conditions() -> None:
    spe = subgame_perfect(OFFER)
    v = OFFER.values()
    for cond in spe.conditions:
        assert bool(cond.subs({sympy.Symbol(k, real=True): val for k, val in v.items()}))
    broken = OFFER.values({"T": 1})
    assert not all(bool(c.subs({sympy.Symbol(k, real=True): val for k, val in broken.items()})) for c in spe.conditions)


def test_threshold_at_the_responder_is_the_least_acceptable_offer() -> None:
    t = threshold_at(OFFER, "ru", prefer="accept", over="reject", solve_for="v")
    assert t.value == pytest.approx(subgame_perfect(OFFER, exact=False).offers["v"], abs=1e-12)
    assert t.favours == "above" and t.comparative_statics["C_TCN"].sign == "+"
    with pytest.raises(ScenarioError, match="decision node"):
        threshold_at(OFFER, "nowhere", prefer="accept", over="reject", solve_for="v")


def test_chain_reproduces_section_4() -> None:
    spe = subgame_perfect(CHAIN)
    v = exact(CHAIN)
    x = v["delta"] ** v["T"]
    c_net = v["cN_UZ"] + v["beta"] - v["D"]  # no TCN clause, no signed neighbours
    surplus = x * v["C_TCN"] * v["wN"] - v["kR"] * c_net - v["kappa"]
    assert float(surplus) == pytest.approx(0.09866)
    assert spe.offers["L0"] == pytest.approx(float(c_net / v["p"]))  # L* = 1.625
    v_chain = (v["c_N"] + x * v["C_TCN"] + v["d_R"] - surplus) / v["a"]
    assert spe.offers["v"] == pytest.approx(float(v_chain), abs=1e-9)  # 0.48379 < 0.49366
    assert spe.offers["v"] < subgame_perfect(OFFER, exact=False).offers["v"]
    assert spe.path == ("offer", "accept", "press", "without_tcn", "sign")
    # with a TCN clause Uzbekistan would need 5.375 > 3: the clause is unaffordable
    assert float((c_net + v["H"]) / v["p"]) == pytest.approx(5.375)
    assert spe.plan["uz1"] == "refuse"


def test_without_tcn_costs_the_chain_adds_nothing() -> None:
    spe = subgame_perfect(CHAIN, {"C_TCN": 0.0}, exact=False)
    v = CHAIN.values({"C_TCN": 0.0})
    alone = (v["c_N"] + v["d_R"]) / v["a"]
    assert spe.offers["v"] == pytest.approx(alone, abs=1e-9)


@pytest.mark.parametrize("scenario", [OFFER, CHAIN], ids=["offer", "chain"])
def test_history_agrees_with_the_record(scenario: Any) -> None:
    from bargaining.analysis.record import history

    result = history(scenario)
    assert result.agree == result.total > 0


def test_subgame_perfect_plan_is_a_nash_equilibrium_of_the_reduced_normal_form() -> None:
    for scenario in (OFFER, CHAIN):
        spe = subgame_perfect(scenario, exact=False)
        game, plans = reduced_normal_form(scenario.game, scenario.values(), spe.all_offers)  # type: ignore[arg-type]
        arr = game.payoff_array()
        profile = []
        for a in game.actors:
            mine = {n: m for n, m in spe.plan.items() if n in scenario.game.decision_nodes(a)}  # type: ignore[union-attr]
            match = [k for k, p in enumerate(plans[a]) if p == mine]
            if not match:  # reduced away: an equivalent plan stands for it
                match = [
                    next(k for k, p in enumerate(plans[a]) if all(p.get(n) == m for n, m in mine.items() if n in p))
                ]
            profile.append(np.eye(len(plans[a]))[match[0]])
        from bargaining.kernels.best_response import is_equilibrium

        assert is_equilibrium(arr, profile, tol=1e-9)
        # and the normal form has more equilibria than subgame perfection keeps
        if scenario is OFFER:
            assert len(equilibria(game, {})) > 1


@pytest.mark.parametrize(
    ("nodes", "outcomes", "message"),
    [
        ({"a": {"actor": "A", "moves": {"x": "o", "y": "b"}}}, {"o": {"A": "1"}}, "the id of a node or an outcome"),
        ({"a": {"actor": "A", "moves": {"x": "b"}}, "b": {"actor": "A", "moves": {"y": "a"}}}, {}, "cycle"),
        (
            {"a": {"actor": "A", "moves": {"x": "o"}}, "z": {"actor": "A", "moves": {"x": "o"}}},
            {"o": {"A": "1"}},
            "unreachable",
        ),
        ({"a": {"actor": "A", "moves": {"x": "o"}}}, {"o": {}}, "a payoff for every actor"),
        ({"a": {"actor": "B", "moves": {"x": "o"}}}, {"o": {"A": "1"}}, "an actor among A"),
        (
            {"a": {"moves": {"x": "o", "y": "o"}, "probabilities": {"x": "0.5", "y": "0.6"}}},
            {"o": {"A": "1"}},
            "sum to 1",
        ),
        ({"a": {"moves": {"x": "o", "y": "o"}, "probabilities": {"x": "q", "y": "q"}}}, {"o": {"A": "1"}}, "sum to 1"),
        (
            {"a": {"actor": "A", "offer": "zz", "within": ["0", "1"], "next": "o"}},
            {"o": {"A": "1"}},
            "declared parameter",
        ),
        ({"a": {"actor": "A", "offer": "q", "within": ["0"], "next": "o"}}, {"o": {"A": "1"}}, "two bounds"),
        ({"a": {"actor": "A", "moves": {"x": "o"}, "extra": 1}}, {"o": {"A": "1"}}, "keys actor, moves"),
    ],
)
def test_malformed_trees_are_refused(nodes: dict[str, Any], outcomes: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        TreeGame.build(["A"], "a", nodes, outcomes, parameters=["q"], box={"q": (0.0, 1.0)})


def test_chance_probabilities_that_sum_to_one_symbolically_load() -> None:
    t = TreeGame.build(
        ["A"],
        "a",
        {"a": {"moves": {"x": "o", "y": "p"}, "probabilities": {"x": "q", "y": "1 - q"}}},
        {"o": {"A": "2"}, "p": {"A": "0"}},
        parameters=["q"],
        box={"q": (0.0, 1.0)},
    )
    spe = subgame_perfect(t, {"q": 0.25})
    assert spe.payoff["A"] == pytest.approx(0.5) and spe.path == () and spe.outcome is None


# -- random trees: the solver against brute force and against the array solver --------------------


@st.composite
def random_trees(draw: st.DrawFn) -> TreeGame:
    n_actors = draw(st.integers(1, 3))
    actors = [f"P{i}" for i in range(n_actors)]
    nodes: dict[str, Any] = {}
    outcomes: dict[str, Any] = {}
    frontier = ["n0"]
    count = 0
    budget = draw(st.integers(1, 12))
    while frontier:
        nid = frontier.pop()
        if count >= budget:
            outcomes[nid] = {a: str(draw(st.integers(-5, 5))) for a in actors}
            continue
        count += 1
        k = draw(st.integers(1, 3))
        kids = [f"{nid}_{j}" for j in range(k)]
        if draw(st.booleans()) and k > 1 and draw(st.integers(0, 4)) == 0:
            weights = [draw(st.integers(1, 4)) for _ in kids]
            nodes[nid] = {
                "moves": {f"m{j}": c for j, c in enumerate(kids)},
                "probabilities": {f"m{j}": f"{w}/{sum(weights)}" for j, w in enumerate(weights)},
            }
        else:
            nodes[nid] = {"actor": draw(st.sampled_from(actors)), "moves": {f"m{j}": c for j, c in enumerate(kids)}}
        frontier.extend(kids)
    if not nodes:
        nodes["n0"] = {"actor": actors[0], "moves": {"m0": "leaf"}}
        outcomes = {"leaf": outcomes.get("n0", {a: "0" for a in actors})}
    return TreeGame.build(actors, "n0", nodes, outcomes, parameters=[])


@settings(max_examples=120, deadline=None)
@given(random_trees())
def test_every_node_of_the_plan_is_optimal(tree: TreeGame) -> None:
    from bargaining.analysis.subgame import continuation

    spe = subgame_perfect(tree, {}, exact=False)
    for nid in tree.decision_nodes():
        node = tree.nodes[nid]
        assert isinstance(node, DecisionNode)
        i = tree.actors.index(node.actor)
        targets = dict(node.moves)
        chosen = float(continuation(tree, targets[spe.plan[nid]], spe.plan)[i])
        for _, t in node.moves:
            assert float(continuation(tree, t, spe.plan)[i]) <= chosen + 1e-12
        # among equals the first listed move is taken
        firsts = [m for m, t in node.moves if abs(float(continuation(tree, t, spe.plan)[i]) - chosen) <= 1e-12]
        assert spe.plan[nid] == firsts[0]


@settings(max_examples=120, deadline=None)
@given(random_trees())
def test_array_solver_agrees_with_the_tree_solver(tree: TreeGame) -> None:
    ids = list(tree.order) + list(tree.outcomes)
    index = {n: k for k, n in enumerate(ids)}
    actor: list[int] = []
    start: list[int] = []
    count: list[int] = []
    children: list[int] = []
    prob: list[float] = []
    payoff = np.zeros((len(ids), len(tree.actors)))
    for n in ids:
        start.append(len(children))
        if n in tree.outcomes:
            actor.append(-2)
            count.append(0)
            payoff[index[n]] = [float(tree.outcomes[n].payoffs[a]) for a in tree.actors]
            continue
        node = tree.nodes[n]
        actor.append(tree.actors.index(node.actor) if isinstance(node, DecisionNode) else -1)
        count.append(len(node.moves))
        for k, (_, t) in enumerate(node.moves):
            children.append(index[t])
            prob.append(float(node.probabilities[k]) if isinstance(node, ChanceNode) else 0.0)
    res = backward_induction(
        actor=np.array(actor),
        start=np.array(start),
        count=np.array(count),
        children=np.array(children, dtype=np.intp),
        probability=np.array(prob),
        payoff=payoff,
    )
    spe = subgame_perfect(tree, {}, exact=False)
    assert np.allclose(res.value[0], [spe.payoff[a] for a in tree.actors])
    for n in tree.decision_nodes():
        node = tree.nodes[n]
        chosen = children[res.choice[index[n]]]
        assert ids[chosen] == dict(node.moves)[spe.plan[n]]

"""The compiled tree (bargaining.analysis.compiled_tree) against the per-point solver
(subgame_perfect, exact=False) at random points of every tree built-in's parameter box, on both
routes; the knife edge of the offer game; a tree with a chance node; the numeric route's checks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import sympy

from bargaining.analysis.compiled_tree import CompiledTree, compile_tree
from bargaining.analysis.subgame import subgame_perfect
from bargaining.analysis.sweep_tree import path_label
from bargaining.errors import ScenarioError
from bargaining.games.tree import TreeGame
from bargaining.io.builtins import builtin_names
from bargaining.io.scenario_file import load
from bargaining.scenario import Scenario

TREES = [name for name in builtin_names() if load(name).kind == "tree"]
POINTS = 300


def test_the_tree_builtins_are_the_ones_expected() -> None:
    assert {"eu_russia_offer", "eurasia_chain", "eu_russia_screening"} <= set(TREES)


def random_points(scenario: Scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` points drawn uniformly from the box of every parameter not chosen at an offer node."""
    tree = scenario.game
    assert isinstance(tree, TreeGame)
    offered = {tree.nodes[m].parameter for m in tree.offer_nodes()}  # type: ignore[union-attr]
    rng = np.random.default_rng(seed)
    return {p.name: rng.uniform(p.min, p.max, n) for p in tree.parameters if p.name not in offered}


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * (1 + abs(b))


def assert_agrees(compiled: CompiledTree, scenario: Scenario, grid: dict[str, np.ndarray]) -> int:
    """Every point of ``grid`` (1-D arrays of one length) as the per-point solver has it: path and
    outcome, offers on the path (NaN elsewhere), payoffs, ties. Returns the number of points."""
    out = compiled.evaluate(grid)
    n = len(next(iter(grid.values())))
    assert out.codes.shape == (n,)
    for k in range(n):
        spe = subgame_perfect(scenario, {p: float(v[k]) for p, v in grid.items()}, exact=False)
        code = int(out.codes[k])
        where = f"point {k}: { ({p: float(v[k]) for p, v in grid.items()}) }"
        assert (out.paths[code], out.outcomes[code]) == (spe.path, spe.outcome), where
        assert out.labels[code] == path_label(spe.path, spe.outcome)
        for p, arr in out.offers.items():
            if p in spe.offers:
                assert close(float(arr[k]), spe.offers[p]), (where, p, float(arr[k]), spe.offers[p])
            else:
                assert math.isnan(arr[k]), (where, p)
        for a, v in spe.payoff.items():
            assert close(float(out.payoffs[a][k]), v), (where, a, float(out.payoffs[a][k]), v)
        assert bool(out.ties[k]) == bool(spe.ties), where
    return n


@pytest.mark.parametrize("name", TREES)
def test_symbolic_route_agrees_with_the_per_point_solver(name: str) -> None:
    scenario = load(name)
    compiled = compile_tree(scenario)
    assert compiled.route == "symbolic", compiled.why
    assert assert_agrees(compiled, scenario, random_points(scenario, POINTS, seed=13)) == POINTS


@pytest.mark.parametrize("name", TREES)
def test_numeric_route_agrees_with_the_per_point_solver(name: str) -> None:
    scenario = load(name)
    compiled = compile_tree(scenario, route="numeric")
    assert compiled.route == "numeric"
    n = 60 if name == "eurasia_chain" else POINTS  # nested bisections: slower per point
    grid = random_points(scenario, n, seed=29)
    assert assert_agrees(compiled, scenario, grid) == n
    out = compiled.evaluate(grid)
    assert out.route == "numeric"
    assert not any("assumption fails" in note or "may be off" in note for note in out.notes), out.notes


def test_least_acceptable_offer_is_the_closed_form() -> None:
    """v* = (c_N + delta**T C_TCN + d_R)/a (docs/models.md#the-offer-game) is among the candidates,
    and the compiled offer is that formula wherever Russia accepts below the cap."""
    scenario = load("eu_russia_offer")
    compiled = compile_tree(scenario)
    c_n, c_tcn, d_r, a, delta, t = sympy.symbols("c_N C_TCN d_R a delta T", real=True)
    closed = (c_n + delta**t * c_tcn + d_r) / a
    assert any(sympy.simplify(f - closed) == 0 for f in compiled.candidates["eu_offer"])
    T = np.linspace(0, 10, 101)
    out = compiled.evaluate({"T": T})
    vals = scenario.values()
    v_star = (vals["c_N"] + vals["delta"] ** T * vals["C_TCN"] + vals["d_R"]) / vals["a"]
    accept = out.codes == out.labels.index("offer, accept (deal)")
    assert accept.any() and (~accept).any()
    np.testing.assert_allclose(out.offers["v"][accept], v_star[accept], rtol=1e-12)
    np.testing.assert_array_equal(accept, v_star <= vals["v_cap"] + 1e-12)


@pytest.mark.parametrize("route", ["symbolic", "numeric"])
def test_knife_edge_tie_at_the_transitory_period_threshold(route: str) -> None:
    """At T* = ln(20/27)/ln(0.9) the least acceptable offer is exactly the cap 0.5: Russia, offered the
    cap, is indifferent and accepts (accept is listed first), as the per-point solver has it."""
    scenario = load("eu_russia_offer")
    vals = scenario.values()
    t_star = math.log(20 / 27) / math.log(0.9)
    assert close((vals["c_N"] + vals["delta"] ** t_star * vals["C_TCN"] + vals["d_R"]) / vals["a"], vals["v_cap"])
    compiled = compile_tree(scenario, route=route)  # type: ignore[arg-type]
    grid = {"T": np.array([t_star, np.nextafter(t_star, 0), np.nextafter(t_star, 10), t_star - 1e-6, t_star + 1e-6])}
    out = compiled.evaluate(grid)
    assert assert_agrees(compiled, scenario, grid) == 5
    assert out.labels[int(out.codes[0])] == "offer, accept (deal)"
    assert bool(out.ties[0])
    assert close(float(out.offers["v"][0]), 0.5)
    assert out.labels[int(out.codes[3])] == "offer, reject (no_deal)"
    assert out.labels[int(out.codes[4])] == "offer, accept (deal)"


def chance_tree() -> TreeGame:
    """An entrant facing an incumbent whose cost is low (probability q) or high, then an offer by the
    entrant to a buyer who accepts at least its reservation price r, and a parameter-free branch."""
    return TreeGame.build(
        ["E", "I", "B"],
        "e",
        {
            "e": {"actor": "E", "moves": {"enter": "nature", "stay": "price"}},
            "nature": {"moves": {"low": "i_low", "high": "i_high"}, "probabilities": {"low": "q", "high": "1 - q"}},
            "i_low": {"actor": "I", "moves": {"fight": "fought", "share": "shared"}},
            "i_high": {"actor": "I", "moves": {"fight": "fought_h", "share": "shared_h"}},
            "price": {"actor": "E", "offer": "x", "within": ["0", "x_max"], "next": "b"},
            "b": {"actor": "B", "moves": {"buy": "sold", "pass": "unsold"}},
        },
        {
            "fought": {"E": "-f", "I": "g - c_L", "B": "0"},
            "shared": {"E": "m", "I": "m", "B": "0"},
            "fought_h": {"E": "-f", "I": "g - c_H", "B": "0"},
            "shared_h": {"E": "m", "I": "m", "B": "0"},
            "sold": {"E": "x - k", "I": "0", "B": "r - x"},
            "unsold": {"E": "0", "I": "0", "B": "0"},
        },
        parameters={
            "q": (0.5, 0.0, 1.0),
            "f": (1.0, 0.0, 3.0),
            "g": (2.0, 0.0, 4.0),
            "c_L": (1.0, 0.0, 4.0),
            "c_H": (3.0, 0.0, 4.0),
            "m": (1.0, 0.0, 3.0),
            "x": (0.5, 0.0, 5.0),
            "x_max": (2.0, 0.0, 5.0),
            "k": (0.5, 0.0, 2.0),
            "r": (1.5, 0.0, 5.0),
        },
    )


@pytest.mark.parametrize("route", ["symbolic", "numeric"])
def test_tree_with_a_chance_node(route: str) -> None:
    tree = chance_tree()
    scenario = Scenario.of(tree)
    compiled = compile_tree(tree, route=route)  # type: ignore[arg-type]
    assert compiled.route == route
    grid = random_points(scenario, POINTS, seed=5)
    assert assert_agrees(compiled, scenario, grid) == POINTS
    out = compiled.evaluate(grid)
    seen = {out.labels[c] for c in np.unique(out.codes)}
    assert {"enter (then chance)", "stay, buy (sold)"} <= seen, seen  # both sides of the root's choice
    enter = out.codes == out.labels.index("enter (then chance)")
    assert np.isnan(out.offers["x"][enter]).all()  # the offer node is off the path


def test_evaluate_on_a_mesh_keeps_its_shape_and_matches_scattered_points() -> None:
    compiled = compile_tree(load("eurasia_chain"))
    T, p = np.meshgrid(np.linspace(0, 10, 7), np.linspace(0.01, 1, 5), indexing="ij")
    mesh = compiled.evaluate({"T": T, "p": p}, {"Lcap": 4.0})
    assert mesh.codes.shape == (7, 5) and mesh.payoffs["UZ"].shape == (7, 5)
    flat = compiled.evaluate({"T": T.ravel(), "p": p.ravel()}, {"Lcap": 4.0}, chunk=4)  # several chunks
    np.testing.assert_array_equal(mesh.codes.ravel(), flat.codes)
    np.testing.assert_array_equal(mesh.offers["L0"].ravel(), flat.offers["L0"])
    spe = subgame_perfect(load("eurasia_chain"), {"T": float(T[3, 2]), "p": float(p[3, 2]), "Lcap": 4.0}, exact=False)
    assert mesh.paths[int(mesh.codes[3, 2])] == spe.path
    assert close(float(mesh.payoffs["RU"][3, 2]), spe.payoff["RU"])


def same_evaluation(a: Any, b: Any) -> None:
    """Two evaluations equal bit for bit (NaN where NaN), points in the same order."""
    np.testing.assert_array_equal(a.codes.ravel(), b.codes.ravel())
    np.testing.assert_array_equal(a.ties.ravel(), b.ties.ravel())
    for p in a.offers:
        np.testing.assert_array_equal(a.offers[p].ravel(), b.offers[p].ravel())
    for actor in a.payoffs:
        np.testing.assert_array_equal(a.payoffs[actor].ravel(), b.payoffs[actor].ravel())
    assert a.notes == b.notes


@pytest.mark.parametrize("name", TREES)
def test_a_mesh_by_its_axes_is_the_mesh_as_scattered_points(name: str) -> None:
    """The mesh path (chunks of rows, formulas of one axis on that axis) gives every point exactly
    what the scattered-points path gives, at chunk sizes that split rows unevenly; a 3-d mesh too."""
    scenario = load(name)
    compiled = compile_tree(scenario)
    free = list(random_points(scenario, 1, seed=0))  # the parameters not chosen at offer nodes
    x, y, z = ("T", *[n for n in free if n != "T"][-2:])
    box = {p.name: (p.min, p.max) for p in scenario.parameters}
    rng = np.random.default_rng(3)
    a = np.concatenate([np.linspace(*box[x], 23), rng.uniform(*box[x], 6)])
    b = np.linspace(*box[y], 17)
    full = np.meshgrid(a, b, indexing="ij")
    flat = compiled.evaluate({x: full[0].ravel(), y: full[1].ravel()}, chunk=50)
    for chunk in (17, 40, 1000, None):
        on_axes = compiled.evaluate({x: a[:, None], y: b[None, :]}, chunk=chunk)
        assert on_axes.codes.shape == (a.size, b.size)
        same_evaluation(on_axes, flat)
    c = np.linspace(*box[z], 4)
    cube = np.meshgrid(a[:7], b[:5], c, indexing="ij")
    flat3 = compiled.evaluate({x: cube[0].ravel(), y: cube[1].ravel(), z: cube[2].ravel()})
    same_evaluation(compiled.evaluate({x: a[:7, None, None], y: b[:5, None], z: c}, chunk=45), flat3)


def rule(u0: np.ndarray, u1: Any, tie: float) -> tuple[np.ndarray, np.ndarray]:
    """The tie rule as the per-point solver states it (first move near, both near)."""
    best = np.maximum(u0, u1)
    floor = best - tie * (1.0 + np.abs(best))
    return u0 >= floor, (u0 >= floor) & (u1 >= floor)


@pytest.mark.parametrize("tie", [1e-9, 0.0])
def test_two_move_shortcut_is_the_tie_rule(tie: float) -> None:
    """The two-move decision against one number (which skips the max and the floor where no point can
    tie) gives the rule's answer at random payoffs, payoffs within a few tolerances of the number,
    huge and tiny ones, infinities and NaN."""
    from bargaining.analysis.compiled_tree import _two

    rng = np.random.default_rng(11)
    for s in [0.0, 0.5, -3.0, 1e-300, 1e12, -7e15, 2.5e-9]:
        scale = 1e-9 * (1 + abs(s))
        near = s + scale * rng.uniform(-6, 6, 4000)
        far = s + rng.normal(0, 10, 500) * (1 + abs(s))
        special = np.array([np.inf, -np.inf, np.nan, s, np.nextafter(s, np.inf), np.nextafter(s, -np.inf)])
        apart = far[np.abs(far - s) > 1e-3 * (1 + abs(s))]  # no point near s: the shortcut is taken
        for u0 in (near, far, special, np.concatenate([far, special]), np.concatenate([apart, special[:3]])):
            for u1 in (np.float64(s), np.asarray(s)):
                with np.errstate(all="ignore"):  # as evaluate runs it: inf - inf is NaN, quietly
                    near0, tied = _two(u0, u1, tie)
                    want0, want_tied = rule(u0, u1, tie)
                np.testing.assert_array_equal(near0, want0)
                np.testing.assert_array_equal(np.zeros(u0.shape, bool) if tied is None else tied, want_tied)
                if u0 is not near and u0.size > special.size and np.isnan(u0[-1]):
                    assert tied is None  # the shortcut was taken (with infinities and NaN among the points)


def test_defaults_reproduce_the_documented_chain() -> None:
    """At the built-in's values: Russia presses without the TCN clause and accepts v*_chain = 0.48379."""
    out = compile_tree(load("eurasia_chain")).evaluate({})
    assert out.labels[int(out.codes)] == "offer, accept, press, without_tcn, sign (signed0)"
    assert round(float(out.offers["v"]), 5) == 0.48379


def test_bad_input_is_refused() -> None:
    compiled = compile_tree(load("eu_russia_offer"))
    with pytest.raises(ScenarioError, match=r"grid\.v"):
        compiled.evaluate({"v": np.array([0.1])})
    with pytest.raises(ScenarioError, match=r"grid\.nope"):
        compiled.evaluate({"nope": np.array([0.1])})
    with pytest.raises(ScenarioError, match="low <= high"):
        tree = TreeGame.build(
            ["P", "R"],
            "o",
            {
                "o": {"actor": "P", "offer": "v", "within": ["lo", "1"], "next": "r"},
                "r": {"actor": "R", "moves": {"yes": "y", "no": "n"}},
            },
            {"y": {"P": "1 - v", "R": "v"}, "n": {"P": "0", "R": "0"}},
            parameters={"v": (0.5, 0.0, 1.0), "lo": (0.0, 0.0, 2.0)},
        )
        compile_tree(tree).evaluate({"lo": np.array([0.0, 1.5])})
    with pytest.raises(ScenarioError, match="game tree"):
        compile_tree(load("eu_russia_2007"))


def test_numeric_route_when_the_symbolic_one_is_refused() -> None:
    """Too many candidates for the budget: the numeric route, said so, with the same answers."""
    scenario = load("eurasia_chain")
    compiled = compile_tree(scenario, max_candidates=3)
    assert compiled.route == "numeric" and "candidate numbers" in compiled.why
    with pytest.raises(ScenarioError, match="route"):
        compile_tree(scenario, route="symbolic", max_candidates=3)
    grid = random_points(scenario, 20, seed=3)
    assert assert_agrees(compiled, scenario, grid) == 20
    assert any("numerically" in note for note in compiled.evaluate(grid).notes)


def test_deadline_exceeded_gives_the_numeric_route() -> None:
    compiled = compile_tree(load("eu_russia_offer"), deadline=1e-9)
    assert compiled.route == "numeric"
    assert "not found within" in compiled.why


def test_nonlinear_offer_payoff_has_an_interior_optimum() -> None:
    """A proposer whose payoff is concave in the number (v (2 - v) - k v): the interior optimum
    (2 - k)/2 is a candidate (a stationary point) and matches the per-point solver."""
    tree = TreeGame.build(
        ["P", "R"],
        "o",
        {
            "o": {"actor": "P", "offer": "v", "within": ["0", "2"], "next": "r"},
            "r": {"actor": "R", "moves": {"yes": "y", "no": "n"}},
        },
        {"y": {"P": "v*(2 - v) - k*v", "R": "v - s"}, "n": {"P": "0", "R": "0"}},
        parameters={"v": (0.5, 0.0, 2.0), "k": (0.5, 0.0, 1.5), "s": (0.2, 0.0, 2.0)},
    )
    compiled = compile_tree(tree)
    assert compiled.route == "symbolic"
    k = sympy.Symbol("k", real=True)
    assert any(sympy.simplify(f - (2 - k) / 2) == 0 for f in compiled.candidates["o"])
    grid: dict[str, Any] = random_points(Scenario.of(tree), POINTS, seed=7)
    assert assert_agrees(compiled, Scenario.of(tree), grid) == POINTS

"""Sweeps of game trees and package deals: the grid equals solving point by point; a game built in
Python sweeps as the same model read from a file; the command line and the file writers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

import bargaining.analysis.sweep_tree as sweep_tree_module
from bargaining.analysis.deal import bargain
from bargaining.analysis.subgame import subgame_perfect
from bargaining.analysis.sweep import MAX_POINTS, DealSweep, Sweep, TreeSweep, sweep
from bargaining.analysis.sweep_deal import sweep_deal
from bargaining.analysis.sweep_grid import point_values
from bargaining.cli import main
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import TreeGame
from bargaining.io.export import to_csv, write, write_csv, write_npz
from bargaining.io.scenario_file import load, loads
from bargaining.scenario import Scenario

MODELS = Path(__file__).resolve().parent.parent / "models"


def sampled(total: int, n: int, seed: int = 7) -> list[int]:
    rng = np.random.default_rng(seed)
    return sorted({0, total - 1, *rng.choice(total, size=min(n, total), replace=False).tolist()})


def check_tree_points(scenario: Scenario, result: TreeSweep, flats: list[int]) -> None:
    shape = result.shape
    for flat in flats:
        idx = np.unravel_index(flat, shape)
        spe = subgame_perfect(scenario, point_values(result.axes, result.values, flat), exact=False)
        code = int(result.codes[idx])
        assert result.paths[code] == spe.path and result.outcomes[code] == spe.outcome, flat
        for p, arr in result.offers.items():
            if p in spe.offers:
                assert abs(arr[idx] - spe.offers[p]) <= 1e-9, (flat, p)
            else:
                assert np.isnan(arr[idx]), (flat, p)
        for a, arr in result.payoffs.items():
            assert abs(arr[idx] - spe.payoff[a]) <= 1e-9, (flat, a)
        assert bool(result.ties[idx]) == bool(spe.ties)


def test_offer_game_sweep_equals_subgame_perfect_point_by_point() -> None:
    scenario = load("eu_russia_offer")
    result = sweep(scenario, {"T": np.linspace(0, 5, 11), "C_TCN": np.linspace(3, 8, 11)})
    assert isinstance(result, TreeSweep) and result.shape == (11, 11)
    check_tree_points(scenario, result, sampled(121, 15))
    # both regions appear, and the accepted offer is the closed form v* = (c_N + delta**T C_TCN + d_R)/a
    assert len(result.labels) == 2
    grid = result.grid()
    v = scenario.values()
    accepted = np.array([result.paths[c] == ("offer", "accept") for c in result.codes.ravel()]).reshape(11, 11)
    closed = (v["c_N"] + v["delta"] ** grid["T"] * grid["C_TCN"] + v["d_R"]) / v["a"]
    assert np.allclose(result.offers["v"][accepted], closed[accepted], atol=1e-9)
    assert np.all(closed[~accepted] > v["v_cap"])  # refused only where the least acceptable offer is above the cap


def test_chain_sweep_equals_subgame_perfect_point_by_point() -> None:
    scenario = load("eurasia_chain")
    result = sweep(scenario, {"T": [1.0, 4.0]}, {"Lcap": 6.0})
    assert isinstance(result, TreeSweep)
    assert result.values["Lcap"] == 6.0
    check_tree_points(scenario, result, [0, 1])
    assert set(result.offers) == {"v", "L0", "L1"}


def check_deal_points(scenario: Scenario, result: DealSweep, flats: list[int]) -> None:
    for flat in flats:
        idx = np.unravel_index(flat, result.shape)
        full = bargain(scenario, point_values(result.axes, result.values, flat))
        assert set(result.solutions) == set(full.solutions)
        for name, s in full.solutions.items():
            for k, a in enumerate(full.problem.actors):
                assert abs(result.payoffs[name][a][idx] - s.point[k]) <= 1e-9, (flat, name, a)
            weights = np.zeros(full.problem.size)
            for pkg, w in s.lottery:
                weights[pkg] += w
            assert np.allclose(result.weights[name][idx], weights, atol=1e-12)
        nash = sorted(k for k, _ in full.solutions["nash"].lottery)
        label = result.labels[int(result.codes[idx])]
        assert label == " / ".join(full.problem.label(k) for k in nash), flat


def test_deal_sweep_equals_bargain_point_by_point() -> None:
    scenario = load("eu_russia_package")
    result = sweep(scenario, {"T": np.linspace(0, 10, 6), "B_TCN": np.linspace(0, 10, 4)})
    assert isinstance(result, DealSweep) and result.shape == (6, 4)
    check_deal_points(scenario, result, sampled(24, 6))


def test_deal_sweep_with_outside_options_equals_bargain() -> None:
    text = (MODELS / "russia_uzbekistan_2007.toml").read_text(encoding="utf-8")
    scenario = loads(text + '\n[outside]\nUZ = "0.1 * L"\n', name="with_outside.toml")
    result = sweep(scenario, {"L": np.linspace(0, 10, 5)})
    assert isinstance(result, DealSweep)
    check_deal_points(scenario, result, list(range(5)))
    plain = sweep(load("russia_uzbekistan_2007"), {"L": np.linspace(0, 10, 5)})
    assert isinstance(plain, DealSweep)
    assert not np.allclose(result.payoffs["rubinstein"]["UZ"], plain.payoffs["rubinstein"]["UZ"])


NORMAL_FILE = """
format = "bargaining/1"
title = "coordination"
game = "normal"
[[actors]]
id = "A"
strategies = ["x", "y"]
[[actors]]
id = "B"
strategies = ["x", "y"]
[[payoffs]]
profile = { A = "x", B = "x" }
A = "r"
B = "1"
[[payoffs]]
profile = { A = "x", B = "y" }
A = "0"
B = "0"
[[payoffs]]
profile = { A = "y", B = "x" }
A = "0"
B = "0"
[[payoffs]]
profile = { A = "y", B = "y" }
A = "1"
B = "r"
[parameters.r]
value = 2.0
min = 0.0
max = 10.0
source = "test"
"""

TREE_FILE = """
format = "bargaining/1"
title = "ultimatum"
game = "tree"
root = "p"
[[actors]]
id = "P"
[[actors]]
id = "R"
[nodes.p]
actor = "P"
offer = "x"
within = ["0", "s"]
next = "r"
[nodes.r]
actor = "R"
moves = { accept = "deal", reject = "none" }
[outcomes.deal]
P = "s - x"
R = "x - c"
[outcomes.none]
P = "0"
R = "0"
[parameters.x]
value = 0.5
min = 0.0
max = 10.0
source = "chosen in the game"
[parameters.s]
value = 1.0
min = 0.0
max = 10.0
source = "test"
[parameters.c]
value = 0.2
min = 0.0
max = 10.0
source = "test"
"""


def test_normal_game_built_in_python_sweeps_as_the_file() -> None:
    game = NormalFormGame.from_table(
        {"A": ["x", "y"], "B": ["x", "y"]},
        {("x", "x"): ("r", 1), ("x", "y"): (0, 0), ("y", "x"): (0, 0), ("y", "y"): (1, "r")},
        parameters={"r": (2.0, 0.0, 10.0)},
    )
    grid = {"r": np.linspace(0, 10, 41)}
    built, read = sweep(game, grid), sweep(loads(NORMAL_FILE), grid)
    assert isinstance(built, Sweep) and isinstance(read, Sweep)
    assert [built.label(k) for k in range(len(built.candidates))] == [
        read.label(k) for k in range(len(read.candidates))
    ]
    assert np.array_equal(built.valid, read.valid)
    assert all(np.allclose(p, q) for p, q in zip(built.probabilities, read.probabilities, strict=True))
    assert built.outcome_codes()[0] == read.outcome_codes()[0]


def test_tree_built_in_python_sweeps_as_the_file() -> None:
    tree = TreeGame.build(
        actors=["P", "R"],
        root="p",
        nodes={
            "p": {"actor": "P", "offer": "x", "within": ["0", "s"], "next": "r"},
            "r": {"actor": "R", "moves": {"accept": "deal", "reject": "none"}},
        },
        outcomes={"deal": {"P": "s - x", "R": "x - c"}, "none": {"P": "0", "R": "0"}},
        parameters={"x": (0.5, 0.0, 10.0), "s": (1.0, 0.0, 10.0), "c": (0.2, 0.0, 10.0)},
    )
    grid = {"c": np.linspace(0, 2, 9), "s": np.linspace(0, 3, 4)}
    built, read = sweep(tree, grid), sweep(loads(TREE_FILE), grid)
    assert isinstance(built, TreeSweep) and isinstance(read, TreeSweep)
    assert built.labels == read.labels and np.array_equal(built.codes, read.codes)
    assert np.allclose(built.offers["x"], read.offers["x"], equal_nan=True)
    assert all(np.allclose(built.payoffs[a], read.payoffs[a]) for a in ("P", "R"))
    # the proposer offers exactly the responder's cost where that leaves it something: x* = c when c < s
    # (at c = s > 0 it is indifferent and the least offer, 0, is taken and refused; above s nothing is accepted)
    g = built.grid()
    deal = g["c"] < g["s"]
    assert np.allclose(built.offers["x"][deal], g["c"][deal], atol=1e-9)
    assert all(built.paths[k] == ("reject",) for k in built.codes[g["c"] > g["s"]])


def test_grids_above_the_budget_are_refused_before_any_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved a point")

    monkeypatch.setattr(sweep_tree_module, "subgame_perfect", fail)
    n = int(np.ceil(np.sqrt(MAX_POINTS))) + 1
    with pytest.raises(ScenarioError, match=rf"grid: expected a grid of at most {MAX_POINTS:,} points"):
        sweep_tree_module.sweep_tree(
            load("eu_russia_offer"), {"T": np.linspace(0, 5, n), "C_TCN": np.linspace(3, 8, n)}, route="per-point"
        )
    # the compiled route is bounded by the memory budget instead (here 1 MiB: 10^5 points are too many)
    with pytest.raises(ScenarioError, match=r"grid: expected a tree sweep's arrays within the memory budget of 1 MiB"):
        sweep(load("eu_russia_offer"), {"T": np.linspace(0, 5, 400), "C_TCN": np.linspace(3, 8, 250)}, budget=1)
    # a package deal: the arrays route is bounded by memory, the per-point route by MAX_POINTS
    with pytest.raises(ScenarioError, match=r"grid: expected a package-deal sweep's arrays within the memory budget"):
        sweep(load("eu_russia_package"), {"T": np.linspace(0, 5, 400), "C_TCN": np.linspace(3, 8, 250)}, budget=1)
    with pytest.raises(ScenarioError, match=rf"at most {MAX_POINTS:,} points"):
        sweep_deal(
            load("eu_russia_package"), {"T": np.linspace(0, 5, n), "C_TCN": np.linspace(3, 8, n)}, route="per-point"
        )
    # a kind solved point by point (two-level) keeps the point cap
    with pytest.raises(ScenarioError, match=rf"at most {MAX_POINTS:,} points"):
        sweep(load("eu_russia_ratification"), {"cap_b": np.linspace(0.3, 0.9, n), "cap_c": np.linspace(0.3, 0.9, n)})


def test_offer_parameters_cannot_be_swept_and_bounds_are_checked() -> None:
    with pytest.raises(ScenarioError, match=r"grid\.v: expected a parameter not chosen at an offer node"):
        sweep(load("eu_russia_offer"), {"v": [0.1, 0.2]})
    with pytest.raises(ScenarioError, match=r"grid.T: expected values in \[0, 10\], found 11"):
        sweep(load("eu_russia_offer"), {"T": [1, 11]})
    with pytest.raises(ScenarioError, match=r"parameters.C_TCN: expected a number in \[0, 10\]"):
        sweep(load("eu_russia_offer"), {"T": [1]}, {"C_TCN": 20.0})


def test_results_are_frozen_and_compare_by_value() -> None:
    a = sweep(load("eu_russia_offer"), {"T": [2.0, 4.0]})
    b = sweep(load("eu_russia_offer"), {"T": [2.0, 4.0]})
    assert isinstance(a, TreeSweep)
    assert a == b and hash(a) == hash(b)
    with pytest.raises(ValueError, match="read-only"):
        a.codes[0] = 1
    labels, codes = a.outcome_codes()
    assert [o["label"] for o in labels] == list(a.labels) and np.array_equal(codes, a.codes)
    assert sum(o["points"] for o in labels) == 2


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_tree_sweep_json(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = load("eu_russia_offer")
    code, out, err = run_cli(
        capsys, "sweep", "eu_russia_offer", "--grid", "T=0:5:11", "--grid", "C_TCN=3:8:11", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["game"] == "tree" and data["points"] == 121 and data["scenario"] == "eu_russia_offer"
    assert data["grid"]["T"] == np.linspace(0, 5, 11).tolist() and len(data["grid"]["C_TCN"]) == 11
    assert np.array(data["codes"]).shape == (11, 11) and np.array(data["payoffs"]["EU"]).shape == (11, 11)
    assert sum(o["points"] for o in data["outcomes"]) == 121
    t3 = data["grid"]["T"].index(3.0)
    for j, c in enumerate(data["grid"]["C_TCN"]):  # the T = 3 column against subgame perfection
        spe = subgame_perfect(scenario, {"T": 3.0, "C_TCN": c}, exact=False)
        assert data["labels"][data["codes"][t3][j]].startswith(", ".join(spe.path))
        offer = data["offers"]["v"][t3][j]
        assert (offer is None and "v" not in spe.offers) or abs(offer - spe.offers["v"]) <= 1e-9
    # at T = 3 and the file's default C_TCN (not on that grid), the deal of 2007: offer, accept
    default_c = scenario.values()["C_TCN"]
    code, out, err = run_cli(capsys, "sweep", "eu_russia_offer", "--grid", "T=0:5:11", "--json")
    data = json.loads(out)
    assert data["fixed"]["C_TCN"] == default_c
    spe = subgame_perfect(scenario, {"T": 3.0}, exact=False)
    assert spe.path == ("offer", "accept")
    t3 = data["grid"]["T"].index(3.0)
    assert data["labels"][data["codes"][t3]] == f"offer, accept ({spe.outcome})"
    assert abs(data["offers"]["v"][t3] - spe.offers["v"]) <= 1e-9
    assert abs(data["payoffs"]["EU"][t3] - spe.payoff["EU"]) <= 1e-9


def test_cli_deal_sweep_text_out_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file, plot = tmp_path / "deal.npz", tmp_path / "deal.png"
    code, out, err = run_cli(
        capsys, "sweep", "eu_russia_package", "--grid", "T=0:10:6", "--out", str(out_file), "--plot", str(plot)
    )
    assert code == 0, err
    assert "The Nash solution's packages" in out and f"wrote {out_file}" in out
    assert plot.read_bytes()[:4] == b"\x89PNG"
    assert np.load(out_file)["codes"].shape == (6,)
    code, out, err = run_cli(capsys, "sweep", "eu_russia_package", "--grid", "T=0:10:6", "--out", str(out_file))
    assert code == 2 and "--out" in err and "existing file" in err


def test_cli_tree_plot_one_and_two_axes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name, grids in [
        ("one.png", ["--grid", "T=0:5:6"]),
        ("two.png", ["--grid", "T=0:5:4", "--grid", "C_TCN=3:8:3"]),
    ]:
        code, out, err = run_cli(capsys, "sweep", "eu_russia_offer", *grids, "--plot", str(tmp_path / name))
        assert code == 0, err
        assert "Subgame-perfect play" in out and (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_cli_refuses_a_grid_above_the_budget_naming_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    grid = ["--grid", "cap_b=0.3:0.9:200", "--grid", "cap_c=0.3:0.9:200"]
    code, _, err = run_cli(capsys, "sweep", "eu_russia_ratification", *grid)
    assert code == 2 and "--grid" in err and f"{MAX_POINTS:,}" in err
    grid = ["--grid", "T=0:5:400", "--grid", "C_TCN=3:8:250", "--budget", "1"]
    code, _, err = run_cli(capsys, "sweep", "eu_russia_package", *grid)
    assert code == 2 and "--grid" in err and "memory budget of 1 MiB" in err


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def column(rows: list[dict[str, str]], key: str) -> np.ndarray:
    return np.array([float(r[key]) if r[key] != "" else np.nan for r in rows])


def test_export_reads_back_equal(tmp_path: Path) -> None:
    tree = sweep(load("eu_russia_offer"), {"T": np.linspace(0, 5, 6), "C_TCN": np.linspace(3, 8, 3)})
    deal = sweep(load("eu_russia_package"), {"T": np.linspace(0, 10, 5)})
    normal = sweep(load("eu_russia_2007"), {"T": np.linspace(0, 5, 6)})
    assert isinstance(tree, TreeSweep) and isinstance(deal, DealSweep) and isinstance(normal, Sweep)

    rows = read_csv(write_csv(tree, tmp_path / "tree.csv").read_text(encoding="utf-8"))
    assert len(rows) == 18
    assert np.array_equal(column(rows, "T"), tree.grid()["T"].ravel())
    assert np.array_equal(column(rows, "v"), tree.offers["v"].ravel(), equal_nan=True)
    assert np.array_equal(column(rows, "payoff.EU"), tree.payoffs["EU"].ravel())
    assert [r["outcome"] for r in rows] == [tree.labels[c] for c in tree.codes.ravel()]
    npz = np.load(write_npz(tree, tmp_path / "tree.npz"))
    assert np.array_equal(npz["codes"], tree.codes) and npz["labels"].tolist() == list(tree.labels)
    assert np.array_equal(npz["offer_v"], tree.offers["v"], equal_nan=True)
    assert np.array_equal(npz["axis_C_TCN"], tree.axes["C_TCN"])

    rows = read_csv(to_csv(deal))
    for s, by in deal.payoffs.items():
        for a, v in by.items():
            assert np.array_equal(column(rows, f"{s}.{a}"), v.ravel())
    npz = np.load(write(deal, tmp_path / "deal.npz"))
    assert np.array_equal(npz["payoff_nash_EU"], deal.payoffs["nash"]["EU"])
    assert np.array_equal(npz["weights_kalai_smorodinsky"], deal.weights["kalai_smorodinsky"])

    rows = read_csv(write(normal, tmp_path / "normal.csv").read_text(encoding="utf-8"))
    assert np.array_equal(column(rows, "equilibria").astype(int), normal.count)
    assert np.array_equal(np.load(write(normal, tmp_path / "normal.npz"))["valid"], normal.valid)


def test_writes_never_overwrite_unless_forced(tmp_path: Path) -> None:
    result = sweep(load("eu_russia_offer"), {"T": [1.0, 4.0]})
    target = tmp_path / "out.csv"
    target.write_text("keep me", encoding="utf-8")
    for writer in (write, write_csv):
        with pytest.raises(ScenarioError, match="path: expected a path that does not exist yet"):
            writer(result, target)
    assert target.read_text(encoding="utf-8") == "keep me"
    write(result, target, force=True)
    assert target.read_text(encoding="utf-8") == to_csv(result)
    with pytest.raises(ScenarioError, match=r"\.csv or \.npz"):
        write(result, tmp_path / "out.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary file left behind

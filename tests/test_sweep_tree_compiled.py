"""Tree sweeps on the compiled route (compile_tree evaluated on the whole grid) against the per-point
route (subgame_perfect at every point): the same labels, codes, offers, payoffs, ties and notes; the
fallback when compiling fails; grids beyond the per-point limit."""

from __future__ import annotations

import json

import numpy as np
import pytest

import bargaining.analysis.sweep_tree as sweep_tree_module
from bargaining.analysis.compiled_tree import compile_tree
from bargaining.analysis.subgame import subgame_perfect
from bargaining.analysis.sweep_grid import MAX_POINTS, point_values
from bargaining.analysis.sweep_tree import TreeSweep, sweep_tree
from bargaining.cli import main
from bargaining.errors import ScenarioError
from bargaining.io.scenario_file import load


def assert_same(compiled: TreeSweep, per_point: TreeSweep) -> None:
    assert compiled.method.startswith("compiled") and per_point.method.startswith("backward induction at every")
    assert compiled.labels == per_point.labels
    assert compiled.paths == per_point.paths and compiled.outcomes == per_point.outcomes
    assert compiled.codes.dtype == per_point.codes.dtype and np.array_equal(compiled.codes, per_point.codes)
    assert list(compiled.offers) == list(per_point.offers)
    for p, arr in per_point.offers.items():
        assert np.array_equal(np.isnan(compiled.offers[p]), np.isnan(arr)), p
        assert np.allclose(compiled.offers[p], arr, atol=1e-9, rtol=0, equal_nan=True), p
    assert list(compiled.payoffs) == list(per_point.payoffs)
    for a, arr in per_point.payoffs.items():
        assert np.allclose(compiled.payoffs[a], arr, atol=1e-9, rtol=0), a
    assert np.array_equal(compiled.ties, per_point.ties)
    assert compiled.values == per_point.values and compiled.notes == per_point.notes
    one, two = compiled.to_dict(), per_point.to_dict()
    assert one["labels"] == two["labels"] and one["codes"] == two["codes"]
    assert one["tie_points"] == two["tie_points"]
    assert [(o["label"], o["points"]) for o in one["outcomes"]] == [(o["label"], o["points"]) for o in two["outcomes"]]


@pytest.mark.parametrize(
    ("name", "grid", "fixed"),
    [
        ("eu_russia_offer", {"T": np.linspace(0, 6, 13), "C_TCN": np.linspace(3, 8, 11)}, None),
        ("eurasia_chain", {"T": np.linspace(1, 6, 9), "C_TCN": np.linspace(3, 8, 7)}, None),
        ("eurasia_chain", {"T": np.linspace(1, 6, 11)}, {"Lcap": 6.0}),
    ],
)
def test_both_routes_give_the_same_sweep(
    name: str, grid: dict[str, np.ndarray], fixed: dict[str, float] | None
) -> None:
    scenario = load(name)
    compiled = sweep_tree(scenario, grid, fixed)
    per_point = sweep_tree(scenario, grid, fixed, route="per-point")
    assert len(compiled.labels) >= 2  # the grid crosses a switch of play
    assert_same(compiled, per_point)
    assert_same(sweep_tree(scenario, grid, fixed, route="compiled"), per_point)


def test_a_grid_above_the_per_point_limit_is_compiled_and_checks_against_subgame_perfect() -> None:
    scenario = load("eurasia_chain")
    grid = {"T": np.linspace(1, 6, 200), "C_TCN": np.linspace(3, 8, 200)}
    with pytest.raises(ScenarioError, match=rf"at most {MAX_POINTS:,} points"):
        sweep_tree(scenario, grid, route="per-point")
    calls: list[tuple[int, int]] = []
    result = sweep_tree(scenario, grid, progress=lambda done, total: calls.append((done, total)))
    assert result.shape == (200, 200) and result.method.startswith("compiled")
    assert calls[-1] == (40_000, 40_000)
    rng = np.random.default_rng(13)
    for flat in sorted({0, 39_999, *rng.choice(40_000, size=40, replace=False).tolist()}):
        idx = np.unravel_index(flat, result.shape)
        spe = subgame_perfect(scenario, point_values(result.axes, result.values, flat), exact=False)
        code = int(result.codes[idx])
        assert (result.paths[code], result.outcomes[code]) == (spe.path, spe.outcome), flat
        for p, arr in result.offers.items():
            assert (np.isnan(arr[idx]) and p not in spe.offers) or abs(arr[idx] - spe.offers[p]) <= 1e-9, (flat, p)
        for a, arr in result.payoffs.items():
            assert abs(arr[idx] - spe.payoff[a]) <= 1e-9, (flat, a)
        assert bool(result.ties[idx]) == bool(spe.ties), flat


def test_compiling_failure_falls_back_to_the_per_point_route(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ScenarioError("a tree the compiler takes", found="a test double", field="model")

    monkeypatch.setattr(sweep_tree_module, "compile_tree", broken)
    monkeypatch.setattr(sweep_tree_module, "_COMPILED", {})
    scenario = load("eu_russia_offer")
    grid = {"T": [0.0, 3.0, 6.0]}
    fallback = sweep_tree(scenario, grid)
    assert fallback.method.startswith("backward induction at every grid point")
    assert any("could not be compiled" in n and "a test double" in n for n in fallback.notes)
    assert [fallback.labels[c] for c in fallback.codes.tolist()] == [
        "offer, reject (no_deal)",
        "offer, accept (deal)",
        "offer, accept (deal)",
    ]
    with pytest.raises(ScenarioError, match="a test double"):
        sweep_tree(scenario, grid, route="compiled")
    with pytest.raises(ScenarioError, match=r"route: expected"):
        sweep_tree(scenario, grid, route="fast")  # type: ignore[arg-type]


def test_the_compiled_tree_is_cached_per_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sweep_tree_module, "_COMPILED", {})
    count = []
    real = compile_tree

    def counting(*args: object, **kwargs: object) -> object:
        count.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sweep_tree_module, "compile_tree", counting)
    scenario = load("eu_russia_offer")
    sweep_tree(scenario, {"T": [1.0, 2.0]})
    sweep_tree(scenario, {"C_TCN": [4.0, 5.0]})
    assert len(count) == 1
    sweep_tree(load("eu_russia_offer"), {"T": [1.0]})  # another tree object: compiled again
    assert len(count) == 2


def test_cli_sweeps_a_200_by_200_chain(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", "eurasia_chain", "--grid", "T=1:6:200", "--grid", "C_TCN=3:8:200", "--json", "--quiet"])
    out = capsys.readouterr()
    assert code == 0, out.err
    data = json.loads(out.out)
    assert data["points"] == 40_000 and data["method"].startswith("compiled")
    assert sum(o["points"] for o in data["outcomes"]) == 40_000

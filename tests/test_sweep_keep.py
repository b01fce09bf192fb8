"""A normal-form sweep kept as outcomes is written, drawn and printed like a full one, from the command
line too: the same outcome at every point, without the per-candidate arrays."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Literal

import numpy as np
import pytest

from bargaining.analysis.sweep import Sweep, sweep
from bargaining.cli import main
from bargaining.display.plots import outcome_figure
from bargaining.io.export import to_csv, write_npz
from bargaining.io.scenario_file import load

GRIDS = [
    {"T": np.linspace(0, 5, 11)},
    {"T": np.linspace(0, 5, 11), "C_TCN": np.linspace(3, 8, 4)},
]


def normal_sweep(grid: dict[str, np.ndarray], keep: Literal["all", "outcomes"] = "all") -> Sweep:
    result = sweep(load("eu_russia_2007"), grid, keep=keep)
    assert isinstance(result, Sweep)
    return result


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("grid", GRIDS)
def test_the_csv_of_a_sweep_kept_as_outcomes_names_each_points_equilibria(grid: dict[str, np.ndarray]) -> None:
    whole, kept = normal_sweep(grid), normal_sweep(grid, "outcomes")
    full_rows, kept_rows = _rows(to_csv(whole)), _rows(to_csv(kept))
    assert len(full_rows) == len(kept_rows) == np.prod([len(v) for v in grid.values()])
    for a, b in zip(full_rows, kept_rows, strict=True):
        assert {k: a[k] for k in grid} == {k: b[k] for k in grid}
        assert (a["equilibria"], a["degenerate"]) == (b["equilibria"], b["degenerate"])
        played = sorted(whole.label(k) for k in range(len(whole.candidates)) if a[f"eq{k}"] in ("1", "True"))
        assert sorted(b["outcome"].removesuffix(" (degenerate)").split(" | ")) == played


def test_a_sweep_kept_as_outcomes_is_drawn_and_saved(tmp_path: Path) -> None:
    for grid in GRIDS:
        kept = normal_sweep(grid, "outcomes")
        figure = outcome_figure(kept)
        assert figure.axes  # bands along one axis, a map over two
        path = write_npz(kept, tmp_path / f"kept{len(grid)}.npz")
        with np.load(path) as data:
            assert "valid" not in data
            _, codes = kept.outcome_codes()
            assert np.array_equal(data["codes"], codes)
            assert np.array_equal(data["count"], normal_sweep(grid).count)


def test_the_command_keeps_outcomes_with_the_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sweep", "eu_russia_2007", "--grid", "T=0:5:21", "--grid", "C_TCN=3:8:5", "--json", "--quiet"]
    assert main(argv) == 0
    whole = json.loads(capsys.readouterr().out)
    assert main([*argv, "--keep", "outcomes"]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert kept.pop("kept", "outcomes") == "outcomes"
    whole.pop("kept", None)
    assert kept == whole

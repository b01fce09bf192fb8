"""Sweeps: the grid computation equals solving point by point, whatever the chunking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.analysis.nash import equilibria, pure_equilibria
from bargaining.analysis.sweep import Sweep, parse_grid
from bargaining.analysis.sweep import sweep as sweep_any
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.io.scenario_file import load
from bargaining.scenario import Parameter, Scenario
from tests.helpers import same_equilibria

INSPECTION = Scenario(
    title="inspection",
    game=NormalFormGame.from_table(
        {"EU": ["monitor", "trust"], "RU": ["readmit", "stall"]},
        {
            ("monitor", "readmit"): ("g - m", "-e"),
            ("monitor", "stall"): ("-m", "-f"),
            ("trust", "readmit"): ("g", "-e"),
            ("trust", "stall"): ("-l", "0"),
        },
    ),
    parameters=tuple(
        Parameter(n, v, min=lo, max=hi, source="illustrative assumption (the inspection game)")
        for n, v, lo, hi in [("e", 1, 0, 5), ("f", 4, 0, 8), ("g", 2, 0, 5), ("m", 1, 0, 5), ("l", 2, 0, 5)]
    ),
)

COORDINATION = Scenario(
    title="3x3 with a parameter",
    game=NormalFormGame.from_table(
        {"A": ["x", "y", "z"], "B": ["x", "y", "z"]},
        {
            (s, t): (
                f"{'a' if s == t == 'x' else 'b' if s == t else '0.5' if s < t else '0'}",
                f"{'1' if s == t else 'a - b'}",
            )
            for s in "xyz"
            for t in "xyz"
        },
    ),
    parameters=(Parameter("a", 1.0, min=-2, max=2, source="test"), Parameter("b", 0.5, min=-2, max=2, source="test")),
)


def sweep(*args: Any, **kwargs: Any) -> Sweep:
    """The sweep of a normal-form game (these tests' games are all normal form)."""
    result = sweep_any(*args, **kwargs)
    assert isinstance(result, Sweep)
    return result


def point_equilibria(result: Sweep, idx: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    ks = np.flatnonzero(result.valid[(slice(None), *idx)])  # type: ignore[arg-type]
    return [(result.probabilities[0][(k, *idx)], result.probabilities[1][(k, *idx)]) for k in ks]


def solved_at(scenario: Scenario, result: Sweep, idx: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    values = dict(result.fixed) | {a: float(v[i]) for (a, v), i in zip(result.axes.items(), idx, strict=True)}
    return [
        (np.array(e.probabilities[0]), np.array(e.probabilities[1])) for e in equilibria(scenario, values, exact=False)
    ]


CASES = [
    (INSPECTION, {"f": np.linspace(0.5, 6, 23), "l": np.linspace(0.5, 4, 17)}),
    (load("conditionality"), {"r": np.linspace(0, 10, 41), "p": np.linspace(0.01, 1, 12)}),
    (load("eu_russia_2007"), {"T": np.linspace(0, 6, 25), "delta": np.linspace(0.5, 0.99, 9)}),
    (COORDINATION, {"a": np.linspace(-2, 2, 21), "b": np.linspace(-2, 2, 21)}),
]


@pytest.mark.parametrize(("scenario", "grid"), CASES, ids=[c[0].title for c in CASES])
def test_sweep_equals_solving_point_by_point(scenario: Scenario, grid: dict[str, np.ndarray]) -> None:
    result = sweep(scenario, grid)
    for idx in np.ndindex(*result.shape):
        assert same_equilibria(point_equilibria(result, idx), solved_at(scenario, result, idx), tol=1e-7), idx


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 500))
def test_chunking_does_not_change_the_result(chunk: int) -> None:
    scenario, grid = CASES[0]
    whole = sweep(scenario, grid)
    pieces = sweep(scenario, grid, chunk=chunk)
    for idx in np.ndindex(*whole.shape):
        assert same_equilibria(point_equilibria(whole, idx), point_equilibria(pieces, idx))


def test_many_actor_sweep_gives_every_pure_equilibrium() -> None:
    scenario = load("central_asia_signing")
    result = sweep(scenario, {"L_KZ": np.linspace(0, 5, 11), "D_KZ": np.linspace(0, 2, 5)})
    assert not result.complete
    for idx in np.ndindex(*result.shape):
        values = dict(result.fixed) | {a: float(v[i]) for (a, v), i in zip(result.axes.items(), idx, strict=True)}
        # a sweep of three or more actors gives every pure equilibrium (mixed ones are for equilibria())
        found = pure_equilibria(scenario, values)
        expected = {tuple(int(np.argmax(np.array(p))) for p in e.probabilities) for e in found}
        got = {
            tuple(int(np.argmax(result.probabilities[a][(k, *idx)])) for a in range(5))
            for k in np.flatnonzero(result.valid[(slice(None), *idx)])
        }
        assert got == expected


def test_threshold_values_on_the_grid() -> None:
    from bargaining.analysis.threshold import threshold

    scenario = load("conditionality")
    t = threshold(scenario, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"})
    result = sweep(scenario, {"p": np.linspace(0.1, 1, 10)}, thresholds=[t])
    assert np.allclose(result.thresholds["r"], 1.3 / np.linspace(0.1, 1, 10))


def test_progress_is_reported_per_chunk() -> None:
    calls: list[tuple[int, int]] = []
    sweep(INSPECTION, {"f": np.linspace(1, 5, 100)}, chunk=30, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(30, 100), (60, 100), (90, 100), (100, 100)]


def test_csv_and_npz_are_written_and_never_overwritten(tmp_path: Path) -> None:
    from bargaining.io.export import write

    result = sweep(INSPECTION, {"f": np.linspace(1, 5, 5)})
    csv_path = write(result, tmp_path / "grid.csv")
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("f,equilibria,degenerate,eq0")
    assert len(lines) == 6
    with pytest.raises(ScenarioError, match="existing file"):
        write(result, csv_path)
    npz = np.load(write(result, tmp_path / "grid.npz"))
    assert np.array_equal(npz["valid"], result.valid) and np.allclose(npz["axis_f"], np.linspace(1, 5, 5))
    with pytest.raises(ScenarioError, match=r"\.csv or \.npz"):
        write(result, tmp_path / "grid.txt")


@pytest.mark.parametrize(
    ("text", "message"),
    [("p", "NAME=LOW:HIGH:N"), ("p=0:1", "NAME=LOW:HIGH:N"), ("p=a:1:3", "numbers"), ("p=0:1:0", "N >= 1")],
)
def test_bad_grid_specs(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_grid(text)


def test_grid_outside_bounds_or_unknown_parameter() -> None:
    with pytest.raises(ScenarioError, match=r"grid.p: expected values in \[0.01, 1\], found 2"):
        sweep(load("conditionality"), {"p": [0.5, 2.0]})
    with pytest.raises(ScenarioError, match="parameter of the scenario"):
        sweep(load("conditionality"), {"zz": [0.5]})

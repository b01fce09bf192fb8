"""Normal-form sweeps streamed chunk by chunk: the 2 x 2 closed forms equal the general route, the
outcomes-only mode equals the full mode's outcome codes, and a Dask cluster gives the local result."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bargaining.analysis.sweep as sweep_module
from bargaining.analysis.deadline import within_deadline
from bargaining.analysis.nash import equilibria
from bargaining.analysis.sweep import Sweep, sweep
from bargaining.budget import deadline_seconds
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.io.scenario_file import load
from bargaining.scenario import Parameter, Scenario
from tests.helpers import same_equilibria
from tests.test_sweep import CASES, COORDINATION, INSPECTION


def normal(result: Any) -> Sweep:
    assert isinstance(result, Sweep)
    return result


def general(scenario: Scenario, grid: dict[str, Any], **kwargs: Any) -> Sweep:
    """The sweep by the general vertex route, 2 x 2 closed forms switched off."""
    sweep_module.GENERAL_ONLY = True
    try:
        return normal(sweep(scenario, grid, **kwargs))
    finally:
        sweep_module.GENERAL_ONLY = False


def linear_2x2(base: list[list[float]], slope: list[list[float]]) -> Scenario:
    """A 2 x 2 game whose eight payoffs are ``base + t * slope`` (row actor's four, then the column
    actor's), t in [-3, 3]: as t moves, best replies cross, so the grid meets ties (degenerate games)."""
    rows, cols = ["u", "d"], ["l", "r"]

    def entry(k: int) -> str:
        return f"({base[k // 4][k % 4]!r}) + ({slope[k // 4][k % 4]!r}) * t"

    table: dict[tuple[str, ...], list[str]] = {
        (rows[i], cols[j]): [entry(2 * i + j), entry(4 + 2 * i + j)] for i in range(2) for j in range(2)
    }
    game = NormalFormGame.from_table({"R": rows, "C": cols}, table)
    return Scenario(title="linear 2x2", game=game, parameters=(Parameter("t", 0.0, min=-3, max=3, source="test"),))


small = st.integers(-3, 3)
eighths = st.integers(-24, 24).map(lambda k: k / 8)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.tuples(st.lists(st.lists(small, min_size=4, max_size=4), min_size=2, max_size=2), st.just("int")),
        st.tuples(st.lists(st.lists(eighths, min_size=4, max_size=4), min_size=2, max_size=2), st.just("float")),
    ),
    st.lists(st.lists(st.integers(-1, 1), min_size=4, max_size=4), min_size=2, max_size=2),
)
def test_the_2x2_closed_forms_give_exactly_the_general_sweep(table: tuple[list[list[Any]], str], slope: Any) -> None:
    base = [[float(x) for x in row] for row in table[0]]
    scenario = linear_2x2(base, [[float(x) for x in row] for row in slope])
    grid = {"t": np.linspace(-3, 3, 25)}  # steps of 1/4: every crossing of these lines is on the grid
    fast = normal(sweep(scenario, grid, chunk=7))
    names = tuple(sorted(s.name for s in scenario.normal_form.parameter_symbols()))
    assert sweep_module._closed_2x2(sweep_module.vertex_plan(scenario.normal_form, names, deadline_seconds()))
    slow = general(scenario, grid, chunk=7)
    assert fast == slow  # candidates, valid, probabilities, payoffs, degenerate, continuum: every bit
    for k in range(0, 25, 6):  # and both are the equilibria solved at the point
        found = [(fast.probabilities[0][c, k], fast.probabilities[1][c, k]) for c in np.flatnonzero(fast.valid[:, k])]
        if not fast.degenerate[k]:
            expected = [
                (np.array(e.probabilities[0]), np.array(e.probabilities[1]))
                for e in equilibria(scenario, {"t": float(grid["t"][k])}, exact=False)
            ]
            assert same_equilibria(found, expected, tol=1e-7)


def split_2x2(base: list[list[float]], slope: list[list[float]]) -> Scenario:
    """A 2 x 2 game whose row actor's payoffs are ``base[0] + s * slope[0]`` and column actor's
    ``base[1] + t * slope[1]``: each actor's vertices depend on one axis only (the opponent's)."""
    rows, cols = ["u", "d"], ["l", "r"]

    def entry(a: int, k: int) -> str:
        return f"({base[a][k]!r}) + ({slope[a][k]!r}) * {'st'[a]}"

    table: dict[tuple[str, ...], list[str]] = {
        (rows[i], cols[j]): [entry(0, 2 * i + j), entry(1, 2 * i + j)] for i in range(2) for j in range(2)
    }
    game = NormalFormGame.from_table({"R": rows, "C": cols}, table)
    parameters = tuple(Parameter(n, 0.0, min=-3, max=3, source="test") for n in "st")
    return Scenario(title="split 2x2", game=game, parameters=parameters)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(eighths, min_size=4, max_size=4), min_size=2, max_size=2),
    st.lists(st.lists(st.integers(-1, 1), min_size=4, max_size=4), min_size=2, max_size=2),
    st.sampled_from([40, 97, 1 << 14]),
)
def test_vertices_worked_out_on_an_axis_give_exactly_the_general_sweep(
    base: list[list[float]], slope: list[list[int]], chunk: int
) -> None:
    """Each actor's vertices depend on one axis: worked out on the values that axis takes in a chunk
    and spread onto its points (sweep._side_on_axis), they give the general route's sweep bit for bit."""
    scenario = split_2x2(base, [[float(x) for x in row] for row in slope])
    grid = {"s": np.linspace(-3, 3, 25), "t": np.linspace(-3, 3, 9)}  # steps of 1/4 and 3/4: ties met
    names = tuple(sorted(x.name for x in scenario.normal_form.parameter_symbols()))
    plan = sweep_module.vertex_plan(scenario.normal_form, names, deadline_seconds())
    assert all(len(used & {"s", "t"}) <= 1 for used in plan.uses)
    calls: list[int] = []
    real = sweep_module._side_on_axis

    def counted(*args: Any) -> Any:
        calls.append(args[1])
        return real(*args)

    sweep_module._side_on_axis = counted  # type: ignore[assignment]
    try:
        fast = normal(sweep(scenario, grid, chunk=chunk))
    finally:
        sweep_module._side_on_axis = real
    assert fast == general(scenario, grid, chunk=chunk)
    if any(slope[1]) and any(slope[0]):  # both actors' vertices depend on an axis: both were spread
        assert set(calls) == {0, 1}


@pytest.mark.parametrize("name", ["conditionality", "eu_russia_2007"])
def test_the_2x2_builtins_sweep_alike_by_both_routes(name: str) -> None:
    scenario = load(name)
    assert scenario.normal_form.shape == (2, 2)
    grid = next(g for s, g in CASES if s.title == scenario.title)
    assert normal(sweep(scenario, grid, chunk=50)) == general(scenario, grid, chunk=50)


def test_inspection_game_sweeps_alike_by_both_routes() -> None:
    grid = {"f": np.linspace(0.5, 6, 23), "l": np.linspace(0.5, 4, 17), "e": np.linspace(0, 5, 6)}
    assert normal(sweep(INSPECTION, grid, chunk=300)) == general(INSPECTION, grid, chunk=300)


OUTCOME_CASES = [*CASES, (load("central_asia_signing"), {"L_KZ": np.linspace(0, 5, 11), "D_KZ": np.linspace(0, 2, 5)})]


@pytest.mark.parametrize(("scenario", "grid"), OUTCOME_CASES, ids=[c[0].title for c in OUTCOME_CASES])
@pytest.mark.parametrize("chunk", [37, 1 << 17])
def test_outcomes_mode_equals_the_full_modes_outcome_codes(
    scenario: Scenario, grid: dict[str, np.ndarray], chunk: int
) -> None:
    whole = normal(sweep(scenario, grid, chunk=chunk))
    light = normal(sweep(scenario, grid, chunk=chunk, keep="outcomes"))
    outcomes, codes = whole.outcome_codes()
    light_outcomes, light_codes = light.outcome_codes()
    assert light_outcomes == outcomes
    assert np.array_equal(light_codes, codes)
    assert np.array_equal(light.count, whole.count)
    assert np.array_equal(light.degenerate, whole.degenerate) and np.array_equal(light.continuum, whole.continuum)
    assert light.candidates == whole.candidates
    assert light.to_dict() == whole.to_dict() | {"kept": "outcomes"}
    assert light.valid.shape == (len(whole.candidates), 0) and light.codes is not None
    assert light.codes.shape == whole.shape and light.codes.dtype == np.int8
    assert sum(s.points for s in light.sets) == int(np.prod(whole.shape))


def test_outcomes_mode_fits_a_grid_the_full_mode_refuses() -> None:
    grid = {"a": np.linspace(-2, 2, 400), "b": np.linspace(-2, 2, 400)}  # 160,000 points
    with pytest.raises(ScenarioError, match=r'grid: expected a sweep\'s arrays .*keep="outcomes"'):
        sweep(COORDINATION, grid, budget=4)
    light = normal(sweep(COORDINATION, grid, budget=4, keep="outcomes"))
    assert light.count.shape == (400, 400) and (light.count >= 1).all()


def test_keep_is_checked() -> None:
    with pytest.raises(ScenarioError, match=r"keep: expected 'all' or 'outcomes', found 'codes'"):
        sweep(INSPECTION, {"f": [1, 2]}, keep="codes")  # type: ignore[call-overload]
    with pytest.raises(ScenarioError, match=r'keep: expected keep="all" for a game of this kind'):
        sweep(load("eu_russia_offer"), {"T": [1, 2]}, keep="outcomes")


def test_the_result_arrays_are_not_copied_when_frozen() -> None:
    s = normal(sweep(COORDINATION, {"a": np.linspace(-2, 2, 30), "b": np.linspace(-2, 2, 30)}, chunk=100))
    for arr in (s.valid, *s.probabilities, s.payoffs, s.degenerate, s.continuum):
        assert arr.base is None and not arr.flags.writeable  # cut in place, frozen without a copy
    # probabilities and payoffs are zero wherever the candidate is not an equilibrium
    invalid = ~s.valid
    assert not s.payoffs[invalid].any() and all(not p[invalid].any() for p in s.probabilities)


def test_the_plan_is_computed_once_per_game(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = within_deadline  # the symbolic work runs through it (in a forked worker)
    scenario = linear_2x2([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]], [[0.0] * 4, [0.375, 0.0, 0.0, 0.0]])

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "within_deadline", counted)
    first = sweep(scenario, {"t": [0.0, 1.0]})
    second = sweep(scenario, {"t": [0.5, 2.0]}, keep="outcomes")
    assert len(calls) == 1 and first.method == second.method


# --------------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=40
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.mark.parametrize(("scenario", "grid"), [CASES[0], CASES[3], OUTCOME_CASES[-1]], ids=["2x2", "3x3", "5 actors"])
@pytest.mark.parametrize("keep", ["all", "outcomes"])
def test_a_dask_cluster_gives_the_local_sweep(client: Any, scenario: Scenario, grid: dict[str, Any], keep: str) -> None:
    local = normal(sweep(scenario, grid, chunk=64, keep=keep))  # type: ignore[call-overload]
    remote = normal(sweep(scenario, grid, chunk=64, keep=keep, scheduler=client))  # type: ignore[call-overload]
    assert remote.method == local.method + ", on a Dask cluster of 2 workers"
    for f in ("valid", "payoffs", "degenerate", "continuum", "candidates", "codes", "sets", "kept", "notes"):
        assert _equal(getattr(remote, f), getattr(local, f)), f
    assert all(np.array_equal(a, b) for a, b in zip(remote.probabilities, local.probabilities, strict=True))
    assert remote.outcome_codes()[0] == local.outcome_codes()[0]


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


def test_grids_of_10_to_the_8_points_are_allowed_when_only_outcomes_are_kept() -> None:
    from bargaining.analysis.sweep import parse_grids

    texts = ["a=-1:1:10000", "b=-1:1:10000"]
    with pytest.raises(ScenarioError, match=r"grid: expected a grid of at most 16,777,216 points"):
        parse_grids(texts)
    grid = parse_grids(texts, keep="outcomes")
    assert [len(v) for v in grid.values()] == [10000, 10000]


def test_more_candidates_than_the_budget_holds_are_refused_naming_the_outcomes_mode() -> None:
    grid = {"a": np.linspace(-2, 2, 200), "b": np.linspace(-2, 2, 200)}  # 40,000 points, 2.6 MB a candidate
    with pytest.raises(ScenarioError, match=r'keep="outcomes".*found 2 candidate equilibria of 2 MiB each'):
        sweep(COORDINATION, grid, budget=4)  # the grid passes; its candidates' arrays do not
    assert normal(sweep(COORDINATION, grid, budget=4, keep="outcomes")).count.min() >= 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.data())
def test_a_chunks_parameters_are_the_grids_values_at_its_flat_indices(shape: list[int], data: st.DataObject) -> None:
    total = int(np.prod(shape))
    start = data.draw(st.integers(0, total - 1))
    stop = data.draw(st.integers(start + 1, total))
    axes = tuple((f"x{i}", np.arange(n, dtype=np.float64) + 10.0 * i) for i, n in enumerate(shape))
    params = sweep_module._chunk_params(axes, {"c": 2.5}, tuple(shape), start, stop)
    idx = np.unravel_index(np.arange(start, stop), tuple(shape))
    for (name, values), i in zip(axes, idx, strict=True):
        assert np.array_equal(params[name], values[i])
    assert params["c"].shape == () and float(params["c"]) == 2.5


def test_chunks_reusing_their_buffers_leave_earlier_results_alone() -> None:
    """Computed in this process a 2 x 2 chunk's temporaries and results are buffers reused by the next
    chunk (and the next sweep): every result is copied out first, so a sweep equals the same sweep made
    with fresh arrays for every chunk (as on a cluster), and a later sweep does not change it."""
    grid = {"f": np.linspace(0.5, 6, 31), "l": np.linspace(0.5, 4, 29)}
    reused = normal(sweep(INSPECTION, grid, chunk=64))
    kept = [a.copy() for a in (reused.valid, *reused.probabilities, reused.payoffs, reused.degenerate)]
    scenario, names = INSPECTION, tuple(sorted(s.name for s in INSPECTION.normal_form.parameter_symbols()))
    plan = sweep_module.vertex_plan(scenario.normal_form, names, deadline_seconds())
    axes = tuple((k, np.asarray(v, dtype=float)) for k, v in grid.items())
    fixed = {k: v for k, v in scenario.values().items() if k not in grid}
    for start in range(0, 31 * 29, 64):  # chunk by chunk: reused buffers give the fresh arrays' numbers
        stop = min(31 * 29, start + 64)
        fresh = sweep_module._solve_points(plan, axes, fixed, (31, 29), True, start, stop)
        again = sweep_module._solve_points(plan, axes, fixed, (31, 29), True, start, stop, scratch=True)
        assert fresh["keys"] == again["keys"]
        for key in ("valid", "degenerate", "continuum", "payoffs"):
            assert np.array_equal(fresh[key], again[key]), key
        assert all(np.array_equal(a, b) for a, b in zip(fresh["probabilities"], again["probabilities"], strict=True))
    sweep(INSPECTION, {"f": np.linspace(1, 5, 40), "l": np.linspace(1, 3, 40)}, chunk=64)  # the buffers again
    after = (reused.valid, *reused.probabilities, reused.payoffs, reused.degenerate)
    assert all(np.array_equal(a, b) for a, b in zip(kept, after, strict=True))
    assert reused.valid.any()

"""The consistent region judged as arrays (bargaining.analysis.region) equals the per-point judge.

For every built-in with a record, at seeded random samples of its assumptions' box and on grids
through knife edges (ties), ``consistent_region`` on the arrays route gives exactly the per-point
route's ``agrees`` and ``observed_agrees`` (and the same failure notes); the unsure points (possible
mixed equilibria of three or more actors, near-ties) are judged one by one; the chunks also run on
a Dask cluster; the arrays are bounded by the memory budget.
"""

from __future__ import annotations

import math
import pickle
from typing import Any

import cloudpickle  # type: ignore[import-untyped]
import numpy as np
import pytest

from bargaining.analysis.record import MAX_SAMPLES, _RegionChunks, consistent_region, history
from bargaining.analysis.region import ArrayJudge, array_kind
from bargaining.errors import ScenarioError
from bargaining.io.builtins import builtin_names
from bargaining.io.scenario_file import load

RECORDED = [name for name in builtin_names() if load(name).observed]  # as tests/test_record.py's WITH_RECORD
T_STAR = math.log(20 / 27) / math.log(0.9)
"""The transitory period at which Russia's least acceptable offer is exactly the cap (a tie)."""


def _same(a: Any, b: Any) -> None:
    assert a.varied == b.varied
    for n in a.varied:
        assert np.array_equal(a.points[n], b.points[n])  # the sample is the same on both routes
    assert np.array_equal(a.agrees, b.agrees)
    assert np.array_equal(a.observed_agrees, b.observed_agrees)
    failed = [n for n in a.notes if "could not be solved" in n]
    assert failed == [n for n in b.notes if "could not be solved" in n]


def test_every_built_in_with_a_record_is_judged_as_arrays() -> None:
    for name in RECORDED:
        s = load(name)
        assert s.observed and array_kind(s) is not None, name


@pytest.mark.parametrize("name", RECORDED)
def test_arrays_equal_the_per_point_judge_on_a_random_sample(name: str) -> None:
    s = load(name)
    arrays = consistent_region(s, samples=300, seed=11)
    per_point = consistent_region(s, samples=300, seed=11, route="per-point")
    _same(arrays, per_point)
    assert arrays.route.startswith("arrays") and per_point.route.startswith("per-point")
    # not vacuous: the record holds somewhere in some built-ins, fails elsewhere in all
    assert not arrays.observed_agrees.all()  # type: ignore[union-attr]


def test_the_sample_reproduces_the_record_somewhere() -> None:
    shares = {n: consistent_region(load(n), samples=300, seed=11).observed_share for n in RECORDED}
    assert all(v > 0 for v in shares.values()), shares


@pytest.mark.parametrize("name", ["eu_russia_2007", "eu_russia_offer", "eurasia_chain", "eu_russia_package"])
def test_arrays_equal_the_per_point_judge_through_the_knife_edge(name: str) -> None:
    s = load(name)
    near = [np.nextafter(T_STAR, 0.0), T_STAR, np.nextafter(T_STAR, 10.0), T_STAR - 1e-9, T_STAR + 1e-9]
    grid = {"T": np.array(sorted({*near, *np.linspace(0.0, 10.0, 41)}))}
    arrays = consistent_region(s, grid)
    _same(arrays, consistent_region(s, grid, route="per-point"))
    # the judge changes its mind at T*, so the grid really crosses a threshold
    assert arrays.observed_agrees is not None and 0 < arrays.observed_agrees.sum() < arrays.samples


def test_the_normal_form_tie_at_t_star_is_the_per_point_judges() -> None:
    s = load("eu_russia_2007")
    ts = [T_STAR - 1e-9, np.nextafter(T_STAR, 0.0), T_STAR, np.nextafter(T_STAR, 10.0)]
    region = consistent_region(s, {"T": ts})
    assert region.observed_agrees is not None
    expected = [all(g.agrees for g in history(s, {"T": float(t)}).groups) for t in ts]
    assert region.observed_agrees.tolist() == expected
    assert expected[0] is False and expected[2] is True  # Russia accepts when indifferent


def test_three_actors_with_possible_mixed_equilibria_are_judged_one_by_one() -> None:
    s = load("central_asia_signing")
    # Uzbekistan's package small and its neighbours' pull strong: Uzbekistan and Kyrgyzstan coordinate,
    # so equilibria in which they mix exist, and Kazakhstan's tie at L_KZ = 4.875 (0.8 L + 0.3 - 5 + 0.8 = 0)
    grid = {"L_UZ": [0.0, 0.5, 1.625], "gamma_UZ": [0.5, 1.3, 4.0], "L_KZ": [1.5, 4.875, 6.0]}
    arrays = consistent_region(s, grid)
    _same(arrays, consistent_region(s, grid, route="per-point"))
    assert any("judged one by one" in n for n in arrays.notes)
    assert not arrays.route.startswith("arrays (normal_n), 0 of")


def test_the_certificates_leave_generic_points_to_the_arrays() -> None:
    s = load("central_asia_signing")
    region = consistent_region(s, samples=2_000, seed=3)
    singles = [n for n in region.notes if "judged one by one" in n]
    count = int(singles[0].split(" of ")[0]) if singles else 0
    assert count < 20  # almost every point is decided by the arrays (sampled: a count, not a proof)


def test_a_point_out_of_bounds_fails_on_both_routes() -> None:
    s = load("eu_russia_2007")
    grid = {"T": [-1.0, 3.0, 12.0]}
    arrays = consistent_region(s, grid)
    _same(arrays, consistent_region(s, grid, route="per-point"))
    assert any("2 of 3 points could not be solved" in n for n in arrays.notes)


def test_the_array_judge_alone() -> None:
    s = load("eu_russia_offer")
    judge = ArrayJudge(s)
    params = judge.parameters({"T": np.array([0.0, 3.0, 6.0])}, 3)
    ok, unsure = judge.solve(params, 3).explains(s.observed)
    assert ok.tolist() == [h.verdicts[0].agrees for h in (history(s, {"T": t}) for t in (0.0, 3.0, 6.0))]
    assert not unsure.any()
    held, _ = judge.solve(judge.parameters({"T": np.array([2.0, 2.0])}, 2), 2).holds(s.claims[0])
    assert held.tolist() == [history(s).claims[0].agrees] * 2


def test_the_chunk_function_pickles_and_gives_the_same_chunk() -> None:
    s = load("eurasia_chain")
    region = consistent_region(s, samples=50, seed=2)
    chunks = _RegionChunks(s, region.points, tuple(n for n in region.varied if n in s.space), {}, (), ArrayJudge(s))
    copy = pickle.loads(cloudpickle.dumps(chunks))
    a, b = chunks(0, 50), copy(0, 50)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2:] == b[2:]
    assert np.array_equal(a[1], region.agrees)


def test_on_a_dask_cluster_the_region_is_the_same() -> None:
    distributed = pytest.importorskip("distributed")
    s = load("eurasia_chain")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        there = consistent_region(s, samples=3_000, seed=4, scheduler=client)
    here = consistent_region(s, samples=3_000, seed=4)
    _same(here, there)
    assert "Dask cluster" in there.route and "this process" in here.route


def test_the_arrays_route_is_bounded_by_memory_not_by_the_point_cap() -> None:
    s = load("eu_russia_2007")
    region = consistent_region(s, samples=MAX_SAMPLES + 1)
    assert region.samples == MAX_SAMPLES + 1
    with pytest.raises(ScenarioError, match="memory budget") as err:
        consistent_region(s, samples=10**9)
    assert err.value.field == "samples"
    with pytest.raises(ScenarioError, match=f"at most {MAX_SAMPLES:,} points"):
        consistent_region(s, samples=MAX_SAMPLES + 1, route="per-point")


def test_a_route_must_be_known() -> None:
    with pytest.raises(ScenarioError) as err:
        consistent_region(load("eu_russia_2007"), samples=5, route="fast")  # type: ignore[arg-type]
    assert err.value.field == "route"


def test_progress_is_reported_by_chunk() -> None:
    seen: list[tuple[int, int]] = []
    consistent_region(load("eu_russia_offer"), samples=40_000, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (40_000, 40_000) and len(seen) >= 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

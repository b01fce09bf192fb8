"""Sweeps and regions on a Dask cluster: a LocalCluster of two worker processes gives exactly the
results of one process (the same chunk functions, shipped to the workers by analysis.engine)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from bargaining.analysis.engine import chunk_bounds, map_chunks
from bargaining.analysis.sweep_points import sweep_points
from bargaining.analysis.sweep_tree import sweep_tree
from bargaining.cli import main
from bargaining.errors import ScenarioError
from bargaining.io.scenario_file import load

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster, set_as_default=False) as c:
        yield c


def _square(start: int, stop: int) -> np.ndarray:
    return np.arange(start, stop) ** 2


def test_map_chunks_on_a_cluster_streams_every_chunk_in_order(client: Any) -> None:
    local = list(map_chunks(_square, 1_000, 64))
    remote = list(map_chunks(_square, 1_000, 64, scheduler=client))
    assert [(a, b) for a, b, _ in remote] == chunk_bounds(1_000, 64)
    assert all(np.array_equal(x, y) for (_, _, x), (_, _, y) in zip(local, remote, strict=True))
    # the chunks ran in the workers' processes, not here
    assert len(client.scheduler_info()["workers"]) == 2


def test_the_chain_swept_on_two_workers_equals_one_process(client: Any) -> None:
    chain = load("eurasia_chain")
    grid = {"T": np.linspace(1, 6, 120), "C_TCN": np.linspace(3, 8, 90)}
    here = sweep_tree(chain, grid)
    there = sweep_tree(chain, grid, scheduler=client)
    assert here.labels == there.labels and here.paths == there.paths
    assert np.array_equal(here.codes, there.codes)
    assert np.array_equal(here.ties, there.ties)
    for p in here.offers:
        assert np.array_equal(here.offers[p], there.offers[p], equal_nan=True)
    for a in here.payoffs:
        assert np.array_equal(here.payoffs[a], there.payoffs[a])
    assert here.notes == there.notes
    assert "Dask cluster of 2 workers" in there.method
    assert len(set(here.codes.ravel().tolist())) > 1  # the grid crosses at least one switch


def test_a_point_by_point_sweep_on_two_workers_equals_one_process(client: Any) -> None:
    ratification = load("eu_russia_ratification")
    grid = {"cap_c": np.linspace(0.3, 0.9, 13)}
    here = sweep_points(ratification, grid, {"cap_b": 0.9})
    there = sweep_points(ratification, grid, {"cap_b": 0.9}, scheduler=client)
    assert here.labels == there.labels
    assert np.array_equal(here.codes, there.codes)
    for k in here.numbers:
        assert np.array_equal(here.numbers[k], there.numbers[k], equal_nan=True)


def test_the_command_runs_a_sweep_on_the_cluster_at_an_address(
    cluster: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["sweep", "eurasia_chain", "--grid", "T=1:6:40", "--grid", "C_TCN=3:8:30", "--json", "--quiet"]
    assert main(argv) == 0
    here = json.loads(capsys.readouterr().out)
    assert main([*argv, "--dask", cluster.scheduler_address]) == 0
    there = json.loads(capsys.readouterr().out)
    assert here["codes"] == there["codes"] and here["labels"] == there["labels"]
    assert here["payoffs"] == there["payoffs"]


def test_the_command_samples_a_consistent_region_on_the_cluster(
    cluster: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["history", "eurasia_chain", "--region", "3000", "--json", "--quiet"]
    assert main(argv) == 0
    here = json.loads(capsys.readouterr().out)["consistent_region"]
    assert main([*argv, "--dask", cluster.scheduler_address]) == 0
    there = json.loads(capsys.readouterr().out)["consistent_region"]
    assert here == there
    assert 0 < here["share"] < 1  # the sample sees both sides of the record's region


def test_an_address_where_no_scheduler_answers_is_one_line_naming_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["sweep", "eurasia_chain", "--grid", "T=1:6:4", "--quiet", "--dask", "tcp://127.0.0.1:1"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "--dask" in err and "did not answer" in err


def test_a_scheduler_of_the_wrong_type_is_refused_before_any_work() -> None:
    with pytest.raises(ScenarioError, match="scheduler"):
        sweep_tree(load("eu_russia_offer"), {"T": [1.0, 2.0]}, scheduler=42)

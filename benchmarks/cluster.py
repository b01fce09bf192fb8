"""The same sweeps in one process and on a Dask LocalCluster of two worker processes: the overhead.

What is measured
----------------
``sweep(..., scheduler=client)`` ships the same chunk function to Dask's workers
(:func:`bargaining.analysis.engine.map_chunks`). Two sweeps, each timed in this process
(``scheduler=None``) and on a ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``
started in this script, medians of ``--calls`` calls (the first call on the cluster, which ships the
function to the workers, is timed on its own as ``first``):

* ``eurasia_chain``, compiled tree, over a (T, C_TCN) grid of 10^6 points (10^5 with ``--quick``):
  each chunk is a few milliseconds of numpy, so the cluster adds its costs (pickling the compiled
  tree, a task per chunk, results sent back) to work that one core already does fast;
* ``eu_russia_ratification``, solved point by point (two-level game), over 400 values of the cap
  (80 with ``--quick``): each point costs milliseconds of Python, so two workers share real work.

The results of both routes are compared (codes, labels and numbers must be identical) and the script
stops with an error if they differ. On a 2-core machine two workers cannot beat one process by more
than 2x, and they share the cores with the scheduler and this process: the figures state the
overhead, not a cluster's speed-up.

Run: ``.venv/bin/python benchmarks/cluster.py [--quick] [--calls N]``.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bargaining.analysis.sweep import sweep
from bargaining.io.scenario_file import load


def _median(fn: Callable[[], Any], calls: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(calls):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def _same(a: Any, b: Any) -> bool:
    if not (a.labels == b.labels and np.array_equal(a.codes, b.codes)):
        return False
    numbers = getattr(a, "numbers", None) or {**getattr(a, "offers", {}), **getattr(a, "payoffs", {})}
    other = getattr(b, "numbers", None) or {**getattr(b, "offers", {}), **getattr(b, "payoffs", {})}
    return all(np.array_equal(numbers[k], other[k], equal_nan=True) for k in numbers)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smaller grids, one call each")
    parser.add_argument("--calls", type=int, default=3)
    args = parser.parse_args(argv)
    calls = 1 if args.quick else max(1, args.calls)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("needs the dask extra: pip install 'bargaining[dask]'", file=sys.stderr)
        return 2
    side = 316 if args.quick else 1000
    cases = [
        (
            f"eurasia_chain, compiled, {side * side:,} points",
            load("eurasia_chain"),
            {"T": np.linspace(1, 6, side), "C_TCN": np.linspace(3, 8, side)},
            {},
        ),
        (
            f"eu_russia_ratification, per point, {80 if args.quick else 400} points",
            load("eu_russia_ratification"),
            {"cap_c": np.linspace(0.3, 0.9, 80 if args.quick else 400)},
            {"cap_b": 0.9},
        ),
    ]
    rows = []
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        ) as lc,
        Client(lc, set_as_default=False) as client,  # type: ignore[no-untyped-call]
    ):
        for name, scenario, grid, values in cases:
            sweep(scenario, {k: v[:2] for k, v in grid.items()}, values)  # warm-up: compile, caches
            local, here = _median(functools.partial(sweep, scenario, grid, values), calls)
            start = time.perf_counter()
            sweep(scenario, grid, values, scheduler=client)
            first = time.perf_counter() - start
            remote, there = _median(functools.partial(sweep, scenario, grid, values, scheduler=client), calls)
            if not _same(here, there):
                raise SystemExit(f"{name}: the cluster's result differs from one process's")
            rows.append((name, local, first, remote))
    print(f"{'sweep':<48} {'one process':>12} {'2 workers, first':>17} {'2 workers':>10} {'ratio':>7}")
    for name, local, first, remote in rows:
        print(f"{name:<48} {local:>11.3f}s {first:>16.3f}s {remote:>9.3f}s {remote / local:>6.2f}x")
    print("ratio = 2-worker LocalCluster time / one-process time (below 1: the cluster is faster); results identical")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

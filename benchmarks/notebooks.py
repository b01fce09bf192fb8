"""Wall time of each lesson notebook, run top to bottom in a fresh kernel.

What is measured
----------------
Every notebook in ``notebooks/`` (or the ones named on the command line) is read with nbformat and
executed with nbclient in a new ``python3`` kernel, with the working directory set to
``notebooks/`` as Jupyter would, and ``MPLBACKEND=Agg``. The time is the wall time of
``NotebookClient.execute()``: starting the kernel, importing the package and running every cell,
which is what a student waits for after "Run all". A run whose cells raise stops the script with an
error naming the notebook and the cell.

Each notebook is run several times, each time in a fresh kernel (imports are not cached between
runs); the figure is the median. ``--quick`` runs each notebook once.

Goal
----
* Every lesson runs in under 20 s.

The goal ends in one line ``goal ...: met (...)`` or ``goal ...: not met (...)``. Speed is reported,
never enforced: the exit status is non-zero only if a notebook fails to run.

How to run
----------
From the repository root::

    python benchmarks/notebooks.py                  # every notebook, median of 3 runs
    python benchmarks/notebooks.py --quick          # every notebook once
    python benchmarks/notebooks.py notebooks/03_eurasia_chain.ipynb --runs 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GOAL_SECONDS = 20.0


def run_once(path: Path, timeout: int) -> float:
    """Seconds to execute ``path`` top to bottom in a fresh kernel; raises if a cell fails."""
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: every one in notebooks/)")
    parser.add_argument("--quick", action="store_true", help="smoke mode: each notebook once")
    parser.add_argument("--runs", type=int, default=3, help="runs per notebook, each in a fresh kernel (default 3)")
    parser.add_argument("--timeout", type=int, default=300, help="per-cell timeout in seconds (default 300)")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    os.environ.setdefault("MPLBACKEND", "Agg")

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; {runs} run(s) each")
    print(f"{'notebook':40} {'median':>9} {'min':>9} {'max':>9}")
    medians: dict[str, float] = {}
    for path in paths:
        times = []
        for _ in range(runs):
            try:
                times.append(run_once(path, args.timeout))
            except Exception as exc:  # a failing lesson is the one thing this script reports as an error
                last = (str(exc).strip().splitlines() or [""])[-1]
                print(f"{path.name}: failed: {type(exc).__name__}: {last}", file=sys.stderr)
                return 1
        medians[path.name] = statistics.median(times)
        print(f"{path.name:40} {medians[path.name]:8.2f}s {min(times):8.2f}s {max(times):8.2f}s", flush=True)

    slow = [name for name, t in medians.items() if t >= GOAL_SECONDS]
    slowest = max(medians, key=lambda name: medians[name])
    detail = f"slowest {slowest} at {medians[slowest]:.2f} s" + (f"; over: {', '.join(slow)}" if slow else "")
    print(f"goal every lesson under {GOAL_SECONDS:.0f} s: {'not met' if slow else 'met'} ({detail})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

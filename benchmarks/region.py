"""Speed of the consistent region judged as arrays against the per-point judge, timed in the same process.

What is measured
----------------
For every built-in scenario with a record (``[[observed]]`` entries or ``[[claims]]``),
:func:`bargaining.analysis.record.consistent_region` on a uniform random sample of the assumptions'
box (seed 0):

* **arrays**: the default route (``route="auto"``: bargaining.analysis.region judges chunks of
  points with numpy; points it leaves unsure are judged one by one inside the call), 10^5 samples,
  median of 3 calls (``--quick``: 10^4 samples, 1 call). Compiling (a tree's backward induction, a
  package deal's formulas, the sweep's vertex formulas) happens once per process and is cached: it is
  done by one untimed warm-up call on 10 samples, whose time is printed apart;
* **per-point** (the baseline): ``route="per-point"``, the judge of :func:`~bargaining.analysis.record.history`
  at each point, timed on 200 samples (``--quick``: 40) and extrapolated linearly to the arrays'
  sample size (marked ``~``).

Before timing, both routes are run on the baseline's sample and must give the same ``agrees`` and
``observed_agrees`` (the script stops with an error otherwise). The ratio is *per-point time /
arrays time* (above 1: the arrays are faster).

Goal (issue 13): a consistent region of 10^5 samples for every built-in in under 10 s on this
machine. The last lines say ``goal ...: met`` or ``not met`` per scenario; speed is reported, never
enforced: the exit status is non-zero only if an agreement check fails.

How to run
----------
From the repository root::

    python benchmarks/region.py           # 10^5 samples, median of 3 (about a minute)
    python benchmarks/region.py --quick   # 10^4 samples, 1 call, baseline on 40 points (under 20 s)
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import fmt_ratio, fmt_s, median_seconds

from bargaining.analysis.record import ConsistentRegion, consistent_region
from bargaining.io.builtins import builtin_names
from bargaining.io.scenario_file import load
from bargaining.scenario import Scenario

SCENARIOS = [name for name in builtin_names() if load(name).observed]
"""Every built-in with a record to check."""
GOAL_SECONDS = 10.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^4 samples, 1 call, baseline on 40 points")
    args = parser.parse_args(argv)
    samples = 10_000 if args.quick else 100_000
    calls = 1 if args.quick else 3
    base_n = 40 if args.quick else 200
    print(f"consistent regions of {samples:,} samples (seed 0); median of {calls} call(s)")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print()
    header = f"{'scenario':<24}{'warm-up':>10}{'arrays':>11}{'one by one':>12}{'per-point':>13}{'ratio':>9}"
    print(header)
    print("-" * len(header))
    results: list[tuple[str, float]] = []
    for name in SCENARIOS:
        s = load(name)
        began = time.perf_counter()
        consistent_region(s, samples=10, seed=0)  # compiles and caches what the arrays need
        warm = time.perf_counter() - began
        per_point_region: ConsistentRegion | None = None

        def per_point(s: Scenario = s) -> None:
            nonlocal per_point_region
            per_point_region = consistent_region(s, samples=base_n, seed=0, route="per-point")

        base = median_seconds(per_point, 1) / base_n
        check = consistent_region(s, samples=base_n, seed=0)
        assert per_point_region is not None
        if not (
            np.array_equal(check.agrees, per_point_region.agrees)
            and np.array_equal(np.asarray(check.observed_agrees), np.asarray(per_point_region.observed_agrees))
        ):
            print(f"{name}: the arrays disagree with the per-point judge on {base_n} samples", file=sys.stderr)
            return 1
        region: ConsistentRegion | None = None

        def arrays(s: Scenario = s) -> None:
            nonlocal region
            region = consistent_region(s, samples=samples, seed=0)

        ours = median_seconds(arrays, calls)
        assert region is not None
        singles = region.route.split(", ")[1].split(" of ")[0] if region.route.startswith("arrays") else "all"
        baseline = base * samples
        print(
            f"{name:<24}{fmt_s(warm):>10}{fmt_s(ours):>11}{singles:>12}{'~' + fmt_s(baseline):>13}"
            f"{'~' + fmt_ratio(baseline, ours):>9}"
        )
        results.append((name, ours))
    print()
    print(f"per-point: {base_n} samples timed and extrapolated linearly (~); warm-up: a first call on 10 samples")
    for name, ours in results:
        met = "met" if ours < GOAL_SECONDS else "not met"
        print(f"goal {name} region of {samples:,} samples under {GOAL_SECONDS:.0f} s: {met} ({fmt_s(ours)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

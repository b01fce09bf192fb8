"""Nested offers: k rounds of alternating offers compiled once and evaluated on 10^5 discount factors.

What is measured
----------------
Ståhl's (1972) finite-horizon bargaining game, written as a scenario tree: a unit pie, A proposes
first, the proposer of round t offers the responder a share w_t, the responder accepts (the round's
shares, discounted by delta**(t-1)) or rejects and proposes in round t + 1; after round k both get 0.
Each round is an offer node below the previous one's reject move, so k rounds are k nested offers.
Its subgame-perfect share of A is the closed form (1 - (-delta)**k) / (1 + delta).

For k = 2, 4, ..., 10 (``--quick``: 2, 4, 6): ``compile`` is one call of
:func:`bargaining.analysis.compiled_tree.compile_tree` (symbolic backward induction);
``evaluate`` the median over calls of evaluating the compiled tree at 10^5 values of delta in
[0.5, 0.99] (10^4 with ``--quick``); ``per point`` the median time of
:func:`bargaining.analysis.subgame.subgame_perfect` (exact=False, warm caches) at 5 values of delta,
for k up to 8. Agreement is asserted before any timing: the compiled shares equal the closed form
within 1e-12 at every value, and the per-point solver's equal them at its values.

Run: ``.venv/bin/python benchmarks/nested.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

import numpy as np

from bargaining.analysis.compiled_tree import compile_tree
from bargaining.analysis.subgame import subgame_perfect
from bargaining.io.scenario_file import loads
from bargaining.scenario import Scenario


def stahl(k: int) -> Scenario:
    """Ståhl's k-round alternating-offers game as a scenario (A proposes first)."""
    lines = ['format = "bargaining/1"', f'title = "{k} rounds of alternating offers"', 'game = "tree"', 'root = "r1"']
    lines += ["[[actors]]", 'id = "A"', "[[actors]]", 'id = "B"']
    for t in range(1, k + 1):
        proposer, responder = ("A", "B") if t % 2 else ("B", "A")
        after = f"r{t + 1}" if t < k else "end"
        discount = "" if t == 1 else f"delta**{t - 1} * "
        shares = {proposer: f"{discount}(1 - w{t})", responder: f"{discount}w{t}"}
        lines += [f"[nodes.r{t}]", f'actor = "{proposer}"', f'offer = "w{t}"', 'within = ["0", "1"]', f'next = "q{t}"']
        lines += [f"[nodes.q{t}]", f'actor = "{responder}"', f'moves = {{ accept = "deal{t}", reject = "{after}" }}']
        lines += [f"[outcomes.deal{t}]", f'A = "{shares["A"]}"', f'B = "{shares["B"]}"']
        lines += [f"[parameters.w{t}]", "value = 0.5", "min = 0", "max = 1", 'description = "share offered"']
        lines += ['source = "chosen in the game"']
    lines += ["[outcomes.end]", 'A = "0"', 'B = "0"']
    lines += ["[parameters.delta]", "value = 0.9", "min = 0.5", "max = 0.99", 'description = "discount factor"']
    lines += ['source = "assumption of the benchmark"']
    return loads("\n".join(lines))


def closed_form(k: int, delta: np.ndarray) -> np.ndarray:
    """A's subgame-perfect share of k rounds (Ståhl 1972)."""
    return np.asarray((1 - (-delta) ** k) / (1 + delta))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="k = 2, 4, 6 and 10^4 points")
    args = parser.parse_args(argv)
    rounds = (2, 4, 6) if args.quick else (2, 4, 6, 8, 10)
    points = 10**4 if args.quick else 10**5
    calls = 3 if args.quick else 5
    delta = np.linspace(0.5, 0.99, points)
    print(f"{'k':>3} {'route':>9} {'compile':>9} {'evaluate':>10} {'per point':>10}")
    for k in rounds:
        scenario = stahl(k)
        start = time.perf_counter()
        compiled = compile_tree(scenario)
        compile_s = time.perf_counter() - start
        share = compiled.evaluate({"delta": delta}).payoffs["A"]
        if not np.allclose(share, closed_form(k, delta), rtol=0, atol=1e-12):
            raise SystemExit(f"k = {k}: the compiled shares differ from the closed form")
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            compiled.evaluate({"delta": delta})
            times.append(time.perf_counter() - start)
        per_point = "-"
        if k <= 8:
            sample = np.linspace(0.55, 0.95, 5)
            subgame_perfect(scenario, {"delta": 0.9}, exact=False)  # warm caches
            spent = []
            for d in sample:
                start = time.perf_counter()
                spe = subgame_perfect(scenario, {"delta": float(d)}, exact=False)
                spent.append(time.perf_counter() - start)
                if abs(spe.payoff["A"] - float(closed_form(k, np.array(d)))) > 1e-9:
                    raise SystemExit(f"k = {k}: the per-point solver differs from the closed form at delta = {d}")
            per_point = f"{statistics.median(spent) * 1e3:.1f} ms"
        print(
            f"{k:>3} {compiled.route:>9} {compile_s:>8.2f}s {statistics.median(times) * 1e3:>8.1f}ms {per_point:>10}"
        )
    print(f"evaluate = median of {calls} evaluations of {points:,} discount factors")
    print("every share equals the closed form (1 - (-delta)**k) / (1 + delta)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

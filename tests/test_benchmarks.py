"""The benchmark script runs end to end in its quick mode. Speed is reported by it, never asserted here."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "equilibria.py"

GOALS = [
    "pure 14 actors under 20 ms",
    "pure 14 actors at least 50x faster than the Python loop",
    "bimatrix 6x6 within 2x of QuantEcon",
    "bimatrix 6x6 at least 100x faster than nashpy",
    "bimatrix 8x8 within 2x of QuantEcon",
    "bimatrix 8x8 at least 100x faster than nashpy",
]


@pytest.mark.skipif(importlib.util.find_spec("quantecon") is None, reason="needs the 'bench' extra (QuantEcon)")
def test_equilibria_benchmark_quick_mode_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        cwd=SCRIPT.parents[1],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for case in ("pure 6 actors", "pure 16 actors", "bimatrix 2x2", "bimatrix 10x10"):
        assert re.search(rf"^{re.escape(case)}\b", out, re.MULTILINE), f"no table row for {case!r}:\n{out}"
    for goal in GOALS:
        pattern = rf"^goal {re.escape(goal)}: (met|not met) \(.+\)$"
        assert re.search(pattern, out, re.MULTILINE), f"no result line for {goal!r}:\n{out}"

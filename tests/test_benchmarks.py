"""The benchmark script runs end to end in its quick mode. Speed is reported by it, never asserted here."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bargaining.io.builtins import builtin_names
from bargaining.io.scenario_file import load

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "equilibria.py"
needs_quantecon = pytest.mark.skipif(importlib.util.find_spec("quantecon") is None, reason="needs QuantEcon")


def run_quick(script: Path) -> str:
    """Run a benchmark script in its quick mode; its output, after checking it exited 0."""
    proc = subprocess.run(
        [sys.executable, str(script), "--quick"],
        cwd=script.parents[1],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def assert_goal_lines(out: str, goals: list[str]) -> None:
    for goal in goals:
        pattern = rf"^goal {re.escape(goal)}: (met|not met) \(.+\)$"
        assert re.search(pattern, out, re.MULTILINE), f"no result line for {goal!r}:\n{out}"


GOALS = [
    "pure 14 actors under 20 ms",
    "pure 14 actors at least 50x faster than the Python loop",
    "bimatrix 6x6 within 2x of QuantEcon",
    "bimatrix 6x6 at least 100x faster than nashpy",
    "bimatrix 8x8 within 2x of QuantEcon",
    "bimatrix 8x8 at least 100x faster than nashpy",
]


@needs_quantecon
def test_equilibria_benchmark_quick_mode_runs() -> None:
    out = run_quick(SCRIPT)
    for case in ("pure 6 actors", "pure 16 actors", "bimatrix 2x2", "bimatrix 10x10"):
        assert re.search(rf"^{re.escape(case)}\b", out, re.MULTILINE), f"no table row for {case!r}:\n{out}"
    assert_goal_lines(out, GOALS)


SWEEP_SCRIPT = SCRIPT.with_name("sweep.py")

SWEEP_GOALS = [
    "2x2 sweep of 10^6 points under 1 s",
    "2x2 sweep of 10^6 points within 3x of the numpy closed form",
    "2x2 sweep at least 100x faster than the fastest per-point loop",
    "3x3 sweep at least 100x faster than the fastest per-point loop",
    "threshold with comparative statics under 0.5 s",
]


@needs_quantecon
def test_sweep_benchmark_quick_mode_runs() -> None:
    out = run_quick(SWEEP_SCRIPT)
    for game in ("2x2", "3x3"):
        for method in ("sweep", "loop: nashpy vertex_enumeration", "loop: QuantEcon vertex_enumeration"):
            case = f"{game} {method}"
            assert re.search(rf"^{re.escape(case)}\b", out, re.MULTILINE), f"no table row for {case!r}:\n{out}"
        assert re.search(rf"^{game} sweep \(first call, incl\. setup\)", out, re.MULTILINE), out
    assert re.search(r"^2x2 numpy closed form\b", out, re.MULTILINE), f"no closed-form row:\n{out}"
    assert re.search(r"^2x2 loop: sympy subs \+ vertex_enumeration\b", out, re.MULTILINE), out
    assert "sweep = numpy closed form at every point of both grids" in out
    assert len(re.findall(r"^sweep = per-point vertex_enumeration at \d+ random points", out, re.MULTILINE)) == 2, out
    assert re.search(r"^threshold first call .+, median of the next \d+ calls .+$", out, re.MULTILINE), out
    assert_goal_lines(out, SWEEP_GOALS)


TREES_SCRIPT = SCRIPT.with_name("trees.py")

TREES_GOALS = [
    "random tree of 10^6 nodes under 2 s",
    "path 10^4 deep with no recursion-limit failure",
]


def test_trees_benchmark_quick_mode_runs() -> None:
    out = run_quick(TREES_SCRIPT)
    for case in ("random 10^4 nodes", "random 10^5 nodes", "path 10^3 deep", "path 10^4 deep"):
        assert re.search(rf"^{re.escape(case)}\s+\d+\s", out, re.MULTILINE), f"no table row for {case!r}:\n{out}"
        assert re.search(rf"^  {re.escape(case)}: done \(.*all agree\)$", out, re.MULTILINE), out
    for depth in ("10^3", "10^4"):
        line = rf"^path {re.escape(depth)} deep: ours in the main thread at the default recursion limit \(\d+\): ran;"
        assert re.search(line, out, re.MULTILINE), f"no recursion line for depth {depth}:\n{out}"
    assert_goal_lines(out, TREES_GOALS)


BARGAIN_SCRIPT = SCRIPT.with_name("bargain.py")

BARGAIN_GOALS = [
    "numeric pipeline on 65,536 packages under 1 s",
    "bargain with exact forms on 65,536 packages under 1 s",
]


def test_bargain_benchmark_quick_mode_runs() -> None:
    out = run_quick(BARGAIN_SCRIPT)
    for case, packages in (("5x4", "1,024"), ("8x4", "65,536")):
        rows = re.findall(rf"^{re.escape(case)}\s+{re.escape(packages)}\s", out, re.MULTILINE)
        assert len(rows) == 2, f"want a frontier row and a solve row for {case!r}:\n{out}"
        line = rf"^  {re.escape(case)} \({re.escape(packages)} packages\): done \(\d+ problems?, all agree\)$"
        assert re.search(line, out, re.MULTILINE), out
    assert re.search(r"^first bargain call in this process \(.+\): [\d.]+ m?s$", out, re.MULTILINE), out
    assert_goal_lines(out, BARGAIN_GOALS)


REGION_SCRIPT = SCRIPT.with_name("region.py")
REGION_BUILTINS = [name for name in builtin_names() if load(name).observed]  # every built-in with a record


def test_region_benchmark_quick_mode_runs() -> None:
    out = run_quick(REGION_SCRIPT)
    for name in REGION_BUILTINS:
        assert re.search(rf"^{name}\s+\S+ m?s\s+\S+ m?s\s+\d+\s+~", out, re.MULTILINE), f"no row for {name}:\n{out}"
        assert re.search(rf"^goal {name} region of 10,000 samples under 10 s: (met|NOT met)", out, re.MULTILINE), out


CLUSTER_SCRIPT = SCRIPT.with_name("cluster.py")


def test_cluster_benchmark_quick_mode_runs() -> None:
    pytest.importorskip("distributed")
    out = run_quick(CLUSTER_SCRIPT)
    for case in ("eurasia_chain, compiled", "eu_russia_ratification, per point"):
        assert re.search(rf"^{re.escape(case)}.*\d\.\d+x$", out, re.MULTILINE), f"no row for {case!r}:\n{out}"
    assert "results identical" in out


NESTED_SCRIPT = SCRIPT.with_name("nested.py")


def test_nested_offers_benchmark_quick_mode_runs() -> None:
    out = run_quick(NESTED_SCRIPT)
    for k in (2, 4, 6):
        assert re.search(rf"^\s*{k}\s+symbolic\s+\d+\.\d+s\s+\d+\.\d+ms\s+\d+\.\d+ ms$", out, re.MULTILINE), out
    assert "every share equals the closed form" in out

"""Budgets checked before the work, and symbolic work with a deadline (issue 10, docs/format.md#budgets).

Each test would fail on the code before the budgets: the sizes were allocated (MemoryError), the
work ran past any limit, or numpy's own limits broke (an ndarray of 99 dimensions).
"""

from __future__ import annotations

import math
import os
import time
import tracemalloc
from collections.abc import Callable
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy

import bargaining.analysis.sweep as sweep_module
from bargaining.analysis.deadline import (
    DeadlineExceeded,
    expanded_size,
    too_large,
    within_deadline,
)
from bargaining.analysis.deal import bargain
from bargaining.analysis.nash import equilibria
from bargaining.analysis.record import MAX_SAMPLES, consistent_region
from bargaining.analysis.signs import _corners, sign_over_box
from bargaining.analysis.statics import comparative_statics
from bargaining.analysis.subgame import subgame_perfect
from bargaining.analysis.sweep import candidate_vertices, parse_grid, parse_grids, sweep
from bargaining.analysis.sweep_grid import MAX_POINTS, check_budget
from bargaining.analysis.threshold import threshold
from bargaining.budget import (
    BUDGET_ENV,
    DEFAULT_BUDGET_MB,
    budget_mb,
    check_bytes,
    count_limit,
    deadline_seconds,
    using_budget,
)
from bargaining.cli import main
from bargaining.errors import ScenarioError
from bargaining.games.bargain import MAX_PACKAGES, BargainingProblem
from bargaining.games.normal import MAX_SYMBOLIC_ENTRIES, NormalFormGame
from bargaining.games.tree import TreeGame
from bargaining.io.scenario_file import load, loads
from bargaining.parameters import ParameterSpace

MiB = 2**20

POLY64 = """
format = "bargaining/1"
title = "A threshold on a degree-64 polynomial"
game = "normal"

[[actors]]
id = "X"
strategies = ["s1", "s2"]

[[actors]]
id = "Y"
strategies = ["t1", "t2"]

[parameters]
a = { value = 0.5, min = 0.0, max = 1.0, source = "assumption" }
b = { value = 0.1, min = 0.0, max = 1.0, source = "assumption" }
c = { value = 0.1, min = 0.0, max = 1.0, source = "assumption" }
d = { value = 0.1, min = 0.0, max = 1.0, source = "assumption" }
e = { value = 2.0, min = 0.0, max = 10.0, source = "assumption" }

[[payoffs]]
profile = { X = "s1", Y = "t1" }
X = "(a+b+c+d)**64 - e"
Y = "1"

[[payoffs]]
profile = { X = "s1", Y = "t2" }
X = "0"
Y = "0"

[[payoffs]]
profile = { X = "s2", Y = "t1" }
X = "1"
Y = "0"

[[payoffs]]
profile = { X = "s2", Y = "t2" }
X = "0"
Y = "1"
"""


def peak_bytes(call: Callable[[], Any]) -> tuple[Any, int]:
    """``call()``'s result (or the exception it raised) and the peak of Python's allocations meanwhile."""
    tracemalloc.start()
    try:
        try:
            out: Any = call()
        except Exception as exc:
            out = exc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return out, peak


def signing_game(actors: int, strategies: int = 2) -> NormalFormGame:
    """Actors in a line, each gaining g from each neighbour who plays s0 when it does, at cost c."""
    names = [f"A{i}" for i in range(actors)]
    strats = {a: [f"s{k}" for k in range(strategies)] for a in names}
    formulas = {}
    for i, a in enumerate(names):
        near = [names[j] for j in (i - 1, i + 1) if 0 <= j < actors]
        formulas[a] = f"{a}.s0 * (g * ({' + '.join(f'{b}.s0' for b in near) or '0'}) - c)"
    return NormalFormGame.from_formulas(strats, formulas, parameters={"g": (0.3, 0.0, 1.0), "c": (0.5, 0.0, 1.0)})


# ------------------------------------------------------------------------------------ the budget


def test_the_budget_comes_from_the_argument_the_block_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BUDGET_ENV, raising=False)
    assert budget_mb() == DEFAULT_BUDGET_MB == 1024.0
    monkeypatch.setenv(BUDGET_ENV, "2048")
    assert budget_mb() == 2048.0 and count_limit(100) == 200 and deadline_seconds() == 4.0
    with using_budget(512):
        assert budget_mb() == 512.0 and budget_mb(64) == 64.0  # the argument wins over the block
    assert budget_mb() == 2048.0
    for bad in ("-1", "0", "nan", "inf", "lots"):
        monkeypatch.setenv(BUDGET_ENV, bad)
        with pytest.raises(ScenarioError, match=BUDGET_ENV):
            budget_mb()
    with pytest.raises(ScenarioError, match="positive number of MiB"):
        budget_mb(-5)


def test_a_refusal_says_the_size_the_limit_and_how_to_raise_it() -> None:
    with pytest.raises(ScenarioError) as err:
        check_bytes("a payoff array", 3 * 2**30, field="actors", instead="fewer actors")
    text = str(err.value)
    for part in ("actors:", "1,024 MiB", "fewer actors", "3,072 MiB", "--budget MB", BUDGET_ENV, "budget="):
        assert part in text, part
    check_bytes("a payoff array", 3 * 2**30, 4096, field="actors", instead="fewer actors")  # raised: accepted


# ------------------------------------------------------------------------------ normal-form games


def test_25_actors_are_refused_before_the_payoff_array_is_allocated() -> None:
    game = signing_game(25)  # 2^25 profiles: 25 * 2^25 payoffs, 6.25 GiB of floats
    err, peak = peak_bytes(lambda: equilibria(game))
    assert isinstance(err, ScenarioError), err
    assert "25 actors" in str(err) and "1,024 MiB" in str(err) and err.field == "actors"
    assert peak < 20 * MiB, peak  # nothing of the array's size was allocated


@pytest.mark.parametrize(("actors", "strategies"), [(30, 2), (40, 2), (12, 5)])
def test_larger_games_are_refused_as_fast(actors: int, strategies: int) -> None:
    game = signing_game(actors, strategies)
    start = time.perf_counter()
    with pytest.raises(ScenarioError, match=rf"found {actors} actors.*[MGT]iB"):
        game.payoff_array({"g": 0.3, "c": 0.5})
    assert time.perf_counter() - start < 1.0


def test_the_payoff_array_budget_is_raised_on_purpose() -> None:
    game = signing_game(16)  # 16 * 2^16 payoffs: about 9 MiB with room for the evaluation
    with pytest.raises(ScenarioError, match="memory budget of 4 MiB"):
        game.payoff_array({"g": 0.3, "c": 0.5}, budget=4)
    arr = game.payoff_array({"g": 0.3, "c": 0.5}, budget=64)
    # A0 plays s0, A1 plays s0, everybody else s1: A0 gains g from A1
    assert arr[(0, 0, 0, *([1] * 14))] == pytest.approx(0.3 - 0.5)


def test_the_symbolic_table_of_a_formula_game_is_budgeted_by_entries() -> None:
    game = signing_game(12)  # 12 * 4096 = 49,152 entries, each a substitution
    assert 12 * 2**12 > MAX_SYMBOLIC_ENTRIES
    with pytest.raises(ScenarioError, match="at most 20,000 payoff entries"):
        game.payoff_table()
    small = signing_game(3)
    table = small.payoff_table()
    g, c = sympy.symbols("g c", real=True)
    assert table[1, 0, 0, 0] == 2 * g - c and table[1, 0, 0, 1] == g - c and table[1, 1, 0, 1] == -c
    assert table[0, 1, 0, 0] == 0


def table_game(m: int, n: int) -> NormalFormGame:
    """An m x n table of small integers (the pattern of tests/test_hostile.py) with one parameter."""
    payoffs: dict[tuple[str, ...], tuple[int | str, ...]] = {
        (f"r{i}", f"c{j}"): ((7 * i + 3 * j * j + i * j) % 11, f"{(5 * j + 2 * i * i + 3 * i * j) % 13} * q")
        for i in range(m)
        for j in range(n)
    }
    return NormalFormGame.from_table(
        {"X": [f"r{i}" for i in range(m)], "Y": [f"c{j}" for j in range(n)]},
        payoffs,
        parameters={"q": (1.0, 0.0, 2.0)},
    )


def test_a_60x60_table_evaluates_from_its_terms_and_agrees_with_substitution() -> None:
    game = table_game(60, 60)  # compiled as one 3,600-term sum, its code was nested too deep (RecursionError)
    start = time.perf_counter()
    arr = game.payoff_array({"q": 2.0})
    assert time.perf_counter() - start < 2.0
    q = sympy.Symbol("q", real=True)
    rng = np.random.default_rng(3)
    for i, j in rng.integers(0, 60, size=(40, 2)):
        by_substitution = [  # the second method: the whole formula with every indicator replaced
            f.xreplace(
                {s: int(k == (i, j)[a]) for a, row in enumerate(game._indicator_symbols) for k, s in enumerate(row)}
            )
            for f in game.formulas
        ]
        assert arr[0, i, j] == float(by_substitution[0]) == (7 * i + 3 * j * j + i * j) % 11
        assert arr[1, i, j] == float(by_substitution[1].subs(q, 2)) == 2 * ((5 * j + 2 * i * i + 3 * i * j) % 13)
    grid = game.payoff_array({"q": np.array([0.0, 1.0, 2.0])})
    assert grid.shape == (2, 60, 60, 3) and np.array_equal(grid[..., 2], arr)


def test_100000_strategies_compile_only_the_indicators_used() -> None:
    strategies = {"A": [f"s{i}" for i in range(100_000)], "B": ["wait"]}
    game = NormalFormGame.from_formulas(strategies, {"A": "a * A.s7 + A.s3", "B": "A.s1"}, parameters={"a": 1.0})
    start = time.perf_counter()
    arr = game.payoff_array({"a": 2.0})
    assert time.perf_counter() - start < 2.0
    assert arr.shape == (2, 100_000, 1)
    assert arr[0, 7, 0] == 2.0 and arr[0, 3, 0] == 1.0 and arr[1, 1, 0] == 1.0 and arr.sum() == 4.0


def test_the_exact_forms_of_a_formula_too_large_to_expand_are_not_tried() -> None:
    g = NormalFormGame.from_table(
        {"X": ["s1", "s2"], "Y": ["t1", "t2"]},
        {
            ("s1", "t1"): ("1 + (a+b+c+d)**40/4**40", 0),
            ("s1", "t2"): (0, 1),
            ("s2", "t1"): (0, 1),
            ("s2", "t2"): (1, 0),
        },
        parameters={p: (1.0, 0.0, 10.0) for p in "abcd"},
    )
    start = time.perf_counter()
    found = equilibria(g)
    assert time.perf_counter() - start < 1.5
    assert any("not tried" in n and "12,342 terms of degree 40" in n for n in found.notes), found.notes
    numbers = equilibria(g, exact=False)
    assert [e.probabilities for e in found] == [e.probabilities for e in numbers]
    (e,) = found.equilibria
    assert e.exact_probabilities is None
    # X mixes to make Y indifferent (1/2 each); Y makes X indifferent: 2y = 1 - y, y = 1/3
    assert e.probabilities[0] == (0.5, 0.5)
    assert e.probabilities[1] == pytest.approx((1 / 3, 2 / 3))


def test_exact_forms_past_the_deadline_come_back_as_numbers_with_a_note() -> None:
    g = NormalFormGame.from_table(
        {"X": ["s1", "s2"], "Y": ["t1", "t2"]},
        {("s1", "t1"): ("(a+b+c+d)**8/4**8", 0), ("s1", "t2"): (0, 1), ("s2", "t1"): (0, 1), ("s2", "t2"): (1, 0)},
        parameters={p: (1.0, 0.0, 10.0) for p in "abcd"},
    )
    start = time.perf_counter()
    found = equilibria(g, budget=256)  # a quarter of the default budget: a deadline of 0.5 s
    assert time.perf_counter() - start < 2.0
    assert any("not found within 0.5 s" in n for n in found.notes), found.notes
    (e,) = found.equilibria
    assert e.exact_probabilities is None
    assert e.probabilities == ((0.5, 0.5), (0.5, 0.5))


# --------------------------------------------------------------------------------- the deadline


def _children() -> set[int] | None:
    """This process's child processes (Linux's /proc), None where that cannot be read."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    try:
        return {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}
    except OSError:
        return None


def test_a_worker_is_killed_at_its_deadline() -> None:
    before = _children()
    start = time.perf_counter()
    with pytest.raises(DeadlineExceeded, match=r"not found within 0\.3 s"):
        within_deadline(lambda: time.sleep(30), 0.3)
    assert time.perf_counter() - start < 2.0
    after = _children()
    if before is not None and after is not None:  # reaped: no worker left behind (other tests' children aside)
        assert after <= before
    else:
        with pytest.raises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)


def test_a_worker_passes_back_results_and_errors() -> None:
    x = sympy.Symbol("x", real=True)
    assert within_deadline(lambda: sympy.factor(x**2 - 1), 10.0) == (x - 1) * (x + 1)

    def refuse() -> None:
        raise ScenarioError("a small game", found="a big one", file="g.toml", field="actors")

    with pytest.raises(ScenarioError) as err:
        within_deadline(refuse, 10.0)
    assert str(err.value) == "g.toml: actors: expected a small game, found a big one"

    def exhaust() -> None:
        raise MemoryError

    with pytest.raises(DeadlineExceeded, match="MemoryError"):
        within_deadline(exhaust, 10.0)


def test_expanded_size_bounds_what_expand_gives() -> None:
    a, b, c, d, e = sympy.symbols("a b c d e")
    cases = [(a + b) ** 5, (a + b + c) ** 4 * (d - e), (a + 1) * (b + 1) * (c + 1), (a + b + c + d) ** 3 - e]
    for expr in cases:
        size = expanded_size(expr)
        expanded = sympy.expand(expr)
        assert size.terms >= len(sympy.Add.make_args(expanded))
        assert size.degree == sympy.Poly(expanded, a, b, c, d, e).total_degree()
    assert expanded_size((a + b + c + d) ** 64).terms == math.comb(67, 3)
    assert too_large((a + b + c + d) ** 64 - e) is not None and too_large((a + b) ** 4) is None


# ------------------------------------------------------------------------------------- thresholds


def test_a_degree_64_threshold_is_a_numeric_root_found_at_once() -> None:
    scenario = loads(POLY64)
    start = time.perf_counter()
    t = threshold(scenario, "X", prefer="s1", over="s2", solve_for="a", given={"Y": "t1"})
    assert time.perf_counter() - start < 2.0
    assert t.formula is None and not t.exact
    # (a + 0.3)**64 - e - 1 = 0 with e = 2: a = 3**(1/64) - 0.3
    assert t.value == pytest.approx(3 ** (1 / 64) - 0.3, rel=1e-9)
    assert any("degree 64" in n for n in t.notes)


def test_statics_over_99_parameters_sample_the_box_corners() -> None:
    corners = _corners([(0.0, 1.0)] * 99, np.random.default_rng(0))
    assert corners.shape == (99, 1024) and set(np.unique(corners)) == {0.0, 1.0}
    small = _corners([(0.0, 1.0), (2.0, 3.0)], np.random.default_rng(0))
    assert sorted(map(tuple, small.T)) == [(0.0, 2.0), (0.0, 3.0), (1.0, 2.0), (1.0, 3.0)]
    ps = sympy.symbols("p0:99", real=True)
    formula = sympy.Integer(50) - sympy.Add(*ps[1:])
    space = ParameterSpace.of({f"p{i}": (0.5, 0.0, 1.0) for i in range(99)})
    moves = comparative_statics(formula, space, exclude=("p0",))
    assert len(moves.signs) == 98 and all(s.sign == "-" and not s.proven for s in moves.signs.values())
    assert any("98 parameters" in n for n in moves.notes)
    # the proven route on a few parameters agrees
    proven = sign_over_box(sympy.diff(formula, ps[1]), {p: (0.0, 1.0) for p in ps})
    assert proven.sign == "-" and proven.proven


# ------------------------------------------------------------------------------------------ trees


def nested_offers(k: int) -> TreeGame:
    """k offer nodes in a chain, A and B in turn, then B's reply (as tests/hostile/time_nested_offers_5.toml)."""
    nodes = "".join(
        f'[nodes.o{i}]\nactor = "{"AB"[i % 2]}"\noffer = "v{i}"\nwithin = ["0", "1"]\n'
        f'next = "{f"o{i + 1}" if i + 1 < k else "reply"}"\n\n'
        for i in range(k)
    )
    params = "".join(
        f'[parameters.v{i}]\nvalue = 0.5\nmin = 0.0\nmax = 1.0\nsource = "assumption"\n\n' for i in range(k)
    )
    text = (
        'format = "bargaining/1"\ntitle = "nested offers"\ngame = "tree"\nroot = "o0"\n\n'
        '[[actors]]\nid = "A"\n\n[[actors]]\nid = "B"\n\n'
        + nodes
        + '[nodes.reply]\nactor = "B"\nmoves = { accept = "deal", reject = "no_deal" }\n\n'
        + f'[outcomes.deal]\nA = "{" * ".join(f"(1 - v{i})" for i in range(k))}"\n'
        + f'B = "{" + ".join(f"v{i}" for i in range(k))} - w * v0 * v1"\n\n'
        + '[outcomes.no_deal]\nA = "0"\nB = "w"\n\n'
        + params
        + '[parameters.w]\nvalue = 0.2\nmin = 0.0\nmax = 1.0\nsource = "assumption"\n'
    )
    scenario = loads(text)
    assert isinstance(scenario.game, TreeGame)
    return scenario.game


def test_five_nested_offers_are_solved_numerically_with_a_note() -> None:
    tree = nested_offers(5)
    start = time.perf_counter()
    spe = subgame_perfect(tree)
    assert time.perf_counter() - start < 10.0  # numeric: about 1 s (the exact search ran past a minute)
    assert any("5 offer nodes" in n and "at most 4" in n for n in spe.notes)
    numeric = subgame_perfect(tree, exact=False)
    assert spe.offers == numeric.offers and spe.payoff == numeric.payoff and spe.exact_payoff is None


# -------------------------------------------------------------------------------------- packages


def test_30_issues_are_refused_before_their_packages_are_allocated() -> None:
    issues = [{"id": f"i{k}", "options": {"none": {"A": 0, "B": 0}, "yes": {"A": -1, "B": 2}}} for k in range(30)]
    problem = BargainingProblem.build(["A", "B"], issues)
    err, peak = peak_bytes(lambda: bargain(problem))
    assert isinstance(err, ScenarioError), err
    assert f"at most {MAX_PACKAGES:,} packages" in str(err) and "1,073,741,824 packages" in str(err)
    assert peak < 20 * MiB
    few = BargainingProblem.build(["A", "B"], issues[:4])
    assert few.utilities({}).shape == (16, 2)


# ------------------------------------------------------------------------------------------ grids


@pytest.mark.parametrize(
    "texts",
    [
        ["r=0:10:1000000000"],
        ["r=0:10:1" + "0" * 30],
        ["r=0:4:100000", "p=0.2:1:100000"],
        [f"{p}=0:1:100" for p in ("a", "v_cap", "c_N", "C_TCN", "k", "b_N")],
    ],
)
def test_grids_above_the_budget_are_refused_before_an_axis_is_allocated(texts: list[str]) -> None:
    err, peak = peak_bytes(lambda: parse_grids(texts))
    assert isinstance(err, ScenarioError) and err.field == "grid", err
    assert "points" in str(err) and "1,024 MiB" in str(err)
    assert peak < 5 * MiB


def test_the_same_axis_twice_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="r twice"):
        parse_grids(["r=0:1:3", "r=0:2:3"])
    assert parse_grid("p=0:1:3")[1].tolist() == [0.0, 0.5, 1.0]


def test_point_by_point_grids_scale_with_the_budget() -> None:
    over = [MAX_POINTS + 1]
    with pytest.raises(ScenarioError, match=f"at most {MAX_POINTS:,} points"):
        check_budget(over, "tree")
    assert check_budget(over, "tree", budget=2 * DEFAULT_BUDGET_MB) == MAX_POINTS + 1


def test_a_normal_form_sweep_beyond_the_memory_budget_is_refused_before_any_point() -> None:
    scenario = load("conditionality")
    grid = {"r": np.linspace(0, 4, 2000), "p": np.linspace(0.2, 1, 2000)}  # 4 million points
    with pytest.raises(ScenarioError, match="a sweep's arrays within the memory budget of 16 MiB"):
        sweep(scenario, grid, budget=16)


def test_a_sweep_whose_vertex_formulas_are_late_solves_them_numerically_and_agrees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inspection = NormalFormGame.from_table(  # a mixed equilibrium (e/f, ...) and pure ones, by region
        {"EU": ["monitor", "trust"], "RU": ["readmit", "stall"]},
        {
            ("monitor", "readmit"): ("g - m", "-e"),
            ("monitor", "stall"): ("-m", "-f"),
            ("trust", "readmit"): ("g", "-e"),
            ("trust", "stall"): ("-l", "0"),
        },
        parameters={
            "e": (1.0, 0.0, 6.0),
            "f": (4.0, 0.5, 6.0),
            "g": (2.0, 0.0, 5.0),
            "m": (1.0, 0.0, 5.0),
            "l": (2.0, 0.0, 5.0),
        },
    )
    grid = {"e": np.linspace(0.0, 6.0, 25), "m": np.linspace(0.0, 5.0, 21)}
    symbolic = sweep(inspection, grid)

    def late(*args: object, **kwargs: object) -> None:
        raise DeadlineExceeded(0.01)

    sweep_module.vertex_plan.cache_clear()
    monkeypatch.setattr(sweep_module, "within_deadline", late)
    try:
        numeric = sweep(inspection, grid)
    finally:
        sweep_module.vertex_plan.cache_clear()
    assert any("solved numerically" in n for n in numeric.notes) and "numerically" in numeric.method

    # several candidates (vertex pairs) may share a label: compare, label by label, where each holds
    # and the mixtures there
    def by_label(s: Any) -> dict[str, tuple[Any, list[Any]]]:
        out: dict[str, tuple[Any, list[Any]]] = {}
        for k in range(len(s.candidates)):
            where, probs = out.get(s.label(k), (np.zeros(s.shape, dtype=bool), [np.zeros((*s.shape, 2))] * 2))
            valid = s.valid[k]
            probs = [np.where(valid[..., None], s.probabilities[a][k], probs[a]) for a in range(2)]
            out[s.label(k)] = (where | valid, probs)
        return out

    exact, numbers = by_label(symbolic), by_label(numeric)
    assert len(exact) > 2 and set(exact) == set(numbers)
    for label, (where, probs) in exact.items():
        assert np.array_equal(numbers[label][0], where), label
        for a in range(2):
            assert np.allclose(numbers[label][1][a][where], probs[a][where], atol=1e-9), label
    assert np.array_equal(numeric.degenerate, symbolic.degenerate)
    assert candidate_vertices(2, 2) == sum(math.comb(2, k) ** 2 for k in (1, 2))


# ------------------------------------------------------------------------------------ the record


@pytest.mark.parametrize("samples", [-5, 0, 2.5, True])
def test_region_samples_must_be_a_positive_whole_number(samples: Any) -> None:
    with pytest.raises(ScenarioError) as err:
        consistent_region(load("eu_russia_2007"), samples=samples)
    assert err.value.field == "samples"


@pytest.mark.parametrize("samples", [10**9, 10**23])
def test_region_samples_above_the_budget_are_refused_before_any_point(samples: int) -> None:
    start = time.perf_counter()
    # judged as arrays: bounded by the memory the samples' arrays would take
    with pytest.raises(ScenarioError, match=r"samples: expected .* within the memory budget"):
        consistent_region(load("eu_russia_2007"), samples=samples)
    # judged point by point: bounded by the count of points solved one by one
    with pytest.raises(ScenarioError, match=f"at most {MAX_SAMPLES:,} points"):
        consistent_region(load("eu_russia_2007"), samples=samples, route="per-point")
    assert time.perf_counter() - start < 1.0


# ----------------------------------------------------------------------------------- the command


def test_the_command_takes_a_budget_and_names_its_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "eu_russia_2007", "--region", "-5"]) == 2
    assert "--region" in capsys.readouterr().err
    assert main(["solve", "conditionality", "--budget", "-1"]) == 2
    assert capsys.readouterr().err.startswith("--budget: expected a positive number of MiB")
    # a two-level game is solved point by point: its grids are capped by MAX_POINTS
    assert main(["sweep", "eu_russia_ratification", "--grid", f"cap_c=0.3:0.9:{MAX_POINTS + 1}", "--quiet"]) == 2
    assert f"at most {MAX_POINTS:,} points" in capsys.readouterr().err
    assert main(["sweep", "conditionality", "--grid", "r=0:1:3", "--grid", "r=0:2:3"]) == 2
    assert "--grid r" in capsys.readouterr().err
    assert main(["sweep", "conditionality", "--grid", "r=0:4:50", "--budget", "2048", "--quiet"]) == 0


def test_pure_profiles_of_a_product_game_agree_with_brute_force() -> None:
    """The array built from a table's terms, on a three-actor table, against each profile's formula."""
    strategies = {"A": ["x", "y"], "B": ["x", "y", "z"], "C": ["x", "y"]}
    table = {prof: tuple(f"{k + 1} * t - {len(set(prof))}" for k in range(3)) for prof in product(*strategies.values())}
    game = NormalFormGame.from_table(strategies, table, parameters={"t": (0.5, 0.0, 1.0)})
    arr = game.payoff_array({"t": 0.25})
    for idx in np.ndindex(2, 3, 2):
        prof = tuple(strategies[a][k] for a, k in zip("ABC", idx, strict=True))
        for i in range(3):
            assert arr[(i, *idx)] == pytest.approx((i + 1) * 0.25 - len(set(prof)))
            assert game.payoff_expr("ABC"[i], prof) == game.entry(i, idx)

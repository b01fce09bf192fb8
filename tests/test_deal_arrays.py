"""Package deals solved as arrays (bargaining.analysis.deal_arrays) equal the per-point solver
(``bargain(..., exact=False)``) at sampled points, and the arrays route of sweep_deal equals its
per-point route; the Nash solution's defining properties hold on random problems (hypothesis)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bargaining.analysis.sweep_deal as sweep_deal_module
from bargaining.analysis.deal import bargain
from bargaining.analysis.deal_arrays import DealArrays, compile_deal, deal_solutions, nash_codes
from bargaining.analysis.sweep_deal import DealRoute, DealSweep, sweep_deal
from bargaining.analysis.sweep_grid import MAX_POINTS
from bargaining.errors import ScenarioError
from bargaining.games.bargain import BargainingProblem
from bargaining.io.scenario_file import load, loads
from bargaining.scenario import Scenario

MODELS = Path(__file__).resolve().parents[1] / "models"
REL = 1e-9


def close(x: Any, y: Any, scale: float) -> bool:
    return bool(np.all(np.abs(np.asarray(x, dtype=float) - np.asarray(y, dtype=float)) <= REL * (1.0 + scale)))


def label_of(problem: BargainingProblem, lottery: tuple[tuple[int, float], ...]) -> str:
    """The Nash support label as sweep_deal's per-point route writes it."""
    if not lottery:
        return "no package beats disagreement"
    return " / ".join(problem.label(k) for k, _ in sorted(lottery))


def compare_with_bargain(
    scenario: Scenario | BargainingProblem,
    params: dict[str, np.ndarray],
    outside: dict[str, str] | None = None,
) -> DealArrays:
    """Every solution's payoffs, lottery and the Nash label at every point equal bargain(..., exact=False)."""
    model = Scenario.of(scenario)
    problem = model.game
    assert isinstance(problem, BargainingProblem)
    table = outside if outside is not None else model.extra.get("outside")
    assert table is None or isinstance(table, dict)
    out = deal_solutions(problem, params, table)
    n = len(out)
    codes, labels = nash_codes(problem, params)
    for i in range(n):
        vals = {k: float(np.broadcast_to(v, (n,))[i]) for k, v in params.items()}
        ref = bargain(model, vals, outside=outside, exact=False)
        assert out.solutions == tuple(ref.solutions)
        scale = float(np.abs(ref.points).max()) + float(np.abs(ref.disagreement).max())
        for name, s in ref.solutions.items():
            assert close(out.payoffs[name][i], s.point, scale), (i, name, out.payoffs[name][i], s.point, vals)
            weights = np.zeros(problem.size)
            for k, w in s.lottery:
                weights[k] += w
            assert np.allclose(out.weights(name)[i], weights, atol=1e-9), (i, name, vals)
        assert labels[int(codes[i])] == label_of(problem, ref.solutions["nash"].lottery), (i, vals)
        assert sorted(out.frontier[i][out.frontier[i] >= 0].tolist()) == sorted(ref.frontier.vertices.tolist())
    return out


def box(scenario: Scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` seeded uniform random points of the scenario's whole parameter box."""
    rng = np.random.default_rng(seed)
    return {p.name: rng.uniform(p.min, p.max, n) for p in scenario.space.parameters}


@pytest.mark.parametrize("name", ["eu_russia_package", "russia_uzbekistan_2007"])
def test_builtins_equal_bargain_at_random_points_of_their_box(name: str) -> None:
    scenario = load(name)
    assert isinstance(scenario.game, BargainingProblem)
    out = compare_with_bargain(scenario, box(scenario, 220, seed=13))
    assert len(set(out.support_keys().tolist())) > 2  # the box crosses several supports


def test_outside_options_equal_bargain() -> None:
    text = (MODELS / "russia_uzbekistan_2007.toml").read_text(encoding="utf-8")
    with_table = loads(text + '\n[outside]\nUZ = "0.1 * L"\nRU = "kappa - 0.3"\n', name="with_outside.toml")
    params = box(with_table, 200, seed=5)
    out = compare_with_bargain(with_table, params)
    game = load("russia_uzbekistan_2007").game
    assert isinstance(game, BargainingProblem)
    plain = deal_solutions(game, params)
    assert not np.allclose(out.payoffs["rubinstein"], plain.payoffs["rubinstein"])  # the options bind somewhere
    # eu_russia_package with Russia's outside option d_R = 0.5 (its comment's story), given as an argument
    eu = load("eu_russia_package")
    compare_with_bargain(eu, box(eu, 200, seed=6), outside={"RU": "0.5"})


def test_knife_edges_of_the_eu_russia_package() -> None:
    """Points where the Nash solution sits on a vertex, where no package beats disagreement, and the
    box's corners: the tie rules agree with the per-point solver."""
    scenario = load("eu_russia_package")
    base: dict[str, Any] = dict(scenario.values())
    T = np.array([0.0, 10.0, 3.0, 3.0, 3.0, 3.0, 0.0, 10.0])
    d_EU = np.array([0.0, 0.0, 5.0, -5.0, 1.687, 1.0, 5.0, -5.0])
    alpha = np.array([0.0, 1.0, 0.5, 0.0, 1.0, 0.5, 1.0, 0.0])
    compare_with_bargain(scenario, {**base, "T": T, "d_EU": d_EU, "alpha": alpha})
    corners = {p.name: np.array([p.min, p.max] * 4) for p in scenario.space.parameters}
    compare_with_bargain(scenario, corners)


def random_problem(
    utilities: list[tuple[int, int]], scale: float, discount: tuple[float, float], outside: bool
) -> BargainingProblem:
    """One issue whose options are the packages; utilities (integers, so ties and collinear points are
    common) times ``scale``, the second package's utility for A moved by the parameter ``x``."""
    options = {}
    for k, (a, b) in enumerate(utilities):
        ua = f"{a * scale!r} + x" if k == 1 else repr(a * scale)
        options[f"o{k}"] = {"A": ua, "B": repr(b * scale)}
    return BargainingProblem.build(
        ["A", "B"],
        [{"id": "deal", "options": options}],
        disagreement={"A": "dA", "B": "dB"},
        discount={"A": repr(discount[0]), "B": repr(discount[1])},
        power={"A": "alpha", "B": "1 - alpha"},
        parameters={
            "x": (0.0, -3.0, 3.0),
            "dA": (0.0, -5.0, 5.0),
            "dB": (0.0, -5.0, 5.0),
            "alpha": (0.5, 0.0, 1.0),
            "w": (0.0, -5.0, 5.0),
        },
    )


problems = st.tuples(
    st.lists(st.tuples(st.integers(-4, 4), st.integers(-4, 4)), min_size=2, max_size=6),
    st.sampled_from([1.0, 0.37, 2.5]),
    st.tuples(st.floats(0.05, 0.97), st.floats(0.05, 0.97)),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)


def draw_points(seed: int, n: int = 12) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = {
        "x": rng.choice([0.0, 1.0, -1.0, 0.5], n) * rng.integers(0, 2, n),
        "dA": rng.integers(-3, 3, n).astype(float),
        "dB": rng.uniform(-3, 2, n),
        "alpha": rng.choice([0.0, 0.25, 0.5, 1.0], n),
        "w": rng.uniform(-2, 3, n),
    }
    params["dB"][: n // 2] = np.round(params["dB"][: n // 2])  # integer disagreement: ties on purpose
    return params


@settings(max_examples=60, deadline=None)
@given(problems)
def test_random_problems_equal_bargain(spec: tuple[Any, ...]) -> None:
    utilities, scale, discount, outside, seed = spec
    problem = random_problem(utilities, scale, discount, outside)
    compare_with_bargain(problem, draw_points(seed), outside={"B": "w"} if outside else None)


def lotteries(points: np.ndarray, steps: int = 201) -> np.ndarray:
    """Every lottery between two packages on a grid of ``steps`` weights, as utility points (M, 2)."""
    lam = np.linspace(0.0, 1.0, steps)[:, None, None, None]
    mix = (1 - lam) * points[None, :, None, :] + lam * points[None, None, :, :]
    return np.asarray(mix.reshape(-1, 2), dtype=float)


def each_point(spec: tuple[Any, ...]) -> Iterator[tuple[DealArrays, int, np.ndarray, np.ndarray, float]]:
    """The drawn problem solved as arrays at its drawn points, then point by point: the solutions, the
    point's index, its packages' utilities, its disagreement point and a tolerance at its scale."""
    utilities, scale, discount, outside, seed = spec
    problem = random_problem(utilities, scale, discount, outside)
    params = draw_points(seed)
    out = deal_solutions(problem, params)
    for i in range(len(out)):
        pts = problem.utilities({k: float(v[i]) for k, v in params.items()})
        d = out.disagreement[i]
        yield out, i, pts, d, 1e-9 * (1 + float(np.abs(pts).max()) + float(np.abs(d).max()))


@settings(max_examples=60, deadline=None)
@given(problems)
def test_nash_properties_on_random_problems(spec: tuple[Any, ...]) -> None:
    """The Nash point is a lottery on the frontier, individually rational, and no lottery of two
    packages (on a grid of 201 weights) has a larger Nash product; with no such point, no lottery
    gives both actors more than their disagreement payoffs."""
    for out, i, pts, d, tol in each_point(spec):
        mixes = lotteries(pts)
        u = out.payoffs["nash"][i]
        weights = out.weights("nash")[i]
        if out.first["nash"][i] < 0:
            assert np.array_equal(u, d) and not weights.any()
            assert not np.any(np.all(mixes > d + tol, axis=1))
            continue
        assert abs(weights.sum() - 1.0) <= 1e-12 and np.all(weights >= 0)
        assert np.allclose(weights @ pts, u, atol=tol)  # the lottery reaches the point
        assert np.all(u >= d - tol)  # individually rational
        assert not np.any(np.all(mixes > u + tol, axis=1))  # on the frontier: nothing better for both
        rational = mixes[np.all(mixes >= d, axis=1)]
        product = np.prod(np.maximum(u - d, 0.0))
        assert np.all(np.prod(rational - d, axis=1) <= product + tol * (1 + np.abs(rational - d).max()))


@settings(max_examples=40, deadline=None)
@given(problems)
def test_other_solutions_properties_on_random_problems(spec: tuple[Any, ...]) -> None:
    """Utilitarian: no individually rational two-package lottery has a larger sum; egalitarian: equal
    gains wherever its lottery mixes two packages; every solution's lottery reaches its point."""
    for out, i, pts, d, tol in each_point(spec):
        for name in out.solutions:
            if out.first[name][i] >= 0:
                assert np.allclose(out.weights(name)[i] @ pts, out.payoffs[name][i], atol=tol), name
        mixes = lotteries(pts)
        rational = mixes[np.all(mixes >= d, axis=1)]
        if rational.size and out.first["utilitarian"][i] >= 0:
            assert rational.sum(axis=1).max() <= out.payoffs["utilitarian"][i].sum() + tol
        e = out.payoffs["egalitarian"][i]
        if out.first["egalitarian"][i] != out.second["egalitarian"][i]:
            assert abs((e[0] - d[0]) - (e[1] - d[1])) <= tol


@pytest.mark.parametrize("d1, d2", [(0.9, 0.8), (0.5, 0.5), (0.99, 0.95)])
def test_rubinstein_on_a_unit_pie_is_the_closed_form(d1: float, d2: float) -> None:
    """Lotteries over who gets a unit pie, d = 0: the first proposer gets (1 - d2)/(1 - d1 d2)."""
    pie = BargainingProblem.build(
        ["A", "B"],
        [
            {
                "id": "pie",
                "options": {"none": {"A": "0", "B": "0"}, "a": {"A": "1", "B": "0"}, "b": {"A": "0", "B": "1"}},
            }
        ],
        discount={"A": repr(d1), "B": repr(d2)},
    )
    out = deal_solutions(pie, {})
    share = (1 - d2) / (1 - d1 * d2)
    assert np.allclose(out.payoffs["rubinstein"][0], [share, 1 - share], atol=1e-12)


def test_the_arrays_route_equals_the_per_point_route() -> None:
    scenario = load("eu_russia_package")
    grid = {"T": np.linspace(0, 10, 9), "d_EU": np.linspace(-2, 2, 7)}
    arrays = sweep_deal(scenario, grid, {"alpha": 0.3}, route="arrays")
    per_point = sweep_deal(scenario, grid, {"alpha": 0.3}, route="per-point")
    same_sweeps(arrays, per_point)
    assert len(arrays.labels) > 2
    assert "numpy arrays" in arrays.method and "at every grid point" in per_point.method
    text = (MODELS / "russia_uzbekistan_2007.toml").read_text(encoding="utf-8")
    with_table = loads(text + '\n[outside]\nUZ = "0.1 * L"\n', name="with_outside.toml")
    grid = {"L": np.linspace(0, 10, 11), "p": np.linspace(0.1, 1, 5)}
    same_sweeps(sweep_deal(with_table, grid), sweep_deal(with_table, grid, route="per-point"))


def test_the_routes_agree_on_knife_edges_of_the_grid() -> None:
    """C_TCN = 2.5 and 7.5 (and their float neighbours from a linspace) are lines where packages tie
    or frontier points coincide on this grid; the two routes label them alike."""
    grid = {"T": np.linspace(0, 10, 317)[:20:3], "C_TCN": np.array([2.5, 7.500000000000001, 7.5, 2.4367088607594938])}
    scenario = load("eu_russia_package")
    same_sweeps(sweep_deal(scenario, grid), sweep_deal(scenario, grid, route="per-point"))


def same_sweeps(a: DealSweep, b: DealSweep) -> None:
    assert a.solutions == b.solutions and a.labels == b.labels and a.notes == b.notes
    assert np.array_equal(a.codes, b.codes)
    assert a.values == b.values
    for s in a.solutions:
        for actor in a.problem.actors:
            assert np.allclose(a.payoffs[s][actor], b.payoffs[s][actor], rtol=0, atol=1e-9), s
        assert np.allclose(a.weights[s], b.weights[s], atol=1e-9), s


def test_nash_codes_are_the_sweep_labels() -> None:
    scenario = load("eu_russia_package")
    grid = {"T": np.linspace(0, 10, 12), "B_TCN": np.linspace(0, 10, 10)}
    swept = sweep_deal(scenario, grid)
    mesh = swept.grid()
    assert isinstance(scenario.game, BargainingProblem)
    codes, labels = nash_codes(scenario.game, {**swept.values, **{k: v.ravel() for k, v in mesh.items()}})
    assert labels == swept.labels
    assert np.array_equal(codes.reshape(swept.shape), swept.codes)


def test_a_problem_without_discount_factors_has_no_rubinstein_on_both_routes() -> None:
    problem = BargainingProblem.build(
        ["A", "B"],
        [{"id": "i", "options": {"o": {"A": "0", "B": "0"}, "p": {"A": "x", "B": "1"}, "q": {"A": "1", "B": "x"}}}],
        parameters={"x": (0.5, 0.0, 2.0)},
    )
    grid = {"x": np.linspace(0, 2, 9)}
    arrays, per_point = sweep_deal(problem, grid), sweep_deal(problem, grid, route="per-point")
    assert "rubinstein" not in arrays.solutions
    same_sweeps(arrays, per_point)
    assert any("Rubinstein" in n for n in arrays.notes)


def test_budgets_routes_and_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load("eu_russia_package")
    n = int(np.ceil(np.sqrt(MAX_POINTS))) + 1
    big = {"T": np.linspace(0, 5, n), "C_TCN": np.linspace(3, 8, n)}
    with pytest.raises(ScenarioError, match=rf"at most {MAX_POINTS:,} points"):
        sweep_deal(scenario, big, route="per-point")
    assert sweep_deal(scenario, big).codes.shape == (n, n)  # the arrays route takes it
    from bargaining.budget import using_budget

    with using_budget(1), pytest.raises(ScenarioError, match=r"grid: expected a package-deal sweep's arrays"):
        sweep_deal(scenario, big)
    with pytest.raises(ScenarioError, match=r"route: expected"):
        sweep_deal(scenario, {"T": [1.0]}, route="fast")  # type: ignore[arg-type]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no numpy printer for this")

    monkeypatch.setattr(sweep_deal_module, "compile_deal", broken)
    fallback = sweep_deal(scenario, {"T": [1.0, 4.0]})
    assert any("could not be compiled" in note for note in fallback.notes)
    with pytest.raises(RuntimeError):
        sweep_deal(scenario, {"T": [1.0, 4.0]}, route="arrays")


def test_bad_values_are_refused_as_the_per_point_solver_refuses_them() -> None:
    problem = BargainingProblem.build(
        ["A", "B"],
        [{"id": "i", "options": {"o": {"A": "0", "B": "0"}, "p": {"A": "1", "B": "log(x)"}}}],
        discount={"A": "x", "B": "0.9"},
        parameters={"x": (0.5, 0.0, 1.0)},
    )
    routes: tuple[DealRoute, ...] = ("arrays", "per-point")
    for route in routes:
        with pytest.raises(ScenarioError, match="finite utilities"):
            sweep_deal(problem, {"x": [0.5, 0.0]}, route=route)
        with pytest.raises(ScenarioError, match=r"discount factors in \(0, 1\)"):
            sweep_deal(problem, {"x": [0.5, 1.0]}, route=route)
    with pytest.raises(ScenarioError, match="a value for every parameter"):
        deal_solutions(problem, {})
    with pytest.raises(ScenarioError, match="1-D arrays of one length"):
        deal_solutions(problem, {"x": np.ones((2, 2))})
    with pytest.raises(ScenarioError, match="only"):
        deal_solutions(problem, {"x": 0.5}, only=("nash", "best"))


def test_compiled_once_evaluated_in_batches() -> None:
    scenario = load("eu_russia_package")
    assert isinstance(scenario.game, BargainingProblem)
    compiled = compile_deal(scenario.game)
    params = box(scenario, 50, seed=2)
    whole = deal_solutions(compiled, params)
    half = deal_solutions(compiled, {k: v[25:] for k, v in params.items()})
    for s in whole.solutions:
        assert np.array_equal(whole.payoffs[s][25:], half.payoffs[s])
        assert np.array_equal(whole.weights(s)[25:], half.weights(s))


def test_on_a_dask_worker_the_sweep_is_the_same() -> None:
    distributed = pytest.importorskip("distributed")
    scenario = load("eu_russia_package")
    grid = {"T": np.linspace(0, 10, 40), "C_TCN": np.linspace(0, 10, 30)}
    here = sweep_deal(scenario, grid)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        there = sweep_deal(scenario, grid, scheduler=client)
    assert here.labels == there.labels and np.array_equal(here.codes, there.codes)
    for s in here.solutions:
        for a in here.problem.actors:
            assert np.array_equal(here.payoffs[s][a], there.payoffs[s][a])
    assert "Dask cluster" in there.method

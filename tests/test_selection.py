"""Equilibrium selection and learning (bargaining.analysis.selection): the logit QRE branch checked
point by point against the logit equations and at its end against Gambit's tracer; fictitious play
and replicator dynamics checked to be nashpy's, and against a second integration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import nashpy
import numpy as np
import numpy.typing as npt
import pygambit as gbt  # type: ignore[import-untyped]
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq
from scipy.special import softmax

import bargaining
from bargaining.analysis.selection import LearningPath, QuantalResponse
from bargaining.display.plots import learning_figure, qre_figure
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame

Matrix = npt.NDArray[np.float64]


def _random_games() -> Iterator[tuple[str, Matrix, Matrix]]:
    rng = np.random.default_rng(11)
    for k, shape in enumerate([(3, 3), (3, 3), (3, 3), (2, 3), (3, 2), (4, 3)]):
        A, B = (rng.integers(0, 10, shape).astype(np.float64) for _ in range(2))
        yield f"random{k}-{shape[0]}x{shape[1]}", A, B


GAMES: list[tuple[str, Matrix, Matrix]] = [
    ("stag hunt", np.array([[4.0, 0.0], [3.0, 3.0]]), np.array([[4.0, 3.0], [0.0, 3.0]])),
    ("battle of the sexes (asymmetric)", np.array([[4.0, 0.0], [0.0, 2.0]]), np.array([[2.0, 0.0], [0.0, 3.0]])),
    ("matching pennies", np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[-1.0, 1.0], [1.0, -1.0]])),
    ("prisoner's dilemma", np.array([[3.0, 0.0], [5.0, 1.0]]), np.array([[3.0, 5.0], [0.0, 1.0]])),
    ("scaled payoffs", np.array([[400.0, -50.0], [300.0, 300.0]]), np.array([[400.0, 300.0], [-50.0, 300.0]])),
    *_random_games(),
]
IDS = [g[0] for g in GAMES]


def _gambit_limit(A: Matrix, B: Matrix) -> tuple[Matrix, Matrix, Any]:
    game = gbt.StrategicGame.from_arrays(A, B)
    res = gbt.nash.logit_solve(game)
    x, y = ([p for _, p in res.equilibrium[player]] for player in game.players)
    return np.array(x, dtype=float), np.array(y, dtype=float), res


def _max_gain(A: Matrix, B: Matrix, x: Matrix, y: Matrix) -> float:
    """The most any actor gains by a pure deviation from (x, y)."""
    return float(max((A @ y).max() - x @ A @ y, (x @ B).max() - x @ B @ y))


@pytest.fixture(scope="module")
def traces() -> dict[str, QuantalResponse]:
    return {name: bargaining.quantal_response(NormalFormGame.from_arrays(A, B)) for name, A, B in GAMES}


# --------------------------------------------------------------------------- the logit QRE


@pytest.mark.parametrize(("name", "A", "B"), GAMES, ids=IDS)
def test_qre_starts_at_uniform_play(traces: dict[str, QuantalResponse], name: str, A: Matrix, B: Matrix) -> None:
    q = traces[name]
    assert q.lambdas[0] == 0.0
    for i, m in enumerate(A.shape):
        np.testing.assert_allclose(q.probabilities[i][0], np.full(m, 1.0 / m), atol=1e-15)
    assert np.all(np.diff(q.lambdas) > 0) or q.turning_points  # lambda rises unless the branch bends back


@pytest.mark.parametrize(("name", "A", "B"), GAMES, ids=IDS)
def test_every_point_of_the_branch_is_a_logit_equilibrium(
    traces: dict[str, QuantalResponse], name: str, A: Matrix, B: Matrix
) -> None:
    q = traces[name]
    x, y = q.probabilities
    for k, lam in enumerate(q.lambdas):
        np.testing.assert_allclose(softmax(lam * (A @ y[k])), x[k], atol=1e-9, err_msg=f"point {k}, λ = {lam}")
        np.testing.assert_allclose(softmax(lam * (B.T @ x[k])), y[k], atol=1e-9, err_msg=f"point {k}, λ = {lam}")


@pytest.mark.parametrize(("name", "A", "B"), GAMES, ids=IDS)
def test_the_limit_is_the_equilibrium_gambit_selects(
    traces: dict[str, QuantalResponse], name: str, A: Matrix, B: Matrix
) -> None:
    q = traces[name]
    x, y = (np.array(p) for p in q.limit)
    scale = max(A.max(), B.max()) - min(A.min(), B.min())
    assert _max_gain(A, B, x, y) <= 1e-7 * scale  # an equilibrium: no deviation pays
    gx, gy, res = _gambit_limit(A, B)
    assert res.success and not res.bifurcations  # no bifurcation: the selection is defined
    np.testing.assert_allclose(np.concatenate([x, y]), np.concatenate([gx, gy]), atol=1e-4)
    assert q.bifurcations == ()
    same_list = bargaining.equilibria(NormalFormGame.from_arrays(A, B))
    if q.selected is None:  # a degenerate game whose branch ends inside a continuum of equilibria
        assert q.component is not None and same_list.degenerate
        members = q.equilibria.components[q.component]
        assert len(members) > 1 and "continuum" in q.notes[0]
        return
    assert q.distance <= 1e-5
    eq = q.equilibria[q.selected]
    np.testing.assert_allclose(np.concatenate(eq.probabilities), np.concatenate([x, y]), atol=1e-5)
    np.testing.assert_allclose(np.concatenate(same_list[q.selected].probabilities), np.concatenate(eq.probabilities))
    assert q.notes[0] == f"The logit tracing selects equilibrium #{q.selected + 1}."


def test_a_unique_strict_equilibrium_is_selected() -> None:
    """A 3x3 game with a unique strict equilibrium (found here by checking every profile) and a weak one."""
    A = np.array([[5.0, 1.0, 0.0], [3.0, 2.0, 3.0], [1.0, 0.0, 3.0]])
    B = np.array([[5.0, 2.0, 1.0], [2.0, 1.0, 0.0], [0.0, 3.0, 3.0]])
    strict = [
        (i, j)
        for i in range(3)
        for j in range(3)
        if all(A[i, j] > A[k, j] for k in range(3) if k != i) and all(B[i, j] > B[i, c] for c in range(3) if c != j)
    ]
    assert len(strict) == 1
    game = NormalFormGame.from_arrays(A, B)
    assert len(bargaining.equilibria(game)) > 1  # other, weak or mixed, equilibria exist
    q = bargaining.quantal_response(game)
    assert q.selected is not None
    eq = q.equilibria[q.selected]
    i, j = strict[0]
    assert eq.probabilities[0][i] == 1.0 and eq.probabilities[1][j] == 1.0


@pytest.mark.parametrize("seed", range(6))
def test_stag_hunts_select_the_risk_dominant_equilibrium(seed: int) -> None:
    """In a symmetric 2x2 game with two strict equilibria, the one with the larger product of the
    deviation losses (Harsanyi & Selten's risk dominance) is the logit tracing's choice."""
    rng = np.random.default_rng(seed)
    stag, hare_vs_stag, stag_vs_hare = rng.uniform(5, 10), rng.uniform(1, 5), rng.uniform(-3, 1)
    hare = rng.uniform(hare_vs_stag, 5)  # hare is safe-ish: stag/stag > hare/stag, hare/hare > stag/hare
    A = np.array([[stag, stag_vs_hare], [hare_vs_stag, hare]])
    B = A.T.copy()
    loss_stag = (A[0, 0] - A[1, 0]) ** 2
    loss_hare = (A[1, 1] - A[0, 1]) ** 2
    risk_dominant = 0 if loss_stag > loss_hare else 1
    q = bargaining.quantal_response(NormalFormGame.from_arrays(A, B))
    assert q.selected is not None
    eq = q.equilibria[q.selected]
    assert eq.probabilities[0][risk_dominant] == 1.0 and eq.probabilities[1][risk_dominant] == 1.0


def test_symmetric_battle_of_the_sexes_has_a_bifurcation_where_theory_puts_it() -> None:
    """A = [[3,0],[0,2]], B = [[2,0],[0,3]]: on the symmetric branch x = P(row s0) = P(column s1) = p,
    p/(1-p) = exp(λ(3 - 5p)); the Jacobian of the two logit equations is singular (a pitchfork)
    where 1/(p(1-p)) = 5λ. Gambit reports the bifurcation between two traced points around it."""
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    B = np.array([[2.0, 0.0], [0.0, 3.0]])
    q = bargaining.quantal_response(NormalFormGame.from_arrays(A, B))

    def singular(p: float) -> float:
        lam = 1.0 / (5.0 * p * (1.0 - p))
        return float(np.log(p / (1.0 - p)) - lam * (3.0 - 5.0 * p))

    p_star = brentq(singular, 0.5 + 1e-9, 0.6 - 1e-9)
    lam_star = 1.0 / (5.0 * p_star * (1.0 - p_star))
    assert len(q.bifurcations) == 1
    assert q.bifurcations[0] == pytest.approx(lam_star, rel=1e-6)
    _, _, res = _gambit_limit(A, B)
    assert len(res.bifurcations) == 1
    assert res.bifurcations[0].before.lam <= q.bifurcations[0] <= res.bifurcations[0].after.lam
    assert any("bifurcation" in n and "not defined" in n for n in q.notes)
    assert not q.notes[0].startswith("The logit tracing selects")
    x, y = (np.array(p) for p in q.limit)
    assert _max_gain(A, B, x, y) <= 1e-7  # still an equilibrium (the symmetric, mixed one)


def test_qre_accepts_scenarios_values_and_refuses_other_games() -> None:
    scenario = bargaining.load("eu_russia_2007")
    q = bargaining.quantal_response(scenario)
    assert q == bargaining.quantal_response(scenario.normal_form)
    assert dict(q.values) == scenario.values()
    name = scenario.parameters[0].name
    moved = bargaining.quantal_response(scenario, {name: scenario.parameters[0].max})
    assert moved.values[name] == scenario.parameters[0].max
    three = NormalFormGame.from_arrays(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    for verb in (bargaining.quantal_response, bargaining.fictitious_play, bargaining.replicator_dynamics):
        with pytest.raises(ScenarioError, match="two actors") as err:
            verb(three)
        assert err.value.field == "game"
        with pytest.raises(ScenarioError, match="normal-form"):
            verb(bargaining.load("eu_russia_offer"))


# --------------------------------------------------------------------------- learning

PENNIES = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])


def test_fictitious_play_approaches_the_mixed_equilibrium_of_matching_pennies() -> None:
    runs = {n: bargaining.fictitious_play(PENNIES, iterations=n, tol=2.0 / np.sqrt(n)) for n in (100, 1000, 10_000)}
    mixed = bargaining.equilibria(PENNIES)
    assert len(mixed) == 1
    for n, run in runs.items():
        x, y = (np.array(p) for p in run.limit)
        error = max(np.abs(x - mixed[0].probabilities[0]).max(), np.abs(y - mixed[0].probabilities[1]).max())
        assert run.distance == pytest.approx(error)
        assert error <= 1.0 / np.sqrt(n), f"{n} iterations: {error}"
        assert run.converged and run.equilibrium == 0
    assert runs[10_000].distance < runs[100].distance / 3


def test_fictitious_play_is_nashpys_with_the_recorded_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    A = np.array([[2.0, 0.0, 1.0], [0.0, 2.0, 1.0], [1.0, 1.0, 1.0]])  # ties at the start: the seed matters
    B = A.T.copy()
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    run = bargaining.fictitious_play(NormalFormGame.from_arrays(A, B), iterations=300, seed=7)
    assert np.random.random() == expected  # the global generator is restored
    assert run.seed == 7 and "nashpy" in run.method
    np.random.seed(7)
    *_, counts = nashpy.Game(A, B).fictitious_play(iterations=300)
    np.testing.assert_allclose(run.limit[0], counts[0] / counts[0].sum())
    np.testing.assert_allclose(run.limit[1], counts[1] / counts[1].sum())
    calls: list[int] = []
    original = nashpy.Game.fictitious_play

    def spy(self: nashpy.Game, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(nashpy.Game, "fictitious_play", spy)
    bargaining.fictitious_play(PENNIES, iterations=10)
    assert calls == [1]


def test_replicator_dynamics_from_interior_starts_end_at_pure_equilibria() -> None:
    A = np.array([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]])  # a 3x3 coordination game
    game = NormalFormGame.from_arrays(A, A.copy())
    ends = set()
    for seed in range(5):
        run = bargaining.replicator_dynamics(game, seed=seed)
        assert all(0 < p < 1 for prof in run.start for p in prof)  # an interior start
        assert run.converged and run.equilibrium is not None
        assert run.equilibria[run.equilibrium].pure
        ends.add(run.equilibrium)
        # a second integration of the same equations (scipy's adaptive Runge-Kutta) ends at the same point
        m = A.shape[0]

        def field(_: float, z: Matrix, m: int = m) -> Matrix:
            x, y = z[:m], z[m:]
            u, v = A @ y, A.T @ x
            return np.concatenate([x * (u - x @ u), y * (v - y @ v)])

        sol = solve_ivp(field, (run.times[0], run.times[-1]), np.concatenate(run.start), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(sol.y[:m, -1], run.limit[0], atol=1e-4)
        np.testing.assert_allclose(sol.y[m:, -1], run.limit[1], atol=1e-4)
    assert len(ends) >= 2  # different basins are reached from different starts


def test_replicator_dynamics_cycles_in_matching_pennies_and_checks_its_start() -> None:
    run = bargaining.replicator_dynamics(PENNIES, x0=[0.7, 0.3], y0=[0.5, 0.5])
    assert not run.converged and run.equilibrium is None
    assert run.start == ((0.7, 0.3), (0.5, 0.5))
    with pytest.raises(ScenarioError) as err:
        bargaining.replicator_dynamics(PENNIES, x0=[0.7, 0.7])
    assert err.value.field == "x0"


# --------------------------------------------------------------------------- faces


def test_figures_and_tables() -> None:
    q = bargaining.quantal_response(bargaining.load("eu_russia_2007"))
    fig = qre_figure(q)
    axes = fig.get_axes()
    assert len(axes) == 2 and all(ax.get_xscale() == "log" for ax in axes)
    assert f"equilibrium #{q.selected + 1 if q.selected is not None else 0}" in fig.texts[0].get_text()
    assert "equilibrium #" in q._repr_html_()
    run = bargaining.fictitious_play(PENNIES, iterations=500)
    fig = learning_figure(run)
    assert len(fig.get_axes()) == 3  # two actors and the 2x2 phase plane
    assert isinstance(run, LearningPath) and "Fictitious play" in run._repr_html_()
    fig = learning_figure(bargaining.replicator_dynamics(NormalFormGame.from_arrays(np.eye(3), np.eye(3))))
    assert len(fig.get_axes()) == 2

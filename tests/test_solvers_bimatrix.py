"""Every equilibrium of two-actor games: vertex enumeration against brute force, nashpy and theory."""

from __future__ import annotations

import warnings

import nashpy
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bargaining.kernels.best_response import is_equilibrium, regret
from bargaining.kernels.bimatrix import support_enumeration, vertex_enumeration
from bargaining.kernels.dominance import iterated_elimination
from tests.helpers import brute_supports, same_equilibria


@st.composite
def bimatrix(
    draw: st.DrawFn, max_size: int = 4, integers: bool = False, min_size: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    m = draw(st.integers(min_size, max_size))
    n = draw(st.integers(min_size, max_size))
    elements = st.integers(-3, 3).map(float) if integers else st.floats(-10, 10, allow_nan=False, width=32).map(float)
    A = draw(hnp.arrays(np.float64, (m, n), elements=elements))
    B = draw(hnp.arrays(np.float64, (m, n), elements=elements))
    return A, B


def generic(A: np.ndarray, B: np.ndarray) -> bool:
    """A crude genericity filter: well-separated payoffs in every row and column."""
    for M in (A, B):
        for line in [*M, *M.T]:
            s = np.sort(line)
            if len(s) > 1 and np.min(np.diff(s)) < 1e-3:
                return False
    return True


def pairs(A: np.ndarray, B: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(vertex_enumeration(A, B).equilibria)


@settings(max_examples=300, deadline=None)
@given(bimatrix(integers=True))
def test_every_reported_equilibrium_is_a_mutual_best_response(game: tuple[np.ndarray, np.ndarray]) -> None:
    A, B = game
    res = vertex_enumeration(A, B)
    assert res.equilibria, "every finite game has an equilibrium (Nash 1951)"
    for x, y in res.equilibria:
        assert np.isclose(x.sum(), 1) and np.isclose(y.sum(), 1)
        assert (x >= 0).all() and (y >= 0).all()
        assert (regret(np.stack([A, B]), [x, y]) <= 1e-9 * (1 + np.abs([A, B]).max())).all()


@settings(max_examples=200, deadline=None)
@given(bimatrix())
def test_nondegenerate_games_equal_brute_force_support_enumeration(game: tuple[np.ndarray, np.ndarray]) -> None:
    A, B = game
    assume(generic(A, B))
    res = vertex_enumeration(A, B)
    assume(not res.degenerate)
    assert same_equilibria(list(res.equilibria), brute_supports(A, B))
    assert same_equilibria(support_enumeration(A, B), brute_supports(A, B))


@settings(max_examples=60, deadline=None)
@given(bimatrix(max_size=3, min_size=2))  # nashpy's own polytope code fails on 1 x n games
def test_agrees_with_nashpy_support_vertex_and_lemke_howson(game: tuple[np.ndarray, np.ndarray]) -> None:
    A, B = game
    assume(generic(A, B))
    res = vertex_enumeration(A, B)
    assume(not res.degenerate)
    g = nashpy.Game(A, B)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_support = [(np.asarray(x), np.asarray(y)) for x, y in g.support_enumeration()]
        by_vertex = [(np.asarray(x), np.asarray(y)) for x, y in g.vertex_enumeration()]
        lemke = [tuple(np.asarray(v) for v in g.lemke_howson(initial_dropped_label=k)) for k in range(sum(A.shape))]
    ours = list(res.equilibria)
    assert same_equilibria(ours, by_vertex)
    # nashpy's support enumeration misses equilibria of some non-degenerate games (a tolerance
    # problem its users report often); each one it does find must be among ours
    for x, y in by_support:
        assert any(np.allclose(x, u, atol=1e-6) and np.allclose(y, v, atol=1e-6) for u, v in ours)
    for x, y in lemke:  # Lemke-Howson finds one equilibrium per dropped label, each among ours
        if np.all(np.isfinite(x)) and len(x) == A.shape[0]:
            assert any(np.allclose(x, u, atol=1e-6) and np.allclose(y, v, atol=1e-6) for u, v in ours)


@settings(max_examples=150, deadline=None)
@given(bimatrix(integers=True), st.floats(0.1, 10), st.floats(-10, 10), st.booleans())
def test_affine_change_of_one_actors_payoffs_keeps_the_equilibria(
    game: tuple[np.ndarray, np.ndarray], scale: float, shift: float, first: bool
) -> None:
    A, B = game
    A2, B2 = (scale * A + shift, B) if first else (A, scale * B + shift)
    assert same_equilibria(pairs(A, B), pairs(A2, B2))


@settings(max_examples=150, deadline=None)
@given(bimatrix(integers=True), st.data())
def test_permuting_strategies_permutes_the_equilibria(game: tuple[np.ndarray, np.ndarray], data: st.DataObject) -> None:
    A, B = game
    pr = np.array(data.draw(st.permutations(range(A.shape[0]))))
    pc = np.array(data.draw(st.permutations(range(A.shape[1]))))
    permuted = pairs(A[pr][:, pc], B[pr][:, pc])
    # x' = x[pr] in the permuted game, so x = x' placed back at positions pr
    back = []
    for x, y in permuted:
        u, v = np.empty_like(x), np.empty_like(y)
        u[pr], v[pc] = x, y
        back.append((u, v))
    assert same_equilibria(back, pairs(A, B))


@settings(max_examples=150, deadline=None)
@given(bimatrix(integers=True))
def test_strictly_dominated_strategies_are_never_played_and_iesds_keeps_every_equilibrium(
    game: tuple[np.ndarray, np.ndarray],
) -> None:
    A, B = game
    payoffs = np.stack([A, B])
    elim = iterated_elimination(payoffs, mixed=True)
    rows, cols = elim.surviving
    for x, y in pairs(A, B):
        assert np.all(np.delete(x, rows) <= 1e-12)
        assert np.all(np.delete(y, cols) <= 1e-12)
    # the reduced game's equilibria, padded with zeros, are exactly the full game's
    reduced = []
    for x, y in pairs(A[np.ix_(rows, cols)], B[np.ix_(rows, cols)]):
        u, v = np.zeros(A.shape[0]), np.zeros(A.shape[1])
        u[list(rows)], v[list(cols)] = x, y
        reduced.append((u, v))
    assert same_equilibria(reduced, pairs(A, B))


def test_mixed_domination_removes_what_pure_domination_cannot() -> None:
    # row 2 is beaten by the 50/50 mixture of rows 0 and 1, by no single row
    A = np.array([[3.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    B = np.zeros((3, 2))
    assert iterated_elimination(np.stack([A, B])).surviving[0] == (0, 1, 2)
    assert iterated_elimination(np.stack([A, B]), mixed=True).surviving[0] == (0, 1)


def test_inspection_game_matches_the_closed_form() -> None:
    """docs/models.md#the-inspection-game: with e < f and m < l the unique equilibrium is P(M) = e/f, P(C) = 1 - m/l."""
    e, f, g, m, loss = 1.0, 4.0, 2.0, 1.0, 2.0
    A = np.array([[g - m, -m], [g, -loss]])
    B = np.array([[-e, -f], [-e, 0.0]])
    ((x, y),) = pairs(A, B)
    assert np.allclose(x, [e / f, 1 - e / f]) and np.allclose(y, [1 - m / loss, m / loss])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = [(np.asarray(u), np.asarray(v)) for u, v in nashpy.Game(A, B).vertex_enumeration()]
    assert same_equilibria([(x, y)], theirs)


def test_degenerate_game_reports_every_extreme_equilibrium_and_the_continuum() -> None:
    # the column actor is indifferent everywhere: every (row best response, any y) is an equilibrium
    A = np.array([[1.0, 0.0], [0.0, 1.0]])
    B = np.zeros((2, 2))
    res = vertex_enumeration(A, B)
    assert res.degenerate and res.continuum
    for x, y in res.equilibria:
        assert is_equilibrium(np.stack([A, B]), [x, y])
    expected = [
        (np.array([1.0, 0.0]), np.array([1.0, 0.0])),
        (np.array([1.0, 0.0]), np.array([0.5, 0.5])),
        (np.array([0.0, 1.0]), np.array([0.5, 0.5])),
        (np.array([0.0, 1.0]), np.array([0.0, 1.0])),
    ]
    assert same_equilibria(list(res.equilibria), expected)
    assert len(res.components) == 1


def test_degenerate_offer_reply_game_keeps_the_non_credible_equilibrium() -> None:
    # EU offers or not; Russia accepts or rejects; EU is indifferent once Russia rejects
    A = np.array([[1.687, 0.0], [0.0, 0.0]])
    B = np.array([[0.5634, 0.5], [0.5, 0.5]])
    res = vertex_enumeration(A, B)
    assert res.degenerate and not res.continuum
    assert same_equilibria(
        list(res.equilibria),
        [(np.array([1.0, 0.0]), np.array([1.0, 0.0])), (np.array([0.0, 1.0]), np.array([0.0, 1.0]))],
    )


@pytest.mark.parametrize("shape", [(1, 1), (1, 4), (4, 1)])
def test_games_where_one_actor_has_one_strategy(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(7)
    A, B = rng.normal(size=shape), rng.normal(size=shape)
    ((x, y),) = pairs(A, B)
    assert is_equilibrium(np.stack([A, B]), [x, y])

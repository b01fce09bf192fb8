"""Pure equilibria and best responses (bargaining.kernels.pure, bargaining.kernels.best_response)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bargaining.kernels.best_response import best_responses, is_equilibrium, strategy_payoffs
from bargaining.kernels.pure import pure_equilibria
from tests.helpers import brute_pure


@st.composite
def games(draw: st.DrawFn, max_actors: int = 4, max_strategies: int = 3) -> np.ndarray:
    n = draw(st.integers(1, max_actors))
    shape = tuple(draw(st.integers(1, max_strategies)) for _ in range(n))
    # small integers: ties (and so several or no pure equilibria) are common
    return draw(hnp.arrays(np.float64, (n, *shape), elements=st.integers(-3, 3).map(float)))


@settings(max_examples=300, deadline=None)
@given(games())
def test_pure_equilibria_equal_brute_force(payoffs: np.ndarray) -> None:
    found = {tuple(int(k) for k in row) for row in pure_equilibria(payoffs)}
    assert found == brute_pure(payoffs)


@settings(max_examples=200, deadline=None)
@given(games())
def test_every_pure_equilibrium_is_a_mutual_best_response(payoffs: np.ndarray) -> None:
    for row in pure_equilibria(payoffs):
        profile = [np.eye(m)[k] for m, k in zip(payoffs.shape[1:], row, strict=True)]
        assert is_equilibrium(payoffs, profile, tol=1e-9)
        for i in range(payoffs.shape[0]):
            assert int(row[i]) in best_responses(payoffs, i, profile)


@settings(max_examples=100, deadline=None)
@given(games(), st.data())
def test_affine_change_of_one_actor_keeps_pure_equilibria(payoffs: np.ndarray, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, payoffs.shape[0] - 1))
    scale = data.draw(st.floats(0.1, 10))
    shift = data.draw(st.floats(-10, 10))
    changed = payoffs.copy()
    changed[i] = scale * changed[i] + shift
    # integer payoffs scaled by a float may round ties apart; compare with a tolerance on both sides
    before = {tuple(r) for r in pure_equilibria(payoffs, tol=1e-9).tolist()}
    after = {tuple(r) for r in pure_equilibria(changed, tol=1e-9 * max(scale, 1.0)).tolist()}
    assert before == after


@settings(max_examples=100, deadline=None)
@given(games(), st.data())
def test_permuting_an_actors_strategies_permutes_the_equilibria(payoffs: np.ndarray, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, payoffs.shape[0] - 1))
    perm = np.array(data.draw(st.permutations(range(payoffs.shape[1 + i]))))
    permuted = np.take(payoffs, perm, axis=1 + i)
    original = {tuple(r) for r in pure_equilibria(payoffs).tolist()}
    mapped = set()
    for row in pure_equilibria(permuted).tolist():
        row[i] = int(perm[row[i]])
        mapped.add(tuple(row))
    assert mapped == original


def test_strategy_payoffs_contract_the_opponents_mixtures() -> None:
    rng = np.random.default_rng(1)
    payoffs = rng.normal(size=(3, 2, 3, 4))
    sigma = [rng.dirichlet(np.ones(m)) for m in (2, 3, 4)]
    by_einsum = np.einsum("ajk,j,k->a", payoffs[1].transpose(1, 0, 2), sigma[0], sigma[2])
    assert np.allclose(strategy_payoffs(payoffs, 1, sigma), by_einsum)


def test_prisoners_dilemma_has_only_mutual_defection() -> None:
    pd = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]], dtype=float)
    assert pure_equilibria(pd).tolist() == [[1, 1]]

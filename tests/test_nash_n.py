"""Every equilibrium of games of three or more actors (bargaining.analysis.nash_n), checked against
Gambit's enumpoly (pygambit, an independent implementation), an independent deviation test written
here with plain loops, the two-actor vertex enumeration, and the signing game's known equilibrium.

Gambit 17.0.0b2's enumpoly sometimes misses equilibria (on one 4-actor game below it returns none,
though every finite game has one; it also skips supports whose equations are singular), so the
direction "Gambit's are ours" is asserted for every game, and the direction "ours are Gambit's" is
replaced by Gambit's own verdict: each of our equilibria has zero regret in Gambit's arithmetic.
Set BARGAINING_LONG=1 for a larger random batch.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pygambit as gbt  # type: ignore[import-untyped]
import pytest
import sympy

import bargaining
from bargaining.analysis.nash_n import MAX_SUPPORT_PROFILES, NashN, all_equilibria, some_equilibria
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.kernels.bimatrix import vertex_enumeration

LONG = os.environ.get("BARGAINING_LONG") == "1"
Profile = list[npt.NDArray[np.float64]]
Rows = Sequence[Sequence[float]] | Sequence[npt.NDArray[np.float64]]


def _gambit_game(u: npt.NDArray[np.generic]) -> gbt.StrategicGame:
    return gbt.StrategicGame.from_arrays(*[u[i].astype(float) for i in range(u.shape[0])])


def _gambit_equilibria(u: npt.NDArray[np.generic]) -> list[Profile]:
    game = _gambit_game(u)
    return [
        [np.array([float(x) for x in dict(e[p]).values()]) for p in game.players]
        for e in gbt.nash.enumpoly_solve(game).equilibria
    ]


def _gambit_regret(u: npt.NDArray[np.generic], profile: Profile) -> float:
    """Gambit's maximum regret of ``profile`` (its own arithmetic, not ours)."""
    game = _gambit_game(u)
    mixed = game.mixed_strategy_profile(data=[[float(p) for p in row] for row in profile])
    return float(mixed.max_regret())


def _deviation_gain(u: npt.NDArray[np.generic], profile: Sequence[Sequence[float]]) -> float:
    """The largest gain from a pure deviation, by plain loops over every profile of the others."""
    n = u.shape[0]
    shape = u.shape[1:]
    worst = 0.0
    for i in range(n):
        values = []
        for s in range(shape[i]):
            total = 0.0
            for others in itertools.product(*(range(shape[j]) for j in range(n) if j != i)):
                full = list(others)
                full.insert(i, s)
                weight = math.prod(profile[j][full[j]] for j in range(n) if j != i)
                total += weight * float(u[(i, *full)])
            values.append(total)
        current = sum(p * v for p, v in zip(profile[i], values, strict=True))
        worst = max(worst, max(values) - current)
    return worst


def _same(a: Rows, b: Rows, tol: float = 1e-6) -> bool:
    return all(
        np.allclose(np.asarray(x, dtype=float), np.asarray(y, dtype=float), atol=tol) for x, y in zip(a, b, strict=True)
    )


def _support(profile: Rows) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(k) for k in np.flatnonzero(np.asarray(p) > 1e-9)) for p in profile)


def _check_against_gambit(u: npt.NDArray[np.generic], ours: NashN) -> None:
    scale = max(1.0, float(np.abs(u.astype(float)).max()))
    for e in ours.equilibria:
        assert _deviation_gain(u, e.probabilities) <= 1e-9 * scale, e
        assert _gambit_regret(u, [np.array(r) for r in e.probabilities]) <= 1e-9 * scale, e
        if e.exact is not None:
            assert all(sum(row) == 1 for row in e.exact)
    continua = {c.support for c in ours.continua}
    for g in _gambit_equilibria(u):
        matched = any(_same(g, e.probabilities) for e in ours.equilibria)
        in_continuum = _support(g) in continua
        assert matched or in_continuum, f"Gambit's {g} is not among ours"


def _random_game(shape: tuple[int, ...], seed: int, low: int = -3, high: int = 3) -> npt.NDArray[np.int64]:
    rng = np.random.default_rng([11, seed, *shape])
    return rng.integers(low, high + 1, size=(len(shape), *shape))


# --------------------------------------------------------------------------- the signing game


def test_signing_game_with_russias_expectation_has_the_mixed_equilibrium_exactly() -> None:
    result = bargaining.equilibria(bargaining.load("central_asia_signing"), {"H_KZ": 2})
    assert result.complete and len(result) == 3
    mixed = [e for e in result if not e.pure]
    assert len(mixed) == 1
    eq = mixed[0]
    assert eq.exact_probabilities is not None
    kz, kg = eq.actors.index("KZ"), eq.actors.index("KG")
    assert eq.exact_probabilities[kz][0] == sympy.Rational(5, 6)
    assert eq.exact_probabilities[kg][0] == sympy.Rational(7, 8)
    assert eq.strategy("UZ")["sign"] == 1.0
    # each is indifferent: 2.9 - 4 + 0.6 (1 + 5/6) = 0 for KG's neighbour KZ, -1.5 + 0.8 (1 + 7/8) = 0
    assert 2.9 - 4 + 0.6 * (1 + 5 / 6) == pytest.approx(0, abs=1e-12)
    assert -1.5 + 0.8 * (1 + 7 / 8) == pytest.approx(0, abs=1e-12)
    arr = result.game.payoff_array(dict(result.values))
    assert _deviation_gain(arr, eq.probabilities) < 1e-12
    _check_against_gambit(arr, all_equilibria(arr))


def test_signing_game_text_prints_the_fractions() -> None:
    from bargaining.display.text import equilibria_text

    result = bargaining.equilibria(bargaining.load("central_asia_signing"), {"H_KZ": 2})
    text = "\n".join(equilibria_text(result))
    assert "exactly, KZ: P(sign) = 5/6, P(stay_out) = 1/6" in text
    assert "exactly, KG: P(sign) = 7/8, P(stay_out) = 1/8" in text
    assert "every equilibrium, mixed included" in text


# --------------------------------------------------------------------------- against Gambit

NORMAL_BATCH = (
    [((2, 2, 2), s) for s in range(12)]
    + [((3, 2, 2), s) for s in range(5)]
    + [((2, 2, 2, 2), s) for s in range(4)]
    + [((3, 3, 3), s) for s in range(2)]
)
LONG_BATCH = (
    [((2, 2, 2), s) for s in range(12, 60)]
    + [((3, 3, 3), s) for s in range(2, 12)]
    + [((2, 2, 2, 2), s) for s in range(4, 20)]
    + [((3, 3, 2), s) for s in range(10)]
)


@pytest.mark.parametrize(("shape", "seed"), NORMAL_BATCH + (LONG_BATCH if LONG else []))
def test_random_integer_games_agree_with_gambit(shape: tuple[int, ...], seed: int) -> None:
    low, high = (-3, 3) if math.prod(shape) <= 12 else (-6, 6)
    u = _random_game(shape, seed, low, high)
    ours = all_equilibria(u)
    assert ours.equilibria, "every finite game has an equilibrium"
    _check_against_gambit(u, ours)


@pytest.mark.parametrize("seed", range(6 if not LONG else 30))
def test_random_real_games_agree_with_gambit(seed: int) -> None:
    rng = np.random.default_rng([12, seed])
    shape = (2, 2, 2) if seed % 2 == 0 else (2, 3, 2)
    u = np.round(rng.normal(size=(3, *shape)), 3)
    ours = all_equilibria(u)
    assert ours.complete and not ours.continua  # generic payoffs: finitely many, all exact
    assert len(ours.equilibria) % 2 == 1  # generic games have an odd number of equilibria (Wilson 1971)
    _check_against_gambit(u, ours)


def test_an_equilibrium_gambit_misses_is_certified_by_gambit() -> None:
    # a 4-actor game whose only equilibrium is totally mixed, at roots of a degree-9 polynomial
    rng = np.random.default_rng([7, 1, 5, 2])
    u = rng.integers(-2, 3, size=(4, 2, 2, 2, 2))
    ours = all_equilibria(u)
    assert len(ours.equilibria) == 1 and ours.complete
    (eq,) = ours.equilibria
    assert eq.exact is not None and not eq.numeric
    assert _gambit_regret(u, [np.array(r) for r in eq.probabilities]) < 1e-12
    assert _deviation_gain(u, eq.probabilities) < 1e-12


# --------------------------------------------------------------------------- second algorithm


@pytest.mark.parametrize("seed", range(5))
def test_two_actor_games_through_the_n_actor_path_match_vertex_enumeration(seed: int) -> None:
    rng = np.random.default_rng([13, seed])
    m, n = 2 + seed % 2, 3
    A, B = np.round(rng.normal(size=(m, n)), 3), np.round(rng.normal(size=(m, n)), 3)
    ours = all_equilibria(np.stack([A, B]))
    vertex = vertex_enumeration(A, B)
    assert not vertex.degenerate and not ours.continua
    theirs = [(x, y) for x, y in vertex.equilibria]
    assert len(ours.equilibria) == len(theirs)
    for x, y in theirs:
        assert any(_same([x, y], e.probabilities, 1e-9) for e in ours.equilibria)


def test_two_actor_game_in_the_library_matches_the_n_actor_solver() -> None:
    game = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])  # prisoners' dilemma
    arr = game.payoff_array({})
    (eq,) = all_equilibria(arr).equilibria
    assert _same(eq.probabilities, bargaining.equilibria(game)[0].probabilities)


# --------------------------------------------------------------------------- continua, budget, some


def _continuum_game() -> npt.NDArray[np.int64]:
    """Actor 0 is paid nothing whatever happens; actors 1 and 2 each have a dominant strategy."""
    u = np.zeros((3, 2, 2, 2), dtype=np.int64)
    for a, b, c in np.ndindex(2, 2, 2):
        u[1, a, b, c] = 1 if b == 0 else 0
        u[2, a, b, c] = 1 if c == 1 else 0
    return u


def test_a_continuum_is_reported_with_sample_points() -> None:
    u = _continuum_game()
    ours = all_equilibria(u)
    assert ours.complete
    (cont,) = ours.continua
    assert cont.support == ((0, 1), (0,), (1,)) and cont.dimension == 1
    assert len(cont.samples) >= 2
    for k in cont.samples:
        e = ours.equilibria[k]
        assert e.continuum == 0 and e.exact is not None
        assert _deviation_gain(u, e.probabilities) == 0
        assert 0 < e.probabilities[0][0] < 1
    assert any("Continuum" in note for note in ours.notes)
    # the two pure ends of the segment are reported too
    pure = [e for e in ours.equilibria if all(len(s) == 1 for s in e.support)]
    assert {e.support for e in pure} == {((0,), (0,), (1,)), ((1,), (0,), (1,))}


def test_the_library_says_continuum_in_notes() -> None:
    game = NormalFormGame.from_arrays(*_continuum_game())
    result = bargaining.equilibria(game)
    assert result.continuum and result.degenerate
    assert any("continuum" in " ".join(e.notes) for e in result)


def test_complete_enumeration_is_refused_above_the_budget() -> None:
    u = np.zeros((7, *(3,) * 7), dtype=np.int64)  # nothing is dominated: 7^7 support profiles
    with pytest.raises(ScenarioError) as err:
        all_equilibria(u)
    assert err.value.field == "method"
    assert f"{7**7:,}" in str(err.value) and f"{MAX_SUPPORT_PROFILES:,}" in str(err.value)
    assert 'method="some"' in str(err.value)


def test_some_equilibria_are_equilibria_and_not_claimed_complete() -> None:
    u = _random_game((3, 3, 3), 5, -6, 6)
    some = some_equilibria(u, starts=12)
    assert not some.complete and some.equilibria
    assert any("not necessarily all" in note for note in some.notes)
    scale = float(np.abs(u).max())
    for e in some.equilibria:
        assert _deviation_gain(u, e.probabilities) <= 1e-7 * scale
    full = all_equilibria(u)
    for e in some.equilibria:
        assert any(_same(e.probabilities, f.probabilities) for f in full.equilibria)


def test_the_library_routes_method_some() -> None:
    game = NormalFormGame.from_arrays(*_random_game((2, 2, 2), 3))
    some = bargaining.equilibria(game, method="some")
    assert not some.complete and "not necessarily all" in " ".join(some.notes)

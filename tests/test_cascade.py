"""The signing game as a game of complements (docs/models.md#the-signing-game): lattice, cascade, statics."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.analysis.cascade import cascade
from bargaining.analysis.nash import equilibria
from bargaining.io.scenario_file import load
from bargaining.kernels.lattice import lattice
from bargaining.kernels.pure import pure_equilibria

SIGNING = load("central_asia_signing")
Y2012 = {"p_KZ": 0.9, "L_KZ": 4.0, "D_KZ": 1.0}


def test_2007_no_domino() -> None:
    c = cascade(SIGNING)
    assert c is not None and c.unique
    assert c.least == ("UZ",) and c.steps == (("UZ",),)
    assert c.descent[0] == ("UZ", "KG")  # the greatest-equilibrium path {UZ, KG} -> {UZ}


def test_russias_expectation_two_equilibria_and_the_cascade_stops_at_the_least() -> None:
    c = cascade(SIGNING, {"H_KZ": 2.0})
    assert c is not None and not c.unique
    assert c.least == ("UZ",) and set(c.greatest) == {"UZ", "KZ", "KG"}
    signers = {
        tuple(a for a in SIGNING.game.actors if e.strategy(a)["sign"] == 1)
        for e in equilibria(SIGNING, SIGNING.values({"H_KZ": 2.0}))
    }
    assert signers == {("UZ",), ("UZ", "KZ", "KG")}


def test_2012_cascade_kz_then_kg() -> None:
    c = cascade(SIGNING, Y2012)
    assert c is not None and c.unique
    assert c.steps == (("UZ",), ("UZ", "KZ"), ("UZ", "KZ", "KG"))


def payoffs(overrides: dict[str, float]) -> np.ndarray:
    return SIGNING.normal_form.payoff_array(SIGNING.values(overrides))


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["L_UZ", "L_KZ", "L_KG", "L_TJ", "D_KZ", "D_KG", "D_TJ"]), st.floats(0, 5), max_size=4
    )
)
def test_every_equilibrium_lies_between_the_least_and_the_greatest(overrides: dict[str, float]) -> None:
    arr = payoffs(overrides)
    lat = lattice(arr, high=[0] * 5, low=[1] * 5)
    assert lat.supermodular
    # strategy 0 is "sign": componentwise, least <= NE <= greatest means signers(least) within signers(NE) within ...
    for ne in pure_equilibria(arr, tol=1e-9):
        signers = {k for k, s in enumerate(ne) if s == 0}
        assert (
            {k for k, s in enumerate(lat.least) if s == 0}
            <= signers
            <= {k for k, s in enumerate(lat.greatest) if s == 0}
        )
    assert len(lat.cascade) <= 5 + 1  # at most n rounds from the status quo


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["UZ", "KZ", "KG", "TJ"]), st.floats(0.0, 3.0), st.floats(0, 5))
def test_raising_a_reward_weakly_raises_both_ends(state: str, bump: float, base: float) -> None:
    low = payoffs({f"L_{state}": base})
    high = payoffs({f"L_{state}": min(10.0, base + bump)})
    a, b = lattice(low, high=[0] * 5, low=[1] * 5), lattice(high, high=[0] * 5, low=[1] * 5)
    for lo_prof, hi_prof in ((a.least, b.least), (a.greatest, b.greatest)):
        assert {k for k, s in enumerate(lo_prof) if s == 0} <= {k for k, s in enumerate(hi_prof) if s == 0}


def test_without_spillovers_the_equilibrium_is_the_dominant_profile() -> None:
    zero = {f"gamma_{j}": 0.0 for j in SIGNING.normal_form.actors}
    arr = payoffs(zero)
    lat = lattice(arr, high=[0] * 5, low=[1] * 5)
    assert lat.unique
    assert {tuple(r) for r in pure_equilibria(arr, tol=1e-9).tolist()} == {lat.least}

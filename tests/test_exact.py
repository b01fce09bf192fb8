"""Exact equilibria: sympy formulas on the numeric supports, checked against the numbers."""

from __future__ import annotations

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.analysis.nash import equilibria
from bargaining.expressions import parameter_symbol as s
from bargaining.games.normal import NormalFormGame

INSPECTION = NormalFormGame.from_table(
    {"EU": ["monitor", "trust"], "RU": ["readmit", "stall"]},
    {
        ("monitor", "readmit"): ("g - m", "-e"),
        ("monitor", "stall"): ("-m", "-f"),
        ("trust", "readmit"): ("g", "-e"),
        ("trust", "stall"): ("-l", "0"),
    },
)


def test_inspection_game_exact_form_is_tsebelis_closed_form() -> None:
    """docs/models.md#the-inspection-game: P(M) = e/f, P(C) = 1 - m/l; payoffs (g - m - ... , -e)."""
    (eq,) = equilibria(INSPECTION, {"e": 1, "f": 4, "g": 2, "m": 1, "l": 2})
    assert eq.exact_probabilities is not None and eq.exact_payoffs is not None
    p_monitor, p_trust = eq.exact_probabilities[0]
    p_readmit, p_stall = eq.exact_probabilities[1]
    assert sympy.simplify(p_monitor - s("e") / s("f")) == 0
    assert sympy.simplify(p_readmit - (1 - s("m") / s("l"))) == 0
    assert sympy.simplify(p_monitor + p_trust - 1) == 0 and sympy.simplify(p_readmit + p_stall - 1) == 0
    # Russia's compliance rate does not depend on its own payoffs e, f (Tsebelis 1989)
    assert not ({s("e"), s("f")} & p_readmit.free_symbols)
    assert sympy.simplify(eq.exact_payoffs[1] + s("e")) == 0


@settings(max_examples=40, deadline=None)
@given(
    e=st.floats(0.1, 3),
    gap_f=st.floats(0.1, 5),
    g=st.floats(0, 5),
    m=st.floats(0.1, 3),
    gap_l=st.floats(0.1, 5),
)
def test_exact_form_equals_the_numeric_equilibrium_at_random_parameters(
    e: float, gap_f: float, g: float, m: float, gap_l: float
) -> None:
    values = {"e": e, "f": e + gap_f, "g": g, "m": m, "l": m + gap_l}
    (eq,) = equilibria(INSPECTION, values)
    assert eq.exact_probabilities is not None
    subs = {s(k): v for k, v in values.items()}
    for exact_row, numeric_row in zip(eq.exact_probabilities, eq.probabilities, strict=True):
        for p, q in zip(exact_row, numeric_row, strict=True):
            assert abs(float(p.subs(subs)) - q) < 1e-9
    assert abs(eq.probabilities[0][0] - values["e"] / values["f"]) < 1e-9

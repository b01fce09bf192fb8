"""Signs over a box: sympy's decisions are confirmed by dense sampling, and never wrong."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.analysis.signs import sign_over_box

x, y, z = sympy.symbols("x y z", real=True)


def test_known_signs() -> None:
    box = {x: (0.5, 2.0), y: (0.0, 3.0), z: (-1.0, 1.0)}
    assert sign_over_box(x * y + 1, box).sign == "+"
    assert sign_over_box(-x / (1 + y**2), box).sign == "-"
    assert sign_over_box(z * x, box).sign == "?"
    assert sign_over_box((x - x) * y, box).sign == "0"
    assert sign_over_box(-y * sympy.log(x / 4), box).sign == "+"  # log(x/4) < 0 on [0.5, 2]


def test_sign_depending_on_the_box() -> None:
    assert sign_over_box(x - 1, {x: (2.0, 3.0)}).sign == "+"
    assert sign_over_box(x - 1, {x: (0.0, 3.0)}).sign == "?"
    assert sign_over_box(x - 1, {x: (-3.0, 0.5)}).sign == "-"


coefficients = st.integers(-3, 3)


@settings(max_examples=150, deadline=None)
@given(coefficients, coefficients, coefficients, coefficients, st.floats(-2, 2), st.floats(0.1, 2))
def test_proven_signs_hold_on_a_dense_grid(a: int, b: int, c: int, d: int, lo: float, width: float) -> None:
    expr = (a * x + b * y + c) * (d + x**2) / (1 + y**2)
    box = {x: (lo, lo + width), y: (0.0, 1.0)}
    result = sign_over_box(expr, box)
    f = sympy.lambdify([x, y], expr)
    X, Y = np.meshgrid(np.linspace(lo, lo + width, 60), np.linspace(0, 1, 60))
    values = np.asarray(f(X, Y), dtype=float) * np.ones_like(X)
    scale = 1e-9 * (1 + np.abs(values).max())
    if result.sign == "+":
        assert values.min() >= -scale
    elif result.sign == "-":
        assert values.max() <= scale
    elif result.sign == "0":
        assert np.abs(values).max() <= scale
    elif result.proven:  # "?" proven: sampling found both signs
        assert values.min() < scale and values.max() > -scale

"""Brute-force references for the tests: slow, obvious, independent of the library's algorithms."""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def brute_pure(payoffs: FloatArray) -> set[tuple[int, ...]]:
    """Every pure equilibrium by checking each profile and each unilateral deviation in a loop."""
    n = payoffs.shape[0]
    shape = payoffs.shape[1:]
    found = set()
    for profile in product(*(range(m) for m in shape)):
        stable = True
        for i in range(n):
            for t in range(shape[i]):
                dev = list(profile)
                dev[i] = t
                if payoffs[(i, *dev)] > payoffs[(i, *profile)]:
                    stable = False
        if stable:
            found.add(profile)
    return found


def brute_supports(A: FloatArray, B: FloatArray, tol: float = 1e-9) -> list[tuple[FloatArray, FloatArray]]:
    """Equilibria of a non-degenerate bimatrix game: every pair of equal-size supports, one at a time."""
    m, n = A.shape
    out = []
    for k in range(1, min(m, n) + 1):
        for S1 in combinations(range(m), k):
            for S2 in combinations(range(n), k):
                # y on S2 makes rows S1 indifferent under A; x on S1 makes columns S2 indifferent under B
                My = np.zeros((k + 1, k + 1))
                My[:k, :k] = A[np.ix_(S1, S2)]
                My[:k, k] = -1
                My[k, :k] = 1
                Mx = np.zeros((k + 1, k + 1))
                Mx[:k, :k] = B[np.ix_(S1, S2)].T
                Mx[:k, k] = -1
                Mx[k, :k] = 1
                rhs = np.zeros(k + 1)
                rhs[k] = 1
                try:
                    sy = np.linalg.solve(My, rhs)
                    sx = np.linalg.solve(Mx, rhs)
                except np.linalg.LinAlgError:
                    continue
                x = np.zeros(m)
                y = np.zeros(n)
                x[list(S1)] = sx[:k]
                y[list(S2)] = sy[:k]
                if (x < -tol).any() or (y < -tol).any():
                    continue
                if (A @ y > sy[k] + tol).any() or (x @ B > sx[k] + tol).any():
                    continue
                out.append((x, y))
    return out


def same_equilibria(
    first: list[tuple[FloatArray, FloatArray]], second: list[tuple[FloatArray, FloatArray]], tol: float = 1e-6
) -> bool:
    """Whether two lists of (x, y) pairs are the same set, to within ``tol``."""
    if len(first) != len(second):
        return False
    unmatched = list(second)
    for x, y in first:
        hit = next(
            (k for k, (u, v) in enumerate(unmatched) if np.allclose(x, u, atol=tol) and np.allclose(y, v, atol=tol)),
            None,
        )
        if hit is None:
            return False
        unmatched.pop(hit)
    return True

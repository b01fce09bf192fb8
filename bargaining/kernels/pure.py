r"""Every pure-strategy Nash equilibrium of an n-actor game, vectorised over the payoff array.

A profile :math:`s` is a pure Nash equilibrium iff :math:`u_i(s) \ge \max_{t_i} u_i(t_i, s_{-i})`
for every actor :math:`i`. For each actor the maximum over its own axis is one numpy reduction
over the whole array, so the work is :math:`n` array passes and no loop over profiles.

>>> import numpy as np
>>> coordination = np.array([[[2, 0], [0, 1]], [[2, 0], [0, 1]]])
>>> pure_equilibria(coordination).tolist()
[[0, 0], [1, 1]]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["pure_equilibria", "pure_equilibrium_mask"]


def pure_equilibrium_mask(payoffs: npt.ArrayLike, tol: float = 0.0) -> npt.NDArray[np.bool_]:
    """Boolean array of shape ``(m_1, ..., m_n)``: True at every pure Nash equilibrium.

    ``tol`` forgives a deviation gain of at most ``tol`` (0: exact comparison).
    """
    arr = np.asarray(payoffs, dtype=float)
    n = arr.shape[0]
    mask = np.ones(arr.shape[1:], dtype=bool)
    for i in range(n):
        mask &= arr[i] >= arr[i].max(axis=i, keepdims=True) - tol
    return mask


def pure_equilibria(payoffs: npt.ArrayLike, tol: float = 0.0) -> npt.NDArray[np.intp]:
    """Strategy indices of every pure Nash equilibrium, one row per equilibrium, in array order."""
    return np.argwhere(pure_equilibrium_mask(payoffs, tol))

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


def pure_equilibrium_mask(payoffs: npt.ArrayLike, tol: float = 0.0, *, rtol: float = 0.0) -> npt.NDArray[np.bool_]:
    """Boolean array of shape ``(m_1, ..., m_n)``: True at every pure Nash equilibrium.

    ``tol`` forgives a deviation gain of at most ``tol`` (0: exact comparison); ``rtol`` one of at
    most ``rtol`` times the actor's payoff range (max minus min over the profiles), which scaling
    or shifting the actor's payoffs leaves unchanged. ``payoffs`` may carry trailing axes (a grid
    of parameter points, shape ``(n, m_1, ..., m_n, *G)``): the range is then taken at each point
    and the mask has shape ``(m_1, ..., m_n, *G)``.

    >>> import numpy as np
    >>> tie = np.array([[[1e9 + 1e-7, 0], [1e9, 0]], [[0, 0], [0, 0]]])  # a gain of 1e-7 on 1e9
    >>> pure_equilibrium_mask(tie)[:, 0].tolist(), pure_equilibrium_mask(tie, rtol=1e-15)[:, 0].tolist()
    ([True, False], [True, True])
    """
    arr = np.asarray(payoffs, dtype=float)
    n = arr.shape[0]
    mask = np.ones(arr.shape[1:], dtype=bool)
    strategy_axes = tuple(range(n))
    for i in range(n):
        slack: float | npt.NDArray[np.float64] = tol
        if rtol:
            span = arr[i].max(axis=strategy_axes, keepdims=True) - arr[i].min(axis=strategy_axes, keepdims=True)
            slack = tol + rtol * span
        mask &= arr[i] >= arr[i].max(axis=i, keepdims=True) - slack
    return mask


def pure_equilibria(payoffs: npt.ArrayLike, tol: float = 0.0, *, rtol: float = 0.0) -> npt.NDArray[np.intp]:
    """Strategy indices of every pure Nash equilibrium, one row per equilibrium, in array order."""
    return np.argwhere(pure_equilibrium_mask(payoffs, tol, rtol=rtol))

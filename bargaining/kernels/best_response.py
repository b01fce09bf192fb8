r"""Expected payoffs of pure strategies against mixed profiles, best responses, the equilibrium test.

For a mixed profile :math:`\sigma = (\sigma_1, \dots, \sigma_n)` actor :math:`i`'s payoff from pure
strategy :math:`s` is :math:`u_i(s, \sigma_{-i}) = \sum_{t_{-i}} u_i(s, t_{-i}) \prod_{j\ne i}
\sigma_j(t_j)`, a contraction of the payoff array over every axis but :math:`i`. The best
responses are the maximisers; :math:`\sigma` is a Nash equilibrium iff for every :math:`i`,
:math:`\max_s u_i(s,\sigma_{-i}) - u_i(\sigma) \le` tol (Nash 1951). Every ``tol`` here is
*relative to the actor's payoff range* :math:`\max u_i - \min u_i` (plus the rounding of its
largest payoff), so scaling or shifting one actor's payoffs changes no answer.

>>> import numpy as np
>>> A = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]])  # prisoner's dilemma, shape (2, 2, 2)
>>> best_responses(A, 0, [np.array([1.0, 0.0]), np.array([1.0, 0.0])])
(1,)
>>> is_equilibrium(A, [np.array([0.0, 1.0]), np.array([0.0, 1.0])])
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["best_responses", "is_equilibrium", "regret", "strategy_payoffs"]

FloatArray = npt.NDArray[np.float64]
ROUNDING = 64 * float(np.finfo(float).eps)


def _scale(arr: FloatArray, actor: int) -> float:
    """The actor's payoff range, the unit of every tolerance (1 for a constant actor)."""
    own = arr[actor]
    span = float(own.max() - own.min())
    return span if span > 0 else 1.0


def _absolute(arr: FloatArray, actor: int, tol: float) -> float:
    """``tol`` (relative to the actor's payoff range) in the actor's units, plus payoff rounding."""
    return tol * _scale(arr, actor) + ROUNDING * float(np.abs(arr[actor]).max())


def strategy_payoffs(payoffs: npt.ArrayLike, actor: int, profile: Sequence[npt.ArrayLike]) -> FloatArray:
    """Actor's expected payoff from each of its pure strategies against the others' mixtures.

    ``payoffs`` has shape ``(n, m_1, ..., m_n)``; ``profile[j]`` is actor j's mixed strategy
    (``profile[actor]`` is ignored).
    """
    arr = np.asarray(payoffs, dtype=float)
    out = arr[actor]
    for j in reversed(range(arr.shape[0])):
        if j != actor:
            out = np.tensordot(out, np.asarray(profile[j], dtype=float), axes=([j], [0]))
    return np.asarray(out, dtype=float)


def best_responses(
    payoffs: npt.ArrayLike, actor: int, profile: Sequence[npt.ArrayLike], tol: float = 1e-9
) -> tuple[int, ...]:
    """Indices of actor's pure best responses to the others' (mixed) strategies in ``profile``
    (within ``tol`` times the actor's payoff range of the best)."""
    arr = np.asarray(payoffs, dtype=float)
    values = strategy_payoffs(arr, actor, profile)
    return tuple(int(k) for k in np.flatnonzero(values >= values.max() - _absolute(arr, actor, tol)))


def regret(payoffs: npt.ArrayLike, profile: Sequence[npt.ArrayLike]) -> FloatArray:
    """For each actor, the gain from its best pure deviation: :math:`\\max_s u_i(s,\\sigma_{-i}) - u_i(\\sigma)`."""
    arr = np.asarray(payoffs, dtype=float)
    out = np.empty(arr.shape[0])
    for i in range(arr.shape[0]):
        values = strategy_payoffs(arr, i, profile)
        out[i] = values.max() - float(values @ np.asarray(profile[i], dtype=float))
    return out


def is_equilibrium(payoffs: npt.ArrayLike, profile: Sequence[npt.ArrayLike], tol: float = 1e-9) -> bool:
    """Whether ``profile`` is a Nash equilibrium: every actor's regret is at most ``tol`` times its
    payoff range (plus the rounding of its largest payoff).

    >>> import numpy as np
    >>> pennies = np.array([[[1e9, -1e9], [-1e9, 1e9]], [[-1e-6, 1e-6], [1e-6, -1e-6]]])
    >>> is_equilibrium(pennies, [np.array([0.5, 0.5]), np.array([0.5, 0.5])])
    True
    >>> is_equilibrium(pennies, [np.array([0.5, 0.5]), np.array([0.5 + 1e-6, 0.5 - 1e-6])])
    False
    """
    arr = np.asarray(payoffs, dtype=float)
    gains = regret(arr, profile)
    return all(gains[i] <= _absolute(arr, i, tol) for i in range(arr.shape[0]))

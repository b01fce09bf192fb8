r"""Games of strategic complements: least and greatest equilibria, and the cascade from the status quo.

Order each actor's strategies from low to high (for a signing game: stay out < sign). The game
has **increasing differences** when :math:`u_i(\text{high}, s_{-i}) - u_i(\text{low}, s_{-i})`
never falls as other actors move up; it is then supermodular, its pure equilibria form a non-empty
complete lattice (Topkis 1979; Milgrom & Roberts 1990; Vives 1990), and simultaneous best-response
iteration from everyone-low climbs monotonically to the **least** equilibrium in at most n rounds,
from everyone-high descends to the **greatest**. The path from everyone-low is the **cascade**
from the status quo (Granovetter 1978): those for whom signing is dominant move first, then those
whose thresholds the first movers reached, and so on (docs/models.md#the-signing-game).

>>> import numpy as np
>>> # two actors, strategies (high, low) = (sign, out): each gains 1 from signing iff the other signs
>>> u = np.zeros((2, 2, 2)); u[0, 0, 0] = u[1, 0, 0] = 1; u[0, 0, 1] = u[1, 1, 0] = -1
>>> lat = lattice(u, high=[0, 0], low=[1, 1])
>>> lat.least, lat.greatest, lat.supermodular
((1, 1), (0, 0), True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import numpy.typing as npt

__all__ = ["Lattice", "increasing_differences", "lattice"]


@dataclass(frozen=True)
class Lattice:
    """Least and greatest pure equilibria (strategy indices), the cascade paths from the bottom and
    the top, and whether the game has increasing differences in the given order."""

    least: tuple[int, ...]
    greatest: tuple[int, ...]
    cascade: tuple[tuple[int, ...], ...]
    descent: tuple[tuple[int, ...], ...]
    supermodular: bool

    @property
    def unique(self) -> bool:
        """Whether least = greatest (then the equilibrium is unique)."""
        return self.least == self.greatest


def increasing_differences(payoffs: npt.ArrayLike, high: Sequence[int], low: Sequence[int], tol: float = 1e-9) -> bool:
    """Whether every actor's gain from high over low is non-decreasing in each other actor's move up."""
    arr = np.asarray(payoffs, dtype=float)
    n = arr.shape[0]
    for i in range(n):
        gain = np.take(arr[i], high[i], axis=i) - np.take(arr[i], low[i], axis=i)  # drops axis i
        for j in range(n):
            if j == i:
                continue
            axis = j if j < i else j - 1
            up = np.take(gain, high[j], axis=axis) - np.take(gain, low[j], axis=axis)
            if np.any(up < -tol):
                return False
    return True


def _iterate(
    arr: npt.NDArray[np.float64], start: tuple[int, ...], high: Sequence[int], low: Sequence[int], prefer_high: bool
) -> list[tuple[int, ...]]:
    path = [start]
    seen = {start}
    profile = start
    n = arr.shape[0]
    for _ in range(4 * n + 4):
        nxt = []
        for i in range(n):
            hi_prof, lo_prof = list(profile), list(profile)
            hi_prof[i], lo_prof[i] = high[i], low[i]
            gain = arr[(i, *hi_prof)] - arr[(i, *lo_prof)]
            tol = 1e-9 * (1.0 + abs(arr[(i, *hi_prof)]))
            up = gain > tol or (prefer_high and gain >= -tol)
            nxt.append(high[i] if up else low[i])
        profile = tuple(nxt)
        if profile == path[-1]:
            return path
        if profile in seen:  # a cycle: not a game of complements in this order
            path.append(profile)
            return path
        seen.add(profile)
        path.append(profile)
    return path


def lattice(payoffs: npt.ArrayLike, *, high: Sequence[int], low: Sequence[int]) -> Lattice:
    """Least and greatest equilibria of a game whose actors each choose between ``low`` and ``high``
    (strategy indices), by best-response iteration from everyone-low and everyone-high. Indifferent
    actors stay low on the way up (least) and high on the way down (greatest)."""
    arr = np.asarray(payoffs, dtype=float)
    up = _iterate(arr, tuple(low), high, low, prefer_high=False)
    down = _iterate(arr, tuple(high), high, low, prefer_high=True)
    return Lattice(up[-1], down[-1], tuple(up), tuple(down), increasing_differences(arr, high, low))


def all_profiles(shape: Sequence[int]) -> list[tuple[int, ...]]:
    """Every profile of strategy indices (for small games)."""
    return list(product(*(range(m) for m in shape)))

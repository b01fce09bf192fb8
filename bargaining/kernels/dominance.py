r"""Iterated elimination of strictly dominated strategies (IESDS).

Strategy :math:`s` of actor :math:`i` is strictly dominated by :math:`t` when
:math:`u_i(t, s_{-i}) > u_i(s, s_{-i})` for every surviving :math:`s_{-i}`; with ``mixed=True``
(two actors) also when some mixture :math:`\tau` of :math:`i`'s other surviving strategies does
better against every surviving opponent strategy, which a linear programme decides: maximise
:math:`\varepsilon` subject to :math:`\sum_t \tau_t u_i(t, j) \ge u_i(s, j) + \varepsilon` for all
surviving :math:`j` (Osborne & Rubinstein 1994, *A Course in Game Theory*, Lemma 60.1 and
Proposition 61.2). No Nash equilibrium gives a strictly dominated strategy positive probability,
and the order of strict eliminations does not change what survives.

>>> import numpy as np
>>> pd = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]])
>>> iterated_elimination(pd).surviving
((1,), (1,))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Elimination", "iterated_elimination"]


@dataclass(frozen=True)
class Elimination:
    """What survives IESDS, and each removal as (round, actor, strategy, dominated by)."""

    surviving: tuple[tuple[int, ...], ...]
    removed: tuple[tuple[int, int, int, str], ...]


def _pure_dominated(sub: npt.NDArray[np.float64], i: int) -> list[tuple[int, int]]:
    """(dominated, dominator) positions along axis i of the surviving sub-array of actor i."""
    moved = np.moveaxis(sub, i, 0).reshape(sub.shape[i], -1)
    better = np.all(moved[:, None, :] > moved[None, :, :], axis=2)  # better[t, s]: t beats s
    out = []
    for s in range(moved.shape[0]):
        ts = np.flatnonzero(better[:, s])
        if ts.size:
            out.append((s, int(ts[0])))
    return out


def _mixed_dominated(M: npt.NDArray[np.float64], s: int, tol: float) -> npt.NDArray[np.float64] | None:
    """A mixture of the other rows of M that beats row s in every column, or None."""
    k, cols = M.shape
    others = [t for t in range(k) if t != s]
    if not others:
        return None
    # variables: tau (len others), eps; maximise eps
    c = np.zeros(len(others) + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-M[others].T, np.ones((cols, 1))])
    b_ub = -M[s]
    A_eq = np.zeros((1, len(others) + 1))
    A_eq[0, :-1] = 1.0
    bounds = [(0.0, None)] * len(others) + [(None, None)]
    import scipy.optimize  # imported where used: start-up time

    res = scipy.optimize.linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs")
    if res.status != 0 or -res.fun <= tol:
        return None
    tau = np.zeros(k)
    tau[others] = res.x[:-1]
    return tau


def iterated_elimination(payoffs: npt.ArrayLike, *, mixed: bool = False, tol: float = 1e-9) -> Elimination:
    """Remove strictly dominated strategies until none is left; ``mixed`` needs two actors.

    One strategy is removed at a time (the first found), which gives the same survivors as any
    other order of strict elimination.
    """
    arr = np.asarray(payoffs, dtype=float)
    n = arr.shape[0]
    if mixed and n != 2:
        raise ValueError("domination by mixed strategies is implemented for two actors")
    alive = [list(range(m)) for m in arr.shape[1:]]
    removed: list[tuple[int, int, int, str]] = []
    round_ = 0
    changed = True
    while changed:
        changed = False
        round_ += 1
        for i in range(n):
            if len(alive[i]) < 2:
                continue
            sub = arr[i][np.ix_(*alive)]
            hits = _pure_dominated(sub, i)
            if hits:
                s, t = hits[0]
                removed.append((round_, i, alive[i][s], f"strategy {alive[i][t]}"))
                del alive[i][s]
                changed = True
                break
            if mixed:
                M = sub if i == 0 else sub.T
                for s in range(M.shape[0]):
                    tau = _mixed_dominated(M, s, tol)
                    if tau is not None:
                        mix = ", ".join(f"{alive[i][t]}: {w:.4g}" for t, w in enumerate(tau) if w > tol)
                        removed.append((round_, i, alive[i][s], f"mixture {{{mix}}}"))
                        del alive[i][s]
                        changed = True
                        break
                if changed:
                    break
    return Elimination(tuple(tuple(a) for a in alive), tuple(removed))

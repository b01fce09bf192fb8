"""The model held against the record: which equilibria play what was observed.

>>> from bargaining.scenario_file import load
>>> from bargaining.equilibria import equilibria
>>> s = load("eu_russia_2007")
>>> [matching_equilibria(equilibria(s), obs) for obs in s.observed]
[[0]]
"""

from __future__ import annotations

from bargaining.model import Observed
from bargaining.results import EquilibriumSet

__all__ = ["matching_equilibria"]


def matching_equilibria(result: EquilibriumSet, observed: Observed, tol: float = 1e-9) -> list[int]:
    """Indices of the equilibria in which every observed actor plays the observed strategy for sure."""
    return [
        k
        for k, eq in enumerate(result)
        if all(eq.strategy(actor).get(strategy, 0.0) >= 1 - tol for actor, strategy in observed.what.items())
    ]

"""Numeric solvers: pure functions on payoff arrays of shape ``(n, m_1, ..., m_n)``.

They know nothing of files, symbols or labels; :mod:`bargaining.analysis.nash` joins them to games.
"""

from bargaining.kernels.best_response import best_responses, is_equilibrium, strategy_payoffs
from bargaining.kernels.bimatrix import BimatrixEquilibria, support_enumeration, vertex_enumeration
from bargaining.kernels.dominance import iterated_elimination
from bargaining.kernels.pure import pure_equilibria

__all__ = [
    "BimatrixEquilibria",
    "best_responses",
    "is_equilibrium",
    "iterated_elimination",
    "pure_equilibria",
    "strategy_payoffs",
    "support_enumeration",
    "vertex_enumeration",
]

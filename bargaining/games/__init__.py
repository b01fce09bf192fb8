"""Games built from a model: normal form, trees, package deals and the external-incentives model."""

from bargaining.games.normal import NormalFormGame

__all__ = ["NormalFormGame"]

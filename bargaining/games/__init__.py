"""Games built from a model: normal-form games (this release)."""

from bargaining.games.normal import NormalFormGame

__all__ = ["NormalFormGame"]

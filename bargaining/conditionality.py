"""Deprecated: the old path of :mod:`bargaining.games.incentives` (kept for one release)."""

from bargaining._deprecated import forward

forward(__name__, "bargaining.games.incentives")

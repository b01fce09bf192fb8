"""Deprecated: the old path of :mod:`bargaining.analysis.subgame` (kept for one release)."""

from bargaining._deprecated import forward

forward(__name__, "bargaining.analysis.subgame")

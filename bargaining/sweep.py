"""Deprecated: the old path of :mod:`bargaining.analysis.sweep` (kept for one release)."""

from bargaining._deprecated import forward

forward(__name__, "bargaining.analysis.sweep", verb="sweep")

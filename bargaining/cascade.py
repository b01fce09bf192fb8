"""Deprecated: the old path of :mod:`bargaining.analysis.cascade` (kept for one release)."""

from bargaining._deprecated import forward

forward(__name__, "bargaining.analysis.cascade", verb="cascade")

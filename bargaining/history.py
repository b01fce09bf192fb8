"""Deprecated: the old path of :mod:`bargaining.analysis.record` (kept for one release)."""

from bargaining._deprecated import forward

forward(__name__, "bargaining.analysis.record", verb="history")

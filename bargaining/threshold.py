"""Deprecated: the old path of :mod:`bargaining.analysis.threshold` (kept for one release)."""

from bargaining._deprecated import forward

forward(__name__, "bargaining.analysis.threshold", verb="threshold")

"""Deprecated: the old path of :mod:`bargaining.kernels` (kept for one release)."""

from bargaining._deprecated import forward

forward(__name__, "bargaining.kernels")

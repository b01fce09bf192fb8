"""What every benchmark script shares: timing one call with the garbage collector off."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

T = TypeVar("T")
Pair = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]

__all__ = ["fmt_range", "fmt_ratio", "fmt_s", "median_seconds", "time_call", "unmatched"]


def time_call(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by one call of ``fn`` (garbage collector off), and its result."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed, result


def fmt_s(seconds: float | None) -> str:
    """A duration as a reader wants it: ms below a second."""
    if seconds is None:
        return "-"
    if seconds < 0.1:
        return f"{1e3 * seconds:.2f} ms"
    if seconds < 1:
        return f"{1e3 * seconds:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(baseline: float | None, ours: float | None) -> str:
    """baseline / ours, e.g. ``15x`` (above 1: ours is faster)."""
    if baseline is None or ours is None:
        return "-"
    r = baseline / ours
    return f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


def fmt_range(values: Sequence[int]) -> str:
    """``3`` or ``3-7``."""
    return "-" if not values else str(min(values)) if min(values) == max(values) else f"{min(values)}-{max(values)}"


def median_seconds(fn: Callable[[], object], calls: int, before: Callable[[], None] | None = None) -> float:
    """Median seconds over ``calls`` calls of ``fn``; ``before`` runs ahead of each call, untimed."""
    times = []
    for _ in range(calls):
        if before is not None:
            before()
        elapsed, out = time_call(fn)
        del out
        times.append(elapsed)
    return statistics.median(times)


def unmatched(ours: Sequence[Pair], theirs: Sequence[Pair], tol: float) -> int:
    """How many equilibria of ``ours`` have no partner in ``theirs`` within ``tol`` (both sorted first;
    each partner is used once), plus how many of ``theirs`` are left over."""

    def key(pair: Pair) -> tuple[float, ...]:
        return tuple(np.concatenate(pair).round(6).tolist())

    left = sorted(theirs, key=key)
    missing = 0
    for x, y in sorted(ours, key=key):
        hit = next(
            (
                k
                for k, (u, v) in enumerate(left)
                if np.allclose(x, u, rtol=0, atol=tol) and np.allclose(y, v, rtol=0, atol=tol)
            ),
            None,
        )
        if hit is None:
            missing += 1
        else:
            del left[hit]
    return missing + len(left)

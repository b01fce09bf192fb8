"""What every benchmark script shares: timing one call with the garbage collector off."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

__all__ = ["time_call"]


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

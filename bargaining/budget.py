"""The budget every analysis is held to, and the arithmetic that checks a size against it *before* the work.

One number sets it: a memory budget in MiB, ``budget=`` in Python, ``--budget MB`` on the command line,
else the environment variable ``BARGAINING_BUDGET_MB``, else :data:`DEFAULT_BUDGET_MB` (1024 MiB)
(docs/format.md#budgets). Sizes that cost memory are compared with it in bytes (a payoff array of
:math:`n\\prod_i m_i` floats, a grid's arrays). Sizes that cost time are counts (symbolic payoff
entries, packages, tree nodes, grid points solved one by one, samples, the terms of an expanded
formula), each with a default limit that scales with the budget: ``budget=2048`` doubles every one
of them. Symbolic work that no count bounds runs under a deadline, :data:`DEFAULT_DEADLINE` seconds
at the default budget, also scaled. A size above its limit is refused with a ``ScenarioError`` that
says the size, the limit and what to do instead, never silently cut.

>>> budget_mb(512)
512.0
>>> count_limit(1000, 2048)
2000
>>> check_bytes("the payoff array", 3 * 2**30, field="actors", instead="fewer actors")
Traceback (most recent call last):
...
bargaining.errors.ScenarioError: actors: expected the payoff array within the memory budget of 1,024 MiB \
(fewer actors, or raise the budget: budget= in Python, --budget MB on the command line or the environment \
variable BARGAINING_BUDGET_MB), found 3,072 MiB
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bargaining.errors import ScenarioError

__all__ = [
    "BUDGET_ENV",
    "DEFAULT_BUDGET_MB",
    "DEFAULT_DEADLINE",
    "RAISE",
    "budget_mb",
    "check_bytes",
    "check_count",
    "count_limit",
    "deadline_seconds",
    "describe_bytes",
    "scale",
    "using_budget",
]

DEFAULT_BUDGET_MB = 1024.0
"""The memory budget in MiB unless ``budget=``, ``--budget`` or :data:`BUDGET_ENV` says otherwise."""
BUDGET_ENV = "BARGAINING_BUDGET_MB"
DEFAULT_DEADLINE = 2.0
"""Seconds that one analysis's exact (symbolic) work may take at the default budget before it falls
back to numbers, with a note."""
_CURRENT: ContextVar[float | None] = ContextVar("bargaining_budget", default=None)
RAISE = "raise the budget: budget= in Python, --budget MB on the command line or the environment variable " + BUDGET_ENV


@contextmanager
def using_budget(budget: float | None) -> Iterator[None]:
    """Within the block, ``budget`` (checked; None: no change) is the budget of every call that is
    not given one: an analysis passes its ``budget=`` down to the games and kernels it calls this way.

    >>> with using_budget(4096):
    ...     budget_mb()
    4096.0
    >>> budget_mb()
    1024.0
    """
    if budget is None:
        yield
        return
    token = _CURRENT.set(budget_mb(budget))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def budget_mb(budget: float | None = None) -> float:
    """The memory budget in MiB: ``budget`` if given, else that of the enclosing :func:`using_budget`,
    else the environment variable ``BARGAINING_BUDGET_MB``, else :data:`DEFAULT_BUDGET_MB` (1024 MiB).

    >>> budget_mb(-1)
    Traceback (most recent call last):
    ...
    bargaining.errors.ScenarioError: budget: expected a positive number of MiB, found -1
    """
    if budget is None:
        budget = _CURRENT.get()
    if budget is not None:
        value: float = budget
        source = "budget"
    else:
        raw = os.environ.get(BUDGET_ENV)
        if raw is None or not raw.strip():
            return DEFAULT_BUDGET_MB
        source = BUDGET_ENV
        try:
            value = float(raw)
        except ValueError:
            raise ScenarioError("a number of MiB", found=repr(raw[:40]), field=source) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError("a positive number of MiB", found=type(value).__name__, field=source)
    if not (value > 0 and math.isfinite(value)):
        raise ScenarioError("a positive number of MiB", found=repr(value), field=source)
    return float(value)


def scale(budget: float | None = None) -> float:
    """The budget as a multiple of the default: every count limit and the deadline are multiplied by it."""
    return budget_mb(budget) / DEFAULT_BUDGET_MB


def count_limit(default: int, budget: float | None = None) -> int:
    """A count limit (``default`` at the default budget) scaled with the budget, at least 1."""
    return max(1, int(default * scale(budget)))


def deadline_seconds(budget: float | None = None) -> float:
    """Seconds that one analysis's symbolic work may take: :data:`DEFAULT_DEADLINE` scaled with the budget."""
    return DEFAULT_DEADLINE * scale(budget)


def describe_bytes(nbytes: float) -> str:
    """``3,072 MiB`` or ``5.5 GiB``; astronomically large sizes in powers of ten.

    >>> describe_bytes(2**40 * 3)
    '3,072 GiB'
    >>> describe_bytes(8 * 10.0**30)
    '7.3e+18 TiB'
    """
    mib = nbytes / 2**20
    if mib < 100_000:
        return f"{mib:,.0f} MiB"
    gib = mib / 1024
    if gib < 100_000:
        return f"{gib:,.0f} GiB"
    tib = gib / 1024
    return f"{tib:,.0f} TiB" if tib < 1e9 else f"{tib:.2g} TiB"


def _size(count: int | float) -> str:
    return f"{count:,}" if isinstance(count, int) or count < 1e15 else f"{count:.3g}"


def check_bytes(
    what: str, nbytes: float, budget: float | None = None, *, field: str, instead: str, found: str | None = None
) -> None:
    """Refuse ``what`` when its estimated ``nbytes`` exceed the memory budget: a ``ScenarioError`` (``field``)
    saying the size, the limit and ``instead`` (what to do instead), before anything is allocated."""
    limit = budget_mb(budget)
    if nbytes > limit * 2**20:
        raise ScenarioError(
            f"{what} within the memory budget of {limit:,.0f} MiB ({instead}, or {RAISE})",
            found=found if found is not None else describe_bytes(nbytes),
            field=field,
        )


def check_count(
    what: str,
    count: int | float,
    default: int,
    budget: float | None = None,
    *,
    unit: str,
    field: str,
    instead: str,
) -> int:
    """Refuse ``count`` ``unit`` of ``what`` above the count limit (``default`` at the default budget,
    :func:`count_limit`); returns the limit. Large counts are printed in powers of ten.

    >>> check_count("a tree", 40, 100, unit="nodes", field="nodes", instead="a smaller tree")
    100
    >>> check_count("a tree", 400, 100, unit="nodes", field="nodes", instead="a smaller tree")
    Traceback (most recent call last):
    ...
    bargaining.errors.ScenarioError: nodes: expected a tree of at most 100 nodes (a smaller tree, \
or raise the budget: budget= in Python, --budget MB on the command line or the environment variable \
BARGAINING_BUDGET_MB), found 400 nodes
    """
    limit = count_limit(default, budget)
    if count > limit:
        raise ScenarioError(
            f"{what} of at most {limit:,} {unit} ({instead}, or {RAISE})",
            found=f"{_size(count)} {unit}",
            field=field,
        )
    return limit

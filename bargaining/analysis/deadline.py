r"""Symbolic work within a budget: a bound on an expression's expanded size, checked before sympy
expands it, and a deadline for what no bound can foresee (docs/format.md#budgets).

**Expanded size.** :func:`expanded_size` bounds, without expanding, the number of terms and the
total degree that :func:`sympy.expand` can produce: a sum has at most the sum of its parts' terms,
a product the product, and a power :math:`q^n` of a sum of :math:`t` terms at most
:math:`\binom{t+n-1}{n}` (the monomials of degree :math:`n` in :math:`t` unknowns). So
:math:`(a+b+c+d)^{64}` is :math:`\binom{67}{3} = 47{,}905` terms of degree 64, found in microseconds;
:func:`too_large` compares that with :data:`MAX_EXPANDED_TERMS` and :data:`MAX_DEGREE` (scaled with
the budget) so that an analysis can go straight to numbers.

**Deadline.** :func:`within_deadline` runs a function in a forked worker process and kills it
after :func:`~bargaining.budget.deadline_seconds` (2 s at the default budget): the caller then falls
back to numbers and says "exact form not found within N s". Where ``fork`` is unavailable (not
POSIX) the function runs in the process, without a deadline. A worker's own nested calls run in
the worker, under the outer deadline. Ctrl-C in the parent kills the worker before it propagates.

>>> a, b, c, d = sympy.symbols("a b c d")
>>> expanded_size((a + b + c + d) ** 64)
ExpandedSize(terms=47905, degree=64)
>>> within_deadline(lambda: sympy.factor(a**2 - b**2), 5.0)
(a - b)*(a + b)
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sympy

from bargaining.budget import count_limit, deadline_seconds
from bargaining.errors import ScenarioError

__all__ = [
    "MAX_DEGREE",
    "MAX_EXPANDED_TERMS",
    "MAX_SYMBOLS",
    "DeadlineExceeded",
    "ExpandedSize",
    "expanded_size",
    "late_note",
    "too_large",
    "within_deadline",
]

T = TypeVar("T")

MAX_EXPANDED_TERMS = 2_000
"""Terms an expanded formula may have before exact work is not tried (default budget)."""
MAX_DEGREE = 32
"""Total degree a formula may have before exact work is not tried (default budget)."""
MAX_SYMBOLS = 40
"""Symbols (parameters) a formula may have before exact work is not tried (default budget)."""
_HUGE = 10**30


@dataclass(frozen=True)
class ExpandedSize:
    """An upper bound on the terms of ``sympy.expand(expr)`` and on its total degree in the symbols."""

    terms: int
    degree: int


def expanded_size(expr: sympy.Basic) -> ExpandedSize:
    """Bounds on the expanded size of ``expr``, without expanding (capped at :math:`10^{30}`).

    Inside functions (``log``, ``exp``, ``Min``, ...) and non-integer powers the arguments count by
    their own size, the call as one term.

    >>> x, y = sympy.symbols("x y")
    >>> expanded_size((x + y) ** 3 * (x - 1))
    ExpandedSize(terms=8, degree=4)
    >>> expanded_size(sympy.log((x + y) ** 8)).degree
    8
    """
    memo: dict[sympy.Basic, tuple[int, int, int]] = {}

    def walk(e: sympy.Basic) -> tuple[int, int, int]:
        """(terms, degree, the largest size met inside)."""
        if e in memo:
            return memo[e]
        if e.is_Atom:
            out = (1, 0 if e.is_number else 1, 1)
        elif isinstance(e, sympy.Add):
            parts = [walk(a) for a in e.args]
            terms = min(_HUGE, sum(p[0] for p in parts))
            out = (terms, max(p[1] for p in parts), max(terms, *(p[2] for p in parts)))
        elif isinstance(e, sympy.Mul):
            parts = [walk(a) for a in e.args]
            terms = 1
            for p in parts:
                terms = min(_HUGE, terms * p[0])
            degree = min(_HUGE, sum(p[1] for p in parts))
            out = (terms, degree, max(terms, *(p[2] for p in parts)))
        elif isinstance(e, sympy.Pow) and e.exp.is_Integer:
            t, deg, inner = walk(e.base)
            n = abs(int(e.exp))
            terms = _monomials(t, n)
            out = (terms, min(_HUGE, deg * n), max(terms, inner))
        else:  # a function, a symbolic or fractional power: one term, its arguments by their own size
            parts = [walk(a) for a in e.args] or [(1, 0, 1)]
            degree = max(p[1] for p in parts)
            if isinstance(e, sympy.Pow) and e.exp.is_Rational:
                degree = min(_HUGE, math.ceil(degree * abs(float(e.exp))))
            out = (1, degree, max(p[2] for p in parts))
        memo[e] = out
        return out

    terms, degree, inner = walk(sympy.sympify(expr))
    return ExpandedSize(max(terms, inner), degree)


def _monomials(t: int, n: int) -> int:
    """:math:`\\binom{t+n-1}{n}`, capped at :data:`_HUGE`."""
    if t <= 1 or n == 0:
        return 1
    if n > 10_000 or t > 10**12:
        return _HUGE
    k = min(n, t - 1)
    # lgamma first: math.comb on huge arguments is slow, and the cap is all that matters then
    if math.lgamma(t + n) - math.lgamma(k + 1) - math.lgamma(t + n - k) > math.log(_HUGE):
        return _HUGE
    return min(_HUGE, math.comb(t + n - 1, k))


def too_large(exprs: Any, budget: float | None = None) -> str | None:
    """Why exact work on ``exprs`` (one sympy expression or an iterable) is not tried, or None when
    their expanded size is within :data:`MAX_EXPANDED_TERMS` terms and degree :data:`MAX_DEGREE`,
    in at most :data:`MAX_SYMBOLS` symbols (each scaled with the budget).

    >>> x, y = sympy.symbols("x y")
    >>> too_large([x + y, (x + y) ** 2])
    >>> too_large((x + y + 1) ** 64)
    'a formula that expands to up to 2,145 terms of degree 64 (limits 2,000 terms, degree 32)'
    """
    items = [exprs] if isinstance(exprs, sympy.Basic) else list(exprs)
    max_terms, max_degree = count_limit(MAX_EXPANDED_TERMS, budget), count_limit(MAX_DEGREE, budget)
    max_symbols = count_limit(MAX_SYMBOLS, budget)
    for e in items:
        if not isinstance(e, sympy.Basic):
            continue
        symbols = len(e.free_symbols)
        if symbols > max_symbols:
            return f"a formula in {symbols:,} symbols (limit {max_symbols:,}: sympy's simplification slows with each)"
        size = expanded_size(e)
        if size.terms > max_terms or size.degree > max_degree:
            terms = f"{size.terms:,}" if size.terms < _HUGE else "more than 10^30"
            return (
                f"a formula that expands to up to {terms} terms of degree {size.degree:,} "
                f"(limits {max_terms:,} terms, degree {max_degree:,})"
            )
    return None


class DeadlineExceeded(Exception):
    """The symbolic work did not finish within its deadline (``seconds``), or its worker ran out of
    memory or recursion depth (``why``)."""

    def __init__(self, seconds: float, why: str = "") -> None:
        self.seconds = seconds
        self.why = why
        super().__init__(late_note(seconds, why=why))


def late_note(seconds: float, what: str = "exact form", why: str = "") -> str:
    """The note of a fallback to numbers.

    >>> late_note(2.0)
    'exact form not found within 2 s (the deadline of symbolic work at this budget): numbers instead'
    """
    if why:
        return f"{what} not found within the budget ({why}): numbers instead"
    return f"{what} not found within {seconds:g} s (the deadline of symbolic work at this budget): numbers instead"


_IN_WORKER = False


def _fork_available() -> bool:
    return hasattr(os, "fork") and hasattr(os, "waitpid")


def within_deadline(fn: Callable[[], T], seconds: float | None = None, *, budget: float | None = None) -> T:
    """``fn()``, computed in a forked worker process that is killed after ``seconds`` (default: the
    budget's :func:`~bargaining.budget.deadline_seconds`); past it, :class:`DeadlineExceeded`.

    The result travels back pickled. An exception raised by ``fn`` is raised here (a
    ``ScenarioError`` with its fields). Inside a worker, and where ``fork`` is unavailable, ``fn``
    runs directly.
    """
    limit = deadline_seconds(budget) if seconds is None else seconds
    if _IN_WORKER or not _fork_available() or not math.isfinite(limit):
        return fn()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: compute, send, and leave without running the parent's clean-up
        try:
            os.close(read)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _work(fn, write)
        finally:
            os._exit(0)
    os.close(write)
    chunks: list[bytes] = []
    done = False
    try:
        end = time.monotonic() + limit
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([read], [], [], left)
            if not ready:
                break
            block = os.read(read, 1 << 20)
            if not block:
                done = True
                break
            chunks.append(block)
    finally:
        os.close(read)
        if not done:
            _kill(pid)
        else:
            os.waitpid(pid, 0)
    if not done:
        raise DeadlineExceeded(limit)
    out: T = _unpack(b"".join(chunks), limit)
    return out


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have just exited
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _work(fn: Callable[[], Any], fd: int) -> None:
    global _IN_WORKER
    _IN_WORKER = True
    try:
        payload = pickle.dumps(("ok", fn()), protocol=pickle.HIGHEST_PROTOCOL)
    except ScenarioError as err:
        payload = pickle.dumps(("scenario", (type(err), err.expected, err.found, err.file, err.field)))
    except (MemoryError, RecursionError) as exc:
        payload = pickle.dumps(("late", type(exc).__name__))
    except Exception as exc:
        try:
            payload = pickle.dumps(("error", exc))
        except Exception:
            payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    view = memoryview(payload)
    while view:
        sent = os.write(fd, view)
        view = view[sent:]
    os.close(fd)


def _unpack(data: bytes, seconds: float) -> Any:
    if not data:  # the worker died without a word (killed by the system, out of memory)
        raise DeadlineExceeded(seconds, "the worker process died")
    kind, value = pickle.loads(data)  # our own worker's bytes, through a private pipe
    if kind == "ok":
        return value
    if kind == "late":
        raise DeadlineExceeded(seconds, value)
    if kind == "scenario":
        cls, expected, found, file, field = value
        raise cls(expected, found=found, file=file, field=field)
    raise value

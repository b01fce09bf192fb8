"""The readers' input budgets (docs/format.md#budgets), shared by every file format the toolkit reads.

A file of at most :func:`max_file_bytes` (10 MB, or ``BARGAINING_MAX_FILE_MB``), its size checked
before it is read and the reading stopped at the limit; every array or table of a file at most
:func:`max_entries` entries (10,000, or ``BARGAINING_MAX_ENTRIES``). The scenario files
(:mod:`bargaining.io.scenario_file`) and Gambit's files (:mod:`bargaining.io.gambit`) both use them.

>>> megabytes(3 * 2**20)
'3.0 MB'
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path

from bargaining.errors import ScenarioError, ScenarioFileError

__all__ = [
    "MAX_FILE_ENV",
    "MAX_FILE_MB",
    "MAX_ITEMS",
    "MAX_ITEMS_ENV",
    "MAX_STRING",
    "from_environment",
    "max_entries",
    "max_file_bytes",
    "megabytes",
    "read_limited",
]

#: The default largest scenario file, in MB (2**20 bytes); ``BARGAINING_MAX_FILE_MB`` raises it.
MAX_FILE_MB = 10.0
MAX_FILE_ENV = "BARGAINING_MAX_FILE_MB"
#: The default most entries in one array or table of a file (facts, actors, strategies, parameters,
#: nodes, ``[[payoffs]]``: a 100x100 table); ``BARGAINING_MAX_ENTRIES`` raises it.
MAX_ITEMS = 10_000
MAX_ITEMS_ENV = "BARGAINING_MAX_ENTRIES"
#: The most characters in one string of a file (a title, a summary, a name, a source, a fact).
MAX_STRING = 100_000


def from_environment(name: str, default: float, unit: str) -> float:
    """A positive number from the environment variable ``name``, else ``default``."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ScenarioError(f"a positive number of {unit}", found=repr(raw[:40]), field=name)
    return min(value, 2.0**40)


def max_file_bytes() -> int:
    """The largest scenario file read, in bytes: ``BARGAINING_MAX_FILE_MB`` megabytes if set, else 10.

    >>> max_file_bytes() == 10 * 2**20 or "BARGAINING_MAX_FILE_MB" in os.environ
    True
    """
    return int(from_environment(MAX_FILE_ENV, MAX_FILE_MB, "megabytes") * 2**20)


def max_entries() -> int:
    """The most entries in one array or table of a file: ``BARGAINING_MAX_ENTRIES`` if set, else 10,000.

    >>> max_entries() == 10_000 or "BARGAINING_MAX_ENTRIES" in os.environ
    True
    """
    return int(from_environment(MAX_ITEMS_ENV, MAX_ITEMS, "entries"))


def megabytes(n: int) -> str:
    """``n`` bytes in MB (2**20 bytes), one decimal."""
    return f"{n / 2**20:,.1f} MB"


def read_limited(path: Path, display: str) -> bytes:
    """The bytes of a regular file of at most :func:`max_file_bytes`, its size checked before reading
    (a 2 GB file is refused at once) and the reading stopped at the limit (a file that grows)."""
    limit = max_file_bytes()
    too_big = f"a file of at most {megabytes(limit)} (docs/format.md#budgets; raise it with {MAX_FILE_ENV})"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # never blocks on a fifo
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ScenarioFileError(
                    "a regular file", found="a special file (a fifo, a device or a socket)", file=display
                )
            if info.st_size > limit:
                raise ScenarioFileError(too_big, found=megabytes(info.st_size), file=display)
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ScenarioFileError("a readable file", found=exc.strerror or type(exc).__name__, file=display) from None
    if len(data) > limit:
        raise ScenarioFileError(too_big, found=f"more than {megabytes(limit)}", file=display)
    return data

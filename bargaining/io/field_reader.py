"""What the readers of the newer game kinds (signalling, Bayesian) need from the scenario-file reader.

:class:`Reader` is the protocol of :mod:`bargaining.io.scenario_file`'s field reader (its checks know
the file's name, so every error is one line ``FILE: FIELD: expected WHAT, found WHAT``);
:func:`identifier` and :func:`read_names` read identifiers and lists of unique names with it.
"""

from __future__ import annotations

from typing import Any, Protocol

from bargaining.errors import ScenarioError
from bargaining.parameters import check_identifier

__all__ = ["Reader", "identifier", "read_names"]


class Reader(Protocol):
    """The field reader of :mod:`bargaining.io.scenario_file` (its checks know the file's name)."""

    file: str

    def error(self, field: str, expected: str, found: str) -> ScenarioError: ...

    def table(self, value: object, field: str, allowed: set[str] | None = None) -> dict[str, Any]: ...

    def array(self, value: object, field: str) -> list[Any]: ...

    def string(self, value: object, field: str, *, required: bool = True) -> str: ...


def identifier(r: Reader, name: str, field: str) -> str:
    """``name`` if it is an identifier, else the one-line error at ``field`` of ``r``'s file."""
    try:
        check_identifier(name, field)
    except ScenarioError as err:
        raise err.located(file=r.file) from None
    return name


def read_names(r: Reader, raw: object, field: str, what: str) -> list[str]:
    """A non-empty list of unique identifiers (types, messages, actions) at ``field``."""
    items = r.array(raw, field)
    if not items:
        raise r.error(field, f"at least one {what}", "an empty list")
    out: list[str] = []
    for k, item in enumerate(items):
        name = identifier(r, r.string(item, f"{field}[{k}]"), f"{field}[{k}]")
        if name in out:
            raise r.error(f"{field}[{k}]", f"unique {what} names", f"{name!r} again")
        out.append(name)
    return out

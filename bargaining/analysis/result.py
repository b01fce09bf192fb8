"""The contract every result keeps: frozen, read-only all the way down, comparable and hashable,
carrying how it was obtained (``method``), where (``values``) and what a reader must know (``notes``).

A result class is a ``@dataclass(frozen=True, eq=False)`` subclass of :class:`Result`. When it is
built, every field is frozen in place: mappings become :class:`FrozenMap`, lists tuples, numpy arrays
read-only copies. ``==`` compares field by field (arrays elementwise, NaN equal to NaN), and
``hash`` agrees with it. ``to_dict()`` gives the JSON the command prints (the command only
serialises it) and ``_repr_html_`` the notebook display (through :mod:`bargaining._repr`).

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, eq=False)
... class Point(Result):
...     where: dict[str, float]
...     method: str = "example"
...     values: dict[str, float] = None  # type: ignore[assignment]
...     notes: tuple[str, ...] = ()
...     def to_dict(self) -> dict[str, object]:
...         return {"where": dict(self.where)}
>>> p = Point({"x": 1.0})
>>> p == Point({"x": 1.0}), hash(p) == hash(Point({"x": 1.0}))
(True, True)
>>> p.where["x"] = 2.0
Traceback (most recent call last):
...
TypeError: 'FrozenMap' object does not support item assignment
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

import numpy as np

from bargaining._repr import repr_html

__all__ = ["FrozenMap", "Result", "clean_number", "freeze"]

K = TypeVar("K")
V = TypeVar("V")


def clean_number(x: float, digits: int = 12) -> float:
    """``x`` rounded to ``digits`` decimals, with ``-0.0`` made ``0.0`` (for printing and JSON)."""
    r = round(float(x), digits)
    return 0.0 if r == 0 else r


class FrozenMap(Mapping[K, V]):
    """A read-only mapping that is hashable when its values are (the results' dict fields)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        self._data: dict[K, V] = dict(data or {})

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return len(self) == len(other) and all(k in other and same(v, other[k]) for k, v in self._data.items())

    def __hash__(self) -> int:
        return hash(frozenset((k, hashable(v)) for k, v in self._data.items()))


def freeze(value: Any) -> Any:
    """``value`` made read-only all the way down: mappings as :class:`FrozenMap`, lists and tuples as
    tuples, sets as frozensets, numpy arrays as read-only copies; anything else as it is."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(freeze(v) for v in value)
    if isinstance(value, np.ndarray):
        if not value.flags.writeable and value.base is None:
            return value
        copy = np.array(value, copy=True)
        copy.flags.writeable = False
        return copy
    if dataclasses.is_dataclass(value) and not isinstance(value, type | Result):
        for f in dataclasses.fields(value):  # a frozen helper object inside a result: its arrays read-only too
            inner = getattr(value, f.name)
            if isinstance(inner, np.ndarray) and inner.flags.writeable:
                object.__setattr__(value, f.name, freeze(inner))
    return value


def hashable(value: Any) -> Any:
    """A hashable stand-in for ``value`` that is equal exactly when :func:`same` says so."""
    if isinstance(value, np.ndarray):
        return ("ndarray", value.shape, value.dtype.str, np.ascontiguousarray(value).tobytes())
    if isinstance(value, tuple):
        return tuple(hashable(v) for v in value)
    if isinstance(value, Mapping):
        return ("mapping", frozenset((k, hashable(v)) for k, v in value.items()))
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    if dataclasses.is_dataclass(value) and not isinstance(value, type | Result):
        return (type(value).__qualname__, *(hashable(getattr(value, f.name)) for f in dataclasses.fields(value)))
    return value


def same(a: Any, b: Any) -> bool:
    """Equality that compares numpy arrays elementwise and holds NaN equal to NaN."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        if a_arr.shape != b_arr.shape or a_arr.dtype.kind != b_arr.dtype.kind:
            return False
        if a_arr.dtype.kind in "fc":
            return bool(np.array_equal(a_arr, b_arr, equal_nan=True))
        return bool(np.array_equal(a_arr, b_arr))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return len(a) == len(b) and all(k in b and same(v, b[k]) for k, v in a.items())
    if dataclasses.is_dataclass(a) and not isinstance(a, type | Result):
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


class Result:
    """Base of every result class (declare subclasses ``@dataclass(frozen=True, eq=False)``).

    Subclasses have the fields ``method`` (how the result was obtained), ``values`` (the parameter
    values it was computed at) and ``notes`` (what a reader must know), and define ``to_dict``.
    """

    method: str
    values: Mapping[str, float]
    notes: tuple[str, ...]

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            object.__setattr__(self, f.name, freeze(getattr(self, f.name)))
        if getattr(self, "values", None) is None:
            object.__setattr__(self, "values", FrozenMap())

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(
            same(getattr(self, f.name), getattr(other, f.name))
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        )

    def __hash__(self) -> int:
        return hash(
            (type(self).__qualname__, *(hashable(getattr(self, f.name)) for f in dataclasses.fields(self)))  # type: ignore[arg-type]
        )

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return repr_html(self)

r"""Parameters and the parameter space a game carries: values, bounds, descriptions and sources.

A model's payoffs are expressions in named parameters :math:`\theta = (\theta_1, \dots, \theta_k)`.
Each parameter has a default value, bounds :math:`[\underline\theta_j, \bar\theta_j]` and a source
(a citation for data, or the words "illustrative assumption"). A :class:`ParameterSpace` is the
box :math:`\Theta = \prod_j [\underline\theta_j, \bar\theta_j]` with a default point in it; every
game carries one, so an analysis can run on a bare game built in Python as well as on a scenario.

>>> space = ParameterSpace.of({"r": (2.0, 0.0, 10.0), "c": 1.3})
>>> space.values({"r": 3})
{'r': 3.0, 'c': 1.3}
>>> space["c"].source
'not given (defined in Python without a source)'
>>> Parameter("p", 1.5, min=0, max=1, source="assumed")
Traceback (most recent call last):
...
bargaining.errors.ScenarioError: parameters.p.value: expected a number in [0, 1], found 1.5
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Self, TypeAlias

import sympy

from bargaining.errors import ScenarioError
from bargaining.expressions import parameter_symbol

__all__ = [
    "FORMAT",
    "PARAMETER_KINDS",
    "GameKind",
    "Parameter",
    "ParameterKind",
    "ParameterLike",
    "ParameterSpace",
    "ParametersLike",
    "check_identifier",
    "default_values",
]

FORMAT = "bargaining/1"
GameKind = Literal["normal", "tree", "bargain", "signalling", "two_level", "bayesian"]
#: What a parameter is to the record check (docs/format.md#assumptions-data-and-switches).
ParameterKind = Literal["assumption", "data", "switch"]
PARAMETER_KINDS: tuple[ParameterKind, ...] = ("assumption", "data", "switch")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset({"min", "max", "abs", "exp", "log", "sqrt"})
UNSOURCED = "not given (defined in Python without a source)"
DEFAULT_VALUE = 1.0


def check_identifier(name: object, field_path: str) -> str:
    """``name`` if it is an identifier ``[A-Za-z_][A-Za-z0-9_]*``, else a ``ScenarioError``."""
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise ScenarioError("an identifier [A-Za-z_][A-Za-z0-9_]*", found=repr(name), field=field_path)
    return name


def _fmt(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class Parameter:
    """A named number of the model with its default value, bounds and where it comes from.

    ``source`` is required in scenario files: a citation for data, or the words "illustrative
    assumption". A parameter defined in Python without one says so.

    ``kind`` says what the number is when the model is held against its record
    (:func:`bargaining.analysis.record.consistent_region`): an ``"assumption"`` is varied over its
    box ``[min, max]``, ``"data"`` is held at its value, and a ``"switch"`` (a 0/1 assumption, such
    as whether an offer includes a clause) is drawn as 0 or 1. ``None`` (the default) means derived
    from ``source``: see :attr:`role`.

    >>> Parameter("T", 3.0, min=0, max=10, source="Korneev 2012 §3").role
    'data'
    >>> Parameter("tau", 1.0, min=0, max=1, source="illustrative assumption", kind="switch").role
    'switch'
    """

    name: str
    value: float
    min: float = -math.inf
    max: float = math.inf
    description: str = ""
    source: str = ""
    kind: ParameterKind | None = None

    def __post_init__(self) -> None:
        where = f"parameters.{self.name}"
        check_identifier(self.name, where)
        if self.name in RESERVED:
            raise ScenarioError(
                "a name other than the functions min, max, abs, exp, log, sqrt", found=repr(self.name), field=where
            )
        for attr in ("value", "min", "max"):
            v = getattr(self, attr)
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise ScenarioError("a number", found=repr(v), field=f"{where}.{attr}")
            try:
                v = float(v)
            except OverflowError:  # an integer beyond the float range
                raise ScenarioError(
                    f"a number within the float range (at most about {sys.float_info.max:.3g})",
                    found="a larger integer",
                    field=f"{where}.{attr}",
                ) from None
            if attr == "value" and not math.isfinite(v):
                raise ScenarioError("a finite number", found=repr(v), field=f"{where}.{attr}")
            if math.isnan(v):
                raise ScenarioError("a number", found="nan", field=f"{where}.{attr}")
            object.__setattr__(self, attr, v)
        if self.min > self.max:
            raise ScenarioError("min <= max", found=f"min {_fmt(self.min)} > max {_fmt(self.max)}", field=where)
        self.check(self.value, f"{where}.value")
        if self.kind is not None and self.kind not in PARAMETER_KINDS:
            raise ScenarioError('"assumption", "data" or "switch"', found=repr(self.kind), field=f"{where}.kind")
        if self.kind == "switch" and (self.value not in (0.0, 1.0) or self.min > 0 or self.max < 1):
            raise ScenarioError(
                "a switch: value 0 or 1, with 0 and 1 within [min, max]",
                found=f"value {_fmt(self.value)} in [{_fmt(self.min)}, {_fmt(self.max)}]",
                field=f"{where}.kind",
            )

    @property
    def role(self) -> ParameterKind:
        """``kind`` if given; otherwise ``"assumption"`` when ``source`` contains the word
        "assumption" (any case) or no source is given (nothing says the number is data), else ``"data"``."""
        if self.kind is not None:
            return self.kind
        source = self.source.strip()
        if not source or source == UNSOURCED or "assumption" in source.lower():
            return "assumption"
        return "data"

    def check(self, value: float, field_path: str | None = None) -> float:
        """``value`` if it is a number in [min, max], else a ``ScenarioError`` naming the bounds."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ScenarioError("a number", found=repr(value), field=field_path or f"parameters.{self.name}")
        if isinstance(value, int) and abs(value) > sys.float_info.max:
            raise ScenarioError(
                f"a number in [{_fmt(self.min)}, {_fmt(self.max)}]",
                found="an integer beyond the float range",
                field=field_path or f"parameters.{self.name}",
            )
        if not math.isfinite(value) or not self.min <= value <= self.max:
            raise ScenarioError(
                f"a number in [{_fmt(self.min)}, {_fmt(self.max)}]",
                found=_fmt(value),
                field=field_path or f"parameters.{self.name}",
            )
        return float(value)

    @property
    def symbol(self) -> sympy.Symbol:
        """The real sympy symbol of this parameter."""
        return parameter_symbol(self.name)

    @classmethod
    def of(cls, name: str, spec: ParameterLike) -> Parameter:
        """A parameter from a number (its value), a ``(value, min, max)`` tuple or a ``Parameter``.

        >>> Parameter.of("r", (2, 0, 10)).max
        10.0
        """
        if isinstance(spec, Parameter):
            if spec.name != name:
                raise ScenarioError(f"a parameter named {name!r}", found=repr(spec.name), field=f"parameters.{name}")
            return spec
        if isinstance(spec, tuple | list):
            if len(spec) not in (1, 2, 3):
                raise ScenarioError("(value, min, max)", found=repr(spec), field=f"parameters.{name}")
            lo = spec[1] if len(spec) > 1 else -math.inf
            hi = spec[2] if len(spec) > 2 else math.inf
            return cls(name, spec[0], min=lo, max=hi, source=UNSOURCED)
        if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
            return cls(name, float(spec), source=UNSOURCED)
        raise ScenarioError(
            "a number, a (value, min, max) tuple or a Parameter", found=repr(spec), field=f"parameters.{name}"
        )


ParameterLike: TypeAlias = "Parameter | float | int | tuple[float, ...] | list[float]"
ParametersLike: TypeAlias = "ParameterSpace | Mapping[str, ParameterLike] | Sequence[Parameter] | Sequence[str] | None"


@dataclass(frozen=True)
class ParameterSpace:
    """The parameters of a game: an ordered, named set of :class:`Parameter` (the box and its defaults).

    Build one with :meth:`of` from what a user writes in Python: names only, ``{"r": 2.0}``,
    ``{"r": (2.0, 0.0, 10.0)}`` (value, min, max) or ``Parameter`` objects.
    """

    parameters: tuple[Parameter, ...] = ()

    def __post_init__(self) -> None:
        names = [p.name for p in self.parameters]
        seen: set[str] = set()
        for n in names:
            if n in seen:
                raise ScenarioError("unique parameter names", found=f"{n!r} twice", field="parameters")
            seen.add(n)

    @classmethod
    def of(cls, spec: ParametersLike = None) -> ParameterSpace:
        """A space from names (default value 1.0, no bounds), a mapping name -> spec, or parameters."""
        if spec is None:
            return cls()
        if isinstance(spec, ParameterSpace):
            return spec
        if isinstance(spec, Mapping):
            return cls(tuple(Parameter.of(str(k), v) for k, v in spec.items()))
        if isinstance(spec, str):
            raise ScenarioError("a list of parameter names", found=repr(spec), field="parameters")
        out: list[Parameter] = []
        for item in spec:
            if isinstance(item, Parameter):
                out.append(item)
            elif isinstance(item, str):
                out.append(Parameter(item, DEFAULT_VALUE, source=UNSOURCED))
            else:
                raise ScenarioError("a parameter name or a Parameter", found=repr(item), field="parameters")
        return cls(tuple(out))

    def completed(self, needed: Iterable[str]) -> ParameterSpace:
        """This space with a default parameter (value 1.0, no bounds) for every needed name it lacks."""
        have = set(self.names)
        extra = tuple(Parameter(n, DEFAULT_VALUE, source=UNSOURCED) for n in sorted(set(needed) - have))
        return ParameterSpace(self.parameters + extra) if extra else self

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters)

    def __len__(self) -> int:
        return len(self.parameters)

    def __contains__(self, name: object) -> bool:
        return any(p.name == name for p in self.parameters)

    def __getitem__(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(self.names) or "none"
        raise ScenarioError(f"a parameter of the scenario ({known})", found=repr(name))

    def values(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """The default values, with ``overrides`` checked against each parameter's bounds."""
        values = {p.name: p.value for p in self.parameters}
        for name, v in (overrides or {}).items():
            values[name] = self[name].check(v, f"parameters.{name}")
        return values

    def with_values(self, overrides: Mapping[str, float]) -> ParameterSpace:
        """The same space whose defaults are ``overrides`` where given (each checked)."""
        self.values(overrides)
        return ParameterSpace(
            tuple(replace(p, value=float(overrides[p.name])) if p.name in overrides else p for p in self.parameters)
        )

    def box(self) -> dict[str, tuple[float, float]]:
        """Each parameter's ``(min, max)``."""
        return {p.name: (p.min, p.max) for p in self.parameters}

    def symbols(self) -> dict[str, sympy.Symbol]:
        """The parameters' sympy symbols by name."""
        return {p.name: p.symbol for p in self.parameters}


def parsing_names(spec: ParametersLike) -> list[str] | None:
    """The names an expression may use under ``spec``: exactly the names of a list of strings (as a
    scenario file declares them), else None (any identifier; undeclared ones get default parameters)."""
    if spec is None or isinstance(spec, ParameterSpace | Mapping | str):
        return None
    items = list(spec)
    if all(isinstance(x, str) for x in items):
        return [str(x) for x in items]
    return None


def default_values(spec: ParametersLike) -> dict[str, float] | None:
    """The default values ``spec`` gives its parameters, or None when it gives none (names only, or
    nothing): what a game's builder checks its numbers at (every value finite and real there).

    >>> default_values({"r": (2.0, 0.0, 10.0)})
    {'r': 2.0}
    >>> default_values(["r", "c"]) is None
    True
    """
    if spec is None or parsing_names(spec) is not None:
        return None
    return ParameterSpace.of(spec).values()


class Parameterised:
    """What the three kinds of game share: a :class:`ParameterSpace` completed from the symbols used.

    A game class that mixes this in has a dataclass field ``parameters`` and a method
    ``parameter_symbols()``, and calls :meth:`_complete_parameters` in ``__post_init__``.
    """

    parameters: ParameterSpace

    def parameter_symbols(self) -> set[sympy.Symbol]:  # pragma: no cover - every game defines it
        raise NotImplementedError

    def _complete_parameters(self) -> None:
        space = ParameterSpace.of(self.parameters)
        object.__setattr__(self, "parameters", space.completed(s.name for s in self.parameter_symbols()))

    def with_parameters(self, parameters: ParametersLike) -> Self:
        """The same game with its parameters declared by ``parameters`` (every symbol used must be one)."""
        space = ParameterSpace.of(parameters)
        unknown = {s.name for s in self.parameter_symbols()} - set(space.names)
        if unknown:
            raise ScenarioError(
                "every symbol of the payoffs declared under [parameters]",
                found=", ".join(sorted(unknown)),
                field="parameters",
            )
        return replace(self, parameters=space)  # type: ignore[type-var]

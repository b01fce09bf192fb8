r"""Comparative statics: how a threshold (or any formula) moves with each parameter, with proven signs.

For a formula :math:`x^*(\theta)` (a threshold :math:`r^* = c/(p\,\delta^\tau)`, say) the comparative
statics are the partial derivatives :math:`\partial x^*/\partial\theta_j`, each with its sign over
the parameters' box :math:`\Theta` (:func:`bargaining.analysis.signs.sign_over_box`: decided by
sympy where it can be proven, confirmed by sampling, and flagged "sampled, not proven" where sympy
could not decide it). A sign is **strict** (``"< 0"``) only when the derivative is proven never to
vanish on the box; otherwise it is weak (``"<= 0, = 0 at tau = 0"``, with where it vanishes). In
``to_dict`` the ``comparative_statics`` values stay ``"+"``, ``"-"``, ``"0"``, ``"?"``, beside a
``strict`` map and a ``sign_text`` map (``"≤ 0, = 0 at tau = 0"``).

>>> from bargaining.parameters import ParameterSpace
>>> from bargaining.expressions import parse_expression
>>> space = ParameterSpace.of({"c": (1.3, 0.0, 10.0), "p": (0.8, 0.01, 1.0)})
>>> s = comparative_statics(parse_expression("c/p", parameters=["c", "p"]), space)
>>> {q: r.sign for q, r in s.signs.items()}
{'c': '+', 'p': '-'}
>>> s.signs["p"].description  # -c/p**2 is 0 at c = 0, the bottom of c's range
'<= 0, = 0 at c = 0'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from bargaining.analysis.result import FrozenMap, Result
from bargaining.analysis.signs import SignResult, sign_over_box
from bargaining.parameters import Parameter, ParameterSpace

__all__ = ["ComparativeStatics", "comparative_statics"]


@dataclass(frozen=True, eq=False)
class ComparativeStatics(Result):
    """The derivative of ``formula`` in each parameter and its sign over the parameters' box."""

    formula: sympy.Expr
    derivatives: Mapping[str, sympy.Expr]
    signs: Mapping[str, SignResult]
    method: str = "sympy derivatives; signs by assumptions and interval arithmetic, confirmed by sampling"
    values: Mapping[str, float] = field(default_factory=FrozenMap)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "formula": str(self.formula),
            "derivatives": {q: str(d) for q, d in self.derivatives.items()},
            "comparative_statics": {q: s.sign for q, s in self.signs.items()},
            "strict": {q: s.strict for q, s in self.signs.items()},
            "sign_text": {q: s.text for q, s in self.signs.items()},
            "proven": {q: s.proven for q, s in self.signs.items()},
            "method": self.method,
            "notes": list(self.notes),
        }


def comparative_statics(
    formula: sympy.Expr,
    parameters: ParameterSpace | Sequence[Parameter],
    *,
    exclude: Iterable[str] = (),
) -> ComparativeStatics:
    """The sign of :math:`\\partial f/\\partial\\theta_j` over the box, for every parameter not excluded.

    A :class:`~bargaining.analysis.threshold.Threshold` carries these already
    (``threshold.comparative_statics``); call this for any other formula.
    """
    space = parameters if isinstance(parameters, ParameterSpace) else ParameterSpace(tuple(parameters))
    skip = set(exclude)
    box = {p.symbol: (p.min, p.max) for p in space if p.name not in skip}
    derivatives: dict[str, sympy.Expr] = {}
    signs: dict[str, SignResult] = {}
    for p in sorted(space, key=lambda p: p.name):
        if p.name in skip:
            continue
        d = sympy.simplify(sympy.diff(formula, p.symbol))
        derivatives[p.name] = d
        signs[p.name] = sign_over_box(d, box, within=formula)
    return ComparativeStatics(formula, derivatives, signs, values=space.values())

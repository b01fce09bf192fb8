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

from bargaining.analysis.deadline import DeadlineExceeded, too_large, within_deadline
from bargaining.analysis.result import FrozenMap, Result
from bargaining.analysis.signs import SignResult, sampled_sign, sign_over_box
from bargaining.budget import count_limit, using_budget
from bargaining.parameters import Parameter, ParameterSpace

__all__ = ["MAX_PROVEN", "ComparativeStatics", "comparative_statics"]

MAX_PROVEN = 24
"""Parameters whose derivative's sign is proven (sympy) at the default budget; beyond, signs are sampled."""


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
    budget: float | None = None,
) -> ComparativeStatics:
    """The sign of :math:`\\partial f/\\partial\\theta_j` over the box, for every parameter not excluded.

    A :class:`~bargaining.analysis.threshold.Threshold` carries these already
    (``threshold.comparative_statics``); call this for any other formula.

    Budgets (docs/format.md#budgets; ``budget`` in MiB): the proofs run under the budget's deadline
    (2 s by default), and are not tried for a formula too large to expand; the signs are then those
    sampling finds (``proven=False``), with a note.
    """
    space = parameters if isinstance(parameters, ParameterSpace) else ParameterSpace(tuple(parameters))
    skip = set(exclude)
    box = {p.symbol: (p.min, p.max) for p in space if p.name not in skip}
    names = [p for p in sorted(space, key=lambda p: p.name) if p.name not in skip]

    def proven() -> tuple[dict[str, sympy.Expr], dict[str, SignResult]]:
        derivatives: dict[str, sympy.Expr] = {}
        signs: dict[str, SignResult] = {}
        for p in names:
            d = sympy.simplify(sympy.diff(formula, p.symbol))
            derivatives[p.name] = d
            signs[p.name] = sign_over_box(d, box, within=formula)
        return derivatives, signs

    with using_budget(budget):
        big = too_large(formula)
        limit = count_limit(MAX_PROVEN)
        why = f"the formula is {big}" if big is not None else ""
        if len(names) > limit:
            why = f"{len(names)} parameters; the proofs are budgeted for at most {limit}"
        elif big is None:
            try:
                derivatives, signs = within_deadline(proven)
                return ComparativeStatics(formula, derivatives, signs, values=space.values())
            except DeadlineExceeded as late:
                why = str(late)
    derivatives = {p.name: sympy.diff(formula, p.symbol) for p in names}
    signs = {q: sampled_sign(d, box, within=formula) for q, d in derivatives.items()}
    return ComparativeStatics(
        formula,
        derivatives,
        signs,
        method="sympy derivatives; signs by sampling only",
        values=space.values(),
        notes=(f"Signs not proven ({why}): sampled only.",),
    )

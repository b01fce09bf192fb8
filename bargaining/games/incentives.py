r"""The external-incentives model of conditionality as a builder of a 2×2 normal-form game.

A principal P promises a target A a reward :math:`r`, paid only if A complies, after
:math:`\tau` years (discount factor :math:`\delta` per year) and with probability :math:`p`
(credibility); complying costs A a net :math:`c`. The game (``docs/models.md#conditionality``):

==================  =================================  ==========================
P \ A               comply                             defy
==================  =================================  ==========================
reward              :math:`B - p k r - \kappa`,        :math:`d_P`, :math:`0`
                    :math:`p\,\delta^\tau r - c`
withhold            :math:`B`, :math:`-c`              :math:`d_P`, :math:`0`
==================  =================================  ==========================

so :math:`U_A(\text{comply}) = p\,\delta^\tau r - c`, :math:`U_A(\text{defy}) = 0`,
:math:`U_P(\text{comply}) = B - p k r - \kappa` and :math:`U_P(\text{defy}) = d_P`
(Schimmelfennig & Sedelmeier 2004, "Governance by conditionality", *JEPP* 11(4): 661-679). At
:math:`\kappa = d_P = 0` this is the built-in scenario ``conditionality`` (there the principal is
``EU`` and the target ``CA``).

:class:`ExternalIncentives` holds the inputs, each a number or a sympy expression
(:data:`Number`), and builds the game with :meth:`ExternalIncentives.game`: every symbol becomes a
parameter of the game's :class:`~bargaining.parameters.ParameterSpace` (with the value and bounds
given in ``values``), every number a constant, read exactly as the decimal it prints as (``0.3``
is 3/10). The threshold, the win set and the principal's best reward are analyses of the game:
:mod:`bargaining.analysis.incentives`. Here stay the model's own formulas: the expected discounted
value of a promise :math:`p\,\delta^\tau`, the compliance probability :math:`\pi(r) = F(p\,\delta^\tau r)`
when the cost is drawn from a distribution :math:`F` (:class:`Uniform`, :class:`Normal`) and the
principal's expected payoff :math:`\pi(r)(B - \kappa - p k r) + (1 - \pi(r))\,d_P`
(Laffont & Martimort 2002, *The Theory of Incentives*).

>>> import sympy
>>> c, p = sympy.symbols("c p")
>>> model = ExternalIncentives(c=c, p=p, B=3, k=0.15, values={"c": (1.3, 0, 10), "p": (0.8, 0.01, 1), "r": 2})
>>> game = model.game()
>>> game.actors, game.strategies
(('P', 'A'), (('reward', 'withhold'), ('comply', 'defy')))
>>> game.payoff_expr("A", ("reward", "comply"))
-c + p*r
>>> game.parameters.values()
{'c': 1.3, 'p': 0.8, 'r': 2.0}
>>> model.compliance_probability(2, Uniform(0, 4))
Min(1, Max(0, p/2))
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeAlias

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.errors import ScenarioError
from bargaining.expressions import parameter_symbol
from bargaining.games.normal import NormalFormGame
from bargaining.parameters import ParameterLike, ParameterSpace, check_identifier

__all__ = [
    "COMPLY",
    "DEFY",
    "REWARD",
    "WITHHOLD",
    "Distribution",
    "ExternalIncentives",
    "Normal",
    "Number",
    "Uniform",
    "exact",
]

Number: TypeAlias = float | int | sympy.Expr
"""An input of the model: a number (read as the decimal it prints as) or a sympy expression."""

FloatArray: TypeAlias = npt.NDArray[np.float64]

REWARD, WITHHOLD = "reward", "withhold"
COMPLY, DEFY = "comply", "defy"
REWARD_SYMBOL = sympy.Symbol("r")


def _check(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real | sympy.Expr):
        raise ScenarioError("a number or a sympy expression", found=repr(value), field=name)
    if isinstance(value, numbers.Real) and math.isnan(float(value)):
        raise ScenarioError("a number", found="nan", field=name)


def exact(value: Number, name: str = "value") -> sympy.Expr:
    """``value`` as an exact sympy expression in the toolkit's parameter symbols.

    A float is the decimal it prints as (``0.3`` is 3/10), an int an integer, infinity ``oo``; a
    sympy expression keeps its form, each symbol replaced by the real parameter symbol of the same
    name (so ``Symbol("c", positive=True)`` and the game's ``c`` are one parameter).

    >>> exact(0.3), exact(2), exact(float("inf"))
    (3/10, 2, oo)
    """
    _check(value, name)
    if isinstance(value, sympy.Expr):
        return value.xreplace({s: parameter_symbol(s.name) for s in value.free_symbols if isinstance(s, sympy.Symbol)})
    if isinstance(value, numbers.Integral):
        return sympy.Integer(int(value))
    if isinstance(value, numbers.Rational):
        return sympy.Rational(int(value.numerator), int(value.denominator))
    x = float(value)
    if math.isinf(x):
        return sympy.oo if x > 0 else -sympy.oo
    return sympy.Rational(repr(x))


def _positive_number(expr: sympy.Expr) -> bool | None:
    """Whether a number is > 0 (None while symbolic)."""
    return None if expr.free_symbols else bool(expr > 0)


@dataclass(frozen=True)
class Uniform:
    r"""The target's cost uniformly distributed on :math:`[\text{low}, \text{high}]`:
    :math:`F(x) = \min(1, \max(0, (x - \text{low})/(\text{high} - \text{low})))`.

    >>> Uniform(0, 6).cdf(sympy.Integer(3)), Uniform(0, 6).ppf(0.25)
    (1/2, 3/2)
    """

    low: Number
    high: Number

    def __post_init__(self) -> None:
        lo, hi = exact(self.low, "low"), exact(self.high, "high")
        if not (lo - hi).free_symbols and not (lo.is_finite and hi.is_finite and lo < hi):
            raise ScenarioError("finite bounds with low < high", found=f"[{lo}, {hi}]", field="high")

    def cdf(self, x: sympy.Expr) -> sympy.Expr:
        lo, hi = exact(self.low), exact(self.high)
        return sympy.Min(1, sympy.Max(0, (x - lo) / (hi - lo)))

    def ppf(self, q: Number) -> sympy.Expr:
        """The quantile :math:`F^{-1}(q) = \\text{low} + q(\\text{high} - \\text{low})`."""
        return exact(self.low) + exact(q, "q") * (exact(self.high) - exact(self.low))

    def cdf_values(self, x: FloatArray) -> FloatArray:
        """:math:`F` on an array (numeric bounds only)."""
        lo, hi = _floats(self, ("low", "high"))
        return np.asarray(np.clip((x - lo) / (hi - lo), 0.0, 1.0), dtype=np.float64)

    def upper(self) -> float:
        """A cost above which lies no mass (numeric bounds only)."""
        return _floats(self, ("high",))[0]


@dataclass(frozen=True)
class Normal:
    r"""The target's cost normally distributed with ``mean`` :math:`\mu` and standard deviation ``sd``
    :math:`\sigma`: :math:`F(x) = \tfrac12\,(1 + \operatorname{erf}((x - \mu)/(\sigma\sqrt2)))`.

    >>> Normal(3, 1).cdf(sympy.Integer(3))
    1/2
    """

    mean: Number
    sd: Number

    def __post_init__(self) -> None:
        exact(self.mean, "mean")
        if _positive_number(exact(self.sd, "sd")) is False:
            raise ScenarioError("a standard deviation > 0", found=str(self.sd), field="sd")

    def cdf(self, x: sympy.Expr) -> sympy.Expr:
        return (1 + sympy.erf((x - exact(self.mean)) / (exact(self.sd) * sympy.sqrt(2)))) / 2

    def ppf(self, q: Number) -> sympy.Expr:
        """The quantile :math:`\\mu + \\sigma\\sqrt2\\,\\operatorname{erf}^{-1}(2q - 1)`."""
        return exact(self.mean) + exact(self.sd) * sympy.sqrt(2) * sympy.erfinv(2 * exact(q, "q") - 1)

    def cdf_values(self, x: FloatArray) -> FloatArray:
        """:math:`F` on an array (numeric mean and sd only), by ``scipy.special.ndtr``."""
        mean, sd = _floats(self, ("mean", "sd"))
        import scipy.special  # imported where used: start-up time

        return np.asarray(scipy.special.ndtr((x - mean) / sd), dtype=np.float64)

    def upper(self) -> float:
        """The cost below which lies all but :math:`10^{-6}` of the mass (numeric only)."""
        mean, sd = _floats(self, ("mean", "sd"))
        import scipy.special  # imported where used: start-up time

        return float(mean + sd * scipy.special.ndtri(1 - 1e-6))


Distribution: TypeAlias = Uniform | Normal


def _floats(obj: Uniform | Normal, names: tuple[str, ...]) -> tuple[float, ...]:
    out = []
    for name in names:
        e = exact(getattr(obj, name), name)
        if e.free_symbols:
            raise ScenarioError("a number (a numeric evaluation)", found=str(e), field=name)
        out.append(float(e))
    return tuple(out)


@dataclass(frozen=True)
class ExternalIncentives:
    r"""The external-incentives model; every input a number or a sympy expression (:data:`Number`).

    ``c`` the target's net cost of compliance; ``p`` the credibility of the promise (in (0, 1]);
    ``B`` the principal's benefit from compliance; ``k`` its cost per unit of reward delivered;
    ``delta`` the target's discount factor (in (0, 1]) and ``tau`` the delay of the reward in years;
    ``kappa`` the principal's fixed cost of a compliance bought with a reward; ``d_P`` its payoff
    when the target defies; ``r_cap`` the largest reward it can offer (no cap by default); ``r``
    the promised reward, the parameter ``r`` of the game unless given as a number.

    ``values`` gives the symbols' values and bounds, as for
    :meth:`~bargaining.parameters.ParameterSpace.of` (``{"c": 1.3}`` or ``{"c": (1.3, 0, 10)}``); a
    symbol not given there has value 1 and no bounds. ``principal`` and ``target`` name the
    actors (``"EU"`` and ``"CA"`` reproduce the scenario ``conditionality``).

    >>> ExternalIncentives(c=1.3, p=0.8).discount()
    4/5
    >>> ExternalIncentives(c=1.3, p=1.5)
    Traceback (most recent call last):
    ...
    bargaining.errors.ScenarioError: p: expected a credibility in (0, 1], found 3/2
    """

    c: Number
    p: Number = 1
    B: Number = 0
    k: Number = 0
    delta: Number = 1
    tau: Number = 0
    kappa: Number = 0
    d_P: Number = 0
    r_cap: Number = sympy.oo
    r: Number = REWARD_SYMBOL
    values: ParameterSpace | Mapping[str, ParameterLike] | None = None
    principal: str = "P"
    target: str = "A"

    INPUTS: ClassVar[tuple[str, ...]] = ("c", "p", "B", "k", "delta", "tau", "kappa", "d_P", "r_cap", "r")

    def __post_init__(self) -> None:
        for name in self.INPUTS:
            value = exact(getattr(self, name), name)
            if name != "r_cap" and not value.is_finite and not value.free_symbols:
                raise ScenarioError("a finite number", found=str(value), field=name)
        for name, what in (("p", "a credibility in (0, 1]"), ("delta", "a discount factor in (0, 1]")):
            value = exact(getattr(self, name))
            if not value.free_symbols and not 0 < value <= 1:
                raise ScenarioError(what, found=str(value), field=name)
        for name in ("tau", "r_cap"):
            value = exact(getattr(self, name))
            if not value.free_symbols and value < 0:
                raise ScenarioError("a number >= 0", found=str(value), field=name)
        check_identifier(self.principal, "principal")
        check_identifier(self.target, "target")
        if self.principal == self.target:
            raise ScenarioError("two different actor names", found=f"{self.principal!r} twice", field="target")
        space = ParameterSpace.of(self.values)
        symbols = self.symbols()
        unknown = [n for n in space.names if n not in symbols]
        if unknown:
            raise ScenarioError(
                f"values for symbols of the inputs ({', '.join(symbols) or 'none'})",
                found=repr(unknown[0]),
                field="values",
            )
        object.__setattr__(self, "values", space.completed(symbols))

    # -- the inputs -------------------------------------------------------------------------------

    def expr(self, name: str) -> sympy.Expr:
        """The input ``name`` exactly (see :func:`exact`)."""
        if name not in self.INPUTS:
            raise ScenarioError(f"an input ({', '.join(self.INPUTS)})", found=repr(name), field="name")
        return exact(getattr(self, name), name)

    def symbols(self) -> tuple[str, ...]:
        """The names of the symbols in the inputs, in the order of the inputs."""
        names: dict[str, None] = {}
        for n in self.INPUTS:
            names.update(dict.fromkeys(sorted(s.name for s in exact(getattr(self, n), n).free_symbols)))
        return tuple(names)

    @property
    def space(self) -> ParameterSpace:
        """The parameters: one per symbol of the inputs, with the values and bounds of ``values``."""
        assert isinstance(self.values, ParameterSpace)
        return self.values

    @property
    def reward_parameter(self) -> str | None:
        """The name of the promised reward's parameter (None when ``r`` is a number or a formula)."""
        r = self.expr("r")
        return r.name if isinstance(r, sympy.Symbol) else None

    # -- the model's formulas ---------------------------------------------------------------------

    def discount(self) -> sympy.Expr:
        r"""What a promised unit of reward is worth to the target today: :math:`p\,\delta^\tau`."""
        return self.expr("p") * self.expr("delta") ** self.expr("tau")

    def target_gain(self, r: Number | None = None) -> sympy.Expr:
        r"""The target's gain from complying with a promised reward: :math:`p\,\delta^\tau r - c`."""
        return self.discount() * (self.expr("r") if r is None else exact(r, "r")) - self.expr("c")

    def surplus(self) -> sympy.Expr:
        r"""The principal's net benefit from a compliance before paying: :math:`B - \kappa - d_P`."""
        return self.expr("B") - self.expr("kappa") - self.expr("d_P")

    def compliance_probability(self, r: Number, costs: Distribution) -> sympy.Expr:
        r""":math:`\pi(r) = F(p\,\delta^\tau r)`: the share of targets whose cost a reward ``r`` covers."""
        return costs.cdf(self.discount() * exact(r, "r"))

    def reward_for_probability(self, q: Number, costs: Distribution) -> sympy.Expr:
        r"""The least reward with compliance probability ``q``: :math:`F^{-1}(q)/(p\,\delta^\tau)`."""
        return costs.ppf(q) / self.discount()

    def principal_payoff(self, r: Number, costs: Distribution) -> sympy.Expr:
        r"""The principal's expected payoff :math:`\pi(r)(B - \kappa - p k r) + (1 - \pi(r))\,d_P`."""
        pi = self.compliance_probability(r, costs)
        paid = self.expr("B") - self.expr("kappa") - self.expr("p") * self.expr("k") * exact(r, "r")
        return pi * paid + (1 - pi) * self.expr("d_P")

    # -- the game ---------------------------------------------------------------------------------

    def game(self) -> NormalFormGame:
        """The 2×2 game: the principal rewards or withholds, the target complies or defies.

        Its ``parameters`` are :attr:`space`: the symbols of the inputs, with their values.
        """
        B, k, p, kappa, d_P, c = (self.expr(n) for n in ("B", "k", "p", "kappa", "d_P", "c"))
        table: dict[tuple[str, ...], tuple[sympy.Expr, sympy.Expr]] = {
            (REWARD, COMPLY): (B - p * k * self.expr("r") - kappa, self.target_gain()),
            (REWARD, DEFY): (d_P, sympy.Integer(0)),
            (WITHHOLD, COMPLY): (B, -c),
            (WITHHOLD, DEFY): (d_P, sympy.Integer(0)),
        }
        strategies = {self.principal: [REWARD, WITHHOLD], self.target: [COMPLY, DEFY]}
        game = NormalFormGame.from_table(strategies, table, parameters=list(self.space.names))
        return game.with_parameters(self.space)

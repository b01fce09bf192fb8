r"""Conditionality thresholds: the parameter value at which an actor's best reply switches.

For an actor choosing between a preferred strategy :math:`X` and a rejected one :math:`Y`, with
the other actors' play fixed (given, or their equilibrium play), the payoff difference
:math:`\Delta(\theta) = u(X) - u(Y)` is a sympy expression in the parameters. The **threshold**
for a parameter :math:`P` is a root :math:`P^*` of :math:`\Delta = 0`, solved exactly with
:func:`sympy.solve`; on one side of it :math:`X` is the better reply (``favours`` says which), and
it holds where the conditions listed hold: denominators non-zero, logarithms' arguments positive,
bases of even roots and other non-integer powers non-negative, less those the parameters' declared
bounds already guarantee (decided by sympy's assumptions on bounded symbols or interval arithmetic).
In the external-incentives model (Schimmelfennig & Sedelmeier 2004; docs/models.md#conditionality)
:math:`\Delta = p\,\delta^\tau r - c`, so :math:`r^* = c / (p\,\delta^\tau)`. **Comparative statics** are
the derivatives :math:`\partial P^* / \partial q` for every other parameter, with their signs over the parameters'
declared ``[min, max]`` (:mod:`bargaining.analysis.signs`), strict (``< 0``) or weak (``<= 0, = 0 at
tau = 0``). Where sympy finds no closed form the threshold is a bracketed numeric root (Brent's
method), flagged ``exact=False``; so is it where sympy's formula uses functions the toolkit cannot
evaluate in numpy (``LambertW``, ``RootOf``, ...): the formula is kept for display when sympy's own
value of it agrees with the root, and a note says so.

:func:`threshold_of` works on any payoff difference, so game trees reuse it on continuation values;
:func:`threshold` builds the difference from a normal-form game.

>>> from bargaining.io.scenario_file import load
>>> t = threshold(load("conditionality"), "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"})
>>> t.formula, round(t.value, 6), t.favours
(c/(delta**tau*p), 1.625, 'above')
>>> {q: s.sign for q, s in t.comparative_statics.items()}
{'B': '0', 'c': '+', 'delta': '-', 'k': '0', 'p': '-', 'tau': '+'}
>>> t.comparative_statics["delta"].description  # r* does not move with delta when tau = 0 (or c = 0)
'<= 0, = 0 at c = 0 or tau = 0'
>>> t.comparative_statics["c"].strict
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import product
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.deadline import DeadlineExceeded, too_large, within_deadline
from bargaining.analysis.nash import equilibria
from bargaining.analysis.result import Result, clean_number
from bargaining.analysis.signs import SignResult, bounded_symbols, interval_on_box
from bargaining.analysis.statics import comparative_statics
from bargaining.analysis.subgame import TreeSolver, continuation
from bargaining.budget import using_budget
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.games.bargain import BargainingProblem
from bargaining.games.tree import DecisionNode, TreeGame
from bargaining.parameters import Parameter
from bargaining.scenario import Scenario

if TYPE_CHECKING:
    from bargaining.games.normal import NormalFormGame
    from bargaining.scenario import Game

__all__ = [
    "BestReplyMap",
    "Threshold",
    "best_reply_map",
    "payoff_difference",
    "threshold",
    "threshold_again",
    "threshold_at",
    "threshold_of",
]

Side = Literal["above", "below", "never", "always"]


@dataclass(frozen=True, eq=False)
class Threshold(Result):
    """Where ``prefer`` becomes the better reply as ``parameter`` moves, and how that point moves.

    ``formula`` is the exact threshold (None when only a numeric root exists; kept for display with
    ``exact=False`` when numpy cannot evaluate it, sympy's value agreeing with the root); ``value`` its value
    at ``values``; ``favours`` whether ``prefer`` is strictly better ``"above"`` or ``"below"`` it
    (or ``"always"``/``"never"`` when the difference keeps one sign over the parameter's range);
    ``direction`` the side of the root where ``prefer`` is better, even when the root lies outside
    the range; ``solutions`` every exact root; ``conditions`` where the formula is valid;
    ``comparative_statics`` the sign of each derivative over the parameters' box.
    """

    parameter: str
    difference: sympy.Expr
    formula: sympy.Expr | None
    value: float | None
    favours: Side
    direction: Literal["above", "below"] | None
    exact: bool
    values: Mapping[str, float]
    solutions: tuple[sympy.Expr, ...] = ()
    conditions: tuple[sympy.Basic, ...] = ()
    derivatives: Mapping[str, sympy.Expr] = field(default_factory=dict)
    comparative_statics: Mapping[str, SignResult] = field(default_factory=dict)
    actor: str = ""
    prefer: str = ""
    over: str = ""
    others: str = ""
    notes: tuple[str, ...] = ()
    method: str = "sympy.solve on the payoff difference (Brent's method where no closed form)"

    def to_dict(self) -> dict[str, Any]:
        """docs/format.md#json-output: ``parameter``, ``formula``, ``latex``, ``value``, ``comparative_statics``."""
        return {
            "parameter": self.parameter,
            "formula": None if self.formula is None else str(self.formula),
            "latex": None if self.formula is None else sympy.latex(self.formula),
            "value": None if self.value is None else clean_number(self.value),
            "comparative_statics": {q: s.sign for q, s in self.comparative_statics.items()},
            "strict": {q: s.strict for q, s in self.comparative_statics.items()},
            "sign_text": {q: s.text for q, s in self.comparative_statics.items()},
            "proven": {q: s.proven for q, s in self.comparative_statics.items()},
            "derivatives": {q: str(d) for q, d in self.derivatives.items()},
            "favours": self.favours,
            "direction": self.direction,
            "exact": self.exact,
            "solutions": [str(s) for s in self.solutions],
            "conditions": [str(c) for c in self.conditions],
            "difference": str(self.difference),
            "actor": self.actor,
            "prefer": self.prefer,
            "over": self.over,
            "others": self.others,
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
            "notes": list(self.notes),
        }


def precise_value(expr: sympy.Expr, values: Mapping[str, float]) -> complex:
    """``expr`` at ``values`` to 20 significant digits (the values read as 30-digit floats), complex
    where the formula leaves the reals."""
    subs = {s: sympy.Float(values[s.name], 30) for s in expr.free_symbols if s.name in values}
    return complex(sympy.N(expr.xreplace(subs), 20))


def _unevaluable(formula: sympy.Expr, values: Mapping[str, float], expected: float) -> str | None:
    """Why the toolkit's numpy compiler cannot evaluate ``formula`` (sympy can): None when it can,
    i.e. the compiled formula runs at ``values`` and gives ``expected`` (sympy's value)."""
    functions = sorted({type(f).__name__ for f in formula.atoms(sympy.Function)} - set(_NUMPY_FUNCTIONS))
    symbols = sorted(formula.free_symbols, key=lambda x: x.name)
    try:
        f = compile_numpy(symbols, formula)
        with np.errstate(all="ignore"):
            got = complex(np.asarray(f(*(values[x.name] for x in symbols))))
    except Exception as err:  # any failure of the generated code means "cannot evaluate"
        what = ", ".join(functions) or type(err).__name__
        return f"sympy's formula uses {what}, which the toolkit's numpy compiler cannot evaluate"
    if not (math.isfinite(got.real) and abs(got - expected) <= 1e-9 * max(1.0, abs(expected))):
        what = ", ".join(functions) or "its pieces"
        return f"sympy's formula ({what}) evaluates differently in numpy ({got:g}) than in sympy ({expected:g})"
    return None


# functions the numpy compiler knows, left out when a failure names the formula's functions
_NUMPY_FUNCTIONS = ("exp", "log", "sin", "cos", "tan", "Abs", "sqrt", "Min", "Max", "sign", "floor", "ceiling")


def _conditions(formula: sympy.Expr) -> tuple[sympy.Basic, ...]:
    """Every condition for ``formula`` to be a real number: each denominator (a base with a negative
    exponent, or one that may be negative) non-zero, each logarithm's argument positive, and each
    base of a non-integer power (an even root among them) non-negative."""
    out: list[sympy.Basic] = []
    denominators = {sympy.denom(f) for f in sympy.Add.make_args(sympy.together(formula))}
    for d in denominators:
        if d.free_symbols:
            for factor in sympy.Mul.make_args(sympy.factor(d)):
                base = factor.as_base_exp()[0]
                if base.free_symbols and not base.is_positive:
                    out.append(sympy.Ne(base, 0))
    for node in sympy.preorder_traversal(formula):
        if isinstance(node, sympy.log) and node.args[0].free_symbols:
            out.append(sympy.Gt(node.args[0], 0))
        elif isinstance(node, sympy.Pow) and node.base.free_symbols:
            base, exponent = node.base, node.exp
            if exponent.is_integer:
                if exponent.is_negative:
                    out.append(sympy.Ne(base, 0))
                continue
            out.append(sympy.Gt(base, 0) if exponent.is_nonnegative is not True else sympy.Ge(base, 0))
    return tuple(dict.fromkeys(c for c in out if c is not sympy.true))


def _guaranteed(condition: sympy.Basic, box: Mapping[sympy.Symbol, tuple[float, float]]) -> bool:
    """Whether the parameters' bounds alone make ``condition`` (``e != 0``, ``e > 0``, ``e >= 0``) hold,
    by sympy's assumptions on bounded symbols or by interval arithmetic (:mod:`bargaining.analysis.signs`)."""
    if condition is sympy.true:
        return True
    if not isinstance(condition, sympy.Ne | sympy.Gt | sympy.Ge) or condition.rhs != 0:
        return False
    e = condition.lhs
    assumed = e.xreplace(bounded_symbols(box))
    found = interval_on_box(e, box)
    if isinstance(condition, sympy.Ne):
        return bool(assumed.is_nonzero) or (found is not None and bool(found[0].is_positive or found[1].is_negative))
    if isinstance(condition, sympy.Gt):
        return bool(assumed.is_positive) or (found is not None and bool(found[0].is_positive))
    return bool(assumed.is_nonnegative) or (found is not None and bool(found[0].is_nonnegative))


def open_conditions(formula: sympy.Expr, parameters: Sequence[Parameter]) -> tuple[sympy.Basic, ...]:
    """The formula's validity conditions, less those its parameters' bounds already guarantee
    (``p != 0`` is dropped when p ranges over [0.01, 1], ``log(delta) != 0`` when delta ranges over
    [0.5, 0.99], ``delta >= 0`` for a power ``delta**tau`` when delta ranges over [0.5, 1])."""
    box = _box(parameters)
    return tuple(c for c in _conditions(formula) if not _guaranteed(c, box))


def _box(parameters: Sequence[Parameter]) -> dict[sympy.Symbol, tuple[float, float]]:
    return {p.symbol: (p.min, p.max) for p in parameters}


def _numeric_root(difference: sympy.Expr, target: Parameter, values: Mapping[str, float]) -> float | None:
    """A sign change of the difference in the parameter's range, refined by Brent's method."""
    lo, hi = target.min, target.max
    if not math.isfinite(lo):
        lo = min(target.value, hi if math.isfinite(hi) else target.value) - 100.0 * (1 + abs(target.value))
    if not math.isfinite(hi):
        hi = max(target.value, lo) + 100.0 * (1 + abs(target.value))
    others = {s: values[s.name] for s in difference.free_symbols if s.name in values and s != target.symbol}
    f = compile_numpy([target.symbol], difference.xreplace(others))
    grid = np.linspace(lo, hi, 4001)
    with np.errstate(all="ignore"):
        ys = np.broadcast_to(np.asarray(f(grid), dtype=float), grid.shape)
    ok = np.isfinite(ys)
    sign = np.sign(ys)
    changes = np.flatnonzero(ok[:-1] & ok[1:] & (sign[:-1] * sign[1:] < 0))
    exact_zero = np.flatnonzero(ok & (ys == 0))
    if exact_zero.size:
        return float(grid[exact_zero[0]])
    if not changes.size:
        return None
    k = changes[np.argmin(np.abs(grid[changes] - target.value))]
    import scipy.optimize  # imported where used: start-up time

    return float(scipy.optimize.brentq(lambda x: float(f(x)), grid[k], grid[k + 1], xtol=1e-14, rtol=1e-14))


def side_of(difference: sympy.Expr, target: Parameter, at: float | None, values: Mapping[str, float]) -> Side:
    """Where ``difference`` (preferred minus rejected) is positive as ``target`` moves, the other
    parameters held at ``values``: ``above`` or ``below`` the threshold ``at`` (by its sign a relative
    10^-6 either side), else ``always`` or ``never`` (by the least value on 101 points of the
    target's range: a sampled answer)."""
    others = {s: values[s.name] for s in difference.free_symbols if s.name in values and s != target.symbol}
    f = compile_numpy([target.symbol], difference.xreplace(others))
    if at is None:
        lo, hi = target.min, target.max
        x = np.linspace(
            lo if math.isfinite(lo) else target.value - 100, hi if math.isfinite(hi) else target.value + 100, 101
        )
        with np.errstate(all="ignore"):
            ys = np.broadcast_to(np.asarray(f(x), dtype=float), x.shape)
        return "always" if np.nanmin(ys) >= 0 else "never"
    h = 1e-6 * max(1.0, abs(at))
    above, below = float(f(at + h)), float(f(at - h))
    if above > 0 >= below:
        return "above"
    if below > 0 >= above:
        return "below"
    return "always" if min(above, below) > 0 else "never"


def threshold_of(
    difference: sympy.Expr,
    solve_for: str,
    parameters: Sequence[Parameter],
    values: Mapping[str, float] | None = None,
    *,
    statics: bool = True,
    exact: bool = True,
) -> Threshold:
    """The threshold of ``solve_for`` at which ``difference`` (preferred minus rejected) changes sign.

    ``parameters`` declare the box for comparative statics and the range searched for roots;
    ``values`` default to their values. With ``exact=False``, or when the difference would expand
    beyond the budget's size (:func:`~bargaining.analysis.deadline.too_large`), no formula is sought:
    the threshold is the numeric root, with a note.
    """
    by_name = {p.name: p for p in parameters}
    if solve_for not in by_name:
        raise ScenarioError(f"a parameter ({', '.join(by_name) or 'none'})", found=repr(solve_for), field="solve_for")
    target = by_name[solve_for]
    vals = {p.name: p.value for p in parameters} | dict(values or {})
    if target.symbol not in difference.free_symbols:
        raise ScenarioError(
            f"a parameter that the payoff difference depends on ({difference} = 0 has no {solve_for})",
            found=repr(solve_for),
            field="solve_for",
        )
    notes: list[str] = []
    big = too_large(difference) if exact else None
    if big is not None:
        notes.append(f"No formula is sought: the payoff difference is {big}.")
    roots: list[sympy.Expr] = []
    if exact and big is None:
        try:
            roots = [sympy.simplify(r) for r in sympy.solve(difference, target.symbol)]
        except (NotImplementedError, ValueError):
            roots = []
    real_roots: list[tuple[sympy.Expr, float]] = []
    for r in roots:
        try:
            v = precise_value(r, vals)
        except (TypeError, ValueError):
            continue
        if abs(v.imag) <= 1e-12 * max(1.0, abs(v.real)):
            real_roots.append((r, v.real))
    in_range = [(r, v) for r, v in real_roots if target.min - 1e-12 <= v <= target.max + 1e-12]
    chosen = min(in_range or real_roots, key=lambda rv: abs(rv[1] - target.value), default=None)
    formula: sympy.Expr | None
    evaluable = True
    if chosen is not None:
        formula, value, exact = chosen[0], chosen[1], True
        why = _unevaluable(formula, vals, value)
        if why is not None:
            evaluable, exact = False, False
            numeric = _numeric_root(difference, target, vals)
            if numeric is not None and abs(numeric - value) <= 1e-9 * max(1.0, abs(value)):
                notes.append(
                    f"{why}: the value is a numeric root of the payoff difference (Brent's method), which "
                    "agrees with the formula evaluated by sympy; the formula is shown, but not used for numbers."
                )
                value = numeric
            else:
                notes.append(
                    f"{why}, and the numeric root of the payoff difference (Brent's method) does not confirm "
                    "it: only the numeric root is reported."
                )
                formula, value = None, numeric if numeric is not None else math.nan
                if numeric is None:
                    notes.append(f"The payoff difference does not change sign for {solve_for} in its range.")
        elif not in_range:
            notes.append(f"The threshold {value:g} lies outside {solve_for}'s range [{target.min:g}, {target.max:g}].")
    else:
        formula, exact = None, False
        value_or_none = _numeric_root(difference, target, vals)
        value = value_or_none if value_or_none is not None else math.nan
        if value_or_none is not None:
            notes.append(
                "No closed form: the threshold is a numeric root (Brent's method), not a formula."
                if exact and big is None
                else "The threshold is a numeric root (Brent's method), not a formula."
            )
        else:
            notes.append(f"The payoff difference does not change sign for {solve_for} in its range.")
    found = value if math.isfinite(value) else None
    numeric_only = formula is None or not evaluable
    side = side_of(difference, target, found if (in_range or numeric_only) else None, vals)
    near = side_of(difference, target, found, vals) if found is not None else None
    direction: Literal["above", "below"] | None = "above" if near == "above" else "below" if near == "below" else None
    derivatives: dict[str, sympy.Expr] = {}
    signs: dict[str, SignResult] = {}
    if statics and formula is not None and evaluable:
        found_statics = comparative_statics(formula, parameters, exclude=(solve_for,))
        derivatives, signs = dict(found_statics.derivatives), dict(found_statics.signs)
    elif statics and formula is not None:
        notes.append("Comparative statics are not computed: their signs need the formula evaluated in numpy.")
    return Threshold(
        parameter=solve_for,
        difference=difference,
        formula=formula,
        value=found,
        favours=side,
        direction=direction,
        exact=exact,
        values=vals,
        solutions=tuple(r for r, _ in real_roots) or tuple(roots),
        conditions=open_conditions(formula, parameters) if formula is not None else (),
        derivatives=derivatives,
        comparative_statics=signs,
        notes=tuple(notes),
    )


def payoff_difference(
    game: NormalFormGame,
    actor: str,
    prefer: str,
    over: str,
    others: Mapping[str, Mapping[str, sympy.Expr]],
    *,
    simplify: bool = True,
) -> sympy.Expr:
    """``u_actor(prefer, σ_-actor) - u_actor(over, σ_-actor)`` with the others' mixtures ``others``
    (actor -> strategy -> probability, exact expressions or numbers); simplified unless ``simplify``
    is False or the difference would expand beyond the budget's size."""
    i = game.index(actor)
    for s in (prefer, over):
        game.strategy_index(actor, s)
    supports: list[list[tuple[str, sympy.Expr]]] = []
    for j, a in enumerate(game.actors):
        if j == i:
            supports.append([(prefer, sympy.Integer(1))])
        else:
            supports.append([(s, sympy.sympify(p)) for s, p in others[a].items() if p != 0])
    total = sympy.Integer(0)
    for combo in product(*supports):
        weight = sympy.Mul(*(w for _, w in combo))
        mine = [s for s, _ in combo]
        for choice, sign in ((prefer, 1), (over, -1)):
            mine[i] = choice
            total += sign * weight * game.payoff_expr(actor, tuple(str(s) for s in mine))
    return _simplified(total) if simplify else total


def _simplified(expr: sympy.Expr) -> sympy.Expr:
    """``sympy.simplify(expr)``, unless ``expr`` would expand beyond the budget's size: then as it is."""
    return expr if too_large(expr) is not None else sympy.simplify(expr)


def threshold(
    model: Scenario | Game,
    actor: str | None = None,
    *,
    prefer: str | Mapping[str, str] | None = None,
    over: str | None = None,
    solve_for: str,
    given: Mapping[str, str] | None = None,
    at: str | None = None,
    values: Mapping[str, float] | None = None,
    statics: bool = True,
    budget: float | None = None,
) -> Threshold:
    """The value of ``solve_for`` at which ``actor``'s best reply switches from ``over`` to ``prefer``.

    ``model`` is a scenario or a bare game of any kind:

    - a **normal-form game**: ``actor`` compares two of its strategies; other actors play as
      ``given`` (actor -> strategy), and those not given as in the first Nash equilibrium at
      ``values`` (exact probabilities where known), which a note says;
    - a **game tree**: ``at`` names the decision node whose mover compares two moves, play below
      being subgame perfect (:func:`threshold_at`);
    - a **package deal**: ``prefer`` is a package (issue -> option, or ``"issue=option, ..."``)
      and ``over`` is ``"disagreement"``: the concession at which ``actor`` accepts it
      (:func:`concession`);
    - a **two-level game**: the value of ``solve_for`` at which the zone of agreement
      W_1 ∩ W_2 opens, the root of its width (the tighter upper end less the tighter
      lower end, each the formula of the bound that binds at ``values``), from
      :func:`~bargaining.analysis.two_level.ratification_threshold`; ``favours`` says on which side
      there is an agreement. ``actor``, ``given`` and ``at`` are not used (omit them), nor are
      ``prefer``/``over`` (omitted, or ``"agreement"`` and ``"no agreement"``);
    - a **signalling game**: through its ex-ante normal form
      (:meth:`~bargaining.games.signalling.SignallingGame.normal_form`): ``actor`` the receiver
      (or the sender), ``prefer``/``over`` an action (the same action after every message) or a
      strategy of the normal form (``reward__withhold``: an action per message), ``given``
      ``{sender: message}`` (every type sends it: the pool, whose belief is the prior) or a
      sender strategy (``reform__wait``: a message per type). The receiver's belief thresholds in
      the belief itself are ``perfect_bayesian(...).thresholds``;
    - a **Bayesian game**: through its type-strategy (ex-ante) form
      (:meth:`~bargaining.games.bayesian.BayesianGame.exante`), strategies named by an action per type.

    >>> from bargaining.games.normal import NormalFormGame
    >>> game = NormalFormGame.from_table({"P": ["reward", "withhold"], "T": ["comply", "defy"]},
    ...     {("reward", "comply"): ("3 - r", "r - c"), ("reward", "defy"): (0, 0),
    ...      ("withhold", "comply"): (3, "-c"), ("withhold", "defy"): (0, 0)},
    ...     parameters={"r": (2.0, 0.0, 10.0), "c": (1.3, 0.0, 5.0)})
    >>> t = threshold(game, "T", prefer="comply", over="defy", solve_for="r", given={"P": "reward"})
    >>> t.formula, t.value, t.favours
    (c, 1.3, 'above')

    Budgets (docs/format.md#budgets; ``budget`` in MiB): the formula, its conditions and comparative
    statics are sought under the budget's deadline (2 s by default), and not at all for a payoff
    difference too large to expand; then the threshold is the numeric root, with a note.
    """

    def run(exact: bool) -> Threshold:
        return _threshold(
            model,
            actor,
            prefer=prefer,
            over=over,
            solve_for=solve_for,
            given=given,
            at=at,
            values=values,
            statics=False,
            exact=exact,
        )

    with using_budget(budget):
        try:
            found = within_deadline(lambda: run(True))
        except DeadlineExceeded as late:
            found = run(False)
            found = replace(found, notes=(*found.notes, f"The threshold's formula: {late}."))
        if statics and found.formula is not None and found.exact:
            # under their own deadline: a formula found in time keeps its value when the proofs are slow
            moves = comparative_statics(found.formula, Scenario.of(model).parameters, exclude=(solve_for,))
            found = replace(
                found,
                derivatives=dict(moves.derivatives),
                comparative_statics=dict(moves.signs),
                notes=(*found.notes, *moves.notes),
            )
        elif statics and found.formula is not None:
            found = replace(
                found,
                notes=(
                    *found.notes,
                    "Comparative statics are not computed: their signs need the formula evaluated in numpy.",
                ),
            )
        return found


def _threshold(
    model: Scenario | Game,
    actor: str | None,
    *,
    prefer: str | Mapping[str, str] | None,
    over: str | None,
    solve_for: str,
    given: Mapping[str, str] | None,
    at: str | None,
    values: Mapping[str, float] | None,
    statics: bool,
    exact: bool,
) -> Threshold:
    scenario = Scenario.of(model)
    kind = scenario.game.kind
    if kind == "two_level":
        return _two_level_threshold(scenario, actor, prefer, over, solve_for, given, at, values, statics, exact)
    if kind in ("signalling", "bayesian"):
        scenario, prefer, over, given = _through_normal_form(scenario, actor, prefer, over, given, solve_for)
    for name, v in (("prefer", prefer), ("over", over)):
        if v is None:
            raise ScenarioError("a strategy to compare", found="none", field=name)
    assert prefer is not None and over is not None
    if kind == "tree":
        if at is None:
            tree = scenario.game
            nodes = ", ".join(tree.decision_nodes()) if isinstance(tree, TreeGame) else ""
            raise ScenarioError(f"a decision node of the tree ({nodes})", found="none", field="at")
        if given:
            raise ScenarioError(
                "no given play with at (play below the node is subgame perfect)", found="given", field="given"
            )
        if not isinstance(prefer, str):
            raise ScenarioError("a move at the node", found=repr(prefer), field="prefer")
        return threshold_at(
            scenario,
            at,
            prefer=prefer,
            over=over,
            solve_for=solve_for,
            actor=actor,
            values=values,
            statics=statics,
            exact=exact,
        )
    if at is not None:
        raise ScenarioError("a node only for a game tree", found=f"a {kind} game", field="at")
    if actor is None:
        raise ScenarioError(f"an actor ({', '.join(scenario.game.actors)})", found="none", field="actor")
    if kind == "bargain":
        if over not in ("disagreement", "no deal"):
            raise ScenarioError('"disagreement" (a package is compared with no deal)', found=repr(over), field="over")
        return concession(scenario, prefer, actor, solve_for, values, statics=statics, exact=exact)
    if not isinstance(prefer, str):
        raise ScenarioError("a strategy", found=repr(prefer), field="prefer")
    return _strategy_threshold(
        scenario,
        actor,
        prefer=prefer,
        over=over,
        solve_for=solve_for,
        given=given,
        values=values,
        statics=statics,
        exact=exact,
    )


AGREEMENT = ("agreement", "no agreement")
"""``prefer`` and ``over`` of a two-level game's threshold (the only ones it accepts)."""


def _two_level_threshold(
    scenario: Scenario,
    actor: str | None,
    prefer: str | Mapping[str, str] | None,
    over: str | None,
    solve_for: str,
    given: Mapping[str, str] | None,
    at: str | None,
    values: Mapping[str, float] | None,
    statics: bool,
    exact: bool,
) -> Threshold:
    """Where a two-level game's zone of agreement opens: ``ratification_threshold``'s width of the zone,
    solved by :func:`threshold_of` (its conditions and sides), the two roots checked to agree."""
    from bargaining.analysis.two_level import ratification_threshold

    for name, v in (("actor", actor), ("given", given), ("at", at)):
        if v:
            raise ScenarioError(
                "nothing: a two-level game's threshold is where its win sets start to intersect",
                found=repr(v),
                field=name,
            )
    for name, v, allowed in (("prefer", prefer, AGREEMENT[0]), ("over", over, AGREEMENT[1])):
        if v is not None and v != allowed:
            raise ScenarioError(f'"{allowed}" or nothing (a two-level game)', found=repr(v), field=name)
    zone = ratification_threshold(scenario, solve_for, values, statics=False)
    vals = scenario.values(values)
    found = threshold_of(zone.gap, solve_for, scenario.parameters, vals, statics=statics, exact=exact)
    notes = list(found.notes)
    if found.value is not None and not math.isclose(found.value, zone.value, rel_tol=1e-9, abs_tol=1e-12):
        notes.append(
            f"The zone's width has another root in {solve_for}'s range: {found.value:.6g} "
            f"(ratification_threshold gives {zone.value:.6g})."
        )
    lows, highs = ", ".join(zone.low_by), ", ".join(zone.high_by)
    notes.append(f"Valid while the same bounds set the zone's ends: its lower end by {lows}, its upper end by {highs}.")
    return replace(
        found,
        prefer=AGREEMENT[0],
        over=AGREEMENT[1],
        others=f"the zone's upper end set by {highs}, its lower end by {lows}",
        notes=tuple(notes),
        method="the root of the zone of agreement's width (ratification_threshold), by sympy.solve",
    )


def _through_normal_form(
    scenario: Scenario,
    actor: str | None,
    prefer: str | Mapping[str, str] | None,
    over: str | None,
    given: Mapping[str, str] | None,
    solve_for: str,
) -> tuple[Scenario, str | Mapping[str, str] | None, str | None, Mapping[str, str] | None]:
    """A signalling game's ex-ante normal form (actions and messages read as constant strategies) or a
    Bayesian game's type-strategy form, as a scenario with the same parameters."""
    from bargaining.games.bayesian import BayesianGame
    from bargaining.games.signalling import SignallingGame

    game = scenario.game
    if isinstance(game, BayesianGame):
        return replace(scenario, game=game.exante(), kind="normal"), prefer, over, given
    assert isinstance(game, SignallingGame)
    if solve_for not in game.parameters.names:
        raise ScenarioError(
            "a parameter of the game (the thresholds in the receiver's belief itself are "
            "perfect_bayesian(...).thresholds)",
            found=repr(solve_for),
            field="solve_for",
        )

    def constant(choice: str | Mapping[str, str] | None, labels: Sequence[str], n: int) -> str | None:
        if isinstance(choice, Mapping):
            raise ScenarioError("a strategy or an action", found=repr(dict(choice)), field="prefer")
        return game.strategy_label([choice] * n) if isinstance(choice, str) and choice in labels else choice

    if actor == game.receiver:
        prefer = constant(prefer, game.actions, len(game.messages))
        over = constant(over, game.actions, len(game.messages))
    elif actor == game.sender:
        prefer = constant(prefer, game.messages, len(game.types))
        over = constant(over, game.messages, len(game.types))
    if given:
        given = {
            a: game.strategy_label([s] * len(game.types)) if a == game.sender and s in game.messages else s
            for a, s in given.items()
        }
    return replace(scenario, game=game.normal_form(), kind="normal"), prefer, over, given


def _strategy_threshold(
    scenario: Scenario,
    actor: str,
    *,
    prefer: str,
    over: str,
    solve_for: str,
    given: Mapping[str, str] | None,
    values: Mapping[str, float] | None,
    statics: bool,
    exact: bool = True,
) -> Threshold:
    game = scenario.normal_form
    vals = scenario.values(values)
    game.index(actor)
    for field_name, s in (("prefer", prefer), ("over", over)):
        try:
            game.strategy_index(actor, s)
        except ScenarioError as err:
            raise ScenarioError(err.expected, found=err.found, file=scenario.path or None, field=field_name) from None
    given = dict(given or {})
    others: dict[str, dict[str, sympy.Expr]] = {}
    for a, s in given.items():
        if a == actor or a not in game.actors:
            raise ScenarioError(
                f"another actor ({', '.join(x for x in game.actors if x != actor)})", found=repr(a), field="given"
            )
        try:
            k = game.strategy_index(a, s)
        except ScenarioError as err:
            raise ScenarioError(err.expected, found=err.found, field=f"given.{a}") from None
        others[a] = {t: sympy.Integer(1 if n == k else 0) for n, t in enumerate(game.strategies[game.index(a)])}
    notes: list[str] = []
    missing = [a for a in game.actors if a != actor and a not in others]
    if missing:
        eq = equilibria(scenario, vals, exact=exact)[0]
        for a in missing:
            j = game.index(a)
            known = eq.exact_probabilities[j] if eq.exact_probabilities is not None else None
            probs = known if known is not None else tuple(sympy.Float(p) for p in eq.probabilities[j])
            others[a] = dict(zip(game.strategies[j], probs, strict=True))
        notes.append(
            "Actors not given play as in equilibrium #1: "
            + "; ".join(
                f"{a} " + ", ".join(f"{s} {clean_number(p, 6)}" for s, p in eq.strategy(a).items() if p)
                for a in missing
            )
            + "."
        )
    difference = payoff_difference(game, actor, prefer, over, others, simplify=exact)
    target = next((p for p in scenario.parameters if p.name == solve_for), None)
    if missing and target is not None and target.symbol not in difference.free_symbols:
        raise ScenarioError(
            f"play of the other actors under which {actor}'s payoff difference {prefer} - {over} depends on "
            f"{solve_for}",
            found=f"none given for {', '.join(missing)}: they play as in equilibrium #1, where the difference is "
            f"{difference} and does not depend on {solve_for}; give their play with given="
            + _given_hint(game, actor, prefer, over, others, missing, target.symbol),
            field="given",
        )
    result = threshold_of(difference, solve_for, scenario.parameters, vals, statics=statics, exact=exact)
    described = "; ".join(f"{a} plays {s}" for a, s in given.items())
    return replace(result, actor=actor, prefer=prefer, over=over, others=described, notes=result.notes + tuple(notes))


def _given_hint(
    game: NormalFormGame,
    actor: str,
    prefer: str,
    over: str,
    others: Mapping[str, Mapping[str, sympy.Expr]],
    missing: Sequence[str],
    symbol: sympy.Symbol,
) -> str:
    """``{'EU': 'reward'}``: pure play of the actors not given under which the difference depends on
    ``symbol`` (the first found among at most 64 profiles), else a placeholder."""
    choices = [game.strategies[game.index(a)] for a in missing]
    for k, combo in enumerate(product(*choices)):
        if k >= 64:
            break
        trial = dict(others)
        for a, strategy in zip(missing, combo, strict=True):
            trial[a] = {t: sympy.Integer(1 if t == strategy else 0) for t in game.strategies[game.index(a)]}
        if symbol in payoff_difference(game, actor, prefer, over, trial).free_symbols:
            return repr(dict(zip(missing, combo, strict=True)))
    return "{" + ", ".join(f"{a!r}: STRATEGY" for a in missing) + "}"


@dataclass(frozen=True, eq=False)
class BestReplyMap(Result):
    """``difference`` = u(prefer) - u(over) on the grid ``x`` by ``y`` (shape (len(y), len(x))), and the
    threshold curve ``curve_x`` (the threshold of the x parameter at each y; NaN where there is none)."""

    x_name: str
    y_name: str
    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    difference: npt.NDArray[np.float64]
    curve_x: npt.NDArray[np.float64]
    threshold: Threshold
    method: str = "the payoff difference compiled to numpy on the grid; the threshold formula along y"
    values: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "x": {"name": self.x_name, "values": self.x.tolist()},
            "y": {"name": self.y_name, "values": self.y.tolist()},
            "difference": self.difference.tolist(),
            "threshold_curve": [None if math.isnan(v) else v for v in self.curve_x.tolist()],
            "threshold": self.threshold.to_dict(),
            "parameters": {k: clean_number(v) for k, v in self.values.items()},
        }


def best_reply_map(
    model: Scenario | Game,
    actor: str,
    *,
    prefer: str,
    over: str,
    x: tuple[str, npt.ArrayLike],
    y: tuple[str, npt.ArrayLike],
    given: Mapping[str, str] | None = None,
    values: Mapping[str, float] | None = None,
    prepared: Threshold | None = None,
) -> BestReplyMap:
    """Where ``actor`` prefers ``prefer`` in the plane of two parameters, with the threshold curve of x
    (from the threshold's formula where numpy can evaluate it, else a bracketed root at every y).

    ``prepared``: the threshold of the same comparison found before (every other actor's play given),
    used as it is at the same values and otherwise solved again from its payoff difference
    (:func:`threshold_again`): what a slider demo pays per move, without the symbolic deadline's worker.
    """
    scenario = Scenario.of(model)
    vals = scenario.values(values)
    if prepared is None:
        t = threshold(
            scenario, actor, prefer=prefer, over=over, solve_for=x[0], given=given, values=values, statics=False
        )
    else:
        game = scenario.game
        others = set(game.actors) - {actor}
        if (prepared.actor, prepared.prefer, prepared.over, prepared.parameter) != (actor, prefer, over, x[0]) or (
            not others <= set(given or {})
        ):
            raise ScenarioError(
                f"a threshold of {actor}'s {prefer} over {over} in {x[0]}, every other actor's play given",
                found=f"{prepared.actor}'s {prepared.prefer} over {prepared.over} in {prepared.parameter}",
                field="prepared",
            )
        t = prepared if dict(prepared.values) == vals else threshold_again(prepared, scenario, vals)
    xs, ys = np.asarray(x[1], dtype=float), np.asarray(y[1], dtype=float)
    X, Y = np.meshgrid(xs, ys)
    env = {k: np.full(X.shape, v) for k, v in vals.items()} | {x[0]: X, y[0]: Y}
    syms = sorted(t.difference.free_symbols, key=lambda s: s.name)
    f = compile_numpy(syms, t.difference)
    with np.errstate(all="ignore"):
        diff = np.broadcast_to(np.asarray(f(*(env[s.name] for s in syms)), dtype=float), X.shape)
        if t.formula is not None and t.exact:
            fs = sorted(t.formula.free_symbols, key=lambda s: s.name)
            g = compile_numpy(fs, t.formula)
            line = {k: np.full(ys.shape, v) for k, v in vals.items()} | {y[0]: ys}
            curve = np.broadcast_to(np.asarray(g(*(line[s.name] for s in fs)), dtype=float), ys.shape)
        else:  # no formula numpy can evaluate: a bracketed root at every y
            target = scenario.parameter(x[0])
            roots = [_numeric_root(t.difference, target, vals | {y[0]: float(v)}) for v in ys]
            curve = np.array([math.nan if r is None else r for r in roots])
    return BestReplyMap(x[0], y[0], xs, ys, np.array(diff), np.array(curve), t, values=vals)


def threshold_again(prepared: Threshold, model: Scenario | Game, values: Mapping[str, float]) -> Threshold:
    """``prepared`` solved again at ``values`` from its payoff difference, without comparative statics.

    For a comparison whose payoff difference does not depend on the values (every other actor's
    play given, as in a class demo's sliders): :func:`threshold_of` on ``prepared.difference``, a
    formula sought only when ``prepared`` had one in time (so no symbolic work can outlast the
    deadline that ``prepared`` met), and no worker process per call.

    >>> from bargaining.io.scenario_file import load
    >>> sc = load("conditionality")
    >>> t = threshold(sc, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"}, statics=False)
    >>> again = threshold_again(t, sc, {"c": 2.6})
    >>> again.formula == t.formula, again.value, again.actor
    (True, 3.25, 'CA')
    """
    scenario = Scenario.of(model)
    vals = scenario.values(values)
    found = threshold_of(
        prepared.difference, prepared.parameter, scenario.parameters, vals, statics=False, exact=prepared.exact
    )
    return replace(found, actor=prepared.actor, prefer=prepared.prefer, over=prepared.over, others=prepared.others)


def threshold_at(
    scenario: Scenario,
    node: str,
    *,
    prefer: str,
    over: str,
    solve_for: str,
    actor: str | None = None,
    values: Mapping[str, float] | None = None,
    statics: bool = True,
    exact: bool = True,
) -> Threshold:
    """The threshold at a decision node of a game tree, on continuation values under subgame-perfect play.

    The mover at ``node`` compares the continuation after ``prefer`` with the one after ``over``,
    play below following the subgame-perfect plan at ``values`` (numbers offered below replaced by
    their formulas). For the responder of an offer game this is the least acceptable offer.
    """

    tree = scenario.game
    if not isinstance(tree, TreeGame):
        raise ScenarioError("--at only with a game tree", found=f"a {scenario.kind} game", field="at")
    if node not in tree.nodes or not isinstance(tree.nodes[node], DecisionNode):
        raise ScenarioError(
            f"a decision node ({', '.join(tree.decision_nodes())})",
            found=repr(node),
            file=scenario.path or None,
            field="at",
        )
    d = tree.nodes[node]
    assert isinstance(d, DecisionNode)
    if actor is not None and actor != d.actor:
        raise ScenarioError(f"the actor who moves at {node} ({d.actor})", found=repr(actor), field="actor")
    targets = dict(d.moves)
    for name, move in (("prefer", prefer), ("over", over)):
        if move not in targets:
            raise ScenarioError(f"a move at {node} ({', '.join(targets)})", found=repr(move), field=name)
    vals = scenario.values(values)

    solver = TreeSolver(tree, vals)
    _, plan, _, _ = solver.solve(tree.root, vals)
    i = tree.actors.index(d.actor)
    difference = (
        continuation(tree, targets[prefer], plan, solver.formulas)[i]
        - continuation(tree, targets[over], plan, solver.formulas)[i]
    )
    difference = _simplified(difference) if exact else difference
    result = threshold_of(difference, solve_for, scenario.parameters, vals, statics=statics, exact=exact)
    return replace(
        result, actor=d.actor, prefer=prefer, over=over, others=f"at node {node}, play below subgame perfect"
    )


def _package(problem: BargainingProblem, package: str | Mapping[str, str]) -> dict[str, str]:
    if isinstance(package, Mapping):
        return dict(package)
    out: dict[str, str] = {}
    for item in package.replace(";", ",").split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ScenarioError(
                "a package: issue=option, ... (one option per issue)", found=repr(package), field="prefer"
            )
        out[key.strip()] = value.strip()
    return out


def concession(
    model: Scenario | Game,
    package: str | Mapping[str, str],
    actor: str,
    solve_for: str,
    values: Mapping[str, float] | None = None,
    *,
    statics: bool = True,
    exact: bool = True,
) -> Threshold:
    """The value of ``solve_for`` at which ``actor`` is indifferent between ``package`` and disagreement:
    the least concession that makes the package acceptable to it, :math:`u_i(\text{package}) = d_i`."""
    scenario = Scenario.of(model)
    problem = scenario.game
    if not isinstance(problem, BargainingProblem):
        raise ScenarioError('a package deal (game = "bargain")', found=f"a {scenario.kind} game", field="model")
    vals = scenario.values(values)
    if actor not in problem.actors:
        raise ScenarioError(f"an actor among {', '.join(problem.actors)}", found=repr(actor), field="actor")
    i = problem.actors.index(actor)
    k = problem.index(_package(problem, package))
    difference = problem.utility_expr(k)[i] - problem.disagreement[i]
    t = threshold_of(difference, solve_for, scenario.parameters, vals, statics=statics, exact=exact)
    return replace(t, actor=actor, prefer=problem.label(k), over="no deal")

r"""A model prepared once and solved again at every slider move: :func:`live` (for ``explore``).

:func:`bargaining.analysis.dispatch.solve` starts from the scenario at every call. A slider moves
one number at a time, so most of that work is the same at every move; :func:`live` does it once
and keeps it, and :meth:`LiveSolver.solve` answers one point with the same result type (and the
same numbers and formulas, tested against the slow path) as ``solve``:

* **Normal form, two actors.** The equilibria are enumerated at every move by vertex enumeration
  of the best-response polytopes (:mod:`bargaining.kernels.bimatrix`, milliseconds), exactly as
  :func:`~bargaining.analysis.nash.equilibria` does. Their exact forms (Nash 1951; the indifference
  conditions :math:`\sum_{s} p_s M_{st} = w` on the support, solved by
  :func:`~bargaining.analysis.indifference.indifference`) depend only on the supports and the
  best responses, not on the values: each system is solved once (sympy, under the budget's
  deadline) and kept; at a move only the check that the formulas reproduce the numbers
  (:func:`~bargaining.analysis.indifference.matches`, the same test ``equilibria`` applies) runs.
* **Game tree** (perfect information). Backward induction is compiled once
  (:func:`~bargaining.analysis.compiled_tree.compile_tree`: every candidate offer a formula) and
  evaluated at the one point; the plan at every decision node, the number at every offer node,
  the path, the payoffs and the movers who are indifferent (Kuhn 1953; Selten 1975) are read off
  that evaluation, and each offer's formula is its candidate's (``sympy.together``, found once).
  The payoffs as formulas, the region and the reduced normal form's check, which the move's
  display does not show, are not computed (``exact_payoff`` None, no conditions): the method says
  so. A tree whose offers only the numeric route solves is solved by ``subgame_perfect``.
* **Package deal.** :func:`~bargaining.analysis.deal.bargain` with ``exact=False``: the frontier
  and every solution in numbers (what the display shows), without the formulas on the edges.
* **Bayesian game, two actors.** :func:`~bargaining.analysis.bayes_nash.bayes_nash` with its
  payoffs compiled once per game, and the ex-ante (type-strategy) form's equilibria from a prepared
  solver of that form (:func:`~bargaining.analysis.bayes_nash.exante_scenario`, the normal-form
  route above: exact forms solved once per support).
* **Everything else** (signalling, two-level, three or more actors): ``solve`` itself, whose
  value-independent work is kept by the solvers themselves (the signalling game's belief-threshold
  formulas, the ratifiers' cuts and the Nash point's formulas per pair of packages).

>>> from bargaining.io.scenario_file import load
>>> solver = live(load("eu_russia_offer"))
>>> spe = solver.solve({"T": 3.0})
>>> spe.path, round(spe.offers["v"], 5), spe.offer_formulas["v"]
(('offer', 'accept'), 0.49366, (C_TCN*delta**T + c_N + d_R)/a)
>>> solver.route
'compiled tree'
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from bargaining.analysis.bayes_nash import bayes_nash, exante_scenario
from bargaining.analysis.compiled_tree import TIE, CompiledTree, Evaluator, compile_tree
from bargaining.analysis.deadline import DeadlineExceeded, too_large, within_deadline
from bargaining.analysis.deal import bargain
from bargaining.analysis.dispatch import Solution, solve
from bargaining.analysis.incentives import DECIMALS, BestReply, best_reply, decimal_values
from bargaining.analysis.indifference import exact_mixture, indifference
from bargaining.analysis.nash import LATE_NOTE, EquilibriumSet, PayoffEntries, col_tight, equilibria
from bargaining.analysis.subgame import SubgamePerfect, play_path, tie_note
from bargaining.analysis.threshold import Threshold, open_conditions, precise_value, side_of, threshold_again
from bargaining.errors import ScenarioError
from bargaining.expressions import compile_numpy
from bargaining.games.bayesian import BayesianGame
from bargaining.games.incentives import COMPLY, DEFY, exact
from bargaining.games.normal import NormalFormGame
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.games.two_level import TwoLevelGame
from bargaining.kernels.bimatrix import vertex_enumeration
from bargaining.scenario import Scenario

__all__ = ["LiveSolver", "LiveThreshold", "live", "live_threshold"]

FloatArray = npt.NDArray[np.float64]
_Solved = tuple[tuple[sympy.Expr, ...], sympy.Expr] | None


class LiveSolver:
    """One model prepared for solving at many points (:func:`live`); :meth:`solve` at one.

    ``route`` names what a move costs: ``"normal form, exact forms kept"``, ``"compiled tree"``,
    ``"package deal, numbers"``, ``"Bayesian, exact forms kept"``, ``"signalling, formulas
    kept"`` and ``"two-level, formulas kept"`` (``solve`` itself, whose solvers keep their
    value-independent formulas) or ``"solve"`` (the slow path itself).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        game = scenario.game
        self._lock = threading.Lock()
        self._compiled: CompiledTree | None = None
        self._solved: dict[tuple[int, tuple[int, ...], tuple[int, ...]], _Solved] = {}
        self._formulas: dict[tuple[str, int], sympy.Expr] = {}
        self._exante: LiveSolver | None = None
        if isinstance(game, TreeGame) and game.perfect_information:
            try:
                compiled = compile_tree(scenario)
            except ScenarioError:
                compiled = None
            if compiled is not None and compiled.route == "symbolic":
                self._compiled = compiled
            self.route = "compiled tree" if self._compiled is not None else "solve"
        elif scenario.kind == "bargain":
            self.route = "package deal, numbers"
        elif isinstance(game, BayesianGame) and len(game.actors) == 2:
            try:  # an ex-ante form too large to build: solve() says so at every move
                self._exante = LiveSolver(exante_scenario(scenario))
            except ScenarioError:
                self._exante = None
            self.route = "Bayesian, exact forms kept" if self._exante is not None else "solve"
        elif isinstance(game, NormalFormGame) and game.n_actors == 2:
            self.route = "normal form, exact forms kept"
        elif isinstance(game, SignallingGame):
            self.route = "signalling, formulas kept"
        elif isinstance(game, TwoLevelGame):
            self.route = "two-level, formulas kept"
        else:
            self.route = "solve"

    def __repr__(self) -> str:
        return f"<LiveSolver: {self.scenario.title!r}, {self.route}>"

    def solve(self, values: Mapping[str, float] | None = None) -> Solution:
        """The model's solution at ``values``, as :func:`~bargaining.analysis.dispatch.solve` gives it
        (what the display shows is the same; see the module docstring for what is left out)."""
        vals = self.scenario.values(values)
        if self.route == "compiled tree":
            return self._tree(vals)
        if self.route == "package deal, numbers":
            return bargain(self.scenario, vals, exact=False)
        if self.route == "normal form, exact forms kept":
            return self._normal(vals)
        if self._exante is not None:
            return bayes_nash(self.scenario, vals, exante_solver=self._exante._normal)
        return solve(self.scenario, vals)

    # ------------------------------------------------------------------------------ normal form

    def _indifference(self, who: int, entries: PayoffEntries, support: Sequence[int], cols: Sequence[int]) -> _Solved:
        key = (who, tuple(support), tuple(cols))
        with self._lock:
            if key in self._solved:
                return self._solved[key]
        found = within_deadline(lambda: indifference(entries, support, cols))
        with self._lock:
            self._solved[key] = found
        return found

    def _mixture(
        self,
        who: int,
        entries: PayoffEntries,
        support: Sequence[int],
        tight: Sequence[int],
        numeric: FloatArray,
        values: Mapping[str, float],
    ) -> tuple[tuple[sympy.Expr, ...], sympy.Expr] | None:
        """:func:`~bargaining.analysis.indifference.exact_mixture`, its systems solved once."""
        return exact_mixture(
            entries, support, tight, numeric, values, lambda cols: self._indifference(who, entries, support, cols)
        )

    def _normal(self, vals: Mapping[str, float]) -> EquilibriumSet:
        game = self.scenario.game
        assert isinstance(game, NormalFormGame)
        found = equilibria(self.scenario, vals, exact=False)
        arr = game.payoff_array(vals)
        res = vertex_enumeration(arr[0], arr[1])
        pairs = list(res.equilibria)
        same = len(pairs) == len(found.equilibria) and all(
            np.array_equal(x, e.probabilities[0]) and np.array_equal(y, e.probabilities[1])
            for (x, y), e in zip(pairs, found.equilibria, strict=True)
        )
        if not same:  # not the enumeration equilibria() ran: let it give the exact forms itself
            return equilibria(self.scenario, vals)
        m, n = game.shape
        col, row = PayoffEntries(game, 1), PayoffEntries(game, 0).T
        specs = []
        for k, (x, y) in enumerate(pairs):
            sx = [i for i in range(m) if x[i] > 0]
            sy = [j for j in range(n) if y[j] > 0]
            tight_cols = [j for j in range(n) if col_tight(res.row_labels, k, m + j)]
            tight_rows = [i for i in range(m) if col_tight(res.col_labels, k, i)]
            specs.append((sx, tight_cols, x, sy, tight_rows, y))
        used = {col[s, t] for sx, tc, _, _, _, _ in specs for s in sx for t in tc}
        used |= {row[s, t] for _, _, _, sy, tr, _ in specs for s in sy for t in tr}
        if too_large(used) is not None:
            return equilibria(self.scenario, vals)
        eqs = []
        missing = 0
        try:
            for (sx, tight_cols, x, sy, tight_rows, y), eq in zip(specs, found.equilibria, strict=True):
                ex = self._mixture(1, col, sx, tight_cols, x, vals)
                ey = self._mixture(0, row, sy, tight_rows, y, vals)
                if ex is None or ey is None:
                    missing += 1
                    eqs.append(eq)
                else:
                    eqs.append(replace(eq, exact_probabilities=(ex[0], ey[0]), exact_payoffs=(ey[1], ex[1])))
        except DeadlineExceeded:
            return equilibria(self.scenario, vals)  # gives the late note itself
        notes = list(found.notes)
        if missing and not any(note.startswith(LATE_NOTE) for note in notes):
            notes.append(
                f"{missing} equilibrium(s) have no exact form: their indifference conditions do not pin them down."
            )
        return replace(found, equilibria=tuple(eqs), notes=tuple(notes))

    # ------------------------------------------------------------------------------ game tree

    def _formula(self, node: str, kind: int) -> sympy.Expr:
        assert self._compiled is not None
        key = (node, kind)
        with self._lock:
            if key not in self._formulas:
                self._formulas[key] = sympy.together(sympy.sympify(self._compiled.candidates[node][kind]))
            return self._formulas[key]

    def _tree(self, vals: dict[str, float]) -> SubgamePerfect:
        compiled = self._compiled
        assert compiled is not None
        tree = compiled.tree
        offered = {tree.nodes[n].parameter for n in tree.offer_nodes()}  # type: ignore[union-attr]
        env: dict[str, Any] = {k: np.array([float(v)]) for k, v in vals.items() if k not in offered}
        for name in compiled.defaults:
            env.setdefault(name, np.array([float(compiled.defaults[name])]))
        with np.errstate(all="ignore"):
            ev = Evaluator(compiled, env, 1)
            play = ev.play(tree.root, env, 1, TIE, None)

        def first(x: Any) -> Any:
            return np.asarray(x).reshape(-1)[0]

        plan_index = {nid: int(first(c)) for nid, c in play.choice.items()}
        all_offers = {nid: float(first(v)) for nid, v in play.offer.items()}
        kinds = {nid: int(first(k)) for nid, k in play.kind.items()}
        plan = {nid: tree.nodes[nid].moves[j][0] for nid, j in plan_index.items()}
        # every mover indifferent between its planned move and another, at the chosen numbers
        ties: set[str] = set()
        with np.errstate(all="ignore"):
            value = self._values(ev, tree, tree.root, env, plan_index, all_offers, ties)
        path, outcome, offer_path = play_path(tree, plan)
        params = {tree.nodes[n].parameter: all_offers[n] for n in offer_path if n in all_offers}  # type: ignore[union-attr]
        formulas = {n: self._formula(n, kinds[n]) for n in all_offers}
        notes = []
        if ties:
            notes.append(tie_note(ties))
        return SubgamePerfect(
            tree=tree,
            values=vals,
            plan={n: plan[n] for n in tree.decision_nodes() if n in plan},
            offers=params,
            offer_formulas={tree.nodes[n].parameter: formulas.get(n) for n in offer_path},  # type: ignore[union-attr]
            all_offers=all_offers,
            path=path,
            outcome=outcome,
            payoff={a: float(value[k]) for k, a in enumerate(tree.actors)},
            exact_payoff=None,
            ties=tuple(sorted(ties)),
            conditions=(),
            notes=tuple(notes),
            method=(
                "backward induction compiled once (compile_tree: every candidate offer a formula), evaluated"
                " at this point; payoffs as formulas, the region and the reduced normal form not computed"
            ),
            all_offer_formulas=formulas,
        )

    def _values(
        self,
        ev: Evaluator,
        tree: TreeGame,
        at: str,
        env: dict[str, Any],
        plan: Mapping[str, int],
        offers: Mapping[str, float],
        ties: set[str],
    ) -> list[float]:
        """Every actor's payoff from ``at`` under ``plan`` and the chosen ``offers``; the decision
        nodes where another move pays the mover as much (the solvers' tie rule) go into ``ties``."""
        if at in tree.outcomes:
            return [float(first) for first in (np.asarray(x).reshape(-1)[0] for x in ev.outcome(at, env, None))]
        node = tree.nodes[at]
        if isinstance(node, OfferNode):
            below = {**env, node.parameter: np.array([offers[at]])}
            return self._values(ev, tree, node.next, below, plan, offers, ties)
        if isinstance(node, ChanceNode):
            probs = ev.chance(at, env, None)
            total = np.zeros(len(tree.actors))
            for p, (_, target) in zip(probs, node.moves, strict=True):
                total += float(np.asarray(p).reshape(-1)[0]) * np.array(
                    self._values(ev, tree, target, env, plan, offers, ties)
                )
            return [float(x) for x in total]
        assert isinstance(node, DecisionNode)
        i = tree.actors.index(node.actor)
        each = [self._values(ev, tree, target, env, plan, offers, ties) for _, target in node.moves]
        best = max(u[i] for u in each)
        floor = best - TIE * (1.0 + abs(best))
        if sum(u[i] >= floor for u in each) > 1:
            ties.add(at)
        return each[plan[at]]


_LIVE: dict[int, tuple[Scenario, LiveSolver]] = {}


def live(scenario: Scenario) -> LiveSolver:
    """``scenario`` prepared for solving at many points (kept for the scenario object: a second call
    with the same scenario returns the same solver)."""
    kept = _LIVE.get(id(scenario))
    if kept is not None and kept[0] is scenario:
        return kept[1]
    solver = LiveSolver(scenario)
    if len(_LIVE) > 32:
        _LIVE.clear()
    _LIVE[id(scenario)] = (scenario, solver)
    return solver


class LiveThreshold:
    r"""A threshold prepared once (``prepared``: the comparison with every other actor's play given)
    and answered at each slider move, the same :class:`~bargaining.analysis.threshold.Threshold` as
    :func:`~bargaining.analysis.threshold.threshold_again` gives (tested at sampled points).

    ``threshold_again`` solves the payoff difference :math:`\Delta` for the parameter again at
    every call (``sympy.solve`` and ``simplify``); its roots do not depend on the values, so here they
    are the prepared ones, and a move only evaluates the chosen root (sympy at 20 digits, as
    ``threshold_of`` does), checks the numpy form of it once compiled, and reads the side of the root
    from :math:`\Delta` just above and below it. Anything else (no formula, several roots, a
    formula numpy cannot evaluate) goes to ``threshold_again`` itself.

    :meth:`best_reply` is :func:`~bargaining.analysis.incentives.best_reply` from that threshold:
    the sign of :math:`\Delta` and :math:`r \ge r^*` decided on the exact decimals the values print
    as (``0.3`` is 3/10): in rationals when the substitution gives a rational number (integer
    exponents), else by sympy's comparison of the exact number (evaluated to the digits it needs),
    as ``best_reply`` does after ``simplify``, which is skipped here (``gain`` and
    ``exact_threshold`` are therefore unsimplified, equal in value).

    >>> from bargaining.io.scenario_file import load
    >>> from bargaining.analysis.threshold import threshold
    >>> sc = load("conditionality")
    >>> t = threshold(sc, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"}, statics=False)
    >>> fast = LiveThreshold(t, sc)
    >>> fast.at({"c": 2.6}).value  # r* = c / (p delta^tau) = 2.6 / 0.8
    3.25
    >>> fast.best_reply({"r": 3.0, "c": 0.9, "p": 0.3}).reply  # 0.3 * 3 = 0.9 exactly: indifferent, complies
    'comply'
    """

    def __init__(self, prepared: Threshold, scenario: Scenario) -> None:
        self.prepared = prepared
        self.scenario = scenario
        self.target = scenario.parameter(prepared.parameter)
        formula = prepared.formula
        self._fast = (
            formula is not None
            and prepared.exact
            and len(prepared.solutions) == 1
            and prepared.solutions[0] == formula
            and not prepared.comparative_statics
        )
        self._symbols = sorted(formula.free_symbols, key=lambda x: x.name) if formula is not None else []
        self._numpy = compile_numpy(self._symbols, formula) if self._fast and formula is not None else None
        self._conditions = open_conditions(formula, scenario.parameters) if formula is not None else ()
        self._difference_symbols = sorted(prepared.difference.free_symbols, key=lambda x: x.name)
        self._difference = compile_numpy(self._difference_symbols, prepared.difference)

    def _side(self, at: float | None, vals: Mapping[str, float]) -> str:
        """``threshold.side_of`` with the difference compiled once (in every parameter, not per call)."""
        if at is None:
            return side_of(self.prepared.difference, self.target, None, vals)
        args = [vals[x.name] for x in self._difference_symbols]
        k = self._difference_symbols.index(self.target.symbol)
        h = 1e-6 * max(1.0, abs(at))

        def f(x: float) -> float:
            args[k] = x
            with np.errstate(all="ignore"):
                return float(np.asarray(self._difference(*args)))

        above, below = f(at + h), f(at - h)
        if above > 0 >= below:
            return "above"
        if below > 0 >= above:
            return "below"
        return "always" if min(above, below) > 0 else "never"

    def at(self, values: Mapping[str, float] | None = None) -> Threshold:
        """The threshold at ``values``: what ``threshold_again(prepared, scenario, values)`` gives."""
        vals = self.scenario.values(values)
        p = self.prepared
        if not self._fast or self._numpy is None or p.formula is None:
            return threshold_again(p, self.scenario, vals)
        try:
            v = precise_value(p.formula, vals)
        except (TypeError, ValueError):
            return threshold_again(p, self.scenario, vals)
        if abs(v.imag) > 1e-12 * max(1.0, abs(v.real)):
            return threshold_again(p, self.scenario, vals)
        value = v.real
        with np.errstate(all="ignore"):
            got = complex(np.asarray(self._numpy(*(vals[x.name] for x in self._symbols))))
        if not (math.isfinite(got.real) and abs(got - value) <= 1e-9 * max(1.0, abs(value))):
            return threshold_again(p, self.scenario, vals)  # numpy disagrees: the slow path's notes
        target = self.target
        in_range = target.min - 1e-12 <= value <= target.max + 1e-12
        notes = (
            ()
            if in_range
            else (f"The threshold {value:g} lies outside {target.name}'s range [{target.min:g}, {target.max:g}].",)
        )
        found = value if math.isfinite(value) else None
        side: Any = self._side(found if in_range else None, vals)
        near = self._side(found, vals) if found is not None else None
        return Threshold(
            parameter=p.parameter,
            difference=p.difference,
            formula=p.formula,
            value=found,
            favours=side,
            direction="above" if near == "above" else "below" if near == "below" else None,
            exact=True,
            values=vals,
            solutions=p.solutions,
            conditions=self._conditions,
            notes=notes,
            actor=p.actor,
            prefer=p.prefer,
            over=p.over,
            others=p.others,
        )

    def best_reply(self, values: Mapping[str, float] | None = None, *, reward: str | None = None) -> BestReply:
        """The target's best reply at ``values`` (the prepared comparison's actor, ``comply`` over
        ``defy`` in ``reward``, the prepared parameter by default): what ``best_reply(scenario,
        values, prepared=prepared)`` gives, decided exactly."""
        p = self.prepared
        reward = reward or p.parameter
        vals = self.scenario.values(values)
        if p.formula is None or (p.prefer, p.over, p.parameter) != (COMPLY, DEFY, reward):
            return best_reply(self.scenario, vals, target=p.actor, reward=reward, prepared=p)
        t = self.at(vals)
        at = decimal_values(vals)
        r_symbol = exact(sympy.Symbol(reward))
        slope = sympy.diff(p.difference, r_symbol).xreplace(at)
        gain = p.difference.xreplace(at)
        r_star = p.formula.xreplace(at)
        if t.formula is None or any(x.free_symbols for x in (slope, gain, r_star)):
            return best_reply(self.scenario, vals, target=p.actor, reward=reward, prepared=p)
        try:  # numbers without symbols: sympy decides each sign exactly (rationals) or to enough digits
            rises, complies, clears = bool(slope > 0), bool(gain >= 0), bool(at[r_symbol] >= r_star)
            value = float(r_star)
        except TypeError:  # undecided: best_reply says why
            return best_reply(self.scenario, vals, target=p.actor, reward=reward, prepared=p)
        if not rises:
            return best_reply(self.scenario, vals, target=p.actor, reward=reward, prepared=p)
        return BestReply(
            actor=p.actor,
            reply=COMPLY if complies else DEFY,
            reward=vals[reward],
            gain=gain,
            exact_threshold=r_star,
            threshold_value=value,
            clears=clears,
            threshold=t,
            values=vals,
            notes=(DECIMALS, "An indifferent target complies."),
        )


_THRESHOLDS: dict[tuple[int, int], tuple[Threshold, Scenario, LiveThreshold]] = {}


def live_threshold(prepared: Threshold, scenario: Scenario) -> LiveThreshold:
    """``prepared`` made a :class:`LiveThreshold` for ``scenario`` (kept: the same objects give the same one)."""
    key = (id(prepared), id(scenario))
    kept = _THRESHOLDS.get(key)
    if kept is not None and kept[0] is prepared and kept[1] is scenario:
        return kept[2]
    made = LiveThreshold(prepared, scenario)
    if len(_THRESHOLDS) > 32:
        _THRESHOLDS.clear()
    _THRESHOLDS[key] = (prepared, scenario, made)
    return made

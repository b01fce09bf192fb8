"""Repeated compliance (docs/models.md#repeated-compliance): grim trigger in the repeated inspection game.

delta* is recomputed by hand from the one-shot deviation condition; the threshold is checked against
simulation (discounted payoff streams of every deviation plan of up to three periods); the stage
game's mixed equilibrium against its closed form P(monitor) = e/f, P(readmit) = 1 - m/l and pygambit.
"""

from __future__ import annotations

import itertools

import numpy as np
import pygambit as gbt  # type: ignore[import-untyped]
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from bargaining.analysis.repeated import RepeatedResult, grim_trigger
from bargaining.errors import ScenarioError
from bargaining.games.normal import NormalFormGame
from bargaining.io.scenario_file import load

SCENARIO = load("eu_russia_compliance")
COOPERATE = {"EU": "trust", "RU": "readmit"}
SUSPEND = {"V": 0.0}


def result(**values: float) -> RepeatedResult:
    return grim_trigger(SCENARIO, COOPERATE, values=values or None, punishment_values=SUSPEND, statics=False)


def test_delta_star_is_the_one_shot_deviation_condition_solved_by_hand() -> None:
    r = grim_trigger(SCENARIO, COOPERATE, punishment_values=SUSPEND)
    p = {k: sympy.Rational(repr(v)) for k, v in SCENARIO.values().items()}
    # Russia: cooperate V - e; deviate (stall while the EU trusts) V; punished: the stage equilibrium
    # without facilitation, where readmitting is a best reply, -e. (1 - d) e <= d (V - e + e).
    u_c, u_d, u_p = p["V"] - p["e"], p["V"], -p["e"]
    by_hand = (u_d - u_c) / (u_d - u_p)
    assert by_hand == p["e"] / (p["e"] + p["V"]) == sympy.Rational(2, 3)
    assert r.critical == pytest.approx(float(by_hand), abs=1e-12) and r.binding == ("RU",)
    e, V = sympy.symbols("e V", real=True)
    assert r.formula is not None and sympy.simplify(r.formula - e / (e + V)) == 0
    assert r.incentive("EU").critical == 0.0  # trusting is the EU's best reply to readmission
    assert r.incentive("RU").deviation_strategy == "stall"
    assert r.statics is not None
    signs = {k: s.sign for k, s in r.statics.signs.items()}
    assert signs["V"] == "-" and signs["e"] == "+" and signs["f"] == "0"  # the sanction f does not matter


def test_at_the_offer_games_discount_factor_compliance_is_sustained() -> None:
    r = grim_trigger(SCENARIO, COOPERATE, punishment_values=SUSPEND, delta=0.9, statics=False)
    assert r.sustained is True and r.check(0.9) == {"EU": True, "RU": True}
    assert grim_trigger(SCENARIO, COOPERATE, punishment_values=SUSPEND, delta=0.6, statics=False).sustained is False


def discounted(stream: np.ndarray, delta: float) -> float:
    return float((1 - delta) * np.sum(stream * delta ** np.arange(len(stream))))


def plan_value(r: RepeatedResult, actor: int, plan: tuple[int, ...], delta: float, horizon: int = 4000) -> float:
    """Average discounted payoff of ``actor`` playing ``plan`` (strategy indices) then, once it has
    deviated, a best reply to the punishment forever; the others play grim trigger."""
    game = r.stage
    coop = [game.strategy_index(a, s) for a, s in zip(game.actors, r.cooperate, strict=True)]
    arr = game.payoff_array(dict(r.values))
    after = game.payoff_array({**r.values, **SUSPEND})
    other = 1 - actor
    punish_other = np.asarray(r.punishment[other])
    stream = np.empty(horizon)
    deviated = False
    for t in range(horizon):
        own = plan[t] if t < len(plan) else None
        if not deviated:
            s = coop[actor] if own is None else own
            profile = list(coop)
            profile[actor] = s
            stream[t] = arr[(actor, *profile)]
            deviated = s != coop[actor]
        else:
            # punishment phase: the other plays its punishment mix; the deviator its plan, then the
            # best reply to the punishment
            pays = np.array(
                [
                    sum(
                        punish_other[j] * after[(actor, *((s, j) if actor == 0 else (j, s)))]
                        for j in range(len(punish_other))
                    )
                    for s in range(game.shape[actor])
                ]
            )
            stream[t] = pays[own] if own is not None else pays.max()
    return discounted(stream, delta)


def test_no_deviation_plan_of_up_to_three_periods_pays_just_above_delta_star() -> None:
    r = result()
    assert r.critical is not None
    for delta in (r.critical + 0.01, r.critical + 0.1, 0.95):
        for actor in (0, 1):
            u_c = r.incentives[actor].cooperative
            assert plan_value(r, actor, (), delta) == pytest.approx(u_c, abs=1e-9)
            for length in (1, 2, 3):
                for plan in itertools.product(range(r.stage.shape[actor]), repeat=length):
                    assert plan_value(r, actor, plan, delta) <= u_c + 1e-9, (delta, actor, plan)


def test_just_below_delta_star_the_one_shot_deviation_pays() -> None:
    r = result()
    assert r.critical is not None
    delta = r.critical - 0.01
    stall = r.stage.strategy_index("RU", "stall")
    value = plan_value(r, 1, (stall,), delta)
    assert value > r.incentive("RU").cooperative + 1e-6
    assert value - r.incentive("RU").cooperative == pytest.approx(r.deviation_gain("RU", delta), abs=1e-9)
    assert r.check(delta)["RU"] is False


def test_the_stage_mixed_equilibrium_is_the_closed_form_and_gambits() -> None:
    r = result()
    (eq,) = r.stage_equilibria
    v = SCENARIO.values()
    assert eq.strategy("EU")["monitor"] == pytest.approx(v["e"] / v["f"], abs=1e-12)  # 0.25
    assert eq.strategy("RU")["readmit"] == pytest.approx(1 - v["m"] / v["l"], abs=1e-12)  # 0.5
    assert eq.exact_probabilities is not None
    e, f, m, ell = sympy.symbols("e f m l", real=True)
    assert sympy.simplify(eq.exact_probabilities[0][0] - e / f) == 0
    assert sympy.simplify(eq.exact_probabilities[1][0] - (1 - m / ell)) == 0
    arrays = r.stage.payoff_array(v)
    g = gbt.StrategicGame.from_arrays(arrays[0].astype(float), arrays[1].astype(float))
    (reference,) = gbt.nash.enummixed_solve(g, rational=False).equilibria
    theirs = [float(x) for p in g.players for _, x in reference[p]]
    assert np.allclose(theirs, np.concatenate(eq.probabilities), atol=1e-9)
    # the punishment is that equilibrium (V does not move it)
    assert np.allclose(np.concatenate(r.punishment), np.concatenate(eq.probabilities))


def test_without_facilitation_compliance_cannot_be_sustained() -> None:
    """With V = 0 the stage equilibrium already gives Russia -e, its cooperative payoff: no threat."""
    r = result(V=0.0)
    assert r.critical is None and r.formula is None and r.binding == ("RU",)
    assert r.check(0.99)["RU"] is False


def test_the_prisoners_dilemma_gives_the_textbook_threshold() -> None:
    pd = NormalFormGame.from_table(
        {"A": ["c", "d"], "B": ["c", "d"]},
        {("c", "c"): ("R", "R"), ("c", "d"): ("S", "T"), ("d", "c"): ("T", "S"), ("d", "d"): ("P", "P")},
        parameters={"T": (5, 0, 10), "R": (3, 0, 10), "P": (1, 0, 10), "S": (0, -5, 10)},
    )
    r = grim_trigger(pd, {"A": "c", "B": "c"}, {"A": "d", "B": "d"})
    assert r.critical == pytest.approx((5 - 3) / (5 - 1)) and r.binding == ("A", "B")
    T, R, P = sympy.symbols("T R P", real=True)
    assert r.formula is not None and sympy.simplify(r.formula - (T - R) / (T - P)) == 0
    assert grim_trigger(pd, {"A": "c", "B": "c"}).critical == pytest.approx(0.5)  # "stage Nash" is (d, d)


@settings(max_examples=40, deadline=None)
@given(
    e=st.floats(0.1, 5.0),
    extra_f=st.floats(0.1, 5.0),
    m=st.floats(0.1, 5.0),
    extra_l=st.floats(0.1, 5.0),
    g=st.floats(0.5, 5.0),
    V=st.floats(0.05, 5.0),
)
def test_delta_star_over_random_parameters(
    e: float, extra_f: float, m: float, extra_l: float, g: float, V: float
) -> None:
    values = {"e": e, "f": e + extra_f, "m": m, "l": m + extra_l, "g": g, "V": V}
    r = grim_trigger(SCENARIO, COOPERATE, values=values, punishment_values=SUSPEND, statics=False)
    assert r.critical == pytest.approx(e / (e + V), rel=1e-9)
    (eq,) = r.stage_equilibria
    assert eq.strategy("EU")["monitor"] == pytest.approx(e / (e + extra_f), abs=1e-9)
    assert eq.strategy("RU")["readmit"] == pytest.approx(1 - m / (m + extra_l), abs=1e-9)
    assert r.critical is not None
    assert r.check(min(0.999, r.critical + 1e-6))["RU"] and not r.check(max(0.0, r.critical - 1e-6))["RU"]


def test_errors_name_the_argument() -> None:
    with pytest.raises(ScenarioError, match="punish"):
        grim_trigger(SCENARIO, COOPERATE, {"EU": "trust", "RU": "readmit"})  # not a stage equilibrium
    with pytest.raises(ScenarioError, match="cooperate"):
        grim_trigger(SCENARIO, {"EU": "trust"})
    with pytest.raises(ScenarioError, match="discount"):
        grim_trigger(SCENARIO, COOPERATE, discount="V")
    with pytest.raises(ScenarioError, match="punishment_values"):
        grim_trigger(SCENARIO, COOPERATE, punishment_values={"W": 0})
    coordination = NormalFormGame.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    with pytest.raises(ScenarioError, match="punish"):
        grim_trigger(coordination, {"P1": "s0", "P2": "s0"})  # three stage equilibria: say which
    with pytest.raises(ScenarioError, match="delta"):
        result().check(1.0)


def test_the_result_keeps_the_contract() -> None:
    r = result()
    assert r == result() and hash(r) == hash(result())
    d = r.to_dict()
    assert d["game"] == "repeated" and d["critical_delta"] == pytest.approx(2 / 3)
    assert d["formula"] == "e/(V + e)" and d["incentives"]["RU"]["exact"]["punishment"] == "-e"

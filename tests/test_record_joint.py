"""The record check, made to mean something: entries of one date explained by one equilibrium, a
parameter box of assumptions only (switches 0/1, data held, assumed ``set`` values drawn), claims
judged like observations, a package deal agreeing only with the solution's package, and the share
reported with its Wilson interval.

Each rule is checked against a second computation: the joint check against a brute-force count over
every pure profile (own payoff functions, own deviation test), the claims against
``subgame_perfect`` and ``equilibria`` called directly, the package rule against ``bargain``, and
the Wilson interval against the roots of its quadratic.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Mapping

import numpy as np
import pytest

import bargaining
from bargaining.analysis.deal import bargain
from bargaining.analysis.nash import equilibria
from bargaining.analysis.record import (
    consistent_region,
    groups_of,
    history,
    matching_equilibria,
    wilson_interval,
)
from bargaining.analysis.subgame import subgame_perfect
from bargaining.cli import run
from bargaining.errors import ScenarioError
from bargaining.io.builtins import builtin_names
from bargaining.io.scenario_file import load, loads
from bargaining.parameters import Parameter
from bargaining.scenario import Claim, Observed

# Three actors decide at once whether to "join" or stay "out". Joining pays v_i, plus g for each
# other actor who joins, minus the burden h if the clause is in the offer (tau = 1). Two dates: in
# 2007 (entries dated 2007-03 and 2007) A joins and B stays out; in 2010 (C's value set to 1,
# entries dated 2010 and 2010-06) C and B join. At the defaults the only pure equilibria are
# (join, out, out) in 2007 and everyone joining in 2010. With a large g joining is a coordination
# game: everyone in and everyone out are both equilibria, so "A joins" and "B stays out" are each
# played in some equilibrium, but not in the same one.
SMALL = """
format = "bargaining/1"
title = "Three joiners"
game = "normal"

[[actors]]
id = "A"
strategies = ["join", "out"]

[[actors]]
id = "B"
strategies = ["join", "out"]

[[actors]]
id = "C"
strategies = ["join", "out"]

[parameters.vA]
value = 0.5
min = -2.0
max = 2.0
source = "illustrative assumption"

[parameters.vB]
value = 0.0
min = -2.0
max = 2.0
source = "illustrative assumption"

[parameters.vC]
value = -1.0
min = -2.0
max = 2.0
source = "illustrative assumption"

[parameters.g]
value = 0.3
min = 0.0
max = 2.0
source = "illustrative assumption"

[parameters.tau]
value = 1.0
min = 0.0
max = 1.0
source = "illustrative assumption: the clause is in the offer"
kind = "switch"

[parameters.h]
value = 0.4
min = 0.0
max = 5.0
source = "a count from the record (data)"

[payoff_formulas]
A = "A.join * (vA + g * (B.join + C.join) - tau * h)"
B = "B.join * (vB + g * (A.join + C.join) - tau * h)"
C = "C.join * (vC + g * (A.join + B.join) - tau * h)"

[[observed]]
what = { A = "join" }
date = "2007-03"
source = "test"

[[observed]]
what = { B = "out" }
date = "2007"
source = "test"

[[observed]]
what = { C = "join" }
date = "2010"
set = { vC = 1.0 }
source = "test"

[[observed]]
what = { B = "join" }
date = "2010-06"
set = { vC = 1.0 }
source = "test"
"""


def small_payoffs(vals: Mapping[str, float]) -> Callable[[tuple[int, int, int]], tuple[float, float, float]]:
    """The payoffs of SMALL written out again by hand (1 = in, 0 = out)."""
    v = (vals["vA"], vals["vB"], vals["vC"])
    burden = vals["tau"] * vals["h"]

    def pay(x: tuple[int, int, int]) -> tuple[float, float, float]:
        others = [sum(x) - x[i] for i in range(3)]
        return tuple(x[i] * (v[i] + vals["g"] * others[i] - burden) for i in range(3))  # type: ignore[return-value]

    return pay


def pure_equilibria_by_hand(vals: Mapping[str, float]) -> list[tuple[int, int, int]]:
    """Every pure profile from which no actor gains by switching."""
    pay = small_payoffs(vals)
    out = []
    for a, b, c in itertools.product((1, 0), repeat=3):
        x = (a, b, c)
        deviations = [(1 - a, b, c), (a, 1 - b, c), (a, b, 1 - c)]
        if all(pay(y)[i] <= pay(x)[i] + 1e-12 for i, y in enumerate(deviations)):
            out.append(x)
    return out


CODE = {"join": 1, "out": 0}
INDEX = {"A": 0, "B": 1, "C": 2}


def explained(profiles: list[tuple[int, int, int]], entries: list[Mapping[str, str]]) -> bool:
    """Some one profile plays every entry."""
    return any(all(x[INDEX[a]] == CODE[s] for e in entries for a, s in e.items()) for x in profiles)


def test_entries_group_by_date_and_set() -> None:
    s = loads(SMALL, name="small.toml")
    assert groups_of(s.observed) == [(0, 1), (2, 3)]
    h = history(s)
    assert [(g.date, g.entries) for g in h.groups] == [("2007", (0, 1)), ("2010", (2, 3))]
    assert dict(h.groups[1].settings) == {"vC": 1.0}
    # different set values on the same date are different situations
    other = dataclasses.replace(s.observed[3], settings={"vC": 0.5})
    assert groups_of([*s.observed[:3], other]) == [(0, 1), (2,), (3,)]
    # an undated entry stands alone; unrelated dates of one year do not meet
    assert groups_of([Observed({"A": "join"}), Observed({"B": "out"})]) == [(0,), (1,)]
    assert groups_of([Observed({"A": "join"}, "2007-03"), Observed({"B": "out"}, "2007-04")]) == [(0,), (1,)]
    assert groups_of([Observed({"A": "join"}, "2007-03"), Observed({"B": "out"}, "2007-031")]) == [(0,), (1,)]


def test_the_joint_check_against_a_brute_force_count() -> None:
    s = loads(SMALL, name="small.toml")
    region = consistent_region(s, samples=600, seed=3)
    # what was varied and held: assumptions and the switch, the 2010 value of vC; the data h held
    assert set(region.varied) == {"vA", "vB", "vC", "g", "tau", "vC@2010"}
    assert dict(region.held) == {"h": 0.4}
    groups = [[s.observed[0].what, s.observed[1].what], [s.observed[2].what, s.observed[3].what]]
    joint, separate = [], []
    for k in range(region.samples):
        point = {n: float(region.points[n][k]) for n in ("vA", "vB", "vC", "g", "tau")}
        at_2007 = {**point, "h": 0.4}
        at_2010 = {**at_2007, "vC": float(region.points["vC@2010"][k])}
        eq07, eq10 = pure_equilibria_by_hand(at_2007), pure_equilibria_by_hand(at_2010)
        joint.append(explained(eq07, groups[0]) and explained(eq10, groups[1]))
        separate.append(all(explained(eq07, [e]) for e in groups[0]) and all(explained(eq10, [e]) for e in groups[1]))
    assert region.agrees.tolist() == joint
    assert region.observed_agrees is not None and region.observed_agrees.tolist() == joint  # no claims here
    # the test means something: judged entry by entry, many more points would pass
    assert sum(joint) > 0 and sum(separate) > sum(joint) + 20
    assert region.share == pytest.approx(sum(joint) / region.samples)


def test_the_judge_names_the_equilibrium_that_explains_a_date() -> None:
    s = loads(SMALL, name="small.toml")
    h = history(s)
    hand = pure_equilibria_by_hand(s.values())
    assert hand == [(1, 0, 0)]  # 0.5 - 0.4 >= 0 for A alone; B: 0 + 0.3 - 0.4 < 0; C: -1 + 0.3 - 0.4 < 0
    eqs = h.verdicts[0].equilibria
    assert eqs is not None and [eq.probabilities for eq in eqs.pure] == [((1.0, 0.0), (0.0, 1.0), (0.0, 1.0))]
    g07 = h.groups[0]
    assert g07.agrees and g07.equilibrium is not None
    chosen = eqs[g07.equilibrium]
    assert chosen.strategy("A")["join"] == 1 and chosen.strategy("B")["out"] == 1
    assert all(v.equilibrium == g07.equilibrium for v in (h.verdicts[0], h.verdicts[1]))
    assert h.groups[1].agrees and h.agree == h.total == 4
    assert f"equilibrium #{g07.equilibrium + 1}" in g07.detail
    out = h.to_dict()
    assert out["groups"][0] == {
        "date": "2007",
        "entries": [0, 1],
        "agrees": True,
        "equilibrium": g07.equilibrium,
        "explained_by": list(g07.explained_by),
        "detail": g07.detail,
    }
    assert set(out) == {"history", "agree", "total", "groups", "claims"}
    assert all(set(e) >= {"what", "predicted", "agrees", "date", "source"} for e in out["history"])


def test_two_entries_of_one_date_need_one_equilibrium() -> None:
    # A coordination: (in, in, in) and (out, out, out) are both equilibria, (A in, B out) is not one
    s = loads(SMALL, name="small.toml")
    values = {"vA": -0.5, "vB": -0.5, "vC": -0.5, "g": 1.0, "tau": 0.0}
    hand = pure_equilibria_by_hand({**values, "h": 0.4})
    assert sorted(hand) == [(0, 0, 0), (1, 1, 1)]  # each -0.5 alone, -0.5 + 2 with both others
    h = history(s, values)
    g07 = h.groups[0]
    eqs = h.verdicts[0].equilibria
    assert eqs is not None
    # each entry alone is played in some equilibrium ...
    assert matching_equilibria(eqs, s.observed[0]) and matching_equilibria(eqs, s.observed[1])
    # ... but no one equilibrium plays both: the date is not explained, and one entry DIFFERS
    assert not g07.agrees and g07.explained_by == ()
    assert [v.agrees for v in h.verdicts[:2]].count(True) == 1
    assert "no one equilibrium" in g07.detail


def test_the_history_command_prints_groups_and_claims() -> None:
    text = run(["history", "central_asia_signing"])
    assert "2007, 3 entries: one prediction explains them all" in text
    assert "equilibrium #1 of 1 explains the entries of 2007" in text
    out = json.loads(run(["history", "central_asia_signing", "--json"]))
    assert [(g["date"], g["entries"], g["agrees"], g["equilibrium"]) for g in out["groups"]] == [
        ("2007", [0, 1, 2], True, 0),
        ("2012", [3, 4], True, 0),
    ]
    offer = run(["history", "eu_russia_offer"])
    assert "The model's claims: 1 of 1 hold" in offer and "with T = 2: claimed RU reject" in offer
    assert "model claim (docs/models.md#the-offer-game" in offer


def test_the_signing_game_needs_one_equilibrium_per_year() -> None:
    s = load("central_asia_signing")
    assert groups_of(s.observed) == [(0, 1, 2), (3, 4)]
    region = consistent_region(s, samples=80, seed=1)
    by_entry = []
    for k in range(region.samples):
        vals = s.values({n: float(region.points[n][k]) for n in region.varied if n in s.space})
        y2012 = {n: float(region.points[f"{n}@2012-06"][k]) for n in ("p_KZ", "L_KZ", "D_KZ")}
        ok_joint, ok_alone = True, True
        for entries, settings in (((0, 1, 2), {}), ((3, 4), y2012)):
            eqs = equilibria(s, {**vals, **settings}, exact=False)
            hits = [set(matching_equilibria(eqs, s.observed[i])) for i in entries]
            ok_joint &= bool(set.intersection(*hits))
            ok_alone &= all(hits)
        assert region.agrees[k] == ok_joint, k
        by_entry.append(ok_alone)
    assert sum(by_entry) >= region.agrees.sum()


def test_switches_are_drawn_as_0_or_1_and_data_held() -> None:
    s = load("central_asia_signing")
    region = consistent_region(s, samples=200, seed=0)
    switches = [p.name for p in s.parameters if p.role == "switch"]
    assert switches == ["tau_KZ", "tau_KG", "tau_TJ", "tau_TM"]
    for name in switches:
        values = region.points[name]
        assert set(np.unique(values).tolist()) == {0.0, 1.0}
        assert 0.4 < values.mean() < 0.6  # probability 1/2 each
    # tau_UZ encodes a fact (no TCN clause in the 2007 agreement): held, as data
    assert s.parameter("tau_UZ").role == "data" and dict(region.held) == {"tau_UZ": 0.0}
    # the 2012 values (assumptions in the observations' set) are drawn from each parameter's box
    for name in ("p_KZ", "L_KZ", "D_KZ"):
        column = region.points[f"{name}@2012-06"]
        p = s.parameter(name)
        assert p.min <= column.min() and column.max() <= p.max and len(np.unique(column)) == region.samples
        assert not np.array_equal(column, region.points[name])  # drawn apart from the 2007 value
    # continuous assumptions are spread over their box
    assert region.points["H_KZ"].min() < 1 and region.points["H_KZ"].max() > 9
    out = region.to_dict()
    assert out["held"] == {"tau_UZ": 0.0} and out["samples"] == 200 and "tau_KZ" in out["varied"]


@pytest.mark.parametrize("name", ["eu_russia_2007", "eu_russia_offer", "eurasia_chain", "eu_russia_package"])
def test_the_transitory_period_is_data_and_held(name: str) -> None:
    s = load(name)
    assert s.parameter("T").role == "data"
    region = consistent_region(s, samples=3, seed=0)
    assert "T" not in region.varied and region.held["T"] == 3.0
    assert all(s.parameter(n).role in ("assumption", "switch") for n in region.varied if n in s.space)


def test_at_each_point_the_judge_uses_the_data_values() -> None:
    s = load("eu_russia_2007")
    region = consistent_region(s, samples=40, seed=2)
    for k in range(region.samples):
        point = {n: float(region.points[n][k]) for n in region.varied}
        h = history(s, point)
        assert h.verdicts[0].values["T"] == 3.0 and h.claims[0].values["T"] == 2.0
        assert region.observed_agrees is not None
        assert region.observed_agrees[k] == all(g.agrees for g in h.groups)
        assert region.agrees[k] == (all(g.agrees for g in h.groups) and h.claims[0].agrees)


def test_the_role_of_a_parameter() -> None:
    assert Parameter("x", 1.0, source="illustrative assumption").role == "assumption"
    assert Parameter("x", 1.0, source="An Illustrative ASSUMPTION (x)").role == "assumption"
    assert Parameter("x", 1.0, source="Korneev 2012 §3").role == "data"
    assert Parameter("x", 1.0).role == "assumption"  # no source: nothing says it is data
    assert Parameter.of("x", (1.0, 0.0, 2.0)).role == "assumption"
    assert Parameter("x", 1.0, source="Korneev 2012 §3", kind="assumption").role == "assumption"
    assert Parameter("x", 0.0, min=0, max=1, source="illustrative assumption", kind="switch").role == "switch"
    with pytest.raises(ScenarioError) as err:
        Parameter("x", 0.5, min=0, max=1, source="s", kind="switch")
    assert err.value.field == "parameters.x.kind"
    with pytest.raises(ScenarioError) as err:
        Parameter("x", 1.0, min=0.5, max=1, source="s", kind="switch")
    assert err.value.field == "parameters.x.kind"
    with pytest.raises(ScenarioError):
        Parameter("x", 1.0, source="s", kind="datum")  # type: ignore[arg-type]


def test_a_file_states_kinds_and_claims() -> None:
    s = loads(SMALL, name="small.toml")
    assert [p.kind for p in s.parameters] == [None, None, None, None, "switch", None]
    assert [p.role for p in s.parameters] == ["assumption"] * 4 + ["switch", "data"]
    bad = SMALL.replace('kind = "switch"', 'kind = "fact"')
    with pytest.raises(ScenarioError, match=r"parameters\.tau\.kind: expected \"assumption\", \"data\" or \"switch\""):
        loads(bad, name="small.toml")
    bad = SMALL.replace('kind = "switch"', 'kind = "switch"\n').replace(
        "[parameters.tau]\nvalue = 1.0", "[parameters.tau]\nvalue = 0.5"
    )
    with pytest.raises(ScenarioError, match=r"parameters\.tau\.kind"):
        loads(bad, name="small.toml")
    claim = '\n[[claims]]\nwhat = { A = "out" }\nset = { vA = -1.0 }\ntext = "A stays out"\nsource = "model claim"\n'
    with_claim = loads(SMALL + claim, name="small.toml")
    assert with_claim.claims == (Claim({"A": "out"}, {"vA": -1.0}, "A stays out", "model claim"),)
    for text, where in [
        (claim.replace('A = "out"', 'D = "out"'), "claims[0].what.D"),
        (claim.replace('A = "out"', 'A = "maybe"'), "claims[0].what.A"),
        (claim.replace("vA = -1.0", "vA = 7.0"), "claims[0].set.vA"),
        (claim.replace("vA = -1.0", "w = 1.0"), "claims[0].set.w"),
        (claim.replace('source = "model claim"', 'source = ""'), "claims[0].source"),
        (claim.replace('text = "A stays out"\n', ""), "claims[0].text"),
        (claim.replace("set =", "when ="), "claims[0].when"),
    ]:
        with pytest.raises(ScenarioError) as err:
            loads(SMALL + text, name="small.toml")
        assert err.value.field == where, text


def test_claims_are_judged_like_observations() -> None:
    s = load("eu_russia_offer")
    h = history(s)
    (claim,) = h.claims
    assert claim.claim and dict(claim.observed.what) == {"RU": "reject"} and dict(claim.observed.settings) == {"T": 2}
    assert "model claim" in claim.observed.source and "docs/models.md" in claim.observed.source
    direct = bargaining.subgame_perfect(s, {"T": 2})
    assert direct.path[-1] == "reject" and direct.plan["ru"] == "reject"
    assert claim.agrees and claim.path == direct.path and claim.values["T"] == 2.0
    # docs/models.md#the-offer-game: v*(2) = 0.5374 > v_cap = 0.5, so no acceptable offer fits
    v_star = (0.5 + 0.9**2 * 5.4 + 0.5) / 10
    assert v_star == pytest.approx(0.5374) and v_star > s.values()["v_cap"]
    # the same claim at T = 5 is false: Russia accepts there
    at_5 = dataclasses.replace(s, claims=(Claim({"RU": "reject"}, {"T": 5.0}, "x", "test"),))
    assert not history(at_5).claims[0].agrees and subgame_perfect(s, {"T": 5}).plan["ru"] == "accept"
    out = h.to_dict()["claims"][0]
    assert out["agrees"] is True and out["set"] == {"T": 2.0} and out["text"].startswith("the 3-year")


def test_the_chain_claim_against_backward_induction() -> None:
    s = load("eurasia_chain")
    (claim,) = history(s).claims
    direct = subgame_perfect(s, {"T": 2}, exact=False)
    assert claim.agrees == (direct.plan["ru"] == "reject") is True
    assert claim.path == direct.path


def test_a_normal_form_claim_must_hold_in_every_equilibrium() -> None:
    s = load("eu_russia_2007")
    (claim,) = history(s).claims
    at_2 = equilibria(s, {"T": 2}, exact=False)
    assert len(at_2) >= 1 and all(eq.strategy("RU")["reject"] == 1 for eq in at_2)
    assert claim.agrees and claim.matches == tuple(range(len(at_2)))
    # at T = 3 (no_offer, reject) is an equilibrium too, but Russia accepts in (offer, accept):
    # "Russia rejects" is played in some equilibrium, not in every one, so it does not hold
    at_3 = dataclasses.replace(s, claims=(Claim({"RU": "reject"}, {"T": 3.0}, "x", "test"),))
    verdict = history(at_3).claims[0]
    eqs = equilibria(s, exact=False)
    assert 0 < len(matching_equilibria(eqs, at_3.claims[0])) < len(eqs)
    assert not verdict.agrees and "not in every one" in verdict.detail


def test_claims_count_in_the_region() -> None:
    s = load("eu_russia_offer")
    region = consistent_region(s, samples=80, seed=5)
    assert region.claims == 1 and region.observed_agrees is not None
    for k in range(region.samples):
        point = s.values({n: float(region.points[n][k]) for n in region.varied})
        observed = subgame_perfect(s, point, exact=False).plan
        on_path = observed["eu"] == "offer" and observed["ru"] == "accept"
        assert region.observed_agrees[k] == on_path
        if on_path:
            claimed = subgame_perfect(s, {**point, "T": 2.0}, exact=False)
            assert region.agrees[k] == (claimed.plan["eu"] == "offer" and claimed.plan["ru"] == "reject")
        else:
            assert not region.agrees[k]
    assert region.agrees.sum() < region.observed_agrees.sum()


def test_a_package_with_a_small_weight_does_not_agree() -> None:
    s = load("russia_uzbekistan_2007")
    nash = bargain(s).solutions["nash"]
    game = s.game
    assert isinstance(game, bargaining.BargainingProblem)
    weights = {tuple(game.package(k).values()): w for k, w in nash.lottery}
    assert weights[("own_nationals", "agreement")] == pytest.approx(0.9565, abs=1e-4)
    assert weights[("own_nationals", "none")] == pytest.approx(0.0435, abs=1e-4)
    main = history(s).verdicts[0]
    assert main.agrees and "has the most weight (w = 0.956)" in main.detail
    small = dataclasses.replace(
        s, observed=(Observed({"readmission": "own_nationals", "labour": "none"}, "2007-07-04", "test"),)
    )
    verdict = history(small).verdicts[0]
    assert not verdict.agrees and "weight 0.0435" in verdict.detail
    assert dict(verdict.predicted) == {"readmission": "own_nationals", "labour": "agreement"}
    absent = dataclasses.replace(s, observed=(Observed({"readmission": "with_tcn", "labour": "none"}, "2007", "t"),))
    assert not history(absent).verdicts[0].agrees
    assert "not in the lottery" in history(absent).verdicts[0].detail


def test_a_single_package_solution_agrees_and_a_tie_does_not() -> None:
    s = load("russia_uzbekistan_2007")
    game = s.game
    assert isinstance(game, bargaining.BargainingProblem)
    # without a labour package (L = 0) no package beats no deal for both: the solution is the empty
    # package alone (it gives (0, 0), above the no-deal point (-kappa, -D))
    lottery = bargain(s, {"L": 0.0}).solutions["nash"].lottery
    assert len(lottery) == 1 and game.package(lottery[0][0]) == {"readmission": "none", "labour": "none"}
    empty = dataclasses.replace(s, observed=(Observed({"readmission": "none", "labour": "none"}, "2007", "t"),))
    verdict = history(empty, {"L": 0.0}).verdicts[0]
    assert verdict.agrees and "the observed package alone" in verdict.detail
    assert not history(s, {"L": 0.0}).verdicts[0].agrees  # the observed 2007 package is not in it
    # eu_russia_package at T = 0: the lottery is 1/2, 1/2 (docs/models.md: no deal without the
    # transitory period); the observed package ties and is not the solution's package
    package = load("eu_russia_package")
    tie = bargain(package, {"T": 0.0}).solutions["nash"].lottery
    assert [w for _, w in tie] == pytest.approx([0.5, 0.5])
    verdict = history(package, {"T": 0.0}).verdicts[0]
    assert not verdict.agrees and "ties for the most weight" in verdict.detail


def quadratic_wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """The Wilson interval as the two p with |k/n - p| = z sqrt(p (1 - p) / n): roots of a quadratic."""
    phat = k / n
    roots = np.roots([1 + z * z / n, -(2 * phat + z * z / n), phat * phat])
    lo, hi = sorted(float(np.real(r)) for r in roots)
    return lo, hi


@pytest.mark.parametrize(("k", "n"), [(1, 10), (15, 2000), (38, 2000), (500, 1000), (3, 7), (199, 200)])
def test_the_wilson_interval_against_its_quadratic(k: int, n: int) -> None:
    lo, hi = wilson_interval(k, n)
    qlo, qhi = quadratic_wilson(k, n, 1.959963984540054)
    assert lo == pytest.approx(qlo, abs=1e-12) and hi == pytest.approx(qhi, abs=1e-12)
    assert lo < k / n < hi


def test_the_wilson_interval_at_the_ends() -> None:
    lo, hi = wilson_interval(0, 2000)
    assert lo == 0.0 and hi == pytest.approx(1.959963984540054**2 / (2000 + 1.959963984540054**2))
    lo, hi = wilson_interval(2000, 2000)
    assert hi == 1.0 and lo == pytest.approx(2000 / (2000 + 1.959963984540054**2))
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_the_region_reports_its_interval() -> None:
    s = load("eu_russia_offer")
    region = consistent_region(s, samples=120, seed=0)
    interval = region.interval
    assert interval is not None and interval == wilson_interval(int(region.agrees.sum()), 120)
    out = region.to_dict()
    assert out["interval"] == list(interval) and out["samples"] == 120 and out["share"] == region.share
    assert out["held"] == {"T": 3.0} and set(out["varied"]) == set(region.varied)
    assert out["claims"] == 1 and out["share_observed"] == region.observed_share >= region.share
    grid = consistent_region(s, {"v_cap": [0.4, 0.6]})
    assert grid.interval is None and grid.to_dict()["interval"] is None
    text = run(["history", "eu_russia_offer", "--region", "40"])
    assert "95% interval" in text and "held fixed (1): T = 3" in text and "varied (10):" in text


def test_every_builtin_loads_and_is_judged() -> None:
    for name in builtin_names():
        s = load(name)
        h = history(s)
        assert h.agree == h.total and h.hold == len(h.claims), name
        for p in s.parameters:
            assert p.role in ("assumption", "data", "switch")
    claimed = {name for name in builtin_names() if load(name).claims}
    assert claimed == {"eu_russia_2007", "eu_russia_offer", "eurasia_chain"}


def test_results_of_the_joint_check_keep_the_contract() -> None:
    h = history(load("central_asia_signing"))
    g = h.groups[0]
    assert g == history(load("central_asia_signing")).groups[0] and hash(g) == hash(h.groups[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.agrees = False  # type: ignore[misc]
    assert json.loads(json.dumps(h.to_dict()))["groups"][1]["set"] == {"p_KZ": 0.9, "L_KZ": 4.0, "D_KZ": 1.0}


@pytest.mark.parametrize("game", ["normal", "tree", "bargain"])
def test_the_templates_show_the_new_fields_and_load_uncommented(game: str) -> None:
    import re

    from bargaining.io.templates import TEMPLATES

    text = TEMPLATES[game]
    assert "[[observed]]" in text
    optional = r"^# (\[\[(observed|claims)\]\]|what =|date =|source =|set =|text =|kind =)"
    uncommented = re.sub(optional, r"\1", text, flags=re.M)
    s = loads(uncommented, name=f"{game}.toml")
    assert len(s.observed) == 1
    h = history(s)
    assert h.hold == len(h.claims) == (0 if game == "bargain" else 1)
    if game == "normal":
        assert "kind =" in text and s.parameters[0].kind == "assumption"

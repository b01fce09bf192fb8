"""Every analysis on the kinds of issue 12 (signalling, screening, two-level, repeated, Bayesian):
notebook displays, thresholds, sweeps and the record check.

The numbers each display must show are computed here by the library (or from the mathematics),
never pasted.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import sympy

import bargaining
from bargaining._repr import repr_html
from bargaining.analysis.bayes_nash import bayes_nash
from bargaining.analysis.pbe import perfect_bayesian
from bargaining.analysis.repeated import grim_trigger
from bargaining.analysis.screening import screening_threshold
from bargaining.analysis.sweep_points import PointSweep, screening_label, sweep_points
from bargaining.analysis.threshold import Threshold
from bargaining.analysis.two_level import ratification_threshold, ratify, win_set
from bargaining.cli import main
from bargaining.display.numbers import number
from bargaining.errors import ScenarioError
from bargaining.io.builtins import builtin_names
from bargaining.scenario import Scenario
from tests.test_bayesian import pressing


@cache
def _load(name: str) -> Scenario:
    return bargaining.load(name)


def _text(html: str) -> str:
    """The HTML's visible text, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- notebook displays -------------------------------------------------------------------------------


def test_pbe_display_names_every_equilibrium_and_the_thresholds() -> None:
    result = perfect_bayesian(_load("conditionality_signalling"))
    html = repr_html(result)
    assert html == result._repr_html_()
    text = _text(html)
    assert len(result.equilibria) >= 2
    for eq in result.equilibria:
        assert eq.kind in text
        for t, m in eq.sender.items():
            assert f"{t} → {m}" in text
        for m, a in eq.receiver.items():
            assert f"{m} → {a}" in text
        for m, region in eq.off_path.items():
            assert region.interval is not None
            lo, hi = region.interval
            assert f"after {m}: P({result.game.types[0]}) in [{lo}, {hi}]" in text
    intuitive = [("yes" if e.intuitive else "no") for e in result.equilibria]
    assert re.findall(r"\b(yes|no)\b", text) == intuitive
    for th in result.thresholds:
        assert sympy.latex(th.formula) in html
        assert th.value is not None and f"= {th.value}" in text
    # the threshold is r/B: recomputed from the parameters
    values = result.values
    assert result.thresholds[0].value == Fraction(values["r"]) / Fraction(values["B"])


def test_screening_display_shows_both_offers_the_choice_and_mu_star() -> None:
    s = screening_threshold(_load("eu_russia_screening"), statics=False)
    text = _text(repr_html(s))
    assert f"chooses the {s.choice} offer" in text
    for kind, v in s.offers.items():
        assert f"{s.parameter} = {number(v)}" in text
        assert sympy.latex(s.offer_formulas[kind]) in repr_html(s)
    assert s.threshold is not None and s.threshold.value is not None and s.threshold.formula is not None
    assert number(s.threshold.value) in text
    assert sympy.latex(s.threshold.formula) in repr_html(s)
    # the pooling offer is v_H = (c_N + delta^T C_H + d_R) / a, recomputed
    p = s.values
    v_high = (p["c_N"] + p["delta"] ** p["T"] * p["C_H"] + p["d_R"]) / p["a"]
    assert number(v_high) in text


def test_ratification_display_shows_win_sets_zone_and_outcome() -> None:
    scenario = _load("eu_russia_ratification")
    r = ratify(scenario)
    html = repr_html(r)
    text = _text(html)
    values = scenario.values()
    assert r.offer is not None
    tightest = min(values["cap_a"], values["cap_b"], values["cap_c"])
    assert f"[0, {number(tightest)} = " in text
    assert "Agreement" in text and f"v = {number(r.offer)}" in text
    for actor in scenario.game.actors:
        assert number(r.payoff(actor)) in text
    assert r.payoff_formulas is not None and sympy.latex(r.payoff_formulas[0]) in html
    none = ratify(scenario, {"cap_c": 0.45})
    assert "No agreement" in _text(repr_html(none)) and "empty" in _text(repr_html(none))


def test_ratification_threshold_display() -> None:
    t = ratification_threshold(_load("eu_russia_ratification"), "T", {"cap_c": 0.45})
    html = repr_html(t)
    assert sympy.latex(t.formula) in html and number(t.value) in _text(html)
    assert f"T {t.agreement_when} it" in _text(html)


def test_repeated_display_shows_each_critical_delta_and_the_stage_equilibrium() -> None:
    r = grim_trigger(_load("eu_russia_compliance"), {"EU": "trust", "RU": "readmit"}, punishment_values={"V": 0})
    html = repr_html(r)
    text = _text(html)
    assert r.critical is not None and r.formula is not None
    values = r.values
    assert abs(r.critical - values["e"] / (values["e"] + values["V"])) < 1e-12  # delta* = e / (e + V)
    assert number(r.critical) in text and sympy.latex(r.formula) in html
    for i in r.incentives:
        assert i.actor in text
        if i.critical is not None:
            assert number(i.critical) in text
    assert "Nash equilibria" in text  # the stage game's benchmark, through the equilibria display
    eq = r.stage_equilibria[0]
    assert all(number(u) in text for u in eq.payoffs)


def test_bayes_nash_display_shows_every_types_action() -> None:
    result = bayes_nash(pressing(), {"mu": 0.7})
    text = _text(repr_html(result))
    assert len(result.pure) == 2
    for k, eq in enumerate(result.pure):
        for actor, plan in eq.items():
            for t, a in plan.items():
                assert f"{t}: {a} ({number(result.interim[k][actor][t])})" in text


def test_displays_are_not_the_json_fallback() -> None:
    results = [
        perfect_bayesian(_load("conditionality_signalling")),
        screening_threshold(_load("eu_russia_screening"), statics=False),
        ratify(_load("eu_russia_ratification")),
        grim_trigger(_load("eu_russia_compliance"), {"EU": "trust", "RU": "readmit"}, punishment_values={"V": 0}),
        bayes_nash(pressing()),
    ]
    for r in results:
        html = repr_html(r)
        assert not html.startswith("<pre>{"), type(r).__name__
        json.dumps(r.to_dict())


# -- thresholds ----------------------------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_two_level_threshold_is_where_the_zone_opens() -> None:
    scenario = _load("eu_russia_ratification")
    t = bargaining.threshold(scenario, solve_for="T", values={"cap_c": 0.45})
    assert isinstance(t, Threshold) and t.value is not None and t.formula is not None
    v = scenario.values({"cap_c": 0.45})
    # the zone closes where the Duma's least offer (c_N + delta^T C_TCN + d_R_II)/a meets the cap
    closed_form = math.log((v["a"] * v["cap_c"] - v["c_N"] - v["d_R_II"]) / v["C_TCN"]) / math.log(v["delta"])
    assert t.value == pytest.approx(closed_form, rel=1e-12)
    assert t.value == pytest.approx(ratification_threshold(scenario, "T", {"cap_c": 0.45}).value, rel=1e-12)
    assert t.favours == "above" and (t.prefer, t.over) == ("agreement", "no agreement")
    assert ratify(scenario, {"cap_c": 0.45, "T": t.value + 1e-3}).agreement
    assert not ratify(scenario, {"cap_c": 0.45, "T": t.value - 1e-3}).agreement
    assert t.comparative_statics["cap_c"].sign == "-"  # a looser cap needs a shorter transitory period


def test_two_level_threshold_refuses_what_it_does_not_use() -> None:
    scenario = _load("eu_russia_ratification")
    for kwargs, field in (({"actor": "EU"}, "actor"), ({"prefer": "EU"}, "prefer"), ({"at": "x"}, "at")):
        with pytest.raises(ScenarioError) as err:
            bargaining.threshold(scenario, solve_for="T", **kwargs)  # type: ignore[arg-type]
        assert err.value.field == field


def test_signalling_threshold_through_the_exante_form_is_the_pbe_belief_threshold() -> None:
    scenario = _load("conditionality_signalling")
    t = bargaining.threshold(scenario, "EU", prefer="reward", over="withhold", solve_for="mu", given={"TS": "wait"})
    pbe = perfect_bayesian(scenario)
    after_wait = next(th for th in pbe.thresholds if th.message == "wait")
    assert after_wait.value is not None and t.value is not None
    assert t.value == pytest.approx(float(after_wait.value), abs=1e-12)
    assert sympy.simplify(t.formula - after_wait.formula) == 0
    assert t.favours == "above" and after_wait.better_above == "reward"
    # the same through the strategies' own names
    named = bargaining.threshold(
        scenario, "EU", prefer="reward__reward", over="withhold__withhold", solve_for="mu", given={"TS": "wait__wait"}
    )
    assert named.value == t.value
    with pytest.raises(ScenarioError) as err:
        bargaining.threshold(scenario, "EU", prefer="reward", over="withhold", solve_for="belief", given={"TS": "wait"})
    assert err.value.field == "solve_for" and "perfect_bayesian" in str(err.value)


def test_bayesian_threshold_through_the_type_strategy_form() -> None:
    game = pressing()
    t = bargaining.threshold(game, "RU", prefer="press", over="wait", solve_for="mu", given={"KZ": "sign__stay_out"})
    v = game.parameters.values()
    assert t.value == pytest.approx(v["c"] / (v["c"] + v["g"]))  # mu g - (1 - mu) c = 0


def test_threshold_command_on_the_new_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(
        capsys, "threshold", "eu_russia_ratification", "--solve-for", "T", "--set", "cap_c=0.45", "--json"
    )
    assert code == 0
    expected = ratification_threshold(_load("eu_russia_ratification"), "T", {"cap_c": 0.45}).value
    assert json.loads(out)["value"] == pytest.approx(expected)
    code, out, _ = _cli(
        capsys, "threshold", "conditionality_signalling", "--actor", "EU", "--prefer", "reward", "--over", "withhold",
        "--solve-for", "mu", "--given", "TS=wait", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["formula"] == "r/B"
    code, _, err = _cli(capsys, "threshold", "conditionality", "--actor", "CA", "--solve-for", "r")
    assert code == 2 and err.count("\n") == 1 and "--prefer" in err


# -- sweeps --------------------------------------------------------------------------------------------


def test_two_level_sweep_agrees_exactly_where_the_win_sets_intersect() -> None:
    scenario = _load("eu_russia_ratification")
    grid = {"cap_c": np.linspace(0.3, 0.9, 13), "T": np.linspace(0.0, 10.0, 11)}
    result = bargaining.sweep(scenario, grid)
    assert isinstance(result, PointSweep) and result.kind == "two_level" and result.shape == (13, 11)
    agree = ~result.where("no agreement")
    for i, cap in enumerate(grid["cap_c"]):
        for j, t in enumerate(grid["T"]):
            at = scenario.values({"cap_c": float(cap), "T": float(t)})
            eu, ru = win_set(scenario, "EU", at), win_set(scenario, "RU", at)
            meet = any(
                max(a.low.value, b.low.value) <= min(a.high.value, b.high.value) + 1e-12
                for a in eu.intervals
                for b in ru.intervals
            )
            assert bool(agree[i, j]) == meet, (cap, t)
            offer = result.numbers["offer"][i, j]
            assert math.isnan(offer) != meet
            if meet:  # the offer lies in both win sets
                assert offer in eu and offer in ru
    assert agree.any() and (~agree).any()


def test_signalling_sweep_labels_are_the_pbe_at_each_point() -> None:
    scenario = _load("conditionality_signalling")
    mus = [0.1, 0.4, 0.8]
    result = bargaining.sweep(scenario, {"mu": mus})
    assert isinstance(result, PointSweep)
    for k, mu in enumerate(mus):
        pbe = perfect_bayesian(scenario, {"mu": mu})
        label = result.labels[int(result.codes[k])]
        assert label.count(" | ") + 1 == len(pbe.equilibria) == result.numbers["equilibria"][k]
        for eq in pbe.equilibria:
            assert eq.kind in label
    # the pool after wait is rewarded exactly when the prior reaches mu* = r/B
    v = scenario.values()
    for k, mu in enumerate(mus):
        assert ("wait reward)" in result.labels[int(result.codes[k])]) == (mu >= v["r"] / v["B"])


def test_screening_sweep_by_the_proposers_choice() -> None:
    scenario = _load("eu_russia_screening")
    star = screening_threshold(scenario, statics=False).threshold
    assert star is not None and star.value is not None
    mus = [star.value - 0.05, star.value + 0.05]
    result = sweep_points(scenario, {"mu": mus}, label=screening_label)
    assert [result.labels[int(c)].split()[0] for c in result.codes] == ["pooling", "separating"]


def test_point_sweeps_refuse_large_grids_and_other_kinds() -> None:
    scenario = _load("eu_russia_ratification")
    with pytest.raises(ScenarioError) as err:
        bargaining.sweep(scenario, {"cap_c": np.linspace(0, 1, 200), "T": np.linspace(0, 10, 200)})
    assert err.value.field == "grid" and "20,000" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        sweep_points(_load("eu_russia_offer"), {"T": [1.0]})
    assert err.value.field == "label"


def test_sweep_command_on_a_two_level_game(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_csv = tmp_path / "grid.csv"
    picture = tmp_path / "grid.png"
    code, out, _ = _cli(
        capsys, "sweep", "eu_russia_ratification", "--grid", "cap_c=0.3:0.9:4", "--grid", "T=0:10:3",
        "--json", "--out", str(out_csv), "--plot", str(picture),
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["game"] == "two_level" and data["points"] == 12 and data["scenario"] == "eu_russia_ratification"
    direct = sweep_points(_load("eu_russia_ratification"), {"cap_c": np.linspace(0.3, 0.9, 4), "T": [0, 5, 10]})
    assert data["labels"] == list(direct.labels) and data["codes"] == direct.codes.tolist()
    rows = out_csv.read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",")[:4] == ["cap_c", "T", "outcome", "code"] and len(rows) == 13
    assert picture.stat().st_size > 0
    html = repr_html(direct)
    assert "agreement" in html and "12 points" in html


def test_history_of_every_builtin_answers_in_one_line() -> None:
    for name in builtin_names():
        done = subprocess.run(
            [sys.executable, "-m", "bargaining", "history", name, "--json"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode in (0, 2), (name, done.stderr)
        if done.returncode == 0:
            assert isinstance(json.loads(done.stdout), dict), name
        else:
            assert done.stderr.count("\n") == 1 and "observed" in done.stderr, (name, done.stderr)
            assert bargaining.load(name).observed == (), name


def test_bayesian_sweep_switches_at_the_belief_threshold() -> None:
    scenario = _load("central_asia_beliefs")
    v = scenario.values()
    star = v["c"] / (v["c"] + v["g"])  # Russia presses a KZ that signs only when low iff mu g >= (1 - mu) c
    mus = [star - 0.1, star - 1e-3, star + 1e-3, star + 0.1]
    result = bargaining.sweep(scenario, {"mu": mus})
    assert isinstance(result, PointSweep) and result.kind == "bayesian"
    for k, mu in enumerate(mus):
        pure = bayes_nash(scenario, {"mu": mu}).pure
        assert result.numbers["equilibria"][k] == len(pure)
        pressed = any(eq["RU"][next(iter(eq["RU"]))] == "press" for eq in pure)
        assert pressed == (mu > star)
        assert ("RU press" in result.labels[int(result.codes[k])]) == pressed


def test_history_in_python_on_the_new_kinds_has_nothing_to_judge() -> None:
    for name in ("eu_russia_ratification", "conditionality_signalling", "central_asia_beliefs"):
        scenario = _load(name)
        assert scenario.observed == ()
        found = bargaining.history(scenario)
        assert found.verdicts == () and "nothing to judge" in found.method

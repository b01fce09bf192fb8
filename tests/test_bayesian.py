"""Bayesian normal-form games and their Bayes–Nash equilibria (agent form, ex-ante form)."""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path

import numpy as np
import pygambit as gbt  # type: ignore[import-untyped]
import pytest
import sympy

from bargaining.analysis.bayes_nash import BayesNash, bayes_nash, interim_payoffs
from bargaining.analysis.dispatch import solve
from bargaining.analysis.nash import equilibria, pure_equilibria
from bargaining.analysis.record import history
from bargaining.analysis.threshold import threshold
from bargaining.cli import main
from bargaining.errors import ScenarioError
from bargaining.games.bayesian import BayesianGame
from bargaining.io.scenario_file import load, loads
from bargaining.scenario import Scenario

PARAMS = {"mu": (0.3, 0.0, 1.0), "g": (1.0, 0.0, 5.0), "c": (1.0, 0.0, 5.0), "D": (1.5, 0.0, 5.0)}


def pressing(**types: list[str]) -> BayesianGame:
    """Russia presses (gains g if Kazakhstan signs, loses c if it stays out) or waits; Kazakhstan's cost
    of signing is 1 (low) or 3 (high), and pressing adds D to signing's gain."""
    kz = types.get("KZ", ["low", "high"])
    prior = {"KZ": {"low": "mu", "high": "1 - mu"}} if len(kz) == 2 else {}
    return BayesianGame.from_formulas(
        {"RU": ["press", "wait"], "KZ": ["sign", "stay_out"]},
        {"KZ": kz},
        prior,
        {
            "RU": "RU.press * (g * KZ.sign - c * KZ.stay_out)",
            "KZ": f"KZ.sign * (D * RU.press - {' - '.join(f'{k}*KZ.{t}' for k, t in zip((1, 3), kz, strict=False))})",
        },
        parameters=PARAMS,
    )


def independent_check(game: BayesianGame, values: dict[str, float], plan: dict[str, dict[str, str]]) -> bool:
    """No (actor, type) agent gains by deviating, from the formulas evaluated one by one."""
    at = {game.parameters[n].symbol: v for n, v in values.items()}

    def interim(i: int, a: str, t: str, action: str) -> float:
        total = 0.0
        for others in product(*game.types):
            if others[i] != t:
                continue
            w = 1.0
            for j, tj in enumerate(others):
                if j != i:
                    w *= float(game.prior[j][game.types[j].index(tj)].subs(at))
            acts = tuple(action if j == i else plan[b][others[j]] for j, b in enumerate(game.actors))
            total += w * float(game.payoff_expr(a, others, acts).subs(at))
        return total

    for i, a in enumerate(game.actors):
        for t in game.types[i]:
            mine = interim(i, a, t, plan[a][t])
            if any(interim(i, a, t, x) > mine + 1e-9 for x in game.actions[i]):
                return False
    return True


@pytest.mark.parametrize("mu", [0.0, 0.3, 0.49, 0.51, 0.7, 1.0])
def test_every_pure_equilibrium_survives_every_interim_deviation(mu: float) -> None:
    game = pressing()
    values = game.parameters.values() | {"mu": mu}
    result = bayes_nash(game, {"mu": mu})
    found = [{a: dict(p) for a, p in eq.items()} for eq in result.pure]
    every = [
        {"RU": {"only": r}, "KZ": {"low": lo, "high": hi}}
        for r, lo, hi in product(game.actions[0], game.actions[1], game.actions[1])
    ]
    assert found == [p for p in every if independent_check(game, values, p)]
    assert found, "a pure equilibrium exists here"
    # waiting with no signature is always an equilibrium; pressing (the low type signs) exactly when
    # Russia's belief that Kazakhstan's burden is low reaches c/(c + g) = 1/2
    press = {"RU": {"only": "press"}, "KZ": {"low": "sign", "high": "stay_out"}}
    assert {"RU": {"only": "wait"}, "KZ": {"low": "stay_out", "high": "stay_out"}} in found
    assert (press in found) == (mu >= 0.5)
    for eq, interim in zip(result.pure, result.interim, strict=True):
        plan = {a: dict(p) for a, p in eq.items()}
        direct = interim_payoffs(game, values, plan, "KZ", "low")
        assert interim["KZ"]["low"] == pytest.approx(direct[plan["KZ"]["low"]])


def test_one_type_is_the_complete_information_game() -> None:
    game = pressing(KZ=["low"])
    complete = game.complete_information()
    pure = [{a: dict(p) for a, p in eq.items()} for eq in bayes_nash(game).pure]
    reference = [eq for eq in equilibria(complete) if all(max(p) == 1 for p in eq.probabilities)]
    assert len(pure) == len(reference)
    for eq in reference:
        chosen = {a: game.actions[j][int(np.argmax(eq.probabilities[j]))] for j, a in enumerate(game.actors)}
        assert {"RU": {"only": chosen["RU"]}, "KZ": {"low": chosen["KZ"]}} in pure


def test_the_exante_form_against_gambit() -> None:
    game = pressing()
    values = game.parameters.values() | {"mu": 0.5}
    exante = game.exante()
    arrays = exante.payoff_array(values)
    g = gbt.StrategicGame.from_arrays(arrays[0].astype(float), arrays[1].astype(float))
    reference = gbt.nash.enummixed_solve(g, rational=False).equilibria
    ours = bayes_nash(game, {"mu": 0.5})
    assert ours.exante is not None
    mine = sorted(tuple(np.round(np.concatenate(eq.probabilities), 6)) for eq in ours.exante)
    theirs = sorted(tuple(np.round([float(x) for p in g.players for x in dict(eq[p]).values()], 6)) for eq in reference)
    assert all(any(np.allclose(t, m, atol=1e-6) for m in mine) for t in theirs)
    # every behaviour read back from the ex-ante form is a probability per type
    for b in ours.behaviour:
        for per in b.values():
            for dist in per.values():
                assert sum(dist.values()) == pytest.approx(1.0)


def test_the_belief_threshold_from_the_exante_form() -> None:
    game = pressing()
    exante = game.exante()
    t = threshold(exante, "RU", prefer="press", over="wait", solve_for="mu", given={"KZ": "sign__stay_out"})
    assert str(t.formula) == "c/(c + g)" and t.value == pytest.approx(0.5) and t.favours == "above"
    assert t.comparative_statics["c"].sign == "+" and t.comparative_statics["g"].sign == "-"


# ------------------------------------------------------------------------------------ files

HEAD = """
format = "bargaining/1"
title = "press or wait"
game = "bayesian"
{parameters}
[[actors]]
id = "RU"
actions = ["press", "wait"]

[[actors]]
id = "KZ"
actions = {kz_actions}
{kz_types}
"""

PARAMETER_TABLES = "\n".join(
    f'[parameters.{name}]\nvalue = {v}\nmin = {lo}\nmax = {hi}\nsource = "illustrative assumption"\n'
    for name, (v, lo, hi) in PARAMS.items()
)

PRIOR = '[prior.KZ]\nlow = "mu"\nhigh = "1 - mu"\n'

FORMULAS = """
[payoff_formulas]
RU = "RU.press * (g * KZ.sign - c * KZ.stay_out)"
KZ = "KZ.sign * (D * RU.press - 1*KZ.low - 3*KZ.high)"
"""


def pressing_file(
    *,
    prior: str = PRIOR,
    payoffs: str = FORMULAS,
    kz_types: str = 'types = ["low", "high"]',
    kz_actions: str = '["sign", "stay_out"]',
    parameters: str = PARAMETER_TABLES,
) -> str:
    return HEAD.format(parameters=parameters, kz_actions=kz_actions, kz_types=kz_types) + prior + payoffs


def payoff_tables() -> str:
    """The same payoffs as one [[payoffs]] table per (types, profile), each entry computed from the story."""
    out = []
    for t, cost in (("low", 1), ("high", 3)):
        for r, k in product(("press", "wait"), ("sign", "stay_out")):
            ru = {"press": {"sign": "g", "stay_out": "-c"}, "wait": {"sign": "0", "stay_out": "0"}}[r][k]
            kz = f"{'D' if r == 'press' else '0'} - {cost}" if k == "sign" else "0"
            out.append(
                f'[[payoffs]]\ntypes = {{ KZ = "{t}" }}\nprofile = {{ RU = "{r}", KZ = "{k}" }}\n'
                f'RU = "{ru}"\nKZ = "{kz}"\n'
            )
    return "\n".join(out)


def plans(result: BayesNash) -> list[dict[str, dict[str, str]]]:
    return [{a: dict(p) for a, p in eq.items()} for eq in result.pure]


@pytest.mark.parametrize("payoffs", ["formulas", "tables"])
@pytest.mark.parametrize("mu", [0.2, 0.5, 0.8])
def test_a_file_equal_to_a_python_game_has_the_same_equilibria(payoffs: str, mu: float) -> None:
    scenario = loads(pressing_file(payoffs=FORMULAS if payoffs == "formulas" else payoff_tables()))
    assert isinstance(scenario.game, BayesianGame) and scenario.kind == "bayesian"
    python = pressing()
    from_file = bayes_nash(scenario, {"mu": mu}, thresholds=True)
    built = bayes_nash(python, {"mu": mu}, thresholds=True)
    assert plans(from_file) == plans(built) and plans(built)
    assert [dict(b["RU"]) for b in from_file.behaviour] == [dict(b["RU"]) for b in built.behaviour]
    # the ex-ante forms are the same exact expressions
    file_exante, python_exante = scenario.game.exante(), python.exante()
    for r, k in product(python_exante.strategies[0], python_exante.strategies[1]):
        for a in ("RU", "KZ"):
            assert sympy.simplify(file_exante.payoff_expr(a, (r, k)) - python_exante.payoff_expr(a, (r, k))) == 0
    assert [str(t.threshold.formula) for t in from_file.thresholds] == ["c/(c + g)"]
    assert from_file.thresholds[0].equilibrium_here == (mu >= 0.5)


def test_solve_dispatches_a_bayesian_file_to_bayes_nash() -> None:
    scenario = loads(pressing_file())
    assert isinstance(solve(scenario), BayesNash)
    assert history(scenario).total == 0  # no record to judge, and the judge knows the kind


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"prior": '[prior.KZ]\nlow = "mu"\nhigh = "1 - mu/2"\n'}, "prior.KZ", "sum to 1"),
        ({"prior": '[prior.KZ]\nlow = "2 * mu"\nhigh = "1 - 2 * mu"\n'}, "prior.KZ.low", "[0, 1]"),
        ({"payoffs": FORMULAS.replace("KZ.high", "KZ.medium")}, "payoff_formulas.KZ", "KZ.medium"),
        ({"kz_actions": "[]"}, "actors[1].actions", "at least one action"),
        ({"prior": ""}, "prior.KZ", "none"),
        ({"payoffs": payoff_tables().rsplit("[[payoffs]]", 1)[0]}, "payoffs", "none for KZ high"),
    ],
)
def test_bad_files_exit_2_with_one_line(
    change: dict[str, str], field: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(pressing_file(**change))
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert caught.value.field == field
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and field in err


def test_a_file_without_actions_names_the_field(tmp_path: Path) -> None:
    text = pressing_file().replace('actions = ["press", "wait"]\n', "", 1)
    with pytest.raises(ScenarioError) as caught:
        loads(text)
    assert caught.value.field == "actors[0].actions"


def test_a_file_with_one_type_is_the_complete_information_game() -> None:
    text = pressing_file(kz_types="", prior="", payoffs=FORMULAS.replace(" - 3*KZ.high", "").replace("KZ.low", "1"))
    scenario = loads(text)
    game = scenario.game
    assert isinstance(game, BayesianGame) and game.types == (("only",), ("only",))
    reference = pure_equilibria(game.complete_information(), scenario.values())
    found = plans(bayes_nash(scenario))
    assert len(found) == len(reference)
    for eq in reference:
        chosen = {a: game.actions[j][int(np.argmax(eq.probabilities[j]))] for j, a in enumerate(game.actors)}
        assert {a: {"only": x} for a, x in chosen.items()} in found
    assert bayes_nash(scenario, thresholds=True).thresholds == ()  # no prior, no belief


# ------------------------------------------------------------------------------------ the built-in


class TestCentralAsiaBeliefs:
    scenario = load("central_asia_beliefs")

    def values(self, **changes: float) -> dict[str, float]:
        return self.scenario.values(changes)

    def test_the_belief_threshold_is_c_over_c_plus_g(self) -> None:
        game = self.scenario.game
        assert isinstance(game, BayesianGame)
        v = self.values()
        mu_star = v["c"] / (v["c"] + v["g"])  # Russia's expected gain mu g - (1 - mu) c from pressing is 0
        exante = Scenario("ex ante", game.exante(), parameters=self.scenario.parameters)
        t = threshold(exante, "RU", prefer="press", over="wait", solve_for="mu", given={"KZ": "sign__stay_out"})
        assert str(t.formula) == "c/(c + g)"
        assert t.value == pytest.approx(mu_star) and t.favours == "above"
        reported = bayes_nash(self.scenario, thresholds=True).thresholds
        assert len(reported) == 1 and reported[0].threshold.value == pytest.approx(mu_star)
        assert str(reported[0].threshold.formula) == str(t.formula)
        assert {q: s.sign for q, s in t.comparative_statics.items() if s.sign != "0"} == {"c": "+", "g": "-"}
        # the story's premise: the low type signs only when pressed, the high type never
        assert v["H_low"] < v["L"] < v["H_high"]

    @pytest.mark.parametrize("mu", [0.3, 0.59, 0.6, 0.61, 0.9])
    def test_russia_presses_in_an_equilibrium_exactly_above_mu_star(self, mu: float) -> None:
        v = self.values(mu=mu)
        mu_star = v["c"] / (v["c"] + v["g"])
        result = bayes_nash(self.scenario, {"mu": mu})
        wait = {"RU": {"only": "wait"}, "KZ": {"low": "stay_out", "high": "stay_out"}}
        press = {"RU": {"only": "press"}, "KZ": {"low": "sign", "high": "stay_out"}}
        found = plans(result)
        assert wait in found
        assert (press in found) == (mu >= mu_star - 1e-12)
        assert len(found) == 1 + (mu >= mu_star - 1e-12)
        if press in found:
            interim = result.interim[found.index(press)]
            assert interim["RU"]["only"] == pytest.approx(mu * v["g"] - (1 - mu) * v["c"])
            assert interim["KZ"]["low"] == pytest.approx(v["L"] - v["H_low"])
            assert interim["KZ"]["high"] == pytest.approx(0.0)
        for eq in found:
            assert independent_check(pressing_like(self.scenario), v, eq)
        # above mu*, a mixed equilibrium: Russia presses with H_low / L, the low type signs with mu* / mu
        mixed = [b for b in result.behaviour if 0 < b["RU"]["only"]["press"] < 1]
        if mu > mu_star + 1e-9:
            assert len(mixed) == 1
            assert mixed[0]["RU"]["only"]["press"] == pytest.approx(v["H_low"] / v["L"])
            assert mixed[0]["KZ"]["low"]["sign"] == pytest.approx(mu_star / mu)
            assert mixed[0]["KZ"]["high"]["sign"] == pytest.approx(0.0)
        elif mu < mu_star - 1e-9:
            assert mixed == []

    def test_the_command_prints_the_equilibria_and_the_threshold(self, capsys: pytest.CaptureFixture[str]) -> None:
        v = self.values()
        assert main(["solve", "central_asia_beliefs"]) == 0
        out = capsys.readouterr().out
        assert "1. RU: wait; KZ: low stay_out, high stay_out" in out
        assert f"mu* = c/(c + g) = {v['c'] / (v['c'] + v['g']):.6g}" in out
        assert main(["solve", "central_asia_beliefs", "--json", "--set", "mu=0.7"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["game"] == "bayesian" and data["scenario"] == "central_asia_beliefs"
        assert {"RU": {"only": "press"}, "KZ": {"low": "sign", "high": "stay_out"}} in data["pure"]
        (th,) = data["thresholds"]
        assert th["formula"] == "c/(c + g)" and th["value"] == pytest.approx(v["c"] / (v["c"] + v["g"]))
        assert th["equilibrium_here"] is True and th["favours"] == "above"

    def test_every_parameter_has_a_reason_and_the_facts_their_source(self) -> None:
        for p in self.scenario.parameters:
            assert p.source.startswith("illustrative assumption:") and len(p.source) > 40
        years = {str(f.date)[:4] for f in self.scenario.facts}
        assert {"2007", "2012"} <= years and all(f.source for f in self.scenario.facts)


def pressing_like(scenario: Scenario) -> BayesianGame:
    game = scenario.game
    assert isinstance(game, BayesianGame)
    return game


def test_the_builtin_exante_form_against_gambit() -> None:
    scenario = load("central_asia_beliefs")
    game = pressing_like(scenario)
    values = scenario.values({"mu": 0.7})
    arrays = game.exante().payoff_array(values)
    g = gbt.StrategicGame.from_arrays(arrays[0].astype(float), arrays[1].astype(float))
    theirs = [
        [float(x) for p in g.players for x in dict(eq[p]).values()]
        for eq in gbt.nash.enummixed_solve(g, rational=False).equilibria
    ]
    ours = bayes_nash(scenario, {"mu": 0.7})
    assert ours.exante is not None
    mine = [np.concatenate(eq.probabilities) for eq in ours.exante]
    assert theirs and all(any(np.allclose(t, m, atol=1e-6) for m in mine) for t in theirs)

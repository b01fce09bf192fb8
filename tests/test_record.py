"""One judge of the observed record: ``bargaining solve`` and ``bargaining history`` print the same verdicts.

The judge (:func:`bargaining.analysis.record.history`) solves each entry at the given values updated by
the entry's ``set``; its matched equilibria are re-derived here from :func:`equilibria` and checked to
be equilibria by a second method (no profitable deviation, from the payoff array).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pytest

from bargaining.analysis.nash import Equilibrium, equilibria
from bargaining.analysis.record import ConsistentRegion, History, Verdict, consistent_region, history, judge
from bargaining.analysis.result import Result
from bargaining.cli import run
from bargaining.errors import ScenarioError
from bargaining.games.bargain import BargainingProblem
from bargaining.games.normal import NormalFormGame
from bargaining.io.builtins import builtin_names
from bargaining.io.scenario_file import load, loads
from bargaining.scenario import Observed, Scenario

WITH_RECORD = [name for name in builtin_names() if load(name).observed]
Y2012 = {"p_KZ": 0.9, "L_KZ": 4.0, "D_KZ": 1.0}


def test_there_are_builtins_with_a_record_of_every_kind() -> None:
    assert {load(name).kind for name in WITH_RECORD} == {"normal", "tree", "bargain"}
    assert "central_asia_signing" in WITH_RECORD


@pytest.mark.parametrize("name", WITH_RECORD)
def test_solve_and_history_print_the_same_verdicts(name: str) -> None:
    judged = history(load(name))
    from_history = json.loads(run(["history", name, "--json"]))
    from_solve = json.loads(run(["solve", name, "--json"]))["record"]
    assert from_solve == from_history == judged.to_dict()
    assert [e["agrees"] for e in from_solve["history"]] == [v.agrees for v in judged.verdicts]
    assert len(from_solve["history"]) == len(load(name).observed)
    # the text: solve prints exactly the lines history prints
    assert run(["history", name]) in run(["solve", name])


def test_kazakhstan_2012_agrees_in_solve_and_in_history() -> None:
    s = load("central_asia_signing")
    k = next(i for i, o in enumerate(s.observed) if dict(o.what) == {"KZ": "sign"})
    assert dict(s.observed[k].settings) == Y2012
    for out in (json.loads(run(["solve", s.name, "--json"]))["record"], json.loads(run(["history", s.name, "--json"]))):
        entry = out["history"][k]
        assert entry["what"] == {"KZ": "sign"} and entry["set"] == Y2012
        assert entry["agrees"] is True and entry["predicted"] == {"KZ": "sign"}
    text = run(["solve", s.name])
    line = next(ln for ln in text.splitlines() if "observed KZ sign" in ln)
    assert line.endswith(": agrees") and "p_KZ = 0.9" in line
    assert "no equilibrium" not in text and "DIFFERS" not in text
    # at the 2007 values Kazakhstan does not sign: the entry agrees only because its `set` is applied
    at_2007 = equilibria(s)
    assert all(eq.strategy("KZ")["sign"] == 0 for eq in at_2007)
    v = history(s).verdicts[k]
    assert dict(v.values) == s.values(Y2012)
    signers = {a for a in s.game.actors if v.matched[0].strategy(a)["sign"] == 1}
    assert signers == {"UZ", "KZ", "KG"}  # the 2012 cascade (docs/models.md#the-signing-game)


def expected_payoffs(
    game: NormalFormGame, values: Mapping[str, float], eq: Equilibrium
) -> list[npt.NDArray[np.float64]]:
    """Each actor's expected payoff from each of its pure strategies against the others' mixtures."""
    arr = game.payoff_array(dict(values))
    sigma = [np.asarray(p, dtype=float) for p in eq.probabilities]
    out = []
    for i in range(game.n_actors):
        u = np.moveaxis(arr[i], i, 0)
        for j in reversed([j for j in range(game.n_actors) if j != i]):
            u = u @ sigma[j]  # contracts the last axis: actor j, the others' axes stay in order
        out.append(np.asarray(u, dtype=float))
    return out


def is_equilibrium(game: NormalFormGame, values: Mapping[str, float], eq: Equilibrium, tol: float = 1e-7) -> bool:
    """No actor gains by a unilateral deviation: every strategy played is a best reply."""
    for i, u in enumerate(expected_payoffs(game, values, eq)):
        played = np.asarray(eq.probabilities[i]) > tol
        if np.any(u[played] < u.max() - tol):
            return False
    return True


@pytest.mark.parametrize("name", [n for n in WITH_RECORD if load(n).kind == "normal"])
def test_matched_equilibria_are_equilibria_that_play_the_observation(name: str) -> None:
    s = load(name)
    game = s.normal_form
    for v in history(s).verdicts:
        again = equilibria(s, v.values)  # exact, as `solve` prints them: the indices refer to the same list
        assert len(again) == len(v.equilibria or ())
        for k, eq in enumerate(again):
            plays = all(eq.strategy(a)[st] >= 1 - 1e-9 for a, st in v.observed.what.items())
            assert plays == (k in v.matches), (v.observed, k)
        for k in v.matches:
            assert is_equilibrium(game, v.values, again[k])
            assert again[k].strategies == v.matched[v.matches.index(k)].strategies
            assert np.allclose(again[k].probabilities, v.matched[v.matches.index(k)].probabilities)
        assert v.agrees == (v.equilibrium is not None and v.equilibrium in v.matches)


def test_the_deviation_check_rejects_a_non_equilibrium() -> None:
    s = load("central_asia_signing")
    eq = equilibria(s)[0]
    everyone_signs = dataclasses.replace(eq, probabilities=tuple((1.0, 0.0) for _ in eq.actors))
    assert is_equilibrium(s.normal_form, s.values(), eq)
    assert not is_equilibrium(s.normal_form, s.values(), everyone_signs)


GAME_TOML = """
format = "bargaining/1"
title = "An offer and an answer"
game = "normal"

[[actors]]
id = "EU"
strategies = ["offer", "no_offer"]

[[actors]]
id = "RU"
strategies = ["accept", "reject"]

[parameters.v]
value = 1.5
min = 0.0
max = 3.0
description = "value of the offer to RU"
source = "illustrative assumption"

[parameters.c]
value = 1.0
min = 0.0
max = 3.0
description = "RU's cost of accepting"
source = "illustrative assumption"

[[payoffs]]
profile = { EU = "offer", RU = "accept" }
EU = "2 - v"
RU = "v - c"

[[payoffs]]
profile = { EU = "offer", RU = "reject" }
EU = "-1"
RU = "0"

[[payoffs]]
profile = { EU = "no_offer", RU = "accept" }
EU = "0"
RU = "0"

[[payoffs]]
profile = { EU = "no_offer", RU = "reject" }
EU = "0"
RU = "0"

[[observed]]
what = { EU = "offer", RU = "accept" }
date = "2007-06-01"
source = "illustrative"

[[observed]]
what = { EU = "offer", RU = "accept" }
date = "2008"
source = "illustrative"
set = { c = 2.0 }

[[observed]]
what = { EU = "no_offer" }
date = "2008"
source = "illustrative"
set = { c = 2.0 }
"""


def python_scenario() -> Scenario:
    game = NormalFormGame.from_table(
        {"EU": ["offer", "no_offer"], "RU": ["accept", "reject"]},
        {
            ("offer", "accept"): ("2 - v", "v - c"),
            ("offer", "reject"): (-1, 0),
            ("no_offer", "accept"): (0, 0),
            ("no_offer", "reject"): (0, 0),
        },
        parameters={"v": (1.5, 0.0, 3.0), "c": (1.0, 0.0, 3.0)},
    )
    return Scenario(
        "An offer and an answer",
        game,
        observed=(
            Observed({"EU": "offer", "RU": "accept"}, "2007-06-01", "illustrative"),
            Observed({"EU": "offer", "RU": "accept"}, "2008", "illustrative", settings={"c": 2.0}),
            Observed({"EU": "no_offer"}, "2008", "illustrative", settings={"c": 2.0}),
        ),
    )


def test_a_python_scenario_is_judged_as_the_same_file() -> None:
    built, read = history(python_scenario()), history(loads(GAME_TOML))
    assert built.total == read.total == 3
    for a, b in zip(built.verdicts, read.verdicts, strict=True):
        assert (a.agrees, dict(a.predicted), a.matches, dict(a.values), a.detail) == (
            b.agrees,
            dict(b.predicted),
            b.matches,
            dict(b.values),
            b.detail,
        )
        assert a.observed == b.observed
        assert [(e.strategies, e.probabilities) for e in a.matched] == [
            (e.strategies, e.probabilities) for e in b.matched
        ]
    assert built.to_dict() == read.to_dict()
    # by hand: at c = 1 RU gains v - c = 0.5 from accepting and EU 2 - v = 0.5 from the deal;
    # at c = 2 accepting loses RU 0.5, so RU rejects any offer and EU, facing -1, makes none
    assert [v.agrees for v in read.verdicts] == [True, False, True]
    assert read.verdicts[1].predicted["EU"] == "no_offer"
    # RU, never asked, may accept with any probability up to 2/3 (EU's offer pays 1.5 q - 1 <= 0)
    at_2 = read.verdicts[1].equilibria
    assert at_2 is not None and all(eq.strategy("EU")["no_offer"] == 1 for eq in at_2)
    assert max(eq.strategy("RU")["accept"] for eq in at_2) == pytest.approx(2 / 3)
    assert read.verdicts[1].detail.startswith("in none of")


def test_solve_and_history_agree_on_a_file_with_a_differing_entry(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "offer.toml"
    path.write_text(GAME_TOML, encoding="utf-8")
    solved = json.loads(run(["solve", str(path), "--json"]))["record"]
    told = json.loads(run(["history", str(path), "--json"]))
    assert [e["agrees"] for e in solved["history"]] == [e["agrees"] for e in told["history"]] == [True, False, True]
    assert solved["agree"] == told["agree"] == 2 and solved["total"] == told["total"] == 3
    text = run(["solve", str(path)])
    assert "the model agrees with 2 of 3 observed entries" in text
    assert text.count("DIFFERS") == 1
    assert run(["history", str(path)]) in text


def test_values_given_to_the_judge_apply_under_each_entry_set() -> None:
    s = python_scenario()
    # with c = 2 for every entry the first one differs too; the `set` of the others overrides nothing new
    h = history(s, {"c": 2.0})
    assert [v.agrees for v in h.verdicts] == [False, False, True]
    assert dict(h.values) == {"v": 1.5, "c": 2.0}
    # an entry's set wins over the values given: c = 0.5 everywhere, but 2 where the record says so
    h = history(s, {"c": 0.5})
    assert [dict(v.values)["c"] for v in h.verdicts] == [0.5, 2.0, 2.0]


def test_a_bare_game_has_no_record() -> None:
    with pytest.raises(ScenarioError) as err:
        history(python_scenario().game)  # type: ignore[arg-type]
    assert err.value.field == "model"
    assert "a scenario with [[observed]] entries" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        consistent_region(python_scenario().game)  # type: ignore[arg-type]
    assert err.value.field == "model"


def test_an_observation_the_game_does_not_know_is_named() -> None:
    s = dataclasses.replace(python_scenario(), observed=(Observed({"RU": "sign"}),))
    with pytest.raises(ScenarioError) as err:
        history(s)
    assert err.value.field == "observed[0].what.RU" and "accept, reject" in str(err.value)
    s = dataclasses.replace(python_scenario(), observed=(Observed({"UZ": "sign"}),))
    with pytest.raises(ScenarioError) as err:
        history(s)
    assert err.value.field == "observed[0].what.UZ"


def test_a_scenario_without_a_record_gets_an_empty_history() -> None:
    h = history(load("conditionality"))
    assert h.total == h.agree == 0
    assert h.to_dict() == {"history": [], "agree": 0, "total": 0, "groups": [], "claims": []}
    assert "record" not in json.loads(run(["solve", "conditionality", "--json"]))


@pytest.mark.parametrize("name", [n for n in WITH_RECORD if load(n).kind == "tree"])
def test_tree_verdicts_read_the_subgame_perfect_path(name: str) -> None:
    from bargaining.analysis.subgame import subgame_perfect
    from bargaining.games.tree import DecisionNode, OfferNode, TreeGame

    s = load(name)
    tree = s.game
    assert isinstance(tree, TreeGame)
    spe = subgame_perfect(s)
    # walk the plan from the root: who moves what on the path
    walked: dict[str, list[str]] = {}
    played: list[str] = []
    at = tree.root
    while at in tree.nodes:
        node = tree.nodes[at]
        if isinstance(node, OfferNode):
            at = node.next
        elif isinstance(node, DecisionNode):
            walked.setdefault(node.actor, []).append(spe.plan[at])
            played.append(spe.plan[at])
            at = dict(node.moves)[spe.plan[at]]
        else:
            break
    assert played == [
        m for m in spe.path if m not in {n.parameter for n in tree.nodes.values() if isinstance(n, OfferNode)}
    ]
    for v in history(s).verdicts:
        assert v.path == spe.path
        assert {a: list(m) for a, m in v.moves.items()} == walked
        assert v.agrees == all(m in walked.get(a, []) for a, m in v.observed.what.items())


@pytest.mark.parametrize("name", [n for n in WITH_RECORD if load(n).kind == "bargain"])
def test_bargain_verdicts_read_the_nash_lottery(name: str) -> None:
    from bargaining.analysis.deal import bargain

    s = load(name)
    game = s.game
    assert isinstance(game, BargainingProblem)
    nash = bargain(s).solutions["nash"]
    for v in history(s).verdicts:
        assert [(dict(p), w) for p, w in v.lottery] == [(game.package(k), w) for k, w in nash.lottery]
        observed = game.index(v.observed.what)
        weight = dict(nash.lottery).get(observed, 0.0)
        assert v.agrees == (weight > 1e-9 and weight >= max(w for _, w in nash.lottery) - 1e-9)


def test_results_keep_the_contract() -> None:
    s = load("central_asia_signing")
    h = history(s)
    assert isinstance(h, History) and isinstance(h, Result) and all(isinstance(v, Verdict) for v in h.verdicts)
    assert judge is history
    again = history(s)
    assert h == again and hash(h) == hash(again)
    assert h.method and all(v.method and v.values for v in h.verdicts) and dict(h.values) == s.values()
    with pytest.raises(dataclasses.FrozenInstanceError):
        h.verdicts[0].agrees = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        h.verdicts[0].predicted["UZ"] = "stay_out"  # type: ignore[index]
    with pytest.raises(TypeError):
        h.verdicts[0].observed.what["UZ"] = "stay_out"  # type: ignore[index]
    assert h != history(s, {"p_UZ": 0.7})


def test_consistent_region_is_the_judge_at_every_point() -> None:
    s = load("eu_russia_2007")
    ts = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    region = consistent_region(s, {"T": ts})
    assert isinstance(region, ConsistentRegion) and isinstance(region, Result)
    by_judge = [history(s, {"T": t}).agree == len(s.observed) for t in ts]
    assert region.agrees.tolist() == by_judge
    # docs/models.md: Russia accepts from T_min = ln(20/27)/ln(0.9) = 2.848 on
    assert by_judge == [t >= 2.848 for t in ts]
    assert region.share == pytest.approx(0.5) and region.gridded and region.method == "grid over T"
    assert region == consistent_region(s, {"T": ts}) and hash(region) == hash(consistent_region(s, {"T": ts}))
    with pytest.raises(ValueError):
        region.agrees[0] = True
    out = region.to_dict()
    assert set(out) >= {"varied", "points", "share", "ranges", "conditions", "notes", "interval", "samples", "held"}
    assert out["interval"] is None  # a grid is not a sample
    assert out["ranges"] == {"T": [3.0, 5.0]}

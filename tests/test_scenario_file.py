"""Scenario files: what loads, every mistake a user can make, and hostile input."""

from __future__ import annotations

import contextlib
import hashlib
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bargaining.errors import ScenarioError, ScenarioFileError, UnknownScenarioError
from bargaining.io.scenario_file import load, loads

VALID = """
format = "bargaining/1"
title = "Test"
game = "normal"

[[actors]]
id = "EU"
strategies = ["reward", "withhold"]

[[actors]]
id = "CA"
strategies = ["comply", "defy"]

[parameters.r]
value = 2.0
min = 0.0
max = 10.0
source = "assumed"

[parameters.c]
value = 1.3
source = "assumed"

[[payoffs]]
profile = { EU = "reward", CA = "comply" }
EU = "3 - r"
CA = "r - c"

[[payoffs]]
profile = { EU = "reward", CA = "defy" }
EU = "0"
CA = "0"

[[payoffs]]
profile = { EU = "withhold", CA = "comply" }
EU = "3"
CA = "-c"

[[payoffs]]
profile = { EU = "withhold", CA = "defy" }
EU = 0
CA = 0
"""


def test_valid_file_loads_into_the_typed_model() -> None:
    scenario = loads(VALID, name="t.toml")
    assert scenario.game.actors == ("EU", "CA")
    assert scenario.values() == {"r": 2.0, "c": 1.3}
    assert scenario.normal_form.payoff_array(scenario.values())[1, 0, 0] == pytest.approx(0.7)


def broken(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


CASES = [
    (
        broken('format = "bargaining/1"', 'format = "bargaining/2"'),
        "format: expected the string \"bargaining/1\", found 'bargaining/2'",
    ),
    (broken('format = "bargaining/1"\n', ""), "format: expected"),
    (broken('game = "normal"', 'game = "tree"'), "payoffs: expected one of the keys actors"),
    (
        broken('game = "normal"', 'game = "bargain"'),
        "payoffs: expected one of the keys actors",
    ),
    (broken('game = "normal"', 'game = "chess"'), "game: expected"),
    (broken('title = "Test"', "title = 3"), "title: expected a string, found an integer"),
    (broken('id = "CA"', 'id = "EU"'), "actors[1].id: expected a unique actor id"),
    (broken('id = "CA"', 'id = "C A"'), "actors[1].id: expected an identifier"),
    (
        broken('strategies = ["comply", "defy"]', 'strategies = ["comply", "comply"]'),
        "actors[1].strategies[1]: expected unique",
    ),
    (broken('strategies = ["comply", "defy"]', "strategies = []"), "actors[1].strategies: expected at least one"),
    (broken('strategies = ["comply", "defy"]', 'strategies = "comply"'), "actors[1].strategies: expected an array"),
    (broken("value = 2.0", 'value = "two"'), "parameters.r.value: expected a number, found a string"),
    (broken("value = 2.0", "value = true"), "parameters.r.value: expected a number, found a boolean"),
    (broken("value = 2.0", "value = nan"), "parameters.r.value: expected a finite number"),
    (broken("value = 2.0", "value = inf"), "parameters.r.value: expected a finite number"),
    (broken("value = 2.0", "value = 20.0"), "parameters.r.value: expected a number in [0, 10], found 20"),
    (broken('value = 1.3\nsource = "assumed"', "value = 1.3"), "parameters.c.source: expected a string, found nothing"),
    (
        broken('value = 1.3\nsource = "assumed"', 'value = 1.3\nsource = ""'),
        "parameters.c.source: expected where the number",
    ),
    (broken("min = 0.0", "min = 0.0\nunit = 1"), "parameters.r.unit: expected one of the keys"),
    (broken('EU = "3 - r"', 'EU = "3 - rr"'), "payoffs[0].EU: expected a parameter name"),
    (broken('CA = "r - c"', "CA = \"__import__('os')\""), "payoffs[0].CA: expected one of the functions"),
    (broken('CA = "r - c"', 'CA = "r.__class__"'), "payoffs[0].CA: expected no attribute access"),
    (broken('CA = "r - c"', "CA = true"), "payoffs[0].CA: expected an expression string or a number"),
    (broken('CA = "r - c"', ""), "payoffs[0].CA: expected a payoff for CA"),
    (
        broken('profile = { EU = "reward", CA = "defy" }', 'profile = { EU = "reward", CA = "comply" }'),
        "payoffs[1]: expected every profile exactly once",
    ),
    (
        broken('profile = { EU = "reward", CA = "defy" }', 'profile = { EU = "reward", CA = "dfy" }'),
        "payoffs[1].profile.CA: expected a strategy of CA",
    ),
    (
        broken('profile = { EU = "reward", CA = "defy" }', 'profile = { EU = "reward", XX = "defy" }'),
        "payoffs[1].profile: expected an actor among EU, CA",
    ),
    (
        VALID.rsplit("[[payoffs]]", 1)[0],
        "payoffs: expected every one of the 4 profiles, found no entry for ('withhold', 'defy')",
    ),
    (VALID + '\n[payoff_formulas]\nEU = "0"\n', "payoffs: expected either"),
    (broken('title = "Test"', 'title = "Test"\nextra = 1'), "extra: expected one of the keys"),
    (VALID + "\nextra = 1\n", "payoffs[3]: expected payoffs for the actors EU, CA, found 'extra'"),
    (
        VALID + '\n[[observed]]\nwhat = { CA = "obey" }\nsource = "x"\n',
        "observed[0].what.CA: expected a strategy of CA",
    ),
    (
        VALID + '\n[[observed]]\nwhat = { RU = "comply" }\nsource = "x"\n',
        "observed[0].what.RU: expected an actor among",
    ),
    (VALID + "\n[[facts]]\ntext = 1\nsource = 'x'\n", "facts[0].text: expected a string, found an integer"),
    (broken('title = "Test"', 'title = "Test'), "expected valid TOML, found a syntax error"),
    ("   \n", "expected a scenario"),
]


@pytest.mark.parametrize(("text", "message"), CASES)
def test_every_mistake_names_the_file_the_field_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        loads(text, name="broken.toml")
    assert str(info.value).startswith("broken.toml: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_toml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.toml"
    path.write_text(VALID.replace('title = "Test"', "title = = 1"), encoding="utf-8")
    with pytest.raises(ScenarioFileError, match=r"syntax\.toml: expected valid TOML, found a syntax error: .*line 3"):
        load(path)


def test_bytes_that_are_not_utf8_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(VALID.replace("Test", "Tést").encode("latin-1"))
    with pytest.raises(ScenarioFileError, match="expected UTF-8 text, found a byte that is not UTF-8"):
        load(path)


def test_unknown_name_and_folder(tmp_path: Path) -> None:
    with pytest.raises(UnknownScenarioError, match="no_such_model: expected a scenario file or a built-in scenario"):
        load("no_such_model")
    with pytest.raises(ScenarioFileError, match="found a folder"):
        load(tmp_path)


def test_loading_never_modifies_the_file(tmp_path: Path) -> None:
    path = tmp_path / "keep.toml"
    path.write_text(VALID, encoding="utf-8")
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    load(path)
    with pytest.raises(ScenarioError):
        load(path).values({"r": 99.0})
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before


def test_set_of_unknown_parameter_or_out_of_range_value() -> None:
    scenario = loads(VALID, name="t.toml")
    with pytest.raises(ScenarioError, match="expected a parameter of the scenario \\(r, c\\), found 'zz'"):
        scenario.values({"zz": 1.0})
    with pytest.raises(ScenarioError, match=r"parameters\.r: expected a number in \[0, 10\], found -1"):
        scenario.values({"r": -1.0})
    assert scenario.with_values({"r": 4.0}).values()["r"] == 4.0


def test_formula_style_file() -> None:
    text = (
        VALID.split("[[payoffs]]")[0]
        + '[payoff_formulas]\nEU = "CA.comply * (3 - r * EU.reward)"\nCA = "CA.comply * (r * EU.reward - c)"\n'
    )
    by_formula = loads(text, name="f.toml").normal_form.payoff_array({"r": 2.0, "c": 1.3})
    by_table = loads(VALID, name="t.toml").normal_form.payoff_array({"r": 2.0, "c": 1.3})
    assert np.allclose(by_formula, by_table)


GARBLE = st.sampled_from(
    [
        "[[",
        "]]",
        "=",
        '"',
        "'",
        "\n",
        "\x00",
        "\\",
        "{",
        "}",
        "[payoffs]",
        "value = ",
        "**64**64",
        "__import__",
        "lambda",
        "()",
        ".",
        "1e999",
        "-",
        "strategies",
        "actors",
        "#",
        "\ufeff",
        "nan",
        "true",
    ]
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_garbled_files_load_or_raise_scenario_error_within_a_second(data: st.DataObject) -> None:
    text = VALID
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 20))
        text = text[:pos] + data.draw(GARBLE) + text[pos + cut :]
    start = time.perf_counter()
    try:
        loads(text, name="garbled.toml")
    except ScenarioError as err:
        assert str(err).startswith("garbled.toml")
    assert time.perf_counter() - start < 1.0


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_scenario_error(
    tmp_path_factory: pytest.TempPathFactory, blob: bytes
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "random.toml"
    path.write_bytes(blob)
    with contextlib.suppress(ScenarioError):
        load(path)

"""The loader's budgets and number checks (issue 10, docs/format.md#budgets): files, strings, lists and
integers checked while reading; every number of a model a finite real number at the defaults, with
the field named; chance probabilities in [0, 1] over the box; expressions limited by their expanded
size; the numpy compiler safe from parameter names, complex values and long or nested expressions.

Each test here failed on the code before issue 10 (an exception other than ``ScenarioError``, a
wrong answer with no error, or a quadratic load).
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import bargaining.expressions as expressions_module
from bargaining.errors import ExpressionError, GameError, ScenarioError, ScenarioFileError
from bargaining.expressions import (
    MAX_DEGREE,
    MAX_TERMS,
    check_finite_real,
    compile_numpy,
    evaluate_real,
    expression_size,
    parameter_symbol,
    parse_expression,
)
from bargaining.games.normal import ExprLike, NormalFormGame
from bargaining.games.tree import TreeGame
from bargaining.io.scenario_file import MAX_ITEMS, MAX_STRING, load, loads
from bargaining.parameters import Parameter

# ------------------------------------------------------------------------------- scenario builders

PARAMS = "".join(
    f'[parameters.{n}]\nvalue = {v}\nmin = {lo}\nmax = {hi}\nsource = "illustrative assumption"\n\n'
    for n, v, lo, hi in (("a", 0.5, 0.0, 1.0), ("b", 2.0, 0.0, 10.0), ("x", 0.0, 0.0, 1.0), ("y", 0.0, 0.0, 1.0))
)


def normal(x: str = '"1"', title: str = "t", extra: str = "") -> str:
    """A 2x2 table game with ``x`` as X's payoff at (s1, t1) (a TOML value)."""
    cells = [("s1", "t1", x, '"0"'), ("s1", "t2", '"0"', '"1"'), ("s2", "t1", '"0"', '"1"'), ("s2", "t2", '"1"', '"0"')]
    table = "".join(
        f'[[payoffs]]\nprofile = {{ X = "{s}", Y = "{t}" }}\nX = {px}\nY = {py}\n\n' for s, t, px, py in cells
    )
    return (
        f'format = "bargaining/1"\ntitle = "{title}"\ngame = "normal"\n{extra}\n'
        '[[actors]]\nid = "X"\nstrategies = ["s1", "s2"]\n\n[[actors]]\nid = "Y"\nstrategies = ["t1", "t2"]\n\n'
        + PARAMS
        + table
    )


def formulas(x: str) -> str:
    return (
        'format = "bargaining/1"\ntitle = "t"\ngame = "normal"\n\n'
        '[[actors]]\nid = "X"\nstrategies = ["s1", "s2"]\n\n[[actors]]\nid = "Y"\nstrategies = ["t1", "t2"]\n\n'
        + PARAMS
        + f'[payoff_formulas]\nX = {x}\nY = "Y.t1"\n'
    )


def tree(payoff: str = '"1 - a"', p: str = '"a"', q: str = '"1 - a"', low: str = '"0"', box: str = "") -> str:
    return (
        'format = "bargaining/1"\ntitle = "t"\ngame = "tree"\nroot = "luck"\n\n[[actors]]\nid = "X"\n\n'
        '[[actors]]\nid = "Y"\n\n'
        + PARAMS
        + box
        + '[parameters.v]\nvalue = 0.5\nmin = 0.0\nmax = 1.0\nsource = "chosen in the game"\n\n'
        '[nodes.luck]\nmoves = { calm = "offer", storm = "crash" }\n'
        f"probabilities = {{ calm = {p}, storm = {q} }}\n\n"
        f'[nodes.offer]\nactor = "X"\noffer = "v"\nwithin = [{low}, "1"]\nnext = "reply"\n\n'
        '[nodes.reply]\nactor = "Y"\nmoves = { accept = "deal", reject = "no_deal" }\n\n'
        f'[outcomes.deal]\nX = {payoff}\nY = "v"\n\n[outcomes.no_deal]\nX = "0"\nY = "a"\n\n'
        '[outcomes.crash]\nX = "-1"\nY = "-1"\n'
    )


def deal(
    option: str = '"b"', d: str = '"0"', delta: str = '"0.9"', w: str = '"a"', w1: str = '"1 - a"', out: str = '"0"'
) -> str:
    return (
        'format = "bargaining/1"\ntitle = "t"\ngame = "bargain"\n\n[[actors]]\nid = "X"\n\n[[actors]]\nid = "Y"\n\n'
        + PARAMS
        + '[[issues]]\nid = "visa"\noptions.none = { X = "0", Y = "0" }\n'
        f'options.yes = {{ X = "-a", Y = {option} }}\n\n'
        '[[issues]]\nid = "readmission"\noptions.none = { X = "0", Y = "0" }\noptions.yes = { X = "b", Y = "-1" }\n\n'
        f'[disagreement]\nX = {d}\nY = "0"\n\n[discount]\nX = {delta}\nY = "0.9"\n\n'
        f"[power]\nX = {w}\nY = {w1}\n\n[outside]\nY = {out}\n"
    )


def refused(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        loads(text, name="m.toml")
    assert "\n" not in str(info.value)
    return info.value


def test_the_builders_make_valid_files() -> None:
    for text in (normal(), formulas('"X.s1 * a"'), tree(), deal()):
        assert loads(text, name="m.toml").title == "t"


# -------------------------------------------------------------------------------------------- files


def test_a_2_gb_sparse_file_is_refused_at_once_with_its_size_and_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "sparse.toml"
    with path.open("wb") as fh:
        fh.write(normal().encode())
        fh.truncate(2 * 2**30)
    start = time.monotonic()
    with pytest.raises(ScenarioFileError, match=r"at most 10\.0 MB.*BARGAINING_MAX_FILE_MB.*found 2,048\.0 MB"):
        load(path)
    assert time.monotonic() - start < 2.0


def test_the_file_limit_is_raised_and_checked_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.toml"
    path.write_text(normal(), encoding="utf-8")
    size = path.stat().st_size
    monkeypatch.setenv("BARGAINING_MAX_FILE_MB", str(size / 2 / 2**20))
    with pytest.raises(ScenarioFileError, match=r"at most 0\.0 MB"):
        load(path)
    with pytest.raises(ScenarioFileError, match="at most"):
        loads(normal(), name="m.toml")
    monkeypatch.setenv("BARGAINING_MAX_FILE_MB", str(2 * size / 2**20))
    assert load(path).title == "t"
    monkeypatch.setenv("BARGAINING_MAX_FILE_MB", "lots")
    with pytest.raises(ScenarioError, match="BARGAINING_MAX_FILE_MB: expected a positive number of megabytes"):
        load(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no fifos")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioFileError, match="special file"):
        load(fifo)


@pytest.mark.parametrize("field", ["title", "summary"])
def test_a_string_over_the_limit_is_refused_with_its_field(field: str) -> None:
    text = normal(title="x" * (MAX_STRING + 1)) if field == "title" else normal(extra=f'summary = "{"y" * 200_000}"')
    err = refused(text)
    assert err.field == field and f"{MAX_STRING:,} characters" in str(err)


def test_a_list_over_the_limit_is_refused_and_the_limit_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = '[[facts]]\ndate = 2007-06-01\ntext = "in force"\nsource = "Korneev 2012"\n\n' * (MAX_ITEMS + 1)
    err = refused(normal() + facts)
    assert err.field == "facts" and "found 10,001" in str(err) and "BARGAINING_MAX_ENTRIES" in str(err)
    monkeypatch.setenv("BARGAINING_MAX_ENTRIES", str(MAX_ITEMS + 1))
    assert len(loads(normal() + facts).facts) == MAX_ITEMS + 1


class _CountedLabel(str):
    """A label that counts how often it is compared for equality (hashing is str's own)."""

    comparisons = 0
    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        _CountedLabel.comparisons += 1
        return str.__eq__(self, other)


@pytest.mark.parametrize("n", [500, 4_000])
def test_the_strategies_uniqueness_check_compares_linearly(n: int) -> None:
    """The check was quadratic (``strategies.count(s)`` for each s: 100,000 strategies took 51 s to
    load). Counted, not timed: a set compares next to nothing; the old loop made n^2 comparisons."""
    labels = tuple(_CountedLabel(f"s{i}") for i in range(n))
    _CountedLabel.comparisons = 0
    game = NormalFormGame(("A", "B"), (labels, ("w",)), (sympy.Integer(0), sympy.Integer(0)))
    assert game.shape == (n, 1)
    assert _CountedLabel.comparisons <= n
    with pytest.raises(GameError, match="unique strategies") as err:
        NormalFormGame(("A", "B"), ((*labels, _CountedLabel("s7")), ("w",)), (sympy.Integer(0),) * 2)
    assert "'s7' twice" in str(err.value) and err.value.field == "actors[0].strategies"


def test_sixty_thousand_strategies_load_and_a_repeated_one_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BARGAINING_MAX_ENTRIES", "100000")

    def text(names: list[str]) -> str:
        listed = ", ".join(f'"{s}"' for s in names)
        return (
            'format = "bargaining/1"\ntitle = "t"\ngame = "normal"\n\n'
            f'[[actors]]\nid = "A"\nstrategies = [{listed}]\n\n[[actors]]\nid = "B"\nstrategies = ["w"]\n\n'
            '[payoff_formulas]\nA = "A.s7 + A.s3"\nB = "A.s1"\n'
        )

    names = [f"s{i}" for i in range(60_000)]
    game = loads(text(names)).game
    assert isinstance(game, NormalFormGame) and game.shape == (60_000, 1)
    err = refused(text([*names, "s59998"]))
    assert err.field == "actors[0].strategies[60000]" and "'s59998' again" in str(err)


# ----------------------------------------------------------------------------------------- integers


def test_integers_beyond_the_float_range_are_refused_with_their_field() -> None:
    value = "9" * 400
    err = refused(normal().replace("[parameters.a]\nvalue = 0.5", f"[parameters.a]\nvalue = {value}"))
    assert err.field == "parameters.a.value" and "float range" in str(err)
    err = refused(normal(x=value))
    assert err.field == "payoffs[0].X" and "float range" in str(err)
    err = refused(normal(x=f'"{value} * a"'))
    assert err.field == "payoffs[0].X" and "400 digits" in str(err)


def test_an_integer_past_pythons_4300_digit_limit_is_a_clean_error() -> None:
    err = refused(normal().replace("[parameters.a]\nvalue = 0.5", "[parameters.a]\nvalue = " + "7" * 4301))
    assert isinstance(err, ScenarioFileError) and "4,300 digits" in str(err)


def test_a_parameter_built_in_python_with_a_huge_integer() -> None:
    with pytest.raises(ScenarioError, match="float range"):
        Parameter("a", 10**400)
    with pytest.raises(ScenarioError, match="beyond the float range"):
        Parameter("a", 1.0).check(10**400)


# --------------------------------------------------------------------------- numbers at the defaults

HOSTILE = {
    "sqrt(-1)": "not a real number",
    "log(-1)": "not a real number",
    "(-8)**(1/3)": "not a real number",
    "1e308*10": "float range",
    "exp(exp(exp(exp(10))))": "float range",
    "max(1/0, 1)": "max() of finite real numbers",
    "min(1 - a, 0/0)": "min() of finite real numbers",
    "x/y": "undefined",
    "1/x": "division by zero",
    "log(x)": "infinite",
}
SLOTS: dict[str, tuple[Callable[[str], str], str]] = {
    "payoff table": (lambda e: normal(x=e), "payoffs[0].X"),
    "payoff formula": (lambda e: formulas(e.replace('"', '"X.s1 * (', 1)[:-1] + ')"'), "payoff_formulas.X"),
    "tree outcome": (lambda e: tree(payoff=e), "outcomes.deal.X"),
    "tree bound": (lambda e: tree(low=e), "nodes.offer.within[0]"),
    "issue option": (lambda e: deal(option=e), "issues[0].options.yes.Y"),
    "disagreement": (lambda e: deal(d=e), "disagreement.X"),
    "discount": (lambda e: deal(delta=e), "discount.X"),
    "outside option": (lambda e: deal(out=e), "outside.Y"),
}


@pytest.mark.parametrize("slot", sorted(SLOTS))
@pytest.mark.parametrize("expr", sorted(HOSTILE))
def test_values_that_are_not_finite_real_numbers_are_refused_with_the_field(slot: str, expr: str) -> None:
    build, field = SLOTS[slot]
    err = refused(build(f'"{expr}"'))
    assert err.field == field, str(err)
    assert HOSTILE[expr] in str(err), str(err)


@pytest.mark.parametrize("expr", ["sqrt(-1)", "1e308*10", "x/y"])
def test_powers_and_probabilities_that_are_not_finite_real_numbers(expr: str) -> None:
    assert refused(deal(w=f'"{expr}"', w1='"0.5"')).field == "power.X"
    err = refused(tree(p=f'"{expr}"', q=f'"1 - ({expr})"'))
    assert err.field in ("nodes.luck.probabilities.calm", "nodes.luck.probabilities"), str(err)


def test_complex_probabilities_summing_to_1_are_refused_in_python_too() -> None:
    nodes: dict[str, dict[str, Any]] = {
        "n0": {"actor": "A", "moves": {"go": "luck", "stop": "quit"}},
        "luck": {
            "moves": {"good": "win", "bad": "lose"},
            "probabilities": {"good": "1/2 + sqrt(-4)/2", "bad": "1/2 - sqrt(-4)/2"},
        },
    }
    outcomes = {"win": {"A": 2, "B": 1}, "lose": {"A": -1, "B": 0}, "quit": {"A": 0, "B": 0}}
    with pytest.raises(ScenarioError, match="not a real number") as info:
        TreeGame.build(["A", "B"], "n0", nodes, outcomes)
    assert info.value.field == "nodes.luck.probabilities.good"


def test_a_payoff_that_is_complex_only_at_some_profiles() -> None:
    err = refused(formulas('"sqrt(X.s1 - 1/2)"'))
    assert err.field == "payoff_formulas.X" and "X = s2" in str(err) and "not a real number" in str(err)


def test_a_game_built_in_python_with_defaults_is_checked_there() -> None:
    table: dict[tuple[str, ...], tuple[ExprLike, ...]] = {("s", "t"): ("sqrt(-c)", 0)}
    with pytest.raises(ScenarioError, match="not a real number") as info:
        NormalFormGame.from_table({"A": ["s"], "B": ["t"]}, table, parameters={"c": (1.0, 0.0, 2.0)})
    assert info.value.field == "payoffs[('s', 't')].A"
    assert NormalFormGame.from_table({"A": ["s"], "B": ["t"]}, table, parameters={"c": (0.0, 0.0, 2.0)})


def test_a_boolean_outside_option_is_refused() -> None:
    err = refused(deal(out="true"))
    assert err.field == "outside.Y" and "a boolean" in str(err)


def test_discounts_in_0_1_and_powers_non_negative_at_the_defaults() -> None:
    assert refused(deal(delta='"1.5"')).field == "discount.X"
    assert refused(deal(delta='"a - 0.5"')).field == "discount.X"  # 0 at a = 0.5
    assert refused(deal(w='"-1"', w1='"2"')).field == "power.X"
    assert refused(deal(w='"0.2"', w1='"0.2"')).field == "power"
    assert loads(deal(delta='"a"', w='"0"', w1='"1"')).kind == "bargain"


def test_offer_bounds_in_order_at_the_defaults() -> None:
    err = refused(tree(low='"2"'))
    assert err.field == "nodes.offer.within" and "2 > 1" in str(err)


# --------------------------------------------------------------------------------- probabilities


def test_probabilities_5_and_minus_4_are_refused() -> None:
    err = refused(tree(p='"5"', q='"-4"'))
    assert err.field == "nodes.luck.probabilities.calm" and "[0, 1]" in str(err)


def test_a_probability_leaving_0_1_over_the_box_is_refused_exactly() -> None:
    box = '[parameters.q]\nvalue = 0.5\nmin = 0.0\nmax = 2.0\nsource = "illustrative assumption"\n\n'
    err = refused(tree(p='"q"', q='"1 - q"', box=box))
    assert err.field == "nodes.luck.probabilities.calm"
    assert "checked exactly" in str(err) and "ranges over [0, 2]" in str(err) and "at q = 2" in str(err)


def test_a_probability_leaving_0_1_found_by_sampling_says_so() -> None:
    box = '[parameters.q]\nvalue = 0.1\nmin = 0.0\nmax = 2.0\nsource = "illustrative assumption"\n\n'
    err = refused(tree(p='"q * (3 - q)"', q='"1 - q * (3 - q)"', box=box))  # 0.29 at the default, 2.25 at q = 1.5
    assert re.search(r"checked by sampling [0-9,]+ points", str(err)), str(err)


def test_probabilities_proven_or_sampled_inside_0_1_load() -> None:
    box = '[parameters.q]\nvalue = 0.5\nmin = 0.0\nmax = 1.0\nsource = "illustrative assumption"\n\n'
    assert loads(tree(p='"q / 2"', q='"1 - q / 2"', box=box)).kind == "tree"  # proven: [0, 1/2]
    assert loads(tree(p='"4 * q * (1 - q)"', q='"1 - 4 * q * (1 - q)"', box=box)).kind == "tree"  # sampled


# ------------------------------------------------------------------------------ expression size


def test_expression_size_counts_degree_and_terms_before_expanding() -> None:
    a, b, c, d, e = (parameter_symbol(n) for n in "abcde")
    assert expression_size((a + b + c + d + e) ** 8) == (8, math.comb(12, 4))
    assert len(sympy.Poly(sympy.expand((a + b + c + d + e) ** 8)).terms()) == math.comb(12, 4)
    assert expression_size((a + b) * (c + d) + e**3) == (3, 5)
    assert expression_size(sympy.exp(a) * sympy.log(b + c)) == (2, 2)  # functions count as their arguments


def test_a_balanced_product_of_128_factors_is_refused_by_its_degree() -> None:
    def product(n: int) -> str:
        return "a**64" if n == 1 else f"({product(n // 2)}*{product(n - n // 2)})"

    text = product(128)
    assert len(text) < 2000
    with pytest.raises(ExpressionError, match=f"total degree of at most {MAX_DEGREE}.*found degree 8192"):
        parse_expression(text, parameters=["a"])
    err = refused(normal(x=f'"{text}"'))
    assert err.field == "payoffs[0].X"


def test_expressions_too_large_to_expand_are_refused_and_moderate_ones_kept() -> None:
    names = list("abcdefgh")
    with pytest.raises(ExpressionError, match=f"at most {MAX_TERMS:,} terms once expanded"):
        parse_expression("(a+b+c+d+e+f+g+h)**64", parameters=names)
    assert expression_size(parse_expression("(a+b+c+d)**64", parameters=names)) == (64, math.comb(67, 3))


def test_constant_powers_beyond_the_float_range_are_refused_before_sympy_computes_them() -> None:
    prime = "1" + "0" * 144 + "12687"  # 150 digits: its 64th power has about 9,537
    start = time.monotonic()
    with pytest.raises(ExpressionError, match="power of about 1e9536"):
        parse_expression(f"log({prime}**64)", parameters=[])
    assert time.monotonic() - start < 1.0  # sympy's log of the 9,600-digit power took 61 s


# --------------------------------------------------------------------------------- numpy compiler


@pytest.mark.parametrize("name", ["minimum", "maximum", "reduce", "sum", "select", "where", "numpy", "inf", "nan"])
def test_a_parameter_name_cannot_shadow_what_compiled_code_calls(name: str) -> None:
    p, x = parameter_symbol(name), parameter_symbol("x")
    f = compile_numpy([p, x], sympy.Min(p, 2) + sympy.Max(p, x, 0) + p + sympy.Piecewise((x, x > p), (p, True)))
    got = f(np.array([0.5, 3.0]), 1.0)
    want = [min(v, 2) + max(v, 1.0, 0) + v + (1.0 if 1.0 > v else v) for v in (0.5, 3.0)]
    assert np.allclose(got, want)


def test_the_evaluator_files_with_clashing_names_solve() -> None:
    text = normal(x='"min(minimum, 2) + max(minimum, 0) + minimum"').replace("[parameters.a]", "[parameters.minimum]")
    game = loads(text).game
    assert isinstance(game, NormalFormGame)
    assert game.payoff_array({"minimum": 0.5, "b": 2.0, "x": 0.0, "y": 0.0})[0, 0, 0] == pytest.approx(1.5)


def test_log_of_a_30_digit_integer_evaluates() -> None:
    f = compile_numpy([], sympy.log(sympy.Integer(10**30 - 1)))
    assert float(f()) == pytest.approx(math.log(10**30 - 1))


def test_compiled_functions_never_return_complex_numbers() -> None:
    x = parameter_symbol("x")
    assert math.isnan(compile_numpy([], sympy.Integer(-8) ** sympy.Rational(1, 3))())
    assert math.isnan(compile_numpy([], sympy.sqrt(-1) + 1)())
    with np.errstate(invalid="ignore"):
        values = compile_numpy([x], sympy.sqrt(x))(np.array([-1.0, 4.0]))
    assert math.isnan(values[0]) and values[1] == 2.0


def test_nested_min_max_30_deep_broadcasts_scalars_and_arrays_quickly() -> None:
    text = "b + v"
    for k in range(30):
        text = f"max(a*v, min({text}, 1 - v))" if k % 2 else f"min(max({text}, a*v), b + v)"
    expr = parse_expression(text, parameters=["a", "b", "v"])
    start = time.process_time()
    grid = np.linspace(0.0, 1.0, 2001)
    f = compile_numpy([parameter_symbol(n) for n in "abv"], [expr, sympy.diff(expr, parameter_symbol("v"))])
    value, slope = f(0.5, 0.1, grid)
    assert time.process_time() - start < 2.0
    reference, _ = evaluate_real(expr, {"a": 0.5, "b": 0.1, "v": grid})
    assert np.allclose(value, reference) and np.shape(slope) == grid.shape


def test_a_sum_of_3600_terms_compiles() -> None:
    symbols = [parameter_symbol(f"p{k}") for k in range(3600)]
    f = compile_numpy(symbols, sympy.Add(*(k * s for k, s in enumerate(symbols))))
    assert f(*[1.0] * 3600) == sum(range(3600))


# --------------------------------------------------------------------------------- the evaluator


def test_evaluate_real_names_the_reason() -> None:
    x = parameter_symbol("x")
    value, reason = evaluate_real(sympy.sqrt(x), {"x": 4.0})
    assert value == 2.0 and reason is None
    assert "not a real number" in str(evaluate_real(sympy.log(x), {"x": -1.0})[1])
    assert "division by zero" in str(evaluate_real(1 / x, {"x": 0.0})[1])
    assert "float range" in str(evaluate_real(x * sympy.Integer(10) ** 308 * 10, {"x": 1.0})[1])
    with pytest.raises(ExpressionError) as info:
        check_finite_real(sympy.sqrt(x), {"x": -1.0}, field="payoffs[0].X")
    assert info.value.field == "payoffs[0].X"


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[ \t]?[+-]?[ \t]?[0-9]{1,6}(\.[0-9]{0,6})?([eE][+-]?[0-9]{1,3})?[ \t]?", fullmatch=True))
def test_plain_numbers_parse_as_the_parser_would(text: str) -> None:
    fast: object
    try:
        fast = parse_expression(text, parameters=[])
    except ExpressionError as err:
        fast = err.expected
    saved = expressions_module._PLAIN_NUMBER
    expressions_module._PLAIN_NUMBER = re.compile(r"(?!)")  # never matches: every text through the AST
    try:
        slow: object = parse_expression(text, parameters=[])
    except ExpressionError as err:
        slow = err.expected
    finally:
        expressions_module._PLAIN_NUMBER = saved
    assert fast == slow

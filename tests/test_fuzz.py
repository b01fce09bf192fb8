"""Fuzzing the loader and the command (issue 10), with the oracle of ``tests/test_hostile.py``.

Four fuzzers, all with hypothesis:

- :func:`test_loader_on_mutated_builtins`: the text of every built-in scenario, mutated (lines
  deleted, duplicated, swapped or cut, values moved from one line to another, a string replaced by
  an expression from the grammar below, a hostile raw line inserted). ``bargaining.loads`` must
  return a scenario or raise ``ScenarioError`` whose message is one line without raw control
  characters; any other exception, or more than :data:`SECONDS`, fails.
- :func:`test_hostile_expressions`: an expression from a grammar of the expression language (the
  operators, ``abs exp log sqrt min max``, parentheses, unary minus) over hostile leaves (huge and
  tiny numbers, 400-digit integers, ``1e999``, names of dunders and of sympy's objects, parameters
  named ``minimum``/``reduce``, indicators) and a few constructs the grammar forbids, placed into
  one slot of a small scenario: a normal-form payoff, a tree's outcome, chance probability or offer
  bound, a package's option utility, discount factor, outside option, bargaining power or
  disagreement point. The file goes through ``bargaining.loads`` and, when it loads, through
  ``bargaining solve`` in-process with the command's oracle.
- :func:`test_command_arguments`: random argument vectors over the real subcommands and their
  flags (built-in and template scenarios, parameter names real and not, numbers finite and not,
  grids, regions, output files), run in-process with ``bargaining.cli.main(argv)`` in a fresh
  working directory: exit 0 or 2, one line on stderr for exit 2, no exception other than
  ``SystemExit`` (``--help``), nothing written except the files the command was asked to write.
- :func:`test_command_arguments_in_a_subprocess`: a small sample of the same vectors through the
  subprocess oracle, under the time and memory limits of ``tests/test_hostile.py``.

In-process runs are bounded by a ``SIGALRM`` deadline of :data:`SECONDS` per example and by a soft
``RLIMIT_AS`` of the process's current address space plus 1 GiB while a fuzzer runs (restored
afterwards), so that a size that is never checked fails as ``MemoryError`` (exit 1) instead of
taking the machine's memory.

Example counts: the normal run uses 1,103 examples in all (500 mutated files, 300 expressions, 300
argument vectors in-process, 3 in a subprocess; about 20 s when green); set ``BARGAINING_LONG=1``
for the nightly-sized run (10,000 + 5,000 + 5,000 + 200)::

    BARGAINING_LONG=1 .venv/bin/python -m pytest -p no:cacheprovider tests/test_fuzz.py
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import resource
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bargaining
from bargaining.cli import main
from bargaining.errors import ScenarioError
from bargaining.io.builtins import builtin_names
from bargaining.io.scenario_file import resolve
from bargaining.io.templates import TEMPLATES
from tests.test_hostile import SECONDS, disk_problems, output_problems, run_command, snapshot

LONG = os.environ.get("BARGAINING_LONG") == "1"


def examples(normal: int, long: int) -> settings:
    """Hypothesis settings: ``normal`` examples, or ``long`` with ``BARGAINING_LONG=1``."""
    return settings(
        max_examples=long if LONG else normal,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# ------------------------------------------------------------------------------- in-process limits


class Deadline(BaseException):
    """Raised by SIGALRM inside an example: a BaseException, so the command's handlers let it through."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Deadline(f"more than {SECONDS} s")


@contextlib.contextmanager
def deadline(seconds: float = SECONDS) -> Iterator[None]:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _address_space() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0  # pragma: no cover - not Linux


@pytest.fixture
def memory_guard() -> Iterator[None]:
    """A soft RLIMIT_AS of the current address space plus 1 GiB for the duration of one fuzzer."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    now = _address_space()
    if not now:  # pragma: no cover
        yield
        return
    limit = now + (1 << 30)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def inside(directory: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(old)


def call(argv: list[str]) -> tuple[int | None, str, str]:
    """``bargaining.cli.main(argv)`` in-process: (exit code, stdout, stderr); any exception but SystemExit fails."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            with deadline():
                code: int | None = main(argv)
        except SystemExit as exc:  # argparse's --help
            code = exc.code if isinstance(exc.code, int) else 2
        except Deadline:
            code = None
    return code, out.getvalue(), err.getvalue()


def check_loads(text: str) -> bargaining.Scenario | None:
    """``loads(text)``: a scenario, or None after a clean ScenarioError; anything else fails the example."""
    try:
        with deadline():
            return bargaining.loads(text, name="fuzz.toml")
    except ScenarioError as err:
        message = str(err)
        assert "\n" not in message, f"a ScenarioError of several lines: {message!r}"
        assert not _CONTROL.search(message), f"raw control characters in {message!r}"
        return None
    except Deadline:
        pytest.fail(f"loads took more than {SECONDS} s on:\n{text[:3000]}")


# --------------------------------------------------------------------------------------- grammar

HOSTILE_LEAVES = [
    "0",
    "1",
    "-1",
    "0.5",
    "2",
    "64",
    "65",
    "1e308",
    "1e-320",
    "1e999",
    "9" * 30,
    "1" + "0" * 400,
    "0.1" + "3" * 60,
    "__import__",
    "__class__",
    "E",
    "I",
    "nan",
    "oo",
    "pi",
    "zoo",
    "minimum",
    "reduce",
    "X.s1",
    "Y.t2",
]
PARAMETERS = ["a", "b", "c", "minimum", "reduce"]
FORBIDDEN = ["{0}[0]", "{0} if {1} else {0}", "'{0}'", "{0} // {1}", "{0} % {1}", "{0} < {1}", "f({0})", "{0}.real"]

leaves = st.sampled_from(PARAMETERS + HOSTILE_LEAVES)


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children)
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"-{c}"),
        st.tuples(st.sampled_from(["abs", "exp", "log", "sqrt"]), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=1, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
    )


grammar = st.recursive(leaves, _grow, max_leaves=10)
expressions = st.one_of(
    grammar,
    grammar,
    grammar,
    st.tuples(st.sampled_from(FORBIDDEN), grammar, grammar).map(lambda t: t[0].format(t[1], t[2])),
)


def _toml_string(expr: str) -> str:
    return '"' + expr.replace("\\", "\\\\").replace('"', '\\"') + '"'


_PARAMS = "".join(
    f'[parameters.{n}]\nvalue = {v}\nmin = {lo}\nmax = {hi}\nsource = "illustrative assumption"\n\n'
    for n, v, lo, hi in (
        ("a", 0.5, 0.0, 1.0),
        ("b", 2.0, 0.0, 10.0),
        ("c", 0.25, 0.0, 1.0),
        ("minimum", 0.1, 0.0, 1.0),
        ("reduce", 0.2, 0.0, 1.0),
    )
)
_NORMAL = (
    'format = "bargaining/1"\ntitle = "slot"\ngame = "normal"\n\n'
    '[[actors]]\nid = "X"\nstrategies = ["s1", "s2"]\n\n[[actors]]\nid = "Y"\nstrategies = ["t1", "t2"]\n\n'
    + _PARAMS
    + '[payoff_formulas]\nX = {payoff}\nY = "Y.t1 * X.s1 + Y.t2 * X.s2"\n'
)
_TREE = (
    'format = "bargaining/1"\ntitle = "slot"\ngame = "tree"\nroot = "luck"\n\n'
    '[[actors]]\nid = "X"\n\n[[actors]]\nid = "Y"\n\n'
    + _PARAMS
    + '[parameters.v]\nvalue = 0.5\nmin = 0.0\nmax = 1.0\nsource = "chosen in the game"\n\n'
    '[nodes.luck]\nmoves = {{ calm = "offer", storm = "crash" }}\n'
    "probabilities = {{ calm = {p}, storm = {q} }}\n\n"
    '[nodes.offer]\nactor = "X"\noffer = "v"\nwithin = [{lo}, "1"]\nnext = "reply"\n\n'
    '[nodes.reply]\nactor = "Y"\nmoves = {{ accept = "deal", reject = "no_deal" }}\n\n'
    '[outcomes.deal]\nX = {payoff}\nY = "v"\n\n[outcomes.no_deal]\nX = "0"\nY = "c"\n\n'
    '[outcomes.crash]\nX = "-1"\nY = "-1"\n'
)
_DEAL = (
    'format = "bargaining/1"\ntitle = "slot"\ngame = "bargain"\n\n[[actors]]\nid = "X"\n\n[[actors]]\nid = "Y"\n\n'
    + _PARAMS
    + '[[issues]]\nid = "visa"\noptions.none = {{ X = "0", Y = "0" }}\noptions.yes = {{ X = "-a", Y = {payoff} }}\n\n'
    '[[issues]]\nid = "readmission"\noptions.none = {{ X = "0", Y = "0" }}\noptions.yes = {{ X = "b", Y = "-c" }}\n\n'
    '[disagreement]\nX = {d}\nY = "0"\n\n[discount]\nX = {delta}\nY = "0.9"\n\n'
    "[power]\nX = {w}\nY = {w1}\n\n[outside]\nY = {out}\n"
)


def place(slot: str, expr: str) -> str:
    """A small scenario with ``expr`` in ``slot`` and harmless values everywhere else."""
    e = _toml_string(expr)
    rest = _toml_string(f"1 - ({expr})")
    if slot == "normal payoff":
        return _NORMAL.format(payoff=e)
    tree = {"payoff": '"1 - v"', "p": '"a"', "q": '"1 - a"', "lo": '"0"'}
    if slot.startswith("tree"):
        key = {"tree payoff": "payoff", "tree probability": "p", "tree bound": "lo"}[slot]
        tree[key] = e
        if key == "p":
            tree["q"] = rest
        return _TREE.format(**tree)
    deal = {"payoff": '"b"', "d": '"0"', "delta": '"0.9"', "w": '"a"', "w1": '"1 - a"', "out": '"0"'}
    key = {
        "deal option": "payoff",
        "deal disagreement": "d",
        "deal discount": "delta",
        "deal power": "w",
        "deal outside": "out",
    }[slot]
    deal[key] = e
    if key == "w":
        deal["w1"] = rest
    return _DEAL.format(**deal)


SLOTS = [
    "normal payoff",
    "tree payoff",
    "tree probability",
    "tree bound",
    "deal option",
    "deal disagreement",
    "deal discount",
    "deal power",
    "deal outside",
]


def test_every_slot_is_valid_with_a_harmless_expression() -> None:
    for slot in SLOTS:
        assert bargaining.loads(place(slot, "a / 2"), name=slot) is not None, slot


@examples(normal=300, long=5000)
@given(slot=st.sampled_from(SLOTS), expr=expressions)
def test_hostile_expressions(memory_guard: None, slot: str, expr: str) -> None:
    text = place(slot, expr)
    if check_loads(text) is None:
        return
    with tempfile.TemporaryDirectory() as tmp, inside(Path(tmp)):
        Path("slot.toml").write_text(text, encoding="utf-8")
        code, out, err = call(["solve", "slot.toml"])
    problems = output_problems(code, out, err, frozenset({0, 2}))
    assert not problems, f"solve with {expr!r} in the {slot}: {'; '.join(problems)}\n{err}"


# --------------------------------------------------------------------------------------- mutations

BUILTIN_TEXTS = {name: resolve(name).read_text(encoding="utf-8") for name in builtin_names()}
RAW_LINES = [
    "x = 1",
    "title = 3",
    'format = "bargaining/2"',
    "value = 1e999",
    "value = nan",
    "value = -inf",
    "value = " + "9" * 400,
    "value = " + "7" * 4400,
    "min = 5.0",
    'source = ""',
    "[parameters.__class__]",
    "[parameters.minimum]",
    "[nodes.__init__]",
    "[[actors]]",
    '[[actors]]\nid = "EU"',
    'strategies = ["a", "a"]',
    "strategies = []",
    'probabilities = { ratified = "5", blocked = "-4" }',
    'moves = { a = "eu" }',
    'within = ["1", "0"]',
    'EU = "\\u001B[2J"',
    'name = "\\u001B]0;pwned\\u0007"',
    "x = " + "[" * 600 + "]" * 600,
    'game = "tree"',
    'game = "bargain"',
    'root = "nowhere"',
    "[outside]\nEU = true",
    'sequential = ["RU", "RU"]',
]


@st.composite
def mutated_builtin(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(BUILTIN_TEXTS)))
    lines = BUILTIN_TEXTS[name].splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "value", "expression", "raw", "cut"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "value":
            assigns = [k for k, line in enumerate(lines) if " = " in line and not line.lstrip().startswith("#")]
            if assigns:
                a, b = draw(st.sampled_from(assigns)), draw(st.sampled_from(assigns))
                lines[a] = lines[a].split(" = ", 1)[0] + " = " + lines[b].split(" = ", 1)[1]
        elif op == "expression":
            strings = [k for k, line in enumerate(lines) if re.match(r'^\s*\w+ = ".*"\s*$', line)]
            if strings:
                k = draw(st.sampled_from(strings))
                lines[k] = lines[k].split(" = ", 1)[0] + " = " + _toml_string(draw(expressions))
        elif op == "raw":
            lines.insert(i, draw(st.sampled_from(RAW_LINES)))
        else:
            cut = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            lines = [*lines[:i], lines[i][:cut]]
    return "\n".join(lines) + "\n"


@examples(normal=500, long=10000)
@given(text=mutated_builtin())
def test_loader_on_mutated_builtins(memory_guard: None, text: str) -> None:
    check_loads(text)


# ---------------------------------------------------------------------------------------- commands

FAST_BUILTINS = ["conditionality", "eu_russia_2007", "eu_russia_offer", "central_asia_signing"]
TEMPLATE_FILES = {f"{game}.toml": text for game, text in TEMPLATES.items()}
SCENARIOS = [*FAST_BUILTINS, *TEMPLATE_FILES, "missing.toml", "", "-", "..", "/", "\x1b[2Jx", "__init__"]
NAMES = ["r", "c", "p", "delta", "tau", "k", "a", "v_cap", "T", "C_TCN", "v", "w", "b", "p_KZ", "H_KZ", "L_UZ"]
HOSTILE_NAMES = ["", "zz", "__class__", "x" * 300, "\x1b[2J", "a b", "r=1"]
IDS = [
    "EU",
    "RU",
    "CA",
    "P",
    "R",
    "A",
    "B",
    "KZ",
    "UZ",
    "offer",
    "no_offer",
    "accept",
    "reject",
    "comply",
    "defy",
    "sign",
    "stay_out",
    "reward",
    "withhold",
    "eu",
    "ru",
    "proposer",
    "responder",
    "eu_offer",
    "\x1b[2J",
    "",
]
NUMBERS = [
    "0",
    "1",
    "-1",
    "0.5",
    "2",
    "10",
    "1e400",
    "nan",
    "inf",
    "-0",
    "1e-320",
    "abc",
    "",
    "7" * 5000,
    "0x10",
    "1_0",
]

names = st.one_of(st.sampled_from(NAMES), st.sampled_from(NAMES), st.sampled_from(HOSTILE_NAMES))
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.floats(min_value=-20, max_value=20).map(repr),
    st.floats().map(repr),
)
points = st.one_of(st.integers(1, 12), st.integers(-2, 0), st.sampled_from([10**9, 10**12]))
grid = st.tuples(names, numbers, numbers, points).map(lambda t: f"{t[0]}={t[1]}:{t[2]}:{t[3]}")
grid = st.one_of(grid, grid, grid, st.sampled_from(["r", "r=0:1", "r=0:1:3:4", "=0:1:3", "r=a:b:c"]))
ids = st.sampled_from(IDS)


def _flag(flag: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return values.map(lambda v: [flag, v])


def _sets() -> st.SearchStrategy[list[list[str]]]:
    return st.lists(_flag("--set", st.tuples(names, numbers).map(lambda t: f"{t[0]}={t[1]}")), max_size=2)


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(["list", "check", "solve", "threshold", "sweep", "bargain", "history", "new", "-h"]))
    scenario = draw(st.sampled_from(SCENARIOS))
    parts: list[list[str]] = []
    if command == "check":
        parts.append(draw(st.lists(st.sampled_from(SCENARIOS), min_size=1, max_size=3)))
    elif command in ("solve", "bargain", "history"):
        parts += [[scenario], *draw(_sets())]
        if command == "bargain" and draw(st.booleans()):
            parts.append(["--proposer", draw(ids)])
        if command == "history" and draw(st.booleans()):
            parts.append(["--region", str(draw(st.one_of(st.integers(-5, 40), st.sampled_from([10**9, 10**22]))))])
    elif command == "threshold":
        parts.append([scenario])
        for flag in ("--actor", "--prefer", "--over"):
            if draw(st.integers(0, 9)):
                parts.append([flag, draw(ids)])
        if draw(st.integers(0, 9)):
            parts.append(["--solve-for", draw(names)])
        parts += draw(st.lists(_flag("--given", st.tuples(ids, ids).map(lambda t: f"{t[0]}={t[1]}")), max_size=2))
        if draw(st.booleans()):
            parts.append(["--at", draw(ids)])
        parts += draw(_sets())
    elif command == "sweep":
        parts.append([scenario])
        parts += draw(st.lists(_flag("--grid", grid), min_size=0, max_size=3))
        parts += draw(_sets())
        if draw(st.booleans()):
            parts.append(
                ["--out", draw(st.sampled_from(["x.csv", "x.npz", "x.txt", "missing/x.csv", "", "normal.toml"]))]
            )
        if draw(st.integers(0, 4)) == 0:
            parts.append(["--plot", draw(st.sampled_from(["x.png", "x.svg", "x.pdf", "x.jpg", "missing/x.png"]))])
        if draw(st.booleans()):
            parts.append(["--force"])
    elif command == "new":
        parts.append([draw(st.sampled_from(["t.toml", "", "missing/t.toml", "x" * 300 + ".toml", "tree.toml", "."]))])
        if draw(st.booleans()):
            parts.append(["--game", draw(st.sampled_from(["normal", "tree", "bargain", "chess", ""]))])
        if draw(st.booleans()):
            parts.append(["--force"])
    if command not in ("list", "-h", "new", "check") and draw(st.booleans()):
        parts.append(["--json"])
    if draw(st.integers(0, 9)) == 0:
        parts.append([draw(st.text(max_size=12))])
    head, *flags = parts or [[]]
    if command in ("solve", "bargain", "history", "threshold", "sweep"):
        flags = draw(st.permutations(flags)) if flags else flags
    return [command, *head, *(w for part in flags for w in part)]


def _writes(argv: list[str]) -> frozenset[str]:
    """The paths a successful command was asked to write (relative to its working directory)."""
    out = {argv[i + 1] for i in range(len(argv) - 1) if argv[i] in ("--out", "--plot")}
    if argv[:1] == ["new"] and len(argv) > 1:
        out.add(argv[1])
    return frozenset(os.path.normpath(p) for p in out if p)


def _prepare(directory: Path) -> None:
    for name, text in TEMPLATE_FILES.items():
        (directory / name).write_text(text, encoding="utf-8")


@examples(normal=300, long=5000)
@given(argv=argvs())
def test_command_arguments(memory_guard: None, argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp, inside(Path(tmp)):
        root = Path(tmp)
        _prepare(root)
        before = snapshot(root)
        code, out, err = call(argv)
        after = snapshot(root)
    problems = output_problems(code, out, err, frozenset({0, 2}))
    problems += disk_problems(before, after, _writes(argv) if code == 0 else frozenset())
    assert not problems, f"{argv!r}: {'; '.join(problems)}\n{err}"


@examples(normal=3, long=200)
@given(argv=argvs())
def test_command_arguments_in_a_subprocess(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _prepare(root)
        before = snapshot(root)
        done = run_command(argv, root, timeout=SECONDS + 10)  # generous start-up margin: no probe here
        after = snapshot(root)
    problems = output_problems(done.returncode, done.stdout, done.stderr, frozenset({0, 2}))
    problems += disk_problems(before, after, _writes(argv) if done.returncode == 0 else frozenset())
    assert not problems, f"{argv!r}: {'; '.join(problems)}\n{done.describe()}"

"""The ``bargaining`` command (docs/format.md#the-command-line): a face that parses options and prints results.

Exit codes: 0 success; 2 bad input, with one line ``FILE: FIELD: expected WHAT, found WHAT`` on
stderr; 1 an internal error (a bug: please report it); 130 interrupted. Everything printed is made
terminal-safe in :func:`main`. No command overwrites an existing file unless given ``--force``, and
none writes through a symbolic link or into a special file; every file is written whole or not at
all (:mod:`bargaining.io.atomic`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Never, NoReturn, TextIO

from bargaining.budget import using_budget
from bargaining.display.terminal import json_safe, terminal_safe
from bargaining.errors import ScenarioError
from bargaining.io.atomic import check_target, write_atomic
from bargaining.io.builtins import DEFAULT_SCENARIO, builtin_names
from bargaining.io.templates import TEMPLATES

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from tqdm import tqdm

    from bargaining.scenario import Scenario

# The library's analyses (sympy, numpy, scipy) are imported inside each command's handler, never at
# the top: building the parser, ``--help`` and ``--version`` load none of them (tests/test_startup.py).

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option as one line and exit status 2.

    The message (which may quote an argument holding escape sequences or newlines) is printed by
    :func:`main` like every other error: made terminal-safe, on one line.
    """

    def error(self, message: str) -> NoReturn:
        raise option_error(message)


_ARGPARSE = (
    (r"argument (?P<field>\S+?): invalid choice: (?P<found>'.*?') \(choose from (?P<what>.*)\)$", "one of {what}"),
    (r"argument (?P<field>\S+?): invalid (?P<kind>\w+) value: (?P<found>.*)$", "{kind_text}"),
    (r"argument (?P<field>\S+?): expected (?P<what>.*)$", "{what}"),
    (r"the following arguments are required: (?P<field>.*)$", "a value (required)"),
    (r"unrecognized arguments: (?P<found>.*)$", "an option of the command (see --help)"),
)
_KINDS = {"float": "a number", "int": "a whole number"}


def option_error(message: str) -> ScenarioError:
    """An argparse message as the one-line form ``FIELD: expected WHAT, found WHAT``, the option (or
    argument) in place of the file and field.

    >>> str(option_error("argument --keep: invalid choice: 'zz' (choose from 'all', 'outcomes')"))
    "--keep: expected one of 'all', 'outcomes', found 'zz'"
    >>> str(option_error("the following arguments are required: --solve-for, --actor"))
    '--solve-for, --actor: expected a value (required), found none'
    >>> str(option_error("argument --budget: invalid float value: 'abc'"))
    "--budget: expected a number, found 'abc'"
    >>> str(option_error("unrecognized arguments: --frob"))
    'options: expected an option of the command (see --help), found --frob'
    """
    for pattern, expected in _ARGPARSE:
        m = re.match(pattern, message)
        if m is None:
            continue
        got = m.groupdict()
        field = got.get("field") or "options"
        if field == "command":
            field = "COMMAND"
        what = expected.format(what=got.get("what", ""), kind_text=_KINDS.get(got.get("kind") or "", "a value"))
        return ScenarioError(what, found=got.get("found") or "none", file=None, field=field)
    return ScenarioError(message, file=None, field="options")


def _json(data: object) -> str:
    """``data`` as indented JSON, non-ASCII kept, and every character a terminal acts on escaped as ``\\uHHHH``."""
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False))


def parse_set(items: Sequence[str]) -> dict[str, float]:
    """``["p=0.5", "c=2"]`` -> ``{"p": 0.5, "c": 2.0}``; a malformed item is a ``ScenarioError``.

    >>> parse_set(["p=0.5"])
    {'p': 0.5}
    """
    out: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise ScenarioError("NAME=NUMBER", found=repr(item), field="--set")
        try:
            value = float(text)
        except ValueError:
            raise ScenarioError("a number", found=repr(text), field=f"--set {name.strip()}") from None
        if not math.isfinite(value):
            raise ScenarioError("a finite number", found=repr(text), field=f"--set {name.strip()}")
        out[name.strip()] = value
    return out


class _Version(argparse.Action):
    """``--version``: the installed distribution's version (importlib.metadata), printed; exit 0."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="print the version and exit")

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"bargaining {version()}\n")
        sys.stdout.flush()
        parser.exit(0)


def version() -> str:
    """The installed version of bargaining (its distribution's metadata), else the package's own.

    >>> from bargaining import __version__
    >>> version() == __version__
    True
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("bargaining")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        from bargaining import __version__

        return __version__


Handler = Callable[[argparse.Namespace], str]


def _parser() -> argparse.ArgumentParser:
    """The command's options. Each subcommand is one block: its parser, its options, and
    ``set_defaults(run=handler)``, the function that takes the parsed options and returns the text
    to print (it imports the library it needs itself, so the parser loads none of it)."""
    p = _Parser(prog="bargaining", description="Game-theoretic models of negotiation package deals.")
    p.add_argument("--version", action=_Version)
    sub = p.add_subparsers(dest="command")

    ls = sub.add_parser("list", help="built-in scenarios, one line each")
    ls.set_defaults(run=_list)

    check = sub.add_parser("check", help="validate scenario files")
    check.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    check.set_defaults(run=_check)

    solve = sub.add_parser("solve", help="every equilibrium of a scenario's game")
    solve.add_argument("scenario", metavar="SCENARIO")
    solve.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="change a parameter for this run"
    )
    solve.add_argument("--json", action="store_true", help="machine-readable output (docs/format.md#json-output)")
    _budget_option(solve)
    solve.set_defaults(run=lambda args: _solve(args.scenario, args.set, args.json))

    th = sub.add_parser("threshold", help="the value of a parameter at which an actor's best reply switches")
    th.add_argument("scenario", metavar="SCENARIO")
    th.add_argument("--actor", help="the actor whose best reply switches (not for two-level games)")
    th.add_argument("--prefer", metavar="X", help="the strategy that becomes the better reply")
    th.add_argument("--over", metavar="Y", help="the strategy it is compared with")
    th.add_argument("--solve-for", required=True, metavar="P", help="the parameter to solve for")
    th.add_argument("--given", action="append", default=[], metavar="ACTOR=STRATEGY", help="what another actor plays")
    th.add_argument("--at", metavar="NODE", help="a decision node (game trees)")
    th.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change a parameter for this run")
    th.add_argument(
        "--plot", metavar="FILE", help="draw the best reply around the threshold to FILE (.png, .pdf, .svg)"
    )
    th.add_argument("--force", action="store_true", help="overwrite the --plot file")
    th.add_argument("--json", action="store_true")
    _budget_option(th)
    th.set_defaults(run=_threshold)

    sw = sub.add_parser("sweep", help="the equilibria over a grid of parameter values")
    sw.add_argument("scenario", metavar="SCENARIO")
    sw.add_argument("--grid", action="append", required=True, metavar="P=LOW:HIGH:N", help="a parameter axis")
    sw.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change a fixed parameter")
    sw.add_argument("--out", metavar="FILE", help="write every grid point to FILE (.csv or .npz); never overwrites")
    sw.add_argument("--plot", metavar="FILE", help="draw the equilibria over the grid to FILE (.png, .pdf, .svg)")
    sw.add_argument("--force", action="store_true", help="overwrite --out and --plot files")
    sw.add_argument("--json", action="store_true")
    sw.add_argument(
        "--keep",
        choices=("all", "outcomes"),
        default="all",
        help="outcomes: keep only each point's set of equilibria, not every candidate's mixtures and payoffs "
        "(normal-form games; for grids too large for memory)",
    )
    _budget_option(sw)
    _dask_option(sw)
    sw.add_argument("--quiet", action="store_true", help="no progress bar")
    sw.set_defaults(run=_sweep)

    ba = sub.add_parser(
        "bargain", help="Pareto frontier, Nash, Kalai-Smorodinsky, Rubinstein and linkage of a package deal"
    )
    ba.add_argument("scenario", metavar="SCENARIO")
    ba.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change a parameter")
    ba.add_argument(
        "--proposer", metavar="ACTOR", help="who proposes first in Rubinstein's game (default: the first actor)"
    )
    ba.add_argument("--json", action="store_true")
    _budget_option(ba)
    ba.set_defaults(run=lambda args: _bargain(_load(args.scenario), args.set, args.json, args.proposer))

    hi = sub.add_parser("history", help="the model's prediction beside each observed entry")
    hi.add_argument("scenario", metavar="SCENARIO")
    hi.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change a parameter")
    hi.add_argument(
        "--region",
        type=int,
        default=0,
        metavar="N",
        help="also sample N points of the box: the share that reproduces the record",
    )
    hi.add_argument("--json", action="store_true")
    _budget_option(hi)
    _dask_option(hi)
    hi.add_argument("--quiet", action="store_true", help="no progress bar")
    hi.set_defaults(run=_history)

    ex = sub.add_parser("export", help="write a scenario's game as Gambit .nfg/.efg, LaTeX tables or a TikZ tree")
    ex.add_argument("scenario", metavar="SCENARIO")
    ex.add_argument(
        "--to",
        required=True,
        choices=["nfg", "efg", "latex", "equilibria", "tikz"],
        help="nfg/efg: Gambit's formats at the parameter values; latex: a booktabs payoff table (formulas,"
        " or numbers with --set); equilibria: a booktabs table of every equilibrium; tikz: a game tree",
    )
    ex.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change a parameter")
    ex.add_argument("--standalone", action="store_true", help="a complete LaTeX document (latex, equilibria, tikz)")
    ex.add_argument(
        "--offer-grid",
        metavar="V=a,b,...|K",
        help="efg: the amounts offered at the tree's offer nodes, listed, or K evenly spaced within bounds",
    )
    ex.add_argument("--out", metavar="FILE", help="write to FILE instead of printing (never overwrites)")
    ex.add_argument("--force", action="store_true", help="overwrite the --out file")
    _budget_option(ex)
    ex.set_defaults(run=_export)

    cl = sub.add_parser("classroom", help="open the lessons in the browser (needs the classroom extra)")
    cl.add_argument("--port", type=int, metavar="N", help="the port to serve on (default: a free one)")
    cl.add_argument("--no-browser", action="store_true", help="serve without opening a browser")
    cl.add_argument(
        "--lessons", metavar="DIR", help="a folder of the teacher's own notebooks, served beside the lessons"
    )
    cl.set_defaults(run=_classroom)

    new = sub.add_parser("new", help="write a commented template (never overwrites)")
    new.add_argument("file", metavar="FILE")
    new.add_argument("--game", choices=["normal", "tree", "bargain"], default="normal")
    new.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    new.set_defaults(run=lambda args: _new(args.file, args.game, args.force))
    return p


def _budget_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--budget", type=float, metavar="MB", help="memory budget in MiB; every limit scales with it")


def _dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="compute the chunks on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:PORT); "
        "needs pip install 'bargaining[dask]'",
    )


def _on_cluster(option: str | None, err: ScenarioError) -> ScenarioError:
    """An engine error about the scheduler as the command's ``--dask`` option's."""
    return _as_option(option, err) if err.field == "scheduler" else err


def _load(scenario: str) -> Scenario:
    from bargaining.io.scenario_file import load

    return load(scenario)


def resolve(scenario: str | Path) -> Path:
    """The file a user means (:func:`bargaining.io.scenario_file.resolve`): a path or a built-in's name."""
    from bargaining.io.scenario_file import resolve as resolve_file

    return resolve_file(scenario)


def _values(scenario: Scenario, sets: Sequence[str]) -> dict[str, float]:
    """The scenario's parameter values with ``--set`` applied, each override checked and named."""
    overrides = parse_set(sets)
    for name, value in overrides.items():
        try:
            scenario.values({name: value})
        except ScenarioError as err:
            raise ScenarioError(err.expected, found=err.found, file=err.file, field=f"--set {name}") from None
    return scenario.values(overrides)


def _pairs(items: Sequence[str], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ScenarioError("ACTOR=STRATEGY", found=repr(item), field=option)
        out[key.strip()] = value.strip()
    return out


def _threshold(args: argparse.Namespace) -> str:
    from bargaining.analysis.threshold import threshold
    from bargaining.display.text import threshold_text

    scenario = _load(args.scenario)
    if args.plot is not None:  # checked before the work, for early feedback; the write checks again
        _check_plot(args.plot, args.force)
    values = _values(scenario, args.set)
    given = _pairs(args.given, "--given") or None
    result = threshold(
        scenario,
        args.actor,
        prefer=args.prefer,
        over=args.over,
        solve_for=args.solve_for,
        given=given,
        at=args.at,
        values=values,
    )
    lines = []
    if args.plot is not None:
        from bargaining.analysis.threshold_line import threshold_line
        from bargaining.display.plots import threshold_figure

        line = threshold_line(scenario, result, values=values)
        _write_plot(args.plot, threshold_figure(line), args.force)
        lines.append(f"wrote {args.plot}")
    if args.json:
        return _json(result.to_dict())
    return "\n".join([threshold_text(result), *lines])


class _Progress:
    """A progress bar (tqdm) on stderr for work that may take more than a second: shown only once the
    work has run for ``after`` seconds, only when stderr is a terminal, and never with ``--quiet``."""

    def __init__(
        self, quiet: bool = False, stream: TextIO | None = None, after: float = 1.0, unit: str = "point"
    ) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = not quiet and self.stream.isatty()
        self.after, self.unit = after, unit
        self.bar: tqdm[Never] | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm  # imported where used: start-up time

            tqdm.monitor_interval = 0  # no monitor thread: the deadline's workers are forked (analysis.deadline)
            self.bar = tqdm(total=total, file=self.stream, unit=self.unit, delay=self.after, leave=False, mininterval=0)
        bar = self.bar
        bar.update(done - bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _as_option(option: str | None, err: ScenarioError) -> ScenarioError:
    """A file error of the library (field ``path``, ``force=True``) as the command's: the option, ``--force``."""
    return ScenarioError(err.expected.replace("force=True", "--force"), found=err.found, file=err.file, field=option)


PLOT_SUFFIXES = (".png", ".pdf", ".svg")


def _check_plot(path: str, force: bool) -> None:
    """``--plot FILE``: a picture's suffix, and a name that may be written (``--force`` to overwrite)."""
    if Path(path).suffix.lower() not in PLOT_SUFFIXES:
        raise ScenarioError("a file name ending in .png, .pdf or .svg", found=repr(path), field="--plot")
    try:
        check_target(path, force=force)
    except ScenarioError as err:
        raise _as_option("--plot", err) from None


def _write_plot(path: str, figure: Figure, force: bool) -> None:
    """Write ``figure`` to ``path`` whole or not at all, in the format its suffix names."""
    kind = Path(path).suffix.lower()[1:]
    try:
        write_atomic(path, lambda fh: figure.savefig(fh, format=kind), force=force)
    except ScenarioError as err:
        raise _as_option("--plot", err) from None


def _sweep(args: argparse.Namespace) -> str:
    from bargaining.analysis.sweep import parse_grids, sweep
    from bargaining.display.text import sweep_text
    from bargaining.io.export import check_target as check_export
    from bargaining.io.export import write

    scenario = _load(args.scenario)
    values = _values(scenario, args.set)
    grid = parse_grids(args.grid, keep=args.keep)
    # both files checked before the work, for early feedback; the writes check again as they place the files
    try:
        if args.out is not None:
            check_export(args.out, force=args.force)
    except ScenarioError as err:
        raise _as_option("--out", err) from None
    if args.plot is not None:
        _check_plot(args.plot, args.force)
    progress = _Progress(args.quiet)
    try:
        result = sweep(scenario, grid, values, progress=progress, scheduler=args.dask, keep=args.keep)
    except ScenarioError as err:
        raise _on_cluster("--dask", err) from None
    finally:
        progress.close()
    lines = []
    if args.out is not None:
        try:
            write(result, args.out, force=args.force)
        except ScenarioError as err:
            raise _as_option("--out", err) from None
        lines.append(f"wrote {args.out}")
    if args.plot is not None:
        from bargaining.display.plots import outcome_figure

        _write_plot(args.plot, outcome_figure(result), args.force)
        lines.append(f"wrote {args.plot}")
    if args.json:
        out = result.to_dict()
        out["scenario"] = scenario.name
        return _json(out)
    return "\n".join([sweep_text(result), *lines])


def _bargain(scenario: Scenario, sets: Sequence[str], as_json: bool, proposer: str | None = None) -> str:
    from bargaining.analysis.deal import bargain
    from bargaining.analysis.record import history
    from bargaining.display.text import bargain_text

    values = _values(scenario, sets)
    result = bargain(scenario, values, proposer=proposer)
    record = history(scenario, values)
    if as_json:
        out = result.to_dict()
        out["scenario"] = scenario.name
        if record.verdicts:
            out["record"] = record.to_dict()
        return _json(out)
    return bargain_text(scenario, result, record)


def _two_level(scenario: Scenario, sets: Sequence[str], as_json: bool) -> str:
    from bargaining.analysis.two_level import ratify
    from bargaining.display.two_level import ratification_text

    result = ratify(scenario, _values(scenario, sets))
    if as_json:
        return _json({**result.to_dict(), "scenario": scenario.name})
    return ratification_text(result, scenario.title)


def _signalling(scenario: Scenario, sets: Sequence[str], as_json: bool) -> str:
    from bargaining.analysis.pbe import perfect_bayesian
    from bargaining.display.signalling import pbe_text

    result = perfect_bayesian(scenario, _values(scenario, sets))
    if as_json:
        return _json({**result.to_dict(), "scenario": scenario.name})
    return pbe_text(scenario, result)


def _bayesian(scenario: Scenario, sets: Sequence[str], as_json: bool) -> str:
    from bargaining.analysis.bayes_nash import bayes_nash
    from bargaining.display.bayesian import bayes_nash_text

    result = bayes_nash(scenario, _values(scenario, sets), thresholds=True)
    if as_json:
        return _json({**result.to_dict(), "scenario": scenario.name})
    return bayes_nash_text(scenario, result)


def _solve(scenario_name: str, sets: Sequence[str], as_json: bool) -> str:
    from bargaining.analysis.cascade import cascade
    from bargaining.analysis.nash import equilibria
    from bargaining.analysis.record import history
    from bargaining.analysis.subgame import sequential_reading, subgame_perfect
    from bargaining.display.text import report, tree_report
    from bargaining.games.bargain import BargainingProblem
    from bargaining.games.tree import TreeGame

    scenario = _load(scenario_name)
    if isinstance(scenario.game, BargainingProblem):
        return _bargain(scenario, sets, as_json)
    if scenario.kind == "signalling":
        return _signalling(scenario, sets, as_json)
    if scenario.kind == "two_level":
        return _two_level(scenario, sets, as_json)
    if scenario.kind == "bayesian":
        return _bayesian(scenario, sets, as_json)
    values = _values(scenario, sets)
    record = history(scenario, values)
    # a tree with an information set of several nodes has no backward induction: its Nash
    # equilibria (on the reduced normal form) are reported like a normal-form game's
    if isinstance(scenario.game, TreeGame) and scenario.game.perfect_information:
        from bargaining.analysis.screening import screening_node, screening_threshold

        screen = screening_threshold(scenario, values) if screening_node(scenario.game) is not None else None
        spe = screen.subgame_perfect if screen is not None else subgame_perfect(scenario, values)
        if as_json:
            out = spe.to_dict()
            out["scenario"] = scenario.name
            if screen is not None:
                out["screening"] = screen.to_dict()
            if record.verdicts:
                out["record"] = record.to_dict()
            return _json(out)
        if screen is not None:
            from bargaining.display.beliefs import screening_text

            return tree_report(scenario, spe, record) + "\n\n" + screening_text(screen)
        return tree_report(scenario, spe, record)
    result = equilibria(scenario, values)
    lattice = cascade(scenario, values) if scenario.extra.get("lattice") else None  # declared signing games only
    reading = sequential_reading(scenario, values) if "sequential" in scenario.extra else None
    pbe = None
    if isinstance(scenario.game, TreeGame):  # a sender-receiver tree also gets its perfect Bayesian equilibria
        from bargaining.analysis.pbe import perfect_bayesian
        from bargaining.analysis.signalling_tree import signalling_game_of

        if signalling_game_of(scenario.game) is not None:
            pbe = perfect_bayesian(scenario, values)
    if as_json:
        out = result.to_dict()
        out["game"] = scenario.kind  # a tree with information sets stays "tree", its equilibria beside it
        out["scenario"] = scenario.name
        if pbe is not None:
            out["perfect_bayesian"] = pbe.to_dict()
        if lattice is not None:
            out["lattice"] = lattice.to_dict()
        if reading is not None:
            out["sequential_reading"] = reading.to_dict()
        if record.verdicts:
            out["record"] = record.to_dict()
        return _json(out)
    text = report(scenario, result, record, lattice, reading)
    if pbe is not None:
        from bargaining.analysis.signalling_tree import as_signalling_scenario
        from bargaining.display.signalling import pbe_text

        text += "\n\n" + pbe_text(as_signalling_scenario(scenario), pbe)
    return text


def _history(args: argparse.Namespace) -> str:
    from bargaining.analysis.record import consistent_region, history
    from bargaining.display.text import history_text

    scenario = _load(args.scenario)
    if not scenario.observed:
        raise ScenarioError(
            "a scenario with [[observed]] entries", found="none", file=scenario.path or None, field="observed"
        )
    result = history(scenario, _values(scenario, args.set))
    progress = _Progress(args.quiet)
    try:
        region = (
            consistent_region(scenario, samples=args.region, progress=progress, scheduler=args.dask)
            if args.region
            else None
        )
    except ScenarioError as err:
        raise _on_cluster("--dask", err) from None
    finally:
        progress.close()
    if args.json:
        out = result.to_dict()
        if region is not None:
            out["consistent_region"] = region.to_dict()
        return _json(out)
    return history_text(result, region)


def _list(args: argparse.Namespace) -> str:
    lines = []
    for name in builtin_names():
        title = _load(name).title
        star = " (default)" if name == DEFAULT_SCENARIO else ""
        lines.append(f"{name:<24} {title}{star}")
    return "\n".join(lines)


def _check(args: argparse.Namespace) -> str:
    lines = []
    for s in args.scenarios:
        scenario = _load(s)
        lines.append(
            f"{s}: ok ({scenario.kind} game, {len(scenario.actors)} actors, {len(scenario.parameters)} parameters)"
        )
    return "\n".join(lines)


def parse_offer_grid(text: str | None) -> dict[str, list[float]] | int | None:
    """``--offer-grid``: ``"v=0,0.25,0.5"`` -> ``{"v": [0.0, 0.25, 0.5]}``, ``"5"`` -> 5, absent -> None.

    >>> parse_offer_grid("v=0,0.5")
    {'v': [0.0, 0.5]}
    >>> parse_offer_grid("5")
    5
    """
    if text is None:
        return None
    if text.strip().isdigit():
        count = int(text)
        if not 2 <= count <= 10_000:
            raise ScenarioError("a count from 2 to 10000", found=repr(text), field="--offer-grid")
        return count
    grid: dict[str, list[float]] = {}
    for part in text.split(";"):
        name, sep, listed = part.partition("=")
        if not sep or not name.strip():
            raise ScenarioError("V=a,b,... (parts joined by ';') or a count", found=repr(text), field="--offer-grid")
        try:
            numbers = [float(x) for x in listed.split(",")]
        except ValueError:
            raise ScenarioError("numbers separated by commas", found=repr(listed), field="--offer-grid") from None
        if not all(math.isfinite(x) for x in numbers):
            raise ScenarioError("finite numbers", found=repr(listed), field="--offer-grid")
        grid[name.strip()] = numbers
    return grid


def _export(args: argparse.Namespace) -> str:
    from bargaining.display.export_text import export_text

    values = parse_set(args.set) or None
    if args.out is not None:
        _check_out(args.out, args.force)
    try:
        text = export_text(
            _load(args.scenario), args.to, values, args.standalone, offer_grid=parse_offer_grid(args.offer_grid)
        )
    except ScenarioError as err:  # the library's argument in the message, as the command's option
        expected = err.expected.replace("offer_grid=", "--offer-grid").replace("offer_grid", "--offer-grid")
        raise type(err)(expected, found=err.found, file=err.file, field=err.field) from None
    if args.out is None:
        return text.rstrip("\n")
    try:
        write_atomic(args.out, text.encode("utf-8"), force=args.force)
    except ScenarioError as err:
        raise _as_option("--out", err) from None
    return f"wrote {args.out}"


def _check_out(path: str, force: bool) -> None:
    """``--out FILE``: a name that may be written (``--force`` to overwrite), checked before the work."""
    try:
        check_target(path, force=force)
    except ScenarioError as err:
        raise _as_option("--out", err) from None


def _classroom(args: argparse.Namespace) -> str:
    from bargaining.app import serve

    if args.lessons is not None and not Path(args.lessons).is_dir():
        raise ScenarioError("a directory of notebooks", found=repr(args.lessons), field="--lessons")
    code = serve(args.lessons, port=args.port, open_browser=not args.no_browser)
    if code:
        raise SystemExit(code)  # serve has said why, in one line on stderr
    return "the classroom is closed"


def _new(file: str, game: str, force: bool) -> str:
    if game not in TEMPLATES:
        raise ScenarioError('"normal", "tree" or "bargain"', found=repr(game), field="--game")
    try:
        write_atomic(file, TEMPLATES[game].encode("utf-8"), force=force)
    except ScenarioError as err:
        raise _as_option(None, err) from None
    return f"wrote {file}: a {game}-form template; try: bargaining solve {file}"


def run(argv: Sequence[str]) -> str:
    """Run one command and return what it prints (raises ``ScenarioError`` on bad input)."""
    args = _parser().parse_args(list(argv))
    with using_budget(getattr(args, "budget", None)):  # --budget: every analysis's budget (docs/format.md#budgets)
        return _run(args)


def _run(args: argparse.Namespace) -> str:
    if args.command is None:  # the bare command: the default scenario's report
        return _solve(DEFAULT_SCENARIO, [], False)
    handler: Handler = args.run
    return handler(args)


# the library's argument names, as the command's flags
FLAGS = {
    "actor": "--actor",
    "prefer": "--prefer",
    "over": "--over",
    "solve_for": "--solve-for",
    "given": "--given",
    "at": "--at",
    "grid": "--grid",
    "values": "--set",
    "proposer": "--proposer",
    "samples": "--region",
    "budget": "--budget",
    "out": "--out",
    "plot": "--plot",
    "to": "--to",
    "standalone": "--standalone",
    "offer_grid": "--offer-grid",
}


def as_flags(err: ScenarioError) -> ScenarioError:
    """``err`` with a field that names a library argument (``solve_for``, ``given.EU``) named by its flag.

    >>> str(as_flags(ScenarioError("a parameter", found="'zz'", field="solve_for")))
    "--solve-for: expected a parameter, found 'zz'"
    """
    if not err.field:
        return err
    head, sep, rest = err.field.replace(" ", ".", 1).partition(".")
    if head not in FLAGS:
        return err
    field = FLAGS[head] + (f" {rest}" if sep else "")
    return type(err)(err.expected, found=err.found, file=err.file, field=field)


def _say(text: str, stream: TextIO, *, one_line: bool = False) -> None:
    """Write ``text`` and a newline to ``stream``, terminal-safe (:func:`terminal_safe`): every control
    character a visible escape, newlines too when ``one_line``; what the stream's encoding cannot
    hold as a backslash escape rather than an error."""
    safe = terminal_safe(text, newlines=not one_line)
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(safe.encode(encoding, "backslashreplace").decode(encoding) + "\n")
    stream.flush()


def _fail(message: str, code: int) -> int:
    """One line on stderr and the exit code. Bad input (2) is the line ``FILE: FIELD: expected WHAT,
    found WHAT`` itself, for scripts to read; an internal error (1) or an interruption (130) is
    prefixed by the program's name, since no file or field is at fault."""
    _say(message if code == 2 else f"bargaining: {message}", sys.stderr, one_line=True)
    return code


def _internal(exc: Exception) -> str:
    what = f"{type(exc).__name__}: {exc}"
    if len(what) > 300:
        what = what[:300] + "..."
    return (
        f"internal error ({what}): please report it, with the command that caused it, to the maintainers "
        "of bargaining (set BARGAINING_DEBUG=1 for a traceback)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: print the result and return 0, or print one line on stderr and return the exit code.

    Exit codes (docs/format.md#exit-codes-and-errors): 0 success; 1 an internal error, a bug in the
    toolkit (the line asks to report it; ``BARGAINING_DEBUG=1`` shows the traceback); 2 bad input
    (a file, a field, an option); 130 interrupted (Ctrl-C). Everything printed passes through
    :func:`terminal_safe` here, once: text from a file or an argument (titles, names, file names)
    reaches the terminal with its control characters escaped, and an error is always one line,
    whatever newlines a name holds.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        out = run(args)
    except ScenarioError as err:
        err = as_flags(err)
        if not err.file and not err.field:  # every bad-input line names where: the command at least
            err = err.located(field=args[0] if args and not args[0].startswith("-") else "options")
        return _fail(str(err), 2)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:
        if os.environ.get("BARGAINING_DEBUG"):
            raise
        return _fail(_internal(exc), 1)
    try:
        _say(out, sys.stdout)
    except BrokenPipeError:  # the reader went away (``bargaining ... | head``): not an error
        with contextlib.suppress(OSError, ValueError):  # keep Python's last flush at exit from failing again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    return 0


__all__ += ["resolve", "run"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

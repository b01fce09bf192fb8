"""The ``bargaining`` command (FORMAT.md section 6): a face that parses options and prints results.

Exit codes: 0 success; 2 bad input, with one line ``FILE: FIELD: expected WHAT, found WHAT`` on
stderr; 1 an internal error. No command overwrites an existing file unless given ``--force``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from bargaining.builtins import DEFAULT_SCENARIO, builtin_names
from bargaining.display.text import report
from bargaining.equilibria import equilibria
from bargaining.errors import ScenarioError
from bargaining.history import matching_equilibria
from bargaining.scenario_file import load, resolve
from bargaining.templates import TEMPLATES

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option as one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise ScenarioError(message, file=None, field="options")


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


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="bargaining", description="Game-theoretic models of negotiation package deals.")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("list", help="built-in scenarios, one line each")
    check = sub.add_parser("check", help="validate scenario files")
    check.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    solve = sub.add_parser("solve", help="every equilibrium of a scenario's game")
    solve.add_argument("scenario", metavar="SCENARIO")
    solve.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="change a parameter for this run"
    )
    solve.add_argument("--json", action="store_true", help="machine-readable output (FORMAT.md section 7)")
    new = sub.add_parser("new", help="write a commented template (never overwrites)")
    new.add_argument("file", metavar="FILE")
    new.add_argument("--game", choices=["normal", "tree", "bargain"], default="normal")
    new.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    return p


def _solve(scenario_name: str, sets: Sequence[str], as_json: bool) -> str:
    scenario = load(scenario_name)
    overrides = parse_set(sets)
    for name, value in overrides.items():
        try:
            scenario.values({name: value})
        except ScenarioError as err:
            raise ScenarioError(err.expected, found=err.found, file=err.file, field=f"--set {name}") from None
    values = scenario.values(overrides)
    result = equilibria(scenario.game, values)
    matches = [matching_equilibria(result, obs) for obs in scenario.observed]
    if as_json:
        out = result.to_dict()
        out["scenario"] = scenario.name
        return json.dumps(out, indent=2, ensure_ascii=False)
    return report(scenario, result, matches)


def _list() -> str:
    lines = []
    for name in builtin_names():
        title = load(name).title
        star = " (default)" if name == DEFAULT_SCENARIO else ""
        lines.append(f"{name:<24} {title}{star}")
    return "\n".join(lines)


def _check(scenarios: Sequence[str]) -> str:
    lines = []
    for s in scenarios:
        scenario = load(s)
        game = scenario.game
        lines.append(f"{s}: ok ({scenario.kind} game, {game.n_actors} actors, {len(scenario.parameters)} parameters)")
    return "\n".join(lines)


def _new(file: str, game: str, force: bool) -> str:
    if game not in TEMPLATES:
        raise ScenarioError(
            '"normal" (tree and bargain games come in a later release)', found=repr(game), field="--game"
        )
    path = Path(file)
    if path.exists() and not force:
        raise ScenarioError("a path that does not exist yet (or --force)", found="an existing file", file=file)
    mode = "w" if force else "x"
    try:
        with path.open(mode, encoding="utf-8") as fh:
            fh.write(TEMPLATES[game])
    except FileExistsError:
        raise ScenarioError(
            "a path that does not exist yet (or --force)", found="an existing file", file=file
        ) from None
    except OSError as exc:
        raise ScenarioError("a writable path", found=exc.strerror or type(exc).__name__, file=file) from None
    return f"wrote {file}: a {game}-form template; try: bargaining solve {file}"


def run(argv: Sequence[str]) -> str:
    """Run one command and return what it prints (raises ``ScenarioError`` on bad input)."""
    args = _parser().parse_args(list(argv))
    if args.command is None:
        return _solve(DEFAULT_SCENARIO, [], False)
    if args.command == "list":
        return _list()
    if args.command == "check":
        return _check(args.scenarios)
    if args.command == "solve":
        return _solve(args.scenario, args.set, args.json)
    if args.command == "new":
        return _new(args.file, args.game, args.force)
    raise ScenarioError("a command", found=repr(args.command))  # pragma: no cover - argparse refuses others


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: print the result, or one line on stderr with exit status 2 (bad input) or 1."""
    try:
        out = run(sys.argv[1:] if argv is None else argv)
    except ScenarioError as err:
        print(f"bargaining: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bargaining: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("BARGAINING_DEBUG"):
            raise
        print(
            f"bargaining: internal error ({type(exc).__name__}: {exc}); set BARGAINING_DEBUG=1 for a traceback",
            file=sys.stderr,
        )
        return 1
    print(out)
    return 0


__all__ += ["resolve", "run"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

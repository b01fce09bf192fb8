"""Reading scenario files (docs/format.md): TOML -> checked fields -> typed :class:`Scenario`.

A scenario file is data. It is read with the standard library's :mod:`tomllib`; every field is
checked for its type and meaning, and every expression goes through the ``ast`` whitelist of
:mod:`bargaining.expressions`. Nothing in a file is ever executed. Each problem raises a
:class:`~bargaining.errors.ScenarioError` whose message names the file, the field's path
(``payoffs[2].CA``, counting tables from 0) and what was expected.

Budgets (docs/format.md#budgets), checked while reading, before any work: a file of at most
:func:`max_file_bytes` (10 MB, or ``BARGAINING_MAX_FILE_MB``), read only up to that size; every
string at most :data:`MAX_STRING` characters; every array or table at most :func:`max_entries`
entries (10,000, or ``BARGAINING_MAX_ENTRIES``); every integer within the float range. Every
number of the model must be a finite real number at the parameters' defaults (payoffs, outcomes,
bounds, utilities, discount factors in (0, 1), powers, outside options), and every chance
probability must lie in [0, 1] over the parameters' whole box: proven by interval arithmetic where
sympy can, else checked at sampled points (the error says which). Loading takes time linear in the
file's size.

>>> scenario = load("conditionality")
>>> scenario.game.actors
('EU', 'CA')
>>> loads('format = "bargaining/1"', name="x.toml")
Traceback (most recent call last):
...
bargaining.errors.ScenarioError: x.toml: game: expected a string, found nothing
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import sympy

from bargaining.analysis.signs import interval_on_box
from bargaining.errors import ScenarioError, ScenarioFileError, UnknownScenarioError
from bargaining.expressions import FLOAT_MAX, as_expression, check_finite_real, evaluate_real
from bargaining.games.bargain import BargainingProblem
from bargaining.games.bayesian import BayesianGame
from bargaining.games.normal import NormalFormGame
from bargaining.games.signalling import SignallingGame
from bargaining.games.tree import ChanceNode, TreeGame
from bargaining.games.two_level import TwoLevelGame
from bargaining.io.bayesian_file import BAYESIAN_KEYS, parse_bayesian, prior_items
from bargaining.io.builtins import builtin_names, builtin_path
from bargaining.io.gambit import GAMBIT_SUFFIXES, load_gambit
from bargaining.io.limits import (  # the budgets, shared with the other readers (bargaining.io.gambit)
    MAX_FILE_ENV,
    MAX_FILE_MB,
    MAX_ITEMS,
    MAX_ITEMS_ENV,
    MAX_STRING,
    max_entries,
    max_file_bytes,
)
from bargaining.io.limits import megabytes as _megabytes
from bargaining.io.limits import read_limited as _read
from bargaining.io.signalling_file import SIGNALLING_KEYS, parse_signalling
from bargaining.io.two_level_file import TWO_LEVEL_KEYS, parse_two_level
from bargaining.parameters import PARAMETER_KINDS, ParameterKind
from bargaining.scenario import FORMAT, Actor, Claim, Fact, Observed, Parameter, Scenario, check_identifier

__all__ = ["MAX_FILE_MB", "MAX_ITEMS", "MAX_STRING", "load", "loads", "max_entries", "max_file_bytes", "resolve"]

#: Random points at which a chance probability is checked where interval arithmetic proves nothing.
PROBABILITY_SAMPLES = 2000

COMMON_KEYS = {"format", "title", "summary", "game", "actors", "parameters", "facts", "observed", "claims"}
TOP_KEYS = {
    "normal": COMMON_KEYS | {"payoffs", "payoff_formulas", "sequential", "lattice"},
    "tree": COMMON_KEYS | {"root", "nodes", "outcomes"},
    "bargain": COMMON_KEYS | {"issues", "interactions", "disagreement", "discount", "power", "outside"},
    "two_level": COMMON_KEYS | TWO_LEVEL_KEYS,
    "signalling": COMMON_KEYS | SIGNALLING_KEYS,
    "bayesian": COMMON_KEYS | BAYESIAN_KEYS,
}


def _type_name(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    for t, n in names.items():
        if type(value) is t:
            return n
    return type(value).__name__


def _path_text(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _check_sizes(doc: Mapping[str, Any], file: str) -> None:
    """Every string, array, table and integer of the parsed file within its budget (one linear walk)."""
    stack: list[tuple[object, list[str | int]]] = [(doc, [])]
    entries = max_entries()
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise ScenarioError(
                    f"a string of at most {MAX_STRING:,} characters (docs/format.md#budgets)",
                    found=f"{len(value):,} characters",
                    file=file,
                    field=_path_text(path) or None,
                )
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if abs(value) > FLOAT_MAX:
                raise ScenarioError(
                    f"a number within the float range (at most about {FLOAT_MAX:.3g})",
                    found=f"an integer of {len(str(abs(value)))} digits",  # tomllib reads at most 4,300
                    file=file,
                    field=_path_text(path) or None,
                )
        elif isinstance(value, dict | list):
            if len(value) > entries:
                raise ScenarioError(
                    f"at most {entries:,} entries (docs/format.md#budgets; raise it with {MAX_ITEMS_ENV})",
                    found=f"{len(value):,}",
                    file=file,
                    field=_path_text(path) or None,
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((v, [*path, k]) for k, v in items)


class _Reader:
    """Field-by-field checks that know which file and which field they are in."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, field: str, expected: str, found: str) -> ScenarioError:
        return ScenarioError(expected, found=found, file=self.file, field=field)

    def table(self, value: object, field: str, allowed: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(field, "a table", _type_name(value))
        if allowed is not None:
            extra = sorted(set(value) - allowed)
            if extra:
                raise self.error(
                    f"{field}.{extra[0]}" if field else extra[0],
                    "one of the keys " + ", ".join(sorted(allowed)),
                    repr(extra[0]),
                )
        return value

    def array(self, value: object, field: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.error(field, "an array", _type_name(value))
        return value

    def string(self, value: object, field: str, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise self.error(field, "a string", "nothing" if value is None else _type_name(value))
        return value

    def number(self, value: object, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(field, "a number", "nothing" if value is None else _type_name(value) + f" {value!r}")
        if isinstance(value, int) and abs(value) > FLOAT_MAX:
            raise self.error(field, f"a number within the float range (at most about {FLOAT_MAX:.3g})", "an integer")
        if not math.isfinite(value):
            raise self.error(field, "a finite number", repr(value))
        return float(value)

    def date(self, value: object, field: str) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
        raise self.error(field, "a date (2007-06-01) or a string", _type_name(value))


def _parameters(r: _Reader, raw: object) -> tuple[Parameter, ...]:
    table = r.table(raw if raw is not None else {}, "parameters")
    out = []
    for name, spec in table.items():
        where = f"parameters.{name}"
        check = r.table(spec, where, {"value", "min", "max", "description", "source", "kind"})
        try:
            check_identifier(name, where)
        except ScenarioError as err:
            raise err.located(file=r.file) from None
        if "value" not in check:
            raise r.error(f"{where}.value", "a number", "nothing")
        source = r.string(check.get("source"), f"{where}.source")
        if not source.strip():
            raise r.error(
                f"{where}.source",
                "where the number comes from (a citation or 'illustrative assumption')",
                "an empty string",
            )
        kwargs = {k: r.number(check[k], f"{where}.{k}") for k in ("value", "min", "max") if k in check}
        kind = _kind(r, check.get("kind"), f"{where}.kind")
        try:
            out.append(
                Parameter(
                    name,
                    description=r.string(check.get("description"), f"{where}.description", required=False),
                    source=source,
                    kind=kind,
                    **kwargs,
                )
            )
        except ScenarioError as err:
            raise err.located(file=r.file) from None
    return tuple(out)


def _kind(r: _Reader, raw: object, field: str) -> ParameterKind | None:
    """A parameter's optional ``kind`` (docs/format.md#assumptions-data-and-switches); None when absent."""
    if raw is None:
        return None
    text = r.string(raw, field)
    for kind in PARAMETER_KINDS:
        if text == kind:
            return kind
    raise r.error(field, '"assumption", "data" or "switch"', repr(text))


def _actors(r: _Reader, raw: object, game: str) -> tuple[tuple[Actor, ...], dict[str, list[str]]]:
    items = r.array(raw, "actors")
    if not items:
        raise r.error("actors", "at least one [[actors]] table", "none")
    actors: list[Actor] = []
    ids: set[str] = set()
    strategies: dict[str, list[str]] = {}
    for k, item in enumerate(items):
        where = f"actors[{k}]"
        t = r.table(item, where, {"id", "name", "strategies"})
        actor_id = r.string(t.get("id"), f"{where}.id")
        try:
            check_identifier(actor_id, f"{where}.id")
        except ScenarioError as err:
            raise err.located(file=r.file) from None
        if actor_id in ids:
            raise r.error(f"{where}.id", "a unique actor id", f"{actor_id!r} again")
        ids.add(actor_id)
        actors.append(Actor(actor_id, r.string(t.get("name"), f"{where}.name", required=False)))
        if game == "normal":
            if "strategies" not in t:
                raise r.error(f"{where}.strategies", "a list of strategy names", "nothing")
            ss = r.array(t["strategies"], f"{where}.strategies")
            names = [r.string(s, f"{where}.strategies[{j}]") for j, s in enumerate(ss)]
            if not names:
                raise r.error(f"{where}.strategies", "at least one strategy", "an empty list")
            seen: set[str] = set()
            for j, s in enumerate(names):
                try:
                    check_identifier(s, f"{where}.strategies[{j}]")
                except ScenarioError as err:
                    raise err.located(file=r.file) from None
                if s in seen:
                    raise r.error(f"{where}.strategies[{j}]", "unique strategy names", f"{s!r} again")
                seen.add(s)
            strategies[actor_id] = names
        elif "strategies" in t:
            raise r.error(f"{where}.strategies", "no strategies in a game tree (the moves are at its nodes)", "a list")
    return tuple(actors), strategies


def _game(
    r: _Reader,
    doc: Mapping[str, Any],
    strategies: dict[str, list[str]],
    params: list[str],
    values: Mapping[str, float],
) -> NormalFormGame:
    has_table, has_formulas = "payoffs" in doc, "payoff_formulas" in doc
    if has_table == has_formulas:
        raise r.error(
            "payoffs", "either [[payoffs]] tables or a [payoff_formulas] table", "both" if has_table else "neither"
        )
    try:
        if has_formulas:
            formulas = r.table(doc["payoff_formulas"], "payoff_formulas")
            for actor, text in formulas.items():
                if not isinstance(text, str | int | float) or isinstance(text, bool):
                    raise r.error(f"payoff_formulas.{actor}", "an expression string", _type_name(text))
            return NormalFormGame.from_formulas(strategies, formulas, parameters=params, values=values)
        entries = []
        for k, item in enumerate(r.array(doc["payoffs"], "payoffs")):
            t = r.table(item, f"payoffs[{k}]")
            if "profile" not in t:
                raise r.error(f"payoffs[{k}].profile", "a table actor -> strategy", "nothing")
            profile = r.table(t["profile"], f"payoffs[{k}].profile")
            for a, s in profile.items():
                r.string(s, f"payoffs[{k}].profile.{a}")
            pays = {a: v for a, v in t.items() if a != "profile"}
            for a, v in pays.items():
                if isinstance(v, bool) or not isinstance(v, str | int | float):
                    raise r.error(f"payoffs[{k}].{a}", "an expression string or a number", _type_name(v))
            entries.append((profile, pays))
        return NormalFormGame.from_table(strategies, entries, parameters=params, values=values)
    except ScenarioError as err:
        raise err.located(file=r.file) from None


def _bargain(
    r: _Reader, doc: Mapping[str, Any], actors: list[str], parameters: list[str], values: Mapping[str, float]
) -> BargainingProblem:
    issues = [r.table(item, f"issues[{k}]") for k, item in enumerate(r.array(doc.get("issues"), "issues"))]
    interactions = [
        r.table(item, f"interactions[{k}]")
        for k, item in enumerate(r.array(doc.get("interactions", []), "interactions"))
    ]
    tables = {key: r.table(doc[key], key) for key in ("disagreement", "discount", "power") if key in doc}
    try:
        return BargainingProblem.build(
            actors,
            issues,
            interactions=interactions,
            disagreement=tables.get("disagreement"),
            discount=tables.get("discount"),
            power=tables.get("power"),
            parameters=parameters,
            values=values,
        )
    except ScenarioError as err:
        raise err.located(file=r.file) from None


def _tree(r: _Reader, doc: Mapping[str, Any], actors: list[str], parameters: tuple[Parameter, ...]) -> TreeGame:
    root = r.string(doc.get("root"), "root")
    nodes = r.table(doc.get("nodes"), "nodes")
    outcomes = r.table(doc.get("outcomes"), "outcomes")
    try:
        return TreeGame.build(
            actors,
            root,
            nodes,
            outcomes,
            parameters=[p.name for p in parameters],
            box={p.name: (p.min, p.max) for p in parameters},
            values={p.name: p.value for p in parameters},
        )
    except ScenarioError as err:
        raise err.located(file=r.file) from None


def _facts(r: _Reader, raw: object) -> tuple[Fact, ...]:
    out = []
    for k, item in enumerate(r.array(raw if raw is not None else [], "facts")):
        where = f"facts[{k}]"
        t = r.table(item, where, {"date", "text", "source"})
        out.append(
            Fact(
                r.date(t.get("date"), f"{where}.date"),
                r.string(t.get("text"), f"{where}.text"),
                r.string(t.get("source"), f"{where}.source"),
            )
        )
    return tuple(out)


def _some(names: list[str] | Mapping[str, Any], shown: int = 12) -> str:
    """Names for a message: all of them, or the first few and how many there are."""
    items = list(names)
    if len(items) <= shown:
        return ", ".join(items)
    return ", ".join(items[:shown]) + f", ... ({len(items):,} in all)"


def _observed(
    r: _Reader, raw: object, strategies: Mapping[str, list[str]], parameters: list[str]
) -> tuple[Observed, ...]:
    known = set(parameters)
    choices = {a: set(ss) for a, ss in strategies.items()}
    out = []
    for k, item in enumerate(r.array(raw if raw is not None else [], "observed")):
        where = f"observed[{k}]"
        t = r.table(item, where, {"what", "date", "source", "note", "set"})
        settings = r.table(t.get("set", {}), f"{where}.set")
        for pname, v in settings.items():
            if pname not in known:
                raise r.error(f"{where}.set.{pname}", f"a parameter ({_some(parameters)})", repr(pname))
            r.number(v, f"{where}.set.{pname}")
        what = r.table(t.get("what"), f"{where}.what")
        for actor, s in what.items():
            if actor not in strategies:
                raise r.error(f"{where}.what.{actor}", "an actor among " + _some(strategies), repr(actor))
            if r.string(s, f"{where}.what.{actor}") not in choices[actor]:
                raise r.error(f"{where}.what.{actor}", f"a strategy of {actor} ({_some(strategies[actor])})", repr(s))
        out.append(
            Observed(
                dict(what),
                r.date(t.get("date"), f"{where}.date"),
                r.string(t.get("source"), f"{where}.source"),
                r.string(t.get("note"), f"{where}.note", required=False),
                {n: float(v) for n, v in settings.items()},
            )
        )
    return tuple(out)


def _claims(
    r: _Reader, raw: object, strategies: Mapping[str, list[str]], parameters: tuple[Parameter, ...]
) -> tuple[Claim, ...]:
    """``[[claims]]``: the model's counterfactual claims (docs/format.md#claims), checked like observations."""
    known = {p.name: p for p in parameters}
    choices = {a: set(ss) for a, ss in strategies.items()}
    out = []
    for k, item in enumerate(r.array(raw if raw is not None else [], "claims")):
        where = f"claims[{k}]"
        t = r.table(item, where, {"what", "set", "text", "source"})
        settings = r.table(t.get("set", {}), f"{where}.set")
        for pname, v in settings.items():
            if pname not in known:
                raise r.error(f"{where}.set.{pname}", f"a parameter ({_some(known)})", repr(pname))
            try:
                known[pname].check(r.number(v, f"{where}.set.{pname}"), f"{where}.set.{pname}")
            except ScenarioError as err:
                raise err.located(file=r.file) from None
        what = r.table(t.get("what"), f"{where}.what")
        if not what:
            raise r.error(f"{where}.what", "at least one actor -> strategy", "an empty table")
        for actor, s in what.items():
            if actor not in strategies:
                raise r.error(f"{where}.what.{actor}", "an actor among " + _some(strategies), repr(actor))
            if r.string(s, f"{where}.what.{actor}") not in choices[actor]:
                raise r.error(f"{where}.what.{actor}", f"a strategy of {actor} ({_some(strategies[actor])})", repr(s))
        text = r.string(t.get("text"), f"{where}.text")
        source = r.string(t.get("source"), f"{where}.source")
        if not source.strip():
            raise r.error(
                f"{where}.source", "whose claim it is (a citation, or 'model claim' and where)", "an empty string"
            )
        out.append(Claim(dict(what), {n: float(v) for n, v in settings.items()}, text, source))
    return tuple(out)


def _outside(
    r: _Reader, raw: object, actors: tuple[str, ...], names: list[str], defaults: Mapping[str, float]
) -> dict[str, sympy.Expr]:
    """``[outside]``: an actor's outside option, an expression that is a finite real number at the defaults."""
    outside = r.table(raw, "outside")
    out = {}
    for a, v in outside.items():
        field = f"outside.{a}"
        if a not in actors:
            raise r.error(field, f"an actor among {', '.join(actors)}", repr(a))
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise r.error(field, "an expression string or a number", _type_name(v) + f" {v!r}"[:40])
        try:
            out[a] = as_expression(v, parameters=names)
            check_finite_real(out[a], defaults)
        except ScenarioError as err:
            raise err.located(file=r.file, field=field) from None
    return out


def _box_points(box: Mapping[str, tuple[float, float]], names: list[str], count: int) -> dict[str, Any]:
    """The box's corners (at most 1,024 of them) and ``count`` random points, as arrays by name
    (a parameter without a finite bound is drawn within 10 of its other bound, or from [-10, 10])."""
    rng = np.random.default_rng(0)
    ranges = []
    for n in names:
        lo, hi = box[n]
        if not math.isfinite(lo):
            lo = hi - 10.0 * (1.0 + abs(hi)) if math.isfinite(hi) else -10.0
        if not math.isfinite(hi):
            hi = lo + 10.0 * (1.0 + abs(lo))
        ranges.append((lo, hi))
    corners = min(1024, 2 ** len(names))
    bits = (np.arange(corners)[:, None] >> np.arange(len(names))[None, :]) & 1
    if 2 ** len(names) > corners:
        bits = rng.integers(0, 2, (corners, len(names)))
    points: dict[str, Any] = {}
    for j, (n, (lo, hi)) in enumerate(zip(names, ranges, strict=True)):
        points[n] = np.concatenate([np.where(bits[:, j] == 1, hi, lo), rng.uniform(lo, hi, count)])
    return points


_MONOTONE = (sympy.Add, sympy.Mul, sympy.Pow, sympy.exp, sympy.log)


def _single_use(expr: sympy.Expr) -> bool:
    """Each parameter occurs once in ``expr``, built from + * / ** exp log sqrt only: interval
    arithmetic then gives its exact range over a box, not only an enclosure."""
    seen: set[sympy.Basic] = set()
    for node in sympy.preorder_traversal(expr):
        if node.is_Symbol:
            if node in seen:
                return False
            seen.add(node)
        elif not (node.is_Number or node.is_NumberSymbol or isinstance(node, _MONOTONE)):
            return False
    return True


def _decided(claim: object) -> bool:
    """A sympy comparison of two numbers as a bool (False when sympy cannot decide it)."""
    try:
        return bool(claim)
    except TypeError:
        return False


def _check_probabilities_on_box(r: _Reader, tree: TreeGame, parameters: tuple[Parameter, ...]) -> None:
    """Every chance probability lies in [0, 1] over the parameters' whole box.

    Checked exactly where sympy can: interval arithmetic (``sympy.AccumBounds``, through
    :func:`~bargaining.analysis.signs.interval_on_box`) proves an enclosure inside [0, 1], or, for an
    expression in which each parameter occurs once (whose enclosure is its exact range), proves it
    leaves [0, 1]. Otherwise it is checked at the box's corners and :data:`PROBABILITY_SAMPLES`
    random points. The error says which was done, and the point where the probability leaves [0, 1].
    """
    items = [
        (f"nodes.{node.id}.probabilities.{m}", p)
        for node in tree.nodes.values()
        if isinstance(node, ChanceNode)
        for (m, _), p in zip(node.moves, node.probabilities, strict=True)
    ]
    _probabilities_on_box(r, items, parameters)


def _probabilities_on_box(r: _Reader, items: list[tuple[str, sympy.Expr]], parameters: tuple[Parameter, ...]) -> None:
    """Each probability of ``items`` (field, expression) in [0, 1] over the box, checked as above."""
    box = {p.name: (p.min, p.max) for p in parameters}
    for field, p in items:
        symbols = sorted(p.free_symbols, key=lambda s: s.name)
        if not symbols:
            continue  # a number, checked in [0, 1] when the game was built
        enclosure = interval_on_box(p, {s: box[s.name] for s in symbols if s.name in box})
        exact = False
        if enclosure is not None:
            lo, hi = enclosure
            if _decided(lo >= 0) and _decided(hi <= 1):
                continue  # proven by interval arithmetic
            exact = _single_use(p) and (_decided(lo < 0) or _decided(hi > 1))
        points = _box_points(box, [s.name for s in symbols], PROBABILITY_SAMPLES)
        values, _ = evaluate_real(p, points)
        values = np.broadcast_to(values, points[symbols[0].name].shape)
        bad = np.flatnonzero(~((values >= -1e-12) & (values <= 1 + 1e-12)))  # rounding is no excursion
        if exact and enclosure is not None:
            how = f"checked exactly: by interval arithmetic it ranges over [{_bound(lo)}, {_bound(hi)}] on the box"
        else:
            how = (
                f"interval arithmetic could not decide; checked by sampling {values.size:,} points"
                " of the box (its corners and random points)"
            )
        if bad.size:
            k = int(bad[0])
            at = ", ".join(f"{s.name} = {float(points[s.name][k]):g}" for s in symbols)
            raise r.error(
                field,
                "a probability in [0, 1] for every parameter value in the box",
                f"{str(p)[:60]} = {float(values[k]):g} at {at} ({how})",
            )
        if exact:
            raise r.error(field, "a probability in [0, 1] for every parameter value in the box", f"{p} ({how})")


def _bound(x: sympy.Expr) -> str:
    try:
        return f"{float(x):g}"
    except (TypeError, ValueError, OverflowError):
        return str(x)[:40]


def _sequential(r: _Reader, raw: object, actors: list[str]) -> tuple[str, str]:
    """``sequential = [leader, follower]``: a two-actor normal form read as move-then-reply
    (docs/format.md#sequential-reading)."""
    if not isinstance(raw, list) or len(actors) != 2 or len(raw) != 2 or sorted(str(a) for a in raw) != sorted(actors):
        raise r.error(
            "sequential",
            "the two actors in order of moves, [leader, follower]"
            + (f" ({', '.join(actors)})" if len(actors) == 2 else ", in a two-actor game"),
            repr(raw),
        )
    return str(raw[0]), str(raw[1])


def loads(text: str, *, name: str = "<string>") -> Scenario:
    """A scenario from TOML text; ``name`` is the file name used in error messages."""
    r = _Reader(name)
    limit = max_file_bytes()
    if len(text) > limit:
        raise ScenarioFileError(
            f"a file of at most {_megabytes(limit)} (docs/format.md#budgets; raise it with {MAX_FILE_ENV})",
            found=f"{_megabytes(len(text))} of text",
            file=name,
        )
    if not text.strip():
        raise ScenarioFileError(
            f'a scenario (format = "{FORMAT}", title, game, actors, ...)', found="an empty file", file=name
        )
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError("valid TOML", found=f"a syntax error: {exc}", file=name) from None
    except RecursionError:
        raise ScenarioFileError("valid TOML", found="nesting too deep to read", file=name) from None
    except ValueError:  # Python's limit of 4,300 digits on converting text to an integer
        raise ScenarioFileError(
            f"integers within the float range (at most about {FLOAT_MAX:.3g})",
            found="an integer of more than 4,300 digits",
            file=name,
        ) from None
    _check_sizes(doc, name)
    if "format" not in doc:
        raise r.error("format", f'the string "{FORMAT}"', "nothing")
    if doc["format"] != FORMAT:
        raise r.error("format", f'the string "{FORMAT}"', repr(doc["format"]))
    game = r.string(doc.get("game"), "game")
    if game not in TOP_KEYS:
        raise r.error("game", '"normal", "tree", "bargain", "signalling", "two_level" or "bayesian"', repr(game))
    r.table(doc, "", TOP_KEYS[game])
    title = r.string(doc.get("title"), "title")
    summary = r.string(doc.get("summary"), "summary", required=False)
    parameters = _parameters(r, doc.get("parameters"))
    if game == "signalling":  # its actors are [sender] and [receiver] (docs/format.md#signalling-games)
        signalling, actors, strategies = parse_signalling(r, doc, parameters)
    elif game == "bayesian":  # actors with actions and types (docs/format.md#bayesian-games)
        bayesian, actors, strategies = parse_bayesian(r, doc, parameters)
        _probabilities_on_box(r, prior_items(bayesian), parameters)
    else:
        actors, strategies = _actors(r, doc.get("actors"), game)
    names = [p.name for p in parameters]
    defaults = {p.name: p.value for p in parameters}
    built: NormalFormGame | TreeGame | BargainingProblem | SignallingGame | TwoLevelGame | BayesianGame
    extra: dict[str, Any] = {}
    if game == "signalling":
        built = signalling
    elif game == "bayesian":
        built = bayesian
    elif game == "bargain":
        problem = _bargain(r, doc, [a.id for a in actors], names, defaults)
        strategies = {i.id: list(i.options) for i in problem.issues}
        built = problem
        if "outside" in doc:
            extra["outside"] = _outside(r, doc["outside"], problem.actors, names, defaults)
    elif game == "two_level":
        built = parse_two_level(doc, [a.id for a in actors], names, defaults, file=r.file)
    elif game == "tree":
        tree = _tree(r, doc, [a.id for a in actors], parameters)
        _check_probabilities_on_box(r, tree, parameters)
        strategies = {a.id: sorted({m for n in tree.decision_nodes(a.id) for m, _ in tree.moves_at(n)}) for a in actors}
        built = tree
    else:
        built = _game(r, doc, strategies, names, defaults)
        if "sequential" in doc:
            extra["sequential"] = _sequential(r, doc["sequential"], [a.id for a in actors])
        if "lattice" in doc:  # a signing game: the report adds its lattice and cascade (docs/format.md)
            if not isinstance(doc["lattice"], bool):
                raise r.error("lattice", "true or false", _type_name(doc["lattice"]))
            extra["lattice"] = doc["lattice"]
    try:
        return Scenario(
            title=title,
            game=built,
            parameters=parameters,
            actors=actors,
            summary=summary,
            facts=_facts(r, doc.get("facts")),
            observed=_observed(r, doc.get("observed"), strategies, names),
            claims=_claims(r, doc.get("claims"), strategies, parameters),
            kind=game,  # type: ignore[arg-type]
            path=name,
            extra=extra,
        )
    except ScenarioError as err:
        raise err.located(file=name) from None


def resolve(scenario: str | Path) -> Path:
    """The file a user means: an existing path, or the name of a built-in scenario."""
    if not str(scenario):  # Path("") is the current folder: say what was given instead
        raise ScenarioFileError("a scenario file or a built-in scenario", found="an empty name", field="SCENARIO")
    path = Path(scenario)
    try:
        if path.is_file():
            return path
        builtin = builtin_path(str(scenario))
        if builtin is not None:
            return builtin
        if path.is_dir():
            raise ScenarioFileError("a scenario file", found="a folder", file=str(scenario))
        if path.exists():
            raise ScenarioFileError(
                "a scenario file", found="a special file (a fifo, a device or a socket)", file=str(scenario)
            )
    except OSError as exc:  # a name too long, a permission denied on the way
        raise ScenarioFileError(
            "a readable file", found=exc.strerror or type(exc).__name__, file=str(scenario)
        ) from None
    raise UnknownScenarioError(
        "a scenario file or a built-in scenario (" + ", ".join(builtin_names()) + ")",
        found="neither",
        file=str(scenario),
    )


def load(scenario: str | Path) -> Scenario:
    """Load a scenario file, or a built-in scenario by name (``bargaining list`` shows them).

    The file is only read, never modified or executed; one larger than :func:`max_file_bytes` is
    refused before it is read. A Gambit file (``.nfg`` or ``.efg``) is read by
    :func:`bargaining.io.gambit.load_gambit`.
    """
    path = resolve(scenario)
    if path.suffix.lower() in GAMBIT_SUFFIXES:  # Gambit's .nfg and .efg files
        return load_gambit(path)
    display = str(scenario) if path == Path(scenario) else path.name
    data = _read(path, display)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioFileError(
            "UTF-8 text", found=f"a byte that is not UTF-8 at position {exc.start}", file=display
        ) from None
    return loads(text, name=display)

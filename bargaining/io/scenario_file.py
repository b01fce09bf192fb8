"""Reading scenario files (docs/format.md): TOML -> checked fields -> typed :class:`Scenario`.

A scenario file is data. It is read with the standard library's :mod:`tomllib`; every field is
checked for its type and meaning, and every expression goes through the ``ast`` whitelist of
:mod:`bargaining.expressions`. Nothing in a file is ever executed. Each problem raises a
:class:`~bargaining.errors.ScenarioError` whose message names the file, the field's path
(``payoffs[2].CA``, counting tables from 0) and what was expected.

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

from bargaining.errors import ScenarioError, ScenarioFileError, UnknownScenarioError
from bargaining.expressions import as_expression
from bargaining.games.bargain import BargainingProblem
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import TreeGame
from bargaining.io.builtins import builtin_names, builtin_path
from bargaining.parameters import PARAMETER_KINDS, ParameterKind
from bargaining.scenario import FORMAT, Actor, Claim, Fact, Observed, Parameter, Scenario, check_identifier

__all__ = ["load", "loads", "resolve"]

COMMON_KEYS = {"format", "title", "summary", "game", "actors", "parameters", "facts", "observed", "claims"}
TOP_KEYS = {
    "normal": COMMON_KEYS | {"payoffs", "payoff_formulas", "sequential", "lattice"},
    "tree": COMMON_KEYS | {"root", "nodes", "outcomes"},
    "bargain": COMMON_KEYS | {"issues", "interactions", "disagreement", "discount", "power", "outside"},
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
    strategies: dict[str, list[str]] = {}
    for k, item in enumerate(items):
        where = f"actors[{k}]"
        t = r.table(item, where, {"id", "name", "strategies"})
        actor_id = r.string(t.get("id"), f"{where}.id")
        try:
            check_identifier(actor_id, f"{where}.id")
        except ScenarioError as err:
            raise err.located(file=r.file) from None
        if any(a.id == actor_id for a in actors):
            raise r.error(f"{where}.id", "a unique actor id", f"{actor_id!r} again")
        actors.append(Actor(actor_id, r.string(t.get("name"), f"{where}.name", required=False)))
        if game == "normal":
            if "strategies" not in t:
                raise r.error(f"{where}.strategies", "a list of strategy names", "nothing")
            ss = r.array(t["strategies"], f"{where}.strategies")
            names = [r.string(s, f"{where}.strategies[{j}]") for j, s in enumerate(ss)]
            if not names:
                raise r.error(f"{where}.strategies", "at least one strategy", "an empty list")
            for j, s in enumerate(names):
                try:
                    check_identifier(s, f"{where}.strategies[{j}]")
                except ScenarioError as err:
                    raise err.located(file=r.file) from None
                if names.index(s) != j:
                    raise r.error(f"{where}.strategies[{j}]", "unique strategy names", f"{s!r} again")
            strategies[actor_id] = names
        elif "strategies" in t:
            raise r.error(f"{where}.strategies", "no strategies in a game tree (the moves are at its nodes)", "a list")
    return tuple(actors), strategies


def _game(r: _Reader, doc: Mapping[str, Any], strategies: dict[str, list[str]], params: list[str]) -> NormalFormGame:
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
            return NormalFormGame.from_formulas(strategies, formulas, parameters=params)
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
        return NormalFormGame.from_table(strategies, entries, parameters=params)
    except ScenarioError as err:
        raise err.located(file=r.file) from None


def _bargain(r: _Reader, doc: Mapping[str, Any], actors: list[str], parameters: list[str]) -> BargainingProblem:
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


def _observed(
    r: _Reader, raw: object, strategies: Mapping[str, list[str]], parameters: list[str]
) -> tuple[Observed, ...]:
    out = []
    for k, item in enumerate(r.array(raw if raw is not None else [], "observed")):
        where = f"observed[{k}]"
        t = r.table(item, where, {"what", "date", "source", "note", "set"})
        settings = r.table(t.get("set", {}), f"{where}.set")
        for pname, v in settings.items():
            if pname not in parameters:
                raise r.error(f"{where}.set.{pname}", f"a parameter ({', '.join(parameters)})", repr(pname))
            r.number(v, f"{where}.set.{pname}")
        what = r.table(t.get("what"), f"{where}.what")
        for actor, s in what.items():
            if actor not in strategies:
                raise r.error(f"{where}.what.{actor}", "an actor among " + ", ".join(strategies), repr(actor))
            if r.string(s, f"{where}.what.{actor}") not in strategies[actor]:
                raise r.error(
                    f"{where}.what.{actor}", f"a strategy of {actor} ({', '.join(strategies[actor])})", repr(s)
                )
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
    out = []
    for k, item in enumerate(r.array(raw if raw is not None else [], "claims")):
        where = f"claims[{k}]"
        t = r.table(item, where, {"what", "set", "text", "source"})
        settings = r.table(t.get("set", {}), f"{where}.set")
        for pname, v in settings.items():
            if pname not in known:
                raise r.error(f"{where}.set.{pname}", f"a parameter ({', '.join(known)})", repr(pname))
            try:
                known[pname].check(r.number(v, f"{where}.set.{pname}"), f"{where}.set.{pname}")
            except ScenarioError as err:
                raise err.located(file=r.file) from None
        what = r.table(t.get("what"), f"{where}.what")
        if not what:
            raise r.error(f"{where}.what", "at least one actor -> strategy", "an empty table")
        for actor, s in what.items():
            if actor not in strategies:
                raise r.error(f"{where}.what.{actor}", "an actor among " + ", ".join(strategies), repr(actor))
            if r.string(s, f"{where}.what.{actor}") not in strategies[actor]:
                raise r.error(
                    f"{where}.what.{actor}", f"a strategy of {actor} ({', '.join(strategies[actor])})", repr(s)
                )
        text = r.string(t.get("text"), f"{where}.text")
        source = r.string(t.get("source"), f"{where}.source")
        if not source.strip():
            raise r.error(
                f"{where}.source", "whose claim it is (a citation, or 'model claim' and where)", "an empty string"
            )
        out.append(Claim(dict(what), {n: float(v) for n, v in settings.items()}, text, source))
    return tuple(out)


def _sequential(r: _Reader, raw: object, actors: list[str]) -> tuple[str, str]:
    """``sequential = [leader, follower]``: a two-actor normal form read as move-then-reply
    (docs/format.md#sequential-reading)."""
    if (
        not isinstance(raw, list)
        or len(actors) != 2
        or len(raw) != 2
        or sorted(str(a) for a in raw) != sorted(actors)
    ):
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
    if "format" not in doc:
        raise r.error("format", f'the string "{FORMAT}"', "nothing")
    if doc["format"] != FORMAT:
        raise r.error("format", f'the string "{FORMAT}"', repr(doc["format"]))
    game = r.string(doc.get("game"), "game")
    if game not in TOP_KEYS:
        raise r.error("game", '"normal", "tree" or "bargain"', repr(game))
    r.table(doc, "", TOP_KEYS[game])
    title = r.string(doc.get("title"), "title")
    summary = r.string(doc.get("summary"), "summary", required=False)
    parameters = _parameters(r, doc.get("parameters"))
    actors, strategies = _actors(r, doc.get("actors"), game)
    names = [p.name for p in parameters]
    built: NormalFormGame | TreeGame | BargainingProblem
    extra: dict[str, Any] = {}
    if game == "bargain":
        problem = _bargain(r, doc, [a.id for a in actors], names)
        strategies = {i.id: list(i.options) for i in problem.issues}
        built = problem
        if "outside" in doc:
            outside = r.table(doc["outside"], "outside")
            for a in outside:
                if a not in problem.actors:
                    raise r.error(f"outside.{a}", f"an actor among {', '.join(problem.actors)}", repr(a))
            try:
                extra["outside"] = {
                    a: as_expression(v, parameters=names) if not isinstance(v, bool) else None
                    for a, v in outside.items()
                }
            except ScenarioError as err:
                raise err.located(file=r.file, field="outside") from None
    elif game == "tree":
        tree = _tree(r, doc, [a.id for a in actors], parameters)
        strategies = {a.id: sorted({m for n in tree.decision_nodes(a.id) for m, _ in tree.moves_at(n)}) for a in actors}
        built = tree
    else:
        built = _game(r, doc, strategies, names)
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
    path = Path(scenario)
    if path.is_file():
        return path
    builtin = builtin_path(str(scenario))
    if builtin is not None:
        return builtin
    if path.exists():
        raise ScenarioFileError("a scenario file", found="a folder", file=str(scenario))
    raise UnknownScenarioError(
        "a scenario file or a built-in scenario (" + ", ".join(builtin_names()) + ")",
        found="neither",
        file=str(scenario),
    )


def load(scenario: str | Path) -> Scenario:
    """Load a scenario file, or a built-in scenario by name (``bargaining list`` shows them).

    The file is only read, never modified or executed.
    """
    path = resolve(scenario)
    display = str(scenario) if Path(scenario).is_file() else path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioFileError("a readable file", found=exc.strerror or type(exc).__name__, file=display) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioFileError(
            "UTF-8 text", found=f"a byte that is not UTF-8 at position {exc.start}", file=display
        ) from None
    return loads(text, name=display)

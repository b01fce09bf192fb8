"""Reading ``game = "bayesian"`` files (docs/format.md#bayesian-games): ``[[actors]]`` with their
``actions`` and (optional) ``types``, ``[prior.ACTOR]`` for every actor with several types, and the
payoffs as ``[payoff_formulas]`` (in the indicators ``ACTOR.action`` and ``ACTOR.type``) or as
``[[payoffs]]`` tables, one per (type profile, action profile).

:func:`parse_bayesian` is called by :func:`bargaining.io.scenario_file.loads` with the parsed TOML
document and its field reader (which knows the file's name), and returns the checked
:class:`~bargaining.games.bayesian.BayesianGame`, its actors and each actor's actions. Every expression
goes through the safe parser of :mod:`bargaining.expressions`; every error is one line naming the file
and the field. Each actor's prior must sum to 1 identically (for every parameter value), and each
probability lie in [0, 1] over the parameters' box (checked by the reader like a chance node's
probabilities, :func:`prior_items`).

A ``[[payoffs]]`` table ``{types = {KZ = "low"}, profile = {RU = "press", KZ = "sign"}, RU = "...",
KZ = "..."}`` becomes the term ``KZ.low * RU.press * KZ.sign * (...)`` of each actor's formula; an actor
with one type may be left out of ``types``. Every (type profile, action profile) needs exactly one table.

>>> from bargaining.io.scenario_file import loads
>>> text = '''
... format = "bargaining/1"
... title = "press or wait"
... game = "bayesian"
... [parameters.mu]
... value = 0.7
... min = 0
... max = 1
... source = "illustrative assumption"
... [[actors]]
... id = "RU"
... actions = ["press", "wait"]
... [[actors]]
... id = "KZ"
... actions = ["sign", "stay_out"]
... types = ["low", "high"]
... [prior.KZ]
... low = "mu"
... high = "1 - mu"
... [payoff_formulas]
... RU = "RU.press * (KZ.sign - KZ.stay_out)"
... KZ = "KZ.sign * (2 * RU.press - KZ.low - 3 * KZ.high)"
... '''
>>> game = loads(text).game
>>> game.kind, game.types, game.prior[1]
('bayesian', (('only',), ('low', 'high')), (mu, 1 - mu))
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product
from typing import Any

import sympy

from bargaining.errors import ScenarioError
from bargaining.expressions import as_expression, indicator_symbol
from bargaining.games.bayesian import BayesianGame
from bargaining.io.field_reader import Reader, identifier, read_names
from bargaining.parameters import Parameter
from bargaining.scenario import Actor

__all__ = ["BAYESIAN_KEYS", "parse_bayesian", "prior_items"]

#: The top-level keys of a Bayesian game besides the common ones ([[actors]] is common).
BAYESIAN_KEYS = {"prior", "payoff_formulas", "payoffs"}


def _expression(r: Reader, value: object, field: str) -> str | float | int:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        found = "nothing" if value is None else type(value).__name__
        raise r.error(field, "an expression string or a number", found)
    return value


def _actors(r: Reader, raw: object) -> tuple[list[Actor], dict[str, list[str]], dict[str, list[str]]]:
    """The actors, their actions and their types (``["only"]`` when none are listed)."""
    items = r.array(raw, "actors")
    if not items:
        raise r.error("actors", "at least one [[actors]] table", "none")
    actors: list[Actor] = []
    actions: dict[str, list[str]] = {}
    types: dict[str, list[str]] = {}
    for k, item in enumerate(items):
        where = f"actors[{k}]"
        t = r.table(item, where, {"id", "name", "actions", "types"})
        actor_id = identifier(r, r.string(t.get("id"), f"{where}.id"), f"{where}.id")
        if actor_id in actions:
            raise r.error(f"{where}.id", "a unique actor id", f"{actor_id!r} again")
        if "actions" not in t:
            raise r.error(f"{where}.actions", "a list of action names", "nothing")
        actions[actor_id] = read_names(r, t["actions"], f"{where}.actions", "action")
        types[actor_id] = read_names(r, t["types"], f"{where}.types", "type") if "types" in t else ["only"]
        both = set(actions[actor_id]) & set(types[actor_id])
        if both:
            raise r.error(f"{where}.types", "type names other than the actor's actions", repr(sorted(both)[0]))
        actors.append(Actor(actor_id, r.string(t.get("name"), f"{where}.name", required=False)))
    return actors, actions, types


def _prior(r: Reader, raw: object, types: Mapping[str, list[str]]) -> dict[str, dict[str, str | float | int]]:
    table = r.table(raw if raw is not None else {}, "prior")
    out: dict[str, dict[str, str | float | int]] = {}
    for actor, row in table.items():
        if actor not in types:
            raise r.error(f"prior.{actor}", f"an actor among {', '.join(types)}", repr(actor))
        if len(types[actor]) == 1:
            raise r.error(f"prior.{actor}", "a prior only for an actor with several types", "a [prior] table")
        t = r.table(row, f"prior.{actor}", set(types[actor]))
        out[actor] = {ty: _expression(r, v, f"prior.{actor}.{ty}") for ty, v in t.items()}
    for actor, ts in types.items():
        if len(ts) > 1 and actor not in out:
            raise r.error(f"prior.{actor}", f"a [prior.{actor}] table, type -> probability ({', '.join(ts)})", "none")
    return out


def _formulas_from_tables(
    r: Reader,
    raw: object,
    actions: Mapping[str, list[str]],
    types: Mapping[str, list[str]],
    names: list[str],
) -> dict[str, sympy.Expr]:
    """Each actor's payoff as the sum over ``[[payoffs]]`` tables of the table's indicator product times its entry."""
    actors = list(actions)
    first: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    terms: dict[str, list[sympy.Expr]] = {a: [] for a in actors}
    for k, item in enumerate(r.array(raw, "payoffs")):
        where = f"payoffs[{k}]"
        t = r.table(item, where, {"types", "profile", *actors})
        given_types = r.table(t.get("types", {}), f"{where}.types")
        profile = r.table(t.get("profile"), f"{where}.profile")
        chosen_types: list[str] = []
        chosen_actions: list[str] = []
        for a in actors:
            if a in given_types:
                ty = r.string(given_types[a], f"{where}.types.{a}")
                if ty not in types[a]:
                    raise r.error(f"{where}.types.{a}", f"a type of {a} ({', '.join(types[a])})", repr(ty))
            elif len(types[a]) == 1:
                ty = types[a][0]
            else:
                raise r.error(f"{where}.types.{a}", f"a type of {a} ({', '.join(types[a])})", "nothing")
            if a not in profile:
                raise r.error(f"{where}.profile.{a}", f"an action of {a} ({', '.join(actions[a])})", "nothing")
            act = r.string(profile[a], f"{where}.profile.{a}")
            if act not in actions[a]:
                raise r.error(f"{where}.profile.{a}", f"an action of {a} ({', '.join(actions[a])})", repr(act))
            chosen_types.append(ty)
            chosen_actions.append(act)
        for label, table in (("types", given_types), ("profile", profile)):
            extra = [a for a in table if a not in actions]
            if extra:
                raise r.error(f"{where}.{label}.{extra[0]}", f"an actor among {', '.join(actors)}", repr(extra[0]))
        key = (tuple(chosen_types), tuple(chosen_actions))
        if key in first:
            raise r.error(where, "every (types, profile) once", f"the one of payoffs[{first[key]}] again")
        first[key] = k
        weight = sympy.Mul(
            *(indicator_symbol(a, x) for a, x in zip(actors, chosen_types, strict=True) if len(types[a]) > 1),
            *(indicator_symbol(a, x) for a, x in zip(actors, chosen_actions, strict=True)),
        )
        for a in actors:
            if a not in t:
                raise r.error(f"{where}.{a}", f"a payoff for {a}", "nothing")
            try:
                terms[a].append(weight * as_expression(_expression(r, t[a], f"{where}.{a}"), parameters=names))
            except ScenarioError as err:
                raise err.located(file=r.file, field=f"{where}.{a}") from None
    for key in product(product(*types.values()), product(*actions.values())):
        if key not in first:
            described = ", ".join(
                [f"{a} {ty}" for a, ty in zip(actors, key[0], strict=True) if len(types[a]) > 1]
                + [f"{a} {x}" for a, x in zip(actors, key[1], strict=True)]
            )
            raise r.error("payoffs", "a [[payoffs]] table for every (types, profile)", f"none for {described}")
    return {a: sympy.Add(*ts) for a, ts in terms.items()}


def parse_bayesian(
    r: Reader, doc: Mapping[str, Any], parameters: tuple[Parameter, ...]
) -> tuple[BayesianGame, tuple[Actor, ...], dict[str, list[str]]]:
    """The game of a ``game = "bayesian"`` document, its actors and each actor's actions."""
    for key in ("observed", "claims"):
        if key in doc:
            raise r.error(key, "no [[observed]] or [[claims]] in a Bayesian game (its record is not judged)", "some")
    actors, actions, types = _actors(r, doc.get("actors"))
    prior = _prior(r, doc.get("prior"), types)
    names = [p.name for p in parameters]
    has_table, has_formulas = "payoffs" in doc, "payoff_formulas" in doc
    if has_table == has_formulas:
        raise r.error(
            "payoffs", "either [[payoffs]] tables or a [payoff_formulas] table", "both" if has_table else "neither"
        )
    formulas: Mapping[str, str | float | int | sympy.Expr]
    if has_formulas:
        table = r.table(doc["payoff_formulas"], "payoff_formulas")
        formulas = {a: _expression(r, v, f"payoff_formulas.{a}") for a, v in table.items()}
    else:
        formulas = _formulas_from_tables(r, doc["payoffs"], actions, types, names)
    try:
        game = BayesianGame.from_formulas(
            actions, {a: ts for a, ts in types.items() if ts != ["only"]}, prior, formulas, parameters=names
        )
        game = game.with_parameters(parameters)
        for a, row in zip(game.actors, game.prior, strict=True):
            if len(row) > 1 and sympy.simplify(sympy.Add(*row) - 1) != 0:
                raise ScenarioError(
                    "type probabilities that sum to 1 for every parameter value",
                    found=f"a sum of {sympy.Add(*row)}"[:80],
                    field=f"prior.{a}",
                )
        game.check_prior({p.name: p.value for p in parameters})
    except ScenarioError as err:
        raise err.located(file=r.file) from None
    return game, tuple(actors), {a: list(xs) for a, xs in actions.items()}


def prior_items(game: BayesianGame) -> list[tuple[str, sympy.Expr]]:
    """Every prior probability with its field (``prior.KZ.low``), for the reader's check on the box."""
    return [
        (f"prior.{a}.{t}", p)
        for a, ts, row in zip(game.actors, game.types, game.prior, strict=True)
        if len(ts) > 1
        for t, p in zip(ts, row, strict=True)
    ]

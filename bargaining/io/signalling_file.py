"""Reading ``game = "signalling"`` files (docs/format.md#signalling-games): ``[sender]``, ``[receiver]``,
``[prior]`` and one ``[[payoffs]]`` table per (type, message, action).

:func:`parse_signalling` is called by :func:`bargaining.io.scenario_file.loads` with the parsed TOML
document and its field reader (which knows the file's name), and returns the checked
:class:`~bargaining.games.signalling.SignallingGame`, the two actors and, for the record check, each
actor's choices (the sender's messages, the receiver's actions). Every expression goes through the
safe parser of :mod:`bargaining.expressions`; every error names the file and the field.

>>> from bargaining.io.scenario_file import load
>>> game = load("conditionality_signalling").game
>>> game.types, game.messages, game.actions
(('low', 'high'), ('reform', 'wait'), ('reward', 'withhold'))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bargaining.errors import ScenarioError
from bargaining.games.signalling import SignallingGame, Triple
from bargaining.io.field_reader import Reader, read_names
from bargaining.parameters import Parameter, check_identifier
from bargaining.scenario import Actor

__all__ = ["SIGNALLING_KEYS", "parse_signalling"]

#: The top-level keys of a signalling file besides the common ones (it has no [[actors]]).
SIGNALLING_KEYS = {"sender", "receiver", "prior", "payoffs"}


def _actor(r: Reader, raw: object, field: str, lists: set[str]) -> tuple[str, str, dict[str, Any]]:
    t = r.table(raw, field, {"id", "name"} | lists)
    actor_id = r.string(t.get("id"), f"{field}.id")
    try:
        check_identifier(actor_id, f"{field}.id")
    except ScenarioError as err:
        raise err.located(file=r.file) from None
    return actor_id, r.string(t.get("name"), f"{field}.name", required=False), t


def _expression(r: Reader, value: object, field: str) -> str | float | int:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        found = "nothing" if value is None else type(value).__name__
        raise r.error(field, "an expression string or a number", found)
    return value


def parse_signalling(
    r: Reader, doc: Mapping[str, Any], parameters: tuple[Parameter, ...]
) -> tuple[SignallingGame, tuple[Actor, ...], dict[str, list[str]]]:
    """The game of a ``game = "signalling"`` document, its sender and receiver, and their choices."""
    if "actors" in doc:
        raise r.error("actors", "no [[actors]] in a signalling game (its actors are [sender] and [receiver])", "a list")
    sender, sender_name, s = _actor(r, doc.get("sender"), "sender", {"types", "messages"})
    receiver, receiver_name, rt = _actor(r, doc.get("receiver"), "receiver", {"actions"})
    if receiver == sender:
        raise r.error("receiver.id", "an id other than the sender's", repr(receiver))
    types = read_names(r, s.get("types"), "sender.types", "type")
    messages = read_names(r, s.get("messages"), "sender.messages", "message")
    actions = read_names(r, rt.get("actions"), "receiver.actions", "action")
    prior_table = r.table(doc.get("prior"), "prior")
    prior = {t: _expression(r, v, f"prior.{t}") for t, v in prior_table.items()}
    payoffs: dict[Triple, dict[str, str | float | int]] = {}
    first: dict[Triple, int] = {}
    for k, item in enumerate(r.array(doc.get("payoffs"), "payoffs")):
        where = f"payoffs[{k}]"
        t = r.table(item, where, {"type", "message", "action", sender, receiver})
        triple = (
            r.string(t.get("type"), f"{where}.type"),
            r.string(t.get("message"), f"{where}.message"),
            r.string(t.get("action"), f"{where}.action"),
        )
        for label, known, what in zip(triple, (types, messages, actions), ("type", "message", "action"), strict=True):
            if label not in known:
                raise r.error(f"{where}.{what}", f"a {what} among {', '.join(known)}", repr(label))
        if triple in first:
            raise r.error(
                where, "every (type, message, action) once", f"{triple} again (first at payoffs[{first[triple]}])"
            )
        first[triple] = k
        pay = {}
        for actor in (sender, receiver):
            if actor not in t:
                raise r.error(f"{where}.{actor}", f"a payoff for {actor}", "nothing")
            pay[actor] = _expression(r, t[actor], f"{where}.{actor}")
        payoffs[triple] = pay
    try:
        game = SignallingGame.build(
            sender,
            types,
            messages,
            receiver,
            actions,
            prior,
            {triple: pay for triple, pay in payoffs.items()},
            parameters=[p.name for p in parameters],
            values={p.name: p.value for p in parameters},
        )
    except ScenarioError as err:
        raise err.located(file=r.file) from None
    actors = (Actor(sender, sender_name), Actor(receiver, receiver_name))
    return game, actors, {sender: messages, receiver: actions}

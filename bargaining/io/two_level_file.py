"""The ``game = "two_level"`` part of a scenario file (docs/format.md#two-level-games).

Keys: ``[payoffs]`` (each actor's level-I payoff, an expression in the offer and the parameters,
affine in the offer), ``[disagreement]``, ``[[ratifiers]]`` (``side``, ``id``, ``name`` and at least
one of ``max_offer``, ``min_offer``, ``min_payoff``), ``[rules]`` (per side ``"unanimity"`` or
``"majority"``), ``[quota]`` (per side, optional), ``offer`` (the offer's name, default ``"v"``) and
``within`` (the offer space, default ``[0, 1]``).

>>> game = parse_two_level({"payoffs": {"A": "1 - v", "B": "v"},
...                         "ratifiers": [{"side": "A", "id": "r", "max_offer": "0.4"}]},
...                        ["A", "B"], [], {})
>>> game.kind, game.ratifiers[0].max_offer
('two_level', 2/5)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bargaining.errors import ScenarioError
from bargaining.games.two_level import TwoLevelGame

__all__ = ["TWO_LEVEL_KEYS", "parse_two_level"]

TWO_LEVEL_KEYS = {"offer", "within", "payoffs", "disagreement", "ratifiers", "rules", "quota"}
"""The top-level keys of a two-level game beyond the common ones."""


def _table(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError("a table", found=type(value).__name__, field=where)
    return value


def parse_two_level(
    doc: Mapping[str, Any],
    actors: Sequence[str],
    parameters: Sequence[str],
    values: Mapping[str, float],
    *,
    file: str | None = None,
) -> TwoLevelGame:
    """The two-level game of a parsed scenario file ``doc`` (its errors located in ``file``)."""
    try:
        for key in ("observed", "claims"):
            if key in doc:
                raise ScenarioError(
                    "no [[observed]] or [[claims]] in a two-level game (its record is not judged)",
                    found=f"[[{key}]]",
                    field=key,
                )
        if "payoffs" not in doc:
            raise ScenarioError(
                "a [payoffs] table, actor -> level-I payoff in the offer", found="none", field="payoffs"
            )
        ratifiers = doc.get("ratifiers", [])
        if not isinstance(ratifiers, list):
            raise ScenarioError("an array of [[ratifiers]] tables", found=type(ratifiers).__name__, field="ratifiers")
        offer = doc.get("offer", "v")
        if not isinstance(offer, str):
            raise ScenarioError("the offer's name, a string", found=type(offer).__name__, field="offer")
        within = doc.get("within", [0, 1])
        if not isinstance(within, list):
            raise ScenarioError("two bounds [low, high]", found=type(within).__name__, field="within")
        return TwoLevelGame.build(
            actors,
            payoffs=_table(doc["payoffs"], "payoffs"),
            disagreement=_table(doc["disagreement"], "disagreement") if "disagreement" in doc else None,
            ratifiers=[_table(r, f"ratifiers[{k}]") for k, r in enumerate(ratifiers)],
            rules=_table(doc["rules"], "rules") if "rules" in doc else None,
            quotas=_table(doc["quota"], "quota") if "quota" in doc else None,
            offer=offer,
            within=within,
            parameters=list(parameters),
            values=values,
        )
    except ScenarioError as err:
        raise err.located(file=file) from None

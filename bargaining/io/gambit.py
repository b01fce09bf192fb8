r"""Gambit's game files: read ``.nfg`` and ``.efg`` into games, write games back to them.

Theorists cross-check with Gambit (https://www.gambit-project.org), whose text formats are
documented at https://gambitproject.readthedocs.io, "Game representation formats":

* **.nfg, version 1** (a game in normal form). ``NFG 1 R "title" { "player 1" ... }``, then the
  strategies, either as counts ``{ 3 2 }`` or as labels ``{ { "T" "B" } { "L" "R" } }``, an
  optional comment string, and a body in one of two forms. The *payoff* form lists every
  profile's payoffs, player by player; the *outcome* form lists outcomes ``{ "label" 3, 2 }``
  and then one outcome number per profile (0: every payoff 0). Profiles run with the first
  player's strategy changing fastest.
* **.efg, version 2** (a game tree). ``EFG 2 R "title" { "player 1" ... } "comment"``, then the
  nodes in prefix order: a personal node ``p "name" player infoset "infoset name" { "a" "b" }
  outcome``, a chance node ``c "name" infoset "name" { "a" 1/3 "b" 2/3 } outcome``, a terminal
  node ``t "name" outcome "outcome name" { payoffs }``. An outcome is described where it first
  appears and referred to by its number afterwards; outcomes at inner nodes add to the payoffs
  of every play through them.

Numbers are read exactly: integers, decimals (``.80``, ``1.5e-3``) and rationals ``a/b`` become
sympy rationals, by integer arithmetic (nothing in a file is ever evaluated), and must lie within
the float range. Labels become identifiers (``"Player 1"`` -> ``Player_1``, ``"1"`` -> ``s1``,
empty ones numbered), unique among their kind; an actor keeps its label as its name. Our trees
may have information sets (docs/format.md#information-sets): the personal nodes of one player with
one information set number form one set, named by the id of its first node in the file. The input budgets of
the scenario files apply (docs/format.md#budgets): the file's size is checked before it is read,
every list is counted while it is parsed, and a game of more than :func:`max_entries` profiles,
nodes or outcomes is refused before it is built.

Writing: :func:`write_nfg` and :func:`write_efg` evaluate the payoffs and probabilities at the
given (else the default) parameter values, exactly: a parameter's value is read as the decimal it
prints as (``1.3`` is 13/10), a payoff that comes out rational is written ``p/q`` and any other
as a decimal of 17 significant digits. An offer node (an actor choosing a number) has no Gambit
counterpart: :func:`write_efg` refuses it unless ``offer_grid`` says which values to offer, and
then writes a choice among them.

>>> game = read_nfg('NFG 1 R "Coordination" { "Row" "Col" } { 2 2 } 2 0 0 0 0 0 1/2 1/2', source="c.nfg")
>>> game.actors, game.strategies
(('Row', 'Col'), (('s1', 's2'), ('s1', 's2')))
>>> game.payoff_expr("Row", ("s2", "s2"))
1/2
>>> print(write_nfg(game), end="")
NFG 1 R "" { "Row" "Col" }
<BLANKLINE>
{ { "s1" "s2" }
{ "s1" "s2" }
}
""
<BLANKLINE>
2 0
0 0
0 0
1/2 1/2
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from pathlib import Path
from typing import Any

import mpmath  # type: ignore[import-untyped]
import sympy

from bargaining.errors import ScenarioError, ScenarioFileError
from bargaining.expressions import FLOAT_MAX, parameter_symbol
from bargaining.games.incentives import exact
from bargaining.games.normal import NormalFormGame
from bargaining.games.tree import ChanceNode, DecisionNode, OfferNode, TreeGame
from bargaining.io.limits import MAX_ITEMS_ENV, MAX_STRING, max_entries, read_limited
from bargaining.scenario import Actor, Scenario

__all__ = [
    "GAMBIT_SUFFIXES",
    "exact_number",
    "exact_values",
    "load_gambit",
    "loads_gambit",
    "number_text",
    "read_efg",
    "read_nfg",
    "write_efg",
    "write_nfg",
]

GAMBIT_SUFFIXES = (".nfg", ".efg")
"""The file names :func:`bargaining.load` reads as Gambit files."""

#: The most digits of one number's mantissa, numerator or denominator, and the largest exponent
#: (the float range's integers have at most 309 digits): a number is never expanded beyond these.
MAX_DIGITS = 400
MAX_EXPONENT = 400
SIGNIFICANT_DIGITS = 17

_NUMBER = re.compile(r"[+-]?(?:\d+/\d+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<punct>[{},])
      | (?P<text>"(?:[^"\\]|\\.)*")
      | (?P<number>[+-]?(?:\d|\.\d)[0-9./eE+-]*)
      | (?P<symbol>[^\s{}",]+)""",
    re.VERBOSE | re.DOTALL,
)
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u2028\u2029")


# ------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Token:
    kind: str  # "punct", "text", "number", "symbol", "end"
    value: str
    offset: int


class _Lexer:
    """Gambit's tokens, one at a time (a 10 MB file is never split into a list of millions)."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.pos = 0
        self.peeked: _Token | None = None

    def where(self, offset: int) -> str:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return f"line {line}, column {column}"

    def error(self, token: _Token, expected: str, found: str | None = None) -> ScenarioError:
        return ScenarioError(
            expected,
            found=found if found is not None else _describe(token),
            file=self.source,
            field=self.where(token.offset),
        )

    def _scan(self) -> _Token:
        while True:
            if self.pos >= len(self.text):
                return _Token("end", "", len(self.text))
            m = _TOKEN.match(self.text, self.pos)
            if m is None:  # an opening quote without its closing one
                raise ScenarioError(
                    'a closing " for the string label',
                    found="the end of the file",
                    file=self.source,
                    field=self.where(self.pos),
                )
            start, self.pos = self.pos, m.end()
            kind = m.lastgroup or "symbol"
            if kind == "space":
                continue
            value = m.group()
            if kind == "text":
                value = _unescape(value[1:-1])
                if len(value) > MAX_STRING:
                    raise ScenarioError(
                        f"a string of at most {MAX_STRING:,} characters (docs/format.md#budgets)",
                        found=f"{len(value):,} characters",
                        file=self.source,
                        field=self.where(start),
                    )
            return _Token(kind, value, start)

    def next(self) -> _Token:
        if self.peeked is not None:
            token, self.peeked = self.peeked, None
            return token
        return self._scan()

    def peek(self) -> _Token:
        if self.peeked is None:
            self.peeked = self._scan()
        return self.peeked

    def expect(self, kind: str, value: str | None, expected: str) -> _Token:
        token = self.next()
        if token.kind != kind or (value is not None and token.value != value):
            raise self.error(token, expected)
        return token

    def text_token(self, what: str, *, comment: bool = False) -> str:
        token = self.expect("text", None, f"{what} (a string in double quotes)")
        _check_characters(self, token, comment=comment)
        return token.value

    def number(self, what: str) -> Fraction:
        token = self.next()
        if token.kind != "number":
            raise self.error(token, what)
        return _parse_number(self, token)

    def integer(self, what: str, low: int, high: int) -> int:
        token = self.next()
        if token.kind != "number" or not re.fullmatch(r"\+?\d{1,12}", token.value):
            raise self.error(token, what)
        value = int(token.value)
        if not low <= value <= high:
            raise self.error(token, what, found=token.value)
        return value

    def end(self) -> None:
        token = self.next()
        if token.kind != "end":
            raise self.error(token, "the end of the file")


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the file"
    if token.kind == "text":
        return f"the string {token.value[:40]!r}"
    return repr(token.value[:40])


def _unescape(raw: str) -> str:
    """A label's text: ``\\"`` is a quote and ``\\\\`` a backslash; any other backslash stays."""
    return re.sub(r'\\(["\\])', r"\1", raw)


def _check_characters(lexer: _Lexer, token: _Token, *, comment: bool) -> None:
    allowed = "\t\n\r" if comment else ""
    for k, ch in enumerate(token.value):
        if (unicodedata.category(ch) == "Cc" and ch not in allowed) or ch in _BIDI:
            raise lexer.error(
                token,
                "a label without control characters" + (" (tabs and line breaks only in a comment)" if comment else ""),
                found=f"the character U+{ord(ch):04X} at position {k}",
            )


def _parse_number(lexer: _Lexer, token: _Token) -> Fraction:
    """An exact number from Gambit's integer, decimal or rational text, never expanded beyond
    :data:`MAX_DIGITS` digits or exponents beyond :data:`MAX_EXPONENT`."""
    text = token.value
    if not _NUMBER.fullmatch(text):
        raise lexer.error(token, "a number (an integer, a decimal such as 0.25 or 1e-3, or a rational a/b)")
    digits = sum(ch.isdigit() for ch in text)
    if "/" in text:
        num, den = text.split("/")
        if len(num.lstrip("+-")) > MAX_DIGITS or len(den) > MAX_DIGITS:
            raise lexer.error(
                token, f"a rational of at most {MAX_DIGITS} digits above and below", found=f"{digits} digits"
            )
        if int(den) == 0:
            raise lexer.error(token, "a rational a/b with b not 0")
        value = Fraction(int(num), int(den))
    else:
        mantissa, _, exponent = text.lower().partition("e")
        if exponent and abs(int(exponent)) > MAX_EXPONENT:
            raise lexer.error(token, f"a number within the float range (exponent at most {MAX_EXPONENT})")
        if len(mantissa) > MAX_DIGITS + 2:
            raise lexer.error(token, f"a number of at most {MAX_DIGITS} digits", found=f"{digits} digits")
        value = Fraction(mantissa) * Fraction(10) ** int(exponent or 0)
    if abs(value) > FLOAT_MAX:
        raise lexer.error(token, f"a number within the float range (at most about {FLOAT_MAX:.3g})")
    return value


def _rational(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)


class _Names:
    """Identifiers made from Gambit's labels, unique within one namespace."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, label: str, prefix: str, number: int) -> str:
        base = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
        base = re.sub(r"[^A-Za-z0-9_]+", "_", base).strip("_")[:64]
        if not base:
            base = f"{prefix}{number}"
        elif base[0].isdigit():
            base = prefix + base
        name, k = base, 2
        while name in self.used:
            name, k = f"{base}_{k}", k + 1
        self.used.add(name)
        return name


def _check_count(lexer: _Lexer, token: _Token, count: int, what: str) -> None:
    limit = max_entries()
    if count > limit:
        raise lexer.error(
            token,
            f"at most {limit:,} {what} (docs/format.md#budgets; raise it with {MAX_ITEMS_ENV})",
            found=f"{count:,} or more",
        )


def _header(lexer: _Lexer, kind: str, version: str) -> tuple[str, list[str]]:
    """``NFG 1 R "title" { "player" ... }`` (or ``EFG 2 R ...``): the title and the players' labels."""
    token = lexer.next()
    if token.kind != "symbol" or token.value != kind:
        raise lexer.error(token, f"a Gambit {kind} file, starting with {kind} {version} R")
    lexer.expect("number", version, f"version {version} ({kind} {version} R)")
    token = lexer.expect("symbol", None, "R (or D) after the version")
    if token.value not in ("R", "D"):
        raise lexer.error(token, "R (or D) after the version")
    title = lexer.text_token("the game's title", comment=True)
    lexer.expect("punct", "{", "'{' opening the list of players")
    players: list[str] = []
    while lexer.peek().kind == "text":
        _check_count(lexer, lexer.peek(), len(players) + 1, "players")
        players.append(lexer.text_token("a player's label"))
    lexer.expect("punct", "}", "a player's label or '}' closing the list of players")
    if not players:
        raise lexer.error(lexer.peek(), "at least one player", found="none")
    return title, players


def read_nfg(text: str, *, source: str) -> NormalFormGame:
    """A normal-form game from the text of a Gambit ``.nfg`` file (version 1, payoff or outcome form).

    ``source`` names the file in error messages, which say the line and column and what was expected.

    >>> g = read_nfg('''NFG 1 R "Matching" { "A" "B" } { { "H" "T" } { "H" "T" } } ""
    ... { { "" 1, -1 } { "" -1, 1 } } 1 2 2 1''', source="m.nfg")
    >>> g.payoff_expr("B", ("T", "H"))
    1
    >>> read_nfg('NFG 2 R "x" { "A" } { 1 } 0', source="bad.nfg")
    Traceback (most recent call last):
    ...
    bargaining.errors.ScenarioError: bad.nfg: line 1, column 5: expected version 1 (NFG 1 R), found '2'
    """
    return _read_nfg(_Lexer(text, source))[0]


def _read_nfg(lexer: _Lexer) -> tuple[NormalFormGame, str, list[str], str]:
    title, players = _header(lexer, "NFG", "1")
    n = len(players)
    lexer.expect("punct", "{", "'{' opening the strategies")
    labels: list[list[str]] = []
    profiles = 1
    if lexer.peek().kind == "punct" and lexer.peek().value == "{":
        for p in range(n):
            lexer.expect("punct", "{", f"'{{' opening player {p + 1}'s strategies")
            own: list[str] = []
            while lexer.peek().kind == "text":
                _check_count(lexer, lexer.peek(), len(own) + 1, "strategies of a player")
                own.append(lexer.text_token("a strategy's label"))
            lexer.expect("punct", "}", "a strategy's label or '}'")
            labels.append(own)
    else:
        for p in range(n):
            token = lexer.peek()
            count = lexer.integer(f"player {p + 1}'s number of strategies (a positive integer)", 1, 10**12)
            _check_count(lexer, token, count, "strategies of a player")
            labels.append([str(k + 1) for k in range(count)])
    for p, own in enumerate(labels):
        if not own:
            raise lexer.error(lexer.peek(), f"at least one strategy for player {p + 1}", found="none")
        profiles *= len(own)
        _check_count(lexer, lexer.peek(), profiles, "strategy profiles")
    lexer.expect("punct", "}", "'}' closing the strategies")
    comment = lexer.text_token("the comment", comment=True) if lexer.peek().kind == "text" else ""
    names = _Names()
    actors = [names.make(label, "P", k + 1) for k, label in enumerate(players)]
    strategies = []
    for own in labels:
        snames = _Names()
        strategies.append([snames.make(label, "s", k + 1) for k, label in enumerate(own)])
    payoffs: list[tuple[Fraction, ...]] = []
    token = lexer.peek()
    if token.kind == "punct" and token.value == "{":
        lexer.next()
        outcomes: list[tuple[Fraction, ...]] = []
        while lexer.peek().kind == "punct" and lexer.peek().value == "{":
            _check_count(lexer, lexer.peek(), len(outcomes) + 1, "outcomes")
            lexer.next()
            lexer.text_token("the outcome's label")
            outcomes.append(_payoff_list(lexer, n))
            lexer.expect("punct", "}", f"'}}' closing outcome {len(outcomes)} after {n} payoffs")
        lexer.expect("punct", "}", "an outcome '{ \"label\" payoffs }' or '}' closing the outcomes")
        zero = tuple(Fraction(0) for _ in range(n))
        for _ in range(profiles):
            k = lexer.integer(f"an outcome number from 0 to {len(outcomes)}", 0, len(outcomes))
            payoffs.append(outcomes[k - 1] if k else zero)
    elif token.kind == "number":
        for _ in range(profiles):
            payoffs.append(tuple(lexer.number("a payoff (a number)") for _ in range(n)))
    else:
        raise lexer.error(token, "the payoffs: a list of numbers, or '{' opening a list of outcomes")
    lexer.end()
    table = {}
    # profiles in Gambit's order: the first player's strategy changes fastest
    for k, idx in enumerate(product(*(range(len(s)) for s in reversed(strategies)))):
        profile = tuple(strategies[p][i] for p, i in enumerate(reversed(idx)))
        table[profile] = tuple(_rational(x) for x in payoffs[k])
    game = NormalFormGame.from_table(dict(zip(actors, strategies, strict=True)), table, parameters=[])
    return game, title, players, comment


def _payoff_list(lexer: _Lexer, n: int) -> tuple[Fraction, ...]:
    out = []
    for _ in range(n):
        out.append(lexer.number(f"a payoff (a number; {n} of them, one per player)"))
        if lexer.peek().kind == "punct" and lexer.peek().value == ",":
            lexer.next()
    return tuple(out)


@dataclass
class _Frame:
    """A node whose children are being read: its id, its moves' labels and the payoffs so far."""

    id: str
    moves: list[str]
    targets: list[str] = field(default_factory=list)
    paid: tuple[Fraction, ...] = ()


def read_efg(text: str, *, source: str) -> TreeGame:
    """A game tree from the text of a Gambit ``.efg`` file (version 2), information sets included.

    Personal nodes become decision nodes, chance nodes chance nodes (their probabilities exact),
    terminal nodes outcomes whose payoffs add up the outcomes met on the way. A node's id is its
    label made an identifier (else ``n1``, ``n2``, ... in the file's order), an outcome's the
    label of the outcome at its terminal node. A player's nodes with the same information set number
    form one information set (``info`` the id of its first node; its actions may be omitted at the
    later nodes, else they must be the same); the tree's checks then apply (no two nodes of a set on
    one path).

    >>> t = read_efg('''EFG 2 R "Entry" { "Entrant" "Incumbent" } ""
    ... p "enter?" 1 1 "" { "in" "out" } 0
    ... p "fight?" 2 1 "" { "fight" "accommodate" } 0
    ... t "" 1 "war" { -1, -1 }
    ... t "" 2 "peace" { 1, 1 }
    ... t "" 3 "stay out" { 0, 2 }''', source="entry.efg")
    >>> t.root, t.moves_at("enter"), t.outcomes["stay_out"].payoffs["Incumbent"]
    ('enter', (('in', 'fight'), ('out', 'stay_out')), 2)
    """
    return _read_efg(_Lexer(text, source))[0]


def _read_efg(lexer: _Lexer) -> tuple[TreeGame, str, list[str], str]:
    title, players = _header(lexer, "EFG", "2")
    n = len(players)
    comment = lexer.text_token("the comment", comment=True) if lexer.peek().kind == "text" else ""
    actor_names = _Names()
    actors = [actor_names.make(label, "P", k + 1) for k, label in enumerate(players)]
    ids = _Names()  # node and outcome ids share one namespace
    nodes: dict[str, dict[str, Any]] = {}
    outcome_specs: dict[str, dict[str, sympy.Expr]] = {}
    outcome_ids: dict[tuple[int, tuple[Fraction, ...]], str] = {}
    defined: dict[int, tuple[str, tuple[Fraction, ...]]] = {}
    infosets: dict[tuple[int, int], tuple[str, int, list[str]]] = {}
    shared: dict[str, str] = {}  # node -> the first node of its information set, for sets of several nodes
    events: dict[int, tuple[list[str], list[Fraction]]] = {}
    stack: list[_Frame] = []
    zero = tuple(Fraction(0) for _ in range(n))
    root = ""
    count = 0
    while True:
        token = lexer.next()
        if stack and len(stack[-1].targets) == len(stack[-1].moves):
            raise AssertionError("unreachable: finished frames are popped")  # pragma: no cover
        if token.kind != "symbol" or token.value not in ("p", "c", "t"):
            raise lexer.error(token, "a node: p (personal), c (chance) or t (terminal)")
        count += 1
        _check_count(lexer, token, count, "nodes")
        label = lexer.text_token("the node's label")
        paid = stack[-1].paid if stack else zero
        if token.value == "t":
            number, add = _outcome(lexer, n, defined, token)
            total = tuple(a + b for a, b in zip(paid, add, strict=True))
            key = (number, total)
            if key not in outcome_ids:
                name = defined[number][0] if number else label
                outcome_ids[key] = ids.make(name, "o", len(outcome_ids) + 1)
                outcome_specs[outcome_ids[key]] = {a: _rational(x) for a, x in zip(actors, total, strict=True)}
            target = outcome_ids[key]
            if not stack:
                raise lexer.error(token, "a personal or chance node at the root (the game has no move)", found="t")
        else:
            nid = ids.make(label, "n", count)
            if token.value == "p":
                player = lexer.integer(f"a player number from 1 to {n}", 1, n)
                infoset = lexer.integer("an information set number (a positive integer)", 1, 10**12)
                moves = _actions(lexer, chance=False)[0] if lexer.peek().kind == "text" else None
                key2 = (player, infoset)
                if key2 in infosets:  # another node of the player's information set: it joins the set
                    first, _, first_moves = infosets[key2]
                    if moves is not None and moves != first_moves:
                        raise lexer.error(
                            token,
                            f"the same actions as the first node of player {player}'s information set {infoset}"
                            f" ({', '.join(first_moves)}, at {first!r})",
                            found=", ".join(moves),
                        )
                    moves = first_moves
                    shared[first] = first
                    shared[nid] = first
                elif moves is None:
                    raise lexer.error(lexer.peek(), "the information set's name and its actions at its first node")
                else:
                    infosets[key2] = (nid, token.offset, moves)
                spec: dict[str, Any] = {"actor": actors[player - 1]}
            else:
                event = lexer.integer("an event (chance information set) number", 1, 10**12)
                if lexer.peek().kind == "text":
                    moves, probs = _actions(lexer, chance=True)
                    if event in events and events[event] != (moves, probs):
                        raise lexer.error(
                            token,
                            f"the same actions and probabilities as chance event {event}'s first node",
                            found="different ones",
                        )
                    events[event] = (moves, probs)
                elif event in events:
                    moves, probs = events[event]
                else:
                    raise lexer.error(lexer.peek(), "the event's name, actions and probabilities at its first node")
                spec = {"probabilities": probs}
            number, add = _outcome(lexer, n, defined, token)
            move_ids = _Names()
            names = [move_ids.make(m, "m", k + 1) for k, m in enumerate(moves)]
            _check_count(lexer, token, len(names), "moves at a node")
            if "probabilities" in spec:
                spec["probabilities"] = {m: _rational(p) for m, p in zip(names, spec["probabilities"], strict=True)}
            nodes[nid] = spec
            target = nid
            frame = _Frame(nid, names, paid=tuple(a + b for a, b in zip(paid, add, strict=True)))
        if stack:
            stack[-1].targets.append(target)
        else:
            root = target
        if token.value != "t":
            stack.append(frame)
        while stack and len(stack[-1].targets) == len(stack[-1].moves):
            done = stack.pop()
            nodes[done.id]["moves"] = dict(zip(done.moves, done.targets, strict=True))
        if not stack:
            break
    lexer.end()
    _check_count(lexer, _Token("end", "", len(lexer.text)), len(outcome_specs), "outcomes")
    for nid, first in shared.items():
        nodes[nid]["info"] = first
    try:
        tree = TreeGame.build(actors, root, nodes, outcome_specs, parameters=[])
    except ScenarioError as err:
        raise err.located(file=lexer.source) from None
    return tree, title, players, comment


def _actions(lexer: _Lexer, *, chance: bool) -> tuple[list[str], list[Fraction]]:
    """An information set's (or event's) name and ``{ "action" [probability] ... }``."""
    lexer.text_token("the information set's name")
    lexer.expect("punct", "{", "'{' opening the actions")
    moves: list[str] = []
    probs: list[Fraction] = []
    while lexer.peek().kind == "text":
        _check_count(lexer, lexer.peek(), len(moves) + 1, "moves at a node")
        moves.append(lexer.text_token("an action's label"))
        if chance:
            probs.append(lexer.number("the action's probability (a number)"))
    lexer.expect("punct", "}", "an action's label (a string in double quotes) or '}' closing the actions")
    if not moves:
        raise lexer.error(lexer.peek(), "at least one action", found="none")
    return moves, probs


def _outcome(
    lexer: _Lexer, n: int, defined: dict[int, tuple[str, tuple[Fraction, ...]]], node: _Token
) -> tuple[int, tuple[Fraction, ...]]:
    """A node's outcome: its number and payoffs (described at its first appearance, or 0 for none)."""
    at = lexer.peek()
    number = lexer.integer("the node's outcome number (0 for none)", 0, 10**12)
    if lexer.peek().kind == "text":
        if number == 0:
            raise lexer.error(lexer.peek(), "no label or payoffs for the null outcome 0")
        name = lexer.text_token("the outcome's label")
        lexer.expect("punct", "{", "'{' opening the outcome's payoffs")
        pays = _payoff_list(lexer, n)
        lexer.expect("punct", "}", f"'}}' closing the outcome's payoffs ({n}, one per player)")
        if number in defined and defined[number] != (name, pays):
            raise lexer.error(
                at, f"the same label and payoffs as outcome {number}'s first description", found="different ones"
            )
        _check_count(lexer, at, len(defined) + 1, "outcomes")
        defined[number] = (name, pays)
        return number, pays
    if number == 0:
        return 0, tuple(Fraction(0) for _ in range(n))
    if number not in defined:
        raise lexer.error(
            at,
            f"outcome {number} described (its label and payoffs) where it first appears",
            found="a reference to it before",
        )
    return number, defined[number][1]


def loads_gambit(text: str, *, name: str = "<string>") -> Scenario:
    """A scenario from the text of a Gambit file, ``.nfg`` or ``.efg`` (told apart by their first word).

    The scenario's title is the game's title (else ``name``), its summary the file's comment, and
    each actor's name the player's label in the file.

    >>> s = loads_gambit('NFG 1 R "PD" { "Row player" "Column player" } { 2 2 } 3 3 5 0 0 5 1 1', name="pd.nfg")
    >>> s.title, s.actors[0].id, s.actors[0].name
    ('PD', 'Row_player', 'Row player')
    """
    lexer = _Lexer(text, name)
    first = lexer.peek()
    if first.kind == "symbol" and first.value == "EFG":
        game: NormalFormGame | TreeGame
        game, title, players, comment = _read_efg(lexer)
    elif first.kind == "symbol" and first.value == "NFG":
        game, title, players, comment = _read_nfg(lexer)
    else:
        raise lexer.error(first, "a Gambit file, starting with NFG 1 R or EFG 2 R")
    actors = tuple(Actor(a, label or a) for a, label in zip(game.actors, players, strict=True))
    return Scenario(
        title=title.strip() or Path(name).stem,
        game=game,
        actors=actors,
        summary=comment.strip(),
        path=name,
        extra={"gambit": True},
    )


def load_gambit(path: str | Path) -> Scenario:
    """Load a Gambit ``.nfg`` or ``.efg`` file as a :class:`Scenario` (the file's size checked
    before it is read, docs/format.md#budgets). ``bargaining.load`` calls this for these suffixes."""
    display = str(path)
    data = read_limited(Path(path), display)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioFileError(
            "UTF-8 text", found=f"a byte that is not UTF-8 at position {exc.start}", file=display
        ) from None
    if not text.strip():
        raise ScenarioFileError("a Gambit game (NFG 1 R ... or EFG 2 R ...)", found="an empty file", file=display)
    return loads_gambit(text, name=display)


# ------------------------------------------------------------------------------- writing


def exact_number(value: float) -> sympy.Rational:
    """A parameter's value as the exact rational of the decimal it prints as (``1.3`` is 13/10).

    >>> exact_number(1.3), exact_number(2.0), exact_number(1e-5)
    (13/10, 2, 1/100000)
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction) or value != value:
        raise ScenarioError("a finite number", found=repr(value))
    if value in (float("inf"), float("-inf")):
        raise ScenarioError("a finite number", found=repr(value))
    out = exact(value)  # the toolkit's one reading of a number as the decimal it prints as
    assert isinstance(out, sympy.Rational)
    return out


def exact_values(
    space_values: Mapping[str, float], symbols: Iterator[sympy.Symbol] | set[sympy.Symbol]
) -> dict[sympy.Basic, sympy.Basic]:
    """The substitution symbol -> exact value for the given symbols (each by its name)."""
    return {s: exact_number(space_values[s.name]) for s in symbols if s.name in space_values}


def evaluate_exact(expr: sympy.Expr, subs: Mapping[sympy.Basic, sympy.Basic], where: str) -> sympy.Expr:
    """``expr`` at the values ``subs``, exactly: a rational where it is one, else a real number
    (kept symbolic, ``sqrt(2)``, for :func:`number_text` to round); an error naming ``where`` if
    it is not a finite real number or still has symbols."""
    value = expr.xreplace(dict(subs))
    if value.free_symbols:
        raise ScenarioError(
            "a value for every parameter",
            found=f"none for {', '.join(sorted(s.name for s in value.free_symbols))}",
            field=where,
        )
    if isinstance(value, sympy.Rational):
        return value
    approx = sympy.N(value, SIGNIFICANT_DIGITS)
    if not (approx.is_real and approx.is_finite) or not isinstance(approx, sympy.Float):
        raise ScenarioError("a finite real number at these parameter values", found=str(value)[:60], field=where)
    return value


def number_text(value: sympy.Expr) -> str:
    """A number as Gambit reads it exactly: ``p/q`` (or an integer) for a rational, else a decimal
    of 17 significant digits.

    >>> number_text(sympy.Rational(69, 25)), number_text(sympy.Integer(-3)), number_text(sympy.sqrt(2))
    ('69/25', '-3', '1.4142135623730950')
    """
    if isinstance(value, sympy.Rational):
        return str(value.p) if value.q == 1 else f"{value.p}/{value.q}"
    approx = sympy.Float(sympy.N(value, SIGNIFICANT_DIGITS), SIGNIFICANT_DIGITS)
    with mpmath.workdps(2 * SIGNIFICANT_DIGITS):  # mpf() then holds the Float's bits exactly (mpmath's own protocol)
        text: str = mpmath.nstr(mpmath.mpf(approx), SIGNIFICANT_DIGITS, strip_zeros=False, min_fixed=-4, max_fixed=17)
    return text.replace("E", "e").replace("e+", "e")


def _quote(text: str) -> str:
    """A Gambit label: quotes escaped; a backslash (which Gambit's reader doubles) written as '/'."""
    clean = "".join(" " if unicodedata.category(ch) == "Cc" and ch not in "\n\t" else ch for ch in text)
    return '"' + clean.replace("\\", "/").replace('"', '\\"') + '"'


def _model(
    model: NormalFormGame | TreeGame | Scenario, values: Mapping[str, float] | None
) -> tuple[Scenario, dict[str, float]]:
    scenario = Scenario.of(model)
    return scenario, scenario.values(values)


def _comment(scenario: Scenario, at: Mapping[str, float], used: set[str]) -> str:
    shown = ", ".join(f"{k} = {number_text(exact_number(v))}" for k, v in at.items() if k in used)
    return f"Written by bargaining at {shown}" if shown else ""


def write_nfg(game: NormalFormGame | Scenario, values: Mapping[str, float] | None = None) -> str:
    """A Gambit ``.nfg`` file (version 1, payoff form, strategies labelled) of a normal-form game
    at parameter ``values`` (else the defaults); each payoff exact (:func:`number_text`).

    >>> g = NormalFormGame.from_table({"EU": ["reward", "withhold"], "CA": ["comply", "defy"]},
    ...     {("reward", "comply"): ("3 - r", "r - c"), ("reward", "defy"): (0, 0),
    ...      ("withhold", "comply"): (3, "-c"), ("withhold", "defy"): (0, 0)},
    ...     parameters={"r": (2.0, 0.0, 10.0), "c": (1.3, 0.0, 5.0)})
    >>> write_nfg(g, {"r": 2.5}).splitlines()[-4:]
    ['1/2 6/5', '3 -13/10', '0 0', '0 0']
    """
    scenario, at = _model(game, values)
    nfg = scenario.normal_form
    table = nfg.payoff_table()
    subs = exact_values(at, nfg.parameter_symbols())
    lines = [
        f"NFG 1 R {_quote(scenario.title if not isinstance(game, NormalFormGame) else '')} "
        "{ " + " ".join(_quote(a) for a in nfg.actors) + " }",
        "",
    ]
    lines.append("{ " + "\n".join("{ " + " ".join(_quote(s) for s in ss) + " }" for ss in nfg.strategies))
    lines.append("}")
    lines.append(_quote(_comment(scenario, at, {s.name for s in nfg.parameter_symbols()})))
    lines.append("")
    for idx in product(*(range(m) for m in reversed(nfg.shape))):
        key = tuple(reversed(idx))
        lines.append(
            " ".join(
                number_text(
                    evaluate_exact(
                        table[(i, *key)], subs, f"payoffs{tuple(nfg.strategies[j][k] for j, k in enumerate(key))}.{a}"
                    )
                )
                for i, a in enumerate(nfg.actors)
            )
        )
    return "\n".join(lines) + "\n"


OfferGrid = Mapping[str, Sequence[float]] | int


@dataclass
class _EfgWriter:
    tree: TreeGame
    subs: dict[sympy.Basic, sympy.Basic]
    grid: OfferGrid | None
    lines: list[str] = field(default_factory=list)
    infosets: dict[str, int] = field(default_factory=dict)
    numbers: dict[tuple[str, str, tuple[tuple[str, str], ...]], int] = field(default_factory=dict)
    events: int = 0
    outcomes: dict[tuple[str, tuple[sympy.Expr, ...]], int] = field(default_factory=dict)
    labels: _Names = field(default_factory=_Names)
    limit: int = 0

    def emit(self, line: str) -> None:
        if len(self.lines) >= self.limit:
            raise ScenarioError(
                f"a tree of at most {self.limit:,} nodes once shared nodes are copied"
                + (" and offers discretised" if self.grid is not None else "")
                + f" (docs/format.md#budgets; raise it with {MAX_ITEMS_ENV})",
                found="more",
                field="offer_grid" if self.grid is not None else "nodes",
            )
        self.lines.append(line)

    def write(self) -> None:
        # an explicit stack of (target, substitution): nodes in prefix order, as the format lists them
        stack: list[tuple[str, dict[sympy.Basic, sympy.Basic]]] = [(self.tree.root, self.subs)]
        actors = self.tree.actors
        while stack:
            target, subs = stack.pop()
            if target in self.tree.outcomes:
                outcome = self.tree.outcomes[target]
                pays = tuple(evaluate_exact(outcome.payoffs[a], subs, f"outcomes.{target}.{a}") for a in actors)
                key = (target, pays)
                if key in self.outcomes:
                    self.emit(f't "" {self.outcomes[key]}')
                else:
                    self.outcomes[key] = len(self.outcomes) + 1
                    label = (
                        target
                        if sum(1 for k in self.outcomes if k[0] == target) == 1
                        else f"{target}_{self.outcomes[key]}"
                    )
                    self.emit(
                        f't "" {self.outcomes[key]} {_quote(label)} {{ '
                        + ", ".join(number_text(p) for p in pays)
                        + " }"
                    )
                continue
            node = self.tree.nodes[target]
            name = _quote(self.labels.make(target, "n", len(self.lines) + 1))
            children: list[tuple[str, dict[sympy.Basic, sympy.Basic]]]
            if isinstance(node, DecisionNode):
                player = actors.index(node.actor) + 1
                # one number per information set (and values chosen at offer nodes above: a responder sees the offer)
                where = (node.actor, node.information_set, tuple(sorted((str(k), str(v)) for k, v in subs.items())))
                if where not in self.numbers:
                    self.infosets[node.actor] = self.infosets.get(node.actor, 0) + 1
                    self.numbers[where] = self.infosets[node.actor]
                moves = " ".join(_quote(m) for m, _ in node.moves)
                label = _quote(node.info) if node.info is not None else '""'
                self.emit(f"p {name} {player} {self.numbers[where]} {label} {{ {moves} }} 0")
                children = [(t, subs) for _, t in node.moves]
            elif isinstance(node, ChanceNode):
                self.events += 1
                probs = [
                    evaluate_exact(p, subs, f"nodes.{target}.probabilities.{m}")
                    for (m, _), p in zip(node.moves, node.probabilities, strict=True)
                ]
                texts = _probability_texts(probs)
                pairs = " ".join(f"{_quote(m)} {t}" for (m, _), t in zip(node.moves, texts, strict=True))
                self.emit(f'c {name} {self.events} "" {{ {pairs} }} 0')
                children = [(t, subs) for _, t in node.moves]
            else:
                children = self._offer(node, name, subs)
            stack.extend(reversed(children))

    def _offer(
        self, node: OfferNode, name: str, subs: dict[sympy.Basic, sympy.Basic]
    ) -> list[tuple[str, dict[sympy.Basic, sympy.Basic]]]:
        where = f"nodes.{node.id}"
        low = evaluate_exact(node.low, subs, f"{where}.within[0]")
        high = evaluate_exact(node.high, subs, f"{where}.within[1]")
        if self.grid is None:
            raise ScenarioError(
                f"no offer node in a Gambit file, whose moves are finitely many (give offer_grid= to offer"
                f" some values of {node.parameter})",
                found=f"the offer node {node.id!r} ({node.actor} sets {node.parameter} in [{node.low}, {node.high}])",
                field=where,
            )
        if isinstance(self.grid, int):
            if isinstance(self.grid, bool) or self.grid < 2:
                raise ScenarioError("a grid of at least 2 values per offer", found=repr(self.grid), field="offer_grid")
            if not (isinstance(low, sympy.Rational) and isinstance(high, sympy.Rational)):
                raise ScenarioError(
                    "rational bounds for an evenly spaced grid (else give the values)",
                    found=f"[{low}, {high}]",
                    field=where,
                )
            points = [low + (high - low) * sympy.Rational(k, self.grid - 1) for k in range(self.grid)]
        else:
            if node.parameter not in self.grid:
                raise ScenarioError(
                    f"the values offered at {node.id} ({node.parameter}: [...])",
                    found="none",
                    field=f"offer_grid.{node.parameter}",
                )
            raw = self.grid[node.parameter]
            if isinstance(raw, str) or not isinstance(raw, Sequence) or not raw:
                raise ScenarioError(
                    "a non-empty list of numbers", found=repr(raw)[:40], field=f"offer_grid.{node.parameter}"
                )
            points = []
            for k, v in enumerate(raw):
                try:
                    points.append(exact_number(v))
                except ScenarioError as err:
                    raise err.located(field=f"offer_grid.{node.parameter}[{k}]") from None
        for k, v in enumerate(points):
            if bool(v < low) or bool(v > high):
                raise ScenarioError(
                    f"offers within [{number_text(low)}, {number_text(high)}]",
                    found=number_text(v),
                    field=f"offer_grid.{node.parameter}[{k}]",
                )
        player = self.tree.actors.index(node.actor) + 1
        self.infosets[node.actor] = self.infosets.get(node.actor, 0) + 1
        labels = [f"{node.parameter}={number_text(v)}" for v in points]
        if len(set(labels)) != len(labels):
            raise ScenarioError("distinct offers", found="a value twice", field=f"offer_grid.{node.parameter}")
        moves = " ".join(_quote(lab) for lab in labels)
        self.emit(f'p {name} {player} {self.infosets[node.actor]} "" {{ {moves} }} 0')
        symbol = parameter_symbol(node.parameter)
        return [(node.next, {**subs, symbol: v}) for v in points]


def _probability_texts(probs: list[sympy.Expr]) -> list[str]:
    """Chance probabilities as text: exact when all are rational; else decimals whose last one is
    1 minus the others, so that they still sum to 1 exactly."""
    if all(isinstance(p, sympy.Rational) for p in probs):
        return [number_text(p) for p in probs]
    texts = [number_text(p) for p in probs[:-1]]
    rest = 1 - sum((Fraction(t) for t in texts), Fraction(0))
    return [*texts, number_text(_rational(rest))]


def write_efg(
    tree: TreeGame | Scenario,
    values: Mapping[str, float] | None = None,
    *,
    offer_grid: OfferGrid | None = None,
) -> str:
    """A Gambit ``.efg`` file (version 2) of a game tree at parameter ``values`` (else the defaults).

    Each decision node is a personal node, numbered by its information set (nodes of one set
    share its number and carry its name), each chance node a chance node with its probabilities, each end of play a
    terminal node whose outcome (numbered once per outcome and its payoffs) carries the outcome's
    id as its label. A node reached along several paths is written once per path (the file is a
    tree), the copies in one information set (the actor moves the same way wherever it is reached,
    as in :func:`~bargaining.analysis.reduced_form.reduced_normal_form`; below an offer node, one
    set per value offered). An offer node is refused unless ``offer_grid`` gives the values to offer: a mapping
    parameter -> values, or a number ``k`` of evenly spaced values from the low bound to the high
    one; the actor then chooses among them (moves labelled ``v=1/2``), and each value is put in
    for the parameter below the node.

    >>> t = TreeGame.build(actors=["A", "B"], root="a",
    ...     nodes={"a": {"actor": "A", "moves": {"go": "b", "stop": "end"}},
    ...            "b": {"actor": "B", "moves": {"yes": "deal", "no": "end"}}},
    ...     outcomes={"deal": {"A": "x/3", "B": "1"}, "end": {"A": "0", "B": "0"}}, parameters={"x": 2.0})
    >>> print(write_efg(t), end="")
    EFG 2 R "" { "A" "B" }
    "Written by bargaining at x = 2"
    <BLANKLINE>
    p "a" 1 1 "" { "go" "stop" } 0
    p "b" 2 1 "" { "yes" "no" } 0
    t "" 1 "deal" { 2/3, 1 }
    t "" 2 "end" { 0, 0 }
    t "" 2
    """
    scenario, at = _model(tree, values)
    game = scenario.game
    if not isinstance(game, TreeGame):
        raise ScenarioError('a game tree (game = "tree")', found=f"a {scenario.kind} game", field="game")
    subs = exact_values(at, game.parameter_symbols())
    writer = _EfgWriter(game, subs, offer_grid, limit=max_entries())
    writer.write()
    title = scenario.title if not isinstance(tree, TreeGame) else ""
    head = [
        f"EFG 2 R {_quote(title)} " + "{ " + " ".join(_quote(a) for a in game.actors) + " }",
        _quote(_comment(scenario, at, {s.name for s in game.parameter_symbols()})),
        "",
    ]
    return "\n".join(head + writer.lines) + "\n"

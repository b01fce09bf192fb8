"""Text made safe for a terminal: control characters shown as visible escapes, never sent raw.

A scenario file or a command-line argument may hold bytes that a terminal obeys: ``ESC [ 2 J``
clears the screen, ``ESC ] 0 ; ... BEL`` sets the window's title, a newline in a file name splits
one error line into two. :func:`terminal_safe` replaces every such character by a visible escape,
so that what is printed is exactly what the file says, and nothing a terminal acts on:

- C0 control characters (U+0000-U+001F) other than newline and tab, DEL (U+007F) and the C1 block
  (U+0080-U+009F) as ``\\xHH`` (ESC as ``\\x1b``), carriage return as ``\\r``;
- newline as ``\\n`` and tab as ``\\t`` when ``newlines=False`` (one line on stderr whatever a name holds);
- the Unicode line and paragraph separators (U+2028, U+2029), which some tools count as line breaks,
  and the bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder what a
  reader sees, as ``\\uHHHH``;
- lone surrogates (U+DC80-U+DCFF stand for the undecodable bytes of a file name, as Python reads
  ``argv``) as ``\\xHH`` of the original byte, other lone surrogates as ``\\uHHHH``: printing them raw
  would fail on a UTF-8 terminal.

Everything else, including non-ASCII letters (``Türkiye``, ``ЕС``) and a backslash, is kept as it is.

>>> terminal_safe("\\x1b[2Jtitle\\x07")
'\\\\x1b[2Jtitle\\\\x07'
>>> terminal_safe("two\\nlines")
'two\\nlines'
>>> terminal_safe("two\\nlines", newlines=False)
'two\\\\nlines'
>>> terminal_safe("Türkiye \\u2014 ЕС")
'Türkiye — ЕС'
"""

from __future__ import annotations

import re

__all__ = ["json_safe", "terminal_safe"]

_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
# C0 but newline and tab, DEL, C1, line/paragraph separators, bidi overrides and isolates, surrogates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_LINES = re.compile("[\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    code = ord(c)
    if c in _SHORT:
        return _SHORT[c]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def terminal_safe(text: str, *, newlines: bool = True) -> str:
    """``text`` with every character a terminal would act on replaced by a visible escape.

    With ``newlines=True`` (standard output) newline and tab are kept; with ``newlines=False``
    (an error line) they are escaped too, so the result is always one line.

    >>> terminal_safe("bad\\nname.toml: title", newlines=False)
    'bad\\\\nname.toml: title'
    >>> terminal_safe("\\udcff-latin1-\\udce9.toml")
    '\\\\xff-latin1-\\\\xe9.toml'
    >>> terminal_safe("a\\u202eb\\x85c\\x7f")
    'a\\\\u202eb\\\\x85c\\\\x7f'
    >>> terminal_safe("plain text, unchanged") == "plain text, unchanged"
    True
    """
    return (_UNSAFE if newlines else _UNSAFE_LINES).sub(_escape, text)


def json_safe(text: str) -> str:
    r"""JSON text (``json.dumps(..., ensure_ascii=False)``) with the characters that ``json.dumps``
    leaves raw but a terminal acts on (DEL, C1, line separators, bidi controls, lone surrogates)
    written as JSON's own ``\uHHHH`` escapes, so the text stays valid JSON that reads back the same.

    ``json.dumps`` already escapes C0 controls (``\u001b``, ``\n``); these characters can only
    stand inside JSON strings, where ``\uHHHH`` means the same character.

    >>> import json
    >>> data = {"title": "\x1b[2J\x9b31m\u2028ЕС"}
    >>> text = json_safe(json.dumps(data, ensure_ascii=False))
    >>> text
    '{"title": "\\u001b[2J\\u009b31m\\u2028ЕС"}'
    >>> json.loads(text) == data
    True
    """
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

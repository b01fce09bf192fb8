"""One registry for notebook displays: the only edge by which the model and results reach the faces.

Objects below the display layer (games, scenarios, results) implement ``_repr_html_`` by calling
:func:`repr_html`, which imports :mod:`bargaining.display.html` lazily, on first use; that module
registers one HTML function per type with :func:`html` (``functools.singledispatch``). So the
lower layers never import the display layer at import time, and the display layer alone decides
how things look.
"""

from __future__ import annotations

from functools import singledispatch
from html import escape

__all__ = ["html", "repr_html"]


@singledispatch
def html(obj: object) -> str:
    """HTML for ``obj``; the fallback shows ``to_dict()`` where there is one, else ``repr``."""
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        import json

        return f"<pre>{escape(json.dumps(to_dict(), indent=1, ensure_ascii=False, default=str)[:20_000])}</pre>"
    return f"<pre>{escape(repr(obj)[:20_000])}</pre>"


def repr_html(obj: object) -> str:
    """``obj``'s notebook display: registers the display layer's functions on first use."""
    import bargaining.display.html  # noqa: F401  (the declared upward edge: it registers its displays)

    return html(obj)

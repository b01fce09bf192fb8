"""How numbers are shown to a reader, shared by every face (text, trees, HTML, the classroom).

>>> number(0.49366012345), number(-0.0), number(2.0)
('0.49366', '0', '2')
"""

from __future__ import annotations

from bargaining.analysis.result import clean_number

__all__ = ["number"]


def number(x: float) -> str:
    """A number as a reader wants it: at most 6 significant digits, no ``-0``."""
    return f"{clean_number(x, 10):.6g}"

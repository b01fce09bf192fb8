"""The built-in scenarios: where they live and what they are called.

They ship inside the package as ``bargaining.models`` (from the repository's ``models/`` folder), so
they work by name after a plain ``pip install``; in a source checkout the folder is read directly.

>>> "eu_russia_2007" in builtin_names()
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DEFAULT_SCENARIO", "builtin_dir", "builtin_names", "builtin_path"]

DEFAULT_SCENARIO = "eu_russia_2007"


def builtin_dir() -> Path:
    """The folder holding the built-in ``*.toml`` files."""
    try:
        found = Path(str(resources.files("bargaining.models")))
        if any(found.glob("*.toml")):
            return found
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "models"


def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.stem for p in builtin_dir().glob("*.toml"))


def builtin_path(name: str) -> Path | None:
    """The file of built-in scenario ``name``, or None."""
    path = builtin_dir() / f"{name}.toml"
    return path if path.is_file() else None

"""Sphinx configuration of the bargaining documentation site.

Why Sphinx: myst-nb executes the lesson notebooks at build time, so every rendered lesson shows the
outputs and pictures of the code as it is today; autodoc and napoleon read the numpy-style and RST
docstrings the package already has, so the API reference is the docstrings themselves; the pages are
MyST markdown, so docs/format.md, docs/models.md and docs/case.md stay plain files that read well on
their own; and MathJax (served from the site itself by sphinx-mathjax-offline, so the site works
without the internet) typesets the mathematics of docs/models.md.

Build (from the repository root)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Three things are generated at build time, by the hooks below, into git-ignored places:

* ``lessons/``: a copy of every ``../notebooks/*.ipynb`` (myst-nb reads sources inside this folder
  only), executed by myst-nb;
* ``reference/api/``: one page per part of the package, each module documented once, at the module
  that defines it;
* ``_generated/``: the command line's help, from :func:`bargaining.cli._parser`, and the table of the
  names ``import bargaining`` gives, each linked to where it is defined.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import bargaining  # noqa: E402
import bargaining.cli  # noqa: E402

project = "bargaining"
author = "the bargaining authors"
copyright = "the bargaining authors"
release = bargaining.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
]

exclude_patterns = ["_build", "_generated", ".gitignore", "**/.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
html_theme = "furo"
html_title = f"bargaining {release}"

# MyST: $...$ and $$...$$ mathematics, and anchors for headings down to ### so that links such as
# models.md#the-offer-game and format.md#budgets resolve, on the site as on GitHub
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

# myst-nb: run every lesson at every build, stop the build on an error, 2 minutes a cell at most
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 120
nb_execution_show_tb = True
nb_execution_in_temp = True  # pages that write files (howto/scenario.md) write them in a temporary folder
nb_merge_streams = True
# No widget scripts from the internet: the site must read offline. A static page cannot run Python,
# so the widget lessons show the still pictures and tables their cells print; the live sliders are
# the classroom app's (bargaining classroom) or a running notebook's.
nb_ipywidgets_js: dict[str, dict[str, str]] = {}

# autodoc: members in source order, docstrings as written; numpy-style sections through napoleon
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_default_options = {"members": True, "show-inheritance": True}
autosummary_generate = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True  # a dataclass's "Attributes" section as fields, not a second description of each
napoleon_use_rtype = False

suppress_warnings = [
    "mystnb.unknown_mime_type",  # ipywidgets' state: a static page shows the widgets' first picture instead
]

# The exact (symbolic) forms that the lessons show are worked out under a deadline of 2 s at the
# default budget, past which the results are numbers with a note (docs/format.md#budgets). On a busy
# build machine that deadline can pass, and a lesson that reads an exact form would fail, so the
# site is built with eight times the default budget (a 16 s deadline); it changes no result.
os.environ.setdefault("BARGAINING_BUDGET_MB", "8192")

# ---------------------------------------------------------------------------------------------------
# generated sources


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` only when it changed, so an unchanged page is not rebuilt."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def copy_lessons() -> None:
    """``../notebooks/*.ipynb`` into ``lessons/`` (written when changed; lessons no longer there removed).

    A notebook links a page of this site as ``../docs/models.md#...`` (from ``notebooks/``); from
    ``docs/lessons/`` the same page is ``../models.md#...``, so the copy's links are rewritten.
    """
    target = HERE / "lessons"
    target.mkdir(exist_ok=True)
    sources = {p.name: p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    for stale in target.glob("*.ipynb"):
        if stale.name not in sources:
            stale.unlink()
    for name, source in sources.items():
        _write(target / name, source.read_text(encoding="utf-8").replace("](../docs/", "](../"))


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


def command_help() -> str:
    """The help of ``bargaining`` and of each subcommand, in the parser's own words, as MyST."""
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal's width: the same page on every machine
    parser = bargaining.cli._parser()
    parts = ["## `bargaining`", "", "```text", parser.format_help().rstrip(), "```", ""]
    for name, sub in _subcommands(parser).items():
        sub.prog = f"bargaining {name}"
        parts += [f"## `bargaining {name}`", "", "```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(parts)


PACKAGES = ["analysis", "games", "io", "display", "kernels"]
MODULES = ["parameters", "scenario", "expressions", "errors", "budget"]


def _public_modules(package: str) -> list[str]:
    module = importlib.import_module(f"bargaining.{package}")
    names = [info.name for info in pkgutil.iter_modules(module.__path__) if not info.name.startswith("_")]
    return [f"bargaining.{package}.{name}" for name in sorted(names)]


def api_pages() -> None:
    """One page per part of the package; every public module documented once, where it is defined."""
    target = HERE / "reference" / "api"
    pages: dict[str, str] = {}
    for package in PACKAGES:
        lines = [
            f"# `bargaining.{package}`",
            "",
            "```{eval-rst}",
            f".. automodule:: bargaining.{package}",
            "   :no-members:",
        ]
        lines += ["```", ""]
        for name in _public_modules(package):
            lines += [f"## `{name}`", "", "```{eval-rst}", f".. automodule:: {name}", "```", ""]
        pages[f"{package}.md"] = "\n".join(lines)
    lines = ["# Parameters, scenarios, expressions and errors", ""]
    for short in MODULES:
        lines += [f"## `bargaining.{short}`", "", "```{eval-rst}", f".. automodule:: bargaining.{short}", "```", ""]
    pages["core.md"] = "\n".join(lines)
    for stale in target.glob("*.md") if target.exists() else []:
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        _write(target / name, text)


def toplevel_table() -> str:
    """``bargaining.__all__`` as an autosummary table, each name linked to its defining module."""
    rows = []
    for name in sorted(bargaining.__all__):
        obj = getattr(bargaining, name)
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", name)
        if module and module.startswith("bargaining"):
            rows.append(f"   ~{module}.{qualname}")
    return "```{eval-rst}\n.. autosummary::\n\n" + "\n".join(rows) + "\n```\n"


copy_lessons()
api_pages()
_write(HERE / "_generated" / "cli.md", command_help())
_write(HERE / "_generated" / "toplevel.md", toplevel_table())


def setup(app: object) -> None:
    """sphinx-mathjax-offline only sets ``mathjax_path`` and copies MathJax into ``_static`` when the
    build ends, which is safe in parallel, but it does not say so; saying it lets ``-j`` execute the
    lessons two or more at a time."""
    extension = app.extensions["sphinx-mathjax-offline"]  # type: ignore[attr-defined]
    extension.parallel_read_safe = True
    extension.parallel_write_safe = True

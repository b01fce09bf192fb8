"""The documentation site builds with every warning an error, and shows what it promises.

One build (module fixture) runs ``python -m sphinx -W --keep-going -j 2 -b html docs OUT`` into a
temporary folder, executing every lesson notebook and every executable page (about a minute on
two cores). The tests then read the HTML: a rendered page with outputs for every notebook in
notebooks/ (a picture for the ones that draw), the API pages naming the main functions, MathJax served
from the site itself, and the command reference listing every subcommand of the parser.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bargaining.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REMOTE_MATHJAX = re.compile(
    r"cdn\.jsdelivr\.net/npm/mathjax|mathjax\.org|cdnjs\.cloudflare\.com/ajax/libs/mathjax", re.I
)

pytestmark = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("sphinx", "myst_nb", "furo")),
    reason="needs the docs extra: pip install '.[docs]'",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-j", "2", "-b", "html", str(DOCS), str(out / "html")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    warnings = [line for line in (proc.stdout + proc.stderr).splitlines() if "WARNING" in line or "ERROR" in line]
    assert proc.returncode == 0, "\n".join(warnings) or (proc.stdout + proc.stderr)[-5000:]
    return out / "html"


def _page(site: Path, name: str) -> str:
    path = site / name
    assert path.is_file(), f"no page {name}"
    return path.read_text(encoding="utf-8")


def _draws(notebook: Path) -> bool:
    """Whether a notebook's code makes a picture (a matplotlib figure or one of the package's figures)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return bool(re.search(r"plt\.|Figure\(|_figure\(|\.figure\b", code))


def test_there_are_lessons() -> None:
    assert NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_notebook_is_rendered_with_its_outputs(site: Path, notebook: Path) -> None:
    html = _page(site, f"lessons/{notebook.stem}.html")
    code_cells = sum(1 for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")
    outputs = html.count('class="cell_output')
    assert outputs >= code_cells // 2, f"{notebook.name}: {outputs} outputs rendered for {code_cells} code cells"
    assert "output error" not in html and "Traceback (most recent call last)" not in html
    if _draws(notebook):
        assert re.search(r'<img[^>]+src="[^"]+\.png"', html), f"{notebook.name} draws, but its page has no picture"


def test_the_lessons_page_lists_every_notebook(site: Path) -> None:
    html = _page(site, "lessons.html")
    for notebook in NOTEBOOKS:
        assert f'href="lessons/{notebook.stem}.html"' in html, notebook.name


def test_tutorial_and_how_to_pages_are_executed(site: Path) -> None:
    tutorial = _page(site, "tutorial.html")
    assert tutorial.count('class="cell_output') >= 5
    assert re.search(r'<img[^>]+src="[^"]+\.png"', tutorial), "the tutorial's picture is missing"
    for page in ("scenario", "threshold", "sweep", "record", "python"):
        html = _page(site, f"howto/{page}.html")
        assert 'class="cell_output' in html, page
        assert "Traceback (most recent call last)" not in html, page
    assert re.search(r'<img[^>]+src="[^"]+\.png"', _page(site, "howto/sweep.html"))
    # the command transcripts are the command's real output
    assert "$ bargaining history eu_russia_offer --region 20000 --quiet" in _page(site, "howto/record.html")
    assert "Consistent region" in _page(site, "howto/record.html")


def test_api_reference_names_the_main_functions(site: Path) -> None:
    index = _page(site, "reference/api.html")
    for name in ("equilibria", "threshold", "sweep", "history", "bargain", "load"):
        assert re.search(rf">{name}<", index), f"the API index does not name {name}"
    analysis = _page(site, "reference/api/analysis.html")
    for target in (
        "bargaining.analysis.nash.equilibria",
        "bargaining.analysis.threshold.threshold",
        "bargaining.analysis.sweep.sweep",
        "bargaining.analysis.record.history",
    ):
        assert f'id="{target}"' in analysis, target
    games = _page(site, "reference/api/games.html")
    assert 'id="bargaining.games.normal.NormalFormGame"' in games
    core = _page(site, "reference/api/core.html")
    assert 'id="bargaining.scenario.Scenario"' in core and 'id="bargaining.errors.ScenarioError"' in core


def test_deprecated_shims_are_not_documented(site: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in (site / "reference").rglob("*.html"))
    for shim in ("threshold", "sweep", "history", "subgame", "package", "model", "results", "cascade"):
        assert f'id="module-bargaining.{shim}"' not in text, shim
    assert 'id="module-bargaining.solvers' not in text


REMOTE_ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


def test_no_page_loads_anything_from_the_internet(site: Path) -> None:
    """The site reads offline: no script, stylesheet or picture comes from another host."""
    pages = sorted(site.rglob("*.html"))
    remote = {
        str(p.relative_to(site)): REMOTE_ASSET.findall(p.read_text(encoding="utf-8"))[:2]
        for p in pages
        if REMOTE_ASSET.search(p.read_text(encoding="utf-8"))
    }
    assert not remote, f"pages loading assets from the internet: {remote}"


def test_mathjax_is_served_by_the_site(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert pages
    remote = [str(p.relative_to(site)) for p in pages if REMOTE_MATHJAX.search(p.read_text(encoding="utf-8"))]
    assert not remote, f"pages loading MathJax from the internet: {remote}"
    models = _page(site, "models.html")
    assert '_static/mathjax/tex-chtml.js"' in models
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_command_reference_lists_every_subcommand(site: Path) -> None:
    html = _page(site, "reference/cli.html")
    parser = _parser()
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert subparsers
    names = list(subparsers[0].choices)
    assert {"solve", "threshold", "sweep", "history", "new"} <= set(names)
    for name in names:
        assert f"bargaining {name}" in html, f"the command reference misses {name}"
        for action in subparsers[0].choices[name]._actions:
            for flag in action.option_strings:
                assert flag in html, f"the command reference misses {name} {flag}"


def test_links_to_the_reference_pages_keep_their_anchors(site: Path) -> None:
    """Docstrings and notebooks cite docs/models.md#... and docs/format.md#...: those anchors exist."""
    cited: set[tuple[str, str]] = set()
    for path in [*ROOT.joinpath("bargaining").rglob("*.py"), *NOTEBOOKS, *DOCS.glob("*.md")]:
        for page, anchor in re.findall(r"docs/(models|format|case)\.md#([a-z0-9-]+)", path.read_text(encoding="utf-8")):
            cited.add((page, anchor))
    assert cited
    missing = [
        f"{page}.md#{anchor}" for page, anchor in sorted(cited) if f'id="{anchor}"' not in _page(site, f"{page}.html")
    ]
    assert not missing, f"cited anchors missing from the site: {missing}"

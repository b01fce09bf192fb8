"""The payoff-plane picture of a package deal draws exactly what the BargainResult holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

import bargaining
from bargaining.analysis.deal import BargainResult, bargain
from bargaining.display.plots import payoff_plane_figure

SCENARIOS = ["eu_russia_package", "russia_uzbekistan_2007"]


def _result(name: str) -> BargainResult:
    return bargain(bargaining.load(name))


def _by_gid(fig: Figure) -> dict[str, list[Artist]]:
    found: dict[str, list[Artist]] = {}
    for artist in fig.findobj(lambda a: a.get_gid() is not None):
        found.setdefault(str(artist.get_gid()), []).append(artist)
    return found


def _line(artists: dict[str, list[Artist]], gid: str) -> Line2D:
    (line,) = artists[gid]
    assert isinstance(line, Line2D)
    return line


def _main(fig: Figure) -> Axes:
    return fig.axes[0]


@pytest.mark.parametrize("name", SCENARIOS)
def test_one_marker_per_package_and_per_solution(name: str) -> None:
    result = _result(name)
    fig = payoff_plane_figure(result)
    assert isinstance(fig, Figure)
    artists = _by_gid(fig)
    main = {k: v for k, v in artists.items() if not k.startswith("zoom:")}
    packages = sorted(k for k in main if k.startswith("package:"))
    assert packages == sorted(f"package:{k}" for k in range(len(result.points)))
    for k, point in enumerate(result.points):
        line = _line(artists, f"package:{k}")
        assert np.asarray(line.get_xydata()).tolist() == [point.tolist()]
    solutions = sorted(k for k in main if k.startswith("solution:"))
    assert solutions == sorted(f"solution:{s}" for s in result.solutions)
    for s, sol in result.solutions.items():
        assert np.allclose(_line(artists, f"solution:{s}").get_xydata(), [sol.point])
    assert np.allclose(_line(artists, "disagreement").get_xydata(), [result.disagreement])
    # every main-panel marker is drawn on the main axes
    for gid in [*packages, *solutions, "disagreement", "frontier"]:
        assert _line(artists, gid).axes is _main(fig)


@pytest.mark.parametrize("name", SCENARIOS)
def test_frontier_line_passes_through_the_frontier_coordinates(name: str) -> None:
    result = _result(name)
    fig = payoff_plane_figure(result)
    frontier = _line(_by_gid(fig), "frontier")
    assert np.allclose(frontier.get_xydata(), result.frontier.coordinates)
    assert frontier.get_linewidth() >= 3
    assert "lottery_set" in _by_gid(fig)


def test_labels_legend_and_axes_name_what_the_result_holds() -> None:
    result = _result("eu_russia_package")
    fig = payoff_plane_figure(result, solutions=["nash", "kalai_smorodinsky", "rubinstein"])
    main = _main(fig)
    assert "EU" in main.get_xlabel() and "RU" in main.get_ylabel()
    texts = {t.get_text() for t in main.texts if isinstance(t, Annotation)}
    assert texts == {"0,0", "0,ON", "0,WT", "F,0", "F,ON", "F,WT", "VF,0", "VF,ON", "VF,WT"}
    legend = next(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)
    assert legend is not None
    entries = [t.get_text() for t in legend.get_texts()]
    for title in ("Nash (1, 1.8)", "Kalai–Smorodinsky", "Rubinstein (EU proposes first)", "Pareto frontier"):
        assert any(e.startswith(title) for e in entries), (title, entries)
    assert not any(e.startswith("egalitarian") for e in entries)
    shown = {k for k in _by_gid(fig) if k.startswith("solution:")}
    assert shown == {"solution:nash", "solution:kalai_smorodinsky", "solution:rubinstein"}
    # the three solutions lie within 0.1 of each other: the enlargement shows them again
    zoomed = {k for k in _by_gid(fig) if k.startswith("zoom:solution:")}
    assert zoomed == {"zoom:" + k for k in shown}


def test_unknown_solution_is_refused() -> None:
    with pytest.raises(ValueError, match="no solution 'nahs'"):
        payoff_plane_figure(_result("eu_russia_package"), solutions=["nahs"])


@pytest.mark.parametrize("name", SCENARIOS)
def test_saves_to_png(name: str, tmp_path: Path) -> None:
    target = tmp_path / f"{name}.png"
    payoff_plane_figure(_result(name), solutions=["nash", "kalai_smorodinsky", "rubinstein"]).savefig(target, dpi=80)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = imread(target)
    assert image.shape[0] > 300 and image.shape[1] > 400
    assert image[..., :3].std() > 0.05  # not a blank canvas

"""``bargaining export`` and ``bargaining classroom`` as a user types them: the command's own options
around the library's writers (tests/test_gambit_io.py and tests/test_latex.py test the writers)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import bargaining
from bargaining.cli import main


def test_export_nfg_reads_back_with_the_same_equilibria(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cond.nfg"
    assert main(["export", "conditionality", "--to", "nfg", "--set", "r=2", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    original = bargaining.load("conditionality")
    back = bargaining.load(str(out))
    assert sorted(tuple(f"{x:.12g}" for x in eq.payoffs) for eq in bargaining.equilibria(back)) == sorted(
        tuple(f"{x:.12g}" for x in eq.payoffs) for eq in bargaining.equilibria(original, {"r": 2.0})
    )
    # the command solves what it wrote, as Gambit's file
    assert main(["solve", str(out)]) == 0


def test_export_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "table.tex"
    out.write_text("the user's own text", encoding="utf-8")
    assert main(["export", "conditionality", "--to", "latex", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "the user's own text"
    assert main(["export", "conditionality", "--to", "latex", "--standalone", "--out", str(out), "--force"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\\documentclass") and "\\toprule" in text and "\\end{document}" in text


def test_export_prints_latex_and_tikz(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "conditionality", "--to", "latex"]) == 0
    table = capsys.readouterr().out
    assert "\\toprule" in table and "\\bottomrule" in table and "comply" in table
    assert main(["export", "eu_russia_offer", "--to", "tikz"]) == 0
    tree = capsys.readouterr().out
    assert "\\begin{tikzpicture}" in tree and "\\end{tikzpicture}" in tree


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["export", "conditionality", "--to", "tikz"], "--to"),
        (["export", "eu_russia_offer", "--to", "latex"], "--to"),
        (["export", "eu_russia_offer", "--to", "efg"], "--offer-grid"),
        (["export", "conditionality", "--to", "nfg", "--standalone"], "--standalone"),
        (["export", "conditionality", "--to", "nfg", "--offer-grid", "3"], "--offer-grid"),
        (["export", "eu_russia_offer", "--to", "efg", "--offer-grid", "v=1,x"], "--offer-grid"),
        (["export", "eu_russia_offer", "--to", "efg", "--offer-grid", "1"], "--offer-grid"),
        (["export", "conditionality", "--to", "pdf"], "--to"),
    ],
)
def test_export_refusals_name_the_option(argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and flag in err, err
    assert "offer_grid" not in err  # the library's argument name is shown as the command's option


def test_export_efg_with_an_offer_grid_solves_to_the_grid_offer(tmp_path: Path) -> None:
    """Offering only 0, 1/4 or 1/2, the EU offers the least of them that Russia accepts (v* = 0.49366
    in the continuous game), and restricting its choice cannot raise its payoff."""
    grid = [0.0, 0.25, 0.5]
    out = tmp_path / "offer.efg"
    assert main(["export", "eu_russia_offer", "--to", "efg", "--offer-grid", "v=0,0.25,0.5", "--out", str(out)]) == 0
    continuous = bargaining.subgame_perfect(bargaining.load("eu_russia_offer"))
    written = bargaining.subgame_perfect(bargaining.load(str(out)))
    least = min(v for v in grid if v >= continuous.offers["v"])
    assert written.path[-1] == continuous.path[-1] == "accept"
    exact = Fraction(least)
    assert written.path[1] == f"v_{exact.numerator}_{exact.denominator}"  # the move's label, v = 1/2
    assert written.payoff["EU"] <= continuous.payoff["EU"] + 1e-9
    assert written.payoff["RU"] >= continuous.payoff["RU"] - 1e-9
    assert main(["solve", str(out)]) == 0


def test_classroom_calls_the_app_with_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import bargaining.app

    seen: dict[str, object] = {}

    def serve(lessons_dir: object = None, port: object = None, open_browser: bool = True) -> int:
        seen.update(lessons_dir=lessons_dir, port=port, open_browser=open_browser)
        return 0

    monkeypatch.setattr(bargaining.app, "serve", serve)
    assert main(["classroom", "--port", "8123", "--no-browser"]) == 0
    assert seen == {"lessons_dir": None, "port": 8123, "open_browser": False}


def test_classroom_without_voila_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "voila" else real(name, *a))
    with pytest.raises(SystemExit) as stop:
        main(["classroom", "--no-browser"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["bargaining classroom needs the classroom extra: pip install 'bargaining[classroom]'"]


def test_classroom_refuses_a_lessons_folder_that_is_not_there(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["classroom", "--no-browser", "--lessons", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--lessons: expected a directory of notebooks" in err[0]

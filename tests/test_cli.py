"""The command line as a user meets it: exit codes, one-line errors, JSON keys, no overwriting."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import bargaining.cli as cli
from bargaining.cli import main
from bargaining.errors import ScenarioError
from bargaining.io.builtins import builtin_names


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bargaining", *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def test_bare_command_solves_the_default_scenario() -> None:
    done = run()
    assert done.returncode == 0, done.stderr
    assert "EU–Russia" in done.stdout
    assert "Nash equilibria" in done.stdout
    assert "EU plays offer; RU plays accept" in done.stdout


def test_list_shows_every_builtin() -> None:
    done = run("list")
    assert done.returncode == 0
    for name in builtin_names():
        assert name in done.stdout
    assert "(default)" in done.stdout


def test_solve_json_has_the_format_keys() -> None:
    done = run("solve", "eu_russia_2007", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["game"] == "normal"
    for eq in out["equilibria"]:
        assert set(eq) >= {"strategy", "payoff", "pure"}
        assert set(eq["strategy"]) == {"EU", "RU"}
        for probs in eq["strategy"].values():
            assert abs(sum(probs.values()) - 1) < 1e-9
    deal = [eq for eq in out["equilibria"] if eq["strategy"]["EU"]["offer"] == 1.0]
    assert deal and deal[0]["strategy"]["RU"]["accept"] == 1.0


def test_set_changes_a_parameter_for_one_run() -> None:
    # with no transitory period Russia would pay the TCN cost at once and rejects (docs/models.md#the-offer-game)
    out = json.loads(run("solve", "eu_russia_2007", "--set", "T=0", "--json").stdout)
    assert out["parameters"]["T"] == 0.0
    assert all(eq["strategy"]["RU"]["reject"] == 1.0 for eq in out["equilibria"])


def test_many_actor_game_enumerates_mixed_equilibria() -> None:
    # Russia's expectation: a third equilibrium, KZ signing with probability 5/6 and KG with 7/8
    out = json.loads(run("solve", "central_asia_signing", "--set", "H_KZ=2", "--json").stdout)
    assert out["mixed_enumerated"] is True
    mixed = [eq for eq in out["equilibria"] if not eq["pure"]]
    assert len(out["equilibria"]) == 3 and len(mixed) == 1
    assert mixed[0]["exact"]["strategy"]["KZ"]["sign"] == "5/6"
    assert mixed[0]["exact"]["strategy"]["KG"]["sign"] == "7/8"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["solve", "nowhere.toml"], "nowhere.toml: expected a scenario file or a built-in scenario"),
        (["solve", "eu_russia_2007", "--set", "zz=1"], "expected a parameter of the scenario"),
        (["solve", "eu_russia_2007", "--set", "T=abc"], "--set T: expected a number, found 'abc'"),
        (["solve", "eu_russia_2007", "--set", "T"], "--set: expected NAME=NUMBER"),
        (["solve", "eu_russia_2007", "--set", "T=-5"], "--set T: expected a number in"),
        (["frobnicate"], "COMMAND: expected one of 'list', 'check', "),
        (["check"], "SCENARIO: expected a value (required), found none"),
        (
            ["check", "eu_russia_2007", ""],
            "SCENARIO: expected a scenario file or a built-in scenario, found an empty name",
        ),
        (
            ["sweep", "eu_russia_2007", "--grid", "T=1:2:3", "--keep", "zz"],
            "--keep: expected one of 'all', 'outcomes', found 'zz'",
        ),
        (["sweep", "eu_russia_2007", "--grid"], "--grid: expected one argument, found none"),
        (
            ["solve", "eu_russia_2007", "--frob"],
            "options: expected an option of the command (see --help), found --frob",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(args: list[str], message: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("argv", "place"), [(["solve", "x"], "solve"), (["--version"], "options"), ([], "options")])
def test_a_bad_input_line_without_a_place_names_the_command(
    argv: list[str], place: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A safety net: an error raised with neither file nor field still has a place before 'expected'."""

    def refuse(args: list[str]) -> str:
        raise ScenarioError("a finite number", found="inf")

    monkeypatch.setattr(cli, "run", refuse)
    assert main(argv) == 2
    assert capsys.readouterr().err == f"{place}: expected a finite number, found inf\n"


def test_check_reports_ok_or_the_error(tmp_path: Path) -> None:
    assert "ok" in run("check", *builtin_names()).stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('format = "bargaining/1"\ntitle = "x"\ngame = "normal"\n', encoding="utf-8")
    done = run("check", str(bad))
    assert done.returncode == 2 and f"{bad}: actors: expected an array" in done.stderr


def test_new_writes_a_template_that_loads_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    assert run("new", str(target), "--game", "normal").returncode == 0
    assert run("check", str(target)).returncode == 0
    assert run("solve", str(target)).returncode == 0
    target.write_text("my own work", encoding="utf-8")
    done = run("new", str(target), "--game", "normal")
    assert done.returncode == 2 and "existing file" in done.stderr
    assert target.read_text(encoding="utf-8") == "my own work"
    assert run("new", str(target), "--force").returncode == 0
    assert "my own work" not in target.read_text(encoding="utf-8")


def test_new_bargain_template_loads_and_links(tmp_path: Path) -> None:
    target = tmp_path / "deal.toml"
    assert run("new", str(target), "--game", "bargain").returncode == 0
    out = json.loads(run("bargain", str(target), "--json").stdout)
    assert out["linkage"]["linkage_enables_a_deal"] is True  # a*b = 15 > k*c = 4


def test_internal_errors_exit_1_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bargaining.cli as cli

    def boom(*_: object) -> str:
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(cli, "_solve", boom)
    monkeypatch.delenv("BARGAINING_DEBUG", raising=False)
    assert main(["solve", "eu_russia_2007"]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err


def test_threshold_command_answers_the_issue_question() -> None:
    args = ["threshold", "conditionality", "--actor", "CA", "--prefer", "comply", "--over", "defy", "--solve-for", "r"]
    done = run(*args, "--given", "EU=reward")
    assert done.returncode == 0, done.stderr
    assert "r* = c/(delta**tau*p)" in done.stdout and "1.625" in done.stdout
    out = json.loads(run(*args, "--given", "EU=reward", "--json").stdout)
    assert out["parameter"] == "r" and out["formula"] == "c/(delta**tau*p)"
    assert out["value"] == 1.625 and out["latex"]
    assert out["comparative_statics"] == {"B": "0", "c": "+", "delta": "-", "k": "0", "p": "-", "tau": "+"}
    changed = json.loads(run(*args, "--given", "EU=reward", "--set", "p=0.5", "--json").stdout)
    assert changed["value"] == pytest.approx(2.6)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--actor", "XX", "--prefer", "comply", "--over", "defy", "--solve-for", "r"],
            "--actor: expected an actor among EU, CA",
        ),
        (
            ["--actor", "CA", "--prefer", "obey", "--over", "defy", "--solve-for", "r"],
            "--prefer: expected a strategy of CA",
        ),
        (
            ["--actor", "CA", "--prefer", "comply", "--over", "defy", "--solve-for", "zz"],
            "--solve-for: expected a parameter",
        ),
        (
            ["--actor", "CA", "--prefer", "comply", "--over", "defy", "--solve-for", "B", "--given", "EU=reward"],
            "depends on",
        ),
        (
            ["--actor", "CA", "--prefer", "comply", "--over", "defy", "--solve-for", "r", "--given", "EU"],
            "--given: expected ACTOR=STRATEGY",
        ),
        (
            ["--actor", "CA", "--prefer", "comply", "--over", "defy", "--solve-for", "r", "--at", "n1"],
            "--at: expected a node only for a game tree",
        ),
    ],
)
def test_bad_threshold_requests_exit_2(extra: list[str], message: str) -> None:
    done = run("threshold", "conditionality", *extra)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_sweep_command_reports_writes_and_never_overwrites(tmp_path: Path) -> None:
    out, plot = tmp_path / "grid.csv", tmp_path / "grid.png"
    done = run("sweep", "eu_russia_2007", "--grid", "T=0:5:11", "--out", str(out), "--plot", str(plot))
    assert done.returncode == 0, done.stderr
    assert "EU offer; RU accept" in done.stdout and out.exists() and plot.read_bytes()[:4] == b"\x89PNG"
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 12
    before = out.read_bytes()
    again = run("sweep", "eu_russia_2007", "--grid", "T=0:5:11", "--out", str(out))
    assert again.returncode == 2 and "existing file" in again.stderr and out.read_bytes() == before
    data = json.loads(run("sweep", "conditionality", "--grid", "r=0:4:9", "--json").stdout)
    assert data["points"] == 9 and sum(o["points"] for o in data["outcomes"]) == 9


def test_progress_bar_appears_only_after_a_second_on_a_terminal() -> None:
    import io

    from bargaining.cli import _Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = _Progress(stream=stream, after=3600.0)
    bar(5, 10)
    bar.close()
    assert stream.getvalue() == ""
    bar = _Progress(stream=stream, after=0.0)
    bar(5, 10)
    bar(10, 10)
    assert "5/10" in stream.getvalue() and "10/10" in stream.getvalue()
    for quiet, out in ((True, Terminal()), (False, io.StringIO())):  # --quiet, or stderr not a terminal
        bar = _Progress(quiet, stream=out, after=0.0)
        bar(5, 10)
        bar(10, 10)
        assert out.getvalue() == ""


def test_solve_a_tree_prints_subgame_perfect_play_and_the_tree() -> None:
    done = run("solve", "eurasia_chain")
    assert done.returncode == 0, done.stderr
    assert "Subgame-perfect play: offer → accept → press → without_tcn → sign" in done.stdout
    assert "├──" in done.stdout or "└──" in done.stdout
    out = json.loads(run("solve", "eu_russia_offer", "--json").stdout)
    spe = out["subgame_perfect"]
    assert out["game"] == "tree" and spe["path"] == ["offer", "accept"] and spe["outcome"] == "deal"
    assert spe["plan"] == {"eu": "offer", "ru": "accept"}
    assert spe["offers"]["v"] == pytest.approx(0.49366)
    assert set(spe["payoff"]) == {"EU", "RU"}


def test_history_command_agrees_with_the_record_for_every_builtin_with_one() -> None:
    for name in builtin_names():
        from bargaining.io.scenario_file import load

        if not load(name).observed:
            continue
        out = json.loads(run("history", name, "--json").stdout)
        assert out["agree"] == out["total"] > 0, name
        for entry in out["history"]:
            assert set(entry) >= {"what", "predicted", "agrees", "date", "source"}


def test_history_with_region_and_without_a_record() -> None:
    done = run("history", "eu_russia_offer", "--region", "50")
    assert done.returncode == 0 and "Consistent region" in done.stdout
    bad = run("history", "conditionality")
    assert bad.returncode == 2 and "observed" in bad.stderr


def test_threshold_at_a_tree_node() -> None:
    args = [
        "threshold",
        "eu_russia_offer",
        "--actor",
        "RU",
        "--prefer",
        "accept",
        "--over",
        "reject",
        "--solve-for",
        "v",
    ]
    out = json.loads(run(*args, "--at", "ru", "--json").stdout)
    assert out["formula"] == "(C_TCN*delta**T + c_N + d_R)/a" and out["value"] == pytest.approx(0.49366)
    missing = run(*args)
    assert missing.returncode == 2 and "--at" in missing.stderr
    wrong = run(*args, "--at", "eu")
    assert wrong.returncode == 2 and "the actor who moves at eu" in wrong.stderr


def test_new_tree_template_loads_and_solves(tmp_path: Path) -> None:
    target = tmp_path / "offer.toml"
    assert run("new", str(target), "--game", "tree").returncode == 0
    out = json.loads(run("solve", str(target), "--json").stdout)
    assert out["subgame_perfect"]["offers"]["v"] == pytest.approx(0.2)  # exactly the responder's outside option


def test_bargain_command_gives_the_format_keys() -> None:
    done = run("bargain", "eu_russia_package")
    assert done.returncode == 0, done.stderr
    assert "Pareto frontier" in done.stdout and "linkage makes a deal possible" in done.stdout
    out = json.loads(run("bargain", "eu_russia_package", "--json").stdout)
    assert out["game"] == "bargain"
    assert all(set(p) == {"EU", "RU"} for p in out["pareto_frontier"])
    assert out["nash"]["payoff"] == {"EU": pytest.approx(1.0), "RU": pytest.approx(1.8)}
    assert set(out["kalai_smorodinsky"]["payoff"]) == {"EU", "RU"}
    assert out["rubinstein"]["proposer"] == "EU" and set(out["rubinstein"]["payoff"]) == {"EU", "RU"}
    # the same payoff both ways (whether the exact formulas beat the 2 s deadline depends on the machine's load)
    assert json.loads(run("solve", "eu_russia_package", "--json").stdout)["nash"]["payoff"] == out["nash"]["payoff"]
    ru_first = json.loads(run("bargain", "eu_russia_package", "--proposer", "RU", "--json").stdout)
    assert ru_first["rubinstein"]["payoff"]["RU"] >= out["rubinstein"]["payoff"]["RU"]
    bad = run("bargain", "eu_russia_2007")
    assert bad.returncode == 2 and 'a package deal (game = "bargain")' in bad.stderr


def test_version_prints_the_installed_version_and_exits_0() -> None:
    from importlib.metadata import version

    done = run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"bargaining {version('bargaining')}" == "bargaining 0.2.0"
    assert done.stderr == ""


def test_help_lists_every_subcommand() -> None:
    done = run("--help")
    assert done.returncode == 0
    for command in ("list", "check", "solve", "threshold", "sweep", "bargain", "history", "new", "--version"):
        assert command in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        [
            "conditionality",
            "--actor",
            "CA",
            "--prefer",
            "comply",
            "--over",
            "defy",
            "--solve-for",
            "r",
            "--given",
            "EU=reward",
        ],
        [
            "eu_russia_offer",
            "--actor",
            "RU",
            "--at",
            "ru",
            "--prefer",
            "accept",
            "--over",
            "reject",
            "--solve-for",
            "T",
        ],
        [
            "eu_russia_package",
            "--actor",
            "RU",
            "--prefer",
            "visa=facilitation,readmission=with_tcn",
            "--over",
            "disagreement",
            "--solve-for",
            "T",
        ],
    ],
    ids=["normal", "tree", "bargain"],
)
def test_threshold_plot_writes_a_picture_and_never_overwrites(tmp_path: Path, args: list[str]) -> None:
    plot = tmp_path / "t.png"
    done = run("threshold", *args, "--plot", str(plot))
    assert done.returncode == 0, done.stderr
    assert f"wrote {plot}" in done.stdout and plot.read_bytes()[:4] == b"\x89PNG"
    assert "*" in done.stdout  # the threshold's text is still printed
    again = run("threshold", *args, "--plot", str(plot))
    assert again.returncode == 2 and "--plot" in again.stderr and "--force" in again.stderr
    assert run("threshold", *args, "--plot", str(plot), "--force").returncode == 0
    svg = tmp_path / "t.svg"
    as_json = run("threshold", *args, "--plot", str(svg), "--json")
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["value"] is not None
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_threshold_plot_refuses_a_suffix_it_cannot_draw_before_the_work(tmp_path: Path) -> None:
    done = run(
        "threshold",
        "conditionality",
        "--actor",
        "CA",
        "--prefer",
        "comply",
        "--over",
        "defy",
        "--solve-for",
        "r",
        "--given",
        "EU=reward",
        "--plot",
        str(tmp_path / "t.txt"),
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith("--plot: expected a file name ending in .png, .pdf or .svg")
    assert not (tmp_path / "t.txt").exists()


@pytest.mark.parametrize(
    "args", [[], ["solve", "central_asia_signing"], ["solve", "central_asia_signing", "--set", "p_UZ=0.01"]]
)
def test_no_report_line_ends_in_a_dangling_arrow(args: list[str]) -> None:
    done = run(*args)
    assert done.returncode == 0, done.stderr
    assert not [line for line in done.stdout.splitlines() if line.rstrip().endswith(("→", "->"))]
    if args:
        cascade = [line for line in done.stdout.splitlines() if "cascade from the status quo" in line]
        assert len(cascade) == 1 and (
            cascade[0].endswith("(the least equilibrium)") or "is an equilibrium" in cascade[0]
        )

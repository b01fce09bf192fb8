"""Writes that cannot lose data (bargaining/io/atomic.py) and what reaches the terminal (display/terminal.py).

The writer is tested where a write can go wrong: a file appearing at the target while the work
runs, symbolic links (dangling and not), a fifo, a directory, a read-only directory, a full disk,
a name too long, and an interrupt (in the process, and SIGINT sent to the command while its
temporary file is being written). The terminal tests run the command and look at the bytes it
prints: escape sequences from a title, a name or an argument come out as visible escapes, an
error is one line whatever newlines a file name holds, and ``--json`` stays valid JSON.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from bargaining.cli import _say, main
from bargaining.display.terminal import json_safe, terminal_safe
from bargaining.errors import ScenarioError
from bargaining.io import atomic
from bargaining.io.atomic import check_target, write_atomic

HOSTILE = Path(__file__).parent / "hostile"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what the hostile oracle forbids on a terminal


def command(*args: str | bytes, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "BARGAINING_DEBUG"} | {"MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "bargaining", *args], capture_output=True, timeout=timeout, cwd=cwd, env=env
    )


def leftovers(folder: Path) -> list[str]:
    """Temporary files of the writer left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


# ------------------------------------------------------------------------------------ the writer


def test_a_new_file_is_written_whole_with_mode_644_less_the_umask(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "a.csv", b"x,y\n1,2\n")
    assert target.read_bytes() == b"x,y\n1,2\n"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644 & ~umask
    assert leftovers(tmp_path) == []


def test_an_existing_file_is_kept_without_force_and_replaced_with_it(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_bytes(b"precious")
    with pytest.raises(ScenarioError, match=r"does not exist yet \(or force=True\), found an existing file"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"precious"
    write_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []


def test_a_file_appearing_while_the_work_runs_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "grid.csv"

    def fill(fh: IO[bytes]) -> None:  # another program takes the name while we write
        target.write_bytes(b"written meanwhile")
        fh.write(b"ours")

    with pytest.raises(ScenarioError, match="found an existing file"):
        write_atomic(target, fill)
    assert target.read_bytes() == b"written meanwhile"
    assert leftovers(tmp_path) == []


def test_a_file_appearing_between_the_write_and_the_placement_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the narrowest window: after the temporary file is complete, right before it takes the name
    target = tmp_path / "grid.png"
    place = atomic._place

    def racing(tmp: Path, to: Path, force: bool, field: str | None) -> None:
        to.write_bytes(b"written meanwhile")
        place(tmp, to, force, field)

    monkeypatch.setattr(atomic, "_place", racing)
    with pytest.raises(ScenarioError, match="found an existing file"):
        write_atomic(target, b"ours")
    assert target.read_bytes() == b"written meanwhile" and leftovers(tmp_path) == []


def test_a_plot_whose_name_is_taken_during_the_sweep_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the command as a whole: the sweep runs, then someone creates the --plot file, then we place ours
    target = tmp_path / "x.png"
    place = atomic._place

    def racing(tmp: Path, to: Path, force: bool, field: str | None) -> None:
        to.write_bytes(b"written meanwhile")
        place(tmp, to, force, field)

    monkeypatch.setattr(atomic, "_place", racing)
    assert main(["sweep", "conditionality", "--grid", "r=0:4:5", "--plot", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--plot: expected a path that does not exist yet (or --force)" in err
    assert target.read_bytes() == b"written meanwhile" and leftovers(tmp_path) == []


def test_a_link_appearing_while_the_work_runs_is_refused_even_with_force(tmp_path: Path) -> None:
    target, elsewhere = tmp_path / "x.csv", tmp_path / "elsewhere.csv"

    def fill(fh: IO[bytes]) -> None:
        target.symlink_to(elsewhere)
        fh.write(b"ours")

    with pytest.raises(ScenarioError, match="symbolic link"):
        write_atomic(target, fill, force=True)
    assert target.is_symlink() and not elsewhere.exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_a_dangling_symlink_is_not_written_through(tmp_path: Path, force: bool) -> None:
    (tmp_path / "target").mkdir()
    link = tmp_path / "x.png"
    link.symlink_to(tmp_path / "target" / "x.png")
    with pytest.raises(ScenarioError, match="found a symbolic link"):
        write_atomic(link, b"data", force=force)
    assert link.is_symlink() and os.readlink(link) == str(tmp_path / "target" / "x.png")
    assert not (tmp_path / "target" / "x.png").exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_a_symlink_to_an_existing_file_is_neither_written_through_nor_replaced(tmp_path: Path, force: bool) -> None:
    kept = tmp_path / "kept.toml"
    kept.write_text("keep me\n")
    link = tmp_path / "x.toml"
    link.symlink_to(kept)
    with pytest.raises(ScenarioError, match="found a symbolic link"):
        write_atomic(link, b"data", force=force)
    assert link.is_symlink() and kept.read_text() == "keep me\n" and leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_a_directory_is_refused(tmp_path: Path, force: bool) -> None:
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(ScenarioError, match="found a directory"):
        write_atomic(tmp_path / "d.csv", b"data", force=force)
    assert (tmp_path / "d.csv").is_dir() and leftovers(tmp_path) == []


def test_special_files_are_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(ScenarioError, match="found a fifo"):  # opening a fifo with no reader would block
        write_atomic(fifo, b"data", force=True)
    assert time.monotonic() - start < 1.0
    with pytest.raises(ScenarioError, match="found a character device"):
        check_target("/dev/full", force=True)
    assert leftovers(tmp_path) == []


def test_new_force_on_a_fifo_fails_fast_and_leaves_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.toml")
    done = command("new", "fifo.toml", "--force", cwd=tmp_path, timeout=30)  # a hang would time out
    assert done.returncode == 2
    assert done.stderr == b"fifo.toml: expected a regular file or a new name, found a fifo\n"
    assert (tmp_path / "fifo.toml").is_fifo() and sorted(os.listdir(tmp_path)) == ["fifo.toml"]


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        write_atomic(tmp_path / "missing" / "x.csv", b"data")
    assert str(err.value).endswith(
        "x.csv: path: expected a path in an existing directory, found No such file or directory"
    )


def _failing(name: str, code: int) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise OSError(code, os.strerror(code))

    fail.__name__ = name
    return fail


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.EACCES, "a path in a directory you may write to, found Permission denied"),
        (errno.EROFS, "a path on a writable file system, found Read-only file system"),
    ],
)
def test_a_directory_that_takes_no_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, expected: str
) -> None:
    # as root permissions do not stop a write: the refusal of the system is simulated at os.open
    monkeypatch.setattr(os, "open", _failing("open", code))
    with pytest.raises(ScenarioError, match=re.escape(expected)):
        write_atomic(tmp_path / "x.csv", b"data")
    assert sorted(os.listdir(tmp_path)) == []


def test_a_system_directory_is_refused_with_the_reason(tmp_path: Path) -> None:
    # /proc takes no new files whoever asks (root included); /sys refuses them with EACCES
    with pytest.raises(ScenarioError, match=r"/proc/x\.csv: path: expected a directory in which files can be created"):
        write_atomic("/proc/x.csv", b"data")


def test_mode_555_directory_refused_when_not_root(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into a mode-555 directory; covered by the simulated EACCES above")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    with pytest.raises(ScenarioError, match="Permission denied"):
        write_atomic(ro / "x.csv", b"data")


@pytest.mark.parametrize("where", ["fsync", "write"])
def test_a_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    target = tmp_path / "x.npz"
    if where == "fsync":
        monkeypatch.setattr(os, "fsync", _failing("fsync", errno.ENOSPC))
        content: bytes | Callable[[IO[bytes]], None] = b"data"
    else:

        def content(fh: IO[bytes]) -> None:
            fh.write(b"half of it")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(ScenarioError, match=r"x\.npz: path: expected room on the disk, found No space left on device"):
        write_atomic(target, content)
    assert sorted(os.listdir(tmp_path)) == []


def test_dev_full_through_a_link_is_refused_and_the_link_kept(tmp_path: Path) -> None:
    (tmp_path / "full.csv").symlink_to("/dev/full")
    done = command("sweep", "conditionality", "--grid", "r=0:4:5", "--out", "full.csv", "--force", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and b"symbolic link" in done.stderr
    assert os.readlink(tmp_path / "full.csv") == "/dev/full" and leftovers(tmp_path) == []


def test_a_name_too_long(tmp_path: Path) -> None:
    name = "x" * 296 + ".csv"
    with pytest.raises(ScenarioError, match="expected a shorter file name, found File name too long"):
        write_atomic(tmp_path / name, b"data")
    assert sorted(os.listdir(tmp_path)) == []


def test_a_long_name_that_fits_gets_a_temporary_name_that_fits_too(tmp_path: Path) -> None:
    name = "y" * 250 + ".csv"  # 254 bytes: a temporary ".NAME.xxxxxxxx.tmp" would not fit
    assert write_atomic(tmp_path / name, b"data").name == name
    assert sorted(os.listdir(tmp_path)) == [name]


def test_an_interrupt_while_writing_leaves_nothing(tmp_path: Path) -> None:
    def fill(fh: IO[bytes]) -> None:
        fh.write(b"the first half")
        signal.raise_signal(signal.SIGINT)  # Ctrl-C, delivered here as KeyboardInterrupt
        fh.write(b"never written")  # pragma: no cover

    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "x.csv", fill)
    assert sorted(os.listdir(tmp_path)) == []


def test_an_interrupt_while_placing_is_held_until_the_file_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C between the link and the removal of the temporary file must not leave the temporary file
    link = os.link
    seen: list[bool] = []

    def interrupted_link(src: object, dst: object, **kwargs: bool) -> None:
        signal.raise_signal(signal.SIGINT)
        seen.append(True)  # reached: the signal was held back, not raised inside the placement
        link(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", interrupted_link)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "x.csv", b"whole")
    assert seen == [True]
    assert (tmp_path / "x.csv").read_bytes() == b"whole" and leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_without_hard_links_the_name_is_still_never_taken_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "link", _failing("link", errno.EPERM))  # e.g. FAT, some network shares
    assert write_atomic(tmp_path / "a.csv", b"first").read_bytes() == b"first"

    def fill(fh: IO[bytes]) -> None:
        (tmp_path / "b.csv").write_bytes(b"written meanwhile")
        fh.write(b"ours")

    with pytest.raises(ScenarioError, match="found an existing file"):
        write_atomic(tmp_path / "b.csv", fill)
    assert (tmp_path / "b.csv").read_bytes() == b"written meanwhile"
    assert sorted(os.listdir(tmp_path)) == ["a.csv", "b.csv"]


def test_sigint_during_out_leaves_no_file(tmp_path: Path) -> None:
    """Ctrl-C sent to the command while it writes ``--out``: exit 130, one line, no file, no temporary file."""
    env = {k: v for k, v in os.environ.items() if k != "BARGAINING_DEBUG"}
    argv = ["sweep", "conditionality", "--grid", "r=0:4:400", "--grid", "p=0.2:1:400", "--out", "x.csv"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bargaining", *argv],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not leftovers(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert leftovers(tmp_path), "the temporary file never appeared (did the command finish or refuse?)"
        time.sleep(0.2)  # well inside the writing of 160,000 rows
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # pragma: no cover - only on a failure above
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert err == b"bargaining: interrupted\n" and out == b""
    assert sorted(os.listdir(tmp_path)) == []


# ---------------------------------------------------------------------------------- the commands


@pytest.mark.parametrize(
    ("argv", "setup"),
    [
        (["sweep", "conditionality", "--grid", "r=0:4:5", "--out", "missing/x.csv"], None),
        (["sweep", "conditionality", "--grid", "r=0:4:5", "--plot", "missing/x.png"], None),
        (["sweep", "conditionality", "--grid", "r=0:4:5", "--out", "d.csv", "--force"], "d.csv"),
        (["sweep", "conditionality", "--grid", "r=0:4:5", "--plot", "d.png", "--force"], "d.png"),
        (["new", "d.toml", "--force"], "d.toml"),
        (["new", "x" * 296 + ".toml"], None),
        (["sweep", "conditionality", "--grid", "r=0:4:5", "--plot", "x" * 296 + ".png"], None),
    ],
)
def test_os_errors_are_one_line_with_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    setup: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)
    if setup:
        (tmp_path / setup).mkdir()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert not err.startswith("bargaining: ") and ": expected " in err and err.count("\n") == 1, err
    assert re.search(r"found (No such file or directory|a directory|File name too long)$", err.strip()), err
    assert sorted(os.listdir(tmp_path)) == ([setup] if setup else [])


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".svg"])
def test_plots_are_written_through_the_writer_in_their_format(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"map{suffix}"
    assert main(["sweep", "conditionality", "--grid", "r=0:4:5", "--plot", str(target)]) == 0
    head = target.read_bytes()[:5]
    assert head.startswith({".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}[suffix])
    assert leftovers(tmp_path) == []


# ----------------------------------------------------------------------------------- the terminal


def test_terminal_safe_escapes_every_control_character_and_keeps_text() -> None:
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        escaped = terminal_safe(chr(code), newlines=False)
        assert not RAW_CONTROL.search(escaped) and escaped.startswith("\\"), hex(code)
    assert terminal_safe("a\tb\nc") == "a\tb\nc"  # stdout keeps its layout
    assert terminal_safe("a\tb\nc", newlines=False) == "a\\tb\\nc"
    assert terminal_safe("x\u2028y\u2029z", newlines=False).splitlines() == ["x\\u2028y\\u2029z"]
    assert terminal_safe("Kyrgyzstan — Кыргызстан, 1/2 ≤ p") == "Kyrgyzstan — Кыргызстан, 1/2 ≤ p"


def test_json_safe_stays_json_and_reads_back() -> None:
    data = {"title": "".join(chr(c) for c in range(0xA0)) + "\u2028\u202e\udcff ЕС"}
    text = json_safe(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert not RAW_CONTROL.search(text) and "ЕС" in text


def test_an_encoding_without_the_characters_gets_escapes_not_an_error() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    _say("Türkiye ≤ \x1b", stream)
    assert raw.getvalue() == b"T\\xfcrkiye \\u2264 \\x1b\n"


def _clean(done: subprocess.CompletedProcess[bytes]) -> tuple[str, str]:
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert not RAW_CONTROL.search(out), out
    assert not RAW_CONTROL.search(err), err
    return out, err


def test_escapes_in_a_title_and_names_are_shown_not_obeyed() -> None:
    done = command("solve", str(HOSTILE / "term_title_escape.toml"))
    assert done.returncode == 0, done.stderr
    out, _ = _clean(done)
    assert out.startswith("\\x1b[2J\\x1b[31mRED TITLE\\x1b]0;pwned\\x07\n")  # shown, escaped, as the file says
    assert "\\x9b31m C1 CSI" in out
    named = command("solve", str(HOSTILE / "term_name_escape.toml"))
    assert named.returncode == 0, named.stderr
    assert "X (\\x1b[31mRed\\x1b[0m\\x08\\x08): s1, s2" in _clean(named)[0]
    record = command("history", str(HOSTILE / "term_name_escape.toml"))
    assert record.returncode == 0, record.stderr
    assert "Source: \\x1b[2Jsource" in _clean(record)[0]


def test_json_output_escapes_control_characters_and_stays_json(tmp_path: Path) -> None:
    # json.dumps escapes C0 (ESC as \u001b) but leaves DEL and C1 raw: a C1 CSI (U+009B) in a source
    text = (HOSTILE / "term_name_escape.toml").read_text(encoding="utf-8")
    assert "\\u001B[2Jsource" in text
    (tmp_path / "c1.toml").write_text(text.replace("\\u001B[2Jsource", "\\u009B2J\\u007Fsource"), encoding="utf-8")
    done = command("history", "c1.toml", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out, _ = _clean(done)
    assert "\\u009b2J\\u007fsource" in out
    assert "\x9b2J\x7fsource" in json.dumps(json.loads(out), ensure_ascii=False)  # reads back as the file says


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "missing\nname.toml"],
        ["check", "\x1b[2J\x1b[31mred.toml"],
        ["solve", "\x1b[2J\x1b[31mred"],
        ["solve", "conditionality", "--set", "\x1b[2Jr=1"],
        ["sweep", "conditionality", "--grid", "\x1b[2J=0:1:3"],
        ["solve", "conditionality", "--\x1b[2Jjson"],  # argparse's own message
        ["new", "x.toml", "--game", "\x1b]0;pwned\x07"],  # argparse's invalid choice
        ["check", str(HOSTILE / "term_param_name_escape.toml")],
    ],
)
def test_errors_are_one_escaped_line(argv: list[str], tmp_path: Path) -> None:
    done = command(*argv, cwd=tmp_path)
    assert done.returncode == 2
    _, err = _clean(done)
    assert err.count("\n") == 1 and ": expected " in err and not err.startswith("bargaining: ")
    assert "\\x1b" in err or "\\n" in err


def test_a_newline_in_an_existing_file_name_gives_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad\nname.toml").write_text('format = "bargaining/1"\ntitle = 3\n', encoding="utf-8")
    done = command("check", "bad\nname.toml", cwd=tmp_path)
    assert done.returncode == 2
    _, err = _clean(done)
    assert err.startswith("bad\\nname.toml: ") and err.count("\n") == 1


def test_a_file_name_that_is_not_utf8_is_shown_by_its_bytes(tmp_path: Path) -> None:
    name = b"\xff\xfe-latin1-\xe9.toml"
    (tmp_path / os.fsdecode(name)).write_text(
        'format = "bargaining/1"\ntitle = "t"\ngame = "normal"\n\n[[actors]]\nid = "X"\nstrategies = ["a", "b"]\n\n'
        '[[actors]]\nid = "Y"\nstrategies = ["c"]\n\n[payoff_formulas]\nX = "X.a"\nY = "1"\n',
        encoding="utf-8",
    )
    done = command("check", name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out, _ = _clean(done)
    assert out.startswith("\\xff\\xfe-latin1-\\xe9.toml: ok")


def test_an_internal_error_is_one_line_asking_for_a_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bargaining.cli as cli

    def boom(*_: object) -> str:
        raise RuntimeError("solver\nexploded \x1b[31m" + "x" * 1000)

    monkeypatch.setattr(cli, "_solve", boom)
    monkeypatch.delenv("BARGAINING_DEBUG", raising=False)
    assert main(["solve", "eu_russia_2007"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and not RAW_CONTROL.search(err.rstrip("\n"))
    assert err.startswith("bargaining: internal error (RuntimeError: solver\\nexploded \\x1b[31mxxx")
    assert "please report it" in err and err.rstrip().endswith("(set BARGAINING_DEBUG=1 for a traceback)")
    assert len(err) < 600  # the exception's text is cut, the line stays readable
    monkeypatch.setenv("BARGAINING_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["solve", "eu_russia_2007"])


def test_an_interrupt_exits_130_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bargaining.cli as cli

    def interrupted(*_: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_solve", interrupted)
    assert main(["solve", "eu_russia_2007"]) == 130
    assert capsys.readouterr().err == "bargaining: interrupted\n"

"""The hostile corpus (issue 10): every hostile or huge input ends in exit 2 (or 0 where it is
legitimate) within a time and memory budget, with one clear line on stderr and nothing on disk
written, lost or written through.

The corpus has two parts:

* ``tests/hostile/*.toml``: small scenario files, each with a header saying what it is and how to
  run it (see ``tests/hostile/README.md``)::

      # hostile: CLASS: what the file does
      # argv EXIT: solve {file}

  ``EXIT`` is ``2`` (bad input), ``0`` (a legitimate input) or ``0|2`` (either is honest: a result
  within the budget, or a refusal that says what the budget is). Every ``argv`` line is one case.

* ``CASES`` below: argument vectors alone, and inputs that are too large to commit (a 2 GB sparse
  file, a 200x200 table, a 100 MB summary), generated in the case's own directory at test time.

The oracle (:func:`run_case`) runs ``python -m bargaining ARGV`` in a subprocess whose working
directory is the case's own directory, under ``RLIMIT_AS`` = :data:`MEMORY`, and checks:

- the time: the command's CPU time (user + system, of the command and of every process it waited
  for, from the ``rusage`` that ``os.wait4`` returns) at most :data:`SECONDS` plus the CPU time of
  the interpreter's start-up (measured on ``bargaining list``); a command past that CPU time is
  killed early (its process group's CPU time, read from ``/proc``, is watched), and any command is
  killed at a wall-clock cap of :data:`WALL_CAP` seconds plus the start-up (which catches a command
  that hangs without computing: a fifo, a lock, a sleeping worker);
- the exit code is one the case allows (never 1, an internal error, nor a signal);
- on a non-zero exit, exactly one line on stderr: on exit 2 the line ``FILE: FIELD: expected WHAT, found
  WHAT`` (``expected`` in it, no program name before it), else starting ``bargaining: ``; on exit 0 at most one;
- no traceback and no Python warning on stderr;
- no raw control character (C0 other than newline and tab, DEL, C1) on stdout or stderr: text
  from a file or an argument reaches the terminal escaped;
- nothing in the case's directory created, changed or deleted except what the case allows (symlinks are
  not followed, so a write through a dangling symlink shows up as its target appearing).

CPU time, not wall-clock time, is the budget so that the cases can run concurrently
(:data:`WORKERS` at a time, on a machine that may be busy with other work) without becoming flaky:
the work a command does is the same however many commands share the processors. BLAS and OpenMP
run one thread each in the commands (``OMP_NUM_THREADS=1`` and the like), so that their CPU time
is the work, not the work times the threads. A module-scoped fixture starts every selected case
in a thread pool as soon as the first case is asked for; each test then waits for its own case's
outcome and asserts on it (ids, ``-k`` selection and reports are as for a serial run).

``BARGAINING_LONG=1`` is the slow, literal mode: one case at a time, and the wall-clock cap is
the budget itself (:data:`SECONDS` plus the start-up's wall-clock time), as issue 10 states it.

Pytest ids are ``CLASS-NAME[-COMMAND]``; the classes are those of issue 10: ``size`` (sizes never
checked before allocating), ``time`` (work never bounded in time), ``exception`` (exceptions
escaping as exit 1), ``wrong-answer`` (wrong answers with exit 0), ``terminal``, ``files``,
``big`` (big valid files), and ``code`` (the expression whitelist, the part that already held).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent / "hostile"
SECONDS = 5.0  # the budget of one command in CPU seconds, on top of the interpreter's start-up
MEMORY = 1 << 30  # RLIMIT_AS of one command: 1 GiB of address space
LONG = os.environ.get("BARGAINING_LONG", "") not in ("", "0")  # the slow, literal mode (see above)
WALL_CAP = SECONDS if LONG else 30.0  # wall-clock seconds on top of the start-up before a command is killed
WORKERS = 1 if LONG else 3  # commands run at once
CLASSES = ("size", "time", "exception", "wrong-answer", "terminal", "files", "big", "code")

# raw control characters that must never reach a terminal: C0 except tab and newline, DEL, C1
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HEADER = re.compile(r"^# argv (0\|2|2\|0|0|2): (.+)$")


# ------------------------------------------------------------------------------------------- oracle


@dataclass(frozen=True)
class Run:
    """What one command did: exit code (negative: killed by that signal), output, times, peak memory."""

    argv: tuple[str | bytes, ...]
    returncode: int | None  # None: killed at a limit (``killed`` says which)
    stdout: str
    stderr: str
    seconds: float  # wall-clock
    cpu: float  # user + system CPU seconds of the command and of the processes it waited for
    max_rss_mb: float
    killed: str = ""  # "" (ran to its end), "cpu" or "wall"

    def describe(self) -> str:
        code = f"killed at the {self.killed} limit" if self.returncode is None else f"exit {self.returncode}"
        err = self.stderr.strip().replace("\n", "\\n")[:400]
        return (
            f"{code} after {self.seconds:.1f} s ({self.cpu:.1f} s CPU), peak RSS {self.max_rss_mb:.0f} MB, "
            f"stderr: {err!r}"
        )


# the command, started by a small launcher that sets RLIMIT_AS and then becomes the command (exec):
# no Python runs between fork and exec in this (threaded) process
_LAUNCH = (
    "import os, resource, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY})); "
    "os.execv(sys.executable, [sys.executable, '-m', 'bargaining', *sys.argv[1:]])"
)
_TICK = os.sysconf("SC_CLK_TCK")


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BARGAINING_DEBUG", "PYTHONWARNINGS")}
    env["MPLBACKEND"] = "Agg"
    for threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[threads] = "1"
    return env


def _group_cpu(group: int) -> float:
    """CPU seconds used so far by the live processes of process group ``group`` (and those they reaped)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == group:  # fields from the state: state ppid pgrp ... utime(11) stime cutime cstime
            total += sum(int(f) for f in fields[11:15])
    return total / _TICK


def run_command(argv: Sequence[str | bytes], cwd: Path, timeout: float, cpu_limit: float | None = None) -> Run:
    """Run ``python -m bargaining ARGV`` under the memory limit; kill its process group past ``timeout``
    wall-clock seconds or ``cpu_limit`` CPU seconds (default: ``timeout``). The child is reaped with
    ``os.wait4``: its own CPU time and peak memory (with those of the processes it waited for) come
    from the ``rusage``.
    """
    cpu_limit = timeout if cpu_limit is None else cpu_limit
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCH, *argv],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
        start_new_session=True,
    )
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}

    def drain(stream: object, key: str) -> None:
        assert hasattr(stream, "read")
        while block := stream.read(65536):
            chunks[key].append(block)

    readers = [
        threading.Thread(target=drain, args=(proc.stdout, "out"), daemon=True),
        threading.Thread(target=drain, args=(proc.stderr, "err"), daemon=True),
    ]
    for t in readers:
        t.start()
    killed, polls = "", 0
    # waitid(WNOWAIT) sees the end without reaping: the pid (the process group's id) stays taken until
    # the group is killed below, so the kill cannot reach a process that got the number meanwhile
    while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        polls += 1
        if time.monotonic() - start > timeout:
            killed = "wall"
        elif polls % 10 == 0 and _group_cpu(proc.pid) > cpu_limit:
            killed = "cpu"
        if killed:
            break
        time.sleep(0.02)
    seconds = time.monotonic() - start
    with contextlib.suppress(ProcessLookupError):  # at a limit; or workers the command left behind
        os.killpg(proc.pid, signal.SIGKILL)  # the child's own process group (start_new_session)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting
    for t in readers:
        t.join(timeout=5)
    out = b"".join(chunks["out"]).decode("utf-8", "backslashreplace")
    err = b"".join(chunks["err"]).decode("utf-8", "backslashreplace")
    return Run(
        argv=tuple(argv),
        returncode=None if killed else proc.returncode,
        stdout=out,
        stderr=err,
        seconds=seconds,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,
        killed=killed,
    )


def output_problems(returncode: int | None, stdout: str, stderr: str, allowed: frozenset[int]) -> list[str]:
    """What is wrong with one command's exit code and output (an empty list: nothing).

    >>> output_problems(2, "", "x.toml: title: expected a string, found 3\\n", frozenset({2}))
    []
    >>> output_problems(2, "", "bargaining: x.toml: title: expected a string, found 3\\n", frozenset({2}))
    ["the bad-input line starts with the program's name"]
    >>> output_problems(1, "", "bargaining: internal error (ValueError: x)\\n", frozenset({2}))
    ['exit 1, expected 2']
    """
    problems = []
    if returncode is None:
        problems.append("killed at the time limit")
    elif returncode not in allowed:
        problems.append(f"exit {returncode}, expected {'|'.join(map(str, sorted(allowed)))}")
    lines = stderr.splitlines()
    if returncode not in (0, None) and len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, expected exactly one")
    if returncode == 0 and len(lines) > 1:
        problems.append(f"{len(lines)} lines on stderr on success")
    if returncode == 2 and lines and (lines[0].startswith("bargaining: ") or ": expected " not in lines[0]):
        problems.append(
            "the bad-input line starts with the program's name"
            if lines[0].startswith("bargaining: ")
            else "the bad-input line is not 'FILE: FIELD: expected WHAT, found WHAT'"
        )
    if returncode not in (0, 2, None) and lines and not lines[0].startswith("bargaining: "):
        problems.append("the error line does not start with 'bargaining: '")
    if "Traceback" in stderr:
        problems.append("a traceback on stderr")
    if re.search(r"\w+Warning:", stderr):
        problems.append("a Python warning on stderr")
    for name, text in (("stderr", stderr), ("stdout", stdout)):
        raw = sorted({f"{ord(c):#04x}" for c in _CONTROL.findall(text)})
        if raw:
            problems.append(f"raw control characters on {name}: {', '.join(raw)}")
    return problems


Snapshot = dict[str, tuple[str, int, int]]


def snapshot(root: Path) -> Snapshot:
    """Every path under ``root`` (symlinks not followed) -> (kind, size, mtime_ns)."""
    out: Snapshot = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:  # pragma: no cover - vanished while walking
                continue
            kind = stat.filemode(st.st_mode)[0]
            size = 0 if stat.S_ISDIR(st.st_mode) else st.st_size
            out[os.path.relpath(path, root)] = (kind, size, st.st_mtime_ns)
    return out


def disk_problems(before: Snapshot, after: Snapshot, allowed: frozenset[str]) -> list[str]:
    """Paths created, changed or deleted that the case does not allow (directories may change mtime)."""
    problems = []
    for path in sorted(set(before) | set(after)):
        if path in allowed:
            continue
        old, new = before.get(path), after.get(path)
        if old == new or (old and new and old[0] == new[0] == "d"):
            continue
        what = "created" if old is None else "deleted" if new is None else "changed"
        problems.append(f"{what}: {path!r}")
    return problems


# -------------------------------------------------------------------------------------------- cases

Setup = Callable[[Path], Mapping[str, str | bytes]]


@dataclass(frozen=True)
class Case:
    """One hostile input: its class, a name, the argv (``{file}`` and setup keys substituted)."""

    cls: str
    name: str
    argv: tuple[str, ...]
    exits: frozenset[int] = frozenset({2})
    setup: Setup | None = None  # writes files into tmp_path; returns substitutions for the argv
    writes: frozenset[str] = frozenset()  # paths under tmp_path the command may create
    file: Path | None = None  # a corpus file, copied into tmp_path as {file}

    @property
    def id(self) -> str:
        return f"{self.cls}-{self.name}"


def _codes(text: str) -> frozenset[int]:
    return frozenset(int(c) for c in text.split("|"))


def corpus_cases() -> list[Case]:
    """The cases described by the headers of ``tests/hostile/*.toml``."""
    cases = []
    for path in sorted(HOSTILE.glob("*.toml")):
        head = path.read_bytes()[:2000].decode("utf-8", "replace").splitlines()
        cls = head[0].removeprefix("# hostile: ").split(":")[0]
        assert cls in CLASSES, f"{path.name}: unknown class {cls!r}"
        argvs = [m.groups() for line in head if (m := _HEADER.match(line))]
        assert argvs, f"{path.name}: no '# argv' line"
        for codes, argv in argvs:
            words = tuple(shlex.split(argv))
            flags = "".join(w for w in words[2:] if w.startswith("--") and w != "--json")
            name = (
                f"{path.stem}-{words[0]}" + ("-json" if "--json" in words else "") + (f"-{flags[2:]}" if flags else "")
            )
            cases.append(Case(cls, name, words, _codes(codes), file=path))
    return cases


# ---- generated inputs (too large to commit): each writes into tmp_path and names what it wrote

_PARAM = '[parameters.{name}]\nvalue = {value}\nmin = {lo}\nmax = {hi}\nsource = "illustrative assumption"\n\n'


def _table_game(m: int, n: int) -> str:
    """A two-actor m x n normal form with a [[payoffs]] table of small integers (a fixed pattern)."""
    rows = ", ".join(f'"r{i}"' for i in range(m))
    cols = ", ".join(f'"c{j}"' for j in range(n))
    parts = [
        f'format = "bargaining/1"\ntitle = "A {m}x{n} integer table"\ngame = "normal"\n\n',
        f'[[actors]]\nid = "X"\nstrategies = [{rows}]\n\n[[actors]]\nid = "Y"\nstrategies = [{cols}]\n\n',
    ]
    for i in range(m):
        for j in range(n):
            x, y = (7 * i + 3 * j * j + i * j) % 11, (5 * j + 2 * i * i + 3 * i * j) % 13
            parts.append(f'[[payoffs]]\nprofile = {{ X = "r{i}", Y = "c{j}" }}\nX = "{x}"\nY = "{y}"\n\n')
    return "".join(parts)


def _write(name: str, text: Callable[[], str]) -> Setup:
    def setup(tmp: Path) -> Mapping[str, str]:
        (tmp / name).write_text(text(), encoding="utf-8")
        return {"file": name}

    return setup


def _one_actor(strategies: int) -> str:
    names = ", ".join(f'"s{i}"' for i in range(strategies))
    return (
        'format = "bargaining/1"\ntitle = "One actor with many strategies"\ngame = "normal"\n\n'
        f'[[actors]]\nid = "A"\nstrategies = [{names}]\n\n[[actors]]\nid = "B"\nstrategies = ["wait"]\n\n'
        + _PARAM.format(name="a", value=1.0, lo=0.0, hi=2.0)
        + '[payoff_formulas]\nA = "a * A.s7 + A.s3"\nB = "A.s1"\n'
    )


def _balanced_sum(terms: list[str]) -> str:
    """``(p0 + p1) + (p2 + p3)``...: a sum of many terms whose nesting depth grows only as log2 of their number."""
    if len(terms) == 1:
        return terms[0]
    half = len(terms) // 2
    return f"({_balanced_sum(terms[:half])} + {_balanced_sum(terms[half:])})"


def _many_parameters(count: int, statics: bool = False) -> str:
    params = "".join(_PARAM.format(name=f"p{i}", value=0.5, lo=0.0, hi=1.0) for i in range(count))
    used = _balanced_sum([f"p{i}" for i in range(min(count, 100))])
    return (
        f'format = "bargaining/1"\ntitle = "{count} parameters"\ngame = "normal"\n\n'
        '[[actors]]\nid = "X"\nstrategies = ["s1", "s2"]\n\n[[actors]]\nid = "Y"\nstrategies = ["t1", "t2"]\n\n'
        + params
        + f'[payoff_formulas]\nX = "X.s1 * ({used} - {count / 2 if statics else 1} * Y.t1)"\nY = "Y.t1 * X.s1"\n'
    )


def _valid_head(summary: str = "") -> str:
    return (
        'format = "bargaining/1"\ntitle = "A valid file"\n'
        + summary
        + 'game = "normal"\n\n[[actors]]\nid = "X"\nstrategies = ["s1", "s2"]\n\n'
        '[[actors]]\nid = "Y"\nstrategies = ["t1", "t2"]\n\n[payoff_formulas]\nX = "X.s1 * Y.t1"\nY = "Y.t2"\n\n'
    )


def _big_summary(tmp: Path) -> Mapping[str, str]:
    with (tmp / "summary.toml").open("w", encoding="utf-8") as fh:
        fh.write('summary = """\n')
        line = "The EU offers visa facilitation; Russia readmits third-country nationals later. " * 2 + "\n"
        for _ in range(100 * 2**20 // len(line)):
            fh.write(line)
        fh.write('"""\n')
        fh.write(_valid_head())
    return {"file": "summary.toml"}


def _million_facts(tmp: Path) -> Mapping[str, str]:
    with (tmp / "facts.toml").open("w", encoding="utf-8") as fh:
        fh.write(_valid_head())
        fact = '[[facts]]\ndate = 2007-06-01\ntext = "agreements in force"\nsource = "Korneev 2012"\n\n'
        fh.write(fact * 1_000_000)
    return {"file": "facts.toml"}


def _blank_lines(tmp: Path) -> Mapping[str, str]:
    with (tmp / "blank.toml").open("w", encoding="utf-8") as fh:
        fh.write(_valid_head())
        block = "\n" * 2**20
        for _ in range(100):
            fh.write(block)
    return {"file": "blank.toml"}


def _sparse(tmp: Path) -> Mapping[str, str]:
    path = tmp / "sparse.toml"
    with path.open("wb") as fh:
        fh.write(_valid_head().encode())
        fh.truncate(2 * 2**30)  # 2 GB, a hole of zero bytes after the header: nothing on disk
    return {"file": "sparse.toml"}


def _long_string(tmp: Path) -> Mapping[str, str]:
    (tmp / "title.toml").write_text(_valid_head().replace("A valid file", "x" * (100 * 2**20)), encoding="utf-8")
    return {"file": "title.toml"}


# ---- files


def _readonly_dir(tmp: Path) -> Path:
    """A directory this process cannot create files in: a mode-555 one, or as root a system one."""
    ro = tmp / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    for candidate in (ro, Path("/sys"), Path("/proc")):
        probe = candidate / ".bargaining-probe"
        try:
            probe.touch()
        except OSError:
            return candidate
        probe.unlink()
    pytest.skip("no read-only directory available")


def _ro(name: str) -> Setup:
    def setup(tmp: Path) -> Mapping[str, str]:
        return {"path": str(_readonly_dir(tmp) / name)}

    return setup


def _dangling(name: str) -> Setup:
    """``name`` is a symlink to ``target/name`` that does not exist (the directory ``target`` does)."""

    def setup(tmp: Path) -> Mapping[str, str]:
        (tmp / "target").mkdir()
        (tmp / name).symlink_to(tmp / "target" / name)
        return {"path": name}

    return setup


def _symlink_to_existing(name: str) -> Setup:
    def setup(tmp: Path) -> Mapping[str, str]:
        (tmp / "target").mkdir()
        (tmp / "target" / name).write_text("keep me\n")
        (tmp / name).symlink_to(tmp / "target" / name)
        return {"path": name}

    return setup


def _directory(name: str) -> Setup:
    def setup(tmp: Path) -> Mapping[str, str]:
        (tmp / name).mkdir()
        return {"path": name}

    return setup


def _existing(name: str) -> Setup:
    def setup(tmp: Path) -> Mapping[str, str]:
        (tmp / name).write_text("precious data\n")
        return {"path": name}

    return setup


def _fifo(name: str) -> Setup:
    def setup(tmp: Path) -> Mapping[str, str]:
        os.mkfifo(tmp / name)
        return {"path": name}

    return setup


def _to_dev_full(tmp: Path) -> Mapping[str, str]:
    """``full.csv``, a symlink to ``/dev/full`` (every write fails: the disk is full)."""
    (tmp / "full.csv").symlink_to("/dev/full")
    return {"path": "full.csv"}


def _loop(tmp: Path) -> Mapping[str, str]:
    (tmp / "a.toml").symlink_to("b.toml")
    (tmp / "b.toml").symlink_to("a.toml")
    return {"path": "a.toml"}


def _newline_file(tmp: Path) -> Mapping[str, str]:
    name = "bad\nname.toml"
    (tmp / name).write_text('format = "bargaining/1"\ntitle = 3\n', encoding="utf-8")
    return {"path": name}


def _escape_file(tmp: Path) -> Mapping[str, str]:
    name = "\x1b[2J\x1b[31mred.toml"
    (tmp / name).write_text('format = "bargaining/1"\ntitle = 3\n', encoding="utf-8")
    return {"path": name}


def _bytes_file(valid: bool) -> Setup:
    def setup(tmp: Path) -> Mapping[str, bytes]:
        name = b"\xff\xfe-latin1-\xe9.toml"
        text = _valid_head() if valid else 'format = "bargaining/1"\ntitle = 3\n'
        (tmp / os.fsdecode(name)).write_text(text, encoding="utf-8")
        return {"path": name}

    return setup


LONG_NAME = "x" * 296
EITHER = frozenset({0, 2})
# with --force a symlink at the target path may be replaced by the new file (the link itself, never its target)
SWEEP = ("sweep", "conditionality", "--grid", "r=0:4:5")

CASES: list[Case] = [
    # ---- size
    Case("size", "sweep-grid-1e9", ("sweep", "conditionality", "--grid", "r=0:10:1000000000")),
    Case(
        "size",
        "sweep-grid-1e5-squared",
        ("sweep", "conditionality", "--grid", "r=0:4:100000", "--grid", "p=0.2:1:100000"),
    ),
    Case(
        "size",
        "sweep-six-axes",
        (
            "sweep",
            "eu_russia_2007",
            *(x for p in ("a", "v_cap", "c_N", "C_TCN", "k", "b_N") for x in ("--grid", f"{p}=0:1:100")),
        ),
    ),
    Case("size", "sweep-tree-grid-1e9", ("sweep", "eu_russia_offer", "--grid", "T=0:10:1000000000")),
    Case("size", "sweep-deal-grid-1e9", ("sweep", "eu_russia_package", "--grid", "T=0:10:1000000000")),
    Case("size", "sweep-grid-1e30", ("sweep", "conditionality", "--grid", "r=0:10:" + "1" + "0" * 30)),
    Case("size", "history-region-1e9", ("history", "eu_russia_2007", "--region", "1000000000")),
    Case("size", "history-region-minus-5", ("history", "eu_russia_2007", "--region", "-5")),
    Case("size", "history-region-1e22", ("history", "eu_russia_2007", "--region", "99999999999999999999999")),
    Case("size", "sparse-2GB-check", ("check", "{file}"), setup=_sparse),
    Case("size", "sparse-2GB-solve", ("solve", "{file}"), setup=_sparse),
    # ---- time (generated tables and files)
    Case(
        "time",
        "table-30x30-solve",
        ("solve", "{file}"),
        frozenset({0, 2}),
        _write("t30.toml", lambda: _table_game(30, 30)),
    ),
    Case(
        "time",
        "table-200x200-solve",
        ("solve", "{file}"),
        frozenset({0, 2}),
        _write("t200.toml", lambda: _table_game(200, 200)),
    ),
    Case(
        "time",
        "table-200x200-check",
        ("check", "{file}"),
        frozenset({0, 2}),
        _write("t200.toml", lambda: _table_game(200, 200)),
    ),
    Case(
        "time",
        "strategies-100000-check",
        ("check", "{file}"),
        frozenset({0, 2}),
        _write("s.toml", lambda: _one_actor(100_000)),
    ),
    Case(
        "time",
        "strategies-100000-solve",
        ("solve", "{file}"),
        frozenset({0, 2}),
        _write("s.toml", lambda: _one_actor(100_000)),
    ),
    Case(
        "time",
        "parameters-50000-check",
        ("check", "{file}"),
        frozenset({0, 2}),
        _write("p.toml", lambda: _many_parameters(50_000)),
    ),
    Case(
        "time",
        "parameters-50000-solve",
        ("solve", "{file}"),
        frozenset({0, 2}),
        _write("p.toml", lambda: _many_parameters(50_000)),
    ),
    # ---- exception (generated, and argument vectors)
    Case(
        "exception",
        "table-60x60-solve",
        ("solve", "{file}"),
        frozenset({0, 2}),
        _write("t60.toml", lambda: _table_game(60, 60)),
    ),
    Case(
        "exception",
        "statics-100-parameters",
        (
            "threshold",
            "{file}",
            "--actor",
            "X",
            "--prefer",
            "s1",
            "--over",
            "s2",
            "--solve-for",
            "p0",
            "--given",
            "Y=t1",
        ),
        frozenset({0, 2}),
        _write("statics.toml", lambda: _many_parameters(100, statics=True)),
    ),
    Case("exception", "set-1e400", ("solve", "conditionality", "--set", "r=1e400")),
    Case("exception", "set-nan", ("solve", "conditionality", "--set", "r=nan")),
    Case("exception", "set-4301-digits", ("solve", "conditionality", "--set", "r=" + "7" * 4301)),
    Case("exception", "grid-nan", ("sweep", "conditionality", "--grid", "r=nan:1:3")),
    Case("exception", "grid-inf", ("sweep", "conditionality", "--grid", "r=0:inf:3")),
    Case("exception", "grid-zero-points", ("sweep", "conditionality", "--grid", "r=0:1:0")),
    Case("exception", "grid-negative-points", ("sweep", "conditionality", "--grid", "r=0:1:-3")),
    Case("exception", "grid-fractional-points", ("sweep", "conditionality", "--grid", "r=0:1:2.5")),
    Case("exception", "grid-1e400", ("sweep", "conditionality", "--grid", "r=0:1e400:3")),
    Case("exception", "grid-twice", ("sweep", "conditionality", "--grid", "r=0:1:3", "--grid", "r=0:2:3")),
    Case("exception", "region-word", ("history", "eu_russia_2007", "--region", "many")),
    Case(
        "exception",
        "threshold-unknown-node",
        (
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
            "--at",
            "__class__",
        ),
    ),
    Case("exception", "proposer-dunder", ("bargain", "eu_russia_package", "--proposer", "__init__")),
    Case("exception", "scenario-dunder", ("solve", "__init__")),
    Case("exception", "scenario-traversal", ("solve", "../../../etc/passwd")),
    # ---- big valid files
    Case("big", "summary-100MB", ("check", "{file}"), frozenset({0, 2}), _big_summary),
    Case("big", "million-facts", ("check", "{file}"), frozenset({0, 2}), _million_facts),
    Case("big", "blank-lines-100MB", ("check", "{file}"), frozenset({0, 2}), _blank_lines),
    Case("big", "title-100MB", ("check", "{file}"), frozenset({0, 2}), _long_string),
    # ---- terminal
    Case("terminal", "file-name-newline-missing", ("check", "missing\nname.toml")),
    Case("terminal", "file-name-newline", ("check", "{path}"), setup=_newline_file),
    Case("terminal", "file-name-escape", ("check", "{path}"), setup=_escape_file),
    Case("terminal", "file-name-not-utf8", ("check", "{path}"), setup=_bytes_file(valid=False)),
    Case("terminal", "file-name-not-utf8-valid", ("check", "{path}"), frozenset({0}), _bytes_file(valid=True)),
    Case("terminal", "builtin-name-escape", ("solve", "\x1b[2J\x1b[31mred")),
    Case("terminal", "set-name-escape", ("solve", "conditionality", "--set", "\x1b[2Jr=1")),
    Case("terminal", "set-value-escape", ("solve", "conditionality", "--set", "r=\x1b[2J\n1")),
    Case(
        "terminal",
        "actor-escape",
        (
            "threshold",
            "conditionality",
            "--actor",
            "\x1b]0;pwned\x07",
            "--prefer",
            "comply",
            "--over",
            "defy",
            "--solve-for",
            "r",
        ),
    ),
    Case("terminal", "grid-escape", ("sweep", "conditionality", "--grid", "\x1b[2J=0:1:3")),
    Case("terminal", "option-escape", ("solve", "conditionality", "--\x1b[2Jjson")),
    # ---- files: --out, --plot and new
    Case("files", "out-missing-dir", (*SWEEP, "--out", "missing/x.csv")),
    Case("files", "plot-missing-dir", (*SWEEP, "--plot", "missing/x.png")),
    Case("files", "out-readonly-dir", (*SWEEP, "--out", "{path}"), setup=_ro("x.csv")),
    Case("files", "plot-readonly-dir", (*SWEEP, "--plot", "{path}"), setup=_ro("x.png")),
    Case("files", "new-readonly-dir", ("new", "{path}"), setup=_ro("x.toml")),
    Case("files", "out-onto-directory", (*SWEEP, "--out", "{path}"), setup=_directory("d.csv")),
    Case("files", "out-onto-directory-force", (*SWEEP, "--out", "{path}", "--force"), setup=_directory("d.csv")),
    Case("files", "plot-onto-directory-force", (*SWEEP, "--plot", "{path}", "--force"), setup=_directory("d.png")),
    Case("files", "new-onto-directory-force", ("new", "{path}", "--force"), setup=_directory("d.toml")),
    Case("files", "out-dangling-symlink", (*SWEEP, "--out", "{path}"), setup=_dangling("x.csv")),
    Case(
        "files",
        "out-dangling-symlink-force",
        (*SWEEP, "--out", "{path}", "--force"),
        EITHER,
        _dangling("x.csv"),
        frozenset({"x.csv"}),
    ),
    Case("files", "plot-dangling-symlink", (*SWEEP, "--plot", "{path}"), setup=_dangling("x.png")),
    Case(
        "files",
        "plot-dangling-symlink-force",
        (*SWEEP, "--plot", "{path}", "--force"),
        EITHER,
        _dangling("x.png"),
        frozenset({"x.png"}),
    ),
    Case("files", "new-dangling-symlink", ("new", "{path}"), setup=_dangling("x.toml")),
    Case(
        "files",
        "new-dangling-symlink-force",
        ("new", "{path}", "--force"),
        EITHER,
        _dangling("x.toml"),
        frozenset({"x.toml"}),
    ),
    Case(
        "files",
        "out-symlink-force",
        (*SWEEP, "--out", "{path}", "--force"),
        EITHER,
        _symlink_to_existing("x.csv"),
        frozenset({"x.csv"}),
    ),
    Case(
        "files",
        "new-symlink-force",
        ("new", "{path}", "--force"),
        EITHER,
        _symlink_to_existing("x.toml"),
        frozenset({"x.toml"}),
    ),
    Case("files", "out-name-300", (*SWEEP, "--out", LONG_NAME + ".csv")),
    Case("files", "plot-name-300", (*SWEEP, "--plot", LONG_NAME + ".png")),
    Case("files", "new-name-300", ("new", LONG_NAME + ".toml")),
    Case("files", "out-existing", (*SWEEP, "--out", "{path}"), setup=_existing("x.csv")),
    Case("files", "plot-existing", (*SWEEP, "--plot", "{path}"), setup=_existing("x.png")),
    Case("files", "new-existing", ("new", "{path}"), setup=_existing("x.toml")),
    Case(
        "files",
        "out-symlink-to-dev-full-force",
        (*SWEEP, "--out", "{path}", "--force"),
        EITHER,
        _to_dev_full,
        frozenset({"full.csv"}),
    ),
    Case("files", "new-dev-full-force", ("new", "/dev/full", "--force")),
    Case("files", "new-fifo-force", ("new", "{path}", "--force"), setup=_fifo("fifo.toml")),
    Case("files", "out-fifo-force", (*SWEEP, "--out", "{path}", "--force"), setup=_fifo("fifo.csv")),
    Case("files", "check-fifo", ("check", "{path}"), setup=_fifo("fifo.toml")),
    Case("files", "check-dev-zero", ("check", "/dev/zero")),
    Case("files", "check-directory", ("check", "{path}"), setup=_directory("d.toml")),
    Case("files", "check-symlink-loop", ("check", "{path}"), setup=_loop),
    Case("files", "out-suffix-txt", (*SWEEP, "--out", "x.txt")),
    Case("files", "out-legitimate", (*SWEEP, "--out", "x.csv"), frozenset({0}), writes=frozenset({"x.csv"})),
    Case("files", "plot-legitimate", (*SWEEP, "--plot", "x.png"), frozenset({0}), writes=frozenset({"x.png"})),
    Case("files", "new-legitimate", ("new", "x.toml", "--game", "tree"), frozenset({0}), writes=frozenset({"x.toml"})),
]

ALL = corpus_cases() + CASES


@dataclass(frozen=True)
class Limits:
    """The budget of one command: :data:`SECONDS` of CPU and the wall-clock cap, each on top of the start-up."""

    cpu: float
    wall: float


@pytest.fixture(scope="module")
def limits() -> Limits:
    """Measured on ``bargaining list``, a legitimate command that must pass under the limits."""
    probe = run_command(["list"], Path.cwd(), timeout=120)
    assert probe.returncode == 0, f"'bargaining list' fails under RLIMIT_AS = {MEMORY}: {probe.describe()}"
    return Limits(cpu=SECONDS + probe.cpu, wall=WALL_CAP + probe.seconds)


def run_case(case: Case, folder: Path, limits: Limits) -> list[str]:
    """Set ``case`` up in ``folder``, run it, and say what is wrong (an empty list: nothing)."""
    subs: dict[str, str | bytes] = {}
    if case.file is not None:
        (folder / case.file.name).write_bytes(case.file.read_bytes())
        subs["file"] = case.file.name
    if case.setup is not None:
        subs.update(case.setup(folder))
    argv = [subs.get(word[1:-1], word) if word[:1] + word[-1:] == "{}" else word for word in case.argv]
    before = snapshot(folder)
    done = run_command(argv, folder, timeout=limits.wall, cpu_limit=limits.cpu)
    problems = output_problems(done.returncode, done.stdout, done.stderr, case.exits)
    if done.returncode is not None and done.cpu > limits.cpu:
        problems.append(f"used {done.cpu:.1f} s of CPU, limit {limits.cpu:.1f} s")
    allowed = case.writes if done.returncode == 0 else frozenset()
    problems += disk_problems(before, snapshot(folder), allowed)
    for path in case.writes:
        if done.returncode == 0 and not (folder / path).is_file():
            problems.append(f"exit 0 but {path!r} not written")
    if problems:
        problems.append(f"\n  argv: {argv!r}\n  {done.describe()}")
    return problems


Outcome = Callable[[Case], "Future[list[str]]"]


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, limits: Limits
) -> Iterator[Outcome]:
    """Every case selected in this session, started at once in a pool of :data:`WORKERS` threads; a
    test asks for its own case's future (a case not started yet, if any, is started when asked for)."""
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="hostile")
    futures: dict[str, Future[list[str]]] = {}

    def start(case: Case) -> Future[list[str]]:
        if case.id not in futures:
            folder = tmp_path_factory.mktemp(re.sub(r"[^\w.-]", "_", case.id)[:60], numbered=True)
            futures[case.id] = pool.submit(run_case, case, folder, limits)
        return futures[case.id]

    for item in request.session.items:
        if getattr(item, "originalname", "") == "test_hostile_input" and hasattr(item, "callspec"):
            start(item.callspec.params["case"])
    yield start
    for future in futures.values():
        future.cancel()
    pool.shutdown(wait=True)


def test_the_corpus_covers_every_class() -> None:
    counts = {cls: sum(c.cls == cls for c in ALL) for cls in CLASSES}
    assert all(counts.values()), counts
    assert len(ALL) >= 80, len(ALL)
    assert len({c.id for c in ALL}) == len(ALL), "duplicate case ids"


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_hostile_input(case: Case, outcomes: Outcome) -> None:
    problems = outcomes(case).result()
    assert not problems, f"{case.id}: {'; '.join(problems)}"

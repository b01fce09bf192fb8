"""Start-up time: ``import bargaining`` and ``bargaining --help`` against ``import sympy``, in fresh processes.

What is measured
----------------
Each command below runs in a fresh ``python`` process (this interpreter, ``-c``); the figure is its
wall-clock time (``time.perf_counter`` around ``subprocess.run``) less the median time of a bare
``python -c pass`` measured in the same run, so what is left is the imports' time:

* ``import sympy``: the baseline, the symbolic library every analysis uses;
* ``import bargaining``: the package, whose names load on first use (PEP 562);
* ``bargaining.load + equilibria``: ``import bargaining`` and the first use of ``bargaining.load``
  and ``bargaining.equilibria`` (the loader, the games, sympy, numpy and the equilibrium analysis: what
  a notebook's first cell pays);
* ``bargaining --help``: the command's ``main(["--help"])``, which builds its parser only.

The commands run round-robin (one of each, then again), so a change in the machine's load hits them
alike; the median of the runs is reported. Bytecode: the processes run with ``PYTHONPYCACHEPREFIX``
set to a temporary folder and bytecode writing on, after one untimed run of each command, so every
module (sympy's and ours alike) loads from its compiled bytecode as in an installed package, whatever
``PYTHONDONTWRITEBYTECODE`` says outside, and nothing is written into the checkout.

Which heavy libraries each command leaves unloaded is also printed (``sys.modules`` at the end of a
run of each).

Goals
-----
* ``import bargaining`` at most 1.3x ``import sympy``.
* ``bargaining --help`` loads neither sympy nor scipy, matplotlib or nashpy.

Each goal ends in one line ``goal ...: met (...)`` or ``goal ...: not met (...)``. Speed is reported,
never enforced: the exit status is non-zero only if a command fails.

How to run
----------
From the repository root::

    python benchmarks/imports.py           # 7 runs of each command (about 20 s)
    python benchmarks/imports.py --quick   # 2 runs of each
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from common import fmt_s

HEAVY = ("sympy", "scipy", "matplotlib", "nashpy", "ipywidgets", "tqdm", "pandas")

COMMANDS = {
    "python -c pass": "pass",
    "import sympy": "import sympy",
    "import bargaining": "import bargaining",
    "bargaining.load + equilibria": "import bargaining; bargaining.load; bargaining.equilibria",
    "bargaining --help": (
        "import contextlib, io\n"
        "from bargaining.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])"
    ),
}

REPORT = "\nimport sys; print(','.join(m for m in {heavy!r} if m in sys.modules))"


def _env(cache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def run_once(code: str, env: dict[str, str]) -> float:
    """Seconds of one fresh process running ``code`` (it must exit 0)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{code!r} failed:\n{done.stderr}")
    return elapsed


def loaded(code: str, env: dict[str, str]) -> list[str]:
    """The heavy libraries in ``sys.modules`` after ``code`` ran in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT.format(heavy=HEAVY)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return [m for m in last.split(",") if m]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 runs of each command instead of 7")
    parser.add_argument("--runs", type=int, default=None, help="runs of each command")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 7)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; {runs} runs each")
    with tempfile.TemporaryDirectory(prefix="bargaining-pycache-") as cache:
        env = _env(cache)
        for code in COMMANDS.values():  # untimed: compiles every module's bytecode into the cache
            run_once(code, env)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(runs):
            for name, code in COMMANDS.items():
                times[name].append(run_once(code, env))
        modules = {name: loaded(code, env) for name, code in COMMANDS.items() if name != "python -c pass"}
    bare = statistics.median(times["python -c pass"])
    imports = {name: max(0.0, statistics.median(t) - bare) for name, t in times.items() if name != "python -c pass"}
    sympy_s = imports["import sympy"]
    print(f"\n{'command':<30} {'import time':>12} {'x sympy':>8}  heavy libraries loaded")
    print(f"{'python -c pass (subtracted)':<30} {fmt_s(bare):>12} {'':>8}")
    for name, seconds in imports.items():
        ratio = seconds / sympy_s if sympy_s > 0 else float("nan")
        print(f"{name:<30} {fmt_s(seconds):>12} {ratio:>7.2f}x  {', '.join(modules[name]) or 'none'}")
    ratio = imports["import bargaining"] / sympy_s if sympy_s > 0 else float("inf")
    verdict = "met" if ratio <= 1.3 else "not met"
    print(
        f"\ngoal import bargaining at most 1.3x import sympy: {verdict} "
        f"({fmt_s(imports['import bargaining'])} against {fmt_s(sympy_s)}, {ratio:.2f}x)"
    )
    core = imports["bargaining.load + equilibria"] / sympy_s if sympy_s > 0 else float("inf")
    print(
        f"first use of load and equilibria: {fmt_s(imports['bargaining.load + equilibria'])}, "
        f"{core:.2f}x import sympy (sympy and numpy themselves included)"
    )
    heavy = [m for m in modules["bargaining --help"] if m in ("sympy", "scipy", "matplotlib", "nashpy")]
    verdict = "not met" if heavy else "met"
    print(
        f"goal bargaining --help loads neither sympy, scipy, matplotlib nor nashpy: {verdict} "
        f"({', '.join(heavy) or 'none of them'} loaded; {fmt_s(imports['bargaining --help'])})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

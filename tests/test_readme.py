"""The README is the first thing a user reads: its Python example runs and prints what it says."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_python_examples_run_and_print_what_their_comments_say() -> None:
    namespace: dict[str, object] = {}
    for block in python_blocks():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(README), "exec"), namespace)  # our own README, not user input
        lines = block.splitlines()
        promised = [
            line[2:].split("  --")[0].strip()
            for before, line in itertools.pairwise(lines)
            if before.startswith("print(") and line.startswith("# ")
        ]
        assert promised, "each example shows what it prints"
        for text in promised:
            assert text in out.getvalue()


def test_readme_names_every_builtin_and_the_two_commands() -> None:
    from bargaining.io.builtins import builtin_names

    text = README.read_text(encoding="utf-8")
    for name in builtin_names():
        assert f"`{name}`" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```\n(python3 -m venv .*?)\n```", text)
    main_job, check = commands[0], commands[1]
    assert main_job.endswith("&& .venv/bin/bargaining")
    assert check in ci, ".ci/run must run exactly the README's check command"
    assert "pytest" in check and "mypy --strict" in check and "ruff check" in check
    # the teacher's path: the install with the classroom extra, then the classroom, and nothing else
    assert any(c.endswith("[classroom]' && .venv/bin/bargaining classroom") for c in commands[2:])

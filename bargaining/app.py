"""``bargaining classroom``: the lesson notebooks as web pages, for a teacher with no Jupyter.

:func:`serve` copies the lessons shipped in the package (``bargaining.lessons``) and any of the
user's own (``lessons_dir``) to a fresh temporary directory, writes an index page listing them
(the conditionality demo first), and runs Voila on it: the notebooks run top to bottom on a
kernel and only their outputs and widgets are shown, as a page. There is no token (Voila has
none), no kernel to choose (a kernel spec named ``python3`` pointing at this interpreter,
``sys.executable``, is put first on ``JUPYTER_PATH``, so a Jupyter installed elsewhere cannot
hijack it) and nothing is fetched from the internet: Voila's lab template bundles its scripts and
MathJax, and the server listens on 127.0.0.1 only. Nothing is written into the package or the
user's files; the temporary directory goes when the server stops.

This is a face, beside :mod:`bargaining.cli`: it computes nothing; the notebooks call the library.

>>> _lesson_order(["04_package_deals.ipynb", "02_conditionality_in_class.ipynb", "01_first_model.ipynb"])
['02_conditionality_in_class.ipynb', '01_first_model.ipynb', '04_package_deals.ipynb']
"""

from __future__ import annotations

import contextlib
import importlib.resources
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import webbrowser
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

__all__ = ["FIRST_LESSON", "MISSING_EXTRA", "lesson_url", "prepare", "serve"]

#: the lesson the browser opens on, and the first one listed
FIRST_LESSON = "02_conditionality_in_class.ipynb"
INDEX = "index.ipynb"
MISSING_EXTRA = "bargaining classroom needs the classroom extra: pip install 'bargaining[classroom]'"
KERNEL_NAME = "python3"
TEMPLATE = "bargaining-offline"
HOST = "127.0.0.1"


def _lesson_order(names: Iterable[str]) -> list[str]:
    """The conditionality demo first, then the others in their numbered order."""
    return sorted(names, key=lambda n: (n != FIRST_LESSON, n))


def _title(notebook: Path) -> str:
    """A notebook's first heading, without the #s (its file name if it has none)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return notebook.stem
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            for line in text.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return notebook.stem


def _notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (bargaining)", "language": "python", "name": KERNEL_NAME},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _index(lessons: list[tuple[str, str]]) -> dict[str, Any]:
    """The index page: a list of links to the lessons (relative, so they open under Voila's render URL)."""
    items = "\n".join(f"{k}. [{title}]({name})" for k, (name, title) in enumerate(lessons, 1))
    text = (
        f"# Lessons\n\nEach lesson opens as a page; its sliders and buttons work as soon as it has loaded.\n\n{items}\n"
    )
    return _notebook([{"cell_type": "markdown", "id": "lessons", "metadata": {}, "source": text}])


def _copy_lessons(sources: list[Path], target: Path) -> list[str]:
    """Copy every ``*.ipynb`` of ``sources`` into ``target``, each run on this interpreter's kernel."""
    names: list[str] = []
    for source in sources:
        for path in sorted(source.glob("*.ipynb")):
            if path.name == INDEX or path.name in names:
                continue
            nb = json.loads(path.read_text(encoding="utf-8"))
            nb.setdefault("metadata", {})["kernelspec"] = _notebook([])["metadata"]["kernelspec"]
            (target / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
            names.append(path.name)
    return names


def prepare(root: Path, lessons_dir: Path | None = None) -> Path:
    """Lay out ``root`` for Voila: ``root/lessons`` (the notebooks and the index) and ``root/jupyter``
    (the kernel spec of this interpreter). Returns the lessons directory.

    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     lessons = prepare(Path(tmp))
    ...     spec = json.loads((Path(tmp) / "jupyter/kernels/python3/kernel.json").read_text())
    ...     (lessons / FIRST_LESSON).exists(), spec["argv"][0] == sys.executable
    (True, True)
    """
    lessons = root / "lessons"
    lessons.mkdir(parents=True)
    shipped = importlib.resources.files("bargaining.lessons")
    with importlib.resources.as_file(shipped) as shipped_dir:
        sources = [Path(shipped_dir)] + ([Path(lessons_dir)] if lessons_dir is not None else [])
        names = _copy_lessons(sources, lessons)
    ordered = _lesson_order(names)
    index = _index([(n, _title(lessons / n)) for n in ordered])
    (lessons / INDEX).write_text(json.dumps(index, indent=1, ensure_ascii=False), encoding="utf-8")
    kernel = root / "jupyter" / "kernels" / KERNEL_NAME
    kernel.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (bargaining)",
        "language": "python",
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    }
    (kernel / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    _offline_template(root / "jupyter" / "voila" / "templates" / TEMPLATE)
    for name in ("config", "data", "runtime"):
        (root / name).mkdir()
    return lessons


def _offline_template(target: Path) -> None:
    """Voila's lab template without its two stylesheet links to a CDN (Font Awesome, which its own
    bundle already carries): the page then asks nothing of the internet. Made from the installed
    template, so it follows Voila's version."""
    from jupyter_core.paths import jupyter_path  # with Voila (the classroom extra), not before

    for root in jupyter_path("voila", "templates"):
        installed = Path(root) / "lab" / "index.html.j2"
        if installed.is_file():
            break
    else:
        raise FileNotFoundError("Voila's lab template (voila/templates/lab/index.html.j2)")
    lines = installed.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not ("<link" in line and "://" in line)]
    target.mkdir(parents=True)
    (target / "index.html.j2").write_text("".join(kept), encoding="utf-8")
    (target / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def lesson_url(port: int, lesson: str = FIRST_LESSON) -> str:
    """Where Voila shows ``lesson`` (the index is ``lesson_url(port, "index.ipynb")``)."""
    return f"http://{HOST}:{port}/voila/render/{lesson}"


def _environment(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(root / "jupyter"), env.get("JUPYTER_PATH", "")) if p)
    env["JUPYTER_CONFIG_DIR"] = str(root / "config")  # a user's Jupyter config (a token, a template) stays out
    env["JUPYTER_RUNTIME_DIR"] = str(root / "runtime")
    env["JUPYTER_DATA_DIR"] = str(root / "data")  # the notebook-signing key too: nothing in the user's home
    env["PYTHONNOUSERSITE"] = "1"
    env.pop("JUPYTER_CONFIG_PATH", None)
    return env


def _wait_for(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    """Whether the server accepts connections within ``timeout`` seconds (False if it exited)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return True
        time.sleep(0.2)
    return False


@contextlib.contextmanager
def _terminated_on_sigterm() -> Iterator[None]:
    """SIGTERM ends :func:`serve` like Ctrl-C, so the server and the temporary directory are cleaned up."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave the signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # Voila shuts its kernels down on Ctrl-C (asks twice)
        try:
            proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=5.0)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def serve(lessons_dir: str | Path | None = None, port: int | None = None, open_browser: bool = True) -> int:
    """Serve the lessons with Voila on 127.0.0.1 until Ctrl-C; the exit status (0 after Ctrl-C).

    ``lessons_dir`` adds a directory of the user's own notebooks (copied, never written to);
    ``port`` defaults to a free one; ``open_browser`` opens the default browser on the
    conditionality lesson once the server answers. Without Voila installed: one line naming the
    extra to install, and 2.
    """
    if importlib.util.find_spec("voila") is None:
        print(MISSING_EXTRA, file=sys.stderr)
        return 2
    if lessons_dir is not None and not Path(lessons_dir).is_dir():
        print(f"bargaining classroom: expected a directory of notebooks, found {str(lessons_dir)!r}", file=sys.stderr)
        return 2
    chosen = port if port is not None else _free_port()
    root = Path(tempfile.mkdtemp(prefix="bargaining-classroom-"))
    try:
        lessons = prepare(root, Path(lessons_dir) if lessons_dir is not None else None)
        command = [
            sys.executable,
            "-m",
            "voila",
            str(lessons),
            "--no-browser",
            f"--port={chosen}",
            f"--Voila.ip={HOST}",
            "--Voila.port_retries=0",
            "--theme=light",
            f"--template={TEMPLATE}",
            "--show_tracebacks=True",
            f"--Voila.connection_dir_root={root / 'runtime'}",
        ]
        with _terminated_on_sigterm():
            proc = subprocess.Popen(command, env=_environment(root), cwd=root)
            try:
                if not _wait_for(chosen, proc):
                    _stop(proc)
                    print(f"bargaining classroom: the server did not start on port {chosen}", file=sys.stderr)
                    return proc.returncode if proc.returncode not in (None, 0) else 1
                url = lesson_url(chosen)
                print(f"The lessons: {lesson_url(chosen, INDEX)}\nThe conditionality demo: {url}\nCtrl-C stops.")
                sys.stdout.flush()
                if open_browser:
                    webbrowser.open(url)
                return proc.wait()
            except KeyboardInterrupt:
                _stop(proc)
                return 0
            finally:
                _stop(proc)
    finally:
        shutil.rmtree(root, ignore_errors=True)

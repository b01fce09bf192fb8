"""The architecture, checked: layers that run one way, no import cycle, the verbs a theorist expects
at the top level, old import paths that still work with a warning, a project that cites only itself."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from pathlib import Path

import grimp
import pytest

import bargaining

ROOT = Path(__file__).resolve().parent.parent
DECLARED_UPWARD_EDGE = ("bargaining._repr", "bargaining.display.html")


def test_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively: the strongly connected components of a directed graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[set[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = set()
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.add(w)
                        if w == node:
                            break
                    out.append(comp)
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, set())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return out


def test_tarjan_finds_a_cycle_when_there_is_one() -> None:
    comps = _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert {"a", "b", "c"} in comps and {"d"} in comps


def test_no_import_cycle_between_modules() -> None:
    """Every import (at run time, inside functions or under TYPE_CHECKING) counts, but the one declared
    edge by which ``_repr_html_`` reaches the display layer; the package's ``__init__`` (which gathers
    the verbs) and the deprecated old paths are left out."""
    graph = grimp.build_graph("bargaining")
    modules = {m for m in graph.modules if m.startswith("bargaining.")}
    deps: dict[str, set[str]] = {}
    for m in modules:
        targets = {t for t in graph.find_modules_directly_imported_by(m) if t in modules}
        deps[m] = {t for t in targets if (m, t) != DECLARED_UPWARD_EDGE}
    cycles = [c for c in _strongly_connected(deps) if len(c) > 1]
    assert cycles == []


VERBS = [
    "load",
    "loads",
    "solve",
    "equilibria",
    "pure_equilibria",
    "subgame_perfect",
    "threshold",
    "comparative_statics",
    "sweep",
    "bargain",
    "history",
    "consistent_region",
    "cascade",
]


@pytest.mark.parametrize("verb", VERBS)
def test_the_verbs_are_at_the_top_level(verb: str) -> None:
    assert callable(getattr(bargaining, verb)) and verb in bargaining.__all__


def test_pure_equilibria_takes_a_game() -> None:
    game = bargaining.NormalFormGame.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    found = bargaining.pure_equilibria(game)
    assert [(e.support("P1"), e.support("P2")) for e in found] == [(("s0",), ("s0",)), (("s1",), ("s1",))]
    assert len(bargaining.equilibria(game)) == 3  # and the mixed one, which pure_equilibria leaves out


OLD_PATHS = [
    ("bargaining.threshold", "threshold"),
    ("bargaining.sweep", "sweep"),
    ("bargaining.history", "history"),
    ("bargaining.subgame", "subgame_perfect"),
    ("bargaining.package", "bargain"),
    ("bargaining.model", "Scenario"),
    ("bargaining.results", "EquilibriumSet"),
    ("bargaining.cascade", "cascade"),
    ("bargaining.solvers", "pure_equilibria"),
    ("bargaining.solvers.backward", "backward_induction"),
    ("bargaining.conditionality", "ExternalIncentives"),
]


@pytest.mark.parametrize(("path", "name"), OLD_PATHS)
def test_old_import_paths_work_and_warn(path: str, name: str) -> None:
    sys.modules.pop(path, None)
    with pytest.warns(DeprecationWarning, match="deprecated"):
        module = importlib.import_module(path)
    assert getattr(module, name) is not None


def test_verbs_survive_an_import_of_their_old_module() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import bargaining.threshold

    scenario = bargaining.load("conditionality")
    t = bargaining.threshold(scenario, "CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"})
    assert t.parameter == "r"


def test_no_file_cites_a_document_the_project_does_not_contain() -> None:
    names = tuple(f"{stem}.md" for stem in ("MODELS", "FORMAT", "DOMAIN", "STYLE", "ARCHITECTURE"))
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    offenders = []
    for rel in tracked.splitlines():
        path = ROOT / rel
        if path.suffix not in {".py", ".md", ".toml", ".ipynb", ".txt", ".cfg"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{rel}: {n}" for n in names if n in text]
    assert offenders == []

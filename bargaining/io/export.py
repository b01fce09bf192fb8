"""Writing sweeps to files: CSV (one row per grid point) and compressed NumPy archives (``.npz``).

Results never write files; this module does, through :func:`bargaining.io.atomic.write_atomic`:
a temporary file in the target's directory that takes the target's name only when complete (with
``force`` by :func:`os.replace`, otherwise by a hard link that fails if the name exists, even if it
appeared meanwhile). An existing file is never overwritten unless ``force``; a symbolic link, a
directory or a special file at the target is always refused; a reader never sees half a file, and
an interrupted write leaves nothing behind.

>>> import tempfile, pathlib
>>> from bargaining.io.scenario_file import load
>>> from bargaining.analysis.sweep import sweep
>>> s = sweep(load("eu_russia_offer"), {"T": [2, 4]})
>>> to_csv(s).splitlines()[0]
'T,outcome,code,v,payoff.EU,payoff.RU,tie'
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write(s, folder / "offer.csv").name
'offer.csv'
>>> write(s, folder / "offer.csv")
Traceback (most recent call last):
...
bargaining.errors.ScenarioError: ...offer.csv: path: expected a path that does not exist yet (or force=True), ...
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from bargaining.analysis.sweep import AnySweep, Sweep
from bargaining.analysis.sweep_deal import DealSweep
from bargaining.analysis.sweep_points import PointSweep
from bargaining.analysis.sweep_tree import TreeSweep
from bargaining.errors import ScenarioError
from bargaining.io import atomic

__all__ = ["SUFFIXES", "check_target", "to_csv", "write", "write_csv", "write_npz"]

SUFFIXES = (".csv", ".npz")


def _number(v: Any) -> str | int:
    if isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, float | np.floating):
        return "" if np.isnan(v) else repr(float(v))
    if isinstance(v, int | np.integer):
        return int(v)
    return str(v)


def _columns(result: AnySweep) -> tuple[list[str], list[npt.NDArray[Any]]]:
    """Column names and flat columns (one entry per grid point, C order over the axes)."""
    grid = {k: v.reshape(-1) for k, v in result.grid().items()}
    header = list(grid)
    columns: list[npt.NDArray[Any]] = list(grid.values())
    if isinstance(result, Sweep) and result.kept == "outcomes":
        found, codes = result.outcome_codes()
        flat = np.asarray(codes).reshape(-1)
        labels = np.array([o["label"] for o in found], dtype=object)
        degenerate = np.array([bool(o["degenerate"]) for o in found], dtype=bool)
        header += ["equilibria", "degenerate", "outcome", "code"]
        columns += [result.count.reshape(-1), degenerate[flat], labels[flat], flat]
        return header, columns
    if isinstance(result, Sweep):
        header += ["equilibria", "degenerate"]
        columns += [result.count.reshape(-1), result.degenerate.reshape(-1)]
        for k in range(len(result.candidates)):
            header.append(f"eq{k}")
            columns.append(result.valid[k].reshape(-1))
            for i, a in enumerate(result.game.actors):
                for j, s in enumerate(result.game.strategies[i]):
                    header.append(f"eq{k}.{a}.{s}")
                    columns.append(result.probabilities[i][k][..., j].reshape(-1))
        return header, columns
    labels = np.array(result.labels, dtype=object)
    codes = result.codes.reshape(-1)
    header += ["outcome", "code"]
    columns += [labels[codes], codes]
    if isinstance(result, TreeSweep):
        for p, v in result.offers.items():
            header.append(p)
            columns.append(v.reshape(-1))
        for a, v in result.payoffs.items():
            header.append(f"payoff.{a}")
            columns.append(v.reshape(-1))
        header.append("tie")
        columns.append(result.ties.reshape(-1))
        return header, columns
    if isinstance(result, PointSweep):
        for name, v in result.numbers.items():
            header.append(name)
            columns.append(v.reshape(-1))
        return header, columns
    for s, by in result.payoffs.items():
        for a, v in by.items():
            header.append(f"{s}.{a}")
            columns.append(v.reshape(-1))
    return header, columns


def _write_rows(result: AnySweep, stream: IO[str]) -> None:
    header, columns = _columns(result)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    for row in zip(*columns, strict=True):
        writer.writerow([_number(v) for v in row])


def to_csv(result: AnySweep) -> str:
    """One row per grid point (C order over the axes): the swept parameters, then by kind

    - normal form: number of equilibria, degenerate, then each candidate's validity and mixtures (a
      sweep kept as outcomes: number of equilibria, degenerate, the outcome's label and code);
    - tree: the outcome label and code, each offer (empty where off the path), each actor's payoff, tie;
    - package deal: the Nash solution's packages and code, then ``solution.actor`` payoffs.

    Numbers are written in their shortest form that reads back exactly (Python's ``repr``); an
    offer off the path is an empty cell.
    """
    buf = io.StringIO()
    _write_rows(result, buf)
    return buf.getvalue()


def _arrays(result: AnySweep) -> dict[str, npt.NDArray[Any]]:
    """The arrays of an ``.npz`` archive (no pickled objects: strings as unicode arrays)."""
    arrays: dict[str, npt.NDArray[Any]] = {f"axis_{a}": np.asarray(v) for a, v in result.axes.items()}
    arrays["fixed_names"] = np.array(list(result.values), dtype=str)
    arrays["fixed_values"] = np.array(list(result.values.values()), dtype=float)
    if isinstance(result, Sweep) and result.kept == "outcomes":
        found, codes = result.outcome_codes()
        arrays |= {
            "codes": np.asarray(codes),
            "labels": np.array([o["label"] for o in found], dtype=str),
            "count": result.count,
            "degenerate": np.array([bool(o["degenerate"]) for o in found], dtype=bool)[np.asarray(codes)],
            "candidates": np.array([result.label(k) for k in range(len(result.candidates))], dtype=str),
        }
        arrays |= {f"threshold_{k}": np.asarray(v) for k, v in result.thresholds.items()}
        return arrays
    if isinstance(result, Sweep):
        arrays |= {
            "valid": result.valid,
            "payoffs": result.payoffs,
            "degenerate": result.degenerate,
            "count": result.count,
        }
        arrays |= {f"probabilities_{a}": p for a, p in zip(result.game.actors, result.probabilities, strict=True)}
        arrays |= {f"threshold_{k}": np.asarray(v) for k, v in result.thresholds.items()}
        arrays["candidates"] = np.array([result.label(k) for k in range(len(result.candidates))], dtype=str)
        return arrays
    arrays["labels"] = np.array(result.labels, dtype=str)
    arrays["codes"] = result.codes
    if isinstance(result, TreeSweep):
        arrays |= {f"offer_{p}": v for p, v in result.offers.items()}
        arrays |= {f"payoff_{a}": v for a, v in result.payoffs.items()}
        arrays["ties"] = result.ties
        return arrays
    if isinstance(result, PointSweep):
        arrays |= {f"number_{name}": v for name, v in result.numbers.items()}
        return arrays
    assert isinstance(result, DealSweep)
    arrays |= {f"payoff_{s}_{a}": v for s, by in result.payoffs.items() for a, v in by.items()}
    arrays |= {f"weights_{s}": w for s, w in result.weights.items()}
    arrays["packages"] = np.array([result.problem.label(k) for k in range(result.problem.size)], dtype=str)
    return arrays


def check_target(path: str | os.PathLike[str], *, force: bool = False, suffixes: tuple[str, ...] = SUFFIXES) -> Path:
    """``path`` as a Path if it ends in one of ``suffixes`` and a new file may be written there: the
    name free (or, with ``force``, a regular file), not a link, a directory or a special file, in an
    existing writable directory (:func:`bargaining.io.atomic.check_target`)."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise ScenarioError(f"a file name ending in {' or '.join(suffixes)}", found=repr(target.name), field="path")
    return atomic.check_target(target, force=force)


def write_csv(result: AnySweep, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write :func:`to_csv` to ``path`` (UTF-8), row by row into the temporary file; an existing
    file is kept unless ``force``."""
    target = check_target(path, force=force, suffixes=(".csv",))

    def fill(fh: IO[bytes]) -> None:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        try:
            _write_rows(result, text)
            text.flush()
        finally:
            text.detach()  # leave the binary file open: the writer flushes, syncs and closes it

    return atomic.write_atomic(target, fill, force=force)


def write_npz(result: AnySweep, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write the sweep's arrays (axes, fixed values, codes and labels, payoffs, ...) to a compressed
    ``.npz`` (no pickles); an existing file is kept unless ``force``."""
    target = check_target(path, force=force, suffixes=(".npz",))
    arrays = _arrays(result)
    return atomic.write_atomic(target, lambda fh: np.savez_compressed(fh, allow_pickle=False, **arrays), force=force)


def write(result: AnySweep, path: str | os.PathLike[str], force: bool = False) -> Path:
    """Write ``result`` as CSV or ``.npz``, by ``path``'s suffix; an existing file is kept unless ``force``."""
    target = check_target(path, force=force)
    if target.suffix.lower() == ".csv":
        return write_csv(result, target, force=force)
    return write_npz(result, target, force=force)

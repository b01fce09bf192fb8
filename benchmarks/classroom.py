"""Latency of the classroom demos: the computation per slider move, and slider-to-picture in a real browser.

What is measured
----------------
1. **Computation per move**, in this process, median over many moves (each to a new value, so no
   answer is reused): the conditionality demo (setting a slider of ``conditionality_demo()``: the
   exact verdict, the best-reply map, the table and the PNG of the picture redrawn in place), the
   same demo's delta and tau sliders, ``explore("conditionality", threshold=...)`` (equilibria, the
   threshold and its picture), the offer game (``offer_view``: v* and the subgame-perfect play of
   the tree) and the signing cascade (``cascade_view``: the cascade and its map).
2. **In the browser**: ``bargaining.app.serve`` on a free port, headless Debian chromium driven by
   Playwright, the conditionality lesson open; the reward slider is set (typed into its readout,
   then Enter) to new values in turn, and the page itself records the time from the Enter key to
   the picture's ``src`` changing (a MutationObserver), median over the moves. The picture's box
   is checked not to move.

Goals: a move's computation under 150 ms (the conditionality demo), slider to picture under 150 ms
in the browser. ``--quick`` runs fewer moves (and skips the browser when no chromium is found).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ipywidgets as widgets

from bargaining.display.classroom import conditionality_demo
from bargaining.display.explore import explore
from bargaining.display.lessons import KAZAKHSTAN_2012, cascade_view, offer_view

COMPUTE_GOAL_S = 0.150
BROWSER_GOAL_S = 0.150  # the picture within 150 ms of the slider's change


def _walk(w: Any) -> Any:
    yield w
    for child in getattr(w, "children", ()):
        yield from _walk(child)


def _sliders(box: Any) -> dict[str, widgets.FloatSlider]:
    return {w.description: w for w in _walk(box) if isinstance(w, widgets.FloatSlider)}


def median_of(moves: list[Callable[[], object]]) -> float:
    times = []
    for move in moves:
        start = time.perf_counter()
        move()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _set(slider: widgets.FloatSlider, value: float) -> Callable[[], None]:
    def move() -> None:
        slider.value = value

    return move


def compute(n: int) -> dict[str, float]:
    demo = _sliders(conditionality_demo())
    rewards = [round(0.5 + 9.0 * k / n, 2) for k in range(n)]
    delays = [round(0.1 + 5.0 * k / n, 2) for k in range(n)]
    box = explore(
        "conditionality",
        threshold=dict(actor="CA", prefer="comply", over="defy", solve_for="r", given={"EU": "reward"}),
    )
    costs = [round(0.2 + 5.0 * k / n, 2) for k in range(n)]
    offers = [round(10.0 * k / n, 2) for k in range(n)]
    small = max(3, n // 4)
    return {
        "conditionality: reward r": median_of([_set(demo["reward r"], r) for r in rewards]),
        "conditionality: delay tau": median_of([_set(demo["delay τ (years)"], t) for t in delays]),
        "explore(conditionality, threshold)": median_of([_set(box.explore_state.sliders["c"], c) for c in costs]),
        "offer game: T": median_of([functools.partial(offer_view, t, 5.4) for t in offers[:small]]),
        "signing cascade: a step": median_of(
            [functools.partial(cascade_view, k % 4, settings=KAZAKHSTAN_2012) for k in range(small)]
        ),
    }


def browser(n: int) -> tuple[float, bool] | None:
    """Median seconds from Enter in the reward readout to the picture's new src, and whether the picture stayed put."""
    from tests.browser import (
        PICTURE,
        classroom_server,
        find_chromium,
        headless_chromium,
        open_demo,
        slider,
        wait_for_r,
    )

    chromium = find_chromium()
    if chromium is None:
        print("browser: no chromium found (Debian/Ubuntu: apt-get install chromium); skipped")
        return None
    with (
        tempfile.TemporaryDirectory() as logs,
        classroom_server(Path(logs)) as server,
        headless_chromium(chromium) as b,
    ):
        page = b.page
        open_demo(page, server.url("02_conditionality_in_class.ipynb"))
        page.evaluate(
            """(sel) => {
                window.__moves = [];
                const img = document.querySelector(sel);
                new MutationObserver(() => {
                    const last = window.__moves[window.__moves.length - 1];
                    if (last && last.drawn === undefined) last.drawn = performance.now();
                }).observe(img, {attributes: true, attributeFilter: ['src']});
                document.addEventListener('keydown', (e) => {
                    if (e.key === 'Enter') window.__moves.push({sent: performance.now()});
                }, true);
            }""",
            PICTURE,
        )
        readout = page.locator(slider(page, "reward r")).locator(".widget-readout")
        box = page.locator(PICTURE).bounding_box()
        values = [round(1.0 + 8.0 * k / n, 2) for k in range(n)]
        for value in values:
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(f"{value:.2f}")
            page.keyboard.press("Enter")
            wait_for_r(page, value)
            page.wait_for_function("() => window.__moves[window.__moves.length - 1].drawn !== undefined")
        moves = page.evaluate("() => window.__moves")
        after = page.locator(PICTURE).bounding_box()
        still = box is not None and after is not None and (box["x"], box["width"]) == (after["x"], after["width"])
        if b.outside:
            print(f"requests left localhost: {b.outside}")
        return statistics.median((m["drawn"] - m["sent"]) / 1000.0 for m in moves), still


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer moves, for a smoke run")
    parser.add_argument("--no-browser", action="store_true", help="only the computation per move")
    args = parser.parse_args()
    n = 12 if args.quick else 60
    results = compute(n)
    width = max(len(k) for k in results)
    print(f"{'computation per move':{width}}  median over {n} moves (fewer for trees and cascades)")
    for name, seconds in results.items():
        print(f"{name:{width}}  {1e3 * seconds:8.1f} ms")
    worst = results["conditionality: reward r"]
    met = "met" if worst < COMPUTE_GOAL_S else "not met"
    print(f"goal conditionality move under 150 ms: {met} ({1e3 * worst:.1f} ms)")
    if not args.no_browser:
        found = browser(8 if args.quick else 20)
        if found is not None:
            median, still = found
            print(f"browser: slider to picture, median {1e3 * median:.0f} ms; picture kept its place: {still}")
            met = "met" if median < BROWSER_GOAL_S else "not met"
            print(f"goal slider to picture under 150 ms in the browser: {met} ({1e3 * median:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

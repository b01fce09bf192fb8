"""``bargaining classroom`` in a real browser: the conditionality lesson served by Voila, driven in Chromium.

The server runs ``bargaining.app.serve(port=..., open_browser=False)`` in its own process group
(killed however the test ends); Playwright drives Debian's headless chromium with a fresh profile
and refuses every request that would leave 127.0.0.1. A slider is moved as a teacher would (typing
into its readout, then the arrow keys on its handle) and the verdict, the payoff table and the
picture must all change and agree with the library's own answer at the new values. Screenshots
before and after are saved (the path is printed; ``BARGAINING_ARTIFACTS`` chooses the directory).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("voila", reason="the classroom app needs the classroom extra: pip install 'bargaining[classroom]'")
pytest.importorskip("playwright", reason="the browser test needs playwright: pip install playwright")

import bargaining
from bargaining.analysis.incentives import best_reply
from bargaining.display.classroom import conditionality_view
from bargaining.display.text import number
from tests.browser import (
    PICTURE,
    Browser,
    Server,
    classroom_server,
    find_chromium,
    headless_chromium,
    picture_src,
    set_slider,
    slider,
    verdict,
    wait_for_r,
)

SCENARIO = bargaining.load("conditionality")
LESSON = "02_conditionality_in_class.ipynb"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; installed with apt-get once when running as root, else the test is skipped."""
    found = find_chromium()
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=False, capture_output=True, timeout=900)
        found = find_chromium()
    if found is None:
        pytest.skip("no chromium: install it (Debian/Ubuntu: sudo apt-get install chromium) to run the browser test")
    return found


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("BARGAINING_ARTIFACTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("browser-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser test artefacts (screenshots, server log): {path}")
    return path


@pytest.fixture(scope="module")
def server(artifacts: Path) -> Iterator[Server]:
    with classroom_server(artifacts) as running:
        yield running


@pytest.fixture
def browser(chromium: str) -> Iterator[Browser]:
    with headless_chromium(chromium) as b:
        yield b


def table_text(browser: Browser) -> str:
    return str(browser.page.locator(".bargaining-demo .bargaining-payoffs").inner_text())


def picture_png(browser: Browser) -> bytes:
    """The bytes of the PNG the picture shows (its blob URL read back in the page)."""
    encoded = browser.page.evaluate(
        """async (sel) => { const r = await fetch(document.querySelector(sel).src);
            const b = new Uint8Array(await r.arrayBuffer()); let s = '';
            for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
            return btoa(s); }""",
        PICTURE,
    )
    return base64.b64decode(encoded)


def test_the_index_lists_the_lessons_conditionality_first(server: Server, browser: Browser) -> None:
    page = browser.page
    page.goto(server.url("index.ipynb"), wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector("a[href$='.ipynb']", timeout=60_000)
    links = page.eval_on_selector_all("a[href$='.ipynb']", "as => as.map(a => a.getAttribute('href'))")
    assert links[0] == LESSON
    assert "05_offer_game_in_class.ipynb" in links and "06_signing_cascade_in_class.ipynb" in links
    assert not browser.outside, f"requests left localhost: {browser.outside}"


def test_moving_a_slider_updates_verdict_table_and_picture(server: Server, browser: Browser, artifacts: Path) -> None:
    page = browser.page
    page.goto(server.url(LESSON), wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector(".bargaining-demo .bargaining-verdict", timeout=60_000)
    page.wait_for_selector(PICTURE, timeout=60_000)
    # the threshold is typeset by MathJax (bundled by Voila's lab template, not from a CDN)
    page.wait_for_selector(".bargaining-demo mjx-container", timeout=30_000)
    demo = page.locator(".bargaining-demo")
    demo.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "conditionality-before.png"), full_page=False)

    before = verdict(page)
    defaults = SCENARIO.values()
    first = best_reply(SCENARIO, defaults)
    assert before["reply"] == first.reply == "comply"
    assert float(before["threshold"]) == pytest.approx(first.threshold_value, rel=1e-12)
    src_before, table_before = picture_src(page), table_text(browser)
    box_before = page.locator(PICTURE).bounding_box()
    demo_box = demo.bounding_box()
    assert box_before is not None and demo_box is not None

    # the reward down to 1.00, below r* = 1.3 / 0.8 = 1.625: the target defies
    set_slider(page, "reward r", "1.00")
    wait_for_r(page, 1.0)
    page.wait_for_function("([sel, old]) => document.querySelector(sel).src !== old", arg=[PICTURE, src_before])
    after = verdict(page)
    at = SCENARIO.values({"r": 1.0})
    expected = best_reply(SCENARIO, at)
    assert (after["reply"], after["clears"]) == (expected.reply, str(expected.clears).lower()) == ("defy", "false")
    assert float(after["threshold"]) == pytest.approx(expected.threshold_value, rel=1e-12)
    assert after["text"] == "Defy: the promised reward r = 1.00 falls short of the threshold r* = 1.625."
    payoffs = SCENARIO.normal_form.payoff_array(at)
    table_after = table_text(browser)
    assert table_after != table_before
    assert f"{number(payoffs[0, 0, 0])}, {number(payoffs[1, 0, 0])}" in table_after
    # the picture is the library's own picture at these values, pixel for pixel
    view = conditionality_view(2.0, 1.3, 0.8)
    expected_png = conditionality_view(1.0, 1.3, 0.8, picture=view.picture).png()
    assert picture_png(browser) == expected_png
    # and nothing moved: the picture and the demo keep their place and size
    box_after = page.locator(PICTURE).bounding_box()
    assert box_after is not None
    assert (box_after["x"], box_after["width"], box_after["height"]) == (
        box_before["x"],
        box_before["width"],
        box_before["height"],
    )
    demo_after = demo.bounding_box()
    assert demo_after is not None and demo_after["width"] == demo_box["width"]

    # the handle with the arrow keys: three steps of 0.01 up, continuously
    page.locator(slider(page, "reward r")).locator(".noUi-handle").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    wait_for_r(page, 1.03)
    assert verdict(page)["reply"] == best_reply(SCENARIO, SCENARIO.values({"r": 1.03})).reply

    # credibility up to 1: r* = 1.3, and the reward of 1.50 clears it
    set_slider(page, "credibility p", "1.00")
    set_slider(page, "reward r", "1.50")
    wait_for_r(page, 1.5)
    page.wait_for_function(
        "(sel) => document.querySelector(sel).dataset.reply === 'comply'", arg=".bargaining-demo .bargaining-verdict"
    )
    final = verdict(page)
    expected = best_reply(SCENARIO, SCENARIO.values({"r": 1.5, "p": 1.0}))
    assert final["reply"] == expected.reply == "comply"
    assert float(final["threshold"]) == pytest.approx(expected.threshold_value, rel=1e-12) == 1.3
    page.screenshot(path=str(artifacts / "conditionality-after.png"), full_page=False)
    box_final = page.locator(PICTURE).bounding_box()
    assert box_final is not None and (box_final["x"], box_final["width"]) == (box_before["x"], box_before["width"])
    assert not browser.outside, f"requests left localhost: {browser.outside}"


def test_latency_benchmark_quick_mode_runs(chromium: str) -> None:
    """benchmarks/classroom.py --quick end to end (speed is reported there, never asserted here)."""
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "classroom.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--quick"],
        cwd=script.parents[1],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for row in ("conditionality: reward r", "explore(conditionality, threshold)", "offer game: T", "signing cascade"):
        assert re.search(rf"^{re.escape(row)}.*\d+\.\d ms$", out, re.MULTILINE), out
    assert re.search(r"^goal conditionality move under 150 ms: (met|not met) \(.+\)$", out, re.MULTILINE), out
    assert re.search(r"^browser: slider to picture, median \d+ ms; picture kept its place: True$", out, re.MULTILINE)
    assert re.search(r"^goal slider to picture under 150 ms in the browser: (met|not met)", out, re.MULTILINE), out
    assert "requests left localhost" not in out

"""The classroom app in a real browser: start it, open a lesson in headless Chromium, drive its widgets.

Shared by tests/test_browser.py and benchmarks/classroom.py. Playwright drives Debian's chromium
(its own browser download is not used); every request that would leave 127.0.0.1 is refused and
recorded, so a test can assert the page works offline.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Route, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def find_chromium() -> str | None:
    """Debian's chromium (``shutil.which("chromium")`` or /usr/bin/chromium), or None."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``bargaining.app.serve`` in its own process group."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, lesson: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{lesson}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextlib.contextmanager
def classroom_server(log_dir: Path, timeout: float = 90.0) -> Iterator[Server]:
    """``serve(port=..., open_browser=False)`` in a new process group, killed on the way out (even on failure)."""
    port = free_port()
    log = log_dir / "classroom-server.log"
    code = f"from bargaining.app import serve; raise SystemExit(serve(port={port}, open_browser=False))"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(port, proc, log)
    try:
        end = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the classroom server exited with {proc.returncode}:\n{server.log_text()}")
            if "Ctrl-C stops." in server.log_text():
                break
            if time.monotonic() > end:
                raise TimeoutError(f"the classroom server did not start in {timeout:g} s:\n{server.log_text()}")
            time.sleep(0.2)
        yield server
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to ``serve`` (it stops Voila and its kernels), then SIGKILL to whatever is left of the group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


@dataclass
class Browser:
    context: BrowserContext
    page: Page
    outside: list[str] = field(default_factory=list)


@contextlib.contextmanager
def headless_chromium(executable: str) -> Iterator[Browser]:
    """Chromium with a fresh profile; requests leaving 127.0.0.1 are aborted and listed in ``outside``."""
    outside: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    with tempfile.TemporaryDirectory(prefix="bargaining-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            context.route("**/*", guard)
            page = context.pages[0] if context.pages else context.new_page()
            yield Browser(context, page, outside)
        finally:
            context.close()


DEMO = ".bargaining-demo"
VERDICT = f"{DEMO} .bargaining-verdict"
PICTURE = f"{DEMO} .bargaining-picture"


def open_demo(page: Page, url: str, timeout_ms: float = 60_000) -> None:
    """Open a lesson and wait until its demo's verdict and picture are on the page."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector(VERDICT, timeout=timeout_ms)
    page.wait_for_selector(PICTURE, timeout=timeout_ms)


def slider(page: Page, label: str) -> str:
    """The CSS selector of the demo's slider whose label is ``label``."""
    index = page.evaluate(
        """([demo, label]) => {
            const sliders = [...document.querySelectorAll(demo + ' .widget-slider')];
            return sliders.findIndex(s => (s.querySelector('.widget-label')?.textContent ?? '').trim() === label);
        }""",
        [DEMO, label],
    )
    if index < 0:
        raise LookupError(f"no slider labelled {label!r}")
    return f"{DEMO} .widget-slider >> nth={index}"


def set_slider(page: Page, label: str, value: str) -> None:
    """Type ``value`` into the slider's readout and press Enter, as a teacher can."""
    readout = page.locator(slider(page, label)).locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def verdict(page: Page) -> dict[str, str]:
    """The verdict's data attributes and text."""
    found: dict[str, str] = page.evaluate(
        """(sel) => { const v = document.querySelector(sel);
            return {...v.dataset, text: v.textContent.trim()}; }""",
        VERDICT,
    )
    return found


def picture_src(page: Page) -> str:
    return str(page.evaluate("(sel) => document.querySelector(sel).src", PICTURE))


def wait_for_r(page: Page, r: float, timeout_ms: float = 20_000) -> None:
    """Until the verdict says it is about ``r``."""
    page.wait_for_function(
        "([sel, r]) => { const v = document.querySelector(sel); return v && Math.abs(+v.dataset.r - r) < 1e-9; }",
        arg=[VERDICT, r],
        timeout=timeout_ms,
    )

"""Helpers for browser tests: start the dashboard on a free port, drive Debian's Chromium, and wait
on conditions only (Streamlit's own script-state attribute, elements, counts), never on time."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, FrameLocator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# every browser test: marked, skipped without Chromium, and run in one xdist worker (they share the machine's
# browser and each starts a dashboard; spread over workers they would only fight for the two cores)
MARKS = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
         pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]
TIMEOUT_MS = 90_000   # generous: the machine may be busy with a second test run
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
APP = "[data-testid='stApp']"

# Records, on the app element, whether a script run happened since the last arming: Streamlit sets
# data-test-script-state to 'running' during a run and 'notRunning' after it.
ARM = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__glRan = false;
  if (!window.__glObserver) {
    window.__glObserver = new MutationObserver(records => {
      for (const r of records) {
        if (r.oldValue === 'running' || app.getAttribute('data-test-script-state') === 'running') window.__glRan = true;
      }
    });
    window.__glObserver.observe(app, {attributes: true, attributeOldValue: true,
                                      attributeFilter: ['data-test-script-state']});
  }
}"""
RAN = """() => window.__glRan === true &&
  document.querySelector("[data-testid='stApp']").getAttribute('data-test-script-state') === 'notRunning'"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def dashboard(db_url: str, timeout: float = 90.0, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the dashboard as ``make run`` does (:mod:`ui.launch`) against ``db_url`` (with ``env`` added to the
    environment); yields the base URL once it answers."""
    with served(db_url, timeout, env) as (base, _):
        yield base


@contextmanager
def served(db_url: str, timeout: float = 90.0, env: dict[str, str] | None = None, prepared: bool = True,
           script: Path = ROOT / "dashboard.py") -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """:func:`dashboard`, yielding the server process beside the base URL (for the benchmarks' memory figures).

    ``prepared``: started as ``make run`` starts it (:mod:`ui.launch`, the first page prepared while the server
    starts); False: a bare ``streamlit run`` of ``script`` (the dashboard: the benchmarks' baseline)."""
    port = free_port()
    env = {**os.environ, "GRIDLENS_DB": db_url, **(env or {})}
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
    start = ["-m", "ui.launch"] if prepared else ["-m", "streamlit", "run", str(script)]
    proc = subprocess.Popen([sys.executable, *start, "--server.port", str(port), "--server.headless", "true",
                             "--server.address", "127.0.0.1"], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"streamlit did not start; log: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.2)   # polling the health endpoint: the condition is its answer
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def chromium() -> Iterator[BrowserContext]:
    """A headless Chromium (Playwright) with a fresh profile and no calls out."""
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                       args=CHROMIUM_ARGS, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


def requests_out(page: Page) -> list[str]:
    """Every request the page makes beyond this machine (the list fills as the page runs)."""
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None)
    return outside


def idle(page: Page) -> None:
    """The app has connected, finished its script run and drawn every element (no skeleton left)."""
    expect(page.locator(APP)).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0)


def open_page(page: Page, url: str, ready: str = "h1") -> None:
    """Go to ``url`` and wait until its script has run and ``ready`` is on the page.

    A fresh page starts in the script state 'initial', so waiting for 'notRunning' waits for the run.
    """
    page.goto(url)
    page.wait_for_selector(ready)
    idle(page)


def rerun(page: Page, action: Callable[[], object]) -> None:
    """Do ``action`` (a click, a drag) and wait until the script run it causes has finished."""
    page.evaluate(ARM)
    action()
    page.wait_for_function(RAN)
    idle(page)


def click_row(page: Page, key: str, row: int = 0) -> None:
    """Click the selection box of data row ``row`` of the table with widget key ``key`` and wait for the run it
    causes.

    The click goes through Playwright's checks on the table's element (scrolled into view, its box the same over
    two animation frames, the point not covered), so a table that is still moving when the page settles (a chart
    above it taking its height) is clicked where it ends up, not where it was first measured. The point: the
    left edge of the grid, one header row (35 px) and ``row`` rows of 35 px down, mid-row.
    """
    table = page.locator(f".st-key-{key}")
    rerun(page, lambda: table.click(position={"x": 18, "y": 35 + 35 * row + 17}))


def map_frame(page: Page, nth: int = 0) -> FrameLocator:
    """The ``nth`` st_folium frame, once Leaflet has drawn into it (SVG paths, or a canvas for a large map)."""
    page.locator(MAP_FRAME).nth(nth).wait_for()
    frame = page.frame_locator(MAP_FRAME).nth(nth)
    frame.locator("path.leaflet-interactive, .leaflet-overlay-pane canvas").first.wait_for()
    return frame


def expect_paths(page: Page, count: int, nth: int = 0) -> None:
    """Leaflet has drawn exactly ``count`` interactive paths (grids, buildings) in the ``nth`` map."""
    expect(map_frame(page, nth).locator("path.leaflet-interactive")).to_have_count(count)


def alert(page: Page, text: str) -> None:
    """An alert (success, info, warning or error box) containing ``text`` is shown."""
    expect(page.locator("[data-testid='stAlert']", has_text=text).first).to_be_visible()


def shot(page: Page, name: str, full_page: bool = False) -> None:
    """Save a screenshot under ``test-artifacts/`` (looked at by a person, kept by CI)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

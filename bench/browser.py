"""Benchmark: what a user waits for in the browser, on a city-sized store (Chromium against ``streamlit run``).

    python bench/browser.py --incidents 1000000 --grids 5000 --sessions 20

Uses the synthetic city of ``bench/city.py`` (written and imported there when absent) and measures, in
headless Chromium at 1920x1080:

* ``cold_import_s``: from starting the server to the first rendered page (the overview, its script run
  finished and nothing left to draw) when no dataset snapshot exists yet, as after an import;
  ``cold_start_s``: the same on a restart (the snapshot is read), started as ``make run`` starts it
  (:mod:`ui.launch` reads the data while the server starts and the browser loads); with the server's CPU seconds
  and its resident memory after the first page (``server_rss_mb``); ``cold_start_bare_s``: the baseline, a bare
  ``streamlit run dashboard.py`` started in turn with it (median of ``--repeat`` each); ``later_s`` and
  ``later_bare_s``: the same two, the page opened ``--later`` seconds after the server answers (a user who
  starts the server, then opens the browser), timed from the click, with the CPU seconds the server and
  Chromium spent on it (``later_server_cpu_s``, ``later_browser_cpu_s``); then the map by the sidebar's link,
  the server's first map (``later_map_s``, ``later_map_bare_s``: click to the map drawn, medians);
* ``warm_s``: for each page with the shared filters (总览, 地图, 工作量, 办结, 志愿者, 责任台账), opened once,
  then the community filter changed: from the press on the option to the end of the script run it causes (timed in
  the page with ``performance.now()``); on the map and volunteers pages the run fails unless Leaflet then draws the map (a
  static folder Streamlit refuses to serve, such as a symlinked ``static/vendor``, leaves it blank, and fast);
* ``sessions``: that many more tabs (each its own Streamlit session) open the overview, then all change the
  community at once, twice: p50, p95 (nearest rank) and the slowest press-to-end, script errors shown on any tab,
  the CPU seconds of the server and of the browser (the tabs draw on the server's two cores: a tab's first change
  costs Chromium more than twice its later ones), the tabs whose list had to be opened again to take the click,
  and the server's memory after;
* the floor, the baseline of the last two: ``floor_cold_start_s`` and ``floor_sessions``, the same first page and
  sessions on ``bench/floor_app.py``, a page with the community box alone (what Chromium and Streamlit take on this
  machine with no work of the program's).

The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import BrowserContext, Page, expect  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from bench.city import city_folder, prepare  # noqa: E402
from bench.timing import chromium_cpu, cpu_of, rss_mb  # noqa: E402
from tests.browser.harness import chromium, idle, map_frame, open_page, served  # noqa: E402

FLOOR = Path(__file__).with_name("floor_app.py")
PAGES = ("overview", "map", "workload", "resolution", "coverage", "ledger")
MAPPED = ("map", "coverage")   # pages whose map must be drawn after the change (Leaflet's scripts served)
BOX = "[class*='st-key-f_community']"
# Marks the moment the script run a change to ``expected`` causes ends: Streamlit sets data-test-script-state to
# 'running' during a run and 'notRunning' after it. A short run's two states can reach the page in one batch
# and never be drawn apart, so a run also counts as done once the scope line under the title names ``expected``
# and the state is 'notRunning'. The time starts at the press on an option that causes the run (the last one before
# it starts): with many tabs, a press can miss, as :func:`choose` says, and the seconds until it is pressed again are
# the benchmark's, not the page's.
ARM = """expected => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__glRan = false; window.__glEnd = null; window.__glStart = performance.now();
  window.__glExpected = expected;
  if (!window.__glPress) {
    window.__glPress = event => {
      if (event.target.closest("[role='option']") && !window.__glRan && window.__glEnd === null)
        window.__glStart = performance.now();
    };
    document.addEventListener('pointerdown', window.__glPress, true);
  }
  if (!window.__glTimer) {
    const shown = () => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stCaptionContainer']")]
      .some(c => c.textContent.includes(window.__glExpected));
    window.__glTimer = new MutationObserver(() => {
      const state = app.getAttribute('data-test-script-state');
      if (state === 'running') window.__glRan = true;
      else if (state === 'notRunning' && window.__glEnd === null && (window.__glRan || shown()))
        window.__glEnd = performance.now();
    });
    window.__glTimer.observe(app, {attributes: true, childList: true, subtree: true, characterData: true});
  }
}"""
ENDED = "() => window.__glEnd !== null"
ELAPSED = "() => (window.__glEnd - window.__glStart) / 1000"


def open_choice(page: Page, community: str) -> None:
    """Open the community select box and narrow its list to ``community`` (not chosen yet)."""
    page.locator(BOX).click()
    page.keyboard.press("ControlOrMeta+a")    # what an earlier opening typed is replaced, not added to
    page.keyboard.type(community)
    page.get_by_role("option", name=community, exact=True).wait_for()


def choose(page: Page, community: str) -> int:
    """Click ``community`` in the list :func:`open_choice` opened, and see the box show it; open the list again when
    the click did not take (with many tabs open, a tab's list sometimes closes when another tab takes the focus,
    or a click lands while the list redraws). How many times the list was opened again."""
    option = page.get_by_role("option", name=community, exact=True)
    for again in range(3):
        try:
            option.click(timeout=5000)
            expect(page.locator(BOX).get_by_role("combobox")).to_have_value(community, timeout=5000)
            return again
        except (PlaywrightTimeout, AssertionError):
            open_choice(page, community)
    option.click()
    expect(page.locator(BOX).get_by_role("combobox")).to_have_value(community)
    return 3


def change_community(page: Page, community: str) -> float:
    """Choose ``community``; seconds from the click to the end of the script run it causes."""
    open_choice(page, community)
    page.evaluate(ARM, community)
    page.get_by_role("option", name=community, exact=True).click()
    page.wait_for_function(ENDED)
    idle(page)
    return float(page.evaluate(ELAPSED))


def first_page(browser: BrowserContext, url: str, prepared: bool = True, later: float = 0.0) -> dict[str, Any]:
    """Start the server on ``url`` (as ``make run`` does, or, not ``prepared``, a bare ``streamlit run``) and open
    the overview: seconds to the first rendered page, the server's CPU seconds and memory then; the server is
    stopped after. ``later``: open it that many seconds after the server answers, timed from the click, then go
    to the map by the sidebar's link (``map_s``: click to the map drawn and the run ended; the server's first map)."""
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    start = time.perf_counter()
    with served(url, timeout=600, prepared=prepared) as (base, proc):
        if later:
            time.sleep(later)   # a user who opens the page a while after starting the server
            start = time.perf_counter()
        server, browser_cpu = cpu_of(proc.pid)[1], chromium_cpu()
        open_page(page, f"{base}/overview", ".gl-card")
        seconds = time.perf_counter() - start
        figures = {"s": round(seconds, 2), "server_cpu_s": round(cpu_of(proc.pid)[1], 2),
                   "server_rss_mb": round(rss_mb(proc.pid)), "page_server_cpu_s": round(cpu_of(proc.pid)[1] - server, 2),
                   "page_browser_cpu_s": round(chromium_cpu() - browser_cpu, 2)}
        if later:
            start = time.perf_counter()
            page.locator("a[data-testid='stPageLink-NavLink'][href='map']").click()
            map_frame(page)
            idle(page)
            figures["map_s"] = round(time.perf_counter() - start, 2)
    page.close()
    return figures


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median seconds among ``runs`` (the upper one of an even count)."""
    return sorted(runs, key=lambda run: run["s"])[len(runs) // 2]


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank: the ``ceil(q n)``-th smallest of the ``n`` values (the
    19th of 20 for the 95th percentile)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(round(q * len(ordered), 9)) - 1)]


def burst(tabs: list[Page], pid: int, chosen: str) -> dict[str, Any]:
    """Every tab changes the community to ``chosen`` at once: click-to-end seconds (p50, p95, slowest), script
    errors shown, the CPU seconds the server and the browser (all the tabs, on the same cores) took, and how many
    tabs' lists had to be opened again to take the click (``reopened``)."""
    for tab in tabs:
        open_choice(tab, chosen)
    server, browser = cpu_of(pid)[1], chromium_cpu()
    reopened = 0
    for tab in tabs:                       # every click first, then wait: the runs overlap on the server
        tab.evaluate(ARM, chosen)
        reopened += choose(tab, chosen) > 0
    times = []
    for tab in tabs:
        tab.wait_for_function(ENDED)
        idle(tab)
        times.append(float(tab.evaluate(ELAPSED)))
    return {"n": len(tabs), "p50_s": round(statistics.median(times), 2), "p95_s": round(pct(times, 0.95), 2),
            "max_s": round(max(times), 2), "reopened": reopened,
            "errors": sum(tab.locator("[data-testid='stException']").count() for tab in tabs),
            "server_cpu_s": round(cpu_of(pid)[1] - server, 2), "browser_cpu_s": round(chromium_cpu() - browser, 2),
            "server_rss_mb": round(rss_mb(pid))}


def open_tabs(browser: BrowserContext, url: str, ready: str, n: int) -> list[Page]:
    """``n`` tabs at 1280x720 (each its own Streamlit session), each showing ``url`` with ``ready`` drawn."""
    tabs = []
    for _ in range(n):
        tab = browser.new_page()
        tab.set_viewport_size({"width": 1280, "height": 720})
        open_page(tab, url, ready)
        tabs.append(tab)
    return tabs


def warm_and_sessions(browser: BrowserContext, url: str, communities: list[str], sessions: int) -> dict[str, Any]:
    """One session through every page changing the community, then ``sessions`` tabs changing it at once, twice
    (a tab's first change costs its browser more)."""
    out: dict[str, Any] = {}
    with served(url, timeout=600) as (base, proc):
        page = browser.new_page()
        page.set_viewport_size({"width": 1920, "height": 1080})
        warm = {}
        for i, name in enumerate(PAGES):
            open_page(page, f"{base}/{name}")
            warm[name] = round(change_community(page, communities[i % len(communities)]), 2)
            expect(page.locator("[data-testid='stException']")).to_have_count(0)
            if name in MAPPED:
                map_frame(page)   # a map not drawn (its scripts refused) fails the run, not a faster figure
        out["warm_s"] = warm
        out["server_rss_mb"] = round(rss_mb(proc.pid))
        tabs = open_tabs(browser, f"{base}/overview", ".gl-card", sessions)
        out["sessions"] = [burst(tabs, proc.pid, chosen) for chosen in communities[-2:]]
        for tab in [page, *tabs]:      # closed before the server stops: a tab left open keeps trying to reconnect
            tab.close()
    return out


def floor(browser: BrowserContext, url: str, communities: list[str], sessions: int, repeat: int) -> dict[str, Any]:
    """The same first page (median of ``repeat`` starts) and ``sessions`` tabs changing the community at once, on
    :data:`FLOOR` (a page with the community box alone): what Chromium and Streamlit take here with no work of the
    program's."""
    env = {"GRIDLENS_FLOOR_CHOICES": "|".join(communities)}
    starts = []
    for _ in range(repeat):
        page = browser.new_page()
        page.set_viewport_size({"width": 1920, "height": 1080})
        start = time.perf_counter()
        with served(url, timeout=600, env=env, prepared=False, script=FLOOR) as (base, _):
            open_page(page, base, BOX)
            starts.append(time.perf_counter() - start)
        page.close()
    with served(url, timeout=600, env=env, prepared=False, script=FLOOR) as (base, proc):
        tabs = open_tabs(browser, base, BOX, sessions)
        bursts = [burst(tabs, proc.pid, chosen) for chosen in communities[-2:]]
        for tab in tabs:
            tab.close()
    return {"floor_cold_start_s": round(statistics.median(starts), 2), "floor_sessions": bursts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--grids", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="restarts timed, each way (median reported)")
    parser.add_argument("--later", type=float, default=20.0, help="seconds after the server starts that the "
                                                                  "first page is opened, for later_s")
    parser.add_argument("--dir", type=Path, default=None, help="where the city's files and store are kept")
    args = parser.parse_args(argv)
    folder = args.dir or city_folder(args.incidents, args.grids)
    prepare(args.incidents, args.grids, folder)
    url = f"sqlite:///{folder / 'city.sqlite'}"
    import geopandas as gpd
    communities = sorted(gpd.read_file(folder / "grids.geojson", columns=["community"])["community"].unique())[1:9]
    with chromium() as browser:
        shutil.rmtree(f"{folder / 'city.sqlite'}.snapshots", ignore_errors=True)
        cold_import = first_page(browser, url)
        restarts = [(first_page(browser, url), first_page(browser, url, prepared=False)) for _ in range(args.repeat)]
        cold = median_run([made for made, _ in restarts])
        bare = median_run([plain for _, plain in restarts])
        opened = [(first_page(browser, url, later=args.later), first_page(browser, url, False, args.later))
                  for _ in range(args.repeat)]
        later = median_run([made for made, _ in opened])
        later_bare = median_run([plain for _, plain in opened])
        figures = {"incidents": args.incidents, "grids": args.grids, "cold_import_s": cold_import["s"],
                   "cold_import_server_cpu_s": cold_import["server_cpu_s"], "cold_start_s": cold["s"],
                   "cold_start_server_cpu_s": cold["server_cpu_s"], "first_page_server_rss_mb": cold["server_rss_mb"],
                   "cold_start_bare_s": bare["s"], "cold_start_bare_server_cpu_s": bare["server_cpu_s"],
                   "cold_start_ratio": round(cold["s"] / bare["s"], 2), "later_s": later["s"],
                   "later_bare_s": later_bare["s"], "later_ratio": round(later["s"] / later_bare["s"], 2),
                   "later_server_cpu_s": later["page_server_cpu_s"], "later_browser_cpu_s": later["page_browser_cpu_s"],
                   "later_map_s": statistics.median(made["map_s"] for made, _ in opened),
                   "later_map_bare_s": statistics.median(plain["map_s"] for _, plain in opened),
                   **warm_and_sessions(browser, url, communities, args.sessions),
                   **floor(browser, url, communities, args.sessions, args.repeat)}
    print(f"cold start to the first page: {figures['cold_start_s']:.1f} s on a restart "
          f"({figures['cold_start_server_cpu_s']:.1f} CPU s in the server; a bare `streamlit run` "
          f"{figures['cold_start_bare_s']:.1f} s, ratio {figures['cold_start_ratio']:.2f}), "
          f"{figures['cold_import_s']:.1f} s after an import (no snapshot yet); server "
          f"{figures['first_page_server_rss_mb']:,} MB")
    print(f"the first page opened {args.later:.0f} s after the server started, click to rendered: "
          f"{figures['later_s']:.1f} s ({figures['later_server_cpu_s']:.1f} CPU s in the server, "
          f"{figures['later_browser_cpu_s']:.1f} in Chromium; a bare `streamlit run` {figures['later_bare_s']:.1f} s, "
          f"ratio {figures['later_ratio']:.2f})")
    print(f"then the map, the server's first (sidebar click to drawn): {figures['later_map_s']:.2f} s; a bare "
          f"`streamlit run` {figures['later_map_bare_s']:.2f} s, ratio "
          f"{figures['later_map_s'] / figures['later_map_bare_s']:.2f}")
    print("warm, community changed (click to end of run): "
          + ", ".join(f"{k} {v:.2f} s" for k, v in figures["warm_s"].items()))
    for n, s in enumerate(figures["sessions"], 1):
        print(f"{s['n']} sessions changing it at once (change {n}): p50 {s['p50_s']:.2f} s, p95 {s['p95_s']:.2f} s, "
              f"max {s['max_s']:.2f} s, {s['errors']} errors, {s['reopened']} lists opened again; CPU s: server {s['server_cpu_s']:.1f}, "
              f"browser {s['browser_cpu_s']:.1f}; server {s['server_rss_mb']:,} MB")
    print(f"the floor, a page with the community box alone: first page {figures['floor_cold_start_s']:.1f} s from "
          "the start; " + "; ".join(f"change {n}: p50 {s['p50_s']:.2f} s, p95 {s['p95_s']:.2f} s (the dashboard's "
                                    f"{mine['p95_s'] / s['p95_s']:.1f}x), browser {s['browser_cpu_s']:.1f} CPU s"
                                    for n, (s, mine) in enumerate(zip(figures["floor_sessions"], figures["sessions"]), 1)))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

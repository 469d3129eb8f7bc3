"""Projector mode (投影模式) holds on every page, in both languages, at 1280x720 in a real browser: no body
text under 22 px, no chart tick or legend under 18 px, every table our own HTML table and none wider than
its column. Each tab of a page is measured too (the data page's tables are in tabs). The map page is
opened on its busiest grid, so that the grid's card (figures, charts, open cases) is measured with it.
Screenshots go to ``test-artifacts/`` and are looked at."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from analysis.store import Store
from tests.browser.harness import MAP_FRAME, MARKS, open_page, shot
from ui.page import PAGES

pytestmark = MARKS
BODY_PX = 22     # paragraphs, list items, labels, table cells and captions
CHART_PX = 18    # chart ticks, legends and axis titles
BUSIEST_GRID = "天心阁第5网格"   # the demo's grid with the most incidents: its card has every part

# The smallest visible text of the main area (the folded sidebar and the maps' frames are outside it), the
# smallest chart text, and the tables wider than their column. Only an element holding text itself is
# measured: a caption's box may be smaller than the paragraph inside it, which is what is read.
MEASURE = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const seen = el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
                     && el.getBoundingClientRect().width > 0;
  const ownText = el => [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  const smallest = (selector, keep) => {
    let best = {px: Infinity, text: ""};
    for (const el of main.querySelectorAll(selector)) {
      if (!keep(el) || !seen(el)) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < best.px) best = {px, text: el.textContent.trim().slice(0, 60)};
    }
    return best;
  };
  const caption = "[data-testid='stCaptionContainer']";
  const body = smallest(["p", "li", "label", "td", "th", caption].flatMap(s => [s, `${s} *`]).join(", "),
                        el => ownText(el) && el.getAttribute("data-testid") !== "stIconMaterial");
  const chart = smallest(".xtick text, .ytick text, .legendtext, .g-xtitle text, .g-ytitle text, "       // Plotly
                         + [".role-axis-label", ".role-axis-title", ".role-legend-label"]                // Vega-Lite
                           .map(s => `.vega-embed ${s} text`).join(", "),
                         el => el.textContent.trim() !== "");
  const wide = [...main.querySelectorAll(".gl-table")].filter(t => seen(t) && (
      t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().width > t.parentElement.clientWidth + 1
      || t.parentElement.scrollWidth > t.parentElement.clientWidth + 1)).map(t => t.textContent.slice(0, 60));
  return {body, chart, wide};
}"""


def map_drawn(page: Page) -> None:
    """Leaflet has drawn the page's first map (its shapes may lie outside the view, zoomed on one grid)."""
    page.locator(MAP_FRAME).first.wait_for()
    page.frame_locator(MAP_FRAME).first.locator("path.leaflet-interactive").first.wait_for(state="attached")


def measure(page: Page) -> dict[str, Any]:
    """The page's measures (see ``MEASURE``) over every tab of the page, each tab shown in turn."""
    found: dict[str, Any] = page.evaluate(MEASURE)
    tabs = page.locator("[data-testid='stMain'] [role='tab']")
    for i in range(1, tabs.count()):
        tabs.nth(i).click()
        expect(tabs.nth(i)).to_have_attribute("aria-selected", "true")
        more = page.evaluate(MEASURE)
        for key in ("body", "chart"):
            if more[key]["px"] < found[key]["px"]:
                found[key] = more[key]
        found["wide"] += more["wide"]
    if tabs.count():
        tabs.first.click()
    return found


def test_projector_mode_holds_on_every_page(server: tuple[str, str], browser: BrowserContext) -> None:
    base, url = server
    grids = Store(url).grids()
    busiest = grids.loc[grids["name"] == BUSIEST_GRID, "grid_id"].iloc[0]
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    smallest: dict[str, tuple[float, float]] = {}
    for lang in ("zh", "en"):
        for script, _, _ in PAGES:
            name = Path(script).stem
            card = f"&grid={busiest}" if name == "map" else ""
            open_page(page, f"{base}/{name}?present=1&lang={lang}{card}")
            if name in ("map", "coverage", "redraw"):
                map_drawn(page)
            expect(page.locator("[data-testid='stException']")).to_have_count(0)
            expect(page.locator("[data-testid='stSidebar']")).to_have_attribute("data-collapsed", "true")
            expect(page.locator("[data-testid='stMain'] [data-testid='stDataFrame']")).to_have_count(0)
            assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == f"{BODY_PX}px"
            found = measure(page)
            where = f"{name} ({lang})"
            assert BODY_PX <= found["body"]["px"] < float("inf"), f"{where}: {found['body']}"
            assert found["chart"]["px"] >= CHART_PX, f"{where}: {found['chart']}"     # infinite: no chart
            assert found["wide"] == [], f"{where}: tables wider than their column: {found['wide']}"
            smallest[where] = (found["body"]["px"], found["chart"]["px"])
            shot(page, f"{name}-present-{lang}-1280x720")
    print("\nsmallest text in projector mode (body px, chart px; — for a page without charts):")
    for where, (body, chart) in smallest.items():
        print(f"  {where:20} {body:5.1f} {chart if chart != float('inf') else '—':>5}")

"""Text from files is harmless in a real browser: grids, communities, teams and addresses named with a
script payload (and a template expression) are drawn as text on every page (no dialog opens), the map's tooltips
included."""
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.harness import MARKS, dashboard, map_frame, open_page
from tests.pages.shapes import Shape
from ui.page import PAGES

pytestmark = MARKS
PAYLOAD = "<img src=x onerror=alert(1)>"
TEMPLATE = "{{ 'gl' ~ 'ssti' }}"     # what the map's renderer (Jinja) would have drawn as "glssti"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dashboard on a store whose names are script payloads."""
    shape = Shape("hostile",
                  grids=lambda g: g.assign(name=[f"{PAYLOAD}{TEMPLATE}{i}" for i in range(len(g))],
                                           community=f"{PAYLOAD}{TEMPLATE}社区"),
                  incidents=lambda f: f.assign(category=PAYLOAD, status="<script>alert(2)</script>",
                                               handler='=HYPERLINK("http://evil","x")'),
                  registers={"volunteers": lambda f: f.assign(队伍=PAYLOAD),
                             "buildings": lambda f: f.assign(标准地址=[f"{PAYLOAD}{i}栋" for i in range(len(f))])})
    folder: Path = tmp_path_factory.mktemp("hostile")
    store = shape.build(folder)
    with dashboard(store.url) as base:
        yield base


def _tooltip_shows(page: Page, text: str) -> None:
    """Hover the map's first grid until its tooltip (drawn from the grid's name) shows ``text``: a hover made while
    the map was still being redrawn under load shows nothing, so the pointer leaves and comes back (3 tries)."""
    frame = map_frame(page)
    tooltip = frame.locator(".leaflet-tooltip").first
    for _ in range(2):
        frame.locator("path.leaflet-interactive").first.hover()
        try:
            expect(tooltip).to_contain_text(text, timeout=20_000)
            return
        except AssertionError:
            page.mouse.move(0, 0)
    frame.locator("path.leaflet-interactive").first.hover()
    expect(tooltip).to_contain_text(text)


def test_script_payloads_in_names_never_run(hostile: str, browser: BrowserContext) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_viewport_size({"width": 1920, "height": 1080})
    for script, _, _ in PAGES:
        name = Path(script).stem
        open_page(page, f"{hostile}/{name}")
        if name in ("map", "coverage", "redraw"):
            _tooltip_shows(page, f"<img src=x onerror=alert(1)>{TEMPLATE}")
            expect(map_frame(page).get_by_text("glssti")).to_have_count(0)
        if name == "map":                       # the grids' names on the map: the payload is their text
            expect(map_frame(page).locator(".gl-name").first).to_contain_text(f"{PAYLOAD}{TEMPLATE}")
            expect(map_frame(page).locator(".gl-name img")).to_have_count(0)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert dialogs == []

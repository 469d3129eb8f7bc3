"""A new user's first hour, in a real browser: an empty dashboard, LA's or Boston's own files imported by
upload and clicks in the column mapping only, then every page without an exception or a failure box.

Each street gets its own dashboard on an empty store (../shared/realdata; skipped where it is absent).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from analysis.store import Store
from tests.browser.harness import MARKS, dashboard, idle, map_frame, open_page, rerun, shot
from tests.conftest import REALDATA
from ui.labels import TEXT
from ui.page import PAGES

pytestmark = [*MARKS, pytest.mark.realdata]
FAILED = TEXT["err_unexpected"][0][:8]        # the error boundary's first words


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, store URL) of a dashboard on an empty store."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present")
    url = f"sqlite:///{tmp_path / 'street.sqlite'}"
    with dashboard(url) as base:
        yield base, url


def choose(page: Page, key_prefix: str, option: str) -> None:
    """Pick ``option`` in the select box whose key starts with ``key_prefix`` (a mapping field)."""
    box = page.locator(f"[class*='st-key-{key_prefix}']")
    box.click()
    page.keyboard.type(option)                 # the list is long and drawn lazily: typing filters it
    rerun(page, lambda: page.get_by_role("option", name=option, exact=True).click())
    expect(box.get_by_role("combobox")).to_have_value(option)


def upload(page: Page, label: str, path: Path) -> None:
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text=label)
    rerun(page, lambda: uploader.locator("input[type=file]").set_input_files(str(path)))


def import_street(page: Page, base: str, areas: Path, export: Path, area_field: tuple[str, str],
                  incident_field: tuple[str, str], grids: int) -> None:
    """Upload the areas and the export on the data page, one mapping click each, import both."""
    open_page(page, f"{base}/data", "[data-testid='stTab']")
    page.get_by_role("tab", name="网格边界").click()
    upload(page, "上传网格边界", areas)
    choose(page, f"bnd_map_{area_field[0]}_", area_field[1])
    expect(page.get_by_text(f"文件中的 {grids} 个网格")).to_be_visible()
    rerun(page, lambda: page.get_by_role("button", name="导入").click())
    expect(page.locator(".gl-card", has_text="导入行数")).to_be_visible()
    page.get_by_role("tab", name="事件台账").click()
    upload(page, "上传事件文件", export)
    choose(page, f"map_incidents_{incident_field[0]}_", incident_field[1])
    rerun(page, lambda: page.get_by_role("button", name="导入").click())
    expect(page.get_by_text("导入完成").first).to_be_visible()


def every_page(page: Page, base: str, street: str) -> None:
    for script, _, _ in PAGES:
        name = Path(script).stem
        for lang in ("zh", "en"):
            open_page(page, f"{base}/{name}?lang={lang}")
            if name in ("map", "coverage", "redraw"):
                map_frame(page)
            idle(page)
            expect(page.locator("[data-testid='stException']")).to_have_count(0)
            expect(page.locator("[data-testid='stAlert']", has_text=FAILED)).to_have_count(0)
            expect(page.locator("[data-testid='stAlert']", has_text=TEXT["err_unexpected"][1][:20])).to_have_count(0)
            if lang == "zh":
                shot(page, f"real-{street}-{name}-1280x720")


def test_los_angeles_by_upload(empty: tuple[str, str], browser: BrowserContext) -> None:
    base, url = empty
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    import_street(page, base, REALDATA / "la/nc-boundary-2019-modified.json", REALDATA / "la/requests.csv",
                  ("community", "service_re"), ("handler", "owner"), 99)
    store = Store(url)
    assert len(store.grids()) == 99 and store.count_incidents() == 10_000
    assert store.counts_by_method().get("coordinates", 0) == 9_850       # README: 9,850 points fall in a council
    every_page(page, base, "la")


def test_boston_by_upload(empty: tuple[str, str], browser: BrowserContext) -> None:
    base, url = empty
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    import_street(page, base, REALDATA / "boston/boston.geojson", REALDATA / "boston/filtered_2019.csv",
                  ("grid_id", "name"), ("category", "reason"), 26)
    store = Store(url)
    assert sorted(store.grids()["grid_id"])[:2] == ["Allston", "Back Bay"] and store.count_incidents() == 8_928
    every_page(page, base, "boston")

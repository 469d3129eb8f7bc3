"""Two streets in one database, in a real browser: a street's user sees their street only (no street choice,
no district page); a district user picks the street in the sidebar and compares the streets on the district page
(table and map), in Chinese and in English, at 1920x1080 and 1280x720 (``test-artifacts/district-*.png``)."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from analysis.access.users import add_user
from analysis.demo.writer import DEMO_DIR
from analysis.ingest.importer import import_boundaries, import_incidents
from analysis.store.database import Store
from analysis.store.streets import add_street
from tests.browser.harness import MARKS, dashboard, expect_paths, idle, open_page, rerun, shot

pytestmark = MARKS
B = "430103008"
PASSWORD = "pass word 1"
SIDEBAR_LINKS = "[data-testid='stSidebar'] [data-testid='stPageLink']"


def _neighbour(store: Store, folder: Path) -> int:
    """Street B: the demo street's grids moved one street-width east, with a third of its cases; returns them."""
    grids = gpd.read_file(DEMO_DIR / "grids.geojson")
    shift = grids.total_bounds[2] - grids.total_bounds[0]
    grids.translate(xoff=shift).pipe(lambda g: grids.set_geometry(g)).to_file(folder / "b.geojson")
    cases = pd.read_csv(DEMO_DIR / "incidents.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cases = cases.iloc[::3].assign(事件编号=lambda f: "B" + f["事件编号"],
                                   经度=lambda f: (pd.to_numeric(f["经度"], errors="coerce") + shift).map(
                                       lambda v: "" if pd.isna(v) else f"{v:.6f}"))
    cases.to_csv(folder / "b.csv", index=False, encoding="utf-8-sig")
    b = store.for_street(B)
    import_boundaries(b, folder / "b.geojson", version_name="城南路现行")
    return import_incidents(b, folder / "b.csv").rows_imported


@pytest.fixture(scope="module")
def two_streets(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(base URL, cases of street B) of a multi-user dashboard on the demo street and street B."""
    folder = tmp_path_factory.mktemp("streets")
    shutil.copy(demo_db, folder / "store.sqlite")
    store = Store(f"sqlite:///{folder / 'store.sqlite'}")
    add_street(store.engine, B, "城南路街道")
    cases = _neighbour(store, folder)
    add_user(store, "城南查看员", "viewer", PASSWORD, street=B)
    add_user(store, "区管理员", "admin", PASSWORD)
    with dashboard(store.url, env={"GRIDLENS_MULTIUSER": "1"}) as base:
        yield base, cases


def _sign_in(page: Page, base: str, name: str) -> None:
    open_page(page, f"{base}/status", ready="[data-testid='stForm']")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    rerun(page, lambda: page.get_by_role("button", name="登录").click())
    expect(page.locator("h1").first).to_have_text("数据概况")


def _incidents(page: Page) -> str:
    return page.locator(".gl-card", has_text="事件数").locator(".gl-card-value").inner_text()


def test_a_street_user_sees_their_street_only(two_streets: tuple[str, int], browser: BrowserContext) -> None:
    base, cases = two_streets
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    _sign_in(page, base, "城南查看员")
    assert _incidents(page) == f"{cases:,}"
    expect(page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']", has_text="街道")).to_have_count(0)
    expect(page.locator(SIDEBAR_LINKS, has_text="全区对比")).to_have_count(0)
    shot(page, "street-user-1920x1080")


def test_a_district_user_switches_streets_and_compares_them(two_streets: tuple[str, int],
                                                            browser: BrowserContext) -> None:
    base, cases = two_streets
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    _sign_in(page, base, "区管理员")
    demo = _incidents(page)
    assert demo != f"{cases:,}"
    chooser = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']", has_text="街道")
    rerun(page, lambda: (chooser.click(), page.get_by_role("option", name="城南路街道（430103008）").click()))
    expect(page.locator(".gl-card", has_text="事件数").locator(".gl-card-value")).to_have_text(f"{cases:,}")
    page.locator(SIDEBAR_LINKS, has_text="全区对比").first.click()
    expect(page.locator("h1").first).to_have_text("全区各街道对比")
    idle(page)
    expect(page.locator("[data-testid='stDataFrame']")).to_have_count(1)
    expect_paths(page, 2)                                  # the map: one outline per street
    for lang, title in (("zh", "全区各街道对比"), ("en", "The district's streets side by side")):
        if lang == "en":
            radio = page.locator("[data-testid='stSidebar'] [data-testid='stRadio'] label", has_text="English")
            rerun(page, radio.click)
        expect(page.locator("h1").first).to_have_text(title)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        for width, height in ((1920, 1080), (1280, 720)):
            page.set_viewport_size({"width": width, "height": height})
            idle(page)
            shot(page, f"district-{lang}-{width}x{height}")

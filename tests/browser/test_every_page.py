"""Every page in a real browser (Debian's Chromium, no internet): both languages, both screen sizes,
the sidebar's navigation and projector mode. Screenshots go to ``test-artifacts/`` and are looked at."""
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from tests.browser.harness import MARKS, expect_paths, idle, map_frame, open_page, requests_out, shot
from ui.page import ICON_URL, PAGES

pytestmark = MARKS
SIZES = [(1920, 1080), (1280, 720)]
TITLES = {"overview": ("总览", "Overview"), "meeting": ("周例会", "Weekly review"), "map": ("地图", "Map"), "workload": ("工作量", "Workload"),
          "resolution": ("办结", "Resolution"), "coverage": ("志愿者", "Volunteers"),
          "ledger": ("责任台账", "Ledgers by responsible person"),
          "status": ("数据概况", "What is in the store"), "data": ("数据导入", "Data import"),
          "redraw": ("网格调整：新划分会带来什么", "Redraw grids: what a new division would do"),
          "admin": ("用户与审计", "Users and audit"),
          "district": ("全区各街道对比", "The district's streets side by side")}   # one street: it says so


def test_every_page_in_both_languages_and_sizes(server: tuple[str, str], browser: BrowserContext) -> None:
    base, _ = server
    page = browser.new_page()
    outside = requests_out(page)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for lang_index, lang in enumerate(("zh", "en")):
            for script, _, _ in PAGES:
                name = Path(script).stem
                open_page(page, f"{base}/{name}?lang={lang}")
                expect(page.locator("h1").first).to_have_text(TITLES[name][lang_index])
                expect(page.locator("[data-testid='stException']")).to_have_count(0)
                expect(page.locator("[data-testid='stSidebar'] a")).to_have_count(len(PAGES) - 1)   # no district
                if name == "map":
                    expect_paths(page, 60)
                if name == "overview":                           # the weekly trend: a bar per week (SVG)
                    expect(page.locator(".vega-embed g.mark-rect path")).to_have_count(12)
                    # the favicon, the program's, passed as a data URL (a file was opened with Pillow on every run)
                    expect(page.locator("link[rel='shortcut icon']")).to_have_attribute("href", ICON_URL)
                if name == "redraw":
                    expect_paths(page, 60 + 2500)                # the grids and every building
                shot(page, f"{name}-{lang}-{width}x{height}")
    assert outside == []


def test_projector_mode_at_1280x720(server: tuple[str, str], browser: BrowserContext) -> None:
    base, _ = server
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    for name, lang in (("overview", "zh"), ("map", "zh"), ("overview", "en")):
        open_page(page, f"{base}/{name}?present=1&lang={lang}")
        if name == "map":
            map_frame(page)
        assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "22px"
        expect(page.locator("[data-testid='stSidebar']")).to_have_attribute("data-collapsed", "true")
        shot(page, f"{name}-present-{lang}-1280x720")


def test_navigation_by_the_sidebar(server: tuple[str, str], browser: BrowserContext) -> None:
    base, _ = server
    page = browser.new_page()
    open_page(page, base, ".gl-card")
    expect(page.locator("h1").first).to_have_text("总览")
    page.locator("[data-testid='stSidebar'] a", has_text="数据导入").click()
    expect(page.locator("h1").first).to_have_text("数据导入")
    idle(page)
    assert page.url.endswith("/data")

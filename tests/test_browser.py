"""The dashboard in a real browser: Debian's Chromium driven by Playwright, no internet.

Opens every page in Chinese and English at 1920x1080 and 1280x720, saves screenshots under
``test-artifacts/`` (kept by CI as artefacts, and looked at), checks that nothing on the page
failed and that nothing was fetched from outside this machine; then uploads a real CSV on the
data page, imports it and checks the store.
"""
import shutil
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, chromium, dashboard
from tests.conftest import ROOT
from ui.page import PAGES

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]
ARTIFACTS = ROOT / "test-artifacts"
SIZES = [(1920, 1080), (1280, 720)]


def requests_out(page) -> list[str]:
    """Every request the page makes beyond this machine (the list fills as the page runs)."""
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None)
    return outside


def settle(page, selector: str) -> None:
    page.wait_for_selector(selector, timeout=45000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=45000)
    page.wait_for_timeout(1500)


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    copy = tmp_path_factory.mktemp("browser") / "store.sqlite"
    shutil.copy(demo_db, copy)
    with dashboard(f"sqlite:///{copy}") as base:
        yield base, f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def browser():
    with chromium() as context:
        yield context


def test_every_page_in_both_languages_and_sizes(server, browser):
    base, _ = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page()
    outside = requests_out(page)
    expected = {"overview": ("总览", "Overview"), "map": ("地图", "Map"), "workload": ("工作量", "Workload"),
                "resolution": ("办结", "Resolution"), "coverage": ("志愿者", "Volunteers"),
                "status": ("数据概况", "What is in the store"), "data": ("数据导入", "Data import"),
                "redraw": ("网格调整：新划分会带来什么", "Redraw grids: what a new division would do")}
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for lang_index, lang in enumerate(("zh", "en")):
            for script, _, _ in PAGES:
                name = Path(script).stem
                page.goto(f"{base}/{name}?lang={lang}")
                settle(page, "h1")
                assert page.locator("h1").first.inner_text() == expected[name][lang_index]
                assert page.locator("[data-testid='stException']").count() == 0
                links = page.locator("[data-testid='stSidebar'] a").all_inner_texts()
                assert len(links) == len(PAGES)
                if name == "map":
                    assert drawn_grids(page) == 60
                if name == "redraw":
                    assert drawn_grids(page) == 60 + 2500                # the grids and every building
                page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-{width}x{height}.png"))
    assert outside == []


def map_frame(page):
    """The st_folium frame, once Leaflet has drawn into it."""
    page.wait_for_selector("iframe[title='streamlit_folium.st_folium']", timeout=45000)
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=45000)
    return frame


def drawn_grids(page) -> int:
    """How many grid polygons Leaflet drew (interactive paths: the grids; hotspots and outlines are not)."""
    frame = map_frame(page)
    page.wait_for_timeout(500)
    return frame.locator("path.leaflet-interactive").count()


def test_the_map_draws_offline_and_a_click_opens_the_grid_card(server, browser):
    base, _ = server
    page = browser.new_page()
    outside = requests_out(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{base}/map")
    settle(page, "h1")
    frame = map_frame(page)
    assert drawn_grids(page) == 60
    assert frame.locator(".gl-legend").inner_text().startswith("事件数")
    assert frame.locator(".leaflet-control-layers").count() == 1 and frame.locator(".gl-player").count() == 1
    box = frame.locator("path.leaflet-interactive").nth(40).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    card_title = "[data-testid='stMainBlockContainer'] h3"
    page.wait_for_selector(card_title, timeout=30000)
    settle(page, card_title)
    card = page.locator(card_title).first.inner_text()
    assert card.endswith("网格"), card
    assert page.get_by_text("户数", exact=True).count() >= 1
    page.screenshot(path=str(ARTIFACTS / "map-card-zh-1920x1080.png"))
    frame.locator(".gl-play").click()                                  # weekly playback runs in the browser
    page.wait_for_timeout(2200)
    assert "起一周" in frame.locator(".gl-label").inner_text()
    assert outside == []


def test_projector_mode_at_1280x720(server, browser):
    base, _ = server
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    for name, lang in (("overview", "zh"), ("map", "zh"), ("overview", "en")):
        page.goto(f"{base}/{name}?present=1&lang={lang}")
        settle(page, "h1")
        if name == "map":
            map_frame(page)
            page.wait_for_timeout(1000)
        size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
        assert size == "20px"
        assert page.locator("[data-testid='stSidebar']").get_attribute("data-collapsed") == "true"
        page.screenshot(path=str(ARTIFACTS / f"{name}-present-{lang}-1280x720.png"))


def test_navigation_by_the_sidebar(server, browser):
    base, _ = server
    page = browser.new_page()
    page.goto(base)
    settle(page, "[data-testid='stMetric']")
    assert page.locator("h1").first.inner_text() == "总览"
    page.locator("[data-testid='stSidebar'] a", has_text="数据导入").click()
    settle(page, "[data-testid='stTab']")
    assert page.url.endswith("/data") and page.locator("h1").first.inner_text() == "数据导入"


def test_upload_and_import_an_incident_file(server, browser, tmp_path):
    base, url = server
    from analysis.store import Store
    before = Store(url).count_incidents()
    csv = tmp_path / "新事件.csv"
    csv.write_text("事件编号,上报时间,事件大类,经度,纬度,事发地址\n"
                   "NEW-1,2026/11/20 9:00,市容环境,112.9750,28.1900,\n"
                   "NEW-2,2026/11/20 9:30,设施维修,,,菜市场旁边\n", encoding="gbk")
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{base}/data")
    settle(page, "[data-testid='stTab']")
    page.locator("[data-testid='stFileUploaderDropzone'] input[type=file]").first.set_input_files(str(csv))
    settle(page, "text=列映射")
    page.get_by_role("button", name="导入").click()
    page.wait_for_selector("text=导入完成", timeout=60000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "data-import-result-zh-1920x1080.png"), full_page=True)
    store = Store(url)
    assert store.count_incidents() == before + 2
    placed = store.incidents().set_index("incident_id")
    assert placed.loc["NEW-1", "match_method"] == "coordinates" and placed.loc["NEW-2", "grid_id"] == ""
    assert "NEW-2" in set(store.review_queue()["incident_id"])


def test_upload_boundaries_preview_and_import(server, browser):
    base, url = server
    from analysis.demo.writer import DEMO_DIR
    from analysis.store import Store
    versions = len(Store(url).boundary_versions())
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{base}/data")
    settle(page, "[data-testid='stTab']")
    page.get_by_role("tab", name="网格边界").click()
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="上传网格边界")
    uploader.locator("input[type=file]").set_input_files(str(DEMO_DIR / "grids.geojson"))
    settle(page, "text=文件中的 85 个网格")
    page.screenshot(path=str(ARTIFACTS / "data-boundary-preview-zh-1280x720.png"))
    page.get_by_role("button", name="导入").click()
    # the import's own result (the preview's warning already mentions the problem report)
    page.wait_for_selector("[data-testid='stMetric']:has-text('导入行数')", timeout=60000)
    assert len(Store(url).boundary_versions()) == versions + 1


def test_a_chart_downloads_as_png_made_in_the_browser(server, browser, tmp_path):
    base, _ = server
    page = browser.new_page()
    outside = requests_out(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{base}/resolution")
    settle(page, "[data-testid='stPlotlyChart']")
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.hover()
    with page.expect_download(timeout=30000) as event:
        chart.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
    path = tmp_path / event.value.suggested_filename
    event.value.save_as(path)
    assert path.name == "weekly_resolution.png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 20_000 and outside == []


def wait_for_rerun(page) -> None:
    """Let Streamlit notice the action, run the script and draw the result."""
    page.wait_for_timeout(1200)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
    page.wait_for_timeout(1200)


def test_redraw_lasso_move_undo_reshape_and_save_a_plan(server, browser):
    """Draw a rectangle round buildings, move them, see the figures change, undo; drag a grid's
    vertex; save the result as a plan and find it in the store."""
    from analysis.plans import list_plans
    from analysis.store import Store
    base, db_url = server
    page = browser.new_page()
    outside = requests_out(page)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{base}/redraw")
    settle(page, "h1")
    frame = map_frame(page)
    deltas = page.locator("[data-testid='stMetricDelta']")
    assert deltas.count() == 0                                          # nothing changed yet
    assert frame.locator("a.leaflet-draw-draw-polygon").get_attribute("title") == "画多边形"
    frame.locator("a.leaflet-draw-draw-rectangle").click()
    box = page.locator("iframe[title='streamlit_folium.st_folium']").first.bounding_box()
    x, y = box["x"] + box["width"] * 0.40, box["y"] + box["height"] * 0.25
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 50, steps=5)
    page.mouse.up()
    wait_for_rerun(page)
    page.get_by_text("圈选其中的楼栋").click()
    page.get_by_role("button", name="执行").click()
    wait_for_rerun(page)
    assert "已加入选择" in page.locator("[data-testid='stAlert']").first.inner_text()
    assert map_frame(page).locator("path.leaflet-interactive").count() > 60   # the red selection is drawn
    page.get_by_role("button", name="移到目标网格").click()
    wait_for_rerun(page)
    assert "栋楼移到" in page.locator("[data-testid='stAlert']").first.inner_text()
    assert deltas.count() > 0                                           # the street's figures moved
    page.screenshot(path=str(ARTIFACTS / "redraw-moved-zh-1920x1080.png"))
    page.get_by_role("button", name="↶ 撤销").click()
    wait_for_rerun(page)
    assert "已撤销" in page.locator("[data-testid='stAlert']").first.inner_text()
    assert deltas.count() == 0
    frame = map_frame(page)
    frame.locator("a.leaflet-draw-edit-edit").click()
    handle = frame.locator(".leaflet-editing-icon").nth(200)
    handle.wait_for(timeout=30000)
    spot = handle.bounding_box()
    page.mouse.move(spot["x"] + 5, spot["y"] + 5)
    page.mouse.down()
    page.mouse.move(spot["x"] + 45, spot["y"] + 35, steps=6)
    page.mouse.up()
    frame.locator(".leaflet-draw-actions a", has_text="保存").first.click()           # the toolbar speaks Chinese
    wait_for_rerun(page)
    assert "改画 1 个网格边界" in page.locator("[data-testid='stAlert']").first.inner_text()
    page.get_by_role("tab", name="方案").click()
    page.get_by_label("方案名称").fill("浏览器测试方案")
    page.get_by_label("作者").fill("测试员")
    page.get_by_role("button", name="保存", exact=True).click()
    wait_for_rerun(page)
    assert "已保存方案「浏览器测试方案」" in page.locator("[data-testid='stAlert']").first.inner_text()
    plans = list_plans(Store(db_url))
    assert plans["name"].tolist() == ["浏览器测试方案"] and plans["author"].tolist() == ["测试员"]
    assert errors == [] and outside == []

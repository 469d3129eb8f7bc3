"""The redraw workbench in a real browser: lasso buildings, move them, undo, drag a grid's vertex,
save the result as a plan and find it in the store."""
from playwright.sync_api import BrowserContext, expect

from analysis.division.plans import list_plans
from analysis.store import Store
from tests.browser.harness import (
    MAP_FRAME,
    MARKS,
    alert,
    expect_paths,
    idle,
    map_frame,
    open_page,
    requests_out,
    rerun,
    shot,
)

pytestmark = MARKS


def test_redraw_lasso_move_undo_reshape_and_save_a_plan(server: tuple[str, str], browser: BrowserContext) -> None:
    base, db_url = server
    page = browser.new_page()
    outside = requests_out(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/redraw")
    expect_paths(page, 60 + 2500)
    frame = map_frame(page)
    deltas = page.locator(".gl-card-change")
    expect(deltas).to_have_count(0)                                     # nothing changed yet
    expect(frame.locator("a.leaflet-draw-draw-polygon")).to_have_attribute("title", "画多边形")
    frame.locator("a.leaflet-draw-draw-rectangle").click()
    box = page.locator(MAP_FRAME).first.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.40, box["y"] + box["height"] * 0.25
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 50, steps=5)
    rerun(page, page.mouse.up)
    expect(page.get_by_text("圈选其中的楼栋")).to_be_visible()
    rerun(page, lambda: page.get_by_text("圈选其中的楼栋").click())
    rerun(page, lambda: page.get_by_role("button", name="执行").click())
    alert(page, "已加入选择")
    expect(page.get_by_role("button", name="移到目标网格")).to_be_visible()
    rerun(page, lambda: page.get_by_role("button", name="移到目标网格").click())
    alert(page, "栋楼移到")
    expect(deltas.first).to_be_visible()                                # the street's figures moved
    shot(page, "redraw-moved-zh-1920x1080")
    rerun(page, lambda: page.get_by_role("button", name="↶ 撤销").click())
    alert(page, "已撤销")
    expect(deltas).to_have_count(0)
    frame = map_frame(page)
    frame.locator("a.leaflet-draw-edit-edit").click()
    handle = frame.locator(".leaflet-editing-icon").nth(200)
    spot = handle.bounding_box()
    assert spot is not None
    page.mouse.move(spot["x"] + 5, spot["y"] + 5)
    page.mouse.down()
    page.mouse.move(spot["x"] + 45, spot["y"] + 35, steps=6)
    page.mouse.up()
    rerun(page, lambda: frame.locator(".leaflet-draw-actions a", has_text="保存").first.click())  # the toolbar speaks Chinese
    alert(page, "改画 1 个网格边界")
    page.get_by_role("tab", name="方案").click()
    page.get_by_label("方案名称").fill("浏览器测试方案")
    page.get_by_label("作者").fill("测试员")
    rerun(page, lambda: page.get_by_role("button", name="保存", exact=True).click())
    alert(page, "已保存方案「浏览器测试方案」")
    plans = list_plans(Store(db_url))
    assert plans["name"].tolist() == ["浏览器测试方案"] and plans["author"].tolist() == ["测试员"]
    assert errors == [] and outside == []


def test_suggestion_with_a_road_layer_in_both_languages(server: tuple[str, str], browser: BrowserContext,
                                                         tmp_path) -> None:
    """Upload a road crossing the street as the line layer, suggest, and read the comparison with its reasons
    (screenshots in Chinese at 1920x1080 and 1280x720, and in English)."""
    import json

    import shapely

    base, db_url = server
    xmin, ymin, xmax, ymax = shapely.bounds(Store(db_url).street())
    road = tmp_path / "道路.geojson"
    middle = (ymin + ymax) / 2
    road.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"名称": "解放西路"},
        "geometry": {"type": "LineString", "coordinates": [[xmin - 0.001, middle], [xmax + 0.001, middle]]}}]}),
        encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/redraw")
    page.get_by_role("tab", name="建议划分").click()
    limit = page.get_by_role("slider", name="均衡用时上限")
    limit.focus()
    rerun(page, lambda: limit.press("Home"))              # no evening out: the test is of the lines, not the load
    expect(limit).to_have_attribute("aria-valuetext", "不均衡")
    rerun(page, lambda: page.locator("[data-testid='stFileUploaderDropzoneInput']").last.set_input_files(str(road)))
    expect(page.get_by_text("公里的线，切分时优先沿线")).to_be_visible()
    page.get_by_role("button", name="生成建议").click()
    alert(page, "每个网格的户数都在标准区间内")
    idle(page)
    expect(page.get_by_text("各网格的变化及原因")).to_be_visible()
    page.get_by_text("各网格的变化及原因").scroll_into_view_if_needed()
    shot(page, "redraw-suggestion-zh-1920x1080")
    page.set_viewport_size({"width": 1280, "height": 720})
    shot(page, "redraw-suggestion-zh-1280x720")
    rerun(page, lambda: page.get_by_text("English").click())
    page.get_by_role("tab", name="Suggest a division").click()      # the tabs are named anew in English
    expect(page.get_by_text("Every grid's households are within the norm.")).to_be_visible()
    page.get_by_text("What changes in each grid, and why").scroll_into_view_if_needed()
    shot(page, "redraw-suggestion-en-1280x720")
    page.set_viewport_size({"width": 1920, "height": 1080})
    shot(page, "redraw-suggestion-en-1920x1080")
    assert errors == []

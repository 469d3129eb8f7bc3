"""The redraw workbench in a real browser: lasso buildings, move them, undo, drag a grid's vertex,
save the result as a plan and find it in the store."""
from playwright.sync_api import BrowserContext, expect

from analysis.division.plans import list_plans
from analysis.store import Store
from tests.browser.harness import MAP_FRAME, MARKS, alert, expect_paths, map_frame, open_page, requests_out, rerun, shot

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

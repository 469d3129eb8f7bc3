"""Imports by upload in a real browser: an incident CSV in GBK, a boundary layer with its preview, a Shapefile set."""
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from analysis.demo.writer import DEMO_DIR
from analysis.store import Store
from tests.browser.harness import MARKS, idle, open_page, rerun, shot
from tests.fixtures import four_grids

pytestmark = MARKS


def test_upload_and_import_an_incident_file(server: tuple[str, str], browser: BrowserContext, tmp_path: Path) -> None:
    base, url = server
    before = Store(url).count_incidents()
    csv = tmp_path / "新事件.csv"
    csv.write_text("事件编号,上报时间,事件大类,经度,纬度,事发地址\n"
                   "NEW-1,2026/11/20 9:00,市容环境,112.9750,28.1900,\n"
                   "NEW-2,2026/11/20 9:30,设施维修,,,菜市场旁边\n", encoding="gbk")
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/data", "[data-testid='stTab']")
    rerun(page, lambda: page.locator("[data-testid='stFileUploaderDropzone'] input[type=file]").first
          .set_input_files(str(csv)))
    expect(page.get_by_text("列映射")).to_be_visible()
    rerun(page, lambda: page.get_by_role("button", name="导入").click())
    expect(page.get_by_text("导入完成").first).to_be_visible()
    shot(page, "data-import-result-zh-1920x1080", full_page=True)
    store = Store(url)
    assert store.count_incidents() == before + 2
    placed = store.incidents().set_index("incident_id")
    assert placed.loc["NEW-1", "match_method"] == "coordinates" and placed.loc["NEW-2", "grid_id"] == ""
    assert "NEW-2" in set(store.review_queue()["incident_id"])


def test_upload_boundaries_preview_and_import(server: tuple[str, str], browser: BrowserContext) -> None:
    base, url = server
    versions = len(Store(url).boundary_versions())
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, f"{base}/data", "[data-testid='stTab']")
    page.get_by_role("tab", name="网格边界").click()
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="上传网格边界")
    rerun(page, lambda: uploader.locator("input[type=file]").set_input_files(str(DEMO_DIR / "grids.geojson")))
    expect(page.get_by_text("文件中的 85 个网格")).to_be_visible()
    shot(page, "data-boundary-preview-zh-1280x720")
    rerun(page, lambda: page.get_by_role("button", name="导入").click())
    # the import's own result (the preview's warning already mentions the problem report)
    expect(page.locator(".gl-card", has_text="导入行数")).to_be_visible()
    idle(page)
    assert len(Store(url).boundary_versions()) == versions + 1


def test_a_shapefile_set_in_gbk_uploaded_as_separate_files(server: tuple[str, str], browser: BrowserContext,
                                                          tmp_path: Path) -> None:
    """A surveying bureau's hand-over: .shp/.shx/.dbf/.prj chosen together, Chinese headers in GBK, no .cpg."""
    base, _ = server
    grids = four_grids().rename(columns={"grid_id": "网格编码", "name": "网格名称", "community": "所属社区"})
    grids[["网格编码", "网格名称", "所属社区", "geometry"]].to_file(tmp_path / "网格.shp", encoding="gbk")
    (tmp_path / "网格.cpg").unlink(missing_ok=True)
    files = [str(tmp_path / f"网格{suffix}") for suffix in (".shp", ".shx", ".dbf", ".prj")]
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/data", "[data-testid='stTab']")
    page.get_by_role("tab", name="网格边界").click()
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="上传网格边界")
    rerun(page, lambda: uploader.locator("input[type=file]").set_input_files(files))
    expect(page.get_by_text("文件中的 4 个网格")).to_be_visible()
    preview = page.locator("[data-testid='stDataFrame']").first
    expect(preview).to_contain_text("C1G1")
    expect(preview).to_contain_text("甲社区")
    # the problem table says which encoding was detected
    expect(page.locator("[data-testid='stDataFrame']").filter(has_text="GB18030")).to_have_count(1)
    shot(page, "data-shapefile-set-zh-1920x1080", full_page=True)

"""Tables in a real browser: a click on a row of the workload table makes its grid the filter of every page."""
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
from playwright.sync_api import BrowserContext, expect

from analysis.store import Store
from tests.browser.harness import MARKS, click_row, open_page

pytestmark = MARKS


def test_a_workload_row_click_sets_the_grid_filter(server: tuple[str, str], browser: BrowserContext) -> None:
    base, url = server
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/workload", "[data-testid='stDataFrame']")
    expect(page.get_by_role("combobox", name="网格", exact=True)).to_have_value("全部")
    assert "grid" not in parse_qs(urlparse(page.url).query)
    click_row(page, "wl_table")
    page.wait_for_url(re.compile(r".*[?&]grid=\d+"))
    grid_id = parse_qs(urlparse(page.url).query)["grid"][0]
    grids = Store(url).grids()
    name = grids.loc[grids["grid_id"] == grid_id, "name"].iloc[0]
    grid_filter = page.get_by_role("combobox", name="网格", exact=True)
    expect(grid_filter).to_have_value(name)                 # the sidebar's grid filter shows the grid
    open_page(page, f"{base}/resolution?grid={grid_id}")    # and it holds on another page (it is in the URL)
    expect(grid_filter).to_have_value(name)


def test_a_ledger_row_click_shows_that_persons_cases(server: tuple[str, str], browser: BrowserContext) -> None:
    base, _ = server
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/ledger", "[data-testid='stDataFrame']")
    person = page.get_by_role("combobox", name="责任人", exact=True)
    expect(person).to_have_value("全部责任人")
    click_row(page, "ledger_table")                       # the first row: most open cases
    expect(person).to_have_value("碧湘社区居委会")
    expect(page.get_by_role("heading", name="问题清单：碧湘社区居委会")).to_be_visible()


def test_a_table_downloads_as_csv_and_excel_made_on_click(server: tuple[str, str], browser: BrowserContext,
                                                          tmp_path: Path) -> None:
    """The ledger's two downloads hold the table as shown: the same rows in both, Chinese headers, no whole
    phone number; they are made when clicked (the page sends no file with the table)."""
    base, _ = server
    page = browser.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/ledger", "[data-testid='stDataFrame']")
    files = {}
    for kind in ("csv", "xlsx"):
        button = page.locator(f".st-key-dl_ledger_{kind} button")
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=60_000) as event:
            button.click()
        files[kind] = tmp_path / event.value.suggested_filename
        event.value.save_as(files[kind])
    assert files["csv"].name == "ledger.csv" and files["xlsx"].name == "ledger.xlsx"
    text = pd.read_csv(files["csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    book = pd.read_excel(files["xlsx"], dtype=str, keep_default_na=False, engine="openpyxl")
    assert len(text) > 100 and list(text.columns) == list(book.columns)
    assert text["事件编号"].tolist() == book["事件编号"].tolist()
    cells = " ".join(text.to_numpy().ravel()) + " ".join(book.to_numpy().ravel())
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", cells)

"""The district server in a real browser: a page opened without logging in shows the login form and no
figures; each role, signed in, sees what it may do; the audit log holds the test's logins.
Screenshots of the login form and of each role's view go to ``test-artifacts/``."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from analysis.access.audit import read_log
from analysis.access.users import add_user
from analysis.division.edits import division_from_layer
from analysis.division.plans import save_plan
from analysis.store.database import Store
from tests.browser.harness import MARKS, alert, dashboard, idle, open_page, rerun, shot
from ui.page import PAGES

pytestmark = MARKS
PASSWORD = "pass word 1"
USERS = {"viewer": "查看员", "analyst": "分析员甲", "data_manager": "数据员", "admin": "管理员甲"}
SIDEBAR_LINKS = "[data-testid='stSidebar'] [data-testid='stPageLink']"


@pytest.fixture(scope="module")
def district(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    """(base URL, store) of a dashboard in multi-user mode: one user of each role, one saved plan."""
    copy = tmp_path_factory.mktemp("district") / "store.sqlite"
    shutil.copy(demo_db, copy)
    store = Store(f"sqlite:///{copy}")
    for role, name in USERS.items():
        add_user(store, name, role, PASSWORD)
    save_plan(store, "东片调整", division_from_layer(store.grids()), author="李")
    with dashboard(store.url, env={"GRIDLENS_MULTIUSER": "1"}) as base:
        yield base, store


def _sign_in(page: Page, base: str, role: str) -> None:
    open_page(page, f"{base}/overview", ready="[data-testid='stForm']")
    page.get_by_label("用户名").fill(USERS[role])
    page.get_by_label("密码").fill(PASSWORD)
    rerun(page, lambda: page.get_by_role("button", name="登录").click())
    expect(page.locator("h1").first).to_have_text("总览")


def _go(page: Page, link: str, title: str) -> None:
    """Open a page from the sidebar, as a user does (a reload would start a new session, signed out), and wait
    for its title and the end of its run (the switch replaces the app's elements, so no run is armed)."""
    page.locator(SIDEBAR_LINKS, has_text=link).first.click()
    expect(page.locator("h1").first).to_have_text(title)
    idle(page)


def test_without_a_login_a_page_shows_the_form_and_no_figures(district: tuple[str, Store],
                                                              browser: BrowserContext) -> None:
    base, _ = district
    page = browser.new_page()
    for width, height in ((1920, 1080), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        for lang, title in (("zh", "网格透视 · 登录"), ("en", "GridLens · Sign in")):
            open_page(page, f"{base}/workload?lang={lang}", ready="[data-testid='stForm']")
            expect(page.locator("h1").first).to_have_text(title)
            expect(page.locator(".gl-card")).to_have_count(0)
            expect(page.locator("[data-testid='stDataFrame'], .js-plotly-plot, iframe")).to_have_count(0)
            expect(page.locator(SIDEBAR_LINKS)).to_have_count(0)
            shot(page, f"login-{lang}-{width}x{height}")
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{base}/overview", ready="[data-testid='stForm']")
    page.get_by_label("用户名").fill(USERS["viewer"])
    page.get_by_label("密码").fill("not the password")
    rerun(page, lambda: page.get_by_role("button", name="登录").click())
    alert(page, "用户名或密码不正确")
    expect(page.locator(".gl-card")).to_have_count(0)


def test_each_role_sees_what_it_may_do(district: tuple[str, Store], browser: BrowserContext) -> None:
    base, store = district
    shown = {}
    for role in USERS:
        page = browser.new_page()                       # a tab of its own: a session of its own
        page.set_viewport_size({"width": 1920, "height": 1080})
        _sign_in(page, base, role)
        expect(page.locator(".gl-card").first).to_be_visible()
        alert_text = page.locator("[data-testid='stSidebar']").inner_text()
        assert f"已登录：{USERS[role]}" in alert_text
        shown[role] = page.locator(SIDEBAR_LINKS).count()
        _go(page, "数据导入", "数据导入")
        tabs = page.get_by_role("tab").all_inner_texts()
        if role in ("viewer", "analyst"):
            assert tabs == ["导入记录"]
            expect(page.locator("[data-testid='stFileUploader']")).to_have_count(0)
        else:
            assert tabs[:3] == ["事件台账", "网格边界", "楼栋与人员"]
        if role in ("viewer", "data_manager"):
            expect(page.locator(SIDEBAR_LINKS, has_text="网格调整")).to_have_count(0)
        else:
            _go(page, "网格调整", "网格调整：新划分会带来什么")
            page.get_by_role("tab", name="方案").click()           # tabs switch in the browser, no rerun
            if role == "analyst":
                alert(page, "只有管理员可以启用方案")
            else:
                expect(page.get_by_role("button", name="设为现行划分")).to_be_visible()
        if role == "admin":
            _go(page, "用户与审计", "用户与审计")
            expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
        shot(page, f"role-{role}-1920x1080")
        page.close()
    listed = len(PAGES) - 1                              # one street: no district page
    assert shown == {"viewer": listed - 2, "analyst": listed - 1, "data_manager": listed - 2, "admin": listed}
    logins = read_log(store, action="login")
    assert set(logins["username"]) == set(USERS.values())

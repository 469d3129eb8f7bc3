"""AppTest of multi-user mode: a page opened without logging in shows the login form and no figures; each
role sees what it may do; wrong passwords, lockout, idle expiry; the users and audit page."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analysis.access import audit
from analysis.access.users import LOCKOUT_FAILURES, add_user, list_users
from analysis.division.edits import division_from_layer
from analysis.division.plans import save_plan
from tests.pages.apptest import figure_cards, page

PASSWORD = "pass word 1"
ROLE_USERS = {"viewer": "查看员", "analyst": "分析员甲", "data_manager": "数据员", "admin": "管理员甲"}


@pytest.fixture
def server(demo_store, monkeypatch):
    """The demo store as a district server: multi-user mode, one user of each role."""
    monkeypatch.setenv("GRIDLENS_MULTIUSER", "1")
    for role, name in ROLE_USERS.items():
        add_user(demo_store, name, role, PASSWORD)
    return demo_store


def _sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    assert not at.exception, at.exception
    return at


def _signed_in(path: str, store, monkeypatch, role: str) -> AppTest:
    at = _sign_in(page("pages/overview.py", store, monkeypatch), ROLE_USERS[role])
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def _links(at: AppTest) -> list[str]:
    return [link.proto.page for link in at.sidebar.get("page_link")]


def test_a_page_opened_without_logging_in_shows_the_login_form_and_no_figures(server, monkeypatch):
    at = page("pages/overview.py", server, monkeypatch)
    assert at.text_input(key="auth_password").proto.type == at.text_input(key="auth_password").proto.PASSWORD
    assert not figure_cards(at) and not at.dataframe and not at.get("plotly_chart")
    assert _links(at) == []
    at.sidebar.radio(key="lang_radio").set_value("en").run()          # the form speaks English too
    assert any(b.label == "Sign in" for b in at.button)
    _sign_in(at, ROLE_USERS["viewer"], "not the password")
    assert "The user name or the password is wrong." in [e.value for e in at.error]
    assert not figure_cards(at)
    _sign_in(at, ROLE_USERS["viewer"])
    assert figure_cards(at) and any("Signed in: 查看员 (Viewer" in c.value for c in at.sidebar.caption)


def test_a_viewer_reads_pages_but_imports_nothing_and_redraws_nothing(server, monkeypatch):
    at = _signed_in("pages/data.py", server, monkeypatch, "viewer")
    assert [tab.label for tab in at.tabs] == ["导入记录"]
    assert not at.get("file_uploader")
    assert "pages/redraw.py" not in " ".join(_links(at)) and "pages/admin.py" not in " ".join(_links(at))
    at.switch_page("pages/redraw.py").run()                           # a typed URL is refused as well
    assert any("不能使用此页面" in w.value for w in at.warning) and not at.get("plotly_chart")


def test_a_data_manager_imports_but_does_not_redraw(server, monkeypatch):
    at = _signed_in("pages/data.py", server, monkeypatch, "data_manager")
    assert [tab.label for tab in at.tabs] == ["事件台账", "网格边界", "楼栋与人员", "待核查队列", "导入记录"]
    at.switch_page("pages/redraw.py").run()
    assert any("不能使用此页面" in w.value for w in at.warning)


def test_an_analyst_saves_plans_under_their_own_name_but_cannot_adopt_one(server, monkeypatch):
    save_plan(server, "东片", division_from_layer(server.grids()), author="someone")
    at = _signed_in("pages/redraw.py", server, monkeypatch, "analyst")
    assert "只有管理员可以启用方案。" in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == "rd_adopt_button"]
    author = next(w for w in at.text_input if w.label == "作者")
    assert author.value == ROLE_USERS["analyst"] and author.disabled
    at.text_input(key="rd_plan_name").input("西片")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    saved = audit.read_log(server, action="save_plan")
    assert saved[["username", "target"]].values.tolist() == [[ROLE_USERS["analyst"], "西片"]]


def test_an_admin_adopts_and_manages_users_and_reads_the_audit_log(server, monkeypatch):
    save_plan(server, "东片", division_from_layer(server.grids()))
    at = _signed_in("pages/redraw.py", server, monkeypatch, "admin")
    assert [b for b in at.button if b.key == "rd_adopt_button"]
    at.switch_page("pages/admin.py").run()
    assert set(ROLE_USERS.values()) <= set(at.dataframe[0].value["用户名"])
    at.text_input(key="adm_new_name").input("新同事")
    at.selectbox(key="adm_new_role").set_value("analyst")
    at.text_input(key="adm_new_password").input("a new password")
    at.text_input(key="adm_new_password2").input("a new password")
    next(b for b in at.button if b.label == "添加").click().run()
    assert not at.exception and any("新同事" in s.value for s in at.success)
    assert list_users(server).set_index("name").loc["新同事", "role"] == "analyst"
    log = at.dataframe[-1].value
    assert log.iloc[0][["用户", "操作", "对象"]].tolist() == [ROLE_USERS["admin"], "添加用户", "新同事"]
    assert "登录" in set(log["操作"])


def test_lockout_and_idle_expiry_are_told(server, monkeypatch):
    at = page("pages/overview.py", server, monkeypatch)
    for _ in range(LOCKOUT_FAILURES):
        _sign_in(at, ROLE_USERS["viewer"], "wrong guess")
    assert any("已锁定" in e.value for e in at.error)
    _sign_in(at, ROLE_USERS["viewer"])                                # the right password waits for the lock
    assert any("已锁定" in e.value for e in at.error) and not figure_cards(at)
    _sign_in(at, ROLE_USERS["analyst"])
    assert figure_cards(at)
    at.session_state["auth_seen"] = 0.0                               # last used long ago
    at.run()
    assert any("未操作，已自动退出" in e.value for e in at.error) and not figure_cards(at)
    assert audit.read_log(server, action="logout")["detail"].tolist() == ["idle"]


def test_without_an_admin_no_page_opens(demo_store, monkeypatch):
    monkeypatch.setenv("GRIDLENS_MULTIUSER", "1")
    add_user(demo_store, "only a viewer", "viewer", PASSWORD)
    at = page("pages/overview.py", demo_store, monkeypatch)
    assert any("尚无管理员" in e.value for e in at.error)
    assert not at.text_input and not figure_cards(at)


def test_laptop_mode_needs_no_login_and_lists_every_page(demo_store, monkeypatch):
    monkeypatch.delenv("GRIDLENS_MULTIUSER", raising=False)
    at = page("pages/admin.py", demo_store, monkeypatch)
    assert any("单机模式" in i.value for i in at.info)
    assert len(_links(at)) == 11


def test_the_district_server_on_postgresql(postgres_server, monkeypatch):
    """The same login and role limits on a PostgreSQL store holding the demo street."""
    from analysis.cli import load_demo
    from analysis.demo.writer import DEMO_DIR
    from analysis.store.database import Store
    from tests.postgres import new_database
    store = Store(new_database(postgres_server))
    load_demo(store, DEMO_DIR)
    monkeypatch.setenv("GRIDLENS_MULTIUSER", "1")
    for role, name in ROLE_USERS.items():
        add_user(store, name, role, PASSWORD)
    at = page("pages/overview.py", store, monkeypatch)
    assert not figure_cards(at)
    _sign_in(at, ROLE_USERS["viewer"])
    assert figure_cards(at)
    at.switch_page("pages/data.py").run()
    assert [tab.label for tab in at.tabs] == ["导入记录"] and len(at.dataframe[-1].value) == len(store.batches())
    assert audit.read_log(store, action="login")["username"].tolist() == [ROLE_USERS["viewer"]]

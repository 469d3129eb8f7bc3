"""AppTest of the entry point: home page, filters from the URL kept across pages, projector mode, empty store."""
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages.apptest import TIMEOUT, figure_cards, figures_for, metric, page


def test_dashboard_entry_goes_to_the_home_page(demo_store, monkeypatch):
    monkeypatch.setenv("GRIDLENS_DB", demo_store.url)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.title and at.title[0].value == "总览"


def test_filters_come_from_the_url_and_survive_switching_pages(demo_store, monkeypatch):
    monkeypatch.setenv("GRIDLENS_DB", demo_store.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)   # a shared link to the root URL
    at.query_params["period"] = "week"
    at.query_params["community"] = "碧湘社区"
    at.query_params["categories"] = "市容环境,设施维修"
    at.run()
    assert not at.exception
    assert at.selectbox(key="f_period").value == "week" and at.selectbox(key="f_community").value == "碧湘社区"
    assert at.multiselect(key="f_categories").value == ["市容环境", "设施维修"]
    expected = figures_for(demo_store, period="week", community="碧湘社区", categories=("市容环境", "设施维修"))
    assert metric(at, "上报事件") == f"{expected['reported'].value:,.0f}"
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert at.selectbox(key="f_community").value == "碧湘社区" and at.selectbox(key="f_period").value == "week"
    assert at.query_params["categories"] == "市容环境,设施维修"


def test_projector_mode_is_kept_in_the_url(demo_store, monkeypatch):
    at = page("pages/overview.py", demo_store, monkeypatch)
    at.sidebar.toggle(key="present_toggle").set_value(True).run()
    assert at.query_params["present"] == "1"
    assert any("html {font-size: 22px;}" in h.proto.body for h in at.get("html"))


def test_analysis_pages_on_an_empty_store_say_what_to_do(empty_store, monkeypatch):
    for path in ("pages/overview.py", "pages/map.py"):
        at = page(path, empty_store, monkeypatch)
        assert "还没有网格边界" in at.info[0].value and not figure_cards(at)

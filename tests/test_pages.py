"""AppTest of every page: runs it against a real store and drives its main widgets."""
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

TIMEOUT = 60


def page(path: str, store, monkeypatch) -> AppTest:
    """Start the app at its entry point (as a browser does) against ``store``, then open ``path``."""
    monkeypatch.setenv("GRIDLENS_DB", store.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_status_page_shows_the_stores_counts(demo_store, monkeypatch):
    at = page("pages/status.py", demo_store, monkeypatch)
    assert at.title[0].value == "数据概况"
    assert metric(at, "事件数") == f"{demo_store.count_incidents():,}"
    assert metric(at, "网格数") == "60"
    assert metric(at, "待核查") == f"{len(demo_store.review_queue()):,}"
    methods = at.dataframe[0].value
    assert methods.iloc[:, 1].sum() == demo_store.count_incidents()
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "What is in the store"
    assert metric(at, "Incidents") == f"{demo_store.count_incidents():,}"
    assert "By coordinates" in set(at.dataframe[0].value.iloc[:, 0])


def test_status_page_on_an_empty_store_says_what_to_do(empty_store, monkeypatch):
    at = page("pages/status.py", empty_store, monkeypatch)
    assert "数据库中还没有数据" in at.info[0].value and not at.metric


def test_data_page_review_queue_filter_and_fix(demo_store, monkeypatch):
    at = page("pages/data.py", demo_store, monkeypatch)
    assert [t.label for t in at.tabs] == ["事件台账", "网格边界", "楼栋与人员", "待核查队列", "导入记录"]
    queue = demo_store.review_queue()
    table = at.dataframe[0].value
    assert len(table) == len(queue) and "原因" in table.columns
    at.multiselect(key="review_reasons").set_value(["missing_id"]).run()
    assert len(at.dataframe[0].value) == (queue["reason"] == "missing_id").sum()
    # place the first queued incident by hand
    incident = at.selectbox(key="fix_incident").value
    placeable = queue[queue["reason"].isin(["outside", "address_unmatched", "no_location"])]["incident_id"]
    assert incident in set(placeable)                                   # only rows a grid can fix are offered
    assert len(at.selectbox(key="fix_incident").options) == placeable.nunique()
    grid = at.selectbox(key="fix_grid").options[3]
    at.selectbox(key="fix_grid").select_index(3)
    submit = [b for b in at.button if b.label == "保存修正"][0]
    submit.click().run()
    assert not at.exception
    fixes = demo_store.fixes()
    assert fixes["incident_id"].tolist() == [incident]
    assert grid.startswith(fixes["grid_id"].iloc[0])
    assert incident not in set(demo_store.review_queue()["incident_id"])
    assert any("已保存" in s.value for s in at.success)


def test_data_page_history_and_language(demo_store, monkeypatch):
    at = page("pages/data.py", demo_store, monkeypatch)
    history = at.dataframe[-1].value
    assert len(history) == len(demo_store.batches()) and "文件" in history.columns
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert [t.label for t in at.tabs][:2] == ["Incidents", "Boundaries"]
    assert "File" in at.dataframe[-1].value.columns


def test_data_page_fix_needs_a_target(demo_store, monkeypatch):
    at = page("pages/data.py", demo_store, monkeypatch)
    [b for b in at.button if b.label == "保存修正"][0].click().run()
    assert any("请选择网格或楼栋" in w.value for w in at.warning)
    assert demo_store.fixes().empty


def test_dashboard_entry_goes_to_the_home_page(demo_store, monkeypatch):
    monkeypatch.setenv("GRIDLENS_DB", demo_store.url)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.title and at.title[0].value == "总览"


def figures_for(store, **filters):
    """The overview's KPIs computed straight from the analysis functions (what the page must show)."""
    from analysis import resolution as r
    from analysis.dataset import load_dataset
    from analysis.filters import Filters
    from analysis.overview import kpis
    ds = load_dataset(store)
    chosen = Filters(**filters)
    period = chosen.resolve(ds.anchor)
    return {k.key: k for k in kpis(ds, chosen, r.period_flags(ds.incidents, period),
                                   r.period_flags(ds.incidents, period.previous()))}


def test_overview_follows_the_community_filter_and_the_language(demo_store, monkeypatch):
    at = page("pages/overview.py", demo_store, monkeypatch)
    assert at.title[0].value == "总览"
    street = figures_for(demo_store)
    assert metric(at, "上报事件") == f"{street['reported'].value:,.0f}"
    assert metric(at, "按期结案率") == f"{street['on_time_rate'].value:.1%}"
    at.selectbox(key="f_community").set_value("天心阁社区").run()
    assert not at.exception
    community = figures_for(demo_store, community="天心阁社区")
    assert community["reported"].value < street["reported"].value
    assert metric(at, "上报事件") == f"{community['reported'].value:,.0f}"
    assert metric(at, "超期未办结") == f"{community['overdue'].value:,.0f}"
    assert at.query_params["community"] == "天心阁社区"
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "Overview" and metric(at, "Incidents reported") == f"{community['reported'].value:,.0f}"
    assert "Most incidents" in [m.value.strip("*") for m in at.markdown]


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
    assert any("html {font-size: 20px;}" in h.proto.body for h in at.get("html"))


def test_a_row_of_the_attention_tables_opens_the_grid_on_the_map(demo_store, monkeypatch):
    at = page("pages/overview.py", demo_store, monkeypatch)
    first = at.dataframe[0].value.iloc[0]
    at.session_state["attention_load"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.title[0].value == "地图"
    grids = demo_store.grids()
    chosen = grids[(grids["level"] == "grid") & (grids["name"] == first.iloc[0])]
    assert at.selectbox(key="f_grid").value == chosen["grid_id"].iloc[0]
    assert at.subheader[0].value == first.iloc[0]                      # its card opened beside the map


def test_map_page_measures_and_grid_card(demo_store, monkeypatch):
    at = page("pages/map.py", demo_store, monkeypatch)
    assert at.title[0].value == "地图" and "点击地图上的网格" in at.info[0].value
    for measure in at.selectbox(key="map_measure").options[::3]:
        at.selectbox(key="map_measure").set_value(measure).run()
        assert not at.exception
    at.selectbox(key="map_basemap").set_value("amap").run()
    assert not at.exception
    grid = "430103007006005"
    at.session_state["map_clicked"] = grid
    at.run()
    households = demo_store.register("buildings")
    assert at.subheader[0].value == "天心阁第5网格"
    from analysis.dataset import load_dataset
    expected = load_dataset(demo_store).grids.set_index("grid_id").loc[grid, "households"]
    assert metric(at, "户数") == f"{expected:,.0f}" and len(households)
    assert "****" in at.dataframe[0].value["联系电话"].str.cat()        # personal data masked
    [b for b in at.button if b.label.startswith("只看这个网格")][0].click().run()
    assert at.selectbox(key="f_grid").value == grid and at.selectbox(key="f_community").value == "天心阁社区"


def test_analysis_pages_on_an_empty_store_say_what_to_do(empty_store, monkeypatch):
    for path in ("pages/overview.py", "pages/map.py"):
        at = page(path, empty_store, monkeypatch)
        assert "还没有网格边界" in at.info[0].value and not at.metric


def test_workload_page_ranks_grids_and_a_row_sets_the_grid_filter(demo_store, monkeypatch):
    at = page("pages/workload.py", demo_store, monkeypatch)
    assert at.title[0].value == "工作量" and "碧湘第23网格" in at.warning[0].value   # the demo's unstaffed grid
    table = at.dataframe[0].value
    assert len(table) == 60 and table["工作量指数"].iloc[0] == table["工作量指数"].max()
    first = table["网格"].iloc[0]
    at.session_state["wl_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    grids = demo_store.grids()
    assert at.selectbox(key="f_grid").value == grids.loc[grids["name"] == first, "grid_id"].iloc[0]
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    assert at.title[0].value == "Workload" and "Workload index" in at.dataframe[0].value.columns


def test_resolution_page_groups_and_notes_bad_data(demo_store, monkeypatch):
    at = page("pages/resolution.py", demo_store, monkeypatch)
    assert at.title[0].value == "办结" and "办结时间早于上报时间" in at.info[0].value
    by_grid = at.dataframe[0].value
    assert "按期结案率" in by_grid.columns and by_grid["分组"].str.endswith("网格").all()
    at.segmented_control(key="res_by").set_value("category").run()
    categories = set(at.dataframe[0].value["分组"])
    assert categories <= {"市容环境", "设施维修", "安全隐患", "矛盾纠纷", "社会治安", "特殊群体服务", "物业问题", ""}
    overdue = at.dataframe[-1].value
    assert len(overdue) > 0 and overdue["联系电话"].str.contains(r"^\d{3}\*{4}\d{4}$|^$").all()


def test_volunteer_page_radius_changes_coverage(demo_store, monkeypatch):
    at = page("pages/coverage.py", demo_store, monkeypatch)
    assert at.title[0].value == "志愿者"
    wide = float(metric(at, "全街道覆盖住户").rstrip("%"))
    at.slider(key="cov_radius").set_value(100).run()
    assert not at.exception
    narrow = float(metric(at, "全街道覆盖住户").rstrip("%"))
    assert narrow < wide
    sites = at.dataframe[0].value
    assert len(sites) == 10 and sites["新增覆盖（户）"].is_monotonic_decreasing

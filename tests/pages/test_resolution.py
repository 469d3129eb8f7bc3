"""AppTest of the resolution page (办结): groupings and notes on bad data."""
from tests.pages.apptest import page


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

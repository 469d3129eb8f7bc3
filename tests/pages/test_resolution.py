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


def test_every_standard_indicator_by_micro_grid_and_the_words_the_settings_lack(demo_store, monkeypatch, tmp_path):
    """The demo's 19 micro-grids are a grouping; every indicator is a column; the page agrees with the CLI's
    function; status words the table lacks are named with the setting to add them to."""
    import pandas as pd

    from analysis.metrics import load_dataset
    from analysis.metrics.indicators import indicators
    from analysis.metrics.periods import Period
    from analysis.settings import load_settings
    settings = tmp_path / "settings.json"
    settings.write_text('{"status_states": {"已结案": "closed"}}', encoding="utf-8")
    monkeypatch.setenv("GRIDLENS_SETTINGS", str(settings))
    at = page("pages/resolution.py", demo_store, monkeypatch)
    unknown = [w.value for w in at.warning if "status_states" in w.value]
    assert len(unknown) == 1 and "待派遣" in unknown[0] and "处置中" in unknown[0]
    settings.unlink()
    at.segmented_control(key="res_by").set_value("micro_id").run()
    table = at.dataframe[0].value
    assert {"处置率", "按期处置率", "返工率", "延期率", "满意率"} <= set(table.columns)
    assert len(table) == 19 and table["分组"].str.contains("微网格").all()
    ds = load_dataset(demo_store)
    end = ds.anchor.normalize() + pd.Timedelta(days=1)
    expected = indicators(ds, Period(end - pd.Timedelta(days=28), end), load_settings(), "micro")
    shown = dict(zip(table["分组"], table["满意率"]))
    assert {g["name"]: f"{100 * g['satisfaction_rate']:.1f}%" for g in expected["groups"]
            if g["satisfaction_rate"] is not None} == {k: v for k, v in shown.items() if v != "—"}

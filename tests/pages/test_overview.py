"""AppTest of the overview (总览): the community filter, the language, attention rows opening the map."""
from tests.pages.apptest import figures_for, metric, page


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


def test_a_figure_with_nothing_to_measure_says_why(store, monkeypatch):
    """Three days of reports whose assumed deadlines (7 days) all fall after the data's end: no case is due,
    so the closure rates are "—" and say so; the median time to close says no case closed."""
    from analysis.ingest.importer import import_incidents
    from tests.fixtures import centre
    from tests.pages.apptest import figure_cards as figure_cards_of
    x, y = centre(0, 0)
    import_incidents(store, f"事件编号,上报时间,经度,纬度\nA,2026-03-01 08:00,{x},{y}\nB,2026-03-03 08:00,{x},{y}\n"
                            .encode(), "e.csv")
    at = page("pages/overview.py", store, monkeypatch)
    cards = figure_cards_of(at)
    assert cards["结案率"] == ("—", "本期无应结案事件") and cards["按期结案率"] == ("—", "本期无应结案事件")
    assert cards["办结用时中位数"] == ("—", "本期无办结事件")
    assert cards["上报事件"][0] == "2"

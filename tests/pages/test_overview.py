"""AppTest of the overview (总览): the community filter, the language, attention rows opening the map."""
import json

import pyarrow as pa

from analysis.metrics import Filters, load_dataset
from analysis.metrics.overview import weekly_trend
from analysis.metrics.periods import week_starts
from analysis.settings import load_settings
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


def test_the_weekly_trend_draws_the_weeks_counts_with_their_labels(demo_store, monkeypatch):
    """The trend chart (Vega-Lite) carries, per week, the counts :func:`weekly_trend` gives for the filters,
    labelled in the page's language; a community narrows them."""
    def drawn(at):
        chart = at.get("vega_lite_chart")[0].proto
        spec = json.loads(chart.spec)
        data = pa.ipc.open_stream(chart.datasets[0].data.data).read_all().to_pandas()
        return spec, data.pivot(index="week", columns="series", values="count")

    def expected(community=None):
        ds = load_dataset(demo_store)
        filters = Filters(community=community)
        weeks = week_starts(filters.resolve(ds.anchor), int(load_settings()["trend_weeks"]))
        return weekly_trend(ds.incidents, filters.incident_mask(ds.incidents), weeks).set_index("week")

    at = page("pages/overview.py", demo_store, monkeypatch)
    spec, data = drawn(at)
    street = expected()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "line"]
    assert spec["layer"][0]["encoding"]["y"]["title"] == "事件数（件）"
    assert data["上报"].tolist() == street["reported"].tolist() and data["办结"].tolist() == street["closed"].tolist()
    assert len(data) == len(street) == load_settings()["trend_weeks"] and street["reported"].sum() > 0
    at.selectbox(key="f_community").set_value("天心阁社区").run()
    at.sidebar.radio(key="lang_radio").set_value("en").run()
    spec, data = drawn(at)
    community = expected("天心阁社区")
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Incidents"
    assert data["Reported"].tolist() == community["reported"].tolist() != street["reported"].tolist()
    assert data["Closed"].tolist() == community["closed"].tolist()

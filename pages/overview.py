"""总览 Overview: headline figures against the previous period, grids needing attention, weekly trend."""
import math
from typing import Any

import pandas as pd
import streamlit as st

from analysis.metrics import Kpi
from ui import formats, loaders
from ui.cards import Card, cards, tone
from ui.errors import run_page
from ui.filters import analysis_page, set_filters
from ui.i18n import t
from ui.labels import TEXT
from ui.theme import presenting, style_vega
from ui.widgets import downloads, selected_rows, show_table

# the figure a room reads beside each grid's name in projector mode (a third of the width is narrow)
ROOM_FIGURES = {"load": ("reported",), "overdue": ("overdue",), "falling": ("on_time_rate", "change")}


def _change(kpi: Kpi) -> str | None:
    """The change against the previous period, or why there is no figure this period."""
    if math.isnan(kpi.value) and f"empty_{kpi.key}" in TEXT:
        return t(f"empty_{kpi.key}")
    return formats.change(kpi.kind, kpi.change)


def trend_spec(trend: pd.DataFrame) -> dict[str, Any]:
    """Reported (bars) and closed (line) per week, from :func:`analysis.metrics.overview.weekly_trend`, as a
    Vega-Lite spec carrying its data (``datasets``, sent as Arrow).

    Vega-Lite rather than Plotly: this is the page a cold start opens, and Chromium spends 2-3 s loading Plotly's
    4.7 MB script on this page's first paint (``bench/browser.py``), against about 0.5 s for Vega-Lite. Written as
    a spec rather than through Altair, whose schema validation of every chart cost each run of this page about
    0.03 CPU s at 1M incidents, under a lock Streamlit's Altair path shares between sessions.
    """
    names = {"reported": t("trend_reported"), "closed": t("trend_closed")}
    long = trend.melt("week", list(names), var_name="series", value_name="count")
    long["series"] = long["series"].map(names)
    week = {"field": "week", "timeUnit": "utcyearmonthdate", "title": t("trend_week")}
    count = {"field": "count", "type": "quantitative", "title": t("trend_count")}
    encoding = {"x": {**week, "type": "ordinal", "axis": {"format": "%m-%d", "labelAngle": 0}}, "y": count,
                "color": {"field": "series", "type": "nominal",
                          "scale": {"domain": list(names.values()), "range": ["#d94801", "#1b7837"]}},
                "tooltip": [{**week, "type": "temporal", "format": "%Y-%m-%d"},
                            {"field": "series", "type": "nominal", "title": " "}, count]}

    def layer(mark: dict[str, Any], series: str) -> dict[str, Any]:
        return {"mark": mark, "encoding": encoding, "transform": [{"filter": {"field": "series", "equal": series}}]}
    return {"datasets": {"trend": long}, "data": {"name": "trend"},
            "layer": [layer({"type": "bar"}, names["reported"]),
                      layer({"type": "line", "point": {"size": 80}, "strokeWidth": 3}, names["closed"])]}


def render() -> None:
    """Draw the page."""
    view = analysis_page("page_overview", "overview_title",
                         needs=("deadlines", "closing_times", "handled_levels"))
    if view.dataset.anchor is None:
        st.info(t("no_incidents"))
        st.stop()
    numbers = loaders.overview(*view.key)

    cards([Card(t(f"kpi_{kpi.key}"), formats.value(kpi.kind, kpi.value), _change(kpi),
                "flat" if formats.flat(kpi.kind, kpi.change) else tone(kpi.change, kpi.better), t(f"help_{kpi.key}"))
           for kpi in numbers["kpis"]], per_row=5)
    figures = pd.DataFrame({t("kpi_col_name"): [t(f"kpi_{k.key}") for k in numbers["kpis"]],
                            t("kpi_col_value"): [formats.value(k.kind, k.value) for k in numbers["kpis"]],
                            t("kpi_col_previous"): [formats.value(k.kind, k.previous) for k in numbers["kpis"]],
                            t("kpi_col_change"): [formats.change(k.kind, k.change) or formats.DASH
                                                  for k in numbers["kpis"]]})

    st.subheader(t("attention_title"))
    if not presenting():             # a projected table has no rows to click
        st.caption(t("attention_caption"))
    TABLES = {"load": ("top_load", {"reported": "col_reported", "per_100_households": "col_per100"}),
              "overdue": ("top_overdue", {"overdue": "col_overdue", "backlog": "col_backlog"}),
              "falling": ("top_falling", {"on_time_rate": "col_on_time", "on_time_before": "col_on_time_before",
                                          "change": "col_change"})}
    for column, (name, (title, shown)) in zip(st.columns(3), TABLES.items()):
        with column:
            st.markdown(f"**{t(title)}**")
            table = numbers["attention"][name]
            if table.empty:
                st.info(t("none_to_show"))
                continue
            display = table[["name", *shown]].rename(columns={"name": t("col_grid"), **{k: t(v) for k, v in shown.items()}})
            for rate_col in ("on_time_rate", "on_time_before"):
                if rate_col in shown:
                    display[t(shown[rate_col])] = table[rate_col].map(formats.percent)
            if "change" in shown:
                display[t("col_change")] = (table["change"] * 100).round(1)
            if "per_100_households" in shown:
                display[t("col_per100")] = table["per_100_households"].round(1)
            room = [t("col_grid"), *(t(shown[c]) for c in ROOM_FIGURES[name])]
            event = show_table(display, present_columns=room, hide_index=True, width="stretch", on_select="rerun",
                               selection_mode="single-row", key=f"attention_{name}")
            rows = selected_rows(event)
            if rows:
                chosen = table.iloc[rows[0]]
                set_filters(grid=chosen["grid_id"], community=chosen["community"])
                st.session_state.pop(f"attention_{name}", None)
                st.switch_page("pages/map.py")

    st.subheader(t("trend_title"))
    st.vega_lite_chart(spec=style_vega(trend_spec(numbers["trend"])), width="stretch", key="overview_trend")

    st.markdown(f"**{t('download_kpis')}**")
    downloads(figures, "overview", "dl_overview")


run_page(render)

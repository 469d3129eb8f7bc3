"""工作量 Workload: each grid's load per full-time worker, the workload index, households against the norm."""
import functools

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from ui import formats, loaders
from ui.errors import run_page
from ui.filters import View, analysis_page, filter_to_row
from ui.i18n import t
from ui.theme import chart_config, presenting, style_figure
from ui.widgets import coloured, downloads, show_table

NORM_COLOURS = {"below": "#6baed6", "within": "#969696", "above": "#e6550d"}


def norm_chart(shown: pd.DataFrame, key: str) -> None:
    """Households of each grid (or micro-grid) as bars coloured by where they stand, with the norm band."""
    fig = go.Figure(go.Bar(x=shown["name"], y=shown["households"],
                           marker_color=[NORM_COLOURS[p] for p in shown["norm_position"]]))
    lo, hi = shown["norm_min"], shown["norm_max"]
    if len(shown) and lo.nunique() == 1 and hi.nunique() == 1:
        fig.add_hrect(y0=lo.iloc[0], y1=hi.iloc[0], fillcolor="#31a354", opacity=0.15, line_width=0,
                      annotation_text=t("norm_band"), annotation_position="top left")
    else:
        fig.add_scatter(x=shown["name"], y=hi, mode="markers", marker_symbol="line-ew-open", marker_size=14,
                        marker_color="#31a354", name=t("norm_band"))
        fig.add_scatter(x=shown["name"], y=lo, mode="markers", marker_symbol="line-ew-open", marker_size=14,
                        marker_color="#31a354", showlegend=False)
    fig.update_layout(xaxis_title="", yaxis_title=t("col_households"), showlegend=False)
    st.plotly_chart(style_figure(fig, 360), width="stretch", config=chart_config("households_norm"), key=key)


def micro_level(view: View) -> None:
    """The micro-grid level: households against the micro-grid norm, and each micro-grid's cases."""
    table = loaders.micro(*view.key)
    shown = table[table["in_scope"]]
    outside = shown[shown["norm_position"] != "within"]
    if len(shown):
        lo, hi = shown["norm_min"].min(), shown["norm_max"].max()
        (st.warning if len(outside) else st.success)(t("wl_micro_outside", n=len(shown), k=len(outside),
                                                        lo=f"{lo:.0f}", hi=f"{hi:.0f}"))
    st.subheader(t("wl_micro_norm"))
    norm_chart(shown, "wl_micro_norm")
    st.subheader(t("wl_micro_table"))
    columns = {"name": "by_micro_id", "grid": "col_grid", "community": "col_community", "households": "col_households",
               "population": "col_population", "reported": "m_reported", "per_100_households": "col_per100",
               "backlog": "col_open", "overdue": "col_overdue_n", "on_time_rate": "col_on_time_rate"}
    display = shown[list(columns)].rename(columns={k: t(v) for k, v in columns.items()})
    display[t("col_norm")] = [f"{t(p)}（{a:.0f}–{b:.0f}）" for p, a, b in
                              zip(shown["norm_position"], shown["norm_min"], shown["norm_max"])]
    display[t("col_on_time_rate")] = shown["on_time_rate"].map(formats.percent).to_numpy()
    display[t("col_per100")] = shown["per_100_households"].round(1).to_numpy()
    for column in ("households", "population"):                  # whole people and households
        display[t(columns[column])] = shown[column].round().astype(int).to_numpy()
    show_table(coloured(display, {t("col_norm"): (shown["norm_position"], "norm"),
                                  t("col_on_time_rate"): (shown["on_time_rate"], "rate")}),
               present_columns=[t(columns[c]) for c in ("name", "grid", "households", "reported", "on_time_rate")]
               + [t("col_norm")], hide_index=True, width="stretch", height=420)
    downloads(display, "workload_micro", "dl_workload_micro")


def render() -> None:
    """Draw the page."""
    view = analysis_page("page_workload", "workload_title",
                         needs=("workers", "fulltime_workers", "households"))
    st.caption(t("workload_caption") + " " + t("chart_png"))
    if len(view.dataset.micro):
        level = st.segmented_control(t("level_switch"), ("grid", "micro"), default="grid", key="wl_level",
                                     format_func=lambda v: t(f"level_is_{v}")) or "grid"
        if level == "micro":
            micro_level(view)
            return
    table = loaders.workload(*view.key)
    shown = table[table["in_scope"]]

    no_worker = shown[shown["no_worker"]]
    if len(no_worker):
        st.warning(t("wl_no_worker", n=len(no_worker), names="、".join(map(formats.plain, no_worker["name"]))))
    over = shown[shown["over_household_norm"]]
    if len(over):
        st.info(t("wl_over_norm", n=len(over), most=f"{view.settings['households_per_worker_max']:,.0f}",
                  names="、".join(map(formats.plain, over["name"]))))

    height = 640 if presenting() else 520        # every name of the ranking in projector mode's larger type
    left, right = st.columns(2)
    with left:
        st.subheader(t("wl_ranked"))
        top = shown.dropna(subset=["workload_index"]).nlargest(20, "workload_index")
        fig = px.bar(top, x="workload_index", y="name", orientation="h", color="norm_position",
                     color_discrete_map={"below": "#6baed6", "within": "#969696", "above": "#e6550d"},
                     labels={"workload_index": t("col_index"), "name": "", "norm_position": t("m_norm_position")})
        fig.for_each_trace(lambda tr: tr.update(name=t(tr.name)))
        fig.add_vline(x=1.0, line_dash="dot", line_color="#333333")
        fig.update_yaxes(autorange="reversed")
        st.plotly_chart(style_figure(fig, height), width="stretch", config=chart_config("workload_index"), key="wl_rank")
    with right:
        st.subheader(t("wl_scatter"))
        points = shown.dropna(subset=["households_per_worker", "on_time_rate"])
        named = set(points.nlargest(4, "households_per_worker")["grid_id"]) | set(points.nsmallest(4, "on_time_rate")["grid_id"])
        fig = px.scatter(points, x="households_per_worker", y="on_time_rate", size="reported", hover_name="name",
                         labels={"households_per_worker": t("col_hh_worker"), "on_time_rate": t("col_on_time_rate"),
                                 "reported": t("m_reported")})
        for row in points[points["grid_id"].isin(named)].itertuples():
            fig.add_annotation(x=row.households_per_worker, y=row.on_time_rate, text=row.name, showarrow=True,
                               arrowhead=0, ax=20, ay=-22)
        fig.update_yaxes(tickformat=".0%")
        st.plotly_chart(style_figure(fig, height), width="stretch", config=chart_config("households_vs_on_time"),
                        key="wl_scatter")

    st.subheader(t("wl_norm"))
    norm_chart(shown, "wl_norm")

    st.subheader(t("wl_table"))
    if not presenting():                     # a projected table has no rows to click
        st.caption(t("wl_table_hint"))
    columns = {"name": "col_grid", "community": "col_community", "workload_index": "col_index", "fulltime": "col_fulltime",
               "incidents_per_week": "col_per_week", "incidents_per_worker_week": "col_per_worker_week",
               "households_per_worker": "col_hh_worker", "population_per_worker": "col_pop_worker",
               "backlog_per_worker": "col_backlog_worker", "households": "col_households", "on_time_rate": "col_on_time_rate"}
    ordered = shown.sort_values("workload_index", ascending=False)
    display = ordered[list(columns)].rename(columns={k: t(v) for k, v in columns.items()})
    display[t("col_norm")] = [f"{t(p)}（{lo:.0f}–{hi:.0f}）" for p, lo, hi in
                              zip(ordered["norm_position"], ordered["norm_min"], ordered["norm_max"])]
    display[t("col_on_time_rate")] = ordered["on_time_rate"].map(formats.percent).to_numpy()
    if (ordered["population_position"] != "").any():
        display[t("col_pop_norm")] = [f"{t(p)}（{lo:,.0f}–{hi:,.0f}）" if p else "" for p, lo, hi in
                                      zip(ordered["population_position"], ordered["pop_min"], ordered["pop_max"])]
    norm_column = t("col_hh_worker_norm", most=f"{view.settings['households_per_worker_max']:,.0f}")
    display.insert(list(display.columns).index(t("col_hh_worker")) + 1, norm_column,
                   ordered["over_household_norm"].map({True: t("above"), False: ""}).to_numpy())
    styled = coloured(display, {t("col_index"): (ordered["workload_index"], "bad"),
                                t("col_norm"): (ordered["norm_position"], "norm"),
                                t("col_on_time_rate"): (ordered["on_time_rate"], "rate")})
    show_table(styled, present_columns=[t("col_grid"), t("col_index"), t("col_hh_worker"), t("col_on_time_rate"),
                                        t("col_norm")],
               hide_index=True, width="stretch", height=420, selection_mode="single-row", key="wl_table",
               on_select=functools.partial(filter_to_row, "wl_table", ordered["grid_id"].tolist(),
                                           ordered["community"].tolist()))
    downloads(display, "workload", "dl_workload")


run_page(render)

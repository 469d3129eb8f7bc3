"""办结 Resolution: rates by week and by group, category x grid, slowest kinds, backlog by age, overdue list."""
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from ui import formats, loaders
from ui.errors import run_page
from ui.filters import analysis_page
from ui.i18n import t
from ui.theme import chart_config, style_figure
from ui.widgets import downloads, show_table

RATES = ("closure_rate", "on_time_closure_rate", "disposal_rate", "on_time_disposal_rate", "rework_rate",
         "extension_rate", "satisfaction_rate", "within_grid")
COLUMNS = {"group": "col_group", "reported": "m_reported", "due": "col_due", "closed": "col_closed",
           "closure_rate": "col_closure", "on_time_closure_rate": "col_on_time_rate", "disposed": "col_disposed",
           "disposal_rate": "col_disposal", "on_time_disposal_rate": "col_on_time_disposal",
           "rework_rate": "col_rework", "extension_rate": "col_extension", "satisfaction_rate": "col_satisfaction",
           "median_days": "col_median", "p90_days": "col_p90", "backlog": "col_open", "overdue": "col_overdue_n",
           "within_grid": "col_within"}
ROOM_COLUMNS = ("group", "due", "closure_rate", "on_time_closure_rate", "backlog", "overdue")   # projector mode
WORD_SETTINGS = {"status": "status_states", "handled_level": "handling_levels", "satisfaction": "satisfaction_words"}


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """A rates table with translated headers and percentages."""
    out = table[list(COLUMNS)].copy()
    for column in RATES:
        out[column] = out[column].map(formats.percent)
    out[["median_days", "p90_days"]] = out[["median_days", "p90_days"]].round(1)
    return out.rename(columns={k: t(v) for k, v in COLUMNS.items()})


def render() -> None:
    """Draw the page."""
    view = analysis_page("page_resolution", "resolution_title",
                         needs=("incidents", "deadlines", "closing_times", "categories", "handled_levels", "handlers"))
    groupings = [g for g in loaders.GROUPINGS if g != "micro_id" or len(view.dataset.micro)]
    by = st.segmented_control(t("res_by"), groupings, default="grid_id", key="res_by",
                              format_func=lambda g: t(f"by_{g}")) or "grid_id"
    tables = loaders.resolution(*view.key, by)
    quality = tables["quality"]
    if quality["closed_before_reported"] or quality["due_assumed"]:
        st.info(t("res_quality", bad=quality["closed_before_reported"], assumed=quality["due_assumed"]))
    if view.dataset.void or quality["closed_no_time"]:
        st.info(t("res_lifecycle", void=view.dataset.void, no_time=quality["closed_no_time"]))
    for field, words in view.dataset.lifecycle.unknown.items():
        if words:
            listed = "、".join(f"{formats.plain(w)}（{n}）" for w, n in list(words.items())[:8])
            st.warning(t("res_unknown_words", what=t(f"what_{field}"), setting=WORD_SETTINGS[field], words=listed))

    st.subheader(t("res_trend"))
    weekly = tables["weekly"]
    fig = go.Figure([go.Bar(x=weekly["week"], y=weekly["reported"], name=t("trend_reported"), marker_color="#fdae6b"),
                     go.Bar(x=weekly["week"], y=weekly["closed"], name=t("trend_closed"), marker_color="#74c476"),
                     go.Scatter(x=weekly["week"], y=weekly["closure_rate"], name=t("col_closure"), yaxis="y2",
                                mode="lines+markers", line=dict(color="#08519c", width=3)),
                     go.Scatter(x=weekly["week"], y=weekly["on_time_rate"], name=t("col_on_time_rate"), yaxis="y2",
                                mode="lines+markers", line=dict(color="#a50f15", width=3, dash="dot"))])
    fig.update_layout(yaxis=dict(title=t("trend_count")), xaxis_tickformat="%m-%d", barmode="group",
                      yaxis2=dict(title=t("res_rate_axis"), overlaying="y", side="right", tickformat=".0%", range=[0, 1.05],
                                  dtick=0.2, showgrid=False))
    st.plotly_chart(style_figure(fig, 380), width="stretch", config=chart_config("weekly_resolution"), key="res_trend")
    st.caption(t("chart_png"))

    st.subheader(t("res_table", by=t(f"by_{by}")))
    table = shown(tables["by"].sort_values("due", ascending=False))
    show_table(table, present_columns=[t(COLUMNS[c]) for c in ROOM_COLUMNS], hide_index=True, width="stretch",
               height=380)
    downloads(table, f"resolution_by_{by}", "dl_res_by")

    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("res_matrix"))
        matrix = tables["category_grid"]
        if matrix.empty:
            st.info(t("none_to_show"))
        else:
            fig = px.imshow(matrix, color_continuous_scale="RdYlGn", zmin=0.5, zmax=1.0, aspect="auto",
                            labels={"color": t("col_on_time_rate")})
            fig.update_layout(coloraxis_colorbar_tickformat=".0%")
            st.plotly_chart(style_figure(fig, 420), width="stretch", config=chart_config("on_time_category_grid"),
                            key="res_matrix")
            downloads(matrix.map(formats.percent).reset_index().rename(columns={"category": t("col_category")}),
                      "on_time_category_grid", "dl_matrix")
    with right:
        st.subheader(t("res_slowest"))
        slow = tables["slowest"]
        fig = px.bar(slow, x="p90_days", y="group", orientation="h", labels={"p90_days": t("col_p90"), "group": ""},
                     hover_data={"median_days": ":.1f"})
        fig.update_yaxes(autorange="reversed")
        st.plotly_chart(style_figure(fig, 420), width="stretch", config=chart_config("slowest"), key="res_slowest")
        downloads(shown(slow), "slowest_subcategories", "dl_slowest")

    left, right = st.columns(2)
    with left:
        st.subheader(t("res_ages"))
        ages = tables["ages"]
        fig = go.Figure([go.Bar(x=ages["bucket"], y=ages["open"], name=t("col_open"), marker_color="#9ecae1"),
                         go.Bar(x=ages["bucket"], y=ages["overdue"], name=t("col_overdue_n"), marker_color="#cb181d")])
        fig.update_layout(barmode="overlay", xaxis_title=t("col_bucket"), yaxis_title=t("trend_count"))
        st.plotly_chart(style_figure(fig, 340), width="stretch", config=chart_config("backlog_age"), key="res_ages")
        downloads(ages.rename(columns={"bucket": t("col_bucket"), "open": t("col_open"), "overdue": t("col_overdue_n")}),
                  "backlog_by_age", "dl_ages")
    with right:
        st.subheader(t("res_levels"))
        levels = tables["levels"]
        fig = go.Figure(go.Funnel(y=[t(f"level_{lvl}") for lvl in levels["level"]], x=levels["closed"],
                                  textinfo="value+percent total", marker_color="#3182bd"))
        st.plotly_chart(style_figure(fig, 340), width="stretch", config=chart_config("handled_levels"), key="res_levels")
        downloads(levels.assign(level=[t(f"level_{lvl}") for lvl in levels["level"]], share=levels["share"].map(
            formats.percent)).rename(columns={"level": t("col_level"), "closed": t("col_closed"), "share": t("col_share")}),
            "handled_levels", "dl_levels")

    st.subheader(t("res_overdue"))
    overdue = tables["overdue"]
    if overdue.empty:
        st.info(t("none_to_show"))
    else:
        listed = overdue.assign(due_assumed=overdue["due_assumed"].map({True: t("yes"), False: ""})).rename(columns={
            "incident_id": t("col_incident"), "grid": t("col_grid"), "category": t("col_category"),
            "subcategory": t("f_subcategories"), "reported_at": t("col_reported_at"), "due_at": t("col_due_at"),
            "days_overdue": t("col_days_overdue"), "status": t("f_status"), "handler": t("by_handler"),
            "reporter_phone": t("col_phone"), "due_assumed": t("col_assumed")})
        show_table(listed, present_columns=[t("col_incident"), t("col_grid"), t("f_subcategories"), t("col_due_at"),
                                            t("col_days_overdue")], hide_index=True, width="stretch", height=360)
        downloads(listed, "overdue", "dl_overdue")


run_page(render)

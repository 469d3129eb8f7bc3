"""志愿者 Volunteers: active volunteers per grid, households within walking reach, where to recruit."""
import pandas as pd
import plotly.express as px
import streamlit as st

from analysis.maps.assets import missing
from analysis.maps.build import BASEMAPS
from ui import formats, loaders
from ui.cards import Card, cards
from ui.errors import run_page
from ui.filters import View, analysis_page
from ui.i18n import t
from ui.map_figure import POINTS_MAX, VOLUNTEERS_MAX, coverage_figure, drawn_points, note_around, show
from ui.theme import chart_config, presenting, style_figure
from ui.widgets import coloured, downloads, show_table

ROOM_COLUMNS = ("name", "households", "active", "active_per_100_households", "coverage")   # projector mode


def render() -> None:
    """Draw the page."""
    view = analysis_page("page_coverage", "coverage_title",
                         needs=("volunteers", "volunteer_locations", "services", "buildings"))
    st.caption(t("coverage_caption", days=view.settings["active_days"]))
    left, right = st.columns(2)
    radius = left.slider(t("radius"), 100, 800, int(view.settings["walk_radius_m"]), 50, key="cov_radius")
    basemap = right.selectbox(t("basemap"), BASEMAPS, key="cov_basemap", format_func=lambda b: t(f"basemap_{b}"),
                              help=t("basemap_help"))
    numbers = loaders.coverage(*view.key, float(radius))
    grids = numbers["grids"][numbers["grids"]["in_scope"]]

    households = grids["households"].sum()
    cards([Card(t("cov_street"), formats.percent(grids["covered_households"].sum() / households if households else
                                                 float("nan"))),
           Card(t("cov_active"), formats.count(grids["active"].sum())),
           Card(t("cov_no_active"), formats.count(grids["no_active"].sum())),
           Card(t("cov_services"), formats.count(numbers["monthly"]["hours"].sum()))])

    map_col, side = st.columns([2.1, 1])
    with map_col:
        st.caption(t("cov_map"))
        if drawn_points(numbers)[2]:
            st.caption(t("cov_map_limited", n=formats.count(POINTS_MAX), v=formats.count(VOLUNTEERS_MAX)))
        if missing():
            st.error(t("assets_missing", files=", ".join(missing())))
        else:
            show(coverage_figure(view, float(radius), basemap), "coverage_map", 700 if presenting() else 600, [])
            note_around(view.dataset.grids, numbers["grids"]["in_scope"])
    with side:
        st.subheader(t("cov_sites"))
        sites = numbers["sites"]
        if not households:              # no building register, or no household counts: nothing to cover
            st.info(t("cov_sites_no_households"))
        elif sites.empty:
            st.success(t("cov_sites_none"))
        else:
            names = view.dataset.grid_names
            listed = sites.assign(grid=sites["grid_id"].map(names), covered_after=sites["covered_after"].map(formats.percent))
            listed = listed[["address", "grid", "gain", "covered_after"]].rename(columns={
                "address": t("col_address"), "grid": t("col_grid"), "gain": t("col_gain"),
                "covered_after": t("col_covered_after")})
            show_table(listed, present_columns=[t("col_address"), t("col_gain")], hide_index=True, width="stretch",
                       height=min(390, 38 + 35 * len(listed)))
            downloads(listed, "recruiting_sites", "dl_sites")

    level = "grid"
    if len(view.dataset.micro):
        level = st.segmented_control(t("level_switch"), ("grid", "micro"), default="grid", key="cov_level",
                                     format_func=lambda v: t(f"level_is_{v}")) or "grid"
    if level == "micro":
        micro_table(numbers["micro"])
    else:
        grid_table(grids)
    monthly_services(view, numbers)


def grid_table(grids: pd.DataFrame) -> None:
    """Volunteers, services and walking coverage per grid (in the filters' community and grid)."""
    st.subheader(t("cov_table"))
    columns = {"name": "col_grid", "community": "col_community", "households": "col_households",
               "volunteers": "col_volunteers", "active": "col_active", "active_per_100_households": "col_active_per100",
               "services_per_month": "col_services_month", "hours_per_month": "col_hours_month", "coverage": "col_coverage"}
    ordered = grids.sort_values(["active_per_100_households", "coverage"])
    table = ordered[list(columns)].rename(columns={k: t(v) for k, v in columns.items()})
    table[t("col_coverage")] = ordered["coverage"].map(formats.percent).to_numpy()
    show_table(coloured(table, {t("col_active_per100"): (ordered["active_per_100_households"], "good"),
                                t("col_coverage"): (ordered["coverage"], "rate")}),
               present_columns=[t(columns[c]) for c in ROOM_COLUMNS], hide_index=True, width="stretch", height=380)
    downloads(table, "volunteers_per_grid", "dl_cov_grids")


def monthly_services(view: View, numbers: dict[str, pd.DataFrame]) -> None:
    """Services per month by team, and the micro-wishes."""
    st.subheader(t("cov_monthly"))
    monthly = numbers["monthly"]
    fig = px.bar(monthly, x="month", y="services", color="team",
                 labels={"month": t("col_month"), "services": t("col_services"), "team": t("col_team")})
    fig.update_xaxes(type="category")
    st.plotly_chart(style_figure(fig, 360), width="stretch", config=chart_config("services_by_team"), key="cov_monthly")
    downloads(monthly.rename(columns={"month": t("col_month"), "team": t("col_team"), "services": t("col_services"),
                                      "hours": t("col_hours_month")}), "services_by_team", "dl_monthly")
    st.caption(t("chart_png"))
    wishes_section(view)


def micro_table(table: pd.DataFrame) -> None:
    """Volunteers and walking coverage per micro-grid (in the filters' community and grid)."""
    st.subheader(t("cov_micro_table"))
    shown = table[table["in_scope"]].sort_values(["active_per_100_households", "coverage"])
    columns = {"name": "by_micro_id", "grid": "col_grid", "households": "col_households", "active": "col_active",
               "active_per_100_households": "col_active_per100", "coverage": "col_coverage"}
    frame = shown[list(columns)].rename(columns={k: t(v) for k, v in columns.items()})
    frame[t("col_coverage")] = shown["coverage"].map(formats.percent).to_numpy()
    frame[t("col_households")] = shown["households"].round().astype(int).to_numpy()
    show_table(coloured(frame, {t("col_active_per100"): (shown["active_per_100_households"], "good"),
                                t("col_coverage"): (shown["coverage"], "rate")}),
               present_columns=[t(columns[c]) for c in ROOM_COLUMNS], hide_index=True, width="stretch", height=380)
    downloads(frame, "volunteers_per_micro_grid", "dl_cov_micro")


def wishes_section(view: View) -> None:
    """微心愿: wishes collected in the period, fulfilled, still open, per grid."""
    st.subheader(t("wish_title"))
    numbers = loaders.wishes(*view.key)
    figures = numbers["figures"]
    if not figures["collected"] and not figures["open"]:
        st.caption(t("wish_none", words="、".join(map(formats.plain, view.settings["wish_categories"]))))
        return
    cards([Card(t("wish_collected"), formats.count(figures["collected"])),
           Card(t("wish_fulfilled"), formats.count(figures["fulfilled"])),
           Card(t("wish_rate"), formats.percent(figures["fulfilment_rate"])),
           Card(t("wish_open"), formats.count(figures["open"]))])
    table = numbers["grids"]
    shown = table.assign(fulfilment_rate=table["fulfilment_rate"].map(formats.percent))[
        ["name", "collected", "fulfilled", "fulfilment_rate", "open"]].rename(columns={
            "name": t("col_grid"), "collected": t("wish_collected"), "fulfilled": t("wish_fulfilled"),
            "fulfilment_rate": t("wish_rate"), "open": t("wish_open")})
    show_table(shown, present_columns=[t("col_grid"), t("wish_collected"), t("wish_rate"), t("wish_open")],
               hide_index=True, width="stretch", height=min(380, 38 + 35 * max(len(shown), 1)))
    downloads(shown, "wishes_per_grid", "dl_wishes")


run_page(render)

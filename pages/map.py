"""地图 Map: grids coloured by a measure, density with weekly playback, hotspots, incidents, grid card."""
import plotly.express as px
import streamlit as st

from analysis.maps.assets import missing
from analysis.maps.build import BASEMAPS, MEASURE_KINDS
from ui import formats, loaders
from ui.cards import Card, cards
from ui.errors import run_page
from ui.filters import analysis_page, set_filters_everywhere
from ui.i18n import t, translate_columns
from ui.map_figure import figure, measure_text, note_around, show
from ui.theme import presenting, style_figure
from ui.widgets import downloads, show_table

MICRO_MEASURES = ("reported", "per_100_households", "backlog", "overdue", "closure_rate", "on_time_rate",
                  "norm_position")


def render() -> None:
    """Draw the page."""
    view = analysis_page("page_map", "map_title", needs=("incidents", "households"))
    absent = missing()
    if absent:
        st.error(t("assets_missing", files=", ".join(absent)))
        st.stop()

    numbers = loaders.map_numbers(*view.key)


    @st.fragment
    def map_and_card() -> None:
        """The map and the card of the grid clicked on it: a click, a measure or a basemap redraws only this part."""
        map_col, card_col = st.columns([2.1, 1])
        with card_col:
            level = "grid"
            if len(view.dataset.micro):
                level = st.segmented_control(t("level_switch"), ("grid", "micro"), default="grid", key="map_level",
                                             format_func=lambda v: t(f"level_is_{v}")) or "grid"
            measures = [m for m in MEASURE_KINDS if level == "grid" or m in MICRO_MEASURES]
            if st.session_state.get("map_measure") not in measures:
                st.session_state["map_measure"] = measures[0]
            measure = st.selectbox(t("measure"), measures, key="map_measure", format_func=lambda m: t(f"m_{m}"))
            basemap = st.selectbox(t("basemap"), BASEMAPS, key="map_basemap", format_func=lambda b: t(f"basemap_{b}"),
                                   help=t("basemap_help"))
        with map_col:
            result = show(figure(view, measure, basemap, level), "grid_map", 760 if presenting() else 640,
                          ["last_active_drawing"])
            clicked = (result.get("last_active_drawing") or {}).get("properties") or {}
            if clicked.get("grid_id"):       # a micro-grid clicked opens the card of its grid
                parent_of = dict(zip(view.dataset.micro["micro_id"], view.dataset.micro["parent_id"]))
                st.session_state["map_clicked"] = parent_of.get(clicked["grid_id"], clicked["grid_id"])
            st.caption(t("map_caption"))
            if level == "micro":
                note_around(view.dataset.micro, loaders.micro(*view.key)["in_scope"], "micro")
            else:
                note_around(view.dataset.grids, numbers.table["in_scope"])
            st.caption(t("hotspot_note", cell=numbers.hotspot_cell_m, n=len(numbers.hotspots)))
            limit = int(view.settings["map_points_max"])
            if numbers.points is not None:
                st.caption(t("points_shown", n=formats.count(len(numbers.points))))
            else:
                st.caption(t("points_hidden", n=formats.count(numbers.in_period), limit=formats.count(limit)))
        with card_col:
            grid_card(view.filters.grid or st.session_state.get("map_clicked", ""))


    def grid_card(grid_id: str) -> None:
        """The card of one grid: its figures, people, kinds of case, trend and open cases."""
        if grid_id not in set(view.dataset.grids["grid_id"]):
            st.info(t("card_hint"))
            return
        card = loaders.card(*view.key, grid_id)
        m = card.measures
        st.subheader(formats.plain(m["name"]))
        st.caption(f"{formats.plain(m['grid_id'])} · {formats.plain(m['community'])}")
        cards([Card(t("card_households"), formats.count(m["households"])),
               Card(t("card_population"), formats.count(m["population"])),
               Card(t("card_reported"), formats.count(m["reported"])),
               Card(t("card_volunteers"), formats.count(m["volunteers"])),
               Card(t("card_closure"), formats.percent(m["closure_rate"])),
               Card(t("card_on_time"), formats.percent(m["on_time_rate"])),
               Card(t("card_open"), formats.count(m["backlog"])),
               Card(t("card_overdue"), formats.count(m["overdue"]))], per_row=2)
        st.markdown(t("card_norm", lo=m["norm_min"], hi=m["norm_max"], position=t(m["norm_position"])))
        workers = card.workers
        st.markdown(t("card_workers_list", names="、".join(f"{formats.plain(n)}（{formats.plain(r)}）"
                                                        for n, r in zip(workers["name"], workers["role"])))
                    if len(workers) else t("card_no_workers"))
        if view.filters.grid == grid_id:
            st.button(t("card_clear_filter"), key="card_clear", on_click=set_filters_everywhere, kwargs={"grid": ""})
        else:
            st.button(t("card_set_filter"), key="card_set", type="primary", on_click=set_filters_everywhere,
                      kwargs={"grid": grid_id, "community": m["community"]})
        if len(card.categories):
            st.markdown(f"**{t('card_categories')}**")
            fig = px.bar(card.categories.head(8), x="count", y="category", orientation="h",
                         labels={"count": t("unit_cases"), "category": ""})
            fig.update_yaxes(autorange="reversed")
            st.plotly_chart(style_figure(fig, 300 if presenting() else 220), width="stretch",   # a name to each bar
                            config={"displaylogo": False}, key="card_cat")
        st.markdown(f"**{t('card_trend')}**")
        fig = px.line(card.trend, x="week", y="reported", markers=True, labels={"week": "", "reported": t("unit_cases")})
        fig.update_layout(xaxis_tickformat="%m-%d")
        st.plotly_chart(style_figure(fig, 200), width="stretch", config={"displaylogo": False}, key="card_trend")
        st.markdown(f"**{t('card_open_cases')}**")
        if card.open_cases.empty:
            st.caption(t("card_no_open"))
        else:
            cases = card.open_cases.assign(overdue=card.open_cases["overdue"].map({True: t("yes"), False: t("no")}))
            cases = cases.rename(columns={"incident_id": t("col_incident"), "category": t("col_category"),
                                          "subcategory": t("f_subcategories"), "reported_at": t("col_reported_at"),
                                          "due_at": t("col_due_at"), "age_days": t("col_age"),
                                          "overdue": t("col_overdue_flag"), "reporter_phone": t("col_phone"),
                                          "event_name": t("col_event_name"), "description": t("col_description"),
                                          "photos": t("col_photos")})
            show_table(translate_columns(cases), present_columns=[t("f_subcategories"), t("col_age")],
                       hide_index=True, width="stretch", height=260)
        if card.photos:
            st.markdown(f"**{t('card_photos')}**")
            columns = st.columns(4)
            for i, (case, path) in enumerate(card.photos):
                columns[i % 4].image(str(path), caption=case, width="stretch")


    map_and_card()

    table = numbers.table[["grid_id", "name", "community", "households", "reported", "per_100_households", "backlog",
                           "overdue", "closure_rate", "on_time_rate", "volunteers"]].copy()
    table["norm"] = measure_text("norm_position", numbers.table["norm_position"])
    shown = translate_columns(table.rename(columns={
        "per_100_households": t("m_per_100_households"), "reported": t("m_reported"), "backlog": t("m_backlog"),
        "overdue": t("m_overdue"), "closure_rate": t("m_closure_rate"), "on_time_rate": t("m_on_time_rate"),
        "volunteers": t("card_volunteers"), "norm": t("m_norm_position")}))
    st.markdown(f"**{t('download_grid_table')}**")
    downloads(shown, "grids", "dl_map_grids")


run_page(render)

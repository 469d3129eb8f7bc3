"""全区对比 District: every street of the database side by side (figures, a map of the streets), for the
district's users; a street's user never sees it (nor any other street)."""
import pandas as pd
import streamlit as st

from analysis.metrics.periods import PRESETS
from ui import formats, loaders
from ui.errors import run_page
from ui.i18n import lang, t
from ui.map_figure import show, streets_map
from ui.page import setup
from ui.streets import district_view
from ui.widgets import downloads, show_table

COLUMNS = {"name": "col_street", "code": "col_street_code", "grids": "m_grids", "households": "col_households",
           "reported": "m_reported", "per_1000_households": "col_per_1000", "due": "col_due",
           "closure_rate": "col_closure", "on_time_closure_rate": "col_on_time_rate", "backlog": "col_open",
           "overdue": "col_overdue_n"}
RATES = ("closure_rate", "on_time_closure_rate")
SHADE = {"per_1000_households": "col_per_1000", "closure_rate": "col_closure", "overdue": "col_overdue_n"}


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """The streets' table as shown: translated headers, percentages, whole numbers."""
    out = table[list(COLUMNS)].copy()
    for column in RATES:
        out[column] = out[column].map(formats.percent)
    out["households"] = out["households"].round().astype(int)
    out["per_1000_households"] = out["per_1000_households"].map(lambda v: "—" if pd.isna(v) else f"{v:.1f}")
    return out.rename(columns={k: t(v) for k, v in COLUMNS.items()})


def render() -> None:
    """Draw the page."""
    setup("page_district")
    st.title(t("district_title"))
    if not district_view():
        st.info(t("district_one_street"))
        st.stop()
    preset = st.selectbox(t("f_period"), [p for p in PRESETS if p != "custom"], index=1,
                          key=f"district_period_{lang()}",   # a widget per language: its shown choice follows
                          format_func=lambda p: t(f"period_{p}"))
    table, outlines, period = loaders.district(loaders.district_token(), preset)
    st.caption(t("district_caption", period=period, streets=len(table)))
    show_table(shown(table), hide_index=True, present_columns=[t(COLUMNS[c]) for c in
                                                                  ("name", "reported", "closure_rate", "overdue")])
    downloads(shown(table), "district", key="district_dl")
    if outlines["features"]:
        figure = st.segmented_control(t("district_shade"), list(SHADE), default="per_1000_households",
                                      format_func=lambda k: t(SHADE[k]), key="district_shade") or "per_1000_households"
        show(streets_map(table, outlines, figure, t(SHADE[figure]), rate=figure in RATES),
             key="district_map", height=560, returned=[])
    else:
        st.info(t("district_no_outlines"))


run_page(render)

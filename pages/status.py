"""数据概况 Data status: what the store holds, how incidents were placed, reports per month."""
import plotly.express as px
import streamlit as st

from ui import formats, loaders
from ui.cards import Card, cards
from ui.errors import run_page
from ui.i18n import t
from ui.page import setup
from ui.theme import style_figure
from ui.widgets import show_methods


def render() -> None:
    """Draw the page."""
    setup("page_status")
    st.title(t("status_title"))
    st.caption(t("status_caption"))
    rev = loaders.revision()
    info = loaders.summary(rev)

    if info["incidents"] == 0 and info["grids"] == 0:
        st.info(t("empty_store"))
        st.stop()

    cards([Card(t(key), f"{info[name]:,}") for key, name in (("m_incidents", "incidents"), ("m_grids", "grids"),
                                                              ("m_buildings", "buildings"), ("m_households", "households"),
                                                              ("m_review", "review"))], per_row=5)
    period = f"{info['first'][:10]} — {info['last'][:10]}" if info["first"] else "—"
    st.markdown(f"**{t('m_version')}**{t('colon')}{formats.plain(info['version'] or '—')}　　**{t('m_period')}**{t('colon')}{period}")

    left, right = st.columns([2, 3])
    with left:
        st.subheader(t("by_method_title"))
        show_methods(info["by_method"])
    with right:
        st.subheader(t("monthly_title"))
        monthly = loaders.monthly_counts(rev)
        fig = px.bar(monthly, x="month", y="count", labels={"month": t("month"), "count": t("count_unit")})
        fig.update_xaxes(type="category")
        fig = style_figure(fig, 340).update_layout(margin=dict(t=10))
        st.plotly_chart(fig, width="stretch", config={"displaylogo": False})


run_page(render)

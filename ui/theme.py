"""Looks: the projector (presentation) mode and the charts' common style.

Projector mode makes type larger (the root font size scales every rem-sized element), raises
contrast (black text, heavier borders), folds the sidebar and keeps the wide layout, so that a
page reads from the back of a room at 1280x720.
"""
from __future__ import annotations

import streamlit as st

BASE_CSS = """
[data-testid="stMetricValue"] {font-weight: 700;}
[data-testid="stMetric"] {background: #ffffff;}
"""
PRESENT_CSS = """
html {font-size: 20px;}
.stApp, .stApp p, .stApp label, .stApp span, .stApp div {color: #000000;}
[data-testid="stMetric"] {border: 2px solid #222222 !important;}
[data-testid="stMetricValue"] {font-size: 2.4rem; font-weight: 800;}
[data-testid="stMetricLabel"] p {font-size: 1.05rem; font-weight: 700;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, .stCaption {color: #222222 !important;}
h1 {font-size: 2.2rem !important;}
.block-container {padding-top: 2.2rem; max-width: 100%;}
"""


def presenting() -> bool:
    """Whether projector mode is on (read from the URL ``?present=1`` on first use)."""
    if "present" not in st.session_state:
        st.session_state["present"] = st.query_params.get("present", "0") == "1"
    return bool(st.session_state["present"])


def apply_css() -> None:
    """Inject the page CSS (and the projector CSS when that mode is on)."""
    st.html(f"<style>{BASE_CSS}{PRESENT_CSS if presenting() else ''}</style>")


def chart_font() -> int:
    """Chart font size in pixels."""
    return 20 if presenting() else 15


def style_figure(fig, height: int = 360):
    """Apply the common chart style (font sizes by mode, tight margins, legend on top); returns ``fig``."""
    size = chart_font()
    fig.update_layout(height=height + (80 if presenting() else 0), font=dict(size=size, color="#111111"),
                      margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=1.12, x=0),
                      plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", hoverlabel=dict(font_size=size))
    fig.update_xaxes(showgrid=False, linecolor="#444444")
    fig.update_yaxes(gridcolor="#e3e3e3", linecolor="#444444")
    return fig


def chart_config(name: str) -> dict:
    """Plotly's toolbar for a chart: no logo, and a PNG download (twice the size) made in the browser."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}}

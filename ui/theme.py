"""Looks: the projector (presentation) mode and the charts' common style.

Projector mode makes type larger (the root font size scales every rem-sized element), raises
contrast (black text, heavier borders), folds the sidebar and keeps the wide layout, so that a
page reads from the back of a room at 1280x720.
"""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

# Stable hooks only: the root element, plain elements (h1, p, li, label), our own classes (gl-*) and
# containers given a key (.st-key-*); never Streamlit's internal test ids or generated classes.
BASE_CSS = """
.gl-cards {display: grid; gap: 0.75rem; margin: 0.25rem 0 0.75rem 0;}
.gl-cols-1 {grid-template-columns: minmax(0, 1fr);}
.gl-cols-2 {grid-template-columns: repeat(2, minmax(0, 1fr));}
.gl-cols-3 {grid-template-columns: repeat(3, minmax(0, 1fr));}
.gl-cols-4 {grid-template-columns: repeat(4, minmax(0, 1fr));}
.gl-cols-5 {grid-template-columns: repeat(5, minmax(0, 1fr));}
.gl-cols-6 {grid-template-columns: repeat(6, minmax(0, 1fr));}
.gl-card {background: #ffffff; border: 1px solid #d0d0d0; border-radius: 0.5rem; padding: 0.6rem 0.9rem;}
.gl-card-label {font-size: 0.9rem; color: #333333; line-height: 1.3;}
.gl-card-value {font-size: 1.9rem; font-weight: 700; color: #111111; line-height: 1.25; white-space: nowrap;}
.gl-card-change {font-size: 0.9rem; font-weight: 600; line-height: 1.3;}
.gl-good {color: #1a7f37;}
.gl-bad {color: #c0392b;}
.gl-flat {color: #666666;}
"""
PRESENT_CSS = """
html {font-size: 20px;}
h1 {font-size: 2.2rem !important;}
p, li, label, h2, h3 {color: #000000 !important;}
.gl-card {border: 2px solid #222222;}
.gl-card-label {font-size: 1.05rem; font-weight: 700; color: #000000;}
.gl-card-value {font-size: 2.4rem; font-weight: 800; color: #000000;}
.gl-card-change {font-size: 1.05rem;}
.gl-flat {color: #333333;}
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


def style_figure(fig: go.Figure, height: int = 360) -> go.Figure:
    """Apply the common chart style (font sizes by mode, tight margins, legend on top); returns ``fig``."""
    size = chart_font()
    fig.update_layout(height=height + (80 if presenting() else 0), font=dict(size=size, color="#111111"),
                      margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=1.12, x=0),
                      plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", hoverlabel=dict(font_size=size))
    fig.update_xaxes(showgrid=False, linecolor="#444444")
    fig.update_yaxes(gridcolor="#e3e3e3", linecolor="#444444")
    return fig


def chart_config(name: str) -> dict[str, Any]:
    """Plotly's toolbar for a chart: no logo, and a PNG download (twice the size) made in the browser."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}}

"""Looks: the projector (presentation) mode and the charts' common style (Plotly and Vega-Lite).

Projector mode makes type larger (the root font size scales every rem-sized element, and no text of
a paragraph, list, label or table cell is smaller than it), raises contrast (black text, heavier
borders), folds the sidebar and keeps the wide layout, so that a page reads from the back of a room
at 1280x720. Its tables are our own HTML (``gl-table``, :func:`ui.widgets.show_table`): large black
type with borders, wrapped to the width of the page instead of clipped.
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
.gl-say {font-size: 1.25rem; font-weight: 600; color: #111111; margin: 0.15rem 0 0.35rem 0; line-height: 1.4;}
.st-key-mt_clicker {display: none;}
"""
# Projector mode. Streamlit fades captions with an opacity on the element holding their paragraph, which no
# colour of the paragraph can undo: hence the opacity of a div holding a paragraph. A card's figure shrinks
# with its card (cqi: 1% of the card's width), so that a narrow column of cards never cuts a figure short.
PRESENT_CSS = """
html {font-size: 22px;}
h1 {font-size: 2.2rem !important;}
p, li, label, td, th, small, figcaption {font-size: max(1em, 1rem) !important;}
p, li, label, td, th, small, figcaption, h1, h2, h3, h4 {color: #000000 !important;}
div:has(> p) {opacity: 1 !important;}
input, textarea {font-size: 1rem !important; color: #000000 !important;}
.gl-card {border: 2px solid #222222; container-type: inline-size;}
.gl-card-label {font-size: 1.05rem; font-weight: 700; color: #000000;}
.gl-card-value {font-size: min(2.4rem, 26cqi); font-weight: 800; color: #000000; white-space: normal;}
.gl-card-change {font-size: 1.05rem;}
.gl-flat {color: #333333;}
.gl-good {color: #0b6b2b;}
.gl-bad {color: #a61b0f;}
.gl-table-box {width: 100%; margin: 0.25rem 0 0.75rem 0;}
.gl-table {width: 100%; border-collapse: collapse; table-layout: auto; background: #ffffff; color: #000000;}
.gl-table th, .gl-table td {border: 2px solid #000000; padding: 0.25rem 0.5rem; line-height: 1.3; color: #000000;
  text-align: left; vertical-align: top; white-space: normal; word-break: normal; overflow-wrap: anywhere;}
.gl-table th {background: #e6e6e6; font-weight: 700;}
.gl-table tbody tr:nth-child(even) td {background: #f3f3f3;}
.gl-table .gl-num {text-align: right; font-variant-numeric: tabular-nums;}
.gl-table td.gl-num {white-space: nowrap;}
.gl-table-note {margin: 0.2rem 0 0 0; font-weight: 600;}
.st-key-mt_head h1 {font-size: 1.2rem !important; padding: 0 !important;}
.st-key-mt_head h2 {font-size: 2rem !important; padding: 0.1rem 0 0.2rem 0 !important;}
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
    return _projected(fig) if presenting() else fig


def style_vega(spec: dict[str, Any], height: int = 360) -> dict[str, Any]:
    """The common chart style of :func:`style_figure` for a Vega-Lite spec: font sizes by mode, black text and
    axes in projector mode, the legend on top, horizontal gridlines only. Returns a new spec.

    Each part gets its size explicitly, as in :func:`_projected`: Streamlit's theme sizes what is left unset.
    """
    size = chart_font()
    ink, axis, grid = ("#000000", "#000000", "#cccccc") if presenting() else ("#111111", "#444444", "#e3e3e3")
    config = {"axis": {"labelFontSize": size, "titleFontSize": size, "labelColor": ink, "titleColor": ink,
                       "domainColor": axis, "tickColor": axis, "gridColor": grid, "titleFontWeight": "normal"},
              "axisX": {"grid": False},
              "legend": {"labelFontSize": size, "labelColor": ink, "orient": "top", "title": None,
                         "symbolSize": size * 12},
              "view": {"stroke": None}}
    return {**spec, "height": height + (80 if presenting() else 0), "config": config}


def _projected(fig: go.Figure) -> go.Figure:
    """Black text at the projector's size on every part of ``fig`` (ticks, axis titles, legend, annotations,
    colour bars) and black axis lines; the legend grows upwards from the top of the plot, so that its
    larger items, wrapped on two lines, never cover the data. Returns ``fig``.

    Each part gets its size explicitly: Streamlit's chart theme gives smaller sizes of its own (12 to
    15 px) to every part the figure leaves unset, whatever the figure's base font.
    """
    text = dict(size=chart_font(), color="#000000")
    fig.update_layout(font=text, legend=dict(font=text, title_font=text, yanchor="bottom", y=1.02))
    fig.update_xaxes(tickfont=text, title_font=text, linecolor="#000000")
    fig.update_yaxes(tickfont=text, title_font=text, linecolor="#000000", gridcolor="#cccccc")
    fig.update_annotations(font=text)
    fig.update_coloraxes(colorbar=dict(tickfont=text, title_font=text))
    return fig


def chart_config(name: str) -> dict[str, Any]:
    """Plotly's toolbar for a chart: no logo, and a PNG download (twice the size) made in the browser."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}}

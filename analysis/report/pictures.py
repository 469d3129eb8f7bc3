"""Static pictures for the handout and the meeting page, drawn on the server with matplotlib (PNG bytes):
maps of the grids coloured by a measure (with hotspots, report points, outlines and names) and two charts.

Nothing is fetched: no map tiles, the grids are the base map. Matplotlib's object API is used (no pyplot
state), so pictures can be drawn from several sessions at once.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.report.fonts import cjk_font

DPI = 110


@dataclass(frozen=True)
class Look:
    """A picture's size in inches (at 110 dpi) and its type size in points."""

    width_in: float
    height_in: float
    font_pt: float


PRINT = Look(12.0, 7.0, 17.0)
"""For the handout: a page's or a slide's width."""
ROOM = Look(9.0, 5.5, 22.0)
"""For the meeting page in projector mode: drawn beside a table, at about half the screen's width, with
type that stays at 18 px or more once the picture is scaled to fit."""
INK, OUTLINE, HOT, PLAN, MARK = "#111111", "#555555", "#c0392b", "#d7191c", "#f28e2b"
REPORTED, CLOSED = "#d94801", "#1b7837"
LABELLED_MAX = 12


def _figure(look: Look) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(look.width_in, look.height_in), dpi=DPI, layout="constrained", facecolor="#ffffff")
    axes = figure.add_subplot()
    axes.tick_params(labelsize=look.font_pt)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="#ffffff")
    return buffer.getvalue()


def _style(axes: Axes, family: str) -> None:
    for label in (*axes.get_xticklabels(), *axes.get_yticklabels()):
        label.set_fontfamily(family)


def grid_map(grids: gpd.GeoDataFrame, values: pd.Series | None, legend: str, *, hot: gpd.GeoDataFrame | None = None,
             points: pd.DataFrame | None = None, named: list[str] | None = None,
             overlay: gpd.GeoDataFrame | None = None, hot_label: str = "", marked: list[str] | None = None,
             labels_from: gpd.GeoDataFrame | None = None, look: Look = PRINT) -> bytes:
    """A map of ``grids`` (``grid_id``, ``name``, WGS-84 polygons) as a PNG.

    Parameters
    ----------
    values : pandas.Series, optional
        A number per ``grid_id``: the grids are coloured by it (yellow to red, legend ``legend``); grids
        without a value are grey. None draws outlines only.
    hot : GeoDataFrame, optional
        Hot cells drawn in red over the grids (legend ``hot_label``).
    points : DataFrame, optional
        ``lon``/``lat`` drawn as small dots (the density of reports).
    named : list of str, optional
        ``grid_id`` of the grids whose names are written on the map (at most 12; the first ones), looked up
        in ``labels_from`` (default: ``grids``).
    overlay : GeoDataFrame, optional
        Other polygons drawn as red outlines (a plan's grids), named in the legend by ``legend``.
    marked : list of str, optional
        ``grid_id`` of grids filled in orange (legend ``legend``) when there are no ``values``.
    """
    font, size = cjk_font(), look.font_pt
    figure, axes = _figure(look)
    axes.set_axis_off()
    handles: list[Patch] = []
    if len(grids):
        layer = grids.copy()
        if values is not None:
            layer["value"] = layer["grid_id"].map(values).astype(float)
            layer.plot(ax=axes, column="value", cmap="YlOrRd", edgecolor=OUTLINE, linewidth=0.6, legend=True,
                       missing_kwds={"color": "#eeeeee", "edgecolor": OUTLINE},
                       legend_kwds={"shrink": 0.8, "pad": 0.01})
            bar = figure.axes[-1] if len(figure.axes) > 1 else None
            if bar is not None:
                bar.set_ylabel(legend, fontsize=size, family=font.family, color=INK)
                bar.tick_params(labelsize=size - 2)
        else:
            layer.plot(ax=axes, facecolor="#f7f7f7", edgecolor=OUTLINE, linewidth=0.6)
            picked = layer[layer["grid_id"].isin(marked or [])]
            if len(picked):
                picked.plot(ax=axes, facecolor=MARK, edgecolor=OUTLINE, linewidth=0.6)
                handles.append(Patch(facecolor=MARK, label=legend))
    if points is not None and len(points):
        axes.scatter(points["lon"], points["lat"], s=4, color="#3b3b3b", alpha=0.35, linewidths=0)
    if hot is not None and len(hot):
        hot.plot(ax=axes, facecolor=HOT, edgecolor=HOT, alpha=0.55, linewidth=0.8)
        handles.append(Patch(facecolor=HOT, alpha=0.55, label=hot_label))
    if overlay is not None and len(overlay):
        overlay.boundary.plot(ax=axes, color=PLAN, linewidth=2.4)
        handles.append(Patch(facecolor="none", edgecolor=PLAN, linewidth=2.4, label=legend))
    source = grids if labels_from is None else labels_from
    for grid_id in (named or [])[:LABELLED_MAX]:
        shape = source.loc[source["grid_id"] == grid_id]
        if shape.empty:
            continue
        where = shape.geometry.iloc[0].representative_point()
        axes.text(where.x, where.y, str(shape["name"].iloc[0]), fontsize=size - 2, family=font.family,
                  color=INK, ha="center", va="center", weight="bold", parse_math=False,   # a name is never TeX
                  path_effects=[patheffects.withStroke(linewidth=3.5, foreground="#ffffff")])
    if handles:
        axes.legend(handles=handles, loc="lower left", prop={"family": font.family, "size": size})
    if len(grids):
        middle = float(np.nanmean(grids.total_bounds[[1, 3]]))
        axes.set_aspect(1 / max(math.cos(math.radians(middle)), 0.1))
    return _png(figure)


def trend_chart(trend: pd.DataFrame, reported: str, closed: str, title: str, look: Look = PRINT) -> bytes:
    """Reported (bars) and closed (line) per week from :func:`analysis.metrics.overview.weekly_trend`, as a PNG."""
    font, size = cjk_font(), look.font_pt
    figure, axes = _figure(look)
    labels = [pd.Timestamp(w).strftime("%m-%d") for w in trend["week"]]
    axes.bar(labels, trend["reported"], color=REPORTED, label=reported)
    axes.plot(labels, trend["closed"], color=CLOSED, linewidth=3, marker="o", label=closed)
    axes.set_title(title, fontsize=size + 2, family=font.family, color=INK)
    axes.legend(prop={"family": font.family, "size": size}, loc="upper left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e3e3e3")
    _style(axes, font.family)
    return _png(figure)


def bar_chart(labels: list[str], values: list[float], axis_label: str, look: Look = PRINT) -> bytes:
    """Horizontal bars, the first label on top, each bar's value written at its end; a PNG."""
    font, size = cjk_font(), look.font_pt
    figure, axes = _figure(look)
    positions = np.arange(len(labels))[::-1]
    axes.barh(positions, values, color="#2b6cb0")
    axes.set_yticks(positions, labels)
    top = max(values) if len(values) and max(values) > 0 else 1.0
    for y, value in zip(positions, values):
        axes.text(value + top * 0.01, y, f"{value:,.0f}", va="center", fontsize=size, color=INK)
    axes.set_xlim(0, top * 1.15)
    axes.set_xlabel(axis_label, fontsize=size, family=font.family, color=INK)
    axes.spines[["top", "right"]].set_visible(False)
    _style(axes, font.family)
    return _png(figure)

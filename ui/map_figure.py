"""The map page's figure: the map's numbers dressed in the session's language, built once per view."""
from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analysis.maps.build import MEASURE_KINDS, GridShapes, MapSpec, PointLayer, build_map, grid_shapes
from analysis.maps.classes import Classes, classify
from analysis.maps.focus import around, in_view
from analysis.sanitise import mask_phones_in_text
from ui import formats, loaders
from ui.filters import View, ViewKey
from ui.i18n import lang, named, t
from ui.theme import presenting

LAYER_KEYS = ("legend_title", "layer_grids", "layer_density", "layer_hotspots", "layer_points", "layer_names",
              "layer_communities", "no_data", "below", "within", "above", "hot_99", "hot_95", "hot_90", "play", "pause")


def measure_text(measure: str, values: pd.Series) -> pd.Series:
    """A measure's values as the tooltip and tables print them."""
    kind = MEASURE_KINDS[measure]
    if kind == "rate":
        return values.map(formats.percent)
    if kind == "norm":
        return named(values, t)
    if measure in ("reported", "backlog", "overdue"):
        return values.map(formats.count)
    return values.map(lambda v: formats.DASH if pd.isna(v) else f"{v:.1f}")


def _tooltips(table: pd.DataFrame, values: pd.Series, measure: str) -> list[str]:
    """Each grid's tooltip (plain text; the map escapes it): its name and code, ``measure``'s name and the grid's
    value as ``values`` print it, its households. ``table``: ``name``, ``grid_id``, ``households``, a row a grid."""
    template, measure_name = t("tooltip"), t(f"m_{measure}")   # looked up once, not for each of 5,000 grids
    return [template.format(name=n, code=c, measure=measure_name, value=v, households=formats.count(h))
            for n, c, v, h in zip(table["name"].tolist(), table["grid_id"].tolist(), values.tolist(),
                                  table["households"].tolist())]


def _popups(points: pd.DataFrame) -> pd.Series:
    """Each incident's popup as plain text lines (the map builder escapes them)."""
    phone_, incident, reported, status = (f"{t(k)}{t('colon')}" for k in ("col_phone", "col_incident", "col_reported_at",
                                                                           "f_status"))   # once, not per point

    def one(row: Any) -> str:
        kind = "·".join(x for x in (str(row.category), str(row.subcategory)) if x) or formats.DASH
        phone = f"\n{phone_}{row.reporter_phone}" if row.reporter_phone else ""
        return (f"{kind}\n{incident}{row.incident_id}\n{reported}{row.reported_at:%Y-%m-%d %H:%M}"
                f"\n{status}{str(row.status) or formats.DASH}{phone}")
    return pd.Series([one(r) for r in points.itertuples(index=False)], index=points.index, dtype=object)


@st.cache_resource(show_spinner=False, max_entries=6)
def _shapes(rev: str, version: int, basemap: str, level: str) -> GridShapes:
    """The shapes of a division's grids (``level`` ``grid``) or micro-grids (``micro``) on ``basemap``, shared by
    every map of them (a community change draws the same grids in other colours)."""
    ds = loaders.dataset(rev, version)
    return grid_shapes((ds.micro if level == "micro" else ds.grids).geometry.to_numpy(), basemap)


def _in_view(grids: gpd.GeoDataFrame, classes: Classes, rev: str, version: int, basemap: str, level: str
             ) -> tuple[gpd.GeoDataFrame, Classes, GridShapes]:
    """:func:`analysis.maps.focus.in_view`, with the division's shapes kept for every map that draws them all."""
    return in_view(grids, classes, basemap, lambda: _shapes(rev, version, basemap, level))


def note_around(units: gpd.GeoDataFrame, in_scope: pd.Series, level: str = "grid") -> None:
    """A caption under a map that draws only the chosen place and the units around it (``units``: every grid, or
    every micro-grid for ``level`` ``micro``; ``in_scope`` aligned with them)."""
    drawn = len(around(units.geometry.to_numpy(), in_scope.to_numpy(bool)))
    if drawn < len(units):
        st.caption(t(f"map_around_{level}", n=formats.count(drawn), total=formats.count(len(units))))


@st.cache_resource(show_spinner=False, max_entries=12)
def _figure(key: ViewKey, measure: str, basemap: str, language: str, present: bool, level: str) -> folium.Map:
    rev, version, query, start, end = key
    numbers = loaders.map_numbers(*key)
    ds = loaders.dataset(rev, version)
    table = numbers.table
    units = ds.grids[["grid_id", "name", "geometry"]]
    if level == "micro":                       # micro-grids coloured by their own figures
        table = loaders.micro(*key).rename(columns={"micro_id": "grid_id"})
        units = ds.micro[["micro_id", "name", "geometry"]].rename(columns={"micro_id": "grid_id"})
    grids = units.assign(in_scope=table["in_scope"].to_numpy(),
                         tooltip=_tooltips(table, measure_text(measure, table[measure]), measure))
    last = (end - pd.Timedelta(days=1)).date()
    text = {k: t(k) for k in LAYER_KEYS if k != "legend_title"}
    text["legend_title"] = f"{t(f'm_{measure}')}\n{start.date()} — {last}"
    frames = [(f"{t('frame_period')} {start:%m-%d}—{last:%m-%d}", numbers.density[0][1])]
    frames += [(t("frame_week", first=label), png) for label, png in numbers.density[1:]]
    points = None
    if numbers.points is not None and len(numbers.points):
        points = numbers.points[["lon", "lat"]].assign(popup=_popups(numbers.points))
    selected = dict(query).get("grid", "")
    grids, classes, shapes = _in_view(grids, classify(table[measure], MEASURE_KINDS[measure]), rev, version, basemap,
                                      level)
    spec = MapSpec(grids, classes, text, ds.communities, ds.street, frames, numbers.bounds, numbers.hotspots, points,
                   selected, basemap, label_px=17 if present else 13, show_names=len(grids) <= 200, shapes=shapes)
    return build_map(spec)


def figure(view: View, measure: str, basemap: str, level: str = "grid") -> folium.Map:
    """The folium map of ``view`` coloured by ``measure`` on ``basemap``, at ``level`` (``grid`` or ``micro``).

    The map is built once per view and language; each run gets a copy (see :func:`fresh_copy`).
    """
    return fresh_copy(_figure(view.key, measure, basemap, lang(), presenting(), level))


def fresh_copy(fmap: folium.Map) -> folium.Map:
    """A deep copy of a cached map for one run: ``st_folium`` changes the map it renders. A copy keeps the
    elements' ids, so the component sees the same map and keeps its zoom across reruns.

    The copies share the GeoJSON data of the map's layers, which folium only reads: copying 5,000 grids'
    coordinates took 0.45 CPU s a run.
    """
    def layers(element: Any) -> Iterator[Any]:
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from layers(child)

    shared = {id(layer.data): layer.data for layer in layers(fmap) if isinstance(layer, folium.GeoJson)}
    return copy.deepcopy(fmap, memo=shared)


def show(fmap: folium.Map, key: str, height: int, returned: list[str], extra: folium.FeatureGroup | None = None,
         on_change: Callable[..., object] | None = None, args: tuple[object, ...] = ()) -> dict[str, Any]:
    """Draw a folium map with ``st_folium`` at ``height`` pixels, returning only ``returned`` objects.

    ``extra`` is a feature group drawn on the map without reloading it (the map keeps its zoom).
    ``on_change(*args)`` is called when what the map returns changes, before the page is drawn
    again; the value is then in ``st.session_state[key]``.

    streamlit-folium 0.27.4 under Streamlit 1.67 reports a frame height of 0 from its render path
    (its own ``setFrameHeight(height)`` is never reached), which leaves the map's frame 0 px high.
    The frame's height is therefore set here with CSS on a keyed container around it.

    ``render=False``: st_folium renders the map itself before reading its script; rendering the whole page
    first as well (its default) only built an HTML page nobody reads, 0.2–1.2 s for a 5,000-grid map. What
    the component receives is the same either way (compared argument by argument on that map).
    """
    st.html(f"<style>.st-key-{key}_box iframe {{height: {height}px !important;}}</style>")
    with st.container(key=f"{key}_box"):
        value = st_folium(fmap, key=key, height=height, use_container_width=True, returned_objects=returned,
                          feature_group_to_add=extra, render=False,
                          on_change=functools.partial(on_change, *args) if on_change is not None else None)
    return dict(value or {})


POINTS_MAX = 15_000       # buildings drawn on the coverage map at most: 125,000 took Chromium 38 s to draw
VOLUNTEERS_MAX = 5_000    # active volunteers drawn at most: beyond it their dots hide the grids' colours


def drawn_points(numbers: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """The buildings and active volunteers (with a location) the coverage map draws, of :func:`ui.loaders.coverage`'s
    ``numbers``: those in the chosen community or grid (every one when no place is chosen). Beyond ``POINTS_MAX``
    buildings, the uncovered ones only, most households first; beyond ``VOLUNTEERS_MAX`` volunteers, none. True
    when something was left out."""
    grids, b, vols = numbers["grids"], numbers["buildings"], numbers["volunteers"]
    vols = vols[vols["active"].to_numpy(bool) & pd.to_numeric(vols["lon"], errors="coerce").notna().to_numpy()]
    if not grids["in_scope"].all():
        chosen = set(grids.loc[grids["in_scope"], "grid_id"])
        b, vols = b[b["grid_id"].isin(chosen)], vols[vols["grid_id"].isin(chosen)]
    limited = len(b) > POINTS_MAX or len(vols) > VOLUNTEERS_MAX
    if len(b) > POINTS_MAX:
        b = b[~b["covered"].to_numpy(bool)].sort_values("households", ascending=False, kind="stable").head(POINTS_MAX)
    return b, vols if len(vols) <= VOLUNTEERS_MAX else vols.iloc[:0], limited


@st.cache_resource(show_spinner=False, max_entries=8)
def _coverage_figure(key: ViewKey, radius_m: float, basemap: str, language: str, present: bool) -> folium.Map:
    rev, version, query, start, end = key
    numbers = loaders.coverage(*key, radius_m)
    ds = loaders.dataset(rev, version)
    table = numbers["grids"]
    grids = ds.grids[["grid_id", "name", "geometry"]].assign(
        in_scope=table["in_scope"].to_numpy(), tooltip=_tooltips(table, table["coverage"].map(formats.percent), "coverage"))
    b, vols, _ = drawn_points(numbers)
    tip = mask_phones_in_text(b["address"]) + "\n" + t("card_households") + t("colon") + b["households"].astype(str)
    sites = numbers["sites"]
    layers = [
        PointLayer(t("layer_covered"), b[b["covered"]].assign(colour="#41ab5d", tooltip=tip[b["covered"]]), 3, False),
        PointLayer(t("layer_uncovered"), b[~b["covered"]].assign(colour="#e31a1c", tooltip=tip[~b["covered"]]), 4),
        PointLayer(t("layer_volunteers"), vols.assign(colour="#2171b5", tooltip=vols["team"].astype(str)), 4),
        PointLayer(t("layer_sites"), sites.assign(colour="#fd8d3c", tooltip=[
            f"{address}\n+{gain:.0f} {t('card_households')}"
            for address, gain in zip(mask_phones_in_text(sites["address"]), sites["gain"])]), 9)]
    text = {k: t(k) for k in LAYER_KEYS if k != "legend_title"}
    text["legend_title"] = f"{t('m_coverage')}\n{t('radius')} {radius_m:.0f}"
    grids, classes, shapes = _in_view(grids, classify(table["coverage"], "rate"), rev, version, basemap, "grid")
    spec = MapSpec(grids, classes, text, ds.communities, ds.street, basemap=basemap, label_px=17 if present else 13,
                   show_names=len(grids) <= 200, point_layers=layers, shapes=shapes)
    return build_map(spec)


def coverage_figure(view: View, radius_m: float, basemap: str) -> folium.Map:
    """The coverage map of ``view`` at a walking radius of ``radius_m`` metres (a fresh copy, see :func:`figure`)."""
    return fresh_copy(_coverage_figure(view.key, radius_m, basemap, lang(), presenting()))


def streets_map(table: pd.DataFrame, outlines: dict[str, Any], figure: str, label: str, rate: bool) -> folium.Map:
    """The district's streets (``outlines``: GeoJSON with ``code`` and ``name``) coloured by column ``figure`` of
    ``table`` (one row per street ``code``), named, with ``label`` as the legend's title; no tiles needed."""
    units = gpd.GeoDataFrame.from_features(outlines["features"], crs=4326)
    values = table.set_index("code").reindex(units["code"])[figure].astype(float)
    shown = values.map(formats.percent) if rate else values.map(
        lambda v: formats.DASH if pd.isna(v) else f"{v:,.1f}".removesuffix(".0"))
    units = units.assign(grid_id=units["code"], in_scope=True, tooltip=[
        f"{name}（{code}）\n{label}{t('colon')}{value}" for name, code, value in zip(units["name"], units["code"], shown)])
    text = {k: t(k) for k in LAYER_KEYS if k != "legend_title"}
    text.update(legend_title=label, layer_grids=t("district_layer"), layer_names=t("district_layer_names"))
    spec = MapSpec(units[["grid_id", "name", "tooltip", "in_scope", "geometry"]],
                   classify(values.to_numpy(), "rate" if rate else "bad"), text, basemap="none",
                   label_px=17 if presenting() else 14)
    return build_map(spec)

"""The grid map: folium layers for grids coloured by a measure, outlines, density, hotspots, incidents.

Pure Python (no Streamlit): :func:`build_map` takes a :class:`MapSpec` whose labels are already
in the user's language and returns a ``folium.Map`` whose scripts all come from the dashboard
(:mod:`analysis.maps.assets`). Layers, bottom to top: grid fills (clickable; the click returns
the grid's properties), hotspot cells, density image, grid names, community outlines, street
outline, incidents. With the Amap basemap (GCJ-02 tiles) every layer is shifted to GCJ-02, so
that it lines up with the tiles; otherwise everything stays WGS-84.

**Every text is plain text, escaped here.** Names, tooltips, popups, legend titles and entries come
in as plain text (lines separated by ``\n``; a tooltip's or popup's first line is shown bold) and are
HTML-escaped where they are drawn: a grid named ``<img src=x onerror=alert(1)>`` shows as those
characters. The map runs in a frame of the dashboard's own origin, so a file's text must never run.
"""
from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Figure, MacroElement, Template  # type: ignore[attr-defined]
from folium.plugins import FastMarkerCluster
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from analysis.geo.crs import wgs84_to_gcj02
from analysis.geo.geometry import Geometries, GeometryArray, convert_geometries
from analysis.maps.assets import localise
from analysis.maps.classes import Classes
from analysis.maps.geojson_layer import IndexedStyles, TextParts, WrittenGeoJson, write_layers
from analysis.sanitise.map_text import MAP_JSON, WrittenJson, map_html_text, records_json, template_safe_json

BASEMAPS = ("none", "osm", "amap")
TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors", ""),
    "amap": ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "© 高德地图 AutoNavi", "1234"),
}
HOT_COLOURS = {99: "#54278f", 95: "#807dba", 90: "#bcbddc"}  # purples: apart from the grid colours
MEASURE_KINDS = {"reported": "bad", "per_100_households": "bad", "backlog": "bad", "overdue": "bad",
                 "closure_rate": "rate", "on_time_rate": "rate", "norm_position": "norm",
                 "volunteers_per_100_households": "good"}
SIMPLIFY_DEG = 0.00002   # ~2 m: invisible at street zoom, halves the vertices
# the grid tooltips' text: lines broken where the text has them, the first bold (no tags in 5,000 tooltips)
TIP_CLASS = "gl-tip"
TIP_STYLE = f"<style>.{TIP_CLASS} td {{white-space: pre;}} .{TIP_CLASS} td::first-line {{font-weight: 700;}}</style>"
VIEW_FRACTION = 1 / 4000  # a larger area is simplified by this share of its span: ~1/4 pixel of a map showing it all
DECIMALS = 6             # ~0.1 m
# folium's layers and ours write their data with Jinja's ``tojson`` filter, whose options are an environment's
# documented ``policies``: no Jinja tag in the text (see analysis.sanitise.map_text), no spaces, and Chinese as UTF-8
# (3 bytes a character) instead of \uXXXX escapes (6 bytes). The filter still escapes < > & ' itself. folium's
# templates share one environment, branca's (and so this module's) another.
for _environment in (folium.GeoJson._template.environment, Template("").environment):
    _environment.policies["json.dumps_function"] = template_safe_json
    _environment.policies["json.dumps_kwargs"] = MAP_JSON
MIN_LABEL_ZOOM, MAX_LABEL_ZOOM = 10, 19
LABEL_OVERHANG = 1.2      # a name may overhang its grid a little before it waits for a closer zoom
POINTS_SHOWN_MAX = 400   # more incidents than this start hidden (the layer control shows them)
# Beyond this many grids and points a map is drawn on a canvas: Chromium drew 5,000 grids as SVG paths on the
# same two cores as the server, and a community change took 2.44 s on the map page, 3.10 s on the volunteers
# page (15,000 buildings); on a canvas 1.61 s and 1.76 s. Below it SVG keeps each shape an element of its own.
CANVAS_FROM = 4_000


def lines_html(text: object, bold_first: bool = True) -> str:
    """Plain text as safe HTML: escaped, ``\n`` as line breaks, the first line bold."""
    lines = [map_html_text(line) for line in str(text).split("\n")]
    if bold_first and lines:
        lines[0] = f"<b>{lines[0]}</b>"
    return "<br>".join(lines)


@dataclass
class PointLayer:
    """Points drawn as small circles, one colour per row: ``lon``, ``lat``, ``colour``, ``tooltip`` (plain text)."""

    name: str
    points: pd.DataFrame
    radius: float = 4.0
    show: bool = True


@dataclass
class MapSpec:
    """Everything a map shows, labels already in the user's language.

    Attributes
    ----------
    grids : geopandas.GeoDataFrame
        ``grid_id``, ``name``, ``tooltip`` (plain text shown on hover), ``in_scope`` (bool), geometry.
    classes : Classes
        Fill colours (aligned with ``grids``) and legend.
    text : dict
        Labels: ``legend_title``, ``layer_grids``, ``layer_density``, ``layer_hotspots``,
        ``layer_points``, ``layer_names``, ``layer_communities``, ``no_data``, ``below``,
        ``within``, ``above``, ``hot_99``, ``hot_95``, ``hot_90``, ``play``, ``pause``.
    density : list of (label, PNG bytes)
        The density image of the period first, then one per week for the playback.
    density_bounds : [[south, west], [north, east]]
    hotspots : geopandas.GeoDataFrame or None
        ``confidence`` (90/95/99), geometry.
    points : pandas.DataFrame or None
        ``lon``, ``lat``, ``popup`` (plain text): individual incidents, clustered.
    selected : str
        A grid to outline and zoom to ('' for none).
    basemap : str
        ``none`` (no tiles: outlines only), ``osm`` (WGS-84 tiles) or ``amap`` (GCJ-02 tiles).
    label_px : int
        Font size of grid names and the legend, in pixels.
    point_layers : list of PointLayer
        More points to draw above the grids (e.g. covered and uncovered households).
    extra_layers : list of folium layers
        More layers drawn above everything else and listed in the layer control (e.g. outlines of
        changed grids); they must be added here, before the control is made, not to the map after.
    shapes : GridShapes or None
        The grids' shapes as drawn on ``basemap`` (:func:`grid_shapes` of ``grids.geometry``), when the
        caller keeps them for several maps of the same grids; worked out here when None.
    canvas : bool or None
        Leaflet draws the grids and points on one canvas instead of an SVG element each; None: when there
        are more than :data:`CANVAS_FROM` of them.
    """

    grids: gpd.GeoDataFrame
    classes: Classes
    text: dict[str, str]
    communities: gpd.GeoDataFrame | None = None
    street: BaseGeometry | None = None
    density: list[tuple[str, bytes]] = field(default_factory=list)
    density_bounds: list[list[float]] | None = None
    hotspots: gpd.GeoDataFrame | None = None
    points: pd.DataFrame | None = None
    selected: str = ""
    basemap: str = "none"
    label_px: int = 13
    show_names: bool = True
    point_layers: list[PointLayer] = field(default_factory=list)
    extra_layers: list[folium.map.Layer] = field(default_factory=list)
    shapes: GridShapes | None = None
    canvas: bool | None = None


class _Shift:
    """WGS-84 -> the basemap's system (GCJ-02 for Amap), for geometries and points."""

    def __init__(self, basemap: str) -> None:
        self.gcj = basemap == "amap"

    def geoms(self, geoms: Geometries) -> GeometryArray:
        geoms = np.asarray(geoms, dtype=object)
        return convert_geometries(geoms, "wgs84", "gcj02") if self.gcj else geoms

    def points(self, lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return wgs84_to_gcj02(lon, lat) if self.gcj else (lon, lat)

    def bounds(self, bounds: list[list[float]]) -> list[list[float]]:
        (s, w), (n, e) = bounds
        lon, lat = self.points([w, e], [s, n])
        return [[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]]


def _rounded(geoms: np.ndarray, decimals: int) -> np.ndarray:
    coords = shapely.get_coordinates(geoms)
    return shapely.set_coordinates(geoms.copy(), np.round(coords, decimals))


def decimals_for(tolerance: float) -> int:
    """Decimals of degrees that keep rounding below an eighth of a simplification ``tolerance`` (degrees):
    ceil(-log10(tolerance / 4)), between 5 (~1 m) and :data:`DECIMALS`."""
    return int(np.clip(np.ceil(-np.log10(tolerance / 4)), 5, DECIMALS))


def feature_collection(properties: pd.DataFrame, geoms: Geometries, numbered: bool = False,
                       decimals: int = DECIMALS) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with coordinates rounded to ``decimals`` decimals (6: ~0.1 m); ``numbered``:
    each feature's ``id`` is its place (0, 1, …), which folium then uses to style it instead of a property."""
    return _collection(properties, geojson_geometries(_rounded(np.asarray(geoms, dtype=object), decimals)), numbered)


def _collection(properties: pd.DataFrame, geometries: list[dict[str, Any]], numbered: bool) -> dict[str, Any]:
    records = properties.to_dict("records")
    features: list[dict[str, Any]] = [{"type": "Feature", "properties": p, "geometry": g} for p, g in zip(records, geometries)]
    if numbered:
        for i, feature in enumerate(features):
            feature["id"] = i
    return {"type": "FeatureCollection", "features": features}


def geojson_geometries(geoms: np.ndarray) -> list[dict[str, Any]]:
    """The GeoJSON geometry of each of ``geoms``, as ``json.loads(shapely.to_geojson(g))`` gives it.

    Polygons and multi-polygons (every grid) are built from one array of their coordinates, without writing
    and parsing text: for 5,000 grids that parse was 0.5 of the 0.75 CPU s of building a map. Anything else
    (a point, an empty or missing geometry) goes through GEOS's GeoJSON text.
    """
    types = shapely.get_type_id(geoms)
    polygon, multi = shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON
    if not len(geoms) or not np.isin(types, (polygon, multi)).all() or shapely.is_empty(geoms).any():
        return [json.loads(shapely.to_geojson(g)) for g in geoms]
    _, coords, offsets = shapely.to_ragged_array(geoms)
    points = coords.tolist()
    rings = [points[a:b] for a, b in itertools.pairwise(offsets[0].tolist())]
    polygons = [rings[a:b] for a, b in itertools.pairwise(offsets[1].tolist())]
    if len(offsets) == 2:                        # polygons only: one polygon each
        return [{"type": "Polygon", "coordinates": p} for p in polygons]
    return [{"type": "Polygon", "coordinates": polygons[a]} if kind == polygon else
            {"type": "MultiPolygon", "coordinates": polygons[a:b]}
            for kind, (a, b) in zip(types.tolist(), itertools.pairwise(offsets[2].tolist()))]


def png_url(data: bytes) -> str:
    """A PNG as a data URL (embedded in the map: no file to serve)."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


_LEGEND = Template("""
{% macro header(this, kwargs) %}
<style>
.gl-legend {background: rgba(255,255,255,0.94); padding: 8px 10px; border-radius: 4px; color: #111;
  font-size: {{ this.px }}px; line-height: 1.45; box-shadow: 0 1px 4px rgba(0,0,0,0.35);}
.gl-legend b {display: block; margin-bottom: 4px;}
.gl-legend i {display: inline-block; width: 1.1em; height: 1.1em; margin-right: 6px; vertical-align: -0.2em;
  border: 1px solid #555;}
.gl-name {color: #111; font-weight: 600; font-size: {{ this.px }}px; white-space: nowrap;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff;}
.gl-player {background: rgba(255,255,255,0.94); padding: 6px 10px; border-radius: 4px; color: #111;
  font-size: {{ this.px }}px; box-shadow: 0 1px 4px rgba(0,0,0,0.35);}
.gl-player button {font-size: {{ this.px }}px; min-width: 3.2em; cursor: pointer;}
.gl-player input {width: 14em; vertical-align: middle;}
@media (max-width: 760px) {  /* a narrow map (1280 px screens): the week's label under the slider, clear of the legend */
  .gl-player input {width: 9em;}
  .gl-player .gl-label {display: block; margin-top: 3px;}
}
.leaflet-container {background: #eef0ec;}
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function() {
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function() {
    var div = L.DomUtil.create("div", "gl-legend");
    div.innerHTML = {{ this.html|tojson }};
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
""")

_PLAYER = Template("""
{% macro script(this, kwargs) %}
(function() {
  var frames = {{ this.frames|tojson }};
  var overlay = {{ this.overlay.get_name() }};
  var map = {{ this._parent.get_name() }};
  var control = L.control({position: "bottomleft"});
  control.onAdd = function() {
    var div = L.DomUtil.create("div", "gl-player");
    div.innerHTML = '<button type="button" class="gl-play">' + {{ this.play|tojson }} + '</button> ' +
      '<input class="gl-week" type="range" min="0" max="' + (frames.length - 1) + '" value="0" step="1"> ' +
      '<span class="gl-label"></span>';
    L.DomEvent.disableClickPropagation(div);
    var button = div.querySelector(".gl-play"), slider = div.querySelector(".gl-week"),
        label = div.querySelector(".gl-label"), timer = null;
    function show(i) {
      slider.value = i; label.textContent = frames[i].label; overlay.setUrl(frames[i].url);
      if (!map.hasLayer(overlay)) { overlay.addTo(map); }
    }
    function stop() { clearInterval(timer); timer = null; button.textContent = {{ this.play|tojson }}; }
    slider.addEventListener("input", function() { stop(); show(+slider.value); });
    button.addEventListener("click", function() {
      if (timer) { stop(); return; }
      button.textContent = {{ this.pause|tojson }};
      var i = Math.max(1, +slider.value);
      show(i);
      timer = setInterval(function() {
        i = i + 1 >= frames.length ? 1 : i + 1;
        show(i);
      }, {{ this.interval_ms }});
    });
    label.textContent = frames[0].label;
    return div;
  };
  control.addTo(map);
})();
{% endmacro %}
""")


class Legend(MacroElement):
    """A legend box (bottom right) drawn by the map itself, in the user's language."""

    _template = _LEGEND

    def __init__(self, title: str, entries: list[tuple[str, str]], px: int) -> None:
        super().__init__()
        self._name = "GridLensLegend"
        self.px = px
        rows = "".join(f'<div><i style="background:{map_html_text(c)}"></i>{map_html_text(label)}</div>'
                       for c, label in entries)
        head, _, rest = title.partition("\n")
        self.html = f"<b>{map_html_text(head)}</b>" + (f"<small>{lines_html(rest, False)}</small>" if rest else "") + rows


class WeekPlayer(TextParts):
    """A play button and a slider that step the density image through the weeks (in the browser).

    Frame 0 is the whole period; playing cycles through frames 1..n (one per week).
    """

    _template = _PLAYER

    def __init__(self, overlay: folium.raster_layers.ImageOverlay, frames: list[dict[str, str]], play: str,
                 pause: str, interval_ms: int = 900) -> None:
        super().__init__()
        self._name = "GridLensWeekPlayer"
        self.overlay, self.frames, self.play, self.pause, self.interval_ms = overlay, frames, play, pause, interval_ms


def label_zooms(geoms: Geometries, names: Iterable[object], px: int) -> list[int]:
    """The lowest zoom at which each grid's name fits across the grid (so dense areas don't pile up).

    At zoom z a pixel is ``156543 * cos(lat) / 2**z`` metres; a name of n characters is about
    ``n * px`` pixels wide and may be at most ``LABEL_OVERHANG`` times the grid's east-west extent.
    """
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    lat = np.radians((bounds[:, 1] + bounds[:, 3]) / 2)
    width_m = (bounds[:, 2] - bounds[:, 0]) * 111_320.0 * np.cos(lat) * LABEL_OVERHANG
    label_px = np.array([len(str(n)) for n in names], dtype=float) * px
    with np.errstate(divide="ignore"):
        zoom = np.ceil(np.log2(156_543.0 * np.cos(lat) * label_px / np.maximum(width_m, 1e-6)))
    return [int(z) for z in np.clip(zoom, MIN_LABEL_ZOOM, MAX_LABEL_ZOOM)]


class NameLabels(TextParts):
    """Grid names drawn at points, one ``[lat, lon, zoom, name]`` row each, into the layer it is added to.

    One script for every name, where a folium ``Marker`` per name compiled a Jinja template each (at 100 names
    about 0.1 s of a map page's run). A name is written as the text of its label (``textContent``), never as
    markup; its class ``gl-z{zoom}`` lets :class:`ZoomClass` hide it below the zoom where it fits.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function() {
  var layer = {{ this._parent.get_name() }};
  {{ this.rows|tojson }}.forEach(function(row) {
    var label = document.createElement("div");
    label.className = "gl-name gl-z" + row[2];
    label.textContent = row[3];
    L.marker([row[0], row[1]], {interactive: false, keyboard: false,
      icon: L.divIcon({html: label, iconSize: [0, 0], iconAnchor: [0, 0], className: "gl-name-icon"})}).addTo(layer);
  });
})();
{% endmacro %}
""")

    def __init__(self, rows: list[list[Any]]) -> None:
        super().__init__()
        self._name = "GridLensNameLabels"
        self.rows = rows


class ZoomClass(MacroElement):
    """Marks the map's container with its zoom (``gl-zoom-15``) so CSS can hide names that do not fit yet."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }};
  function mark() {
    var box = map.getContainer();
    box.className = box.className.replace(/ ?gl-zoom-\\d+/g, "") + " gl-zoom-" + Math.floor(map.getZoom());
  }
  map.on("zoomend", mark);
  mark();
})();
{% endmacro %}
""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "GridLensZoomClass"
        zooms = range(MIN_LABEL_ZOOM, MAX_LABEL_ZOOM + 1)
        self.css = "\n".join(", ".join(f".gl-zoom-{z} .gl-z{k}" for k in zooms if k > z) + " {display: none;}"
                             for z in zooms if z < MAX_LABEL_ZOOM)


class FitOnceSized(MacroElement):
    """Fit the map to ``bounds`` once its frame has a size (Leaflet starts in a frame that may be 0 px high)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function() {
  var map = {{ this._parent.get_name() }}, done = false;
  function fit() {
    var size = map.getContainer().getBoundingClientRect();
    if (done || size.width < 50 || size.height < 50) { return; }
    done = true;
    map.invalidateSize();
    map.fitBounds({{ this.bounds|tojson }});
  }
  if (window.ResizeObserver) { new ResizeObserver(fit).observe(map.getContainer()); }
  setTimeout(fit, 300);
})();
{% endmacro %}
""")

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "GridLensFitOnceSized"
        self.bounds = bounds


class StartHidden(MacroElement):
    """Take a layer off the map once it is built (it stays in the layer control, unticked).

    For layers whose folium template adds them to the map unconditionally (``FastMarkerCluster``).
    """

    _template = Template("""
{% macro script(this, kwargs) %}
{{ this.layer.get_name() }}.remove();
{% endmacro %}
""")

    def __init__(self, layer: folium.map.Layer) -> None:
        super().__init__()
        self._name = "GridLensStartHidden"
        self.layer = layer


def view_tolerance(geoms: Geometries) -> float:
    """How far (degrees) the grids may be simplified when the map opens on all of them: :data:`SIMPLIFY_DEG` for a
    street, :data:`VIEW_FRACTION` of the larger side of their bounds for a larger area (a city of 5,000 grids,
    30 km across: ~8 m, a quarter of a pixel there).

    tolerance = max(SIMPLIFY_DEG, max(width, height) × VIEW_FRACTION)
    """
    geoms = np.asarray(geoms, dtype=object)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms) if len(geoms) else (0.0, 0.0, 0.0, 0.0)
    span = max(xmax - xmin, ymax - ymin) if np.isfinite(xmin) else 0.0
    return max(SIMPLIFY_DEG, float(span) * VIEW_FRACTION)


def simplified(geoms: np.ndarray, tolerance: float = SIMPLIFY_DEG) -> np.ndarray:
    """The grids simplified together as a coverage (``tolerance`` degrees: shared edges stay shared, no gap
    opens); as they are when GEOS cannot simplify them (an invalid polygon, grids that overlap)."""
    try:
        return np.asarray(shapely.coverage_simplify(geoms, tolerance), dtype=object)
    except shapely.errors.GEOSException:
        return geoms


@dataclass(frozen=True)
class GridShapes:
    """Grids as a map draws them: simplified together for the view that shows them all (``tolerance``
    degrees, :func:`view_tolerance`), moved to the basemap's system, rounded (:func:`decimals_for`), as GeoJSON
    geometries aligned with the grids. They depend on the grids and the basemap only, not on what the map
    shows of them: a page keeps them for every map of the same grids (for 5,000 grids they took 0.5 CPU s
    of each map's 1.1)."""

    tolerance: float
    geometries: list[dict[str, Any]]
    bounds: list[list[float | None]]     # [[south, west], [north, east]] of the shapes drawn
    texts: list[str]                      # each geometry as the map's JSON writes it (:data:`MAP_JSON`)


def grid_shapes(geoms: Geometries, basemap: str) -> GridShapes:
    """The :class:`GridShapes` of ``geoms`` (WGS-84) on ``basemap``."""
    geoms = np.asarray(geoms, dtype=object)
    tolerance = view_tolerance(geoms)
    drawn = _rounded(_Shift(basemap).geoms(simplified(geoms, tolerance)), decimals_for(tolerance))
    geometries = geojson_geometries(drawn)
    return GridShapes(tolerance, geometries, layer_bounds(drawn), [template_safe_json(g, **MAP_JSON) for g in geometries])


def layer_bounds(geoms: Geometries) -> list[list[float | None]]:
    """[[south, west], [north, east]] of ``geoms`` as folium gives a layer's bounds (None when there are none),
    from GEOS: folium walks every coordinate in Python (0.06 s for a city's 416 community outlines)."""
    box = shapely.total_bounds(np.asarray(geoms, dtype=object)) if len(geoms) else np.full(4, np.nan)
    xmin, ymin, xmax, ymax = (float(v) if np.isfinite(v) else None for v in box)
    return [[ymin, xmin], [ymax, xmax]]


def grid_collection(properties: pd.DataFrame, shapes: GridShapes) -> WrittenJson:
    """:func:`feature_collection` of ``shapes`` (numbered), with its JSON text put together from the shapes'
    texts: the coordinates, most of a map's 3 MB, are not written again for each map of the same grids."""
    data = _collection(properties, shapes.geometries, numbered=True)
    features = [f'{{"geometry":{shape},"id":{i},"properties":{props},"type":"Feature"}}'
                for i, (shape, props) in enumerate(zip(shapes.texts, records_json(properties)))]
    return WrittenJson(data, '{"features":[' + ",".join(features) + '],"type":"FeatureCollection"}')


def _grid_layer(spec: MapSpec, shapes: GridShapes) -> WrittenGeoJson:
    """The grids, coloured by class, with their tooltips. A feature carries only its grid id (which a click
    returns) and its tooltip, as escaped text whose lines the tooltip's style breaks (:data:`TIP_CLASS`); its
    style is looked up by its number."""
    grids = spec.grids
    props = pd.DataFrame({"grid_id": grids["grid_id"].to_numpy(),
                          "tooltip": [map_html_text(t) for t in grids["tooltip"]]})
    data = grid_collection(props, shapes)
    look, looks = pd.factorize(pd.MultiIndex.from_arrays([list(spec.classes.colours),
                                                          grids["in_scope"].to_numpy(dtype=bool)]))
    styles = [{"fillColor": fill, "fillOpacity": 0.72 if in_scope else 0.18, "color": "#4d4d4d", "weight": 1.2,
               "opacity": 0.9} for fill, in_scope in looks]
    return WrittenGeoJson(data, bounds=shapes.bounds, name=spec.text["layer_grids"],
                          style_function=IndexedStyles(styles, look),
                          highlight_function=IndexedStyles([{"weight": 3.5, "color": "#1f3f8f"}],
                                                           np.zeros(len(grids), dtype=np.int64)),
                          tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, class_name=TIP_CLASS,
                                                        style=f"font-size:{spec.label_px}px;"))


def _point_layer(layer: PointLayer, shift: _Shift) -> WrittenGeoJson:
    """One GeoJSON layer of circle markers (compact: a few dozen bytes a point)."""
    lon, lat = shift.points(layer.points["lon"], layer.points["lat"])
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"c": c, "t": lines_html(tip)},
         "geometry": {"type": "Point", "coordinates": [round(float(x), DECIMALS), round(float(y), DECIMALS)]}}
        for x, y, c, tip in zip(lon, lat, layer.points["colour"], layer.points["tooltip"])]}
    return WrittenGeoJson(data, name=layer.name, show=layer.show,
                          marker=folium.CircleMarker(radius=layer.radius, fill=True, weight=1),
                          style_function=lambda f: {"fillColor": f["properties"]["c"], "color": "#222222",
                                                    "fillOpacity": 0.9, "weight": 0.8},
                          tooltip=folium.GeoJsonTooltip(fields=["t"], labels=False))


def _outline(properties: pd.DataFrame, geoms: Geometries, name: str, weight: float, dash: str | None = None,
             decimals: int = DECIMALS) -> WrittenGeoJson:
    """An outline layer of ``geoms`` (drawn as given; a row of ``properties`` each), without fill, tooltip or
    layer-control entry."""
    data = feature_collection(properties, geoms, decimals=decimals)
    return WrittenGeoJson(data, bounds=layer_bounds(geoms), name=name, interactive=False, control=False,
                          style_function=lambda _: {"fill": False, "color": "#1a1a1a", "weight": weight,
                                                    "opacity": 1.0, "dashArray": dash})


def build_map(spec: MapSpec) -> folium.Map:
    """A folium map of ``spec`` whose scripts are served by the dashboard (see the module docstring)."""
    if spec.basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {BASEMAPS}")
    shift = _Shift(spec.basemap)
    grids = spec.grids
    xmin, ymin, xmax, ymax = shapely.total_bounds(shift.geoms(grids.geometry.to_numpy()))
    shapes_drawn = len(grids) + sum(len(layer.points) for layer in spec.point_layers)
    canvas = spec.canvas if spec.canvas is not None else shapes_drawn > CANVAS_FROM
    fmap = folium.Map(location=[(ymin + ymax) / 2, (xmin + xmax) / 2], tiles=None, zoom_start=15,
                      control_scale=True, prefer_canvas=canvas, zoom_snap=0.25, maxZoom=19, minZoom=10)
    localise(fmap)
    if spec.basemap != "none":
        url, attribution, subdomains = TILES[spec.basemap]
        folium.TileLayer(url, attr=attribution, subdomains=subdomains or "abc", max_zoom=19,
                         name=spec.basemap, control=False).add_to(fmap)
    shapes = spec.shapes or grid_shapes(grids.geometry.to_numpy(), spec.basemap)
    if len(shapes.geometries) != len(grids):
        raise ValueError("the shapes given are not the grids'")
    tolerance = shapes.tolerance
    root = fmap.get_root()
    assert isinstance(root, Figure), "a folium map is its figure's child"
    root.header.add_child(folium.Element(TIP_STYLE), name="gl_tip_style")
    _grid_layer(spec, shapes).add_to(fmap)

    if spec.hotspots is not None and len(spec.hotspots):
        hot = spec.hotspots
        cells = shift.geoms(hot.geometry.to_numpy())
        data = feature_collection(pd.DataFrame({"confidence": hot["confidence"].to_numpy()}), cells)
        WrittenGeoJson(data, bounds=layer_bounds(cells), name=spec.text["layer_hotspots"], interactive=False,
                       style_function=lambda f: {"fillColor": HOT_COLOURS[f["properties"]["confidence"]],
                                                 "fillOpacity": 0.25, "color": HOT_COLOURS[f["properties"]["confidence"]],
                                                 "weight": 2.5}
                       ).add_to(fmap)

    if spec.density and spec.density_bounds is not None:
        bounds = shift.bounds(spec.density_bounds)
        overlay = folium.raster_layers.ImageOverlay(png_url(spec.density[0][1]), bounds=bounds,
                                                    name=spec.text["layer_density"], interactive=False,
                                                    pixelated=False, zindex=2, show=False)
        overlay.add_to(fmap)
        if len(spec.density) > 2:
            frames = [{"label": label, "url": png_url(png)} for label, png in spec.density]
            fmap.add_child(WeekPlayer(overlay, frames, spec.text["play"], spec.text["pause"]))

    if spec.show_names:
        names = folium.FeatureGroup(name=spec.text["layer_names"], control=True)
        geoms = shift.geoms(grids.geometry.to_numpy())
        at = shapely.point_on_surface(geoms)
        names.add_child(NameLabels([[round(point.y, DECIMALS), round(point.x, DECIMALS), zoom, str(name)]
                                    for name, point, zoom in zip(grids["name"], at,
                                                                 label_zooms(geoms, grids["name"], spec.label_px))]))
        names.add_to(fmap)
        fmap.add_child(ZoomClass())

    if spec.communities is not None and len(spec.communities):
        comm = spec.communities
        _outline(pd.DataFrame({"community": comm["community"].to_numpy()}),
                 shift.geoms(simplified(comm.geometry.to_numpy(), tolerance)), spec.text["layer_communities"], 3.2,
                 decimals=decimals_for(tolerance)).add_to(fmap)
    if spec.street is not None:
        _outline(pd.DataFrame({"name": ["street"]}), shift.geoms([spec.street]), "street", 4.0, "8 6").add_to(fmap)

    if spec.selected:
        chosen = grids[grids["grid_id"] == spec.selected]
        if len(chosen):
            data = feature_collection(pd.DataFrame({"grid_id": [spec.selected]}),
                                      shift.geoms(chosen.geometry.to_numpy()))
            WrittenGeoJson(data, interactive=False, control=False,
                           style_function=lambda _: {"fill": False, "color": "#0b3d91", "weight": 5}).add_to(fmap)
            xmin, ymin, xmax, ymax = shapely.total_bounds(shift.geoms(chosen.geometry.to_numpy()))

    for points in spec.point_layers:
        if len(points.points):      # an empty layer has nothing to show (and folium refuses its tooltip)
            _point_layer(points, shift).add_to(fmap)
    for layer in spec.extra_layers:
        layer.add_to(fmap)

    if spec.points is not None and len(spec.points):
        lon, lat = shift.points(spec.points["lon"], spec.points["lat"])
        rows = [[round(float(y), DECIMALS), round(float(x), DECIMALS), p]
                for x, y, p in zip(lon, lat, (lines_html(p) for p in spec.points["popup"]))]
        cluster = FastMarkerCluster(rows, name=spec.text["layer_points"], callback=(
            "function (row) { var m = L.circleMarker(new L.LatLng(row[0], row[1]), {radius: 6, color: '#222',"
            " weight: 1, fillColor: '#ffd700', fillOpacity: 0.95}); m.bindPopup(row[2]); return m; }"),
            options={"maxClusterRadius": 45, "disableClusteringAtZoom": 18},
        )
        localise(cluster)
        cluster.add_to(fmap)
        if len(rows) > POINTS_SHOWN_MAX:
            fmap.add_child(StartHidden(cluster))

    entries = [(colour, spec.text.get(label, label)) for colour, label in spec.classes.legend]
    if spec.hotspots is not None and len(spec.hotspots):
        entries += [(HOT_COLOURS[level], spec.text[f"hot_{level}"]) for level in (99, 95, 90)]
    fmap.add_child(Legend(spec.text["legend_title"], entries, spec.label_px))
    folium.map.LayerControl(collapsed=False, position="topright").add_to(fmap)
    fmap.fit_bounds([[ymin, xmin], [ymax, xmax]])
    fmap.add_child(FitOnceSized([[ymin, xmin], [ymax, xmax]]))
    write_layers(fmap)
    return fmap


def map_html(fmap: folium.Map) -> str:
    """The map as one HTML page (what the browser receives, give or take the frame)."""
    return fmap.get_root().render()

"""The workbench's map: the division coloured by the household norm, its grids editable in place.

On top of :func:`analysis.maps.build.build_map` (fills, names, community and street outlines,
buildings as points) it adds:

* outlines of the grids changed against the starting division (thick magenta) and of the
  locked grids (black, dotted);
* the draw toolbar (Leaflet.draw, served locally): polygon and rectangle (an area to give, a
  new grid, or a lasso round buildings) and line (a cut for a split);
* every grid as an editable outline in the toolbar's edit layer, carrying its ``grid_id``:
  after "edit layers" and "save", streamlit-folium returns every feature of that layer, so the
  edited outlines come back with their ids (:func:`read_drawings`). A grid in several pieces is
  left out: Leaflet.draw 1.0.4 fails on multi-polygons (and then edits nothing); such a grid is
  reshaped by giving areas or moving buildings.

Coordinates are rounded to 6 decimals (~0.1 m) both here and by Leaflet's ``toGeoJSON``, so an
outline that was not touched comes back equal to the one sent.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from branca.element import MacroElement, Template  # type: ignore[attr-defined]
from folium.plugins import Draw
from shapely.geometry.base import BaseGeometry

from analysis.maps.assets import localise
from analysis.maps.build import MapSpec, build_map, feature_collection
from analysis.maps.geojson_layer import WrittenGeoJson

CHANGED_COLOUR = "#c51b8a"
SAME_TOLERANCE_DEG = 2e-6   # ~0.2 m: a vertex moved less than this is rounding, not an edit


class EditableGrids(MacroElement):
    """Adds each grid of a FeatureCollection to a feature group as its own editable polygon."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.data|tojson }}).eachLayer(function (layer) {
            layer.setStyle({fill: false, color: "#1a1a1a", weight: 1, opacity: 0.6, interactive: false});
            {{ this.group.get_name() }}.addLayer(layer);
        });
        {% endmacro %}
    """)

    def __init__(self, group: folium.FeatureGroup, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "EditableGrids"
        self.group, self.data = group, data   # |tojson escapes < > & ' so that no text closes the script


class DrawText(MacroElement):
    """Replaces Leaflet.draw's English texts (``L.drawLocal``) with ``text``, a nested dict of the
    same shape holding the strings to change; added before the toolbar, which reads them when made."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function merge(target, source) {
            for (var key in source) {
                if (typeof source[key] === "object") { merge(target[key], source[key]); }
                else { target[key] = source[key]; }
            }
        })(L.drawLocal, {{ this.text|tojson }});
        {% endmacro %}
    """)

    def __init__(self, text: dict[str, Any]) -> None:
        super().__init__()
        self._name = "DrawText"
        self.text = text


def _outlines(grids: gpd.GeoDataFrame, ids: set[str], name: str, colour: str, weight: float, dash: str | None) -> WrittenGeoJson:
    chosen = grids[grids["grid_id"].isin(ids)]
    data = feature_collection(pd.DataFrame({"grid_id": chosen["grid_id"].to_numpy()}), chosen.geometry.to_numpy())
    return WrittenGeoJson(data, name=name, interactive=False,
                          style_function=lambda _: {"fill": False, "color": colour, "weight": weight,
                                                    "dashArray": dash, "opacity": 1.0})


def build_workbench_map(spec: MapSpec, changed: set[str], locked: set[str], text: dict[str, str],
                        editable: bool = True, draw_text: dict[str, Any] | None = None) -> folium.Map:
    """The map of ``spec`` with changed and locked grids outlined and, if ``editable``, the draw tools.

    ``text`` holds the layer names ``layer_changed`` and ``layer_locked``; ``draw_text`` the draw
    toolbar's texts in the user's language (see :class:`DrawText`).
    """
    outlines = []
    if changed:
        outlines.append(_outlines(spec.grids, changed, text["layer_changed"], CHANGED_COLOUR, 5, None))
    if locked:
        outlines.append(_outlines(spec.grids, locked, text["layer_locked"], "#000000", 3.5, "3 6"))
    # SVG whatever the size: the draw tools edit a grid's outline as an element of its own
    fmap = build_map(replace(spec, extra_layers=[*spec.extra_layers, *outlines], canvas=False))
    if editable:
        group = folium.FeatureGroup(name="edit", control=False)
        group.add_to(fmap)
        grids = spec.grids[spec.grids.geometry.geom_type == "Polygon"]   # Leaflet.draw cannot edit multi-polygons
        fmap.add_child(EditableGrids(group, feature_collection(
            pd.DataFrame({"grid_id": grids["grid_id"].to_numpy()}), grids.geometry.to_numpy())))
        draw = Draw(feature_group=group, show_geometry_on_click=False, position="topleft",
                    draw_options={"polyline": {"shapeOptions": {"color": "#d7301f", "weight": 4}},
                                  "polygon": {"allowIntersection": False, "showArea": False,
                                              "shapeOptions": {"color": "#2171b5"}},
                                  "rectangle": {"showArea": False, "shapeOptions": {"color": "#2171b5"}},
                                  "circle": False, "marker": False, "circlemarker": False},
                    edit_options={"remove": False})
        localise(draw)
        if draw_text:
            fmap.add_child(DrawText(draw_text))
        draw.add_to(fmap)
    return fmap


@dataclass
class Drawings:
    """What came back from the map: edited grid outlines and the newest shape drawn."""

    edited: dict[str, BaseGeometry]
    drawn: BaseGeometry | None = None


def read_drawings(features: list[dict[str, Any]] | None, grids: gpd.GeoDataFrame) -> Drawings:
    """Split streamlit-folium's ``all_drawings`` into edited grids and the newest new shape.

    A feature with a ``grid_id`` is an edited grid when its outline differs from the grid's
    (beyond :data:`SAME_TOLERANCE_DEG`); a feature without one is a newly drawn shape.
    """
    current = dict(zip(grids["grid_id"], grids.geometry))
    edited: dict[str, BaseGeometry] = {}
    drawn: BaseGeometry | None = None
    for feature in features or []:
        geom = shapely.geometry.shape(feature["geometry"]) if feature.get("geometry") else None
        if geom is None or geom.is_empty:
            continue
        grid_id = (feature.get("properties") or {}).get("grid_id")
        if grid_id is not None and str(grid_id) in current:
            grid_id = str(grid_id)
            old = shapely.normalize(current[grid_id])
            if not shapely.equals_exact(shapely.normalize(geom), old, SAME_TOLERANCE_DEG):
                edited[grid_id] = geom
        elif grid_id is None:
            drawn = geom
    return Drawings(edited, drawn)


def nearest_point(lon: np.ndarray, lat: np.ndarray, at_lon: float, at_lat: float, within_deg: float) -> int:
    """Index of the point nearest to (at_lon, at_lat) if within ``within_deg`` degrees, else -1."""
    if len(lon) == 0:
        return -1
    d2 = (np.asarray(lon) - at_lon) ** 2 + (np.asarray(lat) - at_lat) ** 2
    best = int(np.argmin(d2))
    return best if d2[best] <= within_deg ** 2 else -1

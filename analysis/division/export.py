"""A division as a file: GeoJSON, GeoPackage, Shapefile (.zip) or KML, readable by our own importer.

Every file holds the community rows and the grid rows of :meth:`Division.layer` (``grid_id``,
``name``, ``level``, ``parent_id``, ``community``) with WGS-84 polygons, plus ``households``
and ``population`` of each grid when given, and the micro-grids when given (each under the grid
holding its inner point, :func:`analysis.division.micro.with_micro_grids`). Grid codes extend their
community's code (:func:`analysis.division.edits.next_code`). Shapefile field names are cut to 10 characters by the
format; ours are at most 10 already, and the .zip carries a UTF-8 ``.cpg``.
"""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analysis.division.edits import Division
from analysis.division.micro import with_micro_grids

FORMATS = {"geojson": ".geojson", "gpkg": ".gpkg", "shp": ".zip", "kml": ".kml"}
DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shp": "ESRI Shapefile", "kml": "KML"}


def export_layer(division: Division, figures: pd.DataFrame | None = None,
                 micro: gpd.GeoDataFrame | None = None, changed: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """The layer that is written: community and grid rows, with households/population per grid, the
    micro-grid rows of ``micro`` (a boundary layer) under the grids that now hold them, and, with ``changed``
    (:func:`analysis.division.continuity.changes`), each grid's ``change`` (same, kept, split, merged, new)
    and its reason (``reason_zh``, ``reason_en``)."""
    layer = division.layer() if micro is None else with_micro_grids(division.layer(), micro)
    if figures is not None:
        by_grid = figures.set_index("grid_id")
        for column in ("households", "population"):
            layer[column] = layer["grid_id"].map(by_grid[column]).where(layer["level"] == "grid")
    if changed is not None:
        by_grid = changed.set_index("grid_id")
        for column, source in (("change", "status"), ("reason_zh", "reason_zh"), ("reason_en", "reason_en")):
            layer[column] = layer["grid_id"].map(by_grid[source]).where(layer["level"] == "grid").fillna("")
    return layer


def export_bytes(division: Division, fmt: str, name: str = "grids", figures: pd.DataFrame | None = None,
                 micro: gpd.GeoDataFrame | None = None, changed: pd.DataFrame | None = None) -> bytes:
    """The division written in ``fmt`` (a key of :data:`FORMATS`) as file contents.

    Raises
    ------
    ValueError
        Unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {sorted(FORMATS)}")
    layer = export_layer(division, figures, micro, changed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        suffix = ".shp" if fmt == "shp" else FORMATS[fmt]
        path = folder / f"{name}{suffix}"
        layer.to_file(path, driver=DRIVERS[fmt], engine="pyogrio",
                      **({"encoding": "utf-8"} if fmt == "shp" else {}))
        if fmt != "shp":
            return path.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(folder.iterdir()):
                archive.write(part, part.name)
        return buffer.getvalue()

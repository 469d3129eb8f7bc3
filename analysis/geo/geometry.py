"""Small geometry helpers shared by the readers, checks and geocoder (WGS-84 in, metres out)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from analysis.geo.crs import from_wgs84, metric_transformer, to_wgs84

GeometryArray: TypeAlias = npt.NDArray[np.object_]
"""A numpy array of shapely geometries (None allowed)."""
Geometries: TypeAlias = GeometryArray | Sequence[BaseGeometry | None] | Any
"""Geometries as callers hold them: an array, a list, or a GeoSeries (untyped, hence Any)."""


def to_metric(geoms: Geometries, transformer: pyproj.Transformer | None = None
              ) -> tuple[GeometryArray, pyproj.Transformer]:
    """Project WGS-84 geometries to the local UTM zone (metres).

    Returns the projected array and the transformer used (pass it again to stay in one zone).
    """
    geoms = np.asarray(geoms, dtype=object)
    if transformer is None:
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
        transformer = metric_transformer((xmin + xmax) / 2, (ymin + ymax) / 2)
    projected = shapely.transform(geoms, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1])))
    return projected, transformer


def convert_geometries(geoms: Geometries, source: str, target: str = "wgs84") -> GeometryArray:
    """Convert geometries between coordinate systems (e.g. a GCJ-02 tracing -> WGS-84)."""
    geoms = np.asarray(geoms, dtype=object)
    if source == target:
        return geoms
    def move(c: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84(c[:, 0], c[:, 1], source)
        if target != "wgs84":
            lon, lat = from_wgs84(lon, lat, target)
        return np.column_stack([lon, lat])
    return shapely.transform(geoms, move)


def polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """The polygonal part of a geometry (make_valid can return collections); None if none."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if not merged.is_empty else None


def point_text(geom: BaseGeometry) -> str:
    """'lon,lat' of a representative point, 5 decimals (about 1 m)."""
    p = geom.representative_point()
    return f"{p.x:.5f},{p.y:.5f}"


def areas_m2(geoms: Geometries) -> npt.NDArray[np.float64]:
    """Area of each WGS-84 polygon in square metres (local UTM)."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.zeros(0)
    return shapely.area(to_metric(geoms)[0])

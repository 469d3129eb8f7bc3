"""Whether a set of polygons tiles its ground: overlaps, gaps and points left uncovered.

Areas are computed in the local UTM zone (square metres), never in degrees.

========  ===================================================================================
gaps      parts of the street boundary (or holes in the union of the polygons) that no
          polygon covers
overlaps  pairs of polygons whose intersection has area
========  ===================================================================================
"""
from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from analysis.geo.geometry import Geometries, to_metric

NOISE_M2 = 0.01   # square metres: a sliver this thin is floating-point noise of the polygon operations


def overlap_pairs(geoms: Geometries, min_area_m2: float = NOISE_M2) -> list[tuple[int, int, float, BaseGeometry]]:
    """Every pair ``(i, j, area_m2, intersection)`` with ``i < j`` sharing at least ``min_area_m2``."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) < 2:
        return []
    metric, _ = to_metric(geoms)
    left, right = shapely.STRtree(metric).query(metric, predicate="intersects")
    pairs = left < right
    out = []
    for a, b in zip(left[pairs], right[pairs]):
        area = shapely.intersection(metric[a], metric[b]).area
        if area >= min_area_m2:
            out.append((int(a), int(b), float(area), shapely.intersection(geoms[a], geoms[b])))
    return out


def gap_parts(geoms: Geometries, street: BaseGeometry | None = None, min_area_m2: float = NOISE_M2
              ) -> list[tuple[BaseGeometry, float]]:
    """Uncovered parts ``(polygon, area_m2)`` of at least ``min_area_m2``: of ``street`` when given,
    else holes in the union."""
    geoms = np.asarray(geoms, dtype=object)
    union = shapely.union_all(geoms) if len(geoms) else shapely.Polygon()
    if street is not None:
        missing = shapely.difference(street, union)
    else:
        holes = [shapely.Polygon(ring) for part in shapely.get_parts(union)
                 for ring in getattr(part, "interiors", [])]
        missing = shapely.union_all(holes) if holes else shapely.Polygon()
    parts = [p for p in shapely.get_parts(missing) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return []
    metric, _ = to_metric(np.asarray(parts, dtype=object))
    return [(part, float(projected.area)) for part, projected in zip(parts, metric) if projected.area >= min_area_m2]


def uncovered_points(geoms: Geometries, lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """True for each point (WGS-84) that lies in no polygon (boundary counts as inside)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.ones(len(lon), dtype=bool)
    points = shapely.points(lon, lat)
    hit, _ = shapely.STRtree(geoms).query(points, predicate="intersects")
    covered = np.zeros(len(lon), dtype=bool)
    covered[hit] = True
    return ~covered

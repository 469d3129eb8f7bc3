"""Whether a set of polygons tiles its ground: overlaps, gaps and points left uncovered.

Areas are computed in the local UTM zone (square metres), never in degrees.

========  ===================================================================================
gaps      parts of the street boundary (or holes in the union of the polygons) that no
          polygon covers
overlaps  pairs of polygons whose intersection has area
========  ===================================================================================
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from analysis.geo.geometry import Geometries, polygonal, to_metric

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
        area = safe_intersection(metric[a], metric[b]).area
        if area >= min_area_m2:
            out.append((int(a), int(b), float(area), safe_intersection(geoms[a], geoms[b])))
    return out


def snapping_grid(*geoms: BaseGeometry) -> float:
    """A precision grid nine significant digits below the largest coordinate: 1e-7 for degrees (about 1 cm),
    1e-3 for UTM metres (1 mm). Finer grids are below what doubles hold at those magnitudes."""
    largest = max(float(np.abs(shapely.bounds(g)).max()) for g in geoms if g is not None and not g.is_empty)
    return float(10.0 ** (np.floor(np.log10(max(largest, 1.0))) - 9))


def _robust(operation: Callable[..., BaseGeometry], a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """``operation(a, b)``; when GEOS fails on nearly coincident edges (``TopologyException: side location
    conflict``), again with both snapped to :func:`snapping_grid`, then on their valid polygonal forms."""
    try:
        return operation(a, b)
    except shapely.errors.GEOSException:
        grid = snapping_grid(a, b)
        try:
            return operation(a, b, grid_size=grid)
        except shapely.errors.GEOSException:
            return operation(_valid(a), _valid(b), grid_size=grid)


def _valid(geom: BaseGeometry) -> BaseGeometry:
    """The valid form of a polygon (its polygonal part: repair can leave lines beside it)."""
    return polygonal(shapely.make_valid(geom)) or shapely.Polygon()


def safe_intersection(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """``a ∩ b``, robust to nearly coincident edges (:func:`_robust`)."""
    return _robust(shapely.intersection, a, b)


def safe_difference(a: BaseGeometry, b: BaseGeometry) -> BaseGeometry:
    """``a − b``, robust to nearly coincident edges (:func:`_robust`)."""
    return _robust(shapely.difference, a, b)


def gap_parts(geoms: Geometries, street: BaseGeometry | None = None, min_area_m2: float = NOISE_M2
              ) -> list[tuple[BaseGeometry, float]]:
    """Uncovered parts ``(polygon, area_m2)`` of at least ``min_area_m2``: of ``street`` when given,
    else holes in the union."""
    geoms = np.asarray(geoms, dtype=object)
    union = _union(geoms) if len(geoms) else shapely.Polygon()
    if street is not None:
        missing = safe_difference(street, union)
    else:
        holes = [shapely.Polygon(ring) for part in shapely.get_parts(union)
                 for ring in getattr(part, "interiors", [])]
        missing = shapely.union_all(holes) if holes else shapely.Polygon()
    parts = [p for p in shapely.get_parts(missing) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return []
    metric, _ = to_metric(np.asarray(parts, dtype=object))
    return [(part, float(projected.area)) for part, projected in zip(parts, metric) if projected.area >= min_area_m2]


def _union(geoms: np.ndarray) -> BaseGeometry:
    try:
        return shapely.union_all(geoms)
    except shapely.errors.GEOSException:
        return shapely.union_all(shapely.make_valid(shapely.set_precision(geoms, 1e-9)))


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

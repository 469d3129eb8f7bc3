"""How good a division is as a drawing: balance, compactness, contiguity, gaps and overlaps.

All areas and lengths are in the local UTM zone (metres), never in degrees.

==========================  ===============================================================
balance (of values x)       coefficient of variation ``std(x) / mean(x)`` (population std,
                            ddof = 0) and ``max(x) / min(x)`` (inf when min is 0)
Polsby-Popper compactness   ``4π · area / perimeter²``: 1 for a circle, π/4 ≈ 0.785 for a
                            square, → 0 for a long thin strip
contiguity                  a grid is contiguous when it is one polygon (one part)
gaps                        parts of the street boundary (or holes in the union of the grids)
                            that no grid covers
overlaps                    pairs of grids whose intersection has area
==========================  ===============================================================
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from analysis.geometry import to_metric

NOISE_M2 = 0.01   # square metres: a sliver this thin is floating-point noise of the polygon operations


@dataclass(frozen=True)
class Balance:
    """Spread of one quantity over the grids."""

    cv: float
    max_over_min: float


def balance(values) -> Balance:
    """Coefficient of variation (ddof = 0) and max/min of ``values``; NaN for no values.

    >>> balance([300, 500])
    Balance(cv=0.25, max_over_min=1.6666666666666667)
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0 or x.mean() == 0:
        return Balance(float("nan"), float("nan"))
    low = x.min()
    return Balance(float(x.std() / x.mean()), float(x.max() / low) if low > 0 else float("inf"))


def polsby_popper(area, perimeter) -> np.ndarray:
    """``4π · area / perimeter²`` (any consistent units); NaN where the perimeter is 0."""
    area, perimeter = np.asarray(area, dtype=float), np.asarray(perimeter, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(perimeter > 0, 4 * np.pi * area / perimeter ** 2, np.nan)


def compactness(geoms) -> np.ndarray:
    """Polsby-Popper compactness of each WGS-84 polygon, computed in metres."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.zeros(0)
    metric, _ = to_metric(geoms)
    return polsby_popper(shapely.area(metric), shapely.length(metric))


def part_counts(geoms) -> np.ndarray:
    """Number of separate polygons in each geometry (0 for an empty one); 1 means contiguous."""
    geoms = np.asarray(geoms, dtype=object)
    return np.array([0 if g is None or g.is_empty else shapely.get_num_geometries(g) for g in geoms], dtype=int)


def overlap_pairs(geoms, min_area_m2: float = NOISE_M2) -> list[tuple[int, int, float, object]]:
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


def gap_parts(geoms, street=None, min_area_m2: float = NOISE_M2) -> list[tuple[object, float]]:
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


def uncovered_points(geoms, lon, lat) -> np.ndarray:
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

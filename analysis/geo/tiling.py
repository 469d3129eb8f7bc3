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
from dataclasses import dataclass, replace

import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from analysis.geo.crs import metric_transformer
from analysis.geo.geometry import Geometries, polygonal, to_metric

NOISE_M2 = 0.01   # square metres: a sliver this thin is floating-point noise of the polygon operations


def overlap_pairs(geoms: Geometries, min_area_m2: float = NOISE_M2) -> list[tuple[int, int, float, BaseGeometry]]:
    """Every pair ``(i, j, area_m2, intersection)`` with ``i < j`` sharing at least ``min_area_m2``.

    The intersection is made in degrees, where the polygons were drawn, and measured in metres (as
    :meth:`Tiling.after` does): projected first, two grids sharing an edge can come out of the projection
    invalid, and GEOS then reported thousands of square metres of overlap between grids that share none.
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) < 2:
        return []
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    shared = np.array([safe_intersection(geoms[a], geoms[b]) for a, b in zip(left[pairs], right[pairs])], dtype=object)
    if not len(shared):
        return []
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    areas = shapely.area(to_metric(shared, metric_transformer((xmin + xmax) / 2, (ymin + ymax) / 2))[0])
    return [(int(a), int(b), float(area), part) for a, b, area, part in zip(left[pairs], right[pairs], areas, shared)
            if area >= min_area_m2]


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


M_PER_DEG_LAT = 110_574.0       # the shortest degree of latitude (at the equator), in metres
LARGE_CHANGE_SHARE = 0.25       # above this share of changed polygons, an update costs more than starting again


@dataclass
class Change:
    """What differs between two sets of polygons keyed by id.

    Attributes
    ----------
    ids : list of str
        Ids added, removed or redrawn (outline not byte-for-byte the same).
    shapes : numpy.ndarray
        Their old and new outlines (WGS-84).
    large : bool
        More than ``LARGE_CHANGE_SHARE`` of the new polygons changed.
    """

    ids: list[str]
    shapes: np.ndarray
    large: bool

    def boxes(self, grow_m: float = 0.0) -> np.ndarray:
        """Bounding boxes ``(n, 4)`` of :attr:`shapes` (xmin, ymin, xmax, ymax, degrees), grown by at least
        ``grow_m`` metres on every side."""
        if not len(self.shapes):
            return np.zeros((0, 4))
        bounds: np.ndarray = shapely.bounds(self.shapes)
        lat = min(float(np.nanmax(np.abs(bounds[:, [1, 3]]))), 89.0) if np.isfinite(bounds).any() else 0.0
        grow_lat = grow_m / M_PER_DEG_LAT
        grow_lon = grow_lat / max(np.cos(np.radians(lat)), 1e-6)
        return np.asarray(bounds + np.array([-grow_lon, -grow_lat, grow_lon, grow_lat]))


def change_between(before_ids: ArrayLike, before_geoms: Geometries, ids: ArrayLike, geoms: Geometries) -> Change:
    """The :class:`Change` from ``before`` to the new polygons (same outline: ``shapely.equals_exact`` with no
    tolerance, the same vertices in the same order)."""
    old_ids, old_geoms = np.asarray(before_ids, dtype=object), np.asarray(before_geoms, dtype=object)
    new_ids, new_geoms = np.asarray(ids, dtype=object), np.asarray(geoms, dtype=object)
    position = {g: i for i, g in enumerate(old_ids)}
    at = np.array([position.get(g, -1) for g in new_ids], dtype=int)
    same = np.zeros(len(new_ids), dtype=bool)
    common = np.flatnonzero(at >= 0)
    same[common] = shapely.equals_exact(new_geoms[common], old_geoms[at[common]], tolerance=0.0)
    kept = set(new_ids[same])
    changed = sorted(set(new_ids[~same]) | (set(old_ids) - set(new_ids)))
    shapes = [g for g in np.r_[old_geoms[[g not in kept for g in old_ids]], new_geoms[~same]] if g is not None]
    return Change(changed, np.asarray(shapes, dtype=object), len(changed) > LARGE_CHANGE_SHARE * max(len(new_ids), 1))


def in_boxes(lon: np.ndarray, lat: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """True for each point inside at least one of ``boxes`` (edges included)."""
    inside = np.zeros(len(lon), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        inside |= (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    return inside


@dataclass
class Tiling:
    """How a set of polygons tiles a street: overlaps, gaps and uncovered points, kept so that an edit's are
    computed near what it changed only (:meth:`after`).

    Attributes
    ----------
    ids, geoms : numpy.ndarray
        The polygons (WGS-84).
    street : shapely geometry or None
        The ground they should cover; without it, gaps are the holes in their union.
    lon, lat : numpy.ndarray
        The points to cover (buildings).
    overlaps : dict
        ``(id_a, id_b) -> m²`` (``id_a < id_b``) of every pair sharing at least ``min_area_m2``.
    gaps : shapely geometry
        The uncovered ground (WGS-84), every part.
    uncovered : numpy.ndarray of bool
        Per point: in no polygon.
    """

    ids: np.ndarray
    geoms: np.ndarray
    street: BaseGeometry | None
    lon: np.ndarray
    lat: np.ndarray
    min_area_m2: float
    transformer: pyproj.Transformer | None
    overlaps: dict[tuple[str, str], float]
    gaps: BaseGeometry
    uncovered: np.ndarray

    @classmethod
    def of(cls, grid_ids: ArrayLike, polygons: Geometries, street: BaseGeometry | None, lon: ArrayLike,
           lat: ArrayLike, min_area_m2: float = NOISE_M2) -> Tiling:
        """Everything computed from scratch."""
        ids, geoms = np.asarray(grid_ids, dtype=object), np.asarray(polygons, dtype=object)
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms) if len(geoms) else (np.nan,) * 4
        transformer = metric_transformer((xmin + xmax) / 2, (ymin + ymax) / 2) if len(geoms) else None
        overlaps = {_pair(ids[a], ids[b]): area for a, b, area, _ in overlap_pairs(geoms, min_area_m2)}
        gaps = shapely.union_all([part for part, _ in gap_parts(geoms, street, 0.0)])
        x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return cls(ids, geoms, street, x, y, min_area_m2, transformer, overlaps, gaps, uncovered_points(geoms, x, y))

    def after(self, grid_ids: ArrayLike, polygons: Geometries) -> Tiling:
        """The same facts for the polygons after an edit; only what lies near the changed ones is computed
        again (everything when the change is large, or when there is no street to measure gaps against)."""
        ids, geoms = np.asarray(grid_ids, dtype=object), np.asarray(polygons, dtype=object)
        change = change_between(self.ids, self.geoms, ids, geoms)
        if change.large or self.street is None or self.transformer is None:
            return Tiling.of(ids, geoms, self.street, self.lon, self.lat, self.min_area_m2)
        if not change.ids:
            return replace(self, ids=ids, geoms=geoms)
        boxes = change.boxes()
        tree = shapely.STRtree(geoms)
        near = np.unique(tree.query(shapely.box(*boxes.T))[1])
        touched = set(change.ids)
        overlaps = {pair: area for pair, area in self.overlaps.items() if not touched & set(pair)}
        position = {g: i for i, g in enumerate(ids)}
        changed_at = np.array([position[g] for g in change.ids if g in position], dtype=int)
        if len(changed_at):
            left, right = tree.query(geoms[changed_at], predicate="intersects")
            for a, b in {_pair(ids[changed_at[i]], ids[j]) for i, j in zip(left, right) if changed_at[i] != j}:
                area = self._area(safe_intersection(geoms[position[a]], geoms[position[b]]))
                if area >= self.min_area_m2:
                    overlaps[(a, b)] = area
        region = shapely.union_all(shapely.box(*boxes.T))
        outside = safe_difference(self.gaps, region)
        inside = safe_difference(safe_intersection(self.street, region), _union(geoms[near]))
        gaps = shapely.union_all([outside, inside])
        uncovered = self.uncovered.copy()
        redo = np.flatnonzero(in_boxes(self.lon, self.lat, boxes))
        uncovered[redo] = uncovered_points(geoms[near], self.lon[redo], self.lat[redo])
        return replace(self, ids=ids, geoms=geoms, overlaps=overlaps, gaps=gaps, uncovered=uncovered)

    def _area(self, geom: BaseGeometry) -> float:
        return float(to_metric(np.asarray([geom], dtype=object), self.transformer)[0][0].area)

    @property
    def overlap_m2(self) -> float:
        """Area shared by overlapping pairs, m²."""
        return float(sum(self.overlaps.values()))

    @property
    def gap_m2(self) -> float:
        """Area of the gap parts of at least ``min_area_m2``, m²."""
        parts = [p for p in shapely.get_parts(self.gaps) if p.geom_type == "Polygon" and not p.is_empty]
        if not parts or self.transformer is None:
            return 0.0
        areas = shapely.area(to_metric(np.asarray(parts, dtype=object), self.transformer)[0])
        return float(areas[areas >= self.min_area_m2].sum())


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)

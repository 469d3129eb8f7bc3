"""Fast point-in-polygon assignment of points to grid polygons, with snapping.

Method
------
1. A regular raster of cells covers the polygons' bounds. Each cell is classified once:
   *interior* when one polygon contains the whole cell (every point in it belongs to that
   polygon without a test), or *boundary* with the list of polygons that touch it.
2. Points in interior cells are assigned by array lookup. Points in boundary cells are tested
   against their cell's candidates in one vectorised ``shapely.intersects_xy`` call over
   (point, candidate) pairs, on prepared polygons.
3. A point covered by several polygons (on a shared edge, or in an overlap) goes to the
   polygon that comes first in ``grid_id`` order: exactly one grid, the same every time.
4. A point in no polygon is snapped to the nearest polygon when it lies within
   ``tolerance_m`` metres (measured in the local UTM zone), else it is ``outside`` with its
   distance to the nearest polygon.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike

from analysis.geo.crs import metric_transformer
from analysis.geo.geometry import GeometryArray

_EPS_DEG = 1e-9  # cells are grown by ~0.1 mm before the interior test, against rounding
_PARALLEL_MIN = 50_000  # below this many pairs, one thread is faster than splitting


def _pairwise(predicate: Callable[..., np.ndarray], geoms: np.ndarray, *args: np.ndarray) -> np.ndarray:
    """Evaluate a vectorised shapely predicate over aligned arrays, split across the cores.

    Shapely releases the GIL inside GEOS, so plain threads run the chunks in parallel.
    """
    workers = min(os.cpu_count() or 1, 8)
    if workers == 1 or len(geoms) < _PARALLEL_MIN:
        return np.asarray(predicate(geoms, *args))
    bounds = np.linspace(0, len(geoms), workers + 1).astype(int)
    chunks = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(lambda c: predicate(geoms[c], *(a[c] for a in args)), chunks))
    return np.concatenate(parts)


@dataclass
class Assignment:
    """Where each point fell.

    Attributes
    ----------
    index : numpy.ndarray of int
        Position of the polygon in the index's ``ids`` (-1 when none).
    method : numpy.ndarray of str
        ``coordinates`` (inside), ``snapped`` (within tolerance), ``outside`` or ``missing``
        (no coordinates).
    distance_m : numpy.ndarray of float
        0 inside; metres to the nearest polygon when snapped or outside; NaN when missing.
    """

    index: np.ndarray
    method: np.ndarray
    distance_m: np.ndarray


class GridIndex:
    """Polygons prepared for repeated point assignment.

    Parameters
    ----------
    ids : sequence of str
        One id per polygon; ties between covering polygons go to the smallest id.
    geometries : sequence of shapely geometries
        Polygons or multipolygons in WGS-84 degrees.
    cells_per_polygon : int
        Raster resolution: about this many cells per polygon (capped at 2**20 cells).
    """

    def __init__(self, ids: Iterable[object], geometries: Iterable[object], cells_per_polygon: int = 64) -> None:
        ids = np.asarray([str(i) for i in ids], dtype=object)
        geoms = np.asarray(list(geometries), dtype=object)
        order = np.argsort(ids, kind="stable")
        self.ids = ids[order]
        self.geoms = geoms[order]
        shapely.prepare(self.geoms)
        xmin, ymin, xmax, ymax = shapely.total_bounds(self.geoms)
        n_cells = int(np.clip(cells_per_polygon * len(self.geoms), 1024, 2**20))
        aspect = max((xmax - xmin), 1e-12) / max((ymax - ymin), 1e-12)
        self.nx = max(1, int(round(np.sqrt(n_cells * aspect))))
        self.ny = max(1, int(round(n_cells / self.nx)))
        self.x0, self.y0 = xmin, ymin
        self.dx = max(xmax - xmin, 1e-12) / self.nx
        self.dy = max(ymax - ymin, 1e-12) / self.ny
        self._classify_cells()
        self._metric: tuple[pyproj.Transformer, shapely.STRtree, GeometryArray] | None = None

    def _classify_cells(self) -> None:
        grid_x, grid_y = np.meshgrid(np.arange(self.nx), np.arange(self.ny), indexing="xy")
        cx, cy = grid_x.ravel(), grid_y.ravel()
        boxes = shapely.box(self.x0 + cx * self.dx - _EPS_DEG, self.y0 + cy * self.dy - _EPS_DEG,
                            self.x0 + (cx + 1) * self.dx + _EPS_DEG, self.y0 + (cy + 1) * self.dy + _EPS_DEG)
        cell_ids = cy * self.nx + cx
        tree = shapely.STRtree(self.geoms)
        cell_pos, poly = tree.query(boxes)  # bounding boxes only: candidates may be a superset
        inside = _pairwise(shapely.contains_properly, self.geoms[poly], boxes[cell_pos])
        n = self.nx * self.ny
        owner = np.full(n, -1, dtype=np.int64)
        # interior cells: the smallest polygon index that contains the whole cell
        for_cells, for_poly = cell_ids[cell_pos[inside]], poly[inside]
        first = np.lexsort((for_poly, for_cells))
        keep = np.r_[True, for_cells[first][1:] != for_cells[first][:-1]]
        owner[for_cells[first][keep]] = for_poly[first][keep]
        # boundary cells: candidate lists in CSR form, sorted by polygon index
        cand_cell, cand_poly = cell_ids[cell_pos[~inside]], poly[~inside]
        interior = owner >= 0
        drop = interior[cand_cell]
        cand_cell, cand_poly = cand_cell[~drop], cand_poly[~drop]
        srt = np.lexsort((cand_poly, cand_cell))
        self._cand_poly = cand_poly[srt]
        counts = np.bincount(cand_cell[srt], minlength=n)
        self._cand_start = np.r_[0, np.cumsum(counts)]
        self._owner = owner

    def _cells(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Cell number of each point, -1 outside the raster (and for NaN)."""
        with np.errstate(invalid="ignore"):
            fx = (x - self.x0) / self.dx
            fy = (y - self.y0) / self.dy
            ok = (fx >= 0) & (fx <= self.nx) & (fy >= 0) & (fy <= self.ny)
        ix = np.minimum(np.where(ok, fx, 0).astype(np.int64), self.nx - 1)
        iy = np.minimum(np.where(ok, fy, 0).astype(np.int64), self.ny - 1)
        return np.where(ok, iy * self.nx + ix, -1)

    def locate(self, x: ArrayLike, y: ArrayLike) -> np.ndarray:
        """Polygon index covering each point (-1 when none); no snapping."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        cells = self._cells(x, y)
        result = np.full(len(x), -1, dtype=np.int64)
        in_raster = cells >= 0
        result[in_raster] = self._owner[cells[in_raster]]
        todo = np.flatnonzero(in_raster & (result < 0))
        if len(todo) == 0:
            return result
        tcell = cells[todo]
        start, stop = self._cand_start[tcell], self._cand_start[tcell + 1]
        counts = stop - start
        pts = np.repeat(todo, counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        polys = self._cand_poly[np.repeat(start, counts) + offsets]
        hit = _pairwise(shapely.intersects_xy, self.geoms[polys], x[pts], y[pts])
        pts, polys = pts[hit], polys[hit]
        # candidates are sorted by polygon index within a cell: the first hit per point wins
        first = np.r_[True, pts[1:] != pts[:-1]]
        result[pts[first]] = polys[first]
        return result

    def _metric_tree(self) -> tuple[pyproj.Transformer, shapely.STRtree, GeometryArray]:
        if self._metric is None:
            cx = self.x0 + self.dx * self.nx / 2
            cy = self.y0 + self.dy * self.ny / 2
            transformer = metric_transformer(cx, cy)
            projected = shapely.transform(self.geoms, lambda c: np.column_stack(
                transformer.transform(c[:, 0], c[:, 1])))
            self._metric = (transformer, shapely.STRtree(projected), projected)
        return self._metric

    def nearest(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Nearest polygon index and distance in metres for each point (NaN-safe)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        index = np.full(len(x), -1, dtype=np.int64)
        dist = np.full(len(x), np.nan)
        ok = np.isfinite(x) & np.isfinite(y)
        if not ok.any():
            return index, dist
        transformer, tree, _ = self._metric_tree()
        mx, my = transformer.transform(x[ok], y[ok])
        (pt, poly), d = tree.query_nearest(shapely.points(mx, my), return_distance=True, all_matches=True)
        # all_matches returns every equidistant polygon: keep the smallest index per point
        srt = np.lexsort((poly, pt))
        pt, poly, d = pt[srt], poly[srt], d[srt]
        first = np.r_[True, pt[1:] != pt[:-1]]
        pos = np.flatnonzero(ok)[pt[first]]
        index[pos], dist[pos] = poly[first], d[first]
        return index, dist

    def assign(self, x: ArrayLike, y: ArrayLike, tolerance_m: float = 30.0) -> Assignment:
        """Assign points (WGS-84 degrees) to polygons, snapping within ``tolerance_m`` metres."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        index = self.locate(x, y)
        method = np.full(len(x), "outside", dtype=object)    # not np.where: its fixed-width text takes 44 bytes a point
        method[index >= 0] = "coordinates"
        distance = np.where(index >= 0, 0.0, np.nan)
        missing = ~(np.isfinite(x) & np.isfinite(y))
        method[missing] = "missing"
        lost = np.flatnonzero((index < 0) & ~missing)
        if len(lost):
            near, dist = self.nearest(x[lost], y[lost])
            distance[lost] = np.round(dist, 1)
            snap = dist <= tolerance_m
            index[lost[snap]] = near[snap]
            method[lost[snap]] = "snapped"
        return Assignment(index, method, distance)

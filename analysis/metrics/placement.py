"""Which grid each point is in: on a boundary version, and again on a division that differs from it in a few grids.

A point goes to the grid that contains it (the first in ``grid_id`` order on a shared edge), else to
the nearest grid within the snapping distance (:class:`analysis.geo.point_in_polygon.GridIndex`).

Placing again after an edit (:class:`Replacer`) gives the same answer as placing every point on the
new division, by placing only the points near what changed. A grid *changed* when it was added,
removed or redrawn (its outline not byte-for-byte the same). The grids that contain a point, or lie
within the snapping distance of it, are the same on both divisions unless one of them changed; such a
grid's bounding box, grown by the snapping distance, holds the point. So every point outside those boxes
keeps its grid, and the points inside are placed on the grids near the boxes only. When more than a
quarter of the grids changed (a whole new division; :class:`analysis.geo.tiling.Change`), every point is placed again.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from analysis.geo.point_in_polygon import GridIndex
from analysis.geo.tiling import change_between, in_boxes


def grid_index(ids: np.ndarray, geoms: np.ndarray) -> GridIndex | None:
    """The point-in-polygon index of a level's polygons (None when it has none)."""
    return GridIndex(ids, geoms) if len(ids) else None


def locate_codes(index: GridIndex | None, lon: np.ndarray, lat: np.ndarray, fallback: np.ndarray | pd.Series | None,
                 tolerance_m: float) -> np.ndarray:
    """Position in ``index.ids`` of each point's grid (-1 when none); rows without a point keep ``fallback`` (a grid
    id per row, read for those rows only) if it is a grid."""
    if index is None or len(lon) == 0:
        return np.full(len(lon), -1, dtype=np.int64)
    result = index.assign(lon, lat, tolerance_m)
    out = np.asarray(result.index, dtype=np.int64).copy()
    missing = np.flatnonzero(result.method == "missing")
    if fallback is not None and len(missing):
        kept = fallback.iloc[missing] if isinstance(fallback, pd.Series) else fallback[missing]
        out[missing] = pd.Index(index.ids).get_indexer(np.asarray(kept, dtype=object))  # a hash look-up
    return out


def locate(index: GridIndex | None, lon: np.ndarray, lat: np.ndarray, fallback: np.ndarray | pd.Series | None,
           tolerance_m: float) -> np.ndarray:
    """Grid id of each point ('' when none), as :func:`locate_codes` places it."""
    codes = locate_codes(index, lon, lat, fallback, tolerance_m)
    out = np.full(len(lon), "", dtype=object)
    if index is not None:
        out[codes >= 0] = index.ids[codes[codes >= 0]]
    return out


def as_categorical(index: GridIndex | None, codes: np.ndarray, ids: np.ndarray) -> pd.Categorical[Any]:
    """Positions in ``index.ids`` (:func:`locate_codes`) as a categorical of the grid ids ``ids`` (every id of the
    index, in the order the categories should have; -1 missing), without a string per row."""
    at = pd.Index(ids).get_indexer(index.ids) if index is not None else np.zeros(0, dtype=np.int64)
    return pd.Categorical.from_codes(np.where(codes >= 0, at[np.maximum(codes, 0)] if len(at) else -1, -1),
                                     dtype=pd.CategoricalDtype(pd.Index(ids)))


class Replacer:
    """Places points on a new division given their grids on an earlier one (see the module docstring).

    Parameters
    ----------
    before_ids, before_geoms : numpy.ndarray
        The earlier division's grid ids and outlines (WGS-84).
    ids, geoms : numpy.ndarray
        The new division's, sorted by id.
    tolerance_m : float
        Snapping distance in metres.
    """

    def __init__(self, before_ids: np.ndarray, before_geoms: np.ndarray, ids: np.ndarray, geoms: np.ndarray,
                 tolerance_m: float) -> None:
        self.ids, self.geoms, self.tolerance_m = ids, geoms, tolerance_m
        self.before_ids = before_ids
        self._all: GridIndex | None = None
        self._near: GridIndex | None = None
        change = change_between(before_ids, before_geoms, ids, geoms)
        self.everything = change.large
        self.boxes = change.boxes(tolerance_m)
        self.index = pd.Index(ids)
        self.new_places = self.index.get_indexer(before_ids)     # each earlier grid's place in ``ids`` (-1: gone)

    def _index_all(self) -> GridIndex | None:
        if self._all is None:
            self._all = grid_index(self.ids, self.geoms)
        return self._all

    def _index_near(self) -> GridIndex | None:
        """The index of the new grids near the changed boxes (the same for every kind of point)."""
        if self._near is None:
            local = np.unique(shapely.STRtree(self.geoms).query(shapely.box(*self.boxes.T))[1])
            self._near = grid_index(self.ids[local], self.geoms[local])
        return self._near

    def codes(self, lon: np.ndarray, lat: np.ndarray, fallback: np.ndarray, before: np.ndarray) -> np.ndarray:
        """Position in the new ``ids`` of each point's grid (-1 when none).

        ``before`` is each point's position in the earlier ``before_ids`` (-1 when none); a row without
        a point keeps ``fallback`` (a grid id) when the new division has it.
        """
        ids = self.index
        if self.everything:
            return np.asarray(ids.get_indexer(locate(self._index_all(), lon, lat, fallback, self.tolerance_m)))
        out = np.where(before >= 0, self.new_places[np.maximum(before, 0)], -1)   # an unchanged grid's new place
        near = in_boxes(lon, lat, self.boxes)
        missing = ~(np.isfinite(lon) & np.isfinite(lat))
        out[missing] = ids.get_indexer(fallback[missing])
        if near.any():
            at = np.flatnonzero(near)
            out[at] = ids.get_indexer(locate(self._index_near(), lon[at], lat[at], fallback[at], self.tolerance_m))
        return out

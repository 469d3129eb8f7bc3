"""A division being redrawn (网格调整): grid polygons, community lines, locks, and the edits on them.

Every edit is a pure function from one :class:`Division` to a new one, so that a history of
divisions gives undo and redo. The rules every edit follows:

* **territory is taken, not duplicated**: an area given to one grid is removed from every other
  grid, so edits never create overlaps;
* **locked grids do not change**: their area is never given away, and an edit that would change
  one raises :class:`EditError`;
* **community lines hold** where the edit itself chooses: a new grid is clipped to the community
  that holds most of it, and grids of different communities are not merged;
* released area that no grid takes (a grid shrunk in the editor) stays a gap, measured by
  :mod:`analysis.division.measures` until it is given to a grid.

Moving a building moves its *cell*: the part of its Voronoi cell (over the street's buildings)
inside its current grid. The cell is the ground nearer that building than any other, so the
incidents reported there go with it.

New grid codes extend their community's code (``<community code><3-digit serial>``), and a new
grid is named ``<community without 社区>第<serial>网格`` like the demo's.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from numpy.typing import ArrayLike
from shapely.geometry.base import BaseGeometry

from analysis.geo.geometry import polygonal

GRID_COLUMNS = ("grid_id", "name", "community", "geometry")
NOISE_DEG2 = 1e-11   # square degrees, about 0.1 m²: overlaps this small are floating-point noise


class EditError(ValueError):
    """An edit that cannot be made; ``reason`` is a label key, ``detail`` what it concerns."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


class GridRow(TypedDict):
    """A grid's row as edits add it: code, name, community, polygon."""

    grid_id: str
    name: str
    community: str
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class Division:
    """Grid polygons (WGS-84) with their communities and locks.

    Attributes
    ----------
    grids : geopandas.GeoDataFrame
        ``grid_id``, ``name``, ``community``, geometry; sorted by ``grid_id``.
    communities : geopandas.GeoDataFrame
        ``community``, ``code`` (the community's grid code, '' when unknown), geometry.
    street : shapely geometry or None
        The street boundary (None: the union of the grids).
    locked : frozenset of str
        Grid ids no edit or suggestion may change.
    """

    grids: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    street: BaseGeometry | None = None
    locked: frozenset[str] = field(default_factory=frozenset)

    def geometry_of(self, grid_id: str) -> BaseGeometry:
        """The polygon of one grid (EditError ``unknown_grid`` when there is none)."""
        hit = self.grids.index[self.grids["grid_id"] == grid_id]
        if len(hit) == 0:
            raise EditError("unknown_grid", grid_id)
        geom: BaseGeometry = self.grids.geometry.loc[hit[0]]
        return geom

    def community_of(self, grid_id: str) -> str:
        """The community a grid belongs to."""
        self.geometry_of(grid_id)
        return str(self.grids.loc[self.grids["grid_id"] == grid_id, "community"].iloc[0])

    def layer(self) -> gpd.GeoDataFrame:
        """The division as a boundary layer: community rows then grid rows (``level``, ``parent_id``)."""
        codes = dict(zip(self.communities["community"], self.communities["code"]))
        grids = self.grids.assign(level="grid", parent_id=self.grids["community"].map(codes).fillna(""))
        communities = gpd.GeoDataFrame({"grid_id": self.communities["code"], "name": self.communities["community"],
                                        "community": self.communities["community"], "level": "community",
                                        "parent_id": ""}, geometry=self.communities.geometry.to_numpy(), crs=4326)
        communities = communities[communities["grid_id"] != ""]
        return gpd.GeoDataFrame(pd.concat([communities, grids], ignore_index=True), crs=4326)


def division_from_layer(layer: gpd.GeoDataFrame, street: BaseGeometry | None = None,
                        locked: Iterable[str] = ()) -> Division:
    """A :class:`Division` from a boundary layer (grid rows, and community rows when present)."""
    is_grid = layer["level"] == "grid" if "level" in layer and (layer["level"] == "grid").any() else \
        pd.Series(True, index=layer.index)
    grids = layer[is_grid]
    grids = gpd.GeoDataFrame({c: grids[c].fillna("").astype(str).to_numpy() if c in grids else ""
                              for c in GRID_COLUMNS[:-1]}, geometry=grids.geometry.to_numpy(), crs=4326)
    stored = layer[layer["level"] == "community"] if "level" in layer else layer.iloc[:0]
    if len(stored):
        communities = gpd.GeoDataFrame({"community": stored["name"].astype(str).to_numpy(),
                                        "code": stored["grid_id"].astype(str).to_numpy()},
                                       geometry=stored.geometry.to_numpy(), crs=4326)
    else:
        merged = grids.dissolve("community", as_index=False)
        parents = layer[is_grid].groupby("community")["parent_id"].first() if "parent_id" in layer else {}
        communities = gpd.GeoDataFrame({"community": merged["community"],
                                        "code": merged["community"].map(parents).astype(object).fillna("")},
                                       geometry=merged.geometry.to_numpy(), crs=4326)
    return Division(_sorted(grids), communities.reset_index(drop=True), street, frozenset(locked))


def _sorted(grids: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return grids.sort_values("grid_id").reset_index(drop=True)


def _clean(geom: BaseGeometry | None) -> BaseGeometry | None:
    return polygonal(shapely.make_valid(geom)) if geom is not None else None


def _with_geometries(div: Division, geoms: Mapping[str, BaseGeometry | None], new: Sequence[GridRow] = ()) -> Division:
    """``div`` with some grids' polygons replaced (None or empty drops the grid) and ``new`` grids added."""
    grids = div.grids.copy()
    for grid_id, geom in geoms.items():
        grids.loc[grids["grid_id"] == grid_id, "geometry"] = _clean(geom)
    if new:
        grids = pd.concat([grids, gpd.GeoDataFrame(list(new), geometry="geometry", crs=4326)], ignore_index=True)
    grids = grids[grids.geometry.notna() & ~grids.geometry.is_empty]
    return replace(div, grids=_sorted(gpd.GeoDataFrame(grids, geometry="geometry", crs=4326)))


def _locked_union(div: Division, besides: str | None = None) -> BaseGeometry | None:
    locked = div.grids[div.grids["grid_id"].isin(div.locked - {besides})]
    return shapely.union_all(locked.geometry.to_numpy()) if len(locked) else None


def _taken_from_others(div: Division, area: BaseGeometry, keep: str | None) -> dict[str, BaseGeometry | None]:
    """New polygons of the unlocked grids (other than ``keep``) that ``area`` overlaps, with it removed."""
    out: dict[str, BaseGeometry | None] = {}
    geoms = div.grids.geometry.to_numpy()
    touching = np.flatnonzero(shapely.intersects(geoms, area))
    for grid_id, geom in zip(div.grids["grid_id"].to_numpy()[touching], geoms[touching]):
        if grid_id != keep and grid_id not in div.locked \
                and shapely.intersection(geom, area).area > NOISE_DEG2:     # a shared edge takes nothing
            out[grid_id] = shapely.difference(geom, area)
    return out


def _free(div: Division, area: BaseGeometry, besides: str | None = None) -> BaseGeometry:
    """``area`` without the locked grids' ground."""
    locked = _locked_union(div, besides)
    free = _clean(area if locked is None else shapely.difference(area, locked))
    if free is None:
        raise EditError("only_locked")
    return free


def _check_unlocked(div: Division, grid_id: str) -> None:
    div.geometry_of(grid_id)
    if grid_id in div.locked:
        raise EditError("locked", grid_id)


def give_area(div: Division, area: BaseGeometry, grid_id: str) -> Division:
    """``grid_id`` takes ``area`` (less any locked grid's ground) from whichever grids hold it."""
    _check_unlocked(div, grid_id)
    area = _free(div, area, grid_id)
    changes = _taken_from_others(div, area, grid_id)
    changes[grid_id] = shapely.union(div.geometry_of(grid_id), area)
    return _with_geometries(div, changes)


def reshape(div: Division, grid_id: str, polygon: BaseGeometry) -> Division:
    """``grid_id`` becomes ``polygon`` (an edited outline): it takes what it now covers, releases the rest."""
    _check_unlocked(div, grid_id)
    area = _free(div, polygon, grid_id)
    changes = _taken_from_others(div, area, grid_id)
    changes[grid_id] = area
    return _with_geometries(div, changes)


def next_code(div: Division, community: str) -> str:
    """The next free grid code under ``community``'s code: ``<code><max serial + 1, 3 digits>``."""
    codes = dict(zip(div.communities["community"], div.communities["code"]))
    prefix = codes.get(community, "") or "G"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d{{3}})$")
    serials = [int(m.group(1)) for code in div.grids["grid_id"] if (m := pattern.match(code))]
    return f"{prefix}{max(serials, default=0) + 1:03d}"


def new_grid_row(div: Division, community: str, geom: BaseGeometry | None) -> GridRow:
    """A new grid's row in ``community``: the next free code, a name by the street's pattern
    ('<community without 社区>第<serial>网格'), and ``geom``."""
    code = next_code(div, community)
    return {"grid_id": code, "name": f"{community.removesuffix('社区')}第{int(code[-3:])}网格",
            "community": community, "geometry": geom}


def add_grid(div: Division, area: BaseGeometry) -> tuple[Division, str]:
    """A new grid on ``area``, clipped to the community holding most of it; returns it and the new id."""
    area = _free(div, area)
    overlap = shapely.area(shapely.intersection(div.communities.geometry.to_numpy(), area))
    if len(overlap) == 0 or overlap.max() <= 0:
        raise EditError("outside_communities")
    best = int(np.argmax(overlap))
    community = str(div.communities["community"].iloc[best])
    inside = _clean(shapely.intersection(area, div.communities.geometry.iloc[best]))
    if inside is None:
        raise EditError("outside_communities")
    row = new_grid_row(div, community, inside)
    return _with_geometries(div, _taken_from_others(div, inside, None), [row]), row["grid_id"]


def building_cells(lon: ArrayLike, lat: ArrayLike, extent: BaseGeometry) -> np.ndarray:
    """Voronoi cell of each building point (WGS-84), clipped to ``extent``; same order as the points.

    Only the cells that cross the extent's edge are clipped (the rest lie inside it already): at 125,000
    buildings that is about one in twenty cells.
    """
    points = np.asarray(shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)), dtype=object)
    if len(points) == 0:
        return np.array([], dtype=object)
    if len(points) == 1:
        return np.array([extent], dtype=object)
    cells = np.asarray(shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=extent)))
    point_at, cell_at = shapely.STRtree(cells).query(points, predicate="intersects")
    order = np.full(len(points), -1)
    order[point_at[::-1]] = cell_at[::-1]          # a point on a shared edge takes its first cell
    cells = cells[order]
    shapely.prepare(extent)
    crossing = ~shapely.contains_properly(extent, cells)
    cells[crossing] = shapely.intersection(cells[crossing], extent)
    return np.asarray(cells, dtype=object)


def move_buildings(div: Division, cells: np.ndarray, lon: ArrayLike, lat: ArrayLike, chosen: ArrayLike,
                   to_grid: str) -> Division:
    """Move the chosen buildings (a boolean mask over ``cells``) with their cells into ``to_grid``.

    Each chosen building's cell is cut to the grid it is in now; buildings already in ``to_grid``,
    in no grid, or in a locked grid stay where they are.
    """
    _check_unlocked(div, to_grid)
    picked = np.flatnonzero(np.asarray(chosen, dtype=bool))
    geoms = div.grids.geometry.to_numpy()
    points = shapely.points(np.asarray(lon, dtype=float)[picked], np.asarray(lat, dtype=float)[picked])
    at, grid_at = shapely.STRtree(geoms).query(points, predicate="intersects")
    pieces = []
    for building, g in zip(at, grid_at):
        grid_id = div.grids["grid_id"].iloc[g]
        if grid_id != to_grid and grid_id not in div.locked:
            pieces.append(shapely.intersection(cells[picked[building]], geoms[g]))
    if not pieces:
        raise EditError("nothing_to_move")
    return give_area(div, shapely.union_all(pieces), to_grid)


def split(div: Division, grid_id: str, line: BaseGeometry) -> tuple[Division, list[str]]:
    """Cut a grid along ``line``: the largest piece keeps the grid, each other piece is a new grid.

    Returns the division and the ids of the new grids. A line that does not cut the grid in two
    raises EditError ``split_misses``.
    """
    _check_unlocked(div, grid_id)
    geom = div.geometry_of(grid_id)
    pieces = [p for part in shapely.get_parts(geom) for p in shapely.get_parts(shapely.ops.split(part, line))]
    if len(pieces) <= shapely.get_num_geometries(geom):
        raise EditError("split_misses", grid_id)
    pieces.sort(key=lambda p: p.area, reverse=True)
    community = div.community_of(grid_id)
    out, new_ids = _with_geometries(div, {grid_id: pieces[0]}), list[str]()
    for piece in pieces[1:]:
        row = new_grid_row(out, community, piece)
        out = _with_geometries(out, {}, [row])
        new_ids.append(row["grid_id"])
    return out, new_ids


def merge(div: Division, grid_ids: list[str]) -> Division:
    """Join grids of one community into the first of ``grid_ids`` (which keeps its id and name)."""
    if len(set(grid_ids)) < 2:
        raise EditError("merge_needs_two")
    for grid_id in grid_ids:
        _check_unlocked(div, grid_id)
    if len({div.community_of(g) for g in grid_ids}) > 1:
        raise EditError("merge_communities")
    union = shapely.union_all([div.geometry_of(g) for g in grid_ids])
    return _with_geometries(div, {grid_ids[0]: union, **{g: None for g in grid_ids[1:]}})


def with_locks(div: Division, grid_ids: Iterable[str]) -> Division:
    """The same division with exactly ``grid_ids`` locked."""
    return replace(div, locked=frozenset(grid_ids) & set(div.grids["grid_id"]))


def changed_grids(before: Division, after: Division) -> set[str]:
    """Ids of grids added, removed or reshaped between two divisions (equal up to 1e-9 degrees)."""
    old = dict(zip(before.grids["grid_id"], before.grids.geometry))
    new = dict(zip(after.grids["grid_id"], after.grids.geometry))
    out = set(old) ^ set(new)
    for grid_id in set(old) & set(new):
        if not shapely.equals_exact(shapely.normalize(old[grid_id]), shapely.normalize(new[grid_id]), 1e-9):
            out.add(grid_id)
    return out

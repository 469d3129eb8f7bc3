"""Units of a suggested division (划分单元): the street's own pieces that a suggestion keeps whole.

A suggestion does not move single buildings (their Voronoi cells make ragged lines). It starts from
the street's own geometry:

* **Grounds**: today's grids cut along community lines (the locked grids taken out); ground no grid
  holds is a ground of its own. A suggested grid is a union of grounds, or a ground cut by straight
  lines or by the street's imported lines.
* **Estates** (小区): the buildings of one estate in one ground form a unit that no cut goes through.
  The estate is the register's ``estate`` column where it has one, else read from the address: what
  comes before the building number (``书院路20号丽景苑3栋`` → ``书院路20号丽景苑``). A building with no
  estate is a unit alone.
* **Lines**: roads, rivers and walls the street imports (GeoJSON/SHP/KML lines) are the cuts tried first.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from analysis.geo.geometry import polygonal, to_metric

BUILDING_NUMBER = re.compile(r"(?:\d+|[一二三四五六七八九十]+)\s*(?:栋|幢|号楼|座|单元|楼)")


def estate_keys(buildings: pd.DataFrame) -> np.ndarray:
    """The estate of each building ('' when it has none): the ``estate`` column, else the address up to
    its building number (``书院路20号丽景苑3栋`` → ``书院路20号丽景苑``)."""
    n = len(buildings)
    given = buildings["estate"].fillna("").astype(str).str.strip().to_numpy() if "estate" in buildings \
        else np.full(n, "", dtype=object)
    addresses = buildings["address"].fillna("").astype(str).to_numpy() if "address" in buildings \
        else np.full(n, "", dtype=object)
    out = np.empty(n, dtype=object)
    for i, (estate, address) in enumerate(zip(given, addresses)):
        if estate:
            out[i] = estate
            continue
        text = str(address)
        hit = BUILDING_NUMBER.search(text)
        out[i] = text[:hit.start()].strip() if hit and hit.start() > 0 else ""
    return out


def unit_ids(estates: np.ndarray, ground: np.ndarray) -> np.ndarray:
    """A number per unit (one estate in one ground; a building without an estate alone)."""
    keys = [f"{g}|{e}" if e else f"{g}|#{i}" for i, (e, g) in enumerate(zip(estates, ground))]
    return pd.factorize(pd.Series(keys, dtype=object))[0]


def grounds(piece: BaseGeometry, grids: list[tuple[str, BaseGeometry]]) -> list[tuple[str, BaseGeometry]]:
    """The piece cut by today's grids: (grid id, polygon) pairs that tile the piece ('' for ground no grid
    holds)."""
    out: list[tuple[str, BaseGeometry]] = []
    rest: BaseGeometry | None = piece
    for grid_id, geom in grids:
        if not shapely.intersects(piece, geom):
            continue
        part = polygonal(shapely.intersection(piece, geom))
        if part is not None:
            out.extend((grid_id, p) for p in shapely.get_parts(part))
            rest = polygonal(shapely.difference(rest, geom)) if rest is not None else None
    if rest is not None:
        out.extend(("", p) for p in shapely.get_parts(rest))
    return out


def street_lines(micro: Iterable[BaseGeometry], imported: BaseGeometry | None = None) -> BaseGeometry | None:
    """The lines a suggestion cuts along first: the outlines of today's micro-grids (微网格) and the
    street's imported roads, rivers and walls (None when there are neither)."""
    lines = [shapely.boundary(g) for g in micro if g is not None and not g.is_empty]
    if imported is not None and not imported.is_empty:
        lines.append(imported)
    return shapely.union_all(lines) if lines else None


def length_km(lines: BaseGeometry) -> float:
    """Length of WGS-84 lines in kilometres (measured in the local UTM zone)."""
    metric, _ = to_metric(np.array([lines], dtype=object))
    return float(shapely.length(metric[0]) / 1000)

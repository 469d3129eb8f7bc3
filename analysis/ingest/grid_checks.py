"""Checks of a grid layer before it is used: what a street office's boundary files get wrong.

* invalid polygons (self-intersections, bow-ties) are repaired with ``make_valid`` and reported;
* empty or non-polygon features are rejected (reported, kept out of the layer);
* empty and duplicate grid ids: the first feature keeps the id, later ones are rejected;
* a child's code must start with its parent's code, and the parent must exist;
* overlaps between grids of the same level, with area (m²) and location;
* gaps: parts of the street boundary (or holes in the union of the grids) that no grid of the
  level covers, with area (m²) and location.
Areas are computed in the local UTM zone, never in degrees.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from analysis.geo.geometry import areas_m2, point_text, polygonal, to_metric
from analysis.geo.tiling import gap_parts, overlap_pairs
from analysis.ingest.problems import ProblemReport
from analysis.settings import Settings

DEFAULT_MIN_AREA_M2 = 1.0
SLIVER_WIDTH_M = 0.5     # an overlap or gap narrower than this on average is a digitising sliver
OUTSIDE_PARENT = 0.02    # a micro-grid with more of its area than this outside its grid is reported


@dataclass
class GridCheck:
    """The checked layer, the rejected features and the report."""

    grids: gpd.GeoDataFrame
    rejected: gpd.GeoDataFrame
    report: ProblemReport


def check_grids(grids: gpd.GeoDataFrame, street: BaseGeometry | None = None, settings: Settings | None = None,
                min_area_m2: float = DEFAULT_MIN_AREA_M2) -> GridCheck:
    """Repair and check a canonical grids frame (see :func:`analysis.ingest.boundaries.read_boundaries`).

    Parameters
    ----------
    grids : geopandas.GeoDataFrame
        Canonical grids, EPSG:4326.
    street : shapely geometry, optional
        The street boundary (WGS-84). Without it, gaps are the holes in the union of the grids.
    settings : dict, optional
        ``code_lengths`` (digits per level; codes must then be digits) and ``street_code`` (the
        prefix every code must start with); both checks are off when the settings are empty.
    min_area_m2 : float
        Overlaps and gaps smaller than this are ignored (digitising noise); those narrower than
        :data:`SLIVER_WIDTH_M` on average (see :func:`mean_width_m`) are counted in one ``slivers`` line.
    """
    report = ProblemReport()
    grids = grids.copy().reset_index(drop=True)
    feature = np.arange(len(grids)) + 1
    keep = np.ones(len(grids), dtype=bool)
    geoms = grids.geometry.to_numpy().copy()
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            report.add(int(feature[i]), "geometry", grids.at[i, "grid_id"], "empty_geometry")
            keep[i] = False
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geoms[i] = polygonal(shapely.make_valid(geom))
            report.add(int(feature[i]), "geometry", grids.at[i, "grid_id"], "invalid_polygon", "warning", reason)
            if geoms[i] is None:
                keep[i] = False
    grids = grids.set_geometry(list(geoms), crs=4326)
    ids = grids["grid_id"]
    empty_id = (ids == "") & keep
    for i in np.flatnonzero(empty_id).tolist():
        report.add(int(feature[i]), "grid_id", "", "missing_grid_id")
    keep &= ~empty_id
    dup = ids.duplicated(keep="first").to_numpy() & keep
    for i in np.flatnonzero(dup).tolist():
        report.add(int(feature[i]), "grid_id", ids[i], "duplicate_grid_id")
    keep &= ~dup
    known = set(ids[keep])
    for i in np.flatnonzero(keep & (grids["parent_id"] != "").to_numpy()).tolist():
        parent, code = grids.at[i, "parent_id"], grids.at[i, "grid_id"]
        if not code.startswith(parent):
            report.add(int(feature[i]), "grid_id", code, "child_code", "warning", parent)
        if parent not in known:
            report.add(int(feature[i]), "parent_id", parent, "unknown_parent", "warning", parent)
    _code_rules(grids, keep, feature, settings or {}, report)
    _micro_inside_parent(grids, keep, feature, report)
    rejected = grids[~keep].assign(feature=feature[~keep])
    grids = grids[keep].assign(feature=feature[keep]).reset_index(drop=True)
    slivers = _Slivers(grids)
    for level in grids["level"].unique():
        _overlaps(grids[grids["level"] == level], min_area_m2, slivers, report)
    for level in ("community", "grid"):
        layer = grids[grids["level"] == level]
        if len(layer):
            _gaps(layer, street, min_area_m2, slivers, report)
    slivers.report(report)
    return GridCheck(grids.drop(columns="feature"), rejected.drop(columns="feature"), report)


def _code_rules(grids: gpd.GeoDataFrame, keep: np.ndarray, feature: np.ndarray, settings: Settings,
                report: ProblemReport) -> None:
    """The street's coding rule (warnings): digits only and so many of them per level, and the street's prefix."""
    lengths: dict[str, int] = {str(k): int(v) for k, v in (settings.get("code_lengths") or {}).items()}
    prefix = str(settings.get("street_code") or "")
    for i in np.flatnonzero(keep).tolist():
        code, level = str(grids.at[i, "grid_id"]), str(grids.at[i, "level"])
        if lengths and not code.isdigit():
            report.add(int(feature[i]), "grid_id", code, "code_not_digits", "warning")
        elif level in lengths and len(code) != lengths[level]:
            report.add(int(feature[i]), "grid_id", code, "code_length", "warning", f"{len(code)} ≠ {lengths[level]}")
        if prefix and not code.startswith(prefix):
            report.add(int(feature[i]), "grid_id", code, "street_prefix", "warning", prefix)


def _micro_inside_parent(grids: gpd.GeoDataFrame, keep: np.ndarray, feature: np.ndarray,
                         report: ProblemReport) -> None:
    """A micro-grid lies inside its grid: more than ``OUTSIDE_PARENT`` of its area outside is a warning."""
    parents = grids[keep & (grids["level"] == "grid").to_numpy()].set_index("grid_id").geometry
    rows = np.flatnonzero(keep & (grids["level"] == "micro").to_numpy() & grids["parent_id"].isin(parents.index).to_numpy())
    if not len(rows):
        return
    micro = grids.geometry.to_numpy()[rows]
    holder = parents.reindex(grids["parent_id"].to_numpy()[rows]).to_numpy()
    total = areas_m2(micro)
    outside = 1 - areas_m2(shapely.intersection(micro, holder)) / np.where(total > 0, total, 1)
    for i, share in zip(rows.tolist(), outside.tolist()):
        if share > OUTSIDE_PARENT:
            report.add(int(feature[i]), "geometry", grids.at[i, "grid_id"], "micro_outside_parent", "warning",
                       f"{grids.at[i, 'parent_id']}: {share:.0%}")


def mean_width_m(part: BaseGeometry, transformer: pyproj.Transformer | None = None) -> float:
    """The mean width of a WGS-84 polygon in metres: 2 × area / perimeter (a long thin sliver has almost none)."""
    metric = to_metric([part], transformer)[0][0]
    return 2 * float(metric.area) / float(metric.length) if metric.length else 0.0


class _Slivers:
    """Overlaps and gaps too thin to be anything but digitising noise: counted, and said in one line."""

    def __init__(self, grids: gpd.GeoDataFrame) -> None:
        self.count, self.area = 0, 0.0
        self.transformer = to_metric(grids.geometry.to_numpy()[:1])[1] if len(grids) else None

    def take(self, part: BaseGeometry, area: float) -> bool:
        """True (and counted) when ``part`` is a sliver."""
        if mean_width_m(part, self.transformer) >= SLIVER_WIDTH_M:
            return False
        self.count, self.area = self.count + 1, self.area + area
        return True

    def report(self, report: ProblemReport) -> None:
        if self.count:
            report.add(None, "geometry", "", "slivers", "info", f"{self.count:,} ({self.area:,.0f} m²)")


def _overlaps(layer: gpd.GeoDataFrame, min_area_m2: float, slivers: _Slivers, report: ProblemReport) -> None:
    for a, b, area, shared in overlap_pairs(layer.geometry.to_numpy(), min_area_m2):
        if not slivers.take(shared, area):
            report.add(int(layer["feature"].iloc[a]), "geometry", layer["grid_id"].iloc[a], "overlap", "warning",
                       f"{layer['grid_id'].iloc[b]}: {area:,.0f} m² @ {point_text(shared)}")


def _gaps(layer: gpd.GeoDataFrame, street: BaseGeometry | None, min_area_m2: float, slivers: _Slivers,
          report: ProblemReport) -> None:
    for part, area in gap_parts(layer.geometry.to_numpy(), street, min_area_m2):
        if not slivers.take(part, area):
            report.add(None, "geometry", "", "gap", "warning", f"{area:,.0f} m² @ {point_text(part)}")

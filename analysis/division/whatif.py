"""What a division would do (假设分析): every grid's figures and the street's, before against after.

The figures are the dashboard's own, over the last 12 months (365 days ending with the latest
report), with the data re-attributed to the division's polygons by
:func:`analysis.metrics.dataset.redivide`:

=====================  ==============================================================
households, population sums over the grid's buildings
incidents              reported in the 12 months (``incidents_per_week`` = / (365/7))
workload_index         :func:`analysis.metrics.workload.workload_table` (1.0 = a typical grid)
backlog                open at the end of the 12 months
on_time_rate           按期结案率 of the 12 months, re-attributed to the new polygons
volunteers             registered volunteers whose home or post is in the grid
compactness, parts     :mod:`analysis.division.measures`
=====================  ==============================================================

For the street (:func:`street_summary`): CV and max/min of households and of the workload
index, grids outside the household norm, grids in more than one part, mean and lowest
compactness, gap and overlap area inside the street boundary (m²), buildings in no grid.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike
from scipy.spatial import cKDTree

from analysis.division import measures as dm
from analysis.division.edits import Division, building_cells
from analysis.geo.tiling import Tiling
from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset, redivide
from analysis.metrics.grid_stats import INCIDENT_MEASURES, grid_measures
from analysis.metrics.periods import Period, period_for
from analysis.metrics.workload import workload_table
from analysis.settings import Settings

WINDOW_DAYS = 365
FIGURES = ("households", "population", "incidents", "incidents_per_week", "workload_index", "backlog",
           "volunteers", "on_time_rate", "compactness", "parts")
MIN_GAP_M2 = 1.0   # below this a gap or an overlap is digitising noise


def whatif_period(anchor: pd.Timestamp | None) -> Period:
    """The 365 days ending with the anchor day (today when there is no data to anchor on)."""
    day = pd.Timestamp(anchor if anchor is not None else pd.Timestamp.now()).normalize()
    return period_for("custom", day, day - pd.Timedelta(days=WINDOW_DAYS - 1), day)


@dataclass
class Workspace:
    """What the workbench computes once per data revision and boundary version.

    Attributes
    ----------
    ds : Dataset
        The data on the starting version.
    flags : PeriodFlags
        Of the 12 months (:func:`whatif_period`); valid for any re-division of ``ds``.
    division : Division
        The starting version as a division.
    cells : numpy.ndarray
        Each building's Voronoi cell over the street (``ds.buildings`` order).
    buildings : pandas.DataFrame
        ``ds.buildings`` plus ``incidents``: the 12 months' incidents nearest to each building.
    tiling : Tiling
        The starting division's overlaps, gaps and buildings in no grid, which an edit's figures update near
        what it changed.
    measures : pandas.DataFrame
        Each grid of ``ds``'s measures that depend on its incidents alone (index ``grid_id``, columns
        :data:`~analysis.metrics.grid_stats.INCIDENT_MEASURES`, for ``flags``): an edit's figures work out
        only the grids whose incidents it changed.
    """

    ds: Dataset
    flags: r.PeriodFlags
    division: Division
    cells: np.ndarray
    buildings: pd.DataFrame
    tiling: Tiling
    measures: pd.DataFrame


def building_loads(lon: ArrayLike, lat: ArrayLike, incident_lon: ArrayLike, incident_lat: ArrayLike) -> np.ndarray:
    """Incidents nearest to each building (a count per building; incidents without a location skipped).

    Nearest in degrees, as the map draws them (a k-d tree: a million incidents over 125,000 buildings in
    about a second, where shapely's nearest-neighbour tree took 19 s).
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    ilon, ilat = np.asarray(incident_lon, dtype=float), np.asarray(incident_lat, dtype=float)
    located = np.isfinite(ilon) & np.isfinite(ilat)
    if len(lon) == 0 or not located.any():
        return np.zeros(len(lon))
    _, nearest = cKDTree(np.column_stack([lon, lat])).query(np.column_stack([ilon[located], ilat[located]]))
    return np.bincount(nearest, minlength=len(lon)).astype(float)


def workspace(ds: Dataset, division: Division, settings: Settings) -> Workspace:
    """The :class:`Workspace` of ``ds`` with ``division`` as its starting point."""
    flags = r.settings_flags(ds.incidents, whatif_period(ds.anchor), settings, ds.spans)
    b = ds.buildings
    extent = division.street if division.street is not None else shapely.union_all(division.grids.geometry.to_numpy())
    located = ds.incidents.loc[flags.full("reported"), ["lon", "lat"]]
    loads = building_loads(b["lon"], b["lat"], located["lon"], located["lat"])
    measures = grid_measures(ds, flags, None, settings).set_index("grid_id")[list(INCIDENT_MEASURES)]
    return Workspace(ds, flags, division, building_cells(b["lon"], b["lat"], extent), b.assign(incidents=loads),
                     start_tiling(division, b), measures)


def start_tiling(division: Division, buildings: pd.DataFrame) -> Tiling:
    """The :class:`~analysis.geo.tiling.Tiling` of ``division``, with ``buildings`` as the points to cover (gaps
    and overlaps under ``MIN_GAP_M2`` are digitising noise).

    The ground is the street boundary; without one, the outline of the division's grids (their union with
    its holes filled). The holes are then its gaps, and an edit that leaves ground at the edge uncovered makes
    a gap too.
    """
    geoms = division.grids.geometry.to_numpy()
    ground = division.street
    if ground is None and len(geoms):
        parts = shapely.get_parts(shapely.union_all(geoms))
        ground = shapely.union_all([shapely.Polygon(p.exterior) for p in parts if p.geom_type == "Polygon"])
    return Tiling.of(division.grids["grid_id"].to_numpy(dtype=object), geoms, ground, buildings["lon"],
                     buildings["lat"], MIN_GAP_M2)


@dataclass
class Figures:
    """One division's figures: ``grids`` (a row per grid, :data:`FIGURES` columns) and ``street``."""

    grids: pd.DataFrame
    street: dict[str, float]


def division_figures(base: Dataset, flags: r.PeriodFlags, division: Division, settings: Settings,
                     start: Tiling | None = None, known: pd.DataFrame | None = None) -> Figures:
    """Figures of ``division`` for the data of ``base`` (``flags``: its 12-month period flags).

    ``start`` is the tiling of the division ``base`` is on (:attr:`Workspace.tiling`): the street's gaps,
    overlaps and buildings in no grid are then updated near what ``division`` changed instead of computed
    over the whole street. Incidents are placed again near what changed only
    (:func:`~analysis.metrics.dataset.redivide`). ``known`` is ``base``'s grids' incident measures
    (:attr:`Workspace.measures`): only the grids whose incidents changed are then counted again.
    """
    ds = redivide(base, division.layer(), division.street)
    if known is not None:
        known = known.drop(index=list(_grids_incidents_left_or_joined(base, ds)), errors="ignore")
    table = workload_table(ds, flags, None, settings, known)
    out = table[["grid_id", "name", "community", "households", "population", "workload_index", "backlog",
                 "on_time_rate", "norm_min", "norm_max", "norm_position", "no_worker"]].copy()
    out["incidents"] = table["reported"]
    out["incidents_per_week"] = table["incidents_per_week"]
    out["volunteers"] = ds.grids["volunteers"].to_numpy()
    geoms = ds.grids.geometry.to_numpy()
    out["compactness"] = dm.compactness(geoms)
    out["parts"] = dm.part_counts(geoms)
    out["locked"] = out["grid_id"].isin(division.locked)
    ids, geoms = division.grids["grid_id"].to_numpy(dtype=object), division.grids.geometry.to_numpy()
    facts = start.after(ids, geoms) if start is not None else start_tiling(division, ds.buildings)
    return Figures(out, street_summary(out, facts))


def _grids_incidents_left_or_joined(base: Dataset, ds: Dataset) -> np.ndarray:
    """The ids of the grids (of either dataset) that an incident left or joined from ``base`` to ``ds`` (the same
    incidents, in the same order, placed on another division)."""
    before = base.grids["grid_id"].astype(str).to_numpy(dtype=object)
    after = ds.grids["grid_id"].astype(str).to_numpy(dtype=object)
    same_grid = np.append(pd.Index(after).get_indexer(before), -1)    # a code of ``base`` as a code of ``ds``
    moved = same_grid[base.grid_codes] != ds.grid_codes
    left, joined = np.unique(base.grid_codes[moved]), np.unique(ds.grid_codes[moved])
    return np.concatenate([before[left[left >= 0]], after[joined[joined >= 0]]])


def street_summary(grids: pd.DataFrame, facts: Tiling) -> dict[str, float]:
    """The street's figures of one division (see the module docstring), its tiling given as ``facts``."""
    households, load = dm.balance(grids["households"]), dm.balance(grids["workload_index"])
    return {"grids": float(len(grids)),
            "households_cv": households.cv, "households_max_min": households.max_over_min,
            "workload_cv": load.cv, "workload_max_min": load.max_over_min,
            "outside_norm": float((grids["norm_position"] != "within").sum()),
            "not_contiguous": float((grids["parts"] > 1).sum()),
            "compactness_mean": float(grids["compactness"].mean()) if len(grids) else float("nan"),
            "compactness_min": float(grids["compactness"].min()) if len(grids) else float("nan"),
            "gap_m2": facts.gap_m2, "overlap_m2": facts.overlap_m2,
            "buildings_unplaced": float(facts.uncovered.sum())}


def compare(before: Figures, after: Figures, changed: set[str]) -> pd.DataFrame:
    """A row per grid of either division: each figure before and after (``<figure>_before``/``_after``).

    ``status`` is 'added', 'removed', 'changed' (its polygon is in ``changed``, or a figure moved)
    or 'same'; the rows come in the order changed, added, removed, same, then by ``grid_id``.
    """
    keys = ["grid_id", "name", "community"]
    left = before.grids[keys + list(FIGURES)].rename(columns={f: f"{f}_before" for f in FIGURES})
    right = after.grids[keys + list(FIGURES) + ["norm_position", "locked"]].rename(
        columns={f: f"{f}_after" for f in FIGURES})
    out = left.merge(right, on="grid_id", how="outer", suffixes=("_old", ""), indicator=True)
    for column in ("name", "community"):
        out[column] = out[column].fillna(out.pop(f"{column}_old"))
    moved = np.zeros(len(out), dtype=bool)
    for figure in ("households", "incidents", "backlog", "volunteers"):
        moved |= ~np.isclose(out[f"{figure}_before"].to_numpy(float), out[f"{figure}_after"].to_numpy(float))
    status = np.select([out["_merge"] == "left_only", out["_merge"] == "right_only",
                        out["grid_id"].isin(changed).to_numpy() | moved], ["removed", "added", "changed"], "same")
    out = out.drop(columns="_merge").assign(status=status, locked=out["locked"].fillna(False).astype(bool))
    order = out["status"].map({"changed": 0, "added": 1, "removed": 2, "same": 3})
    return out.assign(_order=order).sort_values(["_order", "grid_id"]).drop(columns="_order").reset_index(drop=True)


def street_comparison(before: Figures, after: Figures) -> pd.DataFrame:
    """The street's figures side by side: index the figure name, columns ``before``, ``after``."""
    return pd.DataFrame({"before": pd.Series(before.street), "after": pd.Series(after.street)})

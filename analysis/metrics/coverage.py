"""Volunteer coverage (志愿者): who serves where, which households are within reach, where to recruit.

Definitions (distances straight-line, in metres, in the street's UTM zone):

* active volunteer: served at least once in the ``active_days`` days up to the data's end, and not
  marked as gone in the register (its ``active`` flag: 否/离职/× read as False);
* a household is covered when its building lies within ``walk_radius_m`` of an active
  volunteer's location (volunteers without a location cover nobody, but still count per grid);
* coverage of a grid = covered households / households;
* recruiting: buildings are candidate homes for one more volunteer; the one whose radius holds
  the most uncovered households is chosen, those households become covered, and so on (greedy
  maximum coverage, within a factor 1 - 1/e of the best possible choice of that many sites).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from analysis.geo.crs import metric_transformer
from analysis.metrics.dataset import Dataset
from analysis.metrics.grid_stats import per_100
from analysis.settings import Settings


def active_volunteers(ds: Dataset, days: int) -> pd.Series:
    """True for each volunteer (index ``volunteer_id``) who served in the ``days`` days up to the data's end
    and whom the register does not mark as gone."""
    end = (ds.anchor or pd.Timestamp.now()).normalize() + pd.Timedelta(days=1)
    recent = ds.services[(ds.services["date"] >= end - pd.Timedelta(days=days)) & (ds.services["date"] < end)]
    # an index lookup: Series.isin over Arrow-backed strings takes 0.7 s for 25,000 volunteers
    served = pd.Index(recent["volunteer_id"].unique()).get_indexer(ds.volunteers["volunteer_id"]) >= 0
    listed = ds.volunteers["active"].fillna(True).astype(bool).to_numpy()
    return pd.Series(served & listed, index=ds.volunteers["volunteer_id"])


@dataclass(frozen=True)
class Reach:
    """Who is active (:func:`active_volunteers`) and which buildings they cover (:func:`covered_buildings`)
    under one set of settings: worked out once when a page shows several of the tables below."""

    active: pd.Series
    covered: np.ndarray


def volunteer_reach(ds: Dataset, settings: Settings) -> Reach:
    """:class:`Reach` with the settings' ``active_days`` and ``walk_radius_m``."""
    active = active_volunteers(ds, int(settings["active_days"]))
    return Reach(active, covered_buildings(ds, active, float(settings["walk_radius_m"])))


def _metres(ds: Dataset, lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """Points in metres, in the UTM zone of the middle of the grids' bounds (the union of 5,000 grids, which
    once chose the zone, took 0.3 s)."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    xmin, ymin, xmax, ymax = ds.grids.total_bounds if len(ds.grids) else (lon[0], lat[0], lon[0], lat[0])
    x, y = metric_transformer((xmin + xmax) / 2, (ymin + ymax) / 2).transform(lon, lat)
    return np.column_stack([x, y])


def covered_buildings(ds: Dataset, active: pd.Series, radius_m: float) -> np.ndarray:
    """True for each building within ``radius_m`` of an active volunteer's location."""
    vols = ds.volunteers[active.to_numpy()]
    vols = vols[pd.to_numeric(vols["lon"], errors="coerce").notna()]
    if vols.empty or ds.buildings.empty:
        return np.zeros(len(ds.buildings), dtype=bool)
    from scipy.spatial import cKDTree  # 0.5 s to import: not on the pages that never cover (the overview)
    homes = cKDTree(_metres(ds, vols["lon"].astype(float), vols["lat"].astype(float)))
    distance, _ = homes.query(_metres(ds, ds.buildings["lon"], ds.buildings["lat"]), k=1)
    return np.asarray(distance <= radius_m)


def coverage_table(ds: Dataset, settings: Settings, period_months: float, within: Reach | None = None) -> pd.DataFrame:
    """One row per grid: volunteers, active, per 100 households, services and hours per month, coverage.

    Services and hours per month are averaged over the last ``period_months`` months (at least one)
    before the data's end. ``within``: :func:`volunteer_reach` under ``settings`` when already worked out.
    """
    found = within or volunteer_reach(ds, settings)
    active, covered = found.active, found.covered
    buildings = ds.buildings.assign(covered_hh=np.where(covered, ds.buildings["households"], 0))
    by_grid = buildings.groupby("grid_id")[["households", "covered_hh"]].sum()
    vols = ds.volunteers.assign(active=active.to_numpy())
    end = (ds.anchor or pd.Timestamp.now()).normalize() + pd.Timedelta(days=1)
    start = end - pd.DateOffset(months=max(int(round(period_months)), 1))
    recent = ds.services[(ds.services["date"] >= start) & (ds.services["date"] < end)]
    months = max(period_months, 1e-9)
    out = pd.DataFrame(ds.grids[["grid_id", "name", "community", "households"]])
    out["volunteers"] = out["grid_id"].map(vols["grid_id"].value_counts()).fillna(0).astype(int)
    out["active"] = out["grid_id"].map(vols.loc[vols["active"], "grid_id"].value_counts()).fillna(0).astype(int)
    out["active_per_100_households"] = per_100(out["active"], out["households"])
    out["services_per_month"] = out["grid_id"].map(recent["grid_id"].value_counts()).fillna(0) / months
    out["hours_per_month"] = out["grid_id"].map(recent.groupby("grid_id")["hours"].sum()).fillna(0) / months
    out["covered_households"] = out["grid_id"].map(by_grid["covered_hh"]).fillna(0)
    out["coverage"] = out["covered_households"] / out["households"].where(out["households"] > 0)
    out["no_active"] = out["active"] == 0
    return out.reset_index(drop=True)


def micro_coverage_table(ds: Dataset, settings: Settings, within: Reach | None = None) -> pd.DataFrame:
    """One row per micro-grid: ``micro_id``, ``name``, ``grid`` (its grid's name), ``community``,
    ``households``, ``active`` volunteers living in it, ``active_per_100_households``,
    ``covered_households`` and ``coverage`` (as for grids), ``no_active``. ``within`` as for
    :func:`coverage_table`."""
    found = within or volunteer_reach(ds, settings)
    active, covered = found.active, found.covered
    buildings = ds.buildings.assign(covered_hh=np.where(covered, ds.buildings["households"], 0))
    by_micro = buildings.groupby("micro_id")["covered_hh"].sum() if "micro_id" in buildings else pd.Series(dtype=float)
    vols = ds.volunteers[active.to_numpy()]
    out = pd.DataFrame(ds.micro[["micro_id", "name", "parent_id", "community", "households"]])
    out.insert(2, "grid", out["parent_id"].map(ds.grid_names).fillna(""))
    counts = vols["micro_id"].value_counts() if "micro_id" in vols else pd.Series(dtype=int)
    out["active"] = out["micro_id"].map(counts).fillna(0).astype(int)
    out["active_per_100_households"] = per_100(out["active"], out["households"])
    out["covered_households"] = out["micro_id"].map(by_micro).fillna(0)
    out["coverage"] = out["covered_households"] / out["households"].where(out["households"] > 0)
    out["no_active"] = out["active"] == 0
    return out.reset_index(drop=True)


def recruiting_sites(ds: Dataset, settings: Settings, n: int = 10, within: Reach | None = None) -> pd.DataFrame:
    """The ``n`` buildings where one more active volunteer would cover the most uncovered households (greedy).

    Columns: building_id, address, grid_id, lon, lat, gain (households newly covered), covered_after
    (share of the street's households covered once this and the earlier sites are staffed). ``within`` as
    for :func:`coverage_table`.
    """
    radius = float(settings["walk_radius_m"])
    covered = (within or volunteer_reach(ds, settings)).covered.copy()
    b = ds.buildings
    if b.empty:
        return pd.DataFrame(columns=["building_id", "address", "grid_id", "lon", "lat", "gain", "covered_after"])
    points = _metres(ds, b["lon"], b["lat"])
    households = b["households"].to_numpy(dtype=float)
    total = households.sum()
    uncovered = np.flatnonzero(~covered)
    from scipy import sparse
    from scipy.spatial import cKDTree
    # reach[i, k] = 1 when building i is within the radius of the k-th uncovered building (only these can gain)
    near = cKDTree(points).query_ball_point(points[uncovered], r=radius)
    sizes = np.fromiter((len(x) for x in near), dtype=np.int64, count=len(near))
    cols = np.repeat(np.arange(len(uncovered)), sizes)
    sites = np.concatenate(near).astype(np.int64) if len(near) else np.zeros(0, dtype=np.int64)
    reach = sparse.csr_matrix((np.ones(len(sites)), (sites, cols)), shape=(len(b), len(uncovered)))
    left = households[uncovered].copy()
    rows = []
    for _ in range(n):
        gains = reach @ left
        best = int(np.argmax(gains)) if len(gains) else 0
        if not len(gains) or gains[best] <= 0:
            break
        newly = reach.indices[reach.indptr[best]:reach.indptr[best + 1]]
        left[newly] = 0.0
        covered[uncovered[newly]] = True
        rows.append((b["building_id"].iat[best], b["address"].iat[best], b["grid_id"].iat[best], b["lon"].iat[best],
                     b["lat"].iat[best], gains[best], households[covered].sum() / total))
    return pd.DataFrame(rows, columns=["building_id", "address", "grid_id", "lon", "lat", "gain", "covered_after"])


def monthly_services(ds: Dataset, months: int = 12) -> pd.DataFrame:
    """Service records and hours per month and team over the last ``months`` months: month, team, services, hours."""
    end = (ds.anchor or pd.Timestamp.now()).normalize() + pd.Timedelta(days=1)
    recent = ds.services[ds.services["date"] >= end - pd.DateOffset(months=months)]
    teams = ds.volunteers.set_index("volunteer_id")["team"]
    frame = recent.assign(month=recent["date"].dt.to_period("M"),     # written as text once grouped: 4x faster
                          team=recent["volunteer_id"].map(teams).fillna("—"))
    out = (frame.groupby(["month", "team"]).agg(services=("volunteer_id", "size"), hours=("hours", "sum"))
           .reset_index())
    return out.assign(month=out["month"].astype(str))

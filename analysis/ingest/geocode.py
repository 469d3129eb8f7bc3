"""Placing incidents on grids: coordinates first, then addresses, then the user's manual fixes.

Order of evidence for each incident
-----------------------------------
1. Coordinates inside a grid -> ``coordinates`` (score 100); within the snapping tolerance of
   a grid -> ``snapped`` (score 100 - metres, flagged).
2. No usable coordinates, or coordinates outside every grid, and an address -> the building
   list (``address_exact`` 100, ``address_fuzzy`` with its score); the building's point gives
   the grid.
3. A stored manual fix (a grid or a building chosen in the review queue) overrides both ->
   ``manual``.
Anything still unplaced keeps ``grid_id`` empty and goes to the review queue with its reason:
never into a guessed grid.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.geo.point_in_polygon import GridIndex
from analysis.ingest.address import Gazetteer
from analysis.ingest.problems import ProblemReport
from analysis.settings import DEFAULTS

DEFAULT_TOLERANCE_M = DEFAULTS.snap_tolerance_m


@dataclass
class Geocoded:
    """Incidents with the geocode columns added, and the review queue."""

    incidents: pd.DataFrame
    review: pd.DataFrame
    report: ProblemReport


def grid_index(grids: gpd.GeoDataFrame, level: str = "grid") -> GridIndex:
    """A :class:`GridIndex` over the grids of one level (all rows when no ``level`` column)."""
    layer = grids[grids["level"] == level] if "level" in grids else grids
    if layer.empty:
        layer = grids
    return GridIndex(layer["grid_id"].to_numpy(), layer.geometry.to_numpy())


def assign_buildings(buildings: pd.DataFrame, index: GridIndex,
                     tolerance_m: float = DEFAULT_TOLERANCE_M) -> pd.Series:
    """Grid id of every building point ('' when outside every grid beyond the tolerance)."""
    result = index.assign(buildings["lon"].to_numpy(float), buildings["lat"].to_numpy(float), tolerance_m)
    ids = np.where(result.index >= 0, index.ids[np.maximum(result.index, 0)], "")
    return pd.Series(ids, index=buildings.index, dtype=object)


def geocode_incidents(incidents: pd.DataFrame, index: GridIndex, gazetteer: Gazetteer | None = None,
                      buildings: pd.DataFrame | None = None, fixes: pd.DataFrame | None = None,
                      tolerance_m: float = DEFAULT_TOLERANCE_M) -> Geocoded:
    """Assign every incident to a grid (see the module docstring for the order of evidence).

    Parameters
    ----------
    incidents : pandas.DataFrame
        Canonical incidents (WGS-84 ``lon``/``lat``, ``address``, ``incident_id``, ``source_row``).
    index : GridIndex
        The grids to assign to.
    gazetteer, buildings : optional
        Address matching; ``buildings`` needs ``building_id``, ``lon``, ``lat``.
    fixes : pandas.DataFrame, optional
        Manual fixes: ``incident_id``, ``grid_id`` and/or ``building_id``.
    tolerance_m : float
        Snapping distance in metres.

    Returns
    -------
    Geocoded
        ``incidents`` with grid_id, building_id, match_method, match_score and distance_m; ``review`` rows: incident_id, source_row, reason,
        detail; ``report`` with a warning per snapped, outside, fuzzy or unmatched row.
    """
    out = incidents.copy(deep=False)  # only new columns are set: the caller's frame is not changed
    report = ProblemReport()
    n = len(out)
    rows = out["source_row"].to_numpy() if "source_row" in out else np.arange(n) + 2
    lon, lat = out["lon"].to_numpy(float), out["lat"].to_numpy(float)
    address = out["address"].fillna("").astype(str).to_numpy(dtype=object)
    res = index.assign(lon, lat, tolerance_m)
    grid = np.where(res.index >= 0, index.ids[np.maximum(res.index, 0)], "").astype(object)
    method = res.method.copy()
    score = np.where(method == "coordinates", 100.0, np.where(method == "snapped",
                     np.maximum(0.0, 100.0 - res.distance_m), np.nan))
    distance = res.distance_m.copy()
    building = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)
    for i in np.flatnonzero(method == "snapped"):
        report.add(int(rows[i]), "lon/lat", f"{lon[i]:.6f},{lat[i]:.6f}", "snapped", "warning", f"{distance[i]:.1f}")
    outside = method == "outside"
    reason[outside] = "outside"
    detail[outside] = [f"{d:.0f}" for d in distance[outside]]
    has_address = (out["address"].fillna("").astype(str).str.strip() != "").to_numpy()
    want_address = (outside | (method == "missing")) & has_address
    if gazetteer is not None and buildings is not None and want_address.any():
        building_grid = pd.Series(assign_buildings(buildings, index, tolerance_m).to_numpy(),
                                  index=buildings["building_id"].astype(str))
        rows_a = np.flatnonzero(want_address)
        matched = gazetteer.match_many(pd.Series(address[rows_a]))
        how = matched["method"].to_numpy(dtype=object)
        bid = matched["building_id"].to_numpy(dtype=object)
        closest = matched["closest"].to_numpy(dtype=object)
        target = building_grid.reindex(bid).fillna("").to_numpy(dtype=object)
        unmatched = how == "unmatched"
        no_grid = ~unmatched & (target == "")
        for flag, text in ((unmatched, np.where(closest == "", "—", closest)),
                           (no_grid, closest + " (outside every grid)")):
            pick = rows_a[flag]
            detail[pick] = np.where(reason[pick] == "", text[flag], detail[pick])
            reason[pick] = np.where(reason[pick] == "", "address_unmatched", reason[pick])
        placed = ~unmatched & ~no_grid
        where = rows_a[placed]
        # the coordinates were wrong where the address placed an "outside" point: say so
        for i in where[reason[where] == "outside"]:
            report.add(int(rows[i]), "lon/lat", f"{lon[i]:.6f},{lat[i]:.6f}", "outside", "warning", detail[i])
        for i, text in zip(rows_a[placed & (how == "address_fuzzy")], closest[placed & (how == "address_fuzzy")]):
            report.add(int(rows[i]), "address", address[i], "address_fuzzy", "warning", text)
        grid[where], method[where], building[where] = target[placed], how[placed], bid[placed]
        score[where] = matched["score"].to_numpy(dtype=float)[placed]
        reason[where], detail[where] = "", ""
    no_location = (method == "missing") & (reason == "")
    reason[no_location] = "no_location"
    if fixes is not None and len(fixes):
        _apply_fixes(out, fixes, grid, method, score, building, reason, detail, buildings, index, tolerance_m)
    for i in np.flatnonzero(reason != ""):
        on_address = reason[i] == "address_unmatched"
        report.add(int(rows[i]), "address" if on_address else "lon/lat", address[i] if on_address else "",
                   reason[i], "warning", detail[i])
    method[reason != ""] = ""  # unplaced: no method, the reason is in the review queue
    out["grid_id"], out["building_id"], out["match_method"] = grid, building, method
    out["match_score"], out["distance_m"] = score, distance
    out.loc[reason != "", "match_score"] = np.nan
    review = pd.DataFrame({"incident_id": out["incident_id"].to_numpy()[reason != ""],
                           "source_row": rows[reason != ""], "reason": reason[reason != ""],
                           "detail": detail[reason != ""]})
    return Geocoded(out, review, report)


def _apply_fixes(out: pd.DataFrame, fixes: pd.DataFrame, grid: np.ndarray, method: np.ndarray, score: np.ndarray,
                 building: np.ndarray, reason: np.ndarray, detail: np.ndarray, buildings: pd.DataFrame | None,
                 index: GridIndex, tolerance_m: float) -> None:
    """Overwrite the placement of incidents that the user fixed by hand (in place)."""
    position = pd.Series(np.arange(len(out)), index=out["incident_id"].to_numpy())
    position = position[~position.index.duplicated()]
    building_grid = pd.Series(dtype=object)
    if buildings is not None and len(buildings):
        building_grid = pd.Series(assign_buildings(buildings, index, tolerance_m).to_numpy(),
                                  index=buildings["building_id"].astype(str))
    for fix in fixes.itertuples(index=False):
        i = position.get(fix.incident_id)
        if i is None:
            continue
        bid = fix.building_id or ""
        target = building_grid.get(bid, "") or fix.grid_id or ""
        if target:
            grid[i], method[i], score[i], building[i] = target, "manual", 100.0, bid
            reason[i], detail[i] = "", ""

"""What the map page shows for a set of filters, in numbers (labels are the page's business).

Scope: grid colours use every filter but the place (all grids keep a value; grids outside the
chosen community or grid are drawn faded); density and hotspots use every filter but the grid
(a single grid is too small for hotspot statistics); individual incidents use every filter.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from analysis.maps import density
from analysis.maps.hotspots import hot_cells, hotspots, lattice
from analysis.metrics import resolution as r
from analysis.metrics.dataset import Dataset
from analysis.metrics.filters import Filters
from analysis.metrics.grid_stats import grid_measures
from analysis.metrics.periods import in_weeks
from analysis.sanitise.phones import mask_phones
from analysis.settings import Settings

POINT_COLUMNS = ("incident_id", "lon", "lat", "category", "subcategory", "reported_at", "status", "reporter_phone")


@dataclass
class MapData:
    """Numbers behind one map.

    Attributes
    ----------
    table : pandas.DataFrame
        :func:`analysis.metrics.grid_stats.grid_measures` of the period, plus ``in_scope``.
    density : list of (str, bytes)
        ('', PNG of the whole period), then (Monday 'YYYY-MM-DD', PNG) per week.
    bounds : [[south, west], [north, east]] of the density images
    hotspots : geopandas.GeoDataFrame
    points : pandas.DataFrame or None
        ``POINT_COLUMNS`` (phone masked) when the filters leave at most ``map_points_max``
        incidents in the period, else None.
    in_period : int
        Incidents reported in the period within every filter.
    hotspot_cell_m : float
        The side of the hotspot cells, metres (the ``hotspot_cell_m`` setting, larger for a large area).
    """

    table: pd.DataFrame
    density: list[tuple[str, bytes]]
    bounds: list[list[float]]
    hotspots: gpd.GeoDataFrame
    points: pd.DataFrame | None
    in_period: int
    hotspot_cell_m: float


def _area(ds: Dataset, filters: Filters) -> BaseGeometry | None:
    if filters.community:
        chosen = ds.communities[ds.communities["community"] == filters.community]
        if len(chosen):
            area: BaseGeometry = chosen.geometry.union_all()
            return area
    return ds.street


def street_hotspot_cells(ds: Dataset, cell_m: float) -> np.ndarray:
    """Each incident's cell on the hotspot lattice over the dataset's street (:meth:`hotspots.Lattice.cells`; all -1
    without a street), kept with the dataset: every street map, of any period, counts those cells instead of taking
    its incidents to metres again (10M incidents: 40 MB, worked out once per server)."""
    incidents, street = ds.incidents, ds.street
    if street is None:
        return np.full(len(incidents), -1, dtype=np.int32)
    return ds.kept(("hotspot cells", cell_m), lambda: lattice(street, cell_m).cells(
        incidents["lon"].to_numpy(float), incidents["lat"].to_numpy(float)))


def density_cells(ds: Dataset) -> tuple[density.Raster, np.ndarray]:
    """The density images' raster over the division, and each incident's cell on it (:meth:`density.Raster.cells`),
    kept with the dataset: every map, of any period or place, counts those cells (10M incidents: 40 MB, worked out
    once per server)."""
    raster = density.raster_for(ds.grids.total_bounds)
    incidents = ds.incidents
    return raster, ds.kept(("density cells", raster), lambda: raster.cells(incidents["lon"].to_numpy(float),
                                                                            incidents["lat"].to_numpy(float)))


def map_data(ds: Dataset, filters: Filters, flags: r.PeriodFlags, weeks: pd.DatetimeIndex,
             settings: Settings, table: pd.DataFrame | None = None) -> MapData:
    """Per-grid measures, density images (period and weekly), hotspots and incidents for the map.

    ``table``: the grids' :func:`~analysis.metrics.grid_stats.grid_measures` for ``filters`` without the place,
    when already worked out (a change of place does not change it); it is not changed.
    """
    incidents = ds.incidents
    if table is None:
        table = grid_measures(ds, flags, filters.without_place().incident_mask(incidents), settings)
    table = table.assign(in_scope=filters.grid_mask(ds.grids))

    around = replace(filters, grid="").incident_mask(incidents)
    raster, cells = density_cells(ds)
    reported_in = flags.full("reported")
    in_period = around & reported_in
    surfaces = [density.smoothed(raster, cells[in_period])]
    labels = [""]
    if len(weeks):                                         # the weeks' incidents only, each in its week's layer
        weekly, week = in_weeks(incidents["reported_at"].to_numpy(dtype="datetime64[s]"), weeks, around)
        surfaces += list(density.smoothed_layers(raster, cells[weekly], week, len(weeks)))
        labels += [start.strftime("%Y-%m-%d") for start in weeks]
    top_period, top_weeks = density.scale_max(surfaces[:1]), density.scale_max(surfaces[1:])
    images = [(labels[0], density.to_png(surfaces[0], top_period))]
    images += [(label, density.to_png(s, top_weeks)) for label, s in zip(labels[1:], surfaces[1:])]

    area, cell_m = _area(ds, filters), float(settings["hotspot_cell_m"])
    if area is not None and area is ds.street:
        hot = hot_cells(lattice(area, cell_m), street_hotspot_cells(ds, cell_m)[in_period])
    else:                                       # a community's few points: found on its own lattice
        lon, lat = incidents["lon"].to_numpy(float), incidents["lat"].to_numpy(float)
        hot = hotspots(lon[in_period], lat[in_period], area, cell_m)
    hot_cell = lattice(area, cell_m).cell_m if area is not None else cell_m

    chosen = filters.incident_mask(incidents) & reported_in
    points = None
    if chosen.sum() <= int(settings["map_points_max"]):
        points = incidents.loc[chosen, list(POINT_COLUMNS)].copy()
        points["reporter_phone"] = mask_phones(points["reporter_phone"].astype(str))
        points = points[np.isfinite(points["lon"]) & np.isfinite(points["lat"])]
    return MapData(table, images, raster.bounds, hot, points, int(chosen.sum()), hot_cell)

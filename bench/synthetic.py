"""A synthetic street of any size, for benchmarks and the payload test: grids about 250 m across.

Voronoi grids over a square (so that ``grids`` cells of ~0.06 km² fit), communities of ~12 grids,
25 buildings per grid, and a year of incidents placed at households with three hot clusters, the
demo's taxonomy, deadlines, closing times (3 % still open) and handling levels. Seeded.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analysis.demo.incidents import TAXONOMY
from analysis.metrics.dataset import Dataset, build_dataset

ORIGIN = (112.90, 28.10)
M_PER_DEG = (98_000.0, 110_900.0)   # metres per degree of longitude, latitude near 28 N
END = pd.Timestamp("2026-11-15 23:59:59")
LEVELS = np.array(["grid", "community", "street", "department"], dtype=object)


def _grid_layer(rng: np.random.Generator, n_grids: int) -> tuple[pd.DataFrame, float]:
    side_m = np.sqrt(n_grids * 250.0 * 250.0)
    side = (side_m / M_PER_DEG[0], side_m / M_PER_DEG[1])
    bounds = shapely.box(ORIGIN[0], ORIGIN[1], ORIGIN[0] + side[0], ORIGIN[1] + side[1])
    seeds = np.column_stack([ORIGIN[0] + rng.uniform(0, side[0], n_grids), ORIGIN[1] + rng.uniform(0, side[1], n_grids)])
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=bounds))
    cells = shapely.intersection(cells, bounds)
    centres = shapely.centroid(cells)
    order = np.lexsort((shapely.get_x(centres), -np.floor(shapely.get_y(centres) / (side[1] / 10))))
    cells = cells[order]
    n_comm = max(1, n_grids // 12)
    community = np.minimum((np.arange(len(cells)) * n_comm) // len(cells), n_comm - 1)
    return pd.DataFrame({
        "grid_id": [f"430103{1 + c // 999:03d}{c % 999 + 1:03d}{i + 1:03d}" for i, c in enumerate(community)],
        "name": [f"第{i + 1}网格" for i in range(len(cells))], "level": "grid",
        "parent_id": [f"C{c:03d}" for c in community], "community": [f"第{c + 1}社区" for c in community],
        "geometry": cells}), side_m


@dataclass
class City:
    """The raw frames of a synthetic street, as ``build_dataset`` takes them (WGS-84 degrees)."""

    incidents: pd.DataFrame
    layer: gpd.GeoDataFrame
    buildings: pd.DataFrame
    workers: pd.DataFrame
    volunteers: pd.DataFrame
    services: pd.DataFrame


def synthetic_city(incidents: int, grids: int, seed: int = 7) -> City:
    """The frames of a street of ``incidents`` incidents over ``grids`` grids (see the module docstring)."""
    rng = np.random.default_rng(seed)
    layer = gpd.GeoDataFrame(_grid_layer(rng, grids)[0], geometry="geometry", crs=4326)
    xmin, ymin, xmax, ymax = layer.total_bounds
    n_b = 25 * grids
    bx, by = rng.uniform(xmin, xmax, n_b), rng.uniform(ymin, ymax, n_b)
    households = np.maximum(2, np.round(rng.lognormal(2.4, 0.5, n_b))).astype(int)
    buildings = pd.DataFrame({"building_id": [f"B{i:07d}" for i in range(n_b)], "address": "",
                              "households": households, "population": np.round(households * 2.7).astype(int),
                              "lon": bx, "lat": by})
    at = rng.choice(n_b, incidents, p=households / households.sum())
    hot = rng.random(incidents) < 0.15
    centres = np.column_stack([rng.uniform(xmin, xmax, 3), rng.uniform(ymin, ymax, 3)])
    which = rng.integers(0, 3, incidents)
    lon = np.where(hot, centres[which, 0] + rng.normal(0, 0.002, incidents), bx[at] + rng.normal(0, 0.0002, incidents))
    lat = np.where(hot, centres[which, 1] + rng.normal(0, 0.002, incidents), by[at] + rng.normal(0, 0.0002, incidents))
    kind = rng.integers(0, len(TAXONOMY), incidents)
    reported = END - pd.to_timedelta(rng.uniform(0, 365 * 86400, incidents).astype(np.int64), unit="s")
    deadline = np.array([TAXONOMY[k][2] for k in kind])
    due = reported + pd.to_timedelta(deadline, unit="D")
    closed = reported + pd.to_timedelta(np.round(rng.lognormal(np.log(deadline * 24 * 0.45), 0.6) * 3600), unit="s")
    closed = closed.where((closed <= END) & (rng.random(incidents) > 0.03))
    frame = pd.DataFrame({
        "incident_id": np.char.add("S", np.arange(incidents).astype(str)), "reported_at": reported.astype("datetime64[s]"),
        "due_at": due.astype("datetime64[s]"), "closed_at": closed.astype("datetime64[s]"),
        "category": pd.Categorical(np.array([t[0] for t in TAXONOMY])[kind]),
        "subcategory": pd.Categorical(np.array([t[1] for t in TAXONOMY])[kind]),
        "source": pd.Categorical(rng.choice(["网格巡查", "小程序", "12345热线"], incidents)),
        "status": pd.Categorical(np.where(closed.isna(), "处置中", "已结案")),
        "address": "", "handled_level": pd.Categorical(LEVELS[rng.integers(0, 4, incidents)]), "handler": "",
        "reporter_phone": np.char.add("138", rng.integers(10_000_000, 99_999_999, incidents).astype(str)),
        "grid_id": "", "building_id": "", "match_method": pd.Categorical(["coordinates"] * incidents),
        "lon": lon, "lat": lat})
    gids = layer["grid_id"].to_numpy()
    workers = pd.DataFrame({"worker_id": [f"W{i}" for i in range(grids)], "name": "网格员", "role": "专职网格员",
                            "grid_id": gids})
    volunteers = pd.DataFrame({"volunteer_id": [f"V{i}" for i in range(5 * grids)], "name": "志愿者", "team": "青年志愿队",
                               "grid_id": rng.choice(gids, 5 * grids), "lon": rng.uniform(xmin, xmax, 5 * grids),
                               "lat": rng.uniform(ymin, ymax, 5 * grids), "active": True})
    days = pd.to_datetime(END.normalize() - pd.to_timedelta(rng.integers(0, 365, 50 * grids), unit="D"))
    services = pd.DataFrame({"volunteer_id": rng.choice(volunteers["volunteer_id"], 50 * grids),
                             "date": days.strftime("%Y-%m-%d"), "hours": 2.0, "grid_id": rng.choice(gids, 50 * grids),
                             "activity": "助老服务"})
    return City(frame, layer, buildings, workers, volunteers, services)


def synthetic_dataset(incidents: int, grids: int, seed: int = 7) -> Dataset:
    """A :class:`Dataset` of ``incidents`` incidents over ``grids`` grids (see the module docstring)."""
    city = synthetic_city(incidents, grids, seed)
    return build_dataset(city.incidents, city.layer, None, city.buildings, city.workers, city.volunteers,
                         city.services, tolerance_m=30.0, now=END + pd.Timedelta(days=1))

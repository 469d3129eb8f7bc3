"""Demo geography: street boundary, 6 communities, about 60 grids, micro-grids, ~2,500 buildings."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

CENTRE = (112.975, 28.190)
DISTRICT_CODE = "430103"  # 天心区
STREET_CODE = "007"
STREET_NAME = "古城街道"
ADMIN_PREFIXES = ("湖南省", "长沙市", "天心区", STREET_NAME)
COMMUNITIES = ("青石桥社区", "文庙坪社区", "西湖桥社区", "碧湘社区", "白沙井社区", "天心阁社区")
N_GRIDS = 60
MICRO_COMMUNITY = 2  # 西湖桥社区: property-managed estates, split into micro-grids
OLD_TOWN = (112.968, 28.1955)   # dense old neighbourhood (棚户区)
MARKET = (112.9815, 28.1848)    # the old market
ROADS_EW = ("解放西路", "人民西路", "城南西路", "西湖路", "白沙路", "书院路")
ROADS_NS = ("太平街", "坡子街", "学宫街", "碧湘街", "天心路", "黄兴南路")
ESTATE_HEADS = ("青竹", "锦绣", "金桂", "碧水", "翠微", "和平", "新华", "东方", "阳光", "书香", "桃李",
                "枫林", "芙蓉", "丽景", "紫荆", "望月", "银杏", "松柏", "长青", "嘉和", "福寿", "安居")
ESTATE_TAILS = ("园", "苑", "家园", "花园", "新村", "大院", "公寓", "雅居")


@dataclass
class Geography:
    """The generated layers, all WGS-84."""

    street: shapely.Polygon
    grids: pd.DataFrame      # grid_id, name, level, parent_id, community, geometry
    buildings: pd.DataFrame  # building_id, address, aliases, community, grid_id, households, population, lon, lat


def _street(rng: np.random.Generator) -> shapely.Polygon:
    angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    radius = 1.0 + 0.08 * np.sin(3 * angles + 0.4) + rng.uniform(-0.04, 0.04, len(angles))
    lon = CENTRE[0] + 0.0135 * radius * np.cos(angles)
    lat = CENTRE[1] + 0.0095 * radius * np.sin(angles)
    return shapely.Polygon(np.column_stack([lon, lat]))


def _points_inside(rng: np.random.Generator, polygon: BaseGeometry, n: int, centre: tuple[float, float] | None = None,
                   spread: tuple[float, float] | None = None) -> np.ndarray:
    """n random points inside ``polygon``: uniform, or Gaussian around ``centre``."""
    out: list[np.ndarray] = []
    xmin, ymin, xmax, ymax = polygon.bounds
    while len(out) < n:
        if centre is None or spread is None:
            cand = rng.uniform([xmin, ymin], [xmax, ymax], (n * 3, 2))
        else:
            cand = rng.normal(centre, spread, (n * 3, 2))
        inside = shapely.contains_xy(polygon, cand[:, 0], cand[:, 1])
        out.extend(cand[inside][: n - len(out)])
    return np.asarray(out)


def _voronoi_cells(seeds: np.ndarray, within: BaseGeometry) -> list[BaseGeometry]:
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=within))
    # voronoi_polygons returns cells in arbitrary order: order them by the seed they hold
    ordered = []
    for x, y in seeds:
        cell = next(c for c in cells if shapely.contains_xy(c, x, y))
        ordered.append(shapely.intersection(cell, within))
    return ordered


def _reading_order(geoms: list[BaseGeometry]) -> np.ndarray:
    """Order of polygons west to east within north-to-south bands (the Beijing code rule)."""
    pts = np.array([[g.centroid.x, g.centroid.y] for g in geoms])
    band = np.floor((pts[:, 1].max() - pts[:, 1]) / 0.004)
    return np.lexsort((pts[:, 0], band))


def build_geography(rng: np.random.Generator) -> Geography:
    """Generate the street, its communities, grids, micro-grids and buildings.

    Grids are drawn around households (seeds at household-weighted building positions), so dense
    areas get small grids, as real divisions do; the random draw leaves some grids well over and
    some well under the 300-500 household norm.
    """
    street = _street(rng)
    points, households, population = _building_points(rng, street)
    community_seeds = _points_inside(rng, street.buffer(-0.004), len(COMMUNITIES))
    community_geoms = _voronoi_cells(community_seeds, street)
    order = _reading_order(community_geoms)
    community_geoms = [community_geoms[i] for i in order]
    base = DISTRICT_CODE + STREET_CODE
    rows = []
    for c, (name, geom, n_grids) in enumerate(zip(COMMUNITIES, community_geoms,
                                                  _grids_per_community(community_geoms, points, households))):
        c_code = f"{base}{c + 1:03d}"
        rows.append((c_code, name, "community", "", name, geom))
        inside = np.flatnonzero(shapely.contains_xy(geom, points[:, 0], points[:, 1]))
        weight = households[inside] / households[inside].sum()
        seeds = points[rng.choice(inside, n_grids, replace=False, p=weight)]
        grid_geoms = _voronoi_cells(seeds, geom)
        for g, gi in enumerate(_reading_order(grid_geoms)):
            g_code = f"{c_code}{g + 1:03d}"
            g_name = f"{name.removesuffix('社区')}第{g + 1}网格"
            rows.append((g_code, g_name, "grid", c_code, name, grid_geoms[gi]))
            if c == MICRO_COMMUNITY:
                micro_seeds = _points_inside(rng, grid_geoms[gi], int(rng.integers(3, 6)))
                micro = _voronoi_cells(micro_seeds, grid_geoms[gi])
                for m, mi in enumerate(_reading_order(micro)):
                    rows.append((f"{g_code}{m + 1:03d}", f"{g_name}{m + 1}号微网格", "micro", g_code, name, micro[mi]))
    grids = pd.DataFrame(rows, columns=["grid_id", "name", "level", "parent_id", "community", "geometry"])
    buildings = _buildings(rng, points, households, population, grids)
    return Geography(street, grids, buildings)


def _grids_per_community(geoms: list[BaseGeometry], points: np.ndarray, households: np.ndarray) -> list[int]:
    """Split N_GRIDS among communities in proportion to households (largest remainder, >= 4)."""
    hh = np.array([households[shapely.contains_xy(g, points[:, 0], points[:, 1])].sum() for g in geoms], float)
    share = N_GRIDS * hh / hh.sum()
    counts = np.maximum(np.floor(share).astype(int), 4)
    for i in np.argsort(-(share - np.floor(share)), kind="stable")[: max(0, N_GRIDS - counts.sum())]:
        counts[i] += 1
    return [int(c) for c in counts]


def _building_points(rng: np.random.Generator, street: BaseGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Building positions, households and population: a dense old town plus the rest."""
    n_old, n_rest = 900, 1600
    pts = np.vstack([_points_inside(rng, street, n_old, OLD_TOWN, (0.0032, 0.0022)),
                     _points_inside(rng, street, n_rest)])
    old_town = np.r_[np.ones(n_old, bool), np.zeros(n_rest, bool)]
    # old low-rise houses hold few households; estates hold more
    households = np.where(old_town, rng.integers(5, 14, len(pts)), np.round(rng.lognormal(2.35, 0.45, len(pts))))
    households = np.maximum(households, 2).astype(int)
    population = np.round(households * rng.uniform(2.3, 3.1, len(pts))).astype(int)
    return np.round(pts, 6), households, population


def _nearest_road(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Road name and house number (odd on one side, even on the other) for each point."""
    xmin, xmax = CENTRE[0] - 0.015, CENTRE[0] + 0.015
    ymin, ymax = CENTRE[1] - 0.011, CENTRE[1] + 0.011
    ew = np.linspace(ymin + 0.002, ymax - 0.002, len(ROADS_EW))
    ns = np.linspace(xmin + 0.002, xmax - 0.002, len(ROADS_NS))
    d_ew = np.abs(lat[:, None] - ew[None, :]) * 1.13  # degrees of latitude are longer
    d_ns = np.abs(lon[:, None] - ns[None, :])
    use_ew = d_ew.min(axis=1) < d_ns.min(axis=1)
    road = np.where(use_ew, np.array(ROADS_EW)[d_ew.argmin(axis=1)], np.array(ROADS_NS)[d_ns.argmin(axis=1)])
    along = np.where(use_ew, lon - xmin, ymax - lat)
    side = np.where(use_ew, lat > ew[d_ew.argmin(axis=1)], lon > ns[d_ns.argmin(axis=1)])
    number = (np.floor(along / 0.0006).astype(int) * 2 + np.where(side, 1, 2))
    return road, number


def _buildings(rng: np.random.Generator, pts: np.ndarray, households: np.ndarray, population: np.ndarray,
               grids: pd.DataFrame) -> pd.DataFrame:
    lon, lat = pts[:, 0], pts[:, 1]
    communities = grids[grids["level"] == "community"]
    comm = np.full(len(pts), "", dtype=object)
    for name, geom in zip(communities["name"], communities["geometry"]):
        comm[shapely.contains_xy(geom, lon, lat)] = name
    road, number = _nearest_road(lon, lat)
    # buildings of one road and house number form an estate (or a single-building compound)
    frame = pd.DataFrame({"lon": lon, "lat": lat, "road": road, "number": number, "community": comm,
                          "households": households, "population": population})
    frame = frame[frame["community"] != ""].sort_values(["road", "number", "lat", "lon"], ascending=[True, True, False, True])
    groups = frame.groupby(["road", "number"], sort=True)
    estate_names = [h + t for t in ESTATE_TAILS for h in ESTATE_HEADS]
    order = rng.permutation(len(estate_names))
    addresses, aliases, e = [], [], 0
    for (road_name, num), block in groups:
        if len(block) == 1:
            addresses.append(f"{road_name}{num}号")
            aliases.append("")
            continue
        phase = "" if e < len(order) else "二三四五"[e // len(order) - 1] + "期"
        estate = estate_names[order[e % len(order)]] + phase
        e += 1
        for k in range(len(block)):
            addresses.append(f"{road_name}{num}号{estate}{k + 1}栋")
            aliases.append(f"{estate}{k + 1}栋")
    frame = frame.assign(address=addresses, aliases=aliases).reset_index(drop=True)
    frame.insert(0, "building_id", [f"B{i + 1:05d}" for i in range(len(frame))])
    grid_layer = grids[grids["level"] == "grid"]
    frame["grid_id"] = ""
    for gid, geom in zip(grid_layer["grid_id"], grid_layer["geometry"]):
        frame.loc[shapely.contains_xy(geom, frame["lon"], frame["lat"]), "grid_id"] = gid
    return frame[["building_id", "address", "aliases", "community", "grid_id", "households", "population",
                  "lon", "lat"]]


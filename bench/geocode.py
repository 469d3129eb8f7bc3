"""Point-in-polygon throughput: the project's assignment against geopandas.sjoin, same run.

    python bench/geocode.py --points 1000000 --polygons 1000

Polygons: a Voronoi tessellation of random seeds over ~10 km near Changsha, densified and made
wiggly by a smooth displacement field. Points: uniform over the polygons' bounds. Both methods
assign the same x/y arrays; the project's timing includes building its index and snapping the
points that fall outside; sjoin's timing includes building its tree but not the point
GeoDataFrame (timed separately), which flatters sjoin. Agreement compares the grid of every
point that either method places strictly by coordinates. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analysis.geo.point_in_polygon import GridIndex  # noqa: E402

X0, Y0, SPAN = 112.90, 28.10, 0.10


def wiggly_tessellation(n: int, rng: np.random.Generator) -> np.ndarray:
    seeds = rng.uniform(0, 1, (n, 2))
    square = shapely.box(0, 0, 1, 1)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=square))
    cells = shapely.segmentize(shapely.intersection(cells, square), 0.3 / np.sqrt(n))

    def move(c: np.ndarray) -> np.ndarray:
        x, y = c[:, 0], c[:, 1]
        return np.column_stack([X0 + SPAN * (x + 0.004 * np.sin(37 * y) + 0.003 * np.sin(53 * x + 11 * y)),
                                Y0 + SPAN * (y + 0.004 * np.sin(41 * x) + 0.003 * np.cos(29 * y - 7 * x))])

    return shapely.make_valid(shapely.transform(cells, move))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--polygons", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method; the median is reported")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    polygons = wiggly_tessellation(args.polygons, rng)
    ids = np.array([f"G{i:05d}" for i in range(len(polygons))], dtype=object)
    x = rng.uniform(X0, X0 + SPAN, args.points)
    y = rng.uniform(Y0, Y0 + SPAN, args.points)
    print(f"{args.points:,} points, {len(polygons):,} polygons "
          f"({shapely.get_num_coordinates(polygons).mean():.0f} vertices each on average)")

    ours, theirs, build_points = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        index = GridIndex(ids, polygons)
        result = index.assign(x, y)
        ours.append(time.perf_counter() - start)

        start = time.perf_counter()
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
        build_points.append(time.perf_counter() - start)
        grids = gpd.GeoDataFrame({"grid_id": ids}, geometry=list(polygons), crs=4326)
        start = time.perf_counter()
        joined = gpd.sjoin(points, grids, predicate="within", how="left")
        theirs.append(time.perf_counter() - start)

    joined = joined[~joined.index.duplicated(keep="first")]
    sjoin_ids = joined["grid_id"].fillna("").to_numpy()
    our_ids = np.where(result.method == "coordinates", index.ids[np.maximum(result.index, 0)], "")
    either = (our_ids != "") | (sjoin_ids != "")
    agreement = float((our_ids[either] == sjoin_ids[either]).mean())
    t_ours, t_sjoin, t_points = (statistics.median(v) for v in (ours, theirs, build_points))
    figures = {
        "points": args.points, "polygons": len(polygons),
        "points_per_s": round(args.points / t_ours), "sjoin_points_per_s": round(args.points / t_sjoin),
        "sjoin_with_point_building_per_s": round(args.points / (t_sjoin + t_points)),
        "ratio": round(t_sjoin / t_ours, 2), "agreement": agreement,
        "snapped": int((result.method == "snapped").sum()), "outside": int((result.method == "outside").sum()),
    }
    print(f"project: {t_ours:.2f} s ({figures['points_per_s']:,} points/s, index build and snapping included)")
    print(f"sjoin:   {t_sjoin:.2f} s ({figures['sjoin_points_per_s']:,} points/s; building the points adds "
          f"{t_points:.2f} s)")
    print(f"ratio {figures['ratio']}x, agreement {agreement:.6f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

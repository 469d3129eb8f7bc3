import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.geo.point_in_polygon import GridIndex
from tests.fixtures import at, four_grids


def index():
    g = four_grids()
    # give the polygons in scrambled order: ties must follow the ids, not the file order
    order = [3, 1, 0, 2]
    return GridIndex(g["grid_id"].to_numpy()[order], g.geometry.to_numpy()[order])


def ids(idx, result):
    return [idx.ids[i] if i >= 0 else "" for i in result.index]


@pytest.mark.parametrize("point, grid", [
    ((0.5, 1.5), "C1G1"), ((1.5, 1.5), "C1G2"), ((0.5, 0.5), "C1G3"), ((1.5, 0.5), "C1G4"),
    ((1.0, 1.5), "C1G1"),   # on the G1|G2 edge: the smaller id, every time
    ((1.0, 1.0), "C1G1"),   # the corner shared by all four
    ((1.5, 1.0), "C1G2"),   # on the G2/G4 edge
    ((2.0, 0.5), "C1G4"),   # on the outer boundary: covered, not snapped
])
def test_points_inside_and_on_edges(point, grid):
    idx = index()
    lon, lat = at(*point)
    result = idx.assign([lon], [lat])
    assert ids(idx, result) == [grid] and result.method[0] == "coordinates" and result.distance_m[0] == 0


def test_edge_points_are_assigned_the_same_way_every_time():
    lon, lat = at(1.0, 1.5)
    assert all(ids(idx, idx.assign([lon] * 3, [lat] * 3)) == ["C1G1"] * 3 for idx in (index(), index()))


def test_snapping_within_tolerance_and_outside_beyond_it():
    idx = index()
    near, far = at(2.2, 1.5), at(3.0, 0.5)      # ~20 m and ~98 m east of the street
    result = idx.assign([near[0], far[0], np.nan], [near[1], far[1], np.nan], tolerance_m=30)
    assert ids(idx, result) == ["C1G2", "", ""]
    assert result.method.tolist() == ["snapped", "outside", "missing"]
    assert result.distance_m[0] == pytest.approx(0.2 * 98.1, rel=0.02)
    assert result.distance_m[1] == pytest.approx(98.1, rel=0.02)
    assert np.isnan(result.distance_m[2])


def test_tolerance_zero_snaps_nothing():
    idx = index()
    lon, lat = at(2.01, 1.5)
    assert idx.assign([lon], [lat], tolerance_m=0).method[0] == "outside"


def test_agrees_with_sjoin_on_irregular_polygons():
    rng = np.random.default_rng(3)
    seeds = rng.uniform(0, 1, (60, 2))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=shapely.box(0, 0, 1, 1)))
    cells = shapely.intersection(cells, shapely.box(0, 0, 1, 1))
    cells = shapely.transform(shapely.segmentize(cells, 0.01),
                              lambda c: np.column_stack([112.9 + 0.05 * c[:, 0] + 0.0008 * np.sin(40 * c[:, 1]),
                                                         28.1 + 0.05 * c[:, 1]]))
    cells = shapely.make_valid(cells)
    idx = GridIndex([f"g{i:02d}" for i in range(len(cells))], cells)
    x, y = rng.uniform(112.899, 112.951, 20000), rng.uniform(28.099, 28.151, 20000)
    mine = idx.locate(x, y)
    grids = gpd.GeoDataFrame({"gid": [f"g{i:02d}" for i in range(len(cells))]}, geometry=list(cells), crs=4326)
    joined = gpd.sjoin(gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326), grids, predicate="within",
                       how="left")
    joined = joined[~joined.index.duplicated()]
    theirs = joined["gid"].fillna("").to_numpy()
    assert (mine >= 0).sum() > 15000
    assert (np.where(mine >= 0, idx.ids[np.maximum(mine, 0)], "") == theirs).all()

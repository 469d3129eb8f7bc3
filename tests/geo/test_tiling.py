"""Gaps, overlaps and uncovered points of a set of polygons, with known areas on hand-made drawings."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.affinity

from analysis.geo import tiling
from analysis.geo.geometry import to_metric
from tests.fixtures import at, centre, four_grids, square


def test_gaps_and_overlaps_known_areas():
    street = shapely.box(*at(0, 0), *at(2, 2))
    one = to_metric(np.array([square(0, 0)]))[0][0].area
    # G4 missing -> one unit gap; a half-unit overlap between two rectangles
    grids = [square(0, 1), square(1, 1), square(0, 0)]
    gaps = tiling.gap_parts(grids, street)
    assert len(gaps) == 1 and gaps[0][1] == pytest.approx(one, rel=1e-3)
    left, right = shapely.box(*at(0, 0), *at(1.5, 1)), shapely.box(*at(1, 0), *at(2, 1))
    pairs = tiling.overlap_pairs([left, right])
    assert len(pairs) == 1 and pairs[0][:2] == (0, 1) and pairs[0][2] == pytest.approx(one / 2, rel=1e-3)
    assert tiling.overlap_pairs(list(four_grids().geometry)) == []       # edge-sharing squares do not overlap


def test_buildings_in_no_grid():
    lon, lat = zip(centre(0, 0), centre(5, 5), at(1, 1), strict=False)   # inside, far away, on a shared corner
    assert tiling.uncovered_points(list(four_grids().geometry), lon, lat).tolist() == [False, True, False]


def test_500_random_edits_of_a_300_grid_street_measure_without_a_geos_error():
    """Moving 20 buildings from a grid to a neighbour, 500 times on a 300-grid street: the what-if's tiling
    measures (overlaps, gaps, buildings left out) never raise. Before the snapping grid was scaled to the
    coordinates, about 12 % of such edits raised ``TopologyException: side location conflict``."""
    import geopandas as gpd

    from analysis.division.edits import building_cells, division_from_layer, move_buildings
    from bench.synthetic import _grid_layer

    rng = np.random.default_rng(1)
    layer, _ = _grid_layer(rng, 300)
    division = division_from_layer(gpd.GeoDataFrame(layer, geometry="geometry", crs=4326))
    geoms = division.grids.geometry.to_numpy()
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    lon, lat = rng.uniform(xmin, xmax, 7500), rng.uniform(ymin, ymax, 7500)
    cells = building_cells(lon, lat, shapely.union_all(geoms))
    tree = shapely.STRtree(geoms)
    inside, owner = tree.query(shapely.points(lon, lat), predicate="within")
    grid_of = np.full(len(lon), -1)
    grid_of[inside] = owner
    measured = 0
    for _ in range(500):
        source = int(rng.integers(len(geoms)))
        neighbours = [int(j) for j in tree.query(geoms[source], predicate="touches") if j != source]
        chosen = np.zeros(len(lon), dtype=bool)
        chosen[np.flatnonzero(grid_of == source)[:20]] = True
        edited = move_buildings(division, cells, lon, lat, chosen, division.grids["grid_id"].iloc[rng.choice(neighbours)])
        after = edited.grids.geometry.to_numpy()
        tiling.overlap_pairs(after, 1.0)
        tiling.gap_parts(after, None, 1.0)
        assert not tiling.uncovered_points(after, lon, lat).any()          # every building still in a grid
        measured += 1
    assert measured == 500


def test_the_snapping_grid_follows_the_coordinates():
    assert tiling.snapping_grid(square(0, 0)) == pytest.approx(1e-7)                  # degrees near 112°
    metric, _ = to_metric(np.array([square(0, 0)], dtype=object))
    assert tiling.snapping_grid(metric[0]) == pytest.approx(1e-3)                     # UTM metres, ~3,100 km north


def test_a_tiling_updated_near_an_edit_equals_one_measured_from_scratch():
    """Grow, shrink, shift, remove or add a grid on a 300-grid street that already has a gap and an overlap:
    the overlaps, gap area and uncovered buildings updated near the change equal those measured again."""
    import geopandas as gpd

    from bench.synthetic import _grid_layer

    rng = np.random.default_rng(3)
    layer = gpd.GeoDataFrame(_grid_layer(rng, 300)[0], geometry="geometry", crs=4326)
    ids, geoms = layer["grid_id"].to_numpy(dtype=object), layer.geometry.to_numpy()
    street = shapely.box(*shapely.total_bounds(geoms))
    geoms = geoms.copy()
    geoms[5] = shapely.buffer(geoms[5], 0.0002)                    # an overlap with its neighbours
    ids, geoms = np.delete(ids, 9), np.delete(geoms, 9)            # a gap
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    lon, lat = rng.uniform(xmin, xmax, 3000), rng.uniform(ymin, ymax, 3000)
    start = tiling.Tiling.of(ids, geoms, street, lon, lat, 1.0)
    assert start.overlap_m2 > 0 and start.gap_m2 > 0 and start.uncovered.any()
    for step in range(25):
        i = int(rng.integers(len(ids)))
        new_ids, new_geoms = ids.copy(), geoms.copy()
        kind = step % 5
        if kind == 0:
            new_geoms[i] = shapely.buffer(geoms[i], 0.0003)
        elif kind == 1:
            new_geoms[i] = shapely.buffer(geoms[i], -0.0003)
        elif kind == 2:
            new_geoms[i] = shapely.affinity.translate(geoms[i], 0.0004, -0.0002)
        elif kind == 3:
            new_ids, new_geoms = np.delete(ids, i), np.delete(geoms, i)
        else:
            c = shapely.centroid(geoms[i])
            new_ids = np.append(ids, "NEW")
            new_geoms = np.append(geoms, shapely.box(c.x, c.y, c.x + 0.002, c.y + 0.002))
        updated = start.after(new_ids, new_geoms)
        fresh = tiling.Tiling.of(new_ids, new_geoms, street, lon, lat, 1.0)
        assert updated.overlaps.keys() == fresh.overlaps.keys(), kind
        assert updated.overlap_m2 == pytest.approx(fresh.overlap_m2, rel=1e-5, abs=1e-3), kind
        assert updated.gap_m2 == pytest.approx(fresh.gap_m2, rel=1e-5, abs=1e-2), kind
        assert (updated.uncovered == fresh.uncovered).all(), kind


def test_a_large_change_or_no_street_measures_everything_again():
    grids = np.array([square(x, y) for x in range(4) for y in range(4)], dtype=object)
    ids = np.array([f"G{i:02d}" for i in range(16)], dtype=object)
    moved = np.array([shapely.affinity.translate(g, 0.0001, 0) for g in grids], dtype=object)
    assert tiling.change_between(ids, grids, ids, moved).large
    change = tiling.change_between(ids, grids, ids, np.r_[moved[:2], grids[2:]])
    assert change.ids == ["G00", "G01"] and not change.large and len(change.boxes(30.0)) == 4
    lon, lat = np.array([at(0.5, 0.5)[0]]), np.array([at(0.5, 0.5)[1]])
    start = tiling.Tiling.of(ids, grids, None, lon, lat)
    assert start.after(ids, moved).gap_m2 == pytest.approx(tiling.Tiling.of(ids, moved, None, lon, lat).gap_m2)

"""Redrawing: the measures of a division, the edits, and undo/redo, on hand-made drawings.

The drawings are in units of 0.001 degrees (tests/fixtures.py): 1 unit is about 98 m east-west
and 111 m north-south here, so a unit square is not square in metres; the known answers below
come from rectangles whose sides are measured in the same projected metres.
"""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis import division_measures as dm
from analysis.division import (EditError, add_grid, building_cells, changed_grids, division_from_layer, give_area,
                               merge, move_buildings, next_code, reshape, split, with_locks)
from analysis.edit_history import History
from analysis.geometry import to_metric
from tests.fixtures import at, centre, four_grids, square, two_communities


def division(layer=None, **kw):
    return division_from_layer(four_grids() if layer is None else layer, **kw)


def households_area(div, grid_id):
    return float(to_metric(np.array([div.geometry_of(grid_id)]))[0][0].area)


# -- measures ----------------------------------------------------------------------------------
def test_balance_known_answers():
    assert dm.balance([300, 500]).cv == pytest.approx(0.25)            # std 100 / mean 400
    assert dm.balance([300, 500]).max_over_min == pytest.approx(500 / 300)
    assert dm.balance([400, 400, 400]).cv == 0
    assert dm.balance([0, 100]).max_over_min == math.inf
    assert math.isnan(dm.balance([]).cv)


def test_polsby_popper_of_circle_square_and_strip():
    assert dm.polsby_popper(math.pi, 2 * math.pi) == pytest.approx(1.0)          # unit circle
    assert dm.polsby_popper(1.0, 4.0) == pytest.approx(math.pi / 4)              # unit square
    assert dm.polsby_popper(10.0, 22.0) == pytest.approx(4 * math.pi * 10 / 484)  # 1 x 10 strip
    assert math.isnan(dm.polsby_popper(0.0, 0.0))


def test_compactness_is_measured_in_metres_not_degrees():
    # a box 0.001° wide and 0.001° tall is ~98 m x 111 m: close to, but not, a square
    metric = to_metric(np.array([square(0, 0)]))[0][0]
    w, h = metric.bounds[2] - metric.bounds[0], metric.bounds[3] - metric.bounds[1]
    expected = 4 * math.pi * w * h / (2 * (w + h)) ** 2
    assert dm.compactness([square(0, 0)])[0] == pytest.approx(expected, rel=1e-3)
    assert expected < math.pi / 4


def test_contiguity_counts_parts():
    two = shapely.union(square(0, 0), square(2, 0))
    assert dm.part_counts([square(0, 0), two, shapely.Polygon()]).tolist() == [1, 2, 0]


def test_gaps_and_overlaps_known_areas():
    street = shapely.box(*at(0, 0), *at(2, 2))
    one = to_metric(np.array([square(0, 0)]))[0][0].area
    # G4 missing -> one unit gap; a half-unit overlap between two rectangles
    grids = [square(0, 1), square(1, 1), square(0, 0)]
    gaps = dm.gap_parts(grids, street)
    assert len(gaps) == 1 and gaps[0][1] == pytest.approx(one, rel=1e-3)
    left, right = shapely.box(*at(0, 0), *at(1.5, 1)), shapely.box(*at(1, 0), *at(2, 1))
    pairs = dm.overlap_pairs([left, right])
    assert len(pairs) == 1 and pairs[0][:2] == (0, 1) and pairs[0][2] == pytest.approx(one / 2, rel=1e-3)
    assert dm.overlap_pairs(list(four_grids().geometry)) == []       # edge-sharing squares do not overlap


def test_buildings_in_no_grid():
    lon, lat = zip(centre(0, 0), centre(5, 5), at(1, 1))   # inside, far away, on a shared corner
    assert dm.uncovered_points(list(four_grids().geometry), lon, lat).tolist() == [False, True, False]


# -- edits -------------------------------------------------------------------------------------
def test_give_area_takes_from_the_others_without_overlap():
    div = division()
    strip = shapely.box(*at(0.5, 0), *at(1, 2))            # right half of C1G1 and of C1G3
    after = give_area(div, strip, "C1G2")
    assert after.geometry_of("C1G2").area == pytest.approx(square(0, 0).area * 2)
    assert after.geometry_of("C1G1").area == pytest.approx(square(0, 0).area / 2)
    assert dm.overlap_pairs(list(after.grids.geometry)) == []
    assert changed_grids(div, after) == {"C1G1", "C1G2", "C1G3"}


def test_locked_grids_keep_their_ground():
    div = with_locks(division(), ["C1G1"])
    strip = shapely.box(*at(0.5, 0), *at(1, 2))
    after = give_area(div, strip, "C1G2")
    assert shapely.equals(after.geometry_of("C1G1"), square(0, 1))        # untouched
    assert after.geometry_of("C1G3").area == pytest.approx(square(0, 0).area / 2)
    with pytest.raises(EditError) as err:
        give_area(div, strip, "C1G1")
    assert err.value.reason == "locked"
    with pytest.raises(EditError):
        merge(div, ["C1G1", "C1G2"])


def test_reshape_releases_what_the_outline_leaves_as_a_gap():
    div = division()
    after = reshape(div, "C1G4", shapely.box(*at(1, 0), *at(2, 0.5)))   # G4 shrinks to its lower half
    street = shapely.box(*at(0, 0), *at(2, 2))
    gaps = dm.gap_parts(list(after.grids.geometry), street)
    assert len(gaps) == 1 and gaps[0][0].area == pytest.approx(square(0, 0).area / 2)


def test_split_along_a_line_and_merge_back():
    div = division()
    line = shapely.LineString([at(0, 0.3), at(1.2, 0.3)])        # cuts C1G3 (and its neighbour's edge)
    after, new = split(div, "C1G3", line)
    assert new == ["C1001"]               # community code C1 + the first serial (C1G* are not serials)
    assert after.geometry_of("C1G3").area == pytest.approx(square(0, 0).area * 0.7)
    assert after.geometry_of("C1001").area == pytest.approx(square(0, 0).area * 0.3)
    assert after.grids.loc[after.grids["grid_id"] == "C1001", "name"].item() == "甲第1网格"
    back = merge(after, ["C1G3", "C1001"])
    assert shapely.equals(shapely.normalize(back.geometry_of("C1G3")), shapely.normalize(square(0, 0)))
    assert len(back.grids) == 4
    with pytest.raises(EditError) as err:
        split(div, "C1G1", shapely.LineString([at(5, 5), at(6, 6)]))
    assert err.value.reason == "split_misses"


def test_merge_refuses_grids_of_two_communities():
    div = division(two_communities())
    with pytest.raises(EditError) as err:
        merge(div, ["G1", "G3"])
    assert err.value.reason == "merge_communities"
    assert len(merge(div, ["G1", "G2"]).grids) == 3


def test_new_grid_is_clipped_to_its_community_and_coded_under_it():
    div = division(two_communities())
    assert next_code(div, "乙社区") == "C2001"
    area = shapely.box(*at(0.2, 0.2), *at(0.8, 1.4))              # mostly in 乙 (G3), a little in 甲 (G1)
    after, new_id = add_grid(div, area)
    assert new_id == "C2001"
    assert after.community_of(new_id) == "乙社区"
    new = after.geometry_of(new_id)
    assert new.area == pytest.approx(0.6 * 0.8 * 1e-6)          # the part below y = 1 only
    assert dm.overlap_pairs(list(after.grids.geometry)) == []


def test_moving_buildings_moves_their_cells_and_their_households():
    div = division()
    # three buildings in C1G1 (top-left), one in C1G2
    pts = [at(0.2, 1.5), at(0.8, 1.5), at(0.5, 1.2), at(1.5, 1.5)]
    lon, lat = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    street = shapely.box(*at(0, 0), *at(2, 2))
    cells = building_cells(lon, lat, street)
    assert len(cells) == 4 and all(shapely.contains(c, shapely.Point(x, y)) for c, x, y in zip(cells, lon, lat))
    assert shapely.union_all(cells).area == pytest.approx(street.area)
    after = move_buildings(div, cells, lon, lat, np.array([False, True, False, False]), "C1G2")
    inside = [shapely.contains(after.geometry_of("C1G2"), shapely.Point(x, y)) for x, y in zip(lon, lat)]
    assert inside == [False, True, False, True]
    assert dm.overlap_pairs(list(after.grids.geometry)) == [] and dm.gap_parts(list(after.grids.geometry), street) == []
    with pytest.raises(EditError) as err:
        move_buildings(div, cells, lon, lat, np.array([False, False, False, True]), "C1G2")   # already there
    assert err.value.reason == "nothing_to_move"


def test_layer_round_trip_keeps_codes_and_communities():
    layer = division(two_communities()).layer()
    assert layer["level"].tolist().count("grid") == 4
    again = division_from_layer(layer)
    assert again.grids["grid_id"].tolist() == ["G1", "G2", "G3", "G4"]
    assert dict(zip(again.communities["community"], again.communities["code"])) == {"甲社区": "C1", "乙社区": "C2"}


# -- history -----------------------------------------------------------------------------------
def test_undo_redo_twenty_steps_and_branching():
    history = History.starting_at(0)
    for step in range(1, 26):
        history.push(step, f"edit {step}")
    for _ in range(20):
        history.undo()
    assert history.current == 5 and history.can_undo
    assert history.redo() == "edit 6" and history.current == 6
    history.push(100, "other")
    assert not history.can_redo and history.current == 100
    history.undo()
    assert history.current == 6


def test_history_keeps_its_depth():
    history = History.starting_at(0, depth=3)
    for step in range(1, 10):
        history.push(step, "")
    undone = 0
    while history.can_undo:
        history.undo()
        undone += 1
    assert undone == 3 and history.current == 6
    with pytest.raises(IndexError):
        history.undo()


def test_division_frame_is_sorted_and_wgs84():
    div = division()
    assert isinstance(div.grids, gpd.GeoDataFrame) and div.grids.crs.to_epsg() == 4326
    assert div.grids["grid_id"].is_monotonic_increasing

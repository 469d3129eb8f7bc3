"""Edits of a division on hand-made drawings: give area, locks, reshape, split, merge, new grid, move buildings."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.division.edits import (
    EditError,
    add_grid,
    building_cells,
    changed_grids,
    division_from_layer,
    give_area,
    merge,
    move_buildings,
    next_code,
    reshape,
    split,
    with_locks,
)
from analysis.geo import tiling
from tests.fixtures import at, four_grids, square, two_communities


def division(layer=None, **kw):
    return division_from_layer(four_grids() if layer is None else layer, **kw)


def test_give_area_takes_from_the_others_without_overlap():
    div = division()
    strip = shapely.box(*at(0.5, 0), *at(1, 2))            # right half of C1G1 and of C1G3
    after = give_area(div, strip, "C1G2")
    assert after.geometry_of("C1G2").area == pytest.approx(square(0, 0).area * 2)
    assert after.geometry_of("C1G1").area == pytest.approx(square(0, 0).area / 2)
    assert tiling.overlap_pairs(list(after.grids.geometry)) == []
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
    gaps = tiling.gap_parts(list(after.grids.geometry), street)
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
    assert tiling.overlap_pairs(list(after.grids.geometry)) == []


def test_moving_buildings_moves_their_cells_and_their_households():
    div = division()
    # three buildings in C1G1 (top-left), one in C1G2
    pts = [at(0.2, 1.5), at(0.8, 1.5), at(0.5, 1.2), at(1.5, 1.5)]
    lon, lat = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    street = shapely.box(*at(0, 0), *at(2, 2))
    cells = building_cells(lon, lat, street)
    assert len(cells) == 4 and all(shapely.contains(c, shapely.Point(x, y)) for c, x, y in zip(cells, lon, lat, strict=False))
    assert shapely.union_all(cells).area == pytest.approx(street.area)
    after = move_buildings(div, cells, lon, lat, np.array([False, True, False, False]), "C1G2")
    inside = [shapely.contains(after.geometry_of("C1G2"), shapely.Point(x, y)) for x, y in zip(lon, lat, strict=False)]
    assert inside == [False, True, False, True]
    assert tiling.overlap_pairs(list(after.grids.geometry)) == [] and tiling.gap_parts(list(after.grids.geometry), street) == []
    with pytest.raises(EditError) as err:
        move_buildings(div, cells, lon, lat, np.array([False, False, False, True]), "C1G2")   # already there
    assert err.value.reason == "nothing_to_move"


def test_layer_round_trip_keeps_codes_and_communities():
    layer = division(two_communities()).layer()
    assert layer["level"].tolist().count("grid") == 4
    again = division_from_layer(layer)
    assert again.grids["grid_id"].tolist() == ["G1", "G2", "G3", "G4"]
    assert dict(zip(again.communities["community"], again.communities["code"], strict=False)) == {"甲社区": "C1", "乙社区": "C2"}


def test_division_frame_is_sorted_and_wgs84():
    div = division()
    assert isinstance(div.grids, gpd.GeoDataFrame) and div.grids.crs.to_epsg() == 4326
    assert div.grids["grid_id"].is_monotonic_increasing

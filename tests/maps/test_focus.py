"""Which grids a map of a chosen place draws in a large division (analysis.maps.focus), with known answers."""
import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.maps.build import GridShapes, grid_shapes
from analysis.maps.classes import Classes
from analysis.maps.focus import around, in_view

CELL = 0.0011        # degrees: no grid edge falls exactly on a widened bound below


def board(cols: int = 40, rows: int = 30) -> np.ndarray:
    """``cols`` × ``rows`` square grids, row by row from the south-west corner at (0, 0)."""
    return np.array([shapely.box(c * CELL, r * CELL, (c + 1) * CELL, (r + 1) * CELL)
                     for r in range(rows) for c in range(cols)], dtype=object)


def block(c0: int, c1: int, r0: int, r1: int, cols: int = 40, rows: int = 30) -> np.ndarray:
    """The grids of columns c0..c1 and rows r0..r1 (inclusive) of :func:`board`, as a mask."""
    c, r = np.meshgrid(np.arange(cols), np.arange(rows))
    return ((c >= c0) & (c <= c1) & (r >= r0) & (r <= r1)).ravel()


def test_a_small_place_is_drawn_with_at_least_300_m_around_it():
    # 5 × 5 grids, 605 m across: a quarter of that is 151 m, so the pad is the 300 m floor (2.7 grids): 11 × 11
    drawn = around(board(), block(12, 16, 12, 16), limit=1000)
    assert np.array_equal(drawn, np.flatnonzero(block(9, 19, 9, 19)))
    assert len(drawn) == 121


def test_a_large_place_is_drawn_with_a_quarter_of_its_larger_side_around_it():
    # 18 × 10 grids at the corner: the pad is 18 × 0.25 = 4.5 grids on every side
    drawn = around(board(), block(0, 17, 0, 9), limit=1000)
    assert np.array_equal(drawn, np.flatnonzero(block(0, 22, 0, 14)))
    assert len(drawn) == 23 * 15


def test_a_division_within_the_limit_or_a_whole_or_empty_choice_is_drawn_whole():
    geoms = board()
    chosen = block(12, 16, 12, 16)
    assert len(around(geoms, chosen, limit=1200)) == 1200          # 1,200 grids, drawn whole up to 1,200
    assert len(around(geoms, np.ones(1200, bool), limit=1000)) == 1200
    assert len(around(geoms, np.zeros(1200, bool), limit=1000)) == 1200


def test_a_grid_without_a_shape_is_never_near():
    geoms = board()
    geoms[block(10, 10, 10, 10)] = None           # inside the widened bounds, but no shape to draw
    chosen = block(12, 16, 12, 16)
    drawn = around(geoms, chosen, limit=1000)
    assert len(drawn) == 120 and 10 * 40 + 10 not in drawn
    lonely = np.zeros(1200, bool)
    lonely[10 * 40 + 10] = True                   # the only grid chosen has no shape: the whole division
    assert len(around(geoms, lonely, limit=1000)) == 1200


def test_the_colours_of_the_grids_drawn_keep_the_legend():
    classes = Classes(["#a", "#b", "#c", "#d"], [("#a", "low"), ("#d", "high")])
    taken = classes.take(np.array([3, 0]))
    assert taken.colours == ["#d", "#a"] and taken.legend == classes.legend


def test_a_map_of_a_place_draws_its_grids_shapes_and_keeps_every_grids_for_the_whole():
    """A place in a large division: only the grids drawn, their colours and their own shapes (the kept shapes of
    every grid are not asked for). Nothing chosen: every grid, with the kept shapes as they are."""
    geoms = board()
    grids = gpd.GeoDataFrame({"grid_id": [f"G{i}" for i in range(len(geoms))]}, geometry=geoms, crs=4326)
    classes = Classes([f"#{i}" for i in range(len(geoms))], [("#0", "low")])
    kept = grid_shapes(geoms, "none")
    asked: list[int] = []

    def every_shape() -> GridShapes:
        asked.append(1)
        return kept
    drawn, colours, shapes = in_view(grids.assign(in_scope=block(12, 16, 12, 16)), classes, "none", every_shape)
    positions = np.flatnonzero(block(9, 19, 9, 19))
    assert drawn["grid_id"].tolist() == [f"G{i}" for i in positions] and not asked
    assert colours.colours == [f"#{i}" for i in positions] and colours.legend == classes.legend
    assert len(shapes.geometries) == 121
    assert shapes.bounds == [[pytest.approx(9 * CELL), pytest.approx(9 * CELL)], [pytest.approx(20 * CELL)] * 2]
    drawn, colours, shapes = in_view(grids.assign(in_scope=False), classes, "none", every_shape)
    assert len(drawn) == 1200 and colours is classes and shapes is kept and len(asked) == 1

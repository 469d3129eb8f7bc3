"""Units of a suggestion: estates read from addresses, cuts between estates, along the street's lines, and
through an estate only when it alone exceeds the norm (small streets with known answers)."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.division import measures as dm
from analysis.division.edits import division_from_layer
from analysis.division.suggest import suggest
from analysis.division.units import estate_keys, length_km, street_lines
from analysis.settings import load_settings
from tests.fixtures import UNIT, X0, at, square

SETTINGS = load_settings()   # the default norm: 300-500 households a grid


def one_grid(width: float = 2.0) -> gpd.GeoDataFrame:
    """A single grid, ``width`` by 1 (units of 0.001°), in one community."""
    (a, b), (c, d) = at(0, 0), at(width, 1)
    return gpd.GeoDataFrame({"grid_id": ["C1001"], "name": ["甲"], "level": "grid", "parent_id": "C1",
                             "community": "甲社区"}, geometry=[shapely.box(a, b, c, d)], crs=4326)


def street(points: list[tuple[float, float]], households: float | list[float], addresses: list[str]) -> pd.DataFrame:
    lon, lat = zip(*(at(x, y) for x, y in points))
    return pd.DataFrame({"lon": lon, "lat": lat, "households": households, "incidents": 1.0, "address": addresses})


def grid_of(proposal, frame: pd.DataFrame) -> np.ndarray:
    """The suggested grid holding each building (its position in the proposal's table)."""
    geoms = proposal.division.grids.geometry.to_numpy()
    return np.array([int(np.flatnonzero(shapely.intersects_xy(geoms, x, y))[0])
                     for x, y in zip(frame["lon"], frame["lat"])])


def test_estates_are_read_from_the_register_or_the_address():
    frame = pd.DataFrame({"address": ["书院路20号丽景苑3栋", "书院路22号", "坡子街8号碧水园二期12幢", "天心路1号金桂苑5号楼",
                                      None, "黄兴路3号华府2单元"],
                          "estate": ["", "", "", "", "", "华府小区"]})
    assert estate_keys(frame).tolist() == ["书院路20号丽景苑", "", "坡子街8号碧水园二期", "天心路1号金桂苑", "", "华府小区"]
    assert estate_keys(pd.DataFrame({"lon": [1.0]})).tolist() == [""]          # no address, no estate column


def test_a_cut_goes_between_estates_not_through_one():
    """32 buildings of 25 households (800): two grids of 300-500. The straight cut at x = 1 would go
    through 锦园 (the column at x = 0.875 and the one at 1.125); the cut keeps it whole."""
    points = [(0.125 + 0.25 * i, 0.125 + 0.25 * j) for i in range(8) for j in range(4)]
    addresses = [f"书院路7号锦园{4 * i + j}栋" if i in (3, 4) else f"书院路{i}号{j}" for i in range(8) for j in range(4)]
    frame = street(points, 25.0, addresses)
    proposal = suggest(division_from_layer(one_grid()), frame, SETTINGS, steps=0)
    assert len(proposal.division.grids) == 2
    where = grid_of(proposal, frame)
    estate = np.array(["锦园" in a for a in addresses])
    assert len(set(where[estate])) == 1                            # 锦园's 8 buildings are in one grid
    sizes = np.bincount(where, weights=frame["households"])
    assert sizes.min() >= 300 and sizes.max() <= 500
    assert (dm.part_counts(proposal.division.grids.geometry) == 1).all()
    assert (proposal.report["split"] == "").all()


def test_an_estate_above_the_norm_alone_is_cut_and_named():
    """One estate of 16 buildings × 40 households (640 > 500): it must be cut, and the report says so."""
    points = [(0.125 + 0.25 * i, 0.125 + 0.25 * j) for i in range(8) for j in range(2)]
    frame = street(points, 40.0, [f"碧湘街9号金桂苑{k + 1}栋" for k in range(16)])
    proposal = suggest(division_from_layer(one_grid()), frame, SETTINGS, steps=0)
    assert len(proposal.division.grids) == 2
    assert proposal.report["split"].tolist() == ["碧湘街9号金桂苑"]
    assert sorted(np.bincount(grid_of(proposal, frame), weights=frame["households"])) == [320, 320]


def test_a_grid_is_cut_along_the_streets_own_line():
    """32 buildings of 25 households; a road at x = 0.75 leaves 300 and 500 households either side: the
    cut follows the road (without it, the straight cut halves the grid at x = 1)."""
    points = [(0.125 + 0.25 * i, 0.125 + 0.25 * j) for i in range(8) for j in range(4)]
    frame = street(points, 25.0, [""] * len(points))
    road = shapely.LineString([at(0.75, -0.5), at(0.75, 1.5)])
    along = suggest(division_from_layer(one_grid()), frame, SETTINGS, steps=0, lines=street_lines([], road))
    plain = suggest(division_from_layer(one_grid()), frame, SETTINGS, steps=0)
    edges = sorted(round((g.bounds[2] - X0) / UNIT, 6) for g in along.division.grids.geometry)
    assert edges == [0.75, 2.0]
    assert sorted(round((g.bounds[2] - X0) / UNIT, 6) for g in plain.division.grids.geometry) == [1.0, 2.0]
    assert length_km(road) == pytest.approx(0.222, abs=0.002)     # 0.002° of latitude


def test_micro_grid_outlines_are_lines_to_cut_along():
    micro = [square(0, 0, 0.75), square(0.75, 0, 0.25)]
    lines = street_lines(micro)
    assert lines is not None and shapely.covers(lines, shapely.LineString([at(0.75, 0.1), at(0.75, 0.2)]))
    assert street_lines([]) is None


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0.02, 1.98), st.floats(0.02, 0.98), st.integers(5, 60), st.integers(0, 5)),
                min_size=12, max_size=40))
def test_any_suggestion_tiles_the_grid_and_keeps_small_estates_whole(rows):
    """Random buildings, households and estates: the grids tile the ground with no gap or overlap, each is
    one piece, every building is in exactly one, and an estate is cut only when it alone exceeds 500."""
    frame = street([(x, y) for x, y, _, _ in rows], [float(h) for _, _, h, _ in rows],
                   [f"路{e}号某苑{k}栋" if e else "" for k, (_, _, _, e) in enumerate(rows)])
    ground = one_grid().geometry.iloc[0]
    proposal = suggest(division_from_layer(one_grid()), frame, SETTINGS, steps=20)
    geoms = proposal.division.grids.geometry.to_numpy()
    assert abs(shapely.area(shapely.union_all(geoms)) - ground.area) < 1e-4 * ground.area     # no gap
    assert abs(sum(g.area for g in geoms) - ground.area) < 1e-4 * ground.area                 # no overlap
    assert (dm.part_counts(geoms) == 1).all() and shapely.is_valid(geoms).all()
    inside = np.array([shapely.intersects_xy(geoms, x, y).sum() for x, y in zip(frame["lon"], frame["lat"])])
    assert (inside >= 1).all()
    where = grid_of(proposal, frame)
    estates = estate_keys(frame)
    totals = frame.groupby(estates)["households"].sum()
    for estate in set(estates) - {""}:
        if totals[estate] <= 500:
            assert len(set(where[estates == estate])) == 1


def test_without_households_todays_grids_stay():
    """No building register (or no households in it): nothing to balance, the division comes back as it is."""
    layer = gpd.GeoDataFrame({"grid_id": ["C1001", "C1002"], "name": ["甲", "乙"], "level": "grid", "parent_id": "C1",
                              "community": "甲社区"}, geometry=[square(0, 0), square(1, 0)], crs=4326)
    div = division_from_layer(layer)
    for frame in (pd.DataFrame({"lon": [], "lat": [], "households": [], "incidents": []}),
                  street([(0.5, 0.5), (1.5, 0.5)], float("nan"), ["", ""])):
        proposal = suggest(div, frame, SETTINGS)
        assert proposal.division.grids["grid_id"].tolist() == ["C1001", "C1002"]
        assert all(shapely.equals(a, b) for a, b in zip(proposal.division.grids.geometry, layer.geometry))
        assert (proposal.changes["status"] == "same").all() and proposal.report.empty

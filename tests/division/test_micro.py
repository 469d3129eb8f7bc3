"""Micro-grids under a redrawn division: the grid each now lies in, those a new line cuts, and the export.

Drawing (unit squares): grids C1G1 (0,1) C1G2 (1,1) C1G3 (0,0) C1G4 (1,0).
  M1  0.1–0.4 × 1.1–1.4   inside C1G1
  M2  0.8–1.2 × 1.2–1.6   straddles C1G1 | C1G2: half its area on each side
  M3  0.1–0.4 × 0.1–0.4   inside C1G3
"""
import geopandas as gpd
import pytest
import shapely

from analysis.division.edits import division_from_layer
from analysis.division.export import export_bytes
from analysis.division.micro import cut_micro_grids, with_micro_grids
from analysis.ingest.boundaries import read_boundaries
from tests.fixtures import at, four_grids


def box(x0, y0, x1, y1):
    (a, b), (c, d) = at(x0, y0), at(x1, y1)
    return shapely.box(a, b, c, d)


def micro() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"grid_id": ["M1", "M2", "M3"], "name": ["一号", "二号", "三号"], "level": "micro",
                             "parent_id": ["C1G1", "C1G1", "C1G3"], "community": "甲社区"},
                            geometry=[box(.1, 1.1, .4, 1.4), box(.8, 1.2, 1.2, 1.6), box(.1, .1, .4, .4)], crs=4326)


def test_a_line_through_a_micro_grid_is_reported_with_the_share_outside():
    cut = cut_micro_grids(four_grids(), micro())
    assert cut["grid_id"].tolist() == ["M2"] and cut["outside_share"].iloc[0] == pytest.approx(0.5, abs=0.01)
    moved = four_grids()
    moved.loc[0, "geometry"] = box(0, 1, 1.3, 2)                 # C1G1 now reaches past M2
    moved.loc[1, "geometry"] = box(1.3, 1, 2, 2)
    assert cut_micro_grids(moved, micro()).empty


def test_micro_grids_follow_the_grid_holding_their_inner_point_and_are_exported(tmp_path):
    layer = with_micro_grids(four_grids(), micro())
    parents = layer[layer["level"] == "micro"].set_index("grid_id")["parent_id"]
    assert parents["M1"] == "C1G1" and parents["M3"] == "C1G3" and parents["M2"] in ("C1G1", "C1G2")
    division = division_from_layer(four_grids(), None, [])
    back, _ = read_boundaries(export_bytes(division, "geojson", micro=micro()), "plan.geojson")
    assert sorted(back.loc[back["level"] == "micro", "grid_id"]) == ["M1", "M2", "M3"]
    assert len(back[back["level"] == "grid"]) == 4

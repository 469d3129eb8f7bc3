import pandas as pd
import pytest
import shapely

from analysis.ingest.grid_checks import check_grids
from tests.fixtures import at, four_grids, square


def with_community(grids):
    community = grids.iloc[[0]].assign(grid_id="C1", name="甲社区", level="community", parent_id="",
                                       geometry=[shapely.union_all(grids.geometry.to_numpy())])
    return pd.concat([community, grids], ignore_index=True)


def test_a_clean_division_has_no_problems():
    street = shapely.union_all(four_grids().geometry.to_numpy())
    assert len(check_grids(with_community(four_grids()), street).report) == 0


def test_self_intersecting_polygon_is_repaired_and_reported():
    grids = four_grids()
    bowtie = shapely.Polygon([at(0, 1), at(1, 2), at(1, 1), at(0, 2)])
    assert not bowtie.is_valid
    grids.loc[0, "geometry"] = bowtie
    checked = check_grids(grids)
    assert checked.grids.geometry.iloc[0].is_valid
    assert checked.report.count(code="invalid_polygon") == 1
    assert "Self-intersection" in checked.report.problems[0].detail


def test_overlap_is_reported_with_its_area():
    grids = four_grids()
    # G2 grows a quarter of a unit to the west, over G1: 0.25 x 1 units
    grids.loc[1, "geometry"] = shapely.box(*at(0.75, 1), *at(2, 2))
    overlaps = [p for p in check_grids(grids).report.problems if p.code == "overlap"]
    assert len(overlaps) == 1
    area = float(overlaps[0].detail.split(":")[1].split("m²")[0].replace(",", ""))
    assert area == pytest.approx(0.25 * 98.1 * 110.8, rel=0.02)   # 1 unit = ~98 m east-west, ~111 m north-south
    assert overlaps[0].detail.startswith("C1G2")


def test_gap_inside_the_street_is_reported():
    grids = four_grids().iloc[[0, 1, 2]]                       # G4 is missing
    street = shapely.union_all(four_grids().geometry.to_numpy())
    gaps = [p for p in check_grids(grids, street).report.problems if p.code == "gap"]
    assert len(gaps) == 1 and "@ 112.9715" in gaps[0].detail


def test_hole_in_the_union_is_a_gap_without_a_street():
    grids = four_grids()
    grids.loc[0, "geometry"] = square(0, 1).difference(square(0.25, 1.25, 0.5))
    assert sum(p.code == "gap" for p in check_grids(grids).report.problems) == 1


def test_duplicate_and_empty_ids_are_rejected_and_reported():
    grids = four_grids()
    grids.loc[1, "grid_id"] = "C1G1"
    grids.loc[3, "grid_id"] = ""
    checked = check_grids(grids)
    assert checked.grids["grid_id"].tolist() == ["C1G1", "C1G3"]
    assert {(p.row, p.code) for p in checked.report.problems} >= {(2, "duplicate_grid_id"), (4, "missing_grid_id")}
    assert len(checked.rejected) == 2


def test_child_code_must_start_with_parent_code():
    grids = four_grids()
    grids.loc[2, "grid_id"] = "X9G3"
    codes = {(p.value, p.code) for p in check_grids(grids).report.problems}
    assert ("X9G3", "child_code") in codes
    assert ("C1", "unknown_parent") in codes          # C1 is named as parent but not in the layer


def test_empty_geometry_is_rejected():
    grids = four_grids()
    grids.loc[2, "geometry"] = shapely.Polygon()
    checked = check_grids(grids)
    assert checked.report.count(code="empty_geometry") == 1 and len(checked.grids) == 3


def test_thin_slivers_are_counted_in_one_line_and_real_gaps_listed():
    """Two grids 0.1 m apart (a tracing sliver, 111 m long); then two grids 3 m apart (a real strip)."""
    metre = 1 / 111_000                                     # about one metre in degrees of latitude here
    a = shapely.box(*at(0, 0), *at(1, 1))
    b = shapely.box(at(1, 0)[0] + 0.1 * metre, at(1, 0)[1], *at(2, 1))
    c = shapely.box(at(0, 1)[0], at(0, 1)[1] + 3 * metre, *at(1, 2))
    grids = four_grids().iloc[:2].assign(parent_id="")

    def codes(second: shapely.Polygon, street: shapely.Polygon) -> list[tuple[str, str]]:
        report = check_grids(grids.assign(geometry=[a, second]), street).report
        return [(p.code, p.detail) for p in report.problems]

    assert codes(b, shapely.box(*at(0, 0), *at(2, 1))) == [("slivers", "1 (10 m²)")]
    strip = codes(c, shapely.box(*at(0, 0), *at(1, 2)))
    assert len(strip) == 1 and strip[0][0] == "gap" and strip[0][1].startswith("29")   # ~98 m by 3 m


def test_a_micro_grid_reaching_outside_its_grid_is_reported():
    import geopandas as gpd

    def box(x0, y0, x1, y1):
        (a, b), (c, d) = at(x0, y0), at(x1, y1)
        return shapely.box(a, b, c, d)
    micro = gpd.GeoDataFrame({"grid_id": ["C1G1M1", "C1G1M2"], "name": ["一", "二"], "level": "micro",
                              "parent_id": "C1G1", "community": "甲社区", "households": None, "population": None},
                             geometry=[box(.1, 1.1, .4, 1.4), box(.8, 1.2, 1.2, 1.6)], crs=4326)
    layer = gpd.GeoDataFrame(pd.concat([four_grids(), micro], ignore_index=True), crs=4326)
    lines = [(p.value, p.detail) for p in check_grids(layer).report.problems if p.code == "micro_outside_parent"]
    assert lines == [("C1G1M2", "C1G1: 50%")]

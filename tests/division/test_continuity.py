"""Continuity between divisions on hand-made streets: which grid continues which, codes kept by the rule."""
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.division.continuity import carry_codes, lineage
from analysis.division.edits import division_from_layer, merge
from tests.fixtures import at, square


# One community (甲社区, code C1): grids A = [0,2]x[0,1] and B = [2,4]x[0,1]; a building of 100 households at
# the middle of each unit square, so A and B hold 200 each.
def _street(layout):
    grids = gpd.GeoDataFrame({"grid_id": [g for g, _ in layout], "name": [f"{g}格" for g, _ in layout],
                              "level": "grid", "parent_id": "C1", "community": "甲社区"},
                             geometry=[shapely.union_all([square(x, 0) for x in cells]) for _, cells in layout],
                             crs=4326)
    return division_from_layer(grids)


def _buildings(n=4):
    points = [at(x + 0.5, 0.5) for x in range(n)]
    return np.array([p[0] for p in points]), np.array([p[1] for p in points]), np.full(n, 100.0)


TODAY = [("C1001", [0, 1]), ("C1002", [2, 3])]


def test_the_same_division_is_the_same_grid_for_grid():
    today = _street(TODAY)
    table = lineage(today, today, *_buildings())
    assert table["status"].to_list() == ["same", "same"] and table["source"].to_list() == ["C1001", "C1002"]
    renamed, _ = carry_codes(today, today, table)
    assert renamed.grids["grid_id"].to_list() == ["C1001", "C1002"]


def test_grids_that_overlap_are_the_same_when_unchanged():
    """Real area layers overlap (LA's neighbourhood councils): an unchanged division is still the same grid
    for grid, though one grid covers most of another and no household tells them apart."""
    today = _street([("C1001", [0, 1, 2]), ("C1002", [2, 3]), ("C1003", [2])])
    table = lineage(today, today, [], [], [])
    assert table["status"].to_list() == ["same", "same", "same"]
    assert table["source"].to_list() == ["C1001", "C1002", "C1003"]


def test_a_merge_keeps_the_larger_grids_code_and_a_split_keeps_it_for_the_larger_part():
    today = _street(TODAY)
    merged = merge(today, ["C1001", "C1002"])
    table = lineage(today, merged, *_buildings())
    assert table["status"].to_list() == ["merged"] and table["sources"].iloc[0] == ("C1001", "C1002")
    # three grids: P1 takes 150 of A's 200, P3 150 of B's 200, P2 the other 50 of each
    drawn = _street([("P1", [0]), ("P2", [1, 2]), ("P3", [3])])
    lon, lat, _ = _buildings()
    table = lineage(today, drawn, lon, lat, np.array([150.0, 50.0, 50.0, 150.0]))
    assert dict(zip(table["grid_id"], table["status"])) == {"P1": "split", "P2": "merged", "P3": "split"}
    renamed, final = carry_codes(today, drawn, table)
    assert dict(zip(final["proposed_id"], final["grid_id"])) == {"P1": "C1001", "P2": "C1003", "P3": "C1002"}


def test_a_grid_that_keeps_most_of_one_grid_keeps_its_code_and_name_and_new_grids_follow_the_rule():
    today = _street([("C1001", [0, 1, 2]), ("C1002", [3, 4, 5])])
    lon, lat, hh = _buildings(6)
    drawn = _street([("P1", [0, 1]), ("P2", [2]), ("P3", [3, 4, 5])])             # A split 2 + 1, B unchanged
    table = lineage(today, drawn, lon, lat, hh)
    assert dict(zip(table["grid_id"], table["status"])) == {"P1": "split", "P2": "split", "P3": "same"}
    assert table.set_index("grid_id").loc["P1", "kept_share"] == 2 / 3
    renamed, final = carry_codes(today, drawn, table)
    assert dict(zip(final["proposed_id"], final["grid_id"])) == {"P1": "C1001", "P2": "C1003", "P3": "C1002"}
    assert dict(zip(renamed.grids["grid_id"], renamed.grids["name"])) == {
        "C1001": "C1001格", "C1002": "C1002格", "C1003": "甲第3网格"}


def test_new_codes_run_north_to_south_then_west_to_east():
    today = _street([("C1001", [0, 1, 2, 3])])
    top = gpd.GeoDataFrame({"grid_id": ["X", "Y", "Z"], "name": ["x", "y", "z"], "level": "grid", "parent_id": "C1",
                            "community": "甲社区"},
                           geometry=[square(2, 0, 2), square(0, 0, 2).union(square(0, 2, 2)), square(2, 2, 2)],
                           crs=4326)
    drawn = division_from_layer(top)
    table = pd.DataFrame({"grid_id": ["X", "Y", "Z"], "source": ["", "", ""], "status": "new"})
    renamed, final = carry_codes(today, drawn, table)
    assert dict(zip(final["proposed_id"], final["grid_id"])) == {"Z": "C1002", "Y": "C1003", "X": "C1004"}


def test_each_change_has_its_reason_in_both_languages():
    from analysis.division.continuity import carry_over
    from analysis.settings import load_settings
    today = _street([("C1001", [0, 1, 2]), ("C1002", [3, 4, 5])])
    lon, lat, _ = _buildings(6)
    hh = np.array([300.0, 200.0, 150.0, 40.0, 40.0, 40.0])          # A 650 (above 500), B 120 (below 300)
    buildings = pd.DataFrame({"lon": lon, "lat": lat, "households": hh})
    drawn = _street([("P1", [0]), ("P2", [1, 2]), ("P3", [3, 4, 5])])
    renamed, table, _ = carry_over(today, drawn, buildings, load_settings())     # norm 300-500 households
    by_id = table.set_index("proposed_id")
    assert by_id.loc["P1", "reason_zh"] == "由C1001格拆分：原 650 户，超过上限 500 户"
    assert by_id.loc["P1", "reason_en"] == "Split from C1001格: it had 650 households, above the ceiling of 500"
    assert by_id.loc["P3", "status"] == "same" and by_id.loc["P3", "reason_zh"] == ""
    # P2 takes 350 of A's 650 households (more than half): it keeps A's code; P1 is a new grid
    assert (by_id.loc["P2", "grid_id"], by_id.loc["P1", "grid_id"]) == ("C1001", "C1003")
    assert by_id.loc["P2", "reason_zh"] == by_id.loc["P1", "reason_zh"]


def test_people_follow_their_grid_and_a_grid_without_a_worker_gets_one_from_its_neighbour():
    from analysis.division.continuity import carry_over, staffing
    from analysis.settings import load_settings
    today = _street([("C1001", [0, 1, 2]), ("C1002", [3, 4, 5])])
    lon, lat, hh = _buildings(6)
    buildings = pd.DataFrame({"lon": lon, "lat": lat, "households": hh})
    drawn = _street([("P1", [0, 1]), ("P2", [2]), ("P3", [3, 4, 5])])
    renamed, table, flows = carry_over(today, drawn, buildings, load_settings())
    workers = pd.DataFrame({"worker_id": ["W1", "W2", "W3", "W4"], "name": ["张", "李", "王", "赵"],
                            "role": ["专职网格员", "专职网格员", "网格长", "专职网格员"],
                            "grid_id": ["C1001", "C1001", "C1001", "C1002"]})
    v = at(5.5, 0.5)
    volunteers = pd.DataFrame({"volunteer_id": ["V1", "V2"], "name": ["甲", "乙"], "grid_id": ["C1001", "C1001"],
                               "lon": [v[0], np.nan], "lat": [v[1], np.nan]})
    people, unstaffed = staffing(table, flows, renamed, workers, volunteers, ["专职网格员"])
    where = dict(zip(people["person_id"], zip(people["new_grid"], people["basis"])))
    assert where["W3"] == ("C1001", "successor") and where["W4"] == ("C1002", "successor")
    assert sorted([where["W1"], where["W2"]]) == [("C1001", "successor"), ("C1003", "covers")]
    assert where["V1"] == ("C1002", "location") and where["V2"] == ("C1001", "successor")
    assert unstaffed == []
    _, short = staffing(table, flows, renamed, workers[workers["worker_id"] != "W2"], volunteers, ["专职网格员"])
    assert short == ["C1003"]                                                   # nobody was free to cover it


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.lists(st.integers(1, 6), min_size=1, max_size=4),
       st.lists(st.integers(0, 300), min_size=12, max_size=12))
def test_any_redraw_of_a_strip_keeps_codes_unique_and_continues_each_grid_at_most_once(old, new, households):
    """Two divisions of the same strip of unit squares (grids of ``old`` and ``new`` widths, cut to fit 12
    squares) and any households: every new grid has a status, at most one new grid continues an old grid, it
    took at least half of that grid's households, and the final codes are unique."""
    def widths(sizes):
        out, left = [], 12
        for size in sizes:
            if left <= 0:
                break
            out.append(min(size, left))
            left -= out[-1]
        return out + ([left] if left > 0 else [])

    def layout(sizes, prefix):
        start, rows = 0, []
        for n, width in enumerate(widths(sizes)):
            rows.append((f"{prefix}{n + 1:03d}", list(range(start, start + width))))
            start += width
        return _street(rows)

    before, after = layout(old, "C1"), layout(new, "P")
    lon, lat, _ = _buildings(12)
    table = lineage(before, after, lon, lat, np.array(households, dtype=float))
    assert set(table["status"]) <= {"same", "kept", "split", "merged", "new"} and len(table) == len(after.grids)
    going_on = table[table["source"] != ""]
    assert going_on["source"].is_unique and (going_on["kept_share"] >= 0.5).all()
    renamed, final = carry_codes(before, after, table)
    assert renamed.grids["grid_id"].is_unique and set(final["grid_id"]) == set(renamed.grids["grid_id"])
    assert (final.loc[final["source"] != "", "grid_id"] == final.loc[final["source"] != "", "source"]).all()

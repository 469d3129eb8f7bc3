import json

import pandas as pd
import pytest

from analysis.demo import build_demo
from analysis.demo.geography import ADMIN_PREFIXES
from analysis.demo.writer import DEMO_DIR, FILES
from analysis.ingest.address import Gazetteer


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    build_demo(out)
    return out


def test_regenerating_gives_identical_bytes(fresh):
    for name in FILES:
        assert (fresh / name).read_bytes() == (DEMO_DIR / name).read_bytes(), name


def test_committed_files_stay_small():
    assert sum((DEMO_DIR / n).stat().st_size for n in FILES) < 15_000_000


def test_grids_codes_and_sizes_are_realistic():
    features = json.loads((DEMO_DIR / "grids.geojson").read_text(encoding="utf-8"))["features"]
    grids = pd.DataFrame([f["properties"] for f in features])
    assert (grids["level"] == "community").sum() == 6
    assert 55 <= (grids["level"] == "grid").sum() <= 65
    assert (grids["level"] == "micro").sum() > 0
    children = grids[grids["parent_id"] != ""]
    assert all(c.startswith(p) for c, p in zip(children["grid_id"], children["parent_id"], strict=False))
    assert grids.loc[grids["level"] == "grid", "grid_id"].str.len().eq(15).all()
    buildings = pd.read_csv(DEMO_DIR / "buildings.csv")
    assert 2300 <= len(buildings) <= 2700 and 22000 <= buildings["households"].sum() <= 30000


def test_demo_data_tells_its_story(demo_store):
    buildings = demo_store.register("buildings")
    from analysis.ingest.geocode import assign_buildings, grid_index
    per_grid = buildings.groupby(assign_buildings(buildings, grid_index(demo_store.grids())))["households"].sum()
    assert (per_grid > 700).sum() >= 2 and (per_grid < 200).sum() >= 2
    incidents = demo_store.incidents()
    assert 28000 <= len(incidents) <= 32000
    assert set(incidents["coord_system"]) >= {"wgs84", "gcj02", ""}
    assert incidents["reported_at"].max() - incidents["reported_at"].min() > pd.Timedelta(days=360)
    weekday = incidents["reported_at"].dt.day_of_week
    assert (weekday < 5).mean() > 5 / 7           # fewer reports at weekends
    assert set(incidents["handled_level"]) == {"网格", "社区", "街道", "部门"}     # read through the word table later
    assert (incidents["match_method"] == "").sum() > 0   # some go to review


def test_demo_flaws_are_all_caught(demo_store):
    reasons = demo_store.review_queue()["reason"].value_counts()
    assert reasons["missing_id"] == 30 and reasons["bad_date"] == 30 and reasons["duplicate_id"] == 25


def test_messy_addresses_mostly_match():
    incidents = pd.read_csv(DEMO_DIR / "incidents.csv", dtype=str, keep_default_na=False)
    only_address = incidents[(incidents["坐标系"] == "") & (incidents["事发地址"] != "")]
    gazetteer = Gazetteer(pd.read_csv(DEMO_DIR / "buildings.csv", dtype=str, keep_default_na=False), ADMIN_PREFIXES)
    matched = gazetteer.match_many(only_address["事发地址"])["method"] != "unmatched"
    assert 0.85 < matched.mean() < 1.0


def test_the_demo_division_is_a_clean_coverage():
    from analysis.ingest.boundaries import read_boundaries, read_street
    from analysis.ingest.grid_checks import check_grids
    grids, _ = read_boundaries(DEMO_DIR / "grids.geojson")
    street = read_street(DEMO_DIR / "street.geojson")
    assert len(check_grids(grids, street).report) == 0     # no gap, overlap, bad code or invalid polygon

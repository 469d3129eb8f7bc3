"""Attribution of incidents and registers to the grids of a boundary version, by location."""
import numpy as np
import pandas as pd
import shapely

from analysis.metrics.dataset import build_dataset, load_dataset
from tests.fixtures import small_dataset, small_street, square


def street(version=None):
    grids, incidents, buildings, workers, volunteers, services = small_street()
    return build_dataset(incidents, version if version is not None else grids, None, buildings, workers, volunteers,
                         services, tolerance_m=30, now=pd.Timestamp("2026-12-01"))


def test_incidents_are_where_they_are():
    ds = street()
    grid = dict(zip(ds.incidents["incident_id"], ds.incidents["grid_id"].astype(object), strict=False))
    assert grid["I1"] == "G1" and grid["I3"] == "G3"
    assert grid["I4"] == "G4"                 # placed by its building's point
    assert pd.isna(grid["I6"])                # 60 m outside, beyond the 30 m snapping
    assert grid["I7"] == "G2"                 # no location: keeps its manual grid
    assert ds.incidents.loc[ds.incidents["incident_id"] == "I4", "lon"].notna().all()
    assert ds.anchor == pd.Timestamp("2026-03-08 10:00")
    assert list(ds.incidents["community"].astype(object)[:4]) == ["甲社区", "甲社区", "乙社区", "乙社区"]


def test_grid_attributes_come_from_the_registers():
    g = street().grids.set_index("grid_id")
    assert g["households"].tolist() == [400, 300, 200, 100] and g["population"].tolist() == [1000, 800, 500, 250]
    assert g["workers"].tolist() == [1, 1, 0, 2]
    assert g["volunteers"].tolist() == [1, 0, 1, 0]    # V1 lives in G1 (its register says G2); V2 has no point


def test_rows_in_no_grid_or_without_a_count_add_nothing():
    from analysis.metrics.dataset import division_attributes
    ds = street()
    far = ds.buildings.iloc[[0, 1]].assign(grid_id=["", None], households=[50, 60])        # in no grid
    blank = ds.buildings.iloc[[2]].assign(households=[np.nan], population=["不详"])          # G3, no count
    buildings = pd.concat([ds.buildings, far, blank], ignore_index=True)
    workers = pd.concat([ds.workers, ds.workers.iloc[[0]].assign(grid_id="G9")], ignore_index=True)
    g = division_attributes(ds.grids, buildings, workers, ds.volunteers).set_index("grid_id")
    assert g["households"].tolist() == [400, 300, 200, 100] and g["population"].tolist() == [1000, 800, 500, 250]
    assert g["workers"].tolist() == [1, 1, 0, 2] and g["workers"].dtype == int


def test_another_version_gets_its_own_attribution():
    grids = small_street()[0]
    merged = grids.iloc[[0, 2, 3]].copy()
    merged.loc[merged.index[0], ["grid_id", "name"]] = ["G12", "合并"]
    merged.loc[merged.index[0], "geometry"] = shapely.union(square(0, 1), square(1, 1))
    ds = street(merged.reset_index(drop=True))
    assert ds.grids["grid_id"].tolist() == ["G12", "G3", "G4"]
    counts = ds.incidents["grid_id"].value_counts()
    assert counts["G12"] == 3                          # I1, I2, I5; I7's manual grid G2 is not in this version
    assert ds.grids.set_index("grid_id").loc["G12", "households"] == 700


def test_the_demo_store_agrees_with_its_own_geocoding(demo_store):
    ds = load_dataset(demo_store)
    stored = demo_store.incidents().set_index("incident_id")["grid_id"]
    mine = ds.incidents.set_index("incident_id")["grid_id"].astype(object).fillna("")
    assert (mine == stored.reindex(mine.index)).mean() == 1.0
    assert len(ds.grids) == 60 and np.isclose(ds.grids["households"].sum(), 26690)


def test_a_report_dated_in_the_future_does_not_move_the_anchor():
    """A typing error (2099) is kept out of the anchor: the presets stay on the data's own last day."""
    grids, incidents, buildings, workers, volunteers, services = small_street()
    typo = incidents.iloc[[0]].assign(incident_id="I99", reported_at=pd.Timestamp("2099-03-01 08:00"))
    ds = build_dataset(pd.concat([incidents, typo], ignore_index=True), grids, None, buildings, workers, volunteers,
                       services, tolerance_m=30, now=pd.Timestamp("2026-12-01"))
    assert ds.anchor == pd.Timestamp("2026-03-08 10:00")
    only_future = build_dataset(typo, grids, None, buildings, workers, volunteers, services, tolerance_m=30,
                                now=pd.Timestamp("2026-12-01"))
    assert only_future.anchor == pd.Timestamp("2026-12-01")


def test_what_a_dataset_keeps_is_worked_out_once_and_not_carried_to_a_new_dataset():
    from dataclasses import replace

    ds = small_dataset()
    made = []
    first = ds.kept(("cells", 20.0), lambda: made.append(1) or np.arange(3))
    again = ds.kept(("cells", 20.0), lambda: made.append(1) or np.arange(3))
    assert again is first and made == [1]
    other = replace(ds, incidents=ds.incidents.head(2))
    assert other.kept(("cells", 20.0), lambda: np.arange(2)).tolist() == [0, 1]       # its own, not the first's

"""Several streets in one database: every row carries its street, ids are unique within a street, and an import,
a register replacement, a fix, a plan, its adoption or a meeting note touches one street only (both backends)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.access import audit
from analysis.division.edits import division_from_layer
from analysis.division.plans import list_plans, load_plan, make_current, save_plan
from analysis.ingest.importer import import_boundaries, import_incidents, import_register
from analysis.metrics.dataset import load_dataset
from analysis.store.database import Store
from analysis.store.errors import StoreError
from analysis.store.notes import save_week_notes, week_notes
from analysis.store.status import revision, summarise
from analysis.store.streets import add_street, list_streets
from tests.fixtures import at, export, four_grids, snapshot

A, B = "430103007", "430103008"


def _two_streets(store: Store, tmp_path) -> tuple[Store, Store]:
    """Streets A and B in one database, each with the four grids, the same incident ids and a building list."""
    assert add_street(store.engine, A, "坡子街街道") and add_street(store.engine, B, "城南路街道")
    four_grids().to_file(tmp_path / "grids.geojson")
    a, b = store.for_street(A), store.for_street(B)
    x, y = at(0.5, 0.5)
    for street, status in ((a, "处置中"), (b, "已结案")):
        import_boundaries(street, tmp_path / "grids.geojson", version_name=f"{street.street_code} 现行")
        import_incidents(street, export([("E1", "2026/3/1 8:00", status, x, y, "", "2026/3/2 8:00"
                                          if status == "已结案" else ""),
                                         ("E2", "2026/3/1 9:00", "处置中", x, y, "", "")]), "same.csv")
    import_register(a, "buildings", f"楼栋编号,地址,户数,经度,纬度\nB1,一号楼,40,{x},{y}\n".encode(), name="buildings.csv")
    return a, b


def test_each_street_sees_its_own_rows_under_the_same_ids(empty_store, tmp_path):
    a, b = _two_streets(empty_store, tmp_path)
    assert list_streets(empty_store.engine)["code"].tolist() == [A, B]
    assert a.incidents().set_index("incident_id")["status"].to_dict() == {"E1": "处置中", "E2": "处置中"}
    assert b.incidents().set_index("incident_id")["status"].to_dict() == {"E1": "已结案", "E2": "处置中"}
    assert a.count_incidents() == b.count_incidents() == 2 and snapshot(empty_store)["incidents"] == 4
    assert len(a.batches()) == 3 and len(b.batches()) == 2   # boundaries, incidents (and A's building list)
    assert a.register("buildings")["building_id"].tolist() == ["B1"] and b.register("buildings").empty
    assert summarise(a)["households"] == 40 and summarise(b)["households"] == 0
    assert revision(a) != revision(b)
    assert len(load_dataset(a).incidents) == len(load_dataset(b).incidents) == 2


def test_an_import_a_register_a_fix_and_a_note_touch_one_street(empty_store, tmp_path):
    a, b = _two_streets(empty_store, tmp_path)
    before = (a.incidents(), a.register("buildings"), a.boundary_versions(), revision(a))
    x, y = at(1.5, 0.5)
    import_incidents(b, export([("E1", "2026/3/5 8:00", "已结案", x, y, "", "2026/3/6 8:00")]), "again.csv")
    import_register(b, "buildings", f"楼栋编号,地址,户数,经度,纬度\nB9,九号楼,10,{x},{y}\n".encode(), name="buildings.csv")
    import_boundaries(b, tmp_path / "grids.geojson", version_name="B 第二版")
    b.save_fix("E2", grid_id="C1G4")
    save_week_notes(b, "2026-W10", "城南路的纪要")
    pd.testing.assert_frame_equal(a.incidents(), before[0])
    pd.testing.assert_frame_equal(a.register("buildings"), before[1])
    pd.testing.assert_frame_equal(a.boundary_versions(), before[2])
    assert revision(a) == before[3] and a.fixes().empty and week_notes(a, "2026-W10") == ""
    assert week_notes(b, "2026-W10") == "城南路的纪要" and b.fixes()["incident_id"].tolist() == ["E2"]
    assert b.register("buildings")["building_id"].tolist() == ["B9"]
    assert len(b.boundary_versions()) == 2 and len(a.boundary_versions()) == 1
    assert a.current_version() != b.current_version() and not a.grids().empty


def test_plans_are_numbered_and_adopted_per_street(empty_store, tmp_path):
    a, b = _two_streets(empty_store, tmp_path)
    division = load_dataset(a)
    plan = division_from_layer(a.grids(), None, [])
    first_a = save_plan(a, "东片调整", plan, author="甲")
    first_b = save_plan(b, "东片调整", plan, author="乙")   # the same name in another street: its own revision 1
    assert list_plans(a)[["name", "revision"]].values.tolist() == [["东片调整", 1]]
    assert list_plans(b)[["name", "revision"]].values.tolist() == [["东片调整", 1]]
    with pytest.raises(LookupError):
        load_plan(a, first_b)                              # another street's plan is not found, by id either
    version_a = a.current_version()
    make_current(b, first_b, "2026-04-01")
    assert a.current_version() == version_a and b.current_version() != version_a
    assert len(division.grids) > 0 and first_a != first_b


def test_a_write_to_a_street_not_added_is_refused_and_nothing_is_written(empty_store, tmp_path):
    before = snapshot(empty_store)
    four_grids().to_file(tmp_path / "grids.geojson")
    with pytest.raises(StoreError) as err:
        import_boundaries(empty_store.for_street("430103099"), tmp_path / "grids.geojson")
    assert err.value.kind == "unknown_street" and snapshot(empty_store) == before
    with pytest.raises(ValueError, match="street code"):
        empty_store.for_street("a'; DROP TABLE incidents; --")
    import_boundaries(empty_store, tmp_path / "grids.geojson")      # the laptop's street is added by its first write
    assert list_streets(empty_store.engine)[["code", "name"]].values.tolist() == [["local", "本街道"]]


def test_audit_lines_carry_the_street_acted_on(empty_store, tmp_path):
    a, b = _two_streets(empty_store, tmp_path)
    audit.record(b, "王", "import_incidents", "same.csv")
    audit.record(b, "王", "login")
    log = audit.read_log(empty_store)
    assert log[["action", "street"]].values.tolist() == [["login", ""], ["import_incidents", B]]
    assert audit.read_log(empty_store, street=A).empty
